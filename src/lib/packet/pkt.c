// SPDX-License-Identifier: MIT
/* pkt.c - bounds-checked access to a frame held in an iovec array */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "vnet/pkt.h"

/**
 * pkt_init() - sum the segment lengths and fill the view
 * @pkt:	the view
 * @iov:	segments
 * @iovcnt:	number of segments
 * @writable:	whether writes are allowed
 *
 * Return: 0, or -EOVERFLOW if the lengths do not sum in a size_t
 */
static int pkt_init(struct vnet_pkt *pkt, const struct iovec *iov,
		    unsigned int iovcnt, bool writable)
{
	size_t len = 0;
	unsigned int i;

	memset(pkt, 0, sizeof(*pkt));
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > SIZE_MAX - len)
			return -EOVERFLOW;	/* total would wrap */
		len += iov[i].iov_len;
	}
	pkt->iov = iov;
	pkt->iovcnt = iovcnt;
	pkt->len = len;
	pkt->writable = writable;
	return 0;
}

int vnet_pkt_init(struct vnet_pkt *pkt, const struct iovec *iov,
		  unsigned int iovcnt)
{
	return pkt_init(pkt, iov, iovcnt, false);
}

int vnet_pkt_init_rw(struct vnet_pkt *pkt, const struct iovec *iov,
		     unsigned int iovcnt)
{
	return pkt_init(pkt, iov, iovcnt, true);
}

/**
 * pkt_seek() - find the segment holding byte @off
 * @pkt:	the view
 * @off:	offset, which the caller has checked is below pkt->len
 * @seg_off:	offset of that byte inside the segment found
 *
 * Terminates inside the array because the lengths sum to pkt->len > @off;
 * zero-length segments are stepped over.
 *
 * Return: index of the segment
 */
static unsigned int pkt_seek(const struct vnet_pkt *pkt, size_t off,
			     size_t *seg_off)
{
	unsigned int i = 0;

	while (off >= pkt->iov[i].iov_len) {
		off -= pkt->iov[i].iov_len;
		i++;
	}
	*seg_off = off;
	return i;
}

/**
 * pkt_seg_ptr() - pointer to a byte inside a segment
 * @pkt:	the view
 * @i:		segment index
 * @seg_off:	offset inside the segment, at most its length
 *
 * Return: the address
 */
static uint8_t *pkt_seg_ptr(const struct vnet_pkt *pkt, unsigned int i,
			    size_t seg_off)
{
	return (uint8_t *)pkt->iov[i].iov_base + seg_off;
}

/**
 * pkt_copy_out() - copy a checked range of the frame into a buffer
 * @pkt:	the view
 * @off:	first byte of the range
 * @out:	destination, @len bytes
 * @len:	bytes, at least 1; [@off, @off + @len) is inside the frame
 */
static void pkt_copy_out(const struct vnet_pkt *pkt, size_t off, uint8_t *out,
			 size_t len)
{
	size_t seg_off, n;
	unsigned int i = pkt_seek(pkt, off, &seg_off);

	for (; len; len -= n, out += n, seg_off = 0, i++) {
		n = pkt->iov[i].iov_len - seg_off;
		if (n > len)
			n = len;
		if (n)			/* an empty segment may have no base */
			memcpy(out, pkt_seg_ptr(pkt, i, seg_off), n);
	}
}

/**
 * pkt_copy_in() - copy a buffer into a checked range of the frame
 * @pkt:	the view
 * @off:	first byte of the range
 * @in:		source, @len bytes
 * @len:	bytes, at least 1; [@off, @off + @len) is inside the frame
 */
static void pkt_copy_in(const struct vnet_pkt *pkt, size_t off,
			const uint8_t *in, size_t len)
{
	size_t seg_off, n;
	unsigned int i = pkt_seek(pkt, off, &seg_off);

	for (; len; len -= n, in += n, seg_off = 0, i++) {
		n = pkt->iov[i].iov_len - seg_off;
		if (n > len)
			n = len;
		if (n)			/* an empty segment may have no base */
			memcpy(pkt_seg_ptr(pkt, i, seg_off), in, n);
	}
}

/**
 * pkt_contig() - pointer to a range if it lies in one segment
 * @pkt:	the view
 * @off:	first byte
 * @len:	bytes, at least 1; the range is inside the frame
 *
 * Return: the pointer, or NULL if the range straddles segments
 */
