// SPDX-License-Identifier: MIT
/* gso_tunnel.c - GSO over UDP tunnels: wraps the inner TCP or UDP segmenter */

#include <string.h>

#include "vnet/csum.h"
#include "vnet/pkt.h"
#include "gso_priv.h"

/**
 * gso_tunnel_base() - the outer UDP checksum's per-frame part
 * @st:		state
 *
 * The outer checksum covers the outer UDP header, the tunnel header, the
 * inner headers and the payload. A correct inner IPv4 header sums to zero
 * with its checksum, and so does the inner L4 datagram with its pseudo-
 * header: the datagram itself sums to minus the inner pseudo-header (what
 * Linux's local checksum offload uses). What is left is fixed per frame
 * but for the lengths: summed here once, the lengths as zero.
 *
 * Return: false if some header starts at an odd distance from the outer
 * UDP header (the words would pair the other way): sum in full then
 */
static bool gso_tunnel_base(struct gso_state *st)
{
	const struct vnet_parse_layer *o = &st->res->outer, *l = st->l;
	uint8_t t[VNET_TX_HDR_MAX];
	size_t end = l->l3 == VNET_L3_IPV6 ? l->l4_off : l->l3_off;
	const uint8_t *ip = st->tmpl + l->l3_off;

	if ((l->l3_off - o->l4_off) & 1 || (l->l4_off - o->l4_off) & 1)
		return false;
	memcpy(t, st->tmpl + o->l4_off, end - o->l4_off);
	memset(t + 4, 0, 4);				/* length, checksum */
	if (l->l3 == VNET_L3_IPV6)
		memset(t + (l->l3_off - o->l4_off) + 4, 0, 2);	/* length */
	st->otnl_base = vnet_csum_partial(t, end - o->l4_off, 0);
	st->otnl_base = vnet_csum_add(st->otnl_base, o->l3 == VNET_L3_IPV6 ?
		vnet_csum_pseudo_ipv6(st->tmpl + o->l3_off + 8,
				      st->tmpl + o->l3_off + 24, 17, 0) :
		vnet_csum_pseudo_ipv4(st->tmpl + o->l3_off + 12,
				      st->tmpl + o->l3_off + 16, 17, 0));
	st->in_pseudo = l->l3 == VNET_L3_IPV6 ?
		vnet_csum_pseudo_ipv6(ip + 8, ip + 24, l->l4_proto, 0) :
		vnet_csum_pseudo_ipv4(ip + 12, ip + 16, l->l4_proto, 0);
	return true;
}

/**
 * gso_tunnel_csum() - the outer UDP checksum of one segment
 * @st:		state, gso_tunnel_base() done
 * @seg_len:	segment length
 *
 * Return: the checksum field, zero sent as 0xffff
 */
static uint16_t gso_tunnel_csum(const struct gso_state *st, size_t seg_len)
{
	const struct vnet_parse_layer *o = &st->res->outer, *l = st->l;
	uint32_t ulen = (uint32_t)(seg_len - o->l4_off);
	uint64_t in = (uint64_t)st->in_pseudo +
		      gso_len_sum((uint32_t)(seg_len - l->l4_off));
	uint64_t sum = (uint64_t)st->otnl_base + gso_val16((uint16_t)ulen) +
		       gso_len_sum(ulen);

	if (l->l3 == VNET_L3_IPV6)
		sum += gso_val16((uint16_t)(seg_len - l->l3_off - 40));
	/* The inner datagram with its checksum: minus its pseudo-header. */
	sum += gso_finish(in, false);
	return gso_finish(sum, true);
}

/**
 * gso_tunnel_fix() - one segment's outer IP and UDP fields
 * @st:		state
 * @hdr:	the segment's header, inner headers already fixed
 * @i:		segment index
 * @n:		payload bytes
 *
 * Outer IPv4 ID incremented per segment, outer lengths; the outer UDP
 * checksum complete when the header has UDP_TUNNEL_CSUM, else zero, as
 * Linux's __skb_udp_tunnel_segment() leaves it.
 */
static void gso_tunnel_fix(struct gso_state *st, uint8_t *hdr, unsigned int i,
			   size_t n)
{
	const struct vnet_parse_layer *o = &st->res->outer;
	size_t seg_len = st->hlen + n;
	uint8_t *uh = hdr + o->l4_off;
	uint16_t c = 0;

	gso_fix_l3(hdr, o, seg_len - o->l3_off,
		   (uint16_t)(st->outer_id0 + i), st->oip_base);
	gso_put16(uh + 4, (uint16_t)(seg_len - o->l4_off));
	if (!(st->h->flags & VNET_HDR_F_UDP_TUNNEL_CSUM)) {
		memcpy(uh + 6, &c, 2);
	} else if (st->otnl_fast) {
		c = gso_tunnel_csum(st, seg_len);
		memcpy(uh + 6, &c, 2);
	} else {
		gso_l4_csum(hdr, o, st->hlen, n, st->psum, o->l4_off + 6,
			    true);
	}
}

/**
 * gso_tunnel_segment() - segment the inner packet, then fix the outer
 * @st:		state, st->l the inner layer
 *
 * Return: segments made, or -ENOSPC
 */
int gso_tunnel_segment(struct gso_state *st)
{
	const struct vnet_parse_layer *o = &st->res->outer;

	st->outer_id0 = o->l3 == VNET_L3_IPV4 ?
			vnet_load_be16(st->tmpl + o->l3_off + 4) : 0;
	st->oip_base = gso_ip_base(st->tmpl, o);
	st->otnl_fast = gso_tunnel_base(st);
	st->outer_fix = gso_tunnel_fix;
	if (vnet_tx_gso_base(st->h) == VNET_HDR_GSO_UDP_L4)
		return gso_uso_segment(st);
	return gso_tcp_segment(st);
}
