// SPDX-License-Identifier: MIT
/* fuzz_vu_fds.c - libFuzzer: vhost-user requests with fds of every kind, and shared files that shrink, against the backend's request handlers */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
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
 * Input: a run of records, each one message as a frontend writes it, or
 * an action:
 *   1 byte   0xff: end of the run (what follows is only guest memory);
 *            0xfe: the frontend shrinks its unsealable files to nothing
 *            before the next request is served (a 1-byte record);
 *            else the fd count in bits 0-2 (up to 7, more than any
 *            request takes)
 *   n bytes  one per fd, its kind (low 3 bits): FD_* below
 *   12 bytes the vhost-user header (request, flags, size), as is
 *   N bytes  payload, N = size & 0x1ff (so sizes may lie), cut at the end
 * Both memfds hold the input itself, so rings, descriptors and regions the
 * fuzzer writes are what the backend reads.
 *
 * The records are sent on a socketpair the backend adopted, the write side
 * is shut, and the backend dispatches one request at a time; between
 * requests every running queue is served as a device would (pop, push,
 * dirty log, notify), after the files shrank when the input says so: the
 * next access to them raises SIGBUS, which the backend must survive
 * (vu_sigbus.c) by dropping the frontend.
 *
 * Properties: no memory error and no signal that ends the process; the
 * backend never blocks; no fd is leaked (/proc/self/fd counted before and
 * after); a frontend whose files shrank under a running queue is dropped.
 */

#define MSGS_MAX	64
#define FDS_MAX		7
#define FDS_TOTAL	96
#define SHORT_FILE	0x1000	/* the regular file: shorter than regions */

enum fd_kind {
	FD_MEMFD,	/* memfd that takes seals (the backend seals it) */
	FD_MEMFD_OPEN,	/* memfd that takes none: the one that shrinks */
	FD_EVENTFD,
	FD_PIPE_READ,
	FD_PIPE_WRITE,
	FD_SOCKET,
	FD_SHORT_FILE,	/* a regular file of SHORT_FILE bytes */
	FD_DEV_ZERO,	/* mappable, but a character device */
	FD_KINDS
};

struct fds {
	int fd[FD_KINDS];
	int sock_peer;
};

/**
 * make_short_file() - a regular file too short for any region worth mapping
 *
 * Return: its fd, or -1
 */
static int make_short_file(void)
{
	int fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd >= 0 && ftruncate(fd, SHORT_FILE)) {
		close(fd);
		return -1;
	}
	return fd;
}

/**
 * open_fds() - one fd of every kind
 * @f:		filled
 * @data:	input, for the memfds
 * @size:	its size
 */
static void open_fds(struct fds *f, const uint8_t *data, size_t size)
{
	int p[2], s[2];

	f->fd[FD_MEMFD] = make_memfd(data, size, MFD_ALLOW_SEALING);
	f->fd[FD_MEMFD_OPEN] = make_memfd(data, size, 0);
	f->fd[FD_EVENTFD] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s))
		abort();
	f->fd[FD_PIPE_READ] = p[0];
	f->fd[FD_PIPE_WRITE] = p[1];
	f->fd[FD_SOCKET] = s[0];
	f->sock_peer = s[1];
	f->fd[FD_SHORT_FILE] = make_short_file();
	f->fd[FD_DEV_ZERO] = open("/dev/zero", O_RDWR | O_CLOEXEC);
	for (p[0] = 0; p[0] < FD_KINDS; p[0]++)
		if (f->fd[p[0]] < 0)
			abort();
}

static void close_fds(struct fds *f)
{
	unsigned int i;

	for (i = 0; i < FD_KINDS; i++)
		close(f->fd[i]);
	close(f->sock_peer);
}

/**
 * send_record() - write one message with its fds
 * @sock:	our end
 * @rec:	the record, @len bytes left in the input
 * @len:	bytes left
 * @f:		fds of every kind
 * @fds_left:	fds we may still attach in this input
 *
 * Return: bytes of input used, 0 at the end
 */
static size_t send_record(int sock, const uint8_t *rec, size_t len,
			  const struct fds *f, unsigned int *fds_left)
{
	unsigned int nfds = rec[0] & FDS_MAX, i;
	size_t head = 1 + nfds, body;
	int fds[FDS_MAX];
	struct iovec iov;
	uint32_t sz;

	if (len < head + 12 || rec[0] == 0xff)
		return 0;
	for (i = 0; i < nfds; i++)
		fds[i] = f->fd[rec[1 + i] % FD_KINDS];
	rec += head;
	len -= head;
	memcpy(&sz, rec + 8, 4);
	body = sz & 0x1ff;
	if (body > len - 12)
		body = len - 12;
	iov = (struct iovec){ (void *)(uintptr_t)rec, 12 + body };
	if (nfds > *fds_left)
		nfds = *fds_left;
	*fds_left -= nfds;
	if (test_send_fds(sock, &iov, 1, fds, nfds) < 0)
		return 0;
	return head + 12 + body;
}

/**
 * shrink() - the frontend truncates the files that take no seal
 * @f:	the fds
 */
static void shrink(struct fds *f)
{
	if (ftruncate(f->fd[FD_MEMFD_OPEN], 0) ||
	    ftruncate(f->fd[FD_SHORT_FILE], 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnet_vu_config cfg = { 0 };
	unsigned int fds_left = FDS_TOTAL, n, sent = 0;
	bool shrink_at[MSGS_MAX + 1] = { false };
	int sv[2], before, err;
	struct vnet_vu *vu;
	size_t off = 0, used;
	struct fds f;

	before = count_fds();
	open_fds(&f, data, size);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		abort();
	cfg.client = true;
	offer(&cfg.features);
	cfg.queue_pairs = 2;
	cfg.config_size = 64;
	vu = vnet_vu_new(&cfg, &err);
	if (!vu || vnet_vu_adopt(vu, sv[1]))
		abort();
	while (sent < MSGS_MAX && off < size) {
		if (data[off] == 0xfe) {	/* before request number sent */
			shrink_at[sent] = true;
			off++;
			continue;
		}
		used = send_record(sv[0], data + off, size - off, &f,
				   &fds_left);
		if (!used)
			break;
		off += used;
		sent++;
	}
	shutdown(sv[0], SHUT_WR);
	for (n = 0; n <= sent + 1; n++) {
		if (n <= MSGS_MAX && shrink_at[n])
			shrink(&f);
		serve_queues(vu);	/* a SIGBUS here drops the frontend */
		if (vnet_vu_dispatch(vu))
			break;
	}
	if (vnet_vu_connected(vu))
		abort();	/* the run ended: the backend saw the hang-up */
	vnet_vu_free(vu);
	close(sv[0]);
	close_fds(&f);
	if (count_fds() != before)
		abort();	/* an fd the backend took was never closed */
	return 0;
}
