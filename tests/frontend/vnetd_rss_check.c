// SPDX-License-Identifier: MIT
/* vnetd_rss_check.c - the guest's side of test_vnetd_rss.sh: RSS configured, frames injected into the tap, each checked on its queue with its hash */

/*
 * virtio, "Control Virtqueue / Receive-side scaling (RSS) / RSS processing"
 * (device normative): "The device MUST determine the destination queue for
 * a network packet as follows: Calculate the hash of the packet ...; If the
 * device did not calculate the hash for the specific packet, the device
 * directs the packet to the receiveq specified by unclassified_queue ...;
 * Apply indirection_table_mask to the calculated hash and use the result as
 * the index in the indirection table to get 0-based number of destination
 * receiveq". And "Processing of Incoming Packets / Hash reporting for
 * incoming packets": "If VIRTIO_NET_F_HASH_REPORT was negotiated and the
 * device has calculated the hash for the packet, the device fills
 * hash_report with the report type of calculated hash and hash_value with
 * the value of calculated hash"; "... sets hash_report to
 * VIRTIO_NET_HASH_REPORT_NONE" when it did not.
 *
 * This program is the driver: it negotiates RSS and HASH_REPORT with vnetd
 * over vhost-user, sends RSS_CONFIG (Microsoft's key, an indirection table
 * that uses every queue), then writes frames of many flows into the tap
 * from the host side (AF_PACKET on it: the kernel spreads them over the
 * tap's queues by its own hash). Every frame must arrive, on the queue the
 * table names for the Toeplitz hash computed here, bit by bit, without
 * libvnet, with that hash and report type in its header.
 *
 * With "reset" (RSS processing: "If the destination receive queue is being
 * reset, the device MUST drop the packet"; Automatic receive steering: "If
 * all receive queues are being reset, the device MUST drop the packet"),
 * after a first round the last pair's receive queue is stopped as a queue
 * being reset is (GET_VRING_BASE): no frame its table entries name arrives
 * anywhere, all those for the others arrive on theirs; then every receive
 * queue is stopped and nothing arrives at all.
 *
 * Usage: vnetd_rss_check SOCKET PAIRS TAP-NAME [packed] [reset]
 * Exit: 0 pass, 1 fail, 77 skip (no AF_PACKET).
 */

#define _GNU_SOURCE /* memmem */

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vnet/hdr.h"
#include "vnetd_peer.h"
#include "vu_front.h"

#define FLOWS		384
#define PER_FLOW	4
#define FRAMES		(FLOWS * PER_FLOW)
#define INDIR_LEN	128
#define MAX_PAIRS	4
#define HASH_TYPES	0x3fu	/* IPv4, TCPv4, UDPv4, IPv6, TCPv6, UDPv6 */
#define CTRL_MQ		4
#define CTRL_MQ_RSS	1

static const uint8_t dev_mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };

enum kind { K_TCP4, K_UDP4, K_ICMP4, K_TCP6, K_UDP6, K_OTHER, K__COUNT };
/* report type per kind, "Hash reporting for incoming packets" */
static const uint16_t kind_report[K__COUNT] = { 2, 3, 1, 5, 6, 0 };

struct expect {
	uint32_t hash;
	uint16_t report;
	uint16_t queue;
	bool seen;
};

static struct expect want[FRAMES];
static uint16_t indir[INDIR_LEN];
static unsigned int pairs, unclassified;

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void ip4_csum(uint8_t *ip)
{
	uint32_t s = 0;
	int i;

	for (i = 0; i < 20; i += 2)
		s += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	put16(ip + 10, (uint16_t)~s);
}

