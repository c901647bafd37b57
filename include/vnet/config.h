/* SPDX-License-Identifier: MIT */
/* config.h - the device configuration space, struct virtio_net_config */
#ifndef VNET_CONFIG_H
#define VNET_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "vnet/dev.h"
#include "vnet/export.h"

VNET_API_BEGIN

/* Field offsets of struct virtio_net_config (virtio 1.4). */
#define VNET_CONFIG_MAC			0	/* u8[6] */
#define VNET_CONFIG_STATUS		6	/* le16, STATUS */
#define VNET_CONFIG_MAX_PAIRS		8	/* le16, MQ or RSS */
#define VNET_CONFIG_MTU			10	/* le16, MTU */
#define VNET_CONFIG_SPEED		12	/* le32, SPEED_DUPLEX */
#define VNET_CONFIG_DUPLEX		16	/* u8, SPEED_DUPLEX */
#define VNET_CONFIG_RSS_MAX_KEY		17	/* u8, RSS or HASH_REPORT */
#define VNET_CONFIG_RSS_MAX_INDIR	18	/* le16, RSS */
#define VNET_CONFIG_HASH_TYPES		20	/* le32, RSS or HASH_REPORT */
#define VNET_CONFIG_TUNNEL_TYPES	24	/* le32, HASH_TUNNEL */
#define VNET_CONFIG_SIZE_MAX		28

/*
 * Which fields the space holds and what they read:
 *
 * - Its size is fixed before negotiation, by the offered features: up to
 *   the end of the last field an offered feature brings, and at least the
 *   mac (a transport exposes it as is).
 * - A field reads its value while its feature is "in force": offered,
 *   until FEATURES_OK; negotiated, after. Otherwise it reads zero. The mac
 *   always exists and always reads the current address.
 * - Multi-byte fields are little-endian with VERSION_1 and in the guest's
 *   order on the legacy interface.
 */

/**
 * vnet_config_size() - bytes of configuration space the transport exposes
 * @dev:	the device
 *
 * Return: 6..VNET_CONFIG_SIZE_MAX
 */
size_t vnet_config_size(const struct vnet_dev *dev);

/**
 * vnet_config_encode() - the whole configuration space
 * @dev:	the device
 * @buf:	output
 * @len:	room at @buf
 *
 * Return: vnet_config_size() bytes written, or -EMSGSIZE if @len is shorter
 */
int vnet_config_encode(const struct vnet_dev *dev, uint8_t *buf, size_t len);

/**
 * vnet_config_read() - a driver's read of @len bytes at @off
 * @dev:	the device
 * @off:	offset
 * @buf:	output
 * @len:	bytes
 *
 * Return: 0, or -ERANGE if the range is not inside the space (@buf is then
 * untouched)
 */
int vnet_config_read(const struct vnet_dev *dev, size_t off, void *buf,
		     size_t len);

/**
 * vnet_config_write() - a driver's write of @len bytes at @off
 * @dev:	the device
 * @off:	offset
 * @buf:	bytes written
 * @len:	count
 *
 * Every field is read-only for the driver, except mac on the legacy
 * interface for a driver without CTRL_MAC_ADDR ("Legacy Interface: Device
 * configuration layout"): those writes take effect at once, byte by byte.
 *
 * Return: 0, -EPERM for a write the driver must not make, -ERANGE for a
 * range outside the space
 */
int vnet_config_write(struct vnet_dev *dev, size_t off, const void *buf,
		      size_t len);

VNET_API_END

#endif /* VNET_CONFIG_H */
