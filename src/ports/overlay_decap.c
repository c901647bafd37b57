// SPDX-License-Identifier: MIT
/* overlay_decap.c - receive: check an underlay frame, take its inner frame */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "vnet/csum_verify.h"
#include "vnet/overlay.h"
#include "vnet/tx.h"

#define ETH_HLEN	14
#define UDP_HLEN	8
#define ETH_P_TEB	0x6558
#define GENEVE_F_CRIT	0x40

/**
 * decap_drop() - count a drop
 * @o:		the port
 * @d:		the reason
 *
 * Return: -EINVAL, for tail calls
 */
static int decap_drop(struct vnet_overlay *o, enum vnet_overlay_drop d)
{
	o->stats.drops++;
	o->stats.drop[d]++;
	return -EINVAL;
}

/**
 * decap_to_local() - whether the outer IP header is addressed to us
 * @o:		the port
 * @pkt:	the frame
 * @res:	its parse, as far as it got
 * @src:	the outer source address, when true is returned
 *
 * Return: true if the outer destination is the local address
 */
static bool decap_to_local(const struct vnet_overlay *o,
			   const struct vnet_pkt *pkt,
			   const struct vnet_parse_result *res,
			   struct vnet_overlay_addr *src)
{
	const struct vnet_parse_layer *l = &res->outer;
	bool v6 = o->cfg.local.family == AF_INET6;
	size_t alen = v6 ? 16 : 4;
	uint8_t dst[16];

	if (l->l3 != (v6 ? VNET_L3_IPV6 : VNET_L3_IPV4))
		return false;
	memset(src, 0, sizeof(*src));
	src->family = o->cfg.local.family;
	if (vnet_pkt_read(pkt, l->l3_off + (v6 ? 8 : 12), src->a, alen) ||
	    vnet_pkt_read(pkt, l->l3_off + (v6 ? 24 : 16), dst, alen))
		return false;
	return !memcmp(dst, o->cfg.local.a, alen);
}

/**
 * decap_parse_drop() - the drop reason for a parse error of a frame to us
 * @err:	what vnet_parse() returned
 *
 * Return: the reason
 */
static enum vnet_overlay_drop decap_parse_drop(int err)
{
	switch (-err) {
	case VNET_PARSE_ERR_GENEVE_VERSION:
		return VNET_OVERLAY_D_RX_GENEVE_VER;
	case VNET_PARSE_ERR_TRUNC_VXLAN:
	case VNET_PARSE_ERR_VXLAN_FLAGS:
	case VNET_PARSE_ERR_TRUNC_GENEVE:
	case VNET_PARSE_ERR_GENEVE_OPT_LEN:
		return VNET_OVERLAY_D_RX_TUNNEL;
	default:
		return VNET_OVERLAY_D_RX_PARSE;
	}
}

/**
 * decap_verify() - every checksum of the frame, the inner ones if they parse
 * @o:		the port
 * @pkt:	the frame
 * @res:	its parse, outer layer and tunnel only
 * @rep:	the verdicts
 * @inner_ok:	set when the inner headers parsed (their verdicts count)
 *
 * The inner frame need not be IP, nor well-formed: it is the guest's
 * business. It is parsed here only to verify its checksums.
 *
 * Return: 0, or -EINVAL if @res does not fit @pkt
 */
static int decap_verify(const struct vnet_overlay *o,
			const struct vnet_pkt *pkt,
			const struct vnet_parse_result *res,
			struct vnet_csum_report *rep, bool *inner_ok)
{
	struct vnet_parse_config pc = o->parse;
	struct vnet_parse_result full;

	pc.flags |= VNET_PARSE_F_INNER;
	*inner_ok = !vnet_parse(pkt, &pc, &full) && full.inner.present;
	return vnet_csum_verify(pkt, *inner_ok ? &full : res, rep);
}

/**
 * decap_outer_csum() - the outer UDP checksum, per configuration
 * @o:		the port
 * @uh:		the underlay's header
 * @pkt:	the frame
 * @res:	its parse
 * @csum_ok:	set when every inner checksum was verified good
 *
 * A frame the host already checked (DATA_VALID) or coalesced (GSO) is not
 * summed again; its inner checksums are then left to the guest or to the
 * header (NEEDS_CSUM).
 *
 * Return: VNET_OVERLAY_D_NONE, or why to drop
 */
