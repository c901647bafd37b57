// SPDX-License-Identifier: MIT
/* virtq_inflight.c - the vhost-user inflight region: record pops and pushes, check and resubmit after a reconnect */

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "virtq_priv.h"

/*
 * vhost-user.rst, "Inflight I/O tracking": the layouts, host byte order
 * (frontend and backend share one host). The region is shared with the
 * frontend and was written by it or by an earlier, perhaps crashed,
 * backend: every field is read once into a local copy and checked before
 * use, and after setup the queue keeps its own copy of every index it
 * needs, so that the region is only written, never trusted, while the
 * queue runs.
 */
struct inflight_split_desc {
	uint8_t inflight;
	uint8_t padding[5];
	uint16_t next;
	uint64_t counter;
};

struct inflight_split {
	uint64_t features;
	uint16_t version;
	uint16_t desc_num;
	uint16_t last_batch_head;
	uint16_t used_idx;
	struct inflight_split_desc desc[];
};

struct inflight_packed_desc {
	uint8_t inflight;
	uint8_t padding;
	uint16_t next;
	uint16_t last;
	uint16_t num;
	uint64_t counter;
	uint16_t id;
	uint16_t flags;
	uint32_t len;
	uint64_t addr;
};

struct inflight_packed {
	uint64_t features;
	uint16_t version;
	uint16_t desc_num;
	uint16_t free_head;
	uint16_t old_free_head;
	uint16_t used_idx;
	uint16_t old_used_idx;
	uint8_t used_wrap_counter;
	uint8_t old_used_wrap_counter;
	uint8_t padding[7];
	struct inflight_packed_desc desc[];
};

_Static_assert(sizeof(struct inflight_split_desc) == 16, "DescStateSplit");
_Static_assert(offsetof(struct inflight_split, desc) == 16, "QueueRegionSplit");
_Static_assert(sizeof(struct inflight_packed_desc) == 32, "DescStatePacked");
_Static_assert(offsetof(struct inflight_packed, desc) == 32,
	       "QueueRegionPacked");

/* "The version of this region. It's 1 currently." */
#define INFLIGHT_VERSION	1

/*
 * Stores into the region need no ordering against the frontend, which
 * reads it only after this backend is gone; they need program order
 * against a crash at any instruction, which a compiler barrier gives.
 */
static inline void inflight_barrier(void)
{
	atomic_signal_fence(memory_order_seq_cst);
}

size_t vnet_virtq_inflight_size(bool packed, uint16_t size)
{
	if (packed)
		return sizeof(struct inflight_packed) +
		       (size_t)size * sizeof(struct inflight_packed_desc);
	return sizeof(struct inflight_split) +
	       (size_t)size * sizeof(struct inflight_split_desc);
}

/**
 * struct inflight_head - an in-flight buffer found in the region
 * @counter:	its counter: the order it was fetched in
 * @idx:	its head (split) or head entry (packed)
 * @num:	packed: descriptors in its list, as checked
 */
struct inflight_head {
	uint64_t counter;
	uint16_t idx;
	uint16_t num;
};

static int inflight_head_cmp(const void *a, const void *b)
{
	const struct inflight_head *x = a, *y = b;

	return (x->counter > y->counter) - (x->counter < y->counter);
}

/**
 * inflight_resubmit_list() - sort the heads found by counter and keep them
 * @q:		the queue
 * @heads:	heads found, owned (freed here)
 * @n:		how many
 *
 * "Resubmit inflight ... entries in order of their counter value". Two
 * buffers fetched at once cannot exist: equal counters mean a corrupt
 * region, and so does the largest counter, which would wrap.
 *
 * Return: 0, -EBADMSG (not marked), or -ENOMEM
 */
static int inflight_resubmit_list(struct vnet_virtq *q,
				  struct inflight_head *heads, unsigned int n)
{
	unsigned int i;

