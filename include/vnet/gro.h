/* SPDX-License-Identifier: MIT */
/* gro.h - receive coalescing: GRO (Linux rules) and RSC (RSC_EXT rules) */
#ifndef VNET_GRO_H
#define VNET_GRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vnet/parse.h"
#include "vnet/pkt.h"
#include "vnet/rx.h"
#include "vnet/export.h"

VNET_API_BEGIN

/*
 * One flow table of bounded size, allocated once by vnet_gro_init(); a held
 * flow owns a preallocated buffer into which the first segment is copied
 * whole and the payloads of the next ones are appended. Nothing on the
 * per-frame path allocates.
 *
 * Every segment's checksums are verified before it is merged, once: a
 * segment whose source vouched for it (vnet_gro_receive_hdr() with
 * DATA_VALID, as Linux's GRO trusts CHECKSUM_UNNECESSARY) is not summed
 * again, and one carrying a local sender's partial checksum (NEEDS_CSUM at
 * its L4 header) is coalesced unsummed as Linux's GRO coalesces
 * CHECKSUM_PARTIAL; IPv4 header checksums are always checked. A segment
 * that fails (or cannot be checked) flushes its flow and is passed on as
 * it is. A super-frame is marked verified (csum_ok) only when every one of
 * its segments was verified, here or by its source. A super-frame leaves with the host-side header Linux would give
 * it (NEEDS_CSUM, the L4 checksum field holding the pseudo-header sum,
 * gso_type, gso_size the first segment's payload, hdr_len, tunnel offsets)
 * and is meant for vnet_rx_deliver(), which fits it to the guest.
 *
 * Time is whatever the caller says, in ns: a flow is released at most
 * timeout_ns after its first segment arrived, by vnet_gro_receive() or
 * vnet_gro_flush(); vnet_gro_next_deadline() says when to call next. At
 * the end of a burst a caller with Linux's rules flushes everything (as
 * napi_complete_done() does); with VNET_GRO_F_RSC it flushes what expired
 * (QEMU's drain timer). A bound on bytes held releases the oldest flows
 * too, so nothing is ever held without a timer to release it.
 *
 * Usage, per receive queue:
 *
 *	vnet_gro_params_default(&p, vnet_gro_flags_for(&offloads, &features));
 *	vnet_gro_init(&gro, &p);
 *	for each frame of a burst:
 *		vnet_gro_receive(&gro, &pkt, now, emit, opaque);
 *	vnet_gro_flush(&gro, now, VNET_GRO_FLUSH_ALL, emit, opaque);
 *	arm a timer for vnet_gro_next_deadline(&gro)
 *
 * where emit() hands each struct vnet_rx_frame to vnet_rx_deliver().
 *
 * Reference mode (a release function in the parameters): payload is never
 * copied. A held flow keeps a copy of its first segment's headers and
 * references the payload of every segment where the caller's frame lies;
 * its super-frame leaves as a chain (the headers, then the payload
 * slices, as DPDK's GRO chains mbufs), and each frame is handed back to
 * release() once the engine no longer reads it. Frames are fed with
 * vnet_gro_receive_ref(), each with the caller's reference to it.
 */

/* What to coalesce (struct vnet_gro_params.flags). */
#define VNET_GRO_F_TCP4		0x01	/* TCP over IPv4 */
#define VNET_GRO_F_TCP6		0x02	/* TCP over IPv6 */
#define VNET_GRO_F_UDP4		0x04	/* UDP over IPv4 (USO delivery) */
#define VNET_GRO_F_UDP6		0x08	/* UDP over IPv6 */
#define VNET_GRO_F_TUNNEL	0x10	/* the above inside VXLAN / Geneve */
#define VNET_GRO_F_RSC		0x20	/* RSC_EXT rules instead of Linux's */
#define VNET_GRO_F_SLOW		0x40	/* no fast path: every frame parsed
					 * (the same results; for tests) */
#define VNET_GRO_F_ALL		0x1f

/* Defaults. */
#define VNET_GRO_FLOWS_DEFAULT		64
#define VNET_GRO_SEGS_DEFAULT		64
#define VNET_GRO_TIMEOUT_DEFAULT	300000	/* ns, RSC's 300 us */
#define VNET_GRO_IP_MAX			65535	/* IP datagram cap */
#define VNET_GRO_FAST_TAB		256	/* fast path's flow index */
#define VNET_GRO_FAST_HDR		160	/* fast path's longest headers */

