/* SPDX-License-Identifier: MIT */
/* vhost_user.h - the vhost-user backend: one frontend connection, driven by the owner's poll loop */
#ifndef VNET_VHOST_USER_H
#define VNET_VHOST_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vnet/features.h"
#include "vnet/mem.h"
#include "vnet/virtq.h"
#include "vnet/export.h"

VNET_API_BEGIN

/* Virtqueues one connection may use: 16 queue pairs and a control queue. */
#define VNET_VU_QUEUES_MAX	33

/* A request must be whole this long after its first byte arrived, or the
 * frontend is dropped (a deadline per request, not per read). */
#define VNET_VU_MSG_DEADLINE_MS	2000

/* Bytes of device configuration space GET/SET_CONFIG may reach. */
#define VNET_VU_CONFIG_MAX	256

/* Protocol feature bits (vhost-user.rst, "Protocol features"). */
#define VNET_VU_PROTOCOL_F_MQ			0
#define VNET_VU_PROTOCOL_F_LOG_SHMFD		1
#define VNET_VU_PROTOCOL_F_RARP			2
#define VNET_VU_PROTOCOL_F_REPLY_ACK		3
#define VNET_VU_PROTOCOL_F_MTU			4
#define VNET_VU_PROTOCOL_F_BACKEND_REQ		5
#define VNET_VU_PROTOCOL_F_CROSS_ENDIAN		6
#define VNET_VU_PROTOCOL_F_CONFIG		9
#define VNET_VU_PROTOCOL_F_INFLIGHT_SHMFD	12
#define VNET_VU_PROTOCOL_F_RESET_DEVICE		13
#define VNET_VU_PROTOCOL_F_CONFIGURE_MEM_SLOTS	15
#define VNET_VU_PROTOCOL_F_STATUS		16
#define VNET_VU_PROTOCOL_F_DEVICE_STATE		19
/*
 * vnetd's own extension for 128-bit features (GET/SET_FEATURES_EX below):
 * upstream vhost-user defines no such messages yet, so the bit and the
 * request numbers sit far from the upstream ranges.
 */
#define VNET_VU_PROTOCOL_F_FEATURES_EX		63

/* Transport feature bits of GET/SET_FEATURES that are not virtio's. */
#define VNET_VU_F_LOG_ALL			26
#define VNET_VU_F_PROTOCOL_FEATURES		30

/* Request numbers (vhost-user.rst, "Master message types"). */
enum vnet_vu_request {
	VNET_VU_GET_FEATURES = 1,
	VNET_VU_SET_FEATURES = 2,
	VNET_VU_SET_OWNER = 3,
	VNET_VU_RESET_OWNER = 4,
	VNET_VU_SET_MEM_TABLE = 5,
	VNET_VU_SET_LOG_BASE = 6,
	VNET_VU_SET_LOG_FD = 7,
	VNET_VU_SET_VRING_NUM = 8,
	VNET_VU_SET_VRING_ADDR = 9,
	VNET_VU_SET_VRING_BASE = 10,
	VNET_VU_GET_VRING_BASE = 11,
	VNET_VU_SET_VRING_KICK = 12,
	VNET_VU_SET_VRING_CALL = 13,
	VNET_VU_SET_VRING_ERR = 14,
	VNET_VU_GET_PROTOCOL_FEATURES = 15,
	VNET_VU_SET_PROTOCOL_FEATURES = 16,
	VNET_VU_GET_QUEUE_NUM = 17,
	VNET_VU_SET_VRING_ENABLE = 18,
	VNET_VU_SEND_RARP = 19,
	VNET_VU_NET_SET_MTU = 20,
	VNET_VU_SET_BACKEND_REQ_FD = 21,
	VNET_VU_IOTLB_MSG = 22,
	VNET_VU_SET_VRING_ENDIAN = 23,
	VNET_VU_GET_CONFIG = 24,
	VNET_VU_SET_CONFIG = 25,
	VNET_VU_GET_INFLIGHT_FD = 31,
	VNET_VU_SET_INFLIGHT_FD = 32,
	VNET_VU_RESET_DEVICE = 34,
	VNET_VU_GET_MAX_MEM_SLOTS = 36,
	VNET_VU_ADD_MEM_REG = 37,
	VNET_VU_REM_MEM_REG = 38,
	VNET_VU_SET_STATUS = 39,
	VNET_VU_GET_STATUS = 40,
	VNET_VU_SET_DEVICE_STATE_FD = 42,
	VNET_VU_CHECK_DEVICE_STATE = 43,
	VNET_VU_GET_FEATURES_EX = 0x7f00,	/* vnetd extension */
	VNET_VU_SET_FEATURES_EX = 0x7f01,	/* vnetd extension */
};

