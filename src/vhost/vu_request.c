// SPDX-License-Identifier: MIT
/* vu_request.c - one handler per vhost-user request, each a ladder of checks */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "vu_int.h"

/* A reply of @size bytes to @m: the handler fills reply->p. */
static void vu_reply(const struct vu_msg *m, struct vu_msg *reply,
		     uint32_t size)
{
	reply->hdr.request = m->hdr.request;
	reply->hdr.flags = VU_VERSION | VU_FLAG_REPLY;
	reply->hdr.size = size;
}

void vu_reply_u64(const struct vu_msg *m, struct vu_msg *reply, uint64_t v)
{
	vu_reply(m, reply, sizeof(uint64_t));
	reply->p.u64 = v;
}

/**
 * vu_vring_index() - the queue a request names, checked
 * @vu:		the backend
 * @index:	index from the payload
 *
 * Return: the index, or -ERANGE (counted)
 */
static int vu_vring_index(struct vnet_vu *vu, uint64_t index)
{
	if (index >= vu->nqueues) {
		vu->stats.bad_index++;	/* vring index out of range */
		return -ERANGE;
	}
	return (int)index;
}

static int vu_get_features(struct vnet_vu *vu, struct vu_msg *m,
			   struct vu_msg *r)
{
	vu_reply_u64(m, r, vu->offer.w[0] | (1ULL << VNET_VU_F_PROTOCOL_FEATURES) |
			   (1ULL << VNET_VU_F_LOG_ALL));
	return 0;
}

static int vu_get_features_ex(struct vnet_vu *vu, struct vu_msg *m,
			      struct vu_msg *r)
{
	vu_reply(m, r, 16);
	r->p.u64x2[0] = vu->offer.w[0] | (1ULL << VNET_VU_F_PROTOCOL_FEATURES) |
			(1ULL << VNET_VU_F_LOG_ALL);
	r->p.u64x2[1] = vu->offer.w[1];
	return 0;
}

/**
 * vu_rings_started() - is any ring started
 * @vu:	the backend
 *
 * Return: true if so
 */
static bool vu_rings_started(const struct vnet_vu *vu)
{
	unsigned int i;

	for (i = 0; i < vu->nqueues; i++)
		if (vu->vr[i].started)
			return true;
	return false;
}

/**
 * vu_set_features_128() - negotiate the virtio bits, keep the transport bits
 * @vu:	the backend
 * @lo:	bits 0..63 as the frontend acked them
 * @hi:	bits 64..127
 *
 * Return: 0, or -EPERM for bits not offered or a set that breaks a rule
 */
static int vu_set_features_128(struct vnet_vu *vu, uint64_t lo, uint64_t hi)
{
	const uint64_t transport = (1ULL << VNET_VU_F_PROTOCOL_FEATURES) |
				   (1ULL << VNET_VU_F_LOG_ALL);
	struct vnet_features acked = { { lo & ~transport, hi } }, out;
	bool own_cvq = false, running, was_set;
	unsigned int i;

	/*
	 * A frontend that runs the control queue itself (QEMU, DPDK's
	 * virtio-user) acks MQ and friends but strips CTRL_VQ: judge the set
	 * as the guest negotiated it, and keep CTRL_VQ out of the result.
	 */
	if (!vnet_features_has(&acked, VNET_F_CTRL_VQ) &&
	    vnet_features_has(&vu->offer, VNET_F_CTRL_VQ)) {
		vnet_features_set(&acked, VNET_F_CTRL_VQ);
		own_cvq = true;
	}
	if (vnet_features_negotiate(&vu->offer, &acked, VNET_PROFILE_STANDARD,
				    &out, NULL, 0)) {
		vu->stats.bad_features++;	/* not offered, or invalid */
		return -EPERM;
	}
	if (own_cvq)
		vnet_features_clear(&out, VNET_F_CTRL_VQ);
	running = vu_rings_started(vu);
	if (running && memcmp(&out, &vu->features, sizeof(out))) {
		vu->stats.bad_state++;	/* only LOG_ALL may change now */
		return -EBUSY;
	}
	was_set = vu->features_set;
	vu->features = out;
	vu->transport_features = lo & transport;
	vu->features_set = true;
	vu_log_attach(vu);	/* LOG_ALL on or off, for the running queues */
	for (i = 0; i < vu->nqueues; i++)
		vu_vring_update(vu, i);
	/* Rings running: the same features with LOG_ALL toggled (migration
	 * starts or ends). The device keeps its state: telling the owner
	 * would renegotiate it, resetting what the guest configured. */
	if (running && was_set)
		return 0;
	if (vu->cfg.ops && vu->cfg.ops->features)
		vu->cfg.ops->features(vu->cfg.opaque, &vu->features);
	return 0;
}

