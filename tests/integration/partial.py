#!/usr/bin/env python3
"""Tasks aps cannot read frames of, and tasks that are broken for good, on live targets.

    partial.py --aps PATH --python PATH --case kinds_json|broken_stack|broken_awaiters

kinds_json: on targets/coroutine_kinds.py (async-generator steps, coroutine-protocol objects, an
aiohttp-like request wrapper), `--format json` names every task's coroutine type, so a script
can tell why a stack is empty.  (ps and pstree of that target are difftest.py's case
coroutine_kinds: the reference's bytes.)
deep_chain: targets/very_deep_chain.py has a task 70,000 coroutines deep: aps cuts its stack at
65,536 frames with the marker `<frames cut>`, prints the other tasks, says so in one stderr line
and exits 9 (at the first attempt: a cut is not a change to wait out).
broken_stack, broken_awaiters: targets/broken_task.py breaks one of its own tasks for good (its
coroutine, or its awaited-by set, holds garbage).  Every time (5 runs of each view), aps prints
every other task as the target describes them, that task with the marker `<unreadable>`, one
stderr line naming it, and exits 9.  Exit 0 pass, 1 fail, 77 skip.
"""
import json
import os
import sys

from hardlib import Fail, TARGETS, driver_parser, run, run_main
import difftest

RUNS = 5
KINDS_TYPES = [  # task-name prefix -> the type of its coroutine
    ("anext-", "async_generator_asend"), ("asend-", "async_generator_asend"),
    ("athrow-", "async_generator_athrow"), ("aclose-", "async_generator_athrow"),
    ("protocol-", "Protocol"), ("slots-", "SlotsProtocol"),
    ("request-", "_RequestContextManager"), ("", "coroutine"),
]


def start(args, tmp, script, *argv):
    oracle = os.path.join(tmp, "oracle.json")
    env = dict(os.environ, APS_TEST_ORACLE=oracle, PYTHONPATH=TARGETS)
    target = difftest.Target([args.python, os.path.join(TARGETS, script)] + list(argv), env=env)
    with open(oracle, encoding="utf-8") as f:
        return target, json.load(f)


def case_kinds_json(args, tmp):
    target, _ = start(args, tmp, "coroutine_kinds.py")
    try:
        rc, out, err = run([args.aps, "ps", "--format", "json", str(target.pid)])
    finally:
        target.stop()
    if rc != 0 or err:
        raise Fail("aps exit %d, stderr %r" % (rc, err))
    tasks = json.loads(out)["tasks"]
    for task in tasks:
        want = next(t for prefix, t in KINDS_TYPES if task["name"].startswith(prefix))
        if task["coroutine_type"] != want:
            raise Fail("%s: coroutine_type %r, expected %r" % (task["name"],
                                                              task["coroutine_type"], want))
        if want not in ("coroutine",) and not want.startswith("async_generator"):
            if task["frames"]:
                raise Fail("%s: a %s has frames %r" % (task["name"], want, task["frames"]))
    print("%d tasks, every coroutine type named" % len(tasks))


def check_table(out, oracle, victim, part):
    rows = out.decode().splitlines()[2:]
    seen = set()
    for row in rows:
        cells = row.split()
        tid, task_id = cells[0], cells[1]
        seen.add(task_id)
        if task_id == victim:
            if "<unreadable>" not in row:
                raise Fail("the broken task's row has no marker: %r" % row)
            continue
        want = next(t for t in oracle["tasks"] if t["id"] == task_id)
        stack = " -> ".join(f[0] for f in want["stack"])
        if stack not in row or want["name"] not in row:
            raise Fail("row %r does not show %s's stack %r" % (row, want["name"], stack))
    missing = {t["id"] for t in oracle["tasks"]} - seen
    if missing:
        raise Fail("tasks missing from the table: %s" % sorted(missing))


def case_deep_chain(args, tmp):
    target, oracle = start(args, tmp, "very_deep_chain.py")
    try:
        for view in (["ps"], ["pstree"], ["ps", "--format", "json"]):
            rc, out, err = run([args.aps, view[0], "-v"] + view[1:] + [str(target.pid)])
            lines = err.decode("utf-8", "replace").splitlines()
            want = "aps: task %s (deep): its coroutine stack is cut:" % oracle["deep"]
            if rc != 9 or len(lines) != 2 or not lines[1].startswith(want) or \
                    "in 1 attempt" not in lines[0]:
                raise Fail("%s: exit %d, stderr %r" % (view, rc, lines))
            if b"<frames cut>" not in out or b"shallow" not in out:
                raise Fail("%s: no marker, or the shallow task is missing" % view)
            if view == ["ps"]:
                row = next(r for r in out.decode().splitlines() if " deep " in r)
                if row.count(" -> level") != 65536:
                    raise Fail("the deep task's stack has %d frames" % row.count(" -> level"))
        print("70,000 deep: cut at 65,536 frames, exit 9, the other tasks printed")
    finally:
        target.stop()


def case_broken(args, tmp, part):
    target, oracle = start(args, tmp, "broken_task.py", part)
    victim = oracle["broken"]
    phrase = {"stack": "its coroutine stack could not be read",
              "awaiters": "its awaiters could not be read"}[part]
    try:
        for i in range(RUNS):
            for view in (["ps"], ["pstree"], ["ps", "--format", "json"]):
                rc, out, err = run([args.aps] + view + [str(target.pid)])
                text = err.decode("utf-8", "replace")
                if rc != 9:
                    raise Fail("%s: exit %d, expected 9; stderr %r" % (view, rc, text))
                if text.count("\n") != 1 or not text.startswith("aps: task %s " % victim) \
                        or phrase not in text:
                    raise Fail("%s: stderr is not one line naming %s (%s): %r"
                               % (view, victim, phrase, text))
                if view == ["ps"]:
                    check_table(out, oracle, victim, part)
                elif view == ["pstree"]:
                    if b"<unreadable>" not in out:
                        raise Fail("pstree shows no marker")
                    for t in oracle["tasks"]:
                        if ("(T) " + t["name"]).encode() not in out:
                            raise Fail("pstree misses %s" % t["name"])
                else:
                    doc = json.loads(out)
                    problems = doc["problems"]
                    want = "frames" if part == "stack" else "awaited_by"
                    if [(p["task"], p["part"]) for p in problems] != [(victim, want)]:
                        raise Fail("json problems %r" % problems)
                    broken = [t for t in doc["tasks"] if t["id"] == victim]
                    if len(doc["tasks"]) != len(oracle["tasks"]) or \
                            broken[0].get("incomplete") != [want]:
                        raise Fail("json tasks %r" % doc["tasks"])
            target.check_unharmed("aps")
        print("%d runs of ps, pstree and json: every other task, the marker, exit 9" % RUNS)
    finally:
        target.stop()


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--case", required=True,
                    choices=["kinds_json", "deep_chain", "broken_stack", "broken_awaiters"])
    args = ap.parse_args()

    def body(tmp):
        if args.case == "kinds_json":
            case_kinds_json(args, tmp)
        elif args.case == "deep_chain":
            case_deep_chain(args, tmp)
        else:
            case_broken(args, tmp, args.case.split("_", 1)[1])

    return run_main("aps-partial-", body)


if __name__ == "__main__":
    sys.exit(main())
