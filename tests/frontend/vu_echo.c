// SPDX-License-Identifier: MIT
/* vu_echo.c - the echo backend's loop: poll, dispatch, move frames from TX to RX, inject */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vnet/hdr.h"
#include "vu_echo.h"

#define ECHO_IOV	64
#define ECHO_BUFS	64
#define ECHO_FRAME_MAX	65536

static void echo_features(void *opaque, const struct vnet_features *f)
{
	struct vu_echo *e = opaque;
	struct vnet_hdr_layout l;

	vnet_hdr_layout_init(&l, f, VNET_PROFILE_STANDARD, VNET_ENDIAN_LITTLE);
	vnet_virtq_net_init(&e->net, &l, f);
}

static int echo_get_config(void *opaque, uint32_t off, void *buf, uint32_t len)
{
	/* mac 02:00:00:00:00:02, status LINK_UP, max_virtqueue_pairs */
	struct vu_echo *e = opaque;
	uint8_t cfg[12] = { 0x02, 0, 0, 0, 0, 0x02, 1, 0,
			    (uint8_t)e->pairs, 0, 0xdc, 0x05 };

	memset(buf, 0, len);
	if (off < sizeof(cfg))
		memcpy(buf, cfg + off, len < sizeof(cfg) - off ?
		       len : sizeof(cfg) - off);
	return 0;
}

static const struct vnet_vu_ops echo_ops = {
	.get_config = echo_get_config,
	.features = echo_features,
};

void vu_echo_default_offer(struct vnet_features *f, unsigned int pairs)
{
	static const unsigned int bits[] = { VNET_F_VERSION_1, VNET_F_MAC,
		VNET_F_STATUS, VNET_F_MTU, VNET_F_MRG_RXBUF,
		VNET_F_INDIRECT_DESC, VNET_F_EVENT_IDX, VNET_F_RING_PACKED };
	unsigned int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		vnet_features_set(f, bits[i]);
	if (pairs > 1) {
		vnet_features_set(f, VNET_F_CTRL_VQ);
		vnet_features_set(f, VNET_F_MQ);
	}
}

int vu_echo_init(struct vu_echo *e, const char *path, bool client,
		 unsigned int pairs, const struct vnet_features *offer)
{
	struct vnet_vu_config c = { .path = path, .client = client,
				    .queue_pairs = pairs, .config_size = 12,
				    .ops = &echo_ops, .opaque = e };
	int err = 0;

	memset(e, 0, sizeof(*e));
	e->pairs = pairs;
	e->client = client;
	c.features = *offer;
	e->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (e->stop_fd < 0)
		return -errno;
	e->vu = vnet_vu_new(&c, &err);
	if (!e->vu) {
		close(e->stop_fd);
		return err;
	}
	return 0;
}

void vu_echo_fini(struct vu_echo *e)
{
	vnet_vu_free(e->vu);
	close(e->stop_fd);
}

void vu_echo_stop(struct vu_echo *e)
{
	uint64_t one = 1;

	if (write(e->stop_fd, &one, sizeof(one)) < 0)
		return;
}

/* Write one frame into @rx; -EAGAIN if it has too few buffers now. */
static int echo_to_guest(struct vu_echo *e, struct vnet_virtq *rx,
			 const uint8_t *frame, size_t len)
{
	struct iovec in[ECHO_BUFS][4];
	struct vnet_virtq_elem el[ECHO_BUFS];
	struct vnet_hdr h;
	unsigned int i;
	int n;

	for (i = 0; i < ECHO_BUFS; i++)
		vnet_virtq_elem_init(&el[i], NULL, 0, in[i], 4);
	n = vnet_virtq_net_rx_pop(rx, &e->net, el, ECHO_BUFS, len);
	if (n < 0)
		return n;
	memset(&h, 0, sizeof(h));
	/* the queue marks what it wrote in the dirty log, if one is on */
	if (vnet_virtq_net_rx_push(rx, &e->net, el, (unsigned int)n, &h,
				   frame, len))
		return -EIO;
	e->to_guest++;
	return 0;
}

/* Inject the frames the test asked for, while @rx has room. */
static bool echo_inject(struct vu_echo *e, unsigned int pair,
			struct vnet_virtq *rx)
{
	uint8_t frame[1514];
	bool any = false;

	while (atomic_load(&e->inject[pair])) {
		unsigned int len = echo_frame(e->seq[pair], frame);

		if (echo_to_guest(e, rx, frame, len))
			break;
		e->seq[pair]++;
		atomic_fetch_sub(&e->inject[pair], 1);
		any = true;
	}
	return any;
}

