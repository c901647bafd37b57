// SPDX-License-Identifier: MIT
/* test_steer.c - automatic receive steering: flows go back where they came from */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/dev_rx.h"
#include "vnet/steer.h"
#include "test_util.h"

static const uint8_t guest_ip[4] = { 10, 0, 0, 2 };
static const uint8_t peer_mac[6] = { 0x02, 0xaa, 0, 0, 0, 1 };

/* A TCP/IPv4 frame between the guest (port @gport) and a peer. */
static void tcp_frame(struct tu_frame *f, bool from_guest, uint8_t peer_host,
		      unsigned int gport, unsigned int pport)
{
	const uint8_t peer_ip[4] = { 192, 0, 2, peer_host };

	if (from_guest) {
		tu_eth(f, peer_mac, tu_mac, 0x0800);
		tu_ipv4(f, guest_ip, peer_ip, 6, 20, 0x4000);
		tu_tcp(f, gport, pport);
	} else {
		tu_eth(f, tu_mac, peer_mac, 0x0800);
		tu_ipv4(f, peer_ip, guest_ip, 6, 20, 0x4000);
		tu_tcp(f, pport, gport);
	}
}

static void key_of(const struct tu_frame *f, bool tx, struct vnet_flow_key *k)
{
	struct vnet_parse_result res;
	struct vnet_pkt pkt;
	struct iovec iov;

	tu_parse(f, &pkt, &iov, &res);
	assert_int_equal(vnet_flow_key_from_frame(&pkt, &res, tx, k), 0);
}

/* A flow's key is the same seen from both directions: local end first. */
static void test_key_both_directions(void **state)
{
	struct vnet_flow_key out, in, other;
	struct tu_frame f;

	(void)state;
	tcp_frame(&f, true, 7, 40000, 443);
	key_of(&f, true, &out);
	tcp_frame(&f, false, 7, 40000, 443);
	key_of(&f, false, &in);
	assert_memory_equal(&out, &in, sizeof(out));
	assert_int_equal(out.family, 4);
	assert_int_equal(out.proto, 6);
	assert_int_equal(out.lport, 40000);
	assert_int_equal(out.rport, 443);
	assert_memory_equal(out.laddr, guest_ip, 4);
	tcp_frame(&f, false, 7, 40001, 443);
	key_of(&f, false, &other);
	assert_memory_not_equal(&out, &other, sizeof(out));
}

/* "After the driver transmitted a packet of a flow on transmitqX, the
 * device SHOULD cause incoming packets for that flow to be steered to
 * receiveqX." And "MUST NOT queue packets on receive queues greater than
 * virtqueue_pairs": a remembered queue no longer in use is not used. */
/* conformance: NET-MQ-02, NET-MQ-05 */
static void test_learn_and_select(void **state)
{
	struct vnet_steer s;
	struct vnet_flow_key k;
	struct tu_frame f;
	uint16_t q;

	(void)state;
	assert_int_equal(vnet_steer_init(&s, 256), 0);
	tcp_frame(&f, true, 9, 5555, 80);
	key_of(&f, true, &k);
	for (q = 0; q < 8; q++) {
		vnet_steer_learn(&s, &k, q);
		assert_int_equal(vnet_steer_select(&s, &k, 8), q);
	}
	vnet_steer_learn(&s, &k, 6);
	assert_true(vnet_steer_select(&s, &k, 4) < 4);
	assert_int_equal(vnet_steer_select(&s, &k, 1), 0);
	vnet_steer_clear(&s);
	/* forgotten: spread, deterministic */
	q = vnet_steer_select(&s, &k, 8);
	assert_true(q < 8);
	assert_int_equal(vnet_steer_select(&s, &k, 8), q);
	vnet_steer_fini(&s);
}

/* "For uni-directional protocols, or where no packets have been
 * transmitted yet, the device MAY steer a packet to a random queue":
 * unknown flows spread over all queues in use. */
static void test_unknown_flows_spread(void **state)
{
	struct vnet_steer s;
	unsigned int hits[4] = { 0 }, i;

	(void)state;
	assert_int_equal(vnet_steer_init(&s, 64), 0);
	for (i = 0; i < 4000; i++) {
		struct vnet_flow_key k;
		struct tu_frame f;

		tcp_frame(&f, false, (uint8_t)(i % 250), 1024 + i, 80);
		key_of(&f, false, &k);
		hits[vnet_steer_select(&s, &k, 4)]++;
	}
	for (i = 0; i < 4; i++)
		assert_true(hits[i] > 700);
	vnet_steer_fini(&s);
}

/* Bounded: a table of 16 slots under 10000 flows never grows; the flow
 * learnt last is always found. */
