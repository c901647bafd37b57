// SPDX-License-Identifier: MIT
/* test_vu_inflight.c - INFLIGHT_SHMFD: a backend dies with buffers in flight, the next one returns each exactly once; corrupt regions refused */

#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "vnet/vhost_user.h"
#include "vq_inflight.h"
#include "vu_test_assert.h"

/*
 * The region layouts are the spec's (vq_inflight.h). "Inflight I/O
 * tracking" states its rules as steps ("the queue region should be
 * processed as follows"), not MUST lines: each check below quotes the
 * step it checks.
 */

#define QSIZE	64
#define HELD	5	/* TX buffers the first backend takes and keeps */
#define SENT	12	/* frames sent to it: SENT - HELD come back at once */

static const struct vuf_opts opts = { .pairs = 1, .qsize = QSIZE,
				      .inflight = true };

/* ---- helpers ---- */

/* Wait for the next echoed frame; its sequence number (tx_frame), checked
 * against the frame the frontend sent with it. */
static uint32_t rx_seq(struct vuf *f)
{
	static uint8_t rx[8192], tx[4096];
	uint32_t seq;
	int n = 0, t;

	for (t = 0; (n = vuf_rx(f, 0, rx, sizeof(rx))) == 0 && t < 500000; t++) {
		vuf_rx_fill(f, 0);
		usleep(10);
	}
	assert_true(n >= 18);
	memcpy(&seq, rx + 14, 4);
	assert_int_equal(n, (int)tx_frame(seq, tx));
	assert_memory_equal(rx, tx, (size_t)n);
	vuf_rx_fill(f, 0);
	return seq;
}

/* Send frames @from..@to-1 on pair 0. */
static void send_frames(struct vuf *f, uint32_t from, uint32_t to)
{
	static uint8_t tx[4096];
	uint32_t i;
	int n = 0, t;

	for (i = from; i < to; i++) {
		for (t = 0; (n = vuf_tx(f, 0, tx, tx_frame(i, tx))) == -EAGAIN &&
		     t < 100000; t++)
			usleep(10);
		assert_int_equal(n, 0);
	}
}

/* Wait until the backend has taken @n buffers to hold. */
static void wait_held(struct vu_echo *e, unsigned long n)
{
	int t;

	for (t = 0; atomic_load(&e->held) < n && t < 3000; t++)
		usleep(1000);
	assert_int_equal(atomic_load(&e->held), n);
}

/* Reap the transmit queue until @want buffers stay outstanding (within
 * 1 s): the backend may echo a frame to the receive queue before it marks
 * the transmit buffer used, so the echo alone does not say it is back. */
static uint64_t tx_outstanding_settled(struct vuf *f, uint64_t want)
{
	int t;

	for (t = 0; t < 1000; t++) {
		vuf_reap_tx(f, 0);
		if (vuf_outstanding(f, 1) == want)
			break;
		usleep(1000);
	}
	return vuf_outstanding(f, 1);
}

/* An echo backend in a child process (a real one to kill), holding @hold
 * transmit buffers; no thread may run in this process when it forks. */
static pid_t backend_fork(const char *path, unsigned int hold)
{
	struct vnet_features offer;
	struct vu_echo e;
	pid_t pid = fork();

	if (pid)
		return pid;
	/* a failed check must not leave it holding the test's output open */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	vu_echo_default_offer(&offer, 1);
	if (vu_echo_init(&e, path, false, 1, &offer))
		_exit(1);
	atomic_store(&e.hold, hold);
	vu_echo_run(&e);
	vu_echo_fini(&e);
	_exit(0);
}

static void backend_kill(pid_t pid)
{
	int st;

	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
}

/* Entries of queue @idx's region marked in flight, and their counters. */
static unsigned int region_inflight(struct vuf *f, unsigned int idx,
				    uint64_t *counters)
{
	uint8_t *r = vuf_inflight_queue(f, idx);
	unsigned int i, n = 0;

	for (i = 0; i < QSIZE; i++) {
		uint8_t fl;
		uint64_t c;

		if (f->o.packed) {
			struct region_packed *p = (struct region_packed *)r;

			fl = p->desc[i].inflight;
			c = p->desc[i].counter;
		} else {
			struct region_split *s = (struct region_split *)r;

			fl = s->desc[i].inflight;
			c = s->desc[i].counter;
		}
		if (fl)
			counters[n++] = c;
	}
	return n;
}

/*
 * Entries of the transmit queue's region in flight, once they settle at
 * @want (within 2 s): the backend clears them just after it publishes
 * the used buffers ("Update d.flags", then "Set the inflight field of
 * each head DescStatePacked entry in the batch to 0"), so the driver may
 * see a buffer used a moment before its entry is cleared.
 */
