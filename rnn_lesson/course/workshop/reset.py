"""`python -m rnn_lesson reset NOTEBOOK`: back to the shipped notebook, without losing your work.

1. If the notebook is open in a running Jupyter server (asked through Jupyter's own sessions
   API), nothing happens: its unsaved edits live only in the browser, so you are told to save
   and close it first.
2. Your current copy is saved in `backups/` at the top of the course (a folder no lesson
   pattern matches), under a new name that never overwrites anything.
3. The version the course shipped is written back: the one recorded in `notebooks/.shipped.json`
   (its git blob id, written by `make execute`), not whatever you committed since.
A notebook that is already as shipped is left alone. `python -m rnn_lesson backups` lists the backups.
"""

from __future__ import annotations

import json
import subprocess
import urllib.request
from datetime import datetime
from pathlib import Path

from rnn_lesson.course.lessons import NOTEBOOKS, find_lesson
from rnn_lesson.course.paths import ROOT

MANIFEST = Path("notebooks") / ".shipped.json"  # lesson -> git blob id of the notebook as shipped
BACKUPS = Path("backups")


class NotebookOpen(RuntimeError):
    """The notebook is open in a running Jupyter server, so it may have unsaved edits."""


def git(root: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=True).stdout


def record_shipped(root: Path = ROOT) -> dict[str, str]:
    """Write notebooks/.shipped.json: each lesson's git blob id as it is now (`make execute` calls this)."""
    shipped = {name: git(root, "hash-object", "-w", f"notebooks/{name}.ipynb").decode().strip() for name in NOTEBOOKS}
    (root / MANIFEST).write_text(json.dumps(shipped, indent=1) + "\n", encoding="utf-8")
    return shipped


def shipped_version(root: Path, name: str) -> bytes:
    """The notebook as the course shipped it, from the course's git objects."""
    try:
        blob = json.loads((root / MANIFEST).read_text(encoding="utf-8"))[name]
        return git(root, "cat-file", "blob", blob)
    except (OSError, KeyError, ValueError, subprocess.CalledProcessError) as error:
        raise RuntimeError(f"cannot find the shipped {name}.ipynb: reset needs the course's git history (a `git "
                           f"clone` of the course) and its notebooks/.shipped.json. Download the notebook again "
                           f"instead. ({error})") from error


def open_in(notebook: Path) -> list[str]:
    """The addresses of running Jupyter servers where `notebook` is open (has a session), from their sessions API."""
    try:
        from jupyter_server.serverapp import list_running_servers  # only this command needs it
    except ImportError:  # installed without JupyterLab (`pip install rnn-lesson`): no server of this environment
        return []
    notebook, found = notebook.resolve(), []
    for server in list_running_servers():
        root = Path(server["root_dir"]).expanduser().resolve()
        if not notebook.is_relative_to(root):
            continue
        request = urllib.request.Request(server["url"] + "api/sessions",
                                         headers={"Authorization": f"token {server.get('token', '')}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                sessions = json.load(response)
        except (OSError, ValueError) as error:
            raise NotebookOpen(f"could not ask the Jupyter server at {server['url']} whether {notebook.name} is open "
                               f"({error}); stop that server (Ctrl+C where it runs), then reset again.") from error
        if any((root / s.get("path", "")).resolve() == notebook for s in sessions):
            found.append(server["url"])
    return found


def backup_path(root: Path, name: str) -> Path:
    """A new file name in backups/ that does not exist yet: NAME-YYYYmmdd-HHMMSS[-N].ipynb."""
    folder = root / BACKUPS
    folder.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate, number = folder / f"{name}-{stamp}.ipynb", 1
    while candidate.exists():
        number += 1
        candidate = folder / f"{name}-{stamp}-{number}.ipynb"
    return candidate


def reset_notebook(name: str, root: Path = ROOT) -> str:
    """Restore one notebook; returns a sentence saying what happened and where your copy went.

    Raises NotebookOpen (and changes nothing) while the notebook is open in a running Jupyter server.
    """
    name, root = find_lesson(name).notebook, Path(root)
    notebook = root / "notebooks" / f"{name}.ipynb"
    servers = open_in(notebook)
    if servers:
        raise NotebookOpen(f"{name}.ipynb is open in JupyterLab ({', '.join(servers)}), so it may have unsaved "
                           "edits that a reset would lose. In JupyterLab, save it (Ctrl+S), then File > Close and "
                           "Shut Down Notebook; then run the reset again.")
    shipped = shipped_version(root, name)
    if not notebook.exists():
        notebook.write_bytes(shipped)
        return f"{name}.ipynb was missing; restored the shipped version."
    current = notebook.read_bytes()
    if current == shipped:
        return f"{name}.ipynb is already as shipped; nothing to do."
    backup = backup_path(root, name)
    with open(backup, "xb") as copy:  # "x": fail rather than overwrite anything
        copy.write(current)
    notebook.write_bytes(shipped)
    return f"{name}.ipynb restored to the shipped version; your copy is saved as {BACKUPS / backup.name}."


def list_backups(root: Path = ROOT) -> list[str]:
    """Every backup reset made, by lesson and then time, as paths from the course folder."""
    return [str(BACKUPS / p.name) for p in sorted((root / BACKUPS).glob("*.ipynb"))]
