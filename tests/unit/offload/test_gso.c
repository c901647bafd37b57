// SPDX-License-Identifier: MIT
/* test_gso.c - segmentation: every field of every segment, both output modes */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/csum.h"
#include "vnet/gso.h"
#include "tx_frames.h"

#define FRAME_MAX	(70 * 1024)
#define OUT_BUF		(512 * 1024)
#define MAX_SEGS	512
#define MAX_IOV		8192
#define MAX_PIECES	16

/**
 * struct run - one vnet_gso_segment() call and its output, flattened
 * @buf:	output bytes
 * @iov:	output pieces
 * @segs:	output segments
 * @out:	output descriptor
 * @flat:	each segment made contiguous
 * @flat_len:	their lengths
 * @n:		return value
 */
struct run {
	uint8_t buf[OUT_BUF];
	struct iovec iov[MAX_IOV];
	struct vnet_gso_seg segs[MAX_SEGS];
	struct vnet_gso_out out;
	uint8_t *flat[MAX_SEGS];
	size_t flat_len[MAX_SEGS];
	int n;
};

static struct vnet_features all_features(void)
{
	static const unsigned int bits[] = {
		VNET_F_CSUM, VNET_F_HOST_TSO4, VNET_F_HOST_TSO6, VNET_F_HOST_ECN,
		VNET_F_HOST_UFO, VNET_F_HOST_USO, VNET_F_HOST_UDP_TUNNEL_GSO,
		VNET_F_HOST_UDP_TUNNEL_GSO_CSUM, VNET_F_VERSION_1,
	};
	struct vnet_features f = { { 0, 0 } };
	size_t i;

	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		vnet_features_set(&f, bits[i]);
	return f;
}

/* Run the engine over @frame cut into odd heap pieces (ASan sees overreads). */
static struct run *run_gso(enum vnet_gso_mode mode, const struct vnet_hdr *h,
			   const uint8_t *frame, size_t len)
{
	static const size_t cuts[] = { 7, 33, 1, 100, 2, 1500, 3 };
	struct iovec piece[MAX_PIECES];
	struct vnet_gso_ctx ctx;
	struct vnet_features f = all_features();
	struct vnet_pkt pkt;
	struct run *r = calloc(1, sizeof(*r));
	size_t off = 0, take;
	unsigned int np = 0;
	int i, k;

	assert_non_null(r);
	while (off < len) {
		take = np < 7 ? cuts[np] : len - off;
		if (take > len - off)
			take = len - off;
		piece[np].iov_base = malloc(take);
		memcpy(piece[np].iov_base, frame + off, take);
		piece[np++].iov_len = take;
		off += take;
	}
	vnet_pkt_init(&pkt, piece, np);
	vnet_gso_ctx_init(&ctx, &f, mode, 0x1234);
	r->out = (struct vnet_gso_out){ .buf = r->buf, .buf_len = OUT_BUF,
		.iov = r->iov, .iov_max = MAX_IOV, .segs = r->segs,
		.seg_max = MAX_SEGS };
	r->n = vnet_gso_segment(&ctx, h, &pkt, &r->out);
	for (i = 0; i < r->n; i++) {
		r->flat_len[i] = r->segs[i].len;
		r->flat[i] = malloc(r->segs[i].len);
		for (off = 0, k = 0; k < (int)r->segs[i].iovcnt; k++) {
			memcpy(r->flat[i] + off, r->segs[i].iov[k].iov_base,
			       r->segs[i].iov[k].iov_len);
			off += r->segs[i].iov[k].iov_len;
		}
		assert_int_equal(off, r->segs[i].len);
	}
	for (k = 0; k < (int)np; k++)
		free(piece[k].iov_base);
	return r;
}

static void run_free(struct run *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		free(r->flat[i]);
	free(r);
}

/* Copy and zero-copy give the same bytes; returns the copy-mode run. */
static struct run *run_both(const struct vnet_hdr *h, const uint8_t *frame,
			    size_t len)
{
	struct run *c = run_gso(VNET_GSO_COPY, h, frame, len);
	struct run *z = run_gso(VNET_GSO_ZEROCOPY, h, frame, len);
	int i;

	assert_int_equal(c->n, z->n);
	for (i = 0; i < c->n; i++) {
		assert_int_equal(c->flat_len[i], z->flat_len[i]);
		assert_memory_equal(c->flat[i], z->flat[i], c->flat_len[i]);
	}
	run_free(z);
	return c;
}

