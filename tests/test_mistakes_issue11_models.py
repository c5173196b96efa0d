"""Mistakes with lengths and packing (lesson 07), the regressor and the per-step model, and the series helpers
(lesson 06). Each names what was expected, what came and the fix; `fixed` follows the fix."""

import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

from mistakes import Mistake, check_mistake, ids
from rnn_lesson.models import PerStepRNN, SequenceClassifier, SequenceRegressor
from rnn_lesson.series import (autoregression_predict, fit_autoregression, forecast, horizon_errors, make_windows,
                               persistence, teacher_forced)

torch.manual_seed(0)
SEQUENCES = [torch.randn(n, 5) for n in (6, 2, 4, 3)]
X = pad_sequence(SEQUENCES, batch_first=True)            # (4, 6, 5), padded at the end with zeros
LENGTHS = torch.tensor([6, 2, 4, 3])
FRONT = torch.stack([torch.cat([torch.zeros(6 - len(s), 5), s]) for s in SEQUENCES])   # padded at the front
PACKED = pack_padded_sequence(X, LENGTHS, batch_first=True, enforce_sorted=False)
SERIES = torch.sin(torch.arange(60.0) / 4)                # one series (T,) = (60,)
WX, WY = make_windows(SERIES, 12)                         # (48, 12, 1) windows and their next steps
HISTORY, FUTURE = WX[:3], WY[:3, -1:]                     # (3, 12, 1) and the next step (3, 1, 1)


def model():
    return SequenceClassifier()


def per_step(**kwargs):
    torch.manual_seed(0)
    return PerStepRNN(**{"input_size": 1, **kwargs})


