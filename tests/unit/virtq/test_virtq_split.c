// SPDX-License-Identifier: MIT
/* test_virtq_split.c - split virtqueues, device side, against a fake driver and a hostile one */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/hdr.h"
#include "vnet/virtq.h"
#include "vnet/virtq_net.h"
#include "vq_guest.h"

#define QSIZE	8
#define NIOV	16

struct fix {
	struct vq_dev v;	/* first: vq_fix_new(), vq_fix_free() */
	struct split_drv d, d2;
	unsigned int broken_calls;
	enum vnet_virtq_err broken_err;
};

static void on_broken(struct vnet_virtq *q, enum vnet_virtq_err err,
		      void *opaque)
{
	struct fix *f = opaque;

	(void)q;
	f->broken_calls++;
	f->broken_err = err;
}

static int setup(void **state)
{
	struct fix *f = vq_fix_new(sizeof(*f), NIOV);

	assert_non_null(f);
	split_init(&f->d, f->v.g, QSIZE, G_RING_GPA);
	split_init(&f->d2, f->v.g, QSIZE, G_RING_GPA + 0x1000);
	*state = f;
	return 0;
}

static struct vnet_virtq_config cfg_of(struct fix *f, enum vnet_virtq_dir dir)
{
	struct vnet_virtq_config cfg;

	split_config(&f->d, &cfg, dir);
	cfg.broken = on_broken;
	cfg.opaque = f;
	return cfg;
}

static void up(struct fix *f, struct vnet_virtq_config *cfg)
{
	assert_int_equal(vnet_virtq_setup(&f->v.q, &f->v.g->mem, cfg), 0);
}

static void up_dir(struct fix *f, enum vnet_virtq_dir dir, unsigned int bit)
{
	struct vnet_virtq_config cfg = cfg_of(f, dir);

	if (bit)
		vnet_features_set(&cfg.features, bit);
	up(f, &cfg);
}

/* A second queue on the same guest memory still works. */
static void second_queue_works(struct fix *f)
{
	struct vnet_virtq_config cfg;
	struct buf b = { G_BUF_GPA + 0x8000, 64, false };
	struct iovec out[2];
	struct vnet_virtq_elem e;
	uint32_t id, len;
	uint16_t head;

	split_config(&f->d2, &cfg, VNET_VIRTQ_DIR_OUT);
	assert_int_equal(vnet_virtq_setup(&f->v.q2, &f->v.g->mem, &cfg), 0);
	vnet_virtq_elem_init(&e, out, 2, NULL, 0);
	head = split_add(&f->d2, &b, 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q2, &e), 1);
	assert_int_equal(e.id, head);
	assert_int_equal(e.out_len, 64);
	assert_int_equal(vnet_virtq_push(&f->v.q2, &e, 0), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q2), 1);
	assert_int_equal(split_used_idx(&f->d2), 1);
	split_used_elem(&f->d2, 0, &id, &len);
	assert_int_equal(id, head);
	assert_false(vnet_virtq_broken(&f->v.q2));
}

/* Broken with @name: reported once, counted, every call refused, the
 * other queue unaffected, and a reset brings the queue back. */
static void assert_broken(struct fix *f, const char *name)
{
	enum vnet_virtq_err err = vnet_virtq_error(&f->v.q);

	assert_true(vnet_virtq_broken(&f->v.q));
	assert_string_equal(vnet_virtq_err_name(err), name);
	assert_int_equal(f->broken_calls, 1);
	assert_int_equal(f->broken_err, err);
	assert_int_equal(vnet_virtq_get_stats(&f->v.q)->errors[err], 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), -EIO);
	assert_int_equal(vnet_virtq_flush(&f->v.q), -EIO);
	assert_int_equal(vnet_virtq_enable_notify(&f->v.q), -EIO);
	second_queue_works(f);
	vnet_virtq_reset(&f->v.q);
	assert_false(vnet_virtq_broken(&f->v.q));
	assert_int_equal(vnet_virtq_get_stats(&f->v.q)->errors[err], 1);
}

/* Pop must fail with -EIO and break the queue with @name. */
static void pop_breaks(struct fix *f, const char *name)
{
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), -EIO);
	assert_broken(f, name);
}

/* ---- normal operation ---- */

/* split-ring.tex, The Virtqueue Used Ring: "id indicates the head entry
 * of the descriptor chain ... len the total of bytes written". */
/* conformance: SPL-15 */
static void test_single_desc(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 100, false };
	uint8_t got[100];
	uint32_t id, len;
	uint16_t head;

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 0);
	guest_pattern(f->v.g, G_BUF_GPA, 100);
	head = split_add(&f->d, &b, 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(f->v.e.id, head);
	assert_int_equal(f->v.e.out_num, 1);
	assert_int_equal(f->v.e.in_num, 0);
	assert_int_equal(f->v.e.out_len, 100);
	assert_int_equal(iov_gather(f->v.e.out, f->v.e.out_num, got, 100), 100);
	assert_memory_equal(got, gp(f->v.g, G_BUF_GPA, 100), 100);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 0);
	assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 0), 0);
	assert_int_equal(split_used_idx(&f->d), 0);	/* not before flush */
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	assert_int_equal(split_used_idx(&f->d), 1);
	split_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(id, head);
	assert_int_equal(len, 0);
}

/* split-ring.tex, Message Framing: "The driver MUST place any
 * device-writable descriptor elements after any device-readable". */
/* conformance: D-SPL-02 */
static void test_chain_read_then_write(void **state)
{
	struct fix *f = *state;
	struct buf b[4] = {
		{ G_BUF_GPA, 10, false }, { G_BUF_GPA + 100, 20, false },
		{ G_BUF_GPA + 200, 30, true }, { G_BUF_GPA + 300, 40, true },
	};
	uint32_t id, len;
	uint16_t head;

	up_dir(f, VNET_VIRTQ_DIR_ANY, 0);
	head = split_add(&f->d, b, 4);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(f->v.e.out_num, 2);
	assert_int_equal(f->v.e.in_num, 2);
	assert_int_equal(f->v.e.out_len, 30);
	assert_int_equal(f->v.e.in_len, 70);
	assert_ptr_equal(f->v.e.in[1].iov_base, gp(f->v.g, G_BUF_GPA + 300, 40));
	assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 71), -EINVAL);
	assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 55), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	split_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(id, head);
	assert_int_equal(len, 55);
}

/* split-ring.tex, Message Framing: "The device MUST NOT make assumptions
 * about the particular arrangement of descriptors": a 12-byte header in
 * four descriptors, the frame in two more, read right through the iovec. */
