"""Lesson 07 beyond what tests/test_exercises.py runs for every lesson: the trials its checks draw really test
what the wrong answers get wrong, answers in other valid forms pass, and the stored notebook's numbers say
what its text claims (the text states no figures; these tests keep the figures on its side)."""

import json
import re

import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pad_sequence

from rnn_lesson.course.exercises import lesson07 as ex
from rnn_lesson.course.feedback import CORRECT, INCORRECT
from rnn_lesson.course.paths import ROOT


@pytest.mark.parametrize("trial", range(1, 7))
def test_every_sweep_table_can_tell_the_typical_wrong_rules_from_the_right_one(trial):
    table = ex.sweep_table(trial)
    assert table["val accuracy"].between(0, 1).all() and table["hidden_size"].is_unique
    by_size = table.sort_values("hidden_size")
    assert by_size["train accuracy"].is_monotonic_increasing, "bigger models fit the training data better"
    best = table["val accuracy"].max()
    tied = table.loc[table["val accuracy"] == best, "hidden_size"].tolist()
    assert ex.reference_pick_hidden_size(table) == min(tied) != table["hidden_size"].max()
    if trial % 2 == 0:
        assert len(tied) == 2 and (tied[0] > tied[1]) == (trial != 4), "ties in both orders: neither the first nor " \
            "the last best row is the rule"
    else:
        assert len(tied) == 1
    larger_tied = max(tied)
    if len(tied) == 2:  # the tie's message can name its idea: no other typical rule gives that size here
        assert [value for value, _ in ex.pick_mistakes(table)].count(larger_tied) == 1


@pytest.mark.parametrize("rule", ["first", "last"])
def test_taking_the_first_or_the_last_of_the_best_rows_fails_with_the_tie_message(rule):
    def pick(table):
        best = table[table["val accuracy"] == table["val accuracy"].max()]["hidden_size"]
        return int(best.iloc[0] if rule == "first" else best.iloc[-1])
    result = ex.q3.grade(pick)
    assert result.status == INCORRECT and "On a tie" in result.message


def test_a_size_two_typical_rules_give_gets_the_rule_not_either_idea():
    def smallest_gap(table):
        return int(table.loc[(table["train accuracy"] - table["val accuracy"]).abs().idxmin(), "hidden_size"])
    gap = ex.q3.grade(smallest_gap)
    trial = int(gap.message.split(",")[0].removeprefix("on trial "))
    table = ex.sweep_table(trial)
    assert smallest_gap(table) == int(table["hidden_size"].iloc[0]), "here the first row's size is the same answer"
    assert gap.status == INCORRECT and "The rule: the highest validation accuracy" in gap.message
    assert "first row" not in gap.message and "On a tie" not in gap.message
    first_row = ex.q3.grade(lambda table: int(table["hidden_size"].iloc[0]))
    assert first_row.status == INCORRECT and "first row" in first_row.message and "row's label" not in first_row.message


def test_the_hidden_size_may_come_back_as_a_numpy_integer_but_not_as_a_flag():
    assert ex.q3.grade(lambda table: np.int64(ex.reference_pick_hidden_size(table))).status == CORRECT
    result = ex.q3.grade(lambda table: True)
    assert result.status == INCORRECT and "whole number" in result.message


def test_std_with_or_without_bessels_correction_is_right_and_the_message_names_the_first_wrong_part():
    biased = "def training_stats(x, lengths):\n    v = torch.cat([s[:n] for s, n in zip(x, lengths)])\n" \
             "    return v.mean(0), v.std(0, unbiased=False)"
    assert ex.q2.grade(ex.q2.answer_of(biased)).status == CORRECT
    half = ex.q2.grade(lambda x, lengths: (ex.real_values(x, lengths).mean(0), ex.real_values(x, lengths).mean(0)))
    assert half.status == INCORRECT and half.message.count("std has") == 1 and "mean has" not in half.message


def test_padding_trials_always_mix_lengths_so_the_side_of_the_zeros_matters():
    for trial in range(1, 6):
        (sequences,) = ex.random_sequences(torch.Generator().manual_seed(trial))
        assert len({len(s) for s in sequences}) >= 2
        x, lengths = ex.reference_pad_front(sequences)
        assert lengths.dtype == torch.int64 and not torch.equal(x, pad_sequence(sequences, batch_first=True))


def test_lengths_of_another_integer_dtype_are_named():
    result = ex.q1.grade(lambda seqs: (ex.reference_pad_front(seqs)[0], torch.tensor([len(s) for s in seqs],
                                                                                         dtype=torch.int32)))
    assert result.status == INCORRECT and "torch.int32" in result.message and "torch.int64" in result.message


def stored_outputs() -> dict[str, str]:
    """The text each code cell of the stored notebook printed or returned, by cell id."""
    cells = json.loads((ROOT / "notebooks" / "07_your_own_data.ipynb").read_text(encoding="utf-8"))["cells"]
    return {c["id"]: "".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                             for o in c["outputs"]) for c in cells if c["cell_type"] == "code"}


def test_the_stored_run_shows_what_the_text_says_about_packing():
    table = stored_outputs()["s2-measure"]
    unpacked, packed, front = (float(re.search(re.escape(name) + r"\s+([\d.]+)", table)[1])
                               for name in ("end padding, no lengths", "model(x, lengths)", "front padding, no lengths"))
    assert unpacked < 2 / 9, "the text says end padding without lengths stays close to guessing (chance 1/9)"
    assert packed > 0.8 and front > 0.8 and packed > 3 * unpacked


def test_the_stored_run_shows_the_gradient_spike_and_clipping_keeping_the_accuracy():
    outputs = stored_outputs()
    assert "gradient spike" in outputs["s4-spike"], "§ 4's text points at the epoch the observation column flags"
    before, after, clipped = (float(v) for v in re.findall(r"val accuracy ([\d.]+) before it, ([\d.]+) after it\n"
                                                           r"with clip=1.0: .*; val accuracy ([\d.]+)",
                                                           outputs["s4-compare"])[0])
    assert after < before - 0.05 and clipped > after + 0.1
    assert re.search(r"test accuracy, measured once on 370 utterances: 0\.\d{3}", outputs["s3-test"])


def test_the_stored_runs_of_section_2_have_small_gradient_norms_as_section_4_says():
    rows = [line for line in stored_outputs()["s2-measure"].splitlines() if re.match(r"^\d\s", line)]
    norms = [float(line.split()[-1]) for line in rows[-3:]]  # pandas wraps the wide table: the last block's rows
    assert max(norms) < 10, norms


def test_a_known_mistake_in_one_part_says_nothing_about_the_other_part():
    result = ex.q1.grade(lambda sequences: (None, None))
    assert result.status == INCORRECT and "x should be a torch.Tensor" in result.message
    assert "padded length" not in result.message