/* The IP header at @ip: length field and, for IPv4, ID and checksum. */
static void check_ip(const uint8_t *ip, bool v6, size_t l3len, uint16_t id)
{
	if (v6) {
		assert_int_equal(tf_get16(ip + 4), l3len - 40);
		return;
	}
	assert_int_equal(tf_get16(ip + 2), l3len);
	assert_int_equal(tf_get16(ip + 4), id);
	assert_int_equal(tf_fold(tf_sum(ip, (size_t)(ip[0] & 15) * 4, 0)),
			 0xffff);
}

/* Field-by-field check of TSO / USO (/ tunnel) segments. */
static void check_segments(const struct tf_spec *s, const struct vnet_hdr *h,
			   const uint8_t *frame, const struct tf_layout *lay,
			   const struct run *r)
{
	size_t mss = h->gso_size, pay = s->payload, off = 0, n;
	uint8_t proto = s->udp ? 17 : 6, fl;
	int k;

	assert_int_equal(r->n, (int)((pay + mss - 1) / mss));
	for (k = 0; k < r->n; k++, off += n) {
		const uint8_t *g = r->flat[k];
		size_t len = r->flat_len[k];

		n = pay - off < mss ? pay - off : mss;
		assert_int_equal(len, lay->pay + n);
		assert_memory_equal(g, frame, s->tunnel ? lay->ol3 : lay->l3);
		assert_memory_equal(g + lay->pay, frame + lay->pay + off, n);
		check_ip(g + lay->l3, s->v6, len - lay->l3,
			 (uint16_t)(s->ip_id + k));
		assert_true(tf_l4_ok(g + lay->l3, s->v6, proto, g + lay->l4,
				     len - lay->l4));
		if (s->udp) {
			assert_int_equal(tf_get16(g + lay->l4 + 4), 8 + n);
		} else {
			assert_int_equal(tf_get32(g + lay->l4 + 4),
					 0x12345678u + (uint32_t)off);
			fl = s->tcp_flags;
			if (k + 1 < r->n)
				fl &= (uint8_t)~0x09;	/* FIN, PSH */
			if (k)
				fl &= (uint8_t)~0x80;	/* CWR */
			assert_int_equal(g[lay->l4 + 13], fl);
		}
		if (!s->tunnel)
			continue;
		check_ip(g + lay->ol3, s->outer_v6, len - lay->ol3,
			 (uint16_t)(0x1000 + k));
		assert_int_equal(tf_get16(g + lay->ol4 + 4), len - lay->ol4);
		if (h->flags & VNET_HDR_F_UDP_TUNNEL_CSUM)
			assert_true(tf_l4_ok(g + lay->ol3, s->outer_v6, 17,
					     g + lay->ol4, len - lay->ol4));
		else
			assert_int_equal(tf_get16(g + lay->ol4 + 6), 0);
	}
	assert_int_equal(off, pay);			/* concatenation */
}

static void seg_case(const struct tf_spec *s, uint8_t type, uint16_t mss,
		     uint8_t extra_flags)
{
	uint8_t *frame = malloc(FRAME_MAX);
	struct tf_layout lay;
	struct vnet_hdr h;
	struct run *r;

	tf_build(s, frame, type, mss, &h, &lay);
	h.flags |= extra_flags;
	r = run_both(&h, frame, lay.len);
	check_segments(s, &h, frame, &lay, r);
	run_free(r);
	free(frame);
}

static void test_tso4_vlan_options(void **state)
{
	struct tf_spec s = { .vlan = 2, .ip_opt = 8, .tcp_opt = 12,
		.tcp_flags = 0x80 | 0x10 | 0x08 | 0x01, .payload = 5100,
		.ip_id = 0xfffe, .seed = 1 };

	(void)state;
	seg_case(&s, VNET_HDR_GSO_TCPV4 | VNET_HDR_GSO_ECN, 1000, 0);
}

static void test_tso6_ext(void **state)
{
	struct tf_spec s = { .vlan = 1, .v6 = true, .v6_ext = 16,
		.tcp_flags = 0x18, .payload = 9001, .seed = 2 };

	(void)state;
	seg_case(&s, VNET_HDR_GSO_TCPV6, 1440, 0);
}

static void test_tso4_64k(void **state)
{
	struct tf_spec s = { .tcp_flags = 0x10, .payload = 65536 - 54 - 1,
		.ip_id = 7, .seed = 3 };

	(void)state;
	seg_case(&s, VNET_HDR_GSO_TCPV4, 1448, 0);
}

