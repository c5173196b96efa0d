"""Lesson 03 · Training: the exercises, their references, and the answers they are tested on.

In the notebook: `from rnn_lesson.course.exercises import lesson03 as ex`, then `ex.q1.check(answer)`.
"""

from __future__ import annotations

import numbers

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from rnn_lesson.course.exercises.compare import KnownMistake, difference
from rnn_lesson.course.exercises.framework import Exercise, WrongAnswer, call_learner, returned_nothing
from rnn_lesson.course.feedback import Result, correct, incorrect
from rnn_lesson.data import load_dataset, make_loader, train_val_split
from rnn_lesson.models import SequenceClassifier

NOTEBOOK = "03_training"


def training_batch() -> dict:
    """Lesson 03's starting point: a seeded classifier, the first batch, its logits and the loss function."""
    (x_train, y_train), _ = train_val_split(*load_dataset())
    xb, yb = next(iter(make_loader(x_train, y_train, batch_size=32, seed=0)))
    torch.manual_seed(0)
    model = SequenceClassifier()
    return {"torch": torch, "nn": nn, "model": model, "xb": xb, "yb": yb, "logits": model(xb),
            "loss_fn": nn.CrossEntropyLoss()}


LOSS_MISTAKES = [
    KnownMistake(lambda logits, yb: F.cross_entropy(torch.softmax(logits, dim=1), yb),
                 "This is the loss of softmax probabilities: CrossEntropyLoss applies log-softmax itself, so it "
                 "takes the raw logits."),
    KnownMistake(lambda logits, yb: F.nll_loss(logits, yb),
                 "This is NLLLoss on raw logits: NLLLoss expects log-probabilities, and CrossEntropyLoss does the "
                 "log-softmax for you."),
    KnownMistake(lambda logits, yb: F.cross_entropy(logits, yb, reduction="sum"),
                 "This is the sum over the batch; CrossEntropyLoss averages over the batch by default.")]


def grade_loss(answer: object) -> Result:
    batch = training_batch()
    logits, yb = batch["logits"].detach(), batch["yb"]
    if isinstance(answer, numbers.Real):
        return incorrect(f"loss is a plain number, {answer:.4f}: keep the tensor the loss function returns, because "
                         "backward() on it computes the gradients; turn it into a number only to print it.")
    problem = difference(answer, F.cross_entropy(logits, yb), name="loss")
    ideas = [m.idea for m in LOSS_MISTAKES if problem and difference(answer, m.gives(logits, yb)) is None]
    return incorrect(" ".join([problem, *ideas[:1]])) if problem else correct()


q1 = Exercise(
    id="ex.q1", notebook=NOTEBOOK, objective="loss",
    task="Compute the cross-entropy loss of the first batch from `logits` and `yb`.",
    grader=grade_loss,
    hints=["CrossEntropyLoss compares the model's raw score for each class with the true class of each sequence.",
           "§ 2 *The loss* computes it for the untrained model; loss_fn is the nn.CrossEntropyLoss() made there.",
           "Call loss_fn with two arguments: first the logits (N, 3) as the model returns them, with no softmax, "
           "then the class indices yb (N,)."],
    solution_code="loss = loss_fn(logits, yb)", answer_name="loss", setup=training_batch,
    right_answers=["loss = torch.nn.functional.cross_entropy(logits, yb)", "loss = nn.CrossEntropyLoss()(logits, yb)",
                   "loss = -torch.log_softmax(logits, dim=1)[torch.arange(len(yb)), yb].mean()"],
    wrong_answers=[WrongAnswer("loss = loss_fn(torch.softmax(logits, dim=1), yb)", "softmax probabilities"),
                   WrongAnswer("loss = torch.nn.functional.nll_loss(logits, yb)", "NLLLoss expects log-probabilities"),
                   WrongAnswer("loss = nn.CrossEntropyLoss(reduction='sum')(logits, yb)", "sum over the batch"),
                   WrongAnswer("loss = loss_fn(logits, yb).item()", "plain number"),
                   WrongAnswer("loss = loss_fn(logits, yb) * 2", ("loss is", "; expected"))])


def reference_train_step(model, optimizer, loss_fn, xb, yb) -> float:
    optimizer.zero_grad()
    loss = loss_fn(model(xb), yb)
    loss.backward()
    optimizer.step()
    return loss.item()


class WatchedLoss(nn.CrossEntropyLoss):
    """CrossEntropyLoss that remembers whether it was ever given probabilities (rows >= 0 that sum to 1)."""

    def __init__(self) -> None:
        super().__init__()
        self.saw_probabilities = False

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        rows = input.detach()
        self.saw_probabilities |= bool((rows >= 0).all() and torch.allclose(rows.sum(dim=1), torch.ones(len(rows))))
        return super().forward(input, target)


def head_before_training() -> Tensor:
    """The head's weights `(3, 8)` of the seeded model before any step."""
    torch.manual_seed(0)
    return SequenceClassifier().head.weight.detach()


def three_steps(step_function, watched: WatchedLoss) -> tuple[list, list, list]:
    """Three steps of `step_function` on a seeded model: what it returned, head weights and gradients after each."""
    torch.manual_seed(0)
    model = SequenceClassifier()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    batches = iter(make_loader(*load_dataset(), batch_size=32, seed=0))
    returned, weights, grads = [], [], []
    for _ in range(3):
        xb, yb = next(batches)
        returned.append(call_learner(step_function, model, optimizer, watched, xb, yb))
        weights.append(model.head.weight.detach().clone())
        grads.append(model.head.weight.grad)
    return returned, weights, grads


