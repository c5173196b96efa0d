"""Lesson 02 · The RNN layer: the exercises, their references, and the answers they are tested on.

In the notebook: `from rnn_lesson.course.exercises import lesson02 as ex`, then `ex.q1.check(answer)`.
"""

from __future__ import annotations

import torch
from torch import Tensor

from rnn_lesson.checks import shape_str
from rnn_lesson.course.exercises.compare import KnownMistake, compare_functions
from rnn_lesson.course.exercises.framework import Exercise, WrongAnswer, course_data
from rnn_lesson.course.feedback import Result, correct, incorrect

NOTEBOOK = "02_the_rnn_layer"


def reference_parameter_count(input_size: int, hidden_size: int) -> int:
    return sum(p.numel() for p in torch.nn.RNN(input_size, hidden_size).parameters())


def random_sizes(generator: torch.Generator) -> tuple[int, int]:
    input_size, hidden_size = (int(v) for v in torch.randint(1, 20, (2,), generator=generator))
    return input_size, hidden_size


COUNT_MISTAKES = [
    KnownMistake(lambda i, h: h * i + h * h, "That counts the two weight matrices but not the biases: nn.RNN also "
                 "learns bias_ih_l0 and bias_hh_l0, each with hidden_size numbers."),
    KnownMistake(lambda i, h: h * i + h * h + h, "That counts one bias vector, but nn.RNN has two biases: "
                 "bias_ih_l0 and bias_hh_l0."),
    KnownMistake(lambda i, h: 2 * h * i + 2 * h, "That sizes weight_hh_l0 like weight_ih_l0, but it maps the "
                 "previous hidden state (hidden_size numbers), not the input, to the new state."),
    KnownMistake(lambda i, h: h * i + 2 * h, "That leaves out weight_hh_l0, the hidden-to-hidden weights that "
                 "carry the state from one step to the next.")]

q1 = Exercise(
    id="ex.q1", notebook=NOTEBOOK, objective="parameters",
    task="Write count_parameters(input_size, hidden_size): the parameters of a one-layer nn.RNN with biases.",
    grader=lambda f: compare_functions(f, reference_parameter_count, random_sizes, trials=8, mistakes=COUNT_MISTAKES),
    hints=["A one-layer nn.RNN learns four tensors: two weight matrices and two bias vectors. Count the numbers "
           "in each.",
           "§ 2 *The parameters and their shapes* prints each tensor's shape and size for nn.RNN(5, 8).",
           "weight_ih_l0 is (H, H_in), weight_hh_l0 is (H, H) and each bias is (H,), with H = hidden_size and "
           "H_in = input_size: add up the sizes of all four."],
    solution_code=("def count_parameters(input_size, hidden_size):\n"
                   "    return hidden_size * input_size + hidden_size * hidden_size + 2 * hidden_size"),
    answer_name="count_parameters",
    right_answers=["def count_parameters(i, h):\n    return h * (i + h + 2)",
                   "def count_parameters(i, h):\n    return h * i + h ** 2 + h + h",
                   "import torch\ndef count_parameters(i, h):\n"
                   "    return sum(p.numel() for p in torch.nn.RNN(i, h).parameters())"],
    wrong_answers=[WrongAnswer("def count_parameters(i, h):\n    return h * i + h * h", ("the biases", "input_size=")),
                   WrongAnswer("def count_parameters(i, h):\n    return h * i + h * h + h", "two biases"),
                   WrongAnswer("def count_parameters(i, h):\n    return 2 * h * i + 2 * h", "sizes weight_hh_l0"),
                   WrongAnswer("def count_parameters(i, h):\n    return h * i + 2 * h", "hidden-to-hidden"),
                   WrongAnswer("def count_parameters(i, h):\n    return str(h)", "a str")])


