// SPDX-License-Identifier: MIT
/* test_overlay.c - the overlay port: config, encap, translation, FDB, decap */

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "vnet/csum.h"
#include "vnet/csum_verify.h"
#include "vnet/overlay.h"
#include "vnet/parse.h"
#include "vnet/rss.h"
#include "vnet/tap.h"
#include "tx_frames.h"

#define FRAME_MAX	(70 * 1024)
#define CAP_MAX		16
#define SEC		1000000000ULL

static const uint8_t gw[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

/* Frames the port wrote, each flattened. */
struct cap {
	unsigned int n;
	struct vnet_hdr hdr[CAP_MAX];
	size_t len[CAP_MAX];
	uint8_t buf[CAP_MAX][FRAME_MAX];
};

static struct cap *cap;

static int cap_send(void *opaque, const struct vnet_hdr *h,
		    const struct iovec *iov, unsigned int iovcnt)
{
	struct cap *c = opaque;
	size_t off = 0;
	unsigned int i;

	assert_true(c->n < CAP_MAX);
	for (i = 0; i < iovcnt; i++) {
		assert_true(off + iov[i].iov_len <= FRAME_MAX);
		memcpy(c->buf[c->n] + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	c->hdr[c->n] = *h;
	c->len[c->n++] = off;
	return 0;
}

static struct vnet_features guest_features(void)
{
	static const unsigned int bits[] = {
		VNET_F_VERSION_1, VNET_F_CSUM, VNET_F_HOST_TSO4,
		VNET_F_HOST_TSO6, VNET_F_HOST_ECN, VNET_F_HOST_UFO,
		VNET_F_HOST_USO, VNET_F_HOST_UDP_TUNNEL_GSO,
	};
	struct vnet_features f = { { 0, 0 } };
	size_t i;

	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		vnet_features_set(&f, bits[i]);
	return f;
}

static void cfg_make(struct vnet_overlay_config *cfg,
		     enum vnet_overlay_type type, bool v6, const char *extra)
{
	char spec[512];
	char err[128] = "";

	vnet_overlay_config_init(cfg, type);
	snprintf(spec, sizeof(spec), "%s%s%s",
		 v6 ? "vni=4660,local=2001:db8:1::2,remote=2001:db8:2::2" :
		      "vni=4660,local=192.0.2.2,remote=198.51.100.2",
		 *extra ? "," : "", extra);
	assert_int_equal(vnet_overlay_config_parse(cfg, spec, err,
						   sizeof(err)), 0);
	memcpy(cfg->gw_mac, gw, 6);
}

static void port_make(struct vnet_overlay *o, enum vnet_overlay_type type,
		      bool v6, const char *extra, unsigned int underlay)
{
	struct vnet_overlay_config cfg;
	struct vnet_features g = guest_features();

	cfg_make(&cfg, type, v6, extra);
	assert_int_equal(vnet_overlay_init(o, &cfg, &g, underlay), 0);
	memset(cap, 0, offsetof(struct cap, buf));
}

#define TNL_GSO	(VNET_TUN_F_CSUM | VNET_TUN_F_UDP_TUNNEL_GSO | \
		 VNET_TUN_F_UDP_TUNNEL_GSO_CSUM)

/* A guest TCP/IPv4 (or v6) frame, NEEDS_CSUM, with gso_type as given. */
static size_t guest_frame(uint8_t *p, bool v6, bool udp, size_t payload,
			  uint8_t gso, uint16_t mss, struct vnet_hdr *h,
			  struct tf_layout *lay, uint32_t seed)
{
	struct tf_spec s = { .v6 = v6, .udp = udp, .payload = payload,
			     .tcp_flags = 0x18, .seed = seed, .ip_id = 7 };

	return tf_build(&s, p, gso, mss, h, lay);
}

static void pkt1(struct vnet_pkt *pkt, struct iovec *iov, void *p, size_t len)
{
	iov->iov_base = p;
	iov->iov_len = len;
	assert_int_equal(vnet_pkt_init(pkt, iov, 1), 0);
}

/* Every checksum of a written frame holds (complete frames only). */
static void assert_wire_ok(const uint8_t *p, size_t len, uint16_t port)
{
	struct vnet_parse_config pc;
	struct vnet_parse_result res;
	struct vnet_csum_report rep;
	struct vnet_pkt pkt;
	struct iovec iov;

	vnet_parse_config_init(&pc);
	assert_true(port == 4789 || port == 6081);	/* the defaults */
	pkt1(&pkt, &iov, (void *)p, len);
	assert_int_equal(vnet_parse(&pkt, &pc, &res), 0);
	assert_int_equal(vnet_csum_verify(&pkt, &res, &rep), 0);
	assert_true(rep.outer.ip == VNET_CSUM_OK ||
		    rep.outer.ip == VNET_CSUM_ABSENT);
	assert_true(rep.outer.l4 == VNET_CSUM_OK ||
		    rep.outer.l4 == VNET_CSUM_ABSENT);
	assert_int_equal(rep.inner.l4, VNET_CSUM_OK);
}

/* --- configuration --- */

static void test_config_parse(void **state)
{
	struct vnet_overlay_config c;
	char err[128];

	(void)state;
	vnet_overlay_config_init(&c, VNET_OVERLAY_VXLAN);
	assert_int_equal(vnet_overlay_config_parse(&c,
		"vni=42,local=192.0.2.2,remote=198.51.100.2,remote=198.51.100.3,"
		"port=8472,ttl=9,tos=16,df=on,mac=02:00:00:00:00:07,"
		"gw-mac=02:00:00:00:00:08,mtu=9000,srcport=1000-2000,learn=off,"
		"fdb-max=8,fdb-age=5,seed=77", err, sizeof(err)), 0);
	assert_int_equal(c.vni, 42);
	assert_int_equal(c.nremotes, 2);
	assert_int_equal(c.local.family, AF_INET);
	assert_int_equal(c.remote[1].a[3], 3);
	assert_int_equal(c.dport, 8472);
	assert_int_equal(c.ttl, 9);
	assert_int_equal(c.tos, 16);
	assert_true(c.df);
	assert_false(c.udp_csum);		/* IPv4 default */
	assert_int_equal(c.mac[5], 7);
	assert_true(c.has_gw_mac);
	assert_int_equal(c.gw_mac[5], 8);
	assert_int_equal(c.sport_min, 1000);
	assert_int_equal(c.sport_max, 2000);
	assert_false(c.learn);
	assert_int_equal(c.fdb_max, 8);
	assert_int_equal(c.fdb_age_ns, 5 * SEC);
	assert_int_equal(c.hash_seed, 77);
	assert_int_equal(vnet_overlay_guest_mtu(&c), 9000 - 50);

	vnet_overlay_config_init(&c, VNET_OVERLAY_VXLAN);
	assert_int_equal(vnet_overlay_config_parse(&c,
		"vni=1,local=2001:db8::1,remote=2001:db8::2", err,
		sizeof(err)), 0);
	assert_true(c.udp_csum);		/* IPv6 default, as Linux */
	assert_false(c.zero_csum6_rx);
	assert_int_equal(c.dport, 4789);
	assert_int_equal(vnet_overlay_guest_mtu(&c), 1430);
	assert_int_equal(vnet_overlay_encap_len(&c), 14 + 40 + 8 + 8);
}

static void test_config_geneve_opts(void **state)
{
	static const uint8_t want[] = {
		0x01, 0x02, 0x03, 0x01, 0xde, 0xad, 0xbe, 0xef,	/* 4 bytes */
		0xff, 0xff, 0x80, 0x02, 0x01, 0x02, 0x03, 0x04,	/* 5 bytes: */
		0x05, 0x00, 0x00, 0x00,				/* padded */
		0x00, 0x10, 0x7f, 0x00,				/* no data */
	};
	struct vnet_overlay_config c;
	char err[128];

	(void)state;
	vnet_overlay_config_init(&c, VNET_OVERLAY_GENEVE);
	assert_int_equal(c.dport, 6081);
	assert_int_equal(vnet_overlay_config_parse(&c,
		"vni=7,local=192.0.2.2,remote=198.51.100.2,opt=0102:03:deadbeef,"
		"opt=ffff:80:0102030405,opt=10:7f", err, sizeof(err)), 0);
	assert_int_equal(c.geneve_opt_len, sizeof(want));
	assert_memory_equal(c.geneve_opts, want, sizeof(want));
	assert_int_equal(vnet_overlay_encap_len(&c), 14 + 20 + 8 + 8 + 24);
	assert_int_equal(vnet_overlay_guest_mtu(&c), 1500 - 20 - 8 - 8 - 24 - 14);
}

static void test_config_errors(void **state)
{
	static const struct {
		const char *spec;
		int err;
	} bad[] = {
		{ "vni=1,remote=198.51.100.2", -EINVAL },	/* no local */
		{ "vni=1,local=192.0.2.2", -EINVAL },		/* no remote */
		{ "vni=1,local=192.0.2.2,remote=2001:db8::2", -EINVAL },
		{ "vni=16777216,local=192.0.2.2,remote=198.51.100.2", -EINVAL },
		{ "vni=x,local=192.0.2.2,remote=198.51.100.2", -EINVAL },
		{ "vni=1,local=192.0.2.300,remote=198.51.100.2", -EINVAL },
		{ "vni=1,local=192.0.2.2,remote=198.51.100.2,bogus=1", -EINVAL },
		{ "vni=1,local=192.0.2.2,remote=198.51.100.2,port=0", -EINVAL },
		{ "vni=1,local=192.0.2.2,remote=198.51.100.2,port=65536", -EINVAL },
		{ "vni=1,local=192.0.2.2,remote=198.51.100.2,mtu=100", -EINVAL },
		{ "vni=1,local=192.0.2.2,remote=198.51.100.2,df=maybe", -EINVAL },
		{ "vni=1,local=192.0.2.2,remote=198.51.100.2,mac=01:00:00:00:00:01",
		  -EINVAL },				/* multicast */
		{ "vni=1,local=192.0.2.2,remote=198.51.100.2,srcport=9-3", -EINVAL },
		{ "vni=1,local=192.0.2.2,remote=198.51.100.2,opt=1:2", -EINVAL },
		{ "vni=1,local=192.0.2.2,remote=198.51.100.2,novalue", -EINVAL },
		{ "vni=1,local=192.0.2.2,remote=198.51.100.2,mac=02:00:00:00:00",
		  -EINVAL },
		{ "vni=1,local=192.0.2.2,remote=198.51.100.2,mac=02-00-00-00-00-01",
		  -EINVAL },
		{ "vni=1,local=192.0.2.2,remote=198.51.100.2,srcport=1000-",
		  -EINVAL },
		{ "vni=1,local=192.0.2.2,remote=198.51.100.2,srcport=0-10",
		  -EINVAL },
		{ "vni=1,local=192.0.2.2,remote=198.51.100.2,seed=-1", -EINVAL },
		{ "", -EINVAL },
	};
	struct vnet_overlay_config c;
	char err[128], spec[1024];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vnet_overlay_config_init(&c, VNET_OVERLAY_VXLAN);
		err[0] = '\0';
		assert_int_equal(vnet_overlay_config_parse(&c, bad[i].spec, err,
							   sizeof(err)),
				 bad[i].err);
		assert_true(err[0] != '\0');
	}
	static const char *const bad_opts[] = {
		"opt=zz:1", "opt=1:2:abc", "opt=10000:1", "opt=1:100",
		"opt=1", "opt=1:2:xx", "opt=1:2:",
	};

	for (i = 0; i < sizeof(bad_opts) / sizeof(bad_opts[0]); i++) {
		snprintf(spec, sizeof(spec), "vni=1,local=192.0.2.2,"
			 "remote=198.51.100.2,%s", bad_opts[i]);
		vnet_overlay_config_init(&c, VNET_OVERLAY_GENEVE);
		assert_int_equal(vnet_overlay_config_parse(&c, spec, err,
							   sizeof(err)),
				 -EINVAL);
	}
	/* upper-case MAC and hex are fine */
	vnet_overlay_config_init(&c, VNET_OVERLAY_GENEVE);
	assert_int_equal(vnet_overlay_config_parse(&c, "vni=1,local=192.0.2.2,"
		"remote=198.51.100.2,mac=02:AB:CD:EF:00:01,opt=ABCD:1:FF",
		err, sizeof(err)), 0);
	assert_int_equal(c.mac[1], 0xab);
	assert_int_equal(c.geneve_opts[0], 0xab);
	assert_int_equal(c.geneve_opts[4], 0xff);
	/* 17 remotes: one too many */
	n = snprintf(spec, sizeof(spec), "vni=1,local=192.0.2.2");
	for (i = 0; i < 17; i++)
		n += snprintf(spec + n, sizeof(spec) - (size_t)n,
			      ",remote=198.51.100.%zu", i + 1);
	vnet_overlay_config_init(&c, VNET_OVERLAY_VXLAN);
	assert_int_equal(vnet_overlay_config_parse(&c, spec, err, sizeof(err)),
			 -E2BIG);
	/* Geneve options past 252 bytes */
	n = snprintf(spec, sizeof(spec), "vni=1,local=192.0.2.2,remote=1.2.3.4");
	for (i = 0; i < 3; i++)
		n += snprintf(spec + n, sizeof(spec) - (size_t)n, ",opt=1:1:%0248d",
			      0);
	vnet_overlay_config_init(&c, VNET_OVERLAY_GENEVE);
	assert_int_equal(vnet_overlay_config_parse(&c, spec, err, sizeof(err)),
			 -E2BIG);
}

/* --- encapsulation, field by field --- */

static void check_outer_v4(const uint8_t *p, size_t frame_len, size_t tnl_len,
			   const struct vnet_overlay_config *c, uint16_t id)
{
	size_t udp_len = 8 + tnl_len + frame_len;

	assert_memory_equal(p, gw, 6);
	assert_memory_equal(p + 6, c->mac, 6);
	assert_int_equal(tf_get16(p + 12), 0x0800);
	assert_int_equal(p[14], 0x45);
	assert_int_equal(p[15], c->tos);
	assert_int_equal(tf_get16(p + 16), 20 + udp_len);
	assert_int_equal(tf_get16(p + 18), id);
	assert_int_equal(tf_get16(p + 20), c->df ? 0x4000 : 0);
	assert_int_equal(p[22], c->ttl);
	assert_int_equal(p[23], 17);
	assert_int_equal(tf_fold(tf_sum(p + 14, 20, 0)), 0xffff);
	assert_memory_equal(p + 26, c->local.a, 4);
	assert_memory_equal(p + 30, c->remote[0].a, 4);
	assert_int_equal(tf_get16(p + 36), c->dport);
	assert_int_equal(tf_get16(p + 38), udp_len);
}

static void test_encap_vxlan_v4(void **state)
{
	static uint8_t f[FRAME_MAX];
	struct vnet_overlay o;
	struct vnet_overlay_encap e;
	struct vnet_parse_result res;
	struct tf_layout lay;
	struct vnet_hdr h;
	struct vnet_pkt pkt;
	struct iovec iov;
	size_t len = guest_frame(f, false, false, 1000, 0, 0, &h, &lay, 1);
	uint16_t sport;

	(void)state;
	port_make(&o, VNET_OVERLAY_VXLAN, false, "df=on,ttl=33,tos=8,seed=5",
		  TNL_GSO);
	pkt1(&pkt, &iov, f, len);
	assert_int_equal(vnet_tx_parse(&h, &pkt, &res), 0);
	assert_int_equal(vnet_overlay_encap(&o, &h, &pkt, &res,
					    &o.cfg.remote[0], &e), 0);
	assert_int_equal(e.len, 50);
	check_outer_v4(e.buf, len, 8, &o.cfg, 5);
	sport = tf_get16(e.buf + 34);
	assert_int_equal(sport, vnet_overlay_sport(&o.cfg, &pkt, &res));
	assert_true(sport >= 32768 && sport <= 60999);
	assert_int_equal(tf_get16(e.buf + 40), 0);	/* no csum over v4 */
	assert_int_equal(e.buf[42], 0x08);		/* I flag */
	assert_int_equal(e.buf[43] | e.buf[44] | e.buf[45] | e.buf[49], 0);
	assert_int_equal(e.buf[46] << 16 | e.buf[47] << 8 | e.buf[48], 4660);
	/* csum-only: NEEDS_CSUM shifted by the encapsulation */
	assert_int_equal(e.hdr.flags, VNET_HDR_F_NEEDS_CSUM);
	assert_int_equal(e.hdr.gso_type, VNET_HDR_GSO_NONE);
	assert_int_equal(e.hdr.csum_start, lay.l4 + 50);
	assert_int_equal(e.hdr.csum_offset, 16);
	assert_int_equal(o.ip_id, 6);			/* one ID used */
	vnet_overlay_fini(&o);
}

/* Geneve over IPv6 with options: every field, and the outer checksum the
 * port computes from the inner pseudo-header holds once the inner one is
 * completed (local checksum offload). */
static void test_encap_geneve_v6(void **state)
{
	static uint8_t f[FRAME_MAX], w[FRAME_MAX];
	struct vnet_overlay o;
	struct vnet_overlay_encap e;
	struct vnet_parse_result res;
	struct tf_layout lay;
	struct vnet_hdr h;
	struct vnet_pkt pkt, wp;
	struct iovec iov, wiov;
	size_t len = guest_frame(f, true, true, 777, 0, 0, &h, &lay, 2), el;
	const uint8_t *ip = e.buf + 14, *uh = e.buf + 54, *g = e.buf + 62;

	(void)state;
	port_make(&o, VNET_OVERLAY_GENEVE, true,
		  "opt=0102:83:0a0b0c0d,ttl=7,tos=0xb8", TNL_GSO);
	pkt1(&pkt, &iov, f, len);
	assert_int_equal(vnet_tx_parse(&h, &pkt, &res), 0);
	assert_int_equal(vnet_overlay_encap(&o, &h, &pkt, &res,
					    &o.cfg.remote[0], &e), 0);
	el = e.len;
	assert_int_equal(el, 14 + 40 + 8 + 8 + 8);
	assert_int_equal(tf_get16(e.buf + 12), 0x86dd);
	assert_int_equal(ip[0], 0x6b);			/* version, TC 0xb8 */
	assert_int_equal(ip[1], 0x80);
	assert_int_equal(tf_get16(ip + 4), 8 + 16 + len);
	assert_int_equal(ip[6], 17);
	assert_int_equal(ip[7], 7);
	assert_memory_equal(ip + 8, o.cfg.local.a, 16);
	assert_memory_equal(ip + 24, o.cfg.remote[0].a, 16);
	assert_int_equal(tf_get16(uh + 2), 6081);
	assert_int_equal(tf_get16(uh + 4), 8 + 16 + len);
	assert_int_equal(g[0], 2);			/* ver 0, 2 words */
	assert_int_equal(g[1], 0x40);			/* C: critical opt */
	assert_int_equal(tf_get16(g + 2), 0x6558);
	assert_int_equal(g[4] << 16 | g[5] << 8 | g[6], 4660);
	assert_int_equal(g[7], 0);
	assert_int_equal(g[8], 0x01);
	assert_int_equal(g[10], 0x83);
	assert_int_equal(g[11], 1);
	assert_int_equal(g[15], 0x0d);
	assert_int_equal(e.hdr.csum_start, lay.l4 + el);
	/* complete the inner checksum as the underlay would, then check all */
	memcpy(w, e.buf, el);
	memcpy(w + el, f, len);
	pkt1(&wp, &wiov, w, el + len);
	wp.writable = true;
	assert_int_equal(vnet_tx_csum_apply(&wp, e.hdr.csum_start,
					    e.hdr.csum_offset), 0);
	assert_int_not_equal(tf_get16(w + 54 + 6), 0);
	assert_wire_ok(w, el + len, 6081);
	vnet_overlay_fini(&o);
}

/* Without NEEDS_CSUM the outer checksum is summed over the whole frame. */
static void test_encap_v6_csum_complete(void **state)
{
	static uint8_t f[FRAME_MAX], w[FRAME_MAX];
	struct vnet_overlay o;
	struct tf_layout lay;
	struct vnet_hdr h;
	struct vnet_pkt pkt, tp;
	struct iovec iov, tiov;
	size_t len = guest_frame(f, false, false, 301, 0, 0, &h, &lay, 3);

	(void)state;
	pkt1(&tp, &tiov, f, len);
	tp.writable = true;
	assert_int_equal(vnet_tx_csum_apply(&tp, h.csum_start, h.csum_offset), 0);
	memset(&h, 0, sizeof(h));
	port_make(&o, VNET_OVERLAY_VXLAN, true, "", 0);
	pkt1(&pkt, &iov, f, len);
	assert_int_equal(vnet_overlay_xmit(&o, &h, &pkt, 0, cap_send, cap), 1);
	assert_int_equal(cap->n, 1);
	assert_int_equal(cap->hdr[0].flags, 0);
	memcpy(w, cap->buf[0], cap->len[0]);
	assert_wire_ok(w, cap->len[0], 4789);
	assert_int_equal(o.stats.tx_super, 0);
	vnet_overlay_fini(&o);
}

/* --- the guest's offloads as tunnel offloads --- */

static void test_translate_tso_uso(void **state)
{
	static uint8_t f[FRAME_MAX];
	static const struct {
		bool v6, udp, outer_v6;
		uint8_t gso;
	} cases[] = {
		{ false, false, false, VNET_HDR_GSO_TCPV4 },
		{ true, false, false, VNET_HDR_GSO_TCPV6 },
		{ false, false, true, VNET_HDR_GSO_TCPV4 | VNET_HDR_GSO_ECN },
		{ false, true, false, VNET_HDR_GSO_UDP_L4 },
		{ true, true, true, VNET_HDR_GSO_UDP_L4 },
	};
	struct vnet_overlay o;
	struct vnet_overlay_encap e;
	struct vnet_parse_result res;
	struct tf_layout lay;
	struct vnet_hdr h;
	struct vnet_pkt pkt;
	struct iovec iov;
	size_t i, len, el;
	uint8_t tnl;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = guest_frame(f, cases[i].v6, cases[i].udp, 5000,
				  cases[i].gso, 1400, &h, &lay, 4);
		port_make(&o, VNET_OVERLAY_VXLAN, cases[i].outer_v6, "",
			  TNL_GSO);
		el = cases[i].outer_v6 ? 70 : 50;
		tnl = cases[i].outer_v6 ? VNET_HDR_GSO_UDP_TUNNEL_IPV6 :
					  VNET_HDR_GSO_UDP_TUNNEL_IPV4;
		pkt1(&pkt, &iov, f, len);
		assert_int_equal(vnet_tx_parse(&h, &pkt, &res), 0);
		assert_int_equal(vnet_overlay_encap(&o, &h, &pkt, &res,
						    &o.cfg.remote[0], &e), 0);
		assert_int_equal(e.hdr.gso_type, cases[i].gso | tnl);
		assert_int_equal(e.hdr.gso_size, 1400);
		assert_int_equal(e.hdr.csum_start, lay.l4 + el);
		assert_int_equal(e.hdr.csum_offset, cases[i].udp ? 6 : 16);
		assert_int_equal(e.hdr.hdr_len, lay.pay + el);
		assert_int_equal(e.hdr.outer_th_offset, el - 16);
		assert_int_equal(e.hdr.inner_nh_offset, el + 14);
		/* outer checksum: over IPv6 by default, as the folded
		 * pseudo-header sum the underlay's GSO completes */
		if (cases[i].outer_v6) {
			uint32_t ps = tf_pseudo(e.buf + 14, true, 17,
						(uint32_t)(len + 16));

			assert_int_equal(e.hdr.flags, VNET_HDR_F_NEEDS_CSUM |
					 VNET_HDR_F_UDP_TUNNEL_CSUM);
			assert_int_equal(tf_get16(e.buf + el - 16 + 6),
					 tf_fold(ps));
		} else {
			assert_int_equal(e.hdr.flags, VNET_HDR_F_NEEDS_CSUM);
			assert_int_equal(tf_get16(e.buf + el - 16 + 6), 0);
		}
		/* four segments use four outer IPv4 IDs */
		assert_int_equal(o.ip_id, 4);
		vnet_overlay_fini(&o);
	}
}

