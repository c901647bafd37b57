// SPDX-License-Identifier: MIT
/* virtq_net.c - the network device's buffer rules: header placement, mergeable receive */

#include <endian.h>
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include "vnet/virtq_net.h"

void vnet_virtq_net_init(struct vnet_virtq_net *n,
			 const struct vnet_hdr_layout *layout,
			 const struct vnet_features *f)
{
	memset(n, 0, sizeof(*n));
	n->layout = *layout;
	n->mrg_rxbuf = vnet_features_has(f, VNET_F_MRG_RXBUF);
	/*
	 * virtio-net-device.tex, Legacy Interface: Framing Requirements:
	 * "drivers which have not negotiated VIRTIO_F_ANY_LAYOUT MUST use a
	 * single descriptor for the struct virtio_net_hdr". Legacy mergeable
	 * buffers are single descriptors that hold header and frame alike.
	 */
	n->hdr_alone = !vnet_features_has(f, VNET_F_VERSION_1) &&
		       !vnet_features_has(f, VNET_F_ANY_LAYOUT) &&
		       !n->mrg_rxbuf;
	n->plain = layout->size == 12 && layout->endian == VNET_ENDIAN_LITTLE &&
		   layout->has_num_buffers && !layout->has_hash &&
		   !layout->has_tunnel && !layout->has_out_net;
}

/* Copy @len bytes out of @iov from byte @off; return the bytes copied. */
static size_t iov_read(const struct iovec *iov, unsigned int cnt, size_t off,
		       void *dst, size_t len)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < cnt && done < len; i++) {
		size_t seg = iov[i].iov_len, chunk;

		if (off >= seg) {
			off -= seg;
			continue;
		}
		chunk = seg - off < len - done ? seg - off : len - done;
		memcpy((uint8_t *)dst + done, (uint8_t *)iov[i].iov_base + off,
		       chunk);
		done += chunk;
		off = 0;
	}
	return done;
}

/* Copy @len bytes into @iov from byte @off (zeros if @src is NULL). */
static size_t iov_write(const struct iovec *iov, unsigned int cnt, size_t off,
			const void *src, size_t len)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < cnt && done < len; i++) {
		size_t seg = iov[i].iov_len, chunk;
		uint8_t *dst = (uint8_t *)iov[i].iov_base;

		if (off >= seg) {
			off -= seg;
			continue;
		}
		chunk = seg - off < len - done ? seg - off : len - done;
		if (src)
			memcpy(dst + off, (const uint8_t *)src + done, chunk);
		else
			memset(dst + off, 0, chunk);
		done += chunk;
		off = 0;
	}
	return done;
}

/* The segments of @iov from byte @off on. */
static int iov_tail(const struct iovec *iov, unsigned int cnt, size_t off,
		    struct iovec *out, unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < cnt; i++) {
		size_t seg = iov[i].iov_len;

		if (off >= seg) {
			off -= seg;
			continue;
		}
		if (n == max)
			return -ENOBUFS;
		out[n].iov_base = (uint8_t *)iov[i].iov_base + off;
		out[n].iov_len = seg - off;
		n++;
		off = 0;
	}
	return (int)n;
}

/*
 * The plain header (struct vnet_virtq_net.plain) at @src, in guest memory:
 * its 12 bytes copied once into two registers, then decoded from the copy
 * as vnet_hdr_decode() does (virtio_net_hdr: flags, gso_type, then five
 * le16 fields).
 */
static void tx_hdr_plain(const void *src, struct vnet_hdr *h)
{
	uint64_t a;
	uint32_t b;

	memcpy(&a, src, sizeof(a));
	memcpy(&b, (const uint8_t *)src + sizeof(a), sizeof(b));
	/* a compiler barrier: the copy is used, guest memory not read again */
	atomic_signal_fence(memory_order_seq_cst);
	memset(h, 0, sizeof(*h));
#if __BYTE_ORDER == __LITTLE_ENDIAN
	/* struct vnet_hdr begins with the wire header's fields, at its
	 * offsets (checked below): on a little-endian host, two stores */
	memcpy(h, &a, sizeof(a));
	memcpy((uint8_t *)h + sizeof(a), &b, sizeof(b));
#else
	a = le64toh(a);
	b = le32toh(b);
	h->flags = (uint8_t)a;
	h->gso_type = (uint8_t)(a >> 8);
	h->hdr_len = (uint16_t)(a >> 16);
	h->gso_size = (uint16_t)(a >> 32);
	h->csum_start = (uint16_t)(a >> 48);
	h->csum_offset = (uint16_t)b;
	h->num_buffers = (uint16_t)(b >> 16);
#endif
}

