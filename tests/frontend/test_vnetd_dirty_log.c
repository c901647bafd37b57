// SPDX-License-Identifier: MIT
/* test_vnetd_dirty_log.c - the memory-diff oracle of live migration: every guest page vnetd changes while logging is on is set in the dirty log */

/*
 * vhost-user.rst, "Migration": "All the modifications to memory pointed
 * by vring "descriptor" should be marked. Modifications to "used" vring
 * should be marked if VHOST_VRING_F_LOG is part of ring's flags." A page
 * the device writes and does not mark reaches the migration's destination
 * stale: the guest reads old bytes where a frame was (issue 15).
 *
 * The oracle: the test frontend (the guest) makes buffers available, then
 * takes a copy of all guest memory and writes nothing more; the real
 * daemon (argv[1]) fills the buffers with what the host sends through the
 * tap (a network namespace this process makes), uses transmit buffers,
 * answers control commands; then every page whose bytes differ from the
 * copy must be set in the log. Any page the device wrote and did not mark
 * is a failure, named with what the page holds.
 *
 * Modes: split and packed rings; mergeable buffers and Linux's big
 * packets; 1 and 2 queue pairs (RSS steering frames between the pairs'
 * workers, control commands); vnetd's coalescing on and off; EVENT_IDX on
 * and off; the guest on vnetd's VXLAN overlay port (the kernel's VXLAN
 * device at the other end). Then logging switched on while frames arrive (SET_LOG_BASE,
 * SET_FEATURES with LOG_ALL, SET_VRING_ADDR with VHOST_VRING_F_LOG, as
 * QEMU sends them), and off again (nothing marked after); and the log
 * replaced while frames arrive (every page in the old log or the new one,
 * those written after the reply in the new one, the old one left alone).
 * Skips (77) where a namespace cannot be made.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vnet/vhost_user.h"
#include "vnetd_netns.h"
#include "vu_front.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT	103
#endif

#define PAGE		4096u
/* Log bytes for every guest address up to the end of the buffers. */
#define LOG_SIZE	((VUF_BUF_GPA + VUF_BUF_SIZE) / PAGE / 8 + 1)
#define LOG_OFF		4096u	/* the log starts this far into its file */

static const char *vnetd_path;
static char dir[] = "/tmp/vnetd-dlog-XXXXXX";
static char sock_path[100], log_path[100];
static pid_t vnetd_pid = -1;
static uint8_t *snap;		/* the guest memory copy */

/* --- shell and daemon ------------------------------------------------- */

/* Where the host sends to the guest: on the tap, or through the overlay. */
static const char *guest_ip = "192.0.2.2";

/* The overlay mode: vnetd a VXLAN endpoint (192.0.2.2) on its tap, the
 * host's end the kernel's VXLAN device vx0 (198.51.100.1, the guest
 * 198.51.100.2) over the tap's host side (192.0.2.1). */
static void overlay_host(void)
{
	assert_int_equal(sh("ip link add vx0 type vxlan id 42 local 192.0.2.1"
			    " remote 192.0.2.2 dstport 4789 dev dl0 &&"
			    " ip addr add 198.51.100.1/24 dev vx0 && ip link set vx0 up &&"
			    " ip neigh replace 198.51.100.2 lladdr 52:54:00:12:34:56"
			    " dev vx0"), 0);
	guest_ip = "198.51.100.2";
}

/* vnetd with @queues pairs on tap dl0 (192.0.2.1, the guest 192.0.2.2),
 * offering packed rings or not, coalescing on or off, the guest on the
 * tap or on a VXLAN overlay over it. */
