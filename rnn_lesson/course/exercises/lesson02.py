"""Lesson 02 · The RNN layer: the exercises, their references, and the wrong answers they reject.

In the notebook: `from rnn_lesson.course.exercises import lesson02 as ex`, then `ex.q1.check(answer)`.
"""

from __future__ import annotations

import torch
from torch import Tensor

from rnn_lesson.course.exercises.framework import (Exercise, WrongAnswer, compare_functions, compare_values,
                                                   course_data)
from rnn_lesson.course.feedback import Result, incorrect

NOTEBOOK = "02_the_rnn_layer"


def reference_parameter_count(input_size: int, hidden_size: int) -> int:
    return sum(p.numel() for p in torch.nn.RNN(input_size, hidden_size).parameters())


def random_sizes(generator: torch.Generator) -> tuple[int, int]:
    input_size, hidden_size = (int(v) for v in torch.randint(1, 20, (2,), generator=generator))
    return input_size, hidden_size


q1 = Exercise(
    id="ex.q1", notebook=NOTEBOOK, objective="parameters",
    task="Write count_parameters(input_size, hidden_size): the parameters of a one-layer nn.RNN with biases.",
    grader=lambda f: compare_functions(f, reference_parameter_count, random_sizes, trials=8),
    hints=["There are four tensors: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0. What are their shapes?",
           "weight_ih is (H, H_in), weight_hh is (H, H), each bias is (H,): add up H*H_in + H*H + 2*H."],
    solution_code=("def count_parameters(input_size, hidden_size):\n"
                   "    return hidden_size * input_size + hidden_size * hidden_size + 2 * hidden_size"),
    answer_name="count_parameters",
    wrong_answers=[WrongAnswer("def count_parameters(i, h):\n    return h * i + h * h + h", "expected"),
                   WrongAnswer("def count_parameters(i, h):\n    return h * i + h * h", "expected"),
                   WrongAnswer("def count_parameters(i, h):\n    return str(h)", "expected")])


def reference_step(x_t: Tensor, h_prev: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(x_t @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh)


def random_step_inputs(generator: torch.Generator) -> tuple[Tensor, ...]:
    n, h_in, h = (int(v) for v in torch.randint(1, 7, (3,), generator=generator))
    h += 1  # H >= 2, so a transposed weight cannot pass by accident
    shapes = [(n, h_in), (n, h), (h, h_in), (h, h), (h,), (h,)]
    return tuple(torch.randn(shape, generator=generator) for shape in shapes)


q2 = Exercise(
    id="ex.q2", notebook=NOTEBOOK, objective="recurrence",
    task="Write rnn_cell(x_t, h_prev, w_ih, w_hh, b_ih, b_hh): one step of the recurrence for a batch.",
    grader=lambda f: compare_functions(f, reference_step, random_step_inputs),
    hints=["The formula is h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), for every row of the batch.",
           "x_t is (N, H_in) and w_ih is (H, H_in): x_t @ w_ih.T is (N, H). Same for h_prev @ w_hh.T."],
    solution_code=("def rnn_cell(x_t, h_prev, w_ih, w_hh, b_ih, b_hh):\n"
                   "    return torch.tanh(x_t @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh)"),
    answer_name="rnn_cell", setup=course_data,
    wrong_answers=[
        WrongAnswer("def rnn_cell(x, h, wi, wh, bi, bh):\n    return torch.tanh(x @ wi.T + h @ wh.T)",
                    "values differ"),
        WrongAnswer("def rnn_cell(x, h, wi, wh, bi, bh):\n    return torch.tanh(wi @ x + wh @ h + bi + bh)",
                    "raised RuntimeError"),
        WrongAnswer("def rnn_cell(x, h, wi, wh, bi, bh):\n    return torch.relu(x @ wi.T + bi + h @ wh.T + bh)",
                    "values differ")])


def grade_h0_stacked(answer: object) -> Result:
    shape = tuple(answer.shape) if isinstance(answer, Tensor) else None
    if shape == (3, 4, 8):
        return incorrect("(3, 4, 8) puts the batch first, but batch_first does not reorder h0: "
                         "it is (num_layers*D, N, H).")
    if shape == (2, 3, 8):
        return incorrect("h0 needs one slice per layer *and* direction: num_layers*D = 2*2 = 4.")
    if shape == (4, 3, 16):
        return incorrect("directions are kept apart in h0: its last axis is hidden_size = 8, not D*H = 16.")
    return compare_values(answer, torch.zeros(4, 3, 8), name="h0")


q3 = Exercise(
    id="ex.q3", notebook=NOTEBOOK, objective="stacked",
    task="Build h0 (zeros) for nn.RNN(5, 8, num_layers=2, bidirectional=True, batch_first=True) and a batch of 3.",
    grader=grade_h0_stacked,
    hints=["h0 has one slice per layer and per direction, then the batch, then the hidden size.",
           "batch_first changes only the input and output: h0 is (num_layers*2, N, H)."],
    solution_code="h0 = torch.zeros(2 * 2, 3, 8)", answer_name="h0", setup=course_data,
    wrong_answers=[WrongAnswer("h0 = torch.zeros(3, 4, 8)", "batch_first does not reorder h0"),
                   WrongAnswer("h0 = torch.zeros(2, 3, 8)", "layer *and* direction"),
                   WrongAnswer("h0 = torch.zeros(4, 3, 16)", "not D*H"),
                   WrongAnswer("h0 = torch.ones(4, 3, 8)", "values differ")])

EXERCISES = (q1, q2, q3)
