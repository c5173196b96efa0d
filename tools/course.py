"""Set up the course and open it with nothing but Python: what `make lab` and `make test` do, on Windows too.

    python tools/course.py lab      create .venv if missing, install the course, open JupyterLab on lesson 01
    python tools/course.py test     the same setup, then every test
    python tools/course.py setup    only the setup (it installs again only when pyproject.toml,
                                    constraints.txt or jupyter/ changed)

It uses only Python's standard library, so it runs before anything is installed; `make` calls it too.
PyTorch: on Linux without an NVIDIA GPU, pip also reads PyTorch's CPU-only wheel index, so it installs the
CPU build (about 1.6 GB of environment in all) instead of PyPI's CUDA build (about 5 GB). Set RNN_LESSON_TORCH
to choose yourself: `default` (PyPI's build: CUDA on Linux), `cpu`, or an index URL such as
https://download.pytorch.org/whl/cu128. When `uv` is on PATH it installs (faster), unless RNN_LESSON_INSTALLER=pip
or pip's own PIP_* settings (which uv does not read) are set.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed"  # what the environment was installed from (a checksum of INPUTS and the torch index)
INPUTS = ("pyproject.toml", "constraints.txt", "jupyter/pyproject.toml", "jupyter/jupyter_lab_config.json",
          "jupyter/overrides.json")
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
TORCH_VARIABLE = "RNN_LESSON_TORCH"
FIRST_LESSON = "notebooks/01_input_shaping.ipynb"
PIP_SETTINGS = ("PIP_NO_INDEX", "PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_CONSTRAINT")


def has_nvidia_gpu() -> bool:
    """Whether this machine has an NVIDIA driver (its command-line tool, or the Linux driver's file)."""
    return shutil.which("nvidia-smi") is not None or Path("/proc/driver/nvidia/version").exists()


def torch_index(system: str, nvidia: bool, choice: str | None) -> str | None:
    """The extra index pip should read PyTorch from, or None for PyPI's own build.

    `system` is platform.system(); `choice` the value of RNN_LESSON_TORCH (None or "auto": decide here).
    PyPI's torch is the CPU build on macOS and Windows, and the CUDA build on Linux.
    """
    choice = (choice or "auto").strip()
    if choice == "auto":
        return CPU_INDEX if system == "Linux" and not nvidia else None
    if choice == "default":
        return None
    if choice == "cpu":
        return CPU_INDEX
    if choice.startswith(("https://", "http://", "file:")):
        return choice
    raise SystemExit(f"{TORCH_VARIABLE}: expected auto, cpu, default or the URL of a wheel index, got {choice!r}; "
                     f"e.g. {TORCH_VARIABLE}=default for PyPI's build of PyTorch.")


def reachable(url: str, seconds: float = 10) -> bool:
    """Whether the server at `url` answers at all (any HTTP status counts): one request, at most `seconds`."""
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=seconds).close()
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


def install_command(python: str, index: str | None, uv: str | None) -> list[str]:
    """The command that installs the course, its test tools, JupyterLab and the course's Jupyter settings."""
    course = ["-c", "constraints.txt", "--editable", ".[lab,test]", "./jupyter"]
    extra = ["--extra-index-url", index] if index else []
    if uv:  # uv takes a package from the first index that has it; let it pick the best match across them
        strategy = ["--index-strategy", "unsafe-best-match"] if index else []
        return [uv, "pip", "install", "--python", python, "--compile-bytecode", *strategy, *extra, *course]
    return [python, "-m", "pip", "install", "--quiet", *extra, *course]


def uv_to_use(environ: dict[str, str]) -> str | None:
    """uv's path when it should install: it is on PATH, and neither RNN_LESSON_INSTALLER=pip nor pip's own
    PIP_* settings (e.g. PIP_NO_INDEX and PIP_FIND_LINKS for a wheelhouse), which uv does not read, say otherwise."""
    if environ.get("RNN_LESSON_INSTALLER", "auto") == "pip" or any(name in environ for name in PIP_SETTINGS):
        return None
    return shutil.which("uv")


def venv_python(folder: Path = VENV) -> Path:
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def wanted_stamp(index: str | None) -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        digest.update((ROOT / name).read_bytes())
    return f"{digest.hexdigest()} torch-index={index or 'default'}\n"


