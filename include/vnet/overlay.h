/* SPDX-License-Identifier: MIT */
/* overlay.h - the overlay port: the guest's frames in VXLAN or Geneve over UDP */
#ifndef VNET_OVERLAY_H
#define VNET_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vnet/features.h"
#include "vnet/gso.h"
#include "vnet/hdr.h"
#include "vnet/overlay_fdb.h"
#include "vnet/parse.h"
#include "vnet/pkt.h"
#include "vnet/rx.h"
#include "vnet/export.h"

VNET_API_BEGIN

/*
 * The port sits between a guest (frames with their virtio-net header, as
 * the transmit queue hands them over) and an underlay reached through a
 * TAP with IFF_VNET_HDR (or anything that takes a frame with a header).
 *
 * Transmit: a guest frame is looked up in the forwarding table by its
 * destination MAC (unknown, broadcast and multicast go to every remote),
 * and gets an outer Ethernet, IP, UDP and VXLAN/Geneve header in front of
 * it. The guest's header becomes the tunnel header of the virtio spec
 * ("UDP tunnel GSO"): a TSO super-frame leaves as ONE tunnel super-frame
 * (gso_type TCPV4 | UDP_TUNNEL_IPV4, outer_th_offset, inner_nh_offset,
 * csum_start shifted by the encapsulation) when the underlay takes
 * TUN_F_UDP_TUNNEL_GSO, and is segmented by the GSO engine otherwise.
 *
 * Underlay addressing: the port is a host of its own on the underlay link
 * (the tap), with the local address and its own MAC (@mac). Outer frames
 * go to @gw_mac, the next hop: by default the tap's own MAC in the host
 * (the caller reads it, SIOCGIFHWADDR), which then routes the outer packet
 * with its own tables and neighbour cache: the port needs no ARP of its
 * own. The host learns the port's MAC from vnet_overlay_neigh_reply(),
 * which answers ARP requests and neighbour solicitations for the local
 * address (or from a permanent neighbour entry).
 *
 * Receive: a frame from the underlay for the local address and the tunnel
 * port is checked (outer checksum, tunnel header, VNI, Geneve version and
 * critical options) and its inner frame handed on with a host-side header
 * (vnet_rx_frame): a tunnel super-frame from the tap becomes an inner
 * super-frame of the same kind; the inner checksums are verified so that
 * the guest may get DATA_VALID. Anything else addressed to the port is a
 * counted drop; frames not for the port are counted as "other".
 */

#define VNET_OVERLAY_PORT_VXLAN		4789	/* RFC 7348 section 5 */
#define VNET_OVERLAY_PORT_GENEVE	6081	/* RFC 8926 section 3.3 */
#define VNET_OVERLAY_REMOTES_MAX	16
#define VNET_OVERLAY_GENEVE_OPT_MAX	252	/* 6-bit length in words */
#define VNET_OVERLAY_VXLAN_HLEN		8
#define VNET_OVERLAY_GENEVE_HLEN	8
/* Outer Ethernet + IPv6 + UDP + Geneve with the longest options. */
#define VNET_OVERLAY_ENCAP_MAX		(14 + 40 + 8 + 8 + \
					 VNET_OVERLAY_GENEVE_OPT_MAX)
#define VNET_OVERLAY_SPORT_MIN		32768	/* Linux's local port range */
#define VNET_OVERLAY_SPORT_MAX		60999
#define VNET_OVERLAY_SEG_MAX		1024	/* segments per software GSO */
#define VNET_OVERLAY_RX_IOV_MAX		64
#define VNET_OVERLAY_NEIGH_REPLY_MAX	(14 + 40 + 32)	/* a full NA */

/**
 * enum vnet_overlay_type - encapsulation
 * @VNET_OVERLAY_VXLAN:		VXLAN, RFC 7348
 * @VNET_OVERLAY_GENEVE:	Geneve, RFC 8926
 */
enum vnet_overlay_type {
	VNET_OVERLAY_VXLAN = 0,
	VNET_OVERLAY_GENEVE,
};

