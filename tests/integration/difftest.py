#!/usr/bin/env python3
"""Differential test: aps against the reference (`python3.X -m asyncio ps|pstree PID`).

    difftest.py --aps PATH --python PATH --case NAME --command ps|pstree

Starts tests/integration/targets/NAME.py with PYTHON, waits for it to print
READY (its tasks are then parked for good), runs the reference and aps on the
same live process and compares stdout bytes and exit codes (Rule 1 of
docs/design.md, "The output contract").  Where Rule 2 says aps differs from the
reference for that case and version (a row of the README table "Differences
from `python -m asyncio`"), aps's documented output is asserted instead (see
RULE2 below).  Error cases (names starting with `err_`)
check aps's exit code and its one-line `aps: ...` message.

The target describes itself in a JSON "oracle" file ($APS_TEST_ORACLE), written
before READY: its tasks (native tid, id, name, coroutine frames, awaiters).

Only the target this driver started is ever killed (by pid).  Exit status:
0 pass, 1 fail, 77 skipped.  Standard library only; Python >= 3.9.
"""
import argparse
import difflib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = os.path.join(HERE, "targets")
READY_TIMEOUT = 120.0     # seconds to wait for READY (debug builds start subinterpreters slowly)
RUN_TIMEOUT = 60.0        # seconds for one run of the reference or aps
SKIP = 77

# ---------------------------------------------------------------------------------------------
# Cases and expectations
# ---------------------------------------------------------------------------------------------

CASES = [
    "restaurant", "taskgroups_nested", "gather", "many_awaiters", "shield", "wait_for",
    "asyncio_wait", "timeout", "future_event_queue", "threads", "exited_thread", "eager_tasks",
    "async_generators", "qualnames", "deep_chain", "cycle", "many_tasks", "non_ascii",
    "control_chars", "no_asyncio", "subinterpreters", "odd_lines", "odd_names", "coroutine_kinds",
]
ERROR_CASES = ["err_no_such_pid", "err_not_python", "err_python313", "err_permission"]

# Where aps deliberately differs from the reference (Rule 2: a README "Differences" row), keyed by
# (case, version); the value names the checker below.  Every other (case, version) is Rule 1:
# same stdout bytes and exit code as the reference.
RULE2 = {
    # Rule 2, row "3.14 reads only the main thread's tasks": aps reads every thread, newest
    # first, then tid 0.  (exited_thread on 3.14 has only the main thread and tid 0, which the
    # 3.14 reference reads correctly, so it stays Rule 1: byte-identical.)
    ("threads", "3.14"): "all_threads",
    # Rule 2, row "3.14: no asyncio imported → error, exit 1": ps prints the header only,
    # pstree nothing, exit 0 — exactly what the 3.15 reference prints.
    ("no_asyncio", "3.14"): "no_asyncio",
    # Rule 2, row "3.14 reads non-ASCII names as ASCII" (names <= 16 code points
    # come out as NULs/garbage, longer ones crash the reference with UnicodeDecodeError): aps
    # decodes every string kind.  Asserted against the target's own view (oracle).
    ("non_ascii", "3.14"): "oracle",
    # Rule 2, row "control characters in names printed raw": aps writes \n \t \r \xNN
    # \uXXXX escapes and pads counting the escaped form.  On 3.15 the expected output is the
    # reference's with each name replaced by its escaped form; on 3.14 the reference also
    # mangles the non-ASCII names (U+0085, U+202E), so the oracle is used.
    ("control_chars", "3.14"): "oracle",
    ("control_chars", "3.15"): "escaped_reference",
    # Rule 2, row "only the newest interpreter is read": aps shows every interpreter, main
    # first, then the subinterpreters oldest first; the newest one's part equals the reference.
    ("subinterpreters", "3.14"): "all_interpreters",
    ("subinterpreters", "3.15"): "all_interpreters",
    # Rule 2, rows "3.15: a line delta of 2^29 or more", "3.14: an instruction with no location"
    # and "3.14: a number of seven or more groups": the reference's pstree with the lines it gets
    # wrong replaced by aps's; ps shows no lines and is byte-identical.
    ("odd_lines", "3.14"): "lines_reference",
    ("odd_lines", "3.15"): "lines_reference",
    # Rule 2, rows "lone surrogates in names and paths" and "function (qualified) and file names
    # cut at 1,024 characters": on 3.15 the reference's output with the raw bytes it writes
    # (surrogateescape) as \xNN and the cut names whole; 3.14 also reads these non-ASCII names
    # as ASCII, so the oracle is used.
    ("odd_names", "3.14"): "oracle",
    ("odd_names", "3.15"): "names_reference",
}

