// SPDX-License-Identifier: MIT
/* vu_front_iotlb.c - the test frontend's vIOMMU: IOTLB updates and invalidations, misses read off the backend channel */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vnet/vhost_user.h"
#include "vu_front.h"

/* struct vhost_iotlb_msg as QEMU sends it: not packed, 32 bytes. */
struct vuf_iotlb_msg {
	uint64_t iova;
	uint64_t size;
	uint64_t uva;
	uint8_t perm;
	uint8_t type;
	uint8_t pad[6];
};

/* The backend's requests: the header, as vu_front.c frames it. */
struct vuf_backend_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
} __attribute__((packed));

/**
 * vuf_backend_channel() - SET_BACKEND_REQ_FD: a socket pair, one end sent
 * @f:	frontend, BACKEND_REQ negotiated
 *
 * Return: 0, or -errno
 */
int vuf_backend_channel(struct vuf *f)
{
	int sv[2], ret;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	ret = vuf_set(f, VNET_VU_SET_BACKEND_REQ_FD, NULL, 0, &sv[1], 1);
	close(sv[1]);
	if (ret) {
		close(sv[0]);
		return ret;
	}
	f->backend = sv[0];
	return 0;
}

/**
 * vuf_iotlb() - one IOTLB_MSG, its ack awaited
 * @f:		frontend
 * @type:	VNET_VU_IOTLB_UPDATE or _INVALIDATE (or anything, hostile)
 * @iova:	I/O virtual address
 * @size:	bytes
 * @uva:	frontend address (updates)
 * @perm:	permission (updates)
 *
 * Return: 0, -EREMOTEIO if the device refused it, or -errno
 */
int vuf_iotlb(struct vuf *f, uint8_t type, uint64_t iova, uint64_t size,
	      uint64_t uva, uint8_t perm)
{
	struct vuf_iotlb_msg m = { iova, size, uva, perm, type, { 0 } };

	return vuf_set(f, VNET_VU_IOTLB_MSG, &m, sizeof(m), NULL, 0);
}

/* Identity: the IOVA is the guest physical address. */
int vuf_iotlb_map(struct vuf *f, uint64_t iova, uint64_t size, uint8_t perm)
{
	return vuf_iotlb(f, VNET_VU_IOTLB_UPDATE, iova, size,
			 iova + VUF_UVA_BIAS, perm);
}

int vuf_iotlb_unmap(struct vuf *f, uint64_t iova, uint64_t size)
{
	return vuf_iotlb(f, VNET_VU_IOTLB_INVALIDATE, iova, size, 0, 0);
}

/**
 * vuf_iotlb_miss() - the next miss the device sent
 * @f:		frontend with a backend channel
 * @ms:		how long to wait for one
 * @iova:	its address
 * @perm:	its access
 *
 * Return: 1 with a miss, 0 if none came, -EPROTO for anything else
 */
int vuf_iotlb_miss(struct vuf *f, int ms, uint64_t *iova, uint8_t *perm)
{
	struct pollfd p = { .fd = f->backend, .events = POLLIN };
	struct vuf_backend_hdr h;
	struct vuf_iotlb_msg m;
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	n = recv(f->backend, &h, sizeof(h), MSG_WAITALL);
	if (n != (ssize_t)sizeof(h) || h.request != VNET_VU_BACKEND_IOTLB_MSG ||
	    h.size > sizeof(m) || h.size < 26)
		return -EPROTO;
	memset(&m, 0, sizeof(m));
	n = recv(f->backend, &m, h.size, MSG_WAITALL);
	if (n != (ssize_t)h.size || m.type != VNET_VU_IOTLB_MISS)
		return -EPROTO;
	*iova = m.iova;
	*perm = m.perm;
	return 1;
}

/**
 * vuf_iotlb_serve() - answer misses as QEMU does: the page, identity, RW
 * @f:	frontend
 * @ms:	stop once none came for this long
 *
 * Return: misses answered, or -errno
 */
int vuf_iotlb_serve(struct vuf *f, int ms)
{
	uint64_t iova;
	uint8_t perm;
	int n = 0, ret;

	while ((ret = vuf_iotlb_miss(f, ms, &iova, &perm)) == 1) {
		ret = vuf_iotlb_map(f, iova & ~0xfffULL, 4096, 3);
		if (ret)
			return ret;
		n++;
	}
	return ret < 0 ? ret : n;
}
