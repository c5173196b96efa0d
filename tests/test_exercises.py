"""Every exercise: its solution passes, the untouched stub is 'not attempted', typical wrong answers
fail with the intended message. Plus the shape drill and workshop mode."""

import pytest
import torch

from rnn_lesson import exercise_sets
from rnn_lesson import progress_file as progress
from rnn_lesson.exercises import Exercise, compare_functions
from rnn_lesson.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED
from rnn_lesson.shape_drill import Config, ShapeDrill, explain, true_shapes

LESSONS = {name: getattr(exercise_sets, name) for name in dir(exercise_sets) if name.startswith("lesson")}
EXERCISES = [(lesson, key, ex) for lesson, space in LESSONS.items() for key, ex in vars(space).items()]

# Typical wrong answers, as code run in the exercise's setup namespace, and words the message must hold.
WRONG = {
    ("lesson01", "q1"): [("x_time_first = x.view(10, 1000, 5)", "scrambled"),
                         ("x_time_first = x", "shape (1000, 10, 5)"),
                         ("x_time_first = x.transpose(0, 1).numpy()", "should be a torch.Tensor")],
    ("lesson01", "q2"): [("one_batch = x[7]", "unbatched sequence"),
                         ("one_batch = x[7].unsqueeze(1)", "time first"),
                         ("one_batch = x[8].unsqueeze(0)", "values differ")],
    ("lesson01", "q3"): [("def to_batch_first(t):\n    return t.reshape(t.shape[1], t.shape[0], t.shape[2])",
                          "values differ"),
                         ("def to_batch_first(t):\n    return t", "has shape"),
                         ("def to_batch_first(t):\n    return t.permute(1, 0)", "raised RuntimeError"),
                         ("to_batch_first = 3", "expected a function")],
    ("lesson02", "q1"): [("def count_parameters(i, h):\n    return h * i + h * h + h", "expected"),
                         ("def count_parameters(i, h):\n    return h * i + h * h", "expected"),
                         ("def count_parameters(i, h):\n    return str(h)", "expected")],
    ("lesson02", "q2"): [("def rnn_cell(x, h, wi, wh, bi, bh):\n    return torch.tanh(x @ wi.T + h @ wh.T)",
                          "values differ"),
                         ("def rnn_cell(x, h, wi, wh, bi, bh):\n    return torch.tanh(wi @ x + wh @ h + bi + bh)",
                          "raised RuntimeError"),
                         ("def rnn_cell(x, h, wi, wh, bi, bh):\n    return torch.relu(x @ wi.T + bi + h @ wh.T + bh)",
                          "values differ")],
    ("lesson02", "q3"): [("h0 = torch.zeros(3, 4, 8)", "batch_first does not reorder h0"),
                         ("h0 = torch.zeros(2, 3, 8)", "layer *and* direction"),
                         ("h0 = torch.zeros(4, 3, 16)", "not D*H"),
                         ("h0 = torch.ones(4, 3, 8)", "values differ")],
    ("lesson03", "q1"): [("loss = loss_fn(torch.softmax(logits, dim=1), yb)", "softmax probabilities"),
                         ("loss = loss_fn(logits, yb) * 2", "values differ"),
                         ("loss = loss_fn(logits, yb).item() + 1", "should be a torch.Tensor")],
    ("lesson03", "q2"): [("def train_step(model, optimizer, loss_fn, xb, yb):\n"
                          "    loss = loss_fn(model(xb), yb)\n    loss.backward()\n    optimizer.step()\n"
                          "    return loss.item()", "zero_grad"),
                         ("def train_step(model, optimizer, loss_fn, xb, yb):\n    optimizer.zero_grad()\n"
                          "    loss = loss_fn(model(xb), yb)\n    loss.backward()\n    return loss.item()",
                          "optimizer.step()"),
                         ("def train_step(model, optimizer, loss_fn, xb, yb):\n    optimizer.zero_grad()\n"
                          "    loss = loss_fn(model(xb), yb.float())\n    loss.backward()\n    optimizer.step()\n"
                          "    return loss.item()", "raised")],
    ("lesson04", "q1"): [("def predict_classes(model, x):\n    with torch.no_grad():\n"
                          "        return model(x).argmax(dim=1)", "values differ"),
                         ("def predict_classes(model, x):\n    model.eval()\n    with torch.no_grad():\n"
                          "        return torch.softmax(model(x), dim=1)", "has shape (64, 3)"),
                         ("def predict_classes(model, x):\n    model.eval()\n    return model(x).argmin(dim=1)",
                          "values differ")],
    ("lesson04", "q2"): [("def confusion_matrix(t, p, c):\n    m = torch.zeros(c, c, dtype=torch.long)\n"
                          "    for a, b in zip(t.tolist(), p.tolist()):\n        m[b, a] += 1\n    return m",
                          "transposed"),
                         ("def confusion_matrix(t, p, c):\n    return torch.zeros(c, c, dtype=torch.long)",
                          "values differ"),
                         ("def confusion_matrix(t, p, c):\n    return torch.zeros(c, c)", "dtype")],
    ("lesson05", "q1"): [("from rnn_lesson.project import STARTING_CONFIG\nmy_config = dict(STARTING_CONFIG)",
                          "memorises"),
                         ('my_config = {"hidden_size": 4, "num_layers": 1, "lr": 0.02, "epochs": 40}',
                          "below the target"),
                         ('my_config = {"hidden_size": 32, "layers": 2}', "unknown setting"),
                         ("my_config = [32, 2, 0.5]", "expected a dict")],
    ("lesson05", "q2"): [("def summary(h_n):\n    return h_n[-1]", "has shape"),
                         ("def summary(h_n):\n    return torch.cat([h_n[0], h_n[1]], dim=1)", "values differ"),
                         ("def summary(h_n):\n    return torch.cat([h_n[-1], h_n[-2]], dim=1)", "values differ")],
    ("lesson05", "q3"): [("def carry(h):\n    return h", "still attached"),
                         ("def carry(h):\n    return torch.zeros_like(h).detach()", "values differ"),
                         ("def carry(h):\n    return h.clone()", "still attached")],
}