/* A TSO super-frame: one write with tunnel GSO, else segments that are
 * each a complete, correct VXLAN frame. */
static void test_xmit_super_or_segments(void **state)
{
	static uint8_t f[FRAME_MAX];
	struct vnet_overlay o;
	struct tf_layout lay;
	struct vnet_hdr h;
	struct vnet_pkt pkt;
	struct iovec iov;
	size_t len = guest_frame(f, false, false, 4000, VNET_HDR_GSO_TCPV4,
				 1400, &h, &lay, 5);
	unsigned int i;

	(void)state;
	pkt1(&pkt, &iov, f, len);
	port_make(&o, VNET_OVERLAY_VXLAN, false, "", TNL_GSO);
	assert_int_equal(vnet_overlay_xmit(&o, &h, &pkt, 0, cap_send, cap), 1);
	assert_int_equal(cap->n, 1);
	assert_int_equal(cap->len[0], len + 50);
	assert_int_equal(cap->hdr[0].gso_type, VNET_HDR_GSO_TCPV4 |
			 VNET_HDR_GSO_UDP_TUNNEL_IPV4);
	assert_int_equal(o.stats.tx_super, 1);
	assert_int_equal(o.stats.tx_flooded, 1);
	vnet_overlay_fini(&o);

	for (i = 0; i < 2; i++) {		/* IPv4, then IPv6 with csum */
		port_make(&o, VNET_OVERLAY_VXLAN, i, "", VNET_TUN_F_CSUM);
		assert_int_equal(vnet_overlay_xmit(&o, &h, &pkt, 0, cap_send,
						   cap), 3);
		assert_int_equal(o.stats.tx_super, 0);
		assert_int_equal(o.stats.tx_segmented, 1);
		assert_int_equal(o.stats.tx_segments, 3);
		for (unsigned int s = 0; s < 3; s++) {
			assert_int_equal(cap->hdr[s].gso_type, 0);
			assert_int_equal(cap->hdr[s].flags, 0);
			assert_wire_ok(cap->buf[s], cap->len[s], 4789);
		}
		assert_int_equal(cap->len[0], 50 + 54 + 1400 + (i ? 20 : 0));
		vnet_overlay_fini(&o);
	}
}

