// SPDX-License-Identifier: MIT
/* tx_validate.c - every rule a transmitted virtio-net header must pass */

#include <errno.h>
#include <string.h>

#include "vnet/tx.h"

#define ETH_HLEN	14u
#define IPV4_MIN	20u
#define IPV6_LEN	40u
#define UDP_HLEN	8u
#define TCP_MIN		20
#define TCP_CSUM_OFF	16
#define UDP_CSUM_OFF	6

static const char *const reason_names[VNET_TX_REASON_MAX] = {
	[VNET_TX_OK] = "ok",
	[VNET_TX_GSO_TYPE] = "gso-type",
	[VNET_TX_GSO_NOT_NEGOTIATED] = "gso-not-negotiated",
	[VNET_TX_ECN_NOT_NEGOTIATED] = "ecn-not-negotiated",
	[VNET_TX_ECN_NOT_TCP] = "ecn-not-tcp",
	[VNET_TX_GSO_SIZE_ZERO] = "gso-size-zero",
	[VNET_TX_GSO_SIZE_MAX] = "gso-size-max",
	[VNET_TX_GSO_NO_CSUM] = "gso-no-csum",
	[VNET_TX_CSUM_NOT_NEGOTIATED] = "csum-not-negotiated",
	[VNET_TX_TNL_NOT_NEGOTIATED] = "tunnel-not-negotiated",
	[VNET_TX_TNL_BOTH] = "tunnel-both",
	[VNET_TX_TNL_INNER_TYPE] = "tunnel-inner-type",
	[VNET_TX_TNL_CSUM_NOT_NEGOTIATED] = "tunnel-csum-not-negotiated",
	[VNET_TX_TNL_CSUM_NO_TUNNEL] = "tunnel-csum-no-tunnel",
	[VNET_TX_TNL_DATA_VALID] = "tunnel-data-valid",
	[VNET_TX_TNL_OUTER_TH] = "tunnel-outer-th",
	[VNET_TX_TNL_INNER_NH] = "tunnel-inner-nh",
	[VNET_TX_TNL_CSUM_START] = "tunnel-csum-start",
	[VNET_TX_CSUM_RANGE] = "csum-range",
	[VNET_TX_CSUM_START_SHORT] = "csum-start-short",
	[VNET_TX_TCP_CSUM_OFFSET] = "tcp-csum-offset",
	[VNET_TX_UDP_CSUM_OFFSET] = "udp-csum-offset",
	[VNET_TX_PARSE] = "parse",
	[VNET_TX_PROTO_MISMATCH] = "proto-mismatch",
	[VNET_TX_FRAGMENT] = "fragment",
	[VNET_TX_CSUM_START_L4] = "csum-start-l4",
	[VNET_TX_TNL_OFFSETS] = "tunnel-offsets",
	[VNET_TX_USO_SEGS] = "uso-segs",
	[VNET_TX_HDR_LEN] = "hdr-len",
	[VNET_TX_HDR_TOO_LONG] = "hdr-too-long",
	[VNET_TX_UFO_SIZE] = "ufo-size",
};

const char *vnet_tx_reason_name(enum vnet_tx_reason reason)
{
	if ((unsigned int)reason >= VNET_TX_REASON_MAX)
		return "unknown";
	return reason_names[reason];
}

/* Most pieces a frame may be in for the view of a tunnel's inner packet. */
#define TX_VIEW_IOV_MAX	128

/* Transmit parsing: no tunnel by port, the header locates the tunnel. */
static const struct vnet_parse_config tx_parse_cfg = {
	.flags = 0,
	.ipv6_ext_max = VNET_PARSE_IPV6_EXT_MAX,
};

/* vnet_parse() with the transmit configuration. */
static int tx_parse_outer(const struct vnet_pkt *pkt,
			  struct vnet_parse_result *res)
{
	return vnet_parse(pkt, &tx_parse_cfg, res);
}

