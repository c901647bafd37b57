/* SPDX-License-Identifier: MIT */
/* dev.h - the network device model: parameters, negotiated state, counters */
#ifndef VNET_DEV_H
#define VNET_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet/coal.h"
#include "vnet/features.h"
#include "vnet/hdr.h"
#include "vnet/steer.h"
#include "vnet/toeplitz.h"
#include "vnet/export.h"

VNET_API_BEGIN

/*
 * The device layer: everything of the network device that is neither the
 * transport nor a port. A VMM, a vhost-user backend or a test drives it
 * alike: create it from parameters, negotiate, pass control commands to
 * vnet_ctrl_exec() (ctrl.h), ask vnet_dev_rx() (dev_rx.h) where a frame
 * goes, read the configuration space through config.h. The library never
 * calls out (but to read the owner's counters for STATS_GET): every
 * function returns what the caller must do (notify the driver of a
 * configuration change, send a used buffer notification).
 */

/* status bits, "Device configuration layout" */
#define VNET_S_LINK_UP		1
#define VNET_S_ANNOUNCE		2

/* duplex values */
#define VNET_DUPLEX_HALF	0x00
#define VNET_DUPLEX_FULL	0x01
#define VNET_DUPLEX_UNKNOWN	0xff
#define VNET_SPEED_UNKNOWN	0xffffffffu

#define VNET_MAX_PAIRS		0x8000	/* VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX */
#define VNET_VLAN_IDS		4096
#define VNET_RSS_KEY_MIN	40	/* rss_max_key_size floor */
#define VNET_RSS_INDIR_MIN	128	/* rss_max_indirection_table_length floor */

/* DEVICE_STATS types, "Device Statistics": a bit per type in
 * supported_stats_types and types_bitmap; the type of a reply is the
 * bit's number (VIRTIO_NET_STATS_TYPE_REPLY_*). */
#define VNET_STATS_TYPE_RX_BASIC	(1ULL << 0)
#define VNET_STATS_TYPE_RX_CSUM		(1ULL << 1)
#define VNET_STATS_TYPE_RX_GSO		(1ULL << 2)
#define VNET_STATS_TYPE_RX_SPEED	(1ULL << 3)
#define VNET_STATS_TYPE_TX_BASIC	(1ULL << 16)
#define VNET_STATS_TYPE_TX_CSUM		(1ULL << 17)
#define VNET_STATS_TYPE_TX_GSO		(1ULL << 18)
#define VNET_STATS_TYPE_TX_SPEED	(1ULL << 19)
#define VNET_STATS_TYPE_CVQ		(1ULL << 32)
#define VNET_STATS_FIELDS_MAX		6	/* counters of the longest reply */

/**
 * typedef vnet_stats_read_fn - the owner's counters of one data queue
 * @opaque:	vnet_dev_params.stats_opaque
 * @vq:		virtqueue index (2n: receiveq n+1, 2n+1: transmitq n+1)
 * @type:	reply type (0..3 receive, 16..19 transmit), one the owner
 *		named in vnet_dev_params.stats_types
 * @fields:	the reply's counters, in the order of the spec's struct
 *		(struct virtio_net_stats_rx_basic and so on), host order
 * @n:		how many: 6 basic, 4 receive checksum and GSO, 2 transmit
 *		checksum, 6 transmit GSO, 2 speed
 *
 * Counters wrap around to zero on overflow, as the spec asks (u64).
 */
typedef void vnet_stats_read_fn(void *opaque, uint16_t vq, uint8_t type,
				uint64_t *fields, unsigned int n);

/**
 * struct vnet_dev_params - what the device owner decides
 * @offer:		features offered
 * @profile:		UDP tunnel GSO profile
 * @legacy_endian:	the guest's byte order, used when VERSION_1 is not
 *			negotiated (and before negotiation): the legacy
 *			interface's config space and control commands
 * @mac:		the device's MAC address (config @mac)
 * @max_pairs:		max_virtqueue_pairs, 1..0x8000
 * @mtu:		mtu, 68..65535 if MTU is offered; never changes
 * @speed:		initial speed, Mbit/s (0..0x7fffffff, or unknown)
 * @duplex:		initial duplex
 * @rss_max_key_size:	longest RSS key taken, at least 40 with RSS or
 *			HASH_REPORT
 * @rss_max_indir_len:	most indirection table entries, at least 128 with
 *			RSS
 * @hash_types:		supported_hash_types (VNET_HASH_TYPE_*)
 * @tunnel_types:	supported_tunnel_types (VNET_HASH_TUNNEL_*)
 * @mac_table_max:	addresses kept per MAC filter table; a longer table
 *			turns on all-unicast or all-multicast instead
 * @steer_slots:	flows the automatic steering table keeps (a power
 *			of two; 0 for the default 4096)
 * @stats_types:	DEVICE_STATS: the data queue types (VNET_STATS_TYPE_*
 *			but CVQ, which the library counts itself) that
 *			@stats_read fills
 * @stats_read:		the owner's counters, read during STATS_GET (the one
 *			call the library makes out); NULL: none
 * @stats_opaque:	passed to @stats_read
 */
