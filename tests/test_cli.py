"""`python -m rnn_lesson …` as a learner or instructor types it."""

import subprocess
import sys

import pytest

from rnn_lesson.course.cli import main
from rnn_lesson.course.lessons import NOTEBOOKS
from rnn_lesson.course.paths import ROOT
from rnn_lesson.data import DATA_SHA256


def test_python_dash_m_runs_the_pre_flight_check_in_a_fresh_process():
    result = subprocess.run([sys.executable, "-m", "rnn_lesson", "check"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout
    assert sum(line.startswith("ok ") for line in result.stdout.splitlines()) == 7
    assert result.stdout.endswith("Ready for the course.\n")


def test_answer_key_prints_markdown(capsys):
    assert main(["answer-key"]) == 0
    assert capsys.readouterr().out.startswith("# Answer key\n")


def test_make_data_writes_the_shipped_file_again(tmp_path, capsys):
    assert main(["make-data", "--path", str(tmp_path / "again.npz")]) == 0
    assert f"sha256 {DATA_SHA256}" in capsys.readouterr().out
    assert main(["make-data", "--path", str(tmp_path / "again.npz")]) == 0  # its own file: replaced freely


def test_make_data_never_writes_over_a_file_that_is_not_its_own(tmp_path, capsys):
    notebook = tmp_path / "01_input_shaping.ipynb"
    notebook.write_text("{}")
    assert main(["make-data", "--path", str(notebook)]) == 1
    assert "expected a file name ending in .npz" in capsys.readouterr().out and notebook.read_text() == "{}"
    other = tmp_path / "my_experiment.npz"
    other.write_bytes(b"someone's own arrays")
    assert main(["make-data", "--path", str(other)]) == 1
    assert "is not a course data file, so it is left alone" in capsys.readouterr().out
    assert other.read_bytes() == b"someone's own arrays"
    assert main(["make-data", "--path", str(other), "--overwrite"]) == 0  # told to, it does
    assert f"sha256 {DATA_SHA256}" in capsys.readouterr().out


def test_backups_lists_what_reset_kept(course_copy, capsys):
    assert main(["backups", "--root", str(course_copy)]) == 0
    assert capsys.readouterr().out.startswith("no backups yet")
    notebook = course_copy / "notebooks" / "04_prediction.ipynb"
    notebook.write_text(notebook.read_text().replace("# your code here", "# mine", 1))
    assert main(["reset", "04", "--root", str(course_copy)]) == 0
    assert main(["backups", "--root", str(course_copy)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("backups/04_prediction-")



def test_reset_all_reports_each_lesson(course_copy, capsys):
    (course_copy / "notebooks" / "03_training.ipynb").unlink()
    assert main(["reset", "--all", "--root", str(course_copy)]) == 0
    out = capsys.readouterr().out
    assert "03_training.ipynb was missing; restored" in out and out.count("already as shipped") == len(NOTEBOOKS) - 1


def test_reset_refuses_an_unknown_lesson_and_a_missing_choice(capsys):
    assert main(["reset", "06_nope"]) == 1
    assert "not reset: unknown lesson '06_nope'" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        main(["reset"])
    assert exit_.value.code == 2 and "name one notebook, or use --all" in capsys.readouterr().err
