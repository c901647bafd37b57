// SPDX-License-Identifier: MIT
/* gro_udp.c - UDP coalescing for USO delivery, Linux's udp_gro_receive_segment() */

#include <string.h>

#include "gro_priv.h"

#include "vnet/csum.h"

/**
 * gro_udp_match() - may a datagram join its flow
 * @ctx:	the context
 * @f:		the flow (same key; IP rules passed)
 * @s:		the datagram
 *
 * Datagrams of a flow must have the first one's size; one shorter may come
 * last and closes the flow.
 *
 * Return: the verdict
 */
enum gro_verdict gro_udp_match(struct vnet_gro_ctx *ctx,
			       struct vnet_gro_flow *f, struct gro_seg *s)
{
	const uint8_t *a = f->buf + f->l4_off, *b = s->hdr + f->l4_off;
	bool flush = false;

	flush |= !s->pay_len;				/* empty datagram */
	flush |= s->pay_len > f->mss;			/* larger than first */
	flush |= !vnet_load_be16(a + 6) != !vnet_load_be16(b + 6);
							/* csum presence */
	flush |= !gro_fits(ctx, f, s);			/* 64 KiB, seg cap */
	if (flush) {
		gro_bump(ctx, gro_fits(ctx, f, s) ? VNET_GRO_S_MISMATCH :
						    VNET_GRO_S_SIZE);
		return GRO_FLUSH_HOLD;
	}
	if (s->pay_len < f->mss) {
		gro_bump(ctx, VNET_GRO_S_SHORT);
		return GRO_MERGE_FLUSH;
	}
	return GRO_MERGE;
}

/**
 * gro_udp_finish() - the super-datagram's length, checksum field, header
 * @f:		the flow
 * @h:		host-side header to fill (GSO_UDP_L4)
 */
void gro_udp_finish(struct vnet_gro_flow *f, struct vnet_hdr *h)
{
	uint8_t *uh = f->buf + f->l4_off;
	size_t l4len = f->len - f->l4_off;
	uint16_t c;

	gro_put16(uh + 4, (uint16_t)l4len);
	c = vnet_csum_fold(gro_ip_pseudo(f->buf, f->l3_off, f->v6, 17, l4len));
	memcpy(uh + 6, &c, 2);
	h->flags = VNET_HDR_F_NEEDS_CSUM;
	h->gso_type = VNET_HDR_GSO_UDP_L4;
	h->gso_size = f->mss;
	h->csum_start = (uint16_t)f->l4_off;
	h->csum_offset = 6;
}
