// SPDX-License-Identifier: MIT
/* test_virtq_serve.c - vnet_virtq_serve(): the burst taken is what the
 * driver offered when the pass began, each buffer's used length is what
 * the device wrote, one flush publishes the pass, and a pass that took all
 * it counted asks for another look (include/vnet/virtq_serve.h); split
 * rings read the burst's heads once, and a guest that corrupts its ring
 * in the middle of a burst breaks its queue, counted, never the device. */

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
#define QBIG	256	/* more than one batch of heads (virtq_serve.c) */
#define NIOV	4

struct fix {
	struct vq_dev v;	/* first: vq_fix_new(), vq_fix_free() */
	struct split_drv d;
	struct packed_drv p;	/* the packed tests' driver */
	unsigned int calls;	/* buffers handed to serve_one() */
	unsigned int add_at;	/* call on which the driver adds a buffer */
	unsigned int full_at;	/* call on which the port is full */
	uint16_t used_idx_seen;	/* the used index while serving */
	unsigned int corrupt_at;	/* call on which the guest corrupts */
	void (*corrupt)(struct fix *f);	/* ... its ring, so */
	uint16_t ids[QBIG];	/* the head of each buffer served */
};

static int setup_size(void **state, uint16_t size)
{
	struct fix *f = vq_fix_new(sizeof(*f), NIOV);
	struct vnet_virtq_config cfg;

	assert_non_null(f);
	split_init(&f->d, f->v.g, size, G_RING_GPA);
	split_config(&f->d, &cfg, VNET_VIRTQ_DIR_ANY);
	assert_int_equal(vnet_virtq_setup(&f->v.q, &f->v.g->mem, &cfg), 0);
	vnet_virtq_elem_init(&f->v.e, f->v.out, NIOV, f->v.in, NIOV);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_size(state, QSIZE);
}

static int setup_big(void **state)
{
	return setup_size(state, QBIG);
}

/* A packed ring of QSIZE instead. */
static int setup_packed(void **state)
{
	struct fix *f = vq_fix_new(sizeof(*f), NIOV);
	struct vnet_virtq_config cfg;

	assert_non_null(f);
	packed_init(&f->p, f->v.g, QSIZE, G_RING_GPA);
	packed_config(&f->p, &cfg, VNET_VIRTQ_DIR_ANY);
	assert_int_equal(vnet_virtq_setup(&f->v.q, &f->v.g->mem, &cfg), 0);
	vnet_virtq_elem_init(&f->v.e, f->v.out, NIOV, f->v.in, NIOV);
	*state = f;
	return 0;
}

/* A 64-byte device-writable buffer of ID @i on the packed ring. */
static void offer_packed(struct fix *f, unsigned int i)
{
	struct buf b = { G_BUF_GPA + 0x100 * i, 64, true };

	packed_add(&f->p, &b, 1, (uint16_t)i);
}

/* A 64-byte device-writable buffer, published at once. */
static uint16_t offer(struct fix *f, unsigned int i)
{
	struct buf b = { G_BUF_GPA + 0x100 * (i % 0x100), 64, true };

	return split_add(&f->d, &b, 1);
}

/* The device writes 10 + i % 50 bytes into the i-th buffer it serves; on call
 * add_at the driver adds one more buffer, as a running driver does. */
