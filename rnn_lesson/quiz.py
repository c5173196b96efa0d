"""Quizzes: question banks in `data/quizzes/*.toml`, graded by plain functions, shown as widgets.

`grade(question, answer)` holds all the checking logic and needs no widget, so it is
tested without a kernel. `QuizWidget` only displays questions and calls `grade`. Every
quiz also carries a static HTML copy (question, options, answer in a collapsed
`<details>`) for readers on GitHub or nbviewer, where no widget runs.
"""

from __future__ import annotations

import html
import random
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import mistune
import pandas as pd

from rnn_lesson.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED, Result

QUIZ_DIR = Path(__file__).resolve().parent.parent / "data" / "quizzes"
TYPES = ("single", "multiple", "shape", "number", "card")
DIFFICULTIES = ("easy", "medium", "hard")


@dataclass
class Option:
    text: str
    correct: bool
    explanation: str


@dataclass
class Question:
    """One question of a bank. `answer` is a shape (tuple), a number or a card's answer text;
    `mistakes` maps typical wrong shapes or numbers to the misconception behind them."""

    id: str
    notebook: str
    type: str
    prompt: str
    difficulty: str
    objective: str
    options: list[Option] = field(default_factory=list)
    answer: object = None
    tolerance: float = 0.0
    explanation: str = ""
    mistakes: dict = field(default_factory=dict)


@dataclass
class Objective:
    id: str
    text: str
    section: str


@dataclass
class Bank:
    notebook: str
    title: str
    objectives: dict[str, Objective]
    questions: list[Question]


def load_bank(notebook: str, folder: Path = QUIZ_DIR) -> Bank:
    """Read `data/quizzes/<notebook>.toml`, e.g. `load_bank("02_the_rnn_layer")`."""
    path = Path(folder) / f"{notebook}.toml"
    if not path.exists():
        known = ", ".join(p.stem for p in sorted(Path(folder).glob("*.toml")))
        raise FileNotFoundError(f"No quiz bank {path.name} in {folder}; the banks are: {known}.")
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    objectives = {o["id"]: Objective(o["id"], o["text"], o["section"]) for o in raw.get("objectives", [])}
    questions = [question_from_toml(q, notebook) for q in raw.get("questions", [])]
    return Bank(notebook, raw.get("title", notebook), objectives, questions)


def question_from_toml(raw: dict, notebook: str) -> Question:
    options = [Option(o["text"], bool(o.get("correct", False)), o.get("explanation", "")) for o in raw.get("options", [])]
    answer = raw.get("answer")
    if raw["type"] == "shape":
        answer = tuple(answer)
    mistakes = {(tuple(m["answer"]) if isinstance(m["answer"], list) else m["answer"]): m["explanation"]
                for m in raw.get("mistakes", [])}
    return Question(raw["id"], notebook, raw["type"], raw["prompt"], raw["difficulty"], raw["objective"],
                    options, answer, float(raw.get("tolerance", 0)), raw.get("explanation", ""), mistakes)


def load_all_banks(folder: Path = QUIZ_DIR) -> list[Bank]:
    return [load_bank(path.stem, folder) for path in sorted(Path(folder).glob("*.toml"))]


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


def answer_text(question: Question) -> str:
    """The correct answer in words, for the reveal button and the static copy."""
    if question.type in ("single", "multiple"):
        return "; ".join(o.text for o in question.options if o.correct)
    if question.type == "shape":
        return "(" + ", ".join(str(v) for v in question.answer) + ")"
    return str(question.answer)


def markdown(text: str) -> str:
    """Markdown (code blocks allowed) to HTML, for prompts and explanations."""
    return mistune.html(text)


def static_html(title: str, questions: list[Question]) -> str:
    """A readable copy of a quiz for places where widgets do not run: each answer is in a closed <details>."""
    parts = [f'<div class="rnn-lesson-quiz"><h3>{html.escape(title)}</h3>',
             "<p><em>Run the notebook to answer interactively; the answers are folded below.</em></p><ol>"]
    for q in questions:
        parts.append(f"<li><p><small>{q.difficulty} · {q.type}</small></p>{markdown(q.prompt)}")
        if q.options:
            parts.append("<ul>" + "".join(f"<li>{html.escape(o.text)}</li>" for o in q.options) + "</ul>")
        details = f"<p><strong>Answer:</strong> {html.escape(answer_text(q))}</p>"
        if q.options:
            details += "<ul>" + "".join(f"<li><code>{html.escape(o.text)}</code>: {markdown(o.explanation)}</li>"
                                        for o in q.options) + "</ul>"
        elif q.explanation:
            details += markdown(q.explanation)
        parts.append(f"<details><summary>Show the answer</summary>{details}</details></li>")
    parts.append("</ol></div>")
    return "".join(parts)


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
