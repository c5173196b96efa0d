"""The setup a newcomer relies on: one source of dependencies. (`make lab` is tested in test_jupyterlab.py.)"""

import json
import re
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from rnn_lesson.course.paths import ROOT


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def constraints() -> dict[str, Requirement]:
    lines = [line.split("#")[0].strip() for line in (ROOT / "constraints.txt").read_text().splitlines()]
    return {Requirement(line).name: Requirement(line) for line in lines if line}


def torch_range() -> Requirement:
    return next(Requirement(d) for d in pyproject()["project"]["dependencies"] if Requirement(d).name == "torch")


def test_torch_is_a_tested_range_and_the_exact_pin_is_in_the_constraints():
    # The package admits the versions the course is tested with; the stored outputs were made with one of them.
    torch = torch_range()
    assert str(torch.specifier) and not any(spec.operator == "==" for spec in torch.specifier)
    pinned = constraints()["torch"]
    assert [spec.operator for spec in pinned.specifier] == ["=="]
    assert torch.specifier.contains(next(iter(pinned.specifier)).version), "the pin must lie inside the range"


def test_the_version_note_of_every_lesson_names_the_pinned_torch():
    from rnn_lesson.device import OUTPUTS_TORCH

    assert constraints()["torch"].specifier == SpecifierSet(f"=={OUTPUTS_TORCH}")


def test_the_environment_running_the_tests_has_the_pinned_torch():
    # nbval compares stored outputs, which were made with the pinned torch: install with -c constraints.txt.
    import torch

    assert constraints()["torch"].specifier.contains(torch.__version__.split("+")[0])


def test_every_install_route_of_make_uses_the_constraints():
    from tools.course import install_command

    for uv in (None, "/usr/bin/uv"):
        command = install_command("python", None, uv)
        assert command[command.index("-c") + 1] == "constraints.txt"
    assert "tools/course.py" in (ROOT / "Makefile").read_text()


def test_environment_yml_agrees_with_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["name"] == "rnn-lesson"
    assert env["channels"] == ["conda-forge", "nodefaults"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip_lines = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "python=3.11" in conda and "pip" in conda
    # conda's CPU-only torch must be the version the constraints pin, so pip installs no other torch.
    pinned = next(iter(constraints()["torch"].specifier)).version
    assert f"pytorch-cpu={pinned}" in conda
    # Everything else comes from pyproject.toml through the editable install with its extras, and the
    # course's Jupyter settings (jupyter/) are installed as make installs them.
    assert pip_lines == ["-e .[lab,test]", "./jupyter"]
    extras = Requirement("rnn-lesson" + pip_lines[0].removeprefix("-e .")).extras
    assert extras == set(pyproject()["project"]["optional-dependencies"])
    names = {re.split(r"[=<>]", d)[0] for d in conda}
    assert names == {"python", "pip", "pytorch-cpu"}, "list other packages in pyproject.toml, not here"


def test_make_and_conda_install_the_same_jupyter_settings():
    """The offline settings reach the environment the same way on every route: as the ./jupyter package."""
    from tools.course import install_command

    assert install_command("python", None, None)[-2:] == [".[lab,test]", "./jupyter"]
    for setup in ("Makefile", "tools/course.py"):
        assert "news_url" not in (ROOT / setup).read_text(), "keep the offline settings in jupyter/ only"
    settings = tomllib.loads((ROOT / "jupyter" / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    for files in settings.values():
        assert all((ROOT / "jupyter" / name).is_file() for name in files)
    config = json.loads((ROOT / "jupyter" / "jupyter_lab_config.json").read_text())["LabApp"]
    assert config["news_url"] is None and config["extension_manager"] == "readonly"


def test_no_sys_path_hacks():
    offenders = [str(p) for p in ROOT.glob("**/*.py*") if ".venv" not in p.parts and p.suffix in (".py", ".ipynb")
                 and "sys.path" in p.read_text(encoding="utf-8") and p.name != "test_setup.py"]
    assert offenders == []
