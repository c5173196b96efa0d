"""The horizon slider (lesson 06 § 7): move how far ahead the forecasts reach and watch what it costs.

Forecasts were made from many starting years; forecast step k of each is the value k steps after
it started. The slider picks k; the figure shows, for every forecast year, the truth and each
method's forecast made k steps earlier, and a table gives each method's mean absolute error at k.
`horizon_view` computes all of that (the tests call it); `HorizonSlider` only draws it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
import torch
from torch import Tensor

from rnn_lesson.checks import shape_str
from rnn_lesson.course.interactive.slider import LabelledSlider
from rnn_lesson.plots import DescribedFigure, figure_html

STYLES = ("-o", "--s", ":^", "-.v", "-x", "--d")  # marker and dash tell the lines apart without colour


@dataclass
class HorizonView:
    """What the slider shows at `k` steps ahead: the forecast times, the truth, each method's forecasts
    made k steps earlier (one value per time), and each method's mean absolute error at k."""

    k: int
    times: list[int]
    truth: list[float]
    forecasts: dict[str, list[float]]
    errors: dict[str, float]
    unit: str

    def alt(self) -> str:
        """The figure in words, for a screen reader."""
        errors = "; ".join(f"{name} {error:.1f}" for name, error in self.errors.items())
        return (f"Line chart of the true values from {self.unit} {self.times[0]} to {self.times[-1]} and of the "
                f"forecasts made {self.k} {self.unit}(s) ahead by {len(self.forecasts)} methods. Mean absolute error "
                f"at {self.k} {self.unit}(s) ahead: {errors}; smallest: {min(self.errors, key=self.errors.get)}.")


def described(value: object) -> str:
    """A tensor by its shape, anything else by its type, for messages."""
    return shape_str(value.shape) if isinstance(value, Tensor) else f"a {type(value).__name__}"


def drop_feature_axis(value: object, name: str) -> str:
    """The fix for values that are not (N, K): drop a feature axis of size 1 where there is one."""
    if isinstance(value, Tensor) and value.dim() == 3 and value.shape[2] == 1:
        return f"drop the feature axis of size 1: {name}[..., 0]"
    return "pass one row per forecast and one column per step"


def check_horizon_inputs(first_times: object, truth: object, forecasts: object) -> int:
    """Check first_times `(N,)`, truth `(N, K)` and each forecast `(N, K)`; return K, the longest horizon."""
    if not isinstance(truth, Tensor) or truth.dim() != 2:
        raise ValueError(f"truth: expected the true values at each step of each forecast, (N, K), got "
                         f"{described(truth)}; {drop_feature_axis(truth, 'truth')}.")
    if not isinstance(first_times, Tensor) or tuple(first_times.shape) != (truth.shape[0],):
        raise ValueError(f"first_times: expected the time of each forecast's first step, ({truth.shape[0]},) for "
                         f"truth {shape_str(truth.shape)}, got {described(first_times)}; pass one time per forecast.")
    if not isinstance(forecasts, dict) or not forecasts:
        raise TypeError(f"forecasts: expected a dict of each method's forecasts by name, got {described(forecasts)}; "
                        "name them, e.g. forecasts={'fed back': fed_back}.")
    for name, values in forecasts.items():
        if not isinstance(values, Tensor) or values.shape != truth.shape:
            fix = drop_feature_axis(values, f"forecasts[{name!r}]")
            raise ValueError(f"forecasts[{name!r}]: expected the shape of truth, {shape_str(truth.shape)}, got "
                             f"{described(values)}; {fix}.")
    return truth.shape[1]