/* UFO cannot ride in a tunnel header: the port fragments first. A GSO
 * frame that fits one segment goes as a plain frame. */
static void test_xmit_ufo_and_small_gso(void **state)
{
	static uint8_t f[FRAME_MAX];
	struct vnet_overlay o;
	struct tf_layout lay;
	struct vnet_hdr h;
	struct vnet_pkt pkt;
	struct iovec iov;
	size_t len = guest_frame(f, false, true, 3000, VNET_HDR_GSO_UDP, 1480,
				 &h, &lay, 6);

	(void)state;
	pkt1(&pkt, &iov, f, len);
	port_make(&o, VNET_OVERLAY_VXLAN, false, "", TNL_GSO);
	assert_int_equal(vnet_overlay_xmit(&o, &h, &pkt, 0, cap_send, cap), 3);
	assert_int_equal(o.stats.tx_inner_gso, 1);
	assert_int_equal(cap->hdr[0].gso_type, 0);
	vnet_overlay_fini(&o);

	len = guest_frame(f, false, false, 1000, VNET_HDR_GSO_TCPV4, 1400, &h,
			  &lay, 7);
	pkt1(&pkt, &iov, f, len);
	port_make(&o, VNET_OVERLAY_VXLAN, true, "", TNL_GSO);
	assert_int_equal(vnet_overlay_xmit(&o, &h, &pkt, 0, cap_send, cap), 1);
	assert_int_equal(cap->hdr[0].gso_type, 0);
	assert_int_equal(cap->hdr[0].flags, VNET_HDR_F_NEEDS_CSUM);
	assert_int_equal(o.stats.tx_super, 0);
	vnet_overlay_fini(&o);
}

