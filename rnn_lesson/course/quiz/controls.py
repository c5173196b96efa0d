"""The quiz's small custom controls, each an anywidget: a few lines of JavaScript beside this file
and traits that sync with Python. Plain ipywidgets could not make them: its radio buttons are not one
group (each is its own Tab stop and the arrow keys move JupyterLab's active cell), its check box labels
are cut at 300 px, and its Text box reports Enter only through the deprecated `on_submit`.

- `OptionGroup`: the options as a `<fieldset>` of radio buttons (one group) or check boxes, each in a
  `<label>` with its letter and full text; `index` / `indices` hold the choice.
- `AnswerBox`: a labelled text box; `value` follows every keystroke.
- `FeedbackLine`: the feedback, in a live region (`role="status"`) that screen readers announce.

The first two draw the question's Check and Show answer buttons too (answer_controls.js). Check, or
Enter in the control, sends the message {"event": "submit", "state": the answer}; Show answer sends
{"event": "reveal"}. The answer travels in the message: a choice made just before is sent as a state
update that may still be held back by the page (ipywidgets sends one update at a time), and a Check
button of its own, a separate widget, could overtake it. `on_submit` and `on_reveal` register what to do
(the quiz checks the answer, or shows it). All three load `quiz.css`, scoped to `.rnn-quiz`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets

HERE = Path(__file__).parent
CSS = HERE / "quiz.css"


class AnswerControl(anywidget.AnyWidget):
    """An answer with its Check and Show answer buttons; `kind` tells the page which control to draw."""

    _esm = HERE / "answer_controls.js"
    _css = CSS
    kind = traitlets.Unicode().tag(sync=True)
    answer_traits: tuple[str, ...] = ()

    def on_submit(self, callback: Callable[[], object]) -> None:
        """Call `callback()` on Check or Enter, after taking the answer that came with the message."""
        self.on_event("submit", callback)

    def on_reveal(self, callback: Callable[[], object]) -> None:
        """Call `callback()` when Show answer is pressed."""
        self.on_event("reveal", callback)

    def on_event(self, event: str, callback: Callable[[], object]) -> None:
        def handle(_widget: anywidget.AnyWidget, content: dict, _buffers: list) -> None:
            if content.get("event") == event:
                self.set_state({k: v for k, v in content.get("state", {}).items() if k in self.answer_traits})
                callback()

        self.on_msg(handle)


class OptionGroup(AnswerControl):
    """The options of one question: radio buttons (`multiple=False`, the choice in `index`, None
    until one is chosen) or check boxes (`multiple=True`, the choices in `indices`)."""

    kind = traitlets.Unicode("options").tag(sync=True)
    answer_traits = ("index", "indices")
    options = traitlets.List(traitlets.Unicode()).tag(sync=True)
    multiple = traitlets.Bool(False).tag(sync=True)
    legend = traitlets.Unicode("").tag(sync=True)
    index = traitlets.Int(None, allow_none=True).tag(sync=True)
    indices = traitlets.List(traitlets.Int()).tag(sync=True)

    def answer(self) -> int | set[int] | None:
        """The choice as `grade` takes it: an index, or a set of indices."""
        return set(self.indices) if self.multiple else self.index


class AnswerBox(AnswerControl):
    """A text box with a visible label, for shapes and numbers."""

    kind = traitlets.Unicode("text").tag(sync=True)
    answer_traits = ("value",)
    value = traitlets.Unicode("").tag(sync=True)
    placeholder = traitlets.Unicode("").tag(sync=True)
    label = traitlets.Unicode("Answer").tag(sync=True)

    def answer(self) -> str:
        return self.value


class FeedbackLine(anywidget.AnyWidget):
    """A live region showing `value` (HTML); empty until there is something to say."""

    _esm = HERE / "feedback_line.js"
    _css = CSS
    value = traitlets.Unicode("").tag(sync=True)
