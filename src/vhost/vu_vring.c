// SPDX-License-Identifier: MIT
/* vu_vring.c - per-queue transport state: fds, size, addresses, base, enable; start and stop */

#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "vnet/virtq_serve.h"
#include "vnet/vq_map.h"
#include "vu_int.h"

/* Discarding reads no byte of a buffer: a few segments are enough (a
 * longer chain is truncated, and used all the same). Passes of a whole
 * ring at most, so a driver that refills as fast as it can cannot hold
 * the thread. */
#define VNET_VU_DISCARD_SEGS	4
#define VNET_VU_DISCARD_ROUNDS	4

/**
 * vu_vring_init() - a queue with nothing configured
 * @v:	the queue
 */
void vu_vring_init(struct vu_vring *v)
{
	memset(v, 0, sizeof(*v));
	vnet_virtq_init(&v->q);
	v->kick_fd = v->call_fd = v->err_fd = -1;
}

/**
 * vu_vring_dir() - which buffers queue @idx takes
 * @vu:		the backend
 * @idx:	queue index
 *
 * By the queue's role in the layout the frontend acked (vnet_vq_role()):
 * receive queues take device-writable buffers, transmit queues readable
 * ones; the control queue takes both, and so does an index of no role
 * (nothing serves it).
 *
 * Return: the direction
 */
static enum vnet_virtq_dir vu_vring_dir(const struct vnet_vu *vu,
					unsigned int idx)
{
	struct vnet_vq_map m;

	vnet_vq_map_init(&m, &vu->features, (uint16_t)vu->cfg.queue_pairs);
	switch (vnet_vq_role(&m, idx, NULL)) {
	case VNET_VQ_RX:
		return VNET_VIRTQ_DIR_IN;
	case VNET_VQ_TX:
		return VNET_VIRTQ_DIR_OUT;
	default:
		return VNET_VIRTQ_DIR_ANY;
	}
}

/**
 * vu_vring_update() - tell the owner when a queue starts or stops running
 * @vu:		the backend
 * @idx:	queue index
 */
void vu_vring_update(struct vnet_vu *vu, unsigned int idx)
{
	struct vu_vring *v = &vu->vr[idx];
	const struct vnet_vu_ops *ops = vu->cfg.ops;
	/* Without PROTOCOL_FEATURES a ring is enabled from the start. */
	bool legacy = !(vu->transport_features &
			(1ULL << VNET_VU_F_PROTOCOL_FEATURES));
	bool running = v->started && (v->enabled || legacy);
	bool discarding;

	/*
	 * Discarded: a transmit ring disabled after it ran. One started
	 * and not enabled yet keeps its buffers for the enable, which
	 * frontends send right after the start: on a migration's
	 * destination or after a reconnect they are the guest's queued
	 * frames, not to be dropped.
	 */
	v->served |= running;
	discarding = v->started && !running && v->served &&
		     vu_vring_dir(vu, idx) == VNET_VIRTQ_DIR_OUT;

	/* the owner stops serving the queue before it starts discarding
	 * it, and stops discarding before it serves it */
	if (discarding != v->discarding && !discarding) {
		v->discarding = false;
		if (ops && ops->queue_discard)
			ops->queue_discard(vu->cfg.opaque, idx, false);
	}
	if (running != v->running) {
		v->running = running;
		if (ops && ops->queue_state)
			ops->queue_state(vu->cfg.opaque, idx, running);
	}
	if (discarding != v->discarding) {
		v->discarding = true;
		vnet_vu_discard(vu, idx);	/* what it holds already */
		if (ops && ops->queue_discard)
			ops->queue_discard(vu->cfg.opaque, idx, true);
	}
}

/* A discarded buffer: used, nothing written, nothing sent. */
static uint32_t vu_discard_one(struct vnet_virtq_elem *e, void *opaque)
{
	(void)e;
	(void)opaque;
	return 0;
}

int vnet_vu_discard(struct vnet_vu *vu, unsigned int idx)
{
	struct iovec out[VNET_VU_DISCARD_SEGS];
	struct vnet_virtq_elem e;
	struct vu_vring *v;
	unsigned int n = 0, rounds;
	bool again = true;

	if (idx >= vu->nqueues)
		return -ENODEV;
	v = &vu->vr[idx];
	if (!v->discarding)
		return 0;
	/* a segment array too short only truncates: the buffer is used
	 * all the same */
	vnet_virtq_elem_init(&e, out, VNET_VU_DISCARD_SEGS, NULL, 0);
	for (rounds = 0; again && rounds < VNET_VU_DISCARD_ROUNDS; rounds++) {
		again = false;
		n += vnet_virtq_serve(&v->q, &e, v->num, vu_discard_one, NULL,
				      &again);
		/* the next buffer must bring a kick */
		if (!again && vnet_virtq_enable_notify(&v->q) == 1)
			again = true;
	}
	if (n) {
		__atomic_fetch_add(&vu->stats.discarded, n, __ATOMIC_RELAXED);
		vnet_vu_notify(vu, idx);
	}
	return (int)n;
}

