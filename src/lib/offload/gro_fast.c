// SPDX-License-Identifier: MIT
/* gro_fast.c - a segment of a held flow found by its header bytes, no parse */

#include <arpa/inet.h>
#include <string.h>

#include "gro_priv.h"

#include "vnet/csum.h"

/*
 * A segment whose header bytes are its flow's held header byte for byte,
 * but for the fields that differ between segments of one stream (IP total
 * or payload length, IPv4 ID and header checksum, TCP sequence number and
 * checksum), parses as that header does: same layout, same key, no options
 * the flow did not have, nothing the ladder of gro_prepare() would refuse
 * but its checksums, which are verified here from sums made once per flow
 * and the payload's sum taken while it is copied. Such a segment skips the
 * parser and the ladder, not the rules: gro_decide() judges it as any
 * other. Any mismatch sends the segment down the full path.
 */

/**
 * gro_ld16() - a 16-bit field as loaded, the checksum's convention
 * @p:		two bytes
 *
 * Return: the bytes as a native-endian word
 */
static inline uint32_t gro_ld16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/**
 * gro_ld32() - four bytes as a native-endian word
 * @p:		four bytes
 *
 * Return: the word
 */
static inline uint32_t gro_ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/**
 * gro_fast_hash() - the fast index's slot for an address word and ports
 * @a:		the word before the TCP header (last of the destination
 *		address), as loaded
 * @ports:	source and destination ports, as loaded
 *
 * Return: the slot
 */
static inline unsigned int gro_fast_hash(uint32_t a, uint32_t ports)
{
	uint64_t x = ((uint64_t)a << 32 | ports) * 0x9e3779b97f4a7c15ull;

	return (unsigned int)(x >> 56) % VNET_GRO_FAST_TAB;
}

/**
 * gro_fast_mask_ip() - clear an IP header's per-segment fields in a mask
 * @m:		the mask
 * @l3:		the header's offset
 * @v6:		IPv6 (else IPv4)
 */
static void gro_fast_mask_ip(uint8_t *m, size_t l3, bool v6)
{
	if (v6) {
		memset(m + l3 + 4, 0, 2);		/* payload length */
	} else {
		memset(m + l3 + 2, 0, 4);		/* total length, ID */
		memset(m + l3 + 10, 0, 2);		/* header checksum */
	}
}

/**
 * gro_fast_layout() - make a flow's layout the context's fast one
 * @ctx:	the context
 * @f:		the flow
 *
 * The mask clears the bytes a segment may differ in: IP lengths, IDs and
 * header checksums, the TCP sequence number and checksum or the UDP
 * length and checksum, and in a tunnel the outer UDP length and checksum.
 */
static void gro_fast_layout(struct vnet_gro_ctx *ctx,
			    const struct vnet_gro_flow *f)
{
	uint8_t m[VNET_GRO_FAST_HDR];
	size_t l4 = f->l4_off;

	memset(m, 0xff, f->hdr_len);
	memset(m + f->hdr_len, 0, sizeof(m) - f->hdr_len);
	gro_fast_mask_ip(m, f->l3_off, f->v6);
	memset(m + l4 + 4, 0, 4);	/* TCP sequence; UDP length, checksum */
	if (!f->udp)
		memset(m + l4 + 16, 0, 2);		/* TCP checksum */
	if (f->tunnel) {
		gro_fast_mask_ip(m, f->ol3_off, f->outer_v6);
		memset(m + f->ol4_off + 4, 0, 4);	/* length, checksum */
	}
	memcpy(ctx->fast_mask, m, sizeof(m));
	ctx->fast_l3 = f->l3_off;
	ctx->fast_l4 = l4;
	ctx->fast_hlen = f->hdr_len;
	ctx->fast_v6 = f->v6;
	ctx->fast_udp = f->udp;
	ctx->fast_tunnel = f->tunnel;
	ctx->fast_outer_v6 = f->outer_v6;
	ctx->fast_ol3 = f->ol3_off;
	ctx->fast_ol4 = f->ol4_off;
}

/**
 * gro_fast_is_layout() - is a flow laid out as the context's fast layout
 * @ctx:	the context
 * @f:		the flow
 *
 * Return: true if offsets, lengths and kinds are the same
 */
