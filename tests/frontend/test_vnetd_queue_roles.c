// SPDX-License-Identifier: MIT
/* test_vnetd_queue_roles.c - the real vnetd with two pairs and drivers that negotiate fewer: tap frames reach the receive queues the layout has, never the control queue */

/*
 * virtio-net "Virtqueues": receiveq1, transmitq1 ... receiveqN,
 * transmitqN, then controlq at 2N; "N=1 if neither VIRTIO_NET_F_MQ nor
 * VIRTIO_NET_F_RSS are negotiated, otherwise N is set by
 * max_virtqueue_pairs". The real daemon (argv[1]) runs with --queues 2
 * and a tap of two queues in a network namespace this process makes
 * (unshare: it goes away with the process; vnetd is the only process
 * started, stopped by its pid). The test frontend (vu_front.c) is the
 * driver; frames come from the namespace's kernel: one UDP datagram per
 * flow, 64 flows, which the kernel spreads over the tap's queues by their
 * hash. Every datagram must reach a receive queue of the layout, and the
 * control queue must answer its commands (one used buffer per command,
 * one byte of ack):
 * - CTRL_VQ without MQ (issue 20, item 4): index 2 is the control queue,
 *   pair 1 does not exist for the driver: everything on receiveq1;
 * - the same with the workers busy polling and MRG_RXBUF;
 * - RSS without MQ: N is max_virtqueue_pairs, the control queue index 4,
 *   index 2 is receiveq2: RSS_CONFIG is answered and puts every frame on
 *   receiveq2;
 * - MQ without VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET: NET-MQ-04 "After
 *   initialization of reset, the device MUST queue packets only on
 *   receiveq1"; after PAIRS_SET 2 both queues, after PAIRS_SET 1 NET-MQ-05
 *   "MUST NOT queue packets on receive queues greater than
 *   virtqueue_pairs" (the tap queue of a pair not in use is detached:
 *   the kernel sends its flows to the other, none is lost).
 * Fails where a namespace cannot be made (never skips).
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vnet/ctrl.h"
#include "vnetd_netns.h"
#include "vu_front.h"

#define FLOWS		64
#define DPORT		9999
#define DEADLINE_MS	5000
#define QSIZE		256

static const char *vnetd_path;
static char dir[] = "/tmp/vnetd-qroles-XXXXXX";
static char sock_path[100], log_path[100];
static pid_t vnetd_pid = -1;
static struct vuf front;
static bool connected;
static uint32_t round_no;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* vnetd with two pairs on tap qr0, @extra (NULL-terminated) after. */
static void vnetd_start(const char *const *extra)
{
	const char *argv[16] = { vnetd_path, "--socket-path", sock_path,
				 "--tap", "qr0", "--tap-transient", "--queues", "2" };
	struct stat st;
	int n = 8, i;

	for (i = 0; extra && extra[i] && n < 15; i++)
		argv[n++] = extra[i];
	vnetd_pid = vnetd_spawn(argv, log_path, sock_path);
	assert_true(vnetd_pid > 0);
	assert_int_equal(stat(sock_path, &st), 0);
	/* the guest at 192.0.2.2, its address known: no ARP, no IPv6 */
	assert_int_equal(sh("sysctl -qw net.ipv6.conf.qr0.disable_ipv6=1 &&"
			    " ip link set qr0 up && ip addr add 192.0.2.1/24 dev qr0 &&"
			    " ip neigh replace 192.0.2.2 lladdr 52:54:00:12:34:56 dev qr0"),
			 0);
}

static void vnetd_stop(void)
{
	bool clean;

	if (vnetd_pid <= 0)
		return;
	clean = vnetd_term(vnetd_pid);
	vnetd_pid = -1;
	assert_true(clean);
}

static int teardown(void **state)
{
	(void)state;
	if (connected)
		vuf_close(&front);
	connected = false;
	vnetd_stop();
	return 0;
}

/* One datagram per flow from the host (source ports 20000 + i) to the
 * guest, each carrying the round and its flow. */
static void send_flows(void)
{
	struct sockaddr_in dst = { .sin_family = AF_INET,
				   .sin_port = htons(DPORT) };
	unsigned int i;

	round_no++;
	inet_pton(AF_INET, "192.0.2.2", &dst.sin_addr);
	for (i = 0; i < FLOWS; i++) {
		struct sockaddr_in src = { .sin_family = AF_INET,
					   .sin_port = htons(20000 + i) };
		uint32_t msg[2] = { round_no, i };
		int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		assert_true(s >= 0);
		inet_pton(AF_INET, "192.0.2.1", &src.sin_addr);
		assert_int_equal(bind(s, (struct sockaddr *)&src, sizeof(src)),
				 0);
		assert_int_equal(sendto(s, msg, sizeof(msg), 0,
					(struct sockaddr *)&dst, sizeof(dst)),
				 (ssize_t)sizeof(msg));
		close(s);
	}
}

