// SPDX-License-Identifier: MIT
/* test_rx_deliver.c - the guest's receive header: every device-side MUST */

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

#define GOT_MAX 256

static uint8_t frame[70000];
static struct tf_layout lay;
static struct vnet_rx_frame fr;
static struct iovec fiov;

static unsigned int got_n;
static struct vnet_hdr got_h[GOT_MAX];
static size_t got_len[GOT_MAX];
static uint8_t got_b[GOT_MAX][2048];

static int got(void *opaque, const struct vnet_hdr *h,
	       const struct vnet_pkt *p)
{
	(void)opaque;
	if (got_n >= GOT_MAX)
		return -ENOSPC;
	got_h[got_n] = *h;
	got_len[got_n] = vnet_pkt_len(p);
	if (got_len[got_n] <= sizeof(got_b[0]))
		vnet_pkt_read(p, 0, got_b[got_n], got_len[got_n]);
	got_n++;
	return 0;
}

static void rx_new(struct vnet_rx_ctx *rx, const char *feat, unsigned int mtu)
{
	struct vnet_features f;
	const char *bad;
	size_t bl;

	assert_int_equal(vnet_features_parse(feat, VNET_PROFILE_STANDARD, &f,
					     &bad, &bl), 0);
	assert_int_equal(vnet_rx_ctx_init(rx, &f, mtu), 0);
	got_n = 0;
}

/* A GSO super-frame as the engine or a TAP hands it over. */
static void mk_super(const struct tf_spec *s, uint8_t gso, uint16_t mss)
{
	struct vnet_hdr h;
	size_t len = tf_build(s, frame, gso, mss, &h, &lay);

	memset(&fr, 0, sizeof(fr));
	fr.hdr = h;
	fiov.iov_base = frame;
	fiov.iov_len = len;
	vnet_pkt_init(&fr.pkt, &fiov, 1);
	fr.segs = mss ? (uint16_t)((s->payload + mss - 1) / mss) : 1;
	fr.csum_ok = true;
}

/* A plain wire frame with complete checksums. */
static void mk_plain(const struct tf_spec *s)
{
	static struct rf_seg g;

	rf_make(&g, s, 1, 2, 0x10, 100, 1);
	memcpy(frame, g.b, g.len);
	lay = g.lay;
	memset(&fr, 0, sizeof(fr));
	fiov.iov_base = frame;
	fiov.iov_len = g.len;
	vnet_pkt_init(&fr.pkt, &fiov, 1);
	fr.segs = 1;
}

/* Each delivered segment's checksums hold (RFC 1071 loop). */
static void check_segments_complete(bool v6, bool udp)
{
	unsigned int i;

	for (i = 0; i < got_n; i++) {
		const uint8_t *ip = got_b[i] + lay.l3;
		size_t l4len = got_len[i] - lay.l4;

		assert_true(tf_l4_ok(ip, v6, udp ? 17 : 6, got_b[i] + lay.l4,
				     l4len));
		if (!v6)
			assert_int_equal(tf_fold(tf_sum(ip, 20, 0)), 0xffff);
	}
}

#define F_TSO "version_1,guest_csum,guest_tso4,guest_tso6,ctrl_guest_offloads"

/* GUEST_TSO4: gso_type TCPV4 may reach the guest, with NEEDS_CSUM. */
/* conformance: NET-RX-27, NET-RX-28, NET-RX-31 */
static void test_tso4_whole(void **state)
{
	struct vnet_rx_ctx rx;

	(void)state;
	rx_new(&rx, F_TSO, 0);
	mk_super(&(struct tf_spec){ .payload = 5000, .tcp_flags = 0x10 },
		 VNET_HDR_GSO_TCPV4, 1000);
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
	assert_int_equal(got_h[0].gso_type, VNET_HDR_GSO_TCPV4);
	assert_int_equal(got_h[0].flags, VNET_HDR_F_NEEDS_CSUM);
	assert_int_equal(got_h[0].gso_size, 1000);
	assert_int_equal(got_h[0].csum_start, lay.l4);
	assert_int_equal(got_h[0].csum_offset, 16);
	assert_true(got_h[0].hdr_len >= lay.pay);	/* SHOULD: >= headers */
	assert_int_equal(got_h[0].num_buffers, 1);	/* no MRG_RXBUF */
	vnet_rx_ctx_fini(&rx);
}

