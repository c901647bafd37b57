/* SPDX-License-Identifier: MIT */
/* hdr.h - the virtio-net header: one decoded struct, every wire layout */
#ifndef VNET_HDR_H
#define VNET_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet/features.h"
#include "vnet/export.h"

VNET_API_BEGIN

/* flags */
#define VNET_HDR_F_NEEDS_CSUM		0x01
#define VNET_HDR_F_DATA_VALID		0x02
#define VNET_HDR_F_RSC_INFO		0x04
#define VNET_HDR_F_UDP_TUNNEL_CSUM	0x08

/* gso_type */
#define VNET_HDR_GSO_NONE		0x00
#define VNET_HDR_GSO_TCPV4		0x01
#define VNET_HDR_GSO_UDP		0x03
#define VNET_HDR_GSO_TCPV6		0x04
#define VNET_HDR_GSO_UDP_L4		0x05
#define VNET_HDR_GSO_UDP_TUNNEL_IPV4	0x20 /* standard: outer is IPv4 */
#define VNET_HDR_GSO_UDP_TUNNEL_IPV6	0x40 /* standard: outer is IPv6 */
#define VNET_HDR_GSO_DRAFT_UDP_TUNNEL	0x40 /* draft-v3 profile only */
#define VNET_HDR_GSO_ECN		0x80

/* Header sizes of the layouts. */
#define VNET_HDR_LEN_LEGACY	10
#define VNET_HDR_LEN_MRG	12
#define VNET_HDR_LEN_HASH	20
#define VNET_HDR_LEN_TUNNEL	24
#define VNET_HDR_LEN_DRAFT_V3	28
#define VNET_HDR_LEN_OUT_NET	32
#define VNET_HDR_LEN_MAX	32

/**
 * struct vnet_hdr - every field of every layout, host-endian
 *
 * Fields a layout lacks decode as zero and are not written by encode.
 * outer_nh_offset and the IPsec resource exist with OUT_NET_HEADER or
 * IPSEC; inner_protocol and inner_mac_offset only in the draft-v3 profile.
 */
struct vnet_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
	uint32_t hash_value;
	uint16_t hash_report;
	uint16_t outer_th_offset;
	uint16_t inner_nh_offset;
	uint16_t inner_protocol;	/* draft-v3 */
	uint16_t inner_mac_offset;	/* draft-v3 */
	uint16_t outer_nh_offset;	/* OUT_NET_HEADER */
	uint32_t ipsec_resource_id;	/* IPSEC */
	uint16_t ipsec_resource_type;	/* IPSEC */
};

/**
 * enum vnet_endian - byte order of the header's multi-byte fields
 * @VNET_ENDIAN_LITTLE:	VERSION_1, or a little-endian legacy guest
 * @VNET_ENDIAN_BIG:	a big-endian legacy guest
 */
enum vnet_endian {
	VNET_ENDIAN_LITTLE = 0,
	VNET_ENDIAN_BIG = 1,
};

/**
 * struct vnet_hdr_layout - what the negotiated features make of the header
 * @size:		bytes on the wire
 * @endian:		byte order of multi-byte fields
 * @profile:		tunnel GSO profile
 * @has_num_buffers:	num_buffers present (VERSION_1 or MRG_RXBUF)
 * @has_hash:		hash_value, hash_report, padding present
 * @has_tunnel:		tunnel offsets present
 * @has_out_net:	outer_nh_offset and the IPsec resource present
 */
struct vnet_hdr_layout {
	uint8_t size;
	enum vnet_endian endian;
	enum vnet_profile profile;
	bool has_num_buffers;
	bool has_hash;
	bool has_tunnel;
	bool has_out_net;
};

/**
 * vnet_hdr_layout_init() - derive the layout from negotiated features
 * @l:			the layout
 * @f:			negotiated features
 * @profile:		tunnel GSO profile
 * @legacy_endian:	the guest's native byte order, used only without
 *			VERSION_1 (the legacy interface)
 */
void vnet_hdr_layout_init(struct vnet_hdr_layout *l,
			  const struct vnet_features *f,
			  enum vnet_profile profile,
			  enum vnet_endian legacy_endian);

/**
 * vnet_hdr_decode() - read a header from the wire
 * @l:		layout
 * @buf:	bytes
 * @len:	bytes available at @buf
 * @h:		decoded header; fields absent from the layout are zero
 *
 * Never reads more than l->size bytes, and nothing when @len is short.
 *
 * Return: l->size, or -EMSGSIZE if @len < l->size
 */
int vnet_hdr_decode(const struct vnet_hdr_layout *l, const void *buf,
		    size_t len, struct vnet_hdr *h);

/**
 * vnet_hdr_encode() - write a header to the wire
 * @l:		layout
 * @h:		header
 * @buf:	output
 * @len:	room at @buf
 *
 * Reserved bytes are written as zero.
 *
 * Return: l->size, or -EMSGSIZE if @len < l->size
 */
int vnet_hdr_encode(const struct vnet_hdr_layout *l, const struct vnet_hdr *h,
		    void *buf, size_t len);

VNET_API_END

#endif /* VNET_HDR_H */
