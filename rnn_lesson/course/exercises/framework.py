"""Exercise checks, in the pattern Kaggle Learn users know: `ex.q1.check(answer)`, `ex.q1.hint()`,
`ex.q1.solution()`.

Grading is pure: `Exercise.grade(answer)` returns a `Result` and changes nothing. `check`
grades, records the result in your progress, and returns it for the notebook to show.
Checks test behaviour, not text: a shape, a tensor's values, or a function run against the
reference on several random inputs (`compare.py` beside this file). Learner code runs under a
time limit (`time_limit`). An untouched exercise (`...`, `None`, or a function whose body is
still `...`) is "not attempted yet", never an error, so a fresh notebook runs top to bottom. A
function exercise first makes sure it got a function, not its result, taking the task's inputs.
Hints come in steps, from a nudge to a near-solution; `solution()` shows the answer, or, with the
environment variable RNN_LESSON_WORKSHOP=1, says to ask the instructor. Each lesson's exercises,
with the right and wrong answers they are tested on, are in `lesson01.py`, `lesson02.py`, … beside
this file.
"""

from __future__ import annotations

import ast
import dis
import inspect
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch
from IPython.display import Markdown

from rnn_lesson.checks import shape_str
from rnn_lesson.course import progress_store
from rnn_lesson.course.feedback import NOT_ATTEMPTED, Result, hint_text, incorrect, not_attempted
from rnn_lesson.data import load_dataset

WORKSHOP_ENV = "RNN_LESSON_WORKSHOP"
TIME_LIMIT_S = 10.0  # how long one call of a learner's function may run inside a check
NO_ANSWER = object()  # what `check()` gets when it is called without an answer


