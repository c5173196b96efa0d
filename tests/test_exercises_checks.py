"""What a check must see, measured on the cases issue 9 found: the reference runs on its own copies,
learner code runs under a time limit, the checks detect what the task demands, and messages name
the idea that is wrong, with values shown as values."""

import threading
import time

import pytest
import torch

from rnn_lesson.course import progress_store
from rnn_lesson.course.exercises import LESSON_MODULES, framework, lesson02, lesson03, lesson04
from rnn_lesson.course.exercises.compare import compare_functions, describe
from rnn_lesson.course.exercises.framework import TooSlow, time_limit
from rnn_lesson.course.feedback import CORRECT, INCORRECT

FUNCTION_EXERCISES = [ex for module in LESSON_MODULES for ex in module.EXERCISES if ex.solution_code.startswith("def ")]


@pytest.fixture(autouse=True)
def fresh_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(progress_store.ENV_VAR, str(tmp_path / "progress.json"))


def never_returns(*args):
    while True:
        pass


def test_time_limit_stops_a_loop_that_never_ends():
    started = time.monotonic()
    with pytest.raises(TooSlow, match="more than 0.5 seconds without returning"):
        with time_limit(0.5):
            never_returns()
    assert time.monotonic() - started < 3
    result = compare_functions(never_returns, abs, lambda g: (torch.ones(2),), seconds=0.5)
    assert result.status == INCORRECT and "ran for more than 0.5 seconds without returning" in result.message


def test_time_limit_leaves_code_off_the_main_thread_alone():
    outcome = []

    def slow_but_finite():
        with time_limit(0.05):
            time.sleep(0.2)
        outcome.append("returned")

    thread = threading.Thread(target=slow_but_finite)
    thread.start()
    thread.join()
    assert outcome == ["returned"]


@pytest.mark.parametrize("ex", FUNCTION_EXERCISES, ids=lambda ex: f"{ex.notebook[:2]}.{ex.id}")
def test_every_function_exercise_stops_a_function_that_never_returns(ex, monkeypatch):
    monkeypatch.setattr(framework, "TIME_LIMIT_S", 0.5)
    result = ex.grade(never_returns)
    assert result.status == INCORRECT and "without returning" in result.message, result


def test_the_reference_gets_its_own_copy_so_zeroing_the_inputs_cannot_pass():
    zeroes = lesson02.q2.answer_of("def rnn_cell(x, h, wi, wh, bi, bh):\n    x.zero_()\n    h.zero_()\n"
                                   "    return torch.tanh(x @ wi.T + bi + h @ wh.T + bh)")
    result = lesson02.q2.grade(zeroes)
    assert result.status == INCORRECT and "changed x_t and h_prev in place" in result.message


def test_a_right_function_that_changes_its_inputs_is_judged_by_its_result_and_told():
    in_place = lesson02.q2.right_answers[-1]
    assert "copy_" in in_place
    result = lesson02.q2.grade(lesson02.q2.answer_of(in_place))
    assert result.status == CORRECT and "changed h_prev in place" in result.message


def test_inputs_are_described_as_values_shapes_and_class_names():
    assert describe("hidden_size", 5) == "hidden_size=5"
    assert describe("x", torch.zeros(64, 10, 5)) == "x of shape (64, 10, 5)"
    assert describe("model", torch.nn.Linear(2, 3)) == "model: a Linear"
    result = compare_functions(lambda model, n: n + 1, lambda model, n: n, lambda g: (torch.nn.Linear(2, 3), 16))
    assert "with model: a Linear, n=16: the result is 17; expected 16." in result.message


def grade(ex, code):
    return ex.grade(ex.answer_of(code))


MEASURED = [  # (exercise, learner code, words the message must contain, words it must not contain)
    (lesson03.q2, "def train_step(model, optimizer, loss_fn, xb, yb):\n    optimizer.zero_grad()\n"
     "    loss = loss_fn(model(xb), yb)\n    loss.backward()\n    optimizer.step()\n    return loss",
     ["plain Python number"], ["loss.item()", "return loss"]),
    (lesson03.q2, "def train_step(model, optimizer, loss_fn, xb, yb):\n    optimizer.zero_grad()\n"
     "    loss = loss_fn(torch.softmax(model(xb), dim=1), yb)\n    loss.backward()\n    optimizer.step()\n"
     "    return loss.item()", ["softmax before the loss", "log-softmax"], ["then optimizer.step()"]),
    (lesson04.q1, "def predict_classes(model, x):\n    model.eval()\n    return model(x).argmax(dim=1)",
     ["gradient tracking"], ["torch.no_grad()"]),
    (lesson04.q1, "def predict_classes(model, x):\n    with torch.no_grad():\n        return model(x).argmax(dim=1)",
     ["eval()", "dropout"], ["SequenceClassifier(", "inputs with shapes", "model.eval()"]),
    (lesson04.q2, "def confusion_matrix(t, p, c):\n    m = torch.zeros(3, 3, dtype=torch.long)\n"
     "    for a, b in zip(t.tolist(), p.tolist()):\n        m[a, b] += 1\n    return m", ["num_classes"], []),
    (lesson02.q3, "h0 = torch.zeros(4, 3, 8, dtype=torch.float64)", ["torch.float64", "float32"], ["(4, 3, 8)"]),
    (lesson02.q1, "def count_parameters(i, h):\n    return h * i + h * h", ["biases", "input_size=", "hidden_size="],
     ["shapes"]),
]


@pytest.mark.parametrize("ex,code,says,never", MEASURED, ids=[f"{ex.notebook[:2]}.{ex.id}.{i}"
                                                              for i, (ex, *_) in enumerate(MEASURED)])
def test_the_measured_wrong_answers_are_rejected_naming_the_idea(ex, code, says, never):
    result = grade(ex, code)
    assert result.status == INCORRECT, result
    assert all(word in result.message for word in says), result.message
    assert not any(word in result.message for word in never), result.message


def test_count_parameters_without_biases_shows_the_numbers_as_numbers():
    message = grade(lesson02.q1, "def count_parameters(i, h):\n    return h * i + h * h").message
    i, h = (int(v) for v in torch.randint(1, 20, (2,), generator=torch.Generator().manual_seed(1)))
    assert f"with input_size={i}, hidden_size={h}: the result is {h * i + h * h}; expected {h * i + h * h + 2 * h}." \
        in message


def test_the_confusion_matrix_trials_use_several_class_counts():
    counts = {lesson04.random_labels(torch.Generator().manual_seed(trial))[2] for trial in range(1, 6)}
    assert len(counts) >= 2 and counts <= set(range(2, 7))


def test_the_prediction_check_sees_gradients_through_a_forward_pre_hook():
    """A function that predicts right but with gradients on: its results equal the reference's."""
    no_grad_missing = lesson04.q1.answer_of("def predict_classes(model, x):\n    model.eval()\n"
                                            "    return model(x).argmax(dim=1)")
    model, x = lesson04.random_model_and_batch(torch.Generator().manual_seed(3))
    assert torch.equal(no_grad_missing(model, x), lesson04.reference_predict(model, x))
    assert lesson04.q1.grade(no_grad_missing).status == INCORRECT


def test_no_h0_message_gives_away_its_shape():
    for wrong in lesson02.q3.wrong_answers:
        message = grade(lesson02.q3, wrong.code).message
        assert "(4, 3, 8)" not in message and "= 4" not in message, message
