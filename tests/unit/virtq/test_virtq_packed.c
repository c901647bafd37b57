// SPDX-License-Identifier: MIT
/* test_virtq_packed.c - packed virtqueues, device side, against a fake driver and a hostile one */

#include <errno.h>
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
	struct packed_drv d, d2;
	unsigned int broken_calls;
};

static void on_broken(struct vnet_virtq *q, enum vnet_virtq_err err,
		      void *opaque)
{
	struct fix *f = opaque;

	(void)q;
	(void)err;
	f->broken_calls++;
}

static int setup(void **state)
{
	struct fix *f = vq_fix_new(sizeof(*f), NIOV);

	assert_non_null(f);
	packed_init(&f->d, f->v.g, QSIZE, G_RING_GPA);
	packed_init(&f->d2, f->v.g, QSIZE, G_RING_GPA + 0x1000);
	*state = f;
	return 0;
}

static void up_size(struct fix *f, enum vnet_virtq_dir dir, unsigned int bit,
		    uint16_t size)
{
	struct vnet_virtq_config cfg;

	if (size != QSIZE)
		packed_init(&f->d, f->v.g, size, G_RING_GPA);
	packed_config(&f->d, &cfg, dir);
	cfg.broken = on_broken;
	cfg.opaque = f;
	if (bit)
		vnet_features_set(&cfg.features, bit);
	assert_int_equal(vnet_virtq_setup(&f->v.q, &f->v.g->mem, &cfg), 0);
}

static void up(struct fix *f, enum vnet_virtq_dir dir, unsigned int bit)
{
	up_size(f, dir, bit, QSIZE);
}

/* A second queue on the same guest memory still works. */
static void second_queue_works(struct fix *f)
{
	struct vnet_virtq_config cfg;
	struct buf b = { G_BUF_GPA + 0x8000, 64, false };
	struct iovec out[2];
	struct vnet_virtq_elem e;
	uint32_t len;
	uint16_t id;

	packed_config(&f->d2, &cfg, VNET_VIRTQ_DIR_OUT);
	assert_int_equal(vnet_virtq_setup(&f->v.q2, &f->v.g->mem, &cfg), 0);
	vnet_virtq_elem_init(&e, out, 2, NULL, 0);
	packed_add(&f->d2, &b, 1, 7);
	assert_int_equal(vnet_virtq_pop(&f->v.q2, &e), 1);
	assert_int_equal(e.id, 7);
	assert_int_equal(vnet_virtq_push(&f->v.q2, &e, 0), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q2), 1);
	assert_true(packed_get_used(&f->d2, &id, &len, NULL));
	assert_int_equal(id, 7);
	assert_false(vnet_virtq_broken(&f->v.q2));
}

static void pop_breaks(struct fix *f, const char *name)
{
	enum vnet_virtq_err err;

	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), -EIO);
	err = vnet_virtq_error(&f->v.q);
	assert_true(vnet_virtq_broken(&f->v.q));
	assert_string_equal(vnet_virtq_err_name(err), name);
	assert_int_equal(f->broken_calls, 1);
	assert_int_equal(vnet_virtq_get_stats(&f->v.q)->errors[err], 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), -EIO);
	assert_int_equal(vnet_virtq_flush(&f->v.q), -EIO);
	second_queue_works(f);
	vnet_virtq_reset(&f->v.q);
	assert_false(vnet_virtq_broken(&f->v.q));
}

/* ---- normal operation ---- */

/* packed-ring.tex, Driver and Device Ring Wrap Counters: "To mark a
 * descriptor as used, the device sets the VIRTQ_DESC_F_USED bit ... to
 * match the internal Device Ring Wrap Counter. It also sets the
 * VIRTQ_DESC_F_AVAIL bit to match the same value." */
/* conformance: PKD-06 */
static void test_single_desc(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 100, false };
	uint16_t id = 0, fl = 0;
	uint32_t len;

	up(f, VNET_VIRTQ_DIR_OUT, 0);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 0);
	packed_add(&f->d, &b, 1, 5);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(f->v.e.id, 5);
	assert_int_equal(f->v.e.ndescs, 1);
	assert_int_equal(f->v.e.out_len, 100);
	assert_ptr_equal(f->v.e.out[0].iov_base, gp(f->v.g, G_BUF_GPA, 100));
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 0);
	assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 0), 0);
	assert_false(packed_get_used(&f->d, &id, &len, &fl));
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	assert_true(packed_get_used(&f->d, &id, &len, &fl));
	assert_int_equal(id, 5);
	assert_int_equal(fl & (G_DESC_F_AVAIL | G_DESC_F_USED | G_DESC_F_WRITE),
			 G_DESC_F_AVAIL | G_DESC_F_USED);
}

/* vnet_virtq_avail() on a packed ring: available descriptors, capped
 * (a list of two counts two: an upper bound on buffers); one whose AVAIL
 * bit the driver has not flipped ends the count. */
/* conformance: PKD-06 */
static void test_avail_count(void **state)
{
	struct fix *f = *state;
	struct buf one = { G_BUF_GPA, 100, false };
	struct buf two[2] = {
		{ G_BUF_GPA, 10, false }, { G_BUF_GPA + 64, 10, false },
	};

	up(f, VNET_VIRTQ_DIR_OUT, 0);
	assert_int_equal(vnet_virtq_avail(&f->v.q, 16), 0);
	packed_add(&f->d, &one, 1, 1);
	packed_add(&f->d, two, 2, 2);
	assert_int_equal(vnet_virtq_avail(&f->v.q, 16), 3);
	assert_int_equal(vnet_virtq_avail(&f->v.q, 2), 2);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_avail(&f->v.q, 16), 2);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_avail(&f->v.q, 16), 0);
	assert_false(vnet_virtq_broken(&f->v.q));
}

