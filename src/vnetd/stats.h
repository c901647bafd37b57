/* SPDX-License-Identifier: MIT */
/* stats.h - vnetd's counters, as JSON and Prometheus text on a unix socket */
#ifndef VNETD_STATS_H
#define VNETD_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vnet/vhost_user.h"

/* Counters of one queue pair; each is written by its queue's worker only. */
enum vnetd_counter {
	VNETD_TX_FRAMES,	/* frames the guest sent */
	VNETD_TX_BYTES,
	VNETD_TX_SEGMENTS,	/* wire frames made by segmentation */
	VNETD_TX_CSUM_COMPLETED,
	VNETD_TX_PASSTHROUGH,	/* super-frames handed on untouched */
	VNETD_RX_FRAMES,	/* frames given to the guest */
	VNETD_RX_BYTES,
	VNETD_RX_COALESCED,	/* segments merged into super-frames */
	VNETD_RX_CSUM_VERIFIED,
	VNETD_RX_TAP_READS,	/* frames read from the tap */
	VNETD_RX_TAP_EMPTY,	/* reads that found the tap empty */
	VNETD_RX_GRO_FRAMES,	/* super-frames coalesced for the guest */
	VNETD_RX_STEERED,	/* frames RSS sent to another pair's queue */
	/* the overlay port (--vxlan, --geneve) */
	VNETD_OVL_TX_WRITES,	/* encapsulated frames written to the tap */
	VNETD_OVL_TX_SUPER,	/* of which tunnel super-frames, one write */
	VNETD_OVL_TX_SEGMENTED,	/* guest frames segmented in software */
	VNETD_OVL_TX_SEGMENTS,	/* the segments they made */
	VNETD_OVL_TX_FLOODED,	/* sent to every remote (unknown MAC) */
	VNETD_OVL_RX_FRAMES,	/* underlay frames looked at */
	VNETD_OVL_RX_INNER,	/* inner frames decapsulated */
	VNETD_OVL_RX_SUPER,	/* of which tunnel super-frames */
	VNETD_OVL_RX_CSUM_OK,	/* of which with inner checksums verified */
	VNETD_OVL_LEARNED,	/* remotes learned or moved */
	VNETD_OVL_NEIGH_REPLIES, /* ARP / ND for the local address answered */
	VNETD_TX_GSO,		/* guest frames with a GSO type */
	VNETD_TX_NEEDS_CSUM,	/* guest frames with NEEDS_CSUM */
	VNETD_RX_GSO,		/* super-frames given to the guest as such */
	VNETD_RX_NEEDS_CSUM,	/* frames given with NEEDS_CSUM */
	VNETD_RX_KICKS,		/* driver notifications of the receive queue */
	VNETD_TX_KICKS,		/* of the transmit queue */
	VNETD_RX_INTERRUPTS,	/* used buffer notifications sent, receive */
	VNETD_TX_INTERRUPTS,	/* transmit */
	VNETD_RX_DATA_VALID,	/* frames given with DATA_VALID */
	VNETD_RX_CSUM_NONE,	/* frames given with neither checksum flag */
	VNETD_RX_GSO_BYTES,	/* bytes of the super-frames given as such */
	VNETD_RX_GRO_BYTES,	/* bytes of the super-frames coalesced */
	VNETD_RX_DIRECT,	/* frames read straight into guest buffers */
	VNETD_RX_COPIED_BYTES,	/* bytes copied in user space on their way
				 * to the guest (bounce buffer to guest;
				 * into coalescing flow buffers) */
	VNETD_RX_POOL_RESERVE,	/* tap reads into the reserve buffer: every
				 * buffer of the pool was lent to the
				 * coalescing engine (rx_pool.c) */
	VNETD_TX_SENT,		/* frames written to the tap (or underlay) */
	VNETD_TX_SENT_BYTES,	/* their bytes, without the header */
	VNETD_TX_GSO_NOSEG,	/* GSO frames passed on whole */
	VNETD_TX_GSO_NOSEG_BYTES,
	VNETD_TX_GSO_SEGMENTED,	/* GSO frames segmented in software */
	VNETD_TX_GSO_SEGMENTED_BYTES,
	VNETD_TX_GSO_SEGS,	/* the segments they made */
	VNETD_TX_GSO_SEGS_BYTES,
	VNETD_COUNTER__COUNT,
};

