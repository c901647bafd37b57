// SPDX-License-Identifier: MIT
/* gro.c - receive coalescing: the flow table, the segment ladder, flushing */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gro_priv.h"

#include "vnet/csum.h"
#include "vnet/csum_verify.h"

/* Most flows a context may have: flow indices are 16 bits. */
#define GRO_FLOWS_MAX	4096

static const char *const gro_stat_names[VNET_GRO_S_MAX] = {
	[VNET_GRO_S_IN] = "in",
	[VNET_GRO_S_MERGED] = "merged",
	[VNET_GRO_S_HELD] = "held",
	[VNET_GRO_S_PASSED] = "passed",
	[VNET_GRO_S_OUT] = "out",
	[VNET_GRO_S_NOT_IP] = "not-ip",
	[VNET_GRO_S_NOT_TCP_UDP] = "not-tcp-udp",
	[VNET_GRO_S_CSUM] = "csum",
	[VNET_GRO_S_IP_OPTS] = "ip-opts",
	[VNET_GRO_S_FRAG] = "frag",
	[VNET_GRO_S_ECN] = "ecn",
	[VNET_GRO_S_SYN] = "syn",
	[VNET_GRO_S_FINALIZE] = "finalize",
	[VNET_GRO_S_PURE_ACK] = "pure-ack",
	[VNET_GRO_S_DUP_ACK] = "dup-ack",
	[VNET_GRO_S_WIN_UPDATE] = "win-update",
	[VNET_GRO_S_OUT_OF_ORDER] = "out-of-order",
	[VNET_GRO_S_MISMATCH] = "mismatch",
	[VNET_GRO_S_SIZE] = "size",
	[VNET_GRO_S_SHORT] = "short",
	[VNET_GRO_S_PSH] = "psh",
	[VNET_GRO_S_TABLE_FULL] = "table-full",
	[VNET_GRO_S_HELD_BYTES] = "held-bytes",
	[VNET_GRO_S_TIMER] = "timer",
	[VNET_GRO_S_BURST] = "burst",
	[VNET_GRO_S_VOUCHED] = "vouched",
	[VNET_GRO_S_COPIED] = "copied-bytes",
};

/**
 * vnet_gro_stat_name() - short name of a counter
 * @s:		the counter
 *
 * Return: a static string; "unknown" out of range
 */
const char *vnet_gro_stat_name(enum vnet_gro_stat s)
{
	if ((unsigned int)s >= VNET_GRO_S_MAX)
		return "unknown";
	return gro_stat_names[s];
}

/**
 * vnet_gro_params_default() - the defaults
 * @p:		filled
 * @flags:	VNET_GRO_F_*
 */
void vnet_gro_params_default(struct vnet_gro_params *p, uint32_t flags)
{
	memset(p, 0, sizeof(*p));
	p->flows = VNET_GRO_FLOWS_DEFAULT;
	p->max_segs = VNET_GRO_SEGS_DEFAULT;
	p->timeout_ns = VNET_GRO_TIMEOUT_DEFAULT;
	p->flags = flags;
}

/**
 * vnet_gro_flags_for() - what to coalesce for the current offloads
 * @offloads:	current guest offloads
 * @negotiated:	negotiated features
 *
 * Return: VNET_GRO_F_*
 */
uint32_t vnet_gro_flags_for(const struct vnet_features *offloads,
			    const struct vnet_features *negotiated)
{
	uint32_t fl = 0;

	if (!vnet_features_has(offloads, VNET_F_GUEST_CSUM))
		return 0;
	if (vnet_features_has(offloads, VNET_F_GUEST_TSO4))
		fl |= VNET_GRO_F_TCP4;
	if (vnet_features_has(offloads, VNET_F_GUEST_TSO6))
		fl |= VNET_GRO_F_TCP6;
	if (vnet_features_has(offloads, VNET_F_GUEST_USO4))
		fl |= VNET_GRO_F_UDP4;
	if (vnet_features_has(offloads, VNET_F_GUEST_USO6))
		fl |= VNET_GRO_F_UDP6;
	if (vnet_features_has(offloads, VNET_F_GUEST_UDP_TUNNEL_GSO))
		fl |= VNET_GRO_F_TUNNEL;
	if (vnet_features_has(negotiated, VNET_F_RSC_EXT))
		fl |= VNET_GRO_F_RSC;
	return fl;
}

/**
 * vnet_gro_init() - allocate the flow table and buffers
 * @ctx:	the context
 * @p:		limits
 *
 * Return: 0, -EINVAL or -ENOMEM
 */
int vnet_gro_init(struct vnet_gro_ctx *ctx, const struct vnet_gro_params *p)
{
	size_t slot;
	unsigned int i;

	memset(ctx, 0, sizeof(*ctx));
	if (!p->flows || p->flows > GRO_FLOWS_MAX || !p->max_segs ||
	    p->max_segs > UINT16_MAX)
		return -EINVAL;
	if (p->release && p->max_segs > (UINT16_MAX - 1) / 2)
		return -EINVAL;		/* a chain's length is 16 bits */
	ctx->p = *p;
	if (!ctx->p.max_held)
		ctx->p.max_held = (size_t)p->flows * (VNET_GRO_IP_MAX + 1);
	ctx->buf_size = GRO_BUF_SIZE;
	/* reference mode: a flow's buffer holds its headers only */
	slot = gro_is_ref(ctx) ? GRO_HDR_MAX : ctx->buf_size;
	ctx->flows = calloc(p->flows, sizeof(*ctx->flows));
	ctx->order = calloc(p->flows, sizeof(*ctx->order));
	ctx->order_hash = calloc(p->flows, sizeof(*ctx->order_hash));
	ctx->free_idx = calloc(p->flows, sizeof(*ctx->free_idx));
	/* One buffer more than flows: the spare. */
	ctx->arena = malloc(((size_t)p->flows + 1) * slot);
	if (!ctx->flows || !ctx->order || !ctx->order_hash ||
	    !ctx->free_idx || !ctx->arena ||
	    (gro_is_ref(ctx) && gro_ref_init(ctx))) {
		vnet_gro_fini(ctx);
		return -ENOMEM;
	}
	for (i = 0; i < p->flows; i++) {
		ctx->flows[i].buf = ctx->arena + (size_t)i * slot;
		ctx->free_idx[i] = (uint16_t)(p->flows - 1 - i);
	}
	ctx->nfree = p->flows;
	ctx->spare = ctx->arena + (size_t)p->flows * slot;
	vnet_parse_config_init(&ctx->parse);
	return 0;
}

