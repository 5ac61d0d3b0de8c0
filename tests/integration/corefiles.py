#!/usr/bin/env python3
"""Core-file tests: `aps ps|pstree|dump --core FILE` against the live output of the same process.

    corefiles.py --aps PATH --python PATH --case gcore|kernel|mismatch|sysroot|fifo|dump
                 [--target NAME]

  gcore     start targets/NAME.py, take `aps ps` and `aps pstree` live, write a core with gdb's
            gcore (the target keeps running), and require `aps --core` to print the same bytes
            (stdout, stderr, exit code) for both commands.
  kernel    the same with a core written by the kernel: RLIMIT_CORE raised in the target, which
            is then killed with SIGABRT in a fresh folder.  kernel.core_pattern must leave the
            core in that folder; if it pipes cores to a program or writes them elsewhere, the
            test sets it to "core" for the moment of the crash and restores it (serialised by a
            lock file), and skips (77) with the reason when the machine does not allow that.
  mismatch  a gcore core read with --exe naming a python of the other version and a different
            program: exit 8 and one line that names the file and what differs; a truncated core
            (cut in its memory, at 100 bytes, or a sparse copy of its ELF header) gives exit 7
            saying so; a core of a process that is not Python gives exit 5.
  sysroot   the mapped files copied under a folder (--sysroot) and the executable elsewhere
            (--exe): same output as live.
  fifo      FIFOs where aps expects files: as the core, as --exe, as the --sysroot copy of the
            executable, and named by the core itself (its NT_FILE note patched to name one):
            exit 7 (the core) or 8 at once with one line, and the FIFO never opened (a writer
            waiting on it stays waiting).
  dump      start targets/NAME.py (default threads: several threads, each running an asyncio
            loop), take `aps dump` (main thread, -a, -a --opcodes, --async-aware, --async-aware
            --async-mode running, --format json) live, write a core with gcore, take them live
            again (the target must not have changed), and require `aps dump --core` to print
            the same: the same exit code and stderr, and stdout byte for byte once the one thing
            a core cannot know is removed from both: whether the kernel had each thread on a CPU.
            Live, a header's status says `on CPU` or `idle`; from a core neither (a core records
            no scheduler state, as a thread held by --blocking shows neither), so both words are
            dropped from every header of both outputs.  In the JSON, `on_cpu` is set to null in
            the live document (the core's must be null), and so is each loop's `blocked` (the
            core's must be null: there is no second look).  Where gcore reports a segment it
            could not read (gdb drops a whole segment when one chunk fails, e.g. the threads'
            C stacks when a guard page shows inside their mapping), the test fills it from the
            parked process first (fill_lost_segments), so that aps is judged on a whole core.
            With --sysroot (the mapped files copied, no source): the same text without source
            lines; with the target's script there too, its lines come from that copy.
            Also refused, exit 2 with one line: --blocking with --core, a PID with --core,
            --sysroot without it.

Only processes this driver started are killed (by pid).  Exit 0 pass, 1 fail, 77 skip.
"""
import fcntl
import json
import os
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import time

from hardlib import (TARGETS, Fail, difftest, driver_parser, exit_on_signals, run, run_main,
                     skip)

CORE_PATTERN = "/proc/sys/kernel/core_pattern"
PATTERN_LOCK = "/tmp/aps-test-core-pattern.lock"
COMMANDS = ("ps", "pstree")


def start(python, case, cwd, dumpable=False):
    """Starts targets/CASE.py; with `dumpable`, RLIMIT_CORE is raised to its hard limit."""
    def child_setup():
        difftest._pdeathsig()
        if dumpable:
            soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
            resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))

    env = dict(os.environ)
    env.pop("APS_TEST_ORACLE", None)
    return difftest.Target([python, os.path.join(TARGETS, case + ".py")], env=env, cwd=cwd,
                           preexec_fn=child_setup)


def aps_outputs(aps, where):
    """{command: (rc, stdout, stderr)} for `aps COMMAND WHERE...`."""
    return {cmd: run([aps, cmd] + where) for cmd in COMMANDS}


