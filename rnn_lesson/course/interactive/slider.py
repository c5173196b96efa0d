"""A slider that screen readers can name and the keyboard can move, for the course's interactive cells.

ipywidgets' own sliders draw a handle (a `div` with role "slider") that no label names, and in
JupyterLab their arrow keys also move the notebook's active cell. This one is the browser's own
`<input type="range">` with a `<label>` beside it, a longer spoken name where the label is short
("t3" is read as "value at time step 3"), and a readout of its value. Its arrow keys stay in the
slider. Use it like an ipywidgets slider: read or set `value`, and `observe` it.
"""

from __future__ import annotations

import html

import anywidget
import ipywidgets as widgets
import traitlets

# The view, run by the browser (anywidget loads it; no build step). `model` holds the traits below.
SLIDER_JS = """
const KEYS_THAT_MOVE_IT = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight",
                                   "PageUp", "PageDown", "Home", "End"]);
let count = 0;

function render({ model, el }) {
  const id = `rnn-slider-${Date.now()}-${count++}`;
  const label = document.createElement("label");
  const input = document.createElement("input");
  const readout = document.createElement("span");  // the slider itself tells screen readers its value
  label.htmlFor = id;
  input.id = id;
  input.type = "range";
  readout.setAttribute("aria-hidden", "true");
  const decimals = () => (String(model.get("step")).split(".")[1] || "").length;
  const show = () => {
    input.min = model.get("min");
    input.max = model.get("max");
    input.step = model.get("step");
    input.value = model.get("value");
    label.textContent = model.get("label");
    const spoken = model.get("spoken_name");
    if (spoken) input.setAttribute("aria-label", spoken); else input.removeAttribute("aria-label");
    readout.textContent = Number(model.get("value")).toFixed(decimals());
    el.classList.toggle("rnn-slider-vertical", model.get("vertical"));
  };
  input.addEventListener("input", () => {
    model.set("value", Number(input.value));
    model.save_changes();
  });
  // JupyterLab reads arrow keys as "move to the next cell" unless they stop here.
  input.addEventListener("keydown", (event) => {
    if (KEYS_THAT_MOVE_IT.has(event.key)) event.stopPropagation();
  });
  model.on("change", show);
  el.classList.add("rnn-slider");
  el.append(label, input, readout);
  show();
  return () => model.off("change", show);
}
export default { render };
"""

SLIDER_CSS = """
.rnn-slider { display: flex; align-items: center; gap: 0.5em; color: var(--jp-ui-font-color1, #1a1a1a);
              font-size: var(--jp-ui-font-size1, 13px); }
.rnn-slider input[type="range"] { width: 12em; accent-color: var(--jp-brand-color1, #1565c0); }
.rnn-slider input[type="range"]:focus-visible { outline: 2px solid var(--jp-brand-color1, #1565c0);
                                                outline-offset: 2px; }
.rnn-slider span { min-width: 3em; font-family: var(--jp-code-font-family, monospace); }
.rnn-slider-vertical { flex-direction: column-reverse; gap: 0.25em; width: 3.6em; }
.rnn-slider-vertical input[type="range"] { writing-mode: vertical-lr; direction: rtl; width: auto; height: 9em; }
.rnn-slider-vertical span { min-width: 0; }
"""


class LabelledSlider(anywidget.AnyWidget):
    """A slider with a visible `label`, an optional longer `spoken_name` for screen readers (it should
    contain the label's words), and a readout; `value` moves from `min` to `max` in steps of `step`.

    Lesson 02 § 6 steps through time with one, e.g. `LabelledSlider(value=1, min=1, max=10, step=1,
    label="time step")`; lesson 04 § 5's `SequenceExplorer` shapes a sequence with ten upright ones.
    """

    _esm = SLIDER_JS
    _css = SLIDER_CSS
    value = traitlets.Float(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(1.0).tag(sync=True)
    step = traitlets.Float(0.1).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    spoken_name = traitlets.Unicode("").tag(sync=True)
    vertical = traitlets.Bool(False).tag(sync=True)

    @traitlets.validate("value")
    def _within_range(self, proposal: traitlets.Bunch) -> float:
        """Keep the value between min and max, as the browser's slider does."""
        return min(max(proposal["value"], self.min), self.max)

    def __repr__(self) -> str:
        return f"LabelledSlider(value={self.value}, label={self.label!r})"


class SliderWithPicture(widgets.VBox):
    """A slider above the picture it moves (a `widgets.HTML` holding a figure and its alt text). Lesson 02 § 6.

    Readers of the stored notebook (GitHub, the course website) can't move it: they see the picture as
    it was last drawn, with a note to run the notebook, instead of the widgets' Python text.
    """

    def __init__(self, slider: LabelledSlider, picture: widgets.HTML):
        self.slider, self.picture = slider, picture
        super().__init__([slider, picture])

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = super()._repr_mimebundle_(**kwargs)
        at = f"{self.slider.label} {self.slider.value:g}"
        bundle["text/plain"] = f"a slider at {at} and its picture (run the notebook to move it)"
        bundle["text/html"] = (f"<p><em>Interactive: run the notebook to move the slider. At "
                               f"{html.escape(at)}:</em></p>{self.picture.value}")
        return bundle
