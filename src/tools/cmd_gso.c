// SPDX-License-Identifier: MIT
/* cmd_gso.c - `vnet gso IN.pcap OUT.pcap`: segment every frame as a device would */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapio.h"
#include "vnet.h"
#include "vnet/gso.h"
#include "vnet/hdr.h"
#include "vnet/parse.h"

#define GSO_OUT_BUF	(1024 * 1024)
#define GSO_SEG_MAX	1024
#define GSO_IOV_MAX	4096
#define GSO_MSS_DEFAULT	1448

static const char default_features[] =
	"version_1,csum,host_tso4,host_tso6,host_ecn,host_ufo,host_uso,"
	"host_udp_tunnel_gso,host_udp_tunnel_gso_csum";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vnet gso [--hdr HEX] [--mss N] [--features SPEC] "
		"[--keep-going] IN.pcap OUT.pcap\n"
		"\n"
		"Applies the transmit engine to every frame of IN and writes the\n"
		"wire frames to OUT, every checksum complete. With --hdr, that\n"
		"virtio-net header (in the layout SPEC negotiates; the default\n"
		"features give the 24-byte tunnel layout) goes with every frame.\n"
		"Without it, each TCP or UDP frame (also inside VXLAN or Geneve)\n"
		"larger than one segment of --mss bytes (default %d) gets the\n"
		"header a Linux guest would send: TSO, USO or tunnel GSO; other\n"
		"frames are copied as they are.\n"
		"Features default to: %s\n"
		"\n"
		"Exit: 0 every frame done; 1 a frame was refused (named with its\n"
		"reason; --keep-going goes on to the end); 2 bad arguments or an\n"
		"unreadable file.\n", GSO_MSS_DEFAULT, default_features);
}

/**
 * struct gso_opts - the command's arguments
 * @hdr:	the header given with --hdr
 * @has_hdr:	--hdr was given
 * @mss:	segment size for derived headers
 * @features:	negotiated features
 * @keep_going:	go on after a refused frame
 * @in:		input file
 * @out:	output file
 */
struct gso_opts {
	struct vnet_hdr hdr;
	bool has_hdr;
	unsigned long mss;
	struct vnet_features features;
	bool keep_going;
	const char *in;
	const char *out;
};

/**
 * derive_hdr() - the header a Linux guest would send with a frame
 * @frame:	the frame
 * @mss:	segment size
 * @h:		the header; no offload when the frame needs none
 */
static void derive_hdr(const struct vnet_pkt *frame, unsigned long mss,
		       struct vnet_hdr *h)
{
	const struct vnet_parse_layer *l;
	struct vnet_parse_result res;
	bool tnl, v6;

	memset(h, 0, sizeof(*h));
	if (vnet_parse(frame, NULL, &res))
		return;				/* malformed: send as is */
	tnl = res.tunnel.type == VNET_TUNNEL_VXLAN ||
	      res.tunnel.type == VNET_TUNNEL_GENEVE;
	l = tnl && res.inner.present ? &res.inner : &res.outer;
	if ((l->l4 != VNET_L4_TCP && l->l4 != VNET_L4_UDP) ||
	    l->frag == VNET_FRAG_FIRST || l->frag == VNET_FRAG_LATER ||
	    l->payload_len <= mss)
		return;				/* one segment: as is */
	v6 = l->l3 == VNET_L3_IPV6;
	h->flags = VNET_HDR_F_NEEDS_CSUM;
	h->gso_type = l->l4 == VNET_L4_UDP ? VNET_HDR_GSO_UDP_L4 :
		      v6 ? VNET_HDR_GSO_TCPV6 : VNET_HDR_GSO_TCPV4;
	h->gso_size = (uint16_t)mss;
	h->csum_start = (uint16_t)l->l4_off;
	h->csum_offset = l->l4 == VNET_L4_UDP ? 6 : 16;
	h->hdr_len = (uint16_t)(l->l4_off + l->l4_hdr_len);
	if (!tnl || !res.inner.present)
		return;
	h->gso_type |= res.outer.l3 == VNET_L3_IPV6 ?
		       VNET_HDR_GSO_UDP_TUNNEL_IPV6 :
		       VNET_HDR_GSO_UDP_TUNNEL_IPV4;
	h->outer_th_offset = (uint16_t)res.outer.l4_off;
	h->inner_nh_offset = (uint16_t)res.inner.l3_off;
	if (vnet_pkt_has(frame, res.outer.l4_off + 6, 2)) {
		uint16_t c = 0;

		vnet_pkt_get_u16(frame, res.outer.l4_off + 6, &c);
		if (c)
			h->flags |= VNET_HDR_F_UDP_TUNNEL_CSUM;
	}
}

/**
 * write_segments() - append the engine's segments to the output capture
 * @po:		writer
 * @out:	segments
 * @ts:		time stamp of the input frame
 * @flat:	scratch of GSO_OUT_BUF bytes
 */