/**
 * tx_parse_inner() - parse the inner packet of a tunnel from inner_nh_offset
 * @pkt:	the frame
 * @nh:		inner_nh_offset, inside the frame
 * @res:	result; its inner layer is filled, offsets into the frame
 *
 * The parser starts at Ethernet, so the inner network header is viewed
 * behind a made-up Ethernet header whose ethertype its version nibble names.
 *
 * Return: 0, -E2BIG for a frame in too many pieces, or -enum vnet_parse_err
 */
static int tx_parse_inner(const struct vnet_pkt *pkt, size_t nh,
			  struct vnet_parse_result *res)
{
	struct iovec iov[TX_VIEW_IOV_MAX + 1];
	struct vnet_parse_result in;
	uint8_t eth[ETH_HLEN] = { 0 }, ver;
	struct vnet_pkt view;
	size_t delta = nh - ETH_HLEN;	/* caller checked nh >= ETH_HLEN */
	int n, err;

	if (!vnet_pkt_get_u8(pkt, nh, &ver))
		return -VNET_PARSE_ERR_TRUNC_IPV4;	/* nothing at nh */
	eth[12] = (ver >> 4) == 6 ? 0x86 : 0x08;
	eth[13] = (ver >> 4) == 6 ? 0xdd : 0x00;
	iov[0].iov_base = eth;
	iov[0].iov_len = ETH_HLEN;
	n = vnet_pkt_slice(pkt, nh, pkt->len - nh, iov + 1, TX_VIEW_IOV_MAX);
	if (n < 0)
		return -E2BIG;			/* too many pieces to view */
	vnet_pkt_init(&view, iov, (unsigned int)n + 1);
	err = tx_parse_outer(&view, &in);
	res->inner = in.outer;
	res->inner.has_eth = false;
	res->inner.l2_off = nh;
	res->inner.l3_off += delta;
	res->inner.l4_off += delta;
	res->inner.payload_off += delta;
	res->inner.ipv6.ext_end += delta;
	res->inner.ipv6.frag_hdr_off += delta;
	return err;
}

int vnet_tx_parse(const struct vnet_hdr *h, const struct vnet_pkt *pkt,
		  struct vnet_parse_result *res)
{
	int err;

	err = tx_parse_outer(pkt, res);
	if (err || !vnet_tx_is_tunnel(h))
		return err;
	if (h->inner_nh_offset < ETH_HLEN || h->inner_nh_offset >= pkt->len)
		return -VNET_PARSE_ERR_TRUNC_IPV4;	/* no inner header */
	return tx_parse_inner(pkt, h->inner_nh_offset, res);
}

/**
 * tx_check_tunnel_type() - the tunnel bits, per virtio_net_hdr_tnl_to_skb
 * @h:		header with a tunnel bit
 * @f:		negotiated features
 *
 * Return: VNET_TX_OK or the rule broken
 */
static enum vnet_tx_reason tx_check_tunnel_type(const struct vnet_hdr *h,
						const struct vnet_features *f)
{
	uint8_t base = vnet_tx_gso_base(h);

	if (!vnet_features_has(f, VNET_F_HOST_UDP_TUNNEL_GSO))
		return VNET_TX_TNL_NOT_NEGOTIATED;	/* rule 1 */
	if ((h->gso_type & VNET_HDR_GSO_UDP_TUNNEL_IPV4) &&
	    (h->gso_type & VNET_HDR_GSO_UDP_TUNNEL_IPV6))
		return VNET_TX_TNL_BOTH;		/* rule 2 */
	if (base == VNET_HDR_GSO_NONE || base == VNET_HDR_GSO_UDP)
		return VNET_TX_TNL_INNER_TYPE;		/* rule 3: TSO/USO only */
	if (h->flags & VNET_HDR_F_DATA_VALID)
		return VNET_TX_TNL_DATA_VALID;		/* rule 7 */
	return VNET_TX_OK;
}

/**
 * tx_check_type() - gso_type against the negotiated HOST_* features
 * @h:		header
 * @f:		negotiated features
 *
 * Return: VNET_TX_OK or the rule broken
 */
