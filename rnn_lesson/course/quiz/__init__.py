"""The quiz: question banks (`bank.py`), grading (`grading.py`), a static copy for readers
without widgets (`static.py`), and the widgets learners click (`widgets.py`), built from ipywidgets
and three small anywidget controls (`controls.py`, with their `.js` and `quiz.css` beside it)."""

from rnn_lesson.course.quiz.bank import load_all_banks, load_bank
from rnn_lesson.course.quiz.grading import grade
from rnn_lesson.course.quiz.widgets import course_test, review_cards, show_quiz

__all__ = ["course_test", "grade", "load_all_banks", "load_bank", "review_cards", "show_quiz"]
