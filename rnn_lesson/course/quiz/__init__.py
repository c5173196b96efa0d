"""The quiz: question banks (`bank.py`), grading (`grading.py`), a static copy for readers
without widgets (`static.py`), and the widgets learners click (`widgets.py`)."""

from rnn_lesson.course.quiz.bank import load_all_banks, load_bank
from rnn_lesson.course.quiz.grading import grade
from rnn_lesson.course.quiz.widgets import course_test, review_cards, show_quiz

__all__ = ["course_test", "grade", "load_all_banks", "load_bank", "review_cards", "show_quiz"]
