// SPDX-License-Identifier: MIT
/* test_vnetd_offloads.c - every offload path of vnetd against the kernel: the test frontend on one side, a tap in a fresh network namespace on the other */

/*
 * The real daemon (argv[1]) serves the test frontend and a tap in a
 * network namespace this process makes for itself (unshare: it goes away
 * with the process; vnetd is the only process started, killed by its pid).
 * Guest to host: USO (IPv4, IPv6), TSO (a handshake with a kernel TCP
 * socket, then one super-frame), NEEDS_CSUM (and a bad checksum the kernel
 * must refuse), and UDP tunnel GSO into the kernel's VXLAN device, with
 * and without the outer checksum; each reaches a kernel socket byte for
 * byte. Host to guest: the kernel's TCP, UDP_SEGMENT, and UDP_SEGMENT
 * through its VXLAN device, received as super-frames whose header obeys
 * the device's MUSTs, or as segments with complete checksums (checked here
 * with an independent checksum) when the guest negotiated no receive
 * offload; segments the tap gives one by one, coalesced by vnetd; and
 * backpressure when the guest's ring is full. Three runs: the tap takes
 * every offload and the guest too (vnetd's stats count passthrough);
 * --tap-offloads "" (vnetd segments and checksums in software; the stats
 * count segments) with a guest that receives no offload; and the tap
 * taking every offload with a guest that receives none; and the first
 * again with GUEST_HDRLEN negotiated.
 * Fails where a namespace cannot be made (never skips).
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vnet/hdr.h"
#include "vnetd_run.h"
#include "vu_front.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT	103
#endif

/* virtio-net header values ("Device Operation") */
#define F_NEEDS_CSUM	1
#define F_DATA_VALID	2
#define F_TUNNEL_CSUM	8
#define GSO_NONE	0
#define GSO_TCPV4	1
#define GSO_UDP_L4	5
#define GSO_TUNNEL4	0x20

#define ETH_LEN		14
#define IP4_LEN		20
#define IP6_LEN		40
#define UDP_LEN		8
#define TCP_LEN		20
#define VXLAN_LEN	8

static struct vnetd_run vr;
static char stats_path[100];

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t inner_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static uint8_t tap_mac[6], vx_mac[6];
static const uint8_t host4[4] = { 192, 0, 2, 1 }, guest4[4] = { 192, 0, 2, 2 };
static const uint8_t vhost4[4] = { 198, 51, 100, 1 };
static const uint8_t vguest4[4] = { 198, 51, 100, 2 };
static uint8_t host6[16], guest6[16];

/* --- the daemon ------------------------------------------------------ */

/* An interface's address (SIOCGIFHWADDR: /sys shows the namespace it was
 * mounted in, not this one). */
static int read_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq r;
	int s = socket(AF_INET, SOCK_DGRAM, 0), ret;

	memset(&r, 0, sizeof(r));
	snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", ifname);
	ret = s < 0 ? -1 : ioctl(s, SIOCGIFHWADDR, &r);
	if (s >= 0)
		memcpy(mac, r.ifr_hwaddr.sa_data, 6);
	return ret;
}

/* vnetd with @extra (NULL-terminated), its tap vt0 addressed, vx0 over it. */
static void vnetd_start(const char *const *extra)
{
	const char *args[24] = { "--tap", "vt0", "--tap-transient",
				 "--stats", stats_path };
	int n = 5, i;

	for (i = 0; extra && extra[i] && n < 23; i++)
		args[n++] = extra[i];
	unlink(stats_path);
	assert_true(run_start(&vr, args));
	assert_int_equal(read_mac("vt0", tap_mac), 0);
	assert_int_equal(sh("ip link set vt0 up && ip addr add 192.0.2.1/24 dev vt0 &&"
			    " ip addr add 2001:db8::1/64 dev vt0 nodad &&"
			    " ip neigh replace 192.0.2.2 lladdr 52:54:00:12:34:56 dev vt0 &&"
			    " ip neigh replace 2001:db8::2 lladdr 52:54:00:12:34:56 dev vt0 &&"
			    " ip link add vx0 type vxlan id 42 local 192.0.2.1 remote 192.0.2.2"
			    " dstport 4789 dev vt0 && ip addr add 198.51.100.1/24 dev vx0 &&"
			    " ip link set vx0 up &&"
			    " ip neigh replace 198.51.100.2 lladdr 02:00:00:00:00:02 dev vx0"), 0);
	assert_int_equal(read_mac("vx0", vx_mac), 0);
}

static void vnetd_stop(void)
{
	bool ok = run_stop(&vr);

	sh("ip link del vx0 2>/dev/null");
	assert_true(ok);
}

