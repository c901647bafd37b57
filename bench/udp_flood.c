// SPDX-License-Identifier: MIT
/* udp_flood.c - UDP datagrams to ADDR:PORT as fast as sendmmsg() takes them,
 * for SECONDS; prints how many the socket took (vnetd_bench.sh's source) */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH	64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static char payload[1472];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in to;
	unsigned long long sent = 0;
	size_t len;
	double end;
	int s, i, n;

	if (argc != 5) {
		fprintf(stderr, "usage: udp_flood ADDR PORT SIZE SECONDS\n");
		return 2;
	}
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((unsigned short)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1)
		return 2;
	len = (size_t)atoi(argv[3]);
	if (len > sizeof(payload))
		len = sizeof(payload);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		return 1;
	memset(m, 0, sizeof(m));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = payload;
		iov[i].iov_len = len;
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
		m[i].msg_hdr.msg_name = &to;
		m[i].msg_hdr.msg_namelen = sizeof(to);
	}
	end = now() + atof(argv[4]);
	while (now() < end) {
		n = sendmmsg(s, m, BATCH, MSG_DONTWAIT);
		if (n > 0)
			sent += (unsigned long long)n;
	}
	printf("%llu\n", sent);
	return 0;
}
