// SPDX-License-Identifier: MIT
/* csum_copy.c - the Internet checksum of bytes summed while they are copied */

#include <string.h>

#include "vnet/csum.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define CSUM_COPY_AVX512 __attribute__((target("avx512f,avx512bw")))

/**
 * csum_copy_avx512() - ones' complement sum of @len bytes, copied if asked
 * @dst:	destination, or NULL to sum only
 * @src:	bytes, any alignment
 * @len:	bytes, at least 1
 *
 * Loads only whole aligned 64-byte blocks, masked at both ends, so that no
 * load splits a cache line; stores go to the same offsets of @dst, masked
 * alike. Bytes pair into words by their address parity: from an odd start
 * every word is swapped, and so is the sum (RFC 1071 2(B)), which is
 * swapped back. Two accumulators, each the library's: the 64-bit lanes
 * added whole, their high halves apart, so no carry is lost. One
 * reduction: what a segment-sized piece cannot amortise.
 *
 * Return: the partial sum
 */
static inline __attribute__((always_inline)) CSUM_COPY_AVX512 uint32_t
csum_copy_avx512(uint8_t *dst, const uint8_t *src, size_t len)
{
	size_t head = (uintptr_t)src & 63, left = len + head;
	const uint8_t *p = src - head;
	/* Masked: nothing below dst is ever written. */
	uint8_t *d = dst ? (uint8_t *)((uintptr_t)dst - head) : NULL;
	__m512i a = _mm512_setzero_si512(), ah = a, b = a, bh = a, x, y;
	__mmask64 m = ~0ULL << head;
	uint64_t s;

	if (left < 64)
		m &= (1ULL << left) - 1;
	x = _mm512_maskz_loadu_epi8(m, p);
	if (d)
		_mm512_mask_storeu_epi8(d, m, x);
	a = _mm512_add_epi64(a, x);
	ah = _mm512_add_epi64(ah, _mm512_srli_epi64(x, 32));
	left = left > 64 ? left - 64 : 0;
	for (p += 64, d = d ? d + 64 : NULL; left >= 128; left -= 128) {
		x = _mm512_load_si512((const void *)p);
		y = _mm512_load_si512((const void *)(p + 64));
		if (d) {
			_mm512_storeu_si512((void *)d, x);
			_mm512_storeu_si512((void *)(d + 64), y);
			d += 128;
		}
		a = _mm512_add_epi64(a, x);
		ah = _mm512_add_epi64(ah, _mm512_srli_epi64(x, 32));
		b = _mm512_add_epi64(b, y);
		bh = _mm512_add_epi64(bh, _mm512_srli_epi64(y, 32));
		p += 128;
	}
	for (; left; left = left > 64 ? left - 64 : 0) {
		m = left >= 64 ? ~0ULL : (1ULL << left) - 1;
		x = _mm512_maskz_loadu_epi8(m, p);
		if (d) {
			_mm512_mask_storeu_epi8(d, m, x);
			d += 64;
		}
		b = _mm512_add_epi64(b, x);
		bh = _mm512_add_epi64(bh, _mm512_srli_epi64(x, 32));
		p += 64;
	}
	a = _mm512_add_epi64(_mm512_sub_epi64(a, _mm512_slli_epi64(ah, 32)), ah);
	b = _mm512_add_epi64(_mm512_sub_epi64(b, _mm512_slli_epi64(bh, 32)), bh);
	s = (uint64_t)_mm512_reduce_add_epi64(_mm512_add_epi64(a, b));
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	if ((uintptr_t)src & 1)
		s = ((s & 0xff) << 8) | (s >> 8);	/* paired the other way */
	return (uint32_t)s;
}
/**
 * csum_copy_avx512_sum() - csum_copy_avx512() summing only, compiled apart
 * @src:	bytes
 * @len:	bytes, at least 1
 *
 * Return: the partial sum
 */
static CSUM_COPY_AVX512 uint32_t csum_copy_avx512_sum(const uint8_t *src,
						      size_t len)
{
	return csum_copy_avx512(NULL, src, len);
}

/**
 * csum_copy_avx512_copy() - csum_copy_avx512() with the copy, compiled apart
 * @dst:	destination
 * @src:	bytes
 * @len:	bytes, at least 1
 *
 * Return: the partial sum
 */
static CSUM_COPY_AVX512 uint32_t csum_copy_avx512_copy(uint8_t *dst,
						       const uint8_t *src,
						       size_t len)
{
	return csum_copy_avx512(dst, src, len);
}
#endif

/**
 * vnet_csum_copy() - sum bytes and copy them, in one pass
 * @dst:	destination, or NULL to sum only
 * @src:	bytes
 * @len:	bytes
 *
 * The fused loop saves the copy's second pass over the bytes, loads aligned
 * blocks and reduces once, which matters for segment-sized pieces
 * (vnet_csum_partial() reduces twice per call).
 *
 * Return: the partial sum, as vnet_csum_partial() gives it (the same once
 * folded)
 */
uint32_t vnet_csum_copy(void *dst, const void *src, size_t len)
{
#if defined(__x86_64__) && defined(__GNUC__)
	static _Atomic int avx512 = -1;	/* racing threads store the same */

	if (avx512 < 0)
		avx512 = vnet_csum_has_avx512();
	if (avx512 && len >= 64)
		return dst ? csum_copy_avx512_copy(dst, src, len) :
			     csum_copy_avx512_sum(src, len);
#endif
	if (dst)
		memcpy(dst, src, len);
	return vnet_csum_partial(src, len, 0);
}
