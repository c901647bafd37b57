// SPDX-License-Identifier: MIT
/* test_virtq_net.c - the network device's buffer rules: header placement, legacy framing, receive buffer sizes */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vnet/hdr.h"
#include "vnet/virtq.h"
#include "vnet/virtq_net.h"
#include "vq_guest.h"

#define QSIZE	8
#define NIOV	8

struct fix {
	struct vq_dev v;	/* first: vq_fix_new(), vq_fix_free() */
	struct split_drv d, d2;
	struct vnet_features feat;
	struct vnet_virtq_net n;
};

static int setup(void **state)
{
	struct fix *f = vq_fix_new(sizeof(*f), NIOV);

	assert_non_null(f);
	split_init(&f->d, f->v.g, QSIZE, G_RING_GPA);
	split_init(&f->d2, f->v.g, QSIZE, G_RING_GPA + 0x1000);
	*state = f;
	return 0;
}

/* Negotiate @bits (terminated by -1), derive the rules, start the queue. */
static void up(struct fix *f, enum vnet_virtq_dir dir, const int *bits)
{
	struct vnet_virtq_config cfg;
	struct vnet_hdr_layout l;

	split_config(&f->d, &cfg, dir);
	memset(&cfg.features, 0, sizeof(cfg.features));
	for (; *bits >= 0; bits++)
		vnet_features_set(&cfg.features, (unsigned int)*bits);
	f->feat = cfg.features;
	vnet_hdr_layout_init(&l, &f->feat, VNET_PROFILE_STANDARD,
			     VNET_ENDIAN_LITTLE);
	vnet_virtq_net_init(&f->n, &l, &f->feat);
	assert_int_equal(vnet_virtq_setup(&f->v.q, &f->v.g->mem, &cfg), 0);
}

static const int v1[] = { VNET_F_VERSION_1, -1 };
static const int v1_mrg[] = { VNET_F_VERSION_1, VNET_F_MRG_RXBUF, -1 };
static const int legacy[] = { -1 };
static const int legacy_any[] = { VNET_F_ANY_LAYOUT, -1 };

/* The worked header of every TX test: NEEDS_CSUM, TCPv4 GSO. */
static const uint8_t hdr12[12] = { 0x01, 0x01, 0x36, 0x00, 0xa8, 0x05,
				   0x22, 0x00, 0x10, 0x00, 0x00, 0x00 };

/* Message Framing: "could consist of ... three or more descriptors": a
 * 12-byte header in 3, 4 and 5+7 bytes, the frame after it. */
/* conformance: SPL-01 */
static void test_tx_header_split(void **state)
{
	struct fix *f = *state;
	struct buf b[4] = {
		{ G_BUF_GPA, 3, false }, { G_BUF_GPA + 64, 4, false },
		{ G_BUF_GPA + 128, 12, false }, { G_BUF_GPA + 256, 90, false },
	};
	struct iovec frame[4];
	struct vnet_hdr h;
	uint8_t want[97], got[97];

	up(f, VNET_VIRTQ_DIR_OUT, v1);
	guest_pattern(f->v.g, G_BUF_GPA, 512);
	memcpy(gp(f->v.g, G_BUF_GPA, 3), hdr12, 3);
	memcpy(gp(f->v.g, G_BUF_GPA + 64, 4), hdr12 + 3, 4);
	memcpy(gp(f->v.g, G_BUF_GPA + 128, 5), hdr12 + 7, 5);
	memcpy(want, gp(f->v.g, G_BUF_GPA + 133, 7), 7);
	memcpy(want + 7, gp(f->v.g, G_BUF_GPA + 256, 90), 90);
	split_add(&f->d, b, 4);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_net_tx_hdr(&f->n, &f->v.e, &h, frame, 4), 2);
	assert_int_equal(h.flags, VNET_HDR_F_NEEDS_CSUM);
	assert_int_equal(h.gso_type, VNET_HDR_GSO_TCPV4);
	assert_int_equal(h.hdr_len, 54);
	assert_int_equal(h.gso_size, 1448);
	assert_int_equal(h.csum_start, 34);
	assert_int_equal(h.csum_offset, 16);
	assert_int_equal(iov_gather(frame, 2, got, sizeof(got)), 97);
	assert_memory_equal(got, want, 97);
	assert_int_equal(vnet_virtq_net_tx_hdr(&f->n, &f->v.e, &h, frame, 1),
			 -ENOBUFS);
}

