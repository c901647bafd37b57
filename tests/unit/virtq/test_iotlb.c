// SPDX-License-Identifier: MIT
/* test_iotlb.c - the device IOTLB: updates, invalidations, refusals, bounds; a queue translating through it */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/dirty_log.h"
#include "vnet/iotlb.h"
#include "vnet/virtq.h"
#include "vq_guest.h"

/*
 * vhost-user.rst, "IOMMU support": updates carry "the I/O virtual
 * address, the size, the user virtual address, and the permissions
 * flags. Addresses and size must be within vhost memory regions"; an
 * invalidation carries "the I/O virtual address and the size". With
 * VIRTIO_F_ACCESS_PLATFORM every address the device uses is such an
 * IOVA. The guest of vq_guest.h maps frontend address gpa + UVA_BIAS.
 */

#define UVA_BIAS	0x7f0000000000ULL
#define PG		4096ULL
/* IOVAs of the queue's buffers: far from their guest physical addresses */
#define BUF_IOVA	0x90000000ULL
/* log_guest_addr of SET_VRING_ADDR, an IOVA behind an IOMMU */
#define LOG_IOVA	0xa0000000ULL

static struct vnet_iotlb tlb;

static int tlb_setup(void **state)
{
	vnet_iotlb_init(&tlb);
	*state = guest_new();
	return 0;
}

static int tlb_teardown(void **state)
{
	guest_free(*state);
	return 0;
}

/* Map guest physical [@gpa, + @size) at @iova. */
static int map(struct guest *g, uint64_t iova, uint64_t gpa, uint64_t size,
	       unsigned int perm)
{
	return vnet_iotlb_update(&tlb, &g->mem, iova, size, gpa + UVA_BIAS,
				 perm);
}

/* An invalidation in the middle of a mapping keeps both sides; an
 * overlapping update replaces what it overlaps. */
static void test_invalidate_splits_update_replaces(void **state)
{
	struct guest *g = *state;
	const struct vnet_iotlb_entry *e;

	assert_int_equal(map(g, 0x10000, G_BUF_GPA, 4 * PG, VNET_IOTLB_RW), 0);
	vnet_iotlb_invalidate(&tlb, 0x11000, PG);
	assert_int_equal(tlb.n, 2);
	assert_null(vnet_iotlb_find(&tlb, 0x11000));
	assert_null(vnet_iotlb_find(&tlb, 0x11fff));
	e = vnet_iotlb_find(&tlb, 0x12000);
	assert_non_null(e);
	assert_int_equal(e->uva, G_BUF_GPA + 2 * PG + UVA_BIAS);
	assert_non_null(vnet_iotlb_find(&tlb, 0x10fff));
	/* an update over the hole and both sides' edges: the newest wins */
	assert_int_equal(map(g, 0x10800, G_RING_GPA, 2 * PG, VNET_IOTLB_RO), 0);
	e = vnet_iotlb_find(&tlb, 0x12000);
	assert_int_equal(e->uva + (0x12000 - e->iova),
			 G_RING_GPA + 0x1800 + UVA_BIAS);
	assert_int_equal(e->perm, VNET_IOTLB_RO);
	e = vnet_iotlb_find(&tlb, 0x12800);
	assert_int_equal(e->uva, G_BUF_GPA + 0x2800 + UVA_BIAS);
	assert_int_equal(e->perm, VNET_IOTLB_RW);
	/* size 0: to the end of the IOVA space */
	vnet_iotlb_invalidate(&tlb, 0x10400, 0);
	assert_int_equal(tlb.n, 1);
	assert_null(vnet_iotlb_find(&tlb, 0x10400));
}

