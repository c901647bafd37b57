// SPDX-License-Identifier: MIT
/* test_gso_kernel.c - the kernel as oracle: its GSO output == the engine's */

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "vnet/gso.h"
#include "vnet/hdr.h"
#include "../unit/tx_frames.h"

/* Debian 12's headers predate these (Linux 6.2 and 6.17). */
#ifndef TUN_F_USO4
#define TUN_F_USO4			0x20
#define TUN_F_USO6			0x40
#endif
#ifndef TUN_F_UDP_TUNNEL_GSO
#define TUN_F_UDP_TUNNEL_GSO		0x080
#define TUN_F_UDP_TUNNEL_GSO_CSUM	0x100
#endif

#define SKIP		77
#define FRAME_MAX	(70 * 1024)
#define SEG_MAX		256
#define OUT_BUF		(512 * 1024)
#define READ_MS		1000
#define CASES		40

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0xa };

/**
 * struct combo - one combination the issue lists
 * @name:	printed name
 * @type:	base gso_type
 * @s:		frame spec (payload and mss randomised per case)
 * @tflags:	extra header flags (UDP_TUNNEL_CSUM)
 */
struct combo {
	const char *name;
	uint8_t type;
	struct tf_spec s;
	uint8_t tflags;
};

static int tap_open(const char *name, short flags, unsigned int offload,
		    int hdr_sz)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = flags;
	if (ioctl(fd, TUNSETIFF, &ifr) ||
	    (hdr_sz && ioctl(fd, TUNSETVNETHDRSZ, &hdr_sz)) ||
	    ioctl(fd, TUNSETOFFLOAD, offload)) {
		perror(name);
		close(fd);
		return -1;
	}
	return fd;
}

/* Drain whatever B has queued (neighbour chatter, earlier leftovers). */
static void drain(int fd)
{
	uint8_t buf[2048];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/**
 * read_flow() - read frames of our flow from B until @want or a timeout
 * @fd:		tap B
 * @bufs:	output frames
 * @lens:	their lengths
 * @want:	how many to wait for
 *
 * Return: frames read
 */
static int read_flow(int fd, uint8_t (*bufs)[FRAME_MAX], size_t *lens,
		     int want)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int got = 0;
	ssize_t n;

	while (got < want && got < SEG_MAX) {
		if (poll(&p, 1, READ_MS) <= 0)
			break;
		n = read(fd, bufs[got], FRAME_MAX);
		if (n < 14 || memcmp(bufs[got] + 6, our_mac, 6))
			continue;			/* not our flow */
		lens[got++] = (size_t)n;
	}
	return got;
}

/* The outer UDP checksum field as a Linux sender leaves it (LCO). */
static void outer_pseudo(uint8_t *f, const struct tf_spec *s,
			 const struct tf_layout *lay)
{
	uint16_t ulen = tf_get16(f + lay->ol4 + 4);

	tf_put16(f + lay->ol4 + 6, tf_fold(tf_pseudo(f + lay->ol3,
						     s->outer_v6, 17, ulen)));
}

/* Mask what may differ: the IPv6 fragment identification. */
static void mask(uint8_t *g, size_t len, const struct tf_layout *lay,
		 const struct combo *c)
{
	/* Destination options (and nothing else here) stay before it. */
	size_t id = lay->l3 + 40 + (size_t)c->s.v6_ext + 4;

	if (c->type == VNET_HDR_GSO_UDP && c->s.v6 && id + 4 <= len)
		memset(g + id, 0, 4);
}

/**
 * outer_one() - the one place the engine departs from the kernel, checked
 * @eng:	the engine's only segment, its outer checksum masked on return
 * @kern:	the kernel's, likewise
 * @len:	their length
 * @frame:	the frame as written, the outer field the pseudo-header sum
 * @s:		spec
 * @lay:	layout
 *
 * A tunnel GSO frame with UDP_TUNNEL_CSUM that fits in one MSS: Linux does
 * not segment it (tcp_gso_segment() and __udp_gso_segment() return for
 * len <= mss) and completes only the checksum at csum_start, so the outer
 * UDP checksum leaves as the guest wrote it, the pseudo-header sum, which
 * no receiver accepts. The engine completes it, as for every segment of a
 * longer frame. Checked: the kernel's field is the frame's, the engine's
 * verifies; then both are masked for the byte comparison.
 *
 * Return: 0, or 1 if either check fails
 */
