// SPDX-License-Identifier: MIT
/* test_filter.c - the receive filter, rule by rule */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/filter.h"
#include "test_util.h"

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t peer[6] = { 0x02, 0xaa, 0, 0, 0, 0x01 };
static const uint8_t other[6] = { 0x02, 0xbb, 0, 0, 0, 0x02 };
static const uint8_t listed[6] = { 0x02, 0xcc, 0, 0, 0, 0x03 };
static const uint8_t mc_in[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
static const uint8_t mc_out[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };

#define FILTER_FEATURES "version_1,mac,ctrl_vq,ctrl_rx,ctrl_rx_extra," \
	"ctrl_vlan,ctrl_mac_addr"

/* A device with promiscuous mode off, @listed in the unicast table and
 * @mc_in in the multicast table. */
static struct vnet_dev *filter_dev(void)
{
	struct vnet_dev *d = tu_dev(FILTER_FEATURES);
	struct tu_cmd c = { .big = 0 };

	assert_int_equal(tu_ctrl_u8(d, VNET_CTRL_RX, VNET_CTRL_RX_PROMISC, 0),
			 VNET_CTRL_OK);
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET);
	tu_le(&c, 1, 4);
	tu_bytes(&c, listed, 6);
	tu_le(&c, 1, 4);
	tu_bytes(&c, mc_in, 6);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	return d;
}

/* An untagged IPv4-ethertype frame to @dst (60 bytes, padded). */
static bool accept_to(struct vnet_dev *d, const uint8_t dst[6])
{
	struct tu_frame f;
	struct vnet_pkt pkt;
	struct iovec iov;

	tu_eth(&f, dst, peer, 0x0800);
	while (f.len < 60)
		tu_put8(&f, 0);
	tu_pkt(&pkt, &iov, &f);
	return vnet_filter_accept(d, &pkt);
}

static bool accept_vlan(struct vnet_dev *d, const uint8_t dst[6],
			unsigned int tci)
{
	struct tu_frame f;
	struct vnet_pkt pkt;
	struct iovec iov;

	tu_eth(&f, dst, peer, 0x8100);
	tu_put16(&f, tci);
	tu_put16(&f, 0x0800);
	while (f.len < 64)
		tu_put8(&f, 0);
	tu_pkt(&pkt, &iov, &f);
	return vnet_filter_accept(d, &pkt);
}

static void set_mode(struct vnet_dev *d, uint8_t cmd, unsigned int on)
{
	assert_int_equal(tu_ctrl_u8(d, VNET_CTRL_RX, cmd, on), VNET_CTRL_OK);
}

/* "The device SHOULD drop incoming packets which have a destination MAC
 * which matches neither the mac (or that set with ADDR_SET) nor the MAC
 * filtering table." Broadcast passes by default. */
/* conformance: NET-MAC-04 */
static void test_unicast_and_tables(void **state)
{
	struct vnet_dev *d = filter_dev();

	(void)state;
	assert_true(accept_to(d, tu_mac));
	assert_true(accept_to(d, listed));
	assert_false(accept_to(d, other));
	assert_int_equal(d->stats.rx_drop_uni, 1);
	assert_true(accept_to(d, mc_in));
	assert_false(accept_to(d, mc_out));
	assert_int_equal(d->stats.rx_drop_multi, 1);
	assert_true(accept_to(d, bcast));
	tu_dev_free(d);
}

/* ADDR_SET: "the default MAC address which rx filtering accepts". */
static void test_addr_set_moves_default(void **state)
{
	struct vnet_dev *d = filter_dev();
	struct tu_cmd c = { .big = 0 };

	(void)state;
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_ADDR_SET);
	tu_bytes(&c, other, 6);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_true(accept_to(d, other));
	assert_false(accept_to(d, tu_mac));
	tu_dev_free(d);
}

/* PROMISC: "the device SHOULD receive all incoming packets. This SHOULD
 * take effect even if one of the other modes set by a VIRTIO_NET_CTRL_RX
 * class command is on" - NOUNI, NOMULTI, NOBCAST and the VLAN filter too. */
