/* SPDX-License-Identifier: MIT */
/* vu_front.h - a test frontend: a userspace virtio-net driver speaking vhost-user, well-behaved or hostile on demand */
#ifndef VU_FRONT_H
#define VU_FRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet/features.h"
#include "vq_guest.h"

#define VUF_QUEUES_MAX	9	/* 4 pairs and a control queue */
#define VUF_SLOTS_MAX	256	/* buffer IDs per queue (vq_guest.h's packed) */
#define VUF_SLOT_SIZE	4096	/* bytes of guest memory per buffer */
#define VUF_FRAME_MAX	3800	/* largest frame the tests send (with its
				 * header, it fits a slot) */

/* Guest memory: rings in one region, buffers in another, one memfd. */
#define VUF_RING_GPA	0x0ULL
#define VUF_RING_SIZE	0x100000ULL
#define VUF_BUF_GPA	0x40000000ULL
#define VUF_BUF_SIZE	((uint64_t)VUF_QUEUES_MAX * VUF_SLOTS_MAX * VUF_SLOT_SIZE)
#define VUF_UVA_BIAS	0x7f0000000000ULL	/* frontend address = gpa + bias */

/**
 * struct vuf_opts - what a frontend negotiates and how it lays out buffers
 * @packed:	RING_PACKED
 * @indirect:	INDIRECT_DESC, used for every transmit buffer
 * @event_idx:	EVENT_IDX
 * @mrg:	MRG_RXBUF (receive buffers of 1024 bytes; else 4096)
 * @pairs:	queue pairs (MQ when more than 1)
 * @qsize:	queue size, a power of two, at most VUF_SLOTS_MAX
 * @split_hdr:	transmit header over one descriptor per byte
 * @proto_extra: protocol features wanted beyond the usual ones
 * @log_all:	ack VHOST_F_LOG_ALL
 * @no_protocol: an old frontend: no protocol features, rings enabled
 *		from the start
 * @mem_regs:	0: memory by SET_MEM_TABLE; n: by ADD_MEM_REG, each region
 *		sent n times, as QEMU before 8.0 does with n queue pairs
 *		(CONFIGURE_MEM_SLOTS must be in @proto_extra)
 * @inflight:	INFLIGHT_SHMFD: GET_INFLIGHT_FD once (the region is kept
 *		across reconnects), SET_INFLIGHT_FD before the rings start
 * @offloads:	offload features wanted (any of the 128 bits: those beyond
 *		63 go through vnetd's GET/SET_FEATURES_EX); a tunnel feature
 *		makes the header 24 bytes
 * @rss:	RSS and HASH_REPORT with CTRL_VQ and MQ, and the control
 *		queue set up after the data queues (vuf_ctrl())
 * @notif_data:	NOTIFICATION_DATA: each kick writes the notification's
 *		data to the eventfd (vuf_kick())
 * @ctrl:	CTRL_VQ (MQ only with @pairs > 1), the control queue set
 *		up after the data queues (vuf_ctrl())
 * @no_mq:	MQ not asked, even with @pairs > 1 or @rss: RSS alone makes
 *		the pairs ("N=1 if neither VIRTIO_NET_F_MQ nor
 *		VIRTIO_NET_F_RSS are negotiated")
 * @unsealable:	the files the frontend shares (guest memory, and with
 *		@inflight a region of its own instead of the backend's)
 *		are memfds that take no seal, as QEMU's file backends:
 *		the frontend may shrink them under the backend
 * @big:	without @mrg: Linux's "big packets" receive buffers, a
 *		chain of the header's descriptor and 17 pages' worth
 *		(VUF_BIG_SLOTS contiguous slots), so a 64 KiB super-frame
 *		fits one buffer
 * @iommu:	ACCESS_PLATFORM: ring and buffer addresses are I/O virtual
 *		addresses, the guest physical ones (identity), mapped only
 *		as the test maps them (vuf_iotlb_*()); BACKEND_REQ, and a
 *		backend channel the device sends its misses on
 */
