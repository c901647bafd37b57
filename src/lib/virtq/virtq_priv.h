/* SPDX-License-Identifier: MIT */
/* virtq_priv.h - ring layouts and guest-memory accessors shared by the virtq*.c files only */
#ifndef VNET_VIRTQ_PRIV_H
#define VNET_VIRTQ_PRIV_H

#include <endian.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vnet/mem.h"
#include "vnet/virtq.h"

#define VIRTQ_INTERNAL __attribute__((visibility("hidden")))

/* Descriptor flags: struct virtq_desc (split) and struct pvirtq_desc. */
#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4
#define VIRTQ_DESC_F_AVAIL	(1 << 7)
#define VIRTQ_DESC_F_USED	(1 << 15)

/* Split ring flags: struct virtq_avail and struct virtq_used. */
#define VIRTQ_AVAIL_F_NO_INTERRUPT	1
#define VIRTQ_USED_F_NO_NOTIFY		1

/* Packed ring: struct pvirtq_event_suppress, desc_event_flags. */
#define RING_EVENT_FLAGS_ENABLE		0x0
#define RING_EVENT_FLAGS_DISABLE	0x1
#define RING_EVENT_FLAGS_DESC		0x2
#define RING_EVENT_FLAGS_MASK		0x3

/* Byte offsets and sizes of the ring structures (virtio 1.4). */
enum {
	DESC_SIZE = 16,		/* virtq_desc and pvirtq_desc alike */
	DESC_OFF_ADDR = 0,
	DESC_OFF_LEN = 8,
	DESC_OFF_FLAGS = 12,	/* split */
	DESC_OFF_NEXT = 14,	/* split */
	PDESC_OFF_ID = 12,	/* packed */
	PDESC_OFF_FLAGS = 14,	/* packed */
	AVAIL_OFF_FLAGS = 0,
	AVAIL_OFF_IDX = 2,
	AVAIL_OFF_RING = 4,	/* le16 ring[size], then le16 used_event */
	USED_OFF_FLAGS = 0,
	USED_OFF_IDX = 2,
	USED_OFF_RING = 4,	/* used_elem ring[size], le16 avail_event */
	USED_ELEM_SIZE = 8,	/* le32 id, le32 len */
	EVENT_OFF_OFF_WRAP = 0,	/* pvirtq_event_suppress.desc */
	EVENT_OFF_FLAGS = 2,	/* pvirtq_event_suppress.flags */
	EVENT_SIZE = 4,
};

/**
 * struct vnet_virtq_pending - a pushed buffer waiting for the next flush
 * @len:	bytes written
 * @id:		head index (split) or buffer ID (packed)
 * @ndescs:	ring descriptors the buffer occupies (packed)
 * @skip:	IN_ORDER and nothing writable: may be folded into the used
 *		entry of a later buffer
 * @pos:	packed flush: ring offset of the used descriptor written
 * @flags:	packed flush: its flags, stored after the barrier
 * @slot:	packed, with an inflight region: the buffer's head entry
 */
struct vnet_virtq_pending {
	uint32_t len;
	uint16_t id;
	uint16_t ndescs;
	bool skip;
	uint16_t pos;
	uint16_t flags;
	uint16_t slot;
};

/**
 * struct vnet_virtq_resubmit - a buffer to pop again, as setup checked it
 * @idx:	head (split) or head entry of its list (packed)
 * @ndescs:	packed: descriptors in its list, counted at setup; the
 *		region's count is not read again (the frontend may rewrite
 *		it, and the ring arithmetic relies on this one)
 */
struct vnet_virtq_resubmit {
	uint16_t idx;
	uint16_t ndescs;
};

/**
 * struct virtq_desc_copy - a descriptor copied once out of guest memory
 * @addr:	buffer address
 * @len:	buffer length
 * @flags:	flags
 * @next:	split: next index; packed: buffer ID
 */
