// SPDX-License-Identifier: MIT
/* device.c - vnetd's device: the model, its vhost-user server, the tap */

#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "vnet/config.h"
#include "vnet/rss.h"

/* A data queue's events go to its pair's worker, the rest (the control
 * queue's kicks) to the main loop. */
static int epfd_for(const struct vnetd *d, enum vnetd_event ev,
		    unsigned int idx)
{
	enum vnet_vq_role r;
	unsigned int pair;

	if (ev == VNETD_EV_TAP)
		return d->qp[idx].epfd;
	if (ev != VNETD_EV_KICK)
		return d->epfd;
	r = vnetd_vq_role(d, idx, &pair);
	return r == VNET_VQ_RX || r == VNET_VQ_TX ? d->qp[pair].epfd : d->epfd;
}

int vnetd_poll_add(struct vnetd *d, int fd, enum vnetd_event ev,
		   unsigned int idx)
{
	struct epoll_event e = { .events = EPOLLIN,
				 .data.u64 = vnetd_tag(ev, idx) };

	return epoll_ctl(epfd_for(d, ev, idx), EPOLL_CTL_ADD, fd, &e) ?
	       -errno : 0;
}

void vnetd_poll_del(struct vnetd *d, int fd, enum vnetd_event ev,
		    unsigned int idx)
{
	/* the fd may be closed already: the kernel dropped it then */
	epoll_ctl(epfd_for(d, ev, idx), EPOLL_CTL_DEL, fd, NULL);
}

static int hook_get_config(void *opaque, uint32_t off, void *buf, uint32_t len)
{
	struct vnetd *d = opaque;

	return vnet_config_read(&d->dev, off, buf, len);
}

static int hook_set_config(void *opaque, uint32_t off, const void *buf,
			   uint32_t len)
{
	struct vnetd *d = opaque;

	return vnet_config_write(&d->dev, off, buf, len);
}

/* Watch a queue's kick fd where its role is served, or stop watching it. */
static void kick_watch(struct vnetd *d, unsigned int idx, bool on)
{
	int fd = vnet_vu_kick_fd(d->vu, idx);

	if (d->kick_fds[idx] >= 0) {
		vnetd_poll_del(d, d->kick_fds[idx], VNETD_EV_KICK, idx);
		d->kick_fds[idx] = -1;
	}
	if (on && fd >= 0 && !vnetd_poll_add(d, fd, VNETD_EV_KICK, idx))
		d->kick_fds[idx] = fd;
}

/* New features, new roles: the kicks watched move to where they are
 * served now (a fd is removed from the epoll set it was added to). */
static void roles_follow(struct vnetd *d, const struct vnet_features *acked)
{
	bool watched[VNET_VU_QUEUES_MAX];
	unsigned int i;

	for (i = 0; i < VNET_VU_QUEUES_MAX; i++) {
		watched[i] = d->kick_fds[i] >= 0;
		if (watched[i])
			kick_watch(d, i, false);
	}
	vnetd_vq_map_set(d, acked);
	for (i = 0; i < VNET_VU_QUEUES_MAX; i++)
		if (watched[i])
			kick_watch(d, i, true);
}

/* A queue started or stopped: its kicks, and the pairs that take frames
 * (a receive queue that starts takes what its tap queue holds). */
static void hook_queue_state(void *opaque, unsigned int idx, bool running)
{
	struct vnetd *d = opaque;

	if (idx >= VNET_VU_QUEUES_MAX)
		return;
	kick_watch(d, idx, running);
	/* re-enabled, a data queue takes the TX_SET / RX_SET coalescing
	 * parameters again (NET-COAL-05, NET-COAL-06) */
	if (d->ready && (vnetd_vq_role(d, idx, NULL) == VNET_VQ_RX ||
			 vnetd_vq_role(d, idx, NULL) == VNET_VQ_TX))
		vnet_dev_queue_enable(&d->dev, (uint16_t)idx, running);
	vnetd_log(VNETD_LOG_DEBUG, "queue %u %s", idx,
		  running ? "running" : "stopped");
	vnetd_rx_pairs_update(d);
}

/* A transmit queue started but not enabled: its kicks are watched, each
 * discards what the driver gave (vnetd_tx_process()). */
