// SPDX-License-Identifier: MIT
/* features.c - feature names, "Feature bit requirements" rules, negotiation */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vnet/features.h"
#include "hex.h"

/* Compile-time 128-bit sets from bit numbers, for the rule table. */
#define LO(n) ((n) < 64 ? 1ULL << ((n) & 63) : 0)
#define HI(n) ((n) >= 64 ? 1ULL << ((n) & 63) : 0)
#define SET0 { { 0, 0 } }
#define SET1(a) { { LO(a), HI(a) } }
#define SET2(a, b) { { LO(a) | LO(b), HI(a) | HI(b) } }
#define SET3(a, b, c) { { LO(a) | LO(b) | LO(c), HI(a) | HI(b) | HI(c) } }
#define SET4(a, b, c, d) \
	{ { LO(a) | LO(b) | LO(c) | LO(d), HI(a) | HI(b) | HI(c) | HI(d) } }

#define NAMED_BITS 71

static const char *const feature_names[NAMED_BITS] = {
	[VNET_F_CSUM] = "csum",
	[VNET_F_GUEST_CSUM] = "guest_csum",
	[VNET_F_CTRL_GUEST_OFFLOADS] = "ctrl_guest_offloads",
	[VNET_F_MTU] = "mtu",
	[VNET_F_MAC] = "mac",
	[VNET_F_GSO] = "gso",
	[VNET_F_GUEST_TSO4] = "guest_tso4",
	[VNET_F_GUEST_TSO6] = "guest_tso6",
	[VNET_F_GUEST_ECN] = "guest_ecn",
	[VNET_F_GUEST_UFO] = "guest_ufo",
	[VNET_F_HOST_TSO4] = "host_tso4",
	[VNET_F_HOST_TSO6] = "host_tso6",
	[VNET_F_HOST_ECN] = "host_ecn",
	[VNET_F_HOST_UFO] = "host_ufo",
	[VNET_F_MRG_RXBUF] = "mrg_rxbuf",
	[VNET_F_STATUS] = "status",
	[VNET_F_CTRL_VQ] = "ctrl_vq",
	[VNET_F_CTRL_RX] = "ctrl_rx",
	[VNET_F_CTRL_VLAN] = "ctrl_vlan",
	[VNET_F_CTRL_RX_EXTRA] = "ctrl_rx_extra",
	[VNET_F_GUEST_ANNOUNCE] = "guest_announce",
	[VNET_F_MQ] = "mq",
	[VNET_F_CTRL_MAC_ADDR] = "ctrl_mac_addr",
	[VNET_F_ANY_LAYOUT] = "any_layout",
	[VNET_F_INDIRECT_DESC] = "indirect_desc",
	[VNET_F_EVENT_IDX] = "event_idx",
	[VNET_F_VERSION_1] = "version_1",
	[VNET_F_ACCESS_PLATFORM] = "access_platform",
	[VNET_F_RING_PACKED] = "ring_packed",
	[VNET_F_IN_ORDER] = "in_order",
	[VNET_F_NOTIFICATION_DATA] = "notification_data",
	[VNET_F_RING_RESET] = "ring_reset",
	[VNET_F_GUEST_RSC4] = "guest_rsc4",
	[VNET_F_GUEST_RSC6] = "guest_rsc6",
	[VNET_F_DEVICE_STATS] = "device_stats",
	[VNET_F_HASH_TUNNEL] = "hash_tunnel",
	[VNET_F_VQ_NOTF_COAL] = "vq_notf_coal",
	[VNET_F_NOTF_COAL] = "notf_coal",
	[VNET_F_GUEST_USO4] = "guest_uso4",
	[VNET_F_GUEST_USO6] = "guest_uso6",
	[VNET_F_HOST_USO] = "host_uso",
	[VNET_F_HASH_REPORT] = "hash_report",
	[VNET_F_GUEST_HDRLEN] = "guest_hdrlen",
	[VNET_F_RSS] = "rss",
	[VNET_F_RSC_EXT] = "rsc_ext",
	[VNET_F_STANDBY] = "standby",
	[VNET_F_SPEED_DUPLEX] = "speed_duplex",
	[VNET_F_RSS_CONTEXT] = "rss_context",
	[VNET_F_GUEST_UDP_TUNNEL_GSO] = "guest_udp_tunnel_gso",
	[VNET_F_GUEST_UDP_TUNNEL_GSO_CSUM] = "guest_udp_tunnel_gso_csum",
	[VNET_F_HOST_UDP_TUNNEL_GSO] = "host_udp_tunnel_gso",
	[VNET_F_HOST_UDP_TUNNEL_GSO_CSUM] = "host_udp_tunnel_gso_csum",
	[VNET_F_OUT_NET_HEADER] = "out_net_header",
	[VNET_F_IPSEC] = "ipsec",
};