struct vnet_dev_params {
	struct vnet_features offer;
	enum vnet_profile profile;
	enum vnet_endian legacy_endian;
	uint8_t mac[6];
	uint16_t max_pairs;
	uint16_t mtu;
	uint32_t speed;
	uint8_t duplex;
	uint8_t rss_max_key_size;
	uint16_t rss_max_indir_len;
	uint32_t hash_types;
	uint32_t tunnel_types;
	uint32_t mac_table_max;
	uint32_t steer_slots;
	uint64_t stats_types;
	vnet_stats_read_fn *stats_read;
	void *stats_opaque;
};

/**
 * struct vnet_rx_mode - receive modes of the CTRL_RX class
 * @promisc:	receive everything (on after reset, as QEMU does)
 * @allmulti:	all multicast
 * @alluni:	all unicast
 * @nomulti:	no multicast
 * @nouni:	no unicast
 * @nobcast:	no broadcast
 */
struct vnet_rx_mode {
	bool promisc;
	bool allmulti;
	bool alluni;
	bool nomulti;
	bool nouni;
	bool nobcast;
};

/**
 * struct vnet_mac_table - one MAC filter table
 * @count:	addresses kept
 * @overflow:	the driver gave more than the device keeps: all of this
 *		kind (unicast or multicast) are accepted
 * @addr:	@count addresses (capacity mac_table_max)
 */
struct vnet_mac_table {
	uint32_t count;
	bool overflow;
	uint8_t (*addr)[6];
};

/**
 * enum vnet_mq_mode - how received packets pick a queue
 * @VNET_MQ_SINGLE:	receiveq1 only (after reset)
 * @VNET_MQ_AUTO:	automatic receive steering (last MQ command was
 *			VQ_PAIRS_SET)
 * @VNET_MQ_RSS:	RSS (last MQ command was RSS_CONFIG)
 */
enum vnet_mq_mode {
	VNET_MQ_SINGLE = 0,
	VNET_MQ_AUTO,
	VNET_MQ_RSS,
};

/**
 * struct vnet_hash_cfg - hash parameters: RSS_CONFIG's or HASH_CONFIG's
 * @types:		enabled hash types
 * @indir_mask:		indirection table entries - 1 (RSS only)
 * @unclassified:	receive queue of packets without hash (RSS only)
 * @indir:		indirection table, rss_max_indir_len capacity (RSS)
 * @key_len:		key length
 * @key:		key bytes
 * @tz:			the key, expanded
 */
struct vnet_hash_cfg {
	uint32_t types;
	uint16_t indir_mask;
	uint16_t unclassified;
	uint16_t *indir;
	uint8_t key_len;
	uint8_t key[255];
	struct vnet_toeplitz *tz;
};

/**
 * struct vnet_dev_stats - counters, one per reason
 *
 * ctrl_err_*: a control command answered VIRTIO_NET_ERR, changing nothing.
 * rx_drop_*: vnet_dev_rx() dropped a frame by the receive filter.
 */
