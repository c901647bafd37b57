// SPDX-License-Identifier: MIT
/* fuzz_overlay.c - libFuzzer: the overlay port's receive, transmit and options */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnet/overlay.h"
#include "vnet/tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: one control byte, then 24 bytes of a virtio-net header (the tunnel
 * layout), then a frame.
 *
 * Control bits 0-1 pick the port: VXLAN or Geneve (with an option), over
 * IPv4 or IPv6; bit 2 accepts zero IPv6 checksums; bit 3 the underlay's
 * tunnel GSO; bit 4 splits the frame in two iovecs; bit 5 reads the whole
 * input after the control byte as an option string instead.
 *
 * Every frame goes through vnet_overlay_decap() (the underlay's frames are
 * untrusted), vnet_overlay_neigh_reply(), and, as a guest's frame with the
 * header, vnet_overlay_xmit() (the guest is untrusted too). Properties:
 * nothing is read outside the input (exact-size copies), an inner frame
 * lies inside the frame, and every frame is counted exactly once.
 */

#define HDR_LEN		24
#define FRAME_MAX	(65535 + 256)

static const char *const specs[4] = {
	"vni=4660,local=192.0.2.2,remote=198.51.100.2,remote=198.51.100.3",
	"vni=4660,local=2001:db8:1::2,remote=2001:db8:2::2",
	"vni=4660,local=192.0.2.2,remote=198.51.100.2,opt=0102:03:01020304",
	"vni=4660,local=2001:db8:1::2,remote=2001:db8:2::2,opt=ffff:80",
};

/**
 * sink() - a send function that checks what it is given and drops it
 * @opaque:	unused
 * @h:		header
 * @iov:	frame
 * @iovcnt:	segments
 *
 * Return: 0
 */
static int sink(void *opaque, const struct vnet_hdr *h,
		const struct iovec *iov, unsigned int iovcnt)
{
	volatile uint8_t x = 0;
	unsigned int i;

	(void)opaque;
	(void)h;
	for (i = 0; i < iovcnt; i++)
		if (iov[i].iov_len)	/* touch both ends: ASan checks */
			x ^= ((const uint8_t *)iov[i].iov_base)[0] ^
			     ((const uint8_t *)iov[i].iov_base)[iov[i].iov_len - 1];
	(void)x;
	return 0;
}

/**
 * fuzz_options() - the option string parser on arbitrary text
 * @data:	text (not NUL-terminated)
 * @size:	its length
 */
static void fuzz_options(const uint8_t *data, size_t size)
{
	struct vnet_overlay_config cfg;
	char *s = malloc(size + 1);
	char err[128];

	if (!s)
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	vnet_overlay_config_init(&cfg, size & 1 ? VNET_OVERLAY_GENEVE :
						  VNET_OVERLAY_VXLAN);
	if (!vnet_overlay_config_parse(&cfg, s, err, sizeof(err)) &&
	    !vnet_overlay_guest_mtu(&cfg))
		abort();			/* accepted an unusable MTU */
	free(s);
}

/**
 * fuzz_frame() - one frame through receive, neighbour replies and transmit
 * @o:		the port
 * @h:		the header
 * @f:		the frame, an exact-size allocation
 * @len:	its length
 * @split:	cut it in two iovecs
 */
static void fuzz_frame(struct vnet_overlay *o, const struct vnet_hdr *h,
		       uint8_t *f, size_t len, bool split)
{
	uint8_t reply[VNET_OVERLAY_NEIGH_REPLY_MAX];
	struct iovec iov[2] = { { f, len / 2 }, { f + len / 2, len - len / 2 } };
	struct vnet_overlay_rx rx;
	struct vnet_pkt pkt;
	uint64_t before;
	int rc;

	if (!split) {
		iov[0].iov_len = len;
		iov[1].iov_len = 0;
	}
	if (vnet_pkt_init(&pkt, iov, 2))
		return;
	before = o->stats.rx_other + o->stats.rx_inner + o->stats.drops;
	rc = vnet_overlay_decap(o, h, &pkt, 1, &rx);
	if (o->stats.rx_other + o->stats.rx_inner + o->stats.drops != before + 1)
		abort();			/* counted exactly once */
	if (rc == 1 && (rx.frame.pkt.len > len || rx.frame.pkt.len < 14))
		abort();
	if (rc == 0)
		vnet_overlay_neigh_reply(o, &pkt, reply, sizeof(reply));
	vnet_overlay_xmit(o, h, &pkt, 2, sink, NULL);
}

/**
 * port_for() - the port a control byte picks, made once
 * @c:		control byte (bits 0-3)
 *
 * Return: the port, or NULL
 */
static struct vnet_overlay *port_for(uint8_t c)
{
	static struct vnet_overlay ports[16];
	static bool ready[16];
	struct vnet_features guest = { { ~0ULL, ~0ULL } };
	struct vnet_overlay_config cfg;
	unsigned int i = c & 15;

	if (ready[i])
		return &ports[i];
	vnet_overlay_config_init(&cfg, c & 2 ? VNET_OVERLAY_GENEVE :
					       VNET_OVERLAY_VXLAN);
	if (vnet_overlay_config_parse(&cfg, specs[c & 3], NULL, 0))
		abort();
	cfg.zero_csum6_rx = c & 4;
	cfg.fdb_max = 4;
	if (vnet_overlay_init(&ports[i], &cfg, &guest, c & 8 ?
			      VNET_TUN_F_UDP_TUNNEL_GSO |
			      VNET_TUN_F_UDP_TUNNEL_GSO_CSUM : 0))
		return NULL;
	ready[i] = true;
	return &ports[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnet_features tf = { { 0, 0 } };
	struct vnet_hdr_layout l;
	struct vnet_overlay *o;
	struct vnet_hdr h;
	uint8_t c, *f;
	size_t len;

	if (size < 1)
		return 0;
	c = data[0];
	if (c & 0x20) {
		fuzz_options(data + 1, size - 1);
		return 0;
	}
	if (size < 1 + HDR_LEN || size - 1 - HDR_LEN > FRAME_MAX)
		return 0;
	vnet_features_set(&tf, VNET_F_VERSION_1);
	vnet_features_set(&tf, VNET_F_HOST_UDP_TUNNEL_GSO);
	vnet_hdr_layout_init(&l, &tf, VNET_PROFILE_STANDARD,
			     VNET_ENDIAN_LITTLE);
	if (l.size != HDR_LEN || vnet_hdr_decode(&l, data + 1, HDR_LEN, &h) < 0)
		abort();
	o = port_for(c);
	len = size - 1 - HDR_LEN;
	f = malloc(len ? len : 1);
	if (!o || !f) {
		free(f);
		return 0;
	}
	memcpy(f, data + 1 + HDR_LEN, len);
	fuzz_frame(o, &h, f, len, c & 0x10);
	free(f);
	return 0;
}