/* Rules shared by both profiles: virtio 1.4 "Feature bit requirements". */
static const struct vnet_feature_rule common_rules[] = {
	{ VNET_F_GUEST_TSO4, SET1(VNET_F_GUEST_CSUM), SET0 },
	{ VNET_F_GUEST_TSO6, SET1(VNET_F_GUEST_CSUM), SET0 },
	{ VNET_F_GUEST_ECN, SET0, SET2(VNET_F_GUEST_TSO4, VNET_F_GUEST_TSO6) },
	{ VNET_F_GUEST_UFO, SET1(VNET_F_GUEST_CSUM), SET0 },
	{ VNET_F_GUEST_USO4, SET1(VNET_F_GUEST_CSUM), SET0 },
	{ VNET_F_GUEST_USO6, SET1(VNET_F_GUEST_CSUM), SET0 },
	{ VNET_F_HOST_TSO4, SET1(VNET_F_CSUM), SET0 },
	{ VNET_F_HOST_TSO6, SET1(VNET_F_CSUM), SET0 },
	{ VNET_F_HOST_ECN, SET0, SET2(VNET_F_HOST_TSO4, VNET_F_HOST_TSO6) },
	{ VNET_F_HOST_UFO, SET1(VNET_F_CSUM), SET0 },
	{ VNET_F_HOST_USO, SET1(VNET_F_CSUM), SET0 },
	{ VNET_F_CTRL_RX, SET1(VNET_F_CTRL_VQ), SET0 },
	{ VNET_F_CTRL_VLAN, SET1(VNET_F_CTRL_VQ), SET0 },
	{ VNET_F_GUEST_ANNOUNCE, SET1(VNET_F_CTRL_VQ), SET0 },
	{ VNET_F_MQ, SET1(VNET_F_CTRL_VQ), SET0 },
	{ VNET_F_CTRL_MAC_ADDR, SET1(VNET_F_CTRL_VQ), SET0 },
	{ VNET_F_NOTF_COAL, SET1(VNET_F_CTRL_VQ), SET0 },
	{ VNET_F_HASH_TUNNEL, SET1(VNET_F_CTRL_VQ),
	  SET2(VNET_F_RSS, VNET_F_HASH_REPORT) },
	{ VNET_F_VQ_NOTF_COAL, SET1(VNET_F_CTRL_VQ), SET0 },
	{ VNET_F_RSS, SET1(VNET_F_CTRL_VQ), SET0 },
	{ VNET_F_RSC_EXT, SET0, SET2(VNET_F_HOST_TSO4, VNET_F_HOST_TSO6) },
	{ VNET_F_RSS_CONTEXT, SET2(VNET_F_CTRL_VQ, VNET_F_RSS), SET0 },
};

/* The merged standard's tunnel rules: AND, not OR. */
static const struct vnet_feature_rule standard_tunnel_rules[] = {
	{ VNET_F_GUEST_UDP_TUNNEL_GSO,
	  SET4(VNET_F_GUEST_TSO4, VNET_F_GUEST_TSO6, VNET_F_GUEST_USO4,
	       VNET_F_GUEST_USO6), SET0 },
	{ VNET_F_GUEST_UDP_TUNNEL_GSO_CSUM,
	  SET1(VNET_F_GUEST_UDP_TUNNEL_GSO), SET0 },
	{ VNET_F_HOST_UDP_TUNNEL_GSO,
	  SET3(VNET_F_HOST_TSO4, VNET_F_HOST_TSO6, VNET_F_HOST_USO), SET0 },
	{ VNET_F_HOST_UDP_TUNNEL_GSO_CSUM,
	  SET1(VNET_F_HOST_UDP_TUNNEL_GSO), SET0 },
};

