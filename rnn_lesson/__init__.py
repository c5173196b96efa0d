"""rnn_lesson: the small helper module the course's notebooks import. Open its files to read them.

    data.py        the course data set: make, load (checked), split, batch     lesson 01
    checks.py      input checks whose errors say what came, what was expected, and the fix
    recurrence.py  the recurrence by hand: rnn_step, manual_rnn                lessons 02, 07
    models.py      SequenceClassifier, SequenceRegressor, PerStepRNN, the      lessons 03, 06, 07
                   order-blind baseline
    series.py      one series: windows, baselines, forecasting                 lesson 06
    real_data.py   the real data sets (sunspots, Japanese vowels), padding     lessons 06, 07
    training.py    fit, evaluate, History                                      lessons 03, 06, 07
    targets.py     what fit checks before its loop, and the loss it picks      lessons 03, 06
    trace.py       data_flow and prediction_trace: data through a model        lessons 01-04
    plots.py       the figures, each with alt text                             lessons 01-07
    figures.py     a figure that carries its alt text into the notebook        every lesson
    device.py      pick_device and the version line                            every lesson

Every name below is importable from here: `from rnn_lesson import fit, load_dataset`.
The quizzes, exercise checks, progress and workshop tools live in `rnn_lesson.course`,
which nothing above imports.
"""

from rnn_lesson.device import matplotlib_cache_folder

matplotlib_cache_folder()  # before plots.py imports matplotlib: a read-only home folder prints no warning

from rnn_lesson.checks import check_h0, check_labels, check_sequences, shape_str  # noqa: E402
from rnn_lesson.data import (
    CLASS_NAMES,
    DATA_PATH,
    load_dataset,
    make_loader,
    make_sequences,
    save_dataset,
    time_split,
    train_val_split,
)
from rnn_lesson.device import environment_report, pick_device
from rnn_lesson.models import OrderBlindBaseline, PerStepRNN, SequenceClassifier, SequenceRegressor
from rnn_lesson.plots import (
    figure_html,
    figure_png,
    plot_hidden_states,
    plot_forecast,
    plot_history,
    plot_sequences_by_class,
    show_figure,
)
from rnn_lesson.real_data import (
    VowelData,
    feature_stats,
    load_japanese_vowels,
    load_sunspots,
    pad_sequences,
    standardise,
)
from rnn_lesson.recurrence import manual_rnn, rnn_step
from rnn_lesson.series import (
    autoregression_predict,
    fit_autoregression,
    forecast,
    horizon_errors,
    make_windows,
    persistence,
    teacher_forced,
)
from rnn_lesson.trace import data_flow, prediction_trace
from rnn_lesson.training import History, evaluate, fit

__all__ = [
    "CLASS_NAMES", "DATA_PATH", "History", "OrderBlindBaseline", "PerStepRNN", "SequenceClassifier",
    "SequenceRegressor", "VowelData", "autoregression_predict", "check_h0", "check_labels", "check_sequences",
    "data_flow", "environment_report", "evaluate", "feature_stats", "figure_html", "figure_png", "fit",
    "fit_autoregression", "forecast", "horizon_errors", "load_dataset", "load_japanese_vowels", "load_sunspots",
    "make_loader", "make_sequences", "make_windows", "manual_rnn", "pad_sequences", "persistence", "pick_device",
    "plot_forecast", "plot_hidden_states", "plot_history", "plot_sequences_by_class", "prediction_trace", "rnn_step",
    "save_dataset", "shape_str", "show_figure", "standardise", "teacher_forced", "time_split", "train_val_split",
]
