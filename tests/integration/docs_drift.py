#!/usr/bin/env python3
"""The completions and aps(1) against `aps --help`: a test that fails when they drift apart.

    docs_drift.py --aps PATH --python PATH --completions DIR --man FILE

The subcommands and options are read from `aps --help` and `aps SUB --help`. Each completion
script in DIR (bash `aps`, zsh `_aps`, fish `aps.fish`, written at build time by
`aps --generate SHELL`) must offer exactly those subcommands and, per subcommand, exactly those
options, and for --format the words aps accepts (each one tried: not a usage error, exit 2);
each must equal what `aps --generate SHELL` prints now. The bash script is also run: it completes
the subcommands, the --format words and the PID of a python process we start (killed by pid).
aps(1) (FILE, docs/aps.1) must hold the synopsis `aps --generate man-synopsis` prints, and name
every option of --help; every option it describes (an indented .TP entry) must be one aps has.
Exit 0 pass, 1 fail.
"""
import os
import re
import subprocess
import sys

from hardlib import Fail, difftest, driver_parser, run_main

OPTION_LINE = re.compile(r"^  (-[^ ]+(?:,-[^ ]+)*)")


def help_of(aps, *words):
    res = subprocess.run([aps, *words, "--help"], capture_output=True, text=True)
    if res.returncode != 0:
        raise Fail("aps %s --help: exit %d" % (" ".join(words), res.returncode))
    return res.stdout


def options_in(help_text):
    """Every option name in a --help text's option lines ("-j,--jobs N" gives -j and --jobs)."""
    names = set()
    for line in help_text.splitlines():
        m = OPTION_LINE.match(line)
        if m:
            names.update(m.group(1).split(","))
    return names


