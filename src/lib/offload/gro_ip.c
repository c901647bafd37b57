// SPDX-License-Identifier: MIT
/* gro_ip.c - the IP layer of coalescing: flow key, IPv4/IPv6 rules, lengths */

#include <string.h>

#include "gro_priv.h"

#include "vnet/csum.h"

/**
 * gro_ip_addrs() - copy a layer's source and destination addresses
 * @hdr:	the frame's headers, or NULL (then zeroes)
 * @l:		the layer
 * @src:	16 bytes, zero-padded for IPv4
 * @dst:	16 bytes, zero-padded for IPv4
 */
static void gro_ip_addrs(const uint8_t *hdr, const struct vnet_parse_layer *l,
			 uint8_t *src, uint8_t *dst)
{
	static const uint8_t zero[16];
	const uint8_t *ip = hdr ? hdr + l->l3_off : NULL;

	if (ip && l->l3 == VNET_L3_IPV6) {
		memcpy(src, ip + 8, 16);
		memcpy(dst, ip + 24, 16);
		return;
	}
	memcpy(src, ip ? ip + 12 : zero, 4);
	memcpy(dst, ip ? ip + 16 : zero, 4);
	memcpy(src + 4, zero, 12);
	memcpy(dst + 4, zero, 12);
}

/**
 * gro_key_hash() - a hash of the fields that vary most between flows
 * @s:		the segment, key built
 *
 * Only a filter for the table scan (keys are compared whole after), so a
 * weak hash costs a memcmp at worst. Reads the key's words through the
 * fields just stored as words, never bytes stored separately (a load that
 * spans several small stores stalls).
 *
 * Return: the hash
 */
static uint32_t gro_key_hash(const struct gro_seg *s)
{
	const struct gro_key *k = &s->key;
	uint64_t a, b;
	uint32_t w[4];

	memcpy(w, k->src + 12, 4);
	memcpy(w + 1, k->dst + 12, 4);
	memcpy(w + 2, k->osrc + 12, 4);
	memcpy(w + 3, k->odst + 12, 4);
	a = ((uint64_t)k->sport << 16 | k->dport) ^ (uint64_t)w[0] << 32 ^
	    w[1] ^ (uint64_t)k->vni << 24;
	b = (uint64_t)w[2] << 32 ^ w[3] ^ k->osport;
	memcpy(w, k->src, 4);
	a ^= (uint64_t)w[0] << 17;
	a = (a ^ (b << 1 | b >> 63)) * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(a >> 32);
}

/**
 * gro_opt_hash() - FNV-1a over a tunnel header's options (Geneve)
 * @hdr:	the frame's headers (the tunnel header lies inside them)
 * @t:		the tunnel
 *
 * Return: the hash, 0 without options
 */
