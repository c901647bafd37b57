// SPDX-License-Identifier: MIT
/* fuzz_ctrl.c - libFuzzer: control commands, then frames, through the device */

#include <stdlib.h>
#include <string.h>

#include "vnet/ctrl.h"
#include "vnet/dev.h"
#include "vnet/dev_rx.h"
#include "vnet/parse.h"
#include "vnet/rss.h"
#include "dev_snap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: one byte of mode (bit 0: a big-endian legacy guest, bit 1: some
 * features left out), then records of a 16-bit little-endian length and
 * that many bytes. A record whose length has its top bit set is a frame
 * (received, then sent on transmit queue 1), otherwise a control command.
 *
 * Properties: a command answered VIRTIO_NET_ERR changes nothing; the
 * device's invariants hold after every command (pairs in use 1..max, RSS
 * queues below them, tables within capacity); a frame's receive queue is
 * below the pairs in use; nothing reads outside its buffer (each record is
 * copied to an exact-size allocation).
 */

#define PAIRS	4
#define MACS	3

static const char *const features[2] = {
	"version_1,mac,status,mtu,ctrl_vq,ctrl_rx,ctrl_rx_extra,ctrl_vlan,"
	"guest_announce,mq,ctrl_mac_addr,rss,hash_report,hash_tunnel,"
	"notf_coal,vq_notf_coal,ctrl_guest_offloads,guest_csum,guest_tso4,"
	"device_stats",
	"mac,status,ctrl_vq,ctrl_rx,ctrl_vlan,mq,hash_report,notf_coal,"
	"ctrl_guest_offloads,guest_csum",
};

/* STATS_GET's data queue counters: asked only for what the owner named. */
static void stats_read(void *opaque, uint16_t vq, uint8_t type,
		       uint64_t *fields, unsigned int n)
{
	unsigned int i;

	(void)opaque;
	if (vq >= 2 * PAIRS || n > VNET_STATS_FIELDS_MAX ||
	    !(((VNET_STATS_TYPE_RX_BASIC | VNET_STATS_TYPE_TX_BASIC |
		VNET_STATS_TYPE_RX_CSUM) >> type) & 1) ||
	    (type < 16) != (vq % 2 == 0))
		abort();
	for (i = 0; i < n; i++)
		fields[i] = (uint64_t)vq << 32 | i;
}

static int dev_make(struct vnet_dev *dev, uint8_t mode)
{
	struct vnet_dev_params p;
	const char *bad;
	size_t bad_len;

	memset(&p, 0, sizeof(p));
	if (vnet_features_parse(features[(mode >> 1) & 1],
				VNET_PROFILE_STANDARD, &p.offer, &bad,
				&bad_len))
		abort();
	if (mode & 1)
		vnet_features_clear(&p.offer, VNET_F_VERSION_1);
	p.legacy_endian = mode & 1 ? VNET_ENDIAN_BIG : VNET_ENDIAN_LITTLE;
	p.max_pairs = PAIRS;
	p.mtu = 1500;
	p.rss_max_key_size = 40;
	p.rss_max_indir_len = 128;
	p.hash_types = VNET_HASH_TYPE_ALL;
	p.tunnel_types = VNET_HASH_TUNNEL_ALL;
	p.mac_table_max = MACS;
	p.steer_slots = 64;
	p.stats_types = VNET_STATS_TYPE_RX_BASIC | VNET_STATS_TYPE_TX_BASIC |
			VNET_STATS_TYPE_RX_CSUM;
	p.stats_read = stats_read;
	if (vnet_dev_init(dev, &p))
		abort();
	return vnet_dev_negotiate(dev, &p.offer, NULL, 0);
}

static void check_invariants(const struct vnet_dev *d)
{
	uint32_t i;

	if (d->pairs < 1 || d->pairs > PAIRS)
		abort();
	if (d->uni.count > MACS || d->multi.count > MACS)
		abort();
	if (d->mq != VNET_MQ_RSS)
		return;
	if (d->rss.unclassified >= d->pairs || d->rss.indir_mask >= 128)
		abort();
	for (i = 0; i <= d->rss.indir_mask; i++)
		if (d->rss.indir[i] >= d->pairs)
			abort();
}

static void command(struct vnet_dev *d, const uint8_t *b, size_t len)
{
	static struct dev_snap before, after;
	/* result room of an exact size, so a write past it is caught */
	size_t room = 8 + (len * 37) % 400, used = 0;
	uint8_t *result = malloc(room);

	if (!result || !dev_snap_take(d, &before))
		abort();
	if (vnet_ctrl_exec(d, b, len, result, room, &used) ==
	    VNET_CTRL_ERR) {
		dev_snap_take(d, &after);
		/* dev_snap_take() zeroes the snapshot and copies the device whole:
		 * padding compares equal unless the device changed */
		/* NOLINTNEXTLINE(bugprone-suspicious-memory-comparison,cert-exp42-c,cert-flp37-c) */
		if (used || memcmp(&before, &after, sizeof(before)))
			abort();
	} else if (used > room) {
		abort();
	}
	free(result);
	check_invariants(d);
}

static void frame(struct vnet_dev *d, const uint8_t *b, size_t len)
{
	struct iovec iov = { (void *)(uintptr_t)b, len };
	struct vnet_parse_result res;
	struct vnet_rx_verdict v;
	struct vnet_pkt pkt;
	int parsed;

	if (vnet_pkt_init(&pkt, &iov, 1))
		return;
	parsed = vnet_parse(&pkt, NULL, &res) == 0;
	vnet_dev_rx(d, &pkt, parsed ? &res : NULL, &v);
	if (v.deliver && v.queue >= d->pairs)
		abort();
	if (v.hash.report > VNET_HASH_REPORT_UDPV6_EX)
		abort();
	vnet_dev_tx_learn(d, &pkt, parsed ? &res : NULL, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vnet_dev dev;
	size_t off = 1;

	if (size < 1)
		return 0;
	if (dev_make(&dev, data[0]))
		abort();
	while (size - off >= 2) {
		size_t len = (size_t)data[off] | (size_t)data[off + 1] << 8;
		int is_frame = len & 0x8000;
		uint8_t *copy;

		off += 2;
		len &= 0x7fff;
		if (len > size - off)
			len = size - off;
		copy = malloc(len ? len : 1);
		if (!copy)
			break;
		memcpy(copy, data + off, len);
		if (is_frame)
			frame(&dev, copy, len);
		else
			command(&dev, copy, len);
		free(copy);
		off += len;
	}
	vnet_dev_fini(&dev);
	return 0;
}
