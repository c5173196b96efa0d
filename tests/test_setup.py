"""The setup a newcomer relies on: one source of dependencies, and `make lab` serving the course."""

import os
import re
import signal
import socket
import subprocess
import time
import tomllib
import urllib.request

import pytest
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
    # Everything else comes from pyproject.toml through the editable install with its extras.
    assert pip_lines == ["-e .[test]"]
    extras = Requirement("rnn-lesson" + pip_lines[0].removeprefix("-e .")).extras
    assert extras == set(pyproject()["project"]["optional-dependencies"])
    names = {re.split(r"[=<>]", d)[0] for d in conda}
    assert names == {"python", "pip", "pytorch-cpu"}, "list other packages in pyproject.toml, not here"


def test_no_sys_path_hacks():
    offenders = [str(p) for p in ROOT.glob("**/*.py*") if ".venv" not in p.parts and p.suffix in (".py", ".ipynb")
                 and "sys.path" in p.read_text(encoding="utf-8") and p.name != "test_setup.py"]
    assert offenders == []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_make_lab_serves_the_course_on_localhost_with_a_token(tmp_path):
    port, token = free_port(), "course-test-token"
    env = dict(os.environ, JUPYTER_TOKEN=token, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "ws"))
    lab = subprocess.Popen(["make", "--no-print-directory", "lab", f"PORT={port}",
                            "LAB_ARGS=--no-browser --ServerApp.port_retries=0"],
                           cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           start_new_session=True)
    try:
        deadline, page, status, landed = time.time() + 60, "", None, ""
        while time.time() < deadline and lab.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/?token={token}", timeout=5) as response:
                    status, page, landed = response.status, response.read().decode(), response.url
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200, f"JupyterLab did not answer on port {port}"
        assert "JupyterLab" in page
        assert "/lab/tree/notebooks/01_input_shaping.ipynb" in landed, "the first notebook should open in view"
        with pytest.raises(urllib.error.HTTPError) as refused:  # token authentication is on
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents", timeout=5)
        assert refused.value.code == 403
        url = f"http://127.0.0.1:{port}/api/contents/notebooks/01_input_shaping.ipynb?token={token}&content=0"
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.status == 200
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        try:
            output = lab.communicate(timeout=20)[0].decode()
        except subprocess.TimeoutExpired:
            os.killpg(lab.pid, signal.SIGKILL)
            output = lab.communicate()[0].decode()
    assert "http://127.0.0.1:" in output
    errors = [line for line in output.splitlines() if line.startswith("[E")]
    assert errors == [], "JupyterLab logged errors (an offline feature left on?)"