/**
 * typedef vnet_gro_release_fn - a frame given by reference is free again
 * @opaque:	struct vnet_gro_params.release_opaque
 * @ref:	the reference the frame was fed with
 *
 * Called once for every frame vnet_gro_receive_ref() took, after the
 * engine last read it: after the emit that carried it (successful or
 * failed other than with -EAGAIN), when its segment was folded into a
 * flow without data (RSC), or by vnet_gro_fini() for what is still held.
 */
typedef void (*vnet_gro_release_fn)(void *opaque, void *ref);

/**
 * struct vnet_gro_params - limits of a context
 * @flows:	flow table capacity (also the number of buffers)
 * @max_segs:	most segments in one super-frame
 * @max_held:	most bytes held over all flows; past it the oldest flow
 *		is flushed (0: flows * 64 KiB)
 * @timeout_ns:	longest a segment is held
 * @flags:	VNET_GRO_F_*
 * @release:	NULL to copy payload into the engine's flow buffers; set,
 *		reference mode (frames fed by vnet_gro_receive_ref() only)
 * @release_opaque: passed to @release
 */
struct vnet_gro_params {
	unsigned int flows;
	unsigned int max_segs;
	size_t max_held;
	uint64_t timeout_ns;
	uint32_t flags;
	vnet_gro_release_fn release;
	void *release_opaque;
};

/**
 * enum vnet_gro_stat - what happened to segments and flows (per reason)
 */
enum vnet_gro_stat {
	VNET_GRO_S_IN = 0,		/* frames fed */
	VNET_GRO_S_MERGED,		/* segments appended to a flow */
	VNET_GRO_S_HELD,		/* segments that started a flow */
	VNET_GRO_S_PASSED,		/* frames passed on as they are */
	VNET_GRO_S_OUT,			/* frames emitted, all kinds */
	VNET_GRO_S_NOT_IP,		/* not IPv4/IPv6, or did not parse */
	VNET_GRO_S_NOT_TCP_UDP,		/* another L4, or a kind not enabled */
	VNET_GRO_S_CSUM,		/* a checksum failed or was unchecked */
	VNET_GRO_S_IP_OPTS,		/* IPv4 options / IPv6 extensions */
	VNET_GRO_S_FRAG,		/* an IP fragment */
	VNET_GRO_S_ECN,			/* RSC: ECN bits set in the IP header */
	VNET_GRO_S_SYN,			/* RSC: SYN bypassed */
	VNET_GRO_S_FINALIZE,		/* FIN/URG/RST/ECE/CWR finalized */
	VNET_GRO_S_PURE_ACK,		/* a segment without payload */
	VNET_GRO_S_DUP_ACK,		/* RSC: duplicate ACK counted */
	VNET_GRO_S_WIN_UPDATE,		/* RSC: window update absorbed */
	VNET_GRO_S_OUT_OF_ORDER,	/* sequence not the next expected */
	VNET_GRO_S_MISMATCH,		/* a header criterion differs */
	VNET_GRO_S_SIZE,		/* 64 KiB or segment cap reached */
	VNET_GRO_S_SHORT,		/* a short last segment closed a flow */
	VNET_GRO_S_PSH,			/* PSH closed a flow (GRO) */
	VNET_GRO_S_TABLE_FULL,		/* oldest flow flushed for room */
	VNET_GRO_S_HELD_BYTES,		/* flushed for the held-bytes bound */
	VNET_GRO_S_TIMER,		/* flows released by the timer */
	VNET_GRO_S_BURST,		/* flows released at a burst's end */
	VNET_GRO_S_VOUCHED,		/* segments taken on their source's
					 * word (DATA_VALID, NEEDS_CSUM): no
					 * L4 checksum summed */
	VNET_GRO_S_COPIED,		/* payload bytes copied into flow
					 * buffers (0 in reference mode) */
	VNET_GRO_S_MAX,
};

/**
 * struct vnet_gro_flow - internal: one held flow
 */
struct vnet_gro_flow;

