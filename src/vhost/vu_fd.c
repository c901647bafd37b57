// SPDX-License-Identifier: MIT
/* vu_fd.c - the fds a frontend hands over, checked for what they must be: eventfds for notifications, files that hold what is mapped */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vu_int.h"

/**
 * vu_fd_is_eventfd() - is @fd an eventfd
 * @fd:	a kick, call or error fd from the frontend
 *
 * The backend reads kicks and writes calls and errors as 8-byte eventfd
 * counters; a pipe or a socket would take them differently (a write to a
 * pipe nobody reads blocks or raises SIGPIPE), so only an eventfd is
 * kept. The kernel names it "anon_inode:[eventfd]" in /proc/self/fd.
 *
 * Return: true if so
 */
bool vu_fd_is_eventfd(int fd)
{
	static const char want[] = "anon_inode:[eventfd]";
	char path[40], link[sizeof(want) + 1];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link));
	return n == (ssize_t)sizeof(want) - 1 && !memcmp(link, want, (size_t)n);
}

/**
 * vu_map_file() - map [0, offset + size) of a frontend's file, checked
 * @vu:		the backend, connected
 * @fd:		the file (not closed here)
 * @offset:	where the region starts in it
 * @size:	the region's bytes, non-zero
 * @len:	bytes mapped
 *
 * The file is sealed against shrinking where it can be (a memfd made
 * with MFD_ALLOW_SEALING), then must be a regular file (memfd, tmpfs,
 * hugetlbfs) holding the whole region. One that cannot be sealed may
 * still be truncated later: the mapping is registered so that a SIGBUS on
 * it drops the frontend instead of the process (vu_sigbus.c).
 *
 * Return: the mapping, or NULL (errno set)
 */
void *vu_map_file(struct vnet_vu *vu, int fd, uint64_t offset, uint64_t size,
		  size_t *len)
{
	struct stat st;
	uint64_t end;
	void *p;
	int ret;

	*len = 0;
	if (!size || __builtin_add_overflow(offset, size, &end) ||
	    end > SIZE_MAX) {
		errno = EOVERFLOW;	/* empty, or offset + size wraps */
		return NULL;
	}
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK);	/* where the file allows */
	if (fstat(fd, &st) < 0)
		return NULL;
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size < end) {
		errno = EINVAL;	/* not a file, or shorter than the region */
		return NULL;
	}
	p = mmap(NULL, (size_t)end, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	ret = vu_sigbus_add(vu, vu->conn_fd, p, (size_t)end);
	if (ret) {
		munmap(p, (size_t)end);
		errno = -ret;	/* no slot left to guard it */
		return NULL;
	}
	*len = (size_t)end;
	return p;
}

/**
 * vu_unmap_file() - undo vu_map_file()
 * @base:	the mapping
 * @len:	its length
 */
void vu_unmap_file(void *base, size_t len)
{
	vu_sigbus_del(base);
	munmap(base, len);
}
