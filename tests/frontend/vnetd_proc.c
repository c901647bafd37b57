// SPDX-License-Identifier: MIT
/* vnetd_proc.c - the real vnetd as a test's child: started on sockets of its own, its stats read, stopped */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vnetd_proc.h"

uint64_t vnetd_proc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int vnetd_proc_init(struct vnetd_proc *p, const char *name)
{
	p->pid = -1;
	snprintf(p->dir, sizeof(p->dir), "/tmp/vnetd-%s-XXXXXX", name);
	if (!mkdtemp(p->dir))
		return -1;
	snprintf(p->sock, sizeof(p->sock), "%s/vu.sock", p->dir);
	snprintf(p->stats, sizeof(p->stats), "%s/stats.sock", p->dir);
	return 0;
}

/* The child: vnetd's command line, then exec. */
static void vnetd_proc_exec(const struct vnetd_proc *p, const char *bin,
			    const char *const *args)
{
	const char *argv[16] = { bin, "--socket-path", p->sock, "--stats",
				 p->stats, "--log-level", "warn" };
	unsigned int n = 7;

	while (*args && n < 15)
		argv[n++] = *args++;
	/* a test ignores SIGPIPE, and an ignored signal stays ignored
	 * across exec: vnetd must not depend on that */
	signal(SIGPIPE, SIG_DFL);
	execv(bin, (char *const *)argv);
	_exit(127);
}

int vnetd_proc_start(struct vnetd_proc *p, const char *bin,
		     const char *const *args)
{
	uint64_t end = vnetd_proc_now_ms() + 20000;
	int st;

	p->pid = fork();
	if (p->pid == 0)
		vnetd_proc_exec(p, bin, args);
	if (p->pid < 0)
		return -1;
	/* both sockets exist once vnetd serves (the stats one is made last) */
	while (vnetd_proc_now_ms() < end) {
		if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
			p->pid = -1;
			return -1;
		}
		if (!access(p->stats, F_OK))
			return 0;
		usleep(10000);
	}
	return -1;
}

int vnetd_proc_stop(struct vnetd_proc *p, int ms, int *status)
{
	uint64_t end = vnetd_proc_now_ms() + (uint64_t)ms;
	pid_t r;

	if (p->pid <= 0 || kill(p->pid, SIGTERM))
		return -1;
	while ((r = waitpid(p->pid, status, WNOHANG)) == 0 &&
	       vnetd_proc_now_ms() < end)
		usleep(5000);
	if (r != p->pid)
		return -1;
	p->pid = -1;
	return 0;
}

void vnetd_proc_fini(struct vnetd_proc *p)
{
	int st;

	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &st, 0);
		p->pid = -1;
	}
	unlink(p->sock);
	unlink(p->stats);
	rmdir(p->dir);
}

int vnetd_proc_stats_connect(const struct vnetd_proc *p)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strncpy(sa.sun_path, p->stats, sizeof(sa.sun_path) - 1);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

bool vnetd_proc_fetch(const struct vnetd_proc *p, const char *req, char *text,
		      size_t room, int ms)
{
	uint64_t end = vnetd_proc_now_ms() + (uint64_t)ms;
	int fd = vnetd_proc_stats_connect(p);
	size_t got = 0;
	ssize_t n = 1;

	if (fd < 0 || write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		goto fail;
	while (n > 0 && got + 1 < room) {
		struct pollfd pf = { fd, POLLIN, 0 };
		uint64_t now = vnetd_proc_now_ms();

		if (now >= end || poll(&pf, 1, (int)(end - now)) != 1)
			goto fail;
		n = read(fd, text + got, room - 1 - got);
		got += n > 0 ? (size_t)n : 0;
	}
	close(fd);
	text[got] = '\0';
	return got > 0;
fail:
	if (fd >= 0)
		close(fd);
	return false;
}

long long vnetd_proc_stat(const struct vnetd_proc *p, const char *key, int ms)
{
	static char text[65536];
	size_t kl = strlen(key);
	const char *at;

	if (!vnetd_proc_fetch(p, "prometheus\n", text, sizeof(text), ms))
		return -1;
	for (at = text; (at = strstr(at, key)); at += kl)
		if ((at == text || at[-1] == '\n') && at[kl] == ' ')
			return strtoll(at + kl + 1, NULL, 10);
	return -1;
}
