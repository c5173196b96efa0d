"""Pick where tensors live: the one place the course chooses a device."""

from __future__ import annotations

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


def environment_report() -> str:
    """One line for the version-check cell at the top of each lesson, e.g. `torch 2.13.0 | device: cpu`.

    Lesson 01 § set-up (the first code cell of every lesson). Takes and returns no tensor.
    The course outputs were made with torch 2.13.0; other versions print a warning note.
    """
    version = torch.__version__.split("+")[0]
    note = "" if version == "2.13.0" else " (the course was written for torch 2.13.0; numbers may differ)"
    return f"torch {version}{note} | device: {pick_device()}"
