/* SPDX-License-Identifier: MIT */
/* rx_direct.h - the tap read straight into the guest's receive buffers */
#ifndef VNETD_RX_DIRECT_H
#define VNETD_RX_DIRECT_H

#include <stdbool.h>
#include <sys/types.h>

#include "vnet/virtq.h"

struct vnetd_qp;

/* What became of the frame vnetd_rx_direct() was to read. */
enum vnetd_direct {
	VNETD_DIRECT_DONE,	/* delivered in place, or dropped, counted */
	VNETD_DIRECT_EMPTY,	/* the tap had nothing */
	VNETD_DIRECT_NO_ROOM,	/* too few guest buffers: nothing read */
	VNETD_DIRECT_BOUNCE,	/* read, copied to tap_buf for rx_take() */
};

bool vnetd_rx_direct_ok(const struct vnetd_qp *qp);
void vnetd_rx_direct_setup(struct vnetd_qp *qp);
enum vnetd_direct vnetd_rx_direct(struct vnetd_qp *qp, struct vnet_virtq *q,
				  ssize_t *bounce);
void vnetd_rx_direct_return(struct vnetd_qp *qp, struct vnet_virtq *q);

#endif /* VNETD_RX_DIRECT_H */
