"""Where the course lives: its folder and its lessons, in order."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = ("01_input_shaping", "02_the_rnn_layer", "03_training", "04_prediction", "05_beyond_rnn")
