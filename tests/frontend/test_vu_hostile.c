// SPDX-License-Identifier: MIT
/* test_vu_hostile.c - a frontend that breaks the rules, against one live backend that must keep serving */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cmocka.h>

#include "vnet/vhost_user.h"
#include "vu_test_assert.h"

#define NEED_REPLY	(0x1u | (1u << 3))
#define HOLE_GPA	0x200000ULL	/* between the two regions */

static struct backend B;

static int group_setup(void **state)
{
	(void)state;
	return backend_start(&B, 1);
}

static int group_teardown(void **state)
{
	(void)state;
	backend_stop(&B);
	return 0;
}

/*
 * After each test: a test that failed half-way may have left its
 * frontend connected; start a fresh backend then, so one failure does not
 * take the tests after it down too. A passing test leaves none.
 */
static int heal(void **state)
{
	(void)state;
	if (backend_idle(&B))
		return 0;
	backend_stop(&B);
	return backend_start(&B, 1);
}

static const struct vuf_opts plain = { .pairs = 1, .qsize = 64 };

/* The backend still serves a well-behaved frontend, split and packed. */
static void assert_serving(void)
{
	assert_serving_with(&B, &plain);
}

/* ---- ring faults: the queue breaks, its error fd fires, all else lives ---- */

static void ring_fault_done(struct vuf *f, unsigned int idx)
{
	vuf_kick(f, idx);
	assert_true(vuf_wait_err(f, idx, 3000));
	assert_true(vuf_alive(f));	/* the connection survives */
	vuf_close(f);
	assert_serving();
}

static void test_desc_loop(void **state)
{
	struct vuf f;
	struct split_drv *d = &f.q[1].s;
	uint64_t a = VUF_BUF_GPA + 0x100000;

	(void)state;
	assert_int_equal(vuf_start(&f, B.path, &plain), 0);
	split_desc(d, 0, a, 100, G_DESC_F_NEXT, 1);
	split_desc(d, 1, a, 100, G_DESC_F_NEXT, 0);
	split_avail_add(d, 0);
	split_publish(d);
	ring_fault_done(&f, 1);
}

static void test_chain_longer_than_queue(void **state)
{
	struct vuf_opts o = plain;
	struct vuf f;
	uint16_t i;

	(void)state;
	o.packed = true;
	assert_int_equal(vuf_start(&f, B.path, &o), 0);
	for (i = 1; i < o.qsize; i++)
		packed_raw(&f.q[1].p, i, VUF_BUF_GPA, 10, 0,
			   G_DESC_F_AVAIL | G_DESC_F_NEXT);
	atomic_thread_fence(memory_order_release);
	packed_raw(&f.q[1].p, 0, VUF_BUF_GPA, 10, 0,
		   G_DESC_F_AVAIL | G_DESC_F_NEXT);
	ring_fault_done(&f, 1);
}

static void test_head_out_of_range(void **state)
{
	struct vuf f;

	(void)state;
	assert_int_equal(vuf_start(&f, B.path, &plain), 0);
	split_avail_add(&f.q[1].s, 1000);
	split_publish(&f.q[1].s);
	ring_fault_done(&f, 1);
}

static void test_addr_outside_memory(void **state)
{
	struct vuf f;

	(void)state;
	assert_int_equal(vuf_start(&f, B.path, &plain), 0);
	split_desc(&f.q[1].s, 0, HOLE_GPA, 100, 0, 0);
	split_avail_add(&f.q[1].s, 0);
	split_publish(&f.q[1].s);
	ring_fault_done(&f, 1);
}

static void test_addr_outside_memory_rx(void **state)
{
	struct vuf_opts o = plain;
	struct vuf f;

	(void)state;
	o.packed = true;
	assert_int_equal(vuf_start(&f, B.path, &o), 0);
	packed_raw(&f.q[0].p, 0, ~0ULL - 10, 100, 0,
		   G_DESC_F_AVAIL | G_DESC_F_WRITE);
	atomic_store(&B.e.inject[0], 1);
	vuf_kick(&f, 0);
	assert_true(vuf_wait_err(&f, 0, 3000));
	assert_true(vuf_alive(&f));
	atomic_store(&B.e.inject[0], 0);
	vuf_close(&f);
	assert_serving();
}

static void test_indirect_bad_size(void **state)
{
	struct vuf_opts o = plain;
	struct vuf f;

	(void)state;
	o.indirect = true;
	assert_int_equal(vuf_start(&f, B.path, &o), 0);
	split_desc(&f.q[1].s, 0, VUF_BUF_GPA, 17, G_DESC_F_INDIRECT, 0);
	split_avail_add(&f.q[1].s, 0);
	split_publish(&f.q[1].s);
	ring_fault_done(&f, 1);
}

/* A header over 40 one-byte descriptors is fine; 100 are more than the
 * backend maps: that frame is dropped, the queue goes on. */
