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
from rnn_lesson.exercises import Exercise, compare_functions, compare_tensors, returned_nothing
from rnn_lesson.feedback import Result


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
        id="ex.q1", notebook="01_input_shaping", objective="layout",
        task="Lay the course data out time first, (L, N, H_in), as nn.RNN expects without batch_first.",
        checker=check_time_first,
        hints=["Which axes of x hold the batch and the time steps? Swap exactly those two.",
               "x.transpose(a, b) swaps axes a and b; view and reshape do not move values."],
        solution_code="x_time_first = x.transpose(0, 1)", answer_name="x_time_first", setup=course_data),
    q2=Exercise(
        id="ex.q2", notebook="01_input_shaping", objective="layout",
        task="Make sequence number 7 (x[7]) into a batch of one for a batch_first model.",
        checker=check_batch_of_one,
        hints=["x[7] has shape (10, 5): one sequence without a batch axis.",
               "x[7].unsqueeze(0) adds a new axis of size 1 in front; so does slicing, x[7:8]."],
        solution_code="one_batch = x[7].unsqueeze(0)", answer_name="one_batch", setup=course_data),
    q3=Exercise(
        id="ex.q3", notebook="01_input_shaping", objective="permute",
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
        id="ex.q1", notebook="02_the_rnn_layer", objective="parameters",
        task="Write count_parameters(input_size, hidden_size): the parameters of a one-layer nn.RNN with biases.",
        checker=lambda f: compare_functions(f, reference_parameter_count, random_sizes, trials=8),
        hints=["There are four tensors: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0. What are their shapes?",
               "weight_ih is (H, H_in), weight_hh is (H, H), each bias is (H,): add up H*H_in + H*H + 2*H."],
        solution_code=("def count_parameters(input_size, hidden_size):\n"
                       "    return hidden_size * input_size + hidden_size * hidden_size + 2 * hidden_size"),
        answer_name="count_parameters"),
    q2=Exercise(
        id="ex.q2", notebook="02_the_rnn_layer", objective="recurrence",
        task="Write rnn_cell(x_t, h_prev, w_ih, w_hh, b_ih, b_hh): one step of the recurrence for a batch.",
        checker=lambda f: compare_functions(f, reference_step, random_step_inputs),
        hints=["The formula is h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), for every row of the batch.",
               "x_t is (N, H_in) and w_ih is (H, H_in): x_t @ w_ih.T is (N, H). Same for h_prev @ w_hh.T."],
        solution_code=("def rnn_cell(x_t, h_prev, w_ih, w_hh, b_ih, b_hh):\n"
                       "    return torch.tanh(x_t @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh)"),
        answer_name="rnn_cell", setup=course_data),
    q3=Exercise(
        id="ex.q3", notebook="02_the_rnn_layer", objective="stacked",
        task="Build h0 (zeros) for nn.RNN(5, 8, num_layers=2, bidirectional=True, batch_first=True) and a batch of 3.",
        checker=check_h0_stacked,
        hints=["h0 has one slice per layer and per direction, then the batch, then the hidden size.",
               "batch_first changes only the input and output: h0 is (num_layers*2, N, H)."],
        solution_code="h0 = torch.zeros(2 * 2, 3, 8)", answer_name="h0", setup=course_data),
)


# ---------- lesson 03: training ----------

def training_batch() -> dict:
    """Lesson 03's starting point: a seeded classifier, the first batch, its logits and the loss function."""
    from rnn_lesson.data import make_loader, train_val_split
    from rnn_lesson.model import SequenceClassifier

    (x_train, y_train), _ = train_val_split(*load_dataset())
    xb, yb = next(iter(make_loader(x_train, y_train, batch_size=32, seed=0)))
    torch.manual_seed(0)
    model = SequenceClassifier()
    return {"torch": torch, "nn": torch.nn, "model": model, "xb": xb, "yb": yb, "logits": model(xb),
            "loss_fn": torch.nn.CrossEntropyLoss()}


def check_loss(answer: object) -> str | None:
    batch = training_batch()
    logits, yb = batch["logits"], batch["yb"]
    if isinstance(answer, Tensor) and answer.numel() == 1:
        softmaxed = torch.nn.functional.cross_entropy(torch.softmax(logits, dim=1), yb)
        if torch.isclose(answer.detach(), softmaxed, atol=1e-5):
            return "this is the loss of softmax probabilities: CrossEntropyLoss applies log-softmax itself, so pass the raw logits."
    return compare_tensors(answer.detach() if isinstance(answer, Tensor) else answer,
                           torch.nn.functional.cross_entropy(logits, yb).detach(), name="loss")


def reference_train_step(model, optimizer, loss_fn, xb, yb) -> float:
    optimizer.zero_grad()
    loss = loss_fn(model(xb), yb)
    loss.backward()
    optimizer.step()
    return loss.item()


