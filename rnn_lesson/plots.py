"""Figures of the course, drawn with matplotlib, each with alt text: what it shows, in words, for a
reader who cannot see the picture (a screen reader reads it out). The plot helpers return a
`DescribedFigure`, which Jupyter shows as a PNG image carrying that text; `show_figure` does the same
for a figure you draw yourself."""

from __future__ import annotations

import base64
import html
import io
import math
import warnings
from dataclasses import fields

import matplotlib.pyplot as plt
import torch
from IPython.display import display
from matplotlib.figure import Figure
from torch import Tensor

from rnn_lesson.checks import check_labels, check_sequences, require_int, require_number, require_tensor, shape_str
from rnn_lesson.data import CLASS_NAMES
from rnn_lesson.training import History


def png_of(figure: Figure) -> bytes:
    """The figure as PNG bytes, trimmed to what is drawn (as Jupyter shows figures)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def image_bundle(png: bytes, alt: str) -> tuple[dict, dict]:
    """What Jupyter stores and shows for a picture with alt text: an HTML `<img alt=…>` (JupyterLab and
    nbconvert show it; JupyterLab's plain image view has no alt text), the PNG itself (for viewers
    without HTML), and the alt text as plain text; the alt text also goes in the PNG's metadata."""
    encoded = base64.b64encode(png).decode("ascii")
    data = {"text/html": img_tag(encoded, alt), "image/png": encoded, "text/plain": alt}
    return data, {"image/png": {"alt": alt}}


def img_tag(encoded_png: str, alt: str, style: str = "") -> str:
    """`<img src="data:image/png;base64,…" alt="…">` for a base64-encoded PNG."""
    style = f' style="{style}"' if style else ""
    return f'<img src="data:image/png;base64,{encoded_png}" alt="{html.escape(alt)}"{style}>'


class DescribedFigure(Figure):
    """A matplotlib Figure with alt text in `alt`; Jupyter shows it as a PNG with that text.
    Made by `plt.subplots(..., FigureClass=DescribedFigure)`; the plot helpers below return one."""

    alt: str = ""

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        return image_bundle(png_of(self), self.alt)


def show_figure(figure: Figure, alt: str) -> None:
    """Show a figure you drew, with `alt` saying what it shows; closes it so it is not shown twice.

    Lesson 03 § 6 (gradient size per time step) and lesson 04 § 4 (the misclassified sequences).
    """
    data, metadata = image_bundle(figure_png(figure), require_alt(alt))
    display(data, metadata=metadata, raw=True)


def figure_png(figure: Figure) -> bytes:
    """The figure as PNG bytes (for an ipywidgets Image; `figure_html` adds alt text); closes the figure
    so it is not shown twice.

    Lesson 02 § 6 (Hidden states over time), where a slider steps through time.
    """
    png = png_of(require_figure(figure))
    plt.close(figure)
    return png


def require_figure(figure: object) -> Figure:
    """Return `figure` if it is a matplotlib Figure; otherwise say how to get the figure from what came."""
    if isinstance(figure, Figure):
        return figure
    fix = "pass the figure itself; plt.gcf() is the current one"
    if isinstance(getattr(figure, "figure", None), Figure):
        fix = "pass the figure it is drawn in: ax.figure"
    elif isinstance(figure, tuple):
        fix = "plt.subplots() returns (figure, axes); unpack it with figure, ax = plt.subplots() and pass figure"
    elif isinstance(figure, str):
        fix = "the figure comes first, then the alt text: show_figure(figure, alt)"
    raise TypeError(f"figure: expected a matplotlib Figure, got {type(figure).__name__}; {fix}.")


def require_alt(alt: object) -> str:
    """Return `alt` if it is words; a figure without alt text is a blank to a screen reader."""
    if isinstance(alt, str) and alt.strip():
        return alt
    words = alt is None or isinstance(alt, str)  # None or blank: a ValueError; a number or a list: a TypeError
    error, got = (ValueError, "no alt text") if words else (TypeError, f"{type(alt).__name__} {alt!r}")
    raise error(f"alt: expected words that say what the figure shows, got {got}; pass them as "
                "alt='…', e.g. alt='Line chart of the loss over 5 epochs, falling from 1.10 to 0.30'.")


def as_tensor(value: object, name: str, dtype: torch.dtype | None = None) -> Tensor:
    """A tensor as it is; a NumPy array or a list of numbers converted to `dtype` (a plot only reads them).
    Rows of different lengths cannot be converted: PyTorch says which row is short."""
    if isinstance(value, tuple) and any(isinstance(item, Tensor) for item in value):
        raise TypeError(f"{name}: expected one tensor, got a tuple of {len(value)}; nn.RNN returns (output, h_n): "
                        "unpack it with output, h_n = rnn(x) and pass output (for a batch, output[0]).")
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return torch.as_tensor(value, dtype=dtype)
    return require_tensor(value, name, labels=dtype is None)  # no dtype: labels, which must be torch.long


