// SPDX-License-Identifier: MIT
/* overlay_fdb.c - the overlay's forwarding table: bounded, learning, aging */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vnet/overlay_fdb.h"

#define FDB_MAX_CAP	65536

bool vnet_overlay_addr_equal(const struct vnet_overlay_addr *a,
			     const struct vnet_overlay_addr *b)
{
	return a->family == b->family && !memcmp(a->a, b->a, sizeof(a->a));
}

/**
 * fdb_hash() - slot a MAC hashes to
 * @fdb:	the table
 * @mac:	the MAC
 *
 * Return: the home slot
 */
static size_t fdb_hash(const struct vnet_overlay_fdb *fdb, const uint8_t *mac)
{
	uint64_t h = 0;

	memcpy(&h, mac, 6);
	h *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 32) & fdb->mask;
}

/**
 * fdb_find() - the slot of @mac, or the empty slot where it would go
 * @fdb:	the table
 * @mac:	the MAC
 *
 * The table is never full (twice the capacity), so the probe ends.
 *
 * Return: the slot index
 */
static size_t fdb_find(const struct vnet_overlay_fdb *fdb, const uint8_t *mac)
{
	size_t i = fdb_hash(fdb, mac);

	while (fdb->slots[i].used && memcmp(fdb->slots[i].mac, mac, 6))
		i = (i + 1) & fdb->mask;
	return i;
}

/**
 * fdb_remove() - empty a slot, shifting later entries of its run back
 * @fdb:	the table
 * @i:		the slot
 */
static void fdb_remove(struct vnet_overlay_fdb *fdb, size_t i)
{
	size_t j = i, home;

	fdb->slots[i].used = false;
	fdb->count--;
	for (;;) {
		j = (j + 1) & fdb->mask;
		if (!fdb->slots[j].used)
			return;
		home = fdb_hash(fdb, fdb->slots[j].mac);
		/* j stays if its home lies cyclically in (i, j] */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		fdb->slots[i] = fdb->slots[j];
		fdb->slots[j].used = false;
		i = j;
	}
}

int vnet_overlay_fdb_init(struct vnet_overlay_fdb *fdb, size_t max,
			  uint64_t age_ns)
{
	size_t n = 2;

	memset(fdb, 0, sizeof(*fdb));
	if (!max || max > FDB_MAX_CAP)
		return -EINVAL;
	while (n < 2 * max)
		n <<= 1;
	fdb->slots = calloc(n, sizeof(*fdb->slots));
	if (!fdb->slots)
		return -ENOMEM;
	fdb->mask = n - 1;
	fdb->max = max;
	fdb->age_ns = age_ns;
	return 0;
}

void vnet_overlay_fdb_fini(struct vnet_overlay_fdb *fdb)
{
	free(fdb->slots);
	fdb->slots = NULL;
	fdb->count = 0;
}

/**
 * fdb_expired() - whether a learned entry has outlived its age
 * @fdb:	the table
 * @e:		the entry
 * @now:	time in ns
 *
 * Return: true if expired
 */
static bool fdb_expired(const struct vnet_overlay_fdb *fdb,
			const struct vnet_overlay_fdb_entry *e, uint64_t now)
{
	return !e->is_static && now > e->seen && now - e->seen > fdb->age_ns;
}

/**
 * fdb_make_room() - free one slot of a full table
 * @fdb:	the table
 * @now:	time in ns
 *
 * Return: 0, or -ENOSPC if every entry is static
 */
static int fdb_make_room(struct vnet_overlay_fdb *fdb, uint64_t now)
{
	size_t i, victim = SIZE_MAX;

	if (vnet_overlay_fdb_age(fdb, now))
		return 0;
	for (i = 0; i <= fdb->mask; i++) {
		const struct vnet_overlay_fdb_entry *e = &fdb->slots[i];

		if (!e->used || e->is_static)
			continue;
		if (victim == SIZE_MAX || e->seen < fdb->slots[victim].seen)
			victim = i;
	}
	if (victim == SIZE_MAX)
		return -ENOSPC;
	fdb_remove(fdb, victim);
	fdb->evicted++;
	return 0;
}

/**
 * fdb_insert() - put a new entry in a table that may be full
 * @fdb:	the table
 * @mac:	the MAC (not yet present)
 * @remote:	its remote
 * @now:	time in ns
 * @is_static:	configured entry
 *
 * Return: 0, or -ENOSPC
 */
static int fdb_insert(struct vnet_overlay_fdb *fdb, const uint8_t *mac,
		      const struct vnet_overlay_addr *remote, uint64_t now,
		      bool is_static)
{
	struct vnet_overlay_fdb_entry *e;

	if (fdb->count >= fdb->max && fdb_make_room(fdb, now))
		return -ENOSPC;
	e = &fdb->slots[fdb_find(fdb, mac)];
	memcpy(e->mac, mac, 6);
	e->used = true;
	e->is_static = is_static;
	e->remote = *remote;
	e->seen = now;
	fdb->count++;
	return 0;
}

/**
 * fdb_mac_learnable() - a unicast, non-zero MAC
 * @mac:	the MAC
 *
 * Return: true if it may be in the table
 */
static bool fdb_mac_learnable(const uint8_t *mac)
{
	static const uint8_t zero[6];

	return !(mac[0] & 1) && memcmp(mac, zero, 6);
}

int vnet_overlay_fdb_add_static(struct vnet_overlay_fdb *fdb,
				const uint8_t mac[6],
				const struct vnet_overlay_addr *remote)
{
	size_t i;

	if (!fdb_mac_learnable(mac))
		return -EINVAL;
	i = fdb_find(fdb, mac);
	if (fdb->slots[i].used) {
		fdb->slots[i].is_static = true;
		fdb->slots[i].remote = *remote;
		return 0;
	}
	return fdb_insert(fdb, mac, remote, 0, true);
}

int vnet_overlay_fdb_learn(struct vnet_overlay_fdb *fdb, const uint8_t mac[6],
			   const struct vnet_overlay_addr *remote, uint64_t now)
{
	struct vnet_overlay_fdb_entry *e;
	int err;

	if (!fdb_mac_learnable(mac))
		return 0;
	e = &fdb->slots[fdb_find(fdb, mac)];
	if (e->used && e->is_static)
		return 0;				/* configured: stays */
	if (e->used) {
		bool moved = !vnet_overlay_addr_equal(&e->remote, remote);

		e->remote = *remote;
		e->seen = now;
		return moved;
	}
	err = fdb_insert(fdb, mac, remote, now, false);
	return err ? err : 1;
}

const struct vnet_overlay_addr *
vnet_overlay_fdb_lookup(const struct vnet_overlay_fdb *fdb,
			const uint8_t mac[6], uint64_t now)
{
	const struct vnet_overlay_fdb_entry *e;

	if (mac[0] & 1)
		return NULL;				/* broadcast, multicast */
	e = &fdb->slots[fdb_find(fdb, mac)];
	if (!e->used || fdb_expired(fdb, e, now))
		return NULL;
	return &e->remote;
}

size_t vnet_overlay_fdb_age(struct vnet_overlay_fdb *fdb, uint64_t now)
{
	size_t i = 0, n = 0;

	while (i <= fdb->mask) {
		/* a removal may shift a later entry into slot i: look again */
		if (fdb->slots[i].used && fdb_expired(fdb, &fdb->slots[i], now)) {
			fdb_remove(fdb, i);
			n++;
			continue;
		}
		i++;
	}
	fdb->aged += n;
	return n;
}
