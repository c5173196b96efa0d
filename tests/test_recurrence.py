"""The recurrence by hand, with nn.RNN itself as the reference: the same computation both ways."""

import itertools

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

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


# ---------- packed sequences (lesson 07 § 2): each sequence ends at its own last step ----------

@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_manual_rnn_takes_a_packed_batch_and_returns_a_packed_output(enforce_sorted):
    torch.manual_seed(0)
    rnn = nn.RNN(5, 8, batch_first=True)
    x = torch.randn(4, 7, 5)
    lengths = torch.tensor([7, 5, 5, 2] if enforce_sorted else [5, 7, 2, 5])
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=enforce_sorted)
    output, h_n = manual_rnn(rnn, packed)
    expected_output, expected_h_n = rnn(packed)
    assert isinstance(output, PackedSequence) and torch.equal(output.batch_sizes, expected_output.batch_sizes)
    torch.testing.assert_close(output.data, expected_output.data, atol=1e-6, rtol=0)
    torch.testing.assert_close(h_n, expected_h_n, atol=1e-6, rtol=0)
    padded, _ = pad_packed_sequence(output, batch_first=True)
    padded_end = manual_rnn(rnn, x)[1][0]          # unpacked, every sequence runs on to step 7 through the padding
    for i, length in enumerate(lengths.tolist()):   # h_n is the output at each sequence's own last step
        torch.testing.assert_close(h_n[0, i], padded[i, length - 1])
        assert torch.allclose(h_n[0, i], padded_end[i]) == (length == 7)


# ---------- rnn_step refuses what nn.RNNCell refuses: no broadcast hides a mistake ----------

def cell_weights(cell: nn.RNNCell) -> list[torch.Tensor]:
    """w_ih, w_hh, b_ih, b_hh, in the order rnn_step takes them."""
    return [p.detach() for p in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)]


STEP_SHAPES = list(itertools.product([(3, 5), (1, 5), (5,), (0, 5), (3, 4), (3, 1, 5), ()],
                                     [(3, 8), (1, 8), (8,), (0, 8), (3, 7), (1, 3, 8), (2, 8), ()]))


@pytest.mark.parametrize("x_shape,h_shape", STEP_SHAPES, ids=str)
def test_rnn_step_accepts_exactly_the_shapes_nn_rnncell_accepts(x_shape, h_shape):
    cell = nn.RNNCell(5, 8)
    weights = cell_weights(cell)
    x_t, h_prev = torch.randn(x_shape), torch.randn(h_shape)
    try:
        expected = cell(x_t, h_prev)
    except (RuntimeError, ValueError):
        with pytest.raises(ValueError, match="expected"):
            rnn_step(x_t, h_prev, *weights)
    else:
        torch.testing.assert_close(rnn_step(x_t, h_prev, *weights), expected)


def test_rnn_step_refuses_a_batch_of_3_with_a_state_of_batch_1_as_nn_rnncell_does():
    cell = nn.RNNCell(5, 8)
    weights = cell_weights(cell)
    x_t, h_prev = torch.randn(3, 5), torch.randn(1, 8)
    with pytest.raises(RuntimeError):
        cell(x_t, h_prev)
    with pytest.raises(ValueError, match=r"h_prev: expected \(3, 8\), got \(1, 8\)"):
        rnn_step(x_t, h_prev, *weights)


@pytest.mark.parametrize("x_dtype,h_dtype", list(itertools.product([torch.float32, torch.float64, torch.bfloat16],
                                                                    repeat=2)))
def test_rnn_step_accepts_exactly_the_dtypes_nn_rnncell_accepts(x_dtype, h_dtype):
    cell = nn.RNNCell(5, 8)
    weights = cell_weights(cell)
    x_t, h_prev = torch.randn(3, 5, dtype=x_dtype), torch.randn(3, 8, dtype=h_dtype)
    if x_dtype == h_dtype == torch.float32:
        torch.testing.assert_close(rnn_step(x_t, h_prev, *weights), cell(x_t, h_prev))
        return
    with pytest.raises(RuntimeError):
        cell(x_t, h_prev)
    with pytest.raises(TypeError, match="like the RNN's weights"):
        rnn_step(x_t, h_prev, *weights)


@pytest.mark.parametrize("dtype", [torch.float64, torch.bfloat16, torch.float16])
def test_rnn_step_equals_nn_rnncell_in_every_float_dtype(dtype):
    cell = nn.RNNCell(5, 8, nonlinearity="relu").to(dtype)
    weights = cell_weights(cell)
    x_t, h_prev = torch.randn(3, 5, dtype=dtype), torch.randn(3, 8, dtype=dtype)
    tolerance = {} if dtype == torch.float64 else dict(atol=2e-2, rtol=2e-2)
    torch.testing.assert_close(rnn_step(x_t, h_prev, *weights, torch.relu), cell(x_t, h_prev).detach(), **tolerance)
