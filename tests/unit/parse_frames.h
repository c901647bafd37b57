/* SPDX-License-Identifier: MIT */
/* parse_frames.h - the parser tests' frames, built byte by byte by hand
 * (never by the parser), the expected facts of a parse, and parsing a
 * frame held in segments of every shape: shared by test_parse.c (the frame
 * table), test_parse_tunnel.c, test_parse_malformed.c and
 * test_parse_config.c */
#ifndef PARSE_FRAMES_H
#define PARSE_FRAMES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/parse.h"
#include "vnet/pkt.h"

/* ---- frame builder: bytes written by hand, never by the parser ---- */

#define FB_MAX 1024

struct fb {
	uint8_t b[FB_MAX];
	size_t len;
};

static inline void put8(struct fb *f, unsigned int v)
{
	assert_true(f->len < FB_MAX);
	f->b[f->len++] = (uint8_t)v;
}

static inline void put16(struct fb *f, unsigned int v)
{
	put8(f, v >> 8);
	put8(f, v & 0xff);
}

static inline void put32(struct fb *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static inline void putn(struct fb *f, const uint8_t *p, size_t n)
{
	while (n--)
		put8(f, *p++);
}

static inline void fill(struct fb *f, unsigned int v, size_t n)
{
	while (n--)
		put8(f, v);
}

static inline void set8(struct fb *f, size_t at, unsigned int v)
{
	f->b[at] = (uint8_t)v;
}

static inline void set16(struct fb *f, size_t at, size_t v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

static inline void data(struct fb *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		put8(f, 0xa0 + i);
}

#define T_IP	0x0800
#define T_IP6	0x86dd
#define T_ARP	0x0806
#define T_TEB	0x6558
#define T_8021Q	0x8100
#define T_8021AD 0x88a8

/* Ethernet II (IEEE 802.3): destination, source, type. */
static inline void eth(struct fb *f, unsigned int type)
{
	static const uint8_t macs[12] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
					  0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

	putn(f, macs, sizeof(macs));
	put16(f, type);
}

/* The rest of a VLAN tag after its TPID: TCI, then the next type. */
static inline void tag(struct fb *f, unsigned int tci, unsigned int type)
{
	put16(f, tci);
	put16(f, type);
}

/* IPv4 (RFC 791) with @ihl words, options as NOPs; ip4_end sets length. */
static inline size_t ip4(struct fb *f, unsigned int ihl, unsigned int frag,
		  unsigned int proto)
{
	size_t at = f->len;

	put8(f, 0x40 | ihl);
	put8(f, 0x02);		/* ECT(0) */
	put16(f, 0);		/* total length, patched */
	put16(f, 0x1234);	/* id */
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);		/* checksum: not the parser's business */
	put32(f, 0xc0000201);
	put32(f, 0xc0000202);
	if (ihl > 5)
		fill(f, 0x01, (ihl - 5) * 4);
	return at;
}

static inline void ip4_end(struct fb *f, size_t at)
{
	set16(f, at + 2, f->len - at);
}

static const uint8_t SRC6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t DST6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x02 };
static const uint8_t HOME6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xbe, 0xef,
				   [15] = 0x42 };
static const uint8_t CARE6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xca, 0xfe,
				   [15] = 0x07 };

/* IPv6 (RFC 8200 section 3); ip6_end sets the payload length. */
static inline size_t ip6(struct fb *f, unsigned int next)
{
	size_t at = f->len;

	put32(f, 0x60012345);
	put16(f, 0);		/* payload length, patched */
	put8(f, next);
	put8(f, 64);
	putn(f, SRC6, 16);
	putn(f, DST6, 16);
	return at;
}

static inline void ip6_end(struct fb *f, size_t at)
{
	set16(f, at + 4, f->len - at - 40);
}

/* Hop-by-hop or destination options of (len8 + 1) * 8 bytes of Pad1. */
static inline void ext(struct fb *f, unsigned int next, unsigned int len8)
{
	put8(f, next);
	put8(f, len8);
	fill(f, 0, (len8 + 1) * 8 - 2);
}

/* A routing header of any type, segments left 0, body zero. */
static inline void routing(struct fb *f, unsigned int next, unsigned int type,
		    unsigned int len8)
{
	put8(f, next);
	put8(f, len8);
	put8(f, type);
	put8(f, 0);
	fill(f, 0, (len8 + 1) * 8 - 4);
}

