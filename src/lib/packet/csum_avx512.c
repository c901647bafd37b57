// SPDX-License-Identifier: MIT
/* csum_avx512.c - AVX-512 checksum path: 256 bytes a round, masked ends */

#include <stdint.h>

#include "vnet/csum.h"
#include "csum_priv.h"

#if defined(__AVX512F__) && defined(__AVX512BW__)
#include <immintrin.h>

/**
 * struct avx512_acc - eight 64-bit lane sums of quadwords, without carries
 * @all:	sum of the quadwords, wrapping modulo 2^64
 * @hi:		sum of their upper 32 bits, exact
 *
 * As in the AVX2 path: the lower halves sum to @all - (@hi << 32), and lower
 * plus upper sums is the quadwords' sum modulo 0xffff.
 */
struct avx512_acc {
	__m512i all;
	__m512i hi;
};

static inline void avx512_acc_add(struct avx512_acc *a, __m512i v)
{
	a->all = _mm512_add_epi64(a->all, v);
	a->hi = _mm512_add_epi64(a->hi, _mm512_srli_epi64(v, 32));
}

static inline __m512i avx512_acc_value(const struct avx512_acc *a)
{
	__m512i lo = _mm512_sub_epi64(a->all, _mm512_slli_epi64(a->hi, 32));

	return _mm512_add_epi64(lo, a->hi);
}

static inline __m512i avx512_load(const uint8_t *p)
{
	return _mm512_loadu_si512((const void *)p);
}

/*
 * The last @len (< 64) bytes: a masked load reads only those and zeroes the
 * rest, which pads an odd last byte exactly as the convention wants.
 */
static inline __m512i avx512_load_tail(const uint8_t *p, size_t len)
{
	__mmask64 m = ((__mmask64)1 << len) - 1;

	return _mm512_maskz_loadu_epi8(m, (const void *)p);
}

/**
 * avx512_chunk() - sum of a run of bytes
 * @p:		bytes
 * @len:	at most CSUM_CHUNK
 *
 * Return: the sum, exact (each of the 32 lane values stays below 2^57)
 */
static uint64_t avx512_chunk(const uint8_t *p, size_t len)
{
	const __m512i zero = _mm512_setzero_si512();
	struct avx512_acc a = { zero, zero }, b = a, c = a, d = a;
	__m512i t;

	for (; len >= 256; p += 256, len -= 256) {
		avx512_acc_add(&a, avx512_load(p));
		avx512_acc_add(&b, avx512_load(p + 64));
		avx512_acc_add(&c, avx512_load(p + 128));
		avx512_acc_add(&d, avx512_load(p + 192));
	}
	for (; len >= 64; p += 64, len -= 64)
		avx512_acc_add(&a, avx512_load(p));
	if (len)
		avx512_acc_add(&b, avx512_load_tail(p, len));

	t = _mm512_add_epi64(_mm512_add_epi64(avx512_acc_value(&a),
					      avx512_acc_value(&b)),
			     _mm512_add_epi64(avx512_acc_value(&c),
					      avx512_acc_value(&d)));
	return (uint64_t)_mm512_reduce_add_epi64(t);
}

/* Sum of @len bytes in chunks; each chunk is even, so none is swapped. */
static uint64_t avx512_sum(const uint8_t *p, size_t len)
{
	uint64_t s = 0;
	size_t n;

	while (len) {
		n = len < CSUM_CHUNK ? len : CSUM_CHUNK;
		s = csum_add64(s, avx512_chunk(p, n));
		p += n;
		len -= n;
	}
	return s;
}

/*
 * Unaligned 64-byte loads straddle two cache lines each, which costs about
 * 40% in cache; so the bytes up to the first 64-byte boundary go first, in
 * one masked load, and the rest is loaded aligned, swapped if that head was
 * odd in length.
 */
uint32_t vnet_csum_partial_avx512(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	size_t head = (size_t)(-(uintptr_t)p & 63);
	uint32_t h, rest;

	if (head > len)
		head = len;
	h = csum_fold64(avx512_chunk(p, head));
	rest = csum_fold64(avx512_sum(p + head, len - head));
	return vnet_csum_block_add(vnet_csum_add(sum, h), rest, head);
}

#else /* built without the flags: the scalar path under this name */

uint32_t vnet_csum_partial_avx512(const void *buf, size_t len, uint32_t sum)
{
	return vnet_csum_partial_scalar(buf, len, sum);
}

#endif
