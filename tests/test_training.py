"""Training: the accuracy floors the course promises, and reproducibility."""

import pytest
import torch

from rnn_lesson import History, OrderBlindBaseline, SequenceClassifier, evaluate, fit, load_dataset, train_val_split


@pytest.fixture(scope="module")
def split():
    torch.set_num_threads(1)
    return train_val_split(*load_dataset())


@pytest.fixture(scope="module")
def rnn_history(split):
    torch.manual_seed(0)
    return fit(SequenceClassifier(hidden_size=8), *split, progress=False)


def test_rnn_learns_gradually_and_well(rnn_history):
    acc, loss = rnn_history.val_accuracy, rnn_history.train_loss
    assert len(acc) == 5
    assert acc[0] < 0.75, "epoch 1 should not already solve the task"
    assert acc[-1] >= 0.90
    assert all(later < earlier for earlier, later in zip(loss, loss[1:])), loss


@pytest.mark.parametrize("seed", [1, 2])
def test_rnn_reaches_the_floor_from_other_initial_weights(split, seed):
    torch.manual_seed(seed)
    history = fit(SequenceClassifier(hidden_size=8), *split, seed=seed, progress=False)
    assert history.val_accuracy[-1] >= 0.90


def test_order_blind_baseline_stays_near_chance(split):
    torch.manual_seed(0)
    history = fit(OrderBlindBaseline(), *split, progress=False)
    assert max(history.val_accuracy) <= 0.45, history.val_accuracy


def test_fit_is_reproducible_for_a_seed(split):
    runs = []
    for _ in range(2):
        torch.manual_seed(3)
        runs.append(fit(SequenceClassifier(), *split, epochs=2, progress=False))
    assert runs[0] == runs[1]
    torch.manual_seed(3)
    other = fit(SequenceClassifier(), *split, epochs=2, seed=1, progress=False)
    assert other != runs[0]


def test_evaluate_agrees_with_history(split, rnn_history):
    torch.manual_seed(0)
    model = SequenceClassifier()
    fit(model, *split, progress=False)
    loss, accuracy = evaluate(model, *split[1])
    assert accuracy == rnn_history.val_accuracy[-1]
    assert loss == pytest.approx(rnn_history.val_loss[-1])
    assert not model.training


def test_history_table_has_one_row_per_epoch_with_observations(rnn_history):
    table = rnn_history.to_frame()
    assert list(table.columns) == ["epoch", "train loss", "val loss", "train accuracy", "val accuracy", "observation"]
    assert table["epoch"].tolist() == [1, 2, 3, 4, 5]
    assert table["observation"].str.len().min() > 0
    assert "<table" in rnn_history._repr_html_() and "observation" in rnn_history._repr_html_()


def test_observation_names_chance_and_overfitting():
    at_chance = History([1.1, 1.0], [0.34, 0.35], [1.1, 1.1], [0.33, 0.34])
    assert "chance" in at_chance.to_frame()["observation"][0]
    overfitting = History([0.5, 0.3], [0.8, 0.9], [0.4, 0.6], [0.8, 0.78])
    assert "overfitting" in overfitting.to_frame()["observation"][1]
