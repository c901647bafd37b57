/* SPDX-License-Identifier: MIT */
/* rx_steer.h - receive steering across workers: the queue RSS names, not the tap's */
#ifndef VNETD_RX_STEER_H
#define VNETD_RX_STEER_H

#include <stdbool.h>
#include <stdint.h>

#include "vnet/rss.h"
#include "vnet/rx.h"

struct vnetd_qp;
struct vnetd_steer_ring;

/*
 * Each worker reads its own tap queue, where the kernel put what it chose;
 * with RSS the guest decides ("Processing of Incoming Packets": the device
 * MUST place the packet in the queue its indirection table names). A frame
 * that belongs to another pair is copied into a single-producer
 * single-consumer ring from this pair to that one (one per ordered pair of
 * pairs, memory allocated once, no lock); the other worker, woken by an
 * eventfd once per burst, delivers it as its own. A full ring is a counted
 * drop. Without RSS or HASH_REPORT negotiated none of this runs.
 */

/**
 * struct vnetd_steer - one pair's side of the handoff
 * @rings:	rings the other pairs fill for this one, by source pair
 *		(NULL with one pair, without a tap, or with --null-rx)
 * @nrings:	entries of @rings (the pairs; this pair's own is unused)
 * @wake_fd:	eventfd: frames wait in @rings
 * @wake:	pairs this one handed frames to in the burst under way
 * @next:	ring drained first next time (the one whose frame waits for
 *		guest buffers, else round robin)
 * @hashing:	RSS or HASH_REPORT negotiated: frames are classified
 * @resume:	the first frame of ring @next is in hand (qp->hand), waiting
 *		for guest buffers
 * @hash:	hash of the frame in hand, for the header (HASH_REPORT)
 * @frame:	a frame from a ring, as the delivery path takes it
 */
struct vnetd_steer {
	struct vnetd_steer_ring *rings;
	unsigned int nrings;
	int wake_fd;
	uint64_t wake;
	unsigned int next;
	bool hashing;
	bool resume;
	struct vnet_rss_hash hash;
	struct vnet_rx_frame frame;
};

/**
 * vnetd_steer_init() - rings and eventfd of a pair, at start
 * @qp:		the pair (index, daemon and epoll fd set)
 *
 * Return: 0, -ENOMEM, or -errno from eventfd() or epoll_ctl()
 */
int vnetd_steer_init(struct vnetd_qp *qp);

/**
 * vnetd_steer_fini() - free what vnetd_steer_init() made
 * @qp:		the pair
 */
void vnetd_steer_fini(struct vnetd_qp *qp);

/**
 * vnetd_steer_reset() - forget the frames waiting for a pair
 * @qp:		the pair; no worker runs (the device lock held for writing)
 *
 * At negotiation: what waits was classified for another driver; whether
 * frames are classified at all follows the features.
 */
void vnetd_steer_reset(struct vnetd_qp *qp);

/**
 * vnetd_steer_frame() - classify a frame read from the tap (when hashing)
 * @qp:		the pair that read it
 * @f:		the frame, accepted by the receive filter
 *
 * Sets the hash the header reports; a frame RSS places on another pair's
 * receive queue is handed to that pair (or dropped, counted: ring full,
 * queue not running).
 *
 * Return: true if the frame is no longer this pair's to deliver
 */
bool vnetd_steer_frame(struct vnetd_qp *qp, const struct vnet_rx_frame *f);

/**
 * vnetd_steer_hash() - the hash a frame reports (when hashing)
 * @qp:		the pair delivering it
 * @pkt:	the frame (one the coalescing engine made)
 */
void vnetd_steer_hash(struct vnetd_qp *qp, const struct vnet_pkt *pkt);

/**
 * vnetd_steer_drain() - deliver what other pairs handed to this one
 * @qp:		the pair, its receive queue in qp->rxq
 *
 * Return: 0, or -EAGAIN when the guest ran out of buffers: the frame stays
 * first in its ring, in hand (qp->pending_done says how much of it went)
 */
int vnetd_steer_drain(struct vnetd_qp *qp);

/**
 * vnetd_steer_wake() - end of a burst: wake the pairs given frames
 * @qp:		the pair
 * @waiting:	a frame of this pair waits for guest buffers (it comes back
 *		on the guest's kick)
 *
 * Unless @waiting, a pair that left frames in its own rings (its burst
 * was full, or a frame of its tap was delivered first) wakes itself too.
 */
void vnetd_steer_wake(struct vnetd_qp *qp, bool waiting);

/**
 * vnetd_steer_event() - the wake eventfd fired: clear it
 * @qp:		the pair
 */
void vnetd_steer_event(struct vnetd_qp *qp);

#endif /* VNETD_RX_STEER_H */
