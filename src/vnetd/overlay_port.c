// SPDX-License-Identifier: MIT
/* overlay_port.c - vnetd's overlay port: the tap as a VXLAN/Geneve underlay */

/*
 * With --vxlan or --geneve the tap is not the guest's wire but the
 * underlay's: what the guest sends leaves encapsulated (its TSO or USO
 * super-frame as one tunnel-GSO write when the kernel takes
 * TUN_F_UDP_TUNNEL_GSO, else cut in software), and what arrives for our
 * VNI is decapsulated and handed on as the guest's own frame (coalesced
 * with the other segments of its flow by datapath.c). ARP and neighbour
 * solicitations for the local address get their reply here: the host's
 * kernel must find the port's MAC before it routes to it.
 *
 * Each queue pair has a port of its own (struct vnetd_qp.ovl), so nothing
 * is shared between workers; a remote learned on one queue is flooded to
 * from the others until they learn it too.
 */

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"

/* The offloads the underlay tap is asked for: every GSO kind, and the
 * tunnel ones on top (vnet_tap_set_offloads() falls back to what the
 * kernel takes). */
#define UNDERLAY_OFFLOADS (VNET_TUN_F_CSUM | VNET_TUN_F_TSO4 | \
	VNET_TUN_F_TSO6 | VNET_TUN_F_TSO_ECN | VNET_TUN_F_USO4 | \
	VNET_TUN_F_USO6 | VNET_TUN_F_UDP_TUNNEL_GSO | \
	VNET_TUN_F_UDP_TUNNEL_GSO_CSUM)

/* The tap's own MAC: the host's end of the underlay, our next hop. */
static int tap_mac(const struct vnet_tap *t, uint8_t *mac)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err = 0;

	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, t->name, sizeof(t->name) < IFNAMSIZ ?
	       sizeof(t->name) : IFNAMSIZ - 1);
	if (ioctl(s, SIOCGIFHWADDR, &ifr))
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(s);
	return err;
}

/**
 * vnetd_overlay_open() - the tap, just opened, becomes the underlay
 * @d:		the daemon (cfg->has_overlay)
 *
 * The tap speaks the 24-byte header with tunnel offsets whatever the
 * guest negotiates, and takes every offload the kernel allows: they are
 * the underlay's, not the guest's.
 *
 * Return: 0 or -errno
 */
int vnetd_overlay_open(struct vnetd *d)
{
	struct vnet_features f = { { 0, 0 } };
	int err;

	d->ovl_cfg = d->cfg->overlay;
	err = vnet_tap_set_hdr_len(&d->tap, VNET_HDR_LEN_TUNNEL);
	if (err)
		return err;
	vnet_features_set(&f, VNET_F_VERSION_1);
	vnet_features_set(&f, VNET_F_HOST_UDP_TUNNEL_GSO);
	vnet_hdr_layout_init(&d->tap_layout, &f, VNET_PROFILE_STANDARD,
			     VNET_ENDIAN_LITTLE);
	err = vnet_tap_set_offloads(&d->tap, UNDERLAY_OFFLOADS);
	if (err)
		return err;
	if (!d->ovl_cfg.has_gw_mac) {
		err = tap_mac(&d->tap, d->ovl_cfg.gw_mac);
		if (err)
			return err;
	}
	vnetd_log(VNETD_LOG_INFO, "%s port, VNI %u, underlay tap offloads "
		  "0x%x (tunnel GSO %s), guest MTU %u",
		  d->ovl_cfg.type == VNET_OVERLAY_GENEVE ? "Geneve" : "VXLAN",
		  d->ovl_cfg.vni, d->tap.offloads,
		  d->tap.offloads & VNET_TUN_F_UDP_TUNNEL_GSO ? "on" : "off",
		  d->cfg->mtu);
	return 0;
}

/* The guest negotiated: its headers are validated against its features. */
void vnetd_overlay_negotiated(struct vnetd_qp *qp)
{
	struct vnetd *d = qp->d;

	vnetd_overlay_fini(qp);
	if (vnet_overlay_init(&qp->ovl, &d->ovl_cfg, &d->dev.features,
			      d->tap.offloads)) {
		vnetd_log(VNETD_LOG_ERR, "queue %u: cannot set up the overlay",
			  qp->index);
		return;
	}
	qp->ovl_ready = true;
}

