"""Input checks that explain mistakes instead of failing deep inside PyTorch.

Every public helper of `rnn_lesson` calls these before it does any work, so a learner
who passes the wrong shape reads what was expected, what came, and the likely fix.
Lesson 01 § 6 (Common mistakes) shows them; every lesson uses them.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


def shape_str(shape: tuple[int, ...] | torch.Size) -> str:
    """Write a shape the way the lessons do: `torch.Size([1000, 10, 5])` -> `"(1000, 10, 5)"`, `(8,)` -> `"(8,)"`.

    Lesson 01 § 6 (Common mistakes): every error message writes shapes this way.
    """
    sizes = [str(int(size)) for size in shape]
    return "(" + ", ".join(sizes) + ("," if len(sizes) == 1 else "") + ")"


def require_tensor(value: object, name: str) -> Tensor:
    """Return `value` if it is a tensor; otherwise raise a TypeError that says how to make one."""
    if isinstance(value, Tensor):
        return value
    kind = type(value).__name__
    if kind == "ndarray":
        fix = f"convert it with torch.from_numpy({name}).float()"
    elif isinstance(value, (list, tuple)):
        fix = f"convert it with torch.tensor({name}, dtype=torch.float32)"
    else:
        fix = "pass a torch.Tensor"
    raise TypeError(f"{name}: expected a torch.Tensor, got {kind}; {fix}.")


def check_sequences(
    x: object,
    input_size: int | None,
    name: str = "x",
    n_labels: int | None = None,
    allow_unbatched: bool = False,
) -> Tensor:
    """Check a batch of sequences laid out batch first and return it unchanged.

    Lesson 01 § 6 (Common mistakes).
    x: `(N, L, input_size)`, or `(L, input_size)` when `allow_unbatched` is True.
    input_size: the expected number of features, or None to accept any.
    n_labels: the number of labels that go with `x`, when known; it lets the check
    recognise swapped batch and time axes, `(L, N, input_size)`.
    """
    x = require_tensor(x, name)
    if input_size is None:
        input_size = x.shape[-1] if x.dim() else 0
    got = shape_str(x.shape)
    expected = f"(batch, seq_len, features) with features = {input_size}"
    if not x.is_floating_point():
        raise TypeError(f"{name}: expected floating-point values, got dtype {x.dtype}; use {name}.float().")
    if x.dim() == 2:
        if allow_unbatched and x.shape[1] == input_size:
            return x
        fix = f"add one with {name}.unsqueeze(0)" if x.shape[1] == input_size else "check how it was built"
        raise ValueError(f"{name}: expected 3 dimensions {expected}, got {got}: the batch dimension is missing; {fix}.")
    if x.dim() != 3:
        raise ValueError(f"{name}: expected 3 dimensions {expected}, got {x.dim()} dimensions {got}; "
                         "squeeze or reshape it to (batch, seq_len, features).")
    if x.shape[0] == 0:
        raise ValueError(f"{name}: the batch is empty {got}; pass at least one sequence.")
    if x.shape[2] != input_size:
        if x.shape[1] == input_size:
            raise ValueError(f"{name}: expected {expected}, got {got}. Either the features are not last - use "
                             f"{name}.permute(0, 2, 1), not view or reshape, which scramble the values - or "
                             f"input_size was set to the sequence length: input_size is the number of features "
                             f"per time step, here input_size={x.shape[2]}.")
        raise ValueError(f"{name}: expected {expected}, got {got} with {x.shape[2]} features; "
                         f"pass data with {input_size} features or build the model with input_size={x.shape[2]}.")
    if n_labels is not None and x.shape[0] != n_labels:
        if x.shape[1] == n_labels:
            raise ValueError(f"{name}: expected (batch, seq_len, features) = (N, L, {input_size}) with "
                             f"N = {n_labels} labels, got {got}: that looks like (seq_len, batch, features) - "
                             f"batch and time axes are swapped; use {name}.transpose(0, 1) "
                             "(the course uses batch_first=True).")
        raise ValueError(f"{name}: has {x.shape[0]} sequences but there are {n_labels} labels; "
                         "pass one label per sequence.")
    if torch.isnan(x).any():
        raise ValueError(f"{name}: contains NaN values; fill or drop them before training "
                         f"(find them with torch.isnan({name}).any(dim=(1, 2))).")
    return x


def check_labels(y: object, num_classes: int | None, n: int | None = None, name: str = "y") -> Tensor:
    """Check class labels for `CrossEntropyLoss` and return them unchanged.

    Lesson 03 § 2 (The loss).
    y: `(N,)` integer class indices in `0 .. num_classes - 1` (dtype `torch.long`);
    `num_classes=None` accepts any non-negative index.
    """
    y = require_tensor(y, name)
    if y.is_floating_point():
        if y.dim() == 2 and y.shape[1] == (num_classes or y.shape[1]):
            fix = f"these look like one-hot rows; use {name}.argmax(dim=1)"
        else:
            fix = f"use {name}.long()"
        raise TypeError(f"{name}: expected class indices of dtype torch.long, got {y.dtype} "
                        f"{shape_str(y.shape)}; {fix}.")
    if y.dim() != 1:
        raise ValueError(f"{name}: expected one class index per sequence, shape (N,), got {shape_str(y.shape)}; "
                         f"use {name}.view(-1) if it holds one index per row.")
    if y.dtype != torch.long:
        raise TypeError(f"{name}: expected dtype torch.long, got {y.dtype}; use {name}.long().")
    if n is not None and y.shape[0] != n:
        raise ValueError(f"{name}: expected {n} labels (one per sequence), got {y.shape[0]}.")
    if y.numel() and y.min() < 0:
        raise ValueError(f"{name}: expected class indices from 0 up, got {int(y.min())}; relabel them from 0.")
    if num_classes is not None and y.numel() and y.max() >= num_classes:
        raise ValueError(f"{name}: expected class indices 0 .. {num_classes - 1}, got values from "
                         f"{int(y.min())} to {int(y.max())}; relabel them or set num_classes.")
    return y


def check_h0(h0: object, expected: tuple[int, ...]) -> Tensor:
    """Check an initial hidden state and return it unchanged.

    Lesson 02 § 3 (`output` versus `h_n`).
    h0: `(num_layers * D, N, H)`, always this layout, even with `batch_first=True`
    (`(num_layers * D, H)` for an unbatched sequence); `expected` is that shape.
    """
    h0 = require_tensor(h0, "h0")
    if tuple(h0.shape) == tuple(expected):
        return h0
    hint = "h0 is always (num_layers * num_directions, batch, hidden_size), even with batch_first=True"
    if len(expected) == 3 and tuple(h0.shape) == (expected[1], expected[0], expected[2]):
        hint += "; use h0.transpose(0, 1)"
    raise ValueError(f"h0: expected {shape_str(expected)}, got {shape_str(h0.shape)}; {hint}.")


def check_logits(logits: Tensor) -> Tensor:
    """Refuse model outputs that are already probabilities: `CrossEntropyLoss` wants raw logits `(N, C)`."""
    rows_sum_to_one = torch.allclose(logits.sum(dim=-1), torch.ones(logits.shape[:-1], device=logits.device))
    if logits.shape[-1] > 1 and rows_sum_to_one and (logits >= 0).all():
        raise ValueError("The model's outputs are already probabilities (each row sums to 1): remove the softmax "
                         "from the model. nn.CrossEntropyLoss applies log-softmax itself and wants raw logits; "
                         "use torch.softmax only to read probabilities at prediction time.")
    return logits


def check_fit_inputs(model: nn.Module, train: tuple[Tensor, Tensor], val: tuple[Tensor, Tensor]) -> None:
    """Everything `fit` checks before its loop, in one call. Lesson 03 § 4 (Training with `fit`).

    train, val: `(x, y)` pairs, x `(N, L, F)` float and y `(N,)` long class indices.
    One trial forward pass on two training sequences gives the model's number of classes C
    (logits `(2, C)`) and shows whether it already returns probabilities; then every label
    must lie in `0 .. C - 1`.
    """
    pairs = {"train": train, "val": val}
    for part, (x, y) in pairs.items():
        check_sequences(x, input_size=None, name=f"x_{part}", n_labels=len(y))
    device = next(model.parameters()).device
    with torch.no_grad():
        num_classes = check_logits(model(train[0][:2].to(device))).shape[-1]
    for part, (_, y) in pairs.items():
        check_labels(y, num_classes=num_classes, name=f"y_{part}")