/* conformance: NET-RXF-02, NET-RXF-03 */
static void test_promisc_overrides(void **state)
{
	struct vnet_dev *d = filter_dev();

	(void)state;
	set_mode(d, VNET_CTRL_RX_NOUNI, 1);
	set_mode(d, VNET_CTRL_RX_NOMULTI, 1);
	set_mode(d, VNET_CTRL_RX_NOBCAST, 1);
	assert_false(accept_to(d, tu_mac));
	assert_false(accept_to(d, mc_in));
	assert_false(accept_to(d, bcast));
	assert_false(accept_vlan(d, tu_mac, 5));
	set_mode(d, VNET_CTRL_RX_PROMISC, 1);
	assert_true(accept_to(d, other));
	assert_true(accept_to(d, mc_out));
	assert_true(accept_to(d, bcast));
	assert_true(accept_vlan(d, other, 5));
	tu_dev_free(d);
}

/* ALLMULTI: "the device SHOULD allow all incoming multicast packets";
 * NOMULTI: "SHOULD NOT send multicast packets ... This SHOULD take effect
 * even if ALLMULTI is on. This filter SHOULD NOT apply to broadcast". */
/* conformance: NET-RXF-04, NET-RXF-07, NET-RXF-08, NET-RXF-09 */
static void test_multicast_modes(void **state)
{
	struct vnet_dev *d = filter_dev();

	(void)state;
	set_mode(d, VNET_CTRL_RX_ALLMULTI, 1);
	assert_true(accept_to(d, mc_out));
	set_mode(d, VNET_CTRL_RX_NOMULTI, 1);
	assert_false(accept_to(d, mc_out));
	assert_false(accept_to(d, mc_in));
	assert_int_equal(d->stats.rx_drop_nomulti, 2);
	assert_true(accept_to(d, bcast));
	assert_true(accept_to(d, tu_mac));
	set_mode(d, VNET_CTRL_RX_NOMULTI, 0);
	set_mode(d, VNET_CTRL_RX_ALLMULTI, 0);
	assert_false(accept_to(d, mc_out));
	tu_dev_free(d);
}

/* ALLUNI: "SHOULD allow all incoming unicast packets"; NOUNI: "SHOULD NOT
 * send unicast packets ... even if ALLUNI is on". */
/* conformance: NET-RXF-06, NET-RXF-10, NET-RXF-11 */
static void test_unicast_modes(void **state)
{
	struct vnet_dev *d = filter_dev();

	(void)state;
	set_mode(d, VNET_CTRL_RX_ALLUNI, 1);
	assert_true(accept_to(d, other));
	set_mode(d, VNET_CTRL_RX_NOUNI, 1);
	assert_false(accept_to(d, other));
	assert_false(accept_to(d, tu_mac));
	assert_false(accept_to(d, listed));
	assert_int_equal(d->stats.rx_drop_nouni, 3);
	assert_true(accept_to(d, mc_in));
	assert_true(accept_to(d, bcast));
	tu_dev_free(d);
}

/* NOBCAST: "SHOULD NOT send broadcast packets ... even if ALLMULTI is
 * on". */
/* conformance: NET-RXF-12, NET-RXF-13 */
static void test_nobcast(void **state)
{
	struct vnet_dev *d = filter_dev();

	(void)state;
	set_mode(d, VNET_CTRL_RX_ALLMULTI, 1);
	set_mode(d, VNET_CTRL_RX_NOBCAST, 1);
	assert_false(accept_to(d, bcast));
	assert_int_equal(d->stats.rx_drop_nobcast, 1);
	assert_true(accept_to(d, mc_out));
	tu_dev_free(d);
}

/* A table longer than the device keeps: all unicast (resp. multicast)
 * accepted, as the footnote of "Setting MAC Address Filtering" allows. */
static void test_table_overflow_accepts_all(void **state)
{
	struct vnet_dev *d = filter_dev();
	struct tu_cmd c = { .big = 0 };
	unsigned int i;

	(void)state;
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET);
	tu_le(&c, TU_MAC_MAX + 1, 4);
	for (i = 0; i <= TU_MAC_MAX; i++)
		tu_bytes(&c, listed, 6);
	tu_le(&c, 0, 4);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_true(accept_to(d, other));
	assert_false(accept_to(d, mc_in));	/* multicast table now empty */
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET);
	tu_le(&c, 0, 4);
	tu_le(&c, TU_MAC_MAX + 1, 4);
	for (i = 0; i <= TU_MAC_MAX; i++)
		tu_bytes(&c, mc_in, 6);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_false(accept_to(d, other));
	assert_true(accept_to(d, mc_out));
	tu_dev_free(d);
}

