// SPDX-License-Identifier: MIT
/* options.c - vnetd's command line, checked into one configuration */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "vnet/tap.h"

/* The least MTU vnetd advertises: virtio's "SHOULD set mtu to at least
 * 1280" (IPv6's minimum link MTU, RFC 8200); the spec's MUST allows 68. */
#define VNETD_MTU_MIN	1280u

/* The offload bits --offloads and --no-offloads decide. */
static const unsigned int offload_bits[] = {
	VNET_F_CSUM, VNET_F_GUEST_CSUM, VNET_F_GUEST_TSO4, VNET_F_GUEST_TSO6,
	VNET_F_GUEST_ECN, VNET_F_GUEST_UFO, VNET_F_HOST_TSO4, VNET_F_HOST_TSO6,
	VNET_F_HOST_ECN, VNET_F_HOST_UFO, VNET_F_GUEST_USO4, VNET_F_GUEST_USO6,
	VNET_F_HOST_USO, VNET_F_GUEST_UDP_TUNNEL_GSO,
	VNET_F_GUEST_UDP_TUNNEL_GSO_CSUM, VNET_F_HOST_UDP_TUNNEL_GSO,
	VNET_F_HOST_UDP_TUNNEL_GSO_CSUM, VNET_F_RSC_EXT,
};

/* The device features --features decides (each is offered by default):
 * what the library implements beyond the offloads and the base set. */
static const unsigned int device_bits[] = {
	VNET_F_SPEED_DUPLEX, VNET_F_NOTF_COAL, VNET_F_VQ_NOTF_COAL,
	VNET_F_GUEST_HDRLEN, VNET_F_HASH_TUNNEL, VNET_F_NOTIFICATION_DATA,
	VNET_F_DEVICE_STATS, VNET_F_IN_ORDER, VNET_F_ACCESS_PLATFORM,
};

/* Everything else offered by default. */
static const unsigned int base_bits[] = {
	VNET_F_VERSION_1, VNET_F_INDIRECT_DESC, VNET_F_EVENT_IDX,
	VNET_F_MRG_RXBUF, VNET_F_STATUS, VNET_F_MAC, VNET_F_CTRL_VQ,
	VNET_F_CTRL_RX, VNET_F_CTRL_VLAN, VNET_F_CTRL_RX_EXTRA,
	VNET_F_GUEST_ANNOUNCE, VNET_F_MQ, VNET_F_CTRL_MAC_ADDR,
	VNET_F_CTRL_GUEST_OFFLOADS, VNET_F_RSS, VNET_F_HASH_REPORT,
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void set_bits(struct vnet_features *f, const unsigned int *bits,
		     size_t n, bool on)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (on)
			vnet_features_set(f, bits[i]);
		else
			vnet_features_clear(f, bits[i]);
	}
}

void vnetd_default_offer(struct vnet_features *offer)
{
	memset(offer, 0, sizeof(*offer));
	set_bits(offer, base_bits, ARRAY_SIZE(base_bits), true);
	set_bits(offer, offload_bits, ARRAY_SIZE(offload_bits), true);
	set_bits(offer, device_bits, ARRAY_SIZE(device_bits), true);
}

