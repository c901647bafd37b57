// SPDX-License-Identifier: MIT
/* rx_deliver.c - the header a guest receives, per its current offloads */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vnet/csum.h"
#include "vnet/csum_verify.h"
#include "vnet/parse.h"
#include "vnet/rx.h"
#include "vnet/tx.h"

/* Bytes of the segmenter's copy buffer: a 64 KiB frame, headers per seg. */
#define RX_SEG_BUF	(65535 + 256 + VNET_RX_SEG_MAX * VNET_TX_HDR_MAX)

/* The guest offload bits vnet_rx_set_offloads() takes. */
static const unsigned int rx_offload_bits[] = {
	VNET_F_GUEST_CSUM, VNET_F_GUEST_TSO4, VNET_F_GUEST_TSO6,
	VNET_F_GUEST_ECN, VNET_F_GUEST_UFO, VNET_F_GUEST_USO4,
	VNET_F_GUEST_USO6, VNET_F_GUEST_UDP_TUNNEL_GSO,
	VNET_F_GUEST_UDP_TUNNEL_GSO_CSUM,
};

/**
 * vnet_rx_ctx_init() - a delivery context
 * @ctx:	the context
 * @negotiated:	negotiated features
 * @mtu:	MTU, or 0
 *
 * Return: 0, or -ENOMEM
 */
int vnet_rx_ctx_init(struct vnet_rx_ctx *ctx,
		     const struct vnet_features *negotiated, unsigned int mtu)
{
	static const unsigned int seg_bits[] = {
		VNET_F_CSUM, VNET_F_HOST_TSO4, VNET_F_HOST_TSO6,
		VNET_F_HOST_ECN, VNET_F_HOST_UFO, VNET_F_HOST_USO,
		VNET_F_HOST_UDP_TUNNEL_GSO, VNET_F_HOST_UDP_TUNNEL_GSO_CSUM,
		VNET_F_VERSION_1,
	};
	struct vnet_features all = { { 0, 0 } };
	size_t i;

	memset(ctx, 0, sizeof(*ctx));
	ctx->negotiated = *negotiated;
	ctx->mtu = mtu;
	vnet_rx_set_offloads(ctx, negotiated);
	for (i = 0; i < sizeof(seg_bits) / sizeof(seg_bits[0]); i++)
		vnet_features_set(&all, seg_bits[i]);
	vnet_gso_ctx_init(&ctx->gso, &all, VNET_GSO_COPY, 1);
	ctx->out.buf = malloc(RX_SEG_BUF);
	ctx->out.buf_len = RX_SEG_BUF;
	ctx->out.iov = calloc(VNET_RX_SEG_MAX, sizeof(*ctx->out.iov));
	ctx->out.iov_max = VNET_RX_SEG_MAX;
	ctx->out.segs = calloc(VNET_RX_SEG_MAX, sizeof(*ctx->out.segs));
	ctx->out.seg_max = VNET_RX_SEG_MAX;
	if (!ctx->out.buf || !ctx->out.iov || !ctx->out.segs) {
		vnet_rx_ctx_fini(ctx);
		return -ENOMEM;
	}
	return 0;
}

/**
 * vnet_rx_ctx_fini() - free the segmenter's memory
 * @ctx:	the context
 */
void vnet_rx_ctx_fini(struct vnet_rx_ctx *ctx)
{
	free(ctx->out.buf);
	free(ctx->out.iov);
	free(ctx->out.segs);
	memset(&ctx->out, 0, sizeof(ctx->out));
}

/**
 * vnet_rx_set_offloads() - the current guest offloads
 * @ctx:	the context
 * @offloads:	the new set; only negotiated GUEST_* offload bits are kept
 */
void vnet_rx_set_offloads(struct vnet_rx_ctx *ctx,
			  const struct vnet_features *offloads)
{
	size_t i;

	memset(&ctx->offloads, 0, sizeof(ctx->offloads));
	for (i = 0; i < sizeof(rx_offload_bits) / sizeof(rx_offload_bits[0]);
	     i++) {
		unsigned int b = rx_offload_bits[i];

		if (vnet_features_has(offloads, b) &&
		    vnet_features_has(&ctx->negotiated, b))
			vnet_features_set(&ctx->offloads, b);
	}
}

