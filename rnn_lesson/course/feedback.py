"""The one checking contract: grading an answer returns a `Result`, always.

A `Result` is correct, incorrect or not attempted, with a message that says why. Quizzes,
exercises and the shape drill all grade with pure functions (`answer -> Result`);
recording progress and showing the result are separate steps around them. A `Result`
shows as text (never colour alone) in a notebook and in plain output. Exercises and the
shape drill give hints in steps with `hint_text`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

CORRECT, INCORRECT, NOT_ATTEMPTED = "correct", "incorrect", "not attempted"
HEADLINES = {CORRECT: "✓ Correct", INCORRECT: "✗ Not quite", NOT_ATTEMPTED: "… Not attempted yet"}
COLOURS = {CORRECT: "#1a7f37", INCORRECT: "#b3261e", NOT_ATTEMPTED: "#6e6e6e"}


@dataclass(frozen=True)
class Result:
    """`status` is one of "correct", "incorrect", "not attempted"; `message` says why."""

    status: str
    message: str

    def __post_init__(self) -> None:
        if self.status not in HEADLINES:
            raise ValueError(f"status: expected one of {sorted(HEADLINES)}, got {self.status!r}.")

    def __bool__(self) -> bool:
        return self.status == CORRECT

    def __str__(self) -> str:
        return f"{HEADLINES[self.status]}: {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return (f'<div role="status" style="border-left: 4px solid {COLOURS[self.status]}; padding-left: 8px">'
                f"<strong>{HEADLINES[self.status]}:</strong> {html.escape(self.message)}</div>")


def correct(message: str = "well done.") -> Result:
    return Result(CORRECT, message)


def incorrect(message: str) -> Result:
    return Result(INCORRECT, message)


def not_attempted(message: str) -> Result:
    return Result(NOT_ATTEMPTED, message)


def hint_text(hints: list[str], number: int, after_last: str) -> str:
    """Hint `number` (1 is the first) as Markdown; past the last, say so and where the answer is (`after_last`)."""
    if number > len(hints):
        return f"**No more hints.** {after_last}"
    text = f"**Hint {number} of {len(hints)}:** {hints[number - 1]}"
    return text + (f"\n\nThat was the last hint. {after_last}" if number == len(hints) else "")