/* Next Flag: "Buffer ID is included in the last descriptor in the list";
 * "The device only writes out a single used descriptor for the whole
 * list"; a header split over three descriptors reads right. */
/* conformance: PKD-08 */
static void test_list_id_in_last(void **state)
{
	struct fix *f = *state;
	struct buf b[4] = {
		{ G_BUF_GPA, 5, false }, { G_BUF_GPA + 64, 7, false },
		{ G_BUF_GPA + 128, 300, false }, { G_BUF_GPA + 512, 40, true },
	};
	uint8_t want[312], got[312];
	uint16_t id;
	uint32_t len;

	up(f, VNET_VIRTQ_DIR_ANY, 0);
	guest_pattern(f->v.g, G_BUF_GPA, 1024);
	memcpy(want, gp(f->v.g, G_BUF_GPA, 5), 5);
	memcpy(want + 5, gp(f->v.g, G_BUF_GPA + 64, 7), 7);
	memcpy(want + 12, gp(f->v.g, G_BUF_GPA + 128, 300), 300);
	packed_add(&f->d, b, 4, 3);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(f->v.e.id, 3);
	assert_int_equal(f->v.e.ndescs, 4);
	assert_int_equal(f->v.e.out_num, 3);
	assert_int_equal(f->v.e.in_len, 40);
	assert_int_equal(iov_gather(f->v.e.out, 3, got, sizeof(got)), 312);
	assert_memory_equal(got, want, 312);
	assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 40), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	assert_true(packed_get_used(&f->d, &id, &len, NULL));
	assert_int_equal(id, 3);
	assert_int_equal(len, 40);
	assert_int_equal(f->d.next_used, 4);
}

/* Write Flag: "In a used descriptor, this bit is used to specify whether
 * any data has been written by the device"; Element Length "specifies the
 * length of the buffer that has been initialized". */
static void test_used_write_flag(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 100, true };
	uint16_t id = 0, fl = 0;
	uint32_t len;

	up(f, VNET_VIRTQ_DIR_IN, 0);
	packed_add(&f->d, &b, 1, 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 50), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	assert_true(packed_get_used(&f->d, &id, &len, &fl));
	assert_int_equal(len, 50);
	assert_true(fl & G_DESC_F_WRITE);
}

/* Indirect Flag: the table's entries come "immediately afterwards"; "The
 * VIRTQ_DESC_F_WRITE flags bit is the only valid flag for descriptors in
 * the indirect table. Others are reserved and are ignored by the device."
 * (so NEXT and INDIRECT inside the table change nothing). */
static void test_indirect(void **state)
{
	struct fix *f = *state;
	uint64_t t = G_RING_GPA + 0x8000;
	uint16_t id;
	uint32_t len;

	up(f, VNET_VIRTQ_DIR_ANY, VNET_F_INDIRECT_DESC);
	packed_table_desc(f->v.g, t, 0, G_BUF_GPA, 12, G_DESC_F_NEXT);
	packed_table_desc(f->v.g, t, 1, G_BUF_GPA + 100, 50, G_DESC_F_INDIRECT);
	packed_table_desc(f->v.g, t, 2, G_BUF_GPA + 200, 80, G_DESC_F_WRITE);
	packed_raw(&f->d, 0, t, 48, 2, (uint16_t)(G_DESC_F_INDIRECT |
		   G_DESC_F_WRITE | packed_avail_bits(&f->d)));
	f->d.sgs[2] = 1;
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(f->v.e.id, 2);
	assert_int_equal(f->v.e.ndescs, 1);
	assert_int_equal(f->v.e.out_num, 2);
	assert_int_equal(f->v.e.out_len, 62);
	assert_int_equal(f->v.e.in_len, 80);
	assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 80), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	assert_true(packed_get_used(&f->d, &id, &len, NULL));
	assert_int_equal(id, 2);
	assert_int_equal(len, 80);
}

/* Ring Wrap Counters: each side "changes the value of this counter each
 * time it uses the last descriptor in the ring", over many laps of a ring
 * of 5 (not a power of two: "does not have to be a power of 2"), with
 * lists of 1 to 3 descriptors and batches of two. */
/* conformance: PKD-01 */
static void test_wrap_counter_laps(void **state)
{
	struct fix *f = *state;
	struct iovec io[2][4];
	struct vnet_virtq_elem e[2];
	unsigned int round, flips = 0;
	bool wrap = true;

	up_size(f, VNET_VIRTQ_DIR_OUT, 0, 5);
	vnet_virtq_elem_init(&e[0], io[0], 4, NULL, 0);
	vnet_virtq_elem_init(&e[1], io[1], 4, NULL, 0);
	for (round = 0; round < 40; round++) {
		struct buf b[2] = { { G_BUF_GPA, 8, false },
				    { G_BUF_GPA + 8, 8, false } };
		unsigned int n0 = round % 2 + 1, i;

		packed_add(&f->d, b, n0, (uint16_t)(round % 5));
		packed_add(&f->d, b, 1, (uint16_t)((round + 1) % 5));
		assert_int_equal(vnet_virtq_pop_burst(&f->v.q, e, 2), 2);
		assert_int_equal(e[0].ndescs, n0);
		assert_int_equal(vnet_virtq_push(&f->v.q, &e[1], 0), 0);
		assert_int_equal(vnet_virtq_push(&f->v.q, &e[0], 0), 0);
		assert_int_equal(vnet_virtq_flush(&f->v.q), 2);
		for (i = 0; i < 2; i++) {
			uint16_t id;
			uint32_t len;

			assert_true(packed_get_used(&f->d, &id, &len, NULL));
			assert_int_equal(id, (round + 1 - i) % 5);
		}
		assert_int_equal(f->d.next_used, f->d.next_avail);
		assert_int_equal(vnet_virtq_get_base(&f->v.q),
				 f->d.next_avail | f->d.avail_wrap << 15);
		if (f->d.avail_wrap != wrap) {
			wrap = f->d.avail_wrap;
			flips++;
		}
	}
	assert_true(flips >= 20);
}