struct vuf_opts {
	bool packed;
	bool indirect;
	bool event_idx;
	bool mrg;
	unsigned int pairs;
	uint16_t qsize;
	bool split_hdr;
	uint64_t proto_extra;
	bool log_all;
	bool no_protocol;
	unsigned int mem_regs;
	bool inflight;
	struct vnet_features offloads;
	bool rss;
	bool notif_data;
	bool ctrl;
	bool no_mq;
	bool unsealable;
	bool big;
	bool iommu;
};

/* Descriptors of one buffer at most, and slots of a big receive buffer. */
#define VUF_CHAIN_MAX	20
#define VUF_BIG_SLOTS	17

/* Per-buffer bookkeeping: what is out, so every return is checked. */
struct vuf_slot {
	bool out;
	uint16_t ndesc;
	uint16_t mem;		/* memory slot of the buffer */
	uint16_t descs[VUF_CHAIN_MAX];
	uint32_t len;
};

struct vuf_queue {
	bool rx;
	uint16_t size;
	int kick;
	int call;
	int err;
	struct split_drv s;
	struct packed_drv p;
	uint16_t free[VUF_SLOTS_MAX];	/* split: free descriptors */
	unsigned int nfree;
	uint16_t ids[VUF_SLOTS_MAX];	/* free buffer IDs / slots */
	unsigned int nids;
	struct vuf_slot slot[VUF_SLOTS_MAX];
	uint16_t last_used;		/* split: next used entry to read */
	uint64_t made_avail;
	uint64_t returned;
	uint64_t bad_returns;	/* unknown ID, or returned twice */
	uint64_t bad_len;	/* used length larger than the buffer */
	uint64_t kicks;		/* driver notifications sent */
};

/**
 * struct vuf - one frontend connection and its guest
 */
struct vuf {
	int sock;
	int memfd;
	uint8_t *mem;
	size_t mem_size;
	struct guest *g;
	struct vuf_opts o;
	struct vnet_features features;
	uint64_t protocol;
	unsigned int nq;
	struct vuf_queue q[VUF_QUEUES_MAX];
	unsigned int hdr_len;
	int inflight_fd;
	uint8_t *inflight;	/* the region, mapped for the tests to look */
	uint64_t inflight_size;
	uint16_t inflight_queues;
	uint16_t inflight_qsize;
	int backend;		/* our end of the backend channel, or -1 */
};

/* Connection and raw messages (for hostile tests too). */
int vuf_connect(struct vuf *f, const char *path);
void vuf_attach(struct vuf *f, int sock);
int vuf_set(struct vuf *f, uint32_t req, const void *p, uint32_t size,
	    const int *fds, unsigned int nfds);
int vuf_send_msg(struct vuf *f, uint32_t req, uint32_t flags,
		 const void *payload, uint32_t size, const int *fds,
		 unsigned int nfds);
int vuf_recv_msg(struct vuf *f, uint32_t *req, void *payload, uint32_t room);
int vuf_recv_msg_fd(struct vuf *f, uint32_t *req, void *payload,
		    uint32_t room, int *fd);
int vuf_get_u64(struct vuf *f, uint32_t req, uint64_t *v);
bool vuf_alive(struct vuf *f);
void vuf_close(struct vuf *f);

/* The full start-up a VMM performs. */
int vuf_start(struct vuf *f, const char *path, const struct vuf_opts *o);
int vuf_begin(struct vuf *f, const struct vuf_opts *o);
int vuf_mem_table(struct vuf *f);
int vuf_mem_table_fd(struct vuf *f, int fd);
int vuf_mem_reg(struct vuf *f, uint32_t req, unsigned int region);
int vuf_vring_setup(struct vuf *f, unsigned int idx);
int vuf_stop_queue(struct vuf *f, unsigned int idx, uint32_t *base);
/* SET_VRING_CALL on a started queue, a new eventfd (QEMU 7.2 with INTx
 * sends it after SET_VRING_KICK): the old fd returned, for the caller to
 * read and close; or -errno */
int vuf_replace_call(struct vuf *f, unsigned int idx);
/* SET_DEVICE_STATE_FD (@dir 0 save, 1 load; @phase 0 stopped): the reply's
 * u64 in @code, the fd to transfer through in @fd (the backend's, or the
 * frontend's own end when the backend returned none; -1 on a refusal);
 * 0 or -errno */
