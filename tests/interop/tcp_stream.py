#!/usr/bin/python3
"""tcp_stream.py - the byte stream a pcap carries to one TCP endpoint.

usage: tcp_stream.py PCAP DADDR DPORT
Prints "sha256 BYTES FRAMES MAXPAYLOAD": the sha256 of the stream sent to
DADDR:DPORT (data in sequence order from the SYN's ISN + 1; retransmitted
bytes are taken once and must agree), its length, the data frames seen and
the largest TCP payload of one frame. Reads classic pcap, Ethernet, with or
without one VLAN tag; IPv4 and IPv6 (no extension headers).
"""
import hashlib
import ipaddress
import struct
import sys


def frames(path):
    with open(path, "rb") as f:
        head = f.read(24)
        magic = struct.unpack("<I", head[:4])[0]
        end = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            _, _, incl, _ = struct.unpack(end + "IIII", rec)
            yield f.read(incl)


def tcp_of(frame, daddr, dport):
    off, etype = 12, struct.unpack("!H", frame[12:14])[0]
    if etype == 0x8100:
        off, etype = 16, struct.unpack("!H", frame[16:18])[0]
    ip = off + 2
    if etype == 0x0800:
        ihl = (frame[ip] & 0xf) * 4
        if frame[ip + 9] != 6 or frame[ip + 16:ip + 20] != daddr:
            return None
        end = ip + struct.unpack("!H", frame[ip + 2:ip + 4])[0]
        th = ip + ihl
    elif etype == 0x86dd:
        if frame[ip + 6] != 6 or frame[ip + 24:ip + 40] != daddr:
            return None
        end = ip + 40 + struct.unpack("!H", frame[ip + 4:ip + 6])[0]
        th = ip + 40
    else:
        return None
    if struct.unpack("!H", frame[th + 2:th + 4])[0] != dport:
        return None
    seq = struct.unpack("!I", frame[th + 4:th + 8])[0]
    flags = frame[th + 13]
    doff = (frame[th + 12] >> 4) * 4
    return seq, flags, frame[th + doff:end]


def main():
    path, daddr, dport = sys.argv[1], sys.argv[2], int(sys.argv[3])
    daddr = ipaddress.ip_address(daddr).packed
    isn, pieces, nframes, maxpay = None, {}, 0, 0
    for fr in frames(path):
        t = tcp_of(fr, daddr, dport)
        if t is None:
            continue
        seq, flags, data = t
        if flags & 0x02:
            isn = seq
        if data:
            nframes += 1
            maxpay = max(maxpay, len(data))
            pieces.setdefault(seq, data)
    if isn is None:
        sys.exit("no SYN to %s:%d" % (sys.argv[2], dport))
    stream, nxt = bytearray(), (isn + 1) & 0xffffffff
    while pieces:
        best = None
        for seq, data in pieces.items():
            rel = (nxt - seq) & 0xffffffff
            if rel < len(data) or rel == 0:
                best = seq
                break
        if best is None:
            break
        data = pieces.pop(best)
        rel = (nxt - best) & 0xffffffff
        stream += data[rel:]
        nxt = (nxt + len(data) - rel) & 0xffffffff
        for seq in [s for s, d in pieces.items()
                    if ((nxt - s) & 0xffffffff) >= len(d) and
                    ((nxt - s) & 0xffffffff) < 1 << 31]:
            del pieces[seq]
    print(hashlib.sha256(stream).hexdigest(), len(stream), nframes, maxpay)


if __name__ == "__main__":
    main()
