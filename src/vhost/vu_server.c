// SPDX-License-Identifier: MIT
/* vu_server.c - the socket: listen or connect, one frontend at a time, dispatch, disconnect */

#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vu_int.h"

static const uint64_t vu_protocol_supported =
	(1ULL << VNET_VU_PROTOCOL_F_MQ) |
	(1ULL << VNET_VU_PROTOCOL_F_LOG_SHMFD) |
	(1ULL << VNET_VU_PROTOCOL_F_RARP) |
	(1ULL << VNET_VU_PROTOCOL_F_REPLY_ACK) |
	(1ULL << VNET_VU_PROTOCOL_F_MTU) |
	(1ULL << VNET_VU_PROTOCOL_F_BACKEND_REQ) |
	(1ULL << VNET_VU_PROTOCOL_F_CROSS_ENDIAN) |
	(1ULL << VNET_VU_PROTOCOL_F_CONFIG) |
	(1ULL << VNET_VU_PROTOCOL_F_INFLIGHT_SHMFD) |
	(1ULL << VNET_VU_PROTOCOL_F_RESET_DEVICE) |
	(1ULL << VNET_VU_PROTOCOL_F_CONFIGURE_MEM_SLOTS) |
	(1ULL << VNET_VU_PROTOCOL_F_STATUS) |
	(1ULL << VNET_VU_PROTOCOL_F_DEVICE_STATE) |
	(1ULL << VNET_VU_PROTOCOL_F_FEATURES_EX);

/**
 * vu_sockaddr() - fill a unix address from a path
 * @sa:		the address
 * @path:	the path
 *
 * Return: 0, or -ENAMETOOLONG
 */
static int vu_sockaddr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memcpy(sa->sun_path, path, strlen(path) + 1);
	return 0;
}

/**
 * vu_listen() - bind and listen on the configured path
 * @vu:	the backend
 *
 * Return: 0, or -errno
 */
static int vu_listen(struct vnet_vu *vu)
{
	struct sockaddr_un sa;
	int fd, ret;

	ret = vu_sockaddr(&sa, vu->path);
	if (ret)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	unlink(vu->path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 1) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	vu->listen_fd = fd;
	return 0;
}

/**
 * vu_conn_reset() - per-connection state back to what a new frontend sees
 * @vu:	the backend
 */
static void vu_conn_reset(struct vnet_vu *vu)
{
	unsigned int i;

	vnet_mem_init(&vu->mem);
	vu->nmaps = 0;
	for (i = 0; i < VNET_VU_QUEUES_MAX; i++)
		vu_vring_init(&vu->vr[i]);
	memset(&vu->features, 0, sizeof(vu->features));
	vu->transport_features = 0;
	vu->features_set = false;
	vu->protocol = 0;
	vu->status = 0;
	vu->big_endian = false;
	vu->inflight_base = NULL;
	vu->inflight_len = 0;
	vu->inflight_queues = 0;
	vu_rx_reset(&vu->rx);
}

struct vnet_vu *vnet_vu_new(const struct vnet_vu_config *cfg, int *err)
{
	struct vnet_vu *vu;
	int ret = -EINVAL;

