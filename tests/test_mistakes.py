"""The mistakes learners make: every one the helpers can see gets an error naming expected, got, and the fix.

The first 28 of the catalogue (see tests/mistakes.py); tests/test_mistakes_data.py holds more for the
data, checks, models and training.
"""

import pytest
import torch
from torch import nn

from mistakes import Mistake, check_mistake, ids
from rnn_lesson import (SequenceClassifier, data_flow, fit, load_dataset, make_loader, make_sequences, manual_rnn,
                        prediction_trace, train_val_split)

X, Y = (part[:100] for part in load_dataset())  # (100, 10, 5) and (100,)
COURSE = (X, Y)


def model_on(x):
    return SequenceClassifier()(x)


class Softmaxed(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = SequenceClassifier()

    def forward(self, x):
        return torch.softmax(self.inner(x), dim=1)


def fit_with_labels(labels, model=None):
    return fit(model or SequenceClassifier(), (X, labels), (X, labels), epochs=1, progress=False)


def with_nan(x):
    return torch.where(x > 1.5, float("nan"), x)


def drop_non_finite(x, y):
    """The fix the NaN message gives, typed as it is written."""
    keep = torch.isfinite(x).all(dim=(1, 2)); x, y = x[keep], y[keep]  # noqa: E702
    return x, y


MISTAKES = [
    Mistake("NumPy array into the model", lambda: model_on(X.numpy()), TypeError,
            "expected a torch.Tensor", "got a NumPy array (100, 10, 5) of float32", "torch.from_numpy(x).float()",
            fixed=lambda: model_on(torch.from_numpy(X.numpy()).float())),
    Mistake("Python list into the model", lambda: model_on(X.tolist()), TypeError,
            "expected a torch.Tensor", "got a list of 100 items", "torch.tensor(x, dtype=torch.float32)",
            fixed=lambda: model_on(torch.tensor(X.tolist(), dtype=torch.float32))),
    Mistake("a string where a tensor goes", lambda: model_on("sequences.npz"), TypeError,
            "expected a torch.Tensor", "got str 'sequences.npz'", "x, y = load_dataset()",
            fixed=lambda: model_on(load_dataset()[0])),
    Mistake("integer sequences", lambda: model_on(X.long()), TypeError,
            "expected floating-point values", "got dtype torch.int64", "x.float()",
            fixed=lambda: model_on(X.long().float())),
    Mistake("missing batch dimension", lambda: model_on(X[0]), ValueError,
            "expected 3 dimensions", "got (10, 5): the batch dimension is missing", "x.unsqueeze(0)",
            fixed=lambda: model_on(X[0].unsqueeze(0))),
    Mistake("too many dimensions", lambda: model_on(X.unsqueeze(0)), ValueError,
            "expected 3 dimensions", "got 4 dimensions (1, 100, 10, 5)", "x.squeeze(0)",
            fixed=lambda: model_on(X.unsqueeze(0).squeeze(0))),
    Mistake("features not last", lambda: model_on(X.permute(0, 2, 1)), ValueError,
            "with features = 5", "got (100, 5, 10)", "x.permute(0, 2, 1), not view or reshape",
            fixed=lambda: model_on(X.permute(0, 2, 1).permute(0, 2, 1))),
    Mistake("input_size set to the sequence length", lambda: SequenceClassifier(input_size=10)(X), ValueError,
            "features = 10", "got (100, 10, 5)", "here input_size=5",
            fixed=lambda: SequenceClassifier(input_size=5)(X)),
    Mistake("wrong feature count", lambda: model_on(X[:, :, :3]), ValueError,
            "features = 5", "got (100, 10, 3) with 3 features", "build the model with input_size=3",
            fixed=lambda: SequenceClassifier(input_size=3)(X[:, :, :3])),
    Mistake("empty batch", lambda: model_on(X[100:]), ValueError,
            "expected at least one sequence", "got an empty batch (0, 10, 5)", "check the slice that made it",
            no_code_fix="the slice that emptied the batch is the learner's own; which one they meant is theirs to say"),
    Mistake("NaN in the input", lambda: model_on(with_nan(X)), ValueError,
            "expected finite numbers", "NaN", "keep = torch.isfinite(x).all(dim=(1, 2)); x, y = x[keep], y[keep]",
            fixed=lambda: model_on(drop_non_finite(with_nan(X), Y)[0])),
    Mistake("(seq, batch, feature) given to fit",
            lambda: fit(SequenceClassifier(), (X.transpose(0, 1), Y), COURSE, progress=False), ValueError,
            "x_train: expected (batch, seq_len, features)", "got (10, 100, 5): that looks like (seq_len, batch, features)",
            "use x_train.transpose(0, 1)",
            fixed=lambda: fit(SequenceClassifier(), (X.transpose(0, 1).transpose(0, 1), Y), COURSE, epochs=1,
                              progress=False)),
    Mistake("(seq, batch, feature) given to train_val_split", lambda: train_val_split(X.transpose(0, 1), Y),
            ValueError, "N = 100 labels", "got (10, 100, 5)", "batch and time axes are swapped; use x.transpose(0, 1)",
            fixed=lambda: train_val_split(X.transpose(0, 1).transpose(0, 1), Y)),
    Mistake("fewer labels than sequences", lambda: make_loader(X, Y[:50]), ValueError,
            "expected one label per sequence", "got 100 sequences and 50 labels", "x[:50], y[:50]",
            fixed=lambda: make_loader(X[:50], Y[:50])),
    Mistake("float labels", lambda: fit_with_labels(Y.float()), TypeError,
            "class indices of dtype torch.long", "got torch.float32 (100,)", "use y_train.long()",
            fixed=lambda: fit_with_labels(Y.float().long())),
    Mistake("one-hot labels", lambda: fit_with_labels(nn.functional.one_hot(Y, 3).float()), ValueError,
            "expected class indices, shape (N,)", "got one-hot rows (100, 3)", "use y_train.argmax(dim=1)",
            fixed=lambda: fit_with_labels(nn.functional.one_hot(Y, 3).float().argmax(dim=1))),
    Mistake("labels as a column (N, 1)", lambda: fit_with_labels(Y.unsqueeze(1)), ValueError,
            "shape (N,)", "got (100, 1)", "use y_train.view(-1)",
            fixed=lambda: fit_with_labels(Y.unsqueeze(1).view(-1))),
    Mistake("labels out of range", lambda: fit_with_labels(Y + 1), ValueError,
            "class indices 0 .. 2", "got values from 1 to 3", "shift them to start at 0: y_train - 1",
            fixed=lambda: fit_with_labels((Y + 1) - 1)),
    Mistake("negative labels", lambda: fit_with_labels(Y - 1), ValueError,
            "expected class indices from 0 up", "got -1", "shift them to start at 0: y_train + 1",
            fixed=lambda: fit_with_labels((Y - 1) + 1)),
    Mistake("softmax before CrossEntropyLoss", lambda: fit(Softmaxed(), COURSE, COURSE, epochs=1, progress=False),
            ValueError, "wants raw logits", "already probabilities (each row sums to 1)", "remove the softmax",
            fixed=lambda: fit(Softmaxed().inner, COURSE, COURSE, epochs=1, progress=False)),
    Mistake("h0 built batch first (N, layers, H)",
            lambda: manual_rnn(nn.RNN(5, 8, num_layers=2, batch_first=True), X, torch.zeros(100, 2, 8)), ValueError,
            "expected (2, 100, 8)", "got (100, 2, 8)", "use h0.transpose(0, 1)",
            fixed=lambda: manual_rnn(nn.RNN(5, 8, num_layers=2, batch_first=True), X,
                                     torch.zeros(100, 2, 8).transpose(0, 1))),
    Mistake("h0 of the wrong size", lambda: manual_rnn(nn.RNN(5, 8, batch_first=True), X, torch.zeros(1, 100, 4)),
            ValueError, "expected (1, 100, 8)", "got (1, 100, 4)", "build it with torch.zeros(1, 100, 8)",
            fixed=lambda: manual_rnn(nn.RNN(5, 8, batch_first=True), X, torch.zeros(1, 100, 8))),
    Mistake("hand RNN fed the wrong features", lambda: manual_rnn(nn.RNN(5, 8), X[:, :, :2]), ValueError,
            "expected (L, N, 5)", "got (100, 10, 2)", "build the RNN with input_size=2",
            fixed=lambda: manual_rnn(nn.RNN(2, 8), X[:, :, :2])),
    Mistake("a batch given to prediction_trace the wrong way round",
            lambda: prediction_trace(SequenceClassifier(), X[0].T), ValueError,
            "expected (seq_len, features) = (L, 5)", "got (5, 10): the features come first", "use x.T",
            fixed=lambda: prediction_trace(SequenceClassifier(), X[0].T.T)),
    Mistake("time-first model", lambda: SequenceClassifier(batch_first=False), ValueError,
            "expected True, as SequenceClassifier always uses batch_first=True", "got bool False",
            "leave it out, and transpose time-major data: x.transpose(0, 1)",
            fixed=lambda: SequenceClassifier()(X.transpose(0, 1).transpose(0, 1))),
    Mistake("validation fraction as a percentage", lambda: train_val_split(X, Y, val_fraction=20), ValueError,
            "between 0 and 1", "got 20", "use val_fraction=0.2",
            fixed=lambda: train_val_split(X, Y, val_fraction=0.2)),
    Mistake("a sequence length of zero", lambda: make_sequences(n=30, steps=0), ValueError,
            "steps: expected a whole number of at least 1", "got 0", "use steps=1 or more",
            fixed=lambda: make_sequences(n=30, steps=1)),
    Mistake("data_flow on unbatched input", lambda: data_flow(SequenceClassifier(), X[0]), ValueError,
            "expected 3 dimensions", "got (10, 5): the batch dimension is missing", "add one with x.unsqueeze(0)",
            fixed=lambda: data_flow(SequenceClassifier(), X[0].unsqueeze(0))),
]


@pytest.mark.parametrize("mistake", MISTAKES, ids=ids(MISTAKES))
def test_mistake(mistake):
    check_mistake(mistake)


def test_the_first_catalogue_keeps_its_28_mistakes():
    assert len(MISTAKES) == 28