static void vnetd_start(unsigned int queues, bool packed, bool gro,
			bool overlay)
{
	char nq[8];
	const char *argv[14] = { vnetd_path, "--socket-path", sock_path,
				 "--tap", "dl0", "--tap-transient", "--queues", nq };
	int n = 8;

	snprintf(nq, sizeof(nq), "%u", queues);
	if (packed)
		argv[n++] = "--packed";
	if (!gro)
		argv[n++] = "--no-gro";
	if (overlay) {
		argv[n++] = "--vxlan";
		argv[n++] = "vni=42,local=192.0.2.2,remote=192.0.2.1";
	}
	vnetd_pid = vnetd_spawn(argv, log_path, sock_path);
	assert_true(vnetd_pid > 0);
	assert_int_equal(access(sock_path, F_OK), 0);	/* it made its socket */
	assert_int_equal(sh("ip link set dl0 up && ip addr add 192.0.2.1/24 dev dl0"),
			 0);
	guest_ip = "192.0.2.2";
	if (overlay)	/* vnetd answers ARP for its tunnel address */
		overlay_host();
	else
		assert_int_equal(sh("ip neigh replace 192.0.2.2 lladdr"
				    " 52:54:00:12:34:56 dev dl0"), 0);
}

/* The tap's checksum offload (and with it TSO/USO) off: the kernel's
 * frames come complete, one per segment, and vnetd's coalescing takes
 * them. Set once the guest negotiated: vnetd sets the tap's offloads then. */
static void tap_complete(bool on)
{
	if (on)
		assert_int_equal(sh("ethtool -K dl0 tx off >/dev/null 2>&1"), 0);
}

static void vnetd_stop(void)
{
	bool clean;

	if (vnetd_pid <= 0)
		return;
	clean = vnetd_term(vnetd_pid);
	vnetd_pid = -1;
	sh("ip link del vx0 2>/dev/null");
	/* a daemon that died (a write to an unmapped log, a sanitizer
	 * report) fails here */
	assert_true(clean);
}

/* --- the log ------------------------------------------------------------ */

struct dlog {
	int fd;
	uint8_t *map;	/* the file, LOG_OFF bytes before the log */
	uint8_t *bits;
};

static void dlog_new(struct dlog *l)
{
	l->fd = memfd_create("dlog", MFD_CLOEXEC);
	assert_true(l->fd >= 0);
	assert_int_equal(ftruncate(l->fd, (off_t)(LOG_OFF + LOG_SIZE)), 0);
	l->map = mmap(NULL, LOG_OFF + LOG_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED, l->fd, 0);
	assert_true(l->map != MAP_FAILED);
	l->bits = l->map + LOG_OFF;
}

static void dlog_free(struct dlog *l)
{
	munmap(l->map, LOG_OFF + LOG_SIZE);
	close(l->fd);
}

static bool dlog_has(const struct dlog *l, uint64_t gpa)
{
	uint64_t page = gpa / PAGE;

	return page / 8 < LOG_SIZE &&
	       (__atomic_load_n(&l->bits[page / 8], __ATOMIC_RELAXED) &
		(1u << (page % 8)));
}

static void dlog_send(struct vuf *f, const struct dlog *l)
{
	assert_int_equal(vuf_log_base(f, l->fd, LOG_SIZE, LOG_OFF), 0);
}

/* What QEMU sends when migration starts (vhost_migration_log): the log,
 * LOG_ALL, then each ring's log flag; or when it ends. */
static void logging(struct vuf *f, const struct dlog *l, bool on)
{
	unsigned int i;

	if (on)
		dlog_send(f, l);
	assert_int_equal(vuf_log_all(f, on), 0);
	for (i = 0; i < f->nq; i++)
		assert_int_equal(vuf_vring_log(f, i, on), 0);
}

/* --- the diff ----------------------------------------------------------- */

/* Guest address of byte @off of the frontend's memory. */
static uint64_t off_gpa(size_t off)
{
	return off < VUF_RING_SIZE ? VUF_RING_GPA + off :
	       VUF_BUF_GPA + (off - VUF_RING_SIZE);
}

/* What a guest page holds, for the failure message. */
static void page_name(const struct vuf *f, uint64_t gpa, char *buf,
		      size_t room)
{
	uint64_t q, slot;

	if (gpa < VUF_RING_GPA + VUF_RING_SIZE) {
		q = gpa / 0x10000;
		snprintf(buf, room, "rings of queue %llu (%s)",
			 (unsigned long long)q, f->o.packed ?
			 "descriptor ring, event areas" :
			 "descriptors, avail, used");
		return;
	}
	slot = (gpa - VUF_BUF_GPA) / VUF_SLOT_SIZE;
	q = slot / VUF_SLOTS_MAX;
	snprintf(buf, room, "buffer slot %llu of queue %llu (%s)",
		 (unsigned long long)(slot % VUF_SLOTS_MAX),
		 (unsigned long long)q,
		 q == f->nq - 1 && f->o.rss ? "control" :
		 q % 2 ? "transmit" : "receive");
}

