// SPDX-License-Identifier: MIT
/* gso.c - segmentation core: header replication, payload slicing, dispatch */

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "vnet/csum.h"
#include "vnet/gso.h"
#include "gso_priv.h"

/* Transmit parsing: no tunnel by port, the header locates the tunnel. */
static const struct vnet_parse_config tx_parse_cfg = {
	.flags = 0,
	.ipv6_ext_max = VNET_PARSE_IPV6_EXT_MAX,
};

/**
 * tx_parse_config_parse() - vnet_parse() with the transmit configuration
 * @pkt:	frame
 * @res:	result
 *
 * Return: what vnet_parse() returns
 */
int tx_parse_config_parse(const struct vnet_pkt *pkt,
			  struct vnet_parse_result *res)
{
	return vnet_parse(pkt, &tx_parse_cfg, res);
}

/**
 * gso_iov_slice() - the pieces of a frame that hold a range
 * @pkt:	frame
 * @off:	first byte
 * @len:	bytes
 * @dst:	pieces, empty ones left out
 * @max:	room in @dst
 *
 * Return: pieces written, or -ENOSPC if more than @max are needed, -EFAULT
 * if the range is outside the frame
 */
int gso_iov_slice(const struct vnet_pkt *pkt, size_t off, size_t len,
		  struct iovec *dst, unsigned int max)
{
	unsigned int i, n = 0;
	size_t take;

	if (!vnet_pkt_has(pkt, off, len))
		return -EFAULT;				/* outside the frame */
	for (i = 0; i < pkt->iovcnt && len; i++) {
		if (off >= pkt->iov[i].iov_len) {
			off -= pkt->iov[i].iov_len;
			continue;
		}
		take = pkt->iov[i].iov_len - off;
		if (take > len)
			take = len;
		if (n == max)
			return -ENOSPC;			/* too many pieces */
		dst[n].iov_base = (uint8_t *)pkt->iov[i].iov_base + off;
		dst[n++].iov_len = take;
		len -= take;
		off = 0;
	}
	return (int)n;
}

/**
 * gso_layer() - the layer a GSO header segments
 * @h:		header
 * @res:	parse
 *
 * Return: the inner layer for a tunnel, else the outer
 */
const struct vnet_parse_layer *gso_layer(const struct vnet_hdr *h,
					 const struct vnet_parse_result *res)
{
	return vnet_tx_is_tunnel(h) ? &res->inner : &res->outer;
}

/**
 * gso_seg_begin() - room for the next segment's header
 * @st:		state
 * @hlen:	header bytes
 * @plen:	payload bytes (copied after the header in COPY mode)
 *
 * Return: where to build the header, or NULL if out->buf or out->segs is
 * full
 */
uint8_t *gso_seg_begin(struct gso_state *st, size_t hlen, size_t plen)
{
	size_t need = st->zerocopy ? hlen : hlen + plen;

	if (st->out->nseg >= st->out->seg_max)
		return NULL;				/* no segment slot */
	if (need > st->out->buf_len - st->buf_used)
		return NULL;				/* no bytes */
	return st->out->buf + st->buf_used;
}

/**
 * gso_seg_end() - add the segment whose header gso_seg_begin() gave
 * @st:		state
 * @hdr:	its header, built
 * @hlen:	header bytes
 * @poff:	payload offset in the frame
 * @plen:	payload bytes
 *
 * Return: 0, or -ENOSPC if out->iov is full
 */
int gso_seg_end(struct gso_state *st, uint8_t *hdr, size_t hlen, size_t poff,
		size_t plen)
{
	struct vnet_gso_out *out = st->out;
	struct vnet_gso_seg *seg = &out->segs[out->nseg];
	struct iovec *iov = out->iov + st->iov_used;
	unsigned int room = out->iov_max - st->iov_used;
	int n = 0;

	if (room < 1)
		return -ENOSPC;				/* no piece for the hdr */
	iov[0].iov_base = hdr;
	iov[0].iov_len = hlen;
	if (!st->zerocopy) {
		if (vnet_pkt_read(st->frame, poff, hdr + hlen, plen))
			return -EFAULT;			/* validated: cannot */
		iov[0].iov_len = hlen + plen;
	} else if (plen) {
		n = gso_iov_slice(st->frame, poff, plen, iov + 1, room - 1);
		if (n < 0)
			return n;
	}
	seg->iov = iov;
	seg->iovcnt = (unsigned int)n + 1;
	seg->len = hlen + plen;
	st->iov_used += seg->iovcnt;
	st->buf_used += st->zerocopy ? hlen : hlen + plen;
	out->nseg++;
	return 0;
}

/**
 * gso_ip_base() - sum of an IPv4 header without the fields segments change
 * @tmpl:	the headers
 * @l:		the layer whose IP header it is
 *
 * Return: the partial sum (0 for IPv6, which has no header checksum)
 */
uint32_t gso_ip_base(const uint8_t *tmpl, const struct vnet_parse_layer *l)
{
	uint8_t ip[60];

	if (l->l3 != VNET_L3_IPV4 || l->l3_hdr_len > sizeof(ip))
		return 0;
	memcpy(ip, tmpl + l->l3_off, l->l3_hdr_len);
	memset(ip + 2, 0, 4);			/* total length, ID */
	memset(ip + 10, 0, 2);			/* checksum */
	return vnet_csum_partial(ip, l->l3_hdr_len, 0);
}

