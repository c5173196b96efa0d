"""The notebooks as committed: executed top to bottom, shareable, and one per lesson.

That their stored outputs are what the code prints today is tested by test_notebook_runs.py.
"""

import json
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
