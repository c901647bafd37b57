// SPDX-License-Identifier: MIT
/* rx_steer.c - receive steering across workers: lock-free rings between pairs */

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "daemon.h"
#include "rx_steer.h"
#include "vnet/dev_rx.h"
#include "vnet/parse.h"

/* Ring bytes: room for several 64 KiB super-frames, or hundreds of MTU
 * frames; less with many pairs (one ring per ordered pair of pairs). */
#define RING_BYTES		(1u << 19)
#define RING_BYTES_MANY		(1u << 17)
#define RING_MANY_PAIRS		8
#define REC_ALIGN		64
/* A record length that marks the rest of the ring as padding. */
#define REC_WRAP		UINT32_MAX

/**
 * struct vnetd_steer_ring - frames from one pair to another
 * @head:	bytes ever written (the producer's; release after the bytes)
 * @tail:	bytes ever consumed (the consumer's; release after reading)
 * @mask:	ring bytes - 1
 * @buf:	the bytes, records of struct steer_rec then the frame
 */
struct vnetd_steer_ring {
	_Alignas(64) _Atomic uint64_t head;
	_Alignas(64) _Atomic uint64_t tail;
	_Alignas(64) uint64_t mask;
	uint8_t *buf;
};

/**
 * struct steer_rec - one frame in a ring, at a REC_ALIGN offset
 * @len:	frame bytes after the record, or REC_WRAP
 * @hash:	the hash the device computed
 * @hdr:	the host-side header, decoded (struct vnet_rx_frame's)
 * @segs:	struct vnet_rx_frame's
 * @csum_ok:	struct vnet_rx_frame's
 */
struct steer_rec {
	uint32_t len;
	struct vnet_rss_hash hash;
	struct vnet_hdr hdr;
	uint16_t segs;
	bool csum_ok;
};

static uint64_t rec_size(uint32_t len)
{
	return ((uint64_t)sizeof(struct steer_rec) + len + REC_ALIGN - 1) &
	       ~(uint64_t)(REC_ALIGN - 1);
}

static struct steer_rec *rec_at(const struct vnetd_steer_ring *r,
				uint64_t pos)
{
	return (struct steer_rec *)(void *)(r->buf + (pos & r->mask));
}

/* Producer: a copy of @f and its hash; -ENOBUFS when it does not fit. */
static int ring_push(struct vnetd_steer_ring *r, const struct vnet_rx_frame *f,
		     const struct vnet_rss_hash *h)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	uint64_t size = r->mask + 1, room = size - (head - tail);
	uint64_t to_end = size - (head & r->mask), need;
	size_t len = vnet_pkt_len(&f->pkt);
	struct steer_rec *rec;

	if (len > VNETD_FRAME_MAX)
		return -ENOBUFS;	/* never read from a tap */
	need = rec_size((uint32_t)len);
	if (need > to_end) {		/* wrap: pad to the end first */
		if (room < to_end + need)
			return -ENOBUFS;
		rec_at(r, head)->len = REC_WRAP;
		head += to_end;
	} else if (room < need) {
		return -ENOBUFS;
	}
	rec = rec_at(r, head);
	if (vnet_pkt_read(&f->pkt, 0, rec + 1, len))
		return -ENOBUFS;	/* never: len is the frame's */
	rec->len = (uint32_t)len;
	rec->hash = *h;
	rec->hdr = f->hdr;
	rec->segs = f->segs;
	rec->csum_ok = f->csum_ok;
	atomic_store_explicit(&r->head, head + need, memory_order_release);
	return 0;
}

/* Consumer: the first record, past any padding; NULL when empty. */
static struct steer_rec *ring_peek(struct vnetd_steer_ring *r)
{
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);

	if (tail == head)
		return NULL;
	if (rec_at(r, tail)->len == REC_WRAP) {
		tail += r->mask + 1 - (tail & r->mask);
		atomic_store_explicit(&r->tail, tail, memory_order_release);
		if (tail == head)
			return NULL;
	}
	return rec_at(r, tail);
}

