/* SPDX-License-Identifier: MIT */
/* rx_frames.h - wire segments for receive tests, and a collector of output */
#ifndef VNET_TEST_RX_FRAMES_H
#define VNET_TEST_RX_FRAMES_H

/*
 * Segments are built with tx_frames.h (byte by byte) and then given
 * complete checksums with its plain RFC 1071 loop, as on the wire. Include
 * after <cmocka.h>.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tx_frames.h"
#include "vnet/gro.h"
#include "vnet/pkt.h"

/**
 * struct rf_seg - one wire segment
 * @b:		bytes
 * @len:	length
 * @lay:	where the builder put things
 */
struct rf_seg {
	uint8_t b[70000];
	size_t len;
	struct tf_layout lay;
};

/* Complete every checksum of a segment: IPv4 headers, L4, outer UDP. */
static inline void rf_fix_csum(struct rf_seg *g, const struct tf_spec *s)
{
	uint8_t *ip = g->b + g->lay.l3, *l4 = g->b + g->lay.l4;
	size_t l4len = g->len - g->lay.l4, off = s->udp ? 6 : 16;

	if (!s->v6) {
		size_t hl = (size_t)(ip[0] & 0xf) * 4;

		tf_put16(ip + 10, 0);
		tf_put16(ip + 10, (uint16_t)~tf_fold(tf_sum(ip, hl, 0)));
	}
	tf_put16(l4 + off, 0);
	tf_put16(l4 + off, (uint16_t)~tf_fold(tf_sum(l4, l4len,
			tf_pseudo(ip, s->v6, s->udp ? 17 : 6,
				  (uint32_t)l4len))));
	if (s->udp && !tf_get16(l4 + off))
		tf_put16(l4 + off, 0xffff);
	if (s->tunnel && !s->outer_v6) {
		uint8_t *oip = g->b + g->lay.ol3;

		tf_put16(oip + 10, 0);
		tf_put16(oip + 10, (uint16_t)~tf_fold(tf_sum(oip, 20, 0)));
	}
}

/**
 * rf_make() - a wire segment with chosen TCP fields
 * @g:		output
 * @s:		frame spec (payload length, seed, protocol, tunnel ...)
 * @seq:	TCP sequence number
 * @ack:	TCP ACK number
 * @flags:	TCP flags
 * @win:	TCP window
 * @id:		IPv4 ID of the (inner) packet
 */
static inline void rf_make(struct rf_seg *g, const struct tf_spec *s,
			   uint32_t seq, uint32_t ack, uint8_t flags,
			   uint16_t win, uint16_t id)
{
	struct tf_spec t = *s;
	struct vnet_hdr h;
	uint8_t *th;

	t.ip_id = id;
	g->len = tf_build(&t, g->b, 0, 0, &h, &g->lay);
	if (!s->udp) {
		th = g->b + g->lay.l4;
		tf_put16(th + 4, (uint16_t)(seq >> 16));
		tf_put16(th + 6, (uint16_t)seq);
		tf_put16(th + 8, (uint16_t)(ack >> 16));
		tf_put16(th + 10, (uint16_t)ack);
		th[13] = flags;
		tf_put16(th + 14, win);
	}
	rf_fix_csum(g, s);
}

/* Payload of a segment whose stream offset is @off: byte i is (off+i)*7. */
static inline void rf_stream(struct rf_seg *g, size_t off, const struct tf_spec *s)
{
	size_t i;

	for (i = g->lay.pay; i < g->len; i++)
		g->b[i] = (uint8_t)((off + i - g->lay.pay) * 7 + 3);
	rf_fix_csum(g, s);
}

#define RF_OUT_MAX	256

/**
 * struct rf_out - frames an engine let go, copied
 * @n:		how many
 * @h:		their headers
 * @segs:	segments coalesced
 * @dup:	duplicate ACKs
 * @ok:		csum_ok
 * @len:	lengths
 * @b:		bytes
 */
struct rf_out {
	unsigned int n;
	struct vnet_hdr h[RF_OUT_MAX];
	uint16_t segs[RF_OUT_MAX];
	uint16_t dup[RF_OUT_MAX];
	bool ok[RF_OUT_MAX];
	size_t len[RF_OUT_MAX];
	uint8_t *b[RF_OUT_MAX];
};

static inline int rf_collect(void *opaque, const struct vnet_rx_frame *f)
{
	struct rf_out *o = opaque;
	size_t len = vnet_pkt_len(&f->pkt);

	if (o->n >= RF_OUT_MAX)
		return -ENOSPC;
	o->h[o->n] = f->hdr;
	o->segs[o->n] = f->segs;
	o->dup[o->n] = f->dup_acks;
	o->ok[o->n] = f->csum_ok;
	o->len[o->n] = len;
	o->b[o->n] = malloc(len ? len : 1);
	if (!o->b[o->n] || vnet_pkt_read(&f->pkt, 0, o->b[o->n], len))
		return -EFAULT;
	o->n++;
	return 0;
}

static inline void rf_out_reset(struct rf_out *o)
{
	unsigned int i;

	for (i = 0; i < o->n; i++)
		free(o->b[i]);
	o->n = 0;
}

/* Feed one segment at time @now. */
static inline int rf_feed(struct vnet_gro_ctx *ctx, const struct rf_seg *g,
			  uint64_t now, struct rf_out *o)
{
	struct iovec iov = { .iov_base = (void *)g->b, .iov_len = g->len };
	struct vnet_pkt pkt;

	vnet_pkt_init(&pkt, &iov, 1);
	return vnet_gro_receive(ctx, &pkt, now, rf_collect, o);
}

#endif /* VNET_TEST_RX_FRAMES_H */
