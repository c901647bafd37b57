// SPDX-License-Identifier: MIT
/* test_ctrl.c - every control command, its ack, and every bad form of it */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dev_snap.h"
#include "test_util.h"

/*
 * Each test names the spec statement it checks (virtio 1.4 network device
 * section, or the baseline where they agree). A refused command must leave
 * the device as it was: snap() records every bit of driver-visible state
 * (counters aside) and same() compares.
 */

static struct dev_snap *snap(const struct vnet_dev *d)
{
	struct dev_snap *s = malloc(sizeof(*s));

	assert_non_null(s);
	assert_true(dev_snap_take(d, s));
	return s;
}

/* @d is exactly as when @before was taken. */
static void same(const struct vnet_dev *d, struct dev_snap *before)
{
	struct dev_snap *now = snap(d);

	assert_memory_equal(&now->d, &before->d, sizeof(now->d));
	assert_memory_equal(now, before, sizeof(*now));
	free(now);
	free(before);
}

/* Refused, for the reason @counter counts, with nothing changed. */
#define assert_refused(d, cmd, counter) do {				\
	struct dev_snap *s_ = snap(d);					\
	uint64_t n_ = (d)->stats.counter;				\
	assert_int_equal(tu_exec(d, cmd), VNET_CTRL_ERR);		\
	assert_int_equal((d)->stats.counter, n_ + 1);			\
	same(d, s_);							\
} while (0)

/* ---- the control queue itself ---- */

/* "Control Virtqueue": commands need CTRL_VQ; a buffer without class and
 * command, an unknown class or an unknown command is refused. */
static void test_framing(void **state)
{
	struct vnet_dev *d = tu_dev("version_1");
	struct tu_cmd c = { .big = 0 };

	(void)state;
	tu_cmd_start(&c, VNET_CTRL_RX, VNET_CTRL_RX_PROMISC);
	tu_u8(&c, 0);
	assert_refused(d, &c, ctrl_err_no_ctrl_vq);
	tu_dev_free(d);

	d = tu_dev(TU_ALL_CTRL);
	c.len = 1;
	assert_refused(d, &c, ctrl_err_truncated);
	c.len = 0;
	assert_refused(d, &c, ctrl_err_truncated);
	tu_cmd_start(&c, 99, 0);
	assert_refused(d, &c, ctrl_err_unknown);
	tu_cmd_start(&c, VNET_CTRL_RX, 6);
	tu_u8(&c, 1);
	assert_refused(d, &c, ctrl_err_unknown);
	tu_cmd_start(&c, 9, 0);			/* RSS context: not offered */
	assert_refused(d, &c, ctrl_err_unknown);
	tu_dev_free(d);
}

/* ---- RX class ---- */

static bool *mode(struct vnet_dev *d, uint8_t cmd)
{
	bool *flags[] = { &d->rx.promisc, &d->rx.allmulti, &d->rx.alluni,
			  &d->rx.nomulti, &d->rx.nouni, &d->rx.nobcast };

	return flags[cmd];
}

/* "Packet Receive Filtering", device-normative: with CTRL_RX the device
 * MUST support PROMISC and ALLMULTI; with CTRL_RX_EXTRA, ALLUNI, NOMULTI,
 * NOUNI, NOBCAST. Each takes one byte, 0 (off) or 1 (on). */
/* conformance: NET-RXF-01, NET-RXF-05 */
static void test_rx_modes(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	uint8_t cmd, other;

	(void)state;
	for (cmd = 0; cmd <= VNET_CTRL_RX_NOBCAST; cmd++) {
		struct vnet_rx_mode before;

		assert_int_equal(tu_ctrl_u8(d, VNET_CTRL_RX, cmd, 1),
				 VNET_CTRL_OK);
		assert_true(*mode(d, cmd));
		before = d->rx;
		assert_int_equal(tu_ctrl_u8(d, VNET_CTRL_RX, cmd, 0),
				 VNET_CTRL_OK);
		assert_false(*mode(d, cmd));
		/* only this mode changed */
		for (other = 0; other <= VNET_CTRL_RX_NOBCAST; other++) {
			struct vnet_dev tmp;

			if (other == cmd)
				continue;
			tmp.rx = before;
			assert_int_equal(*mode(d, other), *mode(&tmp, other));
		}
	}
	tu_dev_free(d);
}

/* The byte is 0 or 1; anything else, or a length other than 1, is a
 * malformed command: VIRTIO_NET_ERR and no change. */
static void test_rx_bad_forms(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };

	(void)state;
	tu_cmd_start(&c, VNET_CTRL_RX, VNET_CTRL_RX_PROMISC);
	tu_u8(&c, 2);
	assert_refused(d, &c, ctrl_err_value);
	tu_cmd_start(&c, VNET_CTRL_RX, VNET_CTRL_RX_NOBCAST);
	tu_u8(&c, 0xff);
	assert_refused(d, &c, ctrl_err_value);
	tu_cmd_start(&c, VNET_CTRL_RX, VNET_CTRL_RX_ALLMULTI);
	assert_refused(d, &c, ctrl_err_len);		/* no byte */
	tu_u8(&c, 1);
	tu_u8(&c, 0);
	assert_refused(d, &c, ctrl_err_len);		/* two bytes */
	tu_dev_free(d);
}

/* "Packet Receive Filtering", driver-normative: no PROMISC/ALLMULTI
 * without CTRL_RX, no ALLUNI/NOMULTI/NOUNI/NOBCAST without CTRL_RX_EXTRA;
 * the device answers such commands VIRTIO_NET_ERR. */
/* conformance: D-RXF-01 */
static void test_rx_feature_gates(void **state)
{
	struct vnet_dev *d = tu_dev("version_1,ctrl_vq,ctrl_rx");
	struct tu_cmd c = { .big = 0 };
	uint8_t cmd;

	(void)state;
	for (cmd = VNET_CTRL_RX_ALLUNI; cmd <= VNET_CTRL_RX_NOBCAST; cmd++) {
		tu_cmd_start(&c, VNET_CTRL_RX, cmd);
		tu_u8(&c, 1);
		assert_refused(d, &c, ctrl_err_feature);
	}
	tu_dev_free(d);
	d = tu_dev("version_1,ctrl_vq,ctrl_vlan");
	for (cmd = VNET_CTRL_RX_PROMISC; cmd <= VNET_CTRL_RX_ALLMULTI; cmd++) {
		tu_cmd_start(&c, VNET_CTRL_RX, cmd);
		tu_u8(&c, 0);
		assert_refused(d, &c, ctrl_err_feature);
	}
	tu_dev_free(d);
}

/* ---- MAC class ---- */

static const uint8_t uni_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t uni_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t mc_a[6] = { 0x01, 0x00, 0x5e, 0, 0, 0x01 };
static const uint8_t mc_b[6] = { 0x33, 0x33, 0, 0, 0, 0x01 };
static const uint8_t mc_c[6] = { 0x01, 0x80, 0xc2, 0, 0, 0x0e };

static void mac_table_cmd(struct tu_cmd *c, uint32_t n1,
			  const uint8_t (*a1)[6], uint32_t n2,
			  const uint8_t (*a2)[6])
{
	uint32_t i;

	tu_cmd_start(c, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET);
	tu_le(c, n1, 4);
	for (i = 0; i < n1; i++)
		tu_bytes(c, a1[i], 6);
	tu_le(c, n2, 4);
	for (i = 0; i < n2; i++)
		tu_bytes(c, a2[i], 6);
}

/* "Setting MAC Address Filtering": TABLE_SET carries le32 count, unicast
 * addresses, le32 count, multicast addresses; the device MUST update the
 * table before it consumes the command. */
