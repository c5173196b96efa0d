"""The course's models: the classifier on the last hidden state, and the order-blind baseline."""

import pytest
import torch

from rnn_lesson import OrderBlindBaseline, SequenceClassifier


def test_running_example_parameter_counts():
    model = SequenceClassifier()
    assert sum(p.numel() for p in model.rnn.parameters()) == 120
    assert sum(p.numel() for p in model.head.parameters()) == 27
    shapes = {name: tuple(p.shape) for name, p in model.rnn.named_parameters()}
    assert shapes == {"weight_ih_l0": (8, 5), "weight_hh_l0": (8, 8), "bias_ih_l0": (8,), "bias_hh_l0": (8,)}


@pytest.mark.parametrize("kwargs", [{}, {"num_layers": 2}, {"bidirectional": True},
                                    {"num_layers": 3, "bidirectional": True, "nonlinearity": "relu"}])
def test_classifier_gives_logits_per_sequence(kwargs):
    model = SequenceClassifier(hidden_size=8, **kwargs)
    assert model(torch.randn(7, 10, 5)).shape == (7, 3)


def test_classifier_uses_the_top_layer_last_step_of_a_stacked_rnn():
    torch.manual_seed(0)
    model = SequenceClassifier(num_layers=2)
    x = torch.randn(4, 10, 5)
    output, h_n = model.rnn(x)
    assert torch.allclose(model.last_hidden(h_n), output[:, -1])
    assert torch.allclose(model(x), model.head(output[:, -1]))


def test_bidirectional_summary_takes_the_backward_direction_from_h_n_not_output_last_step():
    torch.manual_seed(0)
    model = SequenceClassifier(bidirectional=True, num_layers=2)
    x = torch.randn(4, 10, 5)
    output, _ = model.rnn(x)
    expected = torch.cat([output[:, -1, :8], output[:, 0, 8:]], dim=1)  # forward ends at t=L-1, backward at t=0
    assert torch.allclose(model.last_hidden(model.rnn(x)[1]), expected)
    assert not torch.allclose(model.last_hidden(model.rnn(x)[1]), output[:, -1])


def test_classifier_refuses_time_first_layout():
    with pytest.raises(ValueError, match="batch_first=True"):
        SequenceClassifier(batch_first=False)


def test_order_blind_baseline_ignores_the_order_of_time_steps():
    torch.manual_seed(0)
    model = OrderBlindBaseline()
    x = torch.randn(4, 10, 5)
    shuffled = x[:, torch.randperm(10)]
    assert torch.allclose(model(x), model(shuffled), atol=1e-6)
    recurrent = SequenceClassifier()
    assert not torch.allclose(recurrent(x), recurrent(shuffled), atol=1e-4)
