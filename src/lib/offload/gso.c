// SPDX-License-Identifier: MIT
/* gso.c - segmentation core: header replication, payload slicing, dispatch;
 * the zero-copy fast path is in gso_fast.c, a frame sent as one segment or
 * passed through in gso_whole.c */

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "vnet/csum.h"
#include "vnet/gso.h"
#include "gso_priv.h"

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
		n = vnet_pkt_slice(st->frame, poff, plen, iov + 1, room - 1);
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
	st.l = vnet_tx_gso_layer(h, &res);
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
