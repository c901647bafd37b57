// SPDX-License-Identifier: MIT
/* test_bugs_qemu.c - regressions: QEMU virtio-net bug classes, as crafted commands, rings and frames */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/dev_rx.h"
#include "vnet/gro.h"
#include "vnet/rx.h"
#include "bugs_vq.h"
#include "rx_frames.h"
#include "test_util.h"

/*
 * Each class QEMU's virtio-net had to close, as one crafted input against
 * the live code: refused with its named reason, the reason counted, the
 * device (or queue) unchanged, and the next good input served.
 */

/* MAC_TABLE_SET: le32 count, count addresses, le32 count, addresses. */
static void mac_table(struct tu_cmd *c, uint32_t n_uni, uint32_t uni_sent,
		      uint32_t n_multi, uint32_t multi_sent)
{
	uint32_t i;

	tu_cmd_start(c, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET);
	tu_le(c, n_uni, 4);
	for (i = 0; i < uni_sent; i++) {
		const uint8_t a[6] = { 0x02, 0, 0, 0, 0, (uint8_t)i };

		tu_bytes(c, a, 6);
	}
	tu_le(c, n_multi, 4);
	for (i = 0; i < multi_sent; i++) {
		const uint8_t a[6] = { 0x01, 0, 0x5e, 0, 0, (uint8_t)i };

		tu_bytes(c, a, 6);
	}
}

/* CVE-2014-0150: the MAC table entry count overflowing the command
 * (entries * ETH_ALEN wrapped past the buffer in virtio_net_handle_mac). */
static void test_qemu_mac_table_count_overflow(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };
	uint64_t before;

	(void)state;
	mac_table(&c, 1, 1, 1, 1);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->uni.count, 1);
	before = d->stats.ctrl_err_mac_count;

	mac_table(&c, 0x2aaaaaab, 1, 0, 0);	/* count * 6 wraps 32 bits */
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_ERR);
	mac_table(&c, 0xffffffff, 1, 0, 0);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_ERR);
	mac_table(&c, 1, 1, 0xffffffff, 2);	/* second table overflows */
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_ERR);
	assert_int_equal(d->stats.ctrl_err_mac_count, before + 3);
	assert_int_equal(d->uni.count, 1);	/* unchanged */
	assert_int_equal(d->multi.count, 1);

	mac_table(&c, 2, 2, 0, 0);		/* next good command */
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->uni.count, 2);
	tu_dev_free(d);
}

/* RSS indirection entries beyond the queue count (QEMU
 * virtio_net_handle_rss: "indirections_table[i] >= queue_pairs"). */
/* conformance: D-RSS-02 */
static void test_qemu_rss_indirection_beyond_queues(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };
	struct tu_frame fr = { .len = 0 };
	struct vnet_parse_result res;
	struct vnet_rx_verdict v;
	struct iovec iov;
	struct vnet_pkt pkt;
	unsigned int i;

	(void)state;
	tu_rss_cmd(&c, VNET_HASH_TYPE_ALL, 128, 2, 0);
	c.b[2 + 4 + 2 + 2 + 2 * 77] = 2;	/* entry 77 names queue 2 of 2 */
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_ERR);
	assert_int_equal(d->stats.ctrl_err_rss_queue, 1);
	tu_rss_cmd(&c, VNET_HASH_TYPE_ALL, 128, 2, 0);
	c.b[2 + 4 + 2 + 2 + 2 * 3 + 1] = 0xff;	/* entry 3: 0xff00 */
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_ERR);
	assert_int_equal(d->stats.ctrl_err_rss_queue, 2);
	assert_int_not_equal(d->mq, VNET_MQ_RSS);	/* unchanged */

	tu_rss_cmd(&c, VNET_HASH_TYPE_ALL, 128, 2, 0);	/* the good one */
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	for (i = 0; i < 64; i++) {
		const uint8_t src[4] = { 10, 0, 0, (uint8_t)i };
		const uint8_t dst[4] = { 10, 0, 1, 1 };

		fr.len = 0;
		tu_eth(&fr, tu_mac, tu_mac, 0x0800);
		tu_ipv4(&fr, src, dst, 6, 20, 0);
		tu_tcp(&fr, 1000 + i, 80);
		iov = (struct iovec){ fr.b, fr.len };
		vnet_pkt_init(&pkt, &iov, 1);
		assert_int_equal(vnet_parse(&pkt, NULL, &res), 0);
		vnet_dev_rx(d, &pkt, &res, &v);
		assert_true(v.queue < 2);
	}
	tu_dev_free(d);
}

/* Receive with HASH_REPORT and MRG_RXBUF into a first buffer shorter than
 * the 20-byte header (QEMU wrote the hash fields past a short first
 * iovec): the queue is broken with net_hdr_buffer, nothing written. */