void vnetd_overlay_fini(struct vnetd_qp *qp)
{
	if (qp->ovl_ready)
		vnet_overlay_fini(&qp->ovl);
	qp->ovl_ready = false;
}

static int underlay_send(void *opaque, const struct vnet_hdr *h,
			 const struct iovec *iov, unsigned int iovcnt)
{
	vnetd_tap_write(opaque, h, iov, iovcnt);
	return 0;
}

/* A guest frame into the overlay; drops are counted by the port. */
void vnetd_overlay_tx(struct vnetd_qp *qp, const struct vnet_hdr *h,
		      const struct vnet_pkt *pkt)
{
	if (qp->ovl_ready)
		vnet_overlay_xmit(&qp->ovl, h, pkt, qp->now, underlay_send, qp);
}

/* ARP or neighbour solicitation for the local address: answered. */
static void answer_neigh(struct vnetd_qp *qp, const struct vnet_pkt *pkt)
{
	uint8_t reply[VNET_OVERLAY_NEIGH_REPLY_MAX];
	struct vnet_hdr none;
	struct iovec iov;
	int n = vnet_overlay_neigh_reply(&qp->ovl, pkt, reply, sizeof(reply));

	if (n <= 0)
		return;
	memset(&none, 0, sizeof(none));
	iov.iov_base = reply;
	iov.iov_len = (size_t)n;
	vnetd_tap_write(qp, &none, &iov, 1);
	vnetd_stats_add(qp->stats, VNETD_OVL_NEIGH_REPLIES, 1);
}

/**
 * vnetd_overlay_rx() - the guest's frame inside an underlay frame
 * @qp:		the queue pair
 * @f:		the underlay frame read from the tap, with its header
 *
 * Return: the inner frame (qp->ovl_rx, a view into @f's memory), or NULL
 *	   when there is none for the guest (answered, not ours, or dropped
 *	   and counted)
 */
struct vnet_rx_frame *vnetd_overlay_rx(struct vnetd_qp *qp,
				       struct vnet_rx_frame *f)
{
	if (!qp->ovl_ready)
		return NULL;
	switch (vnet_overlay_decap(&qp->ovl, &f->hdr, &f->pkt, qp->now,
				   &qp->ovl_rx)) {
	case 1:
		return &qp->ovl_rx.frame;
	case 0:
		answer_neigh(qp, &f->pkt);
		return NULL;
	default:
		return NULL;
	}
}

/* The port's counters into the pair's, after a burst: absolute values,
 * each written by this pair's worker only. */
void vnetd_overlay_count(struct vnetd_qp *qp)
{
	const struct vnet_overlay_stats *s = &qp->ovl.stats;
	uint64_t *c = qp->stats->c;
	unsigned int i;

	if (!qp->ovl_ready)
		return;
#define SET(k, v) __atomic_store_n(&c[k], (v), __ATOMIC_RELAXED)
	SET(VNETD_OVL_TX_WRITES, s->tx_writes);
	SET(VNETD_OVL_TX_SUPER, s->tx_super);
	SET(VNETD_OVL_TX_SEGMENTED, s->tx_segmented);
	SET(VNETD_OVL_TX_SEGMENTS, s->tx_segments);
	SET(VNETD_OVL_TX_FLOODED, s->tx_flooded);
	SET(VNETD_OVL_RX_FRAMES, s->rx_frames);
	SET(VNETD_OVL_RX_INNER, s->rx_inner);
	SET(VNETD_OVL_RX_SUPER, s->rx_super);
	SET(VNETD_OVL_RX_CSUM_OK, s->rx_csum_ok);
	SET(VNETD_OVL_LEARNED, s->learned);
#undef SET
	for (i = 1; i < VNET_OVERLAY_D_MAX; i++)
		__atomic_store_n(&qp->stats->drops[VNETD_DROP__COUNT + i - 1],
				 s->drop[i], __ATOMIC_RELAXED);
}