/**
 * gso_l4_base() - sum of an L4 header and its pseudo-header, lengths as zero
 * @tmpl:	the headers
 * @l:		the layer
 * @zero:	offsets in the L4 header of 2-byte fields to sum as zero
 * @nzero:	their number
 *
 * Return: the partial sum
 */
uint32_t gso_l4_base(const uint8_t *tmpl, const struct vnet_parse_layer *l,
		     const size_t *zero, unsigned int nzero)
{
	const uint8_t *ip = tmpl + l->l3_off;
	uint8_t th[60];
	unsigned int i;
	uint32_t sum;

	memcpy(th, tmpl + l->l4_off, l->l4_hdr_len);	/* <= 60: parsed */
	for (i = 0; i < nzero; i++)
		memset(th + zero[i], 0, 2);
	if (l->l3 == VNET_L3_IPV6)
		sum = vnet_csum_pseudo_ipv6(ip + 8, ip + 24, l->l4_proto, 0);
	else
		sum = vnet_csum_pseudo_ipv4(ip + 12, ip + 16, l->l4_proto, 0);
	return vnet_csum_partial(th, l->l4_hdr_len, sum);
}

/**
 * gso_fix_l3() - an IP header's length, ID and checksum for one segment
 * @hdr:	segment header
 * @l:		the layer whose IP header it is
 * @l3_len:	bytes from the IP header to the end of the segment
 * @id:		IPv4 identification
 * @base:	gso_ip_base() of the header
 */
void gso_fix_l3(uint8_t *hdr, const struct vnet_parse_layer *l, size_t l3_len,
		uint16_t id, uint32_t base)
{
	uint8_t *ip = hdr + l->l3_off;
	uint16_t c;

	if (l->l3 == VNET_L3_IPV6) {
		gso_put16(ip + 4, (uint16_t)(l3_len - 40));
		return;
	}
	gso_put16(ip + 2, (uint16_t)l3_len);
	gso_put16(ip + 4, id);
	c = gso_finish((uint64_t)base + gso_val16((uint16_t)l3_len) +
		       gso_val16(id), false);
	memcpy(ip + 10, &c, 2);
}

/**
 * gso_l4_csum() - a TCP or UDP checksum over header copy and payload sum
 * @hdr:	segment header, the layer's L4 header inside
 * @l:		the layer
 * @hlen:	header bytes in @hdr
 * @n:		payload bytes
 * @psum:	partial sum of the payload
 * @field:	offset of the checksum field in @hdr
 * @udp:	store a zero result as 0xffff (RFC 768), as Linux's
 *		__udp_gso_segment() does; TCP segments keep a zero, as
 *		tcp_gso_segment() does (gso_make_checksum())
 */
void gso_l4_csum(uint8_t *hdr, const struct vnet_parse_layer *l, size_t hlen,
		 size_t n, uint32_t psum, size_t field, bool udp)
{
	const uint8_t *ip = hdr + l->l3_off;
	size_t l4len = hlen - l->l4_off + n;
	uint32_t sum;
	uint16_t c;

	if (l->l3 == VNET_L3_IPV6)
		sum = vnet_csum_pseudo_ipv6(ip + 8, ip + 24, l->l4_proto,
					    (uint32_t)l4len);
	else
		sum = vnet_csum_pseudo_ipv4(ip + 12, ip + 16, l->l4_proto,
					    (uint32_t)l4len);
	memset(hdr + field, 0, 2);
	sum = vnet_csum_partial(hdr + l->l4_off, hlen - l->l4_off, sum);
	sum = vnet_csum_block_add(sum, psum, hlen - l->l4_off);
	c = udp ? vnet_csum_udp_finish(sum) : vnet_csum_finish(sum);
	memcpy(hdr + field, &c, 2);
}

/**
 * gso_take() - sum a payload range, and slice or copy it, in one walk
 * @st:		state; its piece cursor only moves forward
 * @off:	first byte of the range in the frame
 * @len:	bytes
 * @dst:	where to copy the range (COPY mode), else NULL
 * @iov:	where to put its slices (ZEROCOPY mode)
 * @room:	entries at @iov
 *
 * st->psum is set to the range's sum, as from its first byte (not
 * taken when st->presummed: gso_run() has it).
 *
 * Return: slices written (0 when copying), or -ENOSPC
 */
static int gso_take(struct gso_state *st, size_t off, size_t len,
		    uint8_t *dst, struct iovec *iov, unsigned int room)
{
	const struct iovec *fi = st->frame->iov;
	size_t done = 0, in, take;
	uint32_t sum = 0, part;
	unsigned int n = 0;

	while (st->cur + 1 < st->frame->iovcnt &&
	       off >= st->cur_base + fi[st->cur].iov_len) {
		st->cur_base += fi[st->cur].iov_len;	/* offsets only grow */
		st->cur++;
	}
	for (in = off - st->cur_base; done < len; in = 0) {
		const uint8_t *p = (const uint8_t *)fi[st->cur].iov_base + in;

		take = fi[st->cur].iov_len - in;
		take = take > len - done ? len - done : take;
		part = dst || !st->presummed ?
		       vnet_csum_copy(dst ? dst + done : NULL, p, take) : 0;
		sum = done ? vnet_csum_block_add(sum, part, done) : part;
		if (!dst) {
			if (n == room)
				return -ENOSPC;		/* out of slices */
			iov[n].iov_base = (void *)p;
			iov[n++].iov_len = take;
		}
		done += take;
		if (done < len) {
			st->cur_base += fi[st->cur].iov_len;
			st->cur++;			/* validated: in range */
		}
	}
	st->psum = sum;
	return (int)n;
}

