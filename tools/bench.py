"""`make bench`: wall time of each notebook on a fresh kernel, against an import-only notebook.

The import-only notebook runs the same imports (the two import cells of every lesson), so
its time is the floor that kernel start and `import torch` set. Each notebook and the floor
run the same number of times, interleaved; the table shows the fastest run of each, the
least disturbed by whatever else the machine was doing.
"""

from __future__ import annotations

import ast
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from rnn_lesson.course.lessons import LESSONS

NOTEBOOKS = [lesson.path for lesson in LESSONS]


def imports_of(path: Path) -> set[str]:
    """The import statements of a notebook's two import cells, its first two code cells after the Colab setup
    cell (magics left out)."""
    cells = [c for c in nbformat.read(path, as_version=4).cells
             if c.cell_type == "code" and "colab-setup" not in c.metadata.get("tags", [])][:2]
    code = "\n".join(line for c in cells for line in c.source.splitlines() if not line.startswith("%"))
    return {ast.unparse(node) for node in ast.parse(code).body if isinstance(node, (ast.Import, ast.ImportFrom))}


def import_only_notebook(extra: str = "") -> nbformat.NotebookNode:
    statements = sorted(set().union(*(imports_of(path) for path in NOTEBOOKS)))
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("\n".join(statements) + extra)])


# The first torch.optim optimizer a process builds imports torch._dynamo (about a second here):
# an import, not compute. The second floor includes it, so both readings are on the table.
LAZY_IMPORT = "\nimport torch._dynamo  # what the first torch.optim optimizer imports"


def run_seconds(notebook: nbformat.NotebookNode, folder: Path) -> float:
    start = time.perf_counter()
    NotebookClient(notebook, kernel_name="python3", timeout=300, store_widget_state=False,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - start


def main(repeats: int = 3) -> int:
    folder = NOTEBOOKS[0].parent
    notebooks = {"import-only floor": import_only_notebook(),
                 "floor + torch.optim's lazy import": import_only_notebook(LAZY_IMPORT)}
    notebooks.update({path.name: nbformat.read(path, as_version=4) for path in NOTEBOOKS})
    times: dict[str, list[float]] = {name: [] for name in notebooks}
    for _ in range(repeats):
        for name, notebook in notebooks.items():
            times[name].append(run_seconds(notebook, folder))
    best = {name: min(runs) for name, runs in times.items()}
    floor = best.pop("import-only floor")
    lazy_floor = best.pop("floor + torch.optim's lazy import")
    total = sum(best.values())
    print(f"{'notebook':34} {'seconds':>8} {'x floor':>8}")
    print(f"{'import-only floor':34} {floor:8.2f} {1:8.2f}")
    print(f"{'floor + torch.optim lazy import':34} {lazy_floor:8.2f} {lazy_floor / floor:8.2f}")
    for name, seconds in best.items():
        print(f"{name:34} {seconds:8.2f} {seconds / floor:8.2f}")
    print(f"{'whole course':34} {total:8.2f} {total / (floor * len(best)):8.2f}  (vs the import-only floor)")
    print(f"{'':34} {'':8} {total / (lazy_floor * len(best)):8.2f}  (vs the floor with the lazy import)")
    slowest = max(best, key=best.get)
    print(f"slowest: {slowest} at {best[slowest]:.2f} s (target: every notebook <= 8 s, course <= 1.5x floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
