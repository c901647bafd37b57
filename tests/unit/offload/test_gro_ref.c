// SPDX-License-Identifier: MIT
/* test_gro_ref.c - coalescing by reference: chains over the caller's frames */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rx_frames.h"

/*
 * The caller's frames live in a pool of slots. A slot fed by reference is
 * the engine's until release() hands it back; release() fills it with a
 * poison pattern at once, so a super-frame that still points at a slot
 * it released carries the poison and differs from the copy mode's.
 */
#define POOL		256
#define SLOT		8192
#define PIECE2		4096	/* a frame's second piece starts here */

enum slot_state { SLOT_FREE = 0, SLOT_CALLER, SLOT_ENGINE };

struct pool {
	uint8_t b[POOL][SLOT];
	enum slot_state st[POOL];
	struct iovec iov[POOL][2];
	unsigned long taken;
	unsigned long released;
	bool emitting;		/* an emit is running: no release now */
};

static struct pool pool;
static struct rf_seg m;
static struct rf_out out_copy, out_ref, out_lane;

static void pool_release(void *opaque, void *ref)
{
	struct pool *p = opaque;
	size_t i = (size_t)((uint8_t(*)[SLOT])ref - p->b);

	assert_true(i < POOL);
	assert_int_equal(p->st[i], SLOT_ENGINE);	/* once, and only taken */
	assert_false(p->emitting);
	memset(p->b[i], 0xa5, SLOT);
	p->st[i] = SLOT_FREE;
	p->released++;
}

/* A free slot, or the test fails (the engine holds too much). */
static unsigned int pool_get(struct pool *p)
{
	unsigned int i;

	for (i = 0; i < POOL; i++)
		if (p->st[i] == SLOT_FREE) {
			p->st[i] = SLOT_CALLER;
			return i;
		}
	fail_msg("every slot held");
	return 0;
}

/* The frame @g in slot @i, in one piece or two cut at @cut (the second
 * piece elsewhere in the slot); @pkt made over it. */
static void pool_put(struct pool *p, unsigned int i, const struct rf_seg *g,
		     size_t cut, struct vnet_pkt *pkt)
{
	struct iovec *v = p->iov[i];

	if (cut >= g->len || g->len - cut > SLOT - PIECE2 || cut > PIECE2) {
		memcpy(p->b[i], g->b, g->len);
		v[0].iov_base = p->b[i];
		v[0].iov_len = g->len;
		vnet_pkt_init(pkt, v, 1);
		return;
	}
	memcpy(p->b[i], g->b, cut);
	memcpy(p->b[i] + PIECE2, g->b + cut, g->len - cut);
	v[0].iov_base = p->b[i];
	v[0].iov_len = cut;
	v[1].iov_base = p->b[i] + PIECE2;
	v[1].iov_len = g->len - cut;
	vnet_pkt_init(pkt, v, 2);
}

/* An emit that refuses at random (a guest out of buffers) when asked,
 * from its own generator: two engines that emit alike are refused alike. */
struct sink {
	struct rf_out *o;
	uint32_t x;
	bool refuse;
	struct pool *p;
};

static int sink_emit(void *opaque, const struct vnet_rx_frame *f)
{
	struct sink *k = opaque;
	int r;

	if (k->refuse) {
		k->x = k->x * 1103515245u + 12345u;
		if ((k->x >> 8) % 100 < 25)
			return -EAGAIN;
	}
	if (k->p)
		k->p->emitting = true;
	r = rf_collect(k->o, f);
	if (k->p)
		k->p->emitting = false;
	return r;
}

static void init_ctx(struct vnet_gro_ctx *ctx, uint32_t flags, bool ref)
{
	struct vnet_gro_params p;

	vnet_gro_params_default(&p, flags);
	p.flows = 4;
	p.max_segs = 16;
	if (ref) {
		p.release = pool_release;
		p.release_opaque = &pool;
	}
	assert_int_equal(vnet_gro_init(ctx, &p), 0);
}

