"""Grading quiz answers: pure functions, tested without a widget or a kernel."""

import pytest

from rnn_lesson.course.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED
from rnn_lesson.course.quiz.bank import load_all_banks, load_bank
from rnn_lesson.course.quiz.grading import draw_course_test, grade, objective_breakdown, order_cards, parse_shape

BANKS = load_all_banks()


def seed_question():
    return next(q for q in load_bank("02_the_rnn_layer").questions if q.id == "02-seed-output-shape")


def test_seed_question_and_its_distractors():
    q = seed_question()
    assert "(1000, 10, 5)" in q.prompt and "nn.RNN(5, 8, batch_first=True)" in q.prompt
    texts = [o.text for o in q.options]
    assert {"(1000, 10, 8)", "(1000, 8, 10)", "(1000, 5, 8)", "(10, 1000, 8)"} <= set(texts)
    assert grade(q, texts.index("(1000, 10, 8)")).status == CORRECT
    for wrong in ("(1000, 8, 10)", "(1000, 5, 8)", "(10, 1000, 8)"):
        result = grade(q, texts.index(wrong))
        assert result.status == INCORRECT and len(result.message) > 30
        assert "(1000, 10, 8)" not in result.message, "a wrong answer's message gives the answer away"


@pytest.mark.parametrize("text", ["(1000, 10, 8)", "1000,10,8", " [1000, 10, 8] ", "torch.Size([1000, 10, 8])",
                                  "1000 x 10 x 8", "1000×10×8", "(1000,10,8,)", [1000, 10, 8], (1000, 10, 8)])
def test_shapes_are_read_leniently(text):
    assert parse_shape(text) == (1000, 10, 8)


@pytest.mark.parametrize("text", ["", "ten by eight", "(1000, 10.5, 8)", "1000; 10"])
def test_non_shapes_are_not_read(text):
    assert parse_shape(text) is None


def test_shape_answers_get_the_misconception_not_the_answer():
    q = next(q for q in load_bank("01_input_shaping").questions if q.id == "01-layout-default")
    assert "batch_first layout" in grade(q, "(1000, 10, 5)").message
    assert grade(q, "(5, 10, 1000)").message == "the right sizes in the wrong order: which axis comes first?"
    assert "dimensions" in grade(q, "(10, 1000)").message
    assert grade(q, "what?").status == NOT_ATTEMPTED
    assert grade(q, "").status == NOT_ATTEMPTED
    assert "10, 1000, 5" not in grade(q, "(5, 10, 1000)").message


def test_numbers_with_tolerance_and_known_mistakes():
    q = next(q for q in load_bank("01_input_shaping").questions if q.type == "number")
    assert grade(q, "13").status == CORRECT and grade(q, 13.0).status == CORRECT
    assert "smaller last batch" in grade(q, "12").message
    assert grade(q, "20").message == "too high."
    assert grade(q, "2").message == "too low."


def test_multiple_choice_names_a_wrong_pick_or_counts_what_is_missing():
    q = next(q for q in load_bank("01_input_shaping").questions if q.type == "multiple")
    right = {i for i, o in enumerate(q.options) if o.correct}
    wrong = next(i for i, o in enumerate(q.options) if not o.correct)
    assert grade(q, right).status == CORRECT
    assert q.options[wrong].text in grade(q, right | {wrong}).message
    assert "1 more option(s)" in grade(q, {min(right)}).message
    assert grade(q, set()).status == NOT_ATTEMPTED


def test_a_card_is_self_marked_not_graded():
    card = next(q for b in BANKS for q in b.questions if q.type == "card")
    with pytest.raises(ValueError, match="self-marked"):
        grade(card, "anything")


def test_course_test_draws_ten_by_difficulty_from_several_banks():
    questions = draw_course_test(BANKS, seed=0)
    assert [q.difficulty for q in questions] == ["easy"] * 3 + ["medium"] * 4 + ["hard"] * 3
    assert len({q.id for q in questions}) == 10
    assert len({q.notebook for q in questions}) >= 3
    assert draw_course_test(BANKS, seed=0) == questions
    assert draw_course_test(BANKS, seed=1) != questions


def test_course_test_says_when_the_banks_are_too_small():
    with pytest.raises(ValueError, match="the test needs 99"):
        draw_course_test(BANKS, per_difficulty={"hard": 99})


def test_cards_not_yet_come_first():
    cards = [q for b in BANKS for q in b.questions if q.type == "card"]
    seen = {cards[0].id: "got it", cards[-1].id: "not yet"}
    ordered = order_cards(cards, seen)
    assert ordered[0].id == cards[-1].id and ordered[-1].id == cards[0].id


def test_objective_breakdown_counts_and_points_to_the_section():
    questions = draw_course_test(BANKS, seed=0)
    right = {questions[0].id: True}
    table = objective_breakdown(BANKS, questions, right)
    assert table["asked"].sum() == 10 and table["right"].sum() == 1
    revisit = table.loc[table["right"] < table["asked"], "revisit"]
    assert revisit.str.contains("§").all()
    assert (table.loc[table["right"] == table["asked"], "revisit"] == "").all()
