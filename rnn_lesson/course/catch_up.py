"""Catch-up for late joiners and broken kernels: `catch_up("03", section=4)` rebuilds what a section needs.

After a lesson's import cells, one call re-runs with the notebook's seeds and arguments what the cells above a
numbered heading (`## 4. ...`) compute, and defines what the cells from that heading on read. Cells nothing below
reads are not re-run, but their random draws are made again: torch's generator ends where the notebook has it, so
the numbers printed from there on match the stored outputs. Each lesson is one generator yielding, at each heading
from 2 on, `(section, variables)`; tests/test_catch_up.py checks them against a kernel running the notebook.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import torch
from IPython import get_ipython
from torch import Tensor, nn

from rnn_lesson import (
    OrderBlindBaseline, PerStepRNN, SequenceClassifier, autoregression_predict, feature_stats, fit,
    fit_autoregression, forecast, load_dataset, load_japanese_vowels, load_sunspots, make_windows, pad_sequences,
    persistence, shape_str, standardise, teacher_forced, train_val_split,
)
from rnn_lesson.course.exercises.project import STARTING_CONFIG, train_project
from rnn_lesson.course.lessons import find_lesson

State = dict[str, object]


def lesson01() -> Iterator[tuple[int, State]]:
    """Lesson 01: the data of § 1 and the `batch_first` layer of § 2."""
    torch.manual_seed(0)  # the import cell
    x, y = load_dataset()
    yield 2, {"x": x, "y": y}
    rnn_batch_first = nn.RNN(input_size=5, hidden_size=8, batch_first=True)
    nn.RNN(input_size=5, hidden_size=8)  # § 2's rnn_time_first: built again for its random draws
    for section in (3, 4, 5):
        yield section, {"x": x, "y": y, "rnn_batch_first": rnn_batch_first}
    yield 6, {"x": x, "y": y}
    SequenceClassifier(input_size=5, hidden_size=8, num_classes=3)  # § 6's model
    yield 7, {"x": x}


def lesson02() -> Iterator[tuple[int, State]]:
    """Lesson 02: the data of the import cell and the layer `rnn` of § 2 (built again, seeded, in § 6)."""
    torch.manual_seed(0)
    x, _ = load_dataset()
    for extra in ({}, {"hidden_size": 16}, {"num_layers": 3}, {"nonlinearity": "relu"}, {"bias": False},
                  {"bidirectional": True}, {"num_layers": 2, "bidirectional": True}):  # § 1's table
        nn.RNN(**{"input_size": 5, "hidden_size": 8, "batch_first": True, **extra})
    nn.RNN(5, 8, dropout=0.5)  # § 1's warning
    yield 2, {"x": x}
    rnn = nn.RNN(input_size=5, hidden_size=8, batch_first=True)
    yield 3, {"x": x, "rnn": rnn}
    output, _ = rnn(x)
    yield 4, {"x": x, "rnn": rnn, "output": output}
    nn.RNN(5, 8, num_layers=2, bidirectional=True, nonlinearity="relu", batch_first=True)  # § 4's deep
    yield 5, {"x": x}
    nn.RNN(5, 8, bidirectional=True, batch_first=True)  # § 5's bi
    yield 6, {"x": x}
    torch.manual_seed(0)
    rnn = nn.RNN(5, 8, batch_first=True)
    yield 7, {"x": x, "rnn": rnn}
    torch.randn(1, 1000, 5)  # § 7 times one long random sequence
    yield 8, {"x": x, "rnn": rnn}
    torch.manual_seed(0)
    SequenceClassifier(input_size=5, hidden_size=8, num_classes=3)  # § 8's data_flow
    yield 9, {"x": x, "rnn": rnn}


def lesson03() -> Iterator[tuple[int, State]]:
    """Lesson 03: the split of the import cell, the loss of § 2 and the model that § 4 trains with `fit`."""
    torch.manual_seed(0)
    x, y = load_dataset()
    (x_train, y_train), (x_val, y_val) = train_val_split(x, y, seed=0)
    split = {"x_train": x_train, "y_train": y_train, "x_val": x_val, "y_val": y_val}
    nn.RNN(5, 8, batch_first=True), nn.Linear(8, 3)  # § 1's RNNClassifier
    torch.manual_seed(0)
    SequenceClassifier()  # § 1's data_flow
    yield 2, split
    loss_fn = nn.CrossEntropyLoss()
    torch.manual_seed(0)
    SequenceClassifier()  # § 2's untrained model
    yield 3, {**split, "loss_fn": loss_fn}
    torch.manual_seed(0)
    SequenceClassifier()  # § 3 trains it by hand; its batches come from make_loader's own generator
    yield 4, {**split, "loss_fn": loss_fn}
    torch.manual_seed(0)
    model = SequenceClassifier(input_size=5, hidden_size=8, num_classes=3)
    history = fit(model, (x_train, y_train), (x_val, y_val), epochs=5, lr=0.003, batch_size=32, seed=0,
                  progress=False)
    yield 5, {**split, "loss_fn": loss_fn, "model": model, "history": history}
    torch.manual_seed(0)
    OrderBlindBaseline(input_size=5, hidden_size=16, num_classes=3)  # § 5's baseline; fit draws nothing more
    yield 6, {**split, "loss_fn": loss_fn, "model": model}
    torch.manual_seed(1)  # § 6: gradient_per_step's random inputs, then the clipping example's
    torch.randn(16, 60, 5), torch.randn(16, 60, 5)
    yield 7, {**split, "loss_fn": loss_fn, "model": model}
    torch.manual_seed(1)
    SequenceClassifier()  # § 7's last run, final_accuracy(1, 1)
    yield 8, {**split, "loss_fn": loss_fn, "model": model}
    torch.manual_seed(0)
    SequenceClassifier(hidden_size=16)  # § 8's last candidate
    yield 9, {**split, "loss_fn": loss_fn, "model": model}


def lesson04() -> Iterator[tuple[int, State]]:
    """Lesson 04: the model of lesson 03, trained again in the import cell, and § 4's predictions."""
    x, y = load_dataset()
    (x_train, y_train), (x_val, y_val) = train_val_split(x, y, seed=0)
    torch.manual_seed(0)
    model = SequenceClassifier(input_size=5, hidden_size=8, num_classes=3)
    fit(model, (x_train, y_train), (x_val, y_val), epochs=5, seed=0, progress=False)
    torch.manual_seed(0)
    with_dropout = SequenceClassifier(hidden_size=16, num_layers=2, dropout=0.5)
    for _ in range(6):  # § 1 calls it six times in training mode, where dropout draws random numbers
        with_dropout(x_val[:1])
    for section in (2, 3, 4):
        yield section, {"x": x, "model": model, "x_val": x_val, "y_val": y_val}
    with torch.no_grad():
        val_predictions = model(x_val).argmax(dim=1)
    for section in (5, 6):
        yield section, {"x": x, "model": model, "x_val": x_val, "y_val": y_val, "val_predictions": val_predictions}
    SequenceClassifier(input_size=5, hidden_size=8, num_classes=3)  # § 6's restored, before its weights load
    yield 7, {"x": x, "model": model, "x_val": x_val, "y_val": y_val}
    yield 8, {"model": model, "x_val": x_val, "y_val": y_val}


