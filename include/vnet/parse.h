/* SPDX-License-Identifier: MIT */
/* parse.h - the one header parser every offload uses: outer, tunnel, inner */
#ifndef VNET_PARSE_H
#define VNET_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet/pkt.h"
#include "vnet/export.h"

VNET_API_BEGIN

/*
 * What the parser accepts, and what it does with lengths that disagree:
 *
 * - Every header must lie inside its enclosing bound: the frame for the
 *   outer Ethernet header, the IP datagram (IPv4 total length, IPv6 40 +
 *   payload length) for everything after the IP header, the UDP datagram
 *   for a UDP tunnel. A header that does not fit is an error.
 * - An IP length larger than its bound is an error (ipv4-total-len,
 *   ipv6-payload-len). A smaller one leaves a trailer (Ethernet padding),
 *   counted in trailer_len and belonging to no header.
 * - A UDP length below 8 or past the IP datagram is an error (udp-len); a
 *   shorter one is accepted, and the bytes after it are ignored.
 * - A later fragment (IPv4 offset != 0, or an IPv6 fragment header with
 *   offset != 0) carries no L4 header: parsing stops with l4 NONE and the
 *   protocol recorded. Not an error. A first fragment's L4 header is parsed
 *   (ports, TCP data offset, UDP length >= 8), but the UDP length is not
 *   checked against the fragment and no tunnel inside it is looked at.
 * - An L4 protocol other than TCP and UDP (ICMP, IPv6 ESP, No Next Header,
 *   Mobility, anything unknown) stops the parse with l4 OTHER. Not an error.
 *   Likewise an ethertype other than IPv4/IPv6 gives l3 OTHER, and a third
 *   VLAN tag is left unparsed (l3 OTHER, ethertype the third TPID).
 * - A frame on a configured tunnel port, or GRE, must carry a well-formed
 *   tunnel header; otherwise the error names it. GRE version 1 (PPTP) is a
 *   different protocol, not a tunnel: parsing stops with l4 OTHER.
 * - One level of tunnel: the inner layer is parsed like the outer, but a
 *   tunnel inside it is reported as plain UDP/GRE/IP, never entered.
 * - IPv6 extension headers are walked in any order and may repeat (RFC 8200
 *   4.1 asks nodes to accept that), hop-by-hop excepted, which must come
 *   first. The chain length is capped (ipv6_ext_max): what stops a chain
 *   that repeats itself. The first type 2 routing header and the first home
 *   address option are kept; a later fragment header overrides an earlier.
 * - IPv6 jumbograms (RFC 2675, payload length 0 before a hop-by-hop header)
 *   are not supported (ipv6-jumbo).
 * - Checksums are not looked at: that is the checksum engine's business.
 *
 * Truncation: since every IP length must fit its bound, a frame cut
 * anywhere before the end of its outer IP datagram is an error, and a frame
 * cut inside the trailer parses the same but for trailer_len. (A non-IP
 * frame is good once its Ethernet header and tags are whole.)
 *
 * The frame may lie in guest memory that changes while it is parsed: every
 * length is read once and checked where it is used, and every access is
 * checked against the frame's length, which the guest does not control. A
 * racing guest gets an inconsistent result, never an out-of-bounds read.
 *
 * An error is a fact about the frame, not a verdict: the caller decides to
 * drop the frame or to pass it on without offloads. The result then holds
 * what was parsed before the error and must not drive any offload.
 */

/**
 * enum vnet_parse_err - why a frame did not parse
 *
 * vnet_parse() returns the negated value. The values lie above any errno
 * value so that a propagated parse error cannot pass for one.
 */
