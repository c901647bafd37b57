// SPDX-License-Identifier: MIT
/* test_vnetd_features.c - the device features vnetd offers beyond the offloads, each through the test frontend against the real daemon */

/*
 * The real daemon (argv[1]) serves the test frontend (the driver) and a
 * tap in a network namespace this process makes for itself; frames come
 * from the host side of the tap through a packet socket. Each test
 * negotiates its feature, so each fails on a vnetd that does not offer it:
 *  - SPEED_DUPLEX: --speed and --duplex as the config space gives them;
 *  - NOTF_COAL, VQ_NOTF_COAL: the parameters set over the control queue
 *    decide how many used buffer notifications the driver gets (counted
 *    on its call eventfds), on transmit and receive, by packets and by
 *    time; VQ_GET reads back VQ_SET, re-enabling restores TX_SET's, a
 *    reset zeroes them;
 *  - HASH_TUNNEL: the reported hash of a VXLAN frame is its outer flow's,
 *    then (VXLAN enabled) its inner flow's, computed here without libvnet;
 *  - NOTIFICATION_DATA: every kick carries its data as the eventfd value;
 *    traffic both ways on split and packed rings, past a ring's wrap;
 *  - DEVICE_STATS: STATS_QUERY and STATS_GET against the traffic this
 *    test sent and received, the kicks it made and the notifications its
 *    eventfds counted.
 * GUEST_HDRLEN runs every transmit offload of test_vnetd_offloads.c.
 * Fails where a namespace cannot be made (never skips).
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vnet/hdr.h"
#include "vnet/vhost_user.h"
#include "vnetd_peer.h"
#include "vnetd_run.h"
#include "vu_front.h"

#define TAP		"vf0"
#define ETH_LEN		14
#define CTRL_MQ		4
#define CTRL_MQ_RSS	1
#define CTRL_COAL	6
#define COAL_TX_SET	0
#define COAL_RX_SET	1
#define COAL_VQ_SET	2
#define COAL_VQ_GET	3
#define CTRL_TUNNEL	7
#define CTRL_STATS	8
#define STATS_QUERY	0
#define STATS_GET	1
#define HASH_UDPV4	(1u << 2)	/* VIRTIO_NET_HASH_TYPE_UDPv4 */
#define REPORT_UDPV4	3		/* VIRTIO_NET_HASH_REPORT_UDPv4 */
#define TUNNEL_VXLAN	(1u << 4)	/* VIRTIO_NET_HASH_TUNNEL_TYPE_VXLAN */

static struct vnetd_run run;
static struct peer_inject host;
static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* --- the daemon -------------------------------------------------------- */

/* vnetd on the tap with @extra (NULL-terminated); the tap up, addressed. */
static void vnetd_start(const char *const *extra)
{
	const char *args[24] = { "--tap", TAP, "--tap-transient" };
	int n = 3, i;

	for (i = 0; extra && extra[i] && n < 23; i++)
		args[n++] = extra[i];
	assert_true(run_start(&run, args));
	assert_int_equal(sh("ip link set " TAP " up && ip addr add "
				"192.0.2.1/24 dev " TAP " && ip neigh replace "
				"192.0.2.2 lladdr 52:54:00:12:34:56 dev " TAP), 0);
	assert_int_equal(peer_inject_open(&host, TAP), 0);
}

static void vnetd_stop(void)
{
	if (host.sock >= 0)
		close(host.sock);
	host.sock = -1;
	assert_true(run_stop(&run));
}

/* The driver: the control queue (with RSS and HASH_REPORT), @feats. */
static void frontend(struct vuf *f, const unsigned int *feats, size_t n,
		     bool packed, bool notif_data)
{
	struct vuf_opts o = { .mrg = true, .pairs = 1, .qsize = 256,
			      .rss = true, .packed = packed,
			      .notif_data = notif_data };
	size_t i;

	for (i = 0; i < n; i++)
		vnet_features_set(&o.offloads, feats[i]);
	memset(f, 0, sizeof(*f));
	/* -ENOTSUP: vnetd does not offer one of them */
	assert_int_equal(vuf_start(f, run.sock, &o), 0);
	assert_int_equal(vuf_rx_fill(f, 0) >= 0, 1);
	usleep(100000);		/* the queues' first kicks are taken */
}

