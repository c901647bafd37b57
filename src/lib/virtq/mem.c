// SPDX-License-Identifier: MIT
/* mem.c - the guest memory table: checked inserts, checked translation */

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "vnet/mem.h"

void vnet_mem_init(struct vnet_mem *mem)
{
	memset(mem, 0, sizeof(*mem));
}

/* Index of the first region whose gpa is greater than @gpa. */
static unsigned int upper_bound(const struct vnet_mem *mem, uint64_t gpa)
{
	unsigned int lo = 0, hi = mem->nregions;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (mem->regions[mid].gpa <= gpa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Does [a, a + alen) meet [b, b + blen)? Both ends known not to wrap. */
static bool ranges_meet(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int vnet_mem_add(struct vnet_mem *mem, const struct vnet_mem_region *r)
{
	unsigned int at;

	if (!r->size || !r->hva)
		goto bad_region;	/* nothing to map, or nowhere */
	if (r->size > UINT64_MAX - r->gpa)
		goto overflow;		/* guest physical end wraps */
	if (r->size > UINT64_MAX - r->uva)
		goto overflow;		/* frontend user end wraps */
	if (r->size > UINTPTR_MAX - (uintptr_t)r->hva)
		goto overflow;		/* host end wraps */
	if (mem->nregions >= VNET_MEM_REGIONS_MAX)
		goto full;

	at = upper_bound(mem, r->gpa);
	if (at > 0 && ranges_meet(mem->regions[at - 1].gpa,
				  mem->regions[at - 1].size, r->gpa, r->size))
		goto overlap;		/* runs into the region below */
	if (at < mem->nregions && ranges_meet(mem->regions[at].gpa,
					      mem->regions[at].size,
					      r->gpa, r->size))
		goto overlap;		/* runs into the region above */

	memmove(&mem->regions[at + 1], &mem->regions[at],
		(mem->nregions - at) * sizeof(mem->regions[0]));
	mem->regions[at] = *r;
	mem->nregions++;
	return 0;

bad_region:
	mem->stats.bad_region++;
	return -EINVAL;
overflow:
	mem->stats.overflow++;
	return -EOVERFLOW;
full:
	mem->stats.full++;
	return -ENOSPC;
overlap:
	mem->stats.overlap++;
	return -EEXIST;
}

int vnet_mem_del(struct vnet_mem *mem, uint64_t gpa, uint64_t size)
{
	unsigned int at = upper_bound(mem, gpa);

	if (at == 0)
		return -ENOENT;
	at--;
	if (mem->regions[at].gpa != gpa || mem->regions[at].size != size)
		return -ENOENT;
	memmove(&mem->regions[at], &mem->regions[at + 1],
		(mem->nregions - at - 1) * sizeof(mem->regions[0]));
	mem->nregions--;
	return 0;
}

const struct vnet_mem_region *vnet_mem_find(const struct vnet_mem *mem,
					    uint64_t gpa)
{
	unsigned int at = upper_bound(mem, gpa);
	const struct vnet_mem_region *r;

	if (at == 0)
		return NULL;
	r = &mem->regions[at - 1];
	/* r->gpa <= gpa, and r->gpa + r->size does not wrap (checked). */
	if (gpa - r->gpa >= r->size)
		return NULL;
	return r;
}

/* Does @r hold @gpa? r->gpa + r->size does not wrap (checked on insert). */
static bool region_holds(const struct vnet_mem_region *r, uint64_t gpa)
{
	return gpa >= r->gpa && gpa - r->gpa < r->size;
}

const struct vnet_mem_region *vnet_mem_find_hint(const struct vnet_mem *mem,
						 unsigned int *hint,
						 uint64_t gpa)
{
	const struct vnet_mem_region *r;

	if (*hint < mem->nregions && region_holds(&mem->regions[*hint], gpa))
		return &mem->regions[*hint];	/* disjoint: the only one */
	r = vnet_mem_find(mem, gpa);
	if (r)
		*hint = (unsigned int)(r - mem->regions);
	return r;
}

/* Host address of @off bytes into @r; @off < r->size. */
static void *region_at(const struct vnet_mem_region *r, uint64_t off)
{
	return (uint8_t *)r->hva + off;
}

void *vnet_mem_ptr(const struct vnet_mem *mem, uint64_t gpa, uint64_t len)
{
	const struct vnet_mem_region *r;
	uint64_t off;

	if (!len)
		return NULL;
	r = vnet_mem_find(mem, gpa);
	if (!r)
		return NULL;
	off = gpa - r->gpa;
	if (len > r->size - off)
		return NULL;	/* runs off the region's end */
	return region_at(r, off);
}

const struct vnet_mem_region *vnet_mem_uva_find(const struct vnet_mem *mem,
						uint64_t uva)
{
	unsigned int i;

	for (i = 0; i < mem->nregions; i++) {
		const struct vnet_mem_region *r = &mem->regions[i];

		if (uva >= r->uva && uva - r->uva < r->size)
			return r;
	}
	return NULL;
}

void *vnet_mem_uva_ptr(const struct vnet_mem *mem, uint64_t uva, uint64_t len)
{
	const struct vnet_mem_region *r;
	unsigned int i;

	if (!len)
		return NULL;
	for (i = 0; i < mem->nregions; i++) {
		uint64_t off;

		r = &mem->regions[i];
		if (uva < r->uva)
			continue;
		off = uva - r->uva;
		if (off >= r->size || len > r->size - off)
			continue;
		return region_at(r, off);
	}
	return NULL;
}

/* Does @r's mapping hold [@a, @a + @len)? */
static bool region_maps(const struct vnet_mem_region *r, uintptr_t a,
			uint64_t len)
{
	uintptr_t h = (uintptr_t)r->hva;

	return a >= h && a - h < r->size && len <= r->size - (a - h);
}

bool vnet_mem_hva_to_gpa(const struct vnet_mem *mem, unsigned int *hint,
			 const void *hva, uint64_t len, uint64_t *gpa)
{
	uintptr_t a = (uintptr_t)hva;
	unsigned int i;

	if (*hint >= mem->nregions || !region_maps(&mem->regions[*hint], a, len)) {
		for (i = 0; i < mem->nregions; i++)
			if (region_maps(&mem->regions[i], a, len))
				break;
		if (i == mem->nregions)
			return false;
		*hint = i;
	}
	*gpa = mem->regions[*hint].gpa +
	       (a - (uintptr_t)mem->regions[*hint].hva);
	return true;
}

int vnet_mem_translate(const struct vnet_mem *mem, uint64_t gpa, uint64_t len,
		       struct iovec *iov, unsigned int iov_max)
{
	unsigned int hint = 0;

	return vnet_mem_translate_slow(mem, &hint, gpa, len, iov, iov_max);
}

int vnet_mem_translate_slow(const struct vnet_mem *mem, unsigned int *hint,
			    uint64_t gpa, uint64_t len, struct iovec *iov,
			    unsigned int iov_max)
{
	unsigned int n = 0;

	if (len > UINT64_MAX - gpa)
		return -EOVERFLOW;
	if (iov_max > INT_MAX)
		iov_max = INT_MAX;	/* the count must fit an int */
	while (len) {
		const struct vnet_mem_region *r =
			vnet_mem_find_hint(mem, hint, gpa);
		uint64_t off, chunk;

		if (!r)
			return -EFAULT;
		if (n == iov_max)
			return -ENOBUFS;
		off = gpa - r->gpa;
		chunk = r->size - off < len ? r->size - off : len;
		iov[n].iov_base = region_at(r, off);
		iov[n].iov_len = (size_t)chunk;
		n++;
		/* chunk <= len and gpa + len does not wrap */
		gpa += chunk;
		len -= chunk;
	}
	return (int)n;
}