def lesson05() -> Iterator[tuple[int, State]]:
    """Lesson 05: the random batch `x` of the import cell; the later sections build their own."""
    torch.manual_seed(0)
    x = torch.randn(1000, 10, 5)
    nn.RNN(5, 8, batch_first=True), nn.GRU(5, 8, batch_first=True), nn.LSTM(5, 8, batch_first=True)  # § 1
    yield 2, {"x": x}
    torch.manual_seed(0)
    SequenceClassifier(hidden_size=16, cell="lstm")  # § 2's last model; fit draws nothing more
    yield 3, {"x": x}
    train_project(STARTING_CONFIG)  # § 3's starting model, seeded inside
    yield 4, {"x": x}
    torch.manual_seed(0)  # § 4's layers and long sequence, then the LSTM of the common mistakes
    nn.RNN(5, 8, batch_first=True), nn.Linear(8, 1), torch.randn(1, 200, 5), nn.LSTM(5, 8, batch_first=True)
    nn.Linear(8, 3)  # the common mistake's layer, built before it raises
    yield 5, {}


def lesson06() -> Iterator[tuple[int, State]]:
    """Lesson 06: the sunspot series, its scaling (§ 2), windows and trained model (§ 3), baselines (§ 4). Nothing
    seeds or draws before § 3 seeds: sections 2 and 3 leave the generator where a new kernel's random start put it."""
    years, sunspots = load_sunspots()
    yield 2, {"years": years, "sunspots": sunspots}
    n_train = len(sunspots) - 50
    _, z = standardise(sunspots[:n_train], sunspots)
    mean, std = feature_stats(sunspots[:n_train])

    def to_sunspots(scaled: Tensor) -> Tensor:
        """Scaled values back to sunspot numbers."""
        return scaled * std + mean

    series = {"years": years, "sunspots": sunspots, "n_train": n_train, "to_sunspots": to_sunspots}
    yield 3, {**series, "z": z}
    length = 20
    x_train, y_train = make_windows(z[:n_train], length)
    x_val, y_val = make_windows(z[n_train:], length)
    torch.manual_seed(0)
    model = PerStepRNN(input_size=1, hidden_size=16, output_size=1)
    fit(model, (x_train, y_train), (x_val, y_val), epochs=40, lr=0.01, batch_size=64, seed=0, progress=False)
    trained = {**series, "length": length, "model": model, "x_train": x_train, "x_val": x_val}
    yield 4, {**trained, "z": z}
    x_years, y_years = make_windows(z[n_train - length:], length)
    truth = to_sunspots(y_years[:, -1])
    coefficients = fit_autoregression(z[:n_train], order=9)
    with torch.no_grad():
        one_step = {"RNN (PerStepRNN)": model(x_years)[:, -1], "persistence": persistence(x_years)[:, -1],
                    "autoregression, 9 years": autoregression_predict(coefficients, x_years)[:, -1]}
    errors = {name: (to_sunspots(p) - truth).abs().mean().item() for name, p in one_step.items()}
    baselines = {**trained, "x_years": x_years, "truth": truth, "errors": errors}
    yield 5, {**baselines, "z": z, "coefficients": coefficients}
    torch.manual_seed(0)
    PerStepRNN(input_size=1, hidden_size=16)  # § 5's last leak_model; fit draws nothing more
    yield 6, {**baselines, "z": z, "coefficients": coefficients}
    steps = 10
    starts = range(n_train, len(z) - steps + 1)
    history = torch.stack([z[t - length:t] for t in starts]).unsqueeze(-1)
    future = torch.stack([z[t:t + steps] for t in starts]).unsqueeze(-1)
    window = history  # § 6's autoregression_forecast: each prediction fed back as the newest value
    for _ in range(steps):
        window = torch.cat([window, autoregression_predict(coefficients, window)[:, -1:]], dim=1)
    forecasts = {"RNN, fed back": forecast(model, history, steps),
                 "RNN, teacher-forced": teacher_forced(model, history, future),
                 "autoregression, fed back": window[:, -steps:],
                 "persistence": history[:, -1:].expand(-1, steps, -1)}
    yield 7, {**baselines, "starts": starts, "history": history, "future": future, "forecasts": forecasts}


