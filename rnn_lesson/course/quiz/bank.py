"""Question banks: one TOML file per lesson in `data/quizzes/`, read into plain dataclasses.

The banks are data, edited without Python; `load_bank("02_the_rnn_layer")` reads one. Options keep
the order of the file and are lettered A, B, C, … in it, so every learner sees the same "option C".
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rnn_lesson.course.lessons import LESSONS
from rnn_lesson.course.paths import QUIZ_DIR

TYPES = ("single", "multiple", "shape", "number", "card")
DIFFICULTIES = ("easy", "medium", "hard")
LETTERS = "ABCDEFGH"   # option 0 is A, option 1 is B, …


def option_letter(index: int) -> str:
    """The letter learners see for an option: 0 -> "A", 2 -> "C"."""
    return LETTERS[index]


@dataclass
class Option:
    text: str
    correct: bool
    explanation: str


@dataclass
class Question:
    """One question of a bank. `answer` is a shape (tuple), a number or a card's answer text;
    `mistakes` maps typical wrong shapes or numbers to the misconception behind them; `fraction`
    marks a number question whose answer lies in [0, 1], so that "88 %" is read as 0.88."""

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
    fraction: bool = False


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
    options = [Option(o["text"], bool(o.get("correct", False)), o.get("explanation", ""))
               for o in raw.get("options", [])]
    answer = raw.get("answer")
    if raw["type"] == "shape":
        answer = tuple(answer)
    mistakes = {(tuple(m["answer"]) if isinstance(m["answer"], list) else m["answer"]): m["explanation"]
                for m in raw.get("mistakes", [])}
    if len(options) > len(LETTERS):
        raise ValueError(f"question {raw['id']}: {len(options)} options; at most {len(LETTERS)} (A to H).")
    return Question(raw["id"], notebook, raw["type"], raw["prompt"], raw["difficulty"], raw["objective"],
                    options, answer, float(raw.get("tolerance", 0)), raw.get("explanation", ""), mistakes,
                    bool(raw.get("fraction", False)))


def load_all_banks(folder: Path = QUIZ_DIR) -> list[Bank]:
    """Every lesson's bank, in the order of the lessons."""
    return [load_bank(lesson.notebook, folder) for lesson in LESSONS]
