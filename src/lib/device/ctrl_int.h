/* SPDX-License-Identifier: MIT */
/* ctrl_int.h - control command handlers shared between the ctrl_*.c files */
#ifndef VNET_CTRL_INT_H
#define VNET_CTRL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "vnet/ctrl.h"
#include "dev_int.h"

/**
 * struct ctrl_req - one command being executed
 * @cmd:		command number within its class
 * @data:		command-specific-data
 * @len:		its length
 * @result:		room for command-specific-result
 * @result_len:		its size
 * @result_used:	bytes of result written
 */
struct ctrl_req {
	uint8_t cmd;
	const uint8_t *data;
	size_t len;
	uint8_t *result;
	size_t result_len;
	size_t result_used;
};

/**
 * ctrl_fail() - refuse a command for the reason @counter counts
 * @counter:	the reason's counter in dev->stats
 *
 * Return: VNET_CTRL_ERR
 */
static inline int ctrl_fail(uint64_t *counter)
{
	(*counter)++;
	return VNET_CTRL_ERR;
}

/* ctrl_rx.c: receive modes, MAC filter, VLAN filter */
int ctrl_rx_mode(struct vnet_dev *dev, struct ctrl_req *r);
int ctrl_mac_table_set(struct vnet_dev *dev, struct ctrl_req *r);
int ctrl_mac_addr_set(struct vnet_dev *dev, struct ctrl_req *r);
int ctrl_vlan_add(struct vnet_dev *dev, struct ctrl_req *r);
int ctrl_vlan_del(struct vnet_dev *dev, struct ctrl_req *r);

/* ctrl_mq.c: multiqueue, RSS, hash parameters, inner header hash */
int ctrl_mq_pairs_set(struct vnet_dev *dev, struct ctrl_req *r);
int ctrl_mq_rss_config(struct vnet_dev *dev, struct ctrl_req *r);
int ctrl_mq_hash_config(struct vnet_dev *dev, struct ctrl_req *r);
int ctrl_hash_tunnel_set(struct vnet_dev *dev, struct ctrl_req *r);

/* ctrl_coal.c: notification coalescing */
int ctrl_coal_tx_set(struct vnet_dev *dev, struct ctrl_req *r);
int ctrl_coal_rx_set(struct vnet_dev *dev, struct ctrl_req *r);
int ctrl_coal_vq_set(struct vnet_dev *dev, struct ctrl_req *r);
int ctrl_coal_vq_get(struct vnet_dev *dev, struct ctrl_req *r);

/* ctrl_stats.c: device statistics */
int ctrl_stats_query(struct vnet_dev *dev, struct ctrl_req *r);
int ctrl_stats_get(struct vnet_dev *dev, struct ctrl_req *r);

#endif /* VNET_CTRL_INT_H */
