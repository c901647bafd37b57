#!/usr/bin/python3
"""qmp.py - drive a QEMU through its QMP socket (the migration tests).

usage: qmp.py SOCKET wait SECONDS         until the socket answers
       qmp.py SOCKET run COMMAND [JSON]   one command; prints its return
       qmp.py SOCKET migrate URI SECONDS  live migration to URI (as many
            bytes a second as the socket takes), waiting until it ends;
            prints "status S total-time MS downtime MS setup-time MS
            transferred BYTES" from query-migrate (exit 1 unless completed)
       qmp.py SOCKET status               prints the run state
Every call bounded in time; exit 1 with a message on an error reply.
"""
import json
import socket
import sys
import time


class Qmp:
    def __init__(self, path, timeout=10):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.f = self.s.makefile("rw")
        self._read()                    # the greeting
        self.cmd("qmp_capabilities")

    def _read(self):
        while True:
            line = self.f.readline()
            if not line:
                raise EOFError("QMP socket closed")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def cmd(self, name, args=None):
        req = {"execute": name}
        if args:
            req["arguments"] = args
        self.f.write(json.dumps(req) + "\n")
        self.f.flush()
        reply = self._read()
        if "error" in reply:
            raise RuntimeError("%s: %s" % (name, reply["error"]["desc"]))
        return reply.get("return")


def wait(path, seconds):
    deadline = time.monotonic() + seconds
    while True:
        try:
            Qmp(path).s.close()
            return 0
        except (OSError, EOFError):
            if time.monotonic() > deadline:
                sys.exit("qmp: %s did not answer in %s s" % (path, seconds))
            time.sleep(0.1)


def migrate(path, uri, seconds):
    q = Qmp(path)
    q.cmd("migrate-set-parameters", {"max-bandwidth": 10 << 30})
    q.cmd("migrate", {"uri": uri})
    deadline = time.monotonic() + seconds
    while True:
        info = q.cmd("query-migrate")
        st = info.get("status")
        if st in ("completed", "failed", "cancelled"):
            break
        if time.monotonic() > deadline:
            q.cmd("migrate_cancel")
            st = "timeout"
            break
        time.sleep(0.05)
    ram = info.get("ram", {})
    print("status %s total-time %s downtime %s setup-time %s transferred %s"
          % (st, info.get("total-time", "-"), info.get("downtime", "-"),
             info.get("setup-time", "-"), ram.get("transferred", "-")))
    if st != "completed":
        print("error: %s" % info.get("error-desc", st))
    return 0 if st == "completed" else 1


def main():
    path, verb = sys.argv[1], sys.argv[2]
    if verb == "wait":
        return wait(path, float(sys.argv[3]))
    if verb == "migrate":
        return migrate(path, sys.argv[3], float(sys.argv[4]))
    if verb == "status":
        print(Qmp(path).cmd("query-status")["status"])
        return 0
    if verb == "run":
        args = json.loads(sys.argv[4]) if len(sys.argv) > 4 else None
        print(json.dumps(Qmp(path).cmd(sys.argv[3], args)))
        return 0
    sys.exit("qmp: unknown verb %s" % verb)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, EOFError, RuntimeError) as e:
        sys.exit("qmp: %s" % e)
