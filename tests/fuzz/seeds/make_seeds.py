#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs into tests/fuzz/corpus/<target>/seed-*.

Seeds are small real inputs (each under 64 KiB) that start each target off where the real files
are: the debug-offset tables cut from the provisioned interpreters (the first 1024 bytes of
.PyRuntime, and .AsyncioDebug from python3.15 or 3.14's _asyncio module), small ELF objects that
the C compiler builds around those tables, Mach-O objects built by clang from the unit tests'
fixture source, core files (a gdb core of a tiny static program with its memory left out, and
cores assembled here around the tables), the maps text of running interpreters, and typical aps
command lines. Nothing is downloaded; the interpreters come from scripts/provision-pythons.sh.

Usage: tests/fuzz/seeds/make_seeds.py [PYTHON_BIN_DIR]  (default: $APS_PYTHON_BIN_DIR, else
~/.cache/aps/pythons/bin). Needs gcc, clang, ld64.lld and gdb; a seed whose tool is missing is
skipped with a note. Run scripts/fuzz.sh --merge TARGET SECONDS afterwards: the merge keeps the
seeds that add coverage.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
CORPUS = os.path.join(REPO, "tests", "fuzz", "corpus")
MAX_SEED = 64 * 1024


def write_seed(target, name, data):
    assert len(data) < MAX_SEED, (target, name, len(data))
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    with open(os.path.join(CORPUS, target, "seed-" + name), "wb") as f:
        f.write(data)


# ---- ELF files: the section bytes of an interpreter --------------------------------------------

def section(path, name, limit):
    """The first `limit` initialised bytes of section `name` of the ELF file at `path`."""
    with open(path, "rb") as f:
        data = f.read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    def header(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
    strtab = header(shstrndx)
    for i in range(shnum):
        h = header(i)
        end = data.index(b"\0", strtab[4] + h[0])
        if data[strtab[4] + h[0]:end].decode() == name:
            return data[h[4]:h[4] + min(h[5], limit)]
    raise SystemExit(f"{path} has no {name}")


def tables(bin_dir):
    """(label, runtime table, asyncio table) per interpreter build."""
    out = []
    for minor in (14, 15):
        for suffix, tag in (("", ""), ("-dbg", "d")):
            exe = os.path.realpath(os.path.join(bin_dir, f"python3.{minor}{suffix}"))
            if not os.path.exists(exe):
                print(f"make_seeds: no {exe}, skipped", file=sys.stderr)
                continue
            runtime = section(exe, ".PyRuntime", 1024)
            if minor == 15:
                asyncio = section(exe, ".AsyncioDebug", 104)
            else:
                root = os.path.dirname(os.path.dirname(os.path.dirname(exe)))
                module = os.path.join(root, "usr", "lib", f"python3.{minor}", "lib-dynload",
                                      f"_asyncio.cpython-3{minor}{tag}-x86_64-linux-gnu.so")
                asyncio = section(module, ".AsyncioDebug", 104)
            out.append((f"3.{minor}{suffix}", runtime, asyncio))
    return out


def c_array(data):
    return ", ".join(str(b) for b in data)


def elf_object(tmp, runtime, asyncio, kind):
    """A small ELF object built by gcc whose .PyRuntime and .AsyncioDebug hold the tables."""
    src = os.path.join(tmp, "tables.c")
    with open(src, "w") as f:
        f.write('__attribute__((section(".PyRuntime"), aligned(32), used))\n'
                f"unsigned char _PyRuntime[{len(runtime)}] = {{{c_array(runtime)}}};\n")
        if asyncio:
            f.write('__attribute__((section(".AsyncioDebug"), aligned(32), used))\n'
                    f"unsigned char _AsyncioDebug[{len(asyncio)}] = {{{c_array(asyncio)}}};\n")
        f.write("int entry(void) { return _PyRuntime[0]; }\n")
    out = os.path.join(tmp, "tables.elf")
    flags = ["-Os", "-nostdlib", "-Wl,--build-id", "-Wl,-z,max-page-size=4096",
             "-Wl,-z,noseparate-code", "-Wl,-z,norelro"]
    flags += ["-shared", "-fPIC"] if kind == "so" else ["-static", "-no-pie", "-Wl,-e,entry"]
    subprocess.run(["gcc", *flags, "-o", out, src], check=True)
    with open(out, "rb") as f:
        return f.read()


# ---- Mach-O -------------------------------------------------------------------------------------

def macho_seeds(tmp):
    src = os.path.join(REPO, "tests", "read", "fixtures", "macho_runtime.c")
    builds = {
        "x86_64.o": ["-target", "x86_64-apple-macos11", "-c"],
        "arm64.o": ["-target", "arm64-apple-macos11", "-c"],
        "arm64.dylib": ["-target", "arm64-apple-macos11", "-fuse-ld=lld", "-nostdlib", "-shared"],
        "x86_64-exe": ["-target", "x86_64-apple-macos11", "-fuse-ld=lld", "-nostdlib",
                       "-Wl,-e,_fixture_main"],
    }
    made = {}
    for name, flags in builds.items():
        out = os.path.join(tmp, name)
        r = subprocess.run(["clang", *flags, src, "-o", out], capture_output=True)
        if r.returncode != 0:
            print(f"make_seeds: Mach-O {name} not built: {r.stderr.decode().splitlines()[:1]}",
                  file=sys.stderr)
            continue
        with open(out, "rb") as f:
            made[name] = f.read()
        write_seed("macho", name, made[name])
    # A universal file of the two objects, laid out as lipo does (slices 4 KiB aligned).
    if "x86_64.o" in made and "arm64.o" in made:
        slices = [(0x01000007, 3, made["x86_64.o"]), (0x0100000C, 0, made["arm64.o"])]
        for wide, magic in ((False, 0xCAFEBABE), (True, 0xCAFEBABF)):
            head = struct.pack(">II", magic, len(slices))
            body = b""
            offset = 0x1000
            for cpu, sub, data in slices:
                if wide:
                    head += struct.pack(">iiQQII", cpu, sub, offset, len(data), 12, 0)
                else:
                    head += struct.pack(">iiIII", cpu, sub, offset, len(data), 12)
                body += data.ljust((len(data) + 0xFFF) & ~0xFFF, b"\0")
                offset += (len(data) + 0xFFF) & ~0xFFF
            write_seed("macho", "universal64" if wide else "universal",
                       head.ljust(0x1000, b"\0") + body)
    # A universal file of the architectures aps names but does not read: no slice for the host.
    others = (7, 12, 12 | 0x02000000, 18, 18 | 0x01000000, 0x99)
    table = b"".join(struct.pack(">iiIII", cpu, 0, 0, 0, 0) for cpu in others)
    write_seed("macho", "universal-other-archs", struct.pack(">II", 0xCAFEBABE, len(others)) + table)


# ---- Core files ---------------------------------------------------------------------------------

PT_LOAD, PT_NOTE = 1, 4
NT_PRSTATUS, NT_PRPSINFO, NT_AUXV, NT_FILE = 1, 3, 6, 0x46494C45


def note(owner, kind, desc):
    name = owner.encode() + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack("<III", len(name), len(desc), kind) + pad(name) + pad(desc)


def core(loads, notes):
    """An x86-64 ELF core: header, PT_NOTE, then one PT_LOAD per (vaddr, flags, bytes)."""
    phnum = 1 + len(loads)
    at = 64 + 56 * phnum
    notes_at, at = at, at + len(notes)
    phdrs = struct.pack("<IIQQQQQQ", PT_NOTE, 4, notes_at, 0, 0, len(notes), 0, 4)
    body = notes
    for vaddr, flags, data in loads:
        at += -at % 16
        body = body.ljust(at - notes_at, b"\0")
        phdrs += struct.pack("<IIQQQQQQ", PT_LOAD, flags, at, vaddr, 0, len(data),
                             (len(data) + 0xFFF) & ~0xFFF, 0x1000)
        body += data
        at += len(data)
    ident = b"\x7fELF\x02\x01\x01" + b"\0" * 9
    header = ident + struct.pack("<HHIQQQIHHHHHH", 4, 62, 1, 0, 64, 0, 0, 64, 56, phnum, 0, 0, 0)
    return header + phdrs + body


def python_core(exe, runtime, asyncio, minor):
    """A core of a process that mapped `exe` (the gcc object around the tables) as
    /usr/bin/python3.X: its first page read-only, its runtime page dumped read-write."""
    base = 0x555555554000
    prpsinfo = bytearray(136)
    struct.pack_into("<i", prpsinfo, 24, 4242)
    prpsinfo[40:40 + 10] = f"python3.{minor}".encode()
    auxv = struct.pack("<QQQQQQ", 9, base + 0x1000, 6, 4096, 0, 0)  # AT_ENTRY, AT_PAGESZ
    path = f"/usr/bin/python3.{minor}".encode() + b"\0"
    nt_file = struct.pack("<QQ", 2, 4096)
    nt_file += struct.pack("<QQQ", base, base + 0x1000, 0)
    nt_file += struct.pack("<QQQ", base + 0x1000, base + 0x2000, 1)
    nt_file += path + path
    notes = (note("CORE", NT_PRSTATUS, bytes(336)) + note("CORE", NT_PRPSINFO, bytes(prpsinfo)) +
             note("CORE", NT_AUXV, auxv) + note("CORE", NT_FILE, nt_file))
    data = bytearray(0x1000)
    data[0x20:0x20 + len(runtime)] = runtime
    data[0x800:0x800 + len(asyncio)] = asyncio
    return core([(base, 4, exe[:0x1000]), (base + 0x1000, 6, bytes(data))], notes)


def gdb_core(tmp):
    """gdb's core of a tiny static program, with every memory segment emptied but the first."""
    src = os.path.join(tmp, "spin.c")
    exe = os.path.join(tmp, "spin")
    with open(src, "w") as f:
        f.write("int main(void) { for (;;) __asm__ volatile(\"pause\"); }\n")
    if shutil.which("gdb") is None:
        print("make_seeds: no gdb, the gdb core is skipped", file=sys.stderr)
        return None
    subprocess.run(["gcc", "-static", "-Os", "-o", exe, src], check=True)
    child = subprocess.Popen([exe])
    try:
        time.sleep(0.3)
        out = os.path.join(tmp, "spin.core")
        subprocess.run(["gdb", "-q", "-batch", "-p", str(child.pid), "-ex", f"gcore {out}"],
                       check=True, capture_output=True, timeout=120)
    finally:
        child.kill()
        child.wait()
    with open(out, "rb") as f:
        data = bytearray(f.read())
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phnum, = struct.unpack_from("<H", data, 0x38)
    keep = bytearray(data[:phoff + 56 * phnum])
    first_load = True
    for i in range(phnum):
        at = phoff + 56 * i
        kind, flags, offset, vaddr, paddr, filesz, memsz, align = struct.unpack_from(
            "<IIQQQQQQ", data, at)
        if kind == PT_LOAD and not first_load:
            filesz = 0
        payload = bytes(data[offset:offset + filesz])
        if kind == PT_LOAD:
            first_load = False
        new_offset = len(keep)
        keep += payload
        struct.pack_into("<IIQQQQQQ", keep, at, kind, flags, new_offset, vaddr, paddr, filesz,
                         memsz, align)
    return bytes(keep)


# ---- maps text and command lines ----------------------------------------------------------------

def maps_text(bin_dir, name):
    exe = os.path.join(bin_dir, name)
    if not os.path.exists(exe):
        return None
    text = subprocess.run([exe, "-c", "import asyncio; print(open('/proc/self/maps').read())"],
                          check=True, capture_output=True, text=True).stdout
    # Paths as a Debian system has them, not where this machine keeps its test interpreters.
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(exe))))
    return text.replace(root, "").encode()


