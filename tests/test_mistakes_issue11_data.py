"""Learner mistakes with real data (lessons 06 and 07): padding variable-length sequences, standardising
them, and the shipped files themselves. Each message names what was expected, what came and the fix;
where the fix is code, `fixed` follows it literally. See tests/mistakes.py for the format."""

import atexit
import contextlib
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence

from mistakes import Mistake, check_mistake, ids
from rnn_lesson import real_data
from rnn_lesson.real_data import feature_stats, load_japanese_vowels, load_sunspots, pad_sequences, standardise

data = load_japanese_vowels()
sequences = data.sequences[:20]  # (L_i, 12) each, 7 to 29 steps
train = [s for s, t in zip(data.sequences, data.is_train) if t][:20]
val = [s for s, t in zip(data.sequences, data.is_train) if not t][:20]
x_train, train_lengths = pad_sequences(train)
x_val, val_lengths = pad_sequences(val)
padded, lengths = pad_sequences(sequences)
univariate = [s[:, 0] for s in sequences]  # (L_i,): one value per step, no feature axis
channels_first = [s.T for s in sequences]  # (12, L_i), as the .ts and UEA files lay them out
with_a_short_one = sequences[:5] + [sequences[5][:, :11]] + sequences[6:]  # one sequence lost a feature
with_an_empty_one = sequences[:3] + [sequences[3][:0]] + sequences[4:]  # (0, 12): a recording with no frames
FILES = Path(tempfile.mkdtemp(prefix="rnn-lesson-real-data-"))  # damaged copies, outside the course
atexit.register(shutil.rmtree, FILES, ignore_errors=True)


