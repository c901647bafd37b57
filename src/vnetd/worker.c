// SPDX-License-Identifier: MIT
/* worker.c - one thread per queue pair: its kicks, its tap queue */

#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"

/* Busy polling: serve the pair whether or not it was kicked. */
static void poll_pair(struct vnetd *d, struct vnetd_qp *qp)
{
	vnetd_tx_process(d, qp->index * 2 + 1);
	if (d->cfg->tap && !d->cfg->null_rx && !qp->rx_waiting)
		vnetd_rx_ready(d, qp->index);
}

/* Whether the worker has work left without waiting for an event. */
static bool busy(const struct vnetd *d, const struct vnetd_qp *qp)
{
	return d->cfg->busy_poll || d->cfg->null_rx || qp->tx_more ||
	       qp->rx_more;
}

/* Return: false when the daemon stops. */
static bool serve(struct vnetd *d, struct vnetd_qp *qp,
		  const struct epoll_event *ev, int n)
{
	bool rx_more = qp->rx_more;
	int i;

	for (i = 0; i < n; i++) {
		uint64_t tag = ev[i].data.u64;
		unsigned int idx = (unsigned int)tag;

		if (tag >> 32 == VNETD_EV_STOP)
			return false;
		if (tag >> 32 == VNETD_EV_KICK) {
			vnetd_kick_pair(qp, idx);
		} else if (tag >> 32 == VNETD_EV_TAP) {
			vnetd_rx_ready(d, idx);
			rx_more = false;
		} else if (tag >> 32 == VNETD_EV_STEER) {
			vnetd_steer_event(qp);	/* RSS: frames from others */
			vnetd_rx_ready(d, idx);
			rx_more = false;
		}
	}
	if (d->cfg->null_rx)
		vnetd_null_rx(d, qp->index);
	if (d->cfg->busy_poll)
		poll_pair(d, qp);
	else if (qp->tx_more)
		vnetd_tx_process(d, qp->index * 2 + 1);
	if (rx_more && !d->cfg->busy_poll && !qp->rx_waiting)
		vnetd_rx_ready(d, qp->index);
	return true;
}

/*
 * Passes in a row that skip the look for events while the transmit queue
 * has more than a burst waiting: a system call per pass is a large part
 * of a pass of small frames, and kicks, the tap and the stop request can
 * wait a few bursts (they are seen at the next look, nothing is lost).
 */
#define WORKER_SKIP_MAX	8

static void *worker_main(void *arg)
{
	struct vnetd_qp *qp = arg;
	struct vnetd *d = qp->d;
	struct epoll_event ev[16];
	bool go = true, more = d->cfg->busy_poll || d->cfg->null_rx;
	bool full = false;	/* the last pass took a whole transmit burst */
	unsigned int skipped = 0;
	int n, timer = -1;

	while (go) {
		if (full && skipped < WORKER_SKIP_MAX) {
			n = 0;		/* a full burst: straight to the next */
			skipped++;
		} else {
			/* no event: the earliest coalesced notification
			 * still wakes us */
			n = epoll_wait(qp->epfd, ev, 16, more ? 0 : timer);
			skipped = 0;
		}
		if (n < 0 && errno != EINTR)
			break;
		pthread_rwlock_rdlock(&d->lock);
		go = serve(d, qp, ev, n < 0 ? 0 : n);
		/* read under the lock: the main thread may serve this pair's
		 * receive queue too (a queue that starts takes the tap's) */
		more = busy(d, qp);
		full = qp->tx_more;
		timer = vnetd_notify_timers(d, qp);
		pthread_rwlock_unlock(&d->lock);
	}
	return NULL;
}

int vnetd_workers_start(struct vnetd *d)
{
	unsigned int q;
	int err;

	for (q = 0; q < d->cfg->queues; q++) {
		struct epoll_event e = { .events = EPOLLIN,
					 .data.u64 = vnetd_tag(VNETD_EV_STOP, 0) };

		if (epoll_ctl(d->qp[q].epfd, EPOLL_CTL_ADD, d->stop_fd, &e))
			return -errno;
		err = pthread_create(&d->qp[q].thread, NULL, worker_main,
				     &d->qp[q]);
		if (err)
			return -err;
	}
	return 0;
}

void vnetd_workers_stop(struct vnetd *d)
{
	uint64_t one = 1;
	unsigned int q;

	if (write(d->stop_fd, &one, sizeof(one)) != sizeof(one))
		vnetd_log(VNETD_LOG_ERR, "cannot stop the workers");
	for (q = 0; q < d->cfg->queues; q++)
		pthread_join(d->qp[q].thread, NULL);
}
