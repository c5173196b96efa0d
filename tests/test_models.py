"""The course's models: the classifier on the last hidden state (with lengths or packed), the regressor,
the per-step model, and the order-blind baseline."""

import warnings

import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pack_sequence, pad_sequence

from rnn_lesson import OrderBlindBaseline, SequenceClassifier, load_dataset, make_loader, make_sequences
from rnn_lesson.data import check_lengths
from rnn_lesson.models import PerStepRNN, SequenceRegressor


def test_running_example_parameter_counts():
    model = SequenceClassifier()
    assert sum(p.numel() for p in model.rnn.parameters()) == 120
    assert sum(p.numel() for p in model.head.parameters()) == 27
    shapes = {name: tuple(p.shape) for name, p in model.rnn.named_parameters()}
    assert shapes == {"weight_ih_l0": (8, 5), "weight_hh_l0": (8, 8), "bias_ih_l0": (8,), "bias_hh_l0": (8,)}


@pytest.mark.parametrize("kwargs", [{}, {"num_layers": 2}, {"bidirectional": True},
                                    {"num_layers": 3, "bidirectional": True, "nonlinearity": "relu"}])
def test_classifier_gives_logits_per_sequence(kwargs):
    model = SequenceClassifier(hidden_size=8, **kwargs)
    assert model(torch.randn(7, 10, 5)).shape == (7, 3)


def test_classifier_uses_the_top_layer_last_step_of_a_stacked_rnn():
    torch.manual_seed(0)
    model = SequenceClassifier(num_layers=2)
    x = torch.randn(4, 10, 5)
    output, h_n = model.rnn(x)
    assert torch.allclose(model.last_hidden(h_n), output[:, -1])
    assert torch.allclose(model(x), model.head(output[:, -1]))


def test_bidirectional_summary_takes_the_backward_direction_from_h_n_not_output_last_step():
    torch.manual_seed(0)
    model = SequenceClassifier(bidirectional=True, num_layers=2)
    x = torch.randn(4, 10, 5)
    output, _ = model.rnn(x)
    expected = torch.cat([output[:, -1, :8], output[:, 0, 8:]], dim=1)  # forward ends at t=L-1, backward at t=0
    assert torch.allclose(model.last_hidden(model.rnn(x)[1]), expected)
    assert not torch.allclose(model.last_hidden(model.rnn(x)[1]), output[:, -1])


def test_classifier_refuses_time_first_layout():
    with pytest.raises(ValueError, match="batch_first=True"):
        SequenceClassifier(batch_first=False)


def test_order_blind_baseline_ignores_the_order_of_time_steps():
    torch.manual_seed(0)
    model = OrderBlindBaseline()
    x = torch.randn(4, 10, 5)
    shuffled = x[:, torch.randperm(10)]
    assert torch.allclose(model(x), model(shuffled), atol=1e-6)
    recurrent = SequenceClassifier()
    assert not torch.allclose(recurrent(x), recurrent(shuffled), atol=1e-4)


# ---------- lesson 07 § 2: padded batches with their lengths, or a PackedSequence ----------

def end_padded(seed: int = 0, lengths=(7, 3, 5, 1, 6), features: int = 5):
    """Sequences of the given lengths, padded at the end with zeros to the longest: x (N, L, F), lengths (N,)."""
    generator = torch.Generator().manual_seed(seed)
    sequences = [torch.randn(n, features, generator=generator) for n in lengths]
    return pad_sequence(sequences, batch_first=True), torch.tensor(lengths), sequences


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("kwargs", [{}, {"num_layers": 2}, {"bidirectional": True},
                                    {"num_layers": 2, "bidirectional": True}])
def test_lengths_and_packing_read_each_sequence_at_its_true_last_step(cell, kwargs):
    torch.manual_seed(0)
    model = SequenceClassifier(hidden_size=6, num_classes=4, cell=cell, **kwargs)
    x, lengths, sequences = end_padded()
    alone = torch.cat([model(s.unsqueeze(0)) for s in sequences])  # each sequence by itself, never padded
    torch.testing.assert_close(model(x, lengths), alone)
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    torch.testing.assert_close(model(packed), alone)
    order = lengths.argsort(descending=True)
    torch.testing.assert_close(model(pack_sequence([sequences[i] for i in order])), alone[order])  # sorted packing
    with pytest.warns(UserWarning, match="padding at the end"):
        unpacked = model(x)
    assert not torch.allclose(unpacked, alone, atol=1e-3), "without lengths the padding is read as data"


def test_lengths_may_be_any_integer_dtype():
    x, lengths, _ = end_padded()
    model = SequenceClassifier()
    torch.testing.assert_close(model(x, lengths.int()), model(x, lengths))
    assert check_lengths(lengths.int(), x).dtype == torch.long


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_a_model_on_the_gpu_takes_lengths_on_the_gpu_or_the_cpu():
    x, lengths, sequences = end_padded()
    model = SequenceClassifier(bidirectional=True)
    alone = torch.cat([model(s.unsqueeze(0)) for s in sequences])
    model, x = model.cuda(), x.cuda()
    for where in ("cuda", "cpu"):
        torch.testing.assert_close(model(x, lengths.to(where)).cpu(), alone, atol=1e-5, rtol=1e-4)


def test_packing_keeps_gradients_flowing_to_every_parameter():
    x, lengths, _ = end_padded()
    model = SequenceClassifier(bidirectional=True)
    model(x, lengths).sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in model.parameters())


