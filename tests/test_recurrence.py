"""The recurrence by hand, with nn.RNN itself as the reference: the same computation both ways."""

import itertools

import pytest
import torch
from torch import nn

from rnn_lesson import manual_rnn, rnn_step

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
