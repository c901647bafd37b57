// SPDX-License-Identifier: MIT
/* fuzz_iotlb.c - libFuzzer: IOTLB updates and invalidations from a hostile frontend against the table and a queue's translation cache */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnet/iotlb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Guest memory: two regions, apart in the frontend's address space and
 * in this process (exact-size heap allocations, so ASan sees any access
 * past them). Each input is a list of 16-byte records: an update, an
 * invalidation or a translation, addresses on a small grid so that they
 * overlap, or raw 64-bit values (wrap-arounds, sizes 0 and 2^64 - 1).
 *
 * Oracles, after every record:
 * - the table is sorted, its mappings disjoint, non-empty, not wrapping,
 *   at most VNET_IOTLB_ENTRIES_MAX, each user range inside guest memory;
 * - a reference model (the records themselves, newest first) says what
 *   each IOVA maps to: the table agrees wherever it holds the IOVA, and
 *   holds every IOVA the model maps unless it evicted (stats.evicted);
 * - a translation through the queue's cache equals the uncached one (an
 *   invalidation voids the cache before any translation), every segment
 *   lies inside one region, and is written to and read from (ASan).
 */

#define REGION_SIZE	0x4000
#define UVA_A		0x100000ULL
#define UVA_B		0x900000ULL
#define RECORD		16
#define RECORDS_MAX	256

struct region_mem {
	struct vnet_mem mem;
	uint8_t *a;
	uint8_t *b;
};

/* One record as the model keeps it. */
struct op {
	bool update;	/* else an invalidation */
	uint64_t iova;
	uint64_t end;	/* exclusive; an invalidation's may be 2^64 - 1 */
	uint64_t uva;
	uint8_t perm;
};

static struct vnet_iotlb tlb;
static struct op ops[RECORDS_MAX];
static unsigned int nops;

static uint64_t le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* An address: on a 256-byte grid over 16 pages, or a raw value. */
static uint64_t addr_of(uint8_t sel, const uint8_t *p, uint64_t base)
{
	if (sel & 0x80)
		return le64(p);
	return base + (uint64_t)(p[0] | (p[1] & 0x3f) << 8) * 4;
}

static void mem_setup(struct region_mem *m)
{
	struct vnet_mem_region a = { 0, REGION_SIZE, UVA_A, m->a };
	struct vnet_mem_region b = { 0x100000, REGION_SIZE, UVA_B, m->b };

	vnet_mem_init(&m->mem);
	if (vnet_mem_add(&m->mem, &a) || vnet_mem_add(&m->mem, &b))
		abort();
}

/* The model: what @iova maps to by the records so far; false if none. */
static bool model(uint64_t iova, uint64_t *uva, uint8_t *perm)
{
	unsigned int i = nops;

	while (i--) {
		const struct op *o = &ops[i];

		if (iova < o->iova || iova >= o->end)
			continue;
		if (!o->update)
			return false;
		*uva = o->uva + (iova - o->iova);
		*perm = o->perm;
		return true;
	}
	return false;
}

static bool uva_in_mem(uint64_t uva, uint64_t len)
{
	return (uva >= UVA_A && uva - UVA_A <= REGION_SIZE &&
		len <= REGION_SIZE - (uva - UVA_A)) ||
	       (uva >= UVA_B && uva - UVA_B <= REGION_SIZE &&
		len <= REGION_SIZE - (uva - UVA_B));
}

static void check_table(void)
{
	unsigned int i;

	if (tlb.n > VNET_IOTLB_ENTRIES_MAX)
		abort();
	for (i = 0; i < tlb.n; i++) {
		const struct vnet_iotlb_entry *e = &tlb.e[i];

		if (!e->size || e->size > UINT64_MAX - e->iova)
			abort();	/* empty, or wraps */
		if (!e->perm || e->perm > VNET_IOTLB_RW)
			abort();
		if (!uva_in_mem(e->uva, e->size))
			abort();	/* outside guest memory */
		if (i && tlb.e[i - 1].iova + tlb.e[i - 1].size > e->iova)
			abort();	/* unsorted or overlapping */
	}
}

