/* SPDX-License-Identifier: MIT */
/* gro_priv.h - internal: the flow, the parsed segment, the rule helpers */
#ifndef VNET_GRO_PRIV_H
#define VNET_GRO_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet/csum_verify.h"
#include "vnet/gro.h"
#include "vnet/parse.h"

/* Headers of a frame the engine coalesces, tunnel and all, at most. */
#define GRO_HDR_MAX	256

/* Room per flow: an IP datagram of 64 KiB plus everything before it. */
#define GRO_BUF_SIZE	(VNET_GRO_IP_MAX + GRO_HDR_MAX)

/**
 * struct gro_key - what names a flow: compared whole with memcmp
 *
 * MACs and VLAN tags of the outer Ethernet header, the IP protocol, the
 * addresses, ports and IPv6 flow label of the coalesced layer (Linux's
 * ipv6_gro_receive() keeps flow labels apart); in a tunnel also the outer
 * addresses and UDP ports, the VNI and a hash of the Geneve options
 * (@topt; the options are compared whole when segments are matched).
 *
 * No padding (checked below): every byte is a field, all of them stored
 * by gro_ip_key().
 */
struct gro_key {
	uint8_t eth[12];
	uint16_t vlan[VNET_PARSE_VLAN_MAX];
	uint8_t proto;
	uint8_t v6;
	uint8_t tunnel;
	uint8_t outer_v6;
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport;
	uint16_t dport;
	uint8_t osrc[16];
	uint8_t odst[16];
	uint16_t osport;
	uint16_t odport;
	uint32_t vni;
	uint32_t topt;
	uint32_t flowlabel;
};

_Static_assert(sizeof(struct gro_key) == 12 + 2 * VNET_PARSE_VLAN_MAX + 4 +
	       4 * 16 + 4 * 2 + 4 + 4 + 4, "struct gro_key has padding");

/**
 * enum gro_trust - what the frame's source vouched for (its header's flags)
 * @GRO_TRUST_NONE:	nothing: every checksum is verified
 * @GRO_TRUST_VALID:	DATA_VALID: the outermost L4 checksum is good
 * @GRO_TRUST_PARTIAL:	NEEDS_CSUM: the L4 checksum is a local sender's
 *			partial one, to be completed (csum_start checked
 *			against the coalesced layer before it is believed)
 * @GRO_TRUST_GSO:	a GSO frame, not a segment: never coalesced
 */
enum gro_trust {
	GRO_TRUST_NONE = 0,
	GRO_TRUST_VALID,
	GRO_TRUST_PARTIAL,
	GRO_TRUST_GSO,
};

/**
 * struct gro_seg - a frame parsed and checked, ready to be matched
 * @pkt:	the frame
 * @res:	its parse
 * @l:		the layer coalesced (the inner one in a tunnel)
 * @o:		the outer layer of a tunnel, else NULL
 * @hdr:	the headers, @hdr_len bytes, contiguous
 * @hdr_len:	offset of the payload
 * @pay_len:	payload bytes (TCP data, or UDP data)
 * @seq:	TCP sequence number
 * @ack:	TCP acknowledgment number
 * @win:	TCP window
 * @flags:	TCP flags
 * @key:	the flow key
 * @hash:	a hash of @key
 * @csum_ok:	every checksum verified good, here or by the source
 * @vh:		the header the frame came with, or NULL
 * @trust:	what @vh vouches for
 * @copied:	the payload is already at the end of its flow's buffer (the
 *		fast path copied it while summing it)
 * @in_spare:	the whole frame is in ctx->spare (gro_copy_first())
 * @ref:	reference mode: the caller's reference to the frame
 * @taken:	reference mode: the frame is held in a flow or was released
 * @no_fast:	the fast lane found no held fast flow with its header
 */
struct gro_seg {
	const struct vnet_pkt *pkt;
	struct vnet_parse_result res;
	const struct vnet_parse_layer *l;
	const struct vnet_parse_layer *o;
	const uint8_t *hdr;
	size_t hdr_len;
	size_t pay_len;
	uint32_t seq;
	uint32_t ack;
	uint16_t win;
	uint8_t flags;
	struct gro_key key;
	uint32_t hash;
	bool csum_ok;
	const struct vnet_hdr *vh;
	enum gro_trust trust;
	bool copied;
	bool in_spare;
	void *ref;
	bool taken;
	bool no_fast;
	uint8_t scratch[GRO_HDR_MAX];
};