/*
 * Every page of guest memory that differs from the snapshot must be set
 * in @a or @b (NULL: only @a). Return: pages changed. Fails listing the
 * pages missed.
 */
static unsigned int check_diff(const char *what, struct vuf *f,
			       const struct dlog *a, const struct dlog *b)
{
	unsigned int changed = 0, missed = 0;
	char name[96];
	size_t off;

	for (off = 0; off < f->mem_size; off += PAGE) {
		uint64_t gpa = off_gpa(off);

		if (!memcmp(snap + off, f->mem + off, PAGE))
			continue;
		changed++;
		if (dlog_has(a, gpa) || (b && dlog_has(b, gpa)))
			continue;
		if (missed++ < 12) {
			page_name(f, gpa, name, sizeof(name));
			print_message("  page 0x%llx changed, not in the log: %s\n",
				      (unsigned long long)gpa, name);
		}
	}
	print_message("%s: %u pages changed, %u of them not in the dirty log\n",
		      what, changed, missed);
	if (missed)
		fail_msg("%s: %u of %u pages vnetd wrote are not in the dirty "
			 "log", what, missed, changed);
	return changed;
}

static void snapshot(const struct vuf *f)
{
	memcpy(snap, f->mem, f->mem_size);
}

/* Used buffers on every queue of @f, taken or not. */
static uint64_t used_total(struct vuf *f)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < f->nq; i++)
		n += f->q[i].returned + vuf_used_count(f, i);
	return n;
}

/* Wait until the device stops using buffers: no change for 250 ms (3 s
 * at most). Return: buffers used since used_total() was @start. */
static uint64_t settle(struct vuf *f, uint64_t start)
{
	uint64_t last = used_total(f);
	int quiet = 0, i;

	for (i = 0; i < 300 && quiet < 25; i++) {
		uint64_t now;

		usleep(10000);
		now = used_total(f);
		quiet = now == last ? quiet + 1 : 0;
		last = now;
	}
	return last - start;
}

/* --- traffic ------------------------------------------------------------ */

static int udp_sock(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_DGRAM, 0), one = 1;

	assert_true(s >= 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (port && bind(s, (struct sockaddr *)&a, sizeof(a)))
		fail_msg("bind %u: %s", port, strerror(errno));
	return s;
}

static void send_to_guest(int s, uint16_t port, const void *p, size_t n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, guest_ip, &a.sin_addr);
	if (sendto(s, p, n, 0, (struct sockaddr *)&a, sizeof(a)) != (ssize_t)n)
		fail_msg("sendto: %s", strerror(errno));
}

/*
 * The host's traffic to the guest: 4 flows of equal 1400-byte datagrams
 * (coalesced when vnetd coalesces; RSS spreads the flows over the pairs),
 * datagrams of growing size, and UDP_SEGMENT sends of up to 60000 bytes
 * (one super-frame each when the tap takes USO, else segments vnetd
 * coalesces or not). @scale: 1, or less for big
 * buffers (a few per ring). @pace_us between sends, 0 for a burst.
 */
static void host_traffic(unsigned int scale, unsigned int pace_us,
			 unsigned int rounds)
{
	static uint8_t data[60000];
	unsigned int i, r, nuso = scale > 1 ? 1 : 3;
	int s[5], seg = 1400, k;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	for (k = 0; k < 5; k++)
		s[k] = udp_sock((uint16_t)(7100 + k));
	/* first, so a big buffer takes one inside the window */
	assert_int_equal(setsockopt(s[4], SOL_UDP, UDP_SEGMENT, &seg,
				    sizeof(seg)), 0);
	for (i = 0; i < nuso; i++)
		send_to_guest(s[4], 6002, data, sizeof(data) - 20000 * i);
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < 40 / scale; i++) {
			send_to_guest(s[i % 4], 6000, data + i, 1400);
			if (pace_us)
				usleep(pace_us);
		}
		for (i = 0; i < 20 / scale; i++)
			send_to_guest(s[i % 4], 6001, data, 100 + 37 * i);
	}
	for (k = 0; k < 5; k++)
		close(s[k]);
}

