"""The RNN recurrence written out by hand: lesson 02 § 4 (The recurrence by hand).

    h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)

`rnn_step` is one step of it; `manual_rnn` loops it over time, layer by layer and direction by
direction, with an `nn.RNN`'s own weights, and returns exactly what the module returns, packed
sequences of different lengths included (lesson 07 § 2, Packing). Both check their inputs first,
as PyTorch does, and say what to fix. The tests check the two against `nn.RNN` on every configuration.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence, pad_packed_sequence

from rnn_lesson.checks import check_h0, require_tensor, shape_str


def rnn_step(x_t: Tensor, h_prev: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor,
             activation: Callable[[Tensor], Tensor] = torch.tanh) -> Tensor:
    """One step of the recurrence: h_t = activation(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh).

    Lesson 02 § 4 (The recurrence by hand).
    x_t `(N, H_in)`, h_prev `(N, H)`, w_ih `(H, H_in)`, w_hh `(H, H)`, b_ih and b_hh `(H,)`
    -> h_t `(N, H)`; unbatched, as nn.RNNCell takes it, x_t `(H_in,)` and h_prev `(H,)` -> `(H,)`.
    """
    check_step(x_t, h_prev, w_ih, w_hh, b_ih, b_hh, activation)
    return activation(x_t @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh)


def check_step(x_t: Tensor, h_prev: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor,
               activation: object) -> None:
    """rnn_step's inputs, checked as nn.RNNCell checks them so that no broadcast hides a mistake:
    the shapes in rnn_step's docstring (H from w_hh, H_in from x_t) and one dtype, that of w_hh."""
    named = {"x_t": x_t, "h_prev": h_prev, "w_ih": w_ih, "w_hh": w_hh, "b_ih": b_ih, "b_hh": b_hh}
    for name, value in named.items():
        same_dtype(require_tensor(value, name), name, require_tensor(w_hh, "w_hh").dtype)
    if not callable(activation):
        raise TypeError(f"activation: expected a function, got {type(activation).__name__} {activation!r}; "
                        f"pass torch.{activation if activation in ('tanh', 'relu') else 'tanh'}, without quotes.")
    if x_t.dim() not in (1, 2):
        raise ValueError(f"x_t: expected one time step (N, H_in), got {shape_str(x_t.shape)}; take step t, x[:, t].")
    hidden = w_hh.shape[0]
    for name, shape in {"h_prev": (*x_t.shape[:-1], hidden), "w_ih": (hidden, x_t.shape[-1]),
                        "w_hh": (hidden, hidden), "b_ih": (hidden,), "b_hh": (hidden,)}.items():
        got = tuple(named[name].shape)
        fix = "pass the layer's own rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0"
        if name == "w_ih" and got == shape[::-1]:
            fix = "it is transposed; pass w_ih.T (rnn_step multiplies by w_ih.T itself, as nn.RNN does)"
        elif name == "h_prev" and got[-1:] == shape[-1:]:
            fix = f"one state per sequence of x_t; start from torch.zeros{shape_str(shape)}"
        elif name == "h_prev" and got[-1:] == w_ih.shape[-1:]:
            fix = "x_t and h_prev are swapped; the input comes first: rnn_step(x_t, h_prev, ...)"
        if got != shape:
            raise ValueError(f"{name}: expected {shape_str(shape)}, got {shape_str(got)}; {fix}.")


def same_dtype(value: Tensor, name: str, dtype: torch.dtype) -> Tensor:
    """Return `value` if its dtype is `dtype`, the RNN's weights'; otherwise say which cast fixes it."""
    if value.dtype != dtype:
        cast = "float()" if dtype == torch.float32 else f"to({dtype})"
        raise TypeError(f"{name}: expected dtype {dtype} like the RNN's weights, got {value.dtype}; use {name}.{cast}.")
    return value


