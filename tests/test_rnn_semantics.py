"""manual_rnn against nn.RNN itself, case by case, from nn.RNN's documented behaviour.

The cases come from what the nn.RNN and torch.nn.utils.rnn documentation promise, not from
PyTorch's own tests: a batch laid out (N, L, H_in) or (L, N, H_in), one unbatched sequence
(L, H_in), or a PackedSequence of sequences of different lengths, made by pack_padded_sequence
or pack_sequence, sorted longest first or not (enforce_sorted=False); bidirectional or not,
1 to 3 layers, tanh or relu, with or without biases, with or without h0, in every float dtype
nn.RNN runs on the CPU (float16 included: torch 2.13 runs it). For each case manual_rnn must
return what nn.RNN returns (a PackedSequence with the same data, batch_sizes, sorted_indices
and unsorted_indices for packed input), and in float64 the same gradients with respect to
the input, h0 and every weight. Sizes are small so that the whole file runs in seconds.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pack_sequence, pad_packed_sequence

from rnn_lesson.recurrence import manual_rnn

FEATURES, HIDDEN, STEPS = 3, 4, 5
LENGTHS = {"sorted": [5, 3, 3, 1], "unsorted": [3, 5, 1, 3]}   # mixed lengths, a tie, a one-step sequence
KINDS = ["padded", "unbatched", "pack_padded_sequence sorted", "pack_padded_sequence unsorted",
         "pack_sequence sorted", "pack_sequence unsorted"]
DTYPES = [torch.float32, torch.float64, torch.bfloat16, torch.float16]
# manual_rnn rounds after each operation and nn.RNN inside its fused kernels: the same sums in
# another order. float32 and float64 agree to a few units in the last place; the 8-bit (bfloat16)
# and 11-bit (float16) significands to a few of theirs, over up to 3 layers and 5 steps.
# Measured over the grid (largest |difference| / (1 + |value|)): float32 1.4e-7, float64 2.7e-16,
# bfloat16 6.4e-3, float16 1.2e-3.
TOLERANCE = {torch.float32: dict(atol=1e-6, rtol=1e-6), torch.float64: dict(atol=1e-12, rtol=1e-12),
             torch.bfloat16: dict(atol=3e-2, rtol=3e-2), torch.float16: dict(atol=5e-3, rtol=5e-3)}


@dataclass(frozen=True)
class Case:
    kind: str                 # one of KINDS
    batch_first: bool
    bidirectional: bool
    num_layers: int
    nonlinearity: str
    bias: bool
    give_h0: bool

    def __str__(self) -> str:
        return (f"{self.kind}-{'batch_first' if self.batch_first else 'time_first'}-"
                f"{'bi' if self.bidirectional else 'uni'}-{self.num_layers}layers-{self.nonlinearity}-"
                f"{'bias' if self.bias else 'nobias'}-{'h0' if self.give_h0 else 'noh0'}")


CASES = [Case(*values) for values in itertools.product(KINDS, [True, False], [False, True], [1, 2, 3],
                                                        ["tanh", "relu"], [True, False], [False, True])]
# Every case in float32 here, and in float64 with its gradients below. bfloat16 and float16 are slow
# on a CPU without native support for them (several milliseconds a call on the test machine): every
# fifth case in each, which still meets every setting (the first test checks it).
GRID = [(case, torch.float32) for case in CASES] + [(case, dtype) for case in CASES[::5]
                                                    for dtype in (torch.bfloat16, torch.float16)]


def make_rnn(case: Case, dtype: torch.dtype) -> nn.RNN:
    torch.manual_seed(0)
    rnn = nn.RNN(FEATURES, HIDDEN, num_layers=case.num_layers, nonlinearity=case.nonlinearity, bias=case.bias,
                 batch_first=case.batch_first, bidirectional=case.bidirectional)
    return rnn.to(dtype)


def make_source(case: Case, dtype: torch.dtype) -> tuple[Tensor, Tensor]:
    """Random leaves to build the input from: sequences (N, L, H_in), batch first, and h0 (layers * D, N, H)."""
    generator = torch.Generator().manual_seed(1)
    directions = 2 if case.bidirectional else 1
    sequences = torch.randn(4, STEPS, FEATURES, generator=generator, dtype=torch.float64)
    h0 = torch.randn(case.num_layers * directions, 4, HIDDEN, generator=generator, dtype=torch.float64) * 0.5
    return sequences.to(dtype).requires_grad_(), h0.to(dtype).requires_grad_()


def make_input(case: Case, sequences: Tensor, h0: Tensor) -> tuple[Tensor | PackedSequence, Tensor | None]:
    """The input in the layout `case.kind` names, and h0 (None unless case.give_h0), both from the leaves."""
    lengths = LENGTHS["unsorted" if case.kind.endswith("unsorted") else "sorted"]
    enforce_sorted = not case.kind.endswith("unsorted")
    padded = sequences if case.batch_first else sequences.transpose(0, 1)
    if case.kind == "unbatched":
        return sequences[0], h0[:, 0] if case.give_h0 else None
    h0 = h0 if case.give_h0 else None
    if case.kind == "padded":
        return padded, h0
    if case.kind.startswith("pack_padded_sequence"):
        packed = pack_padded_sequence(padded, torch.tensor(lengths), batch_first=case.batch_first,
                                      enforce_sorted=enforce_sorted)
        return packed, h0
    return pack_sequence([sequences[i, :n] for i, n in enumerate(lengths)], enforce_sorted=enforce_sorted), h0


def assert_same_output(got: Tensor | PackedSequence, expected: Tensor | PackedSequence, **tolerance) -> None:
    """The same type and layout, and values within `tolerance`; for a PackedSequence, the same packing."""
    assert type(got) is type(expected), (type(got), type(expected))
    if isinstance(expected, PackedSequence):
        assert torch.equal(got.batch_sizes, expected.batch_sizes)
        for name in ("sorted_indices", "unsorted_indices"):
            mine, theirs = getattr(got, name), getattr(expected, name)
            assert (mine is None and theirs is None) or torch.equal(mine, theirs), (name, mine, theirs)
        got, expected = got.data, expected.data
    assert got.shape == expected.shape and got.dtype == expected.dtype, (got.shape, expected.shape, got.dtype)
    torch.testing.assert_close(got, expected, **tolerance)


def weighted_sum(values: Tensor) -> Tensor:
    return (values * torch.linspace(-1, 2, values.numel(), dtype=values.dtype).reshape(values.shape)).sum()


def test_the_grid_is_large_and_every_dtype_meets_every_setting():
    assert len(GRID) + len(CASES) >= 150 and len(set(GRID)) == len(GRID), len(GRID)
    settings = {"kind": KINDS, "batch_first": [True, False], "bidirectional": [True, False], "num_layers": [1, 2, 3],
                "nonlinearity": ["tanh", "relu"], "bias": [True, False], "give_h0": [True, False]}
    for dtype in DTYPES:
        cases = CASES if dtype == torch.float64 else [case for case, case_dtype in GRID if case_dtype == dtype]
        for field, values in settings.items():
            assert {getattr(case, field) for case in cases} == set(values), (dtype, field)
    print(f"{len(GRID)} cases of outputs and h_n, {len(CASES)} of float64 outputs, h_n and gradients")


@pytest.mark.parametrize("case,dtype", GRID, ids=[f"{case}-{str(dtype)[6:]}" for case, dtype in GRID])
def test_manual_rnn_returns_what_nn_rnn_returns(case, dtype):
    rnn = make_rnn(case, dtype)
    x, h0 = make_input(case, *make_source(case, dtype))
    with torch.no_grad():
        expected_output, expected_h_n = rnn(x, h0)
        output, h_n = manual_rnn(rnn, x, h0)
    assert_same_output(output, expected_output, **TOLERANCE[dtype])
    assert_same_output(h_n, expected_h_n, **TOLERANCE[dtype])


@pytest.mark.parametrize("case", CASES, ids=str)
def test_manual_rnn_has_nn_rnns_outputs_and_gradients_in_float64(case):
    rnn = make_rnn(case, torch.float64)
    sequences, h0 = make_source(case, torch.float64)
    leaves = [sequences, h0, *rnn.parameters()] if case.give_h0 else [sequences, *rnn.parameters()]
    results, gradients = [], []
    for run in (rnn.forward, lambda x, h: manual_rnn(rnn, x, h)):
        output, h_n = run(*make_input(case, sequences, h0))
        data = output.data if isinstance(output, PackedSequence) else output
        loss = weighted_sum(data) + weighted_sum(h_n)   # every entry of output and h_n with its own weight
        results.append((output, h_n))
        gradients.append(torch.autograd.grad(loss, leaves))
    assert_same_output(results[1][0], results[0][0], **TOLERANCE[torch.float64])
    assert_same_output(results[1][1], results[0][1], **TOLERANCE[torch.float64])
    names = ["sequences", "h0"][:2 if case.give_h0 else 1] + [name for name, _ in rnn.named_parameters()]
    for name, mine, theirs in zip(names, gradients[1], gradients[0]):
        torch.testing.assert_close(mine, theirs, atol=1e-10, rtol=1e-10, msg=lambda m: f"d loss / d {name}: {m}")


# ---------- what the documentation promises for packed input, checked without nn.RNN's packing ----------

@pytest.mark.parametrize("bidirectional", [False, True])
def test_packed_h_n_is_each_sequence_run_alone(bidirectional):
    """h_n "for each element in the batch": a packed batch gives each sequence the state it has alone."""
    torch.manual_seed(0)
    rnn = nn.RNN(FEATURES, HIDDEN, num_layers=2, bidirectional=bidirectional).double()
    sequences = [torch.randn(n, FEATURES, dtype=torch.float64) for n in LENGTHS["unsorted"]]
    output, h_n = manual_rnn(rnn, pack_sequence(sequences, enforce_sorted=False))
    padded, lengths = pad_packed_sequence(output, batch_first=True)
    assert lengths.tolist() == LENGTHS["unsorted"]
    for i, sequence in enumerate(sequences):
        alone_output, alone_h_n = manual_rnn(rnn, sequence)        # unbatched (L_i, H_in)
        torch.testing.assert_close(h_n[:, i], alone_h_n)
        torch.testing.assert_close(alone_h_n, rnn(sequence)[1])     # as nn.RNN has it too
        torch.testing.assert_close(padded[i, :len(sequence)], alone_output)
        assert not padded[i, len(sequence):].any()                  # pad_packed_sequence pads with zeros


def test_packed_equal_lengths_give_the_padded_result():
    torch.manual_seed(0)
    rnn = nn.RNN(FEATURES, HIDDEN, bidirectional=True, batch_first=True).double()
    x = torch.randn(3, STEPS, FEATURES, dtype=torch.float64)
    packed_output, packed_h_n = manual_rnn(rnn, pack_padded_sequence(x, [STEPS] * 3, batch_first=True))
    output, h_n = manual_rnn(rnn, x)
    torch.testing.assert_close(pad_packed_sequence(packed_output, batch_first=True)[0], output)
    torch.testing.assert_close(packed_h_n, h_n)


def test_packed_h0_is_read_in_the_callers_order():
    """nn.RNN sorts h0 with the PackedSequence's sorted_indices itself: h0[:, i] belongs to sequence i."""
    torch.manual_seed(0)
    rnn = nn.RNN(FEATURES, HIDDEN).double()
    sequences = [torch.randn(n, FEATURES, dtype=torch.float64) for n in LENGTHS["unsorted"]]
    h0 = torch.randn(1, 4, HIDDEN, dtype=torch.float64)
    _, h_n = manual_rnn(rnn, pack_sequence(sequences, enforce_sorted=False), h0)
    for i, sequence in enumerate(sequences):
        torch.testing.assert_close(h_n[:, i], manual_rnn(rnn, sequence, h0[:, i])[1])
        torch.testing.assert_close(h_n[:, i], rnn(sequence, h0[:, i])[1])


def test_a_packed_batch_of_one_sequence_in_float16():
    torch.manual_seed(0)
    rnn = nn.RNN(FEATURES, HIDDEN).half()
    packed = pack_sequence([torch.randn(2, FEATURES, dtype=torch.float16)])
    assert_same_output(manual_rnn(rnn, packed)[0], rnn(packed)[0], **TOLERANCE[torch.float16])


def test_gradients_of_manual_rnn_itself_on_packed_input():
    """torch.autograd.gradcheck: manual_rnn's gradients equal finite differences (float64, packed, 2 layers)."""
    torch.manual_seed(0)
    rnn = nn.RNN(2, 3, num_layers=2, bidirectional=True).double()
    lengths = torch.tensor([3, 1, 2])

    def run(x: Tensor, h0: Tensor) -> tuple[Tensor, Tensor]:
        output, h_n = manual_rnn(rnn, pack_padded_sequence(x, lengths, enforce_sorted=False), h0)
        return output.data, h_n

    x = torch.randn(3, 3, 2, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(4, 3, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(run, (x, h0))
