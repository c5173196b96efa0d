"""Learner mistakes with their own data in training (issue 11): layouts from other libraries, numbers given
to a classifier, targets that don't fit the model, lengths, clipping, and the time-ordered split.

Each message names what was expected, what came and the fix; `fixed` follows the fix as written and succeeds.
See tests/mistakes.py for the format.
"""

import warnings

import pytest
import torch

from mistakes import Mistake, check_mistake, ids
from rnn_lesson.data import make_loader, time_split, train_val_split
from rnn_lesson.models import PerStepRNN, SequenceClassifier, SequenceRegressor
from rnn_lesson.training import evaluate, fit

torch.manual_seed(0)
N, L = 24, 12
SERIES = torch.randn(N, L)                      # (24, 12): one value per step, the feature axis left out
X1 = SERIES.unsqueeze(-1)                       # (24, 12, 1)
CHANNELS = torch.randn(N, 3, 40)                # (24, 3, 40): (batch, channels, time), as Conv1d lays it out
LABELS = torch.arange(N) % 2                    # (24,) two classes
COUNTS = (torch.rand(N) * 190).round()          # (24,) float whole numbers, like yearly sunspot counts
MEASURED = torch.rand(N) * 190                  # (24,) float with fractions
STEP_LABELS = (SERIES > 0).long()               # (24, 12) a class at every step


def train(model, x, y, **settings):
    """fit as a learner calls it, kept cheap: the same data for training and validation, one epoch, no bar."""
    return fit(model, (x, y), (x, y), **{"epochs": 1, "progress": False, **settings})


def with_nan(y):
    y = y.clone()
    y[3] = float("nan")
    return y


def drop_non_finite(x_train, y_train):
    """The fix the message gives, typed as it is written."""
    keep = torch.isfinite(y_train).view(len(y_train), -1).all(dim=1); x_train, y_train = x_train[keep], y_train[keep]  # noqa: E702
    return x_train, y_train


def drop_empty(x, lengths, y):
    """The fix the message gives for a sequence of 0 steps, typed as it is written."""
    keep = lengths > 0; x, lengths = x[keep], lengths[keep]  # noqa: E702
    return x, lengths, y[keep]


def fit_dropped(x, lengths, y):
    x, lengths, y = drop_empty(x, lengths, y)
    return fit(SequenceClassifier(input_size=1, num_classes=2), (x, lengths, y), (X1, LABELS), epochs=1, progress=False)


EMPTY = torch.full((N,), L)
EMPTY[0] = 0  # one sequence of no steps at all

