"""Lesson 06 · Predict at every step: the exercises, their references, and the answers they are tested on.

In the notebook: `from rnn_lesson.course.exercises import lesson06 as ex`, then `ex.q1.check(answer)`.
Numbered in the notebook's order: q1 `standardise_by_training` (Your turn 1, § 2), q2 `inputs_and_targets`
(Your turn 2, § 3), q3 `forecast_by_hand` (Your turn 3, § 6).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from rnn_lesson.checks import shape_str
from rnn_lesson.course.exercises.compare import KnownMistake, compare_functions, difference
from rnn_lesson.course.exercises.framework import Exercise, WrongAnswer, call_learner, returned_nothing, what_it_is
from rnn_lesson.course.feedback import Result, correct, incorrect
from rnn_lesson.models import PerStepRNN
from rnn_lesson.series import forecast, teacher_forced

NOTEBOOK = "06_per_step_prediction"


def with_torch() -> dict:
    return {"torch": torch}


# ---------- q1: standardise with the training years' statistics ----------

def reference_standardise(series: Tensor, n_train: int) -> Tensor:
    train = series[:n_train]
    return (series - train.mean()) / train.std()


def population_standardise(series: Tensor, n_train: int) -> Tensor:
    """The same with the population standard deviation (divide by n, not n - 1): also right."""
    train = series[:n_train]
    return (series - train.mean()) / train.std(correction=0)


def rising_series(generator: torch.Generator) -> tuple[Tensor, int]:
    """A positive series `(T,)` whose later values run higher (as the validation years of lesson 06 do), and n_train."""
    steps = int(torch.randint(20, 60, (1,), generator=generator))
    trend = torch.linspace(0, float(torch.rand(1, generator=generator)) * 80 + 20, steps)
    series = 30 * torch.rand(steps, generator=generator) + trend + 5
    return series, int(torch.randint(steps // 2, steps - 4, (1,), generator=generator))


STANDARDISE_MISTAKES = [
    KnownMistake(lambda s, n: (s - s.mean()) / s.std(),
                 "That scales with the mean and standard deviation of the whole series, validation years included: "
                 "the scale then carries information from the future into training. Use the first n_train values only."),
    KnownMistake(lambda s, n: (s - s[n:].mean()) / s[n:].std(),
                 "Those statistics come from the validation part, the future; the scale must come from the "
                 "training part, the first n_train values."),
    KnownMistake(lambda s, n: (s[:n] - s[:n].mean()) / s[:n].std(),
                 "That scales only the training part; the validation years need the very same scale, so return the "
                 "whole series, scaled."),
    KnownMistake(lambda s, n: s - s[:n].mean(),
                 "That subtracts the mean but does not divide by the standard deviation, so the values keep the "
                 "series' spread instead of about 1."),
    KnownMistake(lambda s, n: (s - s[:n].mean()) / s[:n].var(),
                 "That divides by the variance, the square of the standard deviation."),
]


def grade_standardise(function: object) -> Result:
    """Right with either standard deviation (n - 1 or n); the known mistakes are named."""
    result = compare_functions(function, reference_standardise, rising_series, mistakes=STANDARDISE_MISTAKES)
    if not result and compare_functions(function, population_standardise, rising_series):
        return correct()
    return result


q1 = Exercise(
    id="ex.q1", notebook=NOTEBOOK, objective="timesplit",
    task="Write standardise_by_training(series, n_train): the whole series (T,) scaled with the mean and standard "
         "deviation of its first n_train values.",
    grader=grade_standardise,
    hints=["The validation years stand for the future: nothing about them may shape what the model sees, not even "
           "the scale of its inputs.",
           "§ 2 *Split by time, then standardise* scales the sunspot numbers this way; the training part is the "
           "first n_train values.",
           "Take the first n_train values; compute their mean and their standard deviation; subtract that mean "
           "from every value of the series and divide the result by that deviation."],
    solution_code=("def standardise_by_training(series, n_train):\n"
                   "    train = series[:n_train]\n"
                   "    return (series - train.mean()) / train.std()"),
    answer_name="standardise_by_training", setup=with_torch,
    right_answers=["def standardise_by_training(series, n_train):\n"
                   "    std, mean = torch.std_mean(series[:n_train])\n"
                   "    return (series - mean) / std",
                   "def standardise_by_training(series, n_train):\n"
                   "    past = series[:n_train]\n"
                   "    return (series - past.mean()) / past.std(correction=0)  # n instead of n - 1: also right"],
    wrong_answers=[
        WrongAnswer("def standardise_by_training(series, n_train):\n"
                    "    return (series - series.mean()) / series.std()", ("whole series", "future")),
        WrongAnswer("def standardise_by_training(series, n_train):\n"
                    "    val = series[n_train:]\n"
                    "    return (series - val.mean()) / val.std()", "validation part"),
        WrongAnswer("def standardise_by_training(series, n_train):\n"
                    "    train = series[:n_train]\n"
                    "    return (train - train.mean()) / train.std()", ("has shape", "only the training part")),
        WrongAnswer("def standardise_by_training(series, n_train):\n"
                    "    return series - series[:n_train].mean()", "does not divide"),
        WrongAnswer("def standardise_by_training(series, n_train):\n"
                    "    train = series[:n_train]\n"
                    "    return (series - train.mean()) / train.var()", "variance")])


# ---------- q2: inputs and next-step targets from windows ----------

def reference_pairs(windows: Tensor) -> tuple[Tensor, Tensor]:
    return windows[:, :-1], windows[:, 1:]


def trial_windows(trial: int) -> Tensor:
    """Trial 1 to 5's windows `(N, L + 1, F)` of random values, N, L and F varied: trial 2 has one feature (F = 1),
    where squeezing drops an axis, and trial 4 one window (N = 1), where `.squeeze()` drops the batch axis too."""
    generator = torch.Generator().manual_seed(600 + trial)
    n, steps, features = (int(v) for v in torch.randint(2, 7, (3,), generator=generator))
    windows = torch.randn(n, steps + 1, features // 2, generator=generator)
    return windows[..., :1] if trial == 2 else windows[:1] if trial == 4 else windows


PAIR_MISTAKES = [
    KnownMistake(lambda w: (w[:, :-1], w[:, :-1]),
                 "Your targets are your inputs: a model trained on them learns to copy its input (persistence), not "
                 "to predict. The target of each step is the value one step later."),
    KnownMistake(lambda w: (w[:, 1:], w[:, :-1]),
                 "Your targets come one step before their inputs: the model would learn to predict the past."),
    KnownMistake(lambda w: (w[:, :-1], w[:, -1]),
                 "That is one target per window, lesson 03's many-to-one; a per-step model needs a target at every step."),
    KnownMistake(lambda w: (w[:-1], w[1:]),
                 "That shifts along the batch axis (dim 0), so a window's target becomes the next window; shift "
                 "along time, the axis of the steps."),
    KnownMistake(lambda w: (w[:, :-1].squeeze(-1), w[:, 1:].squeeze(-1)),
                 "Your tensors lost their feature axis: with one feature, squeezing turns (N, L, 1) into (N, L). "
                 "Keep all three axes, (N, L, F), as the model's inputs and outputs have them."),
]


def grade_pairs(function: Callable) -> Result:
    """Run the function on 5 random batches of windows; compare inputs and targets with the reference's.
    (`Exercise.grade` has made sure it is a function, and reports an error it raises.)"""
    for trial in range(1, 6):
        windows, ours = trial_windows(trial), trial_windows(trial)
        if (nothing := returned_nothing(got := call_learner(function, windows))) is not None:
            return nothing
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return incorrect(f"expected two tensors, (inputs, targets), got {what_it_is(got)}; return both, "
                             "inputs first, separated by a comma.")
        for name, mine, expected in zip(("first tensor (inputs)", "second tensor (targets)"), got, reference_pairs(ours)):
            if (problem := difference(mine, expected, name=f"your {name}")) is not None:
                ideas = [m.idea for m in PAIR_MISTAKES
                         if all(difference(a, b) is None for a, b in zip(got, m.gives(ours)))][:1]
                return incorrect(" ".join([f"on trial {trial}, with windows of shape {shape_str(ours.shape)}: "
                                           f"{problem}", *ideas]))
    return correct()


PAIR = "def inputs_and_targets(windows):\n    return "
q2 = Exercise(
    id="ex.q2", notebook=NOTEBOOK, objective="perstep",
    task="Write inputs_and_targets(windows): from windows (N, L + 1, F), the inputs (N, L, F) and the next-step "
         "targets (N, L, F), as a pair.",
    grader=grade_pairs,
    hints=["At every step the target is the value that comes next. A window of L + 1 values holds L such "
           "(input, target) pairs.",
           "§ 3 *A prediction at every step* prints one window's inputs beside its targets: the same values, "
           "shifted by one year.",
           "Inputs: every step but the last, along the time axis (dim 1). Targets: every step but the first, along "
           "the same axis. Return both, inputs first."],
    solution_code="def inputs_and_targets(windows):\n    return windows[:, :-1], windows[:, 1:]",
    answer_name="inputs_and_targets", setup=with_torch,
    right_answers=["def inputs_and_targets(windows):\n    return windows[:, :-1, :], windows[:, 1:, :]",
                   "def inputs_and_targets(windows):\n"
                   "    steps = windows.shape[1] - 1\n"
                   "    return windows.narrow(1, 0, steps), windows.narrow(1, 1, steps)"],
    wrong_answers=[
        WrongAnswer(PAIR + "windows[:, :-1], windows[:, :-1]", ("values differ", "copy its input")),
        WrongAnswer(PAIR + "windows[:, 1:], windows[:, :-1]", "the past"),
        WrongAnswer(PAIR + "windows[:, :-1], windows[:, -1]", ("has shape", "target at every step")),
        WrongAnswer(PAIR + "windows[:-1], windows[1:]", "batch axis"),
        WrongAnswer(PAIR + "windows, windows[:, 1:]", "has shape"),
        WrongAnswer(PAIR + "windows[:, :-1].squeeze(-1), windows[:, 1:].squeeze(-1)", ("has shape", "feature axis")),
        WrongAnswer(PAIR + "windows[:, :-1].squeeze(), windows[:, 1:].squeeze()", ("has shape", "feature axis")),
        WrongAnswer(PAIR + "windows[:, 1:]", "expected two tensors")])


# ---------- q3: forecast by feeding predictions back ----------

def reference_forecast(model: nn.Module, history: Tensor, k: int) -> Tensor:
    return forecast(model, history, k)


def model_and_history(generator: torch.Generator) -> tuple[PerStepRNN, Tensor, int]:
    """A PerStepRNN with random weights (F inputs and outputs), a history `(N, L, F)` and a horizon k <= L."""
    features, hidden, batch, k = (int(v) for v in torch.randint(1, 5, (4,), generator=generator))
    features, k = features // 2 + 1, k + 1
    with torch.random.fork_rng():  # building the model draws from the global generator: leave it as it was
        model = PerStepRNN(features, hidden_size=hidden + 2, output_size=features)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(torch.randn(parameter.shape, generator=generator) * 0.6)
    history = torch.randn(batch, k + int(torch.randint(0, 4, (1,), generator=generator)), features, generator=generator)
    return model, history, k


def restarted(model: nn.Module, history: Tensor, k: int) -> Tensor:
    """A typical wrong loop: after the first forecast, each step starts from a hidden state of zeros."""
    steps = [model(history)[:, -1:]]
    for _ in range(k - 1):
        steps.append(model(steps[-1]))
    return torch.cat(steps, dim=1)


FORECAST_MISTAKES = [
    KnownMistake(restarted,
                 "After the first forecast each step started again from a hidden state of zeros, so the model forgot "
                 "the history it read: carry the hidden state from one call into the next."),
    KnownMistake(lambda m, h, k: teacher_forced(m, h, h[:, -1:].expand(-1, k, -1)),  # the last value, k - 1 times
                 "Every step got the last known value as its input, not the prediction just made: feed each "
                 "prediction back as the next input."),
    KnownMistake(lambda m, h, k: m(h)[:, -k:],
                 "Those are the model's one-step predictions inside the history, made while it read the true values "
                 "(teacher forcing); a forecast starts after the history ends."),
    KnownMistake(lambda m, h, k: m(h)[:, -1:].repeat(1, k, 1),
                 "That repeats the first forecast k times; each new step must read the prediction before it."),
]


def grade_forecast(function: object) -> Result:
    result = compare_functions(function, reference_forecast, model_and_history, mistakes=FORECAST_MISTAKES)
    if result and callable(function):
        got = call_learner(function, *model_and_history(torch.Generator().manual_seed(1)))
        if isinstance(got, Tensor) and got.requires_grad:
            return correct("well done. Note: your forecast kept track of gradients, which prediction never needs; "
                           "turn gradient tracking off around it, as lesson 04 § 1 does.")
    return result


q3 = Exercise(
    id="ex.q3", notebook=NOTEBOOK, objective="horizon",
    task="Write forecast_by_hand(model, history, k): the k-step forecast (N, k, F) of a PerStepRNN that reads the "
         "history (N, L, F), then feeds each prediction back, carrying its hidden state.",
    grader=grade_forecast,
    hints=["After reading the history, the model's last prediction is the first forecast. From then on there is no "
           "true value to feed: each prediction goes back in as the next input, one step at a time.",
           "§ 6 *Forecasting years ahead*: the autoregression's loop there feeds its predictions back. The RNN needs "
           "one thing more, its hidden state: forward_with_state returns it beside the predictions and takes it "
           "back as its second input.",
           "Call forward_with_state on the history; keep the last step's prediction, (N, 1, F), and the state. "
           "Then, k - 1 times, call it on that one-step prediction with the state, keeping both. Join the k "
           "predictions along the time axis (dim 1)."],
    solution_code=("def forecast_by_hand(model, history, k):\n"
                   "    with torch.no_grad():\n"
                   "        predictions, h = model.forward_with_state(history)\n"
                   "        latest = predictions[:, -1:]\n"
                   "        forecasts = [latest]\n"
                   "        for _ in range(k - 1):\n"
                   "            latest, h = model.forward_with_state(latest, h)\n"
                   "            forecasts.append(latest)\n"
                   "    return torch.cat(forecasts, dim=1)"),
    answer_name="forecast_by_hand", setup=with_torch,
    right_answers=["def forecast_by_hand(model, history, k):\n"
                   "    sequence = history\n"
                   "    with torch.no_grad():\n"
                   "        for _ in range(k):  # re-reading the whole sequence from zeros gives the same states\n"
                   "            sequence = torch.cat([sequence, model(sequence)[:, -1:]], dim=1)\n"
                   "    return sequence[:, -k:]",
                   "def forecast_by_hand(model, history, k):\n"
                   "    output, h = model.rnn(history)\n"
                   "    latest = model.head(output[:, -1:])\n"
                   "    steps = [latest]\n"
                   "    while len(steps) < k:\n"
                   "        output, h = model.rnn(latest, h)\n"
                   "        latest = model.head(output)\n"
                   "        steps.append(latest)\n"
                   "    return torch.cat(steps, 1).detach()"],
    wrong_answers=[
        WrongAnswer("def forecast_by_hand(model, history, k):\n"
                    "    steps = [model(history)[:, -1:]]\n"
                    "    for _ in range(k - 1):\n"
                    "        steps.append(model(steps[-1]))\n"
                    "    return torch.cat(steps, dim=1)", ("values differ", "hidden state of zeros")),
        WrongAnswer("def forecast_by_hand(model, history, k):\n"
                    "    predictions, h = model.forward_with_state(history)\n"
                    "    steps = [predictions[:, -1:]]\n"
                    "    for _ in range(k - 1):\n"
                    "        latest, h = model.forward_with_state(history[:, -1:], h)\n"
                    "        steps.append(latest)\n"
                    "    return torch.cat(steps, dim=1)", "last known value"),
        WrongAnswer("def forecast_by_hand(model, history, k):\n    return model(history)[:, -k:]", "teacher forcing"),
        WrongAnswer("def forecast_by_hand(model, history, k):\n    return model(history)[:, -1:].repeat(1, k, 1)",
                    "repeats the first forecast")])

EXERCISES = (q1, q2, q3)
