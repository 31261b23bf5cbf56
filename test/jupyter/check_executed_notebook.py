#!/usr/bin/env python3
"""Check that a notebook was really executed: valid nbformat, every code cell has an execution
count (1, 2, 3, ... in order), outputs present, no error outputs except in cells tagged
"raises-exception", and every concurrency magic's timing report complete: one per model run
(none with --quiet), each with text/html, text/plain and a finished metadata.timing.

Usage: python3 test/jupyter/check_executed_notebook.py EXECUTED.ipynb [--expect TEXT ...]

--expect TEXT  TEXT must appear in some cell's output (repeatable).
Prints one "ok: ..." line, or "FAIL: ..." and exits 1.
"""

import argparse
import re
import sys

import nbformat

from timing_columns import task_rows

MAGIC = re.compile(r"%%(serial|async|threads|processes|compare)(?=\s|$)(.*)")
# %%compare draws one combined report whose metadata.timing lists the models in this order
# (src/interpreter/magics/compare-cell.ts); every other magic draws one report with one timing.
COMPARED = ["serial", "async", "threads", "processes"]
REPORT_DATA = ["text/html", "text/plain"]
TIMING_FIELDS = ["executor", "wall_ms", "cpu_ms", "tasks"]


def output_text(output):
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") == "error":
        return "\n".join(output.get("traceback", []))
    return "\n".join(str(value) for value in output.get("data", {}).values())


def expected_reports(cell):
    """The models whose reports the cell should show, or None when it is no concurrency magic."""
    match = MAGIC.match(cell.source.splitlines()[0])
    if not match:
        return None
    if "--quiet" in match.group(2).split():
        return []
    return COMPARED if match.group(1) == "compare" else [match.group(1)]


def report_problem(indexed):
    """(what is wrong with the timing reports, or None; how many reports there are)"""
    count = 0
    for i, cell in indexed:
        found = []
        for output in cell.outputs:
            timings = output.get("metadata", {}).get("timing")
            if timings is None:
                continue
            count += 1
            missing = [mime for mime in REPORT_DATA if mime not in output.get("data", {})]
            if missing:
                return f"cell {i}: a timing report without {', '.join(missing)}", count
            for timing in timings if isinstance(timings, list) else [timings]:
                missing = [f"metadata.timing.{field}" for field in TIMING_FIELDS if field not in timing]
                if missing:
                    return f"cell {i}: a timing report without {', '.join(missing)}", count
                # Reports redraw in place while tasks run; a lost last update leaves one half-drawn.
                pending = [t for t in task_rows(timing) if t.get("status") in ("queued", "running")]
                if pending:
                    return f"cell {i}: a timing report never finished (task {pending[0].get('i')} still " \
                           f"{pending[0].get('status')})", count
                found.append(timing["executor"])
        wanted = expected_reports(cell)
        # A cell meant to fail may stop before its magic reports anything.
        if wanted is None or "raises-exception" in cell.metadata.get("tags", []):
            continue
        if found != wanted:
            return f"cell {i} ({cell.source.splitlines()[0]}): timing reports (outputs with metadata.timing) " \
                   f"for {found or 'no model'}, expected {wanted or 'none'}", count
    return None, count


def check(path, expected):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    indexed = [(i, cell) for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and cell.source.strip()]
    code_cells = [cell for _, cell in indexed]
    if not code_cells:
        return "it has no code cells"
    counts = [cell.execution_count for cell in code_cells]
    if None in counts:
        missing = [i for i, cell in indexed if cell.execution_count is None]
        return f"code cells without an execution count (cell indexes {missing}); counts {counts}"
    if counts != list(range(1, len(counts) + 1)):
        return f"execution counts are not 1..{len(counts)} in order: {counts}"
    outputs = [output for cell in code_cells for output in cell.outputs]
    if not outputs:
        return "no cell has any output"
    # A cell tagged "raises-exception" is meant to fail (nbclient's convention); any other error is a failure.
    errors = [output for cell in code_cells if "raises-exception" not in cell.metadata.get("tags", [])
              for output in cell.outputs if output.output_type == "error"]
    if errors:
        return f"error output: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    problem, reports = report_problem(indexed)
    if problem:
        return problem
    text = "\n".join(output_text(output) for output in outputs)
    for wanted in expected:
        if wanted not in text:
            return f"no output contains {wanted!r}"
    with_output = sum(1 for cell in code_cells if cell.outputs)
    return f"ok: {path}: {len(code_cells)} code cells executed [1..{counts[-1]}], {with_output} with output, " \
           f"{len(outputs)} outputs, {reports} timing reports complete"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("--expect", action="append", default=[], metavar="TEXT")
    args = parser.parse_args()
    try:
        result = check(args.notebook, args.expect)
    except Exception as e:  # noqa: BLE001 - unreadable or invalid notebook: report it plainly
        result = f"cannot read it as a valid notebook: {type(e).__name__}: {e}"
    if result.startswith("ok: "):
        print(result, flush=True)
        return 0
    print(f"FAIL: {args.notebook}: {result}", file=sys.stderr, flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
