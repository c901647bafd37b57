/* SPDX-License-Identifier: MIT */
/* mem.h - the guest memory table: regions, and checked guest-to-host translation */
#ifndef VNET_MEM_H
#define VNET_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vnet/export.h"

VNET_API_BEGIN

/* Regions a table holds: vhost-user's largest slot count (QEMU's 512). */
#define VNET_MEM_REGIONS_MAX	512

/**
 * struct vnet_mem_region - one contiguous piece of guest memory
 * @gpa:	guest physical address of the first byte
 * @size:	bytes, never zero
 * @uva:	the frontend's user address of the first byte (vhost-user gives
 *		vring addresses in this space); 0 if there is no frontend
 * @hva:	where the region is mapped in this process
 */
struct vnet_mem_region {
	uint64_t gpa;
	uint64_t size;
	uint64_t uva;
	void *hva;
};

/**
 * struct vnet_mem_stats - why inserts were refused
 * @bad_region:	zero size or no host mapping
 * @overflow:	gpa + size, uva + size or hva + size wraps around
 * @overlap:	guest physical range overlaps a region already present
 * @full:	table already holds VNET_MEM_REGIONS_MAX regions
 */
struct vnet_mem_stats {
	uint64_t bad_region;
	uint64_t overflow;
	uint64_t overlap;
	uint64_t full;
};

/**
 * struct vnet_mem - a table of regions, sorted by guest physical address
 * @nregions:	regions in use
 * @regions:	the regions, sorted by @gpa, pairwise disjoint in gpa
 * @stats:	refused inserts, by cause
 *
 * Guest physical ranges never overlap. Frontend user ranges may (a VMM can
 * alias one mapping at two guest addresses); a user-address lookup then
 * takes the region with the lowest guest address that holds the range.
 */
struct vnet_mem {
	unsigned int nregions;
	struct vnet_mem_region regions[VNET_MEM_REGIONS_MAX];
	struct vnet_mem_stats stats;
};

/**
 * vnet_mem_init() - make an empty table
 * @mem:	the table
 */
void vnet_mem_init(struct vnet_mem *mem);

/**
 * vnet_mem_add() - insert a region after checking it
 * @mem:	the table
 * @r:		the region, copied
 *
 * Refuses, and counts, a region of zero size or without a host mapping,
 * one whose end wraps around in any of the three address spaces, one that
 * overlaps a region already present, and any region past the cap.
 *
 * Return: 0, -EINVAL (zero size, NULL @hva), -EOVERFLOW (an end wraps),
 * -EEXIST (overlaps a present region), or -ENOSPC (table full)
 */
int vnet_mem_add(struct vnet_mem *mem, const struct vnet_mem_region *r);

/**
 * vnet_mem_del() - remove the region that starts at @gpa with @size bytes
 * @mem:	the table
 * @gpa:	guest physical address of the region
 * @size:	its size
 *
 * Return: 0, or -ENOENT if no region matches exactly
 */
int vnet_mem_del(struct vnet_mem *mem, uint64_t gpa, uint64_t size);

/**
 * vnet_mem_find() - the region holding a guest physical address
 * @mem:	the table
 * @gpa:	the address
 *
 * Return: the region, or NULL if no region holds @gpa
 */
const struct vnet_mem_region *vnet_mem_find(const struct vnet_mem *mem,
					    uint64_t gpa);

/**
 * vnet_mem_find_hint() - vnet_mem_find(), trying a remembered region first
 * @mem:	the table
 * @hint:	index of the region the caller found last (any value is
 *		safe: it is checked against the table as it is now); set to
 *		the index of the region found
 * @gpa:	the address
 *
 * Guest physical ranges are disjoint, so a region that holds @gpa is the
 * only one: a hint that still points at such a region is the answer, and
 * regions added or removed since (which shift the indices) never make it a
 * wrong one. Keep one hint per thread of translation (per virtqueue): it is
 * the caller's, the table stays read-only.
 *
 * Return: the region, or NULL if no region holds @gpa
 */
const struct vnet_mem_region *vnet_mem_find_hint(const struct vnet_mem *mem,
						 unsigned int *hint,
						 uint64_t gpa);

/**
 * vnet_mem_ptr() - host pointer to a guest range that lies in one region
 * @mem:	the table
 * @gpa:	guest physical address of the first byte
 * @len:	bytes; must be non-zero
 *
 * The whole range [@gpa, @gpa + @len) must lie inside a single region: a
 * range that runs off its region's end, even into an adjacent region, is
 * refused. For objects the device reads in place (rings, indirect tables).
 *
 * Return: host pointer, or NULL if @len is 0, @gpa + @len wraps, or the
 * range is not wholly inside one region
 */
