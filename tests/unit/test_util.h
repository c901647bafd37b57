/* SPDX-License-Identifier: MIT */
/* test_util.h - device-model tests: devices, control commands, hand-built frames */
#ifndef VNET_TEST_UTIL_H
#define VNET_TEST_UTIL_H

/*
 * Shared by the device-model tests (test_ctrl, test_filter, test_rss, ...).
 * Frames and commands are written byte by byte here, never by the code
 * under test. Include after <cmocka.h>.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnet/config.h"
#include "vnet/ctrl.h"
#include "vnet/dev.h"
#include "vnet/parse.h"
#include "vnet/pkt.h"
#include "vnet/rss.h"

/* Every control feature, for tests that want a fully featured device. */
#define TU_ALL_CTRL "version_1,mac,status,mtu,speed_duplex,ctrl_vq,ctrl_rx," \
	"ctrl_rx_extra,ctrl_vlan,guest_announce,mq,ctrl_mac_addr,rss," \
	"hash_report,hash_tunnel,notf_coal,vq_notf_coal,ctrl_guest_offloads," \
	"guest_csum,guest_tso4"

#define TU_MAX_PAIRS	4
#define TU_MAC_MAX	4

static const uint8_t tu_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* Microsoft's verification key. */
static const uint8_t tu_ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static inline struct vnet_features tu_features(const char *spec)
{
	struct vnet_features f;
	const char *bad;
	size_t bad_len;

	assert_int_equal(vnet_features_parse(spec, VNET_PROFILE_STANDARD, &f,
					     &bad, &bad_len), 0);
	return f;
}

static inline struct vnet_dev_params tu_params(const char *offer)
{
	struct vnet_dev_params p;

	memset(&p, 0, sizeof(p));
	p.offer = tu_features(offer);
	memcpy(p.mac, tu_mac, 6);
	p.max_pairs = TU_MAX_PAIRS;
	p.mtu = 1500;
	p.speed = 10000;
	p.duplex = VNET_DUPLEX_FULL;
	p.rss_max_key_size = 40;
	p.rss_max_indir_len = 128;
	p.hash_types = VNET_HASH_TYPE_ALL;
	p.tunnel_types = VNET_HASH_TUNNEL_ALL;
	p.mac_table_max = TU_MAC_MAX;
	return p;
}

/* A device offering @offer, with the driver accepting @accept. */
static inline struct vnet_dev *tu_dev_params(const struct vnet_dev_params *p,
					     const char *accept)
{
	struct vnet_dev *d = calloc(1, sizeof(*d));
	struct vnet_features f = tu_features(accept);

	assert_non_null(d);
	assert_int_equal(vnet_dev_init(d, p), 0);
	assert_int_equal(vnet_dev_negotiate(d, &f, NULL, 0), 0);
	return d;
}

static inline struct vnet_dev *tu_dev(const char *features)
{
	struct vnet_dev_params p = tu_params(features);

	return tu_dev_params(&p, features);
}

static inline void tu_dev_free(struct vnet_dev *d)
{
	vnet_dev_fini(d);
	free(d);
}

/* ---- control commands ---- */

/**
 * struct tu_cmd - a control command being written
 * @b:		class, command, data
 * @len:	bytes written
 * @big:	multi-byte fields big-endian (a legacy big-endian guest)
 */
struct tu_cmd {
	uint8_t b[4096];
	size_t len;
	int big;
};

static inline void tu_cmd_start(struct tu_cmd *c, uint8_t class, uint8_t cmd)
{
	c->len = 0;
	c->b[c->len++] = class;
	c->b[c->len++] = cmd;
}

static inline void tu_u8(struct tu_cmd *c, unsigned int v)
{
	assert_true(c->len < sizeof(c->b));
	c->b[c->len++] = (uint8_t)v;
}

static inline void tu_le(struct tu_cmd *c, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		tu_u8(c, (unsigned int)(v >> (8 * (c->big ? bytes - 1 - i : i))));
}

static inline void tu_bytes(struct tu_cmd *c, const void *p, size_t n)
{
	assert_true(n <= sizeof(c->b) - c->len);
	memcpy(c->b + c->len, p, n);
	c->len += n;
}

static inline int tu_exec(struct vnet_dev *d, const struct tu_cmd *c)
{
	return vnet_ctrl_exec(d, c->b, c->len, NULL, 0, NULL);
}

