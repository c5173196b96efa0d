"""Training and evaluation: `fit` runs the loop of lesson 03 and records a `History`.

The loop inside `fit` is the one lesson 03 § 3 writes out line by line first:
zero_grad -> forward -> loss -> backward -> step. `plots.plot_history` draws a `History`.
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

from rnn_lesson.checks import check_labels, check_sequences, describe, require_int, require_number, shape_str
from rnn_lesson.data import check_xy, make_loader


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


def evaluate(model: nn.Module, x: Tensor, y: Tensor | None = None, batch_size: int = 256) -> tuple[float, float]:
    """Mean cross-entropy loss and accuracy of `model` on x `(N, L, F)`, y `(N,)`: two floats.

    Lesson 03 § 4 (Training with `fit`), which calls it after every epoch. Runs in evaluation mode
    (`model.eval()`) without gradients (`torch.no_grad()`), then puts the model back in the mode it was in.
    Checks the labels against the model's class count and its outputs as `fit` does; leaving out y gets a message.
    """
    device, was_training = next(check_model(model).parameters()).device, model.training
    x, y = check_xy(x, y, "evaluate(model, {})", input_size_of(model))
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    model.eval()  # no dropout while measuring
    check_labels(y, num_classes=count_classes(model, x))
    total_loss, correct = 0.0, 0
    with torch.no_grad():
        for xb, yb in make_loader(x, y, batch_size=batch_size, shuffle=False):
            xb, yb = xb.to(device), yb.to(device)
            logits = model(xb)
            total_loss += loss_fn(logits, yb).item()
            correct += (logits.argmax(dim=1) == yb).sum().item()
    model.train(was_training)
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
    Trains on the model's device and leaves the model in evaluation mode; a NaN or infinite loss warns and stops.
    """
    check_fit_inputs(model, train, val)
    epochs, batch_size, lr = require_int(epochs, "epochs"), require_int(batch_size, "batch_size"), require_number(lr, "lr")
    if lr <= 0:
        raise ValueError(f"lr: expected a positive learning rate, got {lr:g}; use lr={-lr or 0.003:g}.")
    (x_train, y_train), (x_val, y_val) = train, val
    device = next(model.parameters()).device
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    loader = make_loader(x_train, y_train, batch_size=batch_size, shuffle=True, seed=seed)
    history = History()
    bar, show_final_bar = epoch_bar(epochs, progress)
    for epoch in bar:
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
        if not math.isfinite(history.train_loss[-1] + val_loss):
            losses = f"train loss {history.train_loss[-1]:.3g}, val loss {val_loss:.3g}"
            warnings.warn(f"fit: expected finite losses, got {losses} in epoch {epoch + 1}, so training stopped there; "
                          "lower the learning rate (the course uses lr=0.003) or standardise large inputs: "
                          "x = (x - x.mean()) / x.std().", stacklevel=2)
            break
    show_final_bar()
    model.eval()  # trained: left in evaluation mode, ready to predict
    return history


def check_logits(logits: object, n: int) -> Tensor:
    """Refuse model outputs that are not raw logits `(n, C)`: a tuple, scores per time step, or probabilities."""
    if not isinstance(logits, Tensor):
        raise TypeError(f"model: expected logits (N, C), a row of class scores per sequence, got {describe(logits)}; "
                        "return a tensor from forward, e.g. self.head(h_n[-1]) - nn.RNN itself returns (output, h_n).")
    if logits.dim() != 2 or logits.shape[0] != n:
        fix = ("these are scores for every time step: keep the last step before the Linear layer, e.g. "
               "self.head(output[:, -1])" if logits.dim() == 3 else "return one row of class scores per sequence")
        raise ValueError(f"model: expected logits ({n}, C), one row per sequence, got {shape_str(logits.shape)}; {fix}.")
    rows_sum_to_one = torch.allclose(logits.sum(dim=-1), torch.ones(logits.shape[:-1], device=logits.device))
    if logits.shape[-1] > 1 and rows_sum_to_one and (logits >= 0).all():
        raise ValueError("The model's outputs are already probabilities (each row sums to 1): remove the softmax "
                         "from the model. nn.CrossEntropyLoss applies log-softmax itself and wants raw logits; "
                         "use torch.softmax only to read probabilities at prediction time.")
    return logits


def check_fit_inputs(model: nn.Module, train: tuple[Tensor, Tensor], val: tuple[Tensor, Tensor]) -> None:
    """Everything `fit` checks before its loop (lesson 03 § 4): the model, the `(x, y)` pairs (x `(N, L, F)` float,
    y `(N,)` long), and one trial forward pass on two sequences: its logits `(2, C)` give the class count C."""
    check_model(model)
    for part, pair in (("train", train), ("val", val)):
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            fix = f"put the labels in: (x_{part}, y_{part})"
            if isinstance(pair, Tensor):
                fix = "split the data into pairs: train, val = train_val_split(x, y), then fit(model, train, val)"
            elif isinstance(pair, DataLoader):
                fix = f"pass the tensors x_{part}, y_{part}: fit makes its own batches"
            elif isinstance(pair, Dataset):
                fix = ("pass its tensors: fit(model, train_ds.tensors, val_ds.tensors)" if isinstance(pair, TensorDataset)
                       else f"fit takes the tensors (x_{part}, y_{part}), not a Dataset: it makes its own batches")
            raise TypeError(f"{part}: expected an (x, y) pair, got {describe(pair)}; {fix}.")
        check_sequences(pair[0], input_size_of(model), name=f"x_{part}", n_labels=len(pair[1]))
    num_classes = count_classes(model, train[0])
    check_labels(train[1], num_classes=num_classes, name="y_train")
    check_labels(val[1], num_classes=num_classes, name="y_val")


def count_classes(model: nn.Module, x: Tensor) -> int:
    """One trial forward pass on two sequences of x `(N, L, F)`: the model's logits `(2, C)`, checked, give C."""
    with torch.no_grad():
        return check_logits(model(x[:2].to(next(model.parameters()).device)), len(x[:2])).shape[-1]


def input_size_of(model: nn.Module) -> int | None:
    """The features per step a model reads: its first RNN layer's input_size, else `model.input_size`, else None."""
    rnn = next((m for m in model.modules() if isinstance(m, nn.RNNBase)), None)
    return rnn.input_size if rnn is not None else getattr(model, "input_size", None)


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


def check_model(model: object) -> nn.Module:
    """Refuse what cannot be trained as a classifier: a class, a bare nn.RNN/LSTM/GRU, a module without weights."""
    if isinstance(model, type):
        raise TypeError(f"model: expected a model, got the class {model.__name__}; build one: model = {model.__name__}().")
    if isinstance(model, nn.RNNBase):
        raise TypeError(f"model: expected a classifier that returns logits (N, C), got a bare nn.{type(model).__name__}, "
                        f"which returns (output, h_n); wrap it: SequenceClassifier(input_size={model.input_size}, "
                        f"hidden_size={model.hidden_size}, cell={type(model).__name__.lower()!r}).")
    if next(model.parameters(), None) is None:
        raise ValueError(f"model: expected a model with weights to train, got {type(model).__name__} with no parameters; "
                         "assign each layer to self (self.rnn = nn.RNN(...)), and keep lists of layers in nn.ModuleList.")
    return model
