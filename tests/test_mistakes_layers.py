"""Mistakes with the layers, the traces and the figures: rnn_step, manual_rnn, data_flow, prediction_trace
and the plot helpers. Each names what was expected, what came and the fix; `fixed` follows the fix."""

import matplotlib
import numpy as np
import pytest
import torch
from torch import nn

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from mistakes import Mistake, check_mistake, ids  # noqa: E402
from rnn_lesson import (CLASS_NAMES, History, SequenceClassifier, OrderBlindBaseline, data_flow, figure_html,  # noqa: E402
                        fit, manual_rnn, plot_hidden_states, plot_history, plot_sequences_by_class,
                        prediction_trace, rnn_step, show_figure)
from rnn_lesson import plots  # noqa: E402

torch.manual_seed(0)
X = torch.randn(4, 6, 5)                       # a small batch (N, L, F), batch first
Y = torch.tensor([0, 1, 2, 0])
COURSE = torch.randn(1000, 10, 5)              # the course's shape: 1000 sequences of 10 steps
CELL = nn.RNN(5, 8, batch_first=True)
W_IH, W_HH, B_IH, B_HH = (p.detach() for p in CELL.parameters())   # (8, 5), (8, 8), (8,), (8,)
H = torch.zeros(4, 8)
STATES = torch.rand(6, 8) * 2 - 1              # one sequence's hidden states (L, H)


def rnn(**kwargs):
    return nn.RNN(5, 8, batch_first=True, **kwargs)


def a_figure():
    figure, axis = plt.subplots()
    axis.plot([1, 2, 3])
    return figure, axis


def curves():
    return {"train_loss": [1.0, 0.7], "train_accuracy": [0.5, 0.6], "val_loss": [1.1, 0.8], "val_accuracy": [0.4, 0.5]}


def lstm_state():
    return torch.zeros(1, 4, 8), torch.zeros(1, 4, 8)


class MyClassifier(nn.Module):
    """A learner's own classifier: .rnn and .head, no last_hidden; `width` is what its head takes."""

    def __init__(self, width: int = 8):
        super().__init__()
        self.rnn, self.head = rnn(), nn.Linear(width, 3)

    def forward(self, x):
        return self.head(self.rnn(x)[1][-1])


LOSSES_ONLY = {"train_loss": [1.0], "val_loss": [1.1]}