# Harness self-checks, for the version where the reference is right: feed a Rule-2 checker
# output known to be right and require it to pass (a failure there is a bug of the harness):
#  - non_ascii 3.15: the oracle checker must accept the 3.15 reference's output;
#  - threads 3.15: the all-threads checker must accept the 3.15 reference's output as aps's,
#    against that output cut down to what the 3.14 reference shows (main thread and tid 0);
#  - control_chars 3.15: the oracle checker (escaping) must accept the escaped reference;
#  - odd_names 3.15: the oracle checker (used on 3.14) must accept the reference with its
#    documented differences undone (escaped file names in frames, names not cut).
SELF_CHECKS = {
    ("non_ascii", "3.15"): lambda cmd, ref, o: check_oracle(cmd, ref, ref, o, lambda s: s),
    ("threads", "3.15"): lambda cmd, ref, o: check_all_threads(
        cmd, main_thread_only(cmd, ref, o), ref, o, escape),
    ("control_chars", "3.15"): lambda cmd, ref, o: check_oracle(
        cmd, ref, (ref[0], escaped_reference(cmd, ref, o), b""), o, escape),
    ("odd_names", "3.15"): lambda cmd, ref, o: check_oracle(
        cmd, ref, (ref[0], names_reference(cmd, ref, o), b""), o, escape),
}

# The reference's stdout error handler for these cases. Under a C, POSIX or C.UTF-8 locale the
# reference writes a name's undecodable bytes raw (surrogateescape); with strict UTF-8 output it
# fails with UnicodeEncodeError. The first is pinned, so that there is output to compare.
REFERENCE_ENV = {"odd_names": {"PYTHONIOENCODING": "utf-8:surrogateescape"}}

# pstree of `cycle`: the cycle report goes to stderr; Rule 1 covers it ("same cycle report and
# exit code"), so stderr is compared too.
COMPARE_STDERR = {("cycle", "pstree")}

# ---------------------------------------------------------------------------------------------
# Output model of the reference (docs/design.md, "The ps table" and "The pstree forest")
# ---------------------------------------------------------------------------------------------

WIDTHS = (10, 20, 20, 50, 50, 15, 15)
PS_HEADER = (" ".join(h.ljust(w) for h, w in zip(
    ("tid", "task id", "task name", "coroutine stack", "awaiter chain", "awaiter name",
     "awaiter id"), WIDTHS)) + "\n" + "-" * 180 + "\n")
TASK_LINE = re.compile(r"^[│ ]*[└├]── \(T\) (.*)$")
BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def escape(name):
    """aps's escaping of names (README "Differences", row "control characters in names printed
    raw"; docs/design.md, "Escaping")."""
    out = []
    for ch in name:
        cp = ord(ch)
        if ch in "\n\t\r":
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}[ch])
        elif cp < 0x20 or 0x7F <= cp <= 0x9F:
            out.append("\\x%02x" % cp)
        elif 0xDC80 <= cp <= 0xDCFF:          # an undecodable byte (surrogateescape): the byte
            out.append("\\x%02x" % (cp - 0xDC00))
        elif cp in BIDI or 0xD800 <= cp <= 0xDFFF:
            out.append("\\u%04x" % cp)
        else:
            out.append(ch)
    return "".join(out)


def ps_row(*cols):
    return " ".join(str(c).ljust(w) for c, w in zip(cols, WIDTHS))


def frame_text(frame):
    func, filename, line = frame
    return "%s %s:%d" % (func, filename, line)


class Fail(Exception):
    pass


def skip(why):
    """Ends the driver with "SKIP: <why>" and the skip status (CTest SKIP_RETURN_CODE); as a
    SystemExit, it runs the finally blocks on its way out."""
    print("SKIP: %s" % why)
    sys.exit(SKIP)


def exit_on_signals(who):
    """SIGTERM and SIGHUP end the driver through SystemExit, so that its finally blocks still
    stop the targets and remove the temporary folder."""
    def on_signal(signum, frame):
        raise SystemExit("%s: killed by signal %d" % (who, signum))

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)


# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------

