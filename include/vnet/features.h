/* SPDX-License-Identifier: MIT */
/* features.h - 128-bit virtio-net feature sets: names, requirements, negotiation */
#ifndef VNET_FEATURES_H
#define VNET_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet/export.h"

VNET_API_BEGIN

/*
 * Feature bit numbers of the network device (virtio 1.4, "Feature bits"),
 * its legacy bits, and the transport bits a network device negotiates.
 * The UDP tunnel bits lie beyond 64, hence 128-bit sets.
 */
enum vnet_feature_bit {
	VNET_F_CSUM = 0,
	VNET_F_GUEST_CSUM = 1,
	VNET_F_CTRL_GUEST_OFFLOADS = 2,
	VNET_F_MTU = 3,
	VNET_F_MAC = 5,
	VNET_F_GSO = 6, /* legacy */
	VNET_F_GUEST_TSO4 = 7,
	VNET_F_GUEST_TSO6 = 8,
	VNET_F_GUEST_ECN = 9,
	VNET_F_GUEST_UFO = 10,
	VNET_F_HOST_TSO4 = 11,
	VNET_F_HOST_TSO6 = 12,
	VNET_F_HOST_ECN = 13,
	VNET_F_HOST_UFO = 14,
	VNET_F_MRG_RXBUF = 15,
	VNET_F_STATUS = 16,
	VNET_F_CTRL_VQ = 17,
	VNET_F_CTRL_RX = 18,
	VNET_F_CTRL_VLAN = 19,
	VNET_F_CTRL_RX_EXTRA = 20,
	VNET_F_GUEST_ANNOUNCE = 21,
	VNET_F_MQ = 22,
	VNET_F_CTRL_MAC_ADDR = 23,
	VNET_F_ANY_LAYOUT = 27,
	VNET_F_INDIRECT_DESC = 28,
	VNET_F_EVENT_IDX = 29,
	VNET_F_VERSION_1 = 32,
	VNET_F_ACCESS_PLATFORM = 33,
	VNET_F_RING_PACKED = 34,
	VNET_F_IN_ORDER = 35,
	VNET_F_NOTIFICATION_DATA = 38,
	VNET_F_RING_RESET = 40,
	VNET_F_GUEST_RSC4 = 41, /* legacy */
	VNET_F_GUEST_RSC6 = 42, /* legacy */
	VNET_F_DEVICE_STATS = 50,
	VNET_F_HASH_TUNNEL = 51,
	VNET_F_VQ_NOTF_COAL = 52,
	VNET_F_NOTF_COAL = 53,
	VNET_F_GUEST_USO4 = 54,
	VNET_F_GUEST_USO6 = 55,
	VNET_F_HOST_USO = 56,
	VNET_F_HASH_REPORT = 57,
	VNET_F_GUEST_HDRLEN = 59,
	VNET_F_RSS = 60,
	VNET_F_RSC_EXT = 61,
	VNET_F_STANDBY = 62,
	VNET_F_SPEED_DUPLEX = 63,
	VNET_F_RSS_CONTEXT = 64,
	VNET_F_GUEST_UDP_TUNNEL_GSO = 65,
	VNET_F_GUEST_UDP_TUNNEL_GSO_CSUM = 66,
	VNET_F_HOST_UDP_TUNNEL_GSO = 67,
	VNET_F_HOST_UDP_TUNNEL_GSO_CSUM = 68,
	VNET_F_OUT_NET_HEADER = 69,
	VNET_F_IPSEC = 70,

	/* Draft v3 compatibility profile only (udp-tunnel-gso-draft-v3.txt). */
	VNET_F_DRAFT_GUEST_UDP_TUNNEL_GSO = 49,
	VNET_F_DRAFT_HOST_UDP_TUNNEL_GSO = 50, /* DEVICE_STATS in the standard */
};

#define VNET_FEATURE_BITS 128

/**
 * enum vnet_profile - which UDP tunnel GSO definition is in force
 * @VNET_PROFILE_STANDARD:	the merged standard (virtio 1.4, Linux 6.17+):
 *				bits 65..68, 24-byte header. The default.
 * @VNET_PROFILE_DRAFT_V3:	the May 2024 draft: bits 49/50, 28-byte
 *				header. Only when a caller asks for it; the
 *				standard tunnel bits are refused in it.
 */
enum vnet_profile {
	VNET_PROFILE_STANDARD = 0,
	VNET_PROFILE_DRAFT_V3 = 1,
};

/**
 * struct vnet_features - a set of feature bits
 * @w:	w[0] holds bits 0..63, w[1] bits 64..127
 */
struct vnet_features {
	uint64_t w[2];
};

/**
 * vnet_features_has() - is @bit in @f
 * @f:		feature set
 * @bit:	bit number; out-of-range bits are never set
 *
 * Return: true if set
 */
static inline bool vnet_features_has(const struct vnet_features *f,
				     unsigned int bit)
{
	if (bit >= VNET_FEATURE_BITS)
		return false;
	return (f->w[bit / 64] >> (bit % 64)) & 1;
}

