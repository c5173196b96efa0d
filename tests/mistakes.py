"""The learner-mistake catalogue: what a learner did, what they read, and the fix, followed.

Each `tests/test_mistakes*.py` file keeps a list `MISTAKES` of `Mistake`s and runs each with
`check_mistake`. A mistake's message must name what was expected, what came and the fix;
where the fix is code, `fixed` applies it and must then succeed, so no advice is ever wrong.
`tests/test_mistake_catalogue.py` counts the whole catalogue.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable

import pytest


@dataclass(frozen=True)
class Mistake:
    what: str                            # what the learner did, in a few words (the test's id)
    call: Callable[[], object]           # the mistaken call
    error: type[BaseException] | type[Warning]   # what it raises, or the warning it gives (silent cases)
    expected: str                        # words of the message that say what was expected
    got: str                             # words that say what came
    fix: str                             # words of the fix
    fixed: Callable[[], object] | None = None    # the fix applied: it must run without that error or warning
    no_code_fix: str = ""                # when `fixed` is None: why the fix is not code (e.g. "edit the file")

    def __post_init__(self) -> None:
        if self.fixed is None and not self.no_code_fix:
            raise ValueError(f"{self.what}: give `fixed` (the fix applied) or say why the fix is not code")


def message_of(mistake: Mistake) -> str:
    """Run the mistaken call and return the message the learner reads."""
    if issubclass(mistake.error, Warning):
        with pytest.warns(mistake.error) as caught:
            mistake.call()
        return " ".join(str(w.message) for w in caught if issubclass(w.category, mistake.error))
    with pytest.raises(mistake.error) as caught:
        mistake.call()
    return str(caught.value)


def check_mistake(mistake: Mistake) -> None:
    """The message names expected, got and the fix; the fix, applied, then succeeds."""
    message = message_of(mistake)
    for part in ("expected", "got", "fix"):
        words = getattr(mistake, part)
        assert words in message, f"{mistake.what}: the message lacks the {part} part {words!r}:\n{message}"
    if mistake.fixed is not None:
        with warnings.catch_warnings():
            if issubclass(mistake.error, Warning):
                warnings.simplefilter("error", mistake.error)
            mistake.fixed()


def ids(mistakes: list[Mistake]) -> list[str]:
    return [m.what for m in mistakes]
