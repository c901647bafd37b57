// SPDX-License-Identifier: MIT
/* test_vnetd_frontend_files.c - the real vnetd against a frontend's fds: shared files that shrink, fds of the wrong kind, and every reply byte */

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
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vnet/vhost_user.h"
#include "send_fds.h"
#include "vu_front.h"

/*
 * Issue 20, items 1 and 6 and the classes behind them, against the daemon
 * itself (no tap: its transmit path is a sink that counts).
 *
 * A frontend shares files with vnetd: guest memory (SET_MEM_TABLE), the
 * dirty log (SET_LOG_BASE) and the inflight region (SET_INFLIGHT_FD).
 * vhost-user.rst only says "an array of file descriptors for each memory
 * mapped region"; QEMU's memory-backend-file, hugetlbfs and DPDK's files
 * take no seal, so the frontend can truncate one under vnetd's mapping. vnetd must survive the SIGBUS the next
 * access raises: the queues break (their error eventfds fire), that
 * frontend is dropped, and the next one is served.
 *
 * Every fd handed over is checked for its kind before it is kept: kick,
 * call and error fds must be eventfds ("Set the event file descriptor
 * ...", an eventfd in every frontend), regions must be
 * regular files holding what is mapped. A refused one gets a NACK and the
 * frontend is dropped, as any other protocol breach.
 *
 * Every reply byte is what the spec says: the header's flags exactly
 * version 1 and the reply bit, the sizes exact, padding and unused bytes
 * zero (GET_INFLIGHT_FD's reply is 24 bytes with 20 in use: the other 4
 * carried vnetd's stack).
 *
 * Each test ends by stopping vnetd with SIGTERM: exit 0 (in the ASan
 * build, no report).
 */

#define QSIZE		64
#define DEADLINE_MS	5000
#define F_VERSION	0x1u
#define F_REPLY		(1u << 2)
#define F_NEED_REPLY	(1u << 3)

static const char *vnetd_bin;
static char dir[64], sock_path[96], stats_path[96], log_path[96];
static pid_t vnetd_pid = -1;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* vnetd with one queue pair, no tap, a stats socket; log in the dir. */
static int setup(void **state)
{
	uint64_t end = now_ms() + DEADLINE_MS;
	int fd;

	(void)state;
	strcpy(dir, "/tmp/vnetd-files.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(sock_path, sizeof(sock_path), "%s/vu.sock", dir);
	snprintf(stats_path, sizeof(stats_path), "%s/stats.sock", dir);
	snprintf(log_path, sizeof(log_path), "%s/vnetd.log", dir);
	vnetd_pid = fork();
	if (vnetd_pid == 0) {
		fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(vnetd_bin, vnetd_bin, "--socket-path", sock_path,
		      "--stats", stats_path, "--log-level", "info",
		      (char *)NULL);
		_exit(127);
	}
	while (now_ms() < end && access(stats_path, F_OK))
		usleep(10000);
	return access(stats_path, F_OK);
}

/* Dump vnetd's log (what it said about the frontends it dropped). */
static void show_log(void)
{
	char buf[4096];
	ssize_t n;
	int fd = open(log_path, O_RDONLY);

	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stderr);
	close(fd);
}

