// SPDX-License-Identifier: MIT
/* rss_bench.c - Toeplitz hashes per second beside DPDK 22.11's, same tuples */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_thash.h>

#include "rss_bench.h"
#include "vnet/toeplitz.h"

/*
 * For IPv4/TCP (12-byte) and IPv6/TCP (36-byte) tuples, every round runs
 * each method over the same tuples back to back; a method's figure is the
 * median over rounds, and its ratio the median of its per-round ratios to
 * the fastest DPDK method of that round. Before timing, every method's
 * hash of every tuple is checked against vnet_toeplitz_ref().
 *
 *   rss_bench [rounds [tuples]]	defaults: 11 rounds, 4096 tuples
 *
 * DPDK gets its input the way it wants it: host-order words for
 * rte_softrss() (converted before timing), network order for GFNI; libvnet
 * gets network-order bytes, as a packet holds them.
 */

#define MAX_ROUNDS	101
#define STRIDE		48		/* bytes between tuples */
#define TARGET_NS	50000000.0	/* per measurement */

static const uint8_t ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/**
 * struct ctx - one family of tuples, in every form a method wants
 * @name:	"IPv4/TCP" or "IPv6/TCP"
 * @len:	bytes per tuple
 * @n:		tuples
 * @net:	network-order bytes, STRIDE apart
 * @words:	host-order 32-bit words, STRIDE / 4 apart (rte_softrss)
 * @key_be:	rte_convert_rss_key() of the key (rte_softrss_be)
 * @mtrx:	rte_thash_complete_matrix() of the key (GFNI)
 * @tz:		libvnet's expanded key, dispatched path
 * @tz_table:	the same, forced to the table path
 */
struct ctx {
	const char *name;
	size_t len;
	size_t n;
	uint8_t *net;
	uint32_t *words;
	uint32_t key_be[10];
	uint64_t mtrx[40];
	struct vnet_toeplitz *tz;
	struct vnet_toeplitz *tz_table;
};

/**
 * struct method - one row of the table
 * @name:	label
 * @dpdk:	a DPDK method (the ratio's denominator is the fastest of them)
 * @run:	hash every tuple once; per-tuple hashes into @out if not NULL
 * @rate:	hashes per second, per round
 * @ratio:	@rate over the fastest DPDK rate of the round
 */
struct method {
	const char *name;
	int dpdk;
	uint32_t (*run)(const struct ctx *c, uint32_t *out);
	double rate[MAX_ROUNDS];
	double ratio[MAX_ROUNDS];
};

static volatile uint32_t sink;

static uint32_t run_vnet(const struct ctx *c, uint32_t *out)
{
	uint32_t acc = 0, h;
	size_t i;

	for (i = 0; i < c->n; i++) {
		h = vnet_toeplitz_hash(c->tz, c->net + i * STRIDE, c->len);
		if (out)
			out[i] = h;
		acc ^= h;
	}
	return acc;
}

static uint32_t run_vnet_bulk(const struct ctx *c, uint32_t *out)
{
	const uint8_t *ptr[RSS_BENCH_BULK];
	uint32_t val[RSS_BENCH_BULK], acc = 0;
	size_t i, j;

	for (i = 0; i + RSS_BENCH_BULK <= c->n; i += RSS_BENCH_BULK) {
		for (j = 0; j < RSS_BENCH_BULK; j++)
			ptr[j] = c->net + (i + j) * STRIDE;
		vnet_toeplitz_hash_bulk(c->tz, ptr, c->len, val, RSS_BENCH_BULK);
		for (j = 0; j < RSS_BENCH_BULK; j++) {
			if (out)
				out[i + j] = val[j];
			acc ^= val[j];
		}
	}
	return acc;
}

static uint32_t run_vnet_table(const struct ctx *c, uint32_t *out)
{
	uint32_t acc = 0, h;
	size_t i;

	for (i = 0; i < c->n; i++) {
		h = vnet_toeplitz_hash(c->tz_table, c->net + i * STRIDE, c->len);
		if (out)
			out[i] = h;
		acc ^= h;
	}
	return acc;
}

