#!/usr/bin/env python3
"""Random command lines against the real binary: every failure is one `aps: ` line and exit 2.

    cli_fuzz.py --aps PATH --python PATH [--lines N] [--seed S]

Builds N (default 2000) command lines from aps's own words (commands, options, formats), numbers
in many spellings (leading zeros, hex, exponents, nan, signs) and hostile bytes (ESC sequences,
newlines, invalid UTF-8, bidi controls), and runs `aps` on each. Every pid it can name is a free
one and every file missing, so a line that parses ends at once too (3: no such process; 7, 8: no
such file): numbers that name a live process are left out, small numbers appear only as the
value of --retries, --count or --interval, and the words "--" and "-" (which would turn such a
value into a pid) are not used. Checked for every run: it ends within 10 s and not by a signal; exit 0 only for
--help or --version (help on stdout, nothing on stderr); any other exit writes nothing on stdout
and exactly one line on stderr, "aps: ...", valid UTF-8 without control characters; and a usage
error (2) carries none of CLI11's wording. The same seed gives the same lines; the first failure
is printed with its command line.  Exit 0 pass, 1 fail.
"""
import os
import random
import subprocess
import sys

from hardlib import Fail, difftest, driver_parser, run_main

CLI11_WORDS = (b"Check", b"FAILED", b"->", b"The following", b"required", b"Expected",
               b"excludes", b"requires", b"Run 'aps", b"flag override", b"At Most",
               b"Could not convert", b"not an allowed value")


def vocabulary(free_pid, tmp):
    missing = os.path.join(tmp, "missing")
    commands = ["ps", "pstree", "watch"]
    options = ["--format", "--retries", "--count", "--interval", "--core", "--sysroot", "--exe",
               "--stop", "-v", "--verbose", "--bogus", "-x", "-vv", "--stop=1", "--format=json",
               "--format=", "--retries=2", "--interval=0.5", "--core=" + missing, "---", "-="]
    values = ["table", "tree", "json", "ndjson", "dot", "JSON", "xml", "0x10", "0X1f", "1e3",
              "1.5", ".5", "0.1", "nan", "NaN", "inf", "-inf", "+1", "-1", "-0", " 5", "5 ", "",
              "99999999999999999999", "0b11", "0o7", "0x1p-3", "٣", "0", "00"]
    pids = [str(free_pid), "0" + str(free_pid), "00" + str(free_pid), "2147483647"]
    files = [missing, missing + "/", "/dev/null/x"]
    hostile = ["\x1b[31mred", "a\nb", "\r", "\x07", "\x7f", "\u202e", "\x1b]0;title\x07",
               os.fsdecode(b"\xff\xfe"), "\t", "\x1b[2J"]
    # Values for the numeric options only: never a live pid, should the parser take one as such.
    numbers = [n for n in ["1", "2", "3", "01", "010", "0010", "1000", "1001", "86400", "86401",
                           "0.5", "010.5", "2147483648"] if not os.path.exists("/proc/%d" % float(n))]
    return commands, options, values + pids + files + hostile, pids, numbers


NUMERIC = ("--retries", "--count", "--interval")


def random_line(rng, words):
    commands, options, values, pids, numbers = words
    line = []
    if rng.random() < 0.85:
        line.append(rng.choice(commands + ["top", "PS", "--help"] if rng.random() < 0.1
                               else commands))
    for _ in range(rng.randint(0, 6)):
        r = rng.random()
        if line and line[-1] in NUMERIC and r < 0.7:
            line.append(rng.choice(numbers))
        elif r < 0.45:
            line.append(rng.choice(options))
        elif r < 0.6:
            line.append(rng.choice(pids))
        else:
            line.append(rng.choice(values))
    if rng.random() < 0.02:
        line.append(rng.choice(["-h", "--help", "-V", "--version"]))
    return line


def check(argv, rc, out, err):
    shown = " ".join(repr(a) for a in argv[1:])
    if rc < 0:
        raise Fail("killed by signal %d: %s" % (-rc, shown))
    asked_help = any(a in ("-h", "--help", "-V", "--version") or
                     (a.startswith("-") and not a.startswith("--") and "h" in a[1:]) or
                     (a.startswith("-") and not a.startswith("--") and "V" in a[1:])
                     for a in argv[1:])
    if rc == 0:
        if not asked_help or err or not out:
            raise Fail("exit 0 (stdout %d bytes, stderr %r): %s" % (len(out), err, shown))
        return
    if rc not in (2, 3, 7, 8):
        raise Fail("exit %d (stderr %r): %s" % (rc, err, shown))
    if out:
        raise Fail("exit %d wrote to stdout %r: %s" % (rc, out[:200], shown))
    if not err.startswith(b"aps: ") or not err.endswith(b"\n") or err.count(b"\n") != 1:
        raise Fail("exit %d, stderr is not one 'aps: ' line: %r: %s" % (rc, err, shown))
    try:
        text = err.decode("utf-8")
    except UnicodeDecodeError:
        raise Fail("stderr is not valid UTF-8: %r: %s" % (err, shown))
    if any(ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0 or c == "\u202e" for c in text[:-1]):
        raise Fail("a control character reaches stderr: %r: %s" % (err, shown))
    if rc == 2:
        for w in CLI11_WORDS:
            if w in err:
                raise Fail("CLI11's wording %r in %r: %s" % (w, err, shown))


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20261126)
    args = ap.parse_args()

    def body(tmp):
        rng = random.Random(args.seed)
        words = vocabulary(difftest.free_pid(), tmp)
        seen = {}
        for _ in range(args.lines):
            argv = [args.aps] + random_line(rng, words)
            try:
                # Not difftest.run: its preexec_fn makes every start a slow fork.
                done = subprocess.run([os.fsencode(a) for a in argv], stdin=subprocess.DEVNULL,
                                      capture_output=True, timeout=10)
            except subprocess.TimeoutExpired:
                raise Fail("hang: %s" % " ".join(repr(a) for a in argv[1:]))
            rc, out, err = done.returncode, done.stdout, done.stderr
            check(argv, rc, out, err)
            seen[rc] = seen.get(rc, 0) + 1
            if rc == 2 and seen[rc] <= 12:
                print("  %-60s %s" % (" ".join(repr(a) for a in argv[1:])[:60],
                                      err.decode().rstrip()))
        print("%d command lines (seed %d): exit codes %s"
              % (args.lines, args.seed, dict(sorted(seen.items()))))
        if seen.get(2, 0) < args.lines // 2:
            raise Fail("fewer than half the lines were usage errors: the vocabulary is off")

    return run_main("aps-cli-fuzz-", body)


if __name__ == "__main__":
    sys.exit(main())
