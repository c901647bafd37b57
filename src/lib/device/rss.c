// SPDX-License-Identifier: MIT
/* rss.c - RSS hash input per hash type, tunnel matching, hash of a frame */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "vnet/rss.h"

#define ETH_P_TEB	0x6558	/* transparent Ethernet bridging, NVGRE */
#define ETH_P_IPV6	0x86dd

/* @n bytes at @base + @off of the frame, the sum checked first. */
static int read_at(const struct vnet_pkt *pkt, size_t base, size_t off,
		   void *dst, size_t n)
{
	if (base > SIZE_MAX - off)
		return -EFAULT;		/* offset overflows */
	return vnet_pkt_read(pkt, base + off, dst, n);
}

/* The transport layer a hash type may use: none for fragments. */
static enum vnet_l4 hash_l4(const struct vnet_parse_layer *l)
{
	if (l->frag == VNET_FRAG_FIRST || l->frag == VNET_FRAG_LATER)
		return VNET_L4_NONE;
	return l->l4;
}

static void put_ports(const struct vnet_parse_layer *l,
		      struct vnet_rss_input *in)
{
	in->data[in->len++] = (uint8_t)(l->sport >> 8);
	in->data[in->len++] = (uint8_t)l->sport;
	in->data[in->len++] = (uint8_t)(l->dport >> 8);
	in->data[in->len++] = (uint8_t)l->dport;
}

/* "IPv4 packets": TCPv4, else UDPv4, else IPv4, else no hash. */
static int input_ipv4(const struct vnet_pkt *pkt,
		      const struct vnet_parse_layer *l, uint32_t types,
		      struct vnet_rss_input *in)
{
	enum vnet_l4 l4 = hash_l4(l);

	if (l4 == VNET_L4_TCP && types & VNET_HASH_TYPE_TCPV4)
		in->report = VNET_HASH_REPORT_TCPV4;
	else if (l4 == VNET_L4_UDP && types & VNET_HASH_TYPE_UDPV4)
		in->report = VNET_HASH_REPORT_UDPV4;
	else if (types & VNET_HASH_TYPE_IPV4)
		in->report = VNET_HASH_REPORT_IPV4;
	else
		return 0;
	if (read_at(pkt, l->l3_off, 12, in->data, 8))
		return -EFAULT;		/* addresses outside the frame */
	in->len = 8;
	if (in->report != VNET_HASH_REPORT_IPV4)
		put_ports(l, in);
	return 0;
}

/* "IPv6 packets with extension header": the _EX types, if any applies. */
static bool pick_ipv6_ex(const struct vnet_parse_layer *l, uint32_t types,
			 struct vnet_rss_input *in)
{
	enum vnet_l4 l4 = hash_l4(l);

	if (!l->ipv6.ext_count)
		return false;
	if (l4 == VNET_L4_TCP && types & VNET_HASH_TYPE_TCP_EX)
		in->report = VNET_HASH_REPORT_TCPV6_EX;
	else if (l4 == VNET_L4_UDP && types & VNET_HASH_TYPE_UDP_EX)
		in->report = VNET_HASH_REPORT_UDPV6_EX;
	else if (types & VNET_HASH_TYPE_IP_EX)
		in->report = VNET_HASH_REPORT_IPV6_EX;
	else
		return false;
	return true;
}

/* "IPv6 packets without extension header", and the fallback of _EX. */
static bool pick_ipv6(const struct vnet_parse_layer *l, uint32_t types,
		      struct vnet_rss_input *in)
{
	enum vnet_l4 l4 = hash_l4(l);

	if (l4 == VNET_L4_TCP && types & VNET_HASH_TYPE_TCPV6)
		in->report = VNET_HASH_REPORT_TCPV6;
	else if (l4 == VNET_L4_UDP && types & VNET_HASH_TYPE_UDPV6)
		in->report = VNET_HASH_REPORT_UDPV6;
	else if (types & VNET_HASH_TYPE_IPV6)
		in->report = VNET_HASH_REPORT_IPV6;
	else
		return false;
	return true;
}