static int vu_get_protocol_features(struct vnet_vu *vu, struct vu_msg *m,
				    struct vu_msg *r)
{
	vu_reply_u64(m, r, vu->protocol_offer);
	return 0;
}

static int vu_set_protocol_features(struct vnet_vu *vu, struct vu_msg *m)
{
	if (m->p.u64 & ~vu->protocol_offer) {
		vu->stats.bad_features++;	/* protocol bit not offered */
		return -EPERM;
	}
	vu->protocol = m->p.u64;
	return 0;
}

static int vu_add_mem_reg(struct vnet_vu *vu, struct vu_msg *m)
{
	int ret;

	ret = vu_mem_add(vu, &m->p.reg.r, vu_msg_take_fd(m, 0));
	if (ret)
		return ret;
	return vu_vring_remap(vu);
}

/*
 * A region already gone is acknowledged and changes nothing: QEMU before 8.0
 * sends REM_MEM_REG once per vhost_dev (queue pair), like ADD_MEM_REG, so
 * the second queue pair removes what the first one removed. Otherwise the
 * queues stop (keeping their bases), and start again on the smaller table.
 */
static int vu_rem_mem_reg(struct vnet_vu *vu, struct vu_msg *m)
{
	unsigned int i;
	int ret;

	if (vu_mem_find(vu, &m->p.reg.r) < 0) {
		vu->stats.mem_repeats++;	/* removed already */
		return 0;
	}
	for (i = 0; i < vu->nqueues; i++)
		if (vu->vr[i].started)
			vu_vring_stop(vu, i);
	ret = vu_mem_del(vu, &m->p.reg.r);
	if (ret)
		return ret;
	return vu_vring_remap(vu);
}

static int vu_set_vring_num(struct vnet_vu *vu, struct vu_msg *m)
{
	int idx = vu_vring_index(vu, m->p.state.index);

	if (idx < 0)
		return idx;
	if (!m->p.state.num || m->p.state.num > VNET_VIRTQ_SIZE_MAX) {
		vu->stats.bad_state++;	/* queue size 0 or too large */
		return -EINVAL;
	}
	if (vu->vr[idx].started) {
		vu->stats.bad_state++;	/* resizing a running ring */
		return -EBUSY;
	}
	vu->vr[idx].num = (uint16_t)m->p.state.num;
	return 0;
}

static int vu_set_vring_addr(struct vnet_vu *vu, struct vu_msg *m)
{
	int idx = vu_vring_index(vu, m->p.addr.index);
	struct vu_vring *v;

	if (idx < 0)
		return idx;
	v = &vu->vr[idx];
	if (v->started) {
		/* Only the log flag may change on a running ring. */
		if (m->p.addr.desc != v->addr.desc ||
		    m->p.addr.avail != v->addr.avail ||
		    m->p.addr.used != v->addr.used) {
			vu->stats.bad_state++;	/* moving a running ring */
			return -EBUSY;
		}
	}
	v->addr = m->p.addr;
	v->have_addr = true;
	vu_log_attach(vu);	/* the log flag and address may have changed */
	return 0;
}

static int vu_set_vring_base(struct vnet_vu *vu, struct vu_msg *m)
{
	int idx = vu_vring_index(vu, m->p.state.index);

	if (idx < 0)
		return idx;
	if (vu->vr[idx].started) {
		vu->stats.bad_state++;	/* base of a running ring */
		return -EBUSY;
	}
	/* Kept whole: packed rings drop bits 16..31 when they start. */
	vu->vr[idx].base = m->p.state.num;
	return 0;
}

