// SPDX-License-Identifier: MIT
/* test_bugs_dpdk.c - regressions: DPDK vhost bug classes, as crafted rings, headers and vhost-user messages */

#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/gso.h"
#include "bugs_vq.h"
#include "bugs_vu.h"

/*
 * Each class of DPDK's vhost library advisories, as one crafted input
 * against the live code: refused with its named reason (queue error,
 * transmit reason or vhost-user counter), counted, the next good input
 * served, no fd leaked, and nothing for the sanitizers to report.
 */

/* ---- descriptors (a guest against the virtqueue) ---- */

/* CVE-2020-10725 family: a descriptor with an invalid address and zero
 * length (DPDK translated it, got NULL, and used it). Zero-length
 * descriptors carry nothing: the address is never translated or read. */
static void test_dpdk_zero_len_desc_invalid_addr(void **state)
{
	struct bq *f = *state;
	struct buf b[3] = { { G_HOLE_GPA, 0, false }, { UINT64_MAX, 0, false },
			    { G_BUF_GPA, 64, false } };
	struct buf only = { UINT64_MAX - 7, 0, false };

	bq_up(f, VNET_VIRTQ_DIR_OUT, bq_v1);
	split_add(&f->d, b, 3);
	assert_int_equal(vnet_virtq_pop(&f->q, &f->e), 1);
	assert_int_equal(f->e.out_num, 1);
	assert_int_equal(f->e.out_len, 64);
	assert_ptr_equal(f->e.out[0].iov_base, gp(f->g, G_BUF_GPA, 64));
	assert_int_equal(vnet_virtq_push(&f->q, &f->e, 0), 0);
	split_add(&f->d, &only, 1);		/* nothing but the bad one */
	vnet_virtq_elem_init(&f->e, f->out, BQ_NIOV, f->in, BQ_NIOV);
	assert_int_equal(vnet_virtq_pop(&f->q, &f->e), 1);
	assert_int_equal(f->e.out_num, 0);
	assert_int_equal(f->e.out_len, 0);
	assert_false(vnet_virtq_broken(&f->q));
	assert_int_equal(vnet_virtq_push(&f->q, &f->e, 0), 0);
	assert_int_equal(vnet_virtq_flush(&f->q), 2);
	bq_other_queue_served(f);
}

/* CVE-2022-2132: the virtio-net header split over more than two
 * descriptors (DPDK copied at most two). Here: 12 bytes over four. */
/* conformance: SPL-01 */
static void test_dpdk_hdr_split_over_many_descs(void **state)
{
	struct bq *f = *state;
	struct buf b[6] = {
		{ G_BUF_GPA, 1, false }, { G_BUF_GPA + 64, 2, false },
		{ G_BUF_GPA + 128, 3, false }, { G_BUF_GPA + 192, 6, false },
		{ G_BUF_GPA + 256, 40, false }, { G_BUF_GPA + 512, 60, false },
	};
	struct vnet_hdr h = { .flags = VNET_HDR_F_NEEDS_CSUM,
			      .gso_type = VNET_HDR_GSO_TCPV4, .hdr_len = 54,
			      .gso_size = 1448, .csum_start = 34,
			      .csum_offset = 16 }, got;
	uint8_t wire[12], frame[100], flat[100];
	struct iovec fr[BQ_NIOV];
	size_t off = 0;
	unsigned int i;
	int n;

	bq_up(f, VNET_VIRTQ_DIR_OUT, bq_v1);
	assert_int_equal(vnet_hdr_encode(&f->n.layout, &h, wire, 12), 12);
	for (i = 0; i < 100; i++)
		frame[i] = (uint8_t)(i * 13 + 1);
	for (i = 0; i < 6; i++) {		/* header then frame, scattered */
		size_t c = b[i].len;

		if (off < 12)
			memcpy(gp(f->g, b[i].addr, c), wire + off, c);
		else
			memcpy(gp(f->g, b[i].addr, c), frame + off - 12, c);
		off += c;
	}
	split_add(&f->d, b, 6);
	assert_int_equal(vnet_virtq_pop(&f->q, &f->e), 1);
	n = vnet_virtq_net_tx_hdr(&f->n, &f->e, &got, fr, BQ_NIOV);
	assert_int_equal(n, 2);
	assert_int_equal(got.gso_type, h.gso_type);
	assert_int_equal(got.gso_size, h.gso_size);
	assert_int_equal(got.csum_start, h.csum_start);
	assert_int_equal(got.csum_offset, h.csum_offset);
	assert_int_equal(got.hdr_len, h.hdr_len);
	assert_int_equal(iov_gather(fr, (unsigned int)n, flat, sizeof(flat)),
			 100);
	assert_memory_equal(flat, frame, 100);
}

