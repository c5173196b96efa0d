"""Lesson 05 § 3's mini-project: a model that overfits, and the grading of the learner's fix.

The training set is small (80 noisy sequences), the starting model large. Change only the
architecture and hyperparameters so that validation accuracy reaches `TARGET_ACCURACY` while
the gap between training and validation accuracy stays within `MAX_GAP`. Settings are checked
before any training: whole numbers within `LIMITS` (so one run stays under a minute), numbers
as numbers, and only the names in `ALLOWED`.
"""

from __future__ import annotations

import difflib
import math
import warnings
from numbers import Integral, Real

import torch
from torch import Tensor

from rnn_lesson.course.feedback import Result, correct, incorrect
from rnn_lesson.data import make_sequences, train_val_split
from rnn_lesson.models import SequenceClassifier
from rnn_lesson.training import History, fit

STARTING_CONFIG = {"hidden_size": 64, "num_layers": 2, "dropout": 0.0, "lr": 0.01, "epochs": 20}
TARGET_ACCURACY, MAX_GAP = 0.80, 0.10
ALLOWED = {"hidden_size", "num_layers", "dropout", "lr", "epochs"}
LIMITS = {"hidden_size": 256, "num_layers": 4, "epochs": 200}  # the largest values: one run stays under a minute
SYNONYMS = {"learning_rate": "lr", "layers": "num_layers", "n_layers": "num_layers", "hidden": "hidden_size",
            "hidden_dim": "hidden_size", "epoch": "epochs", "num_epochs": "epochs", "n_epochs": "epochs"}
DROPOUT_IGNORED = ("dropout={dropout} did nothing: nn.RNN applies dropout between layers, and num_layers=1 "
                   "has only one; set \"num_layers\": 2 for it to act, or leave dropout out")


def project_data() -> tuple[tuple[Tensor, Tensor], tuple[Tensor, Tensor]]:
    """80 training and 300 validation sequences `(N, 10, 5)` of a noisier version of the course data."""
    (x_train, y_train), val = train_val_split(*make_sequences(n=600, noise=1.5, seed=7), val_fraction=0.5)
    return (x_train[:80], y_train[:80]), val


def unknown_setting(name: object) -> str:
    """An unknown setting in words, with the allowed name it most likely means."""
    guess = SYNONYMS.get(str(name)) or next(iter(difflib.get_close_matches(str(name), ALLOWED, n=1)), None)
    fix = f"rename it \"{guess}\"" if guess else "remove it"
    return f"unknown setting {name!r}: expected only {sorted(ALLOWED)}; {fix}"


def as_number(text: str) -> int | float | None:
    """The number a text holds ("32" -> 32, "0.01" -> 0.01); None if it holds none."""
    try:
        return int(text) if text.strip().isdigit() else float(text)
    except ValueError:
        return None


def setting_problem(name: str, value: object) -> str | None:
    """What is wrong with one setting's value: expected, got, and the fix; None if it is usable.
    NumPy numbers are fine (np.int64(32) is a whole number); True and False are not numbers here."""
    got = f"{type(value).__name__} {repr(value) if isinstance(value, str) else value}"
    if isinstance(value, str):
        number = as_number(value)
        usable = number is not None and setting_problem(name, number) is None
        fix = f"write it without quotes: \"{name}\": {number}" if usable else "write a number"
        return f"{name}: expected a number, got {got}; {fix}"
    if name in LIMITS:
        return count_problem(name, value, got)
    if name == "dropout" and (isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value < 1):
        return f"dropout: expected a number from 0 up to (not including) 1, got {got}; try \"dropout\": 0.5"
    if name == "lr" and (isinstance(value, bool) or not isinstance(value, Real) or not 0 < value < math.inf):
        return f"lr: expected a positive number, got {got}; try \"lr\": 0.01"
    return None