def check_train_step(train_step: object) -> Result | str | None:
    """Run the learner's step and the reference on identical models for three batches; compare weights."""
    if not callable(train_step):
        return f"expected a function, got a {type(train_step).__name__}."
    from rnn_lesson.data import make_loader
    from rnn_lesson.model import SequenceClassifier

    x, y = load_dataset()
    runs = []
    for step_function in (train_step, reference_train_step):
        torch.manual_seed(0)
        model = SequenceClassifier()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        batches = iter(make_loader(x, y, batch_size=32, seed=0))
        losses, weights = [], []
        for _ in range(3):
            xb, yb = next(batches)
            loss = step_function(model, optimizer, torch.nn.CrossEntropyLoss(), xb, yb)
            losses.append(loss.item() if isinstance(loss, Tensor) else loss)
            weights.append(model.head.weight.detach().clone())
        runs.append((losses, weights))
    (losses, weights), (expected_losses, expected_weights) = runs
    if any(loss is None for loss in losses):
        return returned_nothing(None)
    if torch.equal(weights[0], expected_weights[0]) and not torch.allclose(weights[1], expected_weights[1]):
        return "the first step is right but the second is not: did you call optimizer.zero_grad() before backward()?"
    if not torch.allclose(weights[0], expected_weights[0]):
        return "the weights after one step are not what they should be: forward, loss, backward, then optimizer.step()."
    if any(abs(a - b) > 1e-5 for a, b in zip(losses, expected_losses)):
        return f"the weights are right but the returned losses {losses} differ from {expected_losses}."
    return None


lesson03 = SimpleNamespace(
    q1=Exercise(
        id="ex.q1", notebook="03_training", objective="loss",
        task="Compute the cross-entropy loss of the first batch from `logits` and `yb`.",
        checker=check_loss,
        hints=["loss_fn = nn.CrossEntropyLoss() takes two arguments: the model's outputs and the true classes.",
               "Pass the raw logits (N, 3) and the class indices yb (N,): loss_fn(logits, yb)."],
        solution_code="loss = loss_fn(logits, yb)", answer_name="loss", setup=training_batch),
    q2=Exercise(
        id="ex.q2", notebook="03_training", objective="loop",
        task="Write train_step(model, optimizer, loss_fn, xb, yb): one step of training; return the loss as a number.",
        checker=check_train_step,
        hints=["Five lines, always in this order: clear old gradients, forward pass, loss, backward pass, update.",
               "optimizer.zero_grad(); loss = loss_fn(model(xb), yb); loss.backward(); optimizer.step(); "
               "return loss.item()"],
        solution_code=("def train_step(model, optimizer, loss_fn, xb, yb):\n"
                       "    optimizer.zero_grad()\n"
                       "    loss = loss_fn(model(xb), yb)\n"
                       "    loss.backward()\n"
                       "    optimizer.step()\n"
                       "    return loss.item()"),
        answer_name="train_step", setup=training_batch),
)


# ---------- lesson 04: prediction ----------

def reference_predict(model: torch.nn.Module, x: Tensor) -> Tensor:
    model.eval()
    with torch.no_grad():
        return model(x).argmax(dim=1)


def random_model_and_batch(generator: torch.Generator) -> tuple:
    """A fresh two-layer classifier with dropout, left in training mode, and a random batch (N, 10, 5)."""
    from rnn_lesson.model import SequenceClassifier

    torch.manual_seed(int(torch.randint(0, 10_000, (1,), generator=generator)))
    model = SequenceClassifier(hidden_size=16, num_layers=2, dropout=0.5)
    model.train()
    return model, 3 * torch.randn(64, 10, 5, generator=generator)


def reference_confusion(y_true: Tensor, y_pred: Tensor, num_classes: int) -> Tensor:
    matrix = torch.zeros(num_classes, num_classes, dtype=torch.long)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        matrix[t, p] += 1
    return matrix


def random_labels(generator: torch.Generator) -> tuple:
    n = int(torch.randint(5, 40, (1,), generator=generator))
    return torch.randint(0, 3, (n,), generator=generator), torch.randint(0, 3, (n,), generator=generator), 3


def check_confusion(function: object) -> Result | str | None:
    if callable(function):
        y_true, y_pred, classes = torch.tensor([0, 0, 1, 2]), torch.tensor([1, 1, 1, 2]), 3
        got = function(y_true, y_pred, classes)
        if isinstance(got, Tensor) and torch.equal(got, reference_confusion(y_true, y_pred, classes).T):
            return "your matrix is transposed: rows should be the true class, columns the predicted class."
    return compare_functions(function, reference_confusion, random_labels)


