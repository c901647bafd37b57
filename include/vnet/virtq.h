/* SPDX-License-Identifier: MIT */
/* virtq.h - device side of split and packed virtqueues, every guest value checked */
#ifndef VNET_VIRTQ_H
#define VNET_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vnet/dirty_log.h"
#include "vnet/features.h"
#include "vnet/iotlb.h"
#include "vnet/mem.h"
#include "vnet/export.h"

VNET_API_BEGIN

/* Largest queue size of either format (virtio 1.4: 32768, 2^15). */
#define VNET_VIRTQ_SIZE_MAX	32768

/**
 * enum vnet_virtq_err - why a queue was marked broken
 * @VNET_VIRTQ_OK:			not broken
 * @VNET_VIRTQ_ERR_RING_ADDR:		a ring area is misaligned or not
 *					inside one memory region
 * @VNET_VIRTQ_ERR_AVAIL_IDX:		split: avail idx ran more than the
 *					queue size ahead of used idx
 * @VNET_VIRTQ_ERR_HEAD:		split: head index >= queue size
 * @VNET_VIRTQ_ERR_NEXT:		next index >= queue or table size
 * @VNET_VIRTQ_ERR_CHAIN_LEN:		chain longer than the queue size (or
 *					than its indirect table): a loop
 * @VNET_VIRTQ_ERR_INDIRECT_FEATURE:	INDIRECT flag, INDIRECT_DESC not
 *					negotiated
 * @VNET_VIRTQ_ERR_INDIRECT_SIZE:	indirect table empty, not a multiple
 *					of 16 bytes, or more entries than the
 *					queue size
 * @VNET_VIRTQ_ERR_INDIRECT_NESTED:	split: INDIRECT inside an indirect
 *					table
 * @VNET_VIRTQ_ERR_INDIRECT_NEXT:	INDIRECT together with NEXT (split),
 *					or inside a chained list (packed)
 * @VNET_VIRTQ_ERR_INDIRECT_ADDR:	indirect table not inside one region
 * @VNET_VIRTQ_ERR_ADDR:		buffer not inside the memory table
 * @VNET_VIRTQ_ERR_LEN_OVERFLOW:	addr + len wraps, or the chain holds
 *					4 GiB or more
 * @VNET_VIRTQ_ERR_WRITE_BEFORE_READ:	device-readable descriptor after a
 *					device-writable one
 * @VNET_VIRTQ_ERR_DIRECTION:		writable buffer on a device-readable
 *					queue, or the reverse
 * @VNET_VIRTQ_ERR_IOV_FULL:		(unused: a chain longer than the
 *					caller's arrays is truncated, see
 *					struct vnet_virtq_elem; kept so the
 *					numbering stays)
 * @VNET_VIRTQ_ERR_INFLIGHT:		more buffers (split) or descriptors
 *					(packed) in flight than the queue size
 * @VNET_VIRTQ_ERR_ID:			packed: buffer ID >= queue size
 * @VNET_VIRTQ_ERR_DESC_NOT_AVAIL:	packed: a later descriptor of a list
 *					is not marked available
 * @VNET_VIRTQ_ERR_NET_HDR:		network device: a receive buffer too
 *					small for the header where the driver
 *					must make it large enough
 * @VNET_VIRTQ_ERR_INFLIGHT_REGION:	the inflight region (vhost-user
 *					INFLIGHT_SHMFD) is corrupt: bad
 *					version, size, index, list or count
 * @VNET_VIRTQ_ERR_IOTLB_PERM:		with an IOTLB: a mapping does not
 *					permit the access (a read-only one
 *					for a ring or buffer the device
 *					writes, a write-only one for one it
 *					reads), or a ring or indirect table
 *					not contiguous in host memory
 * @VNET_VIRTQ_ERR__COUNT:		number of codes
 */