struct pacer {
	pthread_t t;
	unsigned int pace_us;
	unsigned int rounds;
};

static void *pacer_main(void *arg)
{
	struct pacer *p = arg;

	host_traffic(1, p->pace_us, p->rounds);
	return NULL;
}

/* The longest frame the guest received. */
static int longest;

/* Take everything received, give the buffers back: outside a window. */
static void drain(struct vuf *f)
{
	static uint8_t fr[70000];
	unsigned int p, idle;
	int n;

	for (idle = 0; idle < 3; idle++) {
		bool any = false;

		for (p = 0; p < f->o.pairs; p++) {
			while ((n = vuf_rx(f, p, fr, sizeof(fr))) > 0) {
				longest = n > longest ? n : longest;
				any = true;
			}
			vuf_rx_fill(f, p);
			vuf_reap_tx(f, p);
		}
		if (any)
			idle = 0;
		usleep(50000);
	}
	for (p = 0; p < f->o.pairs; p++)
		assert_int_equal(f->q[2 * p].bad_len, 0);
}

/* A frame from the guest (what the host does with it does not matter:
 * the device only reads it). */
static size_t guest_frame(uint8_t *fr, unsigned int i)
{
	static const uint8_t hdr[] = { 0x02, 0, 0, 0, 0, 0x01, 0x52, 0x54,
				       0x00, 0x12, 0x34, 0x56, 0x88, 0xb5 };
	size_t len = sizeof(hdr) + 200 + 29 * i;

	memcpy(fr, hdr, sizeof(hdr));
	memset(fr + sizeof(hdr), (int)i, len - sizeof(hdr));
	return len;
}

/* --- control commands --------------------------------------------------- */

#define CTRL_RX		0
#define CTRL_MAC	1
#define CTRL_MQ		4

/* RSS_CONFIG (5.1.6.5.7.1): IPv4 and UDPv4 hashed over both pairs. */
static size_t rss_config(uint8_t *c, unsigned int pairs)
{
	size_t n = 0;
	unsigned int i;

	c[n++] = 0x01 | 0x04;	/* hash_types: IPv4, UDPv4 (le32) */
	c[n++] = 0;
	c[n++] = 0;
	c[n++] = 0;
	c[n++] = 7;		/* indirection_table_mask: 8 entries */
	c[n++] = 0;
	c[n++] = 0;		/* unclassified_queue */
	c[n++] = 0;
	for (i = 0; i < 8; i++) {
		c[n++] = (uint8_t)(i % pairs);
		c[n++] = 0;
	}
	c[n++] = (uint8_t)pairs;	/* max_tx_vq */
	c[n++] = 0;
	c[n++] = 40;		/* hash_key_length */
	for (i = 0; i < 40; i++)
		c[n++] = (uint8_t)(0x6d + 13 * i);
	return n;
}

/* --- the windows -------------------------------------------------------- */

/* Every receive queue full of buffers, the first kicks taken. */
static void rx_ready(struct vuf *f)
{
	drain(f);
	usleep(50000);
}

/* Host to guest: buffers out, snapshot, frames, settle, diff. */
static void rx_window(const char *mode, struct vuf *f, const struct dlog *l,
		      unsigned int scale)
{
	char what[128];
	uint64_t used;

	rx_ready(f);
	snapshot(f);
	used = used_total(f);
	host_traffic(scale, 0, 1);
	used = settle(f, used);
	snprintf(what, sizeof(what), "%s, host to guest (%llu buffers used)",
		 mode, (unsigned long long)used);
	assert_true(used > 0);
	assert_true(check_diff(what, f, l, NULL) > 0);
}

