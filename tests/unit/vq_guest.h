/* SPDX-License-Identifier: MIT */
/* vq_guest.h - a fake virtio driver for the virtqueue tests: guest memory, split and packed rings laid out as the specification says */
#ifndef VQ_GUEST_H
#define VQ_GUEST_H

/*
 * Independent of the code under test: the layouts and flag values below
 * are copied from virtqueue-split-ring.tex and virtqueue-packed-ring.tex,
 * not from the library's headers. Each guest region is its own malloc of
 * exactly its size, so ASan catches any access past a region.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "vnet/features.h"
#include "vnet/mem.h"
#include "vnet/virtq.h"

/* struct virtq_desc / pvirtq_desc flags */
#define G_DESC_F_NEXT		1
#define G_DESC_F_WRITE		2
#define G_DESC_F_INDIRECT	4
#define G_DESC_F_AVAIL		(1 << 7)
#define G_DESC_F_USED		(1 << 15)
#define G_AVAIL_F_NO_INTERRUPT	1
#define G_USED_F_NO_NOTIFY	1
#define G_EVENT_ENABLE		0x0
#define G_EVENT_DISABLE		0x1
#define G_EVENT_DESC		0x2

#define GUEST_REGIONS_MAX	8

/* Guest memory map of every test: rings, buffers, an adjacent region. */
#define G_RING_GPA	0x1000ULL	/* 64 KiB: rings and tables */
#define G_RING_SIZE	0x10000
#define G_BUF_GPA	0x100000ULL	/* 64 KiB: buffers */
#define G_BUF_SIZE	0x10000
#define G_ADJ_GPA	0x110000ULL	/* 4 KiB, starts where BUF ends */
#define G_ADJ_SIZE	0x1000
#define G_HOLE_GPA	0x200000ULL	/* in no region */

struct guest_region {
	uint64_t gpa;
	size_t size;
	uint8_t *host;
};

struct guest {
	struct vnet_mem mem;	/* what the device is given */
	struct guest_region r[GUEST_REGIONS_MAX];
	unsigned int n;
};

static inline void st16(void *p, uint16_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}

static inline void st32(void *p, uint32_t v)
{
	st16(p, (uint16_t)v);
	st16((uint8_t *)p + 2, (uint16_t)(v >> 16));
}

static inline void st64(void *p, uint64_t v)
{
	st32(p, (uint32_t)v);
	st32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

static inline uint16_t ld16(const void *p)
{
	const uint8_t *b = p;

	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t ld32(const void *p)
{
	return ld16(p) | (uint32_t)ld16((const uint8_t *)p + 2) << 16;
}

/* Add an exact-size region; returns 0 or what vnet_mem_add() says. */
static inline int guest_region(struct guest *g, uint64_t gpa, size_t size)
{
	struct vnet_mem_region r = { .gpa = gpa, .size = size,
				     .uva = 0x7f0000000000ULL + gpa };
	uint8_t *host = calloc(1, size);
	int ret;

	if (!host || g->n == GUEST_REGIONS_MAX)
		abort();
	r.hva = host;
	ret = vnet_mem_add(&g->mem, &r);
	if (ret) {
		free(host);
		return ret;
	}
	g->r[g->n].gpa = gpa;
	g->r[g->n].size = size;
	g->r[g->n].host = host;
	g->n++;
	return 0;
}

static inline struct guest *guest_new(void)
{
	struct guest *g = calloc(1, sizeof(*g));

	if (!g)
		abort();
	vnet_mem_init(&g->mem);
	if (guest_region(g, G_RING_GPA, G_RING_SIZE) ||
	    guest_region(g, G_BUF_GPA, G_BUF_SIZE) ||
	    guest_region(g, G_ADJ_GPA, G_ADJ_SIZE))
		abort();
	return g;
}

static inline void guest_free(struct guest *g)
{
	unsigned int i;

	for (i = 0; i < g->n; i++)
		free(g->r[i].host);
	free(g);
}

/* The test's own translation: [gpa, gpa + len) must be in one region. */
static inline uint8_t *gp(struct guest *g, uint64_t gpa, size_t len)
{
	unsigned int i;

	for (i = 0; i < g->n; i++) {
		struct guest_region *r = &g->r[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size &&
		    len <= r->size - (gpa - r->gpa))
			return r->host + (gpa - r->gpa);
	}
	abort();
}

/* Fill guest bytes with a pattern that depends on the address. */
static inline void guest_pattern(struct guest *g, uint64_t gpa, size_t len)
{
	uint8_t *p = gp(g, gpa, len);
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)((gpa + i) * 7 + 3);
}

/* Gather @iov into @dst; returns bytes copied. */
static inline size_t iov_gather(const struct iovec *iov, unsigned int n,
				void *dst, size_t room)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < n && done < room; i++) {
		size_t c = iov[i].iov_len < room - done ?
			   iov[i].iov_len : room - done;

		memcpy((uint8_t *)dst + done, iov[i].iov_base, c);
		done += c;
	}
	return done;
}

