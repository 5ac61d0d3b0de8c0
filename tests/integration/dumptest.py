#!/usr/bin/env python3
"""Differential test of `aps dump` against `python3.15 -m profiling.sampling dump PID`.

    dumptest.py --aps PATH --python PATH --case NAME
    dumptest.py --aps PATH --python PATH --case usage

Starts tests/integration/targets/NAME.py with PYTHON, waits for READY, then for every option
set in OPTION_SETS runs aps dump on the live process and compares:

  - on a 3.15 target: with the reference run on the same process, the same stdout bytes and
    the same exit code (Rule 1 of docs/design.md, "The output contract"), every other option set
    in colour (FORCE_COLOR=1, as on a terminal);
  - on a 3.14 target (the reference reads only its own version): with the reference run on the
    same program started under python3.15 next to it, the same stacks: the same sections, each
    with the same frames of the program's own file (function, line, source line) and the same
    other frames by function name, the numbers that differ between two processes (pid, thread
    and task ids) and the standard library's lines left out.

`usage` checks the option sets the reference refuses: aps refuses them too, exit 2, with the
reference's words. Only targets this driver started are killed (by pid). Exit status: 0 pass,
1 fail, 77 skipped. Standard library only.
"""
import argparse
import os
import re
import subprocess
import sys

import difftest
from difftest import Fail, Target, TARGETS, python_version, require_equal, run

OPTION_SETS = [
    [], ["-a"], ["-a", "--native"], ["--no-gc"], ["--opcodes"], ["-a", "--native", "--opcodes"],
    ["--async-aware"], ["--async-aware", "--async-mode", "running"],
    ["--async-aware", "--async-mode", "all"], ["-a", "--blocking"],
]

# Rule 2 (README, "aps dump" differences): with subinterpreters, the reference's dump without -a
# shows the newest subinterpreter's main thread, and --async-aware reads only the newest
# interpreter's tasks; aps shows the process's main thread and every interpreter's tasks. For
# these sets aps's first section must be the process's main thread, or hold every interpreter's
# tasks (at least the reference's sections); the -a sets stay byte-identical.
def rule2_subinterpreters(options, ref, aps, pid):
    first = re.sub(r"\x1b\[[0-9;]*m", "", aps.split("\n", 1)[0])
    if "--async-aware" in options:
        if aps.count("Stack dump") < ref.count("Stack dump"):
            raise Fail("aps should show every interpreter's tasks: %d sections, reference %d"
                       % (aps.count("Stack dump"), ref.count("Stack dump")))
    elif not first.startswith("Stack dump for PID %d, thread %d (main thread" % (pid, pid)):
        raise Fail("aps should show the process's main thread first: %r" % first)


RULE2 = {"subinterpreters": (lambda options: "-a" not in options, rule2_subinterpreters)}

# Option sets the reference refuses, and words of its message that aps's must hold.
REFUSED = [
    (["--async-aware", "-a"], "Options --all-threads are incompatible with --async-aware"),
    (["--async-aware", "--native", "--no-gc"],
     "Options --native, --no-gc are incompatible with --async-aware"),
    (["--async-mode", "all"], "--async-mode requires --async-aware to be enabled"),
    (["--async-aware", "--async-mode", "some"], "invalid choice"),
]


def start(python, case, tmp, tag):
    env = dict(os.environ, APS_TEST_ORACLE=os.path.join(tmp, "oracle-%s.json" % tag))
    env.pop("PYTHONPATH", None)
    return Target([python, os.path.join(TARGETS, case + ".py")], env=env)


def reference_python(python):
    """The python3.15 next to PYTHON (same build flavour: -dbg, -nopie or plain)."""
    d, name = os.path.split(python)
    return os.path.join(d, re.sub(r"python3\.1[45]", "python3.15", name))