/**
 * vnet_features_set() - add @bit to @f (out-of-range bits are ignored)
 * @f:		feature set
 * @bit:	bit number
 */
static inline void vnet_features_set(struct vnet_features *f, unsigned int bit)
{
	if (bit < VNET_FEATURE_BITS)
		f->w[bit / 64] |= 1ULL << (bit % 64);
}

/**
 * vnet_features_clear() - remove @bit from @f (out-of-range bits are ignored)
 * @f:		feature set
 * @bit:	bit number
 */
static inline void vnet_features_clear(struct vnet_features *f,
				       unsigned int bit)
{
	if (bit < VNET_FEATURE_BITS)
		f->w[bit / 64] &= ~(1ULL << (bit % 64));
}

/**
 * vnet_feature_name() - lowercase spec name of a bit, without prefix
 * @bit:	bit number
 * @profile:	profile that decides what bits 49 and 50 mean
 *
 * Return: the name ("host_tso4"), or NULL for a bit with no name
 */
const char *vnet_feature_name(unsigned int bit, enum vnet_profile profile);

/**
 * vnet_feature_by_name() - bit number of a lowercase spec name
 * @name:	name without VIRTIO_NET_F_ / VIRTIO_F_ prefix, e.g. "csum"
 * @len:	length of @name (it need not be NUL-terminated)
 * @profile:	profile that decides what the tunnel names mean
 *
 * Return: the bit number, or -ENOENT for an unknown name
 */
int vnet_feature_by_name(const char *name, size_t len,
			 enum vnet_profile profile);

/**
 * vnet_features_parse() - parse "csum,host_tso4" or a hex number ("0x...")
 * @spec:	NUL-terminated text; an empty string is the empty set
 * @profile:	naming profile
 * @out:	the set
 * @bad:	on -ENOENT, set to the unknown name (points into @spec)
 * @bad_len:	on -ENOENT, its length
 *
 * A hex number may hold up to 128 bits; bits without a name are refused too.
 *
 * Return: 0, -ENOENT for an unknown name or unnamed bit, -EINVAL for a
 *	   malformed or too long number
 */
int vnet_features_parse(const char *spec, enum vnet_profile profile,
			struct vnet_features *out, const char **bad,
			size_t *bad_len);

/**
 * struct vnet_feature_rule - one "Feature bit requirements" line
 * @feature:	the bit that has requirements
 * @all:	bits that must all be present
 * @any:	if non-empty, at least one of these must be present too
 */
struct vnet_feature_rule {
	unsigned int feature;
	struct vnet_features all;
	struct vnet_features any;
};

/**
 * vnet_features_check() - find every requirement @f breaks
 * @f:		feature set
 * @profile:	profile; in the draft profile the standard tunnel bits are
 *		themselves a violation, and the draft's rules apply
 * @out:	violated rules, in bit order (may be NULL if @max is 0)
 * @max:	capacity of @out
 *
 * Return: the number of violations (may exceed @max; only @max are stored)
 */
size_t vnet_features_check(const struct vnet_features *f,
			   enum vnet_profile profile,
			   const struct vnet_feature_rule **out, size_t max);

/**
 * vnet_feature_rule_format() - "host_tso4 requires csum" in @buf
 * @rule:	the rule
 * @profile:	naming profile
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: the length snprintf() would have written
 */
int vnet_feature_rule_format(const struct vnet_feature_rule *rule,
			     enum vnet_profile profile, char *buf, size_t len);

/**
 * vnet_features_negotiate() - what a device and a driver agree on
 * @offer:	what the device offers (must itself be valid)
 * @accepted:	what the driver accepted
 * @profile:	profile
 * @out:	the negotiated set, when 0 is returned
 * @why:	the reason for a refusal (may be NULL)
 * @why_len:	size of @why
 *
 * Return: 0; -EINVAL if the offer itself breaks a requirement; -EPERM if the
 *	   driver accepted a bit not offered or a set that breaks a requirement
 */
int vnet_features_negotiate(const struct vnet_features *offer,
			    const struct vnet_features *accepted,
			    enum vnet_profile profile, struct vnet_features *out,
			    char *why, size_t why_len);

/**
 * vnet_features_to_guest_offloads() - CTRL_GUEST_OFFLOADS bitmask of @f
 * @f:		feature set
 * @profile:	profile (tunnel bits 65/66 travel as 46/47 in the standard)
 *
 * Only the guest offload bits of @f are carried.
 *
 * Return: the 64-bit bitmask
 */
uint64_t vnet_features_to_guest_offloads(const struct vnet_features *f,
					 enum vnet_profile profile);

/**
 * vnet_guest_offloads_to_features() - feature set named by a bitmask
 * @offloads:	CTRL_GUEST_OFFLOADS_SET bitmask
 * @profile:	profile
 * @out:	the guest offload features it names
 *
 * Return: 0, or -EINVAL if a bit is not a guest offload
 */
int vnet_guest_offloads_to_features(uint64_t offloads, enum vnet_profile profile,
				    struct vnet_features *out);

VNET_API_END

#endif /* VNET_FEATURES_H */