/* conformance: NET-MAC-02, D-MAC-02 */
static void test_mac_table_set(void **state)
{
	const uint8_t u[2][6] = { { 0x02, 0, 0, 0, 0, 0x0a },
				  { 0x02, 0, 0, 0, 0, 0x0b } };
	const uint8_t m[3][6] = { { 0x01, 0x00, 0x5e, 0, 0, 0x01 },
				  { 0x33, 0x33, 0, 0, 0, 0x01 },
				  { 0x01, 0x80, 0xc2, 0, 0, 0x0e } };
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };

	(void)state;
	mac_table_cmd(&c, 2, u, 3, m);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->uni.count, 2);
	assert_int_equal(d->multi.count, 3);
	assert_memory_equal(d->uni.addr[0], uni_a, 6);
	assert_memory_equal(d->uni.addr[1], uni_b, 6);
	assert_memory_equal(d->multi.addr[0], mc_a, 6);
	assert_memory_equal(d->multi.addr[1], mc_b, 6);
	assert_memory_equal(d->multi.addr[2], mc_c, 6);
	assert_false(d->uni.overflow || d->multi.overflow);
	/* "Either number MAY be 0": empty tables */
	mac_table_cmd(&c, 0, NULL, 0, NULL);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->uni.count, 0);
	assert_int_equal(d->multi.count, 0);
	tu_dev_free(d);
}

/* Footnote of "Setting MAC Address Filtering": given too many addresses
 * the device can silently switch to all-unicast / all-multicast. */
static void test_mac_table_overflow(void **state)
{
	uint8_t many[TU_MAC_MAX + 1][6];
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };
	unsigned int i;

	(void)state;
	for (i = 0; i <= TU_MAC_MAX; i++) {
		memcpy(many[i], uni_a, 6);
		many[i][5] = (uint8_t)i;
	}
	mac_table_cmd(&c, TU_MAC_MAX + 1, (const uint8_t (*)[6])many, 1,
		      (const uint8_t (*)[6])mc_a);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_true(d->uni.overflow);
	assert_false(d->multi.overflow);
	assert_int_equal(d->multi.count, 1);
	assert_int_equal(d->stats.mac_uni_overflow, 1);
	for (i = 0; i <= TU_MAC_MAX; i++)
		many[i][0] = 0x01;		/* now multicast */
	mac_table_cmd(&c, TU_MAC_MAX, (const uint8_t (*)[6])many,
		      TU_MAC_MAX + 1, (const uint8_t (*)[6])many);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_false(d->uni.overflow);
	assert_int_equal(d->uni.count, TU_MAC_MAX);
	assert_true(d->multi.overflow);
	assert_int_equal(d->stats.mac_multi_overflow, 1);
	tu_dev_free(d);
}

/* Entry counts are checked against the buffer before any copy. The
 * historical bug (QEMU, CVE-2014-0150): entries * 6 overflowing, so a huge
 * count passed the length check. Every bad form: ERR, tables unchanged. */
/* conformance: D-MAC-02 */
static void test_mac_table_bad_counts(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };

	(void)state;
	mac_table_cmd(&c, 1, (const uint8_t (*)[6])uni_a, 1,
		      (const uint8_t (*)[6])mc_a);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);

	/* 0x2aaaaaab * 6 wraps to 2 in 32 bits */
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET);
	tu_le(&c, 0x2aaaaaab, 4);
	tu_bytes(&c, uni_a, 6);
	tu_le(&c, 0, 4);
	assert_refused(d, &c, ctrl_err_mac_count);
	/* the largest count there is */
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET);
	tu_le(&c, 0xffffffff, 4);
	tu_le(&c, 0, 4);
	assert_refused(d, &c, ctrl_err_mac_count);
	/* unicast count one past the addresses there are */
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET);
	tu_le(&c, 2, 4);
	tu_bytes(&c, uni_a, 6);
	assert_refused(d, &c, ctrl_err_mac_count);
	/* multicast count one past */
	mac_table_cmd(&c, 1, (const uint8_t (*)[6])uni_a, 1,
		      (const uint8_t (*)[6])mc_a);
	c.b[2 + 4 + 6] = 2;
	assert_refused(d, &c, ctrl_err_mac_count);
	/* multicast count past 32 bits of room */
	mac_table_cmd(&c, 0, NULL, 0, NULL);
	c.b[2 + 4] = c.b[2 + 5] = c.b[2 + 6] = c.b[2 + 7] = 0xff;
	assert_refused(d, &c, ctrl_err_mac_count);
	/* second count missing, then cut in half */
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET);
	tu_le(&c, 1, 4);
	tu_bytes(&c, uni_a, 6);
	assert_refused(d, &c, ctrl_err_len);
	tu_le(&c, 0, 2);
	assert_refused(d, &c, ctrl_err_len);
	/* no first count at all */
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET);
	tu_le(&c, 0, 3);
	assert_refused(d, &c, ctrl_err_len);
	/* a byte after the multicast table */
	mac_table_cmd(&c, 1, (const uint8_t (*)[6])uni_b, 0, NULL);
	tu_u8(&c, 0);
	assert_refused(d, &c, ctrl_err_len);
	assert_int_equal(d->uni.count, 1);
	assert_memory_equal(d->uni.addr[0], uni_a, 6);
	tu_dev_free(d);
}

/* "If VIRTIO_NET_F_CTRL_RX has not been negotiated, the driver MUST NOT
 * issue VIRTIO_NET_CTRL_MAC class commands" (TABLE_SET). */
/* conformance: D-MAC-01 */
static void test_mac_table_feature_gate(void **state)
{
	struct vnet_dev *d = tu_dev("version_1,ctrl_vq,ctrl_mac_addr");
	struct tu_cmd c = { .big = 0 };

	(void)state;
	mac_table_cmd(&c, 0, NULL, 0, NULL);
	assert_refused(d, &c, ctrl_err_feature);
	tu_dev_free(d);
}

/* "The device MUST update mac in config space before it consumes the
 * VIRTIO_NET_CTRL_MAC_ADDR_SET command, if VIRTIO_NET_F_MAC has been
 * negotiated": the config read right after the call shows it. */
/* conformance: NET-MAC-03 */
static void test_mac_addr_set(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };
	uint8_t cfg[6];

	(void)state;
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_ADDR_SET);
	tu_bytes(&c, uni_b, 6);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(vnet_config_read(d, VNET_CONFIG_MAC, cfg, 6), 0);
	assert_memory_equal(cfg, uni_b, 6);
	assert_memory_equal(d->mac, uni_b, 6);
	tu_dev_free(d);
}

/* ADDR_SET: exactly 6 bytes; a multicast or all-zero default address is
 * refused; CTRL_MAC_ADDR must be negotiated. */
static void test_mac_addr_bad_forms(void **state)
{
	static const uint8_t zero[6];
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };

	(void)state;
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_ADDR_SET);
	tu_bytes(&c, mc_a, 6);
	assert_refused(d, &c, ctrl_err_mac);
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_ADDR_SET);
	tu_bytes(&c, zero, 6);
	assert_refused(d, &c, ctrl_err_mac);
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_ADDR_SET);
	tu_bytes(&c, uni_a, 5);
	assert_refused(d, &c, ctrl_err_len);
	tu_bytes(&c, uni_a, 2);
	assert_refused(d, &c, ctrl_err_len);
	tu_dev_free(d);
	d = tu_dev("version_1,ctrl_vq,ctrl_rx");
	tu_cmd_start(&c, VNET_CTRL_MAC, VNET_CTRL_MAC_ADDR_SET);
	tu_bytes(&c, uni_a, 6);
	assert_refused(d, &c, ctrl_err_feature);
	tu_dev_free(d);
}

/* ---- VLAN class ---- */

static bool vlan_set(const struct vnet_dev *d, unsigned int vid)
{
	return d->vlan[vid / 32] & (1u << (vid % 32));
}

/* "VLAN Filtering": ADD and DEL take a 16-bit VLAN id; the table starts
 * empty when CTRL_VLAN is negotiated. */
static void test_vlan_add_del(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	unsigned int vid;

	(void)state;
	for (vid = 0; vid < VNET_VLAN_IDS; vid++)
		assert_false(vlan_set(d, vid));
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD, 100),
			 VNET_CTRL_OK);
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD, 0),
			 VNET_CTRL_OK);
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD,
				     4095), VNET_CTRL_OK);
	assert_true(vlan_set(d, 100) && vlan_set(d, 0) && vlan_set(d, 4095));
	assert_false(vlan_set(d, 101) || vlan_set(d, 99));
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_VLAN, VNET_CTRL_VLAN_DEL, 100),
			 VNET_CTRL_OK);
	assert_false(vlan_set(d, 100));
	assert_true(vlan_set(d, 0) && vlan_set(d, 4095));
	/* deleting an absent id is no error */
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_VLAN, VNET_CTRL_VLAN_DEL, 7),
			 VNET_CTRL_OK);
	tu_dev_free(d);
}

