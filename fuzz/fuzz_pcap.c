// SPDX-License-Identifier: MIT
/* fuzz_pcap.c - libFuzzer: a pcap file through what vnet csum, gso and rss do per frame */

#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "vnet/csum_verify.h"
#include "vnet/ctrl.h"
#include "vnet/dev.h"
#include "vnet/dev_rx.h"
#include "vnet/gso.h"
#include "vnet/parse.h"
#include "vnet/rss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: a pcap file, read by libpcap from memory (fmemopen), as the tool
 * reads a file. Each frame goes through the library calls the commands make:
 * vnet csum (parse, verify), vnet gso (the header a Linux guest would send,
 * segmentation), vnet rss (classification on a device with RSS configured
 * over 4 queues). Every frame is an exact-size copy, so a read past its
 * captured length is a finding; so is a queue beyond those configured.
 */

#define FRAME_MAX	65536
#define FRAMES_MAX	64
#define MSS		536
#define QUEUES		4
#define SEG_MAX		(FRAME_MAX / MSS + 2)

static struct vnet_dev dev;
static bool dev_ready;

/**
 * put_le() - append a little-endian field to a command being written
 * @p:		write cursor, advanced
 * @v:		value
 * @bytes:	its width
 */
static void put_le(uint8_t **p, unsigned long v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		*(*p)++ = (uint8_t)(v >> (8 * i));
}

/**
 * dev_setup() - the device `vnet rss` makes: RSS over QUEUES queues
 *
 * Return: 0, or -1 if the library refused the configuration
 */
static int dev_setup(void)
{
	static uint8_t cmd[2 + 8 + 2 * 128 + 3 + 40];
	struct vnet_dev_params p;
	uint8_t *c = cmd;
	unsigned int i;

	memset(&p, 0, sizeof(p));
	vnet_features_set(&p.offer, VNET_F_VERSION_1);
	vnet_features_set(&p.offer, VNET_F_CTRL_VQ);
	vnet_features_set(&p.offer, VNET_F_MQ);
	vnet_features_set(&p.offer, VNET_F_RSS);
	vnet_features_set(&p.offer, VNET_F_HASH_REPORT);
	vnet_features_set(&p.offer, VNET_F_HASH_TUNNEL);
	p.max_pairs = QUEUES;
	p.rss_max_key_size = 40;
	p.rss_max_indir_len = 128;
	p.hash_types = VNET_HASH_TYPE_ALL;
	p.tunnel_types = VNET_HASH_TUNNEL_ALL;
	if (vnet_dev_init(&dev, &p) || vnet_dev_negotiate(&dev, &p.offer,
							  NULL, 0))
		return -1;
	put_le(&c, VNET_CTRL_MQ, 1);
	put_le(&c, VNET_CTRL_MQ_RSS_CONFIG, 1);
	put_le(&c, VNET_HASH_TYPE_ALL, 4);
	put_le(&c, 127, 2);
	put_le(&c, 0, 2);
	for (i = 0; i < 128; i++)
		put_le(&c, i % QUEUES, 2);
	put_le(&c, QUEUES, 2);
	put_le(&c, 40, 1);
	for (i = 0; i < 40; i++)
		*c++ = (uint8_t)(0x6d + 7 * i);
	if (vnet_ctrl_exec(&dev, cmd, (size_t)(c - cmd), NULL, 0, NULL))
		return -1;
	c = cmd;
	put_le(&c, VNET_CTRL_HASH_TUNNEL, 1);
	put_le(&c, VNET_CTRL_HASH_TUNNEL_SET, 1);
	put_le(&c, VNET_HASH_TUNNEL_ALL, 4);
	return vnet_ctrl_exec(&dev, cmd, 6, NULL, 0, NULL) ? -1 : 0;
}

/**
 * derive_hdr() - the header `vnet gso` gives a frame (a Linux guest's)
 * @res:	the frame's parse
 * @h:		the header; no offload when the frame needs none
 */
