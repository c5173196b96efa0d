"""Follow data through a model: the data-flow table and the prediction trace, step by step.

Both are computed from a real forward pass, never typed in. `data_flow` appears at the
end of lessons 01 to 04 ("Where we are in the data flow"); `prediction_trace` in lesson 04 § 3.
They follow each kind of model: a classifier (one label per sequence), a regressor (one number
per sequence, no softmax) and a per-step model (a prediction at every step, lesson 06).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pandas as pd
import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence, pad_packed_sequence

from rnn_lesson.checks import check_sequences, require_tensor, shape_str

# Each text fits pandas' default column width (50 characters), so no table cuts it short.
WHAT_HAPPENS = {
    nn.RNN: "reads step by step, updating one hidden state",
    nn.LSTM: "updates a hidden state and a gated cell state",
    nn.GRU: "reads step by step, updating a gated state",
    nn.Linear: "maps each row to one score (logit) per output",
    nn.Tanh: "squashes every value into (-1, 1)",
}
HEAD_DOES = {  # what model.head does, by (task, applied at every step)
    ("classify", False): WHAT_HAPPENS[nn.Linear],
    ("regress", False): "maps each summary to the predicted value(s)",
    ("classify", True): "scores every step: one logit per class",
    ("regress", True): "maps every step to its predicted value(s)",
}


def shapes_of(value: Tensor | tuple) -> str:
    """The shape of a tensor, or the shapes of a tuple of tensors such as nn.RNN's `(output, h_n)`;
    a PackedSequence shows its data `(total steps, features)` and how many sequences it packs."""
    if isinstance(value, Tensor):
        return shape_str(value.shape)
    if isinstance(value, PackedSequence):
        return f"packed {shape_str(value.data.shape)}, {int(value.batch_sizes[0])} sequences"
    return " and ".join(shapes_of(item) for item in value)  # an LSTM's (output, (h_n, c_n)) nests


def model_task(model: nn.Module) -> str:
    """'classify' (logits, softmax at prediction time) or 'regress' (the output is the prediction)."""
    task = getattr(model, "task", "classify")
    if task not in ("classify", "regress"):
        raise ValueError(f"model.task: expected 'classify' or 'regress', got {task!r}; set model.task = 'regress' "
                         "for a model that predicts numbers, or model.task = 'classify' for class scores.")
    return task


def data_flow(model: nn.Module, x: Tensor, lengths: Tensor | None = None) -> pd.DataFrame:
    """The table of stages a batch x `(N, L, F)` passes through in `model`, from forward hooks.

    Lesson 01 § 7 (Where we are in the data flow), and the same section of lessons 02 to 04.
    One row per layer, in the order the layers run: stage, input shape, what happens,
    output shape. For a classifier a last row shows softmax, which is applied at prediction
    time only; a regressor (`model.task == "regress"`) gets a "prediction" row instead, as its
    output is the prediction; a bare layer such as nn.RNN returns a tuple and gets neither.
    A per-step model's Linear maps `(N, L, H)` to `(N, L, out)`. lengths `(N,)`: passed on to the model.
    """
    if not isinstance(model, nn.Module):
        raise model_error(model, "data_flow", "a model, an nn.Module such as SequenceClassifier()")
    x, task = require_tensor(x, "x"), model_task(model)
    if getattr(model, "batch_first", True):  # a bare nn.RNN(batch_first=False) takes (L, N, F) by design
        warn_if_time_first(x)
    rows, head = [], getattr(model, "head", None)

    def record(module: nn.Module, inputs: tuple, output: Tensor | tuple) -> None:
        does = WHAT_HAPPENS.get(type(module), "applies the layer")
        if module is head and isinstance(output, Tensor):
            does = HEAD_DOES[task, inputs[0].dim() == 3]  # (N, L, H) in: the head runs on every step
        rows.append({"stage": type(module).__name__, "input shape": shapes_of(inputs[0]),
                     "what happens": does, "output shape": shapes_of(output)})

    first = next(model.parameters(), None)  # a model without parameters stays where x is
    x = x if first is None else x.to(first.device)
    names = {module: f"model.{name}" if name else "model" for name, module in model.named_modules()}
    leaves = [m for m in model.modules() if not list(m.children())]
    hooks = [m.register_forward_hook(record) for m in leaves]
    hooks += [m.register_forward_pre_hook(lambda layer, inputs: check_linear(names[layer], layer, inputs[0]))
              for m in leaves if isinstance(m, nn.Linear)]
    result = look(model, hooks, x, lengths)
    rows.insert(0, {"stage": "input", "input shape": "", "what happens": "a batch of sequences",
                    "output shape": shape_str(x.shape)})
    if isinstance(result, Tensor) and task == "classify":
        rows.append({"stage": "softmax (prediction only)", "input shape": shape_str(result.shape),
                     "what happens": "logits to probabilities; not part of the model",
                     "output shape": shape_str(torch.softmax(result, dim=-1).shape)})
    elif isinstance(result, Tensor):
        rows.append({"stage": "prediction", "input shape": shape_str(result.shape),
                     "what happens": "the output is the prediction; no softmax",
                     "output shape": shape_str(result.shape)})
    return pd.DataFrame(rows)


def look(model: nn.Module, hooks: list, x: Tensor, lengths: Tensor | None) -> Tensor | tuple:
    """Run `model(x)` (or `model(x, lengths)`) in eval mode without gradients, then remove `hooks`: the
    table and the trace only look, so a model in training stays in training."""
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            return model(x) if lengths is None else model(x, lengths)
    finally:
        model.train(was_training)
        for hook in hooks:
            hook.remove()


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
    """The steps of a prediction; shows as a table with shapes and rounded values."""

    steps: list[TraceStep]

    @property
    def probabilities(self) -> Tensor:
        """A classifier's last step: softmax probabilities `(N, C)`, or `(N, L, C)` for a per-step model."""
        if not self.steps[-1].name.startswith("probabilities"):
            raise ValueError(f"probabilities: expected the trace of a classifier, got a regression model's, which "
                             f"ends in {self.steps[-1].name!r}, numbers with no softmax; read trace.steps[-1].value.")
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


