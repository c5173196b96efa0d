"""The input checks' own helpers; the mistakes they catch are in test_mistakes.py."""

import pytest
import torch
from torch import nn

from rnn_lesson import SequenceClassifier, load_dataset, shape_str
from rnn_lesson.training import check_fit_inputs


@pytest.mark.parametrize("shape,text", [((1000, 10, 5), "(1000, 10, 5)"), (torch.Size([8]), "(8,)"), ((), "()"),
                                        (torch.zeros(1, 4).shape, "(1, 4)")])
def test_shape_str_writes_shapes_as_python_and_the_lessons_do(shape, text):
    assert shape_str(shape) == text


class Counted(nn.Module):
    """A classifier that counts its forward passes."""

    def __init__(self, num_classes: int):
        super().__init__()
        self.inner, self.calls = SequenceClassifier(num_classes=num_classes), 0

    def forward(self, x):
        self.calls += 1
        return self.inner(x)


def test_check_fit_inputs_reads_the_class_count_from_one_trial_forward_pass():
    x, y = load_dataset()
    labels_0_to_3 = y[:100].clone()
    labels_0_to_3[0] = 3
    four = Counted(num_classes=4)
    assert check_fit_inputs(four, (x[:100], labels_0_to_3), (x[100:150], y[100:150])) == ("classify", 4)
    assert four.calls == 1
    with pytest.raises(ValueError, match=r"y_train: expected class indices 0 \.\. 2, got values from 0 to 3"):
        check_fit_inputs(Counted(num_classes=3), (x[:100], labels_0_to_3), (x[100:150], y[100:150]))
