/* SPDX-License-Identifier: MIT */
/* tx.h - what a transmitted header may ask for: validation, reasons, counters */
#ifndef VNET_TX_H
#define VNET_TX_H

#include <stdint.h>

#include "vnet/features.h"
#include "vnet/hdr.h"
#include "vnet/parse.h"
#include "vnet/pkt.h"
#include "vnet/export.h"

VNET_API_BEGIN

/*
 * The rules are those of the device-side text of the virtio specification
 * ("Packet Transmission") and every check Linux applies to a header it
 * receives (__virtio_net_hdr_to_skb, virtio_net_hdr_tnl_to_skb, tun_get_user),
 * listed in spec/udp-tunnel-gso-standard.md. Where the two differ the
 * stricter one wins; the differences are named at each reason.
 */

/* Linux's UDP_MAX_SEGMENTS: most segments one USO request may make. */
#define VNET_TX_USO_MAX_SEGS	128

/* Longest run of headers the engine replicates into every segment. */
#define VNET_TX_HDR_MAX		512

/**
 * enum vnet_tx_reason - why a transmitted frame was refused
 * @VNET_TX_OK:			accepted
 * @VNET_TX_GSO_TYPE:		unknown gso_type (Linux: default case), or
 *				ECN on GSO_NONE
 * @VNET_TX_GSO_NOT_NEGOTIATED:	gso_type whose HOST_TSO4/TSO6/UFO/USO feature
 *				was not negotiated (spec, driver normative)
 * @VNET_TX_ECN_NOT_NEGOTIATED:	GSO_ECN without HOST_ECN (spec)
 * @VNET_TX_ECN_NOT_TCP:	GSO_ECN on UDP_L4 (Linux) or UDP (stricter
 *				than Linux: ECN names a TCP packet, spec)
 * @VNET_TX_GSO_SIZE_ZERO:	GSO with gso_size 0 (Linux)
 * @VNET_TX_GSO_SIZE_MAX:	gso_size 0xFFFF, GSO_BY_FRAGS (Linux)
 * @VNET_TX_GSO_NO_CSUM:	GSO without NEEDS_CSUM (spec: MUST set)
 * @VNET_TX_CSUM_NOT_NEGOTIATED: NEEDS_CSUM without VIRTIO_NET_F_CSUM (spec)
 * @VNET_TX_TNL_NOT_NEGOTIATED:	tunnel bit without HOST_UDP_TUNNEL_GSO
 * @VNET_TX_TNL_BOTH:		both the IPV4 and IPV6 tunnel bits
 * @VNET_TX_TNL_INNER_TYPE:	tunnel with inner NONE or UDP (UFO)
 * @VNET_TX_TNL_CSUM_NOT_NEGOTIATED: UDP_TUNNEL_CSUM without
 *				HOST_UDP_TUNNEL_GSO_CSUM
 * @VNET_TX_TNL_CSUM_NO_TUNNEL:	UDP_TUNNEL_CSUM without a tunnel bit
 * @VNET_TX_TNL_DATA_VALID:	DATA_VALID with a tunnel bit
 * @VNET_TX_TNL_OUTER_TH:	outer_th_offset < 14 + 20 (or 40)
 * @VNET_TX_TNL_INNER_NH:	inner_nh_offset < outer_th_offset + 8
 * @VNET_TX_TNL_CSUM_START:	csum_start < inner_nh_offset + 20 (or 40)
 * @VNET_TX_CSUM_RANGE:		csum_start + max(L4 header, csum_offset + 2)
 *				beyond the frame (Linux)
 * @VNET_TX_CSUM_START_SHORT:	csum_start inside the minimal network header
 * @VNET_TX_TCP_CSUM_OFFSET:	TCP GSO with csum_offset != 16 (Linux)
 * @VNET_TX_UDP_CSUM_OFFSET:	UDP GSO with csum_offset != 6 (Linux)
 * @VNET_TX_PARSE:		GSO frame whose headers do not parse
 * @VNET_TX_PROTO_MISMATCH:	the frame is not what gso_type names (IP
 *				version, TCP/UDP, outer UDP of a tunnel)
 * @VNET_TX_FRAGMENT:		GSO of a frame that is already a fragment
 * @VNET_TX_CSUM_START_L4:	GSO with csum_start not at the transport
 *				header (the inner one in a tunnel)
 * @VNET_TX_TNL_OFFSETS:	outer_th_offset / inner_nh_offset not at the
 *				outer UDP / inner network header parsed
 * @VNET_TX_USO_SEGS:		USO making more than 128 segments (Linux)
 * @VNET_TX_HDR_LEN:		GUEST_HDRLEN negotiated and hdr_len is not the
 *				headers' length (spec: MUST be equal)
 * @VNET_TX_HDR_TOO_LONG:	headers longer than VNET_TX_HDR_MAX
 * @VNET_TX_UFO_SIZE:		UFO gso_size below 8 (no room for a fragment)
 * @VNET_TX_REASON_MAX:		number of reasons
 */
