"""The course's command line.

    python -m rnn_lesson check              is this machine ready? (one line per check)
    python -m rnn_lesson reset NOTEBOOK     restore a lesson as shipped, keeping your copy in backups/
    python -m rnn_lesson reset --all        the same for every lesson
    python -m rnn_lesson backups            list the copies reset kept
    python -m rnn_lesson answer-key         print the quiz answers and exercise solutions (Markdown)
    python -m rnn_lesson make-data          regenerate data/sequences.npz from its seed
    python -m rnn_lesson room               serve the room view for a workshop (room --help; room merge FILES)
"""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

from rnn_lesson.course.lessons import NOTEBOOKS
from rnn_lesson.course.paths import ROOT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rnn_lesson", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="check that this machine is ready for the course")
    reset = commands.add_parser("reset", help="restore lessons to their shipped state, keeping your copies")
    reset.add_argument("notebooks", nargs="*", help=f"lessons by number (02) or notebook: {', '.join(NOTEBOOKS)}")
    reset.add_argument("--all", action="store_true", help="every lesson")
    backups = commands.add_parser("backups", help="list the copies of your notebooks that reset kept")
    for command in (reset, backups):
        command.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    commands.add_parser("answer-key", help="print the answer key for instructors (Markdown)")
    make = commands.add_parser("make-data", help="regenerate data/sequences.npz from its seed")
    make.add_argument("--path", help="where to write the .npz file (default: the course data file)")
    make.add_argument("--overwrite", action="store_true", help="replace an existing file that is not a course data file")
    commands.add_parser("room", add_help=False, help="serve the room view for a workshop, or merge progress exports")
    args, rest = parser.parse_known_args(argv)
    if args.command == "room":
        from rnn_lesson.course.room.server import main as room
        return room(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")

    if args.command == "check":
        from rnn_lesson.course.workshop.preflight import main as check
        return check()
    if args.command == "reset":
        if args.all == bool(args.notebooks):
            parser.error("name one notebook, or use --all")
        if "all" in args.notebooks:
            parser.error("to reset every lesson, write --all (with two dashes)")
        return reset_lessons(NOTEBOOKS if args.all else args.notebooks, Path(args.root))
    if args.command == "backups":
        from rnn_lesson.course.workshop.reset import list_backups
        print("\n".join(list_backups(Path(args.root))) or "no backups yet: reset keeps one each time it restores a lesson")
        return 0
    if args.command == "answer-key":
        from rnn_lesson.course.workshop.answer_key import answer_key
        print(answer_key(), end="")
        return 0
    return make_data(args.path, args.overwrite)


def reset_lessons(names: list[str], root: Path) -> int:
    from rnn_lesson.course.workshop.reset import reset_notebook

    for name in names:
        try:
            print(reset_notebook(name, root))
        except (ValueError, RuntimeError) as error:
            print(f"not reset: {error}")
            return 1
    return 0


def is_course_data_file(path: Path) -> bool:
    """Whether `path` is a file `save_dataset` wrote: a zip holding exactly x.npy and y.npy."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sorted(archive.namelist()) == ["x.npy", "y.npy"]
    except (OSError, zipfile.BadZipFile):
        return False


def make_data(where: str | None, overwrite: bool) -> int:
    from rnn_lesson.data import DATA_PATH, make_sequences, save_dataset

    path = Path(where).expanduser() if where is not None else DATA_PATH
    problem = data_path_problem(path, overwrite)
    if problem:
        print(f"not written: {problem}")
        return 1
    x, y = make_sequences()
    try:
        checksum = save_dataset(x, y, path)
    except OSError as error:
        print(f"not written: could not write {path} ({error.strerror or error}); choose a folder you may write to.")
        return 1
    print(f"wrote {path.name}: x {tuple(x.shape)} float32, y {tuple(y.shape)} int64, sha256 {checksum}")
    return 0


def data_path_problem(path: Path, overwrite: bool) -> str | None:
    """What is wrong with `path` as the place for a data file, in words with the fix; None if it will do."""
    if str(path) in ("", "."):
        return "--path expected a file name ending in .npz, got nothing; e.g. --path sequences.npz"
    if path.is_dir():
        return f"--path expected a file, got the folder {str(path)!r}; name a file in it, e.g. --path {path / 'sequences.npz'}"
    if path.suffix.lower() != ".npz":
        better = path.with_name("sequences.npz") if path.name.startswith(".") else path.with_suffix(".npz")
        return f"--path expected a file name ending in .npz, got {str(path)!r}; e.g. --path {better}"
    if not path.parent.is_dir():
        return (f"--path expected a file in an existing folder, got {str(path)!r}, and there is no folder "
                f"{str(path.parent)!r}; create it first (mkdir -p {path.parent}) or choose another folder.")
    if path.exists() and not overwrite and not is_course_data_file(path):
        return (f"{path} already exists and is not a course data file, so it is left alone; choose another --path, "
                "or add --overwrite to replace it.")
    return None
