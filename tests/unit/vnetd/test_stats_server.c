// SPDX-License-Identifier: MIT
/* test_stats_server.c - the stats socket's clients: an answer that does not fit is sent as the client reads, never waited for, and dropped at its deadline */

#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "stats_server.h"

/*
 * The class of issue 20's item 3 that the real daemon cannot show: a
 * client that never reads an answer larger than the daemon's socket
 * buffer. vnetd's buffer (about 200 KiB) holds any answer it makes, so
 * here the server's own socket buffer is made small (white box: the
 * accepted fd's SO_SNDBUF), as the answer to 16 queue pairs then cannot
 * fit. The server must return at once with the rest pending, send more as
 * the client reads, and drop a client that stops reading at its answer
 * deadline (1 s), counted. A server that waited for the client would be
 * stopped by alarm() and fail.
 */

#define PAIRS	16

struct fixture {
	char dir[64];
	char path[96];
	struct vnetd_stats s;
	struct vnetd_queue_stats q[PAIRS];
	struct vnetd_stats_server sv;
	int epfd;
	int client;
};

static void on_alarm(int sig)
{
	(void)sig;
	fail_msg("the stats server waited for its client");
}

static int setup(void **state)
{
	static const char *const reasons[] = {
		"tx_invalid", "tx_short", "tap_full", "rx_no_buffers",
		"rx_filtered", "rx_too_big", "rx_invalid", "ctrl_bad",
	};
	struct fixture *f = calloc(1, sizeof(*f));
	unsigned int i;

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/vnetd-stats-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/stats.sock", f->dir);
	f->s.nqueues = PAIRS;
	f->s.queues = f->q;
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		f->s.reasons[i] = reasons[i];
	f->epfd = epoll_create1(EPOLL_CLOEXEC);
	vnetd_stats_server_init(&f->sv);
	if (f->epfd < 0 || vnetd_stats_server_open(&f->sv, &f->s, f->path,
						   f->epfd, 1000))
		return -1;
	f->client = -1;
	signal(SIGALRM, on_alarm);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	alarm(0);
	if (f->client >= 0)
		close(f->client);
	vnetd_stats_server_close(&f->sv, f->path);
	close(f->epfd);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* The server's events for up to @ms, served as vnetd's loop serves them. */
static void serve(struct fixture *f, int ms)
{
	struct epoll_event ev[8];
	int n, i;

	alarm(5);
	n = epoll_wait(f->epfd, ev, 8, ms);
	for (i = 0; i < n; i++)
		vnetd_stats_server_event(&f->sv, ev[i].data.u64);
	vnetd_stats_server_expire(&f->sv);
	alarm(0);
}

/* A client asking for the Prometheus text, accepted; the server's socket
 * to it given a small send buffer. */
static void ask(struct fixture *f)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int small = 4096;

	strncpy(sa.sun_path, f->path, sizeof(sa.sun_path) - 1);
	f->client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(f->client >= 0);
	assert_int_equal(connect(f->client, (struct sockaddr *)&sa, sizeof(sa)),
			 0);
	serve(f, 1000);		/* accepted */
	assert_true(f->sv.c[0].fd >= 0);
	assert_int_equal(setsockopt(f->sv.c[0].fd, SOL_SOCKET, SO_SNDBUF,
				    &small, sizeof(small)), 0);
	assert_int_equal(write(f->client, "prometheus\n", 11), 11);
	serve(f, 1000);		/* read, answered as far as it fits */
}

/* Bytes the client can read now. */
static size_t drain(int fd)
{
	static char buf[65536];
	size_t got = 0;
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		got += (size_t)n;
	return got;
}

/* A client that never reads: the server returns at once with the answer
 * pending, and drops the client at its deadline, counted. */
static void test_never_reads(void **state)
{
	struct fixture *f = *state;
	size_t got;

	ask(f);
	assert_true(f->sv.c[0].fd >= 0);	/* still being answered */
	assert_non_null(f->sv.c[0].answer);
	assert_true(f->sv.c[0].sent < f->sv.c[0].answer_len);
	assert_true(vnetd_stats_server_timeout(&f->sv) <= 1000);
	assert_int_equal(f->s.daemon[VNETD_STATS_DROPPED], 0);
	/* nothing read for longer than the deadline */
	serve(f, 1100);
	serve(f, 200);
	assert_int_equal(f->sv.c[0].fd, -1);
	assert_int_equal(f->s.daemon[VNETD_STATS_DROPPED], 1);
	assert_int_equal(f->s.daemon[VNETD_STATS_ANSWERED], 0);
	assert_int_equal(vnetd_stats_server_timeout(&f->sv), -1);
	got = drain(f->client);
	print_message("the client got %zu bytes before it was dropped\n", got);
	assert_true(got > 0);
	assert_int_equal(recv(f->client, &got, 1, MSG_DONTWAIT), 0);	/* EOF */
}

/* A client that reads slowly gets the whole answer, sent as it reads. */
static void test_slow_reader(void **state)
{
	struct fixture *f = *state;
	size_t len, got = 0;
	int rounds = 0;

	ask(f);
	assert_non_null(f->sv.c[0].answer);
	len = f->sv.c[0].answer_len;
	while (f->sv.c[0].fd >= 0 && rounds++ < 1000) {
		got += drain(f->client);
		serve(f, 100);
	}
	got += drain(f->client);
	print_message("%zu bytes in %d rounds\n", len, rounds);
	assert_true(rounds > 1);	/* it did not fit at once */
	assert_int_equal(got, len);
	assert_int_equal(f->s.daemon[VNETD_STATS_ANSWERED], 1);
	assert_int_equal(f->s.daemon[VNETD_STATS_DROPPED], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_never_reads, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_slow_reader, setup,
						teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