/* Descriptor chains that loop (two descriptors, and one naming itself)
 * and a loop inside an indirect table: DPDK's fill_vec_buf walked them
 * forever. Each breaks only its queue. */
/* conformance: D-SPL-04 */
static void test_dpdk_desc_chain_loops(void **state)
{
	static const int ind[] = { VNET_F_VERSION_1, VNET_F_INDIRECT_DESC, -1 };
	struct bq *f = *state;
	uint64_t table = G_RING_GPA + 0x4000;

	bq_up(f, VNET_VIRTQ_DIR_OUT, bq_v1);
	split_desc(&f->d, 3, G_BUF_GPA, 8, G_DESC_F_NEXT, 4);
	split_desc(&f->d, 4, G_BUF_GPA, 8, G_DESC_F_NEXT, 3);
	split_avail_add(&f->d, 3);
	split_publish(&f->d);
	bq_pop_breaks(f, "chain_too_long");

	split_init(&f->d, f->g, BQ_SIZE, G_RING_GPA);
	bq_up(f, VNET_VIRTQ_DIR_OUT, bq_v1);
	split_desc(&f->d, 5, G_BUF_GPA, 8, G_DESC_F_NEXT, 5);	/* itself */
	split_avail_add(&f->d, 5);
	split_publish(&f->d);
	bq_pop_breaks(f, "chain_too_long");

	split_init(&f->d, f->g, BQ_SIZE, G_RING_GPA);
	bq_up(f, VNET_VIRTQ_DIR_OUT, ind);
	split_table_desc(f->g, table, 0, G_BUF_GPA, 8, G_DESC_F_NEXT, 1);
	split_table_desc(f->g, table, 1, G_BUF_GPA, 8, G_DESC_F_NEXT, 0);
	split_desc(&f->d, 0, table, 32, G_DESC_F_INDIRECT, 0);
	split_avail_add(&f->d, 0);
	split_publish(&f->d);
	bq_pop_breaks(f, "chain_too_long");
}

/* A dead chain: NEXT pointing past the table (DPDK read desc[next]
 * without a bound), directly and inside an indirect table. */
static void test_dpdk_next_out_of_range(void **state)
{
	static const int ind[] = { VNET_F_VERSION_1, VNET_F_INDIRECT_DESC, -1 };
	struct bq *f = *state;
	uint64_t table = G_RING_GPA + 0x4000;

	bq_up(f, VNET_VIRTQ_DIR_OUT, bq_v1);
	split_desc(&f->d, 0, G_BUF_GPA, 8, G_DESC_F_NEXT, BQ_SIZE);
	split_avail_add(&f->d, 0);
	split_publish(&f->d);
	bq_pop_breaks(f, "next_out_of_range");

	split_init(&f->d, f->g, BQ_SIZE, G_RING_GPA);
	bq_up(f, VNET_VIRTQ_DIR_OUT, ind);
	split_table_desc(f->g, table, 0, G_BUF_GPA, 8, G_DESC_F_NEXT, 2);
	split_table_desc(f->g, table, 1, G_BUF_GPA, 8, 0, 0);
	split_desc(&f->d, 0, table, 32, G_DESC_F_INDIRECT, 0);
	split_avail_add(&f->d, 0);
	split_publish(&f->d);
	bq_pop_breaks(f, "next_out_of_range");
}

