"""The setup a newcomer relies on: one source of dependencies. (`make lab` is tested in test_jupyterlab.py.)"""

import json
import re
import tomllib

import yaml
from packaging.requirements import Requirement

from rnn_lesson.course.paths import ROOT


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_torch_is_pinned_exactly():
    torch_lines = [d for d in pyproject()["project"]["dependencies"] if Requirement(d).name == "torch"]
    assert [str(Requirement(d).specifier) for d in torch_lines] == ["==2.13.0"]


def test_environment_yml_agrees_with_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["name"] == "rnn-lesson"
    assert env["channels"] == ["conda-forge", "nodefaults"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip_lines = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "python=3.11" in conda and "pip" in conda
    # conda's CPU-only torch must be the version pyproject pins, so pip installs no other torch.
    torch_pin = next(str(Requirement(d).specifier) for d in pyproject()["project"]["dependencies"]
                     if Requirement(d).name == "torch")
    assert f"pytorch-cpu={torch_pin.lstrip('=')}" in conda
    # Everything else comes from pyproject.toml through the editable install with its extras, and the
    # course's Jupyter settings (jupyter/) are installed as make installs them.
    assert pip_lines == ["-e .[test]", "./jupyter"]
    extras = Requirement("rnn-lesson" + pip_lines[0].removeprefix("-e .")).extras
    assert extras == set(pyproject()["project"]["optional-dependencies"])
    names = {re.split(r"[=<>]", d)[0] for d in conda}
    assert names == {"python", "pip", "pytorch-cpu"}, "list other packages in pyproject.toml, not here"


def test_make_and_conda_install_the_same_jupyter_settings():
    """The offline settings reach the environment the same way on every route: as the ./jupyter package."""
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet --editable '.[test]' ./jupyter" in makefile
    assert "news_url" not in makefile, "keep the offline settings in jupyter/jupyter_lab_config.json only"
    settings = tomllib.loads((ROOT / "jupyter" / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    for files in settings.values():
        assert all((ROOT / "jupyter" / name).is_file() for name in files)
    config = json.loads((ROOT / "jupyter" / "jupyter_lab_config.json").read_text())["LabApp"]
    assert config["news_url"] is None and config["extension_manager"] == "readonly"


def test_no_sys_path_hacks():
    offenders = [str(p) for p in ROOT.glob("**/*.py*") if ".venv" not in p.parts and p.suffix in (".py", ".ipynb")
                 and "sys.path" in p.read_text(encoding="utf-8") and p.name != "test_setup.py"]
    assert offenders == []