static void test_header_over_many_descriptors(void **state)
{
	struct vuf_opts o = plain;
	static uint8_t rx[4096];
	uint64_t a = VUF_BUF_GPA + 0x200000;
	struct split_drv *d;
	struct vuf f;
	uint16_t i, n;
	int r, t;

	(void)state;
	o.qsize = 256;
	assert_int_equal(vuf_start(&f, B.path, &o), 0);
	d = &f.q[1].s;
	memset(vuf_gp(&f, a, 12), 0, 12);
	memset(vuf_gp(&f, a + 12, 60), 0x5a, 60);
	vuf_rx_fill(&f, 0);
	for (i = 0; i < 40; i++)
		split_desc(d, i, a + (i < 12 ? i : 12), i < 12 ? 1 : 2,
			   G_DESC_F_NEXT, (uint16_t)(i + 1));
	split_desc(d, 40, a + 12, 58, 0, 0);	/* 28*2 + 58 = 114 > 60 */
	for (i = 12; i < 40; i++)
		split_desc(d, i, a + 12 + (i - 12) * 2, 2, G_DESC_F_NEXT,
			   (uint16_t)(i + 1));
	split_desc(d, 40, a + 12 + 56, 4, 0, 0);
	split_avail_add(d, 0);
	split_publish(d);
	vuf_kick(&f, 1);
	for (t = 0; (r = vuf_rx(&f, 0, rx, sizeof(rx))) == 0 && t < 300000; t++)
		usleep(10);
	assert_int_equal(r, 60);
	for (i = 0; i < 60; i++)
		assert_int_equal(rx[i], 0x5a);
	/* now 100 descriptors, more segments than the backend maps: not a
	 * fault (a chain may be as long as the queue), so the chain is walked
	 * to its end, its buffer returned and its frame dropped (counted),
	 * and the queue serves on */
	for (n = 0; n < 100; n++)
		split_desc(d, (uint16_t)(41 + n), a + n % 12, 1,
			   n + 1 < 100 ? G_DESC_F_NEXT : 0, (uint16_t)(42 + n));
	split_avail_add(d, 41);
	split_publish(d);
	vuf_kick(&f, 1);
	for (t = 0; split_used_idx(d) != 2 && t < 300000; t++)
		usleep(10);
	assert_int_equal(split_used_idx(d), 2);
	assert_false(vuf_wait_err(&f, 1, 200));
	assert_true(vuf_alive(&f));
	vuf_close(&f);
	assert_serving();
}

/* ---- messages ---- */

/* conformance: VU-01 */
static void test_wrong_sizes(void **state)
{
	uint8_t big[64] = { 0 };
	struct vuf f;
	uint32_t t9[2 + 9 * 8] = { 9 };

	(void)state;
	/* SET_FEATURES with 4 bytes instead of 8 */
	assert_int_equal(vuf_connect(&f, B.path), 0);
	assert_int_equal(vuf_send_msg(&f, VNET_VU_SET_FEATURES, 0, big, 4,
				      NULL, 0), 0);
	assert_dropped(&f);
	vuf_close(&f);
	/* SET_VRING_NUM with 12 bytes */
	assert_int_equal(vuf_connect(&f, B.path), 0);
	assert_int_equal(vuf_send_msg(&f, VNET_VU_SET_VRING_NUM, 0, big, 12,
				      NULL, 0), 0);
	assert_dropped(&f);
	vuf_close(&f);
	/* GET_FEATURES with a payload it does not take */
	assert_int_equal(vuf_connect(&f, B.path), 0);
	assert_int_equal(vuf_send_msg(&f, VNET_VU_GET_FEATURES, 0, big, 8,
				      NULL, 0), 0);
	assert_dropped(&f);
	vuf_close(&f);
	/* a memory table of 9 regions */
	assert_int_equal(vuf_connect(&f, B.path), 0);
	assert_int_equal(vuf_send_msg(&f, VNET_VU_SET_MEM_TABLE, 0, t9,
				      sizeof(t9) - 8, NULL, 0), 0);
	assert_dropped(&f);
	vuf_close(&f);
	/* a header announcing 1 MiB of payload */
	assert_int_equal(vuf_connect(&f, B.path), 0);
	{
		uint32_t h[3] = { VNET_VU_SET_FEATURES, 1, 1u << 20 };

		assert_int_equal(send(f.sock, h, sizeof(h), 0), sizeof(h));
	}
	assert_dropped(&f);
	vuf_close(&f);
	/* protocol version 0 */
	assert_int_equal(vuf_connect(&f, B.path), 0);
	{
		uint32_t h[3] = { VNET_VU_GET_FEATURES, 0, 0 };

		assert_int_equal(send(f.sock, h, sizeof(h), 0), sizeof(h));
	}
	assert_dropped(&f);
	vuf_close(&f);
	assert_serving();
}

/* A frontend that stops halfway through a header is dropped, in time. */
/* conformance: VU-01 */
static void test_stalled_frontend(void **state)
{
	uint32_t h = VNET_VU_GET_FEATURES;
	struct pollfd p;
	struct vuf f;

	(void)state;
	assert_int_equal(vuf_connect(&f, B.path), 0);
	assert_int_equal(send(f.sock, &h, sizeof(h), 0), sizeof(h));
	p = (struct pollfd){ f.sock, POLLIN, 0 };
	assert_int_equal(poll(&p, 1, 6000), 1);
	assert_dropped(&f);
	vuf_close(&f);
	assert_serving();
}