/**
 * struct vnet_overlay_config - what `--vxlan` / `--geneve` configure
 * @type:		encapsulation
 * @vni:		network identifier, 24 bits
 * @local:		our underlay address; its family is the underlay's
 * @remote:		remotes, all of @local's family
 * @nremotes:		remotes configured (at least 1)
 * @dport:		UDP destination port (4789 / 6081)
 * @sport_min:		outer source port range, from the inner flow hash
 * @sport_max:		(inclusive)
 * @ttl:		outer TTL / hop limit
 * @tos:		outer TOS / traffic class
 * @df:			set DF on outer IPv4
 * @udp_csum:		outer UDP checksum on transmit (default: off over
 *			IPv4, on over IPv6, as Linux's vxlan)
 * @zero_csum6_rx:	accept a zero outer UDP checksum over IPv6
 *			(RFC 6935, RFC 6936; default off, as Linux)
 * @mac:		our MAC on the underlay (source of outer frames)
 * @gw_mac:		next hop's MAC (destination of outer frames)
 * @has_gw_mac:		@gw_mac was configured (else the caller fills it,
 *			e.g. with the tap's MAC)
 * @mtu:		underlay MTU (1500)
 * @geneve_opts:	Geneve options sent, already in wire format
 * @geneve_opt_len:	their length, a multiple of 4
 * @learn:		learn remotes from received frames
 * @fdb_max:		forwarding table capacity
 * @fdb_age_ns:		a learned entry expires this long after last seen
 * @hash_seed:		seed of the flow hash that picks the source port
 */
struct vnet_overlay_config {
	enum vnet_overlay_type type;
	uint32_t vni;
	struct vnet_overlay_addr local;
	struct vnet_overlay_addr remote[VNET_OVERLAY_REMOTES_MAX];
	unsigned int nremotes;
	uint16_t dport;
	uint16_t sport_min;
	uint16_t sport_max;
	uint8_t ttl;
	uint8_t tos;
	bool df;
	bool udp_csum;
	bool zero_csum6_rx;
	uint8_t mac[6];
	uint8_t gw_mac[6];
	bool has_gw_mac;
	unsigned int mtu;
	uint8_t geneve_opts[VNET_OVERLAY_GENEVE_OPT_MAX];
	uint16_t geneve_opt_len;
	bool learn;
	unsigned int fdb_max;
	uint64_t fdb_age_ns;
	uint32_t hash_seed;
};

/**
 * enum vnet_overlay_drop - why a frame was dropped (struct
 *			    vnet_overlay_stats.drop)
 */
enum vnet_overlay_drop {
	VNET_OVERLAY_D_NONE = 0,
	VNET_OVERLAY_D_TX_INVALID,	/* guest header refused (tx.h reason) */
	VNET_OVERLAY_D_TX_SHORT,	/* guest frame without Ethernet header */
	VNET_OVERLAY_D_TX_TOO_BIG,	/* outer datagram would pass 64 KiB */
	VNET_OVERLAY_D_TX_NOSPC,	/* segmentation ran out of room */
	VNET_OVERLAY_D_TX_SEND,		/* the underlay refused the write */
	VNET_OVERLAY_D_RX_PARSE,	/* outer headers malformed */
	VNET_OVERLAY_D_RX_FRAG,		/* outer IP fragment */
	VNET_OVERLAY_D_RX_TUNNEL,	/* tunnel header malformed/truncated */
	VNET_OVERLAY_D_RX_GENEVE_VER,	/* Geneve version not 0 */
	VNET_OVERLAY_D_RX_GENEVE_CRIT,	/* Geneve critical option (C bit) */
	VNET_OVERLAY_D_RX_PROTO,	/* payload is not Ethernet */
	VNET_OVERLAY_D_RX_VNI,		/* another VNI */
	VNET_OVERLAY_D_RX_CSUM,		/* outer UDP checksum wrong */
	VNET_OVERLAY_D_RX_ZERO_CSUM6,	/* zero UDP checksum over IPv6 refused */
	VNET_OVERLAY_D_RX_INNER,	/* inner frame shorter than Ethernet */
	VNET_OVERLAY_D_RX_GSO,		/* underlay header does not fit frame */
	VNET_OVERLAY_D_MAX,
};

