/* SPDX-License-Identifier: MIT */
/* gso_priv.h - the segmentation core shared by the protocol segmenters */
#ifndef VNET_GSO_PRIV_H
#define VNET_GSO_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/uio.h>

#include "vnet/csum.h"
#include "vnet/gso.h"
#include "vnet/parse.h"
#include "vnet/pkt.h"
#include "vnet/tx.h"

/* Most pieces a frame may be in for slicing. */
#define GSO_IOV_MAX	128

/* Most segments whose payload sums are taken in one pass beforehand. */
#define GSO_SUMS_MAX	64

/* gso_state.fast: which fields the zero-copy fast path of gso_run() sets. */
#define GSO_FAST_TCP	1
#define GSO_FAST_UDP	2

struct gso_state;

/**
 * typedef gso_fix_fn - per-segment fix-up of a replicated header
 * @st:		state
 * @hdr:	the segment's header, a copy of the template
 * @i:		segment index
 * @n:		payload bytes in the segment
 */
typedef void (*gso_fix_fn)(struct gso_state *st, uint8_t *hdr, unsigned int i,
			   size_t n);

/**
 * struct gso_state - one call of vnet_gso_segment()
 * @ctx:	the context
 * @h:		the header
 * @frame:	the frame
 * @res:	its parse
 * @l:		the layer segmented (inner in a tunnel)
 * @out:	output
 * @zerocopy:	slices of the frame rather than copies
 * @buf_used:	bytes of out->buf used
 * @iov_used:	entries of out->iov used
 * @cur:	frame piece the payload walk is in
 * @cur_base:	offset of that piece in the frame
 * @hlen:	bytes of headers replicated
 * @mss:	payload bytes per segment
 * @nseg:	segments to make
 * @psum:	partial sum of the current segment's payload
 * @seq0:	TCP sequence number of the first segment
 * @id0:	IPv4 ID of the first segment (segmented layer)
 * @outer_id0:	outer IPv4 ID of the first segment
 * @ip_base:	sum of the segmented layer's IPv4 header, the fields that
 *		change per segment (length, ID, checksum) as zero
 * @oip_base:	the same for a tunnel's outer IPv4 header
 * @l4_base:	sum of the L4 header and pseudo-header, the fields that
 *		change per segment and the lengths as zero
 * @otnl_base:	per-frame part of a tunnel's outer UDP checksum
 * @in_pseudo:	the inner pseudo-header's sum, length as zero
 * @otnl_fast:	the outer UDP checksum comes from @otnl_base
 * @inner_fix:	fix-up of the segmented layer
 * @outer_fix:	fix-up of a tunnel's outer headers, or NULL
 * @presummed:	@seg_sum holds every segment's payload sum (zero-copy)
 * @fast:	GSO_FAST_TCP or GSO_FAST_UDP when gso_run() may take its
 *		zero-copy fast path (no tunnel; the per-segment fields those
 *		of gso_tcp_fix() or gso_uso_fix()), else 0
 * @tmpl:	the headers as the frame has them
 * @seg_sum:	payload sums of the segments, taken in one pass
 */
struct gso_state {
	struct vnet_gso_ctx *ctx;
	const struct vnet_hdr *h;
	const struct vnet_pkt *frame;
	const struct vnet_parse_result *res;
	const struct vnet_parse_layer *l;
	struct vnet_gso_out *out;
	bool zerocopy;
	size_t buf_used;
	unsigned int iov_used;
	unsigned int cur;
	size_t cur_base;
	size_t hlen;
	size_t mss;
	unsigned int nseg;
	uint32_t psum;
	uint32_t seq0;
	uint16_t id0;
	uint16_t outer_id0;
	uint32_t ip_base;
	uint32_t oip_base;
	uint32_t l4_base;
	uint32_t otnl_base;
	uint32_t in_pseudo;
	bool otnl_fast;
	gso_fix_fn inner_fix;
	gso_fix_fn outer_fix;
	bool presummed;
	uint8_t fast;
	uint8_t tmpl[VNET_TX_HDR_MAX + 8];
	uint32_t seg_sum[GSO_SUMS_MAX];
};

uint8_t *gso_seg_begin(struct gso_state *st, size_t hlen, size_t plen);
int gso_seg_end(struct gso_state *st, uint8_t *hdr, size_t hlen, size_t poff,
		size_t plen);
