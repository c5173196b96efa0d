"""The course's figures, drawn with matplotlib, each with alt text computed from the data it shows.
Each plot helper returns a `DescribedFigure` (figures.py), which Jupyter shows as a PNG image carrying
that text; `show_figure` does the same for a figure you draw yourself."""

from __future__ import annotations

import math
import warnings

import matplotlib.pyplot as plt
import torch
from IPython.display import display
from matplotlib.figure import Figure
from torch import Tensor

from rnn_lesson.checks import (check_labels, check_sequences, describe, require_int, require_number, require_tensor,
                               shape_str)
from rnn_lesson.figures import DescribedFigure, figure_html, figure_png, image_bundle, require_alt, trend  # noqa: F401
from rnn_lesson.training import History

MAX_PANELS = 12  # plot_sequences_by_class: one panel per class, up to this many
CURVES = [("train_loss", "val_loss"), ("train_accuracy", "val_accuracy")]  # plot_history: a chart per pair


def show_figure(figure: Figure, alt: str) -> None:
    """Show a figure you drew, with `alt` saying what it shows; closes it so it is not shown twice.

    Lesson 03 § 6 (gradient size per time step) and lesson 04 § 4 (the misclassified sequences).
    """
    data, metadata = image_bundle(figure_png(figure), require_alt(alt))
    display(data, metadata=metadata, raw=True)


def as_tensor(value: object, name: str, dtype: torch.dtype | None = None) -> Tensor:
    """A tensor as it is; a NumPy array or a list of numbers converted to `dtype` (a plot only reads them).
    Rows of different lengths cannot be converted: PyTorch says which row is short."""
    if isinstance(value, tuple) and any(isinstance(item, Tensor) for item in value):
        raise TypeError(f"{name}: expected one tensor, got a tuple of {len(value)}; nn.RNN returns (output, h_n): "
                        "unpack it with output, h_n = rnn(x) and pass output (for a batch, output[0]).")
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return torch.as_tensor(value, dtype=dtype)
    return require_tensor(value, name, labels=dtype is None)  # no dtype: labels, which must be torch.long


def class_names_for(count: int, class_names: object = None, source: str = "", exact: bool = False) -> list[str]:
    """Names for classes 0 .. count - 1: `class_names`, a list of `count` names (more are kept unless `exact`),
    or, left out, "class 0", "class 1", ... The course passes its CLASS_NAMES. source: where `count` comes from."""
    if class_names is None:
        return [f"class {label}" for label in range(count)]
    listed = isinstance(class_names, (list, tuple))
    if not listed or len(class_names) < count or exact and len(class_names) != count:
        got = f"{len(class_names)} names" if listed else describe(class_names)
        raise ValueError(f"class_names: expected a list of {count} names, {source}, got {got}; pass {count} "
                         "names, or leave class_names out to number the classes.")
    return [str(name) for name in class_names]


