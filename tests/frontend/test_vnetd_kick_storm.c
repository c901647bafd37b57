// SPDX-License-Identifier: MIT
/* test_vnetd_kick_storm.c - the real vnetd under a guest that never stops kicking: bounded work per pass, the other queues still served */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon.h"		/* VNETD_BURST */
#include "vnet/ctrl.h"
#include "vnetd_proc.h"
#include "vu_front.h"

/*
 * vhost-net's class "a guest that never stops kicking" (CVE-2019-3900:
 * handle_tx() kept taking buffers as long as the guest refilled them, so
 * one guest held the worker and starved everything else), against the
 * daemon itself rather than the library (tests/unit/test_bugs_vhost_net.c
 * has the library's half).
 *
 * A test frontend (vu_front.c) negotiates two queue pairs and the control
 * queue and enables both pairs with VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET ("The
 * driver MUST queue packets only on any transmitq1 before the
 * VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET command"). Then one thread keeps
 * transmitq1 full: every buffer the device returns is put back at once,
 * and the queue is kicked on every turn, full or not. Meanwhile, round
 * after round, the test sends frames on transmitq2, sends control
 * commands (a good one and a refused one), a vhost-user request, and
 * reads the stats socket. vnetd runs without --tap, so its transmit path
 * is a sink that counts (tx_one()).
 *
 * What is asserted does not depend on timing (each wait has a generous
 * deadline, 20 s, only so that a starved queue fails instead of hanging):
 * - work per pass is bounded: without EVENT_IDX and with the avail flags
 *   0, "the device MUST send a notification" after writing used entries,
 *   and vnetd does so once per pass; a whole ring made available with one
 *   kick is served in at least QSIZE / VNETD_BURST passes (a device that
 *   emptied it in one pass notifies once), and over the storm transmitq1's
 *   call eventfd counts at least one pass per VNETD_BURST buffers;
 * - everything else is answered while the storm goes on: transmitq2's
 *   buffers all come back, the control queue acks, vhost-user replies, the
 *   stats socket answers, and transmitq1 itself keeps being served;
 * - every frame of both pairs is counted exactly once (frames and bytes);
 * - the daemon stops cleanly on SIGTERM (exit 0: no sanitizer report in
 *   the ASan build).
 * A worker that ran pass after pass under the device lock would starve the
 * others only while the guest outpaces it, which a test cannot force; the
 * bound per pass is what it can check exactly.
 */

#define PAIRS		2
#define CTRLQ		(2 * PAIRS)	/* the control queue follows the pairs */
#define QSIZE		256
#define ROUNDS		10
#define ROUND_FRAMES	200		/* on pair 1 per round, fewer than QSIZE */
#define FLOOD_MIN	20000		/* pair 0's buffers, at least */
#define DEADLINE_MS	20000

static const char *vnetd_bin;

struct storm {
	struct vnetd_proc p;
	struct vuf f;
	bool connected;
	pthread_t flood;
	bool flooding;
	atomic_bool stop;
	atomic_uint_fast64_t sent;	/* pair 0: buffers made available */
	atomic_uint_fast64_t kicks;	/* pair 0: kicks, with or without */
	uint32_t seq;			/* pair 0: next frame */
	uint64_t bytes;			/* pair 0: frame bytes */
	uint64_t calls;			/* pair 0: notifications read so far */
};

static uint64_t now_ms(void)
{
	return vnetd_proc_now_ms();
}

/* A broadcast frame of 60..1000 bytes (one descriptor: a whole ring of
 * them fits in the ring); its length. */
static unsigned int frame(uint32_t seq, uint8_t *buf)
{
	unsigned int len = 60 + (seq * 397) % 941, i;

	memset(buf, 0xff, 6);
	memcpy(buf + 6, "\x02\x00\x00\x00\x00\x07\x88\xb5", 8);
	for (i = 14; i < len; i++)
		buf[i] = (uint8_t)(seq + i);
	return len;
}

/* Pair 0's guest: free transmit buffers made available again (the ones
 * returned reaped first), up to a ring's worth; false if none was free. */
static bool refill(struct storm *s)
{
	uint8_t buf[1514];
	unsigned int len, n = 0;

	while (n < QSIZE) {
		len = frame(s->seq, buf);
		if (vuf_tx_add(&s->f, 0, buf, len))
			break;
		s->seq++;
		s->bytes += len;
		n++;
	}
	atomic_fetch_add(&s->sent, n);
	return n > 0;
}

/* The guest that never stops kicking: transmitq1 refilled as fast as the
 * device returns buffers, and kicked on every turn, full or not. */
