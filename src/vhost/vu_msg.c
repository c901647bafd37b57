// SPDX-License-Identifier: MIT
/* vu_msg.c - vhost-user framing: header, payload size per request, fds over SCM_RIGHTS */

#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vu_int.h"

/* What a request must look like: exact payload size (or a range) and fds. */
struct vu_rule {
	uint32_t min;
	uint32_t max;
	uint8_t fds;		/* fds required */
	bool fd_by_flag;	/* fds = 0 when VU_VRING_NOFD is set */
	bool fds_by_table;	/* fds = nregions of the memory table */
};

#define EXACT(n)	{ .min = (n), .max = (n) }

static const struct vu_rule r_none = EXACT(0);
static const struct vu_rule r_u64 = EXACT(8);
static const struct vu_rule r_u128 = EXACT(16);
static const struct vu_rule r_state = EXACT(sizeof(struct vu_state));
static const struct vu_rule r_addr = EXACT(sizeof(struct vu_addr));
static const struct vu_rule r_vfile = { 8, 8, 1, true, false };
static const struct vu_rule r_table = { 8 + sizeof(struct vu_region),
					sizeof(struct vu_mem_table), 0, false,
					true };
static const struct vu_rule r_log = { 16, 16, 1, false, false };
static const struct vu_rule r_logfd = { 0, 8, 1, false, false };
static const struct vu_rule r_config = { 12, sizeof(struct vu_config), 0,
					 false, false };
static const struct vu_rule r_reg = { sizeof(struct vu_mem_reg),
				      sizeof(struct vu_mem_reg), 1, false,
				      false };
static const struct vu_rule r_rem = EXACT(sizeof(struct vu_mem_reg));
static const struct vu_rule r_fd = { 0, 8, 1, false, false };
static const struct vu_rule r_iotlb = { sizeof(struct vu_iotlb_msg),
					VU_IOTLB_MSG_PADDED, 0, false, false };
/* The inflight description: 20 bytes as the spec draws it, 24 as QEMU,
 * DPDK and libvhost-user send it (their struct is not packed). */
static const struct vu_rule r_ifget = { sizeof(struct vu_inflight),
					VU_INFLIGHT_PADDED, 0, false, false };
static const struct vu_rule r_ifset = { sizeof(struct vu_inflight),
					VU_INFLIGHT_PADDED, 1, false, false };

/* direction and phase, and the frontend's end of a pipe */
static const struct vu_rule r_transfer = { 8, 8, 1, false, false };

/* Every request this backend knows, with its rule. */
static const struct {
	uint32_t req;
	const struct vu_rule *rule;
} vu_rules[] = {
	{ VNET_VU_GET_FEATURES, &r_none },
	{ VNET_VU_SET_FEATURES, &r_u64 },
	{ VNET_VU_SET_OWNER, &r_none },
	{ VNET_VU_RESET_OWNER, &r_none },
	{ VNET_VU_SET_MEM_TABLE, &r_table },
	{ VNET_VU_SET_LOG_BASE, &r_log },
	{ VNET_VU_SET_LOG_FD, &r_logfd },
	{ VNET_VU_SET_VRING_NUM, &r_state },
	{ VNET_VU_SET_VRING_ADDR, &r_addr },
	{ VNET_VU_SET_VRING_BASE, &r_state },
	{ VNET_VU_GET_VRING_BASE, &r_state },
	{ VNET_VU_SET_VRING_KICK, &r_vfile },
	{ VNET_VU_SET_VRING_CALL, &r_vfile },
	{ VNET_VU_SET_VRING_ERR, &r_vfile },
	{ VNET_VU_GET_PROTOCOL_FEATURES, &r_none },
	{ VNET_VU_SET_PROTOCOL_FEATURES, &r_u64 },
	{ VNET_VU_GET_QUEUE_NUM, &r_none },
	{ VNET_VU_SET_VRING_ENABLE, &r_state },
	{ VNET_VU_SEND_RARP, &r_u64 },
	{ VNET_VU_NET_SET_MTU, &r_u64 },
	{ VNET_VU_SET_BACKEND_REQ_FD, &r_fd },
	{ VNET_VU_IOTLB_MSG, &r_iotlb },
	{ VNET_VU_SET_VRING_ENDIAN, &r_state },
	{ VNET_VU_GET_CONFIG, &r_config },
	{ VNET_VU_GET_INFLIGHT_FD, &r_ifget },
	{ VNET_VU_SET_INFLIGHT_FD, &r_ifset },
	{ VNET_VU_SET_CONFIG, &r_config },
	{ VNET_VU_RESET_DEVICE, &r_none },
	{ VNET_VU_GET_MAX_MEM_SLOTS, &r_none },
	{ VNET_VU_ADD_MEM_REG, &r_reg },
	{ VNET_VU_REM_MEM_REG, &r_rem },
	{ VNET_VU_SET_STATUS, &r_u64 },
	{ VNET_VU_GET_STATUS, &r_none },
	{ VNET_VU_SET_DEVICE_STATE_FD, &r_transfer },
	{ VNET_VU_CHECK_DEVICE_STATE, &r_none },
	{ VNET_VU_GET_FEATURES_EX, &r_none },
	{ VNET_VU_SET_FEATURES_EX, &r_u128 },
};

