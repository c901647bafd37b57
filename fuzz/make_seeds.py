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
    # With an inflight region (bit 6 of the fourth byte; its bytes at body
    # offset 0x8000), left in use by a backend that died: split, head 0 in
    # flight (counter 5) of one buffer made available.
    ram = bytearray(0x8000 + 16 + 16 * 4)
    struct.pack_into("<QIHH", ram, 0, 0x10100, 64, 0, 0)
    struct.pack_into("<HHH", ram, 0x1000, 0, 1, 0)
    struct.pack_into("<QHHHH", ram, 0x8000, 0, 1, 4, 0, 0)   # version 1, 4
    struct.pack_into("<B5xHQ", ram, 0x8010, 1, 0, 5)          # desc[0]
    put("virtq", "split-inflight", bytes([2, 0x80, 0, 0x40]) + bytes(ram))
    # packed: entry 0 in flight (one descriptor, buffer ID 0), 1..3 free
    ram = bytearray(0x8000 + 32 + 32 * 4)
    struct.pack_into("<QHHHHHHBB", ram, 0x8000, 0, 1, 4, 1, 1, 0, 0, 1, 1)
    struct.pack_into("<BxHHHQHHIQ", ram, 0x8020, 1, 1, 0, 1, 3, 0, 0, 64,
                     0x10100)
    for i in range(1, 4):
        struct.pack_into("<H", ram, 0x8020 + 32 * i + 2, i + 1)
    put("virtq", "packed-inflight",
        bytes([2, 0x81 | 0x20, 0, 0x80 | 0x40]) + bytes(ram))
    # Through vnet_virtq_serve() first (bit 2 of the fourth byte): split,
    # size 8, IN_ORDER, four one-descriptor buffers (the batched pass), the
    # third head out of range; and the packed ring above.
    ram = bytearray(0x2010)
    for i in range(4):
        struct.pack_into("<QIHH", ram, 16 * i, 0x10100 + 0x40 * i, 64, 0, 0)
    struct.pack_into("<HH4H", ram, 0x1000, 0, 4, 0, 1, 9, 3)
    put("virtq", "split-serve", bytes([3, 0x88, 0, 0x04]) + bytes(ram))
    ram = bytearray(0x2010)
    struct.pack_into("<QIHH", ram, 0, 0x10100, 64, 0, 1 << 7)
    put("virtq", "packed-serve", bytes([2, 0x81, 0, 0x80 | 0x04]) + bytes(ram))


def feats(*bits):
    return sum(1 << b for b in bits).to_bytes(16, "little")


# VERSION_1, CSUM, HOST_TSO4/TSO6/ECN/UFO, HOST_USO, HOST_UDP_TUNNEL_GSO(_CSUM)
TX_FEATURES = feats(32, 0, 11, 12, 13, 14, 56, 67, 68)


def vhdr(flags=0, gso=0, hdr_len=0, gso_size=0, cs=0, co=0, oth=0, inh=0):
    """The 24-byte header of a device with VERSION_1 and tunnel GSO."""
    return struct.pack("<BBHHHHHIHHHH", flags, gso, hdr_len, gso_size, cs, co,
                       0, 0, 0, 0, oth, inh)


