/* SPDX-License-Identifier: MIT */
/* iotlb.h - the device IOTLB: I/O virtual address mappings, a per-queue cache, checked translation */
#ifndef VNET_IOTLB_H
#define VNET_IOTLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vnet/export.h"
#include "vnet/mem.h"

VNET_API_BEGIN

/*
 * With VIRTIO_F_ACCESS_PLATFORM every address in the rings is an I/O
 * virtual address (IOVA): the device may use it only through a mapping the
 * platform's IOMMU gave it, and only as the mapping permits. vhost-user
 * carries the mappings as IOTLB messages (vhost-user.rst, "IOMMU
 * support"): each maps an IOVA range to a frontend user address range,
 * which the memory table maps to this process. An embedder with its own
 * transport fills a table the same way (vnet_iotlb_update(),
 * vnet_iotlb_invalidate()) and gives it to its queues
 * (struct vnet_virtq_config, @iotlb and @miss).
 */

/* Mappings a table holds; past it the oldest-placed ones are evicted (a
 * cache: an evicted mapping costs a miss, never a wrong translation). */
#define VNET_IOTLB_ENTRIES_MAX	4096

/* Lines of a queue's translation cache, a power of two. */
#define VNET_IOTLB_CACHE_LINES	8

/* Access, as vhost_iotlb_msg's permission flags. */
#define VNET_IOTLB_RO	1u	/* the device may read */
#define VNET_IOTLB_WO	2u	/* the device may write */
#define VNET_IOTLB_RW	3u

/**
 * struct vnet_iotlb_entry - one mapping
 * @iova:	first I/O virtual address
 * @size:	bytes, never zero; @iova + @size does not wrap
 * @uva:	frontend user address of the first byte
 * @perm:	VNET_IOTLB_RO, _WO or _RW
 */
struct vnet_iotlb_entry {
	uint64_t iova;
	uint64_t size;
	uint64_t uva;
	uint8_t perm;
};

/**
 * struct vnet_iotlb_stats - what the table did and refused
 * @updates:	mappings inserted
 * @invalidates: invalidations applied
 * @bad_entry:	updates refused: zero size, no or unknown permission
 * @overflow:	updates refused: IOVA or user range wraps around
 * @outside:	updates refused: user range not wholly in guest memory
 * @evicted:	mappings dropped to make room (table full)
 */
struct vnet_iotlb_stats {
	uint64_t updates;
	uint64_t invalidates;
	uint64_t bad_entry;
	uint64_t overflow;
	uint64_t outside;
	uint64_t evicted;
};

/**
 * struct vnet_iotlb - mappings sorted by IOVA, pairwise disjoint
 * @n:		mappings in use
 * @gen:	generation: changes whenever a mapping goes or the memory
 *		table behind the mappings changes; caches of an older one
 *		are void
 * @evict:	where the next eviction looks
 * @stats:	counters
 * @e:		the mappings
 *
 * An update that overlaps mappings already present replaces the
 * overlapped parts (the newest word of the frontend wins).
 */
struct vnet_iotlb {
	unsigned int n;
	uint64_t gen;
	unsigned int evict;
	struct vnet_iotlb_stats stats;
	struct vnet_iotlb_entry e[VNET_IOTLB_ENTRIES_MAX];
};

/**
 * struct vnet_iotlb_line - a translated window, contiguous in host memory
 * @iova:	first IOVA of the window
 * @size:	bytes (0: empty line)
 * @hva:	host address of @iova
 * @perm:	the mapping's permission
 */
struct vnet_iotlb_line {
	uint64_t iova;
	uint64_t size;
	uint8_t *hva;
	uint8_t perm;
};

/**
 * struct vnet_iotlb_cache - one queue's translations, by page
 * @gen:	the table generation the lines belong to
 * @line:	direct-mapped by 4 KiB page number
 *
 * The caller's (one per queue, like the memory hint): the table stays
 * read-only while queues translate.
 */
struct vnet_iotlb_cache {
	uint64_t gen;
	struct vnet_iotlb_line line[VNET_IOTLB_CACHE_LINES];
};

/**
 * vnet_iotlb_init() - make an empty table
 * @tlb:	the table
 */
void vnet_iotlb_init(struct vnet_iotlb *tlb);

/**
 * vnet_iotlb_clear() - drop every mapping (the counters stay)
 * @tlb:	the table
 */
void vnet_iotlb_clear(struct vnet_iotlb *tlb);

/**
 * vnet_iotlb_mem_changed() - the memory table behind the mappings changed
 * @tlb:	the table
 *
 * Voids every cache: their host addresses came from the old table.
 */
void vnet_iotlb_mem_changed(struct vnet_iotlb *tlb);

