// SPDX-License-Identifier: MIT
/* virtq_packed.c - packed rings: one descriptor ring, wrap counters, event suppression */

#include <errno.h>

#include "virtq_priv.h"

static uint8_t *pdesc(const struct vnet_virtq *q, uint16_t pos)
{
	return (uint8_t *)q->desc + DESC_SIZE * (size_t)pos;
}

static void *event_at(void *area, size_t off)
{
	return (uint8_t *)area + off;
}

/*
 * packed-ring.tex, Driver and Device Ring Wrap Counters: available when
 * AVAIL matches the driver's wrap counter and USED does not ("the bits are
 * different for an available descriptor").
 */
static bool desc_is_avail(uint16_t flags, bool wrap)
{
	return !!(flags & VIRTQ_DESC_F_AVAIL) == wrap &&
	       !!(flags & VIRTQ_DESC_F_USED) != wrap;
}

/* Move a ring offset forward by @n <= size, flipping the wrap counter. */
static void advance(const struct vnet_virtq *q, uint16_t *pos, bool *wrap,
		    uint32_t n)
{
	uint32_t p = *pos + n;

	if (p >= q->size) {
		p -= q->size;
		*wrap = !*wrap;
	}
	*pos = (uint16_t)p;
}

/* Move a ring offset back by @n <= size. */
static void retreat(const struct vnet_virtq *q, uint16_t *pos, bool *wrap,
		    uint32_t n)
{
	if (*pos >= n) {
		*pos = (uint16_t)(*pos - n);
		return;
	}
	*pos = (uint16_t)(*pos + q->size - n);
	*wrap = !*wrap;
}

int virtq_packed_setup(struct vnet_virtq *q,
		       const struct vnet_virtq_config *cfg)
{
	uint64_t n = cfg->size;

	/* packed-ring.tex, Structure Size and Alignment */
	/* the device writes used descriptors into the descriptor ring */
	q->desc = virtq_ring_ptr(q, cfg, cfg->desc_addr, DESC_SIZE * n, 16,
				 VNET_IOTLB_RW);
	if (!q->desc)
		return virtq_rings_failed(q);	/* one miss per attempt */
	q->driver = virtq_ring_ptr(q, cfg, cfg->driver_addr, EVENT_SIZE, 4,
				   VNET_IOTLB_RO);
	if (!q->driver)
		return virtq_rings_failed(q);
	q->device = virtq_ring_ptr(q, cfg, cfg->device_addr, EVENT_SIZE, 4,
				   VNET_IOTLB_WO);
	if (!q->device)
		return virtq_rings_failed(q);
	if (q->rings_mapped)
		return 0;	/* mapped again after an invalidation */
	if (virtq_packed_set_base(q, cfg->base))
		return -EINVAL;
	/* Device event suppression is written only by the device: enable. */
	virtq_store16(q, event_at(q->device, EVENT_OFF_OFF_WRAP), 0);
	virtq_store16(q, event_at(q->device, EVENT_OFF_FLAGS),
		      RING_EVENT_FLAGS_ENABLE);
	return 0;
}

/* Gather the table an indirect descriptor refers to: all len / 16 entries
 * in order ("additional indirect descriptors come immediately afterwards"). */
static int packed_indirect(struct vnet_virtq *q, struct virtq_walk *w,
			   const struct virtq_desc_copy *ind, bool chained)
{
	const uint8_t *table;
	unsigned int count, i;
	int ret;

	/* "MUST NOT write direct descriptors with VIRTQ_DESC_F_INDIRECT set
	 * in a scatter-gather list linked by VIRTQ_DESC_F_NEXT" */
	ret = virtq_indirect_table(q, ind, chained, &count, &table);
	if (ret)
		return ret;
	for (i = 0; i < count; i++) {
		struct virtq_desc_copy d;

		/* "The VIRTQ_DESC_F_WRITE flags bit is the only valid flag
		 * for descriptors in the indirect table. Others are reserved
		 * and are ignored by the device." */
		virtq_copy_desc(q, table + DESC_SIZE * (size_t)i, true, &d);
		/* DPDK 22.11's virtio PMD presets WRITE on every entry of
		 * its packed transmit tables (vring_desc_init_indirect_packed)
		 * and never clears it on the header entry: on a queue the
		 * device only reads, the bit is taken as a leftover */
		if (q->dir == VNET_VIRTQ_DIR_OUT)
			d.flags &= (uint16_t)~VIRTQ_DESC_F_WRITE;
		ret = virtq_add_buf(q, w, d.addr, d.len,
				    d.flags & VIRTQ_DESC_F_WRITE);
		if (ret)
			return ret;
	}
	return 0;
}

