// SPDX-License-Identifier: MIT
/* vu_state.c - the backend's state across a migration: SET_DEVICE_STATE_FD and CHECK_DEVICE_STATE */

/*
 * VHOST_USER_PROTOCOL_F_DEVICE_STATE: with every ring stopped, the
 * frontend asks the backend to save its internal state into a pipe (the
 * source) or to load it from one (the destination), then asks with
 * CHECK_DEVICE_STATE whether that worked. What the state is belongs to
 * the owner (vnet_vu_ops.state_save / state_load); the transport moves
 * the bytes, at most VNET_VU_STATE_MAX of them.
 *
 * The backend always answers with a pipe of its own, sized to hold the
 * largest state, and closes the frontend's fd (the reply's invalid-FD
 * flag clear: "the front-end must then use the back-end's FD"). So
 * nothing ever waits on the frontend: a save is written whole into the
 * pipe before the reply; a load is read at CHECK_DEVICE_STATE, by when the
 * frontend has written it and closed its end, within a short deadline.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "vu_int.h"

#define VU_STATE_SAVE		0	/* back-end to front-end */
#define VU_STATE_LOAD		1	/* front-end to back-end */
#define VU_STATE_STOPPED	0	/* the only phase defined */
#define VU_STATE_EOF_MS		1000	/* a load's writer has this long to
					 * close its end after CHECK */

/* The reply's u64: bits 0..7 an error, bit 8 "no fd in this reply". */
#define VU_STATE_ERR		1ULL
#define VU_STATE_NOFD		(1ULL << 8)

/**
 * vu_state_clear() - forget a transfer: its pipe end and its outcome
 * @vu:	the backend
 */
void vu_state_clear(struct vnet_vu *vu)
{
	if (vu->state_fd >= 0)
		close(vu->state_fd);
	vu->state_fd = -1;
	vu->state_dir = -1;
	vu->state_ok = false;
}

/* Every ring stopped: the only phase in which state moves. */
static bool vu_state_rings_stopped(const struct vnet_vu *vu)
{
	unsigned int i;

	for (i = 0; i < vu->nqueues; i++)
		if (vu->vr[i].started)
			return false;
	return true;
}

/* A pipe that holds the largest state: 0 and its ends, or -errno. */
static int vu_state_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	if (fcntl(fds[1], F_SETPIPE_SZ, VNET_VU_STATE_MAX) < VNET_VU_STATE_MAX) {
		close(fds[0]);
		close(fds[1]);
		return -ENOSPC;
	}
	return 0;
}

/* The owner's state, written whole into @fd (which holds it all). */
static int vu_state_save(struct vnet_vu *vu, int fd)
{
	uint8_t *buf = malloc(VNET_VU_STATE_MAX);
	ssize_t len = -ENOSYS, off = 0, n;

	if (!buf)
		return -ENOMEM;
	if (vu->cfg.ops && vu->cfg.ops->state_save)
		len = vu->cfg.ops->state_save(vu->cfg.opaque, buf,
					      VNET_VU_STATE_MAX);
	while (len > 0 && off < len) {
		n = write(fd, buf + off, (size_t)(len - off));
		if (n <= 0) {
			len = -EIO;
			break;
		}
		off += n;
	}
	free(buf);
	return len < 0 ? (int)len : 0;
}

/**
 * vu_set_device_state_fd() - SET_DEVICE_STATE_FD: start a transfer
 * @vu:	the backend
 * @m:	the request: direction and phase, and the frontend's fd
 * @r:	the reply: an error code, and the backend's pipe end
 *
 * Return: 0 (a refusal is the reply's error code, the connection stays)
 */
int vu_set_device_state_fd(struct vnet_vu *vu, struct vu_msg *m,
			   struct vu_msg *r)
{
	uint32_t dir = m->p.transfer.direction;
	int fds[2], ret;

	vu_state_clear(vu);
	vu_reply_u64(m, r, VU_STATE_ERR | VU_STATE_NOFD);
	if (m->p.transfer.phase != VU_STATE_STOPPED ||
	    (dir != VU_STATE_SAVE && dir != VU_STATE_LOAD) ||
	    !vu_state_rings_stopped(vu)) {
		vu->stats.bad_state++;
		return 0;
	}
	if (vu_state_pipe(fds))
		return 0;
	/* the end handed out blocks as a pipe's would; ours never does */
	if (fcntl(fds[dir == VU_STATE_SAVE ? 0 : 1], F_SETFL, 0))
		vu->stats.io_errors++;
	if (dir == VU_STATE_SAVE) {
		ret = vu_state_save(vu, fds[1]);
		close(fds[1]);		/* the frontend reads to EOF */
		vu->state_ok = !ret;
		r->fds[0] = fds[0];	/* sent, then closed by the caller */
	} else {
		vu->state_fd = fds[0];
		r->fds[0] = fds[1];
	}
	r->nfds = 1;
	vu->state_dir = (int)dir;
	r->p.u64 = 0;		/* success, an fd in the reply */
	return 0;
}

/* The state loaded: read to EOF within the deadline, then the owner's. */
static int vu_state_load(struct vnet_vu *vu)
{
	uint64_t end = vu_now_ms() + VU_STATE_EOF_MS;
	uint8_t *buf = malloc(VNET_VU_STATE_MAX + 1);
	size_t len = 0;
	ssize_t n;
	int ret = -EIO;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		struct pollfd p = { vu->state_fd, POLLIN, 0 };
		uint64_t now = vu_now_ms();

		n = read(vu->state_fd, buf + len, VNET_VU_STATE_MAX + 1 - len);
		if (n == 0) {		/* EOF: the whole state */
			ret = -ENOSYS;
			if (vu->cfg.ops && vu->cfg.ops->state_load)
				ret = vu->cfg.ops->state_load(vu->cfg.opaque,
							      buf, len);
			break;
		}
		if (n > 0) {
			len += (size_t)n;
			if (len > VNET_VU_STATE_MAX)
				break;	/* larger than any state */
			continue;
		}
		if (errno != EAGAIN || now >= end ||
		    poll(&p, 1, (int)(end - now)) < 0)
			break;		/* the writer never closed its end */
	}
	free(buf);
	return ret;
}

/**
 * vu_check_device_state() - CHECK_DEVICE_STATE: did the transfer work
 * @vu:	the backend
 * @m:	the request
 * @r:	the reply: 0, or 1 for a failure (none set up, the save failed,
 *	the state loaded was refused)
 *
 * Return: 0
 */
int vu_check_device_state(struct vnet_vu *vu, struct vu_msg *m,
			  struct vu_msg *r)
{
	bool ok = vu->state_ok;

	if (vu->state_dir == VU_STATE_LOAD)
		ok = !vu_state_load(vu);
	if (!ok)
		vu->stats.bad_state++;
	vu_state_clear(vu);
	vu_reply_u64(m, r, ok ? 0 : VU_STATE_ERR);
	return 0;
}
