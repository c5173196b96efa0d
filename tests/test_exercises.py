"""Every exercise of every lesson, run through its own grader: the solution and every right answer
kept beside the exercise pass, the untouched stub is 'not attempted', and every typical wrong
answer is rejected with the message it must get, a message that never contains the solution.
Plus stepped hints that point at real sections, workshop mode and what `check` records."""

import ast
import json
import re

import pytest

from rnn_lesson.course import progress_store
from rnn_lesson.course.exercises import LESSON_MODULES, exercises_of, lesson01
from rnn_lesson.course.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED
from rnn_lesson.course.lessons import NOTEBOOKS
from rnn_lesson.course.paths import ROOT

EXERCISES = [ex for module in LESSON_MODULES for ex in module.EXERCISES]
IDS = [f"{ex.notebook[:2]}.{ex.id}" for ex in EXERCISES]
WRONG = [(ex, wrong) for ex in EXERCISES for wrong in ex.wrong_answers]
RIGHT = [(ex, right) for ex in EXERCISES for right in ex.right_answers]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def key_expressions(code: str) -> set[str]:
    """What a message must not contain, without spaces: the solution's statements and the calls, sums,
    indexings and lists inside them (the `def` line and anything shorter than 6 characters left out),
    and each method it calls, written as a call (`.detach(`, `.transpose(`)."""
    nodes = [node for node in ast.walk(ast.parse(code)) if not isinstance(node, (ast.Module, ast.FunctionDef))]
    parts = {squeeze(ast.get_source_segment(code, node)) for node in nodes
             if isinstance(node, (ast.stmt, ast.Call, ast.BinOp, ast.Subscript, ast.List, ast.Tuple))}
    methods = {f".{node.func.attr}(" for node in nodes if isinstance(node, ast.Call)
               and isinstance(node.func, ast.Attribute)}
    return {text for text in parts if len(text) >= 6} | methods


@pytest.mark.parametrize("solution,old_message", [
    ("x_time_first = x.transpose(0, 1)", "view/reshape keep the memory order; use x.transpose(0, 1)"),
    ("def carry(h):\n    return h.detach()", "still attached to the old graph (requires_grad=True): use .detach()."),
])
def test_key_expressions_catch_the_giveaways_issue_9_found(solution, old_message):
    assert any(expression in squeeze(old_message) for expression in key_expressions(solution))


def notebook_cells(notebook: str) -> list[dict]:
    return json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]


@pytest.fixture(autouse=True)
def fresh_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(progress_store.ENV_VAR, str(tmp_path / "progress.json"))
    monkeypatch.delenv("RNN_LESSON_WORKSHOP", raising=False)


def test_each_lesson_module_belongs_to_a_lesson_and_numbers_its_exercises():
    assert [module.NOTEBOOK for module in LESSON_MODULES] == list(NOTEBOOKS)
    for module in LESSON_MODULES:
        assert [ex.id for ex in module.EXERCISES] == [f"ex.q{i}" for i in range(1, len(module.EXERCISES) + 1)]
        assert all(ex.notebook == module.NOTEBOOK for ex in module.EXERCISES)
        assert exercises_of(module.NOTEBOOK) == module.EXERCISES
    assert exercises_of("not_a_lesson") == ()


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_solution_passes_its_own_grader(ex):
    assert ex.grade(ex.answer_of(ex.solution_code)).status == CORRECT


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_untouched_stub_is_not_attempted(ex):
    for stub in (..., None):
        result = ex.grade(stub)
        assert result.status == NOT_ATTEMPTED and f"{ex.id}.hint()" in result.message
    if ex.solution_code.startswith("def "):  # the notebook's stub is a function whose body is `...`
        stub_function = ex.answer_of(ex.solution_code.split("\n")[0] + "\n    ...")
        assert ex.grade(stub_function).status == NOT_ATTEMPTED


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_every_exercise_keeps_typical_wrong_and_right_answers_beside_it(ex):
    assert len(ex.wrong_answers) >= 4 and len(ex.right_answers) >= 1
    assert len({wrong.code for wrong in ex.wrong_answers}) == len(ex.wrong_answers)
    written = {squeeze(ex.solution_code)} | {squeeze(code) for code in ex.right_answers}
    assert len(written) == 1 + len(ex.right_answers), "each right answer is written differently from the solution"


@pytest.mark.parametrize("ex,wrong", WRONG, ids=[f"{ex.notebook[:2]}.{ex.id}: {w.code[:40]}" for ex, w in WRONG])
def test_typical_wrong_answer_is_rejected_with_its_message_and_never_the_solution(ex, wrong):
    result = ex.grade(ex.answer_of(wrong.code))
    assert result.status == INCORRECT, result
    assert all(word in result.message for word in wrong.words()), result.message
    given_away = {expression for expression in key_expressions(ex.solution_code)
                  if expression in squeeze(result.message)}
    assert not given_away, f"the message contains the solution's {given_away}: {result.message}"
    assert "inputs with shapes" not in result.message and "Module(" not in result.message


