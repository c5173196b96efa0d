"""The figures: what each one draws, and the alt text that says it in words, from the data it is given."""

import base64

import matplotlib
import pytest
import torch

matplotlib.use("Agg")

from rnn_lesson import (CLASS_NAMES, History, figure_png, load_dataset, plot_hidden_states,  # noqa: E402
                        plot_history, plot_sequences_by_class)
from rnn_lesson import plots  # noqa: E402
from rnn_lesson.plots import figure_html, image_bundle, plot_forecast, show_figure  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


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
    figure = plot_sequences_by_class(x, y, feature=2, per_class=4, class_names=CLASS_NAMES)
    assert [ax.get_title() for ax in figure.axes] == [f"class {i}: {n}" for i, n in enumerate(CLASS_NAMES)]
    first_rising = x[y == 0][0, :, 2].tolist()
    assert list(figure.axes[0].lines[0].get_ydata()) == pytest.approx(first_rising)
    assert all(len(ax.lines) == 4 for ax in figure.axes)


def test_an_absent_class_is_said_in_the_alt_text_never_as_nan():
    x, y = load_dataset()
    with pytest.warns(UserWarning, match="got none of class 2"):
        figure = plot_sequences_by_class(x[:40], y[:40] % 2, class_names=CLASS_NAMES)
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
    alt = plot_sequences_by_class(x, y, feature=0, per_class=5, class_names=CLASS_NAMES).alt
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


# ---------- any number of classes, regression histories, forecasts ----------

def labelled(classes: int, per_class: int = 3, steps: int = 6) -> tuple[torch.Tensor, torch.Tensor]:
    """Sequences whose feature 0 is the class index at every step, so each panel's lines are known."""
    y = torch.arange(classes).repeat(per_class)                                      # (classes * per_class,)
    x = y[:, None, None].float().expand(-1, steps, 2) + torch.linspace(0, 0.5, steps)[None, :, None]
    return x, y


