"""The models of the course.

`SequenceClassifier` is lesson 03's model: nn.RNN -> last hidden state -> nn.Linear.
`SequenceRegressor` is the same body with numbers out instead of class scores (lesson 07).
`PerStepRNN` puts the linear layer on every step of `output` (lesson 06).
`OrderBlindBaseline` is lesson 03's control: it cannot see order, so it stays at chance.
The recurrence itself, written out by hand, is in `recurrence.py` (lesson 02).
"""

from __future__ import annotations

import warnings

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

from rnn_lesson.checks import check_h0, check_sequences, describe, require_int
from rnn_lesson.data import check_lengths, zero_steps_at_end

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def warn_if_end_padded(x: Tensor) -> None:
    """Warn when the sequences of x `(N, L, F)` end in different numbers of all-zero steps: padding at the end,
    fed without lengths, which the RNN reads as data. Lesson 07 § 2 (Packing)."""
    trailing = zero_steps_at_end(x)
    if trailing.min() != trailing.max():
        warnings.warn("x: expected each sequence to end at its last real step, got sequences that end in different "
                      "numbers of all-zero steps: that looks like padding at the end, which the RNN reads as data, "
                      "so each summary comes after the padding; pass the lengths: model(x, lengths), or pad at the "
                      "front.", UserWarning, stacklevel=2)


class RecurrentModel(nn.Module):
    """What the course's models share: a recurrent layer, always batch_first, and a linear head.

    `rnn`: nn.RNN, nn.LSTM or nn.GRU (`cell`), built with `rnn_kwargs` (num_layers, nonlinearity,
    bias, dropout, bidirectional); `head`: nn.Linear from the layer's `D * H` features to `outputs`.
    """

    def __init__(self, input_size: object, hidden_size: object, outputs: int, cell: object, rnn_kwargs: dict):
        super().__init__()
        input_size, hidden_size = require_int(input_size, "input_size"), require_int(hidden_size, "hidden_size")
        batch_first = rnn_kwargs.pop("batch_first", True)
        if batch_first is not True:
            raise ValueError(f"batch_first: expected True, as {type(self).__name__} always uses batch_first=True, got "
                             f"{describe(batch_first)}; leave it out, and transpose time-major data: x.transpose(0, 1).")
        if cell not in CELLS:
            named = getattr(cell, "__name__", str(cell)).lower()  # "LSTM" or the class nn.LSTM -> "lstm"
            fix = f"use cell={named!r}" if named in CELLS else "pick one of them"
            raise ValueError(f"cell: expected one of 'rnn', 'lstm', 'gru' (lowercase), got {describe(cell)}; {fix}.")
        self.rnn = CELLS[cell](input_size, hidden_size, batch_first=True, **rnn_kwargs)
        self.head = nn.Linear(self.directions * hidden_size, outputs)

    @property
    def directions(self) -> int:
        """D: 2 for a bidirectional layer, else 1."""
        return 2 if self.rnn.bidirectional else 1


