"""A locked-down machine: a read-only home folder. Lessons print nothing extra, and the pre-flight
check and the progress warning name a place that is writable.

Root ignores file permissions, so as root the learner's processes run without that power
(`setpriv` drops CAP_DAC_OVERRIDE), exactly as an ordinary user meets a read-only folder.
"""

import os
import shutil
import subprocess
import sys

import pytest

from rnn_lesson.course.paths import NOTEBOOK_DIR, ROOT

pytestmark = pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"),
                                reason="as root, needs setpriv (util-linux) to drop root's file access")


@pytest.fixture
def read_only_home(tmp_path):
    """The environment of a learner whose home folder can't be written, and the command prefix to run as one."""
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    home.chmod(0o555)
    (home / ".config").chmod(0o555)
    env = {key: value for key, value in os.environ.items()
           if key not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "RNN_LESSON_PROGRESS")}
    env.update(HOME=str(home), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), TMPDIR=str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    as_learner = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    yield env, as_learner
    home.chmod(0o755)
    (home / ".config").chmod(0o755)


def test_a_lesson_prints_no_warning_with_a_read_only_home(read_only_home, tmp_path):
    """Lesson 01 under strict nbval: matplotlib's cache warning would be an output no stored cell has."""
    env, as_learner = read_only_home
    env["RNN_LESSON_PROGRESS"] = str(tmp_path / "progress.sqlite3")  # a writable store, as the advice says
    result = subprocess.run([*as_learner, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "--nbval", "--nbval-current-env", "--nbval-sanitize-with",
                             str(ROOT / "tests" / "nbval_sanitize.cfg"), str(NOTEBOOK_DIR / "01_input_shaping.ipynb")],
                            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "matplotlib" not in result.stdout.lower()


def test_the_pre_flight_check_names_a_writable_place(read_only_home, tmp_path):
    env, as_learner = read_only_home
    result = subprocess.run([*as_learner, sys.executable, "-m", "rnn_lesson", "check"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.stderr == ""
    lines = {line.split()[1].rstrip(":"): line for line in result.stdout.splitlines()[:-1]}
    suggested = str(tmp_path / "rnn-lesson-progress.sqlite3")
    assert lines["progress"].startswith("problem") and f"export RNN_LESSON_PROGRESS={suggested}" in lines["progress"]
    assert lines["figures"].startswith("ok") and "your home folder is read-only" in lines["figures"]
    env["RNN_LESSON_PROGRESS"] = suggested  # the fix, followed
    result = subprocess.run([*as_learner, sys.executable, "-m", "rnn_lesson", "check"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.endswith("Ready for the course.\n"), result.stdout