/* Batched: nothing visible before flush; lists completed out of order
 * each take "a single used descriptor", the driver skipping by list
 * length. */
/* conformance: PKD-02 */
static void test_batch_out_of_order(void **state)
{
	struct fix *f = *state;
	struct iovec io[3][4];
	struct vnet_virtq_elem e[3];
	struct buf b[3] = { { G_BUF_GPA, 8, true }, { G_BUF_GPA + 8, 8, true },
			    { G_BUF_GPA + 16, 8, true } };
	static const uint16_t order[3] = { 1, 2, 0 };
	unsigned int i;

	up(f, VNET_VIRTQ_DIR_IN, 0);
	packed_add(&f->d, b, 1, 0);
	packed_add(&f->d, b, 3, 1);
	packed_add(&f->d, b, 2, 2);
	for (i = 0; i < 3; i++)
		vnet_virtq_elem_init(&e[i], NULL, 0, io[i], 4);
	assert_int_equal(vnet_virtq_pop_burst(&f->v.q, e, 3), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(vnet_virtq_push(&f->v.q, &e[order[i]],
						 (uint32_t)(order[i] + 1)), 0);
	assert_false(packed_get_used(&f->d, &(uint16_t){ 0 },
				     &(uint32_t){ 0 }, NULL));
	assert_int_equal(vnet_virtq_flush(&f->v.q), 3);
	for (i = 0; i < 3; i++) {
		uint16_t id;
		uint32_t len;

		assert_true(packed_get_used(&f->d, &id, &len, NULL));
		assert_int_equal(id, order[i]);
		assert_int_equal(len, order[i] + 1);
	}
	assert_int_equal(f->d.next_used, 6);
}

/* Pop, push, flush one buffer; return whether to notify. */
static bool one_round(struct fix *f, uint16_t id)
{
	struct buf b = { G_BUF_GPA, 16, false };

	packed_add(&f->d, &b, 1, id);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 0), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	return vnet_virtq_should_notify(&f->v.q);
}

/* Driver and Device Event Suppression: DISABLE, ENABLE; DESC "Only valid
 * if VIRTIO_F_EVENT_IDX has been negotiated" (else taken as enable). */
static void test_driver_event_flags(void **state)
{
	struct fix *f = *state;

	up(f, VNET_VIRTQ_DIR_OUT, 0);
	packed_set_driver_event(&f->d, G_EVENT_DISABLE, 0);
	assert_false(one_round(f, 0));
	packed_set_driver_event(&f->d, G_EVENT_ENABLE, 0);
	assert_true(one_round(f, 0));
	packed_set_driver_event(&f->d, G_EVENT_DESC, 0x8005);
	assert_true(one_round(f, 0));
	assert_false(vnet_virtq_should_notify(&f->v.q));	/* nothing new */
}

/* "Event will only trigger when this descriptor is made ... used" and the
 * "Ring Wrap Counter matches this value", across laps of a ring of 4. */
static void test_driver_event_off_wrap(void **state)
{
	struct fix *f = *state;

	up_size(f, VNET_VIRTQ_DIR_OUT, VNET_F_EVENT_IDX, 4);
	packed_set_driver_event(&f->d, G_EVENT_DESC, 2 | 1 << 15);
	assert_false(one_round(f, 0));	/* pos 0, lap 1 */
	assert_false(one_round(f, 1));	/* pos 1 */
	assert_true(one_round(f, 2));	/* pos 2: the event */
	assert_false(one_round(f, 3));	/* pos 3, then wrap flips */
	assert_false(one_round(f, 0));	/* pos 0, lap 0 */
	assert_false(one_round(f, 1));	/* pos 1 */
	assert_false(one_round(f, 2));	/* pos 2 but wrap 0 != 1 */
	packed_set_driver_event(&f->d, G_EVENT_DESC, 0);  /* pos 0, wrap 0 */
	assert_false(one_round(f, 3));	/* pos 3 */
	assert_false(one_round(f, 0));	/* pos 0 wrap 1 */
	packed_set_driver_event(&f->d, G_EVENT_DESC, 2 | 1 << 15);
	{
		struct buf b = { G_BUF_GPA, 16, false };
		struct iovec o2[1];
		struct vnet_virtq_elem e2;

		/* two in one flush, covering pos 1 and 2: notify */
		vnet_virtq_elem_init(&e2, o2, 1, NULL, 0);
		packed_add(&f->d, &b, 1, 1);
		packed_add(&f->d, &b, 1, 2);
		assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
		assert_int_equal(vnet_virtq_pop(&f->v.q, &e2), 1);
		assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 0), 0);
		assert_int_equal(vnet_virtq_push(&f->v.q, &e2, 0), 0);
		assert_int_equal(vnet_virtq_flush(&f->v.q), 2);
		assert_true(vnet_virtq_should_notify(&f->v.q));
	}
}

