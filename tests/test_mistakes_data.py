"""More learner mistakes with the data, the checks, the models and training, each with a fix that works.

Tried as a learner would: NumPy arrays and lists where tensors go, labels in every wrong form,
settings typed as text, pairs and batches handed over whole, bare PyTorch layers, silent cases
(inf in the data, non-finite losses, empty splits, zero epochs). See tests/mistakes.py for the format.
"""

import atexit
import contextlib
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn
from torch.utils.data import Dataset, TensorDataset

from mistakes import Mistake, check_mistake, ids
from rnn_lesson import (CLASS_NAMES, SequenceClassifier, evaluate, fit, load_dataset, make_loader, make_sequences,
                        save_dataset, shape_str, train_val_split)
from rnn_lesson.data import DATA_DIR, DATA_SHA256

X, Y = (part[:40] for part in load_dataset())  # (40, 10, 5) float32 and (40,) int64
DATA = (X, Y)
FILES = Path(tempfile.mkdtemp(prefix="rnn-lesson-mistakes-"))  # the learner's own files, outside the course
atexit.register(shutil.rmtree, FILES, ignore_errors=True)
# Another device than the data's: CUDA where there is one; else meta, a device with shapes but no values.
OTHER_DEVICE = str(torch.empty(0, device="cuda" if torch.cuda.is_available() else "meta").device)  # "cuda:0", "meta"


def train(model=None, x=X, y=Y, **settings):
    """fit as a learner calls it, kept cheap: one epoch, no progress bar."""
    return fit(model or SequenceClassifier(), (x, y), DATA, **{"epochs": 1, "progress": False, **settings})


def with_value(x, value, where):
    return torch.where(where, torch.tensor(value), x)


def drop_non_finite(x, y):
    """The fix the message gives, typed as it is written."""
    keep = torch.isfinite(x).all(dim=(1, 2)); x, y = x[keep], y[keep]  # noqa: E702
    return x, y


def in_folder(folder, call):
    """Run `call` with `folder` as the current folder, as a notebook in notebooks/ has it."""
    with contextlib.chdir(folder):
        return call()


def saved(name, **arrays):
    """A learner's file written with NumPy itself: np.save for one .npy array, np.savez for named arrays."""
    path = FILES / name
    if name.endswith(".npy"):
        np.save(path, arrays["x"])
    else:
        np.savez(path, **arrays)
    return path


def saved_by_save_dataset(name):
    save_dataset(X, Y, FILES / name)
    return load_dataset(FILES / name)


class LayersInAList(nn.Module):
    """A learner's model whose layers sit in a plain Python list: nn.Module does not see them."""

    def __init__(self, layers=list):
        super().__init__()
        self.layers = layers([nn.RNN(5, 8, batch_first=True), nn.Linear(8, 3)])

    def forward(self, x):
        output, h_n = self.layers[0](x)
        return self.layers[1](h_n[-1])


class ReturnsRNNOutput(nn.Module):
    """A learner's model that hands back what nn.RNN returns, or scores every time step, or does it right."""

    def __init__(self, returns="tuple"):
        super().__init__()
        self.rnn, self.head, self.returns = nn.RNN(5, 8, batch_first=True), nn.Linear(8, 3), returns

    def forward(self, x):
        output, h_n = self.rnn(x)
        if self.returns == "tuple":
            return output, h_n
        if self.returns == "every step":
            return self.head(output)
        return self.head(output[:, -1])  # the fix: (N, L, H) -> (N, H) -> (N, 3)


NAMES = [CLASS_NAMES[i] for i in Y.tolist()]  # labels as text: 'rising', 'falling', ...
RAGGED = [X[i, :5 + i % 5] for i in range(len(X))]  # 40 sequences (L_i, 5) of 5 to 9 steps
RAGGED_LENGTHS = torch.tensor([len(s) for s in RAGGED])  # what the message says to give the model too
FLAT = pd.DataFrame(X.reshape(len(X), -1).numpy())  # a table with one flattened sequence per row, (40, 50)


def numbered(y):
    """The fix for text labels, typed as the message gives it."""
    names = sorted(set(y)); y = torch.tensor([names.index(s) for s in y])  # noqa: E702
    return y


class PairsDataset(Dataset):
    """A learner's own Dataset of (x_i, y_i) pairs."""

    def __len__(self):
        return len(Y)

    def __getitem__(self, i):
        return X[i], Y[i]


def folder_with_data():
    """A learner's folder holding one file that save_dataset wrote."""
    (FILES / "saved").mkdir(exist_ok=True)
    save_dataset(X, Y, FILES / "saved" / "data.npz")
    return FILES / "saved"


