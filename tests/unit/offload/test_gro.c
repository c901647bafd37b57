// SPDX-License-Identifier: MIT
/* test_gro.c - receive coalescing: Linux GRO rules, flushing, properties */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rx_frames.h"
#include "vnet/gso.h"

static struct rf_seg seg;
static struct rf_out out;

static struct vnet_gro_ctx *gro_new(uint32_t flags, unsigned int flows,
				    unsigned int max_segs)
{
	static struct vnet_gro_ctx ctx;
	struct vnet_gro_params p;

	vnet_gro_params_default(&p, flags);
	p.flows = flows;
	p.max_segs = max_segs;
	assert_int_equal(vnet_gro_init(&ctx, &p), 0);
	rf_out_reset(&out);
	return &ctx;
}

static void gro_del(struct vnet_gro_ctx *ctx)
{
	vnet_gro_fini(ctx);
	rf_out_reset(&out);
}

/* Feed a TCP data segment of @len bytes at stream offset @off. */
static int feed_tcp(struct vnet_gro_ctx *ctx, const struct tf_spec *sp,
		    uint32_t off, size_t len, uint8_t flags, uint16_t id,
		    uint64_t now)
{
	struct tf_spec s = *sp;

	s.payload = len;
	rf_make(&seg, &s, 1000 + off, 77, flags, 502, id);
	rf_stream(&seg, off, &s);
	return rf_feed(ctx, &seg, now, &out);
}

/* Check a super-frame field by field; @n segments of @mss, stream from 0. */
static void check_super(unsigned int i, const struct tf_spec *s, size_t total,
			uint16_t mss, unsigned int n)
{
	const uint8_t *b = out.b[i];
	struct tf_spec t = *s;
	struct rf_seg *ref = calloc(1, sizeof(*ref));
	size_t k, l3, l4, pay;

	assert_non_null(ref);
	t.payload = total;
	rf_make(ref, &t, 1000, 77, 0x10, 502, 0);
	l3 = ref->lay.l3;
	l4 = ref->lay.l4;
	pay = ref->lay.pay;
	assert_int_equal(out.len[i], pay + total);
	assert_int_equal(out.segs[i], n);
	assert_true(out.ok[i]);
	/* virtio_net_hdr_from_skb(): NEEDS_CSUM, csum_start at L4 */
	assert_int_equal(out.h[i].flags & VNET_HDR_F_NEEDS_CSUM,
			 VNET_HDR_F_NEEDS_CSUM);
	assert_int_equal(out.h[i].gso_type & 0x1f, s->udp ? VNET_HDR_GSO_UDP_L4 :
			 s->v6 ? VNET_HDR_GSO_TCPV6 : VNET_HDR_GSO_TCPV4);
	assert_int_equal(out.h[i].gso_size, mss);
	assert_int_equal(out.h[i].csum_start, l4);
	assert_int_equal(out.h[i].csum_offset, s->udp ? 6 : 16);
	assert_int_equal(out.h[i].hdr_len, pay);
	/* IP length covers the whole datagram; IPv4 checksum holds */
	if (s->v6) {
		assert_int_equal(tf_get16(b + l3 + 4), out.len[i] - l3 - 40);
	} else {
		assert_int_equal(tf_get16(b + l3 + 2), out.len[i] - l3);
		assert_int_equal(tf_fold(tf_sum(b + l3, 20, 0)), 0xffff);
	}
	/* L4 checksum field: the pseudo-header sum over the whole length */
	assert_int_equal(tf_get16(b + l4 + (s->udp ? 6 : 16)),
			 tf_fold(tf_pseudo(b + l3, s->v6, s->udp ? 17 : 6,
					   (uint32_t)(out.len[i] - l4))));
	for (k = 0; k < total; k++)
		assert_int_equal(b[pay + k], (uint8_t)(k * 7 + 3));
	free(ref);
}

static const struct tf_spec tcp4 = { .tcp_flags = 0x10 };
static const struct tf_spec tcp6 = { .v6 = true, .tcp_flags = 0x10 };

/* Linux tcp_gro_receive(): in-order MSS segments of one flow join. */
static void test_tcp4_basic(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);
	int i;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_int_equal(feed_tcp(ctx, &tcp4, (uint32_t)i * 1000, 1000,
					  0x10, (uint16_t)(5 + i), 0), 0);
	assert_int_equal(vnet_gro_flush(ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect,
					&out), 1);
	check_super(0, &tcp4, 4000, 1000, 4);
	assert_int_equal(tf_get16(out.b[0] + 14 + 4), 5);	/* first ID */
	assert_int_equal(ctx->stats[VNET_GRO_S_MERGED], 3);
	gro_del(ctx);
}

/* The same over IPv6. */
static void test_tcp6_basic(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);
	int i;

	(void)state;
	for (i = 0; i < 5; i++)
		feed_tcp(ctx, &tcp6, (uint32_t)i * 1200, 1200, 0x10, 0, 0);
	vnet_gro_flush(ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect, &out);
	assert_int_equal(out.n, 1);
	check_super(0, &tcp6, 6000, 1200, 5);
	gro_del(ctx);
}

/* flush |= seq mismatch: a gap closes the flow, the segment starts anew. */
static void test_out_of_order(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);

	(void)state;
	feed_tcp(ctx, &tcp4, 0, 1000, 0x10, 1, 0);
	feed_tcp(ctx, &tcp4, 1000, 1000, 0x10, 2, 0);
	assert_int_equal(feed_tcp(ctx, &tcp4, 3000, 1000, 0x10, 3, 0), 1);
	check_super(0, &tcp4, 2000, 1000, 2);
	vnet_gro_flush(ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect, &out);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.h[1].gso_type, VNET_HDR_GSO_NONE);
	assert_int_equal(ctx->stats[VNET_GRO_S_OUT_OF_ORDER], 1);
	gro_del(ctx);
}

/* PSH joins and closes the flow; its flag is kept (tcp_flag_word |= PSH). */
static void test_psh_closes(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);

	(void)state;
	feed_tcp(ctx, &tcp4, 0, 1000, 0x10, 1, 0);
	feed_tcp(ctx, &tcp4, 1000, 1000, 0x10, 2, 0);
	assert_int_equal(feed_tcp(ctx, &tcp4, 2000, 1000, 0x18, 3, 0), 1);
	check_super(0, &tcp4, 3000, 1000, 3);
	assert_int_equal(out.b[0][14 + 20 + 13], 0x18);
	assert_int_equal(ctx->stats[VNET_GRO_S_PSH], 1);
	assert_int_equal(ctx->nheld, 0);
	gro_del(ctx);
}