/* A VLAN id is 12 bits: 4096 and above are refused; the data is exactly
 * two bytes; CTRL_VLAN must be negotiated. */
static void test_vlan_bad_forms(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };

	(void)state;
	tu_cmd_start(&c, VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD);
	tu_le(&c, 4096, 2);
	assert_refused(d, &c, ctrl_err_value);
	tu_cmd_start(&c, VNET_CTRL_VLAN, VNET_CTRL_VLAN_DEL);
	tu_le(&c, 0xffff, 2);
	assert_refused(d, &c, ctrl_err_value);
	tu_cmd_start(&c, VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD);
	tu_u8(&c, 5);
	assert_refused(d, &c, ctrl_err_len);
	tu_le(&c, 0, 2);
	assert_refused(d, &c, ctrl_err_len);
	tu_dev_free(d);
	d = tu_dev("version_1,ctrl_vq,ctrl_rx");
	tu_cmd_start(&c, VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD);
	tu_le(&c, 5, 2);
	assert_refused(d, &c, ctrl_err_feature);
	tu_dev_free(d);
}

/* ---- ANNOUNCE ---- */

/* "Gratuitous Packet Sending", device-normative: the device MUST clear
 * VIRTIO_NET_S_ANNOUNCE upon receipt of ANNOUNCE_ACK before marking the
 * buffer as used: the status read right after the call has it clear. */
/* conformance: NET-ANN-01 */
static void test_announce_ack(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };
	uint8_t st[2];

	(void)state;
	assert_int_equal(vnet_dev_announce(d), 1);
	assert_int_equal(vnet_config_read(d, VNET_CONFIG_STATUS, st, 2), 0);
	assert_int_equal(st[0] & VNET_S_ANNOUNCE, VNET_S_ANNOUNCE);
	tu_cmd_start(&c, VNET_CTRL_ANNOUNCE, VNET_CTRL_ANNOUNCE_ACK);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(vnet_config_read(d, VNET_CONFIG_STATUS, st, 2), 0);
	assert_int_equal(st[0] & VNET_S_ANNOUNCE, 0);
	/* a second ack: the bit is clear, as asked */
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	/* no data is expected */
	assert_int_equal(vnet_dev_announce(d), 1);
	tu_u8(&c, 0);
	assert_refused(d, &c, ctrl_err_len);
	assert_true(d->status & VNET_S_ANNOUNCE);
	tu_dev_free(d);
	d = tu_dev("version_1,status,ctrl_vq,ctrl_rx");
	tu_cmd_start(&c, VNET_CTRL_ANNOUNCE, VNET_CTRL_ANNOUNCE_ACK);
	assert_refused(d, &c, ctrl_err_feature);
	assert_int_equal(vnet_dev_announce(d), -EOPNOTSUPP);
	tu_dev_free(d);
}

/* ---- MQ class ---- */

/* "Automatic receive steering in multiqueue mode": VQ_PAIRS_SET takes
 * 1..max_virtqueue_pairs; 1 disables multiqueue (the default). */
static void test_mq_pairs_set(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);

	(void)state;
	assert_int_equal(d->pairs, 1);
	assert_int_equal(d->mq, VNET_MQ_SINGLE);
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET,
				     TU_MAX_PAIRS), VNET_CTRL_OK);
	assert_int_equal(d->pairs, TU_MAX_PAIRS);
	assert_int_equal(d->mq, VNET_MQ_AUTO);
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET,
				     1), VNET_CTRL_OK);
	assert_int_equal(d->pairs, 1);
	assert_int_equal(d->mq, VNET_MQ_SINGLE);
	tu_dev_free(d);
}

/* Driver-normative: "MUST NOT request a virtqueue_pairs of 0 or greater
 * than max_virtqueue_pairs". The historical bug: a zero or oversized count
 * accepted. The device refuses both, and 0x8001 past the spec's maximum. */
/* conformance: D-MQ-01 */
static void test_mq_pairs_bad(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };
	static const unsigned int bad[] = { 0, TU_MAX_PAIRS + 1, 0x8000,
					    0x8001, 0xffff };
	size_t i;

	(void)state;
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET,
				     2), VNET_CTRL_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tu_cmd_start(&c, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET);
		tu_le(&c, bad[i], 2);
		assert_refused(d, &c, ctrl_err_pairs);
	}
	assert_int_equal(d->pairs, 2);
	tu_cmd_start(&c, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET);
	tu_le(&c, 2, 3);
	assert_refused(d, &c, ctrl_err_len);
	tu_dev_free(d);
	d = tu_dev("version_1,ctrl_vq,rss");
	tu_cmd_start(&c, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET);
	tu_le(&c, 2, 2);
	assert_refused(d, &c, ctrl_err_feature);	/* MQ not negotiated */
	tu_dev_free(d);
}

/* "Setting RSS parameters": the configuration as sent is the one used;
 * max_tx_vq becomes the number of pairs in use. */
/* conformance: NET-HASH-02 */
static void test_rss_config(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };
	unsigned int i;

	(void)state;
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4 | VNET_HASH_TYPE_IPV6, 128, 3, 2);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->mq, VNET_MQ_RSS);
	assert_int_equal(d->pairs, 3);
	assert_int_equal(d->rss.types, VNET_HASH_TYPE_TCPV4 | VNET_HASH_TYPE_IPV6);
	assert_int_equal(d->rss.indir_mask, 127);
	assert_int_equal(d->rss.unclassified, 2);
	for (i = 0; i < 128; i++)
		assert_int_equal(d->rss.indir[i], i % 3);
	assert_int_equal(d->rss.key_len, 40);
	assert_memory_equal(d->rss.key, tu_ms_key, 40);
	/* the smallest table, one entry */
	tu_rss_cmd(&c, VNET_HASH_TYPE_IPV4, 1, 1, 0);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->rss.indir_mask, 0);
	assert_int_equal(d->pairs, 1);
	/* no types and no key: every packet unclassified */
	tu_cmd_start(&c, VNET_CTRL_MQ, VNET_CTRL_MQ_RSS_CONFIG);
	tu_le(&c, 0, 4);
	tu_le(&c, 0, 2);
	tu_le(&c, 1, 2);
	tu_le(&c, 0, 2);
	tu_le(&c, 2, 2);
	tu_u8(&c, 0);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->rss.types, 0);
	assert_int_equal(d->rss.unclassified, 1);
	tu_dev_free(d);
}

/* Driver-normative MUSTs of "Setting RSS parameters" that the device
 * enforces: table size a power of two and within the maximum, queue ids
 * of enabled queues only (the historical bug: indexes beyond the enabled
 * queues accepted), supported hash types only; and a key within
 * rss_max_key_size, the reserved bit of rss_rq_id clear. Each refused with
 * the previous configuration kept. */
