#!/usr/bin/env python3
"""aps against the reference (`python3.X -m asyncio ps|pstree PID`) on the same live targets.

    bench/compare.py --aps BUILD/aps [--python PY] [--tasks 1,10000,100000,1000000]
                     [--runs 5] [--depth 3] [--fan-in 10] [--name-len 12] [--no-strace]
                     [--check-structure]

For each N: starts bench/make_target.py with N tasks, waits for READY, then runs `aps ps`,
`aps pstree`, `aps ps --format json` and (only where N <= 65,536, the reference's limit for one
task list) the reference's ps and pstree (it has no JSON), --runs times each, interleaved. Prints one markdown table: median
wall time of the whole process, ratio reference/aps, ns per task, peak RSS (GNU time), and,
unless --no-strace, the syscall counts of one run of each (`strace -c -f`).
--check-structure also checks aps's ps rows against the structure the generator wrote (as
tests/scale does). Only the targets this script started are killed, by pid. Exit 1 on failure.
"""
import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE_LIMIT = 65536


def start_target(python, n, args, structure):
    cmd = [python, os.path.join(HERE, "make_target.py"), "--tasks", str(n), "--depth",
           str(args.depth), "--fan-in", str(args.fan_in), "--name-len", str(args.name_len),
           "--structure", structure]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + max(60.0, n / 5000.0)
    line = proc.stdout.readline()  # blocks until READY (or EOF if the target died)
    if line.strip() != "READY" or time.monotonic() > deadline:
        proc.kill()
        proc.wait()
        raise RuntimeError(f"target with {n} tasks did not become ready")
    return proc


@contextlib.contextmanager
def running_target(python, n, shape):
    """make_target.py with n tasks (shape: .depth, .fan_in, .name_len), ready to be read.

    Yields (pid as a string, the path of the structure it wrote: a real file in a temporary
    directory, as make_target.py writes it next to its final name and renames it into place);
    the target is killed, by pid, on leaving the block however it is left."""
    with tempfile.TemporaryDirectory() as tmp:
        structure = os.path.join(tmp, "structure.tsv")
        target = start_target(python, n, shape, structure)
        try:
            yield str(target.pid), structure
        finally:
            target.kill()
            target.wait()


def python_version(python):
    """'3.14' for the interpreter `python`."""
    return subprocess.run([python, "-c", "import sys;print('%d.%d'%sys.version_info[:2])"],
                          capture_output=True, text=True, check=True).stdout.strip()


