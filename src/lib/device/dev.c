// SPDX-License-Identifier: MIT
/* dev.c - device state: parameters checked, memory, reset, negotiation, link */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vnet/dev.h"
#include "vnet/vq_map.h"
#include "vnet/rss.h"

#define MAC_TABLE_LIMIT		(1u << 20)
#define STEER_SLOTS_DEFAULT	4096

static bool offers(const struct vnet_dev_params *p, unsigned int bit)
{
	return vnet_features_has(&p->offer, bit);
}

/* "Device configuration layout", device-normative: what the config holds. */
static int check_config_musts(const struct vnet_dev_params *p)
{
	bool hashing = offers(p, VNET_F_RSS) || offers(p, VNET_F_HASH_REPORT);

	if (p->max_pairs < 1 || p->max_pairs > VNET_MAX_PAIRS)
		return -EINVAL;		/* max_virtqueue_pairs 1..0x8000 */
	if (offers(p, VNET_F_MTU) && p->mtu < 68)
		return -EINVAL;		/* mtu 68..65535 */
	if (hashing && p->rss_max_key_size < VNET_RSS_KEY_MIN)
		return -EINVAL;		/* rss_max_key_size >= 40 */
	if (offers(p, VNET_F_RSS) && p->rss_max_indir_len < VNET_RSS_INDIR_MIN)
		return -EINVAL;		/* indirection table >= 128 */
	if (p->hash_types & ~VNET_HASH_TYPE_ALL)
		return -EINVAL;		/* no such hash type */
	if (p->tunnel_types & ~VNET_HASH_TUNNEL_ALL)
		return -EINVAL;		/* no such encapsulation type */
	if (p->speed > 0x7fffffff && p->speed != VNET_SPEED_UNKNOWN)
		return -EINVAL;		/* speed 0..0x7fffffff or unknown */
	if (p->duplex > VNET_DUPLEX_FULL && p->duplex != VNET_DUPLEX_UNKNOWN)
		return -EINVAL;		/* duplex 0, 1 or unknown */
	return 0;
}

static int check_params(const struct vnet_dev_params *p)
{
	int err = check_config_musts(p);

	if (err)
		return err;
	if (vnet_features_check(&p->offer, p->profile, NULL, 0))
		return -EINVAL;		/* the offer breaks a requirement */
	if (!offers(p, VNET_F_CTRL_VQ) && (offers(p, VNET_F_HASH_REPORT) ||
					   offers(p, VNET_F_CTRL_RX_EXTRA)))
		return -EINVAL;		/* SHOULD NOT offer without CTRL_VQ */
	if (p->mac_table_max > MAC_TABLE_LIMIT)
		return -EINVAL;		/* absurd table */
	if (p->steer_slots & (p->steer_slots - 1))
		return -EINVAL;		/* not a power of two */
	return 0;
}

static int alloc_hash_cfg(struct vnet_hash_cfg *h, size_t indir_len,
			  bool hashing)
{
	h->indir = calloc(indir_len ? indir_len : 1, sizeof(*h->indir));
	if (!h->indir)
		return -ENOMEM;
	if (!hashing)
		return 0;
	h->tz = malloc(sizeof(*h->tz));
	return h->tz ? 0 : -ENOMEM;
}

static int dev_alloc(struct vnet_dev *dev)
{
	const struct vnet_dev_params *p = &dev->p;
	size_t macs = p->mac_table_max ? p->mac_table_max : 1;
	size_t vqs = 2 * (size_t)p->max_pairs;
	bool hashing = offers(p, VNET_F_RSS) || offers(p, VNET_F_HASH_REPORT);

	dev->uni.addr = calloc(macs, sizeof(*dev->uni.addr));
	dev->multi.addr = calloc(macs, sizeof(*dev->multi.addr));
	dev->coal = calloc(vqs, sizeof(*dev->coal));
	dev->vq_enabled = calloc(vqs, sizeof(*dev->vq_enabled));
	if (!dev->uni.addr || !dev->multi.addr || !dev->coal ||
	    !dev->vq_enabled)
		return -ENOMEM;
	if (alloc_hash_cfg(&dev->rss, offers(p, VNET_F_RSS) ?
			   p->rss_max_indir_len : 1, hashing) ||
	    alloc_hash_cfg(&dev->hash, 0, hashing))
		return -ENOMEM;
	return vnet_steer_init(&dev->steer, p->steer_slots ? p->steer_slots :
					    STEER_SLOTS_DEFAULT);
}