/**
 * rx_l3_v6() - is the network header at @off IPv6
 * @pkt:	the frame
 * @off:	offset of an IP header
 *
 * Return: true if its version nibble is 6
 */
static bool rx_l3_v6(const struct vnet_pkt *pkt, size_t off)
{
	uint8_t b = 0;

	return vnet_pkt_get_u8(pkt, off, &b) && (b >> 4) == 6;
}

/**
 * rx_eth_len() - Ethernet header length with up to two VLAN tags
 * @pkt:	the frame
 *
 * Return: 14, 18 or 22
 */
static size_t rx_eth_len(const struct vnet_pkt *pkt)
{
	size_t off = 12;
	uint16_t type = 0;
	int i;

	for (i = 0; i < 2; i++) {
		if (!vnet_pkt_get_u16(pkt, off, &type) ||
		    (type != 0x8100 && type != 0x88a8))
			break;
		off += 4;
	}
	return off + 2;
}

/**
 * vnet_rx_gso_allowed() - may the guest receive this gso_type now
 * @ctx:	the context
 * @h:		host-side header
 * @pkt:	the frame
 *
 * Return: true if allowed
 */
bool vnet_rx_gso_allowed(const struct vnet_rx_ctx *ctx,
			 const struct vnet_hdr *h, const struct vnet_pkt *pkt)
{
	const struct vnet_features *o = &ctx->offloads;
	bool tnl = vnet_tx_is_tunnel(h), ok;
	size_t nh = tnl ? h->inner_nh_offset : rx_eth_len(pkt);

	if (!vnet_features_has(o, VNET_F_GUEST_CSUM))
		return false;
	switch (vnet_tx_gso_base(h)) {
	case VNET_HDR_GSO_TCPV4:
		ok = vnet_features_has(o, VNET_F_GUEST_TSO4);
		break;
	case VNET_HDR_GSO_TCPV6:
		ok = vnet_features_has(o, VNET_F_GUEST_TSO6);
		break;
	case VNET_HDR_GSO_UDP:
		ok = vnet_features_has(o, VNET_F_GUEST_UFO);
		break;
	case VNET_HDR_GSO_UDP_L4:
		ok = vnet_features_has(o, rx_l3_v6(pkt, nh) ?
				       VNET_F_GUEST_USO6 : VNET_F_GUEST_USO4);
		break;
	default:
		return false;
	}
	if (h->gso_type & VNET_HDR_GSO_ECN)
		ok &= vnet_features_has(o, VNET_F_GUEST_ECN);
	if (tnl)
		ok &= vnet_features_has(o, VNET_F_GUEST_UDP_TUNNEL_GSO);
	if (h->flags & VNET_HDR_F_UDP_TUNNEL_CSUM)
		ok &= vnet_features_has(o, VNET_F_GUEST_UDP_TUNNEL_GSO_CSUM);
	return ok;
}

/**
 * rx_verified() - have the frame's checksums all been found good
 * @f:		the frame
 *
 * Uses the engine's verdict when it has one, else checks now: every IPv4
 * header checksum and every L4 checksum good (an outer UDP one may be
 * absent). A frame with no L4 checksum we know is not called verified.
 *
 * Return: true if DATA_VALID may be claimed
 */
static bool rx_verified(const struct vnet_rx_frame *f)
{
	struct vnet_parse_result res;
	struct vnet_csum_report rep;
	const struct vnet_csum_layer_report *in;

	if (f->csum_ok)
		return true;
	if (vnet_parse(&f->pkt, NULL, &res) ||
	    vnet_csum_verify(&f->pkt, &res, &rep))
		return false;
	in = res.inner.present ? &rep.inner : &rep.outer;
	if (in->l4 != VNET_CSUM_OK)
		return false;
	if (in->ip != VNET_CSUM_OK && in->ip != VNET_CSUM_ABSENT)
		return false;
	if (!res.inner.present)
		return true;
	if (rep.outer.ip != VNET_CSUM_OK && rep.outer.ip != VNET_CSUM_ABSENT)
		return false;
	return rep.outer.l4 == VNET_CSUM_OK || rep.outer.l4 == VNET_CSUM_ABSENT;
}

/**
 * rx_emit() - count and hand over one frame
 * @ctx:	the context
 * @h:		its header
 * @pkt:	the frame
 * @emit:	callback
 * @opaque:	its pointer
 *
 * Return: 1, or -errno from @emit
 */