MISTAKES = [
    # --- layouts from other libraries ----------------------------------------------------------
    Mistake("(batch, channels, time) data given to fit",
            lambda: train(SequenceClassifier(input_size=3, num_classes=2), CHANNELS, LABELS), ValueError,
            "x_train: expected (batch, seq_len, features) with features = 3",
            "got (24, 3, 40): that looks like (batch, features, time), channels first", "x_train.transpose(1, 2)",
            fixed=lambda: train(SequenceClassifier(input_size=3, num_classes=2), CHANNELS.transpose(1, 2), LABELS)),
    Mistake("(batch, channels, time) data into the model", lambda: SequenceClassifier(input_size=3)(CHANNELS), ValueError,
            "with features = 3", "got (24, 3, 40): that looks like (batch, features, time)",
            "swap the last two axes with x.transpose(1, 2)",
            fixed=lambda: SequenceClassifier(input_size=3)(CHANNELS.transpose(1, 2))),
    Mistake("univariate series (N, L) given to train_val_split", lambda: train_val_split(SERIES, LABELS), ValueError,
            "expected 3 dimensions (batch, seq_len, features)", "got (24, 12): each row looks like a whole sequence",
            "use x.unsqueeze(-1) to add the feature axis", fixed=lambda: train_val_split(SERIES.unsqueeze(-1), LABELS)),
    Mistake("univariate series (N, L) given to time_split", lambda: time_split(SERIES, MEASURED), ValueError,
            "expected 3 dimensions (batch, seq_len, features)", "got (24, 12)", "use x.unsqueeze(-1)",
            fixed=lambda: time_split(SERIES.unsqueeze(-1), MEASURED)),
    Mistake("univariate series (N, L) into a one-feature model", lambda: SequenceRegressor(input_size=1)(SERIES),
            ValueError, "with features = 1", "got (24, 12): each row looks like a whole sequence of single values",
            "use x.unsqueeze(-1) to add the feature axis", fixed=lambda: SequenceRegressor(input_size=1)(SERIES.unsqueeze(-1))),
    Mistake("univariate series of an odd length into a five-feature model", lambda: SequenceClassifier()(SERIES[:, :11]),
            ValueError, "with features = 5", "got (24, 11)", "use x.unsqueeze(-1) and a model with input_size=1",
            fixed=lambda: SequenceClassifier(input_size=1)(SERIES[:, :11].unsqueeze(-1))),
    # --- numbers to predict given to a classifier ------------------------------------------------
    Mistake("counts (float) given to a classifier", lambda: train(SequenceClassifier(input_size=1), X1, COUNTS),
            TypeError, "expected class indices of dtype torch.long", "got torch.float32 (24,)",
            "numbers to predict (a count, a measurement), use a regression model instead: SequenceRegressor",
            fixed=lambda: train(SequenceRegressor(input_size=1), X1, COUNTS)),
    Mistake("measurements with fractions given to a classifier", lambda: train(SequenceClassifier(input_size=1), X1, MEASURED),
            ValueError, "expected whole class indices 0, 1, 2", "got values such as",
            "use a regression model instead: SequenceRegressor (one prediction per sequence) or PerStepRNN (one per step)",
            fixed=lambda: train(SequenceRegressor(input_size=1), X1, MEASURED)),
    Mistake("counts made .long() for a classifier", lambda: train(SequenceClassifier(input_size=1), X1, COUNTS.long()),
            ValueError, "expected class indices 0 .. 2", "different values for 24 labels look like numbers to predict",
            "train a regression model (SequenceRegressor or PerStepRNN) on y_train.float()",
            fixed=lambda: train(SequenceRegressor(input_size=1), X1, COUNTS.long().float())),
    Mistake("float labels given to evaluate with a classifier", lambda: evaluate(SequenceClassifier(input_size=1), X1, MEASURED),
            ValueError, "expected whole class indices", "got values such as", "SequenceRegressor",
            fixed=lambda: evaluate(SequenceRegressor(input_size=1), X1, MEASURED)),
    # --- targets that do not fit the model -------------------------------------------------------
    Mistake("class indices given to a regression model", lambda: train(SequenceRegressor(input_size=1), X1, LABELS),
            TypeError, "expected float targets, numbers to predict, for a regression model", "got torch.int64 (24,)",
            "use y_train.float()", fixed=lambda: train(SequenceRegressor(input_size=1), X1, LABELS.float())),
    Mistake("targets at every step for a one-prediction model", lambda: train(SequenceRegressor(input_size=1), X1, X1),
            ValueError, "expected targets (24, 1), like the model's predictions (2, 1)", "got (24, 12, 1), a target at every step",
            "keep each sequence's last target: y_train[:, -1]",
            fixed=lambda: (lambda y_train: train(SequenceRegressor(input_size=1), X1, y_train[:, -1]))(X1)),
    Mistake("targets at every step, PerStepRNN as the fix", lambda: train(SequenceRegressor(input_size=1), X1, X1),
            ValueError, "expected targets (24, 1)", "a target at every step",
            "use PerStepRNN(input_size=1, output_size=1)", fixed=lambda: train(PerStepRNN(input_size=1, output_size=1), X1, X1)),
    Mistake("one target per sequence for a per-step model", lambda: train(PerStepRNN(input_size=1), X1, MEASURED),
            ValueError, "expected targets (24, 12, 1), like the model's predictions (2, 12, 1)",
            "got (24,), one target per sequence", "use SequenceRegressor(input_size=1, output_size=1)",
            fixed=lambda: train(SequenceRegressor(input_size=1, output_size=1), X1, MEASURED)),
    Mistake("three targets per sequence for a one-output model",
            lambda: train(SequenceRegressor(input_size=1), X1, torch.randn(N, 3)), ValueError,
            "expected targets (24, 1)", "got (24, 3), 3 numbers each", "build the model with output_size=3",
            fixed=lambda: train(SequenceRegressor(input_size=1, output_size=3), X1, torch.randn(N, 3))),
    Mistake("a class at every step for a one-label classifier",
            lambda: train(SequenceClassifier(input_size=1, num_classes=2), X1, STEP_LABELS), ValueError,
            "expected one class index per sequence, shape (N,)", "got (24, 12), a class index at every step",
            "use PerStepRNN(input_size=1, output_size=2, task='classify')",
            fixed=lambda: train(PerStepRNN(input_size=1, output_size=2, task='classify'), X1, STEP_LABELS)),
    Mistake("a class at every step, the last one kept",
            lambda: train(SequenceClassifier(input_size=1, num_classes=2), X1, STEP_LABELS), ValueError,
            "expected one class index per sequence", "a class index at every step",
            "keep each sequence's last label: y_train[:, -1]",
            fixed=lambda: (lambda y_train: train(SequenceClassifier(input_size=1, num_classes=2), X1, y_train[:, -1]))(
                STEP_LABELS)),
    Mistake("one label per sequence for a per-step classifier",
            lambda: train(PerStepRNN(input_size=1, output_size=2, task="classify"), X1, LABELS), ValueError,
            "expected logits (2, C), one row per sequence", "got (2, 12, 2)", "or use SequenceClassifier",
            fixed=lambda: train(SequenceClassifier(input_size=1, num_classes=2), X1, LABELS)),
    Mistake("per-step classes beyond the per-step model's output_size",
            lambda: train(PerStepRNN(input_size=1, output_size=2, task="classify"), X1, STEP_LABELS * 3), ValueError,
            "expected class indices 0 .. 1", "got values from 0 to 3", "build the model with output_size=4",
            fixed=lambda: train(PerStepRNN(input_size=1, output_size=4, task="classify"), X1, STEP_LABELS * 3)),
    Mistake("a NaN among the targets given to fit", lambda: train(SequenceRegressor(input_size=1), X1, with_nan(MEASURED)),
            ValueError, "y_train: expected finite targets", "got 1 NaN and 0 infinite values",
            "keep = torch.isfinite(y_train).view(len(y_train), -1).all(dim=1); x_train, y_train = x_train[keep], y_train[keep]",
            fixed=lambda: train(SequenceRegressor(input_size=1), *drop_non_finite(X1, with_nan(MEASURED)))),
    Mistake("a NaN among the targets given to make_loader", lambda: make_loader(X1, with_nan(MEASURED)), ValueError,
            "y: expected finite targets", "got 1 NaN", "keep = torch.isfinite(y).view(len(y), -1).all(dim=1)",
            fixed=lambda: make_loader(*drop_non_finite(X1, with_nan(MEASURED)))),
    # --- lengths, clipping, the split in time ----------------------------------------------------
    Mistake("lengths given for a model that takes none",
            lambda: fit(PerStepRNN(input_size=1), (X1, torch.full((N,), L), X1), (X1, X1), epochs=1, progress=False),
            TypeError, "lengths: expected a model that takes them, model(x, lengths)",
            "got PerStepRNN, whose forward(x, h0) has none", "pass (x, y) without the lengths",
            fixed=lambda: fit(PerStepRNN(input_size=1), (X1, X1), (X1, X1), epochs=1, progress=False)),
    Mistake("a sequence of no steps among the lengths",
            lambda: fit(SequenceClassifier(input_size=1, num_classes=2), (X1, EMPTY, LABELS), (X1, LABELS), epochs=1,
                        progress=False), ValueError, "expected at least 1 step per sequence", "got 0 for sequence 0",
            "keep = lengths > 0; x, lengths = x[keep], lengths[keep]", fixed=lambda: fit_dropped(X1, EMPTY, LABELS)),
    Mistake("clip=0", lambda: train(SequenceRegressor(input_size=1), X1, MEASURED, clip=0), ValueError,
            "clip: expected a positive largest gradient norm", "got 0", "use clip=1.0, or clip=None not to clip",
            fixed=lambda: train(SequenceRegressor(input_size=1), X1, MEASURED, clip=1.0)),
    Mistake("clip as text", lambda: train(SequenceRegressor(input_size=1), X1, MEASURED, clip="1.0"), TypeError,
            "clip: expected a number", "got str '1.0'", "write clip=1 without quotes",
            fixed=lambda: train(SequenceRegressor(input_size=1), X1, MEASURED, clip=1)),
    Mistake("time_split(x) without the targets", lambda: time_split(X1), TypeError,
            "y: expected the labels (N,) that go with x", "got none", "pass both: time_split(x, y)",
            fixed=lambda: time_split(X1, MEASURED)),
    Mistake("time_split with the validation part as a percentage", lambda: time_split(X1, MEASURED, val_fraction=20),
            ValueError, "between 0 and 1", "got 20", "use val_fraction=0.2",
            fixed=lambda: time_split(X1, MEASURED, val_fraction=0.2)),
]


@pytest.mark.parametrize("mistake", MISTAKES, ids=ids(MISTAKES))
def test_mistake(mistake):
    check_mistake(mistake)


def test_this_catalogue_names_are_new():
    import test_mistakes
    import test_mistakes_data
    names = [m.what for m in MISTAKES]
    assert len(set(names)) == len(names)
    assert not set(names) & {m.what for m in test_mistakes.MISTAKES + test_mistakes_data.MISTAKES}


# --- what a learner would reasonably expect to work simply works ---------------------------------

def test_float64_data_trains_a_float32_model_and_float32_data_a_float64_model():
    for model, x in ((SequenceRegressor(input_size=1), X1.double()), (SequenceRegressor(input_size=1).double(), X1)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            history = train(model, x, MEASURED / 190)
        assert len(history.train_loss) == 1


def test_float_labels_that_are_class_ids_go_through_make_loader_as_numbers():
    """make_loader cannot know the model: float targets are numbers to predict, and fit says more if they were ids."""
    xb, yb = next(iter(make_loader(X1, LABELS.float(), batch_size=8)))
    assert yb.dtype == torch.float32 and xb.shape == (8, L, 1)
