/* SPDX-License-Identifier: MIT */
/* daemon.h - vnetd's state: the device, its vhost-user server, the tap */
#ifndef VNETD_DAEMON_H
#define VNETD_DAEMON_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "options.h"
#include "rx_pool.h"
#include "rx_steer.h"
#include "stats.h"
#include "vnet/dev.h"
#include "vnet/gro.h"
#include "vnet/gso.h"
#include "vnet/hdr.h"
#include "vnet/overlay.h"
#include "vnet/rx.h"
#include "vnet/tap.h"
#include "vnet/vhost_user.h"
#include "vnet/virtq_net.h"
#include "vnet/vq_map.h"

struct pcap_out;

/* Largest frame the tap hands over: a 64 KiB super-frame and its header. */
#define VNETD_FRAME_MAX		(65536 + 64)
/* Buffers a received frame may take (mergeable buffers of 1500 bytes). */
#define VNETD_RX_BUFS_MAX	64
/* Segments of one receive buffer: Linux's "big packets" (no MRG_RXBUF,
 * GUEST_TSO) chain MAX_SKB_FRAGS + 2 descriptors, header included. */
#define VNETD_RX_SEGS		20
/* Frames a queue handles per wake-up before the others get their turn. */
#define VNETD_BURST		64
/* --client: the first wait before dialling a frontend that went away,
 * and the longest (the wait doubles after each refusal). */
#define VNETD_REDIAL_MIN_MS	50
#define VNETD_REDIAL_MAX_MS	2000
/* Segments of one direct read: the tap's header and the frame area of the
 * buffers held (IOV_MAX, what one readv() takes). */
#define VNETD_DIRECT_IOV_MAX	1024
/* Frames read from the tap per wake-up (each is one read system call). */
#define VNETD_RX_BURST		256

/* Drop reasons the daemon counts, beside the engines' own. */
enum vnetd_drop {
	VNETD_DROP_TX_INVALID,		/* the transmit engine refused it */
	VNETD_DROP_TX_SHORT,		/* buffer shorter than the header */
	VNETD_DROP_TAP_FULL,		/* the tap's queue was full */
	VNETD_DROP_RX_NO_BUFFERS,	/* the guest gave no buffers */
	VNETD_DROP_RX_FILTERED,		/* the receive filter said no */
	VNETD_DROP_RX_TOO_BIG,		/* larger than the guest's buffers */
	VNETD_DROP_RX_INVALID,		/* delivery refused it */
	VNETD_DROP_CTRL_BAD,		/* control buffer malformed */
	VNETD_DROP_TX_SEGMENTS,		/* more segments than one write takes */
	VNETD_DROP_RX_STEER_FULL,	/* RSS: the other pair's ring was full */
	VNETD_DROP_RX_QUEUE_OFF,	/* RSS: the queue it names is not running */
	VNETD_DROP__COUNT,
	/* then the overlay port's reasons, enum vnet_overlay_drop from 1 */
};

