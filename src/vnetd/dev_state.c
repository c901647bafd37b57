// SPDX-License-Identifier: MIT
/* dev_state.c - the device state a migration's destination needs (vhost-user DEVICE_STATE) */

/*
 * What the destination needs that neither guest memory nor the frontend
 * carries is what the driver set through the control queue, when vnetd
 * serves it: receive modes, the MAC filter tables, the MAC address, the
 * VLAN filter, the queue pairs in use, notification coalescing and the
 * guest offloads. (QEMU keeps the control queue itself and migrates that
 * state with its own device; then the state here is the reset one.)
 * The rings' positions are the frontend's (GET/SET_VRING_BASE), frames
 * are never held across a burst (coalesced flows are flushed at each
 * burst's end), and counters are the host's, not the guest's.
 *
 * The state is the control commands that rebuild it, as a driver would
 * send them, so a state is checked by the very code that checks a
 * guest's commands, and can do nothing a guest could not:
 *
 *   "VNDS" | le16 version (1) | le16 0 | le32 records | le32 body bytes
 *   body: records, each le16 length and a command (class, command, data)
 *   le32 FNV-1a of all the bytes before it
 *
 * A state is refused whole (CHECK_DEVICE_STATE fails, nothing changes)
 * if its framing, version or sum is wrong, if a record is not one of the
 * commands above, or if any command fails on a scratch device with the
 * same parameters and features. Taken before the features are negotiated
 * (QEMU loads it before the device starts), it is replayed right after.
 * Not carried (version 1): RSS and hash configuration, per-queue
 * coalescing (VQ_SET), and the overlay port's learned table, which the
 * destination learns again from the first frames.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "vnet/ctrl.h"

#define STATE_MAGIC	"VNDS"
#define STATE_VERSION	1
#define STATE_HDR	16
#define STATE_SUM	4
#define STATE_REC_MAX	0xffff	/* a record's length is 16 bits */

struct state_out {
	uint8_t *buf;
	size_t room, len;
	uint32_t records;
	bool full;
};

static void st16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void st32(uint8_t *p, uint32_t v)
{
	st16(p, (uint16_t)v);
	st16(p + 2, (uint16_t)(v >> 16));
}

static uint16_t ld16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t ld32(const uint8_t *p)
{
	return ld16(p) | (uint32_t)ld16(p + 2) << 16;
}

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* Append one command: @cls, @cmd and @len bytes of @data. */
static void put(struct state_out *o, uint8_t cls, uint8_t cmd,
		const void *data, size_t len)
{
	if (o->full || 2 + len > STATE_REC_MAX || o->len + 4 + len > o->room) {
		o->full = true;
		return;
	}
	st16(o->buf + o->len, (uint16_t)(2 + len));
	o->buf[o->len + 2] = cls;
	o->buf[o->len + 3] = cmd;
	if (len)
		memcpy(o->buf + o->len + 4, data, len);
	o->len += 4 + len;
	o->records++;
}

static void put_u8(struct state_out *o, uint8_t cls, uint8_t cmd, bool on)
{
	uint8_t v = on;

	put(o, cls, cmd, &v, 1);
}

static void put_rx(struct state_out *o, const struct vnet_dev *dev)
{
	put_u8(o, VNET_CTRL_RX, VNET_CTRL_RX_PROMISC, dev->rx.promisc);
	put_u8(o, VNET_CTRL_RX, VNET_CTRL_RX_ALLMULTI, dev->rx.allmulti);
	if (!vnet_dev_has(dev, VNET_F_CTRL_RX_EXTRA))
		return;
	put_u8(o, VNET_CTRL_RX, VNET_CTRL_RX_ALLUNI, dev->rx.alluni);
	put_u8(o, VNET_CTRL_RX, VNET_CTRL_RX_NOMULTI, dev->rx.nomulti);
	put_u8(o, VNET_CTRL_RX, VNET_CTRL_RX_NOUNI, dev->rx.nouni);
	put_u8(o, VNET_CTRL_RX, VNET_CTRL_RX_NOBCAST, dev->rx.nobcast);
}

/* One table of MAC_TABLE_SET; an overflowed one as one entry too many. */
static size_t mac_table_put(uint8_t *p, const struct vnet_dev *dev,
			    const struct vnet_mac_table *t)
{
	uint32_t n = t->overflow ? dev->p.mac_table_max + 1 : t->count;

	st32(p, n);
	memset(p + 4, 0, (size_t)n * 6);
	if (!t->overflow && n)
		memcpy(p + 4, t->addr, (size_t)n * 6);
	return 4 + (size_t)n * 6;
}