static int input_ipv6(const struct vnet_pkt *pkt,
		      const struct vnet_parse_layer *l, uint32_t types,
		      struct vnet_rss_input *in)
{
	bool ex = pick_ipv6_ex(l, types, in);

	if (!ex && !pick_ipv6(l, types, in))
		return 0;
	if (read_at(pkt, l->l3_off, 8, in->data, 32))
		return -EFAULT;		/* addresses outside the frame */
	/* Home address option for the source, type 2 routing header for
	 * the destination; the header's own addresses when absent. */
	if (ex && l->ipv6.has_hao)
		memcpy(in->data, l->ipv6.home_addr, 16);
	if (ex && l->ipv6.has_rt2)
		memcpy(in->data + 16, l->ipv6.rt2_addr, 16);
	in->len = 32;
	if (in->report != VNET_HASH_REPORT_IPV6 &&
	    in->report != VNET_HASH_REPORT_IPV6_EX)
		put_ports(l, in);
	return 0;
}

int vnet_rss_input(const struct vnet_pkt *pkt, const struct vnet_parse_layer *l,
		   uint32_t types, struct vnet_rss_input *in)
{
	int err = 0;

	in->report = VNET_HASH_REPORT_NONE;
	in->len = 0;
	if (!l->present)
		return 0;
	if (l->l3 == VNET_L3_IPV4)
		err = input_ipv4(pkt, l, types, in);
	else if (l->l3 == VNET_L3_IPV6)
		err = input_ipv6(pkt, l, types, in);
	if (err) {
		in->report = VNET_HASH_REPORT_NONE;
		in->len = 0;
	}
	return err;
}

static uint32_t gre_match(const struct vnet_parse_result *res)
{
	const struct vnet_parse_tunnel *t = &res->tunnel;
	uint32_t m;

	m = t->gre_has_key || t->gre_has_seq ? VNET_HASH_TUNNEL_GRE_2890
					     : VNET_HASH_TUNNEL_GRE_2784;
	/* RFC 7676: IPv6 as GRE's delivery protocol or as its payload. */
	if (res->outer.l3 == VNET_L3_IPV6 || t->proto == ETH_P_IPV6)
		m |= VNET_HASH_TUNNEL_GRE_7676;
	/* RFC 7637: key present, checksum and sequence absent, Ethernet. */
	if (t->gre_has_key && !t->gre_has_csum && !t->gre_has_seq &&
	    t->proto == ETH_P_TEB)
		m |= VNET_HASH_TUNNEL_NVGRE;
	return m;
}

uint32_t vnet_rss_tunnel_match(const struct vnet_parse_result *res)
{
	switch (res->tunnel.type) {
	case VNET_TUNNEL_VXLAN:
		return VNET_HASH_TUNNEL_VXLAN;
	case VNET_TUNNEL_VXLAN_GPE:
		return VNET_HASH_TUNNEL_VXLAN_GPE;
	case VNET_TUNNEL_GENEVE:
		return VNET_HASH_TUNNEL_GENEVE;
	case VNET_TUNNEL_GRE_UDP:
		return VNET_HASH_TUNNEL_GRE_UDP;
	case VNET_TUNNEL_IPIP:
		return VNET_HASH_TUNNEL_IPIP;
	case VNET_TUNNEL_GRE:
		return gre_match(res);
	default:
		return 0;
	}
}

bool vnet_rss_hash(const struct vnet_toeplitz *tz, uint32_t types,
		   uint32_t tunnels, const struct vnet_pkt *pkt,
		   const struct vnet_parse_result *res,
		   struct vnet_rss_hash *out)
{
	const struct vnet_parse_layer *l;
	struct vnet_rss_input in;

	out->value = 0;
	out->report = VNET_HASH_REPORT_NONE;
	if (!res || !tz)
		return false;
	l = vnet_rss_tunnel_match(res) & tunnels ? &res->inner : &res->outer;
	if (vnet_rss_input(pkt, l, types, &in) || !in.report)
		return false;
	out->value = vnet_toeplitz_hash(tz, in.data, in.len);
	out->report = in.report;
	return true;
}