static bool gro_fast_is_layout(const struct vnet_gro_ctx *ctx,
			       const struct vnet_gro_flow *f)
{
	return ctx->fast_l3 == f->l3_off && ctx->fast_l4 == f->l4_off &&
	       ctx->fast_hlen == f->hdr_len && ctx->fast_v6 == f->v6 &&
	       ctx->fast_udp == f->udp && ctx->fast_tunnel == f->tunnel &&
	       (!f->tunnel || (ctx->fast_outer_v6 == f->outer_v6 &&
			       ctx->fast_ol3 == f->ol3_off &&
			       ctx->fast_ol4 == f->ol4_off));
}

/**
 * gro_sub16() - take a 16-bit field out of a sum
 * @sum:	64-bit sum that includes the field
 * @p:		the field
 *
 * Ones' complement subtraction is the addition of the complement: the
 * result is the same modulo 0xffff, which is all a verification needs.
 *
 * Return: the sum without the field
 */
static inline uint64_t gro_sub16(uint64_t sum, const uint8_t *p)
{
	return sum + (0xffff ^ gro_ld16(p));
}

/**
 * gro_fast_ip_base() - sum of an IPv4 header without its per-segment fields
 * @ip:		the header
 * @ihl:	its length
 *
 * Return: the sum with total length, ID and checksum taken out
 */
static uint32_t gro_fast_ip_base(const uint8_t *ip, size_t ihl)
{
	uint64_t s = vnet_csum_partial(ip, ihl, 0);

	s = gro_sub16(gro_sub16(gro_sub16(s, ip + 2), ip + 4), ip + 10);
	return (uint32_t)(s % 0xffff);
}

/**
 * gro_fast_sums() - the per-flow parts of a segment's checksums
 * @f:		the flow, its first segment in f->buf
 *
 * Summed from the held header in place, the per-segment fields taken out
 * again: no copy to patch, whose reads would wait on the patching stores.
 * Once per flow, when a second segment first needs them (a flow of one
 * segment never does): the fields summed stay as the first segment had
 * them until then (only a segment that closes the flow changes its TCP
 * flags, and the release writes lengths and checksums, which are left
 * out).
 */
static void gro_fast_sums(struct vnet_gro_flow *f)
{
	const uint8_t *ip = f->buf + f->l3_off, *th = f->buf + f->l4_off;
	uint8_t proto = f->udp ? 17 : 6;
	uint64_t s;

	if (f->sums_ready)
		return;
	f->sums_ready = true;
	f->ip_base = f->v6 ? 0 : gro_fast_ip_base(ip, f->l4_off - f->l3_off);
	f->oip_base = !f->tunnel || f->outer_v6 ? 0 :
		      gro_fast_ip_base(f->buf + f->ol3_off,
				       f->ol4_off - f->ol3_off);
	s = vnet_csum_partial(th, f->hdr_len - f->l4_off, f->v6 ?
		vnet_csum_pseudo_ipv6(ip + 8, ip + 24, proto, 0) :
		vnet_csum_pseudo_ipv4(ip + 12, ip + 16, proto, 0));
	s = gro_sub16(gro_sub16(s, th + 4), th + 6);	/* seq, or len, csum */
	if (!f->udp)
		s = gro_sub16(s, th + 16);		/* TCP checksum */
	f->l4_base = (uint32_t)(s % 0xffff);
}

/**
 * gro_fast_setup() - let a flow just started take the fast path
 * @ctx:	the context
 * @f:		the flow, started by its first segment
 * @first:	no other flow is held: the flow's layout becomes the fast one
 *
 * TCP or UDP, plain or in a tunnel, under Linux's rules, laid out as the
 * context's fast layout. The lane (gro_fast_take()) takes every kind;
 * gro_fast_find() plain TCP only.
 */
void gro_fast_setup(struct vnet_gro_ctx *ctx, struct vnet_gro_flow *f,
		    bool first)
{
	const uint8_t *b = f->buf;

	f->fast = false;
	if ((ctx->p.flags & VNET_GRO_F_RSC) ||
	    f->hdr_len > VNET_GRO_FAST_HDR - 8 ||
	    f->hdr_len < f->l4_off + (f->udp ? 8 : 20) ||
	    (f->udp && f->hdr_len != f->l4_off + 8))
		return;
	if (first || !ctx->fast_l4)
		gro_fast_layout(ctx, f);
	else if (!gro_fast_is_layout(ctx, f))
		return;				/* another layout */
	f->sums_ready = false;		/* gro_fast_sums(), when needed */
	f->fast = true;
	ctx->fast_tab[gro_fast_hash(gro_ld32(b + f->l4_off - 4),
				    gro_ld32(b + f->l4_off))] =
		(uint16_t)(f - ctx->flows + 1);
}