/* flush = len < mss: a short segment joins as the last one. */
static void test_short_last(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);

	(void)state;
	feed_tcp(ctx, &tcp4, 0, 1000, 0x10, 1, 0);
	assert_int_equal(feed_tcp(ctx, &tcp4, 1000, 400, 0x10, 2, 0), 1);
	check_super(0, &tcp4, 1400, 1000, 2);
	/* a larger one after a smaller first: (len - 1) >= mss */
	feed_tcp(ctx, &tcp4, 1400, 500, 0x10, 3, 0);
	assert_int_equal(feed_tcp(ctx, &tcp4, 1900, 600, 0x10, 4, 0), 1);
	assert_int_equal(out.h[1].gso_type, VNET_HDR_GSO_NONE);
	assert_int_equal(out.len[1], 14 + 20 + 20 + 500);
	gro_del(ctx);
}

/* flush |= ack, window, options: each differing field closes the flow. */
static void test_tcp_fields(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);
	struct tf_spec s = tcp4;

	(void)state;
	feed_tcp(ctx, &s, 0, 1000, 0x10, 1, 0);
	s.payload = 1000;
	rf_make(&seg, &s, 2000, 78, 0x10, 502, 2);	/* another ACK */
	rf_stream(&seg, 1000, &s);
	assert_int_equal(rf_feed(ctx, &seg, 0, &out), 1);
	rf_make(&seg, &s, 3000, 78, 0x10, 503, 3);	/* another window */
	rf_stream(&seg, 2000, &s);
	assert_int_equal(rf_feed(ctx, &seg, 0, &out), 1);
	s.tcp_opt = 4;
	rf_make(&seg, &s, 4000, 78, 0x10, 503, 4);	/* options differ */
	assert_int_equal(rf_feed(ctx, &seg, 0, &out), 1);
	assert_int_equal(out.n, 3);
	assert_int_equal(ctx->stats[VNET_GRO_S_MISMATCH], 3);
	gro_del(ctx);
}

/* Set IPv4 DF / TOS / TTL of the segment in seg and fix its checksums. */
static void patch_ip(const struct tf_spec *s, int df, int tos, int ttl)
{
	uint8_t *ip = seg.b + 14;

	if (df >= 0)
		ip[6] = df ? 0x40 : 0;
	if (tos >= 0)
		ip[1] = (uint8_t)tos;
	if (ttl >= 0)
		ip[8] = (uint8_t)ttl;
	rf_fix_csum(&seg, s);
}

/*
 * inet_gro_receive(): IDs increment by one, or stay fixed with DF
 * (RFC 6864); fixed without DF, or jumping, closes the flow.
 */
static void test_ipv4_id(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);
	struct tf_spec s = tcp4;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)		/* fixed with DF: one flow */
		feed_tcp(ctx, &s, (uint32_t)i * 100, 100, 0x10, 9, 0);
	vnet_gro_flush(ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect, &out);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.segs[0], 3);
	s.payload = 100;
	for (i = 0; i < 2; i++) {	/* fixed without DF: two frames */
		rf_make(&seg, &s, 1000 + 300 + (uint32_t)i * 100, 77, 0x10,
			502, 9);
		patch_ip(&s, 0, -1, -1);
		rf_feed(ctx, &seg, 0, &out);
	}
	vnet_gro_flush(ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect, &out);
	assert_int_equal(out.n, 3);
	feed_tcp(ctx, &s, 500, 100, 0x10, 20, 0);	/* a jump: two */
	feed_tcp(ctx, &s, 600, 100, 0x10, 22, 0);
	vnet_gro_flush(ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect, &out);
	assert_int_equal(out.n, 5);
	feed_tcp(ctx, &s, 700, 100, 0x10, 30, 0);	/* inc then fixed */
	feed_tcp(ctx, &s, 800, 100, 0x10, 31, 0);
	feed_tcp(ctx, &s, 900, 100, 0x10, 31, 0);
	vnet_gro_flush(ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect, &out);
	assert_int_equal(out.n, 7);
	assert_int_equal(out.segs[5], 2);
	gro_del(ctx);
}

/* flush |= TOS, TTL, DF differences. */
static void test_ipv4_tos_ttl_df(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);
	struct tf_spec s = tcp4;
	const int cases[3][3] = { { -1, 4, -1 }, { -1, -1, 63 }, { 0, -1, -1 } };
	int i;

	(void)state;
	s.payload = 100;
	for (i = 0; i < 3; i++) {
		feed_tcp(ctx, &s, (uint32_t)i * 200, 100, 0x10,
			 (uint16_t)(i * 2), 0);
		rf_make(&seg, &s, 1000 + (uint32_t)i * 200 + 100, 77, 0x10,
			502, (uint16_t)(i * 2 + 1));
		patch_ip(&s, cases[i][0], cases[i][1], cases[i][2]);
		assert_int_equal(rf_feed(ctx, &seg, 0, &out), 1);
		vnet_gro_flush(ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect, &out);
		assert_int_equal(out.n, 2 * (unsigned int)i + 2);
	}
	gro_del(ctx);
}

/* A bad checksum is never merged: the flow goes first, then the frame. */
/* conformance: NET-RX-18 */
static void test_bad_csum(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);

	(void)state;
	feed_tcp(ctx, &tcp4, 0, 1000, 0x10, 1, 0);
	feed_tcp(ctx, &tcp4, 1000, 1000, 0x10, 2, 0);
	rf_make(&seg, &(struct tf_spec){ .payload = 1000 }, 3000, 77, 0x10,
		502, 3);
	seg.b[seg.len - 1] ^= 1;
	assert_int_equal(rf_feed(ctx, &seg, 0, &out), 2);
	assert_int_equal(out.segs[0], 2);
	assert_false(out.ok[1]);
	assert_int_equal(out.len[1], seg.len);
	assert_int_equal(ctx->stats[VNET_GRO_S_CSUM], 1);
	gro_del(ctx);
}

/* SYN, RST, URG, FIN: passed at once, never held (out_check_final). */
static void test_flags_pass(void **state)
{
	static const uint8_t fl[] = { 0x02, 0x14, 0x30, 0x11 };
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(fl); i++) {
		assert_int_equal(feed_tcp(ctx, &tcp4, i * 100, 100, fl[i],
					  (uint16_t)i, 0), 1);
		assert_int_equal(ctx->nheld, 0);
	}
	/* a pure ACK (len 0) is not held either */
	assert_int_equal(feed_tcp(ctx, &tcp4, 0, 0, 0x10, 9, 0), 1);
	gro_del(ctx);
}