/* Backend-initiated requests, on the backend channel ("Back-end message
 * types"; the spec's text calls them slave requests). */
#define VNET_VU_BACKEND_IOTLB_MSG		1

/* vhost_iotlb_msg types (vhost-user.rst, "An IOTLB message"). */
#define VNET_VU_IOTLB_MISS			1
#define VNET_VU_IOTLB_UPDATE			2
#define VNET_VU_IOTLB_INVALIDATE		3
#define VNET_VU_IOTLB_ACCESS_FAIL		4

struct vnet_vu;

/**
 * struct vnet_vu_ops - what the device behind the backend supplies
 * @get_config:		read @len bytes of config space at @off; 0 or -errno
 * @set_config:		write them; 0 or -errno
 * @queue_state:	queue @idx started and enabled (@running), or not
 *			any more: the owner adds or drops its kick fd
 * @queue_discard:	transmit queue @idx disabled while started (@on),
 *			or not any more: the owner watches its kick fd and
 *			calls vnet_vu_discard() on each kick (vhost-user
 *			"Starting and stopping rings": such a ring is
 *			processed, its packets discarded). The transport
 *			discards what is there when the state begins.
 * @features:		features negotiated (SET_FEATURES)
 * @set_mtu:		NET_SET_MTU; 0 or -errno
 * @send_rarp:		SEND_RARP with the guest's MAC; 0 or -errno
 * @reset:		RESET_DEVICE, or the frontend went away
 * @state_save:		DEVICE_STATE, every ring stopped: the device's state
 *			into @buf (at most @room bytes); its length, or
 *			-errno
 * @state_load:		a state saved by @state_save, as the frontend gave
 *			it (untrusted): checked whole, then taken; 0, or
 *			-errno if refused (nothing changed then)
 *
 * Every hook is optional. A NULL config hook answers from an all-zero
 * config space of @config_size bytes.
 */
struct vnet_vu_ops {
	int (*get_config)(void *opaque, uint32_t off, void *buf, uint32_t len);
	int (*set_config)(void *opaque, uint32_t off, const void *buf,
			  uint32_t len);
	void (*queue_state)(void *opaque, unsigned int idx, bool running);
	void (*features)(void *opaque, const struct vnet_features *f);
	int (*set_mtu)(void *opaque, uint16_t mtu);
	int (*send_rarp)(void *opaque, const uint8_t mac[6]);
	void (*reset)(void *opaque);
	void (*queue_discard)(void *opaque, unsigned int idx, bool on);
	long (*state_save)(void *opaque, void *buf, unsigned long room);
	int (*state_load)(void *opaque, const void *buf, unsigned long len);
};

/* The largest device state DEVICE_STATE moves (a pipe's size). */
#define VNET_VU_STATE_MAX	(256 * 1024)

/**
 * struct vnet_vu_config - how to make a backend
 * @path:		unix socket path (may be NULL in client mode, for a
 *			backend given its socket with vnet_vu_adopt())
 * @client:		connect to @path (vnet_vu_connect()) instead of
 *			listening on it
 * @features:		virtio features offered; VERSION_1 is expected
 * @queue_pairs:	queue pairs offered (1..16); the control queue, if
 *			CTRL_VQ is offered, follows them
 * @config_size:	bytes of device config space (0..VNET_VU_CONFIG_MAX)
 * @protocol_mask:	protocol features the owner does not want offered
 * @ops:		device hooks (may be NULL)
 * @opaque:		passed to every hook
 */
