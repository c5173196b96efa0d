"""The two real data sets (sunspots, Japanese Vowels): checked on load, the shapes their cards state,
and the helpers that take variable-length sequences to a model (padding, standardising)."""

import shutil
import subprocess
import warnings

import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

from rnn_lesson import real_data
from rnn_lesson.data import DATA_DIR, file_sha256
from rnn_lesson.real_data import (feature_stats, load_japanese_vowels, load_sunspots, pad_sequences,
                                  standardise)

VOWELS = load_japanese_vowels()
TRAIN = [s for s, t in zip(VOWELS.sequences, VOWELS.is_train) if t]
TEST = [s for s, t in zip(VOWELS.sequences, VOWELS.is_train) if not t]


def test_sunspots_are_one_value_a_year_from_1700_to_2008():
    years, sunspots = load_sunspots()
    assert years.shape == sunspots.shape == (309,)
    assert years.dtype == torch.int64 and sunspots.dtype == torch.float32
    assert torch.equal(years, torch.arange(1700, 2009))
    assert (sunspots >= 0).all() and sunspots.max() > 150  # counts, with the cycle's high peaks
    assert sunspots[0] == 5 and sunspots[-1] == pytest.approx(2.9)  # the file's first and last rows


def test_vowels_have_the_published_counts_shapes_and_split():
    assert len(VOWELS.sequences) == 640
    assert all(s.ndim == 2 and s.shape[1] == 12 and s.dtype == torch.float32 for s in VOWELS.sequences)
    lengths = torch.tensor([len(s) for s in VOWELS.sequences])
    assert (lengths.min(), lengths.max()) == (7, 29)
    assert VOWELS.speakers.shape == VOWELS.is_train.shape == (640,)
    assert VOWELS.speakers.dtype == torch.int64 and VOWELS.is_train.dtype == torch.bool
    assert (int(VOWELS.is_train.sum()), int((~VOWELS.is_train).sum())) == (270, 370)
    train_counts = torch.bincount(VOWELS.speakers[VOWELS.is_train], minlength=9)
    test_counts = torch.bincount(VOWELS.speakers[~VOWELS.is_train], minlength=9)
    assert train_counts.tolist() == [30] * 9  # balanced training split, 30 utterances per speaker
    assert len(test_counts) == 9 and (test_counts.min(), test_counts.max()) == (24, 88)  # as the UCI page says
    assert all(torch.isfinite(s).all() for s in VOWELS.sequences)


def test_vowel_data_prints_a_summary_not_640_tensors():
    assert repr(VOWELS) == ("VowelData(640 sequences (L_i, 12) of 7 to 29 steps, speakers (640,), "
                            "is_train (640,): 270 train, 370 test)")


def test_each_data_card_states_its_file_checksum_and_licence_and_the_readme_links_it():
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for path, checksum, card, licence in ((real_data.SUNSPOTS_PATH, real_data.SUNSPOTS_SHA256, "sunspots.md",
                                           "public domain"),
                                          (real_data.VOWELS_PATH, real_data.VOWELS_SHA256, "japanese_vowels.md",
                                           "CC BY 4.0")):
        text = (DATA_DIR / card).read_text(encoding="utf-8")
        assert checksum in text and path.name in text and licence in text and "tools/make_real_data.py" in text
        assert f"]({card})" in readme and checksum in readme
        assert file_sha256(path) == checksum
        assert f"{path.stat().st_size:,} bytes" in text  # the size the card states is the file's


@pytest.mark.parametrize("clone", [True, False], ids=["in a clone", "installed with pip"])
@pytest.mark.parametrize("constant, load", [("SUNSPOTS_PATH", load_sunspots), ("VOWELS_PATH", load_japanese_vowels)])
def test_a_changed_copy_is_refused_with_the_way_to_restore_it(tmp_path, monkeypatch, constant, load, clone):
    original = getattr(real_data, constant)
    copy = tmp_path / "data" / original.name
    copy.parent.mkdir()
    if clone:
        (tmp_path / ".git").mkdir()
    restore = (f"restore it from git: git -C {tmp_path} checkout -- data/{original.name}" if clone
               else "reinstall the course: pip install --force-reinstall --no-deps")
    shutil.copyfile(original, copy)
    data = bytearray(copy.read_bytes())
    data[-20] ^= 1  # one bit flipped, as a damaged download or an accidental edit would
    copy.write_bytes(bytes(data))
    monkeypatch.setattr(real_data, constant, copy)
    with pytest.raises(ValueError, match="corrupt or was changed") as caught:
        load()
    assert restore in str(caught.value)
    copy.unlink()
    with pytest.raises(FileNotFoundError, match="no such file") as caught:
        load()
    assert restore in str(caught.value) and (clone or "git" not in str(caught.value))