/**
 * gro_fast_head() - bytes a segment's first piece must have for the lane
 * @ctx:	the context
 *
 * Return: the fast headers rounded up to 8, and at least 64 (one
 * unrolled pass of gro_fast_same())
 */
static inline size_t gro_fast_head(const struct vnet_gro_ctx *ctx)
{
	size_t head = (ctx->fast_hlen + 7) & ~(size_t)7;

	return head < 64 ? 64 : head;
}

/**
 * gro_fast_same() - the header bytes match the held ones under the mask
 * @ctx:	the context, its fast layout the flow's
 * @f:		the flow
 * @p:		the segment's first bytes (hdr_len rounded up to 8 at least)
 *
 * Return: true if every byte outside the per-segment fields is equal
 */
static bool gro_fast_same(const struct vnet_gro_ctx *ctx,
			  const struct vnet_gro_flow *f, const uint8_t *p)
{
	uint64_t a, b, d = 0;
	size_t i, n = (f->hdr_len + 7) / 8;

	if (n <= 8) {	/* the usual headers: one unrolled pass of 64 bytes,
			 * the mask zero past them (gro_fast_head(): the
			 * segment has 64 bytes in its first piece) */
		for (i = 0; i < 8; i++) {
			memcpy(&a, f->buf + 8 * i, 8);
			memcpy(&b, p + 8 * i, 8);
			d |= (a ^ b) & ctx->fast_mask[i];
		}
		return !d;
	}
	for (i = 0; i < n; i++) {
		memcpy(&a, f->buf + 8 * i, 8);
		memcpy(&b, p + 8 * i, 8);
		d |= (a ^ b) & ctx->fast_mask[i];
	}
	return !d;
}

/**
 * gro_lane_ip_csum() - the IPv4 header checksums verify
 * @f:		the flow, its sums made
 * @p:		the segment's headers
 *
 * Return: true if every IPv4 header of the segment verifies
 */
static bool gro_lane_ip_csum(const struct vnet_gro_flow *f, const uint8_t *p)
{
	const uint8_t *ip = p + f->l3_off, *oip = p + f->ol3_off;

	if (!f->v6 && !gro_fold_ok((uint64_t)f->ip_base + gro_ld16(ip + 2) +
				   gro_ld16(ip + 4) + gro_ld16(ip + 10)))
		return false;
	return !f->tunnel || f->outer_v6 ||
	       gro_fold_ok((uint64_t)f->oip_base + gro_ld16(oip + 2) +
			   gro_ld16(oip + 4) + gro_ld16(oip + 10));
}

/**
 * gro_lane_l4_csum() - the coalesced layer's L4 checksum verifies
 * @f:		the flow, its sums made
 * @p:		the segment's headers
 * @len:	its length
 * @psum:	its payload's sum, as from the payload's first byte
 *
 * Return: true if it verifies
 */
static bool gro_lane_l4_csum(const struct vnet_gro_flow *f, const uint8_t *p,
			     size_t len, uint32_t psum)
{
	const uint8_t *th = p + f->l4_off;
	uint32_t l4len = htonl((uint32_t)(len - f->l4_off));
	uint64_t s;

	/* The L4 header is even in length: the payload pairs its bytes as
	 * the header does. A UDP length is in the header and the
	 * pseudo-header both. */
	s = (uint64_t)f->l4_base + (l4len & 0xffff) + (l4len >> 16) +
	    gro_ld16(th + 4) + gro_ld16(th + 6) +
	    (f->udp ? 0 : gro_ld16(th + 16));
	return gro_fold_ok(s + psum);
}

/**
 * gro_fast_fill() - what gro_prepare() would have set, from the flow
 * @s:		the segment; s->pkt set
 * @f:		its flow
 * @p:		its headers
 */
