/* SPDX-License-Identifier: MIT */
/* rss_bench.h - the GFNI half of the RSS benchmark, built with its own flags */
#ifndef VNET_RSS_BENCH_H
#define VNET_RSS_BENCH_H

#include <stddef.h>
#include <stdint.h>

#define RSS_BENCH_BULK	32	/* tuples per rte_thash_gfni_bulk() call */

/**
 * rss_bench_gfni_usable() - were DPDK's GFNI functions built, and does the
 * CPU have what they need
 *
 * Return: non-zero if yes
 */
int rss_bench_gfni_usable(void);

/**
 * rss_bench_gfni_matrix() - rte_thash_complete_matrix()
 * @m:		key_len * 8 bytes of matrices
 * @key:	key
 * @key_len:	its length
 */
void rss_bench_gfni_matrix(uint64_t *m, const uint8_t *key, int key_len);

/**
 * rss_bench_gfni_loop() - rte_thash_gfni() over @n tuples
 * @m:		matrices
 * @tuples:	first tuple, network order
 * @stride:	bytes from one tuple to the next
 * @n:		tuples
 * @len:	bytes hashed per tuple
 * @out:	per-tuple hashes, or NULL
 *
 * Return: XOR of the hashes
 */
uint32_t rss_bench_gfni_loop(const uint64_t *m, const uint8_t *tuples,
			     size_t stride, size_t n, int len, uint32_t *out);

/**
 * rss_bench_gfni_bulk_loop() - rte_thash_gfni_bulk() over @n tuples
 * @m:		matrices
 * @tuples:	first tuple
 * @stride:	bytes from one tuple to the next
 * @n:		tuples, a multiple of RSS_BENCH_BULK
 * @len:	bytes hashed per tuple
 * @out:	per-tuple hashes, or NULL
 *
 * Return: XOR of the hashes
 */
uint32_t rss_bench_gfni_bulk_loop(const uint64_t *m, const uint8_t *tuples,
				  size_t stride, size_t n, int len,
				  uint32_t *out);

#endif /* VNET_RSS_BENCH_H */
