"""Lesson 06 (Predict at every step): the horizon slider, driven from Python; what its exercises' checks must
tell apart; the slider's messages for a learner's own forecasts (a mistake catalogue, see tests/mistakes.py);
and the stored notebook's copy of the slider for readers without widgets."""

import json
import re

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
import torch  # noqa: E402

from mistakes import Mistake, check_mistake, ids  # noqa: E402
from rnn_lesson.course import progress_store  # noqa: E402
from rnn_lesson.course.exercises import lesson06 as ex  # noqa: E402
from rnn_lesson.course.feedback import CORRECT, INCORRECT  # noqa: E402
from rnn_lesson.course.interactive.horizon import HorizonSlider, error_table, horizon_view  # noqa: E402
from rnn_lesson.course.lessons import find_lesson  # noqa: E402
from rnn_lesson.models import PerStepRNN  # noqa: E402
from rnn_lesson.series import forecast, teacher_forced  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(progress_store.ENV_VAR, str(tmp_path / "progress.json"))


# Three forecasts from the years 2000, 2001 and 2002, each 3 years long, of a series whose values are known.
FIRST_YEARS = torch.tensor([2000, 2001, 2002])
TRUTH = torch.tensor([[10.0, 20.0, 30.0], [20.0, 30.0, 40.0], [30.0, 40.0, 50.0]])
FORECASTS = {"held": TRUTH[:, :1].expand(-1, 3), "off by 2": TRUTH + 2}


# ---------- the view the slider shows ----------

def test_the_view_at_k_shows_the_values_forecast_k_years_ahead_and_their_errors():
    view = horizon_view(FIRST_YEARS, TRUTH, FORECASTS, k=3)
    assert view.times == [2002, 2003, 2004]                   # step 3 of a forecast from 2000 is for 2002
    assert view.truth == [30.0, 40.0, 50.0]
    assert view.forecasts["held"] == [10.0, 20.0, 30.0]       # the first year's value, held for 3 years
    assert view.errors == {"held": pytest.approx(20.0), "off by 2": pytest.approx(2.0)}
    one = horizon_view(FIRST_YEARS, TRUTH, FORECASTS, k=1)
    assert one.times == [2000, 2001, 2002] and one.errors["held"] == 0.0
    assert "smallest: off by 2" in view.alt() and "held 20.0" in view.alt() and "2002 to 2004" in view.alt()


def test_the_error_table_reads_as_text():
    table = error_table(horizon_view(FIRST_YEARS, TRUTH, FORECASTS, k=2))
    assert "<caption>Mean absolute error, forecasts made 2 year(s) ahead</caption>" in table
    assert "<td>held</td><td>10.0</td>" in table and "<td>off by 2</td><td>2.0</td>" in table


def test_the_slider_redraws_the_table_and_the_figure_when_moved():
    slider = HorizonSlider(FIRST_YEARS, TRUTH, FORECASTS, k=1)
    assert slider.slider.label == "years ahead" and slider.slider.label in slider.slider.spoken_name
    assert (slider.slider.min, slider.slider.max, slider.slider.step) == (1, 3, 1)
    assert "role='status'" in slider.table.value and "<td>held</td><td>0.0</td>" in slider.table.value
    slider.slider.value = 3
    assert "<td>held</td><td>20.0</td>" in slider.table.value
    assert 'alt="Line chart' in slider.picture.value and "made 3 year(s) ahead" in slider.picture.value
    slider.slider.value = 99                                   # kept within range, as the browser's slider is
    assert slider.view().k == 3


def test_the_static_copy_shows_the_starting_view_without_the_widget():
    bundle = HorizonSlider(FIRST_YEARS, TRUTH, FORECASTS, k=2)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "run the notebook" in bundle["text/html"] and "<td>off by 2</td><td>2.0</td>" in bundle["text/html"]
    assert 'alt="Line chart' in bundle["text/html"]
    assert bundle["text/plain"] == "HorizonSlider at 2 year(s) ahead (run the notebook to move it)"


def test_the_stored_notebook_keeps_the_slider_for_readers_without_widgets():
    cells = json.loads(find_lesson("06").path.read_text(encoding="utf-8"))["cells"]
    [cell] = [c for c in cells if "HorizonSlider(" in "".join(c["source"]) and c["cell_type"] == "code"]
    [bundle] = [o["data"] for o in cell["outputs"] if "data" in o]
    html = "".join(bundle["text/html"])
    assert "run the notebook" in html and re.search(r"<td>RNN, fed back</td><td>\d+\.\d</td>", html)
    assert 'alt="Line chart of the true values' in html


# ---------- the slider's messages: a mistake catalogue ----------

