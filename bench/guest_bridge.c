// SPDX-License-Identifier: MIT
/* guest_bridge.c - a guest that bridges two vnetd devices, offloads and all, without copying */

/*
 * The TCP benchmark's loop (bench/vnetd_bench.sh, issue 8):
 *
 *	netns A: tap A <-> vnetd A <-> guest_bridge <-> vnetd B <-> tap B: netns B
 *
 * One program is the frontend (the guest's driver) of both devices. Both
 * get the same guest memory: one memfd, one region, the same addresses.
 * So a frame device A wrote into receive buffers of that memory is sent on
 * device B's transmit queue as it lies: a descriptor chain naming the very
 * buffers, virtio-net header first. Nothing is copied and nothing is
 * looked at but the header's num_buffers (set to 0 for transmit): a TSO
 * super-frame with NEEDS_CSUM that tap A handed vnetd A leaves vnetd B as
 * the same super-frame, written to tap B in one piece. When device B has
 * sent it, the buffers go back to device A's receive queue. Both ways.
 *
 * Features: VERSION_1 and MRG_RXBUF (receive buffers of --buf bytes, a
 * 64 KiB super-frame spans several; its transmit chain has one descriptor
 * per buffer), plus, unless --no-offloads, every checksum and TSO/USO
 * offload both devices offer, the same set on both: what one device's
 * receive side may produce, the other's transmit side takes.
 *
 *	guest_bridge SOCK_A SOCK_B [--no-offloads] [--buf BYTES]
 *		[--qsize N] [--busy-poll] [--stats FILE]
 *
 * Runs until SIGTERM or SIGINT; then writes its counters (key value
 * lines) to FILE or stdout. Split rings, no event index: each device
 * signals every used batch; the bridge kicks unless the device said
 * VRING_USED_F_NO_NOTIFY.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vnet/features.h"
#include "vnet/vhost_user.h"
#include "vu_front.h"

#define QSIZE_MAX	1024
#define CHAIN_MAX	64		/* vnetd's limit for one transmit frame */
#define RING_STRIDE	0x10000ULL	/* a split ring of 1024 fits in 27 KiB */
#define POOL_GPA	(4 * RING_STRIDE)
#define HDR_LEN		12		/* VERSION_1: num_buffers at 10 */
#define HDR_F_NEEDS_CSUM 1
#define USED_F_NO_NOTIFY 1
#define DESC_F_NEXT	1
#define DESC_F_WRITE	2

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct used_elem {
	uint32_t id;
	uint32_t len;
};

/* The driver's side of one split ring, pointers into the shared memory. */
struct ring {
	uint16_t size;
	uint64_t gpa;			/* descriptor table; avail, used follow */
	struct desc *desc;
	uint16_t *avail;		/* flags, idx, ring[] */
	volatile uint16_t *used;	/* flags, idx, then used_elem[] */
	uint16_t avail_idx;		/* published */
	uint16_t added;			/* written, not yet published */
	uint16_t last_used;
	int kick, call, err;
};

/*
 * One device. Its receive buffers are its pool: buffer i is descriptor i
 * of the receive ring, for good. On the other device's transmit ring,
 * descriptor d carries buffer tx_buf[d] of this pool.
 */
struct side {
	const char *name;
	struct vuf f;
	struct ring rx, tx;
	uint64_t pool_gpa;
	uint16_t tx_free[QSIZE_MAX];	/* free descriptors of @tx */
	unsigned int ntx_free;
	uint16_t tx_buf[QSIZE_MAX];	/* @tx descriptor -> buffer of the peer */
	uint16_t got[CHAIN_MAX];	/* buffers of the frame being gathered */
	uint32_t got_len[CHAIN_MAX];
	unsigned int ngot, want;
	bool rx_kick, tx_kick;
	/* counters of frames received by this device's guest side */
	uint64_t frames, bytes, gso, csum, bufs, bad;
	unsigned int max_bufs;
};

