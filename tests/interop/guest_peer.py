#!/usr/bin/python3
"""guest_peer.py - the host side of the guest's TCP streams.

usage: guest_peer.py ADDR PORT BYTES TIMEOUT [STOPFILE [PROGRESS]]
Listens on ADDR:PORT and ADDR:PORT+1. On PORT it reads one connection to
its end; on PORT+1 it sends BYTES random bytes to one connection and closes
it. Prints "listening" once both sockets listen, then, as each stream ends,
"recv SHA256 BYTES" and "sent SHA256 BYTES" (the sha256 of what went over
the wire as this end saw it). Gives up after TIMEOUT seconds (exit 1).
With STOPFILE it sends continuously, BYTES at least, until that file
exists. With PROGRESS it appends "TIME RECEIVED SENT" (wall clock, bytes so
far) to that file every 50 ms, so a test can see the streams move.
"""
import hashlib
import os
import socket
import sys
import threading
import time

CHUNK = 1 << 16


def listener(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(1)
    return s


counts = {"recv": 0, "sent": 0}


def receive(ls, results):
    c, _ = ls.accept()
    h, n = hashlib.sha256(), 0
    while True:
        b = c.recv(CHUNK)
        if not b:
            break
        h.update(b)
        n += len(b)
        counts["recv"] = n
    c.close()
    results.append("recv %s %d" % (h.hexdigest(), n))


def send(ls, total, stop, results):
    c, _ = ls.accept()
    h, n = hashlib.sha256(), 0
    while n < total or (stop and not os.path.exists(stop)):
        b = os.urandom(CHUNK if stop else min(CHUNK, total - n))
        c.sendall(b)
        h.update(b)
        n += len(b)
        counts["sent"] = n
    c.shutdown(socket.SHUT_WR)
    while c.recv(CHUNK):
        pass
    c.close()
    results.append("sent %s %d" % (h.hexdigest(), n))


def main():
    addr, port, total, timeout = sys.argv[1], int(sys.argv[2]), \
        int(sys.argv[3]), float(sys.argv[4])
    stop = sys.argv[5] if len(sys.argv) > 5 else None
    progress = sys.argv[6] if len(sys.argv) > 6 else None
    results = []
    rx, tx = listener(addr, port), listener(addr, port + 1)
    threads = [threading.Thread(target=receive, args=(rx, results),
                                daemon=True),
               threading.Thread(target=send, args=(tx, total, stop, results),
                                daemon=True)]
    for t in threads:
        t.start()
    print("listening", flush=True)
    deadline = time.monotonic() + timeout
    if progress:
        with open(progress, "a") as f:
            while (any(t.is_alive() for t in threads) and
                   time.monotonic() < deadline):
                f.write("%.3f %d %d\n" % (time.time(), counts["recv"],
                                          counts["sent"]))
                f.flush()
                time.sleep(0.05)
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    for r in results:
        print(r, flush=True)
    return 0 if len(results) == 2 else 1


if __name__ == "__main__":
    sys.exit(main())
