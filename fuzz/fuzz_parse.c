// SPDX-License-Identifier: MIT
/* fuzz_parse.c - libFuzzer: the parser and checksum verification */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnet/csum_verify.h"
#include "vnet/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SEGS 8

static void check_layer(const struct vnet_parse_layer *l, size_t len)
{
	if (!l->present)
		return;
	if (l->l3_off > len || l->l4_off > len || l->payload_off > len ||
	    l->payload_len > len)
		abort();
}

/*
 * Input: one byte of segment count, then the frame. The frame is parsed
 * whole and split into exact-size heap segments (so ASan sees any
 * over-read); both parses must agree, every offset lie inside the frame,
 * and checksum verification run without a fault.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnet_parse_result whole, split;
	struct iovec iov[MAX_SEGS], whole_iov;
	struct vnet_csum_report rep;
	struct vnet_pkt pkt;
	unsigned int nseg, i;
	size_t len, off = 0;
	int e1, e2;

	if (size < 1)
		return 0;
	nseg = data[0] % MAX_SEGS + 1;
	data++;
	len = size - 1;
	for (i = 0; i < nseg; i++) {
		size_t take = i + 1 == nseg ? len - off : (len / nseg);

		iov[i].iov_base = malloc(take ? take : 1);
		iov[i].iov_len = take;
		memcpy(iov[i].iov_base, data + off, take);
		off += take;
	}
	vnet_pkt_init(&pkt, iov, nseg);
	e2 = vnet_parse(&pkt, NULL, &split);
	if (!e2) {
		check_layer(&split.outer, len);
		check_layer(&split.inner, len);
		vnet_csum_verify(&pkt, &split, &rep);
	}
	whole_iov.iov_base = (void *)data;
	whole_iov.iov_len = len;
	vnet_pkt_init(&pkt, &whole_iov, 1);
	e1 = vnet_parse(&pkt, NULL, &whole);
	/* vnet_parse() zeroes the whole result first: padding compares */
	/* NOLINTNEXTLINE(bugprone-suspicious-memory-comparison,cert-exp42-c,cert-flp37-c) */
	if (e1 != e2 || (!e1 && memcmp(&whole, &split, sizeof(whole))))
		abort();
	for (i = 0; i < nseg; i++)
		free(iov[i].iov_base);
	return 0;
}
