"""The models of the course, and the RNN recurrence written out by hand.

`SequenceClassifier` is lesson 03's model: nn.RNN -> last hidden state -> nn.Linear.
`manual_rnn` is lesson 02's loop over time that reproduces `nn.RNN` exactly.
`OrderBlindBaseline` is lesson 03's control: it cannot see order, so it stays at chance.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from rnn_lesson.checks import check_h0, check_sequences, require_tensor, shape_str


CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class SequenceClassifier(nn.Module):
    """nn.RNN (batch_first) -> last hidden state -> nn.Linear -> logits.

    forward: x `(N, L, input_size)` -> logits `(N, num_classes)`.
    The model returns raw logits; `nn.CrossEntropyLoss` applies log-softmax itself, and
    softmax is used only to read probabilities at prediction time.
    `rnn_kwargs` go to `nn.RNN` (num_layers, nonlinearity, bias, dropout, bidirectional).
    `cell="lstm"` or `"gru"` swaps in `nn.LSTM` or `nn.GRU` (lesson 05).
    """

    def __init__(self, input_size: int = 5, hidden_size: int = 8, num_classes: int = 3, cell: str = "rnn",
                 **rnn_kwargs: object):
        super().__init__()
        if rnn_kwargs.pop("batch_first", True) is not True:
            raise ValueError("SequenceClassifier always uses batch_first=True: pass x as (batch, seq_len, "
                             "features), transposing time-major data with x.transpose(0, 1).")
        if cell not in CELLS:
            raise ValueError(f"cell: expected one of {sorted(CELLS)}, got {cell!r}.")
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
        x = check_sequences(x, self.rnn.input_size)
        output, state = self.rnn(x)  # (N, L, D*H), and h_n (num_layers*D, N, H) or, for an LSTM, (h_n, c_n)
        h_n = state[0] if isinstance(state, tuple) else state
        return self.head(self.last_hidden(h_n))  # (N, num_classes)


class OrderBlindBaseline(nn.Module):
    """A model that cannot see order: the same small MLP on every time step, averaged over time.

    forward: x `(N, L, input_size)` -> logits `(N, num_classes)`. Shuffling the time steps
    of a sequence leaves its output unchanged, so on the course data it stays near chance.
    """

    def __init__(self, input_size: int = 5, hidden_size: int = 16, num_classes: int = 3):
        super().__init__()
        self.input_size = input_size
        self.per_step = nn.Sequential(nn.Linear(input_size, hidden_size), nn.Tanh())
        self.head = nn.Linear(hidden_size, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = check_sequences(x, self.input_size)
        return self.head(self.per_step(x).mean(dim=1))  # (N, L, hidden) -> (N, hidden) -> (N, classes)


def rnn_step(x_t: Tensor, h_prev: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor,
             activation=torch.tanh) -> Tensor:
    """One step of the recurrence: h_t = activation(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh).

    x_t `(N, H_in)`, h_prev `(N, H)`, w_ih `(H, H_in)`, w_hh `(H, H)`, b_ih and b_hh `(H,)`
    -> h_t `(N, H)`.
    """
    return activation(x_t @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh)


def run_direction(rnn: nn.RNN, inputs: Tensor, h: Tensor, layer: int, reverse: bool) -> tuple[Tensor, Tensor]:
    """Run one layer of `rnn` in one direction over time, with that layer's own weights.

    inputs `(L, N, H_in)` (time first), h `(N, H)` the initial state -> outputs `(L, N, H)`
    (the hidden state at every step, in time order) and the final state `(N, H)`.
    The backward direction (`reverse=True`) reads from the last step to the first.
    """
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    w_ih, w_hh = getattr(rnn, "weight_ih" + suffix), getattr(rnn, "weight_hh" + suffix)
    no_bias = torch.zeros_like(w_hh[0])
    b_ih = getattr(rnn, "bias_ih" + suffix) if rnn.bias else no_bias
    b_hh = getattr(rnn, "bias_hh" + suffix) if rnn.bias else no_bias
    activation = torch.tanh if rnn.nonlinearity == "tanh" else torch.relu
    steps = range(inputs.shape[0])
    outputs = [None] * len(steps)
    for t in (reversed(steps) if reverse else steps):
        h = rnn_step(inputs[t], h, w_ih, w_hh, b_ih, b_hh, activation)
        outputs[t] = h
    return torch.stack(outputs), h


def manual_rnn(rnn: nn.RNN, x: Tensor, h0: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """Run `rnn` as a plain Python loop over time, with the module's own weights.

    Takes and returns exactly what `rnn(x, h0)` does:
    x `(N, L, H_in)` if batch_first else `(L, N, H_in)`, or unbatched `(L, H_in)`;
    h0 `(num_layers * D, N, H)` (unbatched: `(num_layers * D, H)`), zeros when None;
    returns output (`(N, L, D*H)` / `(L, N, D*H)` / `(L, D*H)`) and h_n (shaped like h0).
    D is 2 for a bidirectional RNN, else 1. Each layer's output is the next layer's input.
    """
    x = require_tensor(x, "x")
    if x.dim() not in (2, 3) or x.shape[-1] != rnn.input_size:
        layout = "(N, L, {0})" if rnn.batch_first else "(L, N, {0})"
        raise ValueError(f"x: expected {layout.format(rnn.input_size)} or unbatched (L, {rnn.input_size}), "
                         f"got {shape_str(x.shape)}.")
    if rnn.training and rnn.dropout > 0 and rnn.num_layers > 1:
        raise ValueError("manual_rnn applies no dropout; call rnn.eval() before comparing it with nn.RNN.")
    unbatched = x.dim() == 2
    x = x.unsqueeze(1) if unbatched else (x.transpose(0, 1) if rnn.batch_first else x)  # now (L, N, H_in)
    directions = 2 if rnn.bidirectional else 1
    state_shape = (rnn.num_layers * directions, x.shape[1], rnn.hidden_size)
    if h0 is None:
        h0 = torch.zeros(state_shape, dtype=x.dtype, device=x.device)
    elif unbatched:
        h0 = check_h0(h0, (state_shape[0], state_shape[2])).unsqueeze(1)
    else:
        h0 = check_h0(h0, state_shape)

    layer_input, h_n = x, []
    for layer in range(rnn.num_layers):
        outputs = []
        for direction in range(directions):
            output, h_last = run_direction(rnn, layer_input, h0[layer * directions + direction], layer, direction == 1)
            outputs.append(output)
            h_n.append(h_last)
        layer_input = torch.cat(outputs, dim=2)  # (L, N, D*H)
    output, h_n = layer_input, torch.stack(h_n)  # (L, N, D*H), (num_layers*D, N, H)
    if unbatched:
        return output.squeeze(1), h_n.squeeze(1)
    return (output.transpose(0, 1) if rnn.batch_first else output), h_n
