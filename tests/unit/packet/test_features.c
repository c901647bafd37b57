// SPDX-License-Identifier: MIT
/* test_features.c - feature names, requirement rules, negotiation, offloads */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/features.h"

static struct vnet_features parse_ok(const char *spec, enum vnet_profile p)
{
	struct vnet_features f;
	const char *bad = NULL;
	size_t bad_len = 0;

	assert_int_equal(vnet_features_parse(spec, p, &f, &bad, &bad_len), 0);
	return f;
}

/* Names: lowercase spec names without prefix, both ways, every named bit. */
static void test_names_round_trip(void **state)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} known[] = {
		{ 0, "csum" }, { 1, "guest_csum" }, { 2, "ctrl_guest_offloads" },
		{ 3, "mtu" }, { 5, "mac" }, { 6, "gso" }, { 7, "guest_tso4" },
		{ 8, "guest_tso6" }, { 9, "guest_ecn" }, { 10, "guest_ufo" },
		{ 11, "host_tso4" }, { 12, "host_tso6" }, { 13, "host_ecn" },
		{ 14, "host_ufo" }, { 15, "mrg_rxbuf" }, { 16, "status" },
		{ 17, "ctrl_vq" }, { 18, "ctrl_rx" }, { 19, "ctrl_vlan" },
		{ 20, "ctrl_rx_extra" }, { 21, "guest_announce" }, { 22, "mq" },
		{ 23, "ctrl_mac_addr" }, { 27, "any_layout" },
		{ 28, "indirect_desc" }, { 29, "event_idx" }, { 32, "version_1" },
		{ 33, "access_platform" }, { 34, "ring_packed" },
		{ 35, "in_order" }, { 38, "notification_data" },
		{ 40, "ring_reset" }, { 41, "guest_rsc4" }, { 42, "guest_rsc6" },
		{ 50, "device_stats" }, { 51, "hash_tunnel" },
		{ 52, "vq_notf_coal" }, { 53, "notf_coal" }, { 54, "guest_uso4" },
		{ 55, "guest_uso6" }, { 56, "host_uso" }, { 57, "hash_report" },
		{ 59, "guest_hdrlen" }, { 60, "rss" }, { 61, "rsc_ext" },
		{ 62, "standby" }, { 63, "speed_duplex" }, { 64, "rss_context" },
		{ 65, "guest_udp_tunnel_gso" }, { 66, "guest_udp_tunnel_gso_csum" },
		{ 67, "host_udp_tunnel_gso" }, { 68, "host_udp_tunnel_gso_csum" },
		{ 69, "out_net_header" }, { 70, "ipsec" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const char *n = known[i].name;

		assert_string_equal(vnet_feature_name(known[i].bit,
						      VNET_PROFILE_STANDARD), n);
		assert_int_equal(vnet_feature_by_name(n, strlen(n),
						      VNET_PROFILE_STANDARD),
				 known[i].bit);
	}
	assert_null(vnet_feature_name(4, VNET_PROFILE_STANDARD));
	assert_null(vnet_feature_name(49, VNET_PROFILE_STANDARD));
	assert_null(vnet_feature_name(127, VNET_PROFILE_STANDARD));
	assert_null(vnet_feature_name(128, VNET_PROFILE_STANDARD));
	assert_int_equal(vnet_feature_by_name("bogus", 5, VNET_PROFILE_STANDARD),
			 -ENOENT);
}

/* Draft v3 profile: tunnel names mean 49/50; 65..68 have no meaning. */
static void test_names_draft_profile(void **state)
{
	(void)state;
	assert_int_equal(vnet_feature_by_name("guest_udp_tunnel_gso", 20,
					      VNET_PROFILE_DRAFT_V3), 49);
	assert_int_equal(vnet_feature_by_name("host_udp_tunnel_gso", 19,
					      VNET_PROFILE_DRAFT_V3), 50);
	assert_null(vnet_feature_name(65, VNET_PROFILE_DRAFT_V3));
	assert_null(vnet_feature_name(68, VNET_PROFILE_DRAFT_V3));
	assert_int_equal(vnet_feature_by_name("guest_udp_tunnel_gso_csum", 25,
					      VNET_PROFILE_DRAFT_V3), -ENOENT);
	assert_int_equal(vnet_feature_by_name("device_stats", 12,
					      VNET_PROFILE_DRAFT_V3), -ENOENT);
}

