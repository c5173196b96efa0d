"""Lesson 04 · Prediction: the exercises, their references, and the answers they are tested on.

In the notebook: `from rnn_lesson.course.exercises import lesson04 as ex`, then `ex.q1.check(answer)`.
"""

from __future__ import annotations

import torch
from torch import Tensor

from rnn_lesson.checks import shape_str
from rnn_lesson.course.exercises.compare import KnownMistake, compare_functions
from rnn_lesson.course.exercises.framework import Exercise, WrongAnswer, course_data, probe
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


def eval_logits(model: torch.nn.Module, x: Tensor) -> Tensor:
    model.eval()
    with torch.no_grad():
        return model(x)


PREDICT_MISTAKES = [
    KnownMistake(lambda model, x: torch.softmax(eval_logits(model, x), dim=1),
                 "That is one probability per class; the task asks for one class index per sequence, (N,)."),
    KnownMistake(eval_logits, "That is the logits, one score per class; the task asks for one class index per "
                 "sequence, (N,)."),
    KnownMistake(lambda model, x: eval_logits(model, x).argmin(dim=1),
                 "That is the class with the smallest logit; the prediction is the class with the largest."),
    KnownMistake(lambda model, x: eval_logits(model, x).argmax(dim=0),
                 "That takes the largest along the batch axis (dim 0); the classes are on axis 1.")]


def grade_predict(function: object) -> Result:
    """Instrument one call (a forward pre-hook records the mode and gradient tracking), then compare results."""
    if callable(function):
        model, x = random_model_and_batch(torch.Generator().manual_seed(99))
        seen: list[tuple[bool, bool]] = []
        model.register_forward_pre_hook(lambda module, args: seen.append((module.training, torch.is_grad_enabled())))
        got = probe(function, model, x)
        if got is not None and any(training for training, _ in seen):
            return incorrect("your model was still in training mode when it predicted, so dropout switched off random "
                             "units and the same input can get a different class. Put it in evaluation mode with "
                             "eval() before predicting (§ 1).")
        if got is not None and any(grad for _, grad in seen):
            return incorrect("gradients were being tracked while your model predicted: that stores a graph for a "
                             "backward() that never comes. Turn gradient tracking off around the forward pass with "
                             "no_grad (§ 1).")
    return compare_functions(function, reference_predict, random_model_and_batch, mistakes=PREDICT_MISTAKES)


q1 = Exercise(
    id="ex.q1", notebook=NOTEBOOK, objective="evalmode",
    task="Write predict_classes(model, x): the predicted class index (N,) for a batch x (N, L, 5).",
    grader=grade_predict,
    hints=["Prediction needs three things: the model in evaluation mode, no gradient tracking, and the index of "
           "the largest logit for each sequence.",
           "§ 1 *`eval()` and `no_grad()`* says what each switch does; § 2 *From logits to a class* turns logits "
           "into a class.",
           "Switch the model to evaluation mode, then, inside a block with gradient tracking off, run it on x and "
           "take argmax over the class axis (dim 1) of its logits."],
    solution_code=("def predict_classes(model, x):\n"
                   "    model.eval()\n"
                   "    with torch.no_grad():\n"
                   "        return model(x).argmax(dim=1)"),
    answer_name="predict_classes", setup=course_data,
    right_answers=[
        "def predict_classes(model, x):\n    model.eval()\n    with torch.inference_mode():\n"
        "        return model(x).argmax(1)",
        "@torch.no_grad()\ndef predict_classes(model, x):\n    model.train(False)\n"
        "    return torch.argmax(torch.softmax(model(x), dim=1), dim=1)",
        "def predict_classes(model, x):\n    was_training = model.training\n    model.eval()\n"
        "    with torch.set_grad_enabled(False):\n        classes = model(x).argmax(dim=-1)\n"
        "    model.train(was_training)\n    return classes"],
    wrong_answers=[
        WrongAnswer("def predict_classes(model, x):\n    with torch.no_grad():\n"
                    "        return model(x).argmax(dim=1)", ("eval()", "dropout")),
        WrongAnswer("def predict_classes(model, x):\n    model.eval()\n    return model(x).argmax(dim=1)",
                    ("gradient tracking", "no_grad")),
        WrongAnswer("def predict_classes(model, x):\n    model.eval()\n    with torch.no_grad():\n"
                    "        return torch.softmax(model(x), dim=1)", ("one probability per class", "(64, 3)")),
        WrongAnswer("def predict_classes(model, x):\n    model.eval()\n    with torch.no_grad():\n"
                    "        return model(x)", "the logits"),
        WrongAnswer("def predict_classes(model, x):\n    model.eval()\n    with torch.no_grad():\n"
                    "        return model(x).argmin(dim=1)", "smallest logit"),
        WrongAnswer("def predict_classes(model, x):\n    model.eval()\n    with torch.no_grad():\n"
                    "        return model(x).argmax(dim=0)", "axis 1")])


def reference_confusion(y_true: Tensor, y_pred: Tensor, num_classes: int) -> Tensor:
    matrix = torch.zeros(num_classes, num_classes, dtype=torch.long)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        matrix[t, p] += 1
    return matrix


