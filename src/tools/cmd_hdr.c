// SPDX-License-Identifier: MIT
/* cmd_hdr.c - `vnet hdr`: decode a virtio-net header given as hex */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "vnet.h"
#include "vnet/hdr.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vnet hdr [--features SPEC] [--legacy-endian little|big]\n"
		"                [--profile draft-v3] HEX...\n"
		"       vnet hdr [--features SPEC] [--profile draft-v3] --size\n"
		"\n"
		"Decodes a virtio-net header given as hex bytes (spaces and ':' are\n"
		"ignored) in the layout the features imply, and prints every field\n"
		"by name. --size prints only the header size. Without VERSION_1 the\n"
		"header is legacy, in the guest's byte order (--legacy-endian,\n"
		"little by default).\n"
		"\n"
		"Exit: 0 decoded; 1 the bytes are shorter than the header; 2 bad\n"
		"arguments or an unknown feature name.\n");
}

static void print_flags(uint8_t flags)
{
	static const char *const names[] = { "needs_csum", "data_valid",
					     "rsc_info", "udp_tunnel_csum" };
	unsigned int i;

	printf("flags 0x%02x", flags);
	for (i = 0; i < 4; i++)
		if (flags & (1u << i))
			printf(" %s", names[i]);
	if (flags & 0xf0)
		printf(" unknown(0x%02x)", flags & 0xf0);
	printf("\n");
}

static const char *gso_name(uint8_t base)
{
	switch (base) {
	case VNET_HDR_GSO_NONE:
		return "none";
	case VNET_HDR_GSO_TCPV4:
		return "tcpv4";
	case VNET_HDR_GSO_UDP:
		return "udp";
	case VNET_HDR_GSO_TCPV6:
		return "tcpv6";
	case VNET_HDR_GSO_UDP_L4:
		return "udp_l4";
	}
	return "unknown";
}

static void print_gso_type(uint8_t t, enum vnet_profile profile)
{
	printf("gso_type 0x%02x %s", t, gso_name(t & 0x1f));
	if (profile == VNET_PROFILE_DRAFT_V3) {
		if (t & VNET_HDR_GSO_DRAFT_UDP_TUNNEL)
			printf(" udp_tunnel");
		if (t & VNET_HDR_GSO_UDP_TUNNEL_IPV4)
			printf(" unknown(0x20)");
	} else {
		if (t & VNET_HDR_GSO_UDP_TUNNEL_IPV4)
			printf(" udp_tunnel_ipv4");
		if (t & VNET_HDR_GSO_UDP_TUNNEL_IPV6)
			printf(" udp_tunnel_ipv6");
	}
	if (t & VNET_HDR_GSO_ECN)
		printf(" ecn");
	printf("\n");
}

static void print_hdr(const struct vnet_hdr_layout *l, const struct vnet_hdr *h)
{
	printf("size %u\n", l->size);
	print_flags(h->flags);
	print_gso_type(h->gso_type, l->profile);
	printf("hdr_len %u\ngso_size %u\ncsum_start %u\ncsum_offset %u\n",
	       h->hdr_len, h->gso_size, h->csum_start, h->csum_offset);
	if (l->has_num_buffers)
		printf("num_buffers %u\n", h->num_buffers);
	if (l->has_hash)
		printf("hash_value 0x%08x\nhash_report %u\n", h->hash_value,
		       h->hash_report);
	if (l->has_tunnel)
		printf("outer_th_offset %u\n", h->outer_th_offset);
	if (l->has_tunnel && l->profile == VNET_PROFILE_DRAFT_V3)
		printf("inner_protocol 0x%04x\ninner_mac_offset %u\n",
		       h->inner_protocol, h->inner_mac_offset);
	if (l->has_tunnel)
		printf("inner_nh_offset %u\n", h->inner_nh_offset);
	if (l->has_out_net)
		printf("outer_nh_offset %u\nipsec_resource_id %u\n"
		       "ipsec_resource_type %u\n", h->outer_nh_offset,
		       h->ipsec_resource_id, h->ipsec_resource_type);
}

struct hdr_args {
	const char *features;
	enum vnet_profile profile;
	enum vnet_endian endian;
	int size_only;
};

/* Return: 0 to go on, or an exit code (after --help, or a usage error). */
static int parse_args(int argc, char **argv, struct hdr_args *a)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "features", required_argument, NULL, 'f' },
		{ "legacy-endian", required_argument, NULL, 'e' },
		{ "profile", required_argument, NULL, 'p' },
		{ "size", no_argument, NULL, 's' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "hf:", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return -1;
		} else if (c == 'f') {
			a->features = optarg;
		} else if (c == 'p') {
			if (parse_profile(optarg, &a->profile))
				return EXIT_USAGE;
		} else if (c == 's') {
			a->size_only = 1;
		} else if (c == 'e' && !strcmp(optarg, "big")) {
			a->endian = VNET_ENDIAN_BIG;
		} else if (c == 'e' && !strcmp(optarg, "little")) {
			a->endian = VNET_ENDIAN_LITTLE;
		} else {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (a->size_only != (optind == argc)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_hdr(int argc, char **argv)
{
	struct hdr_args a = { "", VNET_PROFILE_STANDARD, VNET_ENDIAN_LITTLE, 0 };
	uint8_t bytes[4096];
	struct vnet_hdr_layout l;
	struct vnet_features f;
	struct vnet_hdr h;
	long n = 0;
	int err, i;

	err = parse_args(argc, argv, &a);
	if (err)
		return err < 0 ? EXIT_OK : err;
	err = parse_features_arg(a.features, a.profile, &f);
	if (err)
		return err;
	vnet_hdr_layout_init(&l, &f, a.profile, a.endian);
	if (a.size_only) {
		printf("%u\n", l.size);
		return EXIT_OK;
	}
	for (i = optind; i < argc; i++) {
		long got = hex_to_bytes(argv[i], bytes + n,
					sizeof(bytes) - (size_t)n);

		if (got < 0) {
			fprintf(stderr, "error: '%s' is not hex bytes\n",
				argv[i]);
			return EXIT_USAGE;
		}
		n += got;
	}
	if (vnet_hdr_decode(&l, bytes, (size_t)n, &h) < 0) {
		fprintf(stderr, "error: the header is %u bytes, got %ld\n",
			l.size, n);
		return EXIT_INVALID;
	}
	print_hdr(&l, &h);
	if (n > l.size)
		printf("trailing %ld bytes after the header\n", n - l.size);
	return EXIT_OK;
}
