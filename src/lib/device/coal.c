// SPDX-License-Identifier: MIT
/* coal.c - notification coalescing policy of one queue */

#include <stddef.h>

#include "vnet/coal.h"

void vnet_coal_reset(struct vnet_coal *c, const struct vnet_coal_params *p)
{
	c->params.max_packets = p ? p->max_packets : 0;
	c->params.max_usecs = p ? p->max_usecs : 0;
	c->pending = 0;
	c->first_us = 0;
}

void vnet_coal_set(struct vnet_coal *c, const struct vnet_coal_params *p)
{
	c->params = *p;
}

/* The conditions of "Operation", for what is pending at @now_us. */
static bool coal_due(const struct vnet_coal *c, uint64_t now_us)
{
	if (!c->pending)
		return false;
	if (!c->params.max_packets || !c->params.max_usecs)
		return true;
	if (c->pending >= c->params.max_packets)
		return true;
	/* A clock that went backwards counts as no time elapsed. */
	return now_us >= c->first_us &&
	       now_us - c->first_us >= c->params.max_usecs;
}

bool vnet_coal_poll(struct vnet_coal *c, uint64_t now_us, bool suppressed)
{
	if (!coal_due(c, now_us))
		return false;
	c->pending = 0;
	return !suppressed;
}

bool vnet_coal_packet(struct vnet_coal *c, uint64_t now_us, bool suppressed)
{
	if (!c->pending)
		c->first_us = now_us;
	if (c->pending < UINT32_MAX)
		c->pending++;
	return vnet_coal_poll(c, now_us, suppressed);
}

bool vnet_coal_packets(struct vnet_coal *c, uint64_t now_us, unsigned int n,
		       bool suppressed)
{
	bool due = false;

	if (!n)
		return false;
	if (!c->params.max_packets || !c->params.max_usecs) {
		/* each packet due as it comes, the last leaving nothing
		 * pending: the count was started now unless it was already
		 * running for the only one */
		if (!c->pending || n > 1)
			c->first_us = now_us;
		c->pending = 0;
		return !suppressed;
	}
	while (n--)
		due |= vnet_coal_packet(c, now_us, suppressed);
	return due;
}

uint64_t vnet_coal_deadline(const struct vnet_coal *c)
{
	if (!c->pending || !c->params.max_packets || !c->params.max_usecs)
		return UINT64_MAX;
	if (c->first_us > UINT64_MAX - c->params.max_usecs)
		return UINT64_MAX;
	return c->first_us + c->params.max_usecs;
}
