// SPDX-License-Identifier: MIT
/* test_virtq_serve.c - vnet_virtq_serve(): the burst taken is what the
 * driver offered when the pass began, each buffer's used length is what
 * the device wrote, one flush publishes the pass, and a pass that took all
 * it counted asks for another look (include/vnet/virtq_serve.h). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vnet/virtq.h"
#include "vnet/virtq_serve.h"
#include "vq_guest.h"

#define QSIZE	8
#define NIOV	4

struct fix {
	struct vq_dev v;	/* first: vq_fix_new(), vq_fix_free() */
	struct split_drv d;
	unsigned int calls;	/* buffers handed to serve_one() */
	unsigned int add_at;	/* call on which the driver adds a buffer */
	unsigned int full_at;	/* call on which the port is full */
	uint16_t used_idx_seen;	/* the used index while serving */
};

static int setup(void **state)
{
	struct fix *f = vq_fix_new(sizeof(*f), NIOV);
	struct vnet_virtq_config cfg;

	assert_non_null(f);
	split_init(&f->d, f->v.g, QSIZE, G_RING_GPA);
	split_config(&f->d, &cfg, VNET_VIRTQ_DIR_ANY);
	assert_int_equal(vnet_virtq_setup(&f->v.q, &f->v.g->mem, &cfg), 0);
	vnet_virtq_elem_init(&f->v.e, f->v.out, NIOV, f->v.in, NIOV);
	*state = f;
	return 0;
}

/* A 64-byte device-writable buffer, published at once. */
static uint16_t offer(struct fix *f, unsigned int i)
{
	struct buf b = { G_BUF_GPA + 0x100 * i, 64, true };

	return split_add(&f->d, &b, 1);
}

/* The device writes 10 + i bytes into the i-th buffer it serves; on call
 * add_at the driver adds one more buffer, as a running driver does. */
static uint32_t serve_one(struct vnet_virtq_elem *e, void *opaque)
{
	struct fix *f = opaque;

	assert_int_equal(e->in_len, 64);
	f->used_idx_seen = split_used_idx(&f->d);
	if (f->calls + 1 == f->full_at) {
		f->full_at = 0;			/* room again next time */
		return VNET_VIRTQ_SERVE_LATER;
	}
	if (++f->calls == f->add_at)
		offer(f, 7);
	return 10 + f->calls - 1;
}

/* Three offered, a fourth added during the pass: the pass takes three,
 * publishes them with their lengths in one flush (nothing visible while it
 * runs), and asks for another look, which finds the fourth. */
static void test_takes_what_was_offered(void **state)
{
	struct fix *f = *state;
	uint16_t head[3];
	uint32_t id, len;
	unsigned int i;
	bool again;

	for (i = 0; i < 3; i++)
		head[i] = offer(f, i);
	f->add_at = 2;
	assert_int_equal(vnet_virtq_serve(&f->v.q, &f->v.e, QSIZE, serve_one,
					  f, &again), 3);
	assert_true(again);
	assert_int_equal(f->used_idx_seen, 0);
	assert_int_equal(split_used_idx(&f->d), 3);
	for (i = 0; i < 3; i++) {
		split_used_elem(&f->d, (uint16_t)i, &id, &len);
		assert_int_equal(id, head[i]);
		assert_int_equal(len, 10 + i);
	}
	assert_int_equal(vnet_virtq_serve(&f->v.q, &f->v.e, QSIZE, serve_one,
					  f, &again), 1);
	assert_true(again);
	assert_int_equal(vnet_virtq_serve(&f->v.q, &f->v.e, QSIZE, serve_one,
					  f, &again), 0);
	assert_false(again);
	assert_int_equal(split_used_idx(&f->d), 4);
}

/* A burst smaller than what is offered: that many, and look again. */
static void test_burst_bounds_the_pass(void **state)
{
	struct fix *f = *state;
	unsigned int i;
	bool again;

	for (i = 0; i < 5; i++)
		offer(f, i);
	assert_int_equal(vnet_virtq_serve(&f->v.q, &f->v.e, 2, serve_one, f,
					  &again), 2);
	assert_true(again);
	assert_int_equal(split_used_idx(&f->d), 2);
}

/* A port full on the second buffer: the first is served and published,
 * the second goes back untouched, the pass ends without asking to look
 * again; the next pass takes it (the same buffer, first in line). */
static void test_later_gives_the_buffer_back(void **state)
{
	struct fix *f = *state;
	uint16_t head[3];
	uint32_t id, len;
	unsigned int i;
	bool again;

	for (i = 0; i < 3; i++)
		head[i] = offer(f, i);
	f->full_at = 2;
	assert_int_equal(vnet_virtq_serve(&f->v.q, &f->v.e, QSIZE, serve_one,
					  f, &again), 1);
	assert_false(again);
	assert_int_equal(split_used_idx(&f->d), 1);
	assert_int_equal(vnet_virtq_serve(&f->v.q, &f->v.e, QSIZE, serve_one,
					  f, &again), 2);
	assert_int_equal(split_used_idx(&f->d), 3);
	for (i = 0; i < 3; i++) {
		split_used_elem(&f->d, (uint16_t)i, &id, &len);
		assert_int_equal(id, head[i]);
		assert_int_equal(len, 10 + i);
	}
}

/* A pass that stops short (the guest broke its queue) does not ask to look
 * again, and a broken queue is written no more: nothing is published. */
static void test_broken_queue_stops_short(void **state)
{
	struct fix *f = *state;
	struct buf bad = { G_HOLE_GPA, 64, true };	/* in no region */
	bool again;

	offer(f, 0);
	split_add(&f->d, &bad, 1);
	assert_int_equal(vnet_virtq_serve(&f->v.q, &f->v.e, QSIZE, serve_one,
					  f, &again), 1);
	assert_false(again);
	assert_true(vnet_virtq_broken(&f->v.q));
	assert_int_equal(split_used_idx(&f->d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_takes_what_was_offered,
						setup, vq_fix_free),
		cmocka_unit_test_setup_teardown(test_burst_bounds_the_pass,
						setup, vq_fix_free),
		cmocka_unit_test_setup_teardown(test_later_gives_the_buffer_back,
						setup, vq_fix_free),
		cmocka_unit_test_setup_teardown(test_broken_queue_stops_short,
						setup, vq_fix_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