/* A transmit buffer shorter than the virtio-net header (DPDK read the
 * header past the buffer): refused with -EMSGSIZE, the queue intact, the
 * next buffer served. */
/* conformance: D-TX-01 */
static void test_dpdk_packet_shorter_than_header(void **state)
{
	struct bq *f = *state;
	struct buf shrt = { G_BUF_GPA, 6, false }, good = { G_BUF_GPA, 80, false };
	struct iovec fr[BQ_NIOV];
	struct vnet_hdr h;

	bq_up(f, VNET_VIRTQ_DIR_OUT, bq_v1);
	memset(gp(f->g, G_BUF_GPA, 80), 0, 80);
	split_add(&f->d, &shrt, 1);
	assert_int_equal(vnet_virtq_pop(&f->q, &f->e), 1);
	assert_int_equal(vnet_virtq_net_tx_hdr(&f->n, &f->e, &h, fr, BQ_NIOV),
			 -EMSGSIZE);
	assert_int_equal(vnet_virtq_push(&f->q, &f->e, 0), 0);
	split_add(&f->d, &good, 1);
	vnet_virtq_elem_init(&f->e, f->out, BQ_NIOV, f->in, BQ_NIOV);
	assert_int_equal(vnet_virtq_pop(&f->q, &f->e), 1);
	assert_int_equal(vnet_virtq_net_tx_hdr(&f->n, &f->e, &h, fr, BQ_NIOV),
			 1);
	assert_int_equal(fr[0].iov_len, 80 - 12);
	assert_false(vnet_virtq_broken(&f->q));
}

/* ---- the header against the transmit engine ---- */

static int tx_one(struct vnet_gso_ctx *ctx, const struct vnet_hdr *h,
		  uint8_t *frame, size_t len, struct vnet_gso_out *out)
{
	static uint8_t buf[4096 + 8 * VNET_TX_HDR_MAX];
	static struct iovec iov[8 * 3];
	static struct vnet_gso_seg segs[8];
	struct iovec v = { frame, len };
	struct vnet_pkt pkt;

	vnet_pkt_init(&pkt, &v, 1);
	memset(out, 0, sizeof(*out));
	*out = (struct vnet_gso_out){ .buf = buf, .buf_len = sizeof(buf),
				      .iov = iov, .iov_max = 24,
				      .segs = segs, .seg_max = 8 };
	return vnet_gso_segment(ctx, h, &pkt, out);
}

/* A 74-byte TCP/IPv4 frame, exact-size on the heap. */
static uint8_t *tcp_frame(size_t *len)
{
	static const uint8_t hdrs[54] = {
		2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00,
		0x45, 0, 0, 60, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1,
		10, 0, 0, 2,
		0x30, 0x39, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff,
		0xff, 0, 0, 0, 0,
	};
	uint8_t *p = calloc(1, 74);

	assert_non_null(p);
	memcpy(p, hdrs, sizeof(hdrs));
	*len = 74;
	return p;
}

/* DPDK vhost_dequeue_offload: NEEDS_CSUM with csum_start beyond the
 * packet made "len - csum_start" underflow. Refused, counted; the frame
 * with a good csum_start is then completed. */