def horizon_view(first_times: Tensor, truth: Tensor, forecasts: dict[str, Tensor], k: int,
                 unit: str = "year") -> HorizonView:
    """The view at k steps ahead. first_times `(N,)`: when each forecast's first step falls; truth `(N, K)`;
    forecasts: name -> `(N, K)`; k from 1 to K. Step k of forecast i is for time first_times[i] + k - 1."""
    horizon = check_horizon_inputs(first_times, truth, forecasts)
    if not (isinstance(k, int) and 1 <= k <= horizon):
        raise ValueError(f"k: expected a whole number of steps ahead from 1 to {horizon}, got {k!r}; "
                         f"use k={horizon if isinstance(k, (int, float)) and k > horizon else 1}.")
    at_k = {name: values[:, k - 1].detach().double() for name, values in forecasts.items()}  # each (N,)
    true = truth[:, k - 1].detach().double()
    return HorizonView(k, (first_times + k - 1).tolist(), true.tolist(),
                       {name: values.tolist() for name, values in at_k.items()},
                       {name: float((values - true).abs().mean()) for name, values in at_k.items()}, unit)


def horizon_figure(view: HorizonView) -> DescribedFigure:
    """The truth and each method's forecasts made `view.k` steps earlier, over the forecast times."""
    fig, ax = plt.subplots(figsize=(11, 3.5), FigureClass=DescribedFigure)
    ax.plot(view.times, view.truth, color="black", linewidth=2, label="truth")
    for i, (name, values) in enumerate(view.forecasts.items()):
        ax.plot(view.times, values, STYLES[i % len(STYLES)], markersize=3, label=f"{name} ({view.errors[name]:.1f})")
    ax.set(xlabel=view.unit, title=f"forecasts made {view.k} {view.unit}(s) ahead (mean absolute error)")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))  # beside the lines, not over them
    fig.tight_layout()
    fig.alt = view.alt()
    return fig


def error_table(view: HorizonView) -> str:
    """Each method's mean absolute error at k, as an HTML table (read out by screen readers on every move)."""
    rows = "".join(f"<tr><td>{html.escape(name)}</td><td>{error:.1f}</td></tr>" for name, error in view.errors.items())
    return (f"<table><caption>Mean absolute error, forecasts made {view.k} {html.escape(view.unit)}(s) ahead"
            f"</caption><tr><th>method</th><th>error</th></tr>{rows}</table>")


class HorizonSlider(widgets.VBox):
    """A slider for k, the steps ahead; on every move the figure and the error table follow.

    first_times `(N,)`, truth `(N, K)` and forecasts (name -> `(N, K)`) as `horizon_view` takes them;
    `k` is where the slider starts. The slider is named for screen readers and moves with the arrow keys.
    """

    def __init__(self, first_times: Tensor, truth: Tensor, forecasts: dict[str, Tensor], k: int = 1,
                 unit: str = "year"):
        horizon = check_horizon_inputs(first_times, truth, forecasts)
        self.first_times, self.truth, self.forecasts, self.unit = first_times, truth, forecasts, unit
        self.slider = LabelledSlider(value=k, min=1, max=horizon, step=1, label=f"{unit}s ahead",
                                     spoken_name=f"{unit}s ahead: how far each forecast reaches")
        self.picture, self.table = widgets.HTML(), widgets.HTML()
        self.slider.observe(self.update, names="value")
        super().__init__([self.slider, self.table, self.picture])
        self.update()

    def view(self) -> HorizonView:
        return horizon_view(self.first_times, self.truth, self.forecasts, int(self.slider.value), self.unit)

    def update(self, _change: object = None) -> None:
        view = self.view()
        self.table.value = f"<div role='status'>{error_table(view)}</div>"
        self.picture.value = figure_html(horizon_figure(view))

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = super()._repr_mimebundle_(**kwargs)
        k = int(self.slider.value)
        bundle["text/plain"] = f"HorizonSlider at {k} {self.unit}(s) ahead (run the notebook to move it)"
        bundle["text/html"] = (f"<p><em>Interactive: run the notebook to move the slider. At {k} {self.unit}(s) "
                               f"ahead:</em></p>{self.table.value}{self.picture.value}")
        return bundle