/**
 * gso_sum_all() - every segment's payload sum, in one pass per frame piece
 * @st:		state, with hlen, mss and nseg set
 *
 * vnet_csum_cuts() over each piece, cut at the segment boundaries, its
 * sums straight into st->seg_sum; a segment across pieces has its parts
 * joined: the first range of a piece onto the last of the one before.
 *
 * Return: true if st->seg_sum holds st->nseg sums
 */
static bool gso_sum_all(struct gso_state *st)
{
	const struct iovec *fi = st->frame->iov;
	size_t base = 0, done = 0, lo, hi, first, left, mss = st->mss;
	uint32_t *sum = st->seg_sum, acc = 0;
	unsigned int i, seg = 0;
	int n;

	for (i = 0; i < st->frame->iovcnt; base = hi, i++) {
		hi = base + fi[i].iov_len;
		hi = hi > st->frame->len ? st->frame->len : hi;
		lo = base > st->hlen ? base : st->hlen;
		if (lo >= hi)
			continue;
		first = mss - done;
		left = hi - lo;
		n = vnet_csum_cuts((const uint8_t *)fi[i].iov_base +
				   (lo - base), left, first, mss, sum + seg,
				   GSO_SUMS_MAX - seg);
		if (n < 0)
			return false;			/* too many cuts */
		if (done)
			sum[seg] = vnet_csum_block_add(acc, sum[seg], done);
		if (left < first) {
			done += left;			/* goes on in the next */
		} else {
			seg += 1 + (unsigned int)((left - first) / mss);
			done = (left - first) % mss;
		}
		if (done && seg >= GSO_SUMS_MAX)
			return false;
		acc = done ? sum[seg] : 0;
	}
	return seg + (done ? 1 : 0) == st->nseg;
}

/* 16 bytes in a vector register (GCC vector extension, any target). */
typedef uint8_t gso_v16 __attribute__((vector_size(16)));

/**
 * struct gso_fast - the zero-copy fast path's per-frame values, in
 *		     registers rather than behind the state pointer
 * @hl:		header bytes replicated
 * @mss:	payload bytes per segment
 * @l3:		offset of the IP header
 * @l4:		offset of the TCP or UDP header
 * @swap:	the payload starts at an odd distance from the L4 header
 * @seq:	first sequence number (TCP)
 * @id:		first IPv4 ID
 * @ip_base:	gso_ip_base() of the IPv4 header
 * @l4_base:	gso_l4_base() of the L4 header
 * @off12:	the TCP header's byte 12 (data offset), summed with the flags
 * @flags:	the TCP flags as the frame has them
 * @mid:	@t holds the headers of a middle segment (neither first nor
 *		last, a full MSS): lengths and TCP flags already in place
 * @ip_mid:	@ip_base with a middle segment's IP length
 * @l4_mid:	@l4_base with a middle segment's lengths (and TCP flags)
 * @t:		the template when 32 <= @hl <= 64, as a middle segment has
 *		it: its first 32 bytes, then its last 32 (overlapping them)
 * @tmpl:	the template
 */
struct gso_fast {
	size_t hl, mss, l3, l4;
	bool swap;
	uint32_t seq;
	uint16_t id;
	uint32_t ip_base, l4_base;
	uint8_t off12, flags;
	bool mid;
	uint32_t ip_mid, l4_mid;
	gso_v16 t[4];
	const uint8_t *tmpl;
};

/**
 * gso_hcopy() - copy a segment's headers from the template
 * @dst:	the segment's header
 * @f:		per-frame values, the template among them
 *
 * Headers of 32 to 64 bytes (Ethernet, IP, TCP or UDP without options)
 * from four vector registers loaded once per frame, the last two
 * overlapping the first two: no call, no load, no byte past the headers
 * written. Others from the template in 32-byte moves.
 */
static inline void gso_hcopy(uint8_t *dst, const struct gso_fast *f)
{
	size_t n = f->hl, k;

	if (n >= 32 && n <= 64) {
		memcpy(dst, &f->t[0], 16);
		memcpy(dst + 16, &f->t[1], 16);
		memcpy(dst + n - 32, &f->t[2], 16);
		memcpy(dst + n - 16, &f->t[3], 16);
		return;
	}
	if (n < 32) {
		memcpy(dst, f->tmpl, n);
		return;
	}
	for (k = 0; k + 32 < n; k += 32)
		memcpy(dst + k, f->tmpl + k, 32);
	memcpy(dst + n - 32, f->tmpl + n - 32, 32);
}

