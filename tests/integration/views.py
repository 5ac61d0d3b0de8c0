#!/usr/bin/env python3
"""The data views (--format json|ndjson|dot) on live targets, checked with Python's own parsers.

    views.py --aps PATH --python PATH --case TARGET

Starts tests/integration/targets/TARGET.py, waits for READY (its tasks then stay parked), and runs
on the same process: aps ps and pstree (text), ps/pstree --format json and ndjson, and pstree
--format dot. Then:
  - every JSON text parses with json.loads (ndjson line by line) and has schema_version 1, the
    target's pid and python version, the header's thread task counts add up; the documents
    validate against docs/aps.schema.json (with the system python3's jsonschema, Debian's
    python3-jsonschema; skipped with a note when it is missing);
  - the ndjson task lines are the JSON document's tasks, in order; the end line counts them;
  - every task the target reports about itself (the oracle: tid, id, full name, coroutine
    frames with file and line, awaiter ids) is in the JSON, exactly (a lone surrogate of a name
    is U+FFFD in JSON, docs/json-schema.md);
  - the ps table rebuilt from the JSON (names cut to 255 code points and escaped as the table
    does) is byte for byte the `aps ps` table;
  - pstree: the JSON cycles spell the text view's cycle report, with the same exit code;
  - dot -Tsvg renders the dot output, xml.etree parses the SVG, and its nodes and edges are the
    JSON's tasks (plus awaiters that are not tasks) and distinct awaits; cycle edges are red.
Exit 0 pass, 1 fail, 77 skip (no dot). Standard library only.
"""
import json
import os
import shutil
import sys
import xml.etree.ElementTree as ET

from hardlib import (PS_HEADER, TARGETS, Fail, difftest, driver_parser, escape, run, run_main, skip,
                     target_env)

SVG = "{http://www.w3.org/2000/svg}"
SCHEMA = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "docs", "aps.schema.json")
VALIDATE = """
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for path in sys.argv[2:]:
    jsonschema.Draft202012Validator(schema).validate(json.load(open(path, encoding="utf-8")))
"""


def check_schema(paths):
    """Validate the JSON documents against docs/aps.schema.json with the system python3."""
    python3 = "/usr/bin/python3"
    if not os.access(python3, os.X_OK) or run([python3, "-c", "import jsonschema"])[0] != 0:
        print("  (schema check skipped: /usr/bin/python3 has no jsonschema; "
              "scripts/install-deps.sh installs python3-jsonschema)")
        return
    rc, out, err = run([python3, "-c", VALIDATE, SCHEMA] + paths, timeout=300.0)
    if rc != 0:
        raise Fail("a JSON document does not validate against docs/aps.schema.json:\n%s"
                   % err.decode("utf-8", "replace")[-2000:])
    print("  %d documents valid against docs/aps.schema.json" % len(paths))


def strict_loads(text, what):
    def no_constant(name):
        raise Fail("%s: non-standard JSON constant %s" % (what, name))
    try:
        return json.loads(text, parse_constant=no_constant)
    except ValueError as e:
        raise Fail("%s does not parse as JSON: %s" % (what, e))


def json_name(name):
    """What a Python str becomes in aps's JSON: each lone surrogate is U+FFFD."""
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in name)


def aps(args, *argv):
    rc, out, err = run([args.aps] + list(argv), timeout=120.0)
    return rc, out, err.decode("utf-8", "replace")


def check_header(h, args, pid, view):
    if h.get("schema_version") != 1:
        raise Fail("schema_version %r" % h.get("schema_version"))
    if h.get("view") != view:
        raise Fail("view %r, expected %r" % (h.get("view"), view))
    if h["target"]["pid"] != pid:
        raise Fail("target pid %r, expected %d" % (h["target"]["pid"], pid))
    version = difftest.python_version(args.python)
    if h["target"]["python_version"] != version:
        raise Fail("python_version %r, expected %r" % (h["target"]["python_version"], version))


def check_against_header(doc, tasks):
    counts = {}
    for t in tasks:
        key = (t["interpreter_id"], t["thread_id"])
        counts[key] = counts.get(key, 0) + 1
    for interp in doc["interpreters"]:
        for th in interp["threads"]:
            key = (interp["interpreter_id"], th["thread_id"])
            if counts.pop(key, 0) != th["task_count"]:
                raise Fail("thread %s: task_count %d, tasks listed %d"
                           % (key, th["task_count"], counts.get(key, 0)))
    if counts:
        raise Fail("tasks of threads missing from the header: %s" % counts)


def parse_ndjson(text, what):
    if not text.endswith("\n"):
        raise Fail("%s does not end with a newline" % what)
    return [strict_loads(line, "%s line %d" % (what, i + 1))
            for i, line in enumerate(text[:-1].split("\n"))]