/* A guest's own tunnel GSO cannot nest in ours: segmented first, each
 * segment (a VXLAN frame of the guest's) then encapsulated. */
static void test_xmit_guest_tunnel(void **state)
{
	static uint8_t f[FRAME_MAX];
	struct tf_spec sp = { .payload = 3000, .tunnel = true, .seed = 13 };
	struct vnet_overlay o;
	struct tf_layout lay;
	struct vnet_hdr h;
	struct vnet_pkt pkt;
	struct iovec iov;
	size_t len = tf_build(&sp, f, VNET_HDR_GSO_TCPV4, 1000, &h, &lay);
	unsigned int i;

	(void)state;
	pkt1(&pkt, &iov, f, len);
	port_make(&o, VNET_OVERLAY_VXLAN, false, "", TNL_GSO);
	assert_int_equal(vnet_overlay_xmit(&o, &h, &pkt, 0, cap_send, cap), 3);
	assert_int_equal(o.stats.tx_inner_gso, 1);
	assert_int_equal(o.stats.tx_super, 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(cap->hdr[i].gso_type, 0);
		assert_int_equal(cap->len[i], 50 + lay.pay + 1000);
		/* the guest's VXLAN header sits after ours */
		assert_int_equal(tf_get16(cap->buf[i] + 50 + lay.ol4 + 2), 4789);
	}
	vnet_overlay_fini(&o);
}