def _pdeathsig():
    """In the child: die with the driver (prctl PR_SET_PDEATHSIG, SIGKILL)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    except Exception:
        pass


def proc_state(pid, tid=None):
    """The state letter of a process, or of its thread `tid`, from /proc ('' if gone)."""
    path = "/proc/%d/stat" % pid if tid is None else "/proc/%d/task/%d/stat" % (pid, tid)
    try:
        with open(path, "rb") as f:
            stat = f.read().decode("ascii", "replace")
    except OSError:
        return ""
    return stat[stat.rindex(")") + 2:].split()[0]


class Target:
    """One target process, started by us, killed by pid and reaped in stop()."""

    def __init__(self, argv, env=None, wait_ready=True, cwd=None, preexec_fn=_pdeathsig):
        env = dict(os.environ if env is None else env, PYTHONDONTWRITEBYTECODE="1")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, cwd=cwd,
                                     preexec_fn=preexec_fn)
        self.pid = self.proc.pid
        if wait_ready:
            self._wait_ready()

    def _wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        buf = b""
        fd = self.proc.stdout.fileno()
        while b"READY\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                why = ("exited with %s" % self.proc.returncode if self.proc.poll() is not None
                       else "no READY within %.0f s" % READY_TIMEOUT)
                self.stop()
                raise Fail("target %s: %s; stdout %r; stderr:\n%s"
                           % (self.pid, why, buf, self.stderr_text()))
            r, _, _ = select.select([fd], [], [], min(left, 0.5))
            if r:
                chunk = os.read(fd, 4096)
                if not chunk:
                    continue
                buf += chunk

    def state(self):
        return proc_state(self.pid)

    def check_unharmed(self, who):
        st = self.state()
        if self.proc.poll() is not None or st in ("", "Z", "X"):
            raise Fail("target %d is dead after %s ran (state %r)" % (self.pid, who, st))
        if st in ("T", "t"):
            raise Fail("target %d is left stopped after %s ran (state %r)" % (self.pid, who, st))

    def stderr_text(self):
        try:
            if self.proc.poll() is None:
                return "(still running)"
            return self.proc.stderr.read().decode("utf-8", "replace")
        except Exception as e:        # pragma: no cover
            return "(stderr unavailable: %s)" % e

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for f in (self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except Exception:
                pass


def run(argv, env=None, timeout=RUN_TIMEOUT):
    """(rc, stdout, stderr) of one command; Fail if it runs longer than `timeout` seconds."""
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env, preexec_fn=_pdeathsig)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.kill(p.pid, signal.SIGKILL)
        p.communicate()
        raise Fail("hang: %s did not finish within %.0f s" % (argv, timeout))
    return p.returncode, out, err


def python_version(python):
    rc, out, err = run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
    if rc != 0:
        raise Fail("cannot run %s: %s" % (python, err.decode(errors="replace")))
    return out.decode().strip()


# ---------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------

def show_diff(expected, actual, exp_name, act_name):
    """Unified diff of two byte strings, line by line, repr-escaped (invisible bytes show)."""
    def lines(b):
        return [repr(l)[1:-1] for l in b.decode("utf-8", "backslashreplace").splitlines(True)]
    diff = difflib.unified_diff(lines(expected), lines(actual), exp_name, act_name, lineterm="")
    return "\n".join(diff)


def require_equal(what, expected, actual, exp_name, act_name):
    if expected != actual:
        raise Fail("%s differs:\n%s" % (what, show_diff(expected, actual, exp_name, act_name)))


# ---------------------------------------------------------------------------------------------
# Rule 2 checkers: each gets the command, the reference result, aps's result and the oracle
# ---------------------------------------------------------------------------------------------

def decode(out, who):
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Fail("%s stdout is not valid UTF-8: %s" % (who, e))


def check_no_raw_controls(text):
    """aps output may hold no control/bidi characters other than the line feeds."""
    for lineno, line in enumerate(text.split("\n"), 1):
        for ch in line:
            if ch != escape(ch):
                raise Fail("aps line %d holds a raw %r: %r" % (lineno, ch, line))


def shown(name, esc):
    """A task name as ps/pstree show it: cut to 255 code points (kept on purpose: docs/design.md,
    "The output contract"), then escaped."""
    return esc(name[:255])


def expected_ps_rows(oracle, esc):
    """The ps rows the oracle implies, as a sorted list (row order is not in the oracle)."""
    tasks = {t["id"]: t for t in oracle["tasks"]}
    rows = []
    for t in oracle["tasks"]:
        stack = " -> ".join(esc(f[0]) for f in t["stack"])
        if not t["awaited_by"]:
            rows.append(ps_row(t["tid"], t["id"], shown(t["name"], esc), stack, "", "", "0x0"))
        for aid in t["awaited_by"]:
            a = tasks.get(aid)
            chain = " -> ".join(esc(f[0]) for f in a["stack"]) if a else ""
            aname = shown(a["name"], esc) if a else "Unknown"
            rows.append(ps_row(t["tid"], t["id"], shown(t["name"], esc), stack, chain, aname, aid))
    return sorted(rows)


def canonical_tree(oracle, esc):
    """The pstree forest the oracle implies (docs/design.md, "The pstree forest"), children
    sorted: a nested tuple (label, (children...)) per root, roots sorted."""
    tasks = {t["id"]: t for t in oracle["tasks"]}
    children = {}                   # node key -> list of child keys
    labels = {}

    def node(key, label):
        labels.setdefault(key, label)
        children.setdefault(key, [])
        return key

    def hang(cur, frames):
        for fr in reversed(frames):                      # outermost first
            label = " " + esc(frame_text(fr))
            key = cur + (label,)
            if key not in children[cur]:
                children[cur].append(node(key, label))
            cur = key
        return cur

    awaiters = set()
    for t in oracle["tasks"]:
        node(("T", t["id"]), "(T) " + shown(t["name"], esc))
    for t in oracle["tasks"]:
        for aid in t["awaited_by"]:
            awaiters.add(aid)
            if aid not in tasks:
                continue                  # unknown awaiter: dropped, as the reference does
            cur = hang(("T", aid), tasks[aid]["stack"])
            child = ("T", t["id"])
            if child not in children[cur]:
                children[cur].append(child)
    for t in oracle["tasks"]:               # tasks that await no task show their own frames
        if t["id"] not in awaiters and t["stack"]:
            hang(("T", t["id"]), t["stack"])

    def build(key):
        return (labels[key], tuple(sorted(build(c) for c in children[key])))

    roots = [("T", t["id"]) for t in oracle["tasks"] if not t["awaited_by"]]
    return tuple(sorted(build(r) for r in roots))


def parse_tree(text):
    """Parse pstree output into the canonical form of canonical_tree()."""
    stack = []                      # (depth, label, children list)
    roots = []
    for line in text.split("\n"):
        if not line:
            continue
        m = re.match(r"^((?:    |│   )*)([└├])── (.*)$", line)
        if not m:
            raise Fail("not a pstree line: %r" % line)
        depth = len(m.group(1)) // 4
        entry = (m.group(3), [])
        del stack[depth:]
        if len(stack) != depth:
            raise Fail("pstree line indented too deep: %r" % line)
        (stack[-1][1] if stack else roots).append(entry)
        stack.append(entry)

    def canon(e):
        return (e[0], tuple(sorted(canon(c) for c in e[1])))

    return tuple(sorted(canon(r) for r in roots))


def check_oracle(cmd, ref, aps, oracle, esc):
    """aps's output holds exactly the tasks, rows and tree the target reports about itself."""
    rc, out, err = aps
    if rc != 0:                     # no oracle-checked case has a cycle
        raise Fail("aps exit code %d; stderr %r" % (rc, err))
    text = decode(out, "aps")
    check_no_raw_controls(text)
    if cmd == "ps":
        if not text.startswith(PS_HEADER):
            raise Fail("aps ps header differs:\n" + show_diff(
                PS_HEADER.encode(), text[:len(PS_HEADER)].encode(), "expected", "aps"))
        actual = sorted(text[len(PS_HEADER):].split("\n")[:-1])
        expected = expected_ps_rows(oracle, esc)
        require_equal("ps rows (sorted) vs the target's oracle",
                      "\n".join(expected).encode() + b"\n", "\n".join(actual).encode() + b"\n",
                      "oracle", "aps")
    else:
        actual = parse_tree(text)
        expected = canonical_tree(oracle, esc)
        if actual != expected:
            raise Fail("pstree (children sorted) vs the target's oracle:\n" + show_diff(
                dump_tree(expected).encode(), dump_tree(actual).encode(), "oracle", "aps"))


