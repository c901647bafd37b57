// SPDX-License-Identifier: MIT
/* fuzz_hdr.c - libFuzzer: feature sets, negotiation, the header codec */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnet/hdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: 16 bytes of offered features, 16 accepted, one byte of profile and
 * legacy endianness, then the header bytes. Properties: negotiation never
 * accepts a bit not offered; decode reads only what it is given (the copy is
 * an exact-size allocation) and decode(encode(decode(w))) == decode(w).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnet_features offer, acc, out;
	enum vnet_profile profile;
	struct vnet_hdr_layout l;
	struct vnet_hdr h, h2;
	uint8_t wire[VNET_HDR_LEN_MAX], *copy;
	char why[256];

	if (size < 33)
		return 0;
	memcpy(&offer, data, 16);
	memcpy(&acc, data + 16, 16);
	profile = data[32] & 1 ? VNET_PROFILE_DRAFT_V3 : VNET_PROFILE_STANDARD;
	if (!vnet_features_negotiate(&offer, &acc, profile, &out, why,
				     sizeof(why)) &&
	    ((out.w[0] & ~offer.w[0]) || (out.w[1] & ~offer.w[1])))
		abort();
	vnet_features_check(&acc, profile, NULL, 0);
	vnet_features_to_guest_offloads(&acc, profile);
	vnet_guest_offloads_to_features(acc.w[0], profile, &out);

	vnet_hdr_layout_init(&l, &acc, profile,
			     data[32] & 2 ? VNET_ENDIAN_BIG : VNET_ENDIAN_LITTLE);
	size -= 33;
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 33, size);
	if (vnet_hdr_decode(&l, copy, size, &h) == l.size) {
		if (vnet_hdr_encode(&l, &h, wire, sizeof(wire)) != l.size ||
		    vnet_hdr_decode(&l, wire, l.size, &h2) != l.size ||
		    /* decode zeroes the whole struct first: padding compares */
		    /* NOLINTNEXTLINE(bugprone-suspicious-memory-comparison,cert-exp42-c,cert-flp37-c) */
		    memcmp(&h, &h2, sizeof(h)))
			abort();
	}
	free(copy);
	return 0;
}
