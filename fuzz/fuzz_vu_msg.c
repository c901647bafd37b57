// SPDX-License-Identifier: MIT
/* fuzz_vu_msg.c - libFuzzer: vhost-user messages with fds against the backend's message handler */

#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../tests/unit/send_fds.h"
#include "fuzz_vu.h"
#include "vnet/vhost_user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: a run of records, each one message as a frontend writes it:
 *   1 byte   fds: count in bits 0-3 (up to 11, more than any request may
 *            carry), kind in bits 4-7 (bit set: the eventfd, else the memfd)
 *   12 bytes the vhost-user header (request, flags, size), as is
 *   N bytes  payload, N = size & 0x1ff (so sizes may lie), cut at the end
 * A record whose fd byte is 0xff ends the run (what follows is only guest
 * memory).
 * The memfd behind every region holds the input itself, so rings and
 * descriptors the fuzzer writes are what the backend reads.
 *
 * Each record is one sendmsg() on a socketpair with its fds attached
 * (SCM_RIGHTS); then the write side is shut and the backend dispatches until
 * it disconnects. Between requests, every running queue is served as a
 * device would: elements popped, pushed back, logged, notified.
 *
 * Properties: no memory error; the backend never blocks (the test would time
 * out); no fd is leaked, counted in /proc/self/fd before and after.
 */

#define MSGS_MAX	64
#define FDS_MAX		11
#define FDS_TOTAL	96

/**
 * send_record() - write one message with its fds
 * @sock:	our end
 * @rec:	the record, @len bytes left in the input
 * @len:	bytes left
 * @memfd:	guest memory
 * @evfd:	an eventfd
 * @fds_left:	fds we may still attach in this input
 *
 * Return: bytes of input used, 0 at the end
 */
static size_t send_record(int sock, const uint8_t *rec, size_t len, int memfd,
			  int evfd, unsigned int *fds_left)
{
	unsigned int nfds, i;
	int fds[FDS_MAX];
	struct iovec iov;
	uint32_t size;
	size_t body;

	if (len < 13 || rec[0] == 0xff)
		return 0;
	memcpy(&size, rec + 9, 4);
	body = size & 0x1ff;
	if (body > len - 13)
		body = len - 13;
	iov = (struct iovec){ (void *)(uintptr_t)(rec + 1), 12 + body };
	nfds = rec[0] & 15;
	if (nfds > FDS_MAX)
		nfds = FDS_MAX;
	if (nfds > *fds_left)
		nfds = *fds_left;
	for (i = 0; i < nfds; i++)
		fds[i] = (rec[0] >> (4 + i % 4)) & 1 ? evfd : memfd;
	*fds_left -= nfds;
	if (test_send_fds(sock, &iov, 1, fds, nfds) < 0)
		return 0;
	return 13 + body;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnet_vu_config cfg = { 0 };
	unsigned int fds_left = FDS_TOTAL, n;
	int sv[2], memfd, evfd, before, err;
	struct vnet_vu *vu;
	size_t off = 0, used;

	before = count_fds();
	memfd = make_memfd(data, size, MFD_ALLOW_SEALING);
	evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (memfd < 0 || evfd < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		abort();
	cfg.client = true;
	offer(&cfg.features);
	cfg.queue_pairs = 4;
	cfg.config_size = 64;
	vu = vnet_vu_new(&cfg, &err);
	if (!vu || vnet_vu_adopt(vu, sv[1]))
		abort();
	for (n = 0; n < MSGS_MAX; n++, off += used) {
		used = send_record(sv[0], data + off, size - off, memfd, evfd,
				   &fds_left);
		if (!used)
			break;
	}
	shutdown(sv[0], SHUT_WR);
	for (n = 0; n < MSGS_MAX + 2; n++) {
		if (vnet_vu_dispatch(vu))
			break;
		serve_queues(vu);
	}
	vnet_vu_free(vu);
	close(sv[0]);
	close(memfd);
	close(evfd);
	if (count_fds() != before)
		abort();	/* an fd the backend took was never closed */
	return 0;
}
