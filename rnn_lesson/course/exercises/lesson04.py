"""Lesson 04 · Prediction: the exercises, their references, and the wrong answers they reject.

In the notebook: `from rnn_lesson.course.exercises import lesson04 as ex`, then `ex.q1.check(answer)`.
"""

from __future__ import annotations

import torch
from torch import Tensor

from rnn_lesson.course.exercises.framework import Exercise, WrongAnswer, compare_functions, course_data
from rnn_lesson.course.feedback import Result, incorrect
from rnn_lesson.models import SequenceClassifier

NOTEBOOK = "04_prediction"


def reference_predict(model: torch.nn.Module, x: Tensor) -> Tensor:
    model.eval()
    with torch.no_grad():
        return model(x).argmax(dim=1)


def random_model_and_batch(generator: torch.Generator) -> tuple:
    """A fresh two-layer classifier with dropout, left in training mode, and a random batch (N, 10, 5)."""
    torch.manual_seed(int(torch.randint(0, 10_000, (1,), generator=generator)))
    model = SequenceClassifier(hidden_size=16, num_layers=2, dropout=0.5)
    model.train()
    return model, 3 * torch.randn(64, 10, 5, generator=generator)


q1 = Exercise(
    id="ex.q1", notebook=NOTEBOOK, objective="evalmode",
    task="Write predict_classes(model, x): the predicted class index (N,) for a batch x (N, L, 5).",
    grader=lambda f: compare_functions(f, reference_predict, random_model_and_batch),
    hints=["Three things: evaluation mode, no gradients, and the index of the largest logit.",
           "model.eval(); then inside `with torch.no_grad():` return model(x).argmax(dim=1)."],
    solution_code=("def predict_classes(model, x):\n"
                   "    model.eval()\n"
                   "    with torch.no_grad():\n"
                   "        return model(x).argmax(dim=1)"),
    answer_name="predict_classes", setup=course_data,
    wrong_answers=[
        WrongAnswer("def predict_classes(model, x):\n    with torch.no_grad():\n"
                    "        return model(x).argmax(dim=1)", "values differ"),
        WrongAnswer("def predict_classes(model, x):\n    model.eval()\n    with torch.no_grad():\n"
                    "        return torch.softmax(model(x), dim=1)", "has shape (64, 3)"),
        WrongAnswer("def predict_classes(model, x):\n    model.eval()\n    return model(x).argmin(dim=1)",
                    "values differ")])


def reference_confusion(y_true: Tensor, y_pred: Tensor, num_classes: int) -> Tensor:
    matrix = torch.zeros(num_classes, num_classes, dtype=torch.long)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        matrix[t, p] += 1
    return matrix


def random_labels(generator: torch.Generator) -> tuple:
    n = int(torch.randint(5, 40, (1,), generator=generator))
    return torch.randint(0, 3, (n,), generator=generator), torch.randint(0, 3, (n,), generator=generator), 3


def grade_confusion(function: object) -> Result:
    if callable(function):
        y_true, y_pred, classes = torch.tensor([0, 0, 1, 2]), torch.tensor([1, 1, 1, 2]), 3
        got = function(y_true.clone(), y_pred.clone(), classes)
        if isinstance(got, Tensor) and torch.equal(got, reference_confusion(y_true, y_pred, classes).T):
            return incorrect("your matrix is transposed: rows should be the true class, columns the predicted class.")
    return compare_functions(function, reference_confusion, random_labels)


q2 = Exercise(
    id="ex.q2", notebook=NOTEBOOK, objective="evaluate",
    task="Write confusion_matrix(y_true, y_pred, num_classes): counts with true classes as rows.",
    grader=grade_confusion,
    hints=["Start from torch.zeros(num_classes, num_classes, dtype=torch.long) and add 1 per sequence.",
           "for t, p in zip(y_true.tolist(), y_pred.tolist()): matrix[t, p] += 1"],
    solution_code=("def confusion_matrix(y_true, y_pred, num_classes):\n"
                   "    matrix = torch.zeros(num_classes, num_classes, dtype=torch.long)\n"
                   "    for t, p in zip(y_true.tolist(), y_pred.tolist()):\n"
                   "        matrix[t, p] += 1\n"
                   "    return matrix"),
    answer_name="confusion_matrix", setup=course_data,
    wrong_answers=[
        WrongAnswer("def confusion_matrix(t, p, c):\n    m = torch.zeros(c, c, dtype=torch.long)\n"
                    "    for a, b in zip(t.tolist(), p.tolist()):\n        m[b, a] += 1\n    return m",
                    "transposed"),
        WrongAnswer("def confusion_matrix(t, p, c):\n    return torch.zeros(c, c, dtype=torch.long)",
                    "values differ"),
        WrongAnswer("def confusion_matrix(t, p, c):\n    return torch.zeros(c, c)", "dtype")])

EXERCISES = (q1, q2)
