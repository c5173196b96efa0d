"""Every exercise of every lesson, run through its own grader: the solution passes, the untouched
stub is 'not attempted', and every typical wrong answer kept beside the exercise is rejected
with the message it must get. Plus hints, workshop mode and what `check` records."""

import pytest

from rnn_lesson.course import progress_store
from rnn_lesson.course.exercises import LESSON_MODULES, exercises_of, lesson01
from rnn_lesson.course.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED
from rnn_lesson.course.lessons import NOTEBOOKS

EXERCISES = [ex for module in LESSON_MODULES for ex in module.EXERCISES]
IDS = [f"{ex.notebook[:2]}.{ex.id}" for ex in EXERCISES]
WRONG = [(ex, wrong) for ex in EXERCISES for wrong in ex.wrong_answers]


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
def test_every_exercise_keeps_typical_wrong_answers_beside_it(ex):
    assert len(ex.wrong_answers) >= 3
    assert len({wrong.code for wrong in ex.wrong_answers}) == len(ex.wrong_answers)


@pytest.mark.parametrize("ex,wrong", WRONG, ids=[f"{ex.notebook[:2]}.{ex.id}: {w.code[:40]}" for ex, w in WRONG])
def test_typical_wrong_answer_is_rejected_with_its_message(ex, wrong):
    result = ex.grade(ex.answer_of(wrong.code))
    assert result.status == INCORRECT, result
    assert wrong.says in result.message, result.message


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_hints_step_up_and_solution_shows_code(ex):
    ex.hints_shown = 0
    hints = [ex.hint().data for _ in range(len(ex.hints) + 1)]
    assert [h.split(":")[0] for h in hints[:len(ex.hints)]] == [f"**Hint {i} of {len(ex.hints)}" for i in
                                                                range(1, len(ex.hints) + 1)]
    assert len(set(hints[:len(ex.hints)])) == len(ex.hints) and hints[-1] == hints[-2]
    assert ex.solution_code.strip() in ex.solution().data


def test_workshop_mode_withholds_solutions(monkeypatch):
    monkeypatch.setenv("RNN_LESSON_WORKSHOP", "1")
    text = lesson01.q1.solution().data
    assert "ask your instructor" in text and "transpose" not in text


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
