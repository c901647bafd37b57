// SPDX-License-Identifier: MIT
/* test_tx_validate.c - one test per transmit rule: reason, counter, next frame */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/gso.h"
#include "tx_frames.h"

#define FRAME_MAX	(70 * 1024)
#define OUT_BUF		(256 * 1024)

/**
 * struct vcase - a good frame, its header and the features, to break
 * @s:		frame spec
 * @h:		header
 * @lay:	layout
 * @f:		negotiated features
 * @frame:	bytes
 */
struct vcase {
	struct tf_spec s;
	struct vnet_hdr h;
	struct tf_layout lay;
	struct vnet_features f;
	uint8_t frame[FRAME_MAX];
};

/**
 * struct rule - one rule: how to break a good frame, what must be said
 * @name:	the rule, and where it comes from
 * @reason:	the reason expected
 * @brk:	turns the good case into a bad one
 */
struct rule {
	const char *name;
	enum vnet_tx_reason reason;
	void (*brk)(struct vcase *c);
};

static void features_all(struct vnet_features *f)
{
	static const unsigned int bits[] = {
		VNET_F_CSUM, VNET_F_HOST_TSO4, VNET_F_HOST_TSO6, VNET_F_HOST_ECN,
		VNET_F_HOST_UFO, VNET_F_HOST_USO, VNET_F_HOST_UDP_TUNNEL_GSO,
		VNET_F_HOST_UDP_TUNNEL_GSO_CSUM, VNET_F_VERSION_1,
	};
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		vnet_features_set(f, bits[i]);
}

/* Rebuild the case's frame from a spec, as a GSO frame of @type. */
static void rebuild(struct vcase *c, const struct tf_spec *s, uint8_t type,
		    uint16_t mss)
{
	c->s = *s;
	tf_build(s, c->frame, type, mss, &c->h, &c->lay);
}

static void tso4(struct vcase *c)
{
	struct tf_spec s = { .tcp_flags = 0x18, .payload = 3000, .seed = 1 };

	rebuild(c, &s, VNET_HDR_GSO_TCPV4, 1000);
}

static void uso4(struct vcase *c)
{
	struct tf_spec s = { .udp = true, .payload = 3000, .seed = 2 };

	rebuild(c, &s, VNET_HDR_GSO_UDP_L4, 1000);
}

static void tunnel(struct vcase *c)
{
	struct tf_spec s = { .tunnel = true, .tcp_flags = 0x18,
		.payload = 3000, .seed = 3 };

	rebuild(c, &s, VNET_HDR_GSO_TCPV4, 1000);
}

static void udp6x(struct vcase *c)
{
	struct tf_spec s = { .udp = true, .v6 = true, .v6_ext = 16, .vlan = 1,
		.payload = 3000, .seed = 7 };

	rebuild(c, &s, VNET_HDR_GSO_UDP, 1000);
}