static void put_macs(struct state_out *o, const struct vnet_dev *dev)
{
	size_t need = 8 + 12 * ((size_t)dev->p.mac_table_max + 1), len;
	uint8_t *data = malloc(need);

	if (!data) {
		o->full = true;
		return;
	}
	len = mac_table_put(data, dev, &dev->uni);
	len += mac_table_put(data + len, dev, &dev->multi);
	put(o, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET, data, len);
	free(data);
}

static void put_vlans(struct state_out *o, const struct vnet_dev *dev)
{
	uint8_t vid[2];
	unsigned int i;

	for (i = 0; i < VNET_VLAN_IDS; i++) {
		if (!(dev->vlan[i / 32] & (1u << (i % 32))))
			continue;
		st16(vid, (uint16_t)i);
		put(o, VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD, vid, 2);
	}
}

static void put_coal(struct state_out *o, uint8_t cmd,
		     const struct vnet_coal_params *c)
{
	uint8_t data[8];

	st32(data, c->max_packets);
	st32(data + 4, c->max_usecs);
	put(o, VNET_CTRL_NOTF_COAL, cmd, data, sizeof(data));
}

/* The commands that rebuild @dev's driver-set state, by its features. */
static void put_all(struct state_out *o, const struct vnet_dev *dev)
{
	uint8_t data[8];

	if (vnet_dev_has(dev, VNET_F_CTRL_RX)) {
		put_rx(o, dev);
		put_macs(o, dev);
	}
	if (vnet_dev_has(dev, VNET_F_CTRL_MAC_ADDR))
		put(o, VNET_CTRL_MAC, VNET_CTRL_MAC_ADDR_SET, dev->mac, 6);
	if (vnet_dev_has(dev, VNET_F_CTRL_VLAN))
		put_vlans(o, dev);
	if (vnet_dev_has(dev, VNET_F_MQ) && dev->mq == VNET_MQ_AUTO) {
		st16(data, dev->pairs);
		put(o, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET, data, 2);
	}
	if (vnet_dev_has(dev, VNET_F_NOTF_COAL)) {
		put_coal(o, VNET_CTRL_NOTF_COAL_TX_SET, &dev->coal_tx);
		put_coal(o, VNET_CTRL_NOTF_COAL_RX_SET, &dev->coal_rx);
	}
	if (vnet_dev_has(dev, VNET_F_CTRL_GUEST_OFFLOADS)) {
		st32(data, (uint32_t)dev->guest_offloads.w[0]);
		st32(data + 4, (uint32_t)(dev->guest_offloads.w[0] >> 32));
		put(o, VNET_CTRL_GUEST_OFFLOADS,
		    VNET_CTRL_GUEST_OFFLOADS_SET, data, 8);
	}
}

long vnetd_state_save(struct vnetd *d, void *buf, unsigned long room)
{
	struct state_out o = { .buf = buf, .room = room, .len = STATE_HDR };

	if (room < STATE_HDR + STATE_SUM)
		return -ENOSPC;
	o.room -= STATE_SUM;
	if (d->ready)
		put_all(&o, &d->dev);
	if (o.full)
		return -ENOSPC;
	memcpy(o.buf, STATE_MAGIC, 4);
	st16(o.buf + 4, STATE_VERSION);
	st16(o.buf + 6, 0);
	st32(o.buf + 8, o.records);
	st32(o.buf + 12, (uint32_t)(o.len - STATE_HDR));
	st32(o.buf + o.len, fnv1a(o.buf, o.len));
	vnetd_log(VNETD_LOG_INFO, "device state saved: %u commands, %zu bytes",
		  o.records, o.len + STATE_SUM);
	return (long)(o.len + STATE_SUM);
}

