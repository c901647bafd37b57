// SPDX-License-Identifier: MIT
/* virtq.c - device-side virtqueue: setup, chain checks, push, flush, errors */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "virtq_priv.h"

static const char *const err_names[VNET_VIRTQ_ERR__COUNT] = {
	[VNET_VIRTQ_OK] = "ok",
	[VNET_VIRTQ_ERR_RING_ADDR] = "ring_addr",
	[VNET_VIRTQ_ERR_AVAIL_IDX] = "avail_idx_jump",
	[VNET_VIRTQ_ERR_HEAD] = "head_out_of_range",
	[VNET_VIRTQ_ERR_NEXT] = "next_out_of_range",
	[VNET_VIRTQ_ERR_CHAIN_LEN] = "chain_too_long",
	[VNET_VIRTQ_ERR_INDIRECT_FEATURE] = "indirect_not_negotiated",
	[VNET_VIRTQ_ERR_INDIRECT_SIZE] = "indirect_bad_size",
	[VNET_VIRTQ_ERR_INDIRECT_NESTED] = "indirect_nested",
	[VNET_VIRTQ_ERR_INDIRECT_NEXT] = "indirect_with_next",
	[VNET_VIRTQ_ERR_INDIRECT_ADDR] = "indirect_addr",
	[VNET_VIRTQ_ERR_ADDR] = "addr_not_in_memory",
	[VNET_VIRTQ_ERR_LEN_OVERFLOW] = "len_overflow",
	[VNET_VIRTQ_ERR_WRITE_BEFORE_READ] = "write_before_read",
	[VNET_VIRTQ_ERR_DIRECTION] = "wrong_direction",
	[VNET_VIRTQ_ERR_IOV_FULL] = "too_many_segments",
	[VNET_VIRTQ_ERR_INFLIGHT] = "too_many_in_flight",
	[VNET_VIRTQ_ERR_ID] = "id_out_of_range",
	[VNET_VIRTQ_ERR_DESC_NOT_AVAIL] = "desc_not_available",
	[VNET_VIRTQ_ERR_NET_HDR] = "net_hdr_buffer",
	[VNET_VIRTQ_ERR_INFLIGHT_REGION] = "inflight_region",
	[VNET_VIRTQ_ERR_IOTLB_PERM] = "iotlb_permission",
};

const char *vnet_virtq_err_name(enum vnet_virtq_err err)
{
	if ((unsigned int)err >= VNET_VIRTQ_ERR__COUNT)
		return "unknown";
	return err_names[err];
}

void vnet_virtq_fail(struct vnet_virtq *q, enum vnet_virtq_err err)
{
	if (err <= VNET_VIRTQ_OK || err >= VNET_VIRTQ_ERR__COUNT)
		return;		/* not an error code */
	q->stats.errors[err]++;
	if (q->err != VNET_VIRTQ_OK)
		return;		/* the first reason stays */
	q->err = err;
	if (q->broken_fn)
		q->broken_fn(q, err, q->opaque);
}

int virtq_bad(struct vnet_virtq *q, enum vnet_virtq_err err)
{
	vnet_virtq_fail(q, err);
	return -EIO;
}

void vnet_virtq_init(struct vnet_virtq *q)
{
	memset(q, 0, sizeof(*q));
}

void vnet_virtq_reset(struct vnet_virtq *q)
{
	struct vnet_virtq_stats stats = q->stats;

	free(q->pending);
	free(q->resubmit);
	memset(q, 0, sizeof(*q));
	q->stats = stats;
}

void vnet_virtq_elem_init(struct vnet_virtq_elem *elem, struct iovec *out,
			  unsigned int out_max, struct iovec *in,
			  unsigned int in_max)
{
	memset(elem, 0, sizeof(*elem));
	elem->out = out;
	elem->out_max = out_max;
	elem->in = in;
	elem->in_max = in_max;
}

static int rings_map(struct vnet_virtq *q);

