#!/usr/bin/env python3
"""Check that a notebook was really executed: valid nbformat, every code cell has an execution
count (1, 2, 3, ... in order), outputs present, and no error outputs except in cells tagged
"raises-exception".

Usage: python3 test/jupyter/check_executed_notebook.py EXECUTED.ipynb [--expect TEXT ...]

--expect TEXT  TEXT must appear in some cell's output (repeatable).
Prints one "ok: ..." line, or "FAIL: ..." and exits 1.
"""

import argparse
import sys

import nbformat


def output_text(output):
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") == "error":
        return "\n".join(output.get("traceback", []))
    return "\n".join(str(value) for value in output.get("data", {}).values())


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
    text = "\n".join(output_text(output) for output in outputs)
    for wanted in expected:
        if wanted not in text:
            return f"no output contains {wanted!r}"
    with_output = sum(1 for cell in code_cells if cell.outputs)
    return f"ok: {path}: {len(code_cells)} code cells executed [1..{counts[-1]}], {with_output} with output, " \
           f"{len(outputs)} outputs"


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
