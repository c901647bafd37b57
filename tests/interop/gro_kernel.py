#!/usr/bin/python3
"""gro_kernel.py - the kernel's GRO decisions beside `vnet gro`'s.

usage (as root, inside a fresh network namespace): gro_kernel.py VNET

A tun device with IFF_NAPI ("ta") coalesces what is written to it as the
kernel's GRO does; with gro_flush_timeout and napi_defer_hard_irqs set it
holds segments across writes. It is bridged to a TAP with IFF_VNET_HDR and
TSO on ("tb"), which hands the kernel's super-frames out whole, with their
virtio-net header. Each scenario writes a run of TCP segments (checksums
complete) in a row; where the kernel cuts a run is a flush rule, or timing
(its timer). `vnet gro` gets the same run as a pcap, all at one time stamp,
so it cuts by its rules alone.

Cuts are stream offsets (payload bytes before the frame that starts there).
What it covers: for each scenario, every cut this engine makes is a cut the
kernel makes in every try (no rule of ours splits what Linux joins), and
every cut the kernel makes in all of several tries is one of ours (no rule
of Linux's is missing here; a timer cut does not land on the same segment
every time). The scenarios: in-order MSS
segments, PSH, a changed ACK, a window change, a sequence gap, a TTL
change, a TOS change, a short segment, fixed IPv4 IDs with DF, CWR, TCP
options that change, IPv6; and UDP GRO for forwarding (rx-udp-gro-forwarding
on the tun, USO on the TAP), same-size datagrams with a shorter or a larger
one. What it does not: timer behaviour, the 64 KiB and segment caps (timing
cuts runs that long), tunnels, RSC (Linux has no RSC rules).
"""
import fcntl
import os
import select
import struct
import subprocess
import sys
import time

TUNSETIFF = 0x400454ca
TUNSETOFFLOAD = 0x400454d0
IFF_TAP, IFF_NO_PI, IFF_NAPI, IFF_VNET_HDR = 0x0002, 0x1000, 0x0010, 0x4000
TUN_F_CSUM, TUN_F_TSO4, TUN_F_TSO6 = 0x01, 0x02, 0x04
TUN_F_USO4, TUN_F_USO6 = 0x20, 0x40
MSS = 1000
TRIES = 3
UDP_OK = False


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def segment(v6, seq, ack, flags, win, ipid, payload, ttl=64, tos=0, df=True,
            opts=b""):
    eth = bytes.fromhex("02000000000b02000000000a") + \
        (b"\x86\xdd" if v6 else b"\x08\x00")
    thl = 20 + len(opts)
    th = struct.pack("!HHIIBBHHH", 33333, 5001, seq, ack, (thl // 4) << 4,
                     flags, win, 0, 0) + opts
    l4 = th + payload
    if v6:
        src = bytes.fromhex("fd000000000000000000000000000001")
        dst = bytes.fromhex("fd000000000000000000000000000002")
        ip = struct.pack("!IHBB", 0x60000000 | tos << 20, len(l4), 6,
                         ttl) + src + dst
        pseudo = src + dst + struct.pack("!IxxxB", len(l4), 6)
    else:
        src, dst = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
        ip = struct.pack("!BBHHHBBH", 0x45, tos, 20 + len(l4), ipid,
                         0x4000 if df else 0, ttl, 6, 0) + src + dst
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        pseudo = src + dst + struct.pack("!xBH", 6, len(l4))
    c = csum(pseudo + l4)
    l4 = l4[:16] + struct.pack("!H", c) + l4[18:]
    return eth + ip + l4


def udp_segment(ipid, payload):
    """A UDP/IPv4 datagram to port 5001, DF set, checksum complete."""
    eth = bytes.fromhex("02000000000b02000000000a0800")
    l4 = struct.pack("!HHHH", 33333, 5001, 8 + len(payload), 0) + payload
    src, dst = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
    ip = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(l4), ipid, 0x4000, 64,
                     17, 0) + src + dst
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    c = csum(src + dst + struct.pack("!xBH", 17, len(l4)) + l4) or 0xffff
    return eth + ip + l4[:6] + struct.pack("!H", c) + l4[8:]