/**
 * struct vnet_overlay_stats - counters
 * @tx_frames:		guest frames taken
 * @tx_flooded:		of which sent to every remote (no FDB entry)
 * @tx_writes:		writes to the underlay
 * @tx_super:		of which tunnel super-frames (one write, tunnel GSO)
 * @tx_csum_offload:	of which with NEEDS_CSUM left to the underlay
 * @tx_segmented:	frames segmented in software (no tunnel GSO)
 * @tx_segments:	segments those made
 * @tx_inner_gso:	guest frames segmented before encapsulation (UFO,
 *			a tunnel inside, or too big for one outer datagram)
 * @rx_frames:		underlay frames looked at
 * @rx_inner:		inner frames handed on
 * @rx_super:		of which super-frames (tunnel GSO from the underlay)
 * @rx_csum_ok:		of which with every inner checksum verified
 * @rx_other:		frames not for the port (other address, port, ARP)
 * @learned:		FDB entries learned or moved
 * @drops:		frames dropped, all reasons
 * @drop:		frames dropped, per reason
 */
struct vnet_overlay_stats {
	uint64_t tx_frames;
	uint64_t tx_flooded;
	uint64_t tx_writes;
	uint64_t tx_super;
	uint64_t tx_csum_offload;
	uint64_t tx_segmented;
	uint64_t tx_segments;
	uint64_t tx_inner_gso;
	uint64_t rx_frames;
	uint64_t rx_inner;
	uint64_t rx_super;
	uint64_t rx_csum_ok;
	uint64_t rx_other;
	uint64_t learned;
	uint64_t drops;
	uint64_t drop[VNET_OVERLAY_D_MAX];
};

/**
 * struct vnet_overlay - one overlay port
 * @cfg:		configuration
 * @guest:		features negotiated with the guest (its transmit
 *			headers are validated against these)
 * @underlay:		VNET_TUN_F_* the underlay took: UDP_TUNNEL_GSO
 *			(_CSUM) decide between one write and software GSO
 * @ip_id:		next outer IPv4 identification
 * @fdb:		forwarding table
 * @gso:		segmenter over the encapsulated frame (passthrough
 *			when the underlay takes the tunnel offload)
 * @inner_gso:		segmenter of guest frames before encapsulation
 * @out:		@gso's output memory
 * @inner_out:		@inner_gso's output memory
 * @parse:		parser configuration: our tunnel port only
 * @stats:		counters
 */
struct vnet_overlay {
	struct vnet_overlay_config cfg;
	struct vnet_features guest;
	unsigned int underlay;
	uint16_t ip_id;
	struct vnet_overlay_fdb fdb;
	struct vnet_gso_ctx gso;
	struct vnet_gso_ctx inner_gso;
	struct vnet_gso_out out;
	struct vnet_gso_out inner_out;
	struct vnet_parse_config parse;
	struct vnet_overlay_stats stats;
};

/**
 * struct vnet_overlay_encap - the outer headers of one frame, and its header
 * @buf:	outer Ethernet, IP, UDP and tunnel header
 * @len:	their length (the encapsulation length)
 * @hdr:	the underlay's virtio-net header: the guest's offloads as
 *		tunnel offloads
 */
struct vnet_overlay_encap {
	uint8_t buf[VNET_OVERLAY_ENCAP_MAX];
	size_t len;
	struct vnet_hdr hdr;
};

/**
 * struct vnet_overlay_rx - an inner frame taken out of an underlay frame
 * @frame:	the inner frame (a view into the underlay frame's memory)
 *		and its host-side header, for vnet_gro_receive() (when
 *		frame.hdr.gso_type is NONE) or vnet_rx_deliver()
 * @remote:	outer source address
 * @iov:	storage for @frame.pkt's segments
 */