/* "MUST NOT set gso_type to TCPV6" without GUEST_TSO6: segmented first. */
/* conformance: NET-RX-07, NET-RX-09, NET-RX-26 */
static void test_not_negotiated_segmented(void **state)
{
	struct vnet_rx_ctx rx;
	unsigned int i;

	(void)state;
	rx_new(&rx, "version_1,guest_csum,guest_tso4", 0);
	mk_super(&(struct tf_spec){ .v6 = true, .payload = 3500,
				    .tcp_flags = 0x10 },
		 VNET_HDR_GSO_TCPV6, 1000);
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(got_h[i].gso_type, VNET_HDR_GSO_NONE);
		/* verified input, complete output: DATA_VALID */
		assert_int_equal(got_h[i].flags, VNET_HDR_F_DATA_VALID);
	}
	check_segments_complete(true, false);
	assert_int_equal(rx.stats.segmented, 1);
	vnet_rx_ctx_fini(&rx);
}

/* "If GUEST_CSUM is not negotiated, the device MUST set flags to zero". */
/* conformance: NET-RX-05, NET-RX-06 */
static void test_no_guest_csum(void **state)
{
	struct vnet_rx_ctx rx;
	unsigned int i;

	(void)state;
	rx_new(&rx, "version_1", 0);
	mk_super(&(struct tf_spec){ .payload = 2500, .tcp_flags = 0x10 },
		 VNET_HDR_GSO_TCPV4, 1000);
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(got_h[i].flags, 0);
	check_segments_complete(false, false);
	/* a NEEDS_CSUM frame of one segment: completed, flags zero */
	got_n = 0;
	mk_super(&(struct tf_spec){ .payload = 500, .tcp_flags = 0x10 },
		 VNET_HDR_GSO_NONE, 0);
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
	assert_int_equal(got_h[0].flags, 0);
	check_segments_complete(false, false);
	assert_int_equal(rx.stats.completed, 1);
	vnet_rx_ctx_fini(&rx);
}

/* NEEDS_CSUM passes through with GUEST_CSUM, csum_start/offset kept. */
/* conformance: NET-RX-19, NET-RX-20 */
static void test_needs_csum_passthrough(void **state)
{
	struct vnet_rx_ctx rx;

	(void)state;
	rx_new(&rx, "version_1,guest_csum", 0);
	mk_super(&(struct tf_spec){ .payload = 500, .udp = true },
		 VNET_HDR_GSO_NONE, 0);
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
	assert_int_equal(got_h[0].flags, VNET_HDR_F_NEEDS_CSUM);
	assert_int_equal(got_h[0].csum_start, lay.l4);
	assert_int_equal(got_h[0].csum_offset, 6);
	vnet_rx_ctx_fini(&rx);
}

/* "If the device sets NEEDS_CSUM: the device MUST validate the packet
 * checksum at offset csum_offset from csum_start as well as all preceding
 * offsets": a frame from the host with NEEDS_CSUM whose IPv4 header
 * checksum is wrong, whole or a TSO super-frame, never reaches the guest
 * with NEEDS_CSUM (the checksum is completed, or the frame segmented); the
 * same frames with the header right do. */
/* conformance: NET-RX-18 */
static void test_needs_csum_preceding_checked(void **state)
{
	struct vnet_rx_ctx rx;
	unsigned int i, gso;

	(void)state;
	rx_new(&rx, F_TSO, 0);
	for (gso = 0; gso < 2; gso++) {
		mk_super(&(struct tf_spec){ .payload = 1500, .tcp_flags = 0x10 },
			 gso ? VNET_HDR_GSO_TCPV4 : VNET_HDR_GSO_NONE,
			 gso ? 500 : 0);
		got_n = 0;
		assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
		assert_int_equal(got_h[0].flags, VNET_HDR_F_NEEDS_CSUM);
		frame[lay.l3 + 10] ^= 0x55;	/* IPv4 header checksum */
		got_n = 0;
		assert_true(vnet_rx_deliver(&rx, &fr, got, NULL) >= 1);
		for (i = 0; i < got_n; i++) {
			assert_int_equal(got_h[i].flags & VNET_HDR_F_NEEDS_CSUM,
					 0);
			assert_int_equal(got_h[i].gso_type, VNET_HDR_GSO_NONE);
		}
	}
	vnet_rx_ctx_fini(&rx);
}

/* "DATA_VALID ... the device MUST validate the packet checksum". */
/* conformance: NET-RX-33 */
static void test_data_valid_only_verified(void **state)
{
	struct vnet_rx_ctx rx;

	(void)state;
	rx_new(&rx, "version_1,guest_csum", 0);
	mk_plain(&(struct tf_spec){ .payload = 300, .tcp_flags = 0x10 });
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
	assert_int_equal(got_h[0].flags, VNET_HDR_F_DATA_VALID);
	frame[fiov.iov_len - 1] ^= 0x40;		/* now wrong */
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
	assert_int_equal(got_h[1].flags, 0);
	vnet_rx_ctx_fini(&rx);
	/* without GUEST_CSUM never, even when verified */
	rx_new(&rx, "version_1", 0);
	mk_plain(&(struct tf_spec){ .payload = 300, .tcp_flags = 0x10 });
	fr.csum_ok = true;
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
	assert_int_equal(got_h[0].flags, 0);
	vnet_rx_ctx_fini(&rx);
}