/* Frame @seq of flow @flow: its bytes, and its hash input. */
static size_t make_frame(unsigned int flow, unsigned int seq, uint8_t *f,
			 uint8_t *in, size_t *in_len)
{
	enum kind k = flow % K__COUNT;
	uint16_t sport = (uint16_t)(1024 + flow * 7), dport = (uint16_t)(80 + flow % 5);
	size_t l3 = 14, l4 = 0, pay;
	bool v6 = k == K_TCP6 || k == K_UDP6;

	memset(f, 0, 128);
	memcpy(f, dev_mac, 6);
	memcpy(f + 6, (const uint8_t[]){ 0x02, 0, 0, 0, 0, 0x01 }, 6);
	*in_len = 0;
	if (k == K_OTHER) {
		put16(f + 12, 0x88b5);	/* local experimental: no hash */
		pay = 14;
	} else if (!v6) {
		uint8_t proto = k == K_TCP4 ? 6 : k == K_UDP4 ? 17 : 1;

		put16(f + 12, 0x0800);
		f[l3] = 0x45;
		f[l3 + 8] = 64;
		f[l3 + 9] = proto;
		memcpy(f + l3 + 12, (const uint8_t[]){ 10, 1, (uint8_t)(flow >> 8),
						       (uint8_t)flow }, 4);
		memcpy(f + l3 + 16, (const uint8_t[]){ 10, 2, 0, 1 }, 4);
		memcpy(in, f + l3 + 12, 8);
		*in_len = 8;
		l4 = l3 + 20;
		pay = l4 + 20;
	} else {
		put16(f + 12, 0x86dd);
		f[l3] = 0x60;
		f[l3 + 6] = k == K_TCP6 ? 6 : 17;
		f[l3 + 7] = 64;
		memcpy(f + l3 + 8, (const uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8 }, 4);
		put16(f + l3 + 22, (uint16_t)flow);
		memcpy(f + l3 + 24, (const uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1 }, 6);
		f[l3 + 39] = 1;
		memcpy(in, f + l3 + 8, 32);
		*in_len = 32;
		l4 = l3 + 40;
		pay = l4 + 20;
	}
	if (k == K_TCP4 || k == K_TCP6 || k == K_UDP4 || k == K_UDP6) {
		put16(f + l4, sport);
		put16(f + l4 + 2, dport);
		memcpy(in + *in_len, f + l4, 4);
		*in_len += 4;
	}
	if (k == K_TCP4 || k == K_TCP6) {
		f[l4 + 12] = 5 << 4;
		f[l4 + 13] = 0x10;	/* ACK */
		put16(f + l4 + 14, 1024);
	} else if (k == K_UDP4 || k == K_UDP6) {
		put16(f + l4 + 4, (uint16_t)(8 + 6));	/* header and payload */
		pay = l4 + 8;
	} else if (k == K_ICMP4) {
		f[l4] = 8;		/* echo request */
		pay = l4 + 8;
	}
	memcpy(f + pay, "RSS8", 4);
	f[pay + 4] = (uint8_t)(seq >> 8);
	f[pay + 5] = (uint8_t)seq;
	if (k != K_OTHER && !v6) {		/* lengths end at the payload */
		put16(f + l3 + 2, (uint16_t)(pay + 6 - l3));
		ip4_csum(f + l3);
	} else if (v6) {
		put16(f + l3 + 4, (uint16_t)(pay + 6 - l3 - 40));
	}
	return pay + 6 < 60 ? 60 : pay + 6;
}

/* RSS_CONFIG, "Setting RSS parameters": the table uses every queue,
 * shuffled by @round so a second configuration moves flows. */