static void gro_fast_fill(struct gro_seg *s, const struct vnet_gro_flow *f,
			  const uint8_t *p)
{
	struct vnet_parse_layer *l = &s->res.outer;
	const uint8_t *th = p + f->l4_off;

	l->l3 = f->v6 ? VNET_L3_IPV6 : VNET_L3_IPV4;
	l->l3_off = f->l3_off;
	l->l4 = VNET_L4_TCP;
	l->l4_proto = 6;
	l->l4_off = f->l4_off;
	l->payload_off = f->hdr_len;
	l->payload_len = s->pay_len;
	s->l = l;
	s->o = NULL;
	s->hdr = p;
	s->hdr_len = f->hdr_len;
	s->seq = vnet_load_be32(th + 4);
	s->ack = vnet_load_be32(th + 8);
	s->flags = th[13];
	s->win = vnet_load_be16(th + 14);
	s->key = f->key;
	s->hash = f->hash;
	s->csum_ok = s->trust != GRO_TRUST_PARTIAL;	/* verified or vouched */
	s->copied = true;
}

/**
 * gro_fast_pos() - a flow's position in the age order
 * @ctx:	the context
 * @idx:	its index
 *
 * Return: the position, or -1 if it holds nothing
 */
static int gro_fast_pos(const struct vnet_gro_ctx *ctx, unsigned int idx)
{
	unsigned int i;

	for (i = 0; i < ctx->nheld; i++)
		if (ctx->order[i] == idx)
			return (int)i;
	return -1;
}

/**
 * gro_fast_copy() - a fast segment's payload after its flow's, checked
 * @ctx:	the context
 * @s:		the segment; s->pkt, s->trust, s->pay_len set
 * @f:		its flow, with room for the payload
 * @p:		its headers
 *
 * A checksum its source vouched for is not summed: the payload is only
 * copied (gro_trust.c); otherwise it is summed on the way. In reference
 * mode nothing is copied: the payload is summed where it lies, or not
 * read at all when vouched for.
 *
 * Return: true if copied and every checksum not vouched for verifies
 */
static bool gro_fast_copy(struct vnet_gro_ctx *ctx, struct gro_seg *s,
			  struct vnet_gro_flow *f, const uint8_t *p)
{
	bool ref = gro_is_ref(ctx);
	uint32_t psum;
	int err;

	if (s->trust == GRO_TRUST_GSO)
		return false;
	gro_fast_sums(f);
	if (gro_trust_l4(s, f->l4_off, false)) {
		if (!gro_lane_ip_csum(f, p) ||
		    (!ref && vnet_pkt_read(s->pkt, f->hdr_len,
					   f->buf + f->len, s->pay_len)))
			return false;
		gro_bump(ctx, VNET_GRO_S_VOUCHED);
		return true;
	}
	if (s->trust == GRO_TRUST_PARTIAL)
		return false;		/* elsewhere: the full path passes it */
	err = ref ? gro_sum_range(s->pkt, f->hdr_len, s->pay_len, &psum) :
		    gro_copy_sum(s->pkt, f->hdr_len, s->pay_len,
				 f->buf + f->len, &psum);
	return !err && gro_lane_ip_csum(f, p) &&
	       gro_lane_l4_csum(f, p, vnet_pkt_len(s->pkt), psum);
}

/**
 * gro_fast_find() - the held flow a segment joins without a parse
 * @ctx:	the context
 * @s:		the segment; s->pkt set
 *
 * On success the payload has been copied after the flow's bytes (not yet
 * counted in its length) and @s is filled as gro_prepare() fills it.
 *
 * Return: the flow's position in the age order, or -1: take the full path
 */