def workshop_mode() -> bool:
    """True when the instructor has withheld solutions (RNN_LESSON_WORKSHOP=1)."""
    return os.environ.get(WORKSHOP_ENV, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class WrongAnswer:
    """A typical wrong answer, as the code a learner would write, and the words its message must contain."""

    code: str
    says: str | tuple[str, ...]

    def words(self) -> tuple[str, ...]:
        return (self.says,) if isinstance(self.says, str) else self.says


@dataclass
class Exercise:
    """One exercise: its grader, stepped hints, a reference solution, and the answers it is tested on.

    grader: answer -> Result, pure. solution_code, each right answer and each wrong answer's code
    run in a namespace made by `setup()` and leave the answer in `answer_name`, so the tests run
    every one of them through `grade`. hints: at least three, from a nudge to a near-solution.
    """

    id: str
    notebook: str
    objective: str  # the id of the learning objective it assesses, as in the notebook's quiz bank
    task: str
    grader: Callable[[object], Result]
    hints: list[str]
    solution_code: str
    wrong_answers: list[WrongAnswer]
    right_answers: list[str]  # correct code written differently from the solution
    answer_name: str = "answer"
    setup: Callable[[], dict] = dict
    hints_shown: int = field(default=0, repr=False)

    def grade(self, answer: object = NO_ANSWER) -> Result:
        """Grade an answer without recording it: correct, incorrect or not attempted."""
        if answer is NO_ANSWER:
            return not_attempted(f"{self.id}.check() needs your answer: expected {self.id}.check({self.answer_name}), "
                                 "got nothing between the parentheses.")
        if answer is None or answer is ...:
            return not_attempted(f"replace the ... with your answer, then run this cell again. Stuck? {self.id}.hint()")
        parameters = self.parameters()
        if parameters is not None and (problem := self.not_the_function(answer, parameters)) is not None:
            return problem
        try:
            return self.grader(answer)
        except TooSlow as error:
            return incorrect(str(error))
        except Exception as error:  # a learner's function failing is feedback, not a crash
            return incorrect(f"running your answer raised {type(error).__name__}: {error}")

    def parameters(self) -> list[str] | None:
        """The parameter names of the function this exercise asks for; None when it asks for a value."""
        for node in ast.parse(self.solution_code).body:
            if isinstance(node, ast.FunctionDef) and node.name == self.answer_name:
                return [argument.arg for argument in node.args.args]
        return None

    def not_the_function(self, answer: object, parameters: list[str]) -> Result | None:
        """What to say when the answer to a function exercise is not a usable function yet; None if it is."""
        name, wanted = self.answer_name, ", ".join(parameters)
        if not callable(answer):
            return incorrect(f"expected a function ({name} itself), got {what_it_is(answer)}; pass the function, "
                             f"not what calling it gives, without parentheses or quotes: {self.id}.check({name})")
        if does_nothing(answer):
            return not_attempted("your function returns nothing yet: write its body, ending with return.")
        try:
            inspect.signature(answer).bind(*parameters)
        except TypeError:
            return incorrect(f"{name} should take {len(parameters)} input(s), ({wanted}); got a function that takes "
                             f"{signature_of(answer)}: define it as def {name}({wanted}):")
        except ValueError:  # some built-in functions have no readable signature: call them and see
            pass
        return None

    def check(self, answer: object = NO_ANSWER) -> Result:
        """Grade an answer, record it in your progress, and return the result to show."""
        result = self.grade(answer)
        if result.status != NOT_ATTEMPTED:
            progress_store.record_exercise(self.notebook, self.id, bool(result), result.message)
        return result

    def answer_of(self, code: str) -> object:
        """Run `code` as a learner's cell would, in this exercise's starting namespace; return its answer."""
        namespace = self.setup()
        exec(code, namespace)
        return namespace[self.answer_name]

    def hint(self) -> Markdown:
        """The next hint: each call gives a stronger one; after the last, where the answer is."""
        self.hints_shown = min(self.hints_shown + 1, len(self.hints) + 1)
        if workshop_mode():
            after_last = "Solutions are held back in this workshop: ask your instructor, who can help."
        else:
            after_last = f"`{self.id}.solution()` shows the answer."
        return Markdown(hint_text(self.hints, self.hints_shown, after_last))

    def solution(self) -> Markdown:
        if workshop_mode():
            return Markdown("Solutions are held back in this workshop: ask your instructor, or try the hints.")
        return Markdown(f"**Solution:**\n```python\n{self.solution_code.strip()}\n```")


class TooSlow(Exception):
    """A learner's function ran past its time limit."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise `TooSlow` if the code inside runs longer than `seconds`.

    Uses a SIGALRM timer, which exists on Linux and macOS and works on the main thread only
    (where Jupyter runs a cell); elsewhere the code runs without a limit.
    """
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise TooSlow(f"your function ran for more than {seconds:g} seconds without returning, on inputs the "
                      "reference handles in well under a second: look for a loop that never ends, a while loop "
                      "whose condition never turns False, or a loop over a list it keeps adding to.")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def call_learner(function: Callable, *inputs: object, seconds: float | None = None) -> object:
    """Call a learner's function under a time limit (`TIME_LIMIT_S` unless given); `TooSlow` if it runs past it."""
    with time_limit(seconds or TIME_LIMIT_S):
        return function(*inputs)


def probe(function: Callable, *inputs: object) -> object:
    """The learner's result on one probing call, or None if it raised: the comparison that follows reports errors."""
    try:
        return call_learner(function, *inputs)
    except TooSlow:
        raise
    except Exception:
        return None


def course_data() -> dict:
    """The names most exercises start from: x `(1000, 10, 5)`, y `(1000,)` and torch."""
    x, y = load_dataset()
    return {"x": x, "y": y, "torch": torch}


def returned_nothing(value: object) -> Result | None:
    """Incorrect for a function that returned None (it prints its result, or has no return); else None."""
    if value is None or value is ...:
        return incorrect("your function returned None: expected it to return its result. If it prints the result, "
                         "return it instead: make its last line return followed by the value.")
    return None


def does_nothing(function: object) -> bool:
    """True for a function whose body is still `...` or `pass` (the notebook's starting code): all it does is
    return None."""
    try:
        steps = [step for step in dis.get_instructions(function) if step.opname not in ("RESUME", "NOP")]
    except TypeError:  # not Python code: a built-in function or a callable object
        return False
    names = [step.opname for step in steps]
    return names in (["LOAD_CONST", "RETURN_VALUE"], ["RETURN_CONST"]) and steps[0].argval is None


def signature_of(function: object) -> str:
    """A function's inputs as written: `(h, x)`."""
    try:
        return str(inspect.signature(function))
    except ValueError:
        return "(...)"


def what_it_is(value: object) -> str:
    """A value in words, for messages: `a Tensor of shape (4, 6)`, `int 56`, `a list`."""
    if isinstance(value, torch.Tensor):
        return f"a Tensor of shape {shape_str(value.shape)}"
    if isinstance(value, (bool, int, float, str)):
        return f"{type(value).__name__} {value!r}"
    return f"a {type(value).__name__}"
