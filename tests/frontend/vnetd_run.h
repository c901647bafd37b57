/* SPDX-License-Identifier: MIT */
/* vnetd_run.h - the real daemon for the frontend's integration tests: a network namespace of the test's own, vnetd started in it and stopped */
#ifndef VNETD_RUN_H
#define VNETD_RUN_H

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/**
 * struct vnetd_run - one test program's daemon
 * @path:	vnetd's binary
 * @dir:	a temporary directory for the socket and the log
 * @sock:	the vhost-user socket vnetd serves
 * @log:	vnetd's stdout and stderr
 * @pid:	the running vnetd, or -1
 */
struct vnetd_run {
	const char *path;
	char dir[64];
	char sock[100];
	char log[100];
	pid_t pid;
};

static int run_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A shell command; its exit status as system() gives it. */
static inline int run_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/**
 * run_setup() - a network namespace for this process, a directory
 * @r:		filled
 * @path:	vnetd's binary
 *
 * Return: NULL, or why the test cannot run (it then fails: what it needs
 * is installed and set up by the repo)
 */
static inline const char *run_setup(struct vnetd_run *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->pid = -1;
	if (geteuid() != 0)
		return "needs root to make a network namespace and a tap";
	if (unshare(CLONE_NEWNET))
		return "cannot make a network namespace here";
	if (run_sh("command -v ip >/dev/null"))
		return "iproute2 (ip) is not installed";
	if (run_sh("ip link set lo up"))
		return "cannot set up the namespace's loopback";
	strcpy(r->dir, "/tmp/vnetd-run-XXXXXX");
	if (!mkdtemp(r->dir))
		return "no temporary directory";
	snprintf(r->sock, sizeof(r->sock), "%s/vu.sock", r->dir);
	snprintf(r->log, sizeof(r->log), "%s/vnetd.log", r->dir);
	return NULL;
}

/**
 * run_start() - vnetd --socket-path SOCK with @args (NULL-terminated)
 * @r:		the run
 * @args:	the other options
 *
 * Return: true once vnetd listens, false if it did not within 5 s
 */
static inline bool run_start(struct vnetd_run *r, const char *const *args)
{
	const char *argv[32] = { r->path, "--socket-path", r->sock };
	struct stat st;
	int n = 3, i, fd;

	for (i = 0; args && args[i] && n < 31; i++)
		argv[n++] = args[i];
	unlink(r->sock);
	r->pid = fork();
	if (r->pid < 0)
		return false;
	if (r->pid == 0) {
		fd = open(r->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(r->path, (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < 100 && stat(r->sock, &st); i++)
		usleep(50000);
	return !stat(r->sock, &st);
}

/* SIGTERM, as a service manager stops it. Return: vnetd exited 0. */
static inline bool run_stop(struct vnetd_run *r)
{
	int st = 0, i;

	if (r->pid <= 0)
		return true;
	kill(r->pid, SIGTERM);
	for (i = 0; i < 100 && waitpid(r->pid, &st, WNOHANG) == 0; i++)
		usleep(50000);
	if (i == 100) {
		kill(r->pid, SIGKILL);
		waitpid(r->pid, &st, 0);
	}
	r->pid = -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* After a failed check: vnetd goes, whatever its state. */
static inline void run_kill(struct vnetd_run *r)
{
	if (r->pid > 0) {
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
	}
	r->pid = -1;
}

/* The end: vnetd's log shown after a failure, the directory removed. */
static inline int run_finish(struct vnetd_run *r, int rc)
{
	if (rc)
		run_sh("cat %s", r->log);
	run_sh("rm -rf %s", r->dir);
	return rc;
}

#endif /* VNETD_RUN_H */
