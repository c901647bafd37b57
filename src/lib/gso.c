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
 * vnet_csum_cuts() over each piece, cut at the segment boundaries; a
 * segment across two pieces has its parts joined.
 *
 * Return: true if st->seg_sum holds st->nseg sums
 */
static bool gso_sum_all(struct gso_state *st)
{
	const struct iovec *fi = st->frame->iov;
	size_t base = 0, done = 0, lo, hi, first, r, left;
	uint32_t part[GSO_SUMS_MAX + 1], acc = 0;
	unsigned int i, seg = 0;
	int n, j;

	for (i = 0; i < st->frame->iovcnt; base = hi, i++) {
		hi = base + fi[i].iov_len;
		hi = hi > st->frame->len ? st->frame->len : hi;
		lo = base > st->hlen ? base : st->hlen;
		if (lo >= hi)
			continue;
		first = st->mss - done;
		left = hi - lo;
		n = vnet_csum_cuts((const uint8_t *)fi[i].iov_base +
				   (lo - base), left, first, st->mss, part,
				   GSO_SUMS_MAX + 1);
		for (j = 0; j < n; j++) {
			r = j ? st->mss : first;
			r = r > left ? left : r;
			left -= r;
			acc = done ? vnet_csum_block_add(acc, part[j], done) :
				     part[j];
			done += r;
			if (done < st->mss)
				continue;
			if (seg == GSO_SUMS_MAX)
				return false;
			st->seg_sum[seg++] = acc;
			done = 0;
		}
		if (n < 0)
			return false;			/* too many cuts */
	}
	if (done && seg < GSO_SUMS_MAX)
		st->seg_sum[seg++] = acc;
	return seg == st->nseg;
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
