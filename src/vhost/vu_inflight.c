// SPDX-License-Identifier: MIT
/* vu_inflight.c - INFLIGHT_SHMFD: the shared region that keeps in-flight buffers across a backend restart */

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vu_int.h"

/* Queue regions start on a cache line, as DPDK and libvhost-user lay them. */
#define VU_INFLIGHT_ALIGN	64u

/**
 * vu_inflight_stride() - bytes GET_INFLIGHT_FD gives each queue
 * @queue_size:	queue size, 1..VNET_VIRTQ_SIZE_MAX
 *
 * The layout (split or packed) may not be negotiated yet when the
 * frontend asks (QEMU asks before SET_FEATURES), so each queue gets room
 * for the larger, packed one; a split queue uses the front of it.
 *
 * Return: the size, a multiple of VU_INFLIGHT_ALIGN
 */
static uint64_t vu_inflight_stride(uint16_t queue_size)
{
	uint64_t n = vnet_virtq_inflight_size(true, queue_size);

	return (n + VU_INFLIGHT_ALIGN - 1) / VU_INFLIGHT_ALIGN *
	       VU_INFLIGHT_ALIGN;
}

/**
 * vu_inflight_clear() - unmap the region
 * @vu:	the backend, with no queue started
 */
void vu_inflight_clear(struct vnet_vu *vu)
{
	if (vu->inflight_base)
		vu_unmap_file(vu->inflight_base, vu->inflight_len);
	vu->inflight_base = NULL;
	vu->inflight_len = 0;
	vu->inflight_off = 0;
	vu->inflight_stride = 0;
	vu->inflight_queues = 0;
}

/**
 * vu_inflight_idle() - may the region be replaced now
 * @vu:	the backend
 *
 * Queues hold pointers into the region while they run.
 *
 * Return: true if no queue is started (else counted)
 */
static bool vu_inflight_idle(struct vnet_vu *vu)
{
	unsigned int i;

	for (i = 0; i < vu->nqueues; i++) {
		if (vu->vr[i].started) {
			vu->stats.bad_state++;	/* region under running rings */
			return false;
		}
	}
	return true;
}

/**
 * vu_inflight_counts() - check the queue count and size of a description
 * @d:	the description
 *
 * Return: true if 1..VNET_VU_QUEUES_MAX queues of 1..VNET_VIRTQ_SIZE_MAX
 */
static bool vu_inflight_counts(const struct vu_inflight *d)
{
	return d->num_queues && d->num_queues <= VNET_VU_QUEUES_MAX &&
	       d->queue_size && d->queue_size <= VNET_VIRTQ_SIZE_MAX;
}

/**
 * vu_inflight_map() - map [0, offset + size) of a region fd and keep it
 * @vu:		the backend, with no region
 * @fd:		the fd (not closed here)
 * @d:		the description, counts checked
 *
 * Queue i's region is at offset + i * (size / num_queues): the stride of
 * whichever backend made the region (ours, DPDK's and libvhost-user's
 * differ), at least what a queue of queue_size needs in the split layout
 * (the queue's own layout is checked when it starts), 8-byte aligned.
 *
 * Return: 0, or -EINVAL / -EOVERFLOW / -errno of mmap
 */
static int vu_inflight_map(struct vnet_vu *vu, int fd,
			   const struct vu_inflight *d)
{
	uint64_t stride = d->mmap_size / d->num_queues;
	size_t len;
	void *p;

	if (d->mmap_offset % 8 || stride % 8)
		return -EINVAL;		/* queue regions misaligned */
	if (stride < vnet_virtq_inflight_size(false, d->queue_size))
		return -EINVAL;		/* too small for the queues */
	p = vu_map_file(vu, fd, d->mmap_offset, d->mmap_size, &len);
	if (!p)
		return -errno;	/* wraps, not a file that holds the region */
	vu->inflight_base = p;
	vu->inflight_len = len;
	vu->inflight_off = d->mmap_offset;
	vu->inflight_stride = stride;
	vu->inflight_queues = d->num_queues;
	return 0;
}

