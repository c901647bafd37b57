/* SPDX-License-Identifier: MIT */
/* vu_int.h - private state of the vhost-user backend, shared by src/vhost/vu_*.c */
#ifndef VNET_VU_INT_H
#define VNET_VU_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet/dirty_log.h"
#include "vnet/features.h"
#include "vnet/iotlb.h"
#include "vnet/mem.h"
#include "vnet/vhost_user.h"
#include "vnet/virtq.h"

/* Message header flags (vhost-user.rst, "Header"). */
#define VU_VERSION		0x1
#define VU_VERSION_MASK		0x3
#define VU_FLAG_REPLY		(1u << 2)
#define VU_FLAG_NEED_REPLY	(1u << 3)

/* Regions SET_MEM_TABLE carries, and fds any one message may carry. */
#define VU_MEM_TABLE_REGIONS	8
#define VU_FDS_MAX		8

/* Memory regions at most: what GET_MAX_MEM_SLOTS offers. */
#define VU_MEM_SLOTS		32

/* SET_VRING_KICK/CALL/ERR payload: index in bits 0..7, no-fd in bit 8. */
#define VU_VRING_IDX_MASK	0xffu
#define VU_VRING_NOFD		(1u << 8)

/* SET_VRING_ADDR flags: log used ring writes. */
#define VU_VRING_F_LOG		1u

struct vu_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
} __attribute__((packed));

struct vu_state {
	uint32_t index;
	uint32_t num;
} __attribute__((packed));

struct vu_addr {
	uint32_t index;
	uint32_t flags;
	uint64_t desc;
	uint64_t used;
	uint64_t avail;
	uint64_t log;
} __attribute__((packed));

struct vu_region {
	uint64_t gpa;
	uint64_t size;
	uint64_t uva;
	uint64_t offset;
} __attribute__((packed));

struct vu_mem_table {
	uint32_t nregions;
	uint32_t padding;
	struct vu_region r[VU_MEM_TABLE_REGIONS];
} __attribute__((packed));

struct vu_mem_reg {
	uint64_t padding;
	struct vu_region r;
} __attribute__((packed));

struct vu_log {
	uint64_t size;
	uint64_t offset;
} __attribute__((packed));

/* Inflight description (GET/SET_INFLIGHT_FD). */
struct vu_inflight {
	uint64_t mmap_size;
	uint64_t mmap_offset;
	uint16_t num_queues;
	uint16_t queue_size;
} __attribute__((packed));

#define VU_INFLIGHT_PADDED	24	/* sizeof(VhostUserInflight) in QEMU */

struct vu_config {
	uint32_t offset;
	uint32_t size;
	uint32_t flags;
	uint8_t data[VNET_VU_CONFIG_MAX];
} __attribute__((packed));

/* struct vhost_iotlb_msg: 26 bytes as the spec draws it, 32 as QEMU and
 * DPDK send it (their struct is not packed). */
struct vu_iotlb_msg {
	uint64_t iova;
	uint64_t size;
	uint64_t uva;
	uint8_t perm;
	uint8_t type;
} __attribute__((packed));

#define VU_IOTLB_MSG_PADDED	32

/* SET_DEVICE_STATE_FD's payload: what moves which way, and when. */
struct vu_transfer {
	uint32_t direction;
	uint32_t phase;
} __attribute__((packed));

union vu_payload {
	uint64_t u64;
	uint64_t u64x2[2];
	struct vu_state state;
	struct vu_addr addr;
	struct vu_mem_table mem;
	struct vu_mem_reg reg;
	struct vu_log log;
	struct vu_inflight inflight;
	struct vu_transfer transfer;
	struct vu_config config;
	struct vu_iotlb_msg iotlb;
	uint8_t raw[sizeof(struct vu_config)];
};

/**
 * struct vu_msg - one request or reply, with the fds it carried
 * @hdr:	header
 * @p:		payload, hdr.size bytes of it valid
 * @fds:	received fds, owned until taken (set to -1) or closed
 * @nfds:	fds received
 */
struct vu_msg {
	struct vu_hdr hdr;
	union vu_payload p;
	int fds[VU_FDS_MAX];
	unsigned int nfds;
};

/**
 * struct vu_rx - the request being read, as fast or slowly as it comes
 * @m:		the request; its fds are collected from every read
 * @got:	bytes of header and payload in
 * @deadline:	when it must be whole, in ms of CLOCK_MONOTONIC (set with
 *		its first byte)
 * @err:	0, or why the connection is to be dropped (-errno)
 */
struct vu_rx {
	struct vu_msg m;
	size_t got;
	uint64_t deadline;
	int err;
};

/**
 * struct vu_map - one mmap of a frontend fd behind a memory region
 * @gpa:	region's guest address
 * @size:	region's size
 * @uva:	region's frontend address
 * @base:	what mmap returned
 * @len:	what was mapped (offset + size)
 */
struct vu_map {
	uint64_t gpa;
	uint64_t size;
	uint64_t uva;
	void *base;
	size_t len;
};

/**
 * struct vu_vring - the transport's view of one queue
 * @q:		the device-side queue, set up once started
 * @kick_fd:	eventfd the frontend kicks, or -1
 * @call_fd:	eventfd the backend signals, or -1
 * @err_fd:	eventfd for errors, or -1
 * @num:	size from SET_VRING_NUM, 0 if not given
 * @addr:	addresses from SET_VRING_ADDR
 * @have_addr:	@addr is valid
 * @base:	from SET_VRING_BASE
 * @started:	@q is set up (kick fd received)
 * @enabled:	SET_VRING_ENABLE state
 * @running:	last state reported to the owner
 * @miss_iova:	the IOVA the queue waits for (valid with @waiting)
 * @miss_ms:	when that miss was last sent
 * @waiting:	the queue waits for a mapping: an update wakes it
 */