	if ((!cfg->path && !cfg->client) || !cfg->queue_pairs ||
	    cfg->queue_pairs > 16 || cfg->config_size > VNET_VU_CONFIG_MAX)
		goto fail;	/* no path, bad queue count or config size */
	ret = -ENOMEM;
	vu = calloc(1, sizeof(*vu));
	if (!vu)
		goto fail;
	vu->cfg = *cfg;
	vu->path = strdup(cfg->path ? cfg->path : "");
	vu->listen_fd = vu->conn_fd = -1;
	vu->offer = cfg->features;
	vu->protocol_offer = vu_protocol_supported & ~cfg->protocol_mask;
	/* the backend channel carries IOTLB misses only */
	if (!vnet_features_has(&cfg->features, VNET_F_ACCESS_PLATFORM))
		vu->protocol_offer &= ~(1ULL << VNET_VU_PROTOCOL_F_BACKEND_REQ);
	vu->backend_fd = -1;
	pthread_mutex_init(&vu->backend_lock, NULL);
	vnet_iotlb_init(&vu->iotlb);
	/* a state to move only if the owner has one */
	if (!cfg->ops || !cfg->ops->state_save || !cfg->ops->state_load)
		vu->protocol_offer &= ~(1ULL << VNET_VU_PROTOCOL_F_DEVICE_STATE);
	vu->state_fd = -1;
	vu->state_dir = -1;
	vu->nqueues = 2 * cfg->queue_pairs +
		      vnet_features_has(&cfg->features, VNET_F_CTRL_VQ);
	vu_conn_reset(vu);
	if (!vu->path)
		goto fail_free;
	if (!cfg->client) {
		ret = vu_listen(vu);
		if (ret)
			goto fail_free;
	}
	return vu;
fail_free:
	pthread_mutex_destroy(&vu->backend_lock);
	free(vu->path);
	free(vu);
fail:
	if (err)
		*err = ret;
	return NULL;
}

void vnet_vu_disconnect(struct vnet_vu *vu)
{
	unsigned int i;

	if (vu->conn_fd < 0)
		return;
	for (i = 0; i < vu->nqueues; i++)
		vu_vring_release(vu, i);
	vu_mem_clear(vu);
	vu_log_clear(vu);
	vu_inflight_clear(vu);	/* the frontend keeps the fd for the next */
	vu_iotlb_reset(vu);
	vu_state_clear(vu);
	close(vu->conn_fd);
	vu->conn_fd = -1;
	vu->stats.disconnects++;
	if (vu->cfg.ops && vu->cfg.ops->reset)
		vu->cfg.ops->reset(vu->cfg.opaque);
	vu_conn_reset(vu);
}

void vnet_vu_free(struct vnet_vu *vu)
{
	if (!vu)
		return;
	vnet_vu_disconnect(vu);
	if (vu->listen_fd >= 0) {
		close(vu->listen_fd);
		unlink(vu->path);
	}
	pthread_mutex_destroy(&vu->backend_lock);
	free(vu->path);
	free(vu);
}

/**
 * vu_attach() - take a connected socket as the frontend's
 * @vu:	the backend
 * @fd:	the socket (read and written with MSG_DONTWAIT: never waited on)
 */
static void vu_attach(struct vnet_vu *vu, int fd)
{
	vu_conn_reset(vu);
	vu->conn_fd = fd;
	vu->stats.connections++;
}

int vnet_vu_connect(struct vnet_vu *vu)
{
	struct sockaddr_un sa;
	int fd, ret;

	if (!vu->cfg.client || !vu->path[0])
		return -EINVAL;
	if (vu->conn_fd >= 0)
		return -EISCONN;
	ret = vu_sockaddr(&sa, vu->path);
	if (ret)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	vu_attach(vu, fd);
	return 0;
}

int vnet_vu_adopt(struct vnet_vu *vu, int fd)
{
	if (vu->conn_fd >= 0)
		return -EISCONN;
	if (fd < 0)
		return -EBADF;
	vu_attach(vu, fd);
	return 0;
}

int vnet_vu_fd(const struct vnet_vu *vu)
{
	return vu->conn_fd >= 0 ? vu->conn_fd : vu->listen_fd;
}

bool vnet_vu_connected(const struct vnet_vu *vu)
{
	return vu->conn_fd >= 0;
}

/**
 * vu_ack() - answer a need_reply request when REPLY_ACK is agreed
 * @vu:		the backend
 * @m:		the request
 * @ret:	its outcome
 *
 * Return: 0, or -errno from the socket
 */
static int vu_ack(struct vnet_vu *vu, const struct vu_msg *m, int ret)
{
	struct vu_hdr h = { m->hdr.request, VU_VERSION | VU_FLAG_REPLY, 8 };
	uint64_t v = ret ? 1 : 0;

	if (!(m->hdr.flags & VU_FLAG_NEED_REPLY) ||
	    !(vu->protocol & (1ULL << VNET_VU_PROTOCOL_F_REPLY_ACK)))
		return 0;
	if (ret)
		vu->stats.nacks++;
	return vu_msg_send(vu->conn_fd, &h, &v);
}

