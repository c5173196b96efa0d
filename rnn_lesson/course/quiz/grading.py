"""Grading quiz answers: pure functions from a question and an answer to a `Result`.

`grade(question, answer)` holds all the checking logic and needs no widget, so it is tested
without a kernel; the widgets only call it. The course-end test's draw and its breakdown by
objective are here too.
"""

from __future__ import annotations

import math
import random
import re
from numbers import Integral

import pandas as pd

from rnn_lesson.course.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED, Result
from rnn_lesson.course.quiz.bank import LETTERS, Bank, Question, option_letter


def is_size(value: object) -> bool:
    """A whole number of at least 0 (NumPy's too), not a bool: one size of a shape."""
    return isinstance(value, Integral) and not isinstance(value, bool) and value >= 0


def parse_shape(text: object) -> tuple[int, ...] | None:
    """Read a shape written the way people write it: `(1000, 10, 8)`, `1000,10,8`, `[1000 10 8]`,
    `torch.Size([1000, 10, 8])`, `1000 x 10 x 8`, `(10, 1,000, 5)` (a thousands comma beside ", "), a tuple or
    a list. None if it is not a shape."""
    if isinstance(text, (tuple, list)):
        return tuple(int(v) for v in text) if all(is_size(v) for v in text) else None
    text = str(text).strip().removeprefix("torch.Size").strip()
    text = text.strip("()[] ")
    if re.search(r",\s", text):  # commas and spaces part the sizes; a comma within a size groups thousands: 1,000
        text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    if not re.fullmatch(r"\d+(\s*[,x×*\s]\s*\d+)*\s*,?", text):
        return None
    return tuple(int(v) for v in re.findall(r"\d+", text))


def why_not_a_shape(answer: object) -> str:
    """Why `answer` is not a shape: what came, and how to write one."""
    how = "write whole sizes of 0 or more, separated by commas, like (1000, 10, 8)"
    if hasattr(answer, "shape") and not isinstance(answer, (tuple, list, str)):
        return f"expected a shape, got a {type(answer).__name__} (values, not their shape): {how}"
    if isinstance(answer, (tuple, list)):
        odd = next(v for v in answer if not is_size(v))
        return f"expected a shape, got {type(odd).__name__} {odd!r} among its sizes: {how}"
    if "-" in str(answer):
        return (f"expected a shape, got {str(answer)!r}: a size is never negative (-1 only asks reshape to work "
                f"one out); {how}")
    return f"could not read a shape from {str(answer)[:40]!r}; {how}"


PLAIN_NUMBER = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"


def parse_number(text: object) -> tuple[float, bool]:
    """Read a number as people type it: `13`, `0.88`, `2e-3`; a decimal comma `0,88` or `1,1`;
    thousands `1,000,000` or `1,000.5`; a percentage `88 %`. Returns (value, written as a percentage):
    `"88 %"` gives (88.0, True). Raises ValueError saying why for text that is not one number, and for
    `1,000`, which could be one thousand or 1.0 written with a decimal comma."""
    written = str(text).strip()
    if isinstance(text, (int, float)) and not isinstance(text, bool) and math.isfinite(text):
        return float(text), False
    body = written.removesuffix("%").strip().replace("_", "")
    if re.fullmatch(r"[+-]?[1-9]\d{0,2},\d{3}", body):
        whole, part = body.split(",")
        raise ValueError(f"{written!r} could be {whole}{part} (a thousands comma) or {whole}.{part} "
                         f"(a decimal comma); write {whole}{part} or {whole}.{part}.")
    if re.fullmatch(r"[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?", body):  # 1,000,000 or 1,000.5: thousands
        body = body.replace(",", "")
    elif re.fullmatch(r"[+-]?\d*,\d+", body):                 # 0,88 or 1,1: a decimal comma
        body = body.replace(",", ".")
    if not re.fullmatch(PLAIN_NUMBER, body) or not math.isfinite(float(body)):
        raise ValueError(f"could not read a number from {written!r}; write digits with a decimal point, "
                         "like 12 or 0.5.")
    return float(body), written.endswith("%")


