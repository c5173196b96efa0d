"""Learner mistakes with the course's tools: the command line, the progress table and its export.

A command line mistake is read from what the command prints (it exits with status 1 or 2);
`LearnerMessage` carries that text, so each case is a `Mistake` like the others.
"""

import contextlib
import io
import subprocess
from pathlib import Path

import pytest

from mistakes import Mistake, check_mistake, ids
from rnn_lesson.course import progress_store
from rnn_lesson.course.cli import main
from rnn_lesson.course.progress_store import progress
from rnn_lesson.course.workshop.reset import reset_notebook


class LearnerMessage(Exception):
    """What a command printed when it refused."""


def command(*args: str) -> str:
    """Run `python -m rnn_lesson ARGS` in this process; raise LearnerMessage with its output unless it succeeds."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(list(args))
    except SystemExit as exit_:
        status = exit_.code
    if status != 0:
        raise LearnerMessage(out.getvalue() + err.getvalue())
    return out.getvalue()


HERE: dict[str, Path] = {}  # the folders of the running test: "place" (files to refuse) and "course" (a clone)


def place() -> Path:
    return HERE["place"]


def course() -> str:
    return str(HERE["course"])


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A clone of the committed course: the reset cases must never touch the real notebooks."""
    from rnn_lesson.course.paths import ROOT

    target = tmp_path_factory.mktemp("clone") / "course"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(target)], check=True)
    return target


@pytest.fixture(autouse=True)
def folders(tmp_path, clone, monkeypatch):
    (tmp_path / "my_data.csv").write_text("time,value\n1,2\n")
    (tmp_path / "my_arrays.npz").write_bytes(b"someone's own arrays")
    (tmp_path / "lesson.ipynb").write_text("{}")
    (tmp_path / "a-file").write_text("")
    HERE.update(place=tmp_path, course=clone)
    monkeypatch.setenv(progress_store.ENV_VAR, str(tmp_path / "progress.sqlite3"))
    monkeypatch.setattr(progress_store, "_warned", False)
    monkeypatch.setattr(progress_store, "_pending", [])
    monkeypatch.chdir(tmp_path)
    yield
    HERE.clear()