/* The flow a frame of this round carries, or -1 for another frame. */
static int flow_of(const uint8_t *f, int len)
{
	uint32_t msg[2];
	int l3 = 14, l4;

	if (len < l3 + 20 || f[12] != 0x08 || f[13] != 0x00 || f[l3 + 9] != 17)
		return -1;
	l4 = l3 + (f[l3] & 0xf) * 4;
	if (len < l4 + 8 + (int)sizeof(msg) ||
	    (f[l4 + 2] << 8 | f[l4 + 3]) != DPORT)
		return -1;
	memcpy(msg, f + l4 + 8, sizeof(msg));
	return msg[0] == round_no && msg[1] < FLOWS ? (int)msg[1] : -1;
}

/*
 * Receive this round's flows on the receive queues of pairs [0, @pairs)
 * until each came once, or the deadline; @per[p] counts pair p's.
 * Return: flows received
 */
static unsigned int recv_flows(unsigned int pairs, unsigned int *per)
{
	uint64_t end = now_ms() + DEADLINE_MS;
	bool seen[FLOWS] = { false };
	unsigned int got = 0, p;
	uint8_t buf[VUF_FRAME_MAX];

	memset(per, 0, pairs * sizeof(*per));
	while (got < FLOWS && now_ms() < end) {
		bool any = false;

		for (p = 0; p < pairs; p++) {
			int len = vuf_rx(&front, p, buf, sizeof(buf)), k;

			assert_true(len >= 0);
			if (!len)
				continue;
			any = true;
			k = flow_of(buf, len);
			if (k < 0)
				continue;
			assert_false(seen[k]);	/* each flow once */
			seen[k] = true;
			got++;
			per[p]++;
		}
		for (p = 0; p < pairs; p++)
			vuf_rx_fill(&front, p);
		if (!any)
			usleep(1000);
	}
	return got;
}

/* The control queue answered each command with one byte, nothing else:
 * every used buffer there is a command's (vu_front.c checks the IDs). */
static void ctrl_clean(unsigned int commands)
{
	const struct vuf_queue *q = &front.q[front.nq - 1];

	assert_int_equal(q->returned, commands);
	assert_int_equal(q->bad_returns, 0);
	assert_int_equal(q->bad_len, 0);
}

/* Options of a driver that may send promiscuous-mode commands. */
static struct vuf_opts opts(struct vuf_opts o)
{
	vnet_features_set(&o.offloads, VNET_F_CTRL_RX);
	return o;
}

static int promisc(void)
{
	uint8_t on = 1;

	return vuf_ctrl(&front, VNET_CTRL_RX, VNET_CTRL_RX_PROMISC, &on, 1);
}

/* vnetd started (@extra), the driver connected with @o and receive
 * buffers on its first @pairs pairs. */
static void start(const char *const *extra, const struct vuf_opts *o,
		  unsigned int pairs)
{
	unsigned int p;

	vnetd_start(extra);
	assert_int_equal(vuf_start(&front, sock_path, o), 0);
	connected = true;
	for (p = 0; p < pairs; p++)
		vuf_rx_fill(&front, p);
}

/* CTRL_VQ without MQ: queue 2 is the control queue, pair 1 is not the
 * driver's. All flows on receiveq1, the control queue acks. */
static void ctrl_without_mq(const char *const *extra, bool mrg)
{
	struct vuf_opts o = opts((struct vuf_opts){ .pairs = 1, .ctrl = true,
						    .mrg = mrg,
						    .qsize = QSIZE });
	unsigned int per[1];

	start(extra, &o, 1);
	assert_int_equal(front.nq, 3);	/* controlq at 2N = 2 */
	send_flows();
	assert_int_equal(recv_flows(1, per), FLOWS);
	assert_int_equal(promisc(), VNET_CTRL_OK);
	send_flows();
	assert_int_equal(recv_flows(1, per), FLOWS);
	assert_int_equal(promisc(), VNET_CTRL_OK);
	ctrl_clean(2);
	assert_true(vuf_alive(&front));
}

static void test_ctrl_without_mq(void **state)
{
	(void)state;
	ctrl_without_mq(NULL, false);
}

