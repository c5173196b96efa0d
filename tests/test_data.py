"""The course data set: reproducible, checked on load, and separable only by order."""

import numpy as np
import pytest
import torch

from rnn_lesson import CLASS_NAMES, DATA_PATH, load_dataset, make_loader, make_sequences, save_dataset, train_val_split
from rnn_lesson import data
from rnn_lesson.data import DATA_SHA256, arrange, file_sha256


def test_shipped_file_has_the_course_shapes():
    x, y = load_dataset()
    assert x.shape == (1000, 10, 5) and x.dtype == torch.float32
    assert y.shape == (1000,) and y.dtype == torch.int64
    assert torch.bincount(y).tolist() == [334, 333, 333]


def test_make_sequences_regenerates_the_shipped_file_bit_for_bit(tmp_path):
    x, y = make_sequences(seed=0)
    checksum = save_dataset(x, y, tmp_path / "again.npz")
    assert checksum == DATA_SHA256 == file_sha256(DATA_PATH)
    shipped_x, shipped_y = load_dataset()
    assert torch.equal(x, shipped_x) and torch.equal(y, shipped_y)


def test_another_seed_gives_other_data():
    x0, _ = make_sequences(n=50, seed=0)
    x1, _ = make_sequences(n=50, seed=1)
    assert not torch.equal(x0, x1)


def test_data_card_states_the_checksum():
    card = (DATA_PATH.parent / "README.md").read_text()
    assert DATA_SHA256 in card


def test_missing_course_file_says_how_to_regenerate(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "DATA_PATH", (tmp_path / "sequences.npz").resolve())  # the course file, for load_dataset
    with pytest.raises(FileNotFoundError, match="python -m rnn_lesson make-data"):
        load_dataset(tmp_path / "sequences.npz")


def test_a_missing_file_of_ones_own_names_the_full_path_and_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError) as caught:
        load_dataset("mine/data.npz")
    assert f"there is no {tmp_path / 'mine' / 'data.npz'}" in str(caught.value)
    assert f"the current folder, {tmp_path}" in str(caught.value)


@pytest.mark.parametrize("course_file", [True, False])
def test_corrupt_file_is_refused_not_replaced(tmp_path, monkeypatch, course_file):
    broken = tmp_path / "sequences.npz"
    data_bytes = bytearray(DATA_PATH.read_bytes())
    data_bytes[5000] ^= 0xFF
    broken.write_bytes(bytes(data_bytes))
    if course_file:  # the course file is checked by default; another file against the checksum it is given
        monkeypatch.setattr(data, "DATA_PATH", broken.resolve())
    with pytest.raises(ValueError, match="corrupt or was changed" + (".*make-data" if course_file else "")):
        load_dataset(broken, expected_sha256=None if course_file else DATA_SHA256)
    assert broken.read_bytes() == bytes(data_bytes)


def test_a_file_that_is_not_an_npz_archive_is_refused_with_what_to_do(tmp_path):
    not_data = tmp_path / "notes.npz"
    not_data.write_bytes(b"not the data")
    with pytest.raises(ValueError, match=r"expected an \.npz file with arrays x and y.*save_dataset\(x, y, path\)"):
        load_dataset(not_data)


@pytest.mark.parametrize("label", range(3))
def test_each_class_is_a_reordering_of_the_same_values(label):
    values = np.sort(np.random.default_rng(1).uniform(-1, 1, 10))
    arranged = arrange(values, label)
    assert np.array_equal(np.sort(arranged), values)


def test_arrangements_have_the_promised_shapes():
    values = np.arange(10.0)
    assert np.all(np.diff(arrange(values, 0)) > 0)  # rising
    assert np.all(np.diff(arrange(values, 1)) < 0)  # falling
    peak = int(np.argmax(arrange(values, 2)))
    assert np.all(np.diff(arrange(values, 2)[: peak + 1]) > 0) and np.all(np.diff(arrange(values, 2)[peak:]) < 0)


def test_classes_differ_in_order_but_not_in_their_values():
    x, y = load_dataset()
    sorted_over_time = x.sort(dim=1).values  # forget the order, keep the values
    means = [sorted_over_time[y == c].mean(dim=0) for c in range(len(CLASS_NAMES))]
    assert max((means[0] - m).abs().max().item() for m in means) < 0.1
    first_step = [x[y == c, 0].mean().item() for c in range(3)]
    assert first_step[0] < -0.3 and first_step[1] > 0.3  # rising starts low, falling starts high


def test_split_is_reproducible_and_disjoint():
    x, y = load_dataset()
    (x_tr, y_tr), (x_val, y_val) = train_val_split(x, y, seed=0)
    assert x_tr.shape == (800, 10, 5) and x_val.shape == (200, 10, 5)
    assert y_tr.shape == (800,) and y_val.shape == (200,)
    (x_tr2, _), _ = train_val_split(x, y, seed=0)
    assert torch.equal(x_tr, x_tr2)
    (x_tr3, _), _ = train_val_split(x, y, seed=1)
    assert not torch.equal(x_tr, x_tr3)
    rows = {tuple(r.flatten().tolist()) for r in x_tr}
    assert not any(tuple(r.flatten().tolist()) in rows for r in x_val)


def test_loader_batches_have_batch_first_shapes_and_fixed_order():
    x, y = load_dataset()
    xb, yb = next(iter(make_loader(x, y, batch_size=32, seed=0)))
    assert xb.shape == (32, 10, 5) and yb.shape == (32,)
    xb2, _ = next(iter(make_loader(x, y, batch_size=32, seed=0)))
    assert torch.equal(xb, xb2)
