"""Fixtures shared by several test files."""

import subprocess

import pytest

from rnn_lesson.course.paths import ROOT


@pytest.fixture
def course_copy(tmp_path):
    """A clone of the committed course, so a test can change notebooks without touching the real ones."""
    subprocess.run(["git", "clone", "-q", str(ROOT), str(tmp_path / "course")], check=True)
    return tmp_path / "course"
