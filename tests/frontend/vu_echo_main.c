// SPDX-License-Identifier: MIT
/* vu_echo_main.c - vnet-vu-echo: the echo backend as a program, for DPDK's virtio-user and the demo */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vu_echo.h"

static struct vu_echo echo;

static unsigned int every_ms, inject_n, npairs;

/* --inject-every: top the injection counters up on a timer. */
static void *injector(void *arg)
{
	unsigned int i;

	(void)arg;
	for (;;) {
		usleep(every_ms * 1000);
		for (i = 0; i < npairs; i++)
			if (atomic_load(&echo.inject[i]) < inject_n)
				atomic_fetch_add(&echo.inject[i], inject_n);
	}
	return NULL;
}

static void on_signal(int sig)
{
	(void)sig;
	vu_echo_stop(&echo);
}

static void usage(void)
{
	fprintf(stderr, "usage: vnet-vu-echo [--client] [--pairs N] "
		"[--inject N [--inject-every MS]]\n"
		"                    SOCKET | --socket-path=SOCKET | --fd=FD\n"
		"       vnet-vu-echo --print-capabilities\n"
		"  Frames sent on a TX queue come back on the RX queue of the\n"
		"  same pair; --inject seeds N frames per pair into RX,\n"
		"  --inject-every MS again every MS milliseconds.\n");
}

int main(int argc, char **argv)
{
	unsigned int pairs = 1, inject = 0, i;
	const struct vnet_vu_stats *st;
	const char *path = NULL;
	struct vnet_features offer;
	bool client = false;
	int ret, fd = -1;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--client"))
			client = true;
		else if (!strcmp(argv[i], "--pairs") && i + 1 < (unsigned int)argc)
			pairs = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--inject") && i + 1 < (unsigned int)argc)
			inject = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--inject-every") &&
			 i + 1 < (unsigned int)argc)
			every_ms = (unsigned int)atoi(argv[++i]);
		else if (!strncmp(argv[i], "--socket-path=", 14))
			path = argv[i] + 14;
		else if (!strncmp(argv[i], "--fd=", 5))
			fd = atoi(argv[i] + 5);
		else if (!strcmp(argv[i], "--print-capabilities"))
			return puts("{\n  \"type\": \"net\"\n}") < 0;
		else if (argv[i][0] != '-' && !path)
			path = argv[i];
		else
			return usage(), 2;
	}
	if ((!path) == (fd < 0) || !pairs || pairs > ECHO_PAIRS_MAX)
		return usage(), 2;	/* one of a path and --fd */
	vu_echo_default_offer(&offer, pairs);
	ret = vu_echo_init(&echo, path, client || fd >= 0, pairs, &offer);
	if (!ret && fd >= 0)
		ret = vnet_vu_adopt(echo.vu, fd);
	if (ret) {
		fprintf(stderr, "vnet-vu-echo: %s: %s\n", path ? path : "--fd",
			strerror(-ret));
		return 1;
	}
	for (i = 0; i < pairs; i++)
		echo.inject[i] = inject;
	inject_n = inject;
	npairs = pairs;
	if (every_ms && inject) {
		pthread_t t;

		if (pthread_create(&t, NULL, injector, NULL))
			return 1;
		pthread_detach(t);
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	printf("vnet-vu-echo: %s on %s, %u pair(s)\n",
	       fd >= 0 ? "serving" : client ? "connecting" : "listening",
	       path ? path : "--fd", pairs);
	fflush(stdout);
	ret = vu_echo_run(&echo);
	st = vnet_vu_get_stats(echo.vu);
	printf("from_guest=%lu to_guest=%lu dropped=%lu connections=%lu "
	       "disconnects=%lu messages=%lu unknown=%lu\n",
	       (unsigned long)echo.from_guest, (unsigned long)echo.to_guest,
	       (unsigned long)echo.dropped, (unsigned long)st->connections,
	       (unsigned long)st->disconnects, (unsigned long)st->messages,
	       (unsigned long)st->unknown);
	vu_echo_fini(&echo);
	return ret ? 1 : 0;
}
