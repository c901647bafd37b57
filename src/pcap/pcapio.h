/* SPDX-License-Identifier: MIT */
/* pcapio.h - reading and writing pcap files through libpcap */
#ifndef VNET_PCAPIO_H
#define VNET_PCAPIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

struct pcap_in;
struct pcap_out;

/**
 * struct pcap_frame - one captured frame
 * @data:	bytes captured (valid until the next read)
 * @caplen:	bytes captured
 * @wirelen:	bytes on the wire (caplen < wirelen: cut by the snap length)
 * @ts:		capture time
 * @index:	1-based frame number, as tshark and Wireshark count
 */
struct pcap_frame {
	const uint8_t *data;
	size_t caplen;
	size_t wirelen;
	struct timeval ts;
	unsigned long index;
};

/**
 * pcap_in_open() - open a capture of Ethernet frames for reading
 * @path:	file name, or "-" for standard input
 *
 * Return: the reader, or NULL after printing the reason to stderr
 */
struct pcap_in *pcap_in_open(const char *path);

/**
 * pcap_in_next() - the next frame
 * @in:		reader
 * @f:		the frame
 *
 * Return: 1 with a frame, 0 at the end, -1 on a read error (printed)
 */
int pcap_in_next(struct pcap_in *in, struct pcap_frame *f);

void pcap_in_close(struct pcap_in *in);

/**
 * pcap_out_open() - create a capture of Ethernet frames
 * @path:	file name
 *
 * Return: the writer, or NULL after printing the reason to stderr
 */
struct pcap_out *pcap_out_open(const char *path);

/**
 * pcap_out_write() - append one frame
 * @out:	writer
 * @data:	frame
 * @len:	its length
 * @ts:		its time stamp
 */
void pcap_out_write(struct pcap_out *out, const void *data, size_t len,
		    const struct timeval *ts);

/**
 * pcap_out_close() - flush and close
 * @out:	writer
 *
 * Return: 0, or -1 if writing failed (printed)
 */
int pcap_out_close(struct pcap_out *out);

#endif /* VNET_PCAPIO_H */