static void test_parse_list_and_hex(void **state)
{
	struct vnet_features f;
	const char *bad = NULL;
	size_t bad_len = 0;

	(void)state;
	f = parse_ok(" csum , host_tso4,,version_1 ", VNET_PROFILE_STANDARD);
	assert_true(f.w[0] == ((1ULL << 0) | (1ULL << 11) | (1ULL << 32)));
	assert_true(f.w[1] == 0);
	f = parse_ok("", VNET_PROFILE_STANDARD);
	assert_true(f.w[0] == 0 && f.w[1] == 0);
	/* 128-bit hex: bit 67 (host_udp_tunnel_gso) and bit 0 */
	f = parse_ok("0x00000000000000080000000000000001", VNET_PROFILE_STANDARD);
	assert_true(vnet_features_has(&f, 67) && vnet_features_has(&f, 0));
	assert_true(f.w[0] == 1 && f.w[1] == 8);
	/* unknown name: -ENOENT and the name itself */
	assert_int_equal(vnet_features_parse("csum,host_tos4", VNET_PROFILE_STANDARD,
					     &f, &bad, &bad_len), -ENOENT);
	assert_int_equal(bad_len, 9);
	assert_memory_equal(bad, "host_tos4", 9);
	/* a bit without a name, and a number past 128 bits */
	assert_int_equal(vnet_features_parse("0x10", VNET_PROFILE_STANDARD, &f,
					     &bad, &bad_len), -ENOENT);
	assert_int_equal(vnet_features_parse("0x1ffffffffffffffffffffffffffffffff",
					     VNET_PROFILE_STANDARD, &f, &bad,
					     &bad_len), -EINVAL);
	assert_int_equal(vnet_features_parse("0xzz", VNET_PROFILE_STANDARD, &f,
					     &bad, &bad_len), -EINVAL);
}

/*
 * Each line of virtio 1.4 "Feature bit requirements" broken alone: the set
 * holds everything else that line needs (and what those need), and the
 * check reports exactly that one line.
 */
struct violation_case {
	const char *set;
	unsigned int feature;
	const char *message;
};

static const struct violation_case standard_cases[] = {
	{ "guest_tso4", 7, "guest_tso4 requires guest_csum" },
	{ "guest_tso6", 8, "guest_tso6 requires guest_csum" },
	{ "guest_csum,guest_ecn", 9, "guest_ecn requires guest_tso4 or guest_tso6" },
	{ "guest_ufo", 10, "guest_ufo requires guest_csum" },
	{ "guest_uso4", 54, "guest_uso4 requires guest_csum" },
	{ "guest_uso6", 55, "guest_uso6 requires guest_csum" },
	{ "host_tso4", 11, "host_tso4 requires csum" },
	{ "host_tso6", 12, "host_tso6 requires csum" },
	{ "csum,host_ecn", 13, "host_ecn requires host_tso4 or host_tso6" },
	{ "host_ufo", 14, "host_ufo requires csum" },
	{ "host_uso", 56, "host_uso requires csum" },
	{ "ctrl_rx", 18, "ctrl_rx requires ctrl_vq" },
	{ "ctrl_vlan", 19, "ctrl_vlan requires ctrl_vq" },
	{ "guest_announce", 21, "guest_announce requires ctrl_vq" },
	{ "mq", 22, "mq requires ctrl_vq" },
	{ "ctrl_mac_addr", 23, "ctrl_mac_addr requires ctrl_vq" },
	{ "notf_coal", 53, "notf_coal requires ctrl_vq" },
	{ "csum,rsc_ext", 61, "rsc_ext requires host_tso4 or host_tso6" },
	{ "rss", 60, "rss requires ctrl_vq" },
	{ "vq_notf_coal", 52, "vq_notf_coal requires ctrl_vq" },
	/* HASH_TUNNEL: ctrl_vq along with rss or hash_report, each half alone */
	{ "hash_tunnel,hash_report", 51,
	  "hash_tunnel requires ctrl_vq along with hash_report or rss" },
	{ "ctrl_vq,hash_tunnel", 51,
	  "hash_tunnel requires ctrl_vq along with hash_report or rss" },
	{ "ctrl_vq,rss_context", 64, "rss_context requires ctrl_vq and rss" },
	/* The tunnel lines are AND, not OR: each missing member alone. */
	{ "guest_csum,guest_tso6,guest_uso4,guest_uso6,guest_udp_tunnel_gso", 65,
	  "guest_udp_tunnel_gso requires guest_tso4, guest_tso6, guest_uso4 and guest_uso6" },
	{ "guest_csum,guest_tso4,guest_uso4,guest_uso6,guest_udp_tunnel_gso", 65,
	  "guest_udp_tunnel_gso requires guest_tso4, guest_tso6, guest_uso4 and guest_uso6" },
	{ "guest_csum,guest_tso4,guest_tso6,guest_uso6,guest_udp_tunnel_gso", 65,
	  "guest_udp_tunnel_gso requires guest_tso4, guest_tso6, guest_uso4 and guest_uso6" },
	{ "guest_csum,guest_tso4,guest_tso6,guest_uso4,guest_udp_tunnel_gso", 65,
	  "guest_udp_tunnel_gso requires guest_tso4, guest_tso6, guest_uso4 and guest_uso6" },
	{ "guest_udp_tunnel_gso_csum", 66,
	  "guest_udp_tunnel_gso_csum requires guest_udp_tunnel_gso" },
	{ "csum,host_tso6,host_uso,host_udp_tunnel_gso", 67,
	  "host_udp_tunnel_gso requires host_tso4, host_tso6 and host_uso" },
	{ "csum,host_tso4,host_uso,host_udp_tunnel_gso", 67,
	  "host_udp_tunnel_gso requires host_tso4, host_tso6 and host_uso" },
	{ "csum,host_tso4,host_tso6,host_udp_tunnel_gso", 67,
	  "host_udp_tunnel_gso requires host_tso4, host_tso6 and host_uso" },
	{ "host_udp_tunnel_gso_csum", 68,
	  "host_udp_tunnel_gso_csum requires host_udp_tunnel_gso" },
};

