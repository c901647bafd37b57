// SPDX-License-Identifier: MIT
/* datapath.c - vnetd's frames: guest to tap, tap to guest, control queue */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pcapio.h"
#include "daemon.h"
#include "log.h"
#include "rx_direct.h"
#include "vnet/ctrl.h"
#include "vnet/filter.h"
#include "vnet/virtq_serve.h"

#define GSO_SEG_MAX	1024
#define GSO_PIECES	(GSO_SEG_MAX * 8)
/* Segments of one transmit buffer: with the header's, what one writev
 * takes (UIO_MAXIOV, Linux vhost-net's limit too); a longer chain is
 * walked, returned and counted as a drop (tx_too_many_segments). */
#define TX_SEGS_MAX	1023

/*
 * The transmit path's iovec arrays (16 KiB each, per frame or per burst)
 * and its decoded header are written before they are read: they are left
 * out of the build's -ftrivial-auto-var-init=zero, which would clear them
 * every time.
 */
#ifdef __has_attribute
#if __has_attribute(uninitialized)
#define TX_NOINIT __attribute__((uninitialized))
#endif
#endif
#ifndef TX_NOINIT
#define TX_NOINIT
#endif

#define CTRL_MAX	65536

static void drop(struct vnetd_qp *qp, enum vnetd_drop why)
{
	vnetd_stats_drop(qp->stats, why);
}

void vnetd_drop(struct vnetd_qp *qp, enum vnetd_drop why)
{
	drop(qp, why);
}

int vnetd_qp_init(struct vnetd_qp *qp)
{
	struct vnet_gso_out *o = &qp->gso_out;
	unsigned int i;

	if (vnetd_rx_pool_init(qp))
		return -ENOMEM;
	qp->flat = malloc(VNETD_FRAME_MAX);
	o->buf_len = GSO_SEG_MAX * (VNET_TX_HDR_MAX + 8);
	o->buf = malloc(o->buf_len);
	o->iov_max = GSO_PIECES;
	o->iov = calloc(GSO_PIECES, sizeof(*o->iov));
	o->seg_max = GSO_SEG_MAX;
	o->segs = calloc(GSO_SEG_MAX, sizeof(*o->segs));
	if (!qp->d->ctrl_buf)
		qp->d->ctrl_buf = malloc(CTRL_MAX);
	if (!qp->d->ctrl_result)
		qp->d->ctrl_result = malloc(CTRL_MAX);
	if (!qp->flat || !o->buf || !o->iov || !o->segs ||
	    !qp->d->ctrl_buf || !qp->d->ctrl_result)
		return -ENOMEM;
	/* once: popping resets an element's counts, not its arrays */
	for (i = 0; i < VNETD_RX_BUFS_MAX; i++)
		vnet_virtq_elem_init(&qp->rx_elems[i], NULL, 0, qp->rx_iov[i],
				     VNETD_RX_SEGS);
	if (qp->d->cfg->null_rx)
		vnetd_null_frame_init(qp->flat, qp->d->cfg->null_rx, qp->d->cfg->mac);
	return vnetd_steer_init(qp);
}

void vnetd_qp_fini(struct vnetd_qp *qp)
{
	if (qp->rx_ready)
		vnet_rx_ctx_fini(&qp->rx);
	if (qp->gro_ready)
		vnet_gro_fini(&qp->gro);
	vnetd_overlay_fini(qp);
	vnetd_rx_pool_fini(qp);		/* after the engine gave its slots back */
	free(qp->flat);
	free(qp->gso_out.buf);
	free(qp->gso_out.iov);
	free(qp->gso_out.segs);
	vnetd_steer_fini(qp);
	if (qp->index == 0) {
		free(qp->d->ctrl_buf);
		free(qp->d->ctrl_result);
	}
}

/* The HOST_* offloads the tap takes on write: what may pass untouched
 * (the tunnel ones as probed: @tnl, TUN_F_UDP_TUNNEL_GSO*); --tap-offloads
 * narrows them. */
static void tap_peer_features(const struct vnetd_config *cfg, unsigned int tnl,
			      struct vnet_features *f)
{
	static const unsigned int always[] = {
		VNET_F_CSUM, VNET_F_HOST_TSO4, VNET_F_HOST_TSO6,
		VNET_F_HOST_ECN, VNET_F_HOST_UFO, VNET_F_HOST_USO,
	};
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		vnet_features_set(f, always[i]);
	if (tnl & VNET_TUN_F_UDP_TUNNEL_GSO)
		vnet_features_set(f, VNET_F_HOST_UDP_TUNNEL_GSO);
	if (tnl & VNET_TUN_F_UDP_TUNNEL_GSO_CSUM)
		vnet_features_set(f, VNET_F_HOST_UDP_TUNNEL_GSO_CSUM);
	if (cfg->has_tap_tx) {
		f->w[0] &= cfg->tap_tx.w[0];
		f->w[1] &= cfg->tap_tx.w[1];
	}
}

