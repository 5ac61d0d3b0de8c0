#!/usr/bin/env python3
"""aps at scale against the structure bench/make_target.py built.

    check_scale.py --aps PATH --python PY --tasks N [--depth 3] [--fan-in 10] [--samples 200]

Starts the generator with N tasks, runs `aps ps` and `aps pstree` once each and checks: exit
codes, the ps row count, every task present exactly once with its name and awaiter, a random
sample of rows byte-exact against rows rebuilt from the structure (tools.py's column widths),
and the pstree line count. Kills only the target it started (by pid). 0 pass, 1 fail, 77 skip.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE_TARGET = os.path.join(HERE, "..", "..", "bench", "make_target.py")
WIDTHS = [10, 20, 20, 50, 50, 15, 15]


def row(cells):
    return " ".join(c.ljust(w) for c, w in zip(cells, WIDTHS))


def leaf_stack(depth):
    outer_first = [("leaf_chain" if i % 2 == 0 else "leaf_next") for i in range(depth)]
    return " -> ".join(reversed(outer_first))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--aps", required=True)
    p.add_argument("--python", required=True)
    p.add_argument("--tasks", type=int, default=100000)
    p.add_argument("--depth", type=int, default=3)
    p.add_argument("--fan-in", type=int, default=10)
    p.add_argument("--samples", type=int, default=200)
    args = p.parse_args()
    if not os.path.exists(args.python):
        print(f"skip: {args.python} not found (scripts/provision-pythons.sh)")
        return 77

    with tempfile.TemporaryDirectory() as tmp:
        structure = os.path.join(tmp, "structure.tsv")
        target = subprocess.Popen(
            [args.python, MAKE_TARGET, "--tasks", str(args.tasks), "--depth", str(args.depth),
             "--fan-in", str(args.fan_in), "--structure", structure],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            if target.stdout.readline().strip() != "READY":
                print("FAIL: the target did not become ready")
                return 1
            pid = str(target.pid)
            ps = subprocess.run([args.aps, "ps", pid], capture_output=True)
            tree = subprocess.run([args.aps, "pstree", pid], capture_output=True)
        finally:
            target.kill()
            target.wait()

        tasks = {}
        with open(structure, encoding="utf-8") as f:
            for line in f:
                task_id, name, parent, kind = line.rstrip("\n").split("\t")
                tasks[task_id] = (name, parent, kind)

    failures = []
    if ps.returncode != 0 or tree.returncode != 0:
        failures.append(f"exit codes ps {ps.returncode} pstree {tree.returncode}: "
                        f"{ps.stderr.decode()[:200]} {tree.stderr.decode()[:200]}")
    lines = ps.stdout.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    body = lines[2:]
    if len(tasks) != args.tasks:
        failures.append(f"structure lists {len(tasks)} tasks, not {args.tasks}")
    if len(body) != len(tasks):
        failures.append(f"{len(body)} ps rows for {len(tasks)} tasks")
    rows_by_id = {}
    for text in body:
        cells = text.split()
        rows_by_id.setdefault(cells[1] if len(cells) > 1 else "", []).append(text)
    missing = [t for t in tasks if len(rows_by_id.get(t, [])) != 1]
    extra = [t for t in rows_by_id if t not in tasks]
    if missing or extra:
        failures.append(f"{len(missing)} tasks not listed exactly once (e.g. {missing[:3]}), "
                        f"{len(extra)} unknown ids (e.g. {extra[:3]})")

    rng = random.Random(args.tasks)
    sample = rng.sample(sorted(tasks), min(args.samples, len(tasks)))
    for task_id in sample:
        name, parent, kind = tasks[task_id]
        if kind == "main":
            want = row([pid, task_id, name, "main", "", "", "0x0"])
        elif kind == "group":
            want = row([pid, task_id, name, "group", "", "", "0x0"])
        elif parent:
            want = row([pid, task_id, name, leaf_stack(args.depth), "group", tasks[parent][0],
                        parent])
        else:
            want = row([pid, task_id, name, leaf_stack(args.depth), "", "", "0x0"])
        got = rows_by_id.get(task_id, ["<missing>"])[0]
        if got != want:
            failures.append(f"row of {task_id}:\n  got  {got!r}\n  want {want!r}")
            if len(failures) > 10:
                break

    groups = sum(1 for v in tasks.values() if v[2] == "group")
    leaves = sum(1 for v in tasks.values() if v[2] == "leaf")
    want_lines = 2 + 2 * groups + leaves * (1 + args.depth)
    tree_lines = tree.stdout.count(b"\n")
    if tree_lines != want_lines:
        failures.append(f"pstree printed {tree_lines} lines, expected {want_lines}")

    for f in failures:
        print("FAIL:", f)
    if not failures:
        print(f"ok: {len(tasks)} tasks, {len(body)} rows, {len(sample)} sampled rows exact, "
              f"{tree_lines} pstree lines")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
