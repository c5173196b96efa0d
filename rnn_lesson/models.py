"""The models of the course.

`SequenceClassifier` is lesson 03's model: nn.RNN -> last hidden state -> nn.Linear.
`OrderBlindBaseline` is lesson 03's control: it cannot see order, so it stays at chance.
The recurrence itself, written out by hand, is in `recurrence.py` (lesson 02).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from rnn_lesson.checks import check_sequences, describe, require_int

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class SequenceClassifier(nn.Module):
    """nn.RNN (batch_first) -> last hidden state -> nn.Linear -> logits.

    Lesson 03 § 1 (The classifier); `cell="lstm"` or `"gru"` in lesson 05 § 1.
    forward: x `(N, L, input_size)` -> logits `(N, num_classes)`.
    The model returns raw logits; `nn.CrossEntropyLoss` applies log-softmax itself, and
    softmax is used only to read probabilities at prediction time.
    `rnn_kwargs` go to `nn.RNN` (num_layers, nonlinearity, bias, dropout, bidirectional).
    `cell="lstm"` or `"gru"` swaps in `nn.LSTM` or `nn.GRU`.
    """

    def __init__(self, input_size: int = 5, hidden_size: int = 8, num_classes: int = 3, cell: str = "rnn",
                 **rnn_kwargs: object):
        super().__init__()
        input_size, hidden_size = require_int(input_size, "input_size"), require_int(hidden_size, "hidden_size")
        num_classes = require_int(num_classes, "num_classes", minimum=2)  # a classifier tells 2 classes or more apart
        batch_first = rnn_kwargs.pop("batch_first", True)
        if batch_first is not True:
            raise ValueError(f"batch_first: expected True, as SequenceClassifier always uses batch_first=True, got "
                             f"{describe(batch_first)}; leave it out, and transpose time-major data: x.transpose(0, 1).")
        if cell not in CELLS:
            named = getattr(cell, "__name__", str(cell)).lower()  # "LSTM" or the class nn.LSTM -> "lstm"
            fix = f"use cell={named!r}" if named in CELLS else "pick one of them"
            raise ValueError(f"cell: expected one of 'rnn', 'lstm', 'gru' (lowercase), got {describe(cell)}; {fix}.")
        self.rnn = CELLS[cell](input_size, hidden_size, batch_first=True, **rnn_kwargs)
        directions = 2 if self.rnn.bidirectional else 1
        self.head = nn.Linear(directions * hidden_size, num_classes)

    def last_hidden(self, h_n: Tensor) -> Tensor:
        """The top layer's final hidden state: h_n `(num_layers * D, N, H)` -> `(N, D * H)`.

        For a bidirectional RNN this joins the forward direction's last step with the
        backward direction's summary (its step at t = 0), both taken from `h_n`.
        """
        if self.rnn.bidirectional:
            return torch.cat([h_n[-2], h_n[-1]], dim=1)
        return h_n[-1]

    def forward(self, x: Tensor) -> Tensor:
        x = check_sequences(x, self.rnn.input_size, like=self.head.weight)
        output, state = self.rnn(x)  # (N, L, D*H), and h_n (num_layers*D, N, H) or, for an LSTM, (h_n, c_n)
        h_n = state[0] if isinstance(state, tuple) else state
        return self.head(self.last_hidden(h_n))  # (N, num_classes)


class OrderBlindBaseline(nn.Module):
    """A model that cannot see order: the same small MLP on every time step, averaged over time.

    Lesson 03 § 5 (Why recurrence: an order-blind baseline).
    forward: x `(N, L, input_size)` -> logits `(N, num_classes)`. Shuffling the time steps
    of a sequence leaves its output unchanged, so on the course data it stays near chance.
    """

    def __init__(self, input_size: int = 5, hidden_size: int = 16, num_classes: int = 3):
        super().__init__()
        self.input_size = input_size
        self.per_step = nn.Sequential(nn.Linear(input_size, hidden_size), nn.Tanh())
        self.head = nn.Linear(hidden_size, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = check_sequences(x, self.input_size, like=self.head.weight)
        return self.head(self.per_step(x).mean(dim=1))  # (N, L, hidden) -> (N, hidden) -> (N, classes)
