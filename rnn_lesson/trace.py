"""Follow data through a model: the data-flow table and the five-step prediction trace.

Both are computed from a real forward pass, never typed in. `data_flow` appears at the
end of lessons 01 to 04 ("Where we are in the data flow"); `prediction_trace` in lesson 04 § 3.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pandas as pd
import torch
from torch import Tensor, nn

from rnn_lesson.checks import check_sequences, require_tensor, shape_str
from rnn_lesson.models import SequenceClassifier

# Each text fits pandas' default column width (50 characters), so no table cuts it short.
WHAT_HAPPENS = {
    nn.RNN: "reads step by step, updating one hidden state",
    nn.LSTM: "updates a hidden state and a gated cell state",
    nn.GRU: "reads step by step, updating a gated state",
    nn.Linear: "maps each row to one score (logit) per output",
    nn.Tanh: "squashes every value into (-1, 1)",
}


def shapes_of(value: Tensor | tuple) -> str:
    """The shape of a tensor, or the shapes of a tuple of tensors such as nn.RNN's `(output, h_n)`."""
    if isinstance(value, Tensor):
        return shape_str(value.shape)
    return " and ".join(shapes_of(item) for item in value)  # an LSTM's (output, (h_n, c_n)) nests


def data_flow(model: nn.Module, x: Tensor) -> pd.DataFrame:
    """The table of stages a batch x `(N, L, F)` passes through in `model`, from forward hooks.

    Lesson 01 § 7 (Where we are in the data flow), and the same section of lessons 02 to 04.
    One row per layer, in the order the layers run: stage, input shape, what happens,
    output shape. For a model that returns logits (a tensor), a last row shows softmax, which is
    applied at prediction time only; a bare layer such as nn.RNN returns a tuple and gets none.
    """
    if not isinstance(model, nn.Module):
        raise model_error(model, "data_flow", "a model, an nn.Module such as SequenceClassifier()")
    x = require_tensor(x, "x")
    if getattr(model, "batch_first", True):  # a bare nn.RNN(batch_first=False) takes (L, N, F) by design
        warn_if_time_first(x)
    rows = []

    def record(module: nn.Module, inputs: tuple, output: Tensor | tuple) -> None:
        rows.append({"stage": type(module).__name__, "input shape": shapes_of(inputs[0]),
                     "what happens": WHAT_HAPPENS.get(type(module), "applies the layer"),
                     "output shape": shapes_of(output)})

    first = next(model.parameters(), None)  # a model without parameters stays where x is
    x = x if first is None else x.to(first.device)
    names = {module: f"model.{name}" if name else "model" for name, module in model.named_modules()}
    leaves = [m for m in model.modules() if not list(m.children())]
    hooks = [m.register_forward_hook(record) for m in leaves]
    hooks += [m.register_forward_pre_hook(lambda layer, inputs: check_linear(names[layer], layer, inputs[0]))
              for m in leaves if isinstance(m, nn.Linear)]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            logits = model(x)
    finally:
        model.train(was_training)  # the table only looks: a model in training stays in training
        for hook in hooks:
            hook.remove()
    rows.insert(0, {"stage": "input", "input shape": "", "what happens": "a batch of sequences",
                    "output shape": shape_str(x.shape)})
    if isinstance(logits, Tensor):
        rows.append({"stage": "softmax (prediction only)", "input shape": shape_str(logits.shape),
                     "what happens": "logits to probabilities; not part of the model",
                     "output shape": shape_str(torch.softmax(logits, dim=-1).shape)})
    return pd.DataFrame(rows)


def check_linear(name: str, layer: nn.Module, x: Tensor) -> None:
    """Refuse a Linear layer whose width does not match what reaches it `(..., features)`, naming both,
    instead of PyTorch's "mat1 and mat2 shapes cannot be multiplied"."""
    if isinstance(layer, nn.Linear) and x.shape[-1] != layer.in_features:
        size, out = layer.in_features, layer.out_features
        raise ValueError(f"{name}: expected input with {size} features, as nn.Linear({size}, {out}) takes, got "
                         f"{shape_str(x.shape)} from the layer before; build it as nn.Linear({x.shape[-1]}, {out}).")


def model_error(model: object, helper: str, expected: str) -> TypeError:
    """The error for something other than the model a helper follows, with how to get one."""
    got = f"the class {model.__name__}" if isinstance(model, type) else type(model).__name__
    fix = f"{'create one and pass it' if isinstance(model, type) else 'pass one'}: model = SequenceClassifier()"
    if isinstance(model, Tensor):
        fix = f"the model comes first: {helper}(model, x)"
    elif isinstance(model, nn.RNNBase):
        cell = "" if isinstance(model, nn.RNN) else f", cell={type(model).__name__.lower()!r}"
        fix = (f"a bare layer has no head; build a classifier around one and train it with fit: "
               f"model = SequenceClassifier(input_size={model.input_size}, hidden_size={model.hidden_size}{cell})")
    return TypeError(f"model: expected {expected}, got {got}; {fix}.")


