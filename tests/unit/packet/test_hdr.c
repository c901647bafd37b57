// SPDX-License-Identifier: MIT
/* test_hdr.c - the virtio-net header in every layout, both ways */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/hdr.h"

static struct vnet_hdr_layout layout(const char *spec, enum vnet_profile p,
				     enum vnet_endian legacy)
{
	struct vnet_hdr_layout l;
	struct vnet_features f;
	const char *bad;
	size_t bad_len;

	assert_int_equal(vnet_features_parse(spec, p, &f, &bad, &bad_len), 0);
	vnet_hdr_layout_init(&l, &f, p, legacy);
	return l;
}

/* Sizes: virtio 1.4 "Device Operation" struct virtio_net_hdr and the
 * legacy framing; udp-tunnel-gso-standard.md "Header layout". */
static void test_layout_sizes(void **state)
{
	static const struct {
		const char *spec;
		enum vnet_profile profile;
		unsigned int size;
	} cases[] = {
		{ "", VNET_PROFILE_STANDARD, 10 },
		{ "mrg_rxbuf", VNET_PROFILE_STANDARD, 12 },
		{ "version_1", VNET_PROFILE_STANDARD, 12 },
		{ "version_1,mrg_rxbuf", VNET_PROFILE_STANDARD, 12 },
		{ "version_1,ctrl_vq,hash_report", VNET_PROFILE_STANDARD, 20 },
		{ "version_1,csum,host_tso4,host_tso6,host_uso,host_udp_tunnel_gso",
		  VNET_PROFILE_STANDARD, 24 },
		{ "version_1,guest_csum,guest_tso4,guest_tso6,guest_uso4,"
		  "guest_uso6,guest_udp_tunnel_gso", VNET_PROFILE_STANDARD, 24 },
		{ "version_1,ctrl_vq,hash_report,guest_udp_tunnel_gso",
		  VNET_PROFILE_STANDARD, 24 },
		{ "version_1,out_net_header", VNET_PROFILE_STANDARD, 32 },
		{ "version_1,csum,host_tso4,host_udp_tunnel_gso",
		  VNET_PROFILE_DRAFT_V3, 28 },
		{ "version_1,guest_csum,guest_tso4,guest_udp_tunnel_gso",
		  VNET_PROFILE_DRAFT_V3, 28 },
		{ "version_1,ctrl_vq,hash_report", VNET_PROFILE_DRAFT_V3, 20 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vnet_hdr_layout l = layout(cases[i].spec,
						  cases[i].profile,
						  VNET_ENDIAN_LITTLE);

		if (l.size != cases[i].size)
			fail_msg("'%s': size %u, expected %u", cases[i].spec,
				 l.size, cases[i].size);
	}
}

/*
 * The worked example of udp-tunnel-gso-standard.md: TCPv4 in Geneve over
 * IPv4, gso_type 0x21, outer_th_offset 42, inner_nh_offset 62, csum_start
 * 84, csum_offset 16; here with hdr_len 116 and gso_size 1448 (0x05a8),
 * laid out by hand in little endian.
 */
static const uint8_t tunnel_wire[24] = {
	0x09, 0x21, 0x74, 0x00, 0xa8, 0x05, 0x54, 0x00, 0x10, 0x00, /* 0..9 */
	0x00, 0x00,			/* num_buffers */
	0x00, 0x00, 0x00, 0x00,		/* hash_value */
	0x00, 0x00, 0x00, 0x00,		/* hash_report, padding */
	0x2a, 0x00, 0x3e, 0x00,		/* outer_th_offset, inner_nh_offset */
};

static void test_decode_tunnel_worked_example(void **state)
{
	struct vnet_hdr_layout l = layout("version_1,csum,host_tso4,host_tso6,"
					  "host_uso,host_udp_tunnel_gso",
					  VNET_PROFILE_STANDARD,
					  VNET_ENDIAN_LITTLE);
	struct vnet_hdr h;
	uint8_t out[24];

	(void)state;
	assert_int_equal(vnet_hdr_decode(&l, tunnel_wire, 24, &h), 24);
	assert_int_equal(h.flags, VNET_HDR_F_NEEDS_CSUM |
				  VNET_HDR_F_UDP_TUNNEL_CSUM);
	assert_int_equal(h.gso_type, VNET_HDR_GSO_UDP_TUNNEL_IPV4 |
				     VNET_HDR_GSO_TCPV4);
	assert_int_equal(h.hdr_len, 116);
	assert_int_equal(h.gso_size, 1448);
	assert_int_equal(h.csum_start, 84);
	assert_int_equal(h.csum_offset, 16);
	assert_int_equal(h.outer_th_offset, 42);
	assert_int_equal(h.inner_nh_offset, 62);
	assert_int_equal(vnet_hdr_encode(&l, &h, out, sizeof(out)), 24);
	assert_memory_equal(out, tunnel_wire, 24);
}

/* HASH_REPORT layout: hash_value le32 at 12, hash_report le16 at 16. */
static void test_decode_hash_report(void **state)
{
	static const uint8_t wire[20] = {
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x03, 0x00,			/* num_buffers 3 */
		0x78, 0xc1, 0xcc, 0x51,		/* 0x51ccc178 */
		0x02, 0x00, 0x00, 0x00,		/* report TCPv4 (2) */
	};
	struct vnet_hdr_layout l = layout("version_1,ctrl_vq,hash_report",
					  VNET_PROFILE_STANDARD,
					  VNET_ENDIAN_LITTLE);
	struct vnet_hdr h;

	(void)state;
	assert_int_equal(vnet_hdr_decode(&l, wire, 20, &h), 20);
	assert_int_equal(h.num_buffers, 3);
	assert_int_equal(h.hash_value, 0x51ccc178);
	assert_int_equal(h.hash_report, 2);
	assert_int_equal(h.outer_th_offset, 0);
}

/* Legacy interface: "native endian of the guest", here both byte orders. */
/* conformance: NET-OP-L1 */
static void test_legacy_endianness(void **state)
{
	static const uint8_t little[12] = { 0x01, 0x04, 0x4a, 0x00, 0xa0, 0x05,
					    0x36, 0x00, 0x10, 0x00, 0x02, 0x00 };
	static const uint8_t big[12] = { 0x01, 0x04, 0x00, 0x4a, 0x05, 0xa0,
					 0x00, 0x36, 0x00, 0x10, 0x00, 0x02 };
	struct vnet_hdr_layout le = layout("mrg_rxbuf", VNET_PROFILE_STANDARD,
					   VNET_ENDIAN_LITTLE);
	struct vnet_hdr_layout be = layout("mrg_rxbuf", VNET_PROFILE_STANDARD,
					   VNET_ENDIAN_BIG);
	struct vnet_hdr a, b;
	uint8_t out[12];

	(void)state;
	assert_int_equal(vnet_hdr_decode(&le, little, 12, &a), 12);
	assert_int_equal(vnet_hdr_decode(&be, big, 12, &b), 12);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(a.hdr_len, 74);
	assert_int_equal(a.gso_size, 1440);
	assert_int_equal(a.csum_start, 54);
	assert_int_equal(a.csum_offset, 16);
	assert_int_equal(a.num_buffers, 2);
	vnet_hdr_encode(&be, &a, out, sizeof(out));
	assert_memory_equal(out, big, 12);
	vnet_hdr_encode(&le, &a, out, sizeof(out));
	assert_memory_equal(out, little, 12);
}

/* VERSION_1 is always little endian, whatever the legacy setting says. */
static void test_version_1_ignores_legacy_endian(void **state)
{
	struct vnet_hdr_layout l = layout("version_1", VNET_PROFILE_STANDARD,
					  VNET_ENDIAN_BIG);

	(void)state;
	assert_int_equal(l.endian, VNET_ENDIAN_LITTLE);
}

/* Draft v3: outer_th 20, inner_protocol 22, inner_mac 24, inner_nh 26. */
static void test_draft_v3_layout(void **state)
{
	static const uint8_t wire[28] = {
		0x01, 0x41, 0x00, 0x00, 0xa8, 0x05, 0x54, 0x00, 0x10, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x2a, 0x00,	/* outer_th_offset 42 */
		0x58, 0x65,	/* inner_protocol 0x6558 (TEB) */
		0x32, 0x00,	/* inner_mac_offset 50 */
		0x40, 0x00,	/* inner_nh_offset 64 */
	};
	struct vnet_hdr_layout l = layout("version_1,csum,host_tso4,"
					  "host_udp_tunnel_gso",
					  VNET_PROFILE_DRAFT_V3,
					  VNET_ENDIAN_LITTLE);
	struct vnet_hdr h;
	uint8_t out[28];

	(void)state;
	assert_int_equal(vnet_hdr_decode(&l, wire, 28, &h), 28);
	assert_int_equal(h.gso_type, VNET_HDR_GSO_DRAFT_UDP_TUNNEL |
				     VNET_HDR_GSO_TCPV4);
	assert_int_equal(h.outer_th_offset, 42);
	assert_int_equal(h.inner_protocol, 0x6558);
	assert_int_equal(h.inner_mac_offset, 50);
	assert_int_equal(h.inner_nh_offset, 64);
	vnet_hdr_encode(&l, &h, out, sizeof(out));
	assert_memory_equal(out, wire, 28);
}

/* A header with every field set to a distinct value. */
static struct vnet_hdr random_hdr(void)
{
	struct vnet_hdr h = {
		.flags = (uint8_t)rand(), .gso_type = (uint8_t)rand(),
		.hdr_len = (uint16_t)rand(), .gso_size = (uint16_t)rand(),
		.csum_start = (uint16_t)rand(), .csum_offset = (uint16_t)rand(),
		.num_buffers = (uint16_t)rand(), .hash_value = (uint32_t)rand(),
		.hash_report = (uint16_t)rand(),
		.outer_th_offset = (uint16_t)rand(),
		.inner_nh_offset = (uint16_t)rand(),
		.inner_protocol = (uint16_t)rand(),
		.inner_mac_offset = (uint16_t)rand(),
		.outer_nh_offset = (uint16_t)rand(),
		.ipsec_resource_id = (uint32_t)rand(),
		.ipsec_resource_type = (uint16_t)rand(),
	};
	return h;
}

/* What decode(encode(h)) must give: h with the layout's absent fields zero. */
static struct vnet_hdr expected_after_round_trip(const struct vnet_hdr_layout *l,
						 struct vnet_hdr h)
{
	if (!l->has_num_buffers)
		h.num_buffers = 0;
	if (!l->has_hash) {
		h.hash_value = 0;
		h.hash_report = 0;
	}
	if (!l->has_tunnel) {
		h.outer_th_offset = 0;
		h.inner_nh_offset = 0;
	}
	if (!l->has_tunnel || l->profile != VNET_PROFILE_DRAFT_V3) {
		h.inner_protocol = 0;
		h.inner_mac_offset = 0;
	}
	if (!l->has_out_net) {
		h.outer_nh_offset = 0;
		h.ipsec_resource_id = 0;
		h.ipsec_resource_type = 0;
	}
	return h;
}

static void assert_fields_equal(const struct vnet_hdr *a, const struct vnet_hdr *b)
{
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->gso_type, b->gso_type);
	assert_int_equal(a->hdr_len, b->hdr_len);
	assert_int_equal(a->gso_size, b->gso_size);
	assert_int_equal(a->csum_start, b->csum_start);
	assert_int_equal(a->csum_offset, b->csum_offset);
	assert_int_equal(a->num_buffers, b->num_buffers);
	assert_int_equal(a->hash_value, b->hash_value);
	assert_int_equal(a->hash_report, b->hash_report);
	assert_int_equal(a->outer_th_offset, b->outer_th_offset);
	assert_int_equal(a->inner_nh_offset, b->inner_nh_offset);
	assert_int_equal(a->inner_protocol, b->inner_protocol);
	assert_int_equal(a->inner_mac_offset, b->inner_mac_offset);
	assert_int_equal(a->outer_nh_offset, b->outer_nh_offset);
	assert_int_equal(a->ipsec_resource_id, b->ipsec_resource_id);
	assert_int_equal(a->ipsec_resource_type, b->ipsec_resource_type);
}

