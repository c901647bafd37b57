// SPDX-License-Identifier: MIT
/* rx_pool.c - tap read buffers lent to the coalescing engine, not copied */

#include <errno.h>
#include <stdlib.h>

#include "daemon.h"

/*
 * The tap is read into tap_buf, one of the pool's slots. A frame the
 * coalescing engine takes by reference (vnet_gro_receive_ref()) is lent
 * with its slot: tap_buf moves to a free slot, and the engine gives the
 * slot back (vnetd_rx_pool_release()) once the super-frame holding the
 * frame has gone to the guest. So a coalesced byte is copied once in user
 * space, from the slot into the guest's buffer. With every slot lent,
 * what the engine holds is flushed; if the guest cannot take it now,
 * tap_buf is the reserve, whose frames are never lent (they wait for the
 * flush like any frame the engine does not take).
 */

/* The reserve: the slot after the lendable ones. */
#define POOL_RESERVE	VNETD_POOL_SLOTS

/**
 * slot_base() - a slot's first byte
 * @p:		the pool
 * @i:		the slot
 *
 * Return: its address
 */
static uint8_t *slot_base(const struct vnetd_rx_pool *p, unsigned int i)
{
	return p->mem + (size_t)i * VNETD_FRAME_MAX;
}

/**
 * vnetd_rx_pool_init() - allocate a pair's read buffers, tap_buf the first
 * @qp:		the pair
 *
 * The slots are one allocation whose pages are touched only when used.
 *
 * Return: 0 or -ENOMEM
 */
int vnetd_rx_pool_init(struct vnetd_qp *qp)
{
	struct vnetd_rx_pool *p = &qp->pool;
	unsigned int i;

	p->mem = malloc((size_t)(VNETD_POOL_SLOTS + 1) * VNETD_FRAME_MAX);
	if (!p->mem)
		return -ENOMEM;
	p->nfree = 0;
	for (i = VNETD_POOL_SLOTS; i-- > 1;)
		p->free[p->nfree++] = (uint16_t)i;
	p->cur = 0;
	p->cur_out = false;
	p->lent = 0;
	qp->tap_buf = slot_base(p, 0);
	return 0;
}

/**
 * vnetd_rx_pool_fini() - free the buffers (the engine released its own)
 * @qp:		the pair
 */
void vnetd_rx_pool_fini(struct vnetd_qp *qp)
{
	free(qp->pool.mem);
	qp->pool.mem = NULL;
	qp->tap_buf = NULL;
}

/**
 * vnetd_rx_pool_release() - the engine is done with a frame: its slot is free
 * @opaque:	the pair
 * @ref:	the slot's first byte, as lent
 *
 * The slot tap_buf still is (the frame went straight through, during the
 * call that lent it) stays tap_buf.
 */
void vnetd_rx_pool_release(void *opaque, void *ref)
{
	struct vnetd_qp *qp = opaque;
	struct vnetd_rx_pool *p = &qp->pool;
	size_t i = (size_t)((uint8_t *)ref - p->mem) / VNETD_FRAME_MAX;

	if (i >= VNETD_POOL_SLOTS || !p->lent)
		return;		/* never lent: a bug, not a double free */
	p->lent--;
	if (i == p->cur && p->cur_out) {
		p->cur_out = false;
		return;
	}
	p->free[p->nfree++] = (uint16_t)i;
}

/**
 * vnetd_rx_pool_lendable() - may the frame in tap_buf be lent
 * @qp:		the pair
 *
 * Return: false while tap_buf is the reserve
 */
bool vnetd_rx_pool_lendable(const struct vnetd_qp *qp)
{
	return qp->pool.mem && qp->pool.cur != POOL_RESERVE;
}

/**
 * vnetd_rx_pool_holds() - does a byte range lie in tap_buf
 * @qp:		the pair
 * @b:		first byte
 * @len:	bytes
 *
 * Return: true if [@b, @b + @len) is inside the current slot
 */
bool vnetd_rx_pool_holds(const struct vnetd_qp *qp, const void *b, size_t len)
{
	const uint8_t *s = qp->tap_buf, *x = b;

	return s && x >= s && len <= VNETD_FRAME_MAX &&
	       (size_t)(x - s) <= VNETD_FRAME_MAX - len;
}

/**
 * vnetd_rx_pool_next() - tap_buf on a free slot, else on the reserve
 * @qp:		the pair
 *
 * With no slot free, what the engine holds goes first: its slots come
 * back unless the guest is out of buffers.
 */
static void vnetd_rx_pool_next(struct vnetd_qp *qp)
{
	struct vnetd_rx_pool *p = &qp->pool;

	if (!p->nfree && qp->gro_ready && qp->gro.nheld)
		vnetd_gro_flush(qp);
	p->cur = p->nfree ? p->free[--p->nfree] : POOL_RESERVE;
	qp->tap_buf = slot_base(p, p->cur);
	if (p->cur == POOL_RESERVE)
		vnetd_stats_add(qp->stats, VNETD_RX_POOL_RESERVE, 1);
}

/**
 * vnetd_rx_pool_lend() - lend the frame in tap_buf to the engine
 * @qp:		the pair; vnetd_rx_pool_lendable()
 *
 * Return: the reference to give vnet_gro_receive_ref()
 */
void *vnetd_rx_pool_lend(struct vnetd_qp *qp)
{
	struct vnetd_rx_pool *p = &qp->pool;

	p->lent++;
	p->cur_out = true;
	return slot_base(p, p->cur);
}

/**
 * vnetd_rx_pool_after() - what the engine did with the frame lent
 * @qp:		the pair
 * @rc:		what vnet_gro_receive_ref() returned
 *
 * Refused (-EAGAIN): the frame stays in hand, in tap_buf. Held: tap_buf
 * moves on. Already released: tap_buf stays.
 */
void vnetd_rx_pool_after(struct vnetd_qp *qp, int rc)
{
	struct vnetd_rx_pool *p = &qp->pool;

	if (!p->cur_out)
		return;
	p->cur_out = false;
	if (rc == -EAGAIN) {
		p->lent--;
		return;
	}
	vnetd_rx_pool_next(qp);
}

/**
 * vnetd_rx_pool_refresh() - leave the reserve when a slot came back
 * @qp:		the pair, nothing in hand
 */
void vnetd_rx_pool_refresh(struct vnetd_qp *qp)
{
	struct vnetd_rx_pool *p = &qp->pool;

	if (p->mem && p->cur == POOL_RESERVE && p->nfree) {
		p->cur = p->free[--p->nfree];
		qp->tap_buf = slot_base(p, p->cur);
	}
}