enum vnet_tx_reason {
	VNET_TX_OK = 0,
	VNET_TX_GSO_TYPE,
	VNET_TX_GSO_NOT_NEGOTIATED,
	VNET_TX_ECN_NOT_NEGOTIATED,
	VNET_TX_ECN_NOT_TCP,
	VNET_TX_GSO_SIZE_ZERO,
	VNET_TX_GSO_SIZE_MAX,
	VNET_TX_GSO_NO_CSUM,
	VNET_TX_CSUM_NOT_NEGOTIATED,
	VNET_TX_TNL_NOT_NEGOTIATED,
	VNET_TX_TNL_BOTH,
	VNET_TX_TNL_INNER_TYPE,
	VNET_TX_TNL_CSUM_NOT_NEGOTIATED,
	VNET_TX_TNL_CSUM_NO_TUNNEL,
	VNET_TX_TNL_DATA_VALID,
	VNET_TX_TNL_OUTER_TH,
	VNET_TX_TNL_INNER_NH,
	VNET_TX_TNL_CSUM_START,
	VNET_TX_CSUM_RANGE,
	VNET_TX_CSUM_START_SHORT,
	VNET_TX_TCP_CSUM_OFFSET,
	VNET_TX_UDP_CSUM_OFFSET,
	VNET_TX_PARSE,
	VNET_TX_PROTO_MISMATCH,
	VNET_TX_FRAGMENT,
	VNET_TX_CSUM_START_L4,
	VNET_TX_TNL_OFFSETS,
	VNET_TX_USO_SEGS,
	VNET_TX_HDR_LEN,
	VNET_TX_HDR_TOO_LONG,
	VNET_TX_UFO_SIZE,
	VNET_TX_REASON_MAX,
};

/**
 * struct vnet_tx_stats - transmit counters
 * @frames:	frames accepted
 * @segments:	segments produced
 * @passthrough: frames handed on untouched
 * @rejected:	frames refused, all reasons
 * @reason:	frames refused, per reason (reason[0] unused)
 */
struct vnet_tx_stats {
	uint64_t frames;
	uint64_t segments;
	uint64_t passthrough;
	uint64_t rejected;
	uint64_t reason[VNET_TX_REASON_MAX];
};

/**
 * vnet_tx_reason_name() - short name of a reason
 * @reason:	the reason
 *
 * Return: a static string such as "gso-size-zero"; "ok" for VNET_TX_OK,
 * "unknown" out of range
 */
const char *vnet_tx_reason_name(enum vnet_tx_reason reason);

/**
 * vnet_tx_is_tunnel() - whether a header asks for GSO over a UDP tunnel
 * @h:		the header
 *
 * Return: true if either tunnel bit is set
 */
static inline bool vnet_tx_is_tunnel(const struct vnet_hdr *h)
{
	return h->gso_type & (VNET_HDR_GSO_UDP_TUNNEL_IPV4 |
			      VNET_HDR_GSO_UDP_TUNNEL_IPV6);
}

