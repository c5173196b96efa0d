"""catch_up (rnn_lesson/course/catch_up.py): at every numbered section of every lesson, what it rebuilds is what
the notebook's kernel holds there, bit for bit, and it is exactly what the cells from that heading on read.

The slow test runs each lesson in one real kernel, heading by heading (cells tagged raises-exception run too, as
in Run All: lesson 07 § 6 reads a variable such a cell defines before it raises, and they draw random numbers).
At each heading from 2 on, a probe cell calls catch_up into a separate dict and compares it with the kernel's
variables and random generator, then puts the generator back, so the notebook carries on untouched.
Which names a section reads from earlier cells is found independently, from the notebook's source (`needed`).
"""

from __future__ import annotations

import ast
import builtins
import inspect
import json
import os

import pytest

from rnn_lesson.course import catch_up as module
from rnn_lesson.course.catch_up import LAST_SECTION, catch_up
from rnn_lesson.course.lessons import LESSONS
from tools import section_headers
from tools.section_headers import section_of

# How the probe compares a function catch_up defines with the notebook's: it calls both on the same arguments.
PROBES = {
    "to_sunspots": "f(z[:5])",
    "part": "f(x_end, train_ids[:5])",
    "train_classifier": "f(part(x_end, train_ids[:32]), part(x_end, val_ids[:16]), epochs=1)",
}


class Reads(ast.NodeVisitor):
    """The names a run of cells reads before assigning them, visited in the order Python evaluates them."""

    def __init__(self, bound: set[str] | None = None) -> None:
        self.bound, self.free = set(bound or ()), []

    def load(self, name: str) -> None:
        if name not in self.bound and name not in self.free:
            self.free.append(name)

    def visit_Name(self, node: ast.Name) -> None:
        self.load(node.id) if isinstance(node.ctx, ast.Load) else self.bound.add(node.id)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            self.visit(target)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            self.load(node.target.id)
        self.visit(node.value)
        self.visit(node.target)

    def visit_For(self, node: ast.For) -> None:
        for part in [node.iter, node.target, *node.body, *node.orelse]:
            self.visit(part)

    def visit_With(self, node: ast.With) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars:
                self.visit(item.optional_vars)
        for statement in node.body:
            self.visit(statement)

    def inner(self, local: list[str], body: list[ast.AST]) -> None:
        """A function's, class's or comprehension's body: what it reads that it does not define itself."""
        stores = {n.id for part in body for n in ast.walk(part)
                  if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
        scope = Reads(self.bound | set(local) | stores)
        for part in body:
            scope.visit(part)
        for name in scope.free:
            self.load(name)

    @staticmethod
    def parameters(arguments: ast.arguments) -> list[str]:
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg]
        return [a.arg for a in every if a is not None]

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        for part in [*node.decorator_list, *node.args.defaults, *filter(None, node.args.kw_defaults)]:
            self.visit(part)
        self.inner(self.parameters(node.args), node.body)
        self.bound.add(node.name)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for base in node.bases:
            self.visit(base)
        self.inner([], node.body)
        self.bound.add(node.name)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.inner(self.parameters(node.args), [node.body])

    def visit_ListComp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        targets = [n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)]
        self.visit(node.generators[0].iter)
        parts = [g.iter for g in node.generators[1:]] + [i for g in node.generators for i in g.ifs]
        self.inner(targets, parts + ([node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]))

    visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_ListComp


def code_of(cell) -> ast.Module:
    """A code cell's source as Python, without its IPython magics (`%xmode Minimal`)."""
    return ast.parse("\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%")))


def needed(cells: list) -> dict[int, list[str]]:
    """For each numbered section from 2 on: the names its cells and all later ones read from earlier cells,
    leaving out imported names and builtins."""
    code = [(i, code_of(cell)) for i, cell in enumerate(cells) if cell.cell_type == "code"]
    imported = set(dir(builtins)) | {(alias.asname or alias.name).split(".")[0] for _, tree in code
                                     for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                                     for alias in node.names}
    found = {}
    for start, cell in enumerate(cells):
        if (section := section_of(cell)) and section >= 2:
            reads = Reads()
            for i, tree in code:
                if i > start:
                    reads.visit(tree)
            found[section] = sorted(set(reads.free) - imported)
    return found