/* Guest to host: frames made available unkicked, snapshot, kicks, diff. */
static void tx_window(const char *mode, struct vuf *f, const struct dlog *l)
{
	static uint8_t fr[4096];
	char what[128];
	unsigned int p, i, n = 0;
	uint64_t used;

	drain(f);
	for (p = 0; p < f->o.pairs; p++)
		for (i = 0; i < 24; i++)
			n += vuf_tx_add(f, p, fr, guest_frame(fr, i)) == 0;
	snapshot(f);
	used = used_total(f);
	for (p = 0; p < f->o.pairs; p++)
		vuf_kick(f, 2 * p + 1);
	used = settle(f, used);
	snprintf(what, sizeof(what), "%s, guest to host (%u frames, %llu "
		 "buffers used)", mode, n, (unsigned long long)used);
	assert_true(used >= n);
	check_diff(what, f, l, NULL);
}

/* Control commands: made available unkicked, snapshot, kick, diff, acks. */
static void ctrl_window(const char *mode, struct vuf *f, const struct dlog *l)
{
	static const uint8_t on = 1, macs[] = { 1, 0, 0, 0, 0x52, 0x54, 0, 0x12,
						0x34, 0x56, 0, 0, 0, 0 };
	uint8_t rss[128], bad = 0;
	char what[128];
	int i;

	drain(f);
	assert_int_equal(vuf_ctrl_post(f, CTRL_RX, 0, &on, 1), 0);   /* PROMISC */
	assert_int_equal(vuf_ctrl_post(f, CTRL_RX, 1, &on, 1), 0);   /* ALLMULTI */
	assert_int_equal(vuf_ctrl_post(f, CTRL_MAC, 0, macs, sizeof(macs)), 0);
	assert_int_equal(vuf_ctrl_post(f, CTRL_MQ, 1, rss,
				       rss_config(rss, f->o.pairs)), 0);
	assert_int_equal(vuf_ctrl_post(f, 99, 0, &bad, 1), 0);  /* unknown */
	snapshot(f);
	vuf_kick(f, f->nq - 1);
	settle(f, used_total(f));
	snprintf(what, sizeof(what), "%s, control commands", mode);
	assert_int_equal(vuf_used_count(f, f->nq - 1), 5);
	check_diff(what, f, l, NULL);
	for (i = 0; i < 4; i++) {	/* "VIRTIO_NET_OK" */
		int ack = vuf_ctrl_ack(f);

		if (ack)
			fail_msg("command %d: ack %d", i, ack);
	}
	assert_int_equal(vuf_ctrl_ack(f), 1);	/* "VIRTIO_NET_ERR" */
}

/* --- modes -------------------------------------------------------------- */

struct mode {
	const char *name;
	bool packed, mrg, event_idx, gro;
	unsigned int pairs;
	bool overlay;
};

static void guest_opts(const struct mode *m, struct vuf_opts *o)
{
	static const unsigned int offl[] = {
		VNET_F_CSUM, VNET_F_HOST_TSO4, VNET_F_HOST_USO,
		VNET_F_GUEST_CSUM, VNET_F_GUEST_TSO4, VNET_F_GUEST_TSO6,
		VNET_F_GUEST_USO4, VNET_F_GUEST_USO6,
	};
	size_t i;

	memset(o, 0, sizeof(*o));
	o->packed = m->packed;
	o->mrg = m->mrg;
	o->big = !m->mrg;
	o->event_idx = m->event_idx;
	o->pairs = m->pairs;
	o->rss = m->pairs > 1;
	o->qsize = 256;
	o->proto_extra = 1ULL << VNET_VU_PROTOCOL_F_LOG_SHMFD;
	for (i = 0; i < sizeof(offl) / sizeof(offl[0]); i++)
		vnet_features_set(&o->offloads, offl[i]);
	if (o->rss)	/* PROMISC, ALLMULTI, MAC_TABLE_SET */
		vnet_features_set(&o->offloads, VNET_F_CTRL_RX);
}

static void start(const struct mode *m, struct vuf *f, bool log_all)
{
	struct vuf_opts o;

	guest_opts(m, &o);
	o.log_all = log_all;
	vnetd_start(m->pairs, m->packed, m->gro, m->overlay);
	memset(f, 0, sizeof(*f));
	assert_int_equal(vuf_start(f, sock_path, &o), 0);
	tap_complete(m->gro);
	snap = malloc(f->mem_size);
	assert_non_null(snap);
}

