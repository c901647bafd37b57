/* SPDX-License-Identifier: MIT */
/* stats_server.h - the stats socket: clients served from the main loop, bounded and never blocking */
#ifndef VNETD_STATS_SERVER_H
#define VNETD_STATS_SERVER_H

#include <stdint.h>

#include "stats.h"

/* Clients served at once; one more takes the place of the one that has
 * waited longest (dropped and counted). */
#define VNETD_STATS_CLIENTS	16

/**
 * struct vnetd_stats_client - one client of the stats socket
 * @fd:		its socket, -1 for a free slot
 * @deadline:	when it is dropped (or, still asking, answered), in ms
 * @req:	its request so far
 * @req_len:	bytes of it
 * @answer:	the answer, once the request is whole; NULL before
 * @answer_len:	its length
 * @sent:	bytes of it sent
 */
struct vnetd_stats_client {
	int fd;
	uint64_t deadline;
	char req[VNETD_STATS_REQUEST_MAX];
	size_t req_len;
	char *answer;
	size_t answer_len;
	size_t sent;
};

/**
 * struct vnetd_stats_server - the socket and its clients
 * @stats:	the counters it answers with, and counts in
 * @listen_fd:	the listening socket, -1 if none
 * @epfd:	the main loop's epoll set
 * @tag:	epoll tag of the socket; a client's is @tag + 1 + its slot
 * @c:		the clients
 */
struct vnetd_stats_server {
	struct vnetd_stats *stats;
	int listen_fd;
	int epfd;
	uint64_t tag;
	struct vnetd_stats_client c[VNETD_STATS_CLIENTS];
};

/**
 * vnetd_stats_server_init() - no socket, no client (before anything else)
 * @sv:		the server
 */
void vnetd_stats_server_init(struct vnetd_stats_server *sv);

/**
 * vnetd_stats_server_open() - listen at @path and watch it in @epfd
 * @sv:		the server
 * @stats:	the counters
 * @path:	socket path (a stale socket there is replaced)
 * @epfd:	the main loop's epoll set
 * @tag:	epoll tag of the socket; clients take the next
 *		VNETD_STATS_CLIENTS tags
 *
 * Return: 0, or -errno
 */
int vnetd_stats_server_open(struct vnetd_stats_server *sv,
			    struct vnetd_stats *stats, const char *path,
			    int epfd, uint64_t tag);

/**
 * vnetd_stats_server_event() - serve the socket or client @tag names
 * @sv:		the server
 * @tag:	from epoll: @sv->tag or a client's
 */
void vnetd_stats_server_event(struct vnetd_stats_server *sv, uint64_t tag);

/**
 * vnetd_stats_server_timeout() - when the next client deadline falls
 * @sv:		the server
 *
 * Return: ms until then (0 if passed), or -1 if no client is served
 */
int vnetd_stats_server_timeout(const struct vnetd_stats_server *sv);

/**
 * vnetd_stats_server_expire() - clients whose deadline passed
 * @sv:		the server
 *
 * One still asking is answered with what it sent; one not taking its
 * answer is dropped.
 */
void vnetd_stats_server_expire(struct vnetd_stats_server *sv);

/**
 * vnetd_stats_server_close() - every client dropped, the socket closed
 * @sv:		the server
 * @path:	the socket path, removed
 */
void vnetd_stats_server_close(struct vnetd_stats_server *sv, const char *path);

#endif /* VNETD_STATS_SERVER_H */