static int outer_one(uint8_t *eng, uint8_t *kern, size_t len,
		     const uint8_t *frame, const struct tf_spec *s,
		     const struct tf_layout *lay)
{
	size_t f = lay->ol4 + 6;

	if (len < lay->ol4 + 8)
		return 1;
	if (tf_get16(kern + f) != tf_get16(frame + f)) {
		fprintf(stderr, "kernel's outer UDP checksum changed\n");
		return 1;
	}
	if (!tf_l4_ok(eng + lay->ol3, s->outer_v6, 17, eng + lay->ol4,
		      len - lay->ol4)) {
		fprintf(stderr, "engine's outer UDP checksum does not verify\n");
		return 1;
	}
	memset(eng + f, 0, 2);
	memset(kern + f, 0, 2);
	return 0;
}

static void dump(const char *what, const uint8_t *a, const uint8_t *b,
		 size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i]) {
			fprintf(stderr, "  %s: first difference at byte %zu: "
				"kernel %02x engine %02x\n", what, i, a[i], b[i]);
			return;
		}
}

/**
 * one_case() - write one GSO frame to A, compare B's output with the engine
 * @fa:		tap A
 * @fb:		tap B
 * @c:		combination
 * @payload:	payload bytes
 * @mss:	gso_size
 * @zero:	tune the payload so that the last segment's checksum is zero
 *		(TCP keeps 0x0000, UDP sends 0xffff)
 * @kern:	scratch for the kernel's segments
 *
 * Return: 0 if equal, 1 if not
 */
static int one_case(int fa, int fb, const struct combo *c, size_t payload,
		    uint16_t mss, bool zero, uint8_t (*kern)[FRAME_MAX])
{
	static uint8_t frame[FRAME_MAX], hbuf[VNET_HDR_LEN_MAX], obuf[OUT_BUF];
	static struct iovec oiov[4096];
	static struct vnet_gso_seg segs[SEG_MAX];
	static size_t klen[SEG_MAX];
	struct vnet_gso_out out = { .buf = obuf, .buf_len = OUT_BUF,
		.iov = oiov, .iov_max = 4096, .segs = segs, .seg_max = SEG_MAX };
	struct tf_spec s = c->s;
	struct vnet_features f = { { 0, 0 } };
	struct vnet_hdr_layout hl;
	struct vnet_gso_ctx ctx;
	struct tf_layout lay;
	struct vnet_hdr h;
	struct vnet_pkt pkt;
	struct iovec fiov, wiov[2];
	uint8_t eng[FRAME_MAX];
	int n, k, got, hsz;

	s.payload = payload;
	tf_build(&s, frame, c->type, mss, &h, &lay);
	h.flags |= c->tflags;
	if (c->tflags & VNET_HDR_F_UDP_TUNNEL_CSUM)
		outer_pseudo(frame, &s, &lay);
	f.w[0] = ~0ULL;
	f.w[1] = ~0ULL;
	vnet_features_clear(&f, VNET_F_GUEST_HDRLEN);
	/* Both output modes face the kernel, alternately. */
	vnet_gso_ctx_init(&ctx, &f, payload & 1 ? VNET_GSO_COPY :
			  VNET_GSO_ZEROCOPY, 1);
	fiov.iov_base = frame;
	fiov.iov_len = lay.len;
	vnet_pkt_init(&pkt, &fiov, 1);
	n = vnet_gso_segment(&ctx, &h, &pkt, &out);
	if (n >= 1 && zero && c->type != VNET_HDR_GSO_UDP) {
		/* Make the last segment's L4 checksum come out as zero. */
		const struct vnet_gso_seg *g = &segs[n - 1];
		size_t w = lay.pay + (size_t)(n - 1) * mss;
		uint16_t cs = tf_get16((const uint8_t *)g->iov[0].iov_base +
				       lay.l4 + (s.udp ? 6 : 16));

		tf_put16(frame + w, tf_fold((uint32_t)tf_get16(frame + w) + cs));
		n = vnet_gso_segment(&ctx, &h, &pkt, &out);
	}
	if (n < 0) {
		fprintf(stderr, "%s: engine refused: %d %s\n", c->name, n,
			vnet_tx_reason_name(out.reason));
		return 1;
	}
	memset(&f, 0, sizeof(f));
	vnet_features_set(&f, VNET_F_VERSION_1);
	vnet_features_set(&f, VNET_F_HOST_UDP_TUNNEL_GSO);
	vnet_hdr_layout_init(&hl, &f, VNET_PROFILE_STANDARD, VNET_ENDIAN_LITTLE);
	hsz = vnet_hdr_encode(&hl, &h, hbuf, sizeof(hbuf));
	drain(fb);
	wiov[0].iov_base = hbuf;
	wiov[0].iov_len = (size_t)hsz;
	wiov[1] = fiov;
	if (writev(fa, wiov, 2) < 0) {
		fprintf(stderr, "%s: write to A: %s\n", c->name,
			strerror(errno));
		return 1;
	}
	got = read_flow(fb, kern, klen, n);
	if (got != n) {
		fprintf(stderr, "%s payload %zu mss %u: kernel %d segments, "
			"engine %d\n", c->name, payload, mss, got, n);
		return 1;
	}
	for (k = 0; k < n; k++) {
		size_t off = 0;
		unsigned int j;

		for (j = 0; j < segs[k].iovcnt; j++) {
			memcpy(eng + off, segs[k].iov[j].iov_base,
			       segs[k].iov[j].iov_len);
			off += segs[k].iov[j].iov_len;
		}
		mask(eng, off, &lay, c);
		mask(kern[k], klen[k], &lay, c);
		if (n == 1 && (c->tflags & VNET_HDR_F_UDP_TUNNEL_CSUM) &&
		    off == klen[k] &&
		    outer_one(eng, kern[k], off, frame, &s, &lay))
			return 1;
		if (off != klen[k] || memcmp(eng, kern[k], off)) {
			fprintf(stderr, "%s payload %zu mss %u: segment %d "
				"differs (kernel %zu bytes, engine %zu)\n",
				c->name, payload, mss, k, klen[k], off);
			dump("bytes", kern[k], eng,
			     off < klen[k] ? off : klen[k]);
			return 1;
		}
	}
	return 0;
}

