"""The classifier and the hand-written recurrence, with nn.RNN as the reference."""

import itertools

import pytest
import torch
from torch import nn

from rnn_lesson import OrderBlindBaseline, SequenceClassifier, manual_rnn, rnn_step

GRID = list(itertools.product(
    [1, 2, 3],           # num_layers
    ["tanh", "relu"],    # nonlinearity
    [True, False],       # bias
    [True, False],       # batch_first
    [False, True],       # bidirectional
    [False, True],       # unbatched input
    [False, True],       # h0 given
))


@pytest.mark.parametrize("num_layers,nonlinearity,bias,batch_first,bidirectional,unbatched,give_h0", GRID)
def test_manual_rnn_reproduces_nn_rnn(num_layers, nonlinearity, bias, batch_first, bidirectional, unbatched, give_h0):
    torch.manual_seed(0)
    rnn = nn.RNN(5, 8, num_layers=num_layers, nonlinearity=nonlinearity, bias=bias,
                 batch_first=batch_first, bidirectional=bidirectional)
    batch, steps, directions = 4, 7, 2 if bidirectional else 1
    if unbatched:
        x = torch.randn(steps, 5)
    else:
        x = torch.randn(batch, steps, 5) if batch_first else torch.randn(steps, batch, 5)
    h0 = None
    if give_h0:
        h0 = torch.randn(num_layers * directions, 8) if unbatched else torch.randn(num_layers * directions, batch, 8)
    expected_output, expected_h_n = rnn(x, h0)
    output, h_n = manual_rnn(rnn, x, h0)
    assert output.shape == expected_output.shape and h_n.shape == expected_h_n.shape
    torch.testing.assert_close(output, expected_output, atol=1e-6, rtol=0)
    torch.testing.assert_close(h_n, expected_h_n, atol=1e-6, rtol=0)


def test_manual_rnn_matches_in_eval_mode_with_dropout_and_refuses_in_training():
    rnn = nn.RNN(5, 8, num_layers=2, dropout=0.5)
    x = torch.randn(6, 3, 5)
    with pytest.raises(ValueError, match="rnn.eval"):
        manual_rnn(rnn, x)
    rnn.eval()
    torch.testing.assert_close(manual_rnn(rnn, x)[0], rnn(x)[0], atol=1e-6, rtol=0)


def test_rnn_step_is_the_formula():
    torch.manual_seed(0)
    x_t, h = torch.randn(2, 5), torch.randn(2, 8)
    w_ih, w_hh, b_ih, b_hh = torch.randn(8, 5), torch.randn(8, 8), torch.randn(8), torch.randn(8)
    expected = torch.tanh(x_t @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
    assert torch.allclose(rnn_step(x_t, h, w_ih, w_hh, b_ih, b_hh), expected)
    assert (rnn_step(x_t, h, w_ih, w_hh, b_ih, b_hh, torch.relu) >= 0).all()


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