def dump_tree(forest, depth=0):
    return "".join("    " * depth + label + "\n" + dump_tree(kids, depth + 1)
                   for label, kids in forest)


def escaped_reference(cmd, ref, oracle):
    """The reference's stdout with every task name replaced by its escaped form (raw bytes the
    reference wrote for undecodable ones are read back as Python held them)."""
    text = ref[1].decode("utf-8", "surrogateescape")
    for t in oracle["tasks"]:
        raw, new = t["name"], escape(t["name"])
        if cmd == "ps":
            # task name column (after the task id), awaiter name column (before the awaiter id)
            text = text.replace(" %s %s " % (t["id"].ljust(20), raw.ljust(20)),
                                " %s %s " % (t["id"].ljust(20), new.ljust(20)))
            text = text.replace(" %s %s" % (raw.ljust(15), t["id"].ljust(15)),
                                " %s %s" % (new.ljust(15), t["id"].ljust(15)))
        else:
            text = text.replace("── (T) %s\n" % raw, "── (T) %s\n" % new)
    return text.encode("utf-8", "surrogateescape")


def names_reference(cmd, ref, oracle):
    """The 3.15 reference's stdout as aps prints it: names the reference cut at 1,024 code points
    whole (the oracle's "long"), file names in frames and task names escaped (an undecodable
    byte, which the reference writes raw, as \\xNN)."""
    text = ref[1].decode("utf-8", "surrogateescape")
    for full in oracle["long"]:
        text = text.replace(full[:1024], full)
    if cmd == "pstree":
        files = {f[1] for t in oracle["tasks"] for f in t["stack"]}
        for f in sorted(files):
            if escape(f) != f:
                text = text.replace(" %s:" % f, " %s:" % escape(f))
    return escaped_reference(cmd, (ref[0], text.encode("utf-8", "surrogateescape"), ref[2]),
                             oracle)


