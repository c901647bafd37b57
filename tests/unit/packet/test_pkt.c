// SPDX-License-Identifier: MIT
/* test_pkt.c - the bounds-checked frame view: peek, read, write, fields */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/pkt.h"

#define FRAME_LEN 23

/* Segment layout used throughout: sizes sum to FRAME_LEN, one empty. */
static const size_t seg_sizes[] = { 3, 0, 5, 1, 1, 13 };
#define NSEGS (sizeof(seg_sizes) / sizeof(seg_sizes[0]))

/**
 * struct segs - a frame split over exactly-sized heap segments
 * @iov:	the segments (empty ones have a NULL base)
 * @ref:	the same bytes, contiguous
 */
struct segs {
	struct iovec iov[NSEGS];
	uint8_t ref[FRAME_LEN];
};

static void segs_make(struct segs *s)
{
	size_t i, off = 0;

	for (i = 0; i < FRAME_LEN; i++)
		s->ref[i] = (uint8_t)(0x10 + i);
	for (i = 0; i < NSEGS; i++) {
		s->iov[i].iov_len = seg_sizes[i];
		s->iov[i].iov_base = seg_sizes[i] ? malloc(seg_sizes[i]) : NULL;
		if (seg_sizes[i])
			memcpy(s->iov[i].iov_base, s->ref + off, seg_sizes[i]);
		off += seg_sizes[i];
	}
}

static void segs_free(struct segs *s)
{
	size_t i;

	for (i = 0; i < NSEGS; i++)
		free(s->iov[i].iov_base);
}

static void segs_flat(const struct segs *s, uint8_t *out)
{
	size_t i, off = 0;

	for (i = 0; i < NSEGS; i++) {
		if (s->iov[i].iov_len)
			memcpy(out + off, s->iov[i].iov_base,
			       s->iov[i].iov_len);
		off += s->iov[i].iov_len;
	}
}

static void test_init(void **state)
{
	struct iovec big[2] = {
		{ .iov_base = NULL, .iov_len = SIZE_MAX / 2 + 1 },
		{ .iov_base = NULL, .iov_len = SIZE_MAX / 2 + 1 },
	};
	struct segs s;
	struct vnet_pkt pkt;

	segs_make(&s);
	assert_int_equal(vnet_pkt_init(&pkt, s.iov, NSEGS), 0);
	assert_int_equal(vnet_pkt_len(&pkt), FRAME_LEN);
	assert_false(pkt.writable);
	assert_int_equal(vnet_pkt_init_rw(&pkt, s.iov, NSEGS), 0);
	assert_true(pkt.writable);

	assert_int_equal(vnet_pkt_init(&pkt, NULL, 0), 0);
	assert_int_equal(vnet_pkt_len(&pkt), 0);
	assert_null(vnet_pkt_peek(&pkt, 0, 1, NULL));

	/* Lengths that wrap: refused, and the view is left empty. */
	assert_int_equal(vnet_pkt_init(&pkt, big, 2), -EOVERFLOW);
	assert_int_equal(vnet_pkt_len(&pkt), 0);
	assert_int_equal(vnet_pkt_init(&pkt, big, 1), 0);
	assert_int_equal(vnet_pkt_len(&pkt), SIZE_MAX / 2 + 1);
	segs_free(&s);
}

static void test_peek_single(void **state)
{
	uint8_t *buf = malloc(16);
	struct iovec iov = { .iov_base = buf, .iov_len = 16 };
	struct vnet_pkt pkt;
	uint8_t scratch[16];

	memset(buf, 0xab, 16);
	assert_int_equal(vnet_pkt_init(&pkt, &iov, 1), 0);
	/* Contiguous: a pointer into the buffer, never the scratch. */
	assert_ptr_equal(vnet_pkt_peek(&pkt, 0, 16, scratch), buf);
	assert_ptr_equal(vnet_pkt_peek(&pkt, 15, 1, scratch), buf + 15);
	assert_ptr_equal(vnet_pkt_peek(&pkt, 4, 8, NULL), buf + 4);
	/* Past the end, zero length, and offsets that wrap. */
	assert_null(vnet_pkt_peek(&pkt, 16, 1, scratch));
	assert_null(vnet_pkt_peek(&pkt, 15, 2, scratch));
	assert_null(vnet_pkt_peek(&pkt, 0, 17, scratch));
	assert_null(vnet_pkt_peek(&pkt, 3, 0, scratch));
	assert_null(vnet_pkt_peek(&pkt, SIZE_MAX, 2, scratch));
	assert_null(vnet_pkt_peek(&pkt, 2, SIZE_MAX, scratch));
	assert_null(vnet_pkt_peek(&pkt, SIZE_MAX, SIZE_MAX, scratch));
	free(buf);
}

