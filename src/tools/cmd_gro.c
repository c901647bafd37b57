// SPDX-License-Identifier: MIT
/* cmd_gro.c - `vnet gro IN.pcap OUT.pcap`: coalesce as the device delivers */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapio.h"
#include "vnet.h"
#include "vnet/gro.h"
#include "vnet/hdr.h"
#include "vnet/rx.h"

#define GRO_DEFAULT_FEATURES "version_1,guest_csum,guest_tso4,guest_tso6," \
	"guest_ecn,guest_uso4,guest_uso6,guest_udp_tunnel_gso," \
	"guest_udp_tunnel_gso_csum"

/**
 * usage() - the help text
 * @out:	where to print it
 */
static void usage(FILE *out)
{
	fprintf(out,
		"usage: vnet gro [--features SPEC] [--rsc] [--timeout-us N]\n"
		"                IN.pcap OUT.pcap\n"
		"\n"
		"Coalesces the frames of IN as the device does on receive (Linux GRO\n"
		"rules, or RSC_EXT rules with --rsc), fits each result to the guest's\n"
		"features (segmenting in software what the guest cannot take) and\n"
		"writes the frames the guest would receive to OUT. Prints each one's\n"
		"virtio-net header, in hex and decoded, then the engine's counters.\n"
		"\n"
		"The pcap time stamps are the clock: a flow is released when its\n"
		"first segment is --timeout-us old (default 300) and at the end.\n"
		"\n"
		"  --features SPEC  negotiated features (default: every GUEST_ offload,\n"
		"                   " GRO_DEFAULT_FEATURES ")\n"
		"  --rsc            add rsc_ext: RSC rules and RSC_INFO headers\n"
		"  --timeout-us N   the drain timer, in microseconds\n"
		"\n"
		"Exit: 0 ok; 1 a frame could not be delivered; 2 bad arguments.\n");
}

/**
 * struct gro_tool - the command's state
 * @rx:		delivery context
 * @layout:	header layout of the negotiated features
 * @out:	output capture
 * @ts:		time stamp for frames written now
 * @written:	frames written
 * @gso:	of which super-frames
 * @errors:	frames that could not be delivered
 */
struct gro_tool {
	struct vnet_rx_ctx rx;
	struct vnet_hdr_layout layout;
	struct pcap_out *out;
	struct timeval ts;
	unsigned long written;
	unsigned long gso;
	unsigned long errors;
};

/**
 * print_hdr() - one output line: the header in hex and decoded
 * @t:		state
 * @h:		the header
 * @len:	the frame's length
 */
static void print_hdr(struct gro_tool *t, const struct vnet_hdr *h,
		      size_t len)
{
	uint8_t raw[VNET_HDR_LEN_MAX];
	int n = vnet_hdr_encode(&t->layout, h, raw, sizeof(raw)), i;

	printf("%lu len=%zu hdr=", t->written, len);
	for (i = 0; i < n; i++)
		printf("%02x", raw[i]);
	printf(" flags=0x%02x gso_type=0x%02x hdr_len=%u gso_size=%u "
	       "csum_start=%u csum_offset=%u num_buffers=%u", h->flags,
	       h->gso_type, h->hdr_len, h->gso_size, h->csum_start,
	       h->csum_offset, h->num_buffers);
	if (t->layout.has_tunnel)
		printf(" outer_th_offset=%u inner_nh_offset=%u",
		       h->outer_th_offset, h->inner_nh_offset);
	printf("\n");
}

/**
 * write_frame() - vnet_rx_emit_fn: print and write one frame for the guest
 * @opaque:	state
 * @h:		its header
 * @pkt:	the frame
 *
 * Return: 0, or -EMSGSIZE for a frame larger than any super-frame
 */
static int write_frame(void *opaque, const struct vnet_hdr *h,
		       const struct vnet_pkt *pkt)
{
	static uint8_t buf[65536 + 1024];
	struct gro_tool *t = opaque;
	size_t len = vnet_pkt_len(pkt);

	if (len > sizeof(buf) || vnet_pkt_read(pkt, 0, buf, len))
		return -EMSGSIZE;
	t->written++;
	if (h->gso_type != VNET_HDR_GSO_NONE)
		t->gso++;
	print_hdr(t, h, len);
	pcap_out_write(t->out, buf, len, &t->ts);
	return 0;
}

/**
 * deliver() - vnet_gro_emit_fn: fit a frame to the guest, then write it
 * @opaque:	state
 * @f:		the frame the engine let go
 *
 * Return: 0 (a frame that cannot be delivered is counted, not fatal)
 */
static int deliver(void *opaque, const struct vnet_rx_frame *f)
{
	struct gro_tool *t = opaque;

	if (vnet_rx_deliver(&t->rx, f, write_frame, t) < 0)
		t->errors++;
	return 0;
}

/**
 * set_ts() - the time stamp for frames written next
 * @t:		state
 * @ns:		time in ns
 */
static void set_ts(struct gro_tool *t, uint64_t ns)
{
	t->ts.tv_sec = (time_t)(ns / 1000000000u);
	t->ts.tv_usec = (suseconds_t)(ns % 1000000000u / 1000u);
}