static int vu_get_vring_base(struct vnet_vu *vu, struct vu_msg *m,
			     struct vu_msg *r)
{
	int idx = vu_vring_index(vu, m->p.state.index);
	struct vu_vring *v;

	if (idx < 0)
		return idx;
	v = &vu->vr[idx];
	vu_reply(m, r, sizeof(struct vu_state));
	r->p.state.index = (uint32_t)idx;
	r->p.state.num = vu_vring_stop(vu, (unsigned int)idx);
	if (v->kick_fd >= 0)
		close(v->kick_fd);
	v->kick_fd = -1;
	return 0;
}

/**
 * vu_set_vring_fd() - SET_VRING_KICK, _CALL or _ERR
 * @vu:	the backend
 * @m:	the request: index and the no-fd flag, with 0 or 1 fd
 *
 * A kick fd starts the ring (libvhost-user does the same; the frontend
 * kicks once it has set everything). Without a kick fd the frontend
 * would poll: not supported, so the ring stays stopped. Each fd must be
 * an eventfd (vhost-user.rst: "Set the event file descriptor for adding
 * buffers to the vring", "... to signal when buffers are used", "... to
 * signal when error occurs"); anything else is refused before it is kept.
 *
 * Return: 0, -EBADF for an fd that is not an eventfd, or -errno
 */