/* One buffer element as a driver describes it. */
struct buf {
	uint64_t addr;
	uint32_t len;
	bool write;
};

/* ---- split ring driver (virtqueue-split-ring.tex) ---- */

struct split_drv {
	struct guest *g;
	uint16_t size;
	uint64_t desc, avail, used;
	uint16_t avail_idx;	/* published idx */
	uint16_t added;		/* entries written, idx not yet moved */
	uint16_t next_desc;	/* descriptor allocation cursor */
};

/* Rings at @gpa: table (align 16), avail (2), used (4), back to back. */
static inline void split_init(struct split_drv *d, struct guest *g,
			      uint16_t size, uint64_t gpa)
{
	memset(d, 0, sizeof(*d));
	d->g = g;
	d->size = size;
	d->desc = gpa;
	d->avail = gpa + 16ULL * size;
	d->used = (d->avail + 6 + 2ULL * size + 3) & ~3ULL;
	memset(gp(g, d->desc, 16ULL * size), 0, 16ULL * size);
	memset(gp(g, d->avail, 6 + 2ULL * size), 0, 6 + 2ULL * size);
	memset(gp(g, d->used, 6 + 8ULL * size), 0, 6 + 8ULL * size);
}

static inline void split_config(const struct split_drv *d,
				struct vnet_virtq_config *cfg,
				enum vnet_virtq_dir dir)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = d->size;
	cfg->desc_addr = d->desc;
	cfg->driver_addr = d->avail;
	cfg->device_addr = d->used;
	cfg->dir = dir;
	vnet_features_set(&cfg->features, VNET_F_VERSION_1);
}

static inline void split_desc(struct split_drv *d, uint16_t i, uint64_t addr,
			      uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *p = gp(d->g, d->desc + 16ULL * i, 16);

	st64(p, addr);
	st32(p + 8, len);
	st16(p + 12, flags);
	st16(p + 14, next);
}

/* avail->ring[(avail->idx + added++) % qsz] = head; */
static inline void split_avail_add(struct split_drv *d, uint16_t head)
{
	uint16_t slot = (uint16_t)((d->avail_idx + d->added++) % d->size);

	st16(gp(d->g, d->avail + 4 + 2ULL * slot, 2), head);
}

/* "suitable memory barrier" then "avail->idx += added" */
static inline void split_publish(struct split_drv *d)
{
	atomic_thread_fence(memory_order_release);
	d->avail_idx = (uint16_t)(d->avail_idx + d->added);
	d->added = 0;
	st16(gp(d->g, d->avail + 2, 2), d->avail_idx);
}

static inline void split_set_avail_idx(struct split_drv *d, uint16_t idx)
{
	d->avail_idx = idx;
	st16(gp(d->g, d->avail + 2, 2), idx);
}

/* Chain @n elements from the allocation cursor; returns the head. */
static inline uint16_t split_chain(struct split_drv *d, const struct buf *b,
				   unsigned int n)
{
	uint16_t head = d->next_desc;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint16_t at = d->next_desc;
		uint16_t next = (uint16_t)((at + 1) % d->size);
		uint16_t fl = (uint16_t)((b[i].write ? G_DESC_F_WRITE : 0) |
					 (i + 1 < n ? G_DESC_F_NEXT : 0));

		split_desc(d, at, b[i].addr, b[i].len, fl,
			   i + 1 < n ? next : 0);
		d->next_desc = next;
	}
	return head;
}

/* Chain and publish in one go; returns the head. */
static inline uint16_t split_add(struct split_drv *d, const struct buf *b,
				 unsigned int n)
{
	uint16_t head = split_chain(d, b, n);

	split_avail_add(d, head);
	split_publish(d);
	return head;
}

static inline uint16_t split_used_idx(struct split_drv *d)
{
	return ld16(gp(d->g, d->used + 2, 2));
}