/* Features may not change under running rings (LOG_ALL aside). */
/* conformance: VU-09 */
static void test_features_change_while_running(void **state)
{
	struct vuf f;
	uint64_t v;

	(void)state;
	assert_int_equal(vuf_start(&f, B.path, &plain), 0);
	echo_some(&f, 3);
	v = f.features.w[0] | (1ULL << VNET_VU_F_PROTOCOL_FEATURES) |
	    (1ULL << VNET_VU_F_LOG_ALL);
	assert_int_equal(vuf_set(&f, VNET_VU_SET_FEATURES, &v, 8, NULL, 0), 0);
	assert_true(vuf_alive(&f));
	v |= 1ULL << VNET_F_MRG_RXBUF;
	vuf_send_msg(&f, VNET_VU_SET_FEATURES, 0, &v, 8, NULL, 0);
	assert_dropped(&f);
	vuf_close(&f);
	assert_serving();
}

static void test_too_many_fds(void **state)
{
	int fds[20], base, i;
	uint64_t idx = 0;
	struct vuf f;

	(void)state;
	assert_true(backend_idle(&B));
	base = count_fds();
	for (i = 0; i < 20; i++)
		fds[i] = eventfd(0, EFD_CLOEXEC);
	assert_int_equal(vuf_connect(&f, B.path), 0);
	assert_int_equal(vuf_send_msg(&f, VNET_VU_SET_VRING_CALL, 0, &idx, 8,
				      fds, 20), 0);
	assert_dropped(&f);
	vuf_close(&f);
	for (i = 0; i < 20; i++)
		close(fds[i]);
	assert_true(backend_idle(&B));
	assert_int_equal(count_fds(), base);	/* every fd closed */
	/* extra fds on a request that takes none: closed, not fatal */
	for (i = 0; i < 3; i++)
		fds[i] = eventfd(0, EFD_CLOEXEC);
	assert_int_equal(vuf_connect(&f, B.path), 0);
	assert_int_equal(vuf_send_msg(&f, VNET_VU_SET_OWNER, 0, NULL, 0,
				      fds, 3), 0);
	for (i = 0; i < 3; i++)
		close(fds[i]);
	assert_true(vuf_alive(&f));
	vuf_close(&f);
	assert_true(backend_idle(&B));
	assert_int_equal(count_fds(), base);
	assert_serving();
}

static void test_vring_index_out_of_range(void **state)
{
	struct { uint32_t index, num; } st = { 200, 64 };
	uint64_t idx = 40;
	struct vuf f;
	int fd, base;

	(void)state;
	assert_true(backend_idle(&B));
	base = count_fds();
	assert_int_equal(vuf_connect(&f, B.path), 0);
	assert_int_equal(vuf_send_msg(&f, VNET_VU_SET_VRING_NUM, 0, &st,
				      sizeof(st), NULL, 0), 0);
	assert_dropped(&f);
	vuf_close(&f);
	fd = eventfd(0, EFD_CLOEXEC);
	assert_int_equal(vuf_connect(&f, B.path), 0);
	assert_int_equal(vuf_send_msg(&f, VNET_VU_SET_VRING_KICK, 0, &idx, 8,
				      &fd, 1), 0);
	assert_dropped(&f);
	vuf_close(&f);
	close(fd);
	assert_true(backend_idle(&B));
	assert_int_equal(count_fds(), base);
	assert_serving();
}

/* conformance: VU-27 */
static void test_unknown_request(void **state)
{
	struct vuf_opts o = plain;
	uint64_t v = 0;
	struct vuf f;

	(void)state;
	o.proto_extra = 1ULL << VNET_VU_PROTOCOL_F_REPLY_ACK;
	assert_int_equal(vuf_start(&f, B.path, &o), 0);
	assert_int_equal(vuf_send_msg(&f, 999, NEED_REPLY, &v, 8, NULL, 0), 0);
	assert_int_equal(vuf_recv_msg(&f, NULL, &v, 8), 8);
	assert_int_not_equal(v, 0);	/* failure, said once */
	/* a request of a protocol feature not negotiated: the same */
	assert_int_equal(vuf_send_msg(&f, VNET_VU_GET_MAX_MEM_SLOTS,
				      NEED_REPLY, NULL, 0, NULL, 0), 0);
	assert_int_equal(vuf_recv_msg(&f, NULL, &v, 8), 8);
	assert_int_not_equal(v, 0);
	assert_true(vuf_alive(&f));
	echo_some(&f, 5);
	vuf_close(&f);
	assert_serving();
}

/* Send a memory table of @n regions on a started connection: refused. */
static void bad_table(const uint64_t (*r)[4], unsigned int n)
{
	struct { uint32_t n, pad; uint64_t r[8][4]; } __attribute__((packed)) t;
	int fds[8], ret, i;
	struct vuf f;

	assert_int_equal(vuf_start(&f, B.path, &plain), 0);
	memset(&t, 0, sizeof(t));
	t.n = n;
	memcpy(t.r, r, n * sizeof(r[0]));
	for (i = 0; i < (int)n; i++)
		fds[i] = f.memfd;
	ret = vuf_set(&f, VNET_VU_SET_MEM_TABLE, &t, 8 + 32 * n, fds, n);
	assert_true(ret != 0);	/* nack, or the connection dropped */
	vuf_close(&f);
	assert_serving();
}

static void test_mem_overlap(void **state)
{
	const uint64_t r[2][4] = {
		{ 0, 0x100000, 0x10000000, 0 },
		{ 0x80000, 0x100000, 0x20000000, 0 },
	};

	(void)state;
	bad_table(r, 2);
}