/* conformance: SPL-01 */
static void test_header_split_over_many_descs(void **state)
{
	struct fix *f = *state;
	struct buf b[6] = {
		{ G_BUF_GPA, 1, false }, { G_BUF_GPA + 64, 2, false },
		{ G_BUF_GPA + 128, 3, false }, { G_BUF_GPA + 192, 6, false },
		{ G_BUF_GPA + 256, 500, false },
		{ G_BUF_GPA + 1024, 1000, false },
	};
	uint8_t want[1512], got[1512];
	size_t off = 0;
	unsigned int i;

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	for (i = 0; i < 6; i++) {
		guest_pattern(f->v.g, b[i].addr, b[i].len);
		memcpy(want + off, gp(f->v.g, b[i].addr, b[i].len), b[i].len);
		off += b[i].len;
	}
	split_add(&f->d, b, 6);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(f->v.e.out_num, 6);
	assert_int_equal(f->v.e.out_len, 1512);
	assert_int_equal(iov_gather(f->v.e.out, f->v.e.out_num, got, sizeof(got)),
			 1512);
	assert_memory_equal(got, want, 1512);
}

/* Zero-length descriptors carry nothing: no segment, address ignored. */
static void test_zero_length_descs(void **state)
{
	struct fix *f = *state;
	struct buf b[4] = {
		{ G_HOLE_GPA, 0, false }, { G_BUF_GPA, 64, false },
		{ UINT64_MAX, 0, false }, { G_BUF_GPA + 64, 32, false },
	};

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	split_add(&f->d, b, 4);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(f->v.e.out_num, 2);
	assert_int_equal(f->v.e.out_len, 96);
	assert_int_equal(f->v.e.ndescs, 4);
	assert_false(vnet_virtq_broken(&f->v.q));
}

/* A buffer over two adjacent regions: two segments, none past an end. */
static void test_desc_spans_adjacent_regions(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_ADJ_GPA - 100, 300, false };

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	split_add(&f->d, &b, 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(f->v.e.out_num, 2);
	assert_ptr_equal(f->v.e.out[0].iov_base, gp(f->v.g, G_ADJ_GPA - 100, 100));
	assert_int_equal(f->v.e.out[0].iov_len, 100);
	assert_ptr_equal(f->v.e.out[1].iov_base, gp(f->v.g, G_ADJ_GPA, 200));
	assert_int_equal(f->v.e.out[1].iov_len, 200);
}

/* split-ring.tex, Indirect Descriptors: a table, chained by next in an
 * arbitrary order, read-only entries then a write-only one. */
/* conformance: SPL-07 */
static void test_indirect(void **state)
{
	struct fix *f = *state;
	uint64_t t = G_RING_GPA + 0x8000;
	uint32_t id, len;

	up_dir(f, VNET_VIRTQ_DIR_ANY, VNET_F_INDIRECT_DESC);
	split_table_desc(f->v.g, t, 0, G_BUF_GPA, 12, G_DESC_F_NEXT, 2);
	split_table_desc(f->v.g, t, 2, G_BUF_GPA + 100, 50, G_DESC_F_NEXT, 1);
	split_table_desc(f->v.g, t, 1, G_BUF_GPA + 200, 80, G_DESC_F_WRITE, 0);
	split_desc(&f->d, 5, t, 3 * 16, G_DESC_F_INDIRECT, 0);
	split_avail_add(&f->d, 5);
	split_publish(&f->d);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(f->v.e.id, 5);
	assert_int_equal(f->v.e.out_num, 2);
	assert_int_equal(f->v.e.out_len, 62);
	assert_int_equal(f->v.e.in_num, 1);
	assert_int_equal(f->v.e.in_len, 80);
	assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 80), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	split_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(id, 5);
	assert_int_equal(len, 80);
}

/* "The device MUST handle the case of zero or more normal chained
 * descriptors followed by a single descriptor with INDIRECT", and "MUST
 * ignore the write-only flag ... in the descriptor that refers to an
 * indirect table" (here on a read-only queue). */
/* conformance: SPL-06, SPL-07 */
static void test_direct_then_indirect(void **state)
{
	struct fix *f = *state;
	uint64_t t = G_RING_GPA + 0x8000;

	up_dir(f, VNET_VIRTQ_DIR_OUT, VNET_F_INDIRECT_DESC);
	split_table_desc(f->v.g, t, 0, G_BUF_GPA + 100, 20, G_DESC_F_NEXT, 1);
	split_table_desc(f->v.g, t, 1, G_BUF_GPA + 200, 30, 0, 0);
	split_desc(&f->d, 0, G_BUF_GPA, 10, G_DESC_F_NEXT, 1);
	split_desc(&f->d, 1, t, 32, G_DESC_F_INDIRECT | G_DESC_F_WRITE, 0);
	split_avail_add(&f->d, 0);
	split_publish(&f->d);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(f->v.e.out_num, 3);
	assert_int_equal(f->v.e.out_len, 60);
}

/* Batched: nothing visible before flush, one flush publishes all, used
 * entries in completion order with their ids and lengths. */
static void test_batch_push_flush(void **state)
{
	struct fix *f = *state;
	struct iovec in[3][2];
	struct vnet_virtq_elem e[3];
	uint16_t heads[3];
	uint32_t id, len;
	unsigned int i;

	up_dir(f, VNET_VIRTQ_DIR_IN, 0);
	for (i = 0; i < 3; i++) {
		struct buf b = { G_BUF_GPA + 0x1000 * i, 1000, true };

		heads[i] = split_chain(&f->d, &b, 1);
		split_avail_add(&f->d, heads[i]);
		vnet_virtq_elem_init(&e[i], NULL, 0, in[i], 2);
	}
	split_publish(&f->d);
	assert_int_equal(vnet_virtq_pop_burst(&f->v.q, e, 3), 3);
	assert_int_equal(vnet_virtq_push(&f->v.q, &e[2], 30), 0);
	assert_int_equal(vnet_virtq_push(&f->v.q, &e[0], 10), 0);
	assert_int_equal(vnet_virtq_push(&f->v.q, &e[1], 20), 0);
	assert_int_equal(split_used_idx(&f->d), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 3);
	assert_int_equal(split_used_idx(&f->d), 3);
	split_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(id, heads[2]);
	assert_int_equal(len, 30);
	split_used_elem(&f->d, 1, &id, &len);
	assert_int_equal(id, heads[0]);
	assert_int_equal(len, 10);
	split_used_elem(&f->d, 2, &id, &len);
	assert_int_equal(id, heads[1]);
	assert_int_equal(len, 20);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 0);
	assert_int_equal(vnet_virtq_push(&f->v.q, &e[0], 0), -EINVAL);
}

/* Pop, push and flush one buffer; return whether to notify. */
static bool one_round(struct fix *f)
{
	struct buf b = { G_BUF_GPA, 16, false };

	split_add(&f->d, &b, 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 0), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	return vnet_virtq_should_notify(&f->v.q);
}

/* split-ring.tex, Used Buffer Notification Suppression: "If the idx field
 * in the used ring ... was equal to used_event, the device MUST send a
 * notification. Otherwise the device SHOULD NOT", across 65535 -> 0. */
