"""Figures with alt text: what a figure shows, in words, for a reader who cannot see the picture (a screen
reader reads it out). A `DescribedFigure` (what every plot helper in plots.py returns) shows in Jupyter as a
PNG image carrying its text; `figure_png` and `figure_html` give the picture to a widget that redraws it;
`trend` puts values over time in words."""

from __future__ import annotations

import base64
import html
import io

import matplotlib.pyplot as plt
from matplotlib.figure import Figure


def png_of(figure: Figure) -> bytes:
    """The figure as PNG bytes, trimmed to what is drawn (as Jupyter shows figures)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def image_bundle(png: bytes, alt: str) -> tuple[dict, dict]:
    """What Jupyter stores and shows for a picture with alt text: an HTML `<img alt=…>` (JupyterLab and
    nbconvert show it; JupyterLab's plain image view has no alt text), the PNG itself (for viewers
    without HTML), and the alt text as plain text; the alt text also goes in the PNG's metadata."""
    encoded = base64.b64encode(png).decode("ascii")
    data = {"text/html": img_tag(encoded, alt), "image/png": encoded, "text/plain": alt}
    return data, {"image/png": {"alt": alt}}


def img_tag(encoded_png: str, alt: str, style: str = "") -> str:
    """`<img src="data:image/png;base64,…" alt="…">` for a base64-encoded PNG."""
    style = f' style="{style}"' if style else ""
    return f'<img src="data:image/png;base64,{encoded_png}" alt="{html.escape(alt)}"{style}>'


class DescribedFigure(Figure):
    """A matplotlib Figure with alt text in `alt`; Jupyter shows it as a PNG with that text.
    Made by `plt.subplots(..., FigureClass=DescribedFigure)`; the plot helpers in plots.py return one."""

    alt: str = ""

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        return image_bundle(png_of(self), self.alt)


def figure_png(figure: Figure) -> bytes:
    """The figure as PNG bytes (for an ipywidgets Image; `figure_html` adds alt text); closes the figure
    so it is not shown twice.

    Lesson 02 § 6 (Hidden states over time), where a slider steps through time.
    """
    png = png_of(require_figure(figure))
    plt.close(figure)
    return png


def require_figure(figure: object) -> Figure:
    """Return `figure` if it is a matplotlib Figure; otherwise say how to get the figure from what came."""
    if isinstance(figure, Figure):
        return figure
    fix = "pass the figure itself; plt.gcf() is the current one"
    if isinstance(getattr(figure, "figure", None), Figure):
        fix = "pass the figure it is drawn in: ax.figure"
    elif isinstance(figure, tuple):
        fix = "plt.subplots() returns (figure, axes); unpack it with figure, ax = plt.subplots() and pass figure"
    elif isinstance(figure, str):
        fix = "the figure comes first, then the alt text: show_figure(figure, alt)"
    raise TypeError(f"figure: expected a matplotlib Figure, got {type(figure).__name__}; {fix}.")


def require_alt(alt: object) -> str:
    """Return `alt` if it is words; a figure without alt text is a blank to a screen reader."""
    if isinstance(alt, str) and alt.strip():
        return alt
    words = alt is None or isinstance(alt, str)  # None or blank: a ValueError; a number or a list: a TypeError
    error, got = (ValueError, "no alt text") if words else (TypeError, f"{type(alt).__name__} {alt!r}")
    raise error(f"alt: expected words that say what the figure shows, got {got}; pass them as "
                "alt='…', e.g. alt='Line chart of the loss over 5 epochs, falling from 1.10 to 0.30'.")


def figure_html(figure: Figure, alt: str = "") -> str:
    """The figure as an HTML `<img>` with alt text, for an `ipywidgets.HTML` that a slider redraws; closes
    the figure. A `DescribedFigure` (what the plot helpers return) brings its own alt text.

    Lesson 02 § 6 (Hidden states over time), where a slider steps through time.
    """
    alt = require_alt(alt or getattr(require_figure(figure), "alt", ""))
    encoded = base64.b64encode(figure_png(figure)).decode("ascii")
    return img_tag(encoded, alt, style="max-width: 100%; height: auto")  # shrinks to fit a narrow window


def trend(values: list[float], unit: str = "step") -> str:
    """`values` over time in words: 'from -0.93 at step 1 to 0.95 at step 10', and where the highest
    or lowest value lies when it is neither the first nor the last."""
    words = f"from {values[0]:.2f} at {unit} 1 to {values[-1]:.2f} at {unit} {len(values)}"
    for extreme, pick in (("highest", max), ("lowest", min)):
        at = pick(range(len(values)), key=values.__getitem__)
        if 0 < at < len(values) - 1:
            words += f", {extreme} ({values[at]:.2f}) at {unit} {at + 1}"
    return words