def option_index(question: Question, choice: object) -> int | None:
    """The index of the option a choice names: an index (0 is the first option) or a letter ("A", "c").
    None if it names no option of this question (7 of 4 options, -1, "Z", 1.0, True)."""
    if isinstance(choice, str) and re.fullmatch(r"\s*[A-Za-z]\s*", choice):
        choice = LETTERS.find(choice.strip().upper())
    if isinstance(choice, bool) or not isinstance(choice, Integral):
        return None
    return int(choice) if 0 <= choice < len(question.options) else None


def option_indices(question: Question, answer: object) -> set[int] | None:
    """The options a "select all" answer names: indices or letters, as a collection or as text like
    "A, C". None if any item names no option."""
    items = re.findall(r"[^\s,;]+", answer) if isinstance(answer, str) else answer
    if not isinstance(items, (list, tuple, set, frozenset)):
        return None
    indices = [option_index(question, item) for item in items]
    return None if None in indices else set(indices)


def which_options(question: Question) -> str:
    last = len(question.options) - 1
    return f"name options by letter, A to {option_letter(last)} (or by index, 0 to {last})"


def not_an_option(question: Question, choice: object) -> str:
    """Why `choice` names no option of `question`: what came, and the fix."""
    count, last = len(question.options), len(question.options) - 1
    shown = f"{type(choice).__name__} {choice!r}"
    if isinstance(choice, bool):
        return f"got {shown}, which Python would count as {int(choice)}: {which_options(question)}"
    if isinstance(choice, Integral) and -count <= choice < 0:
        return (f"got {choice}: Python counts negative indices from the end, but here you {which_options(question)}; "
                f'for the option {choice} would mean, write {count + choice} or "{option_letter(count + choice)}"')
    if isinstance(choice, Integral) or (isinstance(choice, str) and re.fullmatch(r"\s*[A-Za-z]\s*", choice)):
        written = repr(choice) if isinstance(choice, str) else int(choice)
        return f"got {written}, past the last option: this question has {count}; {which_options(question)}"
    if isinstance(choice, float) and choice.is_integer() and 0 <= choice <= last:
        index = int(choice)
        return f'got {shown}: options are numbered by whole numbers; write {index} or "{option_letter(index)}"'
    if isinstance(choice, str) and choice.strip().isdigit() and int(choice) <= last:
        return (f'got the text {choice!r}: write the number {int(choice)}, without quotes, or the letter '
                f'"{option_letter(int(choice))}"')
    only = next(iter(choice)) if isinstance(choice, (list, tuple, set)) and len(choice) == 1 else None
    if only is not None and option_index(question, only) is not None:
        return f"got {shown}: this question has one right option; write it without brackets: {only!r}"
    return f"got {shown}: {which_options(question)}"


def is_blank(answer: object) -> bool:
    return answer is None or answer is ... or (isinstance(answer, (str, list, tuple, set)) and not answer)


def grade(question: Question, answer: object) -> Result:
    """Check one answer. single: an option's index or letter (2 or "C"); multiple: a collection of
    them ({0, 2} or "A, C"); shape: text or a tuple; number: text or a number. A wrong answer's message
    names the misconception, not the answer; an answer that names no option is not attempted, and so
    is any answer to a review card, which you mark yourself."""
    if question.type == "card":
        return Result(NOT_ATTEMPTED, f"{question.id} is a review card: expected a question to check, got a card, "
                      f"which has no answer to grade; recall, reveal and mark it yourself with "
                      f'review_cards(["{question.notebook}"]).')
    if is_blank(answer):
        return Result(NOT_ATTEMPTED, "no answer yet: choose or type an answer, then press Check.")
    if question.type == "single":
        index = option_index(question, answer)
        if index is None:
            return Result(NOT_ATTEMPTED, f"expected one option, {not_an_option(question, answer)}.")
        option = question.options[index]
        return Result(CORRECT if option.correct else INCORRECT, option.explanation)
    if question.type == "multiple":
        indices = option_indices(question, answer)
        if indices is None:
            return Result(NOT_ATTEMPTED, f"expected the options you choose, {not_options(question, answer)}.")
        return grade_multiple(question, indices)
    if question.type == "shape":
        return grade_shape(question, answer)
    if question.type == "number":
        return grade_number(question, answer)
    raise ValueError(f"question {question.id}: type {question.type!r} is not one of the known types.")


