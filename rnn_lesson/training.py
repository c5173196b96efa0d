"""Training and evaluation: `fit` runs the loop of lesson 03 and records a `History`.

The loop inside `fit` is the one lesson 03 § 3 writes out line by line first:
zero_grad -> forward -> loss -> backward -> [clip] -> step. The targets choose the loss (`targets.py`):
class indices, cross-entropy; numbers to predict, mean squared error. `plots.plot_history` draws a `History`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import pandas as pd
import torch
from torch import Tensor, nn
from torch.utils.data import DataLoader, Dataset, TensorDataset
from IPython.display import display
from tqdm.auto import tqdm
from tqdm.notebook import tqdm as notebook_tqdm

from rnn_lesson.checks import check_sequences, describe, require_int, require_number, require_tensor
from rnn_lesson.data import check_lengths, check_xy, make_loader
from rnn_lesson.targets import (check_model, check_targets, input_size_of, prediction_loss, task_of, to_model,
                                trial_outputs)


@dataclass(repr=False)
class History:
    """Per-epoch results of `fit`. Lesson 03 § 4 (Training with `fit`).

    Lists of floats, one value per epoch, shape `(epochs,)` each, like the curves they draw; `grad_norm` holds
    the largest gradient norm of each epoch, before clipping (lesson 07 § 4). For a regression model
    (`task="regress"`, `num_classes=None`) the accuracy lists stay empty. Shows in a notebook as the epoch
    table (`to_frame()`); `plot_history(history)` draws the curves.
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    task: str = "classify"
    num_classes: int | None = 3  # the course's three classes unless fit says otherwise

    def to_frame(self) -> pd.DataFrame:
        """The epoch table: epoch, losses and accuracies (rounded to 3 decimals), observation.

        For regression: epoch, losses (4 significant digits, as their scale is the targets'), observation."""
        rows = []
        for i in range(len(self.train_loss)):
            if self.task == "regress":
                row = {"train loss": float(f"{self.train_loss[i]:.4g}"), "val loss": float(f"{self.val_loss[i]:.4g}")}
            else:
                row = {"train loss": round(self.train_loss[i], 3), "val loss": round(self.val_loss[i], 3),
                       "train accuracy": round(self.train_accuracy[i], 3), "val accuracy": round(self.val_accuracy[i], 3)}
            rows.append({"epoch": i + 1, **row, "observation": observe(self, i)})
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False)

    def __repr__(self) -> str:
        return self.to_frame().to_string(index=False)


def observe(history: History, i: int) -> str:
    """A one-line reading of epoch `i` (0-based) of `history`, computed from its numbers.

    Near chance: validation accuracy below 1.2 x chance, chance = 1 / num_classes (0.6 for 2 classes, 0.4 for 3,
    0.3 for 4). A gradient spike: an epoch's largest gradient norm over 10 x the epoch before's.
    """
    loss, norms = history.train_loss[i], history.grad_norm
    if history.task != "regress" and history.val_accuracy[i] < 1.2 / history.num_classes:
        return "near chance: the model has not found the pattern yet"
    if 0 < i < len(norms) and norms[i] > 10 * norms[i - 1]:
        return f"gradient spike: largest norm {norms[i]:.3g}, after {norms[i - 1]:.3g}; clip (e.g. clip=1.0) caps it"
    if i > 0 and history.val_loss[i] > history.val_loss[i - 1] and loss < history.train_loss[i - 1]:
        return "val loss rose while train loss fell: watch for overfitting"
    if i > 0 and loss >= history.train_loss[i - 1]:
        return "train loss stopped falling"
    if history.task == "regress":
        return "learning: losses falling" if i > 0 else "first epoch: compare the val loss with a baseline's"
    if history.val_accuracy[i] >= 0.9:
        return "most validation sequences classified correctly"
    if i > 0 and history.val_accuracy[i] <= history.val_accuracy[i - 1]:
        return "learning: loss falling, val accuracy not rising"
    return "learning: loss falling, accuracy rising"