/* The same, the workers polling their queues all the time (pair 1's
 * worker must not take the control queue for its receive queue), and
 * MRG_RXBUF (a control buffer taken for a frame broke the queue). */
static void test_ctrl_without_mq_busy_poll(void **state)
{
	static const char *const extra[] = { "--busy-poll", NULL };

	(void)state;
	ctrl_without_mq(extra, true);
}

/* RSS_CONFIG: every frame to pair @to (an empty hash type set sends all
 * to unclassified_queue; a one-entry table says the same). */
static int rss_all_to(uint16_t to)
{
	uint8_t cmd[8 + 2 + 3 + 40] = { 0 }, *p = cmd;

	p[6] = (uint8_t)to;	/* le16 unclassified_queue; mask 0 */
	p[8] = (uint8_t)to;	/* indirection_table[0] */
	p[10] = 2;		/* le16 max_tx_vq */
	p[12] = 40;		/* hash_key_length, then the key */
	memset(p + 13, 0x6d, 40);
	return vuf_ctrl(&front, VNET_CTRL_MQ, VNET_CTRL_MQ_RSS_CONFIG, cmd,
			sizeof(cmd));
}

/* RSS without MQ: N = max_virtqueue_pairs = 2, controlq at 4, index 2
 * is receiveq2. */
static void test_rss_without_mq(void **state)
{
	struct vuf_opts o = opts((struct vuf_opts){ .pairs = 2, .rss = true,
						    .no_mq = true,
						    .qsize = QSIZE });
	unsigned int per[2];

	(void)state;
	start(NULL, &o, 2);
	assert_false(vnet_features_has(&front.features, VNET_F_MQ));
	assert_int_equal(front.nq, 5);
	assert_int_equal(rss_all_to(1), VNET_CTRL_OK);
	send_flows();
	assert_int_equal(recv_flows(2, per), FLOWS);
	assert_int_equal(per[1], FLOWS);	/* all on receiveq2 */
	assert_int_equal(promisc(), VNET_CTRL_OK);
	ctrl_clean(2);
	assert_true(vuf_alive(&front));
}

static int pairs_set(uint16_t n)
{
	uint8_t le[2] = { (uint8_t)n, (uint8_t)(n >> 8) };

	return vuf_ctrl(&front, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET, le, 2);
}

/* MQ: receiveq1 only until VQ_PAIRS_SET, then the pairs it names. */
static void test_mq_pairs_in_use(void **state)
{
	struct vuf_opts o = opts((struct vuf_opts){ .pairs = 2, .ctrl = true,
						    .qsize = QSIZE });
	unsigned int per[2];

	(void)state;
	start(NULL, &o, 2);
	assert_true(vnet_features_has(&front.features, VNET_F_MQ));
	/* NET-MQ-04: "After initialization of reset, the device MUST queue
	 * packets only on receiveq1." */
	send_flows();
	assert_int_equal(recv_flows(2, per), FLOWS);
	assert_int_equal(per[0], FLOWS);
	assert_int_equal(pairs_set(2), VNET_CTRL_OK);
	send_flows();
	assert_int_equal(recv_flows(2, per), FLOWS);
	assert_true(per[1] > 0);	/* 64 flows: the kernel used both */
	/* NET-MQ-05: "MUST NOT queue packets on receive queues greater than
	 * virtqueue_pairs once it has placed the
	 * VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET command in a used buffer" */
	assert_int_equal(pairs_set(1), VNET_CTRL_OK);
	send_flows();
	assert_int_equal(recv_flows(2, per), FLOWS);
	assert_int_equal(per[0], FLOWS);
	ctrl_clean(2);
	assert_true(vuf_alive(&front));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_ctrl_without_mq, teardown),
		cmocka_unit_test_teardown(test_ctrl_without_mq_busy_poll,
					  teardown),
		cmocka_unit_test_teardown(test_rss_without_mq, teardown),
		cmocka_unit_test_teardown(test_mq_pairs_in_use, teardown),
	};
	const char *why;
	int rc;

	if (argc < 2)
		return cannot_run("usage: test_vnetd_queue_roles PATH/TO/vnetd");
	vnetd_path = argv[1];
	why = netns_enter();
	if (why)
		return cannot_run(why);
	if (!mkdtemp(dir))
		return cannot_run("no temporary directory");
	snprintf(sock_path, sizeof(sock_path), "%s/vu.sock", dir);
	snprintf(log_path, sizeof(log_path), "%s/vnetd.log", dir);
	signal(SIGPIPE, SIG_IGN);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (rc)
		sh("cat %s", log_path);
	sh("rm -rf %s", dir);
	return rc;
}
