// SPDX-License-Identifier: MIT
/* test_vnetd_iommu.c - the real vnetd behind a vIOMMU: IOTLB updates, invalidations and misses, hostile sequences included */

#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "vnet/iotlb.h"
#include "vnet/vhost_user.h"
#include "vnetd_proc.h"
#include "vu_front.h"

/*
 * Issue 18 (VIRTIO_F_ACCESS_PLATFORM with the vhost-user IOTLB), against
 * the daemon itself. vnetd runs without a tap (its transmit path is a sink
 * that counts) and with --null-rx (a generator fills every receive buffer
 * the guest offers), so both directions move without a network namespace.
 * The test frontend (vu_front.c, .iommu) negotiates ACCESS_PLATFORM,
 * BACKEND_REQ and REPLY_ACK, gives the device a backend channel, and puts
 * I/O virtual addresses in its rings: the guest physical ones, which it
 * maps (or not) as each case says. vhost-user.rst, "IOMMU support":
 * "Addresses and size must be within vhost memory regions"; "On success,
 * the slave is expected to reply with a zero payload, non-zero
 * otherwise"; misses go to the frontend as BACKEND_IOTLB_MSG with "the
 * I/O virtual address and the permissions flags".
 *
 * Each case ends with the queue served correctly or broken alone, the
 * daemon alive, answering vhost-user and its stats, and the other
 * direction still moving. Waits have deadlines only so that a stalled
 * daemon fails instead of hanging.
 */

#define QSIZE		64
#define DEADLINE_MS	5000
#define QUIET_MS	300	/* a buffer the device may not use stays out */
#define RXQ		0
#define TXQ		1
#define RX_FRAME	60	/* --null-rx */
#define QAREA		((uint64_t)VUF_SLOTS_MAX * VUF_SLOT_SIZE)
#define RX_AREA		(VUF_BUF_GPA + RXQ * QAREA)
#define TX_AREA		(VUF_BUF_GPA + TXQ * QAREA)
/* An area of the buffer region no queue uses (queue 8's): a decoy. */
#define SPARE_AREA	(VUF_BUF_GPA + 8 * QAREA)

static const char *vnetd_bin;

struct iommu_test {
	struct vnetd_proc p;
	struct vuf f;
	bool connected;
};