/* The Device Event Suppression structure "is write-only by the device":
 * enable and disable, and a re-check after enabling. */
static void test_device_event_suppression(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 16, false };

	up(f, VNET_VIRTQ_DIR_OUT, 0);
	assert_int_equal(packed_device_event_flags(&f->d), G_EVENT_ENABLE);
	vnet_virtq_disable_notify(&f->v.q);
	assert_int_equal(packed_device_event_flags(&f->d), G_EVENT_DISABLE);
	assert_int_equal(vnet_virtq_enable_notify(&f->v.q), 0);
	assert_int_equal(packed_device_event_flags(&f->d), G_EVENT_ENABLE);
	packed_add(&f->d, &b, 1, 0);
	assert_int_equal(vnet_virtq_enable_notify(&f->v.q), 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_enable_notify(&f->v.q), 0);
}

/* packed-ring.tex, In-order use of descriptors: "a single used descriptor
 * with the Buffer ID corresponding to the last descriptor in the batch",
 * "overwriting the first available descriptor in the batch". */
/* conformance: D-SPL-05 */
static void test_in_order(void **state)
{
	struct fix *f = *state;
	struct iovec io[3][4];
	struct vnet_virtq_elem e[3];
	struct buf b[2] = { { G_BUF_GPA, 8, false }, { G_BUF_GPA, 8, false } };
	uint16_t id;
	uint32_t len;
	unsigned int i;

	up(f, VNET_VIRTQ_DIR_OUT, VNET_F_IN_ORDER);
	packed_add(&f->d, b, 1, 0);
	packed_add(&f->d, b, 2, 1);
	packed_add(&f->d, b, 1, 2);
	for (i = 0; i < 3; i++)
		vnet_virtq_elem_init(&e[i], io[i], 4, NULL, 0);
	assert_int_equal(vnet_virtq_pop_burst(&f->v.q, e, 3), 3);
	assert_int_equal(vnet_virtq_push(&f->v.q, &e[2], 0), -EINVAL);
	for (i = 0; i < 3; i++)
		assert_int_equal(vnet_virtq_push(&f->v.q, &e[i], 0), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 3);
	assert_int_equal(vnet_virtq_get_stats(&f->v.q)->used_written, 1);
	f->d.sgs[2] = 4;	/* the driver computes the batch size */
	assert_true(packed_get_used(&f->d, &id, &len, NULL));
	assert_int_equal(id, 2);
	assert_int_equal(f->d.next_used, 4);
	assert_false(packed_get_used(&f->d, &id, &len, NULL));
	/* the next batch lands where the driver now looks */
	assert_true(one_round(f, 3));
	f->d.sgs[3] = 1;
	assert_true(packed_get_used(&f->d, &id, &len, NULL));
	assert_int_equal(id, 3);
}

/* A batch holds at most the descriptors in flight: an element claiming
 * more than were popped is refused, so an IN_ORDER run of skipped
 * buffers never covers more than the ring. */
static void test_push_more_than_in_flight(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 8, false };
	struct vnet_virtq_elem e, forged;
	struct iovec io[4];

	up(f, VNET_VIRTQ_DIR_OUT, VNET_F_IN_ORDER);
	packed_add(&f->d, &b, 1, 0);
	vnet_virtq_elem_init(&e, io, 4, NULL, 0);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &e), 1);
	forged = e;
	forged.ndescs = 2;
	assert_int_equal(vnet_virtq_push(&f->v.q, &forged, 0), -EINVAL);
	assert_int_equal(vnet_virtq_push(&f->v.q, &e, 0), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	assert_int_equal(vnet_virtq_error(&f->v.q), VNET_VIRTQ_OK);
}

static void net_rules(struct vnet_virtq_net *n)
{
	struct vnet_features feat = { { 0, 0 } };
	struct vnet_hdr_layout l;

	vnet_features_set(&feat, VNET_F_VERSION_1);
	vnet_features_set(&feat, VNET_F_MRG_RXBUF);
	vnet_hdr_layout_init(&l, &feat, VNET_PROFILE_STANDARD,
			     VNET_ENDIAN_LITTLE);
	vnet_virtq_net_init(n, &l, &feat);
}

/* Setting Up Receive Buffers / Processing of Incoming Packets: "MUST set
 * num_buffers to indicate the number of buffers the packet (including the
 * header) is spread over", every buffer but the last filled. */
/* conformance: NET-RX-02, NET-RX-03, NET-RXB-01 */
static void test_mergeable_rx(void **state)
{
	struct fix *f = *state;
	struct vnet_virtq_net n;
	struct iovec io[4][2];
	struct vnet_virtq_elem e[4];
	struct vnet_hdr h = { .flags = 0 };
	uint8_t frame[250];
	unsigned int i;

	net_rules(&n);
	up(f, VNET_VIRTQ_DIR_IN, 0);
	for (i = 0; i < 4; i++)
		vnet_virtq_elem_init(&e[i], NULL, 0, io[i], 2);
	for (i = 0; i < 3; i++) {
		struct buf b = { G_BUF_GPA + 0x100 * i, 100, true };

		packed_add(&f->d, &b, 1, (uint16_t)(i + 4));
	}
	for (i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 29);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->v.q, &n, e, 4, 250), 3);
	assert_int_equal(vnet_virtq_net_rx_push(&f->v.q, &n, e, 3, &h, frame,
						250), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 3);
	assert_int_equal(ld16(gp(f->v.g, G_BUF_GPA + 10, 2)), 3);
	assert_memory_equal(gp(f->v.g, G_BUF_GPA + 12, 88), frame, 88);
	assert_memory_equal(gp(f->v.g, G_BUF_GPA + 0x100, 100), frame + 88, 100);
	assert_memory_equal(gp(f->v.g, G_BUF_GPA + 0x200, 62), frame + 188, 62);
	for (i = 0; i < 3; i++) {
		uint16_t id;
		uint32_t len;

		assert_true(packed_get_used(&f->d, &id, &len, NULL));
		assert_int_equal(id, i + 4);
		assert_int_equal(len, i < 2 ? 100 : 62);
	}
}

