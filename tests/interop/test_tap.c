// SPDX-License-Identifier: MIT
/* test_tap.c - the TAP port against the kernel's tun driver (run in a netns) */

#include <errno.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <cmocka.h>

#include "vnet/csum.h"
#include "vnet/hdr.h"
#include "vnet/tap.h"

#define ALL_OFFLOADS (VNET_TUN_F_CSUM | VNET_TUN_F_TSO4 | VNET_TUN_F_TSO6 | \
		      VNET_TUN_F_TSO_ECN | VNET_TUN_F_USO4 | VNET_TUN_F_USO6 | \
		      VNET_TUN_F_UDP_TUNNEL_GSO | VNET_TUN_F_UDP_TUNNEL_GSO_CSUM)

static int run(const char *cmd)
{
	int rc = system(cmd);

	if (rc)
		fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
	return rc;
}

static void test_open_multiqueue_and_hdr_len(void **state)
{
	struct vnet_tap t;
	int len = 0;

	(void)state;
	assert_int_equal(vnet_tap_open(&t, "vt-mq", 4), 0);
	assert_string_equal(t.name, "vt-mq");
	assert_int_equal(t.nqueues, 4);
	assert_int_equal(vnet_tap_set_hdr_len(&t, 12), 0);
	assert_int_equal(ioctl(t.fds[3], TUNGETVNETHDRSZ, &len), 0);
	assert_int_equal(len, 12);
	vnet_tap_close(&t);
	assert_int_equal(vnet_tap_open(&t, "", 0), -EINVAL);
	assert_int_equal(vnet_tap_open(&t, "a-name-far-too-long", 1), -EINVAL);
}

/*
 * A tap made persistent outlives its fds with what the host set on it
 * (its address here), and the next open attaches to it, not creating a
 * new one; made transient again, it goes with its last fd.
 */
static void test_persist_outlives_fds(void **state)
{
	struct vnet_tap t;

	(void)state;
	assert_int_equal(if_nametoindex("vt-keep"), 0);
	assert_int_equal(vnet_tap_open(&t, "vt-keep", 1), 0);
	assert_true(t.created);
	assert_int_equal(vnet_tap_set_persist(&t, true), 0);
	assert_int_equal(run("ip addr add 198.51.100.7/32 dev vt-keep"), 0);
	vnet_tap_close(&t);
	assert_int_not_equal(if_nametoindex("vt-keep"), 0);
	assert_int_equal(run("ip -o addr show dev vt-keep | "
			     "grep -q 198.51.100.7/32"), 0);
	assert_int_equal(vnet_tap_open(&t, "vt-keep", 1), 0);
	assert_false(t.created);
	assert_int_equal(vnet_tap_set_persist(&t, false), 0);
	vnet_tap_close(&t);
	assert_int_equal(if_nametoindex("vt-keep"), 0);
	/* without it, a created tap goes with its fds */
	assert_int_equal(vnet_tap_open(&t, "vt-keep", 1), 0);
	assert_true(t.created);
	vnet_tap_close(&t);
	assert_int_equal(if_nametoindex("vt-keep"), 0);
}

/* The kernel here (6.18) takes every flag, tunnel ones included. */
static void test_offloads_all_accepted(void **state)
{
	struct vnet_tap t;

	(void)state;
	assert_int_equal(vnet_tap_open(&t, "vt-off", 1), 0);
	assert_int_equal(vnet_tap_set_hdr_len(&t, 24), 0);
	assert_int_equal(vnet_tap_set_offloads(&t, ALL_OFFLOADS), 0);
	assert_int_equal(t.offloads, ALL_OFFLOADS);
	/* tunnel bits without any GSO type under them are dropped, not
	 * refused (the kernel would refuse the set) */
	assert_int_equal(vnet_tap_set_offloads(&t, VNET_TUN_F_CSUM |
					       VNET_TUN_F_UDP_TUNNEL_GSO), 0);
	assert_int_equal(t.offloads, VNET_TUN_F_CSUM);
	/* and with a header too short for the tunnel offsets */
	assert_int_equal(vnet_tap_set_hdr_len(&t, 12), 0);
	assert_int_equal(vnet_tap_set_offloads(&t, ALL_OFFLOADS), 0);
	assert_int_equal(t.offloads, ALL_OFFLOADS & ~(VNET_TUN_F_UDP_TUNNEL_GSO |
					VNET_TUN_F_UDP_TUNNEL_GSO_CSUM));
	vnet_tap_close(&t);
}

/* A set the kernel refuses (TSO without CSUM) falls back, then fails. */
static void test_offloads_refused(void **state)
{
	struct vnet_tap t;

	(void)state;
	assert_int_equal(vnet_tap_open(&t, "vt-bad", 1), 0);
	assert_int_equal(vnet_tap_set_offloads(&t, VNET_TUN_F_TSO4), -EINVAL);
	vnet_tap_close(&t);
}

static void test_offloads_for_guest_features(void **state)
{
	struct vnet_features f = { { 0, 0 } };

	(void)state;
	vnet_features_set(&f, VNET_F_GUEST_TSO4);
	assert_int_equal(vnet_tap_offloads_for(&f), 0); /* no GUEST_CSUM */
	vnet_features_set(&f, VNET_F_GUEST_CSUM);
	vnet_features_set(&f, VNET_F_GUEST_USO6);
	vnet_features_set(&f, VNET_F_GUEST_UDP_TUNNEL_GSO);
	assert_int_equal(vnet_tap_offloads_for(&f),
			 VNET_TUN_F_CSUM | VNET_TUN_F_TSO4 | VNET_TUN_F_USO6 |
			 VNET_TUN_F_UDP_TUNNEL_GSO);
}

