"""Grading quiz answers: pure functions, tested without a widget or a kernel."""

import re

import numpy as np
import pytest

from rnn_lesson.course.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED
from rnn_lesson.course.quiz.bank import load_all_banks, load_bank
from rnn_lesson.course.quiz.grading import (draw_course_test, grade, objective_breakdown, order_cards, parse_number,
                                            parse_shape)

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


def test_a_thousands_comma_in_a_size_is_read_as_one_size_where_commas_and_spaces_part_the_sizes():
    """`(10, 1,000, 5)`: the ", " separators show that "1,000" is one size; graded, and right."""
    assert parse_shape("(10, 1,000, 5)") == (10, 1000, 5) and parse_shape("1,000, 10, 5") == (1000, 10, 5)
    assert parse_shape("1,000,000, 2") == (1000000, 2)
    assert parse_shape("(10, 1,5)") == (10, 1, 5)            # not a group of three digits: three sizes
    assert parse_shape("(1000,100,5)") == (1000, 100, 5)     # no ", " anywhere: every comma parts sizes
    q = next(q for q in load_bank("01_input_shaping").questions if q.id == "01-layout-default")
    right = ", ".join(f"{size:,}" for size in q.answer)       # e.g. "10, 1,000, 5"
    assert "," in right.replace(", ", "") and grade(q, f"({right})").status == CORRECT


def question(question_id):
    return next(q for b in BANKS for q in b.questions if q.id == question_id)


def test_numbers_with_tolerance_and_known_mistakes():
    q = question("01-batches-per-epoch")
    assert grade(q, "13").status == CORRECT and grade(q, 13.0).status == CORRECT
    assert "smaller last batch" in grade(q, "12").message
    assert grade(q, "20").message == "too high."
    assert grade(q, "2").message == "too low."


@pytest.mark.parametrize("text, value", [("0.88", 0.88), ("0,88", 0.88), ("1,1", 1.1), (",5", 0.5), ("-1,5", -1.5),
                                         ("0,880", 0.88), ("12,3456", 12.3456), ("1,000,000", 1e6),
                                         ("1,000.5", 1000.5), ("1_000", 1000.0), ("2e-3", 0.002), (" 13 ", 13.0),
                                         (7, 7.0), (0.5, 0.5)])
def test_numbers_are_read_with_a_decimal_point_or_comma(text, value):
    assert parse_number(text) == (pytest.approx(value), False)


@pytest.mark.parametrize("text, value", [("88 %", 88.0), ("88%", 88.0), ("87,5 %", 87.5), ("0.5%", 0.5)])
def test_percentages_are_read_and_marked_as_percentages(text, value):
    assert parse_number(text) == (pytest.approx(value), True)


@pytest.mark.parametrize("text, why", [("1,000", "1000 (a thousands comma) or 1.000 (a decimal comma)"),
                                       ("12,345", "12345 (a thousands comma) or 12.345"),
                                       ("1.000,5", "could not read a number"), ("0.8.8", "could not read"),
                                       ("abc", "could not read"), ("1 000", "could not read"), ("nan", "could not read"),
                                       ("True", "could not read"), ("1e999", "could not read"),
                                       (float("inf"), "could not read")])
def test_numbers_that_could_mean_two_things_or_nothing_are_not_read(text, why):
    with pytest.raises(ValueError, match=re.escape(why)):
        parse_number(text)


def test_a_decimal_comma_is_read_as_a_learner_means_it_never_too_high():
    loss, batches = question("03-initial-loss"), question("01-batches-per-epoch")
    assert grade(loss, "1,1").status == CORRECT and grade(loss, "1,10").status == CORRECT
    assert "smaller" in grade(batches, "12,5").message      # 12.5, a known mistake, not 125
    ambiguous = grade(batches, "1,300")
    assert ambiguous.status == NOT_ATTEMPTED and "1300" in ambiguous.message and "1.300" in ambiguous.message
    assert grade(batches, "a dozen").status == NOT_ATTEMPTED


def test_a_fraction_question_reads_percentages_and_asks_for_a_fraction():
    recall = question("04-recall")
    assert recall.fraction and recall.answer == 0.88
    assert grade(recall, "0,88").status == CORRECT and grade(recall, "88 %").status == CORRECT
    assert grade(recall, "88%").status == CORRECT
    assert "precision" in grade(recall, "83 %").message
    assert grade(recall, "50 %").message == "too low."
    not_a_fraction = grade(recall, "88")
    assert not_a_fraction.status == NOT_ATTEMPTED and "between 0 and 1" in not_a_fraction.message
    assert "0.88" not in not_a_fraction.message