/* What the guest takes whole decides what is coalesced; nothing when
 * --no-gro. The context is made once and follows the offloads. */
static void gro_negotiated(struct vnetd_qp *qp)
{
	struct vnetd *d = qp->d;
	struct vnet_gro_params p;
	uint32_t flags = vnet_gro_flags_for(&d->dev.guest_offloads,
					    &d->dev.features);

	if (qp->gro_ready)
		vnet_gro_fini(&qp->gro);	/* a reset device holds nothing */
	qp->gro_ready = false;
	if (d->cfg->no_gro || !d->cfg->tap)
		return;
	vnet_gro_params_default(&p, flags);
	qp->gro_copied = 0;
	p.release = vnetd_rx_pool_release;	/* frames lent, not copied */
	p.release_opaque = qp;
	qp->gro_ready = !vnet_gro_init(&qp->gro, &p);
}

void vnetd_qp_negotiated(struct vnetd_qp *qp)
{
	struct vnetd *d = qp->d;
	const struct vnet_features *f = &d->dev.features;

	if (qp->rx_ready)
		vnet_rx_ctx_fini(&qp->rx);
	qp->rx_ready = !vnet_rx_ctx_init(&qp->rx, f, d->cfg->mtu);
	vnet_gso_ctx_init(&qp->gso, f, VNET_GSO_PASSTHROUGH,
			  (uint32_t)(uintptr_t)qp ^ 0x5eed);
	tap_peer_features(d->cfg, d->tap_tnl_tx, &qp->gso.peer);
	qp->rx_waiting = false;
	qp->hand = NULL;
	qp->held = 0;
	qp->held_first = 0;
	vnetd_rx_direct_setup(qp);
	gro_negotiated(qp);
	if (d->cfg->has_overlay)
		vnetd_overlay_negotiated(qp);
	vnetd_steer_reset(qp);
}

void vnetd_capture_write(struct vnetd *d, struct vnetd_qp *qp,
			 const struct vnet_pkt *pkt)
{
	struct timeval tv;

	if (vnet_pkt_len(pkt) > VNETD_FRAME_MAX ||
	    vnet_pkt_read(pkt, 0, qp->flat, vnet_pkt_len(pkt)))
		return;
	gettimeofday(&tv, NULL);
	pcap_out_write(d->pcap, qp->flat, vnet_pkt_len(pkt), &tv);
}

/* One frame to the tap: @h in the tap's layout, then @iov. */
void vnetd_tap_write(struct vnetd_qp *qp, const struct vnet_hdr *h,
		      const struct iovec *iov, unsigned int n)
{
	struct vnetd *d = qp->d;
	uint8_t hb[VNET_HDR_LEN_MAX];
	struct iovec v[TX_SEGS_MAX + 2] TX_NOINIT;
	ssize_t rc;

	if (n > TX_SEGS_MAX + 1)
		return drop(qp, VNETD_DROP_TX_INVALID);
	vnet_hdr_encode(&d->tap_layout, h, hb, sizeof(hb));
	v[0].iov_base = hb;
	v[0].iov_len = d->tap_layout.size;
	memcpy(v + 1, iov, n * sizeof(*iov));
	rc = vnet_tap_write(&d->tap, vnetd_tap_tx_queue(d, qp->index), v,
			    (int)n + 1);
	if (rc < 0)
		return drop(qp, VNETD_DROP_TAP_FULL);
	vnetd_stats_add(qp->stats, VNETD_TX_SENT, 1);
	vnetd_stats_add(qp->stats, VNETD_TX_SENT_BYTES,
			(uint64_t)rc > d->tap_layout.size ?
			(uint64_t)rc - d->tap_layout.size : 0);
}

static uint64_t iov_bytes(const struct iovec *iov, unsigned int n)
{
	uint64_t len = 0;

	while (n--)
		len += iov[n].iov_len;
	return len;
}