static unsigned int region_settled(struct vuf *f, unsigned int want,
				   uint64_t *counters)
{
	unsigned int n = 0;
	int t;

	for (t = 0; t < 2000; t++) {
		n = region_inflight(f, 1, counters);
		if (n == want)
			break;
		usleep(1000);
	}
	return n;
}

/*
 * Send SENT frames to a backend that keeps the first HELD: the others come
 * back at once (out of order with the held ones: what the region exists
 * for). Then the region must show HELD buffers in flight.
 */
static void take_and_hold(struct vuf *f, struct vu_echo *e)
{
	uint64_t c[QSIZE];
	uint32_t i;

	vuf_rx_fill(f, 0);
	send_frames(f, 0, SENT);
	for (i = HELD; i < SENT; i++)
		assert_int_equal(rx_seq(f), i);
	if (e)
		wait_held(e, HELD);
	assert_int_equal(tx_outstanding_settled(f, HELD), HELD);
	/* "Set desc[i].inflight to 1" at fetch, "Set the inflight field ...
	 * to 0" at use: only the held buffers stay marked */
	assert_int_equal(region_settled(f, HELD, c), HELD);
	for (i = 1; i < HELD; i++)	/* distinct counters, one per fetch */
		assert_true(c[i] != c[i - 1]);
}

/*
 * After the reconnect: the held buffers come back first, "in order of
 * their counter value" (the order they were sent), each exactly once; the
 * queue then carries on from where the region says.
 */
static void resubmitted_once(struct vuf *f)
{
	uint64_t c[QSIZE];
	uint32_t i;

	for (i = 0; i < HELD; i++)
		assert_int_equal(rx_seq(f), i);
	assert_int_equal(tx_outstanding_settled(f, 0), 0); /* every one back */
	assert_int_equal(f->q[1].bad_returns, 0);	/* none twice */
	assert_int_equal(f->q[0].bad_returns, 0);
	assert_int_equal(region_settled(f, 0, c), 0);
	/* more than a lap: positions after the resubmission are right */
	send_frames(f, SENT, SENT + 70);
	for (i = SENT; i < SENT + 70; i++)
		assert_int_equal(rx_seq(f), i);
	vuf_reap_tx(f, 0);
	assert_int_equal(f->q[1].bad_returns, 0);
	assert_int_equal(f->q[1].bad_len, 0);
}

/* ---- a backend killed mid-flight, a new process takes over ---- */

static void killed_backend(bool packed, bool indirect)
{
	struct vuf_opts o = opts;
	char dir[] = "/tmp/vnet-vu-XXXXXX", path[64];
	struct vuf f;
	pid_t a, b;

	o.packed = packed;
	o.indirect = o.event_idx = indirect;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sock", dir);
	a = backend_fork(path, HELD);
	assert_int_equal(vuf_start(&f, path, &o), 0);
	take_and_hold(&f, NULL);
	backend_kill(a);	/* SIGKILL: nothing cleaned up, nothing said */
	b = backend_fork(path, 0);
	assert_int_equal(vuf_reconnect(&f, path), 0);
	resubmitted_once(&f);
	vuf_close(&f);
	backend_kill(b);
	unlink(path);
	rmdir(dir);
}

/* conformance: VU-14 */
static void test_killed_backend_split(void **state)
{
	(void)state;
	killed_backend(false, false);
}

/* conformance: VU-14 */
static void test_killed_backend_packed(void **state)
{
	(void)state;
	killed_backend(true, false);
}

/* Indirect tables (one ring descriptor, its table in guest memory) and
 * EVENT_IDX, both layouts. */
static void test_killed_backend_indirect(void **state)
{
	(void)state;
	killed_backend(false, true);
	killed_backend(true, true);
}

/* ---- the same backend, a new connection ---- */

static void new_connection(bool packed)
{
	struct vuf_opts o = opts;
	struct backend b;
	struct vuf f;

	o.packed = packed;
	assert_int_equal(backend_start(&b, 1), 0);
	atomic_store(&b.e.hold, HELD);
	assert_int_equal(vuf_start(&f, b.path, &o), 0);
	take_and_hold(&f, &b.e);
	close(f.sock);		/* the frontend goes, the guest stays */
	f.sock = -1;
	assert_true(backend_idle(&b));
	assert_int_equal(vuf_reconnect(&f, b.path), 0);
	resubmitted_once(&f);
	assert_int_equal(vnet_vu_get_stats(b.e.vu)->resubmitted, 1);
	vuf_close(&f);
	backend_stop(&b);
}