static void check_single_violation(const struct violation_case *c,
				   enum vnet_profile p)
{
	const struct vnet_feature_rule *rules[8];
	struct vnet_features f = parse_ok(c->set, p);
	char msg[256];
	size_t n;

	n = vnet_features_check(&f, p, rules, 8);
	if (n != 1)
		fail_msg("set '%s': %zu violations, expected 1", c->set, n);
	assert_int_equal(rules[0]->feature, c->feature);
	vnet_feature_rule_format(rules[0], p, msg, sizeof(msg));
	assert_string_equal(msg, c->message);
}

static void test_each_requirement_alone(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(standard_cases) / sizeof(standard_cases[0]); i++)
		check_single_violation(&standard_cases[i], VNET_PROFILE_STANDARD);
}

/* The sets that satisfy each rule are valid: the rules do not over-reach. */
static void test_satisfied_sets_are_valid(void **state)
{
	static const char *const valid[] = {
		"",
		"guest_csum,guest_tso4,guest_tso6,guest_ecn,guest_ufo,guest_uso4,guest_uso6",
		"guest_csum,guest_tso4,guest_tso6,guest_uso4,guest_uso6,"
		"guest_udp_tunnel_gso,guest_udp_tunnel_gso_csum",
		"csum,host_tso4,host_tso6,host_uso,host_udp_tunnel_gso,"
		"host_udp_tunnel_gso_csum",
		"csum,host_tso6,host_ecn,rsc_ext",
		"ctrl_vq,ctrl_rx,ctrl_vlan,guest_announce,mq,ctrl_mac_addr,"
		"notf_coal,vq_notf_coal,rss,rss_context,hash_tunnel",
		"ctrl_vq,hash_report,hash_tunnel",
		"version_1,ring_packed,event_idx,indirect_desc,in_order,mrg_rxbuf",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		struct vnet_features f = parse_ok(valid[i], VNET_PROFILE_STANDARD);

		if (vnet_features_check(&f, VNET_PROFILE_STANDARD, NULL, 0))
			fail_msg("'%s' should be valid", valid[i]);
	}
}

/* Every broken rule is reported, in bit order, and counted past @max. */
static void test_multiple_violations(void **state)
{
	const struct vnet_feature_rule *rules[2];
	struct vnet_features f = parse_ok("host_tso4,host_tso6,mq",
					  VNET_PROFILE_STANDARD);

	(void)state;
	assert_int_equal(vnet_features_check(&f, VNET_PROFILE_STANDARD, rules, 2),
			 3);
	assert_int_equal(rules[0]->feature, 11);
	assert_int_equal(rules[1]->feature, 12);
}

/* Draft v3: the tunnel lines are "one of", over bits 49 and 50. */
static void test_draft_profile_rules(void **state)
{
	static const struct violation_case draft_cases[] = {
		{ "guest_udp_tunnel_gso", 49,
		  "guest_udp_tunnel_gso requires guest_tso4, guest_tso6, guest_uso4 or guest_uso6" },
		{ "csum,host_udp_tunnel_gso", 50,
		  "host_udp_tunnel_gso requires host_tso4, host_tso6 or host_uso" },
	};
	struct vnet_features f;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++)
		check_single_violation(&draft_cases[i], VNET_PROFILE_DRAFT_V3);
	f = parse_ok("guest_csum,guest_uso6,guest_udp_tunnel_gso",
		     VNET_PROFILE_DRAFT_V3);
	assert_int_equal(vnet_features_check(&f, VNET_PROFILE_DRAFT_V3, NULL, 0),
			 0);
}