	q->inflight_counter = 1;
	if (!n) {
		free(heads);
		return 0;
	}
	qsort(heads, n, sizeof(*heads), inflight_head_cmp);
	for (i = 1; i < n; i++)
		if (heads[i].counter == heads[i - 1].counter)
			goto bad;	/* two buffers fetched as one */
	if (heads[n - 1].counter == UINT64_MAX)
		goto bad;		/* the next counter would wrap */
	q->resubmit = malloc(n * sizeof(*q->resubmit));
	if (!q->resubmit) {
		free(heads);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		q->resubmit[i] = (struct vnet_virtq_resubmit){ heads[i].idx,
							      heads[i].num };
	q->nresubmit = (uint16_t)n;
	q->inflight_counter = heads[n - 1].counter + 1;
	free(heads);
	return 0;
bad:
	free(heads);
	return -EBADMSG;
}

/* ---- split ---- */

/**
 * split_init() - make a zeroed (version 0) region one of this queue
 * @q:	the queue
 * @r:	the region
 */
static void split_init(struct vnet_virtq *q, struct inflight_split *r)
{
	memset(r, 0, vnet_virtq_inflight_size(false, q->size));
	r->desc_num = q->size;
	r->used_idx = q->used_idx;
	inflight_barrier();
	r->version = INFLIGHT_VERSION;	/* valid from here on */
	q->inflight_counter = 1;
}

/**
 * split_undo_batch() - the spec's "When reconnecting", step 1
 * @q:		the queue
 * @r:		the region
 * @hdr:	its header, copied once
 *
 * If used_idx lags the used ring, the last batch reached the driver but
 * its entries were not cleared: clear the batch's list.
 *
 * Return: 0, or -EBADMSG for a batch larger than the queue or a list
 * leaving the table
 */
static int split_undo_batch(struct vnet_virtq *q, struct inflight_split *r,
			    const struct inflight_split *hdr)
{
	uint16_t batch = (uint16_t)(q->used_idx - hdr->used_idx);
	uint16_t e = hdr->last_batch_head, i;

	if (batch > q->size)
		return -EBADMSG;	/* more used than the queue holds */
	for (i = 0; i < batch; i++) {
		if (e >= q->size)
			return -EBADMSG;	/* list leaves the table */
		r->desc[e].inflight = 0;
		e = *(volatile uint16_t *)&r->desc[e].next;
	}
	r->used_idx = q->used_idx;
	return 0;
}

/**
 * split_collect() - the heads marked in flight
 * @q:		the queue
 * @r:		the region
 * @out:	heads found (allocated, caller frees)
 * @n:		how many
 *
 * Return: 0, -EBADMSG for an inflight field other than 0 or 1, -ENOMEM
 */
static int split_collect(struct vnet_virtq *q, struct inflight_split *r,
			 struct inflight_head **out, unsigned int *n)
{
	struct inflight_head *h = malloc(q->size * sizeof(*h));
	unsigned int i, k = 0;