def require_same(live, core, label):
    for cmd in COMMANDS:
        lrc, lout, lerr = live[cmd]
        crc, cout, cerr = core[cmd]
        if (lrc, lout, lerr) != (crc, cout, cerr):
            raise Fail("%s: aps %s differs between the live process and the core:\n"
                       "live rc %d, core rc %d\nstdout diff (live -> core):\n%s\n"
                       "live stderr %r\ncore stderr %r"
                       % (label, cmd, lrc, crc, difftest.show_diff(lout, cout, "live", "core"),
                          lerr, cerr))
        if lrc not in (0, 1):
            raise Fail("%s: aps %s failed on the live process (rc %d): %r"
                       % (label, cmd, lrc, lerr))
        print("  %s %s: %d bytes, rc %d, same as live" % (label, cmd, len(cout), crc))


def gcore_logged(pid, tmp):
    """(core path, gcore's output)."""
    if shutil.which("gcore") is None:
        raise Fail("gcore (from gdb) is not installed: run scripts/install-deps.sh")
    prefix = os.path.join(tmp, "gcore")
    rc, out, err = run(["gcore", "-o", prefix, str(pid)])
    path = "%s.%d" % (prefix, pid)
    if rc != 0 or not os.path.exists(path):
        raise Fail("gcore %d failed (rc %d): %s" % (pid, rc, (out + err).decode(errors="replace")))
    return path, (out + err).decode(errors="replace")


def gcore(pid, tmp):
    return gcore_logged(pid, tmp)[0]


GCORE_FAILED = re.compile(r"Memory read failed for corefile section, \d+ bytes at (0x[0-9a-f]+)")


def fill_lost_segments(core, pid, log):
    """Writes into `core` the memory gcore said it could not read (its "Memory read failed for
    corefile section ... at ADDR" warnings), page by page from the still running process:
    gdb gives up on a whole segment when one chunk of it cannot be read, and where a thread
    stack's guard page shows inside the stack's own mapping (it does on some kernels), that
    loses every thread's C stack, and with it the entry frames that link each thread's Python
    frames. Pages the process cannot read stay zero, as in a kernel core. Returns how many
    segments were filled."""
    lost = {int(a, 16) for a in GCORE_FAILED.findall(log)}
    if not lost:
        return 0
    filled = 0
    mem = os.open("/proc/%d/mem" % pid, os.O_RDONLY)
    try:
        with open(core, "r+b") as f:
            header = f.read(64)
            phoff, = struct.unpack_from("<Q", header, 32)
            phentsize, phnum = struct.unpack_from("<HH", header, 54)
            for i in range(phnum):
                f.seek(phoff + i * phentsize)
                p_type, _, offset, vaddr, _, filesz = struct.unpack("<IIQQQQ", f.read(40))
                # PT_LOAD; not the vsyscall page, above what a file offset can name.
                if p_type != 1 or vaddr not in lost or vaddr >= 1 << 63:
                    continue
                for page in range(0, filesz, 4096):
                    try:
                        data = os.pread(mem, min(4096, filesz - page), vaddr + page)
                    except OSError:
                        continue
                    f.seek(offset + page)
                    f.write(data)
                filled += 1
    finally:
        os.close(mem)
    return filled


def mapped_files(pid):
    """The paths of the files the process has mapped, from /proc/PID/maps."""
    paths = []
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            parts = line.split(None, 5)
            if len(parts) == 6 and parts[4] != "0" and parts[5].startswith("/"):
                path = parts[5].rstrip("\n")
                if path not in paths:
                    paths.append(path)
    return paths


def check_one_line(rc, err, want_rc, *needles):
    text = err.decode("utf-8", "replace")
    if rc != want_rc:
        raise Fail("expected exit %d, got %d; stderr %r" % (want_rc, rc, text))
    if not text.startswith("aps: ") or text.count("\n") != 1 or not text.endswith("\n"):
        raise Fail("expected one line 'aps: ...' on stderr, got %r" % text)
    for n in needles:
        if n not in text:
            raise Fail("stderr lacks %r: %r" % (n, text))
    print("  exit %d: %s" % (rc, text.rstrip("\n")))


# ---------------------------------------------------------------------------------------------