/**
 * vnet_gro_fini() - free a context
 * @ctx:	the context
 */
void vnet_gro_fini(struct vnet_gro_ctx *ctx)
{
	if (gro_is_ref(ctx))
		gro_ref_fini(ctx);
	free(ctx->flows);
	free(ctx->order);
	free(ctx->order_hash);
	free(ctx->free_idx);
	free(ctx->arena);
	memset(ctx, 0, sizeof(*ctx));
}

/**
 * gro_emit_pass() - let a frame go as it is
 * @ctx:	the context
 * @s:		the frame: s->pkt, s->vh (kept: NEEDS_CSUM, a GSO kind),
 *		s->csum_ok (its checksums were verified, here or by its source)
 * @emit:	callback
 * @opaque:	its pointer
 *
 * In reference mode the frame is released after the emit, unless it was
 * refused (-EAGAIN: it stays the caller's).
 *
 * Return: 1, or -errno from @emit
 */
static int gro_emit_pass(struct vnet_gro_ctx *ctx, struct gro_seg *s,
			 vnet_gro_emit_fn emit, void *opaque)
{
	struct vnet_rx_frame f;
	int r;

	if (s->vh)
		f.hdr = *s->vh;
	else
		memset(&f.hdr, 0, sizeof(f.hdr));
	f.pkt = *s->pkt;
	f.segs = f.hdr.gso_type == VNET_HDR_GSO_NONE ? 1 : 0;
	f.dup_acks = 0;
	f.csum_ok = s->csum_ok;
	r = emit(opaque, &f);
	if (r != -EAGAIN)
		gro_ref_done(ctx, s);
	if (r < 0)
		return r;
	gro_bump(ctx, VNET_GRO_S_PASSED);
	gro_bump(ctx, VNET_GRO_S_OUT);
	return 1;
}

/**
 * gro_flow_emit() - finish a flow's super-frame and let it go
 * @ctx:	the context
 * @f:		the flow (stays in the table; the caller frees it)
 * @emit:	callback
 * @opaque:	its pointer
 *
 * A flow of one segment leaves as it came, with a GSO_NONE header.
 *
 * Return: 1, or -errno from @emit
 */
static int gro_flow_emit(struct vnet_gro_ctx *ctx, struct vnet_gro_flow *f,
			 vnet_gro_emit_fn emit, void *opaque)
{
	struct vnet_rx_frame out;
	int r;

	memset(&out, 0, sizeof(out));
	out.iov.iov_base = f->buf;
	out.iov.iov_len = f->len;
	if (gro_is_ref(ctx))
		gro_ref_view(f, &out.pkt);
	else
		vnet_pkt_init_rw(&out.pkt, &out.iov, 1);
	out.segs = f->segs;
	out.dup_acks = f->dup_acks;
	out.csum_ok = f->csum_ok;
	if (f->segs > 1 || f->dup_acks || f->rewritten) {
		gro_ip_finish(f->buf, f->len, f->l3_off, f->v6);
		if (f->udp)
			gro_udp_finish(f, &out.hdr);
		else
			gro_tcp_finish(f, &out.hdr);
		if (f->tunnel)
			gro_tunnel_finish(f, &out.hdr);
		out.hdr.hdr_len = (uint16_t)f->hdr_len;
	} else if (f->partial) {	/* as it came: its checksum partial */
		out.hdr.flags = VNET_HDR_F_NEEDS_CSUM;
		out.hdr.csum_start = (uint16_t)f->l4_off;
		out.hdr.csum_offset = f->udp ? 6 : 16;
	}
	r = emit(opaque, &out);
	if (r < 0)
		return r;
	gro_bump(ctx, VNET_GRO_S_OUT);
	return 1;
}

/**
 * gro_flow_release() - emit a flow and free its slot
 * @ctx:	the context
 * @pos:	its position in the age order
 * @why:	the counter to bump, or VNET_GRO_S_MAX when the rules
 *		already counted the reason
 * @emit:	callback
 * @opaque:	its pointer
 *
 * Finishing a super-frame (lengths, header checksum, pseudo-header sum)
 * only writes fields computed from the flow, so a refused release can be
 * retried on the same buffer.
 *
 * Return: 1, or -errno from @emit: -EAGAIN keeps the flow held, closed
 * to new segments, for a later flush; any other error frees it (in
 * reference mode its frames are released either way)
 */