def trace_steps(task: str, per_step: bool) -> list[tuple[str, str]]:
    """The (name, meaning) of each step after the input and the RNN outputs, for each kind of model."""
    if per_step and task == "classify":
        return [("logits at every step", "one score per class at every step (Linear layer)"),
                ("probabilities at every step", "softmax over the classes; each step's sum to 1")]
    if per_step:
        return [("predictions at every step", "the Linear layer on every step's hidden state")]
    summary = ("last hidden state", "summary of the whole sequence")
    if task == "regress":
        return [summary, ("prediction", "the Linear layer's output: the predicted value(s)")]
    return [summary, ("logits", "one score per class (Linear layer)"),
            ("probabilities", "softmax of the logits; they sum to 1")]


def prediction_trace(model: nn.Module, x: Tensor, lengths: Tensor | None = None) -> PredictionTrace:
    """Follow one sequence `(L, F)` or a batch `(N, L, F)` through a model with `.rnn` and `.head`.

    Lesson 04 § 3 (One prediction, step by step); lesson 06 § 3 for a per-step model.
    The tensors are the model's own, caught with forward hooks on `model.rnn` and `model.head`:
    classifier: input `(N, L, F)` -> RNN outputs `(N, L, D*H)` -> last hidden state `(N, D*H)`
    -> logits `(N, C)` -> softmax probabilities `(N, C)`; regressor (`model.task == "regress"`): last
    hidden state -> prediction `(N, out)`, no softmax; per-step model (the head reads every step):
    RNN outputs -> predictions `(N, L, out)` (logits and probabilities `(N, L, C)` if it classifies).
    An unbatched sequence keeps no N. lengths `(N,)`: passed on to the model (padded batches).
    """
    rnn, head = getattr(model, "rnn", None), getattr(model, "head", None)
    if not isinstance(rnn, nn.RNNBase) or not isinstance(head, nn.Module):
        raise model_error(model, "prediction_trace", "a classifier with .rnn and .head (a SequenceClassifier)")
    task, weight = model_task(model), next(rnn.parameters())  # x goes where the weights are, with their dtype
    x = require_tensor(x, "x").to(weight.device)
    x = warn_if_time_first(check_sequences(x, rnn.input_size, allow_unbatched=True, like=weight))
    unbatched, caught = x.dim() == 2, {}
    batch = x.unsqueeze(0) if unbatched else x
    hooks = [rnn.register_forward_hook(lambda layer, inputs, output: caught.update(rnn=output[0])),
             head.register_forward_pre_hook(lambda layer, inputs: check_linear("model.head", layer, inputs[0])),
             head.register_forward_hook(lambda layer, inputs, output: caught.update(head=(inputs[0], output)))]
    look(model, hooks, batch, lengths)
    if "head" not in caught:
        raise model_error(model, "prediction_trace", "a model whose forward runs model.rnn, then model.head")
    output, (summary, result) = caught["rnn"], caught["head"]
    named = [("input sequence", "what the model reads"), ("RNN outputs", "the hidden state after every time step")]
    if isinstance(output, PackedSequence):  # a model that packs: pad back to (N, L, D*H), zeros after each end
        output = pad_packed_sequence(output, batch_first=True, total_length=batch.shape[1])[0]
        named[1] = ("RNN outputs", "hidden state at each real step; 0 after the end")
    per_step = summary.dim() == 3  # the head read (N, L, D*H): every step
    values = [batch, output] + ([] if per_step else [summary]) + [result]
    values += [torch.softmax(result, dim=-1)] if task == "classify" else []
    values = [v.cpu().squeeze(0) if unbatched else v.cpu() for v in values]
    named += trace_steps(task, per_step)
    return PredictionTrace([TraceStep(n, v, m) for (n, m), v in zip(named, values)])
