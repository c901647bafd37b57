// SPDX-License-Identifier: MIT
/* rsc.c - RSC_EXT coalescing rules (QEMU's virtio-net RSC, Windows HCK) */

#include <string.h>

#include "gro_priv.h"

/*
 * What differs from Linux GRO, after QEMU commit 2974e916df:
 * - bypass (passed at once, the flow left alone): SYN, IP options or IPv6
 *   extension headers, fragments, ECN bits in the IP header;
 * - finalize (the flow released, then the segment passed): FIN, URG, RST,
 *   ECE, CWR; a segment out of order; a pure ACK that moves the ACK on;
 * - a pure ACK at the expected sequence with the held ACK and window is a
 *   duplicate ACK: absorbed and counted (csum_offset of the header); with
 *   a new window it is a window update, absorbed into the held header;
 * - data may move the ACK and window on, and PSH joins; the held header
 *   takes the newest segment's flags, ACK and window;
 * - the IPv4 ID is not looked at (Windows repeats it, per the commit);
 * - flows are released by the timer (and the held-bytes bound), not at
 *   the end of each burst: the caller flushes with VNET_GRO_FLUSH_EXPIRED.
 */

/* Flags that finalize a flow. */
#define RSC_FINALIZE	(VNET_TCP_FIN | VNET_TCP_URG | VNET_TCP_RST | \
			 VNET_TCP_ECE | VNET_TCP_CWR)

/* An ACK that moves on by this much or more is out of the window. */
#define RSC_ACK_WINDOW	65535u

/**
 * rsc_ecn() - ECN bits set in an IP header
 * @s:		the segment
 * @l:		its layer
 *
 * Return: true if ECT(0), ECT(1) or CE is set
 */
static bool rsc_ecn(const struct gro_seg *s, const struct vnet_parse_layer *l)
{
	uint8_t b[2];

	if (l->l3 == VNET_L3_IPV4)
		return l->ipv4.tos & 0x3;
	if (vnet_pkt_read(s->pkt, l->l3_off, b, 2))
		return false;
	return (b[1] >> 4) & 0x3;	/* traffic class, low two bits */
}

/**
 * rsc_bypass() - does RSC pass this TCP segment at once
 * @ctx:	the context (counters)
 * @s:		the segment, parsed, layers chosen
 *
 * Return: true for SYN, IP options, fragments and ECN (counted)
 */
bool rsc_bypass(struct vnet_gro_ctx *ctx, const struct gro_seg *s)
{
	const struct vnet_parse_layer *l = s->l;

	if (l->l4 != VNET_L4_TCP)
		return false;
	if (l->tcp_flags & VNET_TCP_SYN) {
		gro_bump(ctx, VNET_GRO_S_SYN);
		return true;
	}
	if ((l->l3 == VNET_L3_IPV4 && l->ipv4.options) ||
	    (l->l3 == VNET_L3_IPV6 && l->ipv6.ext)) {
		gro_bump(ctx, VNET_GRO_S_IP_OPTS);
		return true;
	}
	if (l->frag != VNET_FRAG_NONE && l->frag != VNET_FRAG_ATOMIC) {
		gro_bump(ctx, VNET_GRO_S_FRAG);
		return true;
	}
	if (rsc_ecn(s, l)) {
		gro_bump(ctx, VNET_GRO_S_ECN);
		return true;
	}
	return false;
}

/**
 * rsc_tcp_first() - a segment with no flow held (or after a flush)
 * @ctx:	the context
 * @s:		the segment
 *
 * Return: GRO_FLUSH_PASS for finalizing flags and pure ACKs, else
 * GRO_FLUSH_HOLD
 */
enum gro_verdict rsc_tcp_first(struct vnet_gro_ctx *ctx,
			       const struct gro_seg *s)
{
	if (s->flags & RSC_FINALIZE) {
		gro_bump(ctx, VNET_GRO_S_FINALIZE);
		return GRO_FLUSH_PASS;
	}
	if (!s->pay_len) {
		gro_bump(ctx, VNET_GRO_S_PURE_ACK);
		return GRO_FLUSH_PASS;
	}
	return GRO_FLUSH_HOLD;
}

/**
 * rsc_pure_ack() - a segment without data against a held flow
 * @ctx:	the context
 * @f:		the flow
 * @s:		the segment
 *
 * Return: GRO_ABSORB for a duplicate ACK or a window update, else
 * GRO_FLUSH_PASS
 */
static enum gro_verdict rsc_pure_ack(struct vnet_gro_ctx *ctx,
				     struct vnet_gro_flow *f,
				     const struct gro_seg *s)
{
	uint8_t *th = f->buf + f->l4_off;

	if (s->seq != f->next_seq || s->ack != vnet_load_be32(th + 8)) {
		gro_bump(ctx, VNET_GRO_S_PURE_ACK);
		return GRO_FLUSH_PASS;
	}
	if (s->win == vnet_load_be16(th + 14)) {
		gro_bump(ctx, VNET_GRO_S_DUP_ACK);
		if (f->dup_acks < UINT16_MAX)
			f->dup_acks++;
		return GRO_ABSORB;
	}
	gro_bump(ctx, VNET_GRO_S_WIN_UPDATE);
	gro_put16(th + 14, s->win);
	f->rewritten = true;
	return GRO_ABSORB;
}

/**
 * rsc_tcp_match() - may a segment join its flow: the RSC criteria
 * @ctx:	the context
 * @f:		the flow (same key; IP rules passed, ID excepted)
 * @s:		the segment
 *
 * Return: the verdict
 */
enum gro_verdict rsc_tcp_match(struct vnet_gro_ctx *ctx,
			       struct vnet_gro_flow *f, struct gro_seg *s)
{
	uint32_t held_ack = vnet_load_be32(f->buf + f->l4_off + 8);

	if (s->flags & RSC_FINALIZE) {
		gro_bump(ctx, VNET_GRO_S_FINALIZE);
		return GRO_FLUSH_PASS;
	}
	if (!s->pay_len)
		return rsc_pure_ack(ctx, f, s);
	if (s->seq != f->next_seq) {
		gro_bump(ctx, VNET_GRO_S_OUT_OF_ORDER);
		return GRO_FLUSH_PASS;
	}
	if (s->ack - held_ack >= RSC_ACK_WINDOW) {
		gro_bump(ctx, VNET_GRO_S_FINALIZE);
		return GRO_FLUSH_PASS;
	}
	if (!gro_fits(ctx, f, s)) {
		gro_bump(ctx, VNET_GRO_S_SIZE);
		return GRO_FLUSH_HOLD;
	}
	return GRO_MERGE;
}

/**
 * rsc_tcp_merged() - the held header takes the newest flags, ACK, window
 * @f:		the flow
 * @s:		the segment appended
 */
void rsc_tcp_merged(struct vnet_gro_flow *f, const struct gro_seg *s)
{
	uint8_t *th = f->buf + f->l4_off;

	f->next_seq += (uint32_t)s->pay_len;
	th[13] = s->flags;
	memcpy(th + 8, s->hdr + f->l4_off + 8, 4);
	gro_put16(th + 14, s->win);
}