/* Copy the configuration's scalars into the queue. */
static void setup_fields(struct vnet_virtq *q, const struct vnet_mem *mem,
			 const struct vnet_virtq_config *cfg)
{
	const struct vnet_features *f = &cfg->features;
	bool v1 = vnet_features_has(f, VNET_F_VERSION_1);

	q->mem = mem;
	q->size = cfg->size;
	q->dir = cfg->dir;
	q->packed = vnet_features_has(f, VNET_F_RING_PACKED);
	q->event_idx = vnet_features_has(f, VNET_F_EVENT_IDX);
	q->indirect = vnet_features_has(f, VNET_F_INDIRECT_DESC);
	q->in_order = vnet_features_has(f, VNET_F_IN_ORDER);
	q->notification_data = vnet_features_has(f, VNET_F_NOTIFICATION_DATA);
	/* Legacy only: "the native endian of the guest" (split-ring.tex). */
	q->big_endian = cfg->big_endian && !v1;
	q->broken_fn = cfg->broken;
	q->opaque = cfg->opaque;
	q->notify_enabled = true;
	q->ring_cfg = *cfg;
	q->iotlb = cfg->iotlb;
	/* before the rings are touched: setup's own stores are logged */
	vnet_virtq_set_log(q, cfg->log);
	/* with an IOMMU, log_guest_addr is an IOVA too: the used ring is
	 * logged by the guest physical address of its host address, as
	 * Linux vhost does (log_used) */
	vnet_virtq_set_log_addr(q, cfg->has_log_addr && !cfg->iotlb,
				cfg->log_addr);
}

int vnet_virtq_setup(struct vnet_virtq *q, const struct vnet_mem *mem,
		     const struct vnet_virtq_config *cfg)
{
	bool packed = vnet_features_has(&cfg->features, VNET_F_RING_PACKED);
	int ret;

	if (q->ready || q->err != VNET_VIRTQ_OK)
		return -EBUSY;		/* reset first */
	if (!mem)
		return -EINVAL;
	if (!cfg->size || cfg->size > VNET_VIRTQ_SIZE_MAX)
		return -EINVAL;		/* sizes are 1..2^15 */
	if (!packed && (cfg->size & (cfg->size - 1)))
		return -EINVAL;		/* split: "always a power of 2" */
	if ((unsigned int)cfg->dir > VNET_VIRTQ_DIR_IN)
		return -EINVAL;
	if (cfg->base > UINT16_MAX)
		return -EINVAL;		/* the state is 16 bits */
	if (cfg->iotlb && cfg->inflight)
		return -EOPNOTSUPP;	/* its rings may not be mapped yet */

	vnet_virtq_reset(q);
	setup_fields(q, mem, cfg);
	q->pending = calloc(cfg->size, sizeof(*q->pending));
	if (!q->pending)
		return -ENOMEM;
	if (q->iotlb) {
		ret = rings_map(q);
		if (ret == -EAGAIN)
			ret = 0;	/* mapped on first use */
	} else {
		ret = packed ? virtq_packed_setup(q, cfg) :
			       virtq_split_setup(q, cfg);
	}
	if (!ret)
		ret = virtq_inflight_setup(q, cfg);
	if (ret) {
		enum vnet_virtq_err err = q->err;

		vnet_virtq_reset(q);
		q->err = err;	/* a refused ring leaves the queue broken */
		return ret;
	}
	q->ready = true;
	return 0;
}

void vnet_virtq_set_log(struct vnet_virtq *q, const struct vnet_dirty_log *log)
{
	if (log && log->bitmap)
		q->log = *log;
	else
		q->log = (struct vnet_dirty_log){ NULL, 0 };
}

bool vnet_virtq_logging(const struct vnet_virtq *q)
{
	return q->log.bitmap != NULL;
}

void vnet_virtq_set_log_addr(struct vnet_virtq *q, bool has_addr,
			     uint64_t gpa)
{
	q->has_log_addr = has_addr;
	q->log_addr = has_addr ? gpa : 0;
}

/* Bytes of the device area: the used ring (split), the device event
 * suppression structure (packed). */
static size_t device_area_len(const struct vnet_virtq *q)
{
	return q->packed ? EVENT_SIZE :
	       USED_OFF_RING + USED_ELEM_SIZE * (size_t)q->size + 2;
}

void virtq_log_ring(struct vnet_virtq *q, const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p, dev = (uintptr_t)q->device;
	uint64_t gpa;

	/* vhost-user's log_guest_addr stands for the device area's first
	 * byte ("the write to first byte of the used ring is logged at
	 * this offset") */
	if (q->has_log_addr && a >= dev && a - dev < device_area_len(q)) {
		vnet_dirty_log_mark(&q->log, q->log_addr + (a - dev), len);
		return;
	}
	if (vnet_mem_hva_to_gpa(q->mem, &q->log_hint, p, len, &gpa))
		vnet_dirty_log_mark(&q->log, gpa, len);
}

