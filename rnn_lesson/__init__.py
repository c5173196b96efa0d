"""Helpers for the rnn-lesson course. Open the modules to see how each one works.

The names most lessons use are importable from here, e.g. `from rnn_lesson import load_dataset, fit`.
"""

from rnn_lesson.checks import check_h0, check_labels, check_sequences, shape_str
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
from rnn_lesson.model import OrderBlindBaseline, SequenceClassifier, manual_rnn, rnn_step
from rnn_lesson.progress_file import progress
from rnn_lesson.trace import data_flow, prediction_trace
from rnn_lesson.training import History, evaluate, fit

__all__ = [
    "CLASS_NAMES", "DATA_PATH", "History", "OrderBlindBaseline", "SequenceClassifier", "check_h0", "check_labels",
    "check_sequences", "data_flow", "environment_report", "evaluate", "fit", "load_dataset", "make_loader",
    "make_sequences", "manual_rnn", "pick_device", "prediction_trace", "progress", "rnn_step", "save_dataset",
    "shape_str", "train_val_split",
]
