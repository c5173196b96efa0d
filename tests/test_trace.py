"""The data-flow table and the prediction trace come from a real forward pass."""

import torch

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
