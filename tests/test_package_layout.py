"""The package's shape: a small learner module that never imports the course engine, no import
cycle, files short enough to read in one sitting, docstrings that say where each helper is taught,
and notebooks that import learner names from `rnn_lesson` and course tools in a cell of their own."""

import ast
import inspect
import json
import re
from pathlib import Path

import pytest

import rnn_lesson
from rnn_lesson.course.lessons import LESSONS

PACKAGE = Path(rnn_lesson.__file__).parent
LEARNER_FILES = sorted(PACKAGE.glob("*.py"))
ALL_FILES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every rnn_lesson module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}  # `from package import module`
    modules = {module_name(p) for p in ALL_FILES}
    return {name for name in found if name in modules and name != module_name(path)}


GRAPH = {module_name(p): imported_modules(p) for p in ALL_FILES}


def test_learner_modules_never_import_the_course_engine():
    for path in LEARNER_FILES:
        if path.name == "__main__.py":  # `python -m rnn_lesson` is the course's command line
            continue
        engine = {m for m in GRAPH[module_name(path)] if m.startswith("rnn_lesson.course")}
        assert not engine, f"{path.name} imports {engine}"


def test_the_import_graph_has_no_cycle():
    def visit(module: str, stack: list[str]) -> None:
        for imported in GRAPH[module]:
            assert imported not in stack, "import cycle: " + " -> ".join(stack[stack.index(imported):] + [imported])
            visit(imported, stack + [imported])

    for module in GRAPH:
        visit(module, [module])


def lines_of(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_learner_modules_are_short_enough_to_read_in_one_sitting():
    sizes = {p.name: lines_of(p) for p in LEARNER_FILES}
    assert max(sizes.values()) <= 250, sizes
    assert sum(sizes.values()) <= 2600, sizes


def test_no_file_in_the_package_is_over_300_lines():
    sizes = {str(p.relative_to(PACKAGE)): lines_of(p) for p in ALL_FILES}
    assert max(sizes.values()) <= 300, {name: n for name, n in sizes.items() if n > 300}


SHAPE = re.compile(r"\((?:[A-Za-z0-9_*+ ]+, )+[A-Za-z0-9_*+ ]*\)|\([A-Za-z0-9_*]+,\)")


@pytest.mark.parametrize("name", [n for n in rnn_lesson.__all__ if callable(getattr(rnn_lesson, n))])
def test_every_public_helper_says_where_it_is_taught_and_which_shapes_it_takes(name):
    helper = getattr(rnn_lesson, name)
    doc = inspect.getdoc(helper) or ""
    assert re.search(r"Lesson \d\d § \S", doc), f"{name}: its docstring should name the lesson and section"
    if "Tensor" in str(inspect.signature(helper)) or inspect.isclass(helper):
        assert SHAPE.search(doc), f"{name}: its docstring should give the shapes it takes and returns"


def test_every_public_name_is_exported_once_and_exists():
    assert len(rnn_lesson.__all__) == len(set(rnn_lesson.__all__))
    assert all(hasattr(rnn_lesson, name) for name in rnn_lesson.__all__)


def import_lines(source: str) -> list[ast.ImportFrom]:
    tree = ast.parse("\n".join(line for line in source.splitlines() if not line.startswith("%")))
    return [node for node in tree.body if isinstance(node, ast.ImportFrom) and node.module.startswith("rnn_lesson")]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.notebook)
def test_notebook_imports_lesson_names_and_course_tools_in_separate_cells(lesson):
    cells = [c for c in json.loads(lesson.path.read_text(encoding="utf-8"))["cells"]
             if c["cell_type"] == "code" and "colab-setup" not in c["metadata"].get("tags", [])]  # tests/test_colab.py
    sources = ["".join(c["source"]) for c in cells]
    learner, course = import_lines(sources[0]), import_lines(sources[1])
    assert [node.module for node in learner] == ["rnn_lesson"], "lesson names come from `rnn_lesson` alone"
    assert course and all(node.module.startswith("rnn_lesson.course") for node in course)
    names = [alias.asname or alias.name for node in learner + course for alias in node.names]
    assert len(names) == len(set(names)), "a name is imported from two places"
    later = [node.module for source in sources[2:] for node in import_lines(source)]
    assert later == [], "rnn_lesson is imported only in the two import cells at the top"
