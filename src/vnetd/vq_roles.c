// SPDX-License-Identifier: MIT
/* vq_roles.c - what each virtqueue is to vnetd, and which pairs take frames: the tap queues read, the others detached */

#include <errno.h>
#include <string.h>

#include "daemon.h"
#include "log.h"

/*
 * The roles come from the features the frontend acked, through
 * vnet_vq_role() only: index 2 is the control queue of a driver that
 * negotiated CTRL_VQ without MQ or RSS, and pair 2's receive queue with
 * them. The acked set, not the one left after drop_ctrl_features(): a
 * frontend that keeps the control queue (QEMU, DPDK's virtio-user) acks
 * MQ without CTRL_VQ, and its pairs are all data queues still.
 */
void vnetd_vq_map_set(struct vnetd *d, const struct vnet_features *acked)
{
	vnet_vq_map_init(&d->vq_map, acked, (uint16_t)d->cfg->queues);
}

enum vnet_vq_role vnetd_vq_role(const struct vnetd *d, unsigned int vq,
				unsigned int *pair)
{
	unsigned int p;
	enum vnet_vq_role r = vnet_vq_role(&d->vq_map, vq, &p);

	if ((r == VNET_VQ_RX || r == VNET_VQ_TX) && p >= d->cfg->queues)
		return VNET_VQ_UNUSED;	/* the map is made for cfg->queues */
	if (pair)
		*pair = p;
	return r;
}

/*
 * Whether this device serves the control queue: negotiated, and its ring
 * runs here. QEMU acks CTRL_VQ yet keeps the queue (its ring never starts
 * in the backend), DPDK's virtio-user strips the bit: both carry
 * VQ_PAIRS_SET out as SET_VRING_ENABLE on the pairs' rings.
 */
static bool ctrl_served(struct vnetd *d)
{
	return d->vq_map.ctrl &&
	       vnet_vu_queue(d->vu, 2u * d->vq_map.pairs) != NULL;
}

/*
 * Whether pair @p may take frames now: its receive queue is one of the
 * layout and runs, and, when the control queue is served here, the
 * driver enabled the pair with VQ_PAIRS_SET or RSS_CONFIG (one pair after
 * a reset).
 */
static bool pair_receives(struct vnetd *d, unsigned int p)
{
	if (!d->ready || vnetd_vq_role(d, 2 * p, NULL) != VNET_VQ_RX)
		return false;
	if (!vnet_vu_queue(d->vu, 2 * p))
		return false;
	return !ctrl_served(d) || p < vnet_dev_rx_pairs(&d->dev);
}

/*
 * A pair's tap queue stays attached while the pair takes frames (the
 * first one always: it carries the tap's settings, and holds frames for
 * the guest as before). Detached, the kernel sends its flows to the
 * attached queues: no flow is lost to a queue nobody reads.
 */
static void tap_queue_follow(struct vnetd *d, unsigned int p, bool on)
{
	int err;

	if (!d->cfg->tap || !p || d->tap.nqueues <= p ||
	    d->tap.detached[p] == !on)
		return;
	err = vnet_tap_attach_queue(&d->tap, p, on);
	if (err)
		vnetd_log(VNETD_LOG_WARN, "tap queue %u: cannot %s it: %s", p,
			  on ? "attach" : "detach", strerror(-err));
}

void vnetd_rx_pairs_update(struct vnetd *d)
{
	unsigned int p;

	for (p = 0; p < d->cfg->queues; p++) {
		struct vnetd_qp *qp = &d->qp[p];
		bool on = pair_receives(d, p);

		if (!on && qp->rx_on) {
			qp->rx_on = false;
			vnetd_tap_poll(qp, false);
		}
		tap_queue_follow(d, p, on);
		if (on && p && d->cfg->tap && d->tap.detached[p])
			on = false;	/* could not attach: not read */
		if (on && !qp->rx_on) {
			qp->rx_on = true;
			vnetd_rx_kick(d, 2 * p);	/* take what it holds */
		}
	}
}

unsigned int vnetd_tap_tx_queue(const struct vnetd *d, unsigned int pair)
{
	/* a detached queue takes no frame: the first one carries it */
	return pair < d->tap.nqueues && !d->tap.detached[pair] ? pair : 0;
}