static void usage(FILE *out)
{
	fprintf(out,
"usage: vnetd (--socket-path PATH [--client] | --fd N) [options]\n"
"       vnetd --print-capabilities\n"
"\n"
"A virtio-net device served over vhost-user, bridged to a Linux tap.\n"
"\n"
"  --socket-path PATH   vhost-user socket to listen on (or connect to with\n"
"                       --client)\n"
"  --client             connect to the frontend, which listens; when it\n"
"                       goes away (or is not there yet) vnetd dials again,\n"
"                       after 50 ms, then twice as long each time, 2 s at\n"
"                       most\n"
"  --fd N               an inherited, listening vhost-user socket\n"
"  --tap NAME           tap to use: created if absent, and then made\n"
"                       persistent, so that it outlives vnetd with its\n"
"                       addresses, bridge port, MTU and offloads, and a\n"
"                       vnetd started again (after a crash, SIGTERM, an\n"
"                       upgrade) attaches to it as it was; remove it with\n"
"                       'ip link delete NAME'\n"
"  --tap-transient      a tap vnetd creates goes away when vnetd exits\n"
"  --queues N           queue pairs (default 1)\n"
"  --mac MAC            the device's address (default 52:54:00:12:34:56)\n"
"  --mtu N              MTU advertised to the guest (1280..65535)\n"
"  --offloads LIST      the offload features offered (feature names, as\n"
"                       'vnet features' lists them)\n"
"  --no-offloads        offer no checksum or segmentation offload\n"
"  --features LIST      the optional device features offered (default:\n"
"                       all): speed_duplex, notf_coal, vq_notf_coal,\n"
"                       guest_hdrlen, hash_tunnel, notification_data,\n"
"                       device_stats, in_order\n"
"  --speed N            link speed in Mb/s (0..2147483647; default unknown)\n"
"  --duplex MODE        full, half or unknown (default)\n"
"  --tap-offloads LIST  the guest's transmit offloads the tap is given as\n"
"                       they are (csum, host_tso4, host_tso6, host_ecn,\n"
"                       host_ufo, host_uso, host_udp_tunnel_gso,\n"
"                       host_udp_tunnel_gso_csum; default: all the kernel\n"
"                       takes); the rest are done in software\n"
"  --packed             offer packed rings\n"
"  --busy-poll          poll the queues instead of sleeping on kicks\n"
"  --no-gro             hand frames from the tap to the guest as they come\n"
"                       (default: segments of a flow are coalesced into\n"
"                       super-frames when the guest takes them)\n"
"  --no-direct-rx       read the tap into a bounce buffer and copy to the\n"
"                       guest (default: straight into the guest's buffers\n"
"                       where that applies)\n"
"  --vxlan SPEC         the tap is the underlay of a VXLAN overlay port:\n"
"                       SPEC is vni=N,local=ADDR,remote=ADDR[,remote=...]\n"
"                       [,port=P][,csum=on|off][,zerocsum6rx=on|off]\n"
"                       [,ttl=N][,tos=N][,df=on|off][,mtu=N][,mac=MAC]\n"
"                       [,gw-mac=MAC][,learn=on|off][,srcport=MIN-MAX]\n"
"  --geneve SPEC        the same with Geneve (and opt=CLASS:TYPE:HEX)\n"
"  --null-rx SIZE       benchmark: a generator fills every receive queue\n"
"                       with SIZE-byte UDP frames (60..9014) as fast as\n"
"                       the guest gives buffers (the tap, if any, is not\n"
"                       read)\n"
"  --pcap FILE          capture the frames crossing the device\n"
"  --stats SOCKET       serve statistics (JSON, Prometheus) on SOCKET\n"
"  --log-level LEVEL    err, warn, info (default) or debug\n"
"  --print-capabilities print the backend capabilities (JSON) and exit\n"
"\n"
"Exit: 0 after SIGTERM; 1 if the device cannot start; 2 on a usage error.\n");
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	int i;

	/* %2x reads at most two hex digits: it cannot overflow */
	/* NOLINTNEXTLINE(cert-err34-c) */
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5]) != 6 || strlen(s) != 17)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	/* a group address cannot be a station's */
	return mac[0] & 1 ? -1 : 0;
}

