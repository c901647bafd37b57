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
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vnet/vhost_user.h"
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
	pid_t pid;
	char dir[64];
	char sock[96];
	char stats[96];
	struct vuf f;
	bool connected;
	int idle[IDLE_CLIENTS];
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* vnetd with one queue pair, no tap, and a stats socket. */
static void vnetd_spawn(struct peers *t)
{
	uint64_t end;
	int st;

	t->pid = fork();
	if (t->pid == 0) {
		/* as a service manager starts it: the test ignores SIGPIPE,
		 * and an ignored signal stays ignored across exec */
		signal(SIGPIPE, SIG_DFL);
		execl(vnetd_bin, vnetd_bin, "--socket-path", t->sock,
		      "--queues", "1", "--stats", t->stats, "--log-level",
		      "warn", (char *)NULL);
		_exit(127);
	}
	assert_true(t->pid > 0);
	/* both sockets exist once vnetd serves (the stats one is made last) */
	for (end = now_ms() + 20000; now_ms() < end; usleep(10000)) {
		assert_int_equal(waitpid(t->pid, &st, WNOHANG), 0);
		if (!access(t->stats, F_OK))
			return;
	}
	fail_msg("vnetd did not come up");
}

/* vnetd still runs: not ended by a signal, not exited. */
static void assert_vnetd_alive(struct peers *t)
{
	int st = 0;
	pid_t r = waitpid(t->pid, &st, WNOHANG);

	if (r == t->pid) {
		t->pid = -1;
		if (WIFSIGNALED(st))
			fail_msg("vnetd ended by signal %d", WTERMSIG(st));
		fail_msg("vnetd exited with %d", WEXITSTATUS(st));
	}
	assert_int_equal(r, 0);
}

/* A client of the stats socket, connected; -1 on failure. */
static int stats_connect(const struct peers *t)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strncpy(sa.sun_path, t->stats, sizeof(sa.sun_path) - 1);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The stats socket's whole answer to "prometheus", NUL-terminated in
 * @text, if it comes within @ms; false if not.
 */
static bool stats_fetch(const struct peers *t, char *text, size_t room, int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;
	int fd = stats_connect(t);
	size_t got = 0;
	ssize_t n = 1;

	if (fd < 0 || write(fd, "prometheus\n", 11) != 11)
		goto fail;
	while (n > 0 && got + 1 < room) {
		struct pollfd p = { fd, POLLIN, 0 };
		int left = (int)(end - now_ms());

		if (now_ms() >= end || poll(&p, 1, left) != 1)
			goto fail;
		n = read(fd, text + got, room - 1 - got);
		got += n > 0 ? (size_t)n : 0;
	}
	close(fd);
	text[got] = '\0';
	return got > 0;
fail:
	if (fd >= 0)
		close(fd);
	return false;
}

/* The value of the Prometheus sample @key; -1 if the answer (within
 * ANSWER_MS) has none. */
static long long stat_get(const struct peers *t, const char *key)
{
	static char text[65536];
	size_t kl = strlen(key);
	const char *p;

	if (!stats_fetch(t, text, sizeof(text), ANSWER_MS))
		return -1;
	for (p = text; (p = strstr(p, key)); p += kl)
		if ((p == text || p[-1] == '\n') && p[kl] == ' ')
			return strtoll(p + kl + 1, NULL, 10);
	return -1;
}

/* The stats socket answers within ANSWER_MS. */
static void assert_stats_answer(const struct peers *t)
{
	static char text[65536];
	uint64_t t0 = now_ms();

	if (!stats_fetch(t, text, sizeof(text), ANSWER_MS))
		fail_msg("stats not answered within %d ms", ANSWER_MS);
	assert_non_null(strstr(text, "vnetd_tx_frames_total{queue=\"0\"}"));
	print_message("stats answered in %llu ms\n",
		      (unsigned long long)(now_ms() - t0));
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
	uint64_t end = now_ms() + (uint64_t)ms;
	uint8_t buf[60];

	frame(buf, seq++);
	if (vuf_tx(f, 0, buf, sizeof(buf)))
		return false;
	while (now_ms() < end) {
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

	assert_int_equal(vuf_start(f, t->sock, &o), 0);
	assert_true(frame_moves(f, 5000));
}

static int setup(void **state)
{
	struct peers *t = calloc(1, sizeof(*t));
	unsigned int i;

	if (!t)
		return -1;
	strcpy(t->dir, "/tmp/vnetd-peers-XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	snprintf(t->sock, sizeof(t->sock), "%s/vu.sock", t->dir);
	snprintf(t->stats, sizeof(t->stats), "%s/stats.sock", t->dir);
	t->pid = -1;
	for (i = 0; i < IDLE_CLIENTS; i++)
		t->idle[i] = -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct peers *t = *state;
	unsigned int i;
	int st;

	for (i = 0; i < IDLE_CLIENTS; i++)
		if (t->idle[i] >= 0)
			close(t->idle[i]);
	if (t->connected)
		vuf_close(&t->f);
	if (t->pid > 0) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, &st, 0);
	}
	unlink(t->sock);
	unlink(t->stats);
	rmdir(t->dir);
	free(t);
	return 0;
}

/* SIGTERM: vnetd exits 0 within @ms (a sanitizer report would make it
 * exit otherwise). */
static void vnetd_stop(struct peers *t, int ms)
{
	uint64_t t0 = now_ms(), end = t0 + (uint64_t)ms;
	int st = 0;
	pid_t r;

	assert_int_equal(kill(t->pid, SIGTERM), 0);
	while ((r = waitpid(t->pid, &st, WNOHANG)) == 0 && now_ms() < end)
		usleep(5000);
	if (r != t->pid)
		fail_msg("vnetd still runs %d ms after SIGTERM", ms);
	t->pid = -1;
	print_message("vnetd stopped %llu ms after SIGTERM\n",
		      (unsigned long long)(now_ms() - t0));
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
		int fd = stats_connect(t);
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

		t->idle[i] = stats_connect(t);
		assert_true(t->idle[i] >= 0);
		assert_int_equal(write(t->idle[i], r, strlen(r)),
				 (ssize_t)strlen(r));
	}
	for (i = 0; i < 10; i++) {
		assert_true(frame_moves(&t->f, ANSWER_MS));
		assert_stats_answer(t);
		t0 = now_ms();
		assert_true(vuf_alive(&t->f));
		assert_true(now_ms() - t0 < ANSWER_MS);
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
	t0 = now_ms();
	assert_true(dribble(t->f.sock, msg, 0));
	assert_true(frame_moves(&t->f, ANSWER_MS));
	assert_stats_answer(t);
	while (now_ms() < t0 + DRIBBLE_MS)
		usleep(10000);
	assert_true(dribble(t->f.sock, msg, 1));
	assert_true(frame_moves(&t->f, ANSWER_MS));
	assert_stats_answer(t);
	/* the third byte would come at 3 s: dropped before, at 2 s */
	assert_true(hung_up(t->f.sock, 3 * DRIBBLE_MS));
	dropped = now_ms() - t0;
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