enum vnet_parse_err {
	VNET_PARSE_OK = 0,
	VNET_PARSE_ERR_BASE = 1024,
	VNET_PARSE_ERR_TRUNC_L2 = VNET_PARSE_ERR_BASE,
	VNET_PARSE_ERR_TRUNC_VLAN,
	VNET_PARSE_ERR_TRUNC_IPV4,
	VNET_PARSE_ERR_IPV4_VERSION,
	VNET_PARSE_ERR_IPV4_IHL,
	VNET_PARSE_ERR_IPV4_TOTAL_LEN,
	VNET_PARSE_ERR_TRUNC_IPV6,
	VNET_PARSE_ERR_IPV6_VERSION,
	VNET_PARSE_ERR_IPV6_PAYLOAD_LEN,
	VNET_PARSE_ERR_IPV6_JUMBO,
	VNET_PARSE_ERR_TRUNC_IPV6_EXT,
	VNET_PARSE_ERR_IPV6_EXT_CHAIN,
	VNET_PARSE_ERR_IPV6_HBH_ORDER,
	VNET_PARSE_ERR_IPV6_OPT_LEN,
	VNET_PARSE_ERR_IPV6_HAO_LEN,
	VNET_PARSE_ERR_IPV6_RT2_LEN,
	VNET_PARSE_ERR_IPV6_AH_LEN,
	VNET_PARSE_ERR_TRUNC_TCP,
	VNET_PARSE_ERR_TCP_DOFF,
	VNET_PARSE_ERR_TRUNC_UDP,
	VNET_PARSE_ERR_UDP_LEN,
	VNET_PARSE_ERR_TRUNC_VXLAN,
	VNET_PARSE_ERR_VXLAN_FLAGS,
	VNET_PARSE_ERR_TRUNC_VXLAN_GPE,
	VNET_PARSE_ERR_VXLAN_GPE_VERSION,
	VNET_PARSE_ERR_VXLAN_GPE_FLAGS,
	VNET_PARSE_ERR_TRUNC_GENEVE,
	VNET_PARSE_ERR_GENEVE_VERSION,
	VNET_PARSE_ERR_GENEVE_OPT_LEN,
	VNET_PARSE_ERR_TRUNC_GRE,
	VNET_PARSE_ERR_GRE_FLAGS,
	VNET_PARSE_ERR_END,		/* not an error: one past the last */
};

/* Tunnel UDP ports per type; a 0 entry is unused. */
#define VNET_PARSE_PORTS_MAX		4
#define VNET_PARSE_PORT_VXLAN		4789	/* RFC 7348 section 5 */
#define VNET_PARSE_PORT_VXLAN_GPE	4790	/* draft-ietf-nvo3-vxlan-gpe */
#define VNET_PARSE_PORT_GENEVE		6081	/* RFC 8926 section 3.3 */
#define VNET_PARSE_PORT_GRE_UDP		4754	/* RFC 8086 section 3 */

#define VNET_PARSE_IPV6_EXT_MAX		8	/* default chain cap */
#define VNET_PARSE_VLAN_MAX		2	/* S-tag (88a8), C-tag (8100) */

/* Config flags. */
#define VNET_PARSE_F_INNER	0x1	/* parse the headers inside a tunnel */
#define VNET_PARSE_F_GRE	0x2	/* recognise GRE (IP protocol 47) */
#define VNET_PARSE_F_IPIP	0x4	/* recognise IP-in-IP (4, 41) */
#define VNET_PARSE_F_DEFAULT	(VNET_PARSE_F_INNER | VNET_PARSE_F_GRE | \
				 VNET_PARSE_F_IPIP)

/**
 * struct vnet_parse_config - what the parser recognises
 * @vxlan_ports:	UDP destination ports of VXLAN
 * @vxlan_gpe_ports:	UDP destination ports of VXLAN-GPE
 * @geneve_ports:	UDP destination ports of Geneve
 * @gre_udp_ports:	UDP destination ports of GRE-in-UDP
 * @flags:		VNET_PARSE_F_*
 * @ipv6_ext_max:	most IPv6 extension headers walked in one chain;
 *			a longer chain is an error
 *
 * A port list of all zeroes turns that tunnel type off.
 */
struct vnet_parse_config {
	uint16_t vxlan_ports[VNET_PARSE_PORTS_MAX];
	uint16_t vxlan_gpe_ports[VNET_PARSE_PORTS_MAX];
	uint16_t geneve_ports[VNET_PARSE_PORTS_MAX];
	uint16_t gre_udp_ports[VNET_PARSE_PORTS_MAX];
	uint32_t flags;
	unsigned int ipv6_ext_max;
};