bool vnet_vu_read(struct vnet_vu *vu)
{
	int ret;

	if (vu->conn_fd < 0 || vu->rx.err)
		return true;	/* a connection to accept, or to drop */
	ret = vu_msg_read(vu->conn_fd, &vu->rx, &vu->stats);
	if (!ret && vu->rx.got && vu_now_ms() >= vu->rx.deadline) {
		vu->stats.timeouts++;	/* not whole by its deadline */
		vu_msg_close_fds(&vu->rx.m);
		ret = -ETIMEDOUT;
	}
	if (ret < 0)
		vu->rx.err = ret;
	return ret != 0;
}

int vnet_vu_timeout(const struct vnet_vu *vu)
{
	uint64_t now;

	if (vu->conn_fd < 0 || !vu->rx.got || vu->rx.err ||
	    vu_rx_whole(&vu->rx))
		return -1;
	now = vu_now_ms();
	return now >= vu->rx.deadline ? 0 : (int)(vu->rx.deadline - now);
}

/**
 * vu_handle() - check, handle and answer a whole request
 * @vu:	the backend, connected
 * @m:	the request
 *
 * Return: 0 to keep the connection, -errno to drop it
 */
static int vu_handle(struct vnet_vu *vu, struct vu_msg *m)
{
	struct vu_msg r;
	int ret, sret;

	memset(&r, 0, sizeof(r));	/* every reply byte initialised */
	vu->stats.messages++;
	ret = vu_msg_check(m, &vu->stats);
	if (!ret)
		ret = vu_request(vu, m, &r);
	vu_msg_close_fds(m);
	if (ret == -ENOSYS)	/* unknown: answered, not fatal */
		return vu_ack(vu, m, ret);
	if (r.hdr.flags) {
		sret = vu_msg_send_fds(vu->conn_fd, &r.hdr, &r.p, r.fds,
				       r.nfds);
		vu_msg_close_fds(&r);	/* the frontend has its own copies */
		if (sret)
			vu->stats.io_errors++;
		return ret ? ret : sret;
	}
	sret = vu_ack(vu, m, ret);
	return ret ? ret : sret;
}

/**
 * vu_serve() - the request under way: served if whole
 * @vu:	the backend, connected
 *
 * Return: 0 to keep the connection, -errno to drop it
 */
static int vu_serve(struct vnet_vu *vu)
{
	int ret;

	if (!vnet_vu_read(vu))
		return 0;	/* more to come */
	if (vu->rx.err)
		return vu->rx.err;	/* hang-up, socket, framing, deadline */
	ret = vu_handle(vu, &vu->rx.m);
	vu_rx_reset(&vu->rx);
	return ret;
}

/**
 * vu_vanished() - a file the frontend shares shrank under a mapping
 * @vu:	the backend, connected, its frontend about to be dropped
 *
 * vu_sigbus.c put zero pages where the file was and shut the
 * connection's read side; every started queue is broken here (its error
 * eventfd fires).
 */
static void vu_vanished(struct vnet_vu *vu)
{
	unsigned int i;

	vu->stats.mem_faults++;
	for (i = 0; i < vu->nqueues; i++)
		if (vu->vr[i].started)
			vu_vring_signal_err(vu, i);
}

int vnet_vu_dispatch(struct vnet_vu *vu)
{
	int fd, ret;

	if (vu->conn_fd >= 0) {
		/* a file may shrink under a worker's access, or under ours */
		ret = vu_sigbus_faulted(vu) ? -EFAULT : vu_serve(vu);
		if (!ret && !vu_sigbus_faulted(vu))
			return 0;
		if (vu_sigbus_faulted(vu))
			vu_vanished(vu);
		vnet_vu_disconnect(vu);
		return -ECONNRESET;
	}
	if (vu->listen_fd < 0)
		return -ENOTCONN;
	fd = accept4(vu->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return -errno;
	vu_attach(vu, fd);
	return 0;
}