void *vnet_mem_ptr(const struct vnet_mem *mem, uint64_t gpa, uint64_t len);

/**
 * vnet_mem_uva_find() - the region holding a frontend user address
 * @mem:	the table
 * @uva:	the address
 *
 * User ranges may alias: the region with the lowest guest address wins.
 *
 * Return: the region, or NULL if no region holds @uva
 */
const struct vnet_mem_region *vnet_mem_uva_find(const struct vnet_mem *mem,
						uint64_t uva);

/**
 * vnet_mem_uva_ptr() - host pointer to a frontend user range in one region
 * @mem:	the table
 * @uva:	the frontend's user address of the first byte
 * @len:	bytes; must be non-zero
 *
 * Like vnet_mem_ptr() for addresses in the frontend's address space, which
 * vhost-user uses for vring addresses.
 *
 * Return: host pointer, or NULL if the range is not wholly inside one region
 */
void *vnet_mem_uva_ptr(const struct vnet_mem *mem, uint64_t uva, uint64_t len);

/**
 * vnet_mem_hva_to_gpa() - guest physical address of a host range
 * @mem:	the table
 * @hint:	as for vnet_mem_find_hint(): the caller's, updated
 * @hva:	host address of the first byte, inside a region's mapping
 * @len:	bytes from @hva that must lie in the same region
 * @gpa:	the address found
 *
 * The reverse of vnet_mem_translate(), for the dirty log: what the device
 * wrote through host segments is logged by guest physical page. Each
 * region has a mapping of its own, so a host range lies in one region
 * at most.
 *
 * Return: true if a region holds the whole range
 */
bool vnet_mem_hva_to_gpa(const struct vnet_mem *mem, unsigned int *hint,
			 const void *hva, uint64_t len, uint64_t *gpa);

/**
 * vnet_mem_translate() - host segments for a guest range
 * @mem:	the table
 * @gpa:	guest physical address of the first byte
 * @len:	bytes
 * @iov:	output segments
 * @iov_max:	room in @iov
 *
 * A range that crosses from one region into one that starts exactly where
 * it ends (adjacent in guest physical space) is split into one segment per
 * region; a range with any byte outside every region is refused. No
 * segment ever reaches past the end of its region.
 *
 * Return: number of segments written (0 if @len is 0), -EOVERFLOW if
 * @gpa + @len wraps, -EFAULT if some byte is in no region, -ENOBUFS if
 * more than @iov_max segments are needed
 */
int vnet_mem_translate(const struct vnet_mem *mem, uint64_t gpa, uint64_t len,
		       struct iovec *iov, unsigned int iov_max);

/**
 * vnet_mem_translate_slow() - vnet_mem_translate_hint() past its fast case
 * @mem:	the table
 * @hint:	as for vnet_mem_find_hint(): the caller's, updated
 * @gpa:	guest physical address of the first byte
 * @len:	bytes
 * @iov:	output segments
 * @iov_max:	room in @iov
 *
 * Return: as vnet_mem_translate()
 */
int vnet_mem_translate_slow(const struct vnet_mem *mem, unsigned int *hint,
			    uint64_t gpa, uint64_t len, struct iovec *iov,
			    unsigned int iov_max);

/**
 * vnet_mem_translate_hint() - vnet_mem_translate() with a remembered region
 * @mem:	the table
 * @hint:	as for vnet_mem_find_hint(): the caller's, updated
 * @gpa:	guest physical address of the first byte
 * @len:	bytes
 * @iov:	output segments
 * @iov_max:	room in @iov
 *
 * The common case inline: the whole range inside the remembered region,
 * one segment. There gpa + len cannot wrap (it is at most the region's
 * end, checked on insert) and the segment ends inside the region.
 *
 * Return: as vnet_mem_translate()
 */
static inline int vnet_mem_translate_hint(const struct vnet_mem *mem,
					  unsigned int *hint, uint64_t gpa,
					  uint64_t len, struct iovec *iov,
					  unsigned int iov_max)
{
	const struct vnet_mem_region *r;

	if (*hint >= mem->nregions || !len || !iov_max)
		goto slow;
	r = &mem->regions[*hint];
	if (gpa < r->gpa || gpa - r->gpa >= r->size ||
	    len > r->size - (gpa - r->gpa))
		goto slow;	/* starts or ends outside the region */
	iov->iov_base = (uint8_t *)r->hva + (gpa - r->gpa);
	iov->iov_len = (size_t)len;
	return 1;
slow:
	return vnet_mem_translate_slow(mem, hint, gpa, len, iov, iov_max);
}

VNET_API_END

#endif /* VNET_MEM_H */