/* Collection @o is out_copy, frame for frame, byte for byte. */
static void same_as_copy(struct rf_out *o)
{
	unsigned int i;

	assert_int_equal(o->n, out_copy.n);
	for (i = 0; i < o->n; i++) {
		assert_int_equal(o->len[i], out_copy.len[i]);
		assert_memory_equal(o->b[i], out_copy.b[i], out_copy.len[i]);
		assert_memory_equal(&o->h[i], &out_copy.h[i],
				    sizeof(out_copy.h[i]));
		assert_int_equal(o->ok[i], out_copy.ok[i]);
		assert_int_equal(o->segs[i], out_copy.segs[i]);
		assert_int_equal(o->dup[i], out_copy.dup[i]);
	}
}

/* The reference engine's and the copying lane's collections are the
 * parsed path's. */
static void same_out(void)
{
	same_as_copy(&out_ref);
	same_as_copy(&out_lane);
	rf_out_reset(&out_ref);
	rf_out_reset(&out_lane);
	rf_out_reset(&out_copy);
}

/* The @k-th kind (0-based) among those set in @kinds, cyclically. */
static unsigned int kind_of(unsigned int kinds, unsigned int k)
{
	unsigned int n = (unsigned int)__builtin_popcount(kinds), i;

	k %= n;
	for (i = 0; i < 5; i++)
		if ((kinds & (1u << i)) && !k--)
			return i;
	return 0;
}

/* One random frame of kind @kind into m; returns its header's flags. */
static uint8_t make_frame(unsigned int kind, uint32_t *off, uint32_t *x)
{
	struct tf_spec s = { .tcp_flags = 0x10 };
	unsigned int k;

	s.v6 = kind == 1;
	s.vlan = kind == 2;
	s.tcp_opt = kind == 2 ? 12 : 0;
	s.udp = kind == 3;
	s.tunnel = kind == 4;
	*x = *x * 1103515245u + 12345u;
	s.payload = (*x >> 8) % 8 ? 1000 : (*x >> 12) % 1200;
	if ((*x >> 8) % 8 == 0 && (*x >> 20) % 2)
		s.payload = 0;	/* a pure ACK: RSC counts or absorbs it */
	rf_make(&m, &s, 1000 + off[kind], 77, 0x10,
		s.payload ? 502 : (uint16_t)(502 + (*x >> 22) % 2),
		(uint16_t)(off[kind] / 1000 + 1));
	rf_stream(&m, off[kind], &s);
	rf_fix_csum(&m, &s);
	off[kind] += (uint32_t)s.payload;
	*x = *x * 1103515245u + 12345u;
	switch ((*x >> 8) % 16) {
	case 0:				/* a header byte changed */
		m.b[(*x >> 12) % m.lay.pay] ^= (uint8_t)(1u << (*x >> 29));
		if ((*x >> 28) & 1)
			rf_fix_csum(&m, &s);
		break;
	case 1:				/* a payload byte: checksum fails */
		k = (unsigned int)(m.len - m.lay.pay);
		if (k)
			m.b[m.lay.pay + (*x >> 12) % k]++;
		break;
	case 2:				/* cut short, or a trailer */
		m.len = (*x >> 12) % 2 ? (*x >> 13) % (m.len + 1) :
					m.len + (*x >> 13) % 8;
		break;
	case 3:				/* PSH, FIN, CWR, URG... */
		if (!s.udp && !s.tunnel) {
			m.b[m.lay.l4 + 13] |= (uint8_t)(1u << ((*x >> 12) % 8));
			rf_fix_csum(&m, &s);
		}
		break;
	case 4:				/* a segment lost */
		off[kind] += 1000;
		break;
	case 5:				/* UDP: no checksum (IPv4 allows) */
		if (s.udp && m.len >= m.lay.l4 + 8) {
			m.b[m.lay.l4 + 6] = 0;
			m.b[m.lay.l4 + 7] = 0;
		}
		break;
	default:
		break;
	}
	*x = *x * 1103515245u + 12345u;
	return (*x >> 8) % 3 ? VNET_HDR_F_DATA_VALID : 0;
}

