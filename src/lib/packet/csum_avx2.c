// SPDX-License-Identifier: MIT
/* csum_avx2.c - the checksum's AVX2 path: 128 bytes a round, no carries */

#include <stdint.h>

#include "vnet/csum.h"
#include "csum_priv.h"

#ifdef __AVX2__
#include <immintrin.h>

/**
 * struct avx2_acc - four 64-bit lane sums of quadwords, without carries
 * @all:	sum of the quadwords, wrapping modulo 2^64
 * @hi:		sum of their upper 32 bits, exact
 *
 * The sum of the lower halves is then @all - (@hi << 32), exact as long as
 * it stays below 2^64; lower plus upper sums is the quadwords' sum modulo
 * 2^32 - 1, hence modulo 0xffff. One shift and two adds per vector.
 */
struct avx2_acc {
	__m256i all;
	__m256i hi;
};

static inline void avx2_acc_add(struct avx2_acc *a, __m256i v)
{
	a->all = _mm256_add_epi64(a->all, v);
	a->hi = _mm256_add_epi64(a->hi, _mm256_srli_epi64(v, 32));
}

static inline __m256i avx2_acc_value(const struct avx2_acc *a)
{
	__m256i lo = _mm256_sub_epi64(a->all, _mm256_slli_epi64(a->hi, 32));

	return _mm256_add_epi64(lo, a->hi);
}

static inline __m256i avx2_load(const uint8_t *p)
{
	return _mm256_loadu_si256((const __m256i *)(const void *)p);
}

/**
 * avx2_chunk() - sum of whole 32-byte vectors
 * @p:		bytes
 * @len:	a multiple of 32, at most CSUM_CHUNK
 *
 * Return: the sum, exact (each of the 16 lane values stays below 2^58)
 */
static uint64_t avx2_chunk(const uint8_t *p, size_t len)
{
	const __m256i zero = _mm256_setzero_si256();
	struct avx2_acc a = { zero, zero }, b = a, c = a, d = a;
	uint64_t lane[2];
	__m256i t;
	__m128i h;

	for (; len >= 128; p += 128, len -= 128) {
		avx2_acc_add(&a, avx2_load(p));
		avx2_acc_add(&b, avx2_load(p + 32));
		avx2_acc_add(&c, avx2_load(p + 64));
		avx2_acc_add(&d, avx2_load(p + 96));
	}
	for (; len >= 32; p += 32, len -= 32)
		avx2_acc_add(&a, avx2_load(p));

	t = _mm256_add_epi64(_mm256_add_epi64(avx2_acc_value(&a),
					      avx2_acc_value(&b)),
			     _mm256_add_epi64(avx2_acc_value(&c),
					      avx2_acc_value(&d)));
	h = _mm_add_epi64(_mm256_castsi256_si128(t),
			  _mm256_extracti128_si256(t, 1));
	_mm_storeu_si128((__m128i *)(void *)lane, h);
	return lane[0] + lane[1];
}

/* Whole vectors of @len bytes in chunks, none swapped; @len % 32 left. */
static uint64_t avx2_sum(const uint8_t *p, size_t len)
{
	uint64_t s = 0;
	size_t n;

	while (len >= 32) {
		n = len < CSUM_CHUNK ? len & ~(size_t)31 : CSUM_CHUNK;
		s = csum_add64(s, avx2_chunk(p, n));
		p += n;
		len -= n;
	}
	return s;
}

/*
 * Bytes up to the first 32-byte boundary go to the scalar path, so that no
 * vector load straddles two cache lines; the rest is swapped if that head
 * was odd in length. The last bytes, short of a vector, go there too.
 */
uint32_t vnet_csum_partial_avx2(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	size_t head = (size_t)(-(uintptr_t)p & 31), body, tail;
	uint32_t h, rest;

	if (head > len)
		head = len;
	body = (len - head) & ~(size_t)31;
	tail = len - head - body;
	h = vnet_csum_partial_scalar(p, head, sum);
	rest = csum_fold64(avx2_sum(p + head, body));
	rest = vnet_csum_partial_scalar(p + head + body, tail, rest);
	return vnet_csum_block_add(h, rest, head);
}

#else /* !__AVX2__: built without the flag, the scalar path under this name */

uint32_t vnet_csum_partial_avx2(const void *buf, size_t len, uint32_t sum)
{
	return vnet_csum_partial_scalar(buf, len, sum);
}

#endif
