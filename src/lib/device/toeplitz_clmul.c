// SPDX-License-Identifier: MIT
/* toeplitz_clmul.c - the Toeplitz hash by carry-less multiplication (AVX-512) */

#include "toeplitz_int.h"

/*
 * Why carry-less multiplication computes the hash: split the input into
 * 32-bit words, word c holding input bits 32c .. 32c+31, read big-endian so
 * that input bit 32c+t is bit 31-t of X. Let W(x) = sum of key bit
 * (32c + s) * x^s for s = 0..62: the key window bit-reversed (t->win[c]).
 * In the carry-less product X * W, the coefficient of x^(31+j) is
 * sum over t of in[32c+t] * key[32c+t+j], which is bit 31-j of word c's
 * share of the hash. So bits 31..62 of the product are that share with its
 * bits in reverse order; the shares XOR together, and one bit reversal at
 * the end (GFNI reverses the bits of each byte, a byte swap does the rest)
 * gives the hash.
 *
 * Each input word is placed, byte-swapped, in the low half of a quadword
 * whose high half is zero; VPCLMULQDQ multiplies one quadword per 128-bit
 * lane (imm 0x00 the low ones, 0x11 the high ones).
 */

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define CLMUL_TARGET __attribute__((target( \
	"avx512f,avx512bw,avx512vl,avx512vbmi,vpclmulqdq,pclmul,gfni")))

#define BITREV_BYTES	0x8040201008040201LL	/* GFNI: reverse each byte */

bool toeplitz_clmul_usable(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512f") &&
	       __builtin_cpu_supports("avx512bw") &&
	       __builtin_cpu_supports("avx512vl") &&
	       __builtin_cpu_supports("avx512vbmi") &&
	       __builtin_cpu_supports("vpclmulqdq") &&
	       __builtin_cpu_supports("gfni");
}

/* The hash from a product whose low quadword holds the XOR of shares. */
CLMUL_TARGET
static inline uint32_t finish1(__m128i acc)
{
	acc = _mm_gf2p8affine_epi64_epi8(_mm_srli_epi64(acc, 31),
					 _mm_set1_epi64x(BITREV_BYTES), 0);
	return __builtin_bswap32((uint32_t)_mm_cvtsi128_si32(acc));
}

/* Four hashes, lane k's low quadword holding hash k's shares. */
CLMUL_TARGET
static inline void finish4(__m512i acc, uint32_t *out)
{
	/* out byte 4k + j is byte 3 - j of lane k: gather and byte swap */
	const __m512i gather = _mm512_set_epi8(
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		48, 49, 50, 51, 32, 33, 34, 35, 16, 17, 18, 19, 0, 1, 2, 3);

	acc = _mm512_gf2p8affine_epi64_epi8(_mm512_srli_epi64(acc, 31),
					    _mm512_set1_epi64(BITREV_BYTES), 0);
	acc = _mm512_permutexvar_epi8(gather, acc);
	_mm_storeu_si128((__m128i *)(void *)out, _mm512_castsi512_si128(acc));
}

/* Up to 16 bytes: four words, four quadwords of one ymm register. */
CLMUL_TARGET
static uint32_t hash16(const struct vnet_toeplitz *t, const uint8_t *p,
		       size_t len)
{
	const __m256i idx = _mm256_set_epi8(
		0, 0, 0, 0, 12, 13, 14, 15, 0, 0, 0, 0, 8, 9, 10, 11,
		0, 0, 0, 0, 4, 5, 6, 7, 0, 0, 0, 0, 0, 1, 2, 3);
	__m128i x = _mm_maskz_loadu_epi8((__mmask16)((1u << len) - 1), p);
	__m256i in, w, acc;

	in = _mm256_maskz_permutexvar_epi8(0x0f0f0f0f, idx,
					   _mm256_zextsi128_si256(x));
	w = _mm256_loadu_si256((const __m256i *)(const void *)t->win);
	acc = _mm256_xor_si256(_mm256_clmulepi64_epi128(in, w, 0x00),
			       _mm256_clmulepi64_epi128(in, w, 0x11));
	return finish1(_mm_xor_si128(_mm256_castsi256_si128(acc),
				     _mm256_extracti128_si256(acc, 1)));
}