int gro_fast_find(struct vnet_gro_ctx *ctx, struct gro_seg *s)
{
	const struct vnet_pkt *pkt = s->pkt;
	size_t len = pkt->len, head = gro_fast_head(ctx);
	struct vnet_gro_flow *f;
	const uint8_t *p;
	unsigned int idx;
	int pos;

	if (!ctx->nheld || !ctx->fast_l4 || !pkt->iovcnt ||
	    (ctx->p.flags & (VNET_GRO_F_RSC | VNET_GRO_F_SLOW)) ||
	    pkt->iov[0].iov_len < head || len <= ctx->fast_hlen)
		return -1;
	p = pkt->iov[0].iov_base;
	idx = ctx->fast_tab[gro_fast_hash(gro_ld32(p + ctx->fast_l4 - 4),
					  gro_ld32(p + ctx->fast_l4))];
	if (!idx--)
		return -1;
	f = &ctx->flows[idx];
	if (!f->fast || !f->len || f->udp || f->tunnel ||
	    f->hdr_len != ctx->fast_hlen || !gro_fast_same(ctx, f, p))
		return -1;
	if (vnet_load_be16(p + f->l3_off + (f->v6 ? 4 : 2)) + f->l3_off +
	    (f->v6 ? 40 : 0) != len)
		return -1;			/* a trailer, or short */
	pos = gro_fast_pos(ctx, idx);
	s->pay_len = len - f->hdr_len;
	if (pos < 0 || s->pay_len > ctx->buf_size - f->len ||
	    !gro_fast_copy(ctx, s, f, p))
		return -1;
	gro_fast_fill(s, f, p);
	return pos;
}

/* What a frame's header vouches for, as the lane sees it. */
enum lane_trust {
	LANE_NONE,		/* nothing: every checksum verified here */
	LANE_L4,		/* the coalesced layer's L4 checksum (no
				 * tunnel: DATA_VALID, or NEEDS_CSUM there) */
	LANE_OUTER,		/* a tunnel's outer checksum (DATA_VALID) */
	LANE_FULL,		/* for the full path (a GSO frame, a partial
				 * checksum elsewhere) */
};

/**
 * gro_lane_trust() - what a frame's header vouches for, for the lane
 * @f:		the flow
 * @h:		the header, or NULL
 *
 * As gro_trust_of() and gro_trust_l4() decide it; DATA_VALID is the
 * outermost L4 checksum only (csum_level 0).
 *
 * Return: enum lane_trust
 */
static inline enum lane_trust gro_lane_trust(const struct vnet_gro_flow *f,
					     const struct vnet_hdr *h)
{
	if (!h)
		return LANE_NONE;
	if (h->gso_type != VNET_HDR_GSO_NONE)
		return LANE_FULL;
	if (h->flags & VNET_HDR_F_NEEDS_CSUM)
		return !f->tunnel && h->csum_start == f->l4_off &&
		       h->csum_offset == (f->udp ? 6 : 16) ? LANE_L4 :
							     LANE_FULL;
	if (!(h->flags & VNET_HDR_F_DATA_VALID))
		return LANE_NONE;
	return f->tunnel ? LANE_OUTER : LANE_L4;
}

/**
 * gro_fast_room() - may a full-sized segment join the flow
 * @ctx:	the context
 * @f:		the flow
 * @pkt:	the segment
 * @pay:	its payload bytes
 *
 * gro_fits() for a segment whose payload lies in its first piece or
 * straddles into the next (at most two slices).
 *
 * Return: true if it fits
 */
static inline bool gro_fast_room(const struct vnet_gro_ctx *ctx,
				 const struct vnet_gro_flow *f,
				 const struct vnet_pkt *pkt, size_t pay)
{
	size_t l3 = f->tunnel ? f->ol3_off : f->l3_off;

	if (f->segs >= ctx->p.max_segs || pay > ctx->buf_size - f->len ||
	    f->len + pay - l3 > VNET_GRO_IP_MAX)
		return false;
	if (!gro_is_ref(ctx))
		return true;
	return pkt->iovcnt <= 2 && f->nframes < ctx->p.max_segs &&
	       f->niov + 2u <= ctx->ref_cap;
}

/**
 * gro_lane_ip_len() - does an IP header's length end where the frame does
 * @p:		the frame's headers
 * @l3:		the header's offset
 * @v6:		IPv6
 * @len:	the frame's length
 *
 * Return: true if the datagram is the rest of the frame (no trailer)
 */
static inline bool gro_lane_ip_len(const uint8_t *p, size_t l3, bool v6,
				   size_t len)
{
	return vnet_load_be16(p + l3 + (v6 ? 4 : 2)) + l3 + (v6 ? 40 : 0) ==
	       len;
}

