// SPDX-License-Identifier: MIT
/* hdr.c - encode and decode the virtio-net header in every layout */

#include <endian.h>
#include <errno.h>
#include <string.h>

#include "vnet/hdr.h"

/* Byte offsets of the fields (virtio 1.4 struct virtio_net_hdr). */
enum {
	OFF_FLAGS = 0,
	OFF_GSO_TYPE = 1,
	OFF_HDR_LEN = 2,
	OFF_GSO_SIZE = 4,
	OFF_CSUM_START = 6,
	OFF_CSUM_OFFSET = 8,
	OFF_NUM_BUFFERS = 10,
	OFF_HASH_VALUE = 12,
	OFF_HASH_REPORT = 16,
	OFF_OUTER_TH = 20,
	OFF_INNER_NH = 22,		/* standard */
	OFF_DRAFT_INNER_PROTO = 22,	/* draft-v3 */
	OFF_DRAFT_INNER_MAC = 24,	/* draft-v3 */
	OFF_DRAFT_INNER_NH = 26,	/* draft-v3 */
	OFF_OUTER_NH = 24,		/* OUT_NET_HEADER */
	OFF_IPSEC_ID = 26,
	OFF_IPSEC_TYPE = 30,
};

void vnet_hdr_layout_init(struct vnet_hdr_layout *l,
			  const struct vnet_features *f,
			  enum vnet_profile profile,
			  enum vnet_endian legacy_endian)
{
	bool v1 = vnet_features_has(f, VNET_F_VERSION_1);
	bool tunnel;

	if (profile == VNET_PROFILE_DRAFT_V3)
		tunnel = vnet_features_has(f, VNET_F_DRAFT_GUEST_UDP_TUNNEL_GSO) ||
			 vnet_features_has(f, VNET_F_DRAFT_HOST_UDP_TUNNEL_GSO);
	else
		tunnel = vnet_features_has(f, VNET_F_GUEST_UDP_TUNNEL_GSO) ||
			 vnet_features_has(f, VNET_F_HOST_UDP_TUNNEL_GSO);

	memset(l, 0, sizeof(*l));
	l->profile = profile;
	l->endian = v1 ? VNET_ENDIAN_LITTLE : legacy_endian;
	l->has_num_buffers = v1 || vnet_features_has(f, VNET_F_MRG_RXBUF);
	l->has_out_net = profile == VNET_PROFILE_STANDARD &&
			 (vnet_features_has(f, VNET_F_OUT_NET_HEADER) ||
			  vnet_features_has(f, VNET_F_IPSEC));
	/* Each later block of the struct implies the earlier ones exist. */
	l->has_tunnel = tunnel || l->has_out_net;
	l->has_hash = vnet_features_has(f, VNET_F_HASH_REPORT) || l->has_tunnel;

	if (l->has_out_net)
		l->size = VNET_HDR_LEN_OUT_NET;
	else if (l->has_tunnel)
		l->size = profile == VNET_PROFILE_DRAFT_V3 ?
			  VNET_HDR_LEN_DRAFT_V3 : VNET_HDR_LEN_TUNNEL;
	else if (l->has_hash)
		l->size = VNET_HDR_LEN_HASH;
	else if (l->has_num_buffers)
		l->size = VNET_HDR_LEN_MRG;
	else
		l->size = VNET_HDR_LEN_LEGACY;
}

/* One load or store per field: the byte order is the layout's. */
static uint16_t get16(const struct vnet_hdr_layout *l, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return l->endian == VNET_ENDIAN_BIG ? be16toh(v) : le16toh(v);
}

static uint32_t get32(const struct vnet_hdr_layout *l, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return l->endian == VNET_ENDIAN_BIG ? be32toh(v) : le32toh(v);
}

static void put16(const struct vnet_hdr_layout *l, uint8_t *p, uint16_t v)
{
	v = l->endian == VNET_ENDIAN_BIG ? htobe16(v) : htole16(v);
	memcpy(p, &v, sizeof(v));
}

static void put32(const struct vnet_hdr_layout *l, uint8_t *p, uint32_t v)
{
	v = l->endian == VNET_ENDIAN_BIG ? htobe32(v) : htole32(v);
	memcpy(p, &v, sizeof(v));
}

