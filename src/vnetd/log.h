/* SPDX-License-Identifier: MIT */
/* log.h - vnetd's log: levels on stderr, a rate limit for per-packet lines */
#ifndef VNETD_LOG_H
#define VNETD_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum vnetd_log_level {
	VNETD_LOG_ERR = 0,
	VNETD_LOG_WARN,
	VNETD_LOG_INFO,
	VNETD_LOG_DEBUG,
};

/**
 * struct vnetd_ratelimit - a token bucket for one call site
 * @tokens:	lines still allowed in this interval
 * @start_ns:	start of the interval
 * @missed:	lines dropped in this interval, reported when it ends
 */
struct vnetd_ratelimit {
	unsigned int tokens;
	uint64_t start_ns;
	uint64_t missed;
};

#define VNETD_RATELIMIT_BURST		10	/* lines per interval */
#define VNETD_RATELIMIT_INTERVAL_NS	1000000000ULL

void vnetd_log_set_level(enum vnetd_log_level level);

/**
 * vnetd_log_parse_level() - "err", "warn", "info" or "debug"
 * @name:	the name
 * @level:	the level
 *
 * Return: 0, or -1 for an unknown name
 */
int vnetd_log_parse_level(const char *name, enum vnetd_log_level *level);

void vnetd_log(enum vnetd_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * vnetd_ratelimit_allow() - may this call site log now
 * @rl:		the call site's bucket
 * @now_ns:	monotonic time
 *
 * Return: true if the line may be logged
 */
bool vnetd_ratelimit_allow(struct vnetd_ratelimit *rl, uint64_t now_ns);

/* Per-packet warnings: at most VNETD_RATELIMIT_BURST a second per site. */
#define vnetd_log_ratelimited(level, ...)				\
	do {								\
		static __thread struct vnetd_ratelimit rl_;		\
		if (vnetd_ratelimit_allow(&rl_, vnetd_now_ns()))	\
			vnetd_log(level, __VA_ARGS__);			\
	} while (0)

uint64_t vnetd_now_ns(void);

#endif /* VNETD_LOG_H */