static const struct {
	const char *spec;
	enum vnet_profile profile;
} every_layout[] = {
	{ "", VNET_PROFILE_STANDARD },
	{ "mrg_rxbuf", VNET_PROFILE_STANDARD },
	{ "version_1", VNET_PROFILE_STANDARD },
	{ "version_1,ctrl_vq,hash_report", VNET_PROFILE_STANDARD },
	{ "version_1,guest_udp_tunnel_gso", VNET_PROFILE_STANDARD },
	{ "version_1,out_net_header,ipsec", VNET_PROFILE_STANDARD },
	{ "version_1,host_udp_tunnel_gso", VNET_PROFILE_DRAFT_V3 },
	{ "mrg_rxbuf,ctrl_vq,hash_report", VNET_PROFILE_STANDARD },
};

/* decode(encode(h)) == h field by field, every layout, both byte orders. */
static void test_round_trip_every_layout(void **state)
{
	size_t i;
	int e, iter;

	(void)state;
	srand(1071);
	for (i = 0; i < sizeof(every_layout) / sizeof(every_layout[0]); i++) {
		for (e = 0; e < 2; e++) {
			struct vnet_hdr_layout l = layout(every_layout[i].spec,
							  every_layout[i].profile,
							  (enum vnet_endian)e);

			for (iter = 0; iter < 1000; iter++) {
				struct vnet_hdr h = random_hdr(), d, want;
				uint8_t wire[VNET_HDR_LEN_MAX + 1];

				memset(wire, 0xa5, sizeof(wire));
				assert_int_equal(vnet_hdr_encode(&l, &h, wire,
								 l.size), l.size);
				/* nothing written past the layout */
				assert_int_equal(wire[l.size], 0xa5);
				assert_int_equal(vnet_hdr_decode(&l, wire,
								 l.size, &d),
						 l.size);
				want = expected_after_round_trip(&l, h);
				assert_fields_equal(&d, &want);
			}
		}
	}
}

