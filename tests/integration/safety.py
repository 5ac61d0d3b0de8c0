#!/usr/bin/env python3
"""Target safety and output safety of aps on live targets.

    safety.py --aps PATH --python PATH --case unharmed|strace|hostile_names

unharmed       targets/checksum.py answers "sum" with a SHA-256 of a 32 MiB bytes object and of
               the raw bytes of its task and coroutine objects; after every aps run (ps, pstree,
               --retries 0/10, and --stop, which stops it for the read) the target still runs
               (state not T/t/Z), has TracerPid 0 (resumed, let go), and its checksum is
               unchanged.
strace         aps ps and aps pstree (without --stop) under `strace -f -e trace=openat,open,
               ptrace,process_vm_writev,pwrite64,write`: no /proc/PID path opened O_WRONLY/O_RDWR,
               no ptrace, no process_vm_writev, no pwrite64, no write() to a file of the target;
               the target is unharmed and its checksum unchanged.
hostile_names  targets/hostile_names.py (ESC, newline, NUL, bidi, lone surrogate, C1, 1 MB task
               name, 1 MB qualname, 1 MB file name): stdout is valid UTF-8, one row per line,
               no raw control or bidi character, the 1 MB task name cut to 255 code points, and
               `grep -c -F` on each escaped name finds its row exactly once.
Exit 0 pass, 1 fail, 77 skip.
"""
import json
import os
import re
import shutil
import subprocess
import sys

from hardlib import (PS_HEADER, TARGETS, TREE_LINE, Fail, LineTarget, check_unharmed, difftest,
                     driver_parser, escape, run, run_main, skip, target_env)


def start_checksum(args, tmp):
    target = LineTarget([args.python, os.path.join(TARGETS, "checksum.py")], env=target_env(tmp))
    return target, target.request("sum")


def case_unharmed(args, tmp):
    target, before = start_checksum(args, tmp)
    try:
        print("target %d: %s" % (target.pid, before))
        runs = [["ps"], ["pstree"], ["ps", "--retries", "0"], ["pstree", "--retries", "10"],
                ["ps", "--stop"], ["pstree", "--stop", "--retries", "0"]]
        for argv in runs * 3:
            rc, out, err = run([args.aps] + argv[:1] + [str(target.pid)] + argv[1:])
            if rc != 0 or err:
                raise Fail("aps %s: exit %d %r" % (" ".join(argv), rc, err))
            check_unharmed(target, "aps " + " ".join(argv))
            now = target.request("sum")
            if now != before:
                raise Fail("the target's memory changed after aps %s: %s, before %s"
                           % (" ".join(argv), now, before))
        print("%d aps runs (%d with --stop): target running, not stopped, TracerPid 0, "
              "checksum unchanged" % (len(runs) * 3, 2 * 3))
    finally:
        target.stop()


OPEN = re.compile(r'^(?:\[pid +\d+\] )?(\d+ +)?(openat|open)\((?:AT_FDCWD, )?"([^"]*)", ([A-Z_|]+)')