/**
 * vu_vring_signal_err() - a queue broke: tell the frontend
 * @vu:		the backend
 * @idx:	queue index
 *
 * Signals the queue's error eventfd (SET_VRING_ERR), if it gave one.
 */
void vu_vring_signal_err(struct vnet_vu *vu, unsigned int idx)
{
	struct vu_vring *v = &vu->vr[idx];
	uint64_t one = 1;

	vu->stats.queue_errors++;
	if (v->err_fd >= 0 && write(v->err_fd, &one, sizeof(one)) < 0)
		vu->stats.io_errors++;
}

/**
 * vu_vring_broken() - a guest fault broke a queue
 * @q:		the queue
 * @err:	why
 * @opaque:	the backend
 */
static void vu_vring_broken(struct vnet_virtq *q, enum vnet_virtq_err err,
			    void *opaque)
{
	struct vu_vring *v = (struct vu_vring *)((char *)q -
						  offsetof(struct vu_vring, q));
	struct vnet_vu *vu = opaque;

	(void)err;
	vu_vring_signal_err(vu, (unsigned int)(v - vu->vr));
}

/**
 * vu_vring_base() - the base a queue starts from
 * @vu:	the backend, features negotiated
 * @v:	the queue
 *
 * SET_VRING_BASE for a packed ring: the next available offset in bits
 * 0..14, the driver's wrap counter in bit 15; QEMU (7.2, at least) puts
 * its used offset and wrap counter in bits 16..31 too. The device resumes
 * used where available stands, as DPDK does, so those bits are dropped
 * here, once the features say the ring is packed (SET_FEATURES may come
 * after SET_VRING_BASE).
 *
 * Return: the base for vnet_virtq_setup()
 */
static uint32_t vu_vring_base(const struct vnet_vu *vu,
			      const struct vu_vring *v)
{
	if (vnet_features_has(&vu->features, VNET_F_RING_PACKED))
		return v->base & 0xffff;
	return v->base;
}

/**
 * vu_vring_resubmit_kick() - wake the owner for buffers to pop again
 * @vu:	the backend
 * @v:	the queue, just started
 *
 * After a reconnect the frontend has nothing new to kick for, but the
 * inflight region gave the queue buffers to resubmit: the backend kicks
 * its own kick eventfd, so an owner that pops on a kick pops them.
 */
static void vu_vring_resubmit_kick(struct vnet_vu *vu, struct vu_vring *v)
{
	uint64_t one = 1;

	if (!vnet_virtq_resubmit_pending(&v->q))
		return;
	vu->stats.resubmitted++;
	if (v->kick_fd >= 0 && write(v->kick_fd, &one, sizeof(one)) < 0)
		vu->stats.io_errors++;
}

/**
 * vu_vring_call_replaced() - signal a call eventfd that replaced another
 * @vu:	the backend
 * @v:	the queue, its call_fd just set by SET_VRING_CALL
 *
 * A frontend may replace the call eventfd of a queue already started:
 * QEMU 7.2 with INTx (no MSI-X vectors) sends SET_VRING_CALL only after
 * SET_VRING_KICK, and a destination's first receive frames are used, and
 * signalled, in between, on the fd QEMU then drops unread. The driver
 * misses that notification, and with EVENT_IDX it is never notified
 * again: its used_event stays behind the used idx, which only moves on.
 * So a started queue's new fd is signalled once. A notification with
 * nothing new is harmless ("The driver MUST handle spurious
 * notifications from the device", split-ring.tex; libvhost-user signals
 * every new call fd).
 */
void vu_vring_call_replaced(struct vnet_vu *vu, struct vu_vring *v)
{
	uint64_t one = 1;

	if (!v->started || v->call_fd < 0)
		return;
	if (write(v->call_fd, &one, sizeof(one)) < 0)
		vu->stats.io_errors++;
}

/**
 * vu_vring_start() - set the queue up on the current memory table
 * @vu:		the backend
 * @idx:	queue index, with size and addresses known
 *
 * Return: 0; -EPROTO if size, addresses or memory are missing; or what
 * vnet_virtq_setup() returns for rings outside guest memory
 */