/*
 * CWR never joins a flow (flush |= flags & CWR), and since Linux 6.18
 * (AccECN) it goes up alone: flow, CWR segment, then a new flow.
 */
static void test_cwr(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);

	(void)state;
	feed_tcp(ctx, &tcp4, 0, 1000, 0x10, 1, 0);
	assert_int_equal(feed_tcp(ctx, &tcp4, 1000, 1000, 0x90, 2, 0), 2);
	assert_int_equal(out.len[1], seg.len);
	feed_tcp(ctx, &tcp4, 2000, 1000, 0x10, 3, 0);
	feed_tcp(ctx, &tcp4, 3000, 1000, 0x10, 4, 0);
	vnet_gro_flush(ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect, &out);
	assert_int_equal(out.n, 3);
	assert_int_equal(out.segs[2], 2);
	assert_int_equal(out.h[2].gso_type, VNET_HDR_GSO_TCPV4);
	gro_del(ctx);
}

/* Size at most 64 KiB: 45 segments of 1448 fit an IPv4 datagram, 46 not. */
static void test_size_cap(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 200);
	int i;

	(void)state;
	for (i = 0; i < 50; i++)
		feed_tcp(ctx, &tcp4, (uint32_t)i * 1448, 1448, 0x10,
			 (uint16_t)i, 0);
	vnet_gro_flush(ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect, &out);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.segs[0], 45);
	assert_true(out.len[0] - 14 <= 65535);
	assert_int_equal(out.segs[1], 5);
	assert_int_equal(ctx->stats[VNET_GRO_S_SIZE], 1);
	gro_del(ctx);
}

/* The segment-count cap. */
static void test_seg_cap(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 8);
	int i;

	(void)state;
	for (i = 0; i < 20; i++)
		feed_tcp(ctx, &tcp4, (uint32_t)i * 100, 100, 0x10,
			 (uint16_t)i, 0);
	vnet_gro_flush(ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect, &out);
	assert_int_equal(out.n, 3);
	assert_int_equal(out.segs[0], 8);
	assert_int_equal(out.segs[1], 8);
	assert_int_equal(out.segs[2], 4);
	gro_del(ctx);
}

/* A full table releases its oldest flow; flows are keyed by ports. */
static void test_table_full(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 2, 64);
	struct tf_spec s = tcp4;
	int i;

	(void)state;
	s.payload = 100;
	for (i = 0; i < 3; i++) {
		rf_make(&seg, &s, 1000, 77, 0x10, 502, 1);
		tf_put16(seg.b + seg.lay.l4, (uint16_t)(2000 + i));
		rf_fix_csum(&seg, &s);
		rf_feed(ctx, &seg, (uint64_t)i, &out);
	}
	assert_int_equal(out.n, 1);
	assert_int_equal(tf_get16(out.b[0] + seg.lay.l4), 2000);
	assert_int_equal(ctx->stats[VNET_GRO_S_TABLE_FULL], 1);
	assert_int_equal(ctx->nheld, 2);
	gro_del(ctx);
}

/* The bound on held bytes: past it the oldest flow goes first. */
static void test_held_bytes(void **state)
{
	static struct vnet_gro_ctx ctx;
	struct vnet_gro_params p;
	struct tf_spec s = tcp4;
	int i;

	(void)state;
	vnet_gro_params_default(&p, VNET_GRO_F_ALL);
	p.max_held = 3000;
	assert_int_equal(vnet_gro_init(&ctx, &p), 0);
	s.payload = 1000;
	for (i = 0; i < 3; i++) {
		rf_make(&seg, &s, 1000, 77, 0x10, 502, 1);
		tf_put16(seg.b + seg.lay.l4, (uint16_t)(2000 + i));
		rf_fix_csum(&seg, &s);
		rf_feed(&ctx, &seg, 0, &out);
	}
	assert_int_equal(out.n, 1);		/* 3 x 1054 > 3000 */
	assert_int_equal(ctx.stats[VNET_GRO_S_HELD_BYTES], 1);
	assert_true(ctx.held <= 3000);
	vnet_gro_fini(&ctx);
	rf_out_reset(&out);
}

/* The timer: nothing held past timeout_ns; next_deadline says when. */
static void test_timer(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);

	(void)state;
	assert_int_equal(vnet_gro_next_deadline(ctx), UINT64_MAX);
	feed_tcp(ctx, &tcp4, 0, 1000, 0x10, 1, 1000);
	feed_tcp(ctx, &tcp4, 1000, 1000, 0x10, 2, 2000);
	assert_int_equal(vnet_gro_next_deadline(ctx), 1000 + 300000);
	assert_int_equal(vnet_gro_flush(ctx, 300999, VNET_GRO_FLUSH_EXPIRED,
					rf_collect, &out), 0);
	assert_int_equal(vnet_gro_flush(ctx, 301000, VNET_GRO_FLUSH_EXPIRED,
					rf_collect, &out), 1);
	assert_int_equal(out.segs[0], 2);
	assert_int_equal(ctx->stats[VNET_GRO_S_TIMER], 1);
	/* receive also releases what is due, before the new frame */
	feed_tcp(ctx, &tcp4, 2000, 1000, 0x10, 3, 400000);
	assert_int_equal(feed_tcp(ctx, &tcp4, 5000, 1000, 0x10, 4, 800000), 1);
	assert_int_equal(ctx->stats[VNET_GRO_S_TIMER], 2);
	gro_del(ctx);
}

/* udp_gro_receive_segment(): same-size datagrams, a shorter one last. */
static void test_udp(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);
	struct tf_spec s = { .udp = true };
	size_t off = 0;
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		s.payload = i == 3 ? 300 : 1000;
		rf_make(&seg, &s, 0, 0, 0, 0, (uint16_t)i);
		rf_stream(&seg, off, &s);
		off += s.payload;
		rf_feed(ctx, &seg, 0, &out);
	}
	assert_int_equal(out.n, 1);
	check_super(0, &s, 3300, 1000, 4);
	assert_int_equal(tf_get16(out.b[0] + 14 + 20 + 4), 8 + 3300);
	gro_del(ctx);
}