/* Linux default case of the gso_type switch: no such type. */
static void b_gso_type(struct vcase *c) { tso4(c); c->h.gso_type = 0x02; }
/* Linux: ECN on GSO_NONE falls in the default case too. */
static void b_gso_type_ecn(struct vcase *c)
{
	tso4(c);
	c->h.gso_type = VNET_HDR_GSO_ECN;
}
/* Spec driver normative: TCPV4 only with HOST_TSO4. */
/* conformance: D-TX-04, D-TX-13 */
static void b_not_neg(struct vcase *c)
{
	tso4(c);
	vnet_features_clear(&c->f, VNET_F_HOST_TSO4);
}
/* Spec: GSO_ECN only with HOST_ECN. */
/* conformance: D-TX-05 */
static void b_ecn_not_neg(struct vcase *c)
{
	tso4(c);
	c->h.gso_type |= VNET_HDR_GSO_ECN;
	vnet_features_clear(&c->f, VNET_F_HOST_ECN);
}
/* Linux: UDP_L4 with the ECN bit. */
static void b_ecn_udp(struct vcase *c)
{
	uso4(c);
	c->h.gso_type |= VNET_HDR_GSO_ECN;
}
/* Linux: gso_size 0. */
/* conformance: D-TX-14 */
static void b_size0(struct vcase *c) { tso4(c); c->h.gso_size = 0; }
/* Linux: gso_size GSO_BY_FRAGS. */
static void b_sizemax(struct vcase *c) { tso4(c); c->h.gso_size = 0xffff; }
/* Spec: GSO MUST come with NEEDS_CSUM (tunnel rule 4 too). */
/* conformance: D-TX-14 */
static void b_no_csum(struct vcase *c) { tso4(c); c->h.flags = 0; }
/* Spec: without VIRTIO_NET_F_CSUM the driver MUST set flags to zero. */
/* conformance: D-TX-03 */
static void b_csum_not_neg(struct vcase *c)
{
	tso4(c);
	c->h.gso_type = VNET_HDR_GSO_NONE;
	vnet_features_clear(&c->f, VNET_F_CSUM);
}
/* Tunnel rule 1: tunnel bit without HOST_UDP_TUNNEL_GSO. */
/* conformance: D-TX-06 */
static void b_tnl_not_neg(struct vcase *c)
{
	tunnel(c);
	vnet_features_clear(&c->f, VNET_F_HOST_UDP_TUNNEL_GSO);
}
/* Tunnel rule 2: both tunnel bits. */
/* conformance: NET-TX-08, D-TX-09 */
static void b_tnl_both(struct vcase *c)
{
	tunnel(c);
	c->h.gso_type |= VNET_HDR_GSO_UDP_TUNNEL_IPV6;
}
/* Tunnel rule 3: UFO inside a tunnel. */
/* conformance: D-TX-08 */
static void b_tnl_ufo(struct vcase *c)
{
	tunnel(c);
	c->h.gso_type = VNET_HDR_GSO_UDP | VNET_HDR_GSO_UDP_TUNNEL_IPV4;
}
/* Tunnel rule 6: UDP_TUNNEL_CSUM without its feature. */
/* conformance: D-TX-07 */
static void b_tnl_csum_not_neg(struct vcase *c)
{
	tunnel(c);
	c->h.flags |= VNET_HDR_F_UDP_TUNNEL_CSUM;
	vnet_features_clear(&c->f, VNET_F_HOST_UDP_TUNNEL_GSO_CSUM);
}
/* Tunnel rule 6: UDP_TUNNEL_CSUM without a tunnel bit. */
/* conformance: NET-TX-13, D-TX-10 */
static void b_tnl_csum_plain(struct vcase *c)
{
	tso4(c);
	c->h.flags |= VNET_HDR_F_UDP_TUNNEL_CSUM;
}
/* Tunnel rule 7: DATA_VALID with a tunnel bit. */
/* conformance: NET-TX-11 */
static void b_tnl_data_valid(struct vcase *c)
{
	tunnel(c);
	c->h.flags |= VNET_HDR_F_DATA_VALID;
}
/* A tunnel frame without NEEDS_CSUM. */
/* conformance: NET-TX-10 */
static void b_tnl_no_csum(struct vcase *c)
{
	tunnel(c);
	c->h.flags &= (uint8_t)~VNET_HDR_F_NEEDS_CSUM;
}
/* A tunnel frame whose gso_type, the tunnel bits aside, is NONE. */
/* conformance: NET-TX-12 */
static void b_tnl_none(struct vcase *c)
{
	tunnel(c);
	c->h.gso_type = VNET_HDR_GSO_UDP_TUNNEL_IPV4;
}
/* Tunnel rule 5: outer_th_offset inside the outer IP header. */
/* conformance: D-TX-16 */
static void b_tnl_outer_th(struct vcase *c)
{
	tunnel(c);
	c->h.outer_th_offset = 30;
}
/* Tunnel rule 5: inner_nh_offset inside the outer UDP header. */
/* conformance: D-TX-16 */
static void b_tnl_inner_nh(struct vcase *c)
{
	tunnel(c);
	c->h.inner_nh_offset = (uint16_t)(c->h.outer_th_offset + 4);
}
/* Tunnel rule 5: csum_start inside the inner IP header. */
static void b_tnl_csum_start(struct vcase *c)
{
	tunnel(c);
	c->h.csum_start = (uint16_t)(c->h.inner_nh_offset + 10);
}
/* With GUEST_HDRLEN, hdr_len beyond the frame is no headers' length
 * (without it hdr_len is never relied on: test_fields_not_used). */
