/* SPDX-License-Identifier: MIT */
/* dev_rx.h - per frame: deliver or not, which receive queue, which hash */
#ifndef VNET_DEV_RX_H
#define VNET_DEV_RX_H

#include <stdbool.h>
#include <stdint.h>

#include "vnet/dev.h"
#include "vnet/parse.h"
#include "vnet/pkt.h"
#include "vnet/rss.h"
#include "vnet/export.h"

VNET_API_BEGIN

/**
 * struct vnet_rx_verdict - what the device does with an incoming frame
 * @deliver:	the receive filter accepts it
 * @queue:	0-based receive queue (receiveq @queue + 1), below the pairs
 *		in use
 * @hash:	hash value and report type for the header: report NONE
 *		without HASH_REPORT negotiated or when no hash was computed
 */
struct vnet_rx_verdict {
	bool deliver;
	uint16_t queue;
	struct vnet_rss_hash hash;
};

/**
 * vnet_dev_rx() - classify an incoming frame
 * @dev:	the device
 * @pkt:	the frame, from its Ethernet header
 * @res:	its parse result (vnet_parse() with the inner layer and GRE
 *		and IP-in-IP recognised, for the inner header hash), or NULL
 *		if it did not parse: then no hash
 * @v:		the verdict
 *
 * The hash parameters are RSS_CONFIG's with RSS negotiated, HASH_CONFIG's
 * without ("Hash calculation for incoming packets"); the inner header hash
 * applies with HASH_TUNNEL. The queue follows the last MQ command: receiveq1
 * after reset or VQ_PAIRS_SET 1; the flow table after VQ_PAIRS_SET n > 1;
 * the indirection table, or unclassified_queue without a hash, after
 * RSS_CONFIG. A queue being reset is the caller's to check (RSS: drop).
 *
 * Return: 0
 */
int vnet_dev_rx(struct vnet_dev *dev, const struct vnet_pkt *pkt,
		const struct vnet_parse_result *res,
		struct vnet_rx_verdict *v);

/* What vnet_dev_rx_steer() met on the way, for the caller to count. */
#define VNET_DEV_RX_PARSE_ERR		0x1	/* did not parse: no hash */
#define VNET_DEV_RX_UNCLASSIFIED	0x2	/* RSS: no hash, unclassified */

/**
 * vnet_dev_rx_steer() - receive queue and hash of a frame the filter took
 * @dev:	the device, only read
 * @pkt:	the frame, from its Ethernet header
 * @res:	its parse result, as for vnet_dev_rx(), or NULL
 * @v:		the verdict; @v->deliver is set
 *
 * vnet_dev_rx() without the receive filter and without touching the
 * device's counters: threads that each serve a queue may classify at once
 * while no control command changes the device (a datapath that filtered
 * already, and counts per queue).
 *
 * Return: a mask of VNET_DEV_RX_PARSE_ERR and VNET_DEV_RX_UNCLASSIFIED
 */
unsigned int vnet_dev_rx_steer(const struct vnet_dev *dev,
			       const struct vnet_pkt *pkt,
			       const struct vnet_parse_result *res,
			       struct vnet_rx_verdict *v);

/**
 * vnet_dev_tx_learn() - the driver sent a frame on transmit queue @txq
 * @dev:	the device
 * @pkt:	the frame, from its Ethernet header
 * @res:	its parse result, or NULL if it did not parse (nothing learnt)
 * @txq:	0-based transmit queue
 *
 * Feeds automatic receive steering: the flow's packets come back on
 * receive queue @txq while it is in use.
 */
void vnet_dev_tx_learn(struct vnet_dev *dev, const struct vnet_pkt *pkt,
		       const struct vnet_parse_result *res, uint16_t txq);

VNET_API_END

#endif /* VNET_DEV_RX_H */
