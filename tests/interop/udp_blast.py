#!/usr/bin/python3
"""udp_blast.py ADDR PORT COUNT - send COUNT small UDP datagrams as fast as
the socket takes them; print how many were sent."""
import socket
import sys

addr, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
payload = b"vnetd" * 10
sent = 0
for _ in range(count):
    try:
        s.sendto(payload, (addr, port))
        sent += 1
    except BlockingIOError:
        pass
print(sent)
