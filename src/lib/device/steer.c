// SPDX-License-Identifier: MIT
/* steer.c - automatic receive steering: a bounded flow table, no allocation */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnet/steer.h"

#define STEER_SLOTS_MAX (1u << 24)

int vnet_steer_init(struct vnet_steer *s, uint32_t slots)
{
	s->slot = NULL;
	s->mask = 0;
	if (!slots || slots > STEER_SLOTS_MAX || (slots & (slots - 1)))
		return -EINVAL;
	s->slot = calloc(slots, sizeof(*s->slot));
	if (!s->slot)
		return -ENOMEM;
	s->mask = slots - 1;
	return 0;
}

void vnet_steer_fini(struct vnet_steer *s)
{
	free(s->slot);
	s->slot = NULL;
	s->mask = 0;
}

void vnet_steer_clear(struct vnet_steer *s)
{
	if (s->slot)
		memset(s->slot, 0, ((size_t)s->mask + 1) * sizeof(*s->slot));
}

/* A 64-bit hash of the key: multiply-xorshift over its words. */
static uint64_t flow_hash(const struct vnet_flow_key *k)
{
	uint64_t w[5] = { 0 }, h = 0x9e3779b97f4a7c15ULL;
	unsigned int i;

	w[0] = (uint64_t)k->family | (uint64_t)k->proto << 8 |
	       (uint64_t)k->lport << 16 | (uint64_t)k->rport << 32;
	memcpy(&w[1], k->laddr, 16);
	memcpy(&w[3], k->raddr, 16);
	for (i = 0; i < 5; i++) {
		h ^= w[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

void vnet_steer_learn(struct vnet_steer *s, const struct vnet_flow_key *k,
		      uint16_t txq)
{
	uint64_t h = flow_hash(k), sig = (h >> 16) | 1;

	if (!s->slot)
		return;
	s->slot[h & s->mask] = sig << 16 | txq;
}

uint16_t vnet_steer_select(const struct vnet_steer *s,
			   const struct vnet_flow_key *k, uint16_t pairs)
{
	uint64_t h = flow_hash(k), sig = (h >> 16) | 1, e;

	if (pairs <= 1)
		return 0;
	if (s->slot) {
		e = s->slot[h & s->mask];
		/* A queue the driver has since disabled is no answer. */
		if (e >> 16 == (sig & 0xffffffffffffULL) &&
		    (uint16_t)e < pairs)
			return (uint16_t)e;
	}
	return (uint16_t)(((h >> 32) * pairs) >> 32);
}

/* Offsets of the source and destination addresses of one layer, and
 * their size; returns the key's family. */
static int addr_offsets(const struct vnet_parse_layer *l, size_t *src,
			size_t *dst, size_t *n)
{
	size_t base = l->l3_off;

	if (l->l3 == VNET_L3_IPV4 || l->l3 == VNET_L3_IPV6) {
		*n = l->l3 == VNET_L3_IPV4 ? 4 : 16;
		if (base > SIZE_MAX - 40)
			return -EFAULT;		/* offset overflows */
		*src = base + (*n == 4 ? 12 : 8);
		*dst = *src + *n;
		return *n == 4 ? 4 : 6;
	}
	/* Non-IP: the Ethernet addresses, destination first in the frame. */
	if (l->l2_off > SIZE_MAX - 12)
		return -EFAULT;			/* offset overflows */
	*dst = l->l2_off;
	*src = l->l2_off + 6;
	*n = 6;
	return 0;
}

int vnet_flow_key_from_frame(const struct vnet_pkt *pkt,
			     const struct vnet_parse_result *res, bool tx,
			     struct vnet_flow_key *k)
{
	const struct vnet_parse_layer *l = &res->outer;
	size_t src = 0, dst = 0, n = 0;
	int family = addr_offsets(l, &src, &dst, &n);
	bool ports;

	memset(k, 0, sizeof(*k));
	if (family < 0)
		return family;
	k->family = (uint8_t)family;
	if (vnet_pkt_read(pkt, tx ? src : dst, k->laddr, n) ||
	    vnet_pkt_read(pkt, tx ? dst : src, k->raddr, n)) {
		memset(k, 0, sizeof(*k));
		return -EFAULT;
	}
	if (!k->family)
		return 0;
	k->proto = l->l4_proto;
	/* Fragments carry no ports past the first: key them all on addresses. */
	ports = (l->l4 == VNET_L4_TCP || l->l4 == VNET_L4_UDP) &&
		l->frag != VNET_FRAG_FIRST && l->frag != VNET_FRAG_LATER;
	if (ports) {
		k->lport = tx ? l->sport : l->dport;
		k->rport = tx ? l->dport : l->sport;
	}
	return 0;
}