static int gro_flow_release(struct vnet_gro_ctx *ctx, unsigned int pos,
			    enum vnet_gro_stat why, vnet_gro_emit_fn emit,
			    void *opaque)
{
	struct vnet_gro_flow *f = &ctx->flows[ctx->order[pos]];
	int r;

	r = gro_flow_emit(ctx, f, emit, opaque);
	if (r == -EAGAIN) {
		f->closed = true;
		return r;
	}
	if (why != VNET_GRO_S_MAX)
		gro_bump(ctx, why);
	if (gro_is_ref(ctx))
		gro_ref_release(ctx, f);
	ctx->held -= f->len;
	memmove(&ctx->order[pos], &ctx->order[pos + 1],
		(ctx->nheld - pos - 1) * sizeof(*ctx->order));
	memmove(&ctx->order_hash[pos], &ctx->order_hash[pos + 1],
		(ctx->nheld - pos - 1) * sizeof(*ctx->order_hash));
	ctx->nheld--;
	ctx->free_idx[ctx->nfree++] = (uint16_t)(f - ctx->flows);
	f->len = 0;
	return r;
}

/**
 * gro_due() - has a flow been held its longest
 * @ctx:	the context
 * @f:		the flow
 * @now:	the time in ns
 *
 * Return: true if its timeout has passed (a clock that went back: no)
 */
static inline bool gro_due(const struct vnet_gro_ctx *ctx,
			   const struct vnet_gro_flow *f, uint64_t now)
{
	return now - f->first_ns >= ctx->p.timeout_ns && now >= f->first_ns;
}

/**
 * vnet_gro_flush() - release held flows
 * @ctx:	the context
 * @now:	the time in ns
 * @mode:	VNET_GRO_FLUSH_ALL or VNET_GRO_FLUSH_EXPIRED
 * @emit:	callback
 * @opaque:	its pointer
 *
 * Flows are in arrival order, so the expired ones are a prefix.
 *
 * Return: frames emitted, or -errno from @emit
 */
int vnet_gro_flush(struct vnet_gro_ctx *ctx, uint64_t now, int mode,
		   vnet_gro_emit_fn emit, void *opaque)
{
	int n = 0, r;

	while (ctx->nheld) {
		struct vnet_gro_flow *f = &ctx->flows[ctx->order[0]];
		bool due = gro_due(ctx, f, now);

		if (mode == VNET_GRO_FLUSH_EXPIRED && !due)
			break;
		r = gro_flow_release(ctx, 0, due ? VNET_GRO_S_TIMER :
					     VNET_GRO_S_BURST, emit, opaque);
		if (r < 0)
			return r;
		n += r;
	}
	return n;
}

/**
 * vnet_gro_next_deadline() - when the oldest held flow must go
 * @ctx:	the context
 *
 * Return: the time in ns, or UINT64_MAX if nothing is held
 */
uint64_t vnet_gro_next_deadline(const struct vnet_gro_ctx *ctx)
{
	const struct vnet_gro_flow *f;

	if (!ctx->nheld)
		return UINT64_MAX;
	f = &ctx->flows[ctx->order[0]];
	if (f->first_ns > UINT64_MAX - ctx->p.timeout_ns)
		return UINT64_MAX - 1;
	return f->first_ns + ctx->p.timeout_ns;
}

/**
 * vnet_gro_set_flags() - change what is coalesced
 * @ctx:	the context
 * @flags:	VNET_GRO_F_*
 * @emit:	receives the flows flushed first
 * @opaque:	its pointer
 *
 * Return: frames emitted, or -errno from @emit
 */
int vnet_gro_set_flags(struct vnet_gro_ctx *ctx, uint32_t flags,
		       vnet_gro_emit_fn emit, void *opaque)
{
	int n = vnet_gro_flush(ctx, 0, VNET_GRO_FLUSH_ALL, emit, opaque);

	ctx->p.flags = flags;
	return n;
}

/**
 * gro_lookup() - the position of a segment's flow in the age order
 * @ctx:	the context
 * @s:		the segment
 *
 * Return: the position, or -1 if the flow holds nothing
 */
static int gro_lookup(const struct vnet_gro_ctx *ctx, const struct gro_seg *s)
{
	unsigned int i;

	for (i = 0; i < ctx->nheld; i++) {
		if (ctx->order_hash[i] == s->hash &&
		    !memcmp(&ctx->flows[ctx->order[i]].key, &s->key,
			    sizeof(s->key)))
			return (int)i;
	}
	return -1;
}

/**
 * gro_layer() - pick the layer to coalesce and check it is a kind enabled
 * @ctx:	the context
 * @s:		the segment, parsed
 *
 * Return: true if @s->l (and @s->o for a tunnel) is set to something the
 * flags ask to coalesce
 */
static bool gro_layer(struct vnet_gro_ctx *ctx, struct gro_seg *s)
{
	const struct vnet_parse_result *r = &s->res;
	uint32_t fl = ctx->p.flags;
	bool v6;

	s->l = &r->outer;
	s->o = NULL;
	if (r->tunnel.type != VNET_TUNNEL_NONE) {
		if (!(fl & VNET_GRO_F_TUNNEL) || !r->inner.present ||
		    !r->inner.has_eth ||
		    (r->tunnel.type != VNET_TUNNEL_VXLAN &&
		     r->tunnel.type != VNET_TUNNEL_GENEVE))
			return false;
		s->l = &r->inner;
		s->o = &r->outer;
	}
	v6 = s->l->l3 == VNET_L3_IPV6;
	if (s->l->l4 == VNET_L4_TCP)
		return fl & (v6 ? VNET_GRO_F_TCP6 : VNET_GRO_F_TCP4);
	if (s->l->l4 == VNET_L4_UDP)
		return fl & (v6 ? VNET_GRO_F_UDP6 : VNET_GRO_F_UDP4);
	return false;
}

/**
 * gro_ipv4_20_ok() - a 20-byte IPv4 header's checksum holds
 * @ip:		the header
 *
 * Five 32-bit words summed in 64 bits, folded (gro_fold_ok()): RFC
 * 1071's sum, inline.
 *
 * Return: true if it verifies
 */
