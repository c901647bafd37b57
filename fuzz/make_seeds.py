#!/usr/bin/python3
"""make_seeds.py - write the small seed corpora under fuzz/corpus/.
Frames and rings are built by hand here, from the RFCs' and the virtio
spec's layouts; the fuzzers grow their own corpora from them."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def eth(ethertype, vlans=()):
    b = bytes.fromhex("020000000002020000000001")
    for tpid, tci in vlans:
        b += struct.pack(">HH", tpid, tci)
    return b + struct.pack(">H", ethertype)


def ipv4(proto, payload, opts=b"", flags=0x4000):
    ihl = 5 + len(opts) // 4
    return struct.pack(">BBHHHBBH4s4s", 0x40 | ihl, 0, 20 + len(opts) + len(payload),
                       0x1234, flags, 64, proto, 0, bytes([192, 0, 2, 1]),
                       bytes([192, 0, 2, 2])) + opts + payload


def ipv6(nh, payload):
    src = bytes.fromhex("20010db8000000000000000000000001")
    dst = bytes.fromhex("20010db8000000000000000000000002")
    return struct.pack(">IHBB", 0x60000000, len(payload), nh, 64) + src + dst + payload


def tcp(payload, opts=b""):
    doff = 5 + len(opts) // 4
    return struct.pack(">HHIIBBHHH", 12345, 80, 1, 0, doff << 4, 0x18, 65535, 0, 0) + opts + payload


def udp(dport, payload):
    return struct.pack(">HHHH", 40000, dport, 8 + len(payload), 0) + payload


def parse_seeds():
    data = bytes(range(64))
    inner = eth(0x0800) + ipv4(6, tcp(data))
    frames = {
        "tcp4": eth(0x0800) + ipv4(6, tcp(data, b"\x02\x04\x05\xb4")),
        "tcp4-opts": eth(0x0800) + ipv4(6, tcp(data), opts=b"\x01\x01\x01\x00"),
        "udp6": eth(0x86dd) + ipv6(17, udp(53, data)),
        "udp6-ext": eth(0x86dd) + ipv6(0, bytes([60, 0, 1, 4, 0, 0, 0, 0]) +
                                     bytes([17, 0, 1, 4, 0, 0, 0, 0]) + udp(53, data)),
        "qinq": eth(0x0800, [(0x88a8, 10), (0x8100, 20)]) + ipv4(17, udp(53, data)),
        "frag": eth(0x0800) + ipv4(17, data, flags=0x2001),
        "vxlan4": eth(0x0800) + ipv4(17, udp(4789, bytes([8, 0, 0, 0, 0, 0, 42, 0]) + inner)),
        "geneve6": eth(0x86dd) + ipv6(17, udp(6081, bytes([1, 0, 0x65, 0x58, 0, 0, 7, 0]) +
                                             bytes([0, 1, 2, 1, 0, 0, 0, 0]) + inner)),
        "gre4": eth(0x0800) + ipv4(47, struct.pack(">HH", 0x2000, 0x6558) + b"\0\0\0\x07" + inner),
    }
    for name, f in frames.items():
        put("parse", name, bytes([0]) + f)
        put("parse", name + "-split", bytes([5]) + f)


def hdr_seeds():
    v1 = (1 << 32).to_bytes(16, "little")
    tunnel = ((1 << 0) | (1 << 11) | (1 << 12) | (1 << 56) | (1 << 32) | (1 << 67)).to_bytes(16, "little")
    put("hdr", "legacy", bytes(16) + bytes(16) + b"\x00" + bytes(10))
    put("hdr", "v1", v1 + v1 + b"\x00" + bytes.fromhex("01012a00a8052200100001"))
    put("hdr", "tunnel", tunnel + tunnel + b"\x00" +
        bytes.fromhex("01217400a80554001000000000000000000000002a003e00"))
    put("hdr", "draft", bytes(16) + bytes(16) + b"\x01" + bytes(28))


def virtq_seeds():
    # split ring, size 4: one 2-descriptor chain (readable then writable).
    # The fuzz target maps the body at 0x10000: desc 0x10000, avail 0x11000,
    # used 0x12000.
    ram = bytearray(0x2010)
    struct.pack_into("<QIHH", ram, 0, 0x10100, 64, 1, 1)      # NEXT
    struct.pack_into("<QIHH", ram, 16, 0x10200, 128, 2, 0)    # WRITE
    struct.pack_into("<HHH", ram, 0x1000, 0, 1, 0)            # avail idx 1, ring[0]=0
    put("virtq", "split-chain", bytes([2, 0x86, 0, 0]) + bytes(ram))
    # packed ring, size 4: one readable descriptor, avail wrap set
    ram = bytearray(0x2010)
    struct.pack_into("<QIHH", ram, 0, 0x10100, 64, 0, 1 << 7)   # AVAIL, id 0
    put("virtq", "packed-one", bytes([2, 0x81 | 0x20, 0, 0x80]) + bytes(ram))


if __name__ == "__main__":
    parse_seeds()
    hdr_seeds()
    virtq_seeds()
