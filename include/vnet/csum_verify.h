/* SPDX-License-Identifier: MIT */
/* csum_verify.h - does a frame's IPv4, L4 and inner checksums hold */
#ifndef VNET_CSUM_VERIFY_H
#define VNET_CSUM_VERIFY_H

#include <stdint.h>

#include "vnet/parse.h"
#include "vnet/pkt.h"
#include "vnet/export.h"

VNET_API_BEGIN

/**
 * enum vnet_csum_status - the verdict on one checksum
 * @VNET_CSUM_ABSENT:	no checksum at this level (no IPv4 header; a UDP
 *			checksum of zero where zero means "none": IPv4, and
 *			the outer UDP of a tunnel over IPv6, RFC 6935)
 * @VNET_CSUM_OK:	the checksum holds
 * @VNET_CSUM_BAD:	the checksum is wrong
 * @VNET_CSUM_PARTIAL:	the field holds the folded pseudo-header sum only, as
 *			a sender with checksum offload leaves it (Linux
 *			CHECKSUM_PARTIAL): not yet complete, not wrong
 * @VNET_CSUM_UNCHECKED: cannot be checked: a fragment of a larger datagram,
 *			or a protocol without a checksum we know
 */
enum vnet_csum_status {
	VNET_CSUM_ABSENT = 0,
	VNET_CSUM_OK,
	VNET_CSUM_BAD,
	VNET_CSUM_PARTIAL,
	VNET_CSUM_UNCHECKED,
};

/**
 * struct vnet_csum_layer_report - the checksums of one layer
 * @ip:		the IPv4 header checksum (ABSENT for IPv6 or no IP)
 * @l4:		the TCP, UDP, ICMP or ICMPv6 checksum
 * @l4_proto:	the IP protocol @l4 is about (0 if no L4 was reached)
 */
struct vnet_csum_layer_report {
	enum vnet_csum_status ip;
	enum vnet_csum_status l4;
	uint8_t l4_proto;
};

/**
 * struct vnet_csum_report - the checksums of a frame
 * @outer:	the outer (or only) layer
 * @inner:	the layer inside a tunnel, if the parse found one
 */
struct vnet_csum_report {
	struct vnet_csum_layer_report outer;
	struct vnet_csum_layer_report inner;
};

/**
 * vnet_csum_verify() - check every checksum the parse found
 * @pkt:	the frame
 * @res:	its parse (vnet_parse() returned 0)
 * @rep:	the verdicts
 *
 * Reads only through @pkt. The L4 checksum covers the L4 length the IP
 * header claims (the UDP length for UDP), so a GSO super-frame captured
 * before segmentation is checked as one datagram.
 *
 * Return: 0, or -EINVAL if @res does not fit @pkt
 */
int vnet_csum_verify(const struct vnet_pkt *pkt,
		     const struct vnet_parse_result *res,
		     struct vnet_csum_report *rep);

/**
 * vnet_csum_status_name() - "ok", "bad", "partial", "none", "unchecked"
 * @s:		status
 *
 * Return: a static string
 */
const char *vnet_csum_status_name(enum vnet_csum_status s);

VNET_API_END

#endif /* VNET_CSUM_VERIFY_H */
