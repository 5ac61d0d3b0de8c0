#!/usr/bin/env python3
"""`aps watch` on live targets: the full screen in tmux, and the plain log mode.

    watch.py --aps PATH --python PATH --case NAME

Cases (each against tests/integration/targets/watch_parks.py, whose "parked-forever" task and
Task-1 stay parked from the start while three "mover-N" tasks change await site every 0.5 s):
  tty_quit         aps watch in a detached tmux session (120x40): rows, order, summary, colour;
                   after a resize to 75x20 every row is cut to the new width; `q` exits 0 and leaves the
                   alternate screen, cursor and terminal modes (stty -g) as they were
  tty_ctrl_c       the same, quit with Ctrl-C: aps dies of SIGINT (the shell sees 130), the
                   terminal is restored; NO_COLOR=1 leaves no colour on the screen
  tty_target_exit  the target is killed while watched: exit 3, a final `aps: ...` line on the
                   main screen, terminal restored
  log_count        stdout a pipe: --count 3 --interval 0.5 prints 3 timestamped blocks, no escape
                   sequences, exit 0; the parked task's time grows, movers stay below it
  log_target_exit  stdout a pipe, the target killed: exit 3 and one `aps: ` line on stderr
  log_bad_interval --interval nan, inf, -inf or a hex float: a usage error at once (exit 2, one
                   `aps: ` line), never a loop that spins deaf to SIGTERM

The tmux server runs on a private socket and is killed (by its own kill-server) at the end; the
target is killed by pid.  No timing assertions: waits poll the screen with generous timeouts.
Exit status: 0 pass, 1 fail, 77 skipped (no tmux).  Standard library only.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

from hardlib import TARGETS, Fail, difftest, driver_parser, run_main, skip

ROW = re.compile(r"^ *(\d[0-9.smhd]*)(\+?) +(0x[0-9a-f]+) +(\S+) +(.*)$")


def seconds(text):
    """Park time text ("12.3s", "1m02s", "1h02m", "1d02h") in seconds."""
    m = re.fullmatch(r"(\d+)\.(\d)s", text)
    if m:
        return int(m.group(1)) + int(m.group(2)) / 10
    m = re.fullmatch(r"(\d+)([mhd])(\d+)[smh]", text)
    if not m:
        raise Fail("bad park time %r" % text)
    unit = {"m": (60, 1), "h": (3600, 60), "d": (86400, 3600)}[m.group(2)]
    return int(m.group(1)) * unit[0] + int(m.group(3)) * unit[1]


def task_rows(lines):
    """[(seconds, before_first_sample, id, name, rest)] of the task rows, top to bottom."""
    rows = []
    for line in lines:
        m = ROW.match(line)
        if m:
            rows.append((seconds(m.group(1)), m.group(2) == "+", m.group(3), m.group(4),
                         m.group(5)))
    return rows


def check_rows(rows, where):
    """Parked-forever and Task-1 (parked since the start) come first, the movers after."""
    names = [r[3] for r in rows]
    if sorted(names) != ["Task-1", "mover-1", "mover-2", "mover-3", "parked-forever"]:
        raise Fail("%s: unexpected task rows %r" % (where, names))
    if set(names[:2]) != {"Task-1", "parked-forever"}:
        raise Fail("%s: the tasks parked since the start are not first: %r" % (where, rows))
    first, movers = rows[:2], rows[2:]
    for r in first:
        if not r[1]:
            raise Fail("%s: %s lacks the '+' of a task parked before the first sample: %r"
                       % (where, r[3], r))
    slowest_mover = max(r[0] for r in movers)
    if not all(r[0] >= slowest_mover for r in first) or first[1][0] > first[0][0]:
        raise Fail("%s: rows not ordered longest first: %r" % (where, rows))
    if first[0][0] <= 0:
        raise Fail("%s: the parked task shows no park time after several samples: %r"
                   % (where, rows))
    for r in movers:
        if r[0] >= first[0][0]:
            raise Fail("%s: mover %s parked as long as the parked task: %r" % (where, r[3], rows))
    frames = {r[3]: r[4] for r in rows}
    if not re.match(r"Event\.wait (\S*/)?locks\.py:\d+ ", frames["parked-forever"]):
        raise Fail("%s: parked-forever's current frame: %r" % (where, frames["parked-forever"]))
    if "Event.wait -> parked_forever" not in frames["parked-forever"]:
        raise Fail("%s: parked-forever's stack: %r" % (where, frames["parked-forever"]))
    if "sleep -> mover" not in frames["mover-1"]:
        raise Fail("%s: mover-1's stack: %r" % (where, frames["mover-1"]))


class Tmux:
    """A private tmux server (own socket) with one detached 120x40 session running bash."""

    def __init__(self, tmp, env_extra):
        self.socket = os.path.join(tmp, "tmux.sock")
        env = dict(os.environ)
        env.pop("NO_COLOR", None)
        env.pop("TMUX", None)
        env.update(env_extra)
        self.env = env
        self.tmux("-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40", "-s", "w",
                  "bash --norc --noprofile")
        self.tmux("set-option", "-g", "status", "off")
        self.wait_for(lambda s: s.strip() != "", "shell prompt")

    def tmux(self, *args):
        p = subprocess.run(["tmux", "-S", self.socket] + list(args), env=self.env,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        if p.returncode != 0:
            raise Fail("tmux %s: %s" % (" ".join(args), p.stderr.decode(errors="replace")))
        return p.stdout.decode("utf-8", "replace")

    def type(self, text):
        self.tmux("send-keys", "-t", "w", "-l", text)
        self.tmux("send-keys", "-t", "w", "Enter")

    def key(self, key):
        self.tmux("send-keys", "-t", "w", key)

    def screen(self, escapes=False):
        args = ["capture-pane", "-p", "-t", "w"] + (["-e"] if escapes else [])
        return self.tmux(*args)

    def flag(self, name):
        return self.tmux("display-message", "-p", "-t", "w", "#{%s}" % name).strip()

    def wait_for(self, predicate, what, timeout=30.0):
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if predicate(text):
                return text
            if time.monotonic() > deadline:
                raise Fail("no %s on the screen within %.0f s; screen:\n%s" % (what, timeout, text))
            time.sleep(0.2)

    def close(self):
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], env=self.env,
                       capture_output=True, timeout=30)


def sample_number(screen):
    m = re.search(r"^aps watch  pid .* sample (\d+)", screen)
    return int(m.group(1)) if m else 0


def parked_forever_time(screen):
    times = [r[0] for r in task_rows(screen.splitlines()) if r[3] == "parked-forever"]
    return times[0] if times else -1


def start_target(python):
    return difftest.Target([python, os.path.join(TARGETS, "watch_parks.py")],
                           env=dict(os.environ, PYTHONPATH=TARGETS))


def run_in_tmux(args, tmp, quit_with, expect_exit, no_color=False):
    target = start_target(args.python)
    version = difftest.python_version(args.python)
    tmux = Tmux(tmp, {"NO_COLOR": "1"} if no_color else {})
    before, after = os.path.join(tmp, "stty.before"), os.path.join(tmp, "stty.after")
    try:
        # The trap keeps the shell going after aps dies of SIGINT (an interactive bash would
        # drop the rest of the line); aps itself starts with SIGINT at its default action.
        tmux.type("trap : INT; stty -g > %s; %s watch %d; echo APS-EXIT=$?; stty -g > %s"
                  % (before, args.aps, target.pid, after))
        screen = tmux.wait_for(lambda s: sample_number(s) >= 4, "4th sample")
        lines = screen.splitlines()
        header = "aps watch  pid %d  Python %s  5 tasks  " % (target.pid, version)
        if not lines[0].startswith(header):
            raise Fail("header %r does not start %r" % (lines[0], header))
        if tmux.flag("alternate_on") != "1":
            raise Fail("aps watch is not on the alternate screen")
        if tmux.flag("cursor_flag") != "0":
            raise Fail("the cursor is visible during aps watch")
        summary = lines[1]
        for part in ("coroutines:", "sleep 3", "Event.wait 1", "main 1"):
            if part not in summary:
                raise Fail("summary %r lacks %r" % (summary, part))
        if not re.match(r"^ +PARKED +TASK ID +TASK NAME +CURRENT FRAME +COROUTINE STACK$",
                        lines[3]):
            raise Fail("column header: %r" % lines[3])
        check_rows(task_rows(lines), "screen at sample %d" % sample_number(screen))
        coloured = tmux.screen(escapes=True)
        has_sgr = "\x1b[" in coloured
        if no_color and has_sgr:
            raise Fail("NO_COLOR=1 but the screen has attributes:\n%r" % coloured)
        if not no_color and "\x1b[7m" not in coloured:
            raise Fail("no reverse-video column header on a colour terminal:\n%r" % coloured)
        print("screen at sample %d:\n%s" % (sample_number(screen), screen.rstrip()))

        if quit_with == "q":
            # A narrower window: the next screen fits it, and the rows are cut at its edge (the
            # movers' rows, "... sleep -> mover", are longer than 75 columns).
            wide = [l for l in lines if "mover-1" in l][0]
            if len(wide) <= 75:
                raise Fail("mover row too short to test the cut: %r" % wide)
            tmux.tmux("resize-window", "-t", "w", "-x", "75", "-y", "20")
            # The header's sample number is cut off at this width: a new sample shows as a longer
            # park time of parked-forever.
            seen = parked_forever_time(tmux.screen())
            small = tmux.wait_for(lambda s: parked_forever_time(s) > seen,
                                  "sample after the resize")
            small_lines = small.splitlines()
            if len(small_lines) > 20 or any(len(l) > 75 for l in small_lines):
                raise Fail("screen does not fit 75x20 after the resize:\n%s" % small)
            if not small_lines[0].startswith("aps watch  pid") or len(task_rows(small_lines)) != 5:
                raise Fail("screen after the resize:\n%s" % small)
            cut = [l for l in small_lines if "mover-1" in l][0]
            if len(cut) != 75 or cut[8:] != wide[8:75]:
                raise Fail("the mover row is not cut at column 75: %r (at 120: %r)" % (cut, wide))
            print("after the resize to 75x20:\n%s" % small.rstrip())
            tmux.key("q")
        elif quit_with == "C-c":
            tmux.key("C-c")
        else:
            target.stop()
        done = tmux.wait_for(lambda s: re.search(r"APS-EXIT=\d+", s), "exit status of aps")
        code = int(re.search(r"APS-EXIT=(\d+)", done).group(1))
        if code != expect_exit:
            raise Fail("aps exited %d, expected %d; screen:\n%s" % (code, expect_exit, done))
        if tmux.flag("alternate_on") != "0":
            raise Fail("the alternate screen is still on after aps exited")
        if tmux.flag("cursor_flag") != "1":
            raise Fail("the cursor is still hidden after aps exited")
        tmux.wait_for(lambda s: os.path.exists(after), "stty after", timeout=10)
        deadline = time.monotonic() + 10
        while not (os.path.exists(after) and open(after).read().strip()):
            if time.monotonic() > deadline:
                raise Fail("stty -g did not run after aps")
            time.sleep(0.1)
        if open(before).read() != open(after).read():
            raise Fail("terminal modes differ after aps:\n%s\n%s"
                       % (open(before).read(), open(after).read()))
        if "aps watch  pid" in done:
            raise Fail("the watch screen is still visible after exit:\n%s" % done)
        if quit_with == "kill":
            line = "aps: process %d exited" % target.pid
            if line not in done:
                raise Fail("no final line %r on the main screen:\n%s" % (line, done))
        print("after exit:\n%s" % done.rstrip())
    finally:
        tmux.close()
        target.stop()


def case_log_count(args, tmp):
    target = start_target(args.python)
    try:
        env = dict(os.environ)
        env.pop("NO_COLOR", None)
        env["TERM"] = "xterm-256color"
        rc, out, err = difftest.run([args.aps, "watch", "--count", "3", "--interval", "0.5",
                                     str(target.pid)], env=env)
        text = out.decode("utf-8")
        if rc != 0 or err:
            raise Fail("exit %d, stderr %r" % (rc, err))
        if "\x1b" in text:
            raise Fail("escape sequences in the log output")
        blocks = text.split("\n\n")
        if blocks[-1] != "" or len(blocks) != 4:
            raise Fail("expected 3 blocks each ended by an empty line:\n%s" % text)
        stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z  pid %d  Python \d+\.\d+  "
                           r"5 tasks  sample (\d+)$" % target.pid)
        parked = []
        for i, block in enumerate(blocks[:3], 1):
            lines = block.split("\n")
            m = stamp.match(lines[0])
            if not m or int(m.group(1)) != i:
                raise Fail("block %d header: %r" % (i, lines[0]))
            rows = task_rows(lines)
            if len(rows) != 5:
                raise Fail("block %d rows:\n%s" % (i, block))
            if i == 3:
                check_rows(rows, "block 3")
            parked.append([r[0] for r in rows if r[3] == "parked-forever"][0])
            if "/asyncio/locks.py:" not in block:
                raise Fail("the log does not show full file names:\n%s" % block)
        # Three samples at 0.5 s intervals span at least a second: the clock ran.
        if not parked[0] <= parked[1] <= parked[2] or parked[2] < 1.0:
            raise Fail("parked-forever's times across blocks: %r" % parked)
        print(text.rstrip())
    finally:
        target.stop()


def case_log_target_exit(args, tmp):
    target = start_target(args.python)
    p = subprocess.Popen([args.aps, "watch", "--interval", "0.2", str(target.pid)],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         preexec_fn=difftest._pdeathsig)
    try:
        first = p.stdout.readline()
        if not first:
            raise Fail("no output from aps watch; stderr %r" % p.stderr.read())
        target.stop()
        out, err = p.communicate(timeout=60)
        expected = "aps: process %d exited" % target.pid
        if p.returncode != 3 or not err.decode().startswith(expected) or err.count(b"\n") != 1:
            raise Fail("exit %d, stderr %r; expected 3 and one line %r"
                       % (p.returncode, err, expected))
        print("exit 3: %s" % err.decode().strip())
    finally:
        if p.poll() is None:
            os.kill(p.pid, signal.SIGKILL)
            p.wait()
        target.stop()


def case_log_bad_interval(args, tmp):
    target = start_target(args.python)
    try:
        for text in ("nan", "inf", "-inf", "0x1p-3"):
            rc, out, err = difftest.run([args.aps, "watch", "--interval", text, "--count", "2",
                                         str(target.pid)], timeout=20)
            if rc != 2 or out or not err.startswith(b"aps: --interval: ") or \
                    err.count(b"\n") != 1:
                raise Fail("--interval %s: exit %d, stdout %d bytes, stderr %r; expected exit 2 "
                           "and one line" % (text, rc, len(out), err))
            print("--interval %-6s exit 2: %s" % (text, err.decode().strip()))
    finally:
        target.stop()


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--case", required=True,
                    choices=["tty_quit", "tty_ctrl_c", "tty_target_exit", "log_count",
                             "log_target_exit", "log_bad_interval"])
    args = ap.parse_args()
    if not os.path.exists(args.python):
        skip("no %s" % args.python)
    if args.case.startswith("tty") and shutil.which("tmux") is None:
        skip("tmux is not installed (scripts/install-deps.sh installs it)")

    def body(tmp):
        if args.case == "tty_quit":
            run_in_tmux(args, tmp, "q", 0)
        elif args.case == "tty_ctrl_c":
            run_in_tmux(args, tmp, "C-c", 128 + signal.SIGINT, no_color=True)
        elif args.case == "tty_target_exit":
            run_in_tmux(args, tmp, "kill", 3)
        elif args.case == "log_count":
            case_log_count(args, tmp)
        elif args.case == "log_bad_interval":
            case_log_bad_interval(args, tmp)
        else:
            case_log_target_exit(args, tmp)

    return run_main("aps-watch-", body)


if __name__ == "__main__":
    sys.exit(main())