/**
 * gso_fast_fields() - one segment's per-segment fields and checksums
 * @f:		per-frame values
 * @hdr:	the segment's header, a copy of the template
 * @i:		segment index
 * @nseg:	segments in the frame
 * @n:		payload bytes
 * @psum:	partial sum of the payload, from its first byte
 * @tcp:	TCP (else UDP); a constant where inlined
 * @v4:		IPv4 (else IPv6); a constant where inlined
 *
 * What gso_tcp_fix() or gso_uso_fix() and gso_fix_l3() do, every value
 * from registers: IP length, IPv4 ID and header checksum; TCP sequence
 * number, flags (FIN and PSH on the last segment only, CWR on the first
 * only) and checksum, or UDP length and checksum (zero sent as 0xffff).
 */
static inline __attribute__((always_inline)) void
gso_fast_fields(const struct gso_fast *f, uint8_t *hdr, unsigned int i,
		unsigned int nseg, size_t n, uint32_t psum, bool tcp, bool v4)
{
	uint8_t *ip = hdr + f->l3, *th = hdr + f->l4, fl[2];
	size_t l3len = f->hl - f->l3 + n, l4len = f->hl - f->l4 + n;
	uint16_t id = (uint16_t)(f->id + i), c;
	uint32_t seq = f->seq + (uint32_t)((size_t)i * f->mss);
	uint64_t sum = (uint64_t)f->l4_base + gso_len_sum((uint32_t)l4len) +
		       (f->swap ? vnet_csum_block_add(0, psum, 1) : psum);

	if (v4) {
		gso_put16(ip + 2, (uint16_t)l3len);
		gso_put16(ip + 4, id);
		c = gso_finish((uint64_t)f->ip_base +
			       gso_val16((uint16_t)l3len) + gso_val16(id),
			       false);
		memcpy(ip + 10, &c, 2);
	} else {
		gso_put16(ip + 4, (uint16_t)(l3len - 40));
	}
	if (!tcp) {
		gso_put16(th + 4, (uint16_t)l4len);
		c = gso_finish(sum + gso_val16((uint16_t)l4len), true);
		memcpy(th + 6, &c, 2);
		return;
	}
	fl[0] = f->off12;
	fl[1] = f->flags;
	if (i + 1 < nseg)
		fl[1] &= (uint8_t)~(VNET_TCP_FIN | VNET_TCP_PSH);
	if (i)
		fl[1] &= (uint8_t)~VNET_TCP_CWR;
	gso_put32(th + 4, seq);
	th[13] = fl[1];
	c = gso_finish(sum + gso_val32(seq) + gso_ld16(fl), false);
	memcpy(th + 16, &c, 2);
}

/**
 * gso_fast_mid() - a middle segment's per-segment fields and checksums
 * @f:		per-frame values, f->mid
 * @hdr:	the segment's header, a copy of the middle template
 * @i:		segment index, neither the first nor the last
 * @psum:	partial sum of the payload (a full MSS), from its first byte
 * @tcp:	TCP (else UDP); a constant where inlined
 * @v4:		IPv4 (else IPv6); a constant where inlined
 *
 * What gso_fast_fields() stores for such a segment, less the lengths and
 * flags the template has: IPv4 ID and header checksum, TCP sequence
 * number, the L4 checksum.
 */
static inline __attribute__((always_inline)) void
gso_fast_mid(const struct gso_fast *f, uint8_t *hdr, unsigned int i,
	     uint32_t psum, bool tcp, bool v4)
{
	uint8_t *ip = hdr + f->l3, *th = hdr + f->l4;
	uint16_t id = (uint16_t)(f->id + i), c;
	uint32_t seq = f->seq + (uint32_t)((size_t)i * f->mss);
	uint64_t sum = (uint64_t)f->l4_mid +
		       (f->swap ? vnet_csum_block_add(0, psum, 1) : psum);

	if (v4) {
		gso_put16(ip + 4, id);
		c = gso_finish((uint64_t)f->ip_mid + gso_val16(id), false);
		memcpy(ip + 10, &c, 2);
	}
	if (!tcp) {
		c = gso_finish(sum, true);
		memcpy(th + 6, &c, 2);
		return;
	}
	gso_put32(th + 4, seq);
	c = gso_finish(sum + gso_val32(seq), false);
	memcpy(th + 16, &c, 2);
}

/**
 * gso_fast_slices() - a payload range's slices of the frame
 * @fr:		frame
 * @cur:	piece the walk is in; only moves forward
 * @base:	that piece's offset in the frame
 * @off:	first byte of the range in the frame
 * @len:	bytes, at least 1
 * @iov:	where to put the slices
 * @room:	entries at @iov
 *
 * The slices gso_take() makes, without the sums (taken already).
 *
 * Return: slices written, or -ENOSPC
 */
static inline int gso_fast_slices(const struct vnet_pkt *fr, unsigned int *cur,
				  size_t *base, size_t off, size_t len,
				  struct iovec *iov, unsigned int room)
{
	const struct iovec *fi = fr->iov;
	size_t in, take;
	unsigned int n = 0;