static void decode_tunnel(const struct vnet_hdr_layout *l, const uint8_t *p,
			  struct vnet_hdr *h)
{
	h->outer_th_offset = get16(l, p + OFF_OUTER_TH);
	if (l->profile == VNET_PROFILE_DRAFT_V3) {
		h->inner_protocol = get16(l, p + OFF_DRAFT_INNER_PROTO);
		h->inner_mac_offset = get16(l, p + OFF_DRAFT_INNER_MAC);
		h->inner_nh_offset = get16(l, p + OFF_DRAFT_INNER_NH);
	} else {
		h->inner_nh_offset = get16(l, p + OFF_INNER_NH);
	}
}

int vnet_hdr_decode(const struct vnet_hdr_layout *l, const void *buf,
		    size_t len, struct vnet_hdr *h)
{
	const uint8_t *p = buf;

	if (len < l->size)
		return -EMSGSIZE;
	memset(h, 0, sizeof(*h));
	h->flags = p[OFF_FLAGS];
	h->gso_type = p[OFF_GSO_TYPE];
	h->hdr_len = get16(l, p + OFF_HDR_LEN);
	h->gso_size = get16(l, p + OFF_GSO_SIZE);
	h->csum_start = get16(l, p + OFF_CSUM_START);
	h->csum_offset = get16(l, p + OFF_CSUM_OFFSET);
	if (l->has_num_buffers)
		h->num_buffers = get16(l, p + OFF_NUM_BUFFERS);
	if (l->has_hash) {
		h->hash_value = get32(l, p + OFF_HASH_VALUE);
		h->hash_report = get16(l, p + OFF_HASH_REPORT);
	}
	if (l->has_tunnel)
		decode_tunnel(l, p, h);
	if (l->has_out_net) {
		h->outer_nh_offset = get16(l, p + OFF_OUTER_NH);
		h->ipsec_resource_id = get32(l, p + OFF_IPSEC_ID);
		h->ipsec_resource_type = get16(l, p + OFF_IPSEC_TYPE);
	}
	return l->size;
}

static void encode_tunnel(const struct vnet_hdr_layout *l, uint8_t *p,
			  const struct vnet_hdr *h)
{
	put16(l, p + OFF_OUTER_TH, h->outer_th_offset);
	if (l->profile == VNET_PROFILE_DRAFT_V3) {
		put16(l, p + OFF_DRAFT_INNER_PROTO, h->inner_protocol);
		put16(l, p + OFF_DRAFT_INNER_MAC, h->inner_mac_offset);
		put16(l, p + OFF_DRAFT_INNER_NH, h->inner_nh_offset);
	} else {
		put16(l, p + OFF_INNER_NH, h->inner_nh_offset);
	}
}

int vnet_hdr_encode(const struct vnet_hdr_layout *l, const struct vnet_hdr *h,
		    void *buf, size_t len)
{
	uint8_t *p = buf;

	if (len < l->size)
		return -EMSGSIZE;
	memset(p, 0, l->size);
	p[OFF_FLAGS] = h->flags;
	p[OFF_GSO_TYPE] = h->gso_type;
	put16(l, p + OFF_HDR_LEN, h->hdr_len);
	put16(l, p + OFF_GSO_SIZE, h->gso_size);
	put16(l, p + OFF_CSUM_START, h->csum_start);
	put16(l, p + OFF_CSUM_OFFSET, h->csum_offset);
	if (l->has_num_buffers)
		put16(l, p + OFF_NUM_BUFFERS, h->num_buffers);
	if (l->has_hash) {
		put32(l, p + OFF_HASH_VALUE, h->hash_value);
		put16(l, p + OFF_HASH_REPORT, h->hash_report);
	}
	if (l->has_tunnel)
		encode_tunnel(l, p, h);
	if (l->has_out_net) {
		put16(l, p + OFF_OUTER_NH, h->outer_nh_offset);
		put32(l, p + OFF_IPSEC_ID, h->ipsec_resource_id);
		put16(l, p + OFF_IPSEC_TYPE, h->ipsec_resource_type);
	}
	return l->size;
}
