#!/usr/bin/env python3
"""Churn test: aps reads a target that never stops changing, many times in a row.

    churn.py --aps PATH --python PATH --command ps|pstree [--reads N] [--min-rate R] [--stop]

targets/churn.py runs several threads, each with its own event loop, creating and finishing
tasks as fast as they can (it prints its rate; at least --min-rate tasks/s is required),
renaming tasks and building gathers/TaskGroups that come and go, next to 3 long-lived
"anchor" tasks per thread.  aps reads it --reads times.  Every run must:
  - end by itself (per-run timeout) and not by a signal;
  - exit 0 with well-formed output, or 6 with exactly one `aps: ` line on stderr (the
    target changed too fast for --retries) that points to --stop, or, for pstree only, 1
    with the cycle report (a non-atomic snapshot can join the awaiter sets of two different
    moments; a task address reused in between can close a loop that never existed at any
    one moment);
  - with --stop (aps --stop: the target is held still while it is read): exit 0, every time;
  - ps: the header, then rows of 7 columns: tid (a thread of the target, or 0), task id,
    name, coroutine stack, awaiter chain, awaiter name, awaiter id; every name and function
    one the target can produce (no garbage from freed objects), and every anchor task once,
    under its own thread;
  - pstree: every line a tree line (glyphs), task names the target can produce, each anchor
    once;
  - leave the target running, not stopped, not traced.
Prints the success ratio (exit 0) per command.  Exit status 0 pass, 1 fail.
"""
import collections
import json
import os
import re
import sys
import tempfile
import time

from hardlib import (PS_HEADER, TREE_LINE, DrainedTarget, Fail, TARGETS, check_unharmed,
                     driver_parser, run, run_main, target_env, threads_of)

RUN_TIMEOUT = 20.0

# Everything the churn target names: tasks (set_name included) and coroutine functions.
TASK_NAME = re.compile(r"^(?:c\d+|renamed-\d+-z*|g\d+|inner|r\d+-x*|group-\d+|w\d+|waiter|"
                       r"anchor-\d+(?:-y*)?|Task-\d+)$")
ANCHOR = re.compile(r"^anchor-(\d+)(?:-y*)?$")
FUNC = r"[A-Za-z_][\w.<>]*"
STACK = r"(?:%s(?: -> %s)*)?" % (FUNC, FUNC)
PS_ROW = re.compile(r"^(?P<tid>\d+) +(?P<id>0x[0-9a-f]+) +(?P<name>\S+) +(?P<stack>%s) +"
                    r"(?P<chain>%s) +(?P<aname>\S*) +(?P<aid>0x[0-9a-f]+) *$" % (STACK, STACK))
# Functions of the target and of asyncio that may be on a task's stack.
KNOWN_FUNCS = {"leaf", "renamer", "group_body", "anchor", "churn", "asyncio_gather_wrapper",
               "sleep", "TaskGroup.__aexit__", "TaskGroup._aexit", "wait", "_wait",
               "gather", "_GatheringFuture", "Task.__step", "__step"}
FRAME = re.compile(r"^ (?P<func>\S+) (?P<file>\S+):(?P<line>\d+)$")


