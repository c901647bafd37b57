/* SPDX-License-Identifier: MIT */
/* vu_echo.h - a test backend over the vhost-user server: frames sent on a TX queue come back on its RX queue; it can also inject frames */
#ifndef VU_ECHO_H
#define VU_ECHO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "vnet/features.h"
#include "vnet/vhost_user.h"
#include "vnet/virtq_net.h"

#define ECHO_PAIRS_MAX	16

/**
 * struct vu_echo - the backend and its counters
 * @vu:		the vhost-user server
 * @stop_fd:	eventfd: echo_run() returns once it is written
 * @net:	buffer rules of the negotiated features
 * @inject:	frames still to inject per pair (the test adds)
 * @seq:	next injected frame's sequence number per pair
 * @from_guest:	frames popped from TX queues
 * @to_guest:	frames written to RX queues (echoed and injected)
 * @dropped:	frames dropped (no RX queue running, frame too big)
 * @broken:	passes that found a broken queue
 * @hold:	TX buffers still to take and keep, never returned: a
 *		backend that dies with buffers in flight (the test sets)
 * @held:	TX buffers taken and kept so far
 * @pairs:	queue pairs
 * @client:	connect instead of listening
 */
struct vu_echo {
	struct vnet_vu *vu;
	int stop_fd;
	struct vnet_virtq_net net;
	atomic_uint inject[ECHO_PAIRS_MAX];
	uint32_t seq[ECHO_PAIRS_MAX];
	atomic_ulong from_guest;
	atomic_ulong to_guest;
	atomic_ulong dropped;
	atomic_ulong broken;
	atomic_uint hold;
	atomic_ulong held;
	unsigned int pairs;
	bool client;
};

int vu_echo_init(struct vu_echo *e, const char *path, bool client,
		 unsigned int pairs, const struct vnet_features *offer);
int vu_echo_run(struct vu_echo *e);
void vu_echo_stop(struct vu_echo *e);
void vu_echo_fini(struct vu_echo *e);

/* The default offer: what the test frontend and DPDK's virtio-user use. */
void vu_echo_default_offer(struct vnet_features *f, unsigned int pairs);

/**
 * echo_frame() - the frame injected with sequence number @seq
 * @seq:	sequence number
 * @buf:	room for 1514 bytes
 *
 * Return: its length, 60..1514
 */
static inline unsigned int echo_frame(uint32_t seq, uint8_t *buf)
{
	unsigned int len = 60 + (seq * 97) % 1455, i;
	static const uint8_t hd[14] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x02, 0, 0, 0, 0, 0x01, 0x88, 0xb5 };

	for (i = 0; i < 14; i++)
		buf[i] = hd[i];
	buf[14] = (uint8_t)(seq >> 24);
	buf[15] = (uint8_t)(seq >> 16);
	buf[16] = (uint8_t)(seq >> 8);
	buf[17] = (uint8_t)seq;
	for (i = 18; i < len; i++)
		buf[i] = (uint8_t)(seq * 31 + i);
	return len;
}

#endif /* VU_ECHO_H */