def udp_scenarios():
    """UDP GRO (forwarding): same-size datagrams, a shorter one last."""
    def dg(sizes):
        return [udp_segment(i + 1, bytes([i]) * n) for i, n in
                enumerate(sizes)]
    return [
        ("udp-short-last", False, dg([1000] * 5 + [300] + [1000] * 3)),
        ("udp-larger", False, dg([800] * 4 + [1000] + [1000] * 2)),
    ]


def scenarios():
    """Each: (name, v6, list of segments). Segment i carries bytes i*MSS."""
    def run(name, v6, n, tweak):
        segs = []
        for i in range(n):
            kw = dict(v6=v6, seq=1000 + i * MSS, ack=77, flags=0x10,
                      win=502, ipid=i + 1, payload=bytes([i & 0xff]) * MSS)
            tweak(i, kw)
            segs.append(segment(**kw))
        return (name, v6, segs)

    def at(k, **changes):
        def tweak(i, kw):
            if i == k:
                kw.update(changes)
        return tweak

    def from_(k, **changes):
        def tweak(i, kw):
            if i >= k:
                kw.update(changes)
        return tweak

    def gap(i, kw):
        if i >= 6:
            kw["seq"] += 5000

    def fixed_id(i, kw):
        kw["ipid"] = 9

    def opts(i, kw):
        kw["opts"] = struct.pack("!BBII", 1, 1, 0, 0)[:2] + \
            struct.pack("!BBII", 8, 10, 100 + (i >= 7), 5)
    return [
        run("in-order", False, 12, lambda i, kw: None),
        run("psh", False, 12, at(5, flags=0x18)),
        run("ack", False, 12, from_(6, ack=99)),
        run("window", False, 12, from_(6, win=600)),
        run("seq-gap", False, 12, gap),
        run("ttl", False, 12, from_(6, ttl=63)),
        run("tos", False, 12, from_(6, tos=4)),
        run("short", False, 12, at(5, payload=b"x" * 300)),
        run("fixed-id-df", False, 12, fixed_id),
        run("cwr", False, 12, at(6, flags=0x90)),
        run("options", False, 12, opts),
        run("ipv6-psh", True, 12, at(7, flags=0x18)),
    ]


def payload_len(frame):
    """Bytes after the transport header (TCP or UDP, IPv4 or IPv6)."""
    if frame[12:14] == b"\x86\xdd":
        return len(frame) - 54 - (frame[66] >> 4) * 4
    th = 14 + (frame[14] & 0xf) * 4
    if frame[23] == 17:
        return len(frame) - th - 8
    return len(frame) - th - (frame[th + 12] >> 4) * 4


def byte_cuts(frames):
    """Stream offsets at which an output frame starts (0 excluded)."""
    out, off = [], 0
    for f in frames:
        if off:
            out.append(off)
        off += payload_len(f)
    return out


def tap(name, flags):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), flags))
    return fd