/* conformance: SPL-11, SPL-12, SPL-13 */
static void test_event_idx_wraparound(void **state)
{
	struct fix *f = *state;
	struct vnet_virtq_config cfg = cfg_of(f, VNET_VIRTQ_DIR_OUT);

	vnet_features_set(&cfg.features, VNET_F_EVENT_IDX);
	cfg.base = 65533;
	split_set_used_idx(&f->d, 65533);	/* where the device left it */
	split_set_avail_idx(&f->d, 65533);
	up(f, &cfg);
	split_set_avail_flags(&f->d, G_AVAIL_F_NO_INTERRUPT); /* ignored */
	split_set_used_event(&f->d, 65535);
	assert_false(one_round(f));		/* wrote 65533 */
	assert_false(one_round(f));		/* wrote 65534 */
	assert_true(one_round(f));		/* wrote 65535 == used_event */
	assert_int_equal(split_used_idx(&f->d), 0);
	split_set_used_event(&f->d, 0);
	assert_true(one_round(f));		/* wrote 0 */
	assert_false(one_round(f));		/* wrote 1 */
	assert_false(vnet_virtq_should_notify(&f->v.q));	/* nothing new */
	/* Two buffers in one flush, used_event on the first of them. */
	split_set_used_event(&f->d, 2);
	{
		struct buf b = { G_BUF_GPA, 16, false };
		struct iovec o2[1];
		struct vnet_virtq_elem e2;

		vnet_virtq_elem_init(&e2, o2, 1, NULL, 0);
		split_add(&f->d, &b, 1);
		split_add(&f->d, &b, 1);
		assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
		assert_int_equal(vnet_virtq_pop(&f->v.q, &e2), 1);
		assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 0), 0);
		assert_int_equal(vnet_virtq_push(&f->v.q, &e2, 0), 0);
		assert_int_equal(vnet_virtq_flush(&f->v.q), 2);
		assert_true(vnet_virtq_should_notify(&f->v.q));
	}
}

/* Without EVENT_IDX: "If flags is 1, the device SHOULD NOT send a
 * notification. If flags is 0, the device MUST send a notification." */
/* conformance: SPL-08, SPL-09, SPL-10 */
static void test_no_interrupt_flag(void **state)
{
	struct fix *f = *state;

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	split_set_used_event(&f->d, 12345);	/* "MUST ignore used_event" */
	split_set_avail_flags(&f->d, G_AVAIL_F_NO_INTERRUPT);
	assert_false(one_round(f));
	split_set_avail_flags(&f->d, 0);
	assert_true(one_round(f));
	assert_int_equal(vnet_virtq_get_stats(&f->v.q)->notify, 1);
	assert_int_equal(vnet_virtq_get_stats(&f->v.q)->suppressed, 1);
}

/* Available Buffer Notification Suppression, device side: flags 0 or 1
 * without EVENT_IDX; with it flags stay 0 and avail_event says where. */
/* conformance: SPL-17 */
static void test_enable_disable_notify(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 16, false };

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	assert_int_equal(split_used_flags(&f->d), 0);
	vnet_virtq_disable_notify(&f->v.q);
	assert_int_equal(split_used_flags(&f->d), G_USED_F_NO_NOTIFY);
	assert_int_equal(vnet_virtq_enable_notify(&f->v.q), 0);
	assert_int_equal(split_used_flags(&f->d), 0);
	split_add(&f->d, &b, 1);
	assert_int_equal(vnet_virtq_enable_notify(&f->v.q), 1);
	assert_int_equal(vnet_virtq_enable_notify(&f->v.q), 0);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
}

/* conformance: SPL-19 */
static void test_enable_notify_event_idx(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 16, false };

	up_dir(f, VNET_VIRTQ_DIR_OUT, VNET_F_EVENT_IDX);
	assert_int_equal(split_avail_event(&f->d), 0);
	split_add(&f->d, &b, 1);
	split_add(&f->d, &b, 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	/* enabled: notify once the driver writes entry 2 */
	assert_int_equal(split_avail_event(&f->d), 2);
	vnet_virtq_disable_notify(&f->v.q);
	assert_int_equal(split_used_flags(&f->d), 0);	/* "MUST set 0" */
	split_add(&f->d, &b, 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(split_avail_event(&f->d), 2);	/* left alone */
	assert_int_equal(vnet_virtq_enable_notify(&f->v.q), 0);
	assert_int_equal(split_avail_event(&f->d), 3);
}

/* The Virtqueue Descriptor Table: "A device MUST NOT write to any
 * descriptor table entry": a direct chain, a chain ending in an indirect
 * table and a receive buffer, popped, one given back and popped again,
 * used and flushed: the table and the indirect table are byte for byte
 * what the driver wrote. */
/* conformance: SPL-05 */
static void test_desc_table_never_written(void **state)
{
	struct fix *f = *state;
	uint64_t t = G_RING_GPA + 0x8000;
	struct buf b[2] = { { G_BUF_GPA, 40, false },
			    { G_BUF_GPA + 0x1000, 200, true } };
	uint8_t table[QSIZE * 16], itable[3 * 16];
	struct iovec o2[NIOV], i2[NIOV];
	struct vnet_virtq_elem e2;
	unsigned int k;

	up_dir(f, VNET_VIRTQ_DIR_ANY, VNET_F_INDIRECT_DESC);
	vnet_virtq_elem_init(&e2, o2, NIOV, i2, NIOV);
	split_table_desc(f->v.g, t, 0, G_BUF_GPA + 100, 20, G_DESC_F_NEXT, 1);
	split_table_desc(f->v.g, t, 1, G_BUF_GPA + 200, 30, G_DESC_F_NEXT, 2);
	split_table_desc(f->v.g, t, 2, G_BUF_GPA + 300, 64, G_DESC_F_WRITE, 0);
	split_add(&f->d, b, 2);
	split_desc(&f->d, 4, G_BUF_GPA + 400, 10, G_DESC_F_NEXT, 5);
	split_desc(&f->d, 5, t, 3 * 16, G_DESC_F_INDIRECT, 0);
	split_avail_add(&f->d, 4);
	split_add(&f->d, &b[1], 1);
	memcpy(table, gp(f->v.g, f->d.desc, sizeof(table)), sizeof(table));
	memcpy(itable, gp(f->v.g, t, sizeof(itable)), sizeof(itable));
	for (k = 0; k < 3; k++) {
		assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
		if (k == 1) {	/* given back, then taken again */
			vnet_virtq_unpop(&f->v.q, &f->v.e);
			assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
		}
		assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, f->v.e.in_len), 0);
	}
	assert_int_equal(vnet_virtq_flush(&f->v.q), 3);
	assert_int_equal(vnet_virtq_enable_notify(&f->v.q), 0);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &e2), 0);
	assert_memory_equal(gp(f->v.g, f->d.desc, sizeof(table)), table,
			    sizeof(table));
	assert_memory_equal(gp(f->v.g, t, sizeof(itable)), itable,
			    sizeof(itable));
}