#define TCP4	.tcp_flags = 0x18
#define TNL(o6, gen)	.tunnel = true, .outer_v6 = o6, .geneve = gen

static const struct combo combos[] = {
	{ "tso4", VNET_HDR_GSO_TCPV4, { TCP4, .ip_id = 0x100 }, 0 },
	{ "tso4-vlan-opts", VNET_HDR_GSO_TCPV4, { TCP4, .vlan = 1, .ip_opt = 8,
	  .tcp_opt = 12, .ip_id = 0xfffd }, 0 },
	{ "tso4-ecn", VNET_HDR_GSO_TCPV4 | VNET_HDR_GSO_ECN,
	  { .tcp_flags = 0x80 | 0x18 | 0x01 }, 0 },
	{ "tso6", VNET_HDR_GSO_TCPV6, { TCP4, .v6 = true }, 0 },
	{ "tso6-vlan-ext", VNET_HDR_GSO_TCPV6, { TCP4, .v6 = true, .vlan = 1,
	  .v6_ext = 16 }, 0 },
	{ "uso4", VNET_HDR_GSO_UDP_L4, { .udp = true, .ip_id = 77 }, 0 },
	{ "uso6", VNET_HDR_GSO_UDP_L4, { .udp = true, .v6 = true }, 0 },
	{ "ufo4", VNET_HDR_GSO_UDP, { .udp = true, .ip_id = 0x5151 }, 0 },
	{ "ufo6", VNET_HDR_GSO_UDP, { .udp = true, .v6 = true }, 0 },
	{ "ufo4-vlan-opts", VNET_HDR_GSO_UDP, { .udp = true, .vlan = 1,
	  .ip_opt = 4 }, 0 },
	/*
	 * Not "ufo6-ext": with an unfragmentable extension header before the
	 * fragment header, Linux's ipv6_gso_segment() advances the fragment
	 * offset by the IPv6 payload length less 8, which counts that header
	 * too: every later offset is too large by its length (seen on 6.18).
	 * The engine writes RFC 8200 offsets (tests/unit/test_gso.c).
	 */
	{ "ufo6-vlan", VNET_HDR_GSO_UDP, { .udp = true, .v6 = true,
	  .vlan = 1 }, 0 },
	{ "uso6-ext", VNET_HDR_GSO_UDP_L4, { .udp = true, .v6 = true,
	  .v6_ext = 24 }, 0 },
	{ "vxlan4-tcp4", VNET_HDR_GSO_TCPV4, { TCP4, TNL(false, false) }, 0 },
	{ "vxlan4-tcp4-csum", VNET_HDR_GSO_TCPV4, { TCP4, TNL(false, false) },
	  VNET_HDR_F_UDP_TUNNEL_CSUM },
	{ "vxlan4-udp6", VNET_HDR_GSO_UDP_L4, { .udp = true, .v6 = true,
	  TNL(false, false) }, 0 },
	{ "vxlan4-udp4-csum", VNET_HDR_GSO_UDP_L4, { .udp = true,
	  TNL(false, false) }, VNET_HDR_F_UDP_TUNNEL_CSUM },
	{ "vxlan6-tcp6", VNET_HDR_GSO_TCPV6, { TCP4, .v6 = true,
	  TNL(true, false) }, 0 },
	{ "vxlan6-tcp4-csum", VNET_HDR_GSO_TCPV4, { TCP4, TNL(true, false) },
	  VNET_HDR_F_UDP_TUNNEL_CSUM },
	{ "vxlan6-udp4", VNET_HDR_GSO_UDP_L4, { .udp = true,
	  TNL(true, false) }, 0 },
	{ "vxlan6-udp6-csum", VNET_HDR_GSO_UDP_L4, { .udp = true, .v6 = true,
	  TNL(true, false) }, VNET_HDR_F_UDP_TUNNEL_CSUM },
	{ "geneve4-tcp4", VNET_HDR_GSO_TCPV4, { TCP4, TNL(false, true) }, 0 },
	{ "geneve4-tcp6-csum", VNET_HDR_GSO_TCPV6, { TCP4, .v6 = true,
	  TNL(false, true) }, VNET_HDR_F_UDP_TUNNEL_CSUM },
	{ "geneve4-udp4", VNET_HDR_GSO_UDP_L4, { .udp = true,
	  TNL(false, true) }, 0 },
	{ "geneve4-udp6-csum", VNET_HDR_GSO_UDP_L4, { .udp = true, .v6 = true,
	  TNL(false, true) }, VNET_HDR_F_UDP_TUNNEL_CSUM },
	{ "geneve6-tcp4", VNET_HDR_GSO_TCPV4, { TCP4, TNL(true, true) }, 0 },
	{ "geneve6-tcp6-csum", VNET_HDR_GSO_TCPV6, { TCP4, .v6 = true,
	  TNL(true, true) }, VNET_HDR_F_UDP_TUNNEL_CSUM },
	{ "geneve6-udp6", VNET_HDR_GSO_UDP_L4, { .udp = true, .v6 = true,
	  TNL(true, true) }, 0 },
	{ "geneve6-udp4-csum", VNET_HDR_GSO_UDP_L4, { .udp = true,
	  TNL(true, true) }, VNET_HDR_F_UDP_TUNNEL_CSUM },
};