static void hook_queue_discard(void *opaque, unsigned int idx, bool on)
{
	struct vnetd *d = opaque;

	if (idx >= VNET_VU_QUEUES_MAX)
		return;
	kick_watch(d, idx, on);
	vnetd_log(VNETD_LOG_DEBUG, "queue %u %s", idx,
		  on ? "disabled: transmit buffers discarded" : "not discarded");
}

/* The tap's offloads follow what the guest may receive now. */
static void tap_follow_guest(struct vnetd *d)
{
	unsigned int want = vnet_tap_offloads_for(&d->dev.guest_offloads);

	if (!d->cfg->tap || vnet_tap_set_offloads(&d->tap, want))
		return;
	vnetd_log(VNETD_LOG_DEBUG, "tap offloads 0x%x (asked 0x%x)",
		  d->tap.offloads, want);
}

/*
 * Whether the kernel knows UDP tunnel GSO: TUNSETOFFLOAD with the tunnel
 * bits (a kernel before 6.17 refuses them). What the tap is to send is
 * set right after, from the guest's offloads; the workers wait meanwhile.
 */
static void tap_probe_tunnel(struct vnetd *d)
{
	const unsigned int all = VNET_TUN_F_CSUM | VNET_TUN_F_TSO4 |
		VNET_TUN_F_TSO6 | VNET_TUN_F_USO4 | VNET_TUN_F_USO6 |
		VNET_TUN_F_UDP_TUNNEL_GSO | VNET_TUN_F_UDP_TUNNEL_GSO_CSUM;

	d->tap_tnl_tx = 0;
	if (!vnet_tap_set_offloads(&d->tap, all))
		d->tap_tnl_tx = d->tap.offloads & (VNET_TUN_F_UDP_TUNNEL_GSO |
						   VNET_TUN_F_UDP_TUNNEL_GSO_CSUM);
}

/* The header the tap speaks: with tunnel fields when the kernel takes them. */
static void tap_choose_layout(struct vnetd *d)
{
	struct vnet_features f = { { 0, 0 } };

	vnet_features_set(&f, VNET_F_VERSION_1);
	d->tap_tnl_tx = 0;
	if (d->cfg->tap && !vnet_tap_set_hdr_len(&d->tap, VNET_HDR_LEN_TUNNEL)) {
		vnet_features_set(&f, VNET_F_HOST_UDP_TUNNEL_GSO);
		tap_probe_tunnel(d);
	} else if (d->cfg->tap) {
		vnet_tap_set_hdr_len(&d->tap, VNET_HDR_LEN_MRG);
	}
	vnet_hdr_layout_init(&d->tap_layout, &f, VNET_PROFILE_STANDARD,
			     VNET_ENDIAN_LITTLE);
}

/*
 * A vhost-user frontend may keep the control queue for itself (DPDK's
 * virtio-user does, and strips CTRL_VQ but not the features that need it;
 * QEMU handles it too): the features that only mean something with a
 * control queue then mean nothing to this device, and are dropped.
 */
static void drop_ctrl_features(struct vnet_features *f)
{
	static const unsigned int need_ctrl_vq[] = {
		VNET_F_CTRL_RX, VNET_F_CTRL_VLAN, VNET_F_CTRL_RX_EXTRA,
		VNET_F_GUEST_ANNOUNCE, VNET_F_MQ, VNET_F_CTRL_MAC_ADDR,
		VNET_F_NOTF_COAL, VNET_F_VQ_NOTF_COAL, VNET_F_RSS,
		VNET_F_HASH_TUNNEL, VNET_F_RSS_CONTEXT,
		VNET_F_CTRL_GUEST_OFFLOADS, VNET_F_DEVICE_STATS,
	};
	size_t i;

	if (vnet_features_has(f, VNET_F_CTRL_VQ))
		return;
	for (i = 0; i < sizeof(need_ctrl_vq) / sizeof(need_ctrl_vq[0]); i++)
		vnet_features_clear(f, need_ctrl_vq[i]);
}