def evaluate(model: nn.Module, x: Tensor, y: Tensor | None = None, batch_size: int = 256,
             lengths: Tensor | None = None) -> tuple[float, float | None]:
    """Mean loss and accuracy of `model` on x `(N, L, F)` and its targets y: two floats, or (loss, None) for regression.

    Lesson 03 § 4 (Training with `fit`), which calls it after every epoch. Class indices y `(N,)` (or `(N, L)`, every
    step counted): cross-entropy and accuracy; numbers to predict (float): mean squared error. `lengths` `(N,)`: the
    true lengths of padded sequences. Runs in evaluation mode without gradients (`torch.no_grad()`), then puts the
    model back in the mode it was in. Checks the targets against the model's outputs as `fit` does.
    """
    was_training = check_model(model).training
    x, y = check_xy(x, y, "evaluate(model, {})", input_size_of(model))
    lengths = None if lengths is None else check_lengths(lengths, x)
    model.eval()  # no dropout while measuring
    outputs = trial_outputs(model, x, lengths)
    task = task_of(model, outputs, y)
    check_targets(task, outputs, y, x, n=len(x[:2]))
    total_loss, correct = 0.0, 0
    with torch.no_grad():
        for xb, *lb, yb in make_loader(x, y, batch_size=batch_size, shuffle=False, lengths=lengths):
            xb, yb = to_model(xb, model), to_model(yb, model)
            outputs = model(xb, *lb)
            total_loss += prediction_loss(outputs, yb, reduction="sum").item()
            if task == "classify":
                correct += (outputs.argmax(dim=-1) == yb).sum().item()
    model.train(was_training)
    return total_loss / y.numel(), (correct / y.numel() if task == "classify" else None)


def fit(
    model: nn.Module,
    train: tuple[Tensor, ...],
    val: tuple[Tensor, ...],
    epochs: int = 5,
    lr: float = 0.003,
    batch_size: int = 32,
    seed: int = 0,
    progress: bool = True,
    clip: float | None = None,
) -> History:
    """Train `model` with Adam and the loss its targets call for; return the per-epoch `History`.

    Lesson 03 § 4 (Training with `fit`); the loop is § 3's, line for line, with gradient clipping added.
    train, val: `(x, y)` pairs, x `(N, L, F)` float; or `(x, lengths, y)` with the true lengths `(N,)` of padded
    sequences, for a model called as `model(x, lengths)` (lesson 07). y: class indices `(N,)` (cross-entropy on
    logits `(N, C)`), one per step `(N, L)` (on `(N, L, C)`), or float numbers to predict `(N, out)` or
    `(N, L, out)` (mean squared error; lesson 06 § 3). Inputs and float targets are cast to the model's dtype.
    `clip`: the largest gradient norm allowed (`clip_grad_norm_`, lesson 07 § 4); None does not clip.
    `seed` fixes the order of the training batches; seed the model's initial weights
    yourself (`torch.manual_seed(0)` before building it) for a fully reproducible run.
    Trains on the model's device and leaves the model in evaluation mode; a NaN or infinite loss warns and stops.
    """
    task, num_classes = check_fit_inputs(model, train, val)
    epochs, batch_size, lr = require_int(epochs, "epochs"), require_int(batch_size, "batch_size"), require_number(lr, "lr")
    if lr <= 0:
        raise ValueError(f"lr: expected a positive learning rate, got {lr:g}; use lr={-lr or 0.003:g}.")
    clip = check_clip(clip)
    (x_train, lengths_train, y_train), (x_val, lengths_val, y_val) = unpack(train), unpack(val)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loader = make_loader(x_train, y_train, batch_size=batch_size, shuffle=True, seed=seed, lengths=lengths_train)
    history = History(task=task, num_classes=num_classes)
    bar, show_final_bar = epoch_bar(epochs, progress)
    for epoch in bar:
        model.train()
        total_loss, correct, largest_norm = 0.0, 0, 0.0
        for xb, *lb, yb in loader:  # lb: the lengths, when given
            xb, yb = to_model(xb, model), to_model(yb, model)  # on the model's device, in its dtype
            optimizer.zero_grad()
            outputs = model(xb, *lb)
            loss = prediction_loss(outputs, yb)  # cross-entropy for class indices, MSE for numbers
            loss.backward()
            norm = nn.utils.get_total_norm([p.grad for p in model.parameters() if p.grad is not None])  # for History
            if clip is not None:  # rescale the gradients so that their norm is at most clip (lesson 07 § 4)
                nn.utils.clip_grad_norm_(model.parameters(), max_norm=clip)
            optimizer.step()
            total_loss += loss.item() * yb.numel()
            largest_norm = max(largest_norm, norm.item())
            if task == "classify":
                correct += (outputs.argmax(dim=-1) == yb).sum().item()
        val_loss, val_accuracy = evaluate(model, x_val, y_val, lengths=lengths_val)
        history.train_loss.append(total_loss / y_train.numel())
        history.val_loss.append(val_loss)
        history.grad_norm.append(largest_norm)
        if task == "classify":
            history.train_accuracy.append(correct / y_train.numel())
            history.val_accuracy.append(val_accuracy)
            bar.set_postfix(loss=f"{history.train_loss[-1]:.3f}", val_accuracy=f"{val_accuracy:.3f}")
        else:
            bar.set_postfix(loss=f"{history.train_loss[-1]:.4g}", val_loss=f"{val_loss:.4g}")
        if not math.isfinite(history.train_loss[-1] + val_loss):
            losses = f"train loss {history.train_loss[-1]:.3g}, val loss {val_loss:.3g}"
            warnings.warn(f"fit: expected finite losses, got {losses} in epoch {epoch + 1}, so training stopped there; "
                          "lower the learning rate (the course uses lr=0.003) or standardise large inputs: "
                          "x = (x - x.mean()) / x.std(); if the gradients spike (history.grad_norm), clip them: "
                          "clip=1.0.", stacklevel=2)
            break
    show_final_bar()
    model.eval()  # trained: left in evaluation mode, ready to predict
    return history


