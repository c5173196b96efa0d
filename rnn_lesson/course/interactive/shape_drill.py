"""The shape drill: predict `output`, `h_n` and `h0` for a random `nn.RNN` configuration.

Lesson 02 § 5. `drill.new()` shows a configuration; `drill.check(output=..., h_n=..., h0=...)`
grades the three shapes against the real module (`grade_shapes`, pure), explains each wrong
shape in words and counts the streak: the drill is solved, and recorded so, after `target`
configurations right in a row at the first check; a wrong answer starts the count again.
`drill.hint()` gives stepped hints, `drill.solution()` the shapes (that configuration then
no longer counts).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from difflib import get_close_matches

import torch
from IPython.display import Markdown
from torch import nn

from rnn_lesson.course import progress_store
from rnn_lesson.course.feedback import (CORRECT, NOT_ATTEMPTED, Result, correct, hint_text, incorrect,
                                        not_attempted)
from rnn_lesson.course.quiz.grading import parse_shape, why_not_a_shape


@dataclass
class Config:
    """One drill question: the nn.RNN arguments and the input it receives."""

    input_size: int
    hidden_size: int
    num_layers: int
    batch_first: bool
    bidirectional: bool
    batch: int | None  # None: one unbatched sequence
    steps: int

    def input_shape(self) -> tuple[int, ...]:
        if self.batch is None:
            return (self.steps, self.input_size)
        if self.batch_first:
            return (self.batch, self.steps, self.input_size)
        return (self.steps, self.batch, self.input_size)

    def code(self) -> str:
        return (f"rnn = nn.RNN(input_size={self.input_size}, hidden_size={self.hidden_size}, "
                f"num_layers={self.num_layers}, batch_first={self.batch_first}, "
                f"bidirectional={self.bidirectional})\nx = torch.randn{self.input_shape()}\noutput, h_n = rnn(x)")


def random_config(rng: random.Random) -> Config:
    sizes = rng.sample([2, 3, 4, 5, 6, 7, 8, 9], 4)
    return Config(input_size=sizes[0], hidden_size=sizes[1], num_layers=rng.choice([1, 1, 2, 3]),
                  batch_first=rng.choice([True, False]), bidirectional=rng.choice([False, True]),
                  batch=None if rng.random() < 0.2 else sizes[2], steps=sizes[3])


def true_shapes(config: Config) -> dict[str, tuple[int, ...]]:
    """Run the real nn.RNN on the configuration: the shapes of output, h_n, and the h0 it accepts."""
    rnn = nn.RNN(config.input_size, config.hidden_size, num_layers=config.num_layers,
                 batch_first=config.batch_first, bidirectional=config.bidirectional)
    output, h_n = rnn(torch.zeros(config.input_shape()))
    rnn(torch.zeros(config.input_shape()), torch.zeros(h_n.shape))  # h0 of h_n's shape is accepted
    return {"output": tuple(output.shape), "h_n": tuple(h_n.shape), "h0": tuple(h_n.shape)}


def explain(name: str, got: tuple[int, ...], expected: tuple[int, ...], config: Config) -> str:
    """Say in words why a predicted shape is wrong."""
    d = 2 if config.bidirectional else 1
    if name == "output":
        if config.batch is None and len(got) == 3:
            return "output: unbatched input gives unbatched output, (L, D*H), with no batch axis."
        if len(got) == len(expected) and got[-1] == config.hidden_size and d == 2:
            return f"output: a bidirectional RNN joins both directions, so the last axis is D*H = {d * config.hidden_size}."
        if len(got) == 3 and sorted(got) == sorted(expected):
            layout = "(N, L, D*H)" if config.batch_first else "(L, N, D*H)"
            return f"output follows the input's layout: with batch_first={config.batch_first} it is {layout}."
        return (f"output: not {got}; it is the top layer's hidden state at every step, laid out like the input "
                f"(batch_first={config.batch_first}).")
    if config.batch is not None and len(got) == 3 and got == (expected[1], expected[0], expected[2]):
        return f"{name}: batch_first does not reorder {name}; it is always (num_layers*D, N, H)."
    if got and got[0] == config.num_layers and d == 2:
        return f"{name}: one slice per layer *and direction*: num_layers*D = {config.num_layers * d}."
    if got and got[-1] == d * config.hidden_size and d == 2:
        return f"{name}: directions are kept apart in {name}; its last axis is H = {config.hidden_size}, not D*H."
    if config.batch is None and len(got) == 3:
        return f"{name}: for unbatched input, {name} has no batch axis: (num_layers*D, H)."
    return f"{name}: not {got}; it is (num_layers*D, N, H): one final state per layer and direction."


HINTS = [
    "output follows the input's layout (batch_first or not); h_n and h0 do not: batch_first never reorders them.",
    "§ 3 *`output` versus `h_n`* and § 5 *Stacked and bidirectional RNNs* of this lesson, and the cheat sheet's "
    "shape table: D is 2 for a bidirectional layer, else 1.",
    "output is (N, L, D*H) with batch_first=True and (L, N, D*H) without; h_n and h0 are (num_layers*D, N, H) "
    "either way. For one unbatched sequence, drop the N axis from all three.",
]


class ShapeDrill:
    """Repeatable practice: new random configurations until `target` are right in a row."""

    def __init__(self, seed: int = 0, target: int = 3):
        self.rng, self.target, self.streak = random.Random(seed), target, 0
        self.config = random_config(self.rng)
        self.hints_shown, self.first_try = 0, True

    def new(self) -> Markdown:
        """A new configuration to predict."""
        self.config = random_config(self.rng)
        self.hints_shown, self.first_try = 0, True
        return self.show()

    def show(self) -> Markdown:
        return Markdown(f"```python\n{self.config.code()}\n```\nWhat are the shapes of `output`, `h_n`, and the "
                        f"`h0` you could pass as `rnn(x, h0)`?")

    def hint(self) -> Markdown:
        """The next hint: each call gives a stronger one; after the last, where the answer is."""
        self.hints_shown = min(self.hints_shown + 1, len(HINTS) + 1)
        return Markdown(hint_text(HINTS, self.hints_shown, "`drill.solution()` shows the shapes for this "
                                  "configuration (a shown answer does not count towards the streak)."))

    def solution(self) -> Markdown:
        """The three shapes for the current configuration; checking them then does not count towards the streak."""
        self.first_try = False
        shapes = true_shapes(self.config)
        return Markdown(", ".join(f"`{name}` {shape}" for name, shape in shapes.items()) +
                        ". Run `drill.new()` for a configuration of your own.")

    def check(self, output: object = None, h_n: object = None, h0: object = None, **others: object) -> Result:
        """Grade the three shapes for the current configuration, count the streak, record when it is complete.
        A misspelt name (`hn=`, `h_0=`) is not attempted, with the name it most likely means."""
        if others:
            return not_attempted(unknown_names(others))
        result = grade_shapes(self.config, {"output": output, "h_n": h_n, "h0": h0})
        if result.status == NOT_ATTEMPTED:
            return result
        if result.status != CORRECT:
            self.streak, self.first_try = 0, False
            progress_store.record_exercise("02_the_rnn_layer", "shape_drill", False, result.message)
            return result
        if not self.first_try:
            return correct("these are the shapes, but only a configuration's first check, with no answer shown, "
                           f"counts towards the streak ({self.streak} in a row). Run drill.new() for the next one.")
        self.streak, self.first_try = self.streak + 1, False
        done = self.streak >= self.target
        progress_store.record_exercise("02_the_rnn_layer", "shape_drill", done)
        if done:
            return correct(f"{self.streak} in a row. Drill complete!")
        return correct(f"{self.streak} in a row; {self.target - self.streak} more to complete the drill. "
                       "Run drill.new() for the next one.")


def unknown_names(others: dict[str, object]) -> str:
    """Names given to `check` that it does not know, each with the one it most likely means."""
    names = ("output", "h_n", "h0")
    meant = {name: (get_close_matches(name, names, n=1, cutoff=0.3) or names)[0] for name in others}
    guesses = [f"{meaning}= instead of {name}=" for name, meaning in meant.items()]
    return (f"drill.check expected output=, h_n= and h0=, got {', '.join(map(repr, others))}; "
            f"write {' and '.join(guesses)}.")


def grade_shapes(config: Config, answers: dict[str, object]) -> Result:
    """Grade predicted shapes of `output`, `h_n` and `h0` against the real nn.RNN for `config`."""
    if all(a is None or a is ... for a in answers.values()):
        return not_attempted("type the three shapes, e.g. drill.check(output=(3, 7, 8), ...).")
    expected = true_shapes(config)
    problems = []
    for name, answer in answers.items():
        if answer is None or answer is ...:
            problems.append(f"{name}: expected a shape, got nothing; give all three: drill.check(output=..., h_n=..., "
                            "h0=...).")
        elif (shape := parse_shape(answer)) is None:
            problems.append(f"{name}: {why_not_a_shape(answer)}.")
        elif shape != expected[name]:
            problems.append(explain(name, shape, expected[name], config))
    return incorrect(" ".join(problems)) if problems else correct("all three shapes are right.")
