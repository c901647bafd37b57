// SPDX-License-Identifier: MIT
/* gro_tunnel.c - the outer layers of VXLAN / Geneve coalescing */

#include <string.h>

#include "gro_priv.h"

#include "vnet/csum.h"

/**
 * gro_tunnel_flush() - the outer rules: IP, UDP checksum, tunnel, inner L2
 * @f:		the flow (a tunnel flow; same key)
 * @s:		the segment
 * @check_id:	apply the outer IPv4 ID rule
 *
 * Return: true if @s cannot join @f
 */
bool gro_tunnel_flush(const struct vnet_gro_flow *f, const struct gro_seg *s,
		      bool check_id)
{
	const uint8_t *a = f->buf, *b = s->hdr;
	size_t t = f->ol4_off + 8;
	bool flush = false;

	flush |= !s->o || s->o->l3_off != f->ol3_off;	/* outer layout */
	flush |= !s->o || s->o->l4_off != f->ol4_off;
	if (flush)
		return true;
	flush |= gro_ip_outer_flush(f, s, check_id);	/* outer IP rules */
	flush |= !vnet_load_be16(a + f->ol4_off + 6) !=
		 !vnet_load_be16(b + f->ol4_off + 6);	/* outer csum presence */
	flush |= memcmp(a + t, b + t, s->res.tunnel.hdr_len) != 0;
							/* tunnel hdr, options */
	flush |= memcmp(a + s->l->l2_off, b + s->l->l2_off,
			f->l3_off - s->l->l2_off) != 0;	/* inner Ethernet */
	return flush;
}

/**
 * gro_tunnel_finish() - outer lengths, outer checksum field, tunnel fields
 * @f:		the flow
 * @h:		host-side header, inner fields already set
 *
 * An outer UDP checksum that was present becomes the pseudo-header sum,
 * and UDP_TUNNEL_CSUM says so (Linux udp_gro_complete()).
 */
void gro_tunnel_finish(struct vnet_gro_flow *f, struct vnet_hdr *h)
{
	uint8_t *uh = f->buf + f->ol4_off;
	size_t ulen = f->len - f->ol4_off;
	uint16_t c;

	gro_ip_finish(f->buf, f->len, f->ol3_off, f->outer_v6);
	gro_put16(uh + 4, (uint16_t)ulen);
	if (vnet_load_be16(uh + 6)) {
		c = vnet_csum_fold(gro_ip_pseudo(f->buf, f->ol3_off,
						 f->outer_v6, 17, ulen));
		memcpy(uh + 6, &c, 2);
		h->flags |= VNET_HDR_F_UDP_TUNNEL_CSUM;
	}
	h->gso_type |= f->outer_v6 ? VNET_HDR_GSO_UDP_TUNNEL_IPV6 :
				     VNET_HDR_GSO_UDP_TUNNEL_IPV4;
	h->outer_th_offset = (uint16_t)f->ol4_off;
	h->inner_nh_offset = (uint16_t)f->l3_off;
}
