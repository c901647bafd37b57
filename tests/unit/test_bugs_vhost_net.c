// SPDX-License-Identifier: MIT
/* test_bugs_vhost_net.c - regressions: Linux vhost-net bug classes, as crafted receive rings, logs and kicks */

#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>

#include <cmocka.h>

#include "bugs_vq.h"
#include "bugs_vu.h"

/*
 * Each class Linux's vhost-net had to close, as one crafted input against
 * the live code, with the outcome asserted and the next good input served.
 */

/* CVE-2019-14835 ("V-gHost"): zero-length descriptors during dirty
 * logging; vhost assumed log_num < in_num, which zero-length descriptors
 * break, and overflowed the log array during migration. Here: segments of
 * zero length (one with a pointer into no region) mark nothing, the real
 * ones mark exactly their pages, and nothing is written past the log. */
static void test_vhost_net_zero_len_desc_logging(void **state)
{
	struct bv *h = bv_new();
	int logfd = memfd_create("bugs-log", MFD_CLOEXEC);
	uint64_t log[2] = { 4, 0 };	/* 4 bytes: pages 0..31 */
	const struct vnet_mem_region *r;
	struct iovec iov[6];
	uint8_t *bits, *ram;

	(void)state;
	assert_true(logfd >= 0);
	assert_int_equal(ftruncate(logfd, 4096), 0);
	bv_start(h, 1ULL << VNET_VU_F_LOG_ALL);
	assert_int_equal(bv_mem_table(h, 0, BV_MEM_SIZE, 0), 0);
	assert_int_equal(bv_req(h, VNET_VU_SET_LOG_BASE, 1, log, 16, &logfd,
				1), 0);
	assert_int_equal(bv_reply(h, log, 8), 8);	/* LOG_SHMFD: a reply */
	assert_int_equal(log[0], 0);
	r = &vnet_vu_mem(h->vu)->regions[0];
	ram = r->hva;
	iov[0] = (struct iovec){ ram + 0x3000, 0 };
	iov[1] = (struct iovec){ ram + 0x5000, 100 };		/* page 5 */
	iov[2] = (struct iovec){ (void *)(uintptr_t)16, 0 };	/* nowhere */
	iov[3] = (struct iovec){ ram + 0x9ff0, 0x20 };		/* 9, 10 */
	iov[4] = (struct iovec){ ram + 0x40000, 0 };
	iov[5] = (struct iovec){ ram + 0x30000, 64 };		/* past log */
	assert_int_equal(vnet_vu_log_write(h->vu, iov, 6, 100 + 0x20 + 64), 3);
	bits = mmap(NULL, 4096, PROT_READ, MAP_SHARED, logfd, 0);
	assert_true(bits != MAP_FAILED);
	assert_int_equal(bits[0], 1u << 5);
	assert_int_equal(bits[1], (1u << 1) | (1u << 2));
	assert_int_equal(bits[2] | bits[3], 0);
	assert_int_equal(bits[4], 0);			/* nothing past it */
	munmap(bits, 4096);
	close(logfd);
	bv_alive(h);
	bv_free(h);
}

/* Start receive queue 0 over vhost-user: 8 entries, the rings at guest
 * 0x1000 (descriptors), 0x2000 (avail), 0x3000 (used). */
static void rx_queue_start(struct bv *h, int kick)
{
	uint32_t st[2] = { 0, 8 };
	uint64_t addr[5] = { 0, BV_UVA + 0x1000, BV_UVA + 0x3000,
			     BV_UVA + 0x2000, 0 };
	uint64_t idx = 0;

	assert_int_equal(bv_req(h, VNET_VU_SET_VRING_NUM, 1, st, 8, NULL, 0),
			 0);
	assert_int_equal(bv_req(h, VNET_VU_SET_VRING_ADDR, 1, addr, 40, NULL,
				0), 0);
	st[1] = 0;
	assert_int_equal(bv_req(h, VNET_VU_SET_VRING_BASE, 1, st, 8, NULL, 0),
			 0);
	assert_int_equal(bv_req(h, VNET_VU_SET_VRING_KICK, 1, &idx, 8, &kick,
				1), 0);
	st[1] = 1;
	assert_int_equal(bv_req(h, VNET_VU_SET_VRING_ENABLE, 1, st, 8, NULL,
				0), 0);
	assert_non_null(vnet_vu_queue(h->vu, 0));
}

/* The same class through a real receive ring: a chain of four writable
 * descriptors, two of them empty, popped and logged as a device does. */