/**
 * vu_inflight_get() - GET_INFLIGHT_FD: a new, zeroed region for the frontend
 * @vu:	the backend
 * @m:	the request: num_queues and queue_size
 * @r:	the reply: mmap_size, mmap_offset 0, and the memfd
 *
 * The backend keeps the region mapped and uses it: the frontend sends it
 * back with SET_INFLIGHT_FD, to this backend or a later one. A request
 * that cannot be served gets mmap_size 0 and no fd, which QEMU takes as
 * "no inflight region", and the connection stays.
 *
 * Return: 0 (the reply says what happened)
 */
int vu_inflight_get(struct vnet_vu *vu, struct vu_msg *m, struct vu_msg *r)
{
	struct vu_inflight d = m->p.inflight;
	int fd = -1;

	r->hdr.request = m->hdr.request;
	r->hdr.flags = VU_VERSION | VU_FLAG_REPLY;
	r->hdr.size = m->hdr.size;	/* answered in the size asked */
	memset(r->p.raw, 0, VU_INFLIGHT_PADDED);	/* padding included */
	r->p.inflight = d;
	r->p.inflight.mmap_size = 0;
	r->p.inflight.mmap_offset = 0;
	if (!vu_inflight_counts(&d) || !vu_inflight_idle(vu))
		goto bad;	/* no queues, too many, bad size; rings run */
	d.mmap_offset = 0;
	d.mmap_size = vu_inflight_stride(d.queue_size) * d.num_queues;
	fd = memfd_create("vnet-inflight", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0 || ftruncate(fd, (off_t)d.mmap_size) < 0)
		goto bad;	/* no memory */
	vu_inflight_clear(vu);
	if (vu_inflight_map(vu, fd, &d))
		goto bad;
	r->p.inflight.mmap_size = d.mmap_size;
	r->fds[0] = fd;
	r->nfds = 1;
	return 0;
bad:
	if (fd >= 0)
		close(fd);
	vu->stats.bad_inflight++;
	return 0;
}

/**
 * vu_inflight_set() - SET_INFLIGHT_FD: map the region the frontend gives
 * @vu:	the backend, no ring started
 * @m:	the request, with one fd
 *
 * The region may come from an earlier backend, crashed or not: its
 * contents are checked queue by queue when each queue starts.
 *
 * Return: 0; -EBUSY with rings started; -EINVAL or -EOVERFLOW for a bad
 * description (counted); -errno of mmap
 */
int vu_inflight_set(struct vnet_vu *vu, struct vu_msg *m)
{
	const struct vu_inflight *d = &m->p.inflight;
	int fd = vu_msg_take_fd(m, 0), ret;

	if (!vu_inflight_idle(vu)) {
		close(fd);
		return -EBUSY;
	}
	vu_inflight_clear(vu);
	ret = vu_inflight_counts(d) ? vu_inflight_map(vu, fd, d) : -EINVAL;
	close(fd);	/* the mapping keeps what it needs */
	if (ret)
		vu->stats.bad_inflight++;	/* count, size, offset, fd */
	return ret;
}

/**
 * vu_inflight_queue() - queue @idx's part of the region
 * @vu:		the backend
 * @idx:	queue index
 * @len:	bytes of it
 *
 * Return: its start, or NULL if there is no region or it has no part for
 * @idx (the queue then runs untracked)
 */
void *vu_inflight_queue(const struct vnet_vu *vu, unsigned int idx,
			size_t *len)
{
	*len = 0;
	if (!vu->inflight_base || idx >= vu->inflight_queues)
		return NULL;
	*len = (size_t)vu->inflight_stride;
	return (uint8_t *)vu->inflight_base + vu->inflight_off +
	       idx * vu->inflight_stride;
}