/* The segments of one guest frame (@gso: it had a GSO type). */
static void tx_segments(struct vnetd_qp *qp, const struct vnet_gso_out *o,
			bool gso)
{
	struct vnet_hdr none;
	uint64_t bytes = 0;
	unsigned int i;

	memset(&none, 0, sizeof(none));
	for (i = 0; i < o->nseg; i++) {
		vnetd_tap_write(qp, &none, o->segs[i].iov, o->segs[i].iovcnt);
		bytes += iov_bytes(o->segs[i].iov, o->segs[i].iovcnt);
	}
	vnetd_stats_add(qp->stats, VNETD_TX_SEGMENTS, o->nseg);
	if (gso) {
		vnetd_stats_add(qp->stats, VNETD_TX_GSO_SEGS, o->nseg);
		vnetd_stats_add(qp->stats, VNETD_TX_GSO_SEGS_BYTES, bytes);
	}
	if (o->nseg && o->hdr.flags == 0)
		vnetd_stats_add(qp->stats, VNETD_TX_CSUM_COMPLETED, 1);
}

/* A checked guest frame (@n segments in @frame) to the capture, then the
 * overlay or the tap: passed through or segmented. Out of line: its
 * locals would cost the sink's path (tx_one()) on every frame. */
static __attribute__((noinline)) void tx_deliver(struct vnetd_qp *qp, const struct vnet_hdr *hp,
		       const struct iovec *frame, unsigned int n)
{
	struct vnetd *d = qp->d;
	struct vnet_hdr h = *hp;
	struct vnet_pkt pkt;

	vnet_pkt_init(&pkt, frame, n);
	vnetd_capture(d, qp, &pkt);
	if (!d->cfg->tap)
		return;		/* no tap: a sink, as the benchmarks want */
	if (d->cfg->has_overlay)
		return vnetd_overlay_tx(qp, &h, &pkt);
	if (vnet_gso_segment(&qp->gso, &h, &pkt, &qp->gso_out) < 0) {
		vnetd_log_ratelimited(VNETD_LOG_WARN, "queue %u: frame refused: %s",
				      qp->index, vnet_tx_reason_name(qp->gso_out.reason));
		return drop(qp, VNETD_DROP_TX_INVALID);
	}
	if (h.gso_type) {
		bool whole = qp->gso_out.passthrough;

		vnetd_stats_add(qp->stats, whole ? VNETD_TX_GSO_NOSEG :
				VNETD_TX_GSO_SEGMENTED, 1);
		vnetd_stats_add(qp->stats, whole ? VNETD_TX_GSO_NOSEG_BYTES :
				VNETD_TX_GSO_SEGMENTED_BYTES, vnet_pkt_len(&pkt));
	}
	if (!qp->gso_out.passthrough)
		return tx_segments(qp, &qp->gso_out, h.gso_type);
	vnetd_tap_write(qp, &qp->gso_out.hdr, frame, n);
	vnetd_stats_add(qp->stats, VNETD_TX_PASSTHROUGH, 1);
}

/*
 * One transmit buffer (a vnet_virtq_serve_fn, @opaque the queue pair):
 * checked and counted, then delivered. Without a capture or a tap (the
 * sink the benchmarks use) nothing more is done: the frame's length is
 * the buffer's less its header (vnet_virtq_net_tx_hdr()), no view of it
 * is needed.
 */
static uint32_t tx_one(struct vnet_virtq_elem *e, void *opaque)
{
	struct vnetd_qp *qp = opaque;
	struct vnetd *d = qp->d;
	struct iovec frame[TX_SEGS_MAX] TX_NOINIT;
	struct vnet_hdr h TX_NOINIT;	/* written whole, or not read */
	int n;

	n = vnet_virtq_net_tx_hdr(&d->net, e, &h, frame, TX_SEGS_MAX);
	if (n == -E2BIG) {
		drop(qp, VNETD_DROP_TX_SEGMENTS);
		return 0;
	}
	if (n < 0) {
		drop(qp, VNETD_DROP_TX_SHORT);
		return 0;
	}
	vnetd_stats_add(qp->stats, VNETD_TX_FRAMES, 1);
	vnetd_stats_add(qp->stats, VNETD_TX_BYTES,
			e->out_len - d->net.layout.size);
	if (h.gso_type)
		vnetd_stats_add(qp->stats, VNETD_TX_GSO, 1);
	if (h.flags & VNET_HDR_F_NEEDS_CSUM)
		vnetd_stats_add(qp->stats, VNETD_TX_NEEDS_CSUM, 1);
	if (d->pcap || d->cfg->tap)
		tx_deliver(qp, &h, frame, (unsigned int)n);
	return 0;		/* the device only reads a transmitted frame */
}

/* A burst of one transmit queue (vnet_virtq_serve() says the rules); a
 * pass that took all it counted is resumed next turn. */