/* CTRL_GUEST_OFFLOADS: delivery follows the offloads in force. */
/* conformance: D-OFF-01 */
static void test_offloads_at_run_time(void **state)
{
	struct vnet_rx_ctx rx;
	struct vnet_features off;

	(void)state;
	rx_new(&rx, F_TSO, 0);
	mk_super(&(struct tf_spec){ .payload = 3000, .tcp_flags = 0x10 },
		 VNET_HDR_GSO_TCPV4, 1000);
	vnet_features_parse("guest_csum,guest_tso6", VNET_PROFILE_STANDARD,
			    &off, NULL, NULL);
	vnet_rx_set_offloads(&rx, &off);
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 3);
	vnet_features_parse("guest_csum,guest_tso4,guest_ufo",
			    VNET_PROFILE_STANDARD, &off, NULL, NULL);
	vnet_rx_set_offloads(&rx, &off);	/* ufo not negotiated: dropped */
	assert_false(vnet_features_has(&rx.offloads, VNET_F_GUEST_UFO));
	got_n = 0;
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
	assert_int_equal(got_h[0].gso_type, VNET_HDR_GSO_TCPV4);
	vnet_rx_ctx_fini(&rx);
}

/* Tunnel bits only with GUEST_UDP_TUNNEL_GSO; UDP_TUNNEL_CSUM with _CSUM. */
/* conformance: NET-RX-11, NET-RX-12, NET-RX-21, NET-RX-25, NET-RX-34, NET-RX-23, NET-RX-24 */
static void test_tunnel_rules(void **state)
{
	struct vnet_rx_ctx rx;
	const struct tf_spec s = { .payload = 3000, .tunnel = true,
				   .tcp_flags = 0x10 };

	(void)state;
	rx_new(&rx, F_TSO, 0);
	mk_super(&s, VNET_HDR_GSO_TCPV4, 1000);
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 3);
	assert_int_equal(got_h[0].gso_type, 0);
	assert_int_equal(got_h[0].outer_th_offset, 0);
	vnet_rx_ctx_fini(&rx);

	rx_new(&rx, F_TSO ",guest_uso4,guest_uso6,guest_udp_tunnel_gso", 0);
	mk_super(&s, VNET_HDR_GSO_TCPV4, 1000);
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
	assert_int_equal(got_h[0].gso_type, VNET_HDR_GSO_TCPV4 |
			 VNET_HDR_GSO_UDP_TUNNEL_IPV4);
	assert_int_equal(got_h[0].outer_th_offset, lay.ol4);
	assert_int_equal(got_h[0].inner_nh_offset, lay.l3);
	/* an outer checksum the guest cannot take: segmented */
	tf_put16(frame + lay.ol4 + 6, tf_fold(tf_pseudo(frame + lay.ol3, false,
			17, (uint32_t)(fiov.iov_len - lay.ol4))));
	fr.hdr.flags |= VNET_HDR_F_UDP_TUNNEL_CSUM;
	got_n = 0;
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 3);
	/* DATA_VALID never with a tunnel bit; here segments are plain */
	assert_int_equal(got_h[0].gso_type, 0);
	vnet_rx_ctx_fini(&rx);

	rx_new(&rx, F_TSO ",guest_uso4,guest_uso6,guest_udp_tunnel_gso,"
	       "guest_udp_tunnel_gso_csum", 0);
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
	assert_int_equal(got_h[0].flags, VNET_HDR_F_NEEDS_CSUM |
			 VNET_HDR_F_UDP_TUNNEL_CSUM);
	vnet_rx_ctx_fini(&rx);
}

/* "MUST NOT pass received packets that exceed mtu (plus ethernet)". */
/* conformance: NET-CFG-05 */
static void test_mtu(void **state)
{
	struct vnet_rx_ctx rx;

	(void)state;
	rx_new(&rx, "version_1,mtu", 1500);
	mk_plain(&(struct tf_spec){ .payload = 1460, .tcp_flags = 0x10 });
	assert_int_equal(fiov.iov_len, 1514);
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
	mk_plain(&(struct tf_spec){ .payload = 1461, .tcp_flags = 0x10 });
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 0);
	assert_int_equal(rx.stats.mtu_drops, 1);
	mk_plain(&(struct tf_spec){ .vlan = 1, .payload = 1460,
				    .tcp_flags = 0x10 });
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
	vnet_rx_ctx_fini(&rx);
}