static int rx_emit(struct vnet_rx_ctx *ctx, const struct vnet_hdr *h,
		   const struct vnet_pkt *pkt, vnet_rx_emit_fn emit,
		   void *opaque)
{
	int r;

	ctx->stats.frames++;
	if (h->gso_type != VNET_HDR_GSO_NONE)
		ctx->stats.gso++;
	if (h->flags & VNET_HDR_F_DATA_VALID)
		ctx->stats.data_valid++;
	r = emit(opaque, h, pkt);
	return r < 0 ? r : 1;
}

/**
 * rx_segment() - segment (or complete) in software, then deliver each
 * @ctx:	the context
 * @f:		the frame; its header asks for GSO or NEEDS_CSUM
 * @emit:	callback
 * @opaque:	its pointer
 *
 * Every output checksum is complete; DATA_VALID marks them when the
 * guest has GUEST_CSUM and the input was verified.
 *
 * Return: frames emitted, or -errno
 */
static int rx_segment(struct vnet_rx_ctx *ctx, const struct vnet_rx_frame *f,
		      vnet_rx_emit_fn emit, void *opaque)
{
	struct vnet_hdr h;
	unsigned int i;
	int n, r, total = 0;

	n = vnet_gso_segment(&ctx->gso, &f->hdr, &f->pkt, &ctx->out);
	if (n < 0) {
		ctx->stats.errors++;
		return n;
	}
	memset(&h, 0, sizeof(h));
	h.num_buffers = 1;
	if (vnet_features_has(&ctx->offloads, VNET_F_GUEST_CSUM) && f->csum_ok)
		h.flags = VNET_HDR_F_DATA_VALID;
	if (f->hdr.gso_type != VNET_HDR_GSO_NONE)
		ctx->stats.segmented++;
	else
		ctx->stats.completed++;
	for (i = 0; i < (unsigned int)n; i++) {
		struct vnet_pkt seg;

		if (vnet_pkt_init(&seg, ctx->out.segs[i].iov,
				  ctx->out.segs[i].iovcnt))
			return -EINVAL;
		r = rx_emit(ctx, &h, &seg, emit, opaque);
		if (r < 0)
			return r;
		total += r;
	}
	return total;
}

/**
 * rx_seg_count() - segments a GSO frame from elsewhere stands for
 * @f:		the frame, with a gso_size
 *
 * Return: the payload after hdr_len over gso_size, rounded up, at most
 * 0xffff (1 if hdr_len is past the end or gso_size is 0)
 */
static uint16_t rx_seg_count(const struct vnet_rx_frame *f)
{
	size_t len = vnet_pkt_len(&f->pkt), n;

	if (!f->hdr.gso_size || f->hdr.hdr_len >= len)
		return 1;
	n = (len - f->hdr.hdr_len + f->hdr.gso_size - 1) / f->hdr.gso_size;
	return n > UINT16_MAX ? UINT16_MAX : (uint16_t)n;
}

/**
 * rx_deliver_gso() - a super-frame the guest takes whole
 * @ctx:	the context
 * @f:		the frame
 * @emit:	callback
 * @opaque:	its pointer
 *
 * Return: 1, or -errno from @emit
 */
static int rx_deliver_gso(struct vnet_rx_ctx *ctx,
			  const struct vnet_rx_frame *f,
			  vnet_rx_emit_fn emit, void *opaque)
{
	struct vnet_hdr h = f->hdr;
	uint8_t base = vnet_tx_gso_base(&h);

	h.flags &= VNET_HDR_F_NEEDS_CSUM | VNET_HDR_F_UDP_TUNNEL_CSUM;
	h.num_buffers = 1;
	if (!vnet_tx_is_tunnel(&h)) {
		h.outer_th_offset = 0;
		h.inner_nh_offset = 0;
	}
	if (vnet_features_has(&ctx->negotiated, VNET_F_RSC_EXT) &&
	    (base == VNET_HDR_GSO_TCPV4 || base == VNET_HDR_GSO_TCPV6)) {
		h.flags |= VNET_HDR_F_RSC_INFO;
		h.csum_start = f->segs ? f->segs : rx_seg_count(f);
		h.csum_offset = f->dup_acks;
	}
	return rx_emit(ctx, &h, &f->pkt, emit, opaque);
}

