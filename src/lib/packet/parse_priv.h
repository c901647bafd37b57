/* SPDX-License-Identifier: MIT */
/* parse_priv.h - state and helpers shared by the parse_*.c files only */
#ifndef VNET_PARSE_PRIV_H
#define VNET_PARSE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet/parse.h"
#include "vnet/pkt.h"

#define PARSE_INTERNAL __attribute__((visibility("hidden")))

/* Ethertypes (IEEE 802 numbers, IANA) */
#define PARSE_ETH_P_IP		0x0800
#define PARSE_ETH_P_IPV6	0x86dd
#define PARSE_ETH_P_TEB		0x6558	/* transparent Ethernet bridging */
#define PARSE_ETH_P_8021Q	0x8100
#define PARSE_ETH_P_8021AD	0x88a8
#define PARSE_ETH_P_MPLS	0x8847
#define PARSE_ETH_P_NSH		0x894f

/* IP protocol numbers (IANA) */
#define PARSE_IPPROTO_IPIP	4
#define PARSE_IPPROTO_TCP	6
#define PARSE_IPPROTO_UDP	17
#define PARSE_IPPROTO_IPV6	41
#define PARSE_IPPROTO_GRE	47

/**
 * struct parse_ctx - one parse in progress
 * @pkt:	the frame
 * @cfg:	configuration
 * @end:	reads stop here: the frame, then the IP datagram, then the UDP
 *		datagram; only ever lowered, so never past the frame
 */
struct parse_ctx {
	const struct vnet_pkt *pkt;
	const struct vnet_parse_config *cfg;
	size_t end;
};

/**
 * parse_err() - the return value for a parse error
 * @e:		the reason
 *
 * Return: -@e
 */
static inline int parse_err(enum vnet_parse_err e)
{
	return -(int)e;
}

/**
 * parse_fits() - whether a range lies inside the current bound
 * @c:		parse in progress
 * @off:	first byte
 * @len:	bytes
 *
 * Return: true if [@off, @off + @len) is below c->end, without overflow
 */
static inline bool parse_fits(const struct parse_ctx *c, size_t off,
			      size_t len)
{
	return off <= c->end && len <= c->end - off;
}

/**
 * parse_peek() - view a header inside the current bound
 * @c:		parse in progress
 * @off:	first byte
 * @len:	bytes, at least 1
 * @scratch:	@len bytes for a header that straddles segments
 *
 * Return: @len readable bytes, or NULL if they are not all below c->end
 */
static inline const uint8_t *parse_peek(const struct parse_ctx *c, size_t off,
					size_t len, void *scratch)
{
	if (!parse_fits(c, off, len))
		return NULL;
	return vnet_pkt_peek(c->pkt, off, len, scratch);
}

/**
 * parse_rest() - record that everything from @off on is payload
 * @c:		parse in progress
 * @l:		layer
 * @off:	offset, at most c->end
 */
static inline void parse_rest(const struct parse_ctx *c,
			      struct vnet_parse_layer *l, size_t off)
{
	l->payload_off = off;
	l->payload_len = c->end - off;
}

/**
 * parse_eth() - Ethernet header and up to VNET_PARSE_VLAN_MAX VLAN tags
 * @c:		parse in progress
 * @l:		layer; l2_off set; ethertype and l3_off filled
 *
 * Return: 0 or -enum vnet_parse_err
 */
PARSE_INTERNAL int parse_eth(struct parse_ctx *c, struct vnet_parse_layer *l);

/**
 * parse_ipv4() - IPv4 header at l->l3_off; lowers c->end to the datagram
 * @c:		parse in progress
 * @l:		layer
 *
 * Return: 0 or -enum vnet_parse_err
 */
PARSE_INTERNAL int parse_ipv4(struct parse_ctx *c, struct vnet_parse_layer *l);

/**
 * parse_ipv6() - IPv6 header and extension chain at l->l3_off; lowers
 *		  c->end to the datagram
 * @c:		parse in progress
 * @l:		layer
 *
 * Return: 0 or -enum vnet_parse_err
 */
PARSE_INTERNAL int parse_ipv6(struct parse_ctx *c, struct vnet_parse_layer *l);

/**
 * parse_l4() - TCP or UDP header at l->l4_off, or record another protocol
 * @c:		parse in progress
 * @l:		layer, with l4_off, l4_proto and frag filled
 *
 * A UDP header lowers c->end to the UDP datagram.
 *
 * Return: 0 or -enum vnet_parse_err
 */
PARSE_INTERNAL int parse_l4(struct parse_ctx *c, struct vnet_parse_layer *l);

/**
 * parse_tunnel() - recognise and parse a tunnel header after the outer L4
 * @c:		parse in progress
 * @r:		result with the outer layer filled; tunnel filled
 *
 * Return: 0 (tunnel.type NONE if there is none) or -enum vnet_parse_err
 */
PARSE_INTERNAL int parse_tunnel(struct parse_ctx *c,
				struct vnet_parse_result *r);

#endif /* VNET_PARSE_PRIV_H */
