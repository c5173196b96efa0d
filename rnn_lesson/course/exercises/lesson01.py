"""Lesson 01 · Shaping sequence data: the exercises, their references, and the wrong answers they reject.

In the notebook: `from rnn_lesson.course.exercises import lesson01 as ex`, then `ex.q1.check(answer)`.
"""

from __future__ import annotations

import torch
from torch import Tensor

from rnn_lesson.course.exercises.framework import (Exercise, WrongAnswer, compare_functions, compare_values,
                                                   course_data)
from rnn_lesson.course.feedback import Result, incorrect
from rnn_lesson.data import load_dataset

NOTEBOOK = "01_input_shaping"


def grade_time_first(answer: object) -> Result:
    expected = load_dataset()[0].transpose(0, 1)
    if isinstance(answer, Tensor) and answer.shape == expected.shape and not torch.equal(answer, expected):
        return incorrect("the shape (10, 1000, 5) is right but the values are scrambled: view/reshape keep the "
                         "memory order; use x.transpose(0, 1) or x.permute(1, 0, 2) to really swap axes.")
    return compare_values(answer, expected, name="x_time_first")


q1 = Exercise(
    id="ex.q1", notebook=NOTEBOOK, objective="layout",
    task="Lay the course data out time first, (L, N, H_in), as nn.RNN expects without batch_first.",
    grader=grade_time_first,
    hints=["Which axes of x hold the batch and the time steps? Swap exactly those two.",
           "x.transpose(a, b) swaps axes a and b; view and reshape do not move values."],
    solution_code="x_time_first = x.transpose(0, 1)", answer_name="x_time_first", setup=course_data,
    wrong_answers=[WrongAnswer("x_time_first = x.view(10, 1000, 5)", "scrambled"),
                   WrongAnswer("x_time_first = x", "shape (1000, 10, 5)"),
                   WrongAnswer("x_time_first = x.transpose(0, 1).numpy()", "should be a torch.Tensor")])


def grade_batch_of_one(answer: object) -> Result:
    if isinstance(answer, Tensor) and tuple(answer.shape) == (10, 5):
        return incorrect("this is one unbatched sequence (10, 5); a batch_first model wants (1, 10, 5): "
                         "add the batch axis first.")
    if isinstance(answer, Tensor) and tuple(answer.shape) == (10, 1, 5):
        return incorrect("(10, 1, 5) is a batch of one laid out time first; for batch_first the batch axis "
                         "comes first.")
    return compare_values(answer, load_dataset()[0][7].unsqueeze(0), name="one_batch")


q2 = Exercise(
    id="ex.q2", notebook=NOTEBOOK, objective="layout",
    task="Make sequence number 7 (x[7]) into a batch of one for a batch_first model.",
    grader=grade_batch_of_one,
    hints=["x[7] has shape (10, 5): one sequence without a batch axis.",
           "x[7].unsqueeze(0) adds a new axis of size 1 in front; so does slicing, x[7:8]."],
    solution_code="one_batch = x[7].unsqueeze(0)", answer_name="one_batch", setup=course_data,
    wrong_answers=[WrongAnswer("one_batch = x[7]", "unbatched sequence"),
                   WrongAnswer("one_batch = x[7].unsqueeze(1)", "time first"),
                   WrongAnswer("one_batch = x[8].unsqueeze(0)", "values differ")])


def reference_to_batch_first(x_time_first: Tensor) -> Tensor:
    return x_time_first.transpose(0, 1)


def random_time_first(generator: torch.Generator) -> tuple[Tensor]:
    steps, batch, features = (int(v) for v in torch.randint(2, 9, (3,), generator=generator))
    return (torch.randn(steps, batch, features, generator=generator),)


q3 = Exercise(
    id="ex.q3", notebook=NOTEBOOK, objective="permute",
    task="Write to_batch_first(x_time_first): any (L, N, H_in) tensor in, the same data as (N, L, H_in) out.",
    grader=lambda f: compare_functions(f, reference_to_batch_first, random_time_first),
    hints=["Your function receives a 3-D tensor with time on axis 0 and batch on axis 1.",
           "Return x_time_first.permute(1, 0, 2): the new axis 0 is the old axis 1, and so on."],
    solution_code="def to_batch_first(x_time_first):\n    return x_time_first.permute(1, 0, 2)",
    answer_name="to_batch_first", setup=course_data,
    wrong_answers=[
        WrongAnswer("def to_batch_first(t):\n    return t.reshape(t.shape[1], t.shape[0], t.shape[2])",
                    "values differ"),
        WrongAnswer("def to_batch_first(t):\n    return t", "has shape"),
        WrongAnswer("def to_batch_first(t):\n    return t.permute(1, 0)", "raised RuntimeError"),
        WrongAnswer("to_batch_first = 3", "expected a function")])

EXERCISES = (q1, q2, q3)