/* conformance: D-TX-01 */
static void test_tx_header_cut_short(void **state)
{
	struct fix *f = *state;
	struct buf b[2] = { { G_BUF_GPA, 5, false }, { G_BUF_GPA, 6, false } };
	struct iovec frame[2];
	struct vnet_hdr h;

	up(f, VNET_VIRTQ_DIR_OUT, v1);
	split_add(&f->d, b, 2);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
	assert_int_equal(vnet_virtq_net_tx_hdr(&f->n, &f->v.e, &h, frame, 2),
			 -EMSGSIZE);
	assert_false(vnet_virtq_broken(&f->v.q));
}

/* Transmit decodes VERSION_1's 12-byte header (its usual layout, decoded
 * inline) as vnet_hdr_decode() does, field for field, for headers whose
 * bytes take many values in every position; a layout with the hash
 * fields (HASH_REPORT) is not the plain one and decodes as before. */
/* conformance: D-TX-01 */
static void test_tx_header_plain_decode(void **state)
{
	static const int v1_hash[] = { VNET_F_VERSION_1, VNET_F_HASH_REPORT,
				       -1 };
	const int *layouts[] = { v1, v1_mrg, v1_hash };
	struct fix *f = *state;
	unsigned int k, r, i;

	for (k = 0; k < 3; k++) {
		struct vnet_hdr_layout l;
		size_t hlen;

		vnet_virtq_reset(&f->v.q);
		split_init(&f->d, f->v.g, QSIZE, G_RING_GPA);
		up(f, VNET_VIRTQ_DIR_OUT, layouts[k]);
		l = f->n.layout;
		hlen = l.size;
		assert_int_equal(f->n.plain, k < 2);
		for (r = 0; r < 3 * QSIZE; r++) {
			struct buf b = { G_BUF_GPA, (uint32_t)hlen + 20, false };
			uint8_t raw[VNET_HDR_LEN_MAX];
			struct vnet_hdr h, want;
			struct iovec frame[2];

			for (i = 0; i < hlen; i++)
				raw[i] = (uint8_t)(r * 37 + i * 11 + r * i * 5);
			memcpy(gp(f->v.g, G_BUF_GPA, hlen), raw, hlen);
			split_add(&f->d, &b, 1);
			assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), 1);
			memset(&h, 0xa5, sizeof(h));
			assert_int_equal(vnet_virtq_net_tx_hdr(&f->n, &f->v.e,
							       &h, frame, 2), 1);
			assert_int_equal(vnet_hdr_decode(&l, raw, hlen, &want),
					 (int)hlen);
			assert_memory_equal(&h, &want, sizeof(h));
			assert_ptr_equal(frame[0].iov_base,
					 gp(f->v.g, G_BUF_GPA + hlen, 20));
			assert_int_equal(frame[0].iov_len, 20);
			assert_int_equal(vnet_virtq_push(&f->v.q, &f->v.e, 0), 0);
			assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
		}
	}
}

/* Legacy Interface: Framing Requirements: without ANY_LAYOUT, "a single
 * descriptor for the struct virtio_net_hdr on both transmit and receive,
 * with the network data in the following descriptors". */
static void test_rx_legacy_header_alone(void **state)
{
	struct fix *f = *state;
	struct buf b[2] = { { G_BUF_GPA, 10, true },
			    { G_BUF_GPA + 64, 1514, true } };
	struct vnet_hdr h = { .flags = 0, .gso_type = 0 };
	uint8_t frame[60];
	uint32_t id, len;

	up(f, VNET_VIRTQ_DIR_IN, legacy);
	assert_true(f->n.hdr_alone);
	assert_int_equal(f->n.layout.size, 10);
	memset(frame, 0xab, sizeof(frame));
	memset(gp(f->v.g, G_BUF_GPA, 64), 0xee, 64);
	split_add(&f->d, b, 2);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->v.q, &f->n, &f->v.e, 1, 60), 1);
	assert_int_equal(vnet_virtq_net_rx_push(&f->v.q, &f->n, &f->v.e, 1, &h,
						frame, 60), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	split_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(len, 70);
	assert_memory_equal(gp(f->v.g, G_BUF_GPA + 64, 60), frame, 60);
	assert_int_equal(*gp(f->v.g, G_BUF_GPA + 10, 1), 0xee);
}