enum vnet_virtq_err {
	VNET_VIRTQ_OK = 0,
	VNET_VIRTQ_ERR_RING_ADDR,
	VNET_VIRTQ_ERR_AVAIL_IDX,
	VNET_VIRTQ_ERR_HEAD,
	VNET_VIRTQ_ERR_NEXT,
	VNET_VIRTQ_ERR_CHAIN_LEN,
	VNET_VIRTQ_ERR_INDIRECT_FEATURE,
	VNET_VIRTQ_ERR_INDIRECT_SIZE,
	VNET_VIRTQ_ERR_INDIRECT_NESTED,
	VNET_VIRTQ_ERR_INDIRECT_NEXT,
	VNET_VIRTQ_ERR_INDIRECT_ADDR,
	VNET_VIRTQ_ERR_ADDR,
	VNET_VIRTQ_ERR_LEN_OVERFLOW,
	VNET_VIRTQ_ERR_WRITE_BEFORE_READ,
	VNET_VIRTQ_ERR_DIRECTION,
	VNET_VIRTQ_ERR_IOV_FULL,
	VNET_VIRTQ_ERR_INFLIGHT,
	VNET_VIRTQ_ERR_ID,
	VNET_VIRTQ_ERR_DESC_NOT_AVAIL,
	VNET_VIRTQ_ERR_NET_HDR,
	VNET_VIRTQ_ERR_INFLIGHT_REGION,
	VNET_VIRTQ_ERR_IOTLB_PERM,
	VNET_VIRTQ_ERR__COUNT,
};

/**
 * enum vnet_virtq_dir - which buffers a queue accepts
 * @VNET_VIRTQ_DIR_ANY:	device-readable elements, then device-writable ones
 * @VNET_VIRTQ_DIR_OUT:	device-readable only (a network transmit queue)
 * @VNET_VIRTQ_DIR_IN:	device-writable only (a network receive queue)
 */
enum vnet_virtq_dir {
	VNET_VIRTQ_DIR_ANY = 0,
	VNET_VIRTQ_DIR_OUT = 1,
	VNET_VIRTQ_DIR_IN = 2,
};

struct vnet_virtq;

/**
 * struct vnet_virtq_config - what the transport tells about one queue
 * @size:		queue size: 1..32768, a power of two for split rings
 * @desc_addr:		descriptor area (table or ring)
 * @driver_addr:	driver area (split: available ring; packed: driver
 *			event suppression)
 * @device_addr:	device area (split: used ring; packed: device event
 *			suppression)
 * @addr_is_uva:	the three addresses are frontend user addresses
 *			(vhost-user without IOMMU), not guest physical
 * @dir:		buffers the queue accepts
 * @big_endian:		legacy interface on a big-endian guest: ring fields
 *			are big-endian (ignored with VERSION_1)
 * @base:		starting state, as vnet_virtq_set_base() takes it
 * @features:		negotiated features; the queue uses VERSION_1,
 *			INDIRECT_DESC, EVENT_IDX, RING_PACKED, IN_ORDER and
 *			NOTIFICATION_DATA
 * @broken:		optional, called once when the queue becomes broken,
 *			with the queue, the reason and @opaque
 * @opaque:		passed to @broken
 * @inflight:		optional: this queue's inflight region (vhost-user.rst,
 *			"Inflight I/O tracking"), 8-byte aligned, shared with
 *			the frontend; NULL for none. The queue records what it
 *			pops and pushes there; a region found in use resubmits
 *			its in-flight buffers (see vnet_virtq_setup())
 * @inflight_len:	bytes at @inflight
 * @log:		optional: the dirty log to mark from the start (live
 *			migration), copied; NULL for none. See
 *			vnet_virtq_set_log()
 * @has_log_addr:	@log_addr is given
 * @log_addr:		where the device area is marked in the log, when it is
 *			not where the memory table puts it (vhost-user's
 *			log_guest_addr, sent with VHOST_VRING_F_LOG)
 * @iotlb:		optional: VIRTIO_F_ACCESS_PLATFORM, every address of
 *			the queue (the three above, descriptors, indirect
 *			tables) is an I/O virtual address translated through
 *			this table, which must outlive the configuration;
 *			@addr_is_uva and @log_addr are then not used (the log
 *			is marked by guest physical address, found from the
 *			host address). Not with @inflight
 * @miss:		with @iotlb, optional: called with @opaque when the
 *			queue needs an IOVA no mapping holds, and the access
 *			(VNET_IOTLB_RO, _WO); the queue waits where it stopped
 *			(its calls answer -EAGAIN) until the table holds it
 */