static inline void split_used_elem(struct split_drv *d, uint16_t idx,
				   uint32_t *id, uint32_t *len)
{
	uint8_t *e = gp(d->g, d->used + 4 + 8ULL * (idx % d->size), 8);

	*id = ld32(e);
	*len = ld32(e + 4);
}

static inline void split_set_used_idx(struct split_drv *d, uint16_t v)
{
	st16(gp(d->g, d->used + 2, 2), v);
}

static inline uint16_t split_used_flags(struct split_drv *d)
{
	return ld16(gp(d->g, d->used, 2));
}

static inline uint16_t split_avail_event(struct split_drv *d)
{
	return ld16(gp(d->g, d->used + 4 + 8ULL * d->size, 2));
}

static inline void split_set_used_event(struct split_drv *d, uint16_t v)
{
	st16(gp(d->g, d->avail + 4 + 2ULL * d->size, 2), v);
}

static inline void split_set_avail_flags(struct split_drv *d, uint16_t v)
{
	st16(gp(d->g, d->avail, 2), v);
}

/* An indirect table entry (struct virtq_desc) at @table. */
static inline void split_table_desc(struct guest *g, uint64_t table,
				    uint16_t i, uint64_t addr, uint32_t len,
				    uint16_t flags, uint16_t next)
{
	uint8_t *p = gp(g, table + 16ULL * i, 16);

	st64(p, addr);
	st32(p + 8, len);
	st16(p + 12, flags);
	st16(p + 14, next);
}

/* ---- packed ring driver (virtqueue-packed-ring.tex) ---- */

struct packed_drv {
	struct guest *g;
	uint16_t size;
	uint64_t desc, drv_evt, dev_evt;
	uint16_t next_avail;
	bool avail_wrap;	/* Driver Ring Wrap Counter, starts at 1 */
	uint16_t next_used;
	bool used_wrap;
	uint16_t sgs[256];	/* descriptors per buffer id */
};

static inline void packed_init(struct packed_drv *d, struct guest *g,
			       uint16_t size, uint64_t gpa)
{
	memset(d, 0, sizeof(*d));
	d->g = g;
	d->size = size;
	d->desc = gpa;
	d->drv_evt = gpa + 16ULL * size;
	d->dev_evt = d->drv_evt + 4;
	d->avail_wrap = d->used_wrap = true;
	/* "The descriptor ring is zero-initialized." */
	memset(gp(g, d->desc, 16ULL * size + 8), 0, 16ULL * size + 8);
}

static inline void packed_config(const struct packed_drv *d,
				 struct vnet_virtq_config *cfg,
				 enum vnet_virtq_dir dir)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = d->size;
	cfg->desc_addr = d->desc;
	cfg->driver_addr = d->drv_evt;
	cfg->device_addr = d->dev_evt;
	cfg->dir = dir;
	cfg->base = 1u << 15;	/* offset 0, wrap counter 1 */
	vnet_features_set(&cfg->features, VNET_F_VERSION_1);
	vnet_features_set(&cfg->features, VNET_F_RING_PACKED);
}

static inline uint8_t *packed_desc(struct packed_drv *d, uint16_t pos)
{
	return gp(d->g, d->desc + 16ULL * pos, 16);
}

/* The spec's "Implementation Example": first flags written last; @extra
 * flags on every descriptor (INDIRECT, or flags a hostile driver sets). */
static inline void packed_add_flags(struct packed_drv *d, const struct buf *b,
				    unsigned int n, uint16_t id, uint16_t extra)
{
	uint16_t first = d->next_avail, first_flags = 0, last = first;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint8_t *p = packed_desc(d, d->next_avail);
		uint16_t f = (uint16_t)((b[i].write ? G_DESC_F_WRITE : 0) |
			(d->avail_wrap ? G_DESC_F_AVAIL : G_DESC_F_USED) |
			(i + 1 < n ? G_DESC_F_NEXT : 0) | extra);

		st64(p, b[i].addr);
		st32(p + 8, b[i].len);
		if (d->next_avail == first)
			first_flags = f;
		else
			st16(p + 14, f);
		last = d->next_avail;
		if (++d->next_avail >= d->size) {
			d->next_avail = 0;
			d->avail_wrap = !d->avail_wrap;
		}
	}
	d->sgs[id] = (uint16_t)n;
	st16(packed_desc(d, last) + 12, id);
	atomic_thread_fence(memory_order_release);
	st16(packed_desc(d, first) + 14, first_flags);
}