static inline bool gro_ipv4_20_ok(const uint8_t *ip)
{
	uint64_t sum = 0;
	uint32_t w;
	int i;

	for (i = 0; i < 5; i++) {
		memcpy(&w, ip + 4 * i, 4);
		sum += w;
	}
	return gro_fold_ok(sum);
}

/**
 * gro_ipv4_ok() - the coalesced layer's IPv4 header checksum holds
 * @s:		the segment, parsed, headers contiguous; no tunnel
 *
 * Return: true for IPv6, or an IPv4 header whose checksum holds
 */
static bool gro_ipv4_ok(const struct gro_seg *s)
{
	const struct vnet_parse_layer *l = s->l;

	if (l->l3 != VNET_L3_IPV4)
		return true;
	if (l->l4_off - l->l3_off == 20)	/* the usual: no call */
		return gro_ipv4_20_ok(s->hdr + l->l3_off);
	return vnet_csum_fold(vnet_csum_partial(s->hdr + l->l3_off,
						l->l4_off - l->l3_off, 0)) ==
	       0xffff;
}

/**
 * gro_csum_ok() - do all checksums of the segment hold
 * @s:		the segment, parsed
 *
 * What the source vouched for is not summed (gro_trust.c): without a
 * tunnel the L4 checksum, in a tunnel the outer one only (DATA_VALID is
 * CHECKSUM_UNNECESSARY at csum_level 0).
 *
 * Return: true if every IPv4 header checksum and every L4 checksum is
 * good or vouched for (an outer UDP checksum may be absent)
 */
static bool gro_csum_ok(struct gro_seg *s)
{
	struct vnet_csum_report rep;
	const struct vnet_csum_layer_report *in, *out;

	if (!s->o && gro_trust_l4(s, s->l->l4_off, s->l->l4 == VNET_L4_UDP))
		return gro_ipv4_ok(s);
	if (vnet_csum_verify(s->pkt, &s->res, &rep))
		return false;
	out = &rep.outer;
	in = s->o ? &rep.inner : &rep.outer;
	if (in->ip != VNET_CSUM_OK && in->ip != VNET_CSUM_ABSENT)
		return false;
	if (in->l4 != VNET_CSUM_OK)
		return false;
	if (!s->o)
		return true;
	if (out->ip != VNET_CSUM_OK && out->ip != VNET_CSUM_ABSENT)
		return false;
	return out->l4 == VNET_CSUM_OK || out->l4 == VNET_CSUM_ABSENT ||
	       s->trust == GRO_TRUST_VALID;
}

/* What the ladder makes of a frame before any flow is looked at. */
enum gro_prep {
	PREP_OK = 0,		/* a candidate */
	PREP_PASS,		/* not ours: pass it */
	PREP_FLUSH_PASS,	/* ours but not coalescable: flush its flow */
	PREP_BYPASS,		/* RSC bypass: pass, leave its flow alone */
};

/**
 * gro_ip_plain() - no options, extension headers or fragments
 * @l:		an IP layer
 *
 * Return: the stat that refuses it, or VNET_GRO_S_MAX if plain
 */
static enum vnet_gro_stat gro_ip_plain(const struct vnet_parse_layer *l)
{
	if (l->frag != VNET_FRAG_NONE && l->frag != VNET_FRAG_ATOMIC)
		return VNET_GRO_S_FRAG;
	if (l->l3 == VNET_L3_IPV4 && l->ipv4.options)
		return VNET_GRO_S_IP_OPTS;
	if (l->l3 == VNET_L3_IPV6 && l->ipv6.ext)
		return VNET_GRO_S_IP_OPTS;
	return VNET_GRO_S_MAX;
}

/**
 * gro_seg_fields() - headers contiguous, payload length, TCP fields
 * @s:		the segment, parsed, layers chosen
 *
 * A trailer (Ethernet padding) is allowed only without payload: such a
 * segment is never held (a pure ACK), and a held frame must end with its
 * datagram.
 *
 * Return: true, or false if the headers are too long, the UDP length is
 * not the datagram's, or data comes with a trailer
 */
static bool gro_seg_fields(struct gro_seg *s)
{
	const struct vnet_parse_layer *l = s->l;
	const uint8_t *th;

	s->hdr_len = l->payload_off;
	s->pay_len = l->payload_len;
	if (s->hdr_len > GRO_HDR_MAX || !s->hdr_len)
		return false;
	if (!s->hdr)			/* gro_ip_key() peeked them */
		return false;
	if (s->pay_len && (l->trailer_len || (s->o && s->o->trailer_len)))
		return false;
	if (l->l4 == VNET_L4_UDP)
		return l->l4_off + l->udp_len == l->l3_off + l->l3_len;
	th = s->hdr + l->l4_off;
	s->seq = vnet_load_be32(th + 4);
	s->ack = vnet_load_be32(th + 8);
	s->flags = th[13];
	s->win = vnet_load_be16(th + 14);
	return true;
}

/**
 * gro_prepare() - the ladder: parse, pick, key, vet, verify
 * @ctx:	the context
 * @s:		the segment; s->pkt set
 *
 * Return: enum gro_prep
 */
static enum gro_prep gro_prepare(struct vnet_gro_ctx *ctx, struct gro_seg *s)
{
	enum vnet_gro_stat why;
	int ok;