def check_escaped_reference(cmd, ref, aps, oracle, esc, transform=escaped_reference):
    """Expected = the reference's output with every name replaced by its escaped form."""
    rrc = ref[0]
    if rrc != 0:
        raise Fail("reference failed (exit %d): %r" % (rrc, ref[1] + ref[2]))
    expected = transform(cmd, ref, oracle)
    check_no_raw_controls(decode(aps[1], "aps"))
    require_equal("stdout (reference with its documented differences undone vs aps)", expected,
                  aps[1], "expected", "aps")
    if aps[0] != rrc:
        raise Fail("exit code: reference %d, aps %d" % (rrc, aps[0]))


def check_names_reference(cmd, ref, aps, oracle, esc):
    check_escaped_reference(cmd, ref, aps, oracle, esc, names_reference)


FRAME_LINE = re.compile(r"^([│ ]*[└├]──  (\S+) .*:)(-?\d+)$", re.M)


def check_lines_reference(cmd, ref, aps, oracle, esc):
    """odd_lines: the reference's pstree, where each crafted frame (the oracle's "lines") must
    show the line the README says this version's reference prints ("ref"; null: any, the value
    rests on undefined behaviour in C), with that line replaced by aps's ("aps"). ps shows no
    lines: byte-identical."""
    if ref[0] != 0:
        raise Fail("reference failed (exit %d): %r" % (ref[0], ref[1] + ref[2]))
    text = decode(ref[1], "reference")
    if cmd == "pstree":
        lines = {l["function"]: l for l in oracle["lines"]}
        seen = set()

        def undo(m):
            want = lines.get(m.group(2))
            if want is None:
                return m.group(0)
            seen.add(m.group(2))
            got = int(m.group(3))
            if want["ref"] is not None and got != want["ref"]:
                raise Fail("harness: the reference prints %s at line %d, the README says %d"
                           % (m.group(2), got, want["ref"]))
            if got != want["aps"]:
                print("documented difference: %s at line %d in the reference, %d in aps"
                      % (m.group(2), got, want["aps"]))
            return m.group(1) + str(want["aps"])

        text = FRAME_LINE.sub(undo, text)
        if seen != set(lines):
            raise Fail("harness: frames missing from the reference's tree: %s"
                       % sorted(set(lines) - seen))
    require_equal("stdout (reference with its documented differences undone vs aps)",
                  text.encode(), aps[1], "expected", "aps")
    if aps[0] != ref[0]:
        raise Fail("exit code: reference %d, aps %d" % (ref[0], aps[0]))


def check_no_asyncio(cmd, ref, aps, oracle, esc):
    expected = PS_HEADER.encode() if cmd == "ps" else b""
    require_equal("stdout", expected, aps[1], "expected (3.15 reference)", "aps")
    if aps[0] != 0:
        raise Fail("aps exit code %d, expected 0; stderr %r" % (aps[0], aps[2]))


def ps_rows_by_tid(text):
    rows = {}
    for line in text[len(PS_HEADER):].split("\n")[:-1]:
        rows.setdefault(line.split(" ", 1)[0], []).append(line)
    return rows


def same_row_but_unknown(ref_row, aps_row):
    """Equal, or equal except that the reference's `Unknown` awaiter name is resolved."""
    if ref_row == aps_row:
        return True
    m = re.match(r"^(.*) Unknown {9}(0x[0-9a-f]+ *)$", ref_row)
    if not m:
        return False
    prefix, aid = m.group(1) + " ", m.group(2).rstrip()
    return aps_row.startswith(prefix) and aps_row.rstrip().endswith(" " + aid)