/* The same legacy driver with a header descriptor larger than the header:
 * the frame still starts in the following descriptor, the gap zeroed. */
static void test_rx_legacy_header_desc_larger(void **state)
{
	struct fix *f = *state;
	struct buf b[2] = { { G_BUF_GPA, 16, true },
			    { G_BUF_GPA + 64, 1514, true } };
	struct vnet_hdr h = { .flags = 0 };
	uint8_t frame[60], zero[6] = { 0 };
	uint32_t id, len;

	up(f, VNET_VIRTQ_DIR_IN, legacy);
	memset(frame, 0xab, sizeof(frame));
	memset(gp(f->v.g, G_BUF_GPA, 64), 0xee, 64);
	split_add(&f->d, b, 2);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->v.q, &f->n, &f->v.e, 1, 60), 1);
	assert_int_equal(vnet_virtq_net_rx_push(&f->v.q, &f->n, &f->v.e, 1, &h,
						frame, 60), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	split_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(len, 76);
	assert_memory_equal(gp(f->v.g, G_BUF_GPA + 10, 6), zero, 6);
	assert_memory_equal(gp(f->v.g, G_BUF_GPA + 64, 60), frame, 60);
}

/* With ANY_LAYOUT (or VERSION_1) the frame follows the header in place. */
static void test_rx_any_layout(void **state)
{
	struct fix *f = *state;
	struct buf b = { G_BUF_GPA, 1526, true };
	struct vnet_hdr h = { .flags = 0 };
	uint8_t frame[60];
	uint32_t id, len;

	up(f, VNET_VIRTQ_DIR_IN, legacy_any);
	assert_false(f->n.hdr_alone);
	memset(frame, 0xcd, sizeof(frame));
	split_add(&f->d, &b, 1);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->v.q, &f->n, &f->v.e, 1, 60), 1);
	assert_int_equal(vnet_virtq_net_rx_push(&f->v.q, &f->n, &f->v.e, 1, &h,
						frame, 60), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 1);
	split_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(len, 70);
	assert_memory_equal(gp(f->v.g, G_BUF_GPA + 10, 60), frame, 60);
}

/* A mergeable frame placed over more buffers than it needs is refused. */
/* conformance: NET-RXB-01 */
static void test_rx_push_too_many_buffers(void **state)
{
	struct fix *f = *state;
	struct iovec io[2][2];
	struct vnet_virtq_elem e[2];
	struct buf b = { G_BUF_GPA, 100, true };
	struct vnet_hdr h = { .flags = 0 };
	uint8_t frame[10] = { 0 };

	up(f, VNET_VIRTQ_DIR_IN, v1_mrg);
	vnet_virtq_elem_init(&e[0], NULL, 0, io[0], 2);
	vnet_virtq_elem_init(&e[1], NULL, 0, io[1], 2);
	split_add(&f->d, &b, 1);
	split_add(&f->d, &b, 1);
	assert_int_equal(vnet_virtq_pop_burst(&f->v.q, e, 2), 2);
	assert_int_equal(vnet_virtq_net_rx_push(&f->v.q, &f->n, e, 2, &h, frame,
						10), -EINVAL);
	assert_int_equal(vnet_virtq_net_rx_push(&f->v.q, &f->n, e, 1, &h, frame,
						200), -EMSGSIZE);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->v.q, &f->n, e, 0, 10),
			 -EINVAL);
}

/*
 * A frame in pieces (a coalesced chain: headers, then payload slices from
 * other frames) lands in mergeable buffers as one contiguous frame: every
 * byte in order across buffer boundaries that fall anywhere in a piece,
 * all buffers but the last filled whole, num_buffers counting them.
 */