	while (*cur + 1 < fr->iovcnt && off >= *base + fi[*cur].iov_len) {
		*base += fi[*cur].iov_len;		/* offsets only grow */
		(*cur)++;
	}
	for (in = off - *base;; in = 0) {
		take = fi[*cur].iov_len - in;
		take = take > len ? len : take;
		if (n == room)
			return -ENOSPC;			/* out of slices */
		iov[n].iov_base = (uint8_t *)fi[*cur].iov_base + in;
		iov[n++].iov_len = take;
		len -= take;
		if (!len)
			return (int)n;
		*base += fi[*cur].iov_len;
		(*cur)++;				/* validated: in range */
	}
}

/**
 * gso_fast_mid_init() - the template and sums of a middle segment
 * @st:		state
 * @f:		per-frame values, all but the middle segment's set
 *
 * A middle segment carries a full MSS and neither the first segment's nor
 * the last's TCP flags: its lengths and flags are the same for all, so
 * they go into the template (and its sums) once per frame.
 */
static void gso_fast_mid_init(const struct gso_state *st, struct gso_fast *f)
{
	uint8_t h[64], *ip = h + f->l3, *th = h + f->l4, fl[2];
	size_t l3len = f->hl - f->l3 + f->mss, l4len = f->hl - f->l4 + f->mss;

	memcpy(h, st->tmpl, f->hl);
	f->ip_mid = f->ip_base + gso_val16((uint16_t)l3len);
	f->l4_mid = f->l4_base + gso_len_sum((uint32_t)l4len);
	if (st->l->l3 == VNET_L3_IPV4)
		gso_put16(ip + 2, (uint16_t)l3len);
	else
		gso_put16(ip + 4, (uint16_t)(l3len - 40));
	if (st->fast == GSO_FAST_TCP) {
		fl[0] = f->off12;
		fl[1] = f->flags & (uint8_t)~(VNET_TCP_FIN | VNET_TCP_PSH |
					      VNET_TCP_CWR);
		th[13] = fl[1];
		f->l4_mid += gso_ld16(fl);
	} else {
		gso_put16(th + 4, (uint16_t)l4len);
		f->l4_mid += gso_val16((uint16_t)l4len);
	}
	memcpy(&f->t[0], h, 16);
	memcpy(&f->t[1], h + 16, 16);
	memcpy(&f->t[2], h + f->hl - 32, 16);
	memcpy(&f->t[3], h + f->hl - 16, 16);
}

/**
 * gso_fast_init() - the per-frame values of the fast path
 * @st:		state, the fix-up bases set
 * @f:		out: the values
 */
static void gso_fast_init(const struct gso_state *st, struct gso_fast *f)
{
	const struct vnet_parse_layer *l = st->l;

	f->hl = st->hlen;
	f->mss = st->mss;
	f->l3 = l->l3_off;
	f->l4 = l->l4_off;
	f->swap = (st->hlen - l->l4_off) & 1;
	f->seq = st->seq0;
	f->id = st->id0;
	f->ip_base = st->ip_base;
	f->l4_base = st->l4_base;
	f->off12 = st->tmpl[l->l4_off + 12];
	f->flags = st->tmpl[l->l4_off + 13];
	f->tmpl = st->tmpl;
	memset(f->t, 0, sizeof(f->t));
	f->mid = f->hl >= 32 && f->hl <= 64;
	if (f->mid)
		gso_fast_mid_init(st, f);
}

/**
 * gso_fast_loop() - the segments of gso_run_fast()
 * @st:		state
 * @fp:		per-frame values
 * @tcp:	TCP (else UDP); a constant where inlined
 * @v4:		IPv4 (else IPv6); a constant where inlined
 *
 * Return: segments made, or -ENOSPC
 */
static inline __attribute__((always_inline)) int
gso_fast_loop(struct gso_state *st, const struct gso_fast *fp, bool tcp,
	      bool v4)
{
	const struct gso_fast fv = *fp, *f = &fv;	/* in registers */
	struct vnet_gso_out *out = st->out;
	size_t pay = st->frame->len - f->hl, off = 0, n, used = st->buf_used;
	unsigned int i, iu = st->iov_used, cur = st->cur, nseg = st->nseg;
	struct vnet_gso_seg *seg = out->segs + out->nseg;
	const struct iovec *fi = st->frame->iov;
	size_t base = st->cur_base, cend = base + fi[cur].iov_len;
	uint8_t *cptr = fi[cur].iov_base;
	struct iovec *iov;
	uint8_t *hdr;
	int k;

	for (i = 0; i < nseg; i++, off += n, used += f->hl, seg++) {
		n = pay - off < f->mss ? pay - off : f->mss;
		if (iu >= out->iov_max)
			return -ENOSPC;			/* no piece for the hdr */
		hdr = out->buf + used;
		gso_hcopy(hdr, f);
		if (f->mid && i && i + 1 < nseg)
			gso_fast_mid(f, hdr, i, st->seg_sum[i], tcp, v4);
		else
			gso_fast_fields(f, hdr, i, nseg, n, st->seg_sum[i],
					tcp, v4);
		iov = out->iov + iu;
		if (f->hl + off + n <= cend && iu + 1 < out->iov_max) {
			/* In the piece the walk is in: what the walk gives. */
			iov[1].iov_base = cptr + (f->hl + off - base);
			iov[1].iov_len = n;
			k = 1;
		} else {
			k = gso_fast_slices(st->frame, &cur, &base,
					    f->hl + off, n, iov + 1,
					    out->iov_max - iu - 1);
			if (k < 0)
				return k;
			cend = base + fi[cur].iov_len;
			cptr = fi[cur].iov_base;
		}
		iov[0].iov_base = hdr;
		iov[0].iov_len = f->hl;
		seg->iov = iov;
		seg->iovcnt = (unsigned int)k + 1;
		seg->len = f->hl + n;
		iu += (unsigned int)k + 1;
	}
	st->buf_used = used;
	st->iov_used = iu;
	out->nseg += nseg;
	return (int)nseg;
}

