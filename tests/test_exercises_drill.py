"""The shape drill (lesson 02 § 5): stepped hints, and solved only after three right in a row,
each at a configuration's first check with no answer shown."""

import re

import pytest

from rnn_lesson.course import progress_store
from rnn_lesson.course.feedback import CORRECT, INCORRECT
from rnn_lesson.course.interactive import ShapeDrill
from rnn_lesson.course.interactive.shape_drill import HINTS, true_shapes
from rnn_lesson.course.lessons import NOTEBOOKS
from rnn_lesson.course.paths import ROOT


@pytest.fixture(autouse=True)
def fresh_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(progress_store.ENV_VAR, str(tmp_path / "progress.json"))


def solved() -> bool | None:
    return progress_store.load_progress()["notebooks"].get("02_the_rnn_layer", {}).get("exercises", {}).get(
        "shape_drill")


def right(drill: ShapeDrill):
    return drill.check(**true_shapes(drill.config))


def test_drill_hints_step_up_then_point_to_the_solution():
    drill = ShapeDrill(seed=4)
    shown = [drill.hint().data for _ in range(len(HINTS) + 2)]
    assert len(HINTS) >= 3 and "§" in HINTS[1]
    assert [text.split(":")[0] for text in shown[:len(HINTS)]] == [f"**Hint {i} of {len(HINTS)}"
                                                                   for i in range(1, len(HINTS) + 1)]
    assert "No more hints" in shown[-1] and shown[-1] == shown[-2] and "drill.solution()" in shown[-1]
    drill.new()
    assert drill.hint().data.startswith("**Hint 1 of")


def test_drill_hints_point_to_sections_of_lesson_02():
    text = (ROOT / "notebooks" / f"{NOTEBOOKS[1]}.ipynb").read_text(encoding="utf-8")
    for number, title in re.findall(r"§ (\d+) \*(.+?)\*", " ".join(HINTS)):
        assert f"## {number}. {title}" in text


def test_drill_is_solved_only_after_three_right_in_a_row():
    drill = ShapeDrill(seed=5, target=3)
    assert right(drill).status == CORRECT and solved() is False
    drill.new()
    assert right(drill).status == CORRECT and drill.streak == 2 and solved() is False
    drill.new()
    assert drill.check(output=(1,), h_n=(1,), h0=(1,)).status == INCORRECT and drill.streak == 0
    for in_a_row in (1, 2, 3):
        drill.new()
        result = right(drill)
        assert f"{in_a_row} in a row" in result.message and solved() is (in_a_row == 3)
    assert "Drill complete" in result.message


def test_a_configuration_counts_once_and_not_after_its_answer_or_a_miss():
    drill = ShapeDrill(seed=6)
    assert right(drill).status == CORRECT and drill.streak == 1
    again = right(drill)
    assert again.status == CORRECT and drill.streak == 1 and "first check" in again.message
    drill.new()
    drill.solution()
    assert right(drill).status == CORRECT and drill.streak == 1
    drill.new()
    drill.check(output=(1,), h_n=(1,), h0=(1,))
    assert right(drill).status == CORRECT and drill.streak == 0