/* conformance: D-RSS-01, D-RSS-02, D-RSS-03, D-RSS-04 */
static void test_rss_config_bad(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct vnet_dev_params p = tu_params(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };

	(void)state;
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 64, 2, 1);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);

	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 3, 2, 0);	/* 3 entries */
	assert_refused(d, &c, ctrl_err_indir_size);
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 96, 2, 0);
	assert_refused(d, &c, ctrl_err_indir_size);
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 256, 2, 0);	/* > 128 */
	assert_refused(d, &c, ctrl_err_indir_size);
	/* an entry naming queue 2 with max_tx_vq 2 */
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 128, 2, 0);
	c.b[2 + 8 + 2 * 77] = 2;
	assert_refused(d, &c, ctrl_err_rss_queue);
	/* the reserved top bit of rss_rq_id */
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 128, 2, 0);
	c.b[2 + 8 + 2 * 5 + 1] = 0x80;
	assert_refused(d, &c, ctrl_err_rss_queue);
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 128, 2, 2);	/* unclassified */
	assert_refused(d, &c, ctrl_err_rss_queue);
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 128, TU_MAX_PAIRS + 1, 0);
	assert_refused(d, &c, ctrl_err_pairs);	/* max_tx_vq past max */
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 128, 2, 0);
	c.b[2 + 8 + 256] = c.b[2 + 8 + 257] = 0;	/* max_tx_vq 0 */
	assert_refused(d, &c, ctrl_err_pairs);
	tu_rss_cmd(&c, 1u << 9, 128, 2, 0);		/* no such type */
	assert_refused(d, &c, ctrl_err_hash_types);
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 128, 2, 0);
	c.b[2 + 8 + 256 + 2] = 0;	/* key length 0, 40 bytes follow */
	assert_refused(d, &c, ctrl_err_len);
	c.len -= 40;			/* key length 0 with types */
	assert_refused(d, &c, ctrl_err_key);
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 128, 2, 0);
	c.b[2 + 8 + 256 + 2] = 41;	/* longer than rss_max_key_size */
	tu_u8(&c, 0);
	assert_refused(d, &c, ctrl_err_key);
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 128, 2, 0);
	c.len--;			/* key cut short */
	assert_refused(d, &c, ctrl_err_len);
	c.len = 2 + 8 + 100;		/* table cut short */
	assert_refused(d, &c, ctrl_err_len);
	c.len = 2 + 7;			/* header cut short */
	assert_refused(d, &c, ctrl_err_len);
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 128, 2, 0);
	tu_u8(&c, 0);			/* a byte past the key */
	assert_refused(d, &c, ctrl_err_len);
	assert_int_equal(d->rss.indir_mask, 63);
	assert_int_equal(d->rss.unclassified, 1);
	tu_dev_free(d);

	/* a device supporting fewer types refuses the others */
	p.hash_types = VNET_HASH_TYPE_IPV4 | VNET_HASH_TYPE_TCPV4;
	d = tu_dev_params(&p, TU_ALL_CTRL);
	tu_rss_cmd(&c, VNET_HASH_TYPE_IPV4 | VNET_HASH_TYPE_UDPV4, 128, 2, 0);
	assert_refused(d, &c, ctrl_err_hash_types);
	tu_dev_free(d);

	d = tu_dev("version_1,ctrl_vq,mq");		/* no RSS */
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 128, 2, 0);
	assert_refused(d, &c, ctrl_err_feature);
	tu_dev_free(d);
}

static void hash_cfg_cmd(struct tu_cmd *c, uint32_t types, uint8_t key_len)
{
	tu_cmd_start(c, VNET_CTRL_MQ, VNET_CTRL_MQ_HASH_CONFIG);
	tu_le(c, types, 4);
	tu_le(c, 0, 8);
	tu_u8(c, key_len);
	tu_bytes(c, tu_ms_key, key_len);
}

#define HASH_ONLY "version_1,ctrl_vq,mq,hash_report,hash_tunnel"

/* "Hash calculation" (automatic steering): HASH_CONFIG sets hash types and
 * key; "Initially the device has all hash types disabled". */
/* conformance: NET-HASH-01, NET-MQ-08 */
static void test_hash_config(void **state)
{
	struct vnet_dev *d = tu_dev(HASH_ONLY);
	struct tu_cmd c = { .big = 0 };

	(void)state;
	assert_int_equal(d->hash.types, 0);
	hash_cfg_cmd(&c, VNET_HASH_TYPE_UDPV6 | VNET_HASH_TYPE_IPV4, 40);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->hash.types,
			 VNET_HASH_TYPE_UDPV6 | VNET_HASH_TYPE_IPV4);
	assert_int_equal(d->hash.key_len, 40);
	assert_memory_equal(d->hash.key, tu_ms_key, 40);
	/* steering mode is not changed by it */
	assert_int_equal(d->mq, VNET_MQ_SINGLE);
	tu_dev_free(d);
}

/* "Field reserved MUST contain zeroes"; types supported only; key within
 * rss_max_key_size and as long as it says; HASH_REPORT negotiated and RSS
 * not (with RSS, RSS_CONFIG's parameters are the ones used). */
/* conformance: D-HASH-01 */
static void test_hash_config_bad(void **state)
{
	struct vnet_dev *d = tu_dev(HASH_ONLY);
	struct tu_cmd c = { .big = 0 };

	(void)state;
	hash_cfg_cmd(&c, VNET_HASH_TYPE_IPV4, 40);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	hash_cfg_cmd(&c, VNET_HASH_TYPE_TCPV4, 40);
	c.b[2 + 4 + 7] = 1;
	assert_refused(d, &c, ctrl_err_reserved);
	hash_cfg_cmd(&c, 1u << 12, 40);
	assert_refused(d, &c, ctrl_err_hash_types);
	hash_cfg_cmd(&c, VNET_HASH_TYPE_TCPV4, 40);
	c.b[2 + 12] = 41;
	tu_u8(&c, 0);
	assert_refused(d, &c, ctrl_err_key);
	hash_cfg_cmd(&c, VNET_HASH_TYPE_TCPV4, 40);
	c.len--;
	assert_refused(d, &c, ctrl_err_len);
	c.len = 2 + 12;
	assert_refused(d, &c, ctrl_err_len);
	hash_cfg_cmd(&c, VNET_HASH_TYPE_TCPV4, 0);
	assert_refused(d, &c, ctrl_err_key);
	assert_int_equal(d->hash.types, VNET_HASH_TYPE_IPV4);
	tu_dev_free(d);
	d = tu_dev(TU_ALL_CTRL);
	hash_cfg_cmd(&c, VNET_HASH_TYPE_IPV4, 40);
	assert_refused(d, &c, ctrl_err_feature);
	tu_dev_free(d);
	d = tu_dev("version_1,ctrl_vq,mq");
	hash_cfg_cmd(&c, VNET_HASH_TYPE_IPV4, 40);
	assert_refused(d, &c, ctrl_err_feature);
	tu_dev_free(d);
}

/* "Device operation in multiqueue mode": "If more than one multiqueue mode
 * is negotiated, the resulting device configuration is defined by the last
 * command sent by the driver." */
static void test_mq_last_command_wins(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };

	(void)state;
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 128, 4, 0);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->mq, VNET_MQ_RSS);
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET,
				     3), VNET_CTRL_OK);
	assert_int_equal(d->mq, VNET_MQ_AUTO);
	assert_int_equal(d->pairs, 3);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->mq, VNET_MQ_RSS);
	assert_int_equal(d->pairs, 4);
	tu_dev_free(d);
}

/* "Inner Header Hash": HASH_TUNNEL_SET sets enabled_tunnel_types, 0 at
 * first; bits not in supported_tunnel_types SHOULD be answered
 * VIRTIO_NET_ERR; the driver MUST have negotiated HASH_TUNNEL. */
/* conformance: NET-IHH-02, NET-IHH-03, D-IHH-01 */
static void test_hash_tunnel_set(void **state)
{
	struct vnet_dev_params p = tu_params(TU_ALL_CTRL);
	struct vnet_dev *d;
	struct tu_cmd c = { .big = 0 };

	(void)state;
	p.tunnel_types = VNET_HASH_TUNNEL_VXLAN | VNET_HASH_TUNNEL_GENEVE;
	d = tu_dev_params(&p, TU_ALL_CTRL);
	assert_int_equal(d->tunnel_types, 0);
	tu_cmd_start(&c, VNET_CTRL_HASH_TUNNEL, VNET_CTRL_HASH_TUNNEL_SET);
	tu_le(&c, VNET_HASH_TUNNEL_VXLAN, 4);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->tunnel_types, VNET_HASH_TUNNEL_VXLAN);
	tu_cmd_start(&c, VNET_CTRL_HASH_TUNNEL, VNET_CTRL_HASH_TUNNEL_SET);
	tu_le(&c, VNET_HASH_TUNNEL_VXLAN | VNET_HASH_TUNNEL_GRE_2784, 4);
	assert_refused(d, &c, ctrl_err_tunnel_types);
	tu_cmd_start(&c, VNET_CTRL_HASH_TUNNEL, VNET_CTRL_HASH_TUNNEL_SET);
	tu_le(&c, 0, 3);
	assert_refused(d, &c, ctrl_err_len);
	tu_cmd_start(&c, VNET_CTRL_HASH_TUNNEL, VNET_CTRL_HASH_TUNNEL_SET);
	tu_le(&c, 0, 4);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);	/* disables it */
	assert_int_equal(d->tunnel_types, 0);
	tu_dev_free(d);
	d = tu_dev("version_1,ctrl_vq,rss");
	tu_cmd_start(&c, VNET_CTRL_HASH_TUNNEL, VNET_CTRL_HASH_TUNNEL_SET);
	tu_le(&c, 0, 4);
	assert_refused(d, &c, ctrl_err_feature);
	tu_dev_free(d);
}

