// SPDX-License-Identifier: MIT
/* test_dev.c - device parameters, reset, negotiation, link, announce, queues */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

static int init_with(const struct vnet_dev_params *p)
{
	struct vnet_dev d;
	int err = vnet_dev_init(&d, p);

	if (!err)
		vnet_dev_fini(&d);
	return err;
}

/* "Device configuration layout", device-normative: max_virtqueue_pairs
 * 1..0x8000 with MQ; mtu 68..65535 with MTU; rss_max_key_size >= 40 with
 * RSS or HASH_REPORT; rss_max_indirection_table_length >= 128 with RSS.
 * A device whose owner asks otherwise is not created. */
/* conformance: NET-CFG-01, NET-CFG-02, NET-CFG-07, NET-CFG-08 */
static void test_params_musts(void **state)
{
	struct vnet_dev_params p = tu_params(TU_ALL_CTRL);

	(void)state;
	assert_int_equal(init_with(&p), 0);
	p.max_pairs = 0;
	assert_int_equal(init_with(&p), -EINVAL);
	p.max_pairs = 0x8001;
	assert_int_equal(init_with(&p), -EINVAL);
	p.max_pairs = 1;
	assert_int_equal(init_with(&p), 0);
	p = tu_params(TU_ALL_CTRL);
	p.mtu = 67;
	assert_int_equal(init_with(&p), -EINVAL);
	p.mtu = 68;
	assert_int_equal(init_with(&p), 0);
	p = tu_params("version_1");
	p.mtu = 0;			/* no MTU offered: no constraint */
	assert_int_equal(init_with(&p), 0);
	p = tu_params(TU_ALL_CTRL);
	p.rss_max_key_size = 39;
	assert_int_equal(init_with(&p), -EINVAL);
	p = tu_params("version_1,ctrl_vq,hash_report");
	p.rss_max_key_size = 39;
	assert_int_equal(init_with(&p), -EINVAL);
	p = tu_params(TU_ALL_CTRL);
	p.rss_max_indir_len = 127;
	assert_int_equal(init_with(&p), -EINVAL);
	p = tu_params("version_1,ctrl_vq,hash_report");
	p.rss_max_indir_len = 0;	/* no RSS: no table */
	assert_int_equal(init_with(&p), 0);
}

/* The rest of what the owner gives: an offer that meets "Feature bit
 * requirements", HASH_REPORT and CTRL_RX_EXTRA only with CTRL_VQ ("SHOULD
 * NOT offer"), speed and duplex in range, known hash and tunnel types. */
/* conformance: NET-CFG-13, NET-CFG-14, NET-CFG-10, NET-CFG-11 */
static void test_params_other(void **state)
{
	struct vnet_dev_params p;

	(void)state;
	p = tu_params("version_1,host_tso4");
	assert_int_equal(init_with(&p), -EINVAL);
	p = tu_params("version_1,hash_report");
	assert_int_equal(init_with(&p), -EINVAL);
	p = tu_params("version_1,ctrl_rx_extra");
	assert_int_equal(init_with(&p), -EINVAL);
	p = tu_params(TU_ALL_CTRL);
	p.speed = 0x80000000u;
	assert_int_equal(init_with(&p), -EINVAL);
	p.speed = VNET_SPEED_UNKNOWN;
	assert_int_equal(init_with(&p), 0);
	p.duplex = 2;
	assert_int_equal(init_with(&p), -EINVAL);
	p.duplex = VNET_DUPLEX_UNKNOWN;
	assert_int_equal(init_with(&p), 0);
	p.hash_types = 1u << 9;
	assert_int_equal(init_with(&p), -EINVAL);
	p = tu_params(TU_ALL_CTRL);
	p.tunnel_types = 1u << 9;
	assert_int_equal(init_with(&p), -EINVAL);
	p = tu_params(TU_ALL_CTRL);
	p.steer_slots = 3;
	assert_int_equal(init_with(&p), -EINVAL);
	p.steer_slots = 1024;
	assert_int_equal(init_with(&p), 0);
}

