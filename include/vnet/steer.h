/* SPDX-License-Identifier: MIT */
/* steer.h - automatic receive steering: a flow goes back where it was sent */
#ifndef VNET_STEER_H
#define VNET_STEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet/parse.h"
#include "vnet/pkt.h"
#include "vnet/export.h"

VNET_API_BEGIN

/*
 * virtio "Automatic receive steering in multiqueue mode": after the driver
 * transmitted a packet of a flow on transmitqX, the device SHOULD steer
 * incoming packets of that flow to receiveqX; other packets MAY go to any
 * enabled queue.
 *
 * A flow is named from the guest's side: its local end (the source of what
 * the guest sends, the destination of what it receives) and its remote end.
 * The table is a fixed array of slots indexed by a hash of the flow, sized
 * once: learning overwrites, so a busy table forgets old flows and never
 * allocates. Flows the table does not know are spread over the enabled
 * queues by the same hash, so one flow's packets stay in order.
 */

/**
 * struct vnet_flow_key - a flow as the guest sees it
 * @family:	4 or 6 for IP, 0 for a non-IP frame (keyed on MAC addresses)
 * @proto:	IP protocol (0 for non-IP)
 * @lport:	local port (TCP/UDP, else 0)
 * @rport:	remote port
 * @laddr:	local address (IPv4 in the first 4 bytes; MAC in the first 6)
 * @raddr:	remote address
 */
struct vnet_flow_key {
	uint8_t family;
	uint8_t proto;
	uint16_t lport;
	uint16_t rport;
	uint8_t laddr[16];
	uint8_t raddr[16];
};

/**
 * struct vnet_steer - the flow table
 * @mask:	slots - 1 (slots a power of two)
 * @slot:	per slot: flow signature (0 = empty) in the high 48 bits,
 *		transmit queue in the low 16
 */
struct vnet_steer {
	uint32_t mask;
	uint64_t *slot;
};

/**
 * vnet_steer_init() - allocate a table
 * @s:		the table
 * @slots:	slots, a power of two from 1 to 2^24
 *
 * Return: 0, -EINVAL for a bad size, -ENOMEM
 */
int vnet_steer_init(struct vnet_steer *s, uint32_t slots);

/**
 * vnet_steer_fini() - free a table
 * @s:		the table (vnet_steer_init() may have failed)
 */
void vnet_steer_fini(struct vnet_steer *s);

/**
 * vnet_steer_clear() - forget every flow
 * @s:		the table
 */
void vnet_steer_clear(struct vnet_steer *s);

/**
 * vnet_flow_key_from_frame() - the flow of a parsed frame
 * @pkt:	the frame
 * @res:	its parse result (outer layer used)
 * @tx:		true for a frame the guest sent, false for one it receives
 * @k:		the key
 *
 * Return: 0, or -EFAULT if an address lies outside the frame (the key is
 * then that of an unknown flow, all zero)
 */
int vnet_flow_key_from_frame(const struct vnet_pkt *pkt,
			     const struct vnet_parse_result *res, bool tx,
			     struct vnet_flow_key *k);

/**
 * vnet_steer_learn() - the guest sent a packet of @k on transmit queue @txq
 * @s:		the table
 * @k:		flow
 * @txq:	0-based transmit queue (pair) number
 */
void vnet_steer_learn(struct vnet_steer *s, const struct vnet_flow_key *k,
		      uint16_t txq);

/**
 * vnet_steer_select() - the receive queue for a packet of @k
 * @s:		the table
 * @k:		flow
 * @pairs:	queue pairs in use, at least 1
 *
 * Return: 0-based receive queue number below @pairs
 */
uint16_t vnet_steer_select(const struct vnet_steer *s,
			   const struct vnet_flow_key *k, uint16_t pairs);

VNET_API_END

#endif /* VNET_STEER_H */