/**
 * vnet_tx_gso_base() - gso_type without the ECN and tunnel bits
 * @h:		the header
 *
 * Return: VNET_HDR_GSO_NONE, TCPV4, UDP, TCPV6, UDP_L4 or another value
 */
static inline uint8_t vnet_tx_gso_base(const struct vnet_hdr *h)
{
	return h->gso_type & (uint8_t)~(VNET_HDR_GSO_ECN |
					VNET_HDR_GSO_UDP_TUNNEL_IPV4 |
					VNET_HDR_GSO_UDP_TUNNEL_IPV6);
}

/**
 * vnet_tx_gso_layer() - the layer a GSO header segments
 * @h:		header
 * @res:	its frame's parse
 *
 * Return: the inner layer for a tunnel, else the outer
 */
static inline const struct vnet_parse_layer *
vnet_tx_gso_layer(const struct vnet_hdr *h, const struct vnet_parse_result *res)
{
	return vnet_tx_is_tunnel(h) ? &res->inner : &res->outer;
}

/**
 * vnet_tx_parse() - parse a frame the way transmit offloads need it
 * @h:		the header (its tunnel offsets locate the inner packet)
 * @pkt:	the frame
 * @res:	the result: outer layer; for a tunnel header, the inner layer
 *		parsed from inner_nh_offset, with offsets into the frame
 *
 * No UDP port is taken for a tunnel: the header says where the tunnel is
 * (GSO over any UDP port). The inner network header is parsed whatever
 * lies before it.
 *
 * Return: 0, or -enum vnet_parse_err
 */
int vnet_tx_parse(const struct vnet_hdr *h, const struct vnet_pkt *pkt,
		  struct vnet_parse_result *res);

/**
 * vnet_tx_validate() - apply every rule to a transmitted header and frame
 * @h:		the decoded header
 * @pkt:	the frame after the header
 * @res:	the frame parsed by vnet_tx_parse()
 * @negotiated:	negotiated features
 * @parse_err:	what vnet_tx_parse() returned (only GSO needs a good parse)
 * @stats:	counters: the reason's is bumped on refusal (may be NULL)
 *
 * Reads nothing but @h, @res and the frame length: hdr_len is a length to
 * compare, never an offset to read at.
 *
 * Return: VNET_TX_OK, or the first rule broken
 */
enum vnet_tx_reason vnet_tx_validate(const struct vnet_hdr *h,
				     const struct vnet_pkt *pkt,
				     const struct vnet_parse_result *res,
				     const struct vnet_features *negotiated,
				     int parse_err, struct vnet_tx_stats *stats);

/**
 * vnet_tx_csum_compute() - the checksum NEEDS_CSUM asks for
 * @pkt:	the frame
 * @csum_start:	first byte summed
 * @csum_offset: position of the field after @csum_start
 * @field:	the value to store at @csum_start + @csum_offset, as loaded
 *		with memcpy
 *
 * Sums from @csum_start to the end of the frame, the field as the driver
 * left it (the pseudo-header sum), as the specification says. A result of
 * zero is given as 0xffff, as Linux's skb_checksum_help() does.
 *
 * Return: 0, or -EFAULT if the field lies outside the frame
 */
int vnet_tx_csum_compute(const struct vnet_pkt *pkt, size_t csum_start,
			 size_t csum_offset, uint16_t *field);

/**
 * vnet_tx_csum_apply() - complete the checksum of a writable frame in place
 * @pkt:	the frame, made by vnet_pkt_init_rw()
 * @csum_start:	first byte summed
 * @csum_offset: position of the field after @csum_start
 *
 * Return: 0, -EFAULT if the field lies outside the frame, -EROFS if the
 * view is read-only
 */
int vnet_tx_csum_apply(const struct vnet_pkt *pkt, size_t csum_start,
		       size_t csum_offset);

VNET_API_END

#endif /* VNET_TX_H */
