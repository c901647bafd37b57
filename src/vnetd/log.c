// SPDX-License-Identifier: MIT
/* log.c - vnetd's log: levels on stderr, a rate limit for per-packet lines */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

static enum vnetd_log_level current = VNETD_LOG_INFO;

static const char *const level_names[] = { "err", "warn", "info", "debug" };

void vnetd_log_set_level(enum vnetd_log_level level)
{
	current = level;
}

int vnetd_log_parse_level(const char *name, enum vnetd_log_level *level)
{
	unsigned int i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (!strcmp(name, level_names[i])) {
			*level = (enum vnetd_log_level)i;
			return 0;
		}
	}
	return -1;
}

uint64_t vnetd_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void vnetd_log(enum vnetd_log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (level > current)
		return;
	va_start(ap, fmt);
	/* va_start() initialised ap; the analyzer misses it once the build
	 * zero-initialises locals (-ftrivial-auto-var-init=zero) */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* one write per line, so lines of several threads do not interleave */
	fprintf(stderr, "vnetd: %s: %s\n", level_names[level], line);
}

bool vnetd_ratelimit_allow(struct vnetd_ratelimit *rl, uint64_t now_ns)
{
	if (now_ns - rl->start_ns >= VNETD_RATELIMIT_INTERVAL_NS) {
		if (rl->missed)
			vnetd_log(VNETD_LOG_WARN, "%llu similar lines suppressed",
				  (unsigned long long)rl->missed);
		rl->start_ns = now_ns;
		rl->tokens = VNETD_RATELIMIT_BURST;
		rl->missed = 0;
	}
	if (!rl->tokens) {
		rl->missed++;
		return false;
	}
	rl->tokens--;
	return true;
}
