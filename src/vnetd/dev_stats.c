// SPDX-License-Identifier: MIT
/* dev_stats.c - vnetd's counters as the driver reads them: DEVICE_STATS replies */

/*
 * The library answers STATS_GET and asks here for a data queue's
 * counters, in the order of the spec's reply structs ("Device
 * Statistics"). vnetd counts per queue pair: a receive queue's counters
 * are its pair's rx_*, a transmit queue's its pair's tx_*. Called by the
 * main thread with the device lock held for writing: the workers are
 * still, and every counter is read once.
 */

#include "daemon.h"

static uint64_t get(const struct vnetd_queue_stats *q, enum vnetd_counter c)
{
	return __atomic_load_n(&q->c[c], __ATOMIC_RELAXED);
}

static uint64_t dropped(const struct vnetd_queue_stats *q, enum vnetd_drop r)
{
	return __atomic_load_n(&q->drops[r], __ATOMIC_RELAXED);
}

/* struct virtio_net_stats_rx_basic */
static void rx_basic(const struct vnetd_queue_stats *q, uint64_t *v)
{
	v[0] = get(q, VNETD_RX_KICKS);
	v[1] = get(q, VNETD_RX_FRAMES);
	v[2] = get(q, VNETD_RX_BYTES);
	v[3] = get(q, VNETD_RX_INTERRUPTS);
	v[4] = dropped(q, VNETD_DROP_RX_NO_BUFFERS) +
	       dropped(q, VNETD_DROP_RX_FILTERED) +
	       dropped(q, VNETD_DROP_RX_TOO_BIG) +
	       dropped(q, VNETD_DROP_RX_INVALID) +
	       dropped(q, VNETD_DROP_RX_STEER_FULL) +
	       dropped(q, VNETD_DROP_RX_QUEUE_OFF);
	v[5] = dropped(q, VNETD_DROP_RX_NO_BUFFERS);
}

/* struct virtio_net_stats_tx_basic: what the device sent, not what the
 * driver gave (a segmented super-frame counts its segments) */
static void tx_basic(const struct vnetd_queue_stats *q, uint64_t *v)
{
	uint64_t malformed = dropped(q, VNETD_DROP_TX_SHORT) +
			     dropped(q, VNETD_DROP_TX_SEGMENTS);

	v[0] = get(q, VNETD_TX_KICKS);
	v[1] = get(q, VNETD_TX_SENT);
	v[2] = get(q, VNETD_TX_SENT_BYTES);
	v[3] = get(q, VNETD_TX_INTERRUPTS);
	v[4] = malformed + dropped(q, VNETD_DROP_TX_INVALID) +
	       dropped(q, VNETD_DROP_TAP_FULL);
	v[5] = malformed;
}

/* struct virtio_net_stats_rx_csum: vnetd checks no checksum it does not
 * vouch for (a segment the coalescing engine finds wrong goes on without
 * DATA_VALID, uncounted as such), so rx_csum_bad stays 0 */
static void rx_csum(const struct vnetd_queue_stats *q, uint64_t *v)
{
	v[0] = get(q, VNETD_RX_DATA_VALID);
	v[1] = get(q, VNETD_RX_NEEDS_CSUM);
	v[2] = get(q, VNETD_RX_CSUM_NONE);
	v[3] = 0;
}

/* struct virtio_net_stats_tx_csum (counters wrap: so may the difference) */
static void tx_csum(const struct vnetd_queue_stats *q, uint64_t *v)
{
	v[0] = get(q, VNETD_TX_FRAMES) - get(q, VNETD_TX_NEEDS_CSUM);
	v[1] = get(q, VNETD_TX_NEEDS_CSUM);
}

/* struct virtio_net_stats_rx_gso */
static void rx_gso(const struct vnetd_queue_stats *q, uint64_t *v)
{
	v[0] = get(q, VNETD_RX_GSO);
	v[1] = get(q, VNETD_RX_GSO_BYTES);
	v[2] = get(q, VNETD_RX_GRO_FRAMES);
	v[3] = get(q, VNETD_RX_GRO_BYTES);
}

/* struct virtio_net_stats_tx_gso */
static void tx_gso(const struct vnetd_queue_stats *q, uint64_t *v)
{
	v[0] = get(q, VNETD_TX_GSO_NOSEG) + get(q, VNETD_TX_GSO_SEGMENTED);
	v[1] = get(q, VNETD_TX_GSO_NOSEG_BYTES) +
	       get(q, VNETD_TX_GSO_SEGMENTED_BYTES);
	v[2] = get(q, VNETD_TX_GSO_SEGS);
	v[3] = get(q, VNETD_TX_GSO_SEGS_BYTES);
	v[4] = get(q, VNETD_TX_GSO_NOSEG);
	v[5] = get(q, VNETD_TX_GSO_NOSEG_BYTES);
}

void vnetd_dev_stats_read(void *opaque, uint16_t vq, uint8_t type,
			  uint64_t *fields, unsigned int n)
{
	static void (*const fill[])(const struct vnetd_queue_stats *,
				    uint64_t *) = {
		[0] = rx_basic, [1] = rx_csum, [2] = rx_gso,
		[16] = tx_basic, [17] = tx_csum, [18] = tx_gso,
	};
	struct vnetd *d = opaque;
	uint64_t v[VNET_STATS_FIELDS_MAX] = { 0 };
	unsigned int i;

	if (vq / 2u >= d->stats.nqueues || type >= sizeof(fill) / sizeof(fill[0]) ||
	    !fill[type] || n > VNET_STATS_FIELDS_MAX)
		return;		/* the library asks only for what we named */
	fill[type](&d->stats.queues[vq / 2], v);
	for (i = 0; i < n; i++)
		fields[i] = v[i];
}