struct vnet_virtq_config {
	uint16_t size;
	uint64_t desc_addr;
	uint64_t driver_addr;
	uint64_t device_addr;
	bool addr_is_uva;
	enum vnet_virtq_dir dir;
	bool big_endian;
	uint32_t base;
	struct vnet_features features;
	void (*broken)(struct vnet_virtq *q, enum vnet_virtq_err err,
		       void *opaque);
	void *opaque;
	void *inflight;
	size_t inflight_len;
	const struct vnet_dirty_log *log;
	bool has_log_addr;
	uint64_t log_addr;
	const struct vnet_iotlb *iotlb;
	void (*miss)(struct vnet_virtq *q, uint64_t iova, unsigned int perm,
		     void *opaque);
};

/**
 * struct vnet_virtq_elem - one popped buffer, as host segments
 * @out:	caller's array for device-readable segments
 * @out_max:	room in @out
 * @out_num:	segments filled by pop
 * @out_len:	bytes in @out
 * @in:		caller's array for device-writable segments
 * @in_max:	room in @in
 * @in_num:	segments filled by pop
 * @in_len:	bytes in @in
 * @id:		split: head descriptor index; packed: buffer ID
 * @ndescs:	descriptors the buffer occupies in the ring (packed: an
 *		indirect buffer occupies one)
 * @seq:	pop sequence number, for in-order checks
 * @slot:	packed, with an inflight region: the buffer's head entry in
 *		the region
 * @resubmitted: the buffer was in flight before a reconnect and is
 *		popped again from the inflight region
 * @truncated:	the buffer has more segments than @out_max / @in_max hold:
 *		the chain was walked and checked to its end, but only the
 *		segments that fit were mapped (a transmit buffer so cut is
 *		the caller's to drop; a receive buffer just offers less)
 *
 * Zero-length descriptors contribute no segment. A descriptor that spans
 * adjacent memory regions contributes one segment per region.
 */
struct vnet_virtq_elem {
	struct iovec *out;
	unsigned int out_max;
	unsigned int out_num;
	uint32_t out_len;
	struct iovec *in;
	unsigned int in_max;
	unsigned int in_num;
	uint32_t in_len;
	uint16_t id;
	uint16_t ndescs;
	uint16_t seq;
	uint16_t slot;
	bool resubmitted;
	bool truncated;
};

/**
 * struct vnet_virtq_stats - counters, kept across reset
 * @popped:		buffers popped
 * @unpopped:		buffers given back by vnet_virtq_unpop()
 * @pushed:		buffers pushed
 * @flushes:		batches published
 * @used_written:	used entries (split) or used descriptors (packed)
 *			written: fewer than @pushed when IN_ORDER batches
 * @notify:		should_notify() said yes
 * @suppressed:		should_notify() said no
 * @kicks_empty:	notification data that announced nothing new
 * @truncated:	buffers with more segments than the caller's arrays
 *			(struct vnet_virtq_elem.truncated)
 * @resubmitted:	buffers popped again from an inflight region after a
 *			reconnect
 * @iotlb_misses:	translations an IOTLB did not hold (the queue waited)
 * @errors:		guest rule violations, by enum vnet_virtq_err
 */
struct vnet_virtq_stats {
	uint64_t popped;
	uint64_t unpopped;
	uint64_t pushed;
	uint64_t flushes;
	uint64_t used_written;
	uint64_t notify;
	uint64_t suppressed;
	uint64_t kicks_empty;
	uint64_t resubmitted;
	uint64_t truncated;
	uint64_t iotlb_misses;
	uint64_t errors[VNET_VIRTQ_ERR__COUNT];
};