/* Every (off, len): contiguous ranges point into segments, others copy. */
static void test_peek_segments(void **state)
{
	struct segs s;
	struct vnet_pkt pkt;
	uint8_t scratch[FRAME_LEN + 1];
	const uint8_t *p;
	size_t off, len;

	segs_make(&s);
	assert_int_equal(vnet_pkt_init(&pkt, s.iov, NSEGS), 0);
	for (off = 0; off <= FRAME_LEN + 1; off++) {
		for (len = 1; len <= FRAME_LEN + 1; len++) {
			p = vnet_pkt_peek(&pkt, off, len, scratch);
			if (off + len > FRAME_LEN) {
				assert_null(p);
				continue;
			}
			assert_non_null(p);
			assert_memory_equal(p, s.ref + off, len);
		}
	}
	/* [1, 5) straddles segments 0 and 2 over the empty 1. */
	assert_ptr_equal(vnet_pkt_peek(&pkt, 1, 4, scratch), scratch);
	assert_null(vnet_pkt_peek(&pkt, 1, 4, NULL));
	/* [3, 8) is all of segment 2. */
	assert_ptr_equal(vnet_pkt_peek(&pkt, 3, 5, NULL), s.iov[2].iov_base);
	assert_ptr_equal(vnet_pkt_peek(&pkt, 10, 13, NULL),
			 s.iov[5].iov_base);
	segs_free(&s);
}

static void test_read(void **state)
{
	struct segs s;
	struct vnet_pkt pkt;
	uint8_t dst[FRAME_LEN + 2];
	size_t off, len;

	segs_make(&s);
	assert_int_equal(vnet_pkt_init(&pkt, s.iov, NSEGS), 0);
	for (off = 0; off <= FRAME_LEN + 1; off++) {
		for (len = 0; len <= FRAME_LEN + 1; len++) {
			memset(dst, 0x5a, sizeof(dst));
			if (off + len > FRAME_LEN) {
				assert_int_equal(vnet_pkt_read(&pkt, off, dst,
							       len), -EFAULT);
				assert_int_equal(dst[0], 0x5a); /* untouched */
				continue;
			}
			assert_int_equal(vnet_pkt_read(&pkt, off, dst, len), 0);
			assert_memory_equal(dst, s.ref + off, len);
			assert_int_equal(dst[len], 0x5a);	/* no more */
		}
	}
	assert_int_equal(vnet_pkt_read(&pkt, SIZE_MAX, dst, 2), -EFAULT);
	assert_int_equal(vnet_pkt_read(&pkt, 1, dst, SIZE_MAX), -EFAULT);
	segs_free(&s);
}

/* Every range sliced: the pieces point into the frame, skip empty
 * segments, and join to exactly the range's bytes. */
static void test_slice(void **state)
{
	struct iovec piece[NSEGS];
	struct segs s;
	struct vnet_pkt pkt;
	uint8_t joined[FRAME_LEN];
	size_t off, len, got;
	int n, i;

	segs_make(&s);
	assert_int_equal(vnet_pkt_init(&pkt, s.iov, NSEGS), 0);
	for (off = 0; off <= FRAME_LEN; off++) {
		for (len = 0; off + len <= FRAME_LEN; len++) {
			n = vnet_pkt_slice(&pkt, off, len, piece, NSEGS);
			assert_true(n >= 0);
			for (got = 0, i = 0; i < n; i++) {
				assert_true(piece[i].iov_len > 0);
				memcpy(joined + got, piece[i].iov_base,
				       piece[i].iov_len);
				got += piece[i].iov_len;
			}
			assert_int_equal(got, len);
			assert_memory_equal(joined, s.ref + off, len);
		}
	}
	/* Past the end, wrapping, or more pieces than room. */
	assert_int_equal(vnet_pkt_slice(&pkt, FRAME_LEN, 1, piece, NSEGS),
			 -EFAULT);
	assert_int_equal(vnet_pkt_slice(&pkt, 1, SIZE_MAX, piece, NSEGS),
			 -EFAULT);
	assert_int_equal(vnet_pkt_slice(&pkt, 0, FRAME_LEN, piece, 1),
			 -ENOSPC);
	segs_free(&s);
}

