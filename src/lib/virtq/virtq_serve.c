// SPDX-License-Identifier: MIT
/* virtq_serve.c - serving a burst of a queue: the ring read once, one gate, one flush */

#include "virtq_priv.h"
#include "vnet/virtq_serve.h"

/* Heads read from the available ring per look (a burst may take more). */
#define SERVE_HEADS	64

/* Every queue: each buffer through the public pop and push. */
static unsigned int serve_each(struct vnet_virtq *q,
			       struct vnet_virtq_elem *elem,
			       unsigned int budget, vnet_virtq_serve_fn fn,
			       void *opaque)
{
	unsigned int n;
	uint32_t len;

	for (n = 0; n < budget; n++) {
		if (vnet_virtq_pop(q, elem) != 1)
			break;
		len = fn(elem, opaque);
		if (len == VNET_VIRTQ_SERVE_LATER) {
			vnet_virtq_unpop(q, elem);	/* popped last: fine */
			break;
		}
		vnet_virtq_push(q, elem, len);
	}
	return n;
}

/*
 * A buffer just popped: counted, served, queued for the flush. Return: 1
 * served, 0 when the pass must end (@fn said later: the buffer given
 * back; or the push was refused). Inline in each format's loop.
 */
static inline __attribute__((always_inline)) int
serve_popped(struct vnet_virtq *q, struct vnet_virtq_elem *elem,
	     vnet_virtq_serve_fn fn, void *opaque)
{
	uint32_t len;

	elem->seq = q->pop_seq++;
	q->stats.popped++;
	len = fn(elem, opaque);
	if (len == VNET_VIRTQ_SERVE_LATER) {
		vnet_virtq_unpop(q, elem);
		return 0;
	}
	/* @fn may have attached a log or failed the queue: the full push */
	if (__builtin_expect(q->log.bitmap != NULL || q->err, 0))
		return vnet_virtq_push(q, elem, len) ? 0 : 1;
	virtq_pending_add(q, elem, len);
	return 1;
}

/* One split buffer, its head read and checked by virtq_split_heads().
 * Return: as serve_popped(); 0 too when a guest fault broke the queue. */
static int serve_head(struct vnet_virtq *q, struct vnet_virtq_elem *elem,
		      uint16_t head, vnet_virtq_serve_fn fn, void *opaque)
{
	if (virtq_split_pop_head(q, elem, head) != 1)	/* resets @elem */
		return 0;
	return serve_popped(q, elem, fn, opaque);
}

/* A packed ring: each buffer popped by the format's own pop (its
 * descriptors are read in place, there is no ring of heads to batch),
 * without the public gate around each pop and push. */
static unsigned int serve_packed(struct vnet_virtq *q,
				 struct vnet_virtq_elem *elem,
				 unsigned int budget, vnet_virtq_serve_fn fn,
				 void *opaque)
{
	unsigned int n;

	for (n = 0; n < budget; n++) {
		virtq_elem_reset(elem);
		if (virtq_packed_pop(q, elem) != 1)
			break;
		if (!serve_popped(q, elem, fn, opaque))
			break;
	}
	return n;
}

/*
 * A split ring as DPDK's vhost serves it: the heads of the burst read in
 * one pass (the available index was read by vnet_virtq_avail()), then each
 * buffer walked and served without going through the public gate again.
 */
static unsigned int serve_split(struct vnet_virtq *q,
				struct vnet_virtq_elem *elem,
				unsigned int budget, vnet_virtq_serve_fn fn,
				void *opaque)
{
	uint16_t heads[SERVE_HEADS];
	unsigned int n = 0, want, got, i;

	while (n < budget) {
		want = budget - n < SERVE_HEADS ? budget - n : SERVE_HEADS;
		got = virtq_split_heads(q, heads, want);
		for (i = 0; i < got; i++) {
			if (!serve_head(q, elem, heads[i], fn, opaque))
				return n;
			n++;
		}
		if (got < want) {	/* a head out of range, its turn now */
			virtq_bad(q, VNET_VIRTQ_ERR_HEAD);
			return n;
		}
	}
	return n;
}

/* The fast pass applies: nothing that must see each pop (inflight
 * region, buffers to resubmit, IOTLB, dirty log). */
static bool serve_fast(const struct vnet_virtq *q)
{
	return !q->inflight && !q->iotlb && !q->log.bitmap &&
	       !vnet_virtq_resubmit_pending(q);
}

unsigned int vnet_virtq_serve(struct vnet_virtq *q,
			      struct vnet_virtq_elem *elem,
			      unsigned int burst, vnet_virtq_serve_fn fn,
			      void *opaque, bool *again)
{
	unsigned int budget = vnet_virtq_avail(q, burst), n;

	if (budget && serve_fast(q) && !q->packed)
		n = serve_split(q, elem, budget, fn, opaque);
	else if (budget && serve_fast(q))
		n = serve_packed(q, elem, budget, fn, opaque);
	else
		n = serve_each(q, elem, budget, fn, opaque);
	if (n)
		vnet_virtq_flush(q);
	*again = n && n == budget;
	return n;
}
