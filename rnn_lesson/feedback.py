"""The result of checking an answer: correct, incorrect or not attempted, with a message.

Quizzes and exercises both return a `Result`; it shows as text (never colour alone) in a
notebook and in plain output.
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

    def __bool__(self) -> bool:
        return self.status == CORRECT

    def __str__(self) -> str:
        return f"{HEADLINES[self.status]}: {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return (f'<div role="status" style="border-left: 4px solid {COLOURS[self.status]}; padding-left: 8px">'
                f"<strong>{HEADLINES[self.status]}:</strong> {html.escape(self.message)}</div>")