/* The table against the model at @iova. */
static void check_point(uint64_t iova)
{
	const struct vnet_iotlb_entry *e = vnet_iotlb_find(&tlb, iova);
	uint64_t uva = 0;
	uint8_t perm = 0;
	bool mapped = model(iova, &uva, &perm);

	if (e) {
		if (!mapped)
			abort();	/* a mapping the frontend removed */
		if (e->uva + (iova - e->iova) != uva || e->perm != perm)
			abort();	/* not the newest word */
	} else if (mapped && !tlb.stats.evicted) {
		abort();		/* lost without an eviction */
	}
}

/* Cached against uncached, every segment inside guest memory. */
static void check_translate(struct region_mem *m,
			    struct vnet_iotlb_cache *cache, uint64_t iova,
			    uint64_t len, unsigned int perm)
{
	struct iovec a[8], b[8];
	uint64_t ma = 0, mb = 0, total = 0;
	int na, nb, i;

	na = vnet_iotlb_translate_cached(&tlb, &m->mem, cache, iova, len, perm,
					 a, 8, &ma);
	nb = vnet_iotlb_translate(&tlb, &m->mem, NULL, iova, len, perm, b, 8,
				  &mb);
	if (na != nb || (na == -ENOENT && ma != mb))
		abort();
	for (i = 0; i < na; i++) {
		uint8_t *p = a[i].iov_base;
		bool in_a = p >= m->a && p + a[i].iov_len <= m->a + REGION_SIZE;
		bool in_b = p >= m->b && p + a[i].iov_len <= m->b + REGION_SIZE;

		if (a[i].iov_base != b[i].iov_base ||
		    a[i].iov_len != b[i].iov_len)
			abort();	/* the cache disagrees */
		if (!in_a && !in_b)
			abort();
		if (a[i].iov_len) {
			p[0] ^= 1;
			p[a[i].iov_len - 1] ^= 1;
		}
		total += a[i].iov_len;
	}
	if (na > 0 && total != len)
		abort();
}

static void record(struct region_mem *m, struct vnet_iotlb_cache *cache,
		   const uint8_t *r)
{
	uint8_t kind = r[0] % 4, sel = r[1];
	uint64_t iova = addr_of(sel, r + 2, 0x10000);
	uint64_t size = sel & 0x40 ? le64(r + 8) :
			(uint64_t)(r[4] | (r[5] & 0x3f) << 8) * 4;
	uint64_t uva = (sel & 0x20 ? UVA_B : UVA_A) +
		       (uint64_t)(r[6] | (r[7] & 0x3f) << 8);
	uint8_t perm = r[1] & 3;
	int ret;

	if (sel & 0x10)
		uva = le64(r + 8) ^ iova;	/* anywhere */
	switch (kind) {
	case 0:
	case 1:
		ret = vnet_iotlb_update(&tlb, &m->mem, iova, size, uva, perm);
		if (!ret && nops < RECORDS_MAX)
			ops[nops++] = (struct op){ true, iova, iova + size,
						   uva, perm };
		else if (!ret)
			abort();	/* the caller bounds the records */
		break;
	case 2:
		vnet_iotlb_invalidate(&tlb, iova, size);
		ops[nops++] = (struct op){ false, iova,
			size && size <= UINT64_MAX - iova ? iova + size :
							     UINT64_MAX, 0, 0 };
		break;
	default:
		check_translate(m, cache, iova, size & 0xffff,
				(r[1] & 1) ? VNET_IOTLB_WO : VNET_IOTLB_RO);
		return;
	}
	check_table();
	check_point(iova);
	check_point(iova + size / 2);
	check_point(iova + size - 1);
	check_point(iova - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnet_iotlb_cache cache;
	struct region_mem m;
	size_t off;

	if (size / RECORD > RECORDS_MAX)
		return 0;
	m.a = malloc(REGION_SIZE);
	m.b = malloc(REGION_SIZE);
	if (!m.a || !m.b)
		abort();
	memset(m.a, 0, REGION_SIZE);
	memset(m.b, 0, REGION_SIZE);
	mem_setup(&m);
	vnet_iotlb_init(&tlb);
	memset(&cache, 0, sizeof(cache));
	nops = 0;
	for (off = 0; off + RECORD <= size; off += RECORD)
		record(&m, &cache, data + off);
	free(m.a);
	free(m.b);
	return 0;
}
