"""Shape a sequence with sliders and watch the classifier's probabilities change (lesson 04 § 5)."""

from __future__ import annotations

import html

import ipywidgets as widgets
import torch
from torch import nn

from rnn_lesson.data import CLASS_NAMES


def probability_bars(probabilities: list[float]) -> str:
    """Class probabilities as text bars, readable without colour: `rising  0.91 ██████████`."""
    rows = [f"{name:>15}  {p:.2f}  {'█' * round(p * 20)}" for name, p in zip(CLASS_NAMES, probabilities)]
    return "<pre>" + html.escape("\n".join(rows)) + "</pre>"


class SequenceExplorer(widgets.VBox):
    """One slider per time step sets the series value at that step (every feature gets it);
    the probabilities update on every move. model: a trained classifier for `(N, steps, features)`."""

    def __init__(self, model: nn.Module, steps: int = 10, features: int = 5):
        self.model, self.features = model, features
        start = torch.linspace(-1, 1, steps).tolist()  # a rising sequence to begin with
        self.sliders = [widgets.FloatSlider(value=round(v, 2), min=-1.5, max=1.5, step=0.05, orientation="vertical",
                                            description=f"t{t + 1}", readout_format=".2f",
                                            layout=widgets.Layout(width="60px"))
                        for t, v in enumerate(start)]
        self.output = widgets.HTML()
        for slider in self.sliders:
            slider.observe(self.update, names="value")
        super().__init__([widgets.HBox(self.sliders), self.output])
        self.update()

    def probabilities(self) -> list[float]:
        values = torch.tensor([s.value for s in self.sliders])              # (steps,)
        x = values[None, :, None].repeat(1, 1, self.features)               # (1, steps, features)
        self.model.eval()
        with torch.no_grad():
            return torch.softmax(self.model(x.to(next(self.model.parameters()).device)), dim=1)[0].tolist()

    def update(self, _change=None) -> None:
        self.output.value = probability_bars(self.probabilities())

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "SequenceExplorer (run the notebook to move the sliders)"
        bundle["text/html"] = ("<p><em>Interactive: run the notebook to shape a sequence with sliders. "
                               "For the starting rising sequence the model says:</em></p>"
                               + probability_bars(self.probabilities()))
        return bundle
