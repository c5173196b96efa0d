"""The question banks: valid, tied to the notebooks' sections and objectives, and stored in each notebook."""

import html
import json
import re

import pytest

from rnn_lesson.course.exercises import exercises_of
from rnn_lesson.course.lessons import LESSONS
from rnn_lesson.course.quiz.bank import DIFFICULTIES, TYPES, load_all_banks, load_bank
from rnn_lesson.course.quiz.grading import grade
from rnn_lesson.course.quiz.static import answer_text

BANKS = load_all_banks()


def cells_of(notebook: str) -> list[dict]:
    return json.loads(next(l for l in LESSONS if l.notebook == notebook).path.read_text(encoding="utf-8"))["cells"]


def notebook_headings(notebook: str) -> list[str]:
    text = "\n".join("".join(c["source"]) for c in cells_of(notebook) if c["cell_type"] == "markdown")
    return [h.replace("`", "").strip() for h in re.findall(r"^#+ (.*)$", text, flags=re.M)]


def test_every_lesson_has_a_bank_titled_like_the_lesson():
    assert [b.notebook for b in BANKS] == [lesson.notebook for lesson in LESSONS]
    assert [b.title for b in BANKS] == [f"{lesson.number} · {lesson.title}" for lesson in LESSONS]


def test_an_unknown_bank_names_the_ones_there_are():
    with pytest.raises(FileNotFoundError, match="the banks are: 01_input_shaping"):
        load_bank("06_nope")


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.notebook)
def test_bank_is_valid(bank):
    ids = [q.id for q in bank.questions]
    assert len(ids) == len(set(ids)), "question ids must be unique"
    headings = notebook_headings(bank.notebook)
    for objective in bank.objectives.values():
        assert any(h.startswith(objective.section) for h in headings), f"no section '{objective.section}'"
    for q in bank.questions:
        assert q.type in TYPES and q.difficulty in DIFFICULTIES, q.id
        assert q.objective in bank.objectives, f"{q.id}: unknown objective {q.objective}"
        assert q.prompt.strip(), q.id
        if q.type in ("single", "multiple"):
            assert all(o.explanation.strip() for o in q.options), f"{q.id}: every option needs an explanation"
            n_correct = sum(o.correct for o in q.options)
            assert n_correct == 1 if q.type == "single" else n_correct >= 1, q.id
        if q.type in ("shape", "number", "card"):
            assert q.answer is not None, q.id
    quiz = [q for q in bank.questions if q.type != "card"]
    assert 3 <= len(quiz) <= 6 and {q.difficulty for q in quiz} == set(DIFFICULTIES)


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.notebook)
def test_every_question_accepts_its_own_answer(bank):
    for q in bank.questions:
        if q.type == "single":
            assert grade(q, [o.correct for o in q.options].index(True)).status == "correct"
        elif q.type == "multiple":
            assert grade(q, {i for i, o in enumerate(q.options) if o.correct}).status == "correct"
        elif q.type in ("shape", "number"):
            assert grade(q, answer_text(q)).status == "correct", q.id


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.notebook)
def test_every_objective_is_assessed_by_a_quiz_question_or_an_exercise(bank):
    exercises = exercises_of(bank.notebook)
    assessed = {q.objective for q in bank.questions if q.type != "card"} | {ex.objective for ex in exercises}
    assert set(bank.objectives) <= assessed, f"{set(bank.objectives) - assessed} unassessed"
    assert 3 <= len(bank.objectives) <= 6
    for ex in exercises:
        assert ex.objective in bank.objectives, f"{ex.id}: unknown objective {ex.objective}"


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.notebook)
def test_objectives_listed_in_the_notebook_are_the_banks(bank):
    opening = "".join(cells_of(bank.notebook)[0]["source"])
    listed = re.findall(r"^\d\. (.+)$", opening, flags=re.M)
    assert len(listed) == len(bank.objectives), f"{len(listed)} objectives listed"


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.notebook)
def test_stored_notebook_carries_the_static_quiz_with_its_questions(bank):
    html_outputs = ["".join(o["data"]["text/html"]) for c in cells_of(bank.notebook) if c["cell_type"] == "code"
                    for o in c["outputs"] if "text/html" in o.get("data", {})
                    and "rnn-lesson-quiz" in "".join(o["data"]["text/html"])]
    assert html_outputs, "no static quiz copy stored"
    quiz_html = html_outputs[0]
    assert quiz_html.count("<details>") == sum(q.type != "card" for q in bank.questions)
    text = html.unescape(re.sub(r"<[^>]+>", "", quiz_html))
    for q in bank.questions:
        if q.type != "card":
            last_line = re.sub(r"[`*]", "", q.prompt.strip().splitlines()[-1])
            assert last_line.split("(")[0][:15] in text, q.id
