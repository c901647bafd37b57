// SPDX-License-Identifier: MIT
/* csum_verify.c - does a frame's IPv4, L4 and inner checksums hold */

#include <errno.h>
#include <string.h>

#include "vnet/csum.h"
#include "vnet/csum_verify.h"

#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ICMPV6_ 58

/* Sum of [off, off + len) of the frame; false if it is not all there. */
static bool frame_sum(const struct vnet_pkt *pkt, size_t off, size_t len,
		      uint32_t *sum)
{
	*sum = 0;
	return vnet_pkt_has(pkt, off, len) &&
	       !vnet_csum_iov(pkt->iov, pkt->iovcnt, off, len, sum);
}

/* RFC 791 3.1: the header's ones' complement sum, check field included. */
static enum vnet_csum_status check_ipv4(const struct vnet_pkt *pkt,
					const struct vnet_parse_layer *l)
{
	uint32_t sum;

	if (!frame_sum(pkt, l->l3_off, l->l3_hdr_len, &sum))
		return VNET_CSUM_UNCHECKED;
	return vnet_csum_fold(sum) == 0xffff ? VNET_CSUM_OK : VNET_CSUM_BAD;
}

/* The pseudo-header sum of @l for an L4 of @len bytes, protocol @proto. */
static bool pseudo_sum(const struct vnet_pkt *pkt,
		       const struct vnet_parse_layer *l, uint8_t proto,
		       uint32_t len, uint32_t *sum)
{
	uint8_t addrs[32];

	if (l->l3 == VNET_L3_IPV4) {
		if (vnet_pkt_read(pkt, l->l3_off + 12, addrs, 8))
			return false;
		*sum = vnet_csum_pseudo_ipv4(addrs, addrs + 4, proto, len);
		return true;
	}
	if (vnet_pkt_read(pkt, l->l3_off + 8, addrs, 32))
		return false;
	/*
	 * RFC 8200 8.1: with a type 2 routing header the final destination
	 * (the home address) goes in the pseudo-header; RFC 6275 6.3: with a
	 * home address option, the home address is the source.
	 */
	if (l->ipv6.has_rt2)
		memcpy(addrs + 16, l->ipv6.rt2_addr, 16);
	if (l->ipv6.has_hao)
		memcpy(addrs, l->ipv6.home_addr, 16);
	*sum = vnet_csum_pseudo_ipv6(addrs, addrs + 16, proto, len);
	return true;
}

/* Length of the L4 message the IP header claims. */
static bool l4_length(const struct vnet_parse_layer *l, uint32_t *len)
{
	size_t ip_end = l->l3_off + l->l3_len;

	if (l->l4_off > ip_end)
		return false;
	*len = (uint32_t)(ip_end - l->l4_off);
	if (l->l4 == VNET_L4_UDP && l->udp_len <= *len)
		*len = l->udp_len;
	return true;
}

/* A zero UDP checksum means "none" over IPv4 (RFC 768), and over IPv6 only
 * for a tunnel's outer UDP (RFC 6935); anywhere else it is wrong. */
static enum vnet_csum_status udp_zero(const struct vnet_parse_layer *l,
				      bool tunnel_outer)
{
	if (l->l3 == VNET_L3_IPV4 || tunnel_outer)
		return VNET_CSUM_ABSENT;
	return VNET_CSUM_BAD;
}

static enum vnet_csum_status check_l4(const struct vnet_pkt *pkt,
				      const struct vnet_parse_layer *l,
				      bool tunnel_outer)
{
	bool pseudo = l->l4_proto != IPPROTO_ICMP_;
	size_t field = l->l4_proto == IPPROTO_UDP_ ? 6 :
		       l->l4_proto == IPPROTO_TCP_ ? 16 : 2;
	uint32_t len, psum = 0, sum;
	uint16_t check;

	if (l->frag == VNET_FRAG_FIRST || l->frag == VNET_FRAG_LATER)
		return VNET_CSUM_UNCHECKED;
	if (!l4_length(l, &len) || len < field + 2 ||
	    vnet_pkt_read(pkt, l->l4_off + field, &check, 2))
		return VNET_CSUM_UNCHECKED;
	if (l->l4_proto == IPPROTO_UDP_ && check == 0)
		return udp_zero(l, tunnel_outer);
	if (pseudo && !pseudo_sum(pkt, l, l->l4_proto, len, &psum))
		return VNET_CSUM_UNCHECKED;
	if (!frame_sum(pkt, l->l4_off, len, &sum))
		return VNET_CSUM_UNCHECKED;
	if (vnet_csum_fold(vnet_csum_add(sum, psum)) == 0xffff)
		return VNET_CSUM_OK;
	/* CHECKSUM_PARTIAL leaves the folded pseudo-header sum, uncomplemented */
	if (pseudo && check == vnet_csum_fold(psum))
		return VNET_CSUM_PARTIAL;
	return VNET_CSUM_BAD;
}

static bool has_known_l4(const struct vnet_parse_layer *l)
{
	if (l->l4 == VNET_L4_TCP || l->l4 == VNET_L4_UDP)
		return true;
	if (l->l4 != VNET_L4_OTHER)
		return false;
	return (l->l3 == VNET_L3_IPV4 && l->l4_proto == IPPROTO_ICMP_) ||
	       (l->l3 == VNET_L3_IPV6 && l->l4_proto == IPPROTO_ICMPV6_);
}

static void verify_layer(const struct vnet_pkt *pkt,
			 const struct vnet_parse_layer *l, bool tunnel_outer,
			 struct vnet_csum_layer_report *r)
{
	memset(r, 0, sizeof(*r));
	if (!l->present)
		return;
	if (l->l3 == VNET_L3_IPV4)
		r->ip = check_ipv4(pkt, l);
	if (l->l3 != VNET_L3_IPV4 && l->l3 != VNET_L3_IPV6)
		return;
	r->l4_proto = l->l4_proto;
	/* Two cases on purpose: no L4 at all, and an L4 not checked. */
	if (l->l4 == VNET_L4_NONE)
		/* NOLINTNEXTLINE(bugprone-branch-clone) */
		r->l4 = VNET_CSUM_UNCHECKED;
	else if (has_known_l4(l))
		r->l4 = check_l4(pkt, l, tunnel_outer);
	else
		r->l4 = VNET_CSUM_UNCHECKED;
}

int vnet_csum_verify(const struct vnet_pkt *pkt,
		     const struct vnet_parse_result *res,
		     struct vnet_csum_report *rep)
{
	bool udp_tunnel = res->tunnel.type != VNET_TUNNEL_NONE &&
			  res->outer.l4 == VNET_L4_UDP;

	if (res->outer.present &&
	    res->outer.l3_off + res->outer.l3_len > vnet_pkt_len(pkt))
		return -EINVAL;
	verify_layer(pkt, &res->outer, udp_tunnel, &rep->outer);
	verify_layer(pkt, &res->inner, false, &rep->inner);
	return 0;
}

const char *vnet_csum_status_name(enum vnet_csum_status s)
{
	switch (s) {
	case VNET_CSUM_ABSENT:
		return "none";
	case VNET_CSUM_OK:
		return "ok";
	case VNET_CSUM_BAD:
		return "bad";
	case VNET_CSUM_PARTIAL:
		return "partial";
	case VNET_CSUM_UNCHECKED:
		return "unchecked";
	}
	return "?";
}