static enum vnet_tx_reason tx_check_type(const struct vnet_hdr *h,
					 const struct vnet_features *f)
{
	uint8_t base = vnet_tx_gso_base(h);
	bool ecn = h->gso_type & VNET_HDR_GSO_ECN;
	unsigned int need;

	switch (base) {
	case VNET_HDR_GSO_NONE:
		if (ecn || vnet_tx_is_tunnel(h))
			return VNET_TX_GSO_TYPE;	/* Linux: default case */
		return VNET_TX_OK;
	case VNET_HDR_GSO_TCPV4: need = VNET_F_HOST_TSO4; break;
	case VNET_HDR_GSO_TCPV6: need = VNET_F_HOST_TSO6; break;
	case VNET_HDR_GSO_UDP: need = VNET_F_HOST_UFO; break;
	case VNET_HDR_GSO_UDP_L4: need = VNET_F_HOST_USO; break;
	default:
		return VNET_TX_GSO_TYPE;		/* no such type */
	}
	if (!vnet_features_has(f, need))
		return VNET_TX_GSO_NOT_NEGOTIATED;	/* driver MUST NOT */
	if (ecn && base != VNET_HDR_GSO_TCPV4 && base != VNET_HDR_GSO_TCPV6)
		return VNET_TX_ECN_NOT_TCP;		/* Linux: USO with ECN */
	if (ecn && !vnet_features_has(f, VNET_F_HOST_ECN))
		return VNET_TX_ECN_NOT_NEGOTIATED;	/* spec: needs HOST_ECN */
	return VNET_TX_OK;
}

/**
 * tx_check_flags() - flags, gso_size and the tunnel checksum bit
 * @h:		header
 * @f:		negotiated features
 *
 * Return: VNET_TX_OK or the rule broken
 */
static enum vnet_tx_reason tx_check_flags(const struct vnet_hdr *h,
					  const struct vnet_features *f)
{
	bool gso = h->gso_type != VNET_HDR_GSO_NONE;

	if (gso && h->gso_size == 0)
		return VNET_TX_GSO_SIZE_ZERO;		/* Linux */
	if (gso && h->gso_size == 0xffff)
		return VNET_TX_GSO_SIZE_MAX;		/* GSO_BY_FRAGS */
	if (gso && !(h->flags & VNET_HDR_F_NEEDS_CSUM))
		return VNET_TX_GSO_NO_CSUM;		/* spec MUST; tnl rule 4 */
	if ((h->flags & VNET_HDR_F_NEEDS_CSUM) &&
	    !vnet_features_has(f, VNET_F_CSUM))
		return VNET_TX_CSUM_NOT_NEGOTIATED;	/* spec: flags MUST be 0 */
	if ((h->flags & VNET_HDR_F_UDP_TUNNEL_CSUM) && !vnet_tx_is_tunnel(h))
		return VNET_TX_TNL_CSUM_NO_TUNNEL;	/* tnl rule 6 */
	if ((h->flags & VNET_HDR_F_UDP_TUNNEL_CSUM) &&
	    !vnet_features_has(f, VNET_F_HOST_UDP_TUNNEL_GSO_CSUM))
		return VNET_TX_TNL_CSUM_NOT_NEGOTIATED;	/* tnl rule 6 */
	return VNET_TX_OK;
}

/**
 * tx_check_tunnel_offsets() - the offsets' order, tunnel rule 5
 * @h:		header with a tunnel bit
 *
 * Return: VNET_TX_OK or the rule broken
 */
static enum vnet_tx_reason tx_check_tunnel_offsets(const struct vnet_hdr *h)
{
	bool v6 = h->gso_type & VNET_HDR_GSO_UDP_TUNNEL_IPV6;
	unsigned int inner_min;

	inner_min = vnet_tx_gso_base(h) == VNET_HDR_GSO_TCPV6 ? IPV6_LEN :
								IPV4_MIN;
	if (h->outer_th_offset < ETH_HLEN + (v6 ? IPV6_LEN : IPV4_MIN))
		return VNET_TX_TNL_OUTER_TH;
	if ((unsigned int)h->inner_nh_offset < h->outer_th_offset + UDP_HLEN)
		return VNET_TX_TNL_INNER_NH;
	if ((unsigned int)h->csum_start < h->inner_nh_offset + inner_min)
		return VNET_TX_TNL_CSUM_START;
	return VNET_TX_OK;
}

