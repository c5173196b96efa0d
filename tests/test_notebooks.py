"""The notebooks as committed: executed top to bottom, and nbval really compares their outputs."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rnn_lesson.course.lessons import LESSONS
from rnn_lesson.course.paths import NOTEBOOK_DIR, ROOT

NOTEBOOKS = [lesson.path for lesson in LESSONS]


def code_cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_every_lesson_notebook_is_there_and_there_are_no_others():
    assert sorted(NOTEBOOK_DIR.glob("0*.ipynb")) == NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_was_executed_top_to_bottom_on_a_fresh_kernel(path):
    # nbval only compares cells that have stored outputs: a notebook saved unexecuted would pass vacuously.
    counts = [cell["execution_count"] for cell in code_cells(path)]
    assert counts == list(range(1, len(counts) + 1)), f"run 'make execute' (execution counts: {counts})"
    assert sum(bool(cell["outputs"]) for cell in code_cells(path)) >= len(counts) * 0.7


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_shareable(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in notebook["metadata"], "widget state stored: GitHub and offline exports break on it"
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    for cell in code_cells(path):
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        if errors:
            assert "raises-exception" in cell["metadata"].get("tags", []), errors[0]["ename"]
    text = path.read_text(encoding="utf-8")
    assert str(ROOT) not in text, "an output shows a path of this machine"


@pytest.mark.slow
def test_nbval_fails_when_a_stored_output_is_altered(tmp_path):
    """The strict run compares stored outputs: one typed in by hand fails it, under the course's settings."""
    import nbformat

    cells = [nbformat.v4.new_code_cell("print(6 * 7)"), nbformat.v4.new_code_cell("print('unchanged')")]
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3",
                                                                              "display_name": "Python 3"}})
    for count, (cell, text) in enumerate(zip(cells, ["an output somebody typed in by hand\n", "unchanged\n"]), 1):
        cell.execution_count = count
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    nbformat.write(notebook, tmp_path / "altered.ipynb")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "--nbval",
                             "--nbval-current-env", "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"),
                             "altered.ipynb"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "an output somebody typed in by hand" in result.stdout and "42" in result.stdout
    assert "1 failed, 1 passed" in result.stdout