/* Feed @pkt to the reference engine until it takes it (the daemon's way
 * with a refusal: flush what is held, feed again). */
static int feed_ref(struct vnet_gro_ctx *ctx, const struct vnet_pkt *pkt,
		    const struct vnet_hdr *h, unsigned int slot, uint64_t now,
		    struct sink *k)
{
	unsigned int tries = 0;
	int r;

	for (;;) {
		r = vnet_gro_receive_ref(ctx, pkt, h, pool.b[slot], now,
					 sink_emit, k);
		if (r != -EAGAIN)
			return r;
		assert_int_equal(pool.st[slot], SLOT_ENGINE);	/* not released */
		while (vnet_gro_flush(ctx, now, VNET_GRO_FLUSH_ALL, sink_emit,
				      k) == -EAGAIN)
			assert_true(++tries < 10000);
	}
}

static int feed_copy(struct vnet_gro_ctx *ctx, const struct vnet_pkt *pkt,
		     const struct vnet_hdr *h, uint64_t now, struct sink *k)
{
	unsigned int tries = 0;
	int r;

	for (;;) {
		r = vnet_gro_receive_hdr(ctx, pkt, h, now, sink_emit, k);
		if (r != -EAGAIN)
			return r;
		while (vnet_gro_flush(ctx, now, VNET_GRO_FLUSH_ALL, sink_emit,
				      k) == -EAGAIN)
			assert_true(++tries < 10000);
	}
}

/*
 * Reference mode coalesces exactly as copy mode does, and the fast lane
 * as the parsed path: a random stream of TCP/IPv4, TCP/IPv6, VLAN with
 * TCP options, UDP and VXLAN-TCP frames (@kinds: which), some vouched
 * for (DATA_VALID), some UDP without a checksum, with headers changed, payloads corrupted, frames cut
 * short or padded, flags set and segments lost, some in two pieces, fed
 * to a reference engine and a copying one (Linux rules with the fast
 * lane, RSC rules, or the parsed path) and a copying one on the parsed
 * path, with emits refused at random or not: the same frames out, byte
 * for byte, the same headers and counters, except that reference mode
 * copied no payload byte. Every frame it took is released
 * once, none while an emit runs, none before the last super-frame that
 * carries it (the poison would show), and none it refused.
 */