#define FEATS(...) (const unsigned int[]){ __VA_ARGS__ }, \
	sizeof((const unsigned int[]){ __VA_ARGS__ }) / sizeof(unsigned int)

/* --- frames and queues ------------------------------------------------- */

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A frame of @len bytes nobody answers: broadcast, a local EtherType. */
static size_t plain_frame(uint8_t *fr, size_t len, const uint8_t *src,
			  uint32_t seq)
{
	size_t i;

	memset(fr, 0xff, 6);
	memcpy(fr + 6, src, 6);
	fr[12] = 0x88;
	fr[13] = 0xb5;
	for (i = ETH_LEN; i < len; i++)
		fr[i] = (uint8_t)(seq * 7 + i);
	return len;
}

/* Every transmit buffer back from the device. */
static void tx_done(struct vuf *f)
{
	int i;

	for (i = 0; i < 20000 && vuf_outstanding(f, 1); i++) {
		vuf_reap_tx(f, 0);
		usleep(50);
	}
	assert_int_equal(vuf_outstanding(f, 1), 0);
}

/* One frame with header @hdr (NULL: zero), kicked, and back. */
static void tx_one(struct vuf *f, const uint8_t *hdr, const uint8_t *fr,
		   size_t len)
{
	assert_int_equal(vuf_tx_hdr(f, 0, hdr, fr, len), 0);
	tx_done(f);
}

