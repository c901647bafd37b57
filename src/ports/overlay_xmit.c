// SPDX-License-Identifier: MIT
/* overlay_xmit.c - transmit: forwarding, one write or software GSO per remote */

#include <errno.h>
#include <string.h>

#include "vnet/overlay.h"
#include "vnet/tx.h"

#define ETH_HLEN	14
#define TX_IOV_MAX	64	/* segments of one guest frame */

/**
 * xmit_drop() - count a dropped guest frame
 * @o:		the port
 * @d:		the reason
 * @err:	the error to return
 *
 * Return: @err
 */
static int xmit_drop(struct vnet_overlay *o, enum vnet_overlay_drop d, int err)
{
	o->stats.drops++;
	o->stats.drop[d]++;
	return err;
}

/**
 * xmit_send() - write what the segmenter made
 * @o:		the port
 * @send:	the writer
 * @opaque:	passed to @send
 *
 * Return: frames written, or -errno from @send
 */
static int xmit_send(struct vnet_overlay *o, vnet_overlay_send_fn send,
		     void *opaque)
{
	const struct vnet_gso_out *out = &o->out;
	struct vnet_hdr none = { .num_buffers = 1 };
	unsigned int i;
	int err;

	if (out->passthrough) {
		err = send(opaque, &out->hdr, out->segs[0].iov,
			   out->segs[0].iovcnt);
		if (err)
			return err;
		o->stats.tx_writes++;
		o->stats.tx_super += out->hdr.gso_type != VNET_HDR_GSO_NONE;
		o->stats.tx_csum_offload +=
			!!(out->hdr.flags & VNET_HDR_F_NEEDS_CSUM);
		return 1;
	}
	for (i = 0; i < out->nseg; i++) {
		err = send(opaque, &none, out->segs[i].iov, out->segs[i].iovcnt);
		if (err)
			return err;
		o->stats.tx_writes++;
	}
	o->stats.tx_segmented++;
	o->stats.tx_segments += out->nseg;
	return (int)out->nseg;
}

/**
 * xmit_one() - encapsulate a frame for one remote and write it
 * @o:		the port
 * @gh:		the guest's header, validated
 * @frame:	the guest's frame
 * @res:	its parse
 * @remote:	the remote
 * @send:	the writer
 * @opaque:	passed to @send
 *
 * Return: frames written, or -errno (counted)
 */
static int xmit_one(struct vnet_overlay *o, const struct vnet_hdr *gh,
		    const struct vnet_pkt *frame,
		    const struct vnet_parse_result *res,
		    const struct vnet_overlay_addr *remote,
		    vnet_overlay_send_fn send, void *opaque)
{
	struct iovec iov[TX_IOV_MAX + 1];
	struct vnet_overlay_encap e = { .len = 0 };
	struct vnet_pkt outer;
	int n;

	if (frame->iovcnt > TX_IOV_MAX)
		return xmit_drop(o, VNET_OVERLAY_D_TX_NOSPC, -ENOSPC);
	n = vnet_overlay_encap(o, gh, frame, res, remote, &e);
	if (n == -EMSGSIZE)
		return xmit_drop(o, VNET_OVERLAY_D_TX_TOO_BIG, n);
	if (n)
		return xmit_drop(o, VNET_OVERLAY_D_TX_INVALID, n);
	iov[0].iov_base = e.buf;
	iov[0].iov_len = e.len;
	memcpy(iov + 1, frame->iov, frame->iovcnt * sizeof(*iov));
	if (vnet_pkt_init(&outer, iov, frame->iovcnt + 1))
		return xmit_drop(o, VNET_OVERLAY_D_TX_TOO_BIG, -EOVERFLOW);
	n = vnet_gso_segment(&o->gso, &e.hdr, &outer, &o->out);
	if (n == -EINVAL)
		return xmit_drop(o, VNET_OVERLAY_D_TX_INVALID, n);
	if (n < 0)
		return xmit_drop(o, VNET_OVERLAY_D_TX_NOSPC, n);
	n = xmit_send(o, send, opaque);
	if (n < 0)
		return xmit_drop(o, VNET_OVERLAY_D_TX_SEND, n);
	return n;
}

/**
 * xmit_forward() - send a frame to its remote, or to every remote
 * @o:		the port
 * @gh:		the guest's header, validated
 * @frame:	the guest's frame
 * @res:	its parse
 * @now:	time in ns
 * @send:	the writer
 * @opaque:	passed to @send
 *
 * Return: frames written, or -errno from the last remote that failed
 */
