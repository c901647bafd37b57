// SPDX-License-Identifier: MIT
/* test_rsc.c - RSC_EXT coalescing: one test per rule of qemu-rsc-commit.txt */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rx_frames.h"
#include "vnet/rx.h"

static struct rf_seg seg;
static struct rf_out out;
static struct vnet_gro_ctx ctx;

static const struct tf_spec tcp4 = { .tcp_flags = 0x10 };

static int setup(void **state)
{
	struct vnet_gro_params p;

	(void)state;
	vnet_gro_params_default(&p, VNET_GRO_F_ALL | VNET_GRO_F_RSC);
	assert_int_equal(vnet_gro_init(&ctx, &p), 0);
	rf_out_reset(&out);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vnet_gro_fini(&ctx);
	rf_out_reset(&out);
	return 0;
}

/* Build a segment into seg: @len bytes at stream offset @off. */
static void mk(const struct tf_spec *sp, uint32_t off, size_t len,
	       uint32_t ack, uint8_t flags, uint16_t win, uint16_t id)
{
	struct tf_spec s = *sp;

	s.payload = len;
	rf_make(&seg, &s, 1000 + off, ack, flags, win, id);
	rf_stream(&seg, off, &s);
}

static int feed(uint64_t now)
{
	return rf_feed(&ctx, &seg, now, &out);
}

/* Hold two data segments of the flow (stream 0..2000). */
static void hold_two(void)
{
	mk(&tcp4, 0, 1000, 77, 0x10, 502, 1);
	assert_int_equal(feed(0), 0);
	mk(&tcp4, 1000, 1000, 77, 0x10, 502, 2);
	assert_int_equal(feed(0), 0);
	assert_int_equal(ctx.nheld, 1);
}

/* "All the 'SYN' packets will be bypassed": sent at once, flow kept. */
static void test_syn_bypass(void **state)
{
	(void)state;
	hold_two();
	mk(&tcp4, 2000, 0, 77, 0x12, 502, 3);
	assert_int_equal(feed(0), 1);
	assert_int_equal(out.segs[0], 1);
	assert_int_equal(out.len[0], seg.len);
	assert_int_equal(ctx.nheld, 1);		/* not flushed */
	assert_int_equal(ctx.stats[VNET_GRO_S_SYN], 1);
}

/* Sanity check 2: "An IP options or IP fragment" is bypassed. */
static void test_ip_options_bypass(void **state)
{
	struct tf_spec s = tcp4;

	(void)state;
	hold_two();
	s.ip_opt = 4;
	mk(&s, 2000, 1000, 77, 0x10, 502, 3);
	assert_int_equal(feed(0), 1);
	assert_int_equal(ctx.nheld, 1);
	assert_int_equal(ctx.stats[VNET_GRO_S_IP_OPTS], 1);
}

/* Sanity check 2: a first fragment (MF set) is bypassed. */
static void test_fragment_bypass(void **state)
{
	(void)state;
	hold_two();
	mk(&tcp4, 2000, 1000, 77, 0x10, 502, 3);
	seg.b[14 + 6] = 0x20;			/* MF, DF clear */
	rf_fix_csum(&seg, &tcp4);
	assert_int_equal(feed(0), 1);
	assert_int_equal(ctx.nheld, 1);
	assert_int_equal(ctx.stats[VNET_GRO_S_FRAG], 1);
}

/* Sanity check 5: "An ECN packet" (ECT/CE in the IP header) is bypassed. */
static void test_ecn_bypass(void **state)
{
	(void)state;
	hold_two();
	mk(&tcp4, 2000, 1000, 77, 0x10, 502, 3);
	seg.b[14 + 1] = 0x03;			/* CE */
	rf_fix_csum(&seg, &tcp4);
	assert_int_equal(feed(0), 1);
	assert_int_equal(ctx.nheld, 1);
	assert_int_equal(ctx.stats[VNET_GRO_S_ECN], 1);
}

/* "URG/FIN/RST/CWR/ECE will trigger a finalization": flow, then segment. */
static void test_finalize_flags(void **state)
{
	static const uint8_t fl[] = { 0x11, 0x30, 0x14, 0x90, 0x50 };
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(fl); i++) {
		rf_out_reset(&out);
		mk(&tcp4, i * 3000, 1000, 77, 0x10, 502, (uint16_t)(i * 3));
		feed(0);
		mk(&tcp4, i * 3000 + 1000, 1000, 77, 0x10, 502,
		   (uint16_t)(i * 3 + 1));
		feed(0);
		mk(&tcp4, i * 3000 + 2000, 1000, 77, fl[i], 502,
		   (uint16_t)(i * 3 + 2));
		assert_int_equal(feed(0), 2);
		assert_int_equal(out.segs[0], 2);	/* the flow first */
		assert_int_equal(out.h[0].gso_type, VNET_HDR_GSO_TCPV4);
		assert_int_equal(out.len[1], seg.len);	/* then the segment */
		assert_memory_equal(out.b[1], seg.b, seg.len);
		assert_int_equal(ctx.nheld, 0);
	}
	assert_int_equal(ctx.stats[VNET_GRO_S_FINALIZE], 5);
}

