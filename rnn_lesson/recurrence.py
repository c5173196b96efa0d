"""The RNN recurrence written out by hand: lesson 02 § 4 (The recurrence by hand).

    h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)

`rnn_step` is one step of it; `manual_rnn` loops it over time, layer by layer and
direction by direction, with an `nn.RNN`'s own weights, and returns exactly what the
module returns. The tests check the two against `nn.RNN` on every configuration.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor, nn

from rnn_lesson.checks import check_h0, require_tensor, shape_str


def rnn_step(x_t: Tensor, h_prev: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor,
             activation: Callable[[Tensor], Tensor] = torch.tanh) -> Tensor:
    """One step of the recurrence: h_t = activation(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh).

    Lesson 02 § 4 (The recurrence by hand).
    x_t `(N, H_in)`, h_prev `(N, H)`, w_ih `(H, H_in)`, w_hh `(H, H)`, b_ih and b_hh `(H,)`
    -> h_t `(N, H)`.
    """
    return activation(x_t @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh)


def manual_rnn(rnn: nn.RNN, x: Tensor, h0: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """Run `rnn` as a plain Python loop over time, with the module's own weights.

    Lesson 02 § 4 (The recurrence by hand). Takes and returns exactly what `rnn(x, h0)` does:
    x `(N, L, H_in)` if batch_first else `(L, N, H_in)`, or unbatched `(L, H_in)`;
    h0 `(num_layers * D, N, H)` (unbatched: `(num_layers * D, H)`), zeros when None;
    returns output (`(N, L, D*H)` / `(L, N, D*H)` / `(L, D*H)`) and h_n (shaped like h0).
    D is 2 for a bidirectional RNN, else 1. Each layer's output is the next layer's input.
    On a GPU, `nn.RNN` runs cuDNN, which rounds its matrix products to TF32 by default: there the
    two differ by about 1e-3 (measured on an H100: 4e-4), or about 1e-5 after
    `torch.backends.cudnn.allow_tf32 = False`. On the CPU they agree to 1e-6.
    """
    unbatched = isinstance(x, Tensor) and x.dim() == 2
    x, h0 = time_first_inputs(rnn, x, h0)  # x (L, N, H_in), h0 (num_layers * D, N, H)
    directions = 2 if rnn.bidirectional else 1
    layer_input, h_n = x, []
    for layer in range(rnn.num_layers):
        outputs = []
        for direction in range(directions):
            h_start = h0[layer * directions + direction]  # (N, H)
            output, h_last = run_direction(rnn, layer_input, h_start, layer, reverse=direction == 1)
            outputs.append(output)
            h_n.append(h_last)
        layer_input = torch.cat(outputs, dim=2)  # (L, N, D*H): both directions side by side
    output, h_n = layer_input, torch.stack(h_n)  # (L, N, D*H) and (num_layers * D, N, H)

    if unbatched:  # back to the layout the caller used
        return output.squeeze(1), h_n.squeeze(1)
    if rnn.batch_first:
        return output.transpose(0, 1), h_n
    return output, h_n


def time_first_inputs(rnn: nn.RNN, x: Tensor, h0: Tensor | None) -> tuple[Tensor, Tensor]:
    """Check `x` and `h0` and lay them out the way the loop reads them: time first.

    x as `rnn` takes it: `(N, L, H_in)` with batch_first, `(L, N, H_in)` without, or one
    unbatched sequence `(L, H_in)` (read as a batch of one) -> `(L, N, H_in)`.
    h0 `(num_layers * D, N, H)`, or `(num_layers * D, H)` unbatched, or None for zeros
    -> `(num_layers * D, N, H)`.
    """
    x = require_tensor(x, "x")
    if x.dim() not in (2, 3) or x.shape[-1] != rnn.input_size:
        layout = "(N, L, {0})" if rnn.batch_first else "(L, N, {0})"
        raise ValueError(f"x: expected {layout.format(rnn.input_size)} or unbatched (L, {rnn.input_size}), "
                         f"got {shape_str(x.shape)}.")
    if rnn.training and rnn.dropout > 0 and rnn.num_layers > 1:
        raise ValueError("manual_rnn applies no dropout; call rnn.eval() before comparing it with nn.RNN.")
    unbatched = x.dim() == 2
    if unbatched:
        x = x.unsqueeze(1)  # (L, H_in) -> (L, 1, H_in)
    elif rnn.batch_first:
        x = x.transpose(0, 1)  # (N, L, H_in) -> (L, N, H_in)
    directions = 2 if rnn.bidirectional else 1
    state_shape = (rnn.num_layers * directions, x.shape[1], rnn.hidden_size)
    if h0 is None:
        return x, torch.zeros(state_shape, dtype=x.dtype, device=x.device)
    if unbatched:
        return x, check_h0(h0, (state_shape[0], state_shape[2])).unsqueeze(1)
    return x, check_h0(h0, state_shape)


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