/* SIGTERM: vnetd must still be there, and exit 0. */
static int teardown(void **state)
{
	int st = 0, ret = 0;
	pid_t w;

	(void)state;
	w = waitpid(vnetd_pid, &st, WNOHANG);
	if (w == vnetd_pid) {
		fprintf(stderr, "vnetd died: %s %d\n",
			WIFSIGNALED(st) ? "signal" : "exit",
			WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		ret = -1;
	} else {
		kill(vnetd_pid, SIGTERM);
		waitpid(vnetd_pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			ret = -1;
	}
	if (ret)
		show_log();
	vnetd_pid = -1;
	unlink(sock_path);
	unlink(stats_path);
	unlink(log_path);
	rmdir(dir);
	return ret;
}

/* vnetd is still running. */
static void assert_alive(void)
{
	int st;

	assert_int_equal(waitpid(vnetd_pid, &st, WNOHANG), 0);
}

/* The frontend's connection was closed by vnetd. */
static void assert_dropped(struct vuf *f)
{
	struct pollfd p = { f->sock, POLLIN, 0 };
	char c;

	assert_int_equal(poll(&p, 1, DEADLINE_MS), 1);
	assert_int_equal(recv(f->sock, &c, 1, MSG_DONTWAIT), 0);
}

/* A broadcast frame of 60 bytes. */
static void frame60(uint8_t *buf)
{
	memset(buf, 0xff, 6);
	memcpy(buf + 6, "\x02\x00\x00\x00\x00\x09\x88\xb5", 8);
	memset(buf + 14, 0x5a, 46);
}

/* A new, well-behaved frontend is served: its frames come back used. */
static void assert_serves(void)
{
	struct vuf_opts o = { .pairs = 1, .qsize = QSIZE };
	uint64_t end = now_ms() + DEADLINE_MS;
	uint8_t fr[60];
	struct vuf f;
	int i;

	assert_alive();
	frame60(fr);
	assert_int_equal(vuf_start(&f, sock_path, &o), 0);
	for (i = 0; i < 8; i++)
		assert_int_equal(vuf_tx(&f, 0, fr, sizeof(fr)), 0);
	while (f.q[1].returned < 8 && now_ms() < end) {
		vuf_reap_tx(&f, 0);
		usleep(1000);
	}
	assert_int_equal(f.q[1].returned, 8);
	assert_int_equal(f.q[1].bad_returns, 0);
	assert_true(vuf_alive(&f));
	vuf_close(&f);
}

/* The queues broke (error eventfd of @idx), the frontend went, and the
 * next one is served. */
static void assert_survived(struct vuf *f, unsigned int idx)
{
	assert_true(vuf_wait_err(f, idx, DEADLINE_MS));
	assert_dropped(f);
	vuf_close(f);
	assert_serves();
}

/* ---- shared files that shrink under vnetd's mapping (item 1) ---- */

static void test_mem_truncated(void **state)
{
	struct vuf_opts o = { .pairs = 1, .qsize = QSIZE, .unsealable = true };
	uint8_t fr[60];
	struct vuf f;

	(void)state;
	frame60(fr);
	assert_int_equal(vuf_start(&f, sock_path, &o), 0);
	assert_int_equal(vuf_tx_add(&f, 0, fr, sizeof(fr)), 0);
	/* Our own mapping faults from here on: no more guest access. */
	assert_int_equal(ftruncate(f.memfd, 0), 0);
	vuf_kick(&f, 1);
	assert_survived(&f, 1);
}

static void test_log_truncated(void **state)
{
	struct vuf_opts o = { .pairs = 1, .qsize = QSIZE, .log_all = true,
		.proto_extra = 1ULL << VNET_VU_PROTOCOL_F_LOG_SHMFD };
	struct { uint64_t size, off; } lb = { 4096, 0 };
	struct { uint32_t index, flags; uint64_t d, u, a, l; }
		__attribute__((packed)) a;
	uint8_t fr[60];
	uint64_t v = 1;
	struct vuf f;
	int fd;

	(void)state;
	frame60(fr);
	assert_int_equal(vuf_start(&f, sock_path, &o), 0);
	fd = memfd_create("vuf-log", MFD_CLOEXEC);	/* takes no seal */
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4096), 0);
	assert_int_equal(vuf_send_msg(&f, VNET_VU_SET_LOG_BASE, 0, &lb,
				      sizeof(lb), &fd, 1), 0);
	assert_int_equal(vuf_recv_msg(&f, NULL, &v, 8), 8);
	assert_int_equal(v, 0);
	/* transmitq's used ring logged: written on every notification */
	a = (typeof(a)){ 1, 1, f.q[1].s.desc + VUF_UVA_BIAS,
			 f.q[1].s.used + VUF_UVA_BIAS,
			 f.q[1].s.avail + VUF_UVA_BIAS, f.q[1].s.used };
	assert_int_equal(vuf_set(&f, VNET_VU_SET_VRING_ADDR, &a, sizeof(a),
				 NULL, 0), 0);
	assert_int_equal(ftruncate(fd, 0), 0);
	close(fd);
	assert_int_equal(vuf_tx(&f, 0, fr, sizeof(fr)), 0);
	assert_survived(&f, 1);
}

static void test_inflight_truncated(void **state)
{
	struct vuf_opts o = { .pairs = 1, .qsize = QSIZE, .inflight = true,
			      .unsealable = true };
	uint8_t fr[60];
	struct vuf f;

	(void)state;
	frame60(fr);
	assert_int_equal(vuf_start(&f, sock_path, &o), 0);
	assert_int_equal(vuf_tx_add(&f, 0, fr, sizeof(fr)), 0);
	assert_int_equal(ftruncate(f.inflight_fd, 0), 0);
	vuf_kick(&f, 1);
	assert_survived(&f, 1);
}

/* ---- fds of the wrong kind (the class of item 1 and of SIGPIPE) ---- */

