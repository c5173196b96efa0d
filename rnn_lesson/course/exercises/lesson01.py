"""Lesson 01 · Shaping sequence data: the exercises, their references, and the answers they are tested on.

In the notebook: `from rnn_lesson.course.exercises import lesson01 as ex`, then `ex.q1.check(answer)`.
"""

from __future__ import annotations

import torch
from torch import Tensor

from rnn_lesson.checks import shape_str
from rnn_lesson.course.exercises.compare import KnownMistake, compare_functions, compare_values
from rnn_lesson.course.exercises.framework import Exercise, WrongAnswer, course_data
from rnn_lesson.course.feedback import Result, incorrect
from rnn_lesson.data import load_dataset

NOTEBOOK = "01_input_shaping"


def grade_time_first(answer: object) -> Result:
    x = load_dataset()[0]
    expected = x.transpose(0, 1)
    if not isinstance(answer, Tensor) or answer.shape == expected.shape:
        if isinstance(answer, Tensor) and torch.equal(answer, x.reshape(expected.shape)):
            return incorrect("the shape (10, 1000, 5) is right but the values are scrambled: view and reshape keep "
                             "the memory order, so they cut the data into new rows instead of moving an axis.")
        if isinstance(answer, Tensor) and answer.dtype == expected.dtype and not torch.equal(answer, expected):
            return incorrect("the shape (10, 1000, 5) is right but the values are not x's own: moving an axis "
                             "changes where each value sits, never the value itself.")
        return compare_values(answer, expected, name="x_time_first")
    if answer.shape == x.shape:
        return incorrect("x_time_first has shape (1000, 10, 5): still batch first. Time first puts the 10 steps "
                         "on axis 0 and the 1000 sequences on axis 1.")
    return incorrect(f"x_time_first has shape {shape_str(answer.shape)}; time first is (L, N, H_in) = "
                     "(10, 1000, 5): the steps, then the sequences, and the 5 features stay last.")


q1 = Exercise(
    id="ex.q1", notebook=NOTEBOOK, objective="layout",
    task="Lay the course data out time first, (L, N, H_in), as nn.RNN expects without batch_first.",
    grader=grade_time_first,
    hints=["Which axes of x hold the sequences and the time steps? Time first means those two trade places; "
           "the features stay last.",
           "§ 3 *Moving axes* shows the two tensor methods that swap axes, and why view and reshape are not "
           "among them.",
           "x is (1000, 10, 5) and you want (10, 1000, 5): swap axis 0 with axis 1 using transpose, which takes "
           "the numbers of the two axes to swap."],
    solution_code="x_time_first = x.transpose(0, 1)", answer_name="x_time_first", setup=course_data,
    right_answers=["x_time_first = x.permute(1, 0, 2)", "x_time_first = x.transpose(1, 0).contiguous()",
                   "x_time_first = torch.stack([x[:, t] for t in range(x.shape[1])])"],
    wrong_answers=[WrongAnswer("x_time_first = x.view(10, 1000, 5)", ("scrambled", "memory order")),
                   WrongAnswer("x_time_first = x.permute(1, 0, 2).flip(0)", "not x's own"),
                   WrongAnswer("x_time_first = x.permute(1, 0, 2).double()", ("dtype", "float32")),
                   WrongAnswer("x_time_first = x.reshape(10, 1000, 5)", "scrambled"),
                   WrongAnswer("x_time_first = x", "still batch first"),
                   WrongAnswer("x_time_first = x.transpose(1, 2)", "(L, N, H_in)"),
                   WrongAnswer("x_time_first = x.transpose(0, 1).numpy()", "should be a torch.Tensor")])


def grade_batch_of_one(answer: object) -> Result:
    x = load_dataset()[0]
    shape = tuple(answer.shape) if isinstance(answer, Tensor) else None
    if shape == (10, 5):
        return incorrect("this is one unbatched sequence, (10, 5): a batch_first model wants a batch axis of size 1 "
                         "in front of it.")
    if shape == (10, 1, 5):
        return incorrect("(10, 1, 5) is a batch of one laid out time first; for batch_first the batch axis comes "
                         "first.")
    if shape == (10, 5, 1):
        return incorrect("(10, 5, 1) puts the axis of size 1 after the features; for batch_first the batch axis "
                         "comes first.")
    if shape is not None and len(shape) == 3 and shape[1:] == (10, 5) and shape[0] != 1:
        return incorrect(f"one_batch holds {shape[0]} sequences; a batch of one holds sequence 7 alone.")
    if shape == (1, 10, 5) and not torch.equal(answer[0], x[7]):
        same = [i for i in range(len(x)) if torch.equal(answer[0], x[i])]
        if same:
            return incorrect(f"this is sequence {same[0]}, not sequence 7: indexing counts from 0.")
    return compare_values(answer, x[7].unsqueeze(0), name="one_batch")