struct vnet_vu_config {
	const char *path;
	bool client;
	struct vnet_features features;
	unsigned int queue_pairs;
	uint32_t config_size;
	uint64_t protocol_mask;
	const struct vnet_vu_ops *ops;
	void *opaque;
};

/**
 * struct vnet_vu_stats - counters, kept across connections
 * @connections:	frontends accepted or connected
 * @disconnects:	connections ended, for any reason
 * @messages:		requests handled
 * @timeouts:		frontends dropped for a request not whole by its
 *			deadline (VNET_VU_MSG_DEADLINE_MS after its first byte)
 * @bad_size:		payload size wrong for the request
 * @bad_fds:		too few fds, more than a message may carry, or an
 *			fd of the wrong kind (a kick, call or error fd that
 *			is not an eventfd)
 * @fds_extra:		fds beyond what a request takes, closed
 * @bad_index:		vring index out of range
 * @bad_mem:		memory region refused (size, offset, overlap, fd)
 * @bad_state:		request out of order (e.g. ring started with no
 *			memory table)
 * @bad_features:	features not offered, or an invalid set
 * @unknown:		requests not known or not negotiated
 * @io_errors:		socket read or write failed, or short
 * @nacks:		REPLY_ACK answers that reported failure
 * @queue_errors:	queues a guest fault broke (signalled on the
 *			queue's error eventfd)
 * @mem_repeats:	ADD_MEM_REG of a region already present, REM_MEM_REG
 *			of one already gone: acknowledged, nothing changed
 *			(QEMU before 8.0 sends both once per queue pair)
 * @bad_inflight:	inflight region refused: GET/SET_INFLIGHT_FD with a
 *			bad count, size, offset or fd, or a queue whose
 *			region is corrupt (version, size, indices, lists)
 * @resubmitted:	queues started with in-flight buffers to pop again
 * @mem_faults:		frontends dropped because a file they share (guest
 *			memory, the dirty log, the inflight region) shrank
 *			under its mapping (SIGBUS survived)
 * @discarded:		transmit buffers of started but disabled rings used
 *			without sending them (vnet_vu_discard())
 * @bad_iotlb:		IOTLB messages refused (answered non-zero, nothing
 *			changed): unknown type, zero size, bad permission,
 *			a range that wraps or lies outside guest memory,
 *			or ACCESS_PLATFORM not negotiated
 * @iotlb_misses:	misses sent to the frontend on the backend channel
 * @iotlb_resumed:	queues woken because an update came while they
 *			waited for a mapping
 */
struct vnet_vu_stats {
	uint64_t connections;
	uint64_t disconnects;
	uint64_t messages;
	uint64_t timeouts;
	uint64_t bad_size;
	uint64_t bad_fds;
	uint64_t fds_extra;
	uint64_t bad_index;
	uint64_t bad_mem;
	uint64_t bad_state;
	uint64_t bad_features;
	uint64_t unknown;
	uint64_t io_errors;
	uint64_t nacks;
	uint64_t queue_errors;
	uint64_t mem_repeats;
	uint64_t bad_inflight;
	uint64_t resubmitted;
	uint64_t mem_faults;
	uint64_t discarded;
	uint64_t bad_iotlb;
	uint64_t iotlb_misses;
	uint64_t iotlb_resumed;
};

/**
 * vnet_vu_new() - make a backend; in server mode, listen on the path
 * @cfg:	configuration, copied (the path too)
 * @err:	-errno on failure (may be NULL)
 *
 * A stale socket file at the path is removed before binding.
 *
 * Return: the backend, or NULL
 */
