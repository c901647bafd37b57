// SPDX-License-Identifier: MIT
/* gro_trust.c - what a segment's source vouched for: checksums summed once */

#include "gro_priv.h"

#include "vnet/hdr.h"

/**
 * gro_trust_of() - what a frame's host-side header vouches for
 * @h:		the header, or NULL
 *
 * DATA_VALID is the kernel's CHECKSUM_UNNECESSARY as a tap hands it over;
 * NEEDS_CSUM its CHECKSUM_PARTIAL (Linux's GRO trusts both:
 * __skb_gro_checksum_validate_needed()).
 *
 * Return: enum gro_trust
 */
enum gro_trust gro_trust_of(const struct vnet_hdr *h)
{
	if (!h)
		return GRO_TRUST_NONE;
	if (h->gso_type != VNET_HDR_GSO_NONE)
		return GRO_TRUST_GSO;
	if (h->flags & VNET_HDR_F_NEEDS_CSUM)
		return GRO_TRUST_PARTIAL;
	if (h->flags & VNET_HDR_F_DATA_VALID)
		return GRO_TRUST_VALID;
	return GRO_TRUST_NONE;
}

/**
 * gro_trust_l4() - may the segment's L4 checksum go unsummed
 * @s:		the segment, its trust set
 * @l4_off:	the coalesced layer's L4 header
 * @udp:	that layer is UDP (else TCP)
 *
 * A partial checksum is believed only where the sender says it is: at the
 * coalesced layer's checksum field (csum_start and csum_offset as the
 * header gives them, never the device's guess), as Linux only skips
 * validation when csum_start is at or past the header GRO has reached.
 *
 * Return: true for DATA_VALID, or NEEDS_CSUM at exactly that field
 */
bool gro_trust_l4(const struct gro_seg *s, size_t l4_off, bool udp)
{
	if (s->trust == GRO_TRUST_VALID)
		return true;
	return s->trust == GRO_TRUST_PARTIAL &&
	       s->vh->csum_start == l4_off &&
	       s->vh->csum_offset == (udp ? 6 : 16);
}