static uint32_t serve_one(struct vnet_virtq_elem *e, void *opaque)
{
	struct fix *f = opaque;

	assert_int_equal(e->in_len, 64);
	if (f->d.g)			/* a split ring's test */
		f->used_idx_seen = split_used_idx(&f->d);
	if (f->corrupt && f->calls + 1 == f->corrupt_at)
		f->corrupt(f);
	f->ids[f->calls] = e->id;
	if (f->calls + 1 == f->full_at) {
		f->full_at = 0;			/* room again next time */
		return VNET_VIRTQ_SERVE_LATER;
	}
	if (++f->calls == f->add_at)
		offer(f, 7);
	return 10 + (f->calls - 1) % 50;	/* within the 64 bytes */
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

/* The available ring's entry @slot (from the first) made to say @head. */
static void set_avail_entry(struct fix *f, unsigned int slot, uint16_t head)
{
	st16(gp(f->v.g, f->d.avail + 4 + 2ULL * (slot % f->d.size), 2), head);
}

/* Entries 1 to 3 rewritten to a head out of range. */
static void rewrite_avail(struct fix *f)
{
	unsigned int i;

	for (i = 1; i < 4; i++)
		set_avail_entry(f, i, QSIZE + 1);
}

/* The third buffer's descriptor now points at no memory. */
static void rewrite_desc(struct fix *f)
{
	split_desc(&f->d, 2, G_HOLE_GPA, 64, G_DESC_F_WRITE, 0);
}

/* Split Virtqueues, The Virtqueue Available Ring: ring[] holds heads of
 * descriptor chains, below the queue size. A head out of range in the
 * middle of a burst: the buffers before it are served, the queue breaks
 * with the fault counted once, nothing is published (a broken queue is
 * written no more) and the pass does not ask to look again. */
static void test_bad_head_mid_burst(void **state)
{
	struct fix *f = *state;
	unsigned int i;
	bool again;

	for (i = 0; i < 4; i++)
		offer(f, i);
	set_avail_entry(f, 2, QSIZE + 3);
	assert_int_equal(vnet_virtq_serve(&f->v.q, &f->v.e, QSIZE, serve_one,
					  f, &again), 2);
	assert_int_equal(f->calls, 2);
	assert_false(again);
	assert_true(vnet_virtq_broken(&f->v.q));
	assert_int_equal(vnet_virtq_get_stats(&f->v.q)->
			 errors[VNET_VIRTQ_ERR_HEAD], 1);
	assert_int_equal(split_used_idx(&f->d), 0);
}

/* The heads of a burst are read once, when the pass begins: a driver
 * that rewrites entries it already made available (which it must not)
 * while the pass runs changes nothing the device uses; the buffers
 * served are those it offered. */
static void test_avail_rewritten_mid_burst(void **state)
{
	struct fix *f = *state;
	uint16_t head[4];
	unsigned int i;
	bool again;

	for (i = 0; i < 4; i++)
		head[i] = offer(f, i);
	f->corrupt = rewrite_avail;
	f->corrupt_at = 1;
	assert_int_equal(vnet_virtq_serve(&f->v.q, &f->v.e, QSIZE, serve_one,
					  f, &again), 4);
	assert_false(vnet_virtq_broken(&f->v.q));
	for (i = 0; i < 4; i++)
		assert_int_equal(f->ids[i], head[i]);
	assert_int_equal(split_used_idx(&f->d), 4);
}

/* A descriptor rewritten to point at no memory after the burst's heads
 * were read (and the descriptor prefetched): it is checked when it is
 * read, the queue breaks on it with ERR_ADDR counted, the buffers before
 * it were served and nothing after it is. */
static void test_desc_rewritten_mid_burst(void **state)
{
	struct fix *f = *state;
	unsigned int i;
	bool again;

	for (i = 0; i < 4; i++)
		offer(f, i);
	f->corrupt = rewrite_desc;
	f->corrupt_at = 1;
	assert_int_equal(vnet_virtq_serve(&f->v.q, &f->v.e, QSIZE, serve_one,
					  f, &again), 2);
	assert_int_equal(f->calls, 2);
	assert_false(again);
	assert_true(vnet_virtq_broken(&f->v.q));
	assert_int_equal(vnet_virtq_get_stats(&f->v.q)->
			 errors[VNET_VIRTQ_ERR_ADDR], 1);
	assert_int_equal(split_used_idx(&f->d), 0);
}

/* A burst longer than one batch of heads, on a ring that has wrapped:
 * every buffer offered is served once, in order, with its length, and
 * nothing past the available index is taken. */
static void test_long_burst(void **state)
{
	struct fix *f = *state;
	uint16_t head[200];
	uint32_t id, len;
	unsigned int i, round;
	bool again;

	for (round = 0; round < 2; round++) {
		f->calls = 0;
		for (i = 0; i < 200; i++)
			head[i] = offer(f, i);
		assert_int_equal(vnet_virtq_serve(&f->v.q, &f->v.e, QBIG,
						  serve_one, f, &again), 200);
		assert_true(again);
		assert_int_equal(split_used_idx(&f->d), 200 * (round + 1));
		for (i = 0; i < 200; i++) {
			assert_int_equal(f->ids[i], head[i]);
			split_used_elem(&f->d, (uint16_t)(200 * round + i),
					&id, &len);
			assert_int_equal(id, head[i]);
			assert_int_equal(len, 10 + i % 50);
		}
		assert_int_equal(vnet_virtq_serve(&f->v.q, &f->v.e, QBIG,
						  serve_one, f, &again), 0);
		assert_false(again);
	}
}

/* Packed rings are served without the public gate around each buffer:
 * the buffers offered, in order, each used descriptor with its ID and the
 * length written; a port full on the second gives it back untouched and
 * the next pass takes it. */
static void test_packed_burst(void **state)
{
	struct fix *f = *state;
	uint16_t id;
	uint32_t len;
	unsigned int i;
	bool again;

	for (i = 0; i < 3; i++)
		offer_packed(f, i);
	assert_int_equal(vnet_virtq_serve(&f->v.q, &f->v.e, QSIZE, serve_one,
					  f, &again), 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(f->ids[i], i);
		assert_true(packed_get_used(&f->p, &id, &len, NULL));
		assert_int_equal(id, i);
		assert_int_equal(len, 10 + i);
	}
	assert_false(packed_get_used(&f->p, &id, &len, NULL));
	offer_packed(f, 3);
	offer_packed(f, 4);
	f->full_at = f->calls + 2;
	assert_int_equal(vnet_virtq_serve(&f->v.q, &f->v.e, QSIZE, serve_one,
					  f, &again), 1);
	assert_false(again);
	assert_int_equal(vnet_virtq_serve(&f->v.q, &f->v.e, QSIZE, serve_one,
					  f, &again), 1);
	for (i = 3; i < 5; i++) {
		assert_int_equal(f->ids[i], i);
		assert_true(packed_get_used(&f->p, &id, &len, NULL));
		assert_int_equal(id, i);
		assert_int_equal(len, 10 + i);
	}
}

/* The third packed descriptor rewritten to point at no memory while the
 * first is served: checked when read, ERR_ADDR counted, the queue broken
 * there, the two before it served, nothing published. */
static void rewrite_packed_desc(struct fix *f)
{
	packed_raw(&f->p, 2, G_HOLE_GPA, 64, 2,
		   G_DESC_F_AVAIL | G_DESC_F_WRITE);
}

static void test_packed_desc_rewritten_mid_burst(void **state)
{
	struct fix *f = *state;
	uint16_t id;
	uint32_t len;
	unsigned int i;
	bool again;

	for (i = 0; i < 4; i++)
		offer_packed(f, i);
	f->corrupt = rewrite_packed_desc;
	f->corrupt_at = 1;
	assert_int_equal(vnet_virtq_serve(&f->v.q, &f->v.e, QSIZE, serve_one,
					  f, &again), 2);
	assert_int_equal(f->calls, 2);
	assert_false(again);
	assert_true(vnet_virtq_broken(&f->v.q));
	assert_int_equal(vnet_virtq_get_stats(&f->v.q)->
			 errors[VNET_VIRTQ_ERR_ADDR], 1);
	assert_false(packed_get_used(&f->p, &id, &len, NULL));
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
		cmocka_unit_test_setup_teardown(test_bad_head_mid_burst,
						setup, vq_fix_free),
		cmocka_unit_test_setup_teardown(test_avail_rewritten_mid_burst,
						setup, vq_fix_free),
		cmocka_unit_test_setup_teardown(test_desc_rewritten_mid_burst,
						setup, vq_fix_free),
		cmocka_unit_test_setup_teardown(test_long_burst, setup_big,
						vq_fix_free),
		cmocka_unit_test_setup_teardown(test_packed_burst,
						setup_packed, vq_fix_free),
		cmocka_unit_test_setup_teardown(
			test_packed_desc_rewritten_mid_burst, setup_packed,
			vq_fix_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