/**
 * enum vnet_l3 - network layer found
 * @VNET_L3_NONE:	not reached
 * @VNET_L3_IPV4:	IPv4
 * @VNET_L3_IPV6:	IPv6
 * @VNET_L3_OTHER:	another ethertype (ARP, MPLS, a third VLAN tag ...)
 */
enum vnet_l3 {
	VNET_L3_NONE = 0,
	VNET_L3_IPV4,
	VNET_L3_IPV6,
	VNET_L3_OTHER,
};

/**
 * enum vnet_l4 - transport layer found
 * @VNET_L4_NONE:	not reached, or a later fragment
 * @VNET_L4_TCP:	TCP, header validated
 * @VNET_L4_UDP:	UDP, header validated
 * @VNET_L4_OTHER:	another protocol; see l4_proto
 */
enum vnet_l4 {
	VNET_L4_NONE = 0,
	VNET_L4_TCP,
	VNET_L4_UDP,
	VNET_L4_OTHER,
};

/**
 * enum vnet_frag - fragment class of an IP datagram
 * @VNET_FRAG_NONE:	not a fragment (IPv4 with DF clear; IPv6 without a
 *			fragment header)
 * @VNET_FRAG_ATOMIC:	a whole datagram that cannot be fragmented: IPv4
 *			with DF set, MF clear, offset 0 (RFC 6864 section 4),
 *			or an IPv6 fragment header with offset 0 and M clear
 *			(RFC 6946)
 * @VNET_FRAG_FIRST:	offset 0, more fragments follow: L4 header present
 * @VNET_FRAG_LATER:	offset != 0: no L4 header
 */
enum vnet_frag {
	VNET_FRAG_NONE = 0,
	VNET_FRAG_ATOMIC,
	VNET_FRAG_FIRST,
	VNET_FRAG_LATER,
};

/**
 * enum vnet_tunnel_type - encapsulation found after the outer L4
 * @VNET_TUNNEL_NONE:		none
 * @VNET_TUNNEL_VXLAN:		VXLAN, RFC 7348
 * @VNET_TUNNEL_VXLAN_GPE:	VXLAN-GPE
 * @VNET_TUNNEL_GENEVE:		Geneve, RFC 8926
 * @VNET_TUNNEL_GRE:		GRE over IP, RFC 2784 / 2890 (also NVGRE,
 *				RFC 7637, and GRE over IPv6, RFC 7676)
 * @VNET_TUNNEL_GRE_UDP:	GRE-in-UDP, RFC 8086
 * @VNET_TUNNEL_IPIP:		IPv4 or IPv6 directly in IP (4, 41)
 */
enum vnet_tunnel_type {
	VNET_TUNNEL_NONE = 0,
	VNET_TUNNEL_VXLAN,
	VNET_TUNNEL_VXLAN_GPE,
	VNET_TUNNEL_GENEVE,
	VNET_TUNNEL_GRE,
	VNET_TUNNEL_GRE_UDP,
	VNET_TUNNEL_IPIP,
};

/* IPv6 extension headers seen, struct vnet_parse_ipv6.ext */
#define VNET_IPV6_EXT_HBH	0x01	/* hop-by-hop options (0) */
#define VNET_IPV6_EXT_ROUTING	0x02	/* routing (43) */
#define VNET_IPV6_EXT_FRAG	0x04	/* fragment (44) */
#define VNET_IPV6_EXT_DSTOPTS	0x08	/* destination options (60) */
#define VNET_IPV6_EXT_AH	0x10	/* authentication header (51) */

/* TCP flags, struct vnet_parse_layer.tcp_flags (RFC 9293 section 3.1) */
#define VNET_TCP_FIN	0x01
#define VNET_TCP_SYN	0x02
#define VNET_TCP_RST	0x04
#define VNET_TCP_PSH	0x08
#define VNET_TCP_ACK	0x10
#define VNET_TCP_URG	0x20
#define VNET_TCP_ECE	0x40
#define VNET_TCP_CWR	0x80