static void hook_features(void *opaque, const struct vnet_features *acked)
{
	struct vnetd *d = opaque;
	struct vnet_features fs = *acked;
	const struct vnet_features *f = &fs;
	char why[256];
	unsigned int q;

	roles_follow(d, acked);
	drop_ctrl_features(&fs);
	if (memcmp(&fs, acked, sizeof(fs)))
		vnetd_log(VNETD_LOG_INFO, "the frontend handles the control "
			  "queue: its features are left to it");
	vnet_dev_reset(&d->dev);
	if (vnet_dev_negotiate(&d->dev, f, why, sizeof(why))) {
		vnetd_log(VNETD_LOG_WARN, "features refused: %s", why);
		d->ready = false;
		vnetd_rx_pairs_update(d);
		return;
	}
	vnet_hdr_layout_init(&d->guest_layout, f, VNET_PROFILE_STANDARD,
			     vnet_dev_endian(&d->dev));
	vnet_virtq_net_init(&d->net, &d->guest_layout, f);
	if (!d->cfg->has_overlay) {	/* else the tap is the underlay's */
		tap_choose_layout(d);
		tap_follow_guest(d);
	}
	for (q = 0; q < d->cfg->queues; q++)
		vnetd_qp_negotiated(&d->qp[q]);
	d->ready = true;
	vnetd_state_apply(d);	/* a migration's state, taken before */
	vnetd_announce_held(d);	/* a SEND_RARP that came before the start */
	vnetd_rx_pairs_update(d);
	vnetd_log(VNETD_LOG_INFO, "features negotiated: 0x%016llx%016llx, "
		  "header %u bytes, tap offloads 0x%x",
		  (unsigned long long)f->w[1], (unsigned long long)f->w[0],
		  d->guest_layout.size, d->tap.offloads);
}

static void hook_reset(void *opaque)
{
	struct vnet_features none = { { 0, 0 } };
	struct vnetd *d = opaque;

	d->ready = false;
	vnet_dev_reset(&d->dev);
	free(d->state_pending);		/* not for the next frontend */
	d->state_pending = NULL;
	d->announce_held = false;	/* nor its announcement */
	roles_follow(d, &none);
	vnetd_rx_pairs_update(d);
}

static int hook_send_rarp(void *opaque, const uint8_t mac[6])
{
	return vnetd_announce(opaque, mac);
}

static long hook_state_save(void *opaque, void *buf, unsigned long room)
{
	return vnetd_state_save(opaque, buf, room);
}

static int hook_state_load(void *opaque, const void *buf, unsigned long len)
{
	return vnetd_state_load(opaque, buf, len);
}

static const struct vnet_vu_ops vu_ops = {
	.get_config = hook_get_config,
	.set_config = hook_set_config,
	.queue_state = hook_queue_state,
	.queue_discard = hook_queue_discard,
	.features = hook_features,
	.send_rarp = hook_send_rarp,
	.reset = hook_reset,
	.state_save = hook_state_save,
	.state_load = hook_state_load,
};

static int start_model(struct vnetd *d, const struct vnetd_config *cfg)
{
	struct vnet_dev_params p;

	memset(&p, 0, sizeof(p));
	p.offer = cfg->offer;
	p.profile = VNET_PROFILE_STANDARD;
	p.legacy_endian = VNET_ENDIAN_LITTLE;
	memcpy(p.mac, cfg->mac, 6);
	p.max_pairs = (uint16_t)cfg->queues;
	p.mtu = (uint16_t)cfg->mtu;
	/* RSS and hash reports: the spec's floors, every hash type */
	p.rss_max_key_size = VNET_RSS_KEY_MIN;
	p.rss_max_indir_len = VNET_RSS_INDIR_MIN;
	p.hash_types = VNET_HASH_TYPE_ALL;
	p.tunnel_types = VNET_HASH_TUNNEL_ALL;	/* HASH_TUNNEL: every one */
	p.speed = cfg->speed;
	p.duplex = cfg->duplex;
	/* DEVICE_STATS: every type vnetd keeps counters for (no speed
	 * allowance is enforced, so the speed types are not given) */
	p.stats_types = VNET_STATS_TYPE_RX_BASIC | VNET_STATS_TYPE_RX_CSUM |
		VNET_STATS_TYPE_RX_GSO | VNET_STATS_TYPE_TX_BASIC |
		VNET_STATS_TYPE_TX_CSUM | VNET_STATS_TYPE_TX_GSO;
	p.stats_read = vnetd_dev_stats_read;
	p.stats_opaque = d;
	return vnet_dev_init(&d->dev, &p);
}