/**
 * struct vnet_gro_flow - one held flow
 * @key:	its key
 * @hash:	hash of @key
 * @buf:	the super-frame being built (first frame, then payloads)
 * @len:	bytes in @buf
 * @hdr_len:	headers at the start of @buf
 * @l3_off:	coalesced layer's IP header
 * @l4_off:	its L4 header
 * @ol3_off:	outer IP header (tunnel)
 * @ol4_off:	outer UDP header (tunnel)
 * @v6:		coalesced layer is IPv6
 * @outer_v6:	outer layer is IPv6 (tunnel)
 * @tunnel:	VXLAN / Geneve around it
 * @udp:	UDP (else TCP)
 * @mss:	payload of the first segment
 * @segs:	segments in it
 * @dup_acks:	duplicate ACKs absorbed (RSC)
 * @next_seq:	sequence number the next segment must carry (TCP)
 * @id:		IPv4 ID of the last segment (coalesced layer)
 * @oid:	IPv4 ID of the last segment (outer layer)
 * @id_fixed:	IDs stay the same (DF set, RFC 6864); decided by segment 2
 * @oid_fixed:	the same for the outer layer
 * @first_ns:	arrival of the first segment
 * @csum_ok:	all segments verified (here or by their source)
 * @partial:	the first segment's L4 checksum field is a sender's partial
 *		sum (NEEDS_CSUM): a flow of it alone leaves with NEEDS_CSUM
 * @rewritten:	a header field was changed in place (RSC window update):
 *		the frame's checksums must be redone even for one segment
 * @fast:	segments may join through the fast path (TCP, Linux rules,
 *		no tunnel, the context's fast layout)
 * @ip_base:	sum of the held IPv4 header, length, ID and checksum as zero
 * @l4_base:	sum of the pseudo-header (length as zero) and the held TCP
 *		header, sequence number and checksum as zero
 * @oip_base:	@ip_base for the outer IPv4 header of a tunnel
 * @sums_ready:	@ip_base, @oip_base and @l4_base are made (gro_fast_sums())
 * @iov:	reference mode: the chain, @niov entries (ctx->ref_iov)
 * @frames:	reference mode: the frames held, @nframes (ctx->ref_frames)
 */
struct vnet_gro_flow {
	struct gro_key key;
	uint32_t hash;
	uint8_t *buf;
	size_t len;
	size_t hdr_len;
	size_t l3_off;
	size_t l4_off;
	size_t ol3_off;
	size_t ol4_off;
	bool v6;
	bool outer_v6;
	bool tunnel;
	bool udp;
	uint16_t mss;
	uint16_t segs;
	uint16_t dup_acks;
	uint32_t next_seq;
	uint16_t id;
	uint16_t oid;
	bool id_fixed;
	bool oid_fixed;
	uint64_t first_ns;
	bool csum_ok;
	bool partial;
	bool rewritten;
	bool fast;
	bool closed;		/* its release was refused (-EAGAIN): it
				 * takes no more segments, only a retry */
	uint32_t ip_base;
	uint32_t l4_base;
	uint32_t oip_base;
	bool sums_ready;
	struct iovec *iov;
	void **frames;
	uint16_t niov;
	uint16_t nframes;
};

/* What a protocol's rules decide for a segment against its flow. */
enum gro_verdict {
	GRO_MERGE = 0,		/* append, keep holding */
	GRO_MERGE_FLUSH,	/* append, then release the flow */
	GRO_FLUSH_HOLD,		/* release the flow, hold the segment anew */
	GRO_FLUSH_PASS,		/* release the flow, pass the segment */
	GRO_ABSORB,		/* fold into the flow without data (RSC) */
	GRO_PASS,		/* pass the segment, leave the flow alone */
};

/* gro_ip.c */
bool gro_ip_flush(const struct vnet_gro_flow *f, const struct gro_seg *s,
		  bool check_id);
bool gro_ip_outer_flush(const struct vnet_gro_flow *f,
			const struct gro_seg *s, bool check_id);
void gro_ip_key(struct gro_seg *s);
void gro_ip_finish(uint8_t *buf, size_t len, size_t l3_off, bool v6);
uint32_t gro_ip_pseudo(const uint8_t *buf, size_t l3_off, bool v6,
		       uint8_t proto, size_t l4_len);
void gro_ip_note(struct vnet_gro_flow *f, const struct gro_seg *s);

/* gro_tcp.c */
enum gro_verdict gro_tcp_match(struct vnet_gro_ctx *ctx,
			       struct vnet_gro_flow *f, struct gro_seg *s);
enum gro_verdict gro_tcp_first(struct vnet_gro_ctx *ctx,
			       const struct gro_seg *s);
void gro_tcp_merged(struct vnet_gro_ctx *ctx, struct vnet_gro_flow *f,
		    const struct gro_seg *s);
void gro_tcp_finish(struct vnet_gro_flow *f, struct vnet_hdr *h);

/* gro_udp.c */
enum gro_verdict gro_udp_match(struct vnet_gro_ctx *ctx,
			       struct vnet_gro_flow *f, struct gro_seg *s);
void gro_udp_finish(struct vnet_gro_flow *f, struct vnet_hdr *h);

/* gro_tunnel.c */
bool gro_tunnel_flush(const struct vnet_gro_flow *f, const struct gro_seg *s,
		      bool check_id);
void gro_tunnel_finish(struct vnet_gro_flow *f, struct vnet_hdr *h);

/* gro_fast.c */
void gro_fast_setup(struct vnet_gro_ctx *ctx, struct vnet_gro_flow *f,
		    bool first);