/*
 * gso_fast_loop() for each protocol and IP version, each a function of its
 * own: the registers for one loop, not four inlined into gso_run().
 */
static __attribute__((noinline)) int gso_fast_tcp4(struct gso_state *st,
						   const struct gso_fast *f)
{
	return gso_fast_loop(st, f, true, true);
}

static __attribute__((noinline)) int gso_fast_tcp6(struct gso_state *st,
						   const struct gso_fast *f)
{
	return gso_fast_loop(st, f, true, false);
}

static __attribute__((noinline)) int gso_fast_udp4(struct gso_state *st,
						   const struct gso_fast *f)
{
	return gso_fast_loop(st, f, false, true);
}

static __attribute__((noinline)) int gso_fast_udp6(struct gso_state *st,
						   const struct gso_fast *f)
{
	return gso_fast_loop(st, f, false, false);
}

/**
 * gso_run_fast() - gso_run() for TCP and USO without a tunnel, zero-copy,
 *		    every payload sum taken
 * @st:		state, as for gso_run(), st->presummed
 *
 * The same output as the general loop; the per-frame values and the
 * template in registers, the per-segment fields stored from them, one
 * loop per protocol and IP version (no test of either per segment), no
 * indirect call: what is left per segment is the header stores, the two
 * checksums' folds and the output's bookkeeping.
 *
 * Return: segments made, or -ENOSPC
 */
static int gso_run_fast(struct gso_state *st)
{
	struct vnet_gso_out *out = st->out;
	bool v4 = st->l->l3 == VNET_L3_IPV4;
	struct gso_fast f;

	if (!st->frame->iovcnt || st->cur >= st->frame->iovcnt)
		return -EFAULT;				/* validated: cannot */
	gso_fast_init(st, &f);
	if (out->seg_max - out->nseg < st->nseg ||
	    (out->buf_len - st->buf_used) / f.hl < st->nseg)
		return -ENOSPC;				/* no room */
	if (st->fast == GSO_FAST_TCP)
		return v4 ? gso_fast_tcp4(st, &f) : gso_fast_tcp6(st, &f);
	return v4 ? gso_fast_udp4(st, &f) : gso_fast_udp6(st, &f);
}

/**
 * gso_run() - replicate the headers and slice the payload, mss at a time
 * @st:		state, with hlen, mss, nseg, tmpl and the fix-ups set
 *
 * Return: segments made, or -ENOSPC
 */
int gso_run(struct gso_state *st)
{
	struct vnet_gso_out *out = st->out;
	size_t pay = st->frame->len - st->hlen, off = 0, n, hl = st->hlen;
	struct iovec *iov;
	unsigned int i;
	uint8_t *hdr;
	int k;

	st->presummed = st->zerocopy && st->nseg <= GSO_SUMS_MAX &&
			gso_sum_all(st);
	if (st->presummed && st->fast)
		return gso_run_fast(st);
	for (i = 0; i < st->nseg; i++, off += n) {
		n = pay - off < st->mss ? pay - off : st->mss;
		hdr = gso_seg_begin(st, hl, n);
		if (!hdr || st->iov_used >= out->iov_max)
			return -ENOSPC;
		iov = out->iov + st->iov_used;
		memcpy(hdr, st->tmpl, hl);
		k = gso_take(st, hl + off, n, st->zerocopy ? NULL : hdr + hl,
			     iov + 1, out->iov_max - st->iov_used - 1);
		if (k < 0)
			return k;
		if (st->presummed)
			st->psum = st->seg_sum[i];
		st->inner_fix(st, hdr, i, n);
		if (st->outer_fix)
			st->outer_fix(st, hdr, i, n);
		iov[0].iov_base = hdr;
		iov[0].iov_len = st->zerocopy ? hl : hl + n;
		out->segs[out->nseg].iov = iov;
		out->segs[out->nseg].iovcnt = (unsigned int)k + 1;
		out->segs[out->nseg++].len = hl + n;
		st->iov_used += (unsigned int)k + 1;
		st->buf_used += st->zerocopy ? hl : hl + n;
	}
	return (int)st->nseg;
}

/**
 * gso_whole_split() - zero-copy frame with its checksum fields replaced
 * @st:		state
 * @field:	offsets of the 2-byte fields, ascending, not overlapping
 * @c:		their new values
 * @nf:		fields (1 or 2)
 *
 * Slices of the frame between the fields, each field from out->buf.
 *
 * Return: 1, or -ENOSPC
 */
