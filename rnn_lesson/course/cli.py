"""The course's command line.

    python -m rnn_lesson check              is this machine ready? (one line per check)
    python -m rnn_lesson reset NOTEBOOK     restore a lesson, keeping your copy beside it
    python -m rnn_lesson reset --all        the same for every lesson
    python -m rnn_lesson answer-key         print the quiz answers and exercise solutions (Markdown)
    python -m rnn_lesson make-data          regenerate data/sequences.npz from its seed
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rnn_lesson.course.lessons import NOTEBOOKS
from rnn_lesson.course.paths import ROOT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rnn_lesson", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="check that this machine is ready for the course")
    reset = commands.add_parser("reset", help="restore lessons to their shipped state, keeping your copies")
    reset.add_argument("notebook", nargs="?", help=f"a lesson's number (02) or notebook: {', '.join(NOTEBOOKS)}")
    reset.add_argument("--all", action="store_true", help="every lesson")
    reset.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    commands.add_parser("answer-key", help="print the answer key for instructors (Markdown)")
    make = commands.add_parser("make-data", help="regenerate data/sequences.npz from its seed")
    make.add_argument("--path", help="where to write the file (default: the course data file)")
    args = parser.parse_args(argv)

    if args.command == "check":
        from rnn_lesson.course.workshop.preflight import main as check
        return check()
    if args.command == "reset":
        from rnn_lesson.course.workshop.reset import reset_notebook
        if args.all == bool(args.notebook):
            parser.error("name one notebook, or use --all")
        for name in NOTEBOOKS if args.all else [args.notebook]:
            try:
                print(reset_notebook(name, Path(args.root)))
            except (ValueError, RuntimeError) as error:
                print(f"not reset: {error}")
                return 1
        return 0
    if args.command == "answer-key":
        from rnn_lesson.course.workshop.answer_key import answer_key
        print(answer_key(), end="")
        return 0
    from rnn_lesson.data import DATA_PATH, make_sequences, save_dataset
    x, y = make_sequences()
    path = Path(args.path) if args.path else DATA_PATH
    checksum = save_dataset(x, y, path)
    print(f"wrote {path.name}: x {tuple(x.shape)} float32, y {tuple(y.shape)} int64, sha256 {checksum}")
    return 0

