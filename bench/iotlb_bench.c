// SPDX-License-Identifier: MIT
/* iotlb_bench.c - the device side of a split queue moving 64-byte frames, with ACCESS_PLATFORM (IOTLB) and without, in the same run */

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vnet/iotlb.h"
#include "vnet/virtq.h"
#include "vq_guest.h"

/*
 * Issue 18's ratio: what translation through the IOTLB costs the queue.
 * A guest driver (tests/unit/vq_guest.h) keeps a 256-entry split ring
 * full of 64-byte device-readable buffers, one descriptor each, spread
 * over the 64 KiB buffer region; the device pops a batch, touches each
 * frame's first byte, pushes and flushes it. Timed: the device side only
 * (pop, push, flush), per frame, three configurations in alternating
 * rounds so that a noisy neighbour hurts all alike:
 *   plain      no IOMMU: guest physical addresses, the memory table's
 *              region lookup with its per-queue hint (today's path);
 *   iotlb-1    ACCESS_PLATFORM, the IOVAs mapped by one large mapping
 *              (a guest with huge or passthrough-like mappings): every
 *              translation a hit of the queue's cache;
 *   iotlb-4k   ACCESS_PLATFORM, one mapping per 4 KiB page, as QEMU
 *              answers a Linux guest's misses: 16 buffer pages and the
 *              ring pages, all in the table, hits and cache refills.
 * Usage: iotlb_bench [ROUNDS [FRAMES_PER_ROUND [CONFIG]]] (default 11,
 * 2000000; CONFIG: one of the names above alone, one round, for
 * valgrind --tool=callgrind --toggle-collect=device_batch, which counts
 * the device's instructions per frame whatever the machine's load).
 */

#define QSIZE		256
#define BATCH		32
#define FRAME		64
#define UVA_BIAS	0x7f0000000000ULL
#define IOVA_BASE	0x40000000ULL	/* IOVA = gpa + IOVA_BASE */

enum { PLAIN, IOTLB_ONE, IOTLB_4K, CONFIGS };
static const char *const names[CONFIGS] = { "plain", "iotlb-1", "iotlb-4k" };

static volatile uint64_t sink;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void map_all(struct vnet_iotlb *tlb, const struct guest *g, bool pages)
{
	unsigned int i;
	uint64_t off;

	vnet_iotlb_init(tlb);
	for (i = 0; i < g->n; i++) {
		const struct guest_region *r = &g->r[i];

		if (!pages) {
			vnet_iotlb_update(tlb, &g->mem, r->gpa + IOVA_BASE,
					  r->size, r->gpa + UVA_BIAS,
					  VNET_IOTLB_RW);
			continue;
		}
		for (off = 0; off < r->size; off += 4096)
			vnet_iotlb_update(tlb, &g->mem, r->gpa + off + IOVA_BASE,
					  4096, r->gpa + off + UVA_BIAS,
					  VNET_IOTLB_RW);
	}
}

/* The device's side of one batch: pop, touch, push, flush. Kept out of
 * line so that callgrind can count its instructions alone
 * (--toggle-collect=device_batch). Return: frames. */
static __attribute__((noinline)) int device_batch(struct vnet_virtq *q,
						 struct vnet_virtq_elem *e,
						 struct iovec (*out)[2])
{
	unsigned int i;
	int n = 0;

	for (i = 0; i < BATCH; i++) {
		vnet_virtq_elem_init(&e[i], out[i], 2, NULL, 0);
		if (vnet_virtq_pop(q, &e[i]) != 1)
			break;
		sink += *(volatile uint8_t *)out[i][0].iov_base;
		n++;
	}
	for (i = 0; i < (unsigned int)n; i++)
		vnet_virtq_push(q, &e[i], 0);
	vnet_virtq_flush(q);
	return n;
}

/* Frames through a queue of configuration @c; seconds spent by the device. */
static double run(struct guest *g, int c, unsigned long frames)
{
	static struct vnet_iotlb tlb;
	uint64_t base = c == PLAIN ? 0 : IOVA_BASE;
	struct vnet_virtq_config cfg;
	struct vnet_virtq_elem e[BATCH];
	struct iovec out[BATCH][2];
	struct split_drv d;
	struct vnet_virtq q;
	unsigned long done = 0;
	double dev = 0;
	uint16_t used = 0;
	unsigned int i;

	split_init(&d, g, QSIZE, G_RING_GPA);
	split_config(&d, &cfg, VNET_VIRTQ_DIR_OUT);
	if (c != PLAIN) {
		map_all(&tlb, g, c == IOTLB_4K);
		cfg.iotlb = &tlb;
		cfg.desc_addr += base;
		cfg.driver_addr += base;
		cfg.device_addr += base;
	}
	vnet_virtq_init(&q);
	if (vnet_virtq_setup(&q, &g->mem, &cfg))
		abort();
	/* every descriptor a 64-byte buffer of its own, 256 bytes apart */
	for (i = 0; i < QSIZE; i++) {
		split_desc(&d, (uint16_t)i, G_BUF_GPA + base + 256ULL * i, FRAME,
			   0, 0);
		split_avail_add(&d, (uint16_t)i);
	}
	split_publish(&d);
	while (done < frames) {
		double t0 = now_s();
		int n = device_batch(&q, e, out);

		dev += now_s() - t0;
		if (!n)
			abort();
		/* the driver puts each used buffer back */
		while (used != split_used_idx(&d)) {
			uint32_t id, len;

			split_used_elem(&d, used++, &id, &len);
			split_avail_add(&d, (uint16_t)id);
		}
		split_publish(&d);
		done += (unsigned long)n;
	}
	vnet_virtq_reset(&q);
	return dev;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	unsigned int rounds = argc > 1 ? (unsigned int)atoi(argv[1]) : 11;
	unsigned long frames = argc > 2 ? strtoul(argv[2], NULL, 0) : 2000000;
	double mpps[CONFIGS][64], ratio[CONFIGS][64];
	struct guest *g = guest_new();
	unsigned int r;
	int c;

	if (!rounds || rounds > 64)
		return 2;
	for (c = 0; argc > 3 && c < CONFIGS; c++)
		if (!strcmp(argv[3], names[c])) {
			printf("%s: %.2f Mframes/s\n", names[c],
			       (double)frames / run(g, c, frames) / 1e6);
			guest_free(g);
			return 0;
		}
	if (argc > 3)
		return 2;
	run(g, PLAIN, frames / 10);	/* warm up */
	for (r = 0; r < rounds; r++) {
		for (c = 0; c < CONFIGS; c++)
			mpps[c][r] = (double)frames / run(g, c, frames) / 1e6;
		for (c = 0; c < CONFIGS; c++)
			ratio[c][r] = mpps[c][r] / mpps[PLAIN][r];
	}
	printf("%u rounds of %lu frames of %d bytes, device side (pop, push, flush)\n",
	       rounds, frames, FRAME);
	printf("| queue     | Mframes/s (med) | (min) | (max) | x plain (med) |\n");
	printf("|-----------|-----------------|-------|-------|---------------|\n");
	for (c = 0; c < CONFIGS; c++) {
		qsort(mpps[c], rounds, sizeof(double), cmp);
		qsort(ratio[c], rounds, sizeof(double), cmp);
		printf("| %-9s | %15.2f | %5.2f | %5.2f | %13.3f |\n", names[c],
		       mpps[c][rounds / 2], mpps[c][0], mpps[c][rounds - 1],
		       ratio[c][rounds / 2]);
	}
	guest_free(g);
	return 0;
}
