"""The workshop kit: pre-flight check, reset without loss, and the generated answer key."""

import subprocess
import sys
from pathlib import Path

import pytest

from rnn_lesson import preflight
from rnn_lesson.answer_key import answer_key
from rnn_lesson.course import NOTEBOOKS
from rnn_lesson.reset import reset_notebook

ROOT = Path(__file__).resolve().parent.parent


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "rnn_lesson", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


# ---------- pre-flight ----------

def test_preflight_passes_here_with_one_line_per_check():
    result = cli("check")
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert [line.split()[1].rstrip(":") for line in lines[:-1]] == ["Python", "PyTorch", "widgets", "data",
                                                                     "notebooks", "progress"]
    assert all(line.startswith("ok ") for line in lines[:-1]) and lines[-1] == "Ready for the course."


def test_preflight_reports_a_problem_with_its_fix_and_fails(monkeypatch, capsys):
    monkeypatch.setattr(preflight, "NOTEBOOK_DIR", ROOT / "nowhere")
    assert preflight.main() == 1
    out = capsys.readouterr().out
    assert "problem  notebooks: missing 01_input_shaping" in out and "reset --all" in out
    assert "1 problem(s)" in out


def test_preflight_names_an_unwritable_progress_location(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("RNN_LESSON_PROGRESS", str(blocker / "sub" / "progress.json"))
    result = preflight.check_progress_location()
    assert not result.ok and "RNN_LESSON_PROGRESS" in result.detail


def test_preflight_names_a_corrupt_data_file(tmp_path):
    broken = tmp_path / "sequences.npz"
    broken.write_bytes(b"not the data")
    result = preflight.check_data(broken)
    assert not result.ok and "make-data" in result.detail


# ---------- reset without loss ----------

@pytest.fixture
def course_copy(tmp_path):
    """A clone of the committed course, so resets never touch the real notebooks."""
    subprocess.run(["git", "clone", "-q", str(ROOT), str(tmp_path / "course")], check=True)
    return tmp_path / "course"


def test_reset_keeps_the_learners_copy_and_restores_the_shipped_one(course_copy):
    notebook = course_copy / "notebooks" / "02_the_rnn_layer.ipynb"
    shipped = notebook.read_bytes()
    edited = shipped.replace(b"# your code here", b"# my own answer", 1)
    notebook.write_bytes(edited)
    result = cli("reset", "02_the_rnn_layer", "--root", str(course_copy))
    assert result.returncode == 0 and "your copy is saved as notebooks/02_the_rnn_layer.backup-" in result.stdout
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


def test_reset_all_and_an_untouched_notebook(course_copy):
    (course_copy / "notebooks" / "03_training.ipynb").unlink()
    result = cli("reset", "--all", "--root", str(course_copy))
    assert result.returncode == 0
    assert "03_training.ipynb was missing; restored" in result.stdout
    assert result.stdout.count("already as shipped") == len(NOTEBOOKS) - 1
    assert not list((course_copy / "notebooks").glob("*.backup-*"))


def test_reset_refuses_unknown_names_and_missing_history(tmp_path):
    result = cli("reset", "06_nope", "--root", str(ROOT))
    assert result.returncode == 1 and "unknown notebook" in result.stdout
    (tmp_path / "notebooks").mkdir()
    with pytest.raises(RuntimeError, match="git history"):
        reset_notebook("01_input_shaping", tmp_path)


# ---------- instructor material ----------

def test_committed_answer_key_is_generated_not_edited():
    committed = (ROOT / "instructor" / "answer_key.md").read_text(encoding="utf-8")
    assert committed == answer_key(), "run `make answer-key` after changing a quiz bank or an exercise"


def test_answer_key_holds_every_solution_and_answer():
    from rnn_lesson.exercise_sets import lesson01
    key = answer_key()
    assert "02-seed-output-shape" in key and "`(1000, 10, 8)`: right" in key
    assert lesson01.q3.solution_code.strip() in key


def test_instructor_guide_has_schedules_and_setup_email():
    guide = (ROOT / "instructor" / "GUIDE.md").read_text(encoding="utf-8")
    for needed in ("2.5-hour", "90-minute", "python -m rnn_lesson check", "wheelhouse", "answer_key.md"):
        assert needed in guide
    assert "instructor/GUIDE.md" in (ROOT / "README.md").read_text(encoding="utf-8")