def case_strace(args, tmp):
    strace = shutil.which("strace")
    if not strace:
        skip("strace is not installed (scripts/install-deps.sh installs it)")
    target, before = start_checksum(args, tmp)
    log = os.path.join(tmp, "strace.log")
    try:
        # Both views in one trace. LeakSanitizer (in the sanitizer build) cannot run under
        # ptrace, so it is switched off for this run only.
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = "detect_leaks=0"
        pid = str(target.pid)
        res = run([strace, "-f", "-qq", "-o", log, "-e",
                   "trace=openat,open,ptrace,process_vm_writev,pwrite64,write",
                   "/bin/sh", "-c", '"$0" ps "$1" && "$0" pstree "$1"', args.aps, pid], env=env)
        if res[0] != 0:
            raise Fail("aps under strace: exit %d %r" % (res[0], res[2]))
        check_unharmed(target, "aps under strace")
        after = target.request("sum")
        if after != before:
            raise Fail("the target's memory changed: %s, before %s" % (after, before))
        with open(log, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    finally:
        target.stop()
    if any("ptrace: Operation not permitted" in l for l in lines[:3]):
        skip("strace cannot trace here")
    proc_prefix = "/proc/%d/" % target.pid
    opened = []
    target_fds = set()  # fds of the target's /proc files; any other write (the sanitizers' own
                        # probe pipe, stdout, stderr) cannot touch the target
    for line in lines:
        body = re.sub(r"^(?:\[pid +\d+\] |\d+ +)", "", line)
        if re.match(r"(ptrace|process_vm_writev|pwrite64)\(", body):
            raise Fail("aps called %s" % line)
        m = OPEN.match(line)
        if m:
            path, flags = m.group(3), m.group(4)
            if path.startswith(proc_prefix):
                opened.append("%s %s" % (path, flags))
                if "O_WRONLY" in flags or "O_RDWR" in flags:
                    raise Fail("aps opened a /proc path of the target for writing: %s" % line)
                fd = re.search(r"\) = (\d+)$", line)
                if fd:
                    target_fds.add(fd.group(1))
        w = re.match(r"write\((\d+),", body)
        if w and w.group(1) in target_fds:
            raise Fail("aps wrote to a file of the target: %s" % line)
    if not any("maps" in o for o in opened):
        raise Fail("strace saw no open of %smaps: the trace is not working\n%s"
                   % (proc_prefix, "\n".join(lines[:20])))
    print("strace: %d syscalls traced; %s opened read-only: %s"
          % (len(lines), proc_prefix, sorted(set(o.split()[0] for o in opened))))
    print("no ptrace, no process_vm_writev, no pwrite64, no write to a file of the target; "
          "target unharmed, checksum unchanged")


def case_hostile_names(args, tmp):
    env = target_env(tmp)
    target = difftest.Target([args.python, os.path.join(TARGETS, "hostile_names.py")], env=env)
    try:
        with open(os.path.join(tmp, "oracle.json"), encoding="utf-8") as f:
            oracle = json.load(f)
        ps = run([args.aps, "ps", str(target.pid)])
        check_unharmed(target)
        tree = run([args.aps, "pstree", str(target.pid)])
        check_unharmed(target)
    finally:
        target.stop()
    n_tasks = len(oracle["tasks"])
    for what, (rc, out, err) in (("ps", ps), ("pstree", tree)):
        if rc != 0 or err:
            raise Fail("aps %s: exit %d %r" % (what, rc, err))
        text = difftest.decode(out, "aps " + what)          # valid UTF-8 or Fail
        difftest.check_no_raw_controls(text)                 # no raw control/bidi characters
        if re.search(r"[\ud800-\udfff]", text):
            raise Fail("aps %s wrote a raw surrogate" % what)
    text = ps[1].decode()
    if not text.startswith(PS_HEADER):
        raise Fail("ps header missing")
    rows = text[len(PS_HEADER):].split("\n")[:-1]
    if len(rows) != n_tasks or not all(re.match(r"^\d+ +0x[0-9a-f]+ ", r) for r in rows):
        raise Fail("ps: %d lines for %d tasks (one row per line expected): %r"
                   % (len(rows), n_tasks, [r[:80] for r in rows]))
    tlines = tree[1].decode().split("\n")[:-1]
    bad = [l[:80] for l in tlines if not TREE_LINE.match(l)]
    if bad:
        raise Fail("pstree lines that are not tree lines: %r" % bad)
    # grep finds each hostile name's row, once, in both outputs.
    shown = [escape(n[:255]) for n in oracle["names"]]
    shown += [escape(oracle["qualname"]), escape(oracle["filename"])]
    for name in shown:
        in_ps = 0 if name == shown[-1] else 1            # ps has no file column
        for what, out, want in (("ps", ps[1], in_ps), ("pstree", tree[1], 1)):
            # grep gets the first 300 characters (a 1 MB pattern is too long for argv and
            # slow in grep); the whole escaped name must be on that same single line.
            g = subprocess.run(["grep", "-c", "-F", "-e", name[:300]], input=out,
                               capture_output=True, timeout=60)
            count = int(g.stdout or b"0")
            whole = sum(1 for l in out.decode().split("\n") if name in l)
            if whole != count:
                raise Fail("the whole escaped name %r... is on %d lines, its start on %d"
                           % (name[:40], whole, count))
            if count != want:
                raise Fail("grep -c -F %r on aps %s: %d (expected %d)"
                           % (name[:60], what, count, want))
    big = escape("N" * 255)
    if ("N" * 256) in text or big not in text:
        raise Fail("the 1,000,000-character task name is not cut to 255 code points")
    print("ps: %d rows, %d bytes; pstree: %d lines, %d bytes; valid UTF-8, no raw control or "
          "bidi character; grep -c -F finds each of %d escaped names on exactly one line (file name: pstree only)"
          % (len(rows), len(ps[1]), len(tlines), len(tree[1]), len(shown)))
    print("e.g. row: %r" % [r for r in rows if "esc" in r][0][:100])


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--case", required=True, choices=["unharmed", "strace", "hostile_names"])
    args = ap.parse_args()
    body = {"unharmed": case_unharmed, "strace": case_strace,
            "hostile_names": case_hostile_names}[args.case]
    return run_main("aps-safety-", lambda tmp: body(args, tmp))

if __name__ == "__main__":
    sys.exit(main())
