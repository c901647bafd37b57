/* SPDX-License-Identifier: MIT */
/* bugs_vu.h - the regression suites' vhost-user harness: raw messages with fds over a socketpair */
#ifndef VNET_TEST_BUGS_VU_H
#define VNET_TEST_BUGS_VU_H

/*
 * A backend made with vnet_vu_new() in client mode adopts one end of a
 * socketpair; the test writes requests byte by byte (header, payload, fds
 * with SCM_RIGHTS) into the other end and has the backend serve each one
 * with vnet_vu_dispatch(). Nothing of the test frontend is used, so every
 * field is the test's to craft. Include after <cmocka.h>, in a file that
 * defines _GNU_SOURCE first (memfd_create).
 */

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vnet/vhost_user.h"
#include "send_fds.h"

#define BV_MEM_SIZE	0x100000ULL		/* guest RAM, one memfd */
#define BV_UVA		0x7f0000000000ULL	/* frontend's address of it */
#define BV_REPLY_FLAGS	(1u | (1u << 2))
#define BV_NEED_REPLY	(1u << 3)

/* Requests the backend does not implement (vhost-user.rst numbers). */
#define BV_GET_INFLIGHT_FD	31
#define BV_SET_INFLIGHT_FD	32

struct bv {
	struct vnet_vu *vu;
	int sock;
	int memfd;
	int fds_before;
};

/* Open fds of this process. */
static inline int bv_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;
}

/* Attach a fresh frontend connection. */
static inline void bv_connect(struct bv *h)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				    sv), 0);
	assert_int_equal(vnet_vu_adopt(h->vu, sv[1]), 0);
	h->sock = sv[0];
}

static inline struct bv *bv_new(void)
{
	struct vnet_vu_config cfg = { 0 };
	struct bv *h = calloc(1, sizeof(*h));
	int err = 0;

	assert_non_null(h);
	h->fds_before = bv_count_fds();
	cfg.client = true;
	vnet_features_set(&cfg.features, VNET_F_VERSION_1);
	vnet_features_set(&cfg.features, VNET_F_MRG_RXBUF);
	cfg.queue_pairs = 2;
	h->vu = vnet_vu_new(&cfg, &err);
	assert_non_null(h->vu);
	h->memfd = memfd_create("bugs-guest", MFD_CLOEXEC);
	assert_true(h->memfd >= 0);
	assert_int_equal(ftruncate(h->memfd, (off_t)BV_MEM_SIZE), 0);
	bv_connect(h);
	return h;
}

/* Free everything; no fd the backend was given may be left open. */
static inline void bv_free(struct bv *h)
{
	vnet_vu_free(h->vu);
	close(h->sock);
	close(h->memfd);
	assert_int_equal(bv_count_fds(), h->fds_before);
	free(h);
}

/* Write one request with @nfds fds, then let the backend serve it. */
static inline int bv_req(struct bv *h, uint32_t req, uint32_t flags,
			 const void *p, uint32_t size, const int *fds,
			 unsigned int nfds)
{
	uint8_t msg[12 + 512];
	struct iovec iov = { msg, 12 + size };

	assert_true(size <= 512 && nfds <= TEST_FDS_MAX);
	memcpy(msg, &req, 4);
	memcpy(msg + 4, &flags, 4);
	memcpy(msg + 8, &size, 4);
	if (size)
		memcpy(msg + 12, p, size);
	assert_int_equal(test_send_fds(h->sock, &iov, 1, fds, nfds),
			 (ssize_t)(12 + size));
	return vnet_vu_dispatch(h->vu);
}

/* Read one reply's payload; returns its size. */
static inline uint32_t bv_reply(struct bv *h, void *p, uint32_t room)
{
	uint32_t hdr[3];

	assert_int_equal(recv(h->sock, hdr, 12, MSG_WAITALL), 12);
	assert_true(hdr[1] & (1u << 2));
	assert_true(hdr[2] <= room);
	if (hdr[2])
		assert_int_equal(recv(h->sock, p, hdr[2], MSG_WAITALL),
				 (ssize_t)hdr[2]);
	return hdr[2];
}

static inline int bv_u64(struct bv *h, uint32_t req, uint64_t v)
{
	return bv_req(h, req, 1, &v, 8, NULL, 0);
}

/* The start-up a VMM performs: features, protocol features, owner. */
static inline void bv_start(struct bv *h, uint64_t extra_features)
{
	uint64_t f = 0, pf = 0;

	assert_int_equal(bv_req(h, VNET_VU_GET_FEATURES, 1, NULL, 0, NULL, 0),
			 0);
	assert_int_equal(bv_reply(h, &f, 8), 8);
	assert_int_equal(bv_u64(h, VNET_VU_SET_FEATURES, f | extra_features),
			 0);
	assert_int_equal(bv_req(h, VNET_VU_GET_PROTOCOL_FEATURES, 1, NULL, 0,
				NULL, 0), 0);
	assert_int_equal(bv_reply(h, &pf, 8), 8);
	assert_int_equal(bv_u64(h, VNET_VU_SET_PROTOCOL_FEATURES, pf), 0);
	assert_int_equal(bv_req(h, VNET_VU_SET_OWNER, 1, NULL, 0, NULL, 0), 0);
}

/* SET_MEM_TABLE: the memfd as one region. */
static inline int bv_mem_table_at(struct bv *h, uint64_t gpa, uint64_t size,
				  uint64_t uva, uint64_t offset)
{
	uint64_t p[5] = { 1, gpa, size, uva, offset };

	return bv_req(h, VNET_VU_SET_MEM_TABLE, 1, p, sizeof(p), &h->memfd, 1);
}

/* SET_MEM_TABLE: the memfd as one region at frontend address BV_UVA. */
static inline int bv_mem_table(struct bv *h, uint64_t gpa, uint64_t size,
			       uint64_t offset)
{
	return bv_mem_table_at(h, gpa, size, BV_UVA, offset);
}

/* The connection still serves: GET_FEATURES answers. */
static inline void bv_alive(struct bv *h)
{
	uint64_t f = 0;

	assert_true(vnet_vu_connected(h->vu));
	assert_int_equal(bv_req(h, VNET_VU_GET_FEATURES, 1, NULL, 0, NULL, 0),
			 0);
	assert_int_equal(bv_reply(h, &f, 8), 8);
	assert_true(f & (1ULL << VNET_F_VERSION_1));
}

/* The request broke the protocol: the backend dropped the connection and
 * released everything; a new frontend is then served as the first was. */
static inline void bv_dropped_then_served(struct bv *h, int ret)
{
	assert_int_equal(ret, -ECONNRESET);
	assert_false(vnet_vu_connected(h->vu));
	close(h->sock);
	bv_connect(h);
	bv_alive(h);
}

#endif /* VNET_TEST_BUGS_VU_H */
