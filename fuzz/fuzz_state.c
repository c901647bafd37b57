// SPDX-License-Identifier: MIT
/* fuzz_state.c - libFuzzer: the device state a migration's destination takes */

#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "dev_snap.h"
#include "log.h"
#include "vnet/ctrl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: one byte of mode, then the state as the destination's vnetd
 * reads it from the frontend's pipe (vhost-user SET_DEVICE_STATE_FD,
 * vnetd_state_load(), dev_state.c):
 *   bit 0: the features are negotiated before the state comes (else it is
 *          kept, and replayed once they are: QEMU loads it first)
 *   bit 1: the harness frames it: the input is the body (records), the
 *          header (magic, version, record count, body length) and the sum
 *          are written around it, so the records reach the checks behind
 *          the sum
 *   bit 2: some of the control features left out of the offer
 *   bits 3-7 and the first body byte: which byte a single-byte change
 *          alters (below)
 *
 * Properties, beyond no memory error (the state is an exact-size heap
 * copy):
 * - a refused state changes nothing: the device saves the same state as
 *   before and keeps nothing to replay;
 * - an accepted state is whole: loaded before or after the negotiation
 *   (same features), the device ends the same (the states it saves are
 *   equal byte for byte);
 * - what a device saves, a fresh device takes, and then saves the same
 *   bytes (the round trip of a migration and back) and holds the same
 *   driver-visible state (dev_snap.h: filters, tables, address, pairs,
 *   coalescing, offloads; table slots past their count and the
 *   configuration generation aside);
 * - any single byte changed in a state that was accepted is refused
 *   (framing, version, sum: FNV-1a changes with any one byte).
 */

#define PAIRS	4
#define MACS	3
#define SAVE_MAX	65536

#define STATE_HDR	16
#define STATE_SUM	4

static const char *const features[2] = {
	"version_1,mac,status,mtu,ctrl_vq,ctrl_rx,ctrl_rx_extra,ctrl_vlan,"
	"guest_announce,mq,ctrl_mac_addr,notf_coal,ctrl_guest_offloads,"
	"guest_csum,guest_tso4,guest_tso6,guest_ecn,guest_ufo",
	"version_1,mac,ctrl_vq,ctrl_rx,ctrl_vlan,mq,ctrl_guest_offloads,"
	"guest_csum,guest_tso4",
};

/* vnetd's datapath follows the control state; nothing to follow here. */
void vnetd_ctrl_follow(struct vnetd *d)
{
	(void)d;
}

/**
 * dev_ready() - FEATURES_OK with everything offered, a pending state taken
 * @d:	the daemon
 */
static void dev_ready(struct vnetd *d)
{
	struct vnet_features f = d->dev.p.offer;

	if (vnet_dev_negotiate(&d->dev, &f, NULL, 0))
		abort();
	d->ready = true;
	vnetd_state_apply(d);
}

/**
 * dev_make() - a daemon whose device has vnetd's kind of parameters
 * @d:		the daemon (zeroed)
 * @mode:	the input's mode byte
 * @ready:	negotiate the features now
 */
static void dev_make(struct vnetd *d, uint8_t mode, bool ready)
{
	struct vnet_dev_params p;
	const char *bad;
	size_t bad_len;

	memset(&p, 0, sizeof(p));
	if (vnet_features_parse(features[(mode >> 2) & 1],
				VNET_PROFILE_STANDARD, &p.offer, &bad,
				&bad_len))
		abort();
	/* vnetd's default address: a device always has one */
	memcpy(p.mac, "\x52\x54\x00\x12\x34\x56", 6);
	p.legacy_endian = VNET_ENDIAN_LITTLE;
	p.max_pairs = PAIRS;
	p.mtu = 1500;
	p.mac_table_max = MACS;
	p.steer_slots = 64;
	if (vnet_dev_init(&d->dev, &p))
		abort();
	if (ready)
		dev_ready(d);
}

/**
 * dev_free() - the device and what it kept
 * @d:	the daemon
 */
static void dev_free(struct vnetd *d)
{
	vnet_dev_fini(&d->dev);
	free(d->state_pending);
	memset(d, 0, sizeof(*d));
}

/**
 * save() - the state the device saves
 * @d:		the daemon
 * @len:	its length
 *
 * Return: a heap copy of exactly @len bytes (the caller frees it)
 */
static uint8_t *save(struct vnetd *d, size_t *len)
{
	static uint8_t buf[SAVE_MAX];
	long n = vnetd_state_save(d, buf, sizeof(buf));
	uint8_t *copy;

	if (n < STATE_HDR + STATE_SUM)
		abort();	/* a device's state always fits */
	copy = malloc((size_t)n);
	if (!copy)
		abort();
	memcpy(copy, buf, (size_t)n);
	*len = (size_t)n;
	return copy;
}

static void st32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* FNV-1a, 32 bits: the state's sum (dev_state.c's layout comment). */
static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/**
 * frame() - a state around @body: header, records counted, sum
 * @body:	the records
 * @len:	their bytes
 * @out_len:	the state's length
 *
 * Return: the state, an exact-size heap copy
 */
