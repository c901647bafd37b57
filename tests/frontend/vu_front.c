// SPDX-License-Identifier: MIT
/* vu_front.c - the test frontend: memfd guest memory, vhost-user start-up, split and packed drivers */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vnet/hdr.h"
#include "vnet/vhost_user.h"
#include "send_fds.h"
#include "vu_front.h"

#define F_VERSION	0x1u
#define F_REPLY		(1u << 2)
#define F_NEED_REPLY	(1u << 3)

struct hdr {
	uint32_t req, flags, size;
} __attribute__((packed));

int vuf_send_msg(struct vuf *f, uint32_t req, uint32_t flags,
		 const void *payload, uint32_t size, const int *fds,
		 unsigned int nfds)
{
	struct hdr h = { req, flags ? flags : F_VERSION, size };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)payload, size } };
	ssize_t r;

	if (nfds > TEST_FDS_MAX)
		return -EINVAL;
	r = test_send_fds(f->sock, iov, size ? 2 : 1, fds, nfds);
	if (r < 0)
		return -errno;
	return (size_t)r == sizeof(h) + size ? 0 : -EIO;
}

/* The fds of a received message: the first into @fd (if wanted), the
 * rest closed. */
static void vuf_take_fds(struct msghdr *mh, int *fd)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t n, i;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int x;

			memcpy(&x, CMSG_DATA(c) + i * sizeof(int), sizeof(x));
			if (fd && *fd < 0)
				*fd = x;
			else
				close(x);
		}
	}
}

/* Read one reply and the fd it carries; returns payload size, or -errno
 * (-ECONNRESET: closed). *fd is -1 if none came. */