static void test_dpdk_csum_start_beyond_packet(void **state)
{
	struct vnet_features feat = { 0 };
	struct vnet_gso_ctx ctx;
	struct vnet_gso_out out;
	struct vnet_hdr h = { .flags = VNET_HDR_F_NEEDS_CSUM,
			      .csum_start = 200, .csum_offset = 16 };
	size_t len;
	uint8_t *fr = tcp_frame(&len);

	(void)state;
	vnet_features_set(&feat, VNET_F_VERSION_1);
	vnet_features_set(&feat, VNET_F_CSUM);
	vnet_gso_ctx_init(&ctx, &feat, VNET_GSO_COPY, 1);
	assert_int_equal(tx_one(&ctx, &h, fr, len, &out), -EINVAL);
	assert_int_equal(out.reason, VNET_TX_CSUM_RANGE);
	h.csum_start = 60;			/* field at 76: past 74 bytes */
	assert_int_equal(tx_one(&ctx, &h, fr, len, &out), -EINVAL);
	assert_int_equal(out.reason, VNET_TX_CSUM_RANGE);
	assert_int_equal(ctx.stats.reason[VNET_TX_CSUM_RANGE], 2);
	h.csum_start = 34;
	assert_int_equal(tx_one(&ctx, &h, fr, len, &out), 1);
	assert_int_equal(ctx.stats.frames, 1);
	free(fr);
}

/* gso_size 0 with GSO asked (DPDK divided by it in the TSO path). */
static void test_dpdk_gso_size_zero(void **state)
{
	struct vnet_features feat = { 0 };
	struct vnet_gso_ctx ctx;
	struct vnet_gso_out out;
	struct vnet_hdr h = { .flags = VNET_HDR_F_NEEDS_CSUM,
			      .gso_type = VNET_HDR_GSO_TCPV4, .hdr_len = 54,
			      .gso_size = 0, .csum_start = 34,
			      .csum_offset = 16 };
	size_t len;
	uint8_t *fr = tcp_frame(&len);

	(void)state;
	vnet_features_set(&feat, VNET_F_VERSION_1);
	vnet_features_set(&feat, VNET_F_CSUM);
	vnet_features_set(&feat, VNET_F_HOST_TSO4);
	vnet_gso_ctx_init(&ctx, &feat, VNET_GSO_COPY, 1);
	assert_int_equal(tx_one(&ctx, &h, fr, len, &out), -EINVAL);
	assert_int_equal(out.reason, VNET_TX_GSO_SIZE_ZERO);
	assert_int_equal(ctx.stats.reason[VNET_TX_GSO_SIZE_ZERO], 1);
	h.gso_size = 10;
	assert_int_equal(tx_one(&ctx, &h, fr, len, &out), 2);
	free(fr);
}

/* ---- the memory table ---- */

/* Memory table regions that overflow (gpa + size, uva + size, offset +
 * size wrap) or that the fd cannot back; and a ring buffer in guest
 * memory no region maps. Every one refused and counted. */
static void test_dpdk_mem_regions_overflow_unmapped(void **state)
{
	struct vnet_mem mem;
	struct vnet_mem_region r = { UINT64_MAX - 0xfff, 0x2000, 0, NULL };
	uint8_t host[64];
	struct bv *h = bv_new();
	uint64_t bad;

	(void)state;
	vnet_mem_init(&mem);				/* the library */
	r.hva = host;
	assert_int_not_equal(vnet_mem_add(&mem, &r), 0);
	r = (struct vnet_mem_region){ 0x1000, 64, UINT64_MAX - 10, host };
	assert_int_not_equal(vnet_mem_add(&mem, &r), 0);
	assert_null(vnet_mem_ptr(&mem, 0x1000, 1));

	bv_start(h, 0);					/* the transport */
	bad = vnet_vu_get_stats(h->vu)->bad_mem;
	bv_dropped_then_served(h, bv_mem_table(h, UINT64_MAX - 0xfff,
					       0x2000, 0));
	bv_start(h, 0);
	bv_dropped_then_served(h, bv_mem_table(h, 0, BV_MEM_SIZE,
					       UINT64_MAX - 0xfff));
	bv_start(h, 0);
	bv_dropped_then_served(h, bv_mem_table_at(h, 0, BV_MEM_SIZE,
						  UINT64_MAX - 0xfff, 0));
	bv_start(h, 0);
	bv_dropped_then_served(h, bv_mem_table(h, 0, BV_MEM_SIZE * 2, 0));
	assert_int_equal(vnet_vu_get_stats(h->vu)->bad_mem, bad + 4);
	bv_start(h, 0);
	assert_int_equal(bv_mem_table(h, 0, BV_MEM_SIZE, 0), 0);
	assert_int_equal(vnet_vu_mem(h->vu)->nregions, 1);
	assert_null(vnet_mem_ptr(vnet_vu_mem(h->vu), BV_MEM_SIZE, 1));
	bv_free(h);
}

