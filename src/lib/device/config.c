// SPDX-License-Identifier: MIT
/* config.c - configuration space: size, encoding, driver reads and writes */

#include <errno.h>
#include <string.h>

#include "vnet/config.h"
#include "dev_int.h"

/* Offered before FEATURES_OK, negotiated after: see config.h. */
static bool in_force(const struct vnet_dev *dev, unsigned int bit)
{
	if (dev->features_ok)
		return vnet_dev_has(dev, bit);
	return vnet_features_has(&dev->p.offer, bit);
}

static bool offered(const struct vnet_dev *dev, unsigned int bit)
{
	return vnet_features_has(&dev->p.offer, bit);
}

size_t vnet_config_size(const struct vnet_dev *dev)
{
	if (offered(dev, VNET_F_HASH_TUNNEL))
		return VNET_CONFIG_SIZE_MAX;
	if (offered(dev, VNET_F_RSS) || offered(dev, VNET_F_HASH_REPORT))
		return VNET_CONFIG_TUNNEL_TYPES;
	if (offered(dev, VNET_F_SPEED_DUPLEX))
		return VNET_CONFIG_RSS_MAX_KEY;
	if (offered(dev, VNET_F_MTU))
		return VNET_CONFIG_SPEED;
	if (offered(dev, VNET_F_MQ) || offered(dev, VNET_F_RSS))
		return VNET_CONFIG_MTU;
	if (offered(dev, VNET_F_STATUS))
		return VNET_CONFIG_MAX_PAIRS;
	return VNET_CONFIG_STATUS;
}

static void encode_hash_fields(const struct vnet_dev *dev, uint8_t *b)
{
	bool rss = in_force(dev, VNET_F_RSS);

	if (rss || in_force(dev, VNET_F_HASH_REPORT)) {
		b[VNET_CONFIG_RSS_MAX_KEY] = dev->p.rss_max_key_size;
		dev_st32(dev, b + VNET_CONFIG_HASH_TYPES, dev->p.hash_types);
	}
	if (rss)
		dev_st16(dev, b + VNET_CONFIG_RSS_MAX_INDIR,
			 dev->p.rss_max_indir_len);
	if (in_force(dev, VNET_F_HASH_TUNNEL))
		dev_st32(dev, b + VNET_CONFIG_TUNNEL_TYPES,
			 dev->p.tunnel_types);
}

/* All VNET_CONFIG_SIZE_MAX bytes; the caller exposes the first size. */
static void encode_all(const struct vnet_dev *dev, uint8_t *b)
{
	memset(b, 0, VNET_CONFIG_SIZE_MAX);
	memcpy(b + VNET_CONFIG_MAC, dev->mac, 6);
	if (in_force(dev, VNET_F_STATUS))
		dev_st16(dev, b + VNET_CONFIG_STATUS, dev->status);
	if (in_force(dev, VNET_F_MQ) || in_force(dev, VNET_F_RSS))
		dev_st16(dev, b + VNET_CONFIG_MAX_PAIRS, dev->p.max_pairs);
	if (in_force(dev, VNET_F_MTU))
		dev_st16(dev, b + VNET_CONFIG_MTU, dev->p.mtu);
	if (in_force(dev, VNET_F_SPEED_DUPLEX)) {
		dev_st32(dev, b + VNET_CONFIG_SPEED, dev->speed);
		b[VNET_CONFIG_DUPLEX] = dev->duplex;
	}
	encode_hash_fields(dev, b);
}

int vnet_config_encode(const struct vnet_dev *dev, uint8_t *buf, size_t len)
{
	uint8_t all[VNET_CONFIG_SIZE_MAX];
	size_t size = vnet_config_size(dev);

	if (len < size)
		return -EMSGSIZE;
	encode_all(dev, all);
	memcpy(buf, all, size);
	return (int)size;
}

int vnet_config_read(const struct vnet_dev *dev, size_t off, void *buf,
		     size_t len)
{
	uint8_t all[VNET_CONFIG_SIZE_MAX];
	size_t size = vnet_config_size(dev);

	if (off > size || len > size - off)
		return -ERANGE;
	encode_all(dev, all);
	memcpy(buf, all + off, len);
	return 0;
}

int vnet_config_write(struct vnet_dev *dev, size_t off, const void *buf,
		      size_t len)
{
	size_t size = vnet_config_size(dev);

	if (off > size || len > size - off)
		return -ERANGE;		/* outside the space */
	if (off + len > VNET_CONFIG_MAC + 6)
		return -EPERM;		/* only mac is ever writable */
	if (vnet_dev_has(dev, VNET_F_VERSION_1))
		return -EPERM;		/* modern drivers never write */
	if (vnet_dev_has(dev, VNET_F_CTRL_MAC_ADDR))
		return -EPERM;		/* it has the command for that */
	if (len && memcmp(dev->mac + off, buf, len)) {
		memcpy(dev->mac + off, buf, len);
		dev->config_gen++;
	}
	return 0;
}