/* Rollback: buffers given back, the wrap state untouched, and an enable
 * that only reports descriptors made available after the ones seen. */
static void test_mergeable_rx_rollback(void **state)
{
	struct fix *f = *state;
	struct vnet_virtq_net n;
	struct iovec io[6][2];
	struct vnet_virtq_elem e[6];
	struct buf b = { G_BUF_GPA, 100, true };
	unsigned int i;

	net_rules(&n);
	up(f, VNET_VIRTQ_DIR_IN, 0);
	for (i = 0; i < 6; i++)
		vnet_virtq_elem_init(&e[i], NULL, 0, io[i], 2);
	for (i = 0; i < 3; i++)
		packed_add(&f->d, &b, 1, (uint16_t)i);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->v.q, &n, e, 6, 400),
			 -EAGAIN);
	assert_int_equal(vnet_virtq_get_base(&f->v.q), 1u << 15);
	assert_int_equal(vnet_virtq_enable_notify(&f->v.q), 0);
	packed_add(&f->d, &b, 1, 3);
	packed_add(&f->d, &b, 1, 4);
	assert_int_equal(vnet_virtq_enable_notify(&f->v.q), 1);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->v.q, &n, e, 6, 400), 5);
	assert_int_equal(e[0].id, 0);
	assert_int_equal(e[4].id, 4);
}

/* vhost-user GET/SET_VRING_BASE: offset in bits 0..14, wrap in bit 15. */
static void test_base_wrap_bit(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 8, false };
	uint16_t id;
	uint32_t len;

	up(f, VNET_VIRTQ_DIR_OUT, 0);
	assert_int_equal(vnet_virtq_set_base(&f->v.q, 3), 0);
	assert_int_equal(vnet_virtq_get_base(&f->v.q), 3);
	assert_int_equal(vnet_virtq_set_base(&f->v.q, QSIZE), -EINVAL);
	assert_int_equal(vnet_virtq_set_base(&f->v.q, 1u << 16), -EINVAL);
	/* The driver at offset 3 in lap 0 (wrap 0). */
	f->d.next_avail = f->d.next_used = 3;
	f->d.avail_wrap = f->d.used_wrap = false;
	packed_add(&f->d, &b, 1, 6);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_get_base(&f->v.q), 4);
	assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 0), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	assert_true(packed_get_used(&f->d, &id, &len, NULL));
	assert_int_equal(id, 6);
}

/* Driver Notifications: with RING_PACKED next_off is the ring offset and
 * next_wrap the wrap counter of the next available descriptor. */
/* conformance: D-PKD-03 */
static void test_notification_data(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 8, false };

	up(f, VNET_VIRTQ_DIR_OUT, VNET_F_NOTIFICATION_DATA);
	assert_int_equal(vnet_virtq_notification_data(&f->v.q, 0x80000001), 0);
	packed_add(&f->d, &b, 1, 0);
	assert_int_equal(vnet_virtq_notification_data(&f->v.q, 0x80010001), 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_notification_data(&f->v.q, 0x80010001), 0);
	assert_int_equal(vnet_virtq_notification_data(&f->v.q, 0x00010001), 1);
}

/* ---- hostile guests ---- */

/* Buffer IDs index the driver's per-buffer state, "vq->sgs[id]" of a
 * ring-sized array: one past the ring is out of range. */
/* conformance: D-PKD-09 */
static void test_hostile_id_out_of_range(void **state)
{
	struct fix *f = *state;

	up(f, VNET_VIRTQ_DIR_OUT, 0);
	packed_raw(&f->d, 0, G_BUF_GPA, 8, QSIZE, packed_avail_bits(&f->d));
	pop_breaks(f, "id_out_of_range");
}

/* Scatter-Gather Support: "A driver MUST NOT create a descriptor list
 * longer than the Queue Size. This implies that loops in the descriptor
 * list are forbidden!" */
/* conformance: D-PKD-04 */
static void test_hostile_list_longer_than_queue(void **state)
{
	struct fix *f = *state;
	uint16_t i;

	up(f, VNET_VIRTQ_DIR_OUT, 0);
	for (i = 0; i < QSIZE; i++)
		packed_raw(&f->d, i, G_BUF_GPA, 8, 0, (uint16_t)(G_DESC_F_NEXT |
			   packed_avail_bits(&f->d)));
	pop_breaks(f, "chain_too_long");
}

/* "A driver MUST NOT make the first descriptor in the list available
 * before all subsequent descriptors comprising the list are made
 * available." */
/* conformance: D-PKD-06 */
static void test_hostile_list_tail_not_available(void **state)
{
	struct fix *f = *state;

	up(f, VNET_VIRTQ_DIR_OUT, 0);
	packed_raw(&f->d, 1, G_BUF_GPA, 8, 0, 0);
	packed_raw(&f->d, 0, G_BUF_GPA, 8, 0,
		   (uint16_t)(G_DESC_F_NEXT | packed_avail_bits(&f->d)));
	pop_breaks(f, "desc_not_available");
}