/* ---- GUEST_OFFLOADS ---- */

static uint64_t offloads_of(const struct vnet_dev *d)
{
	return vnet_features_to_guest_offloads(&d->guest_offloads,
					       VNET_PROFILE_STANDARD);
}

/* "Setting Offloads State": "Upon feature negotiation corresponding
 * offload gets enabled"; SET enables the bits set and disables the others;
 * "A driver MUST NOT enable an offload for which the appropriate feature
 * has not been negotiated" - the device refuses, keeping the old set. */
/* conformance: D-OFF-01 */
static void test_guest_offloads(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };
	const uint64_t csum = 1ull << 1, tso4 = 1ull << 7, tso6 = 1ull << 8;

	(void)state;
	assert_true(offloads_of(d) == (csum | tso4));
	tu_cmd_start(&c, VNET_CTRL_GUEST_OFFLOADS, VNET_CTRL_GUEST_OFFLOADS_SET);
	tu_le(&c, csum, 8);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_true(offloads_of(d) == csum);
	assert_false(vnet_features_has(&d->guest_offloads, VNET_F_GUEST_TSO4));
	tu_cmd_start(&c, VNET_CTRL_GUEST_OFFLOADS, VNET_CTRL_GUEST_OFFLOADS_SET);
	tu_le(&c, 0, 8);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_true(offloads_of(d) == 0);
	tu_cmd_start(&c, VNET_CTRL_GUEST_OFFLOADS, VNET_CTRL_GUEST_OFFLOADS_SET);
	tu_le(&c, csum | tso4, 8);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	/* not negotiated */
	tu_cmd_start(&c, VNET_CTRL_GUEST_OFFLOADS, VNET_CTRL_GUEST_OFFLOADS_SET);
	tu_le(&c, csum | tso6, 8);
	assert_refused(d, &c, ctrl_err_offloads);
	/* not a guest offload at all (bit 0 is CSUM, a host offload) */
	tu_cmd_start(&c, VNET_CTRL_GUEST_OFFLOADS, VNET_CTRL_GUEST_OFFLOADS_SET);
	tu_le(&c, 1, 8);
	assert_refused(d, &c, ctrl_err_offloads);
	tu_cmd_start(&c, VNET_CTRL_GUEST_OFFLOADS, VNET_CTRL_GUEST_OFFLOADS_SET);
	tu_le(&c, csum, 7);
	assert_refused(d, &c, ctrl_err_len);
	assert_true(offloads_of(d) == (csum | tso4));
	tu_dev_free(d);
	d = tu_dev("version_1,ctrl_vq,guest_csum");
	tu_cmd_start(&c, VNET_CTRL_GUEST_OFFLOADS, VNET_CTRL_GUEST_OFFLOADS_SET);
	tu_le(&c, csum, 8);
	assert_refused(d, &c, ctrl_err_feature);
	tu_dev_free(d);
}

/* ---- NOTF_COAL ---- */

static void coal_cmd(struct tu_cmd *c, uint8_t cmd, uint32_t pk, uint32_t us)
{
	tu_cmd_start(c, VNET_CTRL_NOTF_COAL, cmd);
	tu_le(c, pk, 4);
	tu_le(c, us, 4);
}

static void coal_vq_cmd(struct tu_cmd *c, uint16_t vq, uint32_t pk,
			uint32_t us)
{
	tu_cmd_start(c, VNET_CTRL_NOTF_COAL, VNET_CTRL_NOTF_COAL_VQ_SET);
	tu_le(c, vq, 2);
	tu_le(c, 0xbeef, 2);	/* reserved: "The device MUST ignore" it */
	tu_le(c, pk, 4);
	tu_le(c, us, 4);
}

static int coal_get(struct vnet_dev *d, uint16_t vq, uint32_t *pk,
		    uint32_t *us)
{
	struct tu_cmd c = { .big = 0 };
	uint8_t res[8];
	size_t used = 99;
	int ack;

	tu_cmd_start(&c, VNET_CTRL_NOTF_COAL, VNET_CTRL_NOTF_COAL_VQ_GET);
	tu_le(&c, vq, 2);
	tu_le(&c, 0, 2);
	ack = vnet_ctrl_exec(d, c.b, c.len, res, sizeof(res), &used);
	if (ack != VNET_CTRL_OK) {
		assert_int_equal(used, 0);
		return ack;
	}
	assert_int_equal(used, 8);
	*pk = (uint32_t)res[0] | (uint32_t)res[1] << 8 |
	      (uint32_t)res[2] << 16 | (uint32_t)res[3] << 24;
	*us = (uint32_t)res[4] | (uint32_t)res[5] << 8 |
	      (uint32_t)res[6] << 16 | (uint32_t)res[7] << 24;
	return ack;
}

/* "Notifications Coalescing": TX_SET sets every transmit queue, RX_SET
 * every receive queue; "Upon reset, a device MUST initialize all
 * coalescing parameters to 0". */
/* conformance: NET-COAL-09 */
static void test_coal_tx_rx_set(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };
	unsigned int vq;

	(void)state;
	for (vq = 0; vq < 2 * TU_MAX_PAIRS; vq++) {
		assert_int_equal(d->coal[vq].params.max_packets, 0);
		assert_int_equal(d->coal[vq].params.max_usecs, 0);
	}
	coal_cmd(&c, VNET_CTRL_NOTF_COAL_TX_SET, 15, 10);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	coal_cmd(&c, VNET_CTRL_NOTF_COAL_RX_SET, 64, 200);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	for (vq = 0; vq < 2 * TU_MAX_PAIRS; vq++) {
		assert_int_equal(d->coal[vq].params.max_packets,
				 vq % 2 ? 15 : 64);
		assert_int_equal(d->coal[vq].params.max_usecs,
				 vq % 2 ? 10 : 200);
	}
	vnet_dev_reset(d);
	for (vq = 0; vq < 2 * TU_MAX_PAIRS; vq++) {
		assert_int_equal(d->coal[vq].params.max_packets, 0);
		assert_int_equal(d->coal[vq].params.max_usecs, 0);
	}
	tu_dev_free(d);
}

/* The six-command example of "Notifications Coalescing", two pairs: the
 * last parameters set for a queue apply, whatever command set them. */
/* conformance: NET-COAL-01 */
static void test_coal_spec_example(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };
	uint32_t pk, us;

	(void)state;
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET,
				     2), VNET_CTRL_OK);
	coal_cmd(&c, VNET_CTRL_NOTF_COAL_RX_SET, 1, 1);		/* command1 */
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	coal_vq_cmd(&c, 0, 2, 2);				/* command2 */
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(coal_get(d, 0, &pk, &us), VNET_CTRL_OK); /* command3 */
	assert_true(pk == 2 && us == 2);
	assert_int_equal(coal_get(d, 2, &pk, &us), VNET_CTRL_OK);
	assert_true(pk == 1 && us == 1);	/* index 2 keeps command1's */
	coal_vq_cmd(&c, 1, 4, 4);				/* command4 */
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(coal_get(d, 3, &pk, &us), VNET_CTRL_OK);
	assert_true(pk == 0 && us == 0);	/* index 3 keeps its own */
	coal_cmd(&c, VNET_CTRL_NOTF_COAL_TX_SET, 5, 5);		/* command5 */
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(coal_get(d, 1, &pk, &us), VNET_CTRL_OK); /* command6 */
	assert_true(pk == 5 && us == 5);
	assert_int_equal(coal_get(d, 3, &pk, &us), VNET_CTRL_OK);
	assert_true(pk == 5 && us == 5);
	tu_dev_free(d);
}

