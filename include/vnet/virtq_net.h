/* SPDX-License-Identifier: MIT */
/* virtq_net.h - the network device's buffer rules over a virtqueue: header placement, mergeable receive */
#ifndef VNET_VIRTQ_NET_H
#define VNET_VIRTQ_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vnet/features.h"
#include "vnet/hdr.h"
#include "vnet/pkt.h"
#include "vnet/virtq.h"
#include "vnet/export.h"

VNET_API_BEGIN

/**
 * struct vnet_virtq_net - how frames sit in the buffers of one device
 * @layout:	the virtio-net header in force
 * @mrg_rxbuf:	VIRTIO_NET_F_MRG_RXBUF: a received frame may span buffers
 * @hdr_alone:	legacy framing (neither VERSION_1, ANY_LAYOUT nor
 *		MRG_RXBUF): the header has a descriptor of its own and the
 *		frame starts in the next one
 * @plain:	the layout is the 12-byte little-endian header without
 *		hash, tunnel or OUT_NET fields (VERSION_1's usual one),
 *		decoded inline on transmit
 */
struct vnet_virtq_net {
	struct vnet_hdr_layout layout;
	bool mrg_rxbuf;
	bool hdr_alone;
	bool plain;
};

/**
 * vnet_virtq_net_init() - derive the buffer rules from negotiated features
 * @n:		the rules
 * @layout:	header layout (vnet_hdr_layout_init() of the same features)
 * @f:		negotiated features
 */
void vnet_virtq_net_init(struct vnet_virtq_net *n,
			 const struct vnet_hdr_layout *layout,
			 const struct vnet_features *f);

/**
 * vnet_virtq_net_tx_hdr() - decode a transmit buffer's header, locate its frame
 * @n:		the rules
 * @e:		a buffer popped from a transmit queue
 * @h:		decoded header
 * @frame:	segments of the frame that follows the header
 * @frame_max:	room in @frame
 *
 * The header may be spread over any number of descriptors ("The device
 * MUST NOT make assumptions about the particular arrangement of
 * descriptors"); it is copied out before it is decoded. The frame starts
 * right after it, which is also where a legacy driver without ANY_LAYOUT
 * puts it (its header descriptor holds exactly the header).
 *
 * The frame's segments hold @e->out_len less the header's size bytes.
 *
 * Return: number of frame segments; -EMSGSIZE if the buffer is shorter
 * than the header; -ENOBUFS if @frame_max is too small; -E2BIG if the
 * buffer had more segments than @e could hold (@e->truncated)
 */
int vnet_virtq_net_tx_hdr(const struct vnet_virtq_net *n,
			  const struct vnet_virtq_elem *e, struct vnet_hdr *h,
			  struct iovec *frame, unsigned int frame_max);

/**
 * vnet_virtq_net_rx_pop() - pop the receive buffers a frame needs
 * @q:		receive queue
 * @n:		the rules
 * @elems:	elements, each with its own segment arrays
 * @max:	elements in @elems
 * @frame_len:	bytes of the frame, without the virtio-net header
 *
 * Without MRG_RXBUF a frame takes exactly one buffer ("MUST use only a
 * single descriptor if VIRTIO_NET_F_MRG_RXBUF was not negotiated"); with
 * it, as many as needed, the first holding the header. Unless it returns a
 * count, every buffer popped is given back with vnet_virtq_unpop(). With
 * MRG_RXBUF a buffer smaller than the header breaks the queue (each buffer
 * "MUST be at least the size of the struct virtio_net_hdr").
 *
 * Return: buffers popped (num_buffers); -EAGAIN if too few are available
 * now; -EMSGSIZE if the frame cannot fit (one buffer too small without
 * MRG_RXBUF, or more than @max buffers needed); -EIO if the queue is
 * broken; -EINVAL if @max is 0; -ENODEV if not set up
 */
int vnet_virtq_net_rx_pop(struct vnet_virtq *q, const struct vnet_virtq_net *n,
			  struct vnet_virtq_elem *elems, unsigned int max,
			  size_t frame_len);

/**
 * vnet_virtq_net_rx_push() - write a frame into popped buffers and push them
 * @q:		receive queue
 * @n:		the rules
 * @elems:	the buffers vnet_virtq_net_rx_pop() returned
 * @nbufs:	how many it returned
 * @h:		header to write; its num_buffers is set to @nbufs
 * @frame:	the frame
 * @frame_len:	its length, as given to vnet_virtq_net_rx_pop()
 *
 * Every buffer but the last is filled to its full length ("MUST use all
 * buffers but the last ... completely"). Nothing is published before
 * vnet_virtq_flush().
 *
 * Return: 0; -EMSGSIZE if the buffers cannot hold the frame; or what
 * vnet_virtq_push() returns
 */