def warn_if_time_first(x: Tensor, name: str = "x") -> Tensor:
    """Warn when a batch `(N, L, F)` looks time first: more time steps than sequences, and 100 steps or more.
    A warning, not an error: long sequences in small batches exist; a data set of sequences this long
    rarely does (the course's is N = 1000 by L = 10), so swapped axes are the likelier reading."""
    if x.dim() == 3 and 1 < x.shape[0] < x.shape[1] and x.shape[1] >= 100:
        warnings.warn(f"{name}: expected (batch, seq_len, features), got {shape_str(x.shape)}, read as "
                      f"{x.shape[0]} sequences of {x.shape[1]} time steps; if you meant {x.shape[1]} sequences "
                      f"of {x.shape[0]} steps, batch and time are swapped: use {name}.transpose(0, 1).",
                      UserWarning, stacklevel=3)
    return x


@dataclass
class TraceStep:
    """One step of a prediction: its name, the tensor, and what it means."""

    name: str
    value: Tensor
    meaning: str


@dataclass(repr=False)
class PredictionTrace:
    """The five steps of a prediction; shows as a table with shapes and rounded values."""

    steps: list[TraceStep]

    @property
    def probabilities(self) -> Tensor:
        return self.steps[-1].value

    def to_frame(self, decimals: int = 3) -> pd.DataFrame:
        return pd.DataFrame([{"step": i + 1, "name": s.name, "shape": shape_str(s.value.shape),
                              "values": preview(s.value, decimals), "meaning": s.meaning}
                             for i, s in enumerate(self.steps)])

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False)

    def __repr__(self) -> str:
        return self.to_frame().to_string(index=False)


def preview(value: Tensor, decimals: int = 3, limit: int = 6) -> str:
    """The first `limit` numbers of a tensor, rounded, for a table cell."""
    flat = [round(v, decimals) for v in value.flatten()[:limit].tolist()]
    more = ", ..." if value.numel() > limit else ""
    return "[" + ", ".join(f"{v:.{decimals}f}" for v in flat) + more + "]"


def last_hidden(model: nn.Module, h_n: Tensor) -> Tensor:
    """The model's own `last_hidden(h_n)` if it has one; else the top layer's final state `(N, D * H)`,
    both directions joined for a bidirectional RNN, as SequenceClassifier does."""
    if hasattr(model, "last_hidden"):
        return model.last_hidden(h_n)
    return torch.cat([h_n[-2], h_n[-1]], dim=1) if model.rnn.bidirectional else h_n[-1]


def prediction_trace(model: SequenceClassifier, x: Tensor) -> PredictionTrace:
    """Follow one sequence `(L, F)` or a batch `(N, L, F)` through the classifier.

    Lesson 04 § 3 (One prediction, step by step).
    Steps: input `(N, L, F)` -> RNN outputs `(N, L, D*H)` -> last hidden state `(N, D*H)`
    -> logits `(N, C)` -> softmax probabilities `(N, C)`; an unbatched sequence keeps no N.
    """
    if not isinstance(getattr(model, "rnn", None), nn.RNNBase) or not hasattr(model, "head"):
        raise model_error(model, "prediction_trace", "a classifier with .rnn and .head (a SequenceClassifier)")
    weight = next(model.rnn.parameters())  # x goes where the weights are, and must have their dtype
    x = require_tensor(x, "x").to(weight.device)
    x = warn_if_time_first(check_sequences(x, model.rnn.input_size, allow_unbatched=True, like=weight))
    unbatched = x.dim() == 2
    batch = x.unsqueeze(0) if unbatched else x
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            output, state = model.rnn(batch)
            last = last_hidden(model, state[0] if isinstance(state, tuple) else state)
            check_linear("model.head", model.head, last)
            logits = model.head(last)
            probabilities = torch.softmax(logits, dim=-1)
    finally:
        model.train(was_training)  # the trace only looks: a model in training stays in training
    values = [v.cpu() for v in (batch, output, last, logits, probabilities)]
    if unbatched:
        values = [v.squeeze(0) for v in values]
    names = ["input sequence", "RNN outputs", "last hidden state", "logits", "probabilities"]
    meanings = ["what the model reads", "the hidden state after every time step",
                "summary of the whole sequence", "one score per class (Linear layer)",
                "softmax of the logits; they sum to 1"]
    return PredictionTrace([TraceStep(n, v, m) for n, v, m in zip(names, values, meanings)])
