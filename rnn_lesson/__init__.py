"""rnn_lesson: the small helper module the course's notebooks import. Open its files to read them.

    data.py        the course data set: make, load (checked), split, batch     lesson 01
    checks.py      input checks whose errors say what came, what was expected, and the fix
    recurrence.py  the recurrence by hand: rnn_step, manual_rnn                lesson 02
    models.py      SequenceClassifier and the order-blind baseline             lesson 03
    training.py    fit, evaluate, History                                      lesson 03
    trace.py       data_flow and prediction_trace: data through a model        lessons 01-04
    plots.py       the figures, each with alt text                             lessons 01-04
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
    train_val_split,
)
from rnn_lesson.device import environment_report, pick_device
from rnn_lesson.models import OrderBlindBaseline, SequenceClassifier
from rnn_lesson.plots import (
    figure_html,
    figure_png,
    plot_hidden_states,
    plot_history,
    plot_sequences_by_class,
    show_figure,
)
from rnn_lesson.recurrence import manual_rnn, rnn_step
from rnn_lesson.trace import data_flow, prediction_trace
from rnn_lesson.training import History, evaluate, fit

__all__ = [
    "CLASS_NAMES", "DATA_PATH", "History", "OrderBlindBaseline", "SequenceClassifier", "check_h0", "check_labels",
    "check_sequences", "data_flow", "environment_report", "evaluate", "figure_html", "figure_png", "fit", "load_dataset",
    "make_loader", "make_sequences", "manual_rnn", "pick_device", "plot_hidden_states", "plot_history",
    "plot_sequences_by_class", "prediction_trace", "rnn_step", "save_dataset", "shape_str", "show_figure", "train_val_split",
]