/* UDP: a datagram larger than the flow's first closes it, starts anew. */
static void test_udp_larger(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);
	struct tf_spec s = { .udp = true };

	(void)state;
	s.payload = 500;
	rf_make(&seg, &s, 0, 0, 0, 0, 1);
	rf_feed(ctx, &seg, 0, &out);
	s.payload = 800;
	rf_make(&seg, &s, 0, 0, 0, 0, 2);
	assert_int_equal(rf_feed(ctx, &seg, 0, &out), 1);
	assert_int_equal(ctx->nheld, 1);
	assert_int_equal(ctx->stats[VNET_GRO_S_MISMATCH], 1);
	gro_del(ctx);
}

/* IPv6: a hop limit that differs closes the flow (ipv6_gro_receive). */
static void test_ipv6_hop_limit(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);
	struct tf_spec s = tcp6;

	(void)state;
	feed_tcp(ctx, &s, 0, 1000, 0x10, 0, 0);
	s.payload = 1000;
	rf_make(&seg, &s, 2000, 77, 0x10, 502, 0);
	rf_stream(&seg, 1000, &s);
	seg.b[14 + 7] = 63;			/* no checksum covers it */
	assert_int_equal(rf_feed(ctx, &seg, 0, &out), 1);
	assert_int_equal(ctx->stats[VNET_GRO_S_MISMATCH], 1);
	gro_del(ctx);
}

/*
 * ipv6_gro_receive(): another flow label is another flow; another traffic
 * class flushes.
 */
static void test_ipv6_flow_label_class(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);
	struct tf_spec s = tcp6;

	(void)state;
	feed_tcp(ctx, &s, 0, 1000, 0x10, 0, 0);
	s.payload = 1000;
	rf_make(&seg, &s, 1000, 77, 0x10, 502, 0);
	seg.b[14 + 3] = 0x42;			/* flow label */
	assert_int_equal(rf_feed(ctx, &seg, 0, &out), 0);
	assert_int_equal(ctx->nheld, 2);
	rf_make(&seg, &s, 2000, 77, 0x10, 502, 0);
	rf_stream(&seg, 1000, &s);
	seg.b[14 + 1] = 0x40;			/* traffic class 0x04 */
	assert_int_equal(rf_feed(ctx, &seg, 0, &out), 1);
	assert_int_equal(out.segs[0], 1);
	gro_del(ctx);
}

/* Geneve: other option bytes make another tunnel header: no merge. */
static void test_geneve_options(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);
	struct tf_spec s = { .tunnel = true, .geneve = true,
			     .tcp_flags = 0x10 };

	(void)state;
	feed_tcp(ctx, &s, 0, 1000, 0x10, 0, 0);
	s.payload = 1000;
	rf_make(&seg, &s, 2000, 77, 0x10, 502, 1);
	rf_stream(&seg, 1000, &s);
	seg.b[seg.lay.ol4 + 8 + 1] = 0x40;	/* Geneve C bit */
	assert_int_equal(rf_feed(ctx, &seg, 0, &out), 1);
	assert_int_equal(out.h[0].gso_type, VNET_HDR_GSO_NONE);
	assert_int_equal(ctx->stats[VNET_GRO_S_MISMATCH], 1);
	gro_del(ctx);
}

/* Kinds not enabled are passed untouched. */
static void test_disabled_kind(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_TCP6, 8, 64);

	(void)state;
	assert_int_equal(feed_tcp(ctx, &tcp4, 0, 1000, 0x10, 1, 0), 1);
	assert_int_equal(out.len[0], seg.len);
	assert_memory_equal(out.b[0], seg.b, seg.len);
	assert_int_equal(ctx->stats[VNET_GRO_S_NOT_TCP_UDP], 1);
	gro_del(ctx);
}

/* TCP inside VXLAN over IPv4: tunnel bits and offsets on the super-frame. */
/* conformance: NET-RX-22, NET-RX-23 */
static void test_vxlan_tcp(void **state)
{
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);
	struct tf_spec s = { .tunnel = true, .tcp_flags = 0x10 };
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		feed_tcp(ctx, &s, (uint32_t)i * 1000, 1000, 0x10,
			 (uint16_t)i, 0);
	vnet_gro_flush(ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect, &out);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.segs[0], 3);
	assert_int_equal(out.h[0].gso_type,
			 VNET_HDR_GSO_TCPV4 | VNET_HDR_GSO_UDP_TUNNEL_IPV4);
	assert_int_equal(out.h[0].outer_th_offset, seg.lay.ol4);
	assert_int_equal(out.h[0].inner_nh_offset, seg.lay.l3);
	assert_int_equal(out.h[0].csum_start, seg.lay.l4);
	assert_int_equal(out.h[0].flags, VNET_HDR_F_NEEDS_CSUM);
	assert_int_equal(tf_get16(out.b[0] + seg.lay.ol4 + 4),
			 out.len[0] - seg.lay.ol4);
	assert_int_equal(tf_get16(out.b[0] + seg.lay.ol3 + 2),
			 out.len[0] - seg.lay.ol3);
	/* another VNI is another flow */
	s.payload = 1000;
	rf_make(&seg, &s, 1000, 77, 0x10, 502, 0);
	seg.b[seg.lay.ol4 + 8 + 6] = 0x43;
	assert_int_equal(rf_feed(ctx, &seg, 0, &out), 0);
	rf_make(&seg, &s, 1000, 77, 0x10, 502, 0);
	assert_int_equal(rf_feed(ctx, &seg, 0, &out), 0);
	assert_int_equal(ctx->nheld, 2);
	gro_del(ctx);
}

/*
 * GRO(GSO(frame)) == frame and GSO(GRO(segments)) == segments
 * (linux-segmentation-offloads.rst), over random frames of one kind.
 * IPv4 IDs increment from the frame's, so the DF exception does not arise.
 */
static int prop_vlan;	/* VLAN tags on the outer Ethernet header */