def tx_seeds():
    data = bytes(i & 0xff for i in range(3000))
    tcp4 = eth(0x0800) + ipv4(6, tcp(data))
    tcp6 = eth(0x86dd) + ipv6(6, tcp(data))
    udp4 = eth(0x0800) + ipv4(17, udp(9, data))
    udp6 = eth(0x86dd) + ipv6(17, udp(9, data))
    inner = eth(0x0800) + ipv4(6, tcp(data[:2000]))
    vx = eth(0x0800) + ipv4(17, udp(4789, bytes([8, 0, 0, 0, 0, 0, 42, 0]) + inner))
    seeds = {
        "tso4": vhdr(1, 0x01, 54, 1000, 34, 16) + tcp4,
        "tso6": vhdr(1, 0x04, 74, 1200, 54, 16) + tcp6,
        "tso4-ecn": vhdr(1, 0x81, 54, 1000, 34, 16) + tcp4,
        "uso4": vhdr(1, 0x05, 42, 1000, 34, 6) + udp4,
        "uso6": vhdr(1, 0x05, 62, 1000, 54, 6) + udp6,
        "ufo4": vhdr(1, 0x03, 42, 1400, 34, 6) + udp4,
        "ufo6": vhdr(1, 0x03, 62, 1400, 54, 6) + udp6,
        "vxlan-tso": vhdr(1, 0x21, 50 + 54, 1000, 50 + 34, 16, 34, 50 + 14) + vx,
        "vxlan-tso-csum": vhdr(9, 0x21, 50 + 54, 1000, 50 + 34, 16, 34, 50 + 14) + vx,
        "csum": vhdr(1, 0, 0, 0, 34, 16) + tcp4[:200],
        "plain": vhdr() + udp4[:100],
        "gso-size-zero": vhdr(1, 0x01, 54, 0, 34, 16) + tcp4,
    }
    for name, b in seeds.items():
        put("tx", name, bytes([0xf0]) + TX_FEATURES + b)
    put("tx", "tso4-split", bytes([0xf6]) + TX_FEATURES + seeds["tso4"])


def pcap_file(frames):
    b = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
    for i, f in enumerate(frames):
        b += struct.pack("<IIII", 1700000000 + i, 0, len(f), len(f)) + f
    return b


def pcap_seeds():
    data = bytes(i & 0xff for i in range(1400))
    inner = eth(0x0800) + ipv4(6, tcp(data))
    put("pcap", "mixed", pcap_file([
        eth(0x0800) + ipv4(6, tcp(data)),
        eth(0x86dd) + ipv6(6, tcp(data)),
        eth(0x0800) + ipv4(17, udp(9, data)),
        eth(0x86dd) + ipv6(17, udp(53, data[:100])),
        eth(0x0800, [(0x8100, 5)]) + ipv4(6, tcp(data[:64])),
        eth(0x0800) + ipv4(17, data[:100], flags=0x2001),
        bytes(10),
    ]))
    put("pcap", "tunnels", pcap_file([
        eth(0x0800) + ipv4(17, udp(4789, bytes([8, 0, 0, 0, 0, 0, 42, 0]) + inner)),
        eth(0x86dd) + ipv6(17, udp(6081, bytes([0, 0, 0x65, 0x58, 0, 0, 7, 0]) + inner)),
        eth(0x0800) + ipv4(47, struct.pack(">HH", 0, 0x6558) + inner),
    ]))
    # nanosecond magic, and a record cut by the snap length
    f = eth(0x0800) + ipv4(6, tcp(data))
    put("pcap", "nsec-cut", struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 128, 1) +
        struct.pack("<IIII", 1, 0, 128, len(f)) + f[:128])


def vu_msg(req, payload=b"", fds=0, evfd=False, flags=1):
    """One record of fuzz_vu_msg: fd byte, header, payload."""
    kind = 0xf0 if evfd else 0
    return bytes([fds | kind]) + struct.pack("<III", req, flags, len(payload)) + payload


