"""Figures of the course, drawn with matplotlib. Each function returns its figure."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from torch import Tensor

from rnn_lesson.checks import check_sequences
from rnn_lesson.data import CLASS_NAMES
from rnn_lesson.training import History


def plot_sequences_by_class(x: Tensor, y: Tensor, feature: int = 0, per_class: int = 5) -> Figure:
    """One panel per class with `per_class` sequences of x `(N, L, F)`, feature `feature` over time.

    Lesson 01 § 1 (What is a sequence, and why does order matter?). y: `(N,)` class indices.
    """
    x = check_sequences(x, input_size=None, n_labels=len(y))
    fig, axes = plt.subplots(1, len(CLASS_NAMES), figsize=(11, 3), sharey=True)
    for label, (ax, name) in enumerate(zip(axes, CLASS_NAMES)):
        for sequence in x[y == label][:per_class]:
            ax.plot(range(1, x.shape[1] + 1), sequence[:, feature].tolist(), marker="o", alpha=0.7)
        ax.set_title(f"class {label}: {name}")
        ax.set_xlabel("time step")
    axes[0].set_ylabel(f"feature {feature}")
    fig.tight_layout()
    return fig


def plot_history(history: History) -> Figure:
    """Loss (left) and accuracy (right) per epoch, for training and validation.

    Lesson 03 § 4 (Training with `fit`). history: what `fit` returns, one value per epoch in each list.
    """
    epochs = range(1, len(history.train_loss) + 1)
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(10, 3.5))
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
    return fig


def plot_hidden_states(output: Tensor, upto: int | None = None) -> Figure:
    """Heat map of one sequence's hidden states, output `(L, H)`: time across, hidden units down.

    Lesson 02 § 6 (Hidden states over time).
    `upto` shows only the first `upto` time steps (the rest stay blank), to step through time.
    """
    if output.dim() != 2:
        raise ValueError(f"output: expected one sequence's hidden states (L, H), got {tuple(output.shape)}; "
                         "pick one sequence first, e.g. output[0].")
    shown = output.detach().cpu().clone()
    if upto is not None:
        shown[upto:] = float("nan")
    fig, ax = plt.subplots(figsize=(6, 3))
    image = ax.imshow(shown.T.numpy(), cmap="coolwarm", vmin=-1, vmax=1, aspect="auto")
    ax.set(xlabel="time step", ylabel="hidden unit", title="hidden state over time",
           xticks=range(output.shape[0]), xticklabels=range(1, output.shape[0] + 1))
    fig.colorbar(image, ax=ax)
    fig.tight_layout()
    return fig


def figure_png(figure: Figure) -> bytes:
    """The figure as PNG bytes (for an ipywidgets Image); closes the figure so it is not shown twice.

    Lesson 02 § 6 (Hidden states over time), where a slider steps through time.
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()
