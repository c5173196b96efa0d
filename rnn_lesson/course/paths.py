"""Where the course's files are. Every other part of the course (and the tests) asks here.

The data and the quiz banks are always found inside the package (`rnn_lesson.data_files`, which is
`data/` in a clone of the course). The notebooks and the instructor's files are not in the package:
they are in the course folder of a clone, or, for a course installed with pip, the current folder.
"""

from __future__ import annotations

from pathlib import Path

from rnn_lesson.data import DATA_DIR, DATA_PATH

IN_CLONE = (DATA_DIR.parent / "notebooks").is_dir()   # installed editable from a clone of the course (make, conda)
ROOT = DATA_DIR.parent if IN_CLONE else Path.cwd()    # the course folder: notebooks/, instructor/ (data/ in a clone)
NOTEBOOK_DIR = ROOT / "notebooks"
QUIZ_DIR = DATA_DIR / "quizzes"     # one question bank per lesson, <notebook>.toml
INSTRUCTOR_DIR = ROOT / "instructor"

__all__ = ["DATA_DIR", "DATA_PATH", "INSTRUCTOR_DIR", "IN_CLONE", "NOTEBOOK_DIR", "QUIZ_DIR", "ROOT"]
