"""Lesson 05 § 3's mini-project: a model that overfits, and the grading of the learner's fix.

The training set is small (80 noisy sequences), the starting model large. Change only the
architecture and hyperparameters so that validation accuracy reaches `TARGET_ACCURACY` while
the gap between training and validation accuracy stays within `MAX_GAP`.
"""

from __future__ import annotations

import torch
from torch import Tensor

from rnn_lesson.course.feedback import Result, correct, incorrect
from rnn_lesson.data import make_sequences, train_val_split
from rnn_lesson.models import SequenceClassifier
from rnn_lesson.training import History, fit

STARTING_CONFIG = {"hidden_size": 64, "num_layers": 2, "dropout": 0.0, "lr": 0.01, "epochs": 20}
TARGET_ACCURACY, MAX_GAP = 0.80, 0.10
ALLOWED = {"hidden_size", "num_layers", "dropout", "lr", "epochs"}


def project_data() -> tuple[tuple[Tensor, Tensor], tuple[Tensor, Tensor]]:
    """80 training and 300 validation sequences `(N, 10, 5)` of a noisier version of the course data."""
    (x_train, y_train), val = train_val_split(*make_sequences(n=600, noise=1.5, seed=7), val_fraction=0.5)
    return (x_train[:80], y_train[:80]), val


def train_project(config: dict) -> History:
    """Train a `SequenceClassifier` with `config` on the project data (seed 0, batches of 16)."""
    unknown = set(config) - ALLOWED
    if unknown:
        raise ValueError(f"unknown setting(s) {sorted(unknown)}; change only {sorted(ALLOWED)}.")
    settings = {**STARTING_CONFIG, **config}
    if settings["num_layers"] == 1:
        settings["dropout"] = 0.0  # dropout acts only between layers
    torch.manual_seed(0)
    model = SequenceClassifier(hidden_size=settings["hidden_size"], num_layers=settings["num_layers"],
                               dropout=settings["dropout"])
    train, val = project_data()
    return fit(model, train, val, epochs=settings["epochs"], lr=settings["lr"], batch_size=16, progress=False)


def setting_problem(name: str, value: object) -> str | None:
    """What is wrong with one setting's value, in words; None if it is usable."""
    if name in ("hidden_size", "num_layers", "epochs") and (not isinstance(value, int) or value < 1):
        return f"{name} should be a whole number of at least 1, got {value!r}"
    if name == "dropout" and not (isinstance(value, (int, float)) and 0 <= value < 1):
        return f"dropout should be a number from 0 up to (not including) 1, got {value!r}"
    if name == "lr" and not (isinstance(value, (int, float)) and value > 0):
        return f"lr should be a positive number, got {value!r}"
    return None


def grade_project(config: object) -> Result:
    """Correct when `config` meets the targets; otherwise incorrect, saying what falls short."""
    if not isinstance(config, dict):
        return incorrect(f"expected a dict of settings such as {STARTING_CONFIG}, got a {type(config).__name__}.")
    unknown = set(config) - ALLOWED
    if unknown:
        return incorrect(f"unknown setting(s) {sorted(unknown)}; change only {sorted(ALLOWED)}.")
    bad = [problem for name, value in config.items() if (problem := setting_problem(name, value))]
    if bad:
        return incorrect("; ".join(bad) + ".")
    history = train_project(config)
    train, val = history.train_accuracy[-1], history.val_accuracy[-1]
    problems = []
    if val < TARGET_ACCURACY:
        problems.append(f"validation accuracy {val:.3f} is below the target {TARGET_ACCURACY}")
    if train - val > MAX_GAP:
        problems.append(f"training accuracy {train:.3f} is {train - val:.3f} above validation (more than "
                        f"{MAX_GAP}): the model still memorises its training set")
    settings = {**STARTING_CONFIG, **config}
    if problems and settings["num_layers"] == 1 and settings["dropout"] > 0:
        problems.append("and your dropout did nothing: nn.RNN applies dropout between layers, so one layer has none")
    return incorrect("; ".join(problems) + ".") if problems else correct()
