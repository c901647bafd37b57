// SPDX-License-Identifier: MIT
/* test_gro_trust.c - coalescing: checksums verified once, by whoever can */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rx_frames.h"
#include "vnet/features.h"
#include "vnet/rx.h"

static struct rf_seg seg;
static struct rf_out out;
static struct vnet_gro_ctx ctx;

static const struct tf_spec tcp4 = { .tcp_flags = 0x10 };

/* The two paths (fast and parsed) must both hold what is tested. */
static const uint32_t modes[] = { VNET_GRO_F_ALL,
				  VNET_GRO_F_ALL | VNET_GRO_F_SLOW };

static void gro_new(uint32_t flags)
{
	struct vnet_gro_params p;

	vnet_gro_params_default(&p, flags);
	assert_int_equal(vnet_gro_init(&ctx, &p), 0);
	rf_out_reset(&out);
}

static void gro_del(void)
{
	vnet_gro_fini(&ctx);
	rf_out_reset(&out);
}

/* Header flags a source sets: DATA_VALID, NEEDS_CSUM at the TCP field. */
static struct vnet_hdr hdr_of(uint8_t flags, uint16_t start, uint16_t off)
{
	struct vnet_hdr h;

	memset(&h, 0, sizeof(h));
	h.flags = flags;
	h.csum_start = start;
	h.csum_offset = off;
	return h;
}

/* Build segment @i (1000 bytes of the stream) of one TCP/IPv4 flow. */
static void make_seg(unsigned int i, uint8_t tcp_flags)
{
	struct tf_spec s = tcp4;

	s.payload = 1000;
	rf_make(&seg, &s, 1000 + i * 1000, 77, tcp_flags, 502,
		(uint16_t)(10 + i));
	rf_stream(&seg, i * 1000, &s);
}

/* Its TCP checksum made wrong (the payload changed after it was summed). */
static void corrupt_seg(void)
{
	seg.b[seg.len - 1] ^= 0x5a;
}

/* Its TCP checksum field made partial: the pseudo-header sum only, as a
 * sender with checksum offload leaves it (Linux CHECKSUM_PARTIAL). */
static void partial_seg(void)
{
	uint8_t *ip = seg.b + seg.lay.l3, *th = seg.b + seg.lay.l4;

	tf_put16(th + 16, (uint16_t)tf_fold(tf_pseudo(ip, false, 6,
				(uint32_t)(seg.len - seg.lay.l4))));
}

static int feed(const struct vnet_hdr *h)
{
	struct iovec iov = { .iov_base = seg.b, .iov_len = seg.len };
	struct vnet_pkt pkt;

	vnet_pkt_init(&pkt, &iov, 1);
	return vnet_gro_receive_hdr(&ctx, &pkt, h, 0, rf_collect, &out);
}

static int flush(void)
{
	return vnet_gro_flush(&ctx, 0, VNET_GRO_FLUSH_ALL, rf_collect, &out);
}

/* What the guest gets for output @i: the first header and how many. */
struct got {
	unsigned int n;
	struct vnet_hdr h;
	bool tcp_ok;		/* the first frame's TCP checksum holds */
};

static int got_one(void *opaque, const struct vnet_hdr *h,
		   const struct vnet_pkt *pkt)
{
	struct got *g = opaque;
	static uint8_t b[70000];
	size_t len = vnet_pkt_len(pkt);

	if (!g->n++) {
		g->h = *h;
		assert_int_equal(vnet_pkt_read(pkt, 0, b, len), 0);
		g->tcp_ok = tf_fold(tf_sum(b + 34, len - 34,
				    tf_pseudo(b + 14, false, 6,
					      (uint32_t)(len - 34)))) ==
			    0xffff;
	}
	return 0;
}

/* Output @i delivered to a guest with @feat (rx_deliver.c). */
static struct got deliver(unsigned int i, const char *feat)
{
	struct vnet_rx_frame f;
	struct vnet_features fe;
	struct vnet_rx_ctx rx;
	struct got g;
	const char *bad;
	size_t bl;

	memset(&g, 0, sizeof(g));
	memset(&f, 0, sizeof(f));
	assert_int_equal(vnet_features_parse(feat, VNET_PROFILE_STANDARD, &fe,
					     &bad, &bl), 0);
	assert_int_equal(vnet_rx_ctx_init(&rx, &fe, 0), 0);
	f.hdr = out.h[i];
	f.iov.iov_base = out.b[i];
	f.iov.iov_len = out.len[i];
	vnet_pkt_init(&f.pkt, &f.iov, 1);
	f.segs = out.segs[i];
	f.csum_ok = out.ok[i];
	assert_true(vnet_rx_deliver(&rx, &f, got_one, &g) > 0);
	vnet_rx_ctx_fini(&rx);
	return g;
}