struct vnet_vu *vnet_vu_new(const struct vnet_vu_config *cfg, int *err);

/**
 * vnet_vu_free() - drop the connection, stop listening, free everything
 * @vu:	the backend (NULL is fine)
 */
void vnet_vu_free(struct vnet_vu *vu);

/**
 * vnet_vu_connect() - client mode: connect to the frontend's socket
 * @vu:	the backend
 *
 * Return: 0, -EISCONN if connected, -EINVAL in server mode, or -errno
 */
int vnet_vu_connect(struct vnet_vu *vu);

/**
 * vnet_vu_adopt() - take a socket already connected to a frontend
 * @vu:	the backend
 * @fd:	the socket (a backend program's --fd=FDNUM); owned from now on
 *
 * Return: 0, -EISCONN if a frontend is attached, -EBADF
 */
int vnet_vu_adopt(struct vnet_vu *vu, int fd);

/**
 * vnet_vu_fd() - the fd the owner polls for POLLIN
 * @vu:	the backend
 *
 * Return: the connection, else the listening socket; -1 in client mode
 * with no connection
 */
int vnet_vu_fd(const struct vnet_vu *vu);

/**
 * vnet_vu_connected() - is a frontend attached
 * @vu:	the backend
 *
 * Return: true if so
 */
bool vnet_vu_connected(const struct vnet_vu *vu);

/**
 * vnet_vu_read() - read what the frontend sent, never waiting
 * @vu:	the backend
 *
 * Takes the bytes of the request under way that have arrived, and
 * touches nothing else: no queue, no memory, no hook. An owner that
 * locks its device around vnet_vu_dispatch() calls this first, without
 * the lock, so that a frontend sending a request slowly holds nobody.
 *
 * Return: true when vnet_vu_dispatch() has work: a whole request, a
 * connection to accept, or one to drop (hang-up, a framing error, or a
 * request not whole by its deadline); false while a request is under way
 */
bool vnet_vu_read(struct vnet_vu *vu);

/**
 * vnet_vu_timeout() - time left for the request under way
 * @vu:	the backend
 *
 * The owner's poll loop waits at most this long, then calls
 * vnet_vu_dispatch() (or vnet_vu_read()) even if nothing arrived, so that
 * a frontend that stops mid-request is dropped on time.
 *
 * Return: ms until the request's deadline (0 if passed), -1 if no
 * request is under way
 */
int vnet_vu_timeout(const struct vnet_vu *vu);

/**
 * vnet_vu_dispatch() - serve what vnet_vu_fd() has ready: accept or one request
 * @vu:	the backend
 *
 * Never waits: a request is served once all of it has arrived (what has
 * come so far is kept), and replies are sent without waiting. A frontend
 * that breaks the protocol, hangs up, does not take its replies, or does
 * not complete a request within VNET_VU_MSG_DEADLINE_MS of its first
 * byte, is disconnected: every queue stopped, every mapping and fd
 * released; a server then listens again. So is one that shrank a file
 * under a mapping: the backend survives the SIGBUS (vu_sigbus.c), shuts
 * the connection's read side so that it polls readable, and here breaks
 * every started queue (error eventfds fire) and drops the frontend.
 * Memory, log and inflight accesses of other threads must not overlap
 * this call.
 *
 * Return: 0; -ECONNRESET if the connection ended (hang-up or protocol
 * breach; the stats say which); -errno from accept()
 */
int vnet_vu_dispatch(struct vnet_vu *vu);

/**
 * vnet_vu_disconnect() - drop the frontend, as a protocol breach does
 * @vu:	the backend
 */
void vnet_vu_disconnect(struct vnet_vu *vu);

/**
 * vnet_vu_queue() - a running queue (started and enabled)
 * @vu:		the backend
 * @idx:	queue index
 *
 * Return: the queue, or NULL if @idx is not running
 */
struct vnet_virtq *vnet_vu_queue(struct vnet_vu *vu, unsigned int idx);