def lesson07() -> Iterator[tuple[int, State]]:
    """Lesson 07: the vowels split, scaled and padded (§ 1), and § 2's helpers `train_classifier` and `part`."""
    torch.manual_seed(0)
    data = load_japanese_vowels()
    train_ids = data.is_train.nonzero().squeeze(1)
    test_ids = (~data.is_train).nonzero().squeeze(1)
    shuffled = train_ids[torch.randperm(len(train_ids), generator=torch.Generator().manual_seed(0))]
    val_ids, train_ids = shuffled[:54], shuffled[54:]
    y = data.speakers
    _, all_scaled = standardise([data.sequences[i] for i in train_ids], data.sequences)
    x_end, lengths = pad_sequences(all_scaled, side="end")
    x_front, _ = pad_sequences(all_scaled, side="front")
    split = {"x_end": x_end, "lengths": lengths, "y": y, "train_ids": train_ids, "val_ids": val_ids}
    yield 2, {**split, "x_front": x_front, "test_ids": test_ids}

    def train_classifier(train, val, hidden_size=16, epochs=10, lr=0.01, seed=0, clip=None, nonlinearity="tanh"):
        """A SequenceClassifier for the 9 speakers, seeded, trained by fit; returns the model and its History."""
        torch.manual_seed(seed)
        model = SequenceClassifier(input_size=12, hidden_size=hidden_size, num_classes=9, nonlinearity=nonlinearity)
        history = fit(model, train, val, epochs=epochs, lr=lr, seed=seed, progress=False, clip=clip)
        return model, history

    def part(x, ids):
        """The (x, lengths, y) triple of the utterances `ids`, as fit takes them to pack."""
        return x[ids], lengths[ids], y[ids]

    torch.manual_seed(0)
    SequenceClassifier(input_size=12, hidden_size=16, num_classes=9)  # § 2's last run; fit draws nothing more
    yield 3, {**split, "train_classifier": train_classifier, "part": part, "test_ids": test_ids}
    torch.manual_seed(0)
    SequenceClassifier(input_size=12, hidden_size=64, num_classes=9)  # § 3's last hidden size
    yield 4, {**split, "train_classifier": train_classifier, "part": part}
    torch.manual_seed(0)
    SequenceClassifier(input_size=12, hidden_size=8, num_classes=9)  # § 4's clipped run
    yield 5, {**split, "part": part}
    torch.manual_seed(0)
    model = SequenceClassifier(input_size=12, hidden_size=8, num_classes=9)
    fit(model, part(x_end, train_ids), part(x_end, val_ids), epochs=1, progress=False)  # § 5's checklist
    yield 6, {**split, "part": part, "model": model}


