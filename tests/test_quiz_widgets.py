"""The quiz widgets, driven as a learner drives them: choose, type, press Check or Enter, read the feedback.

No kernel and no browser: setting a control's trait is what a click or an arrow key sends from the page,
`_handle_custom_msg` is how the page's Check, Enter and Show answer arrive (the answer comes with Check
and Enter), and `button.click()` runs a plain button's handlers. The browser
side (one radio group, arrow keys, focus ring, widths) is checked in tests/test_jupyterlab.py.
"""

import ipywidgets as widgets
import pytest

from rnn_lesson.course import progress_store
from rnn_lesson.course.lessons import LESSONS
from rnn_lesson.course.quiz.controls import AnswerBox, FeedbackLine, OptionGroup
from rnn_lesson.course.quiz.static import options_html
from rnn_lesson.course.quiz.widgets import course_test, review_cards, show_quiz


@pytest.fixture(autouse=True)
def fresh_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(progress_store.ENV_VAR, str(tmp_path / "progress.json"))


def view_of(quiz, question_id):
    return next(v for v in quiz.views if v.question.id == question_id)


def press_enter(control, **answer):
    """What the page sends when Enter is pressed in an option group or a text box: the answer with it."""
    control._handle_custom_msg({"event": "submit", "state": answer}, [])


def press_check(view):
    """What the page sends when Check is clicked: the answer it shows, with the click."""
    shown = {trait: getattr(view.input, trait) for trait in view.input.answer_traits if view.input.has_trait(trait)}
    view.input._handle_custom_msg({"event": "submit", "state": shown}, [])


def press_show_answer(view):
    view.input._handle_custom_msg({"event": "reveal"}, [])


def test_check_takes_the_answer_the_page_sends_with_it_not_an_older_one():
    """A choice the page has not yet sent as an update comes with the click: Check grades what is shown."""
    quiz = show_quiz("02_the_rnn_layer")
    view = next(v for v in quiz.views if v.question.type == "single")
    right = next(i for i, option in enumerate(view.question.options) if option.correct)
    wrong = next(i for i in range(len(view.question.options)) if i != right)
    view.input.index = wrong  # the last update that reached Python
    view.input._handle_custom_msg({"event": "submit", "state": {"index": right}}, [])  # the page shows `right`
    assert view.result and "Correct" in view.feedback.value
    view.input.index = right  # the held-back update arrives late, with the same choice: the feedback stays
    assert "Correct" in view.feedback.value
    # No Check button of its own (another widget, whose click could overtake the held-back update).
    parts, buttons = list(view.children), []
    while parts:
        part = parts.pop()
        buttons += [part] if isinstance(part, widgets.Button) else []
        parts += list(getattr(part, "children", []))
    assert buttons == []


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.notebook)
def test_every_lesson_quiz_shows_its_questions_but_no_cards(lesson):
    quiz = show_quiz(lesson.notebook)
    assert len(quiz.views) >= 3 and all(q.type != "card" for q in quiz.questions)
    assert "rnn-quiz" in quiz._dom_classes
    for number, view in enumerate(quiz.views, start=1):
        assert "rnn-quiz-question" in view._dom_classes
        assert isinstance(view.feedback, FeedbackLine)
        if view.question.options:
            assert isinstance(view.input, OptionGroup) and view.input.multiple == (view.question.type == "multiple")
            assert view.input.options == [o.text for o in view.question.options], "the bank's order, for everyone"
            assert view.input.legend.startswith(f"Answer to question {number} (")
        else:
            assert isinstance(view.input, AnswerBox) and f"question {number}" in view.input.label


def test_quiz_widget_wrong_then_right_with_score_and_progress():
    quiz = show_quiz("02_the_rnn_layer")
    view = view_of(quiz, "02-seed-output-shape")
    options = [o.text for o in view.question.options]
    press_check(view)
    assert "Not attempted" in view.feedback.value
    view.input.index = options.index("(10, 1000, 8)")  # what a click or an arrow key in the group sets
    press_check(view)
    assert "Not quite" in view.feedback.value and quiz.score.value.startswith("Score: 0 of")
    view.input.index = options.index("(1000, 10, 8)")
    press_check(view)
    assert "Correct" in view.feedback.value and quiz.score.value.startswith("Score: 1 of")
    assert "(1 answered)" in quiz.score.value
    recorded = progress_store.load_progress()["notebooks"]["02_the_rnn_layer"]["quiz"]
    assert recorded == {"02-seed-output-shape": True}


def test_feedback_is_cleared_as_soon_as_the_answer_changes():
    quiz = show_quiz("02_the_rnn_layer")
    view = view_of(quiz, "02-seed-output-shape")
    view.input.index = 0
    press_check(view)
    assert "Not quite" in view.feedback.value
    view.input.index = 1
    assert view.feedback.value == "" and view.result is None
    press_show_answer(view)
    assert "Answer:" in view.feedback.value
    view.input.index = 2
    assert view.feedback.value == ""
    typed = view_of(quiz, "02-parameter-count")
    typed.input.value = "112"
    press_check(typed)
    assert "two bias vectors" in typed.feedback.value
    typed.input.value = "1120"   # one more keystroke
    assert typed.feedback.value == ""


