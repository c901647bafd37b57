/* SPDX-License-Identifier: MIT */
/* rx.h - delivery to the guest: the receive header per the current offloads */
#ifndef VNET_RX_H
#define VNET_RX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vnet/features.h"
#include "vnet/gso.h"
#include "vnet/hdr.h"
#include "vnet/pkt.h"
#include "vnet/export.h"

VNET_API_BEGIN

/*
 * A frame on its way to the guest comes with a host-side header that says
 * what it is (as a TAP's IFF_VNET_HDR or the coalescing engine describes
 * it: a GSO super-frame with its L4 checksum field holding the pseudo-header
 * sum, or a plain frame). vnet_rx_deliver() turns it into what the guest may
 * receive under the device-side rules of "Processing of Incoming Packets":
 *
 * - gso_type only of a kind the current offloads allow; anything else is
 *   segmented in software first (vnet_gso_segment(), checksums completed);
 * - NEEDS_CSUM only with GUEST_CSUM; without it flags are zero and the
 *   checksum is completed;
 * - DATA_VALID only when the checksums were verified (csum_ok), never with
 *   a tunnel gso_type; for a tunnel frame only when both levels hold;
 * - RSC_INFO with the segment and duplicate-ACK counts only with RSC_EXT;
 * - tunnel bits and offsets only with GUEST_UDP_TUNNEL_GSO, UDP_TUNNEL_CSUM
 *   only with GUEST_UDP_TUNNEL_GSO_CSUM;
 * - a frame longer than MTU + Ethernet header with gso_type NONE is
 *   dropped (VIRTIO_NET_F_MTU negotiated).
 */

/**
 * struct vnet_rx_frame - a frame and what the host side knows of it
 * @hdr:	host-side header: GSO kind and size, NEEDS_CSUM with
 *		csum_start / csum_offset, hdr_len, tunnel offsets
 * @pkt:	the frame (for a super-frame from the engine, one segment)
 * @iov:	storage for @pkt's segment when the engine made the frame
 * @segs:	segments coalesced into it (1 for a frame passed as is; 0
 *		for a GSO frame from elsewhere: counted from gso_size)
 * @dup_acks:	duplicate ACKs absorbed into it (RSC)
 * @csum_ok:	every checksum of every segment was verified good
 */
struct vnet_rx_frame {
	struct vnet_hdr hdr;
	struct vnet_pkt pkt;
	struct iovec iov;
	uint16_t segs;
	uint16_t dup_acks;
	bool csum_ok;
};

/**
 * typedef vnet_rx_emit_fn - receives one frame for the guest
 * @opaque:	caller's pointer
 * @h:		the header to write in front of the frame
 * @pkt:	the frame; valid only during the call
 *
 * Return: 0, or -errno to stop (passed back to the caller)
 */
typedef int (*vnet_rx_emit_fn)(void *opaque, const struct vnet_hdr *h,
			       const struct vnet_pkt *pkt);

/**
 * struct vnet_rx_stats - delivery counters
 * @frames:	frames handed to the guest
 * @gso:	of which with a gso_type other than NONE
 * @segmented:	super-frames segmented in software first
 * @completed:	checksums completed in software (GUEST_CSUM off)
 * @data_valid:	frames marked DATA_VALID
 * @mtu_drops:	frames longer than the MTU dropped
 * @errors:	frames dropped as malformed or too big to segment
 */
struct vnet_rx_stats {
	uint64_t frames;
	uint64_t gso;
	uint64_t segmented;
	uint64_t completed;
	uint64_t data_valid;
	uint64_t mtu_drops;
	uint64_t errors;
};

/* Most segments one software segmentation may make. */
#define VNET_RX_SEG_MAX		128

/**
 * struct vnet_rx_ctx - per-queue delivery state
 * @negotiated:	features negotiated with the guest
 * @offloads:	the current guest offloads (negotiated, then as set by
 *		CTRL_GUEST_OFFLOADS), as feature bits
 * @mtu:	the MTU, or 0 if VIRTIO_NET_F_MTU was not negotiated
 * @gso:	the segmenter used when the guest cannot take a super-frame
 * @out:	its output memory, allocated by vnet_rx_ctx_init()
 * @stats:	counters
 */
struct vnet_rx_ctx {
	struct vnet_features negotiated;
	struct vnet_features offloads;
	unsigned int mtu;
	struct vnet_gso_ctx gso;
	struct vnet_gso_out out;
	struct vnet_rx_stats stats;
};

/**
 * vnet_rx_ctx_init() - a delivery context; allocates the segmenter's memory
 * @ctx:	the context
 * @negotiated:	negotiated features (the current offloads start as these)
 * @mtu:	the MTU if VIRTIO_NET_F_MTU was negotiated, else 0
 *
 * Return: 0, or -ENOMEM
 */
int vnet_rx_ctx_init(struct vnet_rx_ctx *ctx,
		     const struct vnet_features *negotiated, unsigned int mtu);

/**
 * vnet_rx_ctx_fini() - free what vnet_rx_ctx_init() allocated
 * @ctx:	the context
 */
void vnet_rx_ctx_fini(struct vnet_rx_ctx *ctx);

/**
 * vnet_rx_set_offloads() - follow a CTRL_GUEST_OFFLOADS_SET
 * @ctx:	the context
 * @offloads:	the new set, as feature bits; bits not negotiated are dropped
 */
void vnet_rx_set_offloads(struct vnet_rx_ctx *ctx,
			  const struct vnet_features *offloads);

/**
 * vnet_rx_deliver() - hand a frame to the guest with a header it may receive
 * @ctx:	the context
 * @f:		the frame and its host-side header
 * @emit:	called once per frame the guest receives, in order
 * @opaque:	passed to @emit
 *
 * num_buffers is left at 1: the receive queue sets it when MRG_RXBUF
 * spreads the frame over buffers.
 *
 * Return: frames emitted (0 for a dropped frame), or -errno from @emit,
 * -EINVAL for a super-frame that cannot be segmented
 */
int vnet_rx_deliver(struct vnet_rx_ctx *ctx, const struct vnet_rx_frame *f,
		    vnet_rx_emit_fn emit, void *opaque);

/**
 * vnet_rx_gso_allowed() - may the guest receive this gso_type now
 * @ctx:	the context
 * @h:		host-side header
 * @pkt:	the frame (its IP version decides USO4 or USO6)
 *
 * Return: true if every bit of h->gso_type is allowed by the current
 * offloads (and UDP_TUNNEL_CSUM by GUEST_UDP_TUNNEL_GSO_CSUM)
 */
bool vnet_rx_gso_allowed(const struct vnet_rx_ctx *ctx,
			 const struct vnet_hdr *h, const struct vnet_pkt *pkt);

VNET_API_END

#endif /* VNET_RX_H */
