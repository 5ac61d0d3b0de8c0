#!/usr/bin/env python3
"""How long `aps --stop` holds the target stopped, at several task counts.

    bench/stop_pause.py --aps BUILD/aps [--python PY] [--tasks 1000,100000,1000000] [--runs 5]

For each N: starts bench/make_target.py with N tasks (as bench/compare.py does), then runs
`aps ps --stop -v PID` and `aps pstree --stop -v PID` --runs times each, interleaved with
`aps ps PID`. The pause is what aps reports with -v: from its first PTRACE_INTERRUPT to its
last PTRACE_DETACH (the target's threads are stopped for at most that long; the rendering
happens after the target runs again). Prints one markdown table: median and largest pause,
median wall time of aps with and without --stop. Checks that --stop prints the same rows as
a plain read of the quiet target. Only the targets this script started are killed, by pid.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from compare import python_version, running_target  # noqa: E402

PAUSE = re.compile(r"stopped it once \((\d+) threads?\) for ([\d.]+) ms")


def timed(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True)
    return time.perf_counter() - t0, p


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--aps", required=True)
    p.add_argument("--python", default=os.path.expanduser("~/.cache/aps/pythons/bin/python3.14"))
    p.add_argument("--tasks", default="1000,100000,1000000")
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    shape = types.SimpleNamespace(depth=3, fan_in=10, name_len=12)

    version = python_version(args.python)
    print(f"target: python {version}, bench/make_target.py depth 3, fan-in 10, name length 12; "
          f"{args.runs} runs each; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print()
    print("| tasks | command | pause median (ms) | pause max (ms) | threads | aps --stop wall (s) "
          "| aps wall, no --stop (s) |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    failed = False
    for n in [int(x) for x in args.tasks.split(",")]:
        with running_target(args.python, n, shape) as (pid, _):
            for command in ("ps", "pstree"):
                pauses, walls, plain_walls, threads = [], [], [], set()
                for _ in range(args.runs):
                    wall, res = timed([args.aps, command, "--stop", "-v", pid])
                    m = PAUSE.search(res.stderr.decode())
                    if res.returncode != 0 or not m:
                        print(f"aps {command} --stop -v: exit {res.returncode} "
                              f"{res.stderr!r}", file=sys.stderr)
                        failed = True
                        continue
                    threads.add(int(m.group(1)))
                    pauses.append(float(m.group(2)))
                    walls.append(wall)
                    plain_wall, plain = timed([args.aps, command, pid])
                    plain_walls.append(plain_wall)
                    if plain.stdout != res.stdout:
                        print(f"{n} tasks {command}: --stop output differs from a plain read",
                              file=sys.stderr)
                        failed = True
                if not pauses:
                    continue
                print(f"| {n:,} | {command} | {statistics.median(pauses):,.1f} | "
                      f"{max(pauses):,.1f} | {','.join(map(str, sorted(threads)))} | "
                      f"{statistics.median(walls):.3f} | {statistics.median(plain_walls):.3f} |",
                      flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
