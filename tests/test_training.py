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


# --- issue 11: any float dtype, clipping, the loss the targets call for, lengths, chance 1/C ------------------

from rnn_lesson.models import PerStepRNN, SequenceRegressor  # noqa: E402
from rnn_lesson.targets import prediction_loss  # noqa: E402
from torch.optim.optimizer import register_optimizer_step_pre_hook  # noqa: E402


def toy(n=64, steps=8, seed=0):
    """x (n, steps, 2) and three kinds of target: the sign of the sum (2 classes), the sum, the running sum."""
    x = torch.randn(n, steps, 2, generator=torch.Generator().manual_seed(seed))
    total = x[:, :, 0].sum(dim=1)
    return x, (total > 0).long(), total / 3, x[:, :, :1].cumsum(dim=1) / 3


@pytest.mark.parametrize("dtype", [torch.float64, torch.bfloat16])
def test_fit_trains_a_model_of_any_float_dtype_on_float32_data(dtype):
    x, labels, _, _ = toy()
    torch.manual_seed(0)
    model = SequenceClassifier(input_size=2, num_classes=2).to(dtype)
    history = fit(model, (x, labels), (x, labels), epochs=4, lr=0.02, progress=False)
    assert all(p.dtype == dtype for p in model.parameters())
    assert history.train_loss[-1] < history.train_loss[0]
    loss, accuracy = evaluate(model, x, labels)
    assert 0 < loss < history.val_loss[0] and accuracy > 0.6


def test_fit_trains_a_float64_regressor():
    x, _, total, _ = toy()
    torch.manual_seed(0)
    history = fit(SequenceRegressor(input_size=2).double(), (x, total), (x, total), epochs=4, lr=0.02, progress=False)
    assert history.train_loss[-1] < history.train_loss[0] and history.task == "regress"