MISTAKES = [
    Mistake("truth with its feature axis", lambda: HorizonSlider(FIRST_YEARS, TRUTH[..., None], FORECASTS),
            ValueError, "expected the true values at each step of each forecast, (N, K)", "got (3, 3, 1)",
            "truth[..., 0]", fixed=lambda: HorizonSlider(FIRST_YEARS, TRUTH[..., None][..., 0], FORECASTS)),
    Mistake("a forecast with its feature axis",
            lambda: HorizonSlider(FIRST_YEARS, TRUTH, {"held": FORECASTS["held"][..., None]}),
            ValueError, "expected the shape of truth, (3, 3)", "got (3, 3, 1)", "forecasts['held'][..., 0]",
            fixed=lambda: HorizonSlider(FIRST_YEARS, TRUTH, {"held": FORECASTS["held"][..., None][..., 0]})),
    Mistake("one forecast, not a dict of them", lambda: HorizonSlider(FIRST_YEARS, TRUTH, TRUTH + 2), TypeError,
            "expected a dict of each method's forecasts by name", "got (3, 3)", "forecasts={'fed back': fed_back}",
            fixed=lambda: HorizonSlider(FIRST_YEARS, TRUTH, forecasts={"fed back": TRUTH + 2})),
    Mistake("the years of every step, not of each forecast's first",
            lambda: HorizonSlider(FIRST_YEARS[:, None] + torch.arange(3), TRUTH, FORECASTS), ValueError,
            "expected the time of each forecast's first step, (3,)", "got (3, 3)", "one time per forecast",
            no_code_fix="the learner picks the first column or the years the forecasts started"),
    Mistake("a horizon past the forecasts' end", lambda: horizon_view(FIRST_YEARS, TRUTH, FORECASTS, k=5), ValueError,
            "expected a whole number of steps ahead from 1 to 3", "got 5", "use k=3",
            fixed=lambda: horizon_view(FIRST_YEARS, TRUTH, FORECASTS, k=3)),
    Mistake("a horizon counted from 0", lambda: horizon_view(FIRST_YEARS, TRUTH, FORECASTS, k=0), ValueError,
            "from 1 to 3", "got 0", "use k=1", fixed=lambda: horizon_view(FIRST_YEARS, TRUTH, FORECASTS, k=1)),
]


@pytest.mark.parametrize("mistake", MISTAKES, ids=ids(MISTAKES))
def test_slider_mistake_gets_expected_got_and_fix(mistake):
    check_mistake(mistake)


# ---------- the exercises' checks: what they must tell apart ----------

def test_standardising_accepts_either_standard_deviation_and_names_the_leak():
    sample = ex.q1.answer_of(ex.q1.solution_code)
    population = ex.q1.answer_of("def standardise_by_training(series, n_train):\n"
                                 "    train = series[:n_train]\n"
                                 "    return (series - train.mean()) / train.var(correction=0).sqrt()")
    assert ex.q1.grade(sample).status == ex.q1.grade(population).status == CORRECT
    series, n_train = ex.rising_series(torch.Generator().manual_seed(3))
    assert not torch.allclose(sample(series, n_train), population(series, n_train)), "the two really differ"
    leaky = ex.q1.grade(lambda series, n_train: (series - series.mean()) / series.std())
    assert leaky.status == INCORRECT and "future" in leaky.message


def test_the_trial_series_run_higher_later_so_whole_series_statistics_differ():
    for seed in range(20):
        series, n_train = ex.rising_series(torch.Generator().manual_seed(seed))
        assert 0 < n_train < len(series) - 3
        assert series[n_train:].mean() > series[:n_train].mean()


def test_building_the_trial_models_leaves_the_global_random_generator_alone():
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    ex.model_and_history(torch.Generator().manual_seed(0))
    assert torch.equal(torch.rand(3), expected)


def test_the_forecast_trials_tell_feeding_back_from_teacher_forcing_and_a_lost_state():
    for seed in range(5):
        model, history, k = ex.model_and_history(torch.Generator().manual_seed(seed))
        assert history.shape[1] >= k >= 2 and model.rnn.input_size == model.head.out_features == history.shape[2]
        fed_back = forecast(model, history, k)
        for mistake in ex.FORECAST_MISTAKES:
            assert not torch.allclose(mistake.gives(model, history, k), fed_back, atol=1e-4), mistake.idea


def test_teacher_forcing_with_the_forecast_as_the_future_is_the_forecast():
    """The lesson's contrast in one line: fed its own predictions as the 'truth', teacher forcing is forecasting."""
    torch.manual_seed(0)
    model, history = PerStepRNN(2, hidden_size=5, output_size=2), torch.randn(3, 6, 2)
    fed_back = forecast(model, history, 4)
    assert torch.allclose(teacher_forced(model, history, fed_back), fed_back, atol=1e-6)
    assert torch.allclose(ex.q3.answer_of(ex.q3.solution_code)(model, history, 4), fed_back, atol=1e-6)


def test_a_forecast_that_tracks_gradients_is_right_with_a_note():
    no_switch = ex.q3.answer_of(ex.q3.right_answers[1].replace("    return torch.cat(steps, 1).detach()",
                                                              "    return torch.cat(steps, 1)"))
    result = ex.q3.grade(no_switch)
    assert result.status == CORRECT and "gradients" in result.message and "lesson 04 § 1" in result.message


def test_a_pair_check_names_the_unshifted_targets_and_a_single_tensor():
    same = ex.q2.grade(lambda windows: (windows[:, :-1], windows[:, :-1].clone()))
    assert same.status == INCORRECT and "copy its input" in same.message and "second tensor (targets)" in same.message
    single = ex.q2.grade(lambda windows: windows[:, 1:])
    assert single.status == INCORRECT and "expected two tensors" in single.message


def test_the_pair_trials_include_one_feature_and_one_window_so_squeezing_shows():
    shapes = [ex.trial_windows(trial).shape for trial in range(1, 6)]
    assert any(shape[2] == 1 and shape[0] > 1 for shape in shapes) and any(shape[0] == 1 for shape in shapes)
    for squeezed in (lambda w: (w[:, :-1].squeeze(-1), w[:, 1:].squeeze(-1)), lambda w: (w[:, :-1].squeeze(),
                                                                                         w[:, 1:].squeeze())):
        result = ex.q2.grade(squeezed)
        assert result.status == INCORRECT and "feature axis" in result.message and "(N, L, 1)" in result.message