int vnet_virtq_net_rx_push(struct vnet_virtq *q, const struct vnet_virtq_net *n,
			   struct vnet_virtq_elem *elems, unsigned int nbufs,
			   struct vnet_hdr *h, const void *frame,
			   size_t frame_len);

/**
 * vnet_virtq_net_rx_push_pkt() - vnet_virtq_net_rx_push() of a scattered frame
 * @q:		receive queue
 * @n:		the rules
 * @elems:	the buffers vnet_virtq_net_rx_pop() returned for its length
 * @nbufs:	how many it returned
 * @h:		header to write; its num_buffers is set to @nbufs
 * @frame:	the frame, any number of segments (a coalesced chain)
 *
 * Each byte is copied once, from wherever it lies into the guest's
 * buffers.
 *
 * Return: as vnet_virtq_net_rx_push()
 */
int vnet_virtq_net_rx_push_pkt(struct vnet_virtq *q,
			       const struct vnet_virtq_net *n,
			       struct vnet_virtq_elem *elems,
			       unsigned int nbufs, struct vnet_hdr *h,
			       const struct vnet_pkt *frame);

/*
 * A frame read straight into the guest's buffers (the tap's readv() into
 * guest memory, no bounce buffer): enough buffers for the largest frame
 * the source may hand over are held first (vnet_virtq_net_rx_reserve()),
 * the frame is read into their frame area (vnet_virtq_net_rx_frame_iov()),
 * the buffers it filled are published with the header
 * (vnet_virtq_net_rx_bufs_for(), vnet_virtq_net_rx_commit()), and the
 * rest stay held for the next frame, or go back unused, without a used
 * entry, with vnet_virtq_unpop() in the reverse order of popping.
 */

/**
 * vnet_virtq_net_rx_reserve() - hold buffers for a frame of up to @frame_max
 * @q:		receive queue
 * @n:		the rules
 * @elems:	elements, each with its own segment arrays; the first *@held
 *		are buffers already held, in the order they were popped
 * @max:	elements in @elems
 * @held:	in: buffers held; out: buffers held now (more are popped)
 * @frame_max:	bytes of the largest frame, without the virtio-net header
 *
 * Without MRG_RXBUF one buffer must take @frame_max. Whatever it returns,
 * the *@held buffers are the caller's, to publish or give back.
 *
 * Return: 0 when they have room for @frame_max; -EAGAIN if the driver has
 * too few buffers now; -EMSGSIZE if more than @max (one without MRG_RXBUF)
 * would be needed; -EIO if the queue is broken; -EINVAL if @max is 0
 */
int vnet_virtq_net_rx_reserve(struct vnet_virtq *q,
			      const struct vnet_virtq_net *n,
			      struct vnet_virtq_elem *elems, unsigned int max,
			      unsigned int *held, size_t frame_max);

/**
 * vnet_virtq_net_rx_frame_iov() - where a frame goes in held buffers
 * @n:		the rules
 * @elems:	the buffers
 * @nbufs:	how many
 * @iov:	the frame area: the first buffer after its header (and, with
 *		legacy framing, the rest of the header's descriptor), then
 *		the others whole; pointers into guest memory
 * @max:	room in @iov
 *
 * Return: segments written, or -ENOBUFS if more than @max are needed
 */
int vnet_virtq_net_rx_frame_iov(const struct vnet_virtq_net *n,
				const struct vnet_virtq_elem *elems,
				unsigned int nbufs, struct iovec *iov,
				unsigned int max);

/**
 * vnet_virtq_net_rx_bufs_for() - how many of the held buffers a frame fills
 * @n:		the rules
 * @elems:	the buffers, in the order the frame was read into them
 * @held:	how many
 * @frame_len:	the frame's bytes, without the header
 *
 * Return: buffers, at least 1; -EMSGSIZE if the held ones cannot take it
 */
int vnet_virtq_net_rx_bufs_for(const struct vnet_virtq_net *n,
			       const struct vnet_virtq_elem *elems,
			       unsigned int held, size_t frame_len);

/**
 * vnet_virtq_net_rx_commit() - publish buffers a frame was read into
 * @q:		receive queue
 * @n:		the rules
 * @elems:	the buffers, the frame already in their frame area
 * @nbufs:	how many it fills (vnet_virtq_net_rx_bufs_for())
 * @h:		header to write; its num_buffers is set to @nbufs
 * @frame_len:	the frame's bytes
 *
 * As vnet_virtq_net_rx_push() without the copy.
 *
 * Return: 0; -EMSGSIZE if the buffers cannot hold the frame; -EINVAL if
 * one of them would stay empty; or what vnet_virtq_push() returns
 */
int vnet_virtq_net_rx_commit(struct vnet_virtq *q,
			     const struct vnet_virtq_net *n,
			     struct vnet_virtq_elem *elems, unsigned int nbufs,
			     struct vnet_hdr *h, size_t frame_len);

VNET_API_END

#endif /* VNET_VIRTQ_NET_H */