static int gso_whole_split(struct gso_state *st, const size_t *field,
			   const uint16_t *c, unsigned int nf)
{
	struct vnet_gso_out *out = st->out;
	struct iovec *iov = out->iov + st->iov_used;
	unsigned int room = out->iov_max - st->iov_used, n = 0, i;
	size_t len = st->frame->len, at = 0;
	uint8_t *p = gso_seg_begin(st, 2 * nf, 0);
	int k;

	if (!p)
		return -ENOSPC;
	for (i = 0; i <= nf; i++) {
		size_t end = i < nf ? field[i] : len;

		k = gso_iov_slice(st->frame, at, end - at, iov + n, room - n);
		if (k < 0)
			return -ENOSPC;
		n += (unsigned int)k;
		if (i == nf)
			break;
		if (n >= room)
			return -ENOSPC;			/* no piece for it */
		memcpy(p + 2 * i, &c[i], 2);
		iov[n].iov_base = p + 2 * i;
		iov[n++].iov_len = 2;
		at = field[i] + 2;
	}
	out->segs[out->nseg].iov = iov;
	out->segs[out->nseg].iovcnt = n;
	out->segs[out->nseg].len = len;
	st->iov_used += n;
	st->buf_used += 2 * nf;
	out->nseg++;
	return 1;
}

/**
 * gso_whole_outer() - a tunnel's outer UDP checksum over the whole frame
 * @st:		state
 * @in_sum:	partial sum of the frame from csum_start, inner checksum
 *		field as completed
 * @c:		the outer checksum field
 *
 * What the segmenter computes for each of several segments, for the one:
 * the outer pseudo-header, the outer UDP header with its checksum as zero,
 * the bytes up to csum_start, and the inner datagram as completed (the
 * outer field's content, a pseudo-header sum from the guest, is not used).
 *
 * Return: 0, or -EFAULT if the headers cannot be read (validated: cannot)
 */
static int gso_whole_outer(struct gso_state *st, uint32_t in_sum, uint16_t *c)
{
	const struct vnet_parse_layer *o = &st->res->outer;
	size_t cs = st->h->csum_start, len = st->frame->len;
	uint8_t *t = st->tmpl;
	uint32_t sum;

	if (cs > sizeof(st->tmpl) || cs < o->l4_off + 8 ||
	    vnet_pkt_read(st->frame, 0, t, cs))
		return -EFAULT;				/* validated: cannot */
	memset(t + o->l4_off + 6, 0, 2);
	sum = o->l3 == VNET_L3_IPV6 ?
	      vnet_csum_pseudo_ipv6(t + o->l3_off + 8, t + o->l3_off + 24, 17,
				    (uint32_t)(len - o->l4_off)) :
	      vnet_csum_pseudo_ipv4(t + o->l3_off + 12, t + o->l3_off + 16, 17,
				    (uint32_t)(len - o->l4_off));
	sum = vnet_csum_partial(t + o->l4_off, cs - o->l4_off, sum);
	sum = vnet_csum_block_add(sum, in_sum, cs - o->l4_off);
	*c = vnet_csum_udp_finish(sum);
	return 0;
}

/**
 * gso_whole() - the frame as one segment, its checksums completed if asked
 * @st:		state
 *
 * The checksum at csum_start; for a tunnel with UDP_TUNNEL_CSUM the outer
 * UDP checksum too, over the inner datagram as completed: a frame that
 * fits in one MSS gets what each segment of a longer one gets.
 *
 * Return: 1, or -ENOSPC
 */
static int gso_whole(struct gso_state *st)
{
	const struct vnet_hdr *h = st->h;
	bool csum = h->flags & VNET_HDR_F_NEEDS_CSUM;
	bool outer = csum && (h->flags & VNET_HDR_F_UDP_TUNNEL_CSUM);
	size_t field[2], len = st->frame->len, cs = h->csum_start;
	uint16_t c[2] = { 0, 0 }, old;
	uint32_t sum = 0;
	unsigned int nf = 0;
	uint8_t *p;

	field[1] = cs + h->csum_offset;
	if (csum && (field[1] > len - 2 || len < 2 ||
		     vnet_csum_iov(st->frame->iov, st->frame->iovcnt, cs,
				   len - cs, &sum) ||
		     vnet_pkt_read(st->frame, field[1], &old, 2)))
		return -EFAULT;				/* validated: cannot */
	c[1] = vnet_csum_udp_finish(sum);
	if (outer) {
		/* The inner datagram as completed: old field out, new in. */
		sum = vnet_csum_block_add(sum, (uint32_t)(uint16_t)~old + c[1],
					  h->csum_offset);
		if (gso_whole_outer(st, sum, &c[0]))
			return -EFAULT;
		field[0] = st->res->outer.l4_off + 6;
	}
	nf = csum + outer;
	if (nf && st->zerocopy)
		return gso_whole_split(st, field + 2 - nf, c + 2 - nf, nf);
	p = gso_seg_begin(st, 0, len);
	if (!p || gso_seg_end(st, p, 0, 0, len))
		return -ENOSPC;
	if (csum)
		memcpy(p + field[1], &c[1], 2);
	if (outer)
		memcpy(p + field[0], &c[0], 2);
	return 1;
}

/**
 * gso_peer_takes() - whether the receiving side can take the header as is
 * @ctx:	context, with the peer's HOST_* offloads
 * @h:		validated header
 *
 * Return: true if every offload the header asks for is in ctx->peer
 */