def check_all_threads(cmd, ref, aps, oracle, esc):
    """3.14 reference: main thread + tid 0 only.  aps: every thread, newest first, then tid 0;
    the main thread's and tid 0's part equals the reference's (an `Unknown` awaiter may be
    resolved); every task the target reports appears."""
    rrc, rout, _ = ref
    if rrc != 0:
        raise Fail("reference failed (exit %d): %r" % (rrc, rout + ref[2]))
    if aps[0] != 0:
        raise Fail("aps exit code %d; stderr %r" % (aps[0], aps[2]))
    rtext, atext = decode(rout, "reference"), decode(aps[1], "aps")
    main_tid = str(oracle["main_tid"])
    if cmd == "ps":
        if not atext.startswith(PS_HEADER):
            raise Fail("aps ps header differs:\n" + show_diff(
                PS_HEADER.encode(), atext[:len(PS_HEADER)].encode(), "expected", "aps"))
        rrows, arows = ps_rows_by_tid(rtext), ps_rows_by_tid(atext)
        if set(rrows) - {main_tid, "0"}:
            raise Fail("harness: the 3.14 reference shows other threads: %s" % list(rrows))
        for tid in rrows:
            got = arows.get(tid, [])
            if len(got) != len(rrows[tid]) or not all(
                    same_row_but_unknown(r, a) for r, a in zip(rrows[tid], got)):
                raise Fail("rows of tid %s differ from the reference's:\n%s" % (tid, show_diff(
                    "\n".join(rrows[tid]).encode(), "\n".join(got).encode(), "reference", "aps")))
        order = list(dict.fromkeys(l.split(" ", 1)[0]
                                   for l in atext[len(PS_HEADER):].split("\n")[:-1]))
        tids_with_tasks = {str(t["tid"]) for t in oracle["tasks"]}
        want = [str(t) for t in reversed([oracle["main_tid"]] + oracle["threads_oldest_first"])
                if str(t) in tids_with_tasks]
        if "0" in tids_with_tasks:
            want.append("0")
        if order != want:
            raise Fail("thread order in aps %s, expected newest first then tid 0: %s"
                       % (order, want))
        for t in oracle["tasks"]:
            prefix = ps_row(t["tid"], t["id"], shown(t["name"], esc))
            if not any(l.startswith(prefix) for l in atext.split("\n")):
                raise Fail("task missing from aps ps: %r" % prefix)
        n_rows = sum(max(1, len(t["awaited_by"])) for t in oracle["tasks"])
        if n_rows != sum(len(v) for v in arows.values()):
            raise Fail("aps ps prints %d rows, the target has %d"
                       % (sum(len(v) for v in arows.values()), n_rows))
    else:
        rblocks, ablocks = tree_blocks(rtext), tree_blocks(atext)
        it = iter(ablocks)
        if not all(any(b == a for a in it) for b in rblocks):
            raise Fail("the reference's trees are not all in aps's output, in order:\n"
                       + show_diff(rout, aps[1], "reference", "aps"))
        names = [m.group(1) for m in map(TASK_LINE.match, atext.split("\n")) if m]
        for t in oracle["tasks"]:
            if names.count(shown(t["name"], esc)) != 1:
                raise Fail("task %r appears %d times in aps pstree"
                           % (t["name"], names.count(shown(t["name"], esc))))
        # The whole forest also matches the oracle (children sorted).
        check_oracle(cmd, ref, aps, oracle, esc)


def main_thread_only(cmd, ref, oracle):
    """What a 3.14 reference would print: `ref` without the non-main threads' tasks."""
    keep = {str(oracle["main_tid"]), "0"}
    text = ref[1].decode()
    if cmd == "ps":
        rows = [l for l in text[len(PS_HEADER):].split("\n")[:-1] if l.split(" ", 1)[0] in keep]
        out = PS_HEADER + "".join(l + "\n" for l in rows)
    else:
        names = {t["name"] for t in oracle["tasks"] if str(t["tid"]) in keep}
        out = "".join(b + "\n" for b in tree_blocks(text)
                      if TASK_LINE.match(b.split("\n", 1)[0]).group(1) in names)
    return (ref[0], out.encode(), ref[2])


def tree_blocks(text):
    """pstree output split into one string per root tree."""
    out = []
    for line in text.split("\n")[:-1]:
        if line.startswith("└── (T) ") or not out:
            out.append([])
        out[-1].append(line)
    return ["\n".join(b) for b in out]


