// SPDX-License-Identifier: MIT
/* vu_log.c - dirty page log for live migration: LOG_SHMFD mapping, page marking */

#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>

#include "vu_int.h"

/**
 * vu_log_clear() - unmap the log
 * @vu:	the backend
 */
void vu_log_clear(struct vnet_vu *vu)
{
	if (vu->log_base)
		vu_unmap_file(vu->log_base, vu->log_len);
	vu->log_base = NULL;
	vu->log_len = 0;
	vu->log_size = 0;
}

/**
 * vu_log_set_base() - SET_LOG_BASE: map the log the frontend shares
 * @vu:	the backend
 * @m:	the request, with one fd
 *
 * Return: 0, or -EINVAL (offset + size wraps, not a file that holds the
 * log, mmap fails)
 */
int vu_log_set_base(struct vnet_vu *vu, struct vu_msg *m)
{
	uint64_t size = m->p.log.size, off = m->p.log.offset;
	int fd = vu_msg_take_fd(m, 0);
	size_t len;
	void *p;

	vu_log_clear(vu);
	p = vu_map_file(vu, fd, off, size, &len);
	if (!p)
		goto bad;	/* empty, wraps, not a file that holds it */
	close(fd);
	vu->log_base = p;
	vu->log_len = len;
	vu->log_size = size;
	return 0;
bad:
	close(fd);
	vu->stats.bad_mem++;
	return -EINVAL;
}

/**
 * vu_log_on() - is dirty logging active
 * @vu:	the backend
 *
 * Return: true with LOG_ALL negotiated and a log mapped
 */
static bool vu_log_on(const struct vnet_vu *vu)
{
	return vu->log_base &&
	       (vu->transport_features & (1ULL << VNET_VU_F_LOG_ALL));
}

/**
 * vu_log_range() - mark the pages of [gpa, gpa + len) dirty
 * @vu:		the backend
 * @gpa:	first byte
 * @len:	bytes, non-zero
 *
 * Pages past the end of the log are not marked.
 *
 * Return: pages marked
 */
static unsigned int vu_log_range(struct vnet_vu *vu, uint64_t gpa,
				 uint64_t len)
{
	uint8_t *log = (uint8_t *)vu->log_base + (vu->log_len - vu->log_size);
	uint64_t page, last, n = 0;

	if (!len || gpa + len - 1 < gpa)
		return 0;	/* empty, or wraps */
	last = (gpa + len - 1) / VU_LOG_PAGE;
	for (page = gpa / VU_LOG_PAGE; page <= last; page++) {
		if (page / 8 >= vu->log_size)
			break;	/* beyond what the log covers */
		__atomic_fetch_or(&log[page / 8], (uint8_t)(1u << (page % 8)),
				  __ATOMIC_RELAXED);
		n++;
	}
	return (unsigned int)n;
}

/**
 * vu_hva_to_gpa() - guest address of a host pointer into guest memory
 * @vu:		the backend
 * @p:		host pointer
 * @len:	bytes from @p that must lie in the same region
 * @gpa:	the address
 *
 * Return: true if found
 */
static bool vu_hva_to_gpa(const struct vnet_vu *vu, const void *p, size_t len,
			  uint64_t *gpa)
{
	uintptr_t a = (uintptr_t)p;
	unsigned int i;

	for (i = 0; i < vu->mem.nregions; i++) {
		const struct vnet_mem_region *r = &vu->mem.regions[i];
		uintptr_t h = (uintptr_t)r->hva;

		if (a < h || a - h >= r->size || len > r->size - (a - h))
			continue;
		*gpa = r->gpa + (a - h);
		return true;
	}
	return false;
}

unsigned int vnet_vu_log_write(struct vnet_vu *vu, const struct iovec *iov,
			       unsigned int n, size_t len)
{
	unsigned int i, pages = 0;

	if (!vu_log_on(vu))
		return 0;
	for (i = 0; i < n && len; i++) {
		size_t c = iov[i].iov_len < len ? iov[i].iov_len : len;
		uint64_t gpa;

		if (c && vu_hva_to_gpa(vu, iov[i].iov_base, c, &gpa))
			pages += vu_log_range(vu, gpa, c);
		len -= c;
	}
	return pages;
}

/**
 * vu_log_used() - mark a queue's whole used area dirty
 * @vu:		the backend
 * @idx:	queue index; the area is at its log address, its size from
 *		the ring format
 */
void vu_log_used(struct vnet_vu *vu, unsigned int idx)
{
	struct vu_vring *v = &vu->vr[idx];
	uint64_t len;

	if (!vu_log_on(vu) || !(v->addr.flags & VU_VRING_F_LOG))
		return;
	if (vnet_features_has(&vu->features, VNET_F_RING_PACKED))
		len = 16ULL * v->num + 4;	/* descriptors, event area */
	else
		len = 6 + 8ULL * v->num + 2;	/* used ring, avail_event */
	atomic_thread_fence(memory_order_release);
	vu_log_range(vu, v->addr.log, len);
}
