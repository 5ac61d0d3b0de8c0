#!/usr/bin/env python3
"""The static aps alone in an empty root: `chroot DIR /aps ps|pstree PID` on a target outside.

    chroot.py --aps PATH --python PATH

DIR holds nothing but a copy of aps and a /proc mounted in a private mount namespace (unshare
--mount, so the mount never shows on the host): no libraries, no /usr, no python tree, the way
`kubectl debug` with a bare image or `docker cp` into a distroless container runs it (README,
"One file for a container or a host"). Everything aps reads of the target must then come through
/proc/PID (maps, root/, map_files/, mem). Its stdout must equal, byte for byte, the same binary
run on the host and the reference (`python3.X -m asyncio ps|pstree PID`), on
targets/taskgroups_nested.py. We start the target and kill only it, by pid.
Exit 0 pass, 1 fail, 77 skip (not root, unshare/chroot missing or refused, or aps is not
statically linked: the dynamic build cannot run without its libraries).
"""
import os
import shutil
import struct
import subprocess
import sys

from hardlib import TARGETS, Fail, difftest, driver_parser, run, run_main, skip, target_env

COMMANDS = ("ps", "pstree")
TARGET = os.path.join(TARGETS, "taskgroups_nested.py")
PT_INTERP = 3


def has_interpreter(path):
    """Whether the ELF file at `path` names a program interpreter (is dynamically linked)."""
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2:
            raise Fail("%s is not a 64-bit ELF file" % path)
        phoff, = struct.unpack_from("<Q", head, 32)
        phentsize, phnum = struct.unpack_from("<HH", head, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    return any(struct.unpack_from("<I", table, i * phentsize)[0] == PT_INTERP
               for i in range(phnum))


def tool(name):
    path = shutil.which(name)
    if not path:
        skip("%s is missing (util-linux / coreutils)" % name)
    return path


def main():
    args = driver_parser(__doc__).parse_args()
    if os.geteuid() != 0:
        skip("chroot and mount need root")
    if has_interpreter(args.aps):
        skip("%s is dynamically linked: the chroot test is for -DAPS_STATIC=ON" % args.aps)
    unshare = tool("unshare")
    probe = subprocess.run([unshare, "--mount", "--propagation", "private", "true"],
                           capture_output=True)
    if probe.returncode != 0:
        skip("`unshare --mount` is not permitted here: %r" % probe.stderr)

    def body(tmp):
        root = os.path.join(tmp, "root")
        os.makedirs(os.path.join(root, "proc"))
        shutil.copy2(args.aps, os.path.join(root, "aps"))
        # mount then chroot in one private mount namespace: nothing is left mounted on the host.
        jail = [unshare, "--mount", "--propagation", "private", "sh", "-c",
                'mount -t proc proc "$1/proc" && shift && exec chroot "$@"', "sh", root, root,
                "/aps"]
        target = difftest.Target([args.python, TARGET], env=target_env(tmp))
        try:
            pid = str(target.pid)
            inside = {c: run([*jail, c, pid]) for c in COMMANDS}
            outside = {c: run([args.aps, c, pid]) for c in COMMANDS}
            reference = {c: run([args.python, "-m", "asyncio", c, pid]) for c in COMMANDS}
            target.check_unharmed("aps in the chroot")
        finally:
            target.stop()
        listing = sorted(os.listdir(root))
        if listing != ["aps", "proc"]:
            raise Fail("the chroot held more than aps and proc: %r" % listing)
        for c in COMMANDS:
            rc, out, err = inside[c]
            if rc != 0 or err:
                raise Fail("chroot aps %s: exit %d, stderr %r" % (c, rc, err))
            for name, (erc, expected, eerr) in (("aps on the host", outside[c]),
                                                ("the reference", reference[c])):
                if erc != 0:
                    raise Fail("%s %s failed (exit %d): %r" % (name, c, erc, eerr))
                difftest.require_equal("%s stdout" % c, expected, out, name, "aps in the chroot")
            print("%s: aps in the chroot = aps on the host = the reference (%d bytes)"
                  % (c, len(out)))

    return run_main("aps-chroot-", body)


if __name__ == "__main__":
    sys.exit(main())