static void test_uso4(void **state)
{
	struct tf_spec s = { .udp = true, .payload = 4000, .ip_id = 9,
		.seed = 4 };

	(void)state;
	seg_case(&s, VNET_HDR_GSO_UDP_L4, 1200, 0);
}

static void test_uso6(void **state)
{
	struct tf_spec s = { .udp = true, .v6 = true, .payload = 3001,
		.seed = 5 };

	(void)state;
	seg_case(&s, VNET_HDR_GSO_UDP_L4, 999, 0);
}

static void test_tunnel_vxlan4_tcp4_csum(void **state)
{
	struct tf_spec s = { .tunnel = true, .tcp_flags = 0x19,
		.payload = 7000, .ip_id = 100, .seed = 6 };

	(void)state;
	seg_case(&s, VNET_HDR_GSO_TCPV4, 1400, VNET_HDR_F_UDP_TUNNEL_CSUM);
}

/* A driver that breaks "the outer UDP checksum MUST be zero or complete"
 * (tunnel GSO without UDP_TUNNEL_CSUM): a garbage outer checksum in the
 * super-frame is never copied into a segment, each has none (0), as Linux's
 * __skb_udp_tunnel_segment() leaves it; the rest is right. */
/* conformance: D-TX-17 */
static void test_tunnel_garbage_outer_csum(void **state)
{
	struct tf_spec s = { .tunnel = true, .tcp_flags = 0x10,
		.payload = 4000, .ip_id = 3, .seed = 11 };
	uint8_t *frame = malloc(FRAME_MAX);
	struct tf_layout lay;
	struct vnet_hdr h;
	struct run *r;

	(void)state;
	assert_non_null(frame);
	tf_build(&s, frame, VNET_HDR_GSO_TCPV4, 1000, &h, &lay);
	tf_put16(frame + lay.ol4 + 6, 0xbeef);
	r = run_both(&h, frame, lay.len);
	check_segments(&s, &h, frame, &lay, r);
	run_free(r);
	free(frame);
}

static void test_tunnel_geneve6_tcp6(void **state)
{
	struct tf_spec s = { .tunnel = true, .outer_v6 = true, .v6 = true,
		.geneve = true, .tcp_flags = 0x10, .payload = 5000, .seed = 7 };

	(void)state;
	seg_case(&s, VNET_HDR_GSO_TCPV6, 1300, 0);
}

static void test_tunnel_vxlan6_uso4_csum(void **state)
{
	struct tf_spec s = { .tunnel = true, .outer_v6 = true, .udp = true,
		.payload = 3500, .ip_id = 5, .seed = 8 };

	(void)state;
	seg_case(&s, VNET_HDR_GSO_UDP_L4, 1000, VNET_HDR_F_UDP_TUNNEL_CSUM);
}

/* Reassemble UFO fragments; check every fragment's IP fields on the way. */
static void check_ufo(const struct tf_spec *s, const uint8_t *frame,
		      const struct tf_layout *lay, const struct run *r,
		      size_t fs)
{
	size_t dlen = lay->len - lay->l4, off = 0, hb, n;
	uint8_t *dg = malloc(dlen);
	uint32_t id0 = 0;
	int k;

	for (k = 0; k < r->n; k++, off += n) {
		const uint8_t *g = r->flat[k], *ip = g + lay->l3;
		bool last = k + 1 == r->n;

		assert_memory_equal(g, frame, lay->l3);
		if (s->v6) {
			/* Destination options stay unfragmentable, before it. */
			const uint8_t *fh = ip + 40 + s->v6_ext;

			hb = lay->l3 + 48 + (size_t)s->v6_ext;
			assert_int_equal(ip[6], s->v6_ext ? 60 : 44);
			if (s->v6_ext)
				assert_int_equal(ip[40], 44);
			assert_int_equal(fh[0], 17);
			assert_int_equal(tf_get16(fh + 2), off | !last);
			if (!k)
				id0 = tf_get32(fh + 4);
			assert_int_equal(tf_get32(fh + 4), id0);
			assert_int_equal(tf_get16(ip + 4),
					 r->flat_len[k] - lay->l3 - 40);
		} else {
			hb = lay->l4;
			assert_int_equal(tf_get16(ip + 4), s->ip_id);
			assert_int_equal(tf_get16(ip + 6),
					 (off >> 3) | (last ? 0 : 0x2000));
			check_ip(ip, false, r->flat_len[k] - lay->l3,
				 s->ip_id);
		}
		n = r->flat_len[k] - hb;
		assert_true(last ? n <= fs : n == fs);
		memcpy(dg + off, g + hb, n);
	}
	assert_int_equal(off, dlen);
	assert_memory_equal(dg + 8, frame + lay->l4 + 8, dlen - 8);
	assert_memory_equal(dg, frame + lay->l4, 6);
	assert_true(tf_l4_ok(frame + lay->l3, s->v6, 17, dg, dlen));
	free(dg);
}

