// SPDX-License-Identifier: MIT
/* test_virtq_inflight.c - the inflight region: crashes at each step of a batch, unpop, order, a region edited under a running queue */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "vnet/virtq.h"
#include "vq_guest.h"
#include "vq_inflight.h"

/*
 * The region layouts are the spec's (vq_inflight.h). "Inflight I/O
 * tracking" gives steps, not MUST lines; each test names the step it
 * checks.
 */

#define QSIZE	8
#define NIOV	8

struct fix {
	struct guest *g;
	struct split_drv s;
	struct packed_drv p;
	bool packed;
	bool in_order;		/* VIRTIO_F_IN_ORDER negotiated */
	uint64_t ring;		/* guest address of the rings */
	struct vnet_virtq q;
	uint64_t region[(32 + 32 * QSIZE) / 8];	/* 8-byte aligned */
	struct iovec out[4][NIOV];
	struct vnet_virtq_elem e[4];
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	unsigned int i;

	assert_non_null(f);
	f->g = guest_new();
	f->ring = G_RING_GPA;
	vnet_virtq_init(&f->q);
	for (i = 0; i < 4; i++)
		vnet_virtq_elem_init(&f->e[i], f->out[i], NIOV, NULL, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	vnet_virtq_reset(&f->q);
	guest_free(f->g);
	free(f);
	return 0;
}

static struct region_split *sr(struct fix *f)
{
	return (struct region_split *)f->region;
}

static struct region_packed *pr(struct fix *f)
{
	return (struct region_packed *)f->region;
}

/* (Re)start the queue on the region, as a new backend would. */
static int start(struct fix *f)
{
	struct vnet_virtq_config cfg;

	vnet_virtq_reset(&f->q);
	if (f->packed)
		packed_config(&f->p, &cfg, VNET_VIRTQ_DIR_OUT);
	else
		split_config(&f->s, &cfg, VNET_VIRTQ_DIR_OUT);
	if (f->in_order)
		vnet_features_set(&cfg.features, VNET_F_IN_ORDER);
	cfg.inflight = f->region;
	cfg.inflight_len = sizeof(f->region);
	return vnet_virtq_setup(&f->q, &f->g->mem, &cfg);
}

/* A fresh ring and region; @n buffers made available, 1 descriptor each
 * (buffer k at G_BUF_GPA + 0x100 * k, 10 + k bytes). */
static void begin(struct fix *f, bool packed, unsigned int n)
{
	unsigned int k;

	f->packed = packed;
	memset(f->region, 0, sizeof(f->region));
	if (packed)
		packed_init(&f->p, f->g, QSIZE, f->ring);
	else
		split_init(&f->s, f->g, QSIZE, f->ring);
	for (k = 0; k < n; k++) {
		struct buf b = { G_BUF_GPA + 0x100 * k, 10 + k, false };

		if (packed)
			packed_add(&f->p, &b, 1, (uint16_t)k);
		else
			split_add(&f->s, &b, 1);
	}
	assert_int_equal(start(f), 0);
	/* "Zero value indicates an uninitialized buffer": now version 1 */
	assert_int_equal(sr(f)->version, 1);
	assert_int_equal(sr(f)->desc_num, QSIZE);
}

/* Pop into e[i]; the buffer's length tells which one it is. */
static uint32_t pop(struct fix *f, unsigned int i)
{
	assert_int_equal(vnet_virtq_pop(&f->q, &f->e[i]), 1);
	return f->e[i].out_len - 10;
}

static void push_flush(struct fix *f, unsigned int i)
{
	assert_int_equal(vnet_virtq_push(&f->q, &f->e[i], 0), 0);
	assert_int_equal(vnet_virtq_flush(&f->q), 1);
}

/* After a restart: the buffers @want come back, in this order, marked
 * resubmitted, and then nothing. */
static void expect_resubmit(struct fix *f, const uint32_t *want,
			    unsigned int n)
{
	unsigned int i;

	assert_int_equal(start(f), 0);
	assert_int_equal(vnet_virtq_resubmit_pending(&f->q), n);
	for (i = 0; i < n; i++) {
		assert_int_equal(pop(f, 0), want[i]);
		assert_true(f->e[0].resubmitted);
		assert_int_equal(vnet_virtq_push(&f->q, &f->e[0], 0), 0);
	}
	assert_int_equal(vnet_virtq_pop(&f->q, &f->e[1]), 0);
	assert_int_equal(vnet_virtq_flush(&f->q), (int)n);
}

/* "Resubmit inflight DescStateSplit entries in order of their counter
 * value": fetched 0 1 2, 1 used, 3 fetched: 0 2 3 come back. */
static void test_order_by_counter(void **state)
{
	static const uint32_t want[] = { 0, 2, 3 };
	struct fix *f = *state;
	unsigned int pk;

	for (pk = 0; pk < 2; pk++) {
		begin(f, pk, 4);
		pop(f, 0);
		pop(f, 1);
		pop(f, 2);
		push_flush(f, 1);
		pop(f, 3);
		expect_resubmit(f, want, 3);
		/* the ring goes on: a new buffer after them */
		if (pk) {
			struct buf b = { G_BUF_GPA + 0x700, 17, false };

			packed_add(&f->p, &b, 1, 7);
		} else {
			struct buf b = { G_BUF_GPA + 0x700, 17, false };

			split_add(&f->s, &b, 1);
		}
		assert_int_equal(pop(f, 0), 7);
		assert_false(f->e[0].resubmitted);
	}
}

/* Split, a crash between "Increase the idx value of used ring" and "Set
 * the inflight field of each DescStateSplit entry in the batch to 0":
 * "If the value of used_idx does not match the idx value of used ring
 * ... Set the inflight field of each DescStateSplit entry to 0 in last
 * batch list which starts from last_batch_head". */
static void test_split_crash_after_used_idx(void **state)
{
	static const uint32_t want[] = { 2 };
	struct fix *f = *state;
	uint16_t h0, h1;

	begin(f, false, 3);
	pop(f, 0);
	pop(f, 1);
	pop(f, 2);
	h0 = f->e[0].id;
	h1 = f->e[1].id;
	assert_int_equal(vnet_virtq_push(&f->q, &f->e[0], 0), 0);
	assert_int_equal(vnet_virtq_push(&f->q, &f->e[1], 0), 0);
	assert_int_equal(vnet_virtq_flush(&f->q), 2);
	assert_int_equal(sr(f)->used_idx, 2);	/* "Set used_idx to the idx" */
	/* the state at the crash */
	sr(f)->used_idx = 0;
	sr(f)->desc[h0].inflight = sr(f)->desc[h1].inflight = 1;
	expect_resubmit(f, want, 1);
	assert_int_equal(sr(f)->used_idx, split_used_idx(&f->s));
}

/* Packed, a crash inside a batch, before "Update d.flags": roll back,
 * both buffers in flight again; after it (the driver may have seen the
 * used descriptor): commit, only the other one. */
static void packed_crash(struct fix *f, bool flags_written)
{
	static const uint32_t both[] = { 0, 1 }, second[] = { 1 };
	struct region_packed before;
	uint8_t saved[16];
	uint16_t slot;

	begin(f, true, 2);
	pop(f, 0);
	pop(f, 1);
	slot = f->e[0].slot;
	memcpy(&before, pr(f), sizeof(before));
	memcpy(saved, packed_desc(&f->p, 0), 16);
	push_flush(f, 0);
	assert_int_equal(pr(f)->used_idx, 1);
	assert_int_equal(pr(f)->old_used_idx, 1);
	assert_int_equal(pr(f)->desc[slot].inflight, 0);
	/* the region as the crash left it: used_idx moved, not old_* */
	pr(f)->old_used_idx = before.old_used_idx;
	pr(f)->old_free_head = before.old_free_head;
	pr(f)->old_used_wrap_counter = before.old_used_wrap_counter;
	pr(f)->desc[slot].inflight = 1;
	if (!flags_written)	/* the driver's descriptor still there */
		memcpy(packed_desc(&f->p, 0), saved, 16);
	if (flags_written)
		expect_resubmit(f, second, 1);
	else
		expect_resubmit(f, both, 2);
	/* "Set free_head, used_idx, used_wrap_counter to old_free_head,
	 * old_used_idx, old_used_wrap_counter" */
	assert_int_equal(pr(f)->used_idx, pr(f)->old_used_idx);
	assert_int_equal(pr(f)->free_head, pr(f)->old_free_head);
}

static void test_packed_crash_rollback(void **state)
{
	packed_crash(*state, false);
}

static void test_packed_crash_commit(void **state)
{
	packed_crash(*state, true);
}

/* A buffer given back is not in flight; one resubmitted and given back
 * comes first again. */
static void test_unpop(void **state)
{
	struct fix *f = *state;
	unsigned int pk;

	for (pk = 0; pk < 2; pk++) {
		begin(f, pk, 2);
		pop(f, 0);
		pop(f, 1);
		assert_int_equal(vnet_virtq_unpop(&f->q, &f->e[1]), 0);
		assert_int_equal(start(f), 0);
		assert_int_equal(vnet_virtq_resubmit_pending(&f->q), 1);
		assert_int_equal(pop(f, 0), 0);
		assert_true(f->e[0].resubmitted);
		assert_int_equal(vnet_virtq_unpop(&f->q, &f->e[0]), 0);
		assert_int_equal(vnet_virtq_resubmit_pending(&f->q), 1);
		assert_int_equal(vnet_virtq_set_base(&f->q, 0), -EBUSY);
		assert_int_equal(pop(f, 0), 0);	/* first again */
		assert_true(f->e[0].resubmitted);
		assert_int_equal(pop(f, 1), 1);	/* then the one given back */
		assert_false(f->e[1].resubmitted);
	}
}

/* The frontend rewrites the region under a running queue: the queue
 * keeps its own indices, checks every one it reads, and breaks its own
 * queue only. */
static void test_region_edited_while_running(void **state)
{
	struct fix *f = *state;
	unsigned int i;

	begin(f, true, 3);
	pop(f, 0);
	for (i = 0; i < QSIZE; i++) {
		pr(f)->desc[i].next = 0xffff;
		pr(f)->desc[i].last = 0xfff0;
	}
	pr(f)->free_head = 0xffff;
	push_flush(f, 0);	/* a bad last is not followed */
	assert_int_equal(vnet_virtq_pop(&f->q, &f->e[1]), -EIO);
	assert_int_equal(vnet_virtq_error(&f->q), VNET_VIRTQ_ERR_INFLIGHT_REGION);
}

/*
 * Packed rings at the very end of their guest region (8 bytes after the
 * device event structure), so that ASan sees any write past the ring.
 */
#define RING_AT_END	(G_RING_GPA + G_RING_SIZE - (16 * QSIZE + 16))

/* IN_ORDER, packed: four buffers of one descriptor each left in flight,
 * and a new backend started on the region (the crash and the restart). */
static void resubmit_four(struct fix *f, uint16_t *slots)
{
	unsigned int i;

	f->in_order = true;
	f->ring = RING_AT_END;
	begin(f, true, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pop(f, i), i);
		slots[i] = f->e[i].slot;
	}
	assert_int_equal(start(f), 0);
	assert_int_equal(vnet_virtq_resubmit_pending(&f->q), 4);
}

