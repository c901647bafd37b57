// SPDX-License-Identifier: MIT
/*
 * vhost_dgram.c - a complete vhost-user virtio-net backend in one file,
 * with its own poll loop and a port of its own: a UNIX datagram socket.
 *
 *   vhost_dgram SOCKET PORT PEER
 *
 * A VMM's guest (QEMU's -netdev vhost-user, DPDK's virtio-user, ...)
 * attaches to the vhost-user socket SOCKET. Every frame the guest sends
 * leaves as one datagram to the socket bound at PEER; every datagram PEER
 * sends to PORT (bound here, connected to PEER once it exists) reaches the
 * guest as one frame. One queue pair,
 * split or packed rings, mergeable receive buffers, no offloads: frames
 * leave as the guest wrote them (an embedder offering checksum or TSO runs
 * them through the offload engine first: see offload_engine.c). SIGINT or
 * SIGTERM ends it, printing its counters.
 *
 * Built against an installed libvnet:
 *   cc vhost_dgram.c $(pkg-config --cflags --libs libvnet-vhost)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <vnet/hdr.h>
#include <vnet/vhost_user.h>
#include <vnet/virtq_net.h>
#include <vnet/virtq_serve.h>

#define RXQ		0	/* the guest's receive queue */
#define TXQ		1	/* the guest's transmit queue */
#define BURST		64	/* buffers served per pass */
#define FRAME_SEGS	64	/* pieces of a transmitted frame */
#define RX_BUFS		32	/* receive buffers one frame may take */
#define FRAME_MAX	65535	/* the largest datagram taken from the port */