static void ufo_case(const struct tf_spec *s, uint16_t mss, size_t fs)
{
	uint8_t *frame = malloc(FRAME_MAX);
	struct tf_layout lay;
	struct vnet_hdr h;
	struct run *r;

	tf_build(s, frame, VNET_HDR_GSO_UDP, mss, &h, &lay);
	r = run_both(&h, frame, lay.len);
	assert_true(r->n > 1);
	check_ufo(s, frame, &lay, r, fs);
	run_free(r);
	free(frame);
}

static void test_ufo4(void **state)
{
	struct tf_spec s = { .udp = true, .payload = 4000, .ip_id = 0x4242,
		.seed = 9 };

	(void)state;
	ufo_case(&s, 1480, 1480);
	ufo_case(&s, 1483, 1480);	/* rounded down to 8-byte units */
}

static void test_ufo6(void **state)
{
	struct tf_spec s = { .udp = true, .v6 = true, .payload = 5000,
		.seed = 10 };

	struct tf_spec x = { .udp = true, .v6 = true, .v6_ext = 16, .vlan = 2,
		.payload = 3000, .seed = 15 };

	(void)state;
	ufo_case(&s, 1448, 1448);
	ufo_case(&x, 1000, 1000);
}

/* NEEDS_CSUM without GSO, and GSO on a frame that fits: one segment. */
static void test_csum_and_small(void **state)
{
	struct tf_spec s = { .tcp_flags = 0x18, .payload = 333, .seed = 11 };
	uint8_t *frame = malloc(FRAME_MAX);
	struct tf_layout lay;
	struct vnet_hdr h;
	struct run *r;
	int pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		tf_build(&s, frame, pass ? VNET_HDR_GSO_TCPV4 :
			 VNET_HDR_GSO_NONE, pass ? 1448 : 0, &h, &lay);
		r = run_both(&h, frame, lay.len);
		assert_int_equal(r->n, 1);
		assert_int_equal(r->flat_len[0], lay.len);
		assert_memory_equal(r->flat[0], frame, lay.l4 + 16);
		assert_memory_equal(r->flat[0] + lay.l4 + 18,
				    frame + lay.l4 + 18, lay.len - lay.l4 - 18);
		assert_true(tf_l4_ok(r->flat[0] + lay.l3, false, 6,
				     r->flat[0] + lay.l4, lay.len - lay.l4));
		run_free(r);
	}
	free(frame);
}

/*
 * A tunnel GSO frame with UDP_TUNNEL_CSUM that fits in one MSS goes out as
 * one segment with both checksums complete: the inner one, and the outer
 * UDP one over the inner datagram as completed (the guest leaves the outer
 * field holding the pseudo-header sum, as Linux does). Over outer IPv4 and
 * IPv6, inner TCP and UDP, even and odd payloads; expected fields from the
 * plain RFC 1071 loop of tx_frames.h.
 */
