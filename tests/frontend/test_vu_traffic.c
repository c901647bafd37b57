// SPDX-License-Identifier: MIT
/* test_vu_traffic.c - frontend and backend over vhost-user: split and packed, indirect, event index, mergeable, 1 and 4 pairs */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vu_test_util.h"

#define FRAMES_PER_PAIR	300

/* Receive one frame on @pair, waiting up to 5 s; its length. */
static int rx_wait(struct vuf *f, unsigned int pair, uint8_t *buf, size_t room)
{
	int i, n;

	for (i = 0; i < 500000; i++) {
		n = vuf_rx(f, pair, buf, room);
		if (n != 0)
			return n;
		vuf_rx_fill(f, pair);
		usleep(10);
	}
	return -ETIMEDOUT;
}

/* Send on every pair, check each echo, then check the books. */
static void echo_round(struct vuf *f, unsigned int pairs, unsigned int count)
{
	static uint8_t tx[4096], rx[8192];
	unsigned int p, i, len;
	int n, tries;

	for (p = 0; p < pairs; p++)
		vuf_rx_fill(f, p);
	for (i = 0; i < count; i++) {
		for (p = 0; p < pairs; p++) {
			len = tx_frame(i + p * 100000, tx);
			tries = 0;
			while ((n = vuf_tx(f, p, tx, len)) == -EAGAIN &&
			       tries++ < 500000)
				usleep(10);
			assert_int_equal(n, 0);
			n = rx_wait(f, p, rx, sizeof(rx));
			assert_int_equal(n, (int)len);
			assert_memory_equal(rx, tx, len);
			vuf_rx_fill(f, p);
		}
	}
	for (p = 0; p < pairs; p++) {
		for (tries = 0; vuf_outstanding(f, 2 * p + 1) && tries < 100000;
		     tries++) {
			vuf_reap_tx(f, p);
			usleep(10);
		}
		/* every transmit buffer came back exactly once */
		assert_int_equal(vuf_outstanding(f, 2 * p + 1), 0);
		assert_int_equal(f->q[2 * p + 1].bad_returns, 0);
		assert_int_equal(f->q[2 * p + 1].bad_len, 0);
		assert_int_equal(f->q[2 * p].bad_returns, 0);
		assert_int_equal(f->q[2 * p].bad_len, 0);
		assert_int_equal(f->q[2 * p + 1].returned, count);
	}
}

/* The device injects frames of its own; they arrive intact, in order. */
static void inject_round(struct backend *b, struct vuf *f, unsigned int pairs,
			 unsigned int count)
{
	static uint8_t want[1514], rx[8192];
	unsigned int p, i, len;
	int n;

	for (p = 0; p < pairs; p++) {
		vuf_rx_fill(f, p);
		atomic_store(&b->e.inject[p], count);
	}
	for (p = 0; p < pairs; p++) {
		for (i = 0; i < count; i++) {
			n = rx_wait(f, p, rx, sizeof(rx));
			len = echo_frame(i, want);
			assert_int_equal(n, (int)len);
			assert_memory_equal(rx, want, len);
		}
	}
}

static void run(const struct vuf_opts *o)
{
	struct backend b;
	unsigned int p;
	struct vuf f;

	assert_int_equal(backend_start(&b, o->pairs), 0);
	assert_int_equal(vuf_start(&f, b.path, o), 0);
	echo_round(&f, o->pairs, FRAMES_PER_PAIR);
	inject_round(&b, &f, o->pairs, 100);
	for (p = 0; p < 2 * o->pairs; p++) {
		uint64_t calls = 0;

		/* the device signalled used buffers on every queue */
		assert_int_equal(read(f.q[p].call, &calls, 8), 8);
		assert_true(calls > 0);
	}
	/* the device returned no receive buffer twice either */
	assert_true(vuf_outstanding(&f, 0) <= o->qsize);
	assert_int_equal(b.e.dropped, 0);
	vuf_close(&f);
	backend_stop(&b);
}