def check_ndjson(lines, doc, view, what):
    if lines[0].get("type") != "header":
        raise Fail("%s: first line is not the header: %r" % (what, lines[0]))
    header = dict(lines[0])
    del header["type"]
    want = {k: v for k, v in doc.items()
            if k not in ("tasks", "cycles", "problems", "problems_left_out")}
    if header != want:
        raise Fail("%s header %r differs from the document's %r" % (what, header, want))
    tasks = [l for l in lines if l.get("type") == "task"]
    cycles = [l for l in lines if l.get("type") == "cycle"]
    problems = [l for l in lines if l.get("type") == "problem"]
    for t in tasks:
        del t["type"]
    if tasks != doc["tasks"]:
        raise Fail("%s task lines differ from the JSON document's tasks" % what)
    end = lines[-1]
    if end.get("type") != "end" or end["tasks"] != len(tasks):
        raise Fail("%s end line %r, %d task lines" % (what, end, len(tasks)))
    if view == "pstree":
        if [{"ids": c["ids"]} for c in cycles] != doc["cycles"] or end["cycles"] != len(cycles):
            raise Fail("%s cycles differ from the document's" % what)
    for p in problems:
        del p["type"]
    if problems != doc["problems"] or \
            end["problems"] != len(problems) + doc["problems_left_out"]:
        raise Fail("%s problems differ from the document's" % what)
    if len(lines) != 2 + len(tasks) + len(cycles) + len(problems):
        raise Fail("%s has lines of unknown type" % what)


def check_oracle(doc, oracle):
    by_id = {}
    for t in doc["tasks"]:
        by_id.setdefault(t["id"], t)
        if t["address"] != int(t["id"], 16):
            raise Fail("task %s: address %r is not its id" % (t["id"], t["address"]))
    for o in oracle["tasks"]:
        t = by_id.get(o["id"])
        if t is None:
            raise Fail("task %s (%r) of the target is missing from the JSON" % (o["id"], o["name"][:60]))
        if t["name"] != json_name(o["name"]):
            raise Fail("task %s: name %r (%d chars), the target says %r (%d chars)"
                       % (o["id"], t["name"][:60], len(t["name"]), o["name"][:60], len(o["name"])))
        if t["thread_id"] != o["tid"]:
            raise Fail("task %s: thread_id %r, the target says %r" % (o["id"], t["thread_id"], o["tid"]))
        frames = [[f["function"], f["file"], f["line"]] for f in t["frames"]]
        if frames != [[json_name(a), json_name(b), c] for a, b, c in o["stack"]]:
            raise Fail("task %s: frames %r, the target says %r"
                       % (o["id"], [x[:1] + [x[1][:60]] + x[2:] for x in frames],
                          [x[:1] + [x[1][:60]] + x[2:] for x in o["stack"]]))
        if sorted(a["id"] for a in t["awaited_by"]) != o["awaited_by"]:
            raise Fail("task %s: awaited_by %r, the target says %r"
                       % (o["id"], [a["id"] for a in t["awaited_by"]], o["awaited_by"]))
    print("  %d tasks of the target's own list found, identical" % len(oracle["tasks"]))


def table_from_json(doc, oracle):
    """The ps table the JSON implies. Names that JSON cannot carry exactly (lone surrogates)
    come from the target's own list."""
    real = {o["id"]: o["name"] for o in oracle["tasks"]}
    names = {t["id"]: real.get(t["id"], t["name"]) for t in doc["tasks"]}  # the last one wins
    rows = [PS_HEADER]
    for t in doc["tasks"]:
        name = escape(real.get(t["id"], t["name"])[:255])
        stack = " -> ".join(escape(f["function"]) for f in t["frames"])
        if not t["awaited_by"]:
            rows.append(difftest.ps_row(t["thread_id"], t["id"], name, stack, "", "", "0x0") + "\n")
        for a in t["awaited_by"]:
            chain = " -> ".join(escape(f["function"]) for f in a["frames"])
            aname = escape(names[a["id"]][:255]) if a["id"] in names else "Unknown"
            if (a["name"] is None) != (a["id"] not in names):
                raise Fail("awaiter %s: name %r but listed as a task: %s"
                           % (a["id"], a["name"], a["id"] in names))
            rows.append(difftest.ps_row(t["thread_id"], t["id"], name, stack, chain, aname,
                                        a["id"]) + "\n")
    return "".join(rows)


def cycle_report(doc):
    names = {t["id"]: t["name"] for t in doc["tasks"]}
    out = "ERROR: await-graph contains cycles - cannot print a tree!\n\n"
    for c in doc["cycles"]:
        out += "cycle: " + " \u2192 ".join(escape(names[i][:255]) if i in names else i
                                           for i in c["ids"]) + "\n"
    return out


