// SPDX-License-Identifier: MIT
/* test_vnetd_ring_enable.c - the real vnetd with rings started but disabled: transmit buffers consumed and discarded, nothing received, both again once enabled */

/*
 * vhost-user "Starting and stopping rings": "If a ring is started but
 * disabled, the backend must process the ring without talking to the
 * network: it must not supply any new RX packets, but must process and
 * discard any TX packets." (VU-04.) The real daemon (argv[1]) runs on tap
 * re0 in a network namespace this process makes; the test frontend
 * (vu_front.c) is the driver, with PROTOCOL_FEATURES, so
 * SET_VRING_ENABLE governs its rings. The host side is a packet socket
 * on re0: it sees what vnetd writes to the tap and sends what vnetd
 * reads from it. Frames are test_frame()'s (broadcast, ethertype 0x88b5,
 * a sequence number), so no address set-up is needed.
 * Fails where a namespace cannot be made (never skips).
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vnet/vhost_user.h"
#include "vnetd_run.h"
#include "vu_test_util.h"
#include "vu_front.h"

#define QSIZE		256
#define FRAMES		20
#define QUIET_MS	300	/* how long "nothing arrives" is watched */
#define DEADLINE_MS	3000

static struct vnetd_run vr;
static struct vuf front;
static bool connected;
static int host = -1;		/* packet socket on re0 */
static uint32_t next_seq;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int setup(void **state)
{
	static const char *const args[] = { "--tap", "re0", "--tap-transient",
					    NULL };
	struct sockaddr_ll a = { .sll_family = AF_PACKET,
				 .sll_protocol = htons(ETH_P_ALL) };
	struct vuf_opts o = { .pairs = 1, .qsize = QSIZE };

	(void)state;
	assert_true(run_start(&vr, args));
	assert_int_equal(sh("sysctl -qw net.ipv6.conf.re0.disable_ipv6=1 &&"
			    " ip link set re0 up"), 0);
	host = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		      htons(ETH_P_ALL));
	assert_true(host >= 0);
	a.sll_ifindex = (int)if_nametoindex("re0");
	assert_true(a.sll_ifindex > 0);
	assert_int_equal(bind(host, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(vuf_start(&front, vr.sock, &o), 0);
	connected = true;
	return 0;
}

static int teardown(void **state)
{
	bool clean;

	(void)state;
	if (connected)
		vuf_close(&front);
	connected = false;
	if (host >= 0)
		close(host);
	host = -1;
	clean = run_stop(&vr);
	assert_true(clean);	/* exit 0: no sanitizer report */
	return 0;
}

static void ring_enable(unsigned int idx, bool on)
{
	struct { uint32_t index, num; } st = { idx, on };

	assert_int_equal(vuf_set(&front, VNET_VU_SET_VRING_ENABLE, &st,
				 sizeof(st), NULL, 0), 0);
}

/* Frame @seq: broadcast, ethertype 0x88b5, the number, a pattern; 60 to
 * 259 bytes, within any MTU. Return: its length */
static unsigned int test_frame(uint32_t seq, uint8_t *buf)
{
	return tx_frame_len(seq, 60 + seq % 200, buf);
}

/* The sequence number of a test_frame() frame, or -1 for another frame. */
static int64_t seq_of(const uint8_t *f, ssize_t len)
{
	uint8_t want[VUF_FRAME_MAX];
	uint32_t seq;

	if (len < 18 || f[12] != 0x88 || f[13] != 0xb5)
		return -1;
	memcpy(&seq, f + 14, 4);
	if (test_frame(seq, want) != (unsigned int)len ||
	    memcmp(f, want, (size_t)len))
		return -1;
	return seq;
}

/* Frames vnetd wrote to the tap, until @ms pass or @want arrived. */
static unsigned int host_count(unsigned int want, int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;
	uint8_t buf[VUF_FRAME_MAX];
	unsigned int got = 0;

	while (got < want && now_ms() < end) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(host, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &fl);

		if (n < 0) {
			usleep(1000);
			continue;
		}
		if (from.sll_pkttype != PACKET_OUTGOING && seq_of(buf, n) >= 0)
			got++;
	}
	return got;
}

/* The frames the host sent that reached the guest, watched @ms. */
static unsigned int guest_count(unsigned int want, int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;
	uint8_t buf[VUF_FRAME_MAX];
	unsigned int got = 0;

	while (got < want && now_ms() < end) {
		int n = vuf_rx(&front, 0, buf, sizeof(buf));

		assert_true(n >= 0);
		if (n > 0 && seq_of(buf, n) >= 0)
			got++;
		else if (n == 0)
			usleep(1000);
		vuf_rx_fill(&front, 0);
	}
	return got;
}

static void guest_send(unsigned int n)
{
	uint8_t f[VUF_FRAME_MAX];
	unsigned int i;

	for (i = 0; i < n; i++)
		assert_int_equal(vuf_tx(&front, 0, f,
					test_frame(next_seq++, f)), 0);
}

static void host_send(unsigned int n)
{
	uint8_t f[VUF_FRAME_MAX];
	unsigned int i;

	for (i = 0; i < n; i++) {
		unsigned int len = test_frame(next_seq++, f);

		assert_int_equal(send(host, f, len, 0), (ssize_t)len);
	}
}

/* The driver's transmit buffers all back, each with length 0. */
static bool tx_all_back(int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;

	do {
		vuf_reap_tx(&front, 0);
		if (!vuf_outstanding(&front, 1))
			return true;
		usleep(1000);
	} while (now_ms() < end);
	return false;
}

/* conformance: VU-04 */
/* A started but disabled transmit ring: its buffers come back used
 * (processed), none reaches the network (discarded); enabled again, the
 * next frames go out. */
static void test_tx_disabled_discards(void **state)
{
	(void)state;
	ring_enable(1, false);
	guest_send(FRAMES);
	assert_true(tx_all_back(DEADLINE_MS));
	assert_int_equal(front.q[1].bad_len, 0);
	assert_int_equal(host_count(FRAMES, QUIET_MS), 0);
	ring_enable(1, true);
	guest_send(FRAMES);
	assert_int_equal(host_count(FRAMES, DEADLINE_MS), FRAMES);
	assert_true(tx_all_back(DEADLINE_MS));
	assert_true(vuf_alive(&front));
}

/* conformance: VU-04 */
/* A started but disabled receive ring, with buffers to spare: the host's
 * frames are not supplied to it; enabled again, new frames are. */
static void test_rx_disabled_supplies_nothing(void **state)
{
	(void)state;
	vuf_rx_fill(&front, 0);
	host_send(1);		/* a frame before: the path works */
	assert_int_equal(guest_count(1, DEADLINE_MS), 1);
	ring_enable(0, false);
	host_send(FRAMES);
	assert_int_equal(guest_count(FRAMES, QUIET_MS), 0);
	ring_enable(0, true);
	host_send(FRAMES);
	/* what the tap kept while the ring was disabled may come too: at
	 * least the new frames, at most both rounds */
	assert_true(guest_count(2 * FRAMES, DEADLINE_MS) >= FRAMES);
	assert_true(vuf_alive(&front));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tx_disabled_discards,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_disabled_supplies_nothing,
						setup, teardown),
	};
	const char *why;

	if (argc < 2)
		return cannot_run("usage: test_vnetd_ring_enable PATH/TO/vnetd");
	why = run_setup(&vr, argv[1]);
	if (why)
		return cannot_run(why);
	signal(SIGPIPE, SIG_IGN);
	return run_finish(&vr, cmocka_run_group_tests(tests, NULL, NULL));
}