/*
 * The Virtqueue Used Ring: "The device MUST set len prior to updating the
 * used idx", seen by a driver on another CPU: a reader thread loads the
 * used idx (acquire) and checks each entry below it already holds the len
 * the device gave it, never a previous lap's; the device uses buffers in
 * batches, len = the entry's position modulo LEN_MOD (later laps only
 * move it forward, by less than half of LEN_MOD).
 */
#define LEN_ORDER_POS	4000000
#define LEN_MOD		60000

struct len_reader {
	struct split_drv *d;
	uint32_t seen;		/* entries checked (atomic) */
	unsigned int bad;
};

static void *len_reader_run(void *arg)
{
	struct len_reader *r = arg;
	const volatile uint8_t *used = gp(r->d->g, r->d->used,
					  6 + 8ULL * QSIZE);
	uint32_t seen = 0, len;
	uint16_t idx;

	while (seen < LEN_ORDER_POS) {	/* idx: 16 bits, seen: 32 */
		idx = __atomic_load_n((const volatile uint16_t *)(used + 2),
				      __ATOMIC_ACQUIRE);
		for (; (uint16_t)seen != idx; seen++) {
			len = __atomic_load_n((const volatile uint32_t *)
					      (used + 4 + 8 * (seen % QSIZE) + 4),
					      __ATOMIC_RELAXED);
			r->bad += (len + LEN_MOD - seen % LEN_MOD) % LEN_MOD >
				  LEN_MOD / 2;
		}
		__atomic_store_n(&r->seen, seen, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* conformance: SPL-14 */
static void test_used_len_before_idx(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 0xf000, true };
	struct len_reader r = { &f->d, 0, 0 };
	struct iovec in[QSIZE][1];
	struct vnet_virtq_elem e[QSIZE];
	uint32_t pos = 0;
	pthread_t th;
	unsigned int i;

	up_dir(f, VNET_VIRTQ_DIR_IN, 0);
	for (i = 0; i < QSIZE; i++)
		vnet_virtq_elem_init(&e[i], NULL, 0, in[i], 1);
	assert_int_equal(pthread_create(&th, NULL, len_reader_run, &r), 0);
	while (pos < LEN_ORDER_POS) {
		/* never a 16-bit idx lap ahead of the reader */
		while (pos - __atomic_load_n(&r.seen, __ATOMIC_ACQUIRE) > 16384)
			sched_yield();
		for (i = 0; i < QSIZE; i++)
			split_add(&f->d, &b, 1);
		for (i = 0; i < QSIZE; i++)
			assert_int_equal(vnet_virtq_pop(&f->v.q, &e[i]), 1);
		for (i = 0; i < QSIZE; i++)
			assert_int_equal(vnet_virtq_push(&f->v.q, &e[i],
							 pos++ % LEN_MOD), 0);
		assert_int_equal(vnet_virtq_flush(&f->v.q), QSIZE);
	}
	pthread_join(th, NULL);
	assert_int_equal(r.bad, 0);
}

/* Used Buffer Notification Suppression, a driver that breaks "The driver
 * MUST set flags to 0 or 1" (no EVENT_IDX) or "to 0" (EVENT_IDX): without
 * EVENT_IDX only bit 0 counts (VIRTQ_AVAIL_F_NO_INTERRUPT, the other bits
 * are no flag the device knows); with it the flags are ignored. */
/* conformance: D-SPL-12 */
static void test_avail_flags_other_bits(void **state)
{
	struct fix *f = *state;

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	split_set_avail_flags(&f->d, 0xfffe);
	assert_true(one_round(f));
	split_set_avail_flags(&f->d, 0x8003);
	assert_false(one_round(f));
	assert_false(vnet_virtq_broken(&f->v.q));
	vnet_virtq_reset(&f->v.q);
	split_init(&f->d, f->v.g, QSIZE, G_RING_GPA);
	up_dir(f, VNET_VIRTQ_DIR_OUT, VNET_F_EVENT_IDX);
	split_set_avail_flags(&f->d, 0xffff);
	split_set_used_event(&f->d, 0);
	assert_true(one_round(f));		/* wrote 0 == used_event */
	assert_false(vnet_virtq_broken(&f->v.q));
}

/* split-ring.tex, In-order use of descriptors: one used entry for a
 * batch, "with the id corresponding to the head entry of the descriptor
 * chain describing the last buffer", at "an offset matching the first
 * available ring entry"; written buffers keep their own entries. */
/* conformance: D-SPL-05 */
static void test_in_order(void **state)
{
	struct fix *f = *state;
	struct iovec io[4][2];
	struct vnet_virtq_elem e[4];
	struct buf r = { G_BUF_GPA, 16, false }, w = { G_BUF_GPA, 64, true };
	uint16_t h[4];
	uint32_t id, len;
	unsigned int i;

	up_dir(f, VNET_VIRTQ_DIR_ANY, VNET_F_IN_ORDER);
	for (i = 0; i < 4; i++) {
		h[i] = split_add(&f->d, i == 2 ? &w : &r, 1);
		vnet_virtq_elem_init(&e[i], io[i], 1, io[i] + 1, 1);
	}
	assert_int_equal(vnet_virtq_pop_burst(&f->v.q, e, 4), 4);
	assert_int_equal(vnet_virtq_push(&f->v.q, &e[1], 0), -EINVAL);
	st32(gp(f->v.g, f->d.used + 4 + 8, 4), 0xdeadbeef);
	for (i = 0; i < 4; i++)
		assert_int_equal(vnet_virtq_push(&f->v.q, &e[i], i == 2 ? 40 : 0),
				 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 4);
	assert_int_equal(split_used_idx(&f->d), 4);
	/* [0 1 2] fold into the entry of 2, at slot 0; 3 alone at slot 3 */
	split_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(id, h[2]);
	assert_int_equal(len, 40);
	split_used_elem(&f->d, 3, &id, &len);
	assert_int_equal(id, h[3]);
	assert_int_equal(len, 0);
	split_used_elem(&f->d, 1, &id, &len);
	assert_int_equal(id, 0xdeadbeef);	/* skipped, never written */
	assert_int_equal(vnet_virtq_get_stats(&f->v.q)->used_written, 2);
}

/* Receive layout of the tests: VERSION_1 with or without MRG_RXBUF. */
static void net_rules(struct vnet_virtq_net *n, bool mrg)
{
	struct vnet_features feat = { { 0, 0 } };
	struct vnet_hdr_layout l;

	vnet_features_set(&feat, VNET_F_VERSION_1);
	if (mrg)
		vnet_features_set(&feat, VNET_F_MRG_RXBUF);
	vnet_hdr_layout_init(&l, &feat, VNET_PROFILE_STANDARD,
			     VNET_ENDIAN_LITTLE);
	vnet_virtq_net_init(n, &l, &feat);
}

/* virtio-net-device.tex, Processing of Incoming Packets: "MUST set
 * num_buffers to indicate the number of buffers the packet (including the
 * header) is spread over" and "MUST use all buffers but the last ...
 * completely up to the full length of each buffer". */
/* conformance: NET-RXB-01, NET-RX-02, NET-RX-03, NET-RX-04 */
static void test_mergeable_rx(void **state)
{
	struct fix *f = *state;
	struct vnet_virtq_net n;
	struct iovec io[4][2];
	struct vnet_virtq_elem e[4];
	struct vnet_hdr h = { .flags = 0 };
	uint8_t frame[250];
	uint16_t heads[3];
	uint32_t id, len;
	unsigned int i;

	net_rules(&n, true);
	up_dir(f, VNET_VIRTQ_DIR_IN, 0);
	for (i = 0; i < 4; i++)
		vnet_virtq_elem_init(&e[i], NULL, 0, io[i], 2);
	for (i = 0; i < 3; i++) {
		struct buf b = { G_BUF_GPA + 0x100 * i, 100, true };

		heads[i] = split_add(&f->d, &b, 1);
	}
	for (i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 13);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->v.q, &n, e, 4, 250), 3);
	assert_int_equal(vnet_virtq_net_rx_push(&f->v.q, &n, e, 3, &h, frame,
						250), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 3);
	assert_int_equal(ld16(gp(f->v.g, G_BUF_GPA + 10, 2)), 3);
	assert_memory_equal(gp(f->v.g, G_BUF_GPA + 12, 88), frame, 88);
	assert_memory_equal(gp(f->v.g, G_BUF_GPA + 0x100, 100), frame + 88, 100);
	assert_memory_equal(gp(f->v.g, G_BUF_GPA + 0x200, 62), frame + 188, 62);
	for (i = 0; i < 3; i++) {
		split_used_elem(&f->d, (uint16_t)i, &id, &len);
		assert_int_equal(id, heads[i]);
		assert_int_equal(len, i < 2 ? 100 : 62);
	}
}

