// SPDX-License-Identifier: MIT
/* overlay.c - the overlay port: setup, forwarding, transmit to the underlay */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vnet/overlay.h"
#include "vnet/tap.h"
#include "vnet/tx.h"

#define TX_IOV_MAX	64	/* segments of one guest frame */
#define HDR_ROOM	(VNET_TX_HDR_MAX + 8)

static const char *const drop_names[VNET_OVERLAY_D_MAX] = {
	[VNET_OVERLAY_D_NONE] = "none",
	[VNET_OVERLAY_D_TX_INVALID] = "tx-invalid",
	[VNET_OVERLAY_D_TX_SHORT] = "tx-short",
	[VNET_OVERLAY_D_TX_TOO_BIG] = "tx-too-big",
	[VNET_OVERLAY_D_TX_NOSPC] = "tx-nospc",
	[VNET_OVERLAY_D_TX_SEND] = "tx-send",
	[VNET_OVERLAY_D_RX_PARSE] = "rx-parse",
	[VNET_OVERLAY_D_RX_FRAG] = "rx-frag",
	[VNET_OVERLAY_D_RX_TUNNEL] = "rx-tunnel",
	[VNET_OVERLAY_D_RX_GENEVE_VER] = "rx-geneve-version",
	[VNET_OVERLAY_D_RX_GENEVE_CRIT] = "rx-geneve-critical",
	[VNET_OVERLAY_D_RX_PROTO] = "rx-proto",
	[VNET_OVERLAY_D_RX_VNI] = "rx-vni",
	[VNET_OVERLAY_D_RX_CSUM] = "rx-csum",
	[VNET_OVERLAY_D_RX_ZERO_CSUM6] = "rx-zero-csum6",
	[VNET_OVERLAY_D_RX_INNER] = "rx-inner",
	[VNET_OVERLAY_D_RX_GSO] = "rx-gso",
};

const char *vnet_overlay_drop_name(enum vnet_overlay_drop d)
{
	if ((unsigned int)d >= VNET_OVERLAY_D_MAX)
		return "unknown";
	return drop_names[d];
}

/**
 * overlay_peer() - the underlay's offloads as HOST_* features
 * @underlay:	VNET_TUN_F_* the tap took
 * @peer:	filled
 *
 * Writes to a tap with IFF_VNET_HDR always take NEEDS_CSUM; tunnel GSO of
 * TCP and UDP only with TUN_F_UDP_TUNNEL_GSO, the outer checksum flag
 * only with TUN_F_UDP_TUNNEL_GSO_CSUM.
 */
static void overlay_peer(unsigned int underlay, struct vnet_features *peer)
{
	static const unsigned int tnl[] = {
		VNET_F_HOST_TSO4, VNET_F_HOST_TSO6, VNET_F_HOST_ECN,
		VNET_F_HOST_USO, VNET_F_HOST_UDP_TUNNEL_GSO,
	};
	size_t i;

	memset(peer, 0, sizeof(*peer));
	vnet_features_set(peer, VNET_F_CSUM);
	if (!(underlay & VNET_TUN_F_UDP_TUNNEL_GSO))
		return;
	for (i = 0; i < sizeof(tnl) / sizeof(tnl[0]); i++)
		vnet_features_set(peer, tnl[i]);
	if (underlay & VNET_TUN_F_UDP_TUNNEL_GSO_CSUM)
		vnet_features_set(peer, VNET_F_HOST_UDP_TUNNEL_GSO_CSUM);
}

/**
 * overlay_out_alloc() - output memory of a segmenter
 * @out:	filled
 * @buf_len:	bytes
 * @iov_max:	pieces
 *
 * Return: 0, or -ENOMEM
 */
static int overlay_out_alloc(struct vnet_gso_out *out, size_t buf_len,
			     unsigned int iov_max)
{
	memset(out, 0, sizeof(*out));
	out->buf = malloc(buf_len);
	out->iov = calloc(iov_max, sizeof(*out->iov));
	out->segs = calloc(VNET_OVERLAY_SEG_MAX, sizeof(*out->segs));
	if (!out->buf || !out->iov || !out->segs)
		return -ENOMEM;
	out->buf_len = buf_len;
	out->iov_max = iov_max;
	out->seg_max = VNET_OVERLAY_SEG_MAX;
	return 0;
}

