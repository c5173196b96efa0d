"""Learner mistakes with the traces, the figures and the explorer on the learner's own data (issue 11):
class names that do not fit the classes, a regression model where class probabilities are read, labels that
are numbers to predict, forecasts that do not fit the series. Each names what was expected, what came and
the fix; `fixed` follows the fix. See tests/mistakes.py for the format."""

import matplotlib
import pytest
import torch

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from mistakes import Mistake, check_mistake, ids  # noqa: E402
from rnn_lesson import (CLASS_NAMES, SequenceClassifier, data_flow, plot_sequences_by_class,  # noqa: E402
                        prediction_trace)
from rnn_lesson.course.interactive.explorer import SequenceExplorer, probability_bars  # noqa: E402
from rnn_lesson.models import PerStepRNN, SequenceRegressor  # noqa: E402
from rnn_lesson.plots import plot_forecast  # noqa: E402

torch.manual_seed(0)
X = torch.randn(8, 6, 5)                        # a small batch (N, L, F)
Y4 = torch.tensor([0, 1, 2, 3, 0, 1, 2, 3])     # four classes
COUNTS = torch.tensor([0, 1, 2, 3, 15, 18, 21, 4])  # numbers to predict (0 .. 21) made into "labels" with .long()
SERIES = torch.sin(torch.arange(10) / 2)        # (T,) = (10,)
YEARS = torch.arange(1990, 2002)                # (12,): two more years than the series has
AHEAD = SERIES[5:] + 0.1                        # (5,) forecasts of steps 5 .. 9
BATCHED = AHEAD.view(1, 5, 1)                   # (1, steps, 1), as forecast returns for a batch of one history


def regressor():
    return SequenceRegressor(input_size=5)


def with_task(model, task):
    model.task = task
    return model