/* ---- vhost-user messages ---- */

/* More fds than any request takes (DPDK: read_fd_message kept what did
 * not fit, and requests without fds leaked theirs, cf. CVE-2022-0669).
 * Extra fds are closed and counted; more than the control buffer holds
 * drops the connection; no fd is left open either way. */
static void test_dpdk_too_many_fds(void **state)
{
	struct bv *h = bv_new();
	uint64_t features;
	int fds[32];
	unsigned int i;

	(void)state;
	for (i = 0; i < 32; i++)
		fds[i] = h->memfd;
	assert_int_equal(bv_req(h, VNET_VU_GET_FEATURES, 1, NULL, 0, fds, 12),
			 0);
	assert_int_equal(bv_reply(h, &features, 8), 8);
	assert_true(vnet_vu_get_stats(h->vu)->fds_extra >= 8);
	bv_alive(h);
	bv_dropped_then_served(h, bv_req(h, VNET_VU_SET_OWNER, 1, NULL, 0,
					 fds, 32));
	assert_true(vnet_vu_get_stats(h->vu)->bad_fds >= 1);
	bv_free(h);
}

/* Mappings of this process. */
static int bv_count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0, c;

	assert_non_null(f);
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* The reply to GET_INFLIGHT_FD: its description and its fd. */
static int inflight_reply(struct bv *h, uint64_t d[3])
{
	char ctl[CMSG_SPACE(4 * sizeof(int))];
	uint32_t hdr[3];
	struct iovec iov = { hdr, sizeof(hdr) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;
	int fd = -1;

	assert_int_equal(recvmsg(h->sock, &mh, MSG_WAITALL | MSG_CMSG_CLOEXEC),
			 12);
	c = CMSG_FIRSTHDR(&mh);
	assert_non_null(c);
	assert_int_equal(c->cmsg_len, CMSG_LEN(sizeof(int)));	/* one fd */
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	assert_int_equal(hdr[2], 24);	/* answered in the size asked */
	assert_int_equal(recv(h->sock, d, 24, MSG_WAITALL), 24);
	return fd;
}

/* SET_VRING_NUM over and over, and GET/SET_INFLIGHT_FD over and over with
 * extra fds attached (CVE-2020-10726: GET_INFLIGHT_FD flooding leaked a
 * region per request; CVE-2022-0669: fds attached to GET/SET_INFLIGHT_FD
 * were never closed, exhausting the backend's fds). Each GET replaces the
 * region and each SET maps the one given, the old one unmapped: neither
 * fds nor mappings grow. */
static void test_dpdk_repeated_vring_num_and_inflight(void **state)
{
	struct bv *h = bv_new();
	uint32_t num[2] = { 0, 256 };
	uint64_t inflight[3] = { 0, 0, 2 | (256ull << 16) }, d[3];
	int fds[3] = { h->memfd, h->memfd, h->memfd }, fd, maps = 0;
	unsigned int i;

	(void)state;
	bv_start(h, 0);
	for (i = 0; i < 1000; i++) {
		num[0] = i % 4;
		assert_int_equal(bv_req(h, VNET_VU_SET_VRING_NUM, 1, num, 8,
					NULL, 0), 0);
	}
	for (i = 0; i < 200; i++) {
		assert_int_equal(bv_req(h, BV_GET_INFLIGHT_FD, 1, inflight,
					24, fds, 3), 0);
		fd = inflight_reply(h, d);
		assert_true(d[0] >= 2 * (32 + 32 * 256));	/* 2 packed */
		assert_int_equal(bv_req(h, BV_SET_INFLIGHT_FD, 1, d, 24,
					&fd, 1), 0);
		close(fd);
		if (i == 0)
			maps = bv_count_maps();
	}
	assert_int_equal(bv_count_maps(), maps);
	assert_int_equal(vnet_vu_get_stats(h->vu)->fds_extra, 3 * 200);
	assert_int_equal(bv_count_fds(), h->fds_before + 3);	/* ours */
	bv_alive(h);
	bv_free(h);
}

/* CVE-2020-10722: SET_LOG_BASE with offset + size overflowing (DPDK mapped
 * a wrapped length). Also a log larger than its file. Both refused,
 * counted, the fd closed. */
static void test_dpdk_log_base_overflow(void **state)
{
	struct bv *h = bv_new();
	uint64_t log[2];
	uint64_t bad;

	(void)state;
	bv_start(h, 1ULL << VNET_VU_F_LOG_ALL);
	bad = vnet_vu_get_stats(h->vu)->bad_mem;
	log[0] = UINT64_MAX - 0xfff;			/* size */
	log[1] = 0x2000;				/* offset */
	bv_dropped_then_served(h, bv_req(h, VNET_VU_SET_LOG_BASE, 1, log, 16,
					 &h->memfd, 1));
	bv_start(h, 1ULL << VNET_VU_F_LOG_ALL);
	log[0] = BV_MEM_SIZE;
	log[1] = 0x1000;				/* past the file end */
	bv_dropped_then_served(h, bv_req(h, VNET_VU_SET_LOG_BASE, 1, log, 16,
					 &h->memfd, 1));
	assert_int_equal(vnet_vu_get_stats(h->vu)->bad_mem, bad + 2);
	bv_start(h, 1ULL << VNET_VU_F_LOG_ALL);
	log[0] = 0x1000;				/* a good one */
	log[1] = 0;
	assert_int_equal(bv_req(h, VNET_VU_SET_LOG_BASE, 1, log, 16,
				&h->memfd, 1), 0);
	bv_free(h);
}

/* CVE-2020-10723: a vring index truncated before its check (DPDK stored a
 * 32-bit index in 16 or 8 bits). 256 + 1 and 65536 + 1 name no queue: they
 * must not reach queue 1. */
static void test_dpdk_vring_index_truncation(void **state)
{
	static const uint32_t idx[] = { 0x101, 0x10001, 0x80000001, 0xff };
	struct bv *h = bv_new();
	uint32_t st[2];
	unsigned int i;
	uint64_t bad;

	(void)state;
	bv_start(h, 0);
	bad = vnet_vu_get_stats(h->vu)->bad_index;
	for (i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		st[0] = idx[i];
		st[1] = 256;
		bv_dropped_then_served(h, bv_req(h, VNET_VU_SET_VRING_NUM, 1,
						 st, 8, NULL, 0));
		bv_start(h, 0);
	}
	bv_dropped_then_served(h, bv_u64(h, VNET_VU_SET_VRING_CALL,
					 0xff | (1u << 8)));
	assert_int_equal(vnet_vu_get_stats(h->vu)->bad_index, bad + 5);
	bv_start(h, 0);
	st[0] = 1;
	assert_int_equal(bv_req(h, VNET_VU_SET_VRING_NUM, 1, st, 8, NULL, 0),
			 0);
	bv_free(h);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, bq_setup, bq_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_dpdk_zero_len_desc_invalid_addr),
		T(test_dpdk_hdr_split_over_many_descs),
		T(test_dpdk_desc_chain_loops),
		T(test_dpdk_next_out_of_range),
		T(test_dpdk_packet_shorter_than_header),
		T(test_dpdk_csum_start_beyond_packet),
		T(test_dpdk_gso_size_zero),
		T(test_dpdk_mem_regions_overflow_unmapped),
		T(test_dpdk_too_many_fds),
		T(test_dpdk_repeated_vring_num_and_inflight),
		T(test_dpdk_log_base_overflow),
		T(test_dpdk_vring_index_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