int vuf_recv_msg_fd(struct vuf *f, uint32_t *req, void *payload,
		    uint32_t room, int *fd)
{
	struct pollfd p = { f->sock, POLLIN, 0 };
	char ctl[CMSG_SPACE(8 * sizeof(int))];
	uint8_t junk[512];
	struct hdr h;
	struct iovec iov = { &h, sizeof(h) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	ssize_t r;

	if (fd)
		*fd = -1;
	if (poll(&p, 1, 5000) != 1)
		return -ETIMEDOUT;
	r = recvmsg(f->sock, &mh, MSG_WAITALL | MSG_CMSG_CLOEXEC);
	if (r > 0)
		vuf_take_fds(&mh, fd);
	if (r == 0)
		return -ECONNRESET;
	if (r != sizeof(h))
		return r < 0 ? -errno : -EIO;
	if (!(h.flags & F_REPLY) || h.size > room + sizeof(junk))
		return -EPROTO;
	if (h.size) {
		r = recv(f->sock, h.size <= room ? payload : junk, h.size,
			 MSG_WAITALL);
		if (r != (ssize_t)h.size)
			return -EIO;
	}
	if (req)
		*req = h.req;
	return (int)h.size;
}

/* Read one reply; returns payload size, or -errno (-ECONNRESET: closed). */
int vuf_recv_msg(struct vuf *f, uint32_t *req, void *payload, uint32_t room)
{
	return vuf_recv_msg_fd(f, req, payload, room, NULL);
}

int vuf_get_u64(struct vuf *f, uint32_t req, uint64_t *v)
{
	uint32_t got;
	int ret = vuf_send_msg(f, req, 0, NULL, 0, NULL, 0);

	if (ret)
		return ret;
	ret = vuf_recv_msg(f, &got, v, sizeof(*v));
	if (ret < 0)
		return ret;
	return ret == 8 && got == req ? 0 : -EPROTO;
}

/* A request that wants an ack when REPLY_ACK was agreed: 0 or -errno. */
int vuf_set(struct vuf *f, uint32_t req, const void *p, uint32_t size,
	    const int *fds, unsigned int nfds)
{
	bool ack = f->protocol & (1ULL << VNET_VU_PROTOCOL_F_REPLY_ACK);
	uint64_t v = 0;
	int ret;

	ret = vuf_send_msg(f, req, F_VERSION | (ack ? F_NEED_REPLY : 0), p,
			   size, fds, nfds);
	if (ret || !ack)
		return ret;
	ret = vuf_recv_msg(f, NULL, &v, sizeof(v));
	if (ret < 0)
		return ret;
	return v ? -EREMOTEIO : 0;
}

bool vuf_alive(struct vuf *f)
{
	uint64_t v;

	return vuf_get_u64(f, VNET_VU_GET_FEATURES, &v) == 0;
}

void vuf_attach(struct vuf *f, int sock)
{
	int i;

	memset(f, 0, sizeof(*f));
	f->memfd = -1;
	f->inflight_fd = -1;
	f->backend = -1;
	for (i = 0; i < VUF_QUEUES_MAX; i++)
		f->q[i].kick = f->q[i].call = f->q[i].err = -1;
	f->sock = sock;
}

/* A socket connected to @path, trying for 2 s; -errno on failure. */
static int vuf_dial(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int i, s, err;

	strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	for (i = 0; i < 200; i++) {
		if (!connect(s, (struct sockaddr *)&sa, sizeof(sa)))
			return s;
		usleep(10000);
	}
	err = -errno;
	close(s);
	return err;
}

int vuf_connect(struct vuf *f, const char *path)
{
	vuf_attach(f, -1);
	f->sock = vuf_dial(path);
	return f->sock < 0 ? f->sock : 0;
}

void vuf_close(struct vuf *f)
{
	unsigned int i;

	for (i = 0; i < VUF_QUEUES_MAX; i++) {
		if (f->q[i].kick >= 0)
			close(f->q[i].kick);
		if (f->q[i].call >= 0)
			close(f->q[i].call);
		if (f->q[i].err >= 0)
			close(f->q[i].err);
		f->q[i].kick = f->q[i].call = f->q[i].err = -1;
	}
	if (f->sock >= 0)
		close(f->sock);
	if (f->memfd >= 0)
		close(f->memfd);
	if (f->mem)
		munmap(f->mem, f->mem_size);
	if (f->inflight_fd >= 0)
		close(f->inflight_fd);
	if (f->inflight)
		munmap(f->inflight, f->inflight_size);
	f->inflight_fd = -1;
	f->inflight = NULL;
	if (f->backend >= 0)
		close(f->backend);
	f->backend = -1;
	free(f->g);
	f->sock = f->memfd = -1;
	f->mem = NULL;
	f->g = NULL;
}

/* The guest: one memfd, rings in one region, buffers in another. */
static int vuf_guest(struct vuf *f)
{
	f->mem_size = VUF_RING_SIZE + VUF_BUF_SIZE;
	f->memfd = memfd_create("vuf-guest", MFD_CLOEXEC |
				(f->o.unsealable ? 0 : MFD_ALLOW_SEALING));
	if (f->memfd < 0 || ftruncate(f->memfd, (off_t)f->mem_size) < 0)
		return -errno;
	f->mem = mmap(NULL, f->mem_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      f->memfd, 0);
	if (f->mem == MAP_FAILED) {
		f->mem = NULL;
		return -errno;
	}
	f->g = calloc(1, sizeof(*f->g));
	if (!f->g)
		return -ENOMEM;
	f->g->r[0] = (struct guest_region){ VUF_RING_GPA, VUF_RING_SIZE,
					    f->mem };
	f->g->r[1] = (struct guest_region){ VUF_BUF_GPA, VUF_BUF_SIZE,
					    f->mem + VUF_RING_SIZE };
	f->g->n = 2;
	return 0;
}

/**
 * vuf_mem_reg() - ADD_MEM_REG or REM_MEM_REG of one of the two regions
 * @f:		the frontend
 * @req:	VNET_VU_ADD_MEM_REG or VNET_VU_REM_MEM_REG
 * @region:	0 for the rings, 1 for the buffers
 *
 * Return: 0, or what vuf_set() returns
 */
int vuf_mem_reg(struct vuf *f, uint32_t req, unsigned int region)
{
	struct { uint64_t pad, gpa, size, uva, off; } r[2] = {
		{ 0, VUF_RING_GPA, VUF_RING_SIZE, VUF_RING_GPA + VUF_UVA_BIAS,
		  0 },
		{ 0, VUF_BUF_GPA, VUF_BUF_SIZE, VUF_BUF_GPA + VUF_UVA_BIAS,
		  VUF_RING_SIZE } };

	if (region > 1)
		return -EINVAL;
	return vuf_set(f, req, &r[region], sizeof(r[region]), &f->memfd,
		       req == VNET_VU_ADD_MEM_REG ? 1 : 0);
}

/* The table one region at a time, each f->o.mem_regs times. */
static int vuf_mem_regs(struct vuf *f)
{
	unsigned int i, k;
	int ret;

	for (i = 0; i < 2; i++) {
		for (k = 0; k < f->o.mem_regs; k++) {
			ret = vuf_mem_reg(f, VNET_VU_ADD_MEM_REG, i);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int vuf_mem_table(struct vuf *f)
{
	if (f->o.mem_regs)
		return vuf_mem_regs(f);
	return vuf_mem_table_fd(f, f->memfd);
}

/* SET_MEM_TABLE of the two regions, both in @fd (the guest's memfd, or
 * any fd a hostile test hands over instead). */
int vuf_mem_table_fd(struct vuf *f, int fd)
{
	struct {
		uint32_t n, pad;
		uint64_t r[2][4];
	} __attribute__((packed)) t = { 2, 0, {
		{ VUF_RING_GPA, VUF_RING_SIZE, VUF_RING_GPA + VUF_UVA_BIAS, 0 },
		{ VUF_BUF_GPA, VUF_BUF_SIZE, VUF_BUF_GPA + VUF_UVA_BIAS,
		  VUF_RING_SIZE } } };
	int fds[2] = { fd, fd };

	return vuf_set(f, VNET_VU_SET_MEM_TABLE, &t, sizeof(t), fds, 2);
}

static int vuf_vring_send(struct vuf *f, unsigned int idx, uint32_t base);

static uint64_t vuf_ring_gpa(unsigned int idx)
{
	return VUF_RING_GPA + 0x10000ULL * idx;
}

static uint64_t vuf_slot_gpa(unsigned int idx, uint16_t mem)
{
	return VUF_BUF_GPA + ((uint64_t)idx * VUF_SLOTS_MAX + mem) * VUF_SLOT_SIZE;
}

/* Does @q take big receive buffers? */
static bool vuf_big_rx(const struct vuf *f, const struct vuf_queue *q)
{
	return f->o.big && !f->o.mrg && q->rx && q != &f->q[f->nq - 1];
}

/* Driver state of queue @idx, rings zeroed, all slots and descs free. */
static void vuf_queue_init(struct vuf *f, unsigned int idx)
{
	struct vuf_queue *q = &f->q[idx];
	unsigned int i;

	q->rx = !(idx & 1);
	q->size = f->o.qsize;
	if (f->o.packed)
		packed_init(&q->p, f->g, q->size, vuf_ring_gpa(idx));
	else
		split_init(&q->s, f->g, q->size, vuf_ring_gpa(idx));
	for (i = 0; i < q->size; i++) {
		q->free[i] = (uint16_t)(q->size - 1 - i);
		q->ids[i] = (uint16_t)(q->size - 1 - i);
	}
	q->nfree = q->nids = q->size;
	if (vuf_big_rx(f, q)) {	/* a buffer's slots in a row: every 17th */
		q->nids = q->size / VUF_BIG_SLOTS;
		for (i = 0; i < q->nids; i++)
			q->ids[i] = (uint16_t)((q->nids - 1 - i) * VUF_BIG_SLOTS);
	}
	q->last_used = 0;
	memset(q->slot, 0, sizeof(q->slot));
}

int vuf_vring_setup(struct vuf *f, unsigned int idx)
{
	vuf_queue_init(f, idx);
	/* packed, as QEMU sends it: avail offset and wrap counter in bits
	 * 0..15, used offset and wrap counter in bits 16..31 */
	return vuf_vring_send(f, idx, f->o.packed ? 1u << 15 | 1u << 31 : 0);
}

/**
 * vuf_vring_resume() - the same queue to a new backend, driver state kept
 * @f:		frontend
 * @idx:	queue
 *
 * What QEMU does after a backend crash: GET_VRING_BASE cannot be asked of
 * a dead backend, so the base is where used stands (split: the used
 * ring's idx; packed: the next used descriptor the driver expects).
 *
 * Return: 0, or what vuf_set() returns
 */
static int vuf_vring_resume(struct vuf *f, unsigned int idx)
{
	struct vuf_queue *q = &f->q[idx];

	if (f->o.packed)
		return vuf_vring_send(f, idx, (uint32_t)q->p.next_used |
				      (uint32_t)q->p.used_wrap << 15);
	return vuf_vring_send(f, idx, split_used_idx(&q->s));
}

struct vuf_vring_addr {
	uint32_t index, flags;
	uint64_t desc, used, avail, log;
} __attribute__((packed));

/* SET_VRING_ADDR's payload for queue @idx: frontend addresses, and as
 * the log address the device area's guest address, as QEMU gives it
 * (used_phys: the used ring, or a packed ring's device event area). */
static void vuf_vring_addr(const struct vuf *f, unsigned int idx, bool log,
			   struct vuf_vring_addr *a)
{
	const struct vuf_queue *q = &f->q[idx];

	a->index = idx;
	a->flags = log ? 1 : 0;		/* VHOST_VRING_F_LOG */
	if (f->o.packed) {
		a->desc = q->p.desc;
		a->avail = q->p.drv_evt;
		a->used = q->p.dev_evt;
	} else {
		a->desc = q->s.desc;
		a->avail = q->s.avail;
		a->used = q->s.used;
	}
	a->log = a->used;
	if (f->o.iommu)
		return;		/* I/O virtual addresses: the guest's own */
	a->desc += VUF_UVA_BIAS;
	a->avail += VUF_UVA_BIAS;
	a->used += VUF_UVA_BIAS;
}

static int vuf_vring_send(struct vuf *f, unsigned int idx, uint32_t base)
{
	struct vuf_queue *q = &f->q[idx];
	struct { uint32_t index, num; } st = { idx, f->o.qsize };
	struct vuf_vring_addr a;
	uint64_t u = idx;
	int ret;

	if (q->kick < 0)
		q->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->call < 0)
		q->call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->err < 0)
		q->err = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vuf_vring_addr(f, idx, f->o.log_all, &a);
	ret = vuf_set(f, VNET_VU_SET_VRING_NUM, &st, sizeof(st), NULL, 0);
	st.num = base;
	if (!ret)
		ret = vuf_set(f, VNET_VU_SET_VRING_BASE, &st, sizeof(st), NULL, 0);
	if (!ret)
		ret = vuf_set(f, VNET_VU_SET_VRING_ADDR, &a, sizeof(a), NULL, 0);
	if (!ret)
		ret = vuf_set(f, VNET_VU_SET_VRING_CALL, &u, 8, &q->call, 1);
	if (!ret)
		ret = vuf_set(f, VNET_VU_SET_VRING_ERR, &u, 8, &q->err, 1);
	if (!ret)
		ret = vuf_set(f, VNET_VU_SET_VRING_KICK, &u, 8, &q->kick, 1);
	st.num = 1;
	if (!ret && !f->o.no_protocol)
		ret = vuf_set(f, VNET_VU_SET_VRING_ENABLE, &st, sizeof(st),
			      NULL, 0);
	return ret;
}

int vuf_replace_call(struct vuf *f, unsigned int idx)
{
	struct vuf_queue *q = &f->q[idx];
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), old = q->call, ret;
	uint64_t u = idx;

	if (fd < 0)
		return -errno;
	ret = vuf_set(f, VNET_VU_SET_VRING_CALL, &u, 8, &fd, 1);
	if (ret) {
		close(fd);
		return ret;
	}
	q->call = fd;
	return old;
}

int vuf_state_fd(struct vuf *f, uint32_t dir, uint32_t phase,
		 uint64_t *code, int *fd)
{
	struct { uint32_t dir, phase; } t = { dir, phase };
	int p[2], ret;

	*fd = -1;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	/* the frontend's end: read for a save, written for a load */
	ret = vuf_send_msg(f, VNET_VU_SET_DEVICE_STATE_FD, 0, &t, sizeof(t),
			   dir ? &p[0] : &p[1], 1);
	if (!ret) {
		ret = vuf_recv_msg_fd(f, NULL, code, sizeof(*code), fd);
		ret = ret == (int)sizeof(*code) ? 0 : ret < 0 ? ret : -EPROTO;
	}
	if (!ret && *fd < 0 && (*code & 0x1ff) == 0x100) {
		*fd = p[dir ? 1 : 0];	/* the backend uses ours */
		p[dir ? 1 : 0] = -1;
	}
	close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	return ret;
}

int vuf_check_state(struct vuf *f, uint64_t *code)
{
	int ret = vuf_send_msg(f, VNET_VU_CHECK_DEVICE_STATE, 0, NULL, 0,
			       NULL, 0);

	if (ret)
		return ret;
	ret = vuf_recv_msg(f, NULL, code, sizeof(*code));
	return ret == (int)sizeof(*code) ? 0 : ret < 0 ? ret : -EPROTO;
}

int vuf_stop_queue(struct vuf *f, unsigned int idx, uint32_t *base)
{
	struct { uint32_t index, num; } st = { idx, 0 };
	int ret = vuf_send_msg(f, VNET_VU_GET_VRING_BASE, 0, &st, sizeof(st),
			       NULL, 0);

	if (ret)
		return ret;
	ret = vuf_recv_msg(f, NULL, &st, sizeof(st));
	if (ret != (int)sizeof(st))
		return ret < 0 ? ret : -EPROTO;
	*base = st.num;
	return 0;
}

/* The features this frontend wants, given its options. */
static void vuf_want(const struct vuf_opts *o, struct vnet_features *w)
{
	memset(w, 0, sizeof(*w));
	vnet_features_set(w, VNET_F_VERSION_1);
	if (o->packed)
		vnet_features_set(w, VNET_F_RING_PACKED);
	if (o->indirect)
		vnet_features_set(w, VNET_F_INDIRECT_DESC);
	if (o->event_idx)
		vnet_features_set(w, VNET_F_EVENT_IDX);
	if (o->mrg)
		vnet_features_set(w, VNET_F_MRG_RXBUF);
	if (o->pairs > 1 || o->rss || o->ctrl)
		vnet_features_set(w, VNET_F_CTRL_VQ);
	if ((o->pairs > 1 || o->rss) && !o->no_mq)
		vnet_features_set(w, VNET_F_MQ);
	if (o->rss) {
		vnet_features_set(w, VNET_F_RSS);
		vnet_features_set(w, VNET_F_HASH_REPORT);
	}
	if (o->notif_data)
		vnet_features_set(w, VNET_F_NOTIFICATION_DATA);
	if (o->iommu)
		vnet_features_set(w, VNET_F_ACCESS_PLATFORM);
	w->w[0] |= o->offloads.w[0];
	w->w[1] |= o->offloads.w[1];
}

/* The device's 128-bit offer, through vnetd's GET_FEATURES_EX. */
static int vuf_get_features_ex(struct vuf *f, uint64_t dev[2])
{
	uint32_t got;
	int ret = vuf_send_msg(f, VNET_VU_GET_FEATURES_EX, 0, NULL, 0, NULL, 0);

	if (ret)
		return ret;
	ret = vuf_recv_msg(f, &got, dev, 2 * sizeof(uint64_t));
	if (ret < 0)
		return ret;
	return ret == 16 && got == VNET_VU_GET_FEATURES_EX ? 0 : -EPROTO;
}

/* The protocol features: the usual ones, FEATURES_EX for bits beyond 63. */
static int vuf_protocol(struct vuf *f, bool wide)
{
	const uint64_t want_proto = (1ULL << VNET_VU_PROTOCOL_F_MQ) |
		(1ULL << VNET_VU_PROTOCOL_F_REPLY_ACK) |
		(1ULL << VNET_VU_PROTOCOL_F_CONFIG) |
		(1ULL << VNET_VU_PROTOCOL_F_STATUS) |
		(wide ? 1ULL << VNET_VU_PROTOCOL_F_FEATURES_EX : 0) |
		(f->o.inflight ? 1ULL << VNET_VU_PROTOCOL_F_INFLIGHT_SHMFD : 0) |
		(f->o.iommu ? 1ULL << VNET_VU_PROTOCOL_F_BACKEND_REQ : 0);
	uint64_t proto, v;
	int ret;

	ret = vuf_get_u64(f, VNET_VU_GET_PROTOCOL_FEATURES, &proto);
	if (ret)
		return ret;
	v = proto & (want_proto | f->o.proto_extra);
	if (wide && !(v & (1ULL << VNET_VU_PROTOCOL_F_FEATURES_EX)))
		return -ENOTSUP;
	ret = vuf_send_msg(f, VNET_VU_SET_PROTOCOL_FEATURES, 0, &v, 8, NULL, 0);
	if (!ret)
		f->protocol = v;
	return ret;
}

/* Features and protocol features, as a VMM negotiates them. */
static int vuf_negotiate(struct vuf *f)
{
	bool wide = f->o.offloads.w[1] != 0;
	struct vnet_features w;
	uint64_t dev[2] = { 0, 0 }, v[2];
	int ret;

	ret = vuf_send_msg(f, VNET_VU_SET_OWNER, 0, NULL, 0, NULL, 0);
	if (!ret)
		ret = vuf_get_u64(f, VNET_VU_GET_FEATURES, &dev[0]);
	if (ret)
		return ret;
	if (!(dev[0] & (1ULL << VNET_VU_F_PROTOCOL_FEATURES)))
		return -EPROTO;
	if (wide && f->o.no_protocol)
		return -EINVAL;
	if (!f->o.no_protocol) {
		ret = vuf_protocol(f, wide);
		if (!ret && wide)
			ret = vuf_get_features_ex(f, dev);
		if (ret)
			return ret;
	}
	vuf_want(&f->o, &w);
	if ((w.w[0] & dev[0]) != w.w[0] || (w.w[1] & dev[1]) != w.w[1])
		return -ENOTSUP;
	f->features = w;
	v[0] = w.w[0] | (f->o.no_protocol ? 0 : 1ULL << VNET_VU_F_PROTOCOL_FEATURES) |
	       (f->o.log_all ? 1ULL << VNET_VU_F_LOG_ALL : 0);
	v[1] = w.w[1];
	if (wide)
		ret = vuf_set(f, VNET_VU_SET_FEATURES_EX, v, 16, NULL, 0);
	else
		ret = vuf_set(f, VNET_VU_SET_FEATURES, v, 8, NULL, 0);
	if (!ret && f->o.pairs > 1) {
		ret = vuf_get_u64(f, VNET_VU_GET_QUEUE_NUM, &v[0]);
		if (!ret && v[0] < f->o.pairs)
			ret = -ENOTSUP;
	}
	return ret;
}

int vuf_start(struct vuf *f, const char *path, const struct vuf_opts *o)
{
	int ret = vuf_connect(f, path);

	return ret ? ret : vuf_begin(f, o);
}

int vuf_begin(struct vuf *f, const struct vuf_opts *o)
{
	unsigned int i;
	int ret;

	f->o = *o;
	f->hdr_len = o->rss ? VNET_HDR_LEN_HASH : VNET_HDR_LEN_MRG;
	if (vnet_features_has(&o->offloads, VNET_F_GUEST_UDP_TUNNEL_GSO) ||
	    vnet_features_has(&o->offloads, VNET_F_HOST_UDP_TUNNEL_GSO))
		f->hdr_len = VNET_HDR_LEN_TUNNEL;	/* 24 bytes */
	/* control queue last */
	f->nq = 2 * o->pairs + (o->rss || o->ctrl ? 1 : 0);
	if (f->nq > VUF_QUEUES_MAX || o->qsize > VUF_SLOTS_MAX)
		return -EINVAL;
	ret = vuf_guest(f);
	if (!ret)
		ret = vuf_negotiate(f);
	if (!ret)
		ret = vuf_mem_table(f);
	if (!ret && o->iommu)
		ret = vuf_backend_channel(f);
	if (!ret && o->inflight)
		ret = vuf_inflight_get(f, (uint16_t)f->nq, o->qsize);
	if (!ret && o->inflight)
		ret = vuf_inflight_set(f);
	for (i = 0; !ret && i < f->nq; i++)
		ret = vuf_vring_setup(f, i);
	return ret;
}

/* The inflight description, as QEMU sends it: 24 bytes, padded. */
struct vuf_inflight_desc {
	uint64_t mmap_size;
	uint64_t mmap_offset;
	uint16_t num_queues;
	uint16_t queue_size;
	uint32_t pad;
};

/**
 * vuf_inflight_get() - GET_INFLIGHT_FD: a region from the backend, mapped
 * @f:		frontend, with no region yet
 * @nq:		queues
 * @qsize:	queue size
 *
 * Return: 0, -EPROTO for a reply without a region, or -errno
 */
int vuf_inflight_get(struct vuf *f, uint16_t nq, uint16_t qsize)
{
	struct vuf_inflight_desc d = { 0, 0, nq, qsize, 0 };
	int ret, fd;
	void *p;

	ret = vuf_send_msg(f, VNET_VU_GET_INFLIGHT_FD, 0, &d, sizeof(d),
			   NULL, 0);
	if (ret)
		return ret;
	ret = vuf_recv_msg_fd(f, NULL, &d, sizeof(d), &fd);
	if (ret != (int)sizeof(d) || fd < 0 || !d.mmap_size) {
		if (fd >= 0)
			close(fd);
		return ret < 0 ? ret : -EPROTO;
	}
	if (f->o.unsealable) {	/* a zeroed region of our own, as large */
		close(fd);
		fd = memfd_create("vuf-inflight", MFD_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (ftruncate(fd, (off_t)(d.mmap_offset + d.mmap_size)) < 0) {
			ret = -errno;
			close(fd);
			return ret;
		}
	}
	p = mmap(NULL, d.mmap_offset + d.mmap_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return -errno;
	}
	f->inflight_fd = fd;
	f->inflight = p;
	f->inflight_size = d.mmap_offset + d.mmap_size;
	f->inflight_queues = nq;
	f->inflight_qsize = qsize;
	return 0;
}

/**
 * vuf_inflight_set() - SET_INFLIGHT_FD with the region the frontend holds
 * @f:	frontend
 *
 * Return: 0, or what vuf_set() returns
 */
int vuf_inflight_set(struct vuf *f)
{
	struct vuf_inflight_desc d = { f->inflight_size, 0, f->inflight_queues,
				       f->inflight_qsize, 0 };

	return vuf_set(f, VNET_VU_SET_INFLIGHT_FD, &d, sizeof(d),
		       &f->inflight_fd, 1);
}

/* Queue @idx's part of the region. */
uint8_t *vuf_inflight_queue(struct vuf *f, unsigned int idx)
{
	return f->inflight + idx * (f->inflight_size / f->inflight_queues);
}

/**
 * vuf_reconnect() - attach the same guest to a new backend (or connection)
 * @f:		frontend, whose backend went away
 * @path:	socket of the new one
 *
 * Guest memory, rings, buffers out and the inflight region stay: the
 * start-up is sent again with SET_INFLIGHT_FD of the same region and each
 * queue resumed, not reset.
 *
 * Return: 0, or -errno
 */
int vuf_reconnect(struct vuf *f, const char *path)
{
	unsigned int i;
	int ret;

	if (f->sock >= 0)
		close(f->sock);
	f->protocol = 0;
	f->sock = vuf_dial(path);
	if (f->sock < 0)
		return f->sock;
	ret = vuf_negotiate(f);
	if (!ret)
		ret = vuf_mem_table(f);
	if (!ret && f->inflight_fd >= 0)
		ret = vuf_inflight_set(f);
	for (i = 0; !ret && i < f->nq; i++)
		ret = vuf_vring_resume(f, i);
	return ret;
}

/*
 * With NOTIFICATION_DATA the kick carries what a doorbell would: vqn,
 * next_off and next_wrap ("Driver Notifications"), in the eventfd value's
 * low 32 bits; bit 32 is set so that data 0 (queue 0 at offset 0, wrap
 * 0) still wakes the device: an eventfd write of 0 wakes no one. The
 * device sees the sum of the kicks it has not read yet.
 */
static uint64_t vuf_kick_value(const struct vuf *f, unsigned int idx)
{
	const struct vuf_queue *q = &f->q[idx];
	uint32_t data;

	if (!f->o.notif_data)
		return 1;
	if (f->o.packed)
		data = (uint32_t)q->p.avail_wrap << 31 |
		       (uint32_t)(q->p.next_avail & 0x7fff) << 16 | idx;
	else
		data = (uint32_t)q->s.avail_idx << 16 | idx;
	return 1ULL << 32 | data;
}

void vuf_kick(struct vuf *f, unsigned int idx)
{
	uint64_t v = vuf_kick_value(f, idx);

	if (write(f->q[idx].kick, &v, sizeof(v)) < 0)
		abort();
	f->q[idx].kicks++;
}

/* Split: chain @n descriptors from the free list; returns the head. */
static int vuf_split_chain(struct vuf_queue *q, const struct buf *b,
			   unsigned int n, uint16_t extra, struct vuf_slot *s)
{
	uint16_t idx[VUF_CHAIN_MAX];
	unsigned int i;

	if (n > VUF_CHAIN_MAX || q->nfree < n)
		return -EAGAIN;
	for (i = 0; i < n; i++)
		idx[i] = q->free[--q->nfree];
	for (i = 0; i < n; i++) {
		uint16_t fl = (uint16_t)((b[i].write ? G_DESC_F_WRITE : 0) |
					 (i + 1 < n ? G_DESC_F_NEXT : 0) | extra);

		split_desc(&q->s, idx[i], b[i].addr, b[i].len, fl,
			   i + 1 < n ? idx[i + 1] : 0);
	}
	s->ndesc = (uint16_t)n;
	memcpy(s->descs, idx, n * sizeof(idx[0]));
	return idx[0];
}

/**
 * vuf_add() - make one buffer available, directly or through an indirect table
 * @f:		frontend
 * @idx:	queue
 * @b:		its elements
 * @n:		how many (at most VUF_CHAIN_MAX; 16 through a table)
 * @mem:	memory slot it uses (the table goes at offset 3072 there)
 *
 * Return: 0, or -EAGAIN when the ring has no room
 */
static int vuf_add(struct vuf *f, unsigned int idx, const struct buf *b,
		   unsigned int n, uint16_t mem)
{
	struct vuf_queue *q = &f->q[idx];
	/* a big receive buffer is direct: its data covers offset 3072 */
	bool ind = f->o.indirect && n > 1 && n <= 16 && !vuf_big_rx(f, q);
	uint64_t table = vuf_slot_gpa(idx, mem) + 3072;
	struct buf tb = { table, 16 * n, false };
	struct vuf_slot s = { .out = true, .mem = mem };
	unsigned int i;
	int id;

	for (i = 0; ind && i < n; i++) {
		uint16_t fl = (uint16_t)(b[i].write ? G_DESC_F_WRITE : 0);

		if (f->o.packed)
			packed_table_desc(f->g, table, (uint16_t)i, b[i].addr,
					  b[i].len, fl);
		else
			split_table_desc(f->g, table, (uint16_t)i, b[i].addr,
					 b[i].len, (uint16_t)(fl | (i + 1 < n ?
					 G_DESC_F_NEXT : 0)), (uint16_t)(i + 1));
	}
	if (f->o.packed) {
		unsigned int nd = ind ? 1 : n;

		if (q->nfree < nd)
			return -EAGAIN;
		q->nfree -= nd;
		s.ndesc = (uint16_t)nd;
		id = mem;
		q->slot[id] = s;
		packed_add_flags(&q->p, ind ? &tb : b, nd, (uint16_t)id,
			       ind ? G_DESC_F_INDIRECT : 0);
	} else {
		id = vuf_split_chain(q, ind ? &tb : b, ind ? 1 : n,
				     ind ? G_DESC_F_INDIRECT : 0, &s);
		if (id < 0)
			return id;
		q->slot[id] = s;
		split_avail_add(&q->s, (uint16_t)id);
		split_publish(&q->s);
	}
	q->made_avail++;
	return 0;
}

/**
 * vuf_used() - take the next used buffer, checking it was out
 * @f:		frontend
 * @idx:	queue
 * @len:	bytes written
 *
 * Return: the buffer's memory slot, -EAGAIN if none, -EPROTO for a
 * buffer not out (counted)
 */
static int vuf_used(struct vuf *f, unsigned int idx, uint32_t *len)
{
	struct vuf_queue *q = &f->q[idx];
	uint32_t id32 = 0;
	uint16_t id;

	if (f->o.packed) {
		if (!packed_get_used(&q->p, &id, len, NULL))
			return -EAGAIN;
		id32 = id;
	} else {
		if (q->last_used == split_used_idx(&q->s))
			return -EAGAIN;
		atomic_thread_fence(memory_order_acquire);
		split_used_elem(&q->s, q->last_used++, &id32, len);
		if (f->o.event_idx)
			split_set_used_event(&q->s, q->last_used);
	}
	if (id32 >= q->size || !q->slot[id32].out) {
		q->bad_returns++;	/* unknown ID, or returned twice */
		return -EPROTO;
	}
	q->slot[id32].out = false;
	if (f->o.packed)
		q->nfree += q->slot[id32].ndesc;
	else
		while (q->slot[id32].ndesc)
			q->free[q->nfree++] =
				q->slot[id32].descs[--q->slot[id32].ndesc];
	q->returned++;
	q->ids[q->nids++] = q->slot[id32].mem;
	return q->slot[id32].mem;
}

int vuf_reap_tx(struct vuf *f, unsigned int pair)
{
	unsigned int idx = 2 * pair + 1;
	uint32_t len;
	int n = 0, m;

	while ((m = vuf_used(f, idx, &len)) != -EAGAIN) {
		if (m >= 0 && len != 0)
			f->q[idx].bad_len++;	/* device wrote a TX buffer */
		n++;
	}
	return n;
}

int vuf_tx(struct vuf *f, unsigned int pair, const void *frame, size_t len)
{
	int ret = vuf_tx_add(f, pair, frame, len);

	if (!ret)
		vuf_kick(f, 2 * pair + 1);
	return ret;
}

int vuf_tx_add(struct vuf *f, unsigned int pair, const void *frame, size_t len)
{
	return vuf_tx_add_hdr(f, pair, NULL, frame, len);
}

/* One frame behind @hdr (f->hdr_len bytes as the device reads them; NULL:
 * zeros), kicked. */
int vuf_tx_hdr(struct vuf *f, unsigned int pair, const void *hdr,
	       const void *frame, size_t len)
{
	int ret = vuf_tx_add_hdr(f, pair, hdr, frame, len);

	if (!ret)
		vuf_kick(f, 2 * pair + 1);
	return ret;
}

int vuf_tx_add_hdr(struct vuf *f, unsigned int pair, const void *hdr,
		   const void *frame, size_t len)
{
	unsigned int idx = 2 * pair + 1, n = 0, i;
	struct vuf_queue *q = &f->q[idx];
	struct buf b[16];
	uint64_t base;
	uint16_t mem;
	int ret;

	if (len > VUF_FRAME_MAX)
		return -EMSGSIZE;
	vuf_reap_tx(f, pair);
	if (!q->nids)
		return -EAGAIN;
	mem = q->ids[q->nids - 1];
	base = vuf_slot_gpa(idx, mem);
	if (hdr)
		memcpy(vuf_gp(f, base, f->hdr_len), hdr, f->hdr_len);
	else
		memset(vuf_gp(f, base, f->hdr_len), 0, f->hdr_len);
	memcpy(vuf_gp(f, base + f->hdr_len, len), frame, len);
	if (f->o.split_hdr) {
		for (i = 0; i < f->hdr_len; i++)
			b[n++] = (struct buf){ base + i, 1, false };
		b[n++] = (struct buf){ base + f->hdr_len, (uint32_t)len, false };
	} else if (len > 1000) {
		b[n++] = (struct buf){ base, 1000, false };
		b[n++] = (struct buf){ base + 1000,
				       (uint32_t)(f->hdr_len + len - 1000), false };
	} else {
		b[n++] = (struct buf){ base, (uint32_t)(f->hdr_len + len), false };
	}
	ret = vuf_add(f, idx, b, n, mem);
	if (ret)
		return ret;
	q->nids--;
	return 0;
}

/* Receive buffer size: small with MRG_RXBUF so frames span buffers. */
static uint32_t vuf_rx_buf(const struct vuf *f)
{
	if (f->o.big && !f->o.mrg)
		return VUF_BIG_SLOTS * VUF_SLOT_SIZE;
	return f->o.mrg ? 1024 : 3072;
}

/*
 * A big receive buffer at @base, as Linux's virtio_net lays out "big
 * packets" (add_recvbuf_big): the header alone, the rest of its page,
 * then a page per descriptor.
 */
static unsigned int vuf_big_buf(const struct vuf *f, uint64_t base,
				struct buf *b)
{
	unsigned int n = 0, k;

	b[n++] = (struct buf){ base, f->hdr_len, true };
	b[n++] = (struct buf){ base + f->hdr_len, VUF_SLOT_SIZE - f->hdr_len,
			       true };
	for (k = 1; k < VUF_BIG_SLOTS; k++)
		b[n++] = (struct buf){ base + (uint64_t)k * VUF_SLOT_SIZE,
				       VUF_SLOT_SIZE, true };
	return n;
}

int vuf_rx_fill(struct vuf *f, unsigned int pair)
{
	unsigned int idx = 2 * pair;
	struct vuf_queue *q = &f->q[idx];
	int added = 0;

	while (q->nids) {
		uint16_t mem = q->ids[q->nids - 1];
		uint64_t base = vuf_slot_gpa(idx, mem);
		struct buf b[VUF_CHAIN_MAX] = {
			{ base, 64, true },
			{ base + 64, vuf_rx_buf(f) - 64, true } };
		unsigned int n = f->o.mrg ? 1 : 2;

		if (f->o.mrg)
			b[0].len = vuf_rx_buf(f);
		if (vuf_big_rx(f, q))
			n = vuf_big_buf(f, base, b);
		if (vuf_add(f, idx, b, n, mem))
			break;
		q->nids--;
		added++;
	}
	if (added)
		vuf_kick(f, idx);
	return added;
}

/* Copy what the device wrote into one used receive buffer. */
static int vuf_rx_take(struct vuf *f, unsigned int idx, uint8_t *out,
		       size_t room, size_t *done, uint8_t *hdr, uint16_t *nb)
{
	uint32_t len = 0;
	bool first = hdr != NULL;
	size_t skip = first ? f->hdr_len : 0, c;
	uint8_t *p;
	int m, spins = 0;

	while ((m = vuf_used(f, idx, &len)) == -EAGAIN && !first &&
	       spins++ < 100000)
		usleep(10);
	if (m < 0)
		return m;
	if (len > vuf_rx_buf(f) || len < skip) {
		f->q[idx].bad_len++;	/* more than the buffer, or no header */
		return -EPROTO;
	}
	p = vuf_gp(f, vuf_slot_gpa(idx, (uint16_t)m), vuf_rx_buf(f));
	if (first) {
		*nb = ld16(p + 10);
		memcpy(hdr, p, f->hdr_len);
	}
	c = len - skip;
	if (c > room - *done)
		return -EMSGSIZE;
	memcpy(out + *done, p + skip, c);
	*done += c;
	return 0;
}

int vuf_rx(struct vuf *f, unsigned int pair, void *frame, size_t room)
{
	return vuf_rx_hdr(f, pair, NULL, frame, room);
}

/* One received frame, its header (f->hdr_len bytes) into @hdr if not NULL. */
int vuf_rx_hdr(struct vuf *f, unsigned int pair, void *hdr, void *frame,
	       size_t room)
{
	uint8_t h[VNET_HDR_LEN_MAX];
	unsigned int idx = 2 * pair;
	uint16_t nb = 1, i;
	size_t done = 0;
	int ret;

	ret = vuf_rx_take(f, idx, frame, room, &done, h, &nb);
	if (ret == -EAGAIN)
		return 0;
	if (ret)
		return ret;
	if (nb == 0 || (!f->o.mrg && nb != 1))
		return -EPROTO;	/* num_buffers wrong */
	for (i = 1; i < nb; i++) {
		ret = vuf_rx_take(f, idx, frame, room, &done, NULL, &nb);
		if (ret)
			return ret;
	}
	if (hdr)
		memcpy(hdr, h, f->hdr_len);
	return (int)done;
}

uint64_t vuf_outstanding(const struct vuf *f, unsigned int idx)
{
	return f->q[idx].made_avail - f->q[idx].returned;
}

bool vuf_wait_err(struct vuf *f, unsigned int idx, int ms)
{
	struct pollfd p = { f->q[idx].err, POLLIN, 0 };
	uint64_t v;

	if (poll(&p, 1, ms) != 1)
		return false;
	return read(f->q[idx].err, &v, sizeof(v)) == sizeof(v);
}

/* The command's result: room in the slot's second half, then the ack in
 * its last byte, each a descriptor of its own (as Linux lays them out). */
#define VUF_CTRL_RESULT_OFF	(VUF_SLOT_SIZE / 2)

/*
 * A command made available on the control queue, not kicked: @cls, @cmd
 * and @len bytes of @data, then @room bytes for its result (zeroed; none
 * when 0) and the ack byte (0xff until the device writes it), in one slot
 * whose start goes to @slot. Return: 0, -EINVAL, or -EAGAIN when full
 */
static int vuf_ctrl_add(struct vuf *f, uint8_t cls, uint8_t cmd,
			const void *data, size_t len, size_t room,
			uint8_t **slot)
{
	unsigned int idx = f->nq - 1, n = 1;
	struct vuf_queue *q = &f->q[idx];
	size_t len_max = room ? VUF_CTRL_RESULT_OFF - 2 : VUF_SLOT_SIZE - 16;
	uint64_t base;
	struct buf b[3];
	uint16_t mem;
	uint8_t *p;
	int ret;

	if (!(f->o.rss || f->o.ctrl) || len > len_max || !q->nids ||
	    room > VUF_SLOT_SIZE - VUF_CTRL_RESULT_OFF - 1)
		return -EINVAL;
	mem = q->ids[q->nids - 1];
	base = vuf_slot_gpa(idx, mem);
	p = vuf_gp(f, base, VUF_SLOT_SIZE);
	p[0] = cls;
	p[1] = cmd;
	if (len)	/* a command without data may come with NULL */
		memcpy(p + 2, data, len);
	memset(p + VUF_CTRL_RESULT_OFF, 0, room);
	p[VUF_SLOT_SIZE - 1] = 0xff;
	b[0] = (struct buf){ base, (uint32_t)(2 + len), false };
	if (room)
		b[n++] = (struct buf){ base + VUF_CTRL_RESULT_OFF,
				       (uint32_t)room, true };
	b[n++] = (struct buf){ base + VUF_SLOT_SIZE - 1, 1, true };
	ret = vuf_add(f, idx, b, n, mem);
	if (ret)
		return ret;
	q->nids--;
	*slot = p;
	return 0;
}

/**
 * vuf_ctrl_post() - a command made available on the control queue, not kicked
 * @f:		frontend, started with @rss or @ctrl
 * @cls:	class
 * @cmd:	command
 * @data:	command-specific data
 * @len:	its bytes (at most VUF_SLOT_SIZE - 16)
 *
 * The command and its ack byte (0xff until the device writes it) share
 * the buffer's page, the ack in its last byte.
 *
 * Return: 0, -EINVAL, or -EAGAIN when the queue is full
 */
int vuf_ctrl_post(struct vuf *f, uint8_t cls, uint8_t cmd, const void *data,
		  size_t len)
{
	uint8_t *p;

	return vuf_ctrl_add(f, cls, cmd, data, len, 0, &p);
}

/**
 * vuf_ctrl_ack() - the ack of the oldest command answered
 * @f:	frontend
 *
 * Return: the ack (0 VIRTIO_NET_OK, 1 VIRTIO_NET_ERR), -EAGAIN if none
 * is answered yet, -EPROTO for a used length other than 1
 */
int vuf_ctrl_ack(struct vuf *f)
{
	unsigned int idx = f->nq - 1;
	uint32_t used;
	int m = vuf_used(f, idx, &used);

	if (m < 0)
		return m;
	if (used != 1)
		return -EPROTO;
	return vuf_gp(f, vuf_slot_gpa(idx, (uint16_t)m), VUF_SLOT_SIZE)
		[VUF_SLOT_SIZE - 1];
}

/**
 * vuf_ctrl() - one command on the control queue (the last queue), answered
 * @f:		frontend, started with @rss
 * @cls:	class
 * @cmd:	command
 * @data:	command-specific data
 * @len:	its bytes (at most VUF_SLOT_SIZE - 16)
 *
 * Return: the ack (0 VIRTIO_NET_OK, 1 VIRTIO_NET_ERR), -ETIMEDOUT, -errno
 */
int vuf_ctrl(struct vuf *f, uint8_t cls, uint8_t cmd, const void *data,
	     size_t len)
{
	int spins = 0, ret = vuf_ctrl_post(f, cls, cmd, data, len);

	if (ret)
		return ret;
	vuf_kick(f, f->nq - 1);
	while ((ret = vuf_ctrl_ack(f)) == -EAGAIN && spins++ < 200000)
		usleep(10);
	return ret == -EAGAIN ? -ETIMEDOUT : ret;
}

unsigned int vuf_used_count(struct vuf *f, unsigned int idx)
{
	struct vuf_queue *q = &f->q[idx];
	struct packed_drv p;
	unsigned int n = 0;
	uint32_t len;
	uint16_t id;

	if (!f->o.packed)
		return (uint16_t)(split_used_idx(&q->s) - q->last_used);
	p = q->p;	/* a copy walks the ring: nothing is written */
	while (n < q->size && packed_get_used(&p, &id, &len, NULL))
		n++;
	return n;
}

/**
 * vuf_log_base() - SET_LOG_BASE: the log the backend is to mark
 * @f:		frontend, with LOG_SHMFD agreed
 * @fd:		the log's file (sent, not closed)
 * @size:	bytes of log
 * @offset:	where it starts in @fd
 *
 * As QEMU does, waits for the backend's reply: the old log is no longer
 * written once it comes.
 *
 * Return: 0, -EREMOTEIO if refused, or -errno
 */
int vuf_log_base(struct vuf *f, int fd, uint64_t size, uint64_t offset)
{
	struct { uint64_t size, offset; } lb = { size, offset };
	uint64_t v = 1;
	int ret = vuf_send_msg(f, VNET_VU_SET_LOG_BASE, 0, &lb, sizeof(lb),
			       &fd, 1);

	if (ret)
		return ret;
	ret = vuf_recv_msg(f, NULL, &v, sizeof(v));
	if (ret < 0)
		return ret;
	return ret == 8 && v == 0 ? 0 : -EREMOTEIO;
}

/**
 * vuf_log_all() - SET_FEATURES again, with VHOST_F_LOG_ALL on or off
 * @f:	frontend
 * @on:	logging wanted
 *
 * The features stay as negotiated: what QEMU sends when migration starts
 * or ends while the rings run.
 *
 * Return: 0, or what vuf_set() returns
 */
int vuf_log_all(struct vuf *f, bool on)
{
	bool wide = f->o.offloads.w[1] != 0;
	uint64_t v[2] = { f->features.w[0], f->features.w[1] };

	if (!f->o.no_protocol)
		v[0] |= 1ULL << VNET_VU_F_PROTOCOL_FEATURES;
	if (on)
		v[0] |= 1ULL << VNET_VU_F_LOG_ALL;
	f->o.log_all = on;
	if (wide)
		return vuf_set(f, VNET_VU_SET_FEATURES_EX, v, 16, NULL, 0);
	return vuf_set(f, VNET_VU_SET_FEATURES, v, 8, NULL, 0);
}

/**
 * vuf_vring_log() - SET_VRING_ADDR again, with VHOST_VRING_F_LOG on or off
 * @f:		frontend
 * @idx:	a running queue
 * @on:		log the used ring
 *
 * Return: 0, or what vuf_set() returns
 */
int vuf_vring_log(struct vuf *f, unsigned int idx, bool on)
{
	struct vuf_vring_addr a;

	vuf_vring_addr(f, idx, on, &a);
	return vuf_set(f, VNET_VU_SET_VRING_ADDR, &a, sizeof(a), NULL, 0);
}

int vuf_ctrl_result(struct vuf *f, uint8_t cls, uint8_t cmd, const void *data,
		    size_t len, void *res, size_t room, size_t *got)
{
	unsigned int idx = f->nq - 1;
	uint32_t used;
	uint8_t *p;
	int m, spins = 0, ret;

	ret = vuf_ctrl_add(f, cls, cmd, data, len, room, &p);
	if (ret)
		return ret;
	vuf_kick(f, idx);
	while ((m = vuf_used(f, idx, &used)) == -EAGAIN && spins++ < 200000)
		usleep(10);
	if (m < 0)
		return m == -EAGAIN ? -ETIMEDOUT : m;
	if (used < 1 || used > room + 1)
		return -EPROTO;
	if (res)
		memcpy(res, p + VUF_CTRL_RESULT_OFF, room);
	if (got)
		*got = used - 1;
	return p[VUF_SLOT_SIZE - 1];
}

int vuf_get_config(struct vuf *f, uint32_t off, void *buf, uint32_t len)
{
	struct { uint32_t off, size, flags; uint8_t d[VNET_VU_CONFIG_MAX]; }
		__attribute__((packed)) c = { off, len, 0, { 0 } };
	int ret;

	if (len > VNET_VU_CONFIG_MAX)
		return -EINVAL;
	ret = vuf_send_msg(f, VNET_VU_GET_CONFIG, 0, &c, 12 + len, NULL, 0);
	if (ret)
		return ret;
	ret = vuf_recv_msg(f, NULL, &c, 12 + len);
	if (ret != (int)(12 + len))
		return ret < 0 ? ret : -EPROTO;
	memcpy(buf, c.d, len);
	return 0;
}
