// SPDX-License-Identifier: MIT
/* test_vnetd_peers.c - the real vnetd against peers that hang up, never read or dribble: no signal ends it, no peer stalls it */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "vnet/vhost_user.h"
#include "vnetd_proc.h"
#include "vu_front.h"

/*
 * Issue 20, items 2, 3 and 5, and the classes behind them, against the
 * daemon itself (no tap: its transmit path is a sink that counts, so no
 * network namespace is needed):
 * - no signal from a peer ends the daemon: a pipe whose reader is closed
 *   as a queue's call fd (then a frame) or error fd (then a broken
 *   queue); a stats client that sends its request and hangs up at once;
 * - every write to a peer is non-blocking and its failure counted: a
 *   call eventfd the frontend filled to the brim counts in
 *   notify_failed, and the frame still comes back;
 * - no peer stalls the others: stats clients that never read, never ask
 *   or ask half a line, while frames move; a frontend that sends a
 *   message one byte every 1.5 s (each recv() within any per-recv()
 *   timeout) holds neither the device nor the main loop: frames move,
 *   stats and vhost-user are answered within a second, SIGTERM ends
 *   vnetd within a second, and the dribbler is dropped at its message
 *   deadline (2 s after its first byte), counted, and the next frontend
 *   is served.
 * Waits have deadlines so that a stalled daemon fails the test instead of
 * hanging it; the bounds asserted (1 s for an answer) are far above what
 * a daemon that is not stalled needs and far below what a stalled one
 * takes.
 */

#define QSIZE		64
#define ANSWER_MS	1000	/* a daemon that is not stalled answers by then */
#define DRIBBLE_MS	1500	/* between two bytes of the dribbler */
#define DEADLINE_MS	2000	/* vnetd's deadline for a whole message */
#define IDLE_CLIENTS	40	/* more than the 16 vnetd serves at once */

static const char *vnetd_bin;

struct peers {
	struct vnetd_proc p;
	struct vuf f;
	bool connected;
	int idle[IDLE_CLIENTS];
};

/* vnetd with one queue pair, no tap, and a stats socket. */
static void vnetd_spawn(struct peers *t)
{
	static const char *const args[] = { "--queues", "1", NULL };

	assert_int_equal(vnetd_proc_start(&t->p, vnetd_bin, args), 0);
}

/* vnetd still runs: not ended by a signal, not exited. */
static void assert_vnetd_alive(struct peers *t)
{
	int st = 0;
	pid_t r = waitpid(t->p.pid, &st, WNOHANG);

	if (r == t->p.pid) {
		t->p.pid = -1;
		if (WIFSIGNALED(st))
			fail_msg("vnetd ended by signal %d", WTERMSIG(st));
		fail_msg("vnetd exited with %d", WEXITSTATUS(st));
	}
	assert_int_equal(r, 0);
}

/* The value of the Prometheus sample @key; -1 if the answer (within
 * ANSWER_MS) has none. */
static long long stat_get(const struct peers *t, const char *key)
{
	return vnetd_proc_stat(&t->p, key, ANSWER_MS);
}

/* The stats socket answers within ANSWER_MS. */
static void assert_stats_answer(const struct peers *t)
{
	static char text[65536];
	uint64_t t0 = vnetd_proc_now_ms();

	if (!vnetd_proc_fetch(&t->p, "prometheus\n", text, sizeof(text),
			      ANSWER_MS))
		fail_msg("stats not answered within %d ms", ANSWER_MS);
	assert_non_null(strstr(text, "vnetd_tx_frames_total{queue=\"0\"}"));
	print_message("stats answered in %llu ms\n",
		      (unsigned long long)(vnetd_proc_now_ms() - t0));
}

/* A broadcast frame of 60 bytes. */
static void frame(uint8_t *buf, uint8_t seq)
{
	memset(buf, 0xff, 6);
	memcpy(buf + 6, "\x02\x00\x00\x00\x00\x07\x88\xb5", 8);
	memset(buf + 14, seq, 46);
}

/* One frame on pair 0, and its buffer back within @ms. */
static bool frame_moves(struct vuf *f, int ms)
{
	static uint8_t seq;
	uint64_t end = vnetd_proc_now_ms() + (uint64_t)ms;
	uint8_t buf[60];

	frame(buf, seq++);
	if (vuf_tx(f, 0, buf, sizeof(buf)))
		return false;
	while (vnetd_proc_now_ms() < end) {
		vuf_reap_tx(f, 0);
		if (!vuf_outstanding(f, 1))
			return true;
		usleep(200);
	}
	return false;
}

/* A frontend started on one pair, a frame through it. */
static void frontend_start(struct peers *t, struct vuf *f)
{
	struct vuf_opts o = { .pairs = 1, .qsize = QSIZE };

	assert_int_equal(vuf_start(f, t->p.sock, &o), 0);
	assert_true(frame_moves(f, 5000));
}

