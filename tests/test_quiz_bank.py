"""The question banks: valid, tied to the notebooks' sections and objectives, stored in each notebook,
and giving no answer away by its position or its length (the lint)."""

import html
import json
import re
from collections import Counter

import pytest

from rnn_lesson.course.exercises import exercises_of
from rnn_lesson.course.lessons import LESSONS
from rnn_lesson.course.quiz.bank import DIFFICULTIES, TYPES, Bank, load_all_banks, load_bank, question_from_toml
from rnn_lesson.course.quiz.grading import grade
from rnn_lesson.course.quiz.static import answer_text, options_html

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
        if q.fraction:
            assert q.type == "number" and 0 <= q.answer <= 1, f"{q.id}: only a number in [0, 1] is a fraction"
    quiz = [q for q in bank.questions if q.type != "card"]
    assert 3 <= len(quiz) <= 6 and {q.difficulty for q in quiz} == set(DIFFICULTIES)


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.notebook)
def test_every_question_accepts_its_own_answer(bank):
    for q in bank.questions:
        if q.type == "single":
            assert grade(q, [o.correct for o in q.options].index(True)).status == "correct"
            assert grade(q, answer_text(q)[0]).status == "correct", "the letter of the answer"
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
        if q.options:
            assert options_html(q) in quiz_html, f"{q.id}: the stored copy's options are not the bank's, A, B, …"


# The lint: a learner who does not read a question must not score by picking a position or the longest option.
FIRST_AT_MOST = 0.4    # option A may be right in at most 40 % of a bank's choice questions
LONGER_AT_MOST = 1.3   # the right option may be at most 1.3 × as long as the longest wrong one ("clearly longer")


def choice_questions(bank: Bank) -> list:
    return [q for q in bank.questions if q.type in ("single", "multiple")]


def position_tells(bank: Bank) -> list[str]:
    """What the answers' positions give away in a bank: option A right too often, or a "select all"
    question whose right options are exactly the first ones."""
    questions = choice_questions(bank)
    first = [q.id for q in questions if q.options[0].correct]
    tells = [f"option A is right in {len(first)} of {len(questions)} choice questions: {first}"
             ] if len(first) > FIRST_AT_MOST * len(questions) else []
    for q in questions:
        n_right = sum(o.correct for o in q.options)
        if q.type == "multiple" and all(o.correct for o in q.options[:n_right]):
            tells.append(f"{q.id}: the right options are the first {n_right}")
    return tells


def length_tells(bank: Bank) -> list[str]:
    """What the options' lengths give away: a single-choice answer clearly longer than every wrong
    option, or "select all" answers that are all longer than every wrong option."""
    tells = []
    for q in choice_questions(bank):
        right = [len(o.text) for o in q.options if o.correct]
        longest_wrong = max(len(o.text) for o in q.options if not o.correct)
        if q.type == "single" and right[0] > LONGER_AT_MOST * longest_wrong:
            tells.append(f"{q.id}: the answer has {right[0]} characters, the longest wrong option {longest_wrong}")
        if q.type == "multiple" and min(right) > longest_wrong:
            tells.append(f"{q.id}: every right option is longer than every wrong one")
    return tells


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.notebook)
def test_no_answer_is_given_away_by_its_position_or_length(bank):
    assert position_tells(bank) == []
    assert length_tells(bank) == []


def test_the_lint_catches_a_bank_that_gives_its_answers_away():
    def question(qid: str, kind: str, options: list[tuple[str, bool]]):
        return question_from_toml({"id": qid, "type": kind, "prompt": "?", "difficulty": "easy", "objective": "o",
                                   "options": [{"text": text, "correct": right} for text, right in options]}, "nb")

    telling = Bank("nb", "a telling bank", {}, [
        question("first-and-long", "single", [("the right answer, explained at length", True), ("no", False)]),
        question("first-again", "single", [("yes", True), ("nope", False)]),
        question("right-first", "multiple", [("a", True), ("b", True), ("c", False)]),
        question("hidden", "single", [("not this one", False), ("this one", True)]),
    ])
    assert len(position_tells(telling)) == 2 and "3 of 4" in position_tells(telling)[0]
    assert [tell.split(":")[0] for tell in length_tells(telling)] == ["first-and-long"]


def test_answers_are_spread_over_the_letters_and_seldom_the_longest():
    singles = [q for bank in BANKS for q in bank.questions if q.type == "single"]
    letters = Counter("ABCD"[[o.correct for o in q.options].index(True)] for q in singles)
    assert set(letters) == set("ABCD") and max(letters.values()) <= 0.4 * len(singles), letters
    longest = [q.id for q in singles
               if max(len(o.text) for o in q.options if o.correct) > max(len(o.text) for o in q.options if not o.correct)]
    assert len(longest) <= 0.4 * len(singles), f"the answer is the longest option in {longest}"
