#!/usr/bin/python3
"""pcap_corrupt.py IN OUT PROTO - flip the last byte of the first IPv4 frame
of PROTO (tcp|udp) that carries payload; print its 1-based frame number.
Reads the pcap format by hand (RFC draft-ietf-opsawg-pcap), Ethernet only."""
import struct
import sys

PROTOS = {"tcp": 6, "udp": 17}


def frames(data):
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        yield off + 16, incl
        off += 16 + incl


def main():
    src, dst, proto = sys.argv[1], sys.argv[2], PROTOS[sys.argv[3]]
    data = bytearray(open(src, "rb").read())
    assert struct.unpack_from("<I", data, 0)[0] in (0xa1b2c3d4, 0xa1b23c4d)
    for n, (off, incl) in enumerate(frames(data), 1):
        f = data[off:off + incl]
        if len(f) < 34 or f[12:14] != b"\x08\x00" or f[23] != proto:
            continue
        ihl = (f[14] & 0xf) * 4
        l4 = 14 + ihl
        hdr = 8 if proto == 17 else (f[l4 + 12] >> 4) * 4
        total = struct.unpack_from(">H", f, 16)[0]
        if total - ihl - hdr <= 0:
            continue
        data[off + 14 + total - 1] ^= 0x5a
        open(dst, "wb").write(data)
        print(n)
        return
    sys.exit("no such frame")


main()