static uint8_t *frame(const uint8_t *body, size_t len, size_t *out_len)
{
	static const uint8_t head[8] = { 'V', 'N', 'D', 'S', 1, 0, 0, 0 };
	uint8_t *s = malloc(STATE_HDR + len + STATE_SUM);
	uint32_t records = 0;
	size_t off = 0;

	if (!s)
		abort();
	/* the records as the parser walks them (a torn last one counts) */
	while (off + 2 <= len) {
		records++;
		off += 2 + (size_t)(body[off] | body[off + 1] << 8);
	}
	memcpy(s, head, sizeof(head));	/* magic, version 1, 0 */
	st32(s + 8, records);
	st32(s + 12, (uint32_t)len);
	if (len)
		memcpy(s + STATE_HDR, body, len);
	st32(s + STATE_HDR + len, fnv1a(s, STATE_HDR + len));
	*out_len = STATE_HDR + len + STATE_SUM;
	return s;
}

/**
 * same() - two saved states equal, or abort
 * @a:		one
 * @alen:	its length
 * @b:		the other
 * @blen:	its length
 */
static void same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	if (alen != blen || memcmp(a, b, alen))
		abort();
}

/**
 * snap() - @dev's driver-visible state, the slots past a table's count
 *	    cleared (what is there is no address the device uses) and the
 *	    configuration generation too
 * @dev:	the device
 * @s:		the snapshot
 */
static void snap(const struct vnet_dev *dev, struct dev_snap *s)
{
	if (!dev_snap_take(dev, s))
		abort();
	memset(s->uni[dev->uni.count], 0,
	       (DEV_SNAP_MACS - dev->uni.count) * sizeof(s->uni[0]));
	memset(s->multi[dev->multi.count], 0,
	       (DEV_SNAP_MACS - dev->multi.count) * sizeof(s->multi[0]));
	/* a counter of the changes, not a setting: the driver compares it
	 * only within one read of the configuration space (virtio 1.4
	 * "Device Configuration Space"); a state carries no history */
	s->d.config_gen = 0;
}

/**
 * round_trip() - a fresh device takes @s, then holds what @from holds and
 *		  saves @s again unchanged
 * @from:	the device that saved @s
 * @mode:	the input's mode byte
 * @s:		a state a device saved
 * @len:	its length
 */
static void round_trip(const struct vnet_dev *from, uint8_t mode,
		       const uint8_t *s, size_t len)
{
	static struct dev_snap want, got;
	static struct vnetd d;
	uint8_t *again;
	size_t alen;

	dev_make(&d, mode, true);
	if (vnetd_state_load(&d, s, len))
		abort();
	again = save(&d, &alen);
	same(s, len, again, alen);
	snap(from, &want);
	snap(&d.dev, &got);
	/* both zeroed whole first: padding compares equal */
	/* NOLINTNEXTLINE(bugprone-suspicious-memory-comparison,cert-exp42-c,cert-flp37-c) */
	if (memcmp(&want, &got, sizeof(want)))
		abort();
	free(again);
	dev_free(&d);
}

/**
 * one_byte() - @s with one byte changed is refused
 * @mode:	the input's mode byte
 * @pick:	which byte, and how
 * @s:		an accepted state
 * @len:	its length
 */
static void one_byte(uint8_t mode, unsigned int pick, const uint8_t *s,
		     size_t len)
{
	static struct vnetd d;
	uint8_t *m;
	size_t at;

	if (len < STATE_HDR + STATE_SUM)
		abort();	/* accepted: at least a header and a sum */
	m = malloc(len);
	if (!m)
		abort();
	at = pick % len;
	memcpy(m, s, len);
	m[at] ^= (uint8_t)(1u << (pick % 8)) | (uint8_t)(pick >> 8);
	dev_make(&d, mode, true);
	if (!vnetd_state_load(&d, m, len) || d.state_pending)
		abort();
	free(m);
	dev_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vnetd d, later;
	uint8_t mode, *in, *before, *after, *after_later;
	size_t len, blen, alen, llen;
	bool ready;
	int ret;

	if (size < 1 || size > 1 + SAVE_MAX)
		return 0;
	mode = data[0];
	ready = mode & 1;
	if (mode & 2) {
		in = frame(data + 1, size - 1, &len);
	} else {
		len = size - 1;
		in = malloc(len ? len : 1);
		if (!in)
			abort();
		if (len)
			memcpy(in, data + 1, len);
	}
	vnetd_log_set_level(VNETD_LOG_ERR);

	dev_make(&d, mode, ready);
	before = save(&d, &blen);
	ret = vnetd_state_load(&d, in, len);
	if (ret) {
		/* refused: nothing changed, nothing kept */
		if (d.state_pending)
			abort();
		if (!ready)
			dev_ready(&d);
		after = save(&d, &alen);
		if (ready)
			same(before, blen, after, alen);
		free(after);
	} else {
		if (!ready)
			dev_ready(&d);
		after = save(&d, &alen);
		/* the other order ends the same */
		dev_make(&later, mode, !ready);
		if (vnetd_state_load(&later, in, len))
			abort();
		if (ready)
			dev_ready(&later);
		after_later = save(&later, &llen);
		same(after, alen, after_later, llen);
		free(after_later);
		dev_free(&later);
		round_trip(&d.dev, mode, after, alen);
		one_byte(mode, (unsigned int)(mode >> 3) << 8 |
			 (len > STATE_HDR ? in[STATE_HDR] : 0) | (unsigned int)len,
			 in, len);
		free(after);
	}
	free(before);
	free(in);
	dev_free(&d);
	return 0;
}
