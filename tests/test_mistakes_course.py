"""Mistakes learners make with the course's tools: the quiz's `grade`, the exercise checks, the
shape drill and the mini-project. Each is a `Mistake` (tests/mistakes.py).

Grading never raises: the learner reads a `Result`. So the call of such a mistake hands its
result to `shown`, which checks the status the learner sees and then raises `LearnerMessage`
with the text they read; with `error=LearnerMessage` that text is checked like an error's
message. A fix that is code is applied by `fixed`, which raises unless it worked: `graded`
(the answer is now graded, right or wrong, no longer "not attempted") or `passes` (correct).
"""

import numpy as np
import pytest
import torch
from mistakes import Mistake, check_mistake, ids

from rnn_lesson.course import progress_store
from rnn_lesson.course.exercises import framework, lesson02, lesson05, project
from rnn_lesson.course.exercises.project import grade_project, train_project
from rnn_lesson.course.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED, Result
from rnn_lesson.course.interactive.shape_drill import Config, ShapeDrill, grade_shapes, true_shapes
from rnn_lesson.course.quiz import grade, load_bank, review_cards


class LearnerMessage(Exception):
    """The message of a `Result`, raised so that a `Mistake` can check it like an error's."""


def shown(result: Result, status: str = NOT_ATTEMPTED) -> None:
    """Check that the learner sees `status`, then raise what they read."""
    assert result.status == status, f"expected {status}, got {result}"
    raise LearnerMessage(result.message)


def graded(result: Result) -> Result:
    """A fixed answer is graded, right or wrong: no longer "not attempted"."""
    if result.status == NOT_ATTEMPTED:
        raise AssertionError(f"the fix was not graded: {result}")
    return result


def same(result: Result, other: Result) -> Result:
    """The fix written two ways gives one result."""
    if result != other:
        raise AssertionError(f"{result} differs from {other}")
    return result


def passes(result: Result) -> Result:
    if result.status != CORRECT:
        raise AssertionError(f"the fix did not pass: {result}")
    return result


@pytest.fixture(autouse=True)
def fresh_progress_and_a_short_time_limit(tmp_path, monkeypatch):
    monkeypatch.setenv(progress_store.ENV_VAR, str(tmp_path / "progress.json"))
    monkeypatch.setattr(framework, "TIME_LIMIT_S", 0.5)


BANK = load_bank("01_input_shaping").questions
SINGLE = next(q for q in BANK if q.type == "single" and len(q.options) == 4)
MULTIPLE = next(q for q in BANK if q.type == "multiple" and len(q.options) == 4)
SHAPE = next(q for q in BANK if q.type == "shape")
CARD = next(q for q in BANK if q.type == "card")


COUNT = "def count_parameters(input_size, hidden_size):\n    return hidden_size * (input_size + hidden_size + 2)"
LOOPS = ("def count_parameters(input_size, hidden_size):\n    total, i = 0, 0\n    while i < hidden_size:\n"
         "        total += input_size + hidden_size + 2\n{step}    return total")
SUMMARY = "def summary(h_n):\n    return torch.cat([h_n[-2], h_n[-1]], dim=1)"
PRINTS = "def summary(h_n):\n    print(torch.cat([h_n[-2], h_n[-1]], dim=1).shape)"
DRILL = Config(input_size=5, hidden_size=8, num_layers=1, batch_first=True, bidirectional=False, batch=3, steps=7)
RIGHT = true_shapes(DRILL)
SEEDED = ShapeDrill(seed=0)
SEEDED_RIGHT = true_shapes(SEEDED.config)


def drill(**answers: object) -> Result:
    """The drill's three right shapes, with the learner's `answers` in place of some."""
    return grade_shapes(DRILL, {**RIGHT, **answers})


def no_dropout_note(result: Result) -> Result:
    assert "did nothing" not in result.message, result
    return result


FAST = {"hidden_size": 8, "epochs": 2}  # a configuration that trains in a moment

