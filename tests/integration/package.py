#!/usr/bin/env python3
"""`cmake --install` and `cpack -G DEB` of a build folder, checked in scratch folders only.

    package.py --aps PATH --python PATH --build DIR

install  `cmake --install DIR --prefix TMP/p` lays out bin/aps, share/man/man1/aps.1 and the
         bash, zsh and fish completions, each equal to its source (docs/aps.1, the build's
         completions/); the installed aps runs (--version).
deb      `cpack -G DEB -B TMP` makes one .deb holding the same files under /usr; its Depends
         names libc6 and libelf1 for a dynamically linked aps and nothing for a static one.
         It is unpacked with `dpkg -x` into a scratch root (never installed on the machine) and
         `aps --version` runs from there.
Exit 0 pass, 1 fail, 77 skip (no cpack or dpkg-deb: not a Debian machine).
"""
import filecmp
import glob
import os
import shutil
import subprocess
import sys

from hardlib import Fail, driver_parser, run, run_main, skip

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAYOUT = {
    "bin/aps": None,
    "share/man/man1/aps.1": os.path.join(SOURCE, "docs", "aps.1"),
    "share/bash-completion/completions/aps": "completions/aps",
    "share/zsh/vendor-completions/_aps": "completions/_aps",
    "share/fish/vendor_completions.d/aps.fish": "completions/aps.fish",
}


def check_tree(root, build, what):
    for rel, source in LAYOUT.items():
        path = os.path.join(root, rel)
        if not os.path.isfile(path):
            raise Fail("%s: no %s" % (what, rel))
        if source is not None and not filecmp.cmp(path, os.path.join(build, source),
                                                  shallow=False):
            raise Fail("%s: %s differs from %s" % (what, rel, source))
    rc, out, err = run([os.path.join(root, "bin", "aps"), "--version"])
    if rc != 0 or not out.startswith(b"aps "):
        raise Fail("%s: bin/aps --version: exit %d, %r %r" % (what, rc, out, err))
    print("%s: %d files in place; %s" % (what, len(LAYOUT), out.decode().strip()))


def dynamic(path):
    res = subprocess.run(["readelf", "-l", path], capture_output=True, text=True)
    return "Requesting program interpreter" in res.stdout


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--build", required=True)
    args = ap.parse_args()
    cpack = shutil.which("cpack")
    if not cpack or not shutil.which("dpkg-deb"):
        skip("cpack or dpkg-deb is missing")

    def body(tmp):
        prefix = os.path.join(tmp, "p")
        rc, out, err = run(["cmake", "--install", args.build, "--prefix", prefix], timeout=120)
        if rc != 0:
            raise Fail("cmake --install failed: %r" % (out + err))
        check_tree(prefix, args.build, "install")

        out_dir = os.path.join(tmp, "deb")
        rc, out, err = run([cpack, "-G", "DEB", "--config",
                            os.path.join(args.build, "CPackConfig.cmake"), "-B", out_dir],
                           timeout=300)
        debs = glob.glob(os.path.join(out_dir, "*.deb"))
        if rc != 0 or len(debs) != 1:
            raise Fail("cpack -G DEB: exit %d, %s: %r" % (rc, debs, out + err))
        deb = debs[0]
        depends = subprocess.run(["dpkg-deb", "-f", deb, "Depends"], capture_output=True,
                                 text=True).stdout.strip()
        if dynamic(args.aps):
            for lib in ("libc6", "libelf1"):
                if lib not in depends:
                    raise Fail("%s: Depends %r lacks %s" % (deb, depends, lib))
        elif depends:
            raise Fail("%s: a static aps depends on nothing, not %r" % (deb, depends))
        print("deb: %s, Depends: %s" % (os.path.basename(deb), depends or "(none)"))
        root = os.path.join(tmp, "root")
        rc, out, err = run(["dpkg-deb", "-x", deb, root])
        if rc != 0:
            raise Fail("dpkg-deb -x failed: %r" % err)
        check_tree(os.path.join(root, "usr"), args.build, "deb unpacked")

    return run_main("aps-package-", body)


if __name__ == "__main__":
    sys.exit(main())