@pytest.mark.parametrize("ex,right", RIGHT, ids=[f"{ex.notebook[:2]}.{ex.id}: {r[:40]}" for ex, r in RIGHT])
def test_right_answer_written_differently_passes(ex, right):
    assert ex.grade(ex.answer_of(right)).status == CORRECT


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_hints_step_from_a_nudge_to_a_near_solution_then_point_to_the_solution(ex):
    ex.hints_shown = 0
    count = len(ex.hints)
    assert count >= 3 and "§" in ex.hints[1], "a nudge, a pointer to a section of the lesson, a near-solution"
    shown = [ex.hint().data for _ in range(count + 2)]
    assert [h.split(":")[0] for h in shown[:count]] == [f"**Hint {i} of {count}" for i in range(1, count + 1)]
    assert all(hint in text for hint, text in zip(ex.hints, shown))
    assert f"`{ex.id}.solution()` shows the answer" in shown[count - 1]
    assert shown[count] == shown[count + 1] and "No more hints" in shown[count]
    assert f"`{ex.id}.solution()`" in shown[count]
    body = [squeeze(line) for line in ex.solution_code.splitlines() if not line.startswith("def ")]
    assert not any(line in squeeze(hint) for hint in ex.hints for line in body if len(line) >= 6), \
        "the last hint comes near the solution but is not it"
    assert ex.solution_code.strip() in ex.solution().data


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_hints_point_to_sections_that_exist(ex):
    for lesson, number, title in re.findall(r"(?:[Ll]esson (\d\d) )?§ (\d+) \*(.+?)\*", " ".join(ex.hints)):
        notebook = next(n for n in NOTEBOOKS if n.startswith(lesson)) if lesson else ex.notebook
        headings = [line for cell in notebook_cells(notebook) if cell["cell_type"] == "markdown"
                    for line in "".join(cell["source"]).splitlines() if line.startswith(f"## {number}. ")]
        assert headings and headings[0].removeprefix(f"## {number}. ").startswith(title), (notebook, number, title)


def test_workshop_mode_withholds_solutions_and_says_the_instructor_can_help(monkeypatch):
    monkeypatch.setenv("RNN_LESSON_WORKSHOP", "1")
    text = lesson01.q1.solution().data
    assert "ask your instructor" in text and "transpose" not in text
    lesson01.q1.hints_shown = len(lesson01.q1.hints)
    after = lesson01.q1.hint().data
    assert "No more hints" in after and "instructor" in after and "solution()" not in after


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_the_notebook_checks_its_exercises_in_order_and_each_hint_cell_follows_its_check(notebook):
    """"Your turn N" is ex.qN: the checks appear in the notebook as q1, q2, ..., each under its own
    "### Your turn N" heading, and the hint cell after each check asks for that exercise's hints."""
    turn, checks = None, []
    for cell in notebook_cells(notebook):
        source = "".join(cell["source"])
        turn = ([None] + re.findall(r"^### Your turn (\d+)", source, flags=re.M))[-1] or turn
        for number in re.findall(r"ex\.q(\d+)\.check\(", source):
            assert number == turn, f"ex.q{number}.check is under 'Your turn {turn}'"
            checks.append(number)
    assert checks == [str(i) for i in range(1, len(exercises_of(notebook)) + 1)]
    sources = ["".join(cell["source"]) for cell in notebook_cells(notebook) if cell["cell_type"] == "code"]
    for source, after in zip(sources, sources[1:]):
        if (check := re.search(r"ex\.q(\d+)\.check\(", source)):
            assert re.findall(r"ex\.q(\d+)\.(?:hint|solution)\(", after) == [check[1]] * 2, after


def test_grade_records_nothing_and_check_records_once_solved_stays_solved():
    ex = lesson01.q1
    ex.grade(ex.answer_of(ex.solution_code))
    assert progress_store.load_progress()["notebooks"] == {}
    assert ex.check(ex.answer_of("x_time_first = x")).status == INCORRECT
    assert progress_store.load_progress()["notebooks"]["01_input_shaping"]["exercises"] == {"ex.q1": False}
    ex.check(ex.answer_of(ex.solution_code))
    ex.check(ex.answer_of("x_time_first = x"))
    assert progress_store.load_progress()["notebooks"]["01_input_shaping"]["exercises"] == {"ex.q1": True}
    ex.check(...)  # not attempted: nothing new recorded
    assert progress_store.load_progress()["notebooks"]["01_input_shaping"]["exercises"] == {"ex.q1": True}


def test_an_answer_that_raises_is_feedback_not_a_crash():
    def explodes(*args):
        raise KeyError("boom")

    result = lesson01.q3.grade(explodes)
    assert result.status == INCORRECT and "raised KeyError" in result.message