/* Fields at every offset, over segments of one byte each. */
static void test_get(void **state)
{
	uint8_t bytes[9] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
			     0xff };
	struct iovec iov[9];
	struct vnet_pkt pkt;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	size_t i;

	for (i = 0; i < 9; i++) {
		iov[i].iov_base = malloc(1);
		memcpy(iov[i].iov_base, &bytes[i], 1);
		iov[i].iov_len = 1;
	}
	assert_int_equal(vnet_pkt_init(&pkt, iov, 9), 0);
	for (i = 0; i < 9; i++) {
		assert_true(vnet_pkt_get_u8(&pkt, i, &v8));
		assert_int_equal(v8, bytes[i]);
	}
	assert_true(vnet_pkt_get_u16(&pkt, 1, &v16));
	assert_int_equal(v16, 0x2345);
	assert_true(vnet_pkt_get_u16(&pkt, 7, &v16));
	assert_int_equal(v16, 0xefff);
	assert_true(vnet_pkt_get_u32(&pkt, 3, &v32));
	assert_int_equal(v32, 0x6789abcd);
	assert_true(vnet_pkt_get_u32(&pkt, 5, &v32));
	assert_int_equal(v32, 0xabcdefff);

	v8 = 7;
	v16 = 7;
	v32 = 7;
	assert_false(vnet_pkt_get_u8(&pkt, 9, &v8));
	assert_false(vnet_pkt_get_u16(&pkt, 8, &v16));
	assert_false(vnet_pkt_get_u32(&pkt, 6, &v32));
	assert_false(vnet_pkt_get_u32(&pkt, SIZE_MAX - 1, &v32));
	assert_int_equal(v8 + v16 + v32, 21);	/* untouched on failure */
	for (i = 0; i < 9; i++)
		free(iov[i].iov_base);
}

static void test_load(void **state)
{
	uint8_t b[7] = { 0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0 };

	assert_int_equal(vnet_load_be16(b + 1), 0x1234);
	assert_int_equal(vnet_load_be32(b + 1), 0x12345678);
	assert_int_equal(vnet_load_be32(b + 2), 0x3456789a);
}

static void test_write(void **state)
{
	struct segs s;
	struct vnet_pkt pkt;
	uint8_t src[FRAME_LEN], flat[FRAME_LEN];
	size_t i;

	segs_make(&s);
	for (i = 0; i < FRAME_LEN; i++)
		src[i] = (uint8_t)(0x80 | i);

	/* A read-only view refuses, and the frame is untouched. */
	assert_int_equal(vnet_pkt_init(&pkt, s.iov, NSEGS), 0);
	assert_int_equal(vnet_pkt_write(&pkt, 0, src, 4), -EROFS);
	assert_int_equal(vnet_pkt_put_u16(&pkt, 0, 1), -EROFS);
	assert_null(vnet_pkt_ptr_rw(&pkt, 3, 5));
	segs_flat(&s, flat);
	assert_memory_equal(flat, s.ref, FRAME_LEN);

	assert_int_equal(vnet_pkt_init_rw(&pkt, s.iov, NSEGS), 0);
	assert_int_equal(vnet_pkt_write(&pkt, 20, src, 4), -EFAULT);
	assert_int_equal(vnet_pkt_write(&pkt, SIZE_MAX, src, 2), -EFAULT);
	assert_int_equal(vnet_pkt_put_u32(&pkt, 20, 1), -EFAULT);
	segs_flat(&s, flat);
	assert_memory_equal(flat, s.ref, FRAME_LEN);

	/* Across segments 0, 1 (empty), 2, 3, 4 and into 5. */
	assert_int_equal(vnet_pkt_write(&pkt, 1, src, 12), 0);
	memcpy(s.ref + 1, src, 12);
	assert_int_equal(vnet_pkt_put_u16(&pkt, 7, 0xbeef), 0);
	memcpy(s.ref + 7, "\xbe\xef", 2);
	assert_int_equal(vnet_pkt_put_u32(&pkt, 19, 0xcafef00d), 0);
	memcpy(s.ref + 19, "\xca\xfe\xf0\x0d", 4);
	assert_int_equal(vnet_pkt_write(&pkt, 23, src, 0), 0);
	segs_flat(&s, flat);
	assert_memory_equal(flat, s.ref, FRAME_LEN);

	/* In-place pointers: only inside one segment. */
	assert_ptr_equal(vnet_pkt_ptr_rw(&pkt, 4, 3),
			 (uint8_t *)s.iov[2].iov_base + 1);
	assert_null(vnet_pkt_ptr_rw(&pkt, 2, 2));
	assert_null(vnet_pkt_ptr_rw(&pkt, 22, 2));
	assert_null(vnet_pkt_ptr_rw(&pkt, 4, 0));
	segs_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_peek_single),
		cmocka_unit_test(test_peek_segments),
		cmocka_unit_test(test_slice),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