def manual_rnn(rnn: nn.RNN, x: Tensor | PackedSequence,
               h0: Tensor | None = None) -> tuple[Tensor | PackedSequence, Tensor]:
    """Run `rnn` as a plain Python loop over time, with the module's own weights.

    Lesson 02 § 4 (The recurrence by hand). Takes and returns exactly what `rnn(x, h0)` does:
    x `(N, L, H_in)` if batch_first else `(L, N, H_in)`, or unbatched `(L, H_in)`;
    h0 `(num_layers * D, N, H)` (unbatched: `(num_layers * D, H)`), zeros when None;
    returns output (`(N, L, D*H)` / `(L, N, D*H)` / `(L, D*H)`) and h_n (shaped like h0).
    D is 2 for a bidirectional RNN, else 1. Each layer's output is the next layer's input.

    Lesson 07 § 2 (Packing): x may be a PackedSequence (pack_padded_sequence or pack_sequence, sorted
    or not; batch_first does not apply to it). Each sequence stops at its own last step, where h_n
    takes its state (the backward direction starts there), in the caller's order, as h0 is; output
    is a PackedSequence laid out like x (same batch_sizes, sorted_indices, unsorted_indices).

    On a GPU, `nn.RNN` runs cuDNN, which rounds its matrix products to TF32 by default: there the
    two differ by about 1e-3 (measured on an H100: 4e-4), or about 1e-5 after
    `torch.backends.cudnn.allow_tf32 = False`. On the CPU they agree to 1e-6.
    """
    rnn, given = require_rnn(rnn, x), x
    unbatched = isinstance(x, Tensor) and x.dim() == 2
    x, lengths, h0 = time_first_inputs(rnn, x, h0)  # x (L, N, H_in), lengths (N,), h0 (num_layers * D, N, H)
    directions = 2 if rnn.bidirectional else 1
    layer_input, h_n = x, []
    for layer in range(rnn.num_layers):
        outputs = []
        for direction in range(directions):
            h_start = h0[layer * directions + direction]  # (N, H)
            output, h_last = run_direction(rnn, layer_input, h_start, lengths, layer, reverse=direction == 1)
            outputs.append(output)
            h_n.append(h_last)
        layer_input = torch.cat(outputs, dim=2)  # (L, N, D*H): both directions side by side
    output, h_n = layer_input, torch.stack(h_n)  # (L, N, D*H) and (num_layers * D, N, H)

    if isinstance(given, PackedSequence):  # back to the layout the caller used
        return pack_like(output, given), h_n
    if unbatched:
        return output.squeeze(1), h_n.squeeze(1)
    if rnn.batch_first:
        return output.transpose(0, 1), h_n
    return output, h_n


def pack_like(output: Tensor, packed: PackedSequence) -> PackedSequence:
    """Pack `output` `(L, N, D*H)` (time first, sequences in the caller's order) as `packed` is packed.

    Lesson 07 § 2 (Packing). A PackedSequence stores step 0 of every sequence, then step 1 of those
    that have one, and so on: step t holds the first `batch_sizes[t]` sequences, longest first;
    `sorted_indices[i]` is the caller's index of the i-th longest (None: they came sorted).
    -> data `(sum of lengths, D*H)`, packed with `packed`'s batch_sizes and indices.
    """
    longest_first = torch.arange(output.shape[1]) if packed.sorted_indices is None else packed.sorted_indices
    steps = [output[t, longest_first[:size]] for t, size in enumerate(packed.batch_sizes.tolist())]
    return PackedSequence(torch.cat(steps), packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)


def require_rnn(rnn: object, x: object) -> nn.RNN:
    """Return `rnn` if it is an nn.RNN layer; otherwise a TypeError that says which layer to pass."""
    if isinstance(rnn, nn.RNN):
        return rnn
    data = x.data if isinstance(x, PackedSequence) else x
    features = data.shape[-1] if isinstance(data, Tensor) and data.dim() else "input_size"
    fix = f"create a layer and pass it, e.g. rnn = nn.RNN({features}, 8, batch_first=True)"
    if isinstance(rnn, (nn.LSTM, nn.GRU)):
        fix = (f"manual_rnn follows nn.RNN's recurrence only (nn.{type(rnn).__name__} adds gates); use "
               f"nn.RNN({rnn.input_size}, {rnn.hidden_size}, num_layers={rnn.num_layers}, "
               f"batch_first={rnn.batch_first}, bidirectional={rnn.bidirectional})")
    elif isinstance(getattr(rnn, "rnn", None), nn.Module):
        fix = "pass the model's recurrent layer, model.rnn"
    elif isinstance(rnn, Tensor):
        fix = "the layer comes first: manual_rnn(rnn, x)"
    got = f"the class {rnn.__name__}" if isinstance(rnn, type) else type(rnn).__name__
    raise TypeError(f"rnn: expected an nn.RNN layer, got {got}; {fix}.")