@pytest.mark.parametrize("constant, load", [("SUNSPOTS_PATH", load_sunspots), ("VOWELS_PATH", load_japanese_vowels)])
def test_the_restore_command_in_the_message_brings_the_file_back(course_copy, monkeypatch, constant, load):
    """In a clone of the committed course: delete the file, run the command the message gives, load again."""
    path = course_copy / "data" / getattr(real_data, constant).name
    if not path.exists():
        pytest.skip(f"data/{path.name} is not committed yet")
    monkeypatch.setattr(real_data, constant, path)
    path.unlink()
    with pytest.raises(FileNotFoundError) as caught:
        load()
    command = str(caught.value).split("restore it from git: ")[1]
    subprocess.run(command, shell=True, check=True)
    load()


def test_end_and_front_padding_hold_the_same_values_shifted():
    end, lengths = pad_sequences(VOWELS.sequences)
    front, front_lengths = pad_sequences(VOWELS.sequences, side="front")
    assert end.shape == front.shape == (640, 29, 12) and end.dtype == torch.float32
    assert torch.equal(lengths, front_lengths) and lengths.dtype == torch.int64
    for i, n in enumerate(lengths.tolist()):
        assert torch.equal(end[i, :n], VOWELS.sequences[i]) and torch.equal(front[i, 29 - n:], VOWELS.sequences[i])
        assert (end[i, n:] == 0).all() and (front[i, :29 - n] == 0).all()
    assert torch.equal(end, pad_sequence(VOWELS.sequences, batch_first=True))  # what PyTorch itself does
    packed = pack_padded_sequence(end, lengths, batch_first=True, enforce_sorted=False)
    assert packed.data.shape == (int(lengths.sum()), 12)


def test_padding_takes_numpy_arrays_and_keeps_their_dtype():
    x, lengths = pad_sequences([s.double().numpy() for s in TRAIN[:3]], side="front")
    assert x.dtype == torch.float64 and lengths.tolist() == [len(s) for s in TRAIN[:3]]


def test_standardise_uses_the_training_statistics_only():
    train, test = standardise(TRAIN, TEST)
    steps = torch.cat(train)
    assert torch.allclose(steps.mean(0), torch.zeros(12), atol=1e-5)
    assert torch.allclose(steps.std(0), torch.ones(12), atol=1e-5)
    assert not torch.allclose(torch.cat(test).mean(0), torch.zeros(12), atol=1e-2)  # the test split is not re-centred
    shifted = [s + 100 for s in TEST]
    assert torch.equal(standardise(TRAIN, shifted)[0][0], train[0])  # other data never moves the statistics
    mean, std = feature_stats(TRAIN)
    assert torch.allclose(test[0] * std + mean, TEST[0], atol=1e-5)  # the way back to the data's units


@pytest.mark.parametrize("side", ["end", "front"])
def test_standardise_ignores_padding_and_keeps_it_at_zero(side):
    train_x, train_lengths = pad_sequences(TRAIN, side=side)
    test_x, test_lengths = pad_sequences(TEST, side=side)
    scaled_train, scaled_test = standardise(train_x, test_x, lengths=(train_lengths, test_lengths))
    expected_train, expected_test = (pad_sequences(part, side=side)[0] for part in standardise(TRAIN, TEST))
    assert torch.allclose(scaled_train, expected_train, atol=1e-5)
    assert torch.allclose(scaled_test, expected_test, atol=1e-5)
    with_padding = feature_stats(train_x.reshape(-1, 12))  # counting the zeros as data gives other statistics
    assert not torch.allclose(with_padding[0], feature_stats(train_x, train_lengths)[0], atol=1e-3)


def test_end_padding_without_lengths_warns_once_and_batches_without_padding_do_not():
    train_x, train_lengths = pad_sequences(TRAIN)
    test_x, _ = pad_sequences(TEST)
    for call in (lambda: feature_stats(train_x), lambda: standardise(train_x, test_x)):
        with pytest.warns(UserWarning, match="looks like padding") as caught:
            call()
        assert len(caught) == 1 and "lengths=" in str(caught[0].message)
    front_x, _ = pad_sequences(TRAIN, side="front")                    # every sequence ends at its last real step
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        feature_stats(torch.randn(8, 5, 3))
        feature_stats(front_x)
        feature_stats(train_x, train_lengths)


def test_standardise_a_series_and_a_constant_feature():
    _, sunspots = load_sunspots()
    train, test = standardise(sunspots[:259], sunspots[259:])
    assert train.shape == (259,) and test.shape == (50,)
    assert train.mean().abs() < 1e-5 and (train.std() - 1).abs() < 1e-5
    series = torch.stack([torch.arange(10.0), torch.full((10,), 3.0)], dim=1)  # (T, F) with a constant feature
    (scaled,) = standardise(series)
    assert torch.equal(scaled[:, 1], torch.zeros(10)) and torch.isfinite(scaled).all()