def check_all_interpreters(cmd, ref, aps, oracle, esc):
    """Every interpreter's tasks (the whole output matches the oracle), grouped by interpreter in
    creation order (main first), and the newest interpreter's part is byte-identical to the
    reference's output, which shows that interpreter only."""
    if ref[0] != 0:
        raise Fail("reference failed (exit %d): %r" % (ref[0], ref[1] + ref[2]))
    check_oracle(cmd, ref, aps, oracle, esc)
    order = oracle["interpreters_oldest_first"]
    interp_of_tid = {str(t["tid"]): t.get("interp", 0) for t in oracle["tasks"]}
    interp_of_name = {shown(t["name"], esc): t.get("interp", 0) for t in oracle["tasks"]
                      if t["awaited_by"] == []}
    rtext, atext = decode(ref[1], "reference"), decode(aps[1], "aps")
    if cmd == "ps":
        rows = atext[len(PS_HEADER):].split("\n")[:-1]
        seen = [interp_of_tid[r.split(" ", 1)[0]] for r in rows]
        newest = [r for r in rows if interp_of_tid[r.split(" ", 1)[0]] == order[-1]]
        newest_text = PS_HEADER + "".join(r + "\n" for r in newest)
    else:
        blocks = tree_blocks(atext)
        seen = [interp_of_name[TASK_LINE.match(b.split("\n", 1)[0]).group(1)] for b in blocks]
        newest_text = "".join(b + "\n" for b in blocks
                              if interp_of_name[TASK_LINE.match(b.split("\n", 1)[0]).group(1)]
                              == order[-1])
    groups = list(dict.fromkeys(seen))
    if groups != order or seen != sorted(seen, key=order.index):
        raise Fail("interpreters in aps's output: %s; expected each once, in the order %s"
                   % (seen, order))
    require_equal("the newest interpreter's part (the reference shows only that one)",
                  ref[1], newest_text.encode(), "reference", "aps")
    print("interpreters in order %s; the newest one's part equals the reference" % groups)


CHECKERS = {
    "all_interpreters": check_all_interpreters,
    "oracle": check_oracle,
    "escaped_reference": check_escaped_reference,
    "names_reference": check_names_reference,
    "lines_reference": check_lines_reference,
    "no_asyncio": check_no_asyncio,
    "all_threads": check_all_threads,
}


# ---------------------------------------------------------------------------------------------
# The differential case
# ---------------------------------------------------------------------------------------------

def differential(args, version, tmp):
    oracle_path = os.path.join(tmp, "oracle.json")
    env = dict(os.environ, APS_TEST_ORACLE=oracle_path)
    env.pop("PYTHONPATH", None)
    target = Target([args.python, os.path.join(TARGETS, args.case + ".py")], env=env)
    try:
        with open(oracle_path, encoding="utf-8") as f:
            oracle = json.load(f)
        ref = run([args.python, "-m", "asyncio", args.command, str(target.pid)],
                  env=dict(os.environ, **REFERENCE_ENV.get(args.case, {})))
        target.check_unharmed("the reference")
        aps_env = dict(os.environ, PYTHON=args.python)     # for reference_as_aps.sh
        aps = run([args.aps, args.command, str(target.pid)], env=aps_env)
        target.check_unharmed("aps")
    finally:
        target.stop()

    print("reference: exit %d, %d bytes stdout, %d bytes stderr" % (ref[0], len(ref[1]),
                                                                     len(ref[2])))
    print("aps:       exit %d, %d bytes stdout, %d bytes stderr" % (aps[0], len(aps[1]),
                                                                     len(aps[2])))
    esc = escape
    key = (args.case, version)
    if key in SELF_CHECKS:
        try:
            SELF_CHECKS[key](args.command, ref, oracle)
        except Fail as e:
            raise Fail("harness self-check: a Rule-2 checker rejects right output: %s" % e)
        print("harness self-check passed")
    checker = RULE2.get(key)
    if checker:
        print("Rule 2 (%s): asserting aps's documented output" % checker)
        CHECKERS[checker](args.command, ref, aps, oracle, esc)
        return
    # Rule 1: byte-identical stdout, same exit code.
    expected_rc = 1 if (args.case == "cycle" and args.command == "pstree") else 0
    if ref[0] != expected_rc:
        raise Fail("harness: the reference itself failed (exit %d):\n%s%s"
                   % (ref[0], ref[1].decode(errors="replace"), ref[2].decode(errors="replace")))
    require_equal("stdout", ref[1], aps[1], "reference", "aps")
    if (args.case, args.command) in COMPARE_STDERR:
        require_equal("stderr", ref[2], aps[2], "reference", "aps")
    if ref[0] != aps[0]:
        raise Fail("exit code: reference %d, aps %d; aps stderr %r" % (ref[0], aps[0], aps[2]))