LESSON_STEPS = {"01": lesson01, "02": lesson02, "03": lesson03, "04": lesson04,
                "05": lesson05, "06": lesson06, "07": lesson07}
LAST_SECTION = {"01": 7, "02": 9, "03": 9, "04": 8, "05": 5, "06": 7, "07": 6}  # each lesson's last `## N.` heading


def check_request(lesson: object, section: object) -> tuple[str, int]:
    """The lesson's number and the section, checked; errors name the valid ones."""
    try:
        number = find_lesson(lesson).number
    except ValueError as error:
        raise ValueError(f"catch_up: {error}") from None
    last = LAST_SECTION[number]
    example = f'catch_up("{number}", section=2)'
    if isinstance(section, bool) or not isinstance(section, int):
        raise TypeError(f"catch_up: expected a section number from 2 to {last}, got {section!r}; write the number "
                        f"of the section's heading, as in {example} for the heading `## 2. ...`.")
    if section == 1:
        raise ValueError(f"catch_up: section 1 of lesson {number} needs only the cells at the top of the notebook: "
                         f"run them from the first cell. catch_up rebuilds sections 2 to {last}, e.g. {example}.")
    if not 2 <= section <= last:
        raise ValueError(f"catch_up: lesson {number} has sections 1 to {last}, got section {section}; catch_up "
                         f"rebuilds sections 2 to {last} (the headings `## 2.` to `## {last}.`), e.g. {example}.")
    return number, section


def rebuild(lesson: object, section: object) -> State:
    """What the cells from heading `section` on read from earlier cells; torch's generator as the notebook has it."""
    number, section = check_request(lesson, section)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the warnings a lesson shows on purpose were read there
        for found, state in LESSON_STEPS[number]():
            if found == section:
                return state
    raise RuntimeError(f"catch_up: lesson {number}'s steps never reached section {section}; please report this.")


def describe(name: str, value: object) -> str:
    """One variable for the summary line: a tensor's shape, a number's value, otherwise its type."""
    if isinstance(value, Tensor):
        return f"{name} {shape_str(value.shape)}"
    if isinstance(value, (int, float)):
        return f"{name} = {value}"
    if callable(value) and not isinstance(value, nn.Module):
        return f"{name}()"
    return f"{name} ({type(value).__name__})"


def catch_up(lesson: str | int, section: int, namespace: dict | None = None) -> State | None:
    """Rebuild the variables a lesson section needs, seeded so its numbers match the stored outputs.

    `catch_up("03", section=4)` (after lesson 03's import cells) defines what the cells from the heading `## 4.` on
    read from earlier cells, in the notebook or in `namespace`, and prints one line naming them. Outside IPython and
    with no namespace it returns them: `globals().update(catch_up("03", 4))` in a script."""
    number, section = check_request(lesson, section)
    state = rebuild(number, section)
    names = ", ".join(describe(name, value) for name, value in state.items()) or "nothing from earlier sections"
    print(f"Lesson {number} § {section} caught up: {names}; random numbers continue as in the notebook.")
    if namespace is None:
        shell = get_ipython()
        if shell is None:
            return state
        namespace = shell.user_ns
    namespace.update(state)
    return None