static int start_vu(struct vnetd *d, const struct vnetd_config *cfg)
{
	struct vnet_vu_config vc;
	int err = 0;

	memset(&vc, 0, sizeof(vc));
	vc.path = cfg->socket_path;
	vc.client = cfg->client;
	vc.features = cfg->offer;
	vc.queue_pairs = cfg->queues;
	vc.config_size = (uint32_t)vnet_config_size(&d->dev);
	vc.ops = &vu_ops;
	vc.opaque = d;
	d->vu = vnet_vu_new(&vc, &err);
	if (!d->vu)
		return err ? err : -ENOMEM;
	if (cfg->socket_fd >= 0)
		return vnet_vu_adopt(d->vu, cfg->socket_fd);
	if (cfg->client) {
		err = vnet_vu_connect(d->vu);
		if (err == -ECONNREFUSED || err == -ENOENT) {
			vnetd_log(VNETD_LOG_INFO, "%s: no frontend yet (%s), "
				  "dialling again", cfg->socket_path,
				  strerror(-err));
			return 0;	/* vnetd_device_redial() */
		}
		return err;
	}
	return 0;
}

static int start_queues(struct vnetd *d, const struct vnetd_config *cfg)
{
	unsigned int q;
	int err;

	for (q = 0; q < VNET_VU_QUEUES_MAX; q++)
		d->kick_fds[q] = -1;
	for (q = 0; q < cfg->queues; q++) {
		d->qp[q].index = q;
		d->qp[q].d = d;
		d->qp[q].epfd = epoll_create1(EPOLL_CLOEXEC);
		if (d->qp[q].epfd < 0)
			return -errno;
		d->qp[q].stats = &d->stats.queues[q];
		err = vnetd_qp_init(&d->qp[q]);
		if (err)
			return err;
	}
	return 0;
}

/* Writers first: busy-polling workers retake the read lock at once, and a
 * vhost-user message must still get its turn. */
