/* SPDX-License-Identifier: MIT */
/* fuzz_vu.h - shared by the vhost-user fuzz targets: fd count, guest memfd, the backend's offer, a device serving its queues */
#ifndef FUZZ_VU_H
#define FUZZ_VU_H

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vnet/vhost_user.h"

#define MEMFD_SIZE	0x40000

/**
 * count_fds() - open fds of this process
 *
 * Return: the count (the directory's own fd excluded)
 */
static inline int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		abort();
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;
}

/**
 * make_memfd() - guest memory holding the input
 * @data:	input
 * @size:	its size
 * @flags:	memfd_create() flags beyond MFD_CLOEXEC
 *
 * Return: the memfd, or -1
 */
static inline int make_memfd(const uint8_t *data, size_t size,
			     unsigned int flags)
{
	int fd = memfd_create("fuzz-guest", MFD_CLOEXEC | flags);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, MEMFD_SIZE) ||
	    pwrite(fd, data, size < MEMFD_SIZE ? size : MEMFD_SIZE, 0) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/**
 * serve_queues() - what a device does with every running queue
 * @vu:		the backend
 */
static inline void serve_queues(struct vnet_vu *vu)
{
	struct iovec out[16], in[16];
	struct vnet_virtq_elem e;
	unsigned int idx, i;

	for (idx = 0; idx < VNET_VU_QUEUES_MAX; idx++) {
		struct vnet_virtq *q = vnet_vu_queue(vu, idx);

		if (!q)
			continue;
		vnet_vu_kick_drain(vu, idx);
		for (i = 0; i < 8; i++) {
			vnet_virtq_elem_init(&e, out, 16, in, 16);
			if (vnet_virtq_pop(q, &e) != 1)
				break;
			vnet_vu_log_write(vu, in, e.in_num, e.in_len);
			vnet_virtq_push(q, &e, e.in_len);
		}
		vnet_virtq_flush(q);
		vnet_vu_notify(vu, idx);
	}
}

/**
 * offer() - what the backend offers: a daemon's usual set, every ring kind
 * @f:		filled
 */
static inline void offer(struct vnet_features *f)
{
	static const unsigned int bits[] = {
		VNET_F_VERSION_1, VNET_F_CSUM, VNET_F_GUEST_CSUM,
		VNET_F_HOST_TSO4, VNET_F_GUEST_TSO4, VNET_F_MRG_RXBUF,
		VNET_F_CTRL_VQ, VNET_F_MQ, VNET_F_STATUS, VNET_F_MTU,
		VNET_F_INDIRECT_DESC, VNET_F_EVENT_IDX, VNET_F_RING_PACKED,
		VNET_F_IN_ORDER,
	};
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		vnet_features_set(f, bits[i]);
}

#endif /* FUZZ_VU_H */