/* encode(decode(w)) == w for wires whose reserved bytes are zero. */
static void test_wire_round_trip(void **state)
{
	size_t i;
	int iter;

	(void)state;
	srand(1624);
	for (i = 0; i < sizeof(every_layout) / sizeof(every_layout[0]); i++) {
		struct vnet_hdr_layout l = layout(every_layout[i].spec,
						  every_layout[i].profile,
						  VNET_ENDIAN_BIG);

		for (iter = 0; iter < 1000; iter++) {
			uint8_t wire[VNET_HDR_LEN_MAX], out[VNET_HDR_LEN_MAX];
			struct vnet_hdr h;
			unsigned int b;

			for (b = 0; b < l.size; b++)
				wire[b] = (uint8_t)rand();
			if (l.has_hash && l.profile == VNET_PROFILE_STANDARD)
				wire[18] = wire[19] = 0; /* padding_reserved */
			if (l.has_hash && l.profile == VNET_PROFILE_DRAFT_V3)
				wire[18] = wire[19] = 0;
			vnet_hdr_decode(&l, wire, l.size, &h);
			vnet_hdr_encode(&l, &h, out, l.size);
			assert_memory_equal(out, wire, l.size);
		}
	}
}

/* A buffer shorter than the layout is an error, not a partial read. */
static void test_short_buffers(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(every_layout) / sizeof(every_layout[0]); i++) {
		struct vnet_hdr_layout l = layout(every_layout[i].spec,
						  every_layout[i].profile,
						  VNET_ENDIAN_LITTLE);
		struct vnet_hdr h = random_hdr(), before = h;
		size_t len;

		for (len = 0; len < l.size; len++) {
			/* exact-size heap copy: ASan sees any over-read */
			uint8_t *buf = malloc(len ? len : 1);

			memset(buf, 0xff, len ? len : 1);
			assert_int_equal(vnet_hdr_decode(&l, buf, len, &h),
					 -EMSGSIZE);
			assert_memory_equal(&h, &before, sizeof(h));
			assert_int_equal(vnet_hdr_encode(&l, &h, buf, len),
					 -EMSGSIZE);
			free(buf);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_sizes),
		cmocka_unit_test(test_decode_tunnel_worked_example),
		cmocka_unit_test(test_decode_hash_report),
		cmocka_unit_test(test_legacy_endianness),
		cmocka_unit_test(test_version_1_ignores_legacy_endian),
		cmocka_unit_test(test_draft_v3_layout),
		cmocka_unit_test(test_round_trip_every_layout),
		cmocka_unit_test(test_wire_round_trip),
		cmocka_unit_test(test_short_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