static void prop_run(bool v6, bool udp, bool tunnel, bool outer_v6,
		     bool geneve, bool ocsum, unsigned int cases)
{
	static uint8_t frame[70000];
	static struct vnet_gso_seg segs[512];
	static struct iovec iov[1024];
	static uint8_t buf[70000 + 512 * 600];
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 512);
	struct vnet_gso_ctx g;
	struct vnet_gso_out o = { .buf = buf, .buf_len = sizeof(buf),
				  .iov = iov, .iov_max = 1024, .segs = segs,
				  .seg_max = 512 };
	static struct vnet_gso_seg segs2[512];
	static struct iovec iov2[1024];
	static uint8_t buf2[70000 + 512 * 600];
	struct vnet_gso_out o2 = { .buf = buf2, .buf_len = sizeof(buf2),
				   .iov = iov2, .iov_max = 1024, .segs = segs2,
				   .seg_max = 512 };
	struct vnet_features f;
	uint32_t x = 12345u + v6 * 7 + udp * 11 + tunnel * 13;
	unsigned int c, i, multi = 0;

	vnet_features_parse("csum,host_tso4,host_tso6,host_uso,version_1,"
			    "host_udp_tunnel_gso,host_udp_tunnel_gso_csum",
			    VNET_PROFILE_STANDARD, &f, NULL, NULL);
	vnet_gso_ctx_init(&g, &f, VNET_GSO_COPY, 1);
	for (c = 0; c < cases; c++) {
		struct tf_spec s = { .v6 = v6, .udp = udp, .tunnel = tunnel,
				     .outer_v6 = outer_v6, .geneve = geneve,
				     .vlan = prop_vlan };
		struct tf_layout lay;
		struct vnet_hdr h;
		struct vnet_pkt pkt;
		struct iovec fi;
		uint16_t mss;
		size_t len, maxpay;
		int n;

		x = x * 1103515245u + 12345u;
		mss = (uint16_t)(udp ? 8 + (x >> 8) % 1400 : 64 + (x >> 8) % 1400);
		x = x * 1103515245u + 12345u;
		maxpay = 65535 - 200;
		if ((size_t)mss * (udp ? 64 : 400) < maxpay)
			maxpay = (size_t)mss * (udp ? 64 : 400);
		s.payload = 1 + (x >> 4) % (maxpay < 6000 ? maxpay : 6000);
		if ((x >> 20) % 8 == 0)
			s.payload = maxpay - (x >> 24) % 64;
		s.tcp_flags = (uint8_t)(0x10 | ((x >> 28) & 1 ? 0x08 : 0));
		s.ip_id = (uint16_t)(x >> 3);
		s.seed = x;
		len = tf_build(&s, frame, udp ? VNET_HDR_GSO_UDP_L4 :
			       v6 ? VNET_HDR_GSO_TCPV6 : VNET_HDR_GSO_TCPV4,
			       mss, &h, &lay);
		if (ocsum) {	/* outer checksum: pseudo-header sum, flagged */
			tf_put16(frame + lay.ol4 + 6, tf_fold(tf_pseudo(
				frame + lay.ol3, outer_v6, 17,
				(uint32_t)(len - lay.ol4))));
			h.flags |= VNET_HDR_F_UDP_TUNNEL_CSUM;
		}
		fi.iov_base = frame;
		fi.iov_len = len;
		vnet_pkt_init(&pkt, &fi, 1);
		n = vnet_gso_segment(&g, &h, &pkt, &o);
		assert_true(n >= 1);
		rf_out_reset(&out);
		for (i = 0; i < (unsigned int)n; i++) {
			struct vnet_pkt sp;

			vnet_pkt_init(&sp, o.segs[i].iov, o.segs[i].iovcnt);
			assert_true(vnet_gro_receive(ctx, &sp, 0, rf_collect,
						     &out) >= 0);
		}
		vnet_gro_flush(ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect, &out);
		assert_int_equal(out.n, 1);
		/*
		 * One segment passes as it is, every checksum verified (the
		 * outer UDP one too, over IPv4 and IPv6, when UDP_TUNNEL_CSUM
		 * asked for it).
		 */
		if (n == 1) {		/* one segment passes as it is */
			assert_int_equal(out.h[0].gso_type, 0);
			assert_int_equal(out.len[0], o.segs[0].len);
			assert_true(out.ok[0]);
			continue;
		}
		assert_true(out.ok[0]);
		multi++;
		assert_int_equal(out.segs[0], n);
		assert_int_equal(out.len[0], len);
		assert_memory_equal(out.b[0], frame, len);
		assert_int_equal(out.h[0].gso_type, h.gso_type);
		assert_int_equal(out.h[0].flags, h.flags);
		assert_int_equal(out.h[0].gso_size, h.gso_size);
		assert_int_equal(out.h[0].csum_start, h.csum_start);
		assert_int_equal(out.h[0].csum_offset, h.csum_offset);
		assert_int_equal(out.h[0].hdr_len, h.hdr_len);
		assert_int_equal(out.h[0].outer_th_offset, h.outer_th_offset);
		assert_int_equal(out.h[0].inner_nh_offset, h.inner_nh_offset);
		/* GSO(GRO(segments)) == segments: segment the super-frame */
		{
			struct iovec si = { .iov_base = out.b[0],
					    .iov_len = out.len[0] };
			struct vnet_pkt sp;

			vnet_pkt_init(&sp, &si, 1);
			assert_int_equal(vnet_gso_segment(&g, &out.h[0], &sp,
							  &o2), n);
			for (i = 0; i < (unsigned int)n; i++) {
				assert_int_equal(o2.segs[i].len, o.segs[i].len);
				assert_memory_equal(o2.segs[i].iov[0].iov_base,
						    o.segs[i].iov[0].iov_base,
						    o.segs[i].len);
			}
		}
	}
	assert_true(multi > cases / 2);
	gro_del(ctx);
}

/*
 * The library never trusts a length field: segments of every kind with
 * random bytes flipped (in headers mostly) are fed under the sanitizers;
 * whatever comes out, nothing is read or written out of bounds, and every
 * frame fed comes out exactly once (merged, or passed).
 */
static void test_mutations(void **state)
{
	static struct rf_seg m;
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL | VNET_GRO_F_RSC, 4,
					   16);
	uint32_t x = 99;
	unsigned int c, k;

	(void)state;
	for (c = 0; c < 20000; c++) {
		struct tf_spec s = { .v6 = c & 1, .udp = c & 2,
				     .tunnel = c & 4, .outer_v6 = c & 8,
				     .geneve = c & 16, .tcp_flags = 0x10 };

		if (c % 64 == 0)	/* switch rule sets now and then */
			vnet_gro_set_flags(ctx, (c / 64) & 1 ? VNET_GRO_F_ALL :
					   VNET_GRO_F_ALL | VNET_GRO_F_RSC,
					   rf_collect, &out);
		x = x * 1103515245u + 12345u;
		s.payload = (x >> 8) % 1500;
		rf_make(&m, &s, 1000 + (c / 32) % 4 * (uint32_t)s.payload, 77,
			0x10, 502, (uint16_t)c);
		for (k = 0; k < 1 + (x >> 28); k++) {
			x = x * 1103515245u + 12345u;
			m.b[(x >> 8) % (m.lay.pay + 8 < m.len ? m.lay.pay + 8 :
					m.len)] ^= (uint8_t)(1u << (x >> 29));
		}
		x = x * 1103515245u + 12345u;
		if ((x >> 24) % 8 == 0)		/* cut it short too */
			m.len = (x >> 4) % (m.len + 1);
		assert_true(rf_feed(ctx, &m, c * 1000ull, &out) >= 0);
		rf_out_reset(&out);
	}
	vnet_gro_flush(ctx, UINT64_MAX, VNET_GRO_FLUSH_ALL, rf_collect, &out);
	assert_int_equal(ctx->nheld, 0);
	assert_int_equal(ctx->held, 0);
	assert_int_equal(ctx->stats[VNET_GRO_S_IN],
			 ctx->stats[VNET_GRO_S_PASSED] +
			 ctx->stats[VNET_GRO_S_HELD] +
			 ctx->stats[VNET_GRO_S_MERGED] +
			 ctx->stats[VNET_GRO_S_DUP_ACK] +
			 ctx->stats[VNET_GRO_S_WIN_UPDATE]);
	gro_del(ctx);
}