def vu_seeds():
    uva = 0x7f0000000000
    feat = (1 << 32) | (1 << 30) | (1 << 28) | (1 << 29)
    start = (vu_msg(1) + vu_msg(15) + vu_msg(16, struct.pack("<Q", 0x1f | (1 << 9) | (1 << 15))) +
             vu_msg(3) + vu_msg(2, struct.pack("<Q", feat)) +
             vu_msg(5, struct.pack("<II", 1, 0) +
                    struct.pack("<QQQQ", 0, 0x40000, uva, 0), fds=1))
    def ring(q):
        return (vu_msg(8, struct.pack("<II", q, 8)) +
                vu_msg(9, struct.pack("<IIQQQQ", q, 1, uva + 0x1000, uva + 0x2000,
                                      uva + 0x3000, 0x2000)) +
                vu_msg(10, struct.pack("<II", q, 0)) +
                vu_msg(12, struct.pack("<Q", q), fds=1, evfd=True) +
                vu_msg(13, struct.pack("<Q", q), fds=1, evfd=True) +
                vu_msg(18, struct.pack("<II", q, 1)))
    tail = vu_msg(11, struct.pack("<II", 1, 0)) + vu_msg(24, struct.pack("<III", 0, 16, 0) + bytes(16))

    def with_ring(msgs, desc_flags):
        """Messages, then guest memory: one 64-byte buffer made available."""
        mem = bytearray(0x3100)
        mem[:len(msgs)] = msgs
        struct.pack_into("<QIHH", mem, 0x1000, 0x100, 64, desc_flags, 0)
        struct.pack_into("<HHH", mem, 0x3000, 0, 1, 0)
        return bytes(mem)

    put("vu_msg", "start-tx-ring", with_ring(start + ring(1) + tail + b"\xff", 0))
    put("vu_msg", "start", start + b"\xff")
    log = (vu_msg(2, struct.pack("<Q", feat | (1 << 26))) +
           vu_msg(6, struct.pack("<QQ", 0x1000, 0), fds=1))
    put("vu_msg", "log-rx-ring", with_ring(start + log + ring(0) + b"\xff", 2))
    # INFLIGHT_SHMFD (bit 12): GET_INFLIGHT_FD, then SET_INFLIGHT_FD of a
    # region inside the memfd (which holds the input: offset 0x20000, two
    # queues of 0x200 bytes), then the transmit ring started on it.
    inflight = (vu_msg(16, struct.pack("<Q", 0x1f | (1 << 9) | (1 << 12) | (1 << 15))) +
                vu_msg(31, struct.pack("<QQHHI", 0, 0, 2, 8, 0)) +
                vu_msg(32, struct.pack("<QQHHI", 0x400, 0x20000, 2, 8, 0), fds=1))
    put("vu_msg", "inflight-tx-ring", with_ring(start + inflight + ring(1) + tail + b"\xff", 0))
    put("vu_msg", "too-many-fds", vu_msg(1, fds=11) + vu_msg(3, fds=3) + b"\xff")
    put("vu_msg", "mem-slots", vu_msg(15) + vu_msg(16, struct.pack("<Q", 1 << 15)) +
        vu_msg(36) + vu_msg(37, struct.pack("<Q", 0) +
                             struct.pack("<QQQQ", 0x100000, 0x1000, uva, 0x1000), fds=1) +
        vu_msg(38, struct.pack("<Q", 0) + struct.pack("<QQQQ", 0x100000, 0x1000, uva, 0)) +
        b"\xff")


