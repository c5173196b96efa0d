"""Reset without loss: the shipped notebook comes back, the learner's copy is kept beside it."""

import pytest

from rnn_lesson.course.lessons import NOTEBOOKS
from rnn_lesson.course.paths import ROOT
from rnn_lesson.course.workshop.reset import reset_notebook


def test_reset_keeps_the_learners_copy_and_restores_the_shipped_one(course_copy):
    notebook = course_copy / "notebooks" / "02_the_rnn_layer.ipynb"
    shipped = notebook.read_bytes()
    edited = shipped.replace(b"# your code here", b"# my own answer", 1)
    assert edited != shipped
    notebook.write_bytes(edited)
    message = reset_notebook("02_the_rnn_layer", course_copy)
    assert "your copy is saved as notebooks/02_the_rnn_layer.backup-" in message
    backups = list(notebook.parent.glob("02_the_rnn_layer.backup-*.ipynb"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited
    assert notebook.read_bytes() == shipped


def test_two_resets_in_the_same_second_never_overwrite_a_backup(course_copy):
    notebook = course_copy / "notebooks" / "01_input_shaping.ipynb"
    for edit in (b"first edit", b"second edit"):
        notebook.write_bytes(notebook.read_bytes().replace(b"# your code here", b"# " + edit, 1))
        reset_notebook("01_input_shaping", course_copy)
    contents = sorted(p.read_bytes() for p in notebook.parent.glob("01_input_shaping.backup-*.ipynb"))
    assert len(contents) == 2 and any(b"first edit" in c for c in contents) and any(b"second edit" in c for c in contents)


def test_a_lesson_is_found_by_number_name_or_path(course_copy):
    for name in ("03", "03_training", "notebooks/03_training.ipynb"):
        assert reset_notebook(name, course_copy) == "03_training.ipynb is already as shipped; nothing to do."


def test_a_missing_notebook_is_restored_and_untouched_ones_are_left_alone(course_copy):
    (course_copy / "notebooks" / "03_training.ipynb").unlink()
    messages = [reset_notebook(name, course_copy) for name in NOTEBOOKS]
    assert "03_training.ipynb was missing; restored the shipped version." in messages
    assert sum("already as shipped" in m for m in messages) == len(NOTEBOOKS) - 1
    assert not list((course_copy / "notebooks").glob("*.backup-*"))


def test_reset_refuses_unknown_names_and_missing_history(tmp_path):
    with pytest.raises(ValueError, match="unknown lesson '06_nope'; the lessons are: 01_input_shaping"):
        reset_notebook("06_nope", ROOT)
    (tmp_path / "notebooks").mkdir()
    with pytest.raises(RuntimeError, match="git history"):
        reset_notebook("01_input_shaping", tmp_path)