def test_enter_checks_the_answer_it_brings():
    quiz = show_quiz("01_input_shaping")
    typed = view_of(quiz, "01-layout-default")
    press_enter(typed.input, value="(10, 1000, 5)")
    assert typed.input.value == "(10, 1000, 5)" and "Correct" in typed.feedback.value
    press_enter(typed.input, value="(1000, 10, 5)")
    assert "batch_first layout" in typed.feedback.value
    choice = view_of(quiz, "01-why-order")
    right = [o.correct for o in choice.question.options].index(True)
    press_enter(choice.input, index=right, indices=[])
    assert choice.input.index == right and "Correct" in choice.feedback.value
    multi = view_of(quiz, "01-unbatched-true")
    press_enter(multi.input, index=None, indices=[i for i, o in enumerate(multi.question.options) if o.correct])
    assert "Correct" in multi.feedback.value
    assert quiz.score.value.startswith("Score: 3 of")


def test_typed_and_multiple_answers_through_the_widget():
    quiz = show_quiz("01_input_shaping")
    shape_view = next(v for v in quiz.views if v.question.type == "shape")
    shape_view.input.value = "torch.Size([10, 1000, 5])"
    press_check(shape_view)
    assert "Correct" in shape_view.feedback.value
    multi = next(v for v in quiz.views if v.question.type == "multiple")
    right = [i for i, o in enumerate(multi.question.options) if o.correct]
    multi.input.indices = right[:1]
    press_check(multi)
    assert "1 more option(s)" in multi.feedback.value
    multi.input.indices = right
    assert multi.feedback.value == ""
    press_check(multi)
    assert "Correct" in multi.feedback.value


def test_a_number_typed_with_a_decimal_comma_or_as_a_percentage():
    quiz = show_quiz("04_prediction")
    recall = view_of(quiz, "04-recall")
    assert "%" in recall.input.placeholder
    for typed in ("0,88", "88 %"):
        recall.input.value = typed
        press_check(recall)
        assert "Correct" in recall.feedback.value, typed
    recall.input.value = "88"
    press_check(recall)
    assert "Not attempted" in recall.feedback.value and "between 0 and 1" in recall.feedback.value


def test_reveal_shows_the_lettered_answer_and_why_each_option_is_right_or_wrong():
    quiz = show_quiz("02_the_rnn_layer")
    view = view_of(quiz, "02-seed-output-shape")
    press_show_answer(view)
    letter = "ABCD"[[o.correct for o in view.question.options].index(True)]
    assert f"Answer:</strong> {letter}. (1000, 10, 8)" in view.feedback.value
    assert view.feedback.value.count("<b>wrong</b>") == 3 and "batch_first" in view.feedback.value


def test_quiz_carries_a_static_html_copy_with_lettered_options_and_folded_answers():
    quiz = show_quiz("02_the_rnn_layer")
    bundle = quiz._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    page = bundle["text/html"]
    assert page.count("<details>") == len(quiz.questions)
    assert "nn.RNN(5, 8, batch_first=True)" in page
    for q in quiz.questions:
        if q.options:
            assert options_html(q) in page and "<b>A.</b>" in options_html(q)
    assert " id=" not in page and "<input" not in page, "no ids to clash and no unlabelled controls"
    assert len(bundle["text/plain"]) < 120


def test_course_test_breakdown_scores_only_answered_questions():
    quiz = course_test(seed=0)
    choice_views = [v for v in quiz.views if v.question.type == "single"]
    wrong_view, right_view = choice_views[0], next(v for v in choice_views[1:]
                                                   if v.question.objective != choice_views[0].question.objective)
    wrong_view.input.index = [o.correct for o in wrong_view.question.options].index(False)
    press_check(wrong_view)
    right_view.input.index = [o.correct for o in right_view.question.options].index(True)
    press_check(right_view)
    breakdown = quiz.breakdown.value
    assert "By objective" in breakdown and "8 of 10 questions still to answer" in breakdown
    assert breakdown.count("§") == 1, "only the objective answered wrongly is to revisit"
    assert quiz.score.value == "Score: 1 of 10 correct (2 answered)"


def test_course_end_test_and_review_cards_cover_lessons_01_to_05_unless_told_otherwise():
    core = {lesson.notebook for lesson in LESSONS[:5]}
    assert {v.question.notebook for v in course_test(seed=0).views} <= core
    assert {c.notebook for c in review_cards().cards} == core
    every = {lesson.notebook for lesson in LESSONS}
    assert {c.notebook for c in review_cards(None).cards} == every
    drawn = {v.question.notebook for seed in range(5) for v in course_test(seed=seed, notebooks=tuple(every)).views}
    assert drawn - core, "lessons 06-07 can be included on request"


def test_review_cards_remember_not_yet():
    cards = review_cards()
    assert "rnn-quiz" in cards._dom_classes
    assert {cards.got_it.button_style, cards.not_yet.button_style} <= {"", "primary"}, "AA contrast styles only"
    first = cards.cards[0]
    cards.reveal_button.click()
    assert cards.answer.value and not cards.got_it.disabled
    cards.not_yet.click()
    assert progress_store.load_progress()["cards"][first.id] == "not yet"
    again = review_cards()
    assert again.cards[0].id == first.id
    assert "<details>" in again._repr_mimebundle_()["text/html"]


def test_review_cards_end_after_the_last_card():
    cards = review_cards(["01_input_shaping"])
    for _ in cards.cards:
        cards.reveal_button.click()
        cards.got_it.click()
    assert "All cards reviewed" in cards.prompt.value and cards.reveal_button.disabled


def test_controls_carry_their_page_code_and_the_course_css():
    for control in (OptionGroup(), AnswerBox(), FeedbackLine()):
        assert "export default" in control._esm and ".rnn-quiz" in control._css
    assert 'role", "status"' in FeedbackLine()._esm
    group = OptionGroup()._esm
    assert "name," in group and "stopPropagation" in group and "fieldset" in group
