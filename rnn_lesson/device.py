"""Pick where tensors live: the one place the course chooses a device. Also: a figure cache that works
on a locked-down machine."""

from __future__ import annotations

import getpass
import os
import sys
import tempfile
from pathlib import Path

import torch


def pick_device() -> torch.device:
    """CUDA if a GPU is present, else Apple's MPS, else the CPU (the course runs fine on the CPU).

    Lesson 04 § 8 (Common mistakes: comparing predictions on the wrong device). Returns a `torch.device`;
    move a model with `model.to(device)` and each batch `(N, L, F)` with `xb.to(device)`.
    """
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


OUTPUTS_TORCH = "2.13.0"  # the torch that made the lessons' stored outputs (constraints.txt pins it too)


def environment_report() -> str:
    """One line for the version-check cell at the top of each lesson, e.g. `torch 2.13.0 | device: cpu`.

    Lesson 01 § set-up (the first code cell of every lesson). Takes and returns no tensor.
    The course outputs were made with torch 2.13.0; other versions print a warning note.
    """
    version = torch.__version__.split("+")[0]
    note = "" if version == OUTPUTS_TORCH else f" (the course was written for torch {OUTPUTS_TORCH}; numbers may differ)"
    return f"torch {version}{note} | device: {pick_device()}"


def matplotlib_cache_folder() -> Path | None:
    """On a machine whose home folder is read-only, point matplotlib at a writable folder (before it is imported).

    Matplotlib keeps its font cache in ~/.config/matplotlib (~/.matplotlib on macOS and Windows); where it
    can't write there it prints a warning in every lesson. Then MPLCONFIGDIR is set to a folder of your own in
    the temporary folder, kept between sessions. Returns that folder, or None when nothing had to change.
    """
    if os.environ.get("MPLCONFIGDIR"):
        return None
    on_linux = sys.platform.startswith(("linux", "freebsd"))
    home_config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    default = home_config / "matplotlib" if on_linux else Path.home() / ".matplotlib"
    try:
        default.mkdir(parents=True, exist_ok=True)
        if os.access(default, os.W_OK):
            return None
    except OSError:
        pass
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # a container user with no name
        user = "user"
    folder = Path(tempfile.gettempdir()) / f"rnn-lesson-matplotlib-{user}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        if not os.access(folder, os.W_OK):
            raise PermissionError(folder)
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix="rnn-lesson-matplotlib-"))
    os.environ["MPLCONFIGDIR"] = str(folder)
    return folder
