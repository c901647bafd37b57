/* SPDX-License-Identifier: MIT */
/* dev_snap.h - a device's whole driver-visible state, flattened, to check
 * that a refused control command changed nothing (test_ctrl.c, fuzz_ctrl.c).
 * Counters are left out: a refusal counts its reason. */
#ifndef DEV_SNAP_H
#define DEV_SNAP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vnet/dev.h"

/* The largest tables a snapshot holds; a device made with more is refused. */
#define DEV_SNAP_MACS	8
#define DEV_SNAP_PAIRS	8

/**
 * struct dev_snap - the device's state, flattened
 * @d:		the struct, with pointers and counters cleared
 * @uni:	unicast table
 * @multi:	multicast table
 * @indir:	indirection table
 * @coal:	per-queue coalescing
 * @en:		per-queue enable
 * @tz:		expanded keys (RSS, HASH_CONFIG)
 */
struct dev_snap {
	struct vnet_dev d;
	uint8_t uni[DEV_SNAP_MACS][6];
	uint8_t multi[DEV_SNAP_MACS][6];
	uint16_t indir[128];
	struct vnet_coal coal[2 * DEV_SNAP_PAIRS];
	bool en[2 * DEV_SNAP_PAIRS];
	struct vnet_toeplitz tz[2];
};

/**
 * dev_snap_take() - flatten @d into @s, zeroed first (padding included,
 *		     so two snapshots compare equal with memcmp)
 * @d:		device
 * @s:		snapshot
 *
 * Return: false if @d's tables are larger than a snapshot holds
 */
static inline bool dev_snap_take(const struct vnet_dev *d, struct dev_snap *s)
{
	uint32_t macs = d->p.mac_table_max, queues = 2u * d->p.max_pairs;

	if (macs > DEV_SNAP_MACS || d->p.max_pairs > DEV_SNAP_PAIRS)
		return false;
	memset(s, 0, sizeof(*s));
	memcpy(&s->d, d, sizeof(*d));
	memset(&s->d.stats, 0, sizeof(s->d.stats));
	s->d.uni.addr = s->d.multi.addr = NULL;
	s->d.rss.indir = s->d.hash.indir = NULL;
	s->d.rss.tz = s->d.hash.tz = NULL;
	s->d.coal = NULL;
	s->d.vq_enabled = NULL;
	s->d.steer.slot = NULL;
	memcpy(s->uni, d->uni.addr, macs * sizeof(s->uni[0]));
	memcpy(s->multi, d->multi.addr, macs * sizeof(s->multi[0]));
	if (vnet_features_has(&d->p.offer, VNET_F_RSS))
		memcpy(s->indir, d->rss.indir, sizeof(s->indir));
	memcpy(s->coal, d->coal, queues * sizeof(s->coal[0]));
	if (d->vq_enabled)
		memcpy(s->en, d->vq_enabled, queues * sizeof(s->en[0]));
	if (d->rss.tz)
		memcpy(&s->tz[0], d->rss.tz, sizeof(s->tz[0]));
	if (d->hash.tz)
		memcpy(&s->tz[1], d->hash.tz, sizeof(s->tz[1]));
	return true;
}

#endif