/* What a daemon does with a transmit queue: pop, push with nothing
 * written, flush; then the driver adds a buffer, served the same way. */
static void serve(struct fix *f)
{
	struct buf b = { G_BUF_GPA + 0x400, 14, false };
	unsigned int i;

	for (i = 0; i < 8 && vnet_virtq_pop(&f->q, &f->e[0]) == 1; i++)
		vnet_virtq_push(&f->q, &f->e[0], 0);
	vnet_virtq_flush(&f->q);
	packed_add(&f->p, &b, 1, 4);
	if (vnet_virtq_pop(&f->q, &f->e[0]) == 1) {
		vnet_virtq_push(&f->q, &f->e[0], 0);
		vnet_virtq_flush(&f->q);
	}
}

/*
 * After setup counted the in-flight lists, the frontend makes each of
 * them five entries long (num, links and NEXT flags consistent, sharing
 * a tail of free entries). Walked with those counts, four buffers fold
 * into one used run of 20 descriptors on a ring of 8 and the next used
 * descriptor lands past the ring (issue 20, item 7). The counts setup
 * checked are the ones used: the lists no longer match them, so the
 * queue breaks, and nothing is written outside the ring.
 */
static void test_resubmit_list_grown_after_setup(void **state)
{
	struct fix *f = *state;
	uint16_t slots[4], tail[QSIZE], ntail = 0, e;
	unsigned int i;

	resubmit_four(f, slots);
	for (e = 0; e < QSIZE; e++)
		if (e != slots[0] && e != slots[1] && e != slots[2] &&
		    e != slots[3])
			tail[ntail++] = e;
	assert_int_equal(ntail, 4);
	for (i = 0; i < ntail; i++) {
		struct desc_packed *d = &pr(f)->desc[tail[i]];

		d->addr = G_BUF_GPA;
		d->len = 10;
		d->id = 0;
		d->flags = i + 1 < ntail ? G_DESC_F_NEXT : 0;
		d->next = i + 1 < ntail ? tail[i + 1] : QSIZE;
	}
	for (i = 0; i < 4; i++) {
		struct desc_packed *d = &pr(f)->desc[slots[i]];

		d->num = 5;
		d->flags = G_DESC_F_NEXT;
		d->next = tail[0];
		d->last = tail[ntail - 1];
	}
	serve(f);
	assert_int_equal(vnet_virtq_error(&f->q), VNET_VIRTQ_ERR_INFLIGHT_REGION);
}