void vnetd_tx_process(struct vnetd *d, unsigned int vq)
{
	struct vnet_virtq *q = vnet_vu_queue(d->vu, vq);
	struct iovec out[TX_SEGS_MAX] TX_NOINIT, in[4];
	struct vnet_virtq_elem e;
	struct vnetd_qp *qp;
	unsigned int n;

	if (vnetd_vq_role(d, vq, NULL) != VNET_VQ_TX)
		return;		/* not a transmit queue of this layout */
	qp = &d->qp[vq / 2];
	qp->tx_more = false;
	if (!q) {
		/* started but disabled: "process and discard any TX
		 * packets" (VU-04); a stopped queue discards nothing */
		vnet_vu_discard(d->vu, vq);
		return;
	}
	if (!d->ready)
		return;
	qp->now = vnetd_now_ns();
	vnet_virtq_elem_init(&e, out, TX_SEGS_MAX, in, 4);
	n = vnet_virtq_serve(q, &e, VNETD_BURST, tx_one, qp,
			     &qp->tx_more);
	if (n) {
		vnetd_notify(d, vq, n);
		vnetd_overlay_count(qp);
	}
}

/* Guest buffers for one frame; -EAGAIN when there are too few now. */
static int emit_guest(void *opaque, const struct vnet_hdr *h,
		      const struct vnet_pkt *pkt)
{
	struct vnetd_qp *qp = opaque;
	struct vnetd *d = qp->d;
	size_t len = vnet_pkt_len(pkt);
	struct vnet_hdr hh = *h;
	int nb;

	if (qp->emitted++ < qp->pending_done)
		return 0;		/* delivered before a pause */
	if (!qp->rxq)
		return -ENODEV;
	nb = vnet_virtq_net_rx_pop(qp->rxq, &d->net, qp->rx_elems,
				   VNETD_RX_BUFS_MAX, len);
	if (nb == -EAGAIN)
		return -EAGAIN;
	qp->pending_done++;
	if (nb < 0) {
		drop(qp, VNETD_DROP_RX_TOO_BIG);
		return 0;
	}
	hh.hash_value = qp->steer.hash.value;	/* HASH_REPORT, else 0 */
	hh.hash_report = qp->steer.hash.report;
	/* a coalesced frame is a chain over the tap's reads: each byte
	 * copied once, from where it was read into the guest's buffers */
	vnet_virtq_net_rx_push_pkt(qp->rxq, &d->net, qp->rx_elems,
				   (unsigned int)nb, &hh, pkt);
	vnetd_stats_add(qp->stats, VNETD_RX_COPIED_BYTES, len);
	vnetd_rx_count(qp, &hh, len);
	return 0;
}

/* A frame given to the guest, counted by what its header says. */
void vnetd_rx_count(struct vnetd_qp *qp, const struct vnet_hdr *h, size_t len)
{
	if (h->gso_type) {
		vnetd_stats_add(qp->stats, VNETD_RX_GSO, 1);
		vnetd_stats_add(qp->stats, VNETD_RX_GSO_BYTES, len);
	}
	if (h->flags & VNET_HDR_F_NEEDS_CSUM)
		vnetd_stats_add(qp->stats, VNETD_RX_NEEDS_CSUM, 1);
	else if (h->flags & VNET_HDR_F_DATA_VALID)
		vnetd_stats_add(qp->stats, VNETD_RX_DATA_VALID, 1);
	else
		vnetd_stats_add(qp->stats, VNETD_RX_CSUM_NONE, 1);
	qp->rx_burst_frames++;
	qp->rx_burst_bytes += len;
}

/* A frame the coalescing engine lets go, to the guest. Out of buffers,
 * -EAGAIN: the engine keeps the frame and it goes at a later flush (the
 * segments already delivered of it, pending_done, are skipped then). */
static int gro_emit(void *opaque, const struct vnet_rx_frame *f)
{
	struct vnetd_qp *qp = opaque;
	struct vnet_rss_hash hand = qp->steer.hash;
	int rc;

	if (qp->steer.hashing)		/* HASH_REPORT: this frame's own */
		vnetd_steer_hash(qp, &f->pkt);
	qp->emitted = 0;
	rc = vnet_rx_deliver(&qp->rx, f, emit_guest, qp);
	qp->steer.hash = hand;
	if (rc == -EAGAIN)
		return -EAGAIN;
	qp->pending_done = 0;
	if (rc < 0)
		drop(qp, VNETD_DROP_RX_INVALID);
	if (f->segs > 1) {
		vnetd_stats_add(qp->stats, VNETD_RX_GRO_FRAMES, 1);
		vnetd_stats_add(qp->stats, VNETD_RX_GRO_BYTES,
				vnet_pkt_len(&f->pkt));
		vnetd_stats_add(qp->stats, VNETD_RX_COALESCED, f->segs);
	}
	if (f->csum_ok)
		vnetd_stats_add(qp->stats, VNETD_RX_CSUM_VERIFIED, 1);
	return 0;
}