MISTAKES = [
    # ---------- manual_rnn: the recurrence by hand ----------
    Mistake("manual_rnn given an nn.LSTM", lambda: manual_rnn(nn.LSTM(5, 8, batch_first=True), X), TypeError,
            "expected an nn.RNN layer", "got LSTM",
            "nn.RNN(5, 8, num_layers=1, batch_first=True, bidirectional=False)",
            fixed=lambda: manual_rnn(nn.RNN(5, 8, num_layers=1, batch_first=True, bidirectional=False), X)),
    Mistake("manual_rnn given an nn.GRU", lambda: manual_rnn(nn.GRU(5, 8, num_layers=2, batch_first=True), X),
            TypeError, "follows nn.RNN's recurrence only", "got GRU",
            "nn.RNN(5, 8, num_layers=2, batch_first=True, bidirectional=False)",
            fixed=lambda: manual_rnn(nn.RNN(5, 8, num_layers=2, batch_first=True, bidirectional=False), X)),
    Mistake("manual_rnn given the class nn.RNN", lambda: manual_rnn(nn.RNN, X), TypeError,
            "expected an nn.RNN layer", "got the class RNN", "rnn = nn.RNN(5, 8, batch_first=True)",
            fixed=lambda: manual_rnn(nn.RNN(5, 8, batch_first=True), X)),
    Mistake("manual_rnn given the whole classifier", lambda: manual_rnn(SequenceClassifier(), X), TypeError,
            "expected an nn.RNN layer", "got SequenceClassifier", "model.rnn",
            fixed=lambda: manual_rnn(SequenceClassifier().rnn, X)),
    Mistake("manual_rnn with the layer and the input swapped", lambda: manual_rnn(X, rnn()), TypeError,
            "expected an nn.RNN layer", "got Tensor", "manual_rnn(rnn, x)", fixed=lambda: manual_rnn(rnn(), X)),
    Mistake("manual_rnn on integer sequences", lambda: manual_rnn(rnn(), X.long()), TypeError,
            "expected dtype torch.float32", "got torch.int64", "x.float()",
            fixed=lambda: manual_rnn(rnn(), X.long().float())),
    Mistake("manual_rnn on float64 input with a float32 RNN", lambda: manual_rnn(rnn(), X.double()), TypeError,
            "expected dtype torch.float32 like the RNN's weights", "got torch.float64", "x.float()",
            fixed=lambda: manual_rnn(rnn(), X.double().float())),
    Mistake("manual_rnn with a float64 h0", lambda: manual_rnn(rnn(), X, torch.zeros(1, 4, 8, dtype=torch.float64)),
            TypeError, "expected dtype torch.float32", "got torch.float64", "h0.float()",
            fixed=lambda: manual_rnn(rnn(), X, torch.zeros(1, 4, 8, dtype=torch.float64).float())),
    Mistake("manual_rnn given an LSTM's (h0, c0)", lambda: manual_rnn(rnn(), X, lstm_state()), TypeError,
            "expected one tensor (1, 4, 8)", "got a tuple of 2 tensors", "pass h0 alone",
            fixed=lambda: manual_rnn(rnn(), X, lstm_state()[0])),
    Mistake("manual_rnn on a zero-length sequence", lambda: manual_rnn(rnn(), X[:, 6:]), ValueError,
            "expected at least one time step", "got (4, 0, 5)", "x[:, :t] keeps the first t steps",
            fixed=lambda: manual_rnn(rnn(), X[:, :3])),
    Mistake("manual_rnn with h0 missing its layer dimension (N, H)", lambda: manual_rnn(rnn(), X, H), ValueError,
            "expected (1, 4, 8)", "got (4, 8)", "h0.unsqueeze(0)", fixed=lambda: manual_rnn(rnn(), X, H.unsqueeze(0))),
    Mistake("a two-layer RNN given one layer's h0 (N, H)", lambda: manual_rnn(rnn(num_layers=2), X, H), ValueError,
            "expected (2, 4, 8)", "first dimension, num_layers * num_directions, is missing",
            "torch.stack([h0] * 2)", fixed=lambda: manual_rnn(rnn(num_layers=2), X, torch.stack([H] * 2))),
    Mistake("a bidirectional RNN given one direction's h0",
            lambda: manual_rnn(rnn(bidirectional=True), X, torch.zeros(1, 4, 8)), ValueError,
            "expected (2, 4, 8)", "got (1, 4, 8)", "torch.zeros(2, 4, 8)",
            fixed=lambda: manual_rnn(rnn(bidirectional=True), X, torch.zeros(2, 4, 8))),
    Mistake("manual_rnn on a 4-D batch", lambda: manual_rnn(rnn(), X.unsqueeze(0)), ValueError,
            "expected (N, L, 5) or unbatched (L, 5)", "got (1, 4, 6, 5)", "x.squeeze(0)",
            fixed=lambda: manual_rnn(rnn(), X.unsqueeze(0).squeeze(0))),
    Mistake("manual_rnn compared in training mode with dropout", lambda: manual_rnn(rnn(num_layers=2, dropout=0.5), X),
            ValueError, "expected a layer in eval mode", "training mode with dropout=0.5", "call rnn.eval()",
            fixed=lambda: manual_rnn(rnn(num_layers=2, dropout=0.5).eval(), X)),

    # ---------- rnn_step: one step of the recurrence ----------
    Mistake("rnn_step with w_ih transposed", lambda: rnn_step(X[:, 0], H, W_IH.T, W_HH, B_IH, B_HH), ValueError,
            "w_ih: expected (8, 5)", "got (5, 8)", "pass w_ih.T",
            fixed=lambda: rnn_step(X[:, 0], H, W_IH.T.T, W_HH, B_IH, B_HH)),
    Mistake("rnn_step with a batch of 3 and h_prev of batch 1",
            lambda: rnn_step(X[:3, 0], torch.zeros(1, 8), W_IH, W_HH, B_IH, B_HH), ValueError,
            "h_prev: expected (3, 8)", "got (1, 8)", "torch.zeros(3, 8)",
            fixed=lambda: rnn_step(X[:3, 0], torch.zeros(3, 8), W_IH, W_HH, B_IH, B_HH)),
    Mistake("rnn_step with x_t and h_prev swapped", lambda: rnn_step(H, X[:, 0], W_IH, W_HH, B_IH, B_HH), ValueError,
            "h_prev: expected (4, 8)", "got (4, 5)", "rnn_step(x_t, h_prev, ...)",
            fixed=lambda: rnn_step(X[:, 0], H, W_IH, W_HH, B_IH, B_HH)),
    Mistake("rnn_step given the whole sequence", lambda: rnn_step(X, H, W_IH, W_HH, B_IH, B_HH), ValueError,
            "expected one time step (N, H_in)", "got (4, 6, 5)", "x[:, t]",
            fixed=lambda: rnn_step(X[:, 0], H, W_IH, W_HH, B_IH, B_HH)),
    Mistake("rnn_step given h0 with its layer dimension",
            lambda: rnn_step(X[:, 0], H.unsqueeze(0), W_IH, W_HH, B_IH, B_HH), ValueError,
            "h_prev: expected (4, 8)", "got (1, 4, 8)", "torch.zeros(4, 8)",
            fixed=lambda: rnn_step(X[:, 0], torch.zeros(4, 8), W_IH, W_HH, B_IH, B_HH)),
    Mistake("rnn_step given w_hh where w_ih goes", lambda: rnn_step(X[:, 0], H, W_HH, W_HH, B_IH, B_HH), ValueError,
            "w_ih: expected (8, 5)", "got (8, 8)", "rnn.weight_ih_l0, rnn.weight_hh_l0",
            fixed=lambda: rnn_step(X[:, 0], H, CELL.weight_ih_l0, CELL.weight_hh_l0, CELL.bias_ih_l0, CELL.bias_hh_l0)),
    Mistake("rnn_step on an integer step", lambda: rnn_step(X[:, 0].long(), H, W_IH, W_HH, B_IH, B_HH), TypeError,
            "x_t: expected dtype torch.float32", "got torch.int64", "x_t.float()",
            fixed=lambda: rnn_step(X[:, 0].long().float(), H, W_IH, W_HH, B_IH, B_HH)),
    Mistake("rnn_step with the activation as a string",
            lambda: rnn_step(X[:, 0], H, W_IH, W_HH, B_IH, B_HH, "relu"), TypeError,
            "activation: expected a function", "got str 'relu'", "pass torch.relu",
            fixed=lambda: rnn_step(X[:, 0], H, W_IH, W_HH, B_IH, B_HH, torch.relu)),

    # ---------- prediction_trace and data_flow ----------
    Mistake("prediction_trace of a bare nn.RNN", lambda: prediction_trace(rnn(), X[0]), TypeError,
            "expected a classifier with .rnn and .head (a SequenceClassifier)", "got RNN",
            "model = SequenceClassifier(input_size=5, hidden_size=8)",
            fixed=lambda: prediction_trace(SequenceClassifier(input_size=5, hidden_size=8), X[0])),
    Mistake("prediction_trace of a bare nn.LSTM", lambda: prediction_trace(nn.LSTM(5, 4), X[0]), TypeError,
            "expected a classifier", "got LSTM", "SequenceClassifier(input_size=5, hidden_size=4, cell='lstm')",
            fixed=lambda: prediction_trace(SequenceClassifier(input_size=5, hidden_size=4, cell='lstm'), X[0])),
    Mistake("prediction_trace of the class SequenceClassifier", lambda: prediction_trace(SequenceClassifier, X[0]),
            TypeError, "expected a classifier", "got the class SequenceClassifier", "model = SequenceClassifier()",
            fixed=lambda: prediction_trace(SequenceClassifier(), X[0])),
    Mistake("prediction_trace with the sequence and the model swapped",
            lambda: prediction_trace(X[0], SequenceClassifier()), TypeError, "expected a classifier", "got Tensor",
            "prediction_trace(model, x)", fixed=lambda: prediction_trace(SequenceClassifier(), X[0])),
    Mistake("prediction_trace of the order-blind baseline", lambda: prediction_trace(OrderBlindBaseline(), X[0]),
            TypeError, "with .rnn and .head", "got OrderBlindBaseline", "model = SequenceClassifier()",
            fixed=lambda: prediction_trace(SequenceClassifier(), X[0])),
    Mistake("prediction_trace of the course data with batch and time swapped",
            lambda: prediction_trace(SequenceClassifier(), COURSE.transpose(0, 1)), UserWarning,
            "expected (batch, seq_len, features)", "read as 10 sequences of 1000 time steps", "x.transpose(0, 1)",
            fixed=lambda: prediction_trace(SequenceClassifier(), COURSE.transpose(0, 1).transpose(0, 1))),
    Mistake("data_flow of the class SequenceClassifier", lambda: data_flow(SequenceClassifier, X), TypeError,
            "expected a model", "got the class SequenceClassifier", "model = SequenceClassifier()",
            fixed=lambda: data_flow(SequenceClassifier(), X)),
    Mistake("data_flow with the batch and the model swapped", lambda: data_flow(X, SequenceClassifier()), TypeError,
            "expected a model", "got Tensor", "data_flow(model, x)", fixed=lambda: data_flow(SequenceClassifier(), X)),
    Mistake("data_flow of the course data with batch and time swapped",
            lambda: data_flow(SequenceClassifier(), COURSE.transpose(0, 1)), UserWarning,
            "expected (batch, seq_len, features)", "got (10, 1000, 5)", "x.transpose(0, 1)",
            fixed=lambda: data_flow(SequenceClassifier(), COURSE.transpose(0, 1).transpose(0, 1))),
    Mistake("prediction_trace of a float64 sequence", lambda: prediction_trace(SequenceClassifier(), X[0].double()),
            TypeError, "expected torch.float32", "got torch.float64", "x.float()",
            fixed=lambda: prediction_trace(SequenceClassifier(), X[0].double().float())),
    Mistake("data_flow of a model whose Linear misses the RNN's hidden size", lambda: data_flow(MyClassifier(4), X),
            ValueError, "model.head: expected input with 4 features", "got (4, 8)", "build it as nn.Linear(8, 3)",
            fixed=lambda: data_flow(MyClassifier(8), X)),
    Mistake("prediction_trace of a model whose Linear misses the RNN's hidden size",
            lambda: prediction_trace(MyClassifier(4), X[0]), ValueError, "expected input with 4 features",
            "got (1, 8)", "nn.Linear(8, 3)", fixed=lambda: prediction_trace(MyClassifier(8), X[0])),

    # ---------- the figures ----------
    Mistake("plot_history of a History with only the losses", lambda: plot_history(History(**LOSSES_ONLY)),
            ValueError, "expected one value per epoch in each of its 4 lists, as 1 in train_loss",
            "got 0 in train_accuracy, 0 in val_accuracy", "plt.plot(history.train_loss)",
            fixed=lambda: plt.plot(History(**LOSSES_ONLY).train_loss)),
    Mistake("plot_history of a History with lists of unequal length",
            lambda: plot_history(History(**{**curves(), "val_accuracy": [0.4]})), ValueError,
            "as 2 in train_loss", "got 1 in val_accuracy", "give every list one value per epoch",
            fixed=lambda: plot_history(History(**curves()))),
    Mistake("plot_hidden_states with upto as text", lambda: plot_hidden_states(STATES, upto="3"), TypeError,
            "upto: expected a number", "got str '3'", "write upto=3 without quotes",
            fixed=lambda: plot_hidden_states(STATES, upto=3)),
    Mistake("plot_hidden_states with upto NaN", lambda: plot_hidden_states(STATES, upto=float("nan")), ValueError,
            "expected a whole number of steps from 0 to 6", "got nan", "use upto=6",
            fixed=lambda: plot_hidden_states(STATES, upto=6)),
    Mistake("plot_hidden_states given an unbatched run's h_n (1, H)", lambda: plot_hidden_states(rnn()(X[0])[1]),
            UserWarning, "expected one sequence's hidden states (L, H)", "got (1, 8): 1 time step", "pass output",
            fixed=lambda: plot_hidden_states(rnn()(X[0])[0])),
    Mistake("plot_sequences_by_class with a class missing", lambda: plot_sequences_by_class(X, Y % 2, class_names=CLASS_NAMES),
            UserWarning,
            "expected sequences of all 3 classes", "got none of class 2 (rise-then-fall)",
            "pass sequences of every class", fixed=lambda: plot_sequences_by_class(X, Y, class_names=CLASS_NAMES)),
    Mistake("plot_sequences_by_class with per_class=0", lambda: plot_sequences_by_class(X, Y, per_class=0),
            ValueError, "per_class: expected a whole number of at least 1", "got 0", "use per_class=1",
            fixed=lambda: plot_sequences_by_class(X, Y, per_class=1)),
    Mistake("plot_sequences_by_class with per_class as text", lambda: plot_sequences_by_class(X, Y, per_class="5"),
            TypeError, "per_class: expected a whole number", "got str '5'", "write per_class=5 without quotes",
            fixed=lambda: plot_sequences_by_class(X, Y, per_class=5)),
    Mistake("plot_sequences_by_class with the feature as text", lambda: plot_sequences_by_class(X, Y, feature="0"),
            TypeError, "feature: expected a whole number", "got str '0'", "write feature=0 without quotes",
            fixed=lambda: plot_sequences_by_class(X, Y, feature=0)),
    Mistake("plot_sequences_by_class with the feature as a float", lambda: plot_sequences_by_class(X, Y, feature=1.0),
            TypeError, "feature: expected a whole number", "got float 1.0", "use feature=1",
            fixed=lambda: plot_sequences_by_class(X, Y, feature=1)),
    Mistake("plot_history given a list of losses", lambda: plot_history([1.0, 0.8, 0.6]), TypeError,
            "expected the History that fit returns", "got list", "plt.plot(losses)",
            fixed=lambda: plt.plot([1.0, 0.8, 0.6])),
    Mistake("plot_history given a dict of curves", lambda: plot_history(curves()), TypeError,
            "expected the History that fit returns", "got dict", "History(**history)",
            fixed=lambda: plot_history(History(**curves()))),
    Mistake("plot_history given the model", lambda: plot_history(SequenceClassifier()), TypeError,
            "expected the History", "got SequenceClassifier", "history = fit(model, train, val)",
            fixed=lambda: plot_history(fit(SequenceClassifier(), (X, Y), (X, Y), epochs=1, progress=False))),
    Mistake("plot_history of an empty History", lambda: plot_history(History()), ValueError,
            "expected at least one epoch", "got an empty History", "fit(model, train, val, epochs=1)",
            fixed=lambda: plot_history(fit(SequenceClassifier(), (X, Y), (X, Y), epochs=1, progress=False))),
    Mistake("plot_hidden_states given the whole batch's output", lambda: plot_hidden_states(rnn()(X)[0]), ValueError,
            "expected one sequence's hidden states (L, H)", "got (4, 6, 8)", "output[0]",
            fixed=lambda: plot_hidden_states(rnn()(X)[0][0])),
    Mistake("plot_hidden_states given nn.RNN's (output, h_n)", lambda: plot_hidden_states(rnn()(X[0])), TypeError,
            "expected one tensor", "got a tuple of 2", "output, h_n = rnn(x)",
            fixed=lambda: plot_hidden_states(rnn()(X[0])[0])),
    Mistake("plot_hidden_states given one step's state (H,)", lambda: plot_hidden_states(rnn()(X)[1][-1, 0]),
            ValueError, "expected one sequence's hidden states (L, H)", "got (8,)", "pass every step, e.g. output[0]",
            fixed=lambda: plot_hidden_states(rnn()(X)[0][0])),
    Mistake("plot_hidden_states with a fractional upto", lambda: plot_hidden_states(STATES, upto=2.5), ValueError,
            "expected a whole number of steps from 0 to 6", "got 2.5", "upto=2",
            fixed=lambda: plot_hidden_states(STATES, upto=2)),
    Mistake("plot_sequences_by_class with x and y swapped", lambda: plot_sequences_by_class(Y, X), TypeError,
            "expected sequences x (N, L, F), then labels y (N,)", "got x (4,) and y (4, 6, 5)",
            "plot_sequences_by_class(x, y)", fixed=lambda: plot_sequences_by_class(X, Y)),
    Mistake("plot_sequences_by_class with the feature counted from 1",
            lambda: plot_sequences_by_class(X, Y, feature=5), ValueError, "expected 0 to 4", "got 5", "feature=4",
            fixed=lambda: plot_sequences_by_class(X, Y, feature=4)),
    Mistake("plot_sequences_by_class with one-hot labels",
            lambda: plot_sequences_by_class(X, nn.functional.one_hot(Y, 3).float()), ValueError,
            "expected class indices", "one-hot rows", "y.argmax(dim=1)",
            fixed=lambda: plot_sequences_by_class(X, nn.functional.one_hot(Y, 3).float().argmax(dim=1))),
    Mistake("plot_sequences_by_class with float labels from NumPy",
            lambda: plot_sequences_by_class(X.numpy(), Y.numpy().astype(float)), TypeError,
            "expected class indices of dtype torch.long", "got torch.float64", "torch.as_tensor(y).long()",
            fixed=lambda: plot_sequences_by_class(X.numpy(), torch.as_tensor(Y.numpy().astype(float)).long())),
    Mistake("show_figure given the axes", lambda: show_figure(a_figure()[1], "A line rising from 1 to 3."), TypeError,
            "expected a matplotlib Figure", "got Axes", "ax.figure",
            fixed=lambda: show_figure(a_figure()[1].figure, "A line rising from 1 to 3.")),
    Mistake("show_figure given plt.subplots()'s pair", lambda: show_figure(plt.subplots(), "An empty chart."),
            TypeError, "expected a matplotlib Figure", "got tuple", "figure, ax = plt.subplots()",
            fixed=lambda: show_figure(plt.subplots()[0], "An empty chart.")),
    Mistake("show_figure given what plt.plot returns", lambda: show_figure(plt.plot([1, 2, 3]), "A line."), TypeError,
            "expected a matplotlib Figure", "got list", "plt.gcf()",
            fixed=lambda: show_figure((plt.plot([1, 2, 3]), plt.gcf())[1], "A line.")),
    Mistake("show_figure with the alt text first", lambda: show_figure("A line.", a_figure()[0]), TypeError,
            "expected a matplotlib Figure", "got str", "show_figure(figure, alt)",
            fixed=lambda: show_figure(a_figure()[0], "A line.")),
    Mistake("show_figure with empty alt text", lambda: show_figure(a_figure()[0], ""), ValueError,
            "expected words that say what the figure shows", "got no alt text", "alt='",
            fixed=lambda: show_figure(a_figure()[0], "A line rising from 1 to 3.")),
    Mistake("figure_html of your own figure without alt text", lambda: figure_html(a_figure()[0]), ValueError,
            "expected words that say what the figure shows", "got no alt text", "alt='",
            fixed=lambda: figure_html(a_figure()[0], alt="A line rising from 1 to 3.")),
]


