// SPDX-License-Identifier: MIT
/* gso_bench.c - segments per second: this engine beside DPDK's rte_gso_segment */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_gso.h>
#include <rte_mbuf.h>

#include "vnet/csum.h"
#include "vnet/gso.h"
#include "../tests/unit/tx_frames.h"

#define MSS		1448
#define FRAME_MAX	(70 * 1024)
#define SPLIT		32768	/* the frame in two pieces, for both sides */
#define OUT_BUF		(256 * 1024)
#define SEG_MAX		128
#define RUN_NS		100000000ULL
#define BATCH		32	/* calls between two clock readings */

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);	/* CPU time: preemption by others is not counted */
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/**
 * struct bench_frame - one test frame and its header
 * @name:	what it is
 * @buf:	bytes
 * @h:		header
 * @lay:	layout
 */
struct bench_frame {
	const char *name;
	uint8_t buf[FRAME_MAX];
	struct vnet_hdr h;
	struct tf_layout lay;
};

/* Segments per second of the engine in @mode over @f, best of @rounds. */
static double engine_rate(const struct bench_frame *f, enum vnet_gso_mode mode,
			  int rounds)
{
	static uint8_t obuf[OUT_BUF];
	static struct iovec oiov[4096];
	static struct vnet_gso_seg segs[SEG_MAX];
	struct vnet_gso_out out = { .buf = obuf, .buf_len = OUT_BUF,
		.iov = oiov, .iov_max = 4096, .segs = segs, .seg_max = SEG_MAX };
	struct vnet_features feat = { { ~0ULL, ~0ULL } };
	struct iovec iov[2] = {
		{ (void *)f->buf, SPLIT },
		{ (void *)(f->buf + SPLIT), f->lay.len - SPLIT },
	};
	struct vnet_gso_ctx ctx;
	struct vnet_pkt pkt;
	double best = 0, t0, t;
	uint64_t segs_done;
	int r, n, b;

	vnet_features_clear(&feat, VNET_F_GUEST_HDRLEN);
	vnet_gso_ctx_init(&ctx, &feat, mode, 1);
	vnet_pkt_init(&pkt, iov, 2);
	for (r = 0; r < rounds; r++) {
		segs_done = 0;
		t0 = now_ns();
		do {
			for (b = 0; b < BATCH; b++) {
				n = vnet_gso_segment(&ctx, &f->h, &pkt, &out);
				if (n < 0) {
					fprintf(stderr, "%s: engine: %d %s\n",
						f->name, n,
						vnet_tx_reason_name(out.reason));
					exit(1);
				}
				segs_done += (uint64_t)n;
			}
			t = now_ns();
		} while (t - t0 < RUN_NS);
		if (segs_done / (t - t0) * 1e9 > best)
			best = (double)segs_done / (t - t0) * 1e9;
	}
	return best;
}

/**
 * dpdk_pkt() - the frame as a two-mbuf chain with the TSO flags set
 * @pool:	pool of 33 KiB buffers
 * @f:		the frame
 * @tunnel:	VXLAN
 *
 * Return: the chain
 */
static struct rte_mbuf *dpdk_pkt(struct rte_mempool *pool,
				 const struct bench_frame *f, bool tunnel)
{
	struct rte_mbuf *a = rte_pktmbuf_alloc(pool), *b = rte_pktmbuf_alloc(pool);

	if (!a || !b) {
		fprintf(stderr, "dpdk: no mbufs\n");
		exit(1);
	}
	memcpy(rte_pktmbuf_append(a, SPLIT), f->buf, SPLIT);
	memcpy(rte_pktmbuf_append(b, (uint16_t)(f->lay.len - SPLIT)),
	       f->buf + SPLIT, f->lay.len - SPLIT);
	rte_pktmbuf_chain(a, b);
	a->l2_len = 14;
	a->l3_len = 20;
	a->l4_len = 20;
	if (tunnel) {
		a->outer_l2_len = 14;
		a->outer_l3_len = 20;
		a->l2_len = 8 + 8 + 14;
	}
	return a;
}

/* Segments per second of rte_gso_segment over @f, best of @rounds. */
static double dpdk_rate(struct rte_gso_ctx *gctx, struct rte_mbuf *pkt,
			uint64_t flags, int rounds)
{
	struct rte_mbuf *out[SEG_MAX];
	double best = 0, t0, t;
	uint64_t segs_done;
	int r, n, i, b;

	for (r = 0; r < rounds; r++) {
		segs_done = 0;
		t0 = now_ns();
		do {
			for (b = 0; b < BATCH; b++) {
				pkt->ol_flags = flags;	/* GSO clears it */
				n = rte_gso_segment(pkt, gctx, out, SEG_MAX);
				if (n < 1) {
					fprintf(stderr, "rte_gso_segment: %d\n",
						n);
					exit(1);
				}
				for (i = 0; i < n; i++)
					rte_pktmbuf_free(out[i]);
				segs_done += (uint64_t)n;
			}
			t = now_ns();
		} while (t - t0 < RUN_NS);
		if (segs_done / (t - t0) * 1e9 > best)
			best = (double)segs_done / (t - t0) * 1e9;
	}
	return best;
}

static void build(struct bench_frame *f, const char *name,
		  const struct tf_spec *s, uint8_t type, uint8_t flags)
{
	f->name = name;
	tf_build(s, f->buf, type, MSS, &f->h, &f->lay);
	f->h.flags |= flags;
}

static void keep(double *best, double v)
{
	if (v > *best)
		*best = v;
}

/* Payload that makes the IP datagram 65535 bytes (64 KiB frames). */
#define P4	(65535 - 20 - 20)

