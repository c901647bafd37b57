// SPDX-License-Identifier: MIT
/* ctrl_stats.c - device statistics: STATS_QUERY and STATS_GET (DEVICE_STATS) */

/*
 * virtio 1.4 "Device Statistics". The control queue's counters are the
 * library's own; a data queue's come from the owner (vnet_dev_params
 * stats_read), each type the owner names in stats_types. A type whose
 * feature the driver did not negotiate is not supported on this device
 * as negotiated: QUERY leaves it out, so a driver that asks for every
 * type QUERY gives (Linux does) never has its command refused for it.
 */

#include <string.h>

#include "ctrl_int.h"
#include "vnet/vq_map.h"

#define STATS_ENTRY_LEN		16	/* struct virtio_net_ctrl_queue_stats */
#define STATS_REPLY_HDR_LEN	8	/* struct virtio_net_stats_reply_hdr */
#define STATS_TYPE_CVQ_BIT	32

#define RX_TYPES	(VNET_STATS_TYPE_RX_BASIC | VNET_STATS_TYPE_RX_CSUM | \
			 VNET_STATS_TYPE_RX_GSO | VNET_STATS_TYPE_RX_SPEED)
#define TX_TYPES	(VNET_STATS_TYPE_TX_BASIC | VNET_STATS_TYPE_TX_CSUM | \
			 VNET_STATS_TYPE_TX_GSO | VNET_STATS_TYPE_TX_SPEED)

/* Counters of each reply type (its struct less the header), by bit. */
static unsigned int stats_fields(unsigned int bit)
{
	static const uint8_t fields[STATS_TYPE_CVQ_BIT + 1] = {
		[0] = 6, [1] = 4, [2] = 4, [3] = 2,	/* receive */
		[16] = 6, [17] = 2, [18] = 6, [19] = 2,	/* transmit */
		[STATS_TYPE_CVQ_BIT] = 2,
	};

	return bit <= STATS_TYPE_CVQ_BIT ? fields[bit] : 0;
}

/* The types this device gives now: the owner's and the control queue's,
 * each with the feature the spec names for it negotiated. */
static uint64_t stats_supported(const struct vnet_dev *dev)
{
	uint64_t t = (dev->p.stats_read ? dev->p.stats_types &
		      (RX_TYPES | TX_TYPES) : 0) | VNET_STATS_TYPE_CVQ;

	if (!vnet_dev_has(dev, VNET_F_GUEST_CSUM))
		t &= ~VNET_STATS_TYPE_RX_CSUM;
	if (!vnet_dev_has(dev, VNET_F_CSUM))
		t &= ~VNET_STATS_TYPE_TX_CSUM;
	if (!vnet_dev_has(dev, VNET_F_GUEST_TSO4) &&
	    !vnet_dev_has(dev, VNET_F_GUEST_TSO6))
		t &= ~VNET_STATS_TYPE_RX_GSO;
	if (!vnet_dev_has(dev, VNET_F_HOST_TSO4) &&
	    !vnet_dev_has(dev, VNET_F_HOST_TSO6) &&
	    !vnet_dev_has(dev, VNET_F_HOST_USO))
		t &= ~VNET_STATS_TYPE_TX_GSO;
	return t;
}

int ctrl_stats_query(struct vnet_dev *dev, struct ctrl_req *r)
{
	if (r->result_len < 8)
		return ctrl_fail(&dev->stats.ctrl_err_result);	/* no room */
	dev_st64(dev, r->result, stats_supported(dev));
	r->result_used = 8;
	return VNET_CTRL_OK;
}

/* The types a queue may be asked for: its role's (vq_map.h). */
static uint64_t stats_for_vq(const struct vnet_dev *dev, uint16_t vq)
{
	struct vnet_vq_map m;

	vnet_vq_map_init(&m, &dev->features, dev->p.max_pairs);
	switch (vnet_vq_role(&m, vq, NULL)) {
	case VNET_VQ_RX:
		return RX_TYPES;
	case VNET_VQ_TX:
		return TX_TYPES;
	case VNET_VQ_CTRL:
		return VNET_STATS_TYPE_CVQ;
	default:
		return 0;	/* past the queues: NET-STATS-02 */
	}
}

/* NET-STATS-02: one entry wrong and the whole command fails. */
static int stats_check(struct vnet_dev *dev, const struct ctrl_req *r)
{
	uint64_t supported = stats_supported(dev), types;
	size_t off;

	if (!r->len || r->len % STATS_ENTRY_LEN)
		return ctrl_fail(&dev->stats.ctrl_err_len);
	for (off = 0; off < r->len; off += STATS_ENTRY_LEN) {
		/* reserved[3] at +2 is ignored */
		types = dev_ld64(dev, r->data + off + 8);
		if (types & ~stats_for_vq(dev, dev_ld16(dev, r->data + off)))
			return ctrl_fail(&dev->stats.ctrl_err_stats); /* queue */
		if (types & ~supported)
			return ctrl_fail(&dev->stats.ctrl_err_stats); /* type */
	}
	return VNET_CTRL_OK;
}

/* One reply at @p (room checked): header, then the counters. */
static size_t stats_reply(struct vnet_dev *dev, uint16_t vq, unsigned int bit,
			  uint8_t *p)
{
	uint64_t v[VNET_STATS_FIELDS_MAX] = { 0 };
	unsigned int n = stats_fields(bit), i;
	size_t size = STATS_REPLY_HDR_LEN + 8 * n;

	if (bit == STATS_TYPE_CVQ_BIT) {
		v[0] = dev->stats.ctrl_commands;	/* this one included */
		v[1] = dev->stats.ctrl_ok + 1;		/* so is its success */
	} else {
		dev->p.stats_read(dev->p.stats_opaque, vq, (uint8_t)bit, v, n);
	}
	memset(p, 0, STATS_REPLY_HDR_LEN);
	p[0] = (uint8_t)bit;
	dev_st16(dev, p + 2, vq);
	dev_st16(dev, p + 6, (uint16_t)size);
	for (i = 0; i < n; i++)
		dev_st64(dev, p + STATS_REPLY_HDR_LEN + 8 * i, v[i]);
	return size;
}

int ctrl_stats_get(struct vnet_dev *dev, struct ctrl_req *r)
{
	size_t off, used = 0;
	unsigned int bit;

	if (stats_check(dev, r) != VNET_CTRL_OK)
		return VNET_CTRL_ERR;
	for (off = 0; off < r->len; off += STATS_ENTRY_LEN) {
		uint16_t vq = dev_ld16(dev, r->data + off);
		uint64_t types = dev_ld64(dev, r->data + off + 8);

		for (bit = 0; bit < 64; bit++) {
			size_t size = STATS_REPLY_HDR_LEN + 8 * stats_fields(bit);

			if (!(types >> bit & 1))
				continue;
			/* NET-STATS-06: whole replies, up to the room given */
			if (size > r->result_len - used)
				goto full;
			used += stats_reply(dev, vq, bit, r->result + used);
		}
	}
full:
	r->result_used = used;
	return VNET_CTRL_OK;
}
