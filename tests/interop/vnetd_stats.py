#!/usr/bin/env python3
"""vnetd_stats.py SOCKET FIELD - one counter from vnetd's --stats socket.

FIELD is a counter of the totals (rx_frames, tx_frames, ...) or a drop
reason (looked up among the totals' drops first, 0 when never counted);
"queues:NAME" prints NAME for every queue pair, space-separated. The
answer is the socket's JSON, read to its end."""
import json
import socket
import sys


def fetch(path):
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(10)
        s.connect(path)
        s.sendall(b"json\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return json.loads(data)


def main():
    path, field = sys.argv[1], sys.argv[2]
    stats = fetch(path)
    if field.startswith("queues:"):
        name = field.split(":", 1)[1]
        print(" ".join(str(q[name]) for q in stats["queues"]))
        return
    total = stats["total"]
    print(total.get("drops", {}).get(field, total.get(field, 0)))


if __name__ == "__main__":
    main()
