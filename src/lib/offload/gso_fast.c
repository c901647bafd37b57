// SPDX-License-Identifier: MIT
/* gso_fast.c - the zero-copy fast path of segmentation: TCP and USO without
 * a tunnel, every payload sum taken beforehand, one loop per protocol and
 * IP version; the same output as gso_run()'s general loop */

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "vnet/csum.h"
#include "gso_priv.h"

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
int gso_run_fast(struct gso_state *st)
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