def check_fit_inputs(model: nn.Module, train: tuple[Tensor, ...], val: tuple[Tensor, ...]) -> tuple[str, int | None]:
    """Everything `fit` checks before its loop (lesson 03 § 4): the model, the `(x, y)` or `(x, lengths, y)` data
    (x `(N, L, F)` float), and one trial forward pass on two training sequences: what the model returns decides,
    with the targets, the task ("classify" or "regress") and the class count C of logits `(2, C)`. Returns both."""
    check_model(model)
    parts = []
    for part, data in (("train", train), ("val", val)):
        if not (isinstance(data, (tuple, list)) and len(data) in (2, 3)):
            fix = f"put the labels in: (x_{part}, y_{part})"
            if isinstance(data, Tensor):
                fix = "split the data into pairs: train, val = train_val_split(x, y), then fit(model, train, val)"
            elif isinstance(data, DataLoader):
                fix = f"pass the tensors x_{part}, y_{part}: fit makes its own batches"
            elif isinstance(data, Dataset):
                fix = ("pass its tensors: fit(model, train_ds.tensors, val_ds.tensors)" if isinstance(data, TensorDataset)
                       else f"fit takes the tensors (x_{part}, y_{part}), not a Dataset: it makes its own batches")
            raise TypeError(f"{part}: expected an (x, y) pair, or (x, lengths, y), got {describe(data)}; {fix}.")
        x, lengths, y = unpack(data)
        y = require_tensor(y, f"y_{part}", labels=True)
        x = check_sequences(x, input_size_of(model), name=f"x_{part}", n_labels=len(y) if y.dim() else None)
        parts.append((x, None if lengths is None else check_lengths(lengths, x), y))
    (x, lengths, y), n = parts[0], len(parts[0][0][:2])
    outputs = trial_outputs(model, x, lengths)
    task = task_of(model, outputs, y)
    num_classes = check_targets(task, outputs, y, x, n, name="y_train")
    check_targets(task, outputs, parts[1][2], parts[1][0], n, name="y_val")
    return task, num_classes


def unpack(data: tuple[Tensor, ...]) -> tuple[Tensor, Tensor | None, Tensor]:
    """x, lengths, y from `(x, y)` (lengths None) or `(x, lengths, y)`."""
    return (data[0], None, data[1]) if len(data) == 2 else tuple(data)


def check_clip(clip: object) -> float | None:
    """The `clip` setting of `fit`: None (no clipping) or a positive number, the largest gradient norm allowed."""
    if clip is not None and not require_number(clip, "clip") > 0:
        raise ValueError(f"clip: expected a positive largest gradient norm, got {clip:g}; use clip=1.0, or clip=None "
                         "not to clip.")
    return clip


def epoch_bar(epochs: int, show: bool):
    """A tqdm progress bar over `epochs`, and a function to call once they are done.

    In a notebook the bar is a widget, and a saved notebook keeps the text it was first shown
    with ("0/5"); so the bar is shown with a display id, and the function shows it again in its
    final state ("5/5"). In a terminal, tqdm prints its own last state.
    """
    if not (show and issubclass(tqdm, notebook_tqdm)):
        bar = tqdm(range(epochs), desc="epochs", disable=not show)
        return bar, bar.close
    bar = tqdm(range(epochs), desc="epochs", display=False)
    bar.container.layout.flex_flow = "row wrap"  # in a narrow window the bar wraps instead of overflowing
    shown = display(bar.container, display_id=True)
    return bar, lambda: shown.update(bar.container)
