// SPDX-License-Identifier: MIT
/* dev_rx.c - per incoming frame: filter, hash, receive queue; tx learning */

#include <string.h>

#include "vnet/dev_rx.h"
#include "vnet/filter.h"
#include "vnet/steer.h"

/* The hash the device computes, whether for RSS or for the header. */
static bool rx_hash(const struct vnet_dev *dev, const struct vnet_pkt *pkt,
		    const struct vnet_parse_result *res,
		    struct vnet_rss_hash *h, unsigned int *why)
{
	const struct vnet_hash_cfg *cfg;
	uint32_t tunnels;

	h->value = 0;
	h->report = VNET_HASH_REPORT_NONE;
	if (!vnet_dev_has(dev, VNET_F_RSS) &&
	    !vnet_dev_has(dev, VNET_F_HASH_REPORT))
		return false;
	if (!res) {
		*why |= VNET_DEV_RX_PARSE_ERR;
		return false;
	}
	cfg = vnet_dev_has(dev, VNET_F_RSS) ? &dev->rss : &dev->hash;
	tunnels = vnet_dev_has(dev, VNET_F_HASH_TUNNEL) ? dev->tunnel_types : 0;
	return vnet_rss_hash(cfg->tz, cfg->types, tunnels, pkt, res, h);
}

static uint16_t rx_queue(const struct vnet_dev *dev,
			 const struct vnet_pkt *pkt,
			 const struct vnet_parse_result *res, bool hashed,
			 uint32_t hash, unsigned int *why)
{
	struct vnet_flow_key k;

	switch (dev->mq) {
	case VNET_MQ_RSS:
		if (hashed)
			return dev->rss.indir[hash & dev->rss.indir_mask];
		*why |= VNET_DEV_RX_UNCLASSIFIED;
		return dev->rss.unclassified;
	case VNET_MQ_AUTO:
		if (!res || vnet_flow_key_from_frame(pkt, res, false, &k))
			memset(&k, 0, sizeof(k));
		return vnet_steer_select(&dev->steer, &k, dev->pairs);
	default:
		return 0;
	}
}

unsigned int vnet_dev_rx_steer(const struct vnet_dev *dev,
			       const struct vnet_pkt *pkt,
			       const struct vnet_parse_result *res,
			       struct vnet_rx_verdict *v)
{
	struct vnet_rss_hash h;
	unsigned int why = 0;
	bool hashed;

	memset(v, 0, sizeof(*v));
	v->deliver = true;
	hashed = rx_hash(dev, pkt, res, &h, &why);
	v->queue = rx_queue(dev, pkt, res, hashed, h.value, &why);
	if (vnet_dev_has(dev, VNET_F_HASH_REPORT))
		v->hash = h;
	return why;
}

int vnet_dev_rx(struct vnet_dev *dev, const struct vnet_pkt *pkt,
		const struct vnet_parse_result *res,
		struct vnet_rx_verdict *v)
{
	unsigned int why;

	memset(v, 0, sizeof(*v));
	if (!vnet_filter_accept(dev, pkt))
		return 0;
	why = vnet_dev_rx_steer(dev, pkt, res, v);
	if (why & VNET_DEV_RX_PARSE_ERR)
		dev->stats.rx_parse_err++;
	if (why & VNET_DEV_RX_UNCLASSIFIED)
		dev->stats.rx_unclassified++;
	return 0;
}

void vnet_dev_tx_learn(struct vnet_dev *dev, const struct vnet_pkt *pkt,
		       const struct vnet_parse_result *res, uint16_t txq)
{
	struct vnet_flow_key k;

	if (dev->mq != VNET_MQ_AUTO || !res || txq >= dev->pairs)
		return;
	if (vnet_flow_key_from_frame(pkt, res, true, &k))
		return;
	vnet_steer_learn(&dev->steer, &k, txq);
}
