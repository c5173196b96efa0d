"""Fixtures shared by several test files.

Nothing heavy is imported at the top: with pytest-xdist the controlling process loads this
file too, and it needs neither torch nor the course.
"""

import subprocess

import pytest


@pytest.fixture
def course_copy(tmp_path):
    """A clone of the committed course, so a test can change notebooks without touching the real ones."""
    from rnn_lesson.course.paths import ROOT

    subprocess.run(["git", "clone", "-q", str(ROOT), str(tmp_path / "course")], check=True)
    return tmp_path / "course"