def count_problem(name: str, value: object, got: str) -> str | None:
    """What is wrong with a whole-number setting (hidden_size, num_layers, epochs); None if it is usable."""
    cap = LIMITS[name]
    expected = f"{name}: expected a whole number from 1 to {cap}"
    if isinstance(value, bool):
        return f"{expected}, got {got} (Python would read it as {int(value)}); write \"{name}\": {max(1, int(value))}"
    if not isinstance(value, Real):
        return f"{expected}, got {got}; write a number, like \"{name}\": {STARTING_CONFIG[name]}"
    if not isinstance(value, Integral):
        return f"{expected}, got {got}; write \"{name}\": {min(max(1, round(value)), cap)}"
    if value > cap:
        return (f"{expected}, got {got}: {cap} is the cap in this project, so that one run takes under a minute "
                f"(and more only memorises the 80 training sequences); try \"{name}\": {cap} or less")
    if value < 1:
        return f"{expected}, got {got}; try \"{name}\": 1 or more"
    return None


def config_problems(config: dict) -> list[str]:
    """Every problem of a configuration, in words; empty if it can be trained."""
    unknown = [unknown_setting(name) for name in config if name not in ALLOWED]
    return unknown + [problem for name, value in config.items()
                      if name in ALLOWED and (problem := setting_problem(name, value))]


def settings_of(config: dict) -> dict:
    """The starting configuration with `config`'s changes, as plain ints and floats; ValueError if any is unusable."""
    problems = config_problems(config)
    if problems:
        raise ValueError("; ".join(problems) + ".")
    settings = {**STARTING_CONFIG, **config}
    return {name: (int(value) if name in LIMITS else float(value)) for name, value in settings.items()}


def ignored_dropout(settings: dict) -> bool:
    """True when dropout is set but cannot act: nn.RNN has no dropout with a single layer."""
    return settings["num_layers"] == 1 and settings["dropout"] > 0


def train_settings(settings: dict) -> History:
    """Train a `SequenceClassifier` with checked `settings` on the project data (seed 0, batches of 16)."""
    torch.manual_seed(0)
    model = SequenceClassifier(hidden_size=settings["hidden_size"], num_layers=settings["num_layers"],
                               dropout=0.0 if ignored_dropout(settings) else settings["dropout"])
    train, val = project_data()
    return fit(model, train, val, epochs=settings["epochs"], lr=settings["lr"], batch_size=16, progress=False)


def train_project(config: dict) -> History:
    """Lesson 05 § 3: train with the starting configuration changed by `config`, e.g.
    `train_project({"epochs": 10})`; returns the `History`. Warns when dropout cannot act (one layer)."""
    if not isinstance(config, dict):
        raise TypeError(f"config: expected a dict of settings, got {type(config).__name__}; pass one like "
                        '{"epochs": 10}.')
    settings = settings_of(config)
    if ignored_dropout(settings):
        warnings.warn(DROPOUT_IGNORED.format(dropout=settings["dropout"]) + ".", UserWarning, stacklevel=2)
    return train_settings(settings)


def not_a_config(config: object) -> str:
    """What to say about an answer that is not a dict of settings."""
    got = type(config).__name__
    if isinstance(config, History):
        return ("expected your dict of settings, got a History (what train_project returns); check the settings "
                "themselves: ex.q2.check(my_config)")
    if isinstance(config, str):
        return f"expected a dict of settings, got str {config[:40]!r}; write the dict without quotes around it"
    return f"expected a dict of settings such as {STARTING_CONFIG}, got a {got}; write yours like that one"


def grade_project(config: object) -> Result:
    """Correct when `config` meets the targets; otherwise incorrect, saying what falls short."""
    if not isinstance(config, dict):
        return incorrect(not_a_config(config) + ".")
    problems = config_problems(config)
    if problems:
        return incorrect("; ".join(problems) + ".")
    settings = settings_of(config)
    history = train_settings(settings)
    train, val = history.train_accuracy[-1], history.val_accuracy[-1]
    problems = []
    if val < TARGET_ACCURACY:
        problems.append(f"validation accuracy {val:.3f} is below the target {TARGET_ACCURACY}")
    if train - val > MAX_GAP:
        problems.append(f"training accuracy {train:.3f} is {train - val:.3f} above validation (more than "
                        f"{MAX_GAP}): the model still memorises its training set")
    note = DROPOUT_IGNORED.format(dropout=settings["dropout"]) if ignored_dropout(settings) else ""
    if not problems:
        return correct(f"the targets are met. Note: your {note}.") if note else correct()
    return incorrect("; ".join(problems + ([f"and your {note}"] if note else [])) + ".")