	s->csum_ok = s->trust == GRO_TRUST_VALID;	/* if passed as is */
	if (vnet_parse(s->pkt, &ctx->parse, &s->res)) {
		gro_bump(ctx, VNET_GRO_S_NOT_IP);
		return PREP_PASS;
	}
	if (!gro_layer(ctx, s)) {
		gro_bump(ctx, VNET_GRO_S_NOT_TCP_UDP);
		return PREP_PASS;
	}
	gro_ip_key(s);
	if ((ctx->p.flags & VNET_GRO_F_RSC) && rsc_bypass(ctx, s))
		return PREP_BYPASS;
	why = gro_ip_plain(s->l);
	if (why == VNET_GRO_S_MAX && s->o)
		why = gro_ip_plain(s->o);
	if (why != VNET_GRO_S_MAX) {
		gro_bump(ctx, why);
		return PREP_FLUSH_PASS;
	}
	if (!gro_seg_fields(s) || s->trust == GRO_TRUST_GSO) {
		gro_bump(ctx, VNET_GRO_S_MISMATCH);
		return PREP_FLUSH_PASS;
	}
	/* a partial checksum anywhere but the coalesced layer's: as it is */
	if (s->trust == GRO_TRUST_PARTIAL &&
	    (s->o || !gro_trust_l4(s, s->l->l4_off,
				   s->l->l4 == VNET_L4_UDP))) {
		gro_bump(ctx, VNET_GRO_S_CSUM);
		return PREP_FLUSH_PASS;
	}
	ok = gro_copy_first(ctx, s);
	if (!(ok < 0 ? gro_csum_ok(s) : ok)) {
		s->csum_ok = false;
		gro_bump(ctx, VNET_GRO_S_CSUM);
		return PREP_FLUSH_PASS;
	}
	if (!s->o && s->trust != GRO_TRUST_NONE)
		gro_bump(ctx, VNET_GRO_S_VOUCHED);
	/* verified, or vouched for; a partial checksum is neither */
	s->csum_ok = s->trust != GRO_TRUST_PARTIAL;
	return PREP_OK;
}

/**
 * gro_plain_layer() - a plain TCP layer read from the header bytes
 * @ctx:	the context
 * @l:		the layer to fill
 * @p:		the frame's first bytes, @have of them
 * @have:	bytes at @p
 * @len:	the frame's length
 *
 * What vnet_parse() finds for Ethernet (no VLAN), IPv4 without options or
 * IPv6 without extension headers, not a fragment, and TCP, with data and
 * no trailer, for a kind the context coalesces; anything else, or headers
 * longer than @have, is left to the parser.
 *
 * Return: true if @l is filled
 */
static bool gro_plain_layer(const struct vnet_gro_ctx *ctx,
			    struct vnet_parse_layer *l, const uint8_t *p,
			    size_t have, size_t len)
{
	uint16_t et = have >= 14 ? vnet_load_be16(p + 12) : 0;
	size_t end, doff;
	bool v6 = et == 0x86dd;

	if ((et != 0x0800 && !v6) ||
	    !(ctx->p.flags & (v6 ? VNET_GRO_F_TCP6 : VNET_GRO_F_TCP4)) ||
	    have < (v6 ? 54 : 34) + 20)
		return false;
	memset(l, 0, sizeof(*l));	/* as vnet_parse() starts */
	if (v6) {			/* version 6, next header TCP */
		if (p[14] >> 4 != 6 || p[20] != 6)
			return false;
		end = 54 + vnet_load_be16(p + 18);
		l->l4_off = 54;
	} else {			/* version 4, IHL 5, TCP, whole */
		if (p[14] != 0x45 || p[23] != 6 ||
		    (vnet_load_be16(p + 20) & 0x3fff))
			return false;
		end = 14 + vnet_load_be16(p + 16);
		l->l4_off = 34;
		l->frag = p[20] & 0x40 ? VNET_FRAG_ATOMIC : VNET_FRAG_NONE;
	}
	doff = (size_t)(p[l->l4_off + 12] >> 4) * 4;
	if (end != len || doff < 20 || l->l4_off + doff >= end ||
	    l->l4_off + doff > have)
		return false;		/* a trailer, no data, or long */
	l->present = true;
	l->has_eth = true;
	l->ethertype = et;
	l->l3 = v6 ? VNET_L3_IPV6 : VNET_L3_IPV4;
	l->l3_off = 14;
	l->l3_hdr_len = l->l4_off - 14;
	l->l3_len = end - 14;
	l->l4 = VNET_L4_TCP;
	l->l4_proto = 6;
	l->l4_hdr_len = doff;
	l->sport = vnet_load_be16(p + l->l4_off);
	l->dport = vnet_load_be16(p + l->l4_off + 2);
	l->tcp_flags = p[l->l4_off + 13];
	l->tcp_options = doff > 20;
	l->payload_off = l->l4_off + doff;
	l->payload_len = end - l->payload_off;
	return true;
}

/**
 * gro_prepare_plain() - gro_prepare() for a plain TCP segment, no parser
 * @ctx:	the context
 * @s:		the segment; s->pkt, s->vh, s->trust set
 *
 * A segment that may start a flow (no held fast flow has its header) is
 * read from its header bytes when it is plain TCP (gro_plain_layer()),
 * then vetted as gro_prepare() vets it, with its helpers: the key, the
 * fields, what its source vouched for, its checksums. It succeeds only
 * where gro_prepare() would say PREP_OK, with the same segment record
 * and counters; anything else is left to gro_prepare(), untouched.
 *
 * Return: true for PREP_OK
 */