/**
 * struct vnet_parse_ipv4 - facts of an IPv4 header (RFC 791 section 3.1)
 * @options:		IHL > 5
 * @tos:		type of service / DS field and ECN
 * @ttl:		time to live
 * @total_len:		total length field
 * @id:			identification
 * @df:			don't fragment
 * @mf:			more fragments
 * @frag_off:		fragment offset, in bytes
 */
struct vnet_parse_ipv4 {
	bool options;
	uint8_t tos;
	uint8_t ttl;
	uint16_t total_len;
	uint16_t id;
	bool df;
	bool mf;
	uint16_t frag_off;
};

/**
 * struct vnet_parse_ipv6 - facts of an IPv6 header and its extension chain
 * @payload_len:	payload length field (RFC 8200 section 3)
 * @ext:		VNET_IPV6_EXT_* seen
 * @ext_count:		extension headers walked (at most the cap)
 * @ext_end:		offset of the first byte after the chain
 * @frag_hdr_off:	offset of the fragment header, if VNET_IPV6_EXT_FRAG
 * @frag_id:		its identification
 * @frag_off:		its fragment offset, in bytes
 * @frag_more:		its M flag
 * @has_rt2:		a type 2 routing header was found (RFC 6275 6.4)
 * @rt2_addr:		its home address
 * @has_hao:		a home address option was found (RFC 6275 6.3)
 * @home_addr:		its home address
 */
struct vnet_parse_ipv6 {
	uint16_t payload_len;
	uint8_t ext;
	unsigned int ext_count;
	size_t ext_end;
	size_t frag_hdr_off;
	uint32_t frag_id;
	uint16_t frag_off;
	bool frag_more;
	bool has_rt2;
	uint8_t rt2_addr[16];
	bool has_hao;
	uint8_t home_addr[16];
};

/**
 * struct vnet_parse_layer - one layer of headers: L2, L3, L4
 * @present:		this layer was reached
 * @has_eth:		starts with an Ethernet header (else with L3, for a
 *			tunnel that carries IP directly)
 * @l2_off:		offset of the Ethernet header (= l3_off if none)
 * @vlan_count:		VLAN tags parsed, outermost first
 * @vlan_tpid:		their TPIDs (0x88a8, 0x8100)
 * @vlan_tci:		their TCIs
 * @ethertype:		ethertype after the tags (or of the tunnel payload)
 * @l3:			network layer
 * @l3_off:		offset of the IP header
 * @l3_hdr_len:		IPv4 IHL in bytes; IPv6 40 + extension headers
 * @l3_len:		datagram length the IP header claims
 * @trailer_len:	bytes after the datagram inside the enclosing bound
 * @frag:		fragment class
 * @ipv4:		IPv4 facts, if l3 is IPv4
 * @ipv6:		IPv6 facts, if l3 is IPv6
 * @l4:			transport layer
 * @l4_proto:		IP protocol number after the header (chain)
 * @l4_off:		offset of the L4 header (or of the data of a later
 *			fragment)
 * @l4_hdr_len:		TCP data offset in bytes, or 8 for UDP
 * @sport:		TCP/UDP source port
 * @dport:		TCP/UDP destination port
 * @tcp_flags:		VNET_TCP_* of a TCP header
 * @tcp_options:	the TCP header has options (data offset > 5)
 * @udp_len:		UDP length field
 * @payload_off:	offset of what follows the last parsed header
 * @payload_len:	its length up to the end of the datagram (UDP: the
 *			UDP length; a later fragment: the fragment data)
 */
struct vnet_parse_layer {
	bool present;
	bool has_eth;
	size_t l2_off;
	uint8_t vlan_count;
	uint16_t vlan_tpid[VNET_PARSE_VLAN_MAX];
	uint16_t vlan_tci[VNET_PARSE_VLAN_MAX];
	uint16_t ethertype;

