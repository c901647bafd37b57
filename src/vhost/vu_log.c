// SPDX-License-Identifier: MIT
/* vu_log.c - dirty page log for live migration: LOG_SHMFD mapping, page marking */

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vu_int.h"

/**
 * vu_log_active() - is dirty logging on
 * @vu:	the backend
 *
 * Return: true with LOG_ALL negotiated and a log mapped
 */
static bool vu_log_active(const struct vnet_vu *vu)
{
	return vu->log.bitmap &&
	       (vu->transport_features & (1ULL << VNET_VU_F_LOG_ALL));
}

/**
 * vu_log_queue() - the log and log address queue @idx is to use
 * @vu:		the backend
 * @idx:	queue index
 * @c:		configuration of the queue: log, has_log_addr, log_addr set
 */
void vu_log_queue(const struct vnet_vu *vu, unsigned int idx,
		  struct vnet_virtq_config *c)
{
	const struct vu_vring *v = &vu->vr[idx];

	c->log = vu_log_active(vu) ? &vu->log : NULL;
	/* "when logging modifications to the used ring (when
	 * VHOST_VRING_F_LOG is set for this ring), log_guest_addr should be
	 * used"; without the flag the ring is marked where it lies */
	c->has_log_addr = v->addr.flags & VU_VRING_F_LOG;
	c->log_addr = v->addr.log;
}

/**
 * vu_log_attach() - give every started queue the log as it is now
 * @vu:	the backend, after LOG_ALL, the log base or a ring's log flag
 *	changed
 *
 * The queues mark what they write themselves (vnet_virtq_set_log()).
 * This runs inside vnet_vu_dispatch(), which the owner never runs while
 * a queue is being served (vnetd: the device lock, taken for writing
 * around dispatch and for reading by each worker's burst), so no write
 * is in progress: one done before is marked in the old log, one after
 * in the new one, and none is marked in a log unmapped after this.
 */
void vu_log_attach(struct vnet_vu *vu)
{
	unsigned int i;

	for (i = 0; i < vu->nqueues; i++) {
		struct vnet_virtq_config c;

		if (!vu->vr[i].started)
			continue;
		vu_log_queue(vu, i, &c);
		vnet_virtq_set_log(&vu->vr[i].q, c.log);
		vnet_virtq_set_log_addr(&vu->vr[i].q, c.has_log_addr,
					c.log_addr);
	}
}

/**
 * vu_log_unmap() - unmap a log no queue uses any more
 * @base:	what mmap returned, or NULL
 * @len:	bytes mapped
 */
static void vu_log_unmap(void *base, size_t len)
{
	if (base)
		munmap(base, len);
}

/**
 * vu_log_clear() - stop logging and unmap the log
 * @vu:	the backend
 */
void vu_log_clear(struct vnet_vu *vu)
{
	void *base = vu->log_base;
	size_t len = vu->log_len;

	vu->log_base = NULL;
	vu->log_len = 0;
	vu->log_size = 0;
	vu->log = (struct vnet_dirty_log){ NULL, 0 };
	vu_log_attach(vu);	/* detached before it goes */
	vu_log_unmap(base, len);
}

/**
 * vu_log_set_base() - SET_LOG_BASE: map the log the frontend shares
 * @vu:	the backend
 * @m:	the request, with one fd
 *
 * A log that replaces another (a resize when memory is hot-plugged during
 * migration) is mapped first, given to the queues, and only then is the
 * old one unmapped: see vu_log_attach() for why no page is missed.
 *
 * Return: 0, or -errno (offset + size wraps, file too short, mmap
 * fails); logging is then off
 */
int vu_log_set_base(struct vnet_vu *vu, struct vu_msg *m)
{
	uint64_t size = m->p.log.size, off = m->p.log.offset, end;
	void *old = vu->log_base, *p;
	size_t old_len = vu->log_len;
	int fd = vu_msg_take_fd(m, 0);
	struct stat st;

	if (size == 0 || __builtin_add_overflow(size, off, &end) ||
	    end > SIZE_MAX)
		goto bad;	/* empty log, or offset + size wraps */
	if (fstat(fd, &st) < 0 ||
	    (S_ISREG(st.st_mode) && (uint64_t)st.st_size < end))
		goto bad;	/* file shorter than the log */
	p = mmap(NULL, (size_t)end, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto bad;	/* cannot map */
	vu_seal_shrink(fd);
	close(fd);
	vu->log_base = p;
	vu->log_len = (size_t)end;
	vu->log_size = size;
	vu->log = (struct vnet_dirty_log){ (uint8_t *)p + off, size };
	vu_log_attach(vu);
	vu_log_unmap(old, old_len);
	return 0;
bad:
	close(fd);
	vu->stats.bad_mem++;
	vu_log_clear(vu);
	return -EINVAL;
}

unsigned int vnet_vu_log_write(struct vnet_vu *vu, const struct iovec *iov,
			       unsigned int n, size_t len)
{
	unsigned int i, hint = 0, pages = 0;

	if (!vu_log_active(vu))
		return 0;
	for (i = 0; i < n && len; i++) {
		size_t c = iov[i].iov_len < len ? iov[i].iov_len : len;
		uint64_t gpa;

		if (c && vnet_mem_hva_to_gpa(&vu->mem, &hint, iov[i].iov_base,
					     c, &gpa))
			pages += vnet_dirty_log_mark(&vu->log, gpa, c);
		len -= c;
	}
	return pages;
}
