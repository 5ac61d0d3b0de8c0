#!/usr/bin/env python3
"""A hostile target whose tasks share one huge object: what aps holds stays bounded.

    hostile.py --aps PATH --python PATH --case shared_name|shared_set

shared_name: 1,000 tasks share one 1,000,000-character name (targets/shared_objects.py name).
The JSON views print the name whole for each task (about 1 GB, thrown away here); aps keeps it
once, so its peak memory stays small.
shared_set: 50 tasks point at one awaited-by set of 400,000 futures (shared_objects.py set),
20,000,000 awaiter links: past aps's total budget (2^24), ps, pstree and json stop at once
with exit 6 and one line naming the budget, in bounded time and memory.
Exit 0 pass, 1 fail, 77 skip.
"""
import os
import subprocess
import sys
import time

from hardlib import Fail, TARGETS, driver_parser, run_main
import difftest

MAX_RSS_KB = 200 * 1024
MAX_SECONDS = 20


def measured(argv):
    """(exit status, stderr, seconds, peak RSS in KB) of argv, its stdout thrown away."""
    start = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, err.decode("utf-8", "replace"), time.monotonic() - start, usage.ru_maxrss


def check(what, result, code, needle=None):
    rc, err, seconds, rss = result
    print("%-32s exit %d  %.2f s  %d MB  %s" % (what, rc, seconds, rss // 1024, err.strip()))
    if rc != code:
        raise Fail("%s: exit %d, expected %d (stderr %r)" % (what, rc, code, err))
    if needle is not None and (err.count("\n") != 1 or needle not in err):
        raise Fail("%s: stderr is not one line saying %r: %r" % (what, needle, err))
    if rss > MAX_RSS_KB or seconds > MAX_SECONDS:
        raise Fail("%s: %d KB peak RSS in %.1f s (bound %d KB, %d s)"
                   % (what, rss, seconds, MAX_RSS_KB, MAX_SECONDS))


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--case", required=True, choices=["shared_name", "shared_set"])
    args = ap.parse_args()

    def body(tmp):
        mode = args.case.split("_", 1)[1]
        target = difftest.Target([args.python, os.path.join(TARGETS, "shared_objects.py"), mode])
        try:
            pid = str(target.pid)
            if mode == "name":
                for view in (["ps"], ["ps", "--format", "json"], ["pstree", "--format", "ndjson"]):
                    check(" ".join(view), measured([args.aps] + view + [pid]), 0)
            else:
                for view in (["ps"], ["pstree"], ["ps", "--format", "json"]):
                    check(" ".join(view), measured([args.aps] + view + [pid]), 6,
                          "more than 16777216 awaiter links")
            target.check_unharmed("aps")
        finally:
            target.stop()

    return run_main("aps-hostile-", body)


if __name__ == "__main__":
    sys.exit(main())