static bool gro_prepare_plain(struct vnet_gro_ctx *ctx, struct gro_seg *s)
{
	const struct vnet_pkt *pkt = s->pkt;
	struct vnet_parse_layer *l = &s->res.outer;
	uint32_t sum;
	size_t end;
	int ok;

	if ((ctx->p.flags & (VNET_GRO_F_RSC | VNET_GRO_F_SLOW)) ||
	    !pkt->iovcnt || s->trust == GRO_TRUST_GSO ||
	    !gro_plain_layer(ctx, l, pkt->iov[0].iov_base,
			     pkt->iov[0].iov_len, pkt->len))
		return false;
	s->l = l;
	s->o = NULL;
	gro_ip_key(s);
	if (!gro_seg_fields(s) ||
	    (s->trust == GRO_TRUST_PARTIAL && !gro_trust_l4(s, l->l4_off,
							   false)))
		return false;
	ok = gro_copy_first(ctx, s);
	if (ok < 0) {
		ok = gro_ipv4_ok(s);
		if (ok && !gro_trust_l4(s, l->l4_off, false)) {
			end = l->l3_off + l->l3_len;
			ok = !gro_sum_range(pkt, l->l4_off, end - l->l4_off,
					    &sum) &&
			     vnet_csum_fold(vnet_csum_add(sum,
				gro_ip_pseudo(s->hdr, l->l3_off,
					      l->l3 == VNET_L3_IPV6, 6,
					      end - l->l4_off))) == 0xffff;
		}
	}
	if (!ok) {
		s->in_spare = false;	/* gro_prepare() counts the failure */
		return false;
	}
	if (s->trust != GRO_TRUST_NONE)
		gro_bump(ctx, VNET_GRO_S_VOUCHED);
	s->csum_ok = s->trust != GRO_TRUST_PARTIAL;
	return true;
}

/**
 * gro_free_slot() - a flow not in use
 * @ctx:	the context, with fewer than p.flows flows held
 *
 * Return: its index, taken off the free stack
 */
static unsigned int gro_free_slot(struct vnet_gro_ctx *ctx)
{
	return ctx->nfree ? ctx->free_idx[--ctx->nfree] : 0;
}

/**
 * gro_flow_start() - fill a flow from its first segment
 * @f:		the flow
 * @s:		the segment, already copied to f->buf
 * @now:	the time in ns
 */
static void gro_flow_start(struct vnet_gro_flow *f, const struct gro_seg *s,
			   uint64_t now)
{
	f->key = s->key;
	f->hash = s->hash;
	f->len = vnet_pkt_len(s->pkt);
	f->hdr_len = s->hdr_len;
	f->l3_off = s->l->l3_off;
	f->l4_off = s->l->l4_off;
	f->v6 = s->l->l3 == VNET_L3_IPV6;
	f->udp = s->l->l4 == VNET_L4_UDP;
	f->tunnel = s->o != NULL;
	f->ol3_off = s->o ? s->o->l3_off : 0;
	f->ol4_off = s->o ? s->o->l4_off : 0;
	f->outer_v6 = s->o && s->o->l3 == VNET_L3_IPV6;
	f->mss = (uint16_t)s->pay_len;
	f->segs = 1;
	f->dup_acks = 0;
	f->closed = false;
	f->next_seq = s->seq + (uint32_t)s->pay_len;
	f->id_fixed = false;
	f->oid_fixed = false;
	f->rewritten = false;
	gro_ip_note(f, s);
	f->first_ns = now;
	f->csum_ok = s->csum_ok;
	f->partial = s->trust == GRO_TRUST_PARTIAL;
}

/**
 * gro_flow_fill() - a flow's buffer from its first segment
 * @ctx:	the context
 * @f:		the flow, free
 * @s:		the segment
 *
 * Copy mode: the frame whole (already in the spare buffer when it was
 * summed there: the buffers are swapped). Reference mode: its headers, and
 * the frame referenced.
 *
 * Return: 0, or -EFAULT if the frame could not be read
 */
static int gro_flow_fill(struct vnet_gro_ctx *ctx, struct vnet_gro_flow *f,
			 struct gro_seg *s)
{
	size_t len = vnet_pkt_len(s->pkt);

	if (gro_is_ref(ctx))
		return gro_ref_start(ctx, f, s);
	ctx->stats[VNET_GRO_S_COPIED] += len - s->hdr_len;
	if (s->in_spare) {
		uint8_t *b = f->buf;	/* copied already: swap buffers */

		f->buf = ctx->spare;
		ctx->spare = b;
		return 0;
	}
	return vnet_pkt_read(s->pkt, 0, f->buf, len) ? -EFAULT : 0;
}

/**
 * gro_hold() - start a flow with a segment, making room first
 * @ctx:	the context
 * @s:		the segment
 * @now:	the time in ns
 * @emit:	callback for flows evicted
 * @opaque:	its pointer
 *
 * Return: frames emitted, or -errno from @emit
 */
static int gro_hold(struct vnet_gro_ctx *ctx, struct gro_seg *s,
		    uint64_t now, vnet_gro_emit_fn emit, void *opaque)
{
	size_t len = vnet_pkt_len(s->pkt);
	struct vnet_gro_flow *f;
	unsigned int idx;
	int n = 0, r;

	if (len > ctx->buf_size || len > ctx->p.max_held)
		return gro_emit_pass(ctx, s, emit, opaque);
	while (ctx->nheld && (ctx->nheld == ctx->p.flows ||
			      len > ctx->p.max_held - ctx->held)) {
		r = gro_flow_release(ctx, 0, ctx->nheld == ctx->p.flows ?
				     VNET_GRO_S_TABLE_FULL :
				     VNET_GRO_S_HELD_BYTES, emit, opaque);
		if (r < 0)
			return r;
		n += r;
	}
	idx = gro_free_slot(ctx);
	f = &ctx->flows[idx];
	if (gro_flow_fill(ctx, f, s)) {
		ctx->free_idx[ctx->nfree++] = (uint16_t)idx;
		r = gro_emit_pass(ctx, s, emit, opaque);
		return r < 0 ? r : n + r;
	}
	gro_flow_start(f, s, now);
	gro_fast_setup(ctx, f, !ctx->nheld);
	ctx->order_hash[ctx->nheld] = f->hash;
	ctx->order[ctx->nheld++] = (uint16_t)idx;
	ctx->held += len;
	gro_bump(ctx, VNET_GRO_S_HELD);
	return n;
}

