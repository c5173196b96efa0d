"""The quiz as learners see it in JupyterLab: widgets around the plain `grade` function.

Choose or type an answer, press Check (or Enter), read the feedback in words; retry as often as you
like; "Show answer" reveals the answer and why each option is right or wrong. Changing the answer
clears the old feedback. The options are one group (Tab reaches it, the arrow keys choose) lettered
A, B, C, … as in the bank. Static readers (GitHub, nbviewer) see an HTML copy instead.

Page structure, which the browser test relies on: the quiz is `.rnn-quiz`; each question is
`.rnn-quiz-question` holding a `fieldset` of `label`s with `input[type=radio]` or
`input[type=checkbox]` (or a labelled text box), the buttons "Check" and "Show answer", and a
feedback line with role="status".
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from rnn_lesson.course import progress_store
from rnn_lesson.course.feedback import COLOURS, HEADLINES, NOT_ATTEMPTED, Result
from rnn_lesson.course.lessons import CORE
from rnn_lesson.course.quiz.bank import Question, load_all_banks, load_bank
from rnn_lesson.course.quiz.controls import AnswerBox, FeedbackLine, OptionGroup
from rnn_lesson.course.quiz.grading import draw_course_test, grade, objective_breakdown, order_cards
from rnn_lesson.course.quiz.static import HOW_TO_ANSWER, answer_text, explanations_html, markdown, static_html


def answer_input(question: Question, number: int) -> OptionGroup | AnswerBox:
    """The input for a question type: a group of radio buttons or check boxes, or a text box."""
    if question.type in ("single", "multiple"):
        return OptionGroup(options=[o.text for o in question.options], multiple=question.type == "multiple",
                           legend=f"Answer to question {number} ({HOW_TO_ANSWER[question.type]}):")
    if question.type == "shape":
        placeholder = "e.g. (1000, 10, 8)"
    else:
        placeholder = "e.g. 0.25 or 25 %" if question.fraction else "e.g. 7 or 0.25"
    return AnswerBox(placeholder=placeholder, label=f"Answer to question {number} ({HOW_TO_ANSWER[question.type]}):")


def result_html(result: Result) -> str:
    """A result as the feedback line shows it: the verdict in words, then why (never colour alone)."""
    return (f'<div style="border-left: 4px solid {COLOURS[result.status]}; padding-left: 8px">'
            f"<strong>{HEADLINES[result.status]}:</strong> {html.escape(result.message)}</div>")


class QuestionView(widgets.VBox):
    """One question: prompt, options or text box, Check and Show answer buttons, and the feedback line."""

    def __init__(self, question: Question, number: int, on_checked=None):
        self.question, self.on_checked, self.result = question, on_checked, None
        self.input = answer_input(question, number)  # with the Check and Show answer buttons (controls.py)
        self.feedback = FeedbackLine()
        self.input.on_submit(self.check)
        self.input.on_reveal(self.reveal)
        self.input.observe(self.answer_changed, names=list(self.input.answer_traits))
        header = widgets.HTML(f"<p><b>Question {number}</b> · {question.difficulty}</p>" + markdown(question.prompt))
        super().__init__([header, self.input, self.feedback])
        self.add_class("rnn-quiz-question")

    def answer_changed(self, _change=None) -> None:
        """A new answer makes the old feedback wrong: clear it until Check is pressed again."""
        self.result = None
        if self.feedback.value:
            self.feedback.value = ""

    def check(self) -> Result:
        self.result = grade(self.question, self.input.answer())
        self.feedback.value = result_html(self.result)
        if self.result.status != NOT_ATTEMPTED and self.on_checked:
            self.on_checked(self.question, self.result)
        return self.result

    def reveal(self) -> None:
        q = self.question
        self.feedback.value = f"<p><strong>Answer:</strong> {html.escape(answer_text(q))}</p>" + explanations_html(q)


class QuizWidget(widgets.VBox):
    """A quiz of several questions with a running score; records answers in your progress file."""

    def __init__(self, title: str, questions: list[Question], breakdown_banks=None):
        self.title, self.questions, self.correct = title, questions, {}
        self.breakdown_banks = breakdown_banks
        self.score = widgets.Label(self.score_text())
        self.breakdown = widgets.HTML()
        self.views = [QuestionView(q, i + 1, self.checked) for i, q in enumerate(questions)]
        super().__init__([widgets.HTML(f"<h3>{html.escape(title)}</h3>"), *self.views, self.score, self.breakdown])
        self.add_class("rnn-quiz")

    def score_text(self) -> str:
        return f"Score: {sum(self.correct.values())} of {len(self.questions)} correct ({len(self.correct)} answered)"

    def checked(self, question: Question, result: Result) -> None:
        correct = bool(result)
        self.correct[question.id] = self.correct.get(question.id, False) or correct
        self.score.value = self.score_text()
        progress_store.record_quiz_answer(question.notebook, question.id, correct, result.message)
        if self.breakdown_banks is not None:
            table = objective_breakdown(self.breakdown_banks, self.questions, self.correct)
            left = len(self.questions) - len(self.correct)
            status = f"{left} of {len(self.questions)} questions still to answer" if left else "all answered"
            self.breakdown.value = (f"<p><b>By objective</b>, over the questions you have answered ({status}):</p>"
                                    + table.to_html(index=False))

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"{self.title} ({len(self.questions)} questions; run the notebook to answer)"
        bundle["text/html"] = static_html(self.title, self.questions)
        return bundle


def show_quiz(notebook: str) -> QuizWidget:
    """The quiz of one notebook, e.g. `show_quiz("02_the_rnn_layer")` (its review cards are left out)."""
    bank = load_bank(notebook)
    return QuizWidget(f"Quiz: {bank.title}", [q for q in bank.questions if q.type != "card"])


def course_test(seed: int = 0, notebooks: tuple[str, ...] = CORE) -> QuizWidget:
    """The course-end test: 10 questions from the banks of lessons 01-05 (3 easy, 4 medium, 3 hard), scored by
    objective. Lessons 06-07 go beyond the core course and are left out unless named in `notebooks`."""
    banks = [b for b in load_all_banks() if b.notebook in notebooks]
    return QuizWidget("Course-end test", draw_course_test(banks, seed=seed), breakdown_banks=banks)


class ReviewCards(widgets.VBox):
    """Recall cards: read the prompt, recall, reveal, then mark "Got it" or "Not yet".
    Cards marked "not yet" come back first next time."""

    def __init__(self, cards: list[Question]):
        seen = progress_store.load_progress().get("cards", {})
        self.cards, self.position = order_cards(cards, seen), 0
        self.prompt, self.answer = widgets.HTML(), FeedbackLine()
        self.reveal_button = widgets.Button(description="Show answer")
        self.got_it = widgets.Button(description="Got it", button_style="primary", disabled=True)
        self.not_yet = widgets.Button(description="Not yet", disabled=True)
        self.reveal_button.on_click(self.reveal)
        self.got_it.on_click(lambda _: self.mark(True))
        self.not_yet.on_click(lambda _: self.mark(False))
        super().__init__([self.prompt, self.answer, widgets.HBox([self.reveal_button, self.got_it, self.not_yet])])
        self.add_class("rnn-quiz")
        self.show()

    def show(self) -> None:
        self.answer.value = ""
        self.got_it.disabled = self.not_yet.disabled = True
        if self.position >= len(self.cards):
            self.prompt.value = "<p><b>All cards reviewed.</b> Run the cell again for another round.</p>"
            self.reveal_button.disabled = True
            return
        card = self.cards[self.position]
        self.prompt.value = f"<p><b>Card {self.position + 1} of {len(self.cards)}</b></p>{markdown(card.prompt)}"

    def reveal(self, _button=None) -> None:
        self.answer.value = markdown(str(self.cards[self.position].answer))
        self.got_it.disabled = self.not_yet.disabled = False

    def mark(self, got_it: bool) -> None:
        progress_store.record_card(self.cards[self.position].id, got_it)
        self.position += 1
        self.show()

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"Review cards ({len(self.cards)} cards; run the notebook to review)"
        items = "".join(f"<li>{markdown(c.prompt)}<details><summary>Show the answer</summary>"
                        f"{markdown(str(c.answer))}</details></li>" for c in self.cards)
        bundle["text/html"] = f"<div class='rnn-lesson-cards'><h3>Review cards</h3><ol>{items}</ol></div>"
        return bundle


def review_cards(notebooks: tuple[str, ...] | list[str] | None = CORE) -> ReviewCards:
    """The recall cards of the given notebooks (lessons 01-05 by default; None for every lesson), not-yet first."""
    banks = [b for b in load_all_banks() if notebooks is None or b.notebook in notebooks]
    return ReviewCards([q for b in banks for q in b.questions if q.type == "card"])
