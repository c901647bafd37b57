// SPDX-License-Identifier: MIT
/* overlay_bridge.c - the overlay port between a guest-side tap and an underlay tap */

/*
 * Plays the device without the daemon. Tap G (in --guest-ns) stands for
 * the guest: what its namespace's kernel sends arrives here as a guest's
 * transmit would (TSO super-frames with a 12-byte virtio-net header), and
 * what we write to it is what the guest receives. Tap U (in
 * --underlay-ns) is the overlay port's underlay, with a 24-byte header
 * and, unless --no-tunnel-gso, TUN_F_UDP_TUNNEL_GSO(_CSUM).
 *
 *	overlay_bridge --guest-ns NG --guest-tap G --underlay-ns NU
 *		--underlay-tap U (--vxlan|--geneve) SPEC [--no-tunnel-gso]
 *		[--no-gro] [--stats FILE]
 *
 * Runs until SIGTERM or SIGINT; writes its counters (key value lines) to
 * FILE (or stdout) on exit and on SIGUSR1.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vnet/gro.h"
#include "vnet/overlay.h"
#include "vnet/rx.h"
#include "vnet/tap.h"

#define BUF_LEN		(65536 + 256)
#define BURST		64

static volatile sig_atomic_t stop, dump;

struct bridge {
	struct vnet_tap g, u;
	struct vnet_hdr_layout gl, ul;
	struct vnet_overlay o;
	struct vnet_rx_ctx rx;
	struct vnet_gro_ctx gro;
	bool use_gro;
	const char *stats_path;
	uint64_t guest_tx, guest_tx_gso, guest_rx, guest_rx_gso, u_write_err;
	uint64_t neigh_replies;
	uint8_t buf[BUF_LEN];
};

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump = 1;
	else
		stop = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Open a tap inside namespace @ns (a name under /var/run/netns). */
static int tap_in_ns(struct vnet_tap *t, const char *ns, const char *name)
{
	char path[256];
	int self, fd, err;

	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || fd < 0 || setns(fd, CLONE_NEWNET)) {
		perror(path);
		return -1;
	}
	err = vnet_tap_open(t, name, 1);
	if (setns(self, CLONE_NEWNET))
		err = -errno;
	close(fd);
	close(self);
	return err;
}

/* The tap's own MAC in its namespace: the underlay's next hop. */
static int tap_mac_in_ns(const char *ns, const char *name, uint8_t *mac)
{
	char path[256];
	struct ifreq ifr;
	int self, fd, s, err = 0;

	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || fd < 0 || setns(fd, CLONE_NEWNET))
		return -1;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (s < 0 || ioctl(s, SIOCGIFHWADDR, &ifr))
		err = -1;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	if (s >= 0)
		close(s);
	if (setns(self, CLONE_NEWNET))
		err = -1;
	close(fd);
	close(self);
	return err;
}

static void write_stats(const struct bridge *b)
{
	const struct vnet_overlay_stats *s = &b->o.stats;
	FILE *f = b->stats_path ? fopen(b->stats_path, "w") : stdout;
	unsigned int i;

	if (!f)
		return;
	fprintf(f, "underlay_offloads 0x%x\nneigh_replies %llu\n",
		b->u.offloads, (unsigned long long)b->neigh_replies);
	fprintf(f, "guest_tx %llu\nguest_tx_gso %llu\nguest_rx %llu\n"
		"guest_rx_gso %llu\nu_write_err %llu\n",
		(unsigned long long)b->guest_tx,
		(unsigned long long)b->guest_tx_gso,
		(unsigned long long)b->guest_rx,
		(unsigned long long)b->guest_rx_gso,
		(unsigned long long)b->u_write_err);
#define P(x) fprintf(f, #x " %llu\n", (unsigned long long)s->x)
	P(tx_frames); P(tx_flooded); P(tx_writes); P(tx_super);
	P(tx_csum_offload); P(tx_segmented); P(tx_segments); P(tx_inner_gso);
	P(rx_frames); P(rx_inner); P(rx_super); P(rx_csum_ok); P(rx_other);
	P(learned); P(drops);
#undef P
	for (i = 1; i < VNET_OVERLAY_D_MAX; i++)
		fprintf(f, "drop_%s %llu\n", vnet_overlay_drop_name(i),
			(unsigned long long)s->drop[i]);
	fprintf(f, "gro_merged %llu\n",
		(unsigned long long)b->gro.stats[VNET_GRO_S_MERGED]);
	if (f != stdout)
		fclose(f);
	else
		fflush(f);
}