static void write_segments(struct pcap_out *po, const struct vnet_gso_out *out,
			   const struct timeval *ts, uint8_t *flat)
{
	unsigned int i, j;
	size_t off;

	for (i = 0; i < out->nseg; i++) {
		for (off = 0, j = 0; j < out->segs[i].iovcnt; j++) {
			memcpy(flat + off, out->segs[i].iov[j].iov_base,
			       out->segs[i].iov[j].iov_len);
			off += out->segs[i].iov[j].iov_len;
		}
		pcap_out_write(po, flat, off, ts);
	}
}

/**
 * gso_frame() - run the engine over one frame of the capture
 * @ctx:	engine context
 * @o:		options
 * @f:		the frame
 * @out:	output segments
 *
 * Return: the segment count, or -1 after naming the frame and the reason
 */
static int gso_frame(struct vnet_gso_ctx *ctx, const struct gso_opts *o,
		     const struct pcap_frame *f, struct vnet_gso_out *out)
{
	struct iovec iov = { .iov_base = (void *)f->data, .iov_len = f->caplen };
	struct vnet_pkt pkt;
	struct vnet_hdr h;
	int n;

	if (f->caplen < f->wirelen) {
		fprintf(stderr, "error: frame %lu: cut by the snap length\n",
			f->index);
		return -1;
	}
	vnet_pkt_init(&pkt, &iov, 1);
	if (o->has_hdr)
		h = o->hdr;
	else
		derive_hdr(&pkt, o->mss, &h);
	n = vnet_gso_segment(ctx, &h, &pkt, out);
	if (n >= 0)
		return n;
	fprintf(stderr, "error: frame %lu: %s\n", f->index, n == -EINVAL ?
		vnet_tx_reason_name(out->reason) : strerror(-n));
	return -1;
}

/**
 * gso_file() - run the engine over every frame of a capture
 * @o:		options
 *
 * Return: EXIT_OK, EXIT_INVALID or EXIT_USAGE
 */
static int gso_file(const struct gso_opts *o)
{
	static struct iovec oiov[GSO_IOV_MAX];
	static struct vnet_gso_seg segs[GSO_SEG_MAX];
	uint8_t *buf = malloc(GSO_OUT_BUF), *flat = malloc(GSO_OUT_BUF);
	struct vnet_gso_out out = { .buf = buf, .buf_len = GSO_OUT_BUF,
		.iov = oiov, .iov_max = GSO_IOV_MAX, .segs = segs,
		.seg_max = GSO_SEG_MAX };
	struct pcap_in *pi = pcap_in_open(o->in);
	struct pcap_out *po = pi ? pcap_out_open(o->out) : NULL;
	struct vnet_gso_ctx ctx;
	struct pcap_frame f;
	int rc = EXIT_OK;

	if (!buf || !flat || !pi || !po) {
		rc = EXIT_USAGE;
		goto out;
	}
	vnet_gso_ctx_init(&ctx, &o->features, VNET_GSO_ZEROCOPY, 0x5eed);
	while (pcap_in_next(pi, &f) > 0) {
		if (gso_frame(&ctx, o, &f, &out) >= 0) {
			write_segments(po, &out, &f.ts, flat);
			continue;
		}
		rc = EXIT_INVALID;
		if (!o->keep_going)
			break;
	}
out:
	if (po && pcap_out_close(po) && rc == EXIT_OK)
		rc = EXIT_USAGE;
	if (pi)
		pcap_in_close(pi);
	free(buf);
	free(flat);
	return rc;
}

/**
 * parse_hdr_arg() - decode --hdr in the layout the features give
 * @hex:	the argument
 * @f:		negotiated features
 * @h:		the header
 *
 * Return: 0, or EXIT_USAGE after printing why
 */
static int parse_hdr_arg(const char *hex, const struct vnet_features *f,
			 struct vnet_hdr *h)
{
	struct vnet_hdr_layout l;
	uint8_t b[VNET_HDR_LEN_MAX];
	long n = hex_to_bytes(hex, b, sizeof(b));

	vnet_hdr_layout_init(&l, f, VNET_PROFILE_STANDARD, VNET_ENDIAN_LITTLE);
	if (n != l.size) {
		fprintf(stderr, "error: --hdr: want %u bytes of hex (the "
			"layout the features give)\n", l.size);
		return EXIT_USAGE;
	}
	vnet_hdr_decode(&l, b, (size_t)n, h);
	return 0;
}

int cmd_gso(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "hdr", required_argument, NULL, 'H' },
		{ "mss", required_argument, NULL, 'm' },
		{ "features", required_argument, NULL, 'f' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gso_opts o = { .mss = GSO_MSS_DEFAULT };
	const char *hdr = NULL, *feat = default_features;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'H': hdr = optarg; break;
		case 'f': feat = optarg; break;
		case 'k': o.keep_going = true; break;
		case 'm':
			o.mss = strtoul(optarg, &end, 0);
			if (*end || o.mss < 1 || o.mss > 65534) {
				fprintf(stderr, "error: --mss: 1 to 65534\n");
				return EXIT_USAGE;
			}
			break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (parse_features_arg(feat, VNET_PROFILE_STANDARD, &o.features))
		return EXIT_USAGE;
	if (hdr && parse_hdr_arg(hdr, &o.features, &o.hdr))
		return EXIT_USAGE;
	o.has_hdr = hdr;
	o.in = argv[optind];
	o.out = argv[optind + 1];
	return gso_file(&o);
}
