// SPDX-License-Identifier: MIT
/* test_vu_sigbus.c - the SIGBUS handler: a registered mapping that shrank is repaired and reported, any other fault still ends the process */

#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "vu_int.h"

#define LEN	(4 * 4096)

/*
 * Each case runs in a child of its own, with SIGBUS at its default (cmocka
 * puts its own handler there during a test) and the transport's handler
 * not yet installed: the child installs it with its first mapping, over
 * whatever it set before. The child reports with its exit status.
 */
static int run_child(int (*fn)(void))
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGBUS, SIG_DFL);
		_exit(fn());
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

/* A shared mapping of a memfd of LEN bytes, then the memfd truncated. */
static volatile uint8_t *shrunk_mapping(void)
{
	int fd = memfd_create("sigbus", MFD_CLOEXEC);
	void *p;

	if (fd < 0 || ftruncate(fd, LEN))
		_exit(100);
	p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		_exit(101);
	((uint8_t *)p)[LEN - 1] = 0x5a;
	if (ftruncate(fd, 4096))
		_exit(102);
	close(fd);
	return p;
}

static const int owner;

/* Registered: the access past the end completes (zero pages), the owner
 * is told, and its connection's read side is shut (its poll wakes). */
static int registered(void)
{
	volatile uint8_t *p = shrunk_mapping();
	int sv[2];
	char c;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) ||
	    vu_sigbus_add(&owner, sv[0], (void *)p, LEN))
		return 10;
	if (vu_sigbus_faulted(&owner))
		return 11;
	if (p[LEN - 1] != 0)	/* was 0x5a, past the new end */
		return 12;
	p[2 * 4096] = 1;	/* writes complete too */
	if (!vu_sigbus_faulted(&owner))
		return 13;
	if (recv(sv[0], &c, 1, MSG_DONTWAIT) != 0)
		return 14;	/* not shut: the owner would not wake */
	vu_sigbus_del((void *)p);
	if (vu_sigbus_faulted(&owner))
		return 15;
	return 0;
}

static void test_registered_fault_repaired(void **state)
{
	int st = run_child(registered);

	(void)state;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* Not registered: reached only if the handler swallowed the fault. */
static int unregistered(void)
{
	volatile uint8_t *q = shrunk_mapping();
	void *r = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (r == MAP_FAILED || vu_sigbus_add(&owner, -1, r, 4096))
		return 20;
	(void)q[LEN - 1];
	return 0;
}

/* The process does not survive a fault on a mapping not registered. */
static void test_other_fault_not_swallowed(void **state)
{
	int st = run_child(unregistered);

	(void)state;
	/* SIGBUS itself, or a sanitizer's report and exit 1 */
	assert_true(WIFSIGNALED(st) ? WTERMSIG(st) == SIGBUS :
		    WIFEXITED(st) && WEXITSTATUS(st) == 1);
}

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	_exit(42);
}

static int chained(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_bus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	return unregistered();	/* installs the transport's, then faults */
}

/* A handler installed before the transport's gets the faults it does not
 * own. */
static void test_previous_handler_chained(void **state)
{
	int st = run_child(chained);

	(void)state;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 42);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registered_fault_repaired),
		cmocka_unit_test(test_other_fault_not_swallowed),
		cmocka_unit_test(test_previous_handler_chained),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
