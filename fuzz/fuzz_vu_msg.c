// SPDX-License-Identifier: MIT
/* fuzz_vu_msg.c - libFuzzer: vhost-user messages with fds against the backend's message handler */

#define _GNU_SOURCE
#include <dirent.h>
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
#define MEMFD_SIZE	0x40000

/**
 * count_fds() - open fds of this process
 *
 * Return: the count (the directory's own fd excluded)
 */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		abort();
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;
}

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

/**
 * serve_queues() - what a device does with every running queue
 * @vu:		the backend
 */
static void serve_queues(struct vnet_vu *vu)
{
	struct iovec out[16], in[16];
	struct vnet_virtq_elem e;
	unsigned int idx, i;

	for (idx = 0; idx < VNET_VU_QUEUES_MAX; idx++) {
		struct vnet_virtq *q = vnet_vu_queue(vu, idx);

		if (!q)
			continue;
		vnet_vu_kick_drain(vu, idx);
		for (i = 0; i < 8; i++) {
			vnet_virtq_elem_init(&e, out, 16, in, 16);
			if (vnet_virtq_pop(q, &e) != 1)
				break;
			vnet_vu_log_write(vu, in, e.in_num, e.in_len);
			vnet_virtq_push(q, &e, e.in_len);
		}
		vnet_virtq_flush(q);
		vnet_vu_notify(vu, idx);
	}
}

/**
 * offer() - what the backend offers: a daemon's usual set, every ring kind
 * @f:		filled
 */
static void offer(struct vnet_features *f)
{
	static const unsigned int bits[] = {
		VNET_F_VERSION_1, VNET_F_CSUM, VNET_F_GUEST_CSUM,
		VNET_F_HOST_TSO4, VNET_F_GUEST_TSO4, VNET_F_MRG_RXBUF,
		VNET_F_CTRL_VQ, VNET_F_MQ, VNET_F_STATUS, VNET_F_MTU,
		VNET_F_INDIRECT_DESC, VNET_F_EVENT_IDX, VNET_F_RING_PACKED,
		VNET_F_IN_ORDER,
	};
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		vnet_features_set(f, bits[i]);
}

/**
 * make_memfd() - guest memory holding the input
 * @data:	input
 * @size:	its size
 *
 * Return: the memfd, or -1
 */
static int make_memfd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-guest", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, MEMFD_SIZE) ||
	    pwrite(fd, data, size < MEMFD_SIZE ? size : MEMFD_SIZE, 0) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnet_vu_config cfg = { 0 };
	unsigned int fds_left = FDS_TOTAL, n;
	int sv[2], memfd, evfd, before, err;
	struct vnet_vu *vu;
	size_t off = 0, used;

	before = count_fds();
	memfd = make_memfd(data, size);
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
