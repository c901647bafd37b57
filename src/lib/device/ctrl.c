// SPDX-License-Identifier: MIT
/* ctrl.c - control queue entry point: command table, announce, guest offloads */

#include <stdbool.h>

#include "ctrl_int.h"

#define CTRL_LEN_VAR	SIZE_MAX	/* the handler checks the length */

/**
 * struct ctrl_cmd - one command: who may send it, its size, its handler
 * @class:	class
 * @cmd:	command
 * @feature:	the feature the driver must have negotiated
 * @len:	exact data length, or CTRL_LEN_VAR
 * @fn:		handler; called only with the feature and length checked
 */
struct ctrl_cmd {
	uint8_t class;
	uint8_t cmd;
	unsigned int feature;
	size_t len;
	int (*fn)(struct vnet_dev *dev, struct ctrl_req *r);
};

static int ctrl_announce_ack(struct vnet_dev *dev, struct ctrl_req *r);
static int ctrl_guest_offloads_set(struct vnet_dev *dev, struct ctrl_req *r);

static const struct ctrl_cmd ctrl_cmds[] = {
	{ VNET_CTRL_RX, VNET_CTRL_RX_PROMISC, VNET_F_CTRL_RX, 1, ctrl_rx_mode },
	{ VNET_CTRL_RX, VNET_CTRL_RX_ALLMULTI, VNET_F_CTRL_RX, 1, ctrl_rx_mode },
	{ VNET_CTRL_RX, VNET_CTRL_RX_ALLUNI, VNET_F_CTRL_RX_EXTRA, 1,
	  ctrl_rx_mode },
	{ VNET_CTRL_RX, VNET_CTRL_RX_NOMULTI, VNET_F_CTRL_RX_EXTRA, 1,
	  ctrl_rx_mode },
	{ VNET_CTRL_RX, VNET_CTRL_RX_NOUNI, VNET_F_CTRL_RX_EXTRA, 1,
	  ctrl_rx_mode },
	{ VNET_CTRL_RX, VNET_CTRL_RX_NOBCAST, VNET_F_CTRL_RX_EXTRA, 1,
	  ctrl_rx_mode },
	{ VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET, VNET_F_CTRL_RX, CTRL_LEN_VAR,
	  ctrl_mac_table_set },
	{ VNET_CTRL_MAC, VNET_CTRL_MAC_ADDR_SET, VNET_F_CTRL_MAC_ADDR, 6,
	  ctrl_mac_addr_set },
	{ VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD, VNET_F_CTRL_VLAN, 2, ctrl_vlan_add },
	{ VNET_CTRL_VLAN, VNET_CTRL_VLAN_DEL, VNET_F_CTRL_VLAN, 2, ctrl_vlan_del },
	{ VNET_CTRL_ANNOUNCE, VNET_CTRL_ANNOUNCE_ACK, VNET_F_GUEST_ANNOUNCE, 0,
	  ctrl_announce_ack },
	{ VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET, VNET_F_MQ, 2,
	  ctrl_mq_pairs_set },
	{ VNET_CTRL_MQ, VNET_CTRL_MQ_RSS_CONFIG, VNET_F_RSS, CTRL_LEN_VAR,
	  ctrl_mq_rss_config },
	{ VNET_CTRL_MQ, VNET_CTRL_MQ_HASH_CONFIG, VNET_F_HASH_REPORT,
	  CTRL_LEN_VAR, ctrl_mq_hash_config },
	{ VNET_CTRL_GUEST_OFFLOADS, VNET_CTRL_GUEST_OFFLOADS_SET,
	  VNET_F_CTRL_GUEST_OFFLOADS, 8, ctrl_guest_offloads_set },
	{ VNET_CTRL_NOTF_COAL, VNET_CTRL_NOTF_COAL_TX_SET, VNET_F_NOTF_COAL, 8,
	  ctrl_coal_tx_set },
	{ VNET_CTRL_NOTF_COAL, VNET_CTRL_NOTF_COAL_RX_SET, VNET_F_NOTF_COAL, 8,
	  ctrl_coal_rx_set },
	{ VNET_CTRL_NOTF_COAL, VNET_CTRL_NOTF_COAL_VQ_SET, VNET_F_VQ_NOTF_COAL,
	  12, ctrl_coal_vq_set },
	{ VNET_CTRL_NOTF_COAL, VNET_CTRL_NOTF_COAL_VQ_GET, VNET_F_VQ_NOTF_COAL,
	  4, ctrl_coal_vq_get },
	{ VNET_CTRL_HASH_TUNNEL, VNET_CTRL_HASH_TUNNEL_SET, VNET_F_HASH_TUNNEL,
	  4, ctrl_hash_tunnel_set },
	{ VNET_CTRL_STATS, VNET_CTRL_STATS_QUERY, VNET_F_DEVICE_STATS, 0,
	  ctrl_stats_query },
	{ VNET_CTRL_STATS, VNET_CTRL_STATS_GET, VNET_F_DEVICE_STATS,
	  CTRL_LEN_VAR, ctrl_stats_get },
};