def batch():
    return next(iter(make_loader(X, Y, batch_size=8)))


def model_on_other_device():
    return SequenceClassifier().to(OTHER_DEVICE)


MISTAKES = [
    # --- labels in every wrong form -------------------------------------------------------------
    Mistake("labels as a NumPy array given to fit", lambda: train(y=Y.numpy()), TypeError,
            "y_train: expected a torch.Tensor", "got a NumPy array (40,) of int64", "torch.from_numpy(y_train).long()",
            fixed=lambda: train(y=torch.from_numpy(Y.numpy()).long())),
    Mistake("labels as a Python list given to make_loader", lambda: make_loader(X, Y.tolist()), TypeError,
            "y: expected a torch.Tensor", "got a list of 40 items", "torch.tensor(y, dtype=torch.long)",
            fixed=lambda: make_loader(X, torch.tensor(Y.tolist(), dtype=torch.long))),
    Mistake("labels read from a CSV as float64 NumPy", lambda: evaluate(SequenceClassifier(), X, Y.numpy() * 1.0),
            TypeError, "expected a torch.Tensor", "got a NumPy array (40,) of float64", "torch.from_numpy(y).long()",
            fixed=lambda: evaluate(SequenceClassifier(), X, torch.from_numpy(Y.numpy() * 1.0).long())),
    Mistake("float class numbers shaped (N, 1)", lambda: train(y=Y.float().unsqueeze(1)), TypeError,
            "class indices of dtype torch.long", "got torch.float32 (40, 1)", "use y_train.view(-1).long()",
            fixed=lambda: train(y=Y.float().unsqueeze(1).view(-1).long())),
    Mistake("one-hot labels of dtype long from F.one_hot", lambda: train(y=nn.functional.one_hot(Y, 3)), ValueError,
            "expected class indices, shape (N,)", "got one-hot rows (40, 3)", "use y_train.argmax(dim=1)",
            fixed=lambda: train(y=nn.functional.one_hot(Y, 3).argmax(dim=1))),
    Mistake("one-hot labels as a float NumPy array", lambda: make_loader(X, np.eye(3)[Y.numpy()]), TypeError,
            "expected a torch.Tensor", "got a NumPy array (40, 3) of float64",
            "these are one-hot rows: convert them with torch.from_numpy(y).argmax(dim=1)",
            fixed=lambda: make_loader(X, torch.from_numpy(np.eye(3)[Y.numpy()]).argmax(dim=1))),
    Mistake("labels of dtype int32", lambda: train(y=Y.int()), TypeError,
            "expected class indices of dtype torch.long", "got torch.int32 (40,)", "use y_train.long()",
            fixed=lambda: train(y=Y.int().long())),
    Mistake("labels scaled to fractions", lambda: train(y=Y / 4), ValueError,
            "expected whole class indices 0, 1, 2", "got values such as 0.5", "undo any scaling of the labels",
            no_code_fix="how the labels were scaled is in the learner's own code"),
    Mistake("labels with more classes than the model has", lambda: train(SequenceClassifier(num_classes=2)),
            ValueError, "expected class indices 0 .. 1", "got values from 0 to 2", "build the model with num_classes=3",
            fixed=lambda: train(SequenceClassifier(num_classes=3))),
    # --- features -------------------------------------------------------------------------------
    Mistake("features as a float64 NumPy array given to make_loader", lambda: make_loader(X.numpy().astype(np.float64), Y),
            TypeError, "x: expected a torch.Tensor", "got a NumPy array (40, 10, 5) of float64",
            "torch.from_numpy(x).float()", fixed=lambda: make_loader(torch.from_numpy(X.numpy().astype(np.float64)).float(), Y)),
    Mistake("float64 sequences into a float32 model", lambda: SequenceClassifier()(X.double()), TypeError,
            "expected torch.float32 on cpu, like the model's weights", "got torch.float64", "use x.float()",
            fixed=lambda: SequenceClassifier()(X.double().float())),
    Mistake("the model on another device than the data", lambda: model_on_other_device()(X), TypeError,
            f"expected torch.float32 on {OTHER_DEVICE}", "got torch.float32 on cpu",
            f"use x.to('{OTHER_DEVICE}', torch.float32)",
            fixed=(lambda: model_on_other_device()(X.to(OTHER_DEVICE, torch.float32))) if OTHER_DEVICE != "meta" else None,
            no_code_fix="" if OTHER_DEVICE != "meta" else "following it needs a second device that holds values (CUDA)"),
    Mistake("+inf in the data", lambda: make_loader(with_value(X, float("inf"), X > 1.8), Y), ValueError,
            "expected finite numbers", "infinite values", "keep = torch.isfinite(x).all(dim=(1, 2)); x, y = x[keep], y[keep]",
            fixed=lambda: make_loader(*drop_non_finite(with_value(X, float("inf"), X > 1.8), Y))),
    Mistake("-inf from the log of zero", lambda: train_val_split(with_value(X, float("-inf"), X < -1.8), Y), ValueError,
            "expected finite numbers", "got 0 NaN and", "drop those sequences",
            fixed=lambda: train_val_split(*drop_non_finite(with_value(X, float("-inf"), X < -1.8), Y))),
    Mistake("a DataLoader batch [xb, yb] given to the model", lambda: SequenceClassifier()(batch()), TypeError,
            "expected a torch.Tensor", "got a list of 2 tensor(s) (8, 10, 5) and (8,)", "unpack it: xb, yb = batch",
            fixed=lambda: SequenceClassifier()(batch()[0])),
    Mistake("sequences collected in a Python list of tensors", lambda: SequenceClassifier()(list(X)), TypeError,
            "x: expected a torch.Tensor", "got a list of 40 tensor(s) (10, 5) and (10, 5)", "torch.stack(x)",
            fixed=lambda: SequenceClassifier()(torch.stack(list(X)))),
    Mistake("labels collected as a list of one-number tensors", lambda: make_loader(X, list(Y)), TypeError,
            "y: expected a torch.Tensor", "got a list of 40 tensor(s) () and ()", "torch.stack(y)",
            fixed=lambda: make_loader(X, torch.stack(list(Y)))),
    Mistake("a single sequence with its features first", lambda: SequenceClassifier()(X[0].T), ValueError,
            "expected 3 dimensions", "got (5, 10): the features come first", "use x.T.unsqueeze(0)",
            fixed=lambda: SequenceClassifier()(X[0].T.T.unsqueeze(0))),
    Mistake("a trailing axis of size 1", lambda: SequenceClassifier()(X.unsqueeze(3)), ValueError,
            "expected 3 dimensions", "got 4 dimensions (40, 10, 5, 1)", "x.squeeze(3)",
            fixed=lambda: SequenceClassifier()(X.unsqueeze(3).squeeze(3))),
    Mistake("shape_str given a tensor instead of its shape", lambda: shape_str(Y), TypeError,
            "expected a shape", "got a tensor (40,)", "use shape_str(x.shape)", fixed=lambda: shape_str(Y.shape)),
    # --- pairs handed over whole, or half -------------------------------------------------------
    Mistake("an (x, y) pair given to make_loader as x", lambda: make_loader(DATA), TypeError,
            "y: expected the labels (N,)", "a tuple of 2 tensor(s) (40, 10, 5) and (40,) as x", "make_loader(*data)",
            fixed=lambda: make_loader(*DATA)),
    Mistake("train_val_split(load_dataset()) without unpacking", lambda: train_val_split(DATA), TypeError,
            "y: expected the labels (N,)", "got none", "unpack the pair: train_val_split(*data)",
            fixed=lambda: train_val_split(*DATA)),
    Mistake("make_loader(x) without y", lambda: make_loader(X), TypeError,
            "y: expected the labels (N,) that go with x", "got none and a tensor (40, 10, 5) as x", "make_loader(x, y)",
            fixed=lambda: make_loader(X, Y)),
    Mistake("train_val_split(x) without y", lambda: train_val_split(X), TypeError,
            "y: expected the labels (N,) that go with x", "got none", "pass both: train_val_split(x, y)",
            fixed=lambda: train_val_split(X, Y)),
    Mistake("evaluate(model, val) with the pair", lambda: evaluate(SequenceClassifier(), DATA), TypeError,
            "y: expected the labels (N,)", "got none", "evaluate(model, *data)",
            fixed=lambda: evaluate(SequenceClassifier(), *DATA)),
    Mistake("fit(model, x, y) instead of pairs", lambda: fit(SequenceClassifier(), X, Y, progress=False), TypeError,
            "train: expected an (x, y) pair", "got a tensor (40, 10, 5)",
            "train, val = train_val_split(x, y), then fit(model, train, val)",
            fixed=lambda: (lambda train, val: fit(SequenceClassifier(), train, val, epochs=1, progress=False))(
                *train_val_split(X, Y))),
    Mistake("a training pair without labels", lambda: fit(SequenceClassifier(), (X,), DATA, progress=False), TypeError,
            "train: expected an (x, y) pair", "got a tuple of 1 tensor(s) (40, 10, 5)", "put the labels in: (x_train, y_train)",
            fixed=lambda: fit(SequenceClassifier(), (X, Y), DATA, epochs=1, progress=False)),
    Mistake("a DataLoader given to fit", lambda: fit(SequenceClassifier(), make_loader(X, Y), DATA, progress=False),
            TypeError, "train: expected an (x, y) pair", "got a DataLoader", "pass the tensors x_train, y_train",
            fixed=lambda: fit(SequenceClassifier(), (X, Y), DATA, epochs=1, progress=False)),
    # --- models ---------------------------------------------------------------------------------
    Mistake("the class SequenceClassifier given to fit", lambda: train(SequenceClassifier), TypeError,
            "expected a model", "got the class SequenceClassifier", "model = SequenceClassifier()",
            fixed=lambda: train(SequenceClassifier())),
    Mistake("a bare nn.LSTM given to fit", lambda: train(nn.LSTM(5, 8, batch_first=True)), TypeError,
            "expected a classifier that returns logits (N, C)", "got a bare nn.LSTM",
            "wrap it: SequenceClassifier(input_size=5, hidden_size=8, cell='lstm')",
            fixed=lambda: train(SequenceClassifier(input_size=5, hidden_size=8, cell='lstm'))),
    Mistake("a bare nn.RNN given to evaluate", lambda: evaluate(nn.RNN(5, 4), X, Y), TypeError,
            "expected a classifier that returns logits", "got a bare nn.RNN",
            "SequenceClassifier(input_size=5, hidden_size=4, cell='rnn')",
            fixed=lambda: evaluate(SequenceClassifier(input_size=5, hidden_size=4, cell='rnn'), X, Y)),
    Mistake("a model whose layers sit in a Python list", lambda: train(LayersInAList()), ValueError,
            "expected a model with weights to train", "got LayersInAList with no parameters",
            "keep lists of layers in nn.ModuleList", fixed=lambda: train(LayersInAList(layers=nn.ModuleList))),
    Mistake("a model that returns (output, h_n)", lambda: train(ReturnsRNNOutput("tuple")), TypeError,
            "expected logits (N, C)", "got a tuple of 2 tensor(s) (2, 10, 8) and (1, 2, 8)",
            "return a tensor from forward", fixed=lambda: train(ReturnsRNNOutput("last step"))),
    Mistake("a model that scores every time step", lambda: train(ReturnsRNNOutput("every step")), ValueError,
            "expected logits (2, C), one row per sequence", "got (2, 10, 3)", "self.head(output[:, -1])",
            fixed=lambda: train(ReturnsRNNOutput("last step"))),
    Mistake("hidden_size=0", lambda: SequenceClassifier(hidden_size=0), ValueError,
            "hidden_size: expected a whole number of at least 1", "got 0", "use hidden_size=1 or more",
            fixed=lambda: SequenceClassifier(hidden_size=1)(X)),
    Mistake("num_classes=1", lambda: SequenceClassifier(num_classes=1), ValueError,
            "num_classes: expected a whole number of at least 2", "got 1", "use num_classes=2 or more",
            fixed=lambda: SequenceClassifier(num_classes=2)(X)),
    Mistake("cell written in capitals", lambda: SequenceClassifier(cell="LSTM"), ValueError,
            "expected one of 'rnn', 'lstm', 'gru' (lowercase)", "got str 'LSTM'", "use cell='lstm'",
            fixed=lambda: SequenceClassifier(cell='lstm')(X)),
    Mistake("cell given as the class nn.GRU", lambda: SequenceClassifier(cell=nn.GRU), ValueError,
            "expected one of 'rnn', 'lstm', 'gru'", "got the class GRU", "use cell='gru'",
            fixed=lambda: SequenceClassifier(cell='gru')(X)),
    Mistake("input_size as a float", lambda: SequenceClassifier(input_size=5.0), TypeError,
            "input_size: expected a whole number", "got float 5.0", "use input_size=5",
            fixed=lambda: SequenceClassifier(input_size=5)(X)),
    Mistake("hidden_size read from a config file as text", lambda: SequenceClassifier(hidden_size="16"), TypeError,
            "hidden_size: expected a whole number", "got str '16'", "write hidden_size=16 without quotes",
            fixed=lambda: SequenceClassifier(hidden_size=16)(X)),
    # --- training settings ----------------------------------------------------------------------
    Mistake("batch_size as a string", lambda: train(batch_size="32"), TypeError,
            "batch_size: expected a whole number", "got str '32'", "write batch_size=32 without quotes",
            fixed=lambda: train(batch_size=32)),
    Mistake("learning rate as a string", lambda: train(lr="0.01"), TypeError,
            "lr: expected a number", "got str '0.01'", "write lr=0.01 without quotes", fixed=lambda: train(lr=0.01)),
    Mistake("a fractional number of epochs", lambda: train(epochs=2.5), TypeError,
            "epochs: expected a whole number", "got float 2.5", "use epochs=3", fixed=lambda: train(epochs=3)),
    Mistake("zero epochs", lambda: train(epochs=0), ValueError,
            "epochs: expected a whole number of at least 1", "got 0", "use epochs=1 or more",
            fixed=lambda: train(epochs=1)),
    Mistake("a negative number of epochs", lambda: train(epochs=-5), ValueError,
            "epochs: expected a whole number of at least 1", "got -5", "use epochs=1 or more",
            fixed=lambda: train(epochs=1)),
    Mistake("a negative learning rate", lambda: train(lr=-0.01), ValueError,
            "expected a positive learning rate", "got -0.01", "use lr=0.01", fixed=lambda: train(lr=0.01)),
    Mistake("losses that turn infinite", lambda: (torch.manual_seed(0), train(lr=1e37, epochs=3)), UserWarning,
            "expected finite losses", "val loss inf in epoch 1, so training stopped there",
            "lower the learning rate (the course uses lr=0.003)",
            fixed=lambda: (torch.manual_seed(0), train(lr=0.003, epochs=3))),
    Mistake("batch_size from a division", lambda: make_loader(X, Y, batch_size=len(X) / 4), TypeError,
            "batch_size: expected a whole number", "got float 10.0", "use batch_size=10",
            fixed=lambda: make_loader(X, Y, batch_size=10)),
    Mistake("batch_size of zero", lambda: make_loader(X, Y, batch_size=0), ValueError,
            "batch_size: expected a whole number of at least 1", "got 0", "use batch_size=1 or more",
            fixed=lambda: make_loader(X, Y, batch_size=1)),
    Mistake("shuffle given as a string", lambda: make_loader(X, Y, shuffle="False"), TypeError,
            "shuffle: expected True or False", "got str 'False', which counts as True", "use shuffle=False",
            fixed=lambda: make_loader(X, Y, shuffle=False)),
    # --- making, splitting, saving and loading data ---------------------------------------------
    Mistake("make_sequences(delay=-1)", lambda: make_sequences(n=30, delay=-1), ValueError,
            "delay: expected a whole number of at least 0", "got -1", "use delay=0 or more",
            fixed=lambda: make_sequences(n=30, delay=0)),
    Mistake("steps as a string", lambda: make_sequences(n=30, steps="10"), TypeError,
            "steps: expected a whole number", "got str '10'", "write steps=10 without quotes",
            fixed=lambda: make_sequences(n=30, steps=10)),
    Mistake("n written as 1e3", lambda: make_sequences(n=1e3), TypeError,
            "n: expected a whole number", "got float 1000.0", "use n=1000", fixed=lambda: make_sequences(n=1000)),
    Mistake("a split that leaves no validation sequence", lambda: train_val_split(X[:3], Y[:3], val_fraction=0.1),
            ValueError, "expected sequences on both sides of the split", "got 3 for training and 0 for validation",
            "use val_fraction=0.34", fixed=lambda: train_val_split(X[:3], Y[:3], val_fraction=0.34)),
    Mistake("a split that leaves no training sequence", lambda: train_val_split(X[:3], Y[:3], val_fraction=0.9),
            ValueError, "expected sequences on both sides of the split", "got 0 for training and 3 for validation",
            "use val_fraction=0.66", fixed=lambda: train_val_split(X[:3], Y[:3], val_fraction=0.66)),
    Mistake("val_fraction as a string", lambda: train_val_split(X, Y, val_fraction="0.2"), TypeError,
            "val_fraction: expected a number", "got str '0.2'", "write val_fraction=0.2 without quotes",
            fixed=lambda: train_val_split(X, Y, val_fraction=0.2)),
    Mistake("the course file by a path from the notebooks folder",
            lambda: in_folder(DATA_DIR.parent / "notebooks", lambda: load_dataset("data/sequences.npz")),
            FileNotFoundError, "expected an existing file, got 'data/sequences.npz'",
            f"there is no {DATA_DIR.parent / 'notebooks' / 'data' / 'sequences.npz'} (a relative path starts from",
            "(load_dataset() loads the course file)",
            fixed=lambda: in_folder(DATA_DIR.parent / "notebooks", lambda: load_dataset())),
    Mistake("an .npz whose arrays have other names",
            lambda: load_dataset(saved("named.npz", features=X.numpy(), labels=Y.numpy())), ValueError,
            "expected an .npz file with arrays x and y", "with ['features', 'labels']", "save_dataset(x, y, path)",
            fixed=lambda: saved_by_save_dataset("named.npz")),
    Mistake("an .npy file where an .npz goes", lambda: load_dataset(saved("features.npy", x=X.numpy())), ValueError,
            "expected an .npz file with arrays x and y", "with no such arrays", "save_dataset(x, y, path)",
            fixed=lambda: saved_by_save_dataset("features.npz")),
    Mistake("NumPy arrays given to save_dataset", lambda: save_dataset(X.numpy(), Y, FILES / "numpy.npz"), TypeError,
            "x: expected a torch.Tensor", "got a NumPy array (40, 10, 5) of float32", "torch.from_numpy(x).float()",
            fixed=lambda: save_dataset(torch.from_numpy(X.numpy()).float(), Y, FILES / "numpy.npz")),
    # --- data from other libraries and in other forms (issue 10) ---------------------------------
    Mistake("class names as text labels in a list", lambda: train(y=NAMES), TypeError,
            "y_train: expected a torch.Tensor", "got a list of 40 items",
            "names = sorted(set(y_train)); y_train = torch.tensor([names.index(s) for s in y_train])",
            fixed=lambda: train(y=numbered(NAMES))),
    Mistake("class names as a NumPy array of text", lambda: train(y=np.array(NAMES)), TypeError,
            "expected a torch.Tensor", "got a NumPy array (40,) of <U14", "these are text labels",
            fixed=lambda: train(y=numbered(np.array(NAMES)))),
    Mistake("class names in a pandas Series", lambda: make_loader(X, pd.Series(NAMES)), TypeError,
            "y: expected a torch.Tensor", "got a Series", "y = torch.tensor([names.index(s) for s in y])",
            fixed=lambda: make_loader(X, numbered(pd.Series(NAMES)))),
    Mistake("labels as a NumPy object array", lambda: train(y=Y.numpy().astype(object)), TypeError,
            "y_train: expected a torch.Tensor", "got a NumPy array (40,) of object",
            "torch.from_numpy(y_train.astype(np.int64))",
            fixed=lambda: train(y=torch.from_numpy(Y.numpy().astype(object).astype(np.int64)))),
    Mistake("features as a NumPy object array", lambda: SequenceClassifier()(X.numpy().astype(object)), TypeError,
            "x: expected a torch.Tensor", "got a NumPy array (40, 10, 5) of object", "torch.from_numpy(x.astype(np.float32))",
            fixed=lambda: SequenceClassifier()(torch.from_numpy(X.numpy().astype(object).astype(np.float32)))),
    Mistake("sequences of different lengths in a list of tensors", lambda: train(x=RAGGED), TypeError,
            "x_train: expected a torch.Tensor", "the sequences have different lengths, 5 to 9 steps",
            "torch.nn.utils.rnn.pad_sequence(x_train, batch_first=True)",
            fixed=lambda: fit(SequenceClassifier(), (torch.nn.utils.rnn.pad_sequence(RAGGED, batch_first=True),
                                                     RAGGED_LENGTHS, Y), DATA, epochs=1, progress=False)),
    Mistake("sequences of different lengths as lists of lists", lambda: make_loader([s.tolist() for s in RAGGED], Y),
            TypeError, "x: expected a torch.Tensor", "different lengths, 5 to 9 steps",
            "torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in x], batch_first=True)",
            fixed=lambda: make_loader(torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in
                                                                       [s.tolist() for s in RAGGED]], batch_first=True), Y,
                                      lengths=RAGGED_LENGTHS)),
    Mistake("a pandas DataFrame of features into the model", lambda: SequenceClassifier()(FLAT), TypeError,
            "x: expected a torch.Tensor", "got a DataFrame", "torch.tensor(x.to_numpy(), dtype=torch.float32)",
            fixed=lambda: SequenceClassifier()(torch.tensor(FLAT.to_numpy(), dtype=torch.float32).reshape(40, -1, 5))),
    Mistake("flattened sequences (N, L * F) into the model",
            lambda: SequenceClassifier()(torch.tensor(FLAT.to_numpy(), dtype=torch.float32)), ValueError,
            "expected 3 dimensions (batch, seq_len, features)", "got (40, 50): each row looks like a whole sequence",
            "use x.reshape(40, -1, 5)",
            fixed=lambda: SequenceClassifier()(torch.tensor(FLAT.to_numpy(), dtype=torch.float32).reshape(40, -1, 5))),
    Mistake("one-feature sequences (N, L) given to fit", lambda: fit(SequenceClassifier(input_size=1), (X[:, :, 0], Y),
                                                                    (X[:, :, 0], Y), epochs=1, progress=False),
            ValueError, "expected 3 dimensions", "got (40, 10): each row looks like a whole sequence",
            "use x_train.unsqueeze(-1)",
            fixed=lambda: fit(SequenceClassifier(input_size=1), (X[:, :, 0].unsqueeze(-1), Y),
                              (X[:, :, 0].unsqueeze(-1), Y), epochs=1, progress=False)),
    Mistake("labels in a pandas Series given to fit", lambda: train(y=pd.Series(Y.numpy())), TypeError,
            "y_train: expected a torch.Tensor", "got a Series", "torch.tensor(y_train.to_numpy(), dtype=torch.long)",
            fixed=lambda: train(y=torch.tensor(pd.Series(Y.numpy()).to_numpy(), dtype=torch.long))),
    Mistake("one series of values into a one-feature model", lambda: SequenceClassifier(input_size=1)(X[0, :, 0]),
            ValueError, "expected 3 dimensions", "got 1 dimensions (10,)", "use x.view(1, -1, 1)",
            fixed=lambda: SequenceClassifier(input_size=1)(X[0, :, 0].view(1, -1, 1))),
    Mistake("one series of values into a five-feature model", lambda: SequenceClassifier()(X[0, :, 0]), ValueError,
            "expected 3 dimensions (batch, seq_len, features) with features = 5", "got 1 dimensions (10,)",
            "use x.view(1, -1, 1) with a model built with input_size=1",
            fixed=lambda: SequenceClassifier(input_size=1)(X[0, :, 0].view(1, -1, 1))),
    # --- Datasets, evaluate, files and settings (issue 10) --------------------------------------
    Mistake("a TensorDataset given to fit", lambda: fit(SequenceClassifier(), TensorDataset(X, Y), DATA, progress=False),
            TypeError, "train: expected an (x, y) pair", "got a TensorDataset",
            "pass its tensors: fit(model, train_ds.tensors, val_ds.tensors)",
            fixed=lambda: fit(SequenceClassifier(), TensorDataset(X, Y).tensors, TensorDataset(X, Y).tensors, epochs=1,
                              progress=False)),
    Mistake("a custom Dataset given to fit", lambda: fit(SequenceClassifier(), DATA, PairsDataset(), progress=False),
            TypeError, "val: expected an (x, y) pair", "got a PairsDataset",
            "fit takes the tensors (x_val, y_val), not a Dataset",
            fixed=lambda: fit(SequenceClassifier(), DATA, (X, Y), epochs=1, progress=False)),
    Mistake("a TensorDataset given to make_loader", lambda: make_loader(TensorDataset(X, Y)), TypeError,
            "y: expected the labels (N,)", "got none and a TensorDataset as x", "make_loader(*data.tensors)",
            fixed=lambda: make_loader(*TensorDataset(X, Y).tensors)),
    Mistake("labels 1 to 3 given to evaluate", lambda: evaluate(SequenceClassifier(), X, Y + 1), ValueError,
            "expected class indices 0 .. 2", "got values from 1 to 3", "shift them to start at 0: y - 1",
            fixed=lambda: evaluate(SequenceClassifier(), X, (Y + 1) - 1)),
    Mistake("more classes in the labels than evaluate's model has", lambda: evaluate(SequenceClassifier(num_classes=2), X, Y),
            ValueError, "expected class indices 0 .. 1", "got values from 0 to 2", "build the model with num_classes=3",
            fixed=lambda: evaluate(SequenceClassifier(num_classes=3), X, Y)),
    Mistake("a model ending in softmax given to evaluate",
            lambda: evaluate(nn.Sequential(SequenceClassifier(), nn.Softmax(dim=1)), X, Y), ValueError,
            "wants raw logits", "outputs are already probabilities (each row sums to 1)", "remove the softmax from the model",
            fixed=lambda: evaluate(SequenceClassifier(), X, Y)),
    Mistake("a model that returns (output, h_n) given to evaluate", lambda: evaluate(ReturnsRNNOutput("tuple"), X, Y),
            TypeError, "expected logits (N, C)", "got a tuple of 2 tensor(s)", "return a tensor from forward",
            fixed=lambda: evaluate(ReturnsRNNOutput("last step"), X, Y)),
    Mistake("save_dataset into a folder that does not exist", lambda: save_dataset(X, Y, FILES / "new" / "data.npz"),
            FileNotFoundError, "expected a path in an existing folder", f"but {FILES / 'new'} does not exist",
            f"from pathlib import Path; Path('{FILES / 'new'}').mkdir(parents=True)",
            fixed=lambda: (Path(f"{FILES / 'new'}").mkdir(parents=True), save_dataset(X, Y, FILES / "new" / "data.npz"))),
    Mistake("load_dataset given a folder", lambda: load_dataset(folder_with_data()), IsADirectoryError,
            "expected an .npz file", f"got the folder '{FILES / 'saved'}'", f"load_dataset('{FILES / 'saved' / 'data.npz'}')",
            fixed=lambda: load_dataset(f"{FILES / 'saved' / 'data.npz'}")),
    Mistake("make_sequences with the noise as text", lambda: make_sequences(n=30, noise="0.3"), TypeError,
            "noise: expected a number", "got str '0.3'", "write noise=0.3 without quotes",
            fixed=lambda: make_sequences(n=30, noise=0.3)),
    Mistake("val_fraction written as '20%'", lambda: train_val_split(X, Y, val_fraction="20%"), TypeError,
            "val_fraction: expected a number", "got str '20%'", "write val_fraction=0.2 without quotes",
            fixed=lambda: train_val_split(X, Y, val_fraction=0.2)),
]