static void stop(struct vuf *f)
{
	vuf_close(f);
	free(snap);
	snap = NULL;
	vnetd_stop();
}

/* Logging on from the start, as on a destination that starts logging
 * before the guest runs: every window of traffic diffed. */
static void run_mode(const struct mode *m)
{
	struct dlog l;
	struct vuf f;

	print_message("mode: %s\n", m->name);
	longest = 0;
	start(m, &f, false);
	dlog_new(&l);
	logging(&f, &l, true);
	if (m->pairs > 1)
		ctrl_window(m->name, &f, &l);
	rx_window(m->name, &f, &l, m->mrg ? 1 : 4);
	tx_window(m->name, &f, &l);
	rx_window(m->name, &f, &l, m->mrg ? 1 : 4);
	drain(&f);
	/* a super-frame longer than 8 pages, in one big buffer (5.1.6.3.1:
	 * buffers "of at least 65562 bytes" for a guest without MRG_RXBUF) */
	print_message("  longest frame received: %d bytes\n", longest);
	assert_true(longest > 8 * (int)PAGE);
	stop(&f);
	dlog_free(&l);
}

static void test_split_mrg(void **state)
{
	static const struct mode m = {
		.name = "split, mergeable, 1 pair, coalescing",
		.mrg = true, .event_idx = true, .gro = true, .pairs = 1 };
	(void)state;
	run_mode(&m);
}

static void test_packed_mrg(void **state)
{
	static const struct mode m = {
		.name = "packed, mergeable, 1 pair, no coalescing",
		.packed = true, .mrg = true, .pairs = 1 };
	(void)state;
	run_mode(&m);
}

static void test_split_big(void **state)
{
	static const struct mode m = {
		.name = "split, big buffers, 1 pair, no coalescing",
		.pairs = 1 };
	(void)state;
	run_mode(&m);
}

static void test_packed_big(void **state)
{
	static const struct mode m = {
		.name = "packed, big buffers, 1 pair, coalescing",
		.packed = true, .event_idx = true, .gro = true, .pairs = 1 };
	(void)state;
	run_mode(&m);
}

static void test_split_mq(void **state)
{
	static const struct mode m = {
		.name = "split, mergeable, 2 pairs, RSS, control queue, coalescing",
		.mrg = true, .gro = true, .pairs = 2 };
	(void)state;
	run_mode(&m);
}

static void test_packed_mq(void **state)
{
	static const struct mode m = {
		.name = "packed, mergeable, 2 pairs, RSS, control queue, no coalescing",
		.packed = true, .mrg = true, .event_idx = true, .pairs = 2 };
	(void)state;
	run_mode(&m);
}

static void test_overlay(void **state)
{
	static const struct mode m = {
		.name = "split, mergeable, 1 pair, VXLAN overlay port, coalescing",
		.mrg = true, .event_idx = true, .gro = true, .pairs = 1,
		.overlay = true };
	(void)state;
	run_mode(&m);
}

/* Frames arriving, paced, while the frontend does @switch_fn; waits until
 * the device has used @before buffers first. Return: buffers used after
 * the switch. */
static uint64_t mid_traffic(struct vuf *f, uint64_t before,
			    void (*switch_fn)(struct vuf *f, void *arg),
			    void *arg)
{
	struct pacer p = { .pace_us = 400, .rounds = 4 };
	uint64_t at;
	unsigned int i;

	rx_ready(f);
	snapshot(f);
	at = used_total(f);
	assert_int_equal(pthread_create(&p.t, NULL, pacer_main, &p), 0);
	for (i = 0; i < 3000 && used_total(f) < at + before; i++)
		usleep(1000);
	switch_fn(f, arg);
	at = used_total(f);
	pthread_join(p.t, NULL);
	settle(f, at);
	return used_total(f) - at;
}

/* Logging switched on while frames arrive: snapshot at LOG_ALL's reply. */
static void switch_on(struct vuf *f, void *arg)
{
	const struct dlog *l = arg;
	unsigned int i;

	dlog_send(f, l);
	assert_int_equal(vuf_log_all(f, true), 0);
	snapshot(f);	/* from here on every write is marked */
	for (i = 0; i < f->nq; i++)
		assert_int_equal(vuf_vring_log(f, i, true), 0);
}