/* conformance: NET-RX-02, NET-RX-03 */
static void test_rx_push_pkt_chain(void **state)
{
	struct fix *f = *state;
	struct iovec io[3][2], piece[4];
	struct vnet_virtq_elem e[3];
	struct buf b[3] = { { G_BUF_GPA, 40, true },
			    { G_BUF_GPA + 0x400, 50, true },
			    { G_BUF_GPA + 0x800, 200, true } };
	struct vnet_hdr h = { .flags = 0 };
	static const size_t cut[4] = { 10, 1, 90, 49 };
	uint8_t src[4][100], want[150];
	struct vnet_pkt pkt;
	uint32_t id, len;
	size_t i, k, at = 0;

	up(f, VNET_VIRTQ_DIR_IN, v1_mrg);
	for (i = 0; i < 4; i++) {	/* each piece from its own array */
		for (k = 0; k < cut[i]; k++)
			src[i][k] = want[at + k] = (uint8_t)((at + k) * 7 + 3);
		piece[i].iov_base = src[i];
		piece[i].iov_len = cut[i];
		at += cut[i];
	}
	vnet_pkt_init(&pkt, piece, 4);
	for (i = 0; i < 3; i++) {
		vnet_virtq_elem_init(&e[i], NULL, 0, io[i], 2);
		split_add(&f->d, &b[i], 1);
	}
	assert_int_equal(vnet_virtq_net_rx_pop(&f->v.q, &f->n, e, 3, 150), 3);
	assert_int_equal(vnet_virtq_net_rx_push_pkt(&f->v.q, &f->n, e, 3, &h,
						    &pkt), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 3);
	split_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(len, 40);
	split_used_elem(&f->d, 1, &id, &len);
	assert_int_equal(len, 50);
	split_used_elem(&f->d, 2, &id, &len);
	assert_int_equal(len, 150 - 28 - 50);
	assert_int_equal(*(const uint16_t *)gp(f->v.g, G_BUF_GPA + 10, 2), 3);
	assert_memory_equal(gp(f->v.g, G_BUF_GPA + 12, 28), want, 28);
	assert_memory_equal(gp(f->v.g, G_BUF_GPA + 0x400, 50), want + 28, 50);
	assert_memory_equal(gp(f->v.g, G_BUF_GPA + 0x800, 72), want + 78, 72);
}

/* Setting Up Receive Buffers: "If VIRTIO_NET_F_MRG_RXBUF is negotiated,
 * each buffer MUST be at least the size of the struct virtio_net_hdr." */
/* conformance: D-RXB-01 */
static void test_hostile_mergeable_buffer_below_header(void **state)
{
	struct fix *f = *state;
	struct buf small = { G_BUF_GPA, 8, true };
	struct buf b = { G_BUF_GPA + 0x800, 64, false };
	struct vnet_virtq_config cfg;
	struct iovec out[2];
	struct vnet_virtq_elem e;

	up(f, VNET_VIRTQ_DIR_IN, v1_mrg);
	split_add(&f->d, &small, 1);
	assert_int_equal(vnet_virtq_net_rx_pop(&f->v.q, &f->n, &f->v.e, 1, 60),
			 -EIO);
	assert_true(vnet_virtq_broken(&f->v.q));
	assert_string_equal(vnet_virtq_err_name(vnet_virtq_error(&f->v.q)),
			    "net_hdr_buffer");
	assert_int_equal(vnet_virtq_pop(&f->v.q, &f->v.e), -EIO);
	/* the other queue on the same memory carries on */
	split_config(&f->d2, &cfg, VNET_VIRTQ_DIR_OUT);
	assert_int_equal(vnet_virtq_setup(&f->v.q2, &f->v.g->mem, &cfg), 0);
	vnet_virtq_elem_init(&e, out, 2, NULL, 0);
	split_add(&f->d2, &b, 1);
	assert_int_equal(vnet_virtq_pop(&f->v.q2, &e), 1);
	assert_int_equal(vnet_virtq_push(&f->v.q2, &e, 0), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q2), 1);
	assert_int_equal(split_used_idx(&f->d2), 1);
}

/*
 * The direct read (a tap's readv() straight into the guest's buffers):
 * buffers for the largest frame are held first; a shorter frame fills
 * only the first of them, and they alone are published (num_buffers 2,
 * two used entries, all but the last filled whole); the others go back
 * unused, without a used entry, and the next pop takes them again, the
 * same descriptor chains in the same order.
 */
