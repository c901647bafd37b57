#!/usr/bin/env python3
"""dgram_peer.py PORT PEER N - the far end of examples/vhost_dgram.c's port.

Binds PEER, sends N distinct Ethernet frames (60 to 1514 bytes, each with
its sequence number in the payload) to the backend's PORT, and collects
what comes back on PEER meanwhile: with the guest's driver forwarding every frame it
receives back out (testpmd's io mode), each frame must return, byte for
byte, exactly once. Prints the counts; exit 0 when all came back whole.

At most WINDOW frames are out at a time: testpmd's io mode drops what its
transmit ring (256 entries) cannot take at once, with no retry, so a
backend slowed down by a busy machine or a sanitizer would otherwise see
frames lost by the guest, not by itself."""
import os
import socket
import sys
import threading
import time


WINDOW = 128  # frames sent and not yet back


def frame(seq):
    length = 60 + (seq * 97) % (1514 - 60)
    head = bytes.fromhex("020000000001" "020000000002" "88b5")
    body = seq.to_bytes(4, "big") + bytes((seq + i) & 0xff for i in range(length - 18))
    return head + body


def main():
    port, peer, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    try:
        os.unlink(peer)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(peer)
    sent = {i: frame(i) for i in range(n)}
    got, counts = {}, {"bad": 0, "dup": 0}
    back = threading.Condition()

    def collect():
        s.settimeout(10)
        while len(got) < n:
            try:
                data = s.recv(65536)
            except socket.timeout:
                return
            seq = int.from_bytes(data[14:18], "big") if len(data) >= 18 else -1
            if sent.get(seq) != data:
                counts["bad"] += 1
            elif seq in got:
                counts["dup"] += 1
            else:
                with back:
                    got[seq] = data
                    back.notify()

    reader = threading.Thread(target=collect)
    reader.start()
    for i in range(n):
        with back:
            if not back.wait_for(lambda: i - len(got) < WINDOW, timeout=10):
                break  # frames lost on the way: the counts below say so
        s.sendto(sent[i], port)
        if i % 32 == 31:
            time.sleep(0.005)
    reader.join()
    bad, dup = counts["bad"], counts["dup"]
    print(f"sent {n}, back whole {len(got)}, corrupt {bad}, duplicate {dup}")
    sys.exit(0 if len(got) == n and not bad and not dup else 1)


if __name__ == "__main__":
    main()
