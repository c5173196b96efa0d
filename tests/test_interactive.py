"""The shape drill (lesson 02) and the slider explorer (lesson 04), driven as a learner would."""

import numpy as np
import pytest
import torch

from rnn_lesson import CLASS_NAMES, SequenceClassifier, fit, load_dataset, train_val_split
from rnn_lesson.course import progress_store
from rnn_lesson.course.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED
from rnn_lesson.course.interactive import SequenceExplorer, ShapeDrill
from rnn_lesson.course.interactive.explorer import probability_bars
from rnn_lesson.course.interactive.shape_drill import Config, explain, grade_shapes, true_shapes


@pytest.fixture(autouse=True)
def fresh_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(progress_store.ENV_VAR, str(tmp_path / "progress.json"))


# ---------- the shape drill ----------

def test_drill_accepts_the_true_shapes_and_counts_a_streak():
    drill = ShapeDrill(seed=0, target=3)
    for i in range(3):
        drill.new()
        shapes = true_shapes(drill.config)
        result = drill.check(output=str(shapes["output"]), h_n=shapes["h_n"], h0=list(shapes["h0"]))
        assert result.status == CORRECT and f"{i + 1} in a row" in result.message
    assert "Drill complete" in result.message
    recorded = progress_store.load_progress()["notebooks"]["02_the_rnn_layer"]["exercises"]
    assert recorded == {"shape_drill": True}


def test_drill_untouched_is_not_attempted_and_a_miss_resets_the_streak():
    drill = ShapeDrill(seed=1)
    assert drill.check().status == NOT_ATTEMPTED
    shapes = true_shapes(drill.config)
    drill.check(**shapes)
    assert drill.streak == 1
    assert drill.check(output=(1,), h_n=shapes["h_n"], h0=shapes["h0"]).status == INCORRECT
    assert drill.streak == 0


def test_grading_the_drill_is_pure():
    config = Config(5, 8, 1, True, False, 3, 7)
    result = grade_shapes(config, {"output": (3, 7, 8), "h_n": (1, 3, 8), "h0": None})
    assert result.status == INCORRECT and "h0: expected a shape, got nothing" in result.message
    assert progress_store.load_progress()["notebooks"] == {}


def test_a_wrong_shape_is_explained_without_the_right_one():
    config = Config(5, 8, 1, True, False, 3, 7)
    result = grade_shapes(config, {"output": (1, 2, 3), "h_n": (4, 5, 6), "h0": (4, 5, 6)})
    assert result.status == INCORRECT and "(3, 7, 8)" not in result.message and "(1, 3, 8)" not in result.message
    assert "not (1, 2, 3)" in result.message and "(num_layers*D, N, H)" in result.message


def test_drill_reads_numpy_sizes_and_a_torch_size():
    config = Config(5, 8, 1, True, False, 3, 7)
    shapes = true_shapes(config)
    answers = {"output": list(np.array(shapes["output"])), "h_n": tuple(np.int64(v) for v in shapes["h_n"]),
               "h0": torch.Size(shapes["h0"])}
    assert grade_shapes(config, answers).status == CORRECT


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
    drill = ShapeDrill(seed=2)
    text = drill.show().data
    assert drill.config.code() in text and "h0" in text


# ---------- the slider explorer ----------

def test_moving_sliders_changes_the_probabilities():
    torch.manual_seed(0)
    model = SequenceClassifier()
    fit(model, *train_val_split(*load_dataset()), progress=False)
    explorer = SequenceExplorer(model)
    rising = explorer.probabilities()
    assert max(rising) == rising[0], "a rising sequence should be read as rising"
    before = explorer.output.value
    for slider, value in zip(explorer.sliders, torch.linspace(1, -1, 10).tolist()):
        slider.value = round(value, 2)  # drag into a falling sequence
    falling = explorer.probabilities()
    assert explorer.output.value != before and max(falling) == falling[1]
    assert abs(sum(falling) - 1) < 1e-5


def test_probability_bars_are_text_not_colour():
    text = probability_bars([0.5, 0.25, 0.25], CLASS_NAMES)
    assert "rising  0.50  <span aria-hidden='true'>██████████</span>" in text  # bars: not read aloud
    assert "falling  0.25  <span aria-hidden='true'>█████</span>" in text


def test_static_copy_for_readers_without_widgets():
    bundle = SequenceExplorer(SequenceClassifier())._repr_mimebundle_()
    assert "Interactive" in bundle["text/html"] and "<pre>" in bundle["text/html"]


def test_a_slider_with_its_picture_leaves_readers_of_the_stored_notebook_the_picture():
    import ipywidgets as widgets

    from rnn_lesson.course.interactive import LabelledSlider, SliderWithPicture

    slider = LabelledSlider(value=1, min=1, max=10, step=1, label="time step")
    picture = widgets.HTML('<img alt="states up to step 1" src="data:image/png;base64,AA">')
    slider.observe(lambda change: setattr(picture, "value", f'<img alt="states up to step {change["new"]:g}">'),
                   names="value")
    shown = SliderWithPicture(slider, picture)
    bundle = shown._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # JupyterLab still shows the live widgets
    assert "At time step 1:" in bundle["text/html"] and 'alt="states up to step 1"' in bundle["text/html"]
    assert "children=" not in bundle["text/plain"]
    slider.value = 4
    assert 'alt="states up to step 4"' in shown._repr_mimebundle_()["text/html"]