struct bridge {
	int memfd;
	uint8_t *mem;
	size_t mem_size;
	uint16_t qsize;
	uint32_t buf;
	bool offloads, busy;
	const char *stats;
	struct side s[2];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void *gpa_ptr(struct bridge *b, uint64_t gpa)
{
	return b->mem + gpa;
}

/* Rings at @gpa: descriptors (16-byte aligned), avail, used (4-aligned). */
static void ring_init(struct bridge *b, struct ring *r, uint64_t gpa)
{
	uint64_t avail = gpa + 16ULL * b->qsize;
	uint64_t used = (avail + 6 + 2ULL * b->qsize + 3) & ~3ULL;

	memset(r, 0, sizeof(*r));
	r->size = b->qsize;
	r->gpa = gpa;
	r->desc = gpa_ptr(b, gpa);
	r->avail = gpa_ptr(b, avail);
	r->used = gpa_ptr(b, used);
	r->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	r->call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	r->err = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

static uint64_t ring_avail_gpa(const struct ring *r)
{
	return r->gpa + 16ULL * r->size;
}

static uint64_t ring_used_gpa(const struct ring *r)
{
	return (ring_avail_gpa(r) + 6 + 2ULL * r->size + 3) & ~3ULL;
}

static void ring_add(struct ring *r, uint16_t head)
{
	r->avail[2 + (uint16_t)(r->avail_idx + r->added++) % r->size] = head;
}

/* Publish what was added; Return: whether the device wants a kick. */
static bool ring_publish(struct ring *r)
{
	if (!r->added)
		return false;
	r->avail_idx = (uint16_t)(r->avail_idx + r->added);
	r->added = 0;
	atomic_store_explicit((_Atomic uint16_t *)&r->avail[1], r->avail_idx,
			      memory_order_release);
	atomic_thread_fence(memory_order_seq_cst);
	return !(r->used[0] & USED_F_NO_NOTIFY);
}

/* The next used element; Return: false when there is none. */
static bool ring_used(struct ring *r, uint32_t *id, uint32_t *len)
{
	const struct used_elem *u;

	if (r->last_used == atomic_load_explicit((_Atomic uint16_t *)&r->used[1],
						 memory_order_acquire))
		return false;
	u = (const struct used_elem *)(r->used + 2) + r->last_used % r->size;
	*id = u->id;
	*len = u->len;
	r->last_used++;
	return true;
}

static void kick(const struct ring *r)
{
	uint64_t one = 1;

	if (write(r->kick, &one, sizeof(one)) != sizeof(one))
		perror("guest_bridge: kick");
}

/* One vring to the device, as a VMM sets it up. */
static int vring_setup(struct bridge *b, struct side *s, unsigned int idx,
		       struct ring *r)
{
	struct { uint32_t index, num; } st = { idx, r->size };
	struct { uint32_t index, flags; uint64_t desc, used, avail, log; }
		__attribute__((packed)) a = { idx, 0,
		(uint64_t)(uintptr_t)gpa_ptr(b, r->gpa),
		(uint64_t)(uintptr_t)gpa_ptr(b, ring_used_gpa(r)),
		(uint64_t)(uintptr_t)gpa_ptr(b, ring_avail_gpa(r)), 0 };
	uint64_t u = idx;
	int ret;

	ret = vuf_set(&s->f, VNET_VU_SET_VRING_NUM, &st, sizeof(st), NULL, 0);
	st.num = 0;
	if (!ret)
		ret = vuf_set(&s->f, VNET_VU_SET_VRING_BASE, &st, sizeof(st),
			      NULL, 0);
	if (!ret)
		ret = vuf_set(&s->f, VNET_VU_SET_VRING_ADDR, &a, sizeof(a),
			      NULL, 0);
	if (!ret)
		ret = vuf_set(&s->f, VNET_VU_SET_VRING_CALL, &u, 8, &r->call, 1);
	if (!ret)
		ret = vuf_set(&s->f, VNET_VU_SET_VRING_ERR, &u, 8, &r->err, 1);
	if (!ret)
		ret = vuf_set(&s->f, VNET_VU_SET_VRING_KICK, &u, 8, &r->kick, 1);
	st.num = 1;
	if (!ret)
		ret = vuf_set(&s->f, VNET_VU_SET_VRING_ENABLE, &st, sizeof(st),
			      NULL, 0);
	return ret;
}

/* The offloads asked for: checksums, TSO, ECN, USO, both directions. */
static uint64_t offload_bits(void)
{
	static const unsigned int bits[] = {
		VNET_F_CSUM, VNET_F_GUEST_CSUM, VNET_F_HOST_TSO4,
		VNET_F_HOST_TSO6, VNET_F_GUEST_TSO4, VNET_F_GUEST_TSO6,
		VNET_F_HOST_ECN, VNET_F_GUEST_ECN, VNET_F_HOST_USO,
		VNET_F_GUEST_USO4, VNET_F_GUEST_USO6,
	};
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		v |= 1ULL << bits[i];
	return v;
}

/* GET_FEATURES and protocol features of one device; Return: 0 or -errno. */
static int side_hello(struct side *s, const char *path, uint64_t *dev)
{
	const uint64_t want_proto = 1ULL << VNET_VU_PROTOCOL_F_REPLY_ACK;
	uint64_t proto;
	int ret = vuf_connect(&s->f, path);

	if (!ret)
		ret = vuf_send_msg(&s->f, VNET_VU_SET_OWNER, 0, NULL, 0, NULL, 0);
	if (!ret)
		ret = vuf_get_u64(&s->f, VNET_VU_GET_FEATURES, dev);
	if (!ret && !(*dev & (1ULL << VNET_VU_F_PROTOCOL_FEATURES)))
		ret = -EPROTO;
	if (!ret)
		ret = vuf_get_u64(&s->f, VNET_VU_GET_PROTOCOL_FEATURES, &proto);
	if (ret)
		return ret;
	proto &= want_proto;
	ret = vuf_send_msg(&s->f, VNET_VU_SET_PROTOCOL_FEATURES, 0, &proto, 8,
			   NULL, 0);
	s->f.protocol = proto;
	return ret;
}

/* Features, the one memory region, the two rings; buffers posted. */
static int side_start(struct bridge *b, struct side *s, uint64_t features)
{
	struct {
		uint32_t n, pad;
		uint64_t gpa, size, uva, off;
	} __attribute__((packed)) t = { 1, 0, 0, b->mem_size,
					(uint64_t)(uintptr_t)b->mem, 0 };
	unsigned int i;
	int ret;

	ret = vuf_set(&s->f, VNET_VU_SET_FEATURES, &features, 8, NULL, 0);
	if (!ret)
		ret = vuf_set(&s->f, VNET_VU_SET_MEM_TABLE, &t, sizeof(t),
			      &b->memfd, 1);
	for (i = 0; i < b->qsize; i++) {
		s->rx.desc[i] = (struct desc){ s->pool_gpa + (uint64_t)i * b->buf,
					       b->buf, DESC_F_WRITE, 0 };
		ring_add(&s->rx, (uint16_t)i);
		s->tx_free[i] = (uint16_t)i;
	}
	s->ntx_free = b->qsize;
	ring_publish(&s->rx);
	if (!ret)
		ret = vring_setup(b, s, 0, &s->rx);
	if (!ret)
		ret = vring_setup(b, s, 1, &s->tx);
	if (!ret)
		kick(&s->rx);
	return ret;
}

/* Header fields of a received frame, counted. */
static void count_frame(struct side *s, const uint8_t *hdr, uint64_t len)
{
	s->frames++;
	s->bytes += len - HDR_LEN;
	s->bufs += s->ngot;
	if (s->ngot > s->max_bufs)
		s->max_bufs = s->ngot;
	if (hdr[0] & HDR_F_NEEDS_CSUM)
		s->csum++;
	if (hdr[1])
		s->gso++;
}

/* The gathered buffers of @s, as one transmit chain on @t's queue. */
static void send_chain(struct bridge *b, struct side *s, struct side *t)
{
	uint8_t *hdr = gpa_ptr(b, s->pool_gpa + (uint64_t)s->got[0] * b->buf);
	uint64_t len = 0;
	uint16_t d[CHAIN_MAX];
	unsigned int i;

	for (i = 0; i < s->ngot; i++) {
		d[i] = t->tx_free[--t->ntx_free];
		len += s->got_len[i];
	}
	count_frame(s, hdr, len);
	hdr[10] = hdr[11] = 0;		/* num_buffers: receive only */
	for (i = 0; i < s->ngot; i++) {
		t->tx.desc[d[i]] = (struct desc){
			s->pool_gpa + (uint64_t)s->got[i] * b->buf,
			s->got_len[i], i + 1 < s->ngot ? DESC_F_NEXT : 0,
			i + 1 < s->ngot ? d[i + 1] : 0 };
		t->tx_buf[d[i]] = s->got[i];
	}
	ring_add(&t->tx, d[0]);
	s->ngot = 0;
}

/* A buffer of @s back on its receive queue. */
static void repost(struct side *s, uint16_t buf)
{
	ring_add(&s->rx, buf);
}

/* Frames @s received, onto @t's transmit queue. */
static bool forward(struct bridge *b, struct side *s, struct side *t)
{
	uint32_t id, len;
	bool moved = false;

	while (ring_used(&s->rx, &id, &len)) {
		moved = true;
		if (id >= b->qsize || len > b->buf ||
		    (!s->ngot && len < HDR_LEN)) {
			s->bad++;	/* a device bug: stop using the buffer */
			continue;
		}
		if (!s->ngot) {
			const uint8_t *h = gpa_ptr(b, s->pool_gpa +
						   (uint64_t)id * b->buf);

			s->want = (unsigned int)(h[10] | h[11] << 8);
			if (!s->want || s->want > CHAIN_MAX) {
				s->bad++;
				repost(s, (uint16_t)id);
				continue;
			}
		}
		s->got[s->ngot] = (uint16_t)id;
		s->got_len[s->ngot++] = len;
		if (s->ngot == s->want)
			send_chain(b, s, t);
	}
	t->tx_kick |= moved;
	return moved;
}

/* Chains @t has sent: their descriptors freed, buffers back to @s. */
static bool reclaim(struct bridge *b, struct side *t, struct side *s)
{
	uint32_t id, len;
	bool moved = false;

	while (ring_used(&t->tx, &id, &len)) {
		uint16_t d = (uint16_t)id;
		unsigned int n = 0;

		moved = true;
		if (id >= b->qsize) {
			t->bad++;
			continue;
		}
		for (;;) {
			repost(s, t->tx_buf[d]);
			t->tx_free[t->ntx_free++] = d;
			if (!(t->tx.desc[d].flags & DESC_F_NEXT) ||
			    ++n >= CHAIN_MAX)
				break;
			d = t->tx.desc[d].next;
		}
	}
	s->rx_kick |= moved;
	return moved;
}

static void flush(struct side *s)
{
	if (s->tx_kick && ring_publish(&s->tx))
		kick(&s->tx);
	if (s->rx_kick && ring_publish(&s->rx))
		kick(&s->rx);
	s->tx_kick = s->rx_kick = false;
}

static void drain(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		perror("guest_bridge: eventfd");
}

static void run(struct bridge *b)
{
	struct side *a = &b->s[0], *c = &b->s[1];
	struct pollfd p[4] = { { a->rx.call, POLLIN, 0 },
			       { a->tx.call, POLLIN, 0 },
			       { c->rx.call, POLLIN, 0 },
			       { c->tx.call, POLLIN, 0 } };
	unsigned int i;
	bool moved;

	while (!stop) {
		for (i = 0; i < 4; i++)
			drain(p[i].fd);
		moved = reclaim(b, c, a) | reclaim(b, a, c);
		moved |= forward(b, a, c) | forward(b, c, a);
		flush(a);
		flush(c);
		if (moved || b->busy)
			continue;
		if (poll(p, 4, 200) < 0 && errno != EINTR)
			break;
	}
}

static void write_stats(const struct bridge *b)
{
	FILE *out = b->stats ? fopen(b->stats, "w") : stdout;
	unsigned int i;

	if (!out) {
		perror(b->stats);
		return;
	}
	for (i = 0; i < 2; i++) {
		const struct side *s = &b->s[i];

		fprintf(out, "%s_frames %llu\n%s_bytes %llu\n%s_gso %llu\n"
			"%s_needs_csum %llu\n%s_buffers %llu\n%s_max_buffers %u\n"
			"%s_bad %llu\n", s->name, (unsigned long long)s->frames,
			s->name, (unsigned long long)s->bytes, s->name,
			(unsigned long long)s->gso, s->name,
			(unsigned long long)s->csum, s->name,
			(unsigned long long)s->bufs, s->name, s->max_bufs,
			s->name, (unsigned long long)s->bad);
	}
	if (out != stdout)
		fclose(out);
	else
		fflush(out);
}

/* The memfd: four rings, then the two pools. */
static int guest_memory(struct bridge *b)
{
	size_t pool = (size_t)b->qsize * b->buf;

	b->mem_size = POOL_GPA + 2 * pool;
	b->memfd = memfd_create("guest-bridge", MFD_CLOEXEC);
	if (b->memfd < 0 || ftruncate(b->memfd, (off_t)b->mem_size) < 0)
		return -errno;
	b->mem = mmap(NULL, b->mem_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      b->memfd, 0);
	if (b->mem == MAP_FAILED)
		return -errno;
	b->s[0].pool_gpa = POOL_GPA;
	b->s[1].pool_gpa = POOL_GPA + pool;
	ring_init(b, &b->s[0].rx, 0);
	ring_init(b, &b->s[0].tx, RING_STRIDE);
	ring_init(b, &b->s[1].rx, 2 * RING_STRIDE);
	ring_init(b, &b->s[1].tx, 3 * RING_STRIDE);
	return 0;
}

static int start(struct bridge *b, const char *pa, const char *pb)
{
	uint64_t fa, fb, want = 1ULL << VNET_F_VERSION_1 |
		1ULL << VNET_F_MRG_RXBUF;
	int ret = guest_memory(b);

	if (!ret)
		ret = side_hello(&b->s[0], pa, &fa);
	if (!ret)
		ret = side_hello(&b->s[1], pb, &fb);
	if (ret)
		return ret;
	if ((fa & fb & want) != want)
		return -ENOTSUP;
	if (b->offloads)
		want |= fa & fb & offload_bits();
	want |= 1ULL << VNET_VU_F_PROTOCOL_FEATURES;
	fprintf(stderr, "guest_bridge: features 0x%llx\n",
		(unsigned long long)want);
	ret = side_start(b, &b->s[0], want);
	return ret ? ret : side_start(b, &b->s[1], want);
}

static int usage(void)
{
	fprintf(stderr, "usage: guest_bridge SOCK_A SOCK_B [--no-offloads] "
		"[--buf BYTES] [--qsize N] [--busy-poll] [--stats FILE]\n");
	return 2;
}

static int parse(struct bridge *b, int argc, char **argv)
{
	int i;

	b->qsize = 256;
	b->buf = 4096;
	b->offloads = true;
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--no-offloads"))
			b->offloads = false;
		else if (!strcmp(argv[i], "--busy-poll"))
			b->busy = true;
		else if (!strcmp(argv[i], "--buf") && i + 1 < argc)
			b->buf = (uint32_t)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--qsize") && i + 1 < argc)
			b->qsize = (uint16_t)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--stats") && i + 1 < argc)
			b->stats = argv[++i];
		else
			return -EINVAL;
	}
	/* a 64 KiB frame must fit in CHAIN_MAX buffers */
	if (b->qsize < 64 || b->qsize > QSIZE_MAX ||
	    (b->qsize & (b->qsize - 1)) || b->buf < 1024 ||
	    (uint64_t)b->buf * CHAIN_MAX < 65536 + 64)
		return -EINVAL;
	return 0;
}

int main(int argc, char **argv)
{
	static struct bridge b;
	int ret;

	if (argc < 3 || parse(&b, argc, argv))
		return usage();
	b.s[0].name = "a_to_b";
	b.s[1].name = "b_to_a";
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	ret = start(&b, argv[1], argv[2]);
	if (ret) {
		fprintf(stderr, "guest_bridge: start: %s\n", strerror(-ret));
		return 1;
	}
	run(&b);
	write_stats(&b);
	vuf_close(&b.s[0].f);
	vuf_close(&b.s[1].f);
	return 0;
}