static void run_equal(uint32_t flags, bool refuse, unsigned int kinds)
{
	static struct vnet_gro_ctx cp, rf, cl;
	struct sink kc = { &out_copy, 777, refuse, NULL };
	struct sink kr = { &out_ref, 777, refuse, &pool };
	struct sink kl = { &out_lane, 777, refuse, NULL };
	uint32_t x = 4242 + flags + kinds, off[5] = { 0 };
	unsigned int c, i, slot;

	memset(&pool, 0, sizeof(pool));
	init_ctx(&cp, flags | VNET_GRO_F_SLOW, false);	/* the full path */
	init_ctx(&rf, flags, true);
	init_ctx(&cl, flags, false);
	for (c = 0; c < 20000; c++) {
		struct vnet_hdr h = { 0 };
		struct vnet_pkt pc, pr;
		struct iovec v[2];
		size_t cut;
		int a, b;

		h.flags = make_frame(kind_of(kinds, c / 3), off, &x);
		x = x * 1103515245u + 12345u;
		cut = (x >> 8) % 4 ? SIZE_MAX : (x >> 12) % (m.len + 1);
		slot = pool_get(&pool);
		pool_put(&pool, slot, &m, cut, &pr);
		v[0].iov_base = m.b;
		v[0].iov_len = cut < m.len ? cut : m.len;
		v[1].iov_base = m.b + v[0].iov_len;
		v[1].iov_len = m.len - v[0].iov_len;
		vnet_pkt_init(&pc, v, 2);
		a = feed_copy(&cp, &pc, &h, c * 1000ull, &kc);
		assert_int_equal(feed_copy(&cl, &pc, &h, c * 1000ull, &kl), a);
		pool.taken++;
		pool.st[slot] = SLOT_ENGINE;
		b = feed_ref(&rf, &pr, &h, slot, c * 1000ull, &kr);
		assert_int_equal(a, b);
		if (c % 89 == 0) {
			while (vnet_gro_flush(&cp, 0, VNET_GRO_FLUSH_ALL,
					      sink_emit, &kc) == -EAGAIN)
				;
			while (vnet_gro_flush(&rf, 0, VNET_GRO_FLUSH_ALL,
					      sink_emit, &kr) == -EAGAIN)
				;
			while (vnet_gro_flush(&cl, 0, VNET_GRO_FLUSH_ALL,
					      sink_emit, &kl) == -EAGAIN)
				;
		}
		same_out();
		for (i = 0; i < VNET_GRO_S_MAX; i++) {
			assert_int_equal(cl.stats[i], cp.stats[i]);
			if (i != VNET_GRO_S_COPIED)
				assert_int_equal(rf.stats[i], cp.stats[i]);
		}
		assert_int_equal(rf.stats[VNET_GRO_S_COPIED], 0);
	}
	assert_true(cp.stats[VNET_GRO_S_COPIED] > 1000000);
	if (flags & VNET_GRO_F_RSC)	/* pure ACKs folded in, released */
		assert_true(rf.stats[VNET_GRO_S_DUP_ACK] +
			    rf.stats[VNET_GRO_S_WIN_UPDATE] > 50);
	assert_true(rf.stats[VNET_GRO_S_MERGED] > 1000);
	vnet_gro_fini(&rf);
	vnet_gro_fini(&cp);
	vnet_gro_fini(&cl);
	/* fini released what was held: every frame taken came back once */
	assert_int_equal(pool.released, pool.taken);
	for (i = 0; i < POOL; i++)
		assert_int_equal(pool.st[i], SLOT_FREE);
}

static void test_ref_equals_copy(void **state)
{
	(void)state;
	run_equal(VNET_GRO_F_ALL, false, 0x1f);
}

static void test_ref_equals_copy_refused(void **state)
{
	(void)state;
	run_equal(VNET_GRO_F_ALL, true, 0x1f);
}

/* UDP (USO) streams alone: the lane's UDP rules against the parsed path. */
static void test_lane_udp_equals_parsed(void **state)
{
	(void)state;
	run_equal(VNET_GRO_F_ALL, false, 1u << 3);
}

/* VXLAN-TCP streams alone: the lane's tunnel rules against the parsed
 * path. */
static void test_lane_vxlan_equals_parsed(void **state)
{
	(void)state;
	run_equal(VNET_GRO_F_ALL, true, 1u << 4);
}

static void test_ref_equals_copy_rsc(void **state)
{
	(void)state;
	run_equal(VNET_GRO_F_ALL | VNET_GRO_F_RSC, true, 0x1f);
}

static void test_ref_equals_copy_slow(void **state)
{
	(void)state;
	run_equal(VNET_GRO_F_ALL | VNET_GRO_F_SLOW, false, 0x1f);
}

/* What the emit of test_ref_chain saw. */
struct chain_seen {
	unsigned int n;
	unsigned int iovcnt;
	const void *base[8];
	size_t len[8];
	unsigned long released_before;
};

static int chain_emit(void *opaque, const struct vnet_rx_frame *f)
{
	struct chain_seen *c = opaque;
	unsigned int i;

	c->n++;
	c->iovcnt = f->pkt.iovcnt;
	for (i = 0; i < f->pkt.iovcnt && i < 8; i++) {
		c->base[i] = f->pkt.iov[i].iov_base;
		c->len[i] = f->pkt.iov[i].iov_len;
	}
	c->released_before = pool.released;
	return 0;
}