static void test_negotiation(void **state)
{
	struct vnet_features offer, acc, out;
	char why[256];

	(void)state;
	offer = parse_ok("version_1,csum,host_tso4,host_tso6,host_uso,"
			 "host_udp_tunnel_gso,guest_csum,guest_tso4,mrg_rxbuf",
			 VNET_PROFILE_STANDARD);
	/* acceptance: offer ∩ what the driver accepted */
	acc = parse_ok("version_1,csum,host_tso4,mrg_rxbuf", VNET_PROFILE_STANDARD);
	assert_int_equal(vnet_features_negotiate(&offer, &acc,
						 VNET_PROFILE_STANDARD, &out,
						 why, sizeof(why)), 0);
	assert_memory_equal(&out, &acc, sizeof(out));

	/* a bit not offered */
	acc = parse_ok("version_1,mq,ctrl_vq", VNET_PROFILE_STANDARD);
	assert_int_equal(vnet_features_negotiate(&offer, &acc,
						 VNET_PROFILE_STANDARD, &out,
						 why, sizeof(why)), -EPERM);
	assert_string_equal(why, "driver accepted bit 17 (ctrl_vq), not offered");

	/* an accepted set that breaks a requirement */
	acc = parse_ok("version_1,host_tso4", VNET_PROFILE_STANDARD);
	assert_int_equal(vnet_features_negotiate(&offer, &acc,
						 VNET_PROFILE_STANDARD, &out,
						 why, sizeof(why)), -EPERM);
	assert_string_equal(why, "driver: host_tso4 requires csum");

	/* an invalid offer is refused whatever the driver says */
	offer = parse_ok("host_tso4", VNET_PROFILE_STANDARD);
	acc = parse_ok("", VNET_PROFILE_STANDARD);
	assert_int_equal(vnet_features_negotiate(&offer, &acc,
						 VNET_PROFILE_STANDARD, &out,
						 why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "offer: host_tso4 requires csum");
}

/* Standard tunnel bits never mix into the draft profile. */
static void test_negotiation_draft_refuses_standard_bits(void **state)
{
	struct vnet_features offer = { { 0, 0 } }, acc = { { 0, 0 } }, out;
	char why[128];

	(void)state;
	vnet_features_set(&offer, 65);
	assert_int_equal(vnet_features_negotiate(&offer, &acc,
						 VNET_PROFILE_DRAFT_V3, &out,
						 why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "bit 65"));
}

/* virtio 1.4 "Setting Offloads State": tunnel bits 65/66 travel as 46/47. */
static void test_guest_offloads_mapping(void **state)
{
	struct vnet_features f, back;

	(void)state;
	f = parse_ok("guest_csum,guest_tso4,guest_tso6,guest_ecn,guest_ufo,"
		     "guest_uso4,guest_uso6,guest_udp_tunnel_gso,"
		     "guest_udp_tunnel_gso_csum,version_1,host_tso4,mrg_rxbuf",
		     VNET_PROFILE_STANDARD);
	assert_true(vnet_features_to_guest_offloads(&f, VNET_PROFILE_STANDARD) ==
		    ((1ULL << 1) | (1ULL << 7) | (1ULL << 8) | (1ULL << 9) |
		     (1ULL << 10) | (1ULL << 46) | (1ULL << 47) | (1ULL << 54) |
		     (1ULL << 55)));
	assert_int_equal(vnet_guest_offloads_to_features(
				 (1ULL << 46) | (1ULL << 47) | (1ULL << 1),
				 VNET_PROFILE_STANDARD, &back), 0);
	assert_true(vnet_features_has(&back, 65) && vnet_features_has(&back, 66));
	assert_true(vnet_features_has(&back, 1));
	assert_false(vnet_features_has(&back, 46));
	/* a bit that is not a guest offload (host_tso4 11) is refused */
	assert_int_equal(vnet_guest_offloads_to_features(1ULL << 11,
							 VNET_PROFILE_STANDARD,
							 &back), -EINVAL);
	/* in the draft profile, 49 is the tunnel offload and 46 is nothing */
	assert_int_equal(vnet_guest_offloads_to_features(1ULL << 49,
							 VNET_PROFILE_DRAFT_V3,
							 &back), 0);
	assert_true(vnet_features_has(&back, 49));
	assert_int_equal(vnet_guest_offloads_to_features(1ULL << 46,
							 VNET_PROFILE_DRAFT_V3,
							 &back), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_names_draft_profile),
		cmocka_unit_test(test_parse_list_and_hex),
		cmocka_unit_test(test_each_requirement_alone),
		cmocka_unit_test(test_satisfied_sets_are_valid),
		cmocka_unit_test(test_multiple_violations),
		cmocka_unit_test(test_draft_profile_rules),
		cmocka_unit_test(test_negotiation),
		cmocka_unit_test(test_negotiation_draft_refuses_standard_bits),
		cmocka_unit_test(test_guest_offloads_mapping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
