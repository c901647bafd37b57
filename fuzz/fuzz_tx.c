// SPDX-License-Identifier: MIT
/* fuzz_tx.c - libFuzzer: a virtio-net header and frame through the transmit engine */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnet/gso.h"
#include "vnet/tx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: one control byte (bit 0: big-endian legacy header, bits 1-3: where
 * the frame is split in two iovecs, bits 4-7: how much of the output room
 * the engine gets, 15 = all it may need), 16 bytes of negotiated features,
 * then the header as the driver laid it out (its size follows the
 * features), then the frame.
 *
 * Properties: vnet_gso_segment() refuses exactly what vnet_tx_validate()
 * refuses, with the same reason; it never writes outside the output (every
 * buffer an exact-size allocation); copy and zero-copy make the same bytes;
 * an accepted frame's segments carry exactly its payload.
 */

#define PREFIX		17
#define FRAME_MAX	9216
#define SEG_MAX		1024

/**
 * struct fz_out - one mode's output, in exact-size heap allocations
 * @out:	what the engine fills
 * @flat:	the segments laid end to end, after the run
 * @flat_len:	bytes in @flat
 */
struct fz_out {
	struct vnet_gso_out out;
	uint8_t *flat;
	size_t flat_len;
};

/**
 * seg_bound() - segments a frame may make, for sizing the output
 * @h:		header
 * @len:	frame length
 *
 * Return: an upper bound, at most SEG_MAX
 */
static unsigned int seg_bound(const struct vnet_hdr *h, size_t len)
{
	size_t n;

	if (h->gso_type == VNET_HDR_GSO_NONE || !h->gso_size)
		return 1;
	n = len / h->gso_size + 2;
	return n > SEG_MAX ? SEG_MAX : (unsigned int)n;
}

/**
 * fz_out_alloc() - output room for one mode
 * @o:		the output
 * @mode:	copy or zero-copy
 * @n:		segments allowed
 * @flen:	frame length
 * @share:	0..15: fraction of the documented room given (15: all)
 *
 * Return: 0, or -1 if out of memory
 */
static int fz_out_alloc(struct fz_out *o, enum vnet_gso_mode mode,
			unsigned int n, size_t flen, unsigned int share)
{
	size_t need = mode == VNET_GSO_COPY ?
		      flen + (size_t)n * VNET_TX_HDR_MAX :
		      (size_t)n * (VNET_TX_HDR_MAX + 8);

	memset(o, 0, sizeof(*o));
	o->out.buf_len = share == 15 ? need : need * share / 15;
	o->out.buf = malloc(o->out.buf_len ? o->out.buf_len : 1);
	o->out.iov_max = n * 4;
	o->out.iov = malloc(sizeof(*o->out.iov) * o->out.iov_max);
	o->out.seg_max = n;
	o->out.segs = malloc(sizeof(*o->out.segs) * n);
	return o->out.buf && o->out.iov && o->out.segs ? 0 : -1;
}

/**
 * fz_out_free() - free one mode's output
 * @o:		the output
 */
static void fz_out_free(struct fz_out *o)
{
	free(o->out.buf);
	free(o->out.iov);
	free(o->out.segs);
	free(o->flat);
}

/**
 * flatten() - lay the segments end to end, checking where each piece lies
 * @o:		the output
 * @frame:	the frame's bytes (zero-copy pieces must lie inside it)
 * @flen:	its length
 */
static void flatten(struct fz_out *o, const uint8_t *frame, size_t flen)
{
	const struct vnet_gso_out *out = &o->out;
	unsigned int i, j;
	size_t total = 0, off = 0;

	for (i = 0; i < out->nseg; i++)
		total += out->segs[i].len;
	o->flat = malloc(total ? total : 1);
	if (!o->flat)
		abort();
	for (i = 0; i < out->nseg; i++) {
		size_t seg = 0;

		for (j = 0; j < out->segs[i].iovcnt; j++) {
			const struct iovec *v = &out->segs[i].iov[j];
			const uint8_t *b = v->iov_base;

			if (!(b >= out->buf && b + v->iov_len <= out->buf +
			      out->buf_len) &&
			    !(b >= frame && b + v->iov_len <= frame + flen))
				abort();	/* piece outside buf and frame */
			memcpy(o->flat + off, b, v->iov_len);
			off += v->iov_len;
			seg += v->iov_len;
		}
		if (seg != out->segs[i].len)
			abort();
	}
	o->flat_len = off;
}

/**
 * check_payload() - an accepted frame's segments carry exactly its payload
 * @h:		header
 * @res:	the frame as vnet_tx_parse() saw it
 * @flen:	frame length
 * @out:	segments
 */
