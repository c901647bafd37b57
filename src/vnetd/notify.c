// SPDX-License-Identifier: MIT
/* notify.c - used buffer notifications of the data queues, coalesced as the driver asks */

/*
 * With NOTF_COAL or VQ_NOTF_COAL the driver sets, per queue, how many
 * packets and how many microseconds a notification may wait for
 * ("Notifications Coalescing"); the library's coal.c keeps the count and
 * says when the conditions are met. Each pair's worker owns its two
 * queues' state and the timer: it sleeps no longer than the earliest
 * max_usecs deadline (rounded up to a millisecond: best effort, which
 * NET-COAL-07 allows). Parameters all zero, as after reset, notify after
 * every burst, as vnetd always did.
 */

#include <errno.h>
#include <pthread.h>

#include "daemon.h"
#include "log.h"

static uint64_t now_us(void)
{
	return vnetd_now_ns() / 1000;
}

/* Signal the driver, if its flags or event index ask for it, and count
 * it; a write the frontend's call fd did not take is counted too. */
static void send_now(struct vnetd *d, unsigned int vq)
{
	enum vnet_vq_role role = vnetd_vq_role(d, vq, NULL);
	int rc = vnet_vu_notify(d->vu, vq);

	if (rc < 0 && rc != -ENODEV)
		vnetd_stats_count(&d->stats, VNETD_NOTIFY_FAILED);
	else if (rc == 1 && role != VNET_VQ_CTRL)	/* a pair's queue */
		vnetd_stats_add(d->qp[vq / 2].stats, vq % 2 ?
				VNETD_TX_INTERRUPTS : VNETD_RX_INTERRUPTS, 1);
}

void vnetd_notify(struct vnetd *d, unsigned int vq, unsigned int packets)
{
	struct vnet_coal *c = vnet_dev_coal(&d->dev, (uint16_t)vq);
	uint64_t now = now_us();
	bool due;

	if (!c)
		return send_now(d, vq);
	due = vnet_coal_packets(c, now, packets, false);
	/* only the pair's worker keeps a timer: from another thread (a queue
	 * that starts, served by the main loop) nothing may wait */
	if (!due && c->pending &&
	    !pthread_equal(pthread_self(), d->qp[vq / 2].thread)) {
		vnet_coal_reset(c, &c->params);
		due = true;
	}
	if (due)
		send_now(d, vq);
}

/* One queue's timer: notify if max_usecs passed; return its deadline. */
static uint64_t queue_timer(struct vnetd *d, unsigned int vq, uint64_t now)
{
	struct vnet_coal *c = vnet_dev_coal(&d->dev, (uint16_t)vq);

	if (!c)
		return UINT64_MAX;
	if (vnet_coal_poll(c, now, false))
		send_now(d, vq);
	return vnet_coal_deadline(c);
}

int vnetd_notify_timers(struct vnetd *d, const struct vnetd_qp *qp)
{
	uint64_t now = now_us(), next, rx, tx, ms;

	if (!d->ready)
		return -1;
	rx = queue_timer(d, qp->index * 2, now);
	tx = queue_timer(d, qp->index * 2 + 1, now);
	next = rx < tx ? rx : tx;
	if (next == UINT64_MAX)
		return -1;
	if (next <= now)
		return 0;
	/* rounded up: waking early would only find nothing due */
	ms = (next - now + 999) / 1000;
	return ms > 60000 ? 60000 : (int)ms;
}

void vnetd_notify_recheck(struct vnetd *d)
{
	unsigned int vq;
	uint64_t now = now_us();

	for (vq = 0; vq < 2 * d->cfg->queues; vq++) {
		struct vnet_coal *c = vnet_dev_coal(&d->dev, (uint16_t)vq);

		if (c && vnet_coal_poll(c, now, false))
			send_now(d, vq);
	}
}