/* Frames the guest may not send are counted drops. */
static void test_xmit_invalid(void **state)
{
	static uint8_t f[FRAME_MAX];
	struct vnet_overlay o;
	struct tf_layout lay;
	struct vnet_hdr h;
	struct vnet_pkt pkt;
	struct iovec iov;
	size_t len = guest_frame(f, false, false, 4000, VNET_HDR_GSO_TCPV4,
				 1400, &h, &lay, 8);

	(void)state;
	port_make(&o, VNET_OVERLAY_VXLAN, false, "", TNL_GSO);
	h.gso_size = 0;
	pkt1(&pkt, &iov, f, len);
	assert_int_equal(vnet_overlay_xmit(&o, &h, &pkt, 0, cap_send, cap),
			 -EINVAL);
	pkt1(&pkt, &iov, f, 10);
	memset(&h, 0, sizeof(h));
	assert_int_equal(vnet_overlay_xmit(&o, &h, &pkt, 0, cap_send, cap),
			 -EINVAL);
	assert_int_equal(o.stats.drop[VNET_OVERLAY_D_TX_INVALID], 1);
	assert_int_equal(o.stats.drop[VNET_OVERLAY_D_TX_SHORT], 1);
	assert_int_equal(o.stats.drops, 2);
	assert_int_equal(cap->n, 0);
	vnet_overlay_fini(&o);
}

/* --- source port entropy --- */

static void test_sport_entropy(void **state)
{
	static uint8_t f[FRAME_MAX];
	static uint8_t seen[65536];
	struct vnet_overlay_config c;
	struct vnet_parse_result res;
	struct tf_layout lay;
	struct vnet_hdr h;
	struct vnet_pkt pkt;
	struct iovec iov;
	unsigned int i, distinct = 0, lo = 0;
	size_t len;
	uint16_t p, first;

	(void)state;
	cfg_make(&c, VNET_OVERLAY_VXLAN, false, "");
	len = guest_frame(f, false, false, 100, 0, 0, &h, &lay, 9);
	pkt1(&pkt, &iov, f, len);
	assert_int_equal(vnet_tx_parse(&h, &pkt, &res), 0);
	first = vnet_overlay_sport(&c, &pkt, &res);
	for (i = 0; i < 10; i++) {		/* payload is not the flow */
		len = guest_frame(f, false, false, 100 + i, 0, 0, &h, &lay, i);
		pkt1(&pkt, &iov, f, len);
		assert_int_equal(vnet_tx_parse(&h, &pkt, &res), 0);
		assert_int_equal(vnet_overlay_sport(&c, &pkt, &res), first);
	}
	for (i = 0; i < 1024; i++) {		/* 1024 source ports */
		tf_put16(f + lay.l4, (uint16_t)(10000 + i));
		assert_int_equal(vnet_tx_parse(&h, &pkt, &res), 0);
		p = vnet_overlay_sport(&c, &pkt, &res);
		assert_true(p >= 32768 && p <= 60999);
		distinct += !seen[p];
		seen[p] = 1;
		lo += p < (32768 + 60999) / 2;
	}
	assert_true(distinct > 1000);		/* few collisions */
	assert_true(lo > 412 && lo < 612);	/* both halves used */
	c.hash_seed = 1;
	tf_put16(f + lay.l4, 33333);
	assert_int_equal(vnet_tx_parse(&h, &pkt, &res), 0);
	assert_int_not_equal(vnet_overlay_sport(&c, &pkt, &res), first);
}

/* --- forwarding table --- */

static void addr4(struct vnet_overlay_addr *a, uint8_t last)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->a[0] = 198; a->a[1] = 51; a->a[2] = 100; a->a[3] = last;
}

static void test_fdb(void **state)
{
	struct vnet_overlay_fdb fdb;
	struct vnet_overlay_addr r1, r2;
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const struct vnet_overlay_addr *got;
	unsigned int i;

	(void)state;
	addr4(&r1, 1);
	addr4(&r2, 2);
	assert_int_equal(vnet_overlay_fdb_init(&fdb, 0, SEC), -EINVAL);
	assert_int_equal(vnet_overlay_fdb_init(&fdb, 4, 10 * SEC), 0);
	assert_null(vnet_overlay_fdb_lookup(&fdb, mac, 0));
	assert_int_equal(vnet_overlay_fdb_learn(&fdb, mac, &r1, SEC), 1);
	assert_int_equal(vnet_overlay_fdb_learn(&fdb, mac, &r1, 2 * SEC), 0);
	got = vnet_overlay_fdb_lookup(&fdb, mac, 3 * SEC);
	assert_non_null(got);
	assert_true(vnet_overlay_addr_equal(got, &r1));
	assert_int_equal(vnet_overlay_fdb_learn(&fdb, mac, &r2, 3 * SEC), 1);
	assert_true(vnet_overlay_addr_equal(
		vnet_overlay_fdb_lookup(&fdb, mac, 3 * SEC), &r2));
	/* never learned, never found: broadcast, multicast, zero */
	assert_int_equal(vnet_overlay_fdb_learn(&fdb, bcast, &r1, SEC), 0);
	assert_null(vnet_overlay_fdb_lookup(&fdb, bcast, SEC));
	/* aging: gone 10 s after last seen */
	assert_null(vnet_overlay_fdb_lookup(&fdb, mac, 14 * SEC));
	assert_int_equal(vnet_overlay_fdb_age(&fdb, 14 * SEC), 1);
	assert_int_equal(fdb.count, 0);
	/* static entries neither move nor age */
	assert_int_equal(vnet_overlay_fdb_add_static(&fdb, mac, &r1), 0);
	assert_int_equal(vnet_overlay_fdb_learn(&fdb, mac, &r2, SEC), 0);
	assert_true(vnet_overlay_addr_equal(
		vnet_overlay_fdb_lookup(&fdb, mac, 1000 * SEC), &r1));
	assert_int_equal(vnet_overlay_fdb_add_static(&fdb, bcast, &r1), -EINVAL);
	/* bounded: the least recently seen learned entry makes room */
	for (i = 2; i <= 5; i++) {
		mac[5] = (uint8_t)i;
		assert_int_equal(vnet_overlay_fdb_learn(&fdb, mac, &r2,
							i * SEC), 1);
	}
	assert_int_equal(fdb.count, 4);
	assert_int_equal(fdb.evicted, 1);
	mac[5] = 2;
	assert_null(vnet_overlay_fdb_lookup(&fdb, mac, 6 * SEC));
	for (i = 3; i <= 5; i++) {
		mac[5] = (uint8_t)i;
		assert_non_null(vnet_overlay_fdb_lookup(&fdb, mac, 6 * SEC));
	}
	mac[5] = 1;
	assert_non_null(vnet_overlay_fdb_lookup(&fdb, mac, 6 * SEC));
	vnet_overlay_fdb_fini(&fdb);
}

/* Many entries: the table finds each, and removal keeps probe runs whole. */
static void test_fdb_many(void **state)
{
	struct vnet_overlay_fdb fdb;
	struct vnet_overlay_addr r;
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };
	unsigned int i;

	(void)state;
	addr4(&r, 9);
	assert_int_equal(vnet_overlay_fdb_init(&fdb, 1000, 100 * SEC), 0);
	for (i = 0; i < 1000; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		assert_int_equal(vnet_overlay_fdb_learn(&fdb, mac, &r,
				 (i % 2 ? 1 : 50) * SEC), 1);
	}
	assert_int_equal(vnet_overlay_fdb_age(&fdb, 110 * SEC), 500);
	for (i = 0; i < 1000; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		if (i % 2)
			assert_null(vnet_overlay_fdb_lookup(&fdb, mac, 110 * SEC));
		else
			assert_non_null(vnet_overlay_fdb_lookup(&fdb, mac,
								110 * SEC));
	}
	vnet_overlay_fdb_fini(&fdb);
}