def plot_sequences_by_class(x: Tensor, y: Tensor, feature: int = 0, per_class: int = 5,
                            class_names: list[str] | None = None) -> DescribedFigure:
    """One panel per class with `per_class` sequences of x `(N, L, F)`, feature `feature` over time.

    Lesson 01 § 1 (What is a sequence, and why does order matter?). y: `(N,)` class indices 0 .. C - 1,
    C = y.max() + 1 panels (4 to a row), or one per name in `class_names` (the course passes CLASS_NAMES);
    unnamed classes are "class 0", "class 1", ... NumPy arrays and lists are converted: a plot only reads them.
    """
    y_name = "y" if isinstance(y, Tensor) else "torch.as_tensor(y)"  # a fix the learner can type
    x, y = as_tensor(x, "x", torch.float32), as_tensor(y, "y")
    if x.dim() == 1 and y.dim() == 3:
        raise TypeError(f"x, y: expected sequences x (N, L, F), then labels y (N,), got x {shape_str(x.shape)} and "
                        f"y {shape_str(y.shape)}; swap them: plot_sequences_by_class(x, y).")
    x = check_sequences(x, input_size=None, n_labels=len(y))
    y = check_labels(y, num_classes=None, name=y_name)
    high = int(y.max())
    names = class_names_for(high + 1, class_names, f"one for each class in {y_name} (0 .. {high})")
    if (classes := len(names)) > MAX_PANELS:
        raise ValueError(f"{y_name}: expected at most {MAX_PANELS} classes, one panel each, got {classes} (0 .. "
                         f"{high}); draw the first {MAX_PANELS}: keep = {y_name} < {MAX_PANELS}, then "
                         f"plot_sequences_by_class(x[keep], {y_name}[keep]). Numbers to predict are not classes.")
    feature, per_class = require_int(feature, "feature", minimum=-x.shape[2]), require_int(per_class, "per_class")
    if not -x.shape[2] <= feature < x.shape[2]:
        raise ValueError(f"feature: expected 0 to {x.shape[2] - 1} (x has {x.shape[2]} features), got {feature}; "
                         f"features count from 0, so the last is feature={x.shape[2] - 1}.")
    columns = min(classes, 4)  # 4 panels to a row, then the next row
    rows = -(-classes // columns)
    fig, grid = plt.subplots(rows, columns, figsize=(11, 3 * rows), sharey=True, squeeze=False,
                             FigureClass=DescribedFigure)
    axes, described, missing = grid.flatten(), [], []
    for ax in axes[classes:]:
        ax.remove()                                                        # the empty places of the last row
    for label, (ax, name) in enumerate(zip(axes, names)):
        shown = x[y == label][:per_class, :, feature]                      # (per_class, L)
        if len(shown) == 0:
            missing.append(f"class {label}" + ("" if class_names is None else f" ({name})"))
        for sequence in shown:
            ax.plot(range(1, x.shape[1] + 1), sequence.tolist(), marker="o", alpha=0.7)
        ax.set(title=name if class_names is None else f"class {label}: {name}", xlabel="time step")
        described.append(f"{name}: on average {trend(shown.mean(dim=0).tolist())}" if len(shown) else f"{name}: none")
    for ax in axes[:classes:columns]:
        ax.set_ylabel(f"feature {feature}")
    if missing:
        warnings.warn(f"{y_name}: expected sequences of all {classes} classes, got none of {', '.join(missing)}, so "
                      f"{'its panel stays' if len(missing) == 1 else 'their panels stay'} empty; pass sequences of "
                      "every class.", stacklevel=2)
    fig.tight_layout()
    fig.alt = (f"Line charts, one per class, of feature {feature} of {per_class} sequences over "
               f"{x.shape[1]} time steps. " + "; ".join(described) + ".")
    return fig


def plot_history(history: History) -> DescribedFigure:
    """Loss (left) and accuracy (right) per epoch, for training and validation; a dashed line marks chance,
    1 / C for `history.num_classes` = C. A regression History (`history.task == "regress"`): the loss alone.

    Lesson 03 § 4 (Training with `fit`). history: what `fit` returns, one value per epoch in each list `(epochs,)`.
    """
    if not isinstance(history, History):
        fix = "pass what fit returns: history = fit(model, train, val), then plot_history(history)"
        if isinstance(history, dict):
            fix = "make a History of it, History(**history), keyed train_loss, train_accuracy, val_loss, val_accuracy"
        elif isinstance(history, list):
            fix = "plot_history draws the four curves fit records; plot your own list with plt.plot(losses)"
        raise TypeError(f"history: expected the History that fit returns, got {type(history).__name__}; {fix}.")
    regress = history.task == "regress"
    pairs = CURVES[:1] if regress else CURVES                             # a regression has no accuracy
    lengths = {name: len(getattr(history, name)) for pair in pairs for name in pair}
    longest = max(lengths, key=lengths.get)
    if lengths[longest] == 0:
        raise ValueError("history: expected at least one epoch, got an empty History; train first: "
                         "history = fit(model, train, val, epochs=1).")
    if short := [name for name, length in lengths.items() if length < lengths[longest]]:
        got, most = ", ".join(f"{lengths[name]} in {name}" for name in short), f"{lengths[longest]} in {longest}"
        raise ValueError(f"history: expected one value per epoch in each of its {len(lengths)} lists, as {most}, got "
                         f"{got}; give every list one value per epoch, or plot yours: plt.plot(history.{longest}).")
    epochs = range(1, len(history.train_loss) + 1)
    fig, axes = plt.subplots(1, len(pairs), figsize=(5 * len(pairs), 3.5), squeeze=False, FigureClass=DescribedFigure)
    for ax, (train, val), title in zip(axes[0], pairs, ["loss (mean squared error)" if regress else
                                                        "loss (cross-entropy)", "accuracy"]):
        ax.plot(epochs, getattr(history, train), marker="o", label="train")
        ax.plot(epochs, getattr(history, val), marker="o", label="validation")
        ax.set(title=title, xlabel="epoch")
    fig.alt = (f"{'A line chart' if regress else 'Two line charts'} over {len(epochs)} epochs. Loss: training "
               f"{trend(history.train_loss, 'epoch')}; validation {trend(history.val_loss, 'epoch')}.")
    if not regress:
        classes = history.num_classes                                    # None: the class count is unknown
        if classes:
            axes[0, 1].axhline(1 / classes, color="grey", linestyle="--", label="chance")
        axes[0, 1].set_ylim(0, 1.02)
        chance = f"; a dashed line marks chance, {1 / classes:.2f}" if classes else ""
        fig.alt += (f" Accuracy: training {trend(history.train_accuracy, 'epoch')}; validation "
                    f"{trend(history.val_accuracy, 'epoch')}{chance}.")
    for ax in axes[0]:
        ax.legend()
    fig.tight_layout()
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


def one_series(values: object, name: str) -> Tensor:
    """One univariate series as `(T,)`, from `(T,)` or `(T, 1)`; NumPy arrays and lists are converted."""
    values = as_tensor(values, name, torch.float64).detach().cpu().double()
    series = values.squeeze(-1) if values.dim() == 2 and values.shape[1] == 1 else values
    if series.dim() != 1 or len(series) == 0:
        fix = f"pick one sequence: {name}[0]" if values.dim() == 3 else f"pick one feature: {name}[:, 0]"
        raise ValueError(f"{name}: expected one series, shape (T,) or (T, 1), got {shape_str(values.shape)}; "
                         f"{fix if values.dim() > 1 else 'pass at least one value'}.")
    return series


def plot_forecast(series: Tensor, predictions: Tensor | dict[str, Tensor], start: int,
                  times: Tensor | None = None, unit: str = "step") -> DescribedFigure:
    """The true series and forecasts of it from `start` on: forecast value k is for series[start + k].

    Lesson 06 § 6 (Forecasting years ahead). series `(T,)` or `(T, 1)`; predictions `(steps,)` or
    `(steps, 1)`, or a dict of them by name, e.g. {"one step ahead": ..., "fed back": ...}; times `(T,)`:
    the x axis (years, say; default 0 .. T-1), `unit` what one step is ("year"). The alt text gives each
    forecast's mean absolute error, its largest error, and where it first drifts off by more than one
    standard deviation of the series.
    """
    truth = one_series(series, "series")
    named = predictions if isinstance(predictions, dict) else {"forecast": predictions}
    forecasts = {str(name): one_series(values, f"predictions[{name!r}]" if named is predictions else "predictions")
                 for name, values in named.items()}
    start, steps, total = require_int(start, "start", minimum=0), max(map(len, forecasts.values()), default=0), len(truth)
    if start >= total:
        raise ValueError(f"start: expected a position in the series, 0 to {total - 1}, got {start}; forecasts are "
                         f"drawn over the series they predict: start={max(total - steps, 0)}.")
    if start + steps > total:
        fix = f"start={total - steps}, or cut" if steps <= total else "cut"
        raise ValueError(f"predictions: expected at most {total - start} steps from start={start}, as the series has "
                         f"{total} values, got {steps}; start earlier, {fix} the forecasts to {total - start} steps.")
    times = torch.arange(total) if times is None else one_series(times, "times")
    if len(times) != total:
        raise ValueError(f"times: expected one time per value of the series, {total}, got {len(times)}; "
                         "pass the times of the same values, sliced as the series is.")
    at, spread = [f"{float(t):.10g}" for t in times], float(truth.std(correction=0))  # 1990.0 reads as 1990
    fig, ax = plt.subplots(figsize=(10, 3.5), FigureClass=DescribedFigure)
    ax.plot(times, truth, color="black", label="truth")
    described = []
    for name, values in forecasts.items():
        ax.plot(times[start:start + len(values)], values, marker=".", label=name)
        error = (values - truth[start:start + len(values)]).abs()               # (steps,)
        off = (error > spread).nonzero()
        drift = (f"first off by more than one standard deviation ({spread:.2f}) at {unit} {at[start + int(off[0])]}"
                 if len(off) else "never off by more than one standard deviation")
        described.append(f"{name}: mean absolute error {error.mean():.2f}, largest {error.max():.2f} at {unit} "
                         f"{at[start + int(error.argmax())]}, {drift}")
    ax.axvline(float(times[start]), color="grey", linestyle="--")                # where the forecasts start
    ax.set(xlabel=unit, ylabel="value", title=f"forecasts from {unit} {at[start]}")
    ax.legend()
    fig.tight_layout()
    fig.alt = (f"Line chart of the series over {total} {unit}s, {at[0]} to {at[-1]}, and {len(forecasts)} forecast"
               f"{'s' if len(forecasts) > 1 else ''} of up to {steps} {unit}s from {unit} {at[start]} (dashed line). "
               f"One standard deviation of the series is {spread:.2f}. " + "; ".join(described) + ".")
    return fig