static int xmit_forward(struct vnet_overlay *o, const struct vnet_hdr *gh,
			const struct vnet_pkt *frame,
			const struct vnet_parse_result *res, uint64_t now,
			vnet_overlay_send_fn send, void *opaque)
{
	const struct vnet_overlay_addr *remote;
	uint8_t dmac[6];
	unsigned int i;
	int n, total = 0, err = 0;

	if (vnet_pkt_read(frame, 0, dmac, 6))
		return xmit_drop(o, VNET_OVERLAY_D_TX_SHORT, -EINVAL);
	remote = vnet_overlay_fdb_lookup(&o->fdb, dmac, now);
	if (remote)
		return xmit_one(o, gh, frame, res, remote, send, opaque);
	o->stats.tx_flooded++;
	for (i = 0; i < o->cfg.nremotes; i++) {
		n = xmit_one(o, gh, frame, res, &o->cfg.remote[i], send,
			     opaque);
		if (n < 0)
			err = n;
		else
			total += n;
	}
	return total ? total : err;
}

/**
 * xmit_inner_gso() - segment the guest's frame first, then send each piece
 * @o:		the port
 * @gh:		the guest's header, validated
 * @frame:	the guest's frame
 * @now:	time in ns
 * @send:	the writer
 * @opaque:	passed to @send
 *
 * For what the tunnel header cannot carry: UFO, a tunnel of the guest's
 * own, or a super-frame that would not fit one outer datagram.
 *
 * Return: frames written, or -errno
 */
static int xmit_inner_gso(struct vnet_overlay *o, const struct vnet_hdr *gh,
			  const struct vnet_pkt *frame, uint64_t now,
			  vnet_overlay_send_fn send, void *opaque)
{
	const struct vnet_hdr none = { .num_buffers = 1 };
	struct vnet_gso_out *in = &o->inner_out;
	struct vnet_parse_result res;
	struct vnet_pkt seg;
	unsigned int i;
	int n, total = 0;

	n = vnet_gso_segment(&o->inner_gso, gh, frame, in);
	if (n == -EINVAL)
		return xmit_drop(o, VNET_OVERLAY_D_TX_INVALID, n);
	if (n < 0)
		return xmit_drop(o, VNET_OVERLAY_D_TX_NOSPC, n);
	o->stats.tx_inner_gso++;
	for (i = 0; i < in->nseg; i++) {
		if (vnet_pkt_init(&seg, in->segs[i].iov, in->segs[i].iovcnt))
			continue;
		vnet_tx_parse(&none, &seg, &res);	/* for the flow hash */
		n = xmit_forward(o, &none, &seg, &res, now, send, opaque);
		if (n > 0)
			total += n;
	}
	return total;
}

/**
 * xmit_needs_inner_gso() - whether the tunnel header cannot carry @gh
 * @o:		the port
 * @gh:		the guest's header
 * @frame:	the guest's frame
 *
 * Return: true for UFO, a tunnel GSO, or a frame too big to encapsulate
 */
static bool xmit_needs_inner_gso(const struct vnet_overlay *o,
				 const struct vnet_hdr *gh,
				 const struct vnet_pkt *frame)
{
	size_t room = 65535 - (vnet_overlay_encap_len(&o->cfg) - ETH_HLEN);

	if (gh->gso_type == VNET_HDR_GSO_NONE)
		return false;
	return vnet_tx_is_tunnel(gh) ||
	       vnet_tx_gso_base(gh) == VNET_HDR_GSO_UDP || frame->len > room;
}

int vnet_overlay_xmit(struct vnet_overlay *o, const struct vnet_hdr *gh,
		      const struct vnet_pkt *frame, uint64_t now,
		      vnet_overlay_send_fn send, void *opaque)
{
	struct vnet_parse_result res;
	struct vnet_hdr h = *gh;
	size_t hlen;
	int perr;

	o->stats.tx_frames++;
	if (frame->len < ETH_HLEN)
		return xmit_drop(o, VNET_OVERLAY_D_TX_SHORT, -EINVAL);
	perr = vnet_tx_parse(gh, frame, &res);
	if (vnet_tx_validate(gh, frame, &res, &o->guest, perr,
			     &o->inner_gso.stats) != VNET_TX_OK)
		return xmit_drop(o, VNET_OVERLAY_D_TX_INVALID, -EINVAL);
	if (xmit_needs_inner_gso(o, gh, frame))
		return xmit_inner_gso(o, gh, frame, now, send, opaque);
	hlen = res.outer.l4_off + res.outer.l4_hdr_len;
	if (h.gso_type != VNET_HDR_GSO_NONE && frame->len >= hlen &&
	    frame->len - hlen <= h.gso_size) {
		/* one segment: goes as a plain frame, as Linux sends it */
		h.gso_type = VNET_HDR_GSO_NONE;
		h.gso_size = 0;
	}
	return xmit_forward(o, &h, frame, &res, now, send, opaque);
}
