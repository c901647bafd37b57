// SPDX-License-Identifier: MIT
/* test_config.c - configuration space: layout, presence, byte order, writes */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

/* struct virtio_net_config: a field exists only with its feature; the
 * space a transport exposes ends with the last field an offered feature
 * brings (mac always). */
static void test_size_per_feature(void **state)
{
	static const struct {
		const char *offer;
		size_t size;
	} cases[] = {
		{ "version_1", 6 },
		{ "version_1,mac", 6 },
		{ "version_1,status", 8 },
		{ "version_1,ctrl_vq,mq", 10 },
		{ "version_1,ctrl_vq,rss", 24 },
		{ "version_1,mtu", 12 },
		{ "version_1,speed_duplex", 17 },
		{ "version_1,ctrl_vq,hash_report", 24 },
		{ "version_1,ctrl_vq,hash_report,hash_tunnel", 28 },
		{ "version_1,status,mtu", 12 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vnet_dev *d = tu_dev(cases[i].offer);
		uint8_t buf[VNET_CONFIG_SIZE_MAX];

		assert_int_equal(vnet_config_size(d), cases[i].size);
		assert_int_equal(vnet_config_encode(d, buf, sizeof(buf)),
				 (int)cases[i].size);
		assert_int_equal(vnet_config_encode(d, buf, cases[i].size - 1),
				 -EMSGSIZE);
		tu_dev_free(d);
	}
}

/* Every field at its offset, little-endian (VERSION_1): mac, status,
 * max_virtqueue_pairs, mtu, speed, duplex, rss_max_key_size,
 * rss_max_indirection_table_length, supported_hash_types,
 * supported_tunnel_types. Expected bytes written out by hand. */
static void test_layout_modern(void **state)
{
	const uint8_t want[28] = {
		0x52, 0x54, 0x00, 0x12, 0x34, 0x56,	/* mac */
		0x01, 0x00,				/* status: LINK_UP */
		0x04, 0x00,				/* max pairs 4 */
		0xdc, 0x05,				/* mtu 1500 */
		0x10, 0x27, 0x00, 0x00,			/* speed 10000 */
		0x01,					/* duplex full */
		40,					/* key size */
		0x80, 0x00,				/* 128 entries */
		0xff, 0x01, 0x00, 0x00,			/* hash types */
		0xff, 0x01, 0x00, 0x00,			/* tunnel types */
	};
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	uint8_t buf[28];

	(void)state;
	vnet_dev_set_link(d, true);
	assert_int_equal(vnet_config_encode(d, buf, sizeof(buf)), 28);
	assert_memory_equal(buf, want, 28);
	tu_dev_free(d);
}

/* "Legacy Interface: Device configuration layout": status and
 * max_virtqueue_pairs in the guest's native order (here big-endian). */
/* conformance: NET-CFG-L1 */
static void test_layout_legacy_big(void **state)
{
	struct vnet_dev_params p = tu_params("mac,status,ctrl_vq,mq,mtu");
	struct vnet_dev *d;
	uint8_t buf[12];

	(void)state;
	p.legacy_endian = VNET_ENDIAN_BIG;
	d = tu_dev_params(&p, "mac,status,ctrl_vq,mq,mtu");
	vnet_dev_set_link(d, true);
	assert_int_equal(vnet_config_encode(d, buf, sizeof(buf)), 12);
	assert_int_equal(buf[6], 0x00);
	assert_int_equal(buf[7], 0x01);		/* status */
	assert_int_equal(buf[8], 0x00);
	assert_int_equal(buf[9], 0x04);		/* max_virtqueue_pairs */
	assert_int_equal(buf[10], 0x05);
	assert_int_equal(buf[11], 0xdc);	/* mtu */
	tu_dev_free(d);
}

/* Presence follows the features in force: before FEATURES_OK what is
 * offered (a driver reads mtu while validating), after it what was
 * negotiated; others read zero. */
static void test_fields_in_force(void **state)
{
	struct vnet_dev_params p = tu_params(TU_ALL_CTRL);
	struct vnet_features f = tu_features("version_1,mac,ctrl_vq");
	struct vnet_dev d;
	uint8_t mtu[2], pairs[2], types[4], mac[6];

	(void)state;
	assert_int_equal(vnet_dev_init(&d, &p), 0);
	assert_int_equal(vnet_config_read(&d, VNET_CONFIG_MTU, mtu, 2), 0);
	assert_int_equal(mtu[0] | mtu[1] << 8, 1500);
	assert_int_equal(vnet_dev_negotiate(&d, &f, NULL, 0), 0);
	assert_int_equal(vnet_config_size(&d), 28);	/* size stays */
	assert_int_equal(vnet_config_read(&d, VNET_CONFIG_MTU, mtu, 2), 0);
	assert_int_equal(mtu[0] | mtu[1], 0);
	assert_int_equal(vnet_config_read(&d, VNET_CONFIG_MAX_PAIRS, pairs, 2),
			 0);
	assert_int_equal(pairs[0] | pairs[1], 0);
	assert_int_equal(vnet_config_read(&d, VNET_CONFIG_HASH_TYPES, types, 4),
			 0);
	assert_int_equal(types[0] | types[1] | types[2] | types[3], 0);
	assert_int_equal(vnet_config_read(&d, VNET_CONFIG_MAC, mac, 6), 0);
	assert_memory_equal(mac, tu_mac, 6);	/* mac always exists */
	vnet_dev_fini(&d);
}

/* Reads inside the space only, at any offset and length. */
static void test_read_ranges(void **state)
{
	struct vnet_dev *d = tu_dev("version_1,mac,status,mtu");
	uint8_t b[16];

	(void)state;
	memset(b, 0xee, sizeof(b));
	assert_int_equal(vnet_config_read(d, 3, b, 3), 0);
	assert_memory_equal(b, tu_mac + 3, 3);
	assert_int_equal(vnet_config_read(d, 12, b, 0), 0);
	assert_int_equal(vnet_config_read(d, 11, b, 2), -ERANGE);
	assert_int_equal(vnet_config_read(d, 13, b, 0), -ERANGE);
	assert_int_equal(vnet_config_read(d, SIZE_MAX, b, 2), -ERANGE);
	assert_int_equal(vnet_config_read(d, 2, b, SIZE_MAX), -ERANGE);
	tu_dev_free(d);
}

/* "The driver MUST NOT write to any of the device configuration fields";
 * on the legacy interface mac is driver-writable (for drivers without
 * CTRL_MAC_ADDR). */
/* conformance: D-CFG-01, VU-23 */
static void test_writes(void **state)
{
	const uint8_t new_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct vnet_dev *d = tu_dev("version_1,mac,status");
	uint8_t st[2] = { 0, 0 };

	(void)state;
	assert_int_equal(vnet_config_write(d, 0, new_mac, 6), -EPERM);
	tu_dev_free(d);
	d = tu_dev("mac,status");
	assert_int_equal(vnet_config_write(d, VNET_CONFIG_STATUS, st, 2),
			 -EPERM);
	assert_int_equal(vnet_config_write(d, 5, new_mac, 2), -EPERM);
	assert_int_equal(vnet_config_write(d, 0, new_mac, 3), 0);
	assert_int_equal(vnet_config_write(d, 3, new_mac + 3, 3), 0);
	assert_memory_equal(d->mac, new_mac, 6);
	assert_int_equal(vnet_config_write(d, 7, new_mac, 2), -ERANGE);
	tu_dev_free(d);
	d = tu_dev("mac,ctrl_vq,ctrl_mac_addr");
	assert_int_equal(vnet_config_write(d, 0, new_mac, 6), -EPERM);
	tu_dev_free(d);
}

/* "The device MUST NOT modify mtu once it has been set": through reset,
 * negotiation and commands it reads the same. */
/* conformance: NET-CFG-04 */
static void test_mtu_fixed(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct vnet_features f = tu_features(TU_ALL_CTRL);
	uint8_t mtu[2];

	(void)state;
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET,
				     2), VNET_CTRL_OK);
	vnet_dev_reset(d);
	assert_int_equal(vnet_dev_negotiate(d, &f, NULL, 0), 0);
	assert_int_equal(vnet_config_read(d, VNET_CONFIG_MTU, mtu, 2), 0);
	assert_int_equal(mtu[0] | mtu[1] << 8, 1500);
	tu_dev_free(d);
}

/* Configuration changes bump the generation: link, announce, ADDR_SET. */
static void test_generation(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };
	uint32_t g = d->config_gen;

	(void)state;
	vnet_dev_set_link(d, true);
	assert_true(d->config_gen != g);
	g = d->config_gen;
	vnet_dev_announce(d);
	assert_true(d->config_gen != g);
	g = d->config_gen;
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_ADDR_SET);
	tu_bytes(&c, "\x02\x00\x00\x00\x00\x09", 6);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_true(d->config_gen != g);
	tu_dev_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_per_feature),
		cmocka_unit_test(test_layout_modern),
		cmocka_unit_test(test_layout_legacy_big),
		cmocka_unit_test(test_fields_in_force),
		cmocka_unit_test(test_read_ranges),
		cmocka_unit_test(test_writes),
		cmocka_unit_test(test_mtu_fixed),
		cmocka_unit_test(test_generation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