/* conformance: D-TX-15 */
static void b_hdr_len_range(struct vcase *c)
{
	tso4(c);
	vnet_features_set(&c->f, VNET_F_GUEST_HDRLEN);
	c->h.hdr_len = (uint16_t)(c->lay.len + 1);
}
/* Linux: csum_start + csum_offset + 2 beyond the frame. */
/* conformance: D-TX-12 */
static void b_csum_range(struct vcase *c)
{
	tso4(c);
	c->h.gso_type = VNET_HDR_GSO_NONE;
	c->h.csum_start = (uint16_t)(c->lay.len - 10);
}
/* Linux nh_min_len: csum_start inside the minimal network header. */
/* conformance: D-TX-12 */
static void b_csum_short(struct vcase *c)
{
	tso4(c);
	c->h.gso_type = VNET_HDR_GSO_NONE;
	c->h.csum_start = 20;
	c->h.csum_offset = 2;
}
/* Linux: TCP csum_offset must be 16. */
static void b_tcp_off(struct vcase *c) { tso4(c); c->h.csum_offset = 10; }
/* Linux: UDP csum_offset must be 6. */
static void b_udp_off(struct vcase *c) { uso4(c); c->h.csum_offset = 16; }
/* GSO needs headers that parse: IPv4 version 5. */
static void b_parse(struct vcase *c)
{
	tso4(c);
	c->frame[c->lay.l3] = 0x55;
}
/* The frame must be what gso_type names: TCPV6 on IPv4. */
static void b_proto(struct vcase *c)
{
	tso4(c);
	c->h.gso_type = VNET_HDR_GSO_TCPV6;
}
/* No GSO of a first fragment (MF set). */
static void b_fragment(struct vcase *c)
{
	tso4(c);
	c->frame[c->lay.l3 + 6] = 0x20;
}
/* Linux: csum_start at the transport header. */
static void b_csum_l4(struct vcase *c)
{
	tso4(c);
	c->h.csum_start = (uint16_t)(c->lay.l4 + 4);
}
/* outer_th_offset not at the outer UDP header. */
/* conformance: D-TX-16 */
static void b_tnl_offsets(struct vcase *c)
{
	tunnel(c);
	c->h.outer_th_offset = (uint16_t)(c->lay.ol4 + 2);
}
/* Linux UDP_MAX_SEGMENTS: 128. */
static void b_uso_segs(struct vcase *c)
{
	struct tf_spec s = { .udp = true, .payload = 200 * 100, .seed = 4 };

	rebuild(c, &s, VNET_HDR_GSO_UDP_L4, 100);
}
/* Spec: with GUEST_HDRLEN, hdr_len MUST be the headers' length. */
/* conformance: D-TX-15 */
static void b_hdr_len(struct vcase *c)
{
	tso4(c);
	vnet_features_set(&c->f, VNET_F_GUEST_HDRLEN);
	c->h.hdr_len = (uint16_t)(c->lay.pay - 1);
}
/* Headers longer than the engine replicates. */
static void b_hdr_too_long(struct vcase *c)
{
	struct tf_spec s = { .v6 = true, .v6_ext = 512, .tcp_flags = 0x18,
		.payload = 3000, .seed = 5 };

	rebuild(c, &s, VNET_HDR_GSO_TCPV6, 1000);
}
/* UFO needs room for one 8-byte unit per fragment. */
static void b_ufo_size(struct vcase *c)
{
	struct tf_spec s = { .udp = true, .payload = 100, .seed = 6 };

	rebuild(c, &s, VNET_HDR_GSO_UDP, 5);
}