static void test_log_on_mid_traffic(void **state)
{
	static const struct mode m = {
		.name = "split, mergeable, logging switched on mid-traffic",
		.mrg = true, .event_idx = true, .pairs = 1 };
	struct dlog l;
	struct vuf f;
	uint64_t after;
	size_t i;

	(void)state;
	print_message("mode: %s\n", m.name);
	start(&m, &f, false);
	dlog_new(&l);
	after = mid_traffic(&f, 20, switch_on, &l);
	print_message("  %llu buffers used after LOG_ALL\n",
		      (unsigned long long)after);
	assert_true(after > 0);		/* the switch was mid-traffic */
	assert_true(check_diff(m.name, &f, &l, NULL) > 0);
	/* and off again: nothing marked once LOG_ALL's reply is in */
	logging(&f, &l, false);
	memset(l.bits, 0, LOG_SIZE);
	rx_ready(&f);
	after = used_total(&f);
	host_traffic(1, 0, 1);
	assert_true(settle(&f, after) > 0);
	for (i = 0; i < LOG_SIZE; i++)
		if (l.bits[i])
			fail_msg("log byte %zu is 0x%x with logging off", i,
				 l.bits[i]);
	stop(&f);
	dlog_free(&l);
}

struct replace {
	const struct dlog *old, *new;
	uint8_t *old_copy;
	uint8_t *first;		/* the snapshot before the traffic */
};

/* The log replaced while frames arrive (memory hot-plug during
 * migration): snapshot at SET_LOG_BASE's reply, and the old log's bits. */
static void switch_log(struct vuf *f, void *arg)
{
	struct replace *r = arg;

	memcpy(r->first, snap, f->mem_size);
	dlog_send(f, r->new);
	memcpy(r->old_copy, r->old->bits, LOG_SIZE);
	snapshot(f);	/* from here on every write is in the new log */
}

static void test_log_replaced_mid_traffic(void **state)
{
	static const struct mode m = {
		.name = "packed, mergeable, 2 pairs, log replaced mid-traffic",
		.packed = true, .mrg = true, .gro = true, .pairs = 2 };
	struct dlog a, b;
	struct replace r = { &a, &b, NULL, NULL };
	struct vuf f;
	uint64_t after;

	(void)state;
	print_message("mode: %s\n", m.name);
	start(&m, &f, false);
	dlog_new(&a);
	dlog_new(&b);
	logging(&f, &a, true);
	r.first = malloc(f.mem_size);
	r.old_copy = malloc(LOG_SIZE);
	assert_non_null(r.first);
	assert_non_null(r.old_copy);
	after = mid_traffic(&f, 20, switch_log, &r);
	print_message("  %llu buffers used after SET_LOG_BASE\n",
		      (unsigned long long)after);
	assert_true(after > 0);
	check_diff("written after the new log's reply, in the new log", &f,
		   &b, NULL);
	assert_memory_equal(r.old_copy, a.bits, LOG_SIZE);	/* left alone */
	memcpy(snap, r.first, f.mem_size);	/* before: both logs count */
	check_diff("written in all, in the old log or the new", &f, &a, &b);
	free(r.first);
	free(r.old_copy);
	stop(&f);
	dlog_free(&a);
	dlog_free(&b);
}

/* --- LOG_ALL keeps the device as the guest set it ---------------------- */

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t other_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };

/* One frame onto the tap's wire, to @dst (0x88b5, local experimental). */
static void wire_frame(const uint8_t *dst)
{
	struct sockaddr_ll a = { .sll_family = AF_PACKET, .sll_halen = 6 };
	uint8_t fr[60] = { 0 };
	int s = socket(AF_PACKET, SOCK_RAW, 0);

	assert_true(s >= 0);
	a.sll_ifindex = (int)if_nametoindex("dl0");
	memcpy(a.sll_addr, dst, 6);
	memcpy(fr, dst, 6);
	memcpy(fr + 6, "\x02\x00\x00\x00\x00\x01\x88\xb5", 8);
	assert_int_equal(sendto(s, fr, sizeof(fr), 0, (struct sockaddr *)&a,
				sizeof(a)), sizeof(fr));
	close(s);
}