int main(int argc, char **argv)
{
	char *eal[] = { "gso_bench", "--no-huge", "--no-pci", "-m", "512",
			"--no-shconf", "--log-level=error", "-l", "0" };
	static struct bench_frame tcp4, tcp6, udp4, vxlan;
	struct tf_spec s4 = { .tcp_flags = 0x18, .payload = P4, .seed = 1 };
	struct tf_spec s6 = { .v6 = true, .tcp_flags = 0x18,
		.payload = 65535 - 20, .seed = 2 };
	struct tf_spec su = { .udp = true, .payload = 65535 - 20 - 8,
		.seed = 3 };
	struct tf_spec sv = { .tunnel = true, .tcp_flags = 0x18,
		.payload = 65535 - 20 - 8 - 8 - 14 - 20 - 20, .seed = 4 };
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	struct rte_mempool *in, *direct, *indirect;
	static const char *const names[10] = {
		"tcp4  dpdk rte_gso_segment (no csum)",
		"tcp4  vnet zero-copy (csum)", "tcp4  vnet copy (csum)",
		"tcp6  vnet zero-copy (csum)", "tcp6  vnet copy (csum)",
		"uso4  vnet zero-copy (csum)", "uso4  vnet copy (csum)",
		"vxlan dpdk rte_gso_segment (no csum)",
		"vxlan vnet zero-copy (2 csums)", "vxlan vnet copy (2 csums)",
	};
	struct rte_gso_ctx gctx, gvx;
	struct rte_mbuf *p4, *pv;
	double best[10] = { 0 };
	int r, i;

	build(&tcp4, "tcp4", &s4, VNET_HDR_GSO_TCPV4, 0);
	build(&tcp6, "tcp6", &s6, VNET_HDR_GSO_TCPV6, 0);
	build(&udp4, "uso4", &su, VNET_HDR_GSO_UDP_L4, 0);
	build(&vxlan, "vxlan-tcp4", &sv, VNET_HDR_GSO_TCPV4,
	      VNET_HDR_F_UDP_TUNNEL_CSUM);
	if (rte_eal_init(sizeof(eal) / sizeof(eal[0]), eal) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return 1;
	}
	in = rte_pktmbuf_pool_create("in", 63, 0, 0, SPLIT + 1024 +
				     RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
	direct = rte_pktmbuf_pool_create("direct", 1023, 256, 0,
					 RTE_MBUF_DEFAULT_BUF_SIZE,
					 SOCKET_ID_ANY);
	indirect = rte_pktmbuf_pool_create("indirect", 1023, 256, 0, 0,
					   SOCKET_ID_ANY);
	if (!in || !direct || !indirect) {
		fprintf(stderr, "mempools: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	memset(&gctx, 0, sizeof(gctx));
	gctx.direct_pool = direct;
	gctx.indirect_pool = indirect;
	gctx.flag = 0;				/* incremental IPv4 ID */
	gctx.gso_types = RTE_ETH_TX_OFFLOAD_TCP_TSO;
	gctx.gso_size = MSS + 54 + RTE_ETHER_CRC_LEN;
	gvx = gctx;
	gvx.gso_types = RTE_ETH_TX_OFFLOAD_VXLAN_TNL_TSO;
	gvx.gso_size = MSS + 54 + 50 + RTE_ETHER_CRC_LEN;
	p4 = dpdk_pkt(in, &tcp4, false);
	pv = dpdk_pkt(in, &vxlan, true);
	/* Interleaved rounds, best of each: a busy neighbour hurts all alike. */
	for (r = 0; r < rounds; r++) {
		keep(&best[0], dpdk_rate(&gctx, p4, RTE_MBUF_F_TX_TCP_SEG |
					 RTE_MBUF_F_TX_IPV4, 1));
		keep(&best[1], engine_rate(&tcp4, VNET_GSO_ZEROCOPY, 1));
		keep(&best[2], engine_rate(&tcp4, VNET_GSO_COPY, 1));
		keep(&best[3], engine_rate(&tcp6, VNET_GSO_ZEROCOPY, 1));
		keep(&best[4], engine_rate(&tcp6, VNET_GSO_COPY, 1));
		keep(&best[5], engine_rate(&udp4, VNET_GSO_ZEROCOPY, 1));
		keep(&best[6], engine_rate(&udp4, VNET_GSO_COPY, 1));
		keep(&best[7], dpdk_rate(&gvx, pv, RTE_MBUF_F_TX_TCP_SEG |
					 RTE_MBUF_F_TX_IPV4 |
					 RTE_MBUF_F_TX_OUTER_IPV4 |
					 RTE_MBUF_F_TX_TUNNEL_VXLAN, 1));
		keep(&best[8], engine_rate(&vxlan, VNET_GSO_ZEROCOPY, 1));
		keep(&best[9], engine_rate(&vxlan, VNET_GSO_COPY, 1));
	}
	printf("gso_bench: %d interleaved rounds of %.1f s CPU time per case, best "
	       "kept; MSS %d; frames of %zu bytes in two pieces; checksum "
	       "path %s\n", rounds, RUN_NS / 1e9, MSS, tcp4.lay.len,
	       vnet_csum_impl());
	printf("%-38s %8s %8s\n", "case", "Mseg/s", "vs DPDK");
	for (i = 0; i < 10; i++) {
		double ref = i < 7 ? best[0] : best[7];
		bool cmp = i < 3 || i >= 7;

		if (cmp)
			printf("%-38s %8.2f %7.2fx\n", names[i], best[i] / 1e6,
			       best[i] / ref);
		else
			printf("%-38s %8.2f %8s\n", names[i], best[i] / 1e6,
			       "-");
	}
	rte_eal_cleanup();
	return 0;
}