/* The first @len writable bytes of @elem, written by the device. */
static void log_written(struct vnet_virtq *q, const struct vnet_virtq_elem *e,
			uint32_t len)
{
	unsigned int i;

	for (i = 0; i < e->in_num && len; i++) {
		size_t c = e->in[i].iov_len < len ? e->in[i].iov_len : len;
		uint64_t gpa;

		/* each segment lies in one region (vnet_mem_translate) */
		if (c && vnet_mem_hva_to_gpa(q->mem, &q->log_hint,
					     e->in[i].iov_base, c, &gpa))
			vnet_dirty_log_mark(&q->log, gpa, c);
		len -= (uint32_t)c;
	}
}

int virtq_miss(struct vnet_virtq *q, uint64_t iova, unsigned int perm)
{
	q->stats.iotlb_misses++;
	if (q->ring_cfg.miss)
		q->ring_cfg.miss(q, iova, perm, q->opaque);
	return -EAGAIN;
}

/*
 * Host range of an object the device uses in place (a ring area, an
 * indirect table) through the IOTLB: it must be contiguous in host
 * memory, however many mappings it spans. Return: as
 * vnet_iotlb_translate(), and -EACCES for one not contiguous.
 */
static int iotlb_object(struct vnet_virtq *q, uint64_t iova, uint64_t len,
			unsigned int perm, void **p)
{
	struct iovec iov;
	uint64_t miss = 0;
	int n;

	n = vnet_iotlb_translate_cached(q->iotlb, q->mem, &q->tlb_cache, iova,
					len, perm, &iov, 1, &miss);
	if (n == -ENOENT)
		return virtq_miss(q, miss, perm);
	if (n == -ENOBUFS)
		return -EACCES;	/* pieces apart in host memory */
	if (n < 0)
		return n;
	*p = iov.iov_base;
	return 0;
}

int virtq_iotlb_buf_slow(struct vnet_virtq *q, uint64_t addr, uint32_t len,
			 bool write, struct iovec *iov, unsigned int room)
{
	unsigned int perm = write ? VNET_IOTLB_WO : VNET_IOTLB_RO;
	uint64_t miss = 0;
	int n;

	n = vnet_iotlb_translate(q->iotlb, q->mem, &q->tlb_cache, addr, len,
				 perm, iov, room, &miss);
	if (n == -ENOENT)
		return virtq_miss(q, miss, perm);
	return n;
}

void *virtq_ring_ptr(struct vnet_virtq *q, const struct vnet_virtq_config *cfg,
		     uint64_t addr, uint64_t len, unsigned int align,
		     unsigned int perm)
{
	void *p = NULL;
	int ret;

	if (q->iotlb) {
		ret = iotlb_object(q, addr, len, perm, &p);
		if (ret == -EAGAIN)
			q->ring_missed = true;
		if (ret)
			return NULL;
	} else if (cfg->addr_is_uva) {
		p = vnet_mem_uva_ptr(q->mem, addr, len);
	} else {
		p = vnet_mem_ptr(q->mem, addr, len);
	}
	if (!p)
		return NULL;
	if ((addr | (uintptr_t)p) & (align - 1))
		return NULL;	/* "a multiple of the specified alignment" */
	return p;
}

int virtq_rings_failed(struct vnet_virtq *q)
{
	if (q->ring_missed) {
		q->ring_missed = false;
		return -EAGAIN;		/* waits for the mapping */
	}
	virtq_bad(q, VNET_VIRTQ_ERR_RING_ADDR);
	return -EFAULT;
}

/*
 * With an IOTLB: translate the rings when the queue is first used, and
 * again after any mapping went (an invalidation voids what the queue
 * held). The first time also runs the format's setup, which reads and
 * writes the rings.
 */
static int rings_map(struct vnet_virtq *q)
{
	const struct vnet_virtq_config *cfg = &q->ring_cfg;
	uint64_t gen = q->iotlb->gen;
	int ret;

	ret = q->packed ? virtq_packed_setup(q, cfg) :
			  virtq_split_setup(q, cfg);
	if (ret)
		return ret;
	q->rings_mapped = true;
	q->rings_gen = gen;
	return 0;
}