/* Not enough buffers: every one popped is given back, unchanged state,
 * and the same buffers serve once the driver adds more. */
/* conformance: D-CFG-03 */
static void test_mergeable_rx_rollback(void **state)
{
	struct fix *f = *state;
	struct vnet_virtq_net n;
	struct iovec io[6][2];
	struct vnet_virtq_elem e[6];
	struct buf b = { G_BUF_GPA, 100, true };
	unsigned int i;

	net_rules(&n, true);
	up_dir(f, VNET_VIRTQ_DIR_IN, 0);
	for (i = 0; i < 6; i++)
		vnet_virtq_elem_init(&e[i], NULL, 0, io[i], 2);
	for (i = 0; i < 3; i++)
		split_add(&f->d, &b, 1);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->v.q, &n, e, 6, 400),
			 -EAGAIN);
	assert_int_equal(vnet_virtq_get_base(&f->v.q), 0);
	assert_int_equal(vnet_virtq_enable_notify(&f->v.q), 0);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->v.q, &n, e, 3, 400),
			 -EMSGSIZE);
	split_add(&f->d, &b, 1);
	split_add(&f->d, &b, 1);
	assert_int_equal(vnet_virtq_enable_notify(&f->v.q), 1);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->v.q, &n, e, 6, 400), 5);
	assert_int_equal(e[0].id, 0);
	assert_int_equal(vnet_virtq_get_stats(&f->v.q)->unpopped, 6);
}

/* "The device MUST use only a single descriptor if VIRTIO_NET_F_MRG_RXBUF
 * was not negotiated": num_buffers 1; a frame that does not fit is
 * dropped and the buffer stays. */
/* conformance: NET-RXB-02, NET-RX-01, D-RXB-02, D-CFG-03 */
static void test_rx_without_mergeable(void **state)
{
	struct fix *f = *state;
	struct vnet_virtq_net n;
	struct iovec io[2][2];
	struct vnet_virtq_elem e[2];
	struct buf b = { G_BUF_GPA, 1526, true };
	struct vnet_hdr h = { .flags = 0 };
	uint8_t frame[1514] = { 0 };
	uint32_t id, len;

	net_rules(&n, false);
	up_dir(f, VNET_VIRTQ_DIR_IN, 0);
	vnet_virtq_elem_init(&e[0], NULL, 0, io[0], 2);
	vnet_virtq_elem_init(&e[1], NULL, 0, io[1], 2);
	split_add(&f->d, &b, 1);
	split_add(&f->d, &b, 1);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->v.q, &n, e, 2, 2000),
			 -EMSGSIZE);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->v.q, &n, e, 2, 1514), 1);
	assert_int_equal(vnet_virtq_net_rx_push(&f->v.q, &n, e, 1, &h, frame,
						1514), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	split_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(len, 1526);
	assert_int_equal(ld16(gp(f->v.g, G_BUF_GPA + 10, 2)), 1);
}

/* Virtqueue Reset: "The device MUST reset any state of a virtqueue to the
 * default state"; GET/SET_VRING_BASE carry the available index. */
static void test_base_and_reset(void **state)
{
	struct fix *f = *state;
	struct vnet_virtq_config cfg = cfg_of(f, VNET_VIRTQ_DIR_OUT);

	up(f, &cfg);
	one_round(f);
	assert_int_equal(vnet_virtq_get_base(&f->v.q), 1);
	split_add(&f->d, &(struct buf){ G_BUF_GPA, 8, false }, 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_set_base(&f->v.q, 0), -EBUSY);
	assert_int_equal(vnet_virtq_get_base(&f->v.q), 2);
	vnet_virtq_reset(&f->v.q);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), -ENODEV);
	assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 0), -ENODEV);
	cfg.base = 2;
	up(f, &cfg);
	assert_int_equal(vnet_virtq_setup(&f->v.q, &f->v.g->mem, &cfg), -EBUSY);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 0);
	one_round(f);
	assert_int_equal(split_used_idx(&f->d), 2);
	assert_int_equal(vnet_virtq_set_base(&f->v.q, 70000), -EINVAL);
	cfg.base = 70000;
	vnet_virtq_reset(&f->v.q);
	assert_int_equal(vnet_virtq_setup(&f->v.q, &f->v.g->mem, &cfg), -EINVAL);
	cfg.base = 0;
	cfg.size = 6;	/* split: "Queue Size value is always a power of 2" */
	assert_int_equal(vnet_virtq_setup(&f->v.q, &f->v.g->mem, &cfg), -EINVAL);
}

/* Driver Notifications: with NOTIFICATION_DATA, next_off and next_wrap
 * are "the 15 least significant bits" and "bit 15" of the avail idx. */