static int setup(void **state)
{
	struct iommu_test *t = calloc(1, sizeof(*t));
	static const char *const args[] = { "--queues", "1", "--null-rx", "60",
					     NULL };

	if (!t || vnetd_proc_init(&t->p, "iommu")) {
		free(t);
		return -1;
	}
	t->f.sock = -1;
	if (vnetd_proc_start(&t->p, vnetd_bin, args)) {
		vnetd_proc_fini(&t->p);
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct iommu_test *t = *state;
	int st = 0;

	if (t->connected)
		vuf_close(&t->f);
	/* a clean stop: exit 0, so no sanitizer report either */
	assert_int_equal(vnetd_proc_stop(&t->p, 5000, &st), 0);
	vnetd_proc_fini(&t->p);
	free(t);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	return 0;
}

/* The frontend connected with ACCESS_PLATFORM, nothing mapped yet. */
static struct vuf *frontend(struct iommu_test *t)
{
	struct vuf_opts o = { .pairs = 1, .qsize = QSIZE, .iommu = true };

	assert_int_equal(vuf_start(&t->f, t->p.sock, &o), 0);
	t->connected = true;
	assert_true(t->f.backend >= 0);
	return &t->f;
}

/* The rings' region and the receive buffers mapped as a guest maps them. */
static void map_rings_and_rx(struct vuf *f)
{
	assert_int_equal(vuf_iotlb_map(f, VUF_RING_GPA, VUF_RING_SIZE,
				       VNET_IOTLB_RW), 0);
	assert_int_equal(vuf_iotlb_map(f, RX_AREA, QAREA, VNET_IOTLB_WO), 0);
}

static long long stat_get(const struct iommu_test *t, const char *key)
{
	return vnetd_proc_stat(&t->p, key, DEADLINE_MS);
}

/* vnetd still runs, answers vhost-user and its stats socket. */
static void assert_vnetd_serves(struct iommu_test *t)
{
	int st = 0;

	assert_int_equal(waitpid(t->p.pid, &st, WNOHANG), 0);
	assert_true(vuf_alive(&t->f));
	assert_true(stat_get(t, "vnetd_vhost_user_messages_total") > 0);
}

/* A broadcast frame of @len bytes whose payload is @seq. */
static void frame(uint8_t *buf, size_t len, uint8_t seq)
{
	memset(buf, 0xff, 6);
	memcpy(buf + 6, "\x02\x00\x00\x00\x00\x07\x88\xb5", 8);
	memset(buf + 14, seq, len - 14);
}

/* Every transmit buffer back within @ms. */
static bool tx_all_back(struct vuf *f, int ms)
{
	uint64_t end = vnetd_proc_now_ms() + (uint64_t)ms;

	while (vnetd_proc_now_ms() < end) {
		vuf_reap_tx(f, 0);
		if (!vuf_outstanding(f, TXQ))
			return true;
		usleep(500);
	}
	return false;
}

/* Receive buffers offered and at least one frame of --null-rx back, its
 * source the generator's; true if so within @ms. */
static bool rx_moves(struct vuf *f, int ms)
{
	uint64_t end = vnetd_proc_now_ms() + (uint64_t)ms;
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	uint8_t buf[4096];
	int n;

	vuf_rx_fill(f, 0);
	while (vnetd_proc_now_ms() < end) {
		n = vuf_rx(f, 0, buf, sizeof(buf));
		if (n == RX_FRAME && !memcmp(buf + 6, src, 6))
			return true;
		assert_true(n >= 0);
		usleep(500);
	}
	return false;
}

/* The next miss for a buffer (misses for the rings, sent as the queues
 * started before the test mapped them, are passed over); true if one
 * came within @ms. */
static bool buffer_miss(struct vuf *f, int ms, uint64_t *iova, uint8_t *perm)
{
	uint64_t end = vnetd_proc_now_ms() + (uint64_t)ms;
	int n;

	while (vnetd_proc_now_ms() < end) {
		n = vuf_iotlb_miss(f, 50, iova, perm);
		assert_true(n >= 0);
		if (n == 1 && *iova >= VUF_BUF_GPA)
			return true;
	}
	return false;
}

/* Is [@gpa, @gpa + @len) of guest memory all zero? */
static bool all_zero(struct vuf *f, uint64_t gpa, size_t len)
{
	const uint8_t *p = vuf_gp(f, gpa, len);
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* Everything mapped with the permissions a guest gives: both directions
 * move, the buffers the device reads mapped read-only, those it writes
 * write-only. */
/* conformance: VU-20, VU-37 */
static void test_traffic_through_mappings(void **state)
{
	struct iommu_test *t = *state;
	struct vuf *f = frontend(t);
	uint8_t buf[1400];
	unsigned int i;

	map_rings_and_rx(f);
	assert_int_equal(vuf_iotlb_map(f, TX_AREA, QAREA, VNET_IOTLB_RO), 0);
	for (i = 0; i < 40; i++) {
		frame(buf, 60 + i * 30, (uint8_t)i);
		assert_int_equal(vuf_tx(f, 0, buf, 60 + i * 30), 0);
		assert_true(tx_all_back(f, DEADLINE_MS));
	}
	assert_int_equal(stat_get(t, "vnetd_tx_frames_total{queue=\"0\"}"), 40);
	assert_true(rx_moves(f, DEADLINE_MS));
	assert_int_equal(stat_get(t, "vnetd_vhost_user_bad_iotlb_total"), 0);
	assert_vnetd_serves(t);
}

/*
 * A transmit buffer not mapped: the device asks for it (read access, its
 * IOVA), holds it meanwhile, receive goes on; the update resumes the
 * queue where it stopped. Then the rings themselves unmapped before the
 * queue first looks at them: misses for each, served as QEMU serves them
 * (the page, identity).
 */
/* conformance: VU-36 */
static void test_miss_then_update(void **state)
{
	struct iommu_test *t = *state;
	struct vuf *f = frontend(t);
	uint64_t iova = 0;
	uint8_t perm = 0, buf[200];

	map_rings_and_rx(f);
	frame(buf, sizeof(buf), 7);
	assert_int_equal(vuf_tx(f, 0, buf, sizeof(buf)), 0);
	assert_true(buffer_miss(f, DEADLINE_MS, &iova, &perm));
	assert_true(iova >= TX_AREA && iova < TX_AREA + QAREA);
	assert_int_equal(perm, VNET_IOTLB_RO);
	/* the queue waits: the buffer stays out, receive still moves */
	assert_false(tx_all_back(f, QUIET_MS));
	assert_true(rx_moves(f, DEADLINE_MS));
	assert_vnetd_serves(t);
	assert_int_equal(vuf_iotlb_map(f, iova & ~0xfffULL, 4096,
				       VNET_IOTLB_RO), 0);
	assert_true(tx_all_back(f, DEADLINE_MS));
	assert_int_equal(stat_get(t, "vnetd_tx_frames_total{queue=\"0\"}"), 1);
	assert_true(stat_get(t, "vnetd_vhost_user_iotlb_resumed_total") >= 1);
}

/* Nothing mapped at all: every ring and buffer is asked for, page by
 * page, and traffic moves once the misses are answered. */
static void test_everything_by_miss(void **state)
{
	struct iommu_test *t = *state;
	struct vuf *f = frontend(t);
	uint8_t buf[300];
	uint64_t end;
	int served = 0, n;

	frame(buf, sizeof(buf), 9);
	assert_int_equal(vuf_tx(f, 0, buf, sizeof(buf)), 0);
	vuf_rx_fill(f, 0);
	end = vnetd_proc_now_ms() + DEADLINE_MS;
	while (vnetd_proc_now_ms() < end) {
		n = vuf_iotlb_serve(f, 50);
		assert_true(n >= 0);
		served += n;
		vuf_reap_tx(f, 0);
		if (!vuf_outstanding(f, TXQ) &&
		    vuf_used_count(f, RXQ) > 0)
			break;
	}
	assert_int_equal(vuf_outstanding(f, TXQ), 0);
	assert_true(vuf_used_count(f, RXQ) > 0);
	/* at least: two queues' three ring areas, one buffer each */
	assert_true(served >= 4);
	assert_vnetd_serves(t);
}

/*
 * A frontend that never answers, and a guest that kicks the waiting
 * queue a thousand times: the misses stay bounded (one per waiting
 * queue, again at most every 100 ms), the queue holds its buffer, the
 * other direction, vhost-user and the stats socket are served.
 */
static void test_no_answer_and_miss_flood(void **state)
{
	struct iommu_test *t = *state;
	struct vuf *f = frontend(t);
	uint64_t iova, t0, elapsed;
	uint8_t perm, buf[100];
	unsigned int i, misses = 0;

	map_rings_and_rx(f);
	frame(buf, sizeof(buf), 1);
	t0 = vnetd_proc_now_ms();
	assert_int_equal(vuf_tx(f, 0, buf, sizeof(buf)), 0);
	for (i = 0; i < 1000; i++) {
		vuf_kick(f, TXQ);
		while (vuf_iotlb_miss(f, 0, &iova, &perm) == 1)
			misses += iova >= VUF_BUF_GPA;	/* not the rings' */
		usleep(1000);
	}
	while (vuf_iotlb_miss(f, 50, &iova, &perm) == 1)
		misses += iova >= VUF_BUF_GPA;
	elapsed = vnetd_proc_now_ms() - t0;
	print_message("%u misses in %llu ms of 1000 kicks\n", misses,
		      (unsigned long long)elapsed);
	assert_true(misses >= 1);
	assert_true(misses <= 2 + elapsed / 100);
	assert_int_equal(vuf_outstanding(f, TXQ), 1);
	assert_true(rx_moves(f, DEADLINE_MS));
	assert_vnetd_serves(t);
}

/*
 * Updates the device must refuse, each answered non-zero and counted,
 * nothing mapped by them: outside guest memory, a size that wraps, a
 * zero size, no permission, an unknown message type. A transmit buffer
 * at the IOVA they named is then asked for, not used.
 */
/* conformance: VU-34, VU-35 */
static void test_bad_updates_refused(void **state)
{
	struct iommu_test *t = *state;
	struct vuf *f = frontend(t);
	uint64_t iova = 0, outside = VUF_BUF_GPA + VUF_BUF_SIZE + VUF_UVA_BIAS;
	uint8_t perm = 0, buf[100];

	map_rings_and_rx(f);
	assert_int_equal(vuf_iotlb(f, VNET_VU_IOTLB_UPDATE, TX_AREA, QAREA,
				   outside, VNET_IOTLB_RO), -EREMOTEIO);
	/* one region's end runs past it: not wholly within guest memory */
	assert_int_equal(vuf_iotlb(f, VNET_VU_IOTLB_UPDATE, TX_AREA,
				   VUF_BUF_SIZE, TX_AREA + VUF_UVA_BIAS,
				   VNET_IOTLB_RO), -EREMOTEIO);
	assert_int_equal(vuf_iotlb(f, VNET_VU_IOTLB_UPDATE, TX_AREA, UINT64_MAX,
				   TX_AREA + VUF_UVA_BIAS, VNET_IOTLB_RO),
			 -EREMOTEIO);
	assert_int_equal(vuf_iotlb(f, VNET_VU_IOTLB_UPDATE, TX_AREA, 0,
				   TX_AREA + VUF_UVA_BIAS, VNET_IOTLB_RO),
			 -EREMOTEIO);
	assert_int_equal(vuf_iotlb(f, VNET_VU_IOTLB_UPDATE, TX_AREA, QAREA,
				   TX_AREA + VUF_UVA_BIAS, 0), -EREMOTEIO);
	assert_int_equal(vuf_iotlb(f, 9, TX_AREA, QAREA,
				   TX_AREA + VUF_UVA_BIAS, VNET_IOTLB_RO),
			 -EREMOTEIO);
	assert_int_equal(stat_get(t, "vnetd_vhost_user_bad_iotlb_total"), 6);
	frame(buf, sizeof(buf), 3);
	assert_int_equal(vuf_tx(f, 0, buf, sizeof(buf)), 0);
	assert_true(buffer_miss(f, DEADLINE_MS, &iova, &perm));
	assert_true(iova >= TX_AREA && iova < TX_AREA + QAREA);
	assert_false(tx_all_back(f, QUIET_MS));
	assert_true(rx_moves(f, DEADLINE_MS));
	assert_vnetd_serves(t);
}

/*
 * Transmit buffers mapped write-only: "a write-only mapping is never
 * read". The transmit queue breaks (its error eventfd fires), its buffer
 * never comes back; receive goes on.
 */
static void test_permission_mismatch_breaks_queue_alone(void **state)
{
	struct iommu_test *t = *state;
	struct vuf *f = frontend(t);
	uint8_t buf[100];

	map_rings_and_rx(f);
	assert_int_equal(vuf_iotlb_map(f, TX_AREA, QAREA, VNET_IOTLB_WO), 0);
	frame(buf, sizeof(buf), 4);
	assert_int_equal(vuf_tx(f, 0, buf, sizeof(buf)), 0);
	assert_true(vuf_wait_err(f, TXQ, DEADLINE_MS));
	assert_false(tx_all_back(f, QUIET_MS));
	assert_int_equal(stat_get(t, "vnetd_tx_frames_total{queue=\"0\"}"), 0);
	assert_true(rx_moves(f, DEADLINE_MS));
	assert_vnetd_serves(t);
}

/*
 * Overlapping updates: the receive area mapped to itself, its pages from
 * the second on mapped to themselves again, then the whole area, over
 * both, to a spare area of guest memory. The newest mapping wins: the
 * device writes frames there, never into the older mappings' pages (a
 * table that kept the older ones would find the second for every page
 * but the first).
 */
static void test_overlapping_updates_newest_wins(void **state)
{
	struct iommu_test *t = *state;
	struct vuf *f = frontend(t);
	uint64_t end;

	map_rings_and_rx(f);
	assert_int_equal(vuf_iotlb_map(f, RX_AREA + 4096, QAREA - 4096,
				       VNET_IOTLB_WO), 0);
	assert_int_equal(vuf_iotlb(f, VNET_VU_IOTLB_UPDATE, RX_AREA, QAREA,
				   SPARE_AREA + VUF_UVA_BIAS, VNET_IOTLB_WO), 0);
	memset(vuf_gp(f, RX_AREA, QAREA), 0, QAREA);
	memset(vuf_gp(f, SPARE_AREA, QAREA), 0, QAREA);
	vuf_rx_fill(f, 0);
	end = vnetd_proc_now_ms() + DEADLINE_MS;
	while (vuf_used_count(f, RXQ) < QSIZE / 2 &&
	       vnetd_proc_now_ms() < end)
		usleep(1000);
	assert_true(vuf_used_count(f, RXQ) >= QSIZE / 2);
	assert_true(all_zero(f, RX_AREA, QAREA));
	assert_false(all_zero(f, SPARE_AREA, QAREA));
	assert_vnetd_serves(t);
}

/*
 * A buffer that straddles two mappings, apart in guest memory: the
 * second descriptor of a 2100-byte frame runs from the first mapping
 * (the slot's first half, identity) into a second one (its second half,
 * mapped to a spare page holding the same bytes). Both pieces are read:
 * the frame is counted whole.
 */
static void test_buffer_straddles_two_mappings(void **state)
{
	struct iommu_test *t = *state;
	struct vuf *f = frontend(t);
	uint8_t buf[2100];
	uint64_t slot = 0;
	unsigned int i;

	map_rings_and_rx(f);
	/* every transmit slot: first half identity, second half elsewhere */
	for (i = 0; i < QSIZE; i++) {
		uint64_t s = TX_AREA + (uint64_t)i * VUF_SLOT_SIZE;

		assert_int_equal(vuf_iotlb_map(f, s, 2048, VNET_IOTLB_RO), 0);
		assert_int_equal(vuf_iotlb(f, VNET_VU_IOTLB_UPDATE, s + 2048,
					   2048, SPARE_AREA + s - TX_AREA +
					   2048 + VUF_UVA_BIAS, VNET_IOTLB_RO),
				 0);
	}
	frame(buf, sizeof(buf), 5);
	assert_int_equal(vuf_tx_add(f, 0, buf, sizeof(buf)), 0);
	/* the slot the frame went to: the one whose bytes it holds */
	for (i = 0; i < QSIZE; i++) {
		uint64_t s = TX_AREA + (uint64_t)i * VUF_SLOT_SIZE;

		if (!memcmp(vuf_gp(f, s + f->hdr_len, 14), buf, 14))
			slot = s;
	}
	assert_true(slot != 0);
	memcpy(vuf_gp(f, SPARE_AREA + slot - TX_AREA + 2048, 2048),
	       vuf_gp(f, slot + 2048, 2048), 2048);
	vuf_kick(f, TXQ);
	assert_true(tx_all_back(f, DEADLINE_MS));
	assert_int_equal(stat_get(t, "vnetd_tx_frames_total{queue=\"0\"}"), 1);
	assert_int_equal(stat_get(t, "vnetd_tx_bytes_total{queue=\"0\"}"),
			 (long long)sizeof(buf));
	assert_vnetd_serves(t);
}

/*
 * An invalidation answered is in force: the receive area mapped, then
 * invalidated (acked), then buffers offered there. The device must not
 * write them through the mapping it was told is gone: it asks again
 * (write access), and the pages stay untouched until the frontend maps
 * them again, when frames arrive.
 */
static void test_invalidation_in_force_before_reply(void **state)
{
	struct iommu_test *t = *state;
	struct vuf *f = frontend(t);
	uint64_t iova = 0;
	uint8_t perm = 0;

	map_rings_and_rx(f);
	assert_true(rx_moves(f, DEADLINE_MS));	/* mapped, and in use */
	assert_int_equal(vuf_iotlb_unmap(f, RX_AREA, QAREA), 0);
	while (vuf_rx(f, 0, (uint8_t[4096]){ 0 }, 4096) > 0)
		;
	memset(vuf_gp(f, RX_AREA, QAREA), 0, QAREA);
	vuf_rx_fill(f, 0);
	assert_true(buffer_miss(f, DEADLINE_MS, &iova, &perm));
	assert_true(iova >= RX_AREA && iova < RX_AREA + QAREA);
	assert_int_equal(perm, VNET_IOTLB_WO);
	usleep(QUIET_MS * 1000);
	assert_true(all_zero(f, RX_AREA, QAREA));
	assert_int_equal(vuf_iotlb_map(f, RX_AREA, QAREA, VNET_IOTLB_WO), 0);
	assert_true(rx_moves(f, DEADLINE_MS));
	assert_vnetd_serves(t);
}

/*
 * A flood of updates: far more mappings than the table holds
 * (VNET_IOTLB_ENTRIES_MAX), each acked; the table evicts, never grows.
 * Traffic moves afterwards, what was evicted asked for again.
 */
static void test_update_flood_bounded(void **state)
{
	struct iommu_test *t = *state;
	struct vuf *f = frontend(t);
	uint8_t buf[100];
	uint64_t end;
	unsigned int i;

	for (i = 0; i < 3 * VNET_IOTLB_ENTRIES_MAX; i++) {
		uint64_t gpa = VUF_BUF_GPA + (uint64_t)(i % 2304) * 4096;

		assert_int_equal(vuf_iotlb(f, VNET_VU_IOTLB_UPDATE,
					   0x100000000ULL + (uint64_t)i * 4096,
					   4096, gpa + VUF_UVA_BIAS,
					   VNET_IOTLB_RW), 0);
	}
	frame(buf, sizeof(buf), 6);
	assert_int_equal(vuf_tx(f, 0, buf, sizeof(buf)), 0);
	end = vnetd_proc_now_ms() + DEADLINE_MS;
	while (vuf_outstanding(f, TXQ) && vnetd_proc_now_ms() < end) {
		assert_true(vuf_iotlb_serve(f, 20) >= 0);
		vuf_reap_tx(f, 0);
	}
	assert_int_equal(vuf_outstanding(f, TXQ), 0);
	assert_vnetd_serves(t);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_traffic_through_mappings,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_miss_then_update,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_everything_by_miss,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_answer_and_miss_flood,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_updates_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_permission_mismatch_breaks_queue_alone, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_overlapping_updates_newest_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_buffer_straddles_two_mappings, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_invalidation_in_force_before_reply, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_update_flood_bounded,
						setup, teardown),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s VNETD\n", argv[0]);
		return 2;
	}
	vnetd_bin = argv[1];
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
