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

import torch
from torch import Tensor, nn


def shape_str(shape: tuple[int, ...] | torch.Size) -> str:
    """Write a shape the way the lessons do: `torch.Size([1000, 10, 5])` -> `"(1000, 10, 5)"`, `(8,)` -> `"(8,)"`.

    Lesson 01 § 6 (Common mistakes): every error message writes shapes this way.
    """
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
    if len(repr(value)) <= 40:
        return f"{kind} {value!r}"
    return f"a {kind} of {len(value)} items" if isinstance(value, (list, tuple)) else f"a {kind}"


def number_fix(value: object, name: str, whole: bool) -> str:
    """The fix for a setting given as text or as a fraction: `write lr=0.01 without quotes`, `use epochs=3`."""
    try:
        shown = str(math.ceil(float(value))) if whole else f"{float(value):g}"  # type: ignore[arg-type]
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


def require_tensor(value: object, name: str, labels: bool = False) -> Tensor:
    """Return `value` if it is a tensor; otherwise raise a TypeError that says how to make one.

    labels: True for class labels, which become `torch.long`; features become `torch.float32`.
    """
    if isinstance(value, Tensor):
        return value
    fix = "pass a torch.Tensor"
    if type(value).__name__ == "ndarray":  # labels need .long(): CrossEntropyLoss wants int64 class indices
        fix = f"convert it with torch.from_numpy({name}).{'long' if labels else 'float'}()"
        if labels and one_hot(value):  # type: ignore[arg-type]
            fix = f"these are one-hot rows: convert them with torch.from_numpy({name}).argmax(dim=1)"
    elif isinstance(value, (str, PurePath)):
        fix = "load the data first: x, y = load_dataset() for the course data, or load_dataset(path)"
    elif isinstance(value, (list, tuple)) and value and all(isinstance(v, Tensor) for v in value):
        batch = len(value) == 2 and value[0].dim() != value[1].dim()  # a DataLoader batch [xb, yb]
        fix = "unpack it: xb, yb = batch, then pass xb" if batch else f"stack them into one tensor: torch.stack({name})"
    elif isinstance(value, (list, tuple)):
        fix = f"convert it with torch.tensor({name}, dtype={'torch.long' if labels else 'torch.float32'})"
    raise TypeError(f"{name}: expected a torch.Tensor, got {describe(value)}; {fix}.")


def check_sequences(
    x: object,
    input_size: int | None,
    name: str = "x",
    n_labels: int | None = None,
    allow_unbatched: bool = False,
    like: Tensor | None = None,
) -> Tensor:
    """Check a batch of sequences laid out batch first and return it unchanged.

    Lesson 01 § 6 (Common mistakes).
    x: `(N, L, input_size)`, or `(L, input_size)` when `allow_unbatched` is True.
    input_size: the expected number of features, or None to accept any.
    n_labels: the number of labels that go with `x`, when known; it lets the check
    recognise swapped batch and time axes, `(L, N, input_size)`.
    like: a weight of the model that reads `x`; `x` must have its dtype and device.
    """
    x = require_tensor(x, name)
    if input_size is None:
        input_size = x.shape[-1] if x.dim() else 0
    got, y = shape_str(x.shape), name.replace("x", "y", 1)  # y: the labels' name in a fix, y_train for x_train
    expected = f"(batch, seq_len, features) with features = {input_size}"
    if not x.is_floating_point():
        raise TypeError(f"{name}: expected floating-point values, got dtype {x.dtype}; use {name}.float().")
    if like is not None and (x.dtype, x.device) != (like.dtype, like.device):
        fix = f"{name}.to({str(like.device)!r}, {like.dtype})"
        if x.device == like.device and like.dtype == torch.float32:
            fix = f"{name}.float()"
        raise TypeError(f"{name}: expected {like.dtype} on {like.device}, like the model's weights, got {x.dtype} on "
                        f"{x.device}; use {fix}.")
    if x.dim() == 2:
        if allow_unbatched and x.shape[1] == input_size:
            return x
        problem = "the batch dimension is missing; check how it was built"
        if x.shape[1] == input_size:
            problem = f"the batch dimension is missing; add one with {name}.unsqueeze(0)"
        elif x.shape[0] == input_size:
            problem = f"the features come first; use {name}.T" + ("" if allow_unbatched else ".unsqueeze(0)")
        one = f"(seq_len, features) = (L, {input_size}) or " if allow_unbatched else ""
        raise ValueError(f"{name}: expected {one}3 dimensions {expected}, got {got}: {problem}.")
    if x.dim() != 3:
        ones = [axis for axis, size in enumerate(x.shape) if size == 1]
        fix = f"remove the extra axis with {name}.squeeze({ones[0]})" if x.dim() > 3 and ones else "reshape it"
        raise ValueError(f"{name}: expected 3 dimensions {expected}, got {x.dim()} dimensions {got}; {fix}.")
    if x.shape[0] == 0:
        raise ValueError(f"{name}: expected at least one sequence, got an empty batch {got}; check the slice that made it.")
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
        m = min(x.shape[0], n_labels)
        raise ValueError(f"{name}: expected one label per sequence, got {x.shape[0]} sequences and {n_labels} labels; "
                         f"slice both the same way, e.g. {name}[:{m}], {y}[:{m}].")
    if not torch.isfinite(x).all():
        raise ValueError(f"{name}: expected finite numbers, got {int(x.isnan().sum())} NaN and {int(x.isinf().sum())} "
                         f"infinite values; fill them in, or drop those sequences: keep = torch.isfinite({name})"
                         f".all(dim=(1, 2)); {name}, {y} = {name}[keep], {y}[keep].")
    return x


