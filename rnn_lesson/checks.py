"""Input checks that explain mistakes instead of failing deep inside PyTorch.

Every public helper of `rnn_lesson` calls these before it does any work, so a learner
who passes the wrong shape, type or setting reads what was expected, what came, and the fix.
Lesson 01 § 6 (Common mistakes) shows them; every lesson uses them.
"""

from __future__ import annotations

import math
import numbers
import operator
from pathlib import PurePath

import numpy as np
import torch
from torch import Tensor


def shape_str(shape: tuple[int, ...] | torch.Size) -> str:
    """Write a shape the way the lessons do: `torch.Size([1000, 10, 5])` -> `"(1000, 10, 5)"`, `(8,)` -> `"(8,)"`.

    Lesson 01 § 6 (Common mistakes): every error message writes shapes this way."""
    if isinstance(shape, Tensor):
        raise TypeError(f"shape_str: expected a shape, got a tensor {shape_str(shape.shape)}; use shape_str(x.shape).")
    sizes = [str(int(size)) for size in shape]
    return "(" + ", ".join(sizes) + ("," if len(sizes) == 1 else "") + ")"


def describe(value: object) -> str:
    """A value as messages show it: its type by name and a short value as a value, e.g. `str '32'`, `float 2.5`."""
    kind = type(value).__name__
    if isinstance(value, Tensor):
        return f"a tensor {shape_str(value.shape)}"
    if kind == "ndarray":
        return f"a NumPy array {shape_str(value.shape)} of {value.dtype}"  # type: ignore[attr-defined]
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Tensor) for v in value):
        more = ", ..." if len(value) > 2 else ""
        return f"a {kind} of {len(value)} tensor(s) " + " and ".join(shape_str(v.shape) for v in value[:2]) + more
    if isinstance(value, type):
        return f"the class {value.__name__}"
    if len(repr(value)) <= 40 and " object at 0x" not in repr(value):
        return f"{kind} {value!r}"
    return f"a {kind} of {len(value)} items" if isinstance(value, (list, tuple)) else f"a {kind}"


def number_fix(value: object, name: str, whole: bool) -> str:
    """The fix for a setting given as text or as a fraction: `write lr=0.01 without quotes`, `use epochs=3`."""
    try:
        number = float(value[:-1]) / 100 if isinstance(value, str) and value.endswith("%") else float(value)  # type: ignore
        shown = str(math.ceil(number)) if whole else f"{number:g}"
    except (TypeError, ValueError, OverflowError):
        return "pass a number"
    return f"write {name}={shown} without quotes" if isinstance(value, str) else f"use {name}={shown}"


def require_int(value: object, name: str, minimum: int = 1) -> int:
    """Return a whole-number setting, a Python or NumPy integer, as an int of at least `minimum`."""
    try:
        number = operator.index(value)  # accepts 32 and np.int64(32); refuses 2.5 and '32'
    except TypeError:
        fix = number_fix(value, name, True)
        raise TypeError(f"{name}: expected a whole number, got {describe(value)}; {fix}.") from None
    if number < minimum:
        raise ValueError(f"{name}: expected a whole number of at least {minimum}, got {number}; "
                         f"use {name}={minimum} or more.")
    return number