/**
 * vnet_vu_kick_fd() - the kick eventfd of a running queue
 * @vu:		the backend
 * @idx:	queue index
 *
 * Return: the fd, or -1
 */
int vnet_vu_kick_fd(const struct vnet_vu *vu, unsigned int idx);

/**
 * vnet_vu_kick_drain() - read a queue's kick eventfd (after POLLIN)
 * @vu:		the backend
 * @idx:	queue index
 *
 * The eventfd sums what each kick wrote: 1 per kick, so the value read
 * counts them. With NOTIFICATION_DATA a frontend may write the
 * notification's data instead (a doorbell's payload); a sum of those
 * tells neither how many kicks came nor where the driver stands, so the
 * value is then never read as data, and the read counts as one kick.
 *
 * Return: the kicks read (0 if none waited, at most INT_MAX), or -ENODEV
 * if the queue has no kick fd
 */
int vnet_vu_kick_drain(struct vnet_vu *vu, unsigned int idx);

/**
 * vnet_vu_discard() - process a started but disabled transmit ring
 * @vu:		the backend
 * @idx:	queue index
 *
 * vhost-user "Starting and stopping rings": "If a ring is started but
 * disabled, the backend must process the ring without talking to the
 * network: it must not supply any new RX packets, but must process and
 * discard any TX packets." This holds for a ring disabled after it ran;
 * one started and not enabled yet keeps its buffers for the enable that
 * frontends send right after the start (on a migration's destination, or
 * after a reconnect, they are frames the guest queued). Every buffer the
 * driver made available is
 * used, with length 0, and the driver notified; notifications are left
 * on, so the next buffer brings a kick. Call it on each kick of such a
 * queue (struct vnet_vu_ops.queue_discard); from the thread that would
 * serve the queue.
 *
 * Return: buffers discarded; 0 when the queue is not a started but
 * disabled transmit queue; -ENODEV for an index out of range
 */
int vnet_vu_discard(struct vnet_vu *vu, unsigned int idx);

/**
 * vnet_vu_notify() - signal the frontend's call eventfd if the queue asks
 * @vu:		the backend
 * @idx:	queue index, just flushed
 *
 * Consults vnet_virtq_should_notify(). (With dirty logging on, the
 * queue itself marked what it wrote: vnet_virtq_set_log().)
 *
 * Return: 1 if signalled, 0 if not needed or no call fd, -ENODEV
 */
int vnet_vu_notify(struct vnet_vu *vu, unsigned int idx);

/**
 * vnet_vu_features() - the negotiated features
 * @vu:	the backend
 *
 * Return: the set (empty before SET_FEATURES)
 */
const struct vnet_features *vnet_vu_features(const struct vnet_vu *vu);

/**
 * vnet_vu_mem() - the current guest memory table
 * @vu:	the backend
 *
 * Return: the table; valid until the next vnet_vu_dispatch()
 */
const struct vnet_mem *vnet_vu_mem(const struct vnet_vu *vu);

/**
 * vnet_vu_log_write() - mark guest pages written through host segments dirty
 * @vu:		the backend
 * @iov:	segments the device wrote (host addresses from a popped
 *		element)
 * @n:		segments
 * @len:	bytes written from the first segment on
 *
 * Does nothing unless the frontend turned logging on (LOG_ALL and a log
 * base). A segment outside every region is ignored. Not needed for what
 * a queue writes and pushes (the queue marks it: vnet_virtq_set_log());
 * for writes into guest memory the owner makes otherwise.
 *
 * Return: pages marked
 */
unsigned int vnet_vu_log_write(struct vnet_vu *vu, const struct iovec *iov,
			       unsigned int n, size_t len);

/**
 * vnet_vu_get_stats() - the counters
 * @vu:	the backend
 *
 * Return: the counters, valid as long as @vu
 */
const struct vnet_vu_stats *vnet_vu_get_stats(const struct vnet_vu *vu);

VNET_API_END

#endif /* VNET_VHOST_USER_H */
