/* SPDX-License-Identifier: MIT */
/* filter.h - the receive filter: MAC address, RX modes, VLAN */
#ifndef VNET_FILTER_H
#define VNET_FILTER_H

#include <stdbool.h>

#include "vnet/dev.h"
#include "vnet/pkt.h"
#include "vnet/export.h"

VNET_API_BEGIN

/**
 * vnet_filter_accept() - does the driver want this incoming frame
 * @dev:	the device (its drop counters are bumped)
 * @pkt:	the frame, from its Ethernet header
 *
 * The rules, in order (virtio "Packet Receive Filtering", "Setting MAC
 * Address Filtering", "VLAN Filtering"; each best-effort in the spec):
 *
 * 1. A frame shorter than its Ethernet header (and 802.1Q tag) is dropped.
 * 2. With CTRL_RX negotiated, promiscuous mode accepts everything else,
 *    VLAN filter included. (Without CTRL_RX there are no RX modes.)
 * 3. With CTRL_VLAN negotiated, a frame whose first tag is 802.1Q (0x8100)
 *    passes only if its VLAN id is in the table (VLAN id 0 too); untagged
 *    frames are not VLAN-filtered.
 * 4. Without CTRL_RX negotiated there is no MAC filter: accept.
 * 5. Broadcast: dropped with NOBCAST, else accepted (NOMULTI does not apply).
 * 6. Multicast: dropped with NOMULTI (even with ALLMULTI), accepted with
 *    ALLMULTI or a multicast table that overflowed, else only if in the
 *    multicast table.
 * 7. Unicast: dropped with NOUNI (even with ALLUNI), accepted with ALLUNI
 *    or an overflowed unicast table, or if it is the device's mac or in
 *    the unicast table.
 *
 * Return: true to deliver the frame
 */
bool vnet_filter_accept(struct vnet_dev *dev, const struct vnet_pkt *pkt);

VNET_API_END

#endif /* VNET_FILTER_H */
