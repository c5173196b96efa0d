"""The quiz as static HTML, for readers where no widget runs (GitHub, nbviewer, an exported page)."""

from __future__ import annotations

import html

import mistune

from rnn_lesson.course.quiz.bank import Question


def answer_text(question: Question) -> str:
    """The correct answer in words, for the reveal button and the static copy."""
    if question.type in ("single", "multiple"):
        return "; ".join(o.text for o in question.options if o.correct)
    if question.type == "shape":
        return "(" + ", ".join(str(v) for v in question.answer) + ")"
    return str(question.answer)


def markdown(text: str) -> str:
    """Markdown (code blocks allowed) to HTML, for prompts and explanations."""
    return mistune.html(text)


def static_html(title: str, questions: list[Question]) -> str:
    """A readable copy of a quiz for places where widgets do not run: each answer is in a closed <details>."""
    parts = [f'<div class="rnn-lesson-quiz"><h3>{html.escape(title)}</h3>',
             "<p><em>Run the notebook to answer interactively; the answers are folded below.</em></p><ol>"]
    for q in questions:
        parts.append(f"<li><p><small>{q.difficulty} · {q.type}</small></p>{markdown(q.prompt)}")
        if q.options:
            parts.append("<ul>" + "".join(f"<li>{html.escape(o.text)}</li>" for o in q.options) + "</ul>")
        details = f"<p><strong>Answer:</strong> {html.escape(answer_text(q))}</p>"
        if q.options:
            details += "<ul>" + "".join(f"<li><code>{html.escape(o.text)}</code>: {markdown(o.explanation)}</li>"
                                        for o in q.options) + "</ul>"
        elif q.explanation:
            details += markdown(q.explanation)
        parts.append(f"<details><summary>Show the answer</summary>{details}</details></li>")
    parts.append("</ol></div>")
    return "".join(parts)
