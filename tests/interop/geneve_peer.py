#!/usr/bin/python3
"""geneve_peer.py - a Geneve endpoint built with scapy, for the overlay port.

geneve_peer.py ADDR VNI CLASS TYPE DATAHEX MAC IP STATS

Listens on ADDR:6081 (a plain UDP socket: the kernel checks the outer UDP
checksum and computes it on replies). Every datagram is dissected with
scapy's Geneve layer and must carry VNI, Ethernet (0x6558) and exactly the
one option CLASS:TYPE:DATAHEX; anything else is counted as bad. The inner
frame gets an answer as a host at MAC/IP would give it: ARP replies, ICMP
echo replies, and UDP echo on port 7 (payload returned as is). Replies go
back Geneve-encapsulated with the same option. Counters are written to
STATS as "key value" lines on SIGTERM, and after every frame.
"""
import signal
import socket
import sys

from scapy.contrib.geneve import GENEVE
from scapy.layers.inet import ICMP, IP, UDP
from scapy.layers.l2 import ARP, Ether
from scapy.packet import Raw


def main():
    addr, vni, cls, typ, data, mac, ip, stats = sys.argv[1:9]
    vni, cls, typ = int(vni), int(cls, 16), int(typ, 16)
    data = bytes.fromhex(data)
    opt = cls.to_bytes(2, "big") + bytes([typ, len(data) // 4]) + data
    n = {"frames": 0, "bad": 0, "arp": 0, "icmp": 0, "udp": 0, "bytes": 0}

    def dump(*_):
        with open(stats, "w") as f:
            for k, v in n.items():
                f.write(f"{k} {v}\n")
        if _:
            sys.exit(0)

    signal.signal(signal.SIGTERM, dump)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 6081))
    while True:
        dgram, peer = s.recvfrom(65535)
        n["frames"] += 1
        g = GENEVE(dgram)
        if (g.version != 0 or g.vni != vni or g.proto != 0x6558 or
                bytes(dgram[8:8 + g.optionlen * 4]) != opt):
            n["bad"] += 1
            dump()
            continue
        reply = answer(Ether(bytes(g.payload)), mac, ip, n)
        if reply is not None:
            hdr = bytes(GENEVE(vni=vni, proto=0x6558,
                               optionlen=len(opt) // 4))[:8]
            s.sendto(hdr + opt + bytes(reply), (peer[0], 6081))
        dump()


def answer(f, mac, ip, n):
    """The inner frame a host at mac/ip would send back, or None."""
    if ARP in f and f[ARP].op == 1 and f[ARP].pdst == ip:
        n["arp"] += 1
        return (Ether(dst=f.src, src=mac) /
                ARP(op=2, hwsrc=mac, psrc=ip, hwdst=f[ARP].hwsrc,
                    pdst=f[ARP].psrc))
    if IP not in f or f[IP].dst != ip:
        return None
    if ICMP in f and f[ICMP].type == 8:
        n["icmp"] += 1
        return (Ether(dst=f.src, src=mac) / IP(src=ip, dst=f[IP].src) /
                ICMP(type=0, id=f[ICMP].id, seq=f[ICMP].seq) /
                Raw(bytes(f[ICMP].payload)))
    if UDP in f and f[UDP].dport == 7:
        n["udp"] += 1
        n["bytes"] += len(bytes(f[UDP].payload))
        return (Ether(dst=f.src, src=mac) / IP(src=ip, dst=f[IP].src) /
                UDP(sport=7, dport=f[UDP].sport) /
                Raw(bytes(f[UDP].payload)))
    return None


if __name__ == "__main__":
    main()