_Static_assert(offsetof(struct vnet_hdr, flags) == 0 &&
	       offsetof(struct vnet_hdr, gso_type) == 1 &&
	       offsetof(struct vnet_hdr, hdr_len) == 2 &&
	       offsetof(struct vnet_hdr, gso_size) == 4 &&
	       offsetof(struct vnet_hdr, csum_start) == 6 &&
	       offsetof(struct vnet_hdr, csum_offset) == 8 &&
	       offsetof(struct vnet_hdr, num_buffers) == 10,
	       "struct vnet_hdr starts as struct virtio_net_hdr");

/* Any other layout: copied out whole, then decoded. Out of line: its
 * buffer would cost the common case a stack canary. */
static __attribute__((noinline)) void
tx_hdr_copy(const struct vnet_virtq_net *n, const void *src, struct vnet_hdr *h)
{
	uint8_t buf[VNET_HDR_LEN_MAX];
	size_t hlen = n->layout.size;

	memcpy(buf, src, hlen);
	vnet_hdr_decode(&n->layout, buf, hlen, h);
}

/*
 * The common case: the header lies in the first segment (every driver that
 * puts header and frame in one descriptor, or the header in its own). It
 * is still copied out once before it is decoded (the guest may change it),
 * and the frame's segments follow without a walk from the start.
 */
static int tx_hdr_first(const struct vnet_virtq_net *n,
			const struct vnet_virtq_elem *e, struct vnet_hdr *h,
			struct iovec *frame, unsigned int frame_max)
{
	size_t hlen = n->layout.size, rest = e->out[0].iov_len - hlen;
	unsigned int first = rest ? 1 : 0, cnt = e->out_num - 1 + first;

	if (n->plain)
		tx_hdr_plain(e->out[0].iov_base, h);
	else
		tx_hdr_copy(n, e->out[0].iov_base, h);
	if (cnt > frame_max)	/* empty segments counted: the walk skips them */
		return iov_tail(e->out, e->out_num, hlen, frame, frame_max);
	if (first) {
		frame[0].iov_base = (uint8_t *)e->out[0].iov_base + hlen;
		frame[0].iov_len = rest;
	}
	if (e->out_num > 1)
		memcpy(frame + first, e->out + 1,
		       (e->out_num - 1) * sizeof(*frame));
	return (int)cnt;
}

/* A header spread over segments: gathered, then decoded. */
static __attribute__((noinline)) int
tx_hdr_gather(const struct vnet_virtq_net *n, const struct vnet_virtq_elem *e,
	      struct vnet_hdr *h, struct iovec *frame, unsigned int frame_max)
{
	uint8_t buf[VNET_HDR_LEN_MAX];
	size_t hlen = n->layout.size;

	if (iov_read(e->out, e->out_num, 0, buf, hlen) != hlen)
		return -EMSGSIZE;
	vnet_hdr_decode(&n->layout, buf, hlen, h);
	return iov_tail(e->out, e->out_num, hlen, frame, frame_max);
}

int vnet_virtq_net_tx_hdr(const struct vnet_virtq_net *n,
			  const struct vnet_virtq_elem *e, struct vnet_hdr *h,
			  struct iovec *frame, unsigned int frame_max)
{
	size_t hlen = n->layout.size;

	if (e->truncated)
		return -E2BIG;		/* more segments than were mapped */
	if (e->out_len < hlen)
		return -EMSGSIZE;	/* the header is cut short */
	if (e->out_num && e->out[0].iov_len >= hlen)
		return tx_hdr_first(n, e, h, frame, frame_max);
	return tx_hdr_gather(n, e, h, frame, frame_max);
}

/*
 * Where the frame starts in the first receive buffer: right after the
 * header, or, with legacy framing, at the end of the header's descriptor
 * (the first segment boundary at or past the header).
 */
