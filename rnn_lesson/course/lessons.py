"""The one list of the course's lessons, in order. Everything that walks the lessons reads it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rnn_lesson.course.paths import NOTEBOOK_DIR


@dataclass(frozen=True)
class Lesson:
    """One lesson: its number, its notebook's name (without `.ipynb`) and its title."""

    number: str
    notebook: str
    title: str

    @property
    def path(self) -> Path:
        return NOTEBOOK_DIR / f"{self.notebook}.ipynb"


LESSONS = (
    Lesson("01", "01_input_shaping", "Shaping sequence data"),
    Lesson("02", "02_the_rnn_layer", "The RNN layer"),
    Lesson("03", "03_training", "Training"),
    Lesson("04", "04_prediction", "Prediction"),
    Lesson("05", "05_beyond_rnn", "Beyond the plain RNN"),
    Lesson("06", "06_per_step_prediction", "Predict at every step"),
    Lesson("07", "07_your_own_data", "Your own sequences"),
)
NOTEBOOKS = tuple(lesson.notebook for lesson in LESSONS)
CORE = NOTEBOOKS[:5]  # lessons 01-05: what the course-end test and review cards of lesson 05 cover; 06-07 go further


def find_lesson(name: str) -> Lesson:
    """The lesson named by its number (`"02"` or `2`), its notebook (`"02_the_rnn_layer"`) or a path to it."""
    stem = Path(str(name)).name.removesuffix(".ipynb")
    stem = stem.zfill(2) if stem.isdigit() else stem
    for lesson in LESSONS:
        if stem in (lesson.number, lesson.notebook):
            return lesson
    raise ValueError(f"unknown lesson {str(name)!r}: expected a lesson's number ({LESSONS[0].number} to "
                     f"{LESSONS[-1].number}) or notebook name; the lessons are: {', '.join(NOTEBOOKS)}.")