/* Feed a segment held in two pieces, the first @cut bytes long. */
static int feed_split(struct vnet_gro_ctx *ctx, const struct rf_seg *g,
		      size_t cut, uint64_t now, struct rf_out *o)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)g->b, .iov_len = cut },
		{ .iov_base = (void *)(g->b + cut), .iov_len = g->len - cut },
	};
	struct vnet_pkt pkt;

	vnet_pkt_init(&pkt, iov, 2);
	return vnet_gro_receive(ctx, &pkt, now, rf_collect, o);
}

/*
 * A segment that starts a flow is read from its header bytes when it is
 * plain TCP (gro.c, gro_prepare_plain()), and must be refused there as
 * the parser refuses it: here IPv4 with 4 bytes of options whose header
 * checksum holds read as 20 bytes or 24, the bytes after the fixed header
 * a TCP header whose checksum holds too if read from there. The parser finds the options and
 * both frames pass as they are (ip-opts), on the parsed path and off it.
 */
static void test_plain_path_ip_options(void **state)
{
	static struct rf_seg g;
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);
	const struct tf_spec s = { .tcp_flags = 0x10, .payload = 1000 };
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		rf_make(&g, &s, 1000 + i * 1000, 77, 0x10, 502,
			(uint16_t)(5 + i));
		rf_stream(&g, i * 1000, &s);
		/* ports summing to 0xffff: the header checksum then holds
		 * over 20 bytes and over 24 alike */
		tf_put16(g.b + 34, 0x1234);
		tf_put16(g.b + 36, 0xedcb);
		rf_fix_csum(&g, &s);
		g.b[14] = 0x46;			/* IHL 6: 4 bytes of options */
		tf_put16(g.b + 24, 0);
		tf_put16(g.b + 24, (uint16_t)~tf_fold(tf_sum(g.b + 14, 24, 0)));
		assert_int_equal(rf_feed(ctx, &g, 0, &out), 1);
	}
	assert_int_equal(out.n, 2);
	assert_int_equal(out.segs[0], 1);
	assert_int_equal(out.h[0].gso_type, VNET_HDR_GSO_NONE);
	assert_int_equal(ctx->stats[VNET_GRO_S_IP_OPTS], 2);
	assert_int_equal(ctx->stats[VNET_GRO_S_HELD], 0);
	gro_del(ctx);
}

/*
 * The fast path (gro_fast.c: a segment of a held flow recognised by its
 * header bytes, no parse) decides as the full path does: streams of TCP
 * segments over a few flows, IPv4 and IPv6, some with VLAN tags or TCP
 * options, with header fields changed (IDs, lengths, checksums, flags,
 * window, TTL, sequence numbers, bytes at random, with and without the
 * checksums redone), short and cut frames, some in two pieces cut
 * anywhere, fed to a context with the fast path and one without
 * (VNET_GRO_F_SLOW): the same frames out, byte for byte, and the same
 * counters.
 */
static void test_fast_equals_slow(void **state)
{
	static struct rf_seg m;
	static struct rf_out o2;
	static struct vnet_gro_ctx slow;
	struct vnet_gro_ctx *fast = gro_new(VNET_GRO_F_ALL, 8, 16);
	struct vnet_gro_params p;
	uint32_t x = 4242, off[4] = { 0, 0, 0, 0 };
	unsigned int c, k, i;

	(void)state;
	vnet_gro_params_default(&p, VNET_GRO_F_ALL | VNET_GRO_F_SLOW);
	p.flows = 8;
	p.max_segs = 16;
	assert_int_equal(vnet_gro_init(&slow, &p), 0);
	for (c = 0; c < 40000; c++) {
		unsigned int fl = (c / 3) % 4;
		struct tf_spec s = { .v6 = fl == 3, .vlan = fl == 2,
				     .tcp_opt = fl == 2 ? 12 : 0,
				     .tcp_flags = 0x10 };
		uint16_t id = (uint16_t)(c / 12 + 1);

		x = x * 1103515245u + 12345u;
		s.payload = (x >> 8) % 8 ? 1000 : (x >> 12) % 1200;
		rf_make(&m, &s, 1000 + off[fl], 77, 0x10, 502, id);
		rf_stream(&m, off[fl], &s);
		tf_put16(m.b + m.lay.l4, (uint16_t)(20000 + fl));
		rf_fix_csum(&m, &s);
		off[fl] += (uint32_t)s.payload;
		x = x * 1103515245u + 12345u;
		switch ((x >> 8) % 16) {
		case 0:			/* a byte of the headers changed */
		case 1:
			m.b[(x >> 12) % m.lay.pay] ^= (uint8_t)(1u << (x >> 29));
			if ((x >> 28) & 1)
				rf_fix_csum(&m, &s);
			break;
		case 2:			/* a payload byte: checksum fails */
			k = (unsigned int)(m.len - m.lay.pay);
			if (k)
				m.b[m.lay.pay + (x >> 12) % k]++;
			break;
		case 3:			/* cut short, or a trailer */
			m.len = (x >> 12) % 2 ? (x >> 13) % (m.len + 1) :
						m.len + (x >> 13) % 8;
			break;
		case 4:			/* PSH, FIN, CWR, URG... */
			m.b[m.lay.l4 + 13] |= (uint8_t)(1u << ((x >> 12) % 8));
			rf_fix_csum(&m, &s);
			break;
		case 5:			/* a segment lost */
			off[fl] += 1000;
			break;
		default:
			break;
		}
		x = x * 1103515245u + 12345u;
		if ((x >> 8) % 4) {
			assert_true(rf_feed(fast, &m, c * 1000ull, &out) >= 0);
			assert_true(rf_feed(&slow, &m, c * 1000ull, &o2) >= 0);
		} else {		/* in two pieces, cut anywhere */
			assert_true(feed_split(fast, &m, (x >> 12) % (m.len + 1),
					       c * 1000ull, &out) >= 0);
			assert_true(feed_split(&slow, &m, (x >> 12) %
					       (m.len + 1), c * 1000ull,
					       &o2) >= 0);
		}
		if (c % 97 == 0) {
			vnet_gro_flush(fast, 0, VNET_GRO_FLUSH_ALL, rf_collect,
				       &out);
			vnet_gro_flush(&slow, 0, VNET_GRO_FLUSH_ALL,
				       rf_collect, &o2);
		}
		assert_int_equal(out.n, o2.n);
		for (i = 0; i < out.n; i++) {
			assert_int_equal(out.len[i], o2.len[i]);
			assert_memory_equal(out.b[i], o2.b[i], out.len[i]);
			assert_memory_equal(&out.h[i], &o2.h[i],
					    sizeof(out.h[i]));
			assert_int_equal(out.ok[i], o2.ok[i]);
			assert_int_equal(out.segs[i], o2.segs[i]);
		}
		rf_out_reset(&out);
		rf_out_reset(&o2);
		for (k = 0; k < VNET_GRO_S_MAX; k++)
			assert_int_equal(fast->stats[k], slow.stats[k]);
	}
	assert_true(fast->stats[VNET_GRO_S_MERGED] > 8000);
	vnet_gro_fini(&slow);
	gro_del(fast);
}


