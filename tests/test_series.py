"""One series over time (lesson 06): windows, the two baselines, forecasting by feeding predictions back,
teacher forcing, and the error over the horizon. Each is checked against the same computation by hand."""

import pytest
import torch

from rnn_lesson.models import PerStepRNN
from rnn_lesson.series import (autoregression_predict, fit_autoregression, forecast, horizon_errors, make_windows,
                               persistence, teacher_forced)

INTERCEPT, A1, A2 = 0.5, 0.6, -0.3  # s[t] = 0.5 + 0.6 s[t-1] - 0.3 s[t-2] + noise: a stable AR(2)


def ar2_series(steps: int = 4000, noise: float = 0.1, seed: int = 0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    shocks = noise * torch.randn(steps, generator=generator, dtype=torch.float64)
    values = [0.0, 0.0]
    for t in range(2, steps):
        values.append(INTERCEPT + A1 * values[-1] + A2 * values[-2] + float(shocks[t]))
    return torch.tensor(values, dtype=torch.float32)


def trained_like_model(input_size: int = 1, **kwargs) -> PerStepRNN:
    torch.manual_seed(0)
    return PerStepRNN(input_size=input_size, hidden_size=6, output_size=input_size, **kwargs)


# ---------- windows ----------

@pytest.mark.parametrize("features", [None, 1, 3])
def test_windows_are_the_series_and_the_series_one_step_later(features):
    series = torch.randn(30) if features is None else torch.randn(30, features)
    x, y = make_windows(series, 8)
    series = series.view(30, -1)
    assert x.shape == y.shape == (22, 8, series.shape[1])           # N = T - length
    for i in range(22):
        assert torch.equal(x[i], series[i:i + 8]) and torch.equal(y[i], series[i + 1:i + 9])
    assert torch.equal(y[:, :-1], x[:, 1:]), "the target at step t is the input at step t + 1: a shift of exactly one"
    assert torch.equal(x[1:, -1], y[:-1, -1]), "windows stay in time order, one step apart"


def test_the_longest_window_leaves_one_target():
    x, y = make_windows(torch.arange(5.0), 4)
    assert x.tolist() == [[[0.0], [1.0], [2.0], [3.0]]] and y[0, -1].item() == 4.0


def test_several_series_are_refused_rather_than_read_as_one_series_of_many_features():
    several = torch.randn(5, 100)                                      # 5 series of 100 steps
    with pytest.raises(ValueError, match=r"looks like 5 series of 100 steps"):
        make_windows(several, 10)                                      # would cut 100-feature windows of 4 steps
    assert make_windows(several[0], 10)[0].shape == (90, 10, 1)
    assert make_windows(several.T, 10)[0].shape == (90, 10, 5)
    assert make_windows(torch.randn(5, 3), 4)[0].shape == (1, 4, 3)   # more steps than features: left alone


# ---------- baselines ----------

def test_persistence_predicts_the_current_value_as_the_next():
    x, y = make_windows(torch.randn(40, 2), 5)
    predicted = persistence(x)
    assert torch.equal(predicted, x) and predicted.data_ptr() != x.data_ptr()
    assert torch.equal(predicted[:, 1:], y[:, :-1]), "persistence is right exactly when the series stands still"


def test_autoregression_recovers_the_coefficients_of_an_ar2_series():
    coefficients = fit_autoregression(ar2_series(), order=2)
    assert coefficients.shape == (3,) and coefficients.dtype == torch.float32
    torch.testing.assert_close(coefficients, torch.tensor([INTERCEPT, A1, A2]), atol=0.05, rtol=0)


def test_autoregression_of_a_noiseless_series_is_exact():
    series = ar2_series(steps=60, noise=0.0)  # settles towards its mean; least squares finds the rule itself
    coefficients = fit_autoregression(series.double(), order=2)
    assert coefficients.dtype == torch.float64
    torch.testing.assert_close(coefficients, torch.tensor([INTERCEPT, A1, A2], dtype=torch.float64), atol=1e-4, rtol=0)


def test_autoregression_predictions_follow_the_documented_rule_at_every_step():
    coefficients = torch.tensor([0.1, 0.5, -0.2, 0.3])  # order 3: intercept, then lags 1, 2, 3
    x = torch.randn(4, 6, 1)
    predicted = autoregression_predict(coefficients, x)
    assert predicted.shape == (4, 6, 1)
    for t in range(6):
        lag = [x[:, max(t - k, 0), 0] for k in range(3)]  # older values than the window has: its first value
        expected = 0.1 + 0.5 * lag[0] - 0.2 * lag[1] + 0.3 * lag[2]
        torch.testing.assert_close(predicted[:, t, 0], expected)


@pytest.mark.parametrize("baseline", [persistence, lambda x: autoregression_predict(torch.tensor([0.1, 0.5]), x)])
def test_baselines_refuse_windows_without_a_feature_axis_and_the_fix_gives_the_3d_result(baseline):
    x, _ = make_windows(torch.randn(30), 6)                            # (24, 6, 1)
    with pytest.raises(ValueError, match=r"x\.unsqueeze\(-1\)") as caught:
        baseline(x[..., 0])                                            # (24, 6): the feature axis dropped
    assert "batch dimension" not in str(caught.value)
    torch.testing.assert_close(baseline(x[..., 0].unsqueeze(-1)), baseline(x))


def test_on_an_ar2_series_the_autoregression_beats_persistence():
    series = ar2_series()
    train, test = series[:3000], series[3000:]
    x, y = make_windows(test, 20)
    coefficients = fit_autoregression(train, order=2)
    ar_error = (autoregression_predict(coefficients, x) - y)[:, 1:].pow(2).mean()
    persistence_error = (persistence(x) - y)[:, 1:].pow(2).mean()
    assert ar_error < 0.011   # the noise variance, 0.01, is the least any predictor can reach
    assert ar_error < 0.75 * persistence_error   # in theory 0.010 against 0.015 for this AR(2)


# ---------- forecasting: own predictions fed back, or the truth (teacher forcing) ----------

@pytest.mark.parametrize("kwargs", [{}, {"cell": "lstm", "num_layers": 2}, {"input_size": 2}])
def test_forecast_feeds_each_prediction_back_as_a_hand_loop_does(kwargs):
    model = trained_like_model(**kwargs)
    history = torch.randn(3, 12, model.rnn.input_size)
    forecasts = forecast(model, history, steps=5)
    assert forecasts.shape == (3, 5, model.rnn.input_size)
    seen = history
    for k in range(5):  # no state carried by hand: rerun the model on the history and the forecasts so far
        with torch.no_grad():
            next_value = model(seen)[:, -1:]
        torch.testing.assert_close(forecasts[:, k:k + 1], next_value)
        seen = torch.cat([seen, next_value], dim=1)


def test_forecast_of_one_history_and_a_batch_agree():
    model = trained_like_model()
    history = torch.randn(12, 1)
    assert forecast(model, history, 4).shape == (4, 1)
    torch.testing.assert_close(forecast(model, history, 4), forecast(model, history.unsqueeze(0), 4)[0])


def test_forecast_runs_in_eval_mode_without_gradients_and_restores_the_mode():
    model = trained_like_model(num_layers=2, dropout=0.5)
    history = torch.randn(2, 10, 1)
    first = forecast(model, history, 6)
    assert model.training, "the model's training mode is given back"
    assert not first.requires_grad
    torch.testing.assert_close(forecast(model, history, 6), first)  # dropout off: the same forecast twice
    model.eval()
    forecast(model, history, 2)
    assert not model.training


def test_forecast_works_for_a_float64_model():
    model = trained_like_model().double()
    assert forecast(model, torch.randn(2, 8, 1, dtype=torch.float64), 3).dtype == torch.float64


def test_teacher_forcing_is_the_model_on_the_true_series():
    model = trained_like_model()
    series = torch.randn(2, 20, 1)
    history, future = series[:, :14], series[:, 14:]
    predicted = teacher_forced(model, history, future)
    assert predicted.shape == (2, 6, 1)
    with torch.no_grad():
        on_truth = model(series)
    torch.testing.assert_close(predicted, on_truth[:, 13:19])  # prediction k is made at step 13 + k
    torch.testing.assert_close(predicted[:, 0], forecast(model, history, 6)[:, 0])  # the first step is the same
    assert not torch.allclose(predicted[:, 1:], forecast(model, history, 6)[:, 1:]), "then they part"
    torch.testing.assert_close(teacher_forced(model, history[0], future[0]), predicted[0])


def test_horizon_errors_average_over_sequences_and_features_per_step():
    predictions = torch.tensor([[[1.0, 2.0], [0.0, 0.0]], [[3.0, 2.0], [0.0, 4.0]]])  # (2, 2 steps, 2)
    truth = torch.zeros(2, 2, 2)
    assert horizon_errors(predictions, truth).tolist() == [2.0, 1.0]
    assert horizon_errors(predictions[0], truth[0]).tolist() == [1.5, 0.0]


def test_feeding_predictions_back_lets_errors_grow_along_the_horizon():
    series = ar2_series(steps=600)
    coefficients = fit_autoregression(series[:400], order=2)

    class AutoregressionAsModel(PerStepRNN):  # the fitted AR(2) behind PerStepRNN's interface, to forecast with it
        def forward_with_state(self, x, h0=None):
            recent = x if h0 is None else torch.cat([h0, x], dim=1)
            return autoregression_predict(coefficients, recent)[:, -x.shape[1]:], recent[:, -2:]

    model = AutoregressionAsModel(input_size=1)
    x, y = make_windows(series[400:], 30)
    history, future = x[:, :20], x[:, 20:]
    fed_back = horizon_errors(forecast(model, history, 10), future)
    forced = horizon_errors(teacher_forced(model, history, future), future)
    assert fed_back[0] == pytest.approx(float(forced[0]))
    assert fed_back[-3:].mean() > 1.15 * forced[-3:].mean()