MAPS_ODD = (b"00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/python3.14\n"
            b"00651000-00652000 rw-p 00051000 08:02 173521 /usr/bin/python3.14 (deleted)\n"
            b"7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"
            b"7f0000001000-7f0000002000 r--p 00000000 00:05 12 /memfd:jit (deleted)\n"
            b"7f0000002000-7f0000003000 r--s 00000000 00:05 13 /tmp/a file with spaces.so\n"
            b"7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0          [stack]\n"
            b"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]\n")

COMMAND_LINES = [
    ["ps", "4242"],
    ["pstree", "4242"],
    ["ps", "--format", "json", "4242"],
    ["ps", "--format", "ndjson", "--retries", "0", "4242"],
    ["pstree", "--format", "dot", "4242"],
    ["pstree", "--format", "TREE", "--stop", "-v", "4242"],
    ["ps", "--core", "core.4242", "--sysroot", "/srv/root", "--exe", "/usr/bin/python3.14"],
    ["pstree", "--core=core.4242", "--format=json"],
    ["watch", "--interval", "0.5", "--count", "3", "4242"],
    ["watch", "--interval=86400", "4242"],
    ["ps", "--retries", "1000", "--stop", "4242"],
    ["--help"],
    ["ps", "--help"],
    ["watch", "--help"],
    ["--version"],
    ["ps", "--stop", "--core", "c"],
    ["ps", "-v", "--", "4242"],
    ["ps", "4242", "4243"],
    ["ps", "0x10"],
    ["watch", "--interval", "nan", "1"],
    ["pstree", "--format", "table", "1"],
    ["ps", "--exe", "x", "1"],
    [],
]