def sh(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def setup():
    ta = tap("ta", IFF_TAP | IFF_NO_PI | IFF_NAPI)
    tb = tap("tb", IFF_TAP | IFF_NO_PI | IFF_VNET_HDR)
    global UDP_OK
    try:
        fcntl.ioctl(tb, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
                    TUN_F_USO4 | TUN_F_USO6)
        UDP_OK = subprocess.run(["ethtool", "-K", "ta",
                                 "rx-udp-gro-forwarding", "on"],
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL).returncode == 0
    except OSError:
        fcntl.ioctl(tb, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)
    sh("ip", "link", "add", "br0", "type", "bridge")
    for d in ("ta", "tb"):
        sh("ip", "link", "set", d, "master", "br0")
        sh("ip", "link", "set", d, "up")
    sh("ip", "link", "set", "br0", "up")
    with open("/sys/class/net/ta/gro_flush_timeout", "w") as f:
        f.write("200000")
    with open("/sys/class/net/ta/napi_defer_hard_irqs", "w") as f:
        f.write("2")
    time.sleep(0.5)
    drain(tb, 0.2)
    return ta, tb


def drain(fd, wait):
    out = []
    while select.select([fd], [], [], wait)[0]:
        out.append(os.read(fd, 70000))
        wait = 0.05
    return out


def ours_tcp(frame):
    """A TCP or UDP segment to port 5001 (not the bridge's IPv6 chatter)."""
    if frame[12:14] == b"\x86\xdd":
        return frame[20] in (6, 17) and frame[56:58] == b"\x13\x89"
    if frame[12:14] == b"\x08\x00":
        th = 14 + (frame[14] & 0xf) * 4
        return frame[23] in (6, 17) and frame[th + 2:th + 4] == b"\x13\x89"
    return False


def kernel_cuts(ta, tb, segs):
    """The kernel's cuts, frames out, and whether all came re-segmented."""
    drain(tb, 0)
    for s in segs:
        os.write(ta, s)
    got = [g for g in drain(tb, 0.5) if ours_tcp(g[10:])]
    resegmented = all(g[0] == 1 and g[1] == 0 for g in got)
    return byte_cuts([g[10:] for g in got]), len(got), resegmented


def write_pcap(path, segs):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        for s in segs:
            f.write(struct.pack("<IIII", 1, 0, len(s), len(s)) + s)


def read_pcap(path):
    with open(path, "rb") as f:
        f.read(24)
        while True:
            h = f.read(16)
            if len(h) < 16:
                return
            n = struct.unpack("<IIII", h)[2]
            yield f.read(n)


def vnet_cuts(vnet, segs, tmp):
    write_pcap(tmp + "/in.pcap", segs)
    subprocess.run([vnet, "gro", "--features",
                    "version_1,guest_csum,guest_tso4,guest_tso6,guest_ecn,"
                    "guest_uso4,guest_uso6",
                    tmp + "/in.pcap", tmp + "/out.pcap"], check=True,
                   stdout=subprocess.DEVNULL)
    return byte_cuts(list(read_pcap(tmp + "/out.pcap")))


def main():
    vnet, tmp = sys.argv[1], sys.argv[2]
    ta, tb = setup()
    failed = 0
    extra = udp_scenarios() if UDP_OK else []
    if not UDP_OK:
        print("udp: skipped (no USO on tun, or no rx-udp-gro-forwarding)")
    for name, v6, segs in scenarios() + extra:
        ours = vnet_cuts(vnet, segs, tmp)
        tries = [kernel_cuts(ta, tb, segs) for _ in range(TRIES)]
        if name == "fixed-id-df":
            # Linux coalesces these (DF, RFC 6864) into an SKB_GSO_TCP_FIXEDID
            # super-frame, which tun cannot take (no TSO_MANGLEID), so the
            # bridge segments it again: every frame arrives alone, with
            # NEEDS_CSUM (CHECKSUM_PARTIAL: only a GSO segment has it).
            # The decision itself is not observable here; check that story.
            ok = all(t[2] and t[1] == len(segs) for t in tries) and not ours
            failed += not ok
            print("%-12s %s ours %s kernel re-segmented a FIXEDID super-frame"
                  ": %s" % (name, "ok" if ok else "FAIL", ours,
                            [t[2] for t in tries]))
            continue
        kset = [set(t[0]) for t in tries]
        always = set.intersection(*kset)
        bad = [c for c in ours if any(c not in k for k in kset)]
        missing = sorted(always - set(ours))
        status = "ok"
        if bad or missing or any(t[1] == 0 for t in tries):
            status = "FAIL"
            failed += 1
        print("%-12s %s ours %s kernel %s%s%s" % (
            name, status, ours, [t[0] for t in tries],
            " cuts-kernel-never-makes %s" % bad if bad else "",
            " kernel-always-cuts-here %s" % missing if missing else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