/* @fd as queue 1's @req fd, with an ack asked: refused, frontend dropped. */
static void refused_vring_fd(uint32_t req, int fd)
{
	struct vuf_opts o = { .pairs = 1, .qsize = QSIZE };
	uint64_t idx = 1;
	struct vuf f;

	assert_int_equal(vuf_start(&f, sock_path, &o), 0);
	assert_int_equal(vuf_set(&f, req, &idx, 8, &fd, 1), -EREMOTEIO);
	assert_dropped(&f);
	vuf_close(&f);
	assert_serves();
}

static void test_kick_socket(void **state)
{
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				    sv), 0);
	refused_vring_fd(VNET_VU_SET_VRING_KICK, sv[0]);
	close(sv[0]);
	close(sv[1]);
}

static void test_call_pipe(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	refused_vring_fd(VNET_VU_SET_VRING_CALL, p[1]);
	refused_vring_fd(VNET_VU_SET_VRING_ERR, p[1]);
	close(p[0]);
	close(p[1]);
}

/* SET_MEM_TABLE again, both regions in @fd: refused, frontend dropped. */
static void refused_mem_fd(int fd)
{
	struct vuf_opts o = { .pairs = 1, .qsize = QSIZE };
	struct vuf f;

	assert_int_equal(vuf_start(&f, sock_path, &o), 0);
	assert_int_equal(vuf_mem_table_fd(&f, fd), -EREMOTEIO);
	assert_dropped(&f);
	vuf_close(&f);
	assert_serves();
}

static void test_mem_short_file(void **state)
{
	char path[128];
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/short", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	unlink(path);
	/* the rings' region fits, the buffers' (at VUF_RING_SIZE) not */
	assert_int_equal(ftruncate(fd, (off_t)(VUF_RING_SIZE + 4096)), 0);
	refused_mem_fd(fd);
	close(fd);
}

static void test_mem_not_a_file(void **state)
{
	int fd = open("/dev/zero", O_RDWR | O_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);	/* mappable, but nothing the frontend shares */
	refused_mem_fd(fd);
	close(fd);
}

/* ---- every reply byte (item 6) ---- */

struct reply {
	uint32_t req, flags, size;
	uint8_t p[512];
};

/* Send @req with @size bytes of @payload; read its reply whole. */
static void ask(struct vuf *f, uint32_t req, const void *payload,
		uint32_t size, const int *fds, unsigned int nfds,
		struct reply *r)
{
	struct pollfd p = { f->sock, POLLIN, 0 };
	char ctl[CMSG_SPACE(8 * sizeof(int))];
	struct iovec iov = { r, 12 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;

	memset(r, 0xee, sizeof(*r));
	assert_int_equal(vuf_send_msg(f, req, F_VERSION | F_NEED_REPLY,
				      payload, size, fds, nfds), 0);
	assert_int_equal(poll(&p, 1, DEADLINE_MS), 1);
	assert_int_equal(recvmsg(f->sock, &mh, MSG_WAITALL | MSG_CMSG_CLOEXEC),
			 12);
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		int fd;

		memcpy(&fd, CMSG_DATA(c), sizeof(fd));	/* one at most */
		close(fd);
	}
	assert_int_equal(r->req, req);
	assert_int_equal(r->flags, F_VERSION | F_REPLY);
	assert_true(r->size <= sizeof(r->p));
	if (r->size)
		assert_int_equal(recv(f->sock, r->p, r->size, MSG_WAITALL),
				 r->size);
}

/* A u64 reply of exactly 8 bytes; its value. */
static uint64_t ask_u64(struct vuf *f, uint32_t req, const void *payload,
			uint32_t size, const int *fds, unsigned int nfds)
{
	struct reply r;
	uint64_t v;

	ask(f, req, payload, size, fds, nfds, &r);
	assert_int_equal(r.size, 8);
	memcpy(&v, r.p, 8);
	return v;
}

/*
 * GET_INFLIGHT_FD, 24 bytes (the description as QEMU, DPDK and
 * libvhost-user lay it, padded): the size, offset 0, the counts as asked,
 * and 4 bytes of padding, zero. No queue may run.
 */
static void check_inflight_reply(struct vuf *f)
{
	struct { uint64_t mmap_size, mmap_offset; uint16_t nq, qsize;
		 uint32_t pad; } inf = { 0, 0, 2, QSIZE, 0 };
	static const uint8_t zero[4];
	struct reply r;
	uint16_t u16;
	uint64_t v;

	ask(f, VNET_VU_GET_INFLIGHT_FD, &inf, sizeof(inf), NULL, 0, &r);
	assert_int_equal(r.size, 24);
	memcpy(&v, r.p, 8);
	assert_true(v > 0);
	memcpy(&v, r.p + 8, 8);
	assert_int_equal(v, 0);
	memcpy(&u16, r.p + 16, 2);
	assert_int_equal(u16, 2);
	memcpy(&u16, r.p + 18, 2);
	assert_int_equal(u16, QSIZE);
	assert_memory_equal(r.p + 20, zero, 4);
}