static uint32_t gro_opt_hash(const uint8_t *hdr,
			     const struct vnet_parse_tunnel *t)
{
	const uint8_t *p = hdr + t->off + 8;	/* Geneve fixed header: 8 */
	uint32_t h = 2166136261u;
	size_t i;

	if (t->type != VNET_TUNNEL_GENEVE || !t->geneve_opt_len)
		return 0;
	for (i = 0; i < t->geneve_opt_len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/**
 * gro_ip_key() - build a segment's flow key and its hash
 * @s:		the segment, parsed, layers chosen
 *
 * Reads the headers through a peek of the whole header run; a segment
 * whose headers cannot be peeked gets a key without addresses or MACs (it
 * is refused later by gro_seg_fields()). The view is left in s->hdr
 * (NULL if none) for the ladder. Every field is stored, so the key (which
 * has no padding) compares whole with memcmp.
 */
void gro_ip_key(struct gro_seg *s)
{
	const struct vnet_parse_layer *l = s->l, *o = s->o;
	const struct vnet_parse_layer *e = o ? o : l;
	struct gro_key *k = &s->key;
	size_t end = l->payload_off;
	const uint8_t *hdr;

	hdr = end && end <= GRO_HDR_MAX ?
	      vnet_pkt_peek(s->pkt, 0, end, s->scratch) : NULL;
	s->hdr = hdr;				/* gro_seg_fields() uses it */
	if (hdr && e->has_eth)
		memcpy(k->eth, hdr + e->l2_off, 12);
	else
		memset(k->eth, 0, 12);
	memcpy(k->vlan, e->vlan_tci, sizeof(k->vlan));
	gro_ip_addrs(hdr, l, k->src, k->dst);
	gro_ip_addrs(o ? hdr : NULL, o ? o : l, k->osrc, k->odst);
	k->proto = l->l4_proto;
	k->v6 = l->l3 == VNET_L3_IPV6;
	k->sport = l->sport;
	k->dport = l->dport;
	k->tunnel = o ? (uint8_t)s->res.tunnel.type : 0;
	k->outer_v6 = o && o->l3 == VNET_L3_IPV6;
	k->osport = o ? o->sport : 0;
	k->odport = o ? o->dport : 0;
	k->vni = o ? s->res.tunnel.vni : 0;
	k->topt = hdr && o ? gro_opt_hash(hdr, &s->res.tunnel) : 0;
	k->flowlabel = hdr && k->v6 ?
		       vnet_load_be32(hdr + l->l3_off) & 0xfffff : 0;
	s->hash = gro_key_hash(s);
}

/**
 * gro_ip_layer_flush() - the IP rules for one layer of @s against @f
 * @a:		the flow's IP header (first segment)
 * @b:		the segment's IP header
 * @v6:		IPv6
 * @last_id:	the flow's last ID (IPv4)
 * @fixed:	the flow's IDs stay fixed (IPv4)
 * @segs:	segments in the flow
 * @check_id:	apply the ID rule (RSC does not: Windows repeats IDs)
 *
 * Return: true if any criterion differs
 */
static bool gro_ip_layer_flush(const uint8_t *a, const uint8_t *b, bool v6,
			       uint16_t last_id, bool fixed, uint16_t segs,
			       bool check_id)
{
	bool flush = false;

	if (v6) {
		flush |= ((vnet_load_be32(a) ^ vnet_load_be32(b)) &
			  0x0ff00000) != 0;		/* traffic class */
		flush |= a[7] != b[7];			/* hop limit */
		return flush;
	}
	flush |= a[1] != b[1];				/* TOS: DSCP and ECN */
	flush |= a[8] != b[8];				/* TTL */
	flush |= ((a[6] ^ b[6]) & 0x40) != 0;		/* DF */
	flush |= check_id && gro_ip_id_flush(last_id, fixed, segs,
					     vnet_load_be16(b + 4),
					     b[6] & 0x40);	/* ID, RFC 6864 */
	return flush;
}

/**
 * gro_ip_flush() - the IP rules of the coalesced layer, and its layout
 * @f:		the flow
 * @s:		the segment (same key)
 * @check_id:	apply the IPv4 ID rule
 *
 * Return: true if @s cannot join @f
 */
bool gro_ip_flush(const struct vnet_gro_flow *f, const struct gro_seg *s,
		  bool check_id)
{
	bool flush = false;

	flush |= s->hdr_len != f->hdr_len;		/* header layout */
	flush |= s->l->l3_off != f->l3_off;
	flush |= s->l->l4_off != f->l4_off;
	if (flush)
		return true;
	return gro_ip_layer_flush(f->buf + f->l3_off, s->hdr + f->l3_off,
				  f->v6, f->id, f->id_fixed, f->segs, check_id);
}

/**
 * gro_ip_outer_flush() - the IP rules of a tunnel's outer layer
 * @f:		the flow
 * @s:		the segment (same key, same layout)
 * @check_id:	apply the IPv4 ID rule
 *
 * Return: true if @s cannot join @f
 */
bool gro_ip_outer_flush(const struct vnet_gro_flow *f,
			const struct gro_seg *s, bool check_id)
{
	return gro_ip_layer_flush(f->buf + f->ol3_off, s->hdr + f->ol3_off,
				  f->outer_v6, f->oid, f->oid_fixed, f->segs,
				  check_id);
}

/**
 * gro_ip_note() - remember a segment's IPv4 IDs (after start or append)
 * @f:		the flow; f->segs already counts @s
 * @s:		the segment
 */
void gro_ip_note(struct vnet_gro_flow *f, const struct gro_seg *s)
{
	uint16_t id = 0, oid = 0;

	if (!f->v6)
		id = vnet_load_be16(s->hdr + s->l->l3_off + 4);
	if (f->tunnel && !f->outer_v6)
		oid = vnet_load_be16(s->hdr + s->o->l3_off + 4);
	if (f->segs == 2) {
		f->id_fixed = id == f->id;
		f->oid_fixed = oid == f->oid;
	}
	f->id = id;
	f->oid = oid;
}

/**
 * gro_ip_finish() - set an IP header's length (and IPv4 checksum)
 * @buf:	the super-frame
 * @len:	its length
 * @l3_off:	the IP header
 * @v6:		IPv6
 */
void gro_ip_finish(uint8_t *buf, size_t len, size_t l3_off, bool v6)
{
	uint8_t *ip = buf + l3_off;
	uint16_t c;

	if (v6) {
		gro_put16(ip + 4, (uint16_t)(len - l3_off - 40));
		return;
	}
	gro_put16(ip + 2, (uint16_t)(len - l3_off));
	c = vnet_csum_ipv4_header(ip, (size_t)(ip[0] & 0xf) * 4);
	memcpy(ip + 10, &c, 2);
}

/**
 * gro_ip_pseudo() - the pseudo-header sum of a layer
 * @buf:	the frame
 * @l3_off:	its IP header
 * @v6:		IPv6
 * @proto:	IP protocol
 * @l4_len:	transport length
 *
 * Return: the partial sum
 */
uint32_t gro_ip_pseudo(const uint8_t *buf, size_t l3_off, bool v6,
		       uint8_t proto, size_t l4_len)
{
	const uint8_t *ip = buf + l3_off;

	if (v6)
		return vnet_csum_pseudo_ipv6(ip + 8, ip + 24, proto,
					     (uint32_t)l4_len);
	return vnet_csum_pseudo_ipv4(ip + 12, ip + 16, proto, (uint32_t)l4_len);
}
