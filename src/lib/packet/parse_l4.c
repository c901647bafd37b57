// SPDX-License-Identifier: MIT
/* parse_l4.c - TCP and UDP headers (RFC 9293, RFC 768) */

#include "parse_priv.h"

#define TCP_MIN_HLEN	20		/* RFC 9293 3.1: data offset of 5 */
#define UDP_HLEN	8		/* RFC 768 */

/**
 * parse_tcp() - TCP header: data offset, flags, options present
 * @c:		parse in progress
 * @l:		layer
 *
 * Return: 0 or -enum vnet_parse_err
 */
static int parse_tcp(struct parse_ctx *c, struct vnet_parse_layer *l)
{
	uint8_t s[TCP_MIN_HLEN];
	const uint8_t *p = parse_peek(c, l->l4_off, TCP_MIN_HLEN, s);
	size_t doff;

	/* RFC 9293 3.1: a 20-byte fixed header */
	if (!p)
		return parse_err(VNET_PARSE_ERR_TRUNC_TCP);
	doff = (size_t)(p[12] >> 4) * 4;
	/* RFC 9293 3.1: data offset counts the fixed header: >= 5 */
	if (doff < TCP_MIN_HLEN)
		return parse_err(VNET_PARSE_ERR_TCP_DOFF);
	/* options run past the datagram */
	if (doff > c->end - l->l4_off)
		return parse_err(VNET_PARSE_ERR_TCP_DOFF);

	l->l4 = VNET_L4_TCP;
	l->l4_hdr_len = doff;
	l->sport = vnet_load_be16(p);
	l->dport = vnet_load_be16(p + 2);
	l->tcp_flags = p[13];
	l->tcp_options = doff > TCP_MIN_HLEN;
	parse_rest(c, l, l->l4_off + doff);	/* doff fits: no wrap */
	return 0;
}

/**
 * parse_udp() - UDP header: length against the datagram
 * @c:		parse in progress
 * @l:		layer
 *
 * RFC 768: the length counts header and data. Longer than the IP datagram
 * is an error, except in a first fragment, where it counts fragments yet
 * to come; shorter leaves bytes that belong to no header. c->end drops to
 * the end of the UDP datagram (or of the fragment).
 *
 * Return: 0 or -enum vnet_parse_err
 */
static int parse_udp(struct parse_ctx *c, struct vnet_parse_layer *l)
{
	uint8_t s[UDP_HLEN];
	const uint8_t *p = parse_peek(c, l->l4_off, UDP_HLEN, s);
	size_t ulen, room;

	/* RFC 768: an 8-byte header */
	if (!p)
		return parse_err(VNET_PARSE_ERR_TRUNC_UDP);
	ulen = vnet_load_be16(p + 4);
	room = c->end - l->l4_off;	/* >= 8: peeked */
	/* RFC 768: "the minimum value of the length is eight" */
	if (ulen < UDP_HLEN)
		return parse_err(VNET_PARSE_ERR_UDP_LEN);
	/* longer than the IP datagram (a first fragment holds only part) */
	if (ulen > room && l->frag != VNET_FRAG_FIRST)
		return parse_err(VNET_PARSE_ERR_UDP_LEN);

	l->l4 = VNET_L4_UDP;
	l->l4_hdr_len = UDP_HLEN;
	l->sport = vnet_load_be16(p);
	l->dport = vnet_load_be16(p + 2);
	l->udp_len = (uint16_t)ulen;
	if (ulen < room)
		c->end = l->l4_off + ulen;
	parse_rest(c, l, l->l4_off + UDP_HLEN);
	return 0;
}

int parse_l4(struct parse_ctx *c, struct vnet_parse_layer *l)
{
	if (l->frag == VNET_FRAG_LATER) {
		parse_rest(c, l, l->l4_off);	/* data, not a header */
		return 0;
	}
	if (l->l4_proto == PARSE_IPPROTO_TCP)
		return parse_tcp(c, l);
	if (l->l4_proto == PARSE_IPPROTO_UDP)
		return parse_udp(c, l);
	l->l4 = VNET_L4_OTHER;
	parse_rest(c, l, l->l4_off);
	return 0;
}