/**
 * gro_lane_id_ok() - an IPv4 layer keeps the ID rule
 * @f:		the flow
 * @p:		the segment's headers
 * @l3:		the layer's offset
 * @last:	the ID of the flow's last segment at this layer
 * @fixed:	the IDs have stayed fixed
 *
 * Return: true if the segment's ID follows (gro_ip_id_flush())
 */
static inline bool gro_lane_id_ok(const struct vnet_gro_flow *f,
				  const uint8_t *p, size_t l3, uint16_t last,
				  bool fixed)
{
	return !gro_ip_id_flush(last, fixed, f->segs,
				vnet_load_be16(p + l3 + 4), p[l3 + 6] & 0x40);
}

/**
 * gro_lane_rules() - what the full path's rules would say, short of checksums
 * @f:		the flow, laid out as the fast layout, header bytes equal
 *		under its mask
 * @p:		the segment's headers
 * @len:	its length
 * @pay:	its payload bytes
 *
 * The mask already holds everything equal that must be (addresses, ports,
 * TOS, TTL, DF, flags, ACK, window, options, the tunnel header, the
 * inner Ethernet header); what remains: a full MSS of payload, the next
 * sequence number (TCP), lengths that end with the frame, the UDP
 * checksum's presence as the held one's, the IPv4 ID rules.
 *
 * Return: true for GRO_MERGE
 */
static bool gro_lane_rules(const struct vnet_gro_flow *f, const uint8_t *p,
			   size_t len, size_t pay)
{
	const uint8_t *b = f->buf;

	if (f->closed || pay != f->mss ||
	    !gro_lane_ip_len(p, f->l3_off, f->v6, len))
		return false;
	if (f->udp) {
		if (vnet_load_be16(p + f->l4_off + 4) + f->l4_off != len ||
		    !vnet_load_be16(p + f->l4_off + 6) !=
		    !vnet_load_be16(b + f->l4_off + 6))
			return false;
	} else if (vnet_load_be32(p + f->l4_off + 4) != f->next_seq) {
		return false;
	}
	if (!f->v6 && !gro_lane_id_ok(f, p, f->l3_off, f->id, f->id_fixed))
		return false;
	if (!f->tunnel)
		return true;
	return gro_lane_ip_len(p, f->ol3_off, f->outer_v6, len) &&
	       vnet_load_be16(p + f->ol4_off + 4) + f->ol4_off == len &&
	       !vnet_load_be16(p + f->ol4_off + 6) ==
	       !vnet_load_be16(b + f->ol4_off + 6) &&
	       (f->outer_v6 ||
		gro_lane_id_ok(f, p, f->ol3_off, f->oid, f->oid_fixed));
}

/**
 * gro_lane_csum() - verify what was not vouched for, copying in copy mode
 * @ctx:	the context
 * @f:		the flow
 * @pkt:	the segment
 * @p:		its headers
 * @t:		what its source vouched for
 *
 * A segment whose UDP checksum is absent (zero) and not vouched for is
 * left to the full path, which does not coalesce it; so is a tunnel's
 * outer UDP checksum, when present and not vouched for.
 *
 * Return: true if every checksum verifies or was vouched for (and, in
 * copy mode, the payload is after the flow's bytes)
 */
static bool gro_lane_csum(struct vnet_gro_ctx *ctx, struct vnet_gro_flow *f,
			  const struct vnet_pkt *pkt, const uint8_t *p,
			  enum lane_trust t)
{
	size_t pay = pkt->len - f->hdr_len;
	bool ref = gro_is_ref(ctx), sum;
	uint32_t psum;
	int err;

	if (f->tunnel && t != LANE_OUTER && vnet_load_be16(p + f->ol4_off + 6))
		return false;
	gro_fast_sums(f);
	if (!gro_lane_ip_csum(f, p))
		return false;
	sum = t != LANE_L4;
	if (sum && f->udp && !vnet_load_be16(p + f->l4_off + 6))
		return false;		/* absent: nothing verifies it */
	if (!sum)
		return ref || !vnet_pkt_read(pkt, f->hdr_len, f->buf + f->len,
					     pay);
	err = ref ? gro_sum_range(pkt, f->hdr_len, pay, &psum) :
		    gro_copy_sum(pkt, f->hdr_len, pay, f->buf + f->len, &psum);
	return !err && gro_lane_l4_csum(f, p, pkt->len, psum);
}