/*
 * The draft's rules are "one of". Its HOST line names GUEST_USO4/6, a
 * slip of the draft: read as HOST_USO, the host-side equivalent.
 */
static const struct vnet_feature_rule draft_tunnel_rules[] = {
	{ VNET_F_DRAFT_GUEST_UDP_TUNNEL_GSO, SET0,
	  SET4(VNET_F_GUEST_TSO4, VNET_F_GUEST_TSO6, VNET_F_GUEST_USO4,
	       VNET_F_GUEST_USO6) },
	{ VNET_F_DRAFT_HOST_UDP_TUNNEL_GSO, SET0,
	  SET3(VNET_F_HOST_TSO4, VNET_F_HOST_TSO6, VNET_F_HOST_USO) },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *vnet_feature_name(unsigned int bit, enum vnet_profile profile)
{
	if (profile == VNET_PROFILE_DRAFT_V3) {
		if (bit == VNET_F_DRAFT_GUEST_UDP_TUNNEL_GSO)
			return "guest_udp_tunnel_gso";
		if (bit == VNET_F_DRAFT_HOST_UDP_TUNNEL_GSO)
			return "host_udp_tunnel_gso";
		if (bit >= VNET_F_GUEST_UDP_TUNNEL_GSO &&
		    bit <= VNET_F_HOST_UDP_TUNNEL_GSO_CSUM)
			return NULL; /* never mixed with the standard bits */
	}
	if (bit >= NAMED_BITS)
		return NULL;
	return feature_names[bit];
}

int vnet_feature_by_name(const char *name, size_t len,
			 enum vnet_profile profile)
{
	unsigned int bit;

	for (bit = 0; bit < NAMED_BITS; bit++) {
		const char *n = vnet_feature_name(bit, profile);

		if (n && strlen(n) == len && !memcmp(n, name, len))
			return (int)bit;
	}
	return -ENOENT;
}

/* Parse "0x..." of up to 32 digits, then refuse bits without a name. */
static int parse_hex(const char *s, enum vnet_profile profile,
		     struct vnet_features *out, const char **bad,
		     size_t *bad_len)
{
	size_t n = strlen(s), i;
	unsigned int bit;

	if (n == 0 || n > 32)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		int d = hex_digit(s[i]);

		if (d < 0)
			return -EINVAL;
		out->w[1] = out->w[1] << 4 | out->w[0] >> 60;
		out->w[0] = out->w[0] << 4 | (uint64_t)d;
	}
	for (bit = 0; bit < VNET_FEATURE_BITS; bit++) {
		if (vnet_features_has(out, bit) &&
		    !vnet_feature_name(bit, profile)) {
			*bad = s - 2; /* the whole "0x..." */
			*bad_len = n + 2;
			return -ENOENT;
		}
	}
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

int vnet_features_parse(const char *spec, enum vnet_profile profile,
			struct vnet_features *out, const char **bad,
			size_t *bad_len)
{
	const char *p = spec;

	memset(out, 0, sizeof(*out));
	while (is_space(*p))
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		return parse_hex(p + 2, profile, out, bad, bad_len);

	while (*p) {
		const char *end = p;
		size_t len;
		int bit;

		while (*end && *end != ',')
			end++;
		len = (size_t)(end - p);
		while (len && is_space(*p)) {
			p++;
			len--;
		}
		while (len && is_space(p[len - 1]))
			len--;
		if (len) {
			bit = vnet_feature_by_name(p, len, profile);
			if (bit < 0) {
				*bad = p;
				*bad_len = len;
				return -ENOENT;
			}
			vnet_features_set(out, (unsigned int)bit);
		}
		p = *end ? end + 1 : end;
	}
	return 0;
}

static bool set_contains_all(const struct vnet_features *f,
			     const struct vnet_features *req)
{
	return (f->w[0] & req->w[0]) == req->w[0] &&
	       (f->w[1] & req->w[1]) == req->w[1];
}

static bool set_is_empty(const struct vnet_features *f)
{
	return !f->w[0] && !f->w[1];
}

static bool set_meets_any(const struct vnet_features *f,
			  const struct vnet_features *any)
{
	return set_is_empty(any) || (f->w[0] & any->w[0]) ||
	       (f->w[1] & any->w[1]);
}

static bool rule_broken(const struct vnet_feature_rule *r,
			const struct vnet_features *f)
{
	return vnet_features_has(f, r->feature) &&
	       !(set_contains_all(f, &r->all) && set_meets_any(f, &r->any));
}

/* Collect broken rules of @rules into @out, continuing at count @n. */
static size_t check_table(const struct vnet_feature_rule *rules, size_t count,
			  const struct vnet_features *f,
			  const struct vnet_feature_rule **out, size_t max,
			  size_t n)
{
	size_t i;

	for (i = 0; i < count; i++) {
		if (!rule_broken(&rules[i], f))
			continue;
		if (n < max)
			out[n] = &rules[i];
		n++;
	}
	return n;
}

size_t vnet_features_check(const struct vnet_features *f,
			   enum vnet_profile profile,
			   const struct vnet_feature_rule **out, size_t max)
{
	size_t n;

	n = check_table(common_rules, ARRAY_SIZE(common_rules), f, out, max, 0);
	if (profile == VNET_PROFILE_DRAFT_V3)
		return check_table(draft_tunnel_rules,
				   ARRAY_SIZE(draft_tunnel_rules), f, out, max,
				   n);
	return check_table(standard_tunnel_rules,
			   ARRAY_SIZE(standard_tunnel_rules), f, out, max, n);
}

/* Bounded text output: counts what would have been written, like snprintf. */
struct text {
	char *buf;
	size_t len;
	size_t used;
};

static void text_add(struct text *t, const char *a, const char *b)
{
	size_t room = t->used < t->len ? t->len - t->used : 0;
	int w = snprintf(room ? t->buf + t->used : NULL, room, "%s%s", a, b);

	if (w > 0)
		t->used += (size_t)w;
}

/* Append "a, b and c" (or "a or b") for the bits of @set. */
static void format_list(struct text *t, const struct vnet_features *set,
			const char *last_sep, enum vnet_profile profile)
{
	unsigned int bit, total = 0, done = 0;

	for (bit = 0; bit < VNET_FEATURE_BITS; bit++)
		total += vnet_features_has(set, bit);
	for (bit = 0; bit < VNET_FEATURE_BITS; bit++) {
		const char *sep = "";

		if (!vnet_features_has(set, bit))
			continue;
		if (done)
			sep = done + 1 == total ? last_sep : ", ";
		text_add(t, sep, vnet_feature_name(bit, profile));
		done++;
	}
}

int vnet_feature_rule_format(const struct vnet_feature_rule *rule,
			     enum vnet_profile profile, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	text_add(&t, vnet_feature_name(rule->feature, profile), " requires ");
	if (!set_is_empty(&rule->all))
		format_list(&t, &rule->all, " and ", profile);
	if (!set_is_empty(&rule->all) && !set_is_empty(&rule->any))
		text_add(&t, " along with ", "");
	if (!set_is_empty(&rule->any))
		format_list(&t, &rule->any, " or ", profile);
	return (int)t.used;
}

/* First bit of @f with no name in @profile, or -1. */
static int first_unnamed_bit(const struct vnet_features *f,
			     enum vnet_profile profile)
{
	unsigned int bit;

	for (bit = 0; bit < VNET_FEATURE_BITS; bit++)
		if (vnet_features_has(f, bit) &&
		    !vnet_feature_name(bit, profile))
			return (int)bit;
	return -1;
}

static int refuse(char *why, size_t why_len, int err, const char *what,
		  const struct vnet_features *f, enum vnet_profile profile)
{
	const struct vnet_feature_rule *rule;
	int w;

	if (!why || !why_len)
		return err;
	w = snprintf(why, why_len, "%s: ", what);
	if ((size_t)w < why_len && vnet_features_check(f, profile, &rule, 1))
		vnet_feature_rule_format(rule, profile, why + w,
					 why_len - (size_t)w);
	return err;
}

int vnet_features_negotiate(const struct vnet_features *offer,
			    const struct vnet_features *accepted,
			    enum vnet_profile profile, struct vnet_features *out,
			    char *why, size_t why_len)
{
	struct vnet_features extra = { { accepted->w[0] & ~offer->w[0],
					 accepted->w[1] & ~offer->w[1] } };
	int bit;

	bit = first_unnamed_bit(offer, profile);
	if (bit >= 0) {
		if (why && why_len)
			snprintf(why, why_len, "offer: bit %d has no meaning%s",
				 bit, profile == VNET_PROFILE_DRAFT_V3 ?
				 " in the draft-v3 profile" : "");
		return -EINVAL;
	}
	if (vnet_features_check(offer, profile, NULL, 0))
		return refuse(why, why_len, -EINVAL, "offer", offer, profile);
	if (!set_is_empty(&extra)) {
		bit = extra.w[0] ? __builtin_ctzll(extra.w[0])
				 : 64 + __builtin_ctzll(extra.w[1]);
		if (why && why_len)
			snprintf(why, why_len,
				 "driver accepted bit %d (%s), not offered",
				 bit, vnet_feature_name((unsigned int)bit,
							profile) ?: "unnamed");
		return -EPERM;
	}
	if (vnet_features_check(accepted, profile, NULL, 0))
		return refuse(why, why_len, -EPERM, "driver", accepted,
			      profile);
	*out = *accepted;
	return 0;
}

/* Guest offload feature bits and the bitmask bit each travels as. */
struct offload_map {
	unsigned int feature;
	unsigned int mask_bit;
};

static const struct offload_map common_offloads[] = {
	{ VNET_F_GUEST_CSUM, 1 },	{ VNET_F_GUEST_TSO4, 7 },
	{ VNET_F_GUEST_TSO6, 8 },	{ VNET_F_GUEST_ECN, 9 },
	{ VNET_F_GUEST_UFO, 10 },	{ VNET_F_GUEST_USO4, 54 },
	{ VNET_F_GUEST_USO6, 55 },
};

static const struct offload_map standard_offloads[] = {
	{ VNET_F_GUEST_UDP_TUNNEL_GSO, 46 },
	{ VNET_F_GUEST_UDP_TUNNEL_GSO_CSUM, 47 },
};

static const struct offload_map draft_offloads[] = {
	{ VNET_F_DRAFT_GUEST_UDP_TUNNEL_GSO, 49 },
};

static const struct offload_map *tunnel_offloads(enum vnet_profile profile,
						 size_t *count)
{
	if (profile == VNET_PROFILE_DRAFT_V3) {
		*count = ARRAY_SIZE(draft_offloads);
		return draft_offloads;
	}
	*count = ARRAY_SIZE(standard_offloads);
	return standard_offloads;
}

static uint64_t map_to_mask(const struct offload_map *m, size_t n,
			    const struct vnet_features *f)
{
	uint64_t mask = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (vnet_features_has(f, m[i].feature))
			mask |= 1ULL << m[i].mask_bit;
	return mask;
}

uint64_t vnet_features_to_guest_offloads(const struct vnet_features *f,
					 enum vnet_profile profile)
{
	size_t n;
	const struct offload_map *t = tunnel_offloads(profile, &n);

	return map_to_mask(common_offloads, ARRAY_SIZE(common_offloads), f) |
	       map_to_mask(t, n, f);
}

/* Move the bits of @m found in *@mask into @out, clearing them in *@mask. */
static void map_from_mask(const struct offload_map *m, size_t n,
			  uint64_t *mask, struct vnet_features *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!(*mask & (1ULL << m[i].mask_bit)))
			continue;
		vnet_features_set(out, m[i].feature);
		*mask &= ~(1ULL << m[i].mask_bit);
	}
}

int vnet_guest_offloads_to_features(uint64_t offloads, enum vnet_profile profile,
				    struct vnet_features *out)
{
	size_t n;
	const struct offload_map *t = tunnel_offloads(profile, &n);

	memset(out, 0, sizeof(*out));
	map_from_mask(common_offloads, ARRAY_SIZE(common_offloads), &offloads,
		      out);
	map_from_mask(t, n, &offloads, out);
	return offloads ? -EINVAL : 0;
}
