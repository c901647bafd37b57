/* SPDX-License-Identifier: MIT */
/* vnetd_netns.h - for the tests that run the real vnetd on a tap: a network namespace of the test's own, the daemon started and stopped by its pid */
#ifndef VNETD_NETNS_H
#define VNETD_NETNS_H

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A shell command, formatted; its system() status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* The test cannot run: what it needs is installed and set up by the repo,
 * so this is a failure, never a skip. Say why; exit code 1. */
static inline int cannot_run(const char *why)
{
	printf("FAIL: %s\n", why);
	return 1;
}

/*
 * Into a network namespace of this process's own (it goes away with the
 * process), its loopback up. Return: 0, or why not (for cannot_run())
 */
static inline const char *netns_enter(void)
{
	if (geteuid() != 0)
		return "needs root to make a network namespace and a tap";
	if (unshare(CLONE_NEWNET))
		return "cannot make a network namespace here";
	if (sh("command -v ip >/dev/null"))
		return "iproute2 (ip) is not installed";
	if (sh("ip link set lo up"))
		return "cannot set up the namespace's loopback";
	return NULL;
}

/*
 * vnetd with @argv (argv[0] the binary), its output appended to @log;
 * waits up to 5 s for @sock to appear. Return: its pid (> 0 when
 * started; the socket may still be missing: the caller checks), or -1
 */
static inline pid_t vnetd_spawn(const char *const *argv, const char *log,
				const char *sock)
{
	struct stat st;
	pid_t pid;
	int i, fd;

	unlink(sock);
	pid = fork();
	if (pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	for (i = 0; pid > 0 && i < 100 && stat(sock, &st); i++)
		usleep(50000);
	return pid;
}

/*
 * SIGTERM, then SIGKILL after 5 s. Return: true if vnetd exited 0 (a
 * sanitizer report makes it exit otherwise)
 */
static inline bool vnetd_term(pid_t pid)
{
	int st = 0, i;

	kill(pid, SIGTERM);
	for (i = 0; i < 100 && waitpid(pid, &st, WNOHANG) == 0; i++)
		usleep(50000);
	if (i == 100) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

#endif /* VNETD_NETNS_H */
