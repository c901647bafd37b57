// SPDX-License-Identifier: MIT
/* virtq_split.c - split rings: descriptor table, available ring, used ring */

#include <errno.h>

#include "virtq_priv.h"

/* How many pops ahead a descriptor is prefetched. */
#define SPLIT_PREFETCH_AHEAD	4

/* Ring fields. Every index is reduced modulo the (power of two) size. */
static void *avail_at(const struct vnet_virtq *q, size_t off)
{
	return (uint8_t *)q->driver + off;
}

static void *avail_ring(const struct vnet_virtq *q, uint16_t idx)
{
	return avail_at(q, AVAIL_OFF_RING + 2 * (size_t)(idx & (q->size - 1)));
}

static void *used_event(const struct vnet_virtq *q)
{
	return avail_at(q, AVAIL_OFF_RING + 2 * (size_t)q->size);
}

static void *used_at(const struct vnet_virtq *q, size_t off)
{
	return (uint8_t *)q->device + off;
}

static void *used_elem(const struct vnet_virtq *q, uint16_t idx)
{
	return used_at(q, USED_OFF_RING +
			  USED_ELEM_SIZE * (size_t)(idx & (q->size - 1)));
}

static void *avail_event(const struct vnet_virtq *q)
{
	return used_at(q, USED_OFF_RING + USED_ELEM_SIZE * (size_t)q->size);
}

int virtq_split_setup(struct vnet_virtq *q, const struct vnet_virtq_config *cfg)
{
	uint64_t n = cfg->size;

	/* split-ring.tex, table of alignments and sizes */
	/* one at a time: a miss asks for one mapping per attempt */
	q->desc = virtq_ring_ptr(q, cfg, cfg->desc_addr, DESC_SIZE * n, 16,
				 VNET_IOTLB_RO);
	if (!q->desc)
		return virtq_rings_failed(q);
	q->driver = virtq_ring_ptr(q, cfg, cfg->driver_addr, 6 + 2 * n, 2,
				   VNET_IOTLB_RO);
	if (!q->driver)
		return virtq_rings_failed(q);
	/* read too: the used index where the driver last saw it */
	q->device = virtq_ring_ptr(q, cfg, cfg->device_addr, 6 + 8 * n, 4,
				   q->rings_mapped ? VNET_IOTLB_WO : VNET_IOTLB_RW);
	if (!q->device)
		return virtq_rings_failed(q);
	if (q->rings_mapped)
		return 0;	/* mapped again after an invalidation */
	q->last_avail = q->shadow_avail = (uint16_t)cfg->base;
	/* The used index stays where the driver last saw it. */
	q->used_idx = virtq_load16(q, used_at(q, USED_OFF_IDX));
	/* "If EVENT_IDX ... The device MUST set flags to 0": notify on */
	virtq_store16(q, used_at(q, USED_OFF_FLAGS), 0);
	if (q->event_idx)
		virtq_store16(q, avail_event(q), q->shadow_avail);
	return 0;
}

/* Read avail idx afresh and check it against the used and consumed ones. */
static int split_reload(struct vnet_virtq *q)
{
	/*
	 * split-ring.tex, Updating idx: "The driver MUST perform a suitable
	 * memory barrier before the idx update". This acquire pairs with it:
	 * ring entries and descriptors it exposes are read after idx.
	 */
	uint16_t idx = virtq_load16_acquire(q, avail_at(q, AVAIL_OFF_IDX));
	uint16_t ahead = (uint16_t)(idx - q->used_idx);

	if (ahead > q->size)	/* more heads out than descriptors exist */
		return virtq_bad(q, VNET_VIRTQ_ERR_AVAIL_IDX);
	/* "A driver MUST NOT decrement the available idx" */
	if ((uint16_t)(idx - q->last_avail) > ahead)
		return virtq_bad(q, VNET_VIRTQ_ERR_AVAIL_IDX);
	if (idx != q->shadow_avail && q->event_idx && q->notify_enabled)
		virtq_store16(q, avail_event(q), idx);
	q->shadow_avail = idx;
	return 0;
}

/*
 * Gather an indirect table's chain; @addr, @len, @flags are those of the
 * descriptor pointing to it (copied), @seen_write whether the direct part
 * had a writable one.
 * Out of line and given copies: split_walk() keeps its state in registers.
 */