def case_gcore(args, tmp):
    target = start(args.python, args.target, tmp)
    try:
        live = aps_outputs(args.aps, [str(target.pid)])
        core = gcore(target.pid, tmp)
        target.check_unharmed("gcore")
        again = aps_outputs(args.aps, [str(target.pid)])
        if again != live:
            raise Fail("the target changed while gcore ran: live outputs before and after differ")
    finally:
        target.stop()
    require_same(live, aps_outputs(args.aps, ["--core", core]), "gcore")


class CorePattern:
    """Makes the kernel write cores into the crashing process's folder, for the `with` body."""

    def __enter__(self):
        self.lock = open(PATTERN_LOCK, "a")
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        with open(CORE_PATTERN) as f:
            self.saved = f.read().rstrip("\n")
        self.changed = False
        if self.saved.startswith("|") or self.saved.startswith("/"):
            try:
                with open(CORE_PATTERN, "w") as f:
                    f.write("core")
                self.changed = True
            except OSError as e:
                self.__exit__(None, None, None)
                skip("kernel.core_pattern is %r (cores go to a program or another folder) "
                     "and cannot be set to 'core' here: %s" % (self.saved, e))
        return self

    def __exit__(self, *exc):
        if self.changed:
            with open(CORE_PATTERN, "w") as f:
                f.write(self.saved)
        fcntl.flock(self.lock, fcntl.LOCK_UN)
        self.lock.close()


def case_kernel(args, tmp):
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    if hard == 0:
        skip("the hard RLIMIT_CORE is 0 here: the kernel writes no core file")
    crash = os.path.join(tmp, "crash")
    os.mkdir(crash)
    target = start(args.python, args.target, crash, dumpable=True)
    try:
        live = aps_outputs(args.aps, [str(target.pid)])
        with CorePattern() as pattern:
            os.kill(target.pid, signal.SIGABRT)
            target.proc.wait(timeout=60)
        if target.proc.returncode != -signal.SIGABRT:
            raise Fail("the target ended with %r, not SIGABRT" % target.proc.returncode)
    finally:
        target.stop()
    cores = [os.path.join(crash, n) for n in os.listdir(crash)
             if os.path.isfile(os.path.join(crash, n))]
    if not cores:
        skip("no core file appeared in the target's folder after SIGABRT "
             "(kernel.core_pattern %r, RLIMIT_CORE hard limit %s)"
             % (pattern.saved, "unlimited" if hard == resource.RLIM_INFINITY else hard))
    print("  kernel core: %s (%d bytes, core_pattern %r%s)"
          % (cores[0], os.path.getsize(cores[0]), pattern.saved,
             ", set to 'core' for the crash" if pattern.changed else ""))
    require_same(live, aps_outputs(args.aps, ["--core", cores[0]]), "kernel")


def other_python(python):
    version = difftest.python_version(python)
    other = os.path.join(os.path.dirname(python), "python3.15" if version == "3.14"
                         else "python3.14")
    if not os.path.exists(other):
        raise Fail("%s not found next to %s" % (other, python))
    return other


def dumped_target(args, tmp):
    """Starts the target, dumps it with gcore and stops it: its executable's path and the core."""
    target = start(args.python, args.target, tmp)
    try:
        exe = os.path.realpath("/proc/%d/exe" % target.pid)
        core = gcore(target.pid, tmp)
    finally:
        target.stop()
    return exe, core