class LastStepModel(RecurrentModel):
    """The body SequenceClassifier and SequenceRegressor share: a recurrent layer read at each sequence's true
    last step, then nn.Linear. forward: x `(N, L, input_size)` (with lengths `(N,)`, or a PackedSequence)
    -> `(N, outputs)`."""

    def last_hidden(self, h_n: Tensor) -> Tensor:
        """The top layer's final hidden state: h_n `(num_layers * D, N, H)` -> `(N, D * H)`.

        For a bidirectional RNN this joins the forward direction's last step with the
        backward direction's summary (its step at t = 0), both taken from `h_n`. With
        packed input, h_n holds each sequence's state at its true last step.
        """
        if self.rnn.bidirectional:
            return torch.cat([h_n[-2], h_n[-1]], dim=1)
        return h_n[-1]

    def forward(self, x: Tensor | PackedSequence, lengths: Tensor | None = None) -> Tensor:
        if isinstance(x, PackedSequence):  # unpacked to (x, lengths), then packed again below
            if lengths is not None:
                raise ValueError(f"lengths: expected none with a PackedSequence, which carries its own lengths, got "
                                 f"{describe(lengths)}; call model(packed) alone.")
            x, lengths = pad_packed_sequence(x, batch_first=True)
        x = check_sequences(x, self.rnn.input_size, like=self.head.weight)
        if lengths is None:
            warn_if_end_padded(x)
            _, state = self.rnn(x)  # state: h_n (num_layers*D, N, H) or, for an LSTM, (h_n, c_n)
        else:
            lengths = check_lengths(lengths, x)
            _, state = self.rnn(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
        h_n = state[0] if isinstance(state, tuple) else state
        return self.head(self.last_hidden(h_n))  # (N, outputs)


class SequenceClassifier(LastStepModel):
    """nn.RNN (batch_first) -> last hidden state -> nn.Linear -> logits.

    Lesson 03 § 1 (The classifier); `cell="lstm"` or `"gru"` in lesson 05 § 1; lengths in lesson 07 § 2 (Packing).
    forward(x, lengths=None): x `(N, L, input_size)` -> logits `(N, num_classes)`. With lengths `(N,)`
    (the real steps of each end-padded sequence), or x a PackedSequence, each sequence is read at its
    true last step. The model returns raw logits; `nn.CrossEntropyLoss` applies log-softmax itself, and
    softmax is used only to read probabilities at prediction time.
    `rnn_kwargs` go to `nn.RNN` (num_layers, nonlinearity, bias, dropout, bidirectional).
    `cell="lstm"` or `"gru"` swaps in `nn.LSTM` or `nn.GRU`. Any float dtype: `model.double()`, then float64 x.
    """

    task = "classify"

    def __init__(self, input_size: int = 5, hidden_size: int = 8, num_classes: int = 3, cell: str = "rnn",
                 **rnn_kwargs: object):
        num_classes = require_int(num_classes, "num_classes", minimum=2)  # a classifier tells 2 classes or more apart
        super().__init__(input_size, hidden_size, num_classes, cell, rnn_kwargs)


class SequenceRegressor(LastStepModel):
    """nn.RNN (batch_first) -> last hidden state -> nn.Linear -> numbers: one prediction per sequence.

    Lesson 07 § 5 (Your own data: the checklist): SequenceClassifier's body for targets that are measurements.
    forward(x, lengths=None): x `(N, L, input_size)` -> `(N, output_size)`; lengths and PackedSequence
    as for SequenceClassifier (lesson 07 § 2, Packing). Train it with a mean squared error.
    """

    task = "regress"

    def __init__(self, input_size: int, hidden_size: int = 8, output_size: int = 1, cell: str = "rnn",
                 **rnn_kwargs: object):
        output_size = require_int(output_size, "output_size")
        super().__init__(input_size, hidden_size, output_size, cell, rnn_kwargs)


class PerStepRNN(RecurrentModel):
    """nn.RNN (batch_first) -> nn.Linear on every step of `output`: a prediction at every step.

    Lesson 06 § 3 (A prediction at every step). x `(N, L, input_size)` -> `output` `(N, L, D * H)`
    -> predictions `(N, L, output_size)`. task="regress": the next value at each step (output_size =
    input_size to forecast, see `series.forecast`); task="classify": per-step logits, output_size = C >= 2.
    forward(x, h0=None) -> predictions; forward_with_state(x, h0=None) -> (predictions, h_n), h_n
    `(num_layers * D, N, H)` (for an LSTM, (h_n, c_n)), to carry the state into the next call.
    """

    def __init__(self, input_size: int, hidden_size: int = 16, output_size: int = 1, task: str = "regress",
                 cell: str = "rnn", **rnn_kwargs: object):
        if task not in ("regress", "classify"):
            raise ValueError(f"task: expected 'regress' (numbers at every step) or 'classify' (a class at every "
                             f"step), got {describe(task)}; use task='regress' or task='classify'.")
        output_size = require_int(output_size, "output_size", minimum=2 if task == "classify" else 1)
        super().__init__(input_size, hidden_size, output_size, cell, rnn_kwargs)
        self.task = task

    def forward_with_state(self, x: Tensor, h0: Tensor | tuple[Tensor, Tensor] | None = None
                           ) -> tuple[Tensor, Tensor | tuple[Tensor, Tensor]]:
        """x `(N, L, input_size)`, h0 `(num_layers * D, N, H)` or None -> (predictions `(N, L, output_size)`, h_n)."""
        x = check_sequences(x, self.rnn.input_size, like=self.head.weight)
        if isinstance(h0, Tensor):
            check_h0(h0, (self.rnn.num_layers * self.directions, x.shape[0], self.rnn.hidden_size))
        output, state = self.rnn(x, h0)  # output: (N, L, D*H), the top layer's state at every step
        return self.head(output), state  # the same Linear on every step: (N, L, output_size)

    def forward(self, x: Tensor, h0: Tensor | tuple[Tensor, Tensor] | None = None) -> Tensor:
        return self.forward_with_state(x, h0)[0]


class OrderBlindBaseline(nn.Module):
    """A model that cannot see order: the same small MLP on every time step, averaged over time.

    Lesson 03 § 5 (Why recurrence: an order-blind baseline).
    forward: x `(N, L, input_size)` -> logits `(N, num_classes)`. Shuffling the time steps
    of a sequence leaves its output unchanged, so on the course data it stays near chance.
    """

    task = "classify"

    def __init__(self, input_size: int = 5, hidden_size: int = 16, num_classes: int = 3):
        super().__init__()
        self.input_size = input_size
        self.per_step = nn.Sequential(nn.Linear(input_size, hidden_size), nn.Tanh())
        self.head = nn.Linear(hidden_size, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = check_sequences(x, self.input_size, like=self.head.weight)
        return self.head(self.per_step(x).mean(dim=1))  # (N, L, hidden) -> (N, hidden) -> (N, classes)
