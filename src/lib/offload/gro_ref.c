// SPDX-License-Identifier: MIT
/* gro_ref.c - reference mode: a held flow is a chain over the caller's frames */

#include <errno.h>
#include <stdlib.h>

#include "gro_priv.h"

#include "vnet/csum.h"

/*
 * In reference mode a flow's buffer holds only its first segment's
 * headers (the fields the rules rewrite: lengths, checksums, flags); the
 * payload of every segment stays where the caller's frame has it, sliced
 * into the flow's chain. The super-frame is that chain: headers, then the
 * slices in order. Nothing here copies payload.
 */

/**
 * gro_ref_init() - the chains and frame lists, allocated once
 * @ctx:	the context, flows allocated; in reference mode
 *
 * A flow's chain has room for its headers and two slices per segment (a
 * frame's payload may straddle two of its segments); a segment that needs
 * more room than is left closes the flow (gro_fits()).
 *
 * Return: 0 or -ENOMEM
 */
int gro_ref_init(struct vnet_gro_ctx *ctx)
{
	unsigned int i, segs = ctx->p.max_segs;

	ctx->ref_cap = 1 + 2 * segs;
	ctx->ref_iov = calloc((size_t)ctx->p.flows * ctx->ref_cap,
			      sizeof(*ctx->ref_iov));
	ctx->ref_frames = calloc((size_t)ctx->p.flows * segs,
				 sizeof(*ctx->ref_frames));
	if (!ctx->ref_iov || !ctx->ref_frames)
		return -ENOMEM;
	for (i = 0; i < ctx->p.flows; i++) {
		ctx->flows[i].iov = ctx->ref_iov + (size_t)i * ctx->ref_cap;
		ctx->flows[i].frames = ctx->ref_frames + (size_t)i * segs;
	}
	return 0;
}

/**
 * gro_ref_fini() - release what is held and free the chains
 * @ctx:	the context
 */
void gro_ref_fini(struct vnet_gro_ctx *ctx)
{
	unsigned int i;

	if (ctx->flows && ctx->ref_iov && ctx->ref_frames)
		for (i = 0; i < ctx->nheld; i++)
			gro_ref_release(ctx, &ctx->flows[ctx->order[i]]);
	free(ctx->ref_iov);
	free(ctx->ref_frames);
	ctx->ref_iov = NULL;
	ctx->ref_frames = NULL;
}

/**
 * gro_ref_walk() - the pieces of a frame a byte range spans
 * @pkt:	the frame
 * @off:	first byte
 * @len:	bytes, inside the frame
 * @out:	where to write them, or NULL to count only
 *
 * Return: how many pieces (0 for an empty range)
 */
static unsigned int gro_ref_walk(const struct vnet_pkt *pkt, size_t off,
				 size_t len, struct iovec *out)
{
	unsigned int i, n = 0;

	for (i = 0; i < pkt->iovcnt && len; i++) {
		size_t seg = pkt->iov[i].iov_len, take;

		if (off >= seg) {
			off -= seg;
			continue;
		}
		take = seg - off < len ? seg - off : len;
		if (out) {
			out[n].iov_base = (uint8_t *)pkt->iov[i].iov_base + off;
			out[n].iov_len = take;
		}
		len -= take;
		off = 0;
		n++;
	}
	return n;
}

/**
 * gro_ref_tail() - the range of a frame its flow references: after its
 *		    headers, to its end (as the copy mode copies it)
 * @pkt:	the frame
 * @hdr_len:	its headers' length
 * @out:	where to write the pieces, or NULL to count only
 *
 * Return: how many pieces
 */
static unsigned int gro_ref_tail(const struct vnet_pkt *pkt, size_t hdr_len,
				 struct iovec *out)
{
	size_t len = vnet_pkt_len(pkt);

	if (pkt->iovcnt == 1 && len > hdr_len) {	/* one piece */
		if (out) {
			out->iov_base = (uint8_t *)pkt->iov[0].iov_base +
					hdr_len;
			out->iov_len = len - hdr_len;
		}
		return 1;
	}
	return gro_ref_walk(pkt, hdr_len, len - hdr_len, out);
}