/* One-shot commands of a fixed shape. */
static inline int tu_ctrl_u8(struct vnet_dev *d, uint8_t class, uint8_t cmd,
			     unsigned int v)
{
	struct tu_cmd c = { .big = 0 };

	tu_cmd_start(&c, class, cmd);
	tu_u8(&c, v);
	return tu_exec(d, &c);
}

static inline int tu_ctrl_u16(struct vnet_dev *d, uint8_t class, uint8_t cmd,
			      unsigned int v)
{
	struct tu_cmd c = { .big = 0 };

	tu_cmd_start(&c, class, cmd);
	tu_le(&c, v, 2);
	return tu_exec(d, &c);
}

/* RSS_CONFIG with the Microsoft key: @entries entries, entry i = i % @q. */
static inline void tu_rss_cmd(struct tu_cmd *c, uint32_t types,
			      unsigned int entries, unsigned int q,
			      unsigned int unclassified)
{
	unsigned int i;

	tu_cmd_start(c, VNET_CTRL_MQ, VNET_CTRL_MQ_RSS_CONFIG);
	tu_le(c, types, 4);
	tu_le(c, entries - 1, 2);
	tu_le(c, unclassified, 2);
	for (i = 0; i < entries; i++)
		tu_le(c, i % q, 2);
	tu_le(c, q, 2);			/* max_tx_vq */
	tu_u8(c, 40);
	tu_bytes(c, tu_ms_key, 40);
}

/* ---- frames ---- */

#define TU_FRAME_MAX	512

struct tu_frame {
	uint8_t b[TU_FRAME_MAX];
	size_t len;
};

static inline void tu_put8(struct tu_frame *f, unsigned int v)
{
	assert_true(f->len < TU_FRAME_MAX);
	f->b[f->len++] = (uint8_t)v;
}

static inline void tu_put16(struct tu_frame *f, unsigned int v)
{
	tu_put8(f, v >> 8);
	tu_put8(f, v & 0xff);
}