q2 = Exercise(
    id="ex.q2", notebook=NOTEBOOK, objective="layout",
    task="Make sequence number 7 (x[7]) into a batch of one for a batch_first model.",
    grader=grade_batch_of_one,
    hints=["x[7] has shape (10, 5): one sequence without a batch axis. A batch_first model wants the batch axis "
           "first, even for a batch of one.",
           "§ 2 *The layout `nn.RNN` expects* ends by turning an unbatched sequence into a batch of one.",
           "Add a new axis of size 1 in front, giving (1, 10, 5): unsqueeze takes the position of the new axis; "
           "a slice such as 7:8 keeps the axis too."],
    solution_code="one_batch = x[7].unsqueeze(0)", answer_name="one_batch", setup=course_data,
    right_answers=["one_batch = x[7:8]", "one_batch = x[7][None]", "one_batch = x[7].reshape(1, 10, 5)"],
    wrong_answers=[WrongAnswer("one_batch = x[7]", "unbatched sequence"),
                   WrongAnswer("one_batch = x[7].unsqueeze(1)", ("batch axis comes first", "time first")),
                   WrongAnswer("one_batch = x[7].unsqueeze(-1)", "after the features"),
                   WrongAnswer("one_batch = x[8].unsqueeze(0)", ("sequence 8", "counts from 0")),
                   WrongAnswer("one_batch = x[:7]", "holds 7 sequences")])


def reference_to_batch_first(x_time_first: Tensor) -> Tensor:
    return x_time_first.transpose(0, 1)


def random_time_first(generator: torch.Generator) -> tuple[Tensor]:
    steps, batch, features = (int(v) for v in torch.randint(2, 9, (3,), generator=generator))
    return (torch.randn(steps, batch, features, generator=generator),)


TO_BATCH_FIRST_MISTAKES = [
    KnownMistake(lambda t: t.reshape(t.shape[1], t.shape[0], t.shape[2]),
                 "That is the data cut into new rows in memory order, as view and reshape do: they do not move axes."),
    KnownMistake(lambda t: t, "That is the input unchanged: time is still on axis 0."),
    KnownMistake(lambda t: t.transpose(1, 2), "That swaps the batch with the features; the features stay last.")]

q3 = Exercise(
    id="ex.q3", notebook=NOTEBOOK, objective="permute",
    task="Write to_batch_first(x_time_first): any (L, N, H_in) tensor in, the same data as (N, L, H_in) out.",
    grader=lambda f: compare_functions(f, reference_to_batch_first, random_time_first,
                                       mistakes=TO_BATCH_FIRST_MISTAKES),
    hints=["Your function receives a 3-D tensor with time on axis 0 and the batch on axis 1; it returns the same "
           "numbers with those two axes traded.",
           "§ 3 *Moving axes*, and your answer to Your turn 1: the same swap, now inside a function.",
           "permute lists the old axis numbers in their new order: the new axis 0 is the old axis 1, the new "
           "axis 1 the old axis 0, and the features stay at 2."],
    solution_code="def to_batch_first(x_time_first):\n    return x_time_first.permute(1, 0, 2)",
    answer_name="to_batch_first", setup=course_data,
    right_answers=["def to_batch_first(t):\n    return t.transpose(0, 1)",
                   "def to_batch_first(t):\n    return t.swapaxes(0, 1)",
                   "def to_batch_first(t):\n    return torch.einsum('lnh->nlh', t)",
                   "def to_batch_first(t):\n    return t.transpose_(0, 1)  # changes t in place: right, with a note"],
    wrong_answers=[
        WrongAnswer("def to_batch_first(t):\n    return t.reshape(t.shape[1], t.shape[0], t.shape[2])",
                    "memory order"),
        WrongAnswer("def to_batch_first(t):\n    return t", "unchanged"),
        WrongAnswer("def to_batch_first(t):\n    return t.permute(0, 2, 1)", "features stay last"),
        WrongAnswer("def to_batch_first(t):\n    return t.permute(1, 0)", "raised RuntimeError"),
        WrongAnswer("to_batch_first = 3", "expected a function")])

EXERCISES = (q1, q2, q3)