/* Words 0..7 of an input longer than 16 bytes, multiplied, lanes apart. */
CLMUL_TARGET
static inline __m512i head32(const struct vnet_toeplitz *t, const uint8_t *p,
			     size_t len)
{
	const __m512i idx = _mm512_set_epi8(
		0, 0, 0, 0, 28, 29, 30, 31, 0, 0, 0, 0, 24, 25, 26, 27,
		0, 0, 0, 0, 20, 21, 22, 23, 0, 0, 0, 0, 16, 17, 18, 19,
		0, 0, 0, 0, 12, 13, 14, 15, 0, 0, 0, 0, 8, 9, 10, 11,
		0, 0, 0, 0, 4, 5, 6, 7, 0, 0, 0, 0, 0, 1, 2, 3);
	size_t head = len < 32 ? len : 32;
	__m512i in, w;

	in = _mm512_maskz_loadu_epi8((1ULL << head) - 1, p);
	in = _mm512_maskz_permutexvar_epi8(0x0f0f0f0f0f0f0f0fULL, idx, in);
	w = _mm512_loadu_si512((const void *)t->win);
	return _mm512_xor_si512(_mm512_clmulepi64_epi128(in, w, 0x00),
				_mm512_clmulepi64_epi128(in, w, 0x11));
}

/* Word 8 (bytes 32..35, zero-padded), byte-swapped into the low dword. */
CLMUL_TARGET
static inline __m128i tail_word(const uint8_t *p, size_t len)
{
	const __m128i bswap = _mm_set_epi8(-1, -1, -1, -1, -1, -1, -1, -1,
					   -1, -1, -1, -1, 0, 1, 2, 3);
	__m128i x = _mm_maskz_loadu_epi8((__mmask16)((1u << (len - 32)) - 1),
					 p + 32);

	return _mm_shuffle_epi8(x, bswap);
}

CLMUL_TARGET
static uint32_t hash36(const struct vnet_toeplitz *t, const uint8_t *p,
		       size_t len)
{
	__m512i acc = head32(t, p, len);
	__m256i acc256;
	__m128i acc128;

	acc256 = _mm256_xor_si256(_mm512_castsi512_si256(acc),
				  _mm512_extracti64x4_epi64(acc, 1));
	acc128 = _mm_xor_si128(_mm256_castsi256_si128(acc256),
			       _mm256_extracti128_si256(acc256, 1));
	if (len > 32)
		acc128 = _mm_xor_si128(acc128, _mm_clmulepi64_si128(
			tail_word(p, len), _mm_cvtsi64_si128((long long)t->win[8]),
			0x00));
	return finish1(acc128);
}

CLMUL_TARGET
uint32_t toeplitz_clmul_hash(const struct vnet_toeplitz *t, const uint8_t *p,
			     size_t len)
{
	if (len <= 16)
		return hash16(t, p, len);
	return hash36(t, p, len);
}

