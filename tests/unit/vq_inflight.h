/* SPDX-License-Identifier: MIT */
/* vq_inflight.h - the vhost-user inflight region layouts, for the tests: written from the spec, not taken from the library */
#ifndef VQ_INFLIGHT_H
#define VQ_INFLIGHT_H

#include <stdint.h>

/*
 * vhost-user.rst, "Inflight I/O tracking": DescStateSplit,
 * QueueRegionSplit, DescStatePacked, QueueRegionPacked. The tests read and
 * write the region through these, as a frontend or a later backend would,
 * so they check the library against the spec rather than against itself.
 */
struct desc_split {
	uint8_t inflight;
	uint8_t padding[5];
	uint16_t next;
	uint64_t counter;
};

struct region_split {
	uint64_t features;
	uint16_t version;
	uint16_t desc_num;
	uint16_t last_batch_head;
	uint16_t used_idx;
	struct desc_split desc[];
};

struct desc_packed {
	uint8_t inflight;
	uint8_t padding;
	uint16_t next;
	uint16_t last;
	uint16_t num;
	uint64_t counter;
	uint16_t id;
	uint16_t flags;
	uint32_t len;
	uint64_t addr;
};

struct region_packed {
	uint64_t features;
	uint16_t version;
	uint16_t desc_num;
	uint16_t free_head;
	uint16_t old_free_head;
	uint16_t used_idx;
	uint16_t old_used_idx;
	uint8_t used_wrap_counter;
	uint8_t old_used_wrap_counter;
	uint8_t padding[7];
	struct desc_packed desc[];
};

#endif /* VQ_INFLIGHT_H */
