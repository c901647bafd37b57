// SPDX-License-Identifier: MIT
/* test_dirty_log.c - the dirty log: page marking, and a queue that marks every guest page it writes */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/dirty_log.h"
#include "vnet/hdr.h"
#include "vnet/virtq.h"
#include "vnet/virtq_net.h"
#include "vq_guest.h"

#define QSIZE		8
#define NIOV		8
#define LOG_BYTES	128	/* pages 0..1023: every region and the hole */
#define PG		VNET_DIRTY_LOG_PAGE

struct fix {
	struct guest *g;
	struct split_drv s;
	struct packed_drv p;
	bool packed;
	struct vnet_virtq q;
	struct vnet_virtq_net n;
	struct iovec in[4][NIOV];
	struct vnet_virtq_elem e[4];
	uint8_t bits[LOG_BYTES];
	struct vnet_dirty_log log;
	uint8_t *snap[GUEST_REGIONS_MAX];
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	unsigned int i;

	assert_non_null(f);
	f->g = guest_new();
	vnet_virtq_init(&f->q);
	for (i = 0; i < 4; i++)
		vnet_virtq_elem_init(&f->e[i], NULL, 0, f->in[i], NIOV);
	f->log = (struct vnet_dirty_log){ f->bits, sizeof(f->bits) };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	unsigned int i;

	vnet_virtq_reset(&f->q);
	for (i = 0; i < f->g->n; i++)
		free(f->snap[i]);
	guest_free(f->g);
	free(f);
	return 0;
}

static bool marked(const struct fix *f, uint64_t gpa)
{
	uint64_t page = gpa / PG;

	return f->bits[page / 8] & (1u << (page % 8));
}

/* vhost-user.rst, "Migration": "page = addr / VHOST_LOG_PAGE;
 * log[page / 8] |= 1 << page % 8". */
static void test_mark_pages(void **state)
{
	struct fix *f = *state;
	struct vnet_dirty_log small = { f->bits, 4 };	/* pages 0..31 */
	struct vnet_dirty_log none = { NULL, 4 };

	assert_int_equal(vnet_dirty_log_mark(&small, PG - 1, 2), 2);
	assert_int_equal(f->bits[0], 0x03);	/* a write across a boundary */
	assert_int_equal(vnet_dirty_log_mark(&small, 9 * PG + 5, 1), 1);
	assert_int_equal(f->bits[1], 0x02);
	assert_int_equal(vnet_dirty_log_mark(&small, 9 * PG, PG), 1);
	assert_int_equal(f->bits[1], 0x02);	/* marked again, unchanged */
	assert_int_equal(vnet_dirty_log_mark(&small, 12 * PG, 0), 0);
	assert_int_equal(vnet_dirty_log_mark(&small, UINT64_MAX - 10, 100), 0);
	/* the log covers 32 pages: the rest of the range is not marked */
	assert_int_equal(vnet_dirty_log_mark(&small, 31 * PG, 3 * PG), 1);
	assert_int_equal(f->bits[3], 0x80);
	assert_int_equal(f->bits[4], 0);
	assert_int_equal(vnet_dirty_log_mark(&none, 0, PG), 0);
}

static void snapshot(struct fix *f)
{
	unsigned int i;

	for (i = 0; i < f->g->n; i++) {
		free(f->snap[i]);
		f->snap[i] = malloc(f->g->r[i].size);
		assert_non_null(f->snap[i]);
		memcpy(f->snap[i], f->g->r[i].host, f->g->r[i].size);
	}
}

/* The oracle: every guest page that differs from the snapshot is marked.
 * Return: pages changed. */
static unsigned int check_diff(const struct fix *f)
{
	unsigned int i, changed = 0;

	for (i = 0; i < f->g->n; i++) {
		const struct guest_region *r = &f->g->r[i];
		size_t off;

		for (off = 0; off < r->size; off += PG) {
			size_t n = r->size - off < PG ? r->size - off : PG;

			if (!memcmp(f->snap[i] + off, r->host + off, n))
				continue;
			changed++;
			if (!marked(f, r->gpa + off))
				fail_msg("page 0x%llx changed, not marked",
					 (unsigned long long)(r->gpa + off));
		}
	}
	return changed;
}

/* A receive queue, mergeable buffers, the log from the start (or not). */
static void up(struct fix *f, bool packed, bool event_idx,
	       const struct vnet_dirty_log *log)
{
	struct vnet_virtq_config cfg;
	struct vnet_hdr_layout l;

	f->packed = packed;
	if (packed) {
		packed_init(&f->p, f->g, QSIZE, G_RING_GPA);
		packed_config(&f->p, &cfg, VNET_VIRTQ_DIR_IN);
	} else {
		split_init(&f->s, f->g, QSIZE, G_RING_GPA);
		split_config(&f->s, &cfg, VNET_VIRTQ_DIR_IN);
	}
	vnet_features_set(&cfg.features, VNET_F_MRG_RXBUF);
	if (event_idx)
		vnet_features_set(&cfg.features, VNET_F_EVENT_IDX);
	cfg.log = log;
	vnet_hdr_layout_init(&l, &cfg.features, VNET_PROFILE_STANDARD,
			     VNET_ENDIAN_LITTLE);
	vnet_virtq_net_init(&f->n, &l, &cfg.features);
	assert_int_equal(vnet_virtq_setup(&f->q, &f->g->mem, &cfg), 0);
}

/* Buffer @i: 1500 bytes at 0xc00 into its own 12 KiB (across a page
 * boundary); the last one runs
 * from the buffer region into the adjacent one (two segments). */
