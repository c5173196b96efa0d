"""Figures of the course, drawn with matplotlib, each with alt text: what it shows, in words, for a
reader who cannot see the picture (a screen reader reads it out). The plot helpers return a
`DescribedFigure`, which Jupyter shows as a PNG image carrying that text; `show_figure` does the same
for a figure you draw yourself."""

from __future__ import annotations

import base64
import html
import io

import matplotlib.pyplot as plt
from IPython.display import display
from matplotlib.figure import Figure
from torch import Tensor

from rnn_lesson.checks import check_sequences
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
    data, metadata = image_bundle(figure_png(figure), alt)
    display(data, metadata=metadata, raw=True)


def figure_png(figure: Figure) -> bytes:
    """The figure as PNG bytes (for an ipywidgets Image; `figure_html` adds alt text); closes the figure
    so it is not shown twice.

    Lesson 02 § 6 (Hidden states over time), where a slider steps through time.
    """
    png = png_of(figure)
    plt.close(figure)
    return png


def figure_html(figure: Figure, alt: str = "") -> str:
    """The figure as an HTML `<img>` with alt text, for an `ipywidgets.HTML` that a slider redraws; closes
    the figure. A `DescribedFigure` (what the plot helpers return) brings its own alt text.

    Lesson 02 § 6 (Hidden states over time), where a slider steps through time.
    """
    alt = alt or getattr(figure, "alt", "")
    if not alt:
        raise ValueError("figure_html: the figure has no alt text; pass alt='what the figure shows, in words'.")
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
    """
    x = check_sequences(x, input_size=None, n_labels=len(y))
    fig, axes = plt.subplots(1, len(CLASS_NAMES), figsize=(11, 3), sharey=True, FigureClass=DescribedFigure)
    described = []
    for label, (ax, name) in enumerate(zip(axes, CLASS_NAMES)):
        shown = x[y == label][:per_class, :, feature]                      # (per_class, L)
        for sequence in shown:
            ax.plot(range(1, x.shape[1] + 1), sequence.tolist(), marker="o", alpha=0.7)
        ax.set_title(f"class {label}: {name}")
        ax.set_xlabel("time step")
        described.append(f"{name}: on average {trend(shown.mean(dim=0).tolist())}")
    axes[0].set_ylabel(f"feature {feature}")
    fig.tight_layout()
    fig.alt = (f"Line charts, one per class, of feature {feature} of {per_class} sequences over "
               f"{x.shape[1]} time steps. " + "; ".join(described) + ".")
    return fig


def plot_history(history: History) -> DescribedFigure:
    """Loss (left) and accuracy (right) per epoch, for training and validation.

    Lesson 03 § 4 (Training with `fit`). history: what `fit` returns, one value per epoch in each list.
    """
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
    if output.dim() != 2:
        raise ValueError(f"output: expected one sequence's hidden states (L, H), got {tuple(output.shape)}; "
                         "pick one sequence first, e.g. output[0].")
    steps, units = output.shape
    shown = output.detach().cpu().clone()
    if upto is not None:
        shown[upto:] = float("nan")
    fig, ax = plt.subplots(figsize=(6, 3), FigureClass=DescribedFigure)
    image = ax.imshow(shown.T.numpy(), cmap="coolwarm", vmin=-1, vmax=1, aspect="auto")
    ax.set(xlabel="time step", ylabel="hidden unit", title="hidden state over time",
           xticks=range(steps), xticklabels=range(1, steps + 1))
    fig.colorbar(image, ax=ax)
    fig.tight_layout()
    reached = steps if upto is None else max(0, min(upto, steps))
    filled = output[:reached].detach()                                     # (steps shown, H)
    fig.alt = (f"Heat map of {units} hidden units (rows) over {steps} time steps (columns), blue for -1, red for +1. "
               + ("No step shown yet." if reached == 0 else
                  f"Steps 1 to {reached} shown{'' if reached == steps else ', the rest blank'}; "
                  f"values from {filled.min():.2f} to {filled.max():.2f}."))
    return fig