static int got_n;

static int cb(void *o, const struct vnet_hdr *h, const struct vnet_pkt *p)
{
	(void)p;
	*(struct vnet_hdr *)o = *h;
	got_n++;
	return 0;
}

/*
 * "duplicated ack": a pure ACK at the expected sequence with the same ACK
 * and window is counted, absorbed, and reported in csum_offset (spec:
 * "number of duplicated ACK segments in csum_offset").
 */
/* conformance: NET-RX-29 */
static void test_dup_ack_count(void **state)
{
	struct vnet_rx_ctx rx;
	struct vnet_features f;
	int i;

	(void)state;
	hold_two();
	for (i = 0; i < 3; i++) {
		mk(&tcp4, 2000, 0, 77, 0x10, 502, (uint16_t)(3 + i));
		assert_int_equal(feed(0), 0);
	}
	assert_int_equal(ctx.stats[VNET_GRO_S_DUP_ACK], 3);
	assert_int_equal(vnet_gro_flush(&ctx, 0, VNET_GRO_FLUSH_ALL,
					rf_collect, &out), 1);
	assert_int_equal(out.segs[0], 2);
	assert_int_equal(out.dup[0], 3);
	/* delivered with RSC_EXT: RSC_INFO, segments and dup ACKs */
	vnet_features_parse("version_1,guest_csum,guest_tso4,guest_tso6,"
			    "ctrl_guest_offloads,rsc_ext", VNET_PROFILE_STANDARD,
			    &f, NULL, NULL);
	assert_int_equal(vnet_rx_ctx_init(&rx, &f, 0), 0);
	{
		struct vnet_rx_frame fr;
		struct iovec iov = { .iov_base = out.b[0],
				     .iov_len = out.len[0] };
		struct vnet_hdr got;

		memset(&fr, 0, sizeof(fr));
		fr.hdr = out.h[0];
		vnet_pkt_init(&fr.pkt, &iov, 1);
		fr.segs = out.segs[0];
		fr.dup_acks = out.dup[0];
		fr.csum_ok = true;
		got_n = 0;
		assert_int_equal(vnet_rx_deliver(&rx, &fr, cb, &got), 1);
		assert_int_equal(got_n, 1);
		assert_int_equal(got.flags, VNET_HDR_F_NEEDS_CSUM |
			VNET_HDR_F_RSC_INFO);
		assert_int_equal(got.gso_type, VNET_HDR_GSO_TCPV4);
		assert_int_equal(got.csum_start, 2);
		assert_int_equal(got.csum_offset, 3);
	}
	vnet_rx_ctx_fini(&rx);
}

/* A duplicate ACK padded to 60 bytes, as a NIC delivers it, counts too. */
static void test_dup_ack_padded(void **state)
{
	struct tf_spec s = tcp4;

	(void)state;
	hold_two();
	s.payload = 0;
	rf_make(&seg, &s, 3000, 77, 0x10, 502, 3);
	assert_int_equal(seg.len, 54);
	memset(seg.b + 54, 0, 6);
	seg.len = 60;
	assert_int_equal(feed(0), 0);
	assert_int_equal(ctx.stats[VNET_GRO_S_DUP_ACK], 1);
	/* data with a trailer is not held: the flow goes, then the frame */
	mk(&tcp4, 2000, 100, 77, 0x10, 502, 4);
	seg.b[seg.len] = 0;
	seg.len += 2;
	assert_int_equal(feed(0), 2);
}

/* "Coalesce window update": same ACK, new window: absorbed, window kept. */
static void test_window_update(void **state)
{
	(void)state;
	hold_two();
	mk(&tcp4, 2000, 0, 77, 0x10, 900, 3);
	assert_int_equal(feed(0), 0);
	assert_int_equal(ctx.stats[VNET_GRO_S_WIN_UPDATE], 1);
	vnet_gro_flush(&ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect, &out);
	assert_int_equal(tf_get16(out.b[0] + 14 + 20 + 14), 900);
}