def case_mismatch(args, tmp):
    exe, core = dumped_target(args, tmp)

    # A python of the other version given as the executable.
    other = other_python(args.python)
    for cmd in COMMANDS:
        rc, out, err = run([args.aps, cmd, "--core", core, "--exe", other])
        if out:
            raise Fail("--exe %s: expected no output, got %r" % (other, out[:200]))
        check_one_line(rc, err, 8, "aps: %s is not the %s the process had mapped: " % (other, exe),
                       "--sysroot DIR")
    # Another program altogether.
    program = os.path.realpath(shutil.which("gdb"))
    rc, out, err = run([args.aps, "ps", "--core", core, "--exe", program])
    check_one_line(rc, err, 8, "aps: %s is not the %s the process had mapped: " % (program, exe))
    # A truncated core: the notes or the memory are cut off.
    cut = os.path.join(tmp, "cut.core")
    with open(core, "rb") as src, open(cut, "wb") as dst:
        dst.write(src.read(os.path.getsize(core) * 3 // 5))
    rc, out, err = run([args.aps, "ps", "--core", cut])
    check_one_line(rc, err, 7, "aps: core file %s is truncated" % cut)
    # Cut inside its headers (100 bytes), or a sparse copy holding only its ELF header: truncated
    # too, not "not a Python process".
    with open(core, "rb") as src, open(cut, "wb") as dst:
        dst.write(src.read(100))
    rc, out, err = run([args.aps, "ps", "--core", cut])
    check_one_line(rc, err, 7, "aps: core file %s is truncated: " % cut, "run past its end")
    with open(core, "rb") as src, open(cut, "wb") as dst:
        dst.write(src.read(64))
        dst.truncate(os.path.getsize(core))
    rc, out, err = run([args.aps, "pstree", "--core", cut])
    check_one_line(rc, err, 7, "aps: core file %s is truncated: " % cut, "all zero bytes")
    # Not a core at all.
    rc, out, err = run([args.aps, "pstree", "--core", exe])
    check_one_line(rc, err, 7, "not a core file")


def case_sysroot(args, tmp):
    target = start(args.python, args.target, tmp)
    try:
        live = aps_outputs(args.aps, [str(target.pid)])
        exe = os.path.realpath("/proc/%d/exe" % target.pid)
        files = mapped_files(target.pid)
        core = gcore(target.pid, tmp)
    finally:
        target.stop()
    root = os.path.join(tmp, "sysroot")
    for path in files:
        if path == exe:
            continue
        dest = root + path
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy2(path, dest)
    exe_copy = os.path.join(tmp, "elsewhere", os.path.basename(exe))
    os.makedirs(os.path.dirname(exe_copy))
    shutil.copy2(exe, exe_copy)
    require_same(live, aps_outputs(args.aps, ["--core", core, "--sysroot", root, "--exe",
                                              exe_copy]), "sysroot+exe")
    # Without the files that hold the asyncio table (the executable for 3.15, the _asyncio
    # module for 3.14), aps cannot tell whether asyncio was imported: it says what is missing.
    for path in files:
        if "_asyncio" in os.path.basename(path):
            os.unlink(root + path)
    rc, out, err = run([args.aps, "ps", "--core", core, "--sysroot", root])
    check_one_line(rc, err, 8, "aps: cannot open %s" % root, "--sysroot DIR")


# aps dump's command lines in the dump case, each read live and from the core.
DUMP_ARGS = ([], ["-a"], ["-a", "--opcodes"], ["--async-aware"],
             ["--async-aware", "--async-mode", "running"], ["--format", "json"])
DUMP_HEADER = re.compile(rb"^(Stack dump(?: for PID \d+)?, thread \d+ \()(.*)(\):)$", re.M)
CPU_WORDS = (b"on CPU", b"idle")


def without_cpu_state(text):
    """The dump text with `on CPU` and `idle` dropped from every header's status words (a group
    of the parenthesis that ends up empty goes too)."""
    def header(m):
        groups = []
        for group in m.group(2).split(b"; "):
            words = [w for w in group.split(b", ") if w not in CPU_WORDS]
            if words:
                groups.append(b", ".join(words))
        return m.group(1) + b"; ".join(groups) + m.group(3)
    return DUMP_HEADER.sub(header, text)


def json_without_cpu_state(text, core):
    """The dump document with each thread's on_cpu and its loop's blocked set to null; for the
    core's, Fail unless they are null already."""
    doc = json.loads(text)
    for thread in doc["threads"]:
        loop = thread.get("loop")
        if core and (thread["on_cpu"] is not None or (loop and loop["blocked"] is not None)):
            raise Fail("the core's JSON knows a CPU state or a blocked loop: %r" % thread)
        thread["on_cpu"] = None
        if loop:
            loop["blocked"] = None
    return json.dumps(doc, sort_keys=True, indent=1).encode()


def dump_outputs(aps, where):
    """{args: (rc, normalised stdout, stderr)} of `aps dump ARGS... WHERE...`."""
    out = {}
    for args in DUMP_ARGS:
        rc, stdout, stderr = run([aps, "dump"] + list(args) + where)
        if rc == 0:
            stdout = (json_without_cpu_state(stdout, "--core" in where) if "--format" in args
                      else without_cpu_state(stdout))
        out[tuple(args)] = (rc, stdout, stderr)
    return out


def case_dump(args, tmp):
    target = start(args.python, args.target, tmp)
    try:
        live = dump_outputs(args.aps, [str(target.pid)])
        core, log = gcore_logged(target.pid, tmp)
        target.check_unharmed("gcore")
        filled = fill_lost_segments(core, target.pid, log)
        if filled:
            print("  gcore could not read %d segment(s); filled from the parked process" % filled)
        again = dump_outputs(args.aps, [str(target.pid)])
        for key in live:
            if again[key] != live[key]:
                raise Fail("the target changed while gcore ran: aps dump %s differs before and "
                           "after:\n%s" % (" ".join(key), difftest.show_diff(
                               live[key][1], again[key][1], "before", "after")))
        pid = target.pid
        files = mapped_files(pid)
    finally:
        target.stop()
    from_core = dump_outputs(args.aps, ["--core", core])
    for key, (lrc, lout, lerr) in live.items():
        crc, cout, cerr = from_core[key]
        label = "aps dump %s" % " ".join(key)
        if lrc != 0:
            raise Fail("%s failed on the live process (rc %d): %r" % (label, lrc, lerr))
        if (lrc, lout, lerr) != (crc, cout, cerr):
            raise Fail("%s differs between the live process and the core:\nlive rc %d, core rc "
                       "%d\nstdout diff (live -> core):\n%s\nlive stderr %r\ncore stderr %r"
                       % (label, lrc, crc, difftest.show_diff(lout, cout, "live", "core"), lerr,
                          cerr))
        print("  %s: %d bytes, same as live" % (label, len(cout)))
    # Source lines come from under --sysroot: one holding the mapped files but no source gives
    # the same stacks without a source line (a source line is the only line with 4 spaces in
    # front), and a source file put there is the one read.
    root = os.path.join(tmp, "sysroot")
    for path in files:
        os.makedirs(os.path.dirname(root + path), exist_ok=True)
        shutil.copy2(path, root + path)
    bare = re.sub(rb"(?m)^    .*\n", b"", live[("-a",)][1])
    rc, out, err = run([args.aps, "dump", "-a", "--core", core, "--sysroot", root])
    if (rc, without_cpu_state(out), err) != (0, bare, b""):
        raise Fail("aps dump -a --core --sysroot (no sources there): rc %d, stderr %r, stdout "
                   "diff (live without source lines -> core):\n%s"
                   % (rc, err, difftest.show_diff(bare, without_cpu_state(out), "live", "core")))
    script = os.path.join(TARGETS, args.target + ".py")
    os.makedirs(os.path.dirname(root + script), exist_ok=True)
    with open(script, "rb") as src, open(root + script, "wb") as dst:
        dst.write(b"".join(b"sysroot_line_%d()\n" % i for i, _ in enumerate(src, 1)))
    rc, out, err = run([args.aps, "dump", "-a", "--core", core, "--sysroot", root])
    if rc != 0 or b"    sysroot_line_" not in out:
        raise Fail("aps dump --sysroot did not read the source under it: rc %d, %r"
                   % (rc, out[:300]))
    print("  --sysroot: source lines from under it (none where it has no source)")
    # The core names the process it was (the pid it records), and no header claims a CPU
    # state the core does not have.
    rc, raw, err = run([args.aps, "dump", "-a", "--core", core])
    if rc != 0 or not raw.startswith(b"Stack dump for PID %d, thread " % pid):
        raise Fail("the core's dump does not name process %d: rc %d, %r" % (pid, rc, raw[:80]))
    for m in DUMP_HEADER.finditer(raw):
        if set(re.split(rb"; |, ", m.group(2))) & set(CPU_WORDS):
            raise Fail("a header from the core shows a CPU state: %r" % m.group(0))
    rc, out, err = run([args.aps, "dump", "--blocking", "--core", core])
    check_one_line(rc, err, 2, "--blocking is for live processes")
    rc, out, err = run([args.aps, "dump", str(pid), "--core", core])
    check_one_line(rc, err, 2, "dump takes a PID or --core FILE, not both")
    rc, out, err = run([args.aps, "dump", "--sysroot", tmp, str(pid)])
    check_one_line(rc, err, 2, "--sysroot is for core files")


class WaitingWriter:
    """A process blocked opening `fifo` for writing until a reader opens it: still waiting
    afterwards means nobody opened the FIFO."""

    def __init__(self, python, fifo):
        self.proc = subprocess.Popen([python, "-c", "open(%r, 'wb')" % fifo],
                                     preexec_fn=difftest._pdeathsig)
        time.sleep(0.2)

    def still_waiting(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


def patch_nt_file(core, old_path, new_path, out):
    """Copies `core` to `out` with `old_path` replaced by `new_path` (same length) inside its note
    segments only: the core's NT_FILE note then names new_path."""
    import struct
    with open(core, "rb") as f:
        data = bytearray(f.read())
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    old, new = old_path.encode() + b"\0", new_path.encode() + b"\0"
    replaced = 0
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", data,
                                                                   phoff + i * phentsize)
        if p_type != 4:       # PT_NOTE
            continue
        notes = bytes(data[p_offset:p_offset + p_filesz])
        replaced += notes.count(old)
        data[p_offset:p_offset + p_filesz] = notes.replace(old, new)
    if not replaced:
        raise Fail("%s is not named in the notes of %s" % (old_path, core))
    with open(out, "wb") as f:
        f.write(data)


def run_fifo_case(args, argv, fifo, want_rc, *needles):
    """aps on a FIFO: first with nobody at the other end (an open() would wait forever), then
    with a writer waiting (which must stay waiting: aps never opened the FIFO)."""
    rc, out, err = run(argv, timeout=30)
    check_one_line(rc, err, want_rc, *needles)
    writer = WaitingWriter(args.python, fifo)
    try:
        again = run(argv, timeout=30)
        if not writer.still_waiting():
            raise Fail("aps opened the FIFO %s (the writer waiting on it went on)" % fifo)
    finally:
        writer.stop()
    if again != (rc, out, err):
        raise Fail("with a writer waiting: %r, before %r" % (again, (rc, out, err)))


def case_fifo(args, tmp):
    exe, core = dumped_target(args, tmp)
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)
    print("the core is a FIFO:")
    run_fifo_case(args, [args.aps, "ps", "--core", fifo], fifo, 7,
                  "aps: core file %s is a FIFO, not a regular file" % fifo)
    print("--exe is a FIFO:")
    run_fifo_case(args, [args.aps, "pstree", "--core", core, "--exe", fifo], fifo, 8,
                  "aps: --exe %s: a FIFO, not a regular file" % fifo)
    print("the --sysroot copy of the executable is a FIFO:")
    root = os.path.join(tmp, "sysroot")
    os.makedirs(os.path.dirname(root + exe))
    os.mkfifo(root + exe)
    run_fifo_case(args, [args.aps, "ps", "--core", core, "--sysroot", root], root + exe, 8,
                  "aps: cannot open %s: a FIFO, not a regular file" % (root + exe))
    print("the core names a FIFO:")
    named = "/tmp/aps-fifo-%d-" % os.getpid()
    if len(named) >= len(exe):
        skip("the executable's path %s is too short to be patched into a FIFO's" % exe)
    named += "x" * (len(exe) - len(named))
    os.mkfifo(named)
    try:
        hostile = os.path.join(tmp, "hostile.core")
        patch_nt_file(core, exe, named, hostile)
        run_fifo_case(args, [args.aps, "ps", "--core", hostile], named, 8,
                      "aps: cannot open %s: a FIFO, not a regular file" % named)
    finally:
        os.unlink(named)


CASES = {"gcore": case_gcore, "kernel": case_kernel, "mismatch": case_mismatch,
         "sysroot": case_sysroot, "fifo": case_fifo, "dump": case_dump}


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--case", required=True, choices=sorted(CASES))
    ap.add_argument("--target", help="a script in targets/ (no .py); default restaurant, threads "
                    "for the dump case")
    args = ap.parse_args()
    if args.target is None:
        args.target = "threads" if args.case == "dump" else "restaurant"
    exit_on_signals("corefiles")

    def body(tmp):
        print("core case %s, target %s, python %s" % (args.case, args.target, args.python))
        CASES[args.case](args, tmp)

    return run_main("aps-core-", body)


if __name__ == "__main__":
    sys.exit(main())