/* Everything the engine holds to the guest; -EAGAIN: some waits. */
int vnetd_gro_flush(struct vnetd_qp *qp)
{
	if (!qp->gro_ready || !qp->gro.nheld)
		return 0;
	return vnet_gro_flush(&qp->gro, qp->now, VNET_GRO_FLUSH_ALL, gro_emit,
			      qp) == -EAGAIN ? -EAGAIN : 0;
}

/* Whether the coalescing engine takes the frame: a plain segment (its
 * header goes with it: DATA_VALID not summed again, NEEDS_CSUM coalesced
 * as Linux's GRO does), of a kind the guest takes whole. */
static bool gro_takes(const struct vnetd_qp *qp, const struct vnet_rx_frame *f)
{
	return qp->gro_ready && (qp->gro.p.flags & VNET_GRO_F_ALL) &&
	       f->hdr.gso_type == VNET_HDR_GSO_NONE;
}

/*
 * A frame read into tap_buf: decapsulated (overlay), filtered, handed to
 * the pair RSS names if not this one, captured, and put in hand (qp->hand)
 * for vnetd_rx_give(), marked for the coalescing engine or not. Return: 1
 * when a frame is in hand, 0 when there is nothing more to do with it.
 */
static int rx_take(struct vnetd_qp *qp, size_t len)
{
	struct vnetd *d = qp->d;
	size_t hl = d->tap_layout.size;
	struct vnet_rx_frame *f = &qp->in;

	memset(f, 0, sizeof(*f));
	if (len < hl || vnet_hdr_decode(&d->tap_layout, qp->tap_buf, len,
					&f->hdr) < 0) {
		drop(qp, VNETD_DROP_RX_INVALID);
		return 0;
	}
	f->iov.iov_base = qp->tap_buf + hl;
	f->iov.iov_len = len - hl;
	vnet_pkt_init(&f->pkt, &f->iov, 1);
	f->segs = f->hdr.gso_type ? 0 : 1;
	/* the kernel verified it (CHECKSUM_UNNECESSARY): not summed again,
	 * DATA_VALID passed on as vhost-net passes it */
	f->csum_ok = f->hdr.flags & VNET_HDR_F_DATA_VALID;
	if (d->cfg->has_overlay)
		f = vnetd_overlay_rx(qp, f);
	if (!f)
		return 0;
	if (!vnet_filter_accept(&d->dev, &f->pkt)) {
		drop(qp, VNETD_DROP_RX_FILTERED);
		return 0;
	}
	/* RSS: a frame of another pair's queue goes to that pair (rx_steer.c) */
	if (qp->steer.hashing && vnetd_steer_frame(qp, f))
		return 0;
	return vnetd_rx_own(qp, f);
}

/* A frame for this pair's guest (its tap's, or one steered to it):
 * captured and put in hand. Return: 1. */
int vnetd_rx_own(struct vnetd_qp *qp, struct vnet_rx_frame *f)
{
	vnetd_capture(qp->d, qp, &f->pkt);
	qp->hand = f;
	qp->hand_gro = gro_takes(qp, f);
	return 1;
}

/*
 * Whether the frame in hand can be lent to the engine: it must lie in
 * tap_buf, a slot of the pool (a frame steered from another pair is
 * copied there first: it replaces the copy into a flow buffer), and
 * tap_buf must not be the reserve.
 */
static bool gro_lendable(struct vnetd_qp *qp)
{
	struct vnet_rx_frame *f = qp->hand;
	size_t len = vnet_pkt_len(&f->pkt);

	if (!vnetd_rx_pool_lendable(qp))
		return false;
	if (f->pkt.iovcnt == 1 &&
	    vnetd_rx_pool_holds(qp, f->pkt.iov[0].iov_base, len))
		return true;
	/* in tap_buf but in pieces: copying it there would overlap */
	if (!f->pkt.iovcnt ||
	    vnetd_rx_pool_holds(qp, f->pkt.iov[0].iov_base, 1) ||
	    len > VNETD_FRAME_MAX || vnet_pkt_read(&f->pkt, 0, qp->tap_buf,
						   len))
		return false;
	f->iov.iov_base = qp->tap_buf;
	f->iov.iov_len = len;
	vnet_pkt_init(&f->pkt, &f->iov, 1);
	vnetd_stats_add(qp->stats, VNETD_RX_COPIED_BYTES, len);
	return true;
}