struct vnet_dev_stats {
	uint64_t ctrl_commands;		/* commands received (DEVICE_STATS) */
	uint64_t ctrl_ok;
	uint64_t ctrl_err_no_ctrl_vq;	/* CTRL_VQ not negotiated */
	uint64_t ctrl_err_truncated;	/* no class and command bytes */
	uint64_t ctrl_err_unknown;	/* unknown class or command */
	uint64_t ctrl_err_feature;	/* the command's feature not negotiated */
	uint64_t ctrl_err_len;		/* data too short or too long */
	uint64_t ctrl_err_value;	/* on/off byte not 0 or 1, VLAN id >= 4096 */
	uint64_t ctrl_err_mac;		/* multicast or zero default address */
	uint64_t ctrl_err_mac_count;	/* table count past the buffer */
	uint64_t ctrl_err_pairs;	/* pair count 0 or above max */
	uint64_t ctrl_err_indir_size;	/* not a power of two, or too long */
	uint64_t ctrl_err_rss_queue;	/* queue index not below the pairs */
	uint64_t ctrl_err_hash_types;	/* type not supported */
	uint64_t ctrl_err_key;		/* key too long, or none with types */
	uint64_t ctrl_err_reserved;	/* reserved field not zero */
	uint64_t ctrl_err_offloads;	/* offload not negotiated or unknown */
	uint64_t ctrl_err_vq;		/* not an enabled data queue */
	uint64_t ctrl_err_tunnel_types;	/* tunnel type not supported */
	uint64_t ctrl_err_result;	/* no room for the command's result */
	uint64_t ctrl_err_stats;	/* STATS_GET: queue or type refused */
	uint64_t mac_uni_overflow;	/* tables too long: all-unicast */
	uint64_t mac_multi_overflow;	/* tables too long: all-multicast */
	uint64_t rx_drop_runt;		/* shorter than its L2 header */
	uint64_t rx_drop_vlan;		/* VLAN id not in the filter */
	uint64_t rx_drop_nobcast;	/* broadcast, NOBCAST on */
	uint64_t rx_drop_nomulti;	/* multicast, NOMULTI on */
	uint64_t rx_drop_multi;		/* multicast not in the table */
	uint64_t rx_drop_nouni;		/* unicast, NOUNI on */
	uint64_t rx_drop_uni;		/* unicast, neither mac nor table */
	uint64_t rx_unclassified;	/* RSS: no hash, unclassified queue */
	uint64_t rx_parse_err;		/* frame did not parse: no hash */
};

/**
 * struct vnet_dev - the device
 * @p:			parameters
 * @features:		negotiated features (empty before negotiation)
 * @features_ok:	negotiation done
 * @layout:		header layout of @features
 * @status:		status field (VNET_S_*)
 * @mac:		current default MAC (config mac)
 * @speed:		current speed
 * @duplex:		current duplex
 * @config_gen:		bumped at every change of configuration space
 * @rx:			receive modes
 * @uni:		unicast table
 * @multi:		multicast table
 * @vlan:		VLAN filter bitmap, bit v%32 of word v/32
 * @mq:			multiqueue mode
 * @pairs:		queue pairs in use
 * @rss:		RSS_CONFIG parameters
 * @hash:		HASH_CONFIG parameters
 * @tunnel_types:	enabled_tunnel_types of HASH_TUNNEL_SET
 * @guest_offloads:	guest offloads in force (CTRL_GUEST_OFFLOADS_SET)
 * @coal_tx:		parameters of the last NOTF_COAL_TX_SET
 * @coal_rx:		parameters of the last NOTF_COAL_RX_SET
 * @coal:		per data queue (vq index 2n receiveq, 2n+1 transmitq)
 * @vq_enabled:		per data queue: enabled by the driver
 * @steer:		automatic steering flow table
 * @stats:		counters
 */
struct vnet_dev {
	struct vnet_dev_params p;
	struct vnet_features features;
	bool features_ok;
	struct vnet_hdr_layout layout;

	uint16_t status;
	uint8_t mac[6];
	uint32_t speed;
	uint8_t duplex;
	uint32_t config_gen;

	struct vnet_rx_mode rx;
	struct vnet_mac_table uni;
	struct vnet_mac_table multi;
	uint32_t vlan[VNET_VLAN_IDS / 32];

	enum vnet_mq_mode mq;
	uint16_t pairs;
	struct vnet_hash_cfg rss;
	struct vnet_hash_cfg hash;
	uint32_t tunnel_types;

	struct vnet_features guest_offloads;

	struct vnet_coal_params coal_tx;
	struct vnet_coal_params coal_rx;
	struct vnet_coal *coal;
	bool *vq_enabled;

	struct vnet_steer steer;
	struct vnet_dev_stats stats;
};

/**
 * vnet_dev_init() - check the parameters and allocate the device
 * @dev:	the device
 * @p:		parameters
 *
 * Checks the device-side MUSTs of "Device configuration layout" against
 * the offered features, and that the offer itself meets "Feature bit
 * requirements". All memory the device ever uses is allocated here.
 *
 * Return: 0, -EINVAL if a parameter breaks one of those rules, -ENOMEM
 */
int vnet_dev_init(struct vnet_dev *dev, const struct vnet_dev_params *p);

/**
 * vnet_dev_fini() - free the device
 * @dev:	the device (vnet_dev_init() may have failed)
 */
void vnet_dev_fini(struct vnet_dev *dev);

/**
 * vnet_dev_reset() - device reset: forget negotiation and driver state
 * @dev:	the device
 *
 * Empty MAC and VLAN tables, promiscuous mode on, one queue pair, no hash
 * types, coalescing parameters zero, the default MAC back, ANNOUNCE clear.
 * Link state, speed and duplex are the device's, and stay.
 */
