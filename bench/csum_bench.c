// SPDX-License-Identifier: MIT
/* csum_bench.c - checksum throughput beside memcpy, in cache and out of it */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "vnet/csum.h"

/*
 * For each buffer size, every round times memcpy of the buffer and then each
 * checksum path over the same bytes, back to back, so that a noisy neighbour
 * hits both alike; the figures are medians over the rounds, and a path's
 * ratio is the median of its per-round ratios to memcpy.
 *
 *   csum_bench [rounds [big_mib]]	defaults: 11 rounds, 256 MiB
 */

#define MAX_ROWS	9
#define MAX_ROUNDS	101
#define SMALL_LEN	(64 << 10)
#define TARGET_NS	100000000.0	/* per measurement */

/**
 * struct row - one line of the table
 * @name:	label
 * @fn:		checksum path, or NULL for memcpy
 * @skew:	bytes past the 64-byte-aligned start
 * @rate:	bytes per second, per round
 * @ratio:	@rate over memcpy's in the same round
 */
struct row {
	const char *name;
	uint32_t (*fn)(const void *buf, size_t len, uint32_t sum);
	size_t skew;
	double rate[MAX_ROUNDS];
	double ratio[MAX_ROUNDS];
};

static volatile uint32_t sink;
static void *(*volatile memcpy_fn)(void *, const void *, size_t) = memcpy;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/**
 * run_once() - @reps passes of one row over @len bytes
 * @r:		the row
 * @src:	64-byte-aligned source, @len + 64 bytes
 * @dst:	memcpy destination, @len bytes
 * @len:	bytes per pass
 * @reps:	passes
 *
 * Return: elapsed nanoseconds
 */
static double run_once(const struct row *r, const uint8_t *src, uint8_t *dst,
		       size_t len, unsigned long reps)
{
	double t0 = now_ns();
	unsigned long i;

	for (i = 0; i < reps; i++) {
		if (r->fn) {
			sink += r->fn(src + r->skew, len, 0);
		} else {
			memcpy_fn(dst, src, len);
			sink += dst[i % len];
		}
	}
	return now_ns() - t0;
}

/* Passes that make a memcpy measurement last about TARGET_NS. */
static unsigned long calibrate(const uint8_t *src, uint8_t *dst, size_t len)
{
	const struct row copy = { .name = "memcpy" };
	unsigned long reps = 1;
	double t;

	run_once(&copy, src, dst, len, 1);
	for (;;) {
		t = run_once(&copy, src, dst, len, reps);
		if (t >= TARGET_NS / 4 || reps > (1UL << 30))
			break;
		reps *= 2;
	}
	reps = (unsigned long)((double)reps * TARGET_NS / t);
	return reps ? reps : 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, unsigned int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* Adds a path's row at 64-byte alignment, and one starting a byte later. */
static unsigned int add_path(struct row *rows, unsigned int n,
			     const char *name, const char *name1,
			     uint32_t (*fn)(const void *, size_t, uint32_t))
{
	rows[n++] = (struct row){ .name = name, .fn = fn };
	rows[n++] = (struct row){ .name = name1, .fn = fn, .skew = 1 };
	return n;
}

/* Fills @rows with memcpy, then the paths this CPU runs. Return: count. */
static unsigned int make_rows(struct row *rows)
{
	unsigned int n = 0;

	rows[n++] = (struct row){ .name = "memcpy" };
	n = add_path(rows, n, "scalar", "scalar, start +1",
		     vnet_csum_partial_scalar);
	if (vnet_csum_has_avx2())
		n = add_path(rows, n, "avx2", "avx2, start +1",
			     vnet_csum_partial_avx2);
	if (vnet_csum_has_avx512())
		n = add_path(rows, n, "avx512", "avx512, start +1",
			     vnet_csum_partial_avx512);
	n = add_path(rows, n, "dispatched", "dispatched, start +1",
		     vnet_csum_partial);
	return n;
}

/* Times every row for @rounds rounds over buffers of @len bytes. */
static void measure(struct row *rows, unsigned int nrows, unsigned int rounds,
		    const uint8_t *src, uint8_t *dst, size_t len)
{
	unsigned long reps = calibrate(src, dst, len);
	unsigned int k, i;
	double bytes = (double)len * (double)reps;

	for (k = 0; k < rounds; k++) {
		for (i = 0; i < nrows; i++) {
			rows[i].rate[k] = bytes * 1e9 /
				run_once(&rows[i], src, dst, len, reps);
			rows[i].ratio[k] = rows[i].rate[k] / rows[0].rate[k];
		}
	}
}

static void report(const char *title, const struct row *rows,
		   unsigned int nrows, unsigned int rounds)
{
	unsigned int i;

	printf("\n%s\n", title);
	printf("| %-22s | %10s | %10s | %10s | %8s |\n", "path",
	       "GB/s (med)", "GB/s (min)", "GB/s (max)", "x memcpy");
	printf("|%s|%s|%s|%s|%s|\n", "------------------------",
	       "------------", "------------", "------------", "----------");
	for (i = 0; i < nrows; i++) {
		double lo = rows[i].rate[0], hi = rows[i].rate[0];
		unsigned int k;

		for (k = 1; k < rounds; k++) {
			lo = rows[i].rate[k] < lo ? rows[i].rate[k] : lo;
			hi = rows[i].rate[k] > hi ? rows[i].rate[k] : hi;
		}
		printf("| %-22s | %10.2f | %10.2f | %10.2f | %8.2f |\n",
		       rows[i].name, median(rows[i].rate, rounds) / 1e9,
		       lo / 1e9, hi / 1e9, median(rows[i].ratio, rounds));
	}
}

/* Page-aligned, pre-faulted, huge pages where the kernel allows. */
static uint8_t *alloc_buf(size_t len)
{
	size_t size = (len + 64 + 4095) & ~(size_t)4095;
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	madvise(p, size, MADV_HUGEPAGE);
	memset(p, 0x5a, size);
	return p;
}

static void fill(uint8_t *p, size_t len)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)x;
	}
}

static void bench_size(const char *title, size_t len, unsigned int rounds)
{
	struct row rows[MAX_ROWS];
	unsigned int nrows = make_rows(rows);
	uint8_t *src = alloc_buf(len), *dst = alloc_buf(len);

	fill(src, len + 64);
	measure(rows, nrows, rounds, src, dst, len);
	report(title, rows, nrows, rounds);
	munmap(src, (len + 64 + 4095) & ~(size_t)4095);
	munmap(dst, (len + 64 + 4095) & ~(size_t)4095);
}

static unsigned long arg(int argc, char **argv, int i, unsigned long def,
			 unsigned long max)
{
	char *end;
	unsigned long v;

	if (argc <= i)
		return def;
	errno = 0;
	v = strtoul(argv[i], &end, 10);
	if (errno || *end || !v || v > max) {
		fprintf(stderr, "usage: %s [rounds (1..%d) [big_mib]]\n",
			argv[0], MAX_ROUNDS);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned int rounds = (unsigned int)arg(argc, argv, 1, 11, MAX_ROUNDS);
	size_t big = (size_t)arg(argc, argv, 2, 256, 1UL << 16) << 20;
	char title[128];

	printf("vnet_csum_impl(): %s; %u rounds, medians; GB = 1e9 bytes\n",
	       vnet_csum_impl(), rounds);
	bench_size("64 KiB buffer (in cache)", SMALL_LEN, rounds);
	snprintf(title, sizeof(title), "%zu MiB buffer (out of cache)",
		 big >> 20);
	bench_size(title, big, rounds);
	printf("\n(sink %08x)\n", (unsigned int)sink);
	return 0;
}
