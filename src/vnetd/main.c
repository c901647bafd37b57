// SPDX-License-Identifier: MIT
/* main.c - vnetd: a virtio-net device over vhost-user, bridged to a tap */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "pcapio.h"
#include "daemon.h"
#include "log.h"
#include "stats_server.h"

/* --print-capabilities: the vhost-user.json VHostUserBackendCapabilities. */
static void print_capabilities(void)
{
	printf("{\n  \"type\": \"net\",\n  \"features\": [\n"
	       "    \"tap\", \"queues\", \"mac\", \"mtu\", \"offloads\",\n"
	       "    \"packed\", \"busy-poll\", \"pcap\", \"stats\", \"no-gro\",\n"
	       "    \"vxlan\", \"geneve\", \"tap-offloads\", \"features\",\n"
	       "    \"speed\", \"duplex\"\n  ]\n}\n");
}

/* SIGTERM and SIGINT arrive on an fd, so the loop ends cleanly. No
 * peer's signal ends the daemon: a write to a pipe or socket whose reader
 * is gone (a frontend's call fd, a stats client) fails with EPIPE instead
 * of raising SIGPIPE. */
static int signals_fd(void)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigset_t set;

	if (sigaction(SIGPIPE, &ign, NULL))
		return -errno;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* The reasons counted in the stats, by enum vnetd_drop, then the overlay
 * port's ("overlay_rx_vni", ...) when there is one. */
static void name_reasons(struct vnetd_stats *s, bool overlay)
{
	static const char *const names[VNETD_DROP__COUNT] = {
		"tx_invalid", "tx_short", "tap_full", "rx_no_buffers",
		"rx_filtered", "rx_too_big", "rx_invalid", "ctrl_bad",
		"tx_too_many_segments",
		"rx_steer_full", "rx_queue_off",
	};
	static char ovl[VNET_OVERLAY_D_MAX][32];
	unsigned int i;
	char *c;

	for (i = 0; i < VNETD_DROP__COUNT; i++)
		s->reasons[i] = names[i];
	for (i = 1; overlay && i < VNET_OVERLAY_D_MAX; i++) {
		snprintf(ovl[i], sizeof(ovl[i]), "overlay_%s",
			 vnet_overlay_drop_name(i));
		for (c = ovl[i]; *c; c++)
			*c = *c == '-' ? '_' : *c;	/* Prometheus names */
		s->reasons[VNETD_DROP__COUNT + i - 1] = ovl[i];
	}
}

static void dispatch(struct vnetd *d, uint64_t tag,
		     struct vnetd_stats_server *sv)
{
	unsigned int idx = (unsigned int)tag;

	switch ((enum vnetd_event)(tag >> 32)) {
	case VNETD_EV_STATS:
		vnetd_stats_server_event(sv, tag);
		break;
	case VNETD_EV_VU:
		vnetd_device_vu_event(d);
		break;
	case VNETD_EV_KICK:
		/* the control queue: its commands change what workers use */
		pthread_rwlock_wrlock(&d->lock);
		vnetd_kick(d, idx);
		pthread_rwlock_unlock(&d->lock);
		break;
	default:
		break;
	}
}

/* At exit, what the device did: one line per counter that is not zero. */
static void log_totals(const struct vnetd_stats *s)
{
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return;
	vnetd_stats_write_prometheus(s, out);
	fclose(out);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *v = strrchr(line, ' ');

		if (line[0] != '#' && v && strcmp(v, " 0"))
			vnetd_log(VNETD_LOG_INFO, "total %s", line);
	}
	free(text);
}

/* The earlier of two timeouts in ms, -1 standing for none. */
static int earlier(int a, int b)
{
	if (a < 0)
		return b;
	return b < 0 || a < b ? a : b;
}

/* The main loop, until SIGTERM: vhost-user, the control queue, stats,
 * and in --client mode dialling a frontend that went away. The queue
 * pairs have workers of their own (worker.c). Nothing in it waits for a
 * peer: each peer's deadline is a timeout of the loop. */
static void run(struct vnetd *d, struct vnetd_stats_server *sv)
{
	struct epoll_event ev[32];
	int n, i;

	for (;;) {
		n = epoll_wait(d->epfd, ev, 32,
			       earlier(earlier(vnetd_stats_server_timeout(sv),
					       vnetd_device_timeout(d)),
				       vnetd_device_redial_wait(d)));
		if (n < 0 && errno != EINTR)
			return;
		vnetd_device_redial(d);
		for (i = 0; i < n; i++) {
			if (ev[i].data.u64 >> 32 == VNETD_EV_SIGNAL)
				return;
			dispatch(d, ev[i].data.u64, sv);
		}
		vnetd_stats_server_expire(sv);
		vnetd_device_expire(d);
	}
}

static int open_outputs(struct vnetd *d, const struct vnetd_config *cfg,
			struct vnetd_stats_server *sv)
{
	int err;

	vnetd_stats_server_init(sv);
	if (cfg->stats) {
		err = vnetd_stats_server_open(sv, &d->stats, cfg->stats,
					      d->epfd,
					      vnetd_tag(VNETD_EV_STATS, 0));
		if (err) {
			vnetd_log(VNETD_LOG_ERR, "stats socket %s: %s",
				  cfg->stats, strerror(-err));
			return -1;
		}
	}
	if (cfg->pcap) {
		d->pcap = pcap_out_open(cfg->pcap);
		if (!d->pcap)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct vnetd_stats_server sv;
	static struct vnetd d;
	struct vnetd_config cfg;
	int rc, sfd;

	rc = vnetd_options_parse(argc, argv, &cfg);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (cfg.print_caps) {
		print_capabilities();
		return 0;
	}
	vnetd_log_set_level(cfg.log_level);
	sfd = signals_fd();
	d.stats.nqueues = cfg.queues;
	d.stats.queues = calloc(cfg.queues, sizeof(*d.stats.queues));
	if (sfd < 0 || !d.stats.queues)
		return 1;
	name_reasons(&d.stats, cfg.has_overlay);
	rc = vnetd_device_start(&d, &cfg);
	d.stats.vu = d.vu ? vnet_vu_get_stats(d.vu) : NULL;
	if (rc) {
		vnetd_log(VNETD_LOG_ERR, "cannot start the device: %s",
			  strerror(-rc));
		return 1;
	}
	vnetd_poll_add(&d, sfd, VNETD_EV_SIGNAL, 0);
	if (open_outputs(&d, &cfg, &sv))
		return 1;
	rc = vnetd_workers_start(&d);
	if (rc) {
		vnetd_log(VNETD_LOG_ERR, "cannot start workers: %s",
			  strerror(-rc));
		return 1;
	}
	vnetd_log(VNETD_LOG_INFO, "serving %s, %u queue pair(s)",
		  cfg.socket_path ? cfg.socket_path : "an inherited socket",
		  cfg.queues);
	run(&d, &sv);
	vnetd_log(VNETD_LOG_INFO, "stopping");
	vnetd_workers_stop(&d);
	log_totals(&d.stats);
	if (d.pcap)
		pcap_out_close(d.pcap);
	if (cfg.stats)
		vnetd_stats_server_close(&sv, cfg.stats);
	vnetd_device_stop(&d);
	free(d.stats.queues);
	return 0;
}
