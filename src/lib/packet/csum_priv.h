/* SPDX-License-Identifier: MIT */
/* csum_priv.h - 64-bit ones' complement helpers the checksum paths share */
#ifndef VNET_CSUM_PRIV_H
#define VNET_CSUM_PRIV_H

#include <stdint.h>

/*
 * Bytes a vector path sums before it reduces its lanes: small enough that
 * no lane sum can reach 2^64 (2^30 bytes give at most 2^57 per lane), a
 * multiple of every vector width, and even, so chunks need no byte swap.
 */
#define CSUM_CHUNK	((size_t)1 << 30)

/**
 * csum_add64() - ones' complement addition in 64 bits
 * @a:	sum
 * @b:	sum
 *
 * Return: @a + @b with the end-around carry; zero only if both are zero
 */
static inline uint64_t csum_add64(uint64_t a, uint64_t b)
{
	a += b;
	return a + (a < b);
}

/**
 * csum_fold64() - fold a 64-bit ones' complement sum to 32 bits
 * @s:	sum
 *
 * 2^32 is 1 modulo 0xffff, so the halves add up to the same 16-bit sum.
 *
 * Return: the 32-bit partial sum; zero only if @s is zero
 */
static inline uint32_t csum_fold64(uint64_t s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	return (uint32_t)s;
}

#endif /* VNET_CSUM_PRIV_H */