/**
 * vnet_iotlb_update() - insert a mapping after checking it
 * @tlb:	the table
 * @mem:	guest memory; the user range must lie wholly in it
 * @iova:	first IOVA
 * @size:	bytes
 * @uva:	frontend user address of the first byte
 * @perm:	VNET_IOTLB_RO, _WO or _RW
 *
 * Return: 0; -EINVAL (zero size, bad permission), -EOVERFLOW (a range
 * wraps), -EFAULT (user range outside guest memory); each counted
 */
int vnet_iotlb_update(struct vnet_iotlb *tlb, const struct vnet_mem *mem,
		      uint64_t iova, uint64_t size, uint64_t uva,
		      unsigned int perm);

/**
 * vnet_iotlb_invalidate() - remove every mapped byte of a range
 * @tlb:	the table
 * @iova:	first IOVA
 * @size:	bytes; 0, or a range that wraps, reaches to the end of the
 *		IOVA space (removing more is always safe)
 *
 * Mappings that straddle the range keep their parts outside it. Takes
 * effect for every queue at once (their caches are voided).
 */
void vnet_iotlb_invalidate(struct vnet_iotlb *tlb, uint64_t iova,
			   uint64_t size);

/**
 * vnet_iotlb_find() - the mapping holding an IOVA
 * @tlb:	the table
 * @iova:	the address
 *
 * Return: the mapping, or NULL
 */
const struct vnet_iotlb_entry *vnet_iotlb_find(const struct vnet_iotlb *tlb,
					       uint64_t iova);

/**
 * vnet_iotlb_translate() - host segments for an IOVA range, checked
 * @tlb:	the table
 * @mem:	guest memory the mappings point into
 * @cache:	the caller's cache, filled (may be NULL)
 * @iova:	first IOVA
 * @len:	bytes
 * @perm:	access the device makes: VNET_IOTLB_RO to read, _WO to write
 * @iov:	output segments (host-contiguous pieces are merged)
 * @iov_max:	room in @iov
 * @miss:	the first IOVA no mapping holds, on -ENOENT
 *
 * Return: segments written; -EOVERFLOW (range wraps), -ENOENT (a byte is
 * not mapped: a miss), -EACCES (a mapping does not permit @perm),
 * -EFAULT (a mapping points outside guest memory), -ENOBUFS (more than
 * @iov_max segments)
 */
int vnet_iotlb_translate(const struct vnet_iotlb *tlb,
			 const struct vnet_mem *mem,
			 struct vnet_iotlb_cache *cache, uint64_t iova,
			 uint64_t len, unsigned int perm, struct iovec *iov,
			 unsigned int iov_max, uint64_t *miss);

/**
 * vnet_iotlb_cache_hit() - the cache alone: one segment if it holds the range
 * @tlb:	the table (its generation)
 * @cache:	the caller's cache
 * @iova:	first IOVA
 * @len:	bytes, non-zero
 * @perm:	access the device makes
 * @iov:	the segment, on a hit
 *
 * A range inside a cached window of the current generation whose
 * mapping permits @perm: a few compares, no call.
 *
 * Return: true on a hit
 */
static inline bool vnet_iotlb_cache_hit(const struct vnet_iotlb *tlb,
					const struct vnet_iotlb_cache *cache,
					uint64_t iova, uint64_t len,
					unsigned int perm, struct iovec *iov)
{
	const struct vnet_iotlb_line *l =
		&cache->line[(iova >> 12) & (VNET_IOTLB_CACHE_LINES - 1)];
	uint64_t off = iova - l->iova;

	if (cache->gen != tlb->gen || off >= l->size || !len ||
	    len > l->size - off || (l->perm & perm) != perm)
		return false;
	iov->iov_base = l->hva + off;
	iov->iov_len = (size_t)len;
	return true;
}

/**
 * vnet_iotlb_translate_cached() - vnet_iotlb_translate(), cache first
 * @tlb:	the table
 * @mem:	guest memory
 * @cache:	the caller's cache
 * @iova:	first IOVA
 * @len:	bytes
 * @perm:	access the device makes
 * @iov:	output segments
 * @iov_max:	room in @iov
 * @miss:	as for vnet_iotlb_translate()
 *
 * The hit inline: a range inside a cached window of the current
 * generation, with the permission, is one segment.
 *
 * Return: as vnet_iotlb_translate()
 */
static inline int vnet_iotlb_translate_cached(const struct vnet_iotlb *tlb,
					      const struct vnet_mem *mem,
					      struct vnet_iotlb_cache *cache,
					      uint64_t iova, uint64_t len,
					      unsigned int perm,
					      struct iovec *iov,
					      unsigned int iov_max,
					      uint64_t *miss)
{
	if (iov_max && vnet_iotlb_cache_hit(tlb, cache, iova, len, perm, iov))
		return 1;
	return vnet_iotlb_translate(tlb, mem, cache, iova, len, perm, iov,
				    iov_max, miss);
}

VNET_API_END

#endif /* VNET_IOTLB_H */