struct vnet_virtq_pending;
struct vnet_virtq_resubmit;

/**
 * struct vnet_virtq - a device-side virtqueue
 *
 * The fields are private to virtq*.c: use the functions below. The ring
 * pointers are translated once by vnet_virtq_setup(); the memory table
 * must stay mapped and unchanged until vnet_virtq_reset(). One thread
 * drives a queue; the driver on the other side is the only concurrency,
 * and every access to shared ring memory is ordered for it.
 */
struct vnet_virtq {
	const struct vnet_mem *mem;
	void *desc;
	void *driver;
	void *device;
	struct vnet_virtq_pending *pending;
	void (*broken_fn)(struct vnet_virtq *q, enum vnet_virtq_err err,
			  void *opaque);
	void *opaque;
	uint16_t size;
	enum vnet_virtq_dir dir;
	enum vnet_virtq_err err;
	bool ready;
	bool packed;
	bool event_idx;
	bool indirect;
	bool in_order;
	bool notification_data;
	bool big_endian;
	bool notify_enabled;
	bool avail_wrap;
	bool used_wrap;
	uint16_t last_avail;
	uint16_t shadow_avail;
	uint16_t avail_ahead;
	uint16_t used_idx;
	uint16_t pop_seq;
	uint16_t push_seq;
	uint16_t inflight_descs;
	uint16_t npending;
	uint16_t pending_skips;	/* of them, IN_ORDER buffers folded */
	uint32_t pending_descs;
	uint32_t used_since_signal;
	void *inflight;
	struct vnet_virtq_resubmit *resubmit;
	uint16_t nresubmit;
	uint16_t resubmit_pos;
	uint16_t if_batch_head;
	uint16_t if_free_head;
	uint64_t inflight_counter;
	unsigned int mem_hint;
	struct vnet_dirty_log log;
	bool has_log_addr;
	uint64_t log_addr;
	unsigned int log_hint;
	const struct vnet_iotlb *iotlb;
	struct vnet_iotlb_cache tlb_cache;
	bool rings_mapped;
	bool ring_missed;
	uint64_t rings_gen;
	struct vnet_virtq_config ring_cfg;
	struct vnet_virtq_stats stats;
};

/**
 * vnet_virtq_init() - make an unconfigured queue
 * @q:	the queue
 */
void vnet_virtq_init(struct vnet_virtq *q);

/**
 * vnet_virtq_setup() - configure a queue and translate its rings once
 * @q:		an unconfigured queue (after init or reset)
 * @mem:	guest memory, which must outlive the configuration
 * @cfg:	the configuration, copied
 *
 * Each ring area must lie in one memory region, at its size for @cfg->size
 * and at the alignment the specification requires of the driver (split:
 * descriptors 16, available 2, used 4; packed: descriptors 16, event
 * suppression 4). A refused ring marks the queue broken with
 * VNET_VIRTQ_ERR_RING_ADDR. A split queue takes its used index from the
 * used ring, where the driver last saw it.
 *
 * With an inflight region: a zeroed one (version 0) is initialized; one in
 * use (version 1, left by an earlier queue, maybe a crashed backend) is
 * checked field by field, its interrupted batch rolled back or committed
 * as the spec says, and its in-flight buffers are popped again, in the
 * order of their counters, before any new one. The region then decides
 * where the rings resume: used where it (split: the used ring) says,
 * available past the buffers in flight; @cfg->base is not used. A
 * corrupt region marks the queue broken with
 * VNET_VIRTQ_ERR_INFLIGHT_REGION.
 *
 * Return: 0; -EBUSY if configured or broken (reset first); -EINVAL for
 * no memory table, a bad size, base or direction; -EFAULT for a ring not
 * translatable or misaligned; -EBADMSG for a corrupt inflight region;
 * -ENOMEM
 */