static void test_vhost_net_zero_len_desc_logging_ring(void **state)
{
	struct bv *h = bv_new();
	int logfd = memfd_create("bugs-log", MFD_CLOEXEC);
	int kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint64_t log[2] = { 4, 0 };
	struct iovec out[4], in[4];
	struct vnet_virtq_elem e;
	uint8_t *ram, *bits;

	(void)state;
	assert_true(logfd >= 0 && kick >= 0);
	assert_int_equal(ftruncate(logfd, 4096), 0);
	ram = mmap(NULL, BV_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   h->memfd, 0);
	assert_true(ram != MAP_FAILED);
	st64(ram + 0x1000, 0x5000);			/* empty */
	st32(ram + 0x1008, 0);
	st16(ram + 0x100c, G_DESC_F_WRITE | G_DESC_F_NEXT);
	st16(ram + 0x100e, 1);
	st64(ram + 0x1010, 0x6000);			/* page 6 */
	st32(ram + 0x1018, 100);
	st16(ram + 0x101c, G_DESC_F_WRITE | G_DESC_F_NEXT);
	st16(ram + 0x101e, 2);
	st64(ram + 0x1020, UINT64_MAX - 3);		/* empty, nowhere */
	st32(ram + 0x1028, 0);
	st16(ram + 0x102c, G_DESC_F_WRITE | G_DESC_F_NEXT);
	st16(ram + 0x102e, 3);
	st64(ram + 0x1030, 0x9ff0);			/* pages 9, 10 */
	st32(ram + 0x1038, 0x20);
	st16(ram + 0x103c, G_DESC_F_WRITE);
	st16(ram + 0x2002, 1);				/* avail idx 1 */

	bv_start(h, 1ULL << VNET_VU_F_LOG_ALL);
	assert_int_equal(bv_mem_table(h, 0, BV_MEM_SIZE, 0), 0);
	assert_int_equal(bv_req(h, VNET_VU_SET_LOG_BASE, 1, log, 16, &logfd,
				1), 0);
	assert_int_equal(bv_reply(h, log, 8), 8);
	rx_queue_start(h, kick);
	vnet_virtq_elem_init(&e, out, 4, in, 4);
	assert_int_equal(vnet_virtq_pop(vnet_vu_queue(h->vu, 0), &e), 1);
	assert_int_equal(e.ndescs, 4);
	assert_int_equal(e.in_num, 2);			/* the empty ones: none */
	assert_int_equal(e.in_len, 100 + 0x20);
	assert_int_equal(vnet_vu_log_write(h->vu, e.in, e.in_num, e.in_len),
			 3);
	bits = mmap(NULL, 4096, PROT_READ, MAP_SHARED, logfd, 0);
	assert_true(bits != MAP_FAILED);
	/* page 6 and pages 9, 10 (the data); page 3 is the used ring, whose
	 * flags the queue wrote as it started, marked where it lies (no
	 * VHOST_VRING_F_LOG here: README, "Dirty log decisions") */
	assert_int_equal(bits[0], (1u << 6) | (1u << 3));
	assert_int_equal(bits[1], (1u << 1) | (1u << 2));
	assert_int_equal(bits[2] | bits[3] | bits[4], 0);
	munmap(bits, 4096);
	munmap(ram, BV_MEM_SIZE);
	close(logfd);
	close(kick);
	bv_alive(h);
	bv_free(h);
}

/* Out-of-range heads in receive buffers (vhost get_rx_bufs() used a head
 * from the avail ring as an index): alone, and as the second buffer of a
 * mergeable receive after a good first one, which is given back. */
static void test_vhost_net_rx_head_out_of_range(void **state)
{
	static const int mrg[] = { VNET_F_VERSION_1, VNET_F_MRG_RXBUF, -1 };
	struct bq *f = *state;
	struct buf b = { G_BUF_GPA, 100, true };
	struct vnet_virtq_elem e[4];
	struct iovec in[4][4];
	unsigned int i;

	bq_up(f, VNET_VIRTQ_DIR_IN, bq_v1);
	split_avail_add(&f->d, BQ_SIZE + 3);
	split_publish(&f->d);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->q, &f->n, &f->e, 1, 60),
			 -EIO);
	bq_assert_broken(f, "head_out_of_range");

	split_init(&f->d, f->g, BQ_SIZE, G_RING_GPA);
	bq_up(f, VNET_VIRTQ_DIR_IN, mrg);
	for (i = 0; i < 4; i++)
		vnet_virtq_elem_init(&e[i], NULL, 0, in[i], 4);
	split_add(&f->d, &b, 1);			/* good, 100 bytes */
	split_avail_add(&f->d, 0xffff);			/* then a bad head */
	split_publish(&f->d);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->q, &f->n, e, 4, 150),
			 -EIO);
	assert_int_equal(split_used_idx(&f->d), 0);	/* nothing used */
	bq_assert_broken(f, "head_out_of_range");
}

/* CVE-2019-3900: a guest that never stops kicking kept vhost's handle_tx
 * in its loop. The device takes at most a burst per pass: a guest that
 * refills as fast as buffers are taken still gets exactly a burst, and the
 * other queue is served on every pass. (What the library bounds; the
 * daemon's own pass is vnetd's datapath, VNETD_BURST per queue.) */
static void test_vhost_net_guest_never_stops_kicking(void **state)
{
	struct bq *f = *state;
	struct buf b = { G_BUF_GPA, 64, false };
	struct vnet_virtq_elem e[4];
	struct iovec out[4][2];
	unsigned int pass, i;

	bq_up(f, VNET_VIRTQ_DIR_OUT, bq_v1);
	for (i = 0; i < 4; i++)
		vnet_virtq_elem_init(&e[i], out[i], 2, NULL, 0);
	for (i = 0; i < BQ_SIZE; i++)
		split_add(&f->d, &b, 1);
	for (pass = 0; pass < 100; pass++) {
		int n = vnet_virtq_pop_burst(&f->q, e, 4);

		assert_int_equal(n, 4);			/* bounded */
		for (i = 0; i < 4; i++)
			assert_int_equal(vnet_virtq_push(&f->q, &e[i], 0), 0);
		assert_int_equal(vnet_virtq_flush(&f->q), 4);
		for (i = 0; i < 4; i++) {		/* the guest refills */
			f->d.next_desc = (uint16_t)((pass * 4 + i) % BQ_SIZE);
			split_add(&f->d, &b, 1);
		}
		bq_other_queue_served(f);		/* never starved */
	}
	assert_false(vnet_virtq_broken(&f->q));
	assert_int_equal(vnet_virtq_get_stats(&f->q)->popped, 400);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, bq_setup, bq_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_vhost_net_zero_len_desc_logging),
		T(test_vhost_net_zero_len_desc_logging_ring),
		T(test_vhost_net_rx_head_out_of_range),
		T(test_vhost_net_guest_never_stops_kicking),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
