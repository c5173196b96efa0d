"""The data-flow table and the prediction trace come from a real forward pass."""

import pytest
import torch
from torch import nn

from rnn_lesson import SequenceClassifier, data_flow, prediction_trace
from rnn_lesson.models import PerStepRNN, SequenceRegressor
from rnn_lesson.trace import HEAD_DOES


def test_data_flow_of_the_running_example():
    torch.manual_seed(0)
    table = data_flow(SequenceClassifier(), torch.randn(1000, 10, 5))
    assert table["stage"].tolist() == ["input", "RNN", "Linear", "softmax (prediction only)"]
    assert table["output shape"].tolist() == ["(1000, 10, 5)", "(1000, 10, 8) and (1, 1000, 8)",
                                              "(1000, 3)", "(1000, 3)"]
    assert table["input shape"].tolist()[1:] == ["(1000, 10, 5)", "(1000, 8)", "(1000, 3)"]


def test_data_flow_follows_the_model_configuration():
    table = data_flow(SequenceClassifier(hidden_size=4, num_layers=2, bidirectional=True), torch.randn(3, 7, 5))
    assert table["output shape"].tolist()[1:3] == ["(3, 7, 8) and (4, 3, 4)", "(3, 3)"]
    assert table["input shape"].tolist()[2] == "(3, 8)"


def test_prediction_trace_of_one_sequence():
    torch.manual_seed(0)
    model = SequenceClassifier()
    x = torch.randn(10, 5)
    trace = prediction_trace(model, x)
    shapes = [tuple(step.value.shape) for step in trace.steps]
    assert shapes == [(10, 5), (10, 8), (8,), (3,), (3,)]
    assert torch.allclose(trace.probabilities.sum(), torch.tensor(1.0))
    assert torch.allclose(trace.steps[3].value, model(x.unsqueeze(0))[0])
    assert torch.allclose(trace.steps[2].value, trace.steps[1].value[-1])
    table = trace.to_frame()
    assert table["name"].tolist() == ["input sequence", "RNN outputs", "last hidden state", "logits", "probabilities"]


def test_prediction_trace_of_a_batch():
    trace = prediction_trace(SequenceClassifier(), torch.randn(4, 10, 5))
    assert [tuple(s.value.shape) for s in trace.steps] == [(4, 10, 5), (4, 10, 8), (4, 8), (4, 3), (4, 3)]
    assert "<table" in trace._repr_html_()


def test_data_flow_text_is_never_cut_short_in_a_notebook():
    """A notebook shows the table with pandas' defaults; every teaching text must appear whole."""
    for cell in ("rnn", "lstm", "gru"):
        table = data_flow(SequenceClassifier(cell=cell), torch.randn(2, 10, 5))
        shown = table._repr_html_() + repr(table)
        for text in table["what happens"]:
            assert text in shown, f"{text!r} is cut short in the {cell} table"


def test_data_flow_and_prediction_trace_leave_the_model_in_the_mode_it_was_in():
    model = SequenceClassifier(num_layers=2, dropout=0.5)
    data_flow(model, torch.randn(4, 10, 5))
    assert model.training and model.rnn.training
    prediction_trace(model, torch.randn(10, 5))
    assert model.training and model.rnn.training
    model.eval()
    data_flow(model, torch.randn(4, 10, 5))
    prediction_trace(model, torch.randn(10, 5))
    assert not model.training and not model.rnn.training


