// SPDX-License-Identifier: MIT
/* fuzz_stats.c - libFuzzer: a stats client's request, through vnetd's answer to it */

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: one byte of shape (bits 0-3: queue pairs - 1; bits 4-6: drop
 * reasons named, 0..7; bit 7: the vhost-user backend's counters shown),
 * eight bytes seeding every counter's value (0 to 2^64 - 1), then the
 * request as a client sends it, any bytes, cut at what the socket reads
 * (VNETD_STATS_REQUEST_MAX).
 *
 * Properties, beyond no memory error (the request is an exact-size heap
 * copy, not NUL-terminated):
 * - an answer always comes, text without a NUL, ending with a newline;
 * - its form is the request's: "GET " gets HTTP/1.0 with exactly the
 *   Prometheus text as body; "prometheus" the Prometheus text; anything
 *   else JSON that is well-formed;
 * - the Prometheus text carries every counter exactly once: its samples'
 *   values add up (mod 2^64) to the sum of every counter shown.
 */

#define PAIRS_MAX	16

static const char *const reason_names[] = {
	"tx_invalid", "tx_short", "tap_full", "rx_no_buffers",
	"rx_filtered", "rx_too_big", "rx_invalid",
};

static uint64_t next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Counters from @seed: small, large and at the top of their range. */
static uint64_t value(uint64_t *x)
{
	uint64_t v = next(x);

	switch (v & 3) {
	case 0:
		return 0;
	case 1:
		return v >> 54;
	case 2:
		return UINT64_MAX - (v >> 60);
	default:
		return v;
	}
}

/* The counters the input shapes; their sum (mod 2^64) of what is shown. */
static uint64_t fill(struct vnetd_stats *s, struct vnet_vu_stats *vu,
		     uint8_t shape, uint64_t seed)
{
	unsigned int q, i, nr = (shape >> 4) & 7;
	uint64_t sum = 0, *v;

	seed |= 1;	/* xorshift never leaves 0 */
	s->nqueues = (shape & 15) + 1u;
	for (i = 0; i < nr; i++)
		s->reasons[i] = reason_names[i];
	for (q = 0; q < s->nqueues; q++) {
		for (i = 0; i < VNETD_COUNTER__COUNT; i++)
			sum += s->queues[q].c[i] = value(&seed);
		for (i = 0; i < VNETD_DROP_REASONS_MAX; i++) {
			s->queues[q].drops[i] = value(&seed);
			sum += i < nr ? s->queues[q].drops[i] : 0;
		}
	}
	for (i = 0; i < VNETD_DAEMON__COUNT; i++)
		sum += s->daemon[i] = value(&seed);
	s->vu = shape & 0x80 ? vu : NULL;
	for (v = (uint64_t *)vu; v < (uint64_t *)(vu + 1); v++) {
		*v = value(&seed);
		sum += s->vu ? *v : 0;
	}
	return sum;
}

/* JSON, as far as vnetd writes it: objects, arrays, strings without
 * escapes, unsigned integers. Return: past the value, or NULL. */
static const char *json_value(const char *p, const char *end, int depth);

static const char *json_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n'))
		p++;
	return p;
}

static const char *json_string(const char *p, const char *end)
{
	if (p >= end || *p != '"')
		return NULL;
	for (p++; p < end && *p != '"'; p++)
		if (*p == '\\' || (unsigned char)*p < 0x20)
			return NULL;
	return p < end ? p + 1 : NULL;
}

static const char *json_list(const char *p, const char *end, int depth,
			     char close, bool keyed)
{
	p = json_ws(p + 1, end);
	if (p < end && *p == close)
		return p + 1;
	for (;;) {
		if (keyed) {
			p = json_string(p, end);
			if (!p || (p = json_ws(p, end)) >= end || *p != ':')
				return NULL;
			p = json_ws(p + 1, end);
		}
		p = json_value(p, end, depth + 1);
		if (!p || (p = json_ws(p, end)) >= end)
			return NULL;
		if (*p == close)
			return p + 1;
		if (*p != ',')
			return NULL;
		p = json_ws(p + 1, end);
	}
}

static const char *json_value(const char *p, const char *end, int depth)
{
	const char *start = p;

	if (depth > 8 || p >= end)
		return NULL;
	if (*p == '{')
		return json_list(p, end, depth, '}', true);
	if (*p == '[')
		return json_list(p, end, depth, ']', false);
	if (*p == '"')
		return json_string(p, end);
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p > start ? p : NULL;
}

/* The Prometheus text: every line a comment or "name[{labels}] value";
 * Return: the values' sum (mod 2^64). */
static uint64_t prometheus_sum(const char *p, const char *end)
{
	uint64_t sum = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *sp;

		if (!eol)
			abort();	/* a line without its newline */
		if (*p != '#') {
			if (eol - p < 7 || memcmp(p, "vnetd_", 6))
				abort();	/* not one of vnetd's samples */
			sp = eol;
			while (sp > p && sp[-1] != ' ')
				sp--;
			if (sp == eol || sp == p)
				abort();	/* no value */
			sum += strtoull(sp, NULL, 10);
		}
		p = eol + 1;
	}
	return sum;
}

static void check(const struct vnetd_stats *s, uint64_t sum, const char *req,
		  size_t len, const char *a, size_t alen)
{
	static const char http[] = "HTTP/1.0 200 OK\r\n";
	const char *body = a, *end = a + alen, *p;
	size_t plen;
	char *prom;

	if (!a || !alen || memchr(a, '\0', alen) || a[alen - 1] != '\n')
		abort();	/* no answer, or not text */
	if (len >= 4 && !memcmp(req, "GET ", 4)) {
		if (alen < sizeof(http) || memcmp(a, http, sizeof(http) - 1))
			abort();	/* HTTP asked, not answered */
		for (p = a; p + 4 <= end && memcmp(p, "\r\n\r\n", 4); p++)
			;
		if (p + 4 > end)
			abort();	/* no end of header */
		body = p + 4;
		prom = vnetd_stats_answer(s, "prometheus", 10, &plen);
		if (!prom || plen != (size_t)(end - body) ||
		    memcmp(prom, body, plen))
			abort();	/* a body other than the metrics */
		free(prom);
	} else if (len < 10 || memcmp(req, "prometheus", 10)) {
		p = json_value(a, end, 0);
		if (!p || *a != '{' || json_ws(p, end) != end)
			abort();	/* JSON asked (or nothing), not given */
		return;
	}
	if (prometheus_sum(body, end) != sum)
		abort();	/* a counter missing, repeated or garbled */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vnetd_queue_stats queues[PAIRS_MAX];
	struct vnetd_stats s;
	struct vnet_vu_stats vu;
	uint64_t seed, sum;
	size_t len, alen;
	char *req, *a;

	if (size < 9)
		return 0;
	memset(&s, 0, sizeof(s));
	memset(queues, 0, sizeof(queues));
	s.queues = queues;
	memcpy(&seed, data + 1, 8);
	sum = fill(&s, &vu, data[0], seed);
	len = size - 9;
	if (len > VNETD_STATS_REQUEST_MAX)
		len = VNETD_STATS_REQUEST_MAX;
	req = malloc(len ? len : 1);
	if (!req)
		return 0;
	memcpy(req, data + 9, len);
	a = vnetd_stats_answer(&s, req, len, &alen);
	check(&s, sum, req, len, a, alen);
	free(a);
	free(req);
	return 0;
}