struct vu_vring {
	struct vnet_virtq q;
	int kick_fd;
	int call_fd;
	int err_fd;
	uint16_t num;
	struct vu_addr addr;
	bool have_addr;
	uint32_t base;
	bool started;
	bool enabled;
	bool running;
	bool served;		/* running since it last started */
	bool discarding;	/* a transmit queue disabled since */
	uint64_t miss_iova;
	uint64_t miss_ms;
	bool waiting;
};

struct vnet_vu {
	struct vnet_vu_config cfg;
	char *path;
	int listen_fd;
	int conn_fd;
	uint64_t protocol_offer;
	struct vnet_features offer;
	/* per connection */
	struct vnet_features features;
	uint64_t transport_features;
	bool features_set;
	uint64_t protocol;
	uint8_t status;
	bool big_endian;
	struct vnet_mem mem;
	struct vu_map maps[VU_MEM_SLOTS];
	unsigned int nmaps;
	void *log_base;
	size_t log_len;
	uint64_t log_size;
	struct vnet_dirty_log log;
	void *inflight_base;
	size_t inflight_len;
	uint64_t inflight_off;
	uint64_t inflight_stride;
	unsigned int inflight_queues;
	unsigned int nqueues;
	struct vu_vring vr[VNET_VU_QUEUES_MAX];
	struct vu_rx rx;
	int backend_fd;
	pthread_mutex_t backend_lock;
	struct vnet_iotlb iotlb;
	int state_fd;
	int state_dir;
	bool state_ok;
	struct vnet_vu_stats stats;
};

/* vu_msg.c */
void vu_rx_reset(struct vu_rx *rx);
bool vu_rx_whole(const struct vu_rx *rx);
int vu_msg_read(int fd, struct vu_rx *rx, struct vnet_vu_stats *st);
uint64_t vu_now_ms(void);
int vu_msg_send(int fd, const struct vu_hdr *hdr, const void *payload);
int vu_msg_send_fds(int fd, const struct vu_hdr *hdr, const void *payload,
		    const int *fds, unsigned int nfds);
void vu_msg_close_fds(struct vu_msg *m);
int vu_msg_check(struct vu_msg *m, struct vnet_vu_stats *st);
int vu_msg_take_fd(struct vu_msg *m, unsigned int i);

/* vu_fd.c */
bool vu_fd_is_eventfd(int fd);
void *vu_map_file(struct vnet_vu *vu, int fd, uint64_t offset, uint64_t size,
		  size_t *len);
void vu_unmap_file(void *base, size_t len);

/* vu_sigbus.c */
int vu_sigbus_add(const void *owner, int wake_fd, void *base, size_t len);
void vu_sigbus_del(const void *base);
bool vu_sigbus_faulted(const void *owner);

/* vu_mem.c */
int vu_mem_add(struct vnet_vu *vu, const struct vu_region *r, int fd);
int vu_mem_del(struct vnet_vu *vu, const struct vu_region *r);
int vu_mem_find(const struct vnet_vu *vu, const struct vu_region *r);
void vu_mem_clear(struct vnet_vu *vu);
int vu_mem_set_table(struct vnet_vu *vu, struct vu_msg *m);

/* vu_request.c */
void vu_reply_u64(const struct vu_msg *m, struct vu_msg *reply, uint64_t v);

/* vu_state.c */
void vu_state_clear(struct vnet_vu *vu);
int vu_set_device_state_fd(struct vnet_vu *vu, struct vu_msg *m,
			   struct vu_msg *r);
int vu_check_device_state(struct vnet_vu *vu, struct vu_msg *m,
			  struct vu_msg *r);

/* vu_vring.c */
void vu_vring_init(struct vu_vring *v);
void vu_vring_call_replaced(struct vnet_vu *vu, struct vu_vring *v);
int vu_vring_start(struct vnet_vu *vu, unsigned int idx);
uint32_t vu_vring_stop(struct vnet_vu *vu, unsigned int idx);
void vu_vring_release(struct vnet_vu *vu, unsigned int idx);
void vu_vring_update(struct vnet_vu *vu, unsigned int idx);
void vu_vring_signal_err(struct vnet_vu *vu, unsigned int idx);
int vu_vring_remap(struct vnet_vu *vu);

/* vu_log.c */
int vu_log_set_base(struct vnet_vu *vu, struct vu_msg *m);
void vu_log_clear(struct vnet_vu *vu);
void vu_log_queue(const struct vnet_vu *vu, unsigned int idx,
		  struct vnet_virtq_config *c);
void vu_log_attach(struct vnet_vu *vu);

/* vu_inflight.c */
int vu_inflight_get(struct vnet_vu *vu, struct vu_msg *m, struct vu_msg *r);
int vu_inflight_set(struct vnet_vu *vu, struct vu_msg *m);
void vu_inflight_clear(struct vnet_vu *vu);
void *vu_inflight_queue(const struct vnet_vu *vu, unsigned int idx,
			size_t *len);

/* vu_iotlb.c */
int vu_set_backend_fd(struct vnet_vu *vu, struct vu_msg *m);
void vu_iotlb_msg(struct vnet_vu *vu, struct vu_msg *m, struct vu_msg *r);
void vu_iotlb_reset(struct vnet_vu *vu);
void vu_iotlb_queue(struct vnet_vu *vu, struct vnet_virtq_config *c);

/* vu_request.c */
int vu_request(struct vnet_vu *vu, struct vu_msg *m, struct vu_msg *reply);

#endif /* VNET_VU_INT_H */