/* The element is full: the rest of the chain is walked, not mapped. */
int virtq_truncate(struct vnet_virtq *q, struct vnet_virtq_elem *e)
{
	if (!e->truncated)
		q->stats.truncated++;
	e->truncated = true;
	return 0;
}

int virtq_indirect_table(struct vnet_virtq *q, const struct virtq_desc_copy *d,
			 bool chained, unsigned int *count,
			 const uint8_t **table)
{
	void *p = NULL;
	int ret;

	if (!q->indirect)	/* "MUST NOT set ... unless ... negotiated" */
		return virtq_bad(q, VNET_VIRTQ_ERR_INDIRECT_FEATURE);
	if (chained)		/* "MUST NOT set both INDIRECT and NEXT" */
		return virtq_bad(q, VNET_VIRTQ_ERR_INDIRECT_NEXT);
	if (!d->len || d->len % DESC_SIZE || d->len / DESC_SIZE > q->size) {
		/* "struct virtq_desc desc[len / 16]"; "MUST NOT create a
		 * descriptor chain longer than the Queue Size" */
		return virtq_bad(q, VNET_VIRTQ_ERR_INDIRECT_SIZE);
	}
	if (q->iotlb) {
		ret = iotlb_object(q, d->addr, d->len, VNET_IOTLB_RO, &p);
		if (ret == -EAGAIN)
			return ret;
		if (ret == -EACCES)
			return virtq_bad(q, VNET_VIRTQ_ERR_IOTLB_PERM);
	} else {
		p = vnet_mem_ptr(q->mem, d->addr, d->len);
	}
	if (!p)
		return virtq_bad(q, VNET_VIRTQ_ERR_INDIRECT_ADDR);
	*count = d->len / DESC_SIZE;
	*table = p;
	return 0;
}

unsigned int virtq_run_end(const struct vnet_virtq *q, unsigned int i)
{
	unsigned int last = q->npending - 1u;

	/* All but the last folded (an IN_ORDER transmit burst): one entry
	 * for the whole batch, found without a walk over it. */
	if (i == 0 && q->npending &&
	    (q->pending_skips == q->npending ||
	     (q->pending_skips == last && !q->pending[last].skip)))
		return last;
	while (i + 1 < q->npending && q->pending[i].skip)
		i++;
	return i;
}

/* The gate of operations that do not touch the rings. */
static int check_state(const struct vnet_virtq *q)
{
	if (q->err != VNET_VIRTQ_OK)
		return -EIO;
	if (!q->ready)
		return -ENODEV;
	return 0;
}

/* Common gate of every ring operation: with an IOTLB, rings mapped as
 * the table is now (-EAGAIN while a ring's mapping is missing). */
static int check_usable(struct vnet_virtq *q)
{
	int ret = check_state(q);

	if (ret || !q->iotlb)
		return ret;
	if (__builtin_expect(q->rings_mapped &&
			     q->rings_gen == q->iotlb->gen, 1))
		return 0;
	return rings_map(q);
}

int vnet_virtq_pop(struct vnet_virtq *q, struct vnet_virtq_elem *elem)
{
	int ret = check_usable(q);

	if (ret)
		return ret;
	virtq_elem_reset(elem);
	ret = q->packed ? virtq_packed_pop(q, elem) : virtq_split_pop(q, elem);
	if (ret <= 0)
		return ret;
	elem->seq = q->pop_seq++;
	q->stats.popped++;
	q->stats.resubmitted += elem->resubmitted;
	return 1;
}

unsigned int vnet_virtq_avail(struct vnet_virtq *q, unsigned int max)
{
	unsigned int resubmit;

	if (check_usable(q))
		return 0;
	resubmit = vnet_virtq_resubmit_pending(q);
	if (resubmit >= max)
		return max;
	max -= resubmit;
	return resubmit + (q->packed ? virtq_packed_avail(q, max) :
				       virtq_split_avail(q, max));
}

int vnet_virtq_pop_burst(struct vnet_virtq *q, struct vnet_virtq_elem *elems,
			 unsigned int n)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < n && i < VNET_VIRTQ_SIZE_MAX; i++) {
		ret = vnet_virtq_pop(q, &elems[i]);
		if (ret <= 0)
			break;
	}
	if (i == 0 && ret < 0)
		return ret;
	return (int)i;
}

