"""The quiz widgets, driven as a learner drives them: click, type, read the feedback."""

import pytest

from rnn_lesson.course import progress_store
from rnn_lesson.course.lessons import LESSONS
from rnn_lesson.course.quiz.widgets import course_test, review_cards, show_quiz


@pytest.fixture(autouse=True)
def fresh_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(progress_store.ENV_VAR, str(tmp_path / "progress.json"))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.notebook)
def test_every_lesson_quiz_shows_its_questions_but_no_cards(lesson):
    quiz = show_quiz(lesson.notebook)
    assert len(quiz.views) >= 3 and all(q.type != "card" for q in quiz.questions)


def test_quiz_widget_wrong_then_right_with_score_and_progress():
    quiz = show_quiz("02_the_rnn_layer")
    view = next(v for v in quiz.views if v.question.id == "02-seed-output-shape")
    options = [o.text for o in view.question.options]
    view.check_button.click()
    assert "Not attempted" in view.feedback.value
    view.input.index = options.index("(10, 1000, 8)")  # what a keyboard arrow-key choice also sets
    view.check_button.click()
    assert "Not quite" in view.feedback.value and quiz.score.value.startswith("Score: 0 of")
    view.input.index = options.index("(1000, 10, 8)")
    view.check_button.click()
    assert "Correct" in view.feedback.value and quiz.score.value.startswith("Score: 1 of")
    recorded = progress_store.load_progress()["notebooks"]["02_the_rnn_layer"]["quiz"]
    assert recorded == {"02-seed-output-shape": True}


def test_reveal_shows_the_answer_and_explanations():
    quiz = show_quiz("02_the_rnn_layer")
    view = next(v for v in quiz.views if v.question.id == "02-seed-output-shape")
    view.reveal_button.click()
    assert "(1000, 10, 8)" in view.feedback.value and "batch_first" in view.feedback.value


def test_typed_and_multiple_answers_through_the_widget():
    quiz = show_quiz("01_input_shaping")
    shape_view = next(v for v in quiz.views if v.question.type == "shape")
    shape_view.input.value = "torch.Size([10, 1000, 5])"
    shape_view.check_button.click()
    assert "Correct" in shape_view.feedback.value
    multi = next(v for v in quiz.views if v.question.type == "multiple")
    for box, option in zip(multi.input.children, multi.question.options):
        box.value = option.correct
    multi.check_button.click()
    assert "Correct" in multi.feedback.value


def test_quiz_carries_a_static_html_copy_with_folded_answers():
    quiz = show_quiz("02_the_rnn_layer")
    bundle = quiz._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].count("<details>") == len(quiz.questions)
    assert "nn.RNN(5, 8, batch_first=True)" in bundle["text/html"]
    assert len(bundle["text/plain"]) < 120


def test_course_test_shows_a_breakdown_by_objective():
    quiz = course_test(seed=0)
    view = quiz.views[0]
    q = view.question
    if q.type == "single":
        view.input.index = [o.correct for o in q.options].index(False)
    elif q.type == "multiple":
        view.input.children[[o.correct for o in q.options].index(False)].value = True
    else:
        view.input.value = "(1, 2, 3, 4, 5)" if q.type == "shape" else "-99999"
    view.check_button.click()
    assert "By objective" in quiz.breakdown.value and "§" in quiz.breakdown.value


def test_review_cards_remember_not_yet():
    cards = review_cards()
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