/**
 * gro_append() - append a segment's payload to its flow
 * @ctx:	the context
 * @f:		the flow
 * @s:		the segment (gro_fits() said yes)
 *
 * Return: 0, or -EFAULT if the payload could not be read (the flow is
 * unchanged)
 */
static int gro_append(struct vnet_gro_ctx *ctx, struct vnet_gro_flow *f,
		      struct gro_seg *s)
{
	if (gro_is_ref(ctx)) {
		gro_ref_append(f, s->pkt, s->hdr_len, s->ref);
		s->taken = true;
	} else {
		if (!s->copied && vnet_pkt_read(s->pkt, s->hdr_len,
						f->buf + f->len, s->pay_len))
			return -EFAULT;
		ctx->stats[VNET_GRO_S_COPIED] += s->pay_len;
	}
	f->len += s->pay_len;
	ctx->held += s->pay_len;
	f->segs++;
	f->csum_ok &= s->csum_ok;
	gro_ip_note(f, s);
	if (!f->udp)
		gro_tcp_merged(ctx, f, s);
	gro_bump(ctx, VNET_GRO_S_MERGED);
	return 0;
}

/**
 * gro_apply() - carry out a verdict
 * @ctx:	the context
 * @s:		the segment
 * @pos:	its flow's position in the age order, or -1
 * @v:		the verdict
 * @now:	the time in ns
 * @emit:	callback
 * @opaque:	its pointer
 *
 * Return: frames emitted, or -errno from @emit
 */
static int gro_apply(struct vnet_gro_ctx *ctx, struct gro_seg *s,
		     int pos, enum gro_verdict v, uint64_t now,
		     vnet_gro_emit_fn emit, void *opaque)
{
	struct vnet_gro_flow *f = pos < 0 ? NULL :
				  &ctx->flows[ctx->order[pos]];
	int n = 0, r;

	if (f && (v == GRO_MERGE || v == GRO_MERGE_FLUSH)) {
		if (gro_append(ctx, f, s)) {
			v = GRO_FLUSH_PASS;
		} else if (v == GRO_MERGE) {
			return 0;
		} else {
			r = gro_flow_release(ctx, (unsigned int)pos,
					     VNET_GRO_S_MAX, emit, opaque);
			/* refused: the segment is in the flow, which waits */
			return r == -EAGAIN ? 0 : r;
		}
	}
	if (v == GRO_ABSORB)
		return 0;
	if (f && v != GRO_PASS) {
		n = gro_flow_release(ctx, (unsigned int)pos, VNET_GRO_S_MAX,
				     emit, opaque);
		if (n < 0)
			return n;
	}
	if (v == GRO_FLUSH_HOLD || v == GRO_MERGE)
		r = gro_hold(ctx, s, now, emit, opaque);
	else
		r = gro_emit_pass(ctx, s, emit, opaque);
	return r < 0 ? r : n + r;
}

/**
 * gro_decide() - the protocol's verdict on a segment
 * @ctx:	the context
 * @s:		the segment
 * @pos:	its flow's position, or -1
 *
 * Return: the verdict
 */
static enum gro_verdict gro_decide(struct vnet_gro_ctx *ctx,
				   struct gro_seg *s, int pos)
{
	bool rsc = ctx->p.flags & VNET_GRO_F_RSC;
	struct vnet_gro_flow *f;

	if (pos < 0) {
		if (s->l->l4 == VNET_L4_UDP)
			return GRO_FLUSH_HOLD;
		return rsc ? rsc_tcp_first(ctx, s) : gro_tcp_first(ctx, s);
	}
	f = &ctx->flows[ctx->order[pos]];
	if (f->closed) {	/* waits for a retry: this one starts anew */
		if (s->l->l4 == VNET_L4_UDP)
			return GRO_FLUSH_HOLD;
		return rsc ? rsc_tcp_first(ctx, s) : gro_tcp_first(ctx, s);
	}
	if (gro_ip_flush(f, s, !rsc) ||
	    (f->tunnel && gro_tunnel_flush(f, s, !rsc))) {
		gro_bump(ctx, VNET_GRO_S_MISMATCH);
		if (s->l->l4 == VNET_L4_UDP)
			return GRO_FLUSH_HOLD;
		return rsc ? rsc_tcp_first(ctx, s) : gro_tcp_first(ctx, s);
	}
	if (s->l->l4 == VNET_L4_UDP)
		return gro_udp_match(ctx, f, s);
	return rsc ? rsc_tcp_match(ctx, f, s) : gro_tcp_match(ctx, f, s);
}

/**
 * gro_classify() - find a segment's flow and the verdict on it
 * @ctx:	the context
 * @s:		the segment; s->pkt set
 * @pos:	out: its flow's position in the age order, or -1
 *
 * A segment of a held flow whose header bytes say so takes the fast path
 * (gro_fast.c): no parse, no ladder, the same rules.
 *
 * Return: the verdict
 */
static enum gro_verdict gro_classify(struct vnet_gro_ctx *ctx,
				     struct gro_seg *s, int *pos)
{
	s->in_spare = false;
	*pos = s->no_fast ? -1 : gro_fast_find(ctx, s);
	if (*pos >= 0)
		return gro_decide(ctx, s, *pos);
	s->copied = false;
	if (s->no_fast && gro_prepare_plain(ctx, s)) {
		*pos = gro_lookup(ctx, s);
		return gro_decide(ctx, s, *pos);
	}
	switch (gro_prepare(ctx, s)) {
	case PREP_OK:
		*pos = gro_lookup(ctx, s);
		return gro_decide(ctx, s, *pos);
	case PREP_FLUSH_PASS:
		*pos = gro_lookup(ctx, s);
		return GRO_FLUSH_PASS;
	default:
		*pos = -1;
		return GRO_PASS;
	}
}

