"""The figures: what each one draws, from the data it is given."""

import matplotlib
import pytest
import torch

matplotlib.use("Agg")

from rnn_lesson import (CLASS_NAMES, History, figure_png, load_dataset, plot_hidden_states,  # noqa: E402
                        plot_history, plot_sequences_by_class)


def test_history_plot_draws_loss_and_accuracy_with_a_chance_line():
    history = History([1.0, 0.8, 0.6], [0.4, 0.6, 0.8], [1.1, 0.9, 0.7], [0.35, 0.55, 0.75])
    figure = plot_history(history)
    loss_ax, acc_ax = figure.axes
    assert [loss_ax.get_title(), acc_ax.get_title()] == ["loss (cross-entropy)", "accuracy"]
    assert [list(line.get_ydata()) for line in loss_ax.lines] == [history.train_loss, history.val_loss]
    assert list(acc_ax.lines[1].get_ydata()) == history.val_accuracy
    assert list(acc_ax.lines[2].get_ydata()) == pytest.approx([1 / 3, 1 / 3])  # chance


def test_sequences_by_class_has_one_panel_per_class_with_the_requested_sequences():
    x, y = load_dataset()
    figure = plot_sequences_by_class(x, y, feature=2, per_class=4)
    assert [ax.get_title() for ax in figure.axes] == [f"class {i}: {n}" for i, n in enumerate(CLASS_NAMES)]
    first_rising = x[y == 0][0, :, 2].tolist()
    assert list(figure.axes[0].lines[0].get_ydata()) == pytest.approx(first_rising)
    assert all(len(ax.lines) == 4 for ax in figure.axes)


def test_hidden_state_heat_map_blanks_the_steps_not_reached_yet():
    states = torch.linspace(-1, 1, 40).reshape(10, 4)
    image = plot_hidden_states(states, upto=3).axes[0].images[0].get_array()
    assert image.shape == (4, 10)  # hidden units down, time across
    assert not image.mask[:, :3].any() and image.mask[:, 3:].all()
    with pytest.raises(ValueError, match="pick one sequence first"):
        plot_hidden_states(states.unsqueeze(0))


def test_figure_png_is_a_png_and_closes_the_figure():
    import matplotlib.pyplot as plt

    figure = plot_hidden_states(torch.zeros(5, 3))
    assert figure_png(figure).startswith(b"\x89PNG")
    assert not plt.fignum_exists(figure.number)