def random_labels(generator: torch.Generator) -> tuple[Tensor, Tensor, int]:
    """Between 2 and 6 classes, and 5 to 39 true and predicted labels."""
    classes = int(torch.randint(2, 7, (1,), generator=generator))
    n = int(torch.randint(5, 40, (1,), generator=generator))
    return (torch.randint(0, classes, (n,), generator=generator), torch.randint(0, classes, (n,), generator=generator),
            classes)


CONFUSION_MISTAKES = [
    KnownMistake(lambda t, p, c: reference_confusion(t, p, c).T,
                 "Your matrix is transposed: rows should be the true class, columns the predicted class."),
    KnownMistake(lambda t, p, c: (reference_confusion(t, p, c) > 0).long(),
                 "Each cell holds at most 1, but a (true, predicted) pair that occurs several times must add 1 each "
                 "time: indexing with whole tensors, m[y_true, y_pred] += 1, adds 1 only once per cell."),
    KnownMistake(lambda t, p, c: torch.zeros(c, c, dtype=torch.long),
                 "Your matrix counts no sequences at all: every sequence adds 1 to one cell.")]


def grade_confusion(function: object) -> Result:
    """Probe with labels 0-2 out of 5 classes (a hard-coded size shows), then compare on random class counts."""
    if callable(function):
        got = probe(function, torch.tensor([0, 0, 1, 2]), torch.tensor([1, 1, 1, 2]), 5)
        if isinstance(got, Tensor) and got.shape != (5, 5) and got.dim() == 2:
            return incorrect(f"with num_classes=5 your matrix is {shape_str(got.shape)}; it needs one row and one "
                             "column per class, so its size follows num_classes (which changes from task to task).")
        if isinstance(got, Tensor) and got.is_floating_point():
            return incorrect(f"your matrix has dtype {got.dtype}, but counts are whole numbers: the task asks for "
                             "dtype torch.long (int64).")
    return compare_functions(function, reference_confusion, random_labels, mistakes=CONFUSION_MISTAKES)


q2 = Exercise(
    id="ex.q2", notebook=NOTEBOOK, objective="evaluate",
    task="Write confusion_matrix(y_true, y_pred, num_classes): counts with true classes as rows.",
    grader=grade_confusion,
    hints=["Each sequence adds 1 to one cell: the row of its true class and the column of its predicted class. "
           "The matrix is num_classes by num_classes, whatever that number is.",
           "§ 4 *How good is it?* shows the matrix for the validation set and reads it row by row.",
           "Start from a num_classes × num_classes tensor of zeros with dtype torch.long; then, for each pair of "
           "true and predicted labels (zip the two as Python lists), add 1 at [true, predicted]."],
    solution_code=("def confusion_matrix(y_true, y_pred, num_classes):\n"
                   "    matrix = torch.zeros(num_classes, num_classes, dtype=torch.long)\n"
                   "    for t, p in zip(y_true.tolist(), y_pred.tolist()):\n"
                   "        matrix[t, p] += 1\n"
                   "    return matrix"),
    answer_name="confusion_matrix", setup=course_data,
    right_answers=[
        "def confusion_matrix(t, p, c):\n    return torch.bincount(t * c + p, minlength=c * c).reshape(c, c)",
        "def confusion_matrix(t, p, c):\n    m = torch.zeros(c, c, dtype=torch.long)\n"
        "    return m.index_put_((t, p), torch.ones_like(t), accumulate=True)",
        "def confusion_matrix(t, p, c):\n    return torch.tensor([[int(((t == i) & (p == j)).sum()) for j in range(c)]"
        " for i in range(c)])",
        "def confusion_matrix(t, p, c):\n    t.mul_(c).add_(p)  # changes y_true in place: right, with a note\n"
        "    return torch.bincount(t, minlength=c * c).reshape(c, c)"],
    wrong_answers=[
        WrongAnswer("def confusion_matrix(t, p, c):\n    m = torch.zeros(c, c, dtype=torch.long)\n"
                    "    for a, b in zip(t.tolist(), p.tolist()):\n        m[b, a] += 1\n    return m", "transposed"),
        WrongAnswer("def confusion_matrix(t, p, c):\n    m = torch.zeros(3, 3, dtype=torch.long)\n"
                    "    for a, b in zip(t.tolist(), p.tolist()):\n        m[a, b] += 1\n    return m",
                    ("num_classes=5", "(3, 3)")),
        WrongAnswer("def confusion_matrix(t, p, c):\n    m = torch.zeros(c, c)\n"
                    "    for a, b in zip(t.tolist(), p.tolist()):\n        m[a, b] += 1\n    return m", "torch.long"),
        WrongAnswer("def confusion_matrix(t, p, c):\n    m = torch.zeros(c, c, dtype=torch.long)\n"
                    "    m[t, p] += 1\n    return m", "at most 1"),
        WrongAnswer("def confusion_matrix(t, p, c):\n    return torch.zeros(c, c, dtype=torch.long)", "no sequences")])

EXERCISES = (q1, q2)
