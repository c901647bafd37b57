// SPDX-License-Identifier: MIT
/* iotlb.c - the device IOTLB: checked updates, invalidations that split, cached IOVA translation */

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "vnet/iotlb.h"

void vnet_iotlb_init(struct vnet_iotlb *tlb)
{
	memset(tlb, 0, sizeof(*tlb));
	tlb->gen = 1;	/* a zeroed cache (generation 0) is void */
}

void vnet_iotlb_clear(struct vnet_iotlb *tlb)
{
	tlb->n = 0;
	tlb->gen++;
}

void vnet_iotlb_mem_changed(struct vnet_iotlb *tlb)
{
	tlb->gen++;
}

/* Index of the first mapping whose iova is greater than @iova. */
static unsigned int upper_bound(const struct vnet_iotlb *tlb, uint64_t iova)
{
	unsigned int lo = 0, hi = tlb->n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (tlb->e[mid].iova <= iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct vnet_iotlb_entry *vnet_iotlb_find(const struct vnet_iotlb *tlb,
					       uint64_t iova)
{
	unsigned int at = upper_bound(tlb, iova);
	const struct vnet_iotlb_entry *e;

	if (at == 0)
		return NULL;
	e = &tlb->e[at - 1];
	return iova - e->iova < e->size ? e : NULL;
}

/* Does guest memory hold every byte of [@uva, @uva + @size)? No wrap. */
static bool mem_holds(const struct vnet_mem *mem, uint64_t uva, uint64_t size)
{
	while (size) {
		const struct vnet_mem_region *r = vnet_mem_uva_find(mem, uva);
		uint64_t room;

		if (!r)
			return false;
		room = r->size - (uva - r->uva);
		if (room >= size)
			return true;
		uva += room;
		size -= room;
	}
	return true;
}

static void remove_at(struct vnet_iotlb *tlb, unsigned int at)
{
	memmove(&tlb->e[at], &tlb->e[at + 1],
		(tlb->n - at - 1) * sizeof(tlb->e[0]));
	tlb->n--;
}

static void insert_at(struct vnet_iotlb *tlb, unsigned int at,
		      const struct vnet_iotlb_entry *e)
{
	memmove(&tlb->e[at + 1], &tlb->e[at], (tlb->n - at) * sizeof(tlb->e[0]));
	tlb->e[at] = *e;
	tlb->n++;
}

/* Drop the head of @e up to @end (exclusive), keeping the rest. */
static void cut_head(struct vnet_iotlb_entry *e, uint64_t end)
{
	uint64_t d = end - e->iova;

	e->iova = end;
	e->uva += d;
	e->size -= d;
}

/* Remove [@iova, @end) from the table: @end > @iova, no wrap. */
static void remove_range(struct vnet_iotlb *tlb, uint64_t iova, uint64_t end)
{
	unsigned int at = upper_bound(tlb, iova);

	if (at > 0)
		at--;	/* the one below may reach into the range */
	while (at < tlb->n && tlb->e[at].iova < end) {
		struct vnet_iotlb_entry *e = &tlb->e[at];
		uint64_t e_end = e->iova + e->size;

		if (e_end <= iova) {
			at++;		/* wholly below */
			continue;
		}
		if (e->iova < iova && e_end > end) {
			/* straddles both ends: keep both sides */
			struct vnet_iotlb_entry right = *e;

			cut_head(&right, end);
			e->size = iova - e->iova;
			if (tlb->n < VNET_IOTLB_ENTRIES_MAX)
				insert_at(tlb, at + 1, &right);
			else
				tlb->stats.evicted++;	/* no room: drop it */
			return;
		}
		if (e->iova < iova) {
			e->size = iova - e->iova;	/* keep the low side */
			at++;
		} else if (e_end > end) {
			cut_head(e, end);		/* keep the high side */
			return;
		} else {
			remove_at(tlb, at);		/* wholly inside */
		}
	}
}

void vnet_iotlb_invalidate(struct vnet_iotlb *tlb, uint64_t iova,
			   uint64_t size)
{
	uint64_t end = size && size <= UINT64_MAX - iova ? iova + size :
							 UINT64_MAX;

	tlb->stats.invalidates++;
	tlb->gen++;	/* before any queue translates again */
	if (end > iova)
		remove_range(tlb, iova, end);
}

/* Make room for one mapping: evict one, round robin over the slots. */
static void evict_one(struct vnet_iotlb *tlb)
{
	if (tlb->evict >= tlb->n)
		tlb->evict = 0;
	remove_at(tlb, tlb->evict++);
	tlb->stats.evicted++;
}

int vnet_iotlb_update(struct vnet_iotlb *tlb, const struct vnet_mem *mem,
		      uint64_t iova, uint64_t size, uint64_t uva,
		      unsigned int perm)
{
	struct vnet_iotlb_entry e = { iova, size, uva, (uint8_t)perm };

	if (!size || !perm || perm > VNET_IOTLB_RW)
		goto bad_entry;		/* nothing mapped, or no access */
	if (size > UINT64_MAX - iova)
		goto overflow;		/* IOVA end wraps */
	if (size > UINT64_MAX - uva)
		goto overflow;		/* user end wraps */
	if (!mem_holds(mem, uva, size))
		goto outside;		/* "must be within vhost memory regions" */

	remove_range(tlb, iova, iova + size);	/* the newest wins */
	tlb->gen++;
	if (tlb->n >= VNET_IOTLB_ENTRIES_MAX)
		evict_one(tlb);
	insert_at(tlb, upper_bound(tlb, iova), &e);
	tlb->stats.updates++;
	return 0;

bad_entry:
	tlb->stats.bad_entry++;
	return -EINVAL;
overflow:
	tlb->stats.overflow++;
	return -EOVERFLOW;
outside:
	tlb->stats.outside++;
	return -EFAULT;
}

/*
 * Remember the window around @iova that is one mapping and one region:
 * @off into the mapping @e, @roff into the region @r.
 */
static void cache_fill(struct vnet_iotlb_cache *cache, uint64_t iova,
		       const struct vnet_iotlb_entry *e,
		       const struct vnet_mem_region *r, uint64_t off,
		       uint64_t roff)
{
	struct vnet_iotlb_line *l =
		&cache->line[(iova >> 12) & (VNET_IOTLB_CACHE_LINES - 1)];
	uint64_t back = off < roff ? off : roff;
	uint64_t fwd_e = e->size - off, fwd_r = r->size - roff;

	l->iova = iova - back;
	l->size = back + (fwd_e < fwd_r ? fwd_e : fwd_r);
	l->hva = (uint8_t *)r->hva + (roff - back);
	l->perm = e->perm;
}

/* Append [@p, @p + @len) to @iov, merging with the last segment. */
static int iov_append(struct iovec *iov, unsigned int *n, unsigned int max,
		      uint8_t *p, uint64_t len)
{
	if (*n && (uint8_t *)iov[*n - 1].iov_base + iov[*n - 1].iov_len == p) {
		iov[*n - 1].iov_len += (size_t)len;
		return 0;
	}
	if (*n == max)
		return -ENOBUFS;
	iov[*n].iov_base = p;
	iov[*n].iov_len = (size_t)len;
	(*n)++;
	return 0;
}

int vnet_iotlb_translate(const struct vnet_iotlb *tlb,
			 const struct vnet_mem *mem,
			 struct vnet_iotlb_cache *cache, uint64_t iova,
			 uint64_t len, unsigned int perm, struct iovec *iov,
			 unsigned int iov_max, uint64_t *miss)
{
	unsigned int n = 0;

	if (len > UINT64_MAX - iova)
		return -EOVERFLOW;
	if (iov_max > INT_MAX)
		iov_max = INT_MAX;	/* the count must fit an int */
	if (cache && cache->gen != tlb->gen) {
		memset(cache->line, 0, sizeof(cache->line));
		cache->gen = tlb->gen;
	}
	while (len) {
		const struct vnet_iotlb_entry *e = vnet_iotlb_find(tlb, iova);
		const struct vnet_mem_region *r;
		uint64_t off, roff, chunk;

		if (!e) {
			*miss = iova;
			return -ENOENT;
		}
		if ((e->perm & perm) != perm)
			return -EACCES;	/* RO never written, WO never read */
		off = iova - e->iova;
		r = vnet_mem_uva_find(mem, e->uva + off);
		if (!r)
			return -EFAULT;	/* the memory table changed under it */
		roff = e->uva + off - r->uva;
		chunk = e->size - off < len ? e->size - off : len;
		if (chunk > r->size - roff)
			chunk = r->size - roff;
		if (cache)
			cache_fill(cache, iova, e, r, off, roff);
		if (iov_append(iov, &n, iov_max, (uint8_t *)r->hva + roff,
			       chunk))
			return -ENOBUFS;
		iova += chunk;
		len -= chunk;
	}
	return (int)n;
}