int gro_fast_find(struct vnet_gro_ctx *ctx, struct gro_seg *s);
/* What the fast lane made of a segment. */
enum gro_lane {
	GRO_LANE_TAKEN,		/* joined its flow */
	GRO_LANE_NO_FLOW,	/* no held fast flow has its header */
	GRO_LANE_FULL,		/* for the full path (gro_fast_find() too) */
};

enum gro_lane gro_fast_take(struct vnet_gro_ctx *ctx,
			    const struct vnet_pkt *pkt,
			    const struct vnet_hdr *h, void *ref);

/* gro_copy.c */
int gro_copy_sum(const struct vnet_pkt *pkt, size_t off, size_t len,
		 uint8_t *dst, uint32_t *sum);
int gro_copy_first(struct vnet_gro_ctx *ctx, struct gro_seg *s);

/* gro_trust.c */
enum gro_trust gro_trust_of(const struct vnet_hdr *h);
bool gro_trust_l4(const struct gro_seg *s, size_t l4_off, bool udp);

/* gro_ref.c */
int gro_ref_init(struct vnet_gro_ctx *ctx);
void gro_ref_fini(struct vnet_gro_ctx *ctx);
bool gro_ref_room(const struct vnet_gro_ctx *ctx,
		  const struct vnet_gro_flow *f, const struct gro_seg *s);
int gro_ref_start(const struct vnet_gro_ctx *ctx, struct vnet_gro_flow *f,
		  struct gro_seg *s);
void gro_ref_append(struct vnet_gro_flow *f, const struct vnet_pkt *pkt,
		    size_t hdr_len, void *ref);
void gro_ref_view(const struct vnet_gro_flow *f, struct vnet_pkt *pkt);
void gro_ref_release(const struct vnet_gro_ctx *ctx, struct vnet_gro_flow *f);
void gro_ref_done(const struct vnet_gro_ctx *ctx, struct gro_seg *s);
int gro_sum_range(const struct vnet_pkt *pkt, size_t off, size_t len,
		  uint32_t *sum);

/**
 * gro_is_ref() - is the context in reference mode
 * @ctx:	the context
 *
 * Return: true if payload is referenced, not copied
 */
static inline bool gro_is_ref(const struct vnet_gro_ctx *ctx)
{
	return ctx->p.release != NULL;
}

/* rsc.c */
bool rsc_bypass(struct vnet_gro_ctx *ctx, const struct gro_seg *s);
enum gro_verdict rsc_tcp_match(struct vnet_gro_ctx *ctx,
			       struct vnet_gro_flow *f, struct gro_seg *s);
enum gro_verdict rsc_tcp_first(struct vnet_gro_ctx *ctx,
			       const struct gro_seg *s);
void rsc_tcp_merged(struct vnet_gro_flow *f, const struct gro_seg *s);

/**
 * gro_bump() - count one event
 * @ctx:	the context
 * @s:		the counter
 */
static inline void gro_bump(struct vnet_gro_ctx *ctx, enum vnet_gro_stat s)
{
	ctx->stats[s]++;
}

/**
 * gro_ip_id_flush() - the IPv4 ID rule for one layer
 * @last:	ID of the flow's last segment
 * @fixed:	the flow's IDs have stayed fixed
 * @segs:	segments in the flow
 * @id:		ID of the new segment
 * @df:		the new segment has DF
 *
 * Linux inet_gro_receive(): IDs increment by one per segment, or, with DF
 * set, may stay fixed (RFC 6864 section 4: the ID of an atomic datagram
 * means nothing); which of the two is decided by the second segment.
 *
 * Return: true if the segment breaks the rule
 */
static inline bool gro_ip_id_flush(uint16_t last, bool fixed, uint16_t segs,
				   uint16_t id, bool df)
{
	bool inc = id == (uint16_t)(last + 1);
	bool same = df && id == last;

	if (segs == 1)
		return !inc && !same;
	return fixed ? !same : !inc;
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
 * gro_fits() - may @s be appended to @f: 64 KiB datagram, segment cap
 * @ctx:	the context
 * @f:		the flow
 * @s:		the segment
 *
 * Return: true if the outermost IP datagram stays within VNET_GRO_IP_MAX
 * and the flow within max_segs
 */
static inline bool gro_fits(const struct vnet_gro_ctx *ctx,
			    const struct vnet_gro_flow *f,
			    const struct gro_seg *s)
{
	size_t l3 = f->tunnel ? f->ol3_off : f->l3_off;

	if (f->segs >= ctx->p.max_segs)
		return false;
	if (s->pay_len > ctx->buf_size - f->len)
		return false;
	if (gro_is_ref(ctx) && !gro_ref_room(ctx, f, s))
		return false;
	return f->len + s->pay_len - l3 <= VNET_GRO_IP_MAX;
}

/**
 * gro_put16() - store a 16-bit value in network order
 * @p:		two bytes
 * @v:		host-order value
 */
static inline void gro_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

#endif /* VNET_GRO_PRIV_H */