/**
 * gro_ref_room() - does a segment's payload fit in its flow's chain
 * @ctx:	the context
 * @f:		the flow
 * @s:		the segment
 *
 * Return: true if there is a slot for its frame and room for its slices
 */
bool gro_ref_room(const struct vnet_gro_ctx *ctx,
		  const struct vnet_gro_flow *f, const struct gro_seg *s)
{
	return f->nframes < ctx->p.max_segs &&
	       f->niov + gro_ref_tail(s->pkt, s->hdr_len, NULL) <=
	       ctx->ref_cap;
}

/**
 * gro_ref_start() - a flow's first segment: headers copied, payload sliced
 * @ctx:	the context
 * @f:		the flow, empty
 * @s:		the segment, parsed (hdr_len within the frame)
 *
 * Everything after the headers is referenced, as the copy mode copies the
 * whole frame.
 *
 * Return: 0; -EFAULT if the headers could not be read, -E2BIG if the
 * frame is in more pieces than a chain holds (it is then passed on)
 */
int gro_ref_start(const struct vnet_gro_ctx *ctx, struct vnet_gro_flow *f,
		  struct gro_seg *s)
{
	size_t len = vnet_pkt_len(s->pkt);

	if (s->hdr_len > len || vnet_pkt_read(s->pkt, 0, f->buf, s->hdr_len))
		return -EFAULT;
	if (1 + gro_ref_tail(s->pkt, s->hdr_len, NULL) > ctx->ref_cap)
		return -E2BIG;
	f->iov[0].iov_base = f->buf;
	f->iov[0].iov_len = s->hdr_len;
	f->niov = 1;
	f->nframes = 0;
	gro_ref_append(f, s->pkt, s->hdr_len, s->ref);
	s->taken = true;
	return 0;
}

/**
 * gro_ref_append() - a frame's payload referenced at the end of a chain
 * @f:		the flow, with room (gro_ref_room())
 * @pkt:	the frame; it is now the flow's
 * @hdr_len:	its headers' length: the rest is payload
 * @ref:	the caller's reference to it
 */
void gro_ref_append(struct vnet_gro_flow *f, const struct vnet_pkt *pkt,
		    size_t hdr_len, void *ref)
{
	f->niov += gro_ref_tail(pkt, hdr_len, f->iov + f->niov);
	f->frames[f->nframes++] = ref;
}

/**
 * gro_ref_view() - the super-frame: a read-only view over the chain
 * @f:		the flow
 * @pkt:	the view made
 */
void gro_ref_view(const struct vnet_gro_flow *f, struct vnet_pkt *pkt)
{
	vnet_pkt_init(pkt, f->iov, f->niov);
}

/**
 * gro_ref_release() - hand a flow's frames back to the caller
 * @ctx:	the context
 * @f:		the flow; its chain is emptied
 */
void gro_ref_release(const struct vnet_gro_ctx *ctx, struct vnet_gro_flow *f)
{
	unsigned int i;

	for (i = 0; i < f->nframes; i++)
		ctx->p.release(ctx->p.release_opaque, f->frames[i]);
	f->nframes = 0;
	f->niov = 0;
}

/**
 * gro_ref_done() - hand a frame not held back to the caller, once
 * @ctx:	the context
 * @s:		the segment
 */
void gro_ref_done(const struct vnet_gro_ctx *ctx, struct gro_seg *s)
{
	if (!gro_is_ref(ctx) || s->taken)
		return;
	s->taken = true;
	ctx->p.release(ctx->p.release_opaque, s->ref);
}

/**
 * gro_sum_range() - the ones' complement sum of a range of a frame
 * @pkt:	the frame
 * @off:	first byte
 * @len:	bytes
 * @sum:	out: the sum, as from the range's first byte
 *
 * Return: 0, or -EFAULT if the range is not in the frame
 */
int gro_sum_range(const struct vnet_pkt *pkt, size_t off, size_t len,
		  uint32_t *sum)
{
	if (!vnet_pkt_has(pkt, off, len))
		return -EFAULT;
	if (pkt->iovcnt == 1) {
		*sum = vnet_csum_partial((const uint8_t *)pkt->iov[0].iov_base +
					 off, len, 0);
		return 0;
	}
	*sum = 0;
	return vnet_csum_iov(pkt->iov, pkt->iovcnt, off, len, sum);
}