def check_dot(args, dot_text, doc, tmp):
    dot = shutil.which("dot")
    if not dot:
        skip("Graphviz dot is not installed (scripts/install-deps.sh installs graphviz)")
    path = os.path.join(tmp, "graph.dot")
    with open(path, "wb") as f:
        f.write(dot_text)
    rc, svg, err = run([dot, "-Tsvg", path], timeout=120.0)
    if rc != 0:
        raise Fail("dot -Tsvg failed (exit %d): %s" % (rc, err.decode(errors="replace")))
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as e:
        raise Fail("the SVG from dot does not parse: %s" % e)
    nodes, edges, red = set(), set(), set()
    for g in root.iter(SVG + "g"):
        title = g.find(SVG + "title")
        if g.get("class") == "node":
            nodes.add(title.text)
        elif g.get("class") == "edge":
            a, b = title.text.split("->")
            edges.add((a, b))
            if any(p.get("stroke") == "red" for p in g.iter(SVG + "path")):
                red.add((a, b))
    task_ids = {t["id"] for t in doc["tasks"]}
    awaits = {(a["id"], t["id"]) for t in doc["tasks"] for a in t["awaited_by"]}
    want_nodes = task_ids | {a for a, _ in awaits}
    if nodes != want_nodes:
        raise Fail("SVG nodes %d, expected %d (tasks and awaiters); extra %s, missing %s"
                   % (len(nodes), len(want_nodes), sorted(nodes - want_nodes)[:5],
                      sorted(want_nodes - nodes)[:5]))
    if edges != awaits:
        raise Fail("SVG edges differ from the awaits: extra %s, missing %s"
                   % (sorted(edges - awaits)[:5], sorted(awaits - edges)[:5]))
    want_red = {(c["ids"][i], c["ids"][i + 1]) for c in doc["cycles"]
                for i in range(len(c["ids"]) - 1)}
    if red != want_red:
        raise Fail("red edges %s, cycle edges %s" % (sorted(red), sorted(want_red)))
    print("  dot -Tsvg: %d bytes of SVG, parsed: %d nodes, %d edges, %d red"
          % (len(svg), len(nodes), len(edges), len(red)))


def views(args, tmp):
    target = difftest.Target([args.python, os.path.join(TARGETS, args.case + ".py")],
                             env=target_env(tmp))
    try:
        with open(os.path.join(tmp, "oracle.json"), encoding="utf-8") as f:
            oracle = json.load(f)
        pid = str(target.pid)
        out = {}
        for cmd in ("ps", "pstree"):
            out[cmd, "text"] = aps(args, cmd, pid)
            for fmt in ("json", "ndjson"):
                out[cmd, fmt] = aps(args, cmd, "--format", fmt, pid)
        out["pstree", "dot"] = aps(args, "pstree", "--format", "dot", pid)
        target.check_unharmed("aps")
    finally:
        target.stop()

    tree_rc, _, tree_err = out["pstree", "text"]
    for (cmd, fmt), (rc, stdout, err) in sorted(out.items()):
        want_rc = tree_rc if cmd == "pstree" else 0
        print("aps %s --format %s: exit %d, %d bytes" % (cmd, fmt, rc, len(stdout)))
        if rc != want_rc or (rc == 0 and err):
            raise Fail("aps %s --format %s: exit %d (expected %d), stderr %r"
                       % (cmd, fmt, rc, want_rc, err[:300]))
        if cmd == "pstree" and err != tree_err:
            raise Fail("aps pstree --format %s: stderr differs from the tree view's" % fmt)
    pid = target.pid
    paths = []
    for cmd in ("ps", "pstree"):
        paths.append(os.path.join(tmp, "%s.json" % cmd))
        with open(paths[-1], "wb") as f:
            f.write(out[cmd, "json"][1])
    check_schema(paths)
    for cmd in ("ps", "pstree"):
        doc = strict_loads(out[cmd, "json"][1].decode("utf-8"), "%s --format json" % cmd)
        check_header(doc, args, pid, cmd)
        check_against_header(doc, doc["tasks"])
        lines = parse_ndjson(out[cmd, "ndjson"][1].decode("utf-8"), "%s --format ndjson" % cmd)
        check_ndjson(lines, doc, cmd, "%s --format ndjson" % cmd)
        check_oracle(doc, oracle)
        if cmd == "ps":
            table = table_from_json(doc, oracle)
            if table.encode() != out["ps", "text"][1]:
                raise Fail("the table rebuilt from the JSON differs from aps ps:\n" +
                           difftest.show_diff(table.encode(), out["ps", "text"][1],
                                              "from JSON", "aps ps"))
            print("  ps table rebuilt from the JSON: identical (%d rows)"
                  % (table.count("\n") - 2))
        else:
            if doc["cycles"] and tree_err != cycle_report(doc):
                raise Fail("cycles %r do not spell the tree view's report %r"
                           % (doc["cycles"], tree_err))
            if bool(doc["cycles"]) != (tree_rc == 1):
                raise Fail("cycles %r but the tree view exits %d" % (doc["cycles"], tree_rc))
            print("  %d cycles, as the tree view reports" % len(doc["cycles"]))
            check_dot(args, out["pstree", "dot"][1], doc, tmp)


def main():
    ap = driver_parser(__doc__)
    ap.add_argument("--case", required=True)
    args = ap.parse_args()
    if not os.access(args.aps, os.X_OK):
        print("FAIL: aps executable %s not found" % args.aps)
        return 1

    def body(tmp):
        print("case %s, python %s" % (args.case, difftest.python_version(args.python)))
        views(args, tmp)

    return run_main("aps-views-", body)


if __name__ == "__main__":
    sys.exit(main())