def subcommands_in(help_text):
    part = help_text.split("Subcommands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in part.splitlines() if line.strip()]


def format_words(aps, sub, candidates):
    """The candidates aps takes as --format of `sub` (a usage error exits 2; a pid that cannot
    exist exits otherwise)."""
    return {w for w in candidates
            if subprocess.run([aps, sub, "--format", w, "2147483647"],
                              capture_output=True).returncode != 2}


def bash_options(script, sub):
    block = re.search(r"^        %s\)\n(.*?);;\n(?=        \w+\)|    esac)" % sub, script,
                      re.S | re.M)
    if not block:
        raise Fail("bash: no case for %s" % sub)
    words = re.search(r"\[\[ \$cur == -\* \]\]; then\n\s*COMPREPLY=\(\$\(compgen -W '([^']*)'",
                      block.group(1))
    fmt = re.search(r"--format\) COMPREPLY=\(\$\(compgen -W '([^']*)'", block.group(1))
    return set(words.group(1).split()), set(fmt.group(1).split()) if fmt else set()


def fish_options(script, sub):
    names, fmt = set(), set()
    for line in script.splitlines():
        if "'__fish_seen_subcommand_from %s'" % sub not in line:
            continue
        for kind, name in re.findall(r" -([sl]) (\S+)", line):
            names.add(("-" if kind == "s" else "--") + name)
        m = re.search(r" -l format -x -a '([^']*)'", line)
        if m:
            fmt = set(m.group(1).split())
    return names, fmt


def zsh_options(script, sub):
    block = re.search(r"^                %s\)\n(.*?);;\n" % sub, script, re.S | re.M)
    if not block:
        raise Fail("zsh: no case for %s" % sub)
    names = set()
    for line in block.group(1).splitlines():
        line = line.strip()
        m = re.match(r"(?:'\([^']*\)')?(\{[^}]*\}|--?[\w-]+)'", line)
        if m:
            names.update(m.group(1).strip("{}").split(","))
    fmt = re.search(r"--format'.*:FORMAT:\(([^)]*)\)", block.group(1))
    return names, set(fmt.group(1).split()) if fmt else set()


def check_script(name, script, subs, per_sub, readers):
    for sub in subs:
        if sub not in script:
            raise Fail("%s completion does not offer the subcommand %s" % (name, sub))
        options, formats = readers(script, sub)
        if options != per_sub[sub]["options"]:
            raise Fail("%s completion of %s: options %s, --help has %s"
                       % (name, sub, sorted(options), sorted(per_sub[sub]["options"])))
        if formats != per_sub[sub]["formats"]:
            raise Fail("%s completion of %s --format: %s, aps takes %s"
                       % (name, sub, sorted(formats), sorted(per_sub[sub]["formats"])))
    print("%s: %s, options and --format words as --help" % (name, " ".join(subs)))


def bash_complete(script_path, words):
    """COMPREPLY of the bash script for the command line `words` (the last one being typed)."""
    line = " ".join("'%s'" % w for w in words)
    code = ('source "$1"; COMP_WORDS=(%s); COMP_CWORD=%d; _aps; printf "%%s\\n" "${COMPREPLY[@]}"'
            % (line, len(words) - 1))
    res = subprocess.run(["bash", "-c", code, "bash", script_path], capture_output=True,
                         text=True)
    if res.returncode != 0:
        raise Fail("bash completion failed: %r" % res.stderr)
    return set(res.stdout.split())


def check_man(aps, man_path, per_sub, top):
    with open(man_path) as f:
        man = f.read()
    synopsis = subprocess.run([aps, "--generate", "man-synopsis"], capture_output=True,
                              text=True, check=True).stdout
    part = man.split(".SH SYNOPSIS\n", 1)[1].split(".SH ", 1)[0]
    part = "".join(l + "\n" for l in part.splitlines() if not l.startswith('.\\"'))
    if part != synopsis:
        raise Fail("%s: the SYNOPSIS is not what `aps --generate man-synopsis` prints; "
                   "paste its output there" % man_path)
    everything = set(top)
    for sub in per_sub.values():
        everything |= sub["options"]
    for option in sorted(everything):
        if option.replace("-", "\\-") not in man:
            raise Fail("%s does not mention %s" % (man_path, option))
    described = set()
    for term in re.findall(r"^\.TP\n\.B[IR]? \"?([^\n\"]*)", man, re.M):
        for word in term.replace("\\-", "-").replace(",", " ").split():
            if word.startswith("-"):
                described.add(word)
    unknown = described - everything
    if unknown:
        raise Fail("%s describes options aps does not have: %s" % (man_path, sorted(unknown)))
    print("%s: synopsis as generated; all %d options named; %d described, all aps's"
          % (man_path, len(everything), len(described)))


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--completions", required=True)
    ap.add_argument("--man", required=True)
    args = ap.parse_args()

    def body(tmp):
        top_help = help_of(args.aps)
        subs = subcommands_in(top_help)
        top = options_in(top_help)
        per_sub = {}
        for sub in subs:
            text = help_of(args.aps, sub)
            said = set(re.findall(r"\b[a-z]+\b", text))
            per_sub[sub] = {"options": options_in(text), "formats": set()}
            if "--format" in per_sub[sub]["options"]:
                per_sub[sub]["formats"] = format_words(args.aps, sub, said)
        scripts = {}
        for shell, name in (("bash", "aps"), ("zsh", "_aps"), ("fish", "aps.fish")):
            with open(os.path.join(args.completions, name)) as f:
                scripts[shell] = f.read()
            now = subprocess.run([args.aps, "--generate", shell], capture_output=True,
                                 text=True, check=True).stdout
            if now != scripts[shell]:
                raise Fail("%s is not what `aps --generate %s` prints now" % (name, shell))
        check_script("bash", scripts["bash"], subs, per_sub, bash_options)
        check_script("zsh", scripts["zsh"], subs, per_sub, zsh_options)
        check_script("fish", scripts["fish"], subs, per_sub, fish_options)

        bash_path = os.path.join(args.completions, "aps")
        if subprocess.run(["bash", "-n", bash_path]).returncode != 0:
            raise Fail("%s: bash -n fails" % bash_path)
        got = bash_complete(bash_path, ["aps", ""])
        if not set(subs) <= got:
            raise Fail("bash: `aps <TAB>` offers %s" % sorted(got))
        for sub in subs:
            if per_sub[sub]["formats"]:
                got = bash_complete(bash_path, ["aps", sub, "--format", ""])
                if got != per_sub[sub]["formats"]:
                    raise Fail("bash: `aps %s --format <TAB>` offers %s" % (sub, sorted(got)))
        target = difftest.Target([args.python, "-c",
                                  "import time; print('READY', flush=True); time.sleep(60)"])
        try:
            got = bash_complete(bash_path, ["aps", "ps", ""])
        finally:
            target.stop()
        if str(target.pid) not in got:
            raise Fail("bash: `aps ps <TAB>` does not offer python pid %d: %s"
                       % (target.pid, sorted(got)))
        print("bash: completes subcommands, --format words and python pid %d" % target.pid)
        check_man(args.aps, args.man, per_sub, top)

    return run_main("aps-docs-", body)


if __name__ == "__main__":
    sys.exit(main())