def run_once(cmd):
    """(wall seconds, peak RSS KiB, exit code, stdout bytes) of one run of cmd.

    Peak RSS comes from GNU time when installed: a child forked from this (large) script would
    inherit the script's own RSS high-water mark in its rusage."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as rss:
        timed = ["/usr/bin/time", "-f", "%M", "-o", rss.name] if os.path.exists("/usr/bin/time") else []
        t0 = time.perf_counter()
        proc = subprocess.Popen(timed + cmd, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        peak = usage.ru_maxrss
        if timed:
            text = open(rss.name).read().split()
            peak = int(text[-1]) if text and text[-1].isdigit() else peak
        out.seek(0)
        return wall, peak, code, out.read()


def syscalls(cmd):
    """(total syscalls, process_vm_readv calls) of one run under strace -c -f."""
    if not shutil.which("strace"):
        return None
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as log:
        subprocess.run(["strace", "-c", "-f", "-o", log.name] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        text = open(log.name).read()
    counts = {}
    for line in text.splitlines():
        fields = line.split()
        # % time, seconds, usecs/call, calls, [errors], syscall
        if len(fields) >= 5 and fields[3].isdigit() and re.match(r"[\d.]+$", fields[0]):
            counts[fields[-1]] = int(fields[3])
    return counts.get("total", 0), counts.get("process_vm_readv", 0)


def check_structure(ps_out, structure):
    """aps's ps rows against the generator's structure: every task once, right awaiter."""
    expected = {}
    with open(structure, encoding="utf-8") as f:
        for line in f:
            tid_hex, name, parent, kind = line.rstrip("\n").split("\t")
            expected[tid_hex] = (name, parent, kind)
    seen = {}
    lines = ps_out.decode("utf-8").splitlines()[2:]
    for row in lines:
        cells = row.split()
        task_id, name, awaiter_id = cells[1], cells[2], cells[-1]
        seen.setdefault(task_id, []).append((name, awaiter_id))
    problems = []
    if set(seen) != set(expected):
        problems.append(f"task ids differ: {len(set(expected) - set(seen))} missing, "
                        f"{len(set(seen) - set(expected))} unexpected")
    for task_id, rows in seen.items():
        if task_id not in expected:
            continue
        name, parent, _ = expected[task_id]
        want = [(name, parent or "0x0")]
        if rows != want:
            problems.append(f"{task_id}: rows {rows[:2]} != {want}")
            if len(problems) > 5:
                break
    return problems


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--aps", required=True)
    p.add_argument("--python", default=os.path.expanduser("~/.cache/aps/pythons/bin/python3.14"))
    p.add_argument("--tasks", default="1,10000,100000,1000000")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--depth", type=int, default=3)
    p.add_argument("--fan-in", type=int, default=10)
    p.add_argument("--name-len", type=int, default=12)
    p.add_argument("--no-strace", action="store_true")
    p.add_argument("--check-structure", action="store_true")
    args = p.parse_args()

    version = python_version(args.python)
    print(f"target: python {version}, depth {args.depth}, fan-in {args.fan_in}, "
          f"name length {args.name_len}; {args.runs} runs each, medians; "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print()
    print("| tasks | command | aps (s) | reference (s) | ratio | aps ns/task | aps peak RSS (MB) "
          "| ref peak RSS (MB) | aps syscalls (vm_readv) | ref syscalls (vm_readv) |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---|---|")
    failed = False
    for n in [int(x) for x in args.tasks.split(",")]:
        with running_target(args.python, n, args) as (pid, structure):
            for command in ("ps", "pstree", "json"):
                aps_cmd = ([args.aps, "ps", "--format", "json", pid] if command == "json"
                           else [args.aps, command, pid])
                ref_cmd = [args.python, "-m", "asyncio", command, pid]
                with_ref = n <= REFERENCE_LIMIT and command != "json"
                aps_t, ref_t, aps_rss, ref_rss = [], [], 0, 0
                aps_out = ref_out = None
                for _ in range(args.runs):
                    wall, rss, code, out = run_once(aps_cmd)
                    aps_t.append(wall)
                    aps_rss = max(aps_rss, rss)
                    if code != 0:
                        print(f"aps {command} exited {code}", file=sys.stderr)
                        failed = True
                    aps_out = out
                    if with_ref:
                        wall, rss, code, out = run_once(ref_cmd)
                        ref_t.append(wall)
                        ref_rss = max(ref_rss, rss)
                        ref_out = out
                if with_ref and aps_out != ref_out:
                    print(f"note: {n} tasks {command}: aps and reference outputs differ",
                          file=sys.stderr)
                if args.check_structure and command == "ps":
                    problems = check_structure(aps_out, structure)
                    for line in problems:
                        print(f"structure: {line}", file=sys.stderr)
                    failed |= bool(problems)
                sc_aps = sc_ref = None
                if not args.no_strace:
                    sc_aps = syscalls(aps_cmd)
                    sc_ref = syscalls(ref_cmd) if with_ref else None
                a, r = median(aps_t), median(ref_t)
                fmt_sc = lambda s: f"{s[0]} ({s[1]})" if s else "–"
                print(f"| {n:,} | {command} | {a:.3f} | "
                      f"{f'{r:.3f}' if with_ref else ('–' if command == 'json' else 'fails (> 65,536)')} | "
                      f"{f'{r / a:.1f}x' if with_ref else '–'} | {a * 1e9 / n:,.0f} | "
                      f"{aps_rss / 1024:.0f} | {f'{ref_rss / 1024:.0f}' if with_ref else '–'} | "
                      f"{fmt_sc(sc_aps)} | {fmt_sc(sc_ref)} |", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