@pytest.mark.parametrize("mistake", MISTAKES, ids=ids(MISTAKES))
def test_mistake(mistake):
    check_mistake(mistake)


def test_this_catalogue_adds_at_least_40_new_mistakes():
    import test_mistakes
    names = [m.what for m in MISTAKES]
    assert len(set(names)) == len(names) >= 40
    assert not set(names) & {m.what for m in test_mistakes.MISTAKES}


# --- what a learner would reasonably expect to work simply works ---------------------------------

def test_numpy_integers_and_floats_are_accepted_as_settings():
    x, y = make_sequences(n=np.int64(30), steps=np.int64(4), features=np.int32(5), seed=np.int64(1), delay=np.int64(2))
    assert x.shape == (30, 6, 5) and y.shape == (30,)
    (x_train, y_train), val = train_val_split(x, y, val_fraction=np.float64(0.2), seed=np.int64(0))
    assert x_train.shape == (24, 6, 5)
    assert next(iter(make_loader(x_train, y_train, batch_size=np.int64(8))))[0].shape == (8, 6, 5)
    model = SequenceClassifier(input_size=np.int64(5), hidden_size=np.int64(4), num_classes=np.int64(3))
    history = fit(model, (x_train, y_train), val, epochs=np.int64(2), lr=np.float32(0.01), batch_size=np.int64(8),
                  progress=False)
    assert len(history.train_loss) == 2