static void test_mem_overflow(void **state)
{
	const uint64_t r[][4] = { { ~0ULL - 0xfff, 0x2000, 0x1000, 0 } };
	const uint64_t u[][4] = { { 0, 0x2000, ~0ULL - 0xfff, 0 } };
	const uint64_t o[][4] = { { 0, 0x2000, 0x1000, ~0ULL - 0xfff } };

	(void)state;
	bad_table(r, 1);
	bad_table(u, 1);
	bad_table(o, 1);
}

static void test_mem_beyond_file(void **state)
{
	/* offset past the end of the memfd: mapping it would SIGBUS */
	const uint64_t r[][4] = { { 0, 0x100000, 0x1000,
				    VUF_RING_SIZE + VUF_BUF_SIZE } };
	const uint64_t z[][4] = { { 0, 0, 0x1000, 0 } };

	(void)state;
	bad_table(r, 1);
	bad_table(z, 1);
}

/* Guest memory cannot be shrunk under the backend's mapping. */
static void test_mem_sealed(void **state)
{
	struct vuf f;

	(void)state;
	assert_int_equal(vuf_start(&f, B.path, &plain), 0);
	echo_some(&f, 2);
	assert_int_not_equal(ftruncate(f.memfd, 4096), 0);
	assert_int_equal(errno, EPERM);
	echo_some(&f, 2);
	vuf_close(&f);
	assert_serving();
}

/* Ring addresses outside the table: the ring does not start. */
static void test_ring_outside_memory(void **state)
{
	struct { uint32_t index, flags; uint64_t d, u, a, l; }
		__attribute__((packed)) a = { 1, 0, HOLE_GPA + VUF_UVA_BIAS,
					      0, 0, 0 };
	uint32_t base;
	uint64_t idx = 1;
	struct vuf f;
	int fd;

	(void)state;
	assert_int_equal(vuf_start(&f, B.path, &plain), 0);
	assert_int_equal(vuf_stop_queue(&f, 1, &base), 0);
	assert_int_equal(vuf_set(&f, VNET_VU_SET_VRING_ADDR, &a, sizeof(a),
				 NULL, 0), 0);
	fd = eventfd(0, EFD_CLOEXEC);
	vuf_send_msg(&f, VNET_VU_SET_VRING_KICK, 0, &idx, 8, &fd, 1);
	close(fd);
	assert_dropped(&f);
	vuf_close(&f);
	assert_serving();
}

/* ---- the protocol's moving parts ---- */

/* GET_VRING_BASE stops the ring; SET_VRING_BASE and a kick resume it. */
static void stop_and_resume(bool packed)
{
	struct { uint32_t index, num; } st;
	struct vuf_opts o = plain;
	uint32_t base = 0;
	uint64_t idx = 1;
	struct vuf f;
	int fd;

	o.packed = packed;
	assert_int_equal(vuf_start(&f, B.path, &o), 0);
	echo_some(&f, 70);	/* more than the queue: packed wraps once */
	assert_int_equal(vuf_stop_queue(&f, 1, &base), 0);
	/* split: next avail index; packed: offset, and wrap counter in bit 15 */
	assert_int_equal(base, packed ? (uint32_t)(f.q[1].p.next_avail |
						   f.q[1].p.avail_wrap << 15) :
					f.q[1].s.avail_idx);
	assert_true(packed ? !f.q[1].p.avail_wrap : base == 70);
	st.index = 1;
	/* packed: QEMU adds the used state in bits 16..31 */
	st.num = packed ? base | base << 16 : base;
	assert_int_equal(vuf_set(&f, VNET_VU_SET_VRING_BASE, &st, sizeof(st),
				 NULL, 0), 0);
	fd = f.q[1].kick;
	f.q[1].kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	close(fd);
	assert_int_equal(vuf_set(&f, VNET_VU_SET_VRING_KICK, &idx, 8,
				 &f.q[1].kick, 1), 0);
	echo_some(&f, 10);
	vuf_close(&f);
	assert_serving();
}

/*
 * "Starting and stopping rings", with PROTOCOL_FEATURES: a transmit ring
 * disabled by SET_VRING_ENABLE 0 passes no data (a frame sent and kicked
 * is not echoed) until SET_VRING_ENABLE 1; a ring stopped by
 * GET_VRING_BASE is not processed and its used ring not written (a new
 * buffer and a kick leave the used idx where it was, nothing is echoed).
 */
/* conformance: VU-02, VU-03, VU-06, VU-07, VU-13 */
static void test_ring_enable_and_stop(void **state)
{
	struct { uint32_t index, num; } st = { 1, 0 };
	static uint8_t tx[4096], rx[8192];
	struct vuf_opts o = plain;
	unsigned int len;
	uint32_t base;
	uint16_t used;
	struct vuf f;
	int n = 0, t;

	(void)state;
	assert_int_equal(vuf_start(&f, B.path, &o), 0);
	echo_some(&f, 2);
	assert_int_equal(vuf_set(&f, VNET_VU_SET_VRING_ENABLE, &st, sizeof(st),
				 NULL, 0), 0);
	len = tx_frame(100, tx);
	assert_int_equal(vuf_tx(&f, 0, tx, len), 0);
	usleep(200000);
	assert_int_equal(vuf_rx(&f, 0, rx, sizeof(rx)), 0);
	st.num = 1;
	assert_int_equal(vuf_set(&f, VNET_VU_SET_VRING_ENABLE, &st, sizeof(st),
				 NULL, 0), 0);
	vuf_kick(&f, 1);
	for (t = 0; (n = vuf_rx(&f, 0, rx, sizeof(rx))) == 0 && t < 500000;
	     t++) {
		vuf_rx_fill(&f, 0);
		usleep(10);
	}
	assert_int_equal(n, (int)len);
	assert_memory_equal(rx, tx, len);
	vuf_rx_fill(&f, 0);
	assert_int_equal(vuf_stop_queue(&f, 1, &base), 0);
	used = split_used_idx(&f.q[1].s);
	assert_int_equal(vuf_tx(&f, 0, tx, len), 0);
	vuf_kick(&f, 1);
	usleep(200000);
	assert_int_equal(split_used_idx(&f.q[1].s), used);
	assert_int_equal(vuf_rx(&f, 0, rx, sizeof(rx)), 0);
	vuf_close(&f);
	assert_serving();
}

