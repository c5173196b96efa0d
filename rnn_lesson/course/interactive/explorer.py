"""Shape a sequence with sliders and watch the classifier's probabilities change (lesson 04 § 5)."""

from __future__ import annotations

import html

import ipywidgets as widgets
import torch
from torch import nn

from rnn_lesson.course.interactive.slider import LabelledSlider
from rnn_lesson.data import CLASS_NAMES


def probability_bars(probabilities: list[float]) -> str:
    """Class probabilities as text bars, readable without colour: `rising  0.91 ██████████`.
    Screen readers read the names and numbers and skip the bars (they are `aria-hidden`)."""
    rows = [f"{html.escape(name):>15}  {p:.2f}  <span aria-hidden='true'>{'█' * round(p * 20)}</span>"
            for name, p in zip(CLASS_NAMES, probabilities)]
    return "<pre>" + "\n".join(rows) + "</pre>"


class SequenceExplorer(widgets.VBox):
    """One slider per time step sets the series value at that step (every feature gets it);
    the probabilities update on every move. model: a trained classifier for `(N, steps, features)`.
    Each slider is named for screen readers ("t3: value at time step 3") and moves with the arrow keys."""

    def __init__(self, model: nn.Module, steps: int = 10, features: int = 5):
        self.model, self.features = model, features
        start = torch.linspace(-1, 1, steps).tolist()  # a rising sequence to begin with
        self.sliders = [LabelledSlider(value=round(v, 2), min=-1.5, max=1.5, step=0.05, vertical=True,
                                       label=f"t{t + 1}", spoken_name=f"t{t + 1}: value at time step {t + 1}")
                        for t, v in enumerate(start)]
        self.output = widgets.HTML()  # role "status": screen readers read the new probabilities on each move
        self.output.add_class("rnn-explorer-probabilities")
        for slider in self.sliders:
            slider.observe(self.update, names="value")
        super().__init__([widgets.HBox(self.sliders, layout=widgets.Layout(flex_flow="row wrap")),
                          self.output])
        self.add_class("rnn-explorer")
        self.update()

    def values(self) -> list[float]:
        """The sequence the sliders set, one value per time step: `(steps,)`."""
        return [slider.value for slider in self.sliders]

    def probabilities(self) -> list[float]:
        values = torch.tensor(self.values())                                 # (steps,)
        x = values[None, :, None].repeat(1, 1, self.features)               # (1, steps, features)
        self.model.eval()
        with torch.no_grad():
            return torch.softmax(self.model(x.to(next(self.model.parameters()).device)), dim=1)[0].tolist()

    def update(self, _change=None) -> None:
        self.output.value = "<div role='status'>" + probability_bars(self.probabilities()) + "</div>"

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "SequenceExplorer (run the notebook to move the sliders)"
        bundle["text/html"] = ("<p><em>Interactive: run the notebook to shape a sequence with sliders. "
                               "For the starting rising sequence the model says:</em></p>"
                               + probability_bars(self.probabilities()))
        return bundle
