/* SPDX-License-Identifier: MIT */
/* pkt.h - bounds-checked view over a scatter-gather frame (an iovec array) */
#ifndef VNET_PKT_H
#define VNET_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>

#include "vnet/export.h"

VNET_API_BEGIN

/**
 * struct vnet_pkt - a frame as an array of segments, read through helpers
 * @iov:	segments, in frame order; zero-length segments are allowed
 * @iovcnt:	number of segments
 * @len:	total length, the sum of iov_len, computed once by init
 * @writable:	set by vnet_pkt_init_rw(): vnet_pkt_write() may store
 *
 * The view does not own or copy the segments: they must stay mapped, and
 * unchanged in number and length, for as long as the view is used. Every
 * access is checked against @len; nothing past the end is ever touched.
 * Headers may straddle segments: vnet_pkt_peek() then copies them into
 * caller scratch. A single-segment frame costs a bounds check and a pointer.
 *
 * One struct serves both read-only and mutable frames: the guest's transmit
 * buffers are read through a view made by vnet_pkt_init(), and only views
 * made by vnet_pkt_init_rw() (frames the device owns, such as segments it
 * builds) accept writes.
 */
struct vnet_pkt {
	const struct iovec *iov;
	unsigned int iovcnt;
	size_t len;
	bool writable;
};

/**
 * vnet_pkt_init() - make a read-only view over segments
 * @pkt:	the view
 * @iov:	segments (may be NULL if @iovcnt is 0)
 * @iovcnt:	number of segments
 *
 * Return: 0, or -EOVERFLOW if the lengths do not sum in a size_t
 * (the view is then empty)
 */
int vnet_pkt_init(struct vnet_pkt *pkt, const struct iovec *iov,
		  unsigned int iovcnt);

/**
 * vnet_pkt_init_rw() - make a writable view over segments
 * @pkt:	the view
 * @iov:	segments, whose iov_base must be writable memory
 * @iovcnt:	number of segments
 *
 * Return: 0, or -EOVERFLOW if the lengths do not sum in a size_t
 */
int vnet_pkt_init_rw(struct vnet_pkt *pkt, const struct iovec *iov,
		     unsigned int iovcnt);

/**
 * vnet_pkt_len() - total length of the frame
 * @pkt:	the view
 *
 * Return: bytes in the frame
 */
static inline size_t vnet_pkt_len(const struct vnet_pkt *pkt)
{
	return pkt->len;
}

/**
 * vnet_pkt_has() - whether a range lies wholly inside the frame
 * @pkt:	the view
 * @off:	first byte
 * @len:	bytes
 *
 * Return: true if [@off, @off + @len) is inside the frame; false if not,
 * or if @off + @len overflows
 */
static inline bool vnet_pkt_has(const struct vnet_pkt *pkt, size_t off,
				size_t len)
{
	return off <= pkt->len && len <= pkt->len - off;
}

/**
 * vnet_pkt_peek() - view @len contiguous bytes at @off
 * @pkt:	the view
 * @off:	first byte
 * @len:	bytes, at least 1
 * @scratch:	at least @len bytes, used when the range straddles segments;
 *		may be NULL, and then a straddling range gives NULL
 *
 * The result is read-only and valid until the segments or @scratch change.
 *
 * Return: a pointer into the segment when the range is contiguous, else
 * @scratch holding a copy; NULL if @len is 0, the range is past the end or
 * @off + @len overflows
 */
const void *vnet_pkt_peek(const struct vnet_pkt *pkt, size_t off, size_t len,
			  void *scratch);

/**
 * vnet_pkt_read() - copy bytes out of the frame
 * @pkt:	the view
 * @off:	first byte
 * @dst:	destination, @len bytes
 * @len:	bytes (0 is allowed)
 *
 * Return: 0, or -EFAULT if the range is past the end or overflows
 * (@dst is then untouched)
 */
int vnet_pkt_read(const struct vnet_pkt *pkt, size_t off, void *dst,
		  size_t len);

/**
 * vnet_pkt_write() - copy bytes into a writable frame
 * @pkt:	the view, made by vnet_pkt_init_rw()
 * @off:	first byte
 * @src:	source, @len bytes
 * @len:	bytes (0 is allowed)
 *
 * Return: 0, -EROFS if the view is read-only, or -EFAULT if the range is
 * past the end or overflows (the frame is then untouched)
 */