static void test_new_connection_split(void **state)
{
	(void)state;
	new_connection(false);
}

static void test_new_connection_packed(void **state)
{
	(void)state;
	new_connection(true);
}

/* ---- GET_INFLIGHT_FD ---- */

/* The region given: zeroed, room for every queue in either layout; the
 * backend makes it its own when the rings start ("Zero value indicates
 * an uninitialized buffer"; "version ... It's 1 currently"; desc_num "is
 * equal to the virtqueue size"). */
static void test_get_inflight_fd(void **state)
{
	struct vuf_opts o = opts;
	struct backend b;
	struct vuf f;
	unsigned int i, pk;

	(void)state;
	assert_int_equal(backend_start(&b, 1), 0);
	for (pk = 0; pk < 2; pk++) {
		o.packed = pk;
		assert_int_equal(vuf_start(&f, b.path, &o), 0);
		assert_true(f.inflight_size >= 2 * (32 + 32 * (uint64_t)QSIZE));
		for (i = 0; i < 2; i++) {
			struct region_packed *p =
				(struct region_packed *)vuf_inflight_queue(&f, i);
			struct region_split *s = (struct region_split *)p;

			assert_int_equal(s->version, 1);
			assert_int_equal(s->desc_num, QSIZE);
			assert_int_equal(s->features, 0);
			if (pk) {	/* every entry free, in one list */
				assert_int_equal(p->free_head,
						 p->old_free_head);
				assert_true(p->free_head < QSIZE);
			}
		}
		echo_some(&f, 3);
		vuf_close(&f);
		assert_true(backend_idle(&b));
	}
	backend_stop(&b);
}

/* ---- bad descriptions: refused, the backend serves on ---- */

struct desc24 {
	uint64_t size, off;
	uint16_t nq, qsize;
	uint32_t pad;
};

/* SET_INFLIGHT_FD of @d with a file of @file_size bytes, before any ring
 * starts: refused (nacked), the connection dropped. */
static void bad_set(struct backend *b, struct desc24 d, off_t file_size)
{
	uint64_t pf = 1ULL << VNET_VU_PROTOCOL_F_INFLIGHT_SHMFD |
		      1ULL << VNET_VU_PROTOCOL_F_REPLY_ACK;
	struct vuf f;
	int fd;

	fd = memfd_create("bad-inflight", MFD_CLOEXEC);
	assert_int_equal(ftruncate(fd, file_size), 0);
	assert_int_equal(vuf_connect(&f, b->path), 0);
	assert_int_equal(vuf_send_msg(&f, VNET_VU_SET_PROTOCOL_FEATURES, 0,
				      &pf, 8, NULL, 0), 0);
	f.protocol = pf;
	assert_int_equal(vuf_set(&f, VNET_VU_SET_INFLIGHT_FD, &d, sizeof(d),
				 &fd, 1), -EREMOTEIO);
	assert_dropped(&f);
	close(fd);
	vuf_close(&f);
	assert_true(backend_idle(b));
}

static void test_bad_descriptions(void **state)
{
	const off_t big = 2 * (32 + 32 * QSIZE);
	struct desc24 ok = { big, 0, 2, QSIZE, 0 }, d;
	struct vuf_opts o = opts;
	struct backend b;
	uint64_t before;
	struct vuf f;

	(void)state;
	assert_int_equal(backend_start(&b, 1), 0);
	before = vnet_vu_get_stats(b.e.vu)->bad_inflight;
	d = ok, d.nq = 0;			/* no queues */
	bad_set(&b, d, big);
	d = ok, d.nq = 40;			/* more than any backend has */
	bad_set(&b, d, big);
	d = ok, d.qsize = 0;			/* queues of size 0 */
	bad_set(&b, d, big);
	d = ok, d.off = ~0ULL - 7;		/* offset + size wraps */
	bad_set(&b, d, big);
	d = ok, d.off = 4096;			/* past the end of the file */
	bad_set(&b, d, big);
	d = ok, d.off = 4;			/* queue regions misaligned */
	bad_set(&b, d, big + 4);
	d = ok, d.size = 2 * 16;		/* too small for 64 entries */
	bad_set(&b, d, big);
	assert_int_equal(vnet_vu_get_stats(b.e.vu)->bad_inflight, before + 7);
	/* a region swapped under running rings */
	o.proto_extra = 1ULL << VNET_VU_PROTOCOL_F_REPLY_ACK;
	assert_int_equal(vuf_start(&f, b.path, &o), 0);
	assert_int_equal(vuf_inflight_set(&f), -EREMOTEIO);
	assert_dropped(&f);
	vuf_close(&f);
	assert_true(backend_idle(&b));
	/* GET_INFLIGHT_FD of nothing: no region, not fatal */
	assert_int_equal(vuf_connect(&f, b.path), 0);
	{
		struct desc24 z = { 0, 0, 0, QSIZE, 0 };
		uint64_t pf = 1ULL << VNET_VU_PROTOCOL_F_INFLIGHT_SHMFD;
		int fd;

		assert_int_equal(vuf_send_msg(&f, VNET_VU_SET_PROTOCOL_FEATURES,
					      0, &pf, 8, NULL, 0), 0);
		assert_int_equal(vuf_send_msg(&f, VNET_VU_GET_INFLIGHT_FD, 0,
					      &z, sizeof(z), NULL, 0), 0);
		assert_int_equal(vuf_recv_msg_fd(&f, NULL, &z, sizeof(z), &fd),
				 (int)sizeof(z));
		assert_int_equal(fd, -1);
		assert_int_equal(z.size, 0);
		assert_true(vuf_alive(&f));
	}
	vuf_close(&f);
	assert_serving_with(&b, &opts);
	backend_stop(&b);
}