/* The frame in hand to the engine, lent with its slot. */
static int gro_feed(struct vnetd_qp *qp)
{
	void *ref = vnetd_rx_pool_lend(qp);
	int rc;

	rc = vnet_gro_receive_ref(&qp->gro, &qp->hand->pkt, &qp->hand->hdr,
				  ref, qp->now, gro_emit, qp);
	vnetd_rx_pool_after(qp, rc);
	return rc;
}

/*
 * The frame in hand (if any) to the coalescing engine or to the guest,
 * after what the engine holds (it came first). -EAGAIN: the guest is out
 * of buffers; the frame stays in hand, the engine keeps what it holds.
 */
int vnetd_rx_give(struct vnetd_qp *qp)
{
	int rc;

	if (qp->hand && qp->hand_gro && !gro_lendable(qp))
		qp->hand_gro = false;	/* in the reserve: waits its turn */
	if (qp->hand && qp->hand_gro)
		rc = gro_feed(qp);
	else
		rc = vnetd_gro_flush(qp);
	if (rc == -EAGAIN)
		return -EAGAIN;
	if (!qp->hand || qp->hand_gro)
		goto done;
	qp->emitted = 0;
	rc = vnet_rx_deliver(&qp->rx, qp->hand, emit_guest, qp);
	if (rc == -EAGAIN)
		return -EAGAIN;
	if (rc < 0)
		drop(qp, VNETD_DROP_RX_INVALID);
done:
	qp->hand = NULL;
	qp->pending_done = 0;
	return 0;
}

/* Out of guest buffers: stop reading the tap and ask the guest to kick,
 * unless buffers came meanwhile. Return: true to retry now. */
static bool rx_wait(struct vnetd_qp *qp, struct vnet_virtq *q)
{
	qp->rx_waiting = true;
	vnetd_tap_poll(qp, false);
	/* a buffer added meanwhile would go unnoticed */
	return vnet_virtq_enable_notify(q) == 1;
}

/* Read the pair's tap queue on its events, or not; only a pair that takes
 * frames reads it (vq_roles.c). */
void vnetd_tap_poll(struct vnetd_qp *qp, bool on)
{
	struct vnetd *d = qp->d;

	on = on && qp->rx_on;
	if (!d->cfg->tap || on == qp->tap_polled)
		return;
	if (on)
		vnetd_poll_add(d, d->tap.fds[qp->index], VNETD_EV_TAP,
			       qp->index);
	else
		vnetd_poll_del(d, d->tap.fds[qp->index], VNETD_EV_TAP,
			       qp->index);
	qp->tap_polled = on;
}

/* The counters of one burst, added once: with the payload bytes the
 * coalescing engine copied into its flow buffers (none while it holds the
 * tap's reads by reference). */
static void rx_burst_count(struct vnetd_qp *qp, unsigned int reads,
			   bool empty)
{
	uint64_t copied = qp->gro_ready ? qp->gro.stats[VNET_GRO_S_COPIED] : 0;

	if (copied > qp->gro_copied)
		vnetd_stats_add(qp->stats, VNETD_RX_COPIED_BYTES,
				copied - qp->gro_copied);
	qp->gro_copied = copied;
	vnetd_stats_add(qp->stats, VNETD_RX_FRAMES, qp->rx_burst_frames);
	vnetd_stats_add(qp->stats, VNETD_RX_BYTES, qp->rx_burst_bytes);
	vnetd_stats_add(qp->stats, VNETD_RX_TAP_READS, reads);
	if (empty)
		vnetd_stats_add(qp->stats, VNETD_RX_TAP_EMPTY, 1);
	qp->rx_burst_frames = 0;
	qp->rx_burst_bytes = 0;
}

/* The next frame of a burst: straight into the guest's buffers where that
 * applies (rx_direct.c), else into tap_buf. Return: its length in tap_buf;
 * 0 with *handled when it was delivered (or dropped) in place; -EAGAIN
 * when the tap is empty. */
