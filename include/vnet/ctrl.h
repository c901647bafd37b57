/* SPDX-License-Identifier: MIT */
/* ctrl.h - the control virtqueue: every command, one entry point */
#ifndef VNET_CTRL_H
#define VNET_CTRL_H

#include <stddef.h>
#include <stdint.h>

#include "vnet/dev.h"
#include "vnet/export.h"

VNET_API_BEGIN

/* ack values */
#define VNET_CTRL_OK		0
#define VNET_CTRL_ERR		1

/* classes and commands, virtio 1.4 "Control Virtqueue" */
#define VNET_CTRL_RX			0
#define  VNET_CTRL_RX_PROMISC		0
#define  VNET_CTRL_RX_ALLMULTI		1
#define  VNET_CTRL_RX_ALLUNI		2
#define  VNET_CTRL_RX_NOMULTI		3
#define  VNET_CTRL_RX_NOUNI		4
#define  VNET_CTRL_RX_NOBCAST		5
#define VNET_CTRL_MAC			1
#define  VNET_CTRL_MAC_TABLE_SET	0
#define  VNET_CTRL_MAC_ADDR_SET		1
#define VNET_CTRL_VLAN			2
#define  VNET_CTRL_VLAN_ADD		0
#define  VNET_CTRL_VLAN_DEL		1
#define VNET_CTRL_ANNOUNCE		3
#define  VNET_CTRL_ANNOUNCE_ACK		0
#define VNET_CTRL_MQ			4
#define  VNET_CTRL_MQ_VQ_PAIRS_SET	0
#define  VNET_CTRL_MQ_RSS_CONFIG	1
#define  VNET_CTRL_MQ_HASH_CONFIG	2
#define VNET_CTRL_GUEST_OFFLOADS	5
#define  VNET_CTRL_GUEST_OFFLOADS_SET	0
#define VNET_CTRL_NOTF_COAL		6
#define  VNET_CTRL_NOTF_COAL_TX_SET	0
#define  VNET_CTRL_NOTF_COAL_RX_SET	1
#define  VNET_CTRL_NOTF_COAL_VQ_SET	2
#define  VNET_CTRL_NOTF_COAL_VQ_GET	3
#define VNET_CTRL_HASH_TUNNEL		7
#define  VNET_CTRL_HASH_TUNNEL_SET	0
#define VNET_CTRL_STATS			8
#define  VNET_CTRL_STATS_QUERY		0
#define  VNET_CTRL_STATS_GET		1

/**
 * vnet_ctrl_exec() - execute one control command
 * @dev:	the device
 * @cmd:	the device-readable part of the buffer, flattened: class,
 *		command, command-specific-data (the legacy two-descriptor
 *		MAC_TABLE_SET concatenates to the same bytes)
 * @len:	its length
 * @result:	room for the command-specific-result (may be NULL if
 *		@result_len is 0); NOTF_COAL_VQ_GET, STATS_QUERY and
 *		STATS_GET write one
 * @result_len:	its size
 * @result_used: bytes of result written (0 unless a command that has a
 *		result succeeds); may be NULL
 *
 * Every command is checked whole before anything changes: a command of a
 * class whose feature was not negotiated, a malformed one (short, long,
 * counts that disagree with the length) or one with a value the device
 * refuses answers VIRTIO_NET_ERR, bumps the counter of its reason in
 * dev->stats and leaves the device as it was. A command that succeeds has
 * taken effect when this returns, so the caller writes the ack and marks
 * the buffer used afterwards. After a NOTF_COAL command, the caller
 * re-checks its queues with vnet_coal_poll().
 *
 * Return: the ack, VNET_CTRL_OK or VNET_CTRL_ERR
 */
int vnet_ctrl_exec(struct vnet_dev *dev, const void *cmd, size_t len,
		   void *result, size_t result_len, size_t *result_used);

VNET_API_END

#endif /* VNET_CTRL_H */