int vnet_virtq_setup(struct vnet_virtq *q, const struct vnet_mem *mem,
		     const struct vnet_virtq_config *cfg);

/**
 * vnet_virtq_inflight_size() - bytes of one queue's inflight region
 * @packed:	packed layout (QueueRegionPacked), else split
 * @size:	queue size
 *
 * Return: the header and @size descriptor states (vhost-user.rst,
 * "Inflight I/O tracking")
 */
size_t vnet_virtq_inflight_size(bool packed, uint16_t size);

/**
 * vnet_virtq_reset() - forget the configuration and all ring state
 * @q:	the queue
 *
 * For device reset and VIRTIO_F_RING_RESET: afterwards the queue executes
 * no request and sends no notification until set up again. Counters stay.
 */
void vnet_virtq_reset(struct vnet_virtq *q);

/**
 * vnet_virtq_elem_init() - point an element at the caller's segment arrays
 * @elem:	the element
 * @out:	device-readable segments
 * @out_max:	room in @out
 * @in:		device-writable segments
 * @in_max:	room in @in
 */
void vnet_virtq_elem_init(struct vnet_virtq_elem *elem, struct iovec *out,
			  unsigned int out_max, struct iovec *in,
			  unsigned int in_max);

/**
 * vnet_virtq_pop() - take the next available buffer
 * @q:		the queue
 * @elem:	element whose arrays receive the segments
 *
 * Every descriptor field is read once, into a local copy, and checked
 * before use. A guest that breaks a rule marks the queue broken.
 *
 * Return: 1 if a buffer was popped, 0 if none is available, -EIO if the
 * queue is (or has just become) broken, -ENODEV if not set up
 */
int vnet_virtq_pop(struct vnet_virtq *q, struct vnet_virtq_elem *elem);

/**
 * vnet_virtq_avail() - how many buffers the driver offers, looked at now
 * @q:		the queue
 * @max:	the most the caller means to take
 *
 * A device that takes only these in one pass works on ring entries the
 * driver has finished writing. Popping on while the driver adds buffers
 * one by one has both sides pull the same cache lines back and forth:
 * three times slower in bench/vnetd_bench.sh's receive test, and
 * bistable (one run fast, the next slow).
 *
 * Split rings: the available index is read now, with pop's checks.
 * Packed rings: up to @max descriptors are looked at; a buffer of several
 * descriptors counts as several, so the figure is an upper bound there.
 * Buffers to resubmit after a reconnect count too.
 *
 * Return: 0..@max; 0 when the queue is broken or not set up
 */
unsigned int vnet_virtq_avail(struct vnet_virtq *q, unsigned int max);

/**
 * vnet_virtq_pop_burst() - take up to @n available buffers
 * @q:		the queue
 * @elems:	elements, each pointing at its own segment arrays
 * @n:		elements in @elems
 *
 * Return: buffers popped (0..@n); -EIO if the queue is broken before the
 * first one (buffers popped before a fault are returned, and the next call
 * fails); -ENODEV if not set up
 */
int vnet_virtq_pop_burst(struct vnet_virtq *q, struct vnet_virtq_elem *elems,
			 unsigned int n);

/**
 * vnet_virtq_unpop() - give back the buffer popped last
 * @q:		the queue
 * @elem:	that buffer
 *
 * Buffers go back in the reverse order of popping; the next pop reads
 * them again from guest memory, checking them anew.
 *
 * Return: 0, -EINVAL if nothing is in flight or @elem is not the buffer
 * popped last, -ENODEV if not set up
 */
int vnet_virtq_unpop(struct vnet_virtq *q, const struct vnet_virtq_elem *elem);

/**
 * vnet_virtq_push() - add a used buffer to the batch of the next flush
 * @q:		the queue
 * @elem:	a buffer popped from @q
 * @len:	bytes the device wrote into it, from the first writable byte
 *
 * Nothing is visible to the driver before vnet_virtq_flush(). With
 * IN_ORDER, buffers must be pushed in the order they were popped.
 *
 * With a dirty log attached, the pages of the first @len writable bytes
 * are marked here, the device's writes into the buffer being done: write
 * nothing past @len, and nothing after the push.
 *
 * Return: 0; -EINVAL if @len exceeds @elem->in_len, nothing is in flight,
 * (IN_ORDER) @elem is out of order, or (packed) the batch would hold more
 * descriptors than are in flight; -EIO if broken; -ENODEV
 */