/**
 * gro_receive_full() - the full path: parse, vet, classify, apply
 * @ctx:	the context
 * @pkt:	the frame
 * @h:		its host-side header, or NULL
 * @ref:	reference mode: the caller's reference to the frame
 * @n:		frames emitted before (expired flows), or -errno from that
 * @lane:	what the fast lane said (GRO_LANE_NO_FLOW: no fast flow to
 *		look for)
 * @now:	the time in ns
 * @emit:	callback
 * @opaque:	its pointer
 *
 * Out of line: its segment record is large, and the fast lane does
 * without it. In reference mode a frame neither held nor emitted is
 * released here, unless it was refused (-EAGAIN: the caller keeps it).
 *
 * Return: frames emitted, or -errno from @emit
 */
static __attribute__((noinline)) int
gro_receive_full(struct vnet_gro_ctx *ctx, const struct vnet_pkt *pkt,
		 const struct vnet_hdr *h, void *ref, int n, enum gro_lane lane,
		 uint64_t now, vnet_gro_emit_fn emit, void *opaque)
{
	struct gro_seg s;
	enum gro_verdict v;
	int r, pos;

	s.ref = ref;
	s.taken = false;
	s.no_fast = lane == GRO_LANE_NO_FLOW;
	if (n < 0) {
		r = n;
		goto out;
	}
	s.pkt = pkt;
	s.vh = h;
	s.trust = gro_trust_of(h);
	v = gro_classify(ctx, &s, &pos);
	r = gro_apply(ctx, &s, pos, v, now, emit, opaque);
out:
	if (r != -EAGAIN)
		gro_ref_done(ctx, &s);	/* not held: dropped or absorbed */
	return r < 0 ? r : n + r;
}

/**
 * gro_receive() - feed one frame, in either mode
 * @ctx:	the context
 * @pkt:	the frame
 * @h:		its host-side header, or NULL
 * @ref:	reference mode: the caller's reference to the frame
 * @now:	the time in ns
 * @emit:	callback
 * @opaque:	its pointer
 *
 * Expired flows go first; then a full-sized in-order segment of a held
 * flow takes the fast lane (gro_fast_take()), anything else the full path.
 *
 * Return: frames emitted, or -errno from @emit
 */
static int gro_receive(struct vnet_gro_ctx *ctx, const struct vnet_pkt *pkt,
		       const struct vnet_hdr *h, void *ref, uint64_t now,
		       vnet_gro_emit_fn emit, void *opaque)
{
	enum gro_lane lane = GRO_LANE_NO_FLOW;
	int n = 0;

	gro_bump(ctx, VNET_GRO_S_IN);
	if (ctx->nheld && gro_due(ctx, &ctx->flows[ctx->order[0]], now))
		n = vnet_gro_flush(ctx, now, VNET_GRO_FLUSH_EXPIRED, emit,
				   opaque);
	if (n >= 0 && ctx->nheld)
		lane = gro_fast_take(ctx, pkt, h, ref);
	if (lane == GRO_LANE_TAKEN)
		return n;
	return gro_receive_full(ctx, pkt, h, ref, n, lane, now, emit, opaque);
}

/**
 * vnet_gro_receive_hdr() - feed one frame with what its source says of it
 * @ctx:	the context, in copy mode
 * @pkt:	the frame
 * @h:		its host-side header, or NULL
 * @now:	the time in ns
 * @emit:	callback
 * @opaque:	its pointer
 *
 * Return: frames emitted, or -errno from @emit; -EINVAL in reference mode
 */
int vnet_gro_receive_hdr(struct vnet_gro_ctx *ctx, const struct vnet_pkt *pkt,
			 const struct vnet_hdr *h, uint64_t now,
			 vnet_gro_emit_fn emit, void *opaque)
{
	if (gro_is_ref(ctx))
		return -EINVAL;
	return gro_receive(ctx, pkt, h, NULL, now, emit, opaque);
}

/**
 * vnet_gro_receive_ref() - feed one frame by reference
 * @ctx:	the context, in reference mode
 * @pkt:	the frame, its memory the caller's until released
 * @h:		its host-side header, or NULL
 * @ref:	the caller's reference, given back to release()
 * @now:	the time in ns
 * @emit:	callback
 * @opaque:	its pointer
 *
 * Return: frames emitted, or -errno from @emit; -EINVAL in copy mode
 */
int vnet_gro_receive_ref(struct vnet_gro_ctx *ctx, const struct vnet_pkt *pkt,
			 const struct vnet_hdr *h, void *ref, uint64_t now,
			 vnet_gro_emit_fn emit, void *opaque)
{
	if (!gro_is_ref(ctx))
		return -EINVAL;
	return gro_receive(ctx, pkt, h, ref, now, emit, opaque);
}

/**
 * vnet_gro_receive() - feed one frame, nothing vouched for
 * @ctx:	the context
 * @pkt:	the frame
 * @now:	the time in ns
 * @emit:	callback
 * @opaque:	its pointer
 *
 * Return: frames emitted, or -errno from @emit
 */
int vnet_gro_receive(struct vnet_gro_ctx *ctx, const struct vnet_pkt *pkt,
		     uint64_t now, vnet_gro_emit_fn emit, void *opaque)
{
	return vnet_gro_receive_hdr(ctx, pkt, NULL, now, emit, opaque);
}
