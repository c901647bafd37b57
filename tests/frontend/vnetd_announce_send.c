// SPDX-License-Identifier: MIT
/* vnetd_announce_send.c - a frontend that connects, starts its rings and sends SEND_RARP (tests/interop/test_overlay_announce.sh) */

#include <stdio.h>
#include <string.h>

#include "vnet/vhost_user.h"
#include "vu_front.h"

/*
 * Usage: vnetd_announce_send SOCKET MAC
 * What QEMU does on a migration's destination for a guest without
 * GUEST_ANNOUNCE: the device started, then SEND_RARP with the guest's MAC
 * (answered, with REPLY_ACK, once vnetd has handled it). Exit 0 when
 * vnetd took it, 1 otherwise.
 */
int main(int argc, char **argv)
{
	struct vuf_opts o = { .mrg = true, .pairs = 1, .qsize = 64,
			      .proto_extra = 1ULL << VNET_VU_PROTOCOL_F_RARP };
	unsigned int m[6];
	uint64_t u = 0;
	struct vuf f;
	int i, ret;

	if (argc != 3 || sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &m[0], &m[1],
				&m[2], &m[3], &m[4], &m[5]) != 6) {
		fprintf(stderr, "usage: vnetd_announce_send SOCKET MAC\n");
		return 1;
	}
	for (i = 0; i < 6; i++)
		u |= (uint64_t)(m[i] & 0xff) << (8 * i);
	ret = vuf_start(&f, argv[1], &o);
	if (!ret && !(f.protocol & (1ULL << VNET_VU_PROTOCOL_F_RARP)))
		ret = -1;
	if (!ret)
		ret = vuf_set(&f, VNET_VU_SEND_RARP, &u, 8, NULL, 0);
	vuf_close(&f);
	if (ret)
		fprintf(stderr, "vnetd_announce_send: %s\n", strerror(-ret));
	return ret ? 1 : 0;
}