QUIZ = [
    Mistake("quiz: an index past the last option", lambda: shown(grade(SINGLE, 7)), LearnerMessage,
            "A to D (or by index, 0 to 3)", "got 7, past the last option", "name options by letter",
            fixed=lambda: graded(grade(SINGLE, 3))),
    Mistake("quiz: -1 meant as the last option", lambda: shown(grade(SINGLE, -1)), LearnerMessage,
            "A to D (or by index, 0 to 3)", "got -1: Python counts negative indices from the end", 'write 3 or "D"',
            fixed=lambda: same(graded(grade(SINGLE, 3)), grade(SINGLE, "D"))),
    Mistake("quiz: a float between two options", lambda: shown(grade(SINGLE, 1.5)), LearnerMessage,
            "A to D", "got float 1.5", "name options by letter", fixed=lambda: graded(grade(SINGLE, "B"))),
    Mistake("quiz: a whole float as the index", lambda: shown(grade(SINGLE, 1.0)), LearnerMessage,
            "numbered by whole numbers", "got float 1.0", 'write 1 or "B"', fixed=lambda: graded(grade(SINGLE, 1))),
    Mistake("quiz: True as the answer", lambda: shown(grade(SINGLE, True)), LearnerMessage,
            "A to D", "got bool True, which Python would count as 1", "name options by letter",
            fixed=lambda: graded(grade(SINGLE, "B"))),
    Mistake("quiz: a dict as the answer", lambda: shown(grade(SINGLE, {"B": True})), LearnerMessage,
            "expected one option", "got dict {'B': True}", "name options by letter",
            fixed=lambda: graded(grade(SINGLE, "B"))),
    Mistake("quiz: None as the answer", lambda: shown(grade(SINGLE, None)), LearnerMessage,
            "choose or type an answer", "no answer yet", "then press Check", fixed=lambda: graded(grade(SINGLE, "A"))),
    Mistake("quiz: a letter past the options", lambda: shown(grade(SINGLE, "E")), LearnerMessage,
            "A to D", "got 'E', past the last option", "name options by letter",
            fixed=lambda: graded(grade(SINGLE, "D"))),
    Mistake("quiz: the index typed as text", lambda: shown(grade(SINGLE, "2")), LearnerMessage,
            "expected one option", "got the text '2'", 'write the number 2, without quotes, or the letter "C"',
            fixed=lambda: graded(grade(SINGLE, 2))),
    Mistake("quiz: one option in a list for a single answer", lambda: shown(grade(SINGLE, [2])), LearnerMessage,
            "one right option", "got list [2]", "without brackets: 2", fixed=lambda: graded(grade(SINGLE, 2))),
    Mistake("quiz: a bare index for a select-all question", lambda: shown(grade(MULTIPLE, 0)), LearnerMessage,
            "several options may apply", "got 0 alone", "write a list, even of one: [0]",
            fixed=lambda: graded(grade(MULTIPLE, [0]))),
    Mistake("quiz: a select-all answer naming no option", lambda: shown(grade(MULTIPLE, [0, 9])), LearnerMessage,
            "A to D", "got 9, past the last option", "change or remove 9", fixed=lambda: graded(grade(MULTIPLE, [0]))),
    Mistake("quiz: a dict for a select-all question", lambda: shown(grade(MULTIPLE, {0: True})), LearnerMessage,
            "expected the options you choose", "got a dict", 'write a list like [0, 2] or text like "A, C"',
            fixed=lambda: graded(grade(MULTIPLE, [0, 2]))),
    Mistake("quiz: a review card given to grade", lambda: shown(grade(CARD, "I remember")), LearnerMessage,
            "expected a question to check", "got a card", 'review_cards(["01_input_shaping"])',
            fixed=lambda: review_cards(["01_input_shaping"])),
    Mistake("quiz: a tensor where its shape goes", lambda: shown(grade(SHAPE, torch.zeros(2, 3))), LearnerMessage,
            "expected a shape", "got a Tensor", "write whole sizes", fixed=lambda: graded(grade(SHAPE, (2, 3)))),
    Mistake("quiz: -1 in a shape", lambda: shown(grade(SHAPE, "(1000, -1, 5)")), LearnerMessage,
            "expected a shape", "got '(1000, -1, 5)': a size is never negative", "write whole sizes",
            fixed=lambda: graded(grade(SHAPE, "(1000, 10, 5)"))),
]

