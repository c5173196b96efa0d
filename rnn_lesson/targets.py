"""What a model learns to predict, and the loss that measures it: the checks `fit` and `evaluate` run first.

The targets decide the loss. Class indices (long) ask for cross-entropy on raw logits, one row of class
scores per sequence `(N, C)` (lesson 03) or per step `(N, L, C)` (lesson 06); numbers (float) ask for the
mean squared error of predictions of their shape (lessons 06 and 07). One trial forward pass on two
sequences shows what the model returns; `check_targets` compares it with the targets.
"""

from __future__ import annotations

import inspect

import torch
from torch import Tensor, nn

from rnn_lesson.checks import check_labels, describe, one_hot, shape_str

def prediction_loss(outputs: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """The loss the targets call for: a tensor of one value (`reduction="sum"` adds instead of averaging).

    Class indices y `(N,)` or `(N, L)` (long): cross-entropy on logits `(N, C)` or `(N, L, C)`, every step counted.
    Numbers y (float) `(N, out)` or `(N, L, out)`: mean squared error with predictions of that shape;
    `(N,)` and `(N, L)` are one number each, for predictions `(N, 1)` and `(N, L, 1)`.
    """
    if y.is_floating_point():
        return nn.functional.mse_loss(outputs, y.view(outputs.shape), reduction=reduction)
    return nn.functional.cross_entropy(outputs.flatten(0, -2), y.flatten(), reduction=reduction)


def to_model(value: Tensor, model: nn.Module) -> Tensor:
    """`value` on the model's device; floating-point values also in the model's dtype (float64, bfloat16, ...)."""
    weight = next(model.parameters())
    return value.to(weight.device, weight.dtype) if value.is_floating_point() else value.to(weight.device)


def trial_outputs(model: nn.Module, x: Tensor, lengths: Tensor | None = None) -> object:
    """What the model returns for the first two sequences of x `(N, L, F)` (and their lengths), without gradients."""
    takes = list(inspect.signature(model.forward).parameters)  # e.g. ["x", "lengths"]
    if lengths is not None and not any("len" in name for name in takes):
        raise TypeError(f"lengths: expected a model that takes them, model(x, lengths), as SequenceClassifier and "
                        f"SequenceRegressor do, got {type(model).__name__}, whose forward({', '.join(takes)}) has "
                        "none; pass (x, y) without the lengths.")
    with torch.no_grad():
        return model(to_model(x[:2], model)) if lengths is None else model(to_model(x[:2], model), lengths[:2])


def task_of(model: nn.Module, outputs: object, y: Tensor) -> str:
    """"classify" or "regress": the model's `task` attribute if it has one, else what the targets y look like.

    Float targets are numbers to predict, unless they are one-hot rows, or one number per sequence `(N,)`
    for a model that returns several scores per sequence (a classifier given float labels).
    """
    if getattr(model, "task", None) in ("classify", "regress"):
        return model.task
    one_each = y.dim() == 1 or y.dim() == 2 and y.shape[1] == 1
    several = isinstance(outputs, Tensor) and outputs.dim() == 2 and outputs.shape[-1] > 1
    return "classify" if not y.is_floating_point() or one_hot(y) or one_each and several else "regress"


def check_targets(task: str, outputs: object, y: Tensor, x: Tensor, n: int, name: str = "y") -> int | None:
    """Check targets y for x `(N, L, F)` against the model's `outputs` on n trial sequences; return the class count.

    "classify": logits `(n, C)` with class indices y `(N,)`, or `(n, L, C)` with y `(N, L)`: returns C.
    "regress": float y shaped like the predictions, `(N, out)` or `(N, L, out)` (`(N,)`, `(N, L)` for out = 1): None.
    """
    if not isinstance(outputs, Tensor):
        what = "predictions (N, out)" if task == "regress" else "logits (N, C), a row of class scores per sequence"
        raise TypeError(f"model: expected {what}, got {describe(outputs)}; return a tensor from forward, "
                        "e.g. self.head(h_n[-1]) - nn.RNN itself returns (output, h_n).")
    if task == "regress":
        return check_numbers(outputs, y, x, name)
    per_step = outputs.dim() == 3 and y.dim() == 2 and y.shape[1] == x.shape[1] and not one_hot(y)
    if outputs.dim() == 2 and y.dim() == 2 and y.shape[1] == x.shape[1] > 1 and not one_hot(y):
        raise ValueError(f"{name}: expected one class index per sequence, shape (N,), like the model's logits "
                         f"{shape_str(outputs.shape)}, got {shape_str(y.shape)}, a class index at every step; for a "
                         f"label at every step use PerStepRNN(input_size={x.shape[2]}, output_size={outputs.shape[1]}, "
                         f"task='classify'), or keep each sequence's last label: {name}[:, -1].")
    if outputs.dim() != 2 + per_step or outputs.shape[0] != n:
        fix = ("these are scores for every time step: for one label per sequence keep the last step before the Linear "
               "layer, e.g. self.head(output[:, -1]), or use SequenceClassifier" if outputs.dim() == 3
               else "return one row of class scores per sequence")
        raise ValueError(f"model: expected logits ({n}, C), one row per sequence, got {shape_str(outputs.shape)}; {fix}.")
    rows_sum_to_one = torch.allclose(outputs.sum(dim=-1).float(), torch.ones(outputs.shape[:-1], device=outputs.device))
    if outputs.shape[-1] > 1 and rows_sum_to_one and (outputs >= 0).all():
        raise ValueError("The model's outputs are already probabilities (each row sums to 1): remove the softmax "
                         "from the model. nn.CrossEntropyLoss applies log-softmax itself and wants raw logits; "
                         "use torch.softmax only to read probabilities at prediction time.")
    try:
        check_labels(y.flatten() if per_step else y, num_classes=outputs.shape[-1], name=name,
                     size_name="output_size" if per_step else "num_classes")
    except (TypeError, ValueError) as error:
        if not y.is_floating_point() or one_hot(y):
            raise
        raise type(error)(f"{error} If they are not class ids but numbers to predict (a count, a measurement), use a "
                          "regression model instead: SequenceRegressor (one prediction per sequence) or PerStepRNN "
                          "(one per step), which fit trains with mean squared error; a classifier picks one of "
                          f"{outputs.shape[-1]} classes.") from None
    return outputs.shape[-1]


def check_numbers(outputs: Tensor, y: Tensor, x: Tensor, name: str) -> None:
    """Check float targets y against a regression model's predictions `(2, out)` or `(2, L, out)` on x."""
    per_step, got = outputs.dim() == 3, y.shape
    shape = (len(x), x.shape[1], *outputs.shape[2:]) if per_step else (len(x), *outputs.shape[1:])  # for all of x
    if not y.is_floating_point():
        raise TypeError(f"{name}: expected float targets, numbers to predict, for a regression model, got {y.dtype} "
                        f"{shape_str(got)}; use {name}.float() - or, if they are class indices, a classifier "
                        f"(SequenceClassifier, or PerStepRNN with task='classify').")
    if tuple(got) in (shape, shape[:-1] if shape[-1] == 1 else None):
        return check_finite(y, name)
    like = f"like the model's predictions {shape_str(outputs.shape)}"
    if not per_step and y.dim() >= 2 and y.shape[1] == x.shape[1] > 1:  # one prediction per sequence, targets per step
        fix = (f"for a prediction at every step use PerStepRNN(input_size={x.shape[2]}, output_size={shape[-1]}), or "
               f"keep each sequence's last target: {name}[:, -1]")
        problem = "a target at every step"
    elif per_step and y.dim() <= 2 and got[1:] != shape[1:2]:  # a prediction at every step, targets per sequence
        fix = f"for one prediction per sequence use SequenceRegressor(input_size={x.shape[2]}, output_size={shape[-1]})"
        problem = "one target per sequence"
    else:
        fix = f"build the model with output_size={got[-1]}" if got[:-1] == shape[:-1] else "give one target per prediction"
        problem = f"{got[-1]} numbers each" if got[:-1] == shape[:-1] else "another shape"
    raise ValueError(f"{name}: expected targets {shape_str(shape)}, {like}, got {shape_str(got)}, {problem}; {fix}.")


def check_finite(y: Tensor, name: str = "y") -> None:
    """Refuse NaN or infinite numbers to predict, y `(N, ...)`: their loss would be NaN too."""
    if not torch.isfinite(y).all():
        x = name.replace("y", "x", 1)  # x_train for y_train
        raise ValueError(f"{name}: expected finite targets, got {int(y.isnan().sum())} NaN and {int(y.isinf().sum())} "
                         f"infinite values; fill them in, or drop those sequences: keep = torch.isfinite({name})"
                         f".view(len({name}), -1).all(dim=1); {x}, {name} = {x}[keep], {name}[keep].")


def input_size_of(model: nn.Module) -> int | None:
    """The features per step a model reads: its first RNN layer's input_size, else `model.input_size`, else None."""
    rnn = next((m for m in model.modules() if isinstance(m, nn.RNNBase)), None)
    return rnn.input_size if rnn is not None else getattr(model, "input_size", None)


def check_model(model: object) -> nn.Module:
    """Refuse what cannot be trained: a class, a bare nn.RNN/LSTM/GRU, a module without weights."""
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