def figure_html(figure: Figure, alt: str = "") -> str:
    """The figure as an HTML `<img>` with alt text, for an `ipywidgets.HTML` that a slider redraws; closes
    the figure. A `DescribedFigure` (what the plot helpers return) brings its own alt text.

    Lesson 02 § 6 (Hidden states over time), where a slider steps through time.
    """
    alt = require_alt(alt or getattr(require_figure(figure), "alt", ""))
    encoded = base64.b64encode(figure_png(figure)).decode("ascii")
    return img_tag(encoded, alt, style="max-width: 100%; height: auto")  # shrinks to fit a narrow window


def trend(values: list[float], unit: str = "step") -> str:
    """`values` over time in words: 'from -0.93 at step 1 to 0.95 at step 10', and where the highest
    or lowest value lies when it is neither the first nor the last."""
    words = f"from {values[0]:.2f} at {unit} 1 to {values[-1]:.2f} at {unit} {len(values)}"
    for extreme, pick in (("highest", max), ("lowest", min)):
        at = pick(range(len(values)), key=values.__getitem__)
        if 0 < at < len(values) - 1:
            words += f", {extreme} ({values[at]:.2f}) at {unit} {at + 1}"
    return words


def plot_sequences_by_class(x: Tensor, y: Tensor, feature: int = 0, per_class: int = 5) -> DescribedFigure:
    """One panel per class with `per_class` sequences of x `(N, L, F)`, feature `feature` over time.

    Lesson 01 § 1 (What is a sequence, and why does order matter?). y: `(N,)` class indices.
    NumPy arrays and lists are converted: a plot only reads the values.
    """
    y_name = "y" if isinstance(y, Tensor) else "torch.as_tensor(y)"  # a fix the learner can type
    x, y = as_tensor(x, "x", torch.float32), as_tensor(y, "y")
    if x.dim() == 1 and y.dim() == 3:
        raise TypeError(f"x, y: expected sequences x (N, L, F), then labels y (N,), got x {shape_str(x.shape)} and "
                        f"y {shape_str(y.shape)}; swap them: plot_sequences_by_class(x, y).")
    x = check_sequences(x, input_size=None, n_labels=len(y))
    y, classes = check_labels(y, num_classes=None, name=y_name), len(CLASS_NAMES)
    low, high = int(y.min()), int(y.max())
    if high >= classes:  # the panels are the course's classes, named in CLASS_NAMES
        fix = (f"shift them to start at 0: {y_name} - {low}" if 0 < low and high - low < classes else
               f"this figure draws the course's {classes} classes ({', '.join(CLASS_NAMES)}); keep those: "
               f"keep = {y_name} < {classes}, then plot_sequences_by_class(x[keep], {y_name}[keep])")
        raise ValueError(f"{y_name}: expected class indices 0 .. {classes - 1}, got {low} to {high}; {fix}.")
    feature, per_class = require_int(feature, "feature", minimum=-x.shape[2]), require_int(per_class, "per_class")
    if not -x.shape[2] <= feature < x.shape[2]:
        raise ValueError(f"feature: expected 0 to {x.shape[2] - 1} (x has {x.shape[2]} features), got {feature}; "
                         f"features count from 0, so the last is feature={x.shape[2] - 1}.")
    fig, axes = plt.subplots(1, len(CLASS_NAMES), figsize=(11, 3), sharey=True, FigureClass=DescribedFigure)
    described = []
    for label, (ax, name) in enumerate(zip(axes, CLASS_NAMES)):
        shown = x[y == label][:per_class, :, feature]                      # (per_class, L)
        if len(shown) == 0:
            warnings.warn(f"{y_name}: expected sequences of all {classes} classes, got none of class {label} "
                          f"({name}), so its panel stays empty; pass sequences of every class.", stacklevel=2)
        for sequence in shown:
            ax.plot(range(1, x.shape[1] + 1), sequence.tolist(), marker="o", alpha=0.7)
        ax.set_title(f"class {label}: {name}")
        ax.set_xlabel("time step")
        described.append(f"{name}: on average {trend(shown.mean(dim=0).tolist())}" if len(shown) else f"{name}: none")
    axes[0].set_ylabel(f"feature {feature}")
    fig.tight_layout()
    fig.alt = (f"Line charts, one per class, of feature {feature} of {per_class} sequences over "
               f"{x.shape[1]} time steps. " + "; ".join(described) + ".")
    return fig