static inline void packed_add(struct packed_drv *d, const struct buf *b,
			      unsigned int n, uint16_t id)
{
	packed_add_flags(d, b, n, id, 0);
}

/* One descriptor with raw flags and id, for hostile layouts. */
static inline void packed_raw(struct packed_drv *d, uint16_t pos,
			      uint64_t addr, uint32_t len, uint16_t id,
			      uint16_t flags)
{
	uint8_t *p = packed_desc(d, pos);

	st64(p, addr);
	st32(p + 8, len);
	st16(p + 12, id);
	st16(p + 14, flags);
}

/* The flag bits that mark a descriptor available in the current lap. */
static inline uint16_t packed_avail_bits(const struct packed_drv *d)
{
	return d->avail_wrap ? G_DESC_F_AVAIL : G_DESC_F_USED;
}

/* The spec's used-buffer loop: true and the next used buffer, or false. */
static inline bool packed_get_used(struct packed_drv *d, uint16_t *id,
				   uint32_t *len, uint16_t *flags)
{
	uint8_t *p = packed_desc(d, d->next_used);
	uint16_t f = ld16(p + 14);
	bool avail = f & G_DESC_F_AVAIL, used = f & G_DESC_F_USED;

	if (avail != d->used_wrap || used != d->used_wrap)
		return false;
	atomic_thread_fence(memory_order_acquire);
	*id = ld16(p + 12);
	*len = ld32(p + 8);
	if (flags)
		*flags = f;
	d->next_used = (uint16_t)(d->next_used + d->sgs[*id % 256]);
	if (d->next_used >= d->size) {
		d->next_used = (uint16_t)(d->next_used - d->size);
		d->used_wrap = !d->used_wrap;
	}
	return true;
}

static inline void packed_set_driver_event(struct packed_drv *d,
					   uint16_t flags, uint16_t off_wrap)
{
	uint8_t *p = gp(d->g, d->drv_evt, 4);

	st16(p, off_wrap);
	st16(p + 2, flags);
}

static inline uint16_t packed_device_event_flags(struct packed_drv *d)
{
	return ld16(gp(d->g, d->dev_evt + 2, 2));
}

/* An indirect table entry (struct pvirtq_desc) at @table. */
static inline void packed_table_desc(struct guest *g, uint64_t table,
				     uint16_t i, uint64_t addr, uint32_t len,
				     uint16_t flags)
{
	uint8_t *p = gp(g, table + 16ULL * i, 16);

	st64(p, addr);
	st32(p + 8, len);
	st16(p + 12, 0);
	st16(p + 14, flags);
}

/* Room for an element's segments in a ring test. */
#define VQ_DEV_NIOV_MAX	16

/**
 * struct vq_dev - the device side of a ring test: two queues over one
 *		   guest and an element with its segment arrays
 * @g:		the guest
 * @q, @q2:	the queues (set up by each test with its driver's config)
 * @out, @in:	the element's segments
 * @e:		the element popped into
 */
struct vq_dev {
	struct guest *g;
	struct vnet_virtq q, q2;
	struct iovec out[VQ_DEV_NIOV_MAX], in[VQ_DEV_NIOV_MAX];
	struct vnet_virtq_elem e;
};

/* Queues not set up yet, an element taking up to @niov segments each way. */
static inline void vq_dev_init(struct vq_dev *v, unsigned int niov)
{
	vnet_virtq_init(&v->q);
	vnet_virtq_init(&v->q2);
	vnet_virtq_elem_init(&v->e, v->out, niov, v->in, niov);
}

/**
 * vq_fix_new() - a test's fixture whose first member is a struct vq_dev
 * @size:	the fixture's size
 * @niov:	segments the element takes each way, at most VQ_DEV_NIOV_MAX
 *
 * Return: the fixture, zeroed, its guest made and its queues initialised;
 * NULL when out of memory
 */
static inline void *vq_fix_new(size_t size, unsigned int niov)
{
	struct vq_dev *v = calloc(1, size);

	if (!v)
		return NULL;
	v->g = guest_new();
	vq_dev_init(v, niov);
	return v;
}

/* Teardown (cmocka's form) of a fixture made by vq_fix_new(). */
static inline int vq_fix_free(void **state)
{
	struct vq_dev *v = *state;

	vnet_virtq_reset(&v->q);
	vnet_virtq_reset(&v->q2);
	guest_free(v->g);
	free(v);
	return 0;
}

#endif /* VQ_GUEST_H */