struct virtq_desc_copy {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/**
 * struct virtq_walk - a chain being gathered into an element
 * @elem:	the element
 * @seen_write:	a device-writable descriptor has been seen
 */
struct virtq_walk {
	struct vnet_virtq_elem *elem;
	bool seen_write;
};

/* Ring fields in host order: little-endian, or big-endian legacy guests. */
static inline uint16_t virtq_from16(const struct vnet_virtq *q, uint16_t v)
{
	return q->big_endian ? be16toh(v) : le16toh(v);
}

static inline uint16_t virtq_to16(const struct vnet_virtq *q, uint16_t v)
{
	return q->big_endian ? htobe16(v) : htole16(v);
}

static inline uint32_t virtq_to32(const struct vnet_virtq *q, uint32_t v)
{
	return q->big_endian ? htobe32(v) : htole32(v);
}

/*
 * Accessors for ring fields the driver and the device share. @p is a host
 * pointer into a ring checked at setup, naturally aligned. Each is a single
 * atomic access: the value is read once, never re-fetched by the compiler.
 */
static inline uint16_t virtq_load16(const struct vnet_virtq *q, void *p)
{
	return virtq_from16(q, atomic_load_explicit((_Atomic uint16_t *)p,
						    memory_order_relaxed));
}

static inline uint16_t virtq_load16_acquire(const struct vnet_virtq *q, void *p)
{
	return virtq_from16(q, atomic_load_explicit((_Atomic uint16_t *)p,
						    memory_order_acquire));
}

/**
 * virtq_log_ring() - mark a ring store in the dirty log
 * @q:		the queue, with a log attached
 * @p:		host address of the bytes stored, in a ring of @q
 * @len:	bytes stored
 */
VIRTQ_INTERNAL void virtq_log_ring(struct vnet_virtq *q, const void *p,
				   size_t len);

/*
 * Every store into a ring goes through these: with a dirty log attached
 * it is marked right after (migration must copy the page again); without,
 * it costs one predictable branch.
 */
static inline void virtq_logged(struct vnet_virtq *q, const void *p,
				size_t len)
{
	if (__builtin_expect(q->log.bitmap != NULL, 0))
		virtq_log_ring(q, p, len);
}

static inline void virtq_store16(struct vnet_virtq *q, void *p, uint16_t v)
{
	atomic_store_explicit((_Atomic uint16_t *)p, virtq_to16(q, v),
			      memory_order_relaxed);
	virtq_logged(q, p, sizeof(v));
}

static inline void virtq_store16_release(struct vnet_virtq *q, void *p,
					 uint16_t v)
{
	atomic_store_explicit((_Atomic uint16_t *)p, virtq_to16(q, v),
			      memory_order_release);
	virtq_logged(q, p, sizeof(v));
}

static inline void virtq_store32(struct vnet_virtq *q, void *p, uint32_t v)
{
	atomic_store_explicit((_Atomic uint32_t *)p, virtq_to32(q, v),
			      memory_order_relaxed);
	virtq_logged(q, p, sizeof(v));
}

/*
 * Copy 16 descriptor bytes out of guest memory, then decode the copy only.
 * The signal fence is a compiler barrier: after it the compiler cannot
 * assume guest memory still equals the copy, so it never re-reads a field
 * (the descriptor may sit in an unaligned indirect table, so no atomics).
 */
static inline void virtq_copy_desc(const struct vnet_virtq *q, const void *p,
				   bool packed, struct virtq_desc_copy *d)
{
	uint8_t raw[DESC_SIZE];
	uint64_t a;
	uint32_t l;
	uint16_t f, n;

	memcpy(raw, p, sizeof(raw));
	atomic_signal_fence(memory_order_seq_cst);
	memcpy(&a, raw + DESC_OFF_ADDR, sizeof(a));
	memcpy(&l, raw + DESC_OFF_LEN, sizeof(l));
	memcpy(&f, raw + (packed ? PDESC_OFF_FLAGS : DESC_OFF_FLAGS),
	       sizeof(f));
	memcpy(&n, raw + (packed ? PDESC_OFF_ID : DESC_OFF_NEXT), sizeof(n));
	d->addr = q->big_endian ? be64toh(a) : le64toh(a);
	d->len = q->big_endian ? be32toh(l) : le32toh(l);
	d->flags = virtq_from16(q, f);
	d->next = virtq_from16(q, n);
}

/**
 * virtq_bad() - mark the queue broken for a guest fault
 * @q:		the queue
 * @err:	the fault
 *
 * Return: -EIO, for the caller to return
 */
VIRTQ_INTERNAL int virtq_bad(struct vnet_virtq *q, enum vnet_virtq_err err);

/**
 * virtq_miss() - the queue needs a mapping the IOTLB does not hold
 * @q:		the queue
 * @iova:	the address
 * @perm:	the access
 *
 * Counts it and tells the owner (struct vnet_virtq_config, @miss); the
 * queue waits where it stopped.
 *
 * Return: -EAGAIN, for the caller to return
 */
VIRTQ_INTERNAL int virtq_miss(struct vnet_virtq *q, uint64_t iova,
			      unsigned int perm);

/**
 * virtq_ring_ptr() - translate a ring area given at setup
 * @q:		the queue, with its memory table set
 * @cfg:	the configuration (says which address space)
 * @addr:	guest physical, frontend user or I/O virtual address
 * @len:	bytes of the area
 * @align:	alignment the driver must give the area, a power of two
 * @perm:	with an IOTLB, the access the device makes (VNET_IOTLB_*)
 *
 * With an IOTLB, a miss sets @q->ring_missed (and reports it).
 *
 * Return: host pointer to the whole area, contiguous, or NULL
 */
VIRTQ_INTERNAL void *virtq_ring_ptr(struct vnet_virtq *q,
				    const struct vnet_virtq_config *cfg,
				    uint64_t addr, uint64_t len,
				    unsigned int align, unsigned int perm);

/**
 * virtq_rings_failed() - a ring area was not translated at setup
 * @q:	the queue
 *
 * Return: -EAGAIN after a miss (the queue waits for the mapping), else
 * -EFAULT after marking the queue broken
 */
VIRTQ_INTERNAL int virtq_rings_failed(struct vnet_virtq *q);

/**
 * virtq_iotlb_buf_slow() - virtq_iotlb_buf() past the queue's cache
 * @q:		the queue, with an IOTLB
 * @addr:	IOVA
 * @len:	bytes, non-zero
 * @write:	the device writes it
 * @iov:	output segments
 * @room:	room in @iov
 *
 * Return: as vnet_mem_translate(); -EAGAIN after a miss, -EACCES for a
 * mapping that does not permit the access
 */
VIRTQ_INTERNAL int virtq_iotlb_buf_slow(struct vnet_virtq *q, uint64_t addr,
					uint32_t len, bool write,
					struct iovec *iov, unsigned int room);

/* A buffer through the IOTLB: the cache's hit inline, as the memory
 * table's hint is. Return: as virtq_iotlb_buf_slow(). */
static inline int virtq_iotlb_buf(struct vnet_virtq *q, uint64_t addr,
				  uint32_t len, bool write, struct iovec *iov,
				  unsigned int room)
{
	if (room && vnet_iotlb_cache_hit(q->iotlb, &q->tlb_cache, addr, len,
					 write ? VNET_IOTLB_WO : VNET_IOTLB_RO,
					 iov))
		return 1;
	return virtq_iotlb_buf_slow(q, addr, len, write, iov, room);
}

/**
 * virtq_truncate() - mark an element whose chain outgrew its arrays
 * @q:		the queue (counts it once per element)
 * @e:		the element
 *
 * Return: 0: the chain is still walked and checked to its end
 */
VIRTQ_INTERNAL int virtq_truncate(struct vnet_virtq *q,
				  struct vnet_virtq_elem *e);

/**
 * virtq_add_buf() - check one data descriptor and append its segments
 * @q:		the queue
 * @w:		the chain so far
 * @addr:	guest address
 * @len:	length; zero adds no segment and is not translated
 * @write:	device-writable
 *
 * Inline: it runs once per descriptor, on every pop.
 *
 * Return: 0, or -EIO after marking the queue broken
 */
static inline int virtq_add_buf(struct vnet_virtq *q, struct virtq_walk *w,
				uint64_t addr, uint32_t len, bool write)
{
	struct vnet_virtq_elem *e = w->elem;
	uint64_t total = (uint64_t)e->out_len + e->in_len;
	struct iovec *iov;
	unsigned int room;
	int n;

	if (write && q->dir == VNET_VIRTQ_DIR_OUT)
		return virtq_bad(q, VNET_VIRTQ_ERR_DIRECTION);
	if (!write && q->dir == VNET_VIRTQ_DIR_IN)
		return virtq_bad(q, VNET_VIRTQ_ERR_DIRECTION);
	/* "MUST place any device-writable descriptor elements after any
	 * device-readable descriptor elements" */
	if (!write && w->seen_write)
		return virtq_bad(q, VNET_VIRTQ_ERR_WRITE_BEFORE_READ);
	w->seen_write |= write;
	if (!len)
		return 0;		/* nothing to map: address ignored */
	if (len > UINT32_MAX - total)	/* "longer than 2^32 bytes" */
		return virtq_bad(q, VNET_VIRTQ_ERR_LEN_OVERFLOW);

	/*
	 * Past the caller's arrays (the device's limit on segments), the
	 * chain is still walked and checked, its buffer still returned: a
	 * chain longer than a device's arrays is not a guest error (the
	 * spec allows chains up to the queue size), so the queue goes on.
	 */
	room = write ? e->in_max - e->in_num : e->out_max - e->out_num;
	if (!room || e->truncated)
		return virtq_truncate(q, e);
	iov = write ? e->in + e->in_num : e->out + e->out_num;
	if (q->iotlb)
		n = virtq_iotlb_buf(q, addr, len, write, iov, room);
	else
		n = vnet_mem_translate_hint(q->mem, &q->mem_hint, addr, len,
					    iov, room);
	if (n == -EAGAIN)
		return n;		/* a miss: the queue waits */
	if (n == -EACCES)
		return virtq_bad(q, VNET_VIRTQ_ERR_IOTLB_PERM);
	if (n == -EOVERFLOW)
		return virtq_bad(q, VNET_VIRTQ_ERR_LEN_OVERFLOW);
	if (n == -ENOBUFS)
		return virtq_truncate(q, e);
	if (n < 0)
		return virtq_bad(q, VNET_VIRTQ_ERR_ADDR);
	if (write) {
		e->in_num += (unsigned int)n;
		e->in_len += len;
	} else {
		e->out_num += (unsigned int)n;
		e->out_len += len;
	}
	return 0;
}

/**
 * virtq_indirect_table() - check and map an indirect descriptor table
 * @q:		the queue
 * @d:		the descriptor that refers to the table
 * @chained:	@d carries NEXT (split), or is part of a list (packed)
 * @count:	entries in the table
 * @table:	host pointer to the table
 *
 * Return: 0; -EIO after marking the queue broken; -EAGAIN after an IOTLB
 * miss
 */
VIRTQ_INTERNAL int virtq_indirect_table(struct vnet_virtq *q,
					const struct virtq_desc_copy *d,
					bool chained, unsigned int *count,
					const uint8_t **table);

/**
 * virtq_run_end() - last pending buffer of the used entry that starts at @i
 * @q:	the queue
 * @i:	first pending buffer of the entry
 *
 * Return: index of the buffer whose ID the entry carries
 */
VIRTQ_INTERNAL unsigned int virtq_run_end(const struct vnet_virtq *q,
					  unsigned int i);

/* Inflight region (virtq_inflight.c); each a no-op cost when none is set. */
VIRTQ_INTERNAL int virtq_inflight_setup(struct vnet_virtq *q,
					const struct vnet_virtq_config *cfg);
VIRTQ_INTERNAL void virtq_inflight_split_pop(struct vnet_virtq *q,
					     uint16_t head);
VIRTQ_INTERNAL void virtq_inflight_split_unpop(struct vnet_virtq *q,
					       uint16_t head);
VIRTQ_INTERNAL void virtq_inflight_split_batch(struct vnet_virtq *q);
VIRTQ_INTERNAL void virtq_inflight_split_used(struct vnet_virtq *q,
					      uint16_t used_idx);

/**
 * struct virtq_inflight_rec - a packed list recorded as it is walked
 * @cur:	the free entry the next descriptor goes to
 * @last:	the entry the last descriptor went to
 *
 * The region gets the walk's own copies: the ring is not read again to
 * record what was checked (the driver may have rewritten it meanwhile).
 */
struct virtq_inflight_rec {
	uint16_t cur;
	uint16_t last;
};

VIRTQ_INTERNAL int virtq_inflight_packed_record(struct vnet_virtq *q,
						struct virtq_inflight_rec *rec,
						const struct virtq_desc_copy *d);
VIRTQ_INTERNAL int virtq_inflight_packed_pop(struct vnet_virtq *q,
					     struct vnet_virtq_elem *elem,
					     const struct virtq_inflight_rec *rec);
VIRTQ_INTERNAL void virtq_inflight_packed_unpop(struct vnet_virtq *q,
						uint16_t slot);
VIRTQ_INTERNAL void virtq_inflight_packed_batch(struct vnet_virtq *q,
						uint16_t used_idx,
						bool used_wrap);
VIRTQ_INTERNAL void virtq_inflight_packed_used(struct vnet_virtq *q);

/**
 * struct virtq_inflight_desc - a packed inflight entry, copied once
 * @addr:	descriptor address
 * @len:	descriptor length
 * @id:		buffer ID
 * @flags:	descriptor flags
 * @next:	next entry of the list
 * @num:	head only: descriptors in the list
 */
struct virtq_inflight_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t id;
	uint16_t flags;
	uint16_t next;
	uint16_t num;
};

