/* SPDX-License-Identifier: MIT */
/* vnetd_proc.h - the real vnetd as a test's child: started on sockets of its own, its stats read, stopped */
#ifndef VNETD_PROC_H
#define VNETD_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * struct vnetd_proc - one vnetd and where it listens
 * @pid:	the process, -1 when none runs
 * @dir:	a directory of its own under /tmp
 * @sock:	its vhost-user socket there
 * @stats:	its stats socket there
 */
struct vnetd_proc {
	pid_t pid;
	char dir[64];
	char sock[96];
	char stats[96];
};

/* Now, in ms of CLOCK_MONOTONIC. */
uint64_t vnetd_proc_now_ms(void);

/* A directory /tmp/vnetd-@name-XXXXXX and the socket paths in it: 0 or -1. */
int vnetd_proc_init(struct vnetd_proc *p, const char *name);

/*
 * vnetd @bin with --socket-path, --stats, --log-level warn, then @args
 * (NULL-terminated, 8 at most), started as a service manager starts it
 * (SIGPIPE at its default); waits up to 20 s for it to serve. Return: 0,
 * or -1 if it could not start or exited.
 */
int vnetd_proc_start(struct vnetd_proc *p, const char *bin,
		     const char *const *args);

/* SIGTERM, and vnetd reaped within @ms: its wait status in @status.
 * Return: 0, or -1 if it still runs (it is left running). */
int vnetd_proc_stop(struct vnetd_proc *p, int ms, int *status);

/* Whatever runs is killed and reaped; the sockets and directory removed. */
void vnetd_proc_fini(struct vnetd_proc *p);

/* A client connected to the stats socket, or -1. */
int vnetd_proc_stats_connect(const struct vnetd_proc *p);

/* The whole answer to @req, NUL-terminated in @text, if it comes within
 * @ms: true; else false. */
bool vnetd_proc_fetch(const struct vnetd_proc *p, const char *req, char *text,
		      size_t room, int ms);

/* The value of the Prometheus sample @key (name and labels), answered
 * within @ms; -1 if there is none. */
long long vnetd_proc_stat(const struct vnetd_proc *p, const char *key, int ms);

#endif /* VNETD_PROC_H */