static void test_tunnel_csum_one_segment(void **state)
{
	uint8_t *frame = malloc(FRAME_MAX), *want = malloc(FRAME_MAX);
	unsigned int k;

	(void)state;
	for (k = 0; k < 8; k++) {
		struct tf_spec s = { .tunnel = true, .outer_v6 = k & 1,
			.udp = k & 2, .v6 = k & 4, .tcp_flags = 0x18,
			.payload = 700 + k, .ip_id = 3, .seed = 30 + k };
		uint8_t proto = s.udp ? 17 : 6;
		struct tf_layout lay;
		struct vnet_hdr h;
		struct run *r;
		size_t f;
		uint16_t c;

		tf_build(&s, frame, s.udp ? VNET_HDR_GSO_UDP_L4 : s.v6 ?
			 VNET_HDR_GSO_TCPV6 : VNET_HDR_GSO_TCPV4, 1448, &h,
			 &lay);
		tf_put16(frame + lay.ol4 + 6, tf_fold(tf_pseudo(frame + lay.ol3,
			 s.outer_v6, 17, (uint32_t)(lay.len - lay.ol4))));
		h.flags |= VNET_HDR_F_UDP_TUNNEL_CSUM;
		/* Expected: inner completed, then outer over it. */
		memcpy(want, frame, lay.len);
		f = lay.l4 + h.csum_offset;
		tf_put16(want + f, 0);
		c = (uint16_t)~tf_fold(tf_sum(want + lay.l4, lay.len - lay.l4,
			tf_pseudo(want + lay.l3, s.v6, proto,
				  (uint32_t)(lay.len - lay.l4))));
		tf_put16(want + f, s.udp && !c ? 0xffff : c);
		tf_put16(want + lay.ol4 + 6, 0);
		c = (uint16_t)~tf_fold(tf_sum(want + lay.ol4, lay.len - lay.ol4,
			tf_pseudo(want + lay.ol3, s.outer_v6, 17,
				  (uint32_t)(lay.len - lay.ol4))));
		tf_put16(want + lay.ol4 + 6, c ? c : 0xffff);
		r = run_both(&h, frame, lay.len);
		assert_int_equal(r->n, 1);
		assert_int_equal(r->flat_len[0], lay.len);
		assert_int_equal(tf_get16(r->flat[0] + lay.ol4 + 6),
				 tf_get16(want + lay.ol4 + 6));
		assert_memory_equal(r->flat[0], want, lay.len);
		assert_true(tf_l4_ok(r->flat[0] + lay.ol3, s.outer_v6, 17,
				     r->flat[0] + lay.ol4, lay.len - lay.ol4));
		assert_true(tf_l4_ok(r->flat[0] + lay.l3, s.v6, proto,
				     r->flat[0] + lay.l4, lay.len - lay.l4));
		run_free(r);
	}
	free(want);
	free(frame);
}

/* Checksum completion in place, on a writable frame only. */
static void test_csum_apply(void **state)
{
	struct tf_spec s = { .udp = true, .v6 = true, .payload = 101,
		.seed = 14 };
	uint8_t *frame = malloc(FRAME_MAX);
	struct tf_layout lay;
	struct vnet_hdr h;
	struct iovec iov[2];
	struct vnet_pkt pkt;

	(void)state;
	tf_build(&s, frame, VNET_HDR_GSO_NONE, 0, &h, &lay);
	iov[0].iov_base = frame;
	iov[0].iov_len = lay.l4 + 3;		/* the field straddles */
	iov[1].iov_base = frame + lay.l4 + 3;
	iov[1].iov_len = lay.len - lay.l4 - 3;
	vnet_pkt_init(&pkt, iov, 2);
	assert_int_equal(vnet_tx_csum_apply(&pkt, h.csum_start, h.csum_offset),
			 -EROFS);
	vnet_pkt_init_rw(&pkt, iov, 2);
	assert_int_equal(vnet_tx_csum_apply(&pkt, lay.len - 1, 0), -EFAULT);
	assert_int_equal(vnet_tx_csum_apply(&pkt, h.csum_start, h.csum_offset),
			 0);
	assert_true(tf_l4_ok(frame + lay.l3, true, 17, frame + lay.l4,
			     lay.len - lay.l4));
	free(frame);
}

/* Passthrough: the peer takes TSO4, so the frame goes on as it is. */
static void test_passthrough(void **state)
{
	struct tf_spec s = { .tcp_flags = 0x10, .payload = 4000, .seed = 12 };
	uint8_t *frame = malloc(FRAME_MAX);
	struct iovec iov, oiov[64];
	struct vnet_gso_seg segs[64];
	struct vnet_gso_ctx ctx;
	struct vnet_features f = all_features();
	struct vnet_gso_out out = { .buf = malloc(OUT_BUF), .buf_len = OUT_BUF,
		.iov = oiov, .iov_max = 64, .segs = segs, .seg_max = 64 };
	struct tf_layout lay;
	struct vnet_hdr h;
	struct vnet_pkt pkt;

	(void)state;
	tf_build(&s, frame, VNET_HDR_GSO_TCPV4, 1448, &h, &lay);
	iov.iov_base = frame;
	iov.iov_len = lay.len;
	vnet_pkt_init(&pkt, &iov, 1);
	vnet_gso_ctx_init(&ctx, &f, VNET_GSO_PASSTHROUGH, 1);
	vnet_features_set(&ctx.peer, VNET_F_CSUM);
	vnet_features_set(&ctx.peer, VNET_F_HOST_TSO4);
	assert_int_equal(vnet_gso_segment(&ctx, &h, &pkt, &out), 1);
	assert_true(out.passthrough);
	assert_ptr_equal(out.segs[0].iov[0].iov_base, frame);
	assert_memory_equal(&out.hdr, &h, sizeof(h));
	vnet_features_clear(&ctx.peer, VNET_F_HOST_TSO4);
	assert_int_equal(vnet_gso_segment(&ctx, &h, &pkt, &out), 3);
	assert_false(out.passthrough);
	assert_int_equal(out.hdr.gso_type, VNET_HDR_GSO_NONE);
	assert_int_equal(ctx.stats.passthrough, 1);
	assert_int_equal(ctx.stats.segments, 4);
	free(out.buf);
	free(frame);
}

