// SPDX-License-Identifier: MIT
/* gso_whole.c - a frame that leaves as one segment: its checksums completed
 * (zero-copy around the checksum fields), or passed through untouched with
 * its header when the receiving side takes every offload it asks for */

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "vnet/csum.h"
#include "gso_priv.h"

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

		k = vnet_pkt_slice(st->frame, at, end - at, iov + n, room - n);
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
int gso_whole(struct gso_state *st)
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
bool gso_peer_takes(const struct vnet_gso_ctx *ctx,
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
 * gso_clean_hdr() - the header a validated frame is handed on with
 * @st:		state
 * @o:		the header for the peer
 *
 * Only what the device recognises and has checked: flag bits it does not
 * know, or that a driver must not set on transmit (DATA_VALID, RSC_INFO),
 * are ignored; csum_start/csum_offset only with NEEDS_CSUM, the tunnel
 * offsets only with a tunnel bit; hdr_len, never relied on, becomes the
 * headers' parsed length (0 without GSO), so the peer, which does rely on
 * it (Linux's tun refuses one past the frame), gets a true one.
 */
static void gso_clean_hdr(const struct gso_state *st, struct vnet_hdr *o)
{
	const struct vnet_hdr *h = st->h;

	memset(o, 0, sizeof(*o));
	o->flags = h->flags & (VNET_HDR_F_NEEDS_CSUM |
			       VNET_HDR_F_UDP_TUNNEL_CSUM);
	o->gso_type = h->gso_type;
	if (h->flags & VNET_HDR_F_NEEDS_CSUM) {
		o->csum_start = h->csum_start;
		o->csum_offset = h->csum_offset;
	}
	if (vnet_tx_is_tunnel(h)) {
		o->outer_th_offset = h->outer_th_offset;
		o->inner_nh_offset = h->inner_nh_offset;
	}
	if (h->gso_type != VNET_HDR_GSO_NONE) {
		o->gso_size = h->gso_size;
		o->hdr_len = (uint16_t)(st->l->l4_off + st->l->l4_hdr_len);
	}
}

/**
 * gso_passthrough() - hand the frame on untouched, with its header
 * @st:		state
 *
 * Return: 1, or -ENOSPC
 */
int gso_passthrough(struct gso_state *st)
{
	struct vnet_gso_out *out = st->out;
	struct iovec *iov = out->iov;
	int n;

	if (out->seg_max < 1)
		return -ENOSPC;
	n = vnet_pkt_slice(st->frame, 0, st->frame->len, iov, out->iov_max);
	if (n < 0)
		return -ENOSPC;
	out->segs[0].iov = iov;
	out->segs[0].iovcnt = (unsigned int)n;
	out->segs[0].len = st->frame->len;
	out->nseg = 1;
	gso_clean_hdr(st, &out->hdr);
	out->passthrough = true;
	return 1;
}
