/* SPDX-License-Identifier: MIT */
/* tap.h - the TAP port: a Linux tap with IFF_VNET_HDR, one fd per queue */
#ifndef VNET_TAP_H
#define VNET_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "vnet/features.h"
#include "vnet/export.h"

VNET_API_BEGIN

#define VNET_TAP_QUEUES_MAX	64

/* TUNSETOFFLOAD flags (linux/if_tun.h; Debian 12's headers lack the last). */
#define VNET_TUN_F_CSUM			0x001
#define VNET_TUN_F_TSO4			0x002
#define VNET_TUN_F_TSO6			0x004
#define VNET_TUN_F_TSO_ECN		0x008
#define VNET_TUN_F_UFO			0x010
#define VNET_TUN_F_USO4			0x020
#define VNET_TUN_F_USO6			0x040
#define VNET_TUN_F_UDP_TUNNEL_GSO	0x080
#define VNET_TUN_F_UDP_TUNNEL_GSO_CSUM	0x100

/**
 * struct vnet_tap - an open tap
 * @name:	interface name the kernel gave
 * @fds:	one fd per queue, non-blocking
 * @nqueues:	queues open
 * @hdr_len:	virtio-net header size the tap reads and writes (0: none)
 * @offloads:	VNET_TUN_F_* the kernel accepted
 * @detached:	queue q is open but detached (vnet_tap_attach_queue()): the
 *		kernel steers nothing to it, and it takes no ioctl
 * @created:	vnet_tap_open() made the interface (it did not exist)
 */
struct vnet_tap {
	char name[16];
	int fds[VNET_TAP_QUEUES_MAX];
	unsigned int nqueues;
	int hdr_len;
	unsigned int offloads;
	bool detached[VNET_TAP_QUEUES_MAX];
	bool created;
};

/**
 * vnet_tap_open() - create or attach to a tap
 * @t:		the port
 * @name:	interface name (created if absent; an existing persistent tap
 *		is attached), or "" to let the kernel choose
 * @nqueues:	queues, 1..VNET_TAP_QUEUES_MAX (IFF_MULTI_QUEUE when > 1)
 *
 * Every fd is opened with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, non-blocking;
 * the header size starts at 10 (the kernel's default) and no offloads.
 *
 * Return: 0, or -errno (the fds opened so far are closed)
 */
int vnet_tap_open(struct vnet_tap *t, const char *name, unsigned int nqueues);

/**
 * vnet_tap_close() - close every fd (a created tap goes away with them,
 *		      unless made persistent)
 * @t:		the port
 */
void vnet_tap_close(struct vnet_tap *t);

/**
 * vnet_tap_set_persist() - TUNSETPERSIST: whether the interface outlives
 *			    its last fd
 * @t:		the port, open
 * @on:		true: it stays, with its addresses, bridge port, MTU and
 *		offloads, for the next process that attaches by name (until
 *		`ip link delete`); false: it goes with the last fd
 *
 * Return: 0, or -errno
 */
int vnet_tap_set_persist(struct vnet_tap *t, bool on);

/**
 * vnet_tap_set_hdr_len() - TUNSETVNETHDRSZ on every queue
 * @t:		the port
 * @len:	10, 12, 20, 24 ... as the negotiated layout says
 *
 * Return: 0 or -errno
 */
int vnet_tap_set_hdr_len(struct vnet_tap *t, int len);

/**
 * vnet_tap_offloads_for() - the TUN_F_* flags a guest's features ask for
 * @guest:	the guest's current receive offloads (GUEST_* features)
 *
 * These are the super-frames the tap may hand us that the guest can take
 * as they are: GUEST_CSUM -> CSUM, GUEST_TSO4/6 -> TSO4/6, GUEST_ECN ->
 * TSO_ECN, GUEST_UFO -> UFO, GUEST_USO4/6 -> USO4/6, GUEST_UDP_TUNNEL_GSO
 * (_CSUM) -> UDP_TUNNEL_GSO (_CSUM). Without GUEST_CSUM nothing else.
 *
 * Return: VNET_TUN_F_* flags
 */
unsigned int vnet_tap_offloads_for(const struct vnet_features *guest);

/**
 * vnet_tap_set_offloads() - TUNSETOFFLOAD, falling back to what the kernel
 *			     takes
 * @t:		the port
 * @want:	VNET_TUN_F_* flags
 *
 * A kernel that refuses a flag (older ones lack USO and the tunnel bits) is
 * asked again without it: tunnel checksum, tunnel GSO, USO, UFO, ECN in
 * that order. The tunnel bits are asked for only with a header of 24 bytes
 * or more (set the header size first). The result is in t->offloads.
 *
 * Return: 0 with t->offloads set (a subset of @want), or -errno
 */
int vnet_tap_set_offloads(struct vnet_tap *t, unsigned int want);

/**
 * vnet_tap_attach_queue() - attach a queue to the tap, or detach it
 * @t:		the port, multiqueue
 * @q:		queue, not the first (it stays attached: the tap's settings
 *		are set through it)
 * @on:		attach (true) or detach
 *
 * TUNSETQUEUE: the kernel spreads the frames it sends through the tap
 * over the attached queues only; a detached queue's waiting frames are
 * dropped by the kernel, and it takes no frame until attached again. Its
 * header size and offloads are the tap's, whatever changed meanwhile.
 *
 * Return: 0 (also when already so), -EINVAL for the first queue, a queue
 * not open or a tap of one queue, or -errno
 */
int vnet_tap_attach_queue(struct vnet_tap *t, unsigned int q, bool on);

/**
 * vnet_tap_write() - hand one frame, with its header, to the kernel
 * @t:		the port
 * @q:		queue
 * @iov:	the header (t->hdr_len bytes) then the frame
 * @iovcnt:	segments
 *
 * Return: bytes written, -EAGAIN if the tap's queue is full, or -errno
 */
ssize_t vnet_tap_write(struct vnet_tap *t, unsigned int q,
		       const struct iovec *iov, int iovcnt);

/**
 * vnet_tap_read() - take one frame, with its header, from the kernel
 * @t:		the port
 * @q:		queue
 * @iov:	room for the header and the frame (a super-frame may be
 *		64 KiB plus headers)
 * @iovcnt:	segments
 *
 * Return: bytes read (header included), -EAGAIN if none, or -errno
 */
ssize_t vnet_tap_read(struct vnet_tap *t, unsigned int q,
		      const struct iovec *iov, int iovcnt);

VNET_API_END

#endif /* VNET_TAP_H */
