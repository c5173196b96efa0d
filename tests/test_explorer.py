"""Lesson 04's explorer and its sliders, from Python: names for screen readers, values kept in range,
and probabilities that follow the sliders. (tests/test_jupyterlab.py moves them in a browser.)"""

import pytest
import torch
from torch import nn

from rnn_lesson import CLASS_NAMES, SequenceClassifier
from rnn_lesson.course.interactive.explorer import SequenceExplorer, probability_bars
from rnn_lesson.course.interactive.slider import LabelledSlider


class LastStepModel(nn.Module):
    """A stand-in classifier whose logits are the last step's value times (1, -1, 0): easy to predict."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.tensor([1.0, -1.0, 0.0]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:   # (N, L, F) -> (N, 3)
        return x[:, -1, :1] * self.scale


def test_every_slider_is_named_for_its_time_step():
    explorer = SequenceExplorer(SequenceClassifier(), steps=4)
    assert [s.label for s in explorer.sliders] == ["t1", "t2", "t3", "t4"]
    assert explorer.sliders[2].spoken_name == "t3: value at time step 3"
    assert all(s.label in s.spoken_name for s in explorer.sliders), "the spoken name contains the visible label"
    assert explorer.values() == pytest.approx([-1.0, -0.33, 0.33, 1.0], abs=0.01)  # a rising start


def test_the_probabilities_follow_a_slider_moved_from_python():
    explorer = SequenceExplorer(LastStepModel(), steps=3, features=2)
    explorer.sliders[-1].value = 1.5
    high = torch.softmax(torch.tensor([1.5, -1.5, 0.0]), dim=0).tolist()
    assert explorer.probabilities() == pytest.approx(high)
    assert f"{high[0]:.2f}" in explorer.output.value and "role='status'" in explorer.output.value
    explorer.sliders[-1].value = -0.5
    assert explorer.probabilities() == pytest.approx(torch.softmax(torch.tensor([-0.5, 0.5, 0.0]), dim=0).tolist())


def test_a_slider_keeps_its_value_within_its_range():
    slider = LabelledSlider(value=5, min=-1.5, max=1.5, step=0.05, label="t1")
    assert slider.value == 1.5
    slider.value = -9
    assert slider.value == -1.5
    stepper = LabelledSlider(min=1, max=10, step=1, value=3, label="time step")
    assert stepper.value == 3.0
    assert repr(stepper) == "LabelledSlider(value=3.0, label='time step')"  # stored outputs show no address


def test_the_static_copy_shows_the_starting_probabilities():
    explorer = SequenceExplorer(LastStepModel(), steps=3, features=2)
    bundle = explorer._repr_mimebundle_()
    assert probability_bars(explorer.probabilities()) in bundle["text/html"]
    assert "run the notebook" in bundle["text/plain"]


# ---------- any number of classes, named by the learner ----------

@pytest.mark.parametrize("classes", [2, 3, 4, 5])
def test_one_row_per_class_of_the_model(classes):
    torch.manual_seed(0)
    model = SequenceClassifier(num_classes=classes)
    explorer = SequenceExplorer(model)
    probabilities = explorer.probabilities()
    assert len(probabilities) == model.head.out_features == classes and sum(probabilities) == pytest.approx(1)
    rows = explorer.output.value.split("<pre>")[1].split("</pre>")[0].split("\n")
    assert [row.split()[:2] for row in rows] == [["class", str(i)] for i in range(classes)]
    assert [row.split()[2] for row in rows] == [f"{p:.2f}" for p in probabilities]


def test_rows_take_your_class_names_and_line_up_on_the_longest():
    names = ["walking", "resting", "running", "playing badminton"]
    explorer = SequenceExplorer(SequenceClassifier(num_classes=4), class_names=names)
    rows = explorer.output.value.split("<pre>")[1].split("</pre>")[0].split("\n")
    assert [row.strip().split("  ")[0] for row in rows] == names
    assert len({row.index("  0.") for row in rows}) == 1, "the numbers line up in one column"


def test_the_course_passes_its_names_and_the_rows_read_as_before():
    text = probability_bars([0.5, 0.25, 0.25], CLASS_NAMES)
    assert "         rising  0.50  <span aria-hidden='true'>██████████</span>" in text
    assert " rise-then-fall  0.25" in text


def test_the_explorer_gives_each_feature_of_the_model_the_slider_value():
    torch.manual_seed(0)
    model = SequenceClassifier(input_size=12, num_classes=9).double()   # Japanese Vowels' shape, in float64
    explorer = SequenceExplorer(model, steps=7)
    assert explorer.features == 12 and len(explorer.probabilities()) == 9
    x = torch.tensor(explorer.values(), dtype=torch.float64)[None, :, None].repeat(1, 1, 12)
    assert explorer.probabilities() == pytest.approx(torch.softmax(model(x), dim=1)[0].tolist())
