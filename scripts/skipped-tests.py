#!/usr/bin/env python3
"""skipped-tests.py BUILD_DIR... - list the tests Meson skipped in the last
run of each build directory, one line each: [dir] name: reason (the test's
"SKIP:" line). Prints nothing when no test skipped."""
import json
import sys


def reason(stdout):
    for line in (stdout or "").splitlines():
        if line.startswith("SKIP"):
            return line.split(":", 1)[-1].strip()
    return "no reason given"


for build in sys.argv[1:]:
    try:
        log = open(f"{build}/meson-logs/testlog.json", encoding="utf-8")
    except OSError:
        continue
    with log:
        for line in log:
            test = json.loads(line)
            if test.get("result") == "SKIP":
                print(f"[{build}] {test['name']}: {reason(test.get('stdout'))}")
