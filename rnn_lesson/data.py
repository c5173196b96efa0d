"""The course data set: make it, save it, load it (checked), split it, batch it.

Three classes of sequences built from the *same* values in a different order over time:
0 rising, 1 falling, 2 rise-then-fall. Only the order tells them apart, so a model
that ignores order is stuck at chance (1/3) while an RNN learns the task.
Lesson 01 § 1 introduces the data; § 4 splits and batches it. The split and the batches
take other data too: a split in time for a series (lesson 06), lengths of padded sequences (lesson 07).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import io
import math
import zipfile
from pathlib import Path

import numpy as np
import torch
from torch import Tensor
from torch.utils.data import DataLoader, TensorDataset

from rnn_lesson.checks import (check_labels, check_sequences, describe, one_hot, require_int, require_number,
                               require_tensor, shape_str)
from rnn_lesson.targets import check_finite

DATA_DIR = Path(str(importlib.resources.files("rnn_lesson.data_files")))  # data/, installed in the package too
DATA_PATH = DATA_DIR / "sequences.npz"
DATA_SHA256 = "beac575c9290cef8afbe61bb928a130643290af582358af4c235c55da958f2b8"
CLASS_NAMES = ("rising", "falling", "rise-then-fall")
NOISE = 0.3
DELAY_NOISE = 0.05  # the quiet steps that `delay` appends
REGENERATE = "python -m rnn_lesson make-data"


def check_xy(x: object, y: object, call: str, input_size: int | None = None) -> tuple[Tensor, Tensor]:
    """Check sequences x `(N, L, F)` with their targets y and return both: class indices `(N,)` or, one per step,
    `(N, L)` (long), or numbers to predict (float, `N` first). `call`, e.g. `"make_loader({})"`, is for the fix
    when y is missing or the `(x, y)` pair came as x; `input_size`, the model's features per step, when known."""
    if y is None:
        pair = isinstance(x, TensorDataset) or isinstance(x, (tuple, list)) and len(x) == 2
        data = "*data.tensors" if isinstance(x, TensorDataset) else "*data"
        fix = f"unpack the pair: {call.format(data)}" if pair else f"pass both: {call.format('x, y')}"
        raise TypeError(f"y: expected the labels (N,) that go with x, got none and {describe(x)} as x; {fix}.")
    y = require_tensor(y, "y", labels=True)
    steps = x.shape[1] if isinstance(x, Tensor) and x.dim() == 3 else None
    if y.is_floating_point() and y.dim() and not one_hot(y):  # numbers to predict
        check_finite(y)
    elif y.dim() == 2 and y.shape[1] == steps and steps > 1 and not one_hot(y):  # a class index at every step
        check_labels(y.flatten(), num_classes=None)
    else:
        y = check_labels(y, num_classes=None)
    return check_sequences(x, input_size=input_size, n_labels=len(y) if y.dim() else None), y


def arrange(values: np.ndarray, label: int) -> np.ndarray:
    """Put sorted values `(steps,)` into the temporal order of class `label`; returns `(steps,)`."""
    if label == 0:
        return values
    if label == 1:
        return values[::-1]
    return np.concatenate([values[0::2], values[1::2][::-1]])


def make_sequences(
    n: int = 1000, steps: int = 10, features: int = 5, seed: int = 0, noise: float = NOISE, delay: int = 0
) -> tuple[Tensor, Tensor]:
    """Make the course data set from its seed. Lesson 01 § 1; `delay` in lesson 05 § 2 (A longer task).

    Returns `x` `(n, steps + delay, features)` float32 and `y` `(n,)` int64 class indices (0, 1, 2).
    Each sequence draws `steps` values uniformly from [-1, 1]; its class decides their order
    (see `arrange`); each feature scales the same series by its own gain in [0.5, 1.5] and
    adds Gaussian noise of standard deviation `noise`. `delay` appends that many steps of
    quiet noise (standard deviation 0.05), so a model must remember the pattern across them (lessons 03 and 05).
    """
    n, steps, features = require_int(n, "n"), require_int(steps, "steps"), require_int(features, "features")
    delay, seed = require_int(delay, "delay", minimum=0), require_int(seed, "seed", minimum=0)
    noise = require_number(noise, "noise")
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % len(CLASS_NAMES))
    values = np.sort(rng.uniform(-1.0, 1.0, size=(n, steps)), axis=1)
    series = np.stack([arrange(values[i], int(y[i])) for i in range(n)])  # (n, steps)
    gains = rng.uniform(0.5, 1.5, size=(n, 1, features))
    x = series[:, :, None] * gains + noise * rng.standard_normal((n, steps, features))
    if delay:
        x = np.concatenate([x, DELAY_NOISE * rng.standard_normal((n, delay, features))], axis=1)
    return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(y.astype(np.int64))


