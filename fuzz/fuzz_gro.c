// SPDX-License-Identifier: MIT
/* fuzz_gro.c - libFuzzer: receive coalescing and delivery on frame sequences */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnet/gro.h"
#include "vnet/rx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vnet_gro_ctx gro;
static struct vnet_rx_ctx rx;
static uint64_t delivered;
static uint64_t released;

/* Reference mode: a frame back from the engine is freed at once, so a
 * chain still pointing at it is a use after free the sanitizer shows. */
static void release(void *opaque, void *ref)
{
	(void)opaque;
	free(ref);
	released++;
}

/**
 * sink() - vnet_rx_emit_fn: touch every byte of what the guest would get
 * @opaque:	unused
 * @h:		the header
 * @pkt:	the frame
 *
 * Return: 0
 */
static int sink(void *opaque, const struct vnet_hdr *h,
		const struct vnet_pkt *pkt)
{
	uint8_t b[256];
	size_t off;

	(void)opaque;
	if ((h->flags & VNET_HDR_F_DATA_VALID) &&
	    (h->gso_type & (VNET_HDR_GSO_UDP_TUNNEL_IPV4 |
			    VNET_HDR_GSO_UDP_TUNNEL_IPV6)))
		abort();	/* never DATA_VALID with a tunnel bit */
	for (off = 0; off < vnet_pkt_len(pkt); off += sizeof(b))
		vnet_pkt_read(pkt, off, b, vnet_pkt_len(pkt) - off < sizeof(b) ?
			      vnet_pkt_len(pkt) - off : sizeof(b));
	delivered++;
	return 0;
}

/**
 * deliver() - vnet_gro_emit_fn: hand the frame to delivery
 * @opaque:	unused
 * @f:		the frame
 *
 * Return: 0
 */
static int deliver(void *opaque, const struct vnet_rx_frame *f)
{
	(void)opaque;
	if (f->segs > 1 && vnet_pkt_len(&f->pkt) > 65535 + 512)
		abort();
	vnet_rx_deliver(&rx, f, sink, NULL);
	return 0;
}

/*
 * Input: one byte of VNET_GRO_F_* flags (bits 0-5) and what the source
 * vouches for (bits 6-7: nothing, DATA_VALID, NEEDS_CSUM at the TCP
 * checksum of an untagged IPv4 frame, or each frame's time step's low bit
 * choosing between the two), one byte choosing the guest's
 * offloads, then frames, each as a 2-byte length, a 1-byte time step (in
 * 100 us) and the bytes. Every frame is fed, then everything flushed; the
 * engine must never read out of bounds, hold past the end, or lose count.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const offl[4] = {
		"version_1",
		"version_1,guest_csum,guest_tso4,guest_tso6",
		"version_1,guest_csum,guest_tso4,guest_tso6,guest_uso4,"
		"guest_uso6,guest_udp_tunnel_gso,rsc_ext,ctrl_guest_offloads",
		"version_1,guest_csum,guest_tso4,guest_tso6,guest_ecn,"
		"guest_uso4,guest_uso6,guest_udp_tunnel_gso,"
		"guest_udp_tunnel_gso_csum,mtu",
	};
	struct vnet_gro_params p;
	struct vnet_features f;
	struct vnet_hdr vh[2];
	unsigned int trust;
	uint64_t now = 0, in = 0;
	size_t off = 2;

	if (size < 2)
		return 0;
	vnet_features_parse(offl[data[1] & 3], VNET_PROFILE_STANDARD, &f,
			    NULL, NULL);
	vnet_gro_params_default(&p, data[0] & 0x3f);
	trust = data[0] >> 6;
	memset(vh, 0, sizeof(vh));
	vh[0].flags = VNET_HDR_F_DATA_VALID;
	vh[1].flags = VNET_HDR_F_NEEDS_CSUM;
	vh[1].csum_start = 34;
	vh[1].csum_offset = 16;
	p.flows = 4;
	p.max_segs = 1 + (data[1] >> 2) % 64;
	if (data[1] & 0x80)		/* reference mode */
		p.release = release;
	released = 0;
	if (vnet_gro_init(&gro, &p) || vnet_rx_ctx_init(&rx, &f, 1500))
		abort();
	while (size - off >= 3) {
		size_t len = (size_t)(data[off] << 8 | data[off + 1]);
		struct iovec iov;
		struct vnet_pkt pkt;

		now += (uint64_t)data[off + 2] * 100000;
		off += 3;
		if (len > size - off)
			len = size - off;
		iov.iov_base = malloc(len ? len : 1);
		memcpy(iov.iov_base, data + off, len);
		iov.iov_len = len;
		vnet_pkt_init(&pkt, &iov, 1);
		if (p.release)
			vnet_gro_receive_ref(&gro, &pkt, trust ? &vh[trust == 3 ?
					     data[off - 1] & 1 : trust - 1] :
					     NULL, iov.iov_base, now, deliver,
					     NULL);
		else if (!trust)
			vnet_gro_receive(&gro, &pkt, now, deliver, NULL);
		else
			vnet_gro_receive_hdr(&gro, &pkt, &vh[trust == 3 ?
					     data[off - 1] & 1 : trust - 1],
					     now, deliver, NULL);
		if (!p.release)
			free(iov.iov_base);
		off += len;
		in++;
	}
	vnet_gro_flush(&gro, now, VNET_GRO_FLUSH_ALL, deliver, NULL);
	if (gro.nheld || gro.held || gro.stats[VNET_GRO_S_IN] != in)
		abort();
	if (p.release && released != in)
		abort();	/* every frame taken comes back, once */
	vnet_gro_fini(&gro);
	vnet_rx_ctx_fini(&rx);
	return 0;
}
