// SPDX-License-Identifier: MIT
/* vu_mem.c - guest memory from the frontend: mmap of region fds, checked, into a vnet_mem table */

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "vu_int.h"

/**
 * vu_mem_find() - the mapped region that @r names exactly
 * @vu:	the backend
 * @r:	guest address, size and frontend address to look for
 *
 * Return: its index in vu->maps, or -ENOENT
 */
int vu_mem_find(const struct vnet_vu *vu, const struct vu_region *r)
{
	unsigned int i;

	for (i = 0; i < vu->nmaps; i++) {
		const struct vu_map *m = &vu->maps[i];

		if (m->gpa == r->gpa && m->size == r->size && m->uva == r->uva)
			return (int)i;
	}
	return -ENOENT;
}

/**
 * vu_mem_add() - map one region and insert it into the table
 * @vu:		the backend
 * @r:		the region
 * @fd:		its fd; always closed (a mapping keeps what it needs)
 *
 * A region identical to one present (same guest address, size and frontend
 * address) is already there: QEMU before 8.0 sends ADD_MEM_REG once per
 * vhost_dev, so once per queue pair, and libvhost-user compares regions the
 * same way. Anything else that overlaps is refused by vnet_mem_add().
 *
 * Return: 0 (added, or already present), or -errno (the region is not added)
 */
int vu_mem_add(struct vnet_vu *vu, const struct vu_region *r, int fd)
{
	struct vnet_mem_region mr = { .gpa = r->gpa, .size = r->size,
				      .uva = r->uva };
	size_t len = 0;
	void *base;
	int ret;

	if (r->size && vu_mem_find(vu, r) >= 0) {
		close(fd);
		vu->stats.mem_repeats++;	/* the same region again: no change */
		return 0;
	}
	if (r->size == 0 || vu->nmaps >= VU_MEM_SLOTS) {
		close(fd);
		vu->stats.bad_mem++;	/* empty region, or table full */
		return r->size ? -ENOSPC : -EINVAL;
	}
	base = vu_map_file(vu, fd, r->offset, r->size, &len);
	ret = base ? 0 : -errno;
	close(fd);
	if (!base) {
		vu->stats.bad_mem++;	/* fd cannot back the region */
		return ret;
	}
	mr.hva = (uint8_t *)base + r->offset;
	ret = vnet_mem_add(&vu->mem, &mr);
	if (ret) {
		vu_unmap_file(base, len);
		vu->stats.bad_mem++;	/* overlap, overflow, full */
		return ret;
	}
	vu->maps[vu->nmaps++] = (struct vu_map){ r->gpa, r->size, r->uva,
						   base, len };
	return 0;
}

/**
 * vu_mem_del() - remove the region that REM_MEM_REG names, and unmap it
 * @vu:	the backend
 * @r:	the region: guest address, size and frontend address must match
 *
 * Return: 0, or -ENOENT
 */
int vu_mem_del(struct vnet_vu *vu, const struct vu_region *r)
{
	int i = vu_mem_find(vu, r);
	struct vu_map *m;

	if (i < 0) {
		vu->stats.bad_mem++;	/* no such region */
		return -ENOENT;
	}
	m = &vu->maps[i];
	vnet_mem_del(&vu->mem, m->gpa, m->size);
	vnet_iotlb_mem_changed(&vu->iotlb);	/* caches hold its addresses */
	vu_unmap_file(m->base, m->len);
	*m = vu->maps[--vu->nmaps];
	return 0;
}

/**
 * vu_mem_clear() - unmap every region and empty the table
 * @vu:	the backend
 */
void vu_mem_clear(struct vnet_vu *vu)
{
	unsigned int i;

	for (i = 0; i < vu->nmaps; i++)
		vu_unmap_file(vu->maps[i].base, vu->maps[i].len);
	vu->nmaps = 0;
	vnet_mem_init(&vu->mem);
	vnet_iotlb_mem_changed(&vu->iotlb);
}

/**
 * vu_mem_set_table() - SET_MEM_TABLE: replace every region
 * @vu:	the backend; running queues are stopped and set up again on the
 *	new table
 * @m:	the request, size and fd count already checked
 *
 * Return: 0, or -errno with the table left empty
 */
int vu_mem_set_table(struct vnet_vu *vu, struct vu_msg *m)
{
	unsigned int i, n = m->p.mem.nregions;
	int ret = 0;

	for (i = 0; i < vu->nqueues; i++)
		if (vu->vr[i].started)
			vu->vr[i].base = vu_vring_stop(vu, i);
	vu_mem_clear(vu);
	for (i = 0; i < n; i++) {
		int fd = vu_msg_take_fd(m, i);

		if (!ret)
			ret = vu_mem_add(vu, &m->p.mem.r[i], fd);
		else
			close(fd);
	}
	if (ret) {
		vu_mem_clear(vu);
		return ret;
	}
	return vu_vring_remap(vu);
}