/* The matrix: bit 0 packed, 1 indirect, 2 event_idx, 3 mrg, 4 four pairs. */
/* conformance: VU-06, VU-10, VU-16, VU-17 */
static void test_matrix(void **state)
{
	unsigned int m = (unsigned int)(uintptr_t)*state;
	struct vuf_opts o = {
		.packed = m & 1, .indirect = m & 2, .event_idx = m & 4,
		.mrg = m & 8, .pairs = (m & 16) ? 4 : 1, .qsize = 256,
	};

	run(&o);
}

/* Header over one descriptor per byte, small queues that wrap often. */
static void test_split_header(void **state)
{
	struct vuf_opts o = { .split_hdr = true, .pairs = 1, .qsize = 32 };

	(void)state;
	run(&o);
	o.packed = true;
	run(&o);
	o.indirect = true;
	run(&o);
}

/* A frontend without protocol features: rings run without ENABLE. */
/* conformance: VU-05 */
static void test_no_protocol_features(void **state)
{
	struct vuf_opts o = { .no_protocol = true, .pairs = 1, .qsize = 64 };

	(void)state;
	run(&o);
	o.packed = true;
	o.mrg = true;
	run(&o);
}

/*
 * Memory by ADD_MEM_REG, each region twice, as QEMU before 8.0 sends it with
 * two queue pairs (one vhost_dev each); then the buffer region removed
 * twice and added twice again, as a memory layout change does. Every
 * request is acknowledged, traffic flows on both pairs before and after.
 */
/* conformance: VU-25, VU-26 */
static void test_mem_regs_per_pair(void **state)
{
	struct vuf_opts o = { .pairs = 2, .qsize = 64, .mem_regs = 2,
		.proto_extra = 1ULL << VNET_VU_PROTOCOL_F_CONFIGURE_MEM_SLOTS |
			       1ULL << VNET_VU_PROTOCOL_F_REPLY_ACK };
	const struct vnet_vu_stats *st;
	struct backend b;
	unsigned int i;
	struct vuf f;

	(void)state;
	assert_int_equal(backend_start(&b, o.pairs), 0);
	assert_int_equal(vuf_start(&f, b.path, &o), 0);
	st = vnet_vu_get_stats(b.e.vu);
	assert_int_equal(vnet_vu_mem(b.e.vu)->nregions, 2);
	assert_int_equal(st->bad_mem, 0);
	assert_int_equal(st->nacks, 0);
	echo_round(&f, o.pairs, 50);
	for (i = 0; i < 2; i++)
		assert_int_equal(vuf_mem_reg(&f, VNET_VU_REM_MEM_REG, 1), 0);
	assert_int_equal(vnet_vu_mem(b.e.vu)->nregions, 1);
	for (i = 0; i < 2; i++)
		assert_int_equal(vuf_mem_reg(&f, VNET_VU_ADD_MEM_REG, 1), 0);
	assert_int_equal(vnet_vu_mem(b.e.vu)->nregions, 2);
	assert_int_equal(st->mem_repeats, 4);	/* 2 at start, 1 REM, 1 ADD */
	for (i = 0; i < 2 * o.pairs; i++) {	/* count the next round alone */
		f.q[i].made_avail -= f.q[i].returned;
		f.q[i].returned = 0;
	}
	echo_round(&f, o.pairs, 50);
	assert_int_equal(st->bad_mem, 0);
	assert_int_equal(b.e.broken, 0);
	vuf_close(&f);
	backend_stop(&b);
}

#define M(n) cmocka_unit_test_prestate(test_matrix, (void *)(uintptr_t)(n))

int main(void)
{
	const struct CMUnitTest tests[] = {
		M(0), M(1), M(2), M(3), M(4), M(5), M(6), M(7),
		M(8), M(9), M(10), M(11), M(12), M(13), M(14), M(15),
		M(16), M(17), M(18), M(19), M(20), M(21), M(22), M(23),
		M(24), M(25), M(26), M(27), M(28), M(29), M(30), M(31),
		cmocka_unit_test(test_split_header),
		cmocka_unit_test(test_no_protocol_features),
		cmocka_unit_test(test_mem_regs_per_pair),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