/* A TCPv4 frame, 3000 bytes of payload, with a TSO header for MSS 1000. */
static size_t tso_frame(uint8_t *f)
{
	static const uint8_t head[54] = {
		0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a, 0x08, 0x00,
		0x45, 0, 0x0b, 0xe0, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0,
		192, 0, 2, 1, 192, 0, 2, 2,
		0x30, 0x39, 0x13, 0x89, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10,
		0xff, 0xff, 0, 0, 0, 0,
	};
	size_t i;

	uint16_t check;

	memcpy(f, head, 54);
	/* a real header checksum: bridge netfilter, where loaded, drops bad ones */
	check = vnet_csum_ipv4_header(f + 14, 20);
	memcpy(f + 24, &check, 2);
	for (i = 0; i < 3000; i++)
		f[54 + i] = (uint8_t)(i * 31);
	return 54 + 3000;
}

/* Read frames from @t until one of the test's flow (TCP port 5001). */
static ssize_t read_flow(struct vnet_tap *t, uint8_t *buf, size_t len)
{
	struct pollfd p = { t->fds[0], POLLIN, 0 };
	struct iovec iov = { buf, len };
	ssize_t n;

	while (poll(&p, 1, 2000) == 1) {
		n = vnet_tap_read(t, 0, &iov, 1);
		if (n > t->hdr_len + 38 && buf[t->hdr_len + 12] == 0x08 &&
		    buf[t->hdr_len + 36] == 0x13 && buf[t->hdr_len + 37] == 0x89)
			return n;
	}
	return -ETIMEDOUT;
}

static void bridge(struct vnet_tap *a, struct vnet_tap *b)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd),
		 "ip link add vtbr type bridge && ip link set %s master vtbr && "
		 "ip link set %s master vtbr && ip link set %s up && "
		 "ip link set %s up && ip link set vtbr up", a->name, b->name,
		 a->name, b->name);
	assert_int_equal(run(cmd), 0);
	/* the bridge ports reach the forwarding state a moment after link up */
	snprintf(cmd, sizeof(cmd), "for i in $(seq 50); do "
		 "bridge link show dev %s | grep -q forwarding && exit 0; "
		 "sleep 0.1; done; exit 1", b->name);
	assert_int_equal(run(cmd), 0);
}

/*
 * Passthrough: a tap that took TSO4 hands the super-frame on untouched,
 * header and bytes; one that did not gets the kernel's segments.
 */
static void test_tso_passthrough_and_segmentation(void **state)
{
	static uint8_t frame[4096], got[70000];
	struct vnet_hdr h = { .flags = VNET_HDR_F_NEEDS_CSUM,
			      .gso_type = VNET_HDR_GSO_TCPV4, .hdr_len = 54,
			      .gso_size = 1000, .csum_start = 34,
			      .csum_offset = 16 };
	struct vnet_features v1 = { { 1ULL << VNET_F_VERSION_1, 0 } };
	struct vnet_hdr_layout l;
	struct vnet_tap a, b;
	struct vnet_hdr rh;
	uint8_t wire[12];
	struct iovec iov[2] = { { wire, 12 }, { frame, 0 } };
	ssize_t n;
	int segs = 0;

	(void)state;
	vnet_hdr_layout_init(&l, &v1, VNET_PROFILE_STANDARD, VNET_ENDIAN_LITTLE);
	vnet_hdr_encode(&l, &h, wire, sizeof(wire));
	iov[1].iov_len = tso_frame(frame);
	assert_int_equal(vnet_tap_open(&a, "vt-a", 1), 0);
	assert_int_equal(vnet_tap_open(&b, "vt-b", 1), 0);
	assert_int_equal(vnet_tap_set_hdr_len(&a, 12), 0);
	assert_int_equal(vnet_tap_set_hdr_len(&b, 12), 0);
	assert_int_equal(vnet_tap_set_offloads(&a, ALL_OFFLOADS), 0);
	assert_int_equal(vnet_tap_set_offloads(&b, ALL_OFFLOADS), 0);
	bridge(&a, &b);

	assert_int_equal(vnet_tap_write(&a, 0, iov, 2), 12 + 3054);
	n = read_flow(&b, got, sizeof(got));
	assert_int_equal(n, 12 + 3054);
	assert_int_equal(vnet_hdr_decode(&l, got, (size_t)n, &rh), 12);
	assert_int_equal(rh.gso_type, VNET_HDR_GSO_TCPV4);
	assert_int_equal(rh.gso_size, 1000);
	assert_true(rh.flags & VNET_HDR_F_NEEDS_CSUM);
	assert_memory_equal(got + 12, frame, 3054);

	/* B takes no offloads: the kernel segments (3 x 1000) */
	assert_int_equal(vnet_tap_set_offloads(&b, 0), 0);
	assert_int_equal(vnet_tap_write(&a, 0, iov, 2), 12 + 3054);
	while ((n = read_flow(&b, got, sizeof(got))) > 0) {
		assert_int_equal(n, 12 + 54 + 1000);
		assert_int_equal(vnet_hdr_decode(&l, got, (size_t)n, &rh), 12);
		assert_int_equal(rh.gso_type, VNET_HDR_GSO_NONE);
		if (++segs == 3)
			break;
	}
	assert_int_equal(segs, 3);
	vnet_tap_close(&a);
	vnet_tap_close(&b);
	run("ip link del vtbr");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_multiqueue_and_hdr_len),
		cmocka_unit_test(test_offloads_all_accepted),
		cmocka_unit_test(test_persist_outlives_fds),
		cmocka_unit_test(test_offloads_refused),
		cmocka_unit_test(test_offloads_for_guest_features),
		cmocka_unit_test(test_tso_passthrough_and_segmentation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
