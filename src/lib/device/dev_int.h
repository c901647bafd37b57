/* SPDX-License-Identifier: MIT */
/* dev_int.h - device-internal helpers: guest-order loads and stores */
#ifndef VNET_DEV_INT_H
#define VNET_DEV_INT_H

#include <stdint.h>

#include "vnet/dev.h"

/**
 * dev_ld16() - a 16-bit field of a control command or config, guest order
 * @dev:	the device (its byte order)
 * @p:		two bytes, any alignment
 *
 * Return: host-order value
 */
static inline uint16_t dev_ld16(const struct vnet_dev *dev, const uint8_t *p)
{
	if (vnet_dev_endian(dev) == VNET_ENDIAN_BIG)
		return (uint16_t)(p[0] << 8 | p[1]);
	return (uint16_t)(p[1] << 8 | p[0]);
}

/**
 * dev_ld32() - a 32-bit field, guest order
 * @dev:	the device
 * @p:		four bytes
 *
 * Return: host-order value
 */
static inline uint32_t dev_ld32(const struct vnet_dev *dev, const uint8_t *p)
{
	uint32_t a = dev_ld16(dev, p), b = dev_ld16(dev, p + 2);

	return vnet_dev_endian(dev) == VNET_ENDIAN_BIG ? a << 16 | b
						      : b << 16 | a;
}

/**
 * dev_ld64() - a 64-bit field, guest order
 * @dev:	the device
 * @p:		eight bytes
 *
 * Return: host-order value
 */
static inline uint64_t dev_ld64(const struct vnet_dev *dev, const uint8_t *p)
{
	uint64_t a = dev_ld32(dev, p), b = dev_ld32(dev, p + 4);

	return vnet_dev_endian(dev) == VNET_ENDIAN_BIG ? a << 32 | b
						      : b << 32 | a;
}

/**
 * dev_st16() - store a 16-bit field, guest order
 * @dev:	the device
 * @p:		two bytes
 * @v:		host-order value
 */
static inline void dev_st16(const struct vnet_dev *dev, uint8_t *p, uint16_t v)
{
	int big = vnet_dev_endian(dev) == VNET_ENDIAN_BIG;

	p[0] = (uint8_t)(big ? v >> 8 : v);
	p[1] = (uint8_t)(big ? v : v >> 8);
}

/**
 * dev_st32() - store a 32-bit field, guest order
 * @dev:	the device
 * @p:		four bytes
 * @v:		host-order value
 */
static inline void dev_st32(const struct vnet_dev *dev, uint8_t *p, uint32_t v)
{
	int big = vnet_dev_endian(dev) == VNET_ENDIAN_BIG;

	dev_st16(dev, p, (uint16_t)(big ? v >> 16 : v));
	dev_st16(dev, p + 2, (uint16_t)(big ? v : v >> 16));
}

/**
 * dev_st64() - store a 64-bit field, guest order
 * @dev:	the device
 * @p:		eight bytes
 * @v:		host-order value
 */
static inline void dev_st64(const struct vnet_dev *dev, uint8_t *p, uint64_t v)
{
	int big = vnet_dev_endian(dev) == VNET_ENDIAN_BIG;

	dev_st32(dev, p, (uint32_t)(big ? v >> 32 : v));
	dev_st32(dev, p + 4, (uint32_t)(big ? v : v >> 32));
}

#endif /* VNET_DEV_INT_H */