static __attribute__((noinline)) int
split_indirect(struct vnet_virtq *q, struct vnet_virtq_elem *elem,
	       bool seen_write, uint64_t addr, uint32_t len, uint16_t flags)
{
	struct virtq_walk walk = { .elem = elem, .seen_write = seen_write };
	struct virtq_desc_copy ind = { .addr = addr, .len = len,
				       .flags = flags };
	struct virtq_walk *w = &walk;
	const uint8_t *table;
	unsigned int count, n = 0;
	uint16_t i = 0;

	int ret = virtq_indirect_table(q, &ind, ind.flags & VIRTQ_DESC_F_NEXT,
				       &count, &table);

	if (ret)
		return ret;
	for (;;) {
		struct virtq_desc_copy d;

		if (++n > count)	/* next links loop inside the table */
			return virtq_bad(q, VNET_VIRTQ_ERR_CHAIN_LEN);
		virtq_copy_desc(q, table + DESC_SIZE * (size_t)i, false, &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT)	/* "only one table" */
			return virtq_bad(q, VNET_VIRTQ_ERR_INDIRECT_NESTED);
		ret = virtq_add_buf(q, w, d.addr, d.len,
				    d.flags & VIRTQ_DESC_F_WRITE);
		if (ret)
			return ret;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.next >= count)
			return virtq_bad(q, VNET_VIRTQ_ERR_NEXT);
		i = d.next;
	}
}

/*
 * Gather a chain whose first descriptor (copied: @addr, @len, @flags,
 * @next) has NEXT or INDIRECT: zero or more direct descriptors, optionally
 * ending in one that refers to an indirect table (split-ring.tex, Indirect
 * Descriptors: "The device MUST handle the case of zero or more normal
 * chained descriptors followed by a single descriptor with INDIRECT").
 */