/* packed_indirect() from packed_walk(), given copies: out of line, so
 * that the walk keeps its descriptor and state in registers. */
static __attribute__((noinline)) int
packed_indirect_at(struct vnet_virtq *q, struct vnet_virtq_elem *elem,
		   bool seen_write, uint64_t addr, uint32_t len, uint16_t flags,
		   bool chained)
{
	struct virtq_walk w = { .elem = elem, .seen_write = seen_write };
	struct virtq_desc_copy d = { .addr = addr, .len = len, .flags = flags };

	return packed_indirect(q, &w, &d, chained);
}

/* virtq_inflight_packed_record() of a copy, out of line likewise. */
static __attribute__((noinline)) int
packed_record(struct vnet_virtq *q, struct virtq_inflight_rec *rec,
	      uint64_t addr, uint32_t len, uint16_t flags, uint16_t id)
{
	struct virtq_desc_copy d = { .addr = addr, .len = len, .flags = flags,
				     .next = id };

	return virtq_inflight_packed_record(q, rec, &d);
}

/* Flags of the next descriptor of a list, which must be available too. */
static int next_flags(struct vnet_virtq *q, uint16_t pos, bool wrap,
		      uint16_t *flags)
{
	/* Ordered by the acquire on the list's first flags: the driver
	 * writes the rest of the list before exposing the first. */
	*flags = virtq_load16(q, pdesc(q, pos) + PDESC_OFF_FLAGS);
	if (!desc_is_avail(*flags, wrap))	/* "MUST NOT make the first
						 * ... available before all
						 * subsequent descriptors" */
		return virtq_bad(q, VNET_VIRTQ_ERR_DESC_NOT_AVAIL);
	return 0;
}

/* Gather the list at last_avail, whose first @flags show it available;
 * with an inflight region, each descriptor is recorded as it is read. */
static int packed_walk(struct vnet_virtq *q, struct vnet_virtq_elem *elem,
		       uint16_t flags, uint16_t *id,
		       struct virtq_inflight_rec *rec)
{
	struct virtq_walk w = { .elem = elem };
	struct virtq_desc_copy d;
	uint16_t pos = q->last_avail, n = 0;
	bool wrap = q->avail_wrap;
	int ret;

	for (;;) {
		n++;
		virtq_copy_desc(q, pdesc(q, pos), true, &d);
		d.flags = flags;	/* flags as read once, not copied */
		if (q->inflight) {	/* each descriptor recorded as read */
			ret = packed_record(q, rec, d.addr, d.len, flags,
					    d.next);
			if (ret)
				return ret;
		}
		if (flags & VIRTQ_DESC_F_INDIRECT) {
			ret = packed_indirect_at(q, elem, w.seen_write, d.addr,
						 d.len, flags, n > 1 ||
						 (flags & VIRTQ_DESC_F_NEXT));
			break;
		}
		ret = virtq_add_buf(q, &w, d.addr, d.len,
				    flags & VIRTQ_DESC_F_WRITE);
		if (ret || !(flags & VIRTQ_DESC_F_NEXT))
			break;
		if (n >= q->size)	/* "MUST NOT create a descriptor list
					 * longer than the Queue Size" */
			return virtq_bad(q, VNET_VIRTQ_ERR_CHAIN_LEN);
		advance(q, &pos, &wrap, 1);
		ret = next_flags(q, pos, wrap, &flags);
		if (ret)
			return ret;
	}
	/* "Buffer ID is included in the last descriptor in the list" */
	*id = d.next;
	elem->ndescs = n;
	return ret;
}

