// SPDX-License-Identifier: MIT
/* filter.c - receive filter: destination MAC, RX modes, VLAN table */

#include <string.h>

#include "vnet/filter.h"

#define ETH_HLEN	14
#define VLAN_HLEN	18
#define ETH_P_8021Q	0x8100

static bool drop(uint64_t *counter)
{
	(*counter)++;
	return false;
}

static bool mac_in(const struct vnet_mac_table *t, const uint8_t *mac)
{
	uint32_t i;

	for (i = 0; i < t->count; i++)
		if (!memcmp(t->addr[i], mac, 6))
			return true;
	return false;
}

/* Rule 3: the VLAN filter, for a frame of at least ETH_HLEN bytes. */
static bool vlan_pass(struct vnet_dev *dev, const struct vnet_pkt *pkt,
		      const uint8_t *eth)
{
	uint16_t tci, vid;

	if (!vnet_dev_has(dev, VNET_F_CTRL_VLAN))
		return true;		/* MUST accept all tagged frames */
	if (vnet_load_be16(eth + 12) != ETH_P_8021Q)
		return true;		/* untagged: the table does not apply */
	if (!vnet_pkt_get_u16(pkt, 14, &tci))
		return drop(&dev->stats.rx_drop_runt);	/* tag cut short */
	vid = tci & 0x0fff;
	if (!(dev->vlan[vid / 32] & (1u << (vid % 32))))
		return drop(&dev->stats.rx_drop_vlan);
	return true;
}

/* Rules 5 to 7: the destination address against modes and tables. */
static bool mac_pass(struct vnet_dev *dev, const uint8_t *dst)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const struct vnet_rx_mode *m = &dev->rx;

	if (!memcmp(dst, bcast, 6))
		return m->nobcast ? drop(&dev->stats.rx_drop_nobcast) : true;
	if (dst[0] & 1) {
		if (m->nomulti)
			return drop(&dev->stats.rx_drop_nomulti);
		if (m->allmulti || dev->multi.overflow ||
		    mac_in(&dev->multi, dst))
			return true;
		return drop(&dev->stats.rx_drop_multi);
	}
	if (m->nouni)
		return drop(&dev->stats.rx_drop_nouni);
	if (m->alluni || dev->uni.overflow || !memcmp(dst, dev->mac, 6) ||
	    mac_in(&dev->uni, dst))
		return true;
	return drop(&dev->stats.rx_drop_uni);
}

bool vnet_filter_accept(struct vnet_dev *dev, const struct vnet_pkt *pkt)
{
	uint8_t scratch[ETH_HLEN];
	const uint8_t *eth = vnet_pkt_peek(pkt, 0, ETH_HLEN, scratch);

	if (!eth)
		return drop(&dev->stats.rx_drop_runt);
	if (!vnet_dev_has(dev, VNET_F_CTRL_RX))
		return vlan_pass(dev, pkt, eth);  /* no RX modes, no MAC filter */
	if (dev->rx.promisc)
		return true;
	if (!vlan_pass(dev, pkt, eth))
		return false;
	return mac_pass(dev, eth);
}