/* Reset: "The device MUST have an empty MAC filtering table on reset";
 * "Upon reset, a device MUST initialize all coalescing parameters to 0";
 * "After initialization of reset, the device MUST queue packets only on
 * receiveq1"; hash types disabled; enabled_tunnel_types 0 "upon the device
 * reset"; the VLAN table empty. Link state is the device's and stays. */
/* conformance: NET-MAC-01, NET-COAL-09, NET-MQ-04 */
static void test_reset(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };
	unsigned int i;

	(void)state;
	vnet_dev_set_link(d, true);
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 128, 4, 1);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD, 9),
			 VNET_CTRL_OK);
	assert_int_equal(tu_ctrl_u8(d, VNET_CTRL_RX, VNET_CTRL_RX_PROMISC, 0),
			 VNET_CTRL_OK);
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET);
	tu_le(&c, 1, 4);
	tu_bytes(&c, "\x02\x00\x00\x00\x00\x01", 6);
	tu_le(&c, 0, 4);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_ADDR_SET);
	tu_bytes(&c, "\x02\x00\x00\x00\x00\x02", 6);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	tu_cmd_start(&c, VNET_CTRL_NOTF_COAL, VNET_CTRL_NOTF_COAL_RX_SET);
	tu_le(&c, 3, 4);
	tu_le(&c, 3, 4);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	tu_cmd_start(&c, VNET_CTRL_HASH_TUNNEL, VNET_CTRL_HASH_TUNNEL_SET);
	tu_le(&c, VNET_HASH_TUNNEL_VXLAN, 4);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(vnet_dev_announce(d), 1);

	vnet_dev_reset(d);
	assert_false(d->features_ok);
	assert_int_equal(d->uni.count + d->multi.count, 0);
	assert_false(d->uni.overflow || d->multi.overflow);
	for (i = 0; i < VNET_VLAN_IDS / 32; i++)
		assert_int_equal(d->vlan[i], 0);
	assert_true(d->rx.promisc);
	assert_int_equal(d->mq, VNET_MQ_SINGLE);
	assert_int_equal(d->pairs, 1);
	assert_int_equal(d->rss.types, 0);
	assert_int_equal(d->hash.types, 0);
	assert_int_equal(d->tunnel_types, 0);
	for (i = 0; i < 2 * TU_MAX_PAIRS; i++)
		assert_int_equal(d->coal[i].params.max_packets |
				 d->coal[i].params.max_usecs, 0);
	assert_memory_equal(d->mac, tu_mac, 6);
	assert_int_equal(d->status, VNET_S_LINK_UP);
	tu_dev_free(d);
}

/* Negotiation: bits the device did not offer are refused; every
 * negotiated guest offload starts enabled ("Setting Offloads State"). */
static void test_negotiate(void **state)
{
	struct vnet_dev_params p = tu_params("version_1,ctrl_vq,guest_csum,"
					     "guest_tso4,guest_tso6");
	struct vnet_features f = tu_features("version_1,guest_csum,mq");
	struct vnet_dev d;
	char why[128];

	(void)state;
	assert_int_equal(vnet_dev_init(&d, &p), 0);
	assert_int_equal(vnet_dev_negotiate(&d, &f, why, sizeof(why)), -EPERM);
	assert_false(d.features_ok);
	f = tu_features("version_1,guest_csum,guest_tso6");
	assert_int_equal(vnet_dev_negotiate(&d, &f, why, sizeof(why)), 0);
	assert_true(d.features_ok);
	assert_true(vnet_features_has(&d.guest_offloads, VNET_F_GUEST_CSUM));
	assert_true(vnet_features_has(&d.guest_offloads, VNET_F_GUEST_TSO6));
	assert_false(vnet_features_has(&d.guest_offloads, VNET_F_GUEST_TSO4));
	assert_false(vnet_features_has(&d.guest_offloads, VNET_F_VERSION_1));
	assert_int_equal(vnet_dev_data_pairs(&d), 1);	/* no MQ, no RSS */
	vnet_dev_fini(&d);
}

/* Link status through the status field: a change notifies only a driver
 * that negotiated STATUS ("If the driver does not negotiate STATUS, it
 * SHOULD assume the link is active"). */
