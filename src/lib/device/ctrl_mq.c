// SPDX-License-Identifier: MIT
/* ctrl_mq.c - multiqueue commands: pairs, RSS, hash parameters, inner hash */

#include <string.h>

#include "vnet/rss.h"
#include "ctrl_int.h"

/* "Automatic receive steering in multiqueue mode": 1..max_virtqueue_pairs. */
int ctrl_mq_pairs_set(struct vnet_dev *dev, struct ctrl_req *r)
{
	uint16_t n = dev_ld16(dev, r->data);

	if (n < 1 || n > dev->p.max_pairs)
		return ctrl_fail(&dev->stats.ctrl_err_pairs);
	dev->pairs = n;
	dev->mq = n > 1 ? VNET_MQ_AUTO : VNET_MQ_SINGLE;
	vnet_steer_clear(&dev->steer);
	return VNET_CTRL_OK;
}

/**
 * struct rss_cmd - a virtio_net_rss_config, located in the command data
 * @types:		hash_types
 * @entries:		indirection_table_mask + 1
 * @unclassified:	unclassified_queue (vq_index_1_16)
 * @indir:		first indirection table entry
 * @max_tx_vq:		max_tx_vq
 * @key_len:		hash_key_length
 * @key:		hash_key_data
 */
struct rss_cmd {
	uint32_t types;
	uint32_t entries;
	uint16_t unclassified;
	const uint8_t *indir;
	uint16_t max_tx_vq;
	uint8_t key_len;
	const uint8_t *key;
};

/* The layout: every length checked against the bytes there are. */
static int rss_cmd_parse(struct vnet_dev *dev, const struct ctrl_req *r,
			 struct rss_cmd *c)
{
	size_t rest = r->len, table;

	if (rest < 8)
		return ctrl_fail(&dev->stats.ctrl_err_len);	/* no header */
	c->types = dev_ld32(dev, r->data);
	c->entries = (uint32_t)dev_ld16(dev, r->data + 4) + 1;
	c->unclassified = dev_ld16(dev, r->data + 6);
	c->indir = r->data + 8;
	rest -= 8;
	table = (size_t)c->entries * 2;
	if (rest < table || rest - table < 3)
		return ctrl_fail(&dev->stats.ctrl_err_len);	/* cut short */
	rest -= table + 3;
	c->max_tx_vq = dev_ld16(dev, c->indir + table);
	c->key_len = c->indir[table + 2];
	c->key = c->indir + table + 3;
	if (rest != c->key_len)
		return ctrl_fail(&dev->stats.ctrl_err_len);	/* key length */
	return VNET_CTRL_OK;
}

/* Types the device supports, a key it takes: shared with HASH_CONFIG. */
static int hash_params_check(struct vnet_dev *dev, uint32_t types,
			     uint8_t key_len)
{
	if (types & ~dev->p.hash_types)
		return ctrl_fail(&dev->stats.ctrl_err_hash_types);
	if (key_len > dev->p.rss_max_key_size)
		return ctrl_fail(&dev->stats.ctrl_err_key);	/* too long */
	if (types && !key_len)
		return ctrl_fail(&dev->stats.ctrl_err_key);	/* nothing to hash with */
	return VNET_CTRL_OK;
}

/* "Setting RSS parameters": the driver MUSTs the device enforces. */
static int rss_cmd_check(struct vnet_dev *dev, const struct rss_cmd *c)
{
	uint32_t i;

	if (c->entries & (c->entries - 1))
		return ctrl_fail(&dev->stats.ctrl_err_indir_size); /* not 2^n */
	if (c->entries > dev->p.rss_max_indir_len)
		return ctrl_fail(&dev->stats.ctrl_err_indir_size); /* too long */
	if (hash_params_check(dev, c->types, c->key_len) != VNET_CTRL_OK)
		return VNET_CTRL_ERR;
	if (c->max_tx_vq < 1 || c->max_tx_vq > dev->p.max_pairs)
		return ctrl_fail(&dev->stats.ctrl_err_pairs);
	if (c->unclassified >= c->max_tx_vq)
		return ctrl_fail(&dev->stats.ctrl_err_rss_queue);
	for (i = 0; i < c->entries; i++)
		if (dev_ld16(dev, c->indir + 2 * i) >= c->max_tx_vq)
			return ctrl_fail(&dev->stats.ctrl_err_rss_queue);
	return VNET_CTRL_OK;
}

static void hash_key_store(struct vnet_hash_cfg *h, uint32_t types,
			   const uint8_t *key, uint8_t key_len)
{
	h->types = types;
	memset(h->key, 0, sizeof(h->key));
	memcpy(h->key, key, key_len);
	h->key_len = key_len;
	vnet_toeplitz_init(h->tz, h->key, h->key_len);
}

/*
 * Queue indexes must lie below max_tx_vq, which becomes the number of
 * pairs in use: RSS names no other count of enabled queues.
 */
int ctrl_mq_rss_config(struct vnet_dev *dev, struct ctrl_req *r)
{
	struct rss_cmd c;
	uint32_t i;

	if (rss_cmd_parse(dev, r, &c) != VNET_CTRL_OK ||
	    rss_cmd_check(dev, &c) != VNET_CTRL_OK)
		return VNET_CTRL_ERR;
	for (i = 0; i < c.entries; i++)
		dev->rss.indir[i] = dev_ld16(dev, c.indir + 2 * i);
	dev->rss.indir_mask = (uint16_t)(c.entries - 1);
	dev->rss.unclassified = c.unclassified;
	hash_key_store(&dev->rss, c.types, c.key, c.key_len);
	dev->pairs = c.max_tx_vq;
	dev->mq = VNET_MQ_RSS;
	return VNET_CTRL_OK;
}

/*
 * "Hash calculation" of automatic steering: the hash a device without RSS
 * reports. With RSS negotiated, RSS_CONFIG's parameters are the ones used,
 * so this command is refused there.
 */
int ctrl_mq_hash_config(struct vnet_dev *dev, struct ctrl_req *r)
{
	static const uint8_t zero[8];
	uint32_t types;
	uint8_t key_len;

	if (vnet_dev_has(dev, VNET_F_RSS))
		return ctrl_fail(&dev->stats.ctrl_err_feature);	/* RSS_CONFIG's */
	if (r->len < 13)
		return ctrl_fail(&dev->stats.ctrl_err_len);	/* no header */
	types = dev_ld32(dev, r->data);
	if (memcmp(r->data + 4, zero, sizeof(zero)))
		return ctrl_fail(&dev->stats.ctrl_err_reserved);
	key_len = r->data[12];
	if (r->len - 13 != key_len)
		return ctrl_fail(&dev->stats.ctrl_err_len);	/* key length */
	if (hash_params_check(dev, types, key_len) != VNET_CTRL_OK)
		return VNET_CTRL_ERR;
	hash_key_store(&dev->hash, types, r->data + 13, key_len);
	return VNET_CTRL_OK;
}

/* "Inner Header Hash": only supported encapsulation types. */
int ctrl_hash_tunnel_set(struct vnet_dev *dev, struct ctrl_req *r)
{
	uint32_t types = dev_ld32(dev, r->data);

	if (types & ~dev->p.tunnel_types)
		return ctrl_fail(&dev->stats.ctrl_err_tunnel_types);
	dev->tunnel_types = types;
	return VNET_CTRL_OK;
}
