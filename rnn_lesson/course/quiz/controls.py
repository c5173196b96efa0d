"""The quiz's three small custom controls, each an anywidget: a few lines of JavaScript beside this file
and traits that sync with Python. Plain ipywidgets could not make them: its radio buttons are not one
group (each is its own Tab stop and the arrow keys move JupyterLab's active cell), its check box labels
are cut at 300 px, and its Text box reports Enter only through the deprecated `on_submit`.

- `OptionGroup`: the options as a `<fieldset>` of radio buttons (one group) or check boxes, each in a
  `<label>` with its letter and full text; `index` / `indices` hold the choice.
- `AnswerBox`: a labelled text box; `value` follows every keystroke.
- `FeedbackLine`: the feedback, in a live region (`role="status"`) that screen readers announce.

Enter in an option group or an answer box sends the message {"event": "submit"} with the answer;
`on_submit` registers what to do then (the quiz checks the answer). All three load `quiz.css`, scoped to `.rnn-quiz`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets

HERE = Path(__file__).parent
CSS = HERE / "quiz.css"


class SubmitOnEnter(anywidget.AnyWidget):
    """A control whose front end sends {"event": "submit", "state": {...the answer...}} when Enter is
    pressed in it. The answer comes with the message because the trait update sent just before it
    may still be held back by the front end (ipywidgets sends one update at a time)."""

    answer_traits: tuple[str, ...] = ()

    def on_submit(self, callback: Callable[[], object]) -> None:
        """Call `callback()` whenever Enter is pressed in the control, after taking the answer it sent."""

        def handle(_widget: anywidget.AnyWidget, content: dict, _buffers: list) -> None:
            if content.get("event") == "submit":
                self.set_state({k: v for k, v in content.get("state", {}).items() if k in self.answer_traits})
                callback()

        self.on_msg(handle)


class OptionGroup(SubmitOnEnter):
    """The options of one question: radio buttons (`multiple=False`, the choice in `index`, None
    until one is chosen) or check boxes (`multiple=True`, the choices in `indices`)."""

    _esm = HERE / "option_group.js"
    _css = CSS
    answer_traits = ("index", "indices")
    options = traitlets.List(traitlets.Unicode()).tag(sync=True)
    multiple = traitlets.Bool(False).tag(sync=True)
    legend = traitlets.Unicode("").tag(sync=True)
    index = traitlets.Int(None, allow_none=True).tag(sync=True)
    indices = traitlets.List(traitlets.Int()).tag(sync=True)

    def answer(self) -> int | set[int] | None:
        """The choice as `grade` takes it: an index, or a set of indices."""
        return set(self.indices) if self.multiple else self.index


class AnswerBox(SubmitOnEnter):
    """A text box with a visible label, for shapes and numbers."""

    _esm = HERE / "answer_box.js"
    _css = CSS
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