def grade_train_step(train_step: object) -> Result:
    """Run the learner's step and the reference, each on its own identical model, for three batches."""
    if not callable(train_step):
        return incorrect(f"expected a function, got a {type(train_step).__name__}.")
    watched = WatchedLoss()
    returned, weights, grads = three_steps(train_step, watched)
    expected_losses, expected, _ = three_steps(reference_train_step, WatchedLoss())
    if (nothing := returned_nothing(returned[0])) is not None:
        return nothing
    if watched.saw_probabilities:
        return incorrect("your step applies softmax before the loss: CrossEntropyLoss applies log-softmax itself, "
                         "so it must get the model's raw logits.")
    if torch.equal(weights[0], head_before_training()) and grads[0] is None:
        return incorrect("after your first step the weights had not changed and had no gradients when the optimizer "
                         "stepped: either nothing called backward() on the loss, or the gradients were cleared after "
                         "it and before the update. Check the order of the five lines.")
    if torch.equal(weights[0], head_before_training()):
        return incorrect("after your first step the weights had not changed, although backward() had computed "
                         "gradients: the optimizer's step applies them, after backward().")
    if torch.allclose(weights[0], expected[0]) and not torch.allclose(weights[1], expected[1]):
        return incorrect("the first step is right but the second is not: gradients add up in .grad from one "
                         "backward() to the next, so clear them (zero_grad) at the start of every step.")
    if not torch.allclose(weights[0], expected[0]):
        return incorrect("the weights after one step are not what one step of training gives: clear the old "
                         "gradients, compute the loss of the model's logits for xb against yb, backward, then update.")
    if isinstance(returned[0], Tensor):
        return incorrect(f"your step returns a tensor, {returned[0]!r}; the task asks for the loss as a plain Python "
                         "number, the kind you print and collect in a list: a one-element tensor gives its value "
                         "through its item method.")
    if not all(isinstance(r, numbers.Real) and abs(r - e) < 1e-5 for r, e in zip(returned, expected_losses)):
        shown = ", ".join(f"{r:.4f}" if isinstance(r, numbers.Real) else repr(r) for r in returned)
        return incorrect(f"the weights are right, but your step returns {shown}; the three batches' losses were "
                         f"{', '.join(f'{e:.4f}' for e in expected_losses)}.")
    return correct()


STEP_START = ("def train_step(model, optimizer, loss_fn, xb, yb):\n"
              "    optimizer.zero_grad()\n")

q2 = Exercise(
    id="ex.q2", notebook=NOTEBOOK, objective="loop",
    task="Write train_step(model, optimizer, loss_fn, xb, yb): one step of training; return the loss as a number.",
    grader=grade_train_step,
    hints=["One step does five things, always in the same order: clear the old gradients, forward pass, loss, "
           "backward pass, update; then it hands back the loss as a number.",
           "§ 3 *The training loop, line by line* does exactly one step per batch inside its loop.",
           "Clear the optimizer's gradients; compute the loss of model(xb) against yb with loss_fn; call backward() "
           "on it; let the optimizer step; return the loss's value as a Python float."],
    solution_code=("def train_step(model, optimizer, loss_fn, xb, yb):\n"
                   "    optimizer.zero_grad()\n"
                   "    loss = loss_fn(model(xb), yb)\n"
                   "    loss.backward()\n"
                   "    optimizer.step()\n"
                   "    return loss.item()"),
    answer_name="train_step", setup=training_batch,
    right_answers=[
        "def train_step(model, optimizer, loss_fn, xb, yb):\n    logits = model(xb)\n    loss = loss_fn(logits, yb)\n"
        "    loss.backward()\n    optimizer.step()\n    optimizer.zero_grad()\n    return loss.item()",
        "def train_step(model, optimizer, loss_fn, xb, yb):\n    model.zero_grad()\n    loss = loss_fn(model(xb), yb)\n"
        "    loss.backward()\n    optimizer.step()\n    return float(loss.detach())"],
    wrong_answers=[
        WrongAnswer("def train_step(model, optimizer, loss_fn, xb, yb):\n    loss = loss_fn(model(xb), yb)\n"
                    "    loss.backward()\n    optimizer.step()\n    return loss.item()", ("add up", "zero_grad")),
        WrongAnswer(STEP_START + "    loss = loss_fn(model(xb), yb)\n    loss.backward()\n    return loss.item()",
                    ("had not changed", "step")),
        WrongAnswer(STEP_START + "    loss = loss_fn(model(xb), yb)\n    optimizer.step()\n    return loss.item()",
                    ("no gradients", "backward()")),
        WrongAnswer(STEP_START + "    loss = loss_fn(model(xb), yb.float())\n    loss.backward()\n"
                    "    optimizer.step()\n    return loss.item()", "raised"),
        WrongAnswer(STEP_START + "    loss = loss_fn(model(xb), yb)\n    loss.backward()\n    optimizer.step()\n"
                    "    return loss", ("plain Python number", "item method")),
        WrongAnswer(STEP_START + "    loss = loss_fn(torch.softmax(model(xb), dim=1), yb)\n    loss.backward()\n"
                    "    optimizer.step()\n    return loss.item()", "softmax before the loss"),
        WrongAnswer("def train_step(model, optimizer, loss_fn, xb, yb):\n    loss = loss_fn(model(xb), yb)\n"
                    "    loss.backward()\n    optimizer.zero_grad()\n    optimizer.step()\n    return loss.item()",
                    ("no gradients", "cleared"))])

EXERCISES = (q1, q2)