static void derive_hdr(const struct vnet_parse_result *res, struct vnet_hdr *h)
{
	const struct vnet_parse_layer *l;
	bool tnl;

	memset(h, 0, sizeof(*h));
	tnl = (res->tunnel.type == VNET_TUNNEL_VXLAN ||
	       res->tunnel.type == VNET_TUNNEL_GENEVE) && res->inner.present;
	l = tnl ? &res->inner : &res->outer;
	if ((l->l4 != VNET_L4_TCP && l->l4 != VNET_L4_UDP) ||
	    l->frag == VNET_FRAG_FIRST || l->frag == VNET_FRAG_LATER ||
	    l->payload_len <= MSS)
		return;
	h->flags = VNET_HDR_F_NEEDS_CSUM;
	h->gso_type = l->l4 == VNET_L4_UDP ? VNET_HDR_GSO_UDP_L4 :
		      l->l3 == VNET_L3_IPV6 ? VNET_HDR_GSO_TCPV6 :
		      VNET_HDR_GSO_TCPV4;
	h->gso_size = MSS;
	h->csum_start = (uint16_t)l->l4_off;
	h->csum_offset = l->l4 == VNET_L4_UDP ? 6 : 16;
	h->hdr_len = (uint16_t)(l->l4_off + l->l4_hdr_len);
	if (!tnl)
		return;
	h->gso_type |= res->outer.l3 == VNET_L3_IPV6 ?
		       VNET_HDR_GSO_UDP_TUNNEL_IPV6 :
		       VNET_HDR_GSO_UDP_TUNNEL_IPV4;
	h->outer_th_offset = (uint16_t)res->outer.l4_off;
	h->inner_nh_offset = (uint16_t)res->inner.l3_off;
}

/**
 * gso_frame() - `vnet gso` on one frame, every feature negotiated
 * @pkt:	the frame
 * @res:	its parse, or NULL if it did not parse (sent as is)
 */
static void gso_frame(const struct vnet_pkt *pkt,
		      const struct vnet_parse_result *res)
{
	static struct vnet_gso_seg segs[SEG_MAX];
	static struct iovec iov[SEG_MAX * 3];
	struct vnet_features f = { { ~0ull, ~0ull } };
	struct vnet_gso_ctx ctx;
	struct vnet_gso_out out;
	struct vnet_hdr h;
	size_t need;
	int n;

	memset(&h, 0, sizeof(h));
	if (res)
		derive_hdr(res, &h);
	need = vnet_pkt_len(pkt) + SEG_MAX * VNET_TX_HDR_MAX;
	memset(&out, 0, sizeof(out));
	out.buf = malloc(need);
	if (!out.buf)
		return;
	out.buf_len = need;
	out.iov = iov;
	out.iov_max = SEG_MAX * 3;
	out.segs = segs;
	out.seg_max = SEG_MAX;
	vnet_gso_ctx_init(&ctx, &f, VNET_GSO_COPY, 1);
	n = vnet_gso_segment(&ctx, &h, pkt, &out);
	if (n == -ENOSPC)
		abort();	/* the documented room always suffices */
	free(out.buf);
}

/**
 * one_frame() - what each command does with one captured frame
 * @hdr:	libpcap's record header
 * @bytes:	the captured bytes
 */
static void one_frame(const struct pcap_pkthdr *hdr, const u_char *bytes)
{
	struct vnet_parse_result res;
	struct vnet_csum_report rep;
	struct vnet_rx_verdict v;
	struct vnet_pkt pkt;
	struct iovec iov;
	uint8_t *copy;
	bool parsed;

	if (hdr->caplen > FRAME_MAX)
		return;
	copy = malloc(hdr->caplen ? hdr->caplen : 1);
	if (!copy)
		return;
	memcpy(copy, bytes, hdr->caplen);
	iov = (struct iovec){ copy, hdr->caplen };
	vnet_pkt_init(&pkt, &iov, 1);
	parsed = vnet_parse(&pkt, NULL, &res) == 0;
	if (parsed)					/* vnet csum */
		vnet_csum_verify(&pkt, &res, &rep);
	if (hdr->caplen >= hdr->len)			/* vnet gso */
		gso_frame(&pkt, parsed ? &res : NULL);
	vnet_dev_rx(&dev, &pkt, parsed ? &res : NULL, &v);	/* vnet rss */
	if (v.deliver && v.queue >= QUEUES)
		abort();
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *bytes;
	unsigned int n = 0;
	pcap_t *p;
	FILE *fp;

	if (!dev_ready) {
		if (dev_setup())
			abort();
		dev_ready = true;
	}
	if (!size)
		return 0;
	fp = fmemopen((void *)(uintptr_t)data, size, "rb");
	if (!fp)
		return 0;
	p = pcap_fopen_offline(fp, err);	/* owns fp from here */
	if (!p) {
		fclose(fp);
		return 0;
	}
	if (pcap_datalink(p) == DLT_EN10MB)	/* the tool refuses others */
		while (n++ < FRAMES_MAX && pcap_next_ex(p, &hdr, &bytes) == 1)
			one_frame(hdr, bytes);
	pcap_close(p);
	return 0;
}
