"""Command line: `python -m rnn_lesson make-data` regenerates the course data file from its seed."""

from __future__ import annotations

import argparse

from rnn_lesson.data import DATA_PATH, make_sequences, save_dataset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rnn_lesson", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("make-data", help="regenerate data/sequences.npz from its seed")
    make.add_argument("--path", default=str(DATA_PATH), help="where to write the file")
    args = parser.parse_args(argv)
    if args.command == "make-data":
        x, y = make_sequences()
        checksum = save_dataset(x, y, args.path)
        print(f"wrote {args.path}: x {tuple(x.shape)} float32, y {tuple(y.shape)} int64, sha256 {checksum}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