/*
 * The frontend changes only the counts after setup: the lists are still
 * the ones setup checked, and they come back as they were, in order,
 * with IN_ORDER's one used descriptor for the four ("the device ...
 * write out a single used descriptor with the Buffer ID corresponding to
 * the last descriptor in the batch"), then the new buffer after them.
 */
static void test_resubmit_count_changed_after_setup(void **state)
{
	struct fix *f = *state;
	uint16_t slots[4], id, flags;
	uint32_t len;
	unsigned int i;

	resubmit_four(f, slots);
	for (i = 0; i < 4; i++)
		pr(f)->desc[slots[i]].num = QSIZE;
	serve(f);
	assert_int_equal(vnet_virtq_error(&f->q), VNET_VIRTQ_OK);
	assert_true(packed_get_used(&f->p, &id, &len, &flags));
	assert_int_equal(id, 3);
	assert_int_equal(f->q.stats.resubmitted, 4);
	f->p.next_used = 4;	/* the driver skips the batch: one each */
	assert_true(packed_get_used(&f->p, &id, &len, &flags));
	assert_int_equal(id, 4);
	assert_false(packed_get_used(&f->p, &id, &len, &flags));
}

/* A driver that keeps rewriting the length of every ring descriptor,
 * between two lengths its buffers hold. */