static int vu_set_vring_fd(struct vnet_vu *vu, struct vu_msg *m)
{
	int idx = vu_vring_index(vu, m->p.u64 & VU_VRING_IDX_MASK);
	int fd = vu_msg_take_fd(m, 0), *slot;
	struct vu_vring *v;

	if (idx < 0) {
		if (fd >= 0)
			close(fd);
		return idx;
	}
	if (m->p.u64 & ~(uint64_t)(VU_VRING_IDX_MASK | VU_VRING_NOFD)) {
		if (fd >= 0)
			close(fd);
		vu->stats.bad_state++;	/* reserved bits set */
		return -EINVAL;
	}
	if (fd >= 0 && !vu_fd_is_eventfd(fd)) {
		close(fd);
		vu->stats.bad_fds++;	/* a pipe, socket or file: not kept */
		return -EBADF;
	}
	v = &vu->vr[idx];
	if (m->hdr.request == VNET_VU_SET_VRING_KICK) {
		vu_vring_stop(vu, (unsigned int)idx);
		slot = &v->kick_fd;
	} else {
		slot = m->hdr.request == VNET_VU_SET_VRING_CALL ?
		       &v->call_fd : &v->err_fd;
	}
	if (*slot >= 0)
		close(*slot);
	/* Never block on a frontend's eventfd: it may drain or fill it. */
	if (fd >= 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		vu->stats.io_errors++;
	*slot = fd;
	if (m->hdr.request == VNET_VU_SET_VRING_CALL)
		vu_vring_call_replaced(vu, v);
	if (m->hdr.request == VNET_VU_SET_VRING_KICK && fd >= 0)
		return vu_vring_start(vu, (unsigned int)idx);
	return 0;
}

static int vu_set_vring_enable(struct vnet_vu *vu, struct vu_msg *m)
{
	int idx = vu_vring_index(vu, m->p.state.index);

	if (idx < 0)
		return idx;
	if (m->p.state.num > 1) {
		vu->stats.bad_state++;	/* enable is 0 or 1 */
		return -EINVAL;
	}
	vu->vr[idx].enabled = m->p.state.num;
	vu_vring_update(vu, (unsigned int)idx);
	return 0;
}

static int vu_set_vring_endian(struct vnet_vu *vu, struct vu_msg *m)
{
	int idx = vu_vring_index(vu, m->p.state.index);

	if (idx < 0)
		return idx;
	if (m->p.state.num > 1) {
		vu->stats.bad_state++;	/* 0 little, 1 big */
		return -EINVAL;
	}
	if (vu->vr[idx].started) {
		vu->stats.bad_state++;	/* endianness of a running ring */
		return -EBUSY;
	}
	/* One byte order for the device: the legacy guest has one. */
	vu->big_endian = m->p.state.num;
	return 0;
}

/**
 * vu_config_range() - check a GET/SET_CONFIG range
 * @vu:	the backend
 * @m:	the request
 *
 * Return: true if offset and size lie in the config space and the
 * payload holds size bytes
 */
static bool vu_config_range(struct vnet_vu *vu, const struct vu_msg *m)
{
	const struct vu_config *c = &m->p.config;

	if (c->size == 0 || c->size > VNET_VU_CONFIG_MAX)
		return false;	/* empty, or larger than any config */
	if (m->hdr.size != 12 + c->size)
		return false;	/* payload does not hold size bytes */
	if (c->offset > vu->cfg.config_size ||
	    c->size > vu->cfg.config_size - c->offset)
		return false;	/* past the end of the config space */
	return true;
}

static int vu_get_config(struct vnet_vu *vu, struct vu_msg *m,
			 struct vu_msg *r)
{
	const struct vnet_vu_ops *ops = vu->cfg.ops;
	struct vu_config *c = &r->p.config;

	vu_reply(m, r, 0);	/* an empty reply says: failed */
	if (!vu_config_range(vu, m)) {
		vu->stats.bad_size++;
		return 0;
	}
	*c = m->p.config;
	memset(c->data, 0, sizeof(c->data));
	if (ops && ops->get_config &&
	    ops->get_config(vu->cfg.opaque, c->offset, c->data, c->size))
		return 0;
	r->hdr.size = m->hdr.size;
	return 0;
}

static int vu_set_config(struct vnet_vu *vu, struct vu_msg *m)
{
	const struct vnet_vu_ops *ops = vu->cfg.ops;
	const struct vu_config *c = &m->p.config;

	if (!vu_config_range(vu, m)) {
		vu->stats.bad_size++;	/* bad config range */
		return -EINVAL;
	}
	if (!ops || !ops->set_config)
		return -ENOTSUP;
	return ops->set_config(vu->cfg.opaque, c->offset, c->data, c->size);
}

/**
 * vu_reset_rings() - stop every queue, close its fds, forget features
 * @vu:	the backend
 *
 * The inflight region goes too: a reset device has nothing in flight,
 * and its frontend gets a new region ("QEMU should retrieve a new one
 * when vm reset").
 */
static void vu_reset_rings(struct vnet_vu *vu)
{
	unsigned int i;

	for (i = 0; i < vu->nqueues; i++)
		vu_vring_release(vu, i);
	vu_inflight_clear(vu);
	vu_state_clear(vu);
	vu->status = 0;
	if (vu->cfg.ops && vu->cfg.ops->reset)
		vu->cfg.ops->reset(vu->cfg.opaque);
}

static int vu_send_rarp(struct vnet_vu *vu, struct vu_msg *m)
{
	uint8_t mac[6];

	memcpy(mac, &m->p.u64, sizeof(mac));
	if (vu->cfg.ops && vu->cfg.ops->send_rarp)
		return vu->cfg.ops->send_rarp(vu->cfg.opaque, mac);
	return 0;
}

static int vu_set_mtu(struct vnet_vu *vu, struct vu_msg *m)
{
	if (m->p.u64 < 68 || m->p.u64 > 65535) {
		vu->stats.bad_state++;	/* outside virtio-net's MTU range */
		return -EINVAL;
	}
	if (vu->cfg.ops && vu->cfg.ops->set_mtu)
		return vu->cfg.ops->set_mtu(vu->cfg.opaque,
					    (uint16_t)m->p.u64);
	return 0;
}

/**
 * vu_negotiated() - is a request allowed by what was negotiated
 * @vu:		the backend
 * @req:	request number
 *
 * Return: true if so
 */
static bool vu_negotiated(const struct vnet_vu *vu, uint32_t req)
{
	static const struct { uint32_t req; unsigned int bit; } gate[] = {
		{ VNET_VU_GET_QUEUE_NUM, VNET_VU_PROTOCOL_F_MQ },
		{ VNET_VU_SET_LOG_BASE, VNET_VU_PROTOCOL_F_LOG_SHMFD },
		{ VNET_VU_SEND_RARP, VNET_VU_PROTOCOL_F_RARP },
		{ VNET_VU_NET_SET_MTU, VNET_VU_PROTOCOL_F_MTU },
		{ VNET_VU_SET_BACKEND_REQ_FD, VNET_VU_PROTOCOL_F_BACKEND_REQ },
		{ VNET_VU_SET_VRING_ENDIAN, VNET_VU_PROTOCOL_F_CROSS_ENDIAN },
		{ VNET_VU_GET_CONFIG, VNET_VU_PROTOCOL_F_CONFIG },
		{ VNET_VU_SET_CONFIG, VNET_VU_PROTOCOL_F_CONFIG },
		{ VNET_VU_RESET_DEVICE, VNET_VU_PROTOCOL_F_RESET_DEVICE },
		{ VNET_VU_GET_MAX_MEM_SLOTS,
		  VNET_VU_PROTOCOL_F_CONFIGURE_MEM_SLOTS },
		{ VNET_VU_ADD_MEM_REG, VNET_VU_PROTOCOL_F_CONFIGURE_MEM_SLOTS },
		{ VNET_VU_REM_MEM_REG, VNET_VU_PROTOCOL_F_CONFIGURE_MEM_SLOTS },
		{ VNET_VU_GET_INFLIGHT_FD, VNET_VU_PROTOCOL_F_INFLIGHT_SHMFD },
		{ VNET_VU_SET_INFLIGHT_FD, VNET_VU_PROTOCOL_F_INFLIGHT_SHMFD },
		{ VNET_VU_SET_STATUS, VNET_VU_PROTOCOL_F_STATUS },
		{ VNET_VU_GET_STATUS, VNET_VU_PROTOCOL_F_STATUS },
		{ VNET_VU_SET_DEVICE_STATE_FD, VNET_VU_PROTOCOL_F_DEVICE_STATE },
		{ VNET_VU_CHECK_DEVICE_STATE, VNET_VU_PROTOCOL_F_DEVICE_STATE },
		{ VNET_VU_GET_FEATURES_EX, VNET_VU_PROTOCOL_F_FEATURES_EX },
		{ VNET_VU_SET_FEATURES_EX, VNET_VU_PROTOCOL_F_FEATURES_EX },
	};
	unsigned int i;

	for (i = 0; i < sizeof(gate) / sizeof(gate[0]); i++)
		if (gate[i].req == req)
			return vu->protocol & (1ULL << gate[i].bit);
	return true;
}

/**
 * vu_request_get() - requests answered with a reply payload
 * @vu:	the backend
 * @m:	the request
 * @r:	the reply
 *
 * Return: 0, -errno, or -ENOSYS if @m is not such a request
 */
static int vu_request_get(struct vnet_vu *vu, struct vu_msg *m,
			  struct vu_msg *r)
{
	switch (m->hdr.request) {
	case VNET_VU_IOTLB_MSG:	/* answered 0 or 1, never dropped for */
		vu_iotlb_msg(vu, m, r);
		return 0;
	case VNET_VU_GET_FEATURES:
		return vu_get_features(vu, m, r);
	case VNET_VU_GET_FEATURES_EX:
		return vu_get_features_ex(vu, m, r);
	case VNET_VU_GET_PROTOCOL_FEATURES:
		return vu_get_protocol_features(vu, m, r);
	case VNET_VU_GET_VRING_BASE:
		return vu_get_vring_base(vu, m, r);
	case VNET_VU_GET_QUEUE_NUM:
		vu_reply_u64(m, r, vu->cfg.queue_pairs);
		return 0;
	case VNET_VU_GET_CONFIG:
		return vu_get_config(vu, m, r);
	case VNET_VU_GET_MAX_MEM_SLOTS:
		vu_reply_u64(m, r, VU_MEM_SLOTS);
		return 0;
	case VNET_VU_GET_STATUS:
		vu_reply_u64(m, r, vu->status);
		return 0;
	case VNET_VU_GET_INFLIGHT_FD:
		return vu_inflight_get(vu, m, r);
	case VNET_VU_SET_DEVICE_STATE_FD:
		return vu_set_device_state_fd(vu, m, r);
	case VNET_VU_CHECK_DEVICE_STATE:
		return vu_check_device_state(vu, m, r);
	case VNET_VU_SET_LOG_BASE: {	/* answered: QEMU waits for it */
		int ret = vu_log_set_base(vu, m);

		vu_reply_u64(m, r, ret ? 1 : 0);
		return ret;
	}
	}
	return -ENOSYS;
}

/**
 * vu_request_set() - requests without a reply payload
 * @vu:	the backend
 * @m:	the request
 *
 * Return: 0, -errno, or -ENOSYS if @m is not such a request
 */
static int vu_request_set(struct vnet_vu *vu, struct vu_msg *m)
{
	switch (m->hdr.request) {
	case VNET_VU_SET_OWNER:
		return 0;
	case VNET_VU_RESET_OWNER:	/* deprecated: disable all rings */
	case VNET_VU_RESET_DEVICE:
		vu_reset_rings(vu);
		return 0;
	case VNET_VU_SET_FEATURES:
		return vu_set_features_128(vu, m->p.u64, 0);
	case VNET_VU_SET_FEATURES_EX:
		return vu_set_features_128(vu, m->p.u64x2[0], m->p.u64x2[1]);
	case VNET_VU_SET_PROTOCOL_FEATURES:
		return vu_set_protocol_features(vu, m);
	case VNET_VU_SET_MEM_TABLE:
		return vu_mem_set_table(vu, m);
	case VNET_VU_ADD_MEM_REG:
		return vu_add_mem_reg(vu, m);
	case VNET_VU_REM_MEM_REG:
		return vu_rem_mem_reg(vu, m);
	case VNET_VU_SET_LOG_FD:
		return 0;	/* fd closed by the caller: no event needed */
	case VNET_VU_SET_INFLIGHT_FD:
		return vu_inflight_set(vu, m);
	case VNET_VU_SET_VRING_NUM:
		return vu_set_vring_num(vu, m);
	case VNET_VU_SET_VRING_ADDR:
		return vu_set_vring_addr(vu, m);
	case VNET_VU_SET_VRING_BASE:
		return vu_set_vring_base(vu, m);
	case VNET_VU_SET_VRING_KICK: case VNET_VU_SET_VRING_CALL:
	case VNET_VU_SET_VRING_ERR:
		return vu_set_vring_fd(vu, m);
	case VNET_VU_SET_VRING_ENABLE:
		return vu_set_vring_enable(vu, m);
	case VNET_VU_SET_VRING_ENDIAN:
		return vu_set_vring_endian(vu, m);
	case VNET_VU_SET_CONFIG:
		return vu_set_config(vu, m);
	case VNET_VU_SEND_RARP:
		return vu_send_rarp(vu, m);
	case VNET_VU_NET_SET_MTU:
		return vu_set_mtu(vu, m);
	case VNET_VU_SET_BACKEND_REQ_FD:
		return vu_set_backend_fd(vu, m);
	case VNET_VU_SET_STATUS:
		vu->status = (uint8_t)m->p.u64;
		return 0;
	}
	return -ENOSYS;
}

/**
 * vu_request() - serve one checked request
 * @vu:		the backend
 * @m:		the request (fds still held are closed by the caller)
 * @reply:	filled when the request has a reply payload (hdr.flags
 *		non-zero), else left zero
 *
 * Return: 0; -ENOSYS if not negotiated or not known; else -errno
 */
int vu_request(struct vnet_vu *vu, struct vu_msg *m, struct vu_msg *reply)
{
	int ret;

	if (!vu_negotiated(vu, m->hdr.request)) {
		vu->stats.unknown++;	/* request of a feature not agreed */
		return -ENOSYS;
	}
	ret = vu_request_get(vu, m, reply);
	if (ret != -ENOSYS)
		return ret;
	return vu_request_set(vu, m);
}