int main(int argc, char **argv)
{
	static uint8_t kern[SEG_MAX][FRAME_MAX];
	unsigned int off = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
			   TUN_F_TSO_ECN | TUN_F_USO4 | TUN_F_USO6 |
			   TUN_F_UDP_TUNNEL_GSO | TUN_F_UDP_TUNNEL_GSO_CSUM;
	uint32_t seed = 0x5eed;
	size_t i, payload;
	int fa, fb, k, bad = 0, runs = 0;
	uint16_t mss;

	if (argc != 3) {
		fprintf(stderr, "usage: %s TAP_A TAP_B\n", argv[0]);
		return 2;
	}
	fa = tap_open(argv[1], IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, off, 24);
	fb = tap_open(argv[2], IFF_TAP | IFF_NO_PI, 0, 0);
	if (fa < 0 || fb < 0) {
		printf("SKIP: cannot set up the taps with tunnel offloads\n");
		return SKIP;
	}
	if (getenv("VNET_GSO_READY") && system(getenv("VNET_GSO_READY"))) {
		printf("SKIP: cannot bridge the taps\n");
		return SKIP;
	}
	for (i = 0; i < sizeof(combos) / sizeof(combos[0]); i++) {
		int cbad = 0;

		for (k = 0; k < CASES; k++) {
			seed = seed * 1103515245u + 12345u;
			mss = (uint16_t)(536 + (seed >> 8) % 900);
			if (combos[i].type == VNET_HDR_GSO_UDP)
				mss &= (uint16_t)~7u;
			payload = mss + 1 + (seed >> 4) % (k < 10 ? 8000 : 40000);
			if (k == 0)	/* fits one segment: sent as it is */
				payload = mss - (seed >> 4) % 200;
			if (combos[i].type == VNET_HDR_GSO_UDP_L4 &&
			    payload > 120 * (size_t)mss)
				payload = 120 * (size_t)mss;
			cbad += one_case(fa, fb, &combos[i], payload, mss, k <= 1,
					 kern);
			runs++;
		}
		printf("%-20s %s\n", combos[i].name, cbad ? "DIFFERS" : "ok");
		bad += cbad;
	}
	printf("%d cases, %d differ\n", runs, bad);
	return bad ? 1 : 0;
}