/**
 * gro_fast_join() - append a vetted segment's payload and account for it
 * @ctx:	the context
 * @f:		the flow
 * @pkt:	the segment
 * @ref:	reference mode: the caller's reference to it
 * @p:		its headers
 * @pay:	its payload bytes
 * @ok:		its checksums verified here or by its source
 *
 * What gro_append() and gro_ip_note() do, from the headers in place.
 */
static void gro_fast_join(struct vnet_gro_ctx *ctx, struct vnet_gro_flow *f,
			  const struct vnet_pkt *pkt, void *ref,
			  const uint8_t *p, size_t pay, bool ok)
{
	uint16_t id = f->v6 ? 0 : vnet_load_be16(p + f->l3_off + 4);
	uint16_t oid = !f->tunnel || f->outer_v6 ? 0 :
		       vnet_load_be16(p + f->ol3_off + 4);

	if (gro_is_ref(ctx))
		gro_ref_append(f, pkt, f->hdr_len, ref);
	else
		ctx->stats[VNET_GRO_S_COPIED] += pay;
	f->len += pay;
	ctx->held += pay;
	f->segs++;
	f->csum_ok &= ok;
	if (f->segs == 2) {		/* as gro_ip_note() decides it */
		f->id_fixed = id == f->id;
		f->oid_fixed = oid == f->oid;
	}
	f->id = id;
	f->oid = oid;
	if (!f->udp)
		f->next_seq += (uint32_t)pay;
	gro_bump(ctx, VNET_GRO_S_MERGED);
}

/**
 * gro_fast_take() - the steady state: a full-sized in-order segment joins
 * @ctx:	the context
 * @pkt:	the frame
 * @h:		its host-side header, or NULL
 * @ref:	reference mode: the caller's reference to it
 *
 * The lane takes only what the full path would merge and keep holding
 * (GRO_MERGE): a segment of a held fast flow (TCP or UDP, plain or in a
 * tunnel), header bytes equal but for the per-segment fields (so flags,
 * ACK, window and options are the held ones: none that closes a flow),
 * the rules of gro_lane_rules(), room left, every checksum verified or
 * vouched for. The counters move as the full path moves them. Anything
 * else is left untouched for the full path.
 *
 * Return: GRO_LANE_TAKEN if the segment joined its flow; GRO_LANE_NO_FLOW
 * if no held fast flow has its header (gro_fast_find() would not find one
 * either); GRO_LANE_FULL for the full path
 */
enum gro_lane gro_fast_take(struct vnet_gro_ctx *ctx,
			    const struct vnet_pkt *pkt,
			    const struct vnet_hdr *h, void *ref)
{
	size_t len = pkt->len, head = gro_fast_head(ctx), pay;
	struct vnet_gro_flow *f;
	enum lane_trust t;
	const uint8_t *p;
	unsigned int idx;

	if (!ctx->fast_l4 || !pkt->iovcnt ||
	    (ctx->p.flags & (VNET_GRO_F_RSC | VNET_GRO_F_SLOW)) ||
	    pkt->iov[0].iov_len < head || len <= ctx->fast_hlen)
		return GRO_LANE_NO_FLOW;
	p = pkt->iov[0].iov_base;
	idx = ctx->fast_tab[gro_fast_hash(gro_ld32(p + ctx->fast_l4 - 4),
					  gro_ld32(p + ctx->fast_l4))];
	if (!idx--)
		return GRO_LANE_NO_FLOW;
	f = &ctx->flows[idx];
	if (!f->fast || !f->len || f->hdr_len != ctx->fast_hlen ||
	    !gro_fast_same(ctx, f, p))
		return GRO_LANE_NO_FLOW;
	pay = len - ctx->fast_hlen;
	t = gro_lane_trust(f, h);
	if (t == LANE_FULL || !gro_lane_rules(f, p, len, pay) ||
	    !gro_fast_room(ctx, f, pkt, pay) || !gro_lane_csum(ctx, f, pkt, p, t))
		return GRO_LANE_FULL;
	if (t == LANE_L4)
		gro_bump(ctx, VNET_GRO_S_VOUCHED);
	gro_fast_join(ctx, f, pkt, ref, p, pay,
		      !(h && (h->flags & VNET_HDR_F_NEEDS_CSUM)));
	return GRO_LANE_TAKEN;
}
