"""Grading quiz answers: pure functions from a question and an answer to a `Result`.

`grade(question, answer)` holds all the checking logic and needs no widget, so it is tested
without a kernel; the widgets only call it. The course-end test's draw and its breakdown by
objective are here too.
"""

from __future__ import annotations

import random
import re

import pandas as pd

from rnn_lesson.course.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED, Result
from rnn_lesson.course.quiz.bank import Bank, Question


def parse_shape(text: object) -> tuple[int, ...] | None:
    """Read a shape written the way people write it: `(1000, 10, 8)`, `1000,10,8`, `[1000 10 8]`,
    `torch.Size([1000, 10, 8])`, `1000 x 10 x 8`, a tuple or a list. None if it is not a shape."""
    if isinstance(text, (tuple, list)):
        return tuple(int(v) for v in text) if all(isinstance(v, int) for v in text) else None
    text = str(text).strip().removeprefix("torch.Size").strip()
    text = text.strip("()[] ")
    if not re.fullmatch(r"\d+(\s*[,x×*\s]\s*\d+)*\s*,?", text):
        return None
    return tuple(int(v) for v in re.findall(r"\d+", text))


def parse_number(text: object) -> float | None:
    try:
        return float(str(text).replace(",", "").replace("_", "").strip())
    except ValueError:
        return None


def is_blank(answer: object) -> bool:
    return answer is None or answer is ... or (isinstance(answer, (str, list, tuple, set)) and not answer)


def grade(question: Question, answer: object) -> Result:
    """Check one answer. single: an option index; multiple: option indices; shape: text or a tuple;
    number: text or a number. A wrong answer's message names the misconception, not the answer."""
    if is_blank(answer):
        return Result(NOT_ATTEMPTED, "choose or type an answer, then press Check.")
    if question.type == "single":
        option = question.options[int(answer)]
        return Result(CORRECT if option.correct else INCORRECT, option.explanation)
    if question.type == "multiple":
        return grade_multiple(question, set(answer))
    if question.type == "shape":
        return grade_shape(question, answer)
    if question.type == "number":
        return grade_number(question, answer)
    raise ValueError(f"question {question.id}: a {question.type!r} question is not graded; it is self-marked.")


def grade_multiple(question: Question, chosen: set[int]) -> Result:
    wrong = [question.options[i] for i in sorted(chosen) if not question.options[i].correct]
    if wrong:
        return Result(INCORRECT, f"“{wrong[0].text}” does not belong: {wrong[0].explanation}")
    missing = sum(1 for i, o in enumerate(question.options) if o.correct and i not in chosen)
    if missing:
        return Result(INCORRECT, f"all you chose is right, but {missing} more option(s) also apply.")
    return Result(CORRECT, question.explanation or "all the right options, and only those.")


def grade_shape(question: Question, answer: object) -> Result:
    shape = parse_shape(answer)
    if shape is None:
        return Result(NOT_ATTEMPTED, f"could not read a shape from {str(answer)!r}; write it like (1000, 10, 8).")
    if shape == question.answer:
        return Result(CORRECT, question.explanation)
    if shape in question.mistakes:
        return Result(INCORRECT, question.mistakes[shape])
    if len(shape) != len(question.answer):
        return Result(INCORRECT, f"your shape has {len(shape)} dimensions; count the axes again.")
    if sorted(shape) == sorted(question.answer):
        return Result(INCORRECT, "the right sizes in the wrong order: which axis comes first?")
    return Result(INCORRECT, "not this shape; work through it one axis at a time.")


def grade_number(question: Question, answer: object) -> Result:
    value = parse_number(answer)
    if value is None:
        return Result(NOT_ATTEMPTED, f"could not read a number from {str(answer)!r}.")
    if abs(value - float(question.answer)) <= question.tolerance:
        return Result(CORRECT, question.explanation)
    for mistake, explanation in question.mistakes.items():
        if abs(value - float(mistake)) <= question.tolerance:
            return Result(INCORRECT, explanation)
    return Result(INCORRECT, "too high." if value > float(question.answer) else "too low.")


def draw_course_test(banks: list[Bank], seed: int = 0, per_difficulty: dict | None = None) -> list[Question]:
    """Draw the course-end test: 3 easy, 4 medium and 3 hard gradable questions across all banks."""
    per_difficulty = per_difficulty or {"easy": 3, "medium": 4, "hard": 3}
    rng = random.Random(seed)
    pool = [q for bank in banks for q in bank.questions if q.type != "card"]
    drawn = []
    for difficulty, count in per_difficulty.items():
        candidates = [q for q in pool if q.difficulty == difficulty]
        if len(candidates) < count:
            raise ValueError(f"the banks hold {len(candidates)} {difficulty} questions; the test needs {count}.")
        drawn += rng.sample(candidates, count)
    return drawn


def order_cards(cards: list[Question], seen: dict[str, str]) -> list[Question]:
    """Review order: cards marked "not yet" first, then new ones, then those you got."""
    rank = {"not yet": 0, None: 1, "got it": 2}
    return sorted(cards, key=lambda card: rank[seen.get(card.id)])


def objective_breakdown(banks: list[Bank], questions: list[Question], correct: dict[str, bool]):
    """Per learning objective: how many of its questions were answered correctly, and where to revisit.

    correct: question id -> answered correctly. Returns a pandas DataFrame.
    """
    objectives = {(b.notebook, o.id): o for b in banks for o in b.objectives.values()}
    rows: dict[tuple[str, str], dict] = {}
    for q in questions:
        objective = objectives[(q.notebook, q.objective)]
        row = rows.setdefault((q.notebook, q.objective), {"objective": objective.text, "right": 0, "asked": 0,
                                                          "revisit": f"{q.notebook}, § {objective.section}"})
        row["asked"] += 1
        row["right"] += bool(correct.get(q.id))
    table = pd.DataFrame(rows.values(), columns=["objective", "right", "asked", "revisit"])
    table["revisit"] = [r if right < asked else "" for r, right, asked in
                        zip(table["revisit"], table["right"], table["asked"])]
    return table