int gso_run(struct gso_state *st);
int gso_run_fast(struct gso_state *st);
int gso_whole(struct gso_state *st);
bool gso_peer_takes(const struct vnet_gso_ctx *ctx, const struct vnet_hdr *h);
int gso_passthrough(struct gso_state *st);
void gso_fix_l3(uint8_t *hdr, const struct vnet_parse_layer *l, size_t l3_len,
		uint16_t id, uint32_t base);
uint32_t gso_ip_base(const uint8_t *tmpl, const struct vnet_parse_layer *l);
uint32_t gso_l4_base(const uint8_t *tmpl, const struct vnet_parse_layer *l,
		     const size_t *zero, unsigned int nzero);
void gso_l4_csum(uint8_t *hdr, const struct vnet_parse_layer *l, size_t hlen,
		 size_t n, uint32_t psum, size_t field, bool udp);

/**
 * gso_put16() - store a 16-bit value in network order
 * @p:		destination, any alignment
 * @v:		host-order value
 */
static inline void gso_put16(uint8_t *p, uint16_t v)
{
	uint16_t be = htons(v);		/* one store: loads forward from it */

	memcpy(p, &be, sizeof(be));
}

/**
 * gso_put32() - store a 32-bit value in network order
 * @p:		destination, any alignment
 * @v:		host-order value
 */
static inline void gso_put32(uint8_t *p, uint32_t v)
{
	uint32_t be = htonl(v);

	memcpy(p, &be, sizeof(be));
}

/**
 * gso_val16() - what a 16-bit field holding @v adds to a checksum
 * @v:		host-order value
 *
 * Return: the field as a native-endian load of its bytes would give it
 */
static inline uint32_t gso_val16(uint16_t v)
{
	return htons(v);
}

/**
 * gso_val32() - what a 32-bit field holding @v adds to a checksum
 * @v:		host-order value
 *
 * Return: the sum of its two halves as loaded
 */
static inline uint32_t gso_val32(uint32_t v)
{
	uint32_t be = htonl(v);

	return (be & 0xffff) + (be >> 16);
}

/**
 * gso_ld16() - a 16-bit field as loaded, the checksum's convention
 * @p:		two bytes
 *
 * Return: the bytes as a native-endian word
 */
static inline uint32_t gso_ld16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/**
 * gso_len_sum() - a length as the pseudo-header sums it
 * @len:	host-order length
 *
 * Return: its two big-endian halves as loaded, added
 */
static inline uint32_t gso_len_sum(uint32_t len)
{
	return gso_val32(len);
}

/**
 * gso_finish() - fold a 64-bit sum and complement it
 * @s:		sum
 * @udp:	store zero as 0xffff
 *
 * The halves added with the end-around carry (2^32 is 1 modulo 0xffff),
 * then Linux's csum_fold(): the complement minus the word-swapped sum
 * leaves the folded, complemented sum in the high half. Seven operations
 * where five rounds of fold took fifteen; the same result for every
 * input (checked against the rounds over every 32-bit value and 4e8
 * random 64-bit ones).
 *
 * Return: the checksum field, to store with memcpy
 */
static inline uint16_t gso_finish(uint64_t s, bool udp)
{
	uint32_t lo = (uint32_t)s, hi = (uint32_t)(s >> 32);
	uint16_t c;

	lo += hi;
	lo += lo < hi;					/* end-around carry */
	c = (uint16_t)((~lo - ((lo >> 16) | (lo << 16))) >> 16);
	return udp && !c ? 0xffff : c;
}

/**
 * gso_payload_sum() - the segment's payload sum, placed after the L4 header
 * @st:		state, st->psum the payload's sum from its first byte
 * @l:		the layer whose L4 checksum covers the payload
 *
 * Return: the sum as seen from the L4 header (byte-swapped if the payload
 * starts at an odd distance from it)
 */
static inline uint32_t gso_payload_sum(const struct gso_state *st,
				       const struct vnet_parse_layer *l)
{
	if ((st->hlen - l->l4_off) & 1)
		return vnet_csum_block_add(0, st->psum, 1);
	return st->psum;
}

int gso_tcp_segment(struct gso_state *st);
int gso_uso_segment(struct gso_state *st);
int gso_ufo_segment(struct gso_state *st);
int gso_tunnel_segment(struct gso_state *st);

#endif /* VNET_GSO_PRIV_H */