/**
 * rx_too_long() - longer than the MTU plus the Ethernet header
 * @ctx:	the context
 * @pkt:	a frame with gso_type NONE
 *
 * Return: true if VIRTIO_NET_F_MTU forbids passing it
 */
static bool rx_too_long(const struct vnet_rx_ctx *ctx,
			const struct vnet_pkt *pkt)
{
	if (!ctx->mtu)
		return false;
	return vnet_pkt_len(pkt) > ctx->mtu + rx_eth_len(pkt);
}

/**
 * rx_ipv4_header_ok() - an IPv4 header's checksum holds
 * @pkt:	the frame
 * @l:		a parsed layer
 *
 * Return: true for a layer that is no IPv4 or whose header checksum holds
 */
static bool rx_ipv4_header_ok(const struct vnet_pkt *pkt,
			      const struct vnet_parse_layer *l)
{
	uint8_t iph[60];
	uint16_t want;

	if (!l->present || l->l3 != VNET_L3_IPV4)
		return true;
	if (l->l3_hdr_len > sizeof(iph) ||
	    vnet_pkt_read(pkt, l->l3_off, iph, l->l3_hdr_len))
		return false;
	want = vnet_csum_ipv4_header(iph, l->l3_hdr_len);
	return !memcmp(&want, iph + 10, 2);
}

/**
 * rx_preceding_ok() - the checksums before csum_start hold
 * @f:		a frame with NEEDS_CSUM
 *
 * "If the device sets NEEDS_CSUM: the device MUST validate the packet
 * checksum at offset csum_offset from csum_start as well as all preceding
 * offsets": the one at csum_start the guest completes; before it, the
 * IPv4 header checksums, outer and inner (an outer UDP checksum is
 * UDP_TUNNEL_CSUM's, or zero or complete, and the segmenter checks it).
 *
 * Return: true if NEEDS_CSUM may be passed on
 */
static bool rx_preceding_ok(const struct vnet_rx_frame *f)
{
	struct vnet_parse_result res;

	if (vnet_parse(&f->pkt, NULL, &res))
		return false;
	return rx_ipv4_header_ok(&f->pkt, &res.outer) &&
	       rx_ipv4_header_ok(&f->pkt, &res.inner);
}

/**
 * vnet_rx_deliver() - hand a frame to the guest
 * @ctx:	the context
 * @f:		the frame and its host-side header
 * @emit:	callback
 * @opaque:	its pointer
 *
 * Return: frames emitted, or -errno
 */
int vnet_rx_deliver(struct vnet_rx_ctx *ctx, const struct vnet_rx_frame *f,
		    vnet_rx_emit_fn emit, void *opaque)
{
	bool csum = vnet_features_has(&ctx->offloads, VNET_F_GUEST_CSUM);
	struct vnet_hdr h;

	if (f->hdr.gso_type != VNET_HDR_GSO_NONE) {
		/* spec: gso_type != NONE MUST come with NEEDS_CSUM */
		if ((f->hdr.flags & VNET_HDR_F_NEEDS_CSUM) &&
		    vnet_rx_gso_allowed(ctx, &f->hdr, &f->pkt) &&
		    rx_preceding_ok(f))
			return rx_deliver_gso(ctx, f, emit, opaque);
		return rx_segment(ctx, f, emit, opaque);
	}
	if (rx_too_long(ctx, &f->pkt)) {
		ctx->stats.mtu_drops++;
		return 0;
	}
	if ((f->hdr.flags & VNET_HDR_F_NEEDS_CSUM) &&
	    (!csum || !rx_preceding_ok(f)))
		return rx_segment(ctx, f, emit, opaque);
	memset(&h, 0, sizeof(h));
	h.num_buffers = 1;
	if (f->hdr.flags & VNET_HDR_F_NEEDS_CSUM) {
		h.flags = VNET_HDR_F_NEEDS_CSUM;
		h.csum_start = f->hdr.csum_start;
		h.csum_offset = f->hdr.csum_offset;
	} else if (csum && rx_verified(f)) {
		h.flags = VNET_HDR_F_DATA_VALID;
	}
	return rx_emit(ctx, &h, &f->pkt, emit, opaque);
}