/*
 * Four vouched MSS segments of one flow: one super-frame whose chain is
 * the headers and then each segment's payload where the caller put it,
 * not a byte of payload copied; the four frames are released after that
 * emit, not before.
 */
static void test_ref_chain(void **state)
{
	static struct vnet_gro_ctx ctx;
	const struct vnet_hdr dv = { .flags = VNET_HDR_F_DATA_VALID };
	const struct tf_spec s = { .tcp_flags = 0x10, .payload = 1000 };
	struct chain_seen seen = { 0 };
	unsigned int i, slot[4];

	(void)state;
	memset(&pool, 0, sizeof(pool));
	init_ctx(&ctx, VNET_GRO_F_ALL, true);
	for (i = 0; i < 4; i++) {
		struct vnet_pkt pkt;

		rf_make(&m, &s, 1000 + i * 1000, 77, 0x10, 502,
			(uint16_t)(5 + i));
		rf_stream(&m, i * 1000, &s);
		rf_fix_csum(&m, &s);
		slot[i] = pool_get(&pool);
		pool_put(&pool, slot[i], &m, SIZE_MAX, &pkt);
		pool.st[slot[i]] = SLOT_ENGINE;
		pool.taken++;
		assert_int_equal(vnet_gro_receive_ref(&ctx, &pkt, &dv,
						      pool.b[slot[i]], 0,
						      chain_emit, &seen), 0);
	}
	assert_int_equal(pool.released, 0);		/* all held */
	assert_int_equal(vnet_gro_flush(&ctx, 0, VNET_GRO_FLUSH_ALL,
					chain_emit, &seen), 1);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.iovcnt, 5);
	assert_int_equal(seen.len[0], m.lay.pay);	/* the headers */
	for (i = 0; i < 4; i++) {
		assert_ptr_equal(seen.base[i + 1], pool.b[slot[i]] + m.lay.pay);
		assert_int_equal(seen.len[i + 1], 1000);
	}
	assert_int_equal(seen.released_before, 0);	/* after the emit */
	assert_int_equal(pool.released, 4);
	assert_int_equal(ctx.stats[VNET_GRO_S_COPIED], 0);
	assert_int_equal(ctx.stats[VNET_GRO_S_MERGED], 3);
	vnet_gro_fini(&ctx);
}

/*
 * The modes do not mix: a copy-mode feed on a reference context, or a
 * reference feed on a copy context, is refused whole (-EINVAL) and takes
 * nothing; vnet_gro_fini() releases the frames still held.
 */
static void test_ref_modes(void **state)
{
	static struct vnet_gro_ctx rf, cp;
	const struct tf_spec s = { .tcp_flags = 0x10, .payload = 1000 };
	struct chain_seen seen = { 0 };
	struct vnet_pkt pkt;
	unsigned int slot;

	(void)state;
	memset(&pool, 0, sizeof(pool));
	init_ctx(&rf, VNET_GRO_F_ALL, true);
	init_ctx(&cp, VNET_GRO_F_ALL, false);
	rf_make(&m, &s, 1000, 77, 0x10, 502, 5);
	rf_stream(&m, 0, &s);
	rf_fix_csum(&m, &s);
	slot = pool_get(&pool);
	pool_put(&pool, slot, &m, SIZE_MAX, &pkt);
	assert_int_equal(vnet_gro_receive(&rf, &pkt, 0, chain_emit, &seen),
			 -EINVAL);
	assert_int_equal(vnet_gro_receive_ref(&cp, &pkt, NULL, pool.b[slot],
					      0, chain_emit, &seen), -EINVAL);
	assert_int_equal(rf.stats[VNET_GRO_S_IN] + cp.stats[VNET_GRO_S_IN], 0);
	pool.st[slot] = SLOT_ENGINE;
	assert_int_equal(vnet_gro_receive_ref(&rf, &pkt, NULL, pool.b[slot],
					      0, chain_emit, &seen), 0);
	assert_int_equal(rf.nheld, 1);
	assert_int_equal(pool.released, 0);
	vnet_gro_fini(&rf);
	assert_int_equal(pool.released, 1);
	assert_int_equal(pool.st[slot], SLOT_FREE);
	assert_int_equal(seen.n, 0);			/* dropped, not sent */
	vnet_gro_fini(&cp);
}

