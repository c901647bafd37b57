// SPDX-License-Identifier: MIT
/* tap.c - the TAP port: a Linux tap with IFF_VNET_HDR, one fd per queue */

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vnet/tap.h"

static int open_queue(const char *name, bool multi, char *got_name)
{
	struct ifreq ifr;
	int fd, err;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR |
			(multi ? IFF_MULTI_QUEUE : 0);
	memcpy(ifr.ifr_name, name, strnlen(name, IFNAMSIZ - 1));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	memcpy(got_name, ifr.ifr_name, IFNAMSIZ);
	got_name[IFNAMSIZ - 1] = '\0';
	return fd;
}

int vnet_tap_open(struct vnet_tap *t, const char *name, unsigned int nqueues)
{
	unsigned int q;

	memset(t, 0, sizeof(*t));
	if (!nqueues || nqueues > VNET_TAP_QUEUES_MAX || strlen(name) >= IFNAMSIZ)
		return -EINVAL;
	t->created = !name[0] || !if_nametoindex(name);
	for (q = 0; q < nqueues; q++) {
		/* later queues attach to the name the first one got */
		int fd = open_queue(q ? t->name : name, nqueues > 1, t->name);

		if (fd < 0) {
			vnet_tap_close(t);
			return fd;
		}
		t->fds[q] = fd;
		t->nqueues = q + 1;
	}
	t->hdr_len = 10;
	return 0;
}

void vnet_tap_close(struct vnet_tap *t)
{
	unsigned int q;

	for (q = 0; q < t->nqueues; q++)
		close(t->fds[q]);
	t->nqueues = 0;
}

int vnet_tap_set_persist(struct vnet_tap *t, bool on)
{
	if (!t->nqueues)
		return -EBADF;
	return ioctl(t->fds[0], TUNSETPERSIST, (unsigned long)on) < 0 ? -errno : 0;
}

int vnet_tap_set_hdr_len(struct vnet_tap *t, int len)
{
	unsigned int q;

	/* detached queues take no ioctl: the size is the tap's anyway */
	for (q = 0; q < t->nqueues; q++)
		if (!t->detached[q] &&
		    ioctl(t->fds[q], TUNSETVNETHDRSZ, &len) < 0)
			return -errno;
	t->hdr_len = len;
	return 0;
}

unsigned int vnet_tap_offloads_for(const struct vnet_features *g)
{
	static const struct {
		unsigned int feature;
		unsigned int flag;
	} map[] = {
		{ VNET_F_GUEST_TSO4, VNET_TUN_F_TSO4 },
		{ VNET_F_GUEST_TSO6, VNET_TUN_F_TSO6 },
		{ VNET_F_GUEST_ECN, VNET_TUN_F_TSO_ECN },
		{ VNET_F_GUEST_UFO, VNET_TUN_F_UFO },
		{ VNET_F_GUEST_USO4, VNET_TUN_F_USO4 },
		{ VNET_F_GUEST_USO6, VNET_TUN_F_USO6 },
		{ VNET_F_GUEST_UDP_TUNNEL_GSO, VNET_TUN_F_UDP_TUNNEL_GSO },
		{ VNET_F_GUEST_UDP_TUNNEL_GSO_CSUM,
		  VNET_TUN_F_UDP_TUNNEL_GSO_CSUM },
	};
	unsigned int flags = VNET_TUN_F_CSUM;
	size_t i;

	if (!vnet_features_has(g, VNET_F_GUEST_CSUM))
		return 0;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (vnet_features_has(g, map[i].feature))
			flags |= map[i].flag;
	return flags;
}

/* What to give up next when the kernel refuses a set, most recent first. */
static const unsigned int fallback_order[] = {
	VNET_TUN_F_UDP_TUNNEL_GSO_CSUM,
	VNET_TUN_F_UDP_TUNNEL_GSO,
	VNET_TUN_F_USO4 | VNET_TUN_F_USO6,
	VNET_TUN_F_UFO,
	VNET_TUN_F_TSO_ECN,
};

static int set_offloads_all(struct vnet_tap *t, unsigned int flags)
{
	unsigned int q;

	for (q = 0; q < t->nqueues; q++)
		if (!t->detached[q] &&
		    ioctl(t->fds[q], TUNSETOFFLOAD, (unsigned long)flags) < 0)
			return -errno;
	return 0;
}

int vnet_tap_set_offloads(struct vnet_tap *t, unsigned int want)
{
	size_t i = 0;
	int err;

	/*
	 * The tunnel bits alone make no sense to the kernel: drop them if none
	 * of the GSO types they ride on is asked for. Nor without the 24-byte
	 * header that carries the tunnel offsets: tun then fails every read
	 * of a tunnel super-frame with EFAULT.
	 */
	if (!(want & (VNET_TUN_F_TSO4 | VNET_TUN_F_TSO6 | VNET_TUN_F_USO4 |
		      VNET_TUN_F_USO6)) || t->hdr_len < 24)
		want &= ~(VNET_TUN_F_UDP_TUNNEL_GSO |
			  VNET_TUN_F_UDP_TUNNEL_GSO_CSUM);
	for (;;) {
		err = set_offloads_all(t, want);
		if (!err) {
			t->offloads = want;
			return 0;
		}
		if (err != -EINVAL ||
		    i == sizeof(fallback_order) / sizeof(fallback_order[0]))
			return err;
		want &= ~fallback_order[i++];
	}
}

int vnet_tap_attach_queue(struct vnet_tap *t, unsigned int q, bool on)
{
	struct ifreq ifr;

	if (!q || q >= t->nqueues)
		return -EINVAL;
	if (t->detached[q] == !on)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = on ? IFF_ATTACH_QUEUE : IFF_DETACH_QUEUE;
	if (ioctl(t->fds[q], TUNSETQUEUE, &ifr) < 0)
		return -errno;
	t->detached[q] = !on;
	return 0;
}

ssize_t vnet_tap_write(struct vnet_tap *t, unsigned int q,
		       const struct iovec *iov, int iovcnt)
{
	ssize_t n;

	if (q >= t->nqueues)
		return -EINVAL;
	n = writev(t->fds[q], iov, iovcnt);
	return n < 0 ? -errno : n;
}

ssize_t vnet_tap_read(struct vnet_tap *t, unsigned int q,
		      const struct iovec *iov, int iovcnt)
{
	ssize_t n;

	if (q >= t->nqueues)
		return -EINVAL;
	n = readv(t->fds[q], iov, iovcnt);
	return n < 0 ? -errno : n;
}