/* Output too small: -ENOSPC, and no reason is blamed on the frame. */
static void test_enospc(void **state)
{
	struct tf_spec s = { .tcp_flags = 0x10, .payload = 4000, .seed = 13 };
	uint8_t *frame = malloc(FRAME_MAX), small[200];
	struct iovec iov, oiov[64];
	struct vnet_gso_seg segs[64];
	struct vnet_gso_ctx ctx;
	struct vnet_features f = all_features();
	struct vnet_gso_out out = { .buf = small, .buf_len = sizeof(small),
		.iov = oiov, .iov_max = 64, .segs = segs, .seg_max = 64 };
	struct tf_layout lay;
	struct vnet_hdr h;
	struct vnet_pkt pkt;

	(void)state;
	tf_build(&s, frame, VNET_HDR_GSO_TCPV4, 1448, &h, &lay);
	iov.iov_base = frame;
	iov.iov_len = lay.len;
	vnet_pkt_init(&pkt, &iov, 1);
	vnet_gso_ctx_init(&ctx, &f, VNET_GSO_COPY, 1);
	assert_int_equal(vnet_gso_segment(&ctx, &h, &pkt, &out), -ENOSPC);
	assert_int_equal(out.reason, VNET_TX_OK);
	assert_int_equal(out.nseg, 0);
	assert_int_equal(ctx.stats.rejected, 0);
	free(frame);
}

/* Property: random sizes and MSS, payloads concatenate to the original. */
static void test_random_property(void **state)
{
	unsigned int seed = 42, i;

	(void)state;
	for (i = 0; i < 60; i++) {
		struct tf_spec s = { .seed = i };
		uint8_t type;
		uint16_t mss;

		seed = seed * 1103515245u + 12345u;
		s.v6 = seed & 0x10000;
		s.udp = seed & 0x20000;
		s.tunnel = seed & 0x40000;
		s.outer_v6 = seed & 0x80000;
		s.vlan = s.tunnel ? 0 : (int)(seed >> 20) % 3;
		s.tcp_flags = 0x19;
		s.payload = 1 + (seed >> 8) % 30000;
		mss = (uint16_t)(500 + (seed >> 3) % 1000);
		type = s.udp ? VNET_HDR_GSO_UDP_L4 :
			       s.v6 ? VNET_HDR_GSO_TCPV6 : VNET_HDR_GSO_TCPV4;
		if (s.payload <= mss)
			continue;
		seg_case(&s, type, mss, s.tunnel && (seed & 1) ?
			 VNET_HDR_F_UDP_TUNNEL_CSUM : 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tso4_vlan_options),
		cmocka_unit_test(test_tso6_ext),
		cmocka_unit_test(test_tso4_64k),
		cmocka_unit_test(test_uso4),
		cmocka_unit_test(test_uso6),
		cmocka_unit_test(test_tunnel_vxlan4_tcp4_csum),
		cmocka_unit_test(test_tunnel_geneve6_tcp6),
		cmocka_unit_test(test_tunnel_garbage_outer_csum),
		cmocka_unit_test(test_tunnel_vxlan6_uso4_csum),
		cmocka_unit_test(test_ufo4),
		cmocka_unit_test(test_ufo6),
		cmocka_unit_test(test_csum_and_small),
		cmocka_unit_test(test_tunnel_csum_one_segment),
		cmocka_unit_test(test_csum_apply),
		cmocka_unit_test(test_passthrough),
		cmocka_unit_test(test_enospc),
		cmocka_unit_test(test_random_property),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