/**
 * struct vnetd_qp - one queue pair: its engines and their memory
 * @index:	pair number; receive queue 2 * @index, transmit 2 * @index + 1
 * @d:		the daemon
 * @rx:		delivery to the guest
 * @gso:	guest frames to the tap: passthrough or segmentation
 * @gso_out:	the segmenter's output memory
 * @tap_buf:	one frame read from the tap, header first: a slot of @pool
 * @gro_copied: the engine's copied-bytes counter as last added to
 *		rx_copied_bytes
 * @pool:	the buffers the tap is read into, lent to the coalescing
 *		engine with the frames it holds (rx_pool.c)
 * @flat:	a frame made contiguous for the receive queue
 * @rx_on:	the pair takes frames: its receive queue is of the
 *		negotiated layout, runs, and the driver enabled the pair
 *		(vq_roles.c); its tap queue is read (and attached) only then
 * @tap_polled:	the tap queue is in the epoll set
 * @rx_waiting:	the guest ran out of buffers: the frame in hand (if any)
 *		and what @gro holds wait for its kick; the tap is not read
 * @pending_done: frames of it already delivered (a segmented super-frame)
 * @emitted:	frames delivered of the frame in hand
 * @rxq:	the receive queue, for the burst under way
 * @rx_more:	the last receive burst stopped full: the tap holds more
 * @rx_burst_frames: frames delivered in the burst under way
 * @rx_burst_bytes: their bytes
 * @in:		the frame read from the tap, as the guest is to get it
 * @hand:	the frame in hand for the guest: @in, or the inner frame of
 *		@ovl_rx; it stays in hand while it waits for guest buffers
 * @hand_gro:	@hand goes to the coalescing engine
 * @gro:	coalescing of the tap's (or the overlay's inner) segments
 * @gro_ready:	@gro is set up and the guest takes super-frames
 * @ovl:	the overlay port's state for this pair (its own forwarding
 *		table: learning is per queue, lock-free)
 * @ovl_ready:	@ovl is set up
 * @ovl_rx:	the inner frame of the underlay frame in @tap_buf
 * @now:	the time of the burst under way, in ns
 * @rx_elems:	receive buffers of one frame (initialised once)
 * @rx_iov:	their segments
 * @held_first: direct read: where the buffers held start in @rx_elems
 * @held:	direct read: buffers popped for it and not yet used, in
 *		@rx_elems from @held_first in popping order (given back
 *		unused at the end of a burst; rx_direct.c)
 * @direct_max:	direct read: the largest frame the tap may hand over
 * @direct_hdr:	direct read: the tap's header, read into device memory
 * @direct_iov:	direct read: the header, then the buffers' frame area
 * @direct_view: direct read: the frame's segments in guest memory
 * @stats:	this pair's counters
 * @steer:	frames RSS moves between pairs (rx_steer.c)
 * @epfd:	the worker's event loop: this pair's kicks and tap queue
 * @thread:	the worker
 * @tx_more:	the transmit queue has work left after a full burst
 */
struct vnetd_qp {
	unsigned int index;
	struct vnetd *d;
	int epfd;
	pthread_t thread;
	bool tx_more;
	struct vnet_rx_ctx rx;
	bool rx_ready;
	struct vnet_gso_ctx gso;
	struct vnet_gso_out gso_out;
	uint8_t *tap_buf;
	struct vnetd_rx_pool pool;
	uint8_t *flat;
	bool rx_on;
	bool tap_polled;
	bool rx_waiting;
	unsigned int pending_done;
	unsigned int emitted;
	struct vnet_virtq *rxq;
	bool rx_more;
	uint64_t rx_burst_frames;
	uint64_t rx_burst_bytes;
	struct vnet_rx_frame in;
	struct vnet_rx_frame *hand;
	bool hand_gro;
	struct vnet_gro_ctx gro;
	bool gro_ready;
	uint64_t gro_copied;
	struct vnet_overlay ovl;
	bool ovl_ready;
	struct vnet_overlay_rx ovl_rx;
	uint64_t now;
	struct vnet_virtq_elem rx_elems[VNETD_RX_BUFS_MAX];
	struct iovec rx_iov[VNETD_RX_BUFS_MAX][VNETD_RX_SEGS];
	unsigned int held_first;
	unsigned int held;
	size_t direct_max;
	uint8_t direct_hdr[VNET_HDR_LEN_MAX];
	struct iovec direct_iov[VNETD_DIRECT_IOV_MAX];
	struct iovec direct_view[VNETD_DIRECT_IOV_MAX];
	struct vnetd_queue_stats *stats;
	struct vnetd_steer steer;
};

