// SPDX-License-Identifier: MIT
/* ctrl_coal.c - notification coalescing commands: TX/RX_SET, VQ_SET, VQ_GET */

#include "ctrl_int.h"

/* struct virtio_net_ctrl_coal: le32 max_packets, le32 max_usecs. */
static struct vnet_coal_params coal_params(const struct vnet_dev *dev,
					   const uint8_t *p)
{
	struct vnet_coal_params c = {
		.max_packets = dev_ld32(dev, p),
		.max_usecs = dev_ld32(dev, p + 4),
	};

	return c;
}

/* Every queue of one direction (0: receive, 1: transmit). */
static void coal_set_all(struct vnet_dev *dev, unsigned int dir,
			 const struct vnet_coal_params *c)
{
	uint32_t vq, vqs = 2u * vnet_dev_data_pairs(dev);

	for (vq = dir; vq < vqs; vq += 2)
		vnet_coal_set(&dev->coal[vq], c);
}

int ctrl_coal_tx_set(struct vnet_dev *dev, struct ctrl_req *r)
{
	dev->coal_tx = coal_params(dev, r->data);
	coal_set_all(dev, 1, &dev->coal_tx);
	return VNET_CTRL_OK;
}

int ctrl_coal_rx_set(struct vnet_dev *dev, struct ctrl_req *r)
{
	dev->coal_rx = coal_params(dev, r->data);
	coal_set_all(dev, 0, &dev->coal_rx);
	return VNET_CTRL_OK;
}

/* vq_index must name an enabled transmit or receive queue. */
static int coal_vq(struct vnet_dev *dev, const struct ctrl_req *r,
		   uint16_t *vq)
{
	*vq = dev_ld16(dev, r->data);
	/* r->data + 2 is reserved: "The device MUST ignore reserved". */
	if (*vq >= 2u * vnet_dev_data_pairs(dev))
		return ctrl_fail(&dev->stats.ctrl_err_vq);	/* no data queue */
	if (!dev->vq_enabled[*vq])
		return ctrl_fail(&dev->stats.ctrl_err_vq);	/* not enabled */
	return VNET_CTRL_OK;
}

int ctrl_coal_vq_set(struct vnet_dev *dev, struct ctrl_req *r)
{
	struct vnet_coal_params c;
	uint16_t vq;

	if (coal_vq(dev, r, &vq) != VNET_CTRL_OK)
		return VNET_CTRL_ERR;
	c = coal_params(dev, r->data + 4);
	vnet_coal_set(&dev->coal[vq], &c);
	return VNET_CTRL_OK;
}

int ctrl_coal_vq_get(struct vnet_dev *dev, struct ctrl_req *r)
{
	const struct vnet_coal_params *c;
	uint16_t vq;

	if (coal_vq(dev, r, &vq) != VNET_CTRL_OK)
		return VNET_CTRL_ERR;
	if (r->result_len < 8)
		return ctrl_fail(&dev->stats.ctrl_err_result);	/* no room */
	c = &dev->coal[vq].params;
	dev_st32(dev, r->result, c->max_packets);
	dev_st32(dev, r->result + 4, c->max_usecs);
	r->result_used = 8;
	return VNET_CTRL_OK;
}
