/* SPDX-License-Identifier: MIT */
/* csum.h - the Internet checksum: sums, folding, pseudo-headers, RFC 1624 */
#ifndef VNET_CSUM_H
#define VNET_CSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vnet/export.h"

VNET_API_BEGIN

/*
 * Convention, as in Linux: a partial sum is a 32-bit ones' complement sum of
 * the bytes read as native-endian 16-bit words (an odd trailing byte is
 * padded with a zero byte after it). Ones' complement addition commutes with
 * byte swapping, so the folded, complemented result is stored into the packet
 * as is, with memcpy, never through htons(). Likewise every 16- or 32-bit
 * value passed to or returned by these functions is "as loaded from the
 * packet with memcpy".
 *
 * Two partial sums of the same bytes may differ as 32-bit values (each path
 * accumulates differently) but always fold to the same 16 bits: compare
 * partial sums only after vnet_csum_fold(). A sum folds to zero only when
 * every byte summed is zero (and the initial sum was zero).
 */

/**
 * vnet_csum_partial() - ones' complement sum of a buffer, fastest path
 * @buf:	bytes, any alignment
 * @len:	number of bytes, odd allowed
 * @sum:	partial sum to add to (0 to start)
 *
 * The path (AVX-512, AVX2 or scalar) is chosen once, at first use, from the
 * CPU; short buffers always take the scalar path.
 *
 * Return: @sum plus the sum of the bytes, not folded
 */
uint32_t vnet_csum_partial(const void *buf, size_t len, uint32_t sum);

/**
 * vnet_csum_copy() - sum bytes and copy them, in one pass
 * @dst:	destination, or NULL to sum only; may not overlap @src
 * @src:	bytes, any alignment
 * @len:	number of bytes, odd allowed
 *
 * One read of each byte for both the copy and the sum (the AVX-512 path
 * loads aligned 64-byte blocks, masked at both ends, and stores the same
 * bytes to @dst, masked alike: nothing outside @dst[0..@len) is written).
 * Bytes pair into words by their position from @src, as for
 * vnet_csum_partial(); add the result to a sum of what came before with
 * vnet_csum_block_add().
 *
 * Return: the partial sum of the bytes (folds as vnet_csum_partial(@src,
 * @len, 0) does), not folded
 */
uint32_t vnet_csum_copy(void *dst, const void *src, size_t len);

/**
 * vnet_csum_cuts() - the partial sums of consecutive ranges, in one pass
 * @buf:	bytes, any alignment
 * @len:	bytes, at least 1
 * @first:	bytes of the first range, at least 1 (at least @len: one
 *		range)
 * @step:	bytes of every later range (the last may be shorter), at
 *		least 1
 * @sums:	out: each range's partial sum, as from the range's own first
 *		byte (folds as vnet_csum_partial() of the range does)
 * @max:	room in @sums
 *
 * The payload sums of all the segments of a frame, say: the vector path
 * runs one loop over the buffer, its accumulators across the cuts, instead
 * of a set-up and a reduction per range.
 *
 * Return: ranges written, or -EINVAL for a zero @len, @first or @step,
 * -ENOSPC if more than @max ranges
 */
int vnet_csum_cuts(const void *buf, size_t len, size_t first, size_t step,
		   uint32_t *sums, size_t max);

/**
 * vnet_csum_partial_scalar() - vnet_csum_partial() in portable C
 * @buf:	bytes, any alignment
 * @len:	number of bytes
 * @sum:	partial sum to add to
 *
 * Return: @sum plus the sum of the bytes, not folded
 */
uint32_t vnet_csum_partial_scalar(const void *buf, size_t len, uint32_t sum);

/**
 * vnet_csum_partial_avx2() - vnet_csum_partial() with AVX2
 * @buf:	bytes, any alignment
 * @len:	number of bytes
 * @sum:	partial sum to add to
 *
 * Call only if vnet_csum_has_avx2().
 *
 * Return: @sum plus the sum of the bytes, not folded
 */
uint32_t vnet_csum_partial_avx2(const void *buf, size_t len, uint32_t sum);

/**
 * vnet_csum_partial_avx512() - vnet_csum_partial() with AVX-512 (F and BW)
 * @buf:	bytes, any alignment
 * @len:	number of bytes
 * @sum:	partial sum to add to
 *
 * Call only if vnet_csum_has_avx512().
 *
 * Return: @sum plus the sum of the bytes, not folded
 */
uint32_t vnet_csum_partial_avx512(const void *buf, size_t len, uint32_t sum);

/**
 * vnet_csum_has_avx2() - whether vnet_csum_partial_avx2() may run here
 *
 * Return: true if the library was built with the AVX2 path and the CPU
 *	   (and the OS, for the register state) supports AVX2
 */
bool vnet_csum_has_avx2(void);

/**
 * vnet_csum_has_avx512() - whether vnet_csum_partial_avx512() may run here
 *
 * Return: true if the library was built with the AVX-512 path and the CPU
 *	   and OS support AVX512F and AVX512BW
 */
bool vnet_csum_has_avx512(void);

/**
 * vnet_csum_impl() - name of the path vnet_csum_partial() uses
 *
 * Return: "avx512", "avx2" or "scalar"; a static string
 */
const char *vnet_csum_impl(void);

