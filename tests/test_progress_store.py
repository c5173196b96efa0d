"""The progress file: kept outside the repo, survives restarts, never breaks a lesson."""

import json
import os
import warnings

import pytest

from rnn_lesson.course import progress_store as progress
from rnn_lesson.course.lessons import NOTEBOOKS
from rnn_lesson.course.paths import ROOT


@pytest.fixture
def path(tmp_path, monkeypatch):
    target = tmp_path / "sub" / "progress.json"
    monkeypatch.setenv(progress.ENV_VAR, str(target))
    monkeypatch.setattr(progress, "_warned", False)
    return target


def test_tests_never_use_the_learners_real_file():
    real = progress.progress_path()
    assert "rnn-lesson-test-progress-" in str(real) or "pytest" in str(real)


def test_default_location_is_the_user_data_folder_not_the_repo(monkeypatch):
    monkeypatch.delenv(progress.ENV_VAR)
    location = progress.progress_path()
    assert location.name == "progress.json" and "rnn-lesson" in str(location)
    assert not str(location).startswith(str(ROOT))


def test_answers_survive_a_new_session(path):
    progress.record_quiz_answer("01_input_shaping", "q-a", False)
    progress.record_quiz_answer("01_input_shaping", "q-b", True)
    progress.record_exercise("01_input_shaping", "ex.q1", True)
    on_disk = json.loads(path.read_text())  # what a restarted kernel reads
    assert on_disk["notebooks"]["01_input_shaping"]["quiz"] == {"q-a": False, "q-b": True}
    table = progress.progress()
    assert table.to_dict("records")[0]["quiz"] == "1 right of 2 answered"
    assert table.to_dict("records")[0]["exercises"] == "1 solved of 1 tried"
    assert table["last visit"][0][:2] == "20"


def test_corrupt_file_is_moved_aside_with_one_warning(path):
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.warns(UserWarning, match="moved it aside"):
        state = progress.load_progress()
    assert state["notebooks"] == {}
    aside = list(path.parent.glob("progress.json.broken-*"))
    assert len(aside) == 1 and aside[0].read_text() == "{not json"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path.write_text("[]")
        progress.load_progress()  # second problem: no second warning


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_location_warns_and_carries_on(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv(progress.ENV_VAR, str(locked / "progress.json"))
    monkeypatch.setattr(progress, "_warned", False)
    with pytest.warns(UserWarning, match="Could not save"):
        progress.record_exercise("01_input_shaping", "ex.q1", True)


def test_a_file_in_place_of_the_folder_warns_and_carries_on(tmp_path, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    monkeypatch.setenv(progress.ENV_VAR, str(blocker / "progress.json"))
    monkeypatch.setattr(progress, "_warned", False)
    with pytest.warns(UserWarning, match="Could not save"):
        progress.record_exercise("01_input_shaping", "ex.q1", True)


def test_export_for_the_instructor(path, tmp_path):
    progress.record_quiz_answer("02_the_rnn_layer", "02-seed-output-shape", True)
    progress.progress(export=tmp_path / "learner.json")
    exported = json.loads((tmp_path / "learner.json").read_text())
    assert exported["notebooks"]["02_the_rnn_layer"]["quiz"] == {"02-seed-output-shape": True}
    progress.progress(export=tmp_path / "learner.csv")
    assert (tmp_path / "learner.csv").read_text().startswith("lesson,quiz,exercises,last visit")


def test_the_table_lists_every_lesson_once_in_order(path):
    assert set(progress.progress()["quiz"]) == {"not started"}  # a fresh start reads sensibly
    progress.record_exercise("03_training", "ex.q2", True)
    progress.record_exercise("01_input_shaping", "ex.q1", False)
    progress.record_exercise("03_training", "ex.q1", False)
    table = progress.progress()
    assert table["lesson"].tolist() == list(NOTEBOOKS)
    assert table["exercises"].tolist()[:3] == ["0 solved of 1 tried", "not started", "1 solved of 2 tried"]
    assert table["last visit"][1] == "not yet"