CHECKS = [
    Mistake("check: the function's result instead of the function",
            lambda: shown(lesson05.q1.grade(torch.zeros(4, 16)), INCORRECT), LearnerMessage,
            "expected a function (summary itself)", "got a Tensor of shape (4, 16)", "ex.q1.check(summary)",
            fixed=lambda: passes(lesson05.q1.grade(lesson05.q1.answer_of(SUMMARY)))),
    Mistake("check: the function's name in quotes", lambda: shown(lesson05.q1.grade("summary"), INCORRECT),
            LearnerMessage, "expected a function (summary itself)", "got str 'summary'",
            "without parentheses or quotes",
            fixed=lambda: passes(lesson05.q1.grade(lesson05.q1.answer_of(SUMMARY)))),
    Mistake("check: a lambda with too few inputs",
            lambda: shown(lesson02.q1.grade(lesson02.q1.answer_of("count_parameters = lambda h: 4 * h")), INCORRECT),
            LearnerMessage, "should take 2 input(s), (input_size, hidden_size)", "takes (h)",
            "def count_parameters(input_size, hidden_size):",
            fixed=lambda: passes(lesson02.q1.grade(lesson02.q1.answer_of(COUNT)))),
    Mistake("check: a function with an extra self input",
            lambda: shown(lesson05.q1.grade(lesson05.q1.answer_of(SUMMARY.replace("(h_n)", "(self, h_n)"))), INCORRECT),
            LearnerMessage, "should take 1 input(s), (h_n)", "takes (self, h_n)", "define it as def summary(h_n):",
            fixed=lambda: passes(lesson05.q1.grade(lesson05.q1.answer_of(SUMMARY)))),
    Mistake("check: a function that prints instead of returning",
            lambda: shown(lesson05.q1.grade(lesson05.q1.answer_of(PRINTS)), INCORRECT),
            LearnerMessage, "expected it to return its result", "returned None", "return it instead",
            fixed=lambda: passes(lesson05.q1.grade(lesson05.q1.answer_of(SUMMARY)))),
    Mistake("check: a learner function that never returns",
            lambda: shown(lesson02.q1.grade(lesson02.q1.answer_of(LOOPS.format(step=""))), INCORRECT), LearnerMessage,
            "the reference handles in well under a second", "ran for more than 0.5 seconds without returning",
            "a while loop whose condition never turns False",
            fixed=lambda: passes(lesson02.q1.grade(lesson02.q1.answer_of(LOOPS.format(step="        i += 1\n"))))),
    Mistake("check: check() called with no answer", lambda: shown(lesson05.q3.check()), LearnerMessage,
            "expected ex.q3.check(carry)", "got nothing between the parentheses", "ex.q3.check(carry)",
            fixed=lambda: passes(lesson05.q3.check(lesson05.q3.answer_of("def carry(h):\n    return h.detach()")))),
]