struct vnet_overlay_rx {
	struct vnet_rx_frame frame;
	struct vnet_overlay_addr remote;
	struct iovec iov[VNET_OVERLAY_RX_IOV_MAX];
};

/**
 * typedef vnet_overlay_send_fn - writes one frame to the underlay
 * @opaque:	caller's pointer
 * @h:		the header to write in front of it
 * @iov:	the frame
 * @iovcnt:	its segments
 *
 * Return: 0, or -errno (the frame is counted as dropped)
 */
typedef int (*vnet_overlay_send_fn)(void *opaque, const struct vnet_hdr *h,
				    const struct iovec *iov,
				    unsigned int iovcnt);

/**
 * vnet_overlay_config_init() - defaults for a type
 * @cfg:	filled: port 4789 or 6081, TTL 64, MTU 1500, learning on,
 *		256 FDB entries aging after 300 s, Linux's source port range,
 *		a locally administered MAC
 * @type:	encapsulation
 */
void vnet_overlay_config_init(struct vnet_overlay_config *cfg,
			      enum vnet_overlay_type type);

/**
 * vnet_overlay_config_parse() - parse the option string of --vxlan/--geneve
 * @cfg:	the configuration (vnet_overlay_config_init() first)
 * @spec:	"vni=N,local=ADDR,remote=ADDR[,remote=ADDR...][,port=P]"
 *		and optionally ttl=, tos=, df=on|off, csum=on|off,
 *		zerocsum6rx=on|off, mac=, gw-mac=, mtu=, srcport=MIN-MAX,
 *		learn=on|off, fdb-max=, fdb-age=SECONDS, seed=, and for
 *		Geneve opt=CLASS:TYPE[:HEX] (repeatable)
 * @err:	on failure, a message naming the bad option (may be NULL)
 * @err_len:	size of @err
 *
 * Return: 0, -EINVAL for a malformed or missing option, -E2BIG for too
 *	   many remotes or options
 */
int vnet_overlay_config_parse(struct vnet_overlay_config *cfg,
			      const char *spec, char *err, size_t err_len);

/**
 * vnet_overlay_encap_len() - bytes the port puts in front of a guest frame
 * @cfg:	configuration
 *
 * Return: outer Ethernet + IP + UDP + tunnel header (with options)
 */
size_t vnet_overlay_encap_len(const struct vnet_overlay_config *cfg);

/**
 * vnet_overlay_guest_mtu() - the MTU to advertise to the guest
 * @cfg:	configuration
 *
 * Return: the underlay MTU less outer IP, UDP, tunnel header and the
 *	   inner Ethernet header (1450 for VXLAN over IPv4 on 1500), or 0
 *	   if the underlay MTU cannot hold the encapsulation
 */
unsigned int vnet_overlay_guest_mtu(const struct vnet_overlay_config *cfg);

/**
 * vnet_overlay_init() - make a port
 * @o:		the port
 * @cfg:	configuration (copied)
 * @guest:	features negotiated with the guest
 * @underlay:	VNET_TUN_F_* the underlay tap took
 *
 * Return: 0, -EINVAL for a bad configuration, -ENOMEM
 */
int vnet_overlay_init(struct vnet_overlay *o,
		      const struct vnet_overlay_config *cfg,
		      const struct vnet_features *guest, unsigned int underlay);

/**
 * vnet_overlay_fini() - free what vnet_overlay_init() allocated
 * @o:		the port
 */
void vnet_overlay_fini(struct vnet_overlay *o);

/**
 * vnet_overlay_sport() - the outer UDP source port of an inner frame
 * @cfg:	configuration (range and seed)
 * @frame:	the inner frame
 * @inner:	its parse (outer layer of it), or NULL if it did not parse
 *
 * As Linux's udp_flow_src_port(): a hash of the inner flow (addresses,
 * protocol, ports; the Ethernet header if not IP), mixed, scaled into the
 * range. Stable per flow, spread across flows.
 *
 * Return: the port, host order
 */