/* A total counter from vnetd's stats socket (JSON). */
static uint64_t stat_get(const char *name)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	static char buf[65536];
	char key[64];
	size_t got = 0;
	ssize_t r;
	char *p;
	int s;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", stats_path);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(s >= 0);
	assert_int_equal(connect(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(write(s, "json\n", 5), 5);
	while (got < sizeof(buf) - 1 &&
	       (r = read(s, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)r;
	buf[got] = 0;
	p = strstr(buf, "\"total\"");
	assert_non_null(p);
	snprintf(key, sizeof(key), "\"%s\": ", name);
	p = strstr(p, key);
	assert_non_null(p);
	return strtoull(p + strlen(key), NULL, 10);
}

/* --- checksums, computed here, independently of libvnet -------------- */

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint32_t pseudo(int v, const uint8_t *src, const uint8_t *dst,
		       uint8_t proto, uint32_t len)
{
	unsigned int al = v == 4 ? 4 : 16;
	uint32_t s = sum16(0, src, al);

	s = sum16(s, dst, al);
	return s + proto + (len >> 16) + (len & 0xffff);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* --- frames ----------------------------------------------------------- */

static size_t put_eth(uint8_t *p, const uint8_t *dst, const uint8_t *src,
		      uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	put16(p + 12, type);
	return ETH_LEN;
}

static size_t put_ip(uint8_t *p, int v, const uint8_t *src,
		     const uint8_t *dst, uint8_t proto, uint16_t l4len)
{
	if (v == 6) {
		memset(p, 0, IP6_LEN);
		p[0] = 0x60;
		put16(p + 4, l4len);
		p[6] = proto;
		p[7] = 64;
		memcpy(p + 8, src, 16);
		memcpy(p + 24, dst, 16);
		return IP6_LEN;
	}
	memset(p, 0, IP4_LEN);
	p[0] = 0x45;
	put16(p + 2, (uint16_t)(IP4_LEN + l4len));
	put16(p + 4, 0x1234);
	p[6] = 0x40;		/* DF */
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	put16(p + 10, (uint16_t)~fold(sum16(0, p, IP4_LEN)));
	return IP4_LEN;
}

static void fill_payload(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

/* The virtio-net header, little endian ("Device Operation", VERSION_1). */
struct vh {
	uint8_t flags, gso_type;
	uint16_t hdr_len, gso_size, csum_start, csum_offset, num_buffers;
	uint16_t outer_th, inner_nh;
};

static void vh_put(uint8_t *b, size_t len, const struct vh *h)
{
	memset(b, 0, len);
	b[0] = h->flags;
	b[1] = h->gso_type;
	b[2] = (uint8_t)h->hdr_len;
	b[3] = (uint8_t)(h->hdr_len >> 8);
	b[4] = (uint8_t)h->gso_size;
	b[5] = (uint8_t)(h->gso_size >> 8);
	b[6] = (uint8_t)h->csum_start;
	b[7] = (uint8_t)(h->csum_start >> 8);
	b[8] = (uint8_t)h->csum_offset;
	b[9] = (uint8_t)(h->csum_offset >> 8);
	if (len >= 24) {
		b[20] = (uint8_t)h->outer_th;
		b[21] = (uint8_t)(h->outer_th >> 8);
		b[22] = (uint8_t)h->inner_nh;
		b[23] = (uint8_t)(h->inner_nh >> 8);
	}
}

static void vh_get(const uint8_t *b, struct vh *h)
{
	memset(h, 0, sizeof(*h));
	h->flags = b[0];
	h->gso_type = b[1];
	h->hdr_len = (uint16_t)(b[2] | b[3] << 8);
	h->gso_size = (uint16_t)(b[4] | b[5] << 8);
	h->csum_start = (uint16_t)(b[6] | b[7] << 8);
	h->csum_offset = (uint16_t)(b[8] | b[9] << 8);
	h->num_buffers = (uint16_t)(b[10] | b[11] << 8);
	h->outer_th = (uint16_t)(b[20] | b[21] << 8);	/* 24-byte header */
	h->inner_nh = (uint16_t)(b[22] | b[23] << 8);
}

/*
 * An Ethernet/IP/UDP frame to the host, @n payload bytes: with @partial,
 * the UDP checksum holds the pseudo-header sum (NEEDS_CSUM, as a driver
 * leaves it); else the complete checksum (+@bad).
 */
static size_t udp_frame(uint8_t *f, int v, uint16_t dport, size_t n,
			bool partial, uint16_t bad, uint32_t seed)
{
	const uint8_t *src = v == 4 ? guest4 : guest6;
	const uint8_t *dst = v == 4 ? host4 : host6;
	uint16_t ulen = (uint16_t)(UDP_LEN + n);
	uint8_t *u;
	size_t off;

	off = put_eth(f, tap_mac, guest_mac, v == 4 ? 0x0800 : 0x86dd);
	off += put_ip(f + off, v, src, dst, 17, ulen);
	u = f + off;
	put16(u, 40000);
	put16(u + 2, dport);
	put16(u + 4, ulen);
	put16(u + 6, 0);
	fill_payload(u + UDP_LEN, n, seed);
	if (partial)
		put16(u + 6, fold(pseudo(v, src, dst, 17, ulen)));
	else
		put16(u + 6, (uint16_t)(~fold(sum16(pseudo(v, src, dst, 17, ulen),
						    u, ulen)) + bad));
	return off + ulen;
}

/* --- the frontend's side ---------------------------------------------- */

static void tx(struct vuf *f, const struct vh *h, const uint8_t *frame,
	       size_t len)
{
	uint8_t hb[VNET_HDR_LEN_MAX];
	int tries = 0, n;

	vh_put(hb, f->hdr_len, h);
	while ((n = vuf_tx_hdr(f, 0, hb, frame, len)) == -EAGAIN &&
	       tries++ < 100000)
		usleep(10);
	assert_int_equal(n, 0);
}

typedef bool (*frame_pred)(const uint8_t *frame, size_t len, void *arg);

/* The next received frame that @pred wants, within @ms; others are
 * skipped (the kernel's IPv6 chatter). Return: its length, or 0. */
static int rx_wait(struct vuf *f, struct vh *h, uint8_t *buf, size_t room,
		   frame_pred pred, void *arg, int ms)
{
	uint8_t hb[VNET_HDR_LEN_MAX];
	struct timespec t0, t;
	int n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		vuf_rx_fill(f, 0);
		n = vuf_rx_hdr(f, 0, hb, buf, room);
		assert_true(n >= 0);
		if (n > 0 && pred(buf, (size_t)n, arg)) {
			vh_get(hb, h);
			return n;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000 > ms)
			return 0;
		if (n == 0)
			usleep(100);
	}
}

/* An IPv4 frame from the host of protocol @arg's proto, from port @sport. */
struct match {
	uint8_t proto;
	uint16_t sport;
	uint16_t dport;		/* 0: any */
};

static bool from_host4(const uint8_t *p, size_t len, void *arg)
{
	const struct match *m = arg;

	return len >= ETH_LEN + IP4_LEN + UDP_LEN && get16(p + 12) == 0x0800 &&
	       p[ETH_LEN + 9] == m->proto &&
	       !memcmp(p + ETH_LEN + 12, host4, 4) &&
	       get16(p + ETH_LEN + IP4_LEN) == m->sport &&
	       (!m->dport || get16(p + ETH_LEN + IP4_LEN + 2) == m->dport);
}

/* --- kernel sockets in the namespace ---------------------------------- */

/* Sockets of the run under way: a failed check leaves them open, the
 * teardown closes them so the next run can bind the same ports. */
static int open_socks[32];
static unsigned int n_open_socks;

static int track(int s)
{
	if (s >= 0 && n_open_socks < 32)
		open_socks[n_open_socks++] = s;
	return s;
}

static void sock_close(int s)
{
	unsigned int i;

	for (i = 0; i < n_open_socks; i++)
		if (open_socks[i] == s)
			open_socks[i] = open_socks[--n_open_socks];
	close(s);
}

static void close_socks(void)
{
	while (n_open_socks)
		close(open_socks[--n_open_socks]);
}

static int udp_sock(int v, uint16_t port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(port) };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	int s = track(socket(v == 4 ? AF_INET : AF_INET6, SOCK_DGRAM, 0));

	assert_true(s >= 0);
	if (v == 4)
		assert_int_equal(bind(s, (struct sockaddr *)&a4, sizeof(a4)), 0);
	else
		assert_int_equal(bind(s, (struct sockaddr *)&a6, sizeof(a6)), 0);
	return s;
}

/* One datagram within @ms; its length, or -1. */
static ssize_t sock_recv(int s, uint8_t *buf, size_t room, int ms)
{
	struct pollfd p = { s, POLLIN, 0 };

	if (poll(&p, 1, ms) != 1)
		return -1;
	return recv(s, buf, room, MSG_DONTWAIT);
}

/* --- guest to host ---------------------------------------------------- */

struct counts {
	uint64_t pass, segs, csum, drops;
};

static struct vuf *front;	/* the frontend of the run under way */

/* The counters once vnetd is done with every frame sent so far: it
 * returns a transmit buffer after it counted its frame. */
static void counts_now(struct counts *c)
{
	int i;

	for (i = 0; i < 10000 && vuf_outstanding(front, 1); i++) {
		vuf_reap_tx(front, 0);
		usleep(100);
	}
	assert_int_equal(vuf_outstanding(front, 1), 0);
	c->pass = stat_get("tx_passthrough");
	c->segs = stat_get("tx_segments");
	c->csum = stat_get("tx_csum_completed");
}

/* The growth of counter @name since @base, once it reaches @want or a
 * second has passed: vnetd counts a frame after it wrote it to the tap,
 * so the kernel may have it before the counter moves. */
static uint64_t stat_grown(const char *name, uint64_t base, uint64_t want)
{
	uint64_t d = 0;
	int i;

	for (i = 0; i < 100; i++) {
		d = stat_get(name) - base;
		if (d >= want)
			break;
		usleep(10000);
	}
	return d;
}

/* How vnetd handled one frame of @segs segments: passed through whole
 * (@soft false), or segmented into @segs frames in software. */
static void check_path(const struct counts *before, bool soft,
		       unsigned int segs)
{
	uint64_t pass, seg;

	seg = stat_grown("tx_segments", before->segs, soft ? segs : 0);
	pass = stat_grown("tx_passthrough", before->pass, soft ? 0 : 1);
	print_message("  vnetd: passthrough +%llu, segments +%llu\n",
		      (unsigned long long)pass, (unsigned long long)seg);
	assert_int_equal(pass, soft ? 0 : 1);
	assert_int_equal(seg, soft ? segs : 0);
}

/*
 * USO: one super-frame of @n payload bytes, gso_size @mss (GSO_UDP_L4,
 * NEEDS_CSUM, csum_offset 6: "Packet Transmission", the
 * driver's rules for USO), reaches a kernel UDP socket as ceil(n/mss)
 * datagrams, byte for byte.
 */
static void uso_to_host(struct vuf *f, int v, bool soft)
{
	static uint8_t frame[4096], want[4096], got[4096];
	const size_t n = 2800, mss = 1000, l3 = v == 4 ? IP4_LEN : IP6_LEN;
	struct vh h = { .flags = F_NEEDS_CSUM, .gso_type = GSO_UDP_L4,
			.gso_size = (uint16_t)mss };
	struct counts c;
	size_t len, off;
	ssize_t r;
	int s = udp_sock(v, 6001);

	counts_now(&c);
	len = udp_frame(frame, v, 6001, n, true, 0, 1);
	memcpy(want, frame + ETH_LEN + l3 + UDP_LEN, n);
	h.csum_start = (uint16_t)(ETH_LEN + l3);
	h.csum_offset = 6;
	h.hdr_len = (uint16_t)(ETH_LEN + l3 + UDP_LEN);
	tx(f, &h, frame, len);
	for (off = 0; off < n; off += mss) {
		r = sock_recv(s, got, sizeof(got), 2000);
		assert_int_equal(r, off + mss <= n ? mss : n - off);
		assert_memory_equal(got, want + off, (size_t)r);
	}
	assert_int_equal(sock_recv(s, got, sizeof(got), 100), -1);
	check_path(&c, soft, 3);
	sock_close(s);
}

/*
 * NEEDS_CSUM without GSO ("Packet Transmission": csum_start/csum_offset name where
 * the device completes the checksum) reaches the socket; and, the control,
 * a frame with a wrong checksum and no NEEDS_CSUM does not (the kernel
 * verifies what it is not told to trust: "the device MUST
 * NOT rely on the packet checksum being correct").
 */
/* conformance: NET-TX-14 */
static void csum_to_host(struct vuf *f, bool soft)
{
	static uint8_t frame[4096], got[4096];
	struct vh h = { .flags = F_NEEDS_CSUM, .csum_start = ETH_LEN + IP4_LEN,
			.csum_offset = 6 };
	struct vh none = { 0 };
	struct counts c;
	size_t len;
	int s = udp_sock(4, 6002);

	counts_now(&c);
	len = udp_frame(frame, 4, 6002, 1200, true, 0, 2);
	tx(f, &h, frame, len);
	assert_int_equal(sock_recv(s, got, sizeof(got), 2000), 1200);
	assert_memory_equal(got, frame + ETH_LEN + IP4_LEN + UDP_LEN, 1200);
	if (soft)
		assert_int_equal(stat_grown("tx_csum_completed", c.csum, 1), 1);
	check_path(&c, soft, 1);
	len = udp_frame(frame, 4, 6002, 1200, false, 0, 3);
	tx(f, &none, frame, len);
	assert_int_equal(sock_recv(s, got, sizeof(got), 2000), 1200);
	len = udp_frame(frame, 4, 6002, 1200, false, 0x55, 4);
	tx(f, &none, frame, len);
	assert_int_equal(sock_recv(s, got, sizeof(got), 300), -1);
	sock_close(s);
}

/*
 * MTU 1500 negotiated (--mtu 1500): a frame of mtu plus the Ethernet
 * header, gso_type NONE, reaches the socket whole; a frame larger than the
 * MTU, which a driver must not send, is survived (forwarded or dropped):
 * the next one of the right size still goes through.
 */
/* conformance: NET-CFG-06, D-CFG-02 */
static void mtu_to_host(struct vuf *f)
{
	static uint8_t frame[4096], got[4096];
	const size_t n = 1500 - IP4_LEN - UDP_LEN;
	struct vh none = { 0 };
	size_t len;
	int s = udp_sock(4, 6003);

	len = udp_frame(frame, 4, 6003, n, false, 0, 5);
	assert_int_equal(len, ETH_LEN + 1500);
	tx(f, &none, frame, len);
	assert_int_equal(sock_recv(s, got, sizeof(got), 2000), n);
	assert_memory_equal(got, frame + ETH_LEN + IP4_LEN + UDP_LEN, n);
	len = udp_frame(frame, 4, 6004, n + 500, false, 0, 6);	/* too big */
	tx(f, &none, frame, len);
	len = udp_frame(frame, 4, 6003, n, false, 0, 7);
	tx(f, &none, frame, len);
	assert_int_equal(sock_recv(s, got, sizeof(got), 2000), n);
	assert_memory_equal(got, frame + ETH_LEN + IP4_LEN + UDP_LEN, n);
	sock_close(s);
}

/*
 * UDP tunnel GSO (udp-tunnel-gso-standard.md: gso_type UDP_L4 |
 * UDP_TUNNEL_IPV4, outer_th_offset, inner_nh_offset, csum_start at the
 * inner UDP header; UDP_TUNNEL_CSUM with the outer checksum's pseudo-header
 * sum): VXLAN to the kernel's vx0, whose inner datagrams reach a socket.
 */
static void tunnel_to_host(struct vuf *f, bool outer_csum, bool soft)
{
	static uint8_t frame[4096], got[4096];
	const size_t n = 2400, mss = 800;
	const size_t inner = ETH_LEN + IP4_LEN + UDP_LEN + n;
	const uint16_t olen = (uint16_t)(UDP_LEN + VXLAN_LEN + inner);
	struct vh h = { .flags = F_NEEDS_CSUM, .gso_type = GSO_UDP_L4 | GSO_TUNNEL4,
			.gso_size = (uint16_t)mss, .outer_th = ETH_LEN + IP4_LEN,
			.inner_nh = ETH_LEN + IP4_LEN + UDP_LEN + VXLAN_LEN + ETH_LEN,
			.csum_offset = 6 };
	struct counts c;
	uint8_t *o, *i;
	size_t off;
	int s = udp_sock(4, 7001);

	h.csum_start = (uint16_t)(h.inner_nh + IP4_LEN);
	h.hdr_len = (uint16_t)(h.csum_start + UDP_LEN);
	if (outer_csum)
		h.flags |= F_TUNNEL_CSUM;
	off = put_eth(frame, tap_mac, guest_mac, 0x0800);
	off += put_ip(frame + off, 4, guest4, host4, 17, olen);
	o = frame + off;
	put16(o, 50000);
	put16(o + 2, 4789);
	put16(o + 4, olen);
	put16(o + 6, outer_csum ? fold(pseudo(4, guest4, host4, 17, olen)) : 0);
	memset(o + UDP_LEN, 0, VXLAN_LEN);
	o[UDP_LEN] = 0x08;
	o[UDP_LEN + 6] = 42;		/* VNI 42 in bytes 4..6 */
	i = o + UDP_LEN + VXLAN_LEN;
	off = put_eth(i, vx_mac, inner_mac, 0x0800);
	off += put_ip(i + off, 4, vguest4, vhost4, 17, (uint16_t)(UDP_LEN + n));
	put16(i + off, 40001);
	put16(i + off + 2, 7001);
	put16(i + off + 4, (uint16_t)(UDP_LEN + n));
	put16(i + off + 6, fold(pseudo(4, vguest4, vhost4, 17,
				       (uint32_t)(UDP_LEN + n))));
	fill_payload(i + off + UDP_LEN, n, outer_csum ? 5 : 6);
	counts_now(&c);
	tx(f, &h, frame, (size_t)(i - frame) + inner);
	for (off = 0; off < n; off += mss) {
		assert_int_equal(sock_recv(s, got, sizeof(got), 2000), mss);
		assert_memory_equal(got, i + ETH_LEN + IP4_LEN + UDP_LEN + off,
				    mss);
	}
	check_path(&c, soft, 3);
	sock_close(s);
}

/* --- TCP: a handshake with the kernel, then data both ways ------------ */

struct tcp_conn {
	int lsock, sock;
	uint16_t sport;		/* the guest's port: one per run */
	uint16_t dport;		/* the kernel's listening port: one per run */
	uint32_t seq, ack;	/* the guest's next seq; what it acks */
};

static size_t tcp_frame(uint8_t *fr, const struct tcp_conn *t, uint8_t flags,
			const uint8_t *data, size_t n, bool partial)
{
	size_t off = put_eth(fr, tap_mac, guest_mac, 0x0800);
	size_t thl = flags & 0x02 ? TCP_LEN + 4 : TCP_LEN;
	uint16_t tlen = (uint16_t)(thl + n);
	uint8_t *th;

	off += put_ip(fr + off, 4, guest4, host4, 6, tlen);
	th = fr + off;
	memset(th, 0, thl);
	put16(th, t->sport);
	put16(th + 2, t->dport);
	put32(th + 4, t->seq);
	put32(th + 8, t->ack);
	th[12] = (uint8_t)(thl / 4 << 4);
	th[13] = flags;
	put16(th + 14, 65535);
	if (thl > TCP_LEN) {	/* MSS 1000 */
		th[20] = 2;
		th[21] = 4;
		put16(th + 22, 1000);
	}
	if (n)
		memcpy(th + thl, data, n);
	if (partial)
		put16(th + 16, fold(pseudo(4, guest4, host4, 6, tlen)));
	else
		put16(th + 16, (uint16_t)~fold(sum16(pseudo(4, guest4, host4, 6,
							     tlen), th, tlen)));
	return off + tlen;
}

static void tcp_connect(struct vuf *f, struct tcp_conn *t)
{
	static uint16_t sport = 41000;
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct match m = { 6, 0, 0 };
	static uint8_t fr[4096];
	struct vh h, none = { 0 };
	int one = 1, n;

	memset(t, 0, sizeof(*t));
	t->dport = (uint16_t)(sport + 1000);
	a.sin_port = htons(t->dport);
	m.sport = t->dport;
	t->lsock = track(socket(AF_INET, SOCK_STREAM, 0));
	assert_true(t->lsock >= 0);
	setsockopt(t->lsock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(t->lsock, (struct sockaddr *)&a, sizeof(a)))
		fail_msg("bind: %s", strerror(errno));
	assert_int_equal(listen(t->lsock, 1), 0);
	t->seq = 1000;
	t->ack = 0;
	t->sport = sport++;
	m.dport = t->sport;
	tx(f, &none, fr, tcp_frame(fr, t, 0x02, NULL, 0, false));	/* SYN */
	n = rx_wait(f, &h, fr, sizeof(fr), from_host4, &m, 3000);
	assert_true(n > 0);
	assert_int_equal(fr[ETH_LEN + IP4_LEN + 13] & 0x12, 0x12);
	t->seq++;
	t->ack = get32(fr + ETH_LEN + IP4_LEN + 4) + 1;
	tx(f, &none, fr, tcp_frame(fr, t, 0x10, NULL, 0, false));	/* ACK */
	t->sock = track(accept(t->lsock, NULL, NULL));
	assert_true(t->sock >= 0);
}

/* What the guest got, acknowledged, so the kernel's window stays open. */
static void ack(struct vuf *f, struct tcp_conn *t)
{
	static uint8_t fr[256];
	struct vh none = { 0 };

	tx(f, &none, fr, tcp_frame(fr, t, 0x10, NULL, 0, false));
}

/* TSO ("Packet Transmission": GSO_TCPV4, csum_offset 16, gso_size the MSS): one
 * super-frame of 3000 bytes, read whole from the kernel's TCP socket. */
static void tso_to_host(struct vuf *f, struct tcp_conn *t, bool soft)
{
	static uint8_t fr[4096], data[3000], got[3000];
	struct vh h = { .flags = F_NEEDS_CSUM, .gso_type = GSO_TCPV4,
			.gso_size = 1000, .csum_start = ETH_LEN + IP4_LEN,
			.csum_offset = 16,
			.hdr_len = ETH_LEN + IP4_LEN + TCP_LEN };
	struct pollfd p = { t->sock, POLLIN, 0 };
	struct counts c;
	size_t done = 0;
	ssize_t r;

	fill_payload(data, sizeof(data), 7);
	counts_now(&c);
	tx(f, &h, fr, tcp_frame(fr, t, 0x18, data, sizeof(data), true));
	t->seq += sizeof(data);
	while (done < sizeof(got) && poll(&p, 1, 2000) == 1 &&
	       (r = recv(t->sock, got + done, sizeof(got) - done, 0)) > 0)
		done += (size_t)r;
	assert_int_equal(done, sizeof(data));
	assert_memory_equal(got, data, sizeof(data));
	check_path(&c, soft, 3);
}

/* The transport checksum of an IPv4 frame, checked over the whole frame:
 * true when complete and right. */
static bool l4_csum_ok4(const uint8_t *p, size_t len)
{
	const uint8_t *ip = p + ETH_LEN;
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	size_t tot = get16(ip + 2);

	if (len < ETH_LEN + tot || tot < ihl)
		return false;
	if (fold(sum16(0, ip, ihl)) != 0xffff)
		return false;
	return fold(sum16(pseudo(4, ip + 12, ip + 16, ip[9],
				 (uint32_t)(tot - ihl)), ip + ihl, tot - ihl)) ==
	       0xffff;
}

/*
 * A frame from the host as the guest got it, against "Processing of Incoming Packets"
 * "Processing of Incoming Packets" (device normative): @gso the type
 * expected when the guest negotiated it, else GSO_NONE.
 */
/* conformance: NET-RX-02, NET-RX-05, NET-RX-06, NET-RX-19, NET-RX-20, NET-RX-26, NET-RX-27, NET-RX-28, NET-RX-31 */
static void check_rx_frame(const struct vh *h, uint8_t *p, size_t len,
			   bool offloads, uint8_t gso, uint16_t mss,
			   uint16_t l4off, uint16_t csum_off)
{
	/* "MUST set num_buffers to indicate the number of buffers" (>= 1) */
	assert_true(h->num_buffers >= 1);
	if (!offloads) {
		/* "If VIRTIO_NET_F_GUEST_CSUM is not negotiated, the device
		 * MUST set flags to zero and SHOULD supply a fully
		 * checksummed packet"; "If none of ... GUEST_TSO4, TSO6, UFO,
		 * USO4 or USO6 ... the device MUST set gso_type to
		 * VIRTIO_NET_HDR_GSO_NONE" */
		assert_int_equal(h->flags, 0);
		assert_int_equal(h->gso_type, GSO_NONE);
		assert_true(len <= ETH_LEN + 1500);
		assert_true(l4_csum_ok4(p, len));
		return;
	}
	if (h->gso_type != GSO_NONE) {
		/* "If gso_type differs from VIRTIO_NET_HDR_GSO_NONE, then the
		 * device MUST also set the NEEDS_CSUM bit in flags MUST set
		 * gso_size to indicate the desired MSS" */
		assert_int_equal(h->gso_type, gso);
		assert_true(h->flags & F_NEEDS_CSUM);
		assert_int_equal(h->gso_size, mss);
		/* "the device SHOULD set hdr_len to a value not less than
		 * the length of the headers, including the transport header" */
		assert_true(h->hdr_len >= l4off +
			    (gso == GSO_TCPV4 ? TCP_LEN : UDP_LEN));
	}
	if (h->flags & F_NEEDS_CSUM) {
		/* "MUST set csum_start and csum_offset such that calculating
		 * a ones' complement checksum from csum_start up until the
		 * end of the packet and storing the result at offset
		 * csum_offset from csum_start will result in a fully
		 * checksummed packet"; "MUST set the packet checksum stored
		 * in the receive buffer to the TCP/UDP pseudo header" */
		assert_int_equal(h->csum_start, l4off);
		assert_int_equal(h->csum_offset, csum_off);
		assert_int_equal(get16(p + l4off + csum_off),
				 fold(pseudo(4, p + ETH_LEN + 12, p + ETH_LEN + 16,
					     p[ETH_LEN + 9],
					     get16(p + ETH_LEN + 2) - IP4_LEN)));
		put16(p + l4off + csum_off,
		      (uint16_t)~fold(sum16(0, p + l4off, len - l4off)));
	} else if (!(h->flags & F_DATA_VALID)) {
		assert_true(l4_csum_ok4(p, len));
	}
	assert_true(l4_csum_ok4(p, len));
}

/* The kernel's TCP to the guest: 8000 bytes, as super-frames (GUEST_TSO4)
 * or as segments, every byte in order. Return: super-frames received. */
static unsigned int tcp_to_guest(struct vuf *f, struct tcp_conn *t,
				 bool offloads)
{
	static uint8_t data[8000], fr[70000];
	struct match m = { 6, t->dport, t->sport };
	const uint16_t l4 = ETH_LEN + IP4_LEN;
	unsigned int supers = 0;
	size_t done = 0, pl, thl;
	uint32_t seq0 = t->ack;
	struct vh h;
	int n;

	fill_payload(data, sizeof(data), 8);
	assert_int_equal(send(t->sock, data, sizeof(data), 0), sizeof(data));
	while (done < sizeof(data)) {
		n = rx_wait(f, &h, fr, sizeof(fr), from_host4, &m, 3000);
		assert_true(n > 0);
		thl = (size_t)(fr[l4 + 12] >> 4) * 4;
		pl = get16(fr + ETH_LEN + 2) - IP4_LEN - thl;
		if (!pl)
			continue;	/* an ACK */
		check_rx_frame(&h, fr, (size_t)n, offloads, GSO_TCPV4, 1000, l4,
			       16);
		supers += h.gso_type != GSO_NONE;
		assert_int_equal(get32(fr + l4 + 4) - seq0, done);
		assert_memory_equal(fr + l4 + thl, data + done, pl);
		done += pl;
	}
	t->ack += (uint32_t)done;
	if (!offloads)
		assert_int_equal(supers, 0);
	ack(f, t);
	return supers;
}

/*
 * The tap's TSO off (ethtool): the kernel segments its TCP, and vnetd
 * coalesces the segments for the guest, which negotiated GUEST_TSO4. What
 * the coalescing makes must obey the same MUSTs (check_rx_frame); it is
 * counted in rx_gro_frames / rx_coalesced, and no byte is copied twice.
 */
static void gro_to_guest(struct vuf *f, struct tcp_conn *t)
{
	uint64_t frames = stat_get("rx_gro_frames");
	uint64_t segs = stat_get("rx_coalesced");
	uint64_t copied = stat_get("rx_copied_bytes");
	uint64_t bytes = stat_get("rx_bytes");
	unsigned int supers = 0, i;

	assert_int_equal(sh("ethtool -K vt0 tx off >/dev/null 2>&1"), 0);
	for (i = 0; i < 4; i++)
		supers += tcp_to_guest(f, t, true);
	assert_int_equal(sh("ethtool -K vt0 tx on tso on >/dev/null 2>&1"), 0);
	frames = stat_get("rx_gro_frames") - frames;
	segs = stat_get("rx_coalesced") - segs;
	print_message("  vnetd coalesced %llu segments into %llu super-frames "
		      "(%u received)\n", (unsigned long long)segs,
		      (unsigned long long)frames, supers);
	assert_int_equal(frames, supers);
	assert_true(supers >= 1);
	/* zero-copy coalescing: a held flow is a chain over the tap's
	 * reads, each byte copied once in user space, into the guest */
	copied = stat_get("rx_copied_bytes") - copied;
	bytes = stat_get("rx_bytes") - bytes;
	print_message("  %llu bytes copied in user space for %llu delivered\n",
		      (unsigned long long)copied, (unsigned long long)bytes);
	assert_true(copied <= bytes);
}

/* The kernel's UDP with UDP_SEGMENT (USO) to the guest: one super-frame
 * with GSO_UDP_L4 (GUEST_USO4), or three complete datagrams. */
static void uso_to_guest(struct vuf *f, bool offloads)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(6100) };
	static uint8_t data[2800], fr[70000];
	struct match m = { 17, 6003, 6100 };
	const uint16_t l4 = ETH_LEN + IP4_LEN;
	int s = udp_sock(4, 6003), seg = 1000, n;
	size_t done = 0, pl;
	struct vh h;

	memcpy(&a.sin_addr, guest4, 4);
	assert_int_equal(setsockopt(s, SOL_UDP, UDP_SEGMENT, &seg, sizeof(seg)), 0);
	fill_payload(data, sizeof(data), 9);
	assert_int_equal(sendto(s, data, sizeof(data), 0, (struct sockaddr *)&a,
				sizeof(a)), sizeof(data));
	while (done < sizeof(data)) {
		n = rx_wait(f, &h, fr, sizeof(fr), from_host4, &m, 3000);
		assert_true(n > 0);
		check_rx_frame(&h, fr, (size_t)n, offloads, GSO_UDP_L4, 1000, l4,
			       6);
		if (offloads)	/* the kernel's USO super-frame, whole */
			assert_int_equal(h.gso_type, GSO_UDP_L4);
		pl = get16(fr + l4 + 4) - UDP_LEN;
		assert_memory_equal(fr + l4 + UDP_LEN, data + done, pl);
		done += pl;
	}
	assert_int_equal(done, sizeof(data));
	sock_close(s);
}

/*
 * Backpressure: @n datagrams from the kernel while the guest reads none;
 * the receive queue holds fewer buffers than that. What does not fit must
 * wait in the tap until the guest gives buffers (vnetd's rule, README
 * "Running vnetd": the spec lets a device drop, but the tap can hold what
 * the guest has no room for), and every datagram arrives, in order; each
 * frame obeys "Processing of Incoming Packets" (check_rx_frame). @complete:
 * the tap's transmit checksum off, so the kernel's frames come complete
 * and vnetd's coalescing engine takes them.
 */
static void backpressure_to_guest(struct vuf *f, bool complete)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(6200) };
	static uint8_t data[600], fr[70000];
	struct match m = { 17, 6004, 6200 };
	const uint16_t l4 = ETH_LEN + IP4_LEN;
	size_t pl;
	int len;
	uint64_t drops = stat_get("rx_no_buffers");
	const unsigned int n = 400;
	unsigned int i, got = 0;
	struct vh h;
	int s = udp_sock(4, 6004);

	if (complete)
		assert_int_equal(sh("ethtool -K vt0 tx off >/dev/null 2>&1"), 0);
	memcpy(&a.sin_addr, guest4, 4);
	for (i = 0; i < n; i++) {	/* each longer: none coalesces */
		put32(data, i);
		assert_int_equal(sendto(s, data, 100 + i, 0,
					(struct sockaddr *)&a, sizeof(a)),
				 100 + i);
	}
	usleep(300000);		/* vnetd takes what the ring holds */
	while (got < n &&
	       (len = rx_wait(f, &h, fr, sizeof(fr), from_host4, &m, 2000)) > 0) {
		check_rx_frame(&h, fr, (size_t)len, true, GSO_NONE, 0, l4, 6);
		pl = get16(fr + l4 + 4) - UDP_LEN;
		assert_int_equal(pl, 100 + got);
		assert_int_equal(get32(fr + l4 + UDP_LEN), got);	/* in order */
		got++;
	}
	drops = stat_get("rx_no_buffers") - drops;
	if (complete)	/* back where the guest's offloads allow it */
		sh("ethtool -K vt0 tx on >/dev/null 2>&1;"
		   " ethtool -K vt0 tso on >/dev/null 2>&1");
	print_message("  %u of %u datagrams received, %llu dropped by vnetd for "
		      "want of buffers (tap reads into the pool's reserve so "
		      "far: %llu)\n", got, n, (unsigned long long)drops,
		      (unsigned long long)stat_get("rx_pool_reserve"));
	assert_int_equal(drops, 0);
	assert_int_equal(got, n);
	sock_close(s);
}