# ---------------------------------------------------------------------------------------------
# Error cases
# ---------------------------------------------------------------------------------------------

def check_error(result, code, *needles):
    rc, out, err = result
    print("aps: exit %d, stdout %r, stderr %r" % (rc, out, err))
    if rc != code:
        raise Fail("aps exit code %d, expected %d" % (rc, code))
    if out:
        raise Fail("aps wrote to stdout on error: %r" % out)
    text = err.decode("utf-8", "replace")
    if not text.startswith("aps: ") or not text.endswith("\n") or text.count("\n") != 1:
        raise Fail("stderr is not one line starting with 'aps: ': %r" % text)
    low = text.lower()
    for group in needles:
        if not any(n.lower() in low for n in group):
            raise Fail("stderr mentions none of %s: %r" % (list(group), text))


def free_pid():
    with open("/proc/sys/kernel/pid_max") as f:
        pid = int(f.read()) - 1
    while os.path.exists("/proc/%d" % pid):
        pid -= 1
    return pid


def aps_as_nobody(aps, tmp):
    """The argv prefix that runs a copy of aps as uid 65534 (setpriv), a copy that user can
    execute whatever the build dir's modes; skips unless we are root and have setpriv."""
    setpriv = shutil.which("setpriv")
    if not setpriv:
        skip("setpriv is missing (util-linux)")
    if os.geteuid() != 0:
        skip("needs root to start a target that uid 65534 cannot trace")
    os.chmod(tmp, 0o755)
    aps_copy = os.path.join(tmp, os.path.basename(aps))
    shutil.copy2(aps, aps_copy)
    os.chmod(aps_copy, 0o755)
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", aps_copy]


def error_case(args, tmp):
    aps_env = dict(os.environ, PYTHON=args.python)
    if args.case == "err_no_such_pid":
        check_error(run([args.aps, args.command, str(free_pid())], env=aps_env), 3)
        return
    if args.case == "err_not_python":
        target = Target(["sleep", "3600"], wait_ready=False)
        try:
            time.sleep(0.2)
            res = run([args.aps, args.command, str(target.pid)], env=aps_env)
            target.check_unharmed("aps")
        finally:
            target.stop()
        check_error(res, 5)
        return
    if args.case == "err_python313":
        # args.python is a 3.13 interpreter here.
        env = dict(os.environ, APS_TEST_ORACLE=os.path.join(tmp, "oracle.json"))
        target = Target([args.python, os.path.join(TARGETS, "restaurant.py")], env=env)
        try:
            res = run([args.aps, args.command, str(target.pid)], env=aps_env)
            target.check_unharmed("aps")
        finally:
            target.stop()
        check_error(res, 5, ("3.13",))
        return
    if args.case == "err_permission":
        as_nobody = aps_as_nobody(args.aps, tmp)
        env = dict(os.environ, APS_TEST_ORACLE=os.path.join(tmp, "oracle.json"))
        target = Target([args.python, os.path.join(TARGETS, "restaurant.py")], env=env)
        try:
            res = run(as_nobody + [args.command, str(target.pid)], env=aps_env)
            target.check_unharmed("aps")
        finally:
            target.stop()
        check_error(res, 4, ("permission denied",),
                    ("root", "CAP_SYS_PTRACE", "ptrace_scope", "same user"))
        return
    raise Fail("unknown error case %s" % args.case)


# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--aps", required=True, help="the aps executable (or reference_as_aps.sh)")
    ap.add_argument("--python", required=True, help="the target interpreter (python3.14/3.15)")
    ap.add_argument("--case", required=True, choices=CASES + ERROR_CASES)
    ap.add_argument("--command", required=True, choices=["ps", "pstree"])
    args = ap.parse_args()

    exit_on_signals("difftest")
    if not os.access(args.aps, os.X_OK):
        print("FAIL: aps executable %s not found" % args.aps)
        return 1
    from hardlib import run_main  # not at the top: hardlib imports this module

    def body(tmp):
        if args.case.startswith("err_"):
            error_case(args, tmp)
        else:
            version = python_version(args.python)
            print("case %s, %s, python %s, aps %s" % (args.case, args.command, version, args.aps))
            differential(args, version, tmp)

    return run_main("aps-difftest-", body)

if __name__ == "__main__":
    # Run as the module hardlib imports, so that the Fail raised here is the one it catches.
    import difftest
    sys.exit(difftest.main())