class GradientNorms:
    """Record, at every optimizer step, the norm of the gradients the step is about to apply."""

    def __init__(self):
        self.norms = []

    def __call__(self, optimizer, args, kwargs):
        grads = [p.grad for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
        self.norms.append(torch.nn.utils.get_total_norm(grads).item())

    def __enter__(self):
        self.handle = register_optimizer_step_pre_hook(self)
        return self

    def __exit__(self, *exc):
        self.handle.remove()


def test_clip_bounds_the_gradient_each_step_applies_and_grad_norm_records_the_norm_before_clipping():
    x, _, total, _ = toy()
    y = total * 1000  # large targets: large gradients
    for clip in (None, 0.5):
        torch.manual_seed(0)
        with GradientNorms() as seen:
            history = fit(SequenceRegressor(input_size=2), (x, y), (x, y), epochs=2, batch_size=16, progress=False,
                          clip=clip)
        per_epoch = [max(seen.norms[:4]), max(seen.norms[4:])]  # 64 sequences in batches of 16: 4 steps an epoch
        if clip is None:
            assert history.grad_norm == pytest.approx(per_epoch, rel=1e-5)
        else:
            assert max(seen.norms) <= clip * (1 + 1e-4)
            assert min(history.grad_norm) > 100 * clip  # the spike is recorded, before clipping
    assert len(history.grad_norm) == len(history.train_loss) == 2


def test_an_outlier_target_shows_as_a_gradient_spike_and_clipping_limits_the_harm():
    x, _, total, _ = toy()
    spiky = total.clone()
    spiky[5] = 1000.0  # one target typed 1000 instead of about 1
    runs = {}
    for clip in (None, 1.0):
        torch.manual_seed(0)
        runs[clip] = fit(SequenceRegressor(input_size=2), (x, spiky), (x, total), epochs=6, lr=0.01, batch_size=16,
                         progress=False, clip=clip)
    torch.manual_seed(0)
    calm = fit(SequenceRegressor(input_size=2), (x, total), (x, total), epochs=6, lr=0.01, batch_size=16, progress=False)
    assert min(runs[None].grad_norm) > 10 * max(calm.grad_norm)  # every epoch holds the outlier's batch
    assert runs[1.0].val_loss[-1] < 0.5 * runs[None].val_loss[-1]  # Adam's step sizes are not swamped by the spike


@pytest.mark.parametrize("per_step", [False, True])
def test_mean_squared_error_falls_on_a_learnable_task(per_step):
    x, _, total, running = toy(n=128)
    model, y = (PerStepRNN(input_size=2), running) if per_step else (SequenceRegressor(input_size=2), total)
    torch.manual_seed(0)
    history = fit(model, (x, y), (x, y), epochs=6, lr=0.02, progress=False)
    assert history.task == "regress" and history.num_classes is None
    assert history.train_accuracy == history.val_accuracy == []
    assert history.val_loss[-1] < 0.5 * history.val_loss[0]
    loss, accuracy = evaluate(model, x, y)
    with torch.no_grad():
        expected = torch.nn.functional.mse_loss(model(x), y.view(model(x).shape)).item()
    assert accuracy is None and loss == pytest.approx(expected, rel=1e-5)


def test_regression_targets_of_shape_n_and_n_1_train_the_same():
    x, _, total, _ = toy()
    runs = []
    for y in (total, total.unsqueeze(1)):
        torch.manual_seed(0)
        runs.append(fit(SequenceRegressor(input_size=2), (x, y), (x, y), epochs=2, progress=False).train_loss)
    assert runs[0] == runs[1]


def test_per_step_classification_counts_every_step():
    x, _, _, running = toy(n=96)
    labels = (running[:, :, 0] > 0).long()  # (96, 8): is the running sum above 0 at this step?
    torch.manual_seed(0)
    model = PerStepRNN(input_size=2, output_size=2, task="classify")
    history = fit(model, (x, labels), (x, labels), epochs=5, lr=0.02, progress=False)
    assert history.task == "classify" and history.num_classes == 2
    assert history.val_accuracy[-1] > 0.9 and history.val_accuracy[-1] > history.val_accuracy[0]
    loss, accuracy = evaluate(model, x, labels)
    with torch.no_grad():
        logits = model(x)  # (96, 8, 2)
    assert accuracy == (logits.argmax(dim=2) == labels).sum().item() / labels.numel()  # over all 96 * 8 steps
    assert loss == pytest.approx(torch.nn.functional.cross_entropy(logits.reshape(-1, 2), labels.reshape(-1)).item())


class SeesLengths(torch.nn.Module):
    """A classifier that records the lengths it is called with."""

    def __init__(self):
        super().__init__()
        self.inner, self.seen = SequenceClassifier(input_size=2, num_classes=2), []

    def forward(self, x, lengths=None):
        self.seen.append(lengths)
        return self.inner(x, lengths)


def test_triples_pass_the_lengths_with_each_batch_and_to_evaluate():
    x, labels, _, _ = toy()
    lengths = torch.arange(len(x)) % 8 + 1
    x = x * (torch.arange(8) < lengths[:, None]).unsqueeze(-1)  # padded with zeros after each true length
    model = SeesLengths()
    fit(model, (x, lengths, labels), (x[:16], lengths[:16], labels[:16]), epochs=1, batch_size=16, progress=False)
    assert all(seen is not None for seen in model.seen) and sorted(torch.cat(model.seen[1:5]).tolist()) == sorted(
        lengths.tolist())
    loss, accuracy = evaluate(model.inner, x, labels, lengths=lengths)
    with torch.no_grad():
        logits = model.inner(x, lengths)
    assert accuracy == (logits.argmax(dim=1) == labels).sum().item() / len(labels)
    assert loss == pytest.approx(torch.nn.functional.cross_entropy(logits, labels).item())


def test_prediction_loss_is_cross_entropy_for_indices_and_mse_for_numbers():
    logits, labels = torch.randn(4, 3, 5), torch.randint(0, 5, (4, 3))
    assert prediction_loss(logits, labels) == torch.nn.functional.cross_entropy(logits.reshape(12, 5), labels.reshape(12))
    predictions, numbers = torch.randn(4, 1), torch.randn(4)
    assert prediction_loss(predictions, numbers) == ((predictions[:, 0] - numbers) ** 2).mean()


@pytest.mark.parametrize("num_classes,accuracy,near", [(2, 0.49, True), (2, 0.7, False), (3, 0.35, True),
                                                       (3, 0.45, False), (4, 0.30, False), (4, 0.26, True)])
def test_near_chance_means_near_one_over_the_class_count(num_classes, accuracy, near):
    history = History([1.0], [accuracy], [1.0], [accuracy], num_classes=num_classes)
    assert ("near chance" in history.to_frame()["observation"][0]) == near


def test_a_regression_table_shows_losses_and_reads_them():
    history = History(train_loss=[2.0, 1.0, 0.5, 0.6], val_loss=[2.1, 1.2, 1.3, 1.4], grad_norm=[1.0, 1.0, 1.0, 1.0],
                      task="regress", num_classes=None)
    table = history.to_frame()
    assert list(table.columns) == ["epoch", "train loss", "val loss", "observation"]
    assert table["observation"].tolist() == ["first epoch: compare the val loss with a baseline's",
                                             "learning: losses falling",
                                             "val loss rose while train loss fell: watch for overfitting",
                                             "train loss stopped falling"]


def test_a_gradient_spike_is_named_with_its_numbers():
    history = History([1.0, 0.9, 0.8], [0.7, 0.8, 0.8], [1.0, 0.9, 0.8], [0.7, 0.8, 0.8], grad_norm=[2.0, 3.0, 85.8])
    observations = history.to_frame()["observation"].tolist()
    assert "spike" not in observations[1] and "largest norm 85.8, after 3" in observations[2]


def test_an_accuracy_that_fell_is_not_called_rising():
    history = History([1.0, 0.9], [0.6, 0.7], [1.0, 0.9], [0.7, 0.65])
    assert history.to_frame()["observation"].tolist()[1] == "learning: loss falling, val accuracy not rising"