static enum vnet_overlay_drop decap_outer_csum(const struct vnet_overlay *o,
					       const struct vnet_hdr *uh,
					       const struct vnet_pkt *pkt,
					       const struct vnet_parse_result *res,
					       bool *csum_ok)
{
	const struct vnet_csum_layer_report *in;
	struct vnet_csum_report rep;
	uint16_t check;

	*csum_ok = false;
	if (!vnet_pkt_get_u16(pkt, res->outer.l4_off + 6, &check))
		return VNET_OVERLAY_D_RX_PARSE;
	if (!check && res->outer.l3 == VNET_L3_IPV6 && !o->cfg.zero_csum6_rx)
		return VNET_OVERLAY_D_RX_ZERO_CSUM6;	/* RFC 6936 */
	if (uh->gso_type != VNET_HDR_GSO_NONE ||
	    (uh->flags & VNET_HDR_F_NEEDS_CSUM))
		return VNET_OVERLAY_D_NONE;
	if (decap_verify(o, pkt, res, &rep, csum_ok))
		return VNET_OVERLAY_D_RX_PARSE;
	if (rep.outer.l4 == VNET_CSUM_BAD && !(uh->flags &
					       VNET_HDR_F_DATA_VALID))
		return VNET_OVERLAY_D_RX_CSUM;
	in = &rep.inner;
	*csum_ok = *csum_ok && in->ip != VNET_CSUM_BAD &&
		   in->ip != VNET_CSUM_PARTIAL &&
		   (in->l4 == VNET_CSUM_OK ||
		    (in->l4 == VNET_CSUM_ABSENT && in->l4_proto == 17));
	return VNET_OVERLAY_D_NONE;
}

/**
 * decap_tunnel() - the tunnel header: type, version, options, protocol, VNI
 * @o:		the port
 * @t:		the parsed tunnel header
 *
 * Return: VNET_OVERLAY_D_NONE, or why to drop
 */
static enum vnet_overlay_drop decap_tunnel(const struct vnet_overlay *o,
					   const struct vnet_parse_tunnel *t)
{
	bool geneve = o->cfg.type == VNET_OVERLAY_GENEVE;

	if (t->type != (geneve ? VNET_TUNNEL_GENEVE : VNET_TUNNEL_VXLAN))
		return VNET_OVERLAY_D_RX_TUNNEL;
	if (geneve && (t->flags & GENEVE_F_CRIT))
		return VNET_OVERLAY_D_RX_GENEVE_CRIT;	/* none understood */
	if (t->proto != ETH_P_TEB)
		return VNET_OVERLAY_D_RX_PROTO;
	if (t->vni != o->cfg.vni)
		return VNET_OVERLAY_D_RX_VNI;
	return VNET_OVERLAY_D_NONE;
}

/**
 * decap_hdr() - the underlay's header as the inner frame's header
 * @uh:		the underlay's header
 * @res:	the frame's parse
 * @inner_off:	where the inner frame starts
 * @inner_len:	its length
 * @h:		the inner frame's host-side header
 *
 * A tunnel super-frame becomes an inner super-frame of the same kind
 * (tunnel bits, outer checksum flag and offsets gone, csum_start and
 * hdr_len moved back); an inner checksum left to do stays so.
 *
 * Return: VNET_OVERLAY_D_NONE, or VNET_OVERLAY_D_RX_GSO when the header
 *	   does not fit the frame
 */
static enum vnet_overlay_drop decap_hdr(const struct vnet_hdr *uh,
					const struct vnet_parse_result *res,
					size_t inner_off, size_t inner_len,
					struct vnet_hdr *h)
{
	bool v6 = res->outer.l3 == VNET_L3_IPV6;
	uint8_t tnl = v6 ? VNET_HDR_GSO_UDP_TUNNEL_IPV6 :
			   VNET_HDR_GSO_UDP_TUNNEL_IPV4;

	memset(h, 0, sizeof(*h));
	h->num_buffers = 1;
	if (uh->gso_type != VNET_HDR_GSO_NONE) {
		if ((uh->gso_type & (VNET_HDR_GSO_UDP_TUNNEL_IPV4 |
				     VNET_HDR_GSO_UDP_TUNNEL_IPV6)) != tnl)
			return VNET_OVERLAY_D_RX_GSO;	/* not our tunnel */
		if (!(uh->flags & VNET_HDR_F_NEEDS_CSUM) || !uh->gso_size)
			return VNET_OVERLAY_D_RX_GSO;
		h->gso_type = (uint8_t)(uh->gso_type & ~tnl);
		h->gso_size = uh->gso_size;
	}
	if (uh->flags & VNET_HDR_F_NEEDS_CSUM &&
	    uh->csum_start >= inner_off + ETH_HLEN) {
		h->flags = VNET_HDR_F_NEEDS_CSUM;
		h->csum_start = (uint16_t)(uh->csum_start - inner_off);
		h->csum_offset = uh->csum_offset;
		if ((size_t)h->csum_start + h->csum_offset + 2 > inner_len)
			return VNET_OVERLAY_D_RX_GSO;
	} else if (h->gso_type != VNET_HDR_GSO_NONE) {
		return VNET_OVERLAY_D_RX_GSO;		/* inner csum not there */
	}
	if (uh->hdr_len > inner_off && uh->hdr_len - inner_off <= inner_len)
		h->hdr_len = (uint16_t)(uh->hdr_len - inner_off);
	return VNET_OVERLAY_D_NONE;
}