/* Type 2 routing header (RFC 6275 6.4): 24 bytes, one address. */
static inline void rt2(struct fb *f, unsigned int next, const uint8_t *addr)
{
	put8(f, next);
	put8(f, 2);
	put8(f, 2);
	put8(f, 1);
	put32(f, 0);
	putn(f, addr, 16);
}

/* Destination options with PadN then a home address option (6275 6.3). */
static inline void hao(struct fb *f, unsigned int next, const uint8_t *addr)
{
	put8(f, next);
	put8(f, 2);		/* 24 bytes */
	put8(f, 1);		/* PadN */
	put8(f, 2);
	put16(f, 0);
	put8(f, 0xc9);		/* at 8n + 6, as 6.3 asks */
	put8(f, 16);
	putn(f, addr, 16);
}

/* Fragment header (RFC 8200 4.5). */
static inline void frag6(struct fb *f, unsigned int next, unsigned int off,
		  unsigned int more, uint32_t id)
{
	put8(f, next);
	put8(f, 0);
	put16(f, off | more);
	put32(f, id);
}

/* Authentication header (RFC 4302 2.2): (len + 2) * 4 bytes. */
static inline void ah(struct fb *f, unsigned int next, unsigned int len)
{
	put8(f, next);
	put8(f, len);
	put16(f, 0);
	put32(f, 0x1000);	/* SPI */
	put32(f, 1);		/* sequence */
	fill(f, 0xee, (len + 2) * 4 - 12);
}

/* TCP (RFC 9293 3.1) with @doff words, options as NOPs. */
static inline size_t tcp(struct fb *f, unsigned int doff, unsigned int flags)
{
	size_t at = f->len;

	put16(f, 40000);
	put16(f, 80);
	put32(f, 1000);
	put32(f, 2000);
	put8(f, doff << 4);
	put8(f, flags);
	put16(f, 65535);
	put16(f, 0);
	put16(f, 0);
	if (doff > 5)
		fill(f, 0x01, (doff - 5) * 4);
	return at;
}

/* UDP (RFC 768); udp_end sets the length. */
static inline size_t udp(struct fb *f, unsigned int dport)
{
	size_t at = f->len;

	put16(f, 50000);
	put16(f, dport);
	put16(f, 0);
	put16(f, 0);
	return at;
}

static inline void udp_end(struct fb *f, size_t at)
{
	set16(f, at + 4, f->len - at);
}

/* VXLAN (RFC 7348 section 5). */
static inline void vxlan(struct fb *f, uint32_t vni)
{
	put8(f, 0x08);
	fill(f, 0, 3);
	put32(f, vni << 8);
}

/* VXLAN-GPE: I and P set, version 0. */
static inline void gpe(struct fb *f, unsigned int next, uint32_t vni)
{
	put8(f, 0x0c);
	put16(f, 0);
	put8(f, next);
	put32(f, vni << 8);
}

/* Geneve (RFC 8926 3.4), one option filling @optw words if any. */
static inline void geneve(struct fb *f, unsigned int proto, uint32_t vni,
		   unsigned int optw)
{
	put8(f, optw);
	put8(f, 0);
	put16(f, proto);
	put32(f, vni << 8);
	if (!optw)
		return;
	put16(f, 0x0102);	/* option class */
	put8(f, 0x80);		/* type */
	put8(f, optw - 1);
	fill(f, 0xcc, (optw - 1) * 4);
}

/* GRE (RFC 2784, 2890) with the fields its flags announce. */
static inline void gre(struct fb *f, unsigned int flags, unsigned int proto,
		uint32_t key, uint32_t seq)
{
	put16(f, flags);
	put16(f, proto);
	if (flags & 0x8000)
		put32(f, 0);
	if (flags & 0x2000)
		put32(f, key);
	if (flags & 0x1000)
		put32(f, seq);
}


/* ---- the frame table ---- */

/**
 * struct exp - expected facts of one layer, written out by hand
 */
struct exp {
	int l3, l4, frag;
	bool eth;
	unsigned int vlans;
	unsigned int type;
	unsigned int proto;
	unsigned int ext;
	size_t l2, l3o, l4o, pay, plen, trailer;
};

