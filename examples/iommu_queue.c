// SPDX-License-Identifier: MIT
/* iommu_queue.c - a virtqueue behind a vIOMMU in a VMM that has its own transport: the IOTLB it fills, the misses it answers */

/*
 * A VMM whose guest negotiated VIRTIO_F_ACCESS_PLATFORM: every address in
 * the rings is an I/O virtual address (IOVA) of the guest's IOMMU. The
 * VMM gives the queue a table of mappings it fills itself (struct
 * vnet_iotlb) and a miss callback; the queue translates every address
 * through the table, with the permission the access needs, and waits
 * where it stopped when a mapping is missing.
 *
 *  1. the rings mapped, the buffer not: the pop misses, the callback
 *     names the IOVA and the access (read); the VMM asks its IOMMU model
 *     and maps the page read-only; the pop goes through, the frame is
 *     read, pushed and flushed;
 *  2. the guest unmaps the buffer (an invalidation) and offers it again:
 *     a miss again, the stale mapping is never used; this time the IOMMU
 *     says write-only, and the queue refuses to read through it.
 *
 * Build against an installed libvnet:
 *	cc iommu_queue.c $(pkg-config --cflags --libs libvnet)
 * Prints each step; exits 1 if one does not go as it must.
 */

#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnet/iotlb.h>
#include <vnet/mem.h>
#include <vnet/virtq.h>

#define RAM_SIZE	0x10000		/* guest memory: 64 KiB at gpa 0 */
#define QSIZE		4
#define DESC_GPA	0x0000		/* the rings, as the guest laid them */
#define AVAIL_GPA	0x0100
#define USED_GPA	0x0200
#define BUF_GPA		0x1000		/* the buffer's page */
#define RING_IOVA	0x100000	/* where the guest's IOMMU maps them */
#define BUF_IOVA	0x200000

static const char frame[64] = "hello through the IOMMU";

static uint8_t *ram;

/* The VMM's own address for guest memory: here, where it is mapped. */
static uint64_t uva_of(uint64_t gpa)
{
	return (uint64_t)(uintptr_t)(ram + gpa);
}

struct miss {
	int count;
	uint64_t iova;
	unsigned int perm;
};

/* The queue needs a mapping: the VMM notes it (and would ask its IOMMU
 * model; here the main loop answers). */
static void on_miss(struct vnet_virtq *q, uint64_t iova, unsigned int perm,
		    void *opaque)
{
	struct miss *m = opaque;

	(void)q;
	m->count++;
	m->iova = iova;
	m->perm = perm;
	printf("miss: iova 0x%" PRIx64 ", %s\n", iova,
	       perm == VNET_IOTLB_WO ? "write" : "read");
}

/* The guest offers its buffer again: descriptor 0 at the next avail slot. */
static void guest_offer(uint16_t *avail_idx)
{
	uint64_t addr = htole64(BUF_IOVA);
	uint32_t len = htole32(sizeof(frame));
	uint16_t zero = 0, idx;

	memcpy(ram + DESC_GPA, &addr, 8);
	memcpy(ram + DESC_GPA + 8, &len, 4);
	memcpy(ram + DESC_GPA + 12, &zero, 2);	/* flags: device-readable */
	memcpy(ram + AVAIL_GPA + 4 + 2 * (*avail_idx % QSIZE), &zero, 2);
	idx = htole16(++*avail_idx);
	__atomic_store_n((uint16_t *)(ram + AVAIL_GPA + 2), idx,
			 __ATOMIC_RELEASE);
}

int main(void)
{
	static struct vnet_iotlb tlb;
	struct vnet_mem_region r = { 0, RAM_SIZE, 0, NULL };
	struct vnet_virtq_config cfg;
	struct vnet_virtq_elem e;
	struct miss m = { 0, 0, 0 };
	struct vnet_virtq q;
	struct vnet_mem mem;
	struct iovec out[4];
	uint16_t avail_idx = 0, used_idx;
	int ret;

	ram = calloc(1, RAM_SIZE);
	if (!ram)
		return 1;
	r.uva = uva_of(0);
	r.hva = ram;
	vnet_mem_init(&mem);
	vnet_iotlb_init(&tlb);
	if (vnet_mem_add(&mem, &r))
		return 1;
	memcpy(ram + BUF_GPA, frame, sizeof(frame));

	/* the rings' page mapped as the guest's IOMMU maps it */
	if (vnet_iotlb_update(&tlb, &mem, RING_IOVA, 0x1000, uva_of(DESC_GPA),
			      VNET_IOTLB_RW))
		return 1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = QSIZE;
	cfg.desc_addr = RING_IOVA + DESC_GPA;
	cfg.driver_addr = RING_IOVA + AVAIL_GPA;
	cfg.device_addr = RING_IOVA + USED_GPA;
	cfg.dir = VNET_VIRTQ_DIR_OUT;
	vnet_features_set(&cfg.features, VNET_F_VERSION_1);
	vnet_features_set(&cfg.features, VNET_F_ACCESS_PLATFORM);
	cfg.iotlb = &tlb;
	cfg.miss = on_miss;
	cfg.opaque = &m;
	vnet_virtq_init(&q);
	if (vnet_virtq_setup(&q, &mem, &cfg))
		return 1;

	/* 1. a miss, answered read-only; then the frame */
	guest_offer(&avail_idx);
	vnet_virtq_elem_init(&e, out, 4, NULL, 0);
	ret = vnet_virtq_pop(&q, &e);
	if (ret != -EAGAIN || m.count != 1 || m.iova != BUF_IOVA)
		return 1;
	vnet_iotlb_update(&tlb, &mem, m.iova & ~0xfffULL, 0x1000,
			  uva_of(BUF_GPA), VNET_IOTLB_RO);
	if (vnet_virtq_pop(&q, &e) != 1)
		return 1;
	printf("popped: %zu bytes \"%s\"\n", out[0].iov_len,
	       (const char *)out[0].iov_base);
	vnet_virtq_push(&q, &e, 0);
	vnet_virtq_flush(&q);
	memcpy(&used_idx, ram + USED_GPA + 2, 2);
	printf("used: idx %u\n", le16toh(used_idx));

	/* 2. unmapped, offered again: asked for again, never read through
	 * the stale mapping; a write-only mapping is refused for a read */
	vnet_iotlb_invalidate(&tlb, BUF_IOVA, 0x1000);
	printf("invalidated: iova 0x%x, 4096 bytes\n", BUF_IOVA);
	guest_offer(&avail_idx);
	if (vnet_virtq_pop(&q, &e) != -EAGAIN || m.count != 2)
		return 1;
	vnet_iotlb_update(&tlb, &mem, BUF_IOVA, 0x1000, uva_of(BUF_GPA),
			  VNET_IOTLB_WO);
	ret = vnet_virtq_pop(&q, &e);
	printf("pop through a write-only mapping: %s, queue broken: %s\n",
	       ret == -EIO ? "refused" : "taken",
	       vnet_virtq_err_name(vnet_virtq_error(&q)));
	if (ret != -EIO)
		return 1;
	vnet_virtq_reset(&q);
	free(ram);
	printf("ok\n");
	return 0;
}
