/* SPDX-License-Identifier: MIT */
/* tx_frames.h - test frames for transmit offloads, built byte by byte */
#ifndef VNET_TEST_TX_FRAMES_H
#define VNET_TEST_TX_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vnet/hdr.h"

/*
 * Independent of libvnet on purpose: the checksums here are a plain
 * RFC 1071 loop, the layouts written out field by field.
 */

/**
 * struct tf_spec - what frame to build
 * @vlan:	VLAN tags (0..2) on the outer (or only) Ethernet header
 * @v6:		IPv6 (else IPv4) for the segmented packet
 * @ip_opt:	IPv4 option bytes (multiple of 4)
 * @v6_ext:	IPv6 destination options header length (multiple of 8)
 * @udp:	UDP (else TCP)
 * @tcp_opt:	TCP option bytes (multiple of 4)
 * @tcp_flags:	TCP flags
 * @payload:	payload bytes
 * @tunnel:	wrap in Ethernet / outer IP / UDP / VXLAN or Geneve
 * @outer_v6:	outer IPv6 (else IPv4)
 * @geneve:	Geneve (port 6081) instead of VXLAN (4789)
 * @ip_id:	IPv4 identification of the (inner) packet
 * @seed:	payload pattern seed
 */
struct tf_spec {
	int vlan;
	bool v6;
	int ip_opt;
	int v6_ext;
	bool udp;
	int tcp_opt;
	uint8_t tcp_flags;
	size_t payload;
	bool tunnel;
	bool outer_v6;
	bool geneve;
	uint16_t ip_id;
	uint32_t seed;
};

/**
 * struct tf_layout - where the builder put things
 * @l3:		(inner) network header offset
 * @l4:		(inner) transport header offset
 * @pay:	payload offset
 * @ol3:	outer network header offset (tunnel)
 * @ol4:	outer UDP offset (tunnel)
 * @len:	frame length
 */
struct tf_layout {
	size_t l3, l4, pay, ol3, ol4, len;
};

static inline void tf_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint16_t tf_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t tf_get32(const uint8_t *p)
{
	return (uint32_t)tf_get16(p) << 16 | tf_get16(p + 2);
}

/* RFC 1071 section 4.1, over big-endian words, not folded. */
static inline uint32_t tf_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static inline uint16_t tf_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Pseudo-header sum of the (inner or outer) IP header at @ip. */
static inline uint32_t tf_pseudo(const uint8_t *ip, bool v6, uint8_t proto,
				 uint32_t l4len)
{
	uint32_t s = 0;

	if (v6)
		s = tf_sum(ip + 8, 32, 0);
	else
		s = tf_sum(ip + 12, 8, 0);
	return s + proto + (l4len >> 16) + (l4len & 0xffff);
}

/* True if the L4 checksum of the datagram at @l4 verifies. */
static inline bool tf_l4_ok(const uint8_t *ip, bool v6, uint8_t proto,
			    const uint8_t *l4, size_t l4len)
{
	return tf_fold(tf_sum(l4, l4len, tf_pseudo(ip, v6, proto,
						   (uint32_t)l4len))) == 0xffff;
}

static inline size_t tf_eth(uint8_t *p, int vlan, uint16_t type)
{
	static const uint8_t mac[12] = { 0x02, 0, 0, 0, 0, 0xb,
					 0x02, 0, 0, 0, 0, 0xa };
	size_t o = 12;
	int i;

	memcpy(p, mac, 12);
	for (i = 0; i < vlan; i++, o += 4) {
		tf_put16(p + o, i == 0 && vlan == 2 ? 0x88a8 : 0x8100);
		tf_put16(p + o + 2, (uint16_t)(100 + i));
	}
	tf_put16(p + o, type);
	return o + 2;
}

static inline size_t tf_ip(uint8_t *p, bool v6, int opt, int ext,
			   uint8_t proto, size_t after, uint16_t id, bool inner)
{
	size_t hl;

	if (v6) {
		memset(p, 0, 40);
		p[0] = 0x60;
		p[6] = ext ? 60 : proto;
		p[7] = 64;
		p[8] = 0xfd; p[23] = inner ? 0x11 : 0x01;
		p[24] = 0xfd; p[39] = inner ? 0x12 : 0x02;
		if (ext) {
			memset(p + 40, 0, (size_t)ext);
			size_t o = 42, c;

			p[40] = proto;
			p[41] = (uint8_t)(ext / 8 - 1);
			while (o < 40 + (size_t)ext) {	/* PadN, Pad1 */
				c = 40 + (size_t)ext - o;
				if (c == 1)
					break;
				c = c > 257 ? 257 : c;
				p[o] = 1;
				p[o + 1] = (uint8_t)(c - 2);
				o += c;
			}
		}
		tf_put16(p + 4, (uint16_t)(ext + after));
		return 40 + (size_t)ext;
	}
	hl = 20 + (size_t)opt;
	memset(p, 0, hl);
	p[0] = (uint8_t)(0x40 | hl / 4);
	tf_put16(p + 2, (uint16_t)(hl + after));
	tf_put16(p + 4, id);
	tf_put16(p + 6, 0x4000);			/* DF */
	p[8] = 64;
	p[9] = proto;
	p[12] = 10; p[15] = inner ? 11 : 1;
	p[16] = 10; p[19] = inner ? 12 : 2;
	if (opt)
		memset(p + 20, 1, (size_t)opt);		/* NOPs */
	tf_put16(p + 10, (uint16_t)~tf_fold(tf_sum(p, hl, 0)));
	return hl;
}