/* conformance: NET-RX-02, NET-RX-03 */
static void test_rx_direct_unused_returned(void **state)
{
	struct fix *f = *state;
	struct iovec io[4][2], area[8];
	struct vnet_virtq_elem e[4], again;
	struct iovec again_io[2];
	struct vnet_hdr h = { .flags = 0 };
	unsigned int held = 0, i;
	uint16_t heads[4];
	uint32_t id, len;
	size_t k, at;
	int nseg, nb;

	up(f, VNET_VIRTQ_DIR_IN, v1_mrg);
	for (i = 0; i < 4; i++) {
		struct buf b = { G_BUF_GPA + 0x1000 * i, 100, true };

		vnet_virtq_elem_init(&e[i], NULL, 0, io[i], 2);
		heads[i] = split_add(&f->d, &b, 1);
	}
	/* 88 + 100 + 100 < 300: four held */
	assert_int_equal(vnet_virtq_net_rx_reserve(&f->v.q, &f->n, e, 4, &held,
						   300), 0);
	assert_int_equal(held, 4);
	nseg = vnet_virtq_net_rx_frame_iov(&f->n, e, held, area, 8);
	assert_int_equal(nseg, 4);
	assert_ptr_equal(area[0].iov_base, gp(f->v.g, G_BUF_GPA + 12, 88));
	assert_int_equal(area[0].iov_len, 88);
	/* the "read": 150 bytes into the frame area */
	for (k = 0, at = 0, i = 0; k < 150; k++, at++) {
		if (at == area[i].iov_len) {
			i++;
			at = 0;
		}
		((uint8_t *)area[i].iov_base)[at] = (uint8_t)(k * 3 + 1);
	}
	nb = vnet_virtq_net_rx_bufs_for(&f->n, e, held, 150);
	assert_int_equal(nb, 2);
	assert_int_equal(vnet_virtq_net_rx_commit(&f->v.q, &f->n, e, 2, &h,
						  150), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 2);
	assert_int_equal(split_used_idx(&f->d), 2);
	split_used_elem(&f->d, 0, &id, &len);
	assert_int_equal(id, heads[0]);
	assert_int_equal(len, 100);
	split_used_elem(&f->d, 1, &id, &len);
	assert_int_equal(id, heads[1]);
	assert_int_equal(len, 150 - 88);
	/* num_buffers, the header's last field (VERSION_1: bytes 10-11) */
	assert_int_equal(ld16(gp(f->v.g, G_BUF_GPA + 10, 2)), 2);
	assert_int_equal(*gp(f->v.g, G_BUF_GPA + 0x1000 + 61, 1),
			 (uint8_t)(149 * 3 + 1));
	/* the two unused go back, last popped first: no used entry */
	assert_int_equal(vnet_virtq_unpop(&f->v.q, &e[3]), 0);
	assert_int_equal(vnet_virtq_unpop(&f->v.q, &e[2]), 0);
	assert_int_equal(vnet_virtq_flush(&f->v.q), 0);
	assert_int_equal(split_used_idx(&f->d), 2);
	vnet_virtq_elem_init(&again, NULL, 0, again_io, 2);
	assert_int_equal(vnet_virtq_pop(&f->v.q, &again), 1);
	assert_int_equal(again.id, heads[2]);
	/* too few buffers for the largest frame: -EAGAIN, what was popped
	 * stays the caller's to give back */
	held = 1;
	e[0] = again;
	assert_int_equal(vnet_virtq_net_rx_reserve(&f->v.q, &f->n, e, 4, &held,
						   1000), -EAGAIN);
	assert_int_equal(held, 2);
	assert_int_equal(e[1].id, heads[3]);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, vq_fix_free)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_tx_header_split),
		T(test_tx_header_cut_short),
		T(test_tx_header_plain_decode),
		T(test_rx_legacy_header_alone),
		T(test_rx_legacy_header_desc_larger),
		T(test_rx_any_layout),
		T(test_rx_push_too_many_buffers),
		T(test_rx_push_pkt_chain),
		T(test_hostile_mergeable_buffer_below_header),
		T(test_rx_direct_unused_returned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