static void init_lock(pthread_rwlock_t *lock)
{
	pthread_rwlockattr_t a;

	pthread_rwlockattr_init(&a);
	pthread_rwlockattr_setkind_np(&a,
				      PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(lock, &a);
	pthread_rwlockattr_destroy(&a);
}

/*
 * A tap vnetd created is made persistent (unless --tap-transient): killed,
 * stopped or replaced, vnetd leaves it with the host's set-up on it, and
 * the next vnetd attaches to it by name. `ip link delete` removes it.
 */
static void tap_keep(struct vnetd *d)
{
	const char *how = d->tap.created ? "created" : "attached";
	int err;

	if (d->tap.created && !d->cfg->tap_transient) {
		err = vnet_tap_set_persist(&d->tap, true);
		how = err ? "created (cannot make it persistent)" :
			    "created, persistent";
	}
	vnetd_log(VNETD_LOG_INFO, "tap %s %s, %u queue(s)", d->tap.name, how,
		  d->tap.nqueues);
}

int vnetd_device_start(struct vnetd *d, const struct vnetd_config *cfg)
{
	int err;

	d->cfg = cfg;
	d->vu_fd = -1;
	init_lock(&d->lock);
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	d->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (d->epfd < 0 || d->stop_fd < 0)
		return -errno;
	err = start_model(d, cfg);
	if (!err)
		err = start_queues(d, cfg);
	if (!err && cfg->tap)
		err = vnet_tap_open(&d->tap, cfg->tap, cfg->queues);
	if (!err && cfg->has_overlay)
		err = vnetd_overlay_open(d);
	if (err)
		return err;
	if (cfg->tap)
		tap_keep(d);
	err = start_vu(d, cfg);
	if (err)
		return err;
	/* no driver yet: one pair's layout, no pair takes frames, the tap's
	 * queues but the first detached */
	hook_reset(d);
	vnetd_device_vu_event(d);
	return 0;
}

/* The vhost-user fd changes between listening and a connection. */
static void watch_vu_fd(struct vnetd *d)
{
	int fd = vnet_vu_fd(d->vu);

	if (fd == d->vu_fd)
		return;
	if (d->vu_fd >= 0)
		vnetd_poll_del(d, d->vu_fd, VNETD_EV_VU, 0);
	d->vu_fd = fd >= 0 && !vnetd_poll_add(d, fd, VNETD_EV_VU, 0) ? fd : -1;
}

/*
 * vhost-user messages change guest memory and queues: the workers wait.
 * A message is read whole before the device is locked, so a frontend
 * that sends one slowly holds neither the workers nor this loop (it is
 * dropped at the message's deadline, vnetd_device_expire()).
 *
 * The dirty log too (live migration): LOG_ALL in SET_FEATURES, a log
 * replaced by SET_LOG_BASE, a ring's log flag are given to the queues
 * inside the dispatch (vu_log_attach()), under this lock taken for
 * writing, while each worker holds it for reading around a whole burst
 * (worker.c; the control queue is served under it for writing too). So
 * no queue writes guest memory during the switch: a burst before it
 * marked its pages in the old log, a burst after it marks them in the
 * new one, and the old log is unmapped only once no queue holds it. The
 * reply, which the frontend waits for before it reads the old log a last
 * time and frees it, is sent after the switch.
 */
void vnetd_device_vu_event(struct vnetd *d)
{
	int err;

	if (d->vu_fd >= 0 && !vnet_vu_read(d->vu))
		return;	/* more of the message to come */
	pthread_rwlock_wrlock(&d->lock);
	if (d->vu_fd >= 0) {
		err = vnet_vu_dispatch(d->vu);
		if (err == -ECONNRESET)
			vnetd_log(VNETD_LOG_INFO, "frontend went away");
	}
	watch_vu_fd(d);
	pthread_rwlock_unlock(&d->lock);
}

int vnetd_device_timeout(const struct vnetd *d)
{
	return d->vu ? vnet_vu_timeout(d->vu) : -1;
}

void vnetd_device_expire(struct vnetd *d)
{
	if (d->vu && !vnet_vu_timeout(d->vu))
		vnetd_device_vu_event(d);	/* drops the frontend */
}

/*
 * --client: a frontend that went away (a QEMU restarted, upgraded) is
 * dialled again, first after VNETD_REDIAL_MIN_MS, then at twice the wait
 * each time, VNETD_REDIAL_MAX_MS at most, until it answers.
 */
static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int vnetd_device_redial_wait(struct vnetd *d)
{
	uint64_t now = now_ms();

	if (!d->cfg->client || vnet_vu_connected(d->vu)) {
		d->redial_ms = 0;
		return -1;
	}
	if (!d->redial_ms) {		/* just went away */
		d->redial_ms = VNETD_REDIAL_MIN_MS;
		d->redial_at = now + d->redial_ms;
	}
	return d->redial_at > now ? (int)(d->redial_at - now) : 0;
}

void vnetd_device_redial(struct vnetd *d)
{
	int err;

	if (vnetd_device_redial_wait(d))
		return;			/* connected, or not yet time */
	pthread_rwlock_wrlock(&d->lock);
	err = vnet_vu_connect(d->vu);
	if (!err) {
		vnetd_log(VNETD_LOG_INFO, "%s: connected to the frontend",
			  d->cfg->socket_path);
		d->redial_ms = 0;
	} else {
		d->redial_ms = d->redial_ms * 2 > VNETD_REDIAL_MAX_MS ?
			       VNETD_REDIAL_MAX_MS : d->redial_ms * 2;
		d->redial_at = now_ms() + d->redial_ms;
	}
	watch_vu_fd(d);
	pthread_rwlock_unlock(&d->lock);
}

void vnetd_device_stop(struct vnetd *d)
{
	unsigned int q;

	vnet_vu_free(d->vu);
	if (d->cfg->tap)
		vnet_tap_close(&d->tap);
	for (q = 0; q < d->cfg->queues; q++) {
		vnetd_qp_fini(&d->qp[q]);
		close(d->qp[q].epfd);
	}
	vnet_dev_fini(&d->dev);
	free(d->state_pending);
	close(d->epfd);
	close(d->stop_fd);
}