/**
 * tf_build() - build a frame and the GSO header a Linux guest would send
 * @s:		spec
 * @p:		output, big enough
 * @gso_type:	VNET_HDR_GSO_* (tunnel bit added for a tunnel spec)
 * @mss:	gso_size
 * @h:		the header
 * @lay:	where things are
 *
 * The L4 checksum field holds the pseudo-header sum over the whole length,
 * as Linux leaves it for CHECKSUM_PARTIAL.
 *
 * Return: frame length
 */
static inline size_t tf_build(const struct tf_spec *s, uint8_t *p,
			      uint8_t gso_type, uint16_t mss,
			      struct vnet_hdr *h, struct tf_layout *lay)
{
	uint8_t proto = s->udp ? 17 : 6;
	size_t thl = s->udp ? 8 : 20 + (size_t)s->tcp_opt, o = 0, i, l4len;
	size_t l3len;
	uint32_t x = s->seed * 2654435761u + 1;

	memset(lay, 0, sizeof(*lay));
	memset(h, 0, sizeof(*h));
	l3len = (s->v6 ? 40 + (size_t)s->v6_ext : 20 + (size_t)s->ip_opt) +
		thl + s->payload;
	if (s->tunnel) {
		o = tf_eth(p, s->vlan, s->outer_v6 ? 0x86dd : 0x0800);
		lay->ol3 = o;
		o += tf_ip(p + o, s->outer_v6, 0, 0, 17, 8 + 8 + 14 + l3len,
			   0x1000, false);
		lay->ol4 = o;
		tf_put16(p + o, 40000);
		tf_put16(p + o + 2, s->geneve ? 6081 : 4789);
		tf_put16(p + o + 4, (uint16_t)(8 + 8 + 14 + l3len));
		tf_put16(p + o + 6, 0);
		o += 8;
		memset(p + o, 0, 8);
		if (s->geneve)
			tf_put16(p + o + 2, 0x6558);
		else
			p[o] = 0x08;
		p[o + 6] = 0x42;			/* VNI */
		o += 8;
		o += tf_eth(p + o, 0, s->v6 ? 0x86dd : 0x0800);
	} else {
		o = tf_eth(p, s->vlan, s->v6 ? 0x86dd : 0x0800);
	}
	lay->l3 = o;
	o += tf_ip(p + o, s->v6, s->ip_opt, s->v6_ext, proto,
		   thl + s->payload, s->ip_id, s->tunnel);
	lay->l4 = o;
	memset(p + o, 0, thl);
	tf_put16(p + o, 33333);
	tf_put16(p + o + 2, 5001);
	if (s->udp) {
		tf_put16(p + o + 4, (uint16_t)(8 + s->payload));
	} else {
		p[o + 4] = 0x12; p[o + 5] = 0x34; p[o + 6] = 0x56; p[o + 7] = 0x78;
		p[o + 11] = 1;
		p[o + 12] = (uint8_t)((thl / 4) << 4);
		p[o + 13] = s->tcp_flags;
		tf_put16(p + o + 14, 502);
		memset(p + o + 20, 1, (size_t)s->tcp_opt);
	}
	o += thl;
	lay->pay = o;
	for (i = 0; i < s->payload; i++) {
		x = x * 1103515245u + 12345u;
		p[o + i] = (uint8_t)(x >> 16);
	}
	lay->len = o + s->payload;
	l4len = thl + s->payload;
	tf_put16(p + lay->l4 + (s->udp ? 6 : 16),
		 tf_fold(tf_pseudo(p + lay->l3, s->v6, proto, (uint32_t)l4len)));

	h->flags = VNET_HDR_F_NEEDS_CSUM;
	h->gso_type = gso_type;
	h->gso_size = mss;
	h->csum_start = (uint16_t)lay->l4;
	h->csum_offset = s->udp ? 6 : 16;
	h->hdr_len = (uint16_t)lay->pay;
	if (s->tunnel) {
		h->gso_type |= s->outer_v6 ? VNET_HDR_GSO_UDP_TUNNEL_IPV6 :
					     VNET_HDR_GSO_UDP_TUNNEL_IPV4;
		h->outer_th_offset = (uint16_t)lay->ol4;
		h->inner_nh_offset = (uint16_t)lay->l3;
	}
	return lay->len;
}

#endif /* VNET_TEST_TX_FRAMES_H */
