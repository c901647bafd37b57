/* SPDX-License-Identifier: MIT */
/* vq_map.h - which virtqueue is which: the network device's queue roles, from the negotiated features only */
#ifndef VNET_VQ_MAP_H
#define VNET_VQ_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include "vnet/features.h"

/*
 * virtio-net "Virtqueues": receiveq1, transmitq1, ... receiveqN,
 * transmitqN at 2(N-1) and 2(N-1)+1, then controlq at 2N. "N=1 if neither
 * VIRTIO_NET_F_MQ nor VIRTIO_NET_F_RSS are negotiated, otherwise N is set
 * by max_virtqueue_pairs"; "controlq only exists if VIRTIO_NET_F_CTRL_VQ
 * set". So index 2 is the control queue of a driver that negotiated
 * CTRL_VQ alone, and pair 2's receive queue of one that negotiated MQ:
 * whoever serves queues asks here, and nowhere else.
 */

/**
 * enum vnet_vq_role - what a virtqueue index is
 * @VNET_VQ_UNUSED:	no queue of the negotiated layout
 * @VNET_VQ_RX:		receiveq of a pair
 * @VNET_VQ_TX:		transmitq of a pair
 * @VNET_VQ_CTRL:	controlq
 */
enum vnet_vq_role {
	VNET_VQ_UNUSED,
	VNET_VQ_RX,
	VNET_VQ_TX,
	VNET_VQ_CTRL,
};

/**
 * struct vnet_vq_map - the queue layout the driver negotiated
 * @pairs:	N, the data queue pairs the driver may use
 * @ctrl:	a control queue follows them, at 2N
 */
struct vnet_vq_map {
	uint16_t pairs;
	bool ctrl;
};

/**
 * vnet_vq_map_init() - the layout of a set of negotiated features
 * @m:		the map
 * @f:		the features the driver negotiated
 * @max_pairs:	max_virtqueue_pairs of the device (0 is taken as 1)
 */
void vnet_vq_map_init(struct vnet_vq_map *m, const struct vnet_features *f,
		      uint16_t max_pairs);

/**
 * vnet_vq_role() - what queue @vq is
 * @m:		the map
 * @vq:		virtqueue index
 * @pair:	receives the pair of a receive or transmit queue (may be NULL)
 *
 * Return: the role; VNET_VQ_UNUSED past the layout
 */
enum vnet_vq_role vnet_vq_role(const struct vnet_vq_map *m, unsigned int vq,
			       unsigned int *pair);

/**
 * vnet_vq_map_count() - virtqueues of the layout
 * @m:	the map
 *
 * Return: 2N, plus one with a control queue
 */
static inline unsigned int vnet_vq_map_count(const struct vnet_vq_map *m)
{
	return 2u * m->pairs + (m->ctrl ? 1u : 0u);
}

#endif /* VNET_VQ_MAP_H */