/* "The device MUST respond to the VIRTIO_NET_CTRL_NOTF_COAL_VQ_SET command
 * with VIRTIO_NET_ERR if it was not able to change the parameters": a
 * queue being disabled cannot take them, the command is refused and the
 * queue keeps its own; "Upon disabling and re-enabling a receive
 * virtqueue, the device MUST set the coalescing parameters of the
 * virtqueue to those configured through the VIRTIO_NET_CTRL_NOTF_COAL_RX_SET
 * command". */
/* conformance: NET-COAL-03, NET-COAL-06 */
static void test_coal_vq_refused_and_rx_reenable(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };
	uint32_t pk, us;

	(void)state;
	coal_cmd(&c, VNET_CTRL_NOTF_COAL_RX_SET, 3, 30);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	coal_vq_cmd(&c, 2, 9, 90);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(coal_get(d, 2, &pk, &us), VNET_CTRL_OK);
	assert_true(pk == 9 && us == 90);
	assert_int_equal(vnet_dev_queue_enable(d, 2, false), 0);
	coal_vq_cmd(&c, 2, 1, 1);
	assert_refused(d, &c, ctrl_err_vq);
	assert_int_equal(vnet_dev_queue_enable(d, 2, true), 0);
	assert_int_equal(coal_get(d, 2, &pk, &us), VNET_CTRL_OK);
	assert_true(pk == 3 && us == 30);		/* RX_SET's */
	assert_int_equal(coal_get(d, 0, &pk, &us), VNET_CTRL_OK);
	assert_true(pk == 3 && us == 30);		/* untouched */
	tu_dev_free(d);
}

/* "The device MUST respond to VQ_SET and VQ_GET with VIRTIO_NET_ERR if the
 * designated virtqueue is not an enabled transmit or receive virtqueue";
 * "Upon disabling and re-enabling a transmit virtqueue, the device MUST set
 * the coalescing parameters ... to those configured through TX_SET". */
/* conformance: NET-COAL-04, NET-COAL-05 */
static void test_coal_vq_bad_and_reenable(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };
	uint32_t pk, us;
	uint8_t res[4];

	(void)state;
	coal_vq_cmd(&c, 2 * TU_MAX_PAIRS, 1, 1);	/* the control queue */
	assert_refused(d, &c, ctrl_err_vq);
	coal_vq_cmd(&c, 0xffff, 1, 1);
	assert_refused(d, &c, ctrl_err_vq);
	assert_int_equal(vnet_dev_queue_enable(d, 3, false), 0);
	coal_vq_cmd(&c, 3, 1, 1);			/* disabled */
	assert_refused(d, &c, ctrl_err_vq);
	assert_int_equal(coal_get(d, 3, &pk, &us), VNET_CTRL_ERR);
	/* result room too small */
	tu_cmd_start(&c, VNET_CTRL_NOTF_COAL, VNET_CTRL_NOTF_COAL_VQ_GET);
	tu_le(&c, 1, 2);
	tu_le(&c, 0, 2);
	assert_int_equal(vnet_ctrl_exec(d, c.b, c.len, res, sizeof(res), NULL),
			 VNET_CTRL_ERR);
	assert_int_equal(d->stats.ctrl_err_result, 1);
	coal_vq_cmd(&c, 1, 1, 1);
	c.len--;
	assert_refused(d, &c, ctrl_err_len);

	/* re-enabling: TX_SET's parameters, or 0 */
	coal_cmd(&c, VNET_CTRL_NOTF_COAL_TX_SET, 7, 70);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	coal_vq_cmd(&c, 5, 9, 90);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	coal_vq_cmd(&c, 4, 9, 90);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(vnet_dev_queue_enable(d, 5, false), 0);
	assert_int_equal(vnet_dev_queue_enable(d, 5, true), 0);
	assert_int_equal(coal_get(d, 5, &pk, &us), VNET_CTRL_OK);
	assert_true(pk == 7 && us == 70);
	assert_int_equal(vnet_dev_queue_enable(d, 4, false), 0);
	assert_int_equal(vnet_dev_queue_enable(d, 4, true), 0);
	assert_int_equal(coal_get(d, 4, &pk, &us), VNET_CTRL_OK);
	assert_true(pk == 0 && us == 0);	/* no RX_SET ever: 0 */
	assert_int_equal(vnet_dev_queue_enable(d, 2 * TU_MAX_PAIRS, true),
			 -EINVAL);
	tu_dev_free(d);
}

/* "The driver MUST have negotiated NOTF_COAL when issuing TX_SET and
 * RX_SET", "VQ_NOTF_COAL when issuing VQ_SET and VQ_GET"; lengths exact. */
/* conformance: D-COAL-01 */
static void test_coal_feature_gates(void **state)
{
	struct vnet_dev *d = tu_dev("version_1,ctrl_vq,vq_notf_coal");
	struct tu_cmd c = { .big = 0 };

	(void)state;
	coal_cmd(&c, VNET_CTRL_NOTF_COAL_TX_SET, 1, 1);
	assert_refused(d, &c, ctrl_err_feature);
	coal_cmd(&c, VNET_CTRL_NOTF_COAL_RX_SET, 1, 1);
	assert_refused(d, &c, ctrl_err_feature);
	tu_dev_free(d);
	d = tu_dev("version_1,ctrl_vq,notf_coal");
	coal_vq_cmd(&c, 0, 1, 1);
	assert_refused(d, &c, ctrl_err_feature);
	coal_cmd(&c, VNET_CTRL_NOTF_COAL_RX_SET, 1, 1);
	tu_u8(&c, 0);
	assert_refused(d, &c, ctrl_err_len);
	tu_dev_free(d);
}

/* "The device SHOULD respond to TX_SET and RX_SET commands with
 * VIRTIO_NET_ERR if it was not able to change the parameters": a command
 * whose parameters cannot be read as its structure (one byte short, one
 * byte over) is answered ERR and no queue's parameters change
 * (assert_refused compares the whole device); the same parameters well
 * formed are then taken. */
/* conformance: NET-COAL-02 */
static void test_coal_set_unable(void **state)
{
	struct vnet_dev *d = tu_dev(TU_ALL_CTRL);
	struct tu_cmd c = { .big = 0 };
	static const uint8_t sets[] = { VNET_CTRL_NOTF_COAL_TX_SET,
					VNET_CTRL_NOTF_COAL_RX_SET };
	uint32_t pk, us;
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		coal_cmd(&c, sets[i], 7, 70);
		c.len--;			/* max_usecs cut short */
		assert_refused(d, &c, ctrl_err_len);
		coal_cmd(&c, sets[i], 7, 70);
		tu_u8(&c, 0);			/* a byte more */
		assert_refused(d, &c, ctrl_err_len);
		coal_cmd(&c, sets[i], 7, 70);
		assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
		assert_int_equal(coal_get(d, i == 0 ? 1 : 0, &pk, &us),
				 VNET_CTRL_OK);
		assert_true(pk == 7 && us == 70);
	}
	tu_dev_free(d);
}

/* ---- legacy byte order ---- */

#define LEGACY_ALL "mac,status,ctrl_vq,ctrl_rx,ctrl_vlan,mq,rss," \
	"notf_coal,vq_notf_coal,ctrl_guest_offloads,guest_csum,guest_tso4"

/* The "Legacy Interface" subsections: a legacy driver formats entries,
 * the VLAN id, virtqueue_pairs and offloads in its native byte order; the
 * device reads them so (here a big-endian guest). */
