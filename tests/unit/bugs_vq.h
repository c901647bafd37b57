/* SPDX-License-Identifier: MIT */
/* bugs_vq.h - the regression suites' virtqueue fixture: a guest, two split queues, the net rules */
#ifndef VNET_TEST_BUGS_VQ_H
#define VNET_TEST_BUGS_VQ_H

/*
 * Shared by tests/unit/test_bugs_*.c. Queue q is the one a crafted guest
 * attacks; queue q2, on the same guest memory, must keep working after.
 * Include after <cmocka.h>.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vnet/hdr.h"
#include "vnet/virtq.h"
#include "vnet/virtq_net.h"
#include "vq_guest.h"

#define BQ_SIZE	8
#define BQ_NIOV	16

struct bq {
	struct guest *g;
	struct split_drv d, d2;
	struct vnet_virtq q, q2;
	struct iovec out[BQ_NIOV], in[BQ_NIOV];
	struct vnet_virtq_elem e;
	struct vnet_features feat;
	struct vnet_virtq_net n;
	struct vnet_virtq_stats before;
};

static inline int bq_setup(void **state)
{
	struct bq *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->g = guest_new();
	split_init(&f->d, f->g, BQ_SIZE, G_RING_GPA);
	split_init(&f->d2, f->g, BQ_SIZE, G_RING_GPA + 0x1000);
	vnet_virtq_init(&f->q);
	vnet_virtq_init(&f->q2);
	vnet_virtq_elem_init(&f->e, f->out, BQ_NIOV, f->in, BQ_NIOV);
	*state = f;
	return 0;
}

static inline int bq_teardown(void **state)
{
	struct bq *f = *state;

	vnet_virtq_reset(&f->q);
	vnet_virtq_reset(&f->q2);
	guest_free(f->g);
	free(f);
	return 0;
}

/* Negotiate @bits (ended by -1), derive the net rules, start queue q. */
static inline void bq_up(struct bq *f, enum vnet_virtq_dir dir,
			 const int *bits)
{
	struct vnet_virtq_config cfg;
	struct vnet_hdr_layout l;

	split_config(&f->d, &cfg, dir);
	memset(&cfg.features, 0, sizeof(cfg.features));
	for (; *bits >= 0; bits++)
		vnet_features_set(&cfg.features, (unsigned int)*bits);
	f->feat = cfg.features;
	vnet_hdr_layout_init(&l, &f->feat, VNET_PROFILE_STANDARD,
			     VNET_ENDIAN_LITTLE);
	vnet_virtq_net_init(&f->n, &l, &f->feat);
	assert_int_equal(vnet_virtq_setup(&f->q, &f->g->mem, &cfg), 0);
	f->before = *vnet_virtq_get_stats(&f->q);	/* kept across reset */
}

/* Queue q2 on the same memory still serves a buffer (the next good input). */
static inline void bq_other_queue_served(struct bq *f)
{
	struct vnet_virtq_config cfg;
	struct buf b = { G_BUF_GPA + 0x8000, 64, false };
	struct vnet_virtq_elem e;
	struct iovec out[2];

	vnet_virtq_reset(&f->q2);
	split_init(&f->d2, f->g, BQ_SIZE, G_RING_GPA + 0x1000);
	split_config(&f->d2, &cfg, VNET_VIRTQ_DIR_OUT);
	assert_int_equal(vnet_virtq_setup(&f->q2, &f->g->mem, &cfg), 0);
	vnet_virtq_elem_init(&e, out, 2, NULL, 0);
	split_add(&f->d2, &b, 1);
	assert_int_equal(vnet_virtq_pop(&f->q2, &e), 1);
	assert_int_equal(e.out_len, 64);
	assert_int_equal(vnet_virtq_push(&f->q2, &e, 0), 0);
	assert_int_equal(vnet_virtq_flush(&f->q2), 1);
	assert_false(vnet_virtq_broken(&f->q2));
}

/* Queue q is broken with @name, counted once, refuses every call; the
 * other queue is served, and a reset brings q back. */
static inline void bq_assert_broken(struct bq *f, const char *name)
{
	enum vnet_virtq_err err = vnet_virtq_error(&f->q);

	assert_true(vnet_virtq_broken(&f->q));
	assert_string_equal(vnet_virtq_err_name(err), name);
	assert_int_equal(vnet_virtq_get_stats(&f->q)->errors[err],
			 f->before.errors[err] + 1);
	assert_int_equal(vnet_virtq_pop(&f->q, &f->e), -EIO);
	bq_other_queue_served(f);
	vnet_virtq_reset(&f->q);
	assert_false(vnet_virtq_broken(&f->q));
}

/* Popping from q fails with -EIO and breaks it with @name. */
static inline void bq_pop_breaks(struct bq *f, const char *name)
{
	vnet_virtq_elem_init(&f->e, f->out, BQ_NIOV, f->in, BQ_NIOV);
	assert_int_equal(vnet_virtq_pop(&f->q, &f->e), -EIO);
	bq_assert_broken(f, name);
}

static const int bq_v1[] = { VNET_F_VERSION_1, -1 };

#endif /* VNET_TEST_BUGS_VQ_H */