struct backend {
	struct vnet_vu *vu;
	struct vnet_virtq_net net;	/* buffer rules, from the features */
	int port;
	struct sockaddr_un peer;
	bool connected;			/* the port is connected to the peer */
	bool peer_full;			/* transmit waits for the peer's room */
	uint8_t frame[FRAME_MAX];	/* a datagram waiting for buffers */
	size_t frame_len;		/* 0: none waiting */
	unsigned long to_peer, to_guest, dropped;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The guest's features are settled: its header layout, its buffer rules. */
static void on_features(void *opaque, const struct vnet_features *f)
{
	struct backend *b = opaque;
	struct vnet_hdr_layout l;

	vnet_hdr_layout_init(&l, f, VNET_PROFILE_STANDARD, VNET_ENDIAN_LITTLE);
	vnet_virtq_net_init(&b->net, &l, f);
}

/* Config space: MAC 02:00:00:00:00:01, link up, one queue pair. */
static int get_config(void *opaque, uint32_t off, void *buf, uint32_t len)
{
	static const uint8_t cfg[10] = { 0x02, 0, 0, 0, 0, 0x01, 1, 0, 1, 0 };

	(void)opaque;
	memset(buf, 0, len);
	if (off < sizeof(cfg))
		memcpy(buf, cfg + off, len < sizeof(cfg) - off ?
		       len : sizeof(cfg) - off);
	return 0;
}

static const struct vnet_vu_ops ops = {
	.get_config = get_config,
	.features = on_features,
};

/*
 * One frame the guest sent: its header checked, the frame to the peer.
 * The port is connected to the peer (once it exists), so a full peer says
 * EAGAIN and poll() says when it has room again: the frame waits in the
 * guest's ring meanwhile, and the guest slows down instead of losing it.
 */
static uint32_t tx_one(struct vnet_virtq_elem *e, void *opaque)
{
	struct backend *b = opaque;
	struct iovec frame[FRAME_SEGS];
	struct msghdr m = { .msg_iov = frame };
	struct vnet_hdr h;
	int n = vnet_virtq_net_tx_hdr(&b->net, e, &h, frame, FRAME_SEGS);

	if (n < 0) {
		b->dropped++;		/* no header, or too many pieces */
		return 0;
	}
	if (!b->connected)
		b->connected = !connect(b->port, (struct sockaddr *)&b->peer,
					sizeof(b->peer));
	m.msg_iovlen = (size_t)n;
	if (b->connected && sendmsg(b->port, &m, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0) {
		b->to_peer++;
		return 0;		/* the device only read the buffer */
	}
	if (b->connected && errno == EAGAIN) {
		b->peer_full = true;
		return VNET_VIRTQ_SERVE_LATER;
	}
	b->dropped++;			/* no peer (yet), or it is gone */
	b->connected = false;
	return 0;
}

static void serve_tx(struct backend *b)
{
	struct vnet_virtq *q = vnet_vu_queue(b->vu, TXQ);
	struct iovec out[FRAME_SEGS + 1];
	struct vnet_virtq_elem e;
	bool again = true;

	if (!q || b->peer_full)
		return;
	vnet_virtq_elem_init(&e, out, FRAME_SEGS + 1, NULL, 0);
	while (again && !vnet_virtq_broken(q))
		if (vnet_virtq_serve(q, &e, BURST, tx_one, b, &again))
			vnet_vu_notify(b->vu, TXQ);
}

/* The waiting datagram into the guest's buffers: 1 delivered or dropped,
 * 0 when the guest has too few buffers now (the datagram keeps waiting). */
static int rx_one(struct backend *b, struct vnet_virtq *q)
{
	struct iovec in[RX_BUFS][4];
	struct vnet_virtq_elem el[RX_BUFS];
	struct vnet_hdr h;
	unsigned int i;
	int n;

	for (i = 0; i < RX_BUFS; i++)
		vnet_virtq_elem_init(&el[i], NULL, 0, in[i], 4);
	n = vnet_virtq_net_rx_pop(q, &b->net, el, RX_BUFS, b->frame_len);
	if (n == -EAGAIN)
		return 0;
	memset(&h, 0, sizeof(h));	/* no offloads: a plain frame */
	if (n < 0 || vnet_virtq_net_rx_push(q, &b->net, el, (unsigned int)n,
					    &h, b->frame, b->frame_len))
		b->dropped++;		/* too big for the buffers, or broken */
	else
		b->to_guest++;
	b->frame_len = 0;
	return 1;
}

/* Datagrams from the port to the guest, while it has buffers. */
static void serve_rx(struct backend *b)
{
	struct vnet_virtq *q = vnet_vu_queue(b->vu, RXQ);
	unsigned int done = 0;
	ssize_t len;

	if (!q || vnet_virtq_broken(q))
		return;
	while (done < BURST) {
		if (!b->frame_len) {
			len = recv(b->port, b->frame, sizeof(b->frame),
				   MSG_DONTWAIT);
			if (len <= 0)
				break;	/* nothing waiting (or empty) */
			b->frame_len = (size_t)len;
		}
		if (!rx_one(b, q)) {
			/* Short of buffers: sleep until the guest adds some,
			 * unless it did while we looked. */
			if (vnet_virtq_enable_notify(q) != 1)
				break;
			continue;
		}
		done++;
	}
	if (done && vnet_virtq_flush(q) > 0)
		vnet_vu_notify(b->vu, RXQ);
}

static int port_open(struct backend *b, const char *path, const char *peer)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path) ||
	    strlen(peer) >= sizeof(b->peer.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	b->peer.sun_family = AF_UNIX;
	strcpy(b->peer.sun_path, peer);
	b->port = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	unlink(path);
	if (b->port < 0 || bind(b->port, (struct sockaddr *)&sa, sizeof(sa)))
		return -errno;
	b->connected = !connect(b->port, (struct sockaddr *)&b->peer,
				sizeof(b->peer));	/* else on first send */
	return 0;
}

/* Poll the vhost-user socket, the two kicks and the port: for datagrams
 * while none waits for the guest's buffers (the receive kick says when to
 * try again), for room while the peer is full. */
static void run(struct backend *b)
{
	struct pollfd p[4];
	short port_events;
	unsigned int n;
	int deadline;

	while (!stop) {
		p[0] = (struct pollfd){ vnet_vu_fd(b->vu), POLLIN, 0 };
		p[1] = (struct pollfd){ vnet_vu_kick_fd(b->vu, RXQ), POLLIN, 0 };
		p[2] = (struct pollfd){ vnet_vu_kick_fd(b->vu, TXQ), POLLIN, 0 };
		port_events = (short)((!b->frame_len && vnet_vu_queue(b->vu, RXQ) ?
				       POLLIN : 0) | (b->peer_full ? POLLOUT : 0));
		p[3] = (struct pollfd){ b->port, port_events, 0 };
		n = port_events ? 4 : 3;
		/* a request under way has a deadline: dispatch drops a
		 * frontend that stalls mid-request, if called on time */
		deadline = vnet_vu_timeout(b->vu);
		if (poll(p, n, deadline >= 0 && deadline < 1000 ? deadline :
			 1000) < 0)
			continue;	/* EINTR: a signal, look at stop */
		if (n == 4 && (p[3].revents & (POLLOUT | POLLERR)))
			b->peer_full = false;
		if (p[0].revents || deadline == 0)
			vnet_vu_dispatch(b->vu);
		if (p[1].revents)
			vnet_vu_kick_drain(b->vu, RXQ);
		if (p[2].revents)
			vnet_vu_kick_drain(b->vu, TXQ);
		serve_tx(b);
		/* a started ring the frontend disabled: its frames are used
		 * and dropped, never sent (0 when there is none) */
		vnet_vu_discard(b->vu, TXQ);
		serve_rx(b);
	}
}

static struct backend b;

int main(int argc, char **argv)
{
	struct vnet_vu_config c = { .queue_pairs = 1, .config_size = 10,
				    .ops = &ops, .opaque = &b };
	static const unsigned int offer[] = { VNET_F_VERSION_1, VNET_F_MAC,
		VNET_F_STATUS, VNET_F_MRG_RXBUF, VNET_F_EVENT_IDX,
		VNET_F_INDIRECT_DESC, VNET_F_RING_PACKED };
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned int i;
	int err = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: vhost_dgram SOCKET PORT PEER\n");
		return 2;
	}
	for (i = 0; i < sizeof(offer) / sizeof(offer[0]); i++)
		vnet_features_set(&c.features, offer[i]);
	c.path = argv[1];
	err = port_open(&b, argv[2], argv[3]);
	if (!err)
		b.vu = vnet_vu_new(&c, &err);
	if (!b.vu) {
		fprintf(stderr, "vhost_dgram: %s\n", strerror(-err));
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	run(&b);
	printf("to_peer=%lu to_guest=%lu dropped=%lu\n", b.to_peer, b.to_guest,
	       b.dropped);
	vnet_vu_free(b.vu);
	close(b.port);
	unlink(argv[2]);
	return 0;
}