/*
 * The list of a resubmitted buffer, from its inflight entries: the ring
 * holds used descriptors there by now. The region is the frontend's and
 * may have changed since setup: the count is setup's (it fixed where the
 * ring resumes, and a used run is as long as the counts it folds), and
 * every entry is checked again as it is read.
 */
static int packed_walk_inflight(struct vnet_virtq *q,
				struct vnet_virtq_elem *elem,
				const struct vnet_virtq_resubmit *r,
				uint16_t *id)
{
	struct virtq_walk w = { .elem = elem };
	struct virtq_inflight_desc d;
	uint16_t e = r->idx, n = r->ndescs, k;
	int ret = 0;

	if (!n)		/* setup keeps lists of one or more */
		return virtq_bad(q, VNET_VIRTQ_ERR_INFLIGHT_REGION);
	for (k = 0; k < n; k++) {
		struct virtq_desc_copy c;

		if (e >= q->size)
			return virtq_bad(q, VNET_VIRTQ_ERR_INFLIGHT_REGION);
		virtq_inflight_packed_entry(q, e, &d);
		if (!(d.flags & VIRTQ_DESC_F_NEXT) != (k + 1 == n))
			return virtq_bad(q, VNET_VIRTQ_ERR_INFLIGHT_REGION);
		c = (struct virtq_desc_copy){ d.addr, d.len, d.flags, d.id };
		if (d.flags & VIRTQ_DESC_F_INDIRECT)
			ret = packed_indirect(q, &w, &c, n > 1);
		else
			ret = virtq_add_buf(q, &w, d.addr, d.len,
					    d.flags & VIRTQ_DESC_F_WRITE);
		if (ret)
			return ret;
		e = d.next;
	}
	*id = d.id;	/* "Buffer ID is included in the last descriptor" */
	elem->ndescs = n;
	return 0;
}

/* Pop the next buffer left in flight by an earlier backend. */
static int packed_pop_resubmit(struct vnet_virtq *q,
			       struct vnet_virtq_elem *elem)
{
	const struct vnet_virtq_resubmit *r = &q->resubmit[q->resubmit_pos];
	uint16_t id = 0;
	int ret = packed_walk_inflight(q, elem, r, &id);

	if (ret)
		return ret;
	if (id >= q->size)
		return virtq_bad(q, VNET_VIRTQ_ERR_ID);
	/* Its descriptors were counted in flight at setup. */
	elem->id = id;
	elem->slot = r->idx;
	elem->resubmitted = true;
	q->resubmit_pos++;
	return 1;
}

int virtq_packed_pop(struct vnet_virtq *q, struct vnet_virtq_elem *elem)
{
	struct virtq_inflight_rec rec = { q->if_free_head, q->if_free_head };
	uint16_t flags, id = 0;
	int ret;

	if (q->resubmit_pos < q->nresubmit)	/* these first, by counter */
		return packed_pop_resubmit(q, elem);

	/*
	 * packed-ring.tex: "A device MUST NOT use a descriptor unless it
	 * observes the VIRTQ_DESC_F_AVAIL bit in its flags being changed".
	 * The acquire pairs with "The driver MUST perform a suitable memory
	 * barrier before the flags update": the list is read after it.
	 */
	flags = virtq_load16_acquire(q, pdesc(q, q->last_avail) +
					PDESC_OFF_FLAGS);
	if (!desc_is_avail(flags, q->avail_wrap)) {
		q->avail_ahead = 0;
		return 0;	/* empty */
	}
	ret = packed_walk(q, elem, flags, &id, &rec);
	if (ret)
		return ret;
	if (id >= q->size)	/* IDs index the driver's per-buffer state */
		return virtq_bad(q, VNET_VIRTQ_ERR_ID);
	if (q->inflight_descs + elem->ndescs > q->size)
		return virtq_bad(q, VNET_VIRTQ_ERR_INFLIGHT);
	if (q->inflight && virtq_inflight_packed_pop(q, elem, &rec))
		return -EIO;
	advance(q, &q->last_avail, &q->avail_wrap, elem->ndescs);
	q->avail_ahead = elem->ndescs >= q->avail_ahead ? 0 :
			 (uint16_t)(q->avail_ahead - elem->ndescs);
	q->inflight_descs = (uint16_t)(q->inflight_descs + elem->ndescs);
	elem->id = id;
	return 1;
}