static size_t rx_data_off(const struct vnet_virtq_net *n,
			  const struct vnet_virtq_elem *e)
{
	size_t hlen = n->layout.size, end = 0;
	unsigned int i;

	if (!n->hdr_alone)
		return hlen;
	for (i = 0; i < e->in_num; i++) {
		end += e->in[i].iov_len;
		if (end >= hlen)
			return end;
	}
	return end;
}

/* Room for frame bytes in a popped buffer; checks a buffer's minimum. */
static int rx_room(struct vnet_virtq *q, const struct vnet_virtq_net *n,
		   const struct vnet_virtq_elem *e, bool first, uint64_t *room)
{
	if (n->mrg_rxbuf && e->in_len < n->layout.size) {
		/* "each buffer MUST be at least the size of the struct
		 * virtio_net_hdr" (Setting Up Receive Buffers) */
		vnet_virtq_fail(q, VNET_VIRTQ_ERR_NET_HDR);
		return -EIO;
	}
	if (!first) {
		*room = e->in_len;
		return 0;
	}
	if (e->in_len < n->layout.size)
		return -EMSGSIZE;	/* no room even for the header: drop */
	*room = e->in_len - rx_data_off(n, e);
	return 0;
}

/* Ask for a line of guest memory, to write it (x86: PREFETCHW; a hint
 * that never faults, and a NOP on processors without it). */
static inline void prefetch_write(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("prefetchw %0" : : "m"(*(const char *)p));
#else
	__builtin_prefetch(p, 1, 3);
#endif
}

/*
 * The first two lines of a popped buffer, where the header and a small
 * frame go: their misses (the guest's side last touched them) start now
 * and overlap what the caller does before writing them.
 */
static void rx_prefetch(const struct vnet_virtq_elem *e)
{
	const uint8_t *p;

	if (!e->in_num)
		return;
	p = e->in[0].iov_base;
	prefetch_write(p);
	if (e->in[0].iov_len > 64)
		prefetch_write(p + 64);
}

int vnet_virtq_net_rx_pop(struct vnet_virtq *q, const struct vnet_virtq_net *n,
			  struct vnet_virtq_elem *elems, unsigned int max,
			  size_t frame_len)
{
	unsigned int cap = n->mrg_rxbuf ? max : 1, got = 0;
	uint64_t room = 0;
	int ret;

	if (!max)
		return -EINVAL;
	if (cap > UINT16_MAX)
		cap = UINT16_MAX;	/* num_buffers is 16 bits */
	do {
		uint64_t r;

		if (got == cap) {
			ret = -EMSGSIZE;	/* would need too many */
			goto rollback;
		}
		ret = vnet_virtq_pop(q, &elems[got]);
		if (ret == 0)
			ret = -EAGAIN;		/* the driver has to add more */
		if (ret < 0)
			goto rollback;
		got++;
		ret = rx_room(q, n, &elems[got - 1], got == 1, &r);
		if (ret)
			goto rollback;
		room += r;
	} while (room < frame_len);
	rx_prefetch(&elems[0]);
	return (int)got;

rollback:
	while (got--)
		vnet_virtq_unpop(q, &elems[got]);
	return ret;
}

/* Frame bytes buffer @i takes when @left remain to place. */
static size_t rx_chunk(const struct vnet_virtq_elem *e, size_t start,
		       size_t left)
{
	size_t room = e->in_len - start;

	return room < left ? room : left;
}

/* Check that the buffers hold the frame, none of them left empty. */
static int rx_check(const struct vnet_virtq_elem *elems, unsigned int nbufs,
		    size_t frame_len, size_t off)
{
	size_t left = frame_len;
	unsigned int i;

	if (elems[0].in_len < off)
		return -EMSGSIZE;
	for (i = 0; i < nbufs; i++) {
		size_t chunk = rx_chunk(&elems[i], i ? 0 : off, left);

		if (i && !chunk)
			return -EINVAL;	/* more buffers than the frame needs */
		left -= chunk;
	}
	return left ? -EMSGSIZE : 0;
}

/* Header (num_buffers set) at the start of the first buffer, and zeros
 * up to where the frame starts. */