static void test_hostile_addr_outside_regions(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_HOLE_GPA, 64, false };

	up(f, VNET_VIRTQ_DIR_OUT, 0);
	packed_add(&f->d, &b, 1, 0);
	pop_breaks(f, "addr_not_in_memory");
}

/* One descriptor referring to an indirect table of @len bytes. */
static void add_indirect(struct fix *f, uint64_t t, uint32_t len,
			 uint16_t extra)
{
	packed_raw(&f->d, 0, t, len, 0, (uint16_t)(G_DESC_F_INDIRECT | extra |
		   packed_avail_bits(&f->d)));
}

/* DPDK 22.11's virtio PMD sends multi-segment frames (TSO) on a packed
 * transmit queue through indirect tables whose entries it preset with
 * WRITE, the header entry keeping it: on a device-readable queue the bit
 * is ignored there, so such a frame is read, not refused; a direct
 * writable descriptor on that queue still breaks it. */
static void test_indirect_write_ignored_on_tx(void **state)
{
	struct fix *f = *state;
	uint64_t t = G_RING_GPA + 0x8000;

	up(f, VNET_VIRTQ_DIR_OUT, VNET_F_INDIRECT_DESC);
	packed_table_desc(f->v.g, t, 0, G_BUF_GPA, 12, G_DESC_F_WRITE);
	packed_table_desc(f->v.g, t, 1, G_BUF_GPA + 100, 50, G_DESC_F_NEXT);
	packed_table_desc(f->v.g, t, 2, G_BUF_GPA + 200, 80, G_DESC_F_WRITE);
	add_indirect(f, t, 48, 0);
	f->d.sgs[0] = 1;
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(f->v.e.out_num, 3);
	assert_int_equal(f->v.e.out_len, 142);
	assert_int_equal(f->v.e.in_len, 0);
}

/*
 * The ring sequence of the packed-ring stall in test_vnetd_dpdk_offload.sh
 * (testpmd, 2 KiB mbufs, TSO): DPDK 22.11's virtio PMD, without IN_ORDER,
 * presets every ring descriptor's id to its slot (vring_desc_init_packed),
 * then sends a frame of 8 mbufs or more as a chain (its buffer ID in the
 * last descriptor) and a smaller one through an indirect table, writing
 * that frame's buffer ID into the table's last entry only: the ring
 * descriptor keeps whatever id its slot held. packed-ring.tex, Next Flag:
 * "Buffer ID is included in the last descriptor in the list" (the one
 * ring descriptor of an indirect buffer); Indirect Flag: in the table
 * "Buffer ID is also reserved and is ignored by the device"; "The device
 * only writes out a single used descriptor for the whole list. It then
 * skips forward according to the number of descriptors in the list"; and
 * the device MUST ("Virtqueues", device requirements) "start writing
 * device descriptors into the ring in the order in which they complete".
 * So the used descriptor carries the slot's id, 3, not the driver's 1: the
 * driver, which keeps list sizes by its own ID, finds none for 3 and never
 * moves past it, while the device has used everything and its positions
 * match the driver's next available one. The device is right here.
 */
/* conformance: PKD-02 */
static void test_indirect_id_from_ring_not_table(void **state)
{
	struct fix *f = *state;
	uint64_t t = G_RING_GPA + 0x8000;
	struct buf chain[4] = {
		{ G_BUF_GPA, 12, false }, { G_BUF_GPA + 0x1000, 2048, false },
		{ G_BUF_GPA + 0x2000, 1000, false },
		{ G_BUF_GPA + 0x3000, 500, false },
	};
	struct iovec io[2][8];
	struct vnet_virtq_elem e[2];
	uint16_t i, id = 0, fl = 0;
	uint32_t len;

	up(f, VNET_VIRTQ_DIR_OUT, VNET_F_INDIRECT_DESC);
	for (i = 0; i < QSIZE; i++)	/* vring_desc_init_packed */
		st16(packed_desc(&f->d, i) + 12, i);
	/* buffer 0: header and two mbufs, a chain at 0..2 */
	packed_add(&f->d, chain, 3, 0);
	/* buffer 1: header and two mbufs, indirect at 3; the header entry
	 * keeps its preset WRITE, the others carry NEXT and the ring's AVAIL
	 * bit, and the last one buffer ID 1 */
	packed_table_desc(f->v.g, t, 0, G_BUF_GPA, 12, G_DESC_F_WRITE);
	packed_table_desc(f->v.g, t, 1, G_BUF_GPA + 0x1000, 2048,
			  G_DESC_F_NEXT | G_DESC_F_AVAIL);
	packed_table_desc(f->v.g, t, 2, G_BUF_GPA + 0x2000, 1000, G_DESC_F_AVAIL);
	st16(gp(f->v.g, t + 2 * 16 + 12, 2), 1);
	packed_raw(&f->d, 3, t, 48, 3, (uint16_t)(G_DESC_F_INDIRECT |
		   packed_avail_bits(&f->d)));
	f->d.next_avail = 4;
	f->d.sgs[1] = 1;	/* the driver's bookkeeping, by its ID */

	for (i = 0; i < 2; i++)
		vnet_virtq_elem_init(&e[i], io[i], 8, NULL, 0);
	assert_int_equal(vnet_virtq_pop_burst(&f->v.q, e, 2), 2);
	assert_int_equal(e[0].id, 0);
	assert_int_equal(e[0].ndescs, 3);
	assert_int_equal(e[1].id, 3);		/* the ring descriptor's */
	assert_int_equal(e[1].ndescs, 1);
	assert_int_equal(e[1].out_len, 12 + 2048 + 1000);
	for (i = 0; i < 2; i++)
		assert_int_equal(vnet_virtq_push(&f->v.q, &e[i], 0), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 2);
	assert_int_equal(vnet_virtq_get_base(&f->v.q), 4 | 1u << 15);

	/* one used descriptor per list, at the list's first slot */
	assert_true(packed_get_used(&f->d, &id, &len, &fl));
	assert_int_equal(id, 0);
	assert_int_equal(len, 0);
	assert_int_equal(fl, G_DESC_F_AVAIL | G_DESC_F_USED);
	assert_int_equal(f->d.next_used, 3);
	assert_true(packed_get_used(&f->d, &id, &len, &fl));
	assert_int_equal(id, 3);
	assert_int_equal(fl, G_DESC_F_AVAIL | G_DESC_F_USED);
	/* no list of ID 3 in flight: the driver stays on slot 3 */
	assert_int_equal(f->d.next_used, 3);

	/* the driver fills the rest of the lap (a chain crossing nothing),
	 * the device uses it and wraps to where the driver goes next, and
	 * slot 3 still holds the used descriptor the driver waits past */
	packed_add(&f->d, chain, 4, 2);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &e[0]), 1);
	assert_int_equal(e[0].id, 2);
	assert_int_equal(e[0].ndescs, 4);
	assert_int_equal(vnet_virtq_push(&f->v.q, &e[0], 0), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	assert_int_equal(f->d.next_avail, 0);
	assert_false(f->d.avail_wrap);
	assert_int_equal(vnet_virtq_get_base(&f->v.q), 0);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &e[0]), 0);
	assert_int_equal(ld16(packed_desc(&f->d, 3) + 12), 3);
	assert_int_equal(ld16(packed_desc(&f->d, 4) + 12), 2);
	assert_int_equal(ld16(packed_desc(&f->d, 4) + 14),
			 G_DESC_F_AVAIL | G_DESC_F_USED);
	assert_false(vnet_virtq_broken(&f->v.q));
}

