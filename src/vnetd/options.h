/* SPDX-License-Identifier: MIT */
/* options.h - vnetd's command line, checked into one configuration */
#ifndef VNETD_OPTIONS_H
#define VNETD_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "vnet/dev.h"
#include "vnet/features.h"
#include "vnet/overlay.h"
#include "log.h"

/**
 * struct vnetd_config - everything the command line sets
 * @socket_path:	vhost-user socket (--socket-path)
 * @socket_fd:		or an inherited socket (--fd), else -1
 * @client:		connect to @socket_path instead of listening
 * @tap:		tap name (created if absent) or NULL for none
 * @tap_transient:	a tap vnetd creates goes away with it (--tap-transient;
 *			by default it is made persistent, so a restarted vnetd
 *			finds it as it was)
 * @queues:		queue pairs, 1..VNET_TAP_QUEUES_MAX
 * @mac:		the device's MAC address
 * @mtu:		the MTU advertised to the guest (0: not advertised)
 * @offer:		the features the device offers
 * @packed:		offer RING_PACKED
 * @busy_poll:		workers poll instead of sleeping on kicks
 * @null_rx:		benchmark: frames of this size (0: off) fill every
 *			receive queue as fast as the guest gives buffers
 * @pcap:		capture what crosses the device into this file
 * @stats:		stats socket path
 * @log_level:		least severe level logged
 * @print_caps:		print the capabilities and exit
 * @overlay:		the overlay port (--vxlan, --geneve), when @has_overlay:
 *			the tap is then its underlay
 * @has_overlay:	an overlay port was configured
 * @no_gro:		do not coalesce frames for the guest (--no-gro)
 * @no_direct_rx:	read the tap into a bounce buffer, never straight into
 *			the guest's buffers (--no-direct-rx)
 * @tap_tx:		the transmit offloads (HOST_* bits, CSUM) passed to the
 *			tap as they are, when @has_tap_tx (--tap-offloads);
 *			the others are done by the transmit engine
 * @has_tap_tx:	--tap-offloads was given
 * @speed:		link speed in Mb/s (--speed), or VNET_SPEED_UNKNOWN
 * @duplex:		VNET_DUPLEX_* (--duplex)
 */
struct vnetd_config {
	const char *socket_path;
	int socket_fd;
	bool client;
	const char *tap;
	bool tap_transient;
	unsigned int queues;
	uint8_t mac[6];
	unsigned int mtu;
	struct vnet_features offer;
	bool packed;
	bool busy_poll;
	unsigned int null_rx;
	const char *pcap;
	const char *stats;
	enum vnetd_log_level log_level;
	bool print_caps;
	struct vnet_overlay_config overlay;
	bool has_overlay;
	bool no_gro;
	bool no_direct_rx;
	struct vnet_features tap_tx;
	bool has_tap_tx;
	unsigned int speed;
	uint8_t duplex;
};

/**
 * vnetd_default_offer() - the features vnetd offers unless told otherwise
 * @offer:	filled: VERSION_1, the transport bits, every offload the
 *		engines implement, the control queue and its classes
 */
void vnetd_default_offer(struct vnet_features *offer);

/**
 * vnetd_options_parse() - read argv into @cfg
 * @argc:	argument count
 * @argv:	arguments
 * @cfg:	the configuration
 *
 * Prints what is wrong to stderr.
 *
 * Return: 0 to run, 1 after --help (exit 0), or -1 on a usage error (exit 2)
 */
int vnetd_options_parse(int argc, char **argv, struct vnetd_config *cfg);

#endif /* VNETD_OPTIONS_H */