static int rx_write_hdr(const struct vnet_virtq_net *n,
			const struct vnet_virtq_elem *e, struct vnet_hdr *h,
			unsigned int nbufs, size_t off)
{
	uint8_t hdr[VNET_HDR_LEN_MAX];
	size_t hlen = n->layout.size;
	int ret;

	/* "The device MUST set num_buffers to the number of descriptors
	 * used to hold the incoming packet" (1 without MRG_RXBUF) */
	h->num_buffers = (uint16_t)nbufs;
	ret = vnet_hdr_encode(&n->layout, h, hdr, sizeof(hdr));
	if (ret < 0)
		return ret;
	iov_write(e->in, e->in_num, 0, hdr, hlen);
	iov_write(e->in, e->in_num, hlen, NULL, off - hlen);
	return 0;
}

/*
 * The common case, small frames into buffers of a page or so: header and
 * frame fit the first segment of one buffer. Return: false to take the
 * general path.
 */
static bool rx_push_flat(struct vnet_virtq *q, const struct vnet_virtq_net *n,
			 const struct vnet_virtq_elem *e, struct vnet_hdr *h,
			 const void *frame, size_t frame_len, int *ret)
{
	size_t hlen = n->layout.size;
	uint8_t *dst;

	if (n->hdr_alone || !e->in_num || e->in[0].iov_len < hlen ||
	    e->in[0].iov_len - hlen < frame_len)
		return false;
	dst = e->in[0].iov_base;
	h->num_buffers = 1;	/* "MUST set num_buffers" (see rx_write_hdr) */
	vnet_hdr_encode(&n->layout, h, dst, hlen);
	memcpy(dst + hlen, frame, frame_len);
	*ret = vnet_virtq_push(q, e, (uint32_t)(hlen + frame_len));
	return true;
}

/* @len bytes of @src from @src_off into @e's writable area at @start. */
static void rx_write_pkt(const struct vnet_virtq_elem *e, size_t start,
			 const struct vnet_pkt *src, size_t src_off,
			 size_t len)
{
	unsigned int i;

	for (i = 0; i < src->iovcnt && len; i++) {
		size_t seg = src->iov[i].iov_len, take;

		if (src_off >= seg) {
			src_off -= seg;
			continue;
		}
		take = seg - src_off < len ? seg - src_off : len;
		iov_write(e->in, e->in_num, start,
			  (const uint8_t *)src->iov[i].iov_base + src_off,
			  take);
		start += take;
		len -= take;
		src_off = 0;
	}
}

/* The header, the frame copied from @src unless NULL (already in place),
 * and every buffer pushed with what it holds. */
static int rx_publish(struct vnet_virtq *q, const struct vnet_virtq_net *n,
		      struct vnet_virtq_elem *elems, unsigned int nbufs,
		      struct vnet_hdr *h, const struct vnet_pkt *src,
		      size_t frame_len)
{
	size_t left = frame_len, off;
	unsigned int i;
	int ret;

	if (!nbufs || nbufs > UINT16_MAX)
		return -EINVAL;
	if (elems[0].in_len < n->layout.size)
		return -EMSGSIZE;
	off = rx_data_off(n, &elems[0]);
	ret = rx_check(elems, nbufs, frame_len, off);
	if (ret)
		return ret;
	ret = rx_write_hdr(n, &elems[0], h, nbufs, off);
	if (ret)
		return ret;
	for (i = 0; i < nbufs; i++) {
		size_t start = i ? 0 : off;
		size_t chunk = rx_chunk(&elems[i], start, left);

		if (chunk && src)
			rx_write_pkt(&elems[i], start, src, frame_len - left,
				     chunk);
		left -= chunk;
		ret = vnet_virtq_push(q, &elems[i], (uint32_t)(start + chunk));
		if (ret)
			return ret;
	}
	return 0;
}

int vnet_virtq_net_rx_push(struct vnet_virtq *q, const struct vnet_virtq_net *n,
			   struct vnet_virtq_elem *elems, unsigned int nbufs,
			   struct vnet_hdr *h, const void *frame,
			   size_t frame_len)
{
	struct iovec v = { (void *)frame, frame_len };
	struct vnet_pkt pkt;
	int ret;

	if (nbufs == 1 && rx_push_flat(q, n, &elems[0], h, frame, frame_len,
				       &ret))
		return ret;
	pkt.iov = &v;
	pkt.iovcnt = 1;
	pkt.len = frame_len;
	pkt.writable = false;
	return rx_publish(q, n, elems, nbufs, h, &pkt, frame_len);
}