lesson04 = SimpleNamespace(
    q1=Exercise(
        id="ex.q1", notebook="04_prediction", objective="evalmode",
        task="Write predict_classes(model, x): the predicted class index (N,) for a batch x (N, L, 5).",
        checker=lambda f: compare_functions(f, reference_predict, random_model_and_batch),
        hints=["Three things: evaluation mode, no gradients, and the index of the largest logit.",
               "model.eval(); then inside `with torch.no_grad():` return model(x).argmax(dim=1)."],
        solution_code=("def predict_classes(model, x):\n"
                       "    model.eval()\n"
                       "    with torch.no_grad():\n"
                       "        return model(x).argmax(dim=1)"),
        answer_name="predict_classes", setup=course_data),
    q2=Exercise(
        id="ex.q2", notebook="04_prediction", objective="evaluate",
        task="Write confusion_matrix(y_true, y_pred, num_classes): counts with true classes as rows.",
        checker=check_confusion,
        hints=["Start from torch.zeros(num_classes, num_classes, dtype=torch.long) and add 1 per sequence.",
               "for t, p in zip(y_true.tolist(), y_pred.tolist()): matrix[t, p] += 1"],
        solution_code=("def confusion_matrix(y_true, y_pred, num_classes):\n"
                       "    matrix = torch.zeros(num_classes, num_classes, dtype=torch.long)\n"
                       "    for t, p in zip(y_true.tolist(), y_pred.tolist()):\n"
                       "        matrix[t, p] += 1\n"
                       "    return matrix"),
        answer_name="confusion_matrix", setup=course_data),
)


# ---------- lesson 05: beyond the plain RNN ----------

def reference_summary(h_n: Tensor) -> Tensor:
    return torch.cat([h_n[-2], h_n[-1]], dim=1)


def random_bidirectional_h_n(generator: torch.Generator) -> tuple[Tensor]:
    layers, batch, hidden = (int(v) for v in torch.randint(1, 4, (3,), generator=generator))
    return (torch.randn(2 * layers + 2, batch + 1, hidden + 1, generator=generator),)


def reference_carry(h: Tensor) -> Tensor:
    return h.detach()


def check_carry(function: object) -> Result | str | None:
    if not callable(function):
        return f"expected a function, got a {type(function).__name__}."
    h = torch.randn(1, 4, 8, requires_grad=True) * 2  # part of a graph, as after a chunk
    carried = function(h)
    if (nothing := returned_nothing(carried)) is not None:  # a Result is falsy unless correct
        return nothing
    if isinstance(carried, Tensor) and carried.requires_grad:
        return "the state you return is still attached to the old graph (requires_grad=True): use .detach()."
    return compare_tensors(carried, h.detach(), name="the carried state")


def check_project_config(config: object) -> str | None:
    from rnn_lesson.project import check_project

    return check_project(config)


lesson05 = SimpleNamespace(
    q1=Exercise(
        id="ex.q1", notebook="05_beyond_rnn", objective="overfit",
        task="Mini-project: settings that reach the validation target with a small train-validation gap.",
        checker=check_project_config,
        hints=["The starting model has thousands of parameters for 80 training sequences: it memorises them. "
               "Watch both the validation accuracy and the gap in the table.",
               "Three levers: stop earlier (fewer epochs, or a smaller learning rate for the same epochs), "
               "dropout between the two layers, and a smaller hidden state.",
               "Try hidden_size 32, two layers with dropout 0.5, lr 0.003 and 10 epochs; then explore around it."],
        solution_code=('my_config = {"hidden_size": 32, "num_layers": 2, "dropout": 0.5, "lr": 0.003, '
                       '"epochs": 10}'),
        answer_name="my_config"),
    q2=Exercise(
        id="ex.q2", notebook="05_beyond_rnn", objective="gated",
        task="Write summary(h_n) for a stacked bidirectional RNN: the top layer's forward and backward "
             "final states side by side, (N, 2H).",
        checker=lambda f: compare_functions(f, reference_summary, random_bidirectional_h_n),
        hints=["h_n is (num_layers*2, N, H), ordered layer 0 forward, layer 0 backward, layer 1 forward, ...",
               "The top layer's two directions are the last two slices: torch.cat([h_n[-2], h_n[-1]], dim=1)."],
        solution_code="def summary(h_n):\n    return torch.cat([h_n[-2], h_n[-1]], dim=1)",
        answer_name="summary", setup=course_data),
    q3=Exercise(
        id="ex.q3", notebook="05_beyond_rnn", objective="tbptt",
        task="Write carry(h): the hidden state to pass into the next chunk of a long sequence, cut off from the "
             "previous chunk's graph (truncated backpropagation through time).",
        checker=check_carry,
        hints=["Keep the values, drop the history: the next chunk's backward() must stop here.",
               "return h.detach()"],
        solution_code="def carry(h):\n    return h.detach()", answer_name="carry", setup=course_data),
)
