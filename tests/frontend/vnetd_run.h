/* SPDX-License-Identifier: MIT */
/* vnetd_run.h - shared by the tests that drive the real daemon: a shell line, vnetd started with its output in a log, stopped by its pid */
#ifndef VNETD_RUN_H
#define VNETD_RUN_H

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static inline int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A shell command line; its exit status as system() gives it. */
static inline int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/**
 * vnetd_spawn() - start vnetd and wait for its socket
 * @argv:	its command line, NULL-terminated, argv[0] the binary
 * @log:	file its output is appended to
 * @sock:	the vhost-user socket it is to make (removed first)
 *
 * Return: its pid, once @sock exists (10 s at most); -1 if it could not
 * start or made no socket (the child is then killed and reaped)
 */
static inline pid_t vnetd_spawn(const char *const *argv, const char *log,
				const char *sock)
{
	struct stat st;
	pid_t pid;
	int i, fd;

	unlink(sock);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < 200 && stat(sock, &st); i++)
		usleep(50000);
	if (!stat(sock, &st))
		return pid;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

/**
 * vnetd_end() - stop vnetd with SIGTERM (SIGKILL after 10 s)
 * @pid:	its pid
 *
 * Return: true if it exited 0 after SIGTERM, as it must (a sanitizer
 * report, a crash or a hang is false)
 */
static inline bool vnetd_end(pid_t pid)
{
	int st = 0, i;

	kill(pid, SIGTERM);
	for (i = 0; i < 200 && waitpid(pid, &st, WNOHANG) == 0; i++)
		usleep(50000);
	if (i == 200) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return false;
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

#endif /* VNETD_RUN_H */