/*
 * The guest changes its receive buffers while the device reads a frame
 * into them and decides on it (the direct read, vnetd's default with no
 * coalescing: the tap's readv() lands in guest memory, and the receive
 * filter and the delivery checks read the frame there). A thread
 * scribbles the first 64 bytes of every receive buffer's frame area (the
 * Ethernet, IP and UDP headers) without pause while the kernel sends
 * datagrams of one length; the lengths the device publishes must be the
 * ones the tap gave (taken from the read, never from the frame), every
 * datagram accounted for (delivered, or dropped and counted), and once
 * the scribbling stops, a datagram arrives intact: vnetd kept serving.
 */
struct scribble {
	struct vuf *f;
	unsigned int slots;
	atomic_bool stop;
};

static void *scribbler(void *arg)
{
	struct scribble *sc = arg;
	uint32_t x = 0x9e3779b9;
	unsigned int i, k;

	/* the frame area of a mergeable buffer starts at hdr_len (24):
	 * 8-byte aligned in the slot */

	while (!atomic_load(&sc->stop)) {
		for (i = 0; i < sc->slots; i++) {
			volatile uint64_t *p = (volatile uint64_t *)
				vuf_gp(sc->f, VUF_BUF_GPA +
				       (uint64_t)i * VUF_SLOT_SIZE +
				       sc->f->hdr_len, 64);

			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			for (k = 0; k < 8; k++)	/* a sweep takes ~1 us */
				p[k] = (uint64_t)x * 0x9e3779b97f4a7c15ULL + k;
		}
	}
	return NULL;
}