unsigned int virtq_packed_avail(struct vnet_virtq *q, unsigned int max)
{
	unsigned int n, room = (unsigned int)(q->size - q->inflight_descs);
	uint16_t pos = q->last_avail;
	bool wrap = q->avail_wrap;

	/* descriptors in flight cannot be offered again: at most room */
	for (n = 0; n < max && n < room; n++) {
		uint16_t flags = virtq_load16(q, pdesc(q, pos) +
						 PDESC_OFF_FLAGS);

		if (!desc_is_avail(flags, wrap))
			break;
		advance(q, &pos, &wrap, 1);
	}
	return n;
}

void virtq_packed_unpop(struct vnet_virtq *q,
			const struct vnet_virtq_elem *elem)
{
	retreat(q, &q->last_avail, &q->avail_wrap, elem->ndescs);
	q->inflight_descs = (uint16_t)(q->inflight_descs - elem->ndescs);
	if (q->inflight)
		virtq_inflight_packed_unpop(q, elem->slot);
	/* Seen available once; a hint for enable_notify, kept <= size. */
	q->avail_ahead = (uint16_t)(q->avail_ahead + elem->ndescs > q->size ?
				    q->size : q->avail_ahead + elem->ndescs);
}

/* Write the id and len of one used descriptor covering pending[i..j]. */
static uint32_t write_used(struct vnet_virtq *q, unsigned int i,
			   unsigned int j, unsigned int k, uint16_t pos,
			   bool wrap)
{
	const struct vnet_virtq_pending *last = &q->pending[j];
	uint8_t *d = pdesc(q, pos);
	uint32_t descs = 0;

	for (; i <= j; i++)
		descs += q->pending[i].ndescs;
	virtq_store32(q, d + DESC_OFF_LEN, last->len);
	virtq_store16(q, d + PDESC_OFF_ID, last->id);
	/* "the device sets the VIRTQ_DESC_F_USED bit ... to match the
	 * internal Device Ring Wrap Counter ... VIRTQ_DESC_F_AVAIL bit to
	 * match the same value"; WRITE says whether data was written. */
	q->pending[k].pos = pos;
	q->pending[k].flags = (uint16_t)((wrap ? VIRTQ_DESC_F_AVAIL |
					  VIRTQ_DESC_F_USED : 0) |
					 (last->len ? VIRTQ_DESC_F_WRITE : 0));
	return descs;
}