static bool gso_peer_takes(const struct vnet_gso_ctx *ctx,
			   const struct vnet_hdr *h)
{
	const struct vnet_features *p = &ctx->peer;
	static const unsigned int need[] = {
		[VNET_HDR_GSO_TCPV4] = VNET_F_HOST_TSO4,
		[VNET_HDR_GSO_UDP] = VNET_F_HOST_UFO,
		[VNET_HDR_GSO_TCPV6] = VNET_F_HOST_TSO6,
		[VNET_HDR_GSO_UDP_L4] = VNET_F_HOST_USO,
	};
	uint8_t base = vnet_tx_gso_base(h);

	if ((h->flags & VNET_HDR_F_NEEDS_CSUM) &&
	    !vnet_features_has(p, VNET_F_CSUM))
		return false;
	if (base != VNET_HDR_GSO_NONE && !vnet_features_has(p, need[base]))
		return false;
	if ((h->gso_type & VNET_HDR_GSO_ECN) &&
	    !vnet_features_has(p, VNET_F_HOST_ECN))
		return false;
	if (vnet_tx_is_tunnel(h) &&
	    !vnet_features_has(p, VNET_F_HOST_UDP_TUNNEL_GSO))
		return false;
	return !(h->flags & VNET_HDR_F_UDP_TUNNEL_CSUM) ||
	       vnet_features_has(p, VNET_F_HOST_UDP_TUNNEL_GSO_CSUM);
}

/**
 * gso_passthrough() - hand the frame on untouched, with its header
 * @st:		state
 *
 * Return: 1, or -ENOSPC
 */
static int gso_passthrough(struct gso_state *st)
{
	struct vnet_gso_out *out = st->out;
	struct iovec *iov = out->iov;
	int n;

	if (out->seg_max < 1)
		return -ENOSPC;
	n = gso_iov_slice(st->frame, 0, st->frame->len, iov, out->iov_max);
	if (n < 0)
		return -ENOSPC;
	out->segs[0].iov = iov;
	out->segs[0].iovcnt = (unsigned int)n;
	out->segs[0].len = st->frame->len;
	out->nseg = 1;
	out->hdr = *st->h;
	out->passthrough = true;
	return 1;
}

/**
 * gso_dispatch() - segment a validated GSO frame
 * @st:		state
 *
 * Return: segments made, or -errno
 */
static int gso_dispatch(struct gso_state *st)
{
	const struct vnet_hdr *h = st->h;
	uint8_t base = vnet_tx_gso_base(h);
	size_t l4_hlen = st->l->l4_off + st->l->l4_hdr_len;

	if (base == VNET_HDR_GSO_NONE)
		return gso_whole(st);
	if (base == VNET_HDR_GSO_UDP) {
		if (st->frame->len - st->l->l4_off <= h->gso_size)
			return gso_whole(st);		/* fits: as Linux */
		return gso_ufo_segment(st);
	}
	if (st->frame->len - l4_hlen <= h->gso_size)
		return gso_whole(st);			/* one segment: as is */
	st->hlen = l4_hlen;
	st->mss = h->gso_size;
	st->nseg = (unsigned int)((st->frame->len - l4_hlen + st->mss - 1) /
				  st->mss);
	if (vnet_pkt_read(st->frame, 0, st->tmpl, st->hlen))
		return -EFAULT;				/* validated: cannot */
	if (vnet_tx_is_tunnel(h))
		return gso_tunnel_segment(st);
	if (base == VNET_HDR_GSO_UDP_L4)
		return gso_uso_segment(st);
	return gso_tcp_segment(st);
}

void vnet_gso_ctx_init(struct vnet_gso_ctx *ctx,
		       const struct vnet_features *negotiated,
		       enum vnet_gso_mode mode, uint32_t seed)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->features = *negotiated;
	ctx->mode = mode;
	ctx->ipv6_frag_id = seed;
}

int vnet_gso_segment(struct vnet_gso_ctx *ctx, const struct vnet_hdr *h,
		     const struct vnet_pkt *frame, struct vnet_gso_out *out)
{
	struct vnet_parse_result res;
	struct gso_state st;
	int perr, n;

	out->nseg = 0;
	out->passthrough = false;
	memset(&out->hdr, 0, sizeof(out->hdr));
	perr = vnet_tx_parse(h, frame, &res);
	out->reason = vnet_tx_validate(h, frame, &res, &ctx->features, perr,
				       &ctx->stats);
	if (out->reason != VNET_TX_OK)
		return -EINVAL;
	memset(&st, 0, offsetof(struct gso_state, tmpl));
	st.ctx = ctx;
	st.h = h;
	st.frame = frame;
	st.res = &res;
	st.l = gso_layer(h, &res);
	st.out = out;
	st.zerocopy = ctx->mode != VNET_GSO_COPY;
	if (ctx->mode == VNET_GSO_PASSTHROUGH && gso_peer_takes(ctx, h))
		n = gso_passthrough(&st);
	else
		n = gso_dispatch(&st);
	if (n < 0) {
		out->nseg = 0;
		return n;
	}
	ctx->stats.frames++;
	ctx->stats.segments += (uint64_t)n;
	ctx->stats.passthrough += out->passthrough;
	return n;
}