static void scribbled_to_guest(struct vuf *f)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(6300) };
	static uint8_t data[200], fr[70000];
	struct match m = { 17, 6005, 6300 };
	const size_t want = ETH_LEN + IP4_LEN + UDP_LEN + sizeof(data);
	const unsigned int n = 300;
	struct scribble sc = { .f = f, .slots = VUF_SLOTS_MAX };
	uint64_t dropped = stat_get("rx_filtered") + stat_get("rx_invalid");
	uint64_t direct = stat_get("rx_direct");
	unsigned int i, right = 0, other = 0, idle = 0;
	uint8_t hb[VNET_HDR_LEN_MAX];
	int s = udp_sock(4, 6005), len;
	pthread_t th;
	struct vh h;

	memcpy(&a.sin_addr, guest4, 4);
	fill_payload(data, sizeof(data), 11);
	assert_int_equal(pthread_create(&th, NULL, scribbler, &sc), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(sendto(s, data, sizeof(data), 0,
					(struct sockaddr *)&a, sizeof(a)),
				 sizeof(data));
		if (i % 16 == 15)
			usleep(2000);
	}
	while (idle < 200) {	/* until nothing came for 200 ms */
		vuf_rx_fill(f, 0);
		len = vuf_rx_hdr(f, 0, hb, fr, sizeof(fr));
		assert_true(len >= 0);
		if (!len) {
			idle++;
			usleep(1000);
			continue;
		}
		idle = 0;
		if ((size_t)len == want)
			right++;
		else
			other++;	/* the kernel's own (IPv6 chatter) */
	}
	atomic_store(&sc.stop, true);
	pthread_join(th, NULL);
	dropped = stat_get("rx_filtered") + stat_get("rx_invalid") - dropped;
	direct = stat_get("rx_direct") - direct;
	print_message("  %u datagrams: %u received at their length, %llu "
		      "dropped and counted, %u other frames; %llu read "
		      "straight into guest buffers\n", n, right,
		      (unsigned long long)dropped, other,
		      (unsigned long long)direct);
	assert_true(direct > 0);
	assert_int_equal(right + dropped, n);
	/* the scribbling over, vnetd still serves */
	assert_int_equal(sendto(s, data, sizeof(data), 0, (struct sockaddr *)&a,
				sizeof(a)), sizeof(data));
	len = rx_wait(f, &h, fr, sizeof(fr), from_host4, &m, 3000);
	assert_int_equal(len, want);
	assert_memory_equal(fr + ETH_LEN + IP4_LEN + UDP_LEN, data,
			    sizeof(data));
	sock_close(s);
}

