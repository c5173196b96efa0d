"""The mistakes learners make: every one the helpers can see gets an error naming expected, got, and the fix."""

import pytest
import torch
from torch import nn

from rnn_lesson import (SequenceClassifier, data_flow, fit, load_dataset, make_loader, make_sequences, manual_rnn,
                        prediction_trace, train_val_split)


@pytest.fixture(scope="module")
def course():
    x, y = load_dataset()
    return x[:100], y[:100]


def model_on(x):
    return SequenceClassifier()(x)


class Softmaxed(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = SequenceClassifier()

    def forward(self, x):
        return torch.softmax(self.inner(x), dim=1)


def fit_with_labels(course, labels):
    x, _ = course
    return fit(SequenceClassifier(), (x, labels), (x, labels), epochs=1, progress=False)


MISTAKES = [
    # (what the learner did, call, exception type, words the message must contain)
    ("NumPy array into the model", lambda c: model_on(c[0].numpy()), TypeError,
     ["expected a torch.Tensor", "got ndarray", "torch.from_numpy"]),
    ("Python list into the model", lambda c: model_on(c[0].tolist()), TypeError,
     ["expected a torch.Tensor", "got list", "torch.tensor("]),
    ("a string where a tensor goes", lambda c: model_on("sequences.npz"), TypeError,
     ["expected a torch.Tensor", "got str"]),
    ("integer sequences", lambda c: model_on(c[0].long()), TypeError,
     ["floating-point", "torch.int64", "x.float()"]),
    ("missing batch dimension", lambda c: model_on(c[0][0]), ValueError,
     ["expected 3 dimensions", "got (10, 5)", "batch dimension is missing", "x.unsqueeze(0)"]),
    ("too many dimensions", lambda c: model_on(c[0].unsqueeze(0)), ValueError,
     ["expected 3 dimensions", "got 4 dimensions (1, 100, 10, 5)"]),
    ("features not last", lambda c: model_on(c[0].permute(0, 2, 1)), ValueError,
     ["(100, 5, 10)", "features are not last", "permute(0, 2, 1)", "not view"]),
    ("input_size set to the sequence length", lambda c: SequenceClassifier(input_size=10)(c[0]), ValueError,
     ["features = 10", "got (100, 10, 5)", "input_size was set to the sequence length", "input_size=5"]),
    ("wrong feature count", lambda c: model_on(c[0][:, :, :3]), ValueError,
     ["features = 5", "got (100, 10, 3) with 3 features", "input_size=3"]),
    ("empty batch", lambda c: model_on(c[0][:0]), ValueError, ["batch is empty", "(0, 10, 5)"]),
    ("NaN in the input", lambda c: model_on(torch.where(c[0] > 1.5, float("nan"), c[0])), ValueError,
     ["NaN", "torch.isnan"]),
    ("(seq, batch, feature) given to fit", lambda c: fit(SequenceClassifier(), (c[0].transpose(0, 1), c[1]),
                                                         c, progress=False), ValueError,
     ["x_train: expected (batch, seq_len, features)", "got (10, 100, 5)", "(seq_len, batch, features)",
      "batch and time axes are swapped", "transpose(0, 1)", "batch_first"]),
    ("(seq, batch, feature) given to train_val_split", lambda c: train_val_split(c[0].transpose(0, 1), c[1]),
     ValueError, ["got (10, 100, 5)", "batch and time axes are swapped"]),
    ("fewer labels than sequences", lambda c: make_loader(c[0], c[1][:50]), ValueError,
     ["100 sequences", "50 labels"]),
    ("float labels", lambda c: fit_with_labels(c, c[1].float()), TypeError,
     ["class indices of dtype torch.long", "got torch.float32", "y_train.long()"]),
    ("one-hot labels", lambda c: fit_with_labels(c, nn.functional.one_hot(c[1], 3).float()), TypeError,
     ["one-hot", "argmax(dim=1)"]),
    ("labels as a column (N, 1)", lambda c: fit_with_labels(c, c[1].unsqueeze(1)), ValueError,
     ["shape (N,)", "got (100, 1)", "view(-1)"]),
    ("labels out of range", lambda c: fit_with_labels(c, c[1] + 1), ValueError,
     ["class indices 0 .. 2", "from 1 to 3"]),
    ("negative labels", lambda c: fit_with_labels(c, c[1] - 1), ValueError, ["from 0 up", "got -1"]),
    ("softmax before CrossEntropyLoss", lambda c: fit(Softmaxed(), c, c, epochs=1, progress=False), ValueError,
     ["already probabilities", "remove the softmax", "raw logits"]),
    ("h0 built batch first (N, layers, H)",
     lambda c: manual_rnn(nn.RNN(5, 8, num_layers=2, batch_first=True), c[0], torch.zeros(100, 2, 8)), ValueError,
     ["expected (2, 100, 8)", "got (100, 2, 8)", "even with batch_first=True", "h0.transpose(0, 1)"]),
    ("h0 of the wrong size", lambda c: manual_rnn(nn.RNN(5, 8, batch_first=True), c[0], torch.zeros(1, 100, 4)),
     ValueError, ["expected (1, 100, 8)", "got (1, 100, 4)"]),
    ("hand RNN fed the wrong features", lambda c: manual_rnn(nn.RNN(5, 8), c[0][:, :, :2]), ValueError,
     ["expected (L, N, 5)", "got (100, 10, 2)"]),
    ("a batch given to prediction_trace the wrong way round",
     lambda c: prediction_trace(SequenceClassifier(), c[0][0].T), ValueError, ["got (5, 10)"]),
    ("time-first model", lambda c: SequenceClassifier(batch_first=False), ValueError,
     ["batch_first=True", "transpose(0, 1)"]),
    ("validation fraction as a percentage", lambda c: train_val_split(*c, val_fraction=20), ValueError,
     ["between 0 and 1", "got 20"]),
    ("a sequence length of zero", lambda c: make_sequences(steps=0), ValueError,
     ["steps: expected a positive whole number", "got 0"]),
    ("data_flow on unbatched input", lambda c: data_flow(SequenceClassifier(), c[0][0]), ValueError,
     ["batch dimension is missing", "unsqueeze(0)"]),
]


@pytest.mark.parametrize("mistake,call,error,words", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_mistake_gets_a_teaching_error(course, mistake, call, error, words):
    with pytest.raises(error) as caught:
        call(course)
    message = str(caught.value)
    missing = [w for w in words if w not in message]
    assert not missing, f"{mistake}: message {message!r} lacks {missing}"