static void check_payload(const struct vnet_hdr *h,
			  const struct vnet_parse_result *res, size_t flen,
			  const struct vnet_gso_out *out)
{
	const struct vnet_parse_layer *l;
	size_t hl, sum = 0;
	unsigned int i;

	for (i = 0; i < out->nseg; i++)
		sum += out->segs[i].len;
	if (out->nseg == 0 || out->passthrough ||
	    h->gso_type == VNET_HDR_GSO_NONE || out->nseg == 1) {
		if (out->nseg != 1 || sum != flen)
			abort();
		return;
	}
	if (vnet_tx_gso_base(h) == VNET_HDR_GSO_UDP) {
		if (sum < flen)		/* fragments repeat headers */
			abort();
		return;
	}
	/* Payload is every byte after the replicated headers, trailer bytes
	 * beyond the IP length included: Linux segments skb->len too. */
	l = vnet_tx_is_tunnel(h) ? &res->inner : &res->outer;
	hl = l->l4_off + l->l4_hdr_len;
	if (hl > flen || sum < (size_t)out->nseg * hl ||
	    sum - (size_t)out->nseg * hl != flen - hl)
		abort();
}

/**
 * run_mode() - segment the frame in one mode
 * @f:		negotiated features
 * @h:		header
 * @pkt:	frame
 * @mode:	copy or zero-copy
 * @share:	output room, 0..15
 * @o:		output, allocated here
 *
 * Return: what vnet_gso_segment() returned
 */
static int run_mode(const struct vnet_features *f, const struct vnet_hdr *h,
		    const struct vnet_pkt *pkt, enum vnet_gso_mode mode,
		    unsigned int share, struct fz_out *o)
{
	struct vnet_gso_ctx ctx;
	int n;

	vnet_gso_ctx_init(&ctx, f, mode, 0x1234);
	if (fz_out_alloc(o, mode, seg_bound(h, vnet_pkt_len(pkt)),
			 vnet_pkt_len(pkt), share))
		return -ENOMEM;
	n = vnet_gso_segment(&ctx, h, pkt, &o->out);
	if (n == -EINVAL && (o->out.reason == VNET_TX_OK ||
			     ctx.stats.reason[o->out.reason] != 1 ||
			     ctx.stats.rejected != 1))
		abort();
	if (n >= 0 && (unsigned int)n != o->out.nseg)
		abort();
	return n;
}

/**
 * segment_both() - copy and zero-copy, compared
 * @f:		negotiated features
 * @h:		header
 * @pkt:	frame
 * @frame:	its bytes, contiguous
 * @share:	output room, 0..15
 * @why:	what vnet_tx_validate() said
 * @res:	the parse it saw
 */
static void segment_both(const struct vnet_features *f,
			 const struct vnet_hdr *h, const struct vnet_pkt *pkt,
			 const uint8_t *frame, unsigned int share,
			 enum vnet_tx_reason why,
			 const struct vnet_parse_result *res)
{
	struct fz_out c, z;
	int nc, nz;

	nc = run_mode(f, h, pkt, VNET_GSO_COPY, share, &c);
	nz = run_mode(f, h, pkt, VNET_GSO_ZEROCOPY, share, &z);
	if (nc != -ENOMEM && nz != -ENOMEM) {
		if ((why != VNET_TX_OK) != (nc == -EINVAL) ||
		    (why != VNET_TX_OK) != (nz == -EINVAL) ||
		    (nc == -EINVAL && c.out.reason != why))
			abort();
		if (nc >= 0)
			flatten(&c, frame, vnet_pkt_len(pkt));
		if (nz >= 0)
			flatten(&z, frame, vnet_pkt_len(pkt));
		if (nc >= 0 && share == 15)
			check_payload(h, res, vnet_pkt_len(pkt), &c.out);
		if (nc >= 0 && nz >= 0 && (c.flat_len != z.flat_len ||
		    memcmp(c.flat, z.flat, c.flat_len)))
			abort();
	}
	fz_out_free(&c);
	fz_out_free(&z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnet_parse_result res;
	struct vnet_hdr_layout l;
	struct vnet_features f;
	enum vnet_tx_reason why;
	struct iovec iov[2];
	struct vnet_pkt pkt;
	struct vnet_hdr h;
	uint8_t *frame;
	size_t flen, cut;
	int hl, perr;

	if (size < PREFIX)
		return 0;
	memcpy(&f, data + 1, 16);
	vnet_hdr_layout_init(&l, &f, VNET_PROFILE_STANDARD,
			     data[0] & 1 ? VNET_ENDIAN_BIG : VNET_ENDIAN_LITTLE);
	hl = vnet_hdr_decode(&l, data + PREFIX, size - PREFIX, &h);
	if (hl < 0)
		return 0;
	flen = size - PREFIX - (size_t)hl;
	if (flen > FRAME_MAX)
		return 0;
	frame = malloc(flen ? flen : 1);
	if (!frame)
		return 0;
	memcpy(frame, data + PREFIX + hl, flen);
	cut = flen * ((data[0] >> 1) & 7) / 7;
	iov[0] = (struct iovec){ frame, cut };
	iov[1] = (struct iovec){ frame + cut, flen - cut };
	vnet_pkt_init(&pkt, iov, 2);

	perr = vnet_tx_parse(&h, &pkt, &res);
	why = vnet_tx_validate(&h, &pkt, &res, &f, perr, NULL);
	segment_both(&f, &h, &pkt, frame, data[0] >> 4, why, &res);
	free(frame);
	return 0;
}
