// SPDX-License-Identifier: MIT
/* cmd_rss.c - `vnet rss`: the RSS hash, report type and queue of every frame */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapio.h"
#include "vnet.h"
#include "vnet/ctrl.h"
#include "vnet/dev.h"
#include "vnet/dev_rx.h"
#include "vnet/parse.h"
#include "vnet/rss.h"

#define INDIR_MAX	32768	/* largest power of two a le16 mask allows */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vnet rss --key HEX --types LIST [--indir LIST | --queues N]\n"
		"                [--tunnels LIST] FILE.pcap\n"
		"\n"
		"Configures a device as a driver would (VIRTIO_NET_CTRL_MQ_RSS_CONFIG,\n"
		"VIRTIO_NET_CTRL_HASH_TUNNEL_SET) and prints, per Ethernet frame:\n"
		"NUMBER hash 0xVALUE report TYPE queue N. A frame without hash reports\n"
		"none and goes to the unclassified queue (0).\n"
		"\n"
		"  --key HEX       the hash key, up to 255 bytes\n"
		"  --types LIST    hash types: ipv4,tcpv4,udpv4,ipv6,tcpv6,udpv6,ip_ex,\n"
		"                  tcp_ex,udp_ex or all\n"
		"  --indir LIST    indirection table: queue numbers, a power of two of\n"
		"                  them (default: 128 entries spread over --queues)\n"
		"  --queues N      receive queues, 1..32768 (default 1)\n"
		"  --tunnels LIST  inner header hash for: gre_2784,gre_2890,gre_7676,\n"
		"                  gre_udp,vxlan,vxlan_gpe,geneve,ipip,nvgre or all\n"
		"\n"
		"Exit: 0 every frame read; 1 the capture is unreadable part-way;\n"
		"2 bad arguments, a configuration the device refuses, or an\n"
		"unreadable file.\n");
}

static const char *const type_names[] = {
	"ipv4", "tcpv4", "udpv4", "ipv6", "tcpv6", "udpv6",
	"ip_ex", "tcp_ex", "udp_ex",
};

static const char *const tunnel_names[] = {
	"gre_2784", "gre_2890", "gre_7676", "gre_udp", "vxlan", "vxlan_gpe",
	"geneve", "ipip", "nvgre",
};

/* Report type n is hash type bit n - 1 ("Hash reporting"). */
static const char *report_name(uint16_t report)
{
	static const char *const names[] = {
		"none", "ipv4", "tcpv4", "udpv4", "ipv6", "tcpv6", "udpv6",
		"ipv6_ex", "tcpv6_ex", "udpv6_ex",
	};

	return report < sizeof(names) / sizeof(names[0]) ? names[report] : "?";
}

/* "a,b,c" of @names (or "all") as a bit mask; -1 after printing why. */
static long parse_names(const char *what, const char *arg,
			const char *const *names, size_t count)
{
	char buf[512], *tok, *save = NULL;
	long mask = 0;
	size_t i;

	if (!strcmp(arg, "all"))
		return (1L << count) - 1;
	if (strlen(arg) >= sizeof(buf))
		return -1;
	/* bounded by the strlen() check above */
	/* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy) */
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < count && strcmp(tok, names[i]); i++)
			;
		if (i == count) {
			fprintf(stderr, "error: unknown %s '%s'\n", what, tok);
			return -1;
		}
		mask |= 1L << i;
	}
	return mask;
}

/**
 * struct rss_args - the command line
 * @key:	key bytes
 * @key_len:	their number, -1 if not given
 * @types:	hash types, -1 if not given
 * @tunnels:	encapsulation types for the inner hash
 * @indir:	indirection table
 * @entries:	its entries (0: build from @queues)
 * @queues:	receive queues, 0 if not given
 * @path:	the capture
 */
struct rss_args {
	uint8_t key[255];
	long key_len;
	long types;
	long tunnels;
	uint16_t indir[INDIR_MAX];
	size_t entries;
	unsigned long queues;
	const char *path;
};

