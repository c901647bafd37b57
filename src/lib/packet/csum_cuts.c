// SPDX-License-Identifier: MIT
/* csum_cuts.c - the sums of consecutive ranges of a buffer, in one pass */

#include <errno.h>
#include <stdbool.h>

#include "vnet/csum.h"

/**
 * csum_cuts_fold() - a range's sum from two running totals
 * @t:		running total at the range's end
 * @t0:		running total at its start
 * @odd:	the range starts at an odd address
 *
 * The totals are exact sums of 32-bit words as loaded from addresses
 * aligned to 64, so bytes pair by address parity: a range that starts at
 * an odd address has its sum swapped back (RFC 1071 2(B)).
 *
 * Return: the range's partial sum, as from its first byte
 */
static inline uint32_t csum_cuts_fold(uint64_t t, uint64_t t0, bool odd)
{
	uint64_t s = t - t0;

	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	if (odd)
		s = ((s & 0xff) << 8) | (s >> 8);
	return (uint32_t)s;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define CSUM_CUTS_AVX512 __attribute__((target("avx512f,avx512bw")))

/**
 * csum_cuts_total() - the exact running total of the accumulators
 * @a:		64-bit lanes, words added whole (wrapping)
 * @ah:		the words' high halves, added apart
 *
 * Return: the sum of every 32-bit word added (less than 2^64 below 2^30
 * bytes)
 */
static inline CSUM_CUTS_AVX512 uint64_t csum_cuts_total(__m512i a, __m512i ah)
{
	a = _mm512_add_epi64(_mm512_sub_epi64(a, _mm512_slli_epi64(ah, 32)),
			     ah);
	return (uint64_t)_mm512_reduce_add_epi64(a);
}

/**
 * csum_cuts_mask() - the bytes of a 64-byte block from @a to @b
 * @a:		first byte, 0..63
 * @b:		end, @a + 1..64
 *
 * Return: the mask
 */
static inline __mmask64 csum_cuts_mask(size_t a, size_t b)
{
	return (b == 64 ? ~0ULL : (1ULL << b) - 1) & (~0ULL << a);
}

/**
 * csum_cuts_add() - add the bytes from @from to @to to the accumulators
 * @p:		64-byte aligned base
 * @from:	first byte, offset from @p
 * @to:		end, more than @from
 * @a:		accumulator, words added whole
 * @ah:		accumulator of the words' high halves
 *
 * The end blocks are loaded masked; the blocks between, aligned and whole,
 * two at a time into two accumulator pairs.
 */
static inline CSUM_CUTS_AVX512 void
csum_cuts_add(const uint8_t *p, size_t from, size_t to, __m512i *a,
	      __m512i *ah)
{
	size_t fb = from & ~(size_t)63, lb = (to - 1) & ~(size_t)63, q;
	__m512i x, y, b = _mm512_setzero_si512(), bh = b;

	if (fb == lb) {
		x = _mm512_maskz_loadu_epi8(csum_cuts_mask(from - fb, to - fb),
					    p + fb);
		*a = _mm512_add_epi64(*a, x);
		*ah = _mm512_add_epi64(*ah, _mm512_srli_epi64(x, 32));
		return;
	}
	x = _mm512_maskz_loadu_epi8(csum_cuts_mask(from - fb, 64), p + fb);
	y = _mm512_maskz_loadu_epi8(csum_cuts_mask(0, to - lb), p + lb);
	b = _mm512_add_epi64(b, y);
	bh = _mm512_add_epi64(bh, _mm512_srli_epi64(y, 32));
	for (q = fb + 64; q + 64 < lb; q += 128) {
		*a = _mm512_add_epi64(*a, x);
		*ah = _mm512_add_epi64(*ah, _mm512_srli_epi64(x, 32));
		x = _mm512_load_si512((const void *)(p + q));
		y = _mm512_load_si512((const void *)(p + q + 64));
		b = _mm512_add_epi64(b, y);
		bh = _mm512_add_epi64(bh, _mm512_srli_epi64(y, 32));
	}
	if (q < lb) {
		*a = _mm512_add_epi64(*a, x);
		*ah = _mm512_add_epi64(*ah, _mm512_srli_epi64(x, 32));
		x = _mm512_load_si512((const void *)(p + q));
	}
	*a = _mm512_add_epi64(_mm512_add_epi64(*a, x), b);
	*ah = _mm512_add_epi64(_mm512_add_epi64(*ah, _mm512_srli_epi64(x, 32)),
			       bh);
}

/**
 * csum_cuts_avx512() - vnet_csum_cuts() with AVX-512
 * @src:	bytes, at least 1
 * @len:	bytes
 * @first:	bytes of the first range, at least 1
 * @step:	bytes of each range after it, at least 1
 * @sums:	out: one sum per range, room checked by the caller
 *
 * Aligned 64-byte blocks, masked at the ends of each range (a block with a
 * cut in it is loaded once for each side); the accumulators run across the
 * cuts, the running total is taken at each cut, and a range's sum is the
 * difference of two totals: no per-range set-up of the accumulators, and
 * the reductions are off the loop's chain of additions.
 *
 * Return: ranges written
 */
static CSUM_CUTS_AVX512 unsigned int
csum_cuts_avx512(const uint8_t *src, size_t len, size_t first, size_t step,
		 uint32_t *sums)
{
	size_t head = (uintptr_t)src & 63, end = head + len, at = head, stop;
	const uint8_t *p = src - head;
	__m512i a = _mm512_setzero_si512(), ah = a;
	uint64_t t0 = 0, t;
	unsigned int k = 0;

	for (stop = head + first; ; stop += step) {
		stop = stop < end ? stop : end;
		csum_cuts_add(p, at, stop, &a, &ah);
		t = csum_cuts_total(a, ah);
		sums[k++] = csum_cuts_fold(t, t0, at & 1);
		t0 = t;
		at = stop;
		if (stop == end)
			return k;
	}
}
#endif

/**
 * vnet_csum_cuts() - the partial sums of consecutive ranges of a buffer
 * @buf:	bytes
 * @len:	bytes, at least 1
 * @first:	bytes of the first range, at least 1 (more than @len: one
 *		range)
 * @step:	bytes of every later range (the last may be shorter), at
 *		least 1
 * @sums:	out: each range's partial sum, as from its own first byte
 * @max:	room in @sums
 *
 * Return: ranges written, or -EINVAL for a zero @len, @first or @step,
 * -ENOSPC if @max is too small (@sums then unspecified)
 */
int vnet_csum_cuts(const void *buf, size_t len, size_t first, size_t step,
		   uint32_t *sums, size_t max)
{
	const uint8_t *p = buf;
	size_t n, off, r;
	unsigned int k;

	if (!len || !first || !step)
		return -EINVAL;
	n = first >= len ? 1 : 1 + (len - first + step - 1) / step;
	if (n > max || n > 0x7fffffff)
		return -ENOSPC;
#if defined(__x86_64__) && defined(__GNUC__)
	static _Atomic int avx512 = -1;	/* racing threads agree */

	if (avx512 < 0)
		avx512 = vnet_csum_has_avx512();
	if (avx512 && len < ((size_t)1 << 30) && len >= 64)
		return (int)csum_cuts_avx512(p, len, first, step, sums);
#endif
	for (k = 0, off = 0; off < len; k++, off += r) {
		r = k ? step : first;
		r = r > len - off ? len - off : r;
		sums[k] = vnet_csum_partial(p + off, r, 0);
	}
	return (int)k;
}
