"""The course as a wheel, alone: built from pyproject.toml, installed into a fresh virtual environment,
with the notebooks copied into an empty folder, every lesson runs under strict nbval, offline.

This is what a learner gets from `pip install` (VS Code, a Jupyter they already have, Colab's first cell):
the data sets, their data cards and the quiz banks travel inside the package (rnn_lesson.data_files, mapped
from the top-level data/ folder), so nothing may be read from beside the package.
"""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rnn_lesson.course.lessons import LESSONS
from rnn_lesson.course.paths import DATA_DIR, ROOT
from test_notebook_runs import NBVAL, offline_prefix


def build_wheel(folder: Path) -> Path:
    """Build the course's wheel from pyproject.toml into `folder` (with this environment's setuptools, offline).

    It builds from a copy of the files git tracks here, as a clean checkout would: setuptools writes build/
    and *.egg-info beside the sources, which must not land in the working tree (or in a build running beside).
    """
    tracked = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, check=True).stdout.decode().split("\0")
    source = folder / "source"
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(folder), str(source)], check=True, capture_output=True, cwd=folder)
    (wheel,) = folder.glob("rnn_lesson-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_carries_the_data_the_quiz_banks_and_the_widgets_code(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = [p.relative_to(DATA_DIR) for p in DATA_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert {f"rnn_lesson/data_files/{p.as_posix()}" for p in shipped} <= names  # every file of data/, one copy
    assert {"rnn_lesson/data_files/sequences.npz", "rnn_lesson/data_files/sunspots.csv",
            "rnn_lesson/data_files/japanese_vowels.npz"} <= names
    banks = {n for n in names if n.startswith("rnn_lesson/data_files/quizzes/") and n.endswith(".toml")}
    assert len(banks) == len(LESSONS)
    assert {"rnn_lesson/course/quiz/quiz.css", "rnn_lesson/course/quiz/answer_controls.js"} <= names
    assert {f"rnn_lesson/course/room/dashboard.{kind}" for kind in ("html", "js", "css")} <= names  # the room's page
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "rnn_lesson").rglob("*.py")}
    assert modules <= names, f"modules left out of the wheel: {sorted(modules - names)}"
    assert not [n for n in names if n.startswith(("notebooks/", "tests/", "data/"))]


@pytest.mark.slow
def test_the_wheel_alone_runs_every_lesson_from_an_empty_folder(wheel, tmp_path):
    env_dir, lessons = tmp_path / "fresh-venv", tmp_path / "my-course"
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    # The exact torch of the stored outputs (constraints.txt) and nbval to compare them; nothing else of ours.
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-c", str(ROOT / "constraints.txt"), str(wheel),
                    "nbval>=0.11,<0.12"], check=True, capture_output=True, timeout=600)
    lessons.mkdir()
    for lesson in LESSONS:
        shutil.copy(lesson.path, lessons)
    shutil.copy(ROOT / "tests" / "nbval_sanitize.cfg", lessons)
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(RNN_LESSON_PROGRESS=str(tmp_path / "progress.sqlite3"), MPLCONFIGDIR=str(tmp_path / "mpl"),
               OMP_NUM_THREADS="1", PATH=f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}")
    where = subprocess.run([str(python), "-c", "import rnn_lesson.data as d, rnn_lesson.course.paths as p; "
                            "print(d.__file__); print(d.DATA_DIR); print(p.IN_CLONE)"],
                           cwd=lessons, env=env, capture_output=True, text=True, check=True).stdout.split("\n")
    assert all(line.startswith(str(env_dir)) for line in where[:2]), where  # the package, not this checkout
    assert where[2] == "False"
    nbval = [arg if arg != "tests/nbval_sanitize.cfg" else "nbval_sanitize.cfg" for arg in NBVAL]
    notebooks = [lesson.path.name for lesson in LESSONS]
    result = subprocess.run([*offline_prefix(), str(python), *nbval, *notebooks], cwd=lessons, env=env,
                            capture_output=True, text=True, timeout=600)
    code_cells = sum(cell.get("cell_type") == "code" for lesson in LESSONS
                     for cell in json.loads(lesson.path.read_text(encoding="utf-8"))["cells"])
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert f"\n{code_cells} passed in " in result.stdout, result.stdout[-500:]  # every cell of every lesson
    assert not (lessons / "data").exists()  # nothing was looked for, or written, beside the lessons