int vu_vring_start(struct vnet_vu *vu, unsigned int idx)
{
	struct vu_vring *v = &vu->vr[idx];
	struct vnet_virtq_config c = { 0 };
	int ret;

	if (v->started)
		return 0;
	if (!v->num || !v->have_addr || !vu->mem.nregions) {
		vu->stats.bad_state++;	/* kick before size, addresses, memory */
		return -EPROTO;
	}
	c.size = v->num;
	c.desc_addr = v->addr.desc;
	c.driver_addr = v->addr.avail;
	c.device_addr = v->addr.used;
	c.addr_is_uva = true;
	c.dir = vu_vring_dir(vu, idx);
	c.big_endian = vu->big_endian;
	c.base = vu_vring_base(vu, v);
	c.features = vu->features;
	c.broken = vu_vring_broken;
	c.opaque = vu;
	c.inflight = vu_inflight_queue(vu, idx, &c.inflight_len);
	vu_log_queue(vu, idx, &c);	/* setup's own ring stores are logged */
	vu_iotlb_queue(vu, &c);
	ret = vnet_virtq_setup(&v->q, &vu->mem, &c);
	if (ret) {
		vnet_virtq_reset(&v->q);
		if (ret == -EBADMSG)
			vu->stats.bad_inflight++;	/* corrupt region */
		else
			vu->stats.bad_state++;	/* rings not in guest memory */
		return ret;
	}
	v->started = true;
	vu_vring_resubmit_kick(vu, v);
	vu_vring_update(vu, idx);
	return 0;
}

/**
 * vu_vring_stop() - stop the queue, keeping its fds
 * @vu:		the backend
 * @idx:	queue index
 *
 * The owner hears of it first (queue_state), so it can finish what it
 * holds; then the ring state is read and forgotten.
 *
 * Return: the base to resume from (as GET_VRING_BASE reports it)
 */
uint32_t vu_vring_stop(struct vnet_vu *vu, unsigned int idx)
{
	struct vu_vring *v = &vu->vr[idx];
	uint32_t base = v->base;

	if (!v->started)
		return base;
	v->started = v->served = false;
	vu_vring_update(vu, idx);
	base = vnet_virtq_get_base(&v->q);
	vnet_virtq_reset(&v->q);
	v->base = base;
	return base;
}

static void vu_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/**
 * vu_vring_release() - stop the queue and close all its fds
 * @vu:		the backend
 * @idx:	queue index
 */
void vu_vring_release(struct vnet_vu *vu, unsigned int idx)
{
	struct vu_vring *v = &vu->vr[idx];

	vu_vring_stop(vu, idx);
	vu_close(&v->kick_fd);
	vu_close(&v->call_fd);
	vu_close(&v->err_fd);
	vnet_virtq_reset(&v->q);
	vu_vring_init(v);
}

/**
 * vu_vring_remap() - start again every queue that has a kick fd
 * @vu:	the backend, after its memory table changed
 *
 * Return: 0, or the first error of vu_vring_start()
 */
int vu_vring_remap(struct vnet_vu *vu)
{
	unsigned int i;
	int ret;

	for (i = 0; i < vu->nqueues; i++) {
		if (vu->vr[i].kick_fd < 0 || vu->vr[i].started)
			continue;
		ret = vu_vring_start(vu, i);
		if (ret)
			return ret;
	}
	return 0;
}

struct vnet_virtq *vnet_vu_queue(struct vnet_vu *vu, unsigned int idx)
{
	if (idx >= vu->nqueues || !vu->vr[idx].running)
		return NULL;
	return &vu->vr[idx].q;
}

int vnet_vu_kick_fd(const struct vnet_vu *vu, unsigned int idx)
{
	if (idx >= vu->nqueues || !vu->vr[idx].started)
		return -1;
	return vu->vr[idx].kick_fd;
}

int vnet_vu_kick_drain(struct vnet_vu *vu, unsigned int idx)
{
	uint64_t v;

	if (idx >= vu->nqueues || vu->vr[idx].kick_fd < 0)
		return -ENODEV;
	if (read(vu->vr[idx].kick_fd, &v, sizeof(v)) != sizeof(v))
		return errno == EAGAIN ? 0 : -errno;
	if (vnet_features_has(&vu->features, VNET_F_NOTIFICATION_DATA))
		return 1;
	return v > INT_MAX ? INT_MAX : (int)v;
}

int vnet_vu_notify(struct vnet_vu *vu, unsigned int idx)
{
	struct vu_vring *v;
	uint64_t one = 1;

	if (idx >= vu->nqueues || !vu->vr[idx].started)
		return -ENODEV;
	v = &vu->vr[idx];
	if (!vnet_virtq_should_notify(&v->q) || v->call_fd < 0)
		return 0;
	if (write(v->call_fd, &one, sizeof(one)) < 0)
		return -errno;
	return 1;
}

const struct vnet_features *vnet_vu_features(const struct vnet_vu *vu)
{
	return &vu->features;
}

const struct vnet_mem *vnet_vu_mem(const struct vnet_vu *vu)
{
	return &vu->mem;
}

const struct vnet_vu_stats *vnet_vu_get_stats(const struct vnet_vu *vu)
{
	return &vu->stats;
}