static int setup(void **state)
{
	struct peers *t = calloc(1, sizeof(*t));
	unsigned int i;

	if (!t || vnetd_proc_init(&t->p, "peers")) {
		free(t);
		return -1;
	}
	for (i = 0; i < IDLE_CLIENTS; i++)
		t->idle[i] = -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct peers *t = *state;
	unsigned int i;

	for (i = 0; i < IDLE_CLIENTS; i++)
		if (t->idle[i] >= 0)
			close(t->idle[i]);
	if (t->connected)
		vuf_close(&t->f);
	vnetd_proc_fini(&t->p);
	free(t);
	return 0;
}

/* SIGTERM: vnetd exits 0 within @ms (a sanitizer report would make it
 * exit otherwise). */
static void vnetd_stop(struct peers *t, int ms)
{
	uint64_t t0 = vnetd_proc_now_ms();
	int st = 0;

	if (vnetd_proc_stop(&t->p, ms, &st))
		fail_msg("vnetd still runs %d ms after SIGTERM", ms);
	print_message("vnetd stopped %llu ms after SIGTERM\n",
		      (unsigned long long)(vnetd_proc_now_ms() - t0));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* A pipe whose reader is closed: its write end. */
static int broken_pipe(void)
{
	int p[2];

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	close(p[0]);
	return p[1];
}

/* Queue @idx's call or error fd replaced by @fd (the reply, an ack or a
 * refusal, is not what is tested). */
static void set_vring_fd(struct vuf *f, uint32_t req, unsigned int idx, int fd)
{
	uint64_t v = idx;

	vuf_set(f, req, &v, sizeof(v), &fd, 1);
	close(fd);
}

/*
 * Item 2: a pipe with its reader closed as transmitq1's call fd, then a
 * frame (vnetd notifies); as its error fd, then a broken queue (vnetd
 * signals the error). vnetd is not ended by SIGPIPE and serves on: a new
 * frontend moves frames.
 */
static void test_pipe_as_call_and_err_fd(void **state)
{
	struct peers *t = *state;
	uint8_t buf[60];
	uint16_t *avail_idx;

	vnetd_spawn(t);
	t->connected = true;
	frontend_start(t, &t->f);
	set_vring_fd(&t->f, VNET_VU_SET_VRING_CALL, 1, broken_pipe());
	frame(buf, 1);
	vuf_tx(&t->f, 0, buf, sizeof(buf));
	usleep(300000);
	assert_vnetd_alive(t);
	/* the driver moves avail idx a whole ring and more ahead: the queue
	 * breaks, and vnetd writes to the error fd */
	set_vring_fd(&t->f, VNET_VU_SET_VRING_ERR, 1, broken_pipe());
	avail_idx = (uint16_t *)vuf_gp(&t->f, t->f.q[1].s.avail + 2, 2);
	*avail_idx = (uint16_t)(*avail_idx + QSIZE + 1);
	vuf_kick(&t->f, 1);
	usleep(300000);
	assert_vnetd_alive(t);
	assert_stats_answer(t);
	vuf_close(&t->f);
	frontend_start(t, &t->f);
	vuf_close(&t->f);
	t->connected = false;
	vnetd_stop(t, 5000);
}

/*
 * The class of item 2 on an fd sec-fd's kind check lets through: the
 * frontend fills its call eventfd to the brim (0xfffffffffffffffe, where
 * a write of 1 would block), so vnetd's notification cannot be written.
 * vnetd does not block on it: the frame comes back, and the failure is
 * counted.
 */
static void test_full_call_eventfd_counted(void **state)
{
	struct peers *t = *state;
	uint64_t brim = 0xfffffffffffffffeULL, v;

	vnetd_spawn(t);
	t->connected = true;
	frontend_start(t, &t->f);
	/* what vnetd signalled so far read, then the counter at its top */
	assert_int_equal(fcntl(t->f.q[1].call, F_SETFL, O_NONBLOCK), 0);
	while (read(t->f.q[1].call, &v, 8) == 8)
		;
	assert_int_equal(write(t->f.q[1].call, &brim, 8), 8);
	assert_true(frame_moves(&t->f, 5000));
	assert_true(frame_moves(&t->f, 5000));
	assert_true(stat_get(t, "vnetd_notify_failed_total") >= 1);
	assert_true(vuf_alive(&t->f));
	assert_vnetd_alive(t);
	vuf_close(&t->f);
	t->connected = false;
	vnetd_stop(t, 5000);
}

/*
 * Item 3: stats clients that send a request and close at once, as a
 * scraper that times out does, 100 times over and in each form. vnetd is
 * not ended by SIGPIPE, answers the next client, and counts the clients
 * it could not answer.
 */
static void test_stats_client_hangs_up(void **state)
{
	static const char *const req[] = {
		"json\n", "prometheus\n", "GET /metrics HTTP/1.0\r\n\r\n",
	};
	struct peers *t = *state;
	unsigned int i;

	vnetd_spawn(t);
	for (i = 0; i < 100; i++) {
		int fd = vnetd_proc_stats_connect(&t->p);
		const char *r = req[i % 3];

		assert_true(fd >= 0);
		assert_int_equal(write(fd, r, strlen(r)), (ssize_t)strlen(r));
		close(fd);
	}
	usleep(300000);
	assert_vnetd_alive(t);
	assert_stats_answer(t);
	assert_true(stat_get(t, "vnetd_stats_dropped_total") >= 1);
	assert_vnetd_alive(t);
	vnetd_stop(t, 5000);
}

/*
 * The class of item 3: stats clients that never read their answer, never
 * send a request, or send half a line, and stay connected, more of them
 * than vnetd serves at once, while a frontend moves frames. The frames
 * keep moving and the stats socket and vhost-user are answered within a
 * second each time; vnetd counts what it answered and dropped.
 */
static void test_stats_clients_never_read(void **state)
{
	static const char *const req[] = { "json\n", "", "jso" };
	struct peers *t = *state;
	unsigned int i;
	uint64_t t0;

	vnetd_spawn(t);
	t->connected = true;
	frontend_start(t, &t->f);
	for (i = 0; i < IDLE_CLIENTS; i++) {
		const char *r = req[i % 3];

		t->idle[i] = vnetd_proc_stats_connect(&t->p);
		assert_true(t->idle[i] >= 0);
		assert_int_equal(write(t->idle[i], r, strlen(r)),
				 (ssize_t)strlen(r));
	}
	for (i = 0; i < 10; i++) {
		assert_true(frame_moves(&t->f, ANSWER_MS));
		assert_stats_answer(t);
		t0 = vnetd_proc_now_ms();
		assert_true(vuf_alive(&t->f));
		assert_true(vnetd_proc_now_ms() - t0 < ANSWER_MS);
		usleep(200000);
	}
	assert_true(stat_get(t, "vnetd_stats_answered_total") >= 10);
	assert_vnetd_alive(t);
	vuf_close(&t->f);
	t->connected = false;
	vnetd_stop(t, 5000);
}

/* Send byte @i of @msg on @fd; false if the peer is gone. */
static bool dribble(int fd, const uint8_t *msg, unsigned int i)
{
	return send(fd, msg + i, 1, MSG_NOSIGNAL) == 1;
}

/* What a dribbler sees of vnetd in @ms: true if it hung up. */
static bool hung_up(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	uint8_t b;

	return poll(&p, 1, ms) == 1 && recv(fd, &b, 1, MSG_DONTWAIT) <= 0;
}

/*
 * Item 5: a frontend with running queues sends GET_FEATURES one byte
 * every 1.5 s. Meanwhile its frames move, the stats socket answers within
 * a second, and vnetd drops it at its message deadline (2 s after the
 * first byte), counted; the next frontend is served. That one dribbles
 * too, and SIGTERM ends vnetd within a second.
 */
static void test_dribbling_frontend(void **state)
{
	const uint8_t msg[12] = { VNET_VU_GET_FEATURES, 0, 0, 0, 1 };
	struct peers *t = *state;
	uint64_t t0, dropped;
	struct vuf f2;

	vnetd_spawn(t);
	t->connected = true;
	frontend_start(t, &t->f);
	t0 = vnetd_proc_now_ms();
	assert_true(dribble(t->f.sock, msg, 0));
	assert_true(frame_moves(&t->f, ANSWER_MS));
	assert_stats_answer(t);
	while (vnetd_proc_now_ms() < t0 + DRIBBLE_MS)
		usleep(10000);
	assert_true(dribble(t->f.sock, msg, 1));
	assert_true(frame_moves(&t->f, ANSWER_MS));
	assert_stats_answer(t);
	/* the third byte would come at 3 s: dropped before, at 2 s */
	assert_true(hung_up(t->f.sock, 3 * DRIBBLE_MS));
	dropped = vnetd_proc_now_ms() - t0;
	print_message("dribbler dropped %llu ms after its first byte\n",
		      (unsigned long long)dropped);
	assert_true(dropped >= DRIBBLE_MS && dropped < DEADLINE_MS + 1000);
	assert_int_equal(stat_get(t, "vnetd_vhost_user_timeouts_total"), 1);
	vuf_close(&t->f);
	t->connected = false;

	/* the next frontend is served, then dribbles: SIGTERM is honoured */
	frontend_start(t, &f2);
	assert_true(dribble(f2.sock, msg, 0));
	usleep(300000);
	vnetd_stop(t, ANSWER_MS);
	vuf_close(&f2);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pipe_as_call_and_err_fd,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_call_eventfd_counted,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_client_hangs_up,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_clients_never_read,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dribbling_frontend,
						setup, teardown),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s VNETD\n", argv[0]);
		return 2;
	}
	vnetd_bin = argv[1];
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
