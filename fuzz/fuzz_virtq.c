// SPDX-License-Identifier: MIT
/* fuzz_virtq.c - libFuzzer: split and packed rings over hostile guest memory and a hostile inflight region */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnet/dirty_log.h"
#include "vnet/virtq.h"
#include "vnet/virtq_serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Guest memory: a 64 KiB region holding the rings, a 4 KiB one beside a
 * hole. Exact-size heap allocations, so ASan sees any access past them. */
#define RAM_GPA		0x10000
#define RAM_SIZE	0x10000
#define SMALL_GPA	0x30000
#define SMALL_SIZE	0x1000
#define DESC_GPA	0x10000
#define DRIVER_GPA	0x11000
#define DEVICE_GPA	0x12000
#define PREFIX		4
#define REGION_OFF	0x8000	/* inflight region bytes, from the body */

static void config_from(const uint8_t *p, struct vnet_virtq_config *cfg)
{
	uint8_t f = p[1];

	memset(cfg, 0, sizeof(*cfg));
	cfg->size = (uint16_t)(1u << (p[0] % 9));
	cfg->desc_addr = DESC_GPA;
	cfg->driver_addr = DRIVER_GPA;
	cfg->device_addr = DEVICE_GPA;
	cfg->dir = (enum vnet_virtq_dir)((f >> 5) % 3);
	cfg->big_endian = p[2] & 1;
	if (f & 0x01)
		vnet_features_set(&cfg->features, VNET_F_RING_PACKED);
	if (f & 0x02)
		vnet_features_set(&cfg->features, VNET_F_INDIRECT_DESC);
	if (f & 0x04)
		vnet_features_set(&cfg->features, VNET_F_EVENT_IDX);
	if (f & 0x08)
		vnet_features_set(&cfg->features, VNET_F_IN_ORDER);
	if (f & 0x10)
		vnet_features_set(&cfg->features, VNET_F_NOTIFICATION_DATA);
	if (f & 0x80)
		vnet_features_set(&cfg->features, VNET_F_VERSION_1);
	cfg->base = (f & 0x01) ? (uint32_t)(p[3] & 0x80) << 8 : 0;
}

/* Pop everything available, push it back in order, flush in batches. */
static void drain(struct vnet_virtq *q, const uint8_t *lens, size_t nlens)
{
	struct iovec out[64], in[64];
	struct vnet_virtq_elem e;
	unsigned int i;

	for (i = 0; i < 600; i++) {
		unsigned int offered = vnet_virtq_avail(q, 1 + i % 64);
		uint32_t len;
		int got;

		vnet_virtq_elem_init(&e, out, 64, in, 64);
		got = vnet_virtq_pop(q, &e);
		/* what vnet_virtq_avail() counts, pop finds (or faults on) */
		if (offered && got == 0)
			abort();
		if (got != 1)
			break;
		len = nlens ? lens[i % nlens] * 7u : 0;
		if (len > e.in_len)
			len = e.in_len;
		if (nlens && (lens[i % nlens] & 0x40))
			vnet_virtq_unpop(q, &e);
		else
			vnet_virtq_push(q, &e, len);
		if (i % 8 == 7)
			vnet_virtq_flush(q);
		vnet_virtq_should_notify(q);
	}
	vnet_virtq_flush(q);
	vnet_virtq_enable_notify(q);
	vnet_virtq_should_notify(q);
}

/* drain_serve()'s device: a length from the input, clipped to what the
 * buffer holds, or now and then "later" (the buffer goes back). */
struct serve_in {
	const uint8_t *lens;
	size_t nlens;
	unsigned int calls;
};

static uint32_t serve_fn(struct vnet_virtq_elem *e, void *opaque)
{
	struct serve_in *s = opaque;
	uint8_t l = s->nlens ? s->lens[s->calls % s->nlens] : 0;
	uint32_t len = l * 7u;

	s->calls++;
	if ((l & 0xc0) == 0xc0)
		return VNET_VIRTQ_SERVE_LATER;
	return len > e->in_len ? e->in_len : len;
}

/* The same, through vnet_virtq_serve() (its batched split pass). */
static void drain_serve(struct vnet_virtq *q, const uint8_t *lens,
			size_t nlens)
{
	struct iovec out[64], in[64];
	struct serve_in s = { lens, nlens, 0 };
	struct vnet_virtq_elem e;
	unsigned int i, burst, n;
	bool again;

	vnet_virtq_elem_init(&e, out, 64, in, 64);
	for (i = 0; i < 64 && s.calls < 600; i++) {
		burst = 1 + (nlens ? lens[i % nlens] : i) % 64;
		n = vnet_virtq_serve(q, &e, burst, serve_fn, &s, &again);
		if (n > burst || (again && !n))
			abort();	/* more than asked, or again for nothing */
		vnet_virtq_should_notify(q);
		if (!n && !again)
			break;
	}
	vnet_virtq_enable_notify(q);
	vnet_virtq_should_notify(q);
}