def save_dataset(x: Tensor, y: Tensor, path: Path | str) -> str:
    """Write `x` `(N, L, F)` and `y` `(N,)` to an `.npz` file, byte for byte the same each time.

    Lesson 01 § 1 (the data card says how the shipped file was made with it).
    `np.savez` stamps the current time into the zip; this writes each array with a fixed
    date instead, so the file's checksum depends on the data alone. Returns the SHA-256.
    """
    x, y = check_xy(x, y, "save_dataset({}, path)")
    if not (folder := Path(path).parent).is_dir():
        make = f"from pathlib import Path; Path('{folder}').mkdir(parents=True)"
        raise FileNotFoundError(f"save_dataset: expected a path in an existing folder, got '{path}', but "
                                f"{folder.resolve()} does not exist; create it first: {make}")
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in (("x", x.cpu().numpy()), ("y", y.cpu().numpy())):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            archive.writestr(zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0)), buffer.getvalue())
    return file_sha256(path)


def file_sha256(path: Path) -> str:
    """The SHA-256 checksum of a file, as `sha256sum` prints it."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_dataset(path: Path | str = DATA_PATH, expected_sha256: str | None = None) -> tuple[Tensor, Tensor]:
    """Load the course data set, or data that `save_dataset` wrote. Lesson 01 § 1.

    Returns `x` `(N, L, F)` float32 and `y` `(N,)` int64: `(1000, 10, 5)` and `(1000,)` for the course file.
    The course file is checked against `DATA_SHA256`, another file only against `expected_sha256` if given.
    A missing or altered course file raises an error that says how to regenerate it; no other data is substituted.
    """
    path = Path(path)
    course_file = path.resolve() == DATA_PATH
    if not path.exists() and course_file:
        raise FileNotFoundError(f"The course data file {path} is missing. Regenerate it with: {REGENERATE}")
    if not path.exists():
        cwd = "" if path.is_absolute() else f" (a relative path starts from the current folder, {Path.cwd()})"
        raise FileNotFoundError(f"load_dataset: expected an existing file, got '{path}': there is no {path.resolve()}"
                                f"{cwd}; give the path from there, or in full (load_dataset() loads the course file).")
    if path.is_dir():
        files = [f"load_dataset('{file}')" for file in sorted(path.glob("*.npz")) if file.is_file()]
        fix = files[0] if files else "give the path of an .npz file that save_dataset wrote"
        raise IsADirectoryError(f"load_dataset: expected an .npz file, got the folder '{path}'; {fix}.")
    expected_sha256 = DATA_SHA256 if course_file and expected_sha256 is None else expected_sha256
    if expected_sha256 is not None and file_sha256(path) != expected_sha256:
        raise ValueError(f"The data file {path} is corrupt or was changed (its checksum is not {expected_sha256[:12]}...). "
                         + (f"Regenerate it with: {REGENERATE}" if course_file else "Check that it is the file you meant."))
    try:
        arrays = np.load(path, allow_pickle=False)
    except (ValueError, EOFError):
        arrays = None  # not an .npz archive of plain arrays
    names = sorted(getattr(arrays, "files", []))
    if "x" not in names or "y" not in names:
        raise ValueError(f"load_dataset: expected an .npz file with arrays x and y, got {path} with "
                         f"{names or 'no such arrays'}; write it with save_dataset(x, y, path) (course file: {REGENERATE})")
    with arrays:
        return torch.from_numpy(arrays["x"]), torch.from_numpy(arrays["y"])


def train_val_split(
    x: Tensor, y: Tensor | None = None, val_fraction: float = 0.2, seed: int = 0
) -> tuple[tuple[Tensor, Tensor], tuple[Tensor, Tensor]]:
    """Shuffle with `seed` and split into `(x_train, y_train), (x_val, y_val)`.

    Lesson 01 § 4 (Mini-batches with a `DataLoader`). x: `(N, L, F)`, y: `(N,)`; leaving out y gets a message.
    With the defaults: `(800, 10, 5)`, `(800,)`, `(200, 10, 5)`, `(200,)`; neither part may be empty.
    """
    x, y = check_xy(x, y, "train_val_split({})")
    n_val, seed = validation_count(len(y), val_fraction), require_int(seed, "seed", minimum=0)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))
    val, train = order[:n_val], order[n_val:]
    return (x[train], y[train]), (x[val], y[val])


def time_split(
    x: Tensor, y: Tensor | None = None, val_fraction: float = 0.2
) -> tuple[tuple[Tensor, Tensor], tuple[Tensor, Tensor]]:
    """Split in time order, without shuffling: the first part trains, the last `val_fraction` validates.

    Lesson 06 § 2 (Split by time) and § 5 (Why a shuffled split leaks the future). x: `(N, L, F)` windows in time order, y: their targets.
    For a series, a shuffled split leaks the future: a window just after a validation window would train on
    the values it is asked to predict. Returns `(x_train, y_train), (x_val, y_val)`; neither part may be empty.
    """
    x, y = check_xy(x, y, "time_split({})")
    n_train = len(y) - validation_count(len(y), val_fraction)
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


def validation_count(n: int, val_fraction: float) -> int:
    """How many of n sequences a `val_fraction` puts on the validation side: at least 1, and 1 fewer than n at most."""
    if not 0 < (val_fraction := require_number(val_fraction, "val_fraction")) < 1:
        raise ValueError(f"val_fraction: expected a number between 0 and 1, got {val_fraction:g}; "
                         f"use val_fraction={val_fraction / 100 if 1 < val_fraction < 100 else 0.2:g}.")
    n_val = round(n * val_fraction)
    if not 0 < n_val < n:
        step = math.ceil(100 / n) / 100  # the smallest fraction that puts one sequence on the validation side
        fix = f"use val_fraction={step if n_val == 0 else 1 - step:g}" if n > 1 else "use 2 sequences or more"
        raise ValueError(f"val_fraction: expected sequences on both sides of the split, got {n - n_val} for "
                         f"training and {n_val} for validation out of {n}; {fix}.")
    return n_val


def make_loader(
    x: Tensor, y: Tensor | None = None, batch_size: int = 32, shuffle: bool = True, seed: int = 0,
    lengths: Tensor | None = None,
) -> DataLoader:
    """Wrap `x` `(N, L, F)` and `y` `(N,)` in a DataLoader of batches `(batch_size, L, F)`, `(batch_size,)`.

    Lesson 01 § 4 (Mini-batches with a `DataLoader`). Shuffling uses its own generator
    seeded with `seed`, so the batch order is reproducible. Leaving out y gets a message.
    With the true `lengths` `(N,)` of padded sequences (lesson 07 § 2) the batches are `(xb, lengths, yb)`.
    y may also be class indices at every step `(N, L)` or numbers to predict, float, `N` first (lesson 06).
    """
    x, y = check_xy(x, y, "make_loader({})")
    batch_size, seed = require_int(batch_size, "batch_size"), require_int(seed, "seed", minimum=0)
    if isinstance(shuffle, str):
        wanted = shuffle.strip().lower() not in ("false", "no", "off", "0", "")
        raise TypeError(f"shuffle: expected True or False, got {describe(shuffle)}, which counts as True; "
                        f"use shuffle={wanted}.")
    tensors = (x, y) if lengths is None else (x, check_lengths(lengths, x), y)  # lengths: int64, on the CPU
    generator = torch.Generator().manual_seed(seed)  # its own, so the batch order is reproducible
    return DataLoader(TensorDataset(*tensors), batch_size=batch_size, shuffle=shuffle, generator=generator)


def check_lengths(lengths: object, x: Tensor) -> Tensor:
    """Check the true lengths `(N,)` of padded sequences x `(N, L, F)`; return them as int64 on the CPU.

    Lesson 07 § 2 (Packing): `pack_padded_sequence` needs them there, whatever device x is on.
    """
    lengths = require_tensor(lengths, "lengths", labels=True).cpu()
    n, steps = x.shape[0], x.shape[1]
    if tuple(lengths.shape) != (n,):
        m = min(n, lengths.numel())
        fix = ("use lengths.view(-1)" if lengths.numel() == n else
               f"pass the lengths of the same sequences, sliced as x is, e.g. x[:{m}], lengths[:{m}]")
        raise ValueError(f"lengths: expected one length per sequence, shape ({n},) for x {shape_str(x.shape)}, "
                         f"got {shape_str(lengths.shape)}; {fix}.")
    if lengths.is_floating_point():
        if not (lengths == lengths.round()).all():
            raise ValueError(f"lengths: expected whole numbers of steps, got values such as "
                             f"{float(lengths[lengths != lengths.round()][0]):g}; pass each sequence's number of "
                             "real (unpadded) steps, e.g. the lengths that pad_sequences returns.")
        raise TypeError(f"lengths: expected whole numbers of dtype torch.long, got {lengths.dtype}; use lengths.long().")
    low, high = int(lengths.min()), int(lengths.max())
    if low < 1:
        raise ValueError(f"lengths: expected at least 1 step per sequence, got {low} for sequence "
                         f"{int(lengths.argmin())}; drop empty sequences: keep = lengths > 0; "
                         "x, lengths = x[keep], lengths[keep] (and the labels the same way).")
    if high > steps:
        raise ValueError(f"lengths: expected at most {steps}, the steps of x {shape_str(x.shape)}, got {high} for "
                         f"sequence {int(lengths.argmax())}; pass the lengths that belong to x, or, if x was cut to "
                         f"its first {steps} steps, cut lengths too: lengths.clamp(max={steps}).")
    return lengths.long()


def zero_steps_at_end(x: Tensor) -> Tensor:
    """How many all-zero steps each sequence of x `(N, L, F)` ends in: `(N,)`. Different counts look like
    padding at the end (lesson 07 § 2), which an RNN reads as data unless it is given the lengths."""
    return (x == 0).all(dim=2).flip(1).long().cumprod(dim=1).sum(dim=1)
