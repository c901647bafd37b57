/* SPDX-License-Identifier: MIT */
/* rx_pool.h - tap read buffers lent to the coalescing engine */
#ifndef VNETD_RX_POOL_H
#define VNETD_RX_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vnetd_qp;

/* Buffers a pair's coalescing engine may hold at once, plus one reserve. */
#define VNETD_POOL_SLOTS	64

/**
 * struct vnetd_rx_pool - the buffers the tap is read into
 * @mem:	VNETD_POOL_SLOTS + 1 buffers of VNETD_FRAME_MAX, the last
 *		the reserve (never lent)
 * @free:	slots neither lent nor the current one, a stack
 * @nfree:	entries in @free
 * @cur:	the slot tap_buf is
 * @cur_out:	@cur is lent, during the call that lends it
 * @lent:	slots the engine holds
 */
struct vnetd_rx_pool {
	uint8_t *mem;
	uint16_t free[VNETD_POOL_SLOTS];
	unsigned int nfree;
	unsigned int cur;
	bool cur_out;
	unsigned int lent;
};

int vnetd_rx_pool_init(struct vnetd_qp *qp);
void vnetd_rx_pool_fini(struct vnetd_qp *qp);
void vnetd_rx_pool_release(void *opaque, void *ref);
bool vnetd_rx_pool_lendable(const struct vnetd_qp *qp);
bool vnetd_rx_pool_holds(const struct vnetd_qp *qp, const void *p,
			 size_t len);
void *vnetd_rx_pool_lend(struct vnetd_qp *qp);
void vnetd_rx_pool_after(struct vnetd_qp *qp, int rc);
void vnetd_rx_pool_refresh(struct vnetd_qp *qp);

#endif /* VNETD_RX_POOL_H */
