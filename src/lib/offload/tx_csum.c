// SPDX-License-Identifier: MIT
/* tx_csum.c - checksum completion: what NEEDS_CSUM without GSO asks for */

#include <errno.h>

#include "vnet/csum.h"
#include "vnet/tx.h"

int vnet_tx_csum_compute(const struct vnet_pkt *pkt, size_t csum_start,
			 size_t csum_offset, uint16_t *field)
{
	uint32_t sum = 0;

	if (csum_start > pkt->len || csum_offset > pkt->len - csum_start ||
	    pkt->len - csum_start - csum_offset < 2)
		return -EFAULT;				/* field past the end */
	if (vnet_csum_iov(pkt->iov, pkt->iovcnt, csum_start,
			  pkt->len - csum_start, &sum))
		return -EFAULT;				/* range checked above */
	*field = vnet_csum_udp_finish(sum);
	return 0;
}

int vnet_tx_csum_apply(const struct vnet_pkt *pkt, size_t csum_start,
		       size_t csum_offset)
{
	uint16_t c;
	int err;

	if (!pkt->writable)
		return -EROFS;				/* guest memory: no */
	err = vnet_tx_csum_compute(pkt, csum_start, csum_offset, &c);
	if (err)
		return err;
	return vnet_pkt_write(pkt, csum_start + csum_offset, &c, sizeof(c));
}
