// SPDX-License-Identifier: MIT
/* test_vnetd_switchover.c - a migration's destination: a call eventfd replaced after the ring started still wakes the driver (EVENT_IDX) */

#define _GNU_SOURCE
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <setjmp.h>
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

#include "vnetd_netns.h"
#include "vu_front.h"

/*
 * Issue 15: an idle guest with EVENT_IDX stopped answering after a live
 * migration to vnetd (tests/interop/test_qemu_migrate.sh with
 * VNETD_MIGRATE_IDLE=1). QEMU 7.2 with INTx (no MSI-X vectors, as under
 * TCG) starts a destination's rings with SET_VRING_KICK and only then
 * sends SET_VRING_CALL with the eventfd it reads; the fd given before
 * belongs to a notifier QEMU drops unread. Frames waiting in the tap are
 * used as soon as the receive ring starts, and their notification went
 * to that old fd. The driver, waiting with used_event at the used idx it
 * last saw, was never told; and with EVENT_IDX the device notifies only
 * when the used idx crosses used_event, which it had already passed: no
 * notification ever again ("If the idx field in the used ring ... was
 * equal to used_event, the device MUST send a notification": only then).
 *
 * The test frontend does what QEMU does, against the real vnetd on a tap
 * in a namespace of its own: EVENT_IDX, receive buffers up, a frame from
 * the host used and signalled on the first call fd; then SET_VRING_CALL
 * with a new eventfd, and a second frame. The driver waits on the new fd
 * only, as QEMU does: it must be woken (within DEADLINE_MS) and find both
 * frames. Without the fix the new fd is never signalled.
 */

#define TAP		"vsw0"
#define DEADLINE_MS	3000

static const char *vnetd_bin;
static char dir[] = "/tmp/vnetd-switchover-XXXXXX";
static char sock_path[96], log_path[96];
static pid_t pid = -1;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* One broadcast frame from the host into the tap, @tag in its payload. */
static void host_send(uint8_t tag)
{
	struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_halen = 6 };
	uint8_t frame[128];
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	assert_true(s >= 0);
	sa.sll_ifindex = (int)if_nametoindex(TAP);
	memset(frame, 0xff, 6);
	memcpy(frame + 6, "\x02\x00\x00\x00\x00\x09\x88\xb5", 8);
	memset(frame + 14, tag, sizeof(frame) - 14);
	assert_int_equal(sendto(s, frame, sizeof(frame), 0,
				(struct sockaddr *)&sa, sizeof(sa)),
			 sizeof(frame));
	close(s);
}

/* Whether eventfd @fd is signalled within @ms; it is drained. */
static bool signalled(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	uint64_t v;

	if (poll(&p, 1, ms) != 1)
		return false;
	return read(fd, &v, sizeof(v)) == sizeof(v);
}

/* The next received frame's payload tag, or -1 if none is used. */
static int rx_tag(struct vuf *f)
{
	uint8_t buf[VUF_FRAME_MAX];
	int n = vuf_rx(f, 0, buf, sizeof(buf));

	return n > 14 ? buf[14] : -1;
}

/* conformance: SPL-12 */
static void call_replaced_after_start(void **state)
{
	struct vuf_opts o = { .event_idx = true, .mrg = true, .pairs = 1,
			      .qsize = 256 };
	uint64_t end;
	struct vuf f;
	int old;

	(void)state;
	assert_int_equal(vuf_start(&f, sock_path, &o), 0);
	assert_true(vnet_features_has(&f.features, VNET_F_EVENT_IDX));
	assert_true(vuf_rx_fill(&f, 0) > 0);

	/* the first frame, used and signalled on the call fd of the start */
	host_send(1);
	end = now_ms() + DEADLINE_MS;
	while (vuf_used_count(&f, 0) < 1 && now_ms() < end)
		usleep(1000);
	assert_int_equal(vuf_used_count(&f, 0), 1);

	/* QEMU's SET_VRING_CALL after the start; the old fd is dropped
	 * unread, with the notification in it */
	old = vuf_replace_call(&f, 0);
	assert_true(old >= 0);
	close(old);

	/* a second frame: the driver, waiting on the new fd, must wake and
	 * find both (used_event is still 0, where it saw the used idx) */
	host_send(2);
	assert_true(signalled(f.q[0].call, DEADLINE_MS));
	end = now_ms() + DEADLINE_MS;
	while (vuf_used_count(&f, 0) < 2 && now_ms() < end)
		usleep(1000);
	assert_int_equal(rx_tag(&f), 1);
	assert_int_equal(rx_tag(&f), 2);
	vuf_close(&f);
}

static int setup(void **state)
{
	const char *argv[] = { vnetd_bin, "--socket-path", sock_path,
			       "--tap", TAP, "--tap-transient", NULL };
	uint64_t end = now_ms() + DEADLINE_MS;

	(void)state;
	/* no IPv6 on the tap: its router solicitations and MLD reports
	 * would be frames to the guest the test does not send */
	if (sh("sysctl -qw net.ipv6.conf.default.disable_ipv6=1 "
	       "net.ipv6.conf.all.disable_ipv6=1"))
		return -1;
	pid = vnetd_spawn(argv, log_path, sock_path);
	if (pid <= 0)
		return -1;
	while (!if_nametoindex(TAP) && now_ms() < end)
		usleep(10000);
	return sh("ip link set " TAP " up") ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	if (pid > 0 && !vnetd_term(pid))
		return -1;	/* a sanitizer's report: exit status not 0 */
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(call_replaced_after_start,
						setup, teardown),
	};
	const char *why;
	int ret;

	if (argc < 2)
		return cannot_run("usage: test_vnetd_switchover PATH/TO/vnetd");
	vnetd_bin = argv[1];
	why = netns_enter();
	if (why)
		return cannot_run(why);
	if (!mkdtemp(dir))
		return cannot_run("cannot make a temporary directory");
	snprintf(sock_path, sizeof(sock_path), "%s/vnetd.sock", dir);
	snprintf(log_path, sizeof(log_path), "%s/vnetd.log", dir);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	if (ret)
		sh("cat %s", log_path);
	sh("rm -rf %s", dir);
	return ret;
}
