// SPDX-License-Identifier: MIT
/* rx_direct.c - the tap read straight into the guest's receive buffers */

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon.h"
#include "rx_direct.h"
#include "stats.h"
#include "vnet/filter.h"

/*
 * Linux's vhost-net copies a frame once, from the socket into guest
 * memory; so does this path: buffers for the largest frame the tap may
 * hand over are held before the read (vnet_virtq_net_rx_reserve()), the
 * tap's virtio-net header is read into qp->direct_hdr (device memory) and
 * the frame into the buffers' frame area with one readv(), the header is
 * decoded from device memory and translated to the guest's layout by the
 * same rules as every frame (vnet_rx_deliver()), and only the buffers the
 * frame filled are published. The others stay held for the next frame and
 * go back unused (no used entry) at the end of the burst.
 *
 * What is decided on the frame's bytes (the receive filter, the checks of
 * vnet_rx_deliver()) reads them in guest memory through the bounds-checked
 * packet view: the guest can change them meanwhile, and then misleads only
 * itself; every offset and length the device uses for its own memory
 * comes from the read's return value and the buffers it checked when it
 * popped them, never from the frame.
 *
 * Where it does not apply, the bounce buffer path (datapath.c) runs:
 * coalescing (while the engine holds flows nothing is read directly, so
 * that nothing overtakes them; a plain segment read directly while the
 * engine is engaged is copied out of guest memory to it, as the engine
 * copies payloads into its flow buffers anyway; a super-frame from the
 * tap, which the engine passes, stays where it was read), RSS
 * and hash reporting (the queue is known after the hash of the frame),
 * the overlay (the guest gets the inner frame), a frame the guest must get
 * segmented or with its checksum completed in software (one buffer chain
 * cannot hold the segments: the frame is copied out of guest memory and
 * takes that path), a guest with too few buffers for the largest
 * frame (one buffer without MRG_RXBUF smaller than it, or a ring short of
 * buffers now), and live migration's dirty log (a frame dropped after the
 * read would leave written pages that no push marks).
 */

/* Ethernet header and two VLAN tags beyond the tap's MTU. */
#define DIRECT_L2_MAX	(14 + 8)

/* Whether the frame to read now can go straight to the guest. */
bool vnetd_rx_direct_ok(const struct vnetd_qp *qp)
{
	const struct vnetd *d = qp->d;

	return !d->cfg->no_direct_rx && !d->cfg->has_overlay &&
	       !qp->steer.hashing && !qp->hand && !qp->pending_done &&
	       !qp->gro.nheld;
}

/* Whether the coalescing engine wants the frame (datapath.c's
 * gro_takes()): a plain segment of a kind it coalesces now. The kind is
 * read in guest memory: a guest that changes it only chooses which path
 * its own frame takes. */
static bool direct_gro_wants(const struct vnetd_qp *qp,
			     const struct vnet_rx_frame *f)
{
	uint32_t fl = qp->gro.p.flags;
	struct vnet_parse_result res;
	bool v6;

	if (!qp->gro_ready || !(fl & VNET_GRO_F_ALL) ||
	    f->hdr.gso_type != VNET_HDR_GSO_NONE ||
	    vnet_parse(&f->pkt, &qp->gro.parse, &res))
		return false;
	v6 = res.outer.l3 == VNET_L3_IPV6;
	if (res.outer.l4 == VNET_L4_TCP)
		return fl & (v6 ? VNET_GRO_F_TCP6 : VNET_GRO_F_TCP4);
	if (res.outer.l4 == VNET_L4_UDP)	/* a tunnel, or UDP itself */
		return fl & (VNET_GRO_F_TUNNEL |
			     (v6 ? VNET_GRO_F_UDP6 : VNET_GRO_F_UDP4));
	return false;
}

/* The tap's MTU, asked of the kernel; 0 if it does not say. */
static unsigned int tap_mtu(const char *name)
{
	struct ifreq ifr;
	int fd, mtu = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (!ioctl(fd, SIOCGIFMTU, &ifr))
		mtu = ifr.ifr_mtu;
	close(fd);
	return mtu > 0 ? (unsigned int)mtu : 0;
}

/*
 * The largest frame the tap may hand over: a 64 KiB super-frame when it
 * may coalesce (GSO offloads on), else its MTU and the L2 header. Asked
 * again after a frame the buffers could not take (the MTU was raised).
 */