/* The guest receives: a frame with its header, written to G. */
static int guest_emit(void *opaque, const struct vnet_hdr *h,
		      const struct vnet_pkt *pkt)
{
	struct bridge *b = opaque;
	struct iovec iov[VNET_OVERLAY_RX_IOV_MAX + 1];
	uint8_t hb[VNET_HDR_LEN_MAX];
	ssize_t n;

	if (pkt->iovcnt > VNET_OVERLAY_RX_IOV_MAX ||
	    vnet_hdr_encode(&b->gl, h, hb, sizeof(hb)) < 0)
		return 0;
	iov[0].iov_base = hb;
	iov[0].iov_len = b->gl.size;
	memcpy(iov + 1, pkt->iov, pkt->iovcnt * sizeof(*iov));
	n = vnet_tap_write(&b->g, 0, iov, (int)pkt->iovcnt + 1);
	if (n > 0) {
		b->guest_rx++;
		b->guest_rx_gso += h->gso_type != VNET_HDR_GSO_NONE;
	}
	return 0;
}

static int gro_emit(void *opaque, const struct vnet_rx_frame *f)
{
	struct bridge *b = opaque;

	vnet_rx_deliver(&b->rx, f, guest_emit, b);
	return 0;
}

/* The underlay takes a frame: written to U with a 24-byte header. */
static int underlay_send(void *opaque, const struct vnet_hdr *h,
			 const struct iovec *iov, unsigned int iovcnt)
{
	struct bridge *b = opaque;
	struct iovec v[VNET_OVERLAY_RX_IOV_MAX + 2];
	uint8_t hb[VNET_HDR_LEN_MAX];
	ssize_t n;

	if (iovcnt > VNET_OVERLAY_RX_IOV_MAX + 1 ||
	    vnet_hdr_encode(&b->ul, h, hb, sizeof(hb)) < 0)
		return -EINVAL;
	v[0].iov_base = hb;
	v[0].iov_len = b->ul.size;
	memcpy(v + 1, iov, iovcnt * sizeof(*iov));
	n = vnet_tap_write(&b->u, 0, v, (int)iovcnt + 1);
	if (n < 0) {
		b->u_write_err++;
		return (int)n;
	}
	return 0;
}

/* One frame from the guest's tap into the overlay. */
static int from_guest(struct bridge *b)
{
	struct iovec iov = { b->buf, sizeof(b->buf) };
	struct vnet_hdr h;
	struct vnet_pkt pkt;
	struct iovec fiov;
	ssize_t n = vnet_tap_read(&b->g, 0, &iov, 1);

	if (n < 0)
		return (int)n;
	if (n < b->gl.size || vnet_hdr_decode(&b->gl, b->buf, (size_t)n, &h) < 0)
		return 0;
	fiov.iov_base = b->buf + b->gl.size;
	fiov.iov_len = (size_t)n - b->gl.size;
	vnet_pkt_init(&pkt, &fiov, 1);
	b->guest_tx++;
	b->guest_tx_gso += h.gso_type != VNET_HDR_GSO_NONE;
	vnet_overlay_xmit(&b->o, &h, &pkt, now_ns(), underlay_send, b);
	return 1;
}

/* ARP and neighbour solicitations for the local address get a reply. */
static void answer_neigh(struct bridge *b, const struct vnet_pkt *pkt)
{
	uint8_t reply[VNET_OVERLAY_NEIGH_REPLY_MAX];
	struct vnet_hdr none = { .num_buffers = 1 };
	struct iovec iov;
	int n = vnet_overlay_neigh_reply(&b->o, pkt, reply, sizeof(reply));

	if (n <= 0)
		return;
	iov.iov_base = reply;
	iov.iov_len = (size_t)n;
	if (!underlay_send(b, &none, &iov, 1))
		b->neigh_replies++;
}

