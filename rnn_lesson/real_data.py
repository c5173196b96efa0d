"""Two real data sets shipped with the course, and the helpers that take real sequences to a model.

- Yearly sunspot numbers 1700-2008 (one series; public domain): lesson 06 § 1 forecasts them.
- UCI Japanese Vowels (640 utterances of 7-29 steps × 12 features, 9 speakers; CC BY 4.0):
  lesson 07 § 1 pads, standardises and packs them.
Both files are loaded offline from the course's data folder and refused if their SHA-256 differs
from the one their data card states (data/README.md links the cards: source, licence, how they were made).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from torch import Tensor

from rnn_lesson.checks import describe, shape_str
from rnn_lesson.data import DATA_DIR, file_sha256, zero_steps_at_end

SUNSPOTS_PATH = DATA_DIR / "sunspots.csv"
SUNSPOTS_SHA256 = "f67889b1d9002cd5227f0e0ef54e35b419cdd85a31279adef6f73fb41e5c0a9b"
VOWELS_PATH = DATA_DIR / "japanese_vowels.npz"
VOWELS_SHA256 = "f82d2e96783c71ed46e2f91f5ec6803ffb02af386fc440d15532a2626e790b2b"
FRONT, END = ("front", "start", "left", "pre", "before"), ("end", "right", "post", "after")  # names other libraries use


def checked_path(path: Path, sha256: str, caller: str) -> Path:
    """Return `path` if the file is there with the expected SHA-256; otherwise say how to restore it."""
    clone = path.parent.parent  # data/ of a clone; an installed package has no git to restore from
    restore = (f"restore it from git: git -C {clone} checkout -- data/{path.name}" if (clone / ".git").exists() else
               "reinstall the course: pip install --force-reinstall --no-deps with the address you installed it from")
    if not path.is_file():
        raise FileNotFoundError(f"{caller}: expected the course data file {path}, got no such file; {restore}")
    if (found := file_sha256(path)) != sha256:
        raise ValueError(f"{caller}: expected the course data file {path} with SHA-256 {sha256[:12]}..., got a file "
                         f"that is corrupt or was changed (SHA-256 {found[:12]}...); {restore}")
    return path


def load_sunspots() -> tuple[Tensor, Tensor]:
    """Yearly mean sunspot numbers, 1700-2008. Lesson 06 § 1.

    Returns `years` `(309,)` int64 (1700 ... 2008) and `sunspots` `(309,)` float32, one value per year.
    The file's checksum is checked first; a missing or changed file is refused with the way to restore it.
    """
    table = np.loadtxt(checked_path(SUNSPOTS_PATH, SUNSPOTS_SHA256, "load_sunspots"), delimiter=",", skiprows=1)
    return torch.from_numpy(table[:, 0].astype(np.int64)), torch.from_numpy(table[:, 1].astype(np.float32))


@dataclass
class VowelData:
    """UCI Japanese Vowels: 640 utterances of the vowel pair /ae/ by 9 male speakers. Lesson 07 § 1.

    sequences: 640 tensors `(L_i, 12)` float32, L_i from 7 to 29 steps, 12 LPC cepstrum coefficients per step.
    speakers: `(640,)` int64, who spoke, 0 to 8 (the class to predict).
    is_train: `(640,)` bool, the UCI split: 270 for training (30 per speaker), 370 to test.
    """

    sequences: list[Tensor]
    speakers: Tensor
    is_train: Tensor

    def __repr__(self) -> str:
        lengths = [len(s) for s in self.sequences]
        return (f"VowelData({len(lengths)} sequences (L_i, 12) of {min(lengths)} to {max(lengths)} steps, "
                f"speakers {shape_str(self.speakers.shape)}, is_train {shape_str(self.is_train.shape)}: "
                f"{int(self.is_train.sum())} train, {int((~self.is_train).sum())} test)")


def load_japanese_vowels() -> VowelData:
    """The UCI Japanese Vowels data set, variable-length sequences `(L_i, 12)`. Lesson 07 § 1.

    Returns a `VowelData`: `sequences` (640 tensors `(L_i, 12)`), `speakers` `(640,)`, `is_train` `(640,)`.
    The file's checksum is checked first; a missing or changed file is refused with the way to restore it.
    """
    with np.load(checked_path(VOWELS_PATH, VOWELS_SHA256, "load_japanese_vowels"), allow_pickle=False) as arrays:
        values, lengths = torch.from_numpy(arrays["values"]), arrays["lengths"].tolist()
        speakers, is_train = torch.from_numpy(arrays["speakers"]), torch.from_numpy(arrays["is_train"])
    return VowelData(list(values.split(lengths)), speakers, is_train)


def as_sequences(sequences: object, name: str = "sequences") -> list[Tensor]:
    """Check a list of sequences, each `(L_i, F)` with the same F and at least one step; return them as tensors."""
    if isinstance(sequences, (Tensor, np.ndarray)) and sequences.dtype != object:
        kind = f"one {'tensor' if isinstance(sequences, Tensor) else 'NumPy array'} {shape_str(sequences.shape)}"
        fix = (f"it is already padded to one length; use it as it is, with lengths "
               f"torch.full(({sequences.shape[0]},), {sequences.shape[1]})" if sequences.ndim == 3
               else f"for one sequence, put it in a list: [{name}]")
        raise TypeError(f"{name}: expected a list of sequences (L_i, F), got {kind}; {fix}.")
    if not isinstance(sequences, (list, tuple, np.ndarray)):
        raise TypeError(f"{name}: expected a list of sequences (L_i, F), got {describe(sequences)}; pass a list.")
    if len(sequences) == 0:
        raise ValueError(f"{name}: expected at least one sequence (L_i, F), got an empty list; "
                         f"check the selection that made it, e.g. [s for s, t in zip(data.sequences, data.is_train) if t].")
    tensors = [torch.as_tensor(s) for s in sequences]
    for i, s in enumerate(tensors):
        if s.ndim == 1:
            raise ValueError(f"{name}[{i}]: expected a sequence (L_i, F) of steps × features, got {shape_str(s.shape)}; "
                             f"for one feature per step add a feature axis: [s.reshape(-1, 1) for s in {name}].")
        if s.ndim != 2:
            raise ValueError(f"{name}[{i}]: expected a sequence (L_i, F) of steps × features, got {shape_str(s.shape)}; "
                             "reshape each sequence to 2 dimensions.")
        if len(s) == 0:
            raise ValueError(f"{name}[{i}]: expected at least one step, got {shape_str(s.shape)}; leave empty "
                             f"sequences out: [s for s in {name} if len(s) > 0].")
    features = [s.shape[1] for s in tensors]
    if len(set(features)) > 1:
        odd = next(i for i, f in enumerate(features) if f != features[0])
        hint = (f"every sequence has {tensors[0].shape[0]} rows, so they are laid out (F, L_i): transpose each: "
                f"[s.T for s in {name}]" if len({s.shape[0] for s in tensors}) == 1
                else "every sequence needs the same features per step; check how that one was made")
        raise ValueError(f"{name}: expected the same number of features F in every sequence, {features[0]} like "
                         f"{name}[0], got {shape_str(tensors[odd].shape)} in {name}[{odd}]; {hint}.")
    return tensors


def pad_sequences(sequences: Sequence[Tensor], side: str = "end") -> tuple[Tensor, Tensor]:
    """Pad sequences `(L_i, F)` with zeros to one batch. Lesson 07 § 1.

    Returns `x` `(N, L_max, F)` and `lengths` `(N,)` int64. side="end" puts the zeros after each
    sequence (what `torch.nn.utils.rnn.pad_sequence` does); side="front" puts them before it, so
    every sequence ends at the last step, which a model that reads the last step needs when it
    does not pack. Pass `lengths` to the model (or to `pack_padded_sequence`) to skip the padding.
    """
    if side not in ("end", "front"):
        guess = "front" if str(side).lower() in FRONT else "end" if str(side).lower() in END else None
        fix = f'use side="{guess}"' if guess else 'use side="end" (zeros after each sequence) or side="front" (before)'
        raise ValueError(f'side: expected "end" or "front", got {describe(side)}; {fix}.')
    tensors = as_sequences(sequences)
    lengths = torch.tensor([len(s) for s in tensors], dtype=torch.int64)
    x = torch.zeros(len(tensors), int(lengths.max()), tensors[0].shape[1], dtype=tensors[0].dtype)
    for i, s in enumerate(tensors):
        if side == "end":
            x[i, : len(s)] = s
        else:
            x[i, x.shape[1] - len(s):] = s
    return x, lengths


def real_steps(x: Tensor, lengths: object, name: str) -> Tensor:
    """Which steps of a padded batch `x` `(N, L, F)` are real: `(N, L)` bool, padding at the end or the front."""
    lengths = torch.as_tensor(lengths, device=x.device)
    if x.ndim != 3 or lengths.shape != (len(x),) or lengths.is_floating_point():
        raise ValueError(f"lengths: expected whole numbers (N,) for {name} (N, L, F), got lengths "
                         f"{shape_str(lengths.shape)} for {name} {shape_str(x.shape)}; pass the lengths "
                         f"pad_sequences returned with {name}.")
    steps = torch.arange(x.shape[1], device=x.device)
    for mask in (steps < lengths[:, None], steps >= x.shape[1] - lengths[:, None]):  # padded at the end, the front
        if bool((x[~mask] == 0).all()):
            return mask
    raise ValueError(f"lengths: expected zeros in {name} beyond each sequence's length (after it, or before it), got "
                     f"non-zero values there; pass the lengths pad_sequences returned with {name}.")


def warn_if_padding_counted(x: Tensor, name: str) -> None:
    """Warn when the sequences of x `(N, L, F)`, given without lengths, end in different numbers of all-zero steps:
    padding at the end, which the statistics would count as data."""
    trailing = zero_steps_at_end(x)  # (N,): all-zero steps at the end of each sequence
    if trailing.min() != trailing.max():
        warnings.warn(f"{name}: expected real steps only, as no lengths were given, got sequences that end in "
                      f"{int(trailing.min())} to {int(trailing.max())} all-zero steps: that looks like padding, which "
                      "the mean and std would count as data; pass the lengths pad_sequences returned (lengths=, one "
                      "per tensor: standardise(x_train, x_val, lengths=(train_lengths, val_lengths))), or standardise "
                      "the list of sequences before padding it.", UserWarning, stacklevel=3)


def feature_stats(train_x: Tensor | list[Tensor], lengths: object = None) -> tuple[Tensor, Tensor]:
    """Each feature's mean and standard deviation over the real steps of the training data.
    Lesson 06 § 2 and lesson 07 § 1.

    train_x: a list of sequences `(L_i, F)`, a padded batch `(N, L, F)` with its `lengths` `(N,)`,
    a batch without padding `(N, L, F)`, or one series `(T, F)` or `(T,)`.
    Returns `mean` and `std` `(F,)` (`(1,)` for a series `(T,)`); a constant feature gets std 1.
    `prediction * std + mean` turns standardised predictions back into the data's units.
    """
    if isinstance(train_x, (list, tuple)):
        values = torch.cat(as_sequences(train_x, "train_x"))
    elif not isinstance(train_x, Tensor) or not train_x.is_floating_point() or train_x.ndim not in (1, 2, 3):
        raise TypeError(f"train_x: expected floating-point values (N, L, F), (T, F) or (T,), or a list of "
                        f"sequences (L_i, F), got {describe(train_x)}; convert it with torch.as_tensor(train_x).float().")
    elif lengths is not None:
        values = train_x[real_steps(train_x, lengths, "train_x")]
    else:
        if train_x.ndim == 3:
            warn_if_padding_counted(train_x, "train_x")
        values = train_x.reshape(-1, train_x.shape[-1] if train_x.ndim > 1 else 1)
    std = values.std(dim=0)
    return values.mean(dim=0), torch.where(std > 0, std, torch.ones_like(std))


def standardise(train_x: Tensor | list[Tensor], *others: Tensor | list[Tensor], lengths: object = None) -> tuple:
    """Scale each feature to mean 0 and std 1 with the statistics of the TRAINING data only.
    Lesson 06 § 2 and lesson 07 § 1.

    train_x and others: lists of sequences `(L_i, F)` (standardise before padding: the padding then stays 0,
    the features' mean), or tensors `(N, L, F)`, `(T, F)`, `(T,)` with the same F. Padded tensors take
    `lengths`: their lengths `(N,)` (one tensor with train_x alone; a tuple, one per tensor given); padding
    is left out of the statistics and stays 0. Returns a tuple, `(train_x, *others)` standardised, in order.
    A batch `(N, L)` without a feature axis would read as `(T, F)`: add the axis first, `x.unsqueeze(-1)`.
    """
    parts = (train_x, *others)
    if lengths is not None and any(isinstance(p, (list, tuple)) for p in parts):
        raise ValueError("lengths: expected none with lists of sequences, which carry their own lengths, got "
                         f"{describe(lengths)}; leave lengths out.")
    if lengths is None or not others:
        all_lengths = [lengths] * len(parts)
    elif isinstance(lengths, (list, tuple)) and len(lengths) == len(parts):
        all_lengths = list(lengths)
    else:
        names = ", ".join(["train_lengths"] + (["val_lengths"] if len(others) == 1 else
                                               [f"lengths_{i + 1}" for i in range(len(others))]))
        raise ValueError(f"lengths: expected one lengths tensor (N,) per tensor given ({len(parts)}), got "
                         f"{describe(lengths)}; pass lengths=({names}).")
    mean, std = feature_stats(train_x, all_lengths[0])
    results = []
    for i, part in enumerate(parts):
        name = "train_x" if i == 0 else f"others[{i - 1}]"
        if isinstance(part, (list, tuple)):
            results.append([(s - mean) / std for s in as_sequences(part, name)])
            continue
        features = part.shape[-1] if isinstance(part, Tensor) and part.ndim > 1 else 1
        if not isinstance(part, Tensor) or part.ndim > 3 or features != len(mean):
            raise ValueError(f"{name}: expected data laid out like train_x, with {len(mean)} feature(s) last, got "
                             f"{describe(part)}; standardise data of one kind together.")
        scaled = (part - mean) / std
        if lengths is not None:  # keep the padding at 0
            scaled = torch.where(real_steps(part, all_lengths[i], name)[..., None], scaled, torch.zeros_like(scaled))
        results.append(scaled)
    return tuple(results)
