// SPDX-License-Identifier: MIT
/* gso_udp.c - UDP segmentation (USO) and UDP fragmentation (UFO), v4 and v6 */

#include <errno.h>
#include <string.h>

#include "vnet/csum.h"
#include "vnet/pkt.h"
#include "gso_priv.h"

#define IPV6_NEXTHDR_HOP	0
#define IPV6_NEXTHDR_ROUTING	43
#define IPV6_NEXTHDR_FRAGMENT	44
#define IPV6_NEXTHDR_DEST	60
#define IPV4_MF			0x2000
#define IPV6_MF			0x0001
#define FRAG_HLEN		8

/**
 * gso_uso_fix() - one USO segment's UDP and IP fields
 * @st:		state
 * @hdr:	the segment's header
 * @i:		segment index
 * @n:		payload bytes
 *
 * Each segment is a UDP datagram of its own: length 8 + n, checksum
 * complete; IPv4 ID incremented per segment (__udp_gso_segment).
 */
static void gso_uso_fix(struct gso_state *st, uint8_t *hdr, unsigned int i,
			size_t n)
{
	const struct vnet_parse_layer *l = st->l;
	uint8_t *uh = hdr + l->l4_off;
	size_t l4len = st->hlen - l->l4_off + n;
	uint64_t sum;
	uint16_t c;

	gso_put16(uh + 4, (uint16_t)l4len);
	gso_fix_l3(hdr, l, st->hlen - l->l3_off + n, (uint16_t)(st->id0 + i),
		   st->ip_base);
	sum = (uint64_t)st->l4_base + gso_val16((uint16_t)l4len) +
	      gso_len_sum((uint32_t)l4len) + gso_payload_sum(st, l);
	c = gso_finish(sum, true);
	memcpy(uh + 6, &c, 2);
}

/**
 * gso_uso_segment() - segment a UDP frame into datagrams
 * @st:		state, with the template and sizes set
 *
 * Return: segments made, or -ENOSPC
 */
int gso_uso_segment(struct gso_state *st)
{
	const struct vnet_parse_layer *l = st->l;

	st->id0 = l->l3 == VNET_L3_IPV4 ?
		  vnet_load_be16(st->tmpl + l->l3_off + 4) : 0;
	static const size_t zero[] = { 4, 6 };		/* length, csum */

	st->ip_base = gso_ip_base(st->tmpl, l);
	st->l4_base = gso_l4_base(st->tmpl, l, zero, 2);
	st->inner_fix = gso_uso_fix;
	st->fast = st->outer_fix ? 0 : GSO_FAST_UDP;
	return gso_run(st);
}

/**
 * ufo_unfrag_len() - where IPv6's fragment header goes (ip6_find_1stfragopt)
 * @t:		the headers
 * @l:		the layer
 * @prev:	offset of the next-header byte that names what follows it
 *
 * Hop-by-hop and routing headers, and destination options before a routing
 * header, stay in front of the fragment header.
 *
 * Return: offset of the first fragmentable header
 */
static size_t ufo_unfrag_len(const uint8_t *t, const struct vnet_parse_layer *l,
			     size_t *prev)
{
	size_t pos = l->l3_off + 40;
	bool rthdr = false;
	uint8_t nh;

	*prev = l->l3_off + 6;
	while (pos + 2 <= l->l4_off) {		/* the parser walked the chain */
		nh = t[*prev];
		if (nh == IPV6_NEXTHDR_ROUTING)
			rthdr = true;
		else if (nh != IPV6_NEXTHDR_HOP &&
			 !(nh == IPV6_NEXTHDR_DEST && !rthdr))
			break;
		*prev = pos;
		pos += ((size_t)t[pos + 1] + 1) * 8;
	}
	if (pos > l->l4_off) {			/* cannot: the parser walked it */
		*prev = l->l3_off + 6;
		return l->l3_off + 40;
	}
	return pos;
}

/**
 * ufo_fix() - one fragment's IP fields
 * @st:		state
 * @hdr:	the fragment's header
 * @hb:		header bytes before the UDP header (fragment header included)
 * @off:	offset of the fragment in the UDP datagram
 * @n:		bytes of the datagram in the fragment
 * @last:	the last fragment
 *
 * IPv4: same ID, offset in 8-byte units, MF but on the last, DF cleared
 * (Linux writes the whole field). IPv6: the fragment header's offset and M.
 */
