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
 * gro_fold_ok() - does a sum over a checksummed range verify
 * @s:		64-bit sum, checksum field included
 *
 * Return: true if it folds to 0xffff
 */
static inline bool gro_fold_ok(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
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
 * gro_fast_layout() - make a flow's layout the context's fast one
 * @ctx:	the context
 * @f:		the flow
 *
 * The mask clears the bytes a segment may differ in.
 */
static void gro_fast_layout(struct vnet_gro_ctx *ctx,
			    const struct vnet_gro_flow *f)
{
	uint8_t m[VNET_GRO_FAST_HDR];
	size_t l3 = f->l3_off, l4 = f->l4_off;

	memset(m, 0xff, f->hdr_len);
	memset(m + f->hdr_len, 0, sizeof(m) - f->hdr_len);
	if (f->v6) {
		memset(m + l3 + 4, 0, 2);		/* payload length */
	} else {
		memset(m + l3 + 2, 0, 4);		/* total length, ID */
		memset(m + l3 + 10, 0, 2);		/* header checksum */
	}
	memset(m + l4 + 4, 0, 4);			/* sequence number */
	memset(m + l4 + 16, 0, 2);			/* checksum */
	memcpy(ctx->fast_mask, m, sizeof(m));
	ctx->fast_l3 = l3;
	ctx->fast_l4 = l4;
	ctx->fast_hlen = f->hdr_len;
	ctx->fast_v6 = f->v6;
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
	uint64_t s;

	if (f->sums_ready)
		return;
	f->sums_ready = true;
	f->ip_base = 0;
	if (!f->v6) {
		s = vnet_csum_partial(ip, f->l4_off - f->l3_off, 0);
		s = gro_sub16(gro_sub16(gro_sub16(s, ip + 2), ip + 4), ip + 10);
		f->ip_base = (uint32_t)(s % 0xffff);
	}
	s = vnet_csum_partial(th, f->hdr_len - f->l4_off, f->v6 ?
		vnet_csum_pseudo_ipv6(ip + 8, ip + 24, 6, 0) :
		vnet_csum_pseudo_ipv4(ip + 12, ip + 16, 6, 0));
	s = gro_sub16(gro_sub16(gro_sub16(s, th + 4), th + 6), th + 16);
	f->l4_base = (uint32_t)(s % 0xffff);
}

/**
 * gro_fast_setup() - let a flow just started take the fast path
 * @ctx:	the context
 * @f:		the flow, started by its first segment
 * @first:	no other flow is held: the flow's layout becomes the fast one
 *
 * Only TCP without a tunnel, under Linux's rules, laid out as the context's
 * fast layout.
 */
void gro_fast_setup(struct vnet_gro_ctx *ctx, struct vnet_gro_flow *f,
		    bool first)
{
	const uint8_t *b = f->buf;

	f->fast = false;
	if (f->udp || f->tunnel || (ctx->p.flags & VNET_GRO_F_RSC) ||
	    f->hdr_len > VNET_GRO_FAST_HDR - 8 ||
	    f->hdr_len < f->l4_off + 20)
		return;
	if (first || !ctx->fast_l4)
		gro_fast_layout(ctx, f);
	else if (ctx->fast_l3 != f->l3_off || ctx->fast_l4 != f->l4_off ||
		 ctx->fast_hlen != f->hdr_len || ctx->fast_v6 != f->v6)
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
 * gro_fast_ipv4() - verify a fast segment's IPv4 header checksum
 * @f:		the flow
 * @p:		the segment's headers
 *
 * Return: true for IPv6, or if it verifies
 */
static bool gro_fast_ipv4(struct vnet_gro_flow *f, const uint8_t *p)
{
	const uint8_t *ip = p + f->l3_off;

	if (f->v6)
		return true;
	gro_fast_sums(f);
	return gro_fold_ok((uint64_t)f->ip_base + gro_ld16(ip + 2) +
			   gro_ld16(ip + 4) + gro_ld16(ip + 10));
}

/**
 * gro_fast_csum() - verify a fast segment's IPv4 header and TCP checksums
 * @f:		the flow
 * @p:		the segment's headers
 * @len:	the segment's length
 * @psum:	its payload's sum, as from the payload's first byte
 *
 * Return: true if both verify
 */
static bool gro_fast_csum(struct vnet_gro_flow *f, const uint8_t *p,
			  size_t len, uint32_t psum)
{
	const uint8_t *th = p + f->l4_off;
	uint32_t l4len = htonl((uint32_t)(len - f->l4_off));
	uint64_t s;

	gro_fast_sums(f);
	if (!gro_fast_ipv4(f, p))
		return false;
	s = (uint64_t)f->l4_base + (l4len & 0xffff) + (l4len >> 16) +
	    gro_ld16(th + 4) + gro_ld16(th + 6) + gro_ld16(th + 16);
	/* The TCP header is 4-byte aligned in length: the payload pairs
	 * its bytes as the header does. */
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
	if (gro_trust_l4(s, f->l4_off, false)) {
		if (!gro_fast_ipv4(f, p) ||
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
	return !err && gro_fast_csum(f, p, vnet_pkt_len(s->pkt), psum);
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
	if (!f->fast || !f->len || f->hdr_len != ctx->fast_hlen ||
	    !gro_fast_same(ctx, f, p))
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

/**
 * gro_fast_trust() - what a frame's header vouches for, for the fast lane
 * @h:		the header, or NULL
 * @l4_off:	the flow's TCP header
 * @trusted:	out: the TCP checksum need not be summed
 *
 * As gro_trust_of() and gro_trust_l4() decide it.
 *
 * Return: false for a frame the lane leaves to the full path (a GSO frame,
 * or a partial checksum anywhere but the flow's TCP checksum field)
 */
static inline bool gro_fast_trust(const struct vnet_hdr *h, size_t l4_off,
				  bool *trusted)
{
	*trusted = false;
	if (!h)
		return true;
	if (h->gso_type != VNET_HDR_GSO_NONE)
		return false;
	if (h->flags & VNET_HDR_F_NEEDS_CSUM) {
		*trusted = true;
		return h->csum_start == l4_off && h->csum_offset == 16;
	}
	*trusted = h->flags & VNET_HDR_F_DATA_VALID;
	return true;
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
	if (f->segs >= ctx->p.max_segs || pay > ctx->buf_size - f->len ||
	    f->len + pay - f->l3_off > VNET_GRO_IP_MAX)
		return false;
	if (!gro_is_ref(ctx))
		return true;
	return pkt->iovcnt <= 2 && f->nframes < ctx->p.max_segs &&
	       f->niov + 2u <= ctx->ref_cap;
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
 */
static void gro_fast_join(struct vnet_gro_ctx *ctx, struct vnet_gro_flow *f,
			  const struct vnet_pkt *pkt, void *ref,
			  const uint8_t *p, size_t pay, bool ok)
{
	uint16_t id = f->v6 ? 0 : vnet_load_be16(p + f->l3_off + 4);

	if (gro_is_ref(ctx)) {
		gro_ref_append(f, pkt, f->hdr_len, ref);
	} else {
		ctx->stats[VNET_GRO_S_COPIED] += pay;
	}
	f->len += pay;
	ctx->held += pay;
	f->segs++;
	f->csum_ok &= ok;
	if (f->segs == 2) {		/* as gro_ip_note() decides it */
		f->id_fixed = id == f->id;
		f->oid_fixed = f->oid == 0;
	}
	f->id = id;
	f->next_seq += (uint32_t)pay;
	gro_bump(ctx, VNET_GRO_S_MERGED);
}

/**
 * gro_fast_csum_lane() - the lane's checksum step, copying in copy mode
 * @ctx:	the context
 * @f:		the flow
 * @pkt:	the segment
 * @p:		its headers
 * @trusted:	its TCP checksum was vouched for
 *
 * Return: true if every checksum not vouched for verifies (and, in copy
 * mode, the payload is after the flow's bytes)
 */
static bool gro_fast_csum_lane(struct vnet_gro_ctx *ctx,
			       struct vnet_gro_flow *f,
			       const struct vnet_pkt *pkt, const uint8_t *p,
			       bool trusted)
{
	size_t pay = pkt->len - f->hdr_len;
	uint32_t psum;
	int err;

	if (trusted) {
		if (!gro_fast_ipv4(f, p) ||
		    (!gro_is_ref(ctx) && vnet_pkt_read(pkt, f->hdr_len,
						       f->buf + f->len, pay)))
			return false;
		gro_bump(ctx, VNET_GRO_S_VOUCHED);
		return true;
	}
	err = gro_is_ref(ctx) ?
	      gro_sum_range(pkt, f->hdr_len, pay, &psum) :
	      gro_copy_sum(pkt, f->hdr_len, pay, f->buf + f->len, &psum);
	return !err && gro_fast_csum(f, p, pkt->len, psum);
}

/**
 * gro_fast_take() - the steady state: a full-sized in-order segment joins
 * @ctx:	the context
 * @pkt:	the frame
 * @h:		its host-side header, or NULL
 * @ref:	reference mode: the caller's reference to it
 *
 * The lane takes only what the full path would merge and keep holding
 * (GRO_MERGE): a segment of a held fast flow, header bytes equal but for
 * the per-segment fields (so flags, ACK, window and options are the held
 * ones: none that closes a flow), the next sequence number, a full MSS of
 * payload, room left, the IPv4 ID rule kept, every checksum verified or
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
	size_t len = pkt->len, head = gro_fast_head(ctx);
	struct vnet_gro_flow *f;
	bool trusted, ok;
	const uint8_t *p;
	unsigned int idx;
	size_t pay;

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
	if (f->closed || pay != f->mss ||
	    vnet_load_be32(p + f->l4_off + 4) != f->next_seq ||
	    vnet_load_be16(p + f->l3_off + (f->v6 ? 4 : 2)) + f->l3_off +
	    (f->v6 ? 40 : 0) != len ||
	    !gro_fast_room(ctx, f, pkt, pay) ||
	    !gro_fast_trust(h, f->l4_off, &trusted))
		return GRO_LANE_FULL;
	if (!f->v6 && gro_ip_id_flush(f->id, f->id_fixed, f->segs,
				      vnet_load_be16(p + f->l3_off + 4),
				      p[f->l3_off + 6] & 0x40))
		return GRO_LANE_FULL;
	if (!gro_fast_csum_lane(ctx, f, pkt, p, trusted))
		return GRO_LANE_FULL;
	ok = !(h && (h->flags & VNET_HDR_F_NEEDS_CSUM));
	gro_fast_join(ctx, f, pkt, ref, p, pay, ok);
	return GRO_LANE_TAKEN;
}