static void *flood_main(void *arg)
{
	struct storm *s = arg;

	while (!atomic_load(&s->stop)) {
		refill(s);
		vuf_kick(&s->f, 1);
		atomic_fetch_add(&s->kicks, 1);
	}
	return NULL;
}

/* vnetd with two queue pairs, no tap, a stats socket, and @extra (two
 * more arguments at most, NULL-terminated); true once it serves. */
static bool vnetd_spawn(struct storm *s, const char *const *extra)
{
	const char *args[5] = { "--queues", "2", extra[0],
				extra[0] ? extra[1] : NULL, NULL };

	return !vnetd_proc_start(&s->p, vnetd_bin, args);
}

/* The value of the Prometheus sample named @key (name and labels) from
 * the stats socket; -1 if there is none. */
static long long stat_get(const struct storm *s, const char *key)
{
	return vnetd_proc_stat(&s->p, key, DEADLINE_MS);
}

/* Counter @name of queue pair @q. */
static long long counter(const struct storm *s, const char *name,
			 unsigned int q)
{
	char key[128];

	snprintf(key, sizeof(key), "vnetd_%s_total{queue=\"%u\"}", name, q);
	return stat_get(s, key);
}

/* Drops of queue pair @q for @reason. */
static long long drops(const struct storm *s, const char *reason,
		       unsigned int q)
{
	char key[128];

	snprintf(key, sizeof(key),
		 "vnetd_drops_total{queue=\"%u\",reason=\"%s\"}", q, reason);
	return stat_get(s, key);
}

/* The ring's next used buffer of the control queue: true if there is one. */
static bool ctrl_used(struct vuf *f, uint32_t *len)
{
	struct vuf_queue *q = &f->q[CTRLQ];
	uint32_t id;
	uint16_t pid;

	if (f->o.packed)
		return packed_get_used(&q->p, &pid, len, NULL);
	if (q->last_used == split_used_idx(&q->s))
		return false;
	atomic_thread_fence(memory_order_acquire);
	split_used_elem(&q->s, q->last_used++, &id, len);
	return true;
}

/*
 * One control command (class, command, data) and its one-byte ack, in a
 * buffer of the control queue's own; waits for the device to use it.
 * Return: the ack, or -ETIMEDOUT, or -EPROTO for a used length not 1.
 */
static int ctrl_cmd(struct vuf *f, uint8_t cls, uint8_t cmd, const void *data,
		    uint32_t len)
{
	uint64_t gpa = VUF_BUF_GPA + (uint64_t)CTRLQ * VUF_SLOTS_MAX *
		       VUF_SLOT_SIZE;
	struct buf b[2] = { { gpa, 2 + len, false }, { gpa + 2048, 1, true } };
	struct vuf_queue *q = &f->q[CTRLQ];
	uint8_t *p = vuf_gp(f, gpa, 2049);
	uint64_t end = now_ms() + DEADLINE_MS;
	uint32_t used = 0;

	p[0] = cls;
	p[1] = cmd;
	memcpy(p + 2, data, len);
	p[2048] = 0xee;
	if (f->o.packed) {
		packed_add(&q->p, b, 2, 0);
	} else {
		split_add(&q->s, b, 2);
	}
	vuf_kick(f, CTRLQ);
	while (!ctrl_used(f, &used)) {
		if (now_ms() > end)
			return -ETIMEDOUT;
		usleep(100);
	}
	return used == 1 ? p[2048] : -EPROTO;
}

static int pairs_set(struct vuf *f, uint16_t pairs)
{
	uint8_t le[2] = { (uint8_t)pairs, (uint8_t)(pairs >> 8) };

	return ctrl_cmd(f, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET, le, 2);
}

/* Send @n frames on pair 1; adds their bytes to @bytes. */
static void send_pair1(struct vuf *f, unsigned int n, uint64_t *bytes)
{
	uint8_t buf[1514];
	uint64_t end = now_ms() + DEADLINE_MS;
	unsigned int i, len;
	int ret;

	for (i = 0; i < n; i++) {
		len = frame(i + 7777, buf);
		while ((ret = vuf_tx(f, 1, buf, len)) == -EAGAIN &&
		       now_ms() < end)
			usleep(100);
		assert_int_equal(ret, 0);
		*bytes += len;
	}
}

/* Every transmit buffer of @pair back (reaped), or the deadline. */
static bool drained(struct vuf *f, unsigned int pair)
{
	uint64_t end = now_ms() + DEADLINE_MS;

	for (;;) {
		vuf_reap_tx(f, pair);
		if (!vuf_outstanding(f, 2 * pair + 1))
			return true;
		if (now_ms() > end)
			return false;
		usleep(100);
	}
}