static const struct rule rules[] = {
	{ "gso-type", VNET_TX_GSO_TYPE, b_gso_type },
	{ "gso-type-ecn-none", VNET_TX_GSO_TYPE, b_gso_type_ecn },
	{ "gso-not-negotiated", VNET_TX_GSO_NOT_NEGOTIATED, b_not_neg },
	{ "ecn-not-negotiated", VNET_TX_ECN_NOT_NEGOTIATED, b_ecn_not_neg },
	{ "ecn-not-tcp", VNET_TX_ECN_NOT_TCP, b_ecn_udp },
	{ "gso-size-zero", VNET_TX_GSO_SIZE_ZERO, b_size0 },
	{ "gso-size-max", VNET_TX_GSO_SIZE_MAX, b_sizemax },
	{ "gso-no-csum", VNET_TX_GSO_NO_CSUM, b_no_csum },
	{ "csum-not-negotiated", VNET_TX_CSUM_NOT_NEGOTIATED, b_csum_not_neg },
	{ "tunnel-not-negotiated", VNET_TX_TNL_NOT_NEGOTIATED, b_tnl_not_neg },
	{ "tunnel-both", VNET_TX_TNL_BOTH, b_tnl_both },
	{ "tunnel-inner-type", VNET_TX_TNL_INNER_TYPE, b_tnl_ufo },
	{ "tunnel-csum-not-negotiated", VNET_TX_TNL_CSUM_NOT_NEGOTIATED,
	  b_tnl_csum_not_neg },
	{ "tunnel-csum-no-tunnel", VNET_TX_TNL_CSUM_NO_TUNNEL,
	  b_tnl_csum_plain },
	{ "tunnel-data-valid", VNET_TX_TNL_DATA_VALID, b_tnl_data_valid },
	{ "tunnel-no-csum", VNET_TX_GSO_NO_CSUM, b_tnl_no_csum },
	{ "tunnel-inner-none", VNET_TX_TNL_INNER_TYPE, b_tnl_none },
	{ "tunnel-outer-th", VNET_TX_TNL_OUTER_TH, b_tnl_outer_th },
	{ "tunnel-inner-nh", VNET_TX_TNL_INNER_NH, b_tnl_inner_nh },
	{ "tunnel-csum-start", VNET_TX_TNL_CSUM_START, b_tnl_csum_start },
	{ "hdr-len-range", VNET_TX_HDR_LEN, b_hdr_len_range },
	{ "csum-range", VNET_TX_CSUM_RANGE, b_csum_range },
	{ "csum-start-short", VNET_TX_CSUM_START_SHORT, b_csum_short },
	{ "tcp-csum-offset", VNET_TX_TCP_CSUM_OFFSET, b_tcp_off },
	{ "udp-csum-offset", VNET_TX_UDP_CSUM_OFFSET, b_udp_off },
	{ "parse", VNET_TX_PARSE, b_parse },
	{ "proto-mismatch", VNET_TX_PROTO_MISMATCH, b_proto },
	{ "fragment", VNET_TX_FRAGMENT, b_fragment },
	{ "csum-start-l4", VNET_TX_CSUM_START_L4, b_csum_l4 },
	{ "tunnel-offsets", VNET_TX_TNL_OFFSETS, b_tnl_offsets },
	{ "uso-segs", VNET_TX_USO_SEGS, b_uso_segs },
	{ "hdr-len", VNET_TX_HDR_LEN, b_hdr_len },
	{ "hdr-too-long", VNET_TX_HDR_TOO_LONG, b_hdr_too_long },
	{ "ufo-size", VNET_TX_UFO_SIZE, b_ufo_size },
};

/* The header the last frame was handed on with (passthrough). */
static struct vnet_hdr pass_hdr;

/* Send one frame through a context; return the count or -errno. */
static int send_frame(struct vnet_gso_ctx *ctx, const struct vnet_hdr *h,
		      const uint8_t *frame, size_t len,
		      enum vnet_tx_reason *reason)
{
	static uint8_t buf[OUT_BUF];
	static struct iovec oiov[1024];
	static struct vnet_gso_seg segs[256];
	struct vnet_gso_out out = { .buf = buf, .buf_len = OUT_BUF,
		.iov = oiov, .iov_max = 1024, .segs = segs, .seg_max = 256 };
	struct iovec iov = { .iov_base = (void *)frame, .iov_len = len };
	struct vnet_pkt pkt;
	int n;

	vnet_pkt_init(&pkt, &iov, 1);
	n = vnet_gso_segment(ctx, h, &pkt, &out);
	*reason = out.reason;
	pass_hdr = out.hdr;
	return n;
}

/*
 * The bad header gets its reason and its counter, nothing else; then a good
 * frame (TSO if the features still allow it, else a plain one) goes through.
 */