static void ufo_fix(struct gso_state *st, uint8_t *hdr, size_t hb, size_t off,
		    size_t n, bool last)
{
	const struct vnet_parse_layer *l = st->l;
	uint8_t *ip = hdr + l->l3_off;
	uint16_t c;

	if (l->l3 == VNET_L3_IPV6) {
		gso_put16(ip + 4, (uint16_t)(hb - l->l3_off - 40 + n));
		gso_put16(hdr + st->hlen + 2,
			  (uint16_t)(off | (last ? 0 : IPV6_MF)));
		return;
	}
	gso_put16(ip + 2, (uint16_t)(hb - l->l3_off + n));
	gso_put16(ip + 6, (uint16_t)((off >> 3) | (last ? 0 : IPV4_MF)));
	c = vnet_csum_ipv4_header(ip, l->l3_hdr_len);
	memcpy(ip + 10, &c, 2);
}

/**
 * ufo_template() - headers of every fragment, plus the checksummed UDP header
 * @st:		state
 * @hb:		set to the header bytes before the UDP header
 *
 * st->hlen is set to where the fragment header lies (IPv6), and the UDP
 * checksum over the whole datagram is computed: fragments cannot carry it
 * partially (udp4_ufo_fragment, udp6_ufo_fragment).
 *
 * Return: 0, or -EFAULT
 */
static int ufo_template(struct gso_state *st, size_t *hb)
{
	const struct vnet_parse_layer *l = st->l;
	size_t dlen = st->frame->len - l->l4_off, u, prev;
	uint8_t *t = st->tmpl, *uh;
	uint32_t sum = 0;
	uint16_t c;

	if (vnet_pkt_read(st->frame, 0, t, l->l4_off + 8))
		return -EFAULT;
	*hb = l->l4_off;
	if (l->l3 == VNET_L3_IPV6) {
		u = ufo_unfrag_len(t, l, &prev);
		memmove(t + u + FRAG_HLEN, t + u, l->l4_off + 8 - u);
		t[u] = t[prev];			/* fragment's next header */
		t[u + 1] = 0;
		gso_put32(t + u + 4, ++st->ctx->ipv6_frag_id);
		t[prev] = IPV6_NEXTHDR_FRAGMENT;
		st->hlen = u;
		*hb += FRAG_HLEN;
	}
	uh = t + *hb;
	memset(uh + 6, 0, 2);
	if (vnet_csum_iov(st->frame->iov, st->frame->iovcnt, l->l4_off + 8,
			  dlen - 8, &sum))
		return -EFAULT;
	sum = vnet_csum_block_add(vnet_csum_partial(uh, 8, 0), sum, 8);
	sum = vnet_csum_add(sum, l->l3 == VNET_L3_IPV6 ?
		vnet_csum_pseudo_ipv6(t + l->l3_off + 8, t + l->l3_off + 24,
				      17, (uint32_t)dlen) :
		vnet_csum_pseudo_ipv4(t + l->l3_off + 12, t + l->l3_off + 16,
				      17, (uint32_t)dlen));
	c = vnet_csum_udp_finish(sum);
	memcpy(uh + 6, &c, 2);
	return 0;
}

/**
 * gso_ufo_segment() - fragment a UDP datagram into IP fragments
 * @st:		state
 *
 * Each fragment holds gso_size bytes of the datagram, rounded down to a
 * multiple of 8 (Linux uses gso_size as is, which makes broken offsets
 * when it is not one); the first holds the UDP header. IPv6 offsets count
 * the datagram only; Linux 6.18 counts an unfragmentable extension header
 * (destination options) in every step too, and its later fragments then
 * carry wrong offsets: not copied.
 *
 * Return: fragments made, or -errno
 */
int gso_ufo_segment(struct gso_state *st)
{
	const struct vnet_parse_layer *l = st->l;
	size_t dlen = st->frame->len - l->l4_off, fs = st->h->gso_size & ~7u;
	size_t off, n, hb, hlen, skip;
	uint8_t *hdr;
	int err;

	err = ufo_template(st, &hb);
	if (err)
		return err;
	for (off = 0; off < dlen; off += n) {
		n = dlen - off < fs ? dlen - off : fs;
		skip = off ? 0 : 8;		/* UDP header: in the template */
		hlen = hb + skip;
		hdr = gso_seg_begin(st, hlen, n - skip);
		if (!hdr)
			return -ENOSPC;
		memcpy(hdr, st->tmpl, hlen);
		ufo_fix(st, hdr, hb, off, n, off + n == dlen);
		err = gso_seg_end(st, hdr, hlen, l->l4_off + off + skip,
				  n - skip);
		if (err)
			return err;
	}
	return (int)st->out->nseg;
}
