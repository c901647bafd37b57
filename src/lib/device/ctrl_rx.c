// SPDX-License-Identifier: MIT
/* ctrl_rx.c - receive filter commands: RX modes, MAC tables and address, VLAN */

#include <string.h>

#include "ctrl_int.h"

/* The mode a CTRL_RX command turns on or off. */
static bool *rx_mode_flag(struct vnet_dev *dev, uint8_t cmd)
{
	switch (cmd) {
	case VNET_CTRL_RX_PROMISC:
		return &dev->rx.promisc;
	case VNET_CTRL_RX_ALLMULTI:
		return &dev->rx.allmulti;
	case VNET_CTRL_RX_ALLUNI:
		return &dev->rx.alluni;
	case VNET_CTRL_RX_NOMULTI:
		return &dev->rx.nomulti;
	case VNET_CTRL_RX_NOUNI:
		return &dev->rx.nouni;
	default:
		return &dev->rx.nobcast;
	}
}

/* "Packet Receive Filtering": one byte, 0 (off) or 1 (on). */
int ctrl_rx_mode(struct vnet_dev *dev, struct ctrl_req *r)
{
	if (r->data[0] > 1)
		return ctrl_fail(&dev->stats.ctrl_err_value);	/* not 0 or 1 */
	*rx_mode_flag(dev, r->cmd) = r->data[0];
	return VNET_CTRL_OK;
}

/**
 * struct mac_tables - where the two tables of a TABLE_SET lie in its data
 * @n:		entries of each table
 * @addr:	first address of each table
 */
struct mac_tables {
	uint32_t n[2];
	const uint8_t *addr[2];
};

/* Both counts checked against the bytes there are, before any copy. */
static int mac_tables_parse(struct vnet_dev *dev, const struct ctrl_req *r,
			    struct mac_tables *t)
{
	const uint8_t *p = r->data;
	size_t rest = r->len;
	int i;

	for (i = 0; i < 2; i++) {
		if (rest < 4)
			return ctrl_fail(&dev->stats.ctrl_err_len); /* no count */
		t->n[i] = dev_ld32(dev, p);
		p += 4;
		rest -= 4;
		if (t->n[i] > rest / 6)
			return ctrl_fail(&dev->stats.ctrl_err_mac_count);
		t->addr[i] = p;
		p += (size_t)t->n[i] * 6;
		rest -= (size_t)t->n[i] * 6;
	}
	if (rest)
		return ctrl_fail(&dev->stats.ctrl_err_len);	/* trailing bytes */
	return VNET_CTRL_OK;
}

/* Keep the table, or fall back to accepting every address of its kind. */
static void mac_table_store(struct vnet_dev *dev, struct vnet_mac_table *tbl,
			    uint32_t n, const uint8_t *addr,
			    uint64_t *overflows)
{
	if (n > dev->p.mac_table_max) {
		tbl->count = 0;
		tbl->overflow = true;
		(*overflows)++;
		return;
	}
	tbl->count = n;
	tbl->overflow = false;
	if (n)
		memcpy(tbl->addr, addr, (size_t)n * 6);
}

/* "Setting MAC Address Filtering": unicast table, then multicast table. */
int ctrl_mac_table_set(struct vnet_dev *dev, struct ctrl_req *r)
{
	struct mac_tables t;

	if (mac_tables_parse(dev, r, &t) != VNET_CTRL_OK)
		return VNET_CTRL_ERR;
	mac_table_store(dev, &dev->uni, t.n[0], t.addr[0],
			&dev->stats.mac_uni_overflow);
	mac_table_store(dev, &dev->multi, t.n[1], t.addr[1],
			&dev->stats.mac_multi_overflow);
	return VNET_CTRL_OK;
}

/* The default address: config mac changes before the command is used. */
int ctrl_mac_addr_set(struct vnet_dev *dev, struct ctrl_req *r)
{
	static const uint8_t zero[6];

	if (r->data[0] & 1)
		return ctrl_fail(&dev->stats.ctrl_err_mac);	/* multicast */
	if (!memcmp(r->data, zero, 6))
		return ctrl_fail(&dev->stats.ctrl_err_mac);	/* all zero */
	if (memcmp(dev->mac, r->data, 6)) {
		memcpy(dev->mac, r->data, 6);
		dev->config_gen++;
	}
	return VNET_CTRL_OK;
}

/* "VLAN Filtering": a 16-bit VLAN id, below 4096. */
static int vlan_id(struct vnet_dev *dev, const struct ctrl_req *r,
		   uint16_t *vid)
{
	*vid = dev_ld16(dev, r->data);
	if (*vid >= VNET_VLAN_IDS)
		return ctrl_fail(&dev->stats.ctrl_err_value);	/* no such id */
	return VNET_CTRL_OK;
}

int ctrl_vlan_add(struct vnet_dev *dev, struct ctrl_req *r)
{
	uint16_t vid;

	if (vlan_id(dev, r, &vid) != VNET_CTRL_OK)
		return VNET_CTRL_ERR;
	dev->vlan[vid / 32] |= 1u << (vid % 32);
	return VNET_CTRL_OK;
}

int ctrl_vlan_del(struct vnet_dev *dev, struct ctrl_req *r)
{
	uint16_t vid;

	if (vlan_id(dev, r, &vid) != VNET_CTRL_OK)
		return VNET_CTRL_ERR;
	dev->vlan[vid / 32] &= ~(1u << (vid % 32));
	return VNET_CTRL_OK;
}
