#!/usr/bin/python3
"""Markdown tables from `nnport conformance --json` reports (and the direct
runners' reports, same format): the counts per backend, then one row per
operator type with pass/total per backend.

Usage:
  scripts/conformance_table.py REPORT.json [REPORT.json ...]          # to stdout
  scripts/conformance_table.py --update docs/conformance.md REPORT.json ...
  scripts/conformance_table.py --diff A.json B.json   # tests whose status differs
--update splices the tables between the markers
<!-- conformance-table:begin --> and <!-- conformance-table:end -->.
"""
import json
import sys

BEGIN = "<!-- conformance-table:begin (scripts/conformance_table.py writes this part) -->"
END = "<!-- conformance-table:end -->"


def tables(reports):
    out = ["| backend | pass | fail | of which element type only | error | crashed or hung | skip "
           "| total | node tests passed | wall time |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in reports:
        s = r["summary"]
        tests = r["tests"]
        # A fail whose worst output only has another element type (OpenCV
        # returns every output as float32).
        type_only = sum(1 for t in tests if t["status"] == "fail" and "element type" in t["detail"])
        crashed = sum(1 for t in tests if t["status"] == "error" and
                      ("killed by signal" in t["detail"] or "timed out" in t["detail"]))
        node = [t for t in tests if t["group"] == "node"]
        node_pass = sum(1 for t in node if t["status"] == "pass")
        out.append(f"| {r['backend']} | {s['pass']} | {s['fail']} | {type_only} | {s['error']} | "
                   f"{crashed} | {s['skip']} | {s['total']} | {node_pass} of {len(node)} | "
                   f"{r['seconds']:.0f} s |")
    out.append("")
    names = [r["backend"] for r in reports]
    out.append("Per operator type: passed / tests (f = fail, e = error, s = skip when non-zero).")
    out.append("")
    out.append("| op | " + " | ".join(names) + " |")
    out.append("|---|" + "---:|" * len(names))
    ops = sorted(set().union(*(r["ops"].keys() for r in reports)), key=str.lower)
    for op in ops:
        cells = []
        for r in reports:
            c = r["ops"].get(op)
            if c is None:
                cells.append("")
                continue
            extra = " ".join(f"{c[k]}{k[0]}" for k in ("fail", "error", "skip") if c[k])
            cells.append(f"{c['pass']}/{c['total']}" + (f" ({extra})" if extra else ""))
        out.append(f"| {op} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def diff(a, b):
    """Tests whose status differs between two reports of the same suite."""
    theirs = {(t["group"], t["name"]): t for t in b["tests"]}
    lines = []
    for t in a["tests"]:
        o = theirs.get((t["group"], t["name"]))
        if o is None or o["status"] != t["status"]:
            other = o["status"] if o else "absent"
            lines.append(f"{t['group']}/{t['name']}: {a['backend']} {t['status']}, "
                         f"{b['backend']} {other}")
    lines.append(f"{len(lines)} of {len(a['tests'])} tests differ")
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) == 3 and argv[0] == "--diff":
        with open(argv[1]) as f, open(argv[2]) as g:
            sys.stdout.write(diff(json.load(f), json.load(g)))
        return
    update = None
    if len(argv) >= 2 and argv[0] == "--update":
        update, argv = argv[1], argv[2:]
    if not argv:
        sys.exit(__doc__)
    reports = []
    for path in argv:
        with open(path) as f:
            reports.append(json.load(f))
    text = tables(reports)
    if update is None:
        sys.stdout.write(text)
        return
    with open(update) as f:
        doc = f.read()
    if BEGIN not in doc or END not in doc:
        sys.exit(f"conformance_table.py: {update} lacks the markers {BEGIN} ... {END}")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(update, "w") as f:
        f.write(head + BEGIN + "\n" + text + END + tail)


if __name__ == "__main__":
    main(sys.argv[1:])