/* ---- corrupt regions: refused when the ring starts ---- */

/*
 * A region left in flight (HELD buffers) by a backend on a connection that
 * is gone; @corrupt spoils a copy of it; the reconnect must fail at the
 * transmit queue's start (its kick nacked, the connection dropped), the
 * backend serving on. Last, the intact region resubmits as it should.
 */
typedef void (*corrupt_fn)(uint8_t *region, bool packed);

static void corrupt_all(bool packed, const corrupt_fn *fns, unsigned int n)
{
	struct vuf_opts o = opts;
	struct backend b;
	uint8_t *saved;
	uint64_t before;
	unsigned int i;
	struct vuf f;

	o.packed = packed;
	o.proto_extra = 1ULL << VNET_VU_PROTOCOL_F_REPLY_ACK;
	assert_int_equal(backend_start(&b, 1), 0);
	atomic_store(&b.e.hold, HELD);
	assert_int_equal(vuf_start(&f, b.path, &o), 0);
	take_and_hold(&f, &b.e);
	close(f.sock);
	f.sock = -1;
	assert_true(backend_idle(&b));
	saved = malloc(f.inflight_size);
	assert_non_null(saved);
	memcpy(saved, f.inflight, f.inflight_size);
	for (i = 0; i < n; i++) {
		before = vnet_vu_get_stats(b.e.vu)->bad_inflight;
		memcpy(f.inflight, saved, f.inflight_size);
		fns[i](vuf_inflight_queue(&f, 1), packed);
		assert_int_not_equal(vuf_reconnect(&f, b.path), 0);
		assert_dropped(&f);
		assert_true(backend_idle(&b));
		assert_int_equal(vnet_vu_get_stats(b.e.vu)->bad_inflight,
				 before + 1);
		assert_true(vuf_wait_err(&f, 1, 1000));	/* queue broken */
	}
	memcpy(f.inflight, saved, f.inflight_size);
	free(saved);
	assert_int_equal(vuf_reconnect(&f, b.path), 0);
	resubmitted_once(&f);
	vuf_close(&f);
	assert_serving_with(&b, &opts);
	backend_stop(&b);
}

/* Both layouts: "version of this region. It's 1 currently." */
static void bad_version(uint8_t *r, bool packed)
{
	(void)packed;
	((struct region_split *)r)->version = 2;
}

/* "The size of DescStateSplit array. It's equal to the virtqueue size." */
static void bad_desc_num(uint8_t *r, bool packed)
{
	(void)packed;
	((struct region_split *)r)->desc_num = QSIZE * 2;
}

/* "The feature flags of this region. Now it's initialized to 0." */
static void bad_features(uint8_t *r, bool packed)
{
	(void)packed;
	((struct region_split *)r)->features = 1;
}

static struct desc_packed *packed_head(uint8_t *r);

/* An inflight flag is 0 or 1 (packed: a stale one in the free list is
 * cleared, "Set the inflight field of each DescStatePacked entry in free
 * list to 0", so the head's). */
static void bad_flag(uint8_t *r, bool packed)
{
	if (packed)
		packed_head(r)->inflight = 7;
	else
		((struct region_split *)r)->desc[QSIZE - 1].inflight = 7;
}

/* Two buffers fetched with one counter ("Increase global counter by 1"). */
static void split_dup_counter(uint8_t *r, bool packed)
{
	struct region_split *s = (struct region_split *)r;
	unsigned int i, first = QSIZE;

	(void)packed;
	for (i = 0; i < QSIZE; i++) {
		if (!s->desc[i].inflight)
			continue;
		if (first == QSIZE)
			first = i;
		else
			s->desc[i].counter = s->desc[first].counter;
	}
}

