// SPDX-License-Identifier: MIT
/* test_coal.c - notification coalescing policy of one queue */

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vnet/coal.h"

/* "Operation": "When the device has max_usecs = 0 or max_packets = 0, the
 * notification conditions are met after every packet". */
static void test_zero_every_packet(void **state)
{
	const struct vnet_coal_params only_pk = { 8, 0 }, only_us = { 0, 8 };
	struct vnet_coal c;
	int i;

	(void)state;
	vnet_coal_reset(&c, NULL);
	for (i = 0; i < 5; i++)
		assert_true(vnet_coal_packet(&c, 100 + i, false));
	vnet_coal_reset(&c, &only_pk);
	assert_true(vnet_coal_packet(&c, 0, false));
	vnet_coal_reset(&c, &only_us);
	assert_true(vnet_coal_packet(&c, 0, false));
	assert_int_equal(vnet_coal_deadline(&c), UINT64_MAX);
}

/* vnet_coal_packets(c, n) is n calls of vnet_coal_packet(): the answer
 * or-ed and the state left behind, whatever the parameters ("Operation":
 * the conditions are those of the packets one by one). */
static void test_packets_is_n_packet_calls(void **state)
{
	const struct vnet_coal_params ps[] = {
		{ 0, 0 }, { 8, 0 }, { 0, 8 }, { 3, 100 }, { 15, 10 }, { 1, 1 },
	};
	const unsigned int ns[] = { 0, 1, 2, 3, 7, 64 };
	const struct vnet_coal_params long_wait = { 100, 1000 };
	const bool sup[] = { false, true };
	size_t i, j, k;

	(void)state;
	for (i = 0; i < sizeof(ps) / sizeof(ps[0]); i++)
		for (j = 0; j < sizeof(ns) / sizeof(ns[0]); j++)
			for (k = 0; k < 2; k++) {
				struct vnet_coal a, b;
				bool due = false;
				unsigned int m;

				/* something pending from earlier, at time 5,
				 * then the parameters under test set */
				vnet_coal_reset(&a, &long_wait);
				vnet_coal_reset(&b, &long_wait);
				vnet_coal_packet(&a, 5, false);
				vnet_coal_packet(&b, 5, false);
				vnet_coal_set(&a, &ps[i]);
				vnet_coal_set(&b, &ps[i]);
				for (m = 0; m < ns[j]; m++)
					due |= vnet_coal_packet(&a, 9, sup[k]);
				assert_int_equal(vnet_coal_packets(&b, 9, ns[j],
								   sup[k]), due);
				assert_int_equal(b.pending, a.pending);
				assert_int_equal(b.first_us, a.first_us);
			}
}

/* "RX Example": max_usecs 10, max_packets 15: notify at the 15th packet,
 * or 10 microseconds after the first, whichever comes first; then wait
 * for the next packet and count again. */
static void test_rx_example_packets(void **state)
{
	const struct vnet_coal_params p = { 15, 10 };
	struct vnet_coal c;
	int i;

	(void)state;
	vnet_coal_reset(&c, &p);
	for (i = 1; i < 15; i++)
		assert_false(vnet_coal_packet(&c, 1000, false));
	assert_true(vnet_coal_packet(&c, 1000, false));
	assert_int_equal(c.pending, 0);
	assert_int_equal(vnet_coal_deadline(&c), UINT64_MAX);
	assert_false(vnet_coal_packet(&c, 2000, false));	/* counts anew */
	assert_int_equal(vnet_coal_deadline(&c), 2010);
}

static void test_rx_example_timer(void **state)
{
	const struct vnet_coal_params p = { 15, 10 };
	struct vnet_coal c;

	(void)state;
	vnet_coal_reset(&c, &p);
	assert_false(vnet_coal_packet(&c, 500, false));
	assert_false(vnet_coal_packet(&c, 505, false));
	assert_int_equal(vnet_coal_deadline(&c), 510);
	assert_false(vnet_coal_poll(&c, 509, false));
	assert_true(vnet_coal_poll(&c, 510, false));
	assert_false(vnet_coal_poll(&c, 600, false));	/* nothing pending */
	/* a packet arriving after the deadline notifies at once */
	assert_false(vnet_coal_packet(&c, 700, false));
	assert_true(vnet_coal_packet(&c, 711, false));
}

/* "A device SHOULD NOT send used buffer notifications to the driver if the
 * notifications are suppressed, even if the notification conditions are
 * met." */
/* conformance: NET-COAL-08 */
static void test_suppressed_never_notifies(void **state)
{
	const struct vnet_coal_params p = { 2, 10 };
	struct vnet_coal c;
	int i;

	(void)state;
	vnet_coal_reset(&c, NULL);
	for (i = 0; i < 4; i++)
		assert_false(vnet_coal_packet(&c, (uint64_t)i, true));
	vnet_coal_reset(&c, &p);
	assert_false(vnet_coal_packet(&c, 0, true));
	assert_false(vnet_coal_packet(&c, 1, true));	/* met, suppressed */
	assert_false(vnet_coal_poll(&c, 100, true));
	/* notifications back on: counting starts again */
	assert_false(vnet_coal_packet(&c, 200, false));
	assert_true(vnet_coal_packet(&c, 201, false));
}

/* "Notifications When Coalescing Parameters Change": max_packets 15, 10
 * packets sent, then TX_SET with max_packets 8: "the notification
 * condition is immediately considered to be met". */
static void test_params_change(void **state)
{
	const struct vnet_coal_params p15 = { 15, 1000 }, p8 = { 8, 1000 };
	struct vnet_coal c;
	int i;

	(void)state;
	vnet_coal_reset(&c, &p15);
	for (i = 0; i < 10; i++)
		assert_false(vnet_coal_packet(&c, 50, false));
	vnet_coal_set(&c, &p8);
	assert_int_equal(c.pending, 10);
	assert_true(vnet_coal_poll(&c, 51, false));
	/* shorter max_usecs: met as well */
	vnet_coal_set(&c, &p15);
	assert_false(vnet_coal_packet(&c, 100, false));
	vnet_coal_set(&c, &(struct vnet_coal_params){ 15, 5 });
	assert_true(vnet_coal_poll(&c, 106, false));
}

/* Edges: a clock that steps back counts no time; a deadline that would
 * overflow is none; the packet counter saturates. */
static void test_edges(void **state)
{
	const struct vnet_coal_params p = { 0xffffffff, 0xffffffff };
	struct vnet_coal c;

	(void)state;
	vnet_coal_reset(&c, &p);
	assert_false(vnet_coal_packet(&c, 1000, false));
	assert_false(vnet_coal_poll(&c, 10, false));
	vnet_coal_reset(&c, &p);
	assert_false(vnet_coal_packet(&c, UINT64_MAX - 5, false));
	assert_int_equal(vnet_coal_deadline(&c), UINT64_MAX);
	c.pending = UINT32_MAX - 1;
	assert_true(vnet_coal_packet(&c, UINT64_MAX - 5, false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_every_packet),
		cmocka_unit_test(test_rx_example_packets),
		cmocka_unit_test(test_rx_example_timer),
		cmocka_unit_test(test_suppressed_never_notifies),
		cmocka_unit_test(test_params_change),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_packets_is_n_packet_calls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
