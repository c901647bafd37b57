// SPDX-License-Identifier: MIT
/* rss_bench_gfni.c - DPDK's GFNI Toeplitz loops, built with the ISA it needs */

#include <stddef.h>
#include <stdint.h>

#include <rte_thash.h>

#include "rss_bench.h"

/*
 * rte_thash_gfni() is an inline function that exists only when the file is
 * compiled for GFNI and AVX-512; the benchmark calls these loops only after
 * rss_bench_gfni_usable() said yes, so the rest of it stays portable.
 */

/*
 * Not rte_thash_gfni_supported(): Debian builds librte_hash for a baseline
 * CPU, so it always says no, and it also wants EAL's SIMD width setting.
 * The inline functions need GFNI, AVX512F/BW/DQ/VL and VBMI (vpermb).
 */
int rss_bench_gfni_usable(void)
{
#ifdef RTE_THASH_GFNI_DEFINED
	__builtin_cpu_init();
	return __builtin_cpu_supports("gfni") &&
	       __builtin_cpu_supports("avx512f") &&
	       __builtin_cpu_supports("avx512bw") &&
	       __builtin_cpu_supports("avx512dq") &&
	       __builtin_cpu_supports("avx512vl") &&
	       __builtin_cpu_supports("avx512vbmi");
#else
	return 0;
#endif
}

void rss_bench_gfni_matrix(uint64_t *m, const uint8_t *key, int key_len)
{
	rte_thash_complete_matrix(m, key, key_len);
}

uint32_t rss_bench_gfni_loop(const uint64_t *m, const uint8_t *tuples,
			     size_t stride, size_t n, int len, uint32_t *out)
{
	uint32_t acc = 0;
#ifdef RTE_THASH_GFNI_DEFINED
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t h = rte_thash_gfni(m, tuples + i * stride, len);

		if (out)
			out[i] = h;
		acc ^= h;
	}
#else
	(void)m, (void)tuples, (void)stride, (void)n, (void)len, (void)out;
#endif
	return acc;
}

uint32_t rss_bench_gfni_bulk_loop(const uint64_t *m, const uint8_t *tuples,
				  size_t stride, size_t n, int len,
				  uint32_t *out)
{
	uint32_t acc = 0;
#ifdef RTE_THASH_GFNI_DEFINED
	uint8_t *ptr[RSS_BENCH_BULK];
	uint32_t val[RSS_BENCH_BULK];
	size_t i, j;

	for (i = 0; i + RSS_BENCH_BULK <= n; i += RSS_BENCH_BULK) {
		for (j = 0; j < RSS_BENCH_BULK; j++)
			ptr[j] = (uint8_t *)(uintptr_t)(tuples + (i + j) * stride);
		rte_thash_gfni_bulk(m, len, ptr, val, RSS_BENCH_BULK);
		for (j = 0; j < RSS_BENCH_BULK; j++) {
			if (out)
				out[i + j] = val[j];
			acc ^= val[j];
		}
	}
#else
	(void)m, (void)tuples, (void)stride, (void)n, (void)len, (void)out;
#endif
	return acc;
}