static void test_bounded(void **state)
{
	struct vnet_steer s;
	unsigned int i;

	(void)state;
	assert_int_equal(vnet_steer_init(&s, 16), 0);
	for (i = 0; i < 10000; i++) {
		struct vnet_flow_key k;
		struct tu_frame f;

		tcp_frame(&f, true, (uint8_t)i, 2000 + i % 5000, 22);
		key_of(&f, true, &k);
		vnet_steer_learn(&s, &k, (uint16_t)(i % 7));
		assert_int_equal(vnet_steer_select(&s, &k, 7), i % 7);
	}
	assert_int_equal(s.mask, 15);
	vnet_steer_fini(&s);
	assert_int_equal(vnet_steer_init(&s, 0), -EINVAL);
	assert_int_equal(vnet_steer_init(&s, 12), -EINVAL);
	assert_int_equal(vnet_steer_init(&s, 1u << 25), -EINVAL);
	vnet_steer_fini(&s);
}

/* Non-IP frames key on the MAC pair; fragments on addresses alone. */
static void test_key_non_ip_and_fragments(void **state)
{
	struct vnet_flow_key a, b;
	struct tu_frame f;
	const uint8_t peer_ip[4] = { 192, 0, 2, 1 };

	(void)state;
	tu_eth(&f, peer_mac, tu_mac, 0x0806);
	while (f.len < 60)
		tu_put8(&f, 0);
	key_of(&f, true, &a);
	assert_int_equal(a.family, 0);
	assert_memory_equal(a.laddr, tu_mac, 6);
	assert_memory_equal(a.raddr, peer_mac, 6);
	tu_eth(&f, tu_mac, peer_mac, 0x0800);
	tu_ipv4(&f, peer_ip, guest_ip, 17, 8, 0x2000);	/* first fragment */
	tu_udp(&f, 53, 3333, 0);
	key_of(&f, false, &a);
	tu_eth(&f, tu_mac, peer_mac, 0x0800);
	tu_ipv4(&f, peer_ip, guest_ip, 17, 8, 0x0001);	/* later fragment */
	tu_put(&f, "abcdefgh", 8);
	key_of(&f, false, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(a.lport, 0);
}

/* Through the device: VQ_PAIRS_SET n > 1 turns automatic steering on; a
 * reply comes back on the queue its flow was sent from; after reset, and
 * with pairs 1, everything goes to receiveq1. */
/* conformance: NET-MQ-01, NET-MQ-04 */
static void test_device_auto_steering(void **state)
{
	struct vnet_dev *d = tu_dev("version_1,mac,ctrl_vq,mq");
	struct vnet_parse_result res;
	struct vnet_rx_verdict v;
	struct vnet_pkt pkt;
	struct iovec iov;
	struct tu_frame f;
	uint16_t q;

	(void)state;
	tcp_frame(&f, true, 5, 6000, 8080);
	tu_parse(&f, &pkt, &iov, &res);
	vnet_dev_tx_learn(d, &pkt, &res, 2);	/* single mode: ignored */
	tcp_frame(&f, false, 5, 6000, 8080);
	tu_parse(&f, &pkt, &iov, &res);
	assert_int_equal(vnet_dev_rx(d, &pkt, &res, &v), 0);
	assert_true(v.deliver);
	assert_int_equal(v.queue, 0);
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET,
				     4), VNET_CTRL_OK);
	for (q = 0; q < 4; q++) {
		tcp_frame(&f, true, 5, 6000, 8080);
		tu_parse(&f, &pkt, &iov, &res);
		vnet_dev_tx_learn(d, &pkt, &res, q);
		tcp_frame(&f, false, 5, 6000, 8080);
		tu_parse(&f, &pkt, &iov, &res);
		assert_int_equal(vnet_dev_rx(d, &pkt, &res, &v), 0);
		assert_int_equal(v.queue, q);
		assert_int_equal(v.hash.report, VNET_HASH_REPORT_NONE);
	}
	/* unparsed frames and unknown flows stay below the pairs in use */
	assert_int_equal(vnet_dev_rx(d, &pkt, NULL, &v), 0);
	assert_true(v.queue < 4);
	assert_int_equal(tu_ctrl_u16(d, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET,
				     1), VNET_CTRL_OK);
	assert_int_equal(vnet_dev_rx(d, &pkt, &res, &v), 0);
	assert_int_equal(v.queue, 0);
	tu_dev_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_both_directions),
		cmocka_unit_test(test_learn_and_select),
		cmocka_unit_test(test_unknown_flows_spread),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_key_non_ip_and_fragments),
		cmocka_unit_test(test_device_auto_steering),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
