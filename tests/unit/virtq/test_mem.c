// SPDX-License-Identifier: MIT
/* test_mem.c - the guest memory table: checked inserts, checked translation */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/mem.h"

/* Host backing for the regions of a test: exact-size allocations. */
struct fix {
	struct vnet_mem mem;
	uint8_t *a, *b, *c;
};

static struct vnet_mem_region region(uint64_t gpa, uint64_t size,
				     uint64_t uva, void *hva)
{
	struct vnet_mem_region r = { .gpa = gpa, .size = size, .uva = uva,
				     .hva = hva };
	return r;
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	vnet_mem_init(&f->mem);
	f->a = malloc(0x1000);
	f->b = malloc(0x2000);
	f->c = malloc(0x1000);
	assert_non_null(f->a);
	assert_non_null(f->b);
	assert_non_null(f->c);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	free(f->a);
	free(f->b);
	free(f->c);
	free(f);
	return 0;
}

/* B at 0x10000..0x12000, then A adjacent at 0x12000..0x13000; C apart. */
static void add_three(struct fix *f)
{
	struct vnet_mem_region b = region(0x10000, 0x2000, 0x7000000, f->b);
	struct vnet_mem_region a = region(0x12000, 0x1000, 0x9000000, f->a);
	struct vnet_mem_region c = region(0x40000, 0x1000, 0x5000000, f->c);

	assert_int_equal(vnet_mem_add(&f->mem, &a), 0);
	assert_int_equal(vnet_mem_add(&f->mem, &c), 0);
	assert_int_equal(vnet_mem_add(&f->mem, &b), 0);
}

static void test_insert_sorted_and_find(void **state)
{
	struct fix *f = *state;
	const struct vnet_mem_region *r;

	add_three(f);
	assert_int_equal(f->mem.nregions, 3);
	assert_true(f->mem.regions[0].gpa == 0x10000);
	assert_true(f->mem.regions[1].gpa == 0x12000);
	assert_true(f->mem.regions[2].gpa == 0x40000);
	r = vnet_mem_find(&f->mem, 0x11fff);
	assert_non_null(r);
	assert_ptr_equal(r->hva, f->b);
	assert_null(vnet_mem_find(&f->mem, 0xffff));
	assert_null(vnet_mem_find(&f->mem, 0x13000));	/* one past A */
	assert_null(vnet_mem_find(&f->mem, 0x41000));
}

/* Refusals on insert, each counted. */
static void test_insert_zero_size_and_null(void **state)
{
	struct fix *f = *state;
	struct vnet_mem_region z = region(0x1000, 0, 0, f->a);
	struct vnet_mem_region n = region(0x1000, 0x1000, 0, NULL);

	assert_int_equal(vnet_mem_add(&f->mem, &z), -EINVAL);
	assert_int_equal(vnet_mem_add(&f->mem, &n), -EINVAL);
	assert_int_equal(f->mem.stats.bad_region, 2);
	assert_int_equal(f->mem.nregions, 0);
}

static void test_insert_gpa_overflow(void **state)
{
	struct fix *f = *state;
	struct vnet_mem_region r = region(UINT64_MAX - 0xfff, 0x1000, 0, f->a);
	struct vnet_mem_region big = region(0x1000, UINT64_MAX, 0, f->a);

	assert_int_equal(vnet_mem_add(&f->mem, &r), -EOVERFLOW);
	assert_int_equal(vnet_mem_add(&f->mem, &big), -EOVERFLOW);
	assert_int_equal(f->mem.stats.overflow, 2);
	assert_int_equal(f->mem.nregions, 0);
}

static void test_insert_uva_and_hva_overflow(void **state)
{
	struct fix *f = *state;
	struct vnet_mem_region u = region(0x1000, 0x1000, UINT64_MAX - 0x10,
					  f->a);
	struct vnet_mem_region h = region(0x1000, 0x1000, 0,
					  (void *)(UINTPTR_MAX - 0x10));

	assert_int_equal(vnet_mem_add(&f->mem, &u), -EOVERFLOW);
	assert_int_equal(vnet_mem_add(&f->mem, &h), -EOVERFLOW);
	assert_int_equal(f->mem.stats.overflow, 2);
}