def stats_seeds():
    # shape (pairs - 1, reasons named, backend shown), counter seed, request
    seed = struct.pack("<Q", 0x9E3779B97F4A7C15)
    put("stats", "json", bytes([0x31]) + seed + b"json\n")
    put("stats", "nothing", bytes([0x00]) + seed)
    put("stats", "prometheus", bytes([0xf3]) + seed + b"prometheus\n")
    put("stats", "http", bytes([0xb7]) + seed +
        b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n")
    put("stats", "half-line", bytes([0x7f]) + seed + b"prom")


def vu_rec(req, payload=b"", kinds=(), flags=1):
    """One record of fuzz_vu_fds: fd count, a kind per fd, header, payload.
    Kinds: 0 memfd (sealable), 1 memfd (no seals), 2 eventfd, 3 pipe read
    end, 4 pipe write end, 5 socket, 6 short regular file, 7 /dev/zero."""
    return (bytes([len(kinds)]) + bytes(kinds) +
            struct.pack("<III", req, flags, len(payload)) + payload)


def vu_fds_seeds():
    """Sessions of vu_seeds() with fds of each kind, and files that shrink
    (0xfe) under running queues."""
    uva = 0x7f0000000000
    feat = (1 << 32) | (1 << 30) | (1 << 28) | (1 << 29)
    proto = 0x1f | (1 << 9) | (1 << 12) | (1 << 15)

    def start(mem_kind):
        return (vu_rec(1) + vu_rec(15) + vu_rec(16, struct.pack("<Q", proto)) +
                vu_rec(3) + vu_rec(2, struct.pack("<Q", feat | (1 << 26))) +
                vu_rec(5, struct.pack("<II", 1, 0) +
                       struct.pack("<QQQQ", 0, 0x40000, uva, 0), kinds=[mem_kind]))

    def ring(q, kick=2, call=2):
        return (vu_rec(8, struct.pack("<II", q, 8)) +
                vu_rec(9, struct.pack("<IIQQQQ", q, 1, uva + 0x1000, uva + 0x2000,
                                      uva + 0x3000, 0x2000)) +
                vu_rec(10, struct.pack("<II", q, 0)) +
                vu_rec(14, struct.pack("<Q", q), kinds=[2]) +
                vu_rec(13, struct.pack("<Q", q), kinds=[call]) +
                vu_rec(12, struct.pack("<Q", q), kinds=[kick]) +
                vu_rec(18, struct.pack("<II", q, 1)))

    def with_ring(msgs, desc_flags):
        mem = bytearray(0x3100)
        mem[:len(msgs)] = msgs
        struct.pack_into("<QIHH", mem, 0x1000, 0x100, 64, desc_flags, 0)
        struct.pack_into("<HHH", mem, 0x3000, 0, 1, 0)
        return bytes(mem)

    tail = vu_rec(11, struct.pack("<II", 1, 0)) + b"\xff"
    put("vu_fds", "mem-shrinks", with_ring(start(1) + b"\xfe" + ring(1) + tail, 0))
    put("vu_fds", "mem-shrinks-running", with_ring(start(1) + ring(1) + b"\xfe" + tail, 0))
    log = vu_rec(6, struct.pack("<QQ", 0x1000, 0), kinds=[1])
    put("vu_fds", "log-shrinks", with_ring(start(0) + log + ring(0) + b"\xfe" + tail, 2))
    inflight = (vu_rec(31, struct.pack("<QQHHI", 0, 0, 2, 8, 0)) +
                vu_rec(32, struct.pack("<QQHHI", 0x400, 0x20000, 2, 8, 0), kinds=[1]))
    put("vu_fds", "inflight-shrinks", with_ring(start(0) + inflight + ring(1) + b"\xfe" + tail, 0))
    for k, name in ((3, "pipe"), (4, "pipe-write"), (5, "socket"), (6, "file"), (7, "dev-zero")):
        put("vu_fds", "kick-" + name, with_ring(start(0) + ring(1, kick=k) + tail, 0))
        put("vu_fds", "call-" + name, with_ring(start(0) + ring(1, call=k) + tail, 0))
        put("vu_fds", "mem-" + name, start(k) + b"\xff")
        put("vu_fds", "log-" + name, start(0) + vu_rec(6, struct.pack("<QQ", 0x1000, 0), kinds=[k]) + b"\xff")
    put("vu_fds", "mem-short-file-small", vu_rec(1) + vu_rec(3) +
        vu_rec(5, struct.pack("<II", 1, 0) + struct.pack("<QQQQ", 0, 0x1000, uva, 0), kinds=[6]) +
        b"\xfe" + vu_rec(1) + b"\xff")


def iotlb_rec(kind, sel, iova, size, uva, raw=0):
    """One 16-byte record of fuzz_iotlb.c: grid values (in 4-byte units
    from the grid bases) unless sel asks for raw 64-bit ones."""
    return (bytes([kind, sel]) + struct.pack("<HHH", iova, size, uva) +
            struct.pack("<Q", raw))


def iotlb_seeds():
    rw, wo = 3, 2
    # map, overlap it, translate across, invalidate the middle, translate
    put("iotlb", "overlap-split",
        iotlb_rec(0, rw, 0, 0x400, 0) + iotlb_rec(0, wo, 0x100, 0x100, 0x800) +
        iotlb_rec(3, 0, 0x80, 0x200, 0) + iotlb_rec(2, 0, 0x180, 0x40, 0) +
        iotlb_rec(3, 1, 0x80, 0x200, 0))
    # two mappings into the two regions, a buffer straddling them
    put("iotlb", "straddle",
        iotlb_rec(0, rw, 0, 0x100, 0) + iotlb_rec(0, rw | 0x20, 0x100, 0x100, 0) +
        iotlb_rec(3, 1, 0xc0, 0x80, 0))
    # raw values: a size that wraps, an invalidation of everything
    put("iotlb", "wrap", iotlb_rec(0, rw | 0x40, 0x10, 0, 0, 2**64 - 1) +
        iotlb_rec(2, 0x40, 0, 0, 0, 0) + iotlb_rec(3, 0, 0x10, 0x10, 0))


def fnv1a(b):
    h = 2166136261
    for x in b:
        h = ((h ^ x) * 16777619) & 0xffffffff
    return h


def state_rec(cls, cmd, data=b""):
    """One record of a device state: le16 length, a control command."""
    return struct.pack("<H", 2 + len(data)) + bytes([cls, cmd]) + data


def state_seeds():
    # mode: bit 0 features negotiated first, bit 1 framed by the harness,
    # bit 2 fewer features offered; records as vnetd's dev_state.c saves
    mac = bytes.fromhex("525400123456")
    body = (state_rec(0, 0, b"\x01") + state_rec(0, 5, b"\x00") +
            state_rec(1, 0, struct.pack("<I", 1) + mac + struct.pack("<I", 1) +
                      bytes.fromhex("01005e000001")) +
            state_rec(1, 1, mac) + state_rec(2, 0, struct.pack("<H", 100)) +
            state_rec(4, 0, struct.pack("<H", 2)) +
            state_rec(6, 0, struct.pack("<II", 16, 50)) +
            state_rec(6, 1, struct.pack("<II", 8, 20)) +
            state_rec(5, 0, struct.pack("<Q", 0x2)))
    put("state", "framed-ready", bytes([0x03]) + body)
    put("state", "framed-before", bytes([0x02]) + body)
    put("state", "framed-fewer", bytes([0x07]) + state_rec(0, 1, b"\x01") +
        state_rec(4, 0, struct.pack("<H", 3)))
    put("state", "framed-empty", bytes([0x03]))
    # the address set away and back: the configuration generation moved
    # twice, which no state carries (the first finding's shape)
    put("state", "mac-addr-twice", bytes([0x02]) +
        state_rec(1, 1, bytes.fromhex("525400123356")) + state_rec(1, 1, mac))
    # whole states, framed here: header, body, FNV-1a of all before it
    hdr = b"VNDS" + struct.pack("<HHII", 1, 0, 9, len(body))
    whole = hdr + body
    whole += struct.pack("<I", fnv1a(whole))
    put("state", "whole-ready", bytes([0x01]) + whole)
    put("state", "whole-before", bytes([0x00]) + whole)
    put("state", "whole-bad-sum", bytes([0x01]) + whole[:-1] + b"\x00")


if __name__ == "__main__":
    parse_seeds()
    hdr_seeds()
    virtq_seeds()
    tx_seeds()
    pcap_seeds()
    vu_seeds()
    stats_seeds()
    vu_fds_seeds()
    iotlb_seeds()
    state_seeds()