	if (!h)
		return -ENOMEM;
	for (i = 0; i < q->size; i++) {
		struct inflight_split_desc d;

		memcpy(&d, &r->desc[i], sizeof(d));
		inflight_barrier();
		if (d.inflight > 1) {
			free(h);
			return -EBADMSG;	/* a flag is 0 or 1 */
		}
		if (d.inflight)
			h[k++] = (struct inflight_head){ d.counter, (uint16_t)i,
							 0 };
	}
	*out = h;
	*n = k;
	return 0;
}

/**
 * split_setup() - check a split region and find what to resubmit
 * @q:	the queue, rings set up, used index read from the used ring
 * @r:	the region
 *
 * Return: 0, -EBADMSG, or -ENOMEM
 */
static int split_setup(struct vnet_virtq *q, struct inflight_split *r)
{
	struct inflight_split hdr;
	struct inflight_head *heads;
	unsigned int n;
	uint16_t avail;
	int ret;

	memcpy(&hdr, r, sizeof(hdr));
	inflight_barrier();
	if (hdr.version == 0) {	/* "Zero value indicates an uninitialized
				 * buffer" */
		split_init(q, r);
		return 0;
	}
	if (hdr.version != INFLIGHT_VERSION || hdr.features)
		return -EBADMSG;	/* a layout this backend does not know */
	if (hdr.desc_num != q->size)
		return -EBADMSG;	/* "It's equal to the virtqueue size" */
	if (hdr.used_idx != q->used_idx) {
		ret = split_undo_batch(q, r, &hdr);
		if (ret)
			return ret;
	}
	ret = split_collect(q, r, &heads, &n);
	if (ret)
		return ret;
	/* Buffers in flight were taken from the available ring: it must
	 * hold that many beyond what was used. */
	avail = virtq_load16_acquire(q, (uint8_t *)q->driver + AVAIL_OFF_IDX);
	if ((uint16_t)(avail - q->used_idx) < n) {
		free(heads);
		return -EBADMSG;
	}
	ret = inflight_resubmit_list(q, heads, n);
	if (ret)
		return ret;
	q->if_batch_head = hdr.last_batch_head < q->size ?
			   hdr.last_batch_head : 0;
	/* Every buffer fetched is either used or in flight. */
	return virtq_split_set_base(q, (uint16_t)(q->used_idx + n));
}

void virtq_inflight_split_pop(struct vnet_virtq *q, uint16_t head)
{
	struct inflight_split *r = q->inflight;

	/* "Set desc[i].counter to the value of global counter ... Increase
	 * global counter by 1 ... Set desc[i].inflight to 1" */
	r->desc[head].counter = q->inflight_counter++;
	inflight_barrier();
	r->desc[head].inflight = 1;
}

void virtq_inflight_split_unpop(struct vnet_virtq *q, uint16_t head)
{
	struct inflight_split *r = q->inflight;

	r->desc[head].inflight = 0;	/* not taken after all */
}

void virtq_inflight_split_batch(struct vnet_virtq *q)
{
	struct inflight_split *r = q->inflight;
	unsigned int i;

	/* "Set desc[i].next to last_batch_head; Set last_batch_head to i",
	 * for each buffer of the batch, before the used idx moves. */
	for (i = 0; i < q->npending; i++) {
		uint16_t id = q->pending[i].id;

		r->desc[id].next = q->if_batch_head;
		q->if_batch_head = id;
	}
	r->last_batch_head = q->if_batch_head;
	inflight_barrier();
}

void virtq_inflight_split_used(struct vnet_virtq *q, uint16_t used_idx)
{
	struct inflight_split *r = q->inflight;
	unsigned int i;

	/* After the used idx: "Set the inflight field of each DescStateSplit
	 * entry in the batch to 0", then "Set used_idx to the idx value of
	 * used ring". */
	inflight_barrier();
	for (i = 0; i < q->npending; i++)
		r->desc[q->pending[i].id].inflight = 0;
	inflight_barrier();
	r->used_idx = used_idx;
}

/* ---- packed ---- */

void virtq_inflight_packed_entry(const struct vnet_virtq *q, uint16_t e,
				 struct virtq_inflight_desc *d)
{
	const struct inflight_packed *r = q->inflight;
	struct inflight_packed_desc c;

	memcpy(&c, &r->desc[e], sizeof(c));
	inflight_barrier();
	d->addr = c.addr;
	d->len = c.len;
	d->id = c.id;
	d->flags = c.flags;
	d->next = c.next;
	d->num = c.num;
}

/**
 * packed_init() - make a zeroed (version 0) region one of this queue
 * @q:	the queue
 * @r:	the region
 *
 * Every entry free, in one list.
 */
static void packed_init(struct vnet_virtq *q, struct inflight_packed *r)
{
	unsigned int i;

	memset(r, 0, vnet_virtq_inflight_size(true, q->size));
	r->desc_num = q->size;
	for (i = 0; i < q->size; i++)
		r->desc[i].next = (uint16_t)(i + 1);	/* size: list end */
	r->used_idx = r->old_used_idx = q->used_idx;
	r->used_wrap_counter = r->old_used_wrap_counter = q->used_wrap;
	inflight_barrier();
	r->version = INFLIGHT_VERSION;
	q->inflight_counter = 1;
	q->if_free_head = 0;
}

/**
 * packed_check_hdr() - the header's indices lie in the queue
 * @q:		the queue
 * @hdr:	the header, copied once
 *
 * Return: true if usable
 */
static bool packed_check_hdr(const struct vnet_virtq *q,
			     const struct inflight_packed *hdr)
{
	if (hdr->version != INFLIGHT_VERSION || hdr->features)
		return false;	/* a layout this backend does not know */
	if (hdr->desc_num != q->size)
		return false;	/* "It's equal to the virtqueue size" */
	/* free heads may equal the size: the list is empty */
	if (hdr->free_head > q->size || hdr->old_free_head > q->size)
		return false;
	if (hdr->used_idx >= q->size || hdr->old_used_idx >= q->size)
		return false;
	return hdr->used_wrap_counter <= 1 && hdr->old_used_wrap_counter <= 1;
}

/**
 * packed_roll() - the spec's "When reconnecting", steps 1 and 2
 * @q:		the queue
 * @r:		the region
 * @hdr:	its header, copied once; updated to the state kept
 *
 * A batch was being published if used_idx moved past old_used_idx. If the
 * batch's first used descriptor no longer shows available in the old lap,
 * the driver saw it: commit; else roll back.
 */
static void packed_roll(struct vnet_virtq *q, struct inflight_packed *r,
			struct inflight_packed *hdr)
{
	uint16_t flags;
	bool wrap = hdr->old_used_wrap_counter;

