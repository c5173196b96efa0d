"""`python -m rnn_lesson reset NOTEBOOK`: back to the shipped notebook, without losing your work.

Your current copy is first saved beside it as `NAME.backup-YYYYmmdd-HHMMSS.ipynb` (never
over an existing file); only then is the shipped version (the one in the course's last git
commit) written back. A notebook that is already as shipped is left alone.
"""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

from rnn_lesson.course.lessons import find_lesson
from rnn_lesson.course.paths import ROOT


def shipped_version(root: Path, name: str) -> bytes:
    """The notebook as the course shipped it: its content in the last git commit."""
    try:
        result = subprocess.run(["git", "-C", str(root), "show", f"HEAD:notebooks/{name}.ipynb"],
                                capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise RuntimeError(f"cannot find the shipped {name}.ipynb: reset needs the course's git history "
                           f"(a `git clone` of the course). Download the notebook again instead. ({error})") from error
    return result.stdout


def backup_path(notebook: Path) -> Path:
    """A new file name beside `notebook` that does not exist yet."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = notebook.with_name(f"{notebook.stem}.backup-{stamp}.ipynb")
    number = 1
    while candidate.exists():
        number += 1
        candidate = notebook.with_name(f"{notebook.stem}.backup-{stamp}-{number}.ipynb")
    return candidate


def reset_notebook(name: str, root: Path = ROOT) -> str:
    """Restore one notebook; returns a sentence saying what happened and where your copy went."""
    name = find_lesson(name).notebook
    notebook = Path(root) / "notebooks" / f"{name}.ipynb"
    shipped = shipped_version(Path(root), name)
    if not notebook.exists():
        notebook.write_bytes(shipped)
        return f"{name}.ipynb was missing; restored the shipped version."
    current = notebook.read_bytes()
    if current == shipped:
        return f"{name}.ipynb is already as shipped; nothing to do."
    backup = backup_path(notebook)
    with open(backup, "xb") as copy:  # "x": fail rather than overwrite anything
        copy.write(current)
    notebook.write_bytes(shipped)
    return f"{name}.ipynb restored; your copy is saved as notebooks/{backup.name}."
