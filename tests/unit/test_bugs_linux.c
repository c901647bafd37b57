// SPDX-License-Identifier: MIT
/* test_bugs_linux.c - regressions: the Linux tun / virtio_net_hdr bug classes, as crafted transmit headers */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/dev_rx.h"
#include "vnet/gso.h"
#include "tx_frames.h"
#include "test_util.h"

/*
 * Every class Linux had to close in __virtio_net_hdr_to_skb(),
 * virtio_net_hdr_tnl_to_skb() and tun_get_user(), each as one crafted
 * header (or frame) against the live transmit engine. Each test asserts:
 * refused with the named reason, that reason's counter and the total
 * bumped exactly once, nothing produced, and the next good frame on the
 * same context still segmented. The sanitizer build runs the same file.
 */

#define FRAME_MAX	(70 * 1024)
#define SEG_MAX		256
#define OUT_BUF		(FRAME_MAX + SEG_MAX * VNET_TX_HDR_MAX)

struct fix {
	struct vnet_gso_ctx ctx;
	struct vnet_hdr h;
	struct tf_layout lay;
	size_t len;
	uint8_t frame[FRAME_MAX];
	uint8_t buf[OUT_BUF];
	struct iovec iov[SEG_MAX * 3];
	struct vnet_gso_seg segs[SEG_MAX];
	struct vnet_gso_out out;
};