int vnet_virtq_unpop(struct vnet_virtq *q, const struct vnet_virtq_elem *elem)
{
	if (!q->ready)
		return -ENODEV;
	if (q->pop_seq == q->push_seq)
		return -EINVAL;		/* nothing in flight */
	if (elem->seq != (uint16_t)(q->pop_seq - 1))
		return -EINVAL;		/* not the buffer popped last */
	if (q->packed && (!elem->ndescs || elem->ndescs > q->inflight_descs))
		return -EINVAL;		/* not an element of this queue */
	if (elem->resubmitted && !q->resubmit_pos)
		return -EINVAL;		/* not resubmitted here */
	if (elem->resubmitted)
		q->resubmit_pos--;	/* first again; still in flight */
	else if (q->packed)
		virtq_packed_unpop(q, elem);
	else
		virtq_split_unpop(q, elem);
	q->pop_seq--;
	q->stats.unpopped++;
	return 0;
}

int vnet_virtq_push(struct vnet_virtq *q, const struct vnet_virtq_elem *elem,
		    uint32_t len)
{
	int ret = check_state(q);	/* the rings wait for the flush */

	if (ret)
		return ret;
	/* first, so a write is logged even if the push is refused */
	if (__builtin_expect(q->log.bitmap != NULL, 0))
		log_written(q, elem, len);
	return virtq_pending_add(q, elem, len);
}

int vnet_virtq_flush(struct vnet_virtq *q)
{
	unsigned int n = q->npending;
	int ret = check_usable(q);

	if (ret)
		return ret;
	if (!n)
		return 0;
	if (q->packed)
		virtq_packed_flush(q);
	else
		virtq_split_flush(q);
	q->npending = 0;
	q->pending_skips = 0;
	q->pending_descs = 0;
	q->stats.flushes++;
	return (int)n;
}

bool vnet_virtq_should_notify(struct vnet_virtq *q)
{
	uint32_t published = q->used_since_signal;
	bool yes;

	if (check_usable(q))
		return false;
	q->used_since_signal = 0;
	if (!published)
		return false;	/* nothing written since the last answer */
	if (q->packed)
		yes = virtq_packed_should_notify(q, published);
	else
		yes = virtq_split_should_notify(q, published);
	if (yes)
		q->stats.notify++;
	else
		q->stats.suppressed++;
	return yes;
}

int vnet_virtq_enable_notify(struct vnet_virtq *q)
{
	int ret = check_usable(q);

	if (ret)
		return ret;
	q->notify_enabled = true;
	return q->packed ? virtq_packed_enable_notify(q) :
			   virtq_split_enable_notify(q);
}

void vnet_virtq_disable_notify(struct vnet_virtq *q)
{
	if (check_usable(q))
		return;
	q->notify_enabled = false;
	if (q->packed)
		virtq_packed_disable_notify(q);
	else
		virtq_split_disable_notify(q);
}

int vnet_virtq_notification_data(struct vnet_virtq *q, uint32_t data)
{
	uint16_t next = (uint16_t)(data >> 16);	/* next_off | next_wrap << 15 */
	int ret = check_usable(q);

	if (ret)
		return ret;
	if (!q->notification_data)
		return -EOPNOTSUPP;
	ret = q->packed ? virtq_packed_hint(q, next) :
			  virtq_split_hint(q, next);
	if (!ret)
		q->stats.kicks_empty++;
	return ret;
}

uint32_t vnet_virtq_get_base(const struct vnet_virtq *q)
{
	if (q->packed)
		return (uint32_t)q->last_avail | (uint32_t)q->avail_wrap << 15;
	return q->last_avail;
}

int vnet_virtq_set_base(struct vnet_virtq *q, uint32_t base)
{
	int ret;

	if (!q->ready)
		return -ENODEV;
	if (base > UINT16_MAX)
		return -EINVAL;
	ret = q->iotlb ? check_usable(q) : 0;
	if (ret)
		return ret;	/* the rings must be mapped to be written */
	if (q->pop_seq != q->push_seq || q->npending)
		return -EBUSY;
	if (vnet_virtq_resubmit_pending(q))
		return -EBUSY;		/* the region says where to resume */
	return q->packed ? virtq_packed_set_base(q, base) :
			   virtq_split_set_base(q, base);
}