	enum vnet_l3 l3;
	size_t l3_off;
	size_t l3_hdr_len;
	size_t l3_len;
	size_t trailer_len;
	enum vnet_frag frag;
	struct vnet_parse_ipv4 ipv4;
	struct vnet_parse_ipv6 ipv6;

	enum vnet_l4 l4;
	uint8_t l4_proto;
	size_t l4_off;
	size_t l4_hdr_len;
	uint16_t sport;
	uint16_t dport;
	uint8_t tcp_flags;
	bool tcp_options;
	uint16_t udp_len;

	size_t payload_off;
	size_t payload_len;
};

/**
 * struct vnet_parse_tunnel - the encapsulation header
 * @type:		tunnel type
 * @off:		offset of the tunnel header (for IPIP, of the inner IP)
 * @hdr_len:		its length, options included (0 for IPIP)
 * @proto:		ethertype of what it carries (0x6558 for Ethernet;
 *			VXLAN-GPE next protocols are mapped to ethertypes,
 *			0 for one without)
 * @flags:		first byte of a VXLAN / VXLAN-GPE header, or the O and
 *			C bits of Geneve (0x80, 0x40)
 * @vni:		VXLAN / VXLAN-GPE / Geneve network identifier
 * @gpe_next:		VXLAN-GPE next protocol field
 * @geneve_opt_len:	Geneve options, in bytes
 * @gre_flags:		first 16 bits of a GRE header (C, K, S, version)
 * @gre_has_csum:	GRE checksum present (RFC 2784)
 * @gre_has_key:	GRE key present (RFC 2890)
 * @gre_key:		the key (NVGRE: VSID << 8 | FlowID)
 * @gre_has_seq:	GRE sequence number present (RFC 2890)
 * @gre_seq:		the sequence number
 */
struct vnet_parse_tunnel {
	enum vnet_tunnel_type type;
	size_t off;
	size_t hdr_len;
	uint16_t proto;
	uint8_t flags;
	uint32_t vni;
	uint8_t gpe_next;
	uint16_t geneve_opt_len;
	uint16_t gre_flags;
	bool gre_has_csum;
	bool gre_has_key;
	uint32_t gre_key;
	bool gre_has_seq;
	uint32_t gre_seq;
};

/**
 * struct vnet_parse_result - everything offloads need to know of a frame
 * @outer:	the outer (or only) layer
 * @tunnel:	the encapsulation, type NONE if none
 * @inner:	the inner layer: present if a tunnel was found and
 *		VNET_PARSE_F_INNER is set; starts with Ethernet if
 *		tunnel.proto is 0x6558, else with the L3 tunnel.proto names
 *		(l3 OTHER for anything but IPv4 and IPv6)
 */
struct vnet_parse_result {
	struct vnet_parse_layer outer;
	struct vnet_parse_tunnel tunnel;
	struct vnet_parse_layer inner;
};

/**
 * vnet_parse_config_init() - the default configuration
 * @cfg:	filled with ports 4789, 4790, 6081, 4754, VNET_PARSE_F_DEFAULT
 *		and a chain cap of VNET_PARSE_IPV6_EXT_MAX
 */
void vnet_parse_config_init(struct vnet_parse_config *cfg);

/**
 * vnet_parse() - parse the headers of an Ethernet frame
 * @pkt:	the frame, starting with its Ethernet header
 * @cfg:	configuration, or NULL for the defaults
 * @res:	result; zeroed first, then filled as far as the parse got
 *
 * Reads only through @pkt, never past its end.
 *
 * Return: 0, or -enum vnet_parse_err naming why the frame is malformed
 */
int vnet_parse(const struct vnet_pkt *pkt, const struct vnet_parse_config *cfg,
	       struct vnet_parse_result *res);

/**
 * vnet_parse_err_name() - short name of a parse error
 * @err:	a value vnet_parse() returned (negative), or its negation
 *
 * Return: a static string such as "ipv4-ihl"; "ok" for 0, "unknown" for a
 * value that is no parse error
 */
const char *vnet_parse_err_name(int err);

VNET_API_END

#endif /* VNET_PARSE_H */
