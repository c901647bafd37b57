/* SPDX-License-Identifier: MIT */
/* vnetd_peer.h - the host's side of vnetd's integration tests: frames written into the tap, the Toeplitz hash computed without libvnet */
#ifndef VNETD_PEER_H
#define VNETD_PEER_H

#include <linux/if_packet.h>
#include <net/if.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Microsoft's verification key ("Hash calculation for incoming packets"). */
static const uint8_t peer_ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* Toeplitz, as "Hash calculation for incoming packets" defines it: for
 * every set bit of the input, the 32 key bits starting there
 * (peer_ms_key; @len at most 36 bytes). */
static inline uint32_t peer_toeplitz(const uint8_t *in, size_t len)
{
	uint32_t h = 0;
	size_t i;

	for (i = 0; i < len * 8; i++) {
		uint32_t win = 0;
		size_t k;

		if (!(in[i / 8] & (0x80 >> (i % 8))))
			continue;
		for (k = 0; k < 32; k++)
			win = win << 1 | ((peer_ms_key[(i + k) / 8] >>
					   (7 - (i + k) % 8)) & 1);
		h ^= win;
	}
	return h;
}

/* Microsoft's first vector: 66.9.149.187:2794 -> 161.142.100.80:1766. */
static inline int peer_toeplitz_self_check(void)
{
	const uint8_t in[12] = { 66, 9, 149, 187, 161, 142, 100, 80,
				 2794 >> 8, 2794 & 0xff, 1766 >> 8, 1766 & 0xff };

	return peer_toeplitz(in, 8) == 0x323e8fc2 &&
	       peer_toeplitz(in, 12) == 0x51ccc178;
}

/**
 * struct peer_inject - a packet socket that writes frames into a tap
 * @sock:	AF_PACKET socket, or -1
 * @ifindex:	the tap's index
 */
struct peer_inject {
	int sock;
	int ifindex;
};

static inline int peer_inject_open(struct peer_inject *p, const char *ifname)
{
	p->ifindex = (int)if_nametoindex(ifname);
	p->sock = p->ifindex ? socket(AF_PACKET, SOCK_RAW, 0) : -1;
	return p->sock < 0 ? -1 : 0;
}

/* Out of the tap's host side, with the frame's own protocol: the kernel's
 * flow hash then spreads the flows over the tap's queues. */
static inline int peer_inject(const struct peer_inject *p, const uint8_t *fr,
			      size_t n)
{
	struct sockaddr_ll a = { .sll_family = AF_PACKET,
				 .sll_ifindex = p->ifindex, .sll_halen = 6 };

	memcpy(&a.sll_protocol, fr + 12, 2);
	memcpy(a.sll_addr, fr, 6);
	return sendto(p->sock, fr, n, 0, (struct sockaddr *)&a, sizeof(a)) ==
	       (ssize_t)n ? 0 : -1;
}

#endif /* VNETD_PEER_H */
