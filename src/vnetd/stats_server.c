// SPDX-License-Identifier: MIT
/* stats_server.c - the stats socket: clients served from the main loop, bounded and never blocking */

#define _GNU_SOURCE /* accept4 */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "stats_server.h"

/* A client sends its request line within this; else it is answered with
 * what it sent (nothing: JSON). */
#define STATS_REQUEST_MS	1000
/* ...and takes its answer within this, or is dropped. */
#define STATS_ANSWER_MS		1000

/* Now, in ms of CLOCK_MONOTONIC. */
static uint64_t now_ms(void)
{
	return vnetd_now_ns() / 1000000;
}

/**
 * stats_listen() - a unix stream socket at @path (replacing a stale one)
 * @path:	socket path
 *
 * Return: the listening fd, non-blocking, or -errno
 */
static int stats_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/**
 * stats_watch() - (re)register a client's fd for @events
 * @sv:		the server
 * @c:		the client
 * @op:		EPOLL_CTL_ADD or EPOLL_CTL_MOD
 * @events:	EPOLLIN or EPOLLOUT
 *
 * Return: 0, or -errno
 */
static int stats_watch(struct vnetd_stats_server *sv,
		       struct vnetd_stats_client *c, int op, uint32_t events)
{
	struct epoll_event e = { .events = events,
				 .data.u64 = sv->tag + 1 + (uint64_t)(c - sv->c) };

	return epoll_ctl(sv->epfd, op, c->fd, &e) ? -errno : 0;
}

/**
 * stats_end() - the client is done with: answered in full, or dropped
 * @sv:		the server
 * @c:		the client
 * @answered:	it took its whole answer
 */
static void stats_end(struct vnetd_stats_server *sv,
		      struct vnetd_stats_client *c, bool answered)
{
	vnetd_stats_count(sv->stats, answered ? VNETD_STATS_ANSWERED :
						VNETD_STATS_DROPPED);
	close(c->fd);	/* leaves the epoll set with it */
	c->fd = -1;
	free(c->answer);
	c->answer = NULL;
}

/**
 * stats_send() - send what the client's socket takes now, never waiting
 * @sv:	the server
 * @c:	the client, with its answer
 */
static void stats_send(struct vnetd_stats_server *sv,
		       struct vnetd_stats_client *c)
{
	while (c->sent < c->answer_len) {
		/* no SIGPIPE from a client gone, no wait for a slow one */
		ssize_t n = send(c->fd, c->answer + c->sent,
				 c->answer_len - c->sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (stats_watch(sv, c, EPOLL_CTL_MOD, EPOLLOUT))
				stats_end(sv, c, false);
			return;	/* the rest when it reads, or its deadline */
		}
		if (n <= 0) {
			stats_end(sv, c, false);	/* gone */
			return;
		}
		c->sent += (size_t)n;
	}
	stats_end(sv, c, true);
}

/**
 * stats_answer() - the request is whole: make the answer, start sending
 * @sv:	the server
 * @c:	the client
 */
static void stats_answer(struct vnetd_stats_server *sv,
			 struct vnetd_stats_client *c)
{
	c->answer = vnetd_stats_answer(sv->stats, c->req, c->req_len,
				       &c->answer_len);
	if (!c->answer) {
		stats_end(sv, c, false);	/* no memory */
		return;
	}
	c->sent = 0;
	c->deadline = now_ms() + STATS_ANSWER_MS;
	stats_send(sv, c);
}

/**
 * stats_read() - take what the client sent, never waiting
 * @sv:	the server
 * @c:	the client, still asking
 */
static void stats_read(struct vnetd_stats_server *sv,
		       struct vnetd_stats_client *c)
{
	size_t room = sizeof(c->req) - c->req_len;
	ssize_t n;

	do
		n = recv(c->fd, c->req + c->req_len, room, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n < 0) {
		stats_end(sv, c, false);
		return;
	}
	/* a line, a full buffer, or the end of what it sends: answer */
	if (n > 0 && !memchr(c->req + c->req_len, '\n', (size_t)n) &&
	    (size_t)n < room) {
		c->req_len += (size_t)n;
		return;
	}
	c->req_len += (size_t)n;
	stats_answer(sv, c);
}

