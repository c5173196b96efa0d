"""The data-flow table and the prediction trace come from a real forward pass."""

import pytest
import torch
from torch import nn

from rnn_lesson import SequenceClassifier, data_flow, prediction_trace


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