static void ring_pop(struct vnetd_steer_ring *r, const struct steer_rec *rec)
{
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

	atomic_store_explicit(&r->tail, tail + rec_size(rec->len),
			      memory_order_release);
}

static int ring_alloc(struct vnetd_steer_ring *r, size_t bytes)
{
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	r->mask = bytes - 1;
	r->buf = aligned_alloc(REC_ALIGN, bytes);	/* touched when used */
	return r->buf ? 0 : -ENOMEM;
}

/* Steering needs other pairs to steer to, and a tap to read from. */
static bool steer_wanted(const struct vnetd *d)
{
	return d->cfg->queues > 1 && d->cfg->tap && !d->cfg->null_rx;
}

int vnetd_steer_init(struct vnetd_qp *qp)
{
	struct vnetd *d = qp->d;
	struct vnetd_steer *s = &qp->steer;
	struct epoll_event e = { .events = EPOLLIN,
				 .data.u64 = vnetd_tag(VNETD_EV_STEER,
						       qp->index) };
	size_t bytes = d->cfg->queues > RING_MANY_PAIRS ? RING_BYTES_MANY :
							   RING_BYTES;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->wake_fd = -1;
	if (!steer_wanted(d))
		return 0;
	s->rings = aligned_alloc(64, d->cfg->queues * sizeof(*s->rings));
	if (!s->rings)
		return -ENOMEM;
	memset(s->rings, 0, d->cfg->queues * sizeof(*s->rings));
	s->nrings = d->cfg->queues;
	for (i = 0; i < s->nrings; i++)
		if (i != qp->index && ring_alloc(&s->rings[i], bytes))
			return -ENOMEM;
	s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->wake_fd < 0)
		return -errno;
	if (epoll_ctl(qp->epfd, EPOLL_CTL_ADD, s->wake_fd, &e))
		return -errno;
	return 0;
}

void vnetd_steer_fini(struct vnetd_qp *qp)
{
	struct vnetd_steer *s = &qp->steer;
	unsigned int i;

	for (i = 0; s->rings && i < s->nrings; i++)
		free(s->rings[i].buf);
	free(s->rings);
	if (s->wake_fd >= 0)
		close(s->wake_fd);
	s->rings = NULL;
	s->nrings = 0;
	s->wake_fd = -1;
}

void vnetd_steer_reset(struct vnetd_qp *qp)
{
	struct vnetd_steer *s = &qp->steer;
	unsigned int i;

	for (i = 0; s->rings && i < s->nrings; i++) {
		atomic_store(&s->rings[i].head, 0);
		atomic_store(&s->rings[i].tail, 0);
	}
	s->wake = 0;
	s->next = 0;
	s->resume = false;
	s->hashing = vnet_dev_has(&qp->d->dev, VNET_F_RSS) ||
		     vnet_dev_has(&qp->d->dev, VNET_F_HASH_REPORT);
	memset(&s->hash, 0, sizeof(s->hash));
}

/* The frame to pair @to: copied into its ring from this pair. */
static void steer_to(struct vnetd_qp *qp, const struct vnet_rx_frame *f,
		     unsigned int to)
{
	struct vnetd *d = qp->d;
	struct vnetd_steer *dst = &d->qp[to].steer;

	/* "Processing of Incoming Packets": a queue being reset takes none */
	if (to >= dst->nrings || !d->qp[to].rx_ready || !d->qp[to].rx_on ||
	    !vnet_vu_queue(d->vu, 2 * to))
		return vnetd_stats_drop(qp->stats, VNETD_DROP_RX_QUEUE_OFF);
	if (ring_push(&dst->rings[qp->index], f, &qp->steer.hash))
		return vnetd_stats_drop(qp->stats, VNETD_DROP_RX_STEER_FULL);
	qp->steer.wake |= 1ULL << to;
	vnetd_stats_add(qp->stats, VNETD_RX_STEERED, 1);
}

/* The device model's verdict on a frame: hash and receive queue. */
static void classify(struct vnetd_qp *qp, const struct vnet_pkt *pkt,
		     struct vnet_rx_verdict *v)
{
	struct vnet_parse_result res;
	bool parsed = vnet_parse(pkt, NULL, &res) == 0;