int vuf_state_fd(struct vuf *f, uint32_t dir, uint32_t phase,
		 uint64_t *code, int *fd);
/* CHECK_DEVICE_STATE: the reply's u64 (0: success) in @code */
int vuf_check_state(struct vuf *f, uint64_t *code);

/* INFLIGHT_SHMFD: the region, and a reconnect that keeps the guest. */
int vuf_inflight_get(struct vuf *f, uint16_t nq, uint16_t qsize);
int vuf_inflight_set(struct vuf *f);
uint8_t *vuf_inflight_queue(struct vuf *f, unsigned int idx);
int vuf_reconnect(struct vuf *f, const char *path);

/* Data path. */
int vuf_tx(struct vuf *f, unsigned int pair, const void *frame, size_t len);
/* The same without the kick: the caller kicks once for a batch. */
int vuf_tx_add(struct vuf *f, unsigned int pair, const void *frame, size_t len);
int vuf_tx_hdr(struct vuf *f, unsigned int pair, const void *hdr,
	       const void *frame, size_t len);
int vuf_tx_add_hdr(struct vuf *f, unsigned int pair, const void *hdr,
		   const void *frame, size_t len);
int vuf_rx_fill(struct vuf *f, unsigned int pair);
int vuf_rx(struct vuf *f, unsigned int pair, void *frame, size_t room);
int vuf_rx_hdr(struct vuf *f, unsigned int pair, void *hdr, void *frame,
	       size_t room);
int vuf_reap_tx(struct vuf *f, unsigned int pair);
bool vuf_wait_err(struct vuf *f, unsigned int idx, int ms);
int vuf_ctrl(struct vuf *f, uint8_t cls, uint8_t cmd, const void *data,
	     size_t len);
/* The same in three steps: made available (not kicked), kicked by the
 * caller, then its ack taken once vuf_used_count() shows it used. */
int vuf_ctrl_post(struct vuf *f, uint8_t cls, uint8_t cmd, const void *data,
		  size_t len);
int vuf_ctrl_ack(struct vuf *f);
/* Used buffers not yet taken, counted without writing guest memory. */
unsigned int vuf_used_count(struct vuf *f, unsigned int idx);

/* Live migration's requests (vhost-user.rst, "Migration"). */
int vuf_log_base(struct vuf *f, int fd, uint64_t size, uint64_t offset);
int vuf_log_all(struct vuf *f, bool on);
int vuf_vring_log(struct vuf *f, unsigned int idx, bool on);
/* The same with room for a command-specific-result: the ack, or -errno;
 * @got: result bytes the device wrote (its used length less the ack). */
int vuf_ctrl_result(struct vuf *f, uint8_t cls, uint8_t cmd, const void *data,
		    size_t len, void *res, size_t room, size_t *got);
int vuf_get_config(struct vuf *f, uint32_t off, void *buf, uint32_t len);
void vuf_kick(struct vuf *f, unsigned int idx);
uint64_t vuf_outstanding(const struct vuf *f, unsigned int idx);

/* vIOMMU (vu_front_iotlb.c): the IOTLB as the test drives it. */
int vuf_backend_channel(struct vuf *f);
int vuf_iotlb(struct vuf *f, uint8_t type, uint64_t iova, uint64_t size,
	      uint64_t uva, uint8_t perm);
int vuf_iotlb_map(struct vuf *f, uint64_t iova, uint64_t size, uint8_t perm);
int vuf_iotlb_unmap(struct vuf *f, uint64_t iova, uint64_t size);
int vuf_iotlb_miss(struct vuf *f, int ms, uint64_t *iova, uint8_t *perm);
int vuf_iotlb_serve(struct vuf *f, int ms);

/* A guest pointer into the frontend's memory. */
static inline uint8_t *vuf_gp(struct vuf *f, uint64_t gpa, size_t len)
{
	return gp(f->g, gpa, len);
}

#endif /* VU_FRONT_H */