/* A VXLAN frame from the host to the guest's inner port 7100. */
static bool vxlan_to_guest(const uint8_t *p, size_t len, void *arg)
{
	const size_t o = ETH_LEN + IP4_LEN, i = o + UDP_LEN + VXLAN_LEN;

	(void)arg;
	return len >= i + ETH_LEN + IP4_LEN + UDP_LEN &&
	       get16(p + 12) == 0x0800 && p[ETH_LEN + 9] == 17 &&
	       get16(p + o + 2) == 4789 && get16(p + i + 12) == 0x0800 &&
	       p[i + ETH_LEN + 9] == 17 &&
	       get16(p + i + ETH_LEN + IP4_LEN + 2) == 7100;
}

/*
 * The kernel's UDP_SEGMENT through its VXLAN device to the guest (the
 * VXLAN remote): with GUEST_UDP_TUNNEL_GSO, one tunnel super-frame whose
 * header follows udp-tunnel-gso-standard.md (gso_type UDP_L4 |
 * UDP_TUNNEL_IPV4, the outer network header's; outer_th_offset at the
 * outer UDP header, inner_nh_offset at the inner IP header, csum_start at
 * the inner UDP header) and "Processing of Incoming Packets" (check_rx_frame on the inner
 * packet); without, complete VXLAN segments.
 */