MISTAKES = [
    Mistake("two sequences of different lengths in a list", lambda: model()(SEQUENCES[:2]), TypeError,
            "expected a torch.Tensor", "a list of 2 tensor(s) (6, 5) and (2, 5)", "give the model their lengths",
            fixed=lambda: model()(pad_sequence(SEQUENCES[:2], batch_first=True), LENGTHS[:2])),
    # ---------- lengths: lesson 07 § 2 (Packing) ----------
    Mistake("lengths as a Python list", lambda: model()(X, [6, 2, 4, 3]), TypeError,
            "lengths: expected a torch.Tensor", "got list [6, 2, 4, 3]", "torch.tensor(lengths, dtype=torch.long)",
            fixed=lambda: model()(X, torch.tensor([6, 2, 4, 3], dtype=torch.long))),
    Mistake("lengths of other sequences than x", lambda: model()(X[:3], LENGTHS), ValueError,
            "expected one length per sequence, shape (3,)", "got (4,)", "x[:3], lengths[:3]",
            fixed=lambda: model()(X[:3], LENGTHS[:3])),
    Mistake("lengths as a column (N, 1)", lambda: model()(X, LENGTHS.view(-1, 1)), ValueError,
            "expected one length per sequence, shape (4,)", "got (4, 1)", "lengths.view(-1)",
            fixed=lambda: model()(X, LENGTHS.view(-1, 1).view(-1))),
    Mistake("lengths with an empty sequence", lambda: model()(X, torch.tensor([6, 0, 4, 3])), ValueError,
            "expected at least 1 step per sequence", "got 0 for sequence 1", "keep = lengths > 0",
            fixed=lambda: (lambda keep: model()(X[keep], torch.tensor([6, 0, 4, 3])[keep]))(
                torch.tensor([6, 0, 4, 3]) > 0)),
    Mistake("lengths longer than the padded steps", lambda: model()(X[:, :5], LENGTHS), ValueError,
            "expected at most 5, the steps of x (4, 5, 5)", "got 6 for sequence 0", "lengths.clamp(max=5)",
            fixed=lambda: model()(X[:, :5], LENGTHS.clamp(max=5))),
    Mistake("lengths as whole floats", lambda: model()(X, LENGTHS.float()), TypeError,
            "expected whole numbers of dtype torch.long", "got torch.float32", "lengths.long()",
            fixed=lambda: model()(X, LENGTHS.float().long())),
    Mistake("lengths as fractions (a feature, not a count)", lambda: model()(X, X[:, 0, 0].abs() + 1), ValueError,
            "expected whole numbers of steps", "got values such as", "number of real (unpadded) steps",
            no_code_fix="count each sequence's real steps; which numbers those are depends on the data"),
    Mistake("lengths beside a PackedSequence", lambda: model()(PACKED, LENGTHS), ValueError,
            "expected none with a PackedSequence", "got a tensor (4,)", "call model(packed) alone",
            fixed=lambda: model()(PACKED)),
    Mistake("end-padded batch without lengths", lambda: model()(X), UserWarning,
            "expected each sequence to end at its last real step", "end in different numbers of all-zero steps",
            "pass the lengths: model(x, lengths)", fixed=lambda: model()(X, LENGTHS)),
    Mistake("end-padded batch without lengths, padded at the front instead", lambda: model()(X), UserWarning,
            "expected each sequence to end at its last real step", "looks like padding at the end",
            "or pad at the front", fixed=lambda: model()(FRONT)),
    Mistake("float32 batch for a bfloat16 model", lambda: model().to(torch.bfloat16)(X, LENGTHS), TypeError,
            "expected torch.bfloat16 on cpu, like the model's weights", "got torch.float32",
            "x.to('cpu', torch.bfloat16)",
            fixed=lambda: model().to(torch.bfloat16)(X.to("cpu", torch.bfloat16), LENGTHS)),
    Mistake("float32 PackedSequence for a float64 model", lambda: model().double()(PACKED), TypeError,
            "expected torch.float64 on cpu", "got torch.float32", "x.to('cpu', torch.float64)",
            fixed=lambda: model().double()(PACKED.to("cpu", torch.float64))),

    # ---------- SequenceRegressor and PerStepRNN ----------
    Mistake("SequenceRegressor built time first", lambda: SequenceRegressor(5, batch_first=False), ValueError,
            "expected True, as SequenceRegressor always uses batch_first=True", "got bool False",
            "x.transpose(0, 1)", fixed=lambda: SequenceRegressor(5)(X.transpose(0, 1).transpose(0, 1), LENGTHS)),
    Mistake("PerStepRNN task spelt 'regression'", lambda: PerStepRNN(1, task="regression"), ValueError,
            "expected 'regress'", "got str 'regression'", "use task='regress'",
            fixed=lambda: PerStepRNN(1, task="regress")),
    Mistake("per-step classifier with one output", lambda: PerStepRNN(5, output_size=1, task="classify"), ValueError,
            "expected a whole number of at least 2", "got 1", "output_size=2 or more",
            fixed=lambda: PerStepRNN(5, output_size=2, task="classify")),
    Mistake("PerStepRNN given h0 without its layer axis", lambda: per_step(hidden_size=4)(HISTORY, torch.zeros(3, 4)),
            ValueError, "h0: expected (1, 3, 4)", "got (3, 4)", "torch.zeros(1, 3, 4)",
            fixed=lambda: per_step(hidden_size=4)(HISTORY, torch.zeros(1, 3, 4))),

    # ---------- series: lesson 06 ----------
    Mistake("make_windows as long as the series", lambda: make_windows(SERIES, 60), ValueError,
            "expected fewer steps than the series has, at most 59", "got 60", "length=30",
            fixed=lambda: make_windows(SERIES, 30)),
    Mistake("make_windows on a series laid out features first", lambda: make_windows(SERIES.view(1, -1), 12),
            ValueError, "expected one series laid out time first", "got (1, 60)", "use series.T",
            fixed=lambda: make_windows(SERIES.view(1, -1).T, 12)),
    Mistake("make_windows on a batch of series", lambda: make_windows(SERIES.view(1, -1, 1), 12), ValueError,
            "expected one series, (T,) or (T, F)", "got 3 dimensions (1, 60, 1)", "series[0]",
            fixed=lambda: make_windows(SERIES.view(1, -1, 1)[0], 12)),
    Mistake("make_windows on several series (N, T)", lambda: make_windows(torch.randn(5, 100), 10), ValueError,
            "expected one series, (T,) or (T, F)", "looks like 5 series of 100 steps", "series[0]",
            fixed=lambda: make_windows(torch.randn(5, 100)[0], 10)),
    Mistake("make_windows on a series laid out (F, T)", lambda: make_windows(torch.randn(5, 100), 10), ValueError,
            "expected one series, (T,) or (T, F)", "(or features first)", "series.T",
            fixed=lambda: make_windows(torch.randn(5, 100).T, 10)),
    Mistake("make_windows on integer counts", lambda: make_windows(torch.arange(60), 12), TypeError,
            "expected floating-point values", "got dtype torch.int64", "series.float()",
            fixed=lambda: make_windows(torch.arange(60).float(), 12)),
    Mistake("make_windows with the window length as text", lambda: make_windows(SERIES, "12"), TypeError,
            "length: expected a whole number", "got str '12'", "write length=12 without quotes",
            fixed=lambda: make_windows(SERIES, 12)),
    Mistake("autoregression on several features", lambda: fit_autoregression(torch.randn(60, 3), 2), ValueError,
            "expected one feature", "got (60, 3)", "series[:, 0]",
            fixed=lambda: fit_autoregression(torch.randn(60, 3)[:, 0], 2)),
    Mistake("autoregression of too high an order", lambda: fit_autoregression(SERIES[:9], 5), ValueError,
            "expected at most 4 for a series of 9 values", "got 5", "use order=4",
            fixed=lambda: fit_autoregression(SERIES[:9], 4)),
    Mistake("autoregression on windows with several features",
            lambda: autoregression_predict(fit_autoregression(SERIES, 2), WX.expand(-1, -1, 3)), ValueError,
            "expected one feature per step, (N, L, 1)", "got (48, 12, 3)", "x[..., :1]",
            fixed=lambda: autoregression_predict(fit_autoregression(SERIES, 2), WX.expand(-1, -1, 3)[..., :1])),
    Mistake("persistence on windows without a feature axis", lambda: persistence(WX[..., 0]), ValueError,
            "expected 3 dimensions (batch, seq_len, features)", "got (48, 12)", "x.unsqueeze(-1)",
            fixed=lambda: persistence(WX[..., 0].unsqueeze(-1))),
    Mistake("autoregression_predict on windows without a feature axis",
            lambda: autoregression_predict(fit_autoregression(SERIES, 2), WX[..., 0]), ValueError,
            "expected 3 dimensions (batch, seq_len, features) with features = 1", "got (48, 12)", "x.unsqueeze(-1)",
            fixed=lambda: autoregression_predict(fit_autoregression(SERIES, 2), WX[..., 0].unsqueeze(-1))),
    Mistake("autoregression_predict given the series, not the coefficients",
            lambda: autoregression_predict(SERIES.view(-1, 1), WX), ValueError,
            "expected (order + 1,)", "got (60, 1)", "fit_autoregression(series, order)",
            fixed=lambda: autoregression_predict(fit_autoregression(SERIES, 2), WX)),
    Mistake("forecast with a classifier", lambda: forecast(SequenceClassifier(input_size=1), HISTORY, 5), TypeError,
            "expected a per-step model with forward_with_state", "got a SequenceClassifier",
            "PerStepRNN(input_size=1, output_size=1)",
            fixed=lambda: forecast(PerStepRNN(input_size=1, output_size=1), HISTORY, 5)),
    Mistake("forecast with fewer outputs than inputs",
            lambda: forecast(PerStepRNN(3), HISTORY.expand(-1, -1, 3), 5), ValueError,
            "expected one direction and as many outputs as inputs", "input_size=3, output_size=1",
            "PerStepRNN(input_size=3, output_size=3)",
            fixed=lambda: forecast(PerStepRNN(input_size=3, output_size=3), HISTORY.expand(-1, -1, 3), 5)),
    Mistake("forecast with a bidirectional model", lambda: forecast(per_step(bidirectional=True), HISTORY, 5),
            ValueError, "expected one direction", "bidirectional=True", "PerStepRNN(input_size=1, output_size=1)",
            fixed=lambda: forecast(PerStepRNN(input_size=1, output_size=1), HISTORY, 5)),
    Mistake("forecast with a history laid out features first", lambda: forecast(per_step(), SERIES.view(1, -1), 5),
            ValueError, "(seq_len, features) = (L, 1)", "got (1, 60)", "history.T",
            fixed=lambda: forecast(per_step(), SERIES.view(1, -1).T, 5)),
    Mistake("forecast with a history without a feature axis", lambda: forecast(per_step(), SERIES, 5), ValueError,
            "expected 3 dimensions", "got 1 dimensions (60,)", "history.view(1, -1, 1)",
            fixed=lambda: forecast(per_step(), SERIES.view(1, -1, 1), 5)),
    Mistake("teacher forcing with futures of other sequences", lambda: teacher_forced(per_step(), HISTORY, WY[:4]),
            ValueError, "expected the continuation of each of the 3 histories", "got (4, 12, 1)",
            "slice history and future the same way", fixed=lambda: teacher_forced(per_step(), HISTORY, WY[:3])),
    Mistake("horizon errors against truth without a feature axis",
            lambda: horizon_errors(forecast(per_step(), HISTORY, 5), WY[:3, :5, 0]), ValueError,
            "expected the shape of predictions, (3, 5, 1)", "got (3, 5)", "truth.reshape(3, 5, 1)",
            fixed=lambda: horizon_errors(forecast(per_step(), HISTORY, 5), WY[:3, :5, 0].reshape(3, 5, 1))),
    Mistake("horizon errors against a longer truth",
            lambda: horizon_errors(forecast(per_step(), HISTORY, 5), WY[:3]), ValueError,
            "expected the shape of predictions, (3, 5, 1)", "got (3, 12, 1)", "truth[:, :5]",
            fixed=lambda: horizon_errors(forecast(per_step(), HISTORY, 5), WY[:3][:, :5])),
]


@pytest.mark.parametrize("mistake", MISTAKES, ids=ids(MISTAKES))
def test_mistake(mistake):
    check_mistake(mistake)