static int setup(void **state)
{
	static const unsigned int bits[] = {
		VNET_F_CSUM, VNET_F_HOST_TSO4, VNET_F_HOST_TSO6, VNET_F_HOST_ECN,
		VNET_F_HOST_UFO, VNET_F_HOST_USO, VNET_F_HOST_UDP_TUNNEL_GSO,
		VNET_F_HOST_UDP_TUNNEL_GSO_CSUM, VNET_F_VERSION_1,
	};
	struct fix *f = calloc(1, sizeof(*f));
	struct vnet_features feat = { 0 };
	size_t i;

	assert_non_null(f);
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		vnet_features_set(&feat, bits[i]);
	vnet_gso_ctx_init(&f->ctx, &feat, VNET_GSO_COPY, 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* A good frame of @s, its header a Linux guest's (GSO @type, @mss). */
static void build(struct fix *f, const struct tf_spec *s, uint8_t type,
		  uint16_t mss)
{
	f->len = tf_build(s, f->frame, type, mss, &f->h, &f->lay);
}

static int segment(struct fix *f, const struct vnet_hdr *h, size_t len)
{
	struct iovec v = { f->frame, len };
	struct vnet_pkt pkt;

	vnet_pkt_init(&pkt, &v, 1);
	memset(&f->out, 0, sizeof(f->out));
	f->out.buf = f->buf;
	f->out.buf_len = sizeof(f->buf);
	f->out.iov = f->iov;
	f->out.iov_max = SEG_MAX * 3;
	f->out.segs = f->segs;
	f->out.seg_max = SEG_MAX;
	return vnet_gso_segment(&f->ctx, h, &pkt, &f->out);
}

/*
 * The crafted header @bad on the frame (first @len bytes) is refused with
 * @why, counted once, makes nothing; the good header then still works.
 */
static void refused(struct fix *f, const struct vnet_hdr *bad, size_t len,
		    enum vnet_tx_reason why)
{
	struct vnet_tx_stats before = f->ctx.stats;

	assert_int_equal(segment(f, bad, len), -EINVAL);
	assert_string_equal(vnet_tx_reason_name(f->out.reason),
			    vnet_tx_reason_name(why));
	assert_int_equal(f->out.nseg, 0);
	assert_int_equal(f->ctx.stats.reason[why], before.reason[why] + 1);
	assert_int_equal(f->ctx.stats.rejected, before.rejected + 1);
	assert_int_equal(f->ctx.stats.frames, before.frames);
	/* the next good frame on the same context */
	assert_true(segment(f, &f->h, f->len) >= 1);
	assert_int_equal(f->ctx.stats.frames, before.frames + 1);
}

static const struct tf_spec tcp4 = { .tcp_flags = 0x18, .payload = 3000,
				     .seed = 1 };
static const struct tf_spec tcp6 = { .v6 = true, .tcp_flags = 0x18,
				     .payload = 3000, .seed = 2 };
static const struct tf_spec udp4 = { .udp = true, .payload = 3000,
				     .seed = 3 };
static const struct tf_spec vxlan = { .tunnel = true, .tcp_flags = 0x18,
				      .payload = 3000, .seed = 4 };

/* gso_type not matching the protocol: TCPV6 on an IPv4 frame, TCPV4 on a
 * UDP datagram (Linux: "net: drop bad gso csum_start and offset in
 * virtio_net_hdr" and the flow-dissector check of virtio_net_hdr_to_skb). */
/* conformance: D-TX-04 */
static void test_linux_gso_type_mismatch(void **state)
{
	struct fix *f = *state;
	struct vnet_hdr h;

	build(f, &tcp4, VNET_HDR_GSO_TCPV4, 1000);
	h = f->h;
	h.gso_type = VNET_HDR_GSO_TCPV6;
	refused(f, &h, f->len, VNET_TX_PROTO_MISMATCH);

	build(f, &udp4, VNET_HDR_GSO_UDP_L4, 1000);
	h = f->h;
	h.gso_type = VNET_HDR_GSO_TCPV4;
	h.csum_offset = 16;
	refused(f, &h, f->len, VNET_TX_PROTO_MISMATCH);
	h.csum_offset = 6;
	refused(f, &h, f->len, VNET_TX_TCP_CSUM_OFFSET);
}

/* gso_size 0 (syzbot: divide by zero in skb_segment), 0xFFFF (GSO_BY_FRAGS,
 * "net: avoid GSO_BY_FRAGS from virtio_net_hdr"), and larger than the
 * packet: not an error, one frame as is with its checksum completed. */
static void test_linux_gso_size_zero_max_larger(void **state)
{
	struct fix *f = *state;
	struct vnet_hdr h;

	build(f, &tcp4, VNET_HDR_GSO_TCPV4, 1000);
	h = f->h;
	h.gso_size = 0;
	refused(f, &h, f->len, VNET_TX_GSO_SIZE_ZERO);
	h.gso_size = 0xffff;
	refused(f, &h, f->len, VNET_TX_GSO_SIZE_MAX);
	h.gso_size = 9000;
	assert_int_equal(segment(f, &h, f->len), 1);
	assert_int_equal(f->out.segs[0].len, f->len);
}

/* GSO without NEEDS_CSUM ("net: validate untrusted gso packets without
 * csum offload"). */
/* conformance: D-TX-14 */
static void test_linux_gso_without_needs_csum(void **state)
{
	struct fix *f = *state;
	struct vnet_hdr h;

	build(f, &tcp6, VNET_HDR_GSO_TCPV6, 1200);
	h = f->h;
	h.flags &= (uint8_t)~VNET_HDR_F_NEEDS_CSUM;
	refused(f, &h, f->len, VNET_TX_GSO_NO_CSUM);
}

/* TCP GSO with csum_offset not 16, and csum_start not at the transport
 * header ("net: drop bad gso csum_start and offset in virtio_net_hdr"). */
static void test_linux_tcp_csum_offset_and_start(void **state)
{
	struct fix *f = *state;
	struct vnet_hdr h;

	build(f, &tcp4, VNET_HDR_GSO_TCPV4, 1000);
	h = f->h;
	h.csum_offset = 10;
	refused(f, &h, f->len, VNET_TX_TCP_CSUM_OFFSET);
	h = f->h;
	h.csum_start = (uint16_t)(f->lay.l4 + 4);
	refused(f, &h, f->len, VNET_TX_CSUM_START_L4);
	h.csum_start = (uint16_t)(f->lay.l4 - 4);	/* inside the IP header */
	refused(f, &h, f->len, VNET_TX_CSUM_START_SHORT);
}

/* USO with csum_offset not 6, with ECN, or making more than 128 segments
 * ("net: more strict VIRTIO_NET_HDR_GSO_UDP_L4 validation";
 * UDP_MAX_SEGMENTS). */
static void test_linux_uso_rules(void **state)
{
	struct fix *f = *state;
	struct tf_spec big = udp4;
	struct vnet_hdr h;

	build(f, &udp4, VNET_HDR_GSO_UDP_L4, 1000);
	h = f->h;
	h.csum_offset = 16;
	refused(f, &h, f->len, VNET_TX_UDP_CSUM_OFFSET);
	h = f->h;
	h.gso_type |= VNET_HDR_GSO_ECN;
	refused(f, &h, f->len, VNET_TX_ECN_NOT_TCP);

	big.payload = 129 * 100;
	build(f, &big, VNET_HDR_GSO_UDP_L4, 101);	/* 128 segments: fine */
	h = f->h;
	h.gso_size = 100;				/* 129 */
	refused(f, &h, f->len, VNET_TX_USO_SEGS);
	assert_int_equal(segment(f, &f->h, f->len), 128);
}

/* Frames shorter than an Ethernet header (tun_get_user: len < ETH_HLEN).
 * Transmit: NEEDS_CSUM or GSO on 10 bytes is refused; on receive the
 * device drops them before any filter or hash reads a MAC. */
static void test_linux_shorter_than_ethernet(void **state)
{
	struct fix *f = *state;
	const struct vnet_dev_params p = tu_params(TU_ALL_CTRL);
	struct vnet_dev *dev = tu_dev_params(&p, TU_ALL_CTRL);
	struct vnet_rx_verdict v;
	struct vnet_hdr h;
	uint8_t *runt = malloc(10);
	struct iovec iov = { runt, 10 };
	struct vnet_pkt pkt;

	build(f, &tcp4, VNET_HDR_GSO_TCPV4, 1000);
	h = f->h;
	/* hdr_len 54 > 10 is never relied on (NET-TX-07): csum_start is */
	refused(f, &h, 10, VNET_TX_CSUM_RANGE);
	h.hdr_len = 0;
	refused(f, &h, 10, VNET_TX_CSUM_RANGE);
	h.gso_type = VNET_HDR_GSO_NONE;
	h.gso_size = 0;
	refused(f, &h, 10, VNET_TX_CSUM_RANGE);

	assert_non_null(runt);
	memcpy(runt, f->frame, 10);
	vnet_pkt_init(&pkt, &iov, 1);
	assert_int_equal(vnet_dev_rx(dev, &pkt, NULL, &v), 0);
	assert_false(v.deliver);
	free(runt);
	tu_dev_free(dev);
}

/* Tunnel offsets out of order or outside the frame
 * (virtio_net_hdr_tnl_to_skb: outer_th < inner_nh, both within hdr_len). */
/* conformance: D-TX-16 */
static void test_linux_tunnel_offsets(void **state)
{
	struct fix *f = *state;
	struct vnet_hdr h;

	build(f, &vxlan, VNET_HDR_GSO_TCPV4, 1000);
	h = f->h;
	h.inner_nh_offset = h.outer_th_offset;		/* inner before UDP */
	refused(f, &h, f->len, VNET_TX_TNL_INNER_NH);
	h = f->h;
	h.outer_th_offset = 10;				/* inside Ethernet */
	refused(f, &h, f->len, VNET_TX_TNL_OUTER_TH);
	h = f->h;
	h.outer_th_offset = 0xff00;			/* past the frame */
	h.inner_nh_offset = 0xff10;
	refused(f, &h, f->len, VNET_TX_TNL_CSUM_START);	/* csum before */
	h.csum_start = 0xff10 + 20;
	h.hdr_len = 0xff10 + 40;			/* never relied on */
	refused(f, &h, f->len, VNET_TX_CSUM_RANGE);
	h = f->h;
	h.inner_nh_offset = (uint16_t)(h.inner_nh_offset + 8);	/* lies */
	h.csum_start = (uint16_t)(h.csum_start + 8);
	h.hdr_len = (uint16_t)(h.hdr_len + 8);
	refused(f, &h, f->len, VNET_TX_PARSE);		/* no IP header there */
}

/* UFO inside a tunnel: no inner UDP fragmentation over a tunnel
 * (virtio_net_hdr_tnl_to_skb refuses inner GSO_UDP). */
/* conformance: D-TX-08 */
static void test_linux_ufo_in_tunnel(void **state)
{
	struct fix *f = *state;
	struct vnet_hdr h;

	build(f, &vxlan, VNET_HDR_GSO_TCPV4, 1000);
	h = f->h;
	h.gso_type = (uint8_t)((h.gso_type & ~0x0f) | VNET_HDR_GSO_UDP);
	refused(f, &h, f->len, VNET_TX_TNL_INNER_TYPE);
}

/* NEEDS_CSUM with csum_start beyond the packet, on a plain frame: the
 * length underflow class (csum_start + csum_offset + 2 > len). */
/* conformance: D-TX-12 */
static void test_linux_csum_start_beyond_frame(void **state)
{
	struct fix *f = *state;
	struct vnet_hdr h;

	build(f, &tcp4, VNET_HDR_GSO_TCPV4, 1000);
	memset(&h, 0, sizeof(h));
	h.flags = VNET_HDR_F_NEEDS_CSUM;
	h.csum_start = (uint16_t)(f->len - 1);
	h.csum_offset = 16;
	refused(f, &h, f->len, VNET_TX_CSUM_RANGE);
	h.csum_start = 0xffff;
	h.csum_offset = 0xffff;
	refused(f, &h, f->len, VNET_TX_CSUM_RANGE);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_linux_gso_type_mismatch),
		T(test_linux_gso_size_zero_max_larger),
		T(test_linux_gso_without_needs_csum),
		T(test_linux_tcp_csum_offset_and_start),
		T(test_linux_uso_rules),
		T(test_linux_shorter_than_ethernet),
		T(test_linux_tunnel_offsets),
		T(test_linux_ufo_in_tunnel),
		T(test_linux_csum_start_beyond_frame),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