/* Unknown destinations flood to every remote; a learned one goes to one. */
static void test_flood_and_learn(void **state)
{
	static uint8_t f[FRAME_MAX], u[FRAME_MAX];
	struct vnet_overlay o;
	struct vnet_overlay_rx rx;
	struct tf_layout lay;
	struct vnet_hdr h, none = { 0 };
	struct vnet_pkt pkt, up;
	struct iovec iov, uiov;
	size_t len = guest_frame(f, false, false, 200, 0, 0, &h, &lay, 10), ul;
	unsigned int i;

	(void)state;
	port_make(&o, VNET_OVERLAY_VXLAN, false,
		  "remote=198.51.100.3,remote=198.51.100.4", TNL_GSO);
	pkt1(&pkt, &iov, f, len);
	assert_int_equal(vnet_overlay_xmit(&o, &h, &pkt, SEC, cap_send, cap), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(cap->buf[i][33], i == 0 ? 2 : i + 2);
	assert_int_equal(o.stats.tx_flooded, 1);
	/* the peer (MAC 02:..:0b, the frame's destination) answers from
	 * remote 3: the reply, made by swapping MACs and addresses of what
	 * we sent, teaches the port where it lives */
	ul = cap->len[1];
	memcpy(u, cap->buf[1], ul);
	memcpy(u + 26, cap->buf[1] + 30, 4);
	memcpy(u + 30, cap->buf[1] + 26, 4);
	memcpy(u + 50, cap->buf[1] + 56, 6);
	memcpy(u + 56, cap->buf[1] + 50, 6);
	pkt1(&up, &uiov, u, ul);
	assert_int_equal(vnet_overlay_decap(&o, &none, &up, 2 * SEC, &rx), 1);
	assert_int_equal(o.stats.learned, 1);
	cap->n = 0;
	assert_int_equal(vnet_overlay_xmit(&o, &h, &pkt, 3 * SEC, cap_send, cap),
			 1);
	assert_int_equal(cap->buf[0][33], 3);
	assert_int_equal(o.stats.tx_flooded, 1);
	vnet_overlay_fini(&o);
}

/* --- decapsulation --- */

/* Swap the outer addresses: what we sent becomes what a remote sends. */
static void reflect(uint8_t *p, bool v6)
{
	uint8_t t[16];
	size_t a = v6 ? 22 : 26, n = v6 ? 16 : 4;

	memcpy(t, p + a, n);
	memcpy(p + a, p + a + n, n);
	memcpy(p + a + n, t, n);
}

/* An underlay frame with every checksum complete, addressed to us. */
static size_t underlay_frame(struct vnet_overlay *o, uint8_t *u, bool v6,
			     uint8_t *f, size_t *flen)
{
	struct tf_layout lay;
	struct vnet_hdr h;
	struct vnet_pkt pkt;
	struct iovec iov;

	*flen = guest_frame(f, false, false, 500, 0, 0, &h, &lay, 11);
	pkt1(&pkt, &iov, f, *flen);
	pkt.writable = true;
	assert_int_equal(vnet_tx_csum_apply(&pkt, h.csum_start,
					    h.csum_offset), 0);
	memset(&h, 0, sizeof(h));
	cap->n = 0;
	assert_int_equal(vnet_overlay_xmit(o, &h, &pkt, 0, cap_send, cap), 1);
	memcpy(u, cap->buf[0], cap->len[0]);
	reflect(u, v6);
	return cap->len[0];
}

static int decap(struct vnet_overlay *o, uint8_t *u, size_t len,
		 struct vnet_overlay_rx *rx)
{
	struct vnet_hdr none = { 0 };
	struct vnet_pkt pkt;
	struct iovec iov;

	pkt1(&pkt, &iov, u, len);
	return vnet_overlay_decap(o, &none, &pkt, SEC, rx);
}

static void test_decap_vxlan(void **state)
{
	static uint8_t u[FRAME_MAX], f[FRAME_MAX], v[FRAME_MAX];
	struct vnet_overlay o;
	struct vnet_overlay_rx rx;
	size_t flen, ul;

	(void)state;
	port_make(&o, VNET_OVERLAY_VXLAN, false, "", TNL_GSO);
	ul = underlay_frame(&o, u, false, f, &flen);
	assert_int_equal(decap(&o, u, ul, &rx), 1);
	assert_int_equal(rx.frame.pkt.len, flen);
	assert_int_equal(vnet_pkt_read(&rx.frame.pkt, 0, v, flen), 0);
	assert_memory_equal(v, f, flen);
	assert_true(rx.frame.csum_ok);
	assert_int_equal(rx.frame.hdr.gso_type, 0);
	assert_int_equal(rx.frame.hdr.flags, 0);
	assert_int_equal(rx.remote.a[3], 2);
	assert_int_equal(o.stats.rx_inner, 1);
	assert_int_equal(o.stats.rx_csum_ok, 1);
	/* another VNI: a counted drop */
	u[48] ^= 1;
	assert_int_equal(decap(&o, u, ul, &rx), -EINVAL);
	assert_int_equal(o.stats.drop[VNET_OVERLAY_D_RX_VNI], 1);
	u[48] ^= 1;
	/* VXLAN without the I flag */
	u[42] = 0;
	assert_int_equal(decap(&o, u, ul, &rx), -EINVAL);
	assert_int_equal(o.stats.drop[VNET_OVERLAY_D_RX_TUNNEL], 1);
	u[42] = 0x08;
	/* another port, another address: not for us */
	tf_put16(u + 36, 4790);
	assert_int_equal(decap(&o, u, ul, &rx), 0);
	tf_put16(u + 36, 4789);
	u[33] ^= 1;
	assert_int_equal(decap(&o, u, ul, &rx), 0);
	u[33] ^= 1;
	assert_int_equal(o.stats.rx_other, 2);
	/* an inner frame with a bad checksum is handed on, not marked valid */
	u[ul - 1] ^= 0x55;
	assert_int_equal(decap(&o, u, ul, &rx), 1);
	assert_false(rx.frame.csum_ok);
	assert_int_equal(o.stats.drops, 2);
	vnet_overlay_fini(&o);
}

/* A frame cut anywhere never yields an inner frame; once the outer IP
 * header is whole (to our address) it is a counted drop. Then the tunnel
 * header and inner frame cut with every length field consistent. */
static void test_decap_truncated(void **state)
{
	static uint8_t u[FRAME_MAX], f[FRAME_MAX];
	struct vnet_overlay o;
	struct vnet_overlay_rx rx;
	size_t flen, ul, cut, k;
	uint64_t drops;

	(void)state;
	port_make(&o, VNET_OVERLAY_VXLAN, false, "", TNL_GSO);
	ul = underlay_frame(&o, u, false, f, &flen);
	for (cut = 0; cut < ul; cut++) {
		uint64_t other = o.stats.rx_other;

		drops = o.stats.drops;
		assert_true(decap(&o, u, cut, &rx) <= 0);
		assert_int_equal(o.stats.drops + o.stats.rx_other,
				 drops + other + 1);
	}
	for (k = 0; k < 8 + 14; k++) {		/* UDP payload of k bytes */
		tf_put16(u + 16, (uint16_t)(20 + 8 + k));
		tf_put16(u + 24, 0);
		tf_put16(u + 24, (uint16_t)~tf_fold(tf_sum(u + 14, 20, 0)));
		tf_put16(u + 38, (uint16_t)(8 + k));
		drops = o.stats.drops;
		assert_int_equal(decap(&o, u, 42 + k, &rx), -EINVAL);
		assert_int_equal(o.stats.drops, drops + 1);
	}
	assert_int_equal(o.stats.drop[VNET_OVERLAY_D_RX_TUNNEL], 8);
	assert_int_equal(o.stats.drop[VNET_OVERLAY_D_RX_INNER], 14);
	assert_int_equal(o.stats.rx_inner, 0);
	vnet_overlay_fini(&o);
}

static void test_decap_geneve(void **state)
{
	static uint8_t u[FRAME_MAX], f[FRAME_MAX];
	struct vnet_overlay o;
	struct vnet_overlay_rx rx;
	size_t flen, ul, g = 42;

	(void)state;
	port_make(&o, VNET_OVERLAY_GENEVE, false, "opt=0102:03:01020304",
		  TNL_GSO);
	ul = underlay_frame(&o, u, false, f, &flen);
	assert_int_equal(ul, flen + 50 + 8);
	assert_int_equal(decap(&o, u, ul, &rx), 1);
	assert_int_equal(rx.frame.pkt.len, flen);
	assert_true(rx.frame.csum_ok);
	u[g] |= 0x40;				/* version 1 */
	assert_int_equal(decap(&o, u, ul, &rx), -EINVAL);
	assert_int_equal(o.stats.drop[VNET_OVERLAY_D_RX_GENEVE_VER], 1);
	u[g] &= 0x3f;
	u[g + 1] |= 0x40;			/* critical option */
	assert_int_equal(decap(&o, u, ul, &rx), -EINVAL);
	assert_int_equal(o.stats.drop[VNET_OVERLAY_D_RX_GENEVE_CRIT], 1);
	u[g + 1] &= (uint8_t)~0x40;
	tf_put16(u + g + 2, 0x0800);		/* IPv4, not Ethernet */
	assert_int_equal(decap(&o, u, ul, &rx), -EINVAL);
	assert_int_equal(o.stats.drop[VNET_OVERLAY_D_RX_PROTO], 1);
	tf_put16(u + g + 2, 0x6558);
	u[g] = 0x3f;				/* options past the datagram */
	assert_int_equal(decap(&o, u, ul, &rx), -EINVAL);
	assert_int_equal(o.stats.drop[VNET_OVERLAY_D_RX_TUNNEL], 1);
	vnet_overlay_fini(&o);
}

/* RFC 6935/6936: a zero UDP checksum over IPv6 only when configured; a
 * wrong one never. */
static void test_decap_zero_csum6(void **state)
{
	static uint8_t u[FRAME_MAX], f[FRAME_MAX];
	struct vnet_overlay o;
	struct vnet_overlay_rx rx;
	size_t flen, ul;

	(void)state;
	port_make(&o, VNET_OVERLAY_VXLAN, true, "csum=off", TNL_GSO);
	ul = underlay_frame(&o, u, true, f, &flen);
	assert_int_equal(tf_get16(u + 54 + 6), 0);
	assert_int_equal(decap(&o, u, ul, &rx), -EINVAL);
	assert_int_equal(o.stats.drop[VNET_OVERLAY_D_RX_ZERO_CSUM6], 1);
	vnet_overlay_fini(&o);

	port_make(&o, VNET_OVERLAY_VXLAN, true, "csum=off,zerocsum6rx=on",
		  TNL_GSO);
	assert_int_equal(decap(&o, u, ul, &rx), 1);
	assert_true(rx.frame.csum_ok);
	vnet_overlay_fini(&o);

	port_make(&o, VNET_OVERLAY_VXLAN, true, "", TNL_GSO);
	ul = underlay_frame(&o, u, true, f, &flen);
	assert_int_not_equal(tf_get16(u + 54 + 6), 0);
	assert_int_equal(decap(&o, u, ul, &rx), 1);
	u[ul - 3] ^= 0x10;			/* inner and outer now wrong */
	assert_int_equal(decap(&o, u, ul, &rx), -EINVAL);
	assert_int_equal(o.stats.drop[VNET_OVERLAY_D_RX_CSUM], 1);
	vnet_overlay_fini(&o);
}

/* A tunnel super-frame from the tap becomes an inner super-frame. */
static void test_decap_super(void **state)
{
	static uint8_t f[FRAME_MAX], u[FRAME_MAX];
	struct vnet_overlay o;
	struct vnet_overlay_rx rx;
	struct tf_layout lay;
	struct vnet_hdr h, uh;
	struct vnet_pkt pkt;
	struct iovec iov;
	size_t len = guest_frame(f, true, false, 6000, VNET_HDR_GSO_TCPV6,
				 1300, &h, &lay, 12), ul;

	(void)state;
	port_make(&o, VNET_OVERLAY_VXLAN, false, "", TNL_GSO);
	pkt1(&pkt, &iov, f, len);
	assert_int_equal(vnet_overlay_xmit(&o, &h, &pkt, 0, cap_send, cap), 1);
	ul = cap->len[0];
	memcpy(u, cap->buf[0], ul);
	uh = cap->hdr[0];
	reflect(u, false);
	pkt1(&pkt, &iov, u, ul);
	assert_int_equal(vnet_overlay_decap(&o, &uh, &pkt, SEC, &rx), 1);
	assert_int_equal(rx.frame.hdr.gso_type, VNET_HDR_GSO_TCPV6);
	assert_int_equal(rx.frame.hdr.gso_size, 1300);
	assert_int_equal(rx.frame.hdr.flags, VNET_HDR_F_NEEDS_CSUM);
	assert_int_equal(rx.frame.hdr.csum_start, lay.l4);
	assert_int_equal(rx.frame.hdr.csum_offset, 16);
	assert_int_equal(rx.frame.hdr.hdr_len, lay.pay);
	assert_int_equal(rx.frame.hdr.outer_th_offset, 0);
	assert_int_equal(rx.frame.pkt.len, len);
	assert_int_equal(o.stats.rx_super, 1);
	/* a header naming the other outer family is refused */
	uh.gso_type = VNET_HDR_GSO_TCPV6 | VNET_HDR_GSO_UDP_TUNNEL_IPV6;
	assert_int_equal(vnet_overlay_decap(&o, &uh, &pkt, SEC, &rx), -EINVAL);
	assert_int_equal(o.stats.drop[VNET_OVERLAY_D_RX_GSO], 1);
	vnet_overlay_fini(&o);
}

/* --- ARP and neighbour solicitation for the local address --- */

static void test_neigh_arp(void **state)
{
	static const uint8_t host[6] = { 0x02, 0xaa, 0, 0, 0, 1 };
	uint8_t f[60] = { 0 }, out[VNET_OVERLAY_NEIGH_REPLY_MAX];
	struct vnet_overlay o;
	struct vnet_pkt pkt;
	struct iovec iov;
	int n;

	(void)state;
	port_make(&o, VNET_OVERLAY_VXLAN, false, "", TNL_GSO);
	memset(f, 0xff, 6);
	memcpy(f + 6, host, 6);
	tf_put16(f + 12, 0x0806);
	tf_put16(f + 14, 1);
	tf_put16(f + 16, 0x0800);
	f[18] = 6; f[19] = 4; f[21] = 1;	/* request */
	memcpy(f + 22, host, 6);
	f[28] = 192; f[29] = 0; f[30] = 2; f[31] = 1;
	f[38] = 192; f[39] = 0; f[40] = 2; f[41] = 2;	/* who has local */
	pkt1(&pkt, &iov, f, sizeof(f));
	assert_int_equal(vnet_overlay_neigh_reply(&o, &pkt, out, 10), -ENOSPC);
	n = vnet_overlay_neigh_reply(&o, &pkt, out, sizeof(out));
	assert_int_equal(n, 42);
	assert_memory_equal(out, host, 6);
	assert_memory_equal(out + 6, o.cfg.mac, 6);
	assert_int_equal(tf_get16(out + 12), 0x0806);
	assert_int_equal(tf_get16(out + 20), 2);		/* reply */
	assert_memory_equal(out + 22, o.cfg.mac, 6);
	assert_memory_equal(out + 28, o.cfg.local.a, 4);
	assert_memory_equal(out + 32, host, 6);
	assert_memory_equal(out + 38, f + 28, 4);
	f[41] = 3;					/* someone else */
	assert_int_equal(vnet_overlay_neigh_reply(&o, &pkt, out, sizeof(out)), 0);
	vnet_overlay_fini(&o);
}

static void test_neigh_ns(void **state)
{
	static const uint8_t host[6] = { 0x02, 0xaa, 0, 0, 0, 1 };
	uint8_t f[14 + 40 + 24] = { 0 }, out[VNET_OVERLAY_NEIGH_REPLY_MAX];
	uint8_t *ip = f + 14, *ns = f + 54;
	struct vnet_parse_result res;
	struct vnet_csum_report rep;
	struct vnet_overlay o;
	struct vnet_pkt pkt;
	struct iovec iov;
	uint16_t c;

	(void)state;
	port_make(&o, VNET_OVERLAY_VXLAN, true, "", TNL_GSO);
	memcpy(f + 6, host, 6);
	f[0] = 0x33; f[1] = 0x33;
	tf_put16(f + 12, 0x86dd);
	ip[0] = 0x60; ip[5] = 24; ip[6] = 58; ip[7] = 255;
	ip[8] = 0x20; ip[9] = 0x01; ip[10] = 0x0d; ip[11] = 0xb8;
	ip[13] = 1; ip[23] = 1;				/* 2001:db8:1::1 */
	ip[24] = 0xff; ip[25] = 0x02; ip[35] = 1; ip[36] = 0xff; ip[39] = 2;
	ns[0] = 135;
	memcpy(ns + 8, o.cfg.local.a, 16);
	c = vnet_csum_finish(vnet_csum_partial(ns, 24,
		vnet_csum_pseudo_ipv6(ip + 8, ip + 24, 58, 24)));
	memcpy(ns + 2, &c, 2);
	pkt1(&pkt, &iov, f, sizeof(f));
	assert_int_equal(vnet_overlay_neigh_reply(&o, &pkt, out, sizeof(out)),
			 14 + 40 + 32);
	assert_memory_equal(out, host, 6);
	assert_int_equal(out[14 + 7], 255);
	assert_memory_equal(out + 14 + 8, o.cfg.local.a, 16);
	assert_memory_equal(out + 14 + 24, ip + 8, 16);
	assert_int_equal(out[54], 136);
	assert_int_equal(out[58], 0x60);		/* S, O */
	assert_memory_equal(out + 62, o.cfg.local.a, 16);
	assert_int_equal(out[78], 2);
	assert_memory_equal(out + 80, o.cfg.mac, 6);
	pkt1(&pkt, &iov, out, 14 + 40 + 32);
	assert_int_equal(vnet_parse(&pkt, NULL, &res), 0);
	assert_int_equal(vnet_csum_verify(&pkt, &res, &rep), 0);
	assert_int_equal(rep.outer.l4, VNET_CSUM_OK);
	/* hop limit not 255: refused (RFC 4861 7.1.1); from ::, DAD: left */
	pkt1(&pkt, &iov, f, sizeof(f));
	ip[7] = 64;
	assert_int_equal(vnet_overlay_neigh_reply(&o, &pkt, out, sizeof(out)), 0);
	ip[7] = 255;
	memset(ip + 8, 0, 16);
	assert_int_equal(vnet_overlay_neigh_reply(&o, &pkt, out, sizeof(out)), 0);
	vnet_overlay_fini(&o);
}

/* The inner RSS hash: the decapsulated frame hashes as the device's inner
 * header hash of the whole underlay frame does. */
static void test_decap_inner_rss(void **state)
{
	static uint8_t u[FRAME_MAX], f[FRAME_MAX];
	static struct vnet_toeplitz tz;
	static const uint8_t key[40] = {
		0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
		0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
		0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
		0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
	};
	struct vnet_parse_result ru, ri;
	struct vnet_rss_hash hu, hi;
	struct vnet_overlay o;
	struct vnet_overlay_rx rx;
	struct vnet_pkt up;
	struct iovec uiov;
	size_t flen, ul;

	(void)state;
	vnet_toeplitz_init(&tz, key, sizeof(key));
	port_make(&o, VNET_OVERLAY_VXLAN, false, "", TNL_GSO);
	ul = underlay_frame(&o, u, false, f, &flen);
	assert_int_equal(decap(&o, u, ul, &rx), 1);
	pkt1(&up, &uiov, u, ul);
	assert_int_equal(vnet_parse(&up, NULL, &ru), 0);
	assert_int_equal(vnet_parse(&rx.frame.pkt, NULL, &ri), 0);
	assert_true(vnet_rss_hash(&tz, VNET_HASH_TYPE_ALL,
				  VNET_HASH_TUNNEL_VXLAN, &up, &ru, &hu));
	assert_true(vnet_rss_hash(&tz, VNET_HASH_TYPE_ALL, 0, &rx.frame.pkt,
				  &ri, &hi));
	assert_int_equal(hu.report, VNET_HASH_REPORT_TCPV4);
	assert_int_equal(hi.report, hu.report);
	assert_int_equal(hi.value, hu.value);
	vnet_overlay_fini(&o);
}

static int setup(void **state)
{
	(void)state;
	cap = calloc(1, sizeof(*cap));
	return cap ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(cap);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_parse),
		cmocka_unit_test(test_config_geneve_opts),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_encap_vxlan_v4),
		cmocka_unit_test(test_encap_geneve_v6),
		cmocka_unit_test(test_encap_v6_csum_complete),
		cmocka_unit_test(test_translate_tso_uso),
		cmocka_unit_test(test_xmit_super_or_segments),
		cmocka_unit_test(test_xmit_ufo_and_small_gso),
		cmocka_unit_test(test_xmit_guest_tunnel),
		cmocka_unit_test(test_xmit_invalid),
		cmocka_unit_test(test_sport_entropy),
		cmocka_unit_test(test_fdb),
		cmocka_unit_test(test_fdb_many),
		cmocka_unit_test(test_flood_and_learn),
		cmocka_unit_test(test_decap_vxlan),
		cmocka_unit_test(test_decap_truncated),
		cmocka_unit_test(test_decap_geneve),
		cmocka_unit_test(test_decap_zero_csum6),
		cmocka_unit_test(test_decap_super),
		cmocka_unit_test(test_decap_inner_rss),
		cmocka_unit_test(test_neigh_arp),
		cmocka_unit_test(test_neigh_ns),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