@contextlib.contextmanager
def course_file_replaced(constant: str, damage: str):
    """Point real_data's path constant at a copy of the course file that is missing or has one bit flipped."""
    original = getattr(real_data, constant)
    copy = FILES / damage / "data" / original.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    (FILES / damage / ".git").mkdir(exist_ok=True)  # as in a clone, which is told to restore the file from git
    if damage == "changed":
        data = bytearray(original.read_bytes())
        data[len(data) // 2] ^= 1
        copy.write_bytes(bytes(data))
    setattr(real_data, constant, copy)
    try:
        yield
    finally:
        setattr(real_data, constant, original)


def load_damaged(constant, damage, load):
    with course_file_replaced(constant, damage):
        return load()


MISTAKES = [
    Mistake("padding side named as in PyTorch", lambda: pad_sequences(sequences, side="left"), ValueError,
            'side: expected "end" or "front"', "got str 'left'", 'use side="front"',
            fixed=lambda: pad_sequences(sequences, side="front")),
    Mistake("padding side named as in Keras", lambda: pad_sequences(sequences, side="post"), ValueError,
            'expected "end" or "front"', "got str 'post'", 'use side="end"',
            fixed=lambda: pad_sequences(sequences, side="end")),
    Mistake("padding side made up", lambda: pad_sequences(sequences, side="both"), ValueError,
            'expected "end" or "front"', "got str 'both'", 'use side="end" (zeros after each sequence) or side="front"',
            fixed=lambda: pad_sequences(sequences, side="front")),
    Mistake("padding an empty selection", lambda: pad_sequences([s for s in sequences if len(s) > 100]), ValueError,
            "expected at least one sequence (L_i, F)", "got an empty list", "check the selection that made it",
            no_code_fix="the selection that left nothing must be corrected; which one depends on the learner's code"),
    Mistake("padding sequences with different feature counts", lambda: pad_sequences(with_a_short_one), ValueError,
            "expected the same number of features F in every sequence, 12 like sequences[0]",
            "got (23, 11) in sequences[5]", "check how that one was made",
            no_code_fix="the odd sequence lost a feature where it was made; that code needs the fix"),
    Mistake("padding sequences laid out features first", lambda: pad_sequences(channels_first), ValueError,
            "expected the same number of features F in every sequence", "got (12, ", "[s.T for s in sequences]",
            fixed=lambda: pad_sequences([s.T for s in channels_first])),
    Mistake("padding 1-D sequences", lambda: pad_sequences(univariate), ValueError,
            "expected a sequence (L_i, F) of steps × features", "got (20,)",
            "add a feature axis: [s.reshape(-1, 1) for s in sequences]",
            fixed=lambda: pad_sequences([s.reshape(-1, 1) for s in univariate])),
    Mistake("padding 1-D NumPy sequences", lambda: pad_sequences([s.numpy() for s in univariate]), ValueError,
            "expected a sequence (L_i, F)", "got (20,)", "[s.reshape(-1, 1) for s in sequences]",
            fixed=lambda: pad_sequences([s.reshape(-1, 1) for s in [s.numpy() for s in univariate]])),
    Mistake("padding a sequence with no steps", lambda: pad_sequences(with_an_empty_one), ValueError,
            "sequences[3]: expected at least one step", "got (0, 12)", "[s for s in sequences if len(s) > 0]",
            fixed=lambda: pad_sequences([s for s in with_an_empty_one if len(s) > 0])),
    Mistake("padding a batch that is already padded", lambda: pad_sequences(padded), TypeError,
            "expected a list of sequences (L_i, F)", "got one tensor (20, 26, 12)",
            "torch.full((20,), 26)",
            fixed=lambda: pack_padded_sequence(padded, torch.full((20,), 26), batch_first=True)),
    Mistake("padding one sequence", lambda: pad_sequences(sequences[0]), TypeError,
            "expected a list of sequences (L_i, F)", "got one tensor (20, 12)", "put it in a list: [sequences]",
            fixed=lambda: pad_sequences([sequences[0]])),
    Mistake("standardising with the training lengths only", lambda: standardise(x_train, x_val, lengths=train_lengths),
            ValueError, "expected one lengths tensor (N,) per tensor given (2)", "got a tensor (20,)",
            "pass lengths=(train_lengths, val_lengths)",
            fixed=lambda: standardise(x_train, x_val, lengths=(train_lengths, val_lengths))),
    Mistake("standardising with another tensor's lengths", lambda: standardise(x_train, lengths=val_lengths), ValueError,
            "expected zeros in train_x beyond each sequence's length", "got non-zero values there",
            "pass the lengths pad_sequences returned with train_x",
            fixed=lambda: standardise(x_train, lengths=train_lengths)),
    Mistake("standardising end-padded tensors without lengths", lambda: standardise(x_train, x_val), UserWarning,
            "expected real steps only, as no lengths were given", "end in 0 to", "lengths=(train_lengths, val_lengths)",
            fixed=lambda: standardise(x_train, x_val, lengths=(train_lengths, val_lengths))),
    Mistake("statistics of end-padded tensors without lengths", lambda: feature_stats(x_train), UserWarning,
            "expected real steps only", "looks like padding", "or standardise the list of sequences before padding it",
            fixed=lambda: standardise(train, val)),
    Mistake("standardising lists of sequences with lengths", lambda: standardise(train, val, lengths=train_lengths),
            ValueError, "expected none with lists of sequences", "got a tensor (20,)", "leave lengths out",
            fixed=lambda: standardise(train, val)),
    Mistake("standardising data with fewer features than the training data",
            lambda: standardise(x_train, x_val[..., :6], lengths=(train_lengths, val_lengths)), ValueError,
            "expected data laid out like train_x, with 12 feature(s) last", "got a tensor (20, 29, 6)",
            "standardise data of one kind together",
            no_code_fix="the validation data must be built with the same features as the training data"),
    Mistake("statistics of a NumPy array", lambda: feature_stats(x_train.numpy(), train_lengths), TypeError,
            "expected floating-point values (N, L, F)", "got a NumPy array (20, 26, 12) of float32",
            "torch.as_tensor(train_x).float()",
            fixed=lambda: feature_stats(torch.as_tensor(x_train.numpy()).float(), train_lengths)),
    Mistake("sunspot file deleted", lambda: load_damaged("SUNSPOTS_PATH", "missing", load_sunspots),
            FileNotFoundError, "expected the course data file", "got no such file",
            f"restore it from git: git -C {FILES / 'missing'} checkout -- data/sunspots.csv",
            no_code_fix="restoring the file is a git command in a terminal"),
    Mistake("vowel file changed", lambda: load_damaged("VOWELS_PATH", "changed", load_japanese_vowels), ValueError,
            "expected the course data file", "got a file that is corrupt or was changed",
            f"git -C {FILES / 'changed'} checkout -- data/japanese_vowels.npz",
            no_code_fix="restoring the file is a git command in a terminal"),
]


@pytest.mark.parametrize("mistake", MISTAKES, ids=ids(MISTAKES))
def test_mistake_gets_a_message_and_its_fix_works(mistake):
    check_mistake(mistake)


def test_the_fixes_give_what_the_lessons_need():
    x, fixed_lengths = pad_sequences([s.T for s in channels_first])
    assert torch.equal(x, padded) and torch.equal(fixed_lengths, lengths)
    x, _ = pad_sequences([s.reshape(-1, 1) for s in univariate])
    assert x.shape == (20, 26, 1)
    scaled_train, scaled_val = standardise(x_train, x_val, lengths=(train_lengths, val_lengths))
    assert (scaled_val[0, val_lengths[0]:] == 0).all()  # padding stays padding
    assert not np.allclose(scaled_train.numpy(), x_train.numpy())