VIRTQ_INTERNAL void virtq_inflight_packed_entry(const struct vnet_virtq *q,
						uint16_t e,
						struct virtq_inflight_desc *d);

/* An element's counts, reset before a pop fills it (not its arrays). */
static inline void virtq_elem_reset(struct vnet_virtq_elem *elem)
{
	elem->out_num = elem->in_num = 0;
	elem->out_len = elem->in_len = 0;
	elem->resubmitted = false;
	elem->truncated = false;
}

/**
 * virtq_pending_add() - check a push and queue it for the next flush
 * @q:		the queue, usable
 * @elem:	the buffer, popped from @q
 * @len:	bytes the device wrote into it
 *
 * The checks of vnet_virtq_push() past its gate and its dirty log; inline
 * for the serving loop (virtq_serve.c), which runs it once per buffer.
 *
 * Return: 0, or -EINVAL for a push the queue's state refuses
 */
static inline int virtq_pending_add(struct vnet_virtq *q,
				    const struct vnet_virtq_elem *elem,
				    uint32_t len)
{
	struct vnet_virtq_pending *p;

	if (len > elem->in_len)
		return -EINVAL;		/* more than the buffer holds */
	if (q->pop_seq == q->push_seq || q->npending >= q->size)
		return -EINVAL;		/* nothing in flight */
	if (q->in_order && elem->seq != q->push_seq)
		return -EINVAL;		/* IN_ORDER: "in the same order" */
	/* A batch covers at most the descriptors in flight: a used run is
	 * never longer than the ring (advance() moves at most a lap). */
	if (q->packed && (!elem->ndescs ||
			  q->pending_descs + elem->ndescs > q->inflight_descs))
		return -EINVAL;		/* not an element of this queue */

	p = &q->pending[q->npending++];
	q->pending_descs += elem->ndescs;
	p->id = elem->id;
	p->len = len;
	p->ndescs = elem->ndescs;
	p->slot = elem->slot;
	p->skip = q->in_order && !(len | elem->in_len);
	q->pending_skips += p->skip;
	q->push_seq++;
	q->stats.pushed++;
	return 0;
}

