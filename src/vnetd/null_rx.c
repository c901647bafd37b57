// SPDX-License-Identifier: MIT
/* null_rx.c - the --null-rx benchmark generator: frames into the receive queues */

#include <string.h>

#include "daemon.h"

/*
 * Frames whose buffers are all taken before the first is written, as
 * DPDK's vhost enqueue does: taking a buffer prefetches its first lines
 * (vnet_virtq_net_rx_pop), so the misses on a batch's lines overlap.
 */
#define NULL_RX_BATCH	32

/* A benchmark frame for --null-rx: IPv4/UDP to the device's address. */
void vnetd_null_frame_init(uint8_t *f, unsigned int len, const uint8_t *mac)
{
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	uint16_t ip_len = (uint16_t)(len - 14), udp_len = (uint16_t)(len - 34);
	uint32_t sum = 0;
	unsigned int i;

	memset(f, 0, len);
	memcpy(f, mac, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)(ip_len >> 8);
	f[17] = (uint8_t)ip_len;
	f[22] = 64;
	f[23] = 17;
	memcpy(f + 26, (const uint8_t[]){ 192, 0, 2, 1, 192, 0, 2, 2 }, 8);
	for (i = 14; i < 34; i += 2)
		sum += (uint32_t)f[i] << 8 | f[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	f[24] = (uint8_t)(~sum >> 8);
	f[25] = (uint8_t)~sum;
	f[34] = 0x04;			/* ports 1024 -> 9 (discard) */
	f[37] = 9;
	f[38] = (uint8_t)(udp_len >> 8);
	f[39] = (uint8_t)udp_len;	/* UDP checksum 0: none (IPv4) */
}

/* Buffers for up to NULL_RX_BATCH frames, while @budget lasts: frame i
 * has @nbufs[i] elements from qp->rx_elems[@first[i]]. Return: frames. */
static unsigned int null_rx_take(struct vnetd *d, struct vnetd_qp *qp,
				 struct vnet_virtq *q, unsigned int budget,
				 unsigned int *taken, uint8_t *first,
				 uint8_t *nbufs)
{
	unsigned int k = 0, used = 0;
	int nb;

	while (k < NULL_RX_BATCH && *taken < budget &&
	       used < VNETD_RX_BUFS_MAX) {
		nb = vnet_virtq_net_rx_pop(q, &d->net, &qp->rx_elems[used],
					   VNETD_RX_BUFS_MAX - used,
					   d->cfg->null_rx);
		if (nb < 0)
			break;	/* none left, or the batch's arrays are full */
		first[k] = (uint8_t)used;
		nbufs[k++] = (uint8_t)nb;
		used += (unsigned int)nb;
		*taken += (unsigned int)nb;
	}
	return k;
}

/* --null-rx: frames of the configured size into the receive queue, one
 * for each buffer the guest offers now, up to a burst. */
void vnetd_null_rx(struct vnetd *d, unsigned int pair)
{
	struct vnetd_qp *qp = &d->qp[pair];
	struct vnet_virtq *q = vnet_vu_queue(d->vu, pair * 2);
	uint8_t first[NULL_RX_BATCH], nbufs[NULL_RX_BATCH];
	unsigned int budget, taken = 0, frames = 0, k, i;
	size_t len = d->cfg->null_rx;
	struct vnet_hdr h;

	if (!q || !d->ready || !qp->rx_on)
		return;
	memset(&h, 0, sizeof(h));	/* pushing sets num_buffers only */
	vnet_virtq_disable_notify(q);	/* polled: no kicks wanted */
	/* the buffers offered now, not those the guest adds as we go */
	budget = vnet_virtq_avail(q, VNETD_RX_BURST);
	do {
		k = null_rx_take(d, qp, q, budget, &taken, first, nbufs);
		for (i = 0; i < k; i++)
			vnet_virtq_net_rx_push(q, &d->net,
					       &qp->rx_elems[first[i]],
					       nbufs[i], &h, qp->flat, len);
		frames += k;
	} while (k && taken < budget);
	if (!frames)
		return;
	vnet_virtq_flush(q);
	vnetd_notify(d, pair * 2, frames);
	vnetd_stats_add(qp->stats, VNETD_RX_FRAMES, frames);
	vnetd_stats_add(qp->stats, VNETD_RX_BYTES, frames * len);
}
