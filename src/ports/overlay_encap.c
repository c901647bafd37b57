// SPDX-License-Identifier: MIT
/* overlay_encap.c - outer headers, source port entropy, the tunnel header */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "vnet/csum.h"
#include "vnet/overlay.h"
#include "vnet/tx.h"

#define ETH_HLEN	14
#define UDP_HLEN	8
#define ETH_P_IPV4	0x0800
#define ETH_P_IPV6	0x86dd
#define ETH_P_TEB	0x6558	/* transparent Ethernet bridging */

/**
 * put16() - store a 16-bit value in network order
 * @p:		destination
 * @v:		host-order value
 */
static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/**
 * mix32() - a 32-bit finaliser (murmur3's fmix32)
 * @h:		value
 *
 * Return: the mixed value
 */
static uint32_t mix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bU;
	h ^= h >> 13;
	h *= 0xc2b2ae35U;
	h ^= h >> 16;
	return h;
}

/**
 * hash_bytes() - fold bytes into a running hash, four at a time
 * @h:		running hash
 * @p:		bytes
 * @len:	their count
 *
 * Return: the new running hash
 */
static uint32_t hash_bytes(uint32_t h, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 4) {
		uint32_t w = 0;

		memcpy(&w, p + i, len - i < 4 ? len - i : 4);
		h = mix32(h ^ w) * 5 + 0xe6546b64U;
	}
	return h;
}

/**
 * flow_hash() - the hash of an inner frame's flow
 * @cfg:	configuration (seed)
 * @frame:	the inner frame
 * @inner:	its parse, or NULL
 *
 * Addresses, protocol and ports of an IP frame (ports only for TCP/UDP
 * that is not a later fragment); the MAC addresses and ethertype
 * otherwise, as Linux falls back to the Ethernet header.
 *
 * Return: the hash
 */
static uint32_t flow_hash(const struct vnet_overlay_config *cfg,
			  const struct vnet_pkt *frame,
			  const struct vnet_parse_result *inner)
{
	const struct vnet_parse_layer *l = inner ? &inner->outer : NULL;
	uint8_t key[40] = { 0 };
	size_t alen, klen;

	if (!l || (l->l3 != VNET_L3_IPV4 && l->l3 != VNET_L3_IPV6)) {
		if (vnet_pkt_read(frame, 0, key, ETH_HLEN))
			return mix32(cfg->hash_seed);
		return mix32(hash_bytes(cfg->hash_seed, key, ETH_HLEN));
	}
	alen = l->l3 == VNET_L3_IPV4 ? 8 : 32;
	if (vnet_pkt_read(frame, l->l3_off + (alen == 8 ? 12 : 8), key, alen))
		return mix32(cfg->hash_seed);
	key[alen] = l->l4_proto;
	klen = alen + 4;
	if (l->l4 == VNET_L4_TCP || l->l4 == VNET_L4_UDP) {
		put16(key + klen, l->sport);
		put16(key + klen + 2, l->dport);
		klen += 4;
	}
	return mix32(hash_bytes(cfg->hash_seed, key, klen));
}

uint16_t vnet_overlay_sport(const struct vnet_overlay_config *cfg,
			    const struct vnet_pkt *frame,
			    const struct vnet_parse_result *inner)
{
	uint32_t hash = flow_hash(cfg, frame, inner);
	uint32_t range = (uint32_t)(cfg->sport_max - cfg->sport_min);

	/* udp_flow_src_port(): use the upper 16 bits too, then scale */
	hash ^= hash << 16;
	return (uint16_t)((((uint64_t)hash * range) >> 32) + cfg->sport_min);
}

/**
 * encap_tunnel() - the VXLAN or Geneve header
 * @cfg:	configuration
 * @p:		where it goes
 *
 * Return: its length
 */
static size_t encap_tunnel(const struct vnet_overlay_config *cfg, uint8_t *p)
{
	bool crit = false;
	size_t i;

	if (cfg->type == VNET_OVERLAY_VXLAN) {
		memset(p, 0, VNET_OVERLAY_VXLAN_HLEN);
		p[0] = 0x08;				/* I: VNI valid */
		p[4] = (uint8_t)(cfg->vni >> 16);
		p[5] = (uint8_t)(cfg->vni >> 8);
		p[6] = (uint8_t)cfg->vni;
		return VNET_OVERLAY_VXLAN_HLEN;
	}
	/* RFC 8926 3.4: the C bit says a critical option is present */
	for (i = 0; i + 4 <= cfg->geneve_opt_len; i += 4 + 4 * (size_t)
	     (cfg->geneve_opts[i + 3] & 0x1f))
		crit |= cfg->geneve_opts[i + 2] & 0x80;
	p[0] = (uint8_t)(cfg->geneve_opt_len / 4);	/* version 0 */
	p[1] = crit ? 0x40 : 0;
	put16(p + 2, ETH_P_TEB);
	p[4] = (uint8_t)(cfg->vni >> 16);
	p[5] = (uint8_t)(cfg->vni >> 8);
	p[6] = (uint8_t)cfg->vni;
	p[7] = 0;
	memcpy(p + 8, cfg->geneve_opts, cfg->geneve_opt_len);
	return VNET_OVERLAY_GENEVE_HLEN + cfg->geneve_opt_len;
}