def main():
    bin_dir = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        "APS_PYTHON_BIN_DIR", os.path.expanduser("~/.cache/aps/pythons/bin"))
    with tempfile.TemporaryDirectory() as tmp:
        found = tables(bin_dir)
        for label, runtime, asyncio in found:
            write_seed("offsets", "table-" + label, runtime + asyncio)
            write_seed("elf", "so-" + label, elf_object(tmp, runtime, asyncio, "so"))
            if not label.endswith("-dbg"):
                write_seed("elf", "static-" + label, elf_object(tmp, runtime, asyncio, "static"))
                write_seed("elf", "cookie-only-" + label,
                           b"\0" * 64 + runtime + b"\0" * 32 + asyncio)
                exe = elf_object(tmp, runtime, asyncio, "so")
                minor = int(label.split(".")[1][:2])
                write_seed("core", "assembled-" + label, python_core(exe, runtime, asyncio, minor))
        macho_seeds(tmp)
        gdb = gdb_core(tmp)
        if gdb is not None:
            write_seed("core", "gdb-static", gdb)
        for name in ("python3.14", "python3.15"):
            text = maps_text(bin_dir, name)
            if text is not None:
                write_seed("maps", name, text)
        write_seed("maps", "odd-lines", MAPS_ODD)
        for args in COMMAND_LINES:
            label = re.sub(r"[^A-Za-z0-9.]+", "_", "_".join(args)).strip("_") or "none"
            write_seed("options", label, b"\0".join(a.encode() for a in args))


if __name__ == "__main__":
    main()
