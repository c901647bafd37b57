/* SPDX-License-Identifier: MIT */
/* vnetd_run.h - the real daemon for the frontend's integration tests, as one struct: its namespace, directory, socket and log (vnetd_netns.h does the work) */
#ifndef VNETD_RUN_H
#define VNETD_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vnetd_netns.h"

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
	const char *why;

	memset(r, 0, sizeof(*r));
	r->path = path;
	r->pid = -1;
	why = netns_enter();
	if (why)
		return why;
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
	int n = 3, i;

	for (i = 0; args && args[i] && n < 31; i++)
		argv[n++] = args[i];
	r->pid = vnetd_spawn(argv, r->log, r->sock);
	return r->pid > 0 && !stat(r->sock, &st);
}

/* SIGTERM, as a service manager stops it. Return: vnetd exited 0. */
static inline bool run_stop(struct vnetd_run *r)
{
	bool clean;

	if (r->pid <= 0)
		return true;
	clean = vnetd_term(r->pid);
	r->pid = -1;
	return clean;
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
		sh("cat %s", r->log);
	sh("rm -rf %s", r->dir);
	return rc;
}

#endif /* VNETD_RUN_H */
