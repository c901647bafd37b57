// SPDX-License-Identifier: MIT
/* pcapio.c - reading and writing pcap files through libpcap */

#include <stdio.h>
#include <stdlib.h>

#include <pcap/pcap.h>

#include "pcapio.h"

struct pcap_in {
	pcap_t *p;
	unsigned long count;
};

struct pcap_out {
	pcap_t *p;
	pcap_dumper_t *d;
	const char *path;
};

/* Captures of any link type other than Ethernet are refused, by name. */
struct pcap_in *pcap_in_open(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_in *in;
	pcap_t *p;

	p = pcap_open_offline(path, err);
	if (!p) {
		fprintf(stderr, "error: %s\n", err);
		return NULL;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		fprintf(stderr, "error: %s: link type %s, only Ethernet is read\n",
			path, pcap_datalink_val_to_name(pcap_datalink(p)) ?: "?");
		pcap_close(p);
		return NULL;
	}
	in = calloc(1, sizeof(*in));
	if (!in) {
		pcap_close(p);
		return NULL;
	}
	in->p = p;
	return in;
}

int pcap_in_next(struct pcap_in *in, struct pcap_frame *f)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = pcap_next_ex(in->p, &h, &data);

	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1) {
		fprintf(stderr, "error: reading frame %lu: %s\n", in->count + 1,
			pcap_geterr(in->p));
		return -1;
	}
	f->data = data;
	f->caplen = h->caplen;
	f->wirelen = h->len;
	f->ts = h->ts;
	f->index = ++in->count;
	return 1;
}

void pcap_in_close(struct pcap_in *in)
{
	if (!in)
		return;
	pcap_close(in->p);
	free(in);
}

struct pcap_out *pcap_out_open(const char *path)
{
	struct pcap_out *out = calloc(1, sizeof(*out));

	if (!out)
		return NULL;
	out->path = path;
	out->p = pcap_open_dead(DLT_EN10MB, 262144);
	out->d = out->p ? pcap_dump_open(out->p, path) : NULL;
	if (!out->d) {
		fprintf(stderr, "error: %s: %s\n", path,
			out->p ? pcap_geterr(out->p) : "cannot open");
		if (out->p)
			pcap_close(out->p);
		free(out);
		return NULL;
	}
	return out;
}

void pcap_out_write(struct pcap_out *out, const void *data, size_t len,
		    const struct timeval *ts)
{
	struct pcap_pkthdr h = { .ts = *ts, .caplen = (bpf_u_int32)len,
				 .len = (bpf_u_int32)len };

	pcap_dump((u_char *)out->d, &h, data);
}

int pcap_out_close(struct pcap_out *out)
{
	int rc = pcap_dump_flush(out->d);

	pcap_dump_close(out->d);
	pcap_close(out->p);
	if (rc)
		fprintf(stderr, "error: %s: write failed\n", out->path);
	free(out);
	return rc ? -1 : 0;
}