static uint64_t buf_gpa(unsigned int i)
{
	return i == 3 ? G_ADJ_GPA - 0x400 : G_BUF_GPA + i * 0x3000 + 0xc00;
}

static void add_buffers(struct fix *f, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct buf b = { buf_gpa(i), 1500, true };

		if (f->packed)
			packed_add(&f->p, &b, 1, (uint16_t)i);
		else
			split_add(&f->s, &b, 1);
	}
}

/* A 2900-byte frame into the first two buffers, then all a device does
 * to its rings: flush, notify check, notifications on and off. */
static void receive(struct fix *f)
{
	static uint8_t frame[2900], seq;
	struct vnet_hdr h;
	int n;

	memset(frame, 0xa5 ^ seq++, sizeof(frame));	/* new bytes each time */
	memset(&h, 0, sizeof(h));
	n = vnet_virtq_net_rx_pop(&f->q, &f->n, f->e, 4, sizeof(frame));
	assert_int_equal(n, 2);
	assert_int_equal(vnet_virtq_net_rx_push(&f->q, &f->n, f->e, 2, &h,
						frame, sizeof(frame)), 0);
	assert_int_equal(vnet_virtq_flush(&f->q), 2);
	vnet_virtq_should_notify(&f->q);
	vnet_virtq_disable_notify(&f->q);
	vnet_virtq_enable_notify(&f->q);
}

/* Every page the queue writes is marked, the pages it does not write
 * are not: the first bytes pushed, not the whole buffer. */
static void oracle(struct fix *f, bool packed, bool event_idx)
{
	up(f, packed, event_idx, &f->log);
	add_buffers(f, 4);
	snapshot(f);
	memset(f->bits, 0, sizeof(f->bits));
	receive(f);
	/* the ring page and the two buffers' pages (the second crosses a
	 * page boundary) */
	assert_true(check_diff(f) >= 4);
	assert_false(marked(f, buf_gpa(2)));	/* popped by nobody */
	assert_false(marked(f, buf_gpa(3)));
	assert_false(marked(f, G_HOLE_GPA));
}

static void test_split(void **state)
{
	oracle(*state, false, false);
}

static void test_split_event_idx(void **state)
{
	oracle(*state, false, true);
}

static void test_packed(void **state)
{
	oracle(*state, true, false);
}

static void test_packed_event_idx(void **state)
{
	oracle(*state, true, true);
}

/* A frame that takes the buffer spanning two regions: both parts marked
 * at their own guest addresses. */
static void test_two_regions(void **state)
{
	struct fix *f = *state;
	static uint8_t frame[1400];
	struct vnet_hdr h;
	unsigned int i;

	up(f, false, false, &f->log);
	add_buffers(f, 4);
	for (i = 0; i < 3; i++) {	/* the first three, given back */
		assert_int_equal(vnet_virtq_pop(&f->q, &f->e[0]), 1);
		assert_int_equal(vnet_virtq_push(&f->q, &f->e[0], 0), 0);
	}
	assert_int_equal(vnet_virtq_flush(&f->q), 3);
	snapshot(f);
	memset(f->bits, 0, sizeof(f->bits));
	memset(&h, 0, sizeof(h));
	memset(frame, 0x5a, sizeof(frame));
	assert_int_equal(vnet_virtq_net_rx_pop(&f->q, &f->n, f->e, 4,
					       sizeof(frame)), 1);
	assert_int_equal(f->e[0].in_num, 2);
	assert_int_equal(vnet_virtq_net_rx_push(&f->q, &f->n, f->e, 1, &h,
						frame, sizeof(frame)), 0);
	assert_int_equal(vnet_virtq_flush(&f->q), 1);
	assert_true(check_diff(f) >= 3);
	assert_true(marked(f, G_ADJ_GPA - 1));
	assert_true(marked(f, G_ADJ_GPA));
}

/* No log, or the log taken away: nothing marked; given again: marked. */
static void test_detach(void **state)
{
	struct fix *f = *state;

	up(f, false, true, NULL);
	add_buffers(f, 4);
	memset(f->bits, 0, sizeof(f->bits));
	receive(f);
	vnet_virtq_set_log(&f->q, &f->log);
	vnet_virtq_set_log(&f->q, NULL);
	add_buffers(f, 2);
	receive(f);
	assert_memory_equal(f->bits, (uint8_t[LOG_BYTES]){ 0 }, LOG_BYTES);
	vnet_virtq_set_log(&f->q, &f->log);
	add_buffers(f, 2);
	snapshot(f);
	receive(f);
	assert_true(check_diff(f) >= 3);
}

/* vhost-user's log_guest_addr: the used ring is marked at the address
 * given ("might be outside the legal guest physical address range"). */
static void test_log_addr(void **state)
{
	struct fix *f = *state;

	up(f, false, false, &f->log);
	vnet_virtq_set_log_addr(&f->q, true, G_HOLE_GPA);
	add_buffers(f, 4);
	memset(f->bits, 0, sizeof(f->bits));
	receive(f);
	assert_true(marked(f, G_HOLE_GPA));
	assert_false(marked(f, f->s.used));	/* not where it lies */
	assert_true(marked(f, buf_gpa(0)));	/* data where it lies */
	vnet_virtq_set_log_addr(&f->q, false, 0);
	memset(f->bits, 0, sizeof(f->bits));
	add_buffers(f, 2);
	receive(f);
	assert_true(marked(f, f->s.used));
	assert_false(marked(f, G_HOLE_GPA));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mark_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_event_idx, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_packed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_packed_event_idx, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_two_regions, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_detach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_addr, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