/**
 * tx_check_csum() - csum_start and csum_offset against the frame
 * @h:		header
 * @pkt:	frame
 * @res:	parse result (its outer layer may be partial)
 *
 * Return: VNET_TX_OK or the rule broken
 */
static enum vnet_tx_reason tx_check_csum(const struct vnet_hdr *h,
					 const struct vnet_pkt *pkt,
					 const struct vnet_parse_result *res)
{
	uint8_t base = vnet_tx_gso_base(h);
	bool tcp = base == VNET_HDR_GSO_TCPV4 || base == VNET_HDR_GSO_TCPV6;
	bool udp = base == VNET_HDR_GSO_UDP || base == VNET_HDR_GSO_UDP_L4;
	size_t thlen = tcp ? TCP_MIN : udp ? UDP_HLEN : 0;
	size_t need = (size_t)h->csum_offset + 2, min_start;

	if (!(h->flags & VNET_HDR_F_NEEDS_CSUM))
		return VNET_TX_OK;
	if (thlen > need)
		need = thlen;
	if (!vnet_pkt_has(pkt, h->csum_start, need))
		return VNET_TX_CSUM_RANGE;		/* Linux pskb_may_pull */
	min_start = ETH_HLEN + IPV4_MIN;
	if (res->outer.l3 == VNET_L3_IPV4)
		min_start = res->outer.l3_off + IPV4_MIN;
	else if (res->outer.l3 == VNET_L3_IPV6)
		min_start = res->outer.l3_off + IPV6_LEN;
	if (h->csum_start < min_start)
		return VNET_TX_CSUM_START_SHORT;	/* Linux nh_min_len */
	if (tcp && h->csum_offset != TCP_CSUM_OFF)
		return VNET_TX_TCP_CSUM_OFFSET;		/* Linux */
	if (udp && h->csum_offset != UDP_CSUM_OFF)
		return VNET_TX_UDP_CSUM_OFFSET;		/* Linux */
	return VNET_TX_OK;
}

/**
 * tx_check_proto() - the parsed frame is what gso_type names
 * @h:		GSO header
 * @res:	parse result
 *
 * Return: VNET_TX_OK or the rule broken
 */
static enum vnet_tx_reason tx_check_proto(const struct vnet_hdr *h,
					  const struct vnet_parse_result *res)
{
	const struct vnet_parse_layer *l = vnet_tx_gso_layer(h, res);
	uint8_t base = vnet_tx_gso_base(h);
	enum vnet_l3 l3 = l->l3;

	if (l->frag == VNET_FRAG_FIRST || l->frag == VNET_FRAG_LATER ||
	    res->outer.frag == VNET_FRAG_FIRST ||
	    res->outer.frag == VNET_FRAG_LATER)
		return VNET_TX_FRAGMENT;		/* already fragmented */
	if (base == VNET_HDR_GSO_TCPV4 && (l3 != VNET_L3_IPV4 ||
					   l->l4 != VNET_L4_TCP))
		return VNET_TX_PROTO_MISMATCH;
	if (base == VNET_HDR_GSO_TCPV6 && (l3 != VNET_L3_IPV6 ||
					   l->l4 != VNET_L4_TCP))
		return VNET_TX_PROTO_MISMATCH;
	if ((base == VNET_HDR_GSO_UDP || base == VNET_HDR_GSO_UDP_L4) &&
	    l->l4 != VNET_L4_UDP)
		return VNET_TX_PROTO_MISMATCH;
	if (!vnet_tx_is_tunnel(h))
		return VNET_TX_OK;
	if (res->outer.l4 != VNET_L4_UDP ||
	    res->outer.l3 != ((h->gso_type & VNET_HDR_GSO_UDP_TUNNEL_IPV4) ?
			      VNET_L3_IPV4 : VNET_L3_IPV6))
		return VNET_TX_PROTO_MISMATCH;		/* outer names the bit */
	return VNET_TX_OK;
}