/* struct pvirtq_indirect_descriptor_table: "desc[len / sizeof(struct
 * pvirtq_desc)]": a length that is no whole number of entries. */
static void test_hostile_indirect_not_multiple_of_16(void **state)
{
	struct fix *f = *state;

	up(f, VNET_VIRTQ_DIR_OUT, VNET_F_INDIRECT_DESC);
	add_indirect(f, G_RING_GPA + 0x8000, 40, 0);
	pop_breaks(f, "indirect_bad_size");
}

static void test_hostile_indirect_zero_size(void **state)
{
	struct fix *f = *state;

	up(f, VNET_VIRTQ_DIR_OUT, VNET_F_INDIRECT_DESC);
	add_indirect(f, G_RING_GPA + 0x8000, 0, 0);
	pop_breaks(f, "indirect_bad_size");
}

/* "If not limited, the maximum number of descriptors in a list is the
 * virtqueue size." */
/* conformance: D-PKD-04 */
static void test_hostile_indirect_larger_than_queue(void **state)
{
	struct fix *f = *state;

	up(f, VNET_VIRTQ_DIR_OUT, VNET_F_INDIRECT_DESC);
	add_indirect(f, G_RING_GPA + 0x8000, 16 * (QSIZE + 1), 0);
	pop_breaks(f, "indirect_bad_size");
}

/* "A driver MUST NOT write direct descriptors with VIRTQ_DESC_F_INDIRECT
 * set in a scatter-gather list linked by VIRTQ_DESC_F_NEXT." */
/* conformance: D-PKD-08 */
static void test_hostile_indirect_in_list(void **state)
{
	struct fix *f = *state;
	uint64_t t = G_RING_GPA + 0x8000;

	up(f, VNET_VIRTQ_DIR_OUT, VNET_F_INDIRECT_DESC);
	packed_table_desc(f->v.g, t, 0, G_BUF_GPA, 8, 0);
	packed_raw(&f->d, 1, t, 16, 0,
		   (uint16_t)(G_DESC_F_INDIRECT | packed_avail_bits(&f->d)));
	packed_raw(&f->d, 0, G_BUF_GPA, 8, 0,
		   (uint16_t)(G_DESC_F_NEXT | packed_avail_bits(&f->d)));
	pop_breaks(f, "indirect_with_next");
}

/* "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag unless the
 * VIRTIO_F_INDIRECT_DESC feature was negotiated." */
/* conformance: D-PKD-07 */
static void test_hostile_indirect_not_negotiated(void **state)
{
	struct fix *f = *state;

	up(f, VNET_VIRTQ_DIR_OUT, 0);
	packed_table_desc(f->v.g, G_RING_GPA + 0x8000, 0, G_BUF_GPA, 8, 0);
	add_indirect(f, G_RING_GPA + 0x8000, 16, 0);
	pop_breaks(f, "indirect_not_negotiated");
}

/* "A driver MUST NOT change a descriptor unless it observes the
 * VIRTQ_DESC_F_USED bit in its flags being changed": a driver that makes
 * a slot available again before the device used it. */
/* conformance: D-PKD-02 */
static void test_hostile_reuse_before_used(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 8, false };
	unsigned int i;

	up_size(f, VNET_VIRTQ_DIR_OUT, 0, 4);
	for (i = 0; i < 4; i++) {
		packed_add(&f->d, &b, 1, (uint16_t)i);
		assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	}
	packed_add(&f->d, &b, 1, 0);	/* slot 0 again, lap 0 */
	pop_breaks(f, "too_many_in_flight");
}