int vnet_dev_init(struct vnet_dev *dev, const struct vnet_dev_params *p)
{
	int err;

	memset(dev, 0, sizeof(*dev));
	err = check_params(p);
	if (err)
		return err;
	dev->p = *p;
	err = dev_alloc(dev);
	if (err) {
		vnet_dev_fini(dev);
		return err;
	}
	memcpy(dev->mac, p->mac, sizeof(dev->mac));
	dev->speed = p->speed;
	dev->duplex = p->duplex;
	vnet_dev_reset(dev);
	return 0;
}

void vnet_dev_fini(struct vnet_dev *dev)
{
	free(dev->uni.addr);
	free(dev->multi.addr);
	free(dev->coal);
	free(dev->vq_enabled);
	free(dev->rss.indir);
	free(dev->rss.tz);
	free(dev->hash.indir);
	free(dev->hash.tz);
	vnet_steer_fini(&dev->steer);
	memset(dev, 0, sizeof(*dev));
}

/* Hash parameters of nothing configured: no types, zero key. */
static void hash_cfg_reset(struct vnet_hash_cfg *h)
{
	h->types = 0;
	h->indir_mask = 0;
	h->unclassified = 0;
	h->indir[0] = 0;
	h->key_len = 0;
	memset(h->key, 0, sizeof(h->key));
	if (h->tz)
		vnet_toeplitz_init(h->tz, NULL, 0);
}

static void queues_reset(struct vnet_dev *dev)
{
	size_t vq, vqs = 2 * (size_t)dev->p.max_pairs;

	memset(&dev->coal_tx, 0, sizeof(dev->coal_tx));
	memset(&dev->coal_rx, 0, sizeof(dev->coal_rx));
	for (vq = 0; vq < vqs; vq++) {
		vnet_coal_reset(&dev->coal[vq], NULL);
		dev->vq_enabled[vq] = false;
	}
}

void vnet_dev_reset(struct vnet_dev *dev)
{
	memset(&dev->features, 0, sizeof(dev->features));
	dev->features_ok = false;
	vnet_hdr_layout_init(&dev->layout, &dev->features, dev->p.profile,
			     dev->p.legacy_endian);
	if (dev->status & VNET_S_ANNOUNCE || memcmp(dev->mac, dev->p.mac, 6))
		dev->config_gen++;
	dev->status &= (uint16_t)~VNET_S_ANNOUNCE;
	memcpy(dev->mac, dev->p.mac, sizeof(dev->mac));
	memset(&dev->rx, 0, sizeof(dev->rx));
	dev->rx.promisc = true;
	dev->uni.count = dev->multi.count = 0;
	dev->uni.overflow = dev->multi.overflow = false;
	memset(dev->vlan, 0, sizeof(dev->vlan));
	dev->mq = VNET_MQ_SINGLE;
	dev->pairs = 1;
	hash_cfg_reset(&dev->rss);
	hash_cfg_reset(&dev->hash);
	dev->tunnel_types = 0;
	memset(&dev->guest_offloads, 0, sizeof(dev->guest_offloads));
	queues_reset(dev);
	vnet_steer_clear(&dev->steer);
}

