"""The quiz as static HTML, for readers where no widget runs (GitHub, nbviewer, an exported page).

It shows the options in the bank's order with the letters the widget shows (A, B, C, …), so a
static reader and a JupyterLab user talk about the same "option C".
"""

from __future__ import annotations

import html

import mistune

from rnn_lesson.course.quiz.bank import Question, option_letter

# What a learner does with each type of question, in words.
HOW_TO_ANSWER = {"single": "choose one", "multiple": "select all that apply", "shape": "type a shape",
                 "number": "type a number", "card": "recall, then reveal"}


def answer_text(question: Question) -> str:
    """The correct answer in words, for the reveal button and the static copy: "C. (1000, 10, 8)"
    for a choice, "(10, 1000, 5)" for a shape, "13" for a number."""
    if question.type in ("single", "multiple"):
        return "; ".join(f"{option_letter(i)}. {o.text}" for i, o in enumerate(question.options) if o.correct)
    if question.type == "shape":
        return "(" + ", ".join(str(v) for v in question.answer) + ")"
    return str(question.answer)


def markdown(text: str) -> str:
    """Markdown (code blocks allowed) to HTML, for prompts and explanations."""
    return mistune.html(text)


def options_html(question: Question) -> str:
    """The options as a list, each with its letter: "<b>A.</b> text"."""
    return "<ul>" + "".join(f"<li><b>{option_letter(i)}.</b> {html.escape(o.text)}</li>"
                            for i, o in enumerate(question.options)) + "</ul>"


def explanations_html(question: Question) -> str:
    """Why each option is right or wrong, lettered ("<b>B.</b> text: <b>wrong</b>. why"); or the
    question's explanation if it has no options. Option explanations are plain text."""
    if not question.options:
        return markdown(question.explanation) if question.explanation else ""
    return "<ul>" + "".join(f"<li><b>{option_letter(i)}.</b> {html.escape(o.text)}: "
                            f"<b>{'right' if o.correct else 'wrong'}</b>. {html.escape(o.explanation)}</li>"
                            for i, o in enumerate(question.options)) + "</ul>"


def static_html(title: str, questions: list[Question]) -> str:
    """A readable copy of a quiz for places where widgets do not run: each answer is in a closed <details>."""
    parts = [f'<div class="rnn-lesson-quiz"><h3>{html.escape(title)}</h3>',
             "<p><em>Run the notebook to answer interactively; the answers are folded below.</em></p><ol>"]
    for q in questions:
        parts.append(f"<li><p><small>{q.difficulty} · {HOW_TO_ANSWER[q.type]}</small></p>{markdown(q.prompt)}")
        if q.options:
            parts.append(options_html(q))
        details = f"<p><strong>Answer:</strong> {html.escape(answer_text(q))}</p>{explanations_html(q)}"
        parts.append(f"<details><summary>Show the answer</summary>{details}</details></li>")
    parts.append("</ol></div>")
    return "".join(parts)