/**
 * encap_ip() - the outer IPv4 or IPv6 header
 * @o:		the port
 * @remote:	destination
 * @l4_len:	UDP header and everything after it
 * @p:		where it goes
 *
 * Return: its length
 */
static size_t encap_ip(struct vnet_overlay *o,
		       const struct vnet_overlay_addr *remote, size_t l4_len,
		       uint8_t *p)
{
	const struct vnet_overlay_config *cfg = &o->cfg;
	uint16_t c;

	if (cfg->local.family == AF_INET6) {
		p[0] = (uint8_t)(0x60 | cfg->tos >> 4);
		p[1] = (uint8_t)(cfg->tos << 4);
		p[2] = p[3] = 0;			/* flow label */
		put16(p + 4, (uint16_t)l4_len);
		p[6] = 17;
		p[7] = cfg->ttl;
		memcpy(p + 8, cfg->local.a, 16);
		memcpy(p + 24, remote->a, 16);
		return 40;
	}
	p[0] = 0x45;
	p[1] = cfg->tos;
	put16(p + 2, (uint16_t)(20 + l4_len));
	put16(p + 4, o->ip_id);
	put16(p + 6, cfg->df ? 0x4000 : 0);
	p[8] = cfg->ttl;
	p[9] = 17;
	memcpy(p + 12, cfg->local.a, 4);
	memcpy(p + 16, remote->a, 4);
	c = vnet_csum_ipv4_header(p, 20);
	memcpy(p + 10, &c, 2);
	return 20;
}

/**
 * encap_pseudo() - partial sum of the outer UDP pseudo-header
 * @e:		the encapsulation, outer IP header written
 * @l3_off:	offset of the outer IP header
 * @v6:		outer IPv6
 * @udp_len:	UDP length
 *
 * Return: the partial sum
 */
static uint32_t encap_pseudo(const struct vnet_overlay_encap *e, size_t l3_off,
			     bool v6, size_t udp_len)
{
	const uint8_t *ip = e->buf + l3_off;

	if (v6)
		return vnet_csum_pseudo_ipv6(ip + 8, ip + 24, 17,
					     (uint32_t)udp_len);
	return vnet_csum_pseudo_ipv4(ip + 12, ip + 16, 17, (uint32_t)udp_len);
}

/**
 * encap_udp_csum() - the full outer UDP checksum of a frame without GSO
 * @e:		the encapsulation, everything but the checksum written
 * @gh:		the guest's header
 * @frame:	the guest's frame
 * @uh_off:	offset of the outer UDP header in @e
 * @sum:	the pseudo-header sum
 *
 * With NEEDS_CSUM the inner checksum is still to be done (by the
 * underlay): its datagram will then sum to the complement of the field
 * the guest left (Linux's lco_csum()), so only the bytes before
 * csum_start are read.
 *
 * Return: 0 with the field stored, or -EFAULT
 */
static int encap_udp_csum(struct vnet_overlay_encap *e,
			  const struct vnet_hdr *gh,
			  const struct vnet_pkt *frame, size_t uh_off,
			  uint32_t sum)
{
	size_t hlen = e->len - uh_off;
	uint32_t part = 0;
	uint16_t field, c;

	sum = vnet_csum_partial(e->buf + uh_off, hlen, sum);
	if (!(gh->flags & VNET_HDR_F_NEEDS_CSUM)) {
		if (vnet_csum_iov(frame->iov, frame->iovcnt, 0, frame->len,
				  &part))
			return -EFAULT;
		sum = vnet_csum_block_add(sum, part, hlen);
	} else {
		if (vnet_csum_iov(frame->iov, frame->iovcnt, 0, gh->csum_start,
				  &part) ||
		    vnet_pkt_read(frame, (size_t)gh->csum_start +
				  gh->csum_offset, &field, 2))
			return -EFAULT;
		sum = vnet_csum_block_add(sum, part, hlen);
		sum = vnet_csum_block_add(sum, (uint16_t)~field,
					  hlen + gh->csum_start);
	}
	c = vnet_csum_udp_finish(sum);
	memcpy(e->buf + uh_off + 6, &c, 2);
	return 0;
}

/**
 * encap_hdr() - the guest's header as the underlay's tunnel header
 * @o:		the port
 * @gh:		the guest's header
 * @inner:	the guest frame's parse
 * @e:		the encapsulation; e->hdr is filled
 * @th_off:	offset of the outer UDP header
 *
 * Return: 0, or -EINVAL for UFO or a tunnel GSO of the guest's own
 */
