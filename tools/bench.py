"""`make bench`: wall time of each notebook on a fresh kernel, against an import-only notebook.

The import-only notebook runs the same imports (the first code cell of every lesson), so
its time is the floor that kernel start and `import torch` set. Each notebook and the floor
run the same number of times; the table shows the median of the runs.
"""

from __future__ import annotations

import ast
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("0*.ipynb"))


def imports_of(path: Path) -> set[str]:
    """The import statements of a notebook's first code cell (IPython magics left out)."""
    first = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    code = "\n".join(line for line in first.source.splitlines() if not line.startswith("%"))
    return {ast.unparse(node) for node in ast.parse(code).body if isinstance(node, (ast.Import, ast.ImportFrom))}


def import_only_notebook() -> nbformat.NotebookNode:
    statements = sorted(set().union(*(imports_of(path) for path in NOTEBOOKS)))
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("\n".join(statements))])


def run_seconds(notebook: nbformat.NotebookNode, folder: Path) -> float:
    start = time.perf_counter()
    NotebookClient(notebook, kernel_name="python3", timeout=300, store_widget_state=False,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - start


def main(repeats: int = 3) -> int:
    folder = NOTEBOOKS[0].parent
    floor = statistics.median(run_seconds(import_only_notebook(), folder) for _ in range(repeats))
    rows = [("import-only floor", floor)]
    for path in NOTEBOOKS:
        rows.append((path.name, statistics.median(run_seconds(nbformat.read(path, as_version=4), folder)
                                                  for _ in range(repeats))))
    total = sum(seconds for _, seconds in rows[1:])
    print(f"{'notebook':32} {'seconds':>8} {'x floor':>8}")
    for name, seconds in rows:
        print(f"{name:32} {seconds:8.2f} {seconds / floor:8.2f}")
    print(f"{'whole course':32} {total:8.2f} {total / (floor * len(NOTEBOOKS)):8.2f}  (vs the floor per notebook)")
    slowest = max(rows[1:], key=lambda row: row[1])
    print(f"slowest: {slowest[0]} at {slowest[1]:.2f} s (target: every notebook <= 8 s, course <= 1.5x floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