/* Pair 0's guest has made at least @n buffers available, or the deadline. */
static bool flood_reached(struct storm *s, uint64_t n)
{
	uint64_t end = now_ms() + DEADLINE_MS;

	while (atomic_load(&s->sent) < n) {
		if (now_ms() > end)
			return false;
		usleep(1000);
	}
	return true;
}

static int setup(void **state)
{
	struct storm *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	if (vnetd_proc_init(&s->p, "storm")) {
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

/* Whatever a failed assertion left: the flood, the frontend, the daemon. */
static int teardown(void **state)
{
	struct storm *s = *state;

	if (s->flooding) {
		atomic_store(&s->stop, true);
		pthread_join(s->flood, NULL);
	}
	if (s->connected)
		vuf_close(&s->f);
	vnetd_proc_fini(&s->p);
	free(s);
	return 0;
}

/* SIGTERM: vnetd stops its workers and exits 0 (a sanitizer report would
 * make it exit otherwise). */
static void vnetd_stop(struct storm *s)
{
	int st = 0;

	assert_int_equal(vnetd_proc_stop(&s->p, DEADLINE_MS, &st), 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* Read (and so reset) the notifications of transmitq1 into s->calls. */
static void calls_take(struct storm *s)
{
	uint64_t n = 0;

	if (read(s->f.q[1].call, &n, sizeof(n)) == sizeof(n))
		s->calls += n;
}

/*
 * Before the storm: a whole ring made available with one kick. The worker
 * takes VNETD_BURST per pass, then comes back without waiting for a kick
 * (tx_more): a pass per VNETD_BURST, each notified, and all of it served.
 * A device that emptied the ring in one pass would notify once.
 */
static void first_ring(struct storm *s)
{
	uint64_t before = atomic_load(&s->sent);

	calls_take(s);
	assert_true(refill(s));
	assert_int_equal(atomic_load(&s->sent) - before, QSIZE);
	vuf_kick(&s->f, 1);
	assert_true(drained(&s->f, 0));
	/* the last pass notifies just after its used entries: wait for it */
	for (;;) {
		struct pollfd p = { s->f.q[1].call, POLLIN, 0 };

		calls_take(s);
		if (s->calls >= QSIZE / VNETD_BURST || poll(&p, 1, 2000) != 1)
			break;
	}
	assert_true(s->calls >= QSIZE / VNETD_BURST);
}

/* While the storm goes on: pair 1, the control queue, vhost-user, stats. */
static void storm_round(struct storm *s, unsigned int r, uint64_t *sent1,
			uint64_t *bytes1)
{
	uint64_t before = atomic_load(&s->sent);

	send_pair1(&s->f, ROUND_FRAMES, bytes1);
	*sent1 += ROUND_FRAMES;
	assert_true(drained(&s->f, 1));
	/* a refused command is answered as well as a good one */
	if (r % 2)
		assert_int_equal(pairs_set(&s->f, 0), VNET_CTRL_ERR);
	else
		assert_int_equal(pairs_set(&s->f, PAIRS), VNET_CTRL_OK);
	assert_true(vuf_alive(&s->f));
	assert_int_equal(counter(s, "tx_frames", 1), (long long)*sent1);
	assert_int_equal(counter(s, "tx_bytes", 1), (long long)*bytes1);
	/* and pair 0 was served meanwhile: the flood went a ring further */
	assert_true(flood_reached(s, before + QSIZE));
	assert_false(atomic_load(&s->stop));
}

/* After the storm: every frame counted once, work bounded per pass. */
static void storm_books(struct storm *s, uint64_t sent1, uint64_t bytes1)
{
	uint64_t sent0 = atomic_load(&s->sent);
	struct vuf *f = &s->f;
	unsigned int q;

	assert_true(drained(f, 0));
	assert_int_equal(f->q[1].returned, sent0);
	assert_int_equal(f->q[3].returned, sent1);
	for (q = 0; q < PAIRS; q++) {
		assert_int_equal(f->q[2 * q + 1].bad_returns, 0);
		assert_int_equal(f->q[2 * q + 1].bad_len, 0);
		assert_int_equal(drops(s, "tx_short", q), 0);
	}
	assert_int_equal(counter(s, "tx_frames", 0), (long long)sent0);
	assert_int_equal(counter(s, "tx_bytes", 0), (long long)s->bytes);
	assert_int_equal(counter(s, "tx_frames", 1), (long long)sent1);
	assert_int_equal(counter(s, "tx_bytes", 1), (long long)bytes1);
	/* one notification per pass, at most VNETD_BURST buffers each; the
	 * last pass's notification may trail its used entries: one pass of
	 * slack */
	calls_take(s);
	assert_true((s->calls + 1) * VNETD_BURST >= sent0);
	print_message("pair 0: %llu buffers, %llu kicks, %llu notifications "
		      "(%.1f buffers per pass, at most %d)\n",
		      (unsigned long long)sent0,
		      (unsigned long long)atomic_load(&s->kicks),
		      (unsigned long long)s->calls,
		      (double)sent0 / (double)s->calls,
		      VNETD_BURST);
}

static void kick_storm(struct storm *s, bool packed,
		       const char *const *extra)
{
	struct vuf_opts o = { .packed = packed, .pairs = PAIRS, .qsize = QSIZE };
	uint64_t sent1 = 0, bytes1 = 0;
	unsigned int r;

	assert_true(vnetd_spawn(s, extra));
	s->connected = true;
	assert_int_equal(vuf_start(&s->f, s->p.sock, &o), 0);
	assert_int_equal(vuf_vring_setup(&s->f, CTRLQ), 0);
	assert_int_equal(pairs_set(&s->f, PAIRS), VNET_CTRL_OK);
	first_ring(s);

	assert_int_equal(pthread_create(&s->flood, NULL, flood_main, s), 0);
	s->flooding = true;
	assert_true(flood_reached(s, 4 * QSIZE));
	for (r = 0; r < ROUNDS; r++)
		storm_round(s, r, &sent1, &bytes1);
	assert_true(flood_reached(s, FLOOD_MIN));
	atomic_store(&s->stop, true);
	pthread_join(s->flood, NULL);
	s->flooding = false;

	storm_books(s, sent1, bytes1);
	assert_true(vuf_alive(&s->f));
	vuf_close(&s->f);
	s->connected = false;
	vnetd_stop(s);
}

/* Split rings, the workers sleeping on kicks between passes. */
/* conformance: SPL-10, SPL-21, VU-31, VU-30 */
static void test_kick_storm_split(void **state)
{
	static const char *const none[] = { NULL };

	kick_storm(*state, false, none);
}

/* Packed rings, the workers busy polling: a pass every turn, kicked or not. */
/* conformance: SPL-21 */
static void test_kick_storm_packed_busy_poll(void **state)
{
	static const char *const opts[] = { "--packed", "--busy-poll", NULL };

	kick_storm(*state, true, opts);
}

/*
 * A driver that breaks "Automatic receive steering in multiqueue mode":
 * it transmits on transmitq2 before any VQ_PAIRS_SET ("MUST queue packets
 * only on any transmitq1 before"), and on it after VQ_PAIRS_SET 1
 * ("MUST NOT queue packets on transmit queues greater than
 * virtqueue_pairs"); then it enables two pairs while the second's rings
 * are stopped ("MUST configure the virtqueues before enabling them"). The
 * device survives each: the buffers come back, the command is answered,
 * transmitq1 is served throughout and the daemon stops cleanly.
 */
/* conformance: D-MQ-02, D-MQ-03 */
static void test_tx_outside_enabled_pairs(void **state)
{
	struct storm *s = *state;
	struct vuf_opts o = { .pairs = PAIRS, .qsize = QSIZE };
	static const char *const none[] = { NULL };
	uint64_t bytes = 0;
	uint8_t buf[1514];
	uint32_t base;
	int ack;

	assert_true(vnetd_spawn(s, none));
	s->connected = true;
	assert_int_equal(vuf_start(&s->f, s->p.sock, &o), 0);
	assert_int_equal(vuf_vring_setup(&s->f, CTRLQ), 0);
	send_pair1(&s->f, 20, &bytes);		/* before VQ_PAIRS_SET */
	assert_true(drained(&s->f, 1));
	assert_int_equal(pairs_set(&s->f, 1), VNET_CTRL_OK);
	send_pair1(&s->f, 20, &bytes);		/* beyond virtqueue_pairs */
	assert_true(drained(&s->f, 1));
	assert_int_equal(vuf_tx(&s->f, 0, buf, frame(1, buf)), 0);
	assert_true(drained(&s->f, 0));
	assert_int_equal(vuf_stop_queue(&s->f, 2, &base), 0);
	assert_int_equal(vuf_stop_queue(&s->f, 3, &base), 0);
	ack = pairs_set(&s->f, PAIRS);		/* pair 2 not configured */
	assert_true(ack == VNET_CTRL_OK || ack == VNET_CTRL_ERR);
	assert_int_equal(vuf_tx(&s->f, 0, buf, frame(2, buf)), 0);
	assert_true(drained(&s->f, 0));
	assert_true(vuf_alive(&s->f));
	vuf_close(&s->f);
	s->connected = false;
	vnetd_stop(s);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kick_storm_split, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kick_storm_packed_busy_poll,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_outside_enabled_pairs,
						setup, teardown),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s VNETD\n", argv[0]);
		return 2;
	}
	vnetd_bin = argv[1];
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