def time_first_inputs(rnn: nn.RNN, x: Tensor | PackedSequence, h0: Tensor | None) -> tuple[Tensor, Tensor, Tensor]:
    """Check `x` and `h0` and lay them out the way the loop reads them: time first.

    x as `rnn` takes it: `(N, L, H_in)` with batch_first, `(L, N, H_in)` without, one
    unbatched sequence `(L, H_in)` (read as a batch of one), or a PackedSequence
    -> x `(L, N, H_in)` and lengths `(N,)`, each sequence's own length (all L unless packed).
    h0 `(num_layers * D, N, H)`, or `(num_layers * D, H)` unbatched, or None for zeros
    -> `(num_layers * D, N, H)`.
    """
    if rnn.training and rnn.dropout > 0 and rnn.num_layers > 1:
        raise ValueError(f"rnn: expected a layer in eval mode, got one in training mode with dropout={rnn.dropout}, "
                         "which manual_rnn does not apply; call rnn.eval() before comparing it with nn.RNN.")
    unbatched = isinstance(x, Tensor) and x.dim() == 2
    if isinstance(x, PackedSequence):
        x, lengths = unpack(rnn, x)
    else:
        x = padded_input(rnn, x)
        lengths = torch.full((x.shape[1],), x.shape[0])  # every sequence runs all L steps
    directions = 2 if rnn.bidirectional else 1
    state_shape = (rnn.num_layers * directions, x.shape[1], rnn.hidden_size)
    if isinstance(h0, Tensor) and h0.dim() == 1 and not h0.is_floating_point():
        raise TypeError(f"h0: expected a hidden state {shape_str(state_shape)}, got integers {shape_str(h0.shape)}, "
                        "lengths perhaps; manual_rnn reads lengths from a packed x: manual_rnn(rnn, torch.nn.utils.rnn."
                        f"pack_padded_sequence(x, lengths, batch_first={rnn.batch_first}, enforce_sorted=False)).")
    if h0 is None:
        return x, lengths, torch.zeros(state_shape, dtype=x.dtype, device=x.device)
    if unbatched:
        return x, lengths, same_dtype(check_state(h0, (state_shape[0], state_shape[2])), "h0", x.dtype).unsqueeze(1)
    return x, lengths, same_dtype(check_state(h0, state_shape), "h0", x.dtype)


def padded_input(rnn: nn.RNN, x: Tensor) -> Tensor:
    """Check a tensor x, `(N, L, H_in)` with batch_first, `(L, N, H_in)` without, or unbatched
    `(L, H_in)`, and return it time first, `(L, N, H_in)` (N = 1 when unbatched)."""
    if isinstance(x, list) and all(isinstance(s, Tensor) and s.dim() == 2 for s in x) and len(set(map(len, x))) > 1:
        raise TypeError(f"x: expected a tensor or a PackedSequence, got a list of {len(x)} sequences of "
                        f"{min(map(len, x))} to {max(map(len, x))} steps; pack them: manual_rnn(rnn, "
                        "torch.nn.utils.rnn.pack_sequence(x, enforce_sorted=False)).")
    x = require_tensor(x, "x")
    if x.dim() not in (2, 3) or x.shape[-1] != rnn.input_size:
        layout = "(N, L, {0})" if rnn.batch_first else "(L, N, {0})"
        fix = "drop the extra dimension: x.squeeze(0)" if x.dim() == 4 and x.shape[0] == 1 else "pass a batch"
        if x.dim() in (2, 3):
            fix = f"pass x with {rnn.input_size} features, or build the RNN with input_size={x.shape[-1]}"
        raise ValueError(f"x: expected {layout.format(rnn.input_size)} or unbatched (L, {rnn.input_size}), "
                         f"got {shape_str(x.shape)}; {fix}.")
    got, unbatched = shape_str(x.shape), x.dim() == 2
    if unbatched:
        x = x.unsqueeze(1)  # (L, H_in) -> (L, 1, H_in)
    elif rnn.batch_first:
        x = x.transpose(0, 1)  # (N, L, H_in) -> (L, N, H_in)
    if x.shape[0] == 0:
        steps = "x[:, :t]" if rnn.batch_first and not unbatched else "x[:t]"
        raise ValueError(f"x: expected at least one time step, got {got} with seq_len 0; "
                         f"check the slice that made it: {steps} keeps the first t steps.")
    return same_dtype(x, "x", rnn.weight_hh_l0.dtype)