/**
 * vnet_csum_iov() - ones' complement sum of a range of a scatter-gather list
 * @iov:	segments
 * @iovcnt:	number of segments
 * @off:	first byte of the range, counted from the start of @iov[0]
 * @len:	bytes in the range
 * @sum:	in: partial sum to add to; out: that sum plus the range's,
 *		unchanged on error
 *
 * Segments may have any length, odd or zero: bytes are paired into words by
 * their position in the range, not in their segment.
 *
 * Return: 0, or -EFAULT if the range does not lie within the list (including
 *	   when @off + @len overflows)
 */
int vnet_csum_iov(const struct iovec *iov, unsigned int iovcnt, size_t off,
		  size_t len, uint32_t *sum);

/**
 * vnet_csum_add() - ones' complement addition of two partial sums
 * @a:	partial sum
 * @b:	partial sum
 *
 * Return: @a + @b with the end-around carry
 */
uint32_t vnet_csum_add(uint32_t a, uint32_t b);

/**
 * vnet_csum_block_add() - append the sum of a block to the sum before it
 * @sum:	partial sum of the bytes before the block
 * @sum2:	partial sum of the block, computed from the block's first byte
 * @offset:	position of the block's first byte after the start of @sum
 *
 * A block that starts at an odd position has its bytes paired the other way
 * round, so @sum2 is byte-swapped first (RFC 1071 section 2 (B)).
 *
 * Return: the partial sum of both
 */
uint32_t vnet_csum_block_add(uint32_t sum, uint32_t sum2, size_t offset);

/**
 * vnet_csum_fold() - fold a partial sum to 16 bits
 * @sum:	partial sum
 *
 * Return: the 16-bit ones' complement sum, not complemented
 */
uint16_t vnet_csum_fold(uint32_t sum);

/**
 * vnet_csum_finish() - the checksum field for a partial sum
 * @sum:	partial sum over everything covered, checksum field as zero
 *
 * Return: ~vnet_csum_fold(@sum), to store with memcpy
 */
uint16_t vnet_csum_finish(uint32_t sum);

/**
 * vnet_csum_udp_finish() - the UDP checksum field for a partial sum
 * @sum:	partial sum over pseudo-header, header and data, field as zero
 *
 * A computed zero is sent as all ones, since zero means "no checksum"
 * (RFC 768; mandatory over IPv6, RFC 8200 section 8.1).
 *
 * Return: vnet_csum_finish(@sum), or 0xffff instead of 0
 */
uint16_t vnet_csum_udp_finish(uint32_t sum);

/**
 * vnet_csum_pseudo_ipv4() - partial sum of the pseudo-header over IPv4
 * @saddr:	source address, 4 bytes in network order
 * @daddr:	destination address, 4 bytes in network order
 * @proto:	IP protocol number
 * @l4_len:	length of the transport header and data, host order
 *
 * RFC 793 section 3.1, RFC 768. An @l4_len above 0xffff is summed as a 32-bit
 * field, as in the IPv6 pseudo-header.
 *
 * Return: the partial sum
 */
uint32_t vnet_csum_pseudo_ipv4(const void *saddr, const void *daddr,
			       uint8_t proto, uint32_t l4_len);

/**
 * vnet_csum_pseudo_ipv6() - partial sum of the pseudo-header over IPv6
 * @saddr16:	source address, 16 bytes in network order
 * @daddr16:	destination address, 16 bytes in network order
 * @nexthdr:	upper-layer protocol number
 * @l4_len:	upper-layer packet length, host order
 *
 * RFC 8200 section 8.1.
 *
 * Return: the partial sum
 */
uint32_t vnet_csum_pseudo_ipv6(const void *saddr16, const void *daddr16,
			       uint8_t nexthdr, uint32_t l4_len);

/**
 * vnet_csum_ipv4_header() - the header checksum of an IPv4 header
 * @iph:	the header
 * @ihl_bytes:	its length in bytes (IHL * 4); only these bytes are read
 *
 * The checksum field (bytes 10 and 11) is skipped, whatever it holds, so the
 * caller need not zero it (RFC 791 section 3.1).
 *
 * Return: the value to store into the checksum field with memcpy
 */
uint16_t vnet_csum_ipv4_header(const void *iph, size_t ihl_bytes);

/**
 * vnet_csum_replace16() - update a checksum for a changed 16-bit field
 * @check:	checksum field, as loaded from the packet
 * @from:	the field's old value, as loaded
 * @to:		the field's new value, as loaded
 *
 * RFC 1624 section 3, eqn. 3: HC' = ~(~HC + ~m + m'). The field must start
 * at an even offset from the start of what the checksum covers. For UDP,
 * leave a checksum of 0 (none sent) alone, and store a result of 0 as 0xffff
 * (RFC 768).
 *
 * Return: the new checksum field
 */
uint16_t vnet_csum_replace16(uint16_t check, uint16_t from, uint16_t to);

/**
 * vnet_csum_replace32() - update a checksum for a changed 32-bit field
 * @check:	checksum field, as loaded from the packet
 * @from:	the field's old value, as loaded (e.g. an IPv4 address)
 * @to:		the field's new value, as loaded
 *
 * RFC 1624 eqn. 3 over both halves. The field must start at an even offset;
 * UDP as for vnet_csum_replace16().
 *
 * Return: the new checksum field
 */
uint16_t vnet_csum_replace32(uint16_t check, uint32_t from, uint32_t to);

VNET_API_END

#endif /* VNET_CSUM_H */