static const struct ctrl_cmd *ctrl_lookup(uint8_t class, uint8_t cmd)
{
	size_t i;

	for (i = 0; i < sizeof(ctrl_cmds) / sizeof(ctrl_cmds[0]); i++)
		if (ctrl_cmds[i].class == class && ctrl_cmds[i].cmd == cmd)
			return &ctrl_cmds[i];
	return NULL;
}

/*
 * "Gratuitous Packet Sending": clear ANNOUNCE before the buffer is used.
 * An ack with the bit already clear is answered OK: the bit is clear, as
 * the driver asks.
 */
static int ctrl_announce_ack(struct vnet_dev *dev, struct ctrl_req *r)
{
	(void)r;
	if (dev->status & VNET_S_ANNOUNCE) {
		dev->status &= (uint16_t)~VNET_S_ANNOUNCE;
		dev->config_gen++;
	}
	return VNET_CTRL_OK;
}

/* "Setting Offloads State": only offloads whose feature was negotiated. */
static int ctrl_guest_offloads_set(struct vnet_dev *dev, struct ctrl_req *r)
{
	uint64_t offloads = dev_ld64(dev, r->data);
	struct vnet_features f;

	if (vnet_guest_offloads_to_features(offloads, dev->p.profile, &f))
		return ctrl_fail(&dev->stats.ctrl_err_offloads);  /* no offload */
	if ((f.w[0] & ~dev->features.w[0]) || (f.w[1] & ~dev->features.w[1]))
		return ctrl_fail(&dev->stats.ctrl_err_offloads);  /* not negotiated */
	dev->guest_offloads = f;
	return VNET_CTRL_OK;
}

int vnet_ctrl_exec(struct vnet_dev *dev, const void *cmd, size_t len,
		   void *result, size_t result_len, size_t *result_used)
{
	const uint8_t *b = cmd;
	const struct ctrl_cmd *c;
	struct ctrl_req r;
	int ack;

	if (result_used)
		*result_used = 0;
	dev->stats.ctrl_commands++;
	if (!vnet_dev_has(dev, VNET_F_CTRL_VQ))
		return ctrl_fail(&dev->stats.ctrl_err_no_ctrl_vq);
	if (len < 2)
		return ctrl_fail(&dev->stats.ctrl_err_truncated);
	c = ctrl_lookup(b[0], b[1]);
	if (!c)
		return ctrl_fail(&dev->stats.ctrl_err_unknown);
	if (!vnet_dev_has(dev, c->feature))
		return ctrl_fail(&dev->stats.ctrl_err_feature);
	if (c->len != CTRL_LEN_VAR && len - 2 != c->len)
		return ctrl_fail(&dev->stats.ctrl_err_len);
	r = (struct ctrl_req){ .cmd = b[1], .data = b + 2, .len = len - 2,
			       .result = result, .result_len = result_len };
	ack = c->fn(dev, &r);
	if (ack != VNET_CTRL_OK)
		return VNET_CTRL_ERR;
	dev->stats.ctrl_ok++;
	if (result_used)
		*result_used = r.result_used;
	return VNET_CTRL_OK;
}
