"""Exercise checks, in the pattern Kaggle Learn users know: `ex.q1.check(answer)`, `ex.q1.hint()`,
`ex.q1.solution()`.

Checks test behaviour, not text: a shape, a tensor's values, or a function run against the
reference on several random inputs. An untouched exercise (`...` or `None`) is "not attempted
yet", never an error, so a fresh notebook runs top to bottom. Set the environment variable
RNN_LESSON_WORKSHOP=1 to withhold solutions in a workshop (`solution()` then says to ask the
instructor). The exercises themselves are defined in `rnn_lesson.exercise_sets`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable

import torch
from IPython.display import Markdown
from torch import Tensor

from rnn_lesson import progress_file
from rnn_lesson.checks import shape_str
from rnn_lesson.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED, Result

WORKSHOP_ENV = "RNN_LESSON_WORKSHOP"


def workshop_mode() -> bool:
    """True when the instructor has withheld solutions (RNN_LESSON_WORKSHOP=1)."""
    return os.environ.get(WORKSHOP_ENV, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass
class Exercise:
    """One exercise: its checker, stepped hints and a reference solution.

    checker: answer -> Result (or a message string for incorrect, None for correct).
    solution_code: runs in a namespace made by `setup()` and leaves the answer in `answer_name`,
    so the tests prove the solution passes its own check.
    """

    id: str
    notebook: str
    objective: str  # the id of the learning objective it assesses, as in the notebook's quiz bank
    task: str
    checker: Callable[[object], Result | str | None]
    hints: list[str]
    solution_code: str
    answer_name: str = "answer"
    setup: Callable[[], dict] = dict
    hints_shown: int = field(default=0, repr=False)

    def check(self, answer: object) -> Result:
        if answer is None or answer is ...:
            return Result(NOT_ATTEMPTED, f"replace the ... with your answer, then run this cell again. "
                                         f"Stuck? {self.id}.hint()")
        try:
            verdict = self.checker(answer)
        except Exception as error:  # a learner's function failing is feedback, not a crash
            verdict = f"running your answer raised {type(error).__name__}: {error}"
        if isinstance(verdict, str):
            verdict = Result(INCORRECT, verdict)
        elif verdict is None:
            verdict = Result(CORRECT, "well done.")
        if verdict.status != NOT_ATTEMPTED:
            progress_file.record_exercise(self.notebook, self.id, bool(verdict))
        return verdict

    def hint(self) -> Markdown:
        """The next hint: each call gives a stronger one, up to the last."""
        self.hints_shown = min(self.hints_shown + 1, len(self.hints))
        return Markdown(f"**Hint {self.hints_shown} of {len(self.hints)}:** {self.hints[self.hints_shown - 1]}")

    def solution(self) -> Markdown:
        if workshop_mode():
            return Markdown("Solutions are held back in this workshop: ask your instructor, or try the hints.")
        return Markdown(f"**Solution:**\n```python\n{self.solution_code.strip()}\n```")


def returned_nothing(value: object) -> Result | None:
    """"Not attempted yet" for a function whose body is still `...` (it returns None); else None."""
    if value is None or value is ...:
        return Result(NOT_ATTEMPTED, "your function returns nothing yet: write its body, ending with return.")
    return None


def compare_tensors(got: object, expected: object, name: str = "your tensor", atol: float = 1e-5) -> str | None:
    """None when `got` matches `expected` (a tensor, or a plain number); otherwise a message naming the
    first difference."""
    if not isinstance(expected, Tensor):
        if isinstance(got, Tensor) and got.numel() == 1:
            got = got.item()
        if got != expected:
            return f"{name} is {got!r}; expected {expected!r}."
        return None
    if not isinstance(got, Tensor):
        return f"{name} should be a torch.Tensor, but it is a {type(got).__name__}."
    if tuple(got.shape) != tuple(expected.shape):
        return f"{name} has shape {shape_str(got.shape)}; expected {shape_str(expected.shape)}."
    if got.dtype != expected.dtype and not (got.is_floating_point() and expected.is_floating_point()):
        return f"{name} has dtype {got.dtype}; expected {expected.dtype}."
    close = torch.isclose(got.double(), expected.double(), atol=atol, rtol=0)
    if not close.all():
        index = tuple(int(i) for i in (~close).nonzero()[0])
        return (f"{name} has the right shape, but its values differ: at index {index} it holds "
                f"{got[index].item():.4f} where {expected[index].item():.4f} was expected.")
    return None


def compare_functions(learner: Callable, reference: Callable, make_inputs: Callable[[torch.Generator], tuple],
                      trials: int = 5, seed: int = 0) -> Result | str | None:
    """Run the learner's function and the reference on `trials` random inputs; report the first difference.

    A function that still returns nothing (its body is just `...`) is "not attempted yet".
    """
    if not callable(learner):
        return f"expected a function, got a {type(learner).__name__}."
    generator = torch.Generator().manual_seed(seed)
    for trial in range(trials):
        inputs = make_inputs(generator)
        described = ", ".join(shape_str(v.shape) if isinstance(v, Tensor) else repr(v) for v in inputs)
        try:
            got = learner(*inputs)
        except Exception as error:
            return f"on inputs with shapes {described}, your function raised {type(error).__name__}: {error}"
        if (nothing := returned_nothing(got)) is not None:  # a Result is falsy unless correct
            return nothing
        expected = reference(*inputs)
        problem = compare_tensors(got, expected, name="the result")
        if problem:
            return f"on trial {trial + 1} (inputs with shapes {described}): {problem}"
    return None
