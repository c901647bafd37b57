#!/usr/bin/python3
"""mem_diff.py - the guest pages two memory dumps disagree on (the
migration test's VNETD_MIGRATE_MEMCMP=1: the source's guest memory after
the migration, the destination's before it runs; they must be equal).

usage: mem_diff.py SOURCE DEST OUTDIR
Prints "pages differ N" and, for each page that differs (the first 64),
"gpa 0xADDR bytes K first 0xOFF"; writes the first 64 pages' two versions
to OUTDIR/gpa-0xADDR.src and .dst. Exit 0 when the dumps are equal, 1
when they differ, 2 on an error.
"""
import os
import sys

PAGE = 4096
SHOWN = 64


def main():
    src, dst, out = sys.argv[1], sys.argv[2], sys.argv[3]
    if os.path.getsize(src) != os.path.getsize(dst):
        print("sizes differ: %d %d" % (os.path.getsize(src), os.path.getsize(dst)))
        return 2
    n = 0
    lines = []
    with open(src, "rb") as a, open(dst, "rb") as b:
        gpa = 0
        while True:
            pa, pb = a.read(PAGE), b.read(PAGE)
            if not pa:
                break
            if pa != pb:
                n += 1
                if n <= SHOWN:
                    diff = [i for i in range(len(pa)) if pa[i] != pb[i]]
                    lines.append("gpa 0x%x bytes %d first 0x%x"
                                 % (gpa, len(diff), diff[0]))
                    os.makedirs(out, exist_ok=True)
                    for suffix, page in (("src", pa), ("dst", pb)):
                        with open(os.path.join(out, "gpa-0x%x.%s" % (gpa, suffix)),
                                  "wb") as f:
                            f.write(page)
            gpa += PAGE
    print("pages differ %d" % n)
    for line in lines:
        print(line)
    return 1 if n else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, IndexError) as e:
        sys.exit("mem_diff: %s" % e)