void vnet_dev_reset(struct vnet_dev *dev);

/**
 * vnet_dev_negotiate() - FEATURES_OK: take the driver's features
 * @dev:	the device, after a reset
 * @accepted:	what the driver accepted
 * @why:	the reason of a refusal (may be NULL)
 * @why_len:	size of @why
 *
 * Enables every negotiated guest offload ("Setting Offloads State"), and
 * marks every data queue enabled: a transport that enables queues one by
 * one (vhost-user, virtio-pci queue_enable) then reports each change with
 * vnet_dev_queue_enable().
 *
 * Return: 0, or -EPERM if the set is refused (the device stays reset)
 */
int vnet_dev_negotiate(struct vnet_dev *dev,
		       const struct vnet_features *accepted, char *why,
		       size_t why_len);

/**
 * vnet_dev_has() - is @bit negotiated
 * @dev:	the device
 * @bit:	feature bit
 *
 * Return: true if negotiated
 */
static inline bool vnet_dev_has(const struct vnet_dev *dev, unsigned int bit)
{
	return vnet_features_has(&dev->features, bit);
}

/**
 * vnet_dev_endian() - byte order of config space and control commands
 * @dev:	the device
 *
 * Return: little-endian with VERSION_1, the guest's order otherwise
 */
enum vnet_endian vnet_dev_endian(const struct vnet_dev *dev);

/**
 * vnet_dev_data_pairs() - queue pairs the driver may enable
 * @dev:	the device
 *
 * Return: max_pairs with MQ or RSS negotiated, else 1
 */
uint16_t vnet_dev_data_pairs(const struct vnet_dev *dev);

/**
 * vnet_dev_rx_pairs() - receive queues the device may fill now
 * @dev:	the device
 *
 * "After initialization of reset, the device MUST queue packets only on
 * receiveq1"; "MUST NOT queue packets on receive queues greater than
 * virtqueue_pairs" once VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET is used (RSS_CONFIG
 * sets the count as well, max_tx_vq). Meaningful when this device serves
 * the control queue; a transport whose frontend keeps it says which
 * queues run instead (vhost-user's SET_VRING_ENABLE).
 *
 * Return: n of receiveq1..receiveqn: 1 without MQ or RSS
 */
uint16_t vnet_dev_rx_pairs(const struct vnet_dev *dev);

/**
 * vnet_dev_set_link() - the link went up or down
 * @dev:	the device
 * @up:		new state
 *
 * Return: 1 if the configuration changed and the driver must be notified
 * (STATUS negotiated), else 0
 */
int vnet_dev_set_link(struct vnet_dev *dev, bool up);

/**
 * vnet_dev_announce() - ask the driver to announce itself (after migration)
 * @dev:	the device
 *
 * Return: 1 (notify the driver of a configuration change), or -EOPNOTSUPP
 * without GUEST_ANNOUNCE and STATUS negotiated
 */
int vnet_dev_announce(struct vnet_dev *dev);

/**
 * vnet_dev_set_speed_duplex() - new speed and duplex
 * @dev:	the device
 * @speed:	Mbit/s, 0..0x7fffffff or VNET_SPEED_UNKNOWN
 * @duplex:	VNET_DUPLEX_*
 *
 * Return: 1 if the configuration changed (notify), 0 if not, -EINVAL for
 * a bad value, -EBUSY while the link is up with STATUS and SPEED_DUPLEX
 * negotiated (the spec's SHOULD NOT change)
 */
int vnet_dev_set_speed_duplex(struct vnet_dev *dev, uint32_t speed,
			      uint8_t duplex);

/**
 * vnet_dev_queue_enable() - the driver enabled or disabled a data queue
 * @dev:	the device
 * @vq:		virtqueue index (2n: receiveq n+1, 2n+1: transmitq n+1)
 * @on:		enabled
 *
 * Re-enabling takes the TX_SET / RX_SET coalescing parameters (or zero).
 *
 * Return: 0, or -EINVAL for an index that is no data queue
 */
int vnet_dev_queue_enable(struct vnet_dev *dev, uint16_t vq, bool on);

/**
 * vnet_dev_coal() - coalescing state of a data queue
 * @dev:	the device
 * @vq:		virtqueue index
 *
 * Return: the state, or NULL for an index that is no data queue
 */
struct vnet_coal *vnet_dev_coal(struct vnet_dev *dev, uint16_t vq);

VNET_API_END

#endif /* VNET_DEV_H */