/*
 * With bit 6 of the fourth byte: an inflight region (vhost-user
 * INFLIGHT_SHMFD), exact-size on the heap, its bytes from the input, as a
 * crashed backend or a hostile frontend leaves it; after the rings are
 * drained the queue starts again on the region it wrote, as a new backend
 * would.
 */
static uint8_t *region_from(const uint8_t *data, size_t size,
			    struct vnet_virtq_config *cfg)
{
	bool packed = vnet_features_has(&cfg->features, VNET_F_RING_PACKED);
	size_t len = vnet_virtq_inflight_size(packed, cfg->size), n = 0;
	uint8_t *r;

	if (!(data[3] & 0x40))
		return NULL;
	r = calloc(1, len);
	if (!r)
		return NULL;
	if (size > PREFIX + REGION_OFF)
		n = size - PREFIX - REGION_OFF < len ?
		    size - PREFIX - REGION_OFF : len;
	memcpy(r, data + PREFIX + REGION_OFF, n);
	cfg->inflight = r;
	cfg->inflight_len = len;
	return r;
}

/* Log bytes for every page up to the end of the small region. */
#define LOG_FULL	((SMALL_GPA + SMALL_SIZE) / VNET_DIRTY_LOG_PAGE / 8 + 1)

/*
 * With bit 5 of the fourth byte: a dirty log from the start, exact-size
 * on the heap (bit 4: too short to reach the regions, so every mark is
 * cut at its end); bit 3: the device area logged at an address of the
 * input's (vhost-user's log_guest_addr).
 */
static uint8_t *log_from(const uint8_t *data, struct vnet_virtq_config *cfg,
			 struct vnet_dirty_log *log)
{
	uint8_t *bits;

	if (!(data[3] & 0x20))
		return NULL;
	log->size = (data[3] & 0x10) ? 2 : LOG_FULL;
	bits = calloc(1, log->size);
	if (!bits)
		return NULL;
	log->bitmap = bits;
	cfg->log = log;
	cfg->has_log_addr = data[3] & 0x08;
	cfg->log_addr = (uint64_t)data[2] << 12 | data[0];
	return bits;
}

/* The dirty log's oracle: every page of @r that differs from @before is
 * marked, when the log covers it and the device area is logged where it
 * lies. */
static void check_log(const struct vnet_virtq_config *cfg,
		      const struct vnet_mem_region *r, const uint8_t *before)
{
	uint64_t off;

	if (!cfg->log || cfg->has_log_addr || cfg->log->size < LOG_FULL)
		return;
	for (off = 0; off < r->size; off += VNET_DIRTY_LOG_PAGE) {
		uint64_t page = (r->gpa + off) / VNET_DIRTY_LOG_PAGE;

		if (memcmp((const uint8_t *)r->hva + off, before + off,
			   VNET_DIRTY_LOG_PAGE) &&
		    !(cfg->log->bitmap[page / 8] & (1u << (page % 8))))
			abort();	/* a write the log missed */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnet_mem_region ram = { RAM_GPA, RAM_SIZE, 0, NULL };
	struct vnet_mem_region small = { SMALL_GPA, SMALL_SIZE, 0, NULL };
	struct vnet_virtq_config cfg;
	struct vnet_dirty_log log;
	uint8_t *region, *bits, *before;
	struct vnet_virtq q;
	struct vnet_mem mem;
	size_t body;

	if (size < PREFIX)
		return 0;
	ram.hva = calloc(1, RAM_SIZE);
	small.hva = calloc(1, SMALL_SIZE);
	body = size - PREFIX < RAM_SIZE ? size - PREFIX : RAM_SIZE;
	memcpy(ram.hva, data + PREFIX, body);
	vnet_mem_init(&mem);
	vnet_mem_add(&mem, &ram);
	vnet_mem_add(&mem, &small);
	config_from(data, &cfg);
	region = region_from(data, size, &cfg);
	bits = log_from(data, &cfg, &log);
	before = malloc(RAM_SIZE);
	if (before)
		memcpy(before, ram.hva, RAM_SIZE);
	vnet_virtq_init(&q);
	if (!vnet_virtq_setup(&q, &mem, &cfg)) {
		if (data[3] & 0x04)	/* bit 2: the serving loop first */
			drain_serve(&q, data + PREFIX, body < 64 ? body : 64);
		drain(&q, data + PREFIX, body < 64 ? body : 64);
		vnet_virtq_notification_data(&q, (uint32_t)data[2] << 16);
		drain(&q, data + PREFIX, body < 64 ? body : 64);
	}
	vnet_virtq_reset(&q);
	if (region && !vnet_virtq_setup(&q, &mem, &cfg))
		drain(&q, data + PREFIX, body < 64 ? body : 64);
	vnet_virtq_reset(&q);
	if (before)
		check_log(&cfg, &ram, before);
	free(before);
	free(bits);
	free(region);
	free(ram.hva);
	free(small.hva);
	return 0;
}
