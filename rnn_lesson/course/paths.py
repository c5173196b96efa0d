"""Where the course's files are. Every other part of the course (and the tests) asks here."""

from __future__ import annotations

from rnn_lesson.data import DATA_DIR, DATA_PATH

ROOT = DATA_DIR.parent              # the course folder: notebooks/, data/, instructor/
NOTEBOOK_DIR = ROOT / "notebooks"
QUIZ_DIR = DATA_DIR / "quizzes"     # one question bank per lesson, <notebook>.toml
INSTRUCTOR_DIR = ROOT / "instructor"

__all__ = ["DATA_DIR", "DATA_PATH", "INSTRUCTOR_DIR", "NOTEBOOK_DIR", "QUIZ_DIR", "ROOT"]
