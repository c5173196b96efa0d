"""The figures: what each one draws, and the alt text that says it in words, from the data it is given."""

import base64

import matplotlib
import pytest
import torch

matplotlib.use("Agg")

from rnn_lesson import (CLASS_NAMES, History, figure_png, load_dataset, plot_hidden_states,  # noqa: E402
                        plot_history, plot_sequences_by_class)
from rnn_lesson import plots  # noqa: E402
from rnn_lesson.plots import figure_html, image_bundle, show_figure  # noqa: E402


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


def test_an_absent_class_is_said_in_the_alt_text_never_as_nan():
    x, y = load_dataset()
    with pytest.warns(UserWarning, match="got none of class 2"):
        figure = plot_sequences_by_class(x[:40], y[:40] % 2)
    assert f"{CLASS_NAMES[2]}: none" in figure.alt and "nan" not in figure.alt
    assert len(figure.axes[2].lines) == 0 and len(figure.axes[0].lines) == 5


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


# ---------- alt text: every figure says in words what it shows ----------

def shown_by_jupyter(figure) -> tuple[dict, dict]:
    """What Jupyter's display machinery makes of a figure (IPython's own formatter, no kernel needed)."""
    from IPython.core.formatters import DisplayFormatter

    return DisplayFormatter().format(figure)


def test_a_plot_shows_as_an_image_whose_alt_text_is_its_description():
    history = History([1.0, 0.8, 0.6], [0.4, 0.6, 0.8], [1.1, 0.9, 0.7], [0.35, 0.55, 0.75])
    figure = plot_history(history)
    data, metadata = shown_by_jupyter(figure)
    assert data["text/plain"] == figure.alt and metadata["image/png"]["alt"] == figure.alt
    html = data["text/html"]
    assert html.startswith('<img src="data:image/png;base64,') and f'alt="{figure.alt}"' in html
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
    assert data["image/png"] in html, "the HTML and the plain image are the same picture"


def test_history_alt_text_states_the_numbers_of_that_history():
    history = History([1.0, 0.8, 0.6], [0.4, 0.6, 0.8], [1.1, 0.9, 0.95], [0.35, 0.55, 0.5])
    alt = plot_history(history).alt
    assert "over 3 epochs" in alt
    assert "training from 1.00 at epoch 1 to 0.60 at epoch 3" in alt          # training loss
    assert "validation from 1.10 at epoch 1 to 0.95 at epoch 3, lowest (0.90) at epoch 2" in alt
    assert "validation from 0.35 at epoch 1 to 0.50 at epoch 3, highest (0.55) at epoch 2" in alt
    other = History([2.0, 1.5, 1.2], [0.3, 0.3, 0.4], [2.1, 1.6, 1.3], [0.3, 0.35, 0.4])
    assert "training from 2.00 at epoch 1 to 1.20 at epoch 3" in plot_history(other).alt


def test_sequence_alt_text_tells_the_three_orders_apart():
    x, y = load_dataset()
    alt = plot_sequences_by_class(x, y, feature=0, per_class=5).alt
    rising, falling, peaked = alt.split("; ")
    means = [x[y == label][:5, :, 0].mean(dim=0) for label in range(3)]
    assert rising.endswith(f"rising: on average from {means[0][0]:.2f} at step 1 to {means[0][-1]:.2f} at step 10")
    assert f"{CLASS_NAMES[1]}: on average from {means[1][0]:.2f}" in falling
    peak = int(means[2].argmax())
    assert 0 < peak < 9 and f"highest ({means[2][peak]:.2f}) at step {peak + 1}" in peaked


def test_heat_map_alt_text_follows_the_steps_shown():
    states = torch.linspace(-1, 1, 40).reshape(10, 4)
    assert "Steps 1 to 10 shown; values from -1.00 to 1.00." in plot_hidden_states(states).alt
    partial = plot_hidden_states(states, upto=3).alt
    assert "4 hidden units" in partial and "Steps 1 to 3 shown, the rest blank" in partial
    assert f"to {states[:3].max():.2f}." in partial


def test_alt_text_is_escaped_in_the_html():
    data, _ = image_bundle(b"\x89PNG", 'a "quoted" <b>word</b>')
    assert 'alt="a &quot;quoted&quot; &lt;b&gt;word&lt;/b&gt;"' in data["text/html"]


def test_show_figure_displays_your_own_figure_with_its_alt_text_and_closes_it(monkeypatch):
    import matplotlib.pyplot as plt

    shown = []
    monkeypatch.setattr(plots, "display", lambda data, metadata, raw: shown.append((data, metadata, raw)))
    figure, axis = plt.subplots()
    axis.plot([1, 2, 3])
    show_figure(figure, "A line rising from 1 to 3.")
    [(data, metadata, raw)] = shown
    assert raw and 'alt="A line rising from 1 to 3."' in data["text/html"]
    assert data["text/plain"] == metadata["image/png"]["alt"] == "A line rising from 1 to 3."
    assert not plt.fignum_exists(figure.number)


def test_figure_html_for_a_slider_keeps_the_alt_text_and_asks_for_one_when_missing():
    import matplotlib.pyplot as plt

    figure = plot_hidden_states(torch.zeros(5, 3), upto=2)
    html = figure_html(figure)
    assert html.startswith("<img ") and "Steps 1 to 2 shown" in html
    assert not plt.fignum_exists(figure.number)
    with pytest.raises(ValueError, match="got no alt text; pass them as alt="):
        figure_html(plt.figure())
