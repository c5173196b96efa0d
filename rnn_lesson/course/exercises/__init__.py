"""The exercises: the framework, then one module per lesson holding that lesson's exercises,
their reference functions and the typical wrong answers each must reject.

In a notebook: `from rnn_lesson.course.exercises import lesson02 as ex`, then `ex.q1.check(...)`.
"""

from rnn_lesson.course.exercises import lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07
from rnn_lesson.course.exercises.framework import Exercise

LESSON_MODULES = (lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07)


def exercises_of(notebook: str) -> tuple[Exercise, ...]:
    """The exercises of one lesson's notebook, in order (none for a lesson without exercises)."""
    for module in LESSON_MODULES:
        if module.NOTEBOOK == notebook:
            return module.EXERCISES
    return ()


__all__ = ["Exercise", "LESSON_MODULES", "exercises_of", "lesson01", "lesson02", "lesson03", "lesson04", "lesson05",
           "lesson06", "lesson07"]
