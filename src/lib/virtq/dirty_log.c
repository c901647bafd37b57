// SPDX-License-Identifier: MIT
/* dirty_log.c - the dirty page log: marking guest pages the device wrote */

#include <stdatomic.h>

#include "vnet/dirty_log.h"

unsigned int vnet_dirty_log_mark(const struct vnet_dirty_log *log,
				 uint64_t gpa, uint64_t len)
{
	uint64_t page, last, n = 0;

	if (!log->bitmap || !len || len - 1 > UINT64_MAX - gpa)
		return 0;	/* no log, nothing written, or wraps */
	/*
	 * The written bytes before the bits: the VMM clears a bit, then
	 * copies the page, and must copy them. A full fence, not a release
	 * one: a bit found still set is left alone (below), and that load
	 * must not pass the writes either.
	 */
	atomic_thread_fence(memory_order_seq_cst);
	last = (gpa + len - 1) / VNET_DIRTY_LOG_PAGE;
	for (page = gpa / VNET_DIRTY_LOG_PAGE; page <= last; page++) {
		if (page / 8 >= log->size)
			break;	/* beyond what the log covers */
		uint8_t *byte = &log->bitmap[page / 8];
		uint8_t bit = (uint8_t)(1u << (page % 8));

		/* a bit still set is one the VMM has yet to clear and copy:
		 * it copies the page after this write, no store needed */
		if (!(__atomic_load_n(byte, __ATOMIC_RELAXED) & bit))
			__atomic_fetch_or(byte, bit, __ATOMIC_RELAXED);
		n++;
	}
	return (unsigned int)n;
}