MISTAKES = [
    # ---------- class names ----------
    Mistake("plot_sequences_by_class with the course's names for four classes",
            lambda: plot_sequences_by_class(X, Y4, class_names=CLASS_NAMES), ValueError,
            "class_names: expected a list of 4 names, one for each class in y (0 .. 3)", "got 3 names",
            "leave class_names out", fixed=lambda: plot_sequences_by_class(X, Y4)),
    Mistake("plot_sequences_by_class with one class name as text",
            lambda: plot_sequences_by_class(X, Y4 % 2, class_names="rising"), ValueError,
            "expected a list of 2 names", "got str 'rising'", "pass 2 names",
            fixed=lambda: plot_sequences_by_class(X, Y4 % 2, class_names=["rising", "falling"])),
    Mistake("plot_sequences_by_class of counts made into labels", lambda: plot_sequences_by_class(X, COUNTS),
            ValueError,
            "expected at most 12 classes, one panel each", "got 22 (0 .. 21)",
            "keep = y < 12, then plot_sequences_by_class(x[keep], y[keep])",
            fixed=lambda: (keep := COUNTS < 12, plot_sequences_by_class(X[keep], COUNTS[keep]))),
    Mistake("SequenceExplorer with the course's names for a four-class model",
            lambda: SequenceExplorer(SequenceClassifier(num_classes=4), class_names=CLASS_NAMES), ValueError,
            "expected a list of 4 names, one per class of the model (4)", "got 3 names", "leave class_names out",
            fixed=lambda: SequenceExplorer(SequenceClassifier(num_classes=4))),
    Mistake("SequenceExplorer with more names than the model has classes",
            lambda: SequenceExplorer(SequenceClassifier(num_classes=2), class_names=CLASS_NAMES), ValueError,
            "expected a list of 2 names", "got 3 names", "pass 2 names",
            fixed=lambda: SequenceExplorer(SequenceClassifier(num_classes=2), class_names=list(CLASS_NAMES[:2]))),
    Mistake("probability_bars with a name missing", lambda: probability_bars([0.5, 0.3, 0.2], ["a", "b"]),
            ValueError, "expected a list of 3 names, one per probability (3)", "got 2 names", "pass 3 names",
            fixed=lambda: probability_bars([0.5, 0.3, 0.2], ["a", "b", "c"])),

    # ---------- a regression model where a classifier was meant ----------
    Mistake("SequenceExplorer of a regression model", lambda: SequenceExplorer(regressor()), TypeError,
            "expected a classifier with one prediction per sequence", "got task 'regress' with output (1, 1)",
            "pass a trained SequenceClassifier", fixed=lambda: SequenceExplorer(SequenceClassifier())),
    Mistake("SequenceExplorer of a per-step classifier",
            lambda: SequenceExplorer(PerStepRNN(5, output_size=3, task="classify")), TypeError,
            "expected a classifier with one prediction per sequence", "got task 'classify' with output (1, 10, 3)",
            "pass a trained SequenceClassifier", fixed=lambda: SequenceExplorer(SequenceClassifier())),
    Mistake("probabilities read from a regressor's trace", lambda: prediction_trace(regressor(), X).probabilities,
            ValueError, "expected the trace of a classifier", "got a regression model's, which ends in 'prediction'",
            "read trace.steps[-1].value", fixed=lambda: prediction_trace(regressor(), X).steps[-1].value),
    Mistake("data_flow of a model whose task is spelt 'regression'",
            lambda: data_flow(with_task(regressor(), "regression"), X), ValueError,
            "model.task: expected 'classify' or 'regress'", "got 'regression'", "model.task = 'regress'",
            fixed=lambda: data_flow(with_task(with_task(regressor(), "regression"), "regress"), X)),

    # ---------- forecasts that do not fit the series ----------
    Mistake("plot_forecast of a forecast for a batch of one history", lambda: plot_forecast(SERIES, BATCHED, start=5),
            ValueError, "predictions: expected one series, shape (T,) or (T, 1)", "got (1, 5, 1)",
            "pick one sequence: predictions[0]", fixed=lambda: plot_forecast(SERIES, BATCHED[0], start=5)),
    Mistake("plot_forecast of a named forecast with two features",
            lambda: plot_forecast(SERIES, {"fed back": AHEAD.view(5, 1).repeat(1, 2)}, start=5), ValueError,
            "predictions['fed back']: expected one series", "got (5, 2)",
            "pick one feature: predictions['fed back'][:, 0]",
            fixed=lambda: plot_forecast(SERIES, {"fed back": AHEAD.view(5, 1).repeat(1, 2)[:, 0]}, start=5)),
    Mistake("plot_forecast with the forecast starting too late", lambda: plot_forecast(SERIES, AHEAD, start=7),
            ValueError, "expected at most 3 steps from start=7, as the series has 10 values", "got 5",
            "start earlier, start=5", fixed=lambda: plot_forecast(SERIES, AHEAD, start=5)),
    Mistake("plot_forecast starting after the series ends", lambda: plot_forecast(SERIES, AHEAD, start=12),
            ValueError, "start: expected a position in the series, 0 to 9", "got 12", "start=5",
            fixed=lambda: plot_forecast(SERIES, AHEAD, start=5)),
    Mistake("plot_forecast with every year but a sliced series",
            lambda: plot_forecast(SERIES, AHEAD, start=5, times=YEARS, unit="year"), ValueError,
            "times: expected one time per value of the series, 10", "got 12", "sliced as the series is",
            fixed=lambda: plot_forecast(SERIES, AHEAD, start=5, times=YEARS[:10], unit="year")),
]


@pytest.fixture(autouse=True)
def no_open_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("mistake", MISTAKES, ids=ids(MISTAKES))
def test_mistake(mistake):
    check_mistake(mistake)


# ---------- what a learner may reasonably expect to work, and now does ----------

def test_four_classes_are_drawn_as_four_panels():
    figure = plot_sequences_by_class(X, Y4)
    assert [ax.get_title() for ax in figure.axes] == ["class 0", "class 1", "class 2", "class 3"]


def test_a_regressor_and_a_per_step_model_have_no_softmax_row_unless_they_classify():
    assert data_flow(regressor(), X)["stage"].tolist()[-1] == "prediction"
    assert data_flow(PerStepRNN(5, output_size=5), X)["stage"].tolist()[-1] == "prediction"
    assert data_flow(PerStepRNN(5, output_size=3, task="classify"), X)["stage"].tolist()[-1].startswith("softmax")


def test_classes_without_sequences_are_named_in_one_warning():
    with pytest.warns(UserWarning) as caught:
        plot_sequences_by_class(X[:2], Y4[:2], class_names=["a", "b", "c", "d"])
    assert [str(w.message) for w in caught] == [
        "y: expected sequences of all 4 classes, got none of class 2 (c), class 3 (d), so their panels stay empty; "
        "pass sequences of every class."]