static ssize_t rx_read(struct vnetd_qp *qp, struct vnet_virtq *q,
		       bool *handled)
{
	struct iovec iov;
	ssize_t len = -EAGAIN;

	*handled = false;
	vnetd_rx_pool_refresh(qp);	/* off the reserve if a slot is back */
	iov.iov_base = qp->tap_buf;
	iov.iov_len = VNETD_FRAME_MAX;
	if (vnetd_rx_direct_ok(qp)) {
		switch (vnetd_rx_direct(qp, q, &len)) {
		case VNETD_DIRECT_DONE:
			*handled = true;
			return 0;
		case VNETD_DIRECT_EMPTY:
			return -EAGAIN;
		case VNETD_DIRECT_BOUNCE:
			return len;
		case VNETD_DIRECT_NO_ROOM:
			break;
		}
	}
	vnetd_rx_direct_return(qp, q);	/* the bounce path pops its own */
	return vnet_tap_read(&qp->d->tap, qp->index, &iov, 1);
}

/* Frames from the tap to the guest until the tap is empty or the guest
 * is out of buffers: then the frame in hand waits, and so does the tap.
 * The guest's notifications stay off while buffers last: it adds them
 * without kicking, and is asked to kick only when they run out. */
void vnetd_rx_ready(struct vnetd *d, unsigned int pair)
{
	struct vnetd_qp *qp = &d->qp[pair];
	struct vnet_virtq *q = vnet_vu_queue(d->vu, pair * 2);
	unsigned int n = 0, reads = 0;
	bool empty = false, end = false, handled = false;
	ssize_t len;

	qp->rx_more = false;
	if (!q || !d->ready || !qp->rx_ready || !qp->rx_on)
		return vnetd_tap_poll(qp, false);
	qp->rxq = q;
	qp->now = vnetd_now_ns();
	vnet_virtq_disable_notify(q);
	/* first what other pairs steered here (RSS), unless a frame waits:
	 * out of buffers, the one in hand waits as a tap frame does */
	if (!qp->rx_waiting && vnetd_steer_drain(qp) == -EAGAIN)
		rx_wait(qp, q);
	/* a burst of tap frames, then (end) what the engine holds; a few
	 * turns more for retries when buffers come while we wait */
	while (n++ < VNETD_RX_BURST + 8) {
		if (!qp->rx_waiting && !end) {
			len = n <= VNETD_RX_BURST ? rx_read(qp, q, &handled) :
			      -EAGAIN;
			empty = len < 0 && n <= VNETD_RX_BURST;
			end = len < 0;
			reads += len >= 0;
			if (handled)
				continue;
			if (len >= 0 && !rx_take(qp, (size_t)len))
				continue;
		}
		vnetd_rx_direct_return(qp, q);
		if (vnetd_rx_give(qp) != -EAGAIN) {
			qp->rx_waiting = false;
			if (end)
				break;
			continue;
		}
		if (!rx_wait(qp, q))
			break;
	}
	vnetd_rx_direct_return(qp, q);		/* unused, no used entry */
	vnetd_overlay_count(qp);
	if (qp->rx_burst_frames || qp->pending_done) {
		vnet_virtq_flush(q);
		vnetd_notify(d, pair * 2, qp->rx_burst_frames ?
			     (unsigned int)qp->rx_burst_frames : 1);
	}
	rx_burst_count(qp, reads, empty);
	vnetd_steer_wake(qp, qp->rx_waiting);
	if (!qp->rx_waiting)
		vnetd_tap_poll(qp, true);
	/* a full burst: the tap likely holds more, come back without sleeping */
	qp->rx_more = !qp->rx_waiting && !empty;
}

void vnetd_rx_kick(struct vnetd *d, unsigned int vq)
{
	if (d->cfg->tap && !d->cfg->null_rx)
		vnetd_rx_ready(d, vq / 2);
}

/* One control command: read whole, executed, answered with its result
 * from the start of what the driver made writable and its ack in the
 * last byte there (the driver sizes the result for what it asked: Linux
 * gives it a descriptor of its own before the ack's). */
static void ctrl_one(struct vnetd *d, struct vnet_virtq *q,
		     const struct vnet_virtq_elem *e)
{
	uint8_t *result = d->ctrl_result, ack = VNET_CTRL_ERR;
	struct vnet_pkt in, out;
	size_t used = 0, room;

	vnet_pkt_init(&in, e->out, e->out_num);
	vnet_pkt_init_rw(&out, e->in, e->in_num);
	room = vnet_pkt_len(&out) ? vnet_pkt_len(&out) - 1 : 0;
	if (room > CTRL_MAX)
		room = CTRL_MAX;
	if (!e->truncated && vnet_pkt_len(&in) <= CTRL_MAX &&
	    !vnet_pkt_read(&in, 0, d->ctrl_buf, vnet_pkt_len(&in)))
		ack = (uint8_t)vnet_ctrl_exec(&d->dev, d->ctrl_buf,
					      vnet_pkt_len(&in), result,
					      room, &used);
	else
		vnetd_stats_drop(&d->stats.queues[0], VNETD_DROP_CTRL_BAD);
	if (!vnet_pkt_len(&out)) {	/* no room for the ack */
		vnetd_stats_drop(&d->stats.queues[0], VNETD_DROP_CTRL_BAD);
		used = 0;
	} else {
		vnet_pkt_write(&out, 0, result, used);
		vnet_pkt_write(&out, vnet_pkt_len(&out) - 1, &ack, 1);
		used++;
	}
	vnet_virtq_push(q, e, (uint32_t)used);
}

