/* SPDX-License-Identifier: MIT */
/* gso.h - transmit segmentation: TSO, USO, UFO, GSO over UDP tunnels */
#ifndef VNET_GSO_H
#define VNET_GSO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vnet/features.h"
#include "vnet/hdr.h"
#include "vnet/pkt.h"
#include "vnet/tx.h"
#include "vnet/export.h"

VNET_API_BEGIN

/*
 * One entry point, vnet_gso_segment(), turns a frame and its virtio-net
 * header into wire frames, as Linux's software GSO does for a device without
 * the offload (tcp_gso_segment, __udp_gso_segment, udp4/6_ufo_fragment,
 * skb_udp_tunnel_segment): byte for byte the same output, checked against the
 * kernel by tests/interop/test_gso_kernel.sh. Every checksum of every output
 * segment is complete. The frame is only read; the output lives in caller
 * memory.
 *
 * What "as Linux" means where it is not obvious:
 * - IPv4 IDs (inner and outer) increment per segment; UFO fragments share
 *   the ID and have DF cleared; IPv6 UFO gets a fragment header whose
 *   identification comes from ctx->ipv6_frag_id.
 * - A computed checksum of zero: TCP segments keep 0x0000 (tcp_gso_segment),
 *   UDP datagrams, fragments' UDP header and outer UDP send 0xffff, and so
 *   does a checksum completed without segmentation (skb_checksum_help).
 * - Without UDP_TUNNEL_CSUM the outer UDP checksum is zero, over IPv6 too.
 * - GSO asked for a frame that fits one segment: the frame goes as it is,
 *   its checksum completed.
 * - Segments are computed from the headers, never from the pseudo-header
 *   sum the driver left in the checksum field (Linux trusts it; a driver
 *   that got it wrong gets correct segments here and wrong ones there).
 * Deliberate differences: UFO fragment sizes are rounded down to 8 bytes,
 * and IPv6 fragment offsets with an unfragmentable extension header are
 * RFC 8200's, not Linux's (see gso_udp.c).
 */

/**
 * enum vnet_gso_mode - what the caller wants back
 * @VNET_GSO_COPY:	every segment copied whole into out->buf, one iovec
 *			each
 * @VNET_GSO_ZEROCOPY:	every segment as a header in out->buf followed by
 *			iovec slices of the original frame (for writev or
 *			sendmmsg); the frame must stay unchanged while the
 *			segments are in use
 * @VNET_GSO_PASSTHROUGH: when ctx->peer can take the offload asked for, the
 *			frame is handed on as it is (one segment: the frame's
 *			iovecs) with out->hdr the header to give the peer;
 *			otherwise as ZEROCOPY
 */
enum vnet_gso_mode {
	VNET_GSO_COPY = 0,
	VNET_GSO_ZEROCOPY,
	VNET_GSO_PASSTHROUGH,
};

/**
 * struct vnet_gso_seg - one output segment
 * @iov:	its pieces, pointing into out->iov
 * @iovcnt:	number of pieces
 * @len:	its length in bytes
 */
struct vnet_gso_seg {
	struct iovec *iov;
	unsigned int iovcnt;
	size_t len;
};

/**
 * struct vnet_gso_out - caller memory for the output, and what was made
 * @buf:	bytes for copied segments (COPY) or headers (ZEROCOPY)
 * @buf_len:	size of @buf
 * @iov:	room for the segments' pieces
 * @iov_max:	entries in @iov
 * @segs:	room for the segments
 * @seg_max:	entries in @segs
 * @nseg:	segments made (also the return value)
 * @hdr:	header that goes with the output: the input header when passed
 *		through, else all zero (GSO_NONE, no flags)
 * @passthrough: the frame was handed on untouched
 * @reason:	why the frame was refused, VNET_TX_OK otherwise
 *
 * Sizes that always suffice for a frame of F bytes and N segments: COPY
 * needs F + N * VNET_TX_HDR_MAX bytes, ZEROCOPY N * (VNET_TX_HDR_MAX + 8)
 * bytes; pieces: N * (frame iovcnt + 2).
 */
struct vnet_gso_out {
	uint8_t *buf;
	size_t buf_len;
	struct iovec *iov;
	unsigned int iov_max;
	struct vnet_gso_seg *segs;
	unsigned int seg_max;

	unsigned int nseg;
	struct vnet_hdr hdr;
	bool passthrough;
	enum vnet_tx_reason reason;
};

/**
 * struct vnet_gso_ctx - per-queue segmentation state
 * @features:	features negotiated with the driver that sends
 * @peer:	for PASSTHROUGH: the HOST_* offloads the receiving side takes
 *		(a tap's TUNSETOFFLOAD in virtio terms)
 * @mode:	output mode
 * @ipv6_frag_id: last IPv6 fragment identification handed out (UFO over
 *		IPv6); seed it with something unpredictable
 * @stats:	counters
 */
struct vnet_gso_ctx {
	struct vnet_features features;
	struct vnet_features peer;
	enum vnet_gso_mode mode;
	uint32_t ipv6_frag_id;
	struct vnet_tx_stats stats;
};

/**
 * vnet_gso_ctx_init() - a context with no counters
 * @ctx:	the context
 * @negotiated:	features negotiated with the driver
 * @mode:	output mode
 * @seed:	first IPv6 fragment identification
 */
void vnet_gso_ctx_init(struct vnet_gso_ctx *ctx,
		       const struct vnet_features *negotiated,
		       enum vnet_gso_mode mode, uint32_t seed);

/**
 * vnet_gso_segment() - validate a header and turn the frame into wire frames
 * @ctx:	the context
 * @h:		the decoded virtio-net header
 * @frame:	the frame after the header (read only)
 * @out:	caller memory; filled with the segments
 *
 * A header without GSO gives one segment (its checksum completed if
 * NEEDS_CSUM); so does a GSO header on a frame no larger than one segment,
 * as Linux sends it. A refused frame leaves out->reason set, bumps its
 * counter and changes nothing else: the next frame is unaffected.
 *
 * Return: the number of segments; -EINVAL for a refused header or frame
 * (out->reason says why); -ENOSPC if @out is too small
 */
int vnet_gso_segment(struct vnet_gso_ctx *ctx, const struct vnet_hdr *h,
		     const struct vnet_pkt *frame, struct vnet_gso_out *out);

VNET_API_END

#endif /* VNET_GSO_H */
