/* SPDX-License-Identifier: MIT */
/* rss.h - RSS hash of a parsed frame: hash types, report types, inner hash */
#ifndef VNET_RSS_H
#define VNET_RSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet/parse.h"
#include "vnet/pkt.h"
#include "vnet/toeplitz.h"
#include "vnet/export.h"

VNET_API_BEGIN

/* Hash types, virtio "Supported/enabled hash types". */
#define VNET_HASH_TYPE_IPV4	(1u << 0)
#define VNET_HASH_TYPE_TCPV4	(1u << 1)
#define VNET_HASH_TYPE_UDPV4	(1u << 2)
#define VNET_HASH_TYPE_IPV6	(1u << 3)
#define VNET_HASH_TYPE_TCPV6	(1u << 4)
#define VNET_HASH_TYPE_UDPV6	(1u << 5)
#define VNET_HASH_TYPE_IP_EX	(1u << 6)
#define VNET_HASH_TYPE_TCP_EX	(1u << 7)
#define VNET_HASH_TYPE_UDP_EX	(1u << 8)
#define VNET_HASH_TYPE_ALL	0x1ffu

/* Report types, "Hash reporting for incoming packets":
 * VNET_HASH_TYPE_X == 1 << (VNET_HASH_REPORT_X - 1). */
#define VNET_HASH_REPORT_NONE		0
#define VNET_HASH_REPORT_IPV4		1
#define VNET_HASH_REPORT_TCPV4		2
#define VNET_HASH_REPORT_UDPV4		3
#define VNET_HASH_REPORT_IPV6		4
#define VNET_HASH_REPORT_TCPV6		5
#define VNET_HASH_REPORT_UDPV6		6
#define VNET_HASH_REPORT_IPV6_EX	7
#define VNET_HASH_REPORT_TCPV6_EX	8
#define VNET_HASH_REPORT_UDPV6_EX	9

/* Encapsulation types of the inner header hash (virtio 1.4). */
#define VNET_HASH_TUNNEL_GRE_2784	(1u << 0)
#define VNET_HASH_TUNNEL_GRE_2890	(1u << 1)
#define VNET_HASH_TUNNEL_GRE_7676	(1u << 2)
#define VNET_HASH_TUNNEL_GRE_UDP	(1u << 3)
#define VNET_HASH_TUNNEL_VXLAN		(1u << 4)
#define VNET_HASH_TUNNEL_VXLAN_GPE	(1u << 5)
#define VNET_HASH_TUNNEL_GENEVE		(1u << 6)
#define VNET_HASH_TUNNEL_IPIP		(1u << 7)
#define VNET_HASH_TUNNEL_NVGRE		(1u << 8)
#define VNET_HASH_TUNNEL_ALL		0x1ffu

/**
 * struct vnet_rss_input - the bytes a hash type selects from a frame
 * @report:	report type of the hash (VNET_HASH_REPORT_NONE: no hash)
 * @len:	bytes in @data (0 when @report is NONE)
 * @data:	source address, destination address, then source port and
 *		destination port when the type has them, in network order
 */
struct vnet_rss_input {
	uint16_t report;
	uint8_t len;
	uint8_t data[VNET_TOEPLITZ_INPUT_MAX];
};

/**
 * struct vnet_rss_hash - a computed hash, as the header reports it
 * @value:	hash value (0 when none)
 * @report:	report type (VNET_HASH_REPORT_NONE when none)
 */
struct vnet_rss_hash {
	uint32_t value;
	uint16_t report;
};

/**
 * vnet_rss_input() - select the hash input of one layer of headers
 * @pkt:	the frame
 * @l:		a layer of its parse result
 * @types:	enabled hash types
 * @in:		the selected input
 *
 * Applies "IPv4 packets", "IPv6 packets without extension header" and
 * "IPv6 packets with extension header" in their order: TCP, then UDP, then
 * addresses only; for an IPv6 packet with extension headers the _EX types
 * first, with the home address option and the type 2 routing header
 * replacing source and destination, and the plain IPv6 types after them.
 * A fragment (other than an atomic one) hashes as a packet without an L4
 * header, so that every fragment of a datagram hashes alike.
 *
 * Return: 0 (also when no type applies: @in->report is then NONE), or
 * -EFAULT if an address the result points at lies outside the frame
 */
int vnet_rss_input(const struct vnet_pkt *pkt, const struct vnet_parse_layer *l,
		   uint32_t types, struct vnet_rss_input *in);

/**
 * vnet_rss_tunnel_match() - encapsulation types a frame's outer header matches
 * @res:	parse result
 *
 * GRE counts as GRE_2784 without key or sequence number, GRE_2890 with
 * either, GRE_7676 over IPv6 and NVGRE with a key, no checksum or
 * sequence number and Ethernet payload (RFC 7637); one frame may match
 * several.
 *
 * Return: a mask of VNET_HASH_TUNNEL_*, 0 for a frame without tunnel
 */
uint32_t vnet_rss_tunnel_match(const struct vnet_parse_result *res);

/**
 * vnet_rss_hash() - the hash of a frame, as the device computes it
 * @tz:		expanded key
 * @types:	enabled hash types
 * @tunnels:	encapsulation types enabled for the inner header hash
 * @pkt:	the frame
 * @res:	its parse result, or NULL if the frame did not parse (no hash)
 * @out:	hash value and report type
 *
 * The inner layer is hashed when the outer header matches an enabled
 * encapsulation type ("Inner Header Hash"), the outer layer otherwise. An
 * inner layer that is not IP gives no hash.
 *
 * Return: true if a hash was computed
 */
bool vnet_rss_hash(const struct vnet_toeplitz *tz, uint32_t types,
		   uint32_t tunnels, const struct vnet_pkt *pkt,
		   const struct vnet_parse_result *res,
		   struct vnet_rss_hash *out);

VNET_API_END

#endif /* VNET_RSS_H */