static __attribute__((noinline)) int
split_chain(struct vnet_virtq *q, struct vnet_virtq_elem *elem, uint64_t addr,
	    uint32_t len, uint16_t flags, uint16_t next)
{
	struct virtq_walk w = { .elem = elem };
	struct virtq_desc_copy d = { .addr = addr, .len = len, .flags = flags,
				     .next = next };
	unsigned int n = 1;
	int ret;

	for (;;) {
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			ret = split_indirect(q, elem, w.seen_write, d.addr,
					     d.len, d.flags);
			break;
		}
		ret = virtq_add_buf(q, &w, d.addr, d.len,
				    d.flags & VIRTQ_DESC_F_WRITE);
		if (ret || !(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		if (d.next >= q->size)
			return virtq_bad(q, VNET_VIRTQ_ERR_NEXT);
		if (++n > q->size)	/* longer than the queue: a loop */
			return virtq_bad(q, VNET_VIRTQ_ERR_CHAIN_LEN);
		virtq_copy_desc(q, (uint8_t *)q->desc + DESC_SIZE * (size_t)d.next,
				false, &d);
	}
	elem->ndescs = (uint16_t)n;
	return ret;
}

/*
 * Gather the buffer at @head into @elem, its counts reset here. The head
 * descriptor is copied once; alone (no NEXT, no INDIRECT: nearly every
 * small frame) it is checked and mapped inline, where the compiler knows
 * the element is empty; a chain goes to split_chain() with the copy.
 */
static int split_walk(struct vnet_virtq *q, struct vnet_virtq_elem *elem,
		      uint16_t head)
{
	struct virtq_walk w = { .elem = elem };
	struct virtq_desc_copy d;
	int ret;

	virtq_copy_desc(q, (uint8_t *)q->desc + DESC_SIZE * (size_t)head, false,
			&d);
	/* after the copy's compiler barrier, so the zeros are known below */
	virtq_elem_reset(elem);
	if (d.flags & (VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_INDIRECT))
		return split_chain(q, elem, d.addr, d.len, d.flags, d.next);
	ret = virtq_add_buf(q, &w, d.addr, d.len, d.flags & VIRTQ_DESC_F_WRITE);
	elem->ndescs = 1;
	return ret;
}

/* Pop the next buffer left in flight by an earlier backend. */
static int split_pop_resubmit(struct vnet_virtq *q,
			      struct vnet_virtq_elem *elem)
{
	uint16_t head = q->resubmit[q->resubmit_pos].idx;
	int ret = split_walk(q, elem, head);

	if (ret)
		return ret;
	elem->id = head;
	elem->resubmitted = true;
	q->resubmit_pos++;
	return 1;
}

/*
 * The descriptor of the buffer a few pops ahead, if the driver has made
 * it available: its miss overlaps the work on this one. The entry is
 * read only to make the hint, reduced into the table; it is read again
 * and checked when its turn comes.
 */
static void split_prefetch_ahead(const struct vnet_virtq *q)
{
	uint16_t ahead = (uint16_t)(q->last_avail + SPLIT_PREFETCH_AHEAD);
	uint16_t head;

	if ((uint16_t)(q->shadow_avail - q->last_avail) <= SPLIT_PREFETCH_AHEAD)
		return;
	head = virtq_load16(q, avail_ring(q, ahead));
	__builtin_prefetch((uint8_t *)q->desc +
			   DESC_SIZE * (size_t)(head & (q->size - 1)));
}

/**
 * virtq_split_pop_head() - pop the buffer at @head, the next available one
 * @q:		the queue
 * @elem:	the element (its counts are reset here)
 * @head:	the head index read from the next available entry, checked
 *		to be below the queue size
 *
 * Return: 1; negative as split_walk()
 */
int virtq_split_pop_head(struct vnet_virtq *q, struct vnet_virtq_elem *elem,
			 uint16_t head)
{
	int ret = split_walk(q, elem, head);

	if (ret)
		return ret;
	elem->id = head;
	q->last_avail++;
	if (q->inflight)
		virtq_inflight_split_pop(q, head);
	return 1;
}

/**
 * virtq_split_heads() - read the heads of the next @n available entries
 * @q:		the queue, its available index read (@n at most what it
 *		counted past last_avail)
 * @heads:	the heads, @n entries
 * @n:		entries to read
 *
 * One pass over the available ring for a burst, as DPDK's vhost does:
 * each entry is read once into @heads, checked there (the driver may
 * rewrite the ring meanwhile: the copy is what is used), and its
 * descriptor prefetched so that its miss overlaps the work on the buffers
 * before it. Nothing is consumed: virtq_split_pop_head() does that, in
 * order. The run ends before a head out of range: the caller serves
 * those before it, then breaks the queue for it (ERR_HEAD), as popping
 * them one by one would.
 *
 * Return: heads read and valid (fewer than @n when one is out of range)
 */
unsigned int virtq_split_heads(struct vnet_virtq *q, uint16_t *heads,
			       unsigned int n)
{
	/* the queue's fields in locals: the atomic loads below would have
	 * the compiler read them again on every entry */
	const _Atomic uint16_t *ring = avail_at(q, AVAIL_OFF_RING);
	const uint8_t *desc = q->desc;
	uint16_t size = q->size, at = q->last_avail;
	bool be = q->big_endian;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint16_t v = atomic_load_explicit(&ring[(uint16_t)(at + i) &
							 (size - 1)],
						  memory_order_relaxed);
		uint16_t head = be ? be16toh(v) : le16toh(v);

		if (head >= size)	/* read once, checked once */
			break;
		heads[i] = head;
		__builtin_prefetch(desc + DESC_SIZE * (size_t)head);
	}
	return i;
}

int virtq_split_pop(struct vnet_virtq *q, struct vnet_virtq_elem *elem)
{
	uint16_t head;
	int ret;

	if (q->resubmit_pos < q->nresubmit)	/* these first, by counter */
		return split_pop_resubmit(q, elem);
	if (q->shadow_avail == q->last_avail) {
		ret = split_reload(q);
		if (ret)
			return ret;
		if (q->shadow_avail == q->last_avail)
			return 0;	/* empty */
	}
	head = virtq_load16(q, avail_ring(q, q->last_avail));
	if (head >= q->size)	/* read once, checked once */
		return virtq_bad(q, VNET_VIRTQ_ERR_HEAD);
	split_prefetch_ahead(q);
	return virtq_split_pop_head(q, elem, head);
}

unsigned int virtq_split_avail(struct vnet_virtq *q, unsigned int max)
{
	unsigned int n;

	if (split_reload(q))
		return 0;
	n = (uint16_t)(q->shadow_avail - q->last_avail);
	return n < max ? n : max;
}