/**
 * struct vnet_gro_ctx - a coalescing context (one per receive queue)
 * @p:		limits
 * @flows:	the table, @p.flows entries
 * @order:	indices of the flows in use, oldest first
 * @order_hash: the hash of each held flow's key, in the age order: the
 *		lookup scans this, not the flows
 * @free_idx:	flows not in use, a stack
 * @nfree:	entries in @free_idx
 * @nheld:	flows in use
 * @held:	bytes held over all flows
 * @buf_size:	bytes of each flow buffer
 * @arena:	the flow buffers, allocated once
 * @parse:	parser configuration (tunnel ports)
 * @spare:	a flow buffer not in use: a segment that may start a flow is
 *		copied there (its checksum summed on the way) and the buffer
 *		swapped into the flow's slot
 * @fast_tab:	held flows for the fast path, by a hash of addresses and
 *		ports (index + 1; 0 empty; a stale entry only costs a compare)
 * @fast_l3:	the fast layout: (inner) IP header offset, 0 if none yet
 * @fast_l4:	(inner) TCP or UDP header offset
 * @fast_hlen:	header bytes
 * @fast_v6:	(inner) IPv6
 * @fast_udp:	UDP (else TCP)
 * @fast_tunnel: inside VXLAN or Geneve
 * @fast_outer_v6: the tunnel's outer IP is IPv6
 * @fast_ol3:	the tunnel's outer IP header offset
 * @fast_ol4:	the tunnel's outer UDP header offset
 * @fast_mask:	which header bytes a segment must have as its flow's held
 *		header has them, 64 bits at a time (gro_fast.c)
 * @ref_iov:	reference mode: each flow's chain, @ref_cap entries per flow
 *		(the headers, then payload slices)
 * @ref_frames:	reference mode: each flow's frames, p.max_segs per flow
 * @ref_cap:	chain entries per flow
 * @stats:	counters, indexed by enum vnet_gro_stat
 */
struct vnet_gro_ctx {
	struct vnet_gro_params p;
	struct vnet_gro_flow *flows;
	uint16_t *order;
	uint32_t *order_hash;
	uint16_t *free_idx;
	unsigned int nfree;
	unsigned int nheld;
	size_t held;
	size_t buf_size;
	uint8_t *arena;
	struct vnet_parse_config parse;
	uint8_t *spare;
	uint16_t fast_tab[VNET_GRO_FAST_TAB];
	size_t fast_l3;
	size_t fast_l4;
	size_t fast_hlen;
	bool fast_v6;
	bool fast_udp;
	bool fast_tunnel;
	bool fast_outer_v6;
	size_t fast_ol3;
	size_t fast_ol4;
	uint64_t fast_mask[VNET_GRO_FAST_HDR / 8];
	struct iovec *ref_iov;
	void **ref_frames;
	unsigned int ref_cap;
	uint64_t stats[VNET_GRO_S_MAX];
};

/**
 * typedef vnet_gro_emit_fn - receives each frame the engine lets go
 * @opaque:	caller's pointer
 * @f:		the frame; its memory is valid only during the call
 *
 * -EAGAIN says "not now" (the guest has no buffers): a super-frame stays
 * held, closed to new segments, and goes at a later flush; a frame
 * passed through is left with the caller (vnet_gro_receive() fails with
 * -EAGAIN, and the caller feeds the same frame again later). Any other
 * error drops what was being emitted.
 *
 * Return: 0, or -errno to stop
 */
typedef int (*vnet_gro_emit_fn)(void *opaque, const struct vnet_rx_frame *f);

/**
 * vnet_gro_params_default() - defaults: 64 flows, 64 segments, 300 us
 * @p:		filled
 * @flags:	VNET_GRO_F_*
 */
void vnet_gro_params_default(struct vnet_gro_params *p, uint32_t flags);

/**
 * vnet_gro_flags_for() - what to coalesce for a guest's current offloads
 * @offloads:	current guest offloads, as feature bits
 * @negotiated:	negotiated features (RSC_EXT)
 *
 * Return: VNET_GRO_F_* for kinds the guest can take whole
 */
uint32_t vnet_gro_flags_for(const struct vnet_features *offloads,
			    const struct vnet_features *negotiated);

/**
 * vnet_gro_init() - allocate a context's flow table and buffers
 * @ctx:	the context
 * @p:		limits; flows and max_segs must be at least 1
 *
 * Return: 0, -EINVAL for bad limits, or -ENOMEM
 */
int vnet_gro_init(struct vnet_gro_ctx *ctx, const struct vnet_gro_params *p);

/**
 * vnet_gro_fini() - free a context (held flows are dropped; in reference
 *		     mode their frames are released)
 * @ctx:	the context
 */
void vnet_gro_fini(struct vnet_gro_ctx *ctx);

/**
 * vnet_gro_set_flags() - change what is coalesced (after CTRL_GUEST_OFFLOADS)
 * @ctx:	the context
 * @flags:	VNET_GRO_F_*
 * @emit:	receives the flows flushed first
 * @opaque:	passed to @emit
 *
 * Return: frames emitted, or -errno from @emit
 */
int vnet_gro_set_flags(struct vnet_gro_ctx *ctx, uint32_t flags,
		       vnet_gro_emit_fn emit, void *opaque);

