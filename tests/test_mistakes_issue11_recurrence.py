"""Mistakes with manual_rnn and packed sequences (lesson 07 § 2, Packing): each message names what was
expected, what came and the fix; `fixed` follows the fix literally and then runs."""

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pack_sequence

from mistakes import Mistake, check_mistake, ids
from rnn_lesson.recurrence import manual_rnn

torch.manual_seed(0)
X = torch.randn(4, 6, 5)                                 # a padded batch (N, L, F), batch first
LENGTHS = torch.tensor([6, 3, 5, 2])                     # each sequence's true length
SEQUENCES = [X[i, :n] for i, n in enumerate(LENGTHS.tolist())]   # the same batch as a list (L_i, F)


def rnn(**kwargs):
    return nn.RNN(5, 8, batch_first=True, **kwargs)


def packed(x=X):
    return pack_padded_sequence(x, LENGTHS, batch_first=True, enforce_sorted=False)


MISTAKES = [
    Mistake("manual_rnn on packed float64 sequences with a float32 RNN", lambda: manual_rnn(rnn(), packed(X.double())),
            TypeError, "x: expected dtype torch.float32 like the RNN's weights", "got torch.float64", "use x.float()",
            fixed=lambda: manual_rnn(rnn(), packed(X.double()).float())),
    Mistake("manual_rnn on packed float32 sequences with a float64 RNN", lambda: manual_rnn(rnn().double(), packed()),
            TypeError, "x: expected dtype torch.float64", "got torch.float32", "use x.to(torch.float64)",
            fixed=lambda: manual_rnn(rnn().double(), packed().to(torch.float64))),
    Mistake("manual_rnn on packed sequences with the wrong number of features",
            lambda: manual_rnn(rnn(), packed(X[:, :, :3])), ValueError,
            "expected a PackedSequence of 5 features", "got data (16, 3)", "build the RNN with input_size=3",
            fixed=lambda: manual_rnn(nn.RNN(3, 8, batch_first=True), packed(X[:, :, :3]))),
    Mistake("manual_rnn on sequences packed with a batch dimension each",
            lambda: manual_rnn(rnn(), pack_sequence([X[i:i + 1] for i in range(4)])), ValueError,
            "data (sum of lengths, 5)", "got data (4, 6, 5)", "pack sequences shaped (L_i, 5)",
            fixed=lambda: manual_rnn(rnn(), pack_sequence([X[i:i + 1].squeeze(0) for i in range(4)]))),
    Mistake("manual_rnn on packed input with h0 built from the padded tensor's steps",
            lambda: manual_rnn(rnn(), packed(), torch.zeros(1, X.shape[1], 8)), ValueError,
            "h0: expected (1, 4, 8)", "got (1, 6, 8)", "torch.zeros(1, 4, 8)",
            fixed=lambda: manual_rnn(rnn(), packed(), torch.zeros(1, 4, 8))),
    Mistake("manual_rnn given the lengths where h0 goes", lambda: manual_rnn(rnn(), X, LENGTHS), TypeError,
            "h0: expected a hidden state (1, 4, 8)", "got integers (4,)",
            "pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)",
            fixed=lambda: manual_rnn(rnn(), torch.nn.utils.rnn.pack_padded_sequence(
                X, LENGTHS, batch_first=True, enforce_sorted=False))),
    Mistake("manual_rnn given a list of sequences of different lengths", lambda: manual_rnn(rnn(), SEQUENCES),
            TypeError, "expected a tensor or a PackedSequence", "got a list of 4 sequences of 2 to 6 steps",
            "pack_sequence(x, enforce_sorted=False)",
            fixed=lambda: manual_rnn(rnn(), torch.nn.utils.rnn.pack_sequence(SEQUENCES, enforce_sorted=False))),
]


@pytest.mark.parametrize("mistake", MISTAKES, ids=ids(MISTAKES))
def test_mistake(mistake):
    check_mistake(mistake)


def test_the_fixes_give_what_nn_rnn_gives():
    """Following a fix above gives nn.RNN's own answer, not merely no error."""
    layer = rnn()
    fixed_output, fixed_h_n = manual_rnn(layer, torch.nn.utils.rnn.pack_sequence(SEQUENCES, enforce_sorted=False))
    output, h_n = layer(packed())
    torch.testing.assert_close(fixed_output.data, output.data, atol=1e-6, rtol=0)
    torch.testing.assert_close(fixed_h_n, h_n, atol=1e-6, rtol=0)