static uint8_t *pkt_contig(const struct vnet_pkt *pkt, size_t off, size_t len)
{
	size_t seg_off;
	unsigned int i;

	if (pkt->iovcnt == 1)
		return pkt_seg_ptr(pkt, 0, off);	/* fast path */
	i = pkt_seek(pkt, off, &seg_off);
	if (len > pkt->iov[i].iov_len - seg_off)
		return NULL;
	return pkt_seg_ptr(pkt, i, seg_off);
}

const void *vnet_pkt_peek(const struct vnet_pkt *pkt, size_t off, size_t len,
			  void *scratch)
{
	const uint8_t *p;

	if (!len)
		return NULL;		/* nothing to view */
	if (!vnet_pkt_has(pkt, off, len))
		return NULL;		/* past the end, or wraps */
	p = pkt_contig(pkt, off, len);
	if (p)
		return p;
	if (!scratch)
		return NULL;		/* straddles, and nowhere to copy */
	pkt_copy_out(pkt, off, scratch, len);
	return scratch;
}

int vnet_pkt_read(const struct vnet_pkt *pkt, size_t off, void *dst,
		  size_t len)
{
	if (!vnet_pkt_has(pkt, off, len))
		return -EFAULT;		/* past the end, or wraps */
	if (len)
		pkt_copy_out(pkt, off, dst, len);
	return 0;
}

int vnet_pkt_write(const struct vnet_pkt *pkt, size_t off, const void *src,
		   size_t len)
{
	if (!pkt->writable)
		return -EROFS;		/* a guest's buffer, not ours */
	if (!vnet_pkt_has(pkt, off, len))
		return -EFAULT;		/* past the end, or wraps */
	if (len)
		pkt_copy_in(pkt, off, src, len);
	return 0;
}

void *vnet_pkt_ptr_rw(const struct vnet_pkt *pkt, size_t off, size_t len)
{
	if (!pkt->writable || !len)
		return NULL;		/* read-only, or nothing to point at */
	if (!vnet_pkt_has(pkt, off, len))
		return NULL;		/* past the end, or wraps */
	return pkt_contig(pkt, off, len);
}

bool vnet_pkt_get_u8(const struct vnet_pkt *pkt, size_t off, uint8_t *val)
{
	const uint8_t *p = vnet_pkt_peek(pkt, off, 1, NULL);

	if (!p)
		return false;
	*val = *p;
	return true;
}

bool vnet_pkt_get_u16(const struct vnet_pkt *pkt, size_t off, uint16_t *val)
{
	uint8_t s[2];
	const uint8_t *p = vnet_pkt_peek(pkt, off, sizeof(s), s);

	if (!p)
		return false;
	*val = vnet_load_be16(p);
	return true;
}

bool vnet_pkt_get_u32(const struct vnet_pkt *pkt, size_t off, uint32_t *val)
{
	uint8_t s[4];
	const uint8_t *p = vnet_pkt_peek(pkt, off, sizeof(s), s);

	if (!p)
		return false;
	*val = vnet_load_be32(p);
	return true;
}

int vnet_pkt_put_u16(const struct vnet_pkt *pkt, size_t off, uint16_t val)
{
	uint8_t b[2] = { (uint8_t)(val >> 8), (uint8_t)val };

	return vnet_pkt_write(pkt, off, b, sizeof(b));
}

int vnet_pkt_put_u32(const struct vnet_pkt *pkt, size_t off, uint32_t val)
{
	uint8_t b[4] = { (uint8_t)(val >> 24), (uint8_t)(val >> 16),
			 (uint8_t)(val >> 8), (uint8_t)val };

	return vnet_pkt_write(pkt, off, b, sizeof(b));
}

int vnet_pkt_slice(const struct vnet_pkt *pkt, size_t off, size_t len,
		   struct iovec *dst, unsigned int max)
{
	unsigned int i, n = 0;
	size_t take;

	if (!vnet_pkt_has(pkt, off, len))
		return -EFAULT;				/* outside the frame */
	for (i = 0; i < pkt->iovcnt && len; i++) {
		if (off >= pkt->iov[i].iov_len) {
			off -= pkt->iov[i].iov_len;
			continue;
		}
		take = pkt->iov[i].iov_len - off;
		if (take > len)
			take = len;
		if (n == max)
			return -ENOSPC;			/* too many pieces */
		dst[n].iov_base = (uint8_t *)pkt->iov[i].iov_base + off;
		dst[n++].iov_len = take;
		len -= take;
		off = 0;
	}
	return (int)n;
}
