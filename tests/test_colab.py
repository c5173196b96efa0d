"""The Google Colab route (issue 12): every lesson links to itself in Colab and Binder under its title, and
its first code cell installs the course on Colab only, doing nothing anywhere else (nbval, JupyterLab).

The cell and the links are made by tools/colab.py; the addresses expected here are written out from
pyproject.toml's Repository on their own, so a mistake in the tool's addresses fails here.
"""

import shlex
import sys
import tomllib
import types

import mistune
import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from nbclient import NotebookClient
from packaging.requirements import Requirement
from traitlets.config import Config

from rnn_lesson.course.lessons import LESSONS
from rnn_lesson.course.paths import ROOT
from tools import colab

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
REPOSITORY = PROJECT["urls"]["Repository"]
GITHUB = REPOSITORY.removeprefix("https://github.com/")
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"


def colab_url(notebook: str) -> str:
    return f"https://colab.research.google.com/github/{GITHUB}/blob/main/notebooks/{notebook}.ipynb"


def binder_url(notebook: str) -> str:
    return f"https://mybinder.org/v2/gh/{GITHUB}/main?urlpath=lab/tree/notebooks/{notebook}.ipynb"


def links(markdown: str) -> list[tuple[str, str]]:
    """(what a link shows, where it goes) for every link in a Markdown text: its text, or for a badge
    `image:` and the image's address."""
    found = []

    def walk(tokens: list[dict]) -> None:
        for token in tokens:
            if token["type"] == "link":
                children = token["children"]
                shown = (f"image:{children[0]['attrs']['url']}" if children[0]["type"] == "image"
                         else "".join(child.get("raw", "") for child in children))
                found.append((shown, token["attrs"]["url"]))
            walk(token.get("children", []))

    walk(mistune.create_markdown(renderer=None, plugins=["table"])(markdown))
    return found


# ---------- the stored notebooks ----------

@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.notebook)
def test_the_first_code_cell_is_the_colab_cell_and_prints_nothing(lesson):
    notebook = nbformat.read(lesson.path, as_version=4)
    first = next(cell for cell in notebook.cells if cell.cell_type == "code")
    assert first.source == colab.setup_source(), "run: .venv/bin/python tools/colab.py"
    assert first.id == "colab-setup" and "colab-setup" in first.metadata.get("tags", [])
    assert first.outputs == [], "outside Colab the setup cell must print nothing"
    assert sum(colab.is_setup_cell(cell) for cell in notebook.cells) == 1


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.notebook)
def test_the_title_links_to_this_very_notebook_in_colab_and_binder_as_text(lesson):
    notebook = nbformat.read(lesson.path, as_version=4)
    title = next(cell for cell in notebook.cells if cell.cell_type == "markdown").source
    assert title.startswith(f"# {lesson.number} · ")
    found = links(title)
    assert ("Open in Colab", colab_url(lesson.notebook)) in found
    assert ("Binder", binder_url(lesson.notebook)) in found
    assert "![" not in title and "<img" not in title, "an image from elsewhere takes Lab and the site online"
    assert title.splitlines()[1:4] == ["", colab.links_line(lesson.notebook), ""], "one line, right under the title"


def test_check_mode_passes_on_the_stored_notebooks(capsys):
    assert colab.main(["--check"]) == 0, capsys.readouterr().out


# ---------- the tool ----------

