// SPDX-License-Identifier: MIT
/* cmd_csum.c - `vnet csum FILE.pcap`: check every checksum of every frame */

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pcapio.h"
#include "vnet.h"
#include "vnet/csum_verify.h"
#include "vnet/parse.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vnet csum FILE.pcap\n"
		"\n"
		"Checks the IPv4 header, TCP, UDP, ICMP and ICMPv6 checksums of every\n"
		"Ethernet frame, and those inside VXLAN, Geneve and GRE tunnels.\n"
		"Prints per frame: NUMBER VERDICT LAYER=RESULT..., where VERDICT is\n"
		"ok, bad, partial (a pseudo-header-only L4 checksum, as captured on\n"
		"a host with transmit offloads) or skip (nothing to check, or a\n"
		"frame cut by the snap length), then a summary line.\n"
		"\n"
		"Exit: 0 no bad checksum; 1 some frame is bad (or malformed);\n"
		"2 bad arguments or an unreadable file.\n");
}

struct csum_totals {
	unsigned long frames, ok, partial, bad, skipped;
};

static const char *l4_name(uint8_t proto)
{
	switch (proto) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 58:
		return "icmpv6";
	}
	return NULL;
}

static const char *tunnel_name(enum vnet_tunnel_type t)
{
	static const char *const names[] = {
		[VNET_TUNNEL_VXLAN] = "vxlan", [VNET_TUNNEL_VXLAN_GPE] = "vxlan-gpe",
		[VNET_TUNNEL_GENEVE] = "geneve", [VNET_TUNNEL_GRE] = "gre",
		[VNET_TUNNEL_GRE_UDP] = "gre-udp", [VNET_TUNNEL_IPIP] = "ipip",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : NULL;
}

/* One output line, built before it is printed: the verdict comes first. */
struct line {
	char buf[512];
	size_t used;
};

static void __attribute__((format(printf, 2, 3)))
line_add(struct line *l, const char *fmt, ...)
{
	size_t room = sizeof(l->buf) - l->used;
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(l->buf + l->used, room, fmt, ap);
	va_end(ap);
	if (w > 0)
		l->used += (size_t)w < room ? (size_t)w : room - 1;
}

/* Verdicts by rank: the worst of a frame's checksums decides. */
static const char *const verdicts[] = { "skip", "ok", "partial", "bad" };

static int rank(enum vnet_csum_status s)
{
	return s == VNET_CSUM_BAD ? 3 : s == VNET_CSUM_PARTIAL ? 2 :
	       s == VNET_CSUM_OK ? 1 : 0;
}

static int max_rank(int a, int b)
{
	return a > b ? a : b;
}

/* Add one layer's " ipv4=ok tcp=partial" to @out; return its worst rank. */
static int describe_layer(struct line *out, const struct vnet_parse_layer *l,
			  const struct vnet_csum_layer_report *r,
			  const char *prefix)
{
	const char *l4 = l4_name(r->l4_proto);
	int worst = 0;

	if (l->l3 == VNET_L3_IPV4) {
		line_add(out, " %sipv4=%s", prefix,
			 vnet_csum_status_name(r->ip));
		worst = rank(r->ip);
	} else if (l->l3 == VNET_L3_IPV6) {
		line_add(out, " %sipv6", prefix);
	} else {
		line_add(out, " %sethertype=0x%04x", prefix, l->ethertype);
		return worst;
	}
	if (l4 && r->l4 != VNET_CSUM_UNCHECKED) {
		line_add(out, " %s%s=%s", prefix, l4,
			 vnet_csum_status_name(r->l4));
		worst = max_rank(worst, rank(r->l4));
	} else if (l->frag == VNET_FRAG_LATER || l->frag == VNET_FRAG_FIRST) {
		line_add(out, " %sfragment", prefix);
	}
	return worst;
}

static void count(struct csum_totals *t, int worst)
{
	unsigned long *slot[] = { &t->skipped, &t->ok, &t->partial, &t->bad };

	(*slot[worst])++;
}

static void check_frame(const struct pcap_frame *f, struct csum_totals *t)
{
	struct iovec iov = { (void *)f->data, f->caplen };
	struct vnet_parse_result res;
	struct vnet_csum_report rep;
	struct line out = { .used = 0 };
	struct vnet_pkt pkt;
	int err, worst;

	t->frames++;
	if (f->caplen < f->wirelen) {
		printf("%lu skip truncated=%zu/%zu\n", f->index, f->caplen,
		       f->wirelen);
		count(t, 0);
		return;
	}
	vnet_pkt_init(&pkt, &iov, 1);
	err = vnet_parse(&pkt, NULL, &res);
	if (err || vnet_csum_verify(&pkt, &res, &rep)) {
		printf("%lu bad malformed=%s\n", f->index,
		       vnet_parse_err_name(err));
		count(t, 3);
		return;
	}
	worst = describe_layer(&out, &res.outer, &rep.outer, "");
	if (res.tunnel.type != VNET_TUNNEL_NONE) {
		line_add(&out, " %s", tunnel_name(res.tunnel.type));
		worst = max_rank(worst, describe_layer(&out, &res.inner,
						       &rep.inner, "inner-"));
	}
	printf("%lu %s%s\n", f->index, verdicts[worst], out.buf);
	count(t, worst);
}

int cmd_csum(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct csum_totals t = { 0 };
	struct pcap_frame f;
	struct pcap_in *in;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		usage(c == 'h' ? stdout : stderr);
		return c == 'h' ? EXIT_OK : EXIT_USAGE;
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	in = pcap_in_open(argv[optind]);
	if (!in)
		return EXIT_USAGE;
	while ((rc = pcap_in_next(in, &f)) == 1)
		check_frame(&f, &t);
	pcap_in_close(in);
	printf("summary: %lu frames, %lu ok, %lu partial, %lu bad, %lu skipped\n",
	       t.frames, t.ok, t.partial, t.bad, t.skipped);
	if (rc < 0)
		return EXIT_USAGE;
	return t.bad ? EXIT_INVALID : EXIT_OK;
}
