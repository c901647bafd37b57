// SPDX-License-Identifier: MIT
/* offload_engine.c - libvnet's offload engine in a VMM that has its own transport */

/*
 * A VMM that moves the guest's buffers itself (its own virtqueues, its own
 * socket to the host) and wants the device's offloads done in software:
 *
 *  1. transmit: the guest sends a TCP super-frame with a virtio-net header
 *     asking for TSO; the VMM decodes the header in the negotiated layout,
 *     and the engine validates it and cuts the frame into wire segments,
 *     every checksum complete. A header the features forbid is refused with
 *     a named reason.
 *  2. receive: wire segments arrive from the host; the engine coalesces
 *     them into one super-frame and fits it to each guest's current
 *     offloads: whole for a guest that takes TSO, segmented again (checksums
 *     completed) for one that has turned its offloads off.
 *
 * Build against an installed libvnet:
 *	cc offload_engine.c $(pkg-config --cflags --libs libvnet)
 * Prints what happens at each step; exits 1 if a step does not go as the
 * specification says it must.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnet/csum.h>
#include <vnet/csum_verify.h>
#include <vnet/features.h>
#include <vnet/gro.h>
#include <vnet/gso.h>
#include <vnet/hdr.h>
#include <vnet/parse.h>
#include <vnet/pkt.h>
#include <vnet/rx.h>

#define PAYLOAD		3000	/* TCP bytes the guest sends at once */
#define MSS		1000	/* its gso_size */
#define HDRS		54	/* Ethernet 14 + IPv4 20 + TCP 20 */
#define SEG_MAX		8

/* The frame a Linux guest hands its virtio-net driver for TSO: headers for
 * the whole payload, the TCP checksum field holding the pseudo-header sum. */
static size_t guest_super_frame(uint8_t *f)
{
	static const uint8_t eth_ip_tcp[HDRS] = {
		0x52, 0x54, 0x00, 0x00, 0x00, 0x02, 0x52, 0x54, 0x00, 0x00, 0x00, 0x01,
		0x08, 0x00,
		0x45, 0x00, 0x00, 0x00, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
		10, 0, 0, 1, 10, 0, 0, 2,
		0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x50, 0x10, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	};
	uint16_t ip_len = 20 + 20 + PAYLOAD, csum;
	uint8_t pseudo[12] = { 10, 0, 0, 1, 10, 0, 0, 2, 0, 6,
			       (20 + PAYLOAD) >> 8, (20 + PAYLOAD) & 0xff };
	size_t i;

	memcpy(f, eth_ip_tcp, HDRS);
	f[16] = ip_len >> 8;
	f[17] = ip_len & 0xff;
	csum = vnet_csum_finish(vnet_csum_partial(f + 14, 20, 0));
	memcpy(f + 24, &csum, 2);	/* already in network order */
	csum = vnet_csum_fold(vnet_csum_partial(pseudo, sizeof(pseudo), 0));
	memcpy(f + 50, &csum, 2);
	for (i = 0; i < PAYLOAD; i++)
		f[HDRS + i] = (uint8_t)i;
	return HDRS + PAYLOAD;
}

/* Checks a frame's checksums as a receiver would; prints them. */
static int print_csums(const struct vnet_pkt *pkt)
{
	struct vnet_parse_result res;
	struct vnet_csum_report rep;

	if (vnet_parse(pkt, NULL, &res) || vnet_csum_verify(pkt, &res, &rep))
		return -1;
	printf(", ipv4 %s, tcp %s", vnet_csum_status_name(rep.outer.ip),
	       vnet_csum_status_name(rep.outer.l4));
	return rep.outer.ip == VNET_CSUM_OK && rep.outer.l4 == VNET_CSUM_OK ? 0 : -1;
}

/* What the VMM's own transport would do with a segment: here, keep it. */
struct wire {
	uint8_t frames[SEG_MAX][HDRS + MSS];
	size_t len[SEG_MAX];
	unsigned int n;
};

/* Step 1: the guest's super-frame through the transmit engine. */
static int transmit(const struct vnet_features *negotiated, struct wire *w)
{
	static uint8_t frame[HDRS + PAYLOAD], out_buf[64 * 1024];
	struct vnet_hdr guest = { .flags = VNET_HDR_F_NEEDS_CSUM,
		.gso_type = VNET_HDR_GSO_TCPV4, .hdr_len = HDRS, .gso_size = MSS,
		.csum_start = 34, .csum_offset = 16 };
	struct iovec iov = { frame, 0 }, out_iov[SEG_MAX * 2];
	struct vnet_gso_seg segs[SEG_MAX];
	struct vnet_gso_out out = { .buf = out_buf, .buf_len = sizeof(out_buf),
		.iov = out_iov, .iov_max = SEG_MAX * 2, .segs = segs,
		.seg_max = SEG_MAX };
	struct vnet_hdr_layout layout;
	struct vnet_gso_ctx gso;
	uint8_t wire_hdr[VNET_HDR_LEN_MAX];
	struct vnet_hdr h;
	struct vnet_pkt pkt;
	int n, i, bad = 0;

	/* The header as the guest wrote it in its buffer, then as the VMM
	 * reads it back: the layout follows from the negotiated features. */
	vnet_hdr_layout_init(&layout, negotiated, VNET_PROFILE_STANDARD,
			     VNET_ENDIAN_LITTLE);
	if (vnet_hdr_encode(&layout, &guest, wire_hdr, sizeof(wire_hdr)) < 0 ||
	    vnet_hdr_decode(&layout, wire_hdr, layout.size, &h) < 0)
		return -1;
	iov.iov_len = guest_super_frame(frame);
	vnet_pkt_init(&pkt, &iov, 1);
	printf("tx: guest super-frame of %zu bytes, %u-byte header, gso tcpv4, gso_size %u\n",
	       iov.iov_len, layout.size, h.gso_size);

	vnet_gso_ctx_init(&gso, negotiated, VNET_GSO_COPY, 1);
	n = vnet_gso_segment(&gso, &h, &pkt, &out);
	if (n < 0 || n > SEG_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		struct vnet_pkt seg;

		vnet_pkt_init(&seg, segs[i].iov, segs[i].iovcnt);
		w->len[i] = segs[i].len;
		if (w->len[i] > sizeof(w->frames[i]) ||
		    vnet_pkt_read(&seg, 0, w->frames[i], w->len[i]))
			return -1;
		printf("tx: segment %d: %zu bytes", i + 1, w->len[i]);
		bad |= print_csums(&seg);
		printf("\n");
	}
	w->n = (unsigned int)n;

	/* A guest asking for TSO without NEEDS_CSUM breaks a rule of the
	 * specification: refused, named, counted; the next frame goes on. */
	h.flags = 0;
	n = vnet_gso_segment(&gso, &h, &pkt, &out);
	printf("tx: the same without needs_csum: %s (%s)\n",
	       n == -EINVAL ? "refused" : "accepted", vnet_tx_reason_name(out.reason));
	return bad || n != -EINVAL ? -1 : 0;
}