def check_labels(y: object, num_classes: int | None, n: int | None = None, name: str = "y") -> Tensor:
    """Check class labels for `CrossEntropyLoss` and return them unchanged.

    Lesson 03 § 2 (The loss).
    y: `(N,)` integer class indices in `0 .. num_classes - 1` (dtype `torch.long`);
    `num_classes=None` accepts any non-negative index.
    """
    y = require_tensor(y, name, labels=True)
    shape, column = shape_str(y.shape), y.dim() == 2 and y.shape[1] == 1
    if one_hot(y):
        raise ValueError(f"{name}: expected class indices, shape (N,), got one-hot rows {shape}; use {name}.argmax(dim=1).")
    if y.dim() != 1 and not column:
        raise ValueError(f"{name}: expected one class index per sequence, shape (N,), got {shape}; "
                         "check how the labels were built.")
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
        fix = (f"shift them to start at 0: {name} - {low}" if 0 < low and high - low < num_classes
               else f"build the model with num_classes={high + 1}")
        raise ValueError(f"{name}: expected class indices 0 .. {num_classes - 1}, got values from {low} to {high}; {fix}.")
    return y


def check_xy(x: object, y: object, call: str) -> tuple[Tensor, Tensor]:
    """Check sequences x `(N, L, F)` and labels y `(N,)` together; `call`, e.g. `"make_loader({})"`, is for the fix
    when y is missing or the `(x, y)` pair came as x."""
    if y is None:
        pair = isinstance(x, (tuple, list)) and len(x) == 2
        fix = f"unpack the pair: {call.format('*data')}" if pair else f"pass both: {call.format('x, y')}"
        raise TypeError(f"y: expected the labels (N,) that go with x, got none and {describe(x)} as x; {fix}.")
    y = check_labels(y, num_classes=None)
    return check_sequences(x, input_size=None, n_labels=len(y)), y


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
    transposed = len(expected) == 3 and tuple(h0.shape) == (expected[1], expected[0], expected[2])
    hint += "; use h0.transpose(0, 1)" if transposed else f"; build it with torch.zeros{shape_str(expected)}"
    raise ValueError(f"h0: expected {shape_str(expected)}, got {shape_str(h0.shape)}; {hint}.")


def check_model(model: object) -> nn.Module:
    """Refuse what cannot be trained as a classifier: a class, a bare nn.RNN/LSTM/GRU, a module without weights."""
    if isinstance(model, type):
        raise TypeError(f"model: expected a model, got the class {model.__name__}; build one: model = {model.__name__}().")
    if isinstance(model, nn.RNNBase):
        raise TypeError(f"model: expected a classifier that returns logits (N, C), got a bare nn.{type(model).__name__}, "
                        f"which returns (output, h_n); wrap it: SequenceClassifier(input_size={model.input_size}, "
                        f"hidden_size={model.hidden_size}, cell={type(model).__name__.lower()!r}).")
    if next(model.parameters(), None) is None:
        raise ValueError(f"model: expected a model with weights to train, got {type(model).__name__} with no parameters; "
                         "assign each layer to self (self.rnn = nn.RNN(...)), and keep lists of layers in nn.ModuleList.")
    return model
