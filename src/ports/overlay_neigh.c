// SPDX-License-Identifier: MIT
/* overlay_neigh.c - answers ARP and neighbour solicitations for the local address */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "vnet/csum.h"
#include "vnet/overlay.h"

#define ETH_HLEN	14
#define ETH_P_ARP	0x0806
#define ETH_P_IPV6	0x86dd
#define ARP_LEN		28
#define NS_LEN		24	/* ICMPv6 type 135 without options */
#define NA_LEN		32	/* type 136 with a target link-layer option */

/**
 * neigh_eth() - the reply's Ethernet header
 * @o:		the port
 * @out:	the reply
 * @dst:	the requester's MAC
 * @type:	ethertype
 */
static void neigh_eth(const struct vnet_overlay *o, uint8_t *out,
		      const uint8_t *dst, uint16_t type)
{
	memcpy(out, dst, 6);
	memcpy(out + 6, o->cfg.mac, 6);
	out[12] = (uint8_t)(type >> 8);
	out[13] = (uint8_t)type;
}

/**
 * neigh_arp() - an ARP reply to a request for the local IPv4 address
 * @o:		the port
 * @pkt:	the frame, ethertype ARP
 * @out:	the reply, ETH_HLEN + ARP_LEN bytes
 *
 * Return: the reply's length, or 0 if @pkt is no such request
 */
static size_t neigh_arp(const struct vnet_overlay *o,
			const struct vnet_pkt *pkt, uint8_t *out)
{
	static const uint8_t req[8] = { 0, 1, 0x08, 0, 6, 4, 0, 1 };
	uint8_t a[ARP_LEN], src[6];
	uint8_t *r = out + ETH_HLEN;

	if (o->cfg.local.family != AF_INET ||
	    vnet_pkt_read(pkt, 6, src, 6) ||
	    vnet_pkt_read(pkt, ETH_HLEN, a, ARP_LEN))
		return 0;
	if (memcmp(a, req, 8) || memcmp(a + 24, o->cfg.local.a, 4))
		return 0;			/* not a request for us */
	neigh_eth(o, out, src, ETH_P_ARP);
	memcpy(r, req, 8);
	r[7] = 2;				/* reply */
	memcpy(r + 8, o->cfg.mac, 6);
	memcpy(r + 14, o->cfg.local.a, 4);
	memcpy(r + 18, a + 8, 10);		/* requester's MAC and IP */
	return ETH_HLEN + ARP_LEN;
}

/**
 * neigh_na() - a neighbour advertisement answering a solicitation
 * @o:		the port
 * @pkt:	the frame
 * @res:	its parse: IPv6 without extension headers, ICMPv6
 * @out:	the reply, ETH_HLEN + 40 + NA_LEN bytes
 *
 * RFC 4861 7.2.4: solicited and override set, sent to the solicitor with
 * our link-layer address; a solicitation from :: (DAD) is left alone.
 *
 * Return: the reply's length, or 0 if @pkt is no such solicitation
 */
static size_t neigh_na(const struct vnet_overlay *o,
		       const struct vnet_pkt *pkt,
		       const struct vnet_parse_result *res, uint8_t *out)
{
	static const uint8_t any[16];
	uint8_t ip[40], ns[NS_LEN], src[6];
	uint8_t *h = out + ETH_HLEN, *na = h + 40;
	uint16_t c;

	if (vnet_pkt_read(pkt, res->outer.l3_off, ip, 40) ||
	    vnet_pkt_read(pkt, res->outer.l4_off, ns, NS_LEN) ||
	    vnet_pkt_read(pkt, 6, src, 6))
		return 0;
	if (ns[0] != 135 || ns[1] != 0 || ip[7] != 255 ||
	    memcmp(ns + 8, o->cfg.local.a, 16) || !memcmp(ip + 8, any, 16))
		return 0;
	neigh_eth(o, out, src, ETH_P_IPV6);
	memset(h, 0, 40 + NA_LEN);
	h[0] = 0x60;
	h[5] = NA_LEN;
	h[6] = 58;
	h[7] = 255;
	memcpy(h + 8, o->cfg.local.a, 16);
	memcpy(h + 24, ip + 8, 16);
	na[0] = 136;
	na[4] = 0x60;				/* solicited, override */
	memcpy(na + 8, o->cfg.local.a, 16);
	na[24] = 2;				/* target link-layer address */
	na[25] = 1;
	memcpy(na + 26, o->cfg.mac, 6);
	c = vnet_csum_finish(vnet_csum_partial(na, NA_LEN,
		vnet_csum_pseudo_ipv6(h + 8, h + 24, 58, NA_LEN)));
	memcpy(na + 2, &c, 2);
	return ETH_HLEN + 40 + NA_LEN;
}

int vnet_overlay_neigh_reply(const struct vnet_overlay *o,
			     const struct vnet_pkt *pkt, uint8_t *out,
			     size_t len)
{
	struct vnet_parse_result res;
	const struct vnet_parse_layer *l = &res.outer;

	if (len < VNET_OVERLAY_NEIGH_REPLY_MAX)
		return -ENOSPC;
	if (vnet_parse(pkt, &o->parse, &res))
		return 0;
	if (l->l3 == VNET_L3_OTHER && l->ethertype == ETH_P_ARP &&
	    !l->vlan_count)
		return (int)neigh_arp(o, pkt, out);
	if (l->l3 == VNET_L3_IPV6 && o->cfg.local.family == AF_INET6 &&
	    !l->vlan_count && !l->ipv6.ext && l->l4_proto == 58 &&
	    l->l4 == VNET_L4_OTHER)
		return (int)neigh_na(o, pkt, &res, out);
	return 0;
}
