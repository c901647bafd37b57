// SPDX-License-Identifier: MIT
/* vu_mem.c - guest memory from the frontend: mmap of region fds, checked, into a vnet_mem table */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vu_int.h"

/**
 * vu_seal_shrink() - forbid the frontend to shrink a file we map
 * @fd:	the file
 *
 * A memfd made with MFD_ALLOW_SEALING takes F_SEAL_SHRINK, after which a
 * hostile frontend can no longer truncate it under our mapping (an access
 * past the new end would raise SIGBUS). Files that cannot be sealed are
 * mapped all the same: their owner could always do this to itself.
 */
void vu_seal_shrink(int fd)
{
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK);
}

/**
 * vu_mem_map() - map [offset, offset + size) of a region's fd
 * @r:		the region as the frontend describes it
 * @fd:		its fd
 * @len:	bytes mapped, from file offset 0
 *
 * The file must hold the whole range: a shorter file would fault
 * (SIGBUS) on the first access past its end.
 *
 * Return: the mapping, or NULL (errno set)
 */
static void *vu_mem_map(const struct vu_region *r, int fd, size_t *len)
{
	struct stat st;
	uint64_t end;
	void *p;

	if (__builtin_add_overflow(r->offset, r->size, &end) ||
	    end > SIZE_MAX) {
		errno = EOVERFLOW;	/* offset + size wraps */
		return NULL;
	}
	if (fstat(fd, &st) < 0)
		return NULL;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < end) {
		errno = EINVAL;		/* file shorter than the region */
		return NULL;
	}
	p = mmap(NULL, (size_t)end, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	vu_seal_shrink(fd);
	*len = (size_t)end;
	return p;
}

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
	base = vu_mem_map(r, fd, &len);
	ret = base ? 0 : -errno;
	close(fd);
	if (!base) {
		vu->stats.bad_mem++;	/* fd cannot back the region */
		return ret;
	}
	mr.hva = (uint8_t *)base + r->offset;
	ret = vnet_mem_add(&vu->mem, &mr);
	if (ret) {
		munmap(base, len);
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
	munmap(m->base, m->len);
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
		munmap(vu->maps[i].base, vu->maps[i].len);
	vu->nmaps = 0;
	vnet_mem_init(&vu->mem);
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