/**
 * struct vnetd - the daemon
 * @cfg:	the command line
 * @dev:	the device model: config space, control queue, filters
 * @vu:		the vhost-user server
 * @tap:	the tap
 * @guest_layout: the virtio-net header the guest negotiated
 * @tap_layout:	the header the tap reads and writes
 * @tap_tnl_tx:	TUN_F_UDP_TUNNEL_GSO(_CSUM) as the kernel took them when
 *		probed: the tunnel offloads the tap takes on write (Linux
 *		6.17+ reads the tunnel fields of every 24-byte header,
 *		whatever TUNSETOFFLOAD asked for the other direction)
 * @net:	how frames sit in the guest's buffers
 * @vq_map:	the queue layout the frontend acked (vq_roles.c)
 * @ready:	features negotiated, engines set up
 * @epfd:	the event loop
 * @vu_fd:	the vhost-user fd in the epoll set
 * @kick_fds:	kick fds in the epoll set, by virtqueue
 * @qp:		the queue pairs
 * @lock:	workers hold it for reading while they touch guest memory or
 *		the device; the main thread for writing while vhost-user
 *		messages or control commands change them (per burst, not per
 *		frame)
 * @stop_fd:	an eventfd every worker watches: set, they all return
 * @ctrl_buf:	one control command
 * @ctrl_result: its command-specific-result
 * @stats:	counters, for the stats socket
 * @pcap:	capture of the frames crossing the device, or NULL
 * @ovl_cfg:	the overlay port's configuration, completed (the underlay
 *		tap's MAC as next hop), when cfg->has_overlay
 * @redial_ms:	--client, no frontend: the wait before the next dial (0:
 *		connected)
 * @redial_at:	when to dial, CLOCK_MONOTONIC ms
 * @announce_mac: the MAC of a SEND_RARP held for the overlay port
 * @announce_held: one is held: it came before the device started (a
 *		migration's destination held paused), and goes into the
 *		tunnel when the features set the overlay up
 */
struct vnetd {
	const struct vnetd_config *cfg;
	struct vnet_dev dev;
	struct vnet_vu *vu;
	struct vnet_tap tap;
	struct vnet_hdr_layout guest_layout;
	struct vnet_hdr_layout tap_layout;
	unsigned int tap_tnl_tx;
	struct vnet_virtq_net net;
	struct vnet_vq_map vq_map;
	bool ready;
	int epfd;
	int vu_fd;
	int kick_fds[VNET_VU_QUEUES_MAX];
	struct vnetd_qp qp[VNET_TAP_QUEUES_MAX];
	pthread_rwlock_t lock;
	int stop_fd;
	uint8_t *ctrl_buf;
	uint8_t *ctrl_result;
	struct vnetd_stats stats;
	struct pcap_out *pcap;
	struct vnet_overlay_config ovl_cfg;
	unsigned int redial_ms;
	uint64_t redial_at;
	uint8_t *state_pending;		/* DEVICE_STATE taken, to replay */
	size_t state_pending_len;
	uint8_t announce_mac[6];
	bool announce_held;
};

/* epoll tags: what woke the loop, and which queue. */
enum vnetd_event {
	VNETD_EV_STOP = 0,
	VNETD_EV_SIGNAL = 1,
	VNETD_EV_STATS,
	VNETD_EV_VU,
	VNETD_EV_KICK,
	VNETD_EV_TAP,
	VNETD_EV_STEER,
};

static inline uint64_t vnetd_tag(enum vnetd_event ev, unsigned int idx)
{
	return (uint64_t)ev << 32 | idx;
}

/* device.c */
void vnetd_capture_write(struct vnetd *d, struct vnetd_qp *qp,
			 const struct vnet_pkt *pkt);

/* A frame to the pcap file, if there is one (the check inline: it is on
 * every frame's path). */
static inline void vnetd_capture(struct vnetd *d, struct vnetd_qp *qp,
				 const struct vnet_pkt *pkt)
{
	if (d->pcap)
		vnetd_capture_write(d, qp, pkt);
}

int vnetd_device_start(struct vnetd *d, const struct vnetd_config *cfg);
void vnetd_device_stop(struct vnetd *d);
void vnetd_device_vu_event(struct vnetd *d);
/* ms until the vhost-user message under way must be whole, -1 if none */
int vnetd_device_timeout(const struct vnetd *d);
/* drop a frontend whose message missed its deadline */
void vnetd_device_expire(struct vnetd *d);
int vnetd_device_redial_wait(struct vnetd *d);
void vnetd_device_redial(struct vnetd *d);
int vnetd_poll_add(struct vnetd *d, int fd, enum vnetd_event ev,
		   unsigned int idx);