int vnet_virtq_push(struct vnet_virtq *q, const struct vnet_virtq_elem *elem,
		    uint32_t len);

/**
 * vnet_virtq_flush() - publish the pushed buffers to the driver
 * @q:	the queue
 *
 * One release barrier per batch (two on a packed ring: the first used
 * descriptor of the batch is made visible last). With IN_ORDER, a run of
 * device-readable-only buffers is published as one used entry carrying the
 * ID of the run's last buffer, as the specification allows.
 *
 * Return: buffers published, -EIO if broken, -ENODEV if not set up
 */
int vnet_virtq_flush(struct vnet_virtq *q);

/**
 * vnet_virtq_should_notify() - must the driver get a used buffer notification
 * @q:	the queue, just flushed
 *
 * Looks at what was published since the previous call: VIRTQ_AVAIL_F_NO_
 * INTERRUPT or used_event (split), event suppression flags and off_wrap
 * (packed). Call once after each flush; a true answer is not repeated.
 *
 * Return: true if the caller must notify the driver
 */
bool vnet_virtq_should_notify(struct vnet_virtq *q);

/**
 * vnet_virtq_enable_notify() - ask for available buffer notifications
 * @q:	the queue
 *
 * Then checks again, so that a buffer made available meanwhile is not
 * missed: the caller goes back to popping on 1. Call it once pop has
 * returned 0, or after vnet_virtq_net_rx_pop() gave buffers back: buffers
 * already seen but not popped do not count, so a receive queue short of
 * buffers sleeps until the driver adds some.
 *
 * Return: 1 if buffers were made available since the queue last looked,
 * 0 if not, -EIO if broken, -ENODEV if not set up
 */
int vnet_virtq_enable_notify(struct vnet_virtq *q);

/**
 * vnet_virtq_disable_notify() - tell the driver notifications are not needed
 * @q:	the queue
 */
void vnet_virtq_disable_notify(struct vnet_virtq *q);

/**
 * vnet_virtq_notification_data() - take the data of a driver notification
 * @q:		the queue
 * @data:	the 32-bit notification: vqn in bits 0..15, next_off in 16..30,
 *		next_wrap in 31
 *
 * With VIRTIO_F_NOTIFICATION_DATA the driver says where its next buffer
 * will go. The hint is never trusted for memory access; it lets the device
 * skip a ring read on a notification that announces nothing new.
 *
 * Return: 1 if the hint announces buffers not yet popped, 0 if not,
 * -EOPNOTSUPP without NOTIFICATION_DATA, -ENODEV if not set up
 */
int vnet_virtq_notification_data(struct vnet_virtq *q, uint32_t data);

/**
 * vnet_virtq_get_base() - the available state, for GET_VRING_BASE
 * @q:	the queue
 *
 * Split: the next available index to read. Packed: the ring offset of the
 * next descriptor to read in bits 0..14 and the driver wrap counter the
 * device expects in bit 15. Buffers popped but not pushed count as read.
 *
 * Return: the state
 */
uint32_t vnet_virtq_get_base(const struct vnet_virtq *q);

/**
 * vnet_virtq_set_base() - set the available state, as SET_VRING_BASE does
 * @q:		a set-up queue with nothing in flight
 * @base:	as vnet_virtq_get_base() returns; bits 16..31 must be zero
 *
 * Packed: the used state is set equal to the available state. Split: the
 * used index stays as the used ring holds it.
 *
 * Return: 0, -EINVAL for a bad @base, -EBUSY with buffers in flight or
 * still to resubmit,
 * -ENODEV if not set up
 */