/**
 * print_stats() - the summary and the engine's non-zero counters
 * @g:		the engine
 * @t:		state
 */
static void print_stats(const struct vnet_gro_ctx *g, const struct gro_tool *t)
{
	int s;

	printf("summary: %lu frames out, %lu super-frames, %lu errors\n",
	       t->written, t->gso, t->errors);
	printf("stats:");
	for (s = 0; s < VNET_GRO_S_MAX; s++)
		if (g->stats[s])
			printf(" %s=%llu", vnet_gro_stat_name(s),
			       (unsigned long long)g->stats[s]);
	printf("\n");
}

/**
 * run() - feed every frame of the input; the time stamps drive the timer
 * @t:		state
 * @g:		the engine
 * @in_path:	input capture
 *
 * Return: EXIT_OK, or EXIT_USAGE if the input cannot be read
 */
static int run(struct gro_tool *t, struct vnet_gro_ctx *g, const char *in_path)
{
	struct pcap_in *in = pcap_in_open(in_path);
	struct pcap_frame f;
	uint64_t now = 0;
	int rc;

	if (!in)
		return EXIT_USAGE;
	while ((rc = pcap_in_next(in, &f)) == 1) {
		struct iovec iov = { (void *)f.data, f.caplen };
		struct vnet_pkt pkt;

		now = (uint64_t)f.ts.tv_sec * 1000000000u +
		      (uint64_t)f.ts.tv_usec * 1000u;
		if (vnet_gro_next_deadline(g) <= now) {
			set_ts(t, vnet_gro_next_deadline(g));
			vnet_gro_flush(g, now, VNET_GRO_FLUSH_EXPIRED,
				       deliver, t);
		}
		set_ts(t, now);
		vnet_pkt_init(&pkt, &iov, 1);
		vnet_gro_receive(g, &pkt, now, deliver, t);
	}
	pcap_in_close(in);
	vnet_gro_flush(g, now, VNET_GRO_FLUSH_ALL, deliver, t);
	return rc < 0 ? EXIT_USAGE : EXIT_OK;
}

/**
 * struct gro_args - the command line
 * @spec:	--features
 * @rsc:	--rsc
 * @timeout_us:	--timeout-us
 */
struct gro_args {
	const char *spec;
	bool rsc;
	unsigned long timeout_us;
};

/**
 * parse_args() - options and the two file names
 * @argc:	argument count
 * @argv:	arguments
 * @a:		filled
 *
 * Return: -1 to go on (optind names IN.pcap), else the exit code
 */
static int parse_args(int argc, char **argv, struct gro_args *a)
{
	static const struct option opts[] = {
		{ "features", required_argument, NULL, 'f' },
		{ "rsc", no_argument, NULL, 'r' },
		{ "timeout-us", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'f') {
			a->spec = optarg;
		} else if (c == 'r') {
			a->rsc = true;
		} else if (c == 't') {
			errno = 0;
			a->timeout_us = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || *optarg == '-') {
				fprintf(stderr, "error: --timeout-us: not a "
					"number: %s\n", optarg);
				return EXIT_USAGE;
			}
		} else {
			usage(c == 'h' ? stdout : stderr);
			return c == 'h' ? EXIT_OK : EXIT_USAGE;
		}
	}
	if (optind + 2 != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

/**
 * cmd_gro() - `vnet gro`
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: EXIT_OK, EXIT_INVALID if a frame could not be delivered, or
 * EXIT_USAGE
 */
int cmd_gro(int argc, char **argv)
{
	struct gro_args a = { GRO_DEFAULT_FEATURES, false, 300 };
	static struct gro_tool t;
	struct vnet_gro_params p;
	struct vnet_gro_ctx g;
	struct vnet_features f;
	int rc;

	rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	rc = parse_features_arg(a.spec, VNET_PROFILE_STANDARD, &f);
	if (rc)
		return rc;
	if (a.rsc)
		vnet_features_set(&f, VNET_F_RSC_EXT);
	vnet_hdr_layout_init(&t.layout, &f, VNET_PROFILE_STANDARD,
			     VNET_ENDIAN_LITTLE);
	vnet_gro_params_default(&p, vnet_gro_flags_for(&f, &f));
	p.timeout_ns = (uint64_t)a.timeout_us * 1000u;
	if (vnet_rx_ctx_init(&t.rx, &f, 0) || vnet_gro_init(&g, &p)) {
		fprintf(stderr, "error: out of memory\n");
		return EXIT_USAGE;
	}
	t.out = pcap_out_open(argv[optind + 1]);
	rc = t.out ? run(&t, &g, argv[optind]) : EXIT_USAGE;
	if (t.out && pcap_out_close(t.out))
		rc = EXIT_USAGE;
	if (rc == EXIT_OK)
		print_stats(&g, &t);
	vnet_gro_fini(&g);
	vnet_rx_ctx_fini(&t.rx);
	if (rc == EXIT_OK && t.errors)
		rc = EXIT_INVALID;
	return rc;
}
