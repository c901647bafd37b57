// SPDX-License-Identifier: MIT
/* test_vu_msg.c - vhost-user framing: size per request, fd counts, extra fds closed, bad headers */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "send_fds.h"
#include "vu_int.h"

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1;
}

/* Write a raw message with @nfds fresh eventfds (ours closed at once). */
static void put(int s, uint32_t req, uint32_t flags, const void *p,
		uint32_t size, unsigned int nfds)
{
	struct vu_hdr h = { req, flags, size };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)p, size } };
	int fds[TEST_FDS_MAX];
	unsigned int i;

	assert_true(nfds <= TEST_FDS_MAX);
	for (i = 0; i < nfds; i++)
		fds[i] = eventfd(0, EFD_CLOEXEC);
	assert_int_equal(test_send_fds(s, iov, size ? 2 : 1, fds, nfds),
			 sizeof(h) + size);
	for (i = 0; i < nfds; i++)
		close(fds[i]);
}

struct row {
	const char *what;
	uint32_t req;
	uint32_t size;
	uint64_t first;		/* first 8 payload bytes */
	unsigned int nfds;
	int want;		/* vu_msg_check() */
	unsigned int kept;	/* fds left after the check */
};

static const struct row rows[] = {
	{ "get_features", VNET_VU_GET_FEATURES, 0, 0, 0, 0, 0 },
	{ "get_features with payload", VNET_VU_GET_FEATURES, 8, 0, 0,
	  -EBADMSG, 0 },
	{ "set_features", VNET_VU_SET_FEATURES, 8, 0, 0, 0, 0 },
	{ "set_features short", VNET_VU_SET_FEATURES, 7, 0, 0, -EBADMSG, 0 },
	{ "set_vring_num long", VNET_VU_SET_VRING_NUM, 12, 0, 0, -EBADMSG, 0 },
	{ "set_vring_addr", VNET_VU_SET_VRING_ADDR, 40, 0, 0, 0, 0 },
	{ "set_vring_addr short", VNET_VU_SET_VRING_ADDR, 32, 0, 0,
	  -EBADMSG, 0 },
	{ "mem table 2", VNET_VU_SET_MEM_TABLE, 8 + 64, 2, 2, 0, 2 },
	{ "mem table 2, 1 fd", VNET_VU_SET_MEM_TABLE, 8 + 64, 2, 1, -EBADF, 1 },
	{ "mem table 2, 4 fds", VNET_VU_SET_MEM_TABLE, 8 + 64, 2, 4, 0, 2 },
	{ "mem table 0", VNET_VU_SET_MEM_TABLE, 8 + 32, 0, 0, -EBADMSG, 0 },
	{ "mem table 9", VNET_VU_SET_MEM_TABLE, 8 + 32, 9, 0, -EBADMSG, 0 },
	{ "mem table size != count", VNET_VU_SET_MEM_TABLE, 8 + 32, 2, 2,
	  -EBADMSG, 2 },
	{ "kick with fd", VNET_VU_SET_VRING_KICK, 8, 0, 1, 0, 1 },
	{ "kick no-fd flag", VNET_VU_SET_VRING_KICK, 8, 0x100, 0, 0, 0 },
	{ "kick no-fd flag and an fd", VNET_VU_SET_VRING_KICK, 8, 0x100, 1,
	  0, 0 },
	{ "kick without fd", VNET_VU_SET_VRING_KICK, 8, 0, 0, -EBADF, 0 },
	{ "set_owner with 3 fds", VNET_VU_SET_OWNER, 0, 0, 3, 0, 0 },
	{ "add_mem_reg", VNET_VU_ADD_MEM_REG, 40, 0, 1, 0, 1 },
	{ "add_mem_reg without fd", VNET_VU_ADD_MEM_REG, 40, 0, 0, -EBADF, 0 },
	{ "get_config 4", VNET_VU_GET_CONFIG, 16, 0, 0, 0, 0 },
	{ "get_config short", VNET_VU_GET_CONFIG, 8, 0, 0, -EBADMSG, 0 },
	{ "log base", VNET_VU_SET_LOG_BASE, 16, 0, 1, 0, 1 },
	{ "features_ex", VNET_VU_SET_FEATURES_EX, 16, 0, 0, 0, 0 },
	{ "unknown", 999, 8, 0, 2, -ENOSYS, 0 },
};

/* One request that has arrived whole, read as the backend reads it:
 * 0, -EAGAIN if it is not whole yet, or vu_msg_read()'s error. */
static int recv_one(int fd, struct vu_msg *m, struct vnet_vu_stats *st)
{
	struct vu_rx rx = { .got = 0 };
	int ret = vu_msg_read(fd, &rx, st);

	if (ret == 1)
		*m = rx.m;
	else if (!ret)
		vu_msg_close_fds(&rx.m);
	return ret == 1 ? 0 : ret ? ret : -EAGAIN;
}

static void test_rules(void **state)
{
	struct vnet_vu_stats st;
	uint8_t p[sizeof(union vu_payload)];
	unsigned int i;
	struct vu_msg m;
	int sv[2], base;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	base = count_fds();
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];

		memset(&st, 0, sizeof(st));
		memset(p, 0, sizeof(p));
		memcpy(p, &r->first, sizeof(r->first));
		put(sv[0], r->req, VU_VERSION, p, r->size, r->nfds);
		assert_int_equal(recv_one(sv[1], &m, &st), 0);
		assert_int_equal(m.nfds, r->nfds);
		print_message("%s\n", r->what);
		assert_int_equal(vu_msg_check(&m, &st), r->want);
		if (!r->want)
			assert_int_equal(m.nfds, r->kept);
		vu_msg_close_fds(&m);
		assert_int_equal(count_fds(), base);
	}
	close(sv[0]);
	close(sv[1]);
}

static void test_bad_headers(void **state)
{
	struct vnet_vu_stats st = { 0 };
	uint8_t p[64] = { 0 };
	struct vu_msg m;
	int sv[2], base;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	base = count_fds();
	put(sv[0], VNET_VU_GET_FEATURES, 0, NULL, 0, 1);	/* version 0 */
	assert_int_equal(recv_one(sv[1], &m, &st), -EPROTO);
	assert_int_equal(count_fds(), base);
	put(sv[0], VNET_VU_SET_FEATURES, VU_VERSION, p, 0, 20);	/* > room */
	assert_int_equal(recv_one(sv[1], &m, &st), -EBADF);
	assert_int_equal(count_fds(), base);
	{
		struct vu_hdr h = { VNET_VU_SET_FEATURES, VU_VERSION, 1u << 20 };

		assert_int_equal(send(sv[0], &h, sizeof(h), 0), sizeof(h));
		assert_int_equal(recv_one(sv[1], &m, &st), -EBADMSG);
	}
	close(sv[0]);
	assert_int_equal(recv_one(sv[1], &m, &st), -ECONNRESET);
	close(sv[1]);
}

static void test_send(void **state)
{
	struct vu_hdr h = { VNET_VU_GET_FEATURES, VU_VERSION | VU_FLAG_REPLY, 8 };
	uint64_t v = 0x1234, got[3];
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(vu_msg_send(sv[0], &h, &v), 0);
	assert_int_equal(recv(sv[1], got, sizeof(got), 0), 20);
	assert_memory_equal(got, &h, sizeof(h));
	assert_memory_equal((uint8_t *)got + 12, &v, 8);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_send),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