class OwnClassifier(nn.Module):
    """A learner's own classifier with .rnn and .head but no last_hidden."""

    def __init__(self, bidirectional: bool = False):
        super().__init__()
        self.rnn = nn.RNN(5, 8, num_layers=2, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(16 if bidirectional else 8, 3)

    def forward(self, x):
        h_n = self.rnn(x)[1]
        return self.head(torch.cat([h_n[-2], h_n[-1]], dim=1) if self.rnn.bidirectional else h_n[-1])


@pytest.mark.parametrize("bidirectional", [False, True])
def test_prediction_trace_of_a_model_without_last_hidden_reads_the_top_layer_of_h_n(bidirectional):
    torch.manual_seed(0)
    model, x = OwnClassifier(bidirectional).eval(), torch.randn(3, 10, 5)
    trace = prediction_trace(model, x)
    assert tuple(trace.steps[2].value.shape) == (3, 16 if bidirectional else 8)
    torch.testing.assert_close(trace.steps[3].value, model(x))


# ---------- each kind of model: regressor, per-step model, padded batches with lengths ----------

def test_data_flow_of_a_regressor_ends_in_its_prediction_without_softmax():
    model = SequenceRegressor(input_size=5, hidden_size=8, output_size=2)
    table = data_flow(model, torch.randn(4, 6, 5))
    assert table["stage"].tolist() == ["input", "RNN", "Linear", "prediction"]
    assert not table["stage"].str.contains("softmax").any()
    assert table["input shape"].tolist()[2:] == ["(4, 8)", "(4, 2)"]
    assert table["output shape"].tolist()[2:] == ["(4, 2)", "(4, 2)"]
    assert table["what happens"].tolist()[2] == HEAD_DOES["regress", False]


@pytest.mark.parametrize("task, out, last", [("regress", 5, "prediction"),
                                             ("classify", 4, "softmax (prediction only)")])
def test_data_flow_of_a_per_step_model_applies_the_linear_layer_at_every_step(task, out, last):
    model = PerStepRNN(input_size=5, hidden_size=16, output_size=out, task=task)
    table = data_flow(model, torch.randn(3, 7, 5))
    assert table["stage"].tolist() == ["input", "RNN", "Linear", last]
    assert table["output shape"].tolist()[1:] == ["(3, 7, 16) and (1, 3, 16)", f"(3, 7, {out})", f"(3, 7, {out})"]
    assert table["input shape"].tolist()[2] == "(3, 7, 16)"   # output at every step, not h_n
    assert table["what happens"].tolist()[2] == HEAD_DOES[task, True]
    shown = table._repr_html_()
    assert all(text in shown for text in table["what happens"])    # none cut short by pandas


def test_data_flow_with_lengths_shows_the_packed_batch_and_gives_the_model_its_lengths():
    torch.manual_seed(0)
    model, x, lengths = SequenceClassifier(), torch.randn(4, 6, 5), torch.tensor([6, 2, 4, 3])
    table = data_flow(model, x, lengths)
    assert table["input shape"].tolist()[1] == "packed (15, 5), 4 sequences"
    assert table["output shape"].tolist()[1] == "packed (15, 8), 4 sequences and (1, 4, 8)"
    assert table["output shape"].tolist()[-1] == "(4, 3)"


def test_prediction_trace_of_a_regressor_has_no_probabilities():
    torch.manual_seed(0)
    model, x = SequenceRegressor(input_size=5, hidden_size=8).eval(), torch.randn(3, 6, 5)
    trace = prediction_trace(model, x)
    assert [s.name for s in trace.steps] == ["input sequence", "RNN outputs", "last hidden state", "prediction"]
    assert [tuple(s.value.shape) for s in trace.steps] == [(3, 6, 5), (3, 6, 8), (3, 8), (3, 1)]
    torch.testing.assert_close(trace.steps[-1].value, model(x))
    with pytest.raises(ValueError, match="expected the trace of a classifier"):
        trace.probabilities
    assert [tuple(s.value.shape) for s in prediction_trace(model, x[0]).steps] == [(6, 5), (6, 8), (8,), (1,)]


def test_prediction_trace_of_a_per_step_regressor_predicts_at_every_step():
    torch.manual_seed(0)
    model, x = PerStepRNN(input_size=2, hidden_size=6, output_size=2).eval(), torch.randn(3, 9, 2)
    trace = prediction_trace(model, x)
    assert [s.name for s in trace.steps] == ["input sequence", "RNN outputs", "predictions at every step"]
    assert [tuple(s.value.shape) for s in trace.steps] == [(3, 9, 2), (3, 9, 6), (3, 9, 2)]
    torch.testing.assert_close(trace.steps[-1].value, model(x))
    torch.testing.assert_close(trace.steps[-1].value, model.head(trace.steps[1].value))
    unbatched = prediction_trace(model, x[1])
    assert [tuple(s.value.shape) for s in unbatched.steps] == [(9, 2), (9, 6), (9, 2)]
    torch.testing.assert_close(unbatched.steps[-1].value, model(x[1:2])[0])


@pytest.mark.parametrize("cell, bidirectional", [("rnn", False), ("lstm", False), ("gru", True)])
def test_prediction_trace_of_a_per_step_classifier_gives_probabilities_at_every_step(cell, bidirectional):
    torch.manual_seed(0)
    model = PerStepRNN(input_size=5, hidden_size=4, output_size=3, task="classify", cell=cell,
                       bidirectional=bidirectional)
    x = torch.randn(2, 8, 5)
    trace = prediction_trace(model, x)
    width = 8 if bidirectional else 4
    assert [s.name for s in trace.steps] == ["input sequence", "RNN outputs", "logits at every step",
                                             "probabilities at every step"]
    assert [tuple(s.value.shape) for s in trace.steps] == [(2, 8, 5), (2, 8, width), (2, 8, 3), (2, 8, 3)]
    torch.testing.assert_close(trace.probabilities.sum(dim=-1), torch.ones(2, 8))
    torch.testing.assert_close(trace.steps[2].value, model.eval()(x))
    assert all(len(step.meaning) <= 50 for step in trace.steps), "pandas cuts a cell at 50 characters"


@pytest.mark.parametrize("classes", [2, 3, 4, 5])
def test_prediction_trace_has_one_logit_and_probability_per_class(classes):
    model, x = SequenceClassifier(num_classes=classes), torch.randn(10, 5)
    trace = prediction_trace(model, x)
    assert [tuple(s.value.shape) for s in trace.steps[3:]] == [(classes,), (classes,)]
    assert data_flow(model, x.unsqueeze(0))["output shape"].tolist()[-2:] == [f"(1, {classes})"] * 2


def test_prediction_trace_with_lengths_reads_each_sequence_at_its_true_last_step():
    torch.manual_seed(0)
    model, lengths = SequenceClassifier().eval(), torch.tensor([6, 2, 4])
    x = torch.randn(3, 6, 5) * (torch.arange(6) < lengths[:, None]).unsqueeze(-1)   # zeros after each end
    trace = prediction_trace(model, x, lengths)
    outputs, last = trace.steps[1].value, trace.steps[2].value
    for i, length in enumerate(lengths.tolist()):
        torch.testing.assert_close(last[i], outputs[i, length - 1])
        assert (outputs[i, length:] == 0).all()
    torch.testing.assert_close(trace.steps[3].value, model(x, lengths))
    assert "0 after the end" in trace.steps[1].meaning
    assert all(len(step.meaning) <= 50 for step in trace.steps), "pandas cuts a cell at 50 characters"
    with pytest.warns(UserWarning, match="padding"):                # without lengths: read after the padding
        unpacked = prediction_trace(model, x)
    assert not torch.allclose(unpacked.steps[2].value[1], last[1])


def test_data_flow_and_prediction_trace_refuse_an_unknown_task():
    model = SequenceRegressor(input_size=5)
    model.task = "regression"
    for helper in (data_flow, prediction_trace):
        with pytest.raises(ValueError, match="model.task: expected 'classify' or 'regress', got 'regression'"):
            helper(model, torch.randn(2, 4, 5))
