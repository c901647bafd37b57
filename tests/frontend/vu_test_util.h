/* SPDX-License-Identifier: MIT */
/* vu_test_util.h - shared by the vhost-user integration tests: a backend thread on a temp socket, frame checks */
#ifndef VU_TEST_UTIL_H
#define VU_TEST_UTIL_H

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vu_echo.h"
#include "vu_front.h"

struct backend {
	struct vu_echo e;
	pthread_t thread;
	char dir[64];
	char path[128];
};

static void *backend_main(void *arg)
{
	struct backend *b = arg;

	vu_echo_run(&b->e);
	return NULL;
}

/* Start the echo backend in a thread, listening on a fresh socket. */
static inline int backend_start(struct backend *b, unsigned int pairs)
{
	struct vnet_features offer;
	int ret;

	memset(b, 0, sizeof(*b));
	strcpy(b->dir, "/tmp/vnet-vu-XXXXXX");
	if (!mkdtemp(b->dir))
		return -1;
	snprintf(b->path, sizeof(b->path), "%s/sock", b->dir);
	vu_echo_default_offer(&offer, pairs);
	ret = vu_echo_init(&b->e, b->path, false, pairs, &offer);
	if (ret)
		return ret;
	return pthread_create(&b->thread, NULL, backend_main, b);
}

static inline void backend_stop(struct backend *b)
{
	vu_echo_stop(&b->e);
	pthread_join(b->thread, NULL);
	vu_echo_fini(&b->e);
	rmdir(b->dir);
}

/* Frame @seq of @len bytes (at least 18): broadcast, ethertype 0x88b5,
 * the number, then content from it. Return: @len */
static inline unsigned int tx_frame_len(uint32_t seq, unsigned int len,
					uint8_t *buf)
{
	unsigned int i;

	memset(buf, 0xff, 6);
	memcpy(buf + 6, "\x02\x00\x00\x00\x00\x03\x88\xb5", 8);
	for (i = 14; i < len; i++)
		buf[i] = (uint8_t)(seq * 7 + i * 13);
	memcpy(buf + 14, &seq, 4);
	return len;
}

/* Frames the frontend sends: 60..3000 bytes, content from @seq. */
static inline unsigned int tx_frame(uint32_t seq, uint8_t *buf)
{
	return tx_frame_len(seq, 60 + (seq * 131) % 2941, buf);
}

/* Open fds of this process. */
static inline int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the DIR's own */
}

/* Mappings of this process. */
static inline int count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0, c;

	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Wait until the backend has no frontend (it noticed a hang-up). */
static inline bool backend_idle(struct backend *b)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (!vnet_vu_connected(b->e.vu))
			return true;
		usleep(2000);
	}
	return false;
}

#endif /* VU_TEST_UTIL_H */