/* Scatter-Gather: "The driver MUST place any device-writable descriptor
 * elements after any device-readable descriptor elements." */
/* conformance: D-PKD-05 */
static void test_hostile_write_before_read(void **state)
{
	struct fix *f = *state;
	struct buf b[2] = { { G_BUF_GPA, 8, true }, { G_BUF_GPA, 8, false } };

	up(f, VNET_VIRTQ_DIR_ANY, 0);
	packed_add(&f->d, b, 2, 0);
	pop_breaks(f, "write_before_read");
}

/* conformance: PKD-04 */
static void test_hostile_readable_on_rx(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 8, false };

	up(f, VNET_VIRTQ_DIR_IN, 0);
	packed_add(&f->d, &b, 1, 0);
	pop_breaks(f, "wrong_direction");
}

/* "A device SHOULD NOT read a device-writable buffer": a direct writable
 * descriptor on a transmit (device-read-only) queue is refused, not read.
 * (Inside an indirect table on such a queue WRITE is ignored, for DPDK
 * 22.11: test_indirect_write_ignored_on_tx, the one deviation.) */
/* conformance: PKD-05 */
static void test_hostile_writable_on_tx(void **state)
{
	struct fix *f = *state;
	struct buf b[2] = { { G_BUF_GPA, 8, false }, { G_BUF_GPA, 8, true } };

	up(f, VNET_VIRTQ_DIR_OUT, 0);
	packed_add(&f->d, b, 2, 0);
	pop_breaks(f, "wrong_direction");
}

/* "A device MUST NOT change a descriptor after changing it's the
 * VIRTQ_DESC_F_USED bit in its flags": buffers used in three flushes, out
 * of order, a lap and more: a descriptor the driver sees used stays byte
 * for byte as it is until the driver makes it available again. */
/* conformance: PKD-07 */
static void test_used_desc_never_changed(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 64, true };
	struct iovec in[QSIZE][1];
	struct vnet_virtq_elem e[QSIZE];
	static const unsigned int order[] = { 1, 0, 3, 2, 5, 4, 6, 7 };
	uint8_t seen[QSIZE][16];
	unsigned int i, k, lap;
	uint16_t id = 0;
	uint32_t len = 0;

	up(f, VNET_VIRTQ_DIR_IN, 0);
	for (i = 0; i < QSIZE; i++)
		vnet_virtq_elem_init(&e[i], NULL, 0, in[i], 1);
	for (lap = 0; lap < 3; lap++) {
		for (i = 0; i < QSIZE; i++)
			packed_add(&f->d, &b, 1, (uint16_t)i);
		for (i = 0; i < QSIZE; i++)
			assert_int_equal(vnet_virtq_pop(&f->v.q, &e[i]), 1);
		for (k = 0; k < QSIZE; k += 2) {	/* flushes of two */
			for (i = k; i < k + 2; i++)
				assert_int_equal(vnet_virtq_push(&f->v.q,
					&e[order[i]], 10 + order[i]), 0);
			assert_int_equal(vnet_virtq_flush(&f->v.q), 2);
			for (i = k; i < k + 2; i++) {	/* the driver sees */
				assert_true(packed_get_used(&f->d, &id, &len,
							    NULL));
				assert_int_equal(len, 10 + id);
				memcpy(seen[i], packed_desc(&f->d, (uint16_t)i),
				       16);
			}
			for (i = 0; i < k + 2; i++)	/* all still as seen */
				assert_memory_equal(packed_desc(&f->d,
						    (uint16_t)i), seen[i], 16);
		}
	}
}

/* Structure Size and Alignment: event suppression "Alignment 4". */
/* conformance: D-PKD-01 */
static void test_hostile_ring_misaligned(void **state)
{
	struct fix *f = *state;
	struct vnet_virtq_config cfg;

	packed_config(&f->d, &cfg, VNET_VIRTQ_DIR_OUT);
	cfg.driver_addr += 2;
	assert_int_equal(vnet_virtq_setup(&f->v.q, &f->v.g->mem, &cfg), -EFAULT);
	assert_string_equal(vnet_virtq_err_name(vnet_virtq_error(&f->v.q)),
			    "ring_addr");
	second_queue_works(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, vq_fix_free)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_single_desc),
		T(test_avail_count),
		T(test_list_id_in_last),
		T(test_used_write_flag),
		T(test_indirect),
		T(test_indirect_write_ignored_on_tx),
		T(test_indirect_id_from_ring_not_table),
		T(test_wrap_counter_laps),
		T(test_batch_out_of_order),
		T(test_driver_event_flags),
		T(test_driver_event_off_wrap),
		T(test_device_event_suppression),
		T(test_in_order),
		T(test_push_more_than_in_flight),
		T(test_mergeable_rx),
		T(test_mergeable_rx_rollback),
		T(test_base_wrap_bit),
		T(test_notification_data),
		T(test_hostile_id_out_of_range),
		T(test_hostile_list_longer_than_queue),
		T(test_hostile_list_tail_not_available),
		T(test_hostile_addr_outside_regions),
		T(test_hostile_indirect_not_multiple_of_16),
		T(test_hostile_indirect_zero_size),
		T(test_hostile_indirect_larger_than_queue),
		T(test_hostile_indirect_in_list),
		T(test_hostile_indirect_not_negotiated),
		T(test_hostile_reuse_before_used),
		T(test_hostile_write_before_read),
		T(test_hostile_readable_on_rx),
		T(test_hostile_writable_on_tx),
		T(test_used_desc_never_changed),
		T(test_hostile_ring_misaligned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