static void test_notification_data(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 8, false };

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	assert_int_equal(vnet_virtq_notification_data(&f->v.q, 0), -EOPNOTSUPP);
	vnet_virtq_reset(&f->v.q);
	up_dir(f, VNET_VIRTQ_DIR_OUT, VNET_F_NOTIFICATION_DATA);
	assert_int_equal(vnet_virtq_notification_data(&f->v.q, 0x00000000), 0);
	split_add(&f->d, &b, 1);
	assert_int_equal(vnet_virtq_notification_data(&f->v.q, 0x00010000), 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_notification_data(&f->v.q, 0x00010000), 0);
	assert_int_equal(vnet_virtq_get_stats(&f->v.q)->kicks_empty, 2);
}

static void test_unpop(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 8, false };
	struct iovec o2[1];
	struct vnet_virtq_elem e2;

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	vnet_virtq_elem_init(&e2, o2, 1, NULL, 0);
	assert_int_equal(vnet_virtq_unpop(&f->v.q, &f->v.e), -EINVAL);
	split_add(&f->d, &b, 1);
	split_add(&f->d, &b, 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &e2), 1);
	assert_int_equal(vnet_virtq_unpop(&f->v.q, &f->v.e), -EINVAL);
	assert_int_equal(vnet_virtq_unpop(&f->v.q, &e2), 0);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &e2), 1);
	assert_int_equal(e2.id, 1);
}

/* Vrings given in the frontend's user addresses (vhost-user). */
static void test_uva_ring_addresses(void **state)
{
	struct fix *f = *state;
	struct vnet_virtq_config cfg = cfg_of(f, VNET_VIRTQ_DIR_OUT);

	cfg.addr_is_uva = true;
	cfg.desc_addr += 0x7f0000000000ULL;
	cfg.driver_addr += 0x7f0000000000ULL;
	cfg.device_addr += 0x7f0000000000ULL;
	up(f, &cfg);
	assert_true(one_round(f));
	assert_int_equal(split_used_idx(&f->d), 1);
}

/* Legacy Interfaces: A Note on Virtqueue Endianness: "MUST use the native
 * endian of the guest", here a big-endian guest, written by hand. */
/* conformance: SPL-L2, VU-21 */
static void test_big_endian_legacy(void **state)
{
	struct fix *f = *state;
	struct vnet_virtq_config cfg = cfg_of(f, VNET_VIRTQ_DIR_OUT);
	uint8_t *desc = gp(f->v.g, f->d.desc, 16);
	uint8_t *avail = gp(f->v.g, f->d.avail, 6);
	uint8_t *used = gp(f->v.g, f->d.used, 12);
	static const uint8_t d0[16] = { 0, 0, 0, 0, 0, 0x10, 0, 0,
					0, 0, 0, 0x40, 0, 0, 0, 0 };

	memset(&cfg.features, 0, sizeof(cfg.features));
	cfg.big_endian = true;
	up(f, &cfg);
	memcpy(desc, d0, 16);		/* addr 0x100000, len 64 */
	avail[4] = 0;			/* ring[0] = 0 */
	avail[5] = 0;
	avail[2] = 0;			/* idx = 1, big-endian */
	avail[3] = 1;
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(f->v.e.out_len, 64);
	assert_ptr_equal(f->v.e.out[0].iov_base, gp(f->v.g, G_BUF_GPA, 64));
	assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 0), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	assert_int_equal(used[2], 0);
	assert_int_equal(used[3], 1);
}

/* ---- hostile guests: each breaks the queue, never anything else ---- */

/* The Virtqueue Descriptor Table: "this implies that loops in the
 * descriptor chain are forbidden!" */
/* conformance: D-SPL-04 */
static void test_hostile_desc_loop(void **state)
{
	struct fix *f = *state;

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	split_desc(&f->d, 3, G_BUF_GPA, 8, G_DESC_F_NEXT, 4);
	split_desc(&f->d, 4, G_BUF_GPA, 8, G_DESC_F_NEXT, 3);
	split_avail_add(&f->d, 3);
	split_publish(&f->d);
	pop_breaks(f, "chain_too_long");
}

/* Indirect Descriptors: "A driver MUST NOT create a descriptor chain
 * longer than the Queue Size of the device": all 8 chained, then back. */
/* conformance: D-SPL-07 */
static void test_hostile_chain_longer_than_queue(void **state)
{
	struct fix *f = *state;
	uint16_t i;

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	for (i = 0; i < QSIZE; i++)
		split_desc(&f->d, i, G_BUF_GPA, 8, G_DESC_F_NEXT,
			   (uint16_t)((i + 1) % QSIZE));
	split_avail_add(&f->d, 0);
	split_publish(&f->d);
	pop_breaks(f, "chain_too_long");
}

/* Available Ring: "each ring entry refers to the head of a descriptor
 * chain": an index past the table refers to none. */
/* conformance: D-SPL-11 */
static void test_hostile_head_out_of_range(void **state)
{
	struct fix *f = *state;

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	split_avail_add(&f->d, QSIZE);
	split_publish(&f->d);
	pop_breaks(f, "head_out_of_range");
}

/* conformance: D-SPL-11 */
static void test_hostile_next_out_of_range(void **state)
{
	struct fix *f = *state;

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	split_desc(&f->d, 0, G_BUF_GPA, 8, G_DESC_F_NEXT, 0xffff);
	split_avail_add(&f->d, 0);
	split_publish(&f->d);
	pop_breaks(f, "next_out_of_range");
}

/* Feature VIRTIO_F_ACCESS_PLATFORM clear: the device "can access any
 * address supplied to it by the driver" - only inside the memory table. */
/* conformance: D-SPL-13 */
static void test_hostile_addr_outside_regions(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_HOLE_GPA, 64, false };

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	split_add(&f->d, &b, 1);
	pop_breaks(f, "addr_not_in_memory");
}

/* conformance: D-SPL-13 */
static void test_hostile_addr_runs_off_region(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_ADJ_GPA + G_ADJ_SIZE - 10, 20, false };

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	split_add(&f->d, &b, 1);
	pop_breaks(f, "addr_not_in_memory");
}

/* conformance: D-SPL-13 */
static void test_hostile_addr_len_wraps(void **state)
{
	struct fix *f = *state;
	struct buf b = { UINT64_MAX - 10, 100, false };

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	split_add(&f->d, &b, 1);
	pop_breaks(f, "len_overflow");
}

/* "Drivers MUST NOT add a descriptor chain longer than 2^32 bytes" */
/* conformance: D-SPL-04 */
static void test_hostile_chain_over_4g(void **state)
{
	struct fix *f = *state;
	struct buf b[2] = { { G_BUF_GPA, 4096, false },
			    { G_BUF_GPA, UINT32_MAX, false } };

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	split_add(&f->d, b, 2);
	pop_breaks(f, "len_overflow");
}