def test_a_batch_larger_than_the_data_is_one_batch():
    batches = list(make_loader(X, Y, batch_size=1000))
    assert len(batches) == 1 and batches[0][0].shape == (40, 10, 5)


def test_a_learners_own_file_loads_without_the_course_checksum():
    save_dataset(X, Y, FILES / "mine.npz")
    x, y = load_dataset(FILES / "mine.npz")
    assert torch.equal(x, X) and torch.equal(y, Y)
    x, y = load_dataset(str(FILES / "mine.npz"))  # a path as text works too
    assert torch.equal(x, X)


def test_a_learners_own_file_is_checked_only_against_a_checksum_it_is_given():
    save_dataset(X, Y, FILES / "checked.npz")
    with pytest.raises(ValueError, match="corrupt or was changed.*Check that it is the file you meant"):
        load_dataset(FILES / "checked.npz", expected_sha256=DATA_SHA256)


def test_the_course_file_is_still_checked_by_default(tmp_path, monkeypatch):
    from rnn_lesson import data
    altered = tmp_path / "sequences.npz"
    save_dataset(X, Y, altered)  # readable data, but not the course's
    monkeypatch.setattr(data, "DATA_PATH", altered.resolve())
    with pytest.raises(ValueError, match="corrupt or was changed.*make-data"):
        load_dataset(altered)


def test_non_finite_losses_warn_once_and_stop_training():
    torch.manual_seed(0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = train(lr=1e37, epochs=4)
    finite = [w for w in caught if "expected finite losses" in str(w.message)]
    assert len(finite) == 1 and "epoch 1" in str(finite[0].message)
    assert len(history.train_loss) == 1  # stopped after the epoch that went wrong


def test_evaluate_puts_the_model_back_in_the_mode_it_was_in():
    model = SequenceClassifier(num_layers=2, dropout=0.5)
    model.train()
    evaluate(model, X, Y)
    assert model.training
    model.eval()
    evaluate(model, X, Y)
    assert not model.training


def test_float32_data_for_a_float64_model_is_told_the_dtype_to_convert_to():
    model = SequenceClassifier().double()
    with pytest.raises(TypeError, match=r"expected torch.float64 on cpu.*use x.to\('cpu', torch.float64\)"):
        model(X)
    model(X.to('cpu', torch.float64))
