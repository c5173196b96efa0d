"""The pieces every exercise is built from: `Result`, comparing values, comparing functions."""

import pytest
import torch

from rnn_lesson.course.exercises.framework import compare_functions, compare_values, difference
from rnn_lesson.course.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED, Result, correct


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


def test_compare_functions_on_stubs_errors_and_non_functions():
    inputs = lambda g: (torch.ones(2),)  # noqa: E731
    assert compare_functions(lambda t: None, abs, inputs).status == NOT_ATTEMPTED
    assert "expected a function, got a int" in compare_functions(3, abs, inputs).message
    raised = compare_functions(lambda t: t.permute(1, 0), abs, inputs)
    assert raised.status == INCORRECT and "raised RuntimeError" in raised.message
    assert compare_functions(lambda t: t.abs(), torch.abs, lambda g: (torch.randn(3, generator=g),)).status == CORRECT