/* One descriptor pointing to an indirect table at @t of @len bytes. */
static void add_indirect(struct fix *f, uint64_t t, uint32_t len,
			 uint16_t flags)
{
	split_desc(&f->d, 0, t, len, (uint16_t)(G_DESC_F_INDIRECT | flags), 1);
	split_avail_add(&f->d, 0);
	split_publish(&f->d);
}

/* "struct virtq_desc desc[len / 16]": len not a multiple of 16. */
/* conformance: D-SPL-09 */
static void test_hostile_indirect_not_multiple_of_16(void **state)
{
	struct fix *f = *state;
	uint64_t t = G_RING_GPA + 0x8000;

	up_dir(f, VNET_VIRTQ_DIR_OUT, VNET_F_INDIRECT_DESC);
	split_table_desc(f->v.g, t, 0, G_BUF_GPA, 8, 0, 0);
	add_indirect(f, t, 24, 0);
	pop_breaks(f, "indirect_bad_size");
}

/* conformance: D-SPL-09 */
static void test_hostile_indirect_zero_size(void **state)
{
	struct fix *f = *state;

	up_dir(f, VNET_VIRTQ_DIR_OUT, VNET_F_INDIRECT_DESC);
	add_indirect(f, G_RING_GPA + 0x8000, 0, 0);
	pop_breaks(f, "indirect_bad_size");
}

/* "A driver MUST NOT create a descriptor chain longer than the Queue
 * Size": a table of 9 entries on a queue of 8. */
/* conformance: D-SPL-07 */
static void test_hostile_indirect_larger_than_queue(void **state)
{
	struct fix *f = *state;
	uint64_t t = G_RING_GPA + 0x8000;
	uint16_t i;

	up_dir(f, VNET_VIRTQ_DIR_OUT, VNET_F_INDIRECT_DESC);
	for (i = 0; i < QSIZE + 1; i++)
		split_table_desc(f->v.g, t, i, G_BUF_GPA, 8,
				 i < QSIZE ? G_DESC_F_NEXT : 0,
				 (uint16_t)(i + 1));
	add_indirect(f, t, 16 * (QSIZE + 1), 0);
	pop_breaks(f, "indirect_bad_size");
}

/* "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag within an
 * indirect descriptor (ie. only one table per descriptor)." */
/* conformance: D-SPL-06 */
static void test_hostile_indirect_nested(void **state)
{
	struct fix *f = *state;
	uint64_t t = G_RING_GPA + 0x8000;

	up_dir(f, VNET_VIRTQ_DIR_OUT, VNET_F_INDIRECT_DESC);
	split_table_desc(f->v.g, t, 0, G_BUF_GPA, 8, G_DESC_F_NEXT, 1);
	split_table_desc(f->v.g, t, 1, t, 32, G_DESC_F_INDIRECT, 0);
	add_indirect(f, t, 32, 0);
	pop_breaks(f, "indirect_nested");
}

/* "A driver MUST NOT set both VIRTQ_DESC_F_INDIRECT and
 * VIRTQ_DESC_F_NEXT in flags." */
/* conformance: D-SPL-08 */
static void test_hostile_indirect_with_next(void **state)
{
	struct fix *f = *state;
	uint64_t t = G_RING_GPA + 0x8000;

	up_dir(f, VNET_VIRTQ_DIR_OUT, VNET_F_INDIRECT_DESC);
	split_table_desc(f->v.g, t, 0, G_BUF_GPA, 8, 0, 0);
	split_desc(&f->d, 1, G_BUF_GPA, 8, 0, 0);
	add_indirect(f, t, 16, G_DESC_F_NEXT);
	pop_breaks(f, "indirect_with_next");
}

/* "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag unless the
 * VIRTIO_F_INDIRECT_DESC feature was negotiated." */
/* conformance: D-SPL-06 */
static void test_hostile_indirect_not_negotiated(void **state)
{
	struct fix *f = *state;
	uint64_t t = G_RING_GPA + 0x8000;

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	split_table_desc(f->v.g, t, 0, G_BUF_GPA, 8, 0, 0);
	add_indirect(f, t, 16, 0);
	pop_breaks(f, "indirect_not_negotiated");
}

static void test_hostile_indirect_table_outside(void **state)
{
	struct fix *f = *state;

	up_dir(f, VNET_VIRTQ_DIR_OUT, VNET_F_INDIRECT_DESC);
	add_indirect(f, G_HOLE_GPA, 32, 0);
	pop_breaks(f, "indirect_addr");
}

/* next links inside an indirect table that loop. */
static void test_hostile_indirect_loop(void **state)
{
	struct fix *f = *state;
	uint64_t t = G_RING_GPA + 0x8000;

	up_dir(f, VNET_VIRTQ_DIR_OUT, VNET_F_INDIRECT_DESC);
	split_table_desc(f->v.g, t, 0, G_BUF_GPA, 8, G_DESC_F_NEXT, 1);
	split_table_desc(f->v.g, t, 1, G_BUF_GPA, 8, G_DESC_F_NEXT, 0);
	add_indirect(f, t, 32, 0);
	pop_breaks(f, "chain_too_long");
}

/* Supplying Buffers: "this is not possible since the ring buffer is the
 * same size as the descriptor table": idx more than size ahead. */
/* conformance: D-SPL-10 */
static void test_hostile_avail_idx_jump(void **state)
{
	struct fix *f = *state;

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	split_set_avail_idx(&f->d, QSIZE + 1);
	pop_breaks(f, "avail_idx_jump");
}

/* vnet_virtq_avail(): what the available ring offers, capped; popping
 * takes from it; a queue not set up offers nothing. */
static void test_avail_count(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 8, false };

	assert_int_equal(vnet_virtq_avail(&f->v.q, 8), 0);	/* not set up */
	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	assert_int_equal(vnet_virtq_avail(&f->v.q, 8), 0);
	split_add(&f->d, &b, 1);
	split_add(&f->d, &b, 1);
	split_add(&f->d, &b, 1);
	assert_int_equal(vnet_virtq_avail(&f->v.q, 8), 3);
	assert_int_equal(vnet_virtq_avail(&f->v.q, 2), 2);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_avail(&f->v.q, 8), 2);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_avail(&f->v.q, 8), 0);
	assert_false(vnet_virtq_broken(&f->v.q));
}

/* Supplying Buffers: the count reads the index with pop's checks: more
 * than the queue size ahead breaks the queue, and the count is 0. */
/* conformance: D-SPL-10 */
static void test_hostile_avail_count_jump(void **state)
{
	struct fix *f = *state;

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	split_set_avail_idx(&f->d, QSIZE + 1);
	assert_int_equal(vnet_virtq_avail(&f->v.q, 64), 0);
	assert_broken(f, "avail_idx_jump");
}

