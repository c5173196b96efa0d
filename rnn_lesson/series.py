"""One series over time: windows for next-step prediction, two baselines, and forecasting (lesson 06).

A per-step model (`PerStepRNN`) learns the next value at every step of a window. It must beat
two baselines: persistence ("next = this") and a linear autoregression fitted by least squares.
To forecast several steps it feeds each prediction back as the next input (`forecast`);
`teacher_forced` feeds the true values instead, and `horizon_errors` measures both over the horizon.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from rnn_lesson.checks import check_sequences, describe, require_int, require_tensor, shape_str


def check_series(series: object, name: str = "series") -> Tensor:
    """Return one series as `(T, F)`: series `(T,)` or `(T, F)` of floats, time first."""
    series = require_tensor(series, name)
    if not series.is_floating_point():
        raise TypeError(f"{name}: expected floating-point values, got dtype {series.dtype}; use {name}.float().")
    if series.dim() == 2 and series.shape[0] < series.shape[1] and series.shape[0] <= 3:
        raise ValueError(f"{name}: expected one series laid out time first, (T,) or (T, F), got "
                         f"{shape_str(series.shape)}, which looks like features first; use {name}.T.")
    if series.dim() not in (1, 2):
        fix = f"pass one series of the batch, e.g. {name}[0]" if series.dim() > 2 else "pass a series of values"
        raise ValueError(f"{name}: expected one series, (T,) or (T, F), got {series.dim()} dimensions "
                         f"{shape_str(series.shape)}; {fix}.")
    return series if series.dim() == 2 else series.unsqueeze(1)


def make_windows(series: Tensor, length: int) -> tuple[Tensor, Tensor]:
    """Cut one series into overlapping windows and their next-step targets.

    Lesson 06 § 3 (A prediction at every step). series `(T,)` or `(T, F)` -> x `(N, length, F)` and
    y `(N, length, F)` with N = T - length: window i is series[i : i + length] and its target is the
    same window one step later, series[i + 1 : i + length + 1] (the next value at every step).
    Windows stay in time order (no shuffling), so a time-ordered split keeps the future out of training.
    """
    series = check_series(series)
    length, steps = require_int(length, "length"), series.shape[0]
    if length >= steps and steps < series.shape[1]:  # (5, 100): several series, or features first
        raise ValueError(f"series: expected one series, (T,) or (T, F), got {shape_str(series.shape)}, which looks like "
                         f"{steps} series of {series.shape[1]} steps (or features first); make_windows cuts one series: "
                         "pass series[0], or series.T to lay it out (T, F).")
    if length >= steps:
        raise ValueError(f"length: expected fewer steps than the series has, at most {steps - 1} (each window needs "
                         f"one more value, the target of its last step), got {length}; use a shorter window, "
                         f"e.g. length={max(1, steps // 2)}.")
    windows = series.unfold(0, length + 1, 1).transpose(1, 2)  # (N, length + 1, F), each a view of the series
    return windows[:, :-1].contiguous(), windows[:, 1:].contiguous()


def check_windows(x: object) -> Tensor:
    """Check windows x `(N, L, F)` and return them; windows `(N, L)` without a feature axis get the fix x.unsqueeze(-1)."""
    x = require_tensor(x, "x")
    return check_sequences(x, 1 if x.dim() == 2 else None)


def persistence(x: Tensor) -> Tensor:
    """The persistence baseline, "next = this": the prediction for the next step is the current value.

    Lesson 06 § 4 (Two baselines to beat). x `(N, L, F)` -> predictions `(N, L, F)`, a copy of x; compare with y
    from `make_windows`. A model that cannot beat it has not learnt anything about the series' dynamics.
    """
    return check_windows(x).clone()


def fit_autoregression(series: Tensor, order: int) -> Tensor:
    """Fit a linear autoregression by least squares: s[t] ~ c[0] + c[1] s[t-1] + ... + c[order] s[t-order].

    Lesson 06 § 4 (Two baselines to beat). series `(T,)` or `(T, 1)`, one feature, the training part only ->
    coefficients `(order + 1,)`: the intercept c[0], then one weight per lag, the most recent lag first.
    Solved with `torch.linalg.lstsq` in float64; returned in the series' dtype.
    """
    series, order = check_series(series), require_int(order, "order")
    if series.shape[1] != 1:
        raise ValueError(f"series: expected one feature, (T,) or (T, 1), got {shape_str(series.shape)}; the "
                         "autoregression fits one series: pick its feature, e.g. series[:, 0].")
    values, steps = series[:, 0].double(), series.shape[0]
    if steps < 2 * order + 1:
        most = (steps - 1) // 2
        raise ValueError(f"order: expected at most {most} for a series of {steps} values (each of the {order + 1} "
                         f"coefficients needs a row of data), got {order}; "
                         + (f"use order={most} or a longer series." if most else "use a longer series."))
    lags = [values[order - k: steps - k] for k in range(1, order + 1)]  # lag k: s[t-k] for t = order .. T-1
    design = torch.stack([torch.ones(steps - order, dtype=torch.float64), *lags], dim=1)  # (T - order, order + 1)
    solution = torch.linalg.lstsq(design, values[order:].unsqueeze(1)).solution  # (order + 1, 1)
    return solution[:, 0].to(series.dtype)


def autoregression_predict(coefficients: Tensor, x: Tensor) -> Tensor:
    """One-step predictions of a fitted autoregression at every step of each window.

    Lesson 06 § 4 (Two baselines to beat). coefficients `(order + 1,)` from `fit_autoregression`; x `(N, L, 1)`
    -> predictions `(N, L, 1)` of the next value after each step, like y from `make_windows`. The first
    order - 1 steps of a window have fewer than `order` values behind them: the missing older values
    are taken to equal the window's first value (the window is padded at the front with it).
    """
    coefficients, x = require_tensor(coefficients, "coefficients"), check_windows(x)
    if coefficients.dim() != 1 or len(coefficients) < 2:
        raise ValueError(f"coefficients: expected (order + 1,), an intercept and one weight per lag, got "
                         f"{shape_str(coefficients.shape)}; pass what fit_autoregression(series, order) returns.")
    if x.shape[2] != 1:
        raise ValueError(f"x: expected one feature per step, (N, L, 1), as the autoregression fits one series, got "
                         f"{shape_str(x.shape)}; pick the feature it was fitted on: x[..., :1].")
    order, steps = len(coefficients) - 1, x.shape[1]
    padded = torch.cat([x[:, :1, 0].expand(-1, order - 1), x[:, :, 0]], dim=1)  # (N, order - 1 + L)
    recent = padded.unfold(1, order, 1).flip(2)  # (N, L, order): the value at each step, then older ones
    c = coefficients.to(x.dtype)
    return (c[0] + recent[:, :steps] @ c[1:]).unsqueeze(2)


def check_forecaster(model: object, history: object) -> tuple[nn.Module, Tensor, bool]:
    """Check a model that can forecast and its history `(L, F)` or `(N, L, F)`; return (model, history
    `(N, L, F)`, whether it came unbatched)."""
    if not isinstance(model, nn.Module) or not hasattr(model, "forward_with_state"):
        raise TypeError(f"model: expected a per-step model with forward_with_state, such as PerStepRNN, got "
                        f"{describe(model)}; build one: PerStepRNN(input_size=1, output_size=1).")
    rnn, head = model.rnn, model.head
    if getattr(model, "task", "regress") != "regress" or head.out_features != rnn.input_size or rnn.bidirectional:
        raise ValueError(f"model: expected one direction and as many outputs as inputs (each prediction becomes the "
                         f"next input), got input_size={rnn.input_size}, output_size={head.out_features}, "
                         f"bidirectional={rnn.bidirectional}, task={getattr(model, 'task', 'regress')!r}; build it "
                         f"with PerStepRNN(input_size={rnn.input_size}, output_size={rnn.input_size}).")
    history = check_sequences(history, rnn.input_size, name="history", allow_unbatched=True, like=head.weight)
    unbatched = history.dim() == 2
    return model, history.unsqueeze(0) if unbatched else history, unbatched


def forecast(model: nn.Module, history: Tensor, steps: int) -> Tensor:
    """Forecast `steps` values by feeding each prediction back as the next input.

    Lesson 06 § 6 (Forecasting years ahead). model: a PerStepRNN with output_size == input_size.
    history `(L, F)` or `(N, L, F)` -> forecasts `(steps, F)` or `(N, steps, F)`. The model reads the
    history once; from then on its own last prediction is its next input, and the hidden state is carried
    from call to call. Runs in eval mode without gradients, and restores the model's mode.
    """
    model, history, unbatched = check_forecaster(model, history)
    steps, was_training = require_int(steps, "steps"), model.training
    model.eval()
    try:
        with torch.no_grad():
            predictions, state = model.forward_with_state(history)  # (N, L, F)
            latest = predictions[:, -1:]  # the first forecast, from the history's last step: (N, 1, F)
            forecasts = [latest]
            for _ in range(steps - 1):
                latest, state = model.forward_with_state(latest, state)  # one step in, one prediction out
                forecasts.append(latest)
    finally:
        model.train(was_training)
    result = torch.cat(forecasts, dim=1)  # (N, steps, F)
    return result[0] if unbatched else result


def teacher_forced(model: nn.Module, history: Tensor, future: Tensor) -> Tensor:
    """One-step-ahead predictions over the horizon when the TRUE value is fed at every step.

    Lesson 06 § 6 (Forecasting years ahead): the contrast with `forecast`, which feeds its own
    predictions back. history `(N, L, F)` and future `(N, steps, F)` (or `(L, F)` and `(steps, F)`)
    -> predictions `(N, steps, F)` (or `(steps, F)`): prediction k is made after reading the history and
    future[:, :k], the truth so far. Runs in eval mode without gradients, and restores the model's mode.
    """
    model, history, unbatched = check_forecaster(model, history)
    future = check_sequences(future, model.rnn.input_size, name="future", allow_unbatched=True, like=model.head.weight)
    future = future.unsqueeze(0) if future.dim() == 2 else future
    if len(future) != len(history):
        raise ValueError(f"future: expected the continuation of each of the {len(history)} histories, "
                         f"{shape_str((len(history), *future.shape[1:]))}, got {shape_str(future.shape)}; "
                         "slice history and future the same way.")
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            predictions = model(torch.cat([history, future[:, :-1]], dim=1))  # (N, L + steps - 1, F)
    finally:
        model.train(was_training)
    result = predictions[:, history.shape[1] - 1:]  # from the history's last step on: (N, steps, F)
    return result[0] if unbatched else result


def horizon_errors(predictions: Tensor, truth: Tensor) -> Tensor:
    """The mean absolute error at each step of the horizon.

    Lesson 06 § 6 (Forecasting years ahead). predictions and truth `(N, steps, F)` (or `(steps, F)`)
    -> errors `(steps,)`: entry k averages |prediction - truth| over sequences and features at step k
    ahead, so a forecast that feeds back its own errors shows them growing along the horizon.
    """
    predictions, truth = require_tensor(predictions, "predictions"), require_tensor(truth, "truth")
    if predictions.shape != truth.shape:
        steps = predictions.shape[-2] if predictions.dim() > 1 else len(predictions)
        fix = (f"use truth.reshape{shape_str(predictions.shape)}" if truth.numel() == predictions.numel() else
               f"compare as many steps as were predicted: truth[:, :{steps}]" if truth.dim() == 3 else
               f"compare as many steps as were predicted: truth[:{steps}]" if truth.dim() == 2 else
               "pass the true values at the predicted steps")
        raise ValueError(f"truth: expected the shape of predictions, {shape_str(predictions.shape)}, got "
                         f"{shape_str(truth.shape)}; {fix}.")
    if predictions.dim() not in (2, 3):
        raise ValueError(f"predictions: expected (N, steps, F) or (steps, F), got {shape_str(predictions.shape)}; "
                         "pass what forecast or teacher_forced returns.")
    errors = (predictions - truth).abs()
    return errors.mean(dim=(0, 2)) if errors.dim() == 3 else errors.mean(dim=1)