def same(a, b) -> bool:
    """Equal to the last bit: tensors (dtype, shape, requires_grad, values), models (mode and state_dict),
    dataclasses such as History, data frames, containers; functions by name (PROBES call them)."""
    import dataclasses
    import inspect

    import pandas
    import torch

    if type(a) is not type(b):
        return False
    if isinstance(a, torch.Tensor):
        return (a.dtype, a.shape, a.requires_grad) == (b.dtype, b.shape, b.requires_grad) and torch.equal(a, b)
    if isinstance(a, torch.nn.Module):
        mine, theirs = a.state_dict(), b.state_dict()
        return a.training == b.training and list(mine) == list(theirs) and all(same(mine[k], theirs[k]) for k in mine)
    if isinstance(a, pandas.DataFrame):
        return a.equals(b)
    if dataclasses.is_dataclass(a):
        return all(same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if inspect.isfunction(a):
        return a.__name__ == b.__name__
    return a == b


PROBE = """\
import inspect as _inspect, json as _json, torch as _torch
from rnn_lesson.course.catch_up import catch_up as _catch_up
_kernel_rng = _torch.get_rng_state()
_rebuilt = {{}}
_catch_up({lesson!r}, section={section}, namespace=_rebuilt)
_same_rng = bool(_torch.equal(_torch.get_rng_state(), _kernel_rng))  # before the calls below draw numbers
_differ = [n for n in _rebuilt if n in globals() and not same(_rebuilt[n], globals()[n])]
_differ += [n + " (called)" for n, call in {probes!r}.items() if n in _rebuilt
            and not same(eval(call, {{**globals(), "f": _rebuilt[n]}}), eval(call, {{**globals(), "f": globals()[n]}}))]
_report = {{"names": sorted(_rebuilt), "missing": [n for n in _rebuilt if n not in globals()], "differ": _differ,
           "unprobed": [n for n, v in _rebuilt.items() if _inspect.isfunction(v) and n not in {probes!r}],
           "rng": _same_rng}}
_torch.set_rng_state(_kernel_rng)
print(_json.dumps(_report))
"""


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.number)
def test_catch_up_rebuilds_what_the_kernel_holds_at_every_section(lesson):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(lesson.path, as_version=4)
    notebook.cells = [c for c in notebook.cells if "colab-setup" not in c.metadata.get("tags", [])]
    needs = needed(notebook.cells)
    assert sorted(needs) == list(range(2, LAST_SECTION[lesson.number] + 1)), "LAST_SECTION and the headings differ"
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(lesson.path.parent)}})
    wrong = {}
    with client.setup_kernel(env={**os.environ, "OMP_NUM_THREADS": "1"}):
        client.execute_cell(nbformat.v4.new_code_cell(inspect.getsource(same)), 0)
        for index, cell in enumerate(notebook.cells):
            section = section_of(cell)
            if section is not None and section >= 2:
                probe = nbformat.v4.new_code_cell(PROBE.format(lesson=lesson.number, section=section, probes=PROBES))
                client.execute_cell(probe, index)
                printed = "".join(o.get("text", "") for o in probe.outputs if o.get("name") == "stdout")
                report = json.loads(printed.splitlines()[-1])
                # Before a notebook seeds, torch's generator is where a new kernel's random start put it: no match.
                seeded = any("manual_seed(" in c.source for c in notebook.cells[:index] if c.cell_type == "code")
                expected = {"names": needs[section], "missing": [], "differ": [], "unprobed": [],
                            "rng": True if seeded else report["rng"]}
                if report != expected:
                    wrong[section] = {key: report[key] for key in expected if report[key] != expected[key]}
                    if "names" in wrong[section]:
                        wrong[section]["the cells from this heading on read"] = needs[section]
                if section == LAST_SECTION[lesson.number]:
                    break
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
    assert not wrong, (f"lesson {lesson.number}: what catch_up gets wrong, by section ('names': what it defines; "
                       f"'differ': unequal to the kernel's; 'rng': torch's generator):\n{json.dumps(wrong, indent=1)}")


def test_outside_ipython_it_returns_the_variables_and_prints_one_line(capsys):
    import torch

    state = catch_up("01", section=3)
    assert sorted(state) == ["rnn_batch_first", "x", "y"]
    assert tuple(state["x"].shape) == (1000, 10, 5) and isinstance(state["rnn_batch_first"], torch.nn.RNN)
    line = capsys.readouterr().out
    assert line.count("\n") == 1 and "x (1000, 10, 5)" in line and "rnn_batch_first (RNN)" in line, line


def test_in_a_notebook_it_defines_the_variables_there(monkeypatch, capsys):
    class Shell:
        user_ns = {"x": "a learner's broken x", "unrelated": 1}

    monkeypatch.setattr(module, "get_ipython", lambda: Shell)
    assert catch_up(2, section=2) is None  # nothing shown as the cell's result
    assert Shell.user_ns["unrelated"] == 1 and tuple(Shell.user_ns["x"].shape) == (1000, 10, 5)
    assert "Lesson 02 § 2 caught up: x (1000, 10, 5)" in capsys.readouterr().out


def test_a_section_that_needs_nothing_says_so(capsys):
    assert catch_up("05_beyond_rnn", section=5, namespace={}) is None
    assert "nothing from earlier sections" in capsys.readouterr().out


@pytest.mark.parametrize("lesson, section, error, words", [
    ("09", 2, ValueError, ["unknown lesson '09'", "01_input_shaping", "07_your_own_data"]),
    ("03", 12, ValueError, ["lesson 03 has sections 1 to 9, got section 12", "sections 2 to 9"]),
    ("06", 0, ValueError, ["lesson 06 has sections 1 to 7, got section 0", 'catch_up("06", section=2)']),
    ("03", 1, ValueError, ["section 1 of lesson 03 needs only the cells at the top", "sections 2 to 9"]),
    ("07", "two", TypeError, ["expected a section number from 2 to 6, got 'two'", 'catch_up("07", section=2)']),
    ("04", 2.0, TypeError, ["expected a section number from 2 to 8, got 2.0"]),
])
def test_errors_name_what_came_and_the_valid_choices(lesson, section, error, words):
    with pytest.raises(error) as raised:
        catch_up(lesson, section=section)
    assert all(word in str(raised.value) for word in words), str(raised.value)


def test_section_headers_are_in_place_and_the_tool_is_idempotent():
    assert section_headers.main(["--check"]) == 0, "run: .venv/bin/python tools/section_headers.py"
    source = "Text of § 3.\n\n## 4. Training\n\nBody."
    once = section_headers.with_line(source, "03")
    assert once == f"Text of § 3.\n\n## 4. Training\n\n{section_headers.catch_up_line('03', 4)}\n\nBody."
    assert section_headers.with_line(once, "03") == once
    assert section_headers.with_line(once.replace("## 4.", "## 5."), "03").count('section=5)') == 1
    tools = "# The course's tools (in rnn_lesson/course/)\nfrom rnn_lesson.course.quiz import show_quiz"
    assert section_headers.with_import(section_headers.with_import(tools)).count("import catch_up") == 1
