// SPDX-License-Identifier: MIT
/* csum.c - the Internet checksum: scalar path, dispatch, helpers, RFC 1624 */

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "vnet/csum.h"
#include "csum_priv.h"

/* The IPv4 header checksum field, RFC 791 section 3.1. */
#define IPV4_CHECK_OFF		10
#define IPV4_CHECK_END		12

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t load16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* A lone last byte, as the first byte of a word whose second byte is 0. */
static uint16_t load8_padded(const uint8_t *p)
{
	uint16_t v = 0;

	memcpy(&v, p, 1);
	return v;
}

/*
 * Sum of the whole 8-byte words of @len bytes at @p. A 64-bit word is the
 * sum of its four 16-bit words modulo 0xffff, as 2^16 is 1 there. Four
 * chains, so the adds with carry overlap.
 */
static uint64_t scalar_words(const uint8_t *p, size_t len)
{
	uint64_t a = 0, b = 0, c = 0, d = 0;

	for (; len >= 32; p += 32, len -= 32) {
		a = csum_add64(a, load64(p));
		b = csum_add64(b, load64(p + 8));
		c = csum_add64(c, load64(p + 16));
		d = csum_add64(d, load64(p + 24));
	}
	for (; len >= 8; p += 8, len -= 8)
		a = csum_add64(a, load64(p));
	return csum_add64(csum_add64(a, b), csum_add64(c, d));
}

/* Sum of the last @len (< 8) bytes at @p, which start at an even position. */
static uint64_t scalar_tail(const uint8_t *p, size_t len)
{
	uint64_t s = 0;

	if (len & 4) {
		s += load32(p);
		p += 4;
	}
	if (len & 2) {
		s += load16(p);
		p += 2;
	}
	if (len & 1)
		s += load8_padded(p);
	return s;
}

uint32_t vnet_csum_partial_scalar(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	size_t whole = len & ~(size_t)7;
	uint64_t s = sum;

	s = csum_add64(s, scalar_words(p, whole));
	s = csum_add64(s, scalar_tail(p + whole, len - whole));
	return csum_fold64(s);
}

bool vnet_csum_has_avx2(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2");
#else
	return false;
#endif
}

bool vnet_csum_has_avx512(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512f") &&
	       __builtin_cpu_supports("avx512bw");
#else
	return false;
#endif
}

/**
 * struct csum_path - one implementation of vnet_csum_partial()
 * @name:	as vnet_csum_impl() reports it
 * @partial:	the function
 * @min_len:	below this, the scalar path is faster (set-up and reduction
 *		of the vectors cost 6 to 9 ns on an AMD EPYC of family 25)
 */
struct csum_path {
	const char *name;
	uint32_t (*partial)(const void *buf, size_t len, uint32_t sum);
	size_t min_len;
};

static const struct csum_path csum_path_scalar = {
	"scalar", vnet_csum_partial_scalar, 0
};
static const struct csum_path csum_path_avx2 = {
	"avx2", vnet_csum_partial_avx2, 512
};
static const struct csum_path csum_path_avx512 = {
	"avx512", vnet_csum_partial_avx512, 384
};

/* Chosen at first use. Racing threads choose the same, so either store wins. */
static const struct csum_path *_Atomic csum_chosen;

/**
 * csum_path_get() - the fastest path this CPU runs, chosen once
 *
 * Return: the path
 */
static const struct csum_path *csum_path_get(void)
{
	const struct csum_path *p;

	p = atomic_load_explicit(&csum_chosen, memory_order_acquire);
	if (p)
		return p;
	if (vnet_csum_has_avx512())
		p = &csum_path_avx512;
	else if (vnet_csum_has_avx2())
		p = &csum_path_avx2;
	else
		p = &csum_path_scalar;
	atomic_store_explicit(&csum_chosen, p, memory_order_release);
	return p;
}

const char *vnet_csum_impl(void)
{
	return csum_path_get()->name;
}

uint32_t vnet_csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const struct csum_path *path = csum_path_get();

	if (len < path->min_len)
		return vnet_csum_partial_scalar(buf, len, sum);
	return path->partial(buf, len, sum);
}

uint32_t vnet_csum_add(uint32_t a, uint32_t b)
{
	a += b;
	return a + (a < b);
}

uint32_t vnet_csum_block_add(uint32_t sum, uint32_t sum2, size_t offset)
{
	/* Rotating by 8 multiplies by 2^8 modulo 0xffff: a byte swap. */
	if (offset & 1)
		sum2 = sum2 << 8 | sum2 >> 24;
	return vnet_csum_add(sum, sum2);
}

uint16_t vnet_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t vnet_csum_finish(uint32_t sum)
{
	return (uint16_t)~vnet_csum_fold(sum);
}