DRILL_MISTAKES = [
    Mistake("drill: the output tensor instead of its shape",
            lambda: shown(drill(output=torch.zeros(3, 7, 8)), INCORRECT),
            LearnerMessage, "output: expected a shape", "got a Tensor (values, not their shape)", "write whole sizes",
            fixed=lambda: passes(drill(output=tuple(torch.zeros(3, 7, 8).shape)))),
    Mistake("drill: a misspelt name for h_n",
            lambda: shown(SEEDED.check(output=SEEDED_RIGHT["output"], hn=SEEDED_RIGHT["h_n"], h0=SEEDED_RIGHT["h0"])),
            LearnerMessage, "expected output=, h_n= and h0=", "got 'hn'", "write h_n= instead of hn=",
            fixed=lambda: passes(SEEDED.check(output=SEEDED_RIGHT["output"], h_n=SEEDED_RIGHT["h_n"],
                                              h0=SEEDED_RIGHT["h0"]))),
    Mistake("drill: one of the three shapes left out", lambda: shown(drill(h0=None), INCORRECT), LearnerMessage,
            "h0: expected a shape", "got nothing", "give all three: drill.check(output=..., h_n=..., h0=...)",
            fixed=lambda: passes(drill(h0=RIGHT["h0"]))),
    Mistake("drill: a float among the sizes", lambda: shown(drill(h_n=(1, 3, 8.0)), INCORRECT), LearnerMessage,
            "h_n: expected a shape", "got float 8.0 among its sizes", "write whole sizes",
            fixed=lambda: passes(drill(h_n=(1, 3, 8)))),
    Mistake("drill: -1 as a size", lambda: shown(drill(output="(3, 7, -1)"), INCORRECT), LearnerMessage,
            "output: expected a shape", "a size is never negative", "write whole sizes",
            fixed=lambda: passes(drill(output="(3, 7, 8)"))),
]

PROJECT = [
    Mistake("project: 100000 epochs", lambda: shown(grade_project({"epochs": 100000}), INCORRECT), LearnerMessage,
            "expected a whole number from 1 to 200", "got int 100000: 200 is the cap in this project",
            'try "epochs": 200 or less', fixed=lambda: graded(grade_project({"epochs": 20}))),
    Mistake("project: 100000 epochs to train_project", lambda: train_project({"epochs": 100000}), ValueError,
            "200 is the cap in this project, so that one run takes under a minute", "got int 100000",
            'try "epochs": 200 or less', fixed=lambda: train_project({"epochs": 2})),
    Mistake("project: a huge hidden state", lambda: shown(grade_project({"hidden_size": 10_000}), INCORRECT),
            LearnerMessage, "hidden_size: expected a whole number from 1 to 256", "got int 10000",
            'try "hidden_size": 256 or less', fixed=lambda: graded(grade_project({**FAST, "hidden_size": 256}))),
    Mistake("project: a stack of 50 layers", lambda: shown(grade_project({"num_layers": 50}), INCORRECT),
            LearnerMessage, "num_layers: expected a whole number from 1 to 4", "got int 50",
            'try "num_layers": 4 or less', fixed=lambda: graded(grade_project({**FAST, "num_layers": 4}))),
    Mistake("project: the learning rate as text", lambda: shown(grade_project({"lr": "0.01"}), INCORRECT),
            LearnerMessage, "lr: expected a number", "got str '0.01'", 'write it without quotes: "lr": 0.01',
            fixed=lambda: graded(grade_project({**FAST, "lr": 0.01}))),
    Mistake("project: a size as text", lambda: train_project({"hidden_size": "32"}), ValueError,
            "hidden_size: expected a number", "got str '32'", 'write it without quotes: "hidden_size": 32',
            fixed=lambda: train_project({**FAST, "hidden_size": 32})),
    Mistake("project: True for a number of layers", lambda: shown(grade_project({"num_layers": True}), INCORRECT),
            LearnerMessage, "num_layers: expected a whole number from 1 to 4",
            "got bool True (Python would read it as 1)", 'write "num_layers": 1',
            fixed=lambda: graded(grade_project({**FAST, "num_layers": 1}))),
    Mistake("project: learning_rate for lr", lambda: shown(grade_project({"learning_rate": 0.003}), INCORRECT),
            LearnerMessage, "expected only ['dropout', 'epochs', 'hidden_size', 'lr', 'num_layers']",
            "unknown setting 'learning_rate'", 'rename it "lr"',
            fixed=lambda: graded(grade_project({**FAST, "lr": 0.003}))),
    Mistake("project: a misspelt setting name", lambda: train_project({"hiden_size": 32}), ValueError,
            "expected only", "unknown setting 'hiden_size'", 'rename it "hidden_size"',
            fixed=lambda: train_project({**FAST, "hidden_size": 32})),
    Mistake("project: epochs as a fraction", lambda: shown(grade_project({"epochs": 2.5}), INCORRECT), LearnerMessage,
            "epochs: expected a whole number", "got float 2.5", 'write "epochs": 2',
            fixed=lambda: graded(grade_project({**FAST, "epochs": 2}))),
    Mistake("project: zero epochs", lambda: train_project({"epochs": 0}), ValueError,
            "epochs: expected a whole number from 1 to 200", "got int 0", 'try "epochs": 1 or more',
            fixed=lambda: train_project({**FAST, "epochs": 1})),
    Mistake("project: dropout with one layer, when training",
            lambda: train_project({**FAST, "num_layers": 1, "dropout": 0.5}), UserWarning,
            "nn.RNN applies dropout between layers", "dropout=0.5 did nothing", 'set "num_layers": 2 for it to act',
            fixed=lambda: train_project({**FAST, "num_layers": 2, "dropout": 0.5})),
    Mistake("project: dropout with one layer, when checked",
            lambda: shown(grade_project({"num_layers": 1, "dropout": 0.5, "epochs": 2}), CORRECT), LearnerMessage,
            "nn.RNN applies dropout between layers", "your dropout=0.5 did nothing",
            'set "num_layers": 2 for it to act',
            fixed=lambda: no_dropout_note(graded(grade_project({"num_layers": 2, "dropout": 0.5, "epochs": 2})))),
    Mistake("project: the training history checked instead of the settings",
            lambda: shown(lesson05.q2.grade(train_project(FAST)), INCORRECT), LearnerMessage,
            "expected your dict of settings", "got a History", "ex.q2.check(my_config)",
            fixed=lambda: graded(lesson05.q2.grade(FAST))),
    Mistake("project: the settings written as text", lambda: shown(grade_project('{"epochs": 2}'), INCORRECT),
            LearnerMessage, "expected a dict of settings", "got str '{\"epochs\": 2}'", "without quotes around it",
            fixed=lambda: graded(grade_project({"epochs": 2}))),
]