struct flipper {
	struct packed_drv *p;
	atomic_bool started;
	atomic_bool stop;
};

static void *flip_lens(void *arg)
{
	struct flipper *fl = arg;
	uint32_t len = 0x20;

	atomic_store(&fl->started, true);
	while (!atomic_load_explicit(&fl->stop, memory_order_relaxed)) {
		uint16_t pos;

		for (pos = 0; pos < QSIZE; pos++)
			atomic_store_explicit((_Atomic uint32_t *)(void *)
					      (packed_desc(fl->p, pos) + 8),
					      len, memory_order_relaxed);
		len ^= 0x20 ^ 0x40;
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The driver rewrites a descriptor while the device pops it. The region
 * records the buffer the device checked and served ("Set
 * desc[free_head].addr, desc[free_head].len ... to d.addr, d.len"), from
 * the one read the device made, never a second read of the ring: a
 * reconnect resubmits what was in flight. Racy by nature: pops for half
 * a second once the driver's thread runs; the first mismatch fails.
 */
static void test_record_what_was_served(void **state)
{
	struct fix *f = *state;
	struct flipper fl = { .p = &f->p };
	unsigned int i, bad = 0;
	double end;
	pthread_t t;

	begin(f, true, 0);
	assert_int_equal(pthread_create(&t, NULL, flip_lens, &fl), 0);
	while (!atomic_load(&fl.started))
		sched_yield();
	end = now_s() + 0.5;
	for (i = 0; !bad && (i % 1024 || now_s() < end); i++) {
		struct buf b = { G_BUF_GPA, 0x20, false };
		struct vnet_virtq_elem *e = &f->e[0];

		packed_add(&f->p, &b, 1, 0);
		if (vnet_virtq_pop(&f->q, e) != 1)
			break;
		bad = pr(f)->desc[e->slot].len != e->out_len;
		vnet_virtq_push(&f->q, e, 0);
		vnet_virtq_flush(&f->q);
	}
	atomic_store(&fl.stop, true);
	pthread_join(t, NULL);
	assert_int_equal(vnet_virtq_error(&f->q), VNET_VIRTQ_OK);
	assert_int_equal(bad, 0);
	assert_true(i > 0);
}

/* A region too small or misaligned for the queue is refused at setup. */
static void test_region_size(void **state)
{
	struct fix *f = *state;
	struct vnet_virtq_config cfg;

	split_init(&f->s, f->g, QSIZE, G_RING_GPA);
	split_config(&f->s, &cfg, VNET_VIRTQ_DIR_OUT);
	cfg.inflight = f->region;
	cfg.inflight_len = vnet_virtq_inflight_size(false, QSIZE) - 1;
	assert_int_equal(vnet_virtq_setup(&f->q, &f->g->mem, &cfg), -EBADMSG);
	assert_int_equal(vnet_virtq_error(&f->q), VNET_VIRTQ_ERR_INFLIGHT_REGION);
	vnet_virtq_reset(&f->q);
	cfg.inflight = (uint8_t *)f->region + 4;
	cfg.inflight_len = vnet_virtq_inflight_size(false, QSIZE);
	assert_int_equal(vnet_virtq_setup(&f->q, &f->g->mem, &cfg), -EBADMSG);
	assert_int_equal(vnet_virtq_inflight_size(false, QSIZE), 16 + 16 * QSIZE);
	assert_int_equal(vnet_virtq_inflight_size(true, QSIZE), 32 + 32 * QSIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_by_counter, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_split_crash_after_used_idx,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_packed_crash_rollback,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_packed_crash_commit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unpop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_region_edited_while_running,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_resubmit_list_grown_after_setup, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_resubmit_count_changed_after_setup, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_record_what_was_served,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_region_size, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
