// SPDX-License-Identifier: MIT
/* stats.c - vnetd's counters, as JSON and Prometheus text on a unix socket */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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
	[VNETD_RX_DIRECT] = "rx_direct",
	[VNETD_RX_COPIED_BYTES] = "rx_copied_bytes",
	[VNETD_RX_POOL_RESERVE] = "rx_pool_reserve",
	[VNETD_TX_SENT] = "tx_sent",
	[VNETD_TX_SENT_BYTES] = "tx_sent_bytes",
	[VNETD_TX_GSO_NOSEG] = "tx_gso_noseg",
	[VNETD_TX_GSO_NOSEG_BYTES] = "tx_gso_noseg_bytes",
	[VNETD_TX_GSO_SEGMENTED] = "tx_gso_segmented",
	[VNETD_TX_GSO_SEGMENTED_BYTES] = "tx_gso_segmented_bytes",
	[VNETD_TX_GSO_SEGS] = "tx_gso_segs",
	[VNETD_TX_GSO_SEGS_BYTES] = "tx_gso_segs_bytes",
};

static const char *const daemon_names[VNETD_DAEMON__COUNT] = {
	[VNETD_STATS_ANSWERED] = "stats_answered",
	[VNETD_STATS_DROPPED] = "stats_dropped",
	[VNETD_NOTIFY_FAILED] = "notify_failed",
};

/* The vhost-user backend's counters, as vhost_user_<name>. */
static const struct {
	const char *name;
	size_t off;
} vu_counters[] = {
#define VU_COUNTER(f) { #f, offsetof(struct vnet_vu_stats, f) }
	VU_COUNTER(connections), VU_COUNTER(disconnects),
	VU_COUNTER(messages), VU_COUNTER(timeouts), VU_COUNTER(bad_size),
	VU_COUNTER(bad_fds), VU_COUNTER(fds_extra), VU_COUNTER(bad_index),
	VU_COUNTER(bad_mem), VU_COUNTER(bad_state), VU_COUNTER(bad_features),
	VU_COUNTER(unknown), VU_COUNTER(io_errors), VU_COUNTER(nacks),
	VU_COUNTER(queue_errors), VU_COUNTER(mem_repeats),
	VU_COUNTER(bad_inflight), VU_COUNTER(resubmitted),
	VU_COUNTER(mem_faults), VU_COUNTER(discarded),
	VU_COUNTER(bad_iotlb), VU_COUNTER(iotlb_misses), VU_COUNTER(iotlb_resumed),
#undef VU_COUNTER
};

#define VU_COUNTERS	(sizeof(vu_counters) / sizeof(vu_counters[0]))
/* a counter added to the transport and not named here would go unseen */
_Static_assert(VU_COUNTERS == sizeof(struct vnet_vu_stats) / sizeof(uint64_t),
	       "every vhost-user counter has its name in vu_counters");

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

/* Every daemon-wide counter, the backend's too, as "name": value. */
static void json_daemon(const struct vnetd_stats *s, FILE *out)
{
	unsigned int i;

	for (i = 0; i < VNETD_DAEMON__COUNT; i++)
		fprintf(out, "%s\"%s\": %llu", i ? ", " : "", daemon_names[i],
			(unsigned long long)load(&s->daemon[i]));
	for (i = 0; s->vu && i < VU_COUNTERS; i++)
		fprintf(out, ", \"vhost_user_%s\": %llu", vu_counters[i].name,
			(unsigned long long)load((const uint64_t *)
				((const char *)s->vu + vu_counters[i].off)));
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
	fprintf(out, "}, \"daemon\": {");
	json_daemon(s, out);
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
	for (i = 0; i < VNETD_DAEMON__COUNT; i++)
		fprintf(out, "# TYPE vnetd_%s_total counter\n"
			"vnetd_%s_total %llu\n", daemon_names[i],
			daemon_names[i],
			(unsigned long long)load(&s->daemon[i]));
	for (i = 0; s->vu && i < VU_COUNTERS; i++)
		fprintf(out, "# TYPE vnetd_vhost_user_%s_total counter\n"
			"vnetd_vhost_user_%s_total %llu\n", vu_counters[i].name,
			vu_counters[i].name,
			(unsigned long long)load((const uint64_t *)
				((const char *)s->vu + vu_counters[i].off)));
}

/* Does the request start with @word? */
static bool starts(const char *req, size_t len, const char *word)
{
	size_t n = strlen(word);

	return len >= n && !memcmp(req, word, n);
}

char *vnetd_stats_answer(const struct vnetd_stats *s, const char *req,
			 size_t len, size_t *out_len)
{
	bool http = starts(req, len, "GET ");
	char *text = NULL;
	FILE *out;

	*out_len = 0;
	out = open_memstream(&text, out_len);
	if (!out)
		return NULL;
	if (http)
		fprintf(out, "HTTP/1.0 200 OK\r\nContent-Type: "
			     "text/plain; version=0.0.4\r\n\r\n");
	if (http || starts(req, len, "prometheus"))
		vnetd_stats_write_prometheus(s, out);
	else
		vnetd_stats_write_json(s, out);
	if (fclose(out)) {
		free(text);
		return NULL;
	}
	return text;
}