/* What the frontend may not map, each refused and counted. */
static void test_updates_refused(void **state)
{
	struct guest *g = *state;

	assert_int_equal(map(g, 0, G_BUF_GPA, 0, VNET_IOTLB_RW), -EINVAL);
	assert_int_equal(map(g, 0, G_BUF_GPA, PG, 0), -EINVAL);
	assert_int_equal(map(g, 0, G_BUF_GPA, PG, 4), -EINVAL);
	assert_int_equal(map(g, UINT64_MAX - 10, G_BUF_GPA, PG, VNET_IOTLB_RW),
			 -EOVERFLOW);
	assert_int_equal(vnet_iotlb_update(&tlb, &g->mem, 0, PG,
					   UINT64_MAX - 10, VNET_IOTLB_RW),
			 -EOVERFLOW);
	/* "must be within vhost memory regions": a hole, a region's end */
	assert_int_equal(map(g, 0, G_HOLE_GPA, PG, VNET_IOTLB_RW), -EFAULT);
	assert_int_equal(map(g, 0, G_ADJ_GPA, G_ADJ_SIZE + 1, VNET_IOTLB_RW),
			 -EFAULT);
	/* two regions adjacent in the frontend's space: one mapping may
	 * cover both */
	assert_int_equal(map(g, 0, G_BUF_GPA, G_BUF_SIZE + G_ADJ_SIZE,
			     VNET_IOTLB_RW), 0);
	assert_int_equal(tlb.stats.bad_entry, 3);
	assert_int_equal(tlb.stats.overflow, 2);
	assert_int_equal(tlb.stats.outside, 2);
	assert_int_equal(tlb.n, 1);
}

/* A flood of updates: the table never holds more than its bound. */
static void test_flood_bounded(void **state)
{
	struct guest *g = *state;
	unsigned int i;

	for (i = 0; i < VNET_IOTLB_ENTRIES_MAX + 100; i++)
		assert_int_equal(map(g, (uint64_t)i * PG, G_BUF_GPA, PG,
				     VNET_IOTLB_RW), 0);
	assert_int_equal(tlb.n, VNET_IOTLB_ENTRIES_MAX);
	assert_int_equal(tlb.stats.evicted, 100);
}

/* A range over two mappings apart in host memory: two segments, each
 * the right bytes; the cache then holds each mapping's window. */
static void test_translate_straddles(void **state)
{
	struct guest *g = *state;
	struct vnet_iotlb_cache cache;
	struct iovec iov[4];
	uint64_t miss = 0;

	memset(&cache, 0, sizeof(cache));
	assert_int_equal(map(g, 0x10000, G_BUF_GPA + 3 * PG, PG,
			     VNET_IOTLB_RO), 0);
	assert_int_equal(map(g, 0x11000, G_BUF_GPA, PG, VNET_IOTLB_RO), 0);
	assert_int_equal(vnet_iotlb_translate_cached(&tlb, &g->mem, &cache,
						     0x10f00, 0x200,
						     VNET_IOTLB_RO, iov, 4,
						     &miss), 2);
	assert_ptr_equal(iov[0].iov_base, gp(g, G_BUF_GPA + 3 * PG + 0xf00,
					     0x100));
	assert_int_equal(iov[0].iov_len, 0x100);
	assert_ptr_equal(iov[1].iov_base, gp(g, G_BUF_GPA, 0x100));
	assert_int_equal(iov[1].iov_len, 0x100);
	/* write access to a read-only mapping; a miss names its IOVA */
	assert_int_equal(vnet_iotlb_translate_cached(&tlb, &g->mem, &cache,
						     0x10f00, 0x10,
						     VNET_IOTLB_WO, iov, 4,
						     &miss), -EACCES);
	assert_int_equal(vnet_iotlb_translate_cached(&tlb, &g->mem, &cache,
						     0x11f00, 0x200,
						     VNET_IOTLB_RO, iov, 4,
						     &miss), -ENOENT);
	assert_int_equal(miss, 0x12000);
}

struct miss_log {
	unsigned int n;
	uint64_t iova;
	unsigned int perm;
};

static void on_miss(struct vnet_virtq *q, uint64_t iova, unsigned int perm,
		    void *opaque)
{
	struct miss_log *m = opaque;

	(void)q;
	m->n++;
	m->iova = iova;
	m->perm = perm;
}

/* A split queue of 8 at G_RING_GPA, its rings at the same IOVAs, a
 * device-writable buffer at BUF_IOVA (guest physical G_BUF_GPA). */
struct iommu_q {
	struct vnet_virtq q;
	struct split_drv d;
	struct miss_log m;
	struct vnet_virtq_config cfg;
};