/* conformance: NET-RX-22, NET-RX-23, NET-RX-34, NET-RX-37 */
static void tunnel_to_guest(struct vuf *f, bool offloads)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(7100) };
	static uint8_t data[2400], fr[70000];
	const size_t in = ETH_LEN + IP4_LEN + UDP_LEN + VXLAN_LEN;
	const uint16_t l4 = ETH_LEN + IP4_LEN;
	int s = udp_sock(4, 7002), seg = 800, n;
	unsigned int supers = 0;
	size_t done = 0, pl;
	struct vh h;

	memcpy(&a.sin_addr, vguest4, 4);
	assert_int_equal(setsockopt(s, SOL_UDP, UDP_SEGMENT, &seg, sizeof(seg)), 0);
	fill_payload(data, sizeof(data), 10);
	assert_int_equal(sendto(s, data, sizeof(data), 0, (struct sockaddr *)&a,
				sizeof(a)), sizeof(data));
	while (done < sizeof(data)) {
		n = rx_wait(f, &h, fr, sizeof(fr), vxlan_to_guest, NULL, 3000);
		assert_true(n > 0);
		/* the outer UDP checksum: none (IPv4), or complete */
		assert_true(get16(fr + l4 + 6) == 0 || h.flags & F_TUNNEL_CSUM ||
			    l4_csum_ok4(fr, (size_t)n));
		if (h.gso_type & GSO_TUNNEL4) {
			assert_int_equal(h.outer_th, l4);
			assert_int_equal(h.inner_nh, in + ETH_LEN);
			assert_false(h.flags & F_DATA_VALID);
			h.gso_type &= (uint8_t)~GSO_TUNNEL4;
			supers++;
		} else if (offloads) {
			assert_int_equal(h.gso_type, GSO_NONE);
		}
		/* the inner frame against the device's MUSTs; csum_start and
		 * hdr_len count from the outer frame's start */
		if (h.flags & F_NEEDS_CSUM) {
			assert_int_equal(h.csum_start, in + l4);
			h.csum_start = (uint16_t)(h.csum_start - in);
		}
		if (h.gso_type != GSO_NONE) {
			assert_true(h.hdr_len >= in);
			h.hdr_len = (uint16_t)(h.hdr_len - in);
		}
		check_rx_frame(&h, fr + in, (size_t)n - in, offloads, GSO_UDP_L4,
			       800, l4, 6);
		pl = get16(fr + in + l4 + 4) - UDP_LEN;
		assert_memory_equal(fr + in + l4 + UDP_LEN, data + done, pl);
		done += pl;
	}
	assert_int_equal(done, sizeof(data));
	print_message("  %u tunnel super-frame(s)\n", supers);
	if (offloads)
		assert_true(supers >= 1);
	else
		assert_int_equal(supers, 0);
	sock_close(s);
}

