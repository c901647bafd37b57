#!/usr/bin/python3
"""tcp_transfer.py - move N bytes over TCP (or UDP datagrams) and check them.

server: tcp_transfer.py serve tcp|udp ADDR PORT N    prints the sha256 it got
client: tcp_transfer.py send  tcp|udp ADDR PORT N    prints the sha256 it sent
The payload is a fixed pseudo-random stream, so both sides can compare.
Bounded in time: every socket has a 20 s timeout. UDP is paced (8
datagrams, then 2 ms) and received with a large socket buffer.
"""
import hashlib
import random
import socket
import sys
import time


def payload(n):
    rng = random.Random(1071)
    return bytes(rng.getrandbits(8) for _ in range(n))


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def serve(proto, addr, port, n):
    if proto == "tcp":
        s = socket.socket(family(addr), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(20)
        s.bind((addr, port))
        s.listen(1)
        c, _ = s.accept()
        c.settimeout(20)
        got = bytearray()
        while len(got) < n:
            chunk = c.recv(65536)
            if not chunk:
                break
            got += chunk
    else:
        s = socket.socket(family(addr), socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)
        s.settimeout(5)
        s.bind((addr, port))
        got = bytearray()
        try:
            while len(got) < n:
                got += s.recv(65536)
        except socket.timeout:
            pass
    print(hashlib.sha256(bytes(got)).hexdigest(), len(got))


def connect(addr, port):
    """Connect, retrying while the listener is not up yet (loaded machine)."""
    deadline = time.monotonic() + 10
    while True:
        try:
            return socket.create_connection((addr, port), timeout=20)
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def send(proto, addr, port, n):
    data = payload(n)
    if proto == "tcp":
        s = connect(addr, port)
        s.sendall(data)
        s.close()
    else:
        s = socket.socket(family(addr), socket.SOCK_DGRAM)
        for i, off in enumerate(range(0, n, 1200)):
            s.sendto(data[off:off + 1200], (addr, port))
            if i % 8 == 7:
                # paced: the test is of the path, not of loss under
                # overload (a loaded CI machine's receiver falls behind)
                time.sleep(0.002)
    print(hashlib.sha256(data).hexdigest(), len(data))


if __name__ == "__main__":
    role, proto, addr, port, n = sys.argv[1:6]
    (serve if role == "serve" else send)(proto, addr, int(port), int(n))