/* conformance: VU-08 */
static void test_stop_and_resume(void **state)
{
	(void)state;
	stop_and_resume(false);
	stop_and_resume(true);
}

static void test_reconnect_mid_traffic(void **state)
{
	static uint8_t tx[4096];
	int fds = -1, maps = -1, i, j;
	struct vuf_opts o = plain;
	struct vuf f;

	(void)state;
	for (i = 0; i < 101; i++) {
		o.packed = i & 1;
		assert_int_equal(vuf_start(&f, B.path, &o), 0);
		vuf_rx_fill(&f, 0);
		for (j = 0; j < 8; j++)
			vuf_tx(&f, 0, tx, tx_frame((uint32_t)j, tx));
		vuf_close(&f);
		assert_true(backend_idle(&B));
		if (i == 0) {	/* first round warms allocators */
			fds = count_fds();
			maps = count_maps();
		}
	}
	assert_int_equal(count_fds(), fds);
	assert_int_equal(count_maps(), maps);
	assert_serving();
}

/* conformance: VU-22 */
static void test_config(void **state)
{
	struct { uint32_t off, size, flags; uint8_t d[6]; } __attribute__((packed))
		c = { 0, 6, 0, { 0 } }, r;
	struct vuf_opts o = plain;
	struct vuf f;

	(void)state;
	o.proto_extra = 1ULL << VNET_VU_PROTOCOL_F_CONFIG;
	assert_int_equal(vuf_start(&f, B.path, &o), 0);
	assert_int_equal(vuf_send_msg(&f, VNET_VU_GET_CONFIG, 0, &c, sizeof(c),
				      NULL, 0), 0);
	assert_int_equal(vuf_recv_msg(&f, NULL, &r, sizeof(r)), sizeof(r));
	assert_memory_equal(r.d, "\x02\x00\x00\x00\x00\x02", 6);
	c.off = 10;	/* 10 + 6 > 12 bytes of config space */
	assert_int_equal(vuf_send_msg(&f, VNET_VU_GET_CONFIG, 0, &c, sizeof(c),
				      NULL, 0), 0);
	assert_int_equal(vuf_recv_msg(&f, NULL, &r, sizeof(r)), 0);
	assert_true(vuf_alive(&f));
	vuf_close(&f);
}

/* STATUS, RARP, MTU, ENDIAN, RESET_DEVICE: answered, checked. */
/* conformance: VU-19, VU-27 */
static void test_misc_requests(void **state)
{
	struct { uint32_t index, num; } st = { 0, 1 };
	struct vuf_opts o = plain;
	uint64_t v;
	struct vuf f;

	(void)state;
	o.proto_extra = 1ULL << VNET_VU_PROTOCOL_F_RARP |
			1ULL << VNET_VU_PROTOCOL_F_MTU |
			1ULL << VNET_VU_PROTOCOL_F_CROSS_ENDIAN |
			1ULL << VNET_VU_PROTOCOL_F_RESET_DEVICE |
			1ULL << VNET_VU_PROTOCOL_F_STATUS |
			1ULL << VNET_VU_PROTOCOL_F_REPLY_ACK;
	assert_int_equal(vuf_start(&f, B.path, &o), 0);
	v = 0x0f;
	assert_int_equal(vuf_set(&f, VNET_VU_SET_STATUS, &v, 8, NULL, 0), 0);
	assert_int_equal(vuf_get_u64(&f, VNET_VU_GET_STATUS, &v), 0);
	assert_int_equal(v, 0x0f);
	v = 0x020000000002ULL;
	assert_int_equal(vuf_set(&f, VNET_VU_SEND_RARP, &v, 8, NULL, 0), 0);
	v = 1500;
	assert_int_equal(vuf_set(&f, VNET_VU_NET_SET_MTU, &v, 8, NULL, 0), 0);
	/* the byte order of a running ring cannot change */
	assert_int_not_equal(vuf_set(&f, VNET_VU_SET_VRING_ENDIAN, &st,
				     sizeof(st), NULL, 0), 0);
	vuf_close(&f);
	assert_true(backend_idle(&B));
	assert_int_equal(vuf_start(&f, B.path, &o), 0);
	echo_some(&f, 3);
	assert_int_equal(vuf_set(&f, VNET_VU_RESET_DEVICE, NULL, 0, NULL, 0), 0);
	assert_int_equal(vuf_get_u64(&f, VNET_VU_GET_STATUS, &v), 0);
	assert_int_equal(v, 0);
	v = 10;	/* below the smallest MTU */
	assert_int_not_equal(vuf_set(&f, VNET_VU_NET_SET_MTU, &v, 8, NULL, 0),
			     0);
	vuf_close(&f);
	assert_serving();
}