static int configure(struct vuf *f, unsigned int round)
{
	uint8_t cmd[8 + 2 * INDIR_LEN + 3 + sizeof(peer_ms_key)], *p = cmd;
	unsigned int i;

	unclassified = (pairs - 1 + round) % pairs;
	for (i = 0; i < INDIR_LEN; i++)
		indir[i] = (uint16_t)((i * 5 + i / 3 + round) % pairs);
	p[0] = HASH_TYPES;		/* le32 hash_types */
	p[1] = p[2] = p[3] = 0;
	p[4] = INDIR_LEN - 1;		/* le16 indirection_table_mask */
	p[5] = 0;
	p[6] = (uint8_t)unclassified;	/* le16 unclassified_queue */
	p[7] = 0;
	p += 8;
	for (i = 0; i < INDIR_LEN; i++, p += 2) {
		p[0] = (uint8_t)indir[i];
		p[1] = 0;
	}
	p[0] = (uint8_t)pairs;		/* le16 max_tx_vq */
	p[1] = 0;
	p[2] = sizeof(peer_ms_key);		/* hash_key_length */
	memcpy(p + 3, peer_ms_key, sizeof(peer_ms_key));
	return vuf_ctrl(f, CTRL_MQ, CTRL_MQ_RSS, cmd, sizeof(cmd));
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One received frame on @pair, @hdr its header: found in the table,
 * checked. */
static int check_frame(const uint8_t *hdr, unsigned int pair,
		       const uint8_t *fr, int len, unsigned int *bad)
{
	const uint8_t *m = memmem(fr, (size_t)len, "RSS8", 4);
	uint32_t hash;
	uint16_t report;
	unsigned int seq;
	struct expect *e;

	if (!m || m + 6 > fr + len)
		return 0;		/* the kernel's own frame: not ours */
	seq = (unsigned int)m[4] << 8 | m[5];
	if (seq >= FRAMES || want[seq].seen) {
		fprintf(stderr, "frame %u unknown or seen twice\n", seq);
		(*bad)++;
		return 1;
	}
	e = &want[seq];
	e->seen = true;
	memcpy(&hash, hdr + 12, 4);	/* le32 hash_value */
	memcpy(&report, hdr + 16, 2);	/* le16 hash_report */
	hash = le32toh(hash);
	report = le16toh(report);
	if (pair != e->queue || hash != e->hash || report != e->report) {
		if (*bad < 10)
			fprintf(stderr, "frame %u (flow %u): queue %u hash 0x%08x report %u;"
				" want queue %u hash 0x%08x report %u\n", seq,
				(seq * 7) % FLOWS, pair, hash, report, e->queue,
				e->hash, e->report);
		(*bad)++;
	}
	return 1;
}

/* Receive what is there on every queue, refilling. */
static unsigned int poll_rx(struct vuf *f, unsigned int *per_q,
			    unsigned int *bad)
{
	static uint8_t buf[4096];
	uint8_t hdr[VNET_HDR_LEN_MAX];
	unsigned int p, got = 0;
	int n;

	for (p = 0; p < pairs; p++) {
		while ((n = vuf_rx_hdr(f, p, hdr, buf, sizeof(buf))) > 0) {
			if (check_frame(hdr, p, buf, n, bad)) {
				got++;
				per_q[p]++;
			}
		}
		if (n < 0) {
			fprintf(stderr, "queue %u: receive error %d\n", p, n);
			(*bad)++;
		}
		vuf_rx_fill(f, p);
	}
	return got;
}

/* Every frame of every flow into the tap, each checked on arrival. Paced,
 * every frame must arrive; as one @burst, the guest's buffers run out (the
 * device waits for them, rings and the tap's queue fill, what does not fit
 * is dropped): what arrives must still be right, and nothing stays stuck
 * (the rounds after see none of it). */
static int run_round(struct vuf *f, const struct peer_inject *pi, unsigned int round, bool burst)
{
	unsigned int per_q[MAX_PAIRS] = { 0 }, sent = 0, got = 0, bad = 0, i;
	unsigned int cap = burst ? FRAMES : 32;
	uint8_t fr[128], in[40];
	double end = now() + 30, quiet = 0;
	size_t in_len;

	if (configure(f, round) != 0) {
		fprintf(stderr, "RSS_CONFIG refused\n");
		return 1;
	}
	for (i = 0; i < FRAMES; i++) {
		unsigned int flow = (i * 7) % FLOWS;	/* flows interleaved */

		make_frame(flow, i, fr, in, &in_len);
		want[i].seen = false;
		want[i].report = kind_report[flow % K__COUNT];
		want[i].hash = in_len ? peer_toeplitz(in, in_len) : 0;
		want[i].queue = in_len ? indir[want[i].hash % INDIR_LEN] :
					 (uint16_t)unclassified;
	}
	while (got < FRAMES && now() < end && (!quiet || now() < quiet)) {
		unsigned int k;

		/* a few in flight: no queue of tap or guest ever overflows */
		while (sent < FRAMES && sent - got < cap) {
			unsigned int flow = (sent * 7) % FLOWS;
			size_t n = make_frame(flow, sent, fr, in, &in_len);

			if (peer_inject(pi, fr, n)) {
				perror("send");
				return 1;
			}
			sent++;
		}
		k = poll_rx(f, per_q, &bad);
		got += k;
		if (burst && sent == FRAMES && (k || !quiet))
			quiet = now() + 1;	/* done after 1 s without one */
		usleep(200);
	}
	printf("round %u, %u pairs, %s: %u frames of %u flows sent, %u received;"
	       " per queue", round, pairs, burst ? "one burst" : "paced", sent,
	       FLOWS, got);
	for (i = 0; i < pairs; i++)
		printf(" %u", per_q[i]);
	printf("; %u wrong\n", bad);
	for (i = 0; i < pairs; i++)
		if (!per_q[i])
			bad++;		/* the table names every queue */
	if (burst)	/* at least what the guest's buffers held */
		return bad || got < pairs * f->o.qsize / 2;
	return bad || got != FRAMES;
}

/* Stop receive queue @pair as a queue being reset is. */
static int stop_rx(struct vuf *f, unsigned int pair)
{
	uint32_t base;

	return vuf_stop_queue(f, 2 * pair, &base);
}

/*
 * The frames of every flow, paced, with the last pair's receive queue
 * stopped: what arrives is on its table's queue (check_frame), none on the
 * stopped one, none of its frames elsewhere; every frame for the running
 * queues arrives (the stopped pair's tap queue is detached, so the kernel
 * spreads over the others). Then every receive queue stopped: nothing.
 */
static int reset_round(struct vuf *f, const struct peer_inject *pi)
{
	unsigned int per_q[MAX_PAIRS] = { 0 }, got = 0, bad = 0, i, p;
	unsigned int for_stopped = 0;
	uint8_t fr[128], in[40];
	size_t n, in_len;

	if (configure(f, 0) != 0 || stop_rx(f, pairs - 1) != 0) {
		fprintf(stderr, "RSS_CONFIG or GET_VRING_BASE refused\n");
		return 1;
	}
	for (i = 0; i < FRAMES; i++) {
		n = make_frame((i * 7) % FLOWS, i, fr, in, &in_len);
		want[i].seen = false;
		want[i].report = kind_report[((i * 7) % FLOWS) % K__COUNT];
		want[i].hash = in_len ? peer_toeplitz(in, in_len) : 0;
		want[i].queue = in_len ? indir[want[i].hash % INDIR_LEN] :
					 (uint16_t)unclassified;
		for_stopped += want[i].queue == pairs - 1;
		if (peer_inject(pi, fr, n)) {
			perror("send");
			return 1;
		}
		if (i % 16 == 15) {
			usleep(2000);
			got += poll_rx(f, per_q, &bad);
		}
	}
	usleep(300000);
	got += poll_rx(f, per_q, &bad);
	printf("reset round, %u pairs, queue %u stopped: %u frames sent, %u "
	       "for the stopped queue, %u received; per queue", pairs,
	       pairs - 1, FRAMES, for_stopped, got);
	for (i = 0; i < pairs; i++)
		printf(" %u", per_q[i]);
	printf("; %u wrong\n", bad);
	if (bad || !for_stopped || per_q[pairs - 1] ||
	    got != FRAMES - for_stopped)
		return 1;
	for (p = 0; p + 1 < pairs; p++)
		if (!per_q[p] || stop_rx(f, p) != 0)
			return 1;
	for (i = 0; i < 64; i++) {	/* every queue being reset */
		n = make_frame(i % FLOWS, i, fr, in, &in_len);
		want[i].seen = false;
		if (peer_inject(pi, fr, n))
			return 1;
	}
	usleep(300000);
	got = poll_rx(f, per_q, &bad);	/* the stopped rings: nothing new */
	printf("every receive queue stopped: %u received\n", got);
	return got != 0 || bad;
}

int main(int argc, char **argv)
{
	struct vuf_opts o = { .pairs = 0, .qsize = 256, .rss = true };
	struct vuf f;
	struct peer_inject pi;
	bool reset = false;
	int rc, a;

	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: vnetd_rss_check SOCKET PAIRS TAP [packed] "
			"[reset]\n");
		return 2;
	}
	pairs = (unsigned int)atoi(argv[2]);
	if (pairs < 2 || pairs > MAX_PAIRS || !peer_toeplitz_self_check()) {
		fprintf(stderr, "bad pairs, or the reference Toeplitz is wrong\n");
		return 1;
	}
	o.pairs = pairs;
	for (a = 4; a < argc; a++) {
		o.packed |= !strcmp(argv[a], "packed");
		reset |= !strcmp(argv[a], "reset");
	}
	if (peer_inject_open(&pi, argv[3])) {
		printf("SKIP: no AF_PACKET socket on %s\n", argv[3]);
		return 77;
	}
	rc = vuf_start(&f, argv[1], &o);
	if (rc) {
		fprintf(stderr, "vhost-user start-up failed: %d\n", rc);
		return 1;
	}
	rc = run_round(&f, &pi, 0, false);
	if (!rc && reset) {
		rc = reset_round(&f, &pi);
		vuf_close(&f);
		close(pi.sock);
		return rc ? 1 : 0;
	}
	if (!rc)	/* a new table moves the flows */
		rc = run_round(&f, &pi, 1, false);
	if (!rc)
		rc = run_round(&f, &pi, 2, true);
	if (!rc)
		rc = run_round(&f, &pi, 3, false);
	vuf_close(&f);
	close(pi.sock);
	return rc ? 1 : 0;
}