static void test_link(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	uint32_t gen = d->config_gen;

	(void)state;
	assert_int_equal(vnet_dev_set_link(d, true), 1);
	assert_int_equal(d->status, VNET_S_LINK_UP);
	assert_true(d->config_gen != gen);
	assert_int_equal(vnet_dev_set_link(d, true), 0);	/* no change */
	assert_int_equal(vnet_dev_set_link(d, false), 1);
	assert_int_equal(d->status, 0);
	tu_dev_free(d);
	d = tu_dev("version_1");
	assert_int_equal(vnet_dev_set_link(d, true), 0);
	tu_dev_free(d);
}

/* "If VIRTIO_NET_F_SPEED_DUPLEX and VIRTIO_NET_F_STATUS have both been
 * negotiated, the device SHOULD NOT change the speed and duplex fields as
 * long as VIRTIO_NET_S_LINK_UP is set"; values in range only. */
/* conformance: NET-CFG-12 */
static void test_speed_duplex(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);

	(void)state;
	assert_int_equal(vnet_dev_set_speed_duplex(d, 25000, VNET_DUPLEX_FULL),
			 1);
	assert_int_equal(vnet_dev_set_speed_duplex(d, 25000, VNET_DUPLEX_FULL),
			 0);
	assert_int_equal(vnet_dev_set_speed_duplex(d, 0x80000000u, 1), -EINVAL);
	assert_int_equal(vnet_dev_set_speed_duplex(d, 100, 7), -EINVAL);
	vnet_dev_set_link(d, true);
	assert_int_equal(vnet_dev_set_speed_duplex(d, 100, VNET_DUPLEX_HALF),
			 -EBUSY);
	assert_int_equal(d->speed, 25000);
	vnet_dev_set_link(d, false);
	assert_int_equal(vnet_dev_set_speed_duplex(d, VNET_SPEED_UNKNOWN,
						   VNET_DUPLEX_UNKNOWN), 1);
	tu_dev_free(d);
	d = tu_dev("version_1,speed_duplex");		/* no STATUS */
	vnet_dev_set_link(d, true);
	assert_int_equal(vnet_dev_set_speed_duplex(d, 100, VNET_DUPLEX_HALF), 1);
	tu_dev_free(d);
}

/* Queues: with MQ or RSS the driver may use max_virtqueue_pairs pairs,
 * else one ("Device Initialization"); the control queue and beyond are no
 * data queues. */
static void test_queues(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);

	(void)state;
	assert_int_equal(vnet_dev_data_pairs(d), TU_MAX_PAIRS);
	assert_non_null(vnet_dev_coal(d, 2 * TU_MAX_PAIRS - 1));
	assert_null(vnet_dev_coal(d, 2 * TU_MAX_PAIRS));
	tu_dev_free(d);
	d = tu_dev("version_1,ctrl_vq,notf_coal");
	assert_int_equal(vnet_dev_data_pairs(d), 1);
	assert_non_null(vnet_dev_coal(d, 1));
	assert_null(vnet_dev_coal(d, 2));
	assert_int_equal(vnet_dev_queue_enable(d, 2, true), -EINVAL);
	tu_dev_free(d);
}

/* Receive queues in use: NET-MQ-04 "After initialization of reset, the
 * device MUST queue packets only on receiveq1"; NET-MQ-05 "MUST NOT queue
 * packets on receive queues greater than virtqueue_pairs" once
 * VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET is used; one pair without MQ or RSS. */
static void test_rx_pairs(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);

	(void)state;
	assert_int_equal(vnet_dev_rx_pairs(d), 1);
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET,
				     TU_MAX_PAIRS), VNET_CTRL_OK);
	assert_int_equal(vnet_dev_rx_pairs(d), TU_MAX_PAIRS);
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET,
				     2), VNET_CTRL_OK);
	assert_int_equal(vnet_dev_rx_pairs(d), 2);
	vnet_dev_reset(d);
	assert_int_equal(vnet_dev_rx_pairs(d), 1);
	tu_dev_free(d);
	d = tu_dev("version_1,ctrl_vq");
	assert_int_equal(vnet_dev_rx_pairs(d), 1);
	tu_dev_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_musts),
		cmocka_unit_test(test_params_other),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_link),
		cmocka_unit_test(test_speed_duplex),
		cmocka_unit_test(test_queues),
		cmocka_unit_test(test_rx_pairs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
