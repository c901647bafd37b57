// SPDX-License-Identifier: MIT
/* test_vq_map.c - queue roles from the negotiated features, against the spec's "Virtqueues" list */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vnet/vq_map.h"

/*
 * virtio-net "Virtqueues": "0 receiveq1, 1 transmitq1, ... 2(N-1)
 * receiveqN, 2(N-1)+1 transmitqN, 2N controlq"; "N=1 if neither
 * VIRTIO_NET_F_MQ nor VIRTIO_NET_F_RSS are negotiated, otherwise N is set
 * by max_virtqueue_pairs"; "controlq only exists if VIRTIO_NET_F_CTRL_VQ
 * set". Each row: the features, max_virtqueue_pairs, a queue index, and
 * what the spec makes of it.
 */
struct row {
	const char *what;
	unsigned int bits[3];	/* 0 ends the list (bit 0 is CSUM, unused here) */
	uint16_t max_pairs;
	unsigned int vq;
	enum vnet_vq_role role;
	unsigned int pair;
};

static const struct row rows[] = {
	{ "no MQ: receiveq1", { 0 }, 4, 0, VNET_VQ_RX, 0 },
	{ "no MQ: transmitq1", { 0 }, 4, 1, VNET_VQ_TX, 0 },
	{ "no MQ, no CTRL_VQ: 2 is nothing", { 0 }, 4, 2, VNET_VQ_UNUSED, 0 },
	{ "CTRL_VQ alone: 2 is controlq", { VNET_F_CTRL_VQ }, 4, 2,
	  VNET_VQ_CTRL, 0 },
	{ "CTRL_VQ alone: 3 is nothing", { VNET_F_CTRL_VQ }, 4, 3,
	  VNET_VQ_UNUSED, 0 },
	{ "MQ: 2 is receiveq2", { VNET_F_CTRL_VQ, VNET_F_MQ }, 4, 2,
	  VNET_VQ_RX, 1 },
	{ "MQ: 7 is transmitq4", { VNET_F_CTRL_VQ, VNET_F_MQ }, 4, 7,
	  VNET_VQ_TX, 3 },
	{ "MQ: 8 is controlq", { VNET_F_CTRL_VQ, VNET_F_MQ }, 4, 8,
	  VNET_VQ_CTRL, 0 },
	{ "MQ: 9 is nothing", { VNET_F_CTRL_VQ, VNET_F_MQ }, 4, 9,
	  VNET_VQ_UNUSED, 0 },
	{ "RSS without MQ: 2 is receiveq2", { VNET_F_CTRL_VQ, VNET_F_RSS }, 2,
	  2, VNET_VQ_RX, 1 },
	{ "RSS without MQ: 4 is controlq", { VNET_F_CTRL_VQ, VNET_F_RSS }, 2,
	  4, VNET_VQ_CTRL, 0 },
	{ "MQ without CTRL_VQ (a frontend keeps it): 4 is nothing",
	  { VNET_F_MQ }, 2, 4, VNET_VQ_UNUSED, 0 },
	{ "MQ without CTRL_VQ: 3 is transmitq2", { VNET_F_MQ }, 2, 3,
	  VNET_VQ_TX, 1 },
};

static void test_roles(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct vnet_features f = { { 0, 0 } };
		struct vnet_vq_map m;
		unsigned int pair = 99, k;

		for (k = 0; k < 3 && r->bits[k]; k++)
			vnet_features_set(&f, r->bits[k]);
		vnet_vq_map_init(&m, &f, r->max_pairs);
		print_message("%s\n", r->what);
		assert_int_equal(vnet_vq_role(&m, r->vq, &pair), r->role);
		if (r->role == VNET_VQ_RX || r->role == VNET_VQ_TX)
			assert_int_equal(pair, r->pair);
	}
}

/* The count of queues of a layout: 2N, plus the control queue. */
static void test_count(void **state)
{
	struct vnet_features f = { { 0, 0 } };
	struct vnet_vq_map m;

	(void)state;
	vnet_vq_map_init(&m, &f, 8);
	assert_int_equal(vnet_vq_map_count(&m), 2);
	vnet_features_set(&f, VNET_F_CTRL_VQ);
	vnet_vq_map_init(&m, &f, 8);
	assert_int_equal(vnet_vq_map_count(&m), 3);
	vnet_features_set(&f, VNET_F_MQ);
	vnet_vq_map_init(&m, &f, 8);
	assert_int_equal(vnet_vq_map_count(&m), 17);
	vnet_vq_map_init(&m, &f, 0);	/* no max: one pair */
	assert_int_equal(vnet_vq_map_count(&m), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
