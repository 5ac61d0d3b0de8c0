#!/usr/bin/env python3
"""pstree on live targets whose tree, printed the reference's way, would be far too large.

    tree_bounds.py --aps PATH --python PATH --case diamond|task_chain

diamond: targets/diamond.py, 30 levels of two tasks, each awaiting both tasks of the next level:
the reference's tree would repeat every shared subtree under each awaiter (2^29 copies of the
bottom level).  task_chain: targets/task_chain.py, 20,000 tasks, each awaiting the next: the
reference's indentation would grow to 160,000 columns (a text quadratic in the depth).

aps pstree must exit 0 with nothing on stderr, within MAX_SECONDS, print at most the case's byte
bound, and print the compact tree (README, "Differences"), which is read back here: a line's
depth is its prefix units plus N for a `[+N] ` mark, which every line deeper than 32 levels
has, and no other; each task of the target (its own oracle) appears once in full, tagged with
its id when it appears again; it appears again as `(T) name [id] (see above)` once under each
other task that awaits it; the task above every task line is one of its awaiters.  --format json
still lists every task.  Exit 0 pass, 1 fail.
"""
import json
import os
import re
import sys
import time

from hardlib import Fail, TARGETS, driver_parser, run, run_main, target_env
import difftest

MAX_SECONDS = 20.0  # aps's wall time, reading included, on a shared two-core machine
MAX_BYTES = {"diamond": 1 << 20, "task_chain": 16 << 20}
COMPACT_DEPTH = 32
UNITS = ("    ", "│   ")
BRANCHES = ("└── ", "├── ")
MARK = re.compile(r"\[\+(\d+)\] ")
TASK = re.compile(r"^\(T\) (.*?)(?: \[(0x[0-9a-f]+)\])?( \(see above\))?$")


def parse(text):
    """[(depth, text)] of a tree view; Fail on a line that is not one."""
    lines = []
    for n, line in enumerate(text.split("\n")[:-1], 1):
        rest, units = line, 0
        while rest.startswith(UNITS):
            rest, units = rest[4:], units + 1
        mark = MARK.match(rest)
        depth = units
        if mark:
            rest, depth = rest[mark.end():], units + int(mark.group(1))
            if units != COMPACT_DEPTH:
                raise Fail("line %d: a [+N] mark after %d units, not %d: %r"
                           % (n, units, COMPACT_DEPTH, line[:300]))
        elif units > COMPACT_DEPTH:
            raise Fail("line %d: %d units of indentation, more than %d" % (n, units, COMPACT_DEPTH))
        if not rest.startswith(BRANCHES):
            raise Fail("line %d is no tree line: %r" % (n, line[:300]))
        if lines and depth > lines[-1][0] + 1 or not lines and depth != 0:
            raise Fail("line %d: depth %d under a line of depth %d"
                       % (n, depth, lines[-1][0] if lines else -1))
        lines.append((depth, rest[len(BRANCHES[0]):]))
    return lines


def check_compact(lines, oracle):
    tasks = {t["id"]: t for t in oracle["tasks"]}
    by_name = {t["name"]: t for t in oracle["tasks"]}
    if len(by_name) != len(tasks):
        raise Fail("the target's task names repeat; this check needs them unique")
    full, refs, path = {}, 0, []  # path: (depth, task id or None) of the current line's ancestors
    for depth, text in lines:
        del path[depth:]
        m = TASK.match(text)
        if not m:
            path.append(None)
            continue
        name, tag, again = m.groups()
        task = by_name.get(name)
        if task is None or tag not in (None, task["id"]):
            raise Fail("task line %r: no such task in the target" % text)
        want_tag = len(task["awaited_by"]) > 1
        if bool(tag) != want_tag:
            raise Fail("%r: %s id, but the task has %d awaiters"
                       % (text, "an" if tag else "no", len(task["awaited_by"])))
        above = next((t for t in reversed(path) if t is not None), None)
        if (above is None) != (not task["awaited_by"]) or above and above not in task["awaited_by"]:
            raise Fail("%r is under %s, not one of its awaiters %s"
                       % (text, above, task["awaited_by"]))
        if again:
            if task["id"] not in full:
                raise Fail("%r refers to a task not printed above" % text)
            refs += 1
        elif task["id"] in full:
            raise Fail("%r is printed in full twice" % text)
        else:
            full[task["id"]] = depth
        path.append(task["id"])
    if len(full) != len(tasks):
        missing = [tasks[i]["name"] for i in tasks if i not in full][:5]
        raise Fail("%d of %d tasks printed in full; missing e.g. %s"
                   % (len(full), len(tasks), missing))
    want_refs = sum(max(0, len(t["awaited_by"]) - 1) for t in tasks.values())
    if refs != want_refs:
        raise Fail("%d references, expected %d (one per awaiter past the first)"
                   % (refs, want_refs))
    return refs


def bounds(args, tmp):
    script = {"diamond": "diamond.py", "task_chain": "task_chain.py"}[args.case]
    target = difftest.Target([args.python, os.path.join(TARGETS, script)], env=target_env(tmp))
    try:
        with open(os.path.join(tmp, "oracle.json"), encoding="utf-8") as f:
            oracle = json.load(f)
        started = time.monotonic()
        rc, out, err = run([args.aps, "pstree", str(target.pid)], timeout=120.0)
        seconds = time.monotonic() - started
        jrc, jout, jerr = run([args.aps, "pstree", "--format", "json", str(target.pid)],
                              timeout=120.0)
        target.check_unharmed("aps")
    finally:
        target.stop()
    print("aps pstree: exit %d, %d bytes, %d lines, %.2f s"
          % (rc, len(out), out.count(b"\n"), seconds))
    if rc != 0 or err:
        raise Fail("aps pstree: exit %d, stderr %r" % (rc, err[:300]))
    if len(out) > MAX_BYTES[args.case]:
        raise Fail("%d bytes printed, more than %d" % (len(out), MAX_BYTES[args.case]))
    if seconds > MAX_SECONDS:
        raise Fail("aps pstree took %.1f s, more than %.0f" % (seconds, MAX_SECONDS))
    lines = parse(out.decode("utf-8"))
    refs = check_compact(lines, oracle)
    deepest = max(depth for depth, _ in lines)
    marked = sum(1 for depth, _ in lines if depth > COMPACT_DEPTH)
    print("  %d tasks once in full, %d references, deepest line %d levels, %d lines capped at %d"
          % (len(oracle["tasks"]), refs, deepest, marked, COMPACT_DEPTH))
    if args.case == "task_chain" and deepest < 2 * (oracle["depth"] - 1):
        raise Fail("deepest line %d levels: the chain of %d tasks is not all there"
                   % (deepest, oracle["depth"]))
    if jrc != 0 or jerr:
        raise Fail("aps pstree --format json: exit %d, stderr %r" % (jrc, jerr[:300]))
    listed = len(json.loads(jout)["tasks"])
    if listed != len(oracle["tasks"]):
        raise Fail("--format json lists %d tasks, the target has %d" % (listed,
                                                                        len(oracle["tasks"])))
    print("  --format json: %d bytes, every task" % len(jout))


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--case", required=True, choices=sorted(MAX_BYTES))
    args = ap.parse_args()

    def body(tmp):
        print("case %s, python %s" % (args.case, difftest.python_version(args.python)))
        bounds(args, tmp)

    return run_main("aps-bounds-", body)


if __name__ == "__main__":
    sys.exit(main())
