/* SPDX-License-Identifier: MIT */
/* virtq_serve.h - serving a queue: the loop every device runs, with its rules */
#ifndef VNET_VIRTQ_SERVE_H
#define VNET_VIRTQ_SERVE_H

#include <stdbool.h>
#include <stdint.h>

#include "vnet/export.h"
#include "vnet/virtq.h"

VNET_API_BEGIN

/* What a vnet_virtq_serve_fn returns for a buffer it cannot take now (its
 * port is full): the buffer goes back to the ring, untouched, and the pass
 * ends; serve the queue again once the port has room. */
#define VNET_VIRTQ_SERVE_LATER	UINT32_MAX

/**
 * typedef vnet_virtq_serve_fn - what the device does with one buffer
 * @elem:	the buffer, popped; its segments are valid until the function
 *		returns
 * @opaque:	the caller's
 *
 * Return: the bytes it wrote into the buffer's device-writable part, from
 * its first writable byte (0 for a buffer the device only reads, such as a
 * transmitted frame); or VNET_VIRTQ_SERVE_LATER, having done nothing
 */
typedef uint32_t (*vnet_virtq_serve_fn)(struct vnet_virtq_elem *elem,
					void *opaque);

/**
 * vnet_virtq_serve() - serve one burst of a queue
 * @q:		the queue, set up
 * @elem:	element with its segment arrays, initialised once by the caller
 *		(popping resets its counts, not its arrays)
 * @burst:	the most buffers to take in this pass
 * @fn:		called for each buffer, in order
 * @opaque:	passed to @fn
 * @again:	set when the caller must serve the queue again without
 *		waiting for a notification
 *
 * The rules, each learnt the hard way:
 *
 * - Take the buffers the driver offers now (vnet_virtq_avail()), not those
 *   it adds while the pass runs: chasing the driver entry by entry has both
 *   sides pull the same cache lines back and forth, several times slower.
 * - Publish the pass's buffers with one flush, then notify once (the
 *   caller: vnet_vu_notify() over vhost-user, which asks
 *   vnet_virtq_should_notify()), when anything was served.
 * - After a pass that took all it counted, look again before sleeping:
 *   counting wrote the event index (avail_event), and a buffer the driver
 *   added while it did may have missed it, and with it its notification;
 *   only a fresh read of the available index sees that buffer. A pass
 *   that stopped short (the ring ran dry, or the queue broke) needs no
 *   second look: the driver's next buffer brings a notification. One that
 *   @fn stopped (VNET_VIRTQ_SERVE_LATER) waits for the caller's port.
 *
 * A queue without an inflight region, IOTLB or dirty log is served with
 * one check of its state for the pass, and a split ring in one pass over
 * its available ring (the entries read once into a copy, checked, their
 * descriptors prefetched); any other buffer by buffer through
 * vnet_virtq_pop() and vnet_virtq_push(). Either way each buffer gets the
 * same checks, and a guest fault ends the pass as vnet_virtq_pop() would.
 *
 * Return: buffers served; the caller notifies the driver when it is not 0
 */
unsigned int vnet_virtq_serve(struct vnet_virtq *q,
			      struct vnet_virtq_elem *elem,
			      unsigned int burst, vnet_virtq_serve_fn fn,
			      void *opaque, bool *again);

VNET_API_END

#endif /* VNET_VIRTQ_SERVE_H */
