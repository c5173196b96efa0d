"""Lesson 05 · Beyond the plain RNN: the exercises, their references, and the answers they are tested on.

In the notebook: `from rnn_lesson.course.exercises import lesson05 as ex`, then `ex.q1.check(answer)`.
Numbered in the notebook's order: q1 `summary` (Your turn 1), q2 the mini-project (Your turn 2),
q3 `carry` (Your turn 3). The mini-project's data, training and targets are in `project.py`.
"""

from __future__ import annotations

import torch
from torch import Tensor

from rnn_lesson.course.exercises.compare import KnownMistake, compare_functions
from rnn_lesson.course.exercises.framework import Exercise, WrongAnswer, course_data, probe
from rnn_lesson.course.exercises.project import grade_project
from rnn_lesson.course.feedback import Result, incorrect

NOTEBOOK = "05_beyond_rnn"


def reference_summary(h_n: Tensor) -> Tensor:
    return torch.cat([h_n[-2], h_n[-1]], dim=1)


def random_bidirectional_h_n(generator: torch.Generator) -> tuple[Tensor]:
    layers, batch, hidden = (int(v) for v in torch.randint(1, 4, (3,), generator=generator))
    return (torch.randn(2 * layers + 2, batch + 1, hidden + 1, generator=generator),)


SUMMARY_MISTAKES = [
    KnownMistake(lambda h_n: h_n[-1], "That is the top layer's backward direction alone; the summary joins both "
                 "directions, side by side."),
    KnownMistake(lambda h_n: torch.cat([h_n[0], h_n[1]], dim=1),
                 "That joins the first layer's two directions; the top layer is the last one in h_n."),
    KnownMistake(lambda h_n: torch.cat([h_n[-1], h_n[-2]], dim=1),
                 "That puts the backward direction first; h_n orders forward before backward, and so does the "
                 "summary."),
    KnownMistake(lambda h_n: torch.cat([h_n[-2], h_n[-1]], dim=0),
                 "That stacks the two along the batch axis (dim 0); side by side means along the features, dim 1."),
    KnownMistake(lambda h_n: h_n[-2:].reshape(h_n.shape[1], -1),
                 "That reshapes (2, N, H) straight to (N, 2H), which mixes rows of different sequences: reshape "
                 "keeps the memory order, it does not move axes.")]

q1 = Exercise(
    id="ex.q1", notebook=NOTEBOOK, objective="gated",
    task="Write summary(h_n) for a stacked bidirectional RNN: the top layer's forward and backward "
         "final states side by side, (N, 2H).",
    grader=lambda f: compare_functions(f, reference_summary, random_bidirectional_h_n, mistakes=SUMMARY_MISTAKES),
    hints=["h_n holds every layer's final state in both directions; a classifier wants only the top layer's two, "
           "joined side by side.",
           "Lesson 02 § 5 *Stacked and bidirectional RNNs* shows how h_n is ordered and ends with the summary a "
           "bidirectional classifier uses.",
           "The top layer's forward and backward states are the last two slices of h_n, each (N, H), forward "
           "first; join them along the feature axis (dim 1) with torch.cat."],
    solution_code="def summary(h_n):\n    return torch.cat([h_n[-2], h_n[-1]], dim=1)",
    answer_name="summary", setup=course_data,
    right_answers=["def summary(h_n):\n    return torch.cat((h_n[-2], h_n[-1]), 1)",
                   "def summary(h_n):\n    return torch.hstack([h_n[-2], h_n[-1]])",
                   "def summary(h_n):\n    return h_n[-2:].permute(1, 0, 2).reshape(h_n.shape[1], -1)"],
    wrong_answers=[WrongAnswer("def summary(h_n):\n    return h_n[-1]", ("has shape", "both directions")),
                   WrongAnswer("def summary(h_n):\n    return torch.cat([h_n[0], h_n[1]], dim=1)", "top layer"),
                   WrongAnswer("def summary(h_n):\n    return torch.cat([h_n[-1], h_n[-2]], dim=1)",
                               "forward before backward"),
                   WrongAnswer("def summary(h_n):\n    return torch.cat([h_n[-2], h_n[-1]], dim=0)", "dim 1"),
                   WrongAnswer("def summary(h_n):\n    return h_n[-2:].reshape(h_n.shape[1], -1)", "memory order")])

