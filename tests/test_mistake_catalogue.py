"""The catalogue as a whole: at least 100 learner mistakes, named uniquely, most with a fix that is followed."""

import test_mistakes
import test_mistakes_course
import test_mistakes_data
import test_mistakes_issue11_data
import test_mistakes_issue11_models
import test_mistakes_issue11_recurrence
import test_mistakes_issue11_trace
import test_mistakes_issue11_training
import test_mistakes_layers
import test_mistakes_tools

CATALOGUE = (test_mistakes.MISTAKES + test_mistakes_data.MISTAKES + test_mistakes_layers.MISTAKES
             + test_mistakes_course.MISTAKES + test_mistakes_tools.MISTAKES
             + test_mistakes_issue11_data.MISTAKES + test_mistakes_issue11_models.MISTAKES
             + test_mistakes_issue11_trace.MISTAKES + test_mistakes_issue11_training.MISTAKES
             + test_mistakes_issue11_recurrence.MISTAKES)


def test_the_catalogue_holds_at_least_100_distinct_mistakes():
    names = [m.what for m in CATALOGUE]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    followed = sum(m.fixed is not None for m in CATALOGUE)
    print(f"{len(CATALOGUE)} mistakes, {followed} with a fix that is applied and then succeeds")
    assert len(CATALOGUE) >= 100
