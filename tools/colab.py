"""The Google Colab route into every lesson notebook (issue 12): run it after changing a lesson's title
cell or the repository's address.

It puts, or brings up to date, two things in each notebook of `rnn_lesson.course.lessons.NOTEBOOKS`:
- a first code cell (id and tag "colab-setup") that, only on Google Colab, installs the course from
  its repository and turns on Colab's custom widget manager for the quizzes; anywhere else it imports
  `sys` and does nothing;
- under the lesson's title, one line of text links: open this notebook in Colab, or in Binder. Text,
  not badge images: an image from another site would make JupyterLab and the offline pages go online.

The repository's address is `[project.urls] Repository` in pyproject.toml, its one copy.

    .venv/bin/python tools/colab.py           # update the notebooks; changes only what differs
    .venv/bin/python tools/colab.py --check   # exit 1 and name each notebook that is not up to date

An updated setup cell has no outputs until `make execute` runs the notebooks again.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import nbformat

from rnn_lesson.course.lessons import NOTEBOOKS

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = REPO / "pyproject.toml"
NOTEBOOK_DIR = REPO / "notebooks"
BRANCH = "main"
CELL_ID = "colab-setup"
TAG = "colab-setup"
LINKS_PREFIX = "Run it online:"


def project() -> dict:
    """pyproject.toml's [project] table."""
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]


def repository_url() -> str:
    """The course's public repository, `https://github.com/<owner>/<repo>`, from pyproject.toml."""
    return project()["urls"]["Repository"]


def github_path() -> str:
    """`<owner>/<repo>` of the GitHub repository; Colab and Binder open notebooks from GitHub only."""
    url = urlparse(repository_url())
    if url.hostname != "github.com":
        raise ValueError(f"expected a https://github.com/<owner>/<repo> Repository URL, got {repository_url()}")
    return url.path.strip("/").removesuffix(".git")


def requirement() -> str:
    """The pip requirement that installs the course (its runtime package, no extras) from the repository."""
    return f"{project()['name']} @ git+{repository_url()}"


def setup_source() -> str:
    """The source of the first code cell: on Colab, install the course and enable its widget manager."""
    return "\n".join([
        "# Google Colab only: install the course and turn on Colab's support for the quiz widgets.",
        "# Anywhere else (JupyterLab, VS Code, Binder) this cell does nothing.",
        "import sys",
        "",
        'if "google.colab" in sys.modules:',
        f'    %pip install --quiet "{requirement()}"',
        "    from google.colab import output",
        "    output.enable_custom_widget_manager()",
    ])


def setup_cell() -> nbformat.NotebookNode:
    """A new, unexecuted setup cell."""
    return nbformat.v4.new_code_cell(setup_source(), id=CELL_ID, metadata={"tags": [TAG]})


def is_setup_cell(cell: nbformat.NotebookNode) -> bool:
    """Whether a cell is a setup cell this tool made, current or not."""
    return cell.get("id") == CELL_ID or TAG in cell.metadata.get("tags", [])


def is_current_setup_cell(cell: nbformat.NotebookNode) -> bool:
    return (cell.cell_type == "code" and cell.get("id") == CELL_ID and TAG in cell.metadata.get("tags", [])
            and cell.source == setup_source())


def colab_url(notebook: str) -> str:
    """Where Colab opens the lesson `notebook` (a name without `.ipynb`) from GitHub."""
    return f"https://colab.research.google.com/github/{github_path()}/blob/{BRANCH}/notebooks/{notebook}.ipynb"


def binder_url(notebook: str) -> str:
    """Where Binder builds the repository and opens the lesson `notebook` in JupyterLab."""
    return f"https://mybinder.org/v2/gh/{github_path()}/{BRANCH}?urlpath=lab/tree/notebooks/{notebook}.ipynb"


def links_line(notebook: str) -> str:
    """The line of text links placed under the lesson's title."""
    return f"{LINKS_PREFIX} [Open in Colab]({colab_url(notebook)}) · [Binder]({binder_url(notebook)})"


def with_links(title_source: str, notebook: str) -> str:
    """The title cell's source with the current links line as its third line, after a blank line."""
    lines = title_source.split("\n")
    if len(lines) > 2 and lines[2].startswith(LINKS_PREFIX):
        lines[2] = links_line(notebook)
    else:
        lines[1:1] = ["", links_line(notebook)]
    return "\n".join(lines)


def title_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The lesson's first markdown cell, which holds its title."""
    return next(cell for cell in notebook.cells if cell.cell_type == "markdown")


def problems(notebook: nbformat.NotebookNode, name: str) -> list[str]:
    """What in the notebook `name` differs from what this tool makes; empty when it is up to date."""
    found = []
    setup = [cell for cell in notebook.cells if is_setup_cell(cell)]
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    if not setup:
        found.append("has no Colab setup cell")
    elif len(setup) > 1:
        found.append(f"has {len(setup)} Colab setup cells")
    elif not is_current_setup_cell(setup[0]):
        found.append("has a Colab setup cell that differs from the current one (source, id or tag)")
    elif setup[0] is not code[0]:
        found.append("has its Colab setup cell after another code cell")
    if title_cell(notebook).source.split("\n")[2:3] != [links_line(name)]:
        found.append(f"lacks the current '{LINKS_PREFIX}' line as the third line of its title cell")
    return found


def add_colab(notebook: nbformat.NotebookNode, name: str) -> None:
    """Put the current setup cell first among the code cells and the links line under the title, in place.

    A setup cell that is already current is kept as it is (with its outputs from `make execute`)."""
    setup = [cell for cell in notebook.cells if is_setup_cell(cell)]
    cell = setup[0] if len(setup) == 1 and is_current_setup_cell(setup[0]) else setup_cell()
    others = [c for c in notebook.cells if not is_setup_cell(c)]
    first_code = next((i for i, c in enumerate(others) if c.cell_type == "code"), len(others))
    notebook.cells = others[:first_code] + [cell] + others[first_code:]
    title = title_cell(notebook)
    title.source = with_links(title.source, name)


def notebook_path(name: str) -> Path:
    return NOTEBOOK_DIR / f"{name}.ipynb"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook is not up to date")
    args = parser.parse_args(argv)
    stale = 0
    for name in NOTEBOOKS:
        path = notebook_path(name)
        notebook = nbformat.read(path, as_version=4)
        if args.check:
            for problem in problems(notebook, name):
                print(f"{path.name} {problem}")
                stale += 1
            continue
        before = nbformat.writes(notebook)
        add_colab(notebook, name)
        if nbformat.writes(notebook) != before:
            nbformat.write(notebook, path)
            print(f"updated {path.name}")
    if stale:
        print("run: .venv/bin/python tools/colab.py, then make execute")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