/* One frame from the underlay: its inner frame to the guest. */
static int from_underlay(struct bridge *b)
{
	struct iovec iov = { b->buf, sizeof(b->buf) };
	struct vnet_overlay_rx rx;
	struct vnet_hdr h;
	struct vnet_pkt pkt;
	struct iovec fiov;
	ssize_t n = vnet_tap_read(&b->u, 0, &iov, 1);

	if (n < 0)
		return (int)n;
	if (n < b->ul.size || vnet_hdr_decode(&b->ul, b->buf, (size_t)n, &h) < 0)
		return 0;
	fiov.iov_base = b->buf + b->ul.size;
	fiov.iov_len = (size_t)n - b->ul.size;
	vnet_pkt_init(&pkt, &fiov, 1);
	switch (vnet_overlay_decap(&b->o, &h, &pkt, now_ns(), &rx)) {
	case 1:
		break;
	case 0:
		answer_neigh(b, &pkt);
		return 1;
	default:
		return 1;
	}
	if (b->use_gro && rx.frame.hdr.gso_type == VNET_HDR_GSO_NONE &&
	    !(rx.frame.hdr.flags & VNET_HDR_F_NEEDS_CSUM)) {
		vnet_gro_receive(&b->gro, &rx.frame.pkt, now_ns(), gro_emit, b);
		return 1;
	}
	if (b->use_gro)
		vnet_gro_flush(&b->gro, now_ns(), VNET_GRO_FLUSH_ALL, gro_emit, b);
	vnet_rx_deliver(&b->rx, &rx.frame, guest_emit, b);
	return 1;
}

static void loop(struct bridge *b)
{
	struct pollfd p[2] = {
		{ .fd = b->g.fds[0], .events = POLLIN },
		{ .fd = b->u.fds[0], .events = POLLIN },
	};
	int i;

	while (!stop) {
		if (dump) {
			dump = 0;
			write_stats(b);
		}
		if (poll(p, 2, 100) <= 0)
			continue;
		for (i = 0; i < BURST && p[0].revents && from_guest(b) > 0; i++)
			;
		for (i = 0; i < BURST && p[1].revents && from_underlay(b) > 0;
		     i++)
			;
		if (b->use_gro)
			vnet_gro_flush(&b->gro, now_ns(), VNET_GRO_FLUSH_ALL,
				       gro_emit, b);
	}
}

static void features_of(struct vnet_features *f, const unsigned int *bits,
			size_t n)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < n; i++)
		vnet_features_set(f, bits[i]);
}

static int setup(struct bridge *b, const char *gns, const char *gname,
		 const char *uns, const char *uname, bool tnl_gso,
		 const struct vnet_overlay_config *cfg)
{
	static const unsigned int gbits[] = {
		VNET_F_VERSION_1, VNET_F_CSUM, VNET_F_GUEST_CSUM,
		VNET_F_HOST_TSO4, VNET_F_HOST_TSO6, VNET_F_HOST_ECN,
		VNET_F_HOST_USO, VNET_F_GUEST_TSO4, VNET_F_GUEST_TSO6,
		VNET_F_GUEST_ECN, VNET_F_GUEST_USO4, VNET_F_GUEST_USO6,
	};
	static const unsigned int ubits[] = {
		VNET_F_VERSION_1, VNET_F_HOST_UDP_TUNNEL_GSO,
		VNET_F_GUEST_UDP_TUNNEL_GSO,
	};
	unsigned int uoff = VNET_TUN_F_CSUM | VNET_TUN_F_TSO4 |
			    VNET_TUN_F_TSO6 | VNET_TUN_F_TSO_ECN |
			    VNET_TUN_F_USO4 | VNET_TUN_F_USO6;
	struct vnet_features gf, uf;
	struct vnet_gro_params gp;

	features_of(&gf, gbits, sizeof(gbits) / sizeof(gbits[0]));
	features_of(&uf, ubits, sizeof(ubits) / sizeof(ubits[0]));
	vnet_hdr_layout_init(&b->gl, &gf, VNET_PROFILE_STANDARD,
			     VNET_ENDIAN_LITTLE);
	vnet_hdr_layout_init(&b->ul, &uf, VNET_PROFILE_STANDARD,
			     VNET_ENDIAN_LITTLE);
	if (tnl_gso)
		uoff |= VNET_TUN_F_UDP_TUNNEL_GSO |
			VNET_TUN_F_UDP_TUNNEL_GSO_CSUM;
	if (tap_in_ns(&b->g, gns, gname) || tap_in_ns(&b->u, uns, uname) ||
	    vnet_tap_set_hdr_len(&b->g, b->gl.size) ||
	    vnet_tap_set_hdr_len(&b->u, b->ul.size) ||
	    vnet_tap_set_offloads(&b->g, vnet_tap_offloads_for(&gf)) ||
	    vnet_tap_set_offloads(&b->u, uoff)) {
		fprintf(stderr, "cannot set up the taps\n");
		return -1;
	}
	if (vnet_overlay_init(&b->o, cfg, &gf, b->u.offloads) ||
	    vnet_rx_ctx_init(&b->rx, &gf, 0))
		return -1;
	vnet_gro_params_default(&gp, vnet_gro_flags_for(&gf, &gf));
	return vnet_gro_init(&b->gro, &gp) ? -1 : 0;
}