	if (hdr->used_idx != hdr->old_used_idx) {
		flags = virtq_load16(q, (uint8_t *)q->desc + DESC_SIZE *
				     (size_t)hdr->old_used_idx + PDESC_OFF_FLAGS);
		if (!!(flags & VIRTQ_DESC_F_AVAIL) != wrap ||
		    !!(flags & VIRTQ_DESC_F_USED) == wrap) {
			hdr->old_free_head = hdr->free_head;
			hdr->old_used_idx = hdr->used_idx;
			hdr->old_used_wrap_counter = hdr->used_wrap_counter;
		}
	}
	hdr->free_head = hdr->old_free_head;
	hdr->used_idx = hdr->old_used_idx;
	hdr->used_wrap_counter = hdr->old_used_wrap_counter;
	r->free_head = r->old_free_head = hdr->free_head;
	r->used_idx = r->old_used_idx = hdr->used_idx;
	r->used_wrap_counter = r->old_used_wrap_counter =
		hdr->used_wrap_counter;
}

/**
 * packed_free_list() - mark the free list, clearing its inflight fields
 * @q:		the queue
 * @r:		the region
 * @head:	its head
 * @mark:	one byte per entry, set here for the list's
 *
 * "Set the inflight field of each DescStatePacked entry in free list to 0"
 *
 * Return: 0, or -EBADMSG for a loop or a link out of the table
 */
static int packed_free_list(struct vnet_virtq *q, struct inflight_packed *r,
			    uint16_t head, uint8_t *mark)
{
	uint16_t e = head;

	while (e < q->size) {
		if (mark[e])
			return -EBADMSG;	/* the list loops */
		mark[e] = 1;
		r->desc[e].inflight = 0;
		e = *(volatile uint16_t *)&r->desc[e].next;
	}
	return e == q->size ? 0 : -EBADMSG;	/* the size ends the list */
}

/**
 * packed_chain() - check the list of one in-flight head entry
 * @q:		the queue
 * @head:	the entry
 * @mark:	entries taken; this list's are added
 * @num:	descriptors in the list
 *
 * The list must stay in the table, share no entry with another list or
 * the free list, end at @head's last, and carry NEXT on all but its last
 * descriptor, as the ring did.
 *
 * Return: 0, or -EBADMSG
 */
static int packed_chain(struct vnet_virtq *q, uint16_t head, uint8_t *mark,
			uint16_t *num)
{
	const struct inflight_packed *r = q->inflight;
	struct virtq_inflight_desc d;
	uint16_t e = head, n, k, last;

	virtq_inflight_packed_entry(q, head, &d);
	n = d.num;
	last = *(const volatile uint16_t *)&r->desc[head].last;
	if (!n || n > q->size)
		return -EBADMSG;	/* list longer than the queue */
	for (k = 0; k < n; k++) {
		if (e >= q->size || mark[e])
			return -EBADMSG;	/* out of the table, or shared */
		mark[e] = 2;
		virtq_inflight_packed_entry(q, e, &d);
		if (!(d.flags & VIRTQ_DESC_F_NEXT) != (k + 1 == n))
			return -EBADMSG;	/* NEXT where the list goes on */
		if (k + 1 < n)
			e = d.next;
	}
	if (e != last || d.id >= q->size)
		return -EBADMSG;	/* last is not the list's; bad ID */
	*num = n;
	return 0;
}

/**
 * packed_rebuild_free() - link every entry no list holds into the free list
 * @q:		the queue
 * @r:		the region
 * @mark:	entries of in-flight lists (2)
 *
 * The list is made anew, in index order: entries a crash left in no list
 * are free again.
 */
static void packed_rebuild_free(struct vnet_virtq *q,
				struct inflight_packed *r, const uint8_t *mark)
{
	uint16_t next = q->size;
	unsigned int i;

