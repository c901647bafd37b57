/* SPDX-License-Identifier: MIT */
/* send_fds.h - tests' raw vhost-user writes: a message with fds attached */
#ifndef VNET_TEST_SEND_FDS_H
#define VNET_TEST_SEND_FDS_H

/*
 * The backend's own vu_msg_send_fds() refuses more than VU_FDS_MAX fds;
 * the tests send up to TEST_FDS_MAX, more than any request takes, to
 * check that extras are closed, never leaked.
 */

#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#define TEST_FDS_MAX	32

/**
 * test_send_fds() - sendmsg() of @iov with @nfds fds as SCM_RIGHTS
 * @sock:	connected unix socket
 * @iov:	the message
 * @iovcnt:	its segments
 * @fds:	fds to pass (copied by the kernel)
 * @nfds:	how many, at most TEST_FDS_MAX
 *
 * Return: sendmsg()'s result, or -1 for too many fds
 */
static inline ssize_t test_send_fds(int sock, struct iovec *iov, int iovcnt,
				    const int *fds, unsigned int nfds)
{
	char ctl[CMSG_SPACE(TEST_FDS_MAX * sizeof(int))];
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = (size_t)iovcnt };
	struct cmsghdr *c;

	if (nfds > TEST_FDS_MAX)
		return -1;
	if (nfds) {
		memset(ctl, 0, sizeof(ctl));
		mh.msg_control = ctl;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL);
}

#endif /* VNET_TEST_SEND_FDS_H */