/**
 * stats_slot() - a free slot, made by dropping the client nearest its
 *		  deadline if every slot is taken
 * @sv:	the server
 *
 * Clients that hold a slot without asking or reading cannot lock the
 * others out: a newcomer takes the place of the one that has waited
 * longest.
 *
 * Return: the slot
 */
static struct vnetd_stats_client *stats_slot(struct vnetd_stats_server *sv)
{
	struct vnetd_stats_client *oldest = &sv->c[0];
	unsigned int i;

	for (i = 0; i < VNETD_STATS_CLIENTS; i++) {
		if (sv->c[i].fd < 0)
			return &sv->c[i];
		if (sv->c[i].deadline < oldest->deadline)
			oldest = &sv->c[i];
	}
	stats_end(sv, oldest, false);	/* one too many */
	return oldest;
}

/**
 * stats_accept() - take every client waiting
 * @sv:	the server
 */
static void stats_accept(struct vnetd_stats_server *sv)
{
	struct vnetd_stats_client *c;
	int fd;

	while ((fd = accept4(sv->listen_fd, NULL, NULL,
			     SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		c = stats_slot(sv);
		c->fd = fd;
		c->req_len = 0;
		c->deadline = now_ms() + STATS_REQUEST_MS;
		if (stats_watch(sv, c, EPOLL_CTL_ADD, EPOLLIN))
			stats_end(sv, c, false);
	}
}

void vnetd_stats_server_init(struct vnetd_stats_server *sv)
{
	unsigned int i;

	sv->listen_fd = -1;
	for (i = 0; i < VNETD_STATS_CLIENTS; i++) {
		sv->c[i].fd = -1;
		sv->c[i].answer = NULL;
	}
}

int vnetd_stats_server_open(struct vnetd_stats_server *sv,
			    struct vnetd_stats *stats, const char *path,
			    int epfd, uint64_t tag)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = tag };

	sv->stats = stats;
	sv->epfd = epfd;
	sv->tag = tag;
	sv->listen_fd = stats_listen(path);
	if (sv->listen_fd < 0)
		return sv->listen_fd;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, sv->listen_fd, &e))
		return -errno;
	return 0;
}

void vnetd_stats_server_event(struct vnetd_stats_server *sv, uint64_t tag)
{
	struct vnetd_stats_client *c;

	if (tag == sv->tag) {
		stats_accept(sv);
		return;
	}
	if (tag <= sv->tag || tag - sv->tag > VNETD_STATS_CLIENTS)
		return;
	c = &sv->c[tag - sv->tag - 1];
	if (c->fd < 0)
		return;
	if (c->answer)
		stats_send(sv, c);
	else
		stats_read(sv, c);
}

int vnetd_stats_server_timeout(const struct vnetd_stats_server *sv)
{
	uint64_t now = now_ms(), next = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < VNETD_STATS_CLIENTS; i++)
		if (sv->c[i].fd >= 0 && sv->c[i].deadline < next)
			next = sv->c[i].deadline;
	if (next == UINT64_MAX)
		return -1;
	return next <= now ? 0 : (int)(next - now);
}

void vnetd_stats_server_expire(struct vnetd_stats_server *sv)
{
	uint64_t now = now_ms();
	unsigned int i;

	for (i = 0; i < VNETD_STATS_CLIENTS; i++) {
		struct vnetd_stats_client *c = &sv->c[i];

		if (c->fd < 0 || c->deadline > now)
			continue;
		if (c->answer)
			stats_end(sv, c, false);	/* does not read it */
		else
			stats_answer(sv, c);		/* asked no more */
	}
}

void vnetd_stats_server_close(struct vnetd_stats_server *sv, const char *path)
{
	unsigned int i;

	for (i = 0; i < VNETD_STATS_CLIENTS; i++)
		if (sv->c[i].fd >= 0)
			stats_end(sv, &sv->c[i], false);
	if (sv->listen_fd >= 0)
		close(sv->listen_fd);
	sv->listen_fd = -1;
	unlink(path);
}