	vnet_dev_rx_steer(&qp->d->dev, pkt, parsed ? &res : NULL, v);
	qp->steer.hash = v->hash;
}

void vnetd_steer_hash(struct vnetd_qp *qp, const struct vnet_pkt *pkt)
{
	struct vnet_rx_verdict v;

	classify(qp, pkt, &v);
}

bool vnetd_steer_frame(struct vnetd_qp *qp, const struct vnet_rx_frame *f)
{
	struct vnetd *d = qp->d;
	struct vnet_rx_verdict v;

	classify(qp, &f->pkt, &v);
	if (d->dev.mq != VNET_MQ_RSS || v.queue == qp->index ||
	    !qp->steer.rings)
		return false;	/* RSS not configured, or this pair's */
	steer_to(qp, f, v.queue);
	return true;
}

/* One record to this pair's guest, as if read from its own tap queue: the
 * frame is taken (captured, coalesced or put in hand) once, and given
 * again while it waits for buffers. */
static int deliver_rec(struct vnetd_qp *qp, struct steer_rec *rec)
{
	struct vnetd_steer *s = &qp->steer;
	struct vnet_rx_frame *f = &s->frame;
	int rc;

	if (!s->resume) {
		memset(f, 0, sizeof(*f));
		f->hdr = rec->hdr;
		f->segs = rec->segs;
		f->csum_ok = rec->csum_ok;
		f->iov.iov_base = rec + 1;
		f->iov.iov_len = rec->len;
		vnet_pkt_init(&f->pkt, &f->iov, 1);
		s->hash = rec->hash;
		if (!vnetd_rx_own(qp, f))
			return 0;	/* coalesced (copied), or dropped */
	}
	s->hash = rec->hash;
	rc = vnetd_rx_give(qp);
	s->resume = rc == -EAGAIN;
	return rc;
}

int vnetd_steer_drain(struct vnetd_qp *qp)
{
	struct vnetd_steer *s = &qp->steer;
	unsigned int i, budget = VNETD_RX_BURST;
	struct steer_rec *rec;

	for (i = 0; i < s->nrings && budget; i++) {
		unsigned int from = (s->next + i) % s->nrings;

		if (from == qp->index)
			continue;
		while (budget && (rec = ring_peek(&s->rings[from]))) {
			if (deliver_rec(qp, rec) == -EAGAIN) {
				s->next = from;	/* resumed first */
				return -EAGAIN;
			}
			qp->pending_done = 0;
			ring_pop(&s->rings[from], rec);
			budget--;
		}
	}
	if (s->nrings)
		s->next = (s->next + 1) % s->nrings;
	return 0;
}

/* Frames wait in this pair's rings. */
static bool steer_backlog(struct vnetd_qp *qp)
{
	struct vnetd_steer *s = &qp->steer;
	unsigned int i;

	for (i = 0; i < s->nrings; i++)
		if (i != qp->index &&
		    atomic_load_explicit(&s->rings[i].head, memory_order_acquire) !=
		    atomic_load_explicit(&s->rings[i].tail, memory_order_relaxed))
			return true;
	return false;
}

void vnetd_steer_wake(struct vnetd_qp *qp, bool waiting)
{
	struct vnetd *d = qp->d;
	uint64_t one = 1, w;

	if (!waiting && steer_backlog(qp))
		qp->steer.wake |= 1ULL << qp->index;	/* come back */
	w = qp->steer.wake;

	qp->steer.wake = 0;
	while (w) {
		unsigned int to = (unsigned int)__builtin_ctzll(w);

		w &= w - 1;
		/* a full counter (never, at one write per burst) is awake */
		if (write(d->qp[to].steer.wake_fd, &one, sizeof(one)) < 0)
			continue;
	}
}

void vnetd_steer_event(struct vnetd_qp *qp)
{
	uint64_t v;

	if (qp->steer.wake_fd >= 0 &&
	    read(qp->steer.wake_fd, &v, sizeof(v)) < 0)
		return;		/* EAGAIN: read already */
}