/* conformance: VU-24, VU-25, VU-26 */
static void test_mem_slots(void **state)
{
	struct { uint64_t pad, gpa, size, uva, off; } reg = {
		0, 0x80000000ULL, 0x10000, 0x7e0000000000ULL, 0 };
	struct vuf_opts o = plain;
	uint64_t slots = 0;
	struct vuf f;
	int fd;

	(void)state;
	o.proto_extra = 1ULL << VNET_VU_PROTOCOL_F_CONFIGURE_MEM_SLOTS |
			1ULL << VNET_VU_PROTOCOL_F_REPLY_ACK;
	assert_int_equal(vuf_start(&f, B.path, &o), 0);
	assert_int_equal(vuf_get_u64(&f, VNET_VU_GET_MAX_MEM_SLOTS, &slots), 0);
	assert_true(slots >= 8);
	fd = memfd_create("extra", MFD_CLOEXEC);
	assert_int_equal(ftruncate(fd, 0x10000), 0);
	assert_int_equal(vuf_set(&f, VNET_VU_ADD_MEM_REG, &reg, sizeof(reg),
				 &fd, 1), 0);
	/* the same region again is already there (QEMU < 8.0, per pair) */
	assert_int_equal(vuf_set(&f, VNET_VU_ADD_MEM_REG, &reg, sizeof(reg),
				 &fd, 1), 0);
	/* a REM_MEM_REG that names no region (another uva) changes nothing */
	reg.uva += 0x100000;
	assert_int_equal(vuf_set(&f, VNET_VU_REM_MEM_REG, &reg, sizeof(reg),
				 NULL, 0), 0);
	reg.uva -= 0x100000;
	echo_some(&f, 3);
	assert_int_equal(vnet_vu_mem(B.e.vu)->nregions, 3);
	/* removed once per pair too */
	assert_int_equal(vuf_set(&f, VNET_VU_REM_MEM_REG, &reg, sizeof(reg),
				 NULL, 0), 0);
	assert_int_equal(vuf_set(&f, VNET_VU_REM_MEM_REG, &reg, sizeof(reg),
				 NULL, 0), 0);
	assert_int_equal(vnet_vu_mem(B.e.vu)->nregions, 2);
	echo_some(&f, 3);
	assert_int_equal(vuf_set(&f, VNET_VU_ADD_MEM_REG, &reg, sizeof(reg),
				 &fd, 1), 0);
	/* overlapping otherwise (a smaller size) is refused */
	reg.size = 0x8000;
	assert_int_not_equal(vuf_set(&f, VNET_VU_ADD_MEM_REG, &reg, sizeof(reg),
				     &fd, 1), 0);
	vuf_close(&f);
	assert_true(backend_idle(&B));
	/* and so is the same guest range at another frontend address */
	reg.size = 0x10000;
	assert_int_equal(vuf_start(&f, B.path, &o), 0);
	assert_int_equal(vuf_set(&f, VNET_VU_ADD_MEM_REG, &reg, sizeof(reg),
				 &fd, 1), 0);
	reg.uva += 0x100000;
	assert_int_not_equal(vuf_set(&f, VNET_VU_ADD_MEM_REG, &reg, sizeof(reg),
				     &fd, 1), 0);
	reg.uva -= 0x100000;
	close(fd);
	vuf_close(&f);
	assert_true(backend_idle(&B));
	assert_int_equal(vuf_start(&f, B.path, &o), 0);
	fd = memfd_create("extra", MFD_CLOEXEC);
	assert_int_equal(ftruncate(fd, 0x10000), 0);
	assert_int_equal(vuf_set(&f, VNET_VU_ADD_MEM_REG, &reg, sizeof(reg),
				 &fd, 1), 0);
	close(fd);
	echo_some(&f, 5);
	assert_int_equal(vuf_set(&f, VNET_VU_REM_MEM_REG, &reg, sizeof(reg),
				 NULL, 0), 0);
	echo_some(&f, 5);	/* rings remapped on the smaller table */
	vuf_close(&f);
	assert_serving();
}

/* Dirty log: the pages the device wrote are marked. */
/* conformance: VU-11, VU-12 */
static void test_dirty_log(void **state)
{
	uint64_t log_size = (VUF_BUF_GPA + VUF_BUF_SIZE) / 4096 / 8 + 1;
	struct { uint64_t size, off; } lb = { log_size, 4096 };
	struct { uint32_t index, flags; uint64_t d, u, a, l; }
		__attribute__((packed)) a;
	struct vuf_opts o = plain;
	uint64_t rx0 = VUF_BUF_GPA, v;
	uint8_t *log;
	struct vuf f;
	int fd;

	(void)state;
	o.proto_extra = 1ULL << VNET_VU_PROTOCOL_F_LOG_SHMFD;
	o.log_all = true;
	assert_int_equal(vuf_start(&f, B.path, &o), 0);
	fd = memfd_create("log", MFD_CLOEXEC);
	assert_int_equal(ftruncate(fd, (off_t)(log_size + 4096)), 0);
	log = mmap(NULL, log_size + 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, 0);
	assert_true(log != MAP_FAILED);
	assert_int_equal(vuf_send_msg(&f, VNET_VU_SET_LOG_BASE, 0, &lb,
				      sizeof(lb), &fd, 1), 0);
	assert_int_equal(vuf_recv_msg(&f, NULL, &v, 8), 8);
	assert_int_equal(v, 0);
	a = (typeof(a)){ 0, 1, f.q[0].s.desc + VUF_UVA_BIAS,
			 f.q[0].s.used + VUF_UVA_BIAS,
			 f.q[0].s.avail + VUF_UVA_BIAS, f.q[0].s.used };
	assert_int_equal(vuf_set(&f, VNET_VU_SET_VRING_ADDR, &a, sizeof(a),
				 NULL, 0), 0);
	echo_some(&f, 5);
	log += 4096;
	/* used ring page of queue 0, and the first RX buffers' pages */
	assert_true(log[(f.q[0].s.used / 4096) / 8] &
		    (1u << ((f.q[0].s.used / 4096) % 8)));
	assert_true(log[(rx0 / 4096) / 8 + 0] || log[(rx0 / 4096) / 8 + 1] ||
		    log[(rx0 / 4096 + 63) / 8]);
	munmap(log - 4096, log_size + 4096);
	close(fd);
	vuf_close(&f);
	assert_serving();
}