/* conformance: NET-MAC-L1, NET-VLAN-L1, NET-MQ-L1, NET-OFF-L1 */
static void test_legacy_big_endian(void **state)
{
	struct vnet_dev_params p = tu_params(LEGACY_ALL);
	struct vnet_dev *d;
	struct tu_cmd c = { .big = 1 };

	(void)state;
	p.legacy_endian = VNET_ENDIAN_BIG;
	d = tu_dev_params(&p, LEGACY_ALL);
	mac_table_cmd(&c, 1, (const uint8_t (*)[6])uni_a, 1,
		      (const uint8_t (*)[6])mc_a);
	assert_int_equal(c.b[2], 0);
	assert_int_equal(c.b[5], 1);		/* count big-endian on the wire */
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->uni.count, 1);
	assert_int_equal(d->multi.count, 1);
	tu_cmd_start(&c, VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD);
	tu_le(&c, 0x0123, 2);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_true(d->vlan[0x123 / 32] & (1u << (0x123 % 32)));
	tu_cmd_start(&c, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET);
	tu_le(&c, 3, 2);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->pairs, 3);
	tu_cmd_start(&c, VNET_CTRL_GUEST_OFFLOADS, VNET_CTRL_GUEST_OFFLOADS_SET);
	tu_le(&c, 1ull << 1, 8);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_true(offloads_of(d) == 1ull << 1);
	tu_rss_cmd(&c, VNET_HASH_TYPE_TCPV4, 128, 3, 2);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->rss.unclassified, 2);
	assert_int_equal(d->rss.indir[2], 2);
	assert_int_equal(d->rss.types, VNET_HASH_TYPE_TCPV4);
	coal_vq_cmd(&c, 1, 0x01020304, 0x0a0b0c0d);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->coal[1].params.max_packets, 0x01020304);
	assert_int_equal(d->coal[1].params.max_usecs, 0x0a0b0c0d);
	/* VQ_GET answers in the guest's order too */
	tu_cmd_start(&c, VNET_CTRL_NOTF_COAL, VNET_CTRL_NOTF_COAL_VQ_GET);
	tu_le(&c, 1, 2);
	tu_le(&c, 0, 2);
	{
		uint8_t res[8];
		size_t used = 0;

		assert_int_equal(vnet_ctrl_exec(d, c.b, c.len, res, 8, &used),
				 VNET_CTRL_OK);
		assert_int_equal(res[0], 0x01);
		assert_int_equal(res[3], 0x04);
		assert_int_equal(res[4], 0x0a);
	}
	tu_dev_free(d);
}

/* The same for HASH_CONFIG's types, HASH_TUNNEL_SET's mask and the
 * coalescing parameters of TX_SET, on a big-endian legacy guest. */
static void test_legacy_big_endian_hash(void **state)
{
	const char *f = "ctrl_vq,mq,hash_report,hash_tunnel,notf_coal";
	struct vnet_dev_params p = tu_params(f);
	struct vnet_dev *d;
	struct tu_cmd c = { .big = 1 };

	(void)state;
	p.legacy_endian = VNET_ENDIAN_BIG;
	d = tu_dev_params(&p, f);
	hash_cfg_cmd(&c, VNET_HASH_TYPE_UDPV6 | VNET_HASH_TYPE_IPV4, 40);
	assert_int_equal(c.b[5], VNET_HASH_TYPE_IPV4 | VNET_HASH_TYPE_UDPV6);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->hash.types,
			 VNET_HASH_TYPE_UDPV6 | VNET_HASH_TYPE_IPV4);
	tu_cmd_start(&c, VNET_CTRL_HASH_TUNNEL, VNET_CTRL_HASH_TUNNEL_SET);
	tu_le(&c, VNET_HASH_TUNNEL_NVGRE | VNET_HASH_TUNNEL_VXLAN, 4);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->tunnel_types,
			 VNET_HASH_TUNNEL_NVGRE | VNET_HASH_TUNNEL_VXLAN);
	coal_cmd(&c, VNET_CTRL_NOTF_COAL_TX_SET, 0x10000, 0x20);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_int_equal(d->coal[1].params.max_packets, 0x10000);
	assert_int_equal(d->coal[1].params.max_usecs, 0x20);
	tu_dev_free(d);
}

/* ---- device statistics (DEVICE_STATS) ---- */

#define STATS_ACCEPT TU_ALL_CTRL ",device_stats"
#define STATS_DATA_TYPES (VNET_STATS_TYPE_RX_BASIC | VNET_STATS_TYPE_RX_CSUM | \
	VNET_STATS_TYPE_RX_GSO | VNET_STATS_TYPE_TX_BASIC | \
	VNET_STATS_TYPE_TX_CSUM | VNET_STATS_TYPE_TX_GSO)

static unsigned int stats_reads;

/* The owner's counters: a value that names the queue, type and field. */
static void fake_stats(void *opaque, uint16_t vq, uint8_t type,
		       uint64_t *fields, unsigned int n)
{
	unsigned int i;

	(void)opaque;
	stats_reads++;
	for (i = 0; i < n; i++)
		fields[i] = (uint64_t)vq * 1000 + type * 10u + i;
	if (vq == 5 && type == 16)
		fields[0] = UINT64_MAX;		/* the owner's counter wrapped */
}

/* A device with DEVICE_STATS whose driver accepted @accept. */
static struct vnet_dev *stats_dev(const char *accept)
{
	struct vnet_dev_params p = tu_params(STATS_ACCEPT ",csum,host_tso4");

	p.stats_types = STATS_DATA_TYPES;
	p.stats_read = fake_stats;
	return tu_dev_params(&p, accept);
}

static void stats_entry(struct tu_cmd *c, uint16_t vq, uint64_t types)
{
	tu_le(c, vq, 2);
	tu_le(c, 0, 6);			/* reserved */
	tu_le(c, types, 8);
}