/* An emit that says "not now" (-EAGAIN) at random, as a guest out of
 * receive buffers does, else collects. */
struct refusing {
	struct rf_out *o;
	uint32_t x;
	uint64_t refused;
};

static int refusing_collect(void *opaque, const struct vnet_rx_frame *f)
{
	struct refusing *r = opaque;

	r->x = r->x * 1103515245u + 12345u;
	if ((r->x >> 8) % 100 < 30) {
		r->refused++;
		return -EAGAIN;
	}
	return rf_collect(r->o, f);
}

/* The daemon's way with a refusal: flush what is held until it goes. */
static void flush_until_taken(struct vnet_gro_ctx *ctx, struct refusing *r)
{
	unsigned int tries = 0;

	while (vnet_gro_flush(ctx, 0, VNET_GRO_FLUSH_ALL, refusing_collect,
			      r) == -EAGAIN)
		assert_true(++tries < 1000);
}

/* Frames out of one flow, as digests of their bytes, header and count. */
struct flow_digests {
	unsigned int n;
	uint64_t d[4096];
};

static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* Digest what @o collected into per-flow lists (by TCP source port). */
static void by_flow(struct rf_out *o, struct flow_digests *flows)
{
	unsigned int i, fl;

	for (i = 0; i < o->n; i++) {
		struct flow_digests *d;
		uint64_t h = fnv(0xcbf29ce484222325ull, o->b[i], o->len[i]);

		h = fnv(h, &o->h[i], sizeof(o->h[i]));
		h = fnv(h, &o->segs[i], sizeof(o->segs[i]));
		fl = tf_get16(o->b[i] + 34) - 20000u;
		assert_true(fl < 4);
		d = &flows[fl];
		assert_true(d->n < 4096);
		d->d[d->n++] = h;
	}
	rf_out_reset(o);
}

/*
 * A refused emit loses nothing (gro.h, vnet_gro_emit_fn): a super-frame
 * whose release the caller refuses stays held, closed to new segments,
 * and a frame passed through is left with the caller, who feeds it again
 * after a flush that goes through. Four TCP/IPv4 streams (segments of
 * 1000 bytes, PSH, short and lost segments among them) go to a context
 * whose emit always takes and to one whose emit refuses 30% of the time:
 * each flow's frames come out the same, byte for byte, in the same order
 * (the refused context only interleaves the flows differently).
 */
static void test_refused_emit_loses_nothing(void **state)
{
	static struct rf_seg m;
	static struct rf_out oa, ob;
	static struct flow_digests fa[4], fb[4];
	static struct vnet_gro_ctx a, b;
	struct refusing r = { .o = &ob, .x = 7 };
	struct vnet_gro_params p;
	uint32_t x = 1234, off[4] = { 0, 0, 0, 0 };
	unsigned int c, i, fl, tries;

	(void)state;
	vnet_gro_params_default(&p, VNET_GRO_F_ALL);
	p.flows = 16;
	p.max_segs = 16;
	assert_int_equal(vnet_gro_init(&a, &p), 0);
	assert_int_equal(vnet_gro_init(&b, &p), 0);
	for (c = 0; c < 6000; c++) {
		struct tf_spec s = { .tcp_flags = 0x10 };
		uint8_t flags = 0x10;
		struct iovec iov;
		struct vnet_pkt pkt;

		fl = (c / 3) % 4;
		x = x * 1103515245u + 12345u;
		s.payload = (x >> 8) % 10 ? 1000 : (x >> 12) % 1000;
		if ((x >> 16) % 13 == 0)
			flags |= 0x08;			/* PSH */
		if ((x >> 20) % 29 == 0)
			off[fl] += 1000;		/* one lost */
		rf_make(&m, &s, 1000 + off[fl], 77, flags, 502, (uint16_t)c);
		rf_stream(&m, off[fl], &s);
		tf_put16(m.b + m.lay.l4, (uint16_t)(20000 + fl));
		rf_fix_csum(&m, &s);
		off[fl] += (uint32_t)s.payload;
		assert_true(rf_feed(&a, &m, 0, &oa) >= 0);
		iov.iov_base = m.b;
		iov.iov_len = m.len;
		vnet_pkt_init(&pkt, &iov, 1);
		for (tries = 0; vnet_gro_receive(&b, &pkt, 0, refusing_collect,
						 &r) == -EAGAIN; tries++) {
			assert_true(tries < 1000);
			flush_until_taken(&b, &r);
		}
		if (c % 97 == 0) {
			vnet_gro_flush(&a, 0, VNET_GRO_FLUSH_ALL, rf_collect,
				       &oa);
			flush_until_taken(&b, &r);
		}
		by_flow(&oa, fa);
		by_flow(&ob, fb);
	}
	vnet_gro_flush(&a, 0, VNET_GRO_FLUSH_ALL, rf_collect, &oa);
	flush_until_taken(&b, &r);
	by_flow(&oa, fa);
	by_flow(&ob, fb);
	assert_int_equal(b.nheld, 0);
	assert_true(r.refused > 500);
	for (fl = 0; fl < 4; fl++) {
		assert_int_equal(fa[fl].n, fb[fl].n);
		assert_true(fa[fl].n > 100);
		for (i = 0; i < fa[fl].n; i++)
			assert_true(fa[fl].d[i] == fb[fl].d[i]);
	}
	assert_int_equal(a.stats[VNET_GRO_S_OUT], b.stats[VNET_GRO_S_OUT]);
	vnet_gro_fini(&a);
	vnet_gro_fini(&b);
}