@pytest.fixture(autouse=True)
def fresh_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(progress.ENV_VAR, str(tmp_path / "progress.json"))
    monkeypatch.delenv("RNN_LESSON_WORKSHOP", raising=False)


def run(ex: Exercise, code: str):
    namespace = ex.setup()
    exec(code, namespace)
    return namespace[ex.answer_name]


@pytest.mark.parametrize("lesson,key,ex", EXERCISES, ids=[f"{l}.{k}" for l, k, _ in EXERCISES])
def test_solution_passes_its_own_check(lesson, key, ex):
    assert ex.check(run(ex, ex.solution_code)).status == CORRECT


@pytest.mark.parametrize("lesson,key,ex", EXERCISES, ids=[f"{l}.{k}" for l, k, _ in EXERCISES])
def test_untouched_stub_is_not_attempted(lesson, key, ex):
    for stub in (..., None):
        result = ex.check(stub)
        assert result.status == NOT_ATTEMPTED and "hint()" in result.message
    if ex.solution_code.startswith("def "):  # the notebook's stub is a function whose body is `...`
        stub_function = run(ex, ex.solution_code.split("\n")[0] + "\n    ...")
        assert ex.check(stub_function).status == NOT_ATTEMPTED


@pytest.mark.parametrize("lesson,key,ex", EXERCISES, ids=[f"{l}.{k}" for l, k, _ in EXERCISES])
def test_typical_wrong_answers_fail_with_the_intended_message(lesson, key, ex):
    cases = WRONG[(lesson, key)]
    assert len(cases) >= 2, "list typical wrong answers for every exercise"
    for code, words in cases:
        result = ex.check(run(ex, code))
        assert result.status == INCORRECT and words in result.message, (code, result.message)


@pytest.mark.parametrize("lesson,key,ex", EXERCISES, ids=[f"{l}.{k}" for l, k, _ in EXERCISES])
def test_hints_step_up_and_solution_shows_code(lesson, key, ex):
    ex.hints_shown = 0
    first, second = ex.hint().data, ex.hint().data
    assert first.startswith("**Hint 1 of") and second.startswith("**Hint 2 of") and first != second
    assert ex.solution_code.strip() in ex.solution().data


def test_workshop_mode_withholds_solutions(monkeypatch):
    monkeypatch.setenv("RNN_LESSON_WORKSHOP", "1")
    text = exercise_sets.lesson01.q1.solution().data
    assert "ask your instructor" in text and "transpose" not in text


def test_exercise_results_are_recorded():
    ex = exercise_sets.lesson01.q1
    ex.check(run(ex, "x_time_first = x"))
    assert progress.load_progress()["notebooks"]["01_input_shaping"]["exercises"] == {"ex.q1": False}
    ex.check(run(ex, ex.solution_code))
    ex.check(run(ex, "x_time_first = x"))
    assert progress.load_progress()["notebooks"]["01_input_shaping"]["exercises"] == {"ex.q1": True}


def test_compare_functions_reports_the_first_differing_input_with_both_results():
    message = compare_functions(lambda t: t * 2, lambda t: t * 3, lambda g: (torch.ones(2, 3),))
    assert "trial 1" in message and "(2, 3)" in message and "2.0000" in message and "3.0000" in message


# ---------- the shape drill ----------

def test_drill_accepts_the_true_shapes_and_counts_a_streak():
    drill = ShapeDrill(seed=0, target=3)
    for i in range(3):
        drill.new()
        shapes = true_shapes(drill.config)
        result = drill.check(output=str(shapes["output"]), h_n=shapes["h_n"], h0=list(shapes["h0"]))
        assert result.status == CORRECT and f"{i + 1} in a row" in result.message
    assert "Drill complete" in result.message


def test_drill_untouched_is_not_attempted_and_a_miss_resets_the_streak():
    drill = ShapeDrill(seed=1)
    assert drill.check().status == NOT_ATTEMPTED
    shapes = true_shapes(drill.config)
    drill.check(**{k: v for k, v in shapes.items()})
    assert drill.streak == 1
    assert drill.check(output=(1,), h_n=shapes["h_n"], h0=shapes["h0"]).status == INCORRECT
    assert drill.streak == 0


def test_drill_explains_the_classic_confusions():
    config = Config(input_size=5, hidden_size=8, num_layers=2, batch_first=True, bidirectional=True, batch=3, steps=7)
    shapes = true_shapes(config)
    assert shapes == {"output": (3, 7, 16), "h_n": (4, 3, 8), "h0": (4, 3, 8)}
    assert "batch_first does not reorder h_n" in explain("h_n", (3, 4, 8), shapes["h_n"], config)
    assert "layer *and direction*" in explain("h_n", (2, 3, 8), shapes["h_n"], config)
    assert "D*H = 16" in explain("output", (3, 7, 8), shapes["output"], config)
    assert "batch_first=True" in explain("output", (7, 3, 16), shapes["output"], config)
    unbatched = Config(5, 8, 1, True, False, None, 7)
    assert true_shapes(unbatched) == {"output": (7, 8), "h_n": (1, 8), "h0": (1, 8)}
    assert "no batch axis" in explain("output", (1, 7, 8), (7, 8), unbatched)


def test_drill_shows_a_configuration_to_predict():
    text = ShapeDrill(seed=2).show().data
    assert "nn.RNN(input_size=" in text and "torch.randn(" in text
