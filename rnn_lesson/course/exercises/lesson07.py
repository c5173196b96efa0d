"""Lesson 07 · Your own sequences: the exercises, their references, and the answers they are tested on.

In the notebook: `from rnn_lesson.course.exercises import lesson07 as ex`, then `ex.q1.check(answer)`.
Numbered in the notebook's order: q1 `pad_front` and q2 `training_stats` (§ 1), q3 `pick_hidden_size` (§ 3).
q1 and q2 return two tensors, so `compare_pairs` grades them as `compare_functions` grades one.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence

import pandas as pd
import torch
from torch import Tensor
from torch.nn.utils.rnn import pad_sequence

from rnn_lesson.course.exercises.compare import KnownMistake, difference, trial_inputs
from rnn_lesson.course.exercises.framework import Exercise, TooSlow, WrongAnswer, call_learner, returned_nothing, what_it_is
from rnn_lesson.course.feedback import Result, correct, incorrect

NOTEBOOK = "07_your_own_data"


def run_trial(function: Callable, inputs: tuple, where: str) -> tuple[object, Result | None]:
    """The learner's result on one trial, or the message to give instead (an error, too slow, returned None)."""
    try:
        got = call_learner(function, *inputs)
    except TooSlow as error:
        return None, incorrect(f"{where}: {error}")
    except Exception as error:
        return None, incorrect(f"{where}: your function raised {type(error).__name__}: {error}. Call it yourself on "
                               "inputs like these to see the line that fails.")
    return got, returned_nothing(got)


def compare_pairs(learner: Callable, references: Sequence[Callable], make_inputs: Callable[[torch.Generator], tuple],
                  names: tuple[str, str], describe: Callable[..., str], mistakes: Sequence[KnownMistake]) -> Result:
    """Grade a function that returns two tensors (`names`) on 5 random trials, each function on its own inputs.
    Any reference counts as right; the first words the message. A part that matches a known mistake names its idea."""
    for trial in range(1, 6):
        inputs = lambda: trial_inputs(make_inputs, 0, trial)  # noqa: E731 - a fresh copy on every call
        got, problem = run_trial(learner, inputs(), where := f"on trial {trial}, with {describe(*inputs())}")
        if problem is None and (not isinstance(got, (tuple, list)) or len(got) != 2):
            problem = incorrect(f"expected two results, {names[0]} and then {names[1]}, returned together after one "
                                f"return, got {what_it_is(got)}.")
        if problem is not None:
            return problem
        expected = [reference(*inputs()) for reference in references]
        if not any(all(difference(g, e) is None for g, e in zip(got, pair)) for pair in expected):
            part = next(i for i in (0, 1) if difference(got[i], expected[0][i]) is not None)
            wrong = [(m.idea, m.gives(*inputs())[part]) for m in mistakes]  # None: a mistake in the other part
            ideas = [idea for idea, value in wrong if value is not None and difference(got[part], value) is None][:1]
            return incorrect(" ".join([f"{where}: {difference(got[part], expected[0][part], names[part])}", *ideas]))
    return correct()


# q1 · pad at the front, keeping the lengths (§ 1) --------------------------------------------------------------

def reference_pad_front(sequences: list[Tensor]) -> tuple[Tensor, Tensor]:
    lengths = torch.tensor([len(s) for s in sequences])
    x = torch.zeros(len(sequences), int(lengths.max()), sequences[0].shape[1])
    for i, s in enumerate(sequences):
        x[i, x.shape[1] - len(s):] = s
    return x, lengths


def random_sequences(generator: torch.Generator) -> tuple[list[Tensor]]:
    """2 to 5 sequences `(L_i, F)` of 1 to 7 steps, at least two lengths, F from 1 to 3."""
    n, features = (int(v) for v in torch.randint(2, 6, (2,), generator=generator))
    lengths = torch.randint(1, 8, (n,), generator=generator)
    lengths[0] = lengths[1] % 7 + 1  # two different lengths at least, so where the zeros go matters
    return ([torch.randn(int(length), features - 1, generator=generator) + 0.5 for length in lengths],)


def pad_end(sequences: list[Tensor]) -> tuple[Tensor, Tensor]:
    return pad_sequence(sequences, batch_first=True), torch.tensor([len(s) for s in sequences])