void vnetd_poll_del(struct vnetd *d, int fd, enum vnetd_event ev,
		    unsigned int idx);

/* announce.c */
int vnetd_announce(struct vnetd *d, const uint8_t mac[6]);
void vnetd_announce_held(struct vnetd *d);

/* datapath.c */
void vnetd_kick(struct vnetd *d, unsigned int vq);
/* after a control command: offloads, RX engines, the pairs in use */
void vnetd_ctrl_follow(struct vnetd *d);

/* dev_state.c: the state DEVICE_STATE moves (vnet_vu_ops) */
long vnetd_state_save(struct vnetd *d, void *buf, unsigned long room);
int vnetd_state_load(struct vnetd *d, const void *buf, unsigned long len);
/* a state taken before the features: replayed once they are set */
void vnetd_state_apply(struct vnetd *d);
void vnetd_tx_process(struct vnetd *d, unsigned int vq);
void vnetd_kick_pair(struct vnetd_qp *qp, unsigned int vq);
void vnetd_tap_poll(struct vnetd_qp *qp, bool on);
void vnetd_rx_ready(struct vnetd *d, unsigned int pair);
int vnetd_rx_own(struct vnetd_qp *qp, struct vnet_rx_frame *f);
int vnetd_rx_give(struct vnetd_qp *qp);
int vnetd_gro_flush(struct vnetd_qp *qp);
void vnetd_rx_count(struct vnetd_qp *qp, const struct vnet_hdr *h, size_t len);
void vnetd_drop(struct vnetd_qp *qp, enum vnetd_drop why);
void vnetd_rx_kick(struct vnetd *d, unsigned int vq);
int vnetd_qp_init(struct vnetd_qp *qp);
void vnetd_qp_fini(struct vnetd_qp *qp);
void vnetd_qp_negotiated(struct vnetd_qp *qp);
void vnetd_tap_write(struct vnetd_qp *qp, const struct vnet_hdr *h,
		     const struct iovec *iov, unsigned int n);

/* dev_stats.c */
void vnetd_dev_stats_read(void *opaque, uint16_t vq, uint8_t type,
			  uint64_t *fields, unsigned int n);

/* notify.c */
void vnetd_notify(struct vnetd *d, unsigned int vq, unsigned int packets);
int vnetd_notify_timers(struct vnetd *d, const struct vnetd_qp *qp);
void vnetd_notify_recheck(struct vnetd *d);

/* null_rx.c */
void vnetd_null_frame_init(uint8_t *f, unsigned int len, const uint8_t *mac);
void vnetd_null_rx(struct vnetd *d, unsigned int pair);

/* overlay_port.c */
int vnetd_overlay_open(struct vnetd *d);
void vnetd_overlay_negotiated(struct vnetd_qp *qp);
void vnetd_overlay_fini(struct vnetd_qp *qp);
void vnetd_overlay_tx(struct vnetd_qp *qp, const struct vnet_hdr *h,
		      const struct vnet_pkt *pkt);
struct vnet_rx_frame *vnetd_overlay_rx(struct vnetd_qp *qp,
				       struct vnet_rx_frame *f);
void vnetd_overlay_count(struct vnetd_qp *qp);

/* vq_roles.c */
void vnetd_vq_map_set(struct vnetd *d, const struct vnet_features *acked);
enum vnet_vq_role vnetd_vq_role(const struct vnetd *d, unsigned int vq,
				unsigned int *pair);
void vnetd_rx_pairs_update(struct vnetd *d);
unsigned int vnetd_tap_tx_queue(const struct vnetd *d, unsigned int pair);

/* worker.c */
int vnetd_workers_start(struct vnetd *d);
void vnetd_workers_stop(struct vnetd *d);

#endif /* VNETD_DAEMON_H */