uint16_t vnet_csum_udp_finish(uint32_t sum)
{
	uint16_t check = vnet_csum_finish(sum);

	return check ? check : 0xffff;
}

/*
 * Sum of the pseudo-header's protocol and length words, laid out as in the
 * IPv6 one (32-bit length, then three zero bytes and the protocol). For a
 * length below 2^16 the words are those of the IPv4 pseudo-header.
 */
static uint64_t pseudo_proto_len(uint8_t proto, uint32_t l4_len)
{
	const uint8_t w[8] = {
		(uint8_t)(l4_len >> 24), (uint8_t)(l4_len >> 16),
		(uint8_t)(l4_len >> 8), (uint8_t)l4_len,
		0, 0, 0, proto,
	};

	return (uint64_t)load32(w) + load32(w + 4);
}

uint32_t vnet_csum_pseudo_ipv4(const void *saddr, const void *daddr,
			       uint8_t proto, uint32_t l4_len)
{
	uint64_t s = pseudo_proto_len(proto, l4_len);

	s += load32(saddr);
	s += load32(daddr);
	return csum_fold64(s);
}

uint32_t vnet_csum_pseudo_ipv6(const void *saddr16, const void *daddr16,
			       uint8_t nexthdr, uint32_t l4_len)
{
	const uint8_t *s8 = saddr16, *d8 = daddr16;
	uint64_t s = pseudo_proto_len(nexthdr, l4_len);
	unsigned int i;

	/* Ten 32-bit words at most: no carry out of 64 bits. */
	for (i = 0; i < 16; i += 4)
		s += (uint64_t)load32(s8 + i) + load32(d8 + i);
	return csum_fold64(s);
}

uint16_t vnet_csum_ipv4_header(const void *iph, size_t ihl_bytes)
{
	const uint8_t *p = iph;
	size_t head = ihl_bytes < IPV4_CHECK_OFF ? ihl_bytes : IPV4_CHECK_OFF;
	uint32_t sum;

	sum = vnet_csum_partial_scalar(p, head, 0);
	if (ihl_bytes > IPV4_CHECK_END)
		sum = vnet_csum_partial_scalar(p + IPV4_CHECK_END,
					       ihl_bytes - IPV4_CHECK_END, sum);
	return vnet_csum_finish(sum);
}

uint16_t vnet_csum_replace16(uint16_t check, uint16_t from, uint16_t to)
{
	/* ~HC + ~m + m': at most 3 * 0xffff, folded by vnet_csum_finish(). */
	uint32_t s = (uint32_t)(uint16_t)~check + (uint16_t)~from + to;

	return vnet_csum_finish(s);
}

uint16_t vnet_csum_replace32(uint16_t check, uint32_t from, uint32_t to)
{
	/* ~m over 32 bits is -m modulo 2^32 - 1, hence modulo 0xffff too. */
	uint64_t s = (uint64_t)(uint16_t)~check + (uint32_t)~from + to;

	return vnet_csum_finish(csum_fold64(s));
}

/**
 * iov_holds() - whether a scatter-gather list has at least @end bytes
 * @iov:	segments
 * @iovcnt:	number of segments
 * @end:	bytes wanted
 *
 * Return: true if the segments' lengths add up to @end or more
 */
static bool iov_holds(const struct iovec *iov, unsigned int iovcnt,
		      size_t end)
{
	unsigned int i;

	for (i = 0; i < iovcnt && end; i++) {
		if (iov[i].iov_len >= end)
			return true;
		end -= iov[i].iov_len;
	}
	return end == 0;
}

/**
 * iov_sum() - sum of a range known to lie within a scatter-gather list
 * @iov:	segments
 * @off:	first byte of the range
 * @len:	bytes in the range
 *
 * Return: the partial sum of the range
 */
static uint32_t iov_sum(const struct iovec *iov, size_t off, size_t len)
{
	uint32_t acc = 0, part;
	size_t done, n;

	for (done = 0; done < len; iov++) {
		if (off >= iov->iov_len) {
			off -= iov->iov_len;
			continue;
		}
		n = iov->iov_len - off;
		if (n > len - done)
			n = len - done;
		part = vnet_csum_partial((const uint8_t *)iov->iov_base + off,
					 n, 0);
		acc = vnet_csum_block_add(acc, part, done);
		done += n;
		off = 0;
	}
	return acc;
}

int vnet_csum_iov(const struct iovec *iov, unsigned int iovcnt, size_t off,
		  size_t len, uint32_t *sum)
{
	if (len > SIZE_MAX - off)
		return -EFAULT;
	if (!iov_holds(iov, iovcnt, off + len))
		return -EFAULT;
	*sum = vnet_csum_add(*sum, iov_sum(iov, off, len));
	return 0;
}
