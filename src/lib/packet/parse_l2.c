// SPDX-License-Identifier: MIT
/* parse_l2.c - Ethernet header and 802.1Q / 802.1ad VLAN tags */

#include "parse_priv.h"

#define ETH_HLEN	14	/* destination, source, ethertype */
#define VLAN_HLEN	4	/* TCI, inner ethertype */

/**
 * is_vlan_tpid() - whether an ethertype announces a VLAN tag
 * @type:	ethertype
 *
 * Return: true for 802.1Q (C-tag) and 802.1ad (S-tag)
 */
static bool is_vlan_tpid(uint16_t type)
{
	return type == PARSE_ETH_P_8021Q || type == PARSE_ETH_P_8021AD;
}

/**
 * parse_vlans() - the VLAN tags after the Ethernet addresses
 * @c:		parse in progress
 * @l:		layer, ethertype holding the Ethernet header's type field
 * @off:	offset just past that field
 *
 * A third tag is left alone: its TPID stays in l->ethertype, and the layer
 * is then l3 OTHER.
 *
 * Return: 0 or -enum vnet_parse_err
 */
static int parse_vlans(struct parse_ctx *c, struct vnet_parse_layer *l,
		       size_t off)
{
	uint8_t s[VLAN_HLEN];
	const uint8_t *p;

	while (l->vlan_count < VNET_PARSE_VLAN_MAX &&
	       is_vlan_tpid(l->ethertype)) {
		/* IEEE 802.1Q 9.3: TPID, then a 2-byte TCI and the next type */
		p = parse_peek(c, off, VLAN_HLEN, s);
		if (!p)
			return parse_err(VNET_PARSE_ERR_TRUNC_VLAN);
		l->vlan_tpid[l->vlan_count] = l->ethertype;
		l->vlan_tci[l->vlan_count] = vnet_load_be16(p);
		l->ethertype = vnet_load_be16(p + 2);
		l->vlan_count++;
		off += VLAN_HLEN;	/* peeked: cannot wrap */
	}
	l->l3_off = off;
	return 0;
}

int parse_eth(struct parse_ctx *c, struct vnet_parse_layer *l)
{
	uint8_t s[ETH_HLEN];
	const uint8_t *p = parse_peek(c, l->l2_off, ETH_HLEN, s);

	/* IEEE 802.3 3.1.1: 6 + 6 address bytes, then the type */
	if (!p)
		return parse_err(VNET_PARSE_ERR_TRUNC_L2);
	l->has_eth = true;
	l->ethertype = vnet_load_be16(p + 12);
	return parse_vlans(c, l, l->l2_off + ETH_HLEN);
}