PAD_MISTAKES = [
    KnownMistake(pad_end, "The zeros come after each sequence: that is padding at the end. Front padding puts them "
                 "before the first real step, so that every sequence ends at the last step."),
    KnownMistake(lambda seqs: (pad_end(seqs)[0].flip(1), None),
                 "The zeros are in front, but each sequence now runs backwards in time: move the zeros, not the steps."),
    KnownMistake(lambda seqs: (pad_end([s.flip(0) for s in seqs])[0], None),
                 "Each sequence runs backwards in time, with its zeros after it."),
    KnownMistake(lambda seqs: (pad_sequence(seqs, padding_side="left"), None),
                 "That is laid out time first, (L_max, N, F); the course's models read batch first, (N, L_max, F)."),
    KnownMistake(lambda seqs: (None, torch.full((len(seqs),), max(len(s) for s in seqs))),
                 "Every length is the padded length: lengths count each sequence's real steps, without the padding.")]

LEFT, COUNT = "pad_sequence(sequences, batch_first=True, padding_side='left')", "torch.tensor([len(s) for s in sequences])"
PAD = "def pad_front(sequences):\n    return "
q1 = Exercise(
    id="ex.q1", notebook=NOTEBOOK, objective="pad",
    task="Write pad_front(sequences): a list of tensors (L_i, F) -> a batch (N, L_max, F) with the zeros BEFORE each "
         "sequence, and the lengths (N,) int64.",
    grader=lambda f: compare_pairs(f, [reference_pad_front], random_sequences, ("x", "lengths"), lambda seqs: (
        f"{len(seqs)} sequences of lengths {[len(s) for s in seqs]} and {seqs[0].shape[1]} feature(s)"), PAD_MISTAKES),
    hints=["Every sequence must end at the last step of the batch, so its zeros go in front of it; the lengths say "
           "how many steps of each row are real.",
           "§ 1 *The data* pads the vowels both ways with pad_sequences and prints where the zeros sit.",
           "Make a tensor of zeros (N, L_max, F); for sequence i of length n, copy it into the last n steps of row i "
           "(start at L_max - n). The lengths are one whole number per sequence, in a tensor."],
    solution_code=("def pad_front(sequences):\n"
                   "    lengths = torch.tensor([len(s) for s in sequences])\n"
                   "    x = torch.zeros(len(sequences), int(lengths.max()), sequences[0].shape[1])\n"
                   "    for i, s in enumerate(sequences):\n"
                   "        x[i, x.shape[1] - len(s):] = s\n"
                   "    return x, lengths"),
    answer_name="pad_front", setup=lambda: {"torch": torch, "pad_sequence": pad_sequence},
    right_answers=[f"def pad_front(sequences):\n    return {LEFT}, {COUNT}",
                   "def pad_front(sequences):\n    flipped = pad_sequence([s.flip(0) for s in sequences], "
                   f"batch_first=True)\n    return flipped.flip(1), {COUNT}",
                   "def pad_front(sequences):\n    from rnn_lesson.real_data import pad_sequences\n"
                   "    return pad_sequences(sequences, side='front')",
                   "def pad_front(sequences):\n    longest = max(len(s) for s in sequences)\n"
                   "    rows = [torch.nn.functional.pad(s, (0, 0, longest - len(s), 0)) for s in sequences]\n"
                   f"    return torch.stack(rows), {COUNT}"],
    wrong_answers=[WrongAnswer(PAD + f"pad_sequence(sequences, batch_first=True), {COUNT}", "padding at the end"),
                   WrongAnswer(PAD + f"pad_sequence(sequences, batch_first=True).flip(1), {COUNT}", "backwards"),
                   WrongAnswer(PAD + f"pad_sequence(sequences, padding_side='left'), {COUNT}", ("has shape", "time first")),
                   WrongAnswer(PAD + f"{LEFT}, [len(s) for s in sequences]", ("lengths should be a torch.Tensor", "list")),
                   WrongAnswer(f"def pad_front(sequences):\n    x = {LEFT}\n"
                               "    return x, torch.full((len(sequences),), x.shape[1])", "real steps"),
                   WrongAnswer(PAD + LEFT, "two results")])


