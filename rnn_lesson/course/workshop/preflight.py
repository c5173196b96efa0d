"""`python -m rnn_lesson check`: is this machine ready for the course? One line per check.

Run it a week before a workshop (instructors put it in the setup e-mail). It prints `ok` or
`problem` with the fix for each check, and exits with status 1 if anything is wrong.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rnn_lesson.course.lessons import LESSONS


@dataclass
class Check:
    name: str
    ok: bool
    detail: str  # what was found, or the fix to apply

    def line(self) -> str:
        return f"{'ok' if self.ok else 'problem':8} {self.name}: {self.detail}"


def check_python() -> Check:
    version = ".".join(str(v) for v in sys.version_info[:3])
    if sys.version_info >= (3, 11):
        return Check("Python", True, version)
    return Check("Python", False, f"{version} is too old; install Python 3.11 or newer, then `make clean` and `make lab`.")


def check_torch() -> Check:
    try:
        import torch

        output, h_n = torch.nn.RNN(5, 8, batch_first=True)(torch.zeros(2, 10, 5))
    except Exception as error:  # any failure here means the course cannot run; report it, don't crash
        return Check("PyTorch", False, f"{type(error).__name__}: {error}; reinstall with `make clean` then `make lab`.")
    if tuple(output.shape) != (2, 10, 8) or tuple(h_n.shape) != (1, 2, 8):
        return Check("PyTorch", False, f"nn.RNN gave output {tuple(output.shape)} and h_n {tuple(h_n.shape)}, "
                                       "not (2, 10, 8) and (1, 2, 8); reinstall with `make clean` then `make lab`.")
    from rnn_lesson.device import OUTPUTS_TORCH

    same = torch.__version__.split("+")[0] == OUTPUTS_TORCH
    note = "" if same else f" (the course was made with {OUTPUTS_TORCH}; numbers may differ)"
    return Check("PyTorch", True, f"torch {torch.__version__} ran a small nn.RNN{note}")


def check_widgets() -> Check:
    extension = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter-widgets" / "jupyterlab-manager"
    try:
        import ipywidgets
    except ImportError:
        return Check("widgets", False, "ipywidgets is missing; run `make lab` (it installs everything).")
    if not extension.is_dir():
        return Check("widgets", False, f"the JupyterLab widgets extension is missing from {sys.prefix}; "
                                       "`pip install jupyterlab_widgets` in this environment, then restart JupyterLab.")
    return Check("widgets", True, f"ipywidgets {ipywidgets.__version__} and its JupyterLab extension")


def check_data(path: Path | None = None) -> Check:
    from rnn_lesson.data import DATA_PATH, load_dataset

    try:
        x, _ = load_dataset(path or DATA_PATH)
    except (OSError, ValueError) as error:
        return Check("data", False, str(error))
    return Check("data", True, f"sequences.npz, checksum verified, x {tuple(x.shape)}")


def check_notebooks() -> Check:
    from rnn_lesson.course import paths

    if not paths.IN_CLONE and not paths.NOTEBOOK_DIR.is_dir():  # installed with pip: the lessons are where you keep them
        return Check("notebooks", True, "the course is installed as a package; its lessons run from any folder")
    missing = [lesson.notebook for lesson in LESSONS if not lesson.path.exists()]
    if missing:
        fix = ("restore with `python -m rnn_lesson reset --all` or download the course again" if paths.IN_CLONE else
               "download them again, or run this check in the course folder (the one with notebooks/)")
        return Check("notebooks", False, f"missing {', '.join(missing)} in {paths.NOTEBOOK_DIR}; {fix}.")
    return Check("notebooks", True, f"all {len(LESSONS)} lessons present")


def check_progress_location() -> Check:
    from rnn_lesson.course.progress_store import ENV_VAR, progress_path, writable_place

    folder = progress_path().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as error:
        place = writable_place()
        return Check("progress", False, f"cannot write to {folder} ({error.strerror}); keep your answers in a "
                                        f"writable place: before starting Jupyter run `export {ENV_VAR}={place}` "
                                        f"(Windows: `set {ENV_VAR}={place}`)")
    source = f" (from {ENV_VAR})" if os.environ.get(ENV_VAR) else ""
    return Check("progress", True, f"answers are saved in {folder}{source}")


def check_figures() -> Check:
    """Matplotlib's cache folder: where the home folder is read-only, the course gives it a temporary one."""
    from rnn_lesson.device import matplotlib_cache_folder

    matplotlib_cache_folder()  # already done when rnn_lesson was imported; here in case it was not
    folder = os.environ.get("MPLCONFIGDIR")
    if folder and Path(folder).name.startswith("rnn-lesson-matplotlib-"):
        return Check("figures", True, f"your home folder is read-only, so the lessons keep matplotlib's cache in {folder}")
    return Check("figures", True, f"matplotlib's cache in {folder + ' (from MPLCONFIGDIR)' if folder else 'your home folder'}")


CHECKS = (check_python, check_torch, check_widgets, check_data, check_notebooks, check_progress_location,
          check_figures)


def run_checks() -> list[Check]:
    return [check() for check in CHECKS]


def main() -> int:
    results = run_checks()
    for result in results:
        print(result.line())
    problems = sum(not r.ok for r in results)
    print("Ready for the course." if not problems else f"{problems} problem(s): apply the fixes above, then run again.")
    return 1 if problems else 0