#define PROP_CASES 10000

static void test_prop_tcp4(void **state) { (void)state; prop_run(false, false, false, false, false, false, PROP_CASES); }
static void test_prop_tcp6(void **state) { (void)state; prop_run(true, false, false, false, false, false, PROP_CASES); }
static void test_prop_udp4(void **state) { (void)state; prop_run(false, true, false, false, false, false, PROP_CASES); }
static void test_prop_udp6(void **state) { (void)state; prop_run(true, true, false, false, false, false, PROP_CASES); }
static void test_prop_vxlan4_tcp4(void **state) { (void)state; prop_run(false, false, true, false, false, false, PROP_CASES); }
static void test_prop_vxlan6_tcp6(void **state) { (void)state; prop_run(true, false, true, true, false, true, PROP_CASES); }
static void test_prop_geneve4_tcp6(void **state) { (void)state; prop_run(true, false, true, false, true, false, PROP_CASES); }
static void test_prop_geneve6_udp4(void **state) { (void)state; prop_run(false, true, true, true, true, true, PROP_CASES); }
static void test_prop_vxlan4_udp6_csum(void **state) { (void)state; prop_run(true, true, true, false, false, true, PROP_CASES); }
static void test_prop_tcp4_qinq(void **state) { (void)state; prop_vlan = 2; prop_run(false, false, false, false, false, false, PROP_CASES); prop_vlan = 0; }
static void test_prop_udp6_vlan(void **state) { (void)state; prop_vlan = 1; prop_run(true, true, false, false, false, false, PROP_CASES); prop_vlan = 0; }

/*
 * The one exception to GSO(GRO(s)) == s (linux-segmentation-offloads.rst):
 * segments with DF and a fixed IPv4 ID coalesce (RFC 6864), and GSO of the
 * result increments the IDs. Everything else comes back byte for byte.
 */
static void test_fixed_id_exception(void **state)
{
	static struct rf_seg in[4];
	static uint8_t buf[8 * 2048];
	static struct iovec iov[16];
	static struct vnet_gso_seg segs[8];
	struct vnet_gro_ctx *ctx = gro_new(VNET_GRO_F_ALL, 8, 64);
	struct vnet_gso_out o = { .buf = buf, .buf_len = sizeof(buf),
				  .iov = iov, .iov_max = 16, .segs = segs,
				  .seg_max = 8 };
	struct tf_spec s = tcp4;
	struct vnet_features f;
	struct vnet_gso_ctx g;
	struct iovec si;
	struct vnet_pkt sp;
	unsigned int i;

	(void)state;
	s.payload = 1000;
	for (i = 0; i < 4; i++) {
		rf_make(&in[i], &s, 1000 + i * 1000, 77, 0x10, 502, 0x777);
		rf_stream(&in[i], i * 1000, &s);
		rf_feed(ctx, &in[i], 0, &out);
	}
	vnet_gro_flush(ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect, &out);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.segs[0], 4);
	vnet_features_parse("csum,host_tso4,version_1", VNET_PROFILE_STANDARD,
			    &f, NULL, NULL);
	vnet_gso_ctx_init(&g, &f, VNET_GSO_COPY, 1);
	si.iov_base = out.b[0];
	si.iov_len = out.len[0];
	vnet_pkt_init(&sp, &si, 1);
	assert_int_equal(vnet_gso_segment(&g, &out.h[0], &sp, &o), 4);
	for (i = 0; i < 4; i++) {
		const uint8_t *b = o.segs[i].iov[0].iov_base;

		assert_int_equal(o.segs[i].len, in[i].len);
		assert_int_equal(tf_get16(b + 14 + 4), 0x777 + i);
		assert_memory_equal(b, in[i].b, 14 + 4);	/* up to the ID */
		assert_memory_equal(b + 14 + 6, in[i].b + 14 + 6, 4);
		assert_memory_equal(b + 14 + 12, in[i].b + 14 + 12,
				    in[i].len - 14 - 12);	/* after csum */
	}
	gro_del(ctx);
}

/* conformance: NET-RX-36, NET-RX-18 */
static void test_prop_vxlan4_tcp4_csum(void **state) { (void)state; prop_run(false, false, true, false, false, true, PROP_CASES); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp4_basic),
		cmocka_unit_test(test_tcp6_basic),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_psh_closes),
		cmocka_unit_test(test_short_last),
		cmocka_unit_test(test_tcp_fields),
		cmocka_unit_test(test_ipv4_id),
		cmocka_unit_test(test_ipv4_tos_ttl_df),
		cmocka_unit_test(test_bad_csum),
		cmocka_unit_test(test_flags_pass),
		cmocka_unit_test(test_cwr),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_seg_cap),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_held_bytes),
		cmocka_unit_test(test_timer),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_udp_larger),
		cmocka_unit_test(test_ipv6_hop_limit),
		cmocka_unit_test(test_ipv6_flow_label_class),
		cmocka_unit_test(test_geneve_options),
		cmocka_unit_test(test_disabled_kind),
		cmocka_unit_test(test_vxlan_tcp),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_fast_equals_slow),
		cmocka_unit_test(test_plain_path_ip_options),
		cmocka_unit_test(test_refused_emit_loses_nothing),
		cmocka_unit_test(test_prop_tcp4),
		cmocka_unit_test(test_prop_tcp6),
		cmocka_unit_test(test_prop_udp4),
		cmocka_unit_test(test_prop_udp6),
		cmocka_unit_test(test_prop_vxlan4_tcp4),
		cmocka_unit_test(test_prop_vxlan6_tcp6),
		cmocka_unit_test(test_prop_geneve4_tcp6),
		cmocka_unit_test(test_prop_geneve6_udp4),
		cmocka_unit_test(test_prop_vxlan4_udp6_csum),
		cmocka_unit_test(test_prop_vxlan4_tcp4_csum),
		cmocka_unit_test(test_prop_tcp4_qinq),
		cmocka_unit_test(test_prop_udp6_vlan),
		cmocka_unit_test(test_fixed_id_exception),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
