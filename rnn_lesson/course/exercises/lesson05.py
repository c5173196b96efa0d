"""Lesson 05 · Beyond the plain RNN: the exercises, their references, and the wrong answers they reject.

In the notebook: `from rnn_lesson.course.exercises import lesson05 as ex`, then `ex.q1.check(answer)`.
The mini-project's data, training and targets are in `project.py` beside this file.
"""

from __future__ import annotations

import torch
from torch import Tensor

from rnn_lesson.course.exercises.framework import (Exercise, WrongAnswer, compare_functions, compare_values,
                                                   course_data, returned_nothing)
from rnn_lesson.course.exercises.project import grade_project
from rnn_lesson.course.feedback import Result, incorrect

NOTEBOOK = "05_beyond_rnn"

q1 = Exercise(
    id="ex.q1", notebook=NOTEBOOK, objective="overfit",
    task="Mini-project: settings that reach the validation target with a small train-validation gap.",
    grader=grade_project,
    hints=["The starting model has thousands of parameters for 80 training sequences: it memorises them. "
           "Watch both the validation accuracy and the gap in the table.",
           "Three levers: stop earlier (fewer epochs, or a smaller learning rate for the same epochs), "
           "dropout between the two layers, and a smaller hidden state.",
           "Try hidden_size 32, two layers with dropout 0.5, lr 0.003 and 10 epochs; then explore around it."],
    solution_code=('my_config = {"hidden_size": 32, "num_layers": 2, "dropout": 0.5, "lr": 0.003, '
                   '"epochs": 10}'),
    answer_name="my_config",
    wrong_answers=[
        WrongAnswer("from rnn_lesson.course.exercises.project import STARTING_CONFIG\n"
                    "my_config = dict(STARTING_CONFIG)", "memorises"),
        WrongAnswer('my_config = {"hidden_size": 4, "num_layers": 1, "lr": 0.02, "epochs": 40}', "below the target"),
        WrongAnswer('my_config = {"hidden_size": 32, "layers": 2}', "unknown setting"),
        WrongAnswer("my_config = [32, 2, 0.5]", "expected a dict")])


def reference_summary(h_n: Tensor) -> Tensor:
    return torch.cat([h_n[-2], h_n[-1]], dim=1)


def random_bidirectional_h_n(generator: torch.Generator) -> tuple[Tensor]:
    layers, batch, hidden = (int(v) for v in torch.randint(1, 4, (3,), generator=generator))
    return (torch.randn(2 * layers + 2, batch + 1, hidden + 1, generator=generator),)


q2 = Exercise(
    id="ex.q2", notebook=NOTEBOOK, objective="gated",
    task="Write summary(h_n) for a stacked bidirectional RNN: the top layer's forward and backward "
         "final states side by side, (N, 2H).",
    grader=lambda f: compare_functions(f, reference_summary, random_bidirectional_h_n),
    hints=["h_n is (num_layers*2, N, H), ordered layer 0 forward, layer 0 backward, layer 1 forward, ...",
           "The top layer's two directions are the last two slices: torch.cat([h_n[-2], h_n[-1]], dim=1)."],
    solution_code="def summary(h_n):\n    return torch.cat([h_n[-2], h_n[-1]], dim=1)",
    answer_name="summary", setup=course_data,
    wrong_answers=[WrongAnswer("def summary(h_n):\n    return h_n[-1]", "has shape"),
                   WrongAnswer("def summary(h_n):\n    return torch.cat([h_n[0], h_n[1]], dim=1)", "values differ"),
                   WrongAnswer("def summary(h_n):\n    return torch.cat([h_n[-1], h_n[-2]], dim=1)",
                               "values differ")])


def grade_carry(function: object) -> Result:
    if not callable(function):
        return incorrect(f"expected a function, got a {type(function).__name__}.")
    h = torch.randn(1, 4, 8, requires_grad=True) * 2  # part of a graph, as after a chunk
    carried = function(h)
    if (nothing := returned_nothing(carried)) is not None:
        return nothing
    if isinstance(carried, Tensor) and carried.requires_grad:
        return incorrect("the state you return is still attached to the old graph (requires_grad=True): "
                         "use .detach().")
    return compare_values(carried, h.detach(), name="the carried state")


q3 = Exercise(
    id="ex.q3", notebook=NOTEBOOK, objective="tbptt",
    task="Write carry(h): the hidden state to pass into the next chunk of a long sequence, cut off from the "
         "previous chunk's graph (truncated backpropagation through time).",
    grader=grade_carry,
    hints=["Keep the values, drop the history: the next chunk's backward() must stop here.",
           "return h.detach()"],
    solution_code="def carry(h):\n    return h.detach()", answer_name="carry", setup=course_data,
    wrong_answers=[WrongAnswer("def carry(h):\n    return h", "still attached"),
                   WrongAnswer("def carry(h):\n    return torch.zeros_like(h).detach()", "values differ"),
                   WrongAnswer("def carry(h):\n    return h.clone()", "still attached")])

EXERCISES = (q1, q2, q3)
