#!/usr/bin/env python3
# gso_pcap.py - write a pcap of frames larger than one segment, for `vnet gso`:
# TCP/IPv4 with a VLAN tag, TCP/IPv6, UDP/IPv4, TCP/IPv4 in VXLAN (outer
# checksum set), UDP/IPv6 in Geneve over IPv6, and a small ARP frame.
#   gso_pcap.py OUT.pcap
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def eth(etype, vlan=None):
    h = bytes.fromhex("02000000000b02000000000a")
    if vlan is not None:
        h += struct.pack("!HH", 0x8100, vlan)
    return h + struct.pack("!H", etype)


def ip4(proto, body, src=1, dst=2):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 0x1234, 0x4000,
                    64, proto, 0, bytes([10, 0, 0, src]), bytes([10, 0, 0, dst]))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h, h + body


def ip6(nh, body, src=1, dst=2):
    s = bytes([0xFD] + [0] * 14 + [src])
    d = bytes([0xFD] + [0] * 14 + [dst])
    return struct.pack("!IHBB", 0x60000000, len(body), nh, 64) + s + d


def l4(proto, iph, v6, payload):
    if proto == 6:
        h = struct.pack("!HHIIBBHHH", 33333, 5001, 1000, 1, 0x50, 0x18, 502, 0, 0)
    else:
        h = struct.pack("!HHHH", 33333, 5001, 8 + len(payload), 0)
    seg = h + payload
    if v6:
        ph = iph[8:40] + struct.pack("!IxxxB", len(seg), proto)
    else:
        ph = iph[12:20] + struct.pack("!xBH", proto, len(seg))
    c = csum(ph + seg)
    if proto == 17 and c == 0:
        c = 0xFFFF
    off = 16 if proto == 6 else 6
    return seg[:off] + struct.pack("!H", c) + seg[off + 2:]


def pkt(proto, v6, payload):
    if v6:
        iph = ip6(proto, b"\0" * (len(payload) + (20 if proto == 6 else 8)))
        return iph + l4(proto, iph, True, payload)
    h, _ = ip4(proto, b"\0" * (len(payload) + (20 if proto == 6 else 8)))
    return h + l4(proto, h, False, payload)


def udp_tunnel(outer_v6, port, tunnel_hdr, inner, with_csum):
    body = tunnel_hdr + inner
    uh = struct.pack("!HHHH", 40000, port, 8 + len(body), 0)
    if outer_v6:
        oh = ip6(17, uh + body, 3, 4)
        ph = oh[8:40] + struct.pack("!IxxxB", len(uh) + len(body), 17)
    else:
        oh, _ = ip4(17, uh + body, 3, 4)
        ph = oh[12:20] + struct.pack("!xBH", 17, len(uh) + len(body))
    if with_csum:
        uh = uh[:6] + struct.pack("!H", csum(ph + uh + body) or 0xFFFF)
    return oh + uh + body


def data(n, seed):
    return bytes((i * 7 + seed) & 0xFF for i in range(n))


frames = [
    eth(0x0800, vlan=5) + pkt(6, False, data(9000, 1)),
    eth(0x86DD) + pkt(6, True, data(7000, 2)),
    eth(0x0800) + pkt(17, False, data(5000, 3)),
    eth(0x0800) + udp_tunnel(False, 4789, bytes.fromhex("0800000000004200"),
                             eth(0x0800) + pkt(6, False, data(6000, 4)), True),
    eth(0x86DD) + udp_tunnel(True, 6081, bytes.fromhex("0000655800004200"),
                             eth(0x86DD) + pkt(17, True, data(4000, 5)), False),
    eth(0x0806) + bytes(28),
]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, fr in enumerate(frames):
        f.write(struct.pack("<IIII", 1700000000 + i, 0, len(fr), len(fr)) + fr)