/* "3,1,0,2": at most INDIR_MAX queue numbers below 32768. */
static int parse_indir(const char *arg, struct rss_args *a)
{
	const char *p = arg;
	char *end;

	a->entries = 0;
	while (*p) {
		unsigned long q = strtoul(p, &end, 10);

		if (end == p || q >= INDIR_MAX || a->entries == INDIR_MAX)
			return -1;
		a->indir[a->entries++] = (uint16_t)q;
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return a->entries ? 0 : -1;
}

static int parse_opt(int c, const char *arg, struct rss_args *a)
{
	char *end;

	switch (c) {
	case 'k':
		a->key_len = hex_to_bytes(arg, a->key, sizeof(a->key));
		return a->key_len < 0 ? -1 : 0;
	case 't':
		a->types = parse_names("hash type", arg, type_names, 9);
		return a->types < 0 ? -1 : 0;
	case 'T':
		a->tunnels = parse_names("tunnel type", arg, tunnel_names, 9);
		return a->tunnels < 0 ? -1 : 0;
	case 'i':
		return parse_indir(arg, a);
	case 'q':
		a->queues = strtoul(arg, &end, 10);
		return *end || !a->queues || a->queues > INDIR_MAX ? -1 : 0;
	}
	return -1;
}

/* Return: 0 to go on, -1 after --help, or EXIT_USAGE. */
static int parse_args(int argc, char **argv, struct rss_args *a)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "key", required_argument, NULL, 'k' },
		{ "types", required_argument, NULL, 't' },
		{ "tunnels", required_argument, NULL, 'T' },
		{ "indir", required_argument, NULL, 'i' },
		{ "queues", required_argument, NULL, 'q' },
		{ 0 },
	};
	int c, li = 0;

	while ((c = getopt_long(argc, argv, "h", opts, &li)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return -1;
		}
		if (c == '?' || parse_opt(c, optarg, a)) {
			if (c != '?')
				fprintf(stderr, "error: bad --%s '%s'\n",
					opts[li].name, optarg);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (a->key_len < 0 || a->types < 0 || optind != argc - 1 ||
	    (a->entries && a->queues)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	a->path = argv[optind];
	return 0;
}

/* The queues the table names: max_tx_vq of the RSS_CONFIG command. */
static void fill_table(struct rss_args *a)
{
	size_t i;

	if (!a->queues)
		a->queues = 1;
	if (!a->entries) {
		a->entries = 128;
		for (i = 0; i < a->entries; i++)
			a->indir[i] = (uint16_t)(i % a->queues);
		return;
	}
	a->queues = 1;
	for (i = 0; i < a->entries; i++)
		if (a->indir[i] >= a->queues)
			a->queues = a->indir[i] + 1ul;
}

/* A device offering RSS, hash report and inner hash, driver accepting. */
static int dev_create(struct vnet_dev *dev, const struct rss_args *a)
{
	struct vnet_dev_params p;
	const char *bad;
	size_t bad_len;

	memset(&p, 0, sizeof(p));
	if (vnet_features_parse("version_1,ctrl_vq,mq,rss,hash_report,"
				"hash_tunnel", VNET_PROFILE_STANDARD,
				&p.offer, &bad, &bad_len))
		return -EINVAL;
	p.max_pairs = (uint16_t)a->queues;
	p.rss_max_key_size = 255;
	p.rss_max_indir_len = a->entries < 128 ? 128 : (uint16_t)a->entries;
	p.hash_types = VNET_HASH_TYPE_ALL;
	p.tunnel_types = VNET_HASH_TUNNEL_ALL;
	if (vnet_dev_init(dev, &p))
		return -EINVAL;
	return vnet_dev_negotiate(dev, &p.offer, NULL, 0);
}

static void put_le(uint8_t **p, unsigned long v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		*(*p)++ = (uint8_t)(v >> (8 * i));
}

/* RSS_CONFIG and HASH_TUNNEL_SET, as a driver writes them. */
static int dev_configure(struct vnet_dev *dev, const struct rss_args *a)
{
	static uint8_t cmd[2 + 8 + 2 * INDIR_MAX + 3 + 255];
	uint8_t *p = cmd;
	size_t i;

	put_le(&p, VNET_CTRL_MQ, 1);
	put_le(&p, VNET_CTRL_MQ_RSS_CONFIG, 1);
	put_le(&p, (unsigned long)a->types, 4);
	put_le(&p, a->entries - 1, 2);
	put_le(&p, 0, 2);				/* unclassified */
	for (i = 0; i < a->entries; i++)
		put_le(&p, a->indir[i], 2);
	put_le(&p, a->queues, 2);			/* max_tx_vq */
	put_le(&p, (unsigned long)a->key_len, 1);
	memcpy(p, a->key, (size_t)a->key_len);
	p += a->key_len;
	if (vnet_ctrl_exec(dev, cmd, (size_t)(p - cmd), NULL, 0, NULL))
		return -1;
	p = cmd;
	put_le(&p, VNET_CTRL_HASH_TUNNEL, 1);
	put_le(&p, VNET_CTRL_HASH_TUNNEL_SET, 1);
	put_le(&p, (unsigned long)a->tunnels, 4);
	return vnet_ctrl_exec(dev, cmd, 6, NULL, 0, NULL) ? -1 : 0;
}

static void print_frame(struct vnet_dev *dev, const struct pcap_frame *f)
{
	struct vnet_parse_result res;
	struct vnet_rx_verdict v;
	struct iovec iov = { (void *)(uintptr_t)f->data, f->caplen };
	struct vnet_pkt pkt;
	int parsed;

	vnet_pkt_init(&pkt, &iov, 1);
	parsed = vnet_parse(&pkt, NULL, &res) == 0;
	vnet_dev_rx(dev, &pkt, parsed ? &res : NULL, &v);
	if (!v.deliver) {
		printf("%lu dropped (shorter than an Ethernet header)\n",
		       f->index);
		return;
	}
	printf("%lu hash 0x%08x report %s queue %u\n", f->index, v.hash.value,
	       report_name(v.hash.report), v.queue);
}

static int run(struct vnet_dev *dev, const char *path)
{
	struct pcap_in *in = pcap_in_open(path);
	struct pcap_frame f;
	int rc;

	if (!in)
		return EXIT_USAGE;
	while ((rc = pcap_in_next(in, &f)) == 1)
		print_frame(dev, &f);
	pcap_in_close(in);
	return rc < 0 ? EXIT_INVALID : EXIT_OK;
}

/* Why the device answered VIRTIO_NET_ERR, from its counters. */
static const char *refusal(const struct vnet_dev *dev)
{
	if (dev->stats.ctrl_err_indir_size)
		return "the indirection table length is not a power of two";
	if (dev->stats.ctrl_err_key)
		return "hash types need a key";
	return "see its counters";
}

int cmd_rss(int argc, char **argv)
{
	static struct rss_args a;
	struct vnet_dev dev;
	int err;

	memset(&a, 0, sizeof(a));
	memset(&dev, 0, sizeof(dev));
	a.key_len = a.types = -1;
	err = parse_args(argc, argv, &a);
	if (err)
		return err < 0 ? EXIT_OK : err;
	fill_table(&a);
	if (dev_create(&dev, &a)) {
		fprintf(stderr, "error: cannot create the device\n");
		vnet_dev_fini(&dev);
		return EXIT_USAGE;
	}
	if (dev_configure(&dev, &a)) {
		fprintf(stderr, "error: the device refuses the configuration: "
			"%s\n", refusal(&dev));
		vnet_dev_fini(&dev);
		return EXIT_USAGE;
	}
	err = run(&dev, a.path);
	vnet_dev_fini(&dev);
	return err;
}