	for (i = q->size; i-- > 0;) {
		if (mark[i] == 2)
			continue;
		r->desc[i].next = next;
		next = (uint16_t)i;
	}
	r->free_head = r->old_free_head = next;
	q->if_free_head = next;
}

/**
 * packed_collect() - the in-flight head entries and their lists
 * @q:		the queue
 * @r:		the region
 * @mark:	entries of the free list (1); lists are added (2)
 * @out:	heads found (allocated, caller frees)
 * @n:		how many
 * @descs:	descriptors they hold in the ring
 *
 * Return: 0, -EBADMSG, -ENOMEM
 */
static int packed_collect(struct vnet_virtq *q, struct inflight_packed *r,
			  uint8_t *mark, struct inflight_head **out,
			  unsigned int *n, uint32_t *descs)
{
	struct inflight_head *h = malloc(q->size * sizeof(*h));
	unsigned int i, k = 0;
	uint16_t num;

	if (!h)
		return -ENOMEM;
	*descs = 0;
	for (i = 0; i < q->size; i++) {
		uint8_t v = *(volatile uint8_t *)&r->desc[i].inflight;

		if (mark[i] || !v)
			continue;	/* free, or a list's inner entry */
		if (v > 1 || packed_chain(q, (uint16_t)i, mark, &num)) {
			free(h);
			return -EBADMSG;
		}
		h[k++] = (struct inflight_head){
			*(volatile uint64_t *)&r->desc[i].counter, (uint16_t)i,
			num };
		*descs += num;
	}
	*out = h;
	*n = k;
	return 0;
}

/**
 * packed_setup() - check a packed region and find what to resubmit
 * @q:	the queue, rings set up with the base
 * @r:	the region
 *
 * Return: 0, -EBADMSG, or -ENOMEM
 */
static int packed_setup(struct vnet_virtq *q, struct inflight_packed *r)
{
	struct inflight_packed hdr;
	struct inflight_head *heads = NULL;
	unsigned int n = 0;
	uint32_t descs = 0;
	uint8_t *mark;
	int ret;

	memcpy(&hdr, r, sizeof(hdr));
	inflight_barrier();
	if (hdr.version == 0) {
		packed_init(q, r);
		return 0;
	}
	if (!packed_check_hdr(q, &hdr))
		return -EBADMSG;
	packed_roll(q, r, &hdr);
	mark = calloc(q->size, 1);
	if (!mark)
		return -ENOMEM;
	ret = packed_free_list(q, r, hdr.free_head, mark);
	if (!ret)
		ret = packed_collect(q, r, mark, &heads, &n, &descs);
	if (!ret)
		packed_rebuild_free(q, r, mark);
	free(mark);
	if (!ret)
		ret = inflight_resubmit_list(q, heads, n);
	if (ret)
		return ret;
	/* Used resumes where the region says; available past the
	 * descriptors in flight, which the ring still holds for them. */
	ret = virtq_packed_set_base(q, (uint32_t)hdr.used_idx |
				       (uint32_t)hdr.used_wrap_counter << 15);
	if (ret)
		return -EBADMSG;
	q->inflight_descs = (uint16_t)descs;
	q->last_avail = (uint16_t)((q->used_idx + descs) % q->size);
	q->avail_wrap = (q->used_idx + descs >= q->size) ? !q->used_wrap :
							  q->used_wrap;
	return 0;
}

int virtq_inflight_packed_record(struct vnet_virtq *q,
				 struct virtq_inflight_rec *rec,
				 const struct virtq_desc_copy *d)
{
	struct inflight_packed *r = q->inflight;
	struct inflight_packed_desc *s;

	if (!r)
		return 0;
	if (rec->cur >= q->size)	/* the free list ran out: corrupt */
		return virtq_bad(q, VNET_VIRTQ_ERR_INFLIGHT_REGION);
	s = &r->desc[rec->cur];
	/* "Set desc[free_head].addr, ... .id to d.addr, ... d.id" */
	s->addr = d->addr;
	s->len = d->len;
	s->flags = d->flags;
	s->id = d->next;
	rec->last = rec->cur;
	rec->cur = *(volatile uint16_t *)&s->next;
	return 0;
}

int virtq_inflight_packed_pop(struct vnet_virtq *q,
			      struct vnet_virtq_elem *elem,
			      const struct virtq_inflight_rec *rec)
{
	struct inflight_packed *r = q->inflight;
	uint16_t h = q->if_free_head, e = rec->cur;

	if (e > q->size)	/* a link past the list end: corrupt */
		return virtq_bad(q, VNET_VIRTQ_ERR_INFLIGHT_REGION);
	r->desc[h].num = elem->ndescs;
	r->desc[h].last = rec->last;
	r->desc[h].counter = q->inflight_counter++;
	inflight_barrier();
	r->desc[h].inflight = 1;
	r->free_head = e;
	inflight_barrier();
	r->old_free_head = e;	/* the list is taken: committed */
	q->if_free_head = e;
	elem->slot = h;
	return 0;
}

/**
 * packed_release() - put an entry's list back at the front of the free list
 * @q:		the queue
 * @slot:	the list's head entry
 *
 * "Set desc[e.last].next to free_head; Set free_head to the index of e".
 * The last entry is read from the region: checked, and if the frontend
 * broke it, the list is not linked (the frontend only loses entries).
 */
static void packed_release(struct vnet_virtq *q, uint16_t slot)
{
	struct inflight_packed *r = q->inflight;
	uint16_t last;

	if (slot >= q->size)
		return;
	last = *(volatile uint16_t *)&r->desc[slot].last;
	if (last < q->size)
		r->desc[last].next = q->if_free_head;
	q->if_free_head = slot;
}

void virtq_inflight_packed_unpop(struct vnet_virtq *q, uint16_t slot)
{
	struct inflight_packed *r = q->inflight;

	if (slot >= q->size)
		return;		/* not an entry of this region */
	packed_release(q, slot);
	r->free_head = q->if_free_head;
	inflight_barrier();
	r->old_free_head = q->if_free_head;
	inflight_barrier();
	r->desc[slot].inflight = 0;
}

void virtq_inflight_packed_batch(struct vnet_virtq *q, uint16_t used_idx,
				 bool used_wrap)
{
	struct inflight_packed *r = q->inflight;
	unsigned int i;

	for (i = 0; i < q->npending; i++)
		packed_release(q, q->pending[i].slot);
	r->free_head = q->if_free_head;
	/* "Increase used_idx by the size of the batch and update
	 * used_wrap_counter if needed", before "Update d.flags" */
	r->used_idx = used_idx;
	r->used_wrap_counter = used_wrap;
	inflight_barrier();
}

void virtq_inflight_packed_used(struct vnet_virtq *q)
{
	struct inflight_packed *r = q->inflight;
	unsigned int i;

	inflight_barrier();
	for (i = 0; i < q->npending; i++)
		if (q->pending[i].slot < q->size)
			r->desc[q->pending[i].slot].inflight = 0;
	inflight_barrier();
	r->old_free_head = q->if_free_head;
	r->old_used_idx = q->used_idx;
	r->old_used_wrap_counter = q->used_wrap;
}

/* ---- setup ---- */

int virtq_inflight_setup(struct vnet_virtq *q,
			 const struct vnet_virtq_config *cfg)
{
	int ret;

	if (!cfg->inflight)
		return 0;
	if ((uintptr_t)cfg->inflight % 8 ||
	    cfg->inflight_len < vnet_virtq_inflight_size(q->packed, q->size)) {
		ret = -EBADMSG;	/* misaligned, or too small for the queue */
	} else {
		q->inflight = cfg->inflight;
		ret = q->packed ? packed_setup(q, cfg->inflight) :
				  split_setup(q, cfg->inflight);
	}
	if (ret == -EBADMSG) {
		q->inflight = NULL;
		virtq_bad(q, VNET_VIRTQ_ERR_INFLIGHT_REGION);
	}
	return ret;
}