@pytest.fixture(autouse=True)
def no_display_and_no_open_figures(monkeypatch):
    monkeypatch.setattr(plots, "display", lambda data, metadata, raw: None)
    yield
    plt.close("all")


@pytest.mark.parametrize("mistake", MISTAKES, ids=ids(MISTAKES))
def test_mistake(mistake):
    check_mistake(mistake)


# ---------- what a learner may reasonably expect to work, and now does ----------

def test_plot_helpers_accept_numpy_arrays_and_lists():
    assert plot_sequences_by_class(X.numpy(), Y.numpy()).alt == plot_sequences_by_class(X, Y).alt
    assert plot_sequences_by_class(X.tolist(), Y.tolist()).alt == plot_sequences_by_class(X, Y).alt
    assert plot_hidden_states(STATES.numpy()).alt == plot_hidden_states(STATES.tolist()).alt
    assert plot_hidden_states(STATES.double().numpy(), upto=np.int64(3)).alt == plot_hidden_states(STATES, upto=3).alt
    assert plot_hidden_states(STATES, upto=3.0).alt == plot_hidden_states(STATES, upto=3).alt  # a slider's value


def test_data_flow_of_a_bare_layer_shows_its_outputs_and_no_softmax():
    table = data_flow(nn.LSTM(5, 8, batch_first=True), X)
    assert table["stage"].tolist() == ["input", "LSTM"]
    assert table["output shape"].tolist() == ["(4, 6, 5)", "(4, 6, 8) and (1, 4, 8) and (1, 4, 8)"]
    assert data_flow(rnn(), X)["stage"].tolist() == ["input", "RNN"]