/* Notifications the driver got on queue @idx since the last look. */
static uint64_t calls(struct vuf *f, unsigned int idx)
{
	uint64_t v = 0;

	if (read(f->q[idx].call, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

/* Wait up to @ms for a notification on @idx; the count. */
static uint64_t calls_wait(struct vuf *f, unsigned int idx, int ms)
{
	uint64_t v;
	int i;

	for (i = 0; i < ms; i++) {
		v = calls(f, idx);
		if (v)
			return v;
		usleep(1000);
	}
	return 0;
}

/* A frame from the host, received by the guest: its length, header in
 * @hdr; 0 after @ms. The kernel's own frames (none expected with IPv6
 * off) would be returned too. */
static int rx_one(struct vuf *f, uint8_t *hdr, uint8_t *buf, size_t room,
		  int ms)
{
	double end = now() + ms / 1000.0;
	int n;

	do {
		n = vuf_rx_hdr(f, 0, hdr, buf, room);
		assert_true(n >= 0);
		if (n > 0)
			return n;
		usleep(200);
	} while (now() < end);
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void st_le(uint8_t *p, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* --- SPEED_DUPLEX ------------------------------------------------------ */

/* conformance: NET-CFG-10 */
/* speed and duplex (config offsets 12 and 16) are --speed's and
 * --duplex's; without them unknown (0xffffffff, 0xff). duplex 1 is full,
 * 0 half, as Linux's driver and QEMU read them (DUPLEX_FULL, DUPLEX_HALF;
 * the 1.4 text swaps the two, a deviation the conformance list records). */
static void speed_duplex_run(const char *const *args, uint32_t speed,
			     uint8_t duplex)
{
	uint8_t cfg[5];
	struct vuf f;

	vnetd_start(args);
	frontend(&f, FEATS(VNET_F_SPEED_DUPLEX), false, false);
	assert_int_equal(vuf_get_config(&f, 12, cfg, sizeof(cfg)), 0);
	assert_int_equal(le32(cfg), speed);
	assert_int_equal(cfg[4], duplex);
	vuf_close(&f);
	vnetd_stop();
}

static void test_speed_duplex(void **state)
{
	const char *const full[] = { "--speed", "25000", "--duplex", "full",
				     NULL };
	const char *const half[] = { "--speed", "10", "--duplex", "half",
				     NULL };

	(void)state;
	speed_duplex_run(full, 25000, 0x01);
	speed_duplex_run(half, 10, 0x00);
	speed_duplex_run(NULL, 0xffffffffu, 0xff);
}

/* --- NOTF_COAL, VQ_NOTF_COAL ------------------------------------------- */

static void coal_cmd(struct vuf *f, uint8_t cmd, uint32_t pkts, uint32_t us)
{
	uint8_t b[8];

	st_le(b, pkts, 4);
	st_le(b + 4, us, 4);
	assert_int_equal(vuf_ctrl(f, CTRL_COAL, cmd, b, 8), 0);
}

static int coal_vq_set(struct vuf *f, uint16_t vq, uint32_t pkts, uint32_t us)
{
	uint8_t b[12] = { 0 };

	st_le(b, vq, 2);
	st_le(b + 4, pkts, 4);
	st_le(b + 8, us, 4);
	return vuf_ctrl(f, CTRL_COAL, COAL_VQ_SET, b, sizeof(b));
}

static int coal_vq_get(struct vuf *f, uint16_t vq, uint32_t *pkts,
		       uint32_t *us)
{
	uint8_t b[4] = { 0 }, res[8];
	size_t got = 0;
	int ack;

	st_le(b, vq, 2);
	ack = vuf_ctrl_result(f, CTRL_COAL, COAL_VQ_GET, b, sizeof(b), res,
			      sizeof(res), &got);
	if (ack == 0) {
		assert_int_equal(got, 8);
		*pkts = le32(res);
		*us = le32(res + 4);
	}
	return ack;
}

/* @n frames, one kick and one wait each. */
static void tx_frames(struct vuf *f, unsigned int n)
{
	uint8_t fr[128];
	unsigned int i;

	for (i = 0; i < n; i++)
		tx_one(f, NULL, fr, plain_frame(fr, sizeof(fr), guest_mac, i));
}

/* conformance: NET-COAL-05, NET-COAL-09 */
/* Transmit: without parameters every frame is notified; TX_SET's
 * max_packets holds notifications back until that many; max_usecs sends
 * one when the time is up; VQ_SET overrides for one queue and VQ_GET
 * reads it back; re-enabling the queue restores TX_SET's; a reset (a new
 * driver) starts from zero. */
static void test_coal_tx(void **state)
{
	uint32_t pkts = 1, us = 1;
	double t0;
	struct vuf f;

	(void)state;
	vnetd_start(NULL);
	frontend(&f, FEATS(VNET_F_NOTF_COAL, VNET_F_VQ_NOTF_COAL), false,
		 false);
	calls(&f, 1);
	tx_frames(&f, 4);
	assert_int_equal(calls_wait(&f, 1, 200), 4);

	print_message("TX_SET 8 packets, 2 s: 7 frames, no notification\n");
	coal_cmd(&f, COAL_TX_SET, 8, 2000000);
	tx_frames(&f, 7);
	usleep(50000);
	assert_int_equal(calls(&f, 1), 0);
	tx_frames(&f, 1);
	assert_int_equal(calls_wait(&f, 1, 200), 1);

	print_message("TX_SET 100 packets, 300 ms: one frame, notified late\n");
	coal_cmd(&f, COAL_TX_SET, 100, 300000);
	t0 = now();
	tx_frames(&f, 1);
	usleep(100000);
	assert_int_equal(calls(&f, 1), 0);
	assert_int_equal(calls_wait(&f, 1, 2000), 1);
	assert_true(now() - t0 >= 0.25);

	print_message("VQ_SET on transmitq1, VQ_GET\n");
	assert_int_equal(coal_vq_set(&f, 1, 2, 2000000), 0);
	assert_int_equal(coal_vq_get(&f, 1, &pkts, &us), 0);
	assert_true(pkts == 2 && us == 2000000);
	tx_frames(&f, 2);
	assert_int_equal(calls_wait(&f, 1, 200), 1);
	/* conformance: NET-COAL-04 */
	assert_int_equal(coal_vq_get(&f, 2, &pkts, &us), 1);	/* controlq */
	assert_int_equal(coal_vq_set(&f, 3, 1, 1), 1);	/* no such queue */

	print_message("transmitq1 disabled and re-enabled: TX_SET's again\n");
	{
		struct { uint32_t index, num; } st = { 1, 0 };

		assert_int_equal(vuf_set(&f, VNET_VU_SET_VRING_ENABLE, &st,
					 sizeof(st), NULL, 0), 0);
		st.num = 1;
		assert_int_equal(vuf_set(&f, VNET_VU_SET_VRING_ENABLE, &st,
					 sizeof(st), NULL, 0), 0);
	}
	assert_int_equal(coal_vq_get(&f, 1, &pkts, &us), 0);
	assert_true(pkts == 100 && us == 300000);
	vuf_close(&f);

	print_message("a new driver: parameters zero\n");
	usleep(100000);
	frontend(&f, FEATS(VNET_F_NOTF_COAL, VNET_F_VQ_NOTF_COAL), false,
		 false);
	assert_int_equal(coal_vq_get(&f, 1, &pkts, &us), 0);
	assert_true(pkts == 0 && us == 0);
	assert_int_equal(coal_vq_get(&f, 0, &pkts, &us), 0);
	assert_true(pkts == 0 && us == 0);
	vuf_close(&f);
	vnetd_stop();
}

/* Receive: RX_SET's max_packets holds the notification until the fourth
 * frame; each frame is in the used ring before that all the same. */
static void test_coal_rx(void **state)
{
	uint8_t fr[256], hdr[VNET_HDR_LEN_MAX], buf[4096];
	const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	unsigned int i;
	struct vuf f;

	(void)state;
	vnetd_start(NULL);
	frontend(&f, FEATS(VNET_F_NOTF_COAL), false, false);
	coal_cmd(&f, COAL_RX_SET, 4, 5000000);
	calls(&f, 0);
	for (i = 0; i < 4; i++) {
		size_t len = plain_frame(fr, 100 + 20 * i, src, i);

		assert_int_equal(peer_inject(&host, fr, len), 0);
		assert_int_equal(rx_one(&f, hdr, buf, sizeof(buf), 2000),
				 (int)len);
		usleep(20000);
		assert_int_equal(calls(&f, 0), i == 3 ? 1 : 0);
	}
	vuf_close(&f);
	vnetd_stop();
}

/* --- HASH_TUNNEL ------------------------------------------------------- */

static void ip4_hdr(uint8_t *ip, const uint8_t *src, const uint8_t *dst,
		    uint16_t l4len)
{
	uint32_t s = 0;
	int i;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4len));
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	for (i = 0; i < 20; i += 2)
		s += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	put16(ip + 10, (uint16_t)~s);
}

/* IPv4 and UDP headers (checksum 0) at @p, for @n bytes after them. */
static size_t udp4_hdr(uint8_t *p, const uint8_t *src, const uint8_t *dst,
		       uint16_t sport, uint16_t dport, size_t n)
{
	ip4_hdr(p, src, dst, (uint16_t)(8 + n));
	put16(p + 20, sport);
	put16(p + 22, dport);
	put16(p + 24, (uint16_t)(8 + n));
	put16(p + 26, 0);
	return 28;
}

static const uint8_t out_src[4] = { 192, 0, 2, 1 }, out_dst[4] = { 192, 0, 2, 2 };
static const uint8_t in_src[4] = { 10, 0, 0, 1 }, in_dst[4] = { 10, 0, 0, 2 };

/* The Toeplitz input of an IPv4 UDP flow: addresses, then ports. */
static void flow_in(uint8_t *in, const uint8_t *src, const uint8_t *dst,
		    uint16_t sport, uint16_t dport)
{
	memcpy(in, src, 4);
	memcpy(in + 4, dst, 4);
	put16(in + 8, sport);
	put16(in + 10, dport);
}

/* A VXLAN frame (VNI 42, outer source port fixed) carrying a UDP frame
 * of inner flow @flow; @outer_in and @inner_in: the Toeplitz inputs of
 * each. */
static size_t vxlan_frame(uint8_t *fr, unsigned int flow, uint8_t *outer_in,
			  uint8_t *inner_in)
{
	const size_t inner = ETH_LEN + 28 + 32;
	uint16_t sport = (uint16_t)(1000 + flow);
	uint8_t *v = fr + ETH_LEN + 28;

	memcpy(fr, guest_mac, 6);
	memcpy(fr + 6, "\x02\x00\x00\x00\x00\x01", 6);
	put16(fr + 12, 0x0800);
	udp4_hdr(fr + ETH_LEN, out_src, out_dst, 5555, 4789, 8 + inner);
	memset(v, 0, 8);
	v[0] = 0x08;			/* I: the VNI is valid */
	v[6] = 42;
	memcpy(v + 8, "\x02\x00\x00\x00\x00\x09", 6);
	memcpy(v + 14, "\x02\x00\x00\x00\x00\x0a", 6);
	put16(v + 20, 0x0800);
	udp4_hdr(v + 22, in_src, in_dst, sport, 2000, 32);
	memset(v + 50, 0x5a, 32);
	flow_in(outer_in, out_src, out_dst, 5555, 4789);
	flow_in(inner_in, in_src, in_dst, sport, 2000);
	return ETH_LEN + 28 + 8 + inner;
}

/* Four flows in; each reported with the hash of @inner or the outer
 * 4-tuple, type UDPv4. */
static void hash_round(struct vuf *f, bool inner)
{
	uint8_t fr[256], hdr[VNET_HDR_LEN_MAX], buf[4096], oin[12], iin[12];
	unsigned int flow;
	size_t len;

	for (flow = 0; flow < 4; flow++) {
		len = vxlan_frame(fr, flow, oin, iin);
		assert_int_equal(peer_inject(&host, fr, len), 0);
		assert_int_equal(rx_one(f, hdr, buf, sizeof(buf), 2000),
				 (int)len);
		assert_int_equal(le32(hdr + 12),	/* hash_value */
				 peer_toeplitz(inner ? iin : oin, 12));
		assert_int_equal(hdr[16] | hdr[17] << 8, REPORT_UDPV4);
		vuf_rx_fill(f, 0);
	}
}

static int tunnel_set(struct vuf *f, uint32_t types)
{
	uint8_t b[4];

	st_le(b, types, 4);
	return vuf_ctrl(f, CTRL_TUNNEL, 0, b, 4);
}

/* conformance: NET-IHH-01, NET-IHH-02, NET-IHH-03 */
static void test_hash_tunnel(void **state)
{
	/* RSS_CONFIG: types, mask 0, unclassified 0, one entry, max_tx_vq 1 */
	uint8_t cmd[4 + 2 + 2 + 2 + 2 + 1 + 40] = { 0 }, cfg[4];
	struct vuf f;

	(void)state;
	assert_true(peer_toeplitz_self_check());
	vnetd_start(NULL);
	frontend(&f, FEATS(VNET_F_HASH_TUNNEL), false, false);
	assert_int_equal(vuf_get_config(&f, 24, cfg, 4), 0);
	assert_int_equal(le32(cfg), 0x1ff);	/* supported_tunnel_types */
	st_le(cmd, HASH_UDPV4, 4);
	cmd[10] = 1;				/* max_tx_vq */
	cmd[12] = 40;
	memcpy(cmd + 13, peer_ms_key, 40);
	assert_int_equal(vuf_ctrl(&f, CTRL_MQ, CTRL_MQ_RSS, cmd, sizeof(cmd)),
			 0);
	print_message("no tunnel type enabled: the outer flow's hash\n");
	hash_round(&f, false);
	print_message("VXLAN enabled: the inner flow's\n");
	assert_int_equal(tunnel_set(&f, TUNNEL_VXLAN), 0);
	hash_round(&f, true);
	print_message("a type not supported: refused, VXLAN stays\n");
	assert_int_equal(tunnel_set(&f, 1u << 9), 1);
	hash_round(&f, true);
	print_message("none again: the outer flow's\n");
	assert_int_equal(tunnel_set(&f, 0), 0);
	hash_round(&f, false);
	vuf_close(&f);
	vnetd_stop();
}

/* --- NOTIFICATION_DATA -------------------------------------------------- */

/* 300 frames each way (past the 256-entry ring's wrap, where a packed
 * ring's receive notification data is 0), kicked one by one and in
 * batches whose kicks the device reads as one sum. */
static void notif_data_run(bool packed)
{
	uint8_t fr[256], hdr[VNET_HDR_LEN_MAX], buf[4096];
	const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	const char *const args[] = { "--packed", NULL };
	unsigned int i;
	struct vuf f;
	size_t len;

	vnetd_start(packed ? args : NULL);
	frontend(&f, NULL, 0, packed, true);
	assert_true(vnet_features_has(&f.features, VNET_F_NOTIFICATION_DATA));
	for (i = 0; i < 300; i++) {
		len = plain_frame(fr, 60 + i % 100, guest_mac, i);
		if (i % 3) {	/* three kicks for one buffer */
			assert_int_equal(vuf_tx_add_hdr(&f, 0, NULL, fr, len), 0);
			vuf_kick(&f, 1);
			vuf_kick(&f, 1);
			vuf_kick(&f, 1);
			tx_done(&f);
		} else {
			tx_one(&f, NULL, fr, len);
		}
	}
	for (i = 0; i < 300; i++) {
		len = plain_frame(fr, 60 + i % 100, src, i);
		assert_int_equal(peer_inject(&host, fr, len), 0);
		assert_int_equal(rx_one(&f, hdr, buf, sizeof(buf), 2000),
				 (int)len);
		assert_memory_equal(buf, fr, len);
		vuf_rx_fill(&f, 0);	/* a kick with its data */
	}
	assert_int_equal(f.q[1].bad_returns + f.q[0].bad_returns, 0);
	vuf_close(&f);
	vnetd_stop();
}

static void test_notification_data(void **state)
{
	(void)state;
	print_message("split rings\n");
	notif_data_run(false);
	print_message("packed rings\n");
	notif_data_run(true);
}

/* --- DEVICE_STATS ------------------------------------------------------- */

/* What the test saw, per queue, to compare with the device's counters. */
struct seen {
	uint64_t tx_frames, tx_bytes, tx_csum, rx_frames, rx_bytes, rx_none;
};

/* STATS_GET for receiveq1, transmitq1 and the controlq: the replies. */
static void stats_get(struct vuf *f, uint64_t rx[14], uint64_t tx[14],
		      uint64_t cvq[2])
{
	const uint64_t rxt = 0x7, txt = 0x7ull << 16, cvqt = 1ull << 32;
	uint8_t cmd[48] = { 0 }, res[1024];
	const uint8_t *p = res;
	size_t got = 0, want = (8 + 48) + (8 + 32) + (8 + 32) + (8 + 48) +
			       (8 + 16) + (8 + 48) + (8 + 16);
	unsigned int i, k = 0;

	st_le(cmd, 0, 2);
	st_le(cmd + 8, rxt, 8);
	st_le(cmd + 16, 1, 2);
	st_le(cmd + 24, txt, 8);
	st_le(cmd + 32, 2, 2);
	st_le(cmd + 40, cvqt, 8);
	assert_int_equal(vuf_ctrl_result(f, CTRL_STATS, STATS_GET, cmd,
					 sizeof(cmd), res, sizeof(res), &got), 0);
	assert_int_equal(got, want);
	/* conformance: NET-STATS-04, NET-STATS-05 */
	for (i = 0; i < 7; i++) {
		static const uint8_t type[7] = { 0, 1, 2, 16, 17, 18, 32 };
		static const uint8_t vq[7] = { 0, 0, 0, 1, 1, 1, 2 };
		static const uint8_t n[7] = { 6, 4, 4, 6, 2, 6, 2 };
		unsigned int j;

		assert_int_equal(p[0], type[i]);
		assert_int_equal(p[2] | p[3] << 8, vq[i]);
		assert_int_equal(p[6] | p[7] << 8, 8 + 8 * n[i]);
		for (j = 0; j < n[i]; j++, k++) {
			uint64_t v = le64(p + 8 + 8 * j);

			if (i < 3)
				rx[k] = v;
			else if (i < 6)
				tx[k - 14] = v;
			else
				cvq[k - 28] = v;
		}
		p += 8 + 8 * n[i];
	}
}

/* The 14 transmit counters, in reply order: basic (notifications,
 * packets, bytes, interrupts, drops, malformed), csum (none, needs),
 * gso (packets, bytes, segments, segment bytes, noseg, noseg bytes). */
static void check_tx(const uint64_t *tx, struct vuf *f, const struct seen *s,
		     uint64_t tx_calls, uint64_t gso_bytes)
{
	assert_int_equal(tx[0], f->q[1].kicks);
	assert_int_equal(tx[1], s->tx_frames);
	assert_int_equal(tx[2], s->tx_bytes);
	assert_int_equal(tx[3], tx_calls);
	assert_int_equal(tx[4], 0);
	assert_int_equal(tx[5], 0);
	assert_int_equal(tx[6], s->tx_frames - s->tx_csum);
	assert_int_equal(tx[7], s->tx_csum);
	assert_int_equal(tx[8], gso_bytes ? 1 : 0);
	assert_int_equal(tx[9], gso_bytes);
	assert_int_equal(tx[10], 0);	/* the tap takes USO: not cut */
	assert_int_equal(tx[11], 0);
	assert_int_equal(tx[12], gso_bytes ? 1 : 0);
	assert_int_equal(tx[13], gso_bytes);
}

/* receive: basic (notifications, packets, bytes, interrupts, drops,
 * overruns), csum (valid, needs, none, bad), gso (4, none sent). */
static void check_rx(const uint64_t *rx, struct vuf *f, const struct seen *s,
		     uint64_t rx_calls)
{
	unsigned int i;

	assert_int_equal(rx[0], f->q[0].kicks);
	assert_int_equal(rx[1], s->rx_frames);
	assert_int_equal(rx[2], s->rx_bytes);
	assert_int_equal(rx[3], rx_calls);
	assert_int_equal(rx[4], 0);
	assert_int_equal(rx[5], 0);
	assert_int_equal(rx[6] + rx[7] + rx[8], s->rx_frames);
	assert_int_equal(rx[8], s->rx_none);
	for (i = 9; i < 14; i++)
		assert_int_equal(rx[i], 0);
}

/* A UDP frame to the host (port 9, discarded) of @n payload bytes, with
 * a NEEDS_CSUM header: the checksum field holds the pseudo-header sum;
 * as a USO super-frame of 400-byte segments when @gso. */
static size_t csum_frame(struct vuf *f, uint8_t *fr, uint8_t *hdr, size_t n,
			 bool gso)
{
	/* guest 192.0.2.2 to host 192.0.2.1, UDP, and the UDP length */
	uint32_t sum = 0xc000 + 0x0202 + 0xc000 + 0x0201 + 17 +
		       (uint32_t)(8 + n);

	memset(fr, 0xff, 6);	/* broadcast: the host sends no ICMP back */
	memcpy(fr + 6, guest_mac, 6);
	put16(fr + 12, 0x0800);
	udp4_hdr(fr + ETH_LEN, out_dst, out_src, 40000, 9, n);
	memset(fr + ETH_LEN + 28, 0x33, n);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(fr + ETH_LEN + 26, (uint16_t)sum);
	memset(hdr, 0, f->hdr_len);
	hdr[0] = 1;				/* NEEDS_CSUM */
	st_le(hdr + 6, ETH_LEN + 20, 2);	/* csum_start */
	st_le(hdr + 8, 6, 2);			/* csum_offset */
	if (gso) {
		hdr[1] = 5;			/* GSO_UDP_L4 */
		st_le(hdr + 2, ETH_LEN + 28, 2);	/* hdr_len */
		st_le(hdr + 4, 400, 2);		/* gso_size */
	}
	return ETH_LEN + 28 + n;
}

/* conformance: NET-STATS-01 */
static void test_device_stats(void **state)
{
	uint8_t fr[2048], hdr[VNET_HDR_LEN_MAX], buf[4096], res[8];
	const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	uint64_t rx[14], tx[14], cvq[2], rx_calls, tx_calls;
	struct seen s = { 0 };
	size_t got = 0, len, gso_len;
	unsigned int i;
	struct vuf f;
	int n;

	(void)state;
	vnetd_start(NULL);
	frontend(&f, FEATS(VNET_F_DEVICE_STATS, VNET_F_CSUM, VNET_F_GUEST_CSUM,
			   VNET_F_GUEST_TSO4, VNET_F_HOST_USO), false, false);
	assert_int_equal(vuf_ctrl_result(&f, CTRL_STATS, STATS_QUERY, NULL, 0,
					 res, sizeof(res), &got), 0);
	assert_int_equal(got, 8);
	assert_true(le64(res) == (0x7ull | 0x7ull << 16 | 1ull << 32));

	for (i = 0; i < 5; i++) {	/* plain frames */
		len = plain_frame(fr, 60 + 50 * i, guest_mac, i);
		tx_one(&f, NULL, fr, len);
		s.tx_frames++;
		s.tx_bytes += len;
	}
	len = csum_frame(&f, fr, hdr, 300, false);
	tx_one(&f, hdr, fr, len);
	s.tx_frames++;
	s.tx_bytes += len;
	s.tx_csum++;
	gso_len = csum_frame(&f, fr, hdr, 1200, true);	/* 3 segments */
	tx_one(&f, hdr, fr, gso_len);
	s.tx_frames++;
	s.tx_bytes += gso_len;
	s.tx_csum++;
	for (i = 0; i < 3; i++) {
		len = plain_frame(fr, 100 * (i + 1), src, i);
		assert_int_equal(peer_inject(&host, fr, len), 0);
	}
	/* every frame the guest gets, the kernel's own included */
	while ((n = rx_one(&f, hdr, buf, sizeof(buf), 300)) > 0) {
		s.rx_frames++;
		s.rx_bytes += (uint64_t)n;
		s.rx_none += !(hdr[0] & 3);
		vuf_rx_fill(&f, 0);
	}
	assert_true(s.rx_frames >= 3);
	usleep(100000);		/* the last kicks read */
	rx_calls = calls(&f, 0);
	tx_calls = calls(&f, 1);
	stats_get(&f, rx, tx, cvq);
	check_tx(tx, &f, &s, tx_calls, gso_len);
	check_rx(rx, &f, &s, rx_calls);
	assert_int_equal(cvq[0], 2);	/* QUERY, GET */
	assert_int_equal(cvq[1], 2);

	print_message("two frames more; a refused command counted\n");
	tx_frames(&f, 2);
	s.tx_frames += 2;
	s.tx_bytes += 2 * 128;
	assert_int_equal(tunnel_set(&f, 1), 1);	/* HASH_TUNNEL not negotiated */
	usleep(50000);
	tx_calls += calls(&f, 1);
	rx_calls += calls(&f, 0);
	stats_get(&f, rx, tx, cvq);
	check_tx(tx, &f, &s, tx_calls, gso_len);
	check_rx(rx, &f, &s, rx_calls);
	assert_int_equal(cvq[0], 4);
	assert_int_equal(cvq[1], 3);
	vuf_close(&f);
	vnetd_stop();
}

static int teardown(void **state)
{
	(void)state;
	if (host.sock >= 0)
		close(host.sock);
	host.sock = -1;
	run_kill(&run);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_speed_duplex, teardown),
		cmocka_unit_test_teardown(test_coal_tx, teardown),
		cmocka_unit_test_teardown(test_coal_rx, teardown),
		cmocka_unit_test_teardown(test_hash_tunnel, teardown),
		cmocka_unit_test_teardown(test_notification_data, teardown),
		cmocka_unit_test_teardown(test_device_stats, teardown),
	};
	const char *why;

	host.sock = -1;
	why = argc < 2 ? "usage: test_vnetd_features PATH/TO/vnetd" :
			 run_setup(&run, argv[1]);
	/* no IPv6 chatter from the tap: the receive counts are the test's */
	if (!why && sh("sysctl -qw net.ipv6.conf.default.disable_ipv6=1"
			   " net.ipv6.conf.all.disable_ipv6=1"))
		why = "cannot turn IPv6 off in the namespace";
	if (why) {	/* what it needs is installed by the repo: a failure */
		printf("FAIL: %s\n", why);
		return 1;
	}
	return run_finish(&run, cmocka_run_group_tests(tests, NULL, NULL));
}
