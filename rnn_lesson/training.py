"""Training and evaluation: `fit` runs the loop of lesson 03 and records a `History`.

The loop inside `fit` is the one lesson 03 § 3 writes out line by line first:
zero_grad -> forward -> loss -> backward -> step. `plots.plot_history` draws a `History`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import torch
from torch import Tensor, nn
from IPython.display import display
from tqdm.auto import tqdm
from tqdm.notebook import tqdm as notebook_tqdm

from rnn_lesson.checks import check_fit_inputs
from rnn_lesson.data import make_loader


@dataclass(repr=False)
class History:
    """Per-epoch results of `fit`. Lesson 03 § 4 (Training with `fit`).

    Four lists of floats, one per epoch: shape `(epochs,)` each, like the curves they draw.
    Shows in a notebook as the epoch table (`to_frame()`); `plot_history(history)` draws
    the loss and accuracy curves.
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """The epoch table: epoch, losses and accuracies (rounded to 3 decimals), observation."""
        rows = []
        for i in range(len(self.train_loss)):
            rows.append({
                "epoch": i + 1,
                "train loss": round(self.train_loss[i], 3),
                "val loss": round(self.val_loss[i], 3),
                "train accuracy": round(self.train_accuracy[i], 3),
                "val accuracy": round(self.val_accuracy[i], 3),
                "observation": observe(self, i),
            })
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False)

    def __repr__(self) -> str:
        return self.to_frame().to_string(index=False)


def observe(history: History, i: int, chance: float = 1 / 3) -> str:
    """A one-line reading of epoch `i` (0-based) of `history`, computed from its numbers."""
    acc, loss = history.val_accuracy[i], history.train_loss[i]
    if acc < chance + 0.1:
        return "near chance: the model has not found the pattern yet"
    if i > 0 and history.val_loss[i] > history.val_loss[i - 1] and loss < history.train_loss[i - 1]:
        return "val loss rose while train loss fell: watch for overfitting"
    if i > 0 and loss >= history.train_loss[i - 1]:
        return "train loss stopped falling"
    if acc >= 0.9:
        return "most validation sequences classified correctly"
    return "learning: loss falling, accuracy rising"


def evaluate(model: nn.Module, x: Tensor, y: Tensor, batch_size: int = 256) -> tuple[float, float]:
    """Mean cross-entropy loss and accuracy of `model` on x `(N, L, F)`, y `(N,)`: two floats.

    Lesson 03 § 4 (Training with `fit`), which calls it after every epoch. Runs in
    evaluation mode (`model.eval()`) without gradients (`torch.no_grad()`).
    """
    device = next(model.parameters()).device
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    model.eval()
    total_loss, correct = 0.0, 0
    with torch.no_grad():
        for xb, yb in make_loader(x, y, batch_size=batch_size, shuffle=False):
            xb, yb = xb.to(device), yb.to(device)
            logits = model(xb)
            total_loss += loss_fn(logits, yb).item()
            correct += (logits.argmax(dim=1) == yb).sum().item()
    return total_loss / len(y), correct / len(y)


def fit(
    model: nn.Module,
    train: tuple[Tensor, Tensor],
    val: tuple[Tensor, Tensor],
    epochs: int = 5,
    lr: float = 0.003,
    batch_size: int = 32,
    seed: int = 0,
    progress: bool = True,
) -> History:
    """Train `model` with Adam and `CrossEntropyLoss`; return the per-epoch `History`.

    Lesson 03 § 4 (Training with `fit`); the loop is § 3's, line for line.
    train, val: `(x, y)` pairs, x `(N, L, F)` float, y `(N,)` long class indices.
    `seed` fixes the order of the training batches; seed the model's initial weights
    yourself (`torch.manual_seed(0)` before building it) for a fully reproducible run.
    Training runs on the device the model is on.
    """
    check_fit_inputs(model, train, val)
    (x_train, y_train), (x_val, y_val) = train, val
    device = next(model.parameters()).device
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    loader = make_loader(x_train, y_train, batch_size=batch_size, shuffle=True, seed=seed)
    history = History()
    bar, show_final_bar = epoch_bar(epochs, progress)
    for _ in bar:
        model.train()
        total_loss, correct = 0.0, 0
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            optimizer.zero_grad()
            logits = model(xb)
            loss = loss_fn(logits, yb)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(yb)
            correct += (logits.argmax(dim=1) == yb).sum().item()
        val_loss, val_accuracy = evaluate(model, x_val, y_val)
        history.train_loss.append(total_loss / len(y_train))
        history.train_accuracy.append(correct / len(y_train))
        history.val_loss.append(val_loss)
        history.val_accuracy.append(val_accuracy)
        bar.set_postfix(loss=f"{history.train_loss[-1]:.3f}", val_accuracy=f"{val_accuracy:.3f}")
    show_final_bar()
    return history


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