int vnet_virtq_set_base(struct vnet_virtq *q, uint32_t base);

/**
 * vnet_virtq_set_log() - attach, replace or detach the dirty log
 * @q:		a set-up queue
 * @log:	the log, copied; NULL to stop logging
 *
 * While a log is attached the queue marks every guest page it writes:
 * what vnet_virtq_push() says was written into a buffer (the received
 * header and frame, in each buffer of a mergeable chain; a control
 * queue's ack), the used ring entries and index, used descriptors
 * (packed), and the event suppression fields (avail_event, used flags,
 * the device area of a packed ring). Pages are marked by guest physical
 * address, after each write. With no log the cost is one predictable
 * branch per ring store and per pushed buffer.
 *
 * Call it from the thread that drives the queue, or while that thread
 * is kept out of it (the caller's lock): a write and its mark are never
 * split across two logs, so replacing the log misses no page, and
 * nothing is marked in a log once this returns with another one.
 */
void vnet_virtq_set_log(struct vnet_virtq *q, const struct vnet_dirty_log *log);

/**
 * vnet_virtq_logging() - is a dirty log attached
 * @q:		the queue
 *
 * A device that lets something else write into guest buffers (a tap's
 * readv() straight into them) and might give such a buffer back unused
 * has no push to mark the pages: it asks this first, and while a log is
 * attached writes only what it pushes.
 *
 * Return: true while vnet_virtq_set_log() has a log attached
 */
bool vnet_virtq_logging(const struct vnet_virtq *q);

/**
 * vnet_virtq_set_log_addr() - where the device area is marked in the log
 * @q:		a set-up queue
 * @has_addr:	false: where the memory table puts the device area
 * @gpa:	else: the guest address to mark for its first byte
 *
 * vhost-user's log_guest_addr (SET_VRING_ADDR with VHOST_VRING_F_LOG),
 * which may change on a running ring. Same threading rule as
 * vnet_virtq_set_log().
 */
void vnet_virtq_set_log_addr(struct vnet_virtq *q, bool has_addr,
			     uint64_t gpa);

/**
 * vnet_virtq_fail() - mark a queue broken
 * @q:		the queue
 * @err:	why; the first reason is kept
 *
 * For the library's device rules and for an owner that finds a guest fault
 * of its own. Counts the error and calls the config's broken hook once.
 */
void vnet_virtq_fail(struct vnet_virtq *q, enum vnet_virtq_err err);

/**
 * vnet_virtq_broken() - is the queue broken
 * @q:	the queue
 *
 * Return: true until vnet_virtq_reset()
 */
static inline bool vnet_virtq_broken(const struct vnet_virtq *q)
{
	return q->err != VNET_VIRTQ_OK;
}

/**
 * vnet_virtq_error() - why the queue is broken
 * @q:	the queue
 *
 * Return: the first error, VNET_VIRTQ_OK if not broken
 */
static inline enum vnet_virtq_err vnet_virtq_error(const struct vnet_virtq *q)
{
	return q->err;
}

/**
 * vnet_virtq_err_name() - short name of an error code
 * @err:	the code
 *
 * Return: a name such as "head_out_of_range"; "unknown" for a bad code
 */
const char *vnet_virtq_err_name(enum vnet_virtq_err err);

/**
 * vnet_virtq_resubmit_pending() - buffers still to pop again after a reconnect
 * @q:	the queue
 *
 * Return: how many in-flight buffers of the inflight region the next pops
 * return before any new one
 */
static inline unsigned int vnet_virtq_resubmit_pending(const struct vnet_virtq *q)
{
	return (unsigned int)q->nresubmit - q->resubmit_pos;
}

/**
 * vnet_virtq_get_stats() - the queue's counters
 * @q:	the queue
 *
 * Return: the counters, valid as long as @q
 */
static inline const struct vnet_virtq_stats *
vnet_virtq_get_stats(const struct vnet_virtq *q)
{
	return &q->stats;
}

VNET_API_END

#endif /* VNET_VIRTQ_H */
