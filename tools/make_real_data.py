"""How the two real data sets in data/ were made, from the package wheels that distribute them (provenance).

    python tools/make_real_data.py statsmodels-0.15.0-*.whl sktime-1.2.0-py3-none-any.whl

- `data/sunspots.csv`: statsmodels' `datasets/sunspots/sunspots.csv`, copied byte for byte
  (yearly sunspot numbers 1700-2008 from NOAA's National Geophysical Data Center; public domain).
- `data/japanese_vowels.npz`: sktime's `JapaneseVowels_TRAIN.ts` and `_TEST.ts` (the UCI Japanese
  Vowels data set, CC BY 4.0), parsed here and written as four plain arrays (no pickled objects):
  `values` (total steps, 12) float32, every utterance's steps one after another, train cases first,
  each split in its file's order; `lengths` (640,) int64; `speakers` (640,) int64, the labels 1-9 as
  0-8; `is_train` (640,) bool. Stored uncompressed with fixed zip dates, so the same input gives the
  same bytes on any machine. The wheels are read in place; nothing is installed or imported from them.

The lessons never run this script: they load the shipped files and check their SHA-256 (rnn_lesson.real_data).
"""

from __future__ import annotations

import hashlib
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SUNSPOTS_MEMBER = "statsmodels/datasets/sunspots/sunspots.csv"
VOWELS_MEMBERS = ("sktime/datasets/data/JapaneseVowels/JapaneseVowels_TRAIN.ts",
                  "sktime/datasets/data/JapaneseVowels/JapaneseVowels_TEST.ts")
FEATURES = 12


def read_member(wheel: Path, member: str) -> bytes:
    """One file's bytes from inside a wheel (a zip archive)."""
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(member)


def parse_ts(text: str) -> tuple[list[np.ndarray], list[int]]:
    """Parse a sktime/UEA `.ts` file: after `@data`, one case per line, the dimensions separated by ':'
    (each a comma-separated series) and the class label last. Returns cases `(L_i, 12)` and labels."""
    lines = text.splitlines()
    start = lines.index("@data") + 1
    cases, labels = [], []
    for line in lines[start:]:
        if not line.strip():
            continue
        *dimensions, label = line.split(":")
        series = [[float(value) for value in dimension.split(",")] for dimension in dimensions]
        if len(series) != FEATURES or len({len(s) for s in series}) != 1:
            raise ValueError(f"case {len(cases)}: expected {FEATURES} dimensions of one length, got "
                             f"{[len(s) for s in series]}")
        cases.append(np.array(series, dtype=np.float64).T)  # (L_i, 12): time steps down, features across
        labels.append(int(label))
    return cases, labels


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write named arrays to an uncompressed .npz in the order given, with fixed zip dates (same bytes each time)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            archive.writestr(zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0)), buffer.getvalue())


def make_vowels(sktime_wheel: Path) -> dict[str, np.ndarray]:
    """The Japanese Vowels arrays, checked against the published description (640 cases, 270 + 370,
    12 features, 7-29 steps, 9 speakers with 30 training utterances each)."""
    train, train_labels = parse_ts(read_member(sktime_wheel, VOWELS_MEMBERS[0]).decode("utf-8"))
    test, test_labels = parse_ts(read_member(sktime_wheel, VOWELS_MEMBERS[1]).decode("utf-8"))
    cases, labels = train + test, np.array(train_labels + test_labels, dtype=np.int64)
    lengths = np.array([len(case) for case in cases], dtype=np.int64)
    assert (len(train), len(test)) == (270, 370), (len(train), len(test))
    assert lengths.min() == 7 and lengths.max() == 29, (lengths.min(), lengths.max())
    assert sorted(set(labels.tolist())) == list(range(1, 10))
    assert np.bincount(labels[:270], minlength=10)[1:].tolist() == [30] * 9
    return {"values": np.concatenate(cases).astype(np.float32), "lengths": lengths, "speakers": labels - 1,
            "is_train": np.arange(len(cases)) < len(train)}


def main(statsmodels_wheel: Path, sktime_wheel: Path) -> None:
    sunspots = read_member(statsmodels_wheel, SUNSPOTS_MEMBER)
    (DATA_DIR / "sunspots.csv").write_bytes(sunspots)
    write_npz(DATA_DIR / "japanese_vowels.npz", make_vowels(sktime_wheel))
    for name in ("sunspots.csv", "japanese_vowels.npz"):
        data = (DATA_DIR / name).read_bytes()
        print(f"{name}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python tools/make_real_data.py STATSMODELS_WHEEL SKTIME_WHEEL")
    main(Path(sys.argv[1]), Path(sys.argv[2]))
