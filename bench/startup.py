#!/usr/bin/env python3
"""Start-up: `aps ps PID` against `python3.X -m asyncio ps PID` on a 1-task target, side by side.

    python3.14 bench/startup.py --aps BUILD/aps [--python PY] [--rounds R] [--per-round K]
                                [--floor EXE]

Starts bench/make_target.py with one task (its main task), checks that aps and the reference print
the same bytes, then runs R rounds (default 21): in each, the reference once and aps K times
(default 5), interleaved, so that both see the same machine. Each run is one posix_spawn and
wait4 from this script, stdout to /dev/null; its wall time and CPU time (user + system, from the
child's rusage) are kept. Prints the medians, the minimum and the ratio reference/aps of the
medians. The floor is an empty C program (`int main(void) { return 0; }`) linked statically,
run the same way: what any program costs here (spawn, exec, exit); --floor names one, else it is
built with cc into a temporary folder when cc is there. docs/startup.md has the figures.
Only the target this script started is killed, by pid. Exit 1 when the outputs differ.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import compare  # bench/compare.py: running_target


def spawn_once(argv):
    """(wall ms, CPU ms) of one run of argv, stdout and stderr to /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
        t0 = time.perf_counter_ns()
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        wall = (time.perf_counter_ns() - t0) / 1e6
    finally:
        os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{argv} exited with status {os.waitstatus_to_exitcode(status)}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1e3


def empty_program(tmp):
    """A statically linked empty C program, built with cc, or None without cc."""
    cc = shutil.which("cc")
    if cc is None:
        return None
    source = os.path.join(tmp, "empty.c")
    exe = os.path.join(tmp, "empty")
    with open(source, "w") as f:
        f.write("int main(void) { return 0; }\n")
    subprocess.run([cc, "-O2", "-static", "-o", exe, source], check=True)
    return exe


def summary(label, runs):
    walls = [w for w, _ in runs]
    cpus = [c for _, c in runs]
    print(f"{label:<28} {statistics.median(walls):9.2f} {min(walls):9.2f} "
          f"{statistics.median(cpus):9.2f} {len(runs):6d}")
    return statistics.median(walls), statistics.median(cpus)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--aps", required=True, help="the aps binary (the static one: build-static/aps)")
    p.add_argument("--python", default=os.path.expanduser("~/.cache/aps/pythons/bin/python3.14"))
    p.add_argument("--rounds", type=int, default=21)
    p.add_argument("--per-round", type=int, default=5)
    p.add_argument("--floor", help="an empty statically linked program (default: built with cc)")
    args = p.parse_args()
    aps = os.path.abspath(args.aps)
    shape = argparse.Namespace(depth=1, fan_in=0, name_len=4)

    with tempfile.TemporaryDirectory() as tmp, compare.running_target(args.python, 1, shape) as (
            pid, _):
        floor = args.floor or empty_program(tmp)
        aps_argv = [aps, "ps", pid]
        ref_argv = [args.python, "-m", "asyncio", "ps", pid]
        ours = subprocess.run(aps_argv, capture_output=True, check=True).stdout
        theirs = subprocess.run(ref_argv, capture_output=True, check=True).stdout
        if ours != theirs:
            print("startup: aps and the reference print different bytes", file=sys.stderr)
            return 1
        aps_runs, ref_runs, floor_runs = [], [], []
        for _ in range(args.rounds):
            ref_runs.append(spawn_once(ref_argv))
            for _ in range(args.per_round):
                aps_runs.append(spawn_once(aps_argv))
                if floor:
                    floor_runs.append(spawn_once([floor]))

    print(f"1-task target, {args.rounds} rounds; times in ms")
    print(f"{'':<28} {'wall med':>9} {'wall min':>9} {'CPU med':>9} {'runs':>6}")
    ref_wall, ref_cpu = summary("python -m asyncio ps", ref_runs)
    aps_wall, aps_cpu = summary("aps ps", aps_runs)
    if floor_runs:
        summary("empty static C program", floor_runs)
    print(f"ratio reference/aps: {ref_wall / aps_wall:.1f}x wall, {ref_cpu / aps_cpu:.1f}x CPU "
          f"(medians)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