/* The two guests a coalesced frame is delivered to. */
struct guests {
	struct vnet_rx_ctx with_tso, without_offloads;
	const char *name;
	unsigned int coalesced;
	int bad;
};

/* vnet_rx_emit_fn: what the VMM would put in the guest's receive buffer. */
static int to_guest(void *opaque, const struct vnet_hdr *h,
		    const struct vnet_pkt *pkt)
{
	struct guests *g = opaque;

	printf("rx: to the guest %s: %zu bytes, gso %s", g->name, vnet_pkt_len(pkt),
	       h->gso_type == VNET_HDR_GSO_TCPV4 ? "tcpv4" :
	       h->gso_type == VNET_HDR_GSO_NONE ? "none" : "other");
	if (h->gso_type != VNET_HDR_GSO_NONE)
		printf(", gso_size %u", h->gso_size);
	printf(", flags 0x%02x", h->flags);
	/* Without NEEDS_CSUM the guest gets every checksum complete */
	if (!(h->flags & VNET_HDR_F_NEEDS_CSUM))
		g->bad |= print_csums(pkt);
	printf("\n");
	return 0;
}

/* vnet_gro_emit_fn: a frame the coalescing engine lets go. */
static int coalesced(void *opaque, const struct vnet_rx_frame *f)
{
	struct guests *g = opaque;

	printf("rx: coalesced %u segments into a frame of %zu bytes\n",
	       f->segs, vnet_pkt_len(&f->pkt));
	g->coalesced += f->segs;
	g->name = "with tso4";
	if (vnet_rx_deliver(&g->with_tso, f, to_guest, g) < 0)
		return -EIO;
	g->name = "without offloads";
	return vnet_rx_deliver(&g->without_offloads, f, to_guest, g) < 0 ? -EIO : 0;
}

/* Step 2: the wire segments back through the receive side. */
static int receive(const struct vnet_features *negotiated, const struct wire *w)
{
	struct vnet_features none = { 0 };
	struct vnet_gro_params p;
	struct vnet_gro_ctx gro;
	struct guests g = { 0 };
	unsigned int i;
	int rc = -1;

	if (vnet_rx_ctx_init(&g.with_tso, negotiated, 0))
		return -1;
	if (vnet_rx_ctx_init(&g.without_offloads, negotiated, 0))
		goto out_tso;
	/* The second guest turned its offloads off (CTRL_GUEST_OFFLOADS_SET 0) */
	vnet_rx_set_offloads(&g.without_offloads, &none);
	vnet_gro_params_default(&p, vnet_gro_flags_for(negotiated, negotiated));
	if (vnet_gro_init(&gro, &p))
		goto out_none;
	for (i = 0; i < w->n; i++) {
		struct iovec iov = { (void *)w->frames[i], w->len[i] };
		struct vnet_pkt pkt;

		vnet_pkt_init(&pkt, &iov, 1);
		if (vnet_gro_receive(&gro, &pkt, 1000 * i, coalesced, &g) < 0)
			goto out_gro;
	}
	/* The end of a burst: nothing stays held without a timer. */
	if (vnet_gro_flush(&gro, 1000 * i, VNET_GRO_FLUSH_ALL, coalesced, &g) < 0)
		goto out_gro;
	rc = g.bad || g.coalesced != w->n ? -1 : 0;
out_gro:
	vnet_gro_fini(&gro);
out_none:
	vnet_rx_ctx_fini(&g.without_offloads);
out_tso:
	vnet_rx_ctx_fini(&g.with_tso);
	return rc;
}

int main(void)
{
	static struct wire w;
	struct vnet_features negotiated;

	if (vnet_features_parse("version_1,csum,guest_csum,host_tso4,guest_tso4",
				VNET_PROFILE_STANDARD, &negotiated, NULL, NULL)) {
		fprintf(stderr, "offload_engine: bad feature names\n");
		return 1;
	}
	if (transmit(&negotiated, &w) || receive(&negotiated, &w)) {
		fprintf(stderr, "offload_engine: a step did not go as it must\n");
		return 1;
	}
	printf("ok\n");
	return 0;
}
