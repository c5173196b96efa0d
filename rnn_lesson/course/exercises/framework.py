"""Exercise checks, in the pattern Kaggle Learn users know: `ex.q1.check(answer)`, `ex.q1.hint()`,
`ex.q1.solution()`.

Grading is pure: `Exercise.grade(answer)` returns a `Result` and changes nothing. `check`
grades, records the result in your progress, and returns it for the notebook to show.
Checks test behaviour, not text: a shape, a tensor's values, or a function run against the
reference on several random inputs. An untouched exercise (`...` or `None`) is "not attempted
yet", never an error, so a fresh notebook runs top to bottom. Set the environment variable
RNN_LESSON_WORKSHOP=1 to withhold solutions in a workshop (`solution()` then says to ask the
instructor). Each lesson's exercises, with the wrong answers they must reject, are in
`lesson01.py`, `lesson02.py`, … beside this file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable

import torch
from IPython.display import Markdown
from torch import Tensor

from rnn_lesson.checks import shape_str
from rnn_lesson.course import progress_store
from rnn_lesson.course.feedback import NOT_ATTEMPTED, Result, correct, incorrect, not_attempted
from rnn_lesson.data import load_dataset

WORKSHOP_ENV = "RNN_LESSON_WORKSHOP"


def workshop_mode() -> bool:
    """True when the instructor has withheld solutions (RNN_LESSON_WORKSHOP=1)."""
    return os.environ.get(WORKSHOP_ENV, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class WrongAnswer:
    """A typical wrong answer, as the code a learner would write, and words its message must contain."""

    code: str
    says: str


@dataclass
class Exercise:
    """One exercise: its grader, stepped hints, a reference solution and the wrong answers it must reject.

    grader: answer -> Result, pure. solution_code and each wrong answer's code run in a namespace
    made by `setup()` and leave the answer in `answer_name`, so the tests run every one of them
    through `grade`.
    """

    id: str
    notebook: str
    objective: str  # the id of the learning objective it assesses, as in the notebook's quiz bank
    task: str
    grader: Callable[[object], Result]
    hints: list[str]
    solution_code: str
    wrong_answers: list[WrongAnswer]
    answer_name: str = "answer"
    setup: Callable[[], dict] = dict
    hints_shown: int = field(default=0, repr=False)

    def grade(self, answer: object) -> Result:
        """Grade an answer without recording it: correct, incorrect or not attempted."""
        if answer is None or answer is ...:
            return not_attempted(f"replace the ... with your answer, then run this cell again. Stuck? {self.id}.hint()")
        try:
            return self.grader(answer)
        except Exception as error:  # a learner's function failing is feedback, not a crash
            return incorrect(f"running your answer raised {type(error).__name__}: {error}")

    def check(self, answer: object) -> Result:
        """Grade an answer, record it in your progress, and return the result to show."""
        result = self.grade(answer)
        if result.status != NOT_ATTEMPTED:
            progress_store.record_exercise(self.notebook, self.id, bool(result))
        return result

    def answer_of(self, code: str) -> object:
        """Run `code` as a learner's cell would, in this exercise's starting namespace; return its answer."""
        namespace = self.setup()
        exec(code, namespace)
        return namespace[self.answer_name]

    def hint(self) -> Markdown:
        """The next hint: each call gives a stronger one, up to the last."""
        self.hints_shown = min(self.hints_shown + 1, len(self.hints))
        return Markdown(f"**Hint {self.hints_shown} of {len(self.hints)}:** {self.hints[self.hints_shown - 1]}")

    def solution(self) -> Markdown:
        if workshop_mode():
            return Markdown("Solutions are held back in this workshop: ask your instructor, or try the hints.")
        return Markdown(f"**Solution:**\n```python\n{self.solution_code.strip()}\n```")


def course_data() -> dict:
    """The names most exercises start from: x `(1000, 10, 5)`, y `(1000,)` and torch."""
    x, y = load_dataset()
    return {"x": x, "y": y, "torch": torch}


def returned_nothing(value: object) -> Result | None:
    """"Not attempted yet" for a function whose body is still `...` (it returns None); else None."""
    if value is None or value is ...:
        return not_attempted("your function returns nothing yet: write its body, ending with return.")
    return None


def difference(got: object, expected: object, name: str = "your tensor", atol: float = 1e-5) -> str | None:
    """What differs between `got` and `expected` (a tensor, or a plain number), in words; None if nothing."""
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


def compare_values(got: object, expected: object, name: str = "your tensor") -> Result:
    """Correct when `got` matches `expected`; otherwise incorrect, naming the first difference."""
    problem = difference(got, expected, name)
    return incorrect(problem) if problem else correct()


def compare_functions(learner: object, reference: Callable, make_inputs: Callable[[torch.Generator], tuple],
                      trials: int = 5, seed: int = 0) -> Result:
    """Run the learner's function and the reference on `trials` random inputs; report the first difference.

    A function that still returns nothing (its body is just `...`) is "not attempted yet".
    """
    if not callable(learner):
        return incorrect(f"expected a function, got a {type(learner).__name__}.")
    generator = torch.Generator().manual_seed(seed)
    for trial in range(trials):
        inputs = make_inputs(generator)
        described = ", ".join(shape_str(v.shape) if isinstance(v, Tensor) else repr(v) for v in inputs)
        try:
            got = learner(*inputs)
        except Exception as error:
            return incorrect(f"on inputs with shapes {described}, your function raised {type(error).__name__}: {error}")
        if (nothing := returned_nothing(got)) is not None:
            return nothing
        problem = difference(got, reference(*inputs), name="the result")
        if problem:
            return incorrect(f"on trial {trial + 1} (inputs with shapes {described}): {problem}")
    return correct()
