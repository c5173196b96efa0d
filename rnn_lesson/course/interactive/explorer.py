"""Shape a sequence with sliders and watch the classifier's probabilities change (lesson 04 § 5).
One row per class of the model (`model.head.out_features`), named by `class_names` or "class 0", "class 1", ..."""

from __future__ import annotations

import html

import ipywidgets as widgets
import torch
from torch import nn

from rnn_lesson.checks import shape_str
from rnn_lesson.course.interactive.slider import LabelledSlider
from rnn_lesson.plots import class_names_for


def probability_bars(probabilities: list[float], class_names: list[str] | None = None) -> str:
    """Class probabilities as text bars, readable without colour: `rising  0.91 ██████████`, one row
    per class, named by `class_names` (default "class 0", "class 1", ...), right-aligned to the longest name.
    Screen readers read the names and numbers and skip the bars (they are `aria-hidden`)."""
    names = class_names_for(len(probabilities), class_names, f"one per probability ({len(probabilities)})",
                            exact=True)
    width = 1 + max(len(name) for name in names)
    rows = [f"{html.escape(f'{name:>{width}}')}  {p:.2f}  <span aria-hidden='true'>{'█' * round(p * 20)}</span>"
            for name, p in zip(names, probabilities)]
    return "<pre>" + "\n".join(rows) + "</pre>"


class SequenceExplorer(widgets.VBox):
    """One slider per time step sets the series value at that step (every feature gets it);
    the probabilities update on every move. model: a trained classifier for `(N, steps, features)`
    (features: default the model's `rnn.input_size`); one row per class it scores (`model.head.out_features`),
    named by `class_names` (the course passes CLASS_NAMES) or "class 0", "class 1", ...
    Each slider is named for screen readers ("t3: value at time step 3") and moves with the arrow keys."""

    def __init__(self, model: nn.Module, steps: int = 10, features: int | None = None,
                 class_names: list[str] | None = None):
        self.model = model
        self.features = features or getattr(getattr(model, "rnn", None), "input_size", 5)
        start = torch.linspace(-1, 1, steps).tolist()  # a rising sequence to begin with
        self.sliders = [LabelledSlider(value=round(v, 2), min=-1.5, max=1.5, step=0.05, vertical=True,
                                       label=f"t{t + 1}", spoken_name=f"t{t + 1}: value at time step {t + 1}")
                        for t, v in enumerate(start)]
        logits, task = self.logits(), getattr(model, "task", "classify")
        if task != "classify" or logits.dim() != 2 or logits.shape[1] < 2:
            raise TypeError(f"model: expected a classifier with one prediction per sequence, logits (1, C) with "
                            f"C >= 2, got task {task!r} with output {shape_str(logits.shape)}; the explorer shows "
                            "class probabilities: pass a trained SequenceClassifier.")
        classes = logits.shape[1]
        self.class_names = class_names_for(classes, class_names, f"one per class of the model ({classes})", exact=True)
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

    def logits(self) -> torch.Tensor:
        """The model's output for the sequence the sliders set: `(1, C)`, in eval mode, without gradients."""
        values = torch.tensor(self.values())                                 # (steps,)
        x = values[None, :, None].repeat(1, 1, self.features)               # (1, steps, features)
        self.model.eval()
        with torch.no_grad():
            return self.model(x.to(next(self.model.parameters())))          # the weights' dtype and device

    def probabilities(self) -> list[float]:
        """Softmax of the logits: one probability per class, `(C,)`, summing to 1."""
        return torch.softmax(self.logits(), dim=1)[0].tolist()

    def update(self, _change=None) -> None:
        bars = probability_bars(self.probabilities(), self.class_names)
        self.output.value = "<div role='status'>" + bars + "</div>"

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "SequenceExplorer (run the notebook to move the sliders)"
        bundle["text/html"] = ("<p><em>Interactive: run the notebook to shape a sequence with sliders. "
                               "For the starting rising sequence the model says:</em></p>"
                               + probability_bars(self.probabilities(), self.class_names))
        return bundle