def require_number(value: object, name: str) -> float:
    """Return a numeric setting, a Python or NumPy int or float, as a float."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"{name}: expected a number, got {describe(value)}; {number_fix(value, name, False)}.")


def one_hot(y: Tensor) -> bool:
    """Whether labels y `(N, C)`, a tensor or a NumPy array, are one-hot rows: 0s and 1s, one 1 in each row."""
    return y.ndim == 2 and y.shape[1] > 1 and bool(((y == 0) | (y == 1)).all()) and bool((y.sum(1) == 1).all())


def ragged_lengths(value: object) -> tuple[int, int] | None:
    """The shortest and longest of a list of sequences (tensors `(L_i, F)` or lists) whose lengths differ, else None."""
    if not isinstance(value, (list, tuple)) or len({v.dim() for v in value if isinstance(v, Tensor)}) > 1:
        return None  # tensors of different dims are more likely (x, y) or a batch [xb, yb]
    lengths = {len(v) if isinstance(v, list) or isinstance(v, Tensor) and v.dim() else -1 for v in value}
    return (min(lengths), max(lengths)) if len(lengths) > 1 and -1 not in lengths else None


def require_tensor(value: object, name: str, labels: bool = False) -> Tensor:
    """Return `value` if it is a tensor; otherwise raise a TypeError that says how to make one.

    labels: True for class labels, which become `torch.long`; features become `torch.float32`.
    """
    if isinstance(value, Tensor):
        return value
    kind, dtype = type(value).__name__, "torch.long" if labels else "torch.float32"
    fix, lengths = f"convert it with torch.tensor({name}, dtype={dtype})", ragged_lengths(value)
    sample = value[:1] if isinstance(value, (list, tuple)) else np.ravel(value)[:1] if kind in ("ndarray", "Series") else []
    if len(sample) and isinstance(sample[0], str):
        fix = (f"these are text labels: number them with names = sorted(set({name})); {name} = torch.tensor("
               f"[names.index(s) for s in {name}]) (or CLASS_NAMES.index(s), for the course's class names)")
    elif kind in ("DataFrame", "Series"):
        fix = f"convert it with torch.tensor({name}.to_numpy(), dtype={dtype})"
    elif kind == "ndarray" and value.dtype == object:  # type: ignore[attr-defined]
        fix = f"convert it with torch.from_numpy({name}.astype(np.{'int64' if labels else 'float32'}))"
    elif kind == "ndarray":  # labels need .long(): CrossEntropyLoss wants int64 class indices
        fix = f"convert it with torch.from_numpy({name}).{'long' if labels else 'float'}()"
        if labels and one_hot(value):  # type: ignore[arg-type]
            fix = f"these are one-hot rows: convert them with torch.from_numpy({name}).argmax(dim=1)"
    elif isinstance(value, (str, PurePath)):
        fix = "load the data first: x, y = load_dataset() for the course data, or load_dataset(path)"
    elif lengths:
        items = name if all(isinstance(v, Tensor) for v in value) else f"[torch.tensor(s) for s in {name}]"  # type: ignore
        fix = (f"the sequences have different lengths, {lengths[0]} to {lengths[1]} steps; pad them to one length: torch.nn."
               f"utils.rnn.pad_sequence({items}, batch_first=True), and give the model their lengths (lesson 07 § 2)")
    elif isinstance(value, (list, tuple)) and value and all(isinstance(v, Tensor) for v in value):
        batch = len(value) == 2 and value[0].dim() != value[1].dim()  # a DataLoader batch [xb, yb]
        fix = "unpack it: xb, yb = batch, then pass xb" if batch else f"stack them into one tensor: torch.stack({name})"
    elif not isinstance(value, (list, tuple)):
        fix = "pass a torch.Tensor"
    raise TypeError(f"{name}: expected a torch.Tensor, got {describe(value)}; {fix}.")


def check_sequences(x: object, input_size: int | None, name: str = "x", n_labels: int | None = None,
                    allow_unbatched: bool = False, like: Tensor | None = None) -> Tensor:
    """Check a batch of sequences laid out batch first and return it unchanged. Lesson 01 § 6 (Common mistakes).

    x: `(N, L, input_size)`, or `(L, input_size)` when `allow_unbatched` is True.
    input_size: the expected number of features, or None to accept any.
    n_labels: the number of labels that go with `x`, when known; it lets the check
    recognise swapped batch and time axes, `(L, N, input_size)`.
    like: a weight of the model that reads `x`; `x` must have its dtype and device.
    """
    x = require_tensor(x, name)
    known, input_size = input_size, x.shape[-1] if input_size is None and x.dim() else input_size or 0
    got, y = shape_str(x.shape), name.replace("x", "y", 1)  # y: the labels' name in a fix, y_train for x_train
    expected = "(batch, seq_len, features)" + (f" with features = {input_size}" if known else "")
    if not x.is_floating_point():
        raise TypeError(f"{name}: expected floating-point values, got dtype {x.dtype}; use {name}.float().")
    if like is not None and (x.dtype, x.device) != (like.dtype, like.device):
        fix = f"{name}.to({str(like.device)!r}, {like.dtype})"
        if x.device == like.device and like.dtype == torch.float32:
            fix = f"{name}.float()"
        raise TypeError(f"{name}: expected {like.dtype} on {like.device}, like the model's weights, got {x.dtype} on "
                        f"{x.device}; use {fix}.")
    if x.dim() == 2:
        rows = x.shape[0] == n_labels or bool(known) and known not in x.shape and x.shape[1] % known == 0  # (N, L*F)
        if allow_unbatched and x.shape[1] == input_size and not rows:
            return x
        problem = f"if each row is a sequence of single values, use {name}.unsqueeze(-1) and a model with input_size=1"
        if rows and known not in (None, 1):
            problem = f"each row looks like a whole sequence, flattened; use {name}.reshape({x.shape[0]}, -1, {known})"
        elif rows:  # (N, L): one value per step, without the feature axis
            problem = (f"each row looks like a whole sequence of single values; use {name}.unsqueeze(-1) to add the "
                       "feature axis")
        elif x.shape[1] == input_size:
            problem = f"the batch dimension is missing; add one with {name}.unsqueeze(0)"
        elif x.shape[0] == input_size:
            problem = f"the features come first; use {name}.T" + ("" if allow_unbatched else ".unsqueeze(0)")
        one = f"(seq_len, features) = (L, {input_size}) or " if allow_unbatched else ""
        raise ValueError(f"{name}: expected {one}3 dimensions {expected}, got {got}: {problem}.")
    if x.dim() != 3:
        ones = [axis for axis, size in enumerate(x.shape) if size == 1]
        fix = f"remove the extra axis with {name}.squeeze({ones[0]})" if x.dim() > 3 and ones else "reshape it"
        if x.dim() == 1:  # one series of L values
            fix = (f"one series of {len(x)} values is one feature per step: use {name}.view(1, -1, 1)"
                   + ("" if known in (None, 1) else " with a model built with input_size=1"))
        raise ValueError(f"{name}: expected 3 dimensions {expected}, got {x.dim()} dimensions {got}; {fix}.")
    if x.shape[0] == 0:
        raise ValueError(f"{name}: expected at least one sequence, got an empty batch {got}; check the slice that made it.")
    if x.shape[2] != input_size:
        if x.shape[1] == input_size < x.shape[2]:  # more steps than features: (N, features, time), channels first
            raise ValueError(f"{name}: expected {expected}, got {got}: that looks like (batch, features, time), channels "
                             f"first as in Conv1d and many time-series files; swap the last two axes with "
                             f"{name}.transpose(1, 2), the same as {name}.permute(0, 2, 1), not view or reshape, which "
                             "scramble the values.")
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
        m = min(x.shape[0], n_labels)
        raise ValueError(f"{name}: expected one label per sequence, got {x.shape[0]} sequences and {n_labels} labels; "
                         f"slice both the same way, e.g. {name}[:{m}], {y}[:{m}].")
    if not torch.isfinite(x).all():
        raise ValueError(f"{name}: expected finite numbers, got {int(x.isnan().sum())} NaN and {int(x.isinf().sum())} "
                         f"infinite values; fill them in, or drop those sequences: keep = torch.isfinite({name})"
                         f".all(dim=(1, 2)); {name}, {y} = {name}[keep], {y}[keep].")
    return x


def check_labels(y: object, num_classes: int | None, n: int | None = None, name: str = "y",
                 size_name: str = "num_classes") -> Tensor:
    """Check class labels for `CrossEntropyLoss` and return them unchanged. Lesson 03 § 2 (The loss).

    y: `(N,)` integer class indices in `0 .. num_classes - 1` (dtype `torch.long`);
    `num_classes=None` accepts any non-negative index. `size_name`: the model setting for the class count.
    """
    y = require_tensor(y, name, labels=True)
    shape, column = shape_str(y.shape), y.dim() == 2 and y.shape[1] == 1
    if one_hot(y):
        raise ValueError(f"{name}: expected class indices, shape (N,), got one-hot rows {shape}; use {name}.argmax(dim=1).")
    if y.dim() != 1 and not column:
        raise ValueError(f"{name}: expected one class index per sequence, shape (N,), got {shape}; check how it was made.")
    if y.is_floating_point() and not (y == y.round()).all():
        raise ValueError(f"{name}: expected whole class indices 0, 1, 2, ..., got values such as {y[y != y.round()][0]:g}; "
                         "undo any scaling of the labels (measurements need a regression loss).")
    if y.dtype != torch.long:
        raise TypeError(f"{name}: expected class indices of dtype torch.long, got {y.dtype} {shape}; "
                        f"use {name}{'.view(-1)' if column else ''}.long().")
    if column:
        raise ValueError(f"{name}: expected one class index per sequence, shape (N,), got {shape}; use {name}.view(-1).")
    if n is not None and y.shape[0] != n:
        raise ValueError(f"{name}: expected {n} labels (one per sequence), got {y.shape[0]}.")
    low, high = (int(y.min()), int(y.max())) if y.numel() else (0, 0)
    if low < 0:
        raise ValueError(f"{name}: expected class indices from 0 up, got {low}; shift them to start at 0: {name} + {-low}.")
    if num_classes is not None and high >= num_classes:
        fix, values = f"build the model with {size_name}={high + 1}", len(y.unique())
        if 0 < low and high - low < num_classes:
            fix = f"shift them to start at 0: {name} - {low}"
        elif values > 10 and y.numel() < 5 * values:  # e.g. sunspot counts 0 .. 190: few sequences per value
            fix = (f"{values} different values for {y.numel()} labels look like numbers to predict, not class ids: "
                   f"train a regression model (SequenceRegressor or PerStepRNN) on {name}.float()")
        raise ValueError(f"{name}: expected class indices 0 .. {num_classes - 1}, got values from {low} to {high}; {fix}.")
    return y


def check_h0(h0: object, expected: tuple[int, ...]) -> Tensor:
    """Check an initial hidden state and return it unchanged. Lesson 02 § 3 (`output` versus `h_n`).

    h0: `(num_layers * D, N, H)`, always this layout, even with `batch_first=True`
    (`(num_layers * D, H)` for an unbatched sequence); `expected` is that shape.
    """
    h0 = require_tensor(h0, "h0")
    if tuple(h0.shape) == tuple(expected):
        return h0
    hint = "h0 is always (num_layers * num_directions, batch, hidden_size), even with batch_first=True"
    transposed = len(expected) == 3 and tuple(h0.shape) == (expected[1], expected[0], expected[2])
    hint += "; use h0.transpose(0, 1)" if transposed else f"; build it with torch.zeros{shape_str(expected)}"
    raise ValueError(f"h0: expected {shape_str(expected)}, got {shape_str(h0.shape)}; {hint}.")