def unpack(rnn: nn.RNN, x: PackedSequence) -> tuple[Tensor, Tensor]:
    """Lesson 07 § 2 (Packing). Check a PackedSequence, data `(sum of lengths, H_in)`, and pad it:
    -> x `(L, N, H_in)` time first, zeros after each sequence's end, in the caller's order, and lengths `(N,)`."""
    if x.data.dim() != 2 or x.data.shape[-1] != rnn.input_size:
        fix = f", or build the RNN with input_size={x.data.shape[-1]}" if x.data.dim() == 2 else ""
        raise ValueError(f"x: expected a PackedSequence of {rnn.input_size} features, data (sum of lengths, "
                         f"{rnn.input_size}), got data {shape_str(x.data.shape)}; pack sequences shaped "
                         f"(L_i, {rnn.input_size}){fix}.")
    same_dtype(x.data, "x", rnn.weight_hh_l0.dtype)  # its fix, x.float(), works on a PackedSequence too
    return pad_packed_sequence(x)


def check_state(h0: object, expected: tuple[int, ...]) -> Tensor:
    """check_h0 (h0 `expected`, `(num_layers * D, N, H)`), first naming two mistakes it cannot:
    an LSTM's `(h0, c0)` pair, and an h0 without its first dimension, num_layers * D."""
    if isinstance(h0, tuple) and all(isinstance(h, Tensor) for h in h0):
        raise TypeError(f"h0: expected one tensor {shape_str(expected)}, got a tuple of {len(h0)} tensors; "
                        "(h0, c0) is an LSTM's state and nn.RNN has no cell state: pass h0 alone.")
    if tuple(require_tensor(h0, "h0").shape) == expected[1:]:
        fix = "h0.unsqueeze(0)" if expected[0] == 1 else f"torch.stack([h0] * {expected[0]})"
        raise ValueError(f"h0: expected {shape_str(expected)}, got {shape_str(h0.shape)}: the first dimension, "
                         f"num_layers * num_directions, is missing; use {fix}.")
    return check_h0(h0, expected)


def run_direction(rnn: nn.RNN, inputs: Tensor, h: Tensor, lengths: Tensor, layer: int,
                  reverse: bool) -> tuple[Tensor, Tensor]:
    """Run one layer of `rnn` in one direction over time, with that layer's own weights.

    inputs `(L, N, H_in)` (time first), h `(N, H)` the initial state, lengths `(N,)` each sequence's
    own length -> outputs `(L, N, H)` (the hidden state at every step, in time order) and the final
    state `(N, H)`. The backward direction (`reverse=True`) reads from the last step to the first.
    Past its end a sequence's state stays as it is: the final state is the one at its true last
    step, and the backward direction starts there.
    """
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    w_ih, w_hh = getattr(rnn, "weight_ih" + suffix), getattr(rnn, "weight_hh" + suffix)
    no_bias = torch.zeros_like(w_hh[0])
    b_ih = getattr(rnn, "bias_ih" + suffix) if rnn.bias else no_bias
    b_hh = getattr(rnn, "bias_hh" + suffix) if rnn.bias else no_bias
    activation = torch.tanh if rnn.nonlinearity == "tanh" else torch.relu
    steps = range(inputs.shape[0])
    in_sequence = (torch.arange(len(steps))[:, None] < lengths).to(inputs.device)[:, :, None]  # (L, N, 1)
    outputs = [None] * len(steps)
    for t in (reversed(steps) if reverse else steps):  # rnn_step's formula; the inputs were checked once, above
        h_t = activation(inputs[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
        h = torch.where(in_sequence[t], h_t, h)  # past its end (packed input), a sequence keeps its state
        outputs[t] = h
    return torch.stack(outputs), h