static void queue_up(struct guest *g, struct iommu_q *t,
		     enum vnet_virtq_dir dir)
{
	memset(t, 0, sizeof(*t));
	split_init(&t->d, g, 8, G_RING_GPA);
	split_config(&t->d, &t->cfg, dir);
	t->cfg.iotlb = &tlb;
	t->cfg.miss = on_miss;
	t->cfg.opaque = &t->m;
	vnet_virtq_init(&t->q);
	assert_int_equal(vnet_virtq_setup(&t->q, &g->mem, &t->cfg), 0);
}

static void map_rings(struct guest *g)
{
	assert_int_equal(map(g, G_RING_GPA, G_RING_GPA, G_RING_SIZE,
			     VNET_IOTLB_RW), 0);
}

/* Rings unmapped at setup: the queue waits (-EAGAIN), asks for the
 * descriptor table, then works once it is mapped. */
static void test_rings_by_miss(void **state)
{
	struct guest *g = *state;
	struct vnet_virtq_elem e;
	struct iovec in[4];
	struct iommu_q t;

	queue_up(g, &t, VNET_VIRTQ_DIR_IN);
	split_add(&t.d, (struct buf[]){ { BUF_IOVA, 256, true } }, 1);
	split_publish(&t.d);
	vnet_virtq_elem_init(&e, NULL, 0, in, 4);
	assert_int_equal(vnet_virtq_pop(&t.q, &e), -EAGAIN);
	assert_int_equal(t.m.n, 2);	/* at setup, and now: one each */
	assert_int_equal(t.m.iova, G_RING_GPA);
	assert_int_equal(t.m.perm, VNET_IOTLB_RO);
	map_rings(g);
	assert_int_equal(vnet_virtq_pop(&t.q, &e), -EAGAIN);	/* buffer */
	assert_int_equal(t.m.iova, BUF_IOVA);
	assert_int_equal(t.m.perm, VNET_IOTLB_WO);
	assert_int_equal(map(g, BUF_IOVA, G_BUF_GPA, PG, VNET_IOTLB_WO), 0);
	assert_int_equal(vnet_virtq_pop(&t.q, &e), 1);
	assert_ptr_equal(in[0].iov_base, gp(g, G_BUF_GPA, 256));
	assert_int_equal(t.q.stats.iotlb_misses, 3);
	vnet_virtq_reset(&t.q);
}

/*
 * An invalidation between pop and push: the used ring's mapping goes
 * after the buffer was popped. The push is kept, the flush does not
 * write the used ring through the mapping that is gone: it asks for it
 * (write access) and waits; mapped again, the flush writes the entry.
 */
static void test_invalidation_between_pop_and_push(void **state)
{
	struct guest *g = *state;
	struct vnet_virtq_elem e;
	struct iovec in[4];
	struct iommu_q t;
	uint32_t id, len;

	map_rings(g);
	assert_int_equal(map(g, BUF_IOVA, G_BUF_GPA, PG, VNET_IOTLB_WO), 0);
	queue_up(g, &t, VNET_VIRTQ_DIR_IN);
	split_add(&t.d, (struct buf[]){ { BUF_IOVA, 256, true } }, 1);
	split_publish(&t.d);
	vnet_virtq_elem_init(&e, NULL, 0, in, 4);
	assert_int_equal(vnet_virtq_pop(&t.q, &e), 1);
	/* the used ring's bytes only: the rest of the rings stays mapped */
	vnet_iotlb_invalidate(&tlb, t.d.used, 6 + 8 * 8);
	assert_int_equal(vnet_virtq_push(&t.q, &e, 100), 0);
	assert_int_equal(vnet_virtq_flush(&t.q), -EAGAIN);
	assert_int_equal(t.m.iova, t.d.used);
	assert_int_equal(t.m.perm, VNET_IOTLB_WO);
	assert_int_equal(split_used_idx(&t.d), 0);	/* nothing written */
	assert_int_equal(map(g, t.d.used, t.d.used, 6 + 8 * 8, VNET_IOTLB_WO),
			 0);
	assert_int_equal(vnet_virtq_flush(&t.q), 1);
	assert_int_equal(split_used_idx(&t.d), 1);
	split_used_elem(&t.d, 0, &id, &len);
	assert_int_equal(len, 100);
	vnet_virtq_reset(&t.q);
}