static int parse_uint(const char *s, unsigned int min, unsigned int max,
		      unsigned int *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v < min || v > max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/* @list as features, each one of @allowed; -1 after saying which is not
 * (@not_what: "an offload", ...). */
static int parse_bit_list(const char *list, const char *opt,
			  const char *not_what, const unsigned int *allowed,
			  size_t n, struct vnet_features *f)
{
	const char *bad = NULL;
	size_t bad_len = 0, i, j;

	if (vnet_features_parse(list, VNET_PROFILE_STANDARD, f, &bad,
				&bad_len)) {
		fprintf(stderr, "vnetd: unknown feature '%.*s' in --%s\n",
			(int)bad_len, bad ? bad : list, opt);
		return -1;
	}
	for (i = 0; i < VNET_FEATURE_BITS; i++) {
		bool ok = false;

		for (j = 0; j < n; j++)
			ok |= allowed[j] == i;
		if (vnet_features_has(f, (unsigned int)i) && !ok) {
			fprintf(stderr, "vnetd: '%s' is not %s\n",
				vnet_feature_name((unsigned int)i,
						  VNET_PROFILE_STANDARD), not_what);
			return -1;
		}
	}
	return 0;
}

/* --offloads / --features LIST: the offered bits of @bits become LIST's. */
static int parse_offer(const char *list, const char *opt,
		       const char *not_what, const unsigned int *bits,
		       size_t n, struct vnet_features *offer)
{
	struct vnet_features f;

	if (parse_bit_list(list, opt, not_what, bits, n, &f))
		return -1;
	set_bits(offer, bits, n, false);
	offer->w[0] |= f.w[0];
	offer->w[1] |= f.w[1];
	return 0;
}

/* The bits --tap-offloads may name: what a tap takes on write. */
static const unsigned int tap_tx_bits[] = {
	VNET_F_CSUM, VNET_F_HOST_TSO4, VNET_F_HOST_TSO6, VNET_F_HOST_ECN,
	VNET_F_HOST_UFO, VNET_F_HOST_USO, VNET_F_HOST_UDP_TUNNEL_GSO,
	VNET_F_HOST_UDP_TUNNEL_GSO_CSUM,
};

/* --tap-offloads LIST: only these pass through to the tap. */
static int parse_tap_offloads(const char *list, struct vnetd_config *cfg)
{
	if (parse_bit_list(list, "tap-offloads",
			   "a transmit offload of the tap", tap_tx_bits,
			   ARRAY_SIZE(tap_tx_bits), &cfg->tap_tx))
		return -1;
	cfg->has_tap_tx = true;
	return 0;
}

/* --duplex MODE: the config space's values, as Linux and QEMU read them. */
static int parse_duplex(const char *s, uint8_t *duplex)
{
	if (!strcmp(s, "full"))
		*duplex = VNET_DUPLEX_FULL;
	else if (!strcmp(s, "half"))
		*duplex = VNET_DUPLEX_HALF;
	else if (!strcmp(s, "unknown"))
		*duplex = VNET_DUPLEX_UNKNOWN;
	else
		return -1;
	return 0;
}

enum {
	OPT_SOCKET = 256, OPT_FD, OPT_CLIENT, OPT_TAP, OPT_QUEUES, OPT_MAC,
	OPT_MTU, OPT_OFFLOADS, OPT_NO_OFFLOADS, OPT_PACKED, OPT_BUSY_POLL,
	OPT_PCAP, OPT_STATS, OPT_LOG_LEVEL, OPT_CAPS, OPT_NULL_RX,
	OPT_VXLAN, OPT_GENEVE, OPT_NO_GRO, OPT_NO_DIRECT_RX, OPT_TAP_OFFLOADS,
	OPT_FEATURES,
	OPT_SPEED, OPT_DUPLEX, OPT_TAP_TRANSIENT,
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "socket-path", required_argument, NULL, OPT_SOCKET },
	{ "fd", required_argument, NULL, OPT_FD },
	{ "client", no_argument, NULL, OPT_CLIENT },
	{ "tap", required_argument, NULL, OPT_TAP },
	{ "queues", required_argument, NULL, OPT_QUEUES },
	{ "mac", required_argument, NULL, OPT_MAC },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "offloads", required_argument, NULL, OPT_OFFLOADS },
	{ "no-offloads", no_argument, NULL, OPT_NO_OFFLOADS },
	{ "packed", no_argument, NULL, OPT_PACKED },
	{ "busy-poll", no_argument, NULL, OPT_BUSY_POLL },
	{ "pcap", required_argument, NULL, OPT_PCAP },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "print-capabilities", no_argument, NULL, OPT_CAPS },
	{ "null-rx", required_argument, NULL, OPT_NULL_RX },
	{ "vxlan", required_argument, NULL, OPT_VXLAN },
	{ "geneve", required_argument, NULL, OPT_GENEVE },
	{ "no-gro", no_argument, NULL, OPT_NO_GRO },
	{ "no-direct-rx", no_argument, NULL, OPT_NO_DIRECT_RX },
	{ "tap-offloads", required_argument, NULL, OPT_TAP_OFFLOADS },
	{ "features", required_argument, NULL, OPT_FEATURES },
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "duplex", required_argument, NULL, OPT_DUPLEX },
	{ "tap-transient", no_argument, NULL, OPT_TAP_TRANSIENT },
	{ 0 },
};