def reference_step(x_t: Tensor, h_prev: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(x_t @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh)


def random_step_inputs(generator: torch.Generator) -> tuple[Tensor, ...]:
    n, h_in, h = (int(v) for v in torch.randint(1, 7, (3,), generator=generator))
    h += 1  # H >= 2, so a transposed weight cannot pass by accident
    shapes = [(n, h_in), (n, h), (h, h_in), (h, h), (h,), (h,)]
    return tuple(torch.randn(shape, generator=generator) for shape in shapes)


STEP_MISTAKES = [
    KnownMistake(lambda x, h, wi, wh, bi, bh: torch.tanh(x @ wi.T + h @ wh.T),
                 "That leaves out the biases b_ih and b_hh."),
    KnownMistake(lambda x, h, wi, wh, bi, bh: torch.relu(x @ wi.T + bi + h @ wh.T + bh),
                 "That squashes with relu; nn.RNN's default nonlinearity is tanh."),
    KnownMistake(lambda x, h, wi, wh, bi, bh: x @ wi.T + bi + h @ wh.T + bh,
                 "That is the sum before the nonlinearity: nn.RNN squashes it with tanh."),
    KnownMistake(lambda x, h, wi, wh, bi, bh: torch.tanh(x @ wi.T + bi + bh),
                 "That ignores h_prev: the recurrence also adds the previous state through w_hh, the memory of "
                 "earlier steps.")]

q2 = Exercise(
    id="ex.q2", notebook=NOTEBOOK, objective="recurrence",
    task="Write rnn_cell(x_t, h_prev, w_ih, w_hh, b_ih, b_hh): one step of the recurrence for a batch.",
    grader=lambda f: compare_functions(f, reference_step, random_step_inputs, mistakes=STEP_MISTAKES),
    hints=["One step is h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), for every row of the batch at once.",
           "§ 4 *The recurrence by hand* writes this step inside a loop over time; `manual_rnn` in "
           "rnn_lesson/recurrence.py does the same for every layer.",
           "x_t is (N, H_in) and w_ih is (H, H_in), so x_t times the transpose of w_ih is (N, H); do the same with "
           "h_prev and w_hh, add both biases, and pass the sum through torch.tanh."],
    solution_code=("def rnn_cell(x_t, h_prev, w_ih, w_hh, b_ih, b_hh):\n"
                   "    return torch.tanh(x_t @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh)"),
    answer_name="rnn_cell", setup=course_data,
    right_answers=[
        "import torch.nn.functional as F\ndef rnn_cell(x, h, wi, wh, bi, bh):\n"
        "    return torch.tanh(F.linear(x, wi, bi) + F.linear(h, wh, bh))",
        "def rnn_cell(x, h, wi, wh, bi, bh):\n    return (x @ wi.t() + h @ wh.t() + bi + bh).tanh()",
        "def rnn_cell(x, h, wi, wh, bi, bh):\n    new = torch.tanh(x @ wi.T + bi + h @ wh.T + bh)\n"
        "    h.copy_(new)  # changes h_prev in place: right, with a note\n    return h"],
    wrong_answers=[
        WrongAnswer("def rnn_cell(x, h, wi, wh, bi, bh):\n    return torch.tanh(x @ wi.T + h @ wh.T)", "biases"),
        WrongAnswer("def rnn_cell(x, h, wi, wh, bi, bh):\n    return torch.tanh(wi @ x + wh @ h + bi + bh)",
                    "raised RuntimeError"),
        WrongAnswer("def rnn_cell(x, h, wi, wh, bi, bh):\n    return torch.relu(x @ wi.T + bi + h @ wh.T + bh)",
                    "default nonlinearity is tanh"),
        WrongAnswer("def rnn_cell(x, h, wi, wh, bi, bh):\n    return x @ wi.T + bi + h @ wh.T + bh",
                    "before the nonlinearity"),
        WrongAnswer("def rnn_cell(x, h, wi, wh, bi, bh):\n    return torch.tanh(x @ wi.T + bi + bh)", "ignores h_prev"),
        WrongAnswer("def rnn_cell(x, h, wi, wh, bi, bh):\n    x.zero_()\n    h.zero_()\n"
                    "    return torch.tanh(x @ wi.T + bi + h @ wh.T + bh)",
                    ("values differ", "x_t and h_prev in place"))])

STACKED = {"input_size": 5, "hidden_size": 8, "num_layers": 2, "bidirectional": True, "batch_first": True}


def grade_h0_stacked(answer: object) -> Result:
    """h0 for nn.RNN(**STACKED) and 3 sequences; no message gives its shape away."""
    if not isinstance(answer, Tensor):
        return incorrect(f"h0 should be a torch.Tensor, but it is a {type(answer).__name__}.")
    shape = tuple(answer.shape)
    if shape == (3, 4, 8):
        return incorrect("(3, 4, 8) puts the batch first, but batch_first does not reorder h0: it changes only the "
                         "input and the output.")
    if shape == (2, 3, 8):
        return incorrect("(2, 3, 8) has one slice per layer, but h0 needs one slice per layer *and* per direction: "
                         "count both.")
    if shape == (4, 3, 16):
        return incorrect("(4, 3, 16) joins the directions, but they are kept apart in h0: its last axis is the "
                         "hidden size of one direction.")
    if shape != (4, 3, 8):
        return incorrect(f"nn.RNN does not accept an h0 of shape {shape_str(shape)} here. h0 has three axes: one "
                         "slice per layer and direction, one row per sequence of the batch, then the hidden size.")
    try:
        torch.nn.RNN(**STACKED)(torch.zeros(3, 10, 5), answer)
    except RuntimeError as error:
        if answer.dtype != torch.float32:
            return incorrect(f"nn.RNN rejects this h0: it is {answer.dtype}, but the layer's weights and its input "
                             "are torch.float32, and h0 must be float32 like the input.")
        return incorrect(f"nn.RNN rejects this h0: {error}")
    if answer.count_nonzero():
        return incorrect("h0 has the right shape and dtype, but it should be all zeros: the state before the first "
                         "step, and nn.RNN's default when no h0 is given.")
    return correct()


q3 = Exercise(
    id="ex.q3", notebook=NOTEBOOK, objective="stacked",
    task="Build h0 (zeros) for nn.RNN(5, 8, num_layers=2, bidirectional=True, batch_first=True) and a batch of 3.",
    grader=grade_h0_stacked,
    hints=["h0 has one slice per layer and per direction, then the batch, then the hidden size; batch_first does "
           "not apply to it.",
           "§ 5 *Stacked and bidirectional RNNs*, and § 3 *`output` versus `h_n`*: h0 has the shape of the h_n the "
           "layer returns.",
           "Count the slices (2 layers, each with 2 directions), then the 3 sequences, then hidden_size; make it "
           "with torch.zeros, which gives float32 like the input."],
    solution_code="h0 = torch.zeros(2 * 2, 3, 8)", answer_name="h0", setup=course_data,
    right_answers=["h0 = torch.zeros(4, 3, 8)", "h0 = torch.zeros((4, 3, 8), dtype=torch.float32)",
                   "rnn = torch.nn.RNN(5, 8, num_layers=2, bidirectional=True, batch_first=True)\n"
                   "h0 = torch.zeros_like(rnn(torch.randn(3, 10, 5))[1])"],
    wrong_answers=[WrongAnswer("h0 = torch.zeros(3, 4, 8)", "batch_first does not reorder h0"),
                   WrongAnswer("h0 = torch.zeros(2, 3, 8)", "layer *and* per direction"),
                   WrongAnswer("h0 = torch.zeros(4, 3, 16)", "one direction"),
                   WrongAnswer("h0 = torch.zeros(4, 8)", "three axes"),
                   WrongAnswer("h0 = torch.ones(4, 3, 8)", "all zeros"),
                   WrongAnswer("h0 = torch.zeros(4, 3, 8, dtype=torch.float64)", ("torch.float64", "float32"))])

EXERCISES = (q1, q2, q3)