struct pcase {
	const char *name;
	void (*build)(struct fb *f);
	struct exp o;
	int tun;
	size_t toff, tlen;
	struct exp i;
	void (*more)(const struct vnet_parse_result *r);
};

#define TCP_ACK 0x10
#define TCP_PSH 0x08
#define TCP_SYN 0x02

/* Short names for the tables of expected facts. */
#define NOTUN VNET_TUNNEL_NONE, 0, 0, { 0 }
#define V4 VNET_L3_IPV4
#define V6 VNET_L3_IPV6
#define L3X VNET_L3_OTHER
#define TCP VNET_L4_TCP
#define UDP VNET_L4_UDP
#define L4X VNET_L4_OTHER
#define L4N VNET_L4_NONE
#define F_AT VNET_FRAG_ATOMIC
#define F_1ST VNET_FRAG_FIRST
#define F_LAT VNET_FRAG_LATER
#define X_HBH VNET_IPV6_EXT_HBH
#define X_RT VNET_IPV6_EXT_ROUTING
#define X_FR VNET_IPV6_EXT_FRAG
#define X_DST VNET_IPV6_EXT_DSTOPTS
#define X_AH VNET_IPV6_EXT_AH

/* Frames the table and the configuration tests both parse. */
static inline void b_gre4_ip4_tcp(struct fb *f)
{
	size_t a, b;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 47);
	gre(f, 0, T_IP, 0, 0);
	b = ip4(f, 5, 0, 6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip4_end(f, b);
	ip4_end(f, a);
}

static inline void b_ipip4_tcp(struct fb *f)
{
	size_t a, b;

	eth(f, T_IP);
	a = ip4(f, 5, 0, 4);
	b = ip4(f, 5, 0, 6);
	tcp(f, 5, TCP_ACK);
	data(f, 4);
	ip4_end(f, b);
	ip4_end(f, a);
}


/* ---- parsing a frame held in segments ---- */

enum split { SPLIT_ONE, SPLIT_BYTES, SPLIT_RANDOM };

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static inline unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

static inline size_t seg_size(enum split how, size_t left, unsigned int nseg,
		       size_t len)
{
	unsigned int r;

	if (how == SPLIT_ONE)
		return left;
	if (how == SPLIT_BYTES)
		return 1;
	r = rnd(10);
	if (r == 0 && nseg < len)
		return 0;		/* an empty segment, now and then */
	if (r == 0)
		r = 1;
	return r < left ? r : left;
}

/*
 * Parse @len bytes of @frame held in segments, each in a heap buffer of
 * exactly its size, so that ASan sees a read one byte past any of them.
 */
static inline int parse_split(const uint8_t *frame, size_t len, enum split how,
		       const struct vnet_parse_config *cfg,
		       struct vnet_parse_result *res)
{
	struct iovec *iov = calloc(2 * len + 2, sizeof(*iov));
	struct vnet_pkt pkt;
	unsigned int n = 0, i;
	size_t off = 0, sz;
	int ret;

	assert_non_null(iov);
	while (off < len) {
		sz = seg_size(how, len - off, n, len);
		iov[n].iov_len = sz;
		iov[n].iov_base = sz ? malloc(sz) : NULL;
		if (sz)
			memcpy(iov[n].iov_base, frame + off, sz);
		off += sz;
		n++;
	}
	assert_int_equal(vnet_pkt_init(&pkt, iov, n), 0);
	memset(res, 0xa5, sizeof(*res));
	ret = vnet_parse(&pkt, cfg, res);
	for (i = 0; i < n; i++)
		free(iov[i].iov_base);
	free(iov);
	return ret;
}

#define EQ(name, what, got, want)					\
	do {								\
		if ((size_t)(got) != (size_t)(want))			\
			fail_msg("%s: %s: got %zu, want %zu", name,	\
				 what, (size_t)(got), (size_t)(want));	\
	} while (0)

