// SPDX-License-Identifier: MIT
/* gro_tcp.c - TCP coalescing over IPv4 and IPv6, Linux's tcp_gro_receive() */

#include <string.h>

#include "gro_priv.h"

#include "vnet/csum.h"

/* Flags that close a flow after the segment carrying them (Linux). */
#define GRO_TCP_CLOSE	(VNET_TCP_URG | VNET_TCP_PSH | VNET_TCP_RST | \
			 VNET_TCP_SYN | VNET_TCP_FIN)

/*
 * Flags that keep a segment from starting a flow: the above, and CWR, as
 * Linux 6.18 does since AccECN (a CWR segment goes up alone: seen by
 * tests/interop/gro_kernel.py; older kernels let it start a flow and set
 * SKB_GSO_TCP_ECN on the result).
 */
#define GRO_TCP_ALONE	(GRO_TCP_CLOSE | VNET_TCP_CWR)

/**
 * gro_tcp_first() - a segment that starts a flow (or follows a flush)
 * @ctx:	the context
 * @s:		the segment
 *
 * Linux: a segment without payload, or with URG/PSH/RST/SYN/FIN (or CWR),
 * is not held (out_check_final with mss 1); anything else is.
 *
 * Return: GRO_FLUSH_HOLD or GRO_FLUSH_PASS
 */
enum gro_verdict gro_tcp_first(struct vnet_gro_ctx *ctx,
			       const struct gro_seg *s)
{
	if (!s->pay_len) {
		gro_bump(ctx, VNET_GRO_S_PURE_ACK);
		return GRO_FLUSH_PASS;
	}
	if (s->flags & GRO_TCP_ALONE) {
		gro_bump(ctx, s->flags & VNET_TCP_PSH ? VNET_GRO_S_PSH :
						      VNET_GRO_S_FINALIZE);
		return GRO_FLUSH_PASS;
	}
	return GRO_FLUSH_HOLD;
}

/**
 * gro_tcp_why() - the counter for a refused segment
 * @ctx:	the context
 * @f:		the flow
 * @s:		the segment
 *
 * Return: the most telling reason
 */
static enum vnet_gro_stat gro_tcp_why(const struct vnet_gro_ctx *ctx,
				      const struct vnet_gro_flow *f,
				      const struct gro_seg *s)
{
	if (!s->pay_len)
		return VNET_GRO_S_PURE_ACK;
	if (s->flags & (VNET_TCP_CWR | VNET_TCP_ECE | VNET_TCP_URG |
			VNET_TCP_RST | VNET_TCP_SYN))
		return VNET_GRO_S_FINALIZE;
	if (s->seq != f->next_seq)
		return VNET_GRO_S_OUT_OF_ORDER;
	if (!gro_fits(ctx, f, s))
		return VNET_GRO_S_SIZE;
	return VNET_GRO_S_MISMATCH;
}

/**
 * gro_tcp_match() - may a segment join its flow: Linux's criteria
 * @ctx:	the context
 * @f:		the flow (same key; IP rules passed)
 * @s:		the segment
 *
 * Return: the verdict
 */
enum gro_verdict gro_tcp_match(struct vnet_gro_ctx *ctx,
			       struct vnet_gro_flow *f, struct gro_seg *s)
{
	const uint8_t *a = f->buf + f->l4_off, *b = s->hdr + f->l4_off;
	size_t thl = f->hdr_len - f->l4_off;
	bool flush = false;

	flush |= (s->flags & VNET_TCP_CWR) != 0;	/* CWR never joins */
	flush |= ((a[13] ^ s->flags) &
		  ~(VNET_TCP_CWR | VNET_TCP_FIN | VNET_TCP_PSH)) != 0;
							/* same flags */
	flush |= vnet_load_be16(a + 14) != s->win;	/* same window */
	flush |= vnet_load_be32(a + 8) != s->ack;	/* same ACK */
	flush |= memcmp(a + 20, b + 20, thl - 20) != 0;	/* same options */
	flush |= !s->pay_len || s->pay_len > f->mss;	/* (len - 1) >= mss */
	flush |= s->seq != f->next_seq;			/* in order */
	flush |= !gro_fits(ctx, f, s);			/* 64 KiB, seg cap */
	if (flush) {
		gro_bump(ctx, gro_tcp_why(ctx, f, s));
		return gro_tcp_first(ctx, s);
	}
	if (s->pay_len < f->mss) {
		gro_bump(ctx, VNET_GRO_S_SHORT);
		return GRO_MERGE_FLUSH;
	}
	if (s->flags & GRO_TCP_CLOSE) {
		gro_bump(ctx, s->flags & VNET_TCP_PSH ? VNET_GRO_S_PSH :
						      VNET_GRO_S_FINALIZE);
		return GRO_MERGE_FLUSH;
	}
	return GRO_MERGE;
}

/**
 * gro_tcp_merged() - update a flow's TCP state after an append
 * @ctx:	the context
 * @f:		the flow
 * @s:		the segment appended
 */
void gro_tcp_merged(struct vnet_gro_ctx *ctx, struct vnet_gro_flow *f,
		    const struct gro_seg *s)
{
	if (ctx->p.flags & VNET_GRO_F_RSC) {
		rsc_tcp_merged(f, s);
		return;
	}
	f->next_seq += (uint32_t)s->pay_len;
	/* Linux: tcp_flag_word(th2) |= flags & (TCP_FLAG_FIN | TCP_FLAG_PSH) */
	f->buf[f->l4_off + 13] |= s->flags & (VNET_TCP_FIN | VNET_TCP_PSH);
}

/**
 * gro_tcp_finish() - the super-frame's TCP checksum field and header
 * @f:		the flow
 * @h:		host-side header to fill
 *
 * The checksum field gets the pseudo-header sum over the whole TCP length
 * (CHECKSUM_PARTIAL). GSO_ECN is set when the first segment carried CWR,
 * as Linux's tcp_gro_complete() does (with GRO rules a CWR segment never
 * starts a flow any more; RSC keeps the newest flags, so it can arise).
 */
void gro_tcp_finish(struct vnet_gro_flow *f, struct vnet_hdr *h)
{
	uint8_t *th = f->buf + f->l4_off;
	uint16_t c;

	c = vnet_csum_fold(gro_ip_pseudo(f->buf, f->l3_off, f->v6, 6,
					 f->len - f->l4_off));
	memcpy(th + 16, &c, 2);
	h->flags = VNET_HDR_F_NEEDS_CSUM;
	h->gso_type = f->v6 ? VNET_HDR_GSO_TCPV6 : VNET_HDR_GSO_TCPV4;
	if (th[13] & VNET_TCP_CWR)
		h->gso_type |= VNET_HDR_GSO_ECN;
	h->gso_size = f->mss;
	h->csum_start = (uint16_t)f->l4_off;
	h->csum_offset = 16;
}