/* A command a state may carry: what put_all() writes, nothing else. */
static bool record_allowed(const uint8_t *r, size_t len)
{
	(void)len;	/* each command's own length: vnet_ctrl_exec()'s */
	switch (r[0]) {
	case VNET_CTRL_RX:
		return r[1] <= VNET_CTRL_RX_NOBCAST;
	case VNET_CTRL_VLAN:
		return r[1] == VNET_CTRL_VLAN_ADD;
	case VNET_CTRL_MAC:
		return r[1] == VNET_CTRL_MAC_TABLE_SET ||
		       r[1] == VNET_CTRL_MAC_ADDR_SET;
	case VNET_CTRL_MQ:
		return r[1] == VNET_CTRL_MQ_VQ_PAIRS_SET;
	case VNET_CTRL_NOTF_COAL:
		return r[1] == VNET_CTRL_NOTF_COAL_TX_SET ||
		       r[1] == VNET_CTRL_NOTF_COAL_RX_SET;
	case VNET_CTRL_GUEST_OFFLOADS:
		return r[1] == VNET_CTRL_GUEST_OFFLOADS_SET;
	}
	return false;
}

/* Framing, version, sum and every record's length and kind. */
static int state_parse(const uint8_t *p, size_t len, const uint8_t **body,
		       size_t *body_len)
{
	uint32_t records, n = 0;
	size_t off;

	if (len < STATE_HDR + STATE_SUM || memcmp(p, STATE_MAGIC, 4))
		return -EINVAL;
	if (ld16(p + 4) != STATE_VERSION || ld16(p + 6))
		return -EPROTONOSUPPORT;
	records = ld32(p + 8);
	*body_len = ld32(p + 12);
	if (*body_len != len - STATE_HDR - STATE_SUM)
		return -EINVAL;		/* truncated, or bytes after it */
	if (ld32(p + len - STATE_SUM) != fnv1a(p, len - STATE_SUM))
		return -EBADMSG;
	*body = p + STATE_HDR;
	for (off = 0; off < *body_len; n++) {
		size_t rl;

		if (*body_len - off < 2)
			return -EINVAL;
		rl = ld16(*body + off);
		if (rl < 2 || rl > STATE_REC_MAX || rl > *body_len - off - 2 ||
		    !record_allowed(*body + off + 2, rl))
			return -EINVAL;
		off += 2 + rl;
	}
	return n == records ? 0 : -EINVAL;
}

/* Every record executed on @dev; -EINVAL at the first one refused. */
static int state_replay(struct vnet_dev *dev, const uint8_t *body,
			size_t body_len)
{
	size_t off = 0;

	while (off < body_len) {
		size_t rl = ld16(body + off);

		if (vnet_ctrl_exec(dev, body + off + 2, rl, NULL, 0, NULL) !=
		    VNET_CTRL_OK)
			return -EINVAL;
		off += 2 + rl;
	}
	return 0;
}

/* The state tried on a scratch device like @d's: nothing of @d changes. */
static int state_try(struct vnetd *d, const uint8_t *body, size_t body_len)
{
	const struct vnet_features *f = d->ready ? &d->dev.features :
						   &d->dev.p.offer;
	struct vnet_dev scratch;
	char why[128];
	int ret;

	if (vnet_dev_init(&scratch, &d->dev.p))
		return -ENOMEM;
	ret = vnet_dev_negotiate(&scratch, f, why, sizeof(why));
	if (!ret)
		ret = state_replay(&scratch, body, body_len);
	vnet_dev_fini(&scratch);
	return ret ? -EINVAL : 0;
}

/* The state kept for the features to come, or taken now. */
int vnetd_state_load(struct vnetd *d, const void *buf, unsigned long len)
{
	const uint8_t *body;
	size_t body_len;
	int ret = state_parse(buf, len, &body, &body_len);

	if (!ret)
		ret = state_try(d, body, body_len);
	if (ret) {
		vnetd_log(VNETD_LOG_WARN, "device state refused (%s)",
			  strerror(-ret));
		return ret;
	}
	free(d->state_pending);
	d->state_pending = malloc(body_len ? body_len : 1);
	if (!d->state_pending)
		return -ENOMEM;
	memcpy(d->state_pending, body, body_len);
	d->state_pending_len = body_len;
	if (d->ready)
		vnetd_state_apply(d);
	return 0;
}

void vnetd_state_apply(struct vnetd *d)
{
	if (!d->state_pending)
		return;
	if (state_replay(&d->dev, d->state_pending, d->state_pending_len))
		vnetd_log(VNETD_LOG_WARN, "device state: a command the "
			  "negotiated features refuse; the rest not taken");
	else
		vnetd_log(VNETD_LOG_INFO, "device state taken (%zu bytes)",
			  d->state_pending_len);
	free(d->state_pending);
	d->state_pending = NULL;
	d->state_pending_len = 0;
	vnetd_ctrl_follow(d);
}
