// SPDX-License-Identifier: MIT
/* tcpio.c - the test guest's TCP client (stdin to a socket, or a socket to stdout, in large writes) and UDP echo client */

/*
 * busybox nc moves data 1 KiB at a time; from a slow (TCG) guest that makes
 * segments smaller than the MSS, and TSO then never has anything to do.
 * tcpio writes 64 KiB at a time, so the guest's TCP builds GSO frames.
 *
 *   tcpio send ADDR PORT <FILE   send FILE, half-close, wait for the peer's end
 *   tcpio recv ADDR PORT >FILE   half-close, copy what the peer sends
 *   tcpio udp ADDR PORT N SIZE   N datagrams of SIZE bytes (a sequence
 *                                number, then a pattern) to an echo
 *                                service; each reply must be the datagram
 *                                byte for byte (3 tries of 1 s each)
 *   tcpio udpserve PORT SECONDS  an echo service: every datagram back to
 *                                its sender, for SECONDS at most, or until
 *                                5 s pass without one after the first
 *   tcpio gen FILE >OUT          random bytes (/dev/urandom) until FILE
 *                                exists: a stream whose end another
 *                                process decides
 * Built static by build-initramfs.sh. Exit: 0, or 1 with a message.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define TCPIO_BUF	(64 * 1024)
#define TCPIO_TIMEOUT_S	60

static char buf[TCPIO_BUF];

/**
 * write_all() - write all of a buffer to a descriptor
 * @fd:		descriptor
 * @p:		data
 * @len:	its length
 *
 * Return: 0, or -1 with errno set
 */
static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/**
 * copy() - copy from one descriptor to another until end of file
 * @in:		source
 * @out:	destination
 *
 * Return: bytes copied, or -1 with errno set
 */
static long long copy(int in, int out)
{
	long long total = 0;

	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return total;
		if (write_all(out, buf, (size_t)n) < 0)
			return -1;
		total += n;
	}
}

/**
 * connect_to() - a TCP connection with send and receive timeouts
 * @addr:	IPv4 address, dotted
 * @port:	port, decimal
 *
 * Return: the socket, or -1 with a message printed
 */
static int connect_to(const char *addr, const char *port)
{
	struct timeval tv = { .tv_sec = TCPIO_TIMEOUT_S };
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int s;

	sa.sin_port = htons((unsigned short)atoi(port));
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "tcpio: bad address %s\n", addr);
		return -1;
	}
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0) {
		perror("tcpio: socket");
		return -1;
	}
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("tcpio: connect");
		close(s);
		return -1;
	}
	return s;
}

/**
 * udp_echo() - datagrams to an echo service, each checked on its return
 * @addr:	IPv4 address, dotted
 * @port:	port, decimal
 * @count:	datagrams
 * @size:	bytes of each (4..65507)
 *
 * Return: 0, or 1 with a message printed
 */
static int udp_echo(const char *addr, const char *port, int count, int size)
{
	static char reply[TCPIO_BUF];
	struct timeval tv = { .tv_sec = 1 };
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int s, i, j, tries;
	ssize_t n = -1;

	sa.sin_port = htons((unsigned short)atoi(port));
	if (size < 4 || size > (int)sizeof(buf) - 28 ||
	    inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "tcpio: bad address %s or size %d\n", addr, size);
		return 1;
	}
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("tcpio: udp socket");
		return 1;
	}
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (i = 0; i < count; i++) {
		memcpy(buf, &i, 4);
		for (j = 4; j < size; j++)
			buf[j] = (char)(i * 7 + j);
		for (tries = 0; tries < 3; tries++) {
			if (send(s, buf, (size_t)size, 0) != size)
				break;
			/* skip late replies to an earlier try */
			while ((n = recv(s, reply, sizeof(reply), 0)) >= 4 &&
			       memcmp(reply, buf, 4))
				;
			if (n >= 0)
				break;
		}
		if (n != size || memcmp(reply, buf, (size_t)size)) {
			fprintf(stderr, "tcpio: udp datagram %d: %s\n", i,
				n < 0 ? "no reply" : "reply differs");
			return 1;
		}
	}
	fprintf(stderr, "tcpio: udp %d datagrams of %d bytes echoed\n", count,
		size);
	close(s);
	return 0;
}

/**
 * udp_serve() - echo datagrams back to their senders for a while
 * @port:	port, decimal
 * @seconds:	how long
 *
 * Return: 0, or 1 with a message printed
 */
static int udp_serve(const char *port, int seconds)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 1 };
	struct sockaddr_in from;
	socklen_t fl;
	time_t end = time(NULL) + seconds, last = 0;
	long echoed = 0;
	ssize_t n;
	int s;

	sa.sin_port = htons((unsigned short)atoi(port));
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("tcpio: udpserve");
		return 1;
	}
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (time(NULL) < end && (!last || time(NULL) - last < 5)) {
		fl = sizeof(from);
		n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n >= 0 && sendto(s, buf, (size_t)n, 0,
				     (struct sockaddr *)&from, fl) == n) {
			echoed++;
			last = time(NULL);
		}
	}
	fprintf(stderr, "tcpio: udpserve echoed %ld datagrams\n", echoed);
	close(s);
	return 0;
}

/**
 * gen() - random bytes to stdout until a file exists
 * @stop:	the file's path, looked at before each 64 KiB
 *
 * Return: 0, or 1 with a message printed
 */
static int gen(const char *stop)
{
	long long total = 0;
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd < 0) {
		perror("tcpio: /dev/urandom");
		return 1;
	}
	while (access(stop, F_OK)) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n <= 0 || write_all(1, buf, (size_t)n) < 0) {
			perror("tcpio: gen");
			return 1;
		}
		total += n;
	}
	fprintf(stderr, "tcpio: gen %lld bytes\n", total);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	long long n;
	int s;

	if (argc == 4 && !strcmp(argv[1], "udpserve"))
		return udp_serve(argv[2], atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "gen"))
		return gen(argv[2]);
	if (argc == 6 && !strcmp(argv[1], "udp"))
		return udp_echo(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	if (argc != 4 || (strcmp(argv[1], "send") && strcmp(argv[1], "recv"))) {
		fprintf(stderr, "usage: tcpio send|recv ADDR PORT\n"
			"       tcpio udp ADDR PORT COUNT SIZE\n"
			"       tcpio udpserve PORT SECONDS\n"
			"       tcpio gen STOPFILE\n");
		return 1;
	}
	s = connect_to(argv[2], argv[3]);
	if (s < 0)
		return 1;
	if (!strcmp(argv[1], "send")) {
		n = copy(0, s);
		if (n < 0 || shutdown(s, SHUT_WR) < 0 || copy(s, 1) < 0) {
			perror("tcpio: send");
			return 1;
		}
	} else {
		n = shutdown(s, SHUT_WR) < 0 ? -1 : copy(s, 1);
		if (n < 0) {
			perror("tcpio: recv");
			return 1;
		}
	}
	fprintf(stderr, "tcpio: %s %lld bytes\n", argv[1], n);
	close(s);
	return 0;
}