/**
 * tx_check_layout() - the header's offsets are where the frame has them
 * @h:		GSO header
 * @pkt:	frame
 * @res:	parse result
 * @f:		negotiated features
 *
 * Return: VNET_TX_OK or the rule broken
 */
static enum vnet_tx_reason tx_check_layout(const struct vnet_hdr *h,
					   const struct vnet_pkt *pkt,
					   const struct vnet_parse_result *res,
					   const struct vnet_features *f)
{
	const struct vnet_parse_layer *l = vnet_tx_gso_layer(h, res);
	uint8_t base = vnet_tx_gso_base(h);
	size_t hlen = l->l4_off + l->l4_hdr_len, pay, segs;

	if (h->csum_start != l->l4_off)
		return VNET_TX_CSUM_START_L4;		/* Linux: transport hdr */
	if (vnet_tx_is_tunnel(h) && h->outer_th_offset != res->outer.l4_off)
		return VNET_TX_TNL_OFFSETS;
	if (hlen > VNET_TX_HDR_MAX)
		return VNET_TX_HDR_TOO_LONG;
	if (vnet_features_has(f, VNET_F_GUEST_HDRLEN) && h->hdr_len != hlen)
		return VNET_TX_HDR_LEN;			/* spec: MUST be equal */
	pay = pkt->len - hlen;				/* hlen <= len: parsed */
	segs = (pay + h->gso_size - 1) / h->gso_size;
	if (base == VNET_HDR_GSO_UDP_L4 && segs > VNET_TX_USO_MAX_SEGS)
		return VNET_TX_USO_SEGS;		/* Linux UDP_MAX_SEGMENTS */
	if (base == VNET_HDR_GSO_UDP && pkt->len - l->l4_off > h->gso_size &&
	    (h->gso_size & ~7u) < 8)
		return VNET_TX_UFO_SIZE;		/* no 8-byte unit */
	return VNET_TX_OK;
}

/**
 * tx_check() - the ladder, in the order Linux applies it
 * @h:		header
 * @pkt:	frame
 * @res:	parse result
 * @perr:	parse error
 * @f:		negotiated features
 *
 * Return: VNET_TX_OK or the first rule broken
 */
static enum vnet_tx_reason tx_check(const struct vnet_hdr *h,
				    const struct vnet_pkt *pkt,
				    const struct vnet_parse_result *res,
				    int perr, const struct vnet_features *f)
{
	enum vnet_tx_reason r;

	if (vnet_tx_is_tunnel(h) && (r = tx_check_tunnel_type(h, f)))
		return r;
	if ((r = tx_check_type(h, f)) || (r = tx_check_flags(h, f)))
		return r;
	if (vnet_tx_is_tunnel(h) && (r = tx_check_tunnel_offsets(h)))
		return r;
	/* hdr_len: never relied on ("MUST NOT rely on hdr_len to be
	 * correct"), so not refused as Linux's tun does when it passes the
	 * frame's end; with GUEST_HDRLEN, GSO checks it (tx_check_layout) */
	if ((r = tx_check_csum(h, pkt, res)))
		return r;
	if (h->gso_type == VNET_HDR_GSO_NONE)
		return VNET_TX_OK;
	if (perr)
		return VNET_TX_PARSE;			/* GSO needs the headers */
	if ((r = tx_check_proto(h, res)))
		return r;
	return tx_check_layout(h, pkt, res, f);
}

enum vnet_tx_reason vnet_tx_validate(const struct vnet_hdr *h,
				     const struct vnet_pkt *pkt,
				     const struct vnet_parse_result *res,
				     const struct vnet_features *negotiated,
				     int parse_err, struct vnet_tx_stats *stats)
{
	enum vnet_tx_reason r = tx_check(h, pkt, res, parse_err, negotiated);

	if (r != VNET_TX_OK && stats) {
		stats->rejected++;
		stats->reason[r]++;
	}
	return r;
}