/* conformance: D-RXB-01 */
static void test_qemu_hash_report_mrg_short_first_buffer(void **state)
{
	static const int bits[] = { VNET_F_VERSION_1, VNET_F_MRG_RXBUF,
				    VNET_F_HASH_REPORT, -1 };
	struct bq *f = *state;
	struct buf b = { G_BUF_GPA, 12, true };

	bq_up(f, VNET_VIRTQ_DIR_IN, bits);
	assert_int_equal(f->n.layout.size, VNET_HDR_LEN_HASH);
	memset(gp(f->g, G_BUF_GPA, 64), 0xee, 64);
	split_add(&f->d, &b, 1);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->q, &f->n, &f->e, 1, 60),
			 -EIO);
	assert_int_equal(*gp(f->g, G_BUF_GPA + 12, 1), 0xee);
	assert_int_equal(split_used_idx(&f->d), 0);
	bq_assert_broken(f, "net_hdr_buffer");
}

/* A receive descriptor whose address is outside guest RAM (QEMU's
 * virtqueue_map_desc "bogus descriptor" path): the queue breaks, nothing
 * is written anywhere, the other queue is served. */
static void test_qemu_rx_desc_outside_ram(void **state)
{
	struct bq *f = *state;
	struct buf b[2] = { { G_BUF_GPA, 64, true }, { G_HOLE_GPA, 1500, true } };

	bq_up(f, VNET_VIRTQ_DIR_IN, bq_v1);
	split_add(&f->d, b, 2);
	vnet_virtq_elem_init(&f->e, f->out, BQ_NIOV, f->in, BQ_NIOV);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->q, &f->n, &f->e, 1, 60),
			 -EIO);
	assert_int_equal(split_used_idx(&f->d), 0);
	bq_assert_broken(f, "addr_not_in_memory");
}

/* RSC on frames whose IPv4 IHL lies (QEMU virtio_net_rsc_sanity_check4
 * trusted ip_hdrlen): below 5, and longer than the packet. Neither is held
 * or merged; each is passed on as it came, counted; the flow after them
 * still coalesces. */
static void test_qemu_rsc_ihl_lies(void **state)
{
	static const struct tf_spec tcp4 = { .tcp_flags = 0x10 };
	static struct rf_seg seg;
	static struct rf_out out;
	struct vnet_gro_params p;
	struct vnet_gro_ctx ctx;
	struct tf_spec s = tcp4;
	uint8_t ihl[] = { 0x44, 0x4f, 0x46 };
	unsigned int i;

	(void)state;
	vnet_gro_params_default(&p, VNET_GRO_F_ALL | VNET_GRO_F_RSC);
	assert_int_equal(vnet_gro_init(&ctx, &p), 0);
	s.payload = 1000;
	for (i = 0; i < sizeof(ihl); i++) {
		rf_make(&seg, &s, 1000 + 1000 * i, 1, 0x10, 500, (uint16_t)i);
		seg.b[seg.lay.l3] = ihl[i];
		rf_out_reset(&out);
		assert_int_equal(rf_feed(&ctx, &seg, 0, &out), 1);
		assert_int_equal(out.len[0], seg.len);		/* as it came */
		assert_memory_equal(out.b[0], seg.b, seg.len);
		assert_int_equal(ctx.nheld, 0);
	}
	assert_int_equal(ctx.stats[VNET_GRO_S_MERGED], 0);
	assert_int_equal(ctx.stats[VNET_GRO_S_HELD], 0);
	assert_int_equal(ctx.stats[VNET_GRO_S_PASSED], sizeof(ihl));
	assert_int_equal(ctx.stats[VNET_GRO_S_NOT_IP], 1);	/* IHL 4 */
	assert_int_equal(ctx.stats[VNET_GRO_S_IP_OPTS], 1);	/* IHL 6 */
	/* IHL 15 reads the TCP header as options and payload as TCP: some
	 * bypass rule takes it (here SYN); what matters is that it passes. */

	rf_out_reset(&out);				/* the good flow */
	for (i = 0; i < 2; i++) {
		rf_make(&seg, &s, 1000 + 1000 * i, 1, 0x10, 500, (uint16_t)i);
		rf_stream(&seg, 1000 * i, &s);
		assert_int_equal(rf_feed(&ctx, &seg, 0, &out), 0);
	}
	assert_int_equal(ctx.stats[VNET_GRO_S_MERGED], 1);
	assert_int_equal(vnet_gro_flush(&ctx, 0, VNET_GRO_FLUSH_ALL,
					rf_collect, &out), 1);
	assert_int_equal(out.segs[0], 2);
	rf_out_reset(&out);
	vnet_gro_fini(&ctx);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, bq_setup, bq_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_qemu_mac_table_count_overflow),
		T(test_qemu_rss_indirection_beyond_queues),
		T(test_qemu_hash_report_mrg_short_first_buffer),
		T(test_qemu_rx_desc_outside_ram),
		T(test_qemu_rsc_ihl_lies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