static void test_rule(void **state)
{
	const struct rule *r = *state;
	struct vcase *c = calloc(1, sizeof(*c)), *g = calloc(1, sizeof(*g));
	struct vnet_gso_ctx ctx;
	enum vnet_tx_reason why;
	unsigned int i;
	int n;

	features_all(&c->f);
	r->brk(c);
	vnet_gso_ctx_init(&ctx, &c->f, VNET_GSO_ZEROCOPY, 1);
	n = send_frame(&ctx, &c->h, c->frame, c->lay.len, &why);
	assert_int_equal(n, -EINVAL);
	assert_string_equal(vnet_tx_reason_name(why),
			    vnet_tx_reason_name(r->reason));
	assert_int_equal(ctx.stats.rejected, 1);
	for (i = 1; i < VNET_TX_REASON_MAX; i++)
		assert_int_equal(ctx.stats.reason[i], i == r->reason);
	assert_int_equal(ctx.stats.frames, 0);

	tso4(g);
	if (!vnet_features_has(&c->f, VNET_F_HOST_TSO4) ||
	    !vnet_features_has(&c->f, VNET_F_CSUM))
		memset(&g->h, 0, sizeof(g->h));
	n = send_frame(&ctx, &g->h, g->frame, g->lay.len, &why);
	assert_int_equal(why, VNET_TX_OK);
	assert_int_equal(n, g->h.gso_type ? 3 : 1);
	assert_int_equal(ctx.stats.frames, 1);
	assert_int_equal(ctx.stats.rejected, 1);
	free(c);
	free(g);
}

/* Every good base frame passes as it is (so the rules above are the cause). */
static void test_good_bases(void **state)
{
	void (*base[])(struct vcase *) = { tso4, uso4, tunnel };
	struct vcase *c = calloc(1, sizeof(*c));
	struct vnet_gso_ctx ctx;
	enum vnet_tx_reason why;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		features_all(&c->f);
		base[i](c);
		vnet_gso_ctx_init(&ctx, &c->f, VNET_GSO_COPY, 1);
		assert_int_equal(send_frame(&ctx, &c->h, c->frame, c->lay.len,
					    &why), 3);
	}
	free(c);
}

/* Every reason has a distinct name; out of range is "unknown". */
static void test_reason_names(void **state)
{
	unsigned int i, j;

	(void)state;
	for (i = 0; i < VNET_TX_REASON_MAX; i++) {
		assert_non_null(vnet_tx_reason_name(i));
		for (j = 0; j < i; j++)
			assert_string_not_equal(vnet_tx_reason_name(i),
						vnet_tx_reason_name(j));
	}
	assert_string_equal(vnet_tx_reason_name(VNET_TX_REASON_MAX),
			    "unknown");
}

/* hdr_len is a hint: wrong without GUEST_HDRLEN is fine, never read at. */
/* conformance: NET-TX-07 */
static void test_hdr_len_hint(void **state)
{
	struct vcase *c = calloc(1, sizeof(*c));
	struct vnet_gso_ctx ctx;
	enum vnet_tx_reason why;

	(void)state;
	features_all(&c->f);
	tso4(c);
	c->h.hdr_len = 3;
	vnet_gso_ctx_init(&ctx, &c->f, VNET_GSO_COPY, 1);
	assert_int_equal(send_frame(&ctx, &c->h, c->frame, c->lay.len, &why),
			 3);
	free(c);
}

/*
 * What the device does not recognise or must not use changes nothing: flag
 * bits it does not know (SECURITY and above: no IPsec here) and those a
 * driver must not set on transmit (DATA_VALID, RSC_INFO); csum_start and
 * csum_offset without NEEDS_CSUM; outer_th_offset and inner_nh_offset
 * without a tunnel bit; hdr_len without GUEST_HDRLEN; num_buffers. Each
 * frame goes through as the same frame with clean fields would, in every
 * mode, and a header handed on (passthrough) carries none of them.
 */