#define VNETD_DROP_REASONS_MAX	64

/* Counters of the daemon as a whole: its peers beside the guest. */
enum vnetd_daemon_counter {
	VNETD_STATS_ANSWERED,	/* stats clients answered in full */
	VNETD_STATS_DROPPED,	/* stats clients dropped: gone before their
				 * answer, too slow to take it, one too many */
	VNETD_NOTIFY_FAILED,	/* call eventfd writes that failed (the
				 * frontend's fd full, or not an eventfd) */
	VNETD_DAEMON__COUNT,
};

/**
 * struct vnetd_queue_stats - one queue pair's counters
 * @c:		the counters, by enum vnetd_counter
 * @drops:	frames dropped, by reason (names in struct vnetd_stats)
 */
struct vnetd_queue_stats {
	uint64_t c[VNETD_COUNTER__COUNT];
	uint64_t drops[VNETD_DROP_REASONS_MAX];
};

/**
 * struct vnetd_stats - every queue pair's counters, and the reasons' names
 * @nqueues:		queue pairs
 * @queues:		their counters
 * @reasons:		drop reason names, NULL past the last
 * @daemon:		the daemon's own counters, by enum vnetd_daemon_counter
 * @vu:			the vhost-user backend's counters, or NULL
 */
struct vnetd_stats {
	unsigned int nqueues;
	struct vnetd_queue_stats *queues;
	const char *reasons[VNETD_DROP_REASONS_MAX];
	uint64_t daemon[VNETD_DAEMON__COUNT];
	const struct vnet_vu_stats *vu;
};

/**
 * vnetd_stats_add() - count on a queue (called by that queue's worker)
 * @q:		the queue's counters
 * @c:		counter
 * @n:		amount
 */
static inline void vnetd_stats_add(struct vnetd_queue_stats *q,
				   enum vnetd_counter c, uint64_t n)
{
	/* relaxed: readers want a recent value, never a torn one */
	__atomic_store_n(&q->c[c], q->c[c] + n, __ATOMIC_RELAXED);
}

static inline void vnetd_stats_drop(struct vnetd_queue_stats *q,
				    unsigned int reason)
{
	if (reason < VNETD_DROP_REASONS_MAX)
		__atomic_store_n(&q->drops[reason], q->drops[reason] + 1,
				 __ATOMIC_RELAXED);
}

/**
 * vnetd_stats_count() - count one event of the daemon (any thread)
 * @s:		the counters
 * @c:		which
 */
static inline void vnetd_stats_count(struct vnetd_stats *s,
				     enum vnetd_daemon_counter c)
{
	__atomic_fetch_add(&s->daemon[c], 1, __ATOMIC_RELAXED);
}

/**
 * vnetd_stats_write_json() - {"queues": [...], "total": {...}}
 * @s:		the counters
 * @out:	where to write
 */
void vnetd_stats_write_json(const struct vnetd_stats *s, FILE *out);

/**
 * vnetd_stats_write_prometheus() - the text exposition format, one
 *				    vnetd_<counter>_total per counter
 * @s:		the counters
 * @out:	where to write
 */
void vnetd_stats_write_prometheus(const struct vnetd_stats *s, FILE *out);

/* Bytes of a request the stats socket reads at most (one line). */
#define VNETD_STATS_REQUEST_MAX	256

/**
 * vnetd_stats_answer() - the answer to one request of the stats socket
 * @s:		the counters
 * @req:	the request as received: any bytes, not NUL-terminated
 * @len:	its length, at most VNETD_STATS_REQUEST_MAX
 * @out_len:	the answer's length
 *
 * "prometheus" at the start: the Prometheus text; "GET " (an HTTP request
 * for /metrics): the same in HTTP/1.0; anything else, nothing included:
 * JSON.
 *
 * Return: the answer, to be freed, or NULL when memory ran out
 */
char *vnetd_stats_answer(const struct vnetd_stats *s, const char *req,
			 size_t len, size_t *out_len);

#endif /* VNETD_STATS_H */