/* After a command, what follows the device state: offloads, RX engines,
 * the pairs that take frames (VQ_PAIRS_SET, RSS_CONFIG). */
void vnetd_ctrl_follow(struct vnetd *d)
{
	unsigned int q;

	vnetd_rx_pairs_update(d);

	if (d->cfg->tap && !d->cfg->has_overlay)
		vnet_tap_set_offloads(&d->tap,
				      vnet_tap_offloads_for(&d->dev.guest_offloads));
	for (q = 0; q < d->cfg->queues; q++) {
		struct vnetd_qp *qp = &d->qp[q];

		if (qp->rx_ready)
			vnet_rx_set_offloads(&qp->rx, &d->dev.guest_offloads);
		vnetd_rx_direct_setup(qp);	/* the tap's offloads changed */
		/* flows are flushed at each burst's end: none is held here */
		if (qp->gro_ready)
			vnet_gro_set_flags(&qp->gro,
					   vnet_gro_flags_for(&d->dev.guest_offloads,
							      &d->dev.features),
					   gro_emit, qp);
	}
}

static void ctrl_process(struct vnetd *d, unsigned int vq)
{
	struct vnet_virtq *q = vnet_vu_queue(d->vu, vq);
	struct iovec out[16], in[4];
	struct vnet_virtq_elem e;
	unsigned int n = 0;

	if (!q || !d->ready)
		return;
	while (n < VNETD_BURST) {
		vnet_virtq_elem_init(&e, out, 16, in, 4);
		if (vnet_virtq_pop(q, &e) != 1)
			break;
		ctrl_one(d, q, &e);
		n++;
	}
	if (!n)
		return;
	vnet_virtq_flush(q);
	vnetd_notify(d, vq, n);	/* the control queue: not coalesced */
	vnetd_ctrl_follow(d);
	/* new coalescing parameters already met notify at once */
	vnetd_notify_recheck(d);
}

/* The driver notifications of a data queue, as its kick eventfd held them
 * (a negative count: nothing read). */
static void vnetd_kicks_count(struct vnetd *d, unsigned int vq,
			      unsigned int pair, int kicks)
{
	if (kicks > 0 && pair < d->cfg->queues)
		vnetd_stats_add(d->qp[pair].stats, vq % 2 ? VNETD_TX_KICKS :
				VNETD_RX_KICKS, (uint64_t)kicks);
}

/* A kick, on the main thread under the device's write lock: each queue
 * served by its role (vq_roles.c). */
void vnetd_kick(struct vnetd *d, unsigned int vq)
{
	int kicks = vnet_vu_kick_drain(d->vu, vq);
	unsigned int pair;

	switch (vnetd_vq_role(d, vq, &pair)) {
	case VNET_VQ_CTRL:
		ctrl_process(d, vq);
		break;
	case VNET_VQ_TX:
		vnetd_kicks_count(d, vq, pair, kicks);
		vnetd_tx_process(d, vq);
		break;
	case VNET_VQ_RX:
		vnetd_kicks_count(d, vq, pair, kicks);
		vnetd_rx_kick(d, vq);
		break;
	default:
		break;		/* no queue of the layout */
	}
}

/*
 * A kick on a pair's worker, under the read lock: its own data queues
 * only. A kick whose role changed since it was watched (the frontend set
 * other features meanwhile) is left for where it is watched now.
 */
void vnetd_kick_pair(struct vnetd_qp *qp, unsigned int vq)
{
	struct vnetd *d = qp->d;
	unsigned int pair;
	enum vnet_vq_role r = vnetd_vq_role(d, vq, &pair);

	if ((r != VNET_VQ_RX && r != VNET_VQ_TX) || pair != qp->index)
		return;
	vnetd_kicks_count(d, vq, pair, vnet_vu_kick_drain(d->vu, vq));
	if (r == VNET_VQ_TX)
		vnetd_tx_process(d, vq);
	else
		vnetd_rx_kick(d, vq);
}