static void test_insert_overlap(void **state)
{
	struct fix *f = *state;
	static const struct {
		uint64_t gpa, size;
	} bad[] = {
		{ 0x10000, 0x2000 },	/* identical to B */
		{ 0x0f000, 0x1001 },	/* runs into B from below */
		{ 0x11fff, 0x0002 },	/* straddles B and A */
		{ 0x10800, 0x0100 },	/* inside B */
		{ 0x0f000, 0x8000 },	/* contains B and A */
		{ 0x12fff, 0x0010 },	/* last byte of A and on */
		{ 0x3ffff, 0x0002 },	/* first byte of C */
	};
	size_t i;

	add_three(f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vnet_mem_region r = region(bad[i].gpa, bad[i].size, 0,
						  f->c);

		if (vnet_mem_add(&f->mem, &r) != -EEXIST)
			fail_msg("overlap %zu accepted", i);
	}
	assert_int_equal(f->mem.stats.overlap, sizeof(bad) / sizeof(bad[0]));
	assert_int_equal(f->mem.nregions, 3);
}

static void test_insert_full(void **state)
{
	struct fix *f = *state;
	unsigned int i;

	for (i = 0; i < VNET_MEM_REGIONS_MAX; i++) {
		struct vnet_mem_region r = region(0x1000ULL * i, 0x1000, 0,
						  f->a);

		assert_int_equal(vnet_mem_add(&f->mem, &r), 0);
	}
	{
		struct vnet_mem_region r = region(0x1000ULL * i, 0x1000, 0,
						  f->a);

		assert_int_equal(vnet_mem_add(&f->mem, &r), -ENOSPC);
	}
	assert_int_equal(f->mem.stats.full, 1);
	assert_non_null(vnet_mem_find(&f->mem, 0x1000ULL * (i - 1)));
}

static void test_del(void **state)
{
	struct fix *f = *state;

	add_three(f);
	assert_int_equal(vnet_mem_del(&f->mem, 0x12000, 0x999), -ENOENT);
	assert_int_equal(vnet_mem_del(&f->mem, 0x12001, 0x1000), -ENOENT);
	assert_int_equal(vnet_mem_del(&f->mem, 0x12000, 0x1000), 0);
	assert_int_equal(f->mem.nregions, 2);
	assert_null(vnet_mem_find(&f->mem, 0x12000));
	assert_non_null(vnet_mem_find(&f->mem, 0x40000));
}

/* vnet_mem_ptr: the whole range inside one region, never past its end. */
static void test_ptr_one_region(void **state)
{
	struct fix *f = *state;

	add_three(f);
	assert_ptr_equal(vnet_mem_ptr(&f->mem, 0x10000, 0x2000), f->b);
	assert_ptr_equal(vnet_mem_ptr(&f->mem, 0x11fff, 1), f->b + 0x1fff);
	assert_null(vnet_mem_ptr(&f->mem, 0x11fff, 2));	/* into A */
	assert_null(vnet_mem_ptr(&f->mem, 0x10000, 0));
	assert_null(vnet_mem_ptr(&f->mem, 0x13000, 1));
	assert_null(vnet_mem_ptr(&f->mem, 0x10000, UINT64_MAX));
	assert_null(vnet_mem_ptr(&f->mem, UINT64_MAX, 2));
}

static void test_uva_ptr(void **state)
{
	struct fix *f = *state;

	add_three(f);
	assert_ptr_equal(vnet_mem_uva_ptr(&f->mem, 0x9000010, 0x10),
			 f->a + 0x10);
	assert_null(vnet_mem_uva_ptr(&f->mem, 0x9000ff0, 0x20));
	assert_null(vnet_mem_uva_ptr(&f->mem, 0x12000, 1));	/* a gpa */
	assert_null(vnet_mem_uva_ptr(&f->mem, UINT64_MAX, 2));
}

/* Translation splits only across adjacent regions. */
static void test_translate_adjacent(void **state)
{
	struct fix *f = *state;
	struct iovec iov[4];

	add_three(f);
	assert_int_equal(vnet_mem_translate(&f->mem, 0x11000, 0x1800, iov, 4),
			 2);
	assert_ptr_equal(iov[0].iov_base, f->b + 0x1000);
	assert_int_equal(iov[0].iov_len, 0x1000);
	assert_ptr_equal(iov[1].iov_base, f->a);
	assert_int_equal(iov[1].iov_len, 0x800);
	assert_int_equal(vnet_mem_translate(&f->mem, 0x11000, 0x1800, iov, 1),
			 -ENOBUFS);
	assert_int_equal(vnet_mem_translate(&f->mem, 0x11000, 0, iov, 4), 0);
}

static void test_translate_hole_and_overflow(void **state)
{
	struct fix *f = *state;
	struct iovec iov[4];

	add_three(f);
	/* A ends at 0x13000, nothing until C: one byte too many */
	assert_int_equal(vnet_mem_translate(&f->mem, 0x12000, 0x1001, iov, 4),
			 -EFAULT);
	assert_int_equal(vnet_mem_translate(&f->mem, 0x20000, 1, iov, 4),
			 -EFAULT);
	assert_int_equal(vnet_mem_translate(&f->mem, UINT64_MAX - 1, 4, iov,
					    4), -EOVERFLOW);
}