/* "When VIRTIO_NET_F_CTRL_VLAN is negotiated, the device MUST accept all
 * VLAN tagged packets whose VLAN tag is present in the VLAN filter table
 * and SHOULD drop all VLAN tagged packets whose VLAN tag is absent";
 * "The VLAN filter table applies only to VLAN tagged packets". */
/* conformance: NET-VLAN-02, NET-VLAN-03 */
static void test_vlan_filter(void **state)
{
	struct vnet_dev *d = filter_dev();

	(void)state;
	assert_false(accept_vlan(d, tu_mac, 100));
	assert_int_equal(d->stats.rx_drop_vlan, 1);
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD, 100),
			 VNET_CTRL_OK);
	assert_true(accept_vlan(d, tu_mac, 100));
	assert_true(accept_vlan(d, tu_mac, 0xe000 | 100)); /* PCP, DEI ignored */
	assert_false(accept_vlan(d, tu_mac, 101));
	assert_false(accept_vlan(d, tu_mac, 0));	/* priority tag: id 0 */
	assert_false(accept_vlan(d, other, 100));	/* MAC still applies */
	assert_true(accept_to(d, tu_mac));		/* untagged */
	tu_dev_free(d);
}

/* "When VIRTIO_NET_F_CTRL_VLAN is not negotiated, the device MUST accept
 * all VLAN tagged packets." Without CTRL_RX there is no MAC filter. */
/* conformance: NET-VLAN-01 */
static void test_no_features_no_filter(void **state)
{
	struct vnet_dev *d = tu_dev("version_1,mac,ctrl_vq,ctrl_rx");

	(void)state;
	set_mode(d, VNET_CTRL_RX_PROMISC, 0);
	assert_true(accept_vlan(d, tu_mac, 77));
	tu_dev_free(d);
	d = tu_dev("version_1,mac");
	assert_true(accept_to(d, other));
	assert_true(accept_to(d, mc_out));
	tu_dev_free(d);
	d = tu_dev("version_1,mac,ctrl_vq,ctrl_vlan");	/* VLAN without RX */
	assert_false(accept_vlan(d, other, 77));
	assert_true(accept_to(d, other));
	tu_dev_free(d);
}

/* Frames too short for their Ethernet header or VLAN tag are dropped. */
static void test_runts(void **state)
{
	struct vnet_dev *d = filter_dev();
	struct tu_frame f;
	struct vnet_pkt pkt;
	struct iovec iov;

	(void)state;
	tu_eth(&f, tu_mac, peer, 0x0800);
	f.len = 13;
	tu_pkt(&pkt, &iov, &f);
	assert_false(vnet_filter_accept(d, &pkt));
	tu_eth(&f, tu_mac, peer, 0x8100);
	tu_put8(&f, 0);
	tu_pkt(&pkt, &iov, &f);
	assert_false(vnet_filter_accept(d, &pkt));
	assert_int_equal(d->stats.rx_drop_runt, 2);
	tu_dev_free(d);
}

/* After reset promiscuous mode is on (a driver that never sends RX
 * commands still receives). */
static void test_default_promisc(void **state)
{
	struct vnet_dev *d = tu_dev(FILTER_FEATURES);

	(void)state;
	assert_true(accept_to(d, other));
	assert_true(accept_vlan(d, other, 3));
	tu_dev_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unicast_and_tables),
		cmocka_unit_test(test_addr_set_moves_default),
		cmocka_unit_test(test_promisc_overrides),
		cmocka_unit_test(test_multicast_modes),
		cmocka_unit_test(test_unicast_modes),
		cmocka_unit_test(test_nobcast),
		cmocka_unit_test(test_table_overflow_accepts_all),
		cmocka_unit_test(test_vlan_filter),
		cmocka_unit_test(test_no_features_no_filter),
		cmocka_unit_test(test_runts),
		cmocka_unit_test(test_default_promisc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