q2 = Exercise(
    id="ex.q2", notebook=NOTEBOOK, objective="overfit",
    task="Mini-project: settings that reach the validation target with a small train-validation gap.",
    grader=grade_project,
    hints=["The starting model has thousands of parameters for 80 training sequences: it memorises them. "
           "Watch both the validation accuracy and the gap in the table.",
           "§ 3 *Mini-project* and lesson 03 § 8 *How big should the hidden state be?*. Three levers: stop earlier "
           "(fewer epochs, or a smaller learning rate for the same epochs), dropout between the two layers, and a "
           "smaller hidden state.",
           "One way that works: halve the hidden state, put dropout 0.5 between the two layers, and train for half "
           "as many epochs at about a third of the learning rate; then explore around it."],
    solution_code=('my_config = {"hidden_size": 32, "num_layers": 2, "dropout": 0.5, "lr": 0.003, '
                   '"epochs": 10}'),
    answer_name="my_config",
    right_answers=["from rnn_lesson.course.exercises.project import STARTING_CONFIG\n"
                   "my_config = dict(STARTING_CONFIG, epochs=5)",
                   'my_config = {"hidden_size": 64, "num_layers": 2, "dropout": 0.5, "lr": 0.003, "epochs": 8}'],
    wrong_answers=[
        WrongAnswer("from rnn_lesson.course.exercises.project import STARTING_CONFIG\n"
                    "my_config = dict(STARTING_CONFIG)", "memorises"),
        WrongAnswer('my_config = {"hidden_size": 4, "num_layers": 1, "lr": 0.02, "epochs": 40}', "below the target"),
        WrongAnswer('my_config = {"num_layers": 1, "dropout": 0.5}', "between layers"),
        WrongAnswer('my_config = {"hidden_size": 32.5}', "whole number"),
        WrongAnswer('my_config = {"hidden_size": 32, "layers": 2}', "unknown setting"),
        WrongAnswer("my_config = [32, 2, 0.5]", "expected a dict")])


def reference_carry(h: Tensor) -> Tensor:
    return h.detach()


def chunk_state(generator: torch.Generator) -> tuple[Tensor]:
    """A hidden state (num_layers, N, H) at the end of a chunk: computed, so part of that chunk's graph."""
    layers, batch, hidden = (int(v) for v in torch.randint(1, 5, (3,), generator=generator))
    return (torch.randn(layers, batch + 1, hidden + 1, generator=generator, requires_grad=True) * 2,)


def grade_carry(function: object) -> Result:
    if callable(function):
        carried = probe(function, *chunk_state(torch.Generator().manual_seed(0)))
        if isinstance(carried, Tensor) and carried.grad_fn is not None:
            return incorrect("the state you return is still attached to the previous chunk's graph "
                             f"(it has a grad_fn, {type(carried.grad_fn).__name__}), so the next chunk's backward() would run back through every "
                             "earlier chunk. Return the same values cut off from that graph (§ 4).")
    thrown_away = KnownMistake(torch.zeros_like, "That throws the memory away: the next chunk starts from the "
                               "values the last one ended with.")
    return compare_functions(function, reference_carry, chunk_state, mistakes=[thrown_away])


q3 = Exercise(
    id="ex.q3", notebook=NOTEBOOK, objective="tbptt",
    task="Write carry(h): the hidden state to pass into the next chunk of a long sequence, cut off from the "
         "previous chunk's graph (truncated backpropagation through time).",
    grader=grade_carry,
    hints=["Keep the values, drop the history: the next chunk's backward() must stop at this state instead of "
           "running back through every earlier chunk.",
           "§ 4 *Long sequences in chunks*: the loop over chunks does this to h at the start of every chunk.",
           "A tensor has a method that returns the same values with no link to the graph that computed them "
           "(requires_grad=False); return what it gives for h."],
    solution_code="def carry(h):\n    return h.detach()", answer_name="carry", setup=course_data,
    right_answers=["def carry(h):\n    return h.detach().clone()", "def carry(h):\n    return h.clone().detach()",
                   "def carry(h):\n    return torch.tensor(h.tolist())",
                   "def carry(h):\n    return h.detach_()  # cuts h itself off the graph: right",
                   "def carry(h):\n    return h.detach().requires_grad_()  # a new leaf: backward() stops there"],
    wrong_answers=[WrongAnswer("def carry(h):\n    return h", "still attached"),
                   WrongAnswer("def carry(h):\n    return h.clone()", "still attached"),
                   WrongAnswer("def carry(h):\n    with torch.no_grad():\n        return h", "still attached"),
                   WrongAnswer("def carry(h):\n    return torch.zeros_like(h).detach()", "throws the memory away"),
                   WrongAnswer("def carry(h):\n    return h[-1].detach()", "has shape")])

EXERCISES = (q1, q2, q3)