void virtq_packed_flush(struct vnet_virtq *q)
{
	uint16_t pos = q->used_idx;
	bool wrap = q->used_wrap;
	unsigned int i = 0, k = 0, m;
	uint32_t descs = 0;

	while (i < q->npending) {
		unsigned int j = virtq_run_end(q, i);
		uint32_t run = write_used(q, i, j, k++, pos, wrap);

		advance(q, &pos, &wrap, run);
		descs += run;
		i = j + 1;
	}
	if (q->inflight)
		virtq_inflight_packed_batch(q, pos, wrap);
	/*
	 * Ids and lengths before any flags (the device's side of "Perform a
	 * memory barrier to ensure that the descriptor has been
	 * initialized"); then the batch's first flags last, with release
	 * (Multi-buffer requests: "mark the descriptor corresponding to the
	 * first buffer ... used after the rest").
	 */
	atomic_thread_fence(memory_order_release);
	for (m = k; m-- > 1;)
		virtq_store16(q, pdesc(q, q->pending[m].pos) + PDESC_OFF_FLAGS,
			      q->pending[m].flags);
	virtq_store16_release(q, pdesc(q, q->pending[0].pos) + PDESC_OFF_FLAGS,
			      q->pending[0].flags);
	q->used_idx = pos;
	q->used_wrap = wrap;
	if (q->inflight)
		virtq_inflight_packed_used(q);
	/* descs <= inflight_descs: vnet_virtq_push() keeps it so */
	q->inflight_descs = (uint16_t)(q->inflight_descs - descs);
	q->stats.used_written += k;
	if (q->used_since_signal <= UINT32_MAX - descs)
		q->used_since_signal += descs;
}

/* Position of (offset, wrap) on a double lap, starting at wrap 1. */
static uint32_t lap_pos(const struct vnet_virtq *q, uint16_t off, bool wrap)
{
	return off + (wrap ? 0u : q->size);
}

bool virtq_packed_should_notify(struct vnet_virtq *q, uint32_t published)
{
	uint32_t ring = 2 * (uint32_t)q->size, event, now;
	uint16_t flags, off_wrap, off;

	/* Used flags stored before the driver's structure is read. */
	atomic_thread_fence(memory_order_seq_cst);
	flags = virtq_load16(q, event_at(q->driver, EVENT_OFF_FLAGS)) &
		RING_EVENT_FLAGS_MASK;
	if (flags == RING_EVENT_FLAGS_DISABLE)
		return false;
	/* ENABLE; DESC "Only valid if VIRTIO_F_EVENT_IDX"; 0x3 reserved */
	if (flags != RING_EVENT_FLAGS_DESC || !q->event_idx)
		return true;
	off_wrap = virtq_load16(q, event_at(q->driver, EVENT_OFF_OFF_WRAP));
	off = off_wrap & 0x7fff;
	if (off >= q->size || published >= ring)
		return true;	/* no sense to make of it: notify */
	/* "Event will only trigger when this descriptor is ... used": the
	 * event offset lies among the descriptors published since. */
	now = lap_pos(q, q->used_idx, q->used_wrap);
	event = lap_pos(q, off, off_wrap >> 15);
	return (now + ring - event - 1) % ring < published;
}

int virtq_packed_enable_notify(struct vnet_virtq *q)
{
	uint16_t pos = q->last_avail, flags;
	bool wrap = q->avail_wrap;

	virtq_store16(q, event_at(q->device, EVENT_OFF_FLAGS),
		      RING_EVENT_FLAGS_ENABLE);
	/* Store before looking again, so a descriptor made available
	 * meanwhile is either seen here or notified. */
	atomic_thread_fence(memory_order_seq_cst);
	advance(q, &pos, &wrap, q->avail_ahead);
	flags = virtq_load16_acquire(q, pdesc(q, pos) + PDESC_OFF_FLAGS);
	return desc_is_avail(flags, wrap);
}

void virtq_packed_disable_notify(struct vnet_virtq *q)
{
	virtq_store16(q, event_at(q->device, EVENT_OFF_FLAGS),
		      RING_EVENT_FLAGS_DISABLE);
}

int virtq_packed_hint(struct vnet_virtq *q, uint16_t next)
{
	/* next_off: ring offset; next_wrap: the driver's wrap counter */
	return (next & 0x7fff) != q->last_avail ||
	       !!(next >> 15) != q->avail_wrap;
}

int virtq_packed_set_base(struct vnet_virtq *q, uint32_t base)
{
	uint16_t pos = base & 0x7fff;

	if (pos >= q->size)
		return -EINVAL;
	q->last_avail = q->used_idx = pos;
	q->avail_wrap = q->used_wrap = (base >> 15) & 1;
	q->avail_ahead = 0;
	return 0;
}