/**
 * vu_rule_of() - the size and fd rule of a request
 * @req:	request number
 *
 * Return: the rule, or NULL for a request this backend does not know
 */
static const struct vu_rule *vu_rule_of(uint32_t req)
{
	unsigned int i;

	for (i = 0; i < sizeof(vu_rules) / sizeof(vu_rules[0]); i++)
		if (vu_rules[i].req == req)
			return vu_rules[i].rule;
	return NULL;
}

/**
 * vu_msg_close_fds() - close every fd a message still holds
 * @m:	the message
 */
void vu_msg_close_fds(struct vu_msg *m)
{
	unsigned int i;

	for (i = 0; i < m->nfds; i++) {
		if (m->fds[i] >= 0)
			close(m->fds[i]);
		m->fds[i] = -1;
	}
	m->nfds = 0;
}

/**
 * vu_msg_take_fd() - take ownership of one received fd
 * @m:	the message
 * @i:	which
 *
 * Return: the fd, or -1 if there is none at @i
 */
int vu_msg_take_fd(struct vu_msg *m, unsigned int i)
{
	int fd;

	if (i >= m->nfds)
		return -1;
	fd = m->fds[i];
	m->fds[i] = -1;
	return fd;
}

/**
 * vu_fds_needed() - how many fds a request carries, by its rule
 * @rule:	the rule
 * @m:		the message, payload already checked for size
 *
 * Return: the count, or -EINVAL for a memory table with a bad count
 */
static int vu_fds_needed(const struct vu_rule *rule, const struct vu_msg *m)
{
	uint32_t n;

	if (rule->fd_by_flag)
		return (m->p.u64 & VU_VRING_NOFD) ? 0 : rule->fds;
	if (!rule->fds_by_table)
		return rule->fds;
	n = m->p.mem.nregions;
	if (n == 0 || n > VU_MEM_TABLE_REGIONS)
		return -EINVAL;	/* region count out of range */
	if (m->hdr.size != 8 + n * sizeof(struct vu_region))
		return -EINVAL;	/* size does not match the count */
	return (int)n;
}

/**
 * vu_msg_check() - check a request's size and fds against its type
 * @m:	the request; fds beyond what it takes are closed
 * @st:	counters
 *
 * Return: 0; -ENOSYS for an unknown request (fds closed); -EBADMSG for a
 * wrong size; -EBADF for too few fds
 */
int vu_msg_check(struct vu_msg *m, struct vnet_vu_stats *st)
{
	const struct vu_rule *rule = vu_rule_of(m->hdr.request);
	unsigned int i;
	int need;

	if (!rule) {
		vu_msg_close_fds(m);
		st->unknown++;
		return -ENOSYS;
	}
	if (m->hdr.size < rule->min || m->hdr.size > rule->max)
		goto bad_size;	/* payload size wrong for the request */
	need = vu_fds_needed(rule, m);
	if (need < 0)
		goto bad_size;	/* memory table count and size disagree */
	if (m->nfds < (unsigned int)need)
		goto bad_fds;	/* fewer fds than the request takes */
	for (i = (unsigned int)need; i < m->nfds; i++) {
		close(m->fds[i]);
		m->fds[i] = -1;
		st->fds_extra++;
	}
	m->nfds = (unsigned int)need;
	return 0;
bad_size:
	st->bad_size++;
	return -EBADMSG;
bad_fds:
	st->bad_fds++;
	return -EBADF;
}

/**
 * vu_recv_fds() - collect the fds of a control message
 * @mh:	the received message header
 * @m:	where the fds go
 *
 * Return: 0, or -EBADF if the fds did not fit (they are closed)
 */
static int vu_recv_fds(struct msghdr *mh, struct vu_msg *m)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t n, i;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		if (c->cmsg_len < CMSG_LEN(0))
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (m->nfds < VU_FDS_MAX)
				m->fds[m->nfds++] = fd;
			else
				close(fd);	/* more than any request takes */
		}
	}
	return (mh->msg_flags & MSG_CTRUNC) ? -EBADF : 0;
}

/**
 * vu_now_ms() - the clock of request deadlines
 *
 * Return: ms of CLOCK_MONOTONIC
 */
uint64_t vu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/**
 * vu_rx_reset() - ready for the next request: fds left closed, nothing in
 * @rx:	the request being read
 */
void vu_rx_reset(struct vu_rx *rx)
{
	vu_msg_close_fds(&rx->m);
	rx->got = 0;
	rx->err = 0;
}

/**
 * vu_rx_whole() - has all of the request arrived
 * @rx:	the request being read
 *
 * Return: true if header and payload are in
 */
bool vu_rx_whole(const struct vu_rx *rx)
{
	return rx->got >= sizeof(rx->m.hdr) &&
	       rx->got == sizeof(rx->m.hdr) + rx->m.hdr.size;
}

