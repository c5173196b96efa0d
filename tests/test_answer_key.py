"""The instructor material: the answer key is generated, complete, and the guide has what a workshop needs."""

from rnn_lesson.course.exercises import lesson01
from rnn_lesson.course.lessons import LESSONS
from rnn_lesson.course.paths import INSTRUCTOR_DIR, ROOT
from rnn_lesson.course.workshop.answer_key import answer_key


def test_committed_answer_key_is_generated_not_edited():
    committed = (INSTRUCTOR_DIR / "answer_key.md").read_text(encoding="utf-8")
    assert committed == answer_key(), "run `make answer-key` after changing a quiz bank or an exercise"


def test_answer_key_holds_every_lesson_solution_and_answer():
    key = answer_key()
    assert all(f"(`{lesson.notebook}`)" in key for lesson in LESSONS)
    assert "02-seed-output-shape" in key and "`(1000, 10, 8)`: right" in key
    assert lesson01.q3.solution_code.strip() in key
    assert lesson01.q3.right_answers[0].strip() in key, "the other right answers are listed"
    wrong = lesson01.q3.wrong_answers[0]
    assert f"# says: {', '.join(wrong.words())}\n{wrong.code.strip()}" in key, "so are the wrong ones, with their words"


def test_instructor_guide_has_schedules_and_setup_email():
    guide = (INSTRUCTOR_DIR / "GUIDE.md").read_text(encoding="utf-8")
    for needed in ("2.5-hour", "90-minute", "python -m rnn_lesson check", "wheelhouse", "answer_key.md"):
        assert needed in guide
    assert "instructor/GUIDE.md" in (ROOT / "README.md").read_text(encoding="utf-8")