/* GSO_ECN without GUEST_ECN: SHOULD NOT send it; segmented instead. */
/* conformance: NET-RX-13, NET-RX-14 */
static void test_ecn(void **state)
{
	struct vnet_rx_ctx rx;

	(void)state;
	rx_new(&rx, F_TSO, 0);
	mk_super(&(struct tf_spec){ .payload = 2000, .tcp_flags = 0x90 },
		 VNET_HDR_GSO_TCPV4 | VNET_HDR_GSO_ECN, 1000);
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 2);
	vnet_rx_ctx_fini(&rx);
	rx_new(&rx, F_TSO ",guest_ecn", 0);
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
	assert_int_equal(got_h[0].gso_type,
			 VNET_HDR_GSO_TCPV4 | VNET_HDR_GSO_ECN);
	vnet_rx_ctx_fini(&rx);
}

/* "If VIRTIO_NET_F_GUEST_UDP [GUEST_UFO] is not negotiated, the device
 * MUST NOT set gso_type to VIRTIO_NET_HDR_GSO_UDP": a UFO super-frame
 * reaches a driver without GUEST_UFO (USO it has) as IP fragments, none
 * with a GSO type; one with GUEST_UFO takes it whole. */
/* conformance: NET-RX-08 */
static void test_ufo_needs_guest_ufo(void **state)
{
	struct vnet_rx_ctx rx;
	unsigned int i;

	(void)state;
	rx_new(&rx, F_TSO ",guest_uso4,guest_uso6", 0);
	mk_super(&(struct tf_spec){ .udp = true, .payload = 3000 },
		 VNET_HDR_GSO_UDP, 1000);
	assert_true(vnet_rx_deliver(&rx, &fr, got, NULL) > 1);
	for (i = 0; i < got_n; i++)
		assert_int_equal(got_h[i].gso_type, VNET_HDR_GSO_NONE);
	vnet_rx_ctx_fini(&rx);
	rx_new(&rx, F_TSO ",guest_ufo", 0);
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
	assert_int_equal(got_h[0].gso_type, VNET_HDR_GSO_UDP);
	vnet_rx_ctx_fini(&rx);
}

/* UDP_L4 needs USO4 for IPv4 and USO6 for IPv6. */
/* conformance: NET-RX-10 */
static void test_uso_per_version(void **state)
{
	struct vnet_rx_ctx rx;

	(void)state;
	rx_new(&rx, "version_1,guest_csum,guest_uso4", 0);
	mk_super(&(struct tf_spec){ .v6 = true, .udp = true, .payload = 2000 },
		 VNET_HDR_GSO_UDP_L4, 1000);
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 2);
	check_segments_complete(true, true);
	got_n = 0;
	mk_super(&(struct tf_spec){ .udp = true, .payload = 2000 },
		 VNET_HDR_GSO_UDP_L4, 1000);
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
	assert_int_equal(got_h[0].gso_type, VNET_HDR_GSO_UDP_L4);
	vnet_rx_ctx_fini(&rx);
}

/* RSC_INFO only with RSC_EXT. */
/* conformance: NET-RX-29, NET-RX-30 */
static void test_rsc_info_needs_rsc_ext(void **state)
{
	struct vnet_rx_ctx rx;

	(void)state;
	rx_new(&rx, F_TSO, 0);
	mk_super(&(struct tf_spec){ .payload = 3000, .tcp_flags = 0x10 },
		 VNET_HDR_GSO_TCPV4, 1000);
	fr.dup_acks = 2;
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
	assert_int_equal(got_h[0].flags & VNET_HDR_F_RSC_INFO, 0);
	assert_int_equal(got_h[0].csum_start, lay.l4);
	vnet_rx_ctx_fini(&rx);
	rx_new(&rx, F_TSO ",rsc_ext", 0);
	assert_int_equal(vnet_rx_deliver(&rx, &fr, got, NULL), 1);
	assert_int_equal(got_h[0].flags, VNET_HDR_F_NEEDS_CSUM |
			 VNET_HDR_F_RSC_INFO);
	assert_int_equal(got_h[0].csum_start, 3);
	assert_int_equal(got_h[0].csum_offset, 2);
	vnet_rx_ctx_fini(&rx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tso4_whole),
		cmocka_unit_test(test_not_negotiated_segmented),
		cmocka_unit_test(test_no_guest_csum),
		cmocka_unit_test(test_needs_csum_passthrough),
		cmocka_unit_test(test_data_valid_only_verified),
		cmocka_unit_test(test_offloads_at_run_time),
		cmocka_unit_test(test_tunnel_rules),
		cmocka_unit_test(test_mtu),
		cmocka_unit_test(test_ecn),
		cmocka_unit_test(test_uso_per_version),
		cmocka_unit_test(test_ufo_needs_guest_ufo),
		cmocka_unit_test(test_needs_csum_preceding_checked),
		cmocka_unit_test(test_rsc_info_needs_rsc_ext),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
