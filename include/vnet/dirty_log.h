/* SPDX-License-Identifier: MIT */
/* dirty_log.h - the dirty page log of live migration: a bitmap of the guest pages the device wrote */
#ifndef VNET_DIRTY_LOG_H
#define VNET_DIRTY_LOG_H

#include <stdint.h>

/* Bytes of guest memory one bit of the log stands for (VHOST_LOG_PAGE). */
#define VNET_DIRTY_LOG_PAGE	4096u

/**
 * struct vnet_dirty_log - a log the VMM reads while it copies guest memory
 * @bitmap:	bit (p % 8) of byte (p / 8) stands for guest physical page p
 *		(addresses p * VNET_DIRTY_LOG_PAGE and on); shared with the
 *		VMM, which clears bits as it copies pages
 * @size:	bytes at @bitmap; pages past them are not marked
 *
 * The layout is vhost-user's ("Migration": page = addr / VHOST_LOG_PAGE;
 * log[page / 8] |= 1 << page % 8), indexed by guest physical address.
 * A virtqueue with a log attached (vnet_virtq_set_log()) marks every
 * guest page it writes, so the VMM copies it again.
 */
struct vnet_dirty_log {
	uint8_t *bitmap;
	uint64_t size;
};

/**
 * vnet_dirty_log_mark() - mark the pages of [@gpa, @gpa + @len) written
 * @log:	the log
 * @gpa:	guest physical address of the first byte written
 * @len:	bytes written; 0 marks nothing
 *
 * Call it after the write: a fence orders the written bytes before the
 * bits, so a VMM that clears a bit and then copies the page copies what
 * was written. A bit is set with an atomic OR (the VMM and other queues
 * change the same bytes), unless it is set already. A range that wraps
 * marks nothing.
 *
 * Return: pages marked (pages past @log->size are not)
 */
unsigned int vnet_dirty_log_mark(const struct vnet_dirty_log *log,
				 uint64_t gpa, uint64_t len);

#endif /* VNET_DIRTY_LOG_H */