/* Format-specific halves; each returns what its vnet_virtq_* caller does. */
VIRTQ_INTERNAL int virtq_split_setup(struct vnet_virtq *q,
				     const struct vnet_virtq_config *cfg);
VIRTQ_INTERNAL int virtq_split_pop(struct vnet_virtq *q,
				   struct vnet_virtq_elem *elem);
VIRTQ_INTERNAL unsigned int virtq_split_heads(struct vnet_virtq *q,
					      uint16_t *heads,
					      unsigned int n);
VIRTQ_INTERNAL int virtq_split_pop_head(struct vnet_virtq *q,
					struct vnet_virtq_elem *elem,
					uint16_t head);
VIRTQ_INTERNAL void virtq_split_unpop(struct vnet_virtq *q,
				      const struct vnet_virtq_elem *elem);
VIRTQ_INTERNAL void virtq_split_flush(struct vnet_virtq *q);
VIRTQ_INTERNAL bool virtq_split_should_notify(struct vnet_virtq *q,
					      uint32_t published);
VIRTQ_INTERNAL int virtq_split_enable_notify(struct vnet_virtq *q);
VIRTQ_INTERNAL void virtq_split_disable_notify(struct vnet_virtq *q);
VIRTQ_INTERNAL int virtq_split_hint(struct vnet_virtq *q, uint16_t next);
VIRTQ_INTERNAL unsigned int virtq_split_avail(struct vnet_virtq *q,
					      unsigned int max);