int vnet_pkt_write(const struct vnet_pkt *pkt, size_t off, const void *src,
		   size_t len);

/**
 * vnet_pkt_ptr_rw() - a writable pointer to @len contiguous bytes at @off
 * @pkt:	the view, made by vnet_pkt_init_rw()
 * @off:	first byte
 * @len:	bytes, at least 1
 *
 * For in-place edits of a header that lies in one segment; callers fall
 * back to vnet_pkt_read() and vnet_pkt_write() when this gives NULL.
 *
 * Return: the pointer, or NULL if the view is read-only, @len is 0, the
 * range is past the end, overflows, or straddles segments
 */
void *vnet_pkt_ptr_rw(const struct vnet_pkt *pkt, size_t off, size_t len);

/**
 * vnet_pkt_slice() - the pieces of the frame that hold a range, no copy
 * @pkt:	the view
 * @off:	first byte
 * @len:	bytes
 * @dst:	pieces, pointing into the frame's segments; empty ones left out
 * @max:	room in @dst
 *
 * Return: pieces written, or -ENOSPC if more than @max are needed, -EFAULT
 * if the range is outside the frame
 */
int vnet_pkt_slice(const struct vnet_pkt *pkt, size_t off, size_t len,
		   struct iovec *dst, unsigned int max);

/**
 * vnet_pkt_get_u8() - read a byte
 * @pkt:	the view
 * @off:	offset
 * @val:	the byte, written only on success
 *
 * Return: true, or false if @off is past the end
 */
bool vnet_pkt_get_u8(const struct vnet_pkt *pkt, size_t off, uint8_t *val);

/**
 * vnet_pkt_get_u16() - read a 16-bit big-endian (network order) field
 * @pkt:	the view
 * @off:	offset, any alignment, may straddle segments
 * @val:	host-order value, written only on success
 *
 * Return: true, or false if the field is past the end
 */
bool vnet_pkt_get_u16(const struct vnet_pkt *pkt, size_t off, uint16_t *val);

/**
 * vnet_pkt_get_u32() - read a 32-bit big-endian (network order) field
 * @pkt:	the view
 * @off:	offset, any alignment, may straddle segments
 * @val:	host-order value, written only on success
 *
 * Return: true, or false if the field is past the end
 */
bool vnet_pkt_get_u32(const struct vnet_pkt *pkt, size_t off, uint32_t *val);

/**
 * vnet_pkt_put_u16() - store a 16-bit field in network order
 * @pkt:	the view, made by vnet_pkt_init_rw()
 * @off:	offset, any alignment, may straddle segments
 * @val:	host-order value
 *
 * Return: 0, -EROFS if the view is read-only, or -EFAULT if past the end
 */
int vnet_pkt_put_u16(const struct vnet_pkt *pkt, size_t off, uint16_t val);

/**
 * vnet_pkt_put_u32() - store a 32-bit field in network order
 * @pkt:	the view, made by vnet_pkt_init_rw()
 * @off:	offset, any alignment, may straddle segments
 * @val:	host-order value
 *
 * Return: 0, -EROFS if the view is read-only, or -EFAULT if past the end
 */
int vnet_pkt_put_u32(const struct vnet_pkt *pkt, size_t off, uint32_t val);

/**
 * vnet_load_be16() - load a big-endian 16-bit value from bytes in bounds
 * @p:		two readable bytes, any alignment
 *
 * For fields of a header already obtained through vnet_pkt_peek().
 *
 * Return: the host-order value
 */
static inline uint16_t vnet_load_be16(const void *p)
{
	uint8_t b[2];

	memcpy(b, p, sizeof(b));
	return (uint16_t)(b[0] << 8 | b[1]);
}

/**
 * vnet_load_be32() - load a big-endian 32-bit value from bytes in bounds
 * @p:		four readable bytes, any alignment
 *
 * Return: the host-order value
 */
static inline uint32_t vnet_load_be32(const void *p)
{
	uint8_t b[4];

	memcpy(b, p, sizeof(b));
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

VNET_API_END

#endif /* VNET_PKT_H */
