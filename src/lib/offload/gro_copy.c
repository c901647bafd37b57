// SPDX-License-Identifier: MIT
/* gro_copy.c - segments copied to flow buffers, summed in the same pass */

#include <errno.h>
#include <string.h>

#include "gro_priv.h"

#include "vnet/csum.h"

/**
 * gro_copy_sum() - copy a range of a frame and sum it, in one pass
 * @pkt:	the frame
 * @off:	first byte
 * @len:	bytes
 * @dst:	destination
 * @sum:	out: the range's partial sum, as from its first byte
 *
 * Return: 0, or -EFAULT if the range is not in the frame
 */
int gro_copy_sum(const struct vnet_pkt *pkt, size_t off, size_t len,
		 uint8_t *dst, uint32_t *sum)
{
	const struct iovec *v = pkt->iov;
	size_t done = 0, take;
	uint32_t s = 0, part;
	unsigned int i;

	if (!vnet_pkt_has(pkt, off, len))
		return -EFAULT;			/* outside the frame */
	for (i = 0; i < pkt->iovcnt && done < len; i++) {
		if (off >= v[i].iov_len) {
			off -= v[i].iov_len;
			continue;
		}
		take = v[i].iov_len - off;
		take = take > len - done ? len - done : take;
		part = vnet_csum_copy(dst + done,
				      (const uint8_t *)v[i].iov_base + off,
				      take);
		s = done ? vnet_csum_block_add(s, part, done) : part;
		done += take;
		off = 0;
	}
	*sum = s;
	return 0;
}

/**
 * gro_copy_first() - copy a TCP segment whole to the spare buffer, verified
 * @ctx:	the context
 * @s:		the segment, parsed, fields read; no tunnel
 *
 * A segment that may start a flow is copied once, to ctx->spare, its TCP
 * checksum summed in the same pass (unless its source vouched for it:
 * gro_trust_l4()); gro_hold() then swaps the buffer into the flow's slot
 * instead of copying again. Only for a segment with data and no trailer
 * (the checksum then covers the frame's tail exactly).
 *
 * Return: 1 if both the IPv4 header and the TCP checksum verify (or the
 * latter was vouched for), 0 if one does not, -1 if this path does not
 * apply (verify otherwise; always so in reference mode)
 */
int gro_copy_first(struct vnet_gro_ctx *ctx, struct gro_seg *s)
{
	const struct vnet_parse_layer *l = s->l;
	size_t len = vnet_pkt_len(s->pkt), ihl = l->l4_off - l->l3_off;
	const uint8_t *ip = s->hdr + l->l3_off;
	bool trusted = gro_trust_l4(s, l->l4_off, false);
	uint32_t sum;

	if (gro_is_ref(ctx))
		return -1;			/* nothing is copied */
	if (s->o || l->l4 != VNET_L4_TCP || !s->pay_len || l->trailer_len ||
	    len > ctx->buf_size || l->l3_off + l->l3_len != len)
		return -1;
	if (l->l3 == VNET_L3_IPV4 &&
	    vnet_csum_fold(vnet_csum_partial(ip, ihl, 0)) != 0xffff)
		return 0;
	memcpy(ctx->spare, s->hdr, l->l4_off);	/* hdr_len > l4_off */
	if (trusted) {
		if (vnet_pkt_read(s->pkt, l->l4_off, ctx->spare + l->l4_off,
				  len - l->l4_off))
			return -1;
		s->in_spare = true;
		return 1;
	}
	if (gro_copy_sum(s->pkt, l->l4_off, len - l->l4_off,
			 ctx->spare + l->l4_off, &sum))
		return -1;
	sum = vnet_csum_add(sum, gro_ip_pseudo(s->hdr, l->l3_off,
					       l->l3 == VNET_L3_IPV6, 6,
					       len - l->l4_off));
	s->in_spare = true;
	return vnet_csum_fold(sum) == 0xffff;
}
