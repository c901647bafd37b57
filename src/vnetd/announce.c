// SPDX-License-Identifier: MIT
/* announce.c - SEND_RARP: the guest's MAC announced from this device's tap */

/*
 * After a live migration the guest runs behind this tap, but the bridges
 * and switches between here and its peers still send its frames to the
 * source's port until they see the MAC again. A guest that negotiated
 * GUEST_ANNOUNCE sends gratuitous ARPs itself when asked; for one that did
 * not, QEMU sends SEND_RARP to the backend, which is to announce the MAC
 * itself (vhost-user.rst, VHOST_USER_SEND_RARP: "Ask vhost user backend to
 * broadcast a fake RARP to notify the migration is terminated for guest
 * that does not support GUEST_ANNOUNCE"). The frame
 * is the one QEMU's own announce sends (net/announce.c): a broadcast
 * reverse-ARP request naming the MAC as sender and target.
 *
 * With an overlay port the guest's segment is the tunnel: the frame goes
 * out as the guest's own broadcast would, encapsulated to every remote
 * endpoint, whose learning tables then point the MAC at this host. The
 * tunnel exists only once the features are negotiated, and QEMU sends
 * SEND_RARP as soon as the migration completes, also to a destination
 * held paused (-S, as libvirt starts one) whose device starts only when it
 * runs: an announcement that comes before is held, and sent when the
 * device starts (vnetd_announce_held()).
 */

#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include "daemon.h"
#include "log.h"

#define RARP_FRAME_LEN	60	/* the Ethernet minimum, padded with zeros */
#define ARPOP_RREQUEST	3	/* reverse request */

/**
 * vnetd_rarp_frame() - the announcement of @mac
 * @mac:	the guest's MAC
 * @f:		RARP_FRAME_LEN bytes
 */
static void vnetd_rarp_frame(const uint8_t mac[6], uint8_t f[RARP_FRAME_LEN])
{
	static const uint8_t arp[] = {
		0x00, 0x01,		/* hardware: Ethernet */
		0x08, 0x00,		/* protocol: IPv4 */
		6, 4,			/* their lengths */
		0x00, ARPOP_RREQUEST,
	};
	uint8_t *p = f;

	memset(f, 0, RARP_FRAME_LEN);
	memset(p, 0xff, 6);			/* to everyone */
	memcpy(p + 6, mac, 6);			/* from the guest */
	p[12] = 0x80;				/* ETH_P_RARP */
	p[13] = 0x35;
	p += 14;
	memcpy(p, arp, sizeof(arp));
	p += sizeof(arp);
	memcpy(p, mac, 6);			/* sender: the guest, IP 0 */
	memcpy(p + 10, mac, 6);			/* target: the guest, IP 0 */
}

/* The frame into the tunnel, as the guest's transmit on pair 0 would go
 * (the caller holds the device lock: no worker runs). Return: 0, -EAGAIN
 * before the features set the overlay up. */
static int announce_overlay(struct vnetd *d, const uint8_t *frame)
{
	struct vnetd_qp *qp = &d->qp[0];
	struct iovec v = { (void *)frame, RARP_FRAME_LEN };
	struct vnet_hdr none;
	struct vnet_pkt pkt;

	if (!qp->ovl_ready)
		return -EAGAIN;
	memset(&none, 0, sizeof(none));
	if (vnet_pkt_init(&pkt, &v, 1))
		return -EINVAL;
	qp->now = vnetd_now_ns();
	vnetd_overlay_tx(qp, &none, &pkt);
	return 0;
}

/*
 * Return: 0; what cannot be announced is logged (an error here would drop
 * the frontend, for a frame that only speeds up what learning does anyway).
 */
/*
 * The device started (features negotiated, the caller holding the device
 * lock): a SEND_RARP held for the overlay goes into the tunnel now.
 */
void vnetd_announce_held(struct vnetd *d)
{
	uint8_t frame[RARP_FRAME_LEN];
	const uint8_t *mac = d->announce_mac;

	if (!d->announce_held || !d->cfg->has_overlay)
		return;
	vnetd_rarp_frame(mac, frame);
	if (announce_overlay(d, frame))
		return;		/* still not set up: the next start sends it */
	d->announce_held = false;
	vnetd_log(VNETD_LOG_INFO, "announced %02x:%02x:%02x:%02x:%02x:%02x "
		  "(RARP, overlay, held until the device started)", mac[0],
		  mac[1], mac[2], mac[3], mac[4], mac[5]);
}

int vnetd_announce(struct vnetd *d, const uint8_t mac[6])
{
	uint8_t hdr[VNET_HDR_LEN_MAX], frame[RARP_FRAME_LEN];
	struct iovec v[2];
	ssize_t n;

	if (!d->cfg->tap) {
		vnetd_log(VNETD_LOG_INFO, "SEND_RARP: no tap on the guest's "
			  "segment, nothing announced");
		return 0;
	}
	if (mac[0] & 1) {		/* a group address is no station's */
		vnetd_log(VNETD_LOG_WARN, "SEND_RARP: a group address: "
			  "nothing announced");
		return 0;
	}
	vnetd_rarp_frame(mac, frame);
	if (d->cfg->has_overlay) {	/* the tap is the underlay */
		if (announce_overlay(d, frame)) {
			memcpy(d->announce_mac, mac, 6);
			d->announce_held = true;
			vnetd_log(VNETD_LOG_INFO, "SEND_RARP: the overlay is "
				  "not set up yet, announced when it is");
		} else
			vnetd_log(VNETD_LOG_INFO, "announced %02x:%02x:%02x:"
				  "%02x:%02x:%02x (RARP, overlay)", mac[0],
				  mac[1], mac[2], mac[3], mac[4], mac[5]);
		return 0;
	}
	/* a zero header: no offload, the same in every layout */
	memset(hdr, 0, sizeof(hdr));
	v[0].iov_base = hdr;
	v[0].iov_len = (size_t)d->tap.hdr_len;
	v[1].iov_base = frame;
	v[1].iov_len = sizeof(frame);
	n = vnet_tap_write(&d->tap, 0, v, 2);
	if (n < 0) {
		/* QEMU sends it again (five rounds): not worth the frontend */
		vnetd_log(VNETD_LOG_WARN, "SEND_RARP: tap write: %s",
			  strerror((int)-n));
		return 0;
	}
	vnetd_log(VNETD_LOG_INFO, "announced %02x:%02x:%02x:%02x:%02x:%02x "
		  "(RARP)", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return 0;
}
