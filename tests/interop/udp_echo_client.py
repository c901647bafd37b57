#!/usr/bin/python3
"""udp_echo_client.py ADDR COUNT [GSO] - datagrams to ADDR:7, echoes checked.

Sends COUNT datagrams of sizes 1..1400 and checks that each echo carries the
same bytes; with GSO (a segment size), then also sends one 8-segment buffer
with UDP_SEGMENT, so that the kernel hands the device a USO super-frame,
and checks the 8 echoes. Prints "ok N BYTES" or exits 1 saying what failed.
"""
import hashlib
import socket
import sys

UDP_SEGMENT = 103


def main():
    addr, count = sys.argv[1], int(sys.argv[2])
    gso = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    total = 0
    for i in range(count):
        data = hashlib.sha256(str(i).encode()).digest() * 44
        data = data[:1 + (i * 37) % 1400]
        s.sendto(data, (addr, 7))
        got = s.recv(65535)
        if got != data:
            sys.exit(f"echo {i}: sent {len(data)} bytes, got {len(got)}")
        total += len(data)
    if gso:
        s.setsockopt(socket.SOL_UDP, UDP_SEGMENT, gso)
        data = bytes(range(256)) * (8 * gso // 256)
        s.sendto(data, (addr, 7))
        got = b"".join(s.recv(65535) for _ in range(8))
        if sorted(got[i:i + gso] for i in range(0, len(got), gso)) != \
                sorted(data[i:i + gso] for i in range(0, len(data), gso)):
            sys.exit("USO echoes differ")
        total += len(data)
        count += 8
    print("ok", count, total)


if __name__ == "__main__":
    main()