VIRTQ_INTERNAL int virtq_split_set_base(struct vnet_virtq *q, uint32_t base);

VIRTQ_INTERNAL int virtq_packed_setup(struct vnet_virtq *q,
				      const struct vnet_virtq_config *cfg);
VIRTQ_INTERNAL int virtq_packed_pop(struct vnet_virtq *q,
				    struct vnet_virtq_elem *elem);
VIRTQ_INTERNAL unsigned int virtq_packed_avail(struct vnet_virtq *q,
					       unsigned int max);
VIRTQ_INTERNAL void virtq_packed_unpop(struct vnet_virtq *q,
				       const struct vnet_virtq_elem *elem);
VIRTQ_INTERNAL void virtq_packed_flush(struct vnet_virtq *q);
VIRTQ_INTERNAL bool virtq_packed_should_notify(struct vnet_virtq *q,
					       uint32_t published);
VIRTQ_INTERNAL int virtq_packed_enable_notify(struct vnet_virtq *q);
VIRTQ_INTERNAL void virtq_packed_disable_notify(struct vnet_virtq *q);
VIRTQ_INTERNAL int virtq_packed_hint(struct vnet_virtq *q, uint16_t next);
VIRTQ_INTERNAL int virtq_packed_set_base(struct vnet_virtq *q, uint32_t base);

#endif /* VNET_VIRTQ_PRIV_H */