/* --- the two runs ----------------------------------------------------- */

static void set_bits(struct vnet_features *w, const unsigned int *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		vnet_features_set(w, b[i]);
}

/* The next frontend negotiates GUEST_HDRLEN: every transmit header's
 * hdr_len here is exact (Ethernet to the last L4 header, inner for a
 * tunnel), as the driver then MUST set it. */
static bool guest_hdrlen;

static void frontend(struct vuf *f, bool guest_offloads)
{
	static const unsigned int host[] = {
		VNET_F_CSUM, VNET_F_HOST_TSO4, VNET_F_HOST_TSO6, VNET_F_HOST_USO,
		VNET_F_HOST_UDP_TUNNEL_GSO, VNET_F_HOST_UDP_TUNNEL_GSO_CSUM,
	};
	static const unsigned int guest[] = {
		VNET_F_GUEST_CSUM, VNET_F_GUEST_TSO4, VNET_F_GUEST_TSO6,
		VNET_F_GUEST_USO4, VNET_F_GUEST_USO6,
		VNET_F_GUEST_UDP_TUNNEL_GSO, VNET_F_GUEST_UDP_TUNNEL_GSO_CSUM,
	};
	struct vuf_opts o = { .mrg = true, .pairs = 1, .qsize = 256 };

	set_bits(&o.offloads, host, sizeof(host) / sizeof(host[0]));
	vnet_features_set(&o.offloads, VNET_F_MTU);	/* vnetd --mtu 1500 */
	if (guest_offloads)
		set_bits(&o.offloads, guest, sizeof(guest) / sizeof(guest[0]));
	if (guest_hdrlen)
		vnet_features_set(&o.offloads, VNET_F_GUEST_HDRLEN);
	memset(f, 0, sizeof(*f));
	/* -ENOTSUP: a feature asked for is not offered */
	assert_int_equal(vuf_start(f, vr.sock, &o), 0);
	front = f;
	assert_int_equal(f->hdr_len, 24);
	vuf_rx_fill(f, 0);
	usleep(200000);		/* the queues' first kicks are taken */
}

