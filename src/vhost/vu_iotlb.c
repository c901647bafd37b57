// SPDX-License-Identifier: MIT
/* vu_iotlb.c - vIOMMU: IOTLB messages from the frontend, misses sent back on the backend channel */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "vu_int.h"

/* A queue waiting for the same mapping asks again after this long: the
 * frontend may have dropped a miss (its socket full), never more often. */
#define VU_MISS_RESEND_MS	100

/**
 * vu_set_backend_fd() - SET_BACKEND_REQ_FD: the channel for our requests
 * @vu:	the backend
 * @m:	the request, its fd checked present
 *
 * Return: 0
 */
int vu_set_backend_fd(struct vnet_vu *vu, struct vu_msg *m)
{
	int fd = vu_msg_take_fd(m, 0);
	int fl;

	pthread_mutex_lock(&vu->backend_lock);
	if (vu->backend_fd >= 0)
		close(vu->backend_fd);
	/* never waited on: a frontend that does not read loses misses,
	 * and its queues wait, nothing else */
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	vu->backend_fd = fd;
	pthread_mutex_unlock(&vu->backend_lock);
	return 0;
}

/**
 * vu_iotlb_wake() - kick every queue that waited for a mapping
 * @vu:	the backend, an update just applied
 *
 * The queue's own kick eventfd: an owner that serves a queue on a kick
 * tries it again, and it resumes where it stopped (or misses again).
 */
static void vu_iotlb_wake(struct vnet_vu *vu)
{
	uint64_t one = 1;
	unsigned int i;

	for (i = 0; i < vu->nqueues; i++) {
		struct vu_vring *v = &vu->vr[i];

		if (!v->waiting)
			continue;
		v->waiting = false;
		vu->stats.iotlb_resumed++;
		if (v->kick_fd >= 0 && write(v->kick_fd, &one, sizeof(one)) < 0)
			vu->stats.io_errors++;
	}
}

/**
 * vu_iotlb_apply() - apply one IOTLB message from the frontend
 * @vu:	the backend
 * @t:	the message, copied out of the request
 *
 * Return: 0, or -errno for a message refused (nothing changed)
 */
static int vu_iotlb_apply(struct vnet_vu *vu, const struct vu_iotlb_msg *t)
{
	int ret;

	if (!vnet_features_has(&vu->features, VNET_F_ACCESS_PLATFORM))
		return -EPERM;	/* "only when IOMMU_PLATFORM" negotiated */
	switch (t->type) {
	case VNET_VU_IOTLB_UPDATE:
		ret = vnet_iotlb_update(&vu->iotlb, &vu->mem, t->iova,
					t->size, t->uva, t->perm);
		if (!ret)
			vu_iotlb_wake(vu);
		return ret;
	case VNET_VU_IOTLB_INVALIDATE:
		/* done before the reply: no queue translates meanwhile
		 * (dispatch excludes the owner's queue threads) */
		vnet_iotlb_invalidate(&vu->iotlb, t->iova, t->size);
		return 0;
	}
	return -EINVAL;		/* a type the frontend does not send */
}

/**
 * vu_iotlb_msg() - IOTLB_MSG: update or invalidate, answered 0 or 1
 * @vu:	the backend
 * @m:	the request, size checked
 * @r:	the reply, sent if the frontend asked for one
 *
 * A refused message is answered non-zero and counted; the connection
 * stays (the queues that need the mapping wait, nothing else).
 */
void vu_iotlb_msg(struct vnet_vu *vu, struct vu_msg *m, struct vu_msg *r)
{
	struct vu_iotlb_msg t;
	int ret;

	memcpy(&t, &m->p.iotlb, sizeof(t));
	ret = vu_iotlb_apply(vu, &t);
	if (ret)
		vu->stats.bad_iotlb++;
	if (!(m->hdr.flags & VU_FLAG_NEED_REPLY))
		return;
	if (ret)
		vu->stats.nacks++;
	r->hdr.request = m->hdr.request;
	r->hdr.flags = VU_VERSION | VU_FLAG_REPLY;
	r->hdr.size = sizeof(uint64_t);
	r->p.u64 = ret ? 1 : 0;
}

/**
 * vu_iotlb_miss() - a queue needs a mapping: ask the frontend
 * @q:		the queue
 * @iova:	the address
 * @perm:	the access
 * @opaque:	the backend
 *
 * Called by the queue's thread. One miss per queue is outstanding: the
 * same one again only after VU_MISS_RESEND_MS, so a guest that names
 * unmapped addresses cannot make the backend flood its frontend.
 */
static void vu_iotlb_miss(struct vnet_virtq *q, uint64_t iova,
			  unsigned int perm, void *opaque)
{
	struct vu_vring *v = (struct vu_vring *)((char *)q -
						  offsetof(struct vu_vring, q));
	struct vnet_vu *vu = opaque;
	struct vu_hdr h = { VNET_VU_BACKEND_IOTLB_MSG, VU_VERSION,
			    VU_IOTLB_MSG_PADDED };
	uint8_t payload[VU_IOTLB_MSG_PADDED] = { 0 };
	struct vu_iotlb_msg t = { .iova = iova, .perm = (uint8_t)perm,
				  .type = VNET_VU_IOTLB_MISS };
	uint64_t now = vu_now_ms();
	bool sent;

	if (v->waiting && v->miss_iova == iova &&
	    now - v->miss_ms < VU_MISS_RESEND_MS)
		return;		/* asked already */
	v->waiting = true;
	v->miss_iova = iova;
	v->miss_ms = now;
	memcpy(payload, &t, sizeof(t));
	pthread_mutex_lock(&vu->backend_lock);
	sent = vu->backend_fd >= 0 && !vu_msg_send(vu->backend_fd, &h, payload);
	pthread_mutex_unlock(&vu->backend_lock);
	if (sent) {
		__atomic_add_fetch(&vu->stats.iotlb_misses, 1, __ATOMIC_RELAXED);
		return;
	}
	/* not sent (a full socket, no channel): the next try asks again */
	v->miss_ms = now - VU_MISS_RESEND_MS;
	__atomic_add_fetch(&vu->stats.io_errors, 1, __ATOMIC_RELAXED);
}

/**
 * vu_iotlb_queue() - a queue's IOTLB, when ACCESS_PLATFORM is negotiated
 * @vu:	the backend
 * @c:	the queue's configuration, filled
 */
void vu_iotlb_queue(struct vnet_vu *vu, struct vnet_virtq_config *c)
{
	if (!vnet_features_has(&vu->features, VNET_F_ACCESS_PLATFORM))
		return;
	c->iotlb = &vu->iotlb;
	c->miss = vu_iotlb_miss;
	c->addr_is_uva = false;	/* ring addresses are IOVAs */
}

/**
 * vu_iotlb_reset() - forget the mappings and the backend channel
 * @vu:	the backend, its queues stopped
 */
void vu_iotlb_reset(struct vnet_vu *vu)
{
	vnet_iotlb_clear(&vu->iotlb);
	pthread_mutex_lock(&vu->backend_lock);
	if (vu->backend_fd >= 0)
		close(vu->backend_fd);
	vu->backend_fd = -1;
	pthread_mutex_unlock(&vu->backend_lock);
}