/* --vxlan / --geneve SPEC: one overlay port. */
static int parse_overlay(const char *spec, enum vnet_overlay_type type,
			 struct vnetd_config *cfg)
{
	char err[160];

	if (cfg->has_overlay) {
		fprintf(stderr, "vnetd: one overlay port at most\n");
		return -1;
	}
	vnet_overlay_config_init(&cfg->overlay, type);
	if (vnet_overlay_config_parse(&cfg->overlay, spec, err, sizeof(err))) {
		fprintf(stderr, "vnetd: --%s: %s\n",
			type == VNET_OVERLAY_VXLAN ? "vxlan" : "geneve", err);
		return -1;
	}
	cfg->has_overlay = true;
	return 0;
}

/* One option; return 0, or -1 after printing what is wrong. */
static int apply_option(int c, const char *arg, struct vnetd_config *cfg)
{
	unsigned int v;

	switch (c) {
	case OPT_SOCKET: cfg->socket_path = arg; return 0;
	case OPT_CLIENT: cfg->client = true; return 0;
	case OPT_TAP: cfg->tap = arg; return 0;
	case OPT_TAP_TRANSIENT: cfg->tap_transient = true; return 0;
	case OPT_PACKED: cfg->packed = true; return 0;
	case OPT_BUSY_POLL: cfg->busy_poll = true; return 0;
	case OPT_PCAP: cfg->pcap = arg; return 0;
	case OPT_STATS: cfg->stats = arg; return 0;
	case OPT_CAPS: cfg->print_caps = true; return 0;
	case OPT_NO_GRO: cfg->no_gro = true; return 0;
	case OPT_NO_DIRECT_RX: cfg->no_direct_rx = true; return 0;
	case OPT_VXLAN: return parse_overlay(arg, VNET_OVERLAY_VXLAN, cfg);
	case OPT_GENEVE: return parse_overlay(arg, VNET_OVERLAY_GENEVE, cfg);
	case OPT_NO_OFFLOADS:
		set_bits(&cfg->offer, offload_bits, ARRAY_SIZE(offload_bits),
			 false);
		return 0;
	case OPT_OFFLOADS:
		return parse_offer(arg, "offloads", "an offload", offload_bits,
				   ARRAY_SIZE(offload_bits), &cfg->offer);
	case OPT_FEATURES:
		return parse_offer(arg, "features",
				   "an optional device feature", device_bits,
				   ARRAY_SIZE(device_bits), &cfg->offer);
	case OPT_TAP_OFFLOADS: return parse_tap_offloads(arg, cfg);
	case OPT_FD:
		if (parse_uint(arg, 0, 65535, &v))
			break;
		cfg->socket_fd = (int)v;
		return 0;
	case OPT_QUEUES:
		if (parse_uint(arg, 1, VNET_TAP_QUEUES_MAX, &cfg->queues))
			break;
		return 0;
	case OPT_NULL_RX:
		if (parse_uint(arg, 60, 9014, &cfg->null_rx))
			break;
		return 0;
	case OPT_MTU:
		if (parse_uint(arg, 68, 65535, &cfg->mtu))
			break;
		return 0;
	case OPT_SPEED:
		if (parse_uint(arg, 0, 0x7fffffff, &cfg->speed))
			break;
		return 0;
	case OPT_DUPLEX:
		if (parse_duplex(arg, &cfg->duplex))
			break;
		return 0;
	case OPT_MAC:
		if (parse_mac(arg, cfg->mac))
			break;
		return 0;
	case OPT_LOG_LEVEL:
		if (vnetd_log_parse_level(arg, &cfg->log_level))
			break;
		return 0;
	default:
		return -1;
	}
	fprintf(stderr, "vnetd: bad value '%s' for --%s\n", arg,
		long_opts[c - OPT_SOCKET + 1].name);
	return -1;
}