void virtq_split_unpop(struct vnet_virtq *q, const struct vnet_virtq_elem *elem)
{
	q->last_avail--;
	if (q->inflight && elem->id < q->size)
		virtq_inflight_split_unpop(q, elem->id);
}

void virtq_split_flush(struct vnet_virtq *q)
{
	uint16_t idx = q->used_idx;
	unsigned int i = 0;

	if (q->inflight)
		virtq_inflight_split_batch(q);
	while (i < q->npending) {
		unsigned int j = virtq_run_end(q, i);
		uint8_t *e = used_elem(q, idx);

		/*
		 * In-order use of descriptors: one entry, "at an offset
		 * matching the first available ring entry in the batch",
		 * with the id of the batch's last buffer.
		 */
		virtq_store32(q, e, q->pending[j].id);
		virtq_store32(q, e + 4, q->pending[j].len);
		q->stats.used_written++;
		idx = (uint16_t)(idx + (j - i + 1));
		i = j + 1;
	}
	/*
	 * split-ring.tex, The Virtqueue Used Ring: "The device MUST set len
	 * prior to updating the used idx". One release for the whole batch.
	 */
	virtq_store16_release(q, used_at(q, USED_OFF_IDX), idx);
	q->used_idx = idx;
	if (q->inflight)
		virtq_inflight_split_used(q, idx);
	if (q->used_since_signal <= UINT32_MAX - q->npending)
		q->used_since_signal += q->npending;
}

bool virtq_split_should_notify(struct vnet_virtq *q, uint32_t published)
{
	uint16_t event, old;

	/*
	 * The used idx store must be visible before flags or used_event are
	 * read (a store-load order, so a full fence): otherwise a driver
	 * that re-enables notifications meanwhile could wait forever.
	 */
	atomic_thread_fence(memory_order_seq_cst);
	if (!q->event_idx)	/* "If flags is 1, SHOULD NOT"; 0: "MUST" */
		return !(virtq_load16(q, avail_at(q, AVAIL_OFF_FLAGS)) &
			 VIRTQ_AVAIL_F_NO_INTERRUPT);
	if (published > UINT16_MAX)
		return true;	/* idx went all the way round */
	event = virtq_load16(q, used_event(q));
	old = (uint16_t)(q->used_idx - published);
	/*
	 * "If the idx field in the used ring (which determined where that
	 * descriptor index was placed) was equal to used_event, the device
	 * MUST send a notification": used_event in [old, new), which is
	 * vring_need_event().
	 */
	return (uint16_t)(q->used_idx - event - 1) <
	       (uint16_t)(q->used_idx - old);
}

int virtq_split_enable_notify(struct vnet_virtq *q)
{
	uint16_t seen = q->shadow_avail;
	int ret;

	/* "until the driver writes entry with an index specified by
	 * avail_event" */
	if (q->event_idx)
		virtq_store16(q, avail_event(q), seen);
	else
		virtq_store16(q, used_at(q, USED_OFF_FLAGS), 0);
	/* Store before re-reading idx: "re-checking ... after notifications
	 * are re-enabled" (Receiving Used Buffers), device side. */
	atomic_thread_fence(memory_order_seq_cst);
	ret = split_reload(q);
	if (ret)
		return ret;
	return q->shadow_avail != seen;
}

void virtq_split_disable_notify(struct vnet_virtq *q)
{
	/* With EVENT_IDX avail_event simply stops moving ("MUST set flags
	 * to 0"); without, VIRTQ_USED_F_NO_NOTIFY. */
	if (!q->event_idx)
		virtq_store16(q, used_at(q, USED_OFF_FLAGS),
			      VIRTQ_USED_F_NO_NOTIFY);
}

int virtq_split_hint(struct vnet_virtq *q, uint16_t next)
{
	/* next_off and next_wrap: all 16 bits of the driver's avail idx */
	return next != q->last_avail;
}

int virtq_split_set_base(struct vnet_virtq *q, uint32_t base)
{
	q->last_avail = q->shadow_avail = (uint16_t)base;
	if (q->event_idx && q->notify_enabled)
		virtq_store16(q, avail_event(q), q->shadow_avail);
	return 0;
}