def test_data_flow_of_a_model_without_parameters():
    table = data_flow(nn.Sequential(nn.Flatten(), nn.Tanh()), X)
    assert table["output shape"].tolist() == ["(4, 6, 5)", "(4, 30)", "(4, 30)", "(4, 30)"]


def test_rnn_step_takes_what_nn_rnncell_takes_and_gives_the_same():
    cell = nn.RNNCell(5, 8)
    weights = [p.detach() for p in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)]
    torch.testing.assert_close(rnn_step(X[:, 0], H, *weights), cell(X[:, 0], H))
    torch.testing.assert_close(rnn_step(X[0, 0], H[0], *weights), cell(X[0, 0], H[0]))   # unbatched (H_in,), (H,)


def test_no_swap_warning_for_a_batch_laid_out_as_the_course_lays_it_out(recwarn):
    prediction_trace(SequenceClassifier(), COURSE)
    prediction_trace(SequenceClassifier(), COURSE[:4])      # a few sequences: fewer than their 10 steps
    prediction_trace(SequenceClassifier(), torch.randn(1, 500, 5))   # one long sequence
    data_flow(SequenceClassifier(), COURSE)
    data_flow(nn.RNN(5, 8), COURSE.transpose(0, 1))            # a time-first layer takes (L, N, F) by design
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]