/**
 * decap_slice() - segments of a range of a frame
 * @pkt:	the frame
 * @off:	first byte, inside the frame
 * @len:	bytes, inside the frame
 * @iov:	room for the segments
 * @max:	entries in @iov
 *
 * Return: segments used, or -ENOSPC
 */
static int decap_slice(const struct vnet_pkt *pkt, size_t off, size_t len,
		       struct iovec *iov, unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < pkt->iovcnt && len; i++) {
		size_t l = pkt->iov[i].iov_len, take;

		if (off >= l) {
			off -= l;
			continue;
		}
		if (n == max)
			return -ENOSPC;
		take = l - off < len ? l - off : len;
		iov[n].iov_base = (uint8_t *)pkt->iov[i].iov_base + off;
		iov[n++].iov_len = take;
		len -= take;
		off = 0;
	}
	return (int)n;
}

/**
 * decap_inner() - fill the inner frame, learn its source
 * @o:		the port
 * @uh:		the underlay's header
 * @pkt:	the frame
 * @res:	its parse
 * @now:	time in ns
 * @rx:		filled; rx->remote already set
 *
 * Return: 1, or -EINVAL for a dropped frame (counted)
 */
static int decap_inner(struct vnet_overlay *o, const struct vnet_hdr *uh,
		       const struct vnet_pkt *pkt,
		       const struct vnet_parse_result *res, uint64_t now,
		       struct vnet_overlay_rx *rx)
{
	size_t inner_off = res->tunnel.off + res->tunnel.hdr_len;
	size_t end = res->outer.l4_off + res->outer.udp_len, inner_len;
	uint8_t smac[6];
	enum vnet_overlay_drop d;
	int n;

	if (end < inner_off || end - inner_off < ETH_HLEN)
		return decap_drop(o, VNET_OVERLAY_D_RX_INNER);
	inner_len = end - inner_off;
	d = decap_hdr(uh, res, inner_off, inner_len, &rx->frame.hdr);
	if (d != VNET_OVERLAY_D_NONE)
		return decap_drop(o, d);
	n = decap_slice(pkt, inner_off, inner_len, rx->iov,
			VNET_OVERLAY_RX_IOV_MAX);
	if (n < 0 || vnet_pkt_init(&rx->frame.pkt, rx->iov, (unsigned int)n) ||
	    vnet_pkt_read(pkt, inner_off + 6, smac, 6))
		return decap_drop(o, VNET_OVERLAY_D_RX_INNER);
	if (o->cfg.learn &&
	    vnet_overlay_fdb_learn(&o->fdb, smac, &rx->remote, now) == 1)
		o->stats.learned++;
	rx->frame.segs = rx->frame.hdr.gso_type == VNET_HDR_GSO_NONE;
	rx->frame.dup_acks = 0;
	o->stats.rx_inner++;
	o->stats.rx_super += rx->frame.hdr.gso_type != VNET_HDR_GSO_NONE;
	o->stats.rx_csum_ok += rx->frame.csum_ok;
	return 1;
}

int vnet_overlay_decap(struct vnet_overlay *o, const struct vnet_hdr *uh,
		       const struct vnet_pkt *pkt, uint64_t now,
		       struct vnet_overlay_rx *rx)
{
	struct vnet_parse_result res;
	enum vnet_overlay_drop d;
	int err;

	o->stats.rx_frames++;
	memset(&rx->frame, 0, sizeof(rx->frame));
	err = vnet_parse(pkt, &o->parse, &res);
	if (!decap_to_local(o, pkt, &res, &rx->remote))
		goto other;
	if (err && (res.outer.l4 != VNET_L4_UDP ||
		    res.outer.dport == o->cfg.dport))
		return decap_drop(o, decap_parse_drop(err));
	if (res.outer.frag == VNET_FRAG_FIRST ||
	    res.outer.frag == VNET_FRAG_LATER)
		return decap_drop(o, VNET_OVERLAY_D_RX_FRAG);
	if (res.outer.l4 != VNET_L4_UDP || res.outer.dport != o->cfg.dport)
		goto other;
	d = decap_tunnel(o, &res.tunnel);
	if (d == VNET_OVERLAY_D_NONE)
		d = decap_outer_csum(o, uh, pkt, &res, &rx->frame.csum_ok);
	if (d != VNET_OVERLAY_D_NONE)
		return decap_drop(o, d);
	return decap_inner(o, uh, pkt, &res, now, rx);
other:
	o->stats.rx_other++;
	return 0;
}