def record_into(store) -> None:
    """What a check does after grading, with the progress store at `store`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(progress_store.ENV_VAR, str(store))
        progress_store.record_exercise("01_input_shaping", "ex.q1", True)


MISTAKES = [
    Mistake("progress exported as a spreadsheet", lambda: progress(export=place() / "me.xlsx"), ValueError,
            "expected a file name ending in .json", "got '", "progress(export='my-progress.json')",
            fixed=lambda: progress(export=place() / "my-progress.json")),
    Mistake("progress exported over the learner's own data", lambda: progress(export=place() / "my_data.csv"),
            FileExistsError, "is not a progress export", "my_data.csv already exists", "choose a new name",
            fixed=lambda: progress(export=place() / "my-progress.csv")),
    Mistake("progress exported without a suffix", lambda: progress(export=place() / "progress"), ValueError,
            "ending in .json", "progress'", "e.g. progress(export=",
            fixed=lambda: progress(export=place() / "progress.json")),
    Mistake("progress store where a file blocks the folder", lambda: record_into(place() / "a-file" / "p.sqlite3"),
            UserWarning, "Could not save progress", "a-file is a file, not a folder",
            "os.environ['RNN_LESSON_PROGRESS'] = ", fixed=lambda: record_into(progress_store.writable_place())),
    Mistake("make-data pointed at a notebook", lambda: command("make-data", "--path", str(place() / "lesson.ipynb")),
            LearnerMessage, "expected a file name ending in .npz", "lesson.ipynb", "lesson.npz", fixed=lambda: command("make-data", "--path", str(place() / "lesson.npz"))),
    Mistake("make-data over someone's own .npz",
            lambda: command("make-data", "--path", str(place() / "my_arrays.npz")), LearnerMessage,
            "is not a course data file", "my_arrays.npz already exists", "add --overwrite",
            fixed=lambda: command("make-data", "--path", str(place() / "my_arrays.npz"), "--overwrite")),
    Mistake("make-data into a folder that doesn't exist",
            lambda: command("make-data", "--path", str(place() / "new" / "sequences.npz")), LearnerMessage,
            "a file in an existing folder", "there is no folder", "mkdir -p",
            fixed=lambda: ((place() / "new").mkdir(), command("make-data", "--path", str(place() / "new" / "x.npz")))),
    Mistake("make-data with an empty --path", lambda: command("make-data", "--path", ""), LearnerMessage,
            "expected a file name ending in .npz", "got nothing", "--path sequences.npz",
            fixed=lambda: command("make-data", "--path", "sequences.npz")),
    Mistake("make-data pointed at a folder", lambda: command("make-data", "--path", str(place())), LearnerMessage,
            "--path expected a file", "got the folder", "sequences.npz",
            fixed=lambda: command("make-data", "--path", str(place() / "sequences.npz"))),
    Mistake("make-data to a name that is only the suffix", lambda: command("make-data", "--path", str(place() / ".npz")),
            LearnerMessage, "expected a file name ending in .npz", "/.npz'", "/sequences.npz",
            fixed=lambda: command("make-data", "--path", str(place() / "sequences.npz"))),
    Mistake("progress exported into a folder that doesn't exist",
            lambda: progress(export=place() / "exports" / "me.json"), FileNotFoundError,
            "a file in an existing folder", "there is no folder", ").mkdir(parents=True)",
            fixed=lambda: ((place() / "exports").mkdir(parents=True), progress(export=place() / "exports" / "me.json"))),
    Mistake("progress export given True", lambda: progress(export=True), TypeError,
            "expected a file name", "got bool True", "progress(export='my-progress.json')",
            fixed=lambda: progress(export="my-progress.json")),
    Mistake("reset all without the dashes", lambda: command("reset", "all", "--root", course()), LearnerMessage,
            "to reset every lesson", "error:", "write --all", fixed=lambda: command("reset", "--all", "--root", course())),
    Mistake("reset of a lesson that doesn't exist", lambda: command("reset", "08_nope", "--root", course()),
            LearnerMessage, "expected a lesson's number (01 to 07)", "unknown lesson '08_nope'",
            "the lessons are: 01_input_shaping", fixed=lambda: command("reset", "05", "--root", course())),
    Mistake("reset of a lesson and --all at once", lambda: command("reset", "02", "--all", "--root", course()),
            LearnerMessage, "name one notebook", "error:", "or use --all",
            fixed=lambda: command("reset", "02", "--root", course())),
    Mistake("reset with nothing named", lambda: command("reset", "--root", course()), LearnerMessage,
            "name one notebook", "error:", "or use --all", fixed=lambda: command("reset", "--all", "--root", course())),
    Mistake("reset of lesson 8", lambda: reset_notebook("8", HERE["course"]), ValueError,
            "expected a lesson's number", "unknown lesson '8'", "01_input_shaping",
            fixed=lambda: reset_notebook("5", HERE["course"])),
    Mistake("reset of a course copied without git", lambda: command("reset", "01", "--root", str(place())),
            LearnerMessage, "reset needs the course's git history", "cannot find the shipped 01_input_shaping",
            "Download the notebook again", no_code_fix="download the notebook again from the course's page"),
    Mistake("an unknown command", lambda: command("setup-data"), LearnerMessage,
            "invalid choice: 'setup-data'", "setup-data", "choose from",
            fixed=lambda: command("backups", "--root", course())),
]


@pytest.mark.parametrize("mistake", MISTAKES, ids=ids(MISTAKES))
def test_mistake(mistake):
    check_mistake(mistake)


def test_make_data_expands_a_quoted_home_and_reset_takes_several_lessons(monkeypatch):
    monkeypatch.setenv("HOME", str(place()))
    assert "wrote x.npz" in command("make-data", "--path", "~/x.npz")
    assert (place() / "x.npz").exists()
    assert command("reset", "01", "02", "--root", course()).count("already as shipped") == 2


def test_a_refused_export_or_command_leaves_the_learners_files_as_they_were():
    for mistake in MISTAKES[:2] + MISTAKES[4:6]:
        with pytest.raises(mistake.error):
            mistake.call()
    assert (place() / "my_data.csv").read_text() == "time,value\n1,2\n"
    assert (place() / "my_arrays.npz").read_bytes() == b"someone's own arrays"
    assert (place() / "lesson.ipynb").read_text() == "{}"
    assert not (place() / "me.xlsx").exists()