static void test_reply_bytes(void **state)
{
	const uint64_t proto = (1ULL << VNET_VU_PROTOCOL_F_LOG_SHMFD) |
		(1ULL << VNET_VU_PROTOCOL_F_INFLIGHT_SHMFD) |
		(1ULL << VNET_VU_PROTOCOL_F_CONFIGURE_MEM_SLOTS) |
		(1ULL << VNET_VU_PROTOCOL_F_FEATURES_EX);
	struct vuf_opts o = { .pairs = 1, .qsize = QSIZE, .log_all = true,
			      .proto_extra = proto };
	struct { uint32_t off, size, flags; uint8_t data[8]; }
		__attribute__((packed)) cfg = { 0, 8, 0, { 0 } };
	struct { uint64_t size, off; } lb = { 4096, 0 };
	struct { uint32_t index, num; } st = { 1, 0 };
	struct reply r;
	uint32_t u32;
	uint64_t v;
	int fd, i;
	struct vuf f;

	(void)state;
	assert_int_equal(vuf_start(&f, sock_path, &o), 0);
	/* GET_VRING_BASE: the index asked, then the base (nothing sent yet:
	 * 0); both queues stopped, so that an inflight region may be asked */
	for (i = 1; i >= 0; i--) {
		st.index = (uint32_t)i;
		ask(&f, VNET_VU_GET_VRING_BASE, &st, sizeof(st), NULL, 0, &r);
		assert_int_equal(r.size, 8);
		memcpy(&u32, r.p, 4);
		assert_int_equal(u32, i);
		memcpy(&u32, r.p + 4, 4);
		assert_int_equal(u32, 0);
	}
	/* the first request after the rings' requests, and the last */
	check_inflight_reply(&f);
	/* u64 replies: 8 bytes, the header exact (checked in ask()) */
	ask_u64(&f, VNET_VU_GET_FEATURES, NULL, 0, NULL, 0);
	ask_u64(&f, VNET_VU_GET_PROTOCOL_FEATURES, NULL, 0, NULL, 0);
	assert_int_equal(ask_u64(&f, VNET_VU_GET_QUEUE_NUM, NULL, 0, NULL, 0),
			 1);
	assert_true(ask_u64(&f, VNET_VU_GET_MAX_MEM_SLOTS, NULL, 0, NULL, 0) <=
		    512);
	/* the status is a u8 in a u64: its 7 upper bytes zero */
	v = 0x0f;
	assert_int_equal(vuf_set(&f, VNET_VU_SET_STATUS, &v, 8, NULL, 0), 0);
	assert_int_equal(ask_u64(&f, VNET_VU_GET_STATUS, NULL, 0, NULL, 0),
			 0x0f);
	/* an ack: 0 for success, nothing else */
	assert_int_equal(ask_u64(&f, VNET_VU_SET_OWNER, NULL, 0, NULL, 0), 0);
	/* FEATURES_EX: 16 bytes */
	ask(&f, VNET_VU_GET_FEATURES_EX, NULL, 0, NULL, 0, &r);
	assert_int_equal(r.size, 16);
	/* SET_LOG_BASE answers a u64: 0 */
	fd = memfd_create("vuf-log", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4096), 0);
	assert_int_equal(ask_u64(&f, VNET_VU_SET_LOG_BASE, &lb, sizeof(lb),
				 &fd, 1), 0);
	close(fd);
	/* GET_CONFIG: offset, size and flags as asked, then the data */
	ask(&f, VNET_VU_GET_CONFIG, &cfg, sizeof(cfg), NULL, 0, &r);
	assert_int_equal(r.size, sizeof(cfg));
	memcpy(&u32, r.p, 4);
	assert_int_equal(u32, 0);
	memcpy(&u32, r.p + 4, 4);
	assert_int_equal(u32, 8);
	memcpy(&u32, r.p + 8, 4);
	assert_int_equal(u32, 0);
	check_inflight_reply(&f);
	assert_true(vuf_alive(&f));
	vuf_close(&f);
	assert_serves();
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mem_truncated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_log_truncated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_inflight_truncated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kick_socket, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_call_pipe, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mem_short_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mem_not_a_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reply_bytes, setup,
						teardown),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s VNETD\n", argv[0]);
		return 2;
	}
	vnetd_bin = argv[1];
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
