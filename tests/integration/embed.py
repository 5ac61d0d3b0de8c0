#!/usr/bin/env python3
"""Programs that carry CPython other than as /usr/bin/python3.X, read by aps.

    embed.py --aps PATH --python PATH --case shared|renamed

shared   tests/integration/embed/host.c, compiled now with the system cc against the headers of
         the provisioned libpython3.X-dev and linked to the shared libpython3.X.so (with the
         provisioned tree's dynamic loader and an rpath to its libc, as scripts/
         provision-pythons.sh does for the interpreters). The runtime lives in the
         libpython3.X.so mapping; the executable is called asyncio-host.
renamed  the interpreter copied to asyncio-app: the runtime is in an executable whose name does
         not say python (as in a program that links libpython statically).
Both run targets/call_graph.py; aps ps and pstree must hold exactly the tasks, stacks and awaiters
the program reports about itself through asyncio.capture_call_graph, and for `shared` print the
same bytes as the reference (`python3.X -m asyncio ps|pstree PID`). The reference cannot read
`renamed` (it looks for the runtime only in files named python: "Failed to find the PyRuntime
section"); that is checked too, so that the difference documented in the README stays true.
Exit 0 pass, 1 fail, 77 skip (no C compiler, or no headers in the provisioned tree).
"""
import glob
import json
import os
import shutil
import sys

from hardlib import (TARGETS, Fail, check_unharmed, difftest, driver_parser, run, run_main, skip,
                     target_env)

HERE = os.path.dirname(os.path.abspath(__file__))
HOST_C = os.path.join(HERE, "embed", "host.c")
TARGET = os.path.join(TARGETS, "call_graph.py")


def tree_of(python):
    """(usr directory of the provisioned tree, version "3.X")."""
    real = os.path.realpath(python)
    usr = os.path.dirname(os.path.dirname(real))
    version = difftest.python_version(python)
    return usr, version


def build_host(usr, version, tmp):
    cc = shutil.which(os.environ.get("CC", "cc"))
    if not cc:
        skip("no C compiler (cc) to build the embedding host")
    headers = os.path.join(usr, "include", "python" + version)
    libs = glob.glob(os.path.join(usr, "lib", "*-linux-gnu", "libpython%s.so.1.0" % version))
    if not os.path.exists(os.path.join(headers, "Python.h")) or not libs:
        skip("no Python.h or libpython%s.so.1.0 under %s (libpython%s-dev; "
             "scripts/provision-pythons.sh)" % (version, usr, version))
    libdir = os.path.dirname(libs[0])
    loader = os.path.join(libdir, "ld-linux-x86-64.so.2")
    root = os.path.dirname(usr)
    rpath = "%s:%s" % (libdir, os.path.join(root, "lib", os.path.basename(libdir)))
    host = os.path.join(tmp, "asyncio-host")
    # The tree's headers come after the system's (-idirafter): only Python's are taken from it,
    # not its newer libc's. The tree's libc resolves libpython's own references at run time.
    argv = [cc, "-O1", "-o", host, HOST_C, "-I", headers, "-idirafter", os.path.join(usr, "include"),
            libs[0], "-Wl,--allow-shlib-undefined", "-Wl,--disable-new-dtags",
            "-Wl,-rpath," + rpath]
    if os.path.exists(loader):
        argv.append("-Wl,--dynamic-linker=" + loader)
    res = run(argv, timeout=120)
    if res[0] != 0:
        raise Fail("cannot build the host: %s\n%s" % (" ".join(argv), res[2].decode(errors="replace")))
    print("built %s against %s" % (host, libs[0]))
    return host, os.path.basename(libs[0])


def runtime_holder(pid, expected):
    with open("/proc/%d/maps" % pid) as f:
        names = {os.path.basename(l.split()[-1]) for l in f if "/" in l}
    if expected not in names:
        raise Fail("the target does not map %s: %s" % (expected, sorted(names)))


def compare(args, target, oracle, reference_reads):
    for command in ("ps", "pstree"):
        ref = run([args.python, "-m", "asyncio", command, str(target.pid)])
        aps = run([args.aps, command, str(target.pid)])
        check_unharmed(target)
        print("%s: reference exit %d (%d bytes), aps exit %d (%d bytes) %r"
              % (command, ref[0], len(ref[1]), aps[0], len(aps[1]), aps[2]))
        if aps[0] != 0 or aps[2]:
            raise Fail("aps %s: exit %d, stderr %r" % (command, aps[0], aps[2]))
        difftest.check_oracle(command, ref, aps, oracle, difftest.escape)
        print("%s: tasks, stacks and awaiters as capture_call_graph reports them" % command)
        if reference_reads:
            if ref[0] != 0:
                raise Fail("reference %s failed: %r" % (command, ref[1] + ref[2]))
            difftest.require_equal("%s stdout" % command, ref[1], aps[1], "reference", "aps")
            print("%s: same bytes as the reference" % command)
        elif ref[0] == 0 or b"PyRuntime" not in ref[1] + ref[2]:
            raise Fail("the reference was expected to miss the runtime: exit %d %r"
                       % (ref[0], ref[1][:200] + ref[2][:200]))
        else:
            print("%s: the reference cannot read it: %s"
                  % (command, (ref[1] + ref[2]).decode(errors="replace").strip()))


def embedded(args, tmp):
    usr, version = tree_of(args.python)
    if args.case == "shared":
        exe, holder = build_host(usr, version, tmp)
    else:
        exe = os.path.join(tmp, "asyncio-app")
        shutil.copy2(os.path.realpath(args.python), exe)
        holder = "asyncio-app"
    env = target_env(tmp, PYTHONHOME=usr)
    target = difftest.Target([exe, TARGET], env=env)
    try:
        runtime_holder(target.pid, holder)
        with open(os.path.join(tmp, "oracle.json"), encoding="utf-8") as f:
            oracle = json.load(f)
        print("the program's own asyncio.format_call_graph of its first task:\n%s"
              % oracle["format_call_graph"][0])
        compare(args, target, oracle, reference_reads=args.case == "shared")
    finally:
        target.stop()


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--case", required=True, choices=["shared", "renamed"])
    args = ap.parse_args()
    return run_main("aps-embed-", lambda tmp: embedded(args, tmp))


if __name__ == "__main__":
    sys.exit(main())
