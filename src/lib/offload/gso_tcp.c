// SPDX-License-Identifier: MIT
/* gso_tcp.c - TCP segmentation (TSO) over IPv4 and IPv6, as tcp_gso_segment */

#include <string.h>

#include "vnet/pkt.h"
#include "gso_priv.h"

/**
 * gso_tcp_fix() - one segment's TCP and IP fields
 * @st:		state
 * @hdr:	the segment's header
 * @i:		segment index
 * @n:		payload bytes
 *
 * Sequence number advanced by the MSS per segment; FIN and PSH only on the
 * last segment, CWR only on the first (Linux clears it after the first
 * whatever GSO_ECN says); IPv4 ID incremented per segment; lengths and
 * both checksums complete.
 */
static void gso_tcp_fix(struct gso_state *st, uint8_t *hdr, unsigned int i,
			size_t n)
{
	const struct vnet_parse_layer *l = st->l;
	uint8_t *th = hdr + l->l4_off;
	size_t l4len = st->hlen - l->l4_off + n;
	uint32_t seq = st->seq0 + (uint32_t)((size_t)i * st->mss);
	uint8_t fl[2] = { st->tmpl[l->l4_off + 12], st->tmpl[l->l4_off + 13] };
	uint64_t sum;
	uint16_t c;

	if (i + 1 < st->nseg)
		fl[1] &= (uint8_t)~(VNET_TCP_FIN | VNET_TCP_PSH);
	if (i)
		fl[1] &= (uint8_t)~VNET_TCP_CWR;
	gso_put32(th + 4, seq);
	th[13] = fl[1];
	gso_fix_l3(hdr, l, st->hlen - l->l3_off + n, (uint16_t)(st->id0 + i),
		   st->ip_base);
	/* From values, not reloads: a load of fresh stores would stall. */
	sum = (uint64_t)st->l4_base + gso_val32(seq) + gso_ld16(fl) +
	      gso_len_sum((uint32_t)l4len) + gso_payload_sum(st, l);
	c = gso_finish(sum, false);
	memcpy(th + 16, &c, 2);
}

/**
 * gso_tcp_segment() - segment a TCP frame
 * @st:		state, with the template and sizes set
 *
 * Return: segments made, or -ENOSPC
 */
int gso_tcp_segment(struct gso_state *st)
{
	const struct vnet_parse_layer *l = st->l;

	st->seq0 = vnet_load_be32(st->tmpl + l->l4_off + 4);
	st->id0 = l->l3 == VNET_L3_IPV4 ?
		  vnet_load_be16(st->tmpl + l->l3_off + 4) : 0;
	static const size_t zero[] = { 4, 6, 12, 16 };	/* seq, flags, csum */

	st->ip_base = gso_ip_base(st->tmpl, l);
	st->l4_base = gso_l4_base(st->tmpl, l, zero, 4);
	st->inner_fix = gso_tcp_fix;
	st->fast = st->outer_fix ? 0 : GSO_FAST_TCP;
	return gso_run(st);
}
