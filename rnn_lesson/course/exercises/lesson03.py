"""Lesson 03 · Training: the exercises, their references, and the wrong answers they reject.

In the notebook: `from rnn_lesson.course.exercises import lesson03 as ex`, then `ex.q1.check(answer)`.
"""

from __future__ import annotations

import torch
from torch import Tensor

from rnn_lesson.course.exercises.framework import Exercise, WrongAnswer, compare_values, returned_nothing
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
    return {"torch": torch, "nn": torch.nn, "model": model, "xb": xb, "yb": yb, "logits": model(xb),
            "loss_fn": torch.nn.CrossEntropyLoss()}


def grade_loss(answer: object) -> Result:
    batch = training_batch()
    logits, yb = batch["logits"].detach(), batch["yb"]
    if isinstance(answer, Tensor) and answer.numel() == 1:
        softmaxed = torch.nn.functional.cross_entropy(torch.softmax(logits, dim=1), yb)
        if torch.isclose(answer.detach(), softmaxed, atol=1e-5):
            return incorrect("this is the loss of softmax probabilities: CrossEntropyLoss applies log-softmax "
                             "itself, so pass the raw logits.")
    return compare_values(answer.detach() if isinstance(answer, Tensor) else answer,
                          torch.nn.functional.cross_entropy(logits, yb), name="loss")


q1 = Exercise(
    id="ex.q1", notebook=NOTEBOOK, objective="loss",
    task="Compute the cross-entropy loss of the first batch from `logits` and `yb`.",
    grader=grade_loss,
    hints=["loss_fn = nn.CrossEntropyLoss() takes two arguments: the model's outputs and the true classes.",
           "Pass the raw logits (N, 3) and the class indices yb (N,): loss_fn(logits, yb)."],
    solution_code="loss = loss_fn(logits, yb)", answer_name="loss", setup=training_batch,
    wrong_answers=[WrongAnswer("loss = loss_fn(torch.softmax(logits, dim=1), yb)", "softmax probabilities"),
                   WrongAnswer("loss = loss_fn(logits, yb) * 2", "values differ"),
                   WrongAnswer("loss = loss_fn(logits, yb).item() + 1", "should be a torch.Tensor")])


def reference_train_step(model, optimizer, loss_fn, xb, yb) -> float:
    optimizer.zero_grad()
    loss = loss_fn(model(xb), yb)
    loss.backward()
    optimizer.step()
    return loss.item()


def grade_train_step(train_step: object) -> Result:
    """Run the learner's step and the reference on identical models for three batches; compare weights."""
    if not callable(train_step):
        return incorrect(f"expected a function, got a {type(train_step).__name__}.")
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
        return incorrect("the first step is right but the second is not: did you call optimizer.zero_grad() "
                         "before backward()?")
    if not torch.allclose(weights[0], expected_weights[0]):
        return incorrect("the weights after one step are not what they should be: forward, loss, backward, "
                         "then optimizer.step().")
    if any(abs(a - b) > 1e-5 for a, b in zip(losses, expected_losses)):
        return incorrect(f"the weights are right but the returned losses {losses} differ from {expected_losses}.")
    return correct()


q2 = Exercise(
    id="ex.q2", notebook=NOTEBOOK, objective="loop",
    task="Write train_step(model, optimizer, loss_fn, xb, yb): one step of training; return the loss as a number.",
    grader=grade_train_step,
    hints=["Five lines, always in this order: clear old gradients, forward pass, loss, backward pass, update.",
           "optimizer.zero_grad(); loss = loss_fn(model(xb), yb); loss.backward(); optimizer.step(); "
           "return loss.item()"],
    solution_code=("def train_step(model, optimizer, loss_fn, xb, yb):\n"
                   "    optimizer.zero_grad()\n"
                   "    loss = loss_fn(model(xb), yb)\n"
                   "    loss.backward()\n"
                   "    optimizer.step()\n"
                   "    return loss.item()"),
    answer_name="train_step", setup=training_batch,
    wrong_answers=[
        WrongAnswer("def train_step(model, optimizer, loss_fn, xb, yb):\n"
                    "    loss = loss_fn(model(xb), yb)\n    loss.backward()\n    optimizer.step()\n"
                    "    return loss.item()", "zero_grad"),
        WrongAnswer("def train_step(model, optimizer, loss_fn, xb, yb):\n    optimizer.zero_grad()\n"
                    "    loss = loss_fn(model(xb), yb)\n    loss.backward()\n    return loss.item()",
                    "optimizer.step()"),
        WrongAnswer("def train_step(model, optimizer, loss_fn, xb, yb):\n    optimizer.zero_grad()\n"
                    "    loss = loss_fn(model(xb), yb.float())\n    loss.backward()\n    optimizer.step()\n"
                    "    return loss.item()", "raised")])

EXERCISES = (q1, q2)