/* Client mode: the backend connects to a listening frontend. */
static void test_client_mode(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct backend c;
	struct vnet_features offer;
	struct vuf f;
	int l, s;

	(void)state;
	memset(&c, 0, sizeof(c));
	strcpy(c.dir, "/tmp/vnet-vu-XXXXXX");
	assert_non_null(mkdtemp(c.dir));
	snprintf(c.path, sizeof(c.path), "%s/fe", c.dir);
	strcpy(sa.sun_path, c.path);
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(l, 1), 0);
	vu_echo_default_offer(&offer, 1);
	assert_int_equal(vu_echo_init(&c.e, c.path, true, 1, &offer), 0);
	assert_int_equal(pthread_create(&c.thread, NULL, backend_main, &c), 0);
	s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	assert_true(s >= 0);
	vuf_attach(&f, s);
	assert_int_equal(vuf_begin(&f, &plain), 0);
	echo_some(&f, 10);
	vuf_close(&f);
	close(l);
	unlink(c.path);
	backend_stop(&c);
}

/* --fd=FDNUM: a backend given its connected socket ends with it. */
/* conformance: VU-32 */
static void test_adopted_socket(void **state)
{
	struct vnet_features offer;
	struct backend c;
	struct vuf f;
	int sv[2];

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
			 0);
	vu_echo_default_offer(&offer, 1);
	assert_int_equal(vu_echo_init(&c.e, NULL, true, 1, &offer), 0);
	assert_int_equal(vnet_vu_adopt(c.e.vu, sv[1]), 0);
	assert_int_equal(vnet_vu_adopt(c.e.vu, sv[1]), -EISCONN);
	assert_int_equal(pthread_create(&c.thread, NULL, backend_main, &c), 0);
	vuf_attach(&f, sv[0]);
	assert_int_equal(vuf_begin(&f, &plain), 0);
	echo_some(&f, 10);
	vuf_close(&f);
	pthread_join(c.thread, NULL);	/* returns on its own */
	vu_echo_fini(&c.e);
}

/* 128-bit features: the UDP tunnel bits negotiate over FEATURES_EX. */
static void test_features_ex(void **state)
{
	struct backend t;
	struct vnet_features offer;
	uint64_t v, ex[2] = { 0 };
	struct vuf f;

	(void)state;
	vu_echo_default_offer(&offer, 1);
	vnet_features_set(&offer, VNET_F_CSUM);
	vnet_features_set(&offer, VNET_F_HOST_TSO4);
	vnet_features_set(&offer, VNET_F_HOST_TSO6);
	vnet_features_set(&offer, VNET_F_HOST_USO);
	vnet_features_set(&offer, VNET_F_HOST_UDP_TUNNEL_GSO);
	memset(&t, 0, sizeof(t));
	strcpy(t.dir, "/tmp/vnet-vu-XXXXXX");
	assert_non_null(mkdtemp(t.dir));
	snprintf(t.path, sizeof(t.path), "%s/sock", t.dir);
	assert_int_equal(vu_echo_init(&t.e, t.path, false, 1, &offer), 0);
	assert_int_equal(pthread_create(&t.thread, NULL, backend_main, &t), 0);

	assert_int_equal(vuf_connect(&f, t.path), 0);
	assert_int_equal(vuf_get_u64(&f, VNET_VU_GET_PROTOCOL_FEATURES, &v), 0);
	assert_true(v & (1ULL << VNET_VU_PROTOCOL_F_FEATURES_EX));
	v = 1ULL << VNET_VU_PROTOCOL_F_FEATURES_EX |
	    1ULL << VNET_VU_PROTOCOL_F_REPLY_ACK;
	f.protocol = v;
	assert_int_equal(vuf_send_msg(&f, VNET_VU_SET_PROTOCOL_FEATURES, 0, &v,
				      8, NULL, 0), 0);
	assert_int_equal(vuf_send_msg(&f, VNET_VU_GET_FEATURES_EX, 0, NULL, 0,
				      NULL, 0), 0);
	assert_int_equal(vuf_recv_msg(&f, NULL, ex, sizeof(ex)), 16);
	assert_true(ex[1] & (1ULL << (VNET_F_HOST_UDP_TUNNEL_GSO - 64)));
	/* the tunnel bit without HOST_USO breaks a rule: refused */
	ex[0] = offer.w[0] & ~(1ULL << VNET_F_HOST_USO);
	ex[1] = offer.w[1];
	assert_int_not_equal(vuf_set(&f, VNET_VU_SET_FEATURES_EX, ex, 16,
				     NULL, 0), 0);
	vuf_close(&f);
	assert_true(backend_idle(&t));
	assert_int_equal(vuf_connect(&f, t.path), 0);
	f.protocol = v;
	assert_int_equal(vuf_send_msg(&f, VNET_VU_SET_PROTOCOL_FEATURES, 0, &v,
				      8, NULL, 0), 0);
	ex[0] = offer.w[0];
	assert_int_equal(vuf_set(&f, VNET_VU_SET_FEATURES_EX, ex, 16, NULL, 0),
			 0);
	assert_true(vnet_features_has(vnet_vu_features(t.e.vu),
				      VNET_F_HOST_UDP_TUNNEL_GSO));
	vuf_close(&f);
	backend_stop(&t);
}