/**
 * vnet_gro_receive() - feed one frame
 * @ctx:	the context
 * @pkt:	the frame, starting with its Ethernet header; read only, and
 *		not used after the call
 * @now:	the time in ns
 * @emit:	receives every frame let go, in order: expired flows first,
 *		then a flow this frame closes, then this frame if it is not
 *		held (as is, with a GSO_NONE header)
 * @opaque:	passed to @emit
 *
 * Not for a context in reference mode (-EINVAL).
 *
 * Return: frames emitted, or -errno from @emit; -EAGAIN means the frame
 *	   was not taken (feed it again, after a flush that succeeds)
 */
int vnet_gro_receive(struct vnet_gro_ctx *ctx, const struct vnet_pkt *pkt,
		     uint64_t now, vnet_gro_emit_fn emit, void *opaque);

/**
 * vnet_gro_receive_hdr() - feed one frame with what its source says of it
 * @ctx:	the context
 * @pkt:	the frame, as for vnet_gro_receive()
 * @h:		the host-side header it came with (a tap's IFF_VNET_HDR
 *		header, decoded), or NULL for none
 * @now:	the time in ns
 * @emit:	as for vnet_gro_receive(); a frame passed on keeps @h
 * @opaque:	passed to @emit
 *
 * What @h may say:
 * - DATA_VALID: the source verified the frame's outermost L4 checksum (a
 *   tap sets it for what the kernel verified): it is not summed again,
 *   and a frame passed on or a super-frame holding only such segments and
 *   verified ones is marked verified (csum_ok). In a tunnel the inner
 *   checksums are still verified (Linux's csum_level 0).
 * - NEEDS_CSUM with csum_start at the coalesced layer's L4 header and
 *   csum_offset its checksum field (a local sender's partial checksum; no
 *   tunnel): coalesced without a sum, never marked verified; a flow of one
 *   such segment leaves with NEEDS_CSUM. Any other NEEDS_CSUM is passed.
 * - gso_type other than NONE: not a segment; passed on, its flow flushed.
 * IPv4 header checksums are verified whatever @h says.
 *
 * Return: as vnet_gro_receive()
 */
int vnet_gro_receive_hdr(struct vnet_gro_ctx *ctx, const struct vnet_pkt *pkt,
			 const struct vnet_hdr *h, uint64_t now,
			 vnet_gro_emit_fn emit, void *opaque);

/**
 * vnet_gro_receive_ref() - feed one frame by reference (reference mode)
 * @ctx:	the context, made with a release function
 * @pkt:	the frame, as for vnet_gro_receive(); its memory (not the
 *		view, which is copied) must stay as it is until released
 * @h:		as for vnet_gro_receive_hdr()
 * @ref:	the caller's reference to the frame, given back to release()
 * @now:	the time in ns
 * @emit:	as for vnet_gro_receive_hdr(); a super-frame is a chain over
 *		the frames it holds
 * @opaque:	passed to @emit
 *
 * The engine takes the frame unless this returns -EAGAIN (or -EINVAL: not
 * a context in reference mode); every frame taken is released exactly
 * once, and one that could not be held or emitted (an error from @emit)
 * is released before this returns.
 *
 * Return: as vnet_gro_receive()
 */
int vnet_gro_receive_ref(struct vnet_gro_ctx *ctx, const struct vnet_pkt *pkt,
			 const struct vnet_hdr *h, void *ref, uint64_t now,
			 vnet_gro_emit_fn emit, void *opaque);

/* vnet_gro_flush() modes */
#define VNET_GRO_FLUSH_ALL	0	/* every flow (end of a burst) */
#define VNET_GRO_FLUSH_EXPIRED	1	/* flows whose deadline is past */

/**
 * vnet_gro_flush() - release held flows
 * @ctx:	the context
 * @now:	the time in ns
 * @mode:	VNET_GRO_FLUSH_ALL or VNET_GRO_FLUSH_EXPIRED
 * @emit:	receives the super-frames, oldest flow first
 * @opaque:	passed to @emit
 *
 * Return: frames emitted, or -errno from @emit (-EAGAIN: the flow it
 *	   refused and those after it are still held)
 */
int vnet_gro_flush(struct vnet_gro_ctx *ctx, uint64_t now, int mode,
		   vnet_gro_emit_fn emit, void *opaque);

/**
 * vnet_gro_next_deadline() - when the next held flow must be released
 * @ctx:	the context
 *
 * Return: the time in ns, or UINT64_MAX if nothing is held
 */
uint64_t vnet_gro_next_deadline(const struct vnet_gro_ctx *ctx);

/**
 * vnet_gro_stat_name() - short name of a counter
 * @s:		the counter
 *
 * Return: a static string such as "dup-ack"; "unknown" out of range
 */
const char *vnet_gro_stat_name(enum vnet_gro_stat s);

VNET_API_END

#endif /* VNET_GRO_H */