/**
 * overlay_out_free() - free what overlay_out_alloc() allocated
 * @out:	the memory
 */
static void overlay_out_free(struct vnet_gso_out *out)
{
	free(out->buf);
	free(out->iov);
	free(out->segs);
	memset(out, 0, sizeof(*out));
}

/**
 * overlay_tunnel_features() - what the encapsulated frame's header may ask
 * @f:		filled
 */
static void overlay_tunnel_features(struct vnet_features *f)
{
	static const unsigned int bits[] = {
		VNET_F_VERSION_1, VNET_F_CSUM, VNET_F_HOST_TSO4,
		VNET_F_HOST_TSO6, VNET_F_HOST_ECN, VNET_F_HOST_USO,
		VNET_F_HOST_UDP_TUNNEL_GSO, VNET_F_HOST_UDP_TUNNEL_GSO_CSUM,
	};
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		vnet_features_set(f, bits[i]);
}

/**
 * overlay_check() - a configuration the port can run
 * @cfg:	configuration
 *
 * Return: 0, or -EINVAL
 */
static int overlay_check(const struct vnet_overlay_config *cfg)
{
	unsigned int i;

	if (cfg->local.family != AF_INET && cfg->local.family != AF_INET6)
		return -EINVAL;
	if (!cfg->nremotes || cfg->nremotes > VNET_OVERLAY_REMOTES_MAX ||
	    cfg->vni > 0xffffff || cfg->sport_min > cfg->sport_max ||
	    cfg->geneve_opt_len > VNET_OVERLAY_GENEVE_OPT_MAX ||
	    cfg->geneve_opt_len % 4 || !vnet_overlay_guest_mtu(cfg))
		return -EINVAL;
	for (i = 0; i < cfg->nremotes; i++)
		if (cfg->remote[i].family != cfg->local.family)
			return -EINVAL;
	return 0;
}

int vnet_overlay_init(struct vnet_overlay *o,
		      const struct vnet_overlay_config *cfg,
		      const struct vnet_features *guest, unsigned int underlay)
{
	struct vnet_features tf;
	int err;

	memset(o, 0, sizeof(*o));
	if (overlay_check(cfg))
		return -EINVAL;
	o->cfg = *cfg;
	o->guest = *guest;
	o->underlay = underlay;
	o->ip_id = (uint16_t)cfg->hash_seed;
	vnet_parse_config_init(&o->parse);
	memset(o->parse.vxlan_ports, 0, sizeof(o->parse.vxlan_ports));
	memset(o->parse.vxlan_gpe_ports, 0, sizeof(o->parse.vxlan_gpe_ports));
	memset(o->parse.geneve_ports, 0, sizeof(o->parse.geneve_ports));
	memset(o->parse.gre_udp_ports, 0, sizeof(o->parse.gre_udp_ports));
	o->parse.flags = 0;	/* the inner frame is the guest's */
	if (cfg->type == VNET_OVERLAY_GENEVE)
		o->parse.geneve_ports[0] = cfg->dport;
	else
		o->parse.vxlan_ports[0] = cfg->dport;
	overlay_tunnel_features(&tf);
	vnet_gso_ctx_init(&o->gso, &tf, VNET_GSO_PASSTHROUGH, cfg->hash_seed);
	overlay_peer(underlay, &o->gso.peer);
	vnet_gso_ctx_init(&o->inner_gso, guest, VNET_GSO_COPY, cfg->hash_seed);
	err = vnet_overlay_fdb_init(&o->fdb, cfg->fdb_max, cfg->fdb_age_ns);
	if (!err)
		err = overlay_out_alloc(&o->out, VNET_OVERLAY_SEG_MAX * HDR_ROOM,
					VNET_OVERLAY_SEG_MAX * (TX_IOV_MAX + 3));
	if (!err)
		err = overlay_out_alloc(&o->inner_out, 65536 + 64 +
					VNET_OVERLAY_SEG_MAX * HDR_ROOM,
					VNET_OVERLAY_SEG_MAX * 2);
	if (err)
		vnet_overlay_fini(o);
	return err;
}

void vnet_overlay_fini(struct vnet_overlay *o)
{
	vnet_overlay_fdb_fini(&o->fdb);
	overlay_out_free(&o->out);
	overlay_out_free(&o->inner_out);
}