/* A frame to the guest's MAC and one to another: how many of the other
 * the guest got (its own must arrive, showing the path works). */
static unsigned int others_received(struct vuf *f)
{
	static uint8_t fr[70000];
	unsigned int mine = 0, others = 0, p, i;
	int n;

	rx_ready(f);
	wire_frame(other_mac);
	wire_frame(guest_mac);
	for (i = 0; i < 100 && !mine; i++) {
		usleep(5000);
		for (p = 0; p < f->o.pairs; p++)
			while ((n = vuf_rx(f, p, fr, sizeof(fr))) >= 14) {
				if (fr[12] != 0x88 || fr[13] != 0xb5)
					continue;	/* the kernel's own */
				mine += !memcmp(fr, guest_mac, 6);
				others += !memcmp(fr, other_mac, 6);
			}
	}
	assert_int_equal(mine, 1);
	return others;
}

/*
 * Migration starts and ends while the rings run: SET_FEATURES with the
 * same features and LOG_ALL set, then clear. Only logging changes
 * (vhost-user.rst: "To start/stop logging of data/used ring writes,
 * server may send messages VHOST_USER_SET_FEATURES with VHOST_F_LOG_ALL"):
 * the receive filter the guest set (promiscuous mode off: "the device
 * MUST NOT ... receive packets" not addressed to it) stays. vnetd once
 * renegotiated the device on it, which put it back in promiscuous mode.
 */
static void test_log_all_keeps_state(void **state)
{
	static const struct mode m = {
		.name = "split, mergeable, 2 pairs, LOG_ALL on and off with "
			"promiscuous mode off",
		.mrg = true, .pairs = 2 };
	static const uint8_t off;
	struct dlog l;
	struct vuf f;

	(void)state;
	print_message("mode: %s\n", m.name);
	start(&m, &f, false);
	dlog_new(&l);
	rx_ready(&f);
	assert_int_equal(vuf_ctrl(&f, CTRL_RX, 0, &off, 1), 0);  /* PROMISC */
	assert_int_equal(others_received(&f), 0);
	logging(&f, &l, true);
	assert_int_equal(others_received(&f), 0);
	logging(&f, &l, false);
	assert_int_equal(others_received(&f), 0);
	stop(&f);
	dlog_free(&l);
}

static int teardown(void **state)
{
	(void)state;
	if (vnetd_pid > 0) {
		kill(vnetd_pid, SIGKILL);
		waitpid(vnetd_pid, NULL, 0);
		vnetd_pid = -1;
	}
	free(snap);
	snap = NULL;
	sh("ip link del vx0 2>/dev/null");
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_split_mrg, teardown),
		cmocka_unit_test_teardown(test_packed_mrg, teardown),
		cmocka_unit_test_teardown(test_split_big, teardown),
		cmocka_unit_test_teardown(test_packed_big, teardown),
		cmocka_unit_test_teardown(test_split_mq, teardown),
		cmocka_unit_test_teardown(test_packed_mq, teardown),
		cmocka_unit_test_teardown(test_overlay, teardown),
		cmocka_unit_test_teardown(test_log_on_mid_traffic, teardown),
		cmocka_unit_test_teardown(test_log_replaced_mid_traffic,
					  teardown),
		cmocka_unit_test_teardown(test_log_all_keeps_state, teardown),
	};
	const char *why;
	int rc;

	if (argc < 2)
		return cannot_run("usage: test_vnetd_dirty_log PATH/TO/vnetd");
	vnetd_path = argv[1];
	why = netns_enter();
	if (why)
		return cannot_run(why);
	if (!mkdtemp(dir))
		return cannot_run("no temporary directory");
	snprintf(sock_path, sizeof(sock_path), "%s/vu.sock", dir);
	snprintf(log_path, sizeof(log_path), "%s/vnetd.log", dir);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (rc)
		sh("cat %s", log_path);
	sh("rm -rf %s", dir);
	return rc;
}