/* "Subtract the value of used_idx from the idx value of used ring to get
 * last batch size": a batch larger than the queue. */
static void split_batch_too_big(uint8_t *r, bool packed)
{
	(void)packed;
	((struct region_split *)r)->used_idx -= QSIZE + 1;
}

/* "the last batch list which starts from last_batch_head": outside the
 * table. */
static void split_batch_head_out(uint8_t *r, bool packed)
{
	struct region_split *s = (struct region_split *)r;

	(void)packed;
	s->used_idx -= 2;
	s->last_batch_head = QSIZE + 3;
}

/* More in flight than the driver ever made available. */
static void split_too_many(uint8_t *r, bool packed)
{
	struct region_split *s = (struct region_split *)r;
	unsigned int i;

	(void)packed;
	for (i = 0; i < QSIZE; i++) {
		s->desc[i].inflight = 1;
		s->desc[i].counter = 1000 + i;
	}
}

/* The first in-flight head entry of a packed region. */
static struct desc_packed *packed_head(uint8_t *r)
{
	struct region_packed *p = (struct region_packed *)r;
	unsigned int i;

	for (i = 0; i < QSIZE; i++)
		if (p->desc[i].inflight)
			return &p->desc[i];
	fail();
	return NULL;
}

/* "The head of free DescStatePacked entry list": past the table. */
static void packed_free_head_out(uint8_t *r, bool packed)
{
	struct region_packed *p = (struct region_packed *)r;

	(void)packed;
	p->free_head = p->old_free_head = QSIZE + 1;
}

/* "The length of descriptor list": 0, and longer than the queue. */
static void packed_num_zero(uint8_t *r, bool packed)
{
	(void)packed;
	packed_head(r)->num = 0;
}

static void packed_num_huge(uint8_t *r, bool packed)
{
	(void)packed;
	packed_head(r)->num = QSIZE + 1;
}

/* "Link to the last entry of descriptor list": not the list's last. */
static void packed_bad_last(uint8_t *r, bool packed)
{
	(void)packed;
	packed_head(r)->last = QSIZE + 9;
}

/* The free list loops back on itself. */
static void packed_free_loop(uint8_t *r, bool packed)
{
	struct region_packed *p = (struct region_packed *)r;

	(void)packed;
	p->desc[p->free_head].next = p->free_head;
}

/* Two in-flight lists sharing an entry: a second head whose list is the
 * first one's. */
static void packed_shared(uint8_t *r, bool packed)
{
	struct region_packed *p = (struct region_packed *)r;
	struct desc_packed *h = packed_head(r);
	uint16_t e = p->free_head;

	(void)packed;
	p->free_head = p->old_free_head = p->desc[e].next;
	p->desc[e] = *h;
	p->desc[e].counter += 1000;
	p->desc[e].next = (uint16_t)(h - p->desc);
	p->desc[e].num = 2;
	p->desc[e].flags |= 1;	/* NEXT */
}

/* A buffer ID beyond the queue in the list's last entry. */
static void packed_bad_id(uint8_t *r, bool packed)
{
	struct region_packed *p = (struct region_packed *)r;

	(void)packed;
	p->desc[packed_head(r)->last].id = QSIZE;
}

static void test_corrupt_split(void **state)
{
	static const corrupt_fn fns[] = { bad_version, bad_desc_num,
		bad_features, bad_flag, split_dup_counter, split_batch_too_big,
		split_batch_head_out, split_too_many };

	(void)state;
	corrupt_all(false, fns, sizeof(fns) / sizeof(fns[0]));
}

static void test_corrupt_packed(void **state)
{
	static const corrupt_fn fns[] = { bad_version, bad_desc_num,
		bad_features, bad_flag, packed_free_head_out, packed_num_zero,
		packed_num_huge, packed_bad_last, packed_free_loop,
		packed_shared, packed_bad_id };

	(void)state;
	corrupt_all(true, fns, sizeof(fns) / sizeof(fns[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* the forking tests first: no backend thread runs yet */
		cmocka_unit_test(test_killed_backend_split),
		cmocka_unit_test(test_killed_backend_packed),
		cmocka_unit_test(test_killed_backend_indirect),
		cmocka_unit_test(test_new_connection_split),
		cmocka_unit_test(test_new_connection_packed),
		cmocka_unit_test(test_get_inflight_fd),
		cmocka_unit_test(test_bad_descriptions),
		cmocka_unit_test(test_corrupt_split),
		cmocka_unit_test(test_corrupt_packed),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