def test_a_percentage_where_a_plain_number_is_asked_is_not_read():
    batches = question("01-batches-per-epoch")
    result = grade(batches, "13 %")
    assert result.status == NOT_ATTEMPTED and "without %" in result.message


def test_multiple_choice_names_a_wrong_pick_or_counts_what_is_missing():
    q = next(q for q in load_bank("01_input_shaping").questions if q.type == "multiple")
    right = {i for i, o in enumerate(q.options) if o.correct}
    wrong = next(i for i, o in enumerate(q.options) if not o.correct)
    assert grade(q, right).status == CORRECT
    message = grade(q, right | {wrong}).message
    assert q.options[wrong].text in message and message.startswith(f"{'ABCD'[wrong]} (")
    assert "1 more option(s)" in grade(q, {min(right)}).message
    assert grade(q, set()).status == NOT_ATTEMPTED
    letters = ", ".join("ABCD"[i] for i in sorted(right))
    assert grade(q, letters).status == CORRECT and grade(q, letters.lower()).status == CORRECT
    assert grade(q, list(right)).status == CORRECT


def test_a_choice_that_names_no_option_is_not_attempted_never_another_option():
    q = seed_question()
    right = [o.correct for o in q.options].index(True)
    assert grade(q, "ABCD"[right]).status == CORRECT and grade(q, "abcd"[right]).status == CORRECT
    assert grade(q, right).status == CORRECT
    for answer in (7, 4, -1, "E", "Z", "AB", 1.5, True, {"A": 1}):
        result = grade(q, answer)
        assert result.status == NOT_ATTEMPTED, answer
        assert "A to D" in result.message and "0 to 3" in result.message
    fixes = [(-1, 'write 3 or "D"'), (-4, 'write 0 or "A"'), ("2", "write the number 2, without quotes"),
             (1.0, "write 1"), ([right], f"without brackets: {right}"), (True, "Python would count as 1")]
    for answer, fix in fixes:
        result = grade(q, answer)
        assert result.status == NOT_ATTEMPTED and fix in result.message, result
    multi = next(q for q in load_bank("01_input_shaping").questions if q.type == "multiple")
    for answer in ({0, 7}, {-1}, 2, "A, X", {"A", 2.5}):
        assert grade(multi, answer).status == NOT_ATTEMPTED, answer


def test_a_card_is_self_marked_not_graded():
    card = next(q for b in BANKS for q in b.questions if q.type == "card")
    result = grade(card, "anything")
    assert result.status == NOT_ATTEMPTED and "review card" in result.message
    assert f'review_cards(["{card.notebook}"])' in result.message and str(card.answer) not in result.message


def test_numpy_sizes_and_indices_are_accepted():
    q = seed_question()
    right = [o.correct for o in q.options].index(True)
    assert grade(q, np.int64(right)).status == CORRECT
    assert parse_shape((np.int64(1000), np.int32(10), 8)) == (1000, 10, 8)
    assert parse_shape((10, True)) is None and parse_shape((10, -1)) is None


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
    assert table["answered"].sum() == 1 and table["right"].sum() == 1 and table["to answer"].sum() == 9
    assert (table["revisit"] == "").all(), "nothing answered wrongly, so nothing to revisit"


def test_objective_breakdown_scores_only_answered_questions():
    questions = draw_course_test(BANKS, seed=0)
    first, second = questions[0], next(q for q in questions if q.objective != questions[0].objective)
    table = objective_breakdown(BANKS, questions, {first.id: True, second.id: False})
    assert table["answered"].sum() == 2 and table["right"].sum() == 1 and table["to answer"].sum() == 8
    revisit = table.loc[table["revisit"] != "", "revisit"].tolist()
    assert len(revisit) == 1 and revisit[0].startswith(second.notebook) and "§" in revisit[0]
    assert (table.loc[table["answered"] == 0, "revisit"] == "").all(), "an unanswered question is not a wrong one"


def test_an_answer_at_the_edge_of_the_tolerance_is_right_despite_floating_point():
    question = next(q for b in load_all_banks() for q in b.questions if q.id == "03-initial-loss")
    for typed in ("1.08", "1.12", "1,08"):
        assert grade(question, typed).status == CORRECT, typed


def test_a_percentage_below_one_percent_on_a_fraction_question_is_queried_not_called_too_low():
    question = next(q for b in load_all_banks() for q in b.questions if q.fraction)
    result = grade(question, "0.88 %")
    assert result.status == NOT_ATTEMPTED and "less than one percent" in result.message
