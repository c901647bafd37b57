// SPDX-License-Identifier: MIT
/* vu_sigbus.c - surviving a frontend that shrinks a file we mapped: a registry of mappings and a SIGBUS handler */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "vu_int.h"

/*
 * Guest memory, the dirty log and the inflight region are files the
 * frontend shares. Only a memfd made with MFD_ALLOW_SEALING takes
 * F_SEAL_SHRINK; QEMU's memory-backend-file, hugetlbfs and DPDK's files do
 * not, and their owner may truncate them under our mappings: the next
 * access past the new end raises SIGBUS, on whichever thread made it.
 *
 * Every mapping of a frontend's file is registered here. The handler
 * looks the faulting address up (a fixed array, no lock, no allocation),
 * maps anonymous zero pages over the whole mapping (MAP_FIXED), so the
 * access completes and every later one reads zeros, marks the mapping
 * faulted and shuts the connection's read side, which wakes the owner's
 * poll loop. vnet_vu_dispatch() then breaks the queues (their error
 * eventfds fire) and drops the frontend, unmapping everything. A fault
 * at an address not registered goes to the handler installed before ours
 * (a sanitizer's, libFuzzer's), or kills the process as SIGBUS would.
 *
 * Slots change only in the thread that serves the backend; the owner
 * keeps the others out of guest memory while it does (vnetd's device
 * lock), so no slot is freed under a handler using it.
 */

#define VU_SIGBUS_SLOTS	256	/* 34 mappings per backend at most */

enum { SLOT_FREE, SLOT_BUSY, SLOT_LIVE };

/**
 * struct vu_sigbus_slot - one registered mapping
 * @state:	SLOT_FREE, SLOT_BUSY (being written) or SLOT_LIVE
 * @base:	start of the mapping
 * @len:	its length
 * @owner:	the backend that made it
 * @wake_fd:	the backend's connection, shut on a fault
 * @faulted:	a SIGBUS hit it
 */
struct vu_sigbus_slot {
	atomic_int state;
	uintptr_t base;
	size_t len;
	const void *owner;
	int wake_fd;
	atomic_bool faulted;
};

static struct vu_sigbus_slot vu_slots[VU_SIGBUS_SLOTS];
static struct sigaction vu_prev;
static pthread_once_t vu_once = PTHREAD_ONCE_INIT;
static int vu_install_err;

/**
 * vu_sigbus_chain() - a SIGBUS that is not ours: what would have happened
 * @sig:	SIGBUS
 * @si:		its information
 * @uc:		context
 */
static void vu_sigbus_chain(int sig, siginfo_t *si, void *uc)
{
	struct sigaction dfl;

	if ((vu_prev.sa_flags & SA_SIGINFO) && vu_prev.sa_sigaction) {
		vu_prev.sa_sigaction(sig, si, uc);
		return;
	}
	if (vu_prev.sa_handler != SIG_DFL && vu_prev.sa_handler != SIG_IGN) {
		vu_prev.sa_handler(sig);
		return;
	}
	/* Default action: die of SIGBUS once this handler returns. */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(sig, &dfl, NULL);
	raise(sig);
}

/**
 * vu_sigbus_handler() - zero pages over a registered mapping that faulted
 * @sig:	SIGBUS
 * @si:		its information: the faulting address
 * @uc:		context
 */
static void vu_sigbus_handler(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	int saved = errno;
	unsigned int i;

	for (i = 0; i < VU_SIGBUS_SLOTS; i++) {
		struct vu_sigbus_slot *s = &vu_slots[i];

		if (atomic_load_explicit(&s->state, memory_order_acquire) !=
		    SLOT_LIVE || a - s->base >= s->len)
			continue;
		if (mmap((void *)s->base, s->len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
			 MAP_NORESERVE, -1, 0) == MAP_FAILED)
			break;	/* cannot repair: die as we would have */
		atomic_store(&s->faulted, true);
		shutdown(s->wake_fd, SHUT_RD);	/* wakes the owner's poll */
		errno = saved;
		return;
	}
	errno = saved;
	vu_sigbus_chain(sig, si, uc);
}

/* Installed once per process, before the first mapping. */
static void vu_sigbus_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = vu_sigbus_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &vu_prev) < 0)
		vu_install_err = -errno;
}

/**
 * vu_sigbus_add() - register a mapping of a frontend's file
 * @owner:	the backend
 * @wake_fd:	its connection
 * @base:	the mapping
 * @len:	its length
 *
 * Return: 0, -ENOSPC with every slot taken, or -errno of sigaction()
 */
int vu_sigbus_add(const void *owner, int wake_fd, void *base, size_t len)
{
	unsigned int i;

	pthread_once(&vu_once, vu_sigbus_install);
	if (vu_install_err)
		return vu_install_err;
	for (i = 0; i < VU_SIGBUS_SLOTS; i++) {
		struct vu_sigbus_slot *s = &vu_slots[i];
		int expect = SLOT_FREE;

		if (!atomic_compare_exchange_strong(&s->state, &expect,
						    SLOT_BUSY))
			continue;
		s->base = (uintptr_t)base;
		s->len = len;
		s->owner = owner;
		s->wake_fd = wake_fd;
		atomic_store(&s->faulted, false);
		atomic_store_explicit(&s->state, SLOT_LIVE,
				      memory_order_release);
		return 0;
	}
	return -ENOSPC;
}

/**
 * vu_sigbus_del() - forget a mapping, before it is unmapped
 * @base:	the mapping, as registered
 */
void vu_sigbus_del(const void *base)
{
	unsigned int i;

	for (i = 0; i < VU_SIGBUS_SLOTS; i++) {
		struct vu_sigbus_slot *s = &vu_slots[i];

		if (atomic_load(&s->state) == SLOT_LIVE &&
		    s->base == (uintptr_t)base) {
			atomic_store(&s->state, SLOT_FREE);
			return;
		}
	}
}

/**
 * vu_sigbus_faulted() - did a mapping of @owner fault
 * @owner:	the backend
 *
 * Return: true if one did since it was registered
 */
bool vu_sigbus_faulted(const void *owner)
{
	unsigned int i;

	for (i = 0; i < VU_SIGBUS_SLOTS; i++) {
		struct vu_sigbus_slot *s = &vu_slots[i];

		if (atomic_load(&s->state) == SLOT_LIVE && s->owner == owner &&
		    atomic_load(&s->faulted))
			return true;
	}
	return false;
}