static void run3(bool soft, bool tunnel_soft, bool guest_offloads);

static void run(bool soft, bool guest_offloads)
{
	run3(soft, soft, guest_offloads);
}

/* @soft: vnetd segments USO, TSO and checksums in software; @tunnel_soft:
 * tunnel GSO too */
static void run3(bool soft, bool tunnel_soft, bool guest_offloads)
{
	const char *const restrict_tap[] = { "--tap-offloads", "", "--mtu",
					     "1500", NULL };
	struct tcp_conn t;
	struct vuf f;

	vnetd_start(soft ? restrict_tap : restrict_tap + 2);
	frontend(&f, guest_offloads);
	print_message("USO, IPv4, guest to host\n");
	uso_to_host(&f, 4, soft);
	print_message("USO, IPv6, guest to host\n");
	uso_to_host(&f, 6, soft);
	print_message("NEEDS_CSUM, guest to host\n");
	csum_to_host(&f, soft);
	print_message("MTU-sized and larger frames, guest to host\n");
	mtu_to_host(&f);
	print_message("VXLAN tunnel GSO, guest to host\n");
	tunnel_to_host(&f, false, tunnel_soft);
	print_message("VXLAN tunnel GSO with UDP_TUNNEL_CSUM, guest to host\n");
	tunnel_to_host(&f, true, tunnel_soft);
	print_message("TCP handshake with the kernel\n");
	tcp_connect(&f, &t);
	print_message("TSO, guest to host\n");
	tso_to_host(&f, &t, soft);
	print_message("kernel TCP, host to guest\n");
	if (guest_offloads)	/* the tap's own super-frames, whole */
		assert_true(tcp_to_guest(&f, &t, true) >= 1);
	else
		tcp_to_guest(&f, &t, false);
	if (guest_offloads)
		gro_to_guest(&f, &t);
	print_message("kernel UDP_SEGMENT, host to guest\n");
	uso_to_guest(&f, guest_offloads);
	print_message("kernel UDP_SEGMENT through VXLAN, host to guest\n");
	tunnel_to_guest(&f, guest_offloads);
	if (!guest_offloads) {	/* no coalescing: the direct read */
		print_message("guest scribbling its buffers, host to guest\n");
		scribbled_to_guest(&f);
	}
	print_message("backpressure, host to guest\n");
	backpressure_to_guest(&f, false);
	print_message("backpressure, host to guest, complete checksums\n");
	backpressure_to_guest(&f, true);
	assert_int_equal(stat_get("tx_invalid"), 0);
	close_socks();
	vuf_close(&f);
	vnetd_stop();
}

/* The tap takes every offload: vnetd passes frames through untouched;
 * the guest takes super-frames from the kernel. */
static void test_passthrough(void **state)
{
	(void)state;
	run(false, true);
}

/* --tap-offloads "": vnetd segments and checksums in software; the guest
 * negotiated no receive offload and gets complete segments. */
static void test_software(void **state)
{
	(void)state;
	run(true, false);
}

/* The tap takes every offload; the guest negotiated none for receive
 * (so vnetd asked the tap for none with TUNSETOFFLOAD): what the guest
 * sends passes through all the same. */
static void test_host_only(void **state)
{
	(void)state;
	run3(false, false, false);
}

/* conformance: NET-TX-05 */
/* GUEST_HDRLEN negotiated (issue 16): the device may take hdr_len as the
 * header length; every transmit offload still reaches the kernel whole. */
static void test_guest_hdrlen(void **state)
{
	(void)state;
	guest_hdrlen = true;
	run(false, true);
	guest_hdrlen = false;
}

static int teardown(void **state)
{
	(void)state;
	guest_hdrlen = false;
	close_socks();
	run_kill(&vr);
	sh("ip link del vx0 2>/dev/null");
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_passthrough, teardown),
		cmocka_unit_test_teardown(test_software, teardown),
		cmocka_unit_test_teardown(test_host_only, teardown),
		cmocka_unit_test_teardown(test_guest_hdrlen, teardown),
	};
	const char *why;

	why = argc < 2 ? "usage: test_vnetd_offloads PATH/TO/vnetd" :
			 run_setup(&vr, argv[1]);
	if (why) {	/* what it needs is installed by the repo: a failure */
		printf("FAIL: %s\n", why);
		return 1;
	}
	snprintf(stats_path, sizeof(stats_path), "%s/stats.sock", vr.dir);
	inet_pton(AF_INET6, "2001:db8::1", host6);
	inet_pton(AF_INET6, "2001:db8::2", guest6);
	return run_finish(&vr, cmocka_run_group_tests(tests, NULL, NULL));
}