/* Gather the frame of a transmit buffer; its length or -errno. */
static int echo_from_guest(struct vu_echo *e, struct vnet_virtq_elem *el,
			   uint8_t *buf)
{
	struct iovec fr[ECHO_IOV];
	struct vnet_hdr h;
	size_t done = 0;
	int n, i;

	n = vnet_virtq_net_tx_hdr(&e->net, el, &h, fr, ECHO_IOV);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if (fr[i].iov_len > ECHO_FRAME_MAX - done)
			return -EMSGSIZE;
		memcpy(buf + done, fr[i].iov_base, fr[i].iov_len);
		done += fr[i].iov_len;
	}
	return (int)done;
}

/**
 * echo_pair() - move what queue pair @pair has from TX to RX
 * @e:		the backend
 * @pair:	queue pair
 * @buf:	frame buffer
 *
 * A frame that finds its RX queue short of buffers goes back on the TX
 * queue: nothing is lost, the guest is slowed down.
 *
 * Return: true if anything moved
 */
static bool echo_pair(struct vu_echo *e, unsigned int pair, uint8_t *buf)
{
	struct vnet_virtq *rx = vnet_vu_queue(e->vu, 2 * pair);
	struct vnet_virtq *tx = vnet_vu_queue(e->vu, 2 * pair + 1);
	struct iovec out[ECHO_IOV];
	struct vnet_virtq_elem el;
	bool moved = false;
	int len, ret;

	if (rx && !vnet_virtq_broken(rx))
		moved = echo_inject(e, pair, rx);
	while (tx && vnet_virtq_pop(tx, (vnet_virtq_elem_init(&el, out,
			ECHO_IOV, NULL, 0), &el)) == 1) {
		if (atomic_load(&e->hold)) {	/* taken, never returned */
			atomic_fetch_sub(&e->hold, 1);
			e->held++;
			continue;
		}
		len = echo_from_guest(e, &el, buf);
		ret = -ENODEV;
		if (len >= 0 && rx && !vnet_virtq_broken(rx))
			ret = echo_to_guest(e, rx, buf, (size_t)len);
		if (ret == -EAGAIN) {
			vnet_virtq_unpop(tx, &el);
			break;
		}
		if (ret)
			e->dropped++;
		e->from_guest++;
		vnet_virtq_push(tx, &el, 0);
		moved = true;
	}
	if (rx && vnet_virtq_flush(rx) > 0)
		vnet_vu_notify(e->vu, 2 * pair);
	if (tx && vnet_virtq_flush(tx) > 0)
		vnet_vu_notify(e->vu, 2 * pair + 1);
	return moved;
}

/* Passes over every pair until nothing moves and notifications are on. */
static void echo_work(struct vu_echo *e, uint8_t *buf)
{
	unsigned int p, q, again, passes = 0;

	do {
		again = 0;
		for (p = 0; p < e->pairs; p++)
			again |= echo_pair(e, p, buf);
		for (q = 0; q < 2 * e->pairs; q++) {
			struct vnet_virtq *vq = vnet_vu_queue(e->vu, q);

			/* A receive queue with buffers to spare is no work. */
			if (vq && !vnet_virtq_broken(vq) &&
			    vnet_virtq_enable_notify(vq) == 1 && (q & 1))
				again = 1;
		}
	} while (again && ++passes < 64);
}

int vu_echo_run(struct vu_echo *e)
{
	static __thread uint8_t buf[ECHO_FRAME_MAX];
	struct pollfd p[2 + VNET_VU_QUEUES_MAX];
	unsigned int n, q, qs[VNET_VU_QUEUES_MAX];

	for (;;) {
		if (e->client && !vnet_vu_connected(e->vu) &&
		    vnet_vu_connect(e->vu) == -EINVAL)
			return 0;	/* an adopted socket hung up */
		if (e->client && !vnet_vu_connected(e->vu))
			usleep(20000);
		p[0] = (struct pollfd){ e->stop_fd, POLLIN, 0 };
		p[1] = (struct pollfd){ vnet_vu_fd(e->vu), POLLIN, 0 };
		for (n = 2, q = 0; q < 2 * e->pairs; q++) {
			int fd = vnet_vu_kick_fd(e->vu, q);

			if (fd >= 0) {
				qs[n - 2] = q;
				p[n++] = (struct pollfd){ fd, POLLIN, 0 };
			}
		}
		if (poll(p, n, 50) < 0 && errno != EINTR)
			return -errno;
		if (p[0].revents)
			return 0;
		for (q = 2; q < n; q++)
			if (p[q].revents)
				vnet_vu_kick_drain(e->vu, qs[q - 2]);
		if (p[1].revents)
			vnet_vu_dispatch(e->vu);
		echo_work(e, buf);
		for (q = 0; q < 2 * e->pairs; q++) {
			struct vnet_virtq *vq = vnet_vu_queue(e->vu, q);

			if (vq && vnet_virtq_broken(vq))
				e->broken++;
		}
	}
}
