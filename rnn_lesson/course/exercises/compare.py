"""Comparing an answer with the reference: `difference` says in words what differs,
`compare_values` grades a value, `compare_functions` grades a function on random trials.

The reference always works on its own copy of each trial's inputs, so a function that changes
its inputs in place is judged by what it returns (and told that it changed them). Inputs are
described as a learner would write them: tensors by shape, numbers by value, anything else by
its class. A result that matches a `KnownMistake` names the idea behind it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from rnn_lesson.checks import shape_str
from rnn_lesson.course.exercises.framework import TooSlow, call_learner, returned_nothing
from rnn_lesson.course.feedback import Result, correct, incorrect


def number(value: object) -> str:
    """A number as the lessons print it: whole numbers as they are, others to 4 decimals."""
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def difference(got: object, expected: object, name: str = "your tensor", atol: float = 1e-5) -> str | None:
    """What differs between `got` and `expected` (a tensor, or a plain number), in words; None if nothing."""
    if not isinstance(expected, Tensor):
        if isinstance(got, Tensor) and got.numel() == 1:
            got = got.item()
        if isinstance(expected, (int, float)) and not isinstance(got, (int, float)):
            return f"{name} is {got!r}, a {type(got).__name__}; expected a number, {expected!r}."
        return f"{name} is {got!r}; expected {expected!r}." if got != expected else None
    if not isinstance(got, Tensor):
        return f"{name} should be a torch.Tensor, but it is a {type(got).__name__}."
    if tuple(got.shape) != tuple(expected.shape):
        return f"{name} has shape {shape_str(got.shape)}; expected {shape_str(expected.shape)}."
    if got.dtype != expected.dtype:
        why = " (nn.RNN wants its input in the dtype of its weights)" if expected.dtype == torch.float32 else ""
        return f"{name} has dtype {got.dtype}; expected {expected.dtype}{why}."
    close = torch.isclose(got.detach().double(), expected.detach().double(), atol=atol, rtol=0)
    if not close.all():
        if got.dim() == 0:
            return f"{name} is {number(got.item())}; expected {number(expected.item())}."
        index = tuple(int(i) for i in (~close).nonzero()[0])
        return (f"{name} has the right shape, but its values differ: at index {index} it holds "
                f"{number(got[index].item())} where {number(expected[index].item())} was expected.")
    return None


def compare_values(got: object, expected: object, name: str = "your tensor") -> Result:
    """Correct when `got` matches `expected`; otherwise incorrect, naming the first difference."""
    problem = difference(got, expected, name)
    return incorrect(problem) if problem else correct()


@dataclass(frozen=True)
class KnownMistake:
    """A typical wrong version of the reference, and the idea a learner whose result matches it missed."""

    gives: Callable
    idea: str


def describe(name: str, value: object) -> str:
    """One input in words: a tensor by its shape, a number by its value, anything else by its type."""
    if isinstance(value, Tensor):
        return f"{name} of shape {shape_str(value.shape)}"
    if isinstance(value, (bool, int, float)):
        return f"{name}={value!r}"
    return f"{name}: a {type(value).__name__}"


def changed_in_place(names: Sequence[str], theirs: tuple, ours: tuple) -> list[str]:
    """The names of the tensor inputs that differ after the learner's call (`theirs`) and the reference's."""
    return [name for name, a, b in zip(names, theirs, ours) if isinstance(a, Tensor) and isinstance(b, Tensor)
            and not (a.shape == b.shape and torch.equal(a.detach(), b.detach()))]


def input_names(function: Callable, count: int) -> list[str]:
    """The function's parameter names, for messages; "input 1", "input 2", … where they cannot be read."""
    try:
        return list(inspect.signature(function).parameters)[:count]
    except (TypeError, ValueError):  # some built-in functions have no readable signature
        return [f"input {i}" for i in range(1, count + 1)]


def trial_inputs(make_inputs: Callable[[torch.Generator], tuple], seed: int, trial: int) -> tuple:
    """The inputs of one trial, made afresh on each call: every function gets its own copy."""
    return make_inputs(torch.Generator().manual_seed(1000 * seed + trial))


def compare_functions(learner: object, reference: Callable, make_inputs: Callable[[torch.Generator], tuple],
                      trials: int = 5, seed: int = 0, mistakes: Sequence[KnownMistake] = (),
                      seconds: float | None = None) -> Result:
    """Run the learner's function and the reference on `trials` random inputs; report the first difference.

    Each function gets its own copy of every trial's inputs, made afresh by `make_inputs` from the
    same seed (so it must draw all its randomness from the generator it is given). A result that
    matches a known mistake names the idea behind it. A stub (its body just `...`) is caught before,
    by `Exercise.grade`; a function that returns None is told to return its result; one that runs
    past `seconds` (default `TIME_LIMIT_S`) is told so; one that raises is told how to see where.
    """
    if not callable(learner):
        return incorrect(f"expected a function, got a {type(learner).__name__}.")
    changed: list[str] = []
    for trial in range(1, trials + 1):
        theirs, ours = trial_inputs(make_inputs, seed, trial), trial_inputs(make_inputs, seed, trial)
        names = input_names(reference, len(ours))
        described = ", ".join(describe(name, value) for name, value in zip(names, ours))
        try:
            got = call_learner(learner, *theirs, seconds=seconds)
        except Exception as error:
            text = str(error) if isinstance(error, TooSlow) else (
                f"your function raised {type(error).__name__}: {error}. Call it yourself on inputs like these "
                "to see the line that fails.")
            return incorrect(f"on trial {trial}, with {described}: {text}")
        if (nothing := returned_nothing(got)) is not None:
            return nothing
        problem = difference(got, reference(*ours), name="the result")
        changed = changed_in_place(names, theirs, ours) or changed
        if problem:
            ideas = [m.idea for m in mistakes
                     if difference(got, m.gives(*trial_inputs(make_inputs, seed, trial))) is None][:1]
            note = (f" Your function also changed {' and '.join(changed)} in place: it should only read its inputs."
                    if changed else "")
            return incorrect(" ".join([f"on trial {trial}, with {described}: {problem}", *ideas]) + note)
    if changed:
        return correct(f"well done. Note: your function changed {' and '.join(changed)} in place; "
                       "code that calls it may not expect that.")
    return correct()