def plot_history(history: History) -> DescribedFigure:
    """Loss (left) and accuracy (right) per epoch, for training and validation.

    Lesson 03 § 4 (Training with `fit`). history: what `fit` returns, one value per epoch in each list.
    """
    if not isinstance(history, History):
        fix = "pass what fit returns: history = fit(model, train, val), then plot_history(history)"
        if isinstance(history, dict):
            fix = "make a History of it, History(**history), keyed train_loss, train_accuracy, val_loss, val_accuracy"
        elif isinstance(history, list):
            fix = "plot_history draws the four curves fit records; plot your own list with plt.plot(losses)"
        raise TypeError(f"history: expected the History that fit returns, got {type(history).__name__}; {fix}.")
    lengths = {f.name: len(getattr(history, f.name)) for f in fields(history)}  # train_loss, ..., val_accuracy
    longest = max(lengths, key=lengths.get)
    if lengths[longest] == 0:
        raise ValueError("history: expected at least one epoch, got an empty History; train first: "
                         "history = fit(model, train, val, epochs=1).")
    if short := [name for name, length in lengths.items() if length < lengths[longest]]:
        got, most = ", ".join(f"{lengths[name]} in {name}" for name in short), f"{lengths[longest]} in {longest}"
        raise ValueError(f"history: expected one value per epoch in each of its 4 lists, as {most}, got {got}; "
                         f"give every list one value per epoch, or plot yours: plt.plot(history.{longest}).")
    epochs = range(1, len(history.train_loss) + 1)
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(10, 3.5), FigureClass=DescribedFigure)
    loss_ax.plot(epochs, history.train_loss, marker="o", label="train")
    loss_ax.plot(epochs, history.val_loss, marker="o", label="validation")
    loss_ax.set(title="loss (cross-entropy)", xlabel="epoch")
    acc_ax.plot(epochs, history.train_accuracy, marker="o", label="train")
    acc_ax.plot(epochs, history.val_accuracy, marker="o", label="validation")
    acc_ax.axhline(1 / 3, color="grey", linestyle="--", label="chance")
    acc_ax.set(title="accuracy", xlabel="epoch", ylim=(0, 1.02))
    for ax in (loss_ax, acc_ax):
        ax.legend()
    fig.tight_layout()
    last = len(epochs)
    fig.alt = (f"Two line charts over {last} epochs. Loss: training {trend(history.train_loss, 'epoch')}; "
               f"validation {trend(history.val_loss, 'epoch')}. Accuracy: training "
               f"{trend(history.train_accuracy, 'epoch')}; validation {trend(history.val_accuracy, 'epoch')}; "
               "a dashed line marks chance, 0.33.")
    return fig


def plot_hidden_states(output: Tensor, upto: int | None = None) -> DescribedFigure:
    """Heat map of one sequence's hidden states, output `(L, H)`: time across, hidden units down.

    Lesson 02 § 6 (Hidden states over time).
    `upto` shows only the first `upto` time steps (the rest stay blank), to step through time.
    """
    output = as_tensor(output, "output", torch.float32)
    if output.dim() != 2:
        fix = "pick one sequence first, e.g. output[0]" if output.dim() == 3 else "pass every step, e.g. output[0]"
        raise ValueError(f"output: expected one sequence's hidden states (L, H), got {shape_str(output.shape)}; "
                         f"{fix}, with output, h_n = rnn(x) (h_n holds the last step only).")
    steps, units = output.shape
    if steps == 1:
        warnings.warn(f"output: expected one sequence's hidden states (L, H), got {shape_str(output.shape)}: 1 time "
                      "step, as h_n holds; pass output, with output, h_n = rnn(x), to see every step.", stacklevel=2)
    if upto is not None and not ((upto := require_number(upto, "upto")).is_integer() and upto >= 0):
        shown = min(max(int(upto), 0), steps) if math.isfinite(upto) else steps
        raise ValueError(f"upto: expected a whole number of steps from 0 to {steps}, got {upto:g}; use upto={shown}.")
    reached = steps if upto is None else min(int(upto), steps)  # 3.0 from a slider reads as 3
    shown = output.detach().cpu().clone()
    shown[reached:] = float("nan")
    fig, ax = plt.subplots(figsize=(6, 3), FigureClass=DescribedFigure)
    image = ax.imshow(shown.T.numpy(), cmap="coolwarm", vmin=-1, vmax=1, aspect="auto")
    ax.set(xlabel="time step", ylabel="hidden unit", title="hidden state over time",
           xticks=range(steps), xticklabels=range(1, steps + 1))
    fig.colorbar(image, ax=ax)
    fig.tight_layout()
    filled = output[:reached].detach()                                     # (steps shown, H)
    fig.alt = (f"Heat map of {units} hidden units (rows) over {steps} time steps (columns), blue for -1, red for +1. "
               + ("No step shown yet." if reached == 0 else
                  f"Steps 1 to {reached} shown{'' if reached == steps else ', the rest blank'}; "
                  f"values from {filled.min():.2f} to {filled.max():.2f}."))
    return fig