def same_stacks(ref, aps, ref_pid, aps_pid, own_file):
    """The 3.14 comparison: sections as sets of normalized frame lists."""
    def sections(text, pid):
        out = []
        for block in text.split("\n\n"):
            lines = block.rstrip("\n").split("\n")
            header = re.sub(r"\d+", "N", lines[0].replace(" for PID %d" % pid, ""))
            frames = []
            i = 1
            while i < len(lines):
                line = lines[i]
                source = None
                if i + 1 < len(lines) and lines[i + 1].startswith("    "):
                    source = lines[i + 1]
                    i += 1
                i += 1
                line = re.sub(r"  opcode=.*$", "", line)
                m = re.match(r'  File "(.*)", (?:line (-?\d+), )?in (.*)$', line)
                if m and m.group(1) == own_file:
                    frames.append((line, source))
                elif m and m.group(1) == "<task>":
                    # Which task gets which default name, and which of several awaiters has
                    # the lowest id, differ between two processes: numbers are left out.
                    frames.append(("<task>", re.sub(r"\d+", "N", m.group(3))))
                elif m:
                    frames.append(("function", m.group(3)))
                else:
                    frames.append((line.strip(),))
            out.append((header, frames))
        return sorted(out)
    def text(stacks):
        return "\n".join(repr(s) for s in stacks).encode()
    require_equal("stacks (3.14 against 3.15's reference)", text(sections(ref, ref_pid)),
                  text(sections(aps, aps_pid)), "reference on 3.15", "aps on 3.14")


def differential(args, version, tmp):
    target = start(args.python, args.case, tmp, "target")
    twin = None
    try:
        if version == "3.14":
            twin = start(reference_python(args.python), args.case, tmp, "twin")
        for options in OPTION_SETS:
            shown = " ".join(options) or "(no options)"
            ref_pid = (twin or target).pid
            # Colour as on a terminal (FORCE_COLOR) every other set, on 3.15: the same bytes.
            colour = version == "3.15" and OPTION_SETS.index(options) % 2 == 1
            env = dict(os.environ, FORCE_COLOR="1") if colour else None
            if colour:
                shown += " (in colour)"
            ref = run([reference_python(args.python), "-m", "profiling.sampling", "dump"]
                      + options + [str(ref_pid)], env=env)
            (twin or target).check_unharmed("the reference")
            aps = run([args.aps, "dump"] + options + [str(target.pid)], env=env)
            target.check_unharmed("aps")
            print("%s: reference exit %d, %d bytes; aps exit %d, %d bytes"
                  % (shown, ref[0], len(ref[1]), aps[0], len(aps[1])))
            if ref[0] != 0:
                raise Fail("harness: the reference failed with %s (exit %d):\n%s"
                           % (shown, ref[0], ref[2].decode(errors="replace")))
            if aps[0] != ref[0]:
                raise Fail("%s: aps exit %d, reference %d; aps stderr:\n%s"
                           % (shown, aps[0], ref[0], aps[2].decode(errors="replace")))
            rule2 = RULE2.get(args.case)
            if rule2 and rule2[0](options):
                print("  Rule 2: aps's documented output")
                rule2[1](options, ref[1].decode(), aps[1].decode(), target.pid)
            elif version == "3.15":
                require_equal("stdout of dump %s" % shown, ref[1], aps[1], "reference", "aps")
            else:
                own = os.path.join(TARGETS, args.case + ".py")
                same_stacks(ref[1].decode(), aps[1].decode(), ref_pid, target.pid, own)
    finally:
        target.stop()
        if twin is not None:
            twin.stop()


def usage(args):
    for options, words in REFUSED:
        ref = run([reference_python(args.python), "-m", "profiling.sampling", "dump"]
                  + options + ["1"])
        aps = run([args.aps, "dump"] + options + ["1"])
        err = aps[2].decode(errors="replace")
        print("%s: reference exit %d, aps exit %d: %s" % (options, ref[0], aps[0], err.strip()))
        if ref[0] != 2 or words not in ref[2].decode(errors="replace"):
            raise Fail("harness: the reference no longer refuses %s as expected" % options)
        if aps[0] != 2 or words not in err or err.count("\n") != 1 or aps[1]:
            raise Fail("aps dump %s: expected exit 2 and one line with %r" % (options, words))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--aps", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--case", required=True)
    args = ap.parse_args()
    difftest.exit_on_signals("dumptest")
    from hardlib import run_main

    def body(tmp):
        if args.case == "usage":
            usage(args)
            return
        version = python_version(args.python)
        print("dump case %s, python %s, aps %s" % (args.case, version, args.aps))
        differential(args, version, tmp)

    return run_main("aps-dumptest-", body)


if __name__ == "__main__":
    sys.exit(main())