static inline void tu_put(struct tu_frame *f, const void *p, size_t n)
{
	assert_true(n <= TU_FRAME_MAX - f->len);
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static inline void tu_eth(struct tu_frame *f, const uint8_t dst[6],
			  const uint8_t src[6], unsigned int type)
{
	f->len = 0;
	tu_put(f, dst, 6);
	tu_put(f, src, 6);
	tu_put16(f, type);
}

/* IPv4 header, no options; @frag is the flags/offset field. */
static inline void tu_ipv4(struct tu_frame *f, const uint8_t src[4],
			   const uint8_t dst[4], unsigned int proto,
			   size_t payload, unsigned int frag)
{
	tu_put8(f, 0x45);
	tu_put8(f, 0);
	tu_put16(f, (unsigned int)(20 + payload));
	tu_put16(f, 0x1234);
	tu_put16(f, frag);
	tu_put8(f, 64);
	tu_put8(f, proto);
	tu_put16(f, 0);
	tu_put(f, src, 4);
	tu_put(f, dst, 4);
}

static inline void tu_ipv6(struct tu_frame *f, const uint8_t src[16],
			   const uint8_t dst[16], unsigned int next,
			   size_t payload)
{
	tu_put8(f, 0x60);
	tu_put8(f, 0);
	tu_put16(f, 0);
	tu_put16(f, (unsigned int)payload);
	tu_put8(f, next);
	tu_put8(f, 64);
	tu_put(f, src, 16);
	tu_put(f, dst, 16);
}

/* 20-byte TCP header, ACK. */
static inline void tu_tcp(struct tu_frame *f, unsigned int sport,
			  unsigned int dport)
{
	tu_put16(f, sport);
	tu_put16(f, dport);
	tu_put16(f, 0);
	tu_put16(f, 1);
	tu_put16(f, 0);
	tu_put16(f, 0);
	tu_put8(f, 0x50);
	tu_put8(f, 0x10);
	tu_put16(f, 0xffff);
	tu_put16(f, 0);
	tu_put16(f, 0);
}

static inline void tu_udp(struct tu_frame *f, unsigned int sport,
			  unsigned int dport, size_t payload)
{
	tu_put16(f, sport);
	tu_put16(f, dport);
	tu_put16(f, (unsigned int)(8 + payload));
	tu_put16(f, 0);
}

/* Destination options (24 bytes): PadN 4, home address option. */
static inline void tu_dstopts_hao(struct tu_frame *f, unsigned int next,
				  const uint8_t home[16])
{
	static const uint8_t padn[4] = { 1, 2, 0, 0 };

	tu_put8(f, next);
	tu_put8(f, 2);
	tu_put(f, padn, 4);
	tu_put8(f, 0xc9);
	tu_put8(f, 16);
	tu_put(f, home, 16);
}

/* Type 2 routing header (24 bytes), RFC 6275 6.4. */
static inline void tu_rt2(struct tu_frame *f, unsigned int next,
			  const uint8_t addr[16])
{
	static const uint8_t rsvd[4] = { 0 };

	tu_put8(f, next);
	tu_put8(f, 2);
	tu_put8(f, 2);
	tu_put8(f, 1);
	tu_put(f, rsvd, 4);
	tu_put(f, addr, 16);
}

/* Hop-by-hop options (8 bytes) holding one PadN. */
static inline void tu_hbh(struct tu_frame *f, unsigned int next)
{
	static const uint8_t padn[6] = { 1, 4, 0, 0, 0, 0 };

	tu_put8(f, next);
	tu_put8(f, 0);
	tu_put(f, padn, 6);
}

static inline void tu_pkt(struct vnet_pkt *pkt, struct iovec *iov,
			  const struct tu_frame *f)
{
	iov->iov_base = (void *)(uintptr_t)f->b;
	iov->iov_len = f->len;
	assert_int_equal(vnet_pkt_init(pkt, iov, 1), 0);
}

/* Parse with the defaults; the frame must parse. */
static inline void tu_parse(const struct tu_frame *f, struct vnet_pkt *pkt,
			    struct iovec *iov, struct vnet_parse_result *res)
{
	tu_pkt(pkt, iov, f);
	assert_int_equal(vnet_parse(pkt, NULL, res), 0);
}

/**
 * struct tu_ms_v4 - one row of Microsoft's IPv4 table (test data file)
 * @src:	source address
 * @dst:	destination address
 * @sport:	source port
 * @dport:	destination port
 * @h3:		hash over addresses
 * @h4:		hash over addresses and ports
 */
struct tu_ms_v4 {
	uint8_t src[4];
	uint8_t dst[4];
	uint16_t sport;
	uint16_t dport;
	uint32_t h3;
	uint32_t h4;
};

/* The five rows of tests/data/rss-toeplitz-ipv4.tsv. */
static const struct tu_ms_v4 tu_ms4[5] = {
	{ { 66, 9, 149, 187 }, { 161, 142, 100, 80 }, 2794, 1766,
	  0x323e8fc2, 0x51ccc178 },
	{ { 199, 92, 111, 2 }, { 65, 69, 140, 83 }, 14230, 4739,
	  0xd718262a, 0xc626b0ea },
	{ { 24, 19, 198, 95 }, { 12, 22, 207, 184 }, 12898, 38024,
	  0xd2d0a5de, 0x5c2b394a },
	{ { 38, 27, 205, 30 }, { 209, 142, 163, 6 }, 48228, 2217,
	  0x82989176, 0xafc7327f },
	{ { 153, 39, 163, 191 }, { 202, 188, 127, 2 }, 44251, 1303,
	  0x5d1809c5, 0x10e828a2 },
};

/**
 * struct tu_ms_v6 - one row of Microsoft's IPv6 table
 * @src:	source address
 * @dst:	destination address
 * @sport:	source port
 * @dport:	destination port
 * @h3:		hash over addresses
 * @h4:		hash over addresses and ports
 */
struct tu_ms_v6 {
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport;
	uint16_t dport;
	uint32_t h3;
	uint32_t h4;
};

/* The three rows of tests/data/rss-toeplitz-ipv6.tsv. */
static const struct tu_ms_v6 tu_ms6[3] = {
	{ { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff,
	    0, 0, 0, 0, 0, 0, 0, 0x07 },
	  { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03,
	    0, 0, 0, 0, 0, 0, 0, 0x01 }, 2794, 1766, 0x2cc18cd5, 0x40207d3d },
	{ { 0x3f, 0xfe, 0x05, 0x01, 0x00, 0x08, 0x00, 0x00,
	    0x02, 0x60, 0x97, 0xff, 0xfe, 0x40, 0xef, 0xab },
	  { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 },
	  14230, 4739, 0x0f0c461c, 0xdde51bbf },
	{ { 0x3f, 0xfe, 0x19, 0x00, 0x45, 0x45, 0x00, 0x03,
	    0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf },
	  { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
	    0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf },
	  44251, 38024, 0x4b61e985, 0x02d1feef },
};

#endif /* VNET_TEST_UTIL_H */
