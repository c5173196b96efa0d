"""tools/course.py, the setup without make (Windows) that make itself calls: which PyTorch build it asks pip
for, the commands it runs, and that it installs again only when what it installs from changed."""

import subprocess
import sys

import pytest

from rnn_lesson.course.paths import ROOT
from tools import course
from tools.course import CPU_INDEX, install_command, lab_command, pytest_command, torch_index


@pytest.mark.parametrize("system, nvidia, choice, index", [
    ("Linux", False, None, CPU_INDEX),       # PyPI's Linux torch is the multi-GB CUDA build: take the CPU one
    ("Linux", False, "auto", CPU_INDEX),
    ("Linux", False, " auto ", CPU_INDEX),
    ("Linux", True, None, None),             # a GPU: PyPI's CUDA build is the one to have
    ("Darwin", False, None, None),           # PyPI's macOS and Windows builds are CPU builds already
    ("Windows", False, None, None),
    ("Linux", True, "cpu", CPU_INDEX),       # one variable overrides the decision, either way
    ("Darwin", False, "cpu", CPU_INDEX),
    ("Linux", False, "default", None),
    ("Linux", False, "https://download.pytorch.org/whl/cu128", "https://download.pytorch.org/whl/cu128"),
])
def test_the_torch_index_decision(system, nvidia, choice, index):
    assert torch_index(system, nvidia, choice) == index


def test_a_wrong_choice_says_what_is_allowed():
    with pytest.raises(SystemExit, match="RNN_LESSON_TORCH: expected auto, cpu, default or the URL of a wheel "
                                         "index, got 'gpu'; e.g. RNN_LESSON_TORCH=default"):
        torch_index("Linux", False, "gpu")


def test_the_install_command_adds_the_cpu_index_as_an_extra_index_and_keeps_the_pin():
    command = install_command("/venv/bin/python", CPU_INDEX, None)
    assert command[:4] == ["/venv/bin/python", "-m", "pip", "install"]
    # extra, not instead of PyPI: everything else still comes from PyPI; torch==2.13.0 matches 2.13.0+cpu
    assert command[command.index("--extra-index-url") + 1] == CPU_INDEX and "--index-url" not in command
    assert command[-5:] == ["-c", "constraints.txt", "--editable", ".[lab,test]", "./jupyter"]
    assert "--extra-index-url" not in install_command("/venv/bin/python", None, None)


def test_with_uv_the_same_install_lets_uv_pick_across_indexes():
    command = install_command("/venv/bin/python", CPU_INDEX, "/usr/bin/uv")
    assert command[:5] == ["/usr/bin/uv", "pip", "install", "--python", "/venv/bin/python"]
    assert command[command.index("--index-strategy") + 1] == "unsafe-best-match"
    assert command[-5:] == ["-c", "constraints.txt", "--editable", ".[lab,test]", "./jupyter"]


def test_lab_serves_lesson_one_on_localhost_only_and_passes_the_rest_on():
    command = lab_command(ROOT / ".venv/bin/python", 8890, ".", ["--no-browser"])
    assert command[1:4] == ["-m", "jupyter", "lab"]
    assert "--ServerApp.ip=127.0.0.1" in command and "--ServerApp.port=8890" in command
    assert "--LabApp.default_url=/lab/tree/notebooks/01_input_shaping.ipynb" in command
    assert (ROOT / "notebooks" / "01_input_shaping.ipynb").is_file()
    assert command[-1] == "--no-browser"


def test_make_runs_the_same_tests_as_the_script():
    command = pytest_command(ROOT / ".venv/bin/python")
    assert command[command.index("pytest") + 1:][:4] == ["-n", "2", "--dist", "loadfile"]
    assert "$(PYTHON) tools/course.py test" in (ROOT / "Makefile").read_text()


def test_setup_installs_again_only_when_its_inputs_change(tmp_path, monkeypatch):
    monkeypatch.setattr(course, "VENV", tmp_path / ".venv")
    monkeypatch.setattr(course, "STAMP", tmp_path / ".venv" / ".installed")
    monkeypatch.setenv("RNN_LESSON_INSTALLER", "pip")
    monkeypatch.setenv("RNN_LESSON_TORCH", "default")  # no network asked
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").touch()  # an environment that exists already
    runs = []
    monkeypatch.setattr(course.subprocess, "run", lambda command, **kwargs: runs.append(command))
    course.setup()
    course.setup()
    assert len(runs) == 1 and runs[0][1:4] == ["-m", "pip", "install"]  # the second time: nothing to do
    monkeypatch.setenv("RNN_LESSON_TORCH", "cpu")  # another torch build wanted: install again
    monkeypatch.setattr(course, "reachable", lambda url: True)
    course.setup()
    assert len(runs) == 2 and CPU_INDEX in runs[1]


def test_an_index_that_cannot_be_reached_is_left_out_with_a_note(tmp_path, monkeypatch, capsys):
    """pip would try an unreachable index for every package and wait each time; setup says so and goes on."""
    monkeypatch.setattr(course, "VENV", tmp_path / ".venv")
    monkeypatch.setattr(course, "STAMP", tmp_path / ".venv" / ".installed")
    monkeypatch.setenv("RNN_LESSON_INSTALLER", "pip")
    monkeypatch.setenv("RNN_LESSON_TORCH", "http://127.0.0.1:9/simple")  # a port nothing listens on
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").touch()
    runs = []
    monkeypatch.setattr(course.subprocess, "run", lambda command, **kwargs: runs.append(command))
    course.setup()
    assert "--extra-index-url" not in runs[0]
    assert "can't be reached from here" in capsys.readouterr().out


def test_the_script_needs_nothing_but_python():
    """It must run before anything is installed: only the standard library is imported."""
    script = (ROOT / "tools" / "course.py").read_text()
    imports = {line.split()[1].split(".")[0] for line in script.splitlines() if line.startswith(("import ", "from "))}
    assert imports <= set(sys.stdlib_module_names) | {"__future__"}
    result = subprocess.run([sys.executable, "-I", str(ROOT / "tools" / "course.py"), "--help"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "python tools/course.py lab" in result.stdout


def test_uv_installs_only_when_present_and_pip_is_not_configured_for_this_run(monkeypatch):
    monkeypatch.setattr(course.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert course.uv_to_use({}) == "/usr/bin/uv"
    assert course.uv_to_use({"RNN_LESSON_INSTALLER": "pip"}) is None
    # An offline room's wheelhouse is given to pip through its variables, which uv does not read.
    assert course.uv_to_use({"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": "wheelhouse"}) is None
    monkeypatch.setattr(course.shutil, "which", lambda name: None)
    assert course.uv_to_use({}) is None


def test_a_failed_install_ends_in_one_line_and_installs_again_next_time(tmp_path, monkeypatch):
    monkeypatch.setattr(course, "VENV", tmp_path / ".venv")
    monkeypatch.setattr(course, "STAMP", tmp_path / ".venv" / ".installed")
    monkeypatch.setenv("RNN_LESSON_INSTALLER", "pip")
    monkeypatch.setenv("RNN_LESSON_TORCH", "default")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").touch()

    def fails(command, **kwargs):
        raise subprocess.CalledProcessError(1, command)

    monkeypatch.setattr(course.subprocess, "run", fails)
    with pytest.raises(SystemExit, match="the install into .* failed .* run this again"):
        course.setup()
    assert not course.STAMP.exists()  # so the next run installs again