/* Four inputs of up to 16 bytes, input k in lane k: no lane reduction. */
CLMUL_TARGET
static void bulk4_short(const struct vnet_toeplitz *t,
			const uint8_t *const in[], size_t len, uint32_t *out)
{
	const __m512i w01_idx = _mm512_broadcast_i32x4(_mm_set_epi8(
		-1, -1, -1, -1, 4, 5, 6, 7, -1, -1, -1, -1, 0, 1, 2, 3));
	const __m512i w23_idx = _mm512_broadcast_i32x4(_mm_set_epi8(
		-1, -1, -1, -1, 12, 13, 14, 15, -1, -1, -1, -1, 8, 9, 10, 11));
	const __m512i w01 = _mm512_broadcast_i32x4(
		_mm_loadu_si128((const __m128i *)(const void *)t->win));
	const __m512i w23 = _mm512_broadcast_i32x4(
		_mm_loadu_si128((const __m128i *)(const void *)(t->win + 2)));
	const __mmask16 m = (__mmask16)((1u << len) - 1);
	__m512i z, a, acc;

	z = _mm512_castsi128_si512(_mm_maskz_loadu_epi8(m, in[0]));
	z = _mm512_inserti32x4(z, _mm_maskz_loadu_epi8(m, in[1]), 1);
	z = _mm512_inserti32x4(z, _mm_maskz_loadu_epi8(m, in[2]), 2);
	z = _mm512_inserti32x4(z, _mm_maskz_loadu_epi8(m, in[3]), 3);
	a = _mm512_shuffle_epi8(z, w01_idx);
	acc = _mm512_xor_si512(_mm512_clmulepi64_epi128(a, w01, 0x00),
			       _mm512_clmulepi64_epi128(a, w01, 0x11));
	if (len > 8) {
		a = _mm512_shuffle_epi8(z, w23_idx);
		acc = _mm512_xor_si512(acc, _mm512_clmulepi64_epi128(a, w23, 0));
		if (len > 12)
			acc = _mm512_xor_si512(acc,
				_mm512_clmulepi64_epi128(a, w23, 0x11));
	}
	finish4(acc, out);
}

/* Lane sums of four products, sum k in lane k. */
CLMUL_TARGET
static inline __m512i lane_sums4(__m512i p0, __m512i p1, __m512i p2,
				 __m512i p3)
{
	__m512i x01 = _mm512_xor_si512(_mm512_shuffle_i64x2(p0, p1, 0x44),
				       _mm512_shuffle_i64x2(p0, p1, 0xee));
	__m512i x23 = _mm512_xor_si512(_mm512_shuffle_i64x2(p2, p3, 0x44),
				       _mm512_shuffle_i64x2(p2, p3, 0xee));

	return _mm512_xor_si512(_mm512_shuffle_i64x2(x01, x23, 0x88),
				_mm512_shuffle_i64x2(x01, x23, 0xdd));
}

/* Four inputs of 17..36 bytes: one register each, then lane sums. */
CLMUL_TARGET
static void bulk4_long(const struct vnet_toeplitz *t,
		       const uint8_t *const in[], size_t len, uint32_t *out)
{
	__m512i acc = lane_sums4(head32(t, in[0], len), head32(t, in[1], len),
				 head32(t, in[2], len), head32(t, in[3], len));

	if (len > 32) {
		__m512i tw = _mm512_castsi128_si512(tail_word(in[0], len));

		tw = _mm512_inserti32x4(tw, tail_word(in[1], len), 1);
		tw = _mm512_inserti32x4(tw, tail_word(in[2], len), 2);
		tw = _mm512_inserti32x4(tw, tail_word(in[3], len), 3);
		acc = _mm512_xor_si512(acc, _mm512_clmulepi64_epi128(tw,
			_mm512_set1_epi64((long long)t->win[8]), 0x00));
	}
	finish4(acc, out);
}

CLMUL_TARGET
void toeplitz_clmul_bulk(const struct vnet_toeplitz *t,
			 const uint8_t *const in[], size_t len, uint32_t *out,
			 size_t n)
{
	size_t i = 0;

	if (len <= 16)
		for (; i + 4 <= n; i += 4)
			bulk4_short(t, in + i, len, out + i);
	else
		for (; i + 4 <= n; i += 4)
			bulk4_long(t, in + i, len, out + i);
	for (; i < n; i++)
		out[i] = toeplitz_clmul_hash(t, in[i], len);
}

#else /* no x86-64 GCC: the table path only */

bool toeplitz_clmul_usable(void)
{
	return false;
}

uint32_t toeplitz_clmul_hash(const struct vnet_toeplitz *t, const uint8_t *p,
			     size_t len)
{
	(void)t, (void)p, (void)len;
	return 0;
}

void toeplitz_clmul_bulk(const struct vnet_toeplitz *t,
			 const uint8_t *const in[], size_t len, uint32_t *out,
			 size_t n)
{
	(void)t, (void)in, (void)len, (void)out, (void)n;
}

#endif
