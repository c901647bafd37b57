// SPDX-License-Identifier: MIT
/* mkpcap_rss.c - a pcap of Microsoft's RSS tuples, written without libvnet */

/*
 * Usage: mkpcap_rss TABLE.tsv OUT.pcap tcp|udp|arp
 *
 * For each row of tests/data/rss-toeplitz-ipv{4,6}.tsv (dst, dport, src,
 * sport, ...), one Ethernet frame from src:sport to dst:dport, TCP or UDP
 * over IPv4 or IPv6 as the addresses say. "arp" writes one ARP request
 * instead. The bytes are laid out here by hand, in the classic pcap format
 * (microsecond time stamps, link type Ethernet), so that `vnet rss` is
 * tested on frames the code under test did not build.
 */

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void put16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Native-endian pcap headers: readers take either byte order. */
static void write_hdr(FILE *f)
{
	uint32_t magic = 0xa1b2c3d4, zone = 0, sigfigs = 0, snap = 65535;
	uint32_t link = 1;
	uint16_t major = 2, minor = 4;

	fwrite(&magic, 4, 1, f);
	fwrite(&major, 2, 1, f);
	fwrite(&minor, 2, 1, f);
	fwrite(&zone, 4, 1, f);
	fwrite(&sigfigs, 4, 1, f);
	fwrite(&snap, 4, 1, f);
	fwrite(&link, 4, 1, f);
}

static void write_frame(FILE *f, const uint8_t *b, uint32_t len, uint32_t n)
{
	uint32_t rec[4] = { 1700000000u + n, 0, len, len };

	fwrite(rec, 4, 4, f);
	fwrite(b, 1, len, f);
}

/* Ethernet, then IPv4 or IPv6, then an 8-byte UDP or 20-byte TCP header. */
static uint32_t build(uint8_t *b, int v6, const uint8_t *src,
		      const uint8_t *dst, unsigned int sport,
		      unsigned int dport, int tcp)
{
	const uint8_t mac_d[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	const uint8_t mac_s[6] = { 0x02, 0xaa, 0, 0, 0, 1 };
	unsigned int l4 = tcp ? 20 : 8, ip = v6 ? 40 : 20;
	uint8_t *h = b + 14, *t = b + 14 + ip;

	memset(b, 0, 14 + ip + l4);
	memcpy(b, mac_d, 6);
	memcpy(b + 6, mac_s, 6);
	put16(b + 12, v6 ? 0x86dd : 0x0800);
	if (v6) {
		h[0] = 0x60;
		put16(h + 4, l4);
		h[6] = tcp ? 6 : 17;
		h[7] = 64;
		memcpy(h + 8, src, 16);
		memcpy(h + 24, dst, 16);
	} else {
		h[0] = 0x45;
		put16(h + 2, ip + l4);
		put16(h + 6, 0x4000);
		h[8] = 64;
		h[9] = tcp ? 6 : 17;
		memcpy(h + 12, src, 4);
		memcpy(h + 16, dst, 4);
	}
	put16(t, sport);
	put16(t + 2, dport);
	if (tcp) {
		t[12] = 0x50;
		t[13] = 0x10;
		put16(t + 14, 0xffff);
	} else {
		put16(t + 4, 8);
	}
	return 14 + ip + l4;
}

static uint32_t build_arp(uint8_t *b)
{
	static const uint8_t arp[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0xaa, 0, 0, 0, 1,
		0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 1,
		0x02, 0xaa, 0, 0, 0, 1, 192, 0, 2, 1,
		0, 0, 0, 0, 0, 0, 192, 0, 2, 2,
	};

	memset(b, 0, 60);
	memcpy(b, arp, sizeof(arp));
	return 60;
}

int main(int argc, char **argv)
{
	char line[512], dst[64], src[64];
	unsigned int dport, sport, n = 0;
	uint8_t s[16], d[16], frame[128];
	FILE *in, *out;
	int tcp, v6;

	if (argc != 4)
		return 2;
	in = fopen(argv[1], "r");
	out = fopen(argv[2], "wb");
	if (!in || !out)
		return 2;
	write_hdr(out);
	if (!strcmp(argv[3], "arp")) {
		write_frame(out, frame, build_arp(frame), 0);
		return fclose(out) ? 2 : 0;
	}
	tcp = !strcmp(argv[3], "tcp");
	while (fgets(line, sizeof(line), in)) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%63s %u %63s %u", dst, &dport, src, &sport) != 4)
			return 2;
		v6 = strchr(dst, ':') != NULL;
		if (inet_pton(v6 ? AF_INET6 : AF_INET, src, s) != 1 ||
		    inet_pton(v6 ? AF_INET6 : AF_INET, dst, d) != 1)
			return 2;
		write_frame(out, frame, build(frame, v6, s, d, sport, dport, tcp),
			    n++);
	}
	fclose(in);
	return fclose(out) ? 2 : 0;
}
