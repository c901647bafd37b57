// SPDX-License-Identifier: MIT
/* vq_map.c - which virtqueue is which: receive and transmit queues of each pair, the control queue */

#include <stddef.h>

#include "vnet/vq_map.h"

void vnet_vq_map_init(struct vnet_vq_map *m, const struct vnet_features *f,
		      uint16_t max_pairs)
{
	bool many = vnet_features_has(f, VNET_F_MQ) ||
		    vnet_features_has(f, VNET_F_RSS);

	/* "N=1 if neither VIRTIO_NET_F_MQ nor VIRTIO_NET_F_RSS are
	 * negotiated, otherwise N is set by max_virtqueue_pairs" */
	m->pairs = many && max_pairs ? max_pairs : 1;
	/* "controlq only exists if VIRTIO_NET_F_CTRL_VQ set" */
	m->ctrl = vnet_features_has(f, VNET_F_CTRL_VQ);
}

enum vnet_vq_role vnet_vq_role(const struct vnet_vq_map *m, unsigned int vq,
			       unsigned int *pair)
{
	if (vq < 2u * m->pairs) {
		if (pair)
			*pair = vq / 2;
		return vq % 2 ? VNET_VQ_TX : VNET_VQ_RX;
	}
	if (m->ctrl && vq == 2u * m->pairs)	/* "2N controlq" */
		return VNET_VQ_CTRL;
	return VNET_VQ_UNUSED;
}
