"""Reset without loss: the shipped notebook comes back, the learner's copy is kept in backups/, and a
notebook open in Jupyter (it may hold unsaved edits) is never touched. The browser test
(tests/test_jupyterlab.py) does the last with a real JupyterLab; here a small server answers as
Jupyter's sessions API does."""

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from rnn_lesson.course.lessons import NOTEBOOKS
from rnn_lesson.course.paths import NOTEBOOK_DIR, ROOT
from rnn_lesson.course.workshop import reset
from rnn_lesson.course.workshop.reset import NotebookOpen, list_backups, reset_notebook


def test_the_record_of_shipped_notebooks_matches_the_notebooks():
    """notebooks/.shipped.json names each notebook as it is (make execute writes both)."""
    shipped = json.loads((NOTEBOOK_DIR / ".shipped.json").read_text())
    now = {name: subprocess.run(["git", "hash-object", str(NOTEBOOK_DIR / f"{name}.ipynb")], capture_output=True,
                                text=True, check=True).stdout.strip() for name in NOTEBOOKS}
    assert shipped == now, "run `make execute` (it records the notebooks it wrote in notebooks/.shipped.json)"


def test_reset_keeps_the_learners_copy_in_backups_and_restores_the_shipped_one(course_copy):
    notebook = course_copy / "notebooks" / "02_the_rnn_layer.ipynb"
    shipped = notebook.read_bytes()
    edited = shipped.replace(b"# your code here", b"# my own answer", 1)
    assert edited != shipped
    notebook.write_bytes(edited)
    message = reset_notebook("02_the_rnn_layer", course_copy)
    assert "your copy is saved as backups/02_the_rnn_layer-" in message
    backups = list((course_copy / "backups").glob("*.ipynb"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited
    assert notebook.read_bytes() == shipped
    assert list_backups(course_copy) == [f"backups/{backups[0].name}"]
    lesson_pattern = sorted(p.name for p in (course_copy / "notebooks").glob("0*.ipynb"))
    assert lesson_pattern == [f"{n}.ipynb" for n in NOTEBOOKS]  # make execute and the tests never run a backup


def test_reset_restores_the_shipped_version_even_after_the_learner_committed(course_copy):
    notebook = course_copy / "notebooks" / "01_input_shaping.ipynb"
    shipped = notebook.read_bytes()
    notebook.write_bytes(shipped.replace(b"# your code here", b"# committed answer", 1))
    subprocess.run(["git", "-C", str(course_copy), "-c", "user.name=L", "-c", "user.email=l@example.org",
                    "commit", "-qam", "my work"], check=True)
    message = reset_notebook("01", course_copy)
    assert "restored to the shipped version" in message
    assert notebook.read_bytes() == shipped


def test_two_resets_in_the_same_second_never_overwrite_a_backup(course_copy):
    notebook = course_copy / "notebooks" / "01_input_shaping.ipynb"
    for edit in (b"first edit", b"second edit"):
        notebook.write_bytes(notebook.read_bytes().replace(b"# your code here", b"# " + edit, 1))
        reset_notebook("01_input_shaping", course_copy)
    contents = sorted(p.read_bytes() for p in (course_copy / "backups").glob("01_input_shaping-*.ipynb"))
    assert len(contents) == 2 and any(b"first edit" in c for c in contents) and any(b"second edit" in c for c in contents)


def test_a_lesson_is_found_by_number_name_or_path(course_copy):
    for name in ("03", "03_training", "notebooks/03_training.ipynb"):
        assert reset_notebook(name, course_copy) == "03_training.ipynb is already as shipped; nothing to do."


def test_a_missing_notebook_is_restored_and_untouched_ones_are_left_alone(course_copy):
    (course_copy / "notebooks" / "03_training.ipynb").unlink()
    messages = [reset_notebook(name, course_copy) for name in NOTEBOOKS]
    assert "03_training.ipynb was missing; restored the shipped version." in messages
    assert sum("already as shipped" in m for m in messages) == len(NOTEBOOKS) - 1
    assert not (course_copy / "backups").exists()


def test_reset_refuses_unknown_names_and_missing_history(tmp_path):
    with pytest.raises(ValueError, match="unknown lesson '08_nope': expected a lesson's number \\(01 to 07\\)"):
        reset_notebook("08_nope", ROOT)
    (tmp_path / "notebooks").mkdir()
    with pytest.raises(RuntimeError, match="git history"):
        reset_notebook("01_input_shaping", tmp_path)


class Sessions(BaseHTTPRequestHandler):
    """Answers GET /api/sessions as Jupyter does, with the notebooks in `open_paths` open."""
    open_paths: list[str] = []

    def do_GET(self):
        assert self.path == "/api/sessions" and self.headers["Authorization"] == "token secret"
        body = json.dumps([{"path": p, "type": "notebook", "kernel": {"name": "python3"}}
                           for p in self.open_paths]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def jupyter_server(course_copy, monkeypatch):
    """A stand-in Jupyter server serving `course_copy`, listed as running (as list_running_servers does)."""
    server = HTTPServer(("127.0.0.1", 0), Sessions)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    info = {"url": f"http://127.0.0.1:{server.server_port}/", "token": "secret", "root_dir": str(course_copy)}
    monkeypatch.setattr("jupyter_server.serverapp.list_running_servers", lambda: iter([info]))
    yield Sessions
    server.shutdown()


def test_reset_refuses_a_notebook_open_in_jupyter_and_changes_nothing(course_copy, jupyter_server, monkeypatch):
    monkeypatch.setattr(jupyter_server, "open_paths", ["notebooks/02_the_rnn_layer.ipynb"])
    notebook = course_copy / "notebooks" / "02_the_rnn_layer.ipynb"
    notebook.write_bytes(notebook.read_bytes().replace(b"# your code here", b"# saved edit", 1))
    before = notebook.read_bytes()
    with pytest.raises(NotebookOpen, match=r"02_the_rnn_layer.ipynb is open in JupyterLab .*Close and Shut Down"):
        reset_notebook("02", course_copy)
    assert notebook.read_bytes() == before and not (course_copy / "backups").exists()
    assert reset_notebook("03", course_copy) == "03_training.ipynb is already as shipped; nothing to do."
    monkeypatch.setattr(jupyter_server, "open_paths", [])  # the fix, followed: close it, then reset
    assert "restored to the shipped version" in reset_notebook("02", course_copy)


def test_a_server_that_cannot_be_asked_means_no_reset(course_copy, monkeypatch):
    info = {"url": "http://127.0.0.1:9/", "token": "", "root_dir": str(course_copy)}  # nothing listens on port 9
    monkeypatch.setattr("jupyter_server.serverapp.list_running_servers", lambda: iter([info]))
    with pytest.raises(NotebookOpen, match="could not ask the Jupyter server"):
        reset_notebook("01", course_copy)


def test_a_server_elsewhere_is_not_asked(course_copy, tmp_path, monkeypatch):
    info = {"url": "http://127.0.0.1:9/", "token": "", "root_dir": str(tmp_path / "elsewhere")}
    monkeypatch.setattr("jupyter_server.serverapp.list_running_servers", lambda: iter([info]))
    assert reset.open_in(course_copy / "notebooks" / "01_input_shaping.ipynb") == []
