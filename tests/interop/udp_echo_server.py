#!/usr/bin/python3
"""udp_echo_server.py - an echo service (RFC 862) over UDP, for the guests.

usage: udp_echo_server.py ADDR PORT
Returns every datagram to its sender as it came; prints "listening" once
bound, and a count on SIGTERM.
"""
import signal
import socket
import sys


def main():
    addr, port = sys.argv[1], int(sys.argv[2])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    n = [0]

    def bye(*_):
        print("echoed", n[0], flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, bye)
    print("listening", flush=True)
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(data, peer)
        n[0] += 1


if __name__ == "__main__":
    main()