def check_ps(out, threads, anchors):
    text = out.decode("utf-8")
    if not text.startswith(PS_HEADER):
        raise Fail("ps output does not start with the header: %r" % text[:400])
    rows = text[len(PS_HEADER):].split("\n")
    if rows[-1] != "":
        raise Fail("ps output does not end with a newline")
    rows = rows[:-1]
    if not rows or len(rows) > 20000:
        raise Fail("ps: %d rows (expected between 1 and 20000)" % len(rows))
    seen = collections.Counter()
    rowof = {}
    for row in rows:
        m = PS_ROW.match(row)
        if not m:
            raise Fail("ps row is not 7 well-formed columns: %r" % row)
        tid = int(m["tid"])
        if tid != 0 and tid not in threads:
            raise Fail("ps row names tid %d, not a thread of the target %s: %r"
                       % (tid, sorted(threads), row))
        if not TASK_NAME.match(m["name"]):
            raise Fail("ps row has a task name the target never uses: %r" % row)
        stack, chain, aname = m["stack"], m["chain"], m["aname"]
        if not aname and m["aid"] != "0x0":
            # Empty columns leave the split ambiguous: the awaiter's name is the last word, and
            # the chain (an awaiter with no frames) and even the stack (a finished task) can be
            # empty. Task names and the target's functions are disjoint.
            def is_aname(word):
                return " " not in word and (word == "Unknown" or TASK_NAME.match(word))
            if is_aname(chain):
                chain, aname = "", chain
            elif not chain and is_aname(stack) and stack not in KNOWN_FUNCS:
                stack, aname = "", stack
        for column in (stack, chain):
            for func in filter(None, column.split(" -> ")):
                if func not in KNOWN_FUNCS:
                    raise Fail("ps row has a function the target never runs: %r in %r"
                               % (func, row))
        if m["aid"] == "0x0":
            if chain or aname:
                raise Fail("ps row has an awaiter chain but awaiter id 0x0: %r" % row)
        elif not (TASK_NAME.match(aname) or aname == "Unknown"):
            raise Fail("ps row has an awaiter name the target never uses: %r" % row)
        seen[(tid, m["id"])] += 1
        rowof[m["id"]] = m
    for tid, aid, idx in anchors:
        if seen[(tid, aid)] != 1:
            raise Fail("anchor task %s of thread %d appears %d times in ps (expected once)"
                       % (aid, tid, seen[(tid, aid)]))
        m = rowof[aid]
        if m["aid"] != "0x0":
            raise Fail("anchor task %s (never awaited) shows an awaiter: %r" % (aid, m.string))
        a = ANCHOR.match(m["name"])
        if not a or int(a.group(1)) != idx:
            raise Fail("anchor task %s (anchor-%d) shows the name %r: a name of another task"
                       % (aid, idx, m["name"]))
    return len(rows)


def check_pstree(out, n_anchors):
    text = out.decode("utf-8")
    lines = text.split("\n")
    if lines[-1] != "":
        raise Fail("pstree output does not end with a newline")
    lines = lines[:-1]
    if not lines or len(lines) > 200000:
        raise Fail("pstree: %d lines" % len(lines))
    depth_prev = -1
    anchors = collections.Counter()
    for line in lines:
        m = TREE_LINE.match(line)
        if not m:
            raise Fail("not a pstree line: %r" % line)
        depth = len(m.group(1)) // 4
        if depth > depth_prev + 1:
            raise Fail("pstree line indented too deep: %r" % line)
        depth_prev = depth
        node = m.group(3)
        if node.startswith("(T) "):
            name = node[4:]
            if not TASK_NAME.match(name):
                raise Fail("pstree task node with a name the target never uses: %r" % line)
            a = ANCHOR.match(name)
            if a:
                anchors[a.group(1)] += 1
        else:
            f = FRAME.match(node)
            if not f or f["func"] not in KNOWN_FUNCS:
                raise Fail("pstree frame node the target cannot produce: %r" % line)
            if not f["file"].endswith(".py"):
                raise Fail("pstree frame node with a strange file: %r" % line)
    if len(anchors) != n_anchors or any(c != 1 for c in anchors.values()):
        raise Fail("pstree shows anchors %s, expected %d distinct, each once"
                   % (dict(anchors), n_anchors))
    return len(lines)


def one_line_error(err, needle):
    text = err.decode("utf-8", "replace")
    if not text.startswith("aps: ") or not text.endswith("\n") or text.count("\n") != 1:
        raise Fail("stderr is not one line starting with 'aps: ': %r" % text)
    if needle not in text:
        raise Fail("stderr does not say %r: %r" % (needle, text))
    return text