/* "pure ack, go to 'C', finalize": an ACK that moves on. */
static void test_pure_ack_finalize(void **state)
{
	(void)state;
	hold_two();
	mk(&tcp4, 2000, 0, 5000, 0x10, 502, 3);
	assert_int_equal(feed(0), 2);
	assert_int_equal(ctx.stats[VNET_GRO_S_PURE_ACK], 1);
}

/* "Not a consistent packet, out of order": finalize. */
static void test_out_of_order(void **state)
{
	(void)state;
	hold_two();
	mk(&tcp4, 5000, 1000, 77, 0x10, 502, 3);
	assert_int_equal(feed(0), 2);
	assert_int_equal(ctx.nheld, 0);
	assert_int_equal(ctx.stats[VNET_GRO_S_OUT_OF_ORDER], 1);
}

/* RSC coalesces PSH, a moving ACK and window; the newest header wins. */
static void test_psh_ack_coalesced(void **state)
{
	(void)state;
	hold_two();
	mk(&tcp4, 2000, 1000, 900, 0x18, 600, 3);
	assert_int_equal(feed(0), 0);
	vnet_gro_flush(&ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect, &out);
	assert_int_equal(out.segs[0], 3);
	assert_int_equal(tf_get32(out.b[0] + 14 + 20 + 8), 900);
	assert_int_equal(out.b[0][14 + 20 + 13], 0x18);
	assert_int_equal(tf_get16(out.b[0] + 14 + 20 + 14), 600);
}

/* RSC ignores the IPv4 ID ("windows set it to the same"). */
static void test_id_ignored(void **state)
{
	(void)state;
	mk(&tcp4, 0, 1000, 77, 0x10, 502, 7);
	seg.b[14 + 6] = 0;			/* no DF, same ID */
	rf_fix_csum(&seg, &tcp4);
	feed(0);
	mk(&tcp4, 1000, 1000, 77, 0x10, 502, 7);
	seg.b[14 + 6] = 0;
	rf_fix_csum(&seg, &tcp4);
	assert_int_equal(feed(0), 0);
	assert_int_equal(ctx.stats[VNET_GRO_S_MERGED], 1);
}

/*
 * The drain timer: "the timer will only be triggered if the packets pool
 * is not empty, and it'll drain off all the cached packets" (300 us).
 */
static void test_timer_release(void **state)
{
	(void)state;
	mk(&tcp4, 0, 1000, 77, 0x10, 502, 1);
	feed(10000);
	mk(&tcp4, 1000, 1000, 77, 0x10, 502, 2);
	feed(20000);
	assert_int_equal(vnet_gro_next_deadline(&ctx), 10000 + 300000);
	assert_int_equal(vnet_gro_flush(&ctx, 309999, VNET_GRO_FLUSH_EXPIRED,
					rf_collect, &out), 0);
	assert_int_equal(vnet_gro_flush(&ctx, 310000, VNET_GRO_FLUSH_EXPIRED,
					rf_collect, &out), 1);
	assert_int_equal(out.segs[0], 2);
	assert_int_equal(vnet_gro_next_deadline(&ctx), UINT64_MAX);
	assert_int_equal(ctx.stats[VNET_GRO_S_TIMER], 1);
}

/* Statistics add up: every frame fed is merged, held, absorbed or out. */
static void test_stats_match(void **state)
{
	uint64_t *st = ctx.stats;

	(void)state;
	hold_two();					/* held, merged */
	mk(&tcp4, 2000, 0, 77, 0x10, 502, 3);		/* dup ack */
	feed(0);
	mk(&tcp4, 2000, 0, 77, 0x12, 502, 4);		/* syn */
	feed(0);
	mk(&tcp4, 2000, 1000, 77, 0x11, 502, 5);	/* fin */
	feed(0);
	assert_int_equal(st[VNET_GRO_S_IN], 5);
	assert_int_equal(st[VNET_GRO_S_HELD], 1);
	assert_int_equal(st[VNET_GRO_S_MERGED], 1);
	assert_int_equal(st[VNET_GRO_S_DUP_ACK], 1);
	assert_int_equal(st[VNET_GRO_S_SYN], 1);
	assert_int_equal(st[VNET_GRO_S_FINALIZE], 1);
	assert_int_equal(st[VNET_GRO_S_PASSED], 2);
	assert_int_equal(st[VNET_GRO_S_OUT], 3);
	assert_int_equal(st[VNET_GRO_S_IN], st[VNET_GRO_S_HELD] +
			 st[VNET_GRO_S_MERGED] + st[VNET_GRO_S_DUP_ACK] +
			 st[VNET_GRO_S_PASSED]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_syn_bypass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ip_options_bypass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragment_bypass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ecn_bypass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finalize_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dup_ack_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dup_ack_padded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pure_ack_finalize, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_psh_ack_coalesced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_id_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_match, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
