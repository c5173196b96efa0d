"""The slider explorer of lesson 04 responds to a slider move as a learner's drag would."""

import torch

from rnn_lesson import SequenceClassifier, fit, load_dataset, train_val_split
from rnn_lesson.explorer import SequenceExplorer, probability_bars


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
    text = probability_bars([0.5, 0.25, 0.25])
    assert "rising  0.50  ██████████" in text and "falling  0.25  █████" in text


def test_static_copy_for_readers_without_widgets():
    bundle = SequenceExplorer(SequenceClassifier())._repr_mimebundle_()
    assert "Interactive" in bundle["text/html"] and "<pre>" in bundle["text/html"]