MISTAKES = QUIZ + CHECKS + DRILL_MISTAKES + PROJECT


@pytest.mark.parametrize("mistake", MISTAKES, ids=ids(MISTAKES))
def test_mistake(mistake):
    check_mistake(mistake)


def test_numpy_numbers_are_accepted_as_settings():
    history = train_project({"hidden_size": np.int64(8), "num_layers": np.int64(1), "epochs": np.int64(1),
                             "lr": np.float64(0.01), "dropout": np.float64(0.0)})
    assert len(history.train_accuracy) == 1
    assert grade_project({"hidden_size": np.int64(8), "epochs": np.int64(2)}).status in (CORRECT, INCORRECT)


def test_capped_settings_are_refused_before_any_training(monkeypatch):
    def never(settings):
        raise AssertionError("trained although a setting is over its cap")

    monkeypatch.setattr(project, "train_settings", never)
    for config in ({"epochs": 100_000}, {"hidden_size": 4096}, {"num_layers": 64}):
        assert grade_project(config).status == INCORRECT
        with pytest.raises(ValueError, match="the cap in this project"):
            train_project(config)


def test_every_learner_function_in_a_check_runs_under_a_time_limit():
    assert framework.TIME_LIMIT_S == 0.5  # set by the fixture; the course's limit is longer
    never = lesson05.q3.answer_of("def carry(h):\n    while True:\n        pass")
    result = lesson05.q3.grade(never)
    assert result.status == INCORRECT and "more than 0.5 seconds without returning" in result.message