def test_end_padding_without_lengths_warns_and_names_the_fix():
    x, lengths, sequences = end_padded()
    model = SequenceClassifier()
    with pytest.warns(UserWarning, match=r"padding at the end.*model\(x, lengths\), or pad at the front"):
        model(x)
    all_padded = x[1:4, :6]  # a batch of short sequences only: every one ends in zeros, in different numbers
    with pytest.warns(UserWarning, match="padding at the end"):
        model(all_padded)
    front = torch.stack([torch.cat([torch.zeros(7 - len(s), 5), s]) for s in sequences])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model(front)                       # padded at the front: every sequence ends at its real last step
        model(x, lengths)                  # lengths given: packed, nothing to warn about
        model(torch.zeros(2, 4, 5))        # every sequence ends alike


def test_the_course_data_never_looks_end_padded():
    x, _ = load_dataset()
    delayed, _ = make_sequences(n=300, delay=20)
    for data in (x, delayed):
        assert not (data == 0).all(dim=2).any(), "a real step of the course data is never all zeros"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = SequenceClassifier()
        model(x)
        model(delayed)
        for xb, _ in make_loader(x, load_dataset()[1], batch_size=32, shuffle=True, seed=0):
            model(xb)


@pytest.mark.parametrize("num_classes", [2, 4, 11])
def test_any_number_of_classes(num_classes):
    x, lengths, _ = end_padded()
    assert SequenceClassifier(num_classes=num_classes)(x, lengths).shape == (5, num_classes)


@pytest.mark.parametrize("dtype", [torch.float64, torch.bfloat16])
@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_float64_and_bfloat16_models_take_inputs_of_their_dtype(dtype, cell):
    torch.manual_seed(0)
    model = SequenceClassifier(cell=cell, bidirectional=True)
    x, lengths, _ = end_padded()
    reference = model(x, lengths)
    model.to(dtype)
    for logits in (model(x.to(dtype), lengths), model(torch.randn(3, 4, 5, dtype=dtype))):
        assert logits.dtype == dtype
    tolerance = 1e-6 if dtype == torch.float64 else 5e-2
    torch.testing.assert_close(model(x.to(dtype), lengths).float(), reference, atol=tolerance, rtol=tolerance)
    with pytest.raises(TypeError, match=f"expected {dtype} on cpu"):
        model(x, lengths)


def test_regressor_gives_one_row_per_sequence_from_the_same_body():
    torch.manual_seed(0)
    regressor = SequenceRegressor(input_size=5, output_size=2, bidirectional=True)
    classifier = SequenceClassifier(num_classes=2, bidirectional=True)
    classifier.load_state_dict(regressor.state_dict())
    x, lengths, _ = end_padded()
    assert (regressor.task, classifier.task) == ("regress", "classify")
    assert regressor(x, lengths).shape == (5, 2)
    torch.testing.assert_close(regressor(x, lengths), classifier(x, lengths))
    assert SequenceRegressor(input_size=3)(torch.randn(4, 6, 3)).shape == (4, 1)
    with pytest.raises(ValueError, match="as SequenceRegressor always uses batch_first=True"):
        SequenceRegressor(5, batch_first=False)


# ---------- lesson 06 § 2: a prediction at every step ----------

@pytest.mark.parametrize("kwargs", [{}, {"num_layers": 2}, {"cell": "lstm"}, {"cell": "gru", "bidirectional": True}])
def test_per_step_model_applies_the_head_to_every_step_of_output(kwargs):
    torch.manual_seed(0)
    model = PerStepRNN(input_size=3, hidden_size=6, output_size=2, **kwargs)
    x = torch.randn(4, 9, 3)
    output, _ = model.rnn(x)
    predictions = model(x)
    assert predictions.shape == (4, 9, 2) and model.task == "regress"
    for t in range(9):
        torch.testing.assert_close(predictions[:, t], model.head(output[:, t]))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_per_step_state_carries_from_one_call_to_the_next(cell):
    torch.manual_seed(0)
    model = PerStepRNN(input_size=2, hidden_size=5, output_size=2, cell=cell, num_layers=2)
    x = torch.randn(3, 10, 2)
    whole, state = model.forward_with_state(x)
    first, carried = model.forward_with_state(x[:, :6])
    second, final = model.forward_with_state(x[:, 6:], carried)
    torch.testing.assert_close(torch.cat([first, second], dim=1), whole)
    for a, b in zip(state if cell == "lstm" else [state], final if cell == "lstm" else [final]):
        torch.testing.assert_close(a, b)
    assert not torch.allclose(model(x[:, 6:]), second), "without the carried state the second chunk starts afresh"


def test_per_step_classifier_gives_logits_at_every_step():
    model = PerStepRNN(input_size=5, output_size=3, task="classify")
    assert model.task == "classify" and model(torch.randn(2, 7, 5)).shape == (2, 7, 3)
    with pytest.raises(ValueError, match="at least 2"):
        PerStepRNN(input_size=5, output_size=1, task="classify")


def test_per_step_model_checks_h0_as_nn_rnn_lays_it_out():
    model = PerStepRNN(input_size=1, hidden_size=4, num_layers=2)
    with pytest.raises(ValueError, match=r"h0: expected \(2, 3, 4\), got \(3, 2, 4\).*h0.transpose\(0, 1\)"):
        model(torch.randn(3, 5, 1), torch.zeros(3, 2, 4))
    assert model(torch.randn(3, 5, 1), torch.zeros(2, 3, 4)).shape == (3, 5, 1)