static int encap_hdr(struct vnet_overlay *o, const struct vnet_hdr *gh,
		     const struct vnet_parse_result *inner,
		     struct vnet_overlay_encap *e, size_t th_off)
{
	const struct vnet_parse_layer *l = &inner->outer;
	uint8_t base = vnet_tx_gso_base(gh);
	struct vnet_hdr *h = &e->hdr;
	bool v6 = o->cfg.local.family == AF_INET6;

	memset(h, 0, sizeof(*h));
	if (vnet_tx_is_tunnel(gh) || base == VNET_HDR_GSO_UDP)
		return -EINVAL;
	h->num_buffers = 1;
	if (gh->flags & VNET_HDR_F_NEEDS_CSUM) {
		h->flags = VNET_HDR_F_NEEDS_CSUM;
		h->csum_start = (uint16_t)(gh->csum_start + e->len);
		h->csum_offset = gh->csum_offset;
	}
	if (base == VNET_HDR_GSO_NONE) {
		h->hdr_len = gh->hdr_len ? (uint16_t)(gh->hdr_len + e->len) : 0;
		return 0;
	}
	h->gso_type = (uint8_t)(gh->gso_type | (v6 ?
		VNET_HDR_GSO_UDP_TUNNEL_IPV6 : VNET_HDR_GSO_UDP_TUNNEL_IPV4));
	h->gso_size = gh->gso_size;
	h->hdr_len = (uint16_t)(e->len + l->l4_off + l->l4_hdr_len);
	h->outer_th_offset = (uint16_t)th_off;
	h->inner_nh_offset = (uint16_t)(e->len + l->l3_off);
	if (o->cfg.udp_csum)
		h->flags |= VNET_HDR_F_UDP_TUNNEL_CSUM;
	return 0;
}

/**
 * encap_segments() - how many outer IPv4 IDs a frame uses
 * @gh:		the guest's header
 * @frame:	its frame
 * @inner:	its parse
 *
 * Return: the number of segments the frame becomes
 */
static uint16_t encap_segments(const struct vnet_hdr *gh,
			       const struct vnet_pkt *frame,
			       const struct vnet_parse_result *inner)
{
	size_t hlen = inner->outer.l4_off + inner->outer.l4_hdr_len;

	if (gh->gso_type == VNET_HDR_GSO_NONE || !gh->gso_size ||
	    frame->len <= hlen)
		return 1;
	return (uint16_t)((frame->len - hlen + gh->gso_size - 1) / gh->gso_size);
}

int vnet_overlay_encap(struct vnet_overlay *o, const struct vnet_hdr *gh,
		       const struct vnet_pkt *frame,
		       const struct vnet_parse_result *inner,
		       const struct vnet_overlay_addr *remote,
		       struct vnet_overlay_encap *e)
{
	const struct vnet_overlay_config *cfg = &o->cfg;
	bool v6 = cfg->local.family == AF_INET6;
	size_t l3 = v6 ? 40 : 20, th_off = ETH_HLEN + l3;
	size_t tnl_len, udp_len, uh_off = th_off;
	uint8_t tnl[VNET_OVERLAY_GENEVE_HLEN + VNET_OVERLAY_GENEVE_OPT_MAX];
	uint16_t c = 0;
	uint8_t *p = e->buf;

	tnl_len = encap_tunnel(cfg, tnl);
	e->len = th_off + UDP_HLEN + tnl_len;
	if (frame->len > 65535 - UDP_HLEN - tnl_len - (v6 ? 0 : 20))
		return -EMSGSIZE;			/* IP length field */
	if (encap_hdr(o, gh, inner, e, th_off))
		return -EINVAL;
	udp_len = UDP_HLEN + tnl_len + frame->len;
	memcpy(p, cfg->gw_mac, 6);
	memcpy(p + 6, cfg->mac, 6);
	put16(p + 12, v6 ? ETH_P_IPV6 : ETH_P_IPV4);
	encap_ip(o, remote, udp_len, p + ETH_HLEN);
	put16(p + uh_off, vnet_overlay_sport(cfg, frame, inner));
	put16(p + uh_off + 2, cfg->dport);
	put16(p + uh_off + 4, (uint16_t)udp_len);
	memcpy(p + uh_off + 6, &c, 2);
	memcpy(p + uh_off + UDP_HLEN, tnl, tnl_len);
	o->ip_id = (uint16_t)(o->ip_id + encap_segments(gh, frame, inner));
	if (!cfg->udp_csum)
		return 0;
	if (e->hdr.gso_type != VNET_HDR_GSO_NONE) {
		/* as udp_set_csum() leaves it for GSO: the folded pseudo sum */
		c = vnet_csum_fold(encap_pseudo(e, ETH_HLEN, v6, udp_len));
		memcpy(p + uh_off + 6, &c, 2);
		return 0;
	}
	return encap_udp_csum(e, gh, frame, uh_off,
			      encap_pseudo(e, ETH_HLEN, v6, udp_len));
}