static inline void check_layer(const char *name, const char *which,
			const struct exp *e, const struct vnet_parse_layer *l)
{
	char what[64];

#define CHK(f, v)							\
	do {								\
		snprintf(what, sizeof(what), "%s.%s", which, #f);	\
		EQ(name, what, l->f, v);				\
	} while (0)
	CHK(present, 1);
	CHK(l3, e->l3);
	CHK(has_eth, e->eth);
	CHK(l2_off, e->l2);
	CHK(vlan_count, e->vlans);
	CHK(ethertype, e->type);
	CHK(l3_off, e->l3o);
	CHK(frag, e->frag);
	CHK(ipv6.ext, e->ext);
	CHK(l4, e->l4);
	CHK(l4_proto, e->proto);
	CHK(l4_off, e->l4o);
	CHK(payload_off, e->pay);
	CHK(payload_len, e->plen);
	CHK(trailer_len, e->trailer);
#undef CHK
}

/*
 * The end of what a parse of the whole frame depends on: a cut at or after
 * it may succeed (it removes trailer only), a cut before it must fail.
 */
static inline size_t needed_len(const struct vnet_parse_result *r)
{
	const struct vnet_parse_layer *o = &r->outer;

	if (o->l3 == VNET_L3_IPV4 || o->l3 == VNET_L3_IPV6)
		return o->l3_off + o->l3_len;
	return o->payload_off;
}

/* A parse of a cut frame, adjusted for the bytes the cut took away. */
static inline void normalise_cut(struct vnet_parse_result *cut,
			  const struct vnet_parse_result *full)
{
	cut->outer.trailer_len = full->outer.trailer_len;
	if (cut->outer.l3 == VNET_L3_OTHER)
		cut->outer.payload_len = full->outer.payload_len;
}

/* Every length 0 .. len - 1: an error, or a parse that lost trailer only. */
static inline void check_truncations(const char *name, const uint8_t *frame,
			      size_t len, const struct vnet_parse_config *cfg,
			      const struct vnet_parse_result *full)
{
	struct vnet_parse_result cut, split;
	size_t n, need = needed_len(full);
	int ret, ret2;

	for (n = 0; n < len; n++) {
		ret = parse_split(frame, n, SPLIT_ONE, cfg, &cut);
		ret2 = parse_split(frame, n, SPLIT_RANDOM, cfg, &split);
		EQ(name, "same verdict over segments", ret2, ret);
		if (memcmp(&cut, &split, sizeof(cut)))
			fail_msg("%s: cut at %zu: segments change result",
				 name, n);
		if (n < need) {
			if (ret == 0)
				fail_msg("%s: cut at %zu parsed", name, n);
			assert_string_not_equal(vnet_parse_err_name(ret),
						"unknown");
			continue;
		}
		EQ(name, "cut in the trailer", ret, 0);
		normalise_cut(&cut, full);
		if (memcmp(&cut, full, sizeof(cut)))
			fail_msg("%s: cut at %zu: result differs", name, n);
	}
}

/* Whole frame over 1-byte segments and random segmentations. */
static inline void check_splits(const char *name, const uint8_t *frame, size_t len,
			 const struct vnet_parse_config *cfg,
			 const struct vnet_parse_result *full)
{
	struct vnet_parse_result r;
	int i;

	EQ(name, "1-byte segments", parse_split(frame, len, SPLIT_BYTES, cfg,
						&r), 0);
	if (memcmp(&r, full, sizeof(r)))
		fail_msg("%s: 1-byte segments change result", name);
	for (i = 0; i < 32; i++) {
		EQ(name, "random segments", parse_split(frame, len,
							SPLIT_RANDOM, cfg, &r),
		   0);
		if (memcmp(&r, full, sizeof(r)))
			fail_msg("%s: segmentation %d changes result", name,
				 i);
	}
}


static inline void check_case(const struct pcase *c, const struct fb *f,
		       const struct vnet_parse_result *r)
{
	check_layer(c->name, "outer", &c->o, &r->outer);
	EQ(c->name, "tunnel.type", r->tunnel.type, c->tun);
	if (c->tun == VNET_TUNNEL_NONE) {
		EQ(c->name, "inner.present", r->inner.present, 0);
	} else {
		EQ(c->name, "tunnel.off", r->tunnel.off, c->toff);
		EQ(c->name, "tunnel.hdr_len", r->tunnel.hdr_len, c->tlen);
		check_layer(c->name, "inner", &c->i, &r->inner);
	}
	if (c->more)
		c->more(r);
}

#endif /* PARSE_FRAMES_H */