#define GUEST_CSUM	"version_1,guest_csum"

/*
 * Segments the source vouched for (the tap's DATA_VALID: the kernel
 * verified them, CHECKSUM_UNNECESSARY) are not summed again, as Linux's
 * GRO trusts CHECKSUM_UNNECESSARY: they are coalesced even though their
 * checksum would not verify here (proof that nothing summed it), and the
 * super-frame is marked verified, so a guest without TSO gets its segments
 * with DATA_VALID (and their checksums completed by the segmenter).
 */
static void test_vouched_coalesced(void **state)
{
	struct vnet_hdr dv = hdr_of(VNET_HDR_F_DATA_VALID, 0, 0);
	struct got g;
	unsigned int i, m;

	(void)state;
	for (m = 0; m < 2; m++) {
		gro_new(modes[m]);
		for (i = 0; i < 3; i++) {
			make_seg(i, 0x10);
			corrupt_seg();
			assert_int_equal(feed(&dv), 0);
		}
		assert_int_equal(flush(), 1);
		assert_int_equal(out.segs[0], 3);
		assert_true(out.ok[0]);
		assert_int_equal(ctx.stats[VNET_GRO_S_VOUCHED], 3);
		assert_int_equal(ctx.stats[VNET_GRO_S_CSUM], 0);
		g = deliver(0, GUEST_CSUM);
		assert_int_equal(g.n, 3);
		assert_int_equal(g.h.flags, VNET_HDR_F_DATA_VALID);
		gro_del();
	}
}

/* A vouched frame passed as it is (PSH on a lone segment closes nothing
 * held: it is held and flushed alone) keeps its source's word: DATA_VALID
 * to the guest, its checksum not summed by the delivery either. */
static void test_vouched_single_carried(void **state)
{
	struct vnet_hdr dv = hdr_of(VNET_HDR_F_DATA_VALID, 0, 0);
	struct got g;

	(void)state;
	gro_new(VNET_GRO_F_ALL);
	make_seg(0, 0x10);
	corrupt_seg();
	feed(&dv);
	assert_int_equal(flush(), 1);
	assert_int_equal(out.segs[0], 1);
	assert_true(out.ok[0]);
	g = deliver(0, GUEST_CSUM);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.h.flags, VNET_HDR_F_DATA_VALID);
	gro_del();
}

/*
 * A segment nobody vouched for (no header, or a header without DATA_VALID)
 * with a wrong checksum is never coalesced and never marked valid, even
 * in the middle of a flow of vouched segments: it closes the flow and is
 * passed on unverified, and the guest gets it without DATA_VALID.
 */
/* conformance: NET-RX-33 */
static void test_unvouched_bad_never_valid(void **state)
{
	struct vnet_hdr dv = hdr_of(VNET_HDR_F_DATA_VALID, 0, 0);
	struct vnet_hdr none = hdr_of(0, 0, 0);
	const struct vnet_hdr *who[2] = { NULL, &none };
	struct got g;
	unsigned int i, m, w;

	(void)state;
	for (m = 0; m < 2; m++) {
		for (w = 0; w < 2; w++) {
			gro_new(modes[m]);
			for (i = 0; i < 2; i++) {
				make_seg(i, 0x10);
				feed(&dv);
			}
			make_seg(2, 0x10);
			corrupt_seg();
			assert_int_equal(feed(who[w]), 2);
			assert_int_equal(out.segs[0], 2);
			assert_true(out.ok[0]);
			assert_int_equal(out.segs[1], 1);
			assert_false(out.ok[1]);
			assert_int_equal(out.len[1], seg.len);
			assert_int_equal(ctx.stats[VNET_GRO_S_CSUM], 1);
			assert_int_equal(ctx.stats[VNET_GRO_S_MERGED], 1);
			g = deliver(1, GUEST_CSUM);
			assert_int_equal(g.n, 1);
			assert_int_equal(g.h.flags & VNET_HDR_F_DATA_VALID, 0);
			gro_del();
		}
	}
}

/*
 * A super-frame is verified only when every part was: one segment
 * verified here (no word from its source, a good checksum) and vouched
 * ones make a verified super-frame; a partial part (NEEDS_CSUM) was
 * verified by nobody, and so neither is the super-frame it joins.
 */
static void test_every_part_verified(void **state)
{
	struct vnet_hdr dv = hdr_of(VNET_HDR_F_DATA_VALID, 0, 0);
	struct vnet_hdr pc = hdr_of(VNET_HDR_F_NEEDS_CSUM, 34, 16);
	unsigned int m;

	(void)state;
	for (m = 0; m < 2; m++) {
		gro_new(modes[m]);
		make_seg(0, 0x10);
		feed(NULL);
		make_seg(1, 0x10);
		feed(&dv);
		assert_int_equal(flush(), 1);
		assert_int_equal(out.segs[0], 2);
		assert_true(out.ok[0]);
		rf_out_reset(&out);
		make_seg(2, 0x10);
		feed(&dv);
		make_seg(3, 0x10);
		partial_seg();
		feed(&pc);
		assert_int_equal(flush(), 1);
		assert_int_equal(out.segs[0], 2);
		assert_false(out.ok[0]);
		gro_del();
	}
}