def setup() -> Path:
    """Create .venv when missing and install the course when its inputs changed; return the venv's Python."""
    if sys.version_info < (3, 11):
        raise SystemExit(f"rnn-lesson needs Python 3.11 or newer, and this is {sys.version.split()[0]}; "
                         "run this script with a newer one (Windows: py -3.11 tools/course.py lab).")
    uv = uv_to_use(os.environ)
    python = venv_python()
    if not python.exists():
        print(f"creating {VENV}", flush=True)
        try:
            venv.create(VENV, with_pip=True)  # Python's own: works offline, whichever installer follows
        except (OSError, subprocess.CalledProcessError) as error:
            shutil.rmtree(VENV, ignore_errors=True)  # never leave half an environment for the next run
            raise SystemExit(f"could not create {VENV}: {error}") from None
    index = torch_index(platform.system(), has_nvidia_gpu(), os.environ.get(TORCH_VARIABLE))
    stamp = wanted_stamp(index)
    if STAMP.exists() and STAMP.read_text() == stamp:
        return python
    if index and "PIP_NO_INDEX" in os.environ:  # installing from a wheelhouse: no index is read at all
        index = None
    if index and not reachable(index):  # pip would try it for every package, waiting each time
        print(f"note: PyTorch's CPU-only index ({index}) can't be reached from here; PyTorch comes from wherever "
              f"{'uv' if uv else 'pip'} finds it (on Linux that can be PyPI's much larger CUDA build). Once the "
              f"index can be reached: make clean, then make lab (or delete .venv, then run this again).", flush=True)
        index = None
    source = f"PyTorch from {index}" if index else f"PyTorch where {'uv' if uv else 'pip'} finds it"
    print(f"installing the course into {VENV} with {'uv' if uv else 'pip'} (about a minute, 1.6 GB; {source}; "
          f"{TORCH_VARIABLE} changes that)", flush=True)
    try:
        subprocess.run(install_command(str(python), index, uv), cwd=ROOT, check=True)
    except subprocess.CalledProcessError:
        raise SystemExit(f"the install into {VENV} failed (its messages are above); fix what they say and run this "
                         f"again: it starts where it stopped.") from None
    STAMP.write_text(stamp)
    return python


def lab_command(python: Path, port: int, root: str, extra: list[str]) -> list[str]:
    """JupyterLab on 127.0.0.1 only, with a token, opening lesson 01 (root can't run it without --allow-root)."""
    as_root = ["--allow-root"] if hasattr(os, "getuid") and os.getuid() == 0 else []
    return [str(python), "-m", "jupyter", "lab", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            f"--ServerApp.root_dir={root}", f"--LabApp.default_url=/lab/tree/{FIRST_LESSON}", *as_root, *extra]


def pytest_command(python: Path) -> list[str]:
    """Every test on two workers; the two long runs (every notebook under nbval, JupyterLab in Chromium) first."""
    return [str(python), "-m", "pytest", "-n", "2", "--dist", "loadfile", "--no-loadscope-reorder", "-p", "no:nbval",
            "--durations=8", "tests/test_notebook_runs.py", "tests/test_jupyterlab.py", "tests"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/course.py", description=__doc__, allow_abbrev=False,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="Other arguments go on to jupyter lab (e.g. --no-browser) or to pytest "
                                            "(e.g. -k quiz). Run `lab` again to reopen the course later.")
    parser.add_argument("command", choices=["setup", "lab", "test"],
                        help="setup: .venv and the course; lab: setup, then JupyterLab; test: setup, then every test")
    parser.add_argument("--port", type=int, default=8888, help="JupyterLab's port (lab; default 8888)")
    parser.add_argument("--root", default=str(ROOT), help="the folder JupyterLab serves (lab; default: the course)")
    args, extra = parser.parse_known_args(argv)  # the rest goes to jupyter lab or pytest
    python = setup()
    if args.command == "setup":
        return 0
    if args.command == "lab":
        command = lab_command(python, args.port, args.root, extra)
    else:  # one thread per process: more only spin waiting on the other worker
        command, os.environ["OMP_NUM_THREADS"] = pytest_command(python) + extra, "1"
    process = subprocess.Popen(command, cwd=ROOT)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:  # Ctrl-C reached JupyterLab or pytest too (same terminal): they decide
            pass


if __name__ == "__main__":
    raise SystemExit(main())