def churn(args, tmp):
    stop = ["--stop"] if args.stop else []
    env = target_env(tmp, APS_CHURN_THREADS=str(args.threads))
    codes = collections.Counter()
    errors = collections.Counter()
    bad = collections.Counter()
    sizes = []
    t0 = time.monotonic()
    target = None
    try:
        target = DrainedTarget([args.python, os.path.join(TARGETS, "churn.py")], env=env)
        with open(os.path.join(tmp, "oracle.json")) as f:
            oracle = json.load(f)
        anchors = [tuple(a) for a in oracle["anchors"]]
        threads = threads_of(target.pid)
        if len(threads) != args.threads + 1:
            raise Fail("target has threads %s, expected %d" % (sorted(threads), args.threads + 1))
        time.sleep(1.2)                      # at least one rate report before the reads
        for i in range(args.reads):
            rc, out, err = run([args.aps, args.command, str(target.pid)] + stop,
                               timeout=RUN_TIMEOUT)
            check_unharmed(target, "aps run %d" % i)
            try:
                if rc < 0:
                    raise Fail("aps was killed by signal %d" % -rc)
                codes[rc] += 1
                if args.stop and rc != 0:
                    raise Fail("aps --stop exit %d (a stopped target must read cleanly); "
                               "stderr %r" % (rc, err))
                if rc == 0:
                    if err:
                        raise Fail("exit 0 with stderr %r" % err)
                    sizes.append(check_ps(out, threads, anchors) if args.command == "ps"
                                 else check_pstree(out, len(anchors)))
                elif rc == 6:
                    if out:
                        raise Fail("exit 6 with stdout %r" % out[:300])
                    text = one_line_error(err, "kept changing")
                    if "try --stop" not in text:
                        raise Fail("the give-up message does not point to --stop: %r" % text)
                    errors[re.sub(r"0x[0-9a-f]+|\d+", "N", text.split("last error: ", 1)[-1])
                           .strip()] += 1
                elif rc == 1 and args.command == "pstree":
                    if out or not err.startswith(b"ERROR: await-graph contains cycles"):
                        raise Fail("exit 1 without the cycle report: %r %r" % (out[:300], err))
                else:
                    raise Fail("unexpected exit %d; stderr %r" % (rc, err))
            except Fail as e:
                if args.keep_going:
                    kind = re.sub(r"0x[0-9a-f]+|\d+|'.*'|\".*\"", "_", str(e))[:120]
                    if kind not in bad:
                        print("bad run %d: %s" % (i, e))
                    bad[kind] += 1
                    continue
                path = os.path.join(tempfile.gettempdir(), "aps-churn-failure-%d.txt" % os.getpid())
                with open(path, "wb") as f:
                    f.write(b"exit %d\n--- stdout\n%s\n--- stderr\n%s" % (rc, out, err))
                raise Fail("run %d: %s (full output in %s)" % (i, e, path))
        rates = [int(l.split()[1]) for l in target.lines if l.startswith("RATE ")]
        check_unharmed(target, "the last aps run")
    finally:
        if target is not None:
            target.stop()

    elapsed = time.monotonic() - t0
    rates.sort()
    median = rates[len(rates) // 2] if rates else 0
    print("target: %d loop threads, churn rate median %d tasks/s (min %d, max %d, %d reports)"
          % (args.threads, median, rates[0] if rates else 0, rates[-1] if rates else 0,
             len(rates)))
    ok = codes[0]
    print("aps %s%s: %d reads in %.1f s: exit 0 %d (%.1f%%), exit 6 %d, exit 1 (cycle) %d; "
          "output size median %d %s"
          % (args.command, " --stop" if args.stop else "", args.reads, elapsed, ok,
             100.0 * ok / max(1, args.reads), codes[6],
             codes[1], sorted(sizes)[len(sizes) // 2] if sizes else 0,
             "rows" if args.command == "ps" else "lines"))
    for text, n in errors.most_common(5):
        print("  exit 6 x%d, last error: %s" % (n, text))
    for kind, n in bad.most_common():
        print("  bad runs x%d: %s" % (n, kind))
    if bad:
        raise Fail("%d bad runs" % sum(bad.values()))
    if median < args.min_rate:
        raise Fail("the target churned %d tasks/s, below --min-rate %d" % (median, args.min_rate))
    if ok == 0:
        raise Fail("not one consistent snapshot in %d reads" % args.reads)


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--command", required=True, choices=["ps", "pstree"])
    ap.add_argument("--reads", type=int, default=200)
    ap.add_argument("--min-rate", type=int, default=20000,
                    help="tasks/s the target must reach (median of its per-second reports)")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--stop", action="store_true",
                    help="run aps --stop: every read must succeed (exit 0)")
    ap.add_argument("--keep-going", action="store_true",
                    help="count bad runs (and show the first of each kind) instead of stopping")
    args = ap.parse_args()
    return run_main("aps-churn-", lambda tmp: churn(args, tmp))


if __name__ == "__main__":
    sys.exit(main())