/* xorshift, for a reproducible storm */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * A storm of random requests: known and unknown numbers, random sizes and
 * payloads (memory tables, ring addresses, fds), after a real start-up so
 * rings exist. The backend may drop the connection at any point; it must
 * not crash, leak an fd, or stop serving.
 */
static void test_random_messages(void **state)
{
	uint8_t p[300], junk[4096];
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	int fds[10], base, i, j, k;
	struct vuf f;

	(void)state;
	if (getenv("VNET_TEST_SEED"))	/* to explore: any non-zero seed */
		seed = strtoull(getenv("VNET_TEST_SEED"), NULL, 0) | 1;
	assert_true(backend_idle(&B));
	base = count_fds();
	for (i = 0; i < 200; i++) {
		struct vuf_opts o = plain;

		o.packed = i & 1;
		assert_int_equal(vuf_start(&f, B.path, &o), 0);
		vuf_rx_fill(&f, 0);
		for (j = 0; j < 20; j++) {
			uint32_t req = (uint32_t)(rnd(&seed) % 45);
			uint32_t size = (uint32_t)(rnd(&seed) % 4 ? rnd(&seed) % 48 :
						   rnd(&seed) % sizeof(p));
			unsigned int nfds = (unsigned int)(rnd(&seed) % 8 ? 0 :
							   rnd(&seed) % 10);

			for (k = 0; k < (int)sizeof(p); k++)
				p[k] = (uint8_t)(k < 8 && rnd(&seed) % 2 ?
						 rnd(&seed) % 4 : rnd(&seed));
			for (k = 0; k < (int)nfds; k++)
				fds[k] = k % 2 ? eventfd(0, EFD_CLOEXEC) :
					 dup(f.memfd);
			if (req == VNET_VU_SET_MEM_TABLE && size >= 8)
				p[0] = (uint8_t)(1 + rnd(&seed) % 3);
			vuf_send_msg(&f, req, 0x1 | (rnd(&seed) % 2 ? 8 : 0),
				     p, size, fds, nfds);
			for (k = 0; k < (int)nfds; k++)
				close(fds[k]);
			vuf_kick(&f, (unsigned int)(rnd(&seed) % 2));
			while (recv(f.sock, junk, sizeof(junk), MSG_DONTWAIT) > 0)
				;
		}
		vuf_close(&f);
		assert_true(backend_idle(&B));
	}
	assert_int_equal(count_fds(), base);
	assert_serving();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_desc_loop, heal),
		cmocka_unit_test_teardown(test_chain_longer_than_queue, heal),
		cmocka_unit_test_teardown(test_head_out_of_range, heal),
		cmocka_unit_test_teardown(test_addr_outside_memory, heal),
		cmocka_unit_test_teardown(test_addr_outside_memory_rx, heal),
		cmocka_unit_test_teardown(test_indirect_bad_size, heal),
		cmocka_unit_test_teardown(test_header_over_many_descriptors, heal),
		cmocka_unit_test_teardown(test_wrong_sizes, heal),
		cmocka_unit_test_teardown(test_stalled_frontend, heal),
		cmocka_unit_test_teardown(test_features_change_while_running, heal),
		cmocka_unit_test_teardown(test_too_many_fds, heal),
		cmocka_unit_test_teardown(test_vring_index_out_of_range, heal),
		cmocka_unit_test_teardown(test_unknown_request, heal),
		cmocka_unit_test_teardown(test_mem_overlap, heal),
		cmocka_unit_test_teardown(test_mem_overflow, heal),
		cmocka_unit_test_teardown(test_mem_beyond_file, heal),
		cmocka_unit_test_teardown(test_mem_sealed, heal),
		cmocka_unit_test_teardown(test_ring_outside_memory, heal),
		cmocka_unit_test_teardown(test_stop_and_resume, heal),
		cmocka_unit_test_teardown(test_ring_enable_and_stop, heal),
		cmocka_unit_test_teardown(test_reconnect_mid_traffic, heal),
		cmocka_unit_test_teardown(test_config, heal),
		cmocka_unit_test_teardown(test_misc_requests, heal),
		cmocka_unit_test_teardown(test_mem_slots, heal),
		cmocka_unit_test_teardown(test_dirty_log, heal),
		cmocka_unit_test_teardown(test_client_mode, heal),
		cmocka_unit_test_teardown(test_adopted_socket, heal),
		cmocka_unit_test_teardown(test_random_messages, heal),
		cmocka_unit_test_teardown(test_features_ex, heal),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
