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


# --- issue 11: a split in time, lengths in the batches, targets other than class indices ---------------------

from rnn_lesson.data import time_split  # noqa: E402


def test_time_split_keeps_time_order_first_part_trains_last_part_validates():
    x = torch.arange(50.0).view(10, 5, 1)  # window i holds the values 5i .. 5i + 4
    y = x[:, -1, 0] + 1                     # the next value after each window
    (x_train, y_train), (x_val, y_val) = time_split(x, y, val_fraction=0.3)
    assert torch.equal(x_train, x[:7]) and torch.equal(y_train, y[:7])
    assert torch.equal(x_val, x[7:]) and torch.equal(y_val, y[7:])
    assert y_train.max() <= x_val.min()  # nothing the model trains on comes after what it is validated on


def test_time_split_and_train_val_split_put_the_same_number_on_each_side():
    x, y = load_dataset()
    (x_time, _), (x_val_time, _) = time_split(x, y)
    (x_shuffled, _), (x_val_shuffled, _) = train_val_split(x, y)
    assert len(x_time) == len(x_shuffled) == 800 and len(x_val_time) == len(x_val_shuffled) == 200
    assert torch.equal(x_time, x[:800])


def test_make_loader_with_lengths_yields_x_lengths_y_in_the_same_order():
    x, y = load_dataset()
    lengths = torch.arange(len(y)) % 10 + 1
    batches = list(make_loader(x, y, batch_size=100, seed=3, lengths=lengths))
    assert all(len(batch) == 3 for batch in batches)
    xb, lb, yb = batches[0]
    assert xb.shape == (100, 10, 5) and lb.shape == (100,) and lb.dtype == torch.int64
    first = [int(torch.nonzero((x == row).all(dim=(1, 2)))[0]) for row in xb[:5]]  # where each sequence came from
    assert lb[:5].tolist() == lengths[first].tolist() and yb[:5].tolist() == y[first].tolist()
    plain_xb, plain_yb = next(iter(make_loader(x, y, batch_size=100, seed=3)))
    assert torch.equal(plain_xb, xb) and torch.equal(plain_yb, yb)  # lengths do not change the batch order


@pytest.mark.parametrize("y", [torch.randn(20), torch.randn(20, 3), torch.randn(20, 6, 1), torch.randint(0, 4, (20, 6))],
                         ids=["numbers (N,)", "numbers (N, out)", "numbers at every step", "a class at every step"])
def test_loaders_and_splits_take_targets_other_than_class_indices(y):
    x = torch.randn(20, 6, 2)
    xb, yb = next(iter(make_loader(x, y, batch_size=8, shuffle=False)))
    assert torch.equal(yb, y[:8]) and torch.equal(xb, x[:8])
    (_, y_train), (_, y_val) = train_val_split(x, y)
    assert y_train.shape[1:] == y.shape[1:] and len(y_train) + len(y_val) == 20