# q2 · standardising statistics over the real steps only (§ 1) -------------------------------------------------

def real_values(x: Tensor, lengths: Tensor) -> Tensor:
    return torch.cat([s[:n] for s, n in zip(x, lengths)])  # (real steps, F): the padding left out


def padded_batch(generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """x `(N, L, F)` padded at the end with zeros, values far from 0 (so padding shows), and lengths `(N,)` >= 2."""
    n, steps, features = (int(v) for v in torch.randint(3, 7, (3,), generator=generator))
    lengths = torch.randint(2, steps + 1, (n,), generator=generator)
    lengths[0] = steps
    x = torch.randn(n, steps, features, generator=generator) * 2 + 3
    x[torch.arange(steps) >= lengths[:, None]] = 0
    return x, lengths


STATS_MISTAKES = [
    KnownMistake(lambda x, lengths: (x.flatten(0, 1).mean(dim=0), x.flatten(0, 1).std(dim=0)),
                 "Your statistics count the padding zeros as data: they pull the mean towards 0 and change the spread "
                 "(wider for some features, narrower for others). Only the first lengths[i] steps of sequence i are real."),
    KnownMistake(lambda x, lengths: (x.mean(dim=0), x.std(dim=0)),
                 "That is one mean per step and feature; standardising needs one per feature, over every real step "
                 "of every sequence: (F,)."),
    KnownMistake(lambda x, lengths: (torch.stack([s[:n].mean(dim=0) for s, n in zip(x, lengths)]).mean(dim=0), None),
                 "That averages each sequence's own mean, so a 2-step sequence weighs as much as a long one; pool "
                 "every real step of every sequence first, then take one mean per feature."),
    KnownMistake(lambda x, lengths: (torch.cat([s[len(s) - n:] for s, n in zip(x, lengths)]).mean(dim=0), None),
                 "That takes the last lengths[i] steps of each row, where front padding would put the real steps; "
                 "this batch is padded at the end, after each sequence."),
    KnownMistake(lambda x, lengths: (None, real_values(x, lengths).var(dim=0)),
                 "The second result is the variance; the standard deviation is its square root.")]

REAL = "    values = torch.cat([s[:n] for s, n in zip(x, lengths)])\n"
STATS = "def training_stats(x, lengths):\n    return "
q2 = Exercise(
    id="ex.q2", notebook=NOTEBOOK, objective="standardise",
    task="Write training_stats(x, lengths): each feature's mean and standard deviation, both (F,), over the real "
         "steps of an end-padded batch x (N, L, F), leaving the padding out.",
    grader=lambda f: compare_pairs(f, [lambda x, n: (real_values(x, n).mean(0), real_values(x, n).std(0)),
                                       lambda x, n: (real_values(x, n).mean(0), real_values(x, n).std(0, correction=0))],
                                   padded_batch, ("mean", "std"), lambda x, lengths: (
                                       f"x of shape {tuple(x.shape)} padded at the end, lengths {lengths.tolist()}"),
                                   STATS_MISTAKES),
    hints=["The zeros after each sequence are not measurements: statistics that include them describe the padding "
           "as much as the data.",
           "§ 1 *The data*, in its part on standardising, computes these statistics from the unpadded training "
           "vowels and shows what counting the padding does to them.",
           "Gather the real steps into one (number of real steps, F) table (row i of x contributes its first "
           "lengths[i] steps; a boolean mask (N, L) from comparing step numbers with lengths does it too), then take "
           "the mean and the standard deviation down its rows."],
    solution_code=("def training_stats(x, lengths):\n"
                   "    real = torch.arange(x.shape[1]) < lengths[:, None]   # (N, L): True at the real steps\n"
                   "    values = x[real]                                     # (real steps, F)\n"
                   "    return values.mean(dim=0), values.std(dim=0)"),
    answer_name="training_stats", setup=lambda: {"torch": torch},
    right_answers=[f"def training_stats(x, lengths):\n{REAL}    return values.mean(0), values.std(0)",
                   "def training_stats(x, lengths):\n    from rnn_lesson.real_data import feature_stats\n"
                   "    return feature_stats(x, lengths)",
                   f"def training_stats(x, lengths):\n{REAL}    std, mean = torch.std_mean(values, dim=0)\n"
                   "    return mean, std",
                   "def training_stats(x, lengths):\n"
                   "    mask = (torch.arange(x.shape[1]) < lengths.unsqueeze(1)).unsqueeze(2).float()\n"
                   "    count = mask.sum()\n    mean = (x * mask).sum(dim=(0, 1)) / count\n"
                   "    return mean, ((x - mean) ** 2 * mask).sum(dim=(0, 1)).div(count).sqrt()"],
    wrong_answers=[WrongAnswer(STATS + "x.mean(dim=(0, 1)), x.std(dim=(0, 1))", "padding zeros"),
                   WrongAnswer(STATS + "x.mean(dim=0), x.std(dim=0)", ("has shape", "one per feature")),
                   WrongAnswer("def training_stats(x, lengths):\n"
                               "    means = torch.stack([s[:n].mean(0) for s, n in zip(x, lengths)])\n"
                               f"{REAL}    return means.mean(0), values.std(0)", "weighs as much"),
                   WrongAnswer("def training_stats(x, lengths):\n"
                               "    values = torch.cat([s[-n:] for s, n in zip(x, lengths)])\n"
                               "    return values.mean(0), values.std(0)", "padded at the end"),
                   WrongAnswer(f"def training_stats(x, lengths):\n{REAL}    return values.mean(0), values.var(0)",
                               "variance"),
                   WrongAnswer(f"def training_stats(x, lengths):\n{REAL}    return torch.stack([values.mean(0), "
                               "values.std(0)])", "two results")])


# q3 · the hidden size the validation set chooses (§ 3) --------------------------------------------------------

def reference_pick_hidden_size(table: pd.DataFrame) -> int:
    best = table["val accuracy"].max()
    return int(table.loc[table["val accuracy"] == best, "hidden_size"].min())


def sweep_table(trial: int) -> pd.DataFrame:
    """A hidden-size sweep, rows in no order: bigger models fit the training data better; the best on validation is
    never the largest. Even trials tie two sizes for the best, the larger first on trials 2 and 6, last on 4; the seeds
    let each typical wrong rule first fail on a size no other rule gives, so that its message can name it."""
    generator, n = torch.Generator().manual_seed(13 + trial), 4 + trial % 3
    sizes = sorted([2, 4, 8, 16, 32, 64, 128][i] for i in torch.randperm(7, generator=generator)[:n].tolist())
    val = [round(int(k) / 54, 3) for k in torch.randperm(15, generator=generator)[:n] + 30]
    best = max(range(n - 1), key=val.__getitem__)
    val[best], val[-1] = max(val), min(val)
    order = torch.randperm(n, generator=generator).tolist()
    if trial % 2 == 0:
        val[best + 1] = val[best]
        i, j = order.index(best), order.index(best + 1)
        order[min(i, j)], order[max(i, j)] = (best + 1, best) if trial % 4 == 2 else (best, best + 1)
    return pd.DataFrame([{"hidden_size": sizes[i], "parameters": sizes[i] * (sizes[i] + 22) + 9,
                          "train accuracy": round(0.7 + 0.05 * i, 3), "val accuracy": val[i]} for i in order])


def pick_mistakes(table: pd.DataFrame) -> list[tuple[object, str]]:
    """The answers of typical wrong rules on this table, each with the idea it gets wrong."""
    sizes, val, train = table["hidden_size"], table["val accuracy"], table["train accuracy"]
    return [(val.max(), "That is the best validation accuracy itself; return the hidden size that reached it."),
            (int(val.idxmax()), "That is the row's label in the table (its index), not the hidden size in that row."),
            (int(sizes[val == val.max()].max()), "On a tie in validation accuracy, take the smaller model: the same "
             "accuracy with fewer parameters, whichever row comes first."),
            (int(sizes[train.idxmax()]), "That is the size with the best training accuracy, which rewards "
             "memorising; choose by the sequences the models did not train on."),
            (int(sizes[(train - val).abs().idxmin()]), "That is the size whose training and validation accuracies "
             "are closest; a small gap is not a high score: choose by the validation accuracy itself."),
            (int(sizes.iloc[0]), "That is the hidden size in the first row; the rows are in no particular order.")]


def grade_pick(function: Callable) -> Result:
    """Run it on 6 sweep tables; a wrong size names a typical rule's idea only if no other rule gives that size."""
    for trial in range(1, 7):
        table = sweep_table(trial)
        where = (f"on trial {trial}, with hidden sizes {table['hidden_size'].tolist()} and validation accuracies "
                 f"{table['val accuracy'].tolist()}")
        got, problem = run_trial(function, (sweep_table(trial),), where)
        if problem is not None:
            return problem
        if not isinstance(got, numbers.Real) or isinstance(got, bool):
            return incorrect(f"{where}: expected a whole number, the hidden size, got {what_it_is(got)}.")
        shown = int(got) if isinstance(got, numbers.Integral) else repr(float(got))
        if got != reference_pick_hidden_size(table):
            values, ideas = zip(*pick_mistakes(table))
            idea = ideas[values.index(got)] if values.count(got) == 1 else (
                "The rule: the highest validation accuracy and, when sizes tie on it, the smallest of them.")
            return incorrect(f"{where}: you chose {shown}, which is not the size this rule picks. {idea}")
        if not isinstance(got, numbers.Integral):
            return incorrect(f"{where}: you chose {shown}, a {type(got).__name__}; a hidden size is a whole number "
                             "(int), as SequenceClassifier(hidden_size=...) needs.")
    return correct()


VAL, PICK = 'table["val accuracy"]', "def pick_hidden_size(table):\n    return "
q3 = Exercise(
    id="ex.q3", notebook=NOTEBOOK, objective="select",
    task="Write pick_hidden_size(table): from a sweep table (columns hidden_size, parameters, train accuracy, "
         "val accuracy; rows in any order), the hidden size with the highest validation accuracy; on a tie, the "
         "smallest.",
    grader=grade_pick,
    hints=["Only one column of the table measures the models on sequences they did not train on; and when two sizes "
           "do equally well there, the cheaper model is the better buy.",
           "§ 3 *Choose the hidden size* prints such a table for the vowels and says why neither the training "
           "accuracy nor the test split may choose.",
           "Find the highest value in the validation column; keep the rows that reach it; of their hidden sizes, "
           "return the smallest, as a Python int."],
    solution_code=f"def pick_hidden_size(table):\n    best = {VAL}.max()\n"
                  f"    return int(table.loc[{VAL} == best, \"hidden_size\"].min())",
    answer_name="pick_hidden_size", setup=lambda: {"pd": pd},
    right_answers=["def pick_hidden_size(table):\n    ranked = table.sort_values(['val accuracy', 'hidden_size'], "
                   "ascending=[False, True])\n    return int(ranked['hidden_size'].iloc[0])",
                   "def pick_hidden_size(table):\n    rows = zip(table['val accuracy'], table['hidden_size'])\n"
                   "    return max(rows, key=lambda row: (row[0], -row[1]))[1]",
                   f"def pick_hidden_size(table):\n    return table[{VAL} >= {VAL}.max()]['hidden_size'].min()"],
    wrong_answers=[WrongAnswer(PICK + "int(table.loc[table['train accuracy'].idxmax()].hidden_size)", "training accuracy"),
                   WrongAnswer(PICK + f"int(table.loc[{VAL}.idxmax(), 'hidden_size'])", "On a tie"),  # first best
                   WrongAnswer(PICK + "int(table.sort_values('val accuracy').iloc[-1]['hidden_size'])", "On a tie"),
                   WrongAnswer(PICK + f"int(table[{VAL} == {VAL}.max()]['hidden_size'].iloc[-1])", "On a tie"),
                   WrongAnswer(PICK + "table.iloc[::-1].set_index('hidden_size')['val accuracy'].idxmax()", "On a tie"),
                   WrongAnswer(PICK + f"int({VAL}.idxmax())", "row's label"),
                   WrongAnswer(PICK + f"{VAL}.max()", "accuracy itself"),
                   WrongAnswer(PICK + f"table[{VAL} == {VAL}.max()]", "whole number"),
                   WrongAnswer(PICK + f"float(table.loc[{VAL} == {VAL}.max(), 'hidden_size'].min())", "(int)")])

EXERCISES = (q1, q2, q3)
