"""The pre-flight check an instructor sends before a workshop: one line per check, a fix for each problem."""

from rnn_lesson.course import lessons
from rnn_lesson.course.paths import ROOT
from rnn_lesson.course.workshop import preflight


def test_preflight_passes_here_with_one_line_per_check(capsys):
    assert preflight.main() == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1].rstrip(":") for line in lines[:-1]] == ["Python", "PyTorch", "widgets", "data",
                                                                     "notebooks", "progress", "figures"]
    assert all(line.startswith("ok ") for line in lines[:-1]) and lines[-1] == "Ready for the course."


def test_preflight_reports_a_problem_with_its_fix_and_fails(monkeypatch, capsys):
    monkeypatch.setattr(lessons, "NOTEBOOK_DIR", ROOT / "nowhere")
    assert preflight.main() == 1
    out = capsys.readouterr().out
    assert "problem  notebooks: missing 01_input_shaping" in out and "reset --all" in out
    assert "1 problem(s)" in out


def test_an_installed_course_away_from_a_clone_is_not_told_to_reset(monkeypatch, tmp_path):
    """pip installed the package; the learner keeps a lesson or two in a folder of their own."""
    from rnn_lesson.course import paths

    monkeypatch.setattr(paths, "IN_CLONE", False)
    monkeypatch.setattr(paths, "NOTEBOOK_DIR", tmp_path / "notebooks")  # no such folder where they are
    assert preflight.check_notebooks().ok
    (tmp_path / "notebooks").mkdir()  # a folder of notebooks, some missing: say so, but no reset (it needs git)
    monkeypatch.setattr(lessons, "NOTEBOOK_DIR", tmp_path / "notebooks")
    result = preflight.check_notebooks()
    assert not result.ok and "reset" not in result.detail and "course folder" in result.detail


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