uint16_t vnet_overlay_sport(const struct vnet_overlay_config *cfg,
			    const struct vnet_pkt *frame,
			    const struct vnet_parse_result *inner);

/**
 * vnet_overlay_encap() - outer headers and tunnel header for one frame
 * @o:		the port (configuration; the IPv4 ID is taken from it)
 * @gh:		the guest's header, validated
 * @frame:	the guest's frame
 * @inner:	its parse by vnet_tx_parse()
 * @remote:	the remote it goes to
 * @e:		filled
 *
 * GSO and NEEDS_CSUM become the tunnel header's inner fields; without GSO
 * the outer UDP checksum, when configured, is computed here in full (from
 * the inner pseudo-header sum when the inner checksum is left partial, as
 * Linux's local checksum offload), with GSO it is the outer pseudo-header
 * sum and UDP_TUNNEL_CSUM is set.
 *
 * Return: 0, -EMSGSIZE if the outer datagram would pass 65535 bytes,
 *	   -EINVAL for a guest header the tunnel header cannot carry (UFO,
 *	   a tunnel GSO of its own)
 */
int vnet_overlay_encap(struct vnet_overlay *o, const struct vnet_hdr *gh,
		       const struct vnet_pkt *frame,
		       const struct vnet_parse_result *inner,
		       const struct vnet_overlay_addr *remote,
		       struct vnet_overlay_encap *e);

/**
 * vnet_overlay_xmit() - send one guest frame into the overlay
 * @o:		the port
 * @gh:		the guest's header
 * @frame:	the guest's frame
 * @now:	time in ns (for the FDB)
 * @send:	writes each underlay frame
 * @opaque:	passed to @send
 *
 * Return: underlay frames written, or -errno for a dropped frame (counted)
 */
int vnet_overlay_xmit(struct vnet_overlay *o, const struct vnet_hdr *gh,
		      const struct vnet_pkt *frame, uint64_t now,
		      vnet_overlay_send_fn send, void *opaque);

/**
 * vnet_overlay_decap() - take the inner frame out of an underlay frame
 * @o:		the port
 * @uh:		the underlay's header (from the tap)
 * @pkt:	the underlay frame
 * @now:	time in ns (for learning)
 * @rx:		the inner frame, when 1 is returned
 *
 * Return: 1 with @rx filled; 0 for a frame not for the port (counted in
 *	   rx_other: the caller may hand it elsewhere); -EINVAL for a dropped
 *	   frame (counted with its reason)
 */
int vnet_overlay_decap(struct vnet_overlay *o, const struct vnet_hdr *uh,
		       const struct vnet_pkt *pkt, uint64_t now,
		       struct vnet_overlay_rx *rx);

/**
 * vnet_overlay_neigh_reply() - answer ARP / neighbour solicitation for local
 * @o:		the port
 * @pkt:	an underlay frame vnet_overlay_decap() found not for the port
 * @out:	the reply, a whole frame to write to the underlay (no
 *		offloads)
 * @len:	room at @out, at least VNET_OVERLAY_NEIGH_REPLY_MAX
 *
 * An ARP request for the local IPv4 address gets an ARP reply; an ICMPv6
 * neighbour solicitation for the local IPv6 address (hop limit 255, not
 * from ::) a solicited neighbour advertisement with our MAC (RFC 4861).
 *
 * Return: the reply's length, 0 if the frame asks nothing of us, -ENOSPC
 *	   if @len is too small
 */
int vnet_overlay_neigh_reply(const struct vnet_overlay *o,
			     const struct vnet_pkt *pkt, uint8_t *out,
			     size_t len);

/**
 * vnet_overlay_drop_name() - short name of a drop reason
 * @d:		the reason
 *
 * Return: a static string such as "rx-vni"; "unknown" out of range
 */
const char *vnet_overlay_drop_name(enum vnet_overlay_drop d);

VNET_API_END

#endif /* VNET_OVERLAY_H */
