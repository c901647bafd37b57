/* SPDX-License-Identifier: MIT */
/* overlay_fdb.h - the overlay's forwarding table: inner MAC to remote address */
#ifndef VNET_OVERLAY_FDB_H
#define VNET_OVERLAY_FDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet/export.h"

VNET_API_BEGIN

/**
 * struct vnet_overlay_addr - an underlay address
 * @family:	AF_INET or AF_INET6 (0: none)
 * @a:		the address in network order; IPv4 in the first 4 bytes,
 *		the rest zero
 */
struct vnet_overlay_addr {
	int family;
	uint8_t a[16];
};

/**
 * struct vnet_overlay_fdb_entry - one MAC
 * @mac:	inner MAC address
 * @used:	the slot holds an entry
 * @is_static:	configured, never ages or moves
 * @remote:	where frames for @mac go
 * @seen:	last time a frame from @mac arrived, in ns
 */
struct vnet_overlay_fdb_entry {
	uint8_t mac[6];
	bool used;
	bool is_static;
	struct vnet_overlay_addr remote;
	uint64_t seen;
};

/**
 * struct vnet_overlay_fdb - a bounded hash table, open addressing
 * @slots:	the table, @mask + 1 slots (twice the capacity or more)
 * @mask:	slots - 1 (a power of two less one)
 * @max:	most entries held
 * @count:	entries held
 * @age_ns:	a learned entry expires this long after it was last seen
 * @evicted:	learned entries pushed out by a full table
 * @aged:	learned entries removed as expired
 */
struct vnet_overlay_fdb {
	struct vnet_overlay_fdb_entry *slots;
	size_t mask;
	size_t max;
	size_t count;
	uint64_t age_ns;
	uint64_t evicted;
	uint64_t aged;
};

/**
 * vnet_overlay_addr_equal() - same family and address
 * @a:		an address
 * @b:		another
 *
 * Return: true if equal
 */
bool vnet_overlay_addr_equal(const struct vnet_overlay_addr *a,
			     const struct vnet_overlay_addr *b);

/**
 * vnet_overlay_fdb_init() - allocate a table
 * @fdb:	the table
 * @max:	capacity, 1 to 65536
 * @age_ns:	lifetime of a learned entry after it was last seen
 *
 * Return: 0, -EINVAL for a bad capacity, -ENOMEM
 */
int vnet_overlay_fdb_init(struct vnet_overlay_fdb *fdb, size_t max,
			  uint64_t age_ns);

/**
 * vnet_overlay_fdb_fini() - free a table
 * @fdb:	the table
 */
void vnet_overlay_fdb_fini(struct vnet_overlay_fdb *fdb);

/**
 * vnet_overlay_fdb_add_static() - a configured entry (replaces any)
 * @fdb:	the table
 * @mac:	unicast inner MAC
 * @remote:	its remote
 *
 * Return: 0, -EINVAL for a multicast or zero MAC, -ENOSPC if full of
 *	   static entries
 */
int vnet_overlay_fdb_add_static(struct vnet_overlay_fdb *fdb,
				const uint8_t mac[6],
				const struct vnet_overlay_addr *remote);

/**
 * vnet_overlay_fdb_learn() - a frame from @mac came from @remote
 * @fdb:	the table
 * @mac:	the inner source MAC
 * @remote:	the outer source address
 * @now:	time in ns
 *
 * Multicast and zero source MACs are not learned; static entries do not
 * move. When full, an expired entry, else the least recently seen learned
 * one, makes room (counted in @evicted).
 *
 * Return: 1 if an entry was added or moved, 0 if only refreshed or not
 *	   learned, -ENOSPC if the table holds only static entries
 */
int vnet_overlay_fdb_learn(struct vnet_overlay_fdb *fdb, const uint8_t mac[6],
			   const struct vnet_overlay_addr *remote, uint64_t now);

/**
 * vnet_overlay_fdb_lookup() - where frames for @mac go
 * @fdb:	the table
 * @mac:	destination MAC
 * @now:	time in ns; an expired entry is not found
 *
 * Return: the remote, or NULL (flood: unknown, broadcast or multicast)
 */
const struct vnet_overlay_addr *
vnet_overlay_fdb_lookup(const struct vnet_overlay_fdb *fdb,
			const uint8_t mac[6], uint64_t now);

/**
 * vnet_overlay_fdb_age() - remove expired learned entries
 * @fdb:	the table
 * @now:	time in ns
 *
 * Return: entries removed
 */
size_t vnet_overlay_fdb_age(struct vnet_overlay_fdb *fdb, uint64_t now);

VNET_API_END

#endif /* VNET_OVERLAY_FDB_H */