def not_options(question: Question, answer: object) -> str:
    """Why a "select all" answer names no options: what came, and the fix."""
    if option_index(question, answer) is not None:
        return f"got {answer!r} alone: several options may apply, so write a list, even of one: [{answer!r}]"
    items = re.findall(r"[^\s,;]+", answer) if isinstance(answer, str) else answer
    if not isinstance(items, (list, tuple, set, frozenset)):
        return f"got a {type(answer).__name__}: write a list like [0, 2] or text like \"A, C\""
    odd = next(item for item in items if option_index(question, item) is None)
    return f"{not_an_option(question, odd)}; change or remove {odd!r}"


def grade_multiple(question: Question, chosen: set[int]) -> Result:
    wrong = [i for i in sorted(chosen) if not question.options[i].correct]
    if wrong:
        option = question.options[wrong[0]]
        return Result(INCORRECT, f"{option_letter(wrong[0])} (“{option.text}”) does not belong: {option.explanation}")
    missing = sum(1 for i, o in enumerate(question.options) if o.correct and i not in chosen)
    if missing:
        return Result(INCORRECT, f"all you chose is right, but {missing} more option(s) also apply.")
    return Result(CORRECT, question.explanation or "all the right options, and only those.")


def grade_shape(question: Question, answer: object) -> Result:
    shape = parse_shape(answer)
    if shape is None:
        return Result(NOT_ATTEMPTED, why_not_a_shape(answer) + ".")
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
    try:
        value, percent = parse_number(answer)
    except ValueError as error:
        return Result(NOT_ATTEMPTED, str(error))
    if percent and not question.fraction:
        return Result(NOT_ATTEMPTED, f"{str(answer).strip()!r} is a percentage; this question wants a plain "
                                     "number, without %.")
    if percent:
        value /= 100
    elif question.fraction and not 0 <= value <= 1:
        return Result(NOT_ATTEMPTED, f"{value:g} is not a fraction between 0 and 1; write a fraction like 0.5 "
                                     "or a percentage like 50 %.")
    if percent and value < 0.01 and float(question.answer) >= 0.01:
        return Result(NOT_ATTEMPTED, f"{str(answer).strip()!r} is less than one percent; did you mean a "
                                     "percentage like 50 % or a fraction like 0.5?")
    tolerance = question.tolerance + 1e-9  # 1.08 - 1.10 is 0.020000000000000018 in floating point
    if abs(value - float(question.answer)) <= tolerance:
        return Result(CORRECT, question.explanation)
    for mistake, explanation in question.mistakes.items():
        if abs(value - float(mistake)) <= tolerance:
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


def objective_breakdown(banks: list[Bank], questions: list[Question], answered: dict[str, bool]) -> pd.DataFrame:
    """Per learning objective, over the answered questions only: how many were right, how many of its
    questions are still to answer, and the section to revisit where an answer was wrong.

    answered: question id -> answered correctly, for the questions checked so far; the others count as
    "to answer", never as wrong. Returns a DataFrame with one row per objective and the columns
    objective, right, answered, to answer, revisit.
    """
    objectives = {(b.notebook, o.id): o for b in banks for o in b.objectives.values()}
    rows: dict[tuple[str, str], dict] = {}
    for q in questions:
        objective = objectives[(q.notebook, q.objective)]
        row = rows.setdefault((q.notebook, q.objective), {
            "objective": objective.text, "right": 0, "answered": 0, "to answer": 0,
            "revisit": f"{q.notebook}, § {objective.section}"})
        row["answered"] += q.id in answered
        row["right"] += bool(answered.get(q.id))
        row["to answer"] += q.id not in answered
    table = pd.DataFrame(rows.values(), columns=["objective", "right", "answered", "to answer", "revisit"])
    table["revisit"] = [r if right < done else "" for r, right, done in
                        zip(table["revisit"], table["right"], table["answered"])]
    return table