static uint32_t run_softrss(const struct ctx *c, uint32_t *out)
{
	uint32_t acc = 0, h;
	size_t i;

	for (i = 0; i < c->n; i++) {
		h = rte_softrss(c->words + i * (STRIDE / 4),
				(uint32_t)(c->len / 4), ms_key);
		if (out)
			out[i] = h;
		acc ^= h;
	}
	return acc;
}

static uint32_t run_softrss_be(const struct ctx *c, uint32_t *out)
{
	uint32_t acc = 0, h;
	size_t i;

	for (i = 0; i < c->n; i++) {
		h = rte_softrss_be(c->words + i * (STRIDE / 4),
				   (uint32_t)(c->len / 4),
				   (const uint8_t *)c->key_be);
		if (out)
			out[i] = h;
		acc ^= h;
	}
	return acc;
}

static uint32_t run_gfni(const struct ctx *c, uint32_t *out)
{
	return rss_bench_gfni_loop(c->mtrx, c->net, STRIDE, c->n, (int)c->len,
				   out);
}

static uint32_t run_gfni_bulk(const struct ctx *c, uint32_t *out)
{
	return rss_bench_gfni_bulk_loop(c->mtrx, c->net, STRIDE, c->n,
					(int)c->len, out);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int ctx_init(struct ctx *c, const char *name, size_t len, size_t n)
{
	uint64_t seed = 0x2545f4914f6cdd1dULL ^ len;
	size_t i, j;

	c->name = name;
	c->len = len;
	c->n = n;
	c->net = aligned_alloc(64, n * STRIDE);
	c->words = aligned_alloc(64, n * STRIDE);
	c->tz = aligned_alloc(64, (sizeof(*c->tz) + 63) / 64 * 64);
	c->tz_table = aligned_alloc(64, (sizeof(*c->tz) + 63) / 64 * 64);
	if (!c->net || !c->words || !c->tz || !c->tz_table)
		return -1;
	for (i = 0; i < n * STRIDE; i++)
		c->net[i] = (uint8_t)xorshift(&seed);
	for (i = 0; i < n; i++)
		for (j = 0; j < STRIDE / 4; j++) {
			const uint8_t *p = c->net + i * STRIDE + 4 * j;

			c->words[i * (STRIDE / 4) + j] =
				(uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
				(uint32_t)p[2] << 8 | p[3];
		}
	rte_convert_rss_key((const uint32_t *)ms_key, c->key_be, 40);
	rss_bench_gfni_matrix(c->mtrx, ms_key, 40);
	vnet_toeplitz_init(c->tz, ms_key, 40);
	vnet_toeplitz_init(c->tz_table, ms_key, 40);
	c->tz_table->path = VNET_TOEPLITZ_PATH_TABLE;
	return 0;
}

/* Every method against the bitwise definition, tuple by tuple. */
static int verify(const struct ctx *c, const struct method *m, size_t nm)
{
	uint32_t *out = calloc(c->n, sizeof(*out));
	size_t i, k;
	int bad = 0;

	if (!out)
		return -1;
	for (k = 0; k < nm; k++) {
		memset(out, 0, c->n * sizeof(*out));
		m[k].run(c, out);
		for (i = 0; i < c->n && !bad; i++)
			if (out[i] != vnet_toeplitz_ref(ms_key, 40,
							c->net + i * STRIDE,
							c->len)) {
				fprintf(stderr, "%s %s: tuple %zu wrong\n",
					c->name, m[k].name, i);
				bad = 1;
			}
	}
	free(out);
	return bad ? -1 : 0;
}

/* Passes of @m that last about TARGET_NS. */
static unsigned long calibrate(const struct ctx *c, const struct method *m)
{
	unsigned long reps = 1;
	double t;

	for (;;) {
		unsigned long r;

		t = now_ns();
		for (r = 0; r < reps; r++)
			sink ^= m->run(c, NULL);
		t = now_ns() - t;
		if (t > TARGET_NS / 8 || reps > (1ul << 30))
			break;
		reps *= 2;
	}
	return (unsigned long)((double)reps * TARGET_NS / (t > 1 ? t : 1)) + 1;
}

static double measure(const struct ctx *c, const struct method *m,
		      unsigned long reps)
{
	unsigned long r;
	double t = now_ns();

	for (r = 0; r < reps; r++)
		sink ^= m->run(c, NULL);
	t = now_ns() - t;
	return (double)c->n * (double)reps / (t / 1e9);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, int n, double *lo, double *hi)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, (size_t)n * sizeof(*s));
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	*lo = s[0];
	*hi = s[n - 1];
	return s[n / 2];
}