/* An overlay needs its underlay tap; the guest's MTU leaves room for the
 * encapsulation (advertised as the device's MTU unless --mtu is lower). */
static int check_overlay(struct vnetd_config *cfg)
{
	unsigned int room;

	if (!cfg->has_overlay)
		return 0;
	if (!cfg->tap) {
		fprintf(stderr, "vnetd: an overlay port needs --tap (its underlay)\n");
		return -1;
	}
	if (cfg->has_tap_tx) {
		/* the underlay takes what the kernel allows, tunnel GSO first */
		fprintf(stderr, "vnetd: --tap-offloads does not apply to an "
			"overlay's underlay tap\n");
		return -1;
	}
	room = vnet_overlay_guest_mtu(&cfg->overlay);
	if (room < 68) {
		fprintf(stderr, "vnetd: the underlay MTU %u leaves no room for "
			"a guest's frames\n", cfg->overlay.mtu);
		return -1;
	}
	if (!cfg->mtu && room < VNETD_MTU_MIN) {
		fprintf(stderr, "vnetd: the underlay MTU %u leaves the guest %u, "
			"below %u\n", cfg->overlay.mtu, room, VNETD_MTU_MIN);
		return -1;
	}
	if (cfg->mtu > room) {
		fprintf(stderr, "vnetd: --mtu %u does not fit the overlay: at "
			"most %u (underlay MTU %u less the encapsulation)\n",
			cfg->mtu, room, cfg->overlay.mtu);
		return -1;
	}
	if (!cfg->mtu)
		cfg->mtu = room;
	return 0;
}

/* The combination as a whole; return 0, or -1 after printing why. */
static int check_config(struct vnetd_config *cfg)
{
	const struct vnet_feature_rule *rule;
	char why[256];

	if (cfg->print_caps)
		return 0;
	if (!cfg->socket_path == (cfg->socket_fd < 0)) {
		fprintf(stderr, "vnetd: give exactly one of --socket-path and --fd\n");
		return -1;
	}
	if (cfg->client && !cfg->socket_path) {
		fprintf(stderr, "vnetd: --client needs --socket-path\n");
		return -1;
	}
	if (cfg->mtu && cfg->mtu < VNETD_MTU_MIN) {
		fprintf(stderr, "vnetd: --mtu %u is below %u, the least IPv6 "
			"needs (the device SHOULD set mtu to at least 1280)\n",
			cfg->mtu, VNETD_MTU_MIN);
		return -1;
	}
	if (check_overlay(cfg))
		return -1;
	if (cfg->mtu)
		vnet_features_set(&cfg->offer, VNET_F_MTU);
	if (cfg->packed)
		vnet_features_set(&cfg->offer, VNET_F_RING_PACKED);
	if (vnet_features_check(&cfg->offer, VNET_PROFILE_STANDARD, &rule, 1)) {
		vnet_feature_rule_format(rule, VNET_PROFILE_STANDARD, why,
					 sizeof(why));
		fprintf(stderr, "vnetd: the offered features break a rule: %s\n",
			why);
		return -1;
	}
	return 0;
}

int vnetd_options_parse(int argc, char **argv, struct vnetd_config *cfg)
{
	static const uint8_t default_mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	int c;

	memset(cfg, 0, sizeof(*cfg));
	cfg->socket_fd = -1;
	cfg->queues = 1;
	cfg->log_level = VNETD_LOG_INFO;
	cfg->speed = VNET_SPEED_UNKNOWN;
	cfg->duplex = VNET_DUPLEX_UNKNOWN;
	memcpy(cfg->mac, default_mac, 6);
	vnetd_default_offer(&cfg->offer);
	/* vhost-user.rst: with --print-capabilities "other options and
	 * arguments should be ignored" */
	for (c = 1; c < argc; c++) {
		if (!strcmp(argv[c], "--print-capabilities")) {
			cfg->print_caps = true;
			return 0;
		}
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (apply_option(c, optarg, cfg)) {
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vnetd: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return check_config(cfg);
}
