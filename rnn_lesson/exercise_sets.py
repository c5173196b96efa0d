"""The exercises of each lesson, used in the notebooks as
`from rnn_lesson.exercise_sets import lesson01 as ex` and then `ex.q1.check(answer)`.

Each exercise's `solution_code` is what `solution()` shows; the tests run it through the
exercise's own check, so the two cannot drift apart.
"""

from __future__ import annotations

from types import SimpleNamespace

import torch
from torch import Tensor

from rnn_lesson.data import load_dataset
from rnn_lesson.exercises import Exercise, compare_functions, compare_tensors


def course_data() -> dict:
    """The names a lesson's exercises start from: x `(1000, 10, 5)`, y `(1000,)` and torch."""
    x, y = load_dataset()
    return {"x": x, "y": y, "torch": torch}


# ---------- lesson 01: shaping sequence data ----------

def check_time_first(answer: object) -> str | None:
    x = load_dataset()[0]
    if isinstance(answer, Tensor) and tuple(answer.shape) == (10, 1000, 5) and not torch.equal(answer, x.transpose(0, 1)):
        return ("the shape (10, 1000, 5) is right but the values are scrambled: view/reshape keep the memory "
                "order; use x.transpose(0, 1) or x.permute(1, 0, 2) to really swap axes.")
    return compare_tensors(answer, x.transpose(0, 1), name="x_time_first")


def check_batch_of_one(answer: object) -> str | None:
    x = load_dataset()[0]
    if isinstance(answer, Tensor) and tuple(answer.shape) == (10, 5):
        return "this is one unbatched sequence (10, 5); a batch_first model wants (1, 10, 5): add the batch axis first."
    if isinstance(answer, Tensor) and tuple(answer.shape) == (10, 1, 5):
        return "(10, 1, 5) is a batch of one laid out time first; for batch_first the batch axis comes first."
    return compare_tensors(answer, x[7].unsqueeze(0), name="one_batch")


def reference_to_batch_first(x_time_first: Tensor) -> Tensor:
    return x_time_first.transpose(0, 1)


def random_time_first(generator: torch.Generator) -> tuple[Tensor]:
    steps, batch, features = (int(v) for v in torch.randint(2, 9, (3,), generator=generator))
    return (torch.randn(steps, batch, features, generator=generator),)


lesson01 = SimpleNamespace(
    q1=Exercise(
        id="ex.q1", notebook="01_input_shaping",
        task="Lay the course data out time first, (L, N, H_in), as nn.RNN expects without batch_first.",
        checker=check_time_first,
        hints=["Which axes of x hold the batch and the time steps? Swap exactly those two.",
               "x.transpose(a, b) swaps axes a and b; view and reshape do not move values."],
        solution_code="x_time_first = x.transpose(0, 1)", answer_name="x_time_first", setup=course_data),
    q2=Exercise(
        id="ex.q2", notebook="01_input_shaping",
        task="Make sequence number 7 (x[7]) into a batch of one for a batch_first model.",
        checker=check_batch_of_one,
        hints=["x[7] has shape (10, 5): one sequence without a batch axis.",
               "x[7].unsqueeze(0) adds a new axis of size 1 in front; so does slicing, x[7:8]."],
        solution_code="one_batch = x[7].unsqueeze(0)", answer_name="one_batch", setup=course_data),
    q3=Exercise(
        id="ex.q3", notebook="01_input_shaping",
        task="Write to_batch_first(x_time_first): any (L, N, H_in) tensor in, the same data as (N, L, H_in) out.",
        checker=lambda f: compare_functions(f, reference_to_batch_first, random_time_first),
        hints=["Your function receives a 3-D tensor with time on axis 0 and batch on axis 1.",
               "Return x_time_first.permute(1, 0, 2): the new axis 0 is the old axis 1, and so on."],
        solution_code="def to_batch_first(x_time_first):\n    return x_time_first.permute(1, 0, 2)",
        answer_name="to_batch_first", setup=course_data),
)


# ---------- lesson 02: the RNN layer ----------

def reference_parameter_count(input_size: int, hidden_size: int) -> int:
    return sum(p.numel() for p in torch.nn.RNN(input_size, hidden_size).parameters())


def random_sizes(generator: torch.Generator) -> tuple[int, int]:
    input_size, hidden_size = (int(v) for v in torch.randint(1, 20, (2,), generator=generator))
    return input_size, hidden_size


def reference_step(x_t: Tensor, h_prev: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(x_t @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh)


def random_step_inputs(generator: torch.Generator) -> tuple[Tensor, ...]:
    n, h_in, h = (int(v) for v in torch.randint(1, 7, (3,), generator=generator))
    h += 1  # H >= 2, so a transposed weight cannot pass by accident
    shapes = [(n, h_in), (n, h), (h, h_in), (h, h), (h,), (h,)]
    return tuple(torch.randn(shape, generator=generator) for shape in shapes)


def check_h0_stacked(answer: object) -> str | None:
    if isinstance(answer, Tensor) and tuple(answer.shape) == (3, 4, 8):
        return "(3, 4, 8) puts the batch first, but batch_first does not reorder h0: it is (num_layers*D, N, H)."
    if isinstance(answer, Tensor) and tuple(answer.shape) == (2, 3, 8):
        return "h0 needs one slice per layer *and* direction: num_layers*D = 2*2 = 4."
    if isinstance(answer, Tensor) and tuple(answer.shape) == (4, 3, 16):
        return "directions are kept apart in h0: its last axis is hidden_size = 8, not D*H = 16."
    return compare_tensors(answer, torch.zeros(4, 3, 8), name="h0")


lesson02 = SimpleNamespace(
    q1=Exercise(
        id="ex.q1", notebook="02_the_rnn_layer",
        task="Write count_parameters(input_size, hidden_size): the parameters of a one-layer nn.RNN with biases.",
        checker=lambda f: compare_functions(f, reference_parameter_count, random_sizes, trials=8),
        hints=["There are four tensors: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0. What are their shapes?",
               "weight_ih is (H, H_in), weight_hh is (H, H), each bias is (H,): add up H*H_in + H*H + 2*H."],
        solution_code=("def count_parameters(input_size, hidden_size):\n"
                       "    return hidden_size * input_size + hidden_size * hidden_size + 2 * hidden_size"),
        answer_name="count_parameters"),
    q2=Exercise(
        id="ex.q2", notebook="02_the_rnn_layer",
        task="Write rnn_cell(x_t, h_prev, w_ih, w_hh, b_ih, b_hh): one step of the recurrence for a batch.",
        checker=lambda f: compare_functions(f, reference_step, random_step_inputs),
        hints=["The formula is h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), for every row of the batch.",
               "x_t is (N, H_in) and w_ih is (H, H_in): x_t @ w_ih.T is (N, H). Same for h_prev @ w_hh.T."],
        solution_code=("def rnn_cell(x_t, h_prev, w_ih, w_hh, b_ih, b_hh):\n"
                       "    return torch.tanh(x_t @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh)"),
        answer_name="rnn_cell", setup=course_data),
    q3=Exercise(
        id="ex.q3", notebook="02_the_rnn_layer",
        task="Build h0 (zeros) for nn.RNN(5, 8, num_layers=2, bidirectional=True, batch_first=True) and a batch of 3.",
        checker=check_h0_stacked,
        hints=["h0 has one slice per layer and per direction, then the batch, then the hidden size.",
               "batch_first changes only the input and output: h0 is (num_layers*2, N, H)."],
        solution_code="h0 = torch.zeros(2 * 2, 3, 8)", answer_name="h0", setup=course_data),
)