void vnetd_rx_direct_setup(struct vnetd_qp *qp)
{
	struct vnetd *d = qp->d;
	unsigned int gso = VNET_TUN_F_TSO4 | VNET_TUN_F_TSO6 | VNET_TUN_F_UFO |
			   VNET_TUN_F_USO4 | VNET_TUN_F_USO6 |
			   VNET_TUN_F_UDP_TUNNEL_GSO;
	unsigned int mtu;

	qp->direct_max = VNETD_FRAME_MAX - d->tap_layout.size;
	if (!d->cfg->tap || (d->tap.offloads & gso))
		return;
	mtu = tap_mtu(d->tap.name);
	if (mtu && mtu + DIRECT_L2_MAX < qp->direct_max)
		qp->direct_max = mtu + DIRECT_L2_MAX;
}

/* The buffers held, in popping order. */
static struct vnet_virtq_elem *held_elems(struct vnetd_qp *qp)
{
	return qp->rx_elems + qp->held_first;
}

/* Every buffer held goes back unused, the last popped first. */
void vnetd_rx_direct_return(struct vnetd_qp *qp, struct vnet_virtq *q)
{
	while (qp->held)
		vnet_virtq_unpop(q, &held_elems(qp)[--qp->held]);
	qp->held_first = 0;
}

/* The held buffers moved to the front of rx_elems, in popping order
 * (swapped: each element keeps its own segment arrays), once they are
 * past the middle: amortised, not per frame. */
static void held_compact(struct vnetd_qp *qp)
{
	unsigned int i, f = qp->held_first;

	if (f < VNETD_RX_BUFS_MAX / 2)
		return;
	for (i = 0; i < qp->held; i++) {
		struct vnet_virtq_elem t = qp->rx_elems[i];

		qp->rx_elems[i] = qp->rx_elems[f + i];
		qp->rx_elems[f + i] = t;
	}
	qp->held_first = 0;
}

/* The @used buffers the frame filled leave the held ones. */
static void held_consume(struct vnetd_qp *qp, unsigned int used)
{
	qp->held -= used;
	qp->held_first = qp->held ? qp->held_first + used : 0;
}

/**
 * struct direct_frame - the frame being delivered in place
 * @qp:		the pair
 * @q:		its receive queue
 * @f:		the frame, its view over guest memory
 * @len:	its bytes
 * @in_place:	vnet_rx_deliver() passed it as it is: published
 */
struct direct_frame {
	struct vnetd_qp *qp;
	struct vnet_virtq *q;
	struct vnet_rx_frame f;
	size_t len;
	bool in_place;
};

/* vnet_rx_deliver()'s output: the frame itself, published where it is;
 * anything else (segments, a completed copy) goes the bounce path. */
static int direct_emit(void *opaque, const struct vnet_hdr *h,
		       const struct vnet_pkt *pkt)
{
	struct direct_frame *df = opaque;
	struct vnetd_qp *qp = df->qp;
	struct vnet_hdr hh = *h;
	int nb;

	if (pkt != &df->f.pkt)
		return -EXDEV;
	nb = vnet_virtq_net_rx_bufs_for(&qp->d->net, held_elems(qp), qp->held,
					df->len);
	if (nb < 0)
		return nb;
	hh.hash_value = qp->steer.hash.value;
	hh.hash_report = qp->steer.hash.report;
	if (vnet_virtq_net_rx_commit(df->q, &qp->d->net, held_elems(qp),
				     (unsigned int)nb, &hh, df->len))
		return -EIO;
	held_consume(qp, (unsigned int)nb);
	df->in_place = true;
	vnetd_rx_count(qp, &hh, df->len);
	vnetd_stats_add(qp->stats, VNETD_RX_DIRECT, 1);
	return 0;
}

/* Copy the frame out of guest memory, the tap's header before it, into
 * tap_buf, as the bounce path reads it. Return: its length there. */
static ssize_t direct_bounce(struct vnetd_qp *qp, const struct direct_frame *df)
{
	size_t hl = qp->d->tap_layout.size;

	memcpy(qp->tap_buf, qp->direct_hdr, hl);
	if (vnet_pkt_read(&df->f.pkt, 0, qp->tap_buf + hl, df->len))
		return -EFAULT;
	vnetd_stats_add(qp->stats, VNETD_RX_COPIED_BYTES, df->len);
	return (ssize_t)(hl + df->len);
}