/* The remembered region: used while it holds the address; regions added
 * below it (indices shift) or removed never make it answer wrong. */
static void test_hint_follows_changes(void **state)
{
	struct fix *f = *state;
	struct vnet_mem_region b = region(0x10000, 0x2000, 0x7000000, f->b);
	const struct vnet_mem_region *r;
	unsigned int hint = UINT32_MAX;		/* garbage is safe */
	struct iovec iov[4];

	add_three(f);
	r = vnet_mem_find_hint(&f->mem, &hint, 0x40010);
	assert_non_null(r);
	assert_ptr_equal(r->hva, f->c);
	assert_int_equal(hint, 2);
	/* a hit through the hint, and a miss that moves it */
	assert_ptr_equal(vnet_mem_find_hint(&f->mem, &hint, 0x40ff0)->hva, f->c);
	assert_ptr_equal(vnet_mem_find_hint(&f->mem, &hint, 0x10000)->hva, f->b);
	assert_int_equal(hint, 0);
	/* B removed: index 0 is now A, which does not hold 0x10000 */
	assert_int_equal(vnet_mem_del(&f->mem, 0x10000, 0x2000), 0);
	assert_null(vnet_mem_find_hint(&f->mem, &hint, 0x10000));
	assert_int_equal(vnet_mem_translate_hint(&f->mem, &hint, 0x10000, 16,
						 iov, 4), -EFAULT);
	/* C's index was 2, now 1; the stale hint 2 is past the table */
	hint = 2;
	assert_ptr_equal(vnet_mem_find_hint(&f->mem, &hint, 0x40000)->hva, f->c);
	assert_int_equal(hint, 1);
	/* B back in front: every index shifts, C found at 2 again */
	assert_int_equal(vnet_mem_add(&f->mem, &b), 0);
	assert_int_equal(vnet_mem_translate_hint(&f->mem, &hint, 0x40000, 16,
						 iov, 4), 1);
	assert_ptr_equal(iov[0].iov_base, f->c);
	assert_int_equal(hint, 2);
	/* the hint never stretches a segment past its region's end */
	hint = 0;
	assert_int_equal(vnet_mem_translate_hint(&f->mem, &hint, 0x11000,
						 0x1800, iov, 4), 2);
	assert_ptr_equal(iov[0].iov_base, f->b + 0x1000);
	assert_int_equal(iov[0].iov_len, 0x1000);
	assert_ptr_equal(iov[1].iov_base, f->a);
	assert_int_equal(iov[1].iov_len, 0x800);
	assert_int_equal(hint, 1);
	assert_int_equal(vnet_mem_translate_hint(&f->mem, &hint, 0x12000,
						 0x1001, iov, 4), -EFAULT);
	assert_int_equal(vnet_mem_translate_hint(&f->mem, &hint, UINT64_MAX - 1,
						 4, iov, 4), -EOVERFLOW);
}

/* The reverse, for the dirty log: a host range back to its guest address,
 * only when one region's mapping holds all of it. */
static void test_hva_to_gpa(void **state)
{
	struct fix *f = *state;
	unsigned int hint = UINT32_MAX;		/* garbage is safe */
	uint64_t gpa = 0;
	uint8_t outside;

	add_three(f);
	assert_true(vnet_mem_hva_to_gpa(&f->mem, &hint, f->b + 0x1ff0, 16,
					&gpa));
	assert_int_equal(gpa, 0x11ff0);
	assert_int_equal(hint, 0);
	assert_true(vnet_mem_hva_to_gpa(&f->mem, &hint, f->c + 8, 1, &gpa));
	assert_int_equal(gpa, 0x40008);
	assert_int_equal(hint, 2);
	/* B ends where A begins in guest space, not in host space */
	assert_false(vnet_mem_hva_to_gpa(&f->mem, &hint, f->b + 0x1ff0, 17,
					 &gpa));
	assert_false(vnet_mem_hva_to_gpa(&f->mem, &hint, &outside, 1, &gpa));
	assert_int_equal(gpa, 0x40008);	/* untouched on a miss */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hva_to_gpa, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_insert_sorted_and_find,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_insert_zero_size_and_null,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_insert_gpa_overflow,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_insert_uva_and_hva_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insert_overlap,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_insert_full,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_del, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ptr_one_region,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_uva_ptr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translate_adjacent,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_translate_hole_and_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hint_follows_changes,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