@pytest.mark.parametrize("classes, rows", [(2, 1), (3, 1), (4, 1), (5, 2), (9, 3)])
def test_sequences_by_class_draws_every_class_four_panels_to_a_row(classes, rows):
    x, y = labelled(classes)
    figure = plot_sequences_by_class(x, y, per_class=2)
    assert [ax.get_title() for ax in figure.axes] == [f"class {i}" for i in range(classes)]
    assert [ax.get_subplotspec().rowspan.start for ax in figure.axes] == [i // 4 for i in range(classes)]
    assert len({ax.get_subplotspec().rowspan.start for ax in figure.axes}) == rows
    for label, ax in enumerate(figure.axes):
        assert len(ax.lines) == 2 and list(ax.lines[0].get_ydata()) == pytest.approx(x[y == label][0, :, 0].tolist())
    parts = figure.alt.split(". ", 1)[1].split("; ")
    assert [part.split(":")[0] for part in parts] == [f"class {i}" for i in range(classes)]
    assert parts[-1].startswith(f"class {classes - 1}: on average from {classes - 1:.2f} at step 1 to "
                                f"{classes - 0.5:.2f} at step 6")


def test_sequences_by_class_takes_your_class_names():
    x, y = labelled(4)
    names = ["walking", "resting", "running", "badminton"]
    figure = plot_sequences_by_class(x, y, class_names=names)
    assert [ax.get_title() for ax in figure.axes] == [f"class {i}: {n}" for i, n in enumerate(names)]
    assert "; badminton: on average from 3.00" in figure.alt and "class 3" not in figure.alt


def test_the_course_figure_reads_as_before_when_given_the_course_names():
    x, y = load_dataset()
    alt = plot_sequences_by_class(x, y, class_names=CLASS_NAMES).alt
    assert alt.startswith("Line charts, one per class, of feature 0 of 5 sequences over 10 time steps. rising: ")
    assert [part.split(":")[0] for part in alt.split(". ", 1)[1].split("; ")] == list(CLASS_NAMES)


def test_more_names_than_classes_in_y_leave_the_named_panels_empty():
    x, y = labelled(2)
    with pytest.warns(UserWarning, match=r"got none of class 2 \(c\)"):
        figure = plot_sequences_by_class(x, y, class_names=["a", "b", "c"])
    assert len(figure.axes) == 3 and len(figure.axes[2].lines) == 0 and figure.alt.endswith("; c: none.")


def history_of(num_classes: int | None, task: str = "classify") -> History:
    history = History([1.0, 0.8, 0.6], [0.4, 0.6, 0.8], [1.1, 0.9, 0.7], [0.35, 0.55, 0.75])
    history.num_classes, history.task = num_classes, task
    return history


@pytest.mark.parametrize("classes", [2, 3, 4, 5])
def test_history_chance_line_is_one_over_the_number_of_classes(classes):
    figure = plot_history(history_of(classes))
    assert list(figure.axes[1].lines[2].get_ydata()) == pytest.approx([1 / classes] * 2)
    assert figure.alt.endswith(f"; a dashed line marks chance, {1 / classes:.2f}.")


def test_history_without_a_class_count_draws_no_chance_line():
    figure = plot_history(history_of(None))
    assert len(figure.axes[1].lines) == 2 and "chance" not in figure.alt
    assert figure.alt.endswith("validation from 0.35 at epoch 1 to 0.75 at epoch 3.")


def test_regression_history_is_one_loss_chart_without_accuracy_or_chance():
    history = History(train_loss=[4.0, 2.5, 2.0], val_loss=[4.2, 3.0, 3.1])
    history.task, history.num_classes = "regress", None
    figure = plot_history(history)
    [ax] = figure.axes
    assert ax.get_title() == "loss (mean squared error)"
    assert [list(line.get_ydata()) for line in ax.lines] == [history.train_loss, history.val_loss]
    assert figure.alt == ("A line chart over 3 epochs. Loss: training from 4.00 at epoch 1 to 2.00 at epoch 3; "
                          "validation from 4.20 at epoch 1 to 3.10 at epoch 3, lowest (3.00) at epoch 2.")


def test_forecast_plot_draws_the_truth_and_each_forecast_where_it_belongs():
    series = torch.sin(torch.arange(30) / 3)
    years = torch.arange(1980, 2010)
    fed_back = series[20:] + torch.linspace(0, 2, 10)                 # drifts away, by 2 at the end
    one_step = (series[20:] + 0.05).unsqueeze(-1)                     # (steps, 1), as forecast returns
    figure = plot_forecast(series, {"one step ahead": one_step, "fed back": fed_back}, start=20,
                           times=years, unit="year")
    [ax] = figure.axes
    truth, first, second, start = ax.lines
    assert list(truth.get_ydata()) == pytest.approx(series.tolist())
    assert list(first.get_xdata()) == list(range(2000, 2010)) and list(first.get_ydata()) == pytest.approx(
        (series[20:] + 0.05).tolist())
    assert list(second.get_ydata()) == pytest.approx(fed_back.tolist())
    assert list(start.get_xdata()) == [2000, 2000]                     # the dashed line where the forecasts start
    assert ax.get_title() == "forecasts from year 2000"


def test_forecast_alt_text_says_where_the_fed_back_forecast_drifts():
    series = torch.sin(torch.arange(30) / 3)
    spread = float(series.std(correction=0))
    fed_back = series[20:] + torch.linspace(0, 2, 10)
    figure = plot_forecast(series, {"one step ahead": series[20:] + 0.05, "fed back": fed_back}, start=20,
                           times=torch.arange(1980, 2010), unit="year")
    error = torch.linspace(0, 2, 10)
    drift = 2000 + int((error > spread).nonzero()[0])
    assert f"One standard deviation of the series is {spread:.2f}." in figure.alt
    assert "one step ahead: mean absolute error 0.05, largest 0.05 at year" in figure.alt
    assert figure.alt.split("; ")[0].endswith("never off by more than one standard deviation")
    assert (f"fed back: mean absolute error {error.mean():.2f}, largest 2.00 at year 2009, first off by more than "
            f"one standard deviation ({spread:.2f}) at year {drift}.") in figure.alt
    assert "than that" not in figure.alt                               # no "that" that reads as the largest error
    assert "over 30 years, 1980 to 2009, and 2 forecasts of up to 10 years from year 2000" in figure.alt


def test_forecast_plot_takes_one_tensor_and_counts_steps_without_times():
    series = torch.arange(10)                                          # whole numbers, as counts are
    figure = plot_forecast(series, [5, 5, 5, 5], start=6)
    assert "and 1 forecast of up to 4 steps from step 6" in figure.alt
    assert "forecast: mean absolute error 2.50, largest 4.00 at step 9" in figure.alt
    assert figure.axes[0].get_legend_handles_labels()[1] == ["truth", "forecast"]
