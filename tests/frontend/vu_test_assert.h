/* SPDX-License-Identifier: MIT */
/* vu_test_assert.h - cmocka checks shared by the vhost-user integration tests: echo and compare, dropped, still serving */
#ifndef VU_TEST_ASSERT_H
#define VU_TEST_ASSERT_H

/* Include after <cmocka.h> and its prerequisites. */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include "vu_test_util.h"

/* Echo @count frames on pair 0 and check them. */
static inline void echo_some(struct vuf *f, unsigned int count)
{
	static uint8_t tx[4096], rx[8192];
	unsigned int i, len;
	int n = 0, t;

	vuf_rx_fill(f, 0);
	for (i = 0; i < count; i++) {
		len = tx_frame(i, tx);
		for (t = 0; (n = vuf_tx(f, 0, tx, len)) == -EAGAIN && t < 100000; t++)
			usleep(10);
		assert_int_equal(n, 0);
		for (t = 0; (n = vuf_rx(f, 0, rx, sizeof(rx))) == 0 && t < 500000; t++) {
			vuf_rx_fill(f, 0);
			usleep(10);
		}
		assert_int_equal(n, (int)len);
		assert_memory_equal(rx, tx, len);
		vuf_rx_fill(f, 0);
	}
}

/* The backend still serves a well-behaved frontend (with @o), split and
 * packed. */
static inline void assert_serving_with(struct backend *b,
				       const struct vuf_opts *o)
{
	struct vuf_opts p = *o;
	struct vuf f;

	assert_true(backend_idle(b));
	p.packed = false;
	assert_int_equal(vuf_start(&f, b->path, &p), 0);
	echo_some(&f, 20);
	vuf_close(&f);
	p.packed = true;
	assert_int_equal(vuf_start(&f, b->path, &p), 0);
	echo_some(&f, 20);
	vuf_close(&f);
	assert_true(backend_idle(b));
}

/* The backend hung up on us (within 3 s). */
static inline void assert_dropped(struct vuf *f)
{
	struct pollfd p = { f->sock, POLLIN, 0 };
	ssize_t r;
	char c;

	assert_int_equal(poll(&p, 1, 3000), 1);
	r = recv(f->sock, &c, 1, 0);
	/* end of stream; a reset if our unread request was still queued */
	assert_true(r == 0 || (r < 0 && errno == ECONNRESET));
}

#endif /* VU_TEST_ASSERT_H */