/* A transmit buffer mapped write-only: never read, the queue broken. */
static void test_write_only_never_read(void **state)
{
	struct guest *g = *state;
	struct vnet_virtq_elem e;
	struct iovec out[4];
	struct iommu_q t;

	map_rings(g);
	assert_int_equal(map(g, BUF_IOVA, G_BUF_GPA, PG, VNET_IOTLB_WO), 0);
	queue_up(g, &t, VNET_VIRTQ_DIR_OUT);
	split_add(&t.d, (struct buf[]){ { BUF_IOVA, 64, false } }, 1);
	split_publish(&t.d);
	vnet_virtq_elem_init(&e, out, 4, NULL, 0);
	assert_int_equal(vnet_virtq_pop(&t.q, &e), -EIO);
	assert_int_equal(t.q.err, VNET_VIRTQ_ERR_IOTLB_PERM);
	vnet_virtq_reset(&t.q);
}

/*
 * Dirty logging with an IOMMU logs guest physical pages: a receive
 * buffer written through BUF_IOVA marks G_BUF_GPA's page, never the
 * page the IOVA would name as a guest address; the used ring is marked
 * by its guest physical page, not by the log address (an IOVA too).
 */
static void test_dirty_log_by_guest_physical(void **state)
{
	struct guest *g = *state;
	static uint8_t bits[(0x100000000ULL / PG) / 8];
	struct vnet_dirty_log log = { bits, sizeof(bits) };
	struct vnet_virtq_elem e;
	struct iovec in[4];
	struct iommu_q t;

	memset(bits, 0, sizeof(bits));
	map_rings(g);
	assert_int_equal(map(g, BUF_IOVA, G_BUF_GPA, PG, VNET_IOTLB_WO), 0);
	queue_up(g, &t, VNET_VIRTQ_DIR_IN);
	/* the log address as QEMU gives it behind an IOMMU: an IOVA */
	vnet_virtq_reset(&t.q);
	t.cfg.has_log_addr = true;
	t.cfg.log_addr = LOG_IOVA;
	t.cfg.log = &log;
	assert_int_equal(vnet_virtq_setup(&t.q, &g->mem, &t.cfg), 0);
	split_add(&t.d, (struct buf[]){ { BUF_IOVA, 256, true } }, 1);
	split_publish(&t.d);
	vnet_virtq_elem_init(&e, NULL, 0, in, 4);
	assert_int_equal(vnet_virtq_pop(&t.q, &e), 1);
	memset(in[0].iov_base, 0xab, 100);
	assert_int_equal(vnet_virtq_push(&t.q, &e, 100), 0);
	assert_int_equal(vnet_virtq_flush(&t.q), 1);
	assert_true(bits[(G_BUF_GPA / PG) / 8] & (1u << (G_BUF_GPA / PG) % 8));
	assert_false(bits[(BUF_IOVA / PG) / 8] & (1u << (BUF_IOVA / PG) % 8));
	/* the used ring too, by its guest physical page, not the IOVA */
	assert_true(bits[(t.d.used / PG) / 8] & (1u << (t.d.used / PG) % 8));
	assert_false(bits[(LOG_IOVA / PG) / 8] & (1u << (LOG_IOVA / PG) % 8));
	vnet_virtq_reset(&t.q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_invalidate_splits_update_replaces, tlb_setup,
			tlb_teardown),
		cmocka_unit_test_setup_teardown(test_updates_refused,
						tlb_setup, tlb_teardown),
		cmocka_unit_test_setup_teardown(test_flood_bounded, tlb_setup,
						tlb_teardown),
		cmocka_unit_test_setup_teardown(test_translate_straddles,
						tlb_setup, tlb_teardown),
		cmocka_unit_test_setup_teardown(test_rings_by_miss, tlb_setup,
						tlb_teardown),
		cmocka_unit_test_setup_teardown(
			test_invalidation_between_pop_and_push, tlb_setup,
			tlb_teardown),
		cmocka_unit_test_setup_teardown(test_write_only_never_read,
						tlb_setup, tlb_teardown),
		cmocka_unit_test_setup_teardown(
			test_dirty_log_by_guest_physical, tlb_setup,
			tlb_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
