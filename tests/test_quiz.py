"""Quiz banks, grading, and the widgets driven the way a learner drives them."""

import html
import re
from pathlib import Path

import pytest

from rnn_lesson import progress_file as progress
from rnn_lesson.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED
from rnn_lesson.quiz import (DIFFICULTIES, TYPES, answer_text, draw_course_test, grade, load_all_banks, load_bank,
                             order_cards, parse_shape)
from rnn_lesson.quiz_widgets import course_test, review_cards, show_quiz

ROOT = Path(__file__).resolve().parent.parent
BANKS = load_all_banks()


@pytest.fixture(autouse=True)
def fresh_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(progress.ENV_VAR, str(tmp_path / "progress.json"))


def notebook_headings(notebook: str) -> list[str]:
    import json
    cells = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return [h.replace("`", "").strip() for h in re.findall(r"^#+ (.*)$", text, flags=re.M)]


# ---------- the bank validator ----------

def test_there_is_a_bank_for_every_notebook():
    notebooks = {p.stem for p in (ROOT / "notebooks").glob("0*.ipynb")}
    assert notebooks <= {b.notebook for b in BANKS}


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.notebook)
def test_bank_is_valid(bank):
    ids = [q.id for q in bank.questions]
    assert len(ids) == len(set(ids)), "question ids must be unique"
    headings = notebook_headings(bank.notebook)
    for objective in bank.objectives.values():
        assert any(h.startswith(objective.section) for h in headings), f"no section '{objective.section}'"
    for q in bank.questions:
        assert q.type in TYPES and q.difficulty in DIFFICULTIES, q.id
        assert q.objective in bank.objectives, f"{q.id}: unknown objective {q.objective}"
        assert q.prompt.strip(), q.id
        if q.type in ("single", "multiple"):
            assert all(o.explanation.strip() for o in q.options), f"{q.id}: every option needs an explanation"
            n_correct = sum(o.correct for o in q.options)
            assert n_correct == 1 if q.type == "single" else n_correct >= 1, q.id
        if q.type in ("shape", "number", "card"):
            assert q.answer is not None, q.id
    quiz = [q for q in bank.questions if q.type != "card"]
    assert 3 <= len(quiz) <= 6 and {q.difficulty for q in quiz} == set(DIFFICULTIES)


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.notebook)
def test_every_question_accepts_its_own_answer(bank):
    for q in bank.questions:
        if q.type == "single":
            assert grade(q, [o.correct for o in q.options].index(True)).status == CORRECT
        elif q.type == "multiple":
            assert grade(q, {i for i, o in enumerate(q.options) if o.correct}).status == CORRECT
        elif q.type in ("shape", "number"):
            assert grade(q, answer_text(q)).status == CORRECT, q.id


def test_every_notebook_quiz_loads():
    for bank in BANKS:
        assert show_quiz(bank.notebook).questions


# ---------- grading ----------

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


def test_multiple_choice_names_a_wrong_pick_or_counts_what_is_missing():
    q = next(q for q in load_bank("01_input_shaping").questions if q.type == "multiple")
    right = {i for i, o in enumerate(q.options) if o.correct}
    wrong = next(i for i, o in enumerate(q.options) if not o.correct)
    assert grade(q, right).status == CORRECT
    assert q.options[wrong].text in grade(q, right | {wrong}).message
    assert "1 more option(s)" in grade(q, {min(right)}).message
    assert grade(q, set()).status == NOT_ATTEMPTED


def test_course_test_draws_ten_by_difficulty_from_several_banks():
    questions = draw_course_test(BANKS, seed=0)
    assert [q.difficulty for q in questions] == ["easy"] * 3 + ["medium"] * 4 + ["hard"] * 3
    assert len({q.id for q in questions}) == 10
    assert draw_course_test(BANKS, seed=0) == questions


def test_cards_not_yet_come_first():
    cards = [q for b in BANKS for q in b.questions if q.type == "card"]
    seen = {cards[0].id: "got it", cards[-1].id: "not yet"}
    ordered = order_cards(cards, seen)
    assert ordered[0].id == cards[-1].id and ordered[-1].id == cards[0].id


# ---------- widgets, driven as a learner would ----------

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
    recorded = progress.load_progress()["notebooks"]["02_the_rnn_layer"]["quiz"]
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
    assert "<details>" in bundle["text/html"] and "nn.RNN(5, 8, batch_first=True)" in bundle["text/html"]
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
    assert progress.load_progress()["cards"][first.id] == "not yet"
    again = review_cards()
    assert again.cards[0].id == first.id
    assert "<details>" in again._repr_mimebundle_()["text/html"]


def test_every_objective_is_assessed_by_a_quiz_question_or_an_exercise():
    from rnn_lesson import exercise_sets

    exercises = [ex for name in dir(exercise_sets) if name.startswith("lesson")
                 for ex in vars(getattr(exercise_sets, name)).values()]
    for bank in BANKS:
        assessed = {q.objective for q in bank.questions if q.type != "card"}
        assessed |= {ex.objective for ex in exercises if ex.notebook == bank.notebook}
        assert set(bank.objectives) <= assessed, f"{bank.notebook}: {set(bank.objectives) - assessed} unassessed"
        assert 3 <= len(bank.objectives) <= 6
    for ex in exercises:
        bank = next(b for b in BANKS if b.notebook == ex.notebook)
        assert ex.objective in bank.objectives, f"{ex.notebook} {ex.id}: unknown objective {ex.objective}"


def test_objectives_listed_in_the_notebook_match_the_bank():
    import json
    for bank in BANKS:
        cells = json.loads((ROOT / "notebooks" / f"{bank.notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
        opening = "".join(cells[0]["source"])
        listed = re.findall(r"^\d\. (.+)$", opening, flags=re.M)
        assert len(listed) == len(bank.objectives), f"{bank.notebook}: {len(listed)} objectives listed"


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.notebook)
def test_stored_notebook_carries_the_static_quiz_with_its_questions(bank):
    import json
    cells = json.loads((ROOT / "notebooks" / f"{bank.notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
    html_outputs = ["".join(o["data"]["text/html"]) for c in cells if c["cell_type"] == "code"
                    for o in c["outputs"] if "text/html" in o.get("data", {})
                    and "rnn-lesson-quiz" in "".join(o["data"]["text/html"])]
    assert html_outputs, "no static quiz copy stored"
    quiz_html = html_outputs[0]
    assert quiz_html.count("<details>") == sum(q.type != "card" for q in bank.questions)
    for q in bank.questions:
        if q.type != "card":
            first_words = re.sub(r"[`*]", "", q.prompt.strip().splitlines()[-1])[:25]
            assert first_words.split("(")[0][:15] in html.unescape(re.sub(r"<[^>]+>", "", quiz_html)), q.id