/*
 * Segments with a local sender's partial checksum (NEEDS_CSUM, csum_start
 * at the TCP header, csum_offset its checksum field) are coalesced as
 * Linux's GRO coalesces CHECKSUM_PARTIAL ones: a TCPv4 super-frame with
 * NEEDS_CSUM and the pseudo-header sum over its whole length; the guest
 * that cannot take it whole gets it segmented with complete checksums and
 * no DATA_VALID. One such segment alone leaves as it came, NEEDS_CSUM.
 */
static void test_partial_coalesced(void **state)
{
	struct vnet_hdr pc = hdr_of(VNET_HDR_F_NEEDS_CSUM, 34, 16);
	unsigned int i, m;
	struct got g;

	(void)state;
	for (m = 0; m < 2; m++) {
		gro_new(modes[m]);
		for (i = 0; i < 3; i++) {
			make_seg(i, 0x10);
			partial_seg();
			assert_int_equal(feed(&pc), 0);
		}
		assert_int_equal(flush(), 1);
		assert_int_equal(out.segs[0], 3);
		assert_int_equal(out.len[0], 54 + 3000);
		assert_false(out.ok[0]);
		assert_int_equal(out.h[0].flags, VNET_HDR_F_NEEDS_CSUM);
		assert_int_equal(out.h[0].gso_type, VNET_HDR_GSO_TCPV4);
		assert_int_equal(out.h[0].gso_size, 1000);
		assert_int_equal(out.h[0].csum_start, 34);
		assert_int_equal(out.h[0].csum_offset, 16);
		assert_int_equal(tf_get16(out.b[0] + 34 + 16),
				 tf_fold(tf_pseudo(out.b[0] + 14, false, 6,
						   3000 + 20)));
		for (i = 0; i < 3000; i++)
			assert_int_equal(out.b[0][54 + i], (uint8_t)(i * 7 + 3));
		g = deliver(0, GUEST_CSUM);
		assert_int_equal(g.n, 3);
		assert_int_equal(g.h.flags, 0);
		assert_true(g.tcp_ok);
		gro_del();
	}
	/* alone: as it came */
	gro_new(VNET_GRO_F_ALL);
	make_seg(0, 0x10);
	partial_seg();
	feed(&pc);
	assert_int_equal(flush(), 1);
	assert_int_equal(out.segs[0], 1);
	assert_int_equal(out.h[0].gso_type, VNET_HDR_GSO_NONE);
	assert_int_equal(out.h[0].flags, VNET_HDR_F_NEEDS_CSUM);
	assert_int_equal(out.h[0].csum_start, 34);
	assert_int_equal(out.h[0].csum_offset, 16);
	assert_int_equal(memcmp(out.b[0], seg.b, seg.len), 0);
	gro_del();
}

/*
 * NEEDS_CSUM anywhere but the coalesced layer's checksum field is not
 * believed: the segment closes its flow and is passed on with its header
 * as it came (the guest or the segmenter completes what it says), never
 * coalesced, never marked verified.
 */
static void test_partial_elsewhere_passed(void **state)
{
	struct vnet_hdr dv = hdr_of(VNET_HDR_F_DATA_VALID, 0, 0);
	struct vnet_hdr bad = hdr_of(VNET_HDR_F_NEEDS_CSUM, 14, 16);
	unsigned int m;

	(void)state;
	for (m = 0; m < 2; m++) {
		gro_new(modes[m]);
		make_seg(0, 0x10);
		feed(&dv);
		make_seg(1, 0x10);
		partial_seg();
		assert_int_equal(feed(&bad), 2);
		assert_int_equal(out.segs[0], 1);
		assert_int_equal(out.segs[1], 1);
		assert_false(out.ok[1]);
		assert_int_equal(out.h[1].flags, VNET_HDR_F_NEEDS_CSUM);
		assert_int_equal(out.h[1].csum_start, 14);
		assert_int_equal(ctx.stats[VNET_GRO_S_MERGED], 0);
		gro_del();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vouched_coalesced),
		cmocka_unit_test(test_vouched_single_carried),
		cmocka_unit_test(test_unvouched_bad_never_valid),
		cmocka_unit_test(test_every_part_verified),
		cmocka_unit_test(test_partial_coalesced),
		cmocka_unit_test(test_partial_elsewhere_passed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
