/* SPDX-License-Identifier: MIT */
/* coal.h - notification coalescing: when a queue's used buffers are signalled */
#ifndef VNET_COAL_H
#define VNET_COAL_H

#include <stdbool.h>
#include <stdint.h>

#include "vnet/export.h"

VNET_API_BEGIN

/*
 * virtio 1.4 "Notifications Coalescing / Operation": with both parameters
 * non-zero, a queue counts packets and microseconds from its first unsignalled
 * packet, and the conditions are met at max_packets packets or max_usecs
 * microseconds, whichever comes first; with either parameter zero, after
 * every packet. A notification the driver suppresses is never sent.
 *
 * The library owns no clock and no timer: the caller passes the time in
 * microseconds (any monotonic origin) and arms its own timer for
 * vnet_coal_deadline().
 */

/**
 * struct vnet_coal_params - coalescing parameters of one queue
 * @max_packets:	packets before a notification (0: every packet)
 * @max_usecs:		microseconds before a notification (0: every packet)
 */
struct vnet_coal_params {
	uint32_t max_packets;
	uint32_t max_usecs;
};

/**
 * struct vnet_coal - one queue's coalescing state
 * @params:	parameters in force
 * @pending:	used buffers not yet signalled
 * @first_us:	time of the first of them
 */
struct vnet_coal {
	struct vnet_coal_params params;
	uint32_t pending;
	uint64_t first_us;
};

/**
 * vnet_coal_reset() - parameters as given, nothing pending
 * @c:		queue state
 * @p:		parameters (NULL: both zero)
 */
void vnet_coal_reset(struct vnet_coal *c, const struct vnet_coal_params *p);

/**
 * vnet_coal_packet() - a packet was placed in the used ring
 * @c:		queue state
 * @now_us:	current time
 * @suppressed:	the driver suppresses used buffer notifications now (flag
 *		or event index, as the transport reads it)
 *
 * When the conditions are met but notifications are suppressed, nothing is
 * sent and counting starts again: a driver that re-enables notifications
 * checks the used ring itself.
 *
 * Return: true if the caller must send a used buffer notification now
 */
bool vnet_coal_packet(struct vnet_coal *c, uint64_t now_us, bool suppressed);

/**
 * vnet_coal_packets() - @n packets were placed in the used ring at once
 * @c:		queue state
 * @now_us:	current time
 * @n:		packets
 * @suppressed:	as for vnet_coal_packet()
 *
 * What @n calls of vnet_coal_packet() at @now_us do, and their answers
 * or-ed; with a parameter zero (every packet due, the default) without a
 * loop over the packets.
 *
 * Return: true if the caller must send a used buffer notification now
 */
bool vnet_coal_packets(struct vnet_coal *c, uint64_t now_us, unsigned int n,
		       bool suppressed);

/**
 * vnet_coal_poll() - check the conditions without a new packet
 * @c:		queue state
 * @now_us:	current time
 * @suppressed:	as for vnet_coal_packet()
 *
 * For the caller's timer, and after the parameters change ("Notifications
 * When Coalescing Parameters Change": new conditions already met notify at
 * once).
 *
 * Return: true if the caller must send a used buffer notification now
 */
bool vnet_coal_poll(struct vnet_coal *c, uint64_t now_us, bool suppressed);

/**
 * vnet_coal_set() - change the parameters, keeping what is pending
 * @c:		queue state
 * @p:		new parameters
 */
void vnet_coal_set(struct vnet_coal *c, const struct vnet_coal_params *p);

/**
 * vnet_coal_deadline() - when the caller's timer must fire
 * @c:		queue state
 *
 * Return: the time at which max_usecs expires for what is pending, or
 * UINT64_MAX when nothing is pending or no timer applies
 */
uint64_t vnet_coal_deadline(const struct vnet_coal *c);

VNET_API_END

#endif /* VNET_COAL_H */