struct args {
	const char *gns, *gname, *uns, *uname, *spec;
	enum vnet_overlay_type type;
	bool tnl_gso;
};

static int parse_args(int argc, char **argv, struct args *a, struct bridge *b)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "--no-tunnel-gso")) {
			a->tnl_gso = false;
			continue;
		}
		if (!strcmp(o, "--no-gro")) {
			b->use_gro = false;
			continue;
		}
		if (!v)
			return -1;
		i++;
		if (!strcmp(o, "--guest-ns"))
			a->gns = v;
		else if (!strcmp(o, "--guest-tap"))
			a->gname = v;
		else if (!strcmp(o, "--underlay-ns"))
			a->uns = v;
		else if (!strcmp(o, "--underlay-tap"))
			a->uname = v;
		else if (!strcmp(o, "--stats"))
			b->stats_path = v;
		else if (!strcmp(o, "--vxlan") || !strcmp(o, "--geneve")) {
			a->spec = v;
			a->type = o[2] == 'g' ? VNET_OVERLAY_GENEVE :
						VNET_OVERLAY_VXLAN;
		} else
			return -1;
	}
	return a->gns && a->gname && a->uns && a->uname && a->spec ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct args a = { .type = VNET_OVERLAY_VXLAN, .tnl_gso = true };
	struct vnet_overlay_config cfg;
	struct bridge *b = calloc(1, sizeof(*b));
	char err[160];

	if (!b)
		return 1;
	b->use_gro = true;
	if (parse_args(argc, argv, &a, b)) {
		fprintf(stderr, "usage: overlay_bridge --guest-ns NS --guest-tap "
			"NAME --underlay-ns NS --underlay-tap NAME "
			"(--vxlan|--geneve) SPEC [--no-tunnel-gso] [--no-gro] "
			"[--stats FILE]\n");
		return 2;
	}
	vnet_overlay_config_init(&cfg, a.type);
	if (vnet_overlay_config_parse(&cfg, a.spec, err, sizeof(err))) {
		fprintf(stderr, "overlay: %s\n", err);
		return 2;
	}
	if (setup(b, a.gns, a.gname, a.uns, a.uname, a.tnl_gso, &cfg))
		return 1;
	if (!cfg.has_gw_mac && tap_mac_in_ns(a.uns, a.uname, b->o.cfg.gw_mac)) {
		fprintf(stderr, "cannot read the underlay tap's MAC\n");
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGUSR1, on_signal);
	printf("ready guest_mtu %u underlay_offloads 0x%x\n",
	       vnet_overlay_guest_mtu(&cfg), b->u.offloads);
	fflush(stdout);
	loop(b);
	write_stats(b);
	vnet_gro_fini(&b->gro);
	vnet_rx_ctx_fini(&b->rx);
	vnet_overlay_fini(&b->o);
	vnet_tap_close(&b->g);
	vnet_tap_close(&b->u);
	free(b);
	return 0;
}