/**
 * vu_recv_some() - read what has arrived of @len bytes, with any fds
 * @fd:		socket
 * @buf:	where
 * @len:	at most
 * @m:		the message the fds go to
 *
 * Return: bytes read; -EAGAIN if none has arrived; -ECONNRESET at end
 * of stream; -EBADF if fds did not fit (those closed); or -errno
 */
static ssize_t vu_recv_some(int fd, void *buf, size_t len, struct vu_msg *m)
{
	char ctl[CMSG_SPACE(VU_FDS_MAX * 2 * sizeof(int))];
	struct iovec iov = { buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	ssize_t r;

	do
		r = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (r == 0)
		return -ECONNRESET;
	if (vu_recv_fds(&mh, m))
		return -EBADF;
	return r;
}

/**
 * vu_hdr_check() - a header, just completed, before its payload is read
 * @m:	the message
 *
 * Return: 0; -EPROTO for a bad version; -EBADMSG for a payload larger
 * than any request's
 */
static int vu_hdr_check(struct vu_msg *m)
{
	if ((m->hdr.flags & VU_VERSION_MASK) != VU_VERSION)
		return -EPROTO;	/* not protocol version 1 */
	if (m->hdr.size > sizeof(m->p))
		return -EBADMSG;	/* larger than any request's payload */
	memset(&m->p, 0, sizeof(m->p));
	return 0;
}

/**
 * vu_msg_read() - read what has arrived of one request, never waiting
 * @fd:	connected socket
 * @rx:	the request being read; a new one starts when @rx->got is 0
 * @st:	counters
 *
 * Reads no byte past the request, so the fds of the next one stay with
 * it. The deadline is set with the request's first byte; enforcing it is
 * the caller's.
 *
 * Return: 1 when the request is whole; 0 while more is to come; on error
 * (no fd left open): -ECONNRESET on hang-up, -EBADF for more fds than
 * fit, -EPROTO for a bad version, -EBADMSG for a payload larger than any
 * request's, -errno for a socket error
 */
int vu_msg_read(int fd, struct vu_rx *rx, struct vnet_vu_stats *st)
{
	const size_t hl = sizeof(rx->m.hdr);
	ssize_t r;
	int ret;

	if (!rx->got)
		rx->m.nfds = 0;
	while (!vu_rx_whole(rx)) {
		uint8_t *at = rx->got < hl ? (uint8_t *)&rx->m.hdr + rx->got :
			      rx->m.p.raw + (rx->got - hl);
		size_t want = rx->got < hl ? hl - rx->got :
			      hl + rx->m.hdr.size - rx->got;

		r = vu_recv_some(fd, at, want, &rx->m);
		if (r == -EAGAIN)
			return 0;
		if (r < 0) {
			ret = (int)r;
			goto fail;
		}
		if (!rx->got)
			rx->deadline = vu_now_ms() + VNET_VU_MSG_DEADLINE_MS;
		rx->got += (size_t)r;
		if (rx->got == hl) {
			ret = vu_hdr_check(&rx->m);
			if (ret)
				goto fail;
		}
	}
	return 1;
fail:
	if (ret == -EBADF)
		st->bad_fds++;
	else if (ret == -EBADMSG)
		st->bad_size++;
	else if (ret != -ECONNRESET)
		st->io_errors++;
	vu_msg_close_fds(&rx->m);
	return ret;
}

/**
 * vu_msg_send_fds() - write a reply: header, payload and fds in one go
 * @fd:		connected socket
 * @hdr:	header; size bytes of @payload follow it
 * @payload:	payload
 * @fds:	fds to pass (SCM_RIGHTS), still owned by the caller
 * @nfds:	how many, at most VU_FDS_MAX
 *
 * Return: 0, or -errno (-EIO for a short write, -EAGAIN when the
 * frontend's socket is full)
 */
int vu_msg_send_fds(int fd, const struct vu_hdr *hdr, const void *payload,
		    const int *fds, unsigned int nfds)
{
	char ctl[CMSG_SPACE(VU_FDS_MAX * sizeof(int))];
	struct iovec iov[2] = {
		{ (void *)hdr, sizeof(*hdr) },
		{ (void *)payload, hdr->size },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = hdr->size ? 2 : 1 };
	ssize_t r;

	if (nfds > VU_FDS_MAX)
		return -EINVAL;
	if (nfds) {
		struct cmsghdr *c;

		memset(ctl, 0, sizeof(ctl));
		mh.msg_control = ctl;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	do
		/* a frontend gone or not reading: an error, never a
		 * signal or a wait */
		r = sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if ((size_t)r != sizeof(*hdr) + hdr->size)
		return -EIO;
	return 0;
}

/**
 * vu_msg_send() - write a reply: header and payload in one go
 * @fd:		connected socket
 * @hdr:	header; size bytes of @payload follow it
 * @payload:	payload
 *
 * Return: 0, or -errno (-EIO for a short write)
 */
int vu_msg_send(int fd, const struct vu_hdr *hdr, const void *payload)
{
	return vu_msg_send_fds(fd, hdr, payload, NULL, 0);
}
