"""The pieces every exercise is built from: `Result`, stepped hints, comparing values, comparing functions."""

import pytest
import torch

from rnn_lesson.course.exercises.compare import KnownMistake, compare_functions, compare_values, difference
from rnn_lesson.course.exercises.framework import does_nothing
from rnn_lesson.course.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED, Result, correct, hint_text


def test_result_statuses_and_display():
    assert bool(correct()) and not bool(Result(INCORRECT, "x"))
    assert str(Result(NOT_ATTEMPTED, "later")) == "… Not attempted yet: later"
    assert 'role="status"' in Result(INCORRECT, "a < b")._repr_html_()
    assert "a &lt; b" in Result(INCORRECT, "a < b")._repr_html_()
    with pytest.raises(ValueError, match="status"):
        Result("nearly", "")


def test_difference_names_shape_dtype_type_and_the_first_differing_value():
    expected = torch.zeros(2, 3)
    assert difference(expected.clone(), expected) is None
    assert "shape (3, 2); expected (2, 3)" in difference(torch.zeros(3, 2), expected)
    assert "should be a torch.Tensor" in difference([[0.0] * 3] * 2, expected)
    assert "dtype torch.int64" in difference(torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 3, dtype=torch.int32))
    changed = expected.clone()
    changed[1, 2] = 0.5
    assert "at index (1, 2) it holds 0.5000 where 0.0000 was expected" in difference(changed, expected)
    assert difference(torch.tensor(120), 120) is None and "is 115; expected 120" in difference(115, 120)


def test_compare_values_returns_a_result():
    assert compare_values(torch.ones(2), torch.ones(2)).status == CORRECT
    assert compare_values(torch.zeros(2), torch.ones(2)).status == INCORRECT


def test_compare_functions_reports_the_first_differing_input_with_both_results():
    result = compare_functions(lambda t: t * 2, lambda t: t * 3, lambda g: (torch.ones(2, 3),))
    assert result.status == INCORRECT
    assert "trial 1" in result.message and "(2, 3)" in result.message
    assert "2.0000" in result.message and "3.0000" in result.message


def test_compare_functions_on_functions_returning_none_errors_and_non_functions():
    inputs = lambda g: (torch.ones(2),)  # noqa: E731
    printed = compare_functions(lambda t: print(t.abs()), abs, inputs)
    assert printed.status == INCORRECT and "returned None" in printed.message and "return it instead" in printed.message
    assert "expected a function, got a int" in compare_functions(3, abs, inputs).message
    raised = compare_functions(lambda t: t.permute(1, 0), abs, inputs)
    assert raised.status == INCORRECT and "raised RuntimeError" in raised.message
    assert compare_functions(lambda t: t.abs(), torch.abs, lambda g: (torch.randn(3, generator=g),)).status == CORRECT


def test_difference_shows_numbers_as_numbers():
    assert difference("115", 115) == "your tensor is '115', a str; expected a number, 115."
    assert difference(torch.tensor(2.0), torch.tensor(1.0), name="loss") == "loss is 2.0000; expected 1.0000."
    counts = difference(torch.tensor([[1, 2]]), torch.tensor([[1, 3]]))
    assert "at index (0, 1) it holds 2 where 3 was expected" in counts


def test_compare_functions_names_the_idea_of_a_known_mistake():
    mistakes = [KnownMistake(lambda t: t * 2, "That doubles."), KnownMistake(lambda t: -t, "That negates.")]
    result = compare_functions(lambda t: -t, lambda t: t, lambda g: (torch.ones(2),), mistakes=mistakes)
    assert result.status == INCORRECT and result.message.endswith("was expected. That negates.")
    unknown = compare_functions(lambda t: t + 5, lambda t: t, lambda g: (torch.ones(2),), mistakes=mistakes)
    assert "That" not in unknown.message


def test_hint_text_steps_up_then_says_where_the_answer_is():
    hints = ["nudge", "pointer", "near"]
    assert hint_text(hints, 1, "see solution()") == "**Hint 1 of 3:** nudge"
    assert hint_text(hints, 3, "see solution()") == "**Hint 3 of 3:** near\n\nThat was the last hint. see solution()"
    assert hint_text(hints, 4, "see solution()") == "**No more hints.** see solution()"


def stub(h):
    """The notebook's starting code: a docstring, then `...`."""
    ...


def test_does_nothing_knows_a_stub_from_a_function_that_works_or_prints():
    assert does_nothing(stub) and does_nothing(lambda h: None)
    assert not does_nothing(lambda h: h) and not does_nothing(lambda h: print(h)) and not does_nothing(torch.abs)
    assert not does_nothing(torch.nn.Linear(2, 2))