static uint64_t ld64le(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* One reply at @p: its header says @type, @vq and the size of @n counters. */
static const uint8_t *check_reply(const uint8_t *p, uint8_t type, uint16_t vq,
				  unsigned int n)
{
	assert_int_equal(p[0], type);
	assert_int_equal(p[2] | p[3] << 8, vq);
	assert_int_equal(p[6] | p[7] << 8, 8 + 8 * n);
	return p + 8;
}

/* conformance: NET-STATS-01 */
/* QUERY answers supported_stats_types: the control queue's, and the
 * owner's whose feature is negotiated (no CSUM, no HOST_TSO here). */
static void test_stats_query(void **state)
{
	struct vnet_dev *d = stats_dev(STATS_ACCEPT);
	struct tu_cmd c = { .big = 0 };
	uint8_t res[16];
	size_t used;

	(void)state;
	tu_cmd_start(&c, VNET_CTRL_STATS, VNET_CTRL_STATS_QUERY);
	assert_int_equal(vnet_ctrl_exec(d, c.b, c.len, res, sizeof(res), &used),
			 VNET_CTRL_OK);
	assert_int_equal(used, 8);
	assert_true(ld64le(res) == (VNET_STATS_TYPE_CVQ |
				    VNET_STATS_TYPE_RX_BASIC |
				    VNET_STATS_TYPE_RX_CSUM |
				    VNET_STATS_TYPE_RX_GSO |
				    VNET_STATS_TYPE_TX_BASIC));
	tu_dev_free(d);
	d = stats_dev(STATS_ACCEPT ",csum,host_tso4");
	assert_int_equal(vnet_ctrl_exec(d, c.b, c.len, res, sizeof(res), &used),
			 VNET_CTRL_OK);
	assert_true(ld64le(res) == (VNET_STATS_TYPE_CVQ | STATS_DATA_TYPES));
	/* no room for the answer; without the feature, no command */
	assert_int_equal(vnet_ctrl_exec(d, c.b, c.len, res, 7, &used),
			 VNET_CTRL_ERR);
	tu_dev_free(d);
	d = tu_dev(TU_ALL_CTRL);
	assert_refused(d, &c, ctrl_err_feature);
	tu_dev_free(d);
}

/* conformance: NET-STATS-04, NET-STATS-05, NET-STATS-07 */
/* GET: a reply per queue and type, in the order asked, each header with
 * its type, queue and size; the owner's counters as they are (wrapped
 * too); the control queue's counting this command and its success. */
static void test_stats_get(void **state)
{
	struct vnet_dev *d = stats_dev(STATS_ACCEPT);
	struct tu_cmd c = { .big = 0 };
	uint8_t res[512];
	const uint8_t *p = res;
	uint64_t cmds;
	size_t used;
	unsigned int i;

	(void)state;
	tu_cmd_start(&c, VNET_CTRL_STATS, VNET_CTRL_STATS_GET);
	stats_entry(&c, 0, VNET_STATS_TYPE_RX_BASIC | VNET_STATS_TYPE_RX_CSUM);
	stats_entry(&c, 2 * TU_MAX_PAIRS, VNET_STATS_TYPE_CVQ);
	stats_entry(&c, 5, VNET_STATS_TYPE_TX_BASIC);
	stats_entry(&c, 2, 0);		/* nothing asked: no reply */
	cmds = d->stats.ctrl_commands;
	d->stats.ctrl_ok = UINT64_MAX - 1;
	assert_int_equal(vnet_ctrl_exec(d, c.b, c.len, res, sizeof(res), &used),
			 VNET_CTRL_OK);
	assert_int_equal(used, 56 + 40 + 24 + 56);
	p = check_reply(p, 0, 0, 6);
	for (i = 0; i < 6; i++, p += 8)
		assert_true(ld64le(p) == i);
	p = check_reply(p, 1, 0, 4);
	for (i = 0; i < 4; i++, p += 8)
		assert_true(ld64le(p) == 10 + i);
	p = check_reply(p, 32, 2 * TU_MAX_PAIRS, 2);
	assert_true(ld64le(p) == cmds + 1);	/* command_num, this one too */
	assert_true(ld64le(p + 8) == UINT64_MAX);	/* ok_num, this one too */
	p = check_reply(p + 16, 16, 5, 6);
	assert_true(ld64le(p) == UINT64_MAX);
	assert_true(ld64le(p + 8) == 5161);
	/* the next command wraps ok_num around to zero */
	assert_int_equal(vnet_ctrl_exec(d, c.b, c.len, res, sizeof(res), &used),
			 VNET_CTRL_OK);
	assert_true(ld64le(res + 56 + 40 + 16) == 0);
	tu_dev_free(d);
}

/* conformance: NET-STATS-02, NET-STATS-03 */
/* One wrong entry fails the whole command, nothing read or written: a
 * queue past the control queue, an unknown type, a type of the other
 * direction or of the control queue, a type whose feature is not
 * negotiated (TX_CSUM without CSUM); a length that is not whole entries. */
static void test_stats_get_bad(void **state)
{
	static const struct { uint16_t vq; uint64_t types; } bad[] = {
		{ 2 * TU_MAX_PAIRS + 1, VNET_STATS_TYPE_CVQ },
		{ 0xffff, VNET_STATS_TYPE_RX_BASIC },
		{ 0, 1ULL << 5 },
		{ 0, VNET_STATS_TYPE_TX_BASIC },
		{ 1, VNET_STATS_TYPE_RX_BASIC },
		{ 1, VNET_STATS_TYPE_CVQ },
		{ 2 * TU_MAX_PAIRS, VNET_STATS_TYPE_RX_BASIC },
		{ 1, VNET_STATS_TYPE_TX_CSUM },
		{ 0, VNET_STATS_TYPE_RX_SPEED },	/* not the owner's */
	};
	struct vnet_dev *d = stats_dev(STATS_ACCEPT);
	struct tu_cmd c = { .big = 0 };
	uint8_t res[512];
	size_t i, used = 1;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tu_cmd_start(&c, VNET_CTRL_STATS, VNET_CTRL_STATS_GET);
		stats_entry(&c, 0, VNET_STATS_TYPE_RX_BASIC);	/* good */
		stats_entry(&c, bad[i].vq, bad[i].types);
		stats_reads = 0;
		memset(res, 0xa5, sizeof(res));
		assert_refused(d, &c, ctrl_err_stats);
		assert_int_equal(vnet_ctrl_exec(d, c.b, c.len, res,
						 sizeof(res), &used),
				 VNET_CTRL_ERR);
		assert_int_equal(used, 0);
		assert_int_equal(stats_reads, 0);
		assert_int_equal(res[0], 0xa5);
	}
	tu_cmd_start(&c, VNET_CTRL_STATS, VNET_CTRL_STATS_GET);
	assert_refused(d, &c, ctrl_err_len);		/* no entry */
	stats_entry(&c, 0, VNET_STATS_TYPE_RX_BASIC);
	c.len--;
	assert_refused(d, &c, ctrl_err_len);		/* a partial entry */
	tu_dev_free(d);
}

/* conformance: NET-STATS-06 */
/* A result buffer shorter than the replies takes the whole ones that fit,
 * nothing past its end. */
static void test_stats_get_room(void **state)
{
	struct vnet_dev *d = stats_dev(STATS_ACCEPT);
	struct tu_cmd c = { .big = 0 };
	uint8_t res[128];
	size_t used;

	(void)state;
	tu_cmd_start(&c, VNET_CTRL_STATS, VNET_CTRL_STATS_GET);
	stats_entry(&c, 0, VNET_STATS_TYPE_RX_BASIC | VNET_STATS_TYPE_RX_GSO);
	stats_entry(&c, 1, VNET_STATS_TYPE_TX_BASIC);
	memset(res, 0xa5, sizeof(res));
	assert_int_equal(vnet_ctrl_exec(d, c.b, c.len, res, 100, &used),
			 VNET_CTRL_OK);
	assert_int_equal(used, 56 + 40);	/* TX_BASIC's 56 do not fit */
	assert_int_equal(res[96], 0xa5);
	assert_int_equal(vnet_ctrl_exec(d, c.b, c.len, res, 55, &used),
			 VNET_CTRL_OK);
	assert_int_equal(used, 0);
	tu_dev_free(d);
}

/* A little-endian legacy guest reads like a modern one. */
static void test_legacy_little_endian(void **state)
{
	struct vnet_dev *d = tu_dev(LEGACY_ALL);
	struct tu_cmd c = { .big = 0 };

	(void)state;
	assert_int_equal(vnet_dev_endian(d), VNET_ENDIAN_LITTLE);
	tu_cmd_start(&c, VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD);
	tu_le(&c, 0x0123, 2);
	assert_int_equal(tu_exec(d, &c), VNET_CTRL_OK);
	assert_true(d->vlan[0x123 / 32] & (1u << (0x123 % 32)));
	tu_dev_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_rx_modes),
		cmocka_unit_test(test_rx_bad_forms),
		cmocka_unit_test(test_rx_feature_gates),
		cmocka_unit_test(test_mac_table_set),
		cmocka_unit_test(test_mac_table_overflow),
		cmocka_unit_test(test_mac_table_bad_counts),
		cmocka_unit_test(test_mac_table_feature_gate),
		cmocka_unit_test(test_mac_addr_set),
		cmocka_unit_test(test_mac_addr_bad_forms),
		cmocka_unit_test(test_vlan_add_del),
		cmocka_unit_test(test_vlan_bad_forms),
		cmocka_unit_test(test_announce_ack),
		cmocka_unit_test(test_mq_pairs_set),
		cmocka_unit_test(test_mq_pairs_bad),
		cmocka_unit_test(test_rss_config),
		cmocka_unit_test(test_rss_config_bad),
		cmocka_unit_test(test_hash_config),
		cmocka_unit_test(test_hash_config_bad),
		cmocka_unit_test(test_mq_last_command_wins),
		cmocka_unit_test(test_hash_tunnel_set),
		cmocka_unit_test(test_guest_offloads),
		cmocka_unit_test(test_coal_tx_rx_set),
		cmocka_unit_test(test_coal_spec_example),
		cmocka_unit_test(test_coal_vq_bad_and_reenable),
		cmocka_unit_test(test_coal_vq_refused_and_rx_reenable),
		cmocka_unit_test(test_coal_feature_gates),
		cmocka_unit_test(test_coal_set_unable),
		cmocka_unit_test(test_stats_query),
		cmocka_unit_test(test_stats_get),
		cmocka_unit_test(test_stats_get_bad),
		cmocka_unit_test(test_stats_get_room),
		cmocka_unit_test(test_legacy_big_endian),
		cmocka_unit_test(test_legacy_big_endian_hash),
		cmocka_unit_test(test_legacy_little_endian),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