/* The frame's view: the read's bytes of the frame area, no more. */
static int direct_view(struct vnetd_qp *qp, struct direct_frame *df,
		       unsigned int nseg)
{
	struct vnet_pkt area;
	int n;

	if (vnet_pkt_init(&area, qp->direct_iov + 1, nseg))
		return -EINVAL;
	n = vnet_pkt_slice(&area, 0, df->len, qp->direct_view,
			   VNETD_DIRECT_IOV_MAX);
	if (n < 0)
		return n;
	return vnet_pkt_init(&df->f.pkt, qp->direct_view, (unsigned int)n);
}

/* A frame in guest memory decided on: filter, capture, deliver. */
static enum vnetd_direct direct_deliver(struct vnetd_qp *qp,
					struct direct_frame *df,
					ssize_t *bounce)
{
	struct vnetd *d = qp->d;
	int rc;

	if (!vnet_filter_accept(&d->dev, &df->f.pkt)) {
		vnetd_drop(qp, VNETD_DROP_RX_FILTERED);
		return VNETD_DIRECT_DONE;	/* its buffers stay held */
	}
	if (direct_gro_wants(qp, &df->f)) {
		rc = -EXDEV;	/* its payload goes to a flow buffer */
		goto bounce;
	}
	vnetd_capture(d, qp, &df->f.pkt);
	rc = vnet_rx_deliver(&qp->rx, &df->f, direct_emit, df);
bounce:
	if (rc == -EXDEV && !df->in_place) {
		*bounce = direct_bounce(qp, df);
		/* the bounce path pops its own buffers */
		vnetd_rx_direct_return(qp, df->q);
		return *bounce < 0 ? VNETD_DIRECT_DONE : VNETD_DIRECT_BOUNCE;
	}
	if (rc < 0)
		vnetd_drop(qp, VNETD_DROP_RX_INVALID);
	return VNETD_DIRECT_DONE;
}

/*
 * One frame from the tap straight into the guest's buffers. Return:
 * DONE (delivered, or dropped and counted), EMPTY (the tap had nothing),
 * NO_ROOM (too few guest buffers for the largest frame: nothing was read,
 * the bounce path reads it), BOUNCE (read, but it must take the bounce
 * path: it is in tap_buf, @bounce bytes, for rx_take()).
 */
enum vnetd_direct vnetd_rx_direct(struct vnetd_qp *qp, struct vnet_virtq *q,
				  ssize_t *bounce)
{
	struct vnetd *d = qp->d;
	size_t hl = d->tap_layout.size;
	struct direct_frame df;
	ssize_t len;
	int nseg;

	held_compact(qp);
	/* a frame dropped after the read would leave guest pages written
	 * that no push marks: while the dirty log is on, the bounce path */
	if (vnet_virtq_logging(q)) {
		vnetd_rx_direct_return(qp, q);
		return VNETD_DIRECT_NO_ROOM;
	}
	if (vnet_virtq_net_rx_reserve(q, &d->net, held_elems(qp),
				      VNETD_RX_BUFS_MAX - qp->held_first,
				      &qp->held, qp->direct_max)) {
		vnetd_rx_direct_return(qp, q);
		return VNETD_DIRECT_NO_ROOM;
	}
	nseg = vnet_virtq_net_rx_frame_iov(&d->net, held_elems(qp), qp->held,
					   qp->direct_iov + 1,
					   VNETD_DIRECT_IOV_MAX - 1);
	if (nseg < 0) {
		vnetd_rx_direct_return(qp, q);
		return VNETD_DIRECT_NO_ROOM;
	}
	qp->direct_iov[0].iov_base = qp->direct_hdr;
	qp->direct_iov[0].iov_len = hl;
	len = vnet_tap_read(&d->tap, qp->index, qp->direct_iov, nseg + 1);
	if (len < 0)
		return VNETD_DIRECT_EMPTY;
	memset(&df, 0, sizeof(df));
	df.qp = qp;
	df.q = q;
	if ((size_t)len < hl || vnet_hdr_decode(&d->tap_layout, qp->direct_hdr,
						hl, &df.f.hdr) < 0) {
		vnetd_drop(qp, VNETD_DROP_RX_INVALID);
		return VNETD_DIRECT_DONE;
	}
	df.len = (size_t)len - hl;
	if (direct_view(qp, &df, (unsigned int)nseg)) {
		/* cut short by the buffers: the tap's MTU grew */
		vnetd_drop(qp, VNETD_DROP_RX_TOO_BIG);
		vnetd_rx_direct_setup(qp);
		return VNETD_DIRECT_DONE;
	}
	df.f.segs = df.f.hdr.gso_type ? 0 : 1;
	df.f.csum_ok = df.f.hdr.flags & VNET_HDR_F_DATA_VALID;
	return direct_deliver(qp, &df, bounce);
}