int vnet_virtq_net_rx_push_pkt(struct vnet_virtq *q,
			       const struct vnet_virtq_net *n,
			       struct vnet_virtq_elem *elems,
			       unsigned int nbufs, struct vnet_hdr *h,
			       const struct vnet_pkt *frame)
{
	if (frame->iovcnt == 1 && frame->iov[0].iov_len >= frame->len)
		return vnet_virtq_net_rx_push(q, n, elems, nbufs, h,
					      frame->iov[0].iov_base,
					      frame->len);
	return rx_publish(q, n, elems, nbufs, h, frame, frame->len);
}

int vnet_virtq_net_rx_commit(struct vnet_virtq *q,
			     const struct vnet_virtq_net *n,
			     struct vnet_virtq_elem *elems, unsigned int nbufs,
			     struct vnet_hdr *h, size_t frame_len)
{
	return rx_publish(q, n, elems, nbufs, h, NULL, frame_len);
}

/* Frame bytes the @held buffers take; a buffer's minimum checked. */
static int rx_held_room(struct vnet_virtq *q, const struct vnet_virtq_net *n,
			const struct vnet_virtq_elem *elems, unsigned int held,
			uint64_t *room)
{
	unsigned int i;
	uint64_t r;
	int ret;

	*room = 0;
	for (i = 0; i < held; i++) {
		ret = rx_room(q, n, &elems[i], i == 0, &r);
		if (ret)
			return ret;
		*room += r;
	}
	return 0;
}

int vnet_virtq_net_rx_reserve(struct vnet_virtq *q,
			      const struct vnet_virtq_net *n,
			      struct vnet_virtq_elem *elems, unsigned int max,
			      unsigned int *held, size_t frame_max)
{
	unsigned int cap = n->mrg_rxbuf ? max : 1;
	uint64_t room, r;
	int ret;

	if (!max)
		return -EINVAL;
	if (cap > UINT16_MAX)
		cap = UINT16_MAX;	/* num_buffers is 16 bits */
	ret = rx_held_room(q, n, elems, *held, &room);
	while (!ret && room < frame_max) {
		if (*held >= cap)
			return -EMSGSIZE;
		ret = vnet_virtq_pop(q, &elems[*held]);
		if (ret == 0)
			return -EAGAIN;		/* the driver has to add more */
		if (ret < 0)
			return ret;
		(*held)++;
		ret = rx_room(q, n, &elems[*held - 1], *held == 1, &r);
		if (!ret)
			room += r;
	}
	if (!ret)
		rx_prefetch(&elems[0]);
	return ret;
}

int vnet_virtq_net_rx_frame_iov(const struct vnet_virtq_net *n,
				const struct vnet_virtq_elem *elems,
				unsigned int nbufs, struct iovec *iov,
				unsigned int max)
{
	unsigned int i, j, cnt = 0;

	for (i = 0; i < nbufs; i++) {
		size_t skip = i ? 0 : rx_data_off(n, &elems[0]);

		for (j = 0; j < elems[i].in_num; j++) {
			const struct iovec *v = &elems[i].in[j];

			if (skip >= v->iov_len) {
				skip -= v->iov_len;
				continue;
			}
			if (cnt == max)
				return -ENOBUFS;
			iov[cnt].iov_base = (uint8_t *)v->iov_base + skip;
			iov[cnt].iov_len = v->iov_len - skip;
			cnt++;
			skip = 0;
		}
	}
	return (int)cnt;
}

int vnet_virtq_net_rx_bufs_for(const struct vnet_virtq_net *n,
			       const struct vnet_virtq_elem *elems,
			       unsigned int held, size_t frame_len)
{
	size_t left = frame_len, off;
	unsigned int i;

	if (!held || elems[0].in_len < n->layout.size)
		return -EMSGSIZE;
	off = rx_data_off(n, &elems[0]);
	if (elems[0].in_len < off)
		return -EMSGSIZE;
	for (i = 0; i < held; i++) {
		left -= rx_chunk(&elems[i], i ? 0 : off, left);
		if (!left)
			return (int)i + 1;
	}
	return -EMSGSIZE;
}