/*
 * A chain has room for its headers and two slices per segment: a frame
 * in more pieces than that is never held (it passes as it came) and one
 * that does not fit beside a held flow closes it; nothing is written past
 * the chain (the sanitizer build watches), every frame comes back once,
 * and the stream's bytes arrive whole and in order.
 */
static void test_ref_many_pieces(void **state)
{
	static struct vnet_gro_ctx ctx;
	struct vnet_gro_params p;
	const struct tf_spec sp = { .tcp_flags = 0x10, .payload = 1000 };
	static struct iovec v[4][12];
	struct chain_seen seen = { 0 };
	unsigned int i, k, pieces[4] = { 1, 12, 1, 12 };

	(void)state;
	vnet_gro_params_default(&p, VNET_GRO_F_ALL);
	p.flows = 1;			/* one chain: an overrun leaves it */
	p.max_segs = 2;			/* a chain of 1 + 2 * 2 entries */
	p.release = pool_release;
	p.release_opaque = &pool;
	assert_int_equal(vnet_gro_init(&ctx, &p), 0);
	for (i = 0; i < 4; i++) {
		unsigned int slot = pool_get(&pool);
		size_t at = 0, step;
		struct vnet_pkt pkt;

		rf_make(&m, &sp, 1000 + i * 1000, 77, 0x10, 502,
			(uint16_t)(5 + i));
		rf_stream(&m, i * 1000, &sp);
		rf_fix_csum(&m, &sp);
		memcpy(pool.b[slot], m.b, m.len);
		step = (m.len + pieces[i] - 1) / pieces[i];
		for (k = 0; k < pieces[i]; k++, at += step) {
			v[i][k].iov_base = pool.b[slot] + at;
			v[i][k].iov_len = at + step > m.len ? m.len - at : step;
		}
		vnet_pkt_init(&pkt, v[i], pieces[i]);
		pool.st[slot] = SLOT_ENGINE;
		pool.taken++;
		assert_true(vnet_gro_receive_ref(&ctx, &pkt, NULL,
						 pool.b[slot], 0, chain_emit,
						 &seen) >= 0);
		assert_true(ctx.nheld <= 1);
	}
	vnet_gro_flush(&ctx, 0, VNET_GRO_FLUSH_ALL, chain_emit, &seen);
	assert_int_equal(pool.released, 4);		/* all back, once */
	assert_int_equal(ctx.stats[VNET_GRO_S_MERGED], 0);
	assert_int_equal(ctx.stats[VNET_GRO_S_OUT], 4);	/* each as it came */
	vnet_gro_fini(&ctx);
}

/* A test that failed leaves its collections behind: start clean. */
static int clean(void **state)
{
	(void)state;
	rf_out_reset(&out_copy);
	rf_out_reset(&out_ref);
	rf_out_reset(&out_lane);
	memset(&pool, 0, sizeof(pool));
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ref_chain, clean),
		cmocka_unit_test_setup(test_ref_modes, clean),
		cmocka_unit_test_setup(test_ref_many_pieces, clean),
		cmocka_unit_test_setup(test_ref_equals_copy, clean),
		cmocka_unit_test_setup(test_ref_equals_copy_refused, clean),
		cmocka_unit_test_setup(test_ref_equals_copy_rsc, clean),
		cmocka_unit_test_setup(test_ref_equals_copy_slow, clean),
		cmocka_unit_test_setup(test_lane_udp_equals_parsed, clean),
		cmocka_unit_test_setup(test_lane_vxlan_equals_parsed, clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