int vnet_dev_negotiate(struct vnet_dev *dev,
		       const struct vnet_features *accepted, char *why,
		       size_t why_len)
{
	struct vnet_features f;
	uint64_t offloads;
	uint16_t vq;

	if (vnet_features_negotiate(&dev->p.offer, accepted, dev->p.profile,
				    &f, why, why_len))
		return -EPERM;
	vnet_dev_reset(dev);
	dev->features = f;
	dev->features_ok = true;
	vnet_hdr_layout_init(&dev->layout, &f, dev->p.profile,
			     dev->p.legacy_endian);
	offloads = vnet_features_to_guest_offloads(&f, dev->p.profile);
	vnet_guest_offloads_to_features(offloads, dev->p.profile,
					&dev->guest_offloads);
	for (vq = 0; vq < 2 * vnet_dev_data_pairs(dev); vq++)
		dev->vq_enabled[vq] = true;
	return 0;
}

enum vnet_endian vnet_dev_endian(const struct vnet_dev *dev)
{
	if (vnet_dev_has(dev, VNET_F_VERSION_1))
		return VNET_ENDIAN_LITTLE;
	return dev->p.legacy_endian;
}

uint16_t vnet_dev_data_pairs(const struct vnet_dev *dev)
{
	struct vnet_vq_map m;

	vnet_vq_map_init(&m, &dev->features, dev->p.max_pairs);
	return m.pairs;
}

uint16_t vnet_dev_rx_pairs(const struct vnet_dev *dev)
{
	uint16_t n = vnet_dev_data_pairs(dev);

	/* with MQ or RSS, the pairs the driver set: one after reset */
	return n > 1 && dev->pairs && dev->pairs < n ? dev->pairs : n;
}

int vnet_dev_set_link(struct vnet_dev *dev, bool up)
{
	uint16_t old = dev->status;

	if (up)
		dev->status |= VNET_S_LINK_UP;
	else
		dev->status &= (uint16_t)~VNET_S_LINK_UP;
	if (old == dev->status)
		return 0;
	dev->config_gen++;
	return vnet_dev_has(dev, VNET_F_STATUS) ? 1 : 0;
}

int vnet_dev_announce(struct vnet_dev *dev)
{
	if (!vnet_dev_has(dev, VNET_F_GUEST_ANNOUNCE) ||
	    !vnet_dev_has(dev, VNET_F_STATUS))
		return -EOPNOTSUPP;
	dev->status |= VNET_S_ANNOUNCE;
	dev->config_gen++;
	return 1;
}

int vnet_dev_set_speed_duplex(struct vnet_dev *dev, uint32_t speed,
			      uint8_t duplex)
{
	if (speed > 0x7fffffff && speed != VNET_SPEED_UNKNOWN)
		return -EINVAL;		/* speed out of range */
	if (duplex > VNET_DUPLEX_FULL && duplex != VNET_DUPLEX_UNKNOWN)
		return -EINVAL;		/* no such duplex */
	if (speed == dev->speed && duplex == dev->duplex)
		return 0;
	if (dev->status & VNET_S_LINK_UP &&
	    vnet_dev_has(dev, VNET_F_STATUS) &&
	    vnet_dev_has(dev, VNET_F_SPEED_DUPLEX))
		return -EBUSY;		/* SHOULD NOT change while link up */
	dev->speed = speed;
	dev->duplex = duplex;
	dev->config_gen++;
	return 1;
}

int vnet_dev_queue_enable(struct vnet_dev *dev, uint16_t vq, bool on)
{
	if (vq >= 2 * vnet_dev_data_pairs(dev))
		return -EINVAL;
	if (on && !dev->vq_enabled[vq])
		vnet_coal_reset(&dev->coal[vq],
				vq % 2 ? &dev->coal_tx : &dev->coal_rx);
	dev->vq_enabled[vq] = on;
	return 0;
}

struct vnet_coal *vnet_dev_coal(struct vnet_dev *dev, uint16_t vq)
{
	if (vq >= 2 * vnet_dev_data_pairs(dev))
		return NULL;
	return &dev->coal[vq];
}