static void report(const struct ctx *c, const struct method *m, size_t nm,
		   int rounds)
{
	size_t k;

	printf("\n%s, %zu-byte input, %zu tuples:\n\n", c->name, c->len, c->n);
	printf("| method                  | Mhash/s (med) | min     | max     "
	       "| ns/hash | x fastest DPDK |\n");
	printf("|-------------------------|---------------|---------|---------"
	       "|---------|----------------|\n");
	for (k = 0; k < nm; k++) {
		double lo, hi, med = median(m[k].rate, rounds, &lo, &hi);
		double rlo, rhi, ratio = median(m[k].ratio, rounds, &rlo, &rhi);

		printf("| %-23s | %13.1f | %7.1f | %7.1f | %7.2f | %14.2f |\n",
		       m[k].name, med / 1e6, lo / 1e6, hi / 1e6, 1e9 / med,
		       ratio);
	}
}

static int bench(struct ctx *c, int rounds)
{
	struct method m[] = {
		{ "vnet_toeplitz_hash", 0, run_vnet, { 0 }, { 0 } },
		{ "vnet_toeplitz_hash_bulk", 0, run_vnet_bulk, { 0 }, { 0 } },
		{ "vnet, table path", 0, run_vnet_table, { 0 }, { 0 } },
		{ "rte_softrss", 1, run_softrss, { 0 }, { 0 } },
		{ "rte_softrss_be", 1, run_softrss_be, { 0 }, { 0 } },
		{ "rte_thash_gfni", 1, run_gfni, { 0 }, { 0 } },
		{ "rte_thash_gfni_bulk", 1, run_gfni_bulk, { 0 }, { 0 } },
	};
	size_t nm = rss_bench_gfni_usable() ? 7 : 5, k;
	unsigned long reps[7];
	int r;

	if (verify(c, m, nm))
		return -1;
	for (k = 0; k < nm; k++)
		reps[k] = calibrate(c, &m[k]);
	for (r = 0; r < rounds; r++) {
		double best = 0;

		for (k = 0; k < nm; k++) {
			m[k].rate[r] = measure(c, &m[k], reps[k]);
			if (m[k].dpdk && m[k].rate[r] > best)
				best = m[k].rate[r];
		}
		for (k = 0; k < nm; k++)
			m[k].ratio[r] = m[k].rate[r] / best;
	}
	report(c, m, nm, rounds);
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 11;
	size_t n = argc > 2 ? (size_t)atol(argv[2]) : 4096;
	struct ctx v4, v6;

	if (rounds < 1 || rounds > MAX_ROUNDS || n < RSS_BENCH_BULK ||
	    n % RSS_BENCH_BULK) {
		fprintf(stderr, "usage: rss_bench [rounds (1..%d) [tuples "
			"(a multiple of %d)]]\n", MAX_ROUNDS, RSS_BENCH_BULK);
		return 2;
	}
	if (ctx_init(&v4, "IPv4/TCP", 12, n) || ctx_init(&v6, "IPv6/TCP", 36, n)) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	printf("libvnet path: %s; DPDK GFNI: %s; %d rounds\n",
	       v4.tz->path == VNET_TOEPLITZ_PATH_CLMUL ? "clmul" : "table",
	       rss_bench_gfni_usable() ? "yes" : "no", rounds);
	if (bench(&v4, rounds) || bench(&v6, rounds))
		return 1;
	return 0;
}
