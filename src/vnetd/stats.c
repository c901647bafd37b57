// SPDX-License-Identifier: MIT
/* stats.c - vnetd's counters, as JSON and Prometheus text on a unix socket */

#define _GNU_SOURCE /* accept4 */

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "stats.h"

static const char *const counter_names[VNETD_COUNTER__COUNT] = {
	[VNETD_TX_FRAMES] = "tx_frames",
	[VNETD_TX_BYTES] = "tx_bytes",
	[VNETD_TX_SEGMENTS] = "tx_segments",
	[VNETD_TX_CSUM_COMPLETED] = "tx_csum_completed",
	[VNETD_TX_PASSTHROUGH] = "tx_passthrough",
	[VNETD_RX_FRAMES] = "rx_frames",
	[VNETD_RX_BYTES] = "rx_bytes",
	[VNETD_RX_COALESCED] = "rx_coalesced",
	[VNETD_RX_CSUM_VERIFIED] = "rx_csum_verified",
	[VNETD_RX_TAP_READS] = "rx_tap_reads",
	[VNETD_RX_TAP_EMPTY] = "rx_tap_empty",
	[VNETD_RX_GRO_FRAMES] = "rx_gro_frames",
	[VNETD_RX_STEERED] = "rx_steered",
	[VNETD_OVL_TX_WRITES] = "overlay_tx_writes",
	[VNETD_OVL_TX_SUPER] = "overlay_tx_super",
	[VNETD_OVL_TX_SEGMENTED] = "overlay_tx_segmented",
	[VNETD_OVL_TX_SEGMENTS] = "overlay_tx_segments",
	[VNETD_OVL_TX_FLOODED] = "overlay_tx_flooded",
	[VNETD_OVL_RX_FRAMES] = "overlay_rx_frames",
	[VNETD_OVL_RX_INNER] = "overlay_rx_inner",
	[VNETD_OVL_RX_SUPER] = "overlay_rx_super",
	[VNETD_OVL_RX_CSUM_OK] = "overlay_rx_csum_ok",
	[VNETD_OVL_LEARNED] = "overlay_learned",
	[VNETD_OVL_NEIGH_REPLIES] = "overlay_neigh_replies",
	[VNETD_TX_GSO] = "tx_gso",
	[VNETD_TX_NEEDS_CSUM] = "tx_needs_csum",
	[VNETD_RX_GSO] = "rx_gso",
	[VNETD_RX_NEEDS_CSUM] = "rx_needs_csum",
	[VNETD_RX_KICKS] = "rx_kicks",
	[VNETD_TX_KICKS] = "tx_kicks",
	[VNETD_RX_INTERRUPTS] = "rx_interrupts",
	[VNETD_TX_INTERRUPTS] = "tx_interrupts",
	[VNETD_RX_DATA_VALID] = "rx_data_valid",
	[VNETD_RX_CSUM_NONE] = "rx_csum_none",
	[VNETD_RX_GSO_BYTES] = "rx_gso_bytes",
	[VNETD_RX_GRO_BYTES] = "rx_gro_bytes",
	[VNETD_TX_SENT] = "tx_sent",
	[VNETD_TX_SENT_BYTES] = "tx_sent_bytes",
	[VNETD_TX_GSO_NOSEG] = "tx_gso_noseg",
	[VNETD_TX_GSO_NOSEG_BYTES] = "tx_gso_noseg_bytes",
	[VNETD_TX_GSO_SEGMENTED] = "tx_gso_segmented",
	[VNETD_TX_GSO_SEGMENTED_BYTES] = "tx_gso_segmented_bytes",
	[VNETD_TX_GSO_SEGS] = "tx_gso_segs",
	[VNETD_TX_GSO_SEGS_BYTES] = "tx_gso_segs_bytes",
};

static uint64_t load(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

static void json_queue(const struct vnetd_stats *s,
		       const struct vnetd_queue_stats *q, FILE *out)
{
	const char *sep = "";
	unsigned int i;

	for (i = 0; i < VNETD_COUNTER__COUNT; i++)
		fprintf(out, "\"%s\": %llu, ", counter_names[i],
			(unsigned long long)load(&q->c[i]));
	fprintf(out, "\"drops\": {");
	for (i = 0; i < VNETD_DROP_REASONS_MAX && s->reasons[i]; i++) {
		fprintf(out, "%s\"%s\": %llu", sep, s->reasons[i],
			(unsigned long long)load(&q->drops[i]));
		sep = ", ";
	}
	fprintf(out, "}");
}

void vnetd_stats_write_json(const struct vnetd_stats *s, FILE *out)
{
	struct vnetd_queue_stats total;
	unsigned int q, i;

	memset(&total, 0, sizeof(total));
	fprintf(out, "{\"queues\": [");
	for (q = 0; q < s->nqueues; q++) {
		fprintf(out, "%s{\"queue\": %u, ", q ? ", " : "", q);
		json_queue(s, &s->queues[q], out);
		fprintf(out, "}");
		for (i = 0; i < VNETD_COUNTER__COUNT; i++)
			total.c[i] += load(&s->queues[q].c[i]);
		for (i = 0; i < VNETD_DROP_REASONS_MAX; i++)
			total.drops[i] += load(&s->queues[q].drops[i]);
	}
	fprintf(out, "], \"total\": {");
	json_queue(s, &total, out);
	fprintf(out, "}}\n");
}

void vnetd_stats_write_prometheus(const struct vnetd_stats *s, FILE *out)
{
	unsigned int q, i;

	for (i = 0; i < VNETD_COUNTER__COUNT; i++) {
		fprintf(out, "# TYPE vnetd_%s_total counter\n", counter_names[i]);
		for (q = 0; q < s->nqueues; q++)
			fprintf(out, "vnetd_%s_total{queue=\"%u\"} %llu\n",
				counter_names[i], q,
				(unsigned long long)load(&s->queues[q].c[i]));
	}
	fprintf(out, "# TYPE vnetd_drops_total counter\n");
	for (i = 0; i < VNETD_DROP_REASONS_MAX && s->reasons[i]; i++)
		for (q = 0; q < s->nqueues; q++)
			fprintf(out, "vnetd_drops_total{queue=\"%u\",reason=\"%s\"} %llu\n",
				q, s->reasons[i],
				(unsigned long long)load(&s->queues[q].drops[i]));
}

int vnetd_stats_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Write all of @buf, or give up when the client goes away. */
static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* Read the request line: up to 255 bytes or a newline, within a second. */
static void read_request(int fd, char *req, size_t len)
{
	struct pollfd p = { fd, POLLIN, 0 };
	size_t got = 0;
	ssize_t n;

	req[0] = '\0';
	while (got + 1 < len && poll(&p, 1, 1000) == 1) {
		n = read(fd, req + got, len - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		req[got] = '\0';
		if (strchr(req, '\n'))
			break;
	}
}

void vnetd_stats_serve(const struct vnetd_stats *s, int listen_fd)
{
	char req[256], *text = NULL;
	size_t len = 0;
	FILE *out;
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	read_request(fd, req, sizeof(req));
	out = open_memstream(&text, &len);
	if (out) {
		bool http = !strncmp(req, "GET ", 4);

		if (http)
			fprintf(out, "HTTP/1.0 200 OK\r\nContent-Type: "
				     "text/plain; version=0.0.4\r\n\r\n");
		if (http || !strncmp(req, "prometheus", 10))
			vnetd_stats_write_prometheus(s, out);
		else
			vnetd_stats_write_json(s, out);
		fclose(out);
		write_all(fd, text, len);
		free(text);
	}
	close(fd);
}