/* "A driver MUST NOT decrement the available idx" */
/* conformance: D-SPL-10 */
static void test_hostile_avail_idx_decrement(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 8, false };

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	split_add(&f->d, &b, 1);
	split_add(&f->d, &b, 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	split_set_avail_idx(&f->d, 1);
	pop_breaks(f, "avail_idx_jump");
}

/* Network transmit buffers are device-readable only. */
/* conformance: SPL-04 */
static void test_hostile_writable_on_tx(void **state)
{
	struct fix *f = *state;
	struct buf b[2] = { { G_BUF_GPA, 8, false }, { G_BUF_GPA, 8, true } };

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	split_add(&f->d, b, 2);
	pop_breaks(f, "wrong_direction");
}

/* Network receive buffers are device-writable only. */
/* conformance: SPL-03 */
static void test_hostile_readable_on_rx(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 8, false };

	up_dir(f, VNET_VIRTQ_DIR_IN, 0);
	split_add(&f->d, &b, 1);
	pop_breaks(f, "wrong_direction");
}

/* "The driver MUST place any device-writable descriptor elements after
 * any device-readable descriptor elements." */
/* conformance: D-SPL-02 */
static void test_hostile_write_before_read(void **state)
{
	struct fix *f = *state;
	struct buf b[2] = { { G_BUF_GPA, 8, true }, { G_BUF_GPA, 8, false } };

	up_dir(f, VNET_VIRTQ_DIR_ANY, 0);
	split_add(&f->d, b, 2);
	pop_breaks(f, "write_before_read");
}

/* A chain longer than the device's arrays is not a guest error (split-ring
 * tex: "A driver MUST NOT create a descriptor chain longer than the Queue
 * Size of the device": three descriptors in a queue of more is allowed):
 * the element holds two segments, the third is walked but not mapped, the
 * element says so (truncated), the buffer is returned, and the queue goes
 * on with the next buffer. A write descriptor before a read one in the
 * unmapped part is still refused: the walk checks to the end. */
/* conformance: D-SPL-03 */
static void test_long_chain_truncated(void **state)
{
	struct fix *f = *state;
	struct buf b[3] = { { G_BUF_GPA, 8, false }, { G_BUF_GPA + 8, 8, false },
			    { G_BUF_GPA + 16, 8, false } };
	struct buf one = { G_BUF_GPA, 4, false };
	struct buf bad[4] = { { G_BUF_GPA, 8, false }, { G_BUF_GPA, 8, false },
			      { G_BUF_GPA, 8, true }, { G_BUF_GPA, 8, false } };
	uint32_t id, len;
	uint16_t head;

	up_dir(f, VNET_VIRTQ_DIR_OUT, 0);
	f->v.e.out_max = 2;
	head = split_add(&f->d, b, 3);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_true(f->v.e.truncated);
	assert_int_equal(f->v.e.out_num, 2);
	assert_int_equal(f->v.e.out_len, 16);
	assert_int_equal(f->v.q.stats.truncated, 1);
	assert_false(vnet_virtq_broken(&f->v.q));
	assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 0), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	split_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(id, head);
	head = split_add(&f->d, &one, 1);	/* the queue goes on */
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_false(f->v.e.truncated);
	assert_int_equal(f->v.e.id, head);
	assert_int_equal(f->v.e.out_len, 4);
	assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 0), 0);
	split_add(&f->d, bad, 4);
	pop_breaks(f, "wrong_direction");
}

/* Virtqueues: the driver "MUST ensure that the physical address of the
 * first byte of each virtqueue part is a multiple of the specified
 * alignment", inside guest memory: otherwise the queue never starts. */
/* conformance: D-SPL-01 */
static void test_hostile_ring_not_translatable(void **state)
{
	struct fix *f = *state;
	struct vnet_virtq_config cfg = cfg_of(f, VNET_VIRTQ_DIR_OUT);

	cfg.device_addr = G_HOLE_GPA;
	assert_int_equal(vnet_virtq_setup(&f->v.q, &f->v.g->mem, &cfg), -EFAULT);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), -EIO);
	assert_broken(f, "ring_addr");
	f->broken_calls = 0;
	cfg = cfg_of(f, VNET_VIRTQ_DIR_OUT);
	cfg.driver_addr += 1;	/* available ring alignment is 2 */
	assert_int_equal(vnet_virtq_setup(&f->v.q, &f->v.g->mem, &cfg), -EFAULT);
	assert_string_equal(vnet_virtq_err_name(vnet_virtq_error(&f->v.q)),
			    "ring_addr");
	vnet_virtq_reset(&f->v.q);
	cfg = cfg_of(f, VNET_VIRTQ_DIR_OUT);
	cfg.desc_addr = G_RING_GPA + G_RING_SIZE - 64;	/* runs off */
	assert_int_equal(vnet_virtq_setup(&f->v.q, &f->v.g->mem, &cfg), -EFAULT);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, vq_fix_free)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_single_desc),
		T(test_chain_read_then_write),
		T(test_header_split_over_many_descs),
		T(test_zero_length_descs),
		T(test_desc_spans_adjacent_regions),
		T(test_indirect),
		T(test_direct_then_indirect),
		T(test_batch_push_flush),
		T(test_event_idx_wraparound),
		T(test_no_interrupt_flag),
		T(test_enable_disable_notify),
		T(test_enable_notify_event_idx),
		T(test_desc_table_never_written),
		T(test_used_len_before_idx),
		T(test_avail_flags_other_bits),
		T(test_in_order),
		T(test_mergeable_rx),
		T(test_mergeable_rx_rollback),
		T(test_rx_without_mergeable),
		T(test_base_and_reset),
		T(test_notification_data),
		T(test_unpop),
		T(test_uva_ring_addresses),
		T(test_big_endian_legacy),
		T(test_hostile_desc_loop),
		T(test_hostile_chain_longer_than_queue),
		T(test_hostile_head_out_of_range),
		T(test_hostile_next_out_of_range),
		T(test_hostile_addr_outside_regions),
		T(test_hostile_addr_runs_off_region),
		T(test_hostile_addr_len_wraps),
		T(test_hostile_chain_over_4g),
		T(test_hostile_indirect_not_multiple_of_16),
		T(test_hostile_indirect_zero_size),
		T(test_hostile_indirect_larger_than_queue),
		T(test_hostile_indirect_nested),
		T(test_hostile_indirect_with_next),
		T(test_hostile_indirect_not_negotiated),
		T(test_hostile_indirect_table_outside),
		T(test_hostile_indirect_loop),
		T(test_avail_count),
		T(test_hostile_avail_idx_jump),
		T(test_hostile_avail_count_jump),
		T(test_hostile_avail_idx_decrement),
		T(test_hostile_writable_on_tx),
		T(test_hostile_readable_on_rx),
		T(test_hostile_write_before_read),
		T(test_long_chain_truncated),
		T(test_hostile_ring_not_translatable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