/* conformance: NET-TX-01, NET-TX-02, NET-TX-07, NET-TX-09, NET-TX-14 */
/* conformance: D-TX-02, D-TX-18 */
static void test_fields_not_used(void **state)
{
	struct vcase *c = calloc(1, sizeof(*c));
	static const uint8_t junk_flags[] = { 0x10, 0x20, 0x40, 0x80, 0xf0,
		VNET_HDR_F_DATA_VALID, VNET_HDR_F_RSC_INFO };
	struct vnet_gso_ctx ctx;
	enum vnet_tx_reason why;
	unsigned int mode, i, gso;
	int n;

	(void)state;
	for (mode = 0; mode < 3; mode++)
	for (gso = 0; gso < 2; gso++)
	for (i = 0; i < sizeof(junk_flags); i++) {
		features_all(&c->f);
		tso4(c);
		if (!gso)	/* a plain frame, checksum complete */
			memset(&c->h, 0, sizeof(c->h));
		c->h.flags |= junk_flags[i];
		if (!gso) {	/* no NEEDS_CSUM: garbage offsets */
			c->h.csum_start = 0xffff;
			c->h.csum_offset = 0xfff0;
		}
		c->h.outer_th_offset = 0xfffe;	/* no tunnel bit */
		c->h.inner_nh_offset = 3;
		c->h.hdr_len = (uint16_t)(c->lay.len + 100);
		c->h.num_buffers = 7;
		vnet_gso_ctx_init(&ctx, &c->f, (enum vnet_gso_mode)mode, 1);
		ctx.peer = c->f;		/* the peer takes it all */
		n = send_frame(&ctx, &c->h, c->frame, c->lay.len, &why);
		assert_int_equal(why, VNET_TX_OK);
		if (mode != VNET_GSO_PASSTHROUGH) {
			assert_int_equal(n, gso ? 3 : 1);
			continue;
		}
		assert_int_equal(n, 1);
		assert_int_equal(pass_hdr.flags,
				 gso ? VNET_HDR_F_NEEDS_CSUM : 0);
		assert_int_equal(pass_hdr.gso_type, gso ? VNET_HDR_GSO_TCPV4 : 0);
		assert_int_equal(pass_hdr.csum_start, gso ? c->lay.l4 : 0);
		assert_int_equal(pass_hdr.csum_offset, gso ? 16 : 0);
		assert_int_equal(pass_hdr.outer_th_offset, 0);
		assert_int_equal(pass_hdr.inner_nh_offset, 0);
		assert_int_equal(pass_hdr.num_buffers, 0);
		/* hdr_len: the headers' true length, or none */
		assert_int_equal(pass_hdr.hdr_len, gso ? c->lay.pay : 0);
	}
	free(c);
}

/* Random headers over mangled frames: refused or segmented, never a crash. */
static void test_random_headers(void **state)
{
	void (*base[])(struct vcase *) = { tso4, uso4, tunnel, udp6x };
	struct vcase *c = calloc(1, sizeof(*c));
	struct vnet_gso_ctx ctx;
	enum vnet_tx_reason why;
	uint32_t x = 12345;
	unsigned int i, k;
	uint16_t *fld[] = { &c->h.hdr_len, &c->h.gso_size, &c->h.csum_start,
			    &c->h.csum_offset, &c->h.outer_th_offset,
			    &c->h.inner_nh_offset };
	int n;

	(void)state;
	for (i = 0; i < 20000; i++) {
		features_all(&c->f);
		base[i % 4](c);
		for (k = 0; k < 3; k++) {
			x = x * 1103515245u + 12345u;
			switch ((x >> 8) % 4) {
			case 0:
				c->h.flags = (uint8_t)(x >> 16);
				break;
			case 1:
				c->h.gso_type = (uint8_t)(x >> 16);
				break;
			case 2:
				*fld[(x >> 12) % 6] = (uint16_t)(x >> 16);
				break;
			default:	/* a header byte of the frame */
				c->frame[(x >> 16) % c->lay.pay] ^=
					(uint8_t)(1u << ((x >> 4) % 8));
			}
		}
		vnet_gso_ctx_init(&ctx, &c->f, (enum vnet_gso_mode)(i % 2), 1);
		n = send_frame(&ctx, &c->h, c->frame, c->lay.len, &why);
		assert_true(n > 0 || n == -ENOSPC ||
			    (n == -EINVAL && why != VNET_TX_OK));
	}
	free(c);
}

int main(void)
{
	struct CMUnitTest tests[sizeof(rules) / sizeof(rules[0]) + 5];
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		memset(&tests[i], 0, sizeof(tests[i]));
		tests[i].name = rules[i].name;
		tests[i].test_func = test_rule;
		tests[i].initial_state = (void *)&rules[i];
	}
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_good_bases);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_reason_names);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_hdr_len_hint);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_fields_not_used);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_random_headers);
	return _cmocka_run_group_tests("tx_validate", tests, i, NULL, NULL);
}