def lesson_like(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    title = nbformat.v4.new_markdown_cell("# 09 · A lesson\n\n**Time:** 5 minutes.")
    return nbformat.v4.new_notebook(cells=[title, *cells, nbformat.v4.new_code_cell("x = 1")])


def test_the_tool_adds_the_cell_and_the_links_once_then_changes_nothing():
    notebook = lesson_like(nbformat.v4.new_markdown_cell("Intro."), nbformat.v4.new_code_cell("import torch"))
    assert colab.problems(notebook, "09_a_lesson") == [
        "has no Colab setup cell", "lacks the current 'Run it online:' line as the third line of its title cell"]
    colab.add_colab(notebook, "09_a_lesson")
    assert colab.problems(notebook, "09_a_lesson") == []
    assert [cell.source for cell in notebook.cells[1:4]] == ["Intro.", colab.setup_source(), "import torch"]
    links_line = colab.links_line("09_a_lesson")
    assert notebook.cells[0].source == f"# 09 · A lesson\n\n{links_line}\n\n**Time:** 5 minutes."
    nbformat.validate(notebook)
    once = nbformat.writes(notebook)
    colab.add_colab(notebook, "09_a_lesson")
    assert nbformat.writes(notebook) == once


def test_the_tool_replaces_an_outdated_or_misplaced_cell_and_links():
    old = nbformat.v4.new_code_cell("%pip install rnn-lesson", id="colab-setup", metadata={"tags": ["colab-setup"]})
    notebook = lesson_like(nbformat.v4.new_code_cell("import torch"), old)
    notebook.cells[0].source = "# 09 · A lesson\n\nRun it online: [Open in Colab](https://example.org)\n\nText."
    assert colab.problems(notebook, "09_a_lesson")[0].startswith("has a Colab setup cell that differs")
    colab.add_colab(notebook, "09_a_lesson")
    assert colab.problems(notebook, "09_a_lesson") == []
    assert notebook.cells[0].source == f"# 09 · A lesson\n\n{colab.links_line('09_a_lesson')}\n\nText."
    assert [cell.source for cell in notebook.cells[1:3]] == [colab.setup_source(), "import torch"]
    current = notebook.cells.pop(1)
    notebook.cells.insert(2, current)
    assert colab.problems(notebook, "09_a_lesson") == ["has its Colab setup cell after another code cell"]


# ---------- what the cell does, outside Colab and on it ----------

@pytest.fixture
def shell(tmp_path, monkeypatch):
    """An in-process IPython (no history file, its own IPython folder)."""
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path))
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    yield InteractiveShell.instance(config=config)
    InteractiveShell.clear_instance()


def run_setup_cell(shell: InteractiveShell) -> tuple[set[str], list[str]]:
    """Run the setup cell with a `%pip` that records its argument line instead of installing anything:
    the names the cell added to the user's namespace, and the lines given to `%pip`."""
    pip_calls: list[str] = []
    shell.register_magic_function(pip_calls.append, "line", "pip")
    before = set(shell.user_ns)
    shell.run_cell(colab.setup_source(), store_history=False).raise_error()
    return set(shell.user_ns) - before, pip_calls


def test_outside_colab_the_cell_installs_nothing_prints_nothing_and_adds_only_sys(shell, capsys, monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert run_setup_cell(shell) == ({"sys"}, [])
    assert capsys.readouterr() == ("", "")


def test_on_colab_the_cell_installs_the_course_once_and_enables_the_widget_manager_once(shell, capsys, monkeypatch):
    enabled = []
    output = types.ModuleType("google.colab.output")
    output.enable_custom_widget_manager = lambda: enabled.append(True)
    google_colab = types.ModuleType("google.colab")
    google_colab.output = output
    monkeypatch.setitem(sys.modules, "google.colab", google_colab)
    monkeypatch.setitem(sys.modules, "google.colab.output", output)
    added, pip_calls = run_setup_cell(shell)
    assert added == {"sys", "output"}
    [line] = pip_calls
    assert shlex.split(line) == ["install", "--quiet", f"{PROJECT['name']} @ git+{REPOSITORY}"]
    requirement = Requirement(shlex.split(line)[-1])
    assert (requirement.name, requirement.url) == (PROJECT["name"], f"git+{REPOSITORY}")
    assert requirement.extras == set() and requirement.marker is None, "the runtime package, no test extras"
    assert enabled == [True]
    assert capsys.readouterr() == ("", "")


@pytest.mark.slow
def test_in_a_fresh_kernel_the_cell_produces_no_output(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[colab.setup_cell()])
    NotebookClient(notebook, kernel_name="python3", timeout=60,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert notebook.cells[0].outputs == [] and notebook.cells[0].execution_count == 1


def test_the_requirement_names_the_runtime_package_at_the_repository():
    requirement = Requirement(colab.requirement())
    assert (requirement.name, requirement.url, requirement.extras) == (PROJECT["name"], f"git+{REPOSITORY}", set())
    assert REPOSITORY == f"https://github.com/{GITHUB}" and GITHUB.count("/") == 1


# ---------- the README ----------

def test_readme_start_has_a_colab_badge_per_lesson_and_one_binder_badge():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.split("\n## Start\n", 1)[1].split("\n## ", 1)[0]
    found = links(start)
    badges = {url for shown, url in found if shown == f"image:{COLAB_BADGE}"}
    missing = [lesson.notebook for lesson in LESSONS if colab_url(lesson.notebook) not in badges]
    assert missing == [], f"README's Start section has no Colab badge linking {missing}"
    binder = [url for shown, url in found if shown == f"image:{BINDER_BADGE}"]
    assert binder == [binder_url(LESSONS[0].notebook)]
