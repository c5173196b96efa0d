"""A plain `jupyter lab`, started by hand from the course's environment, stays offline.

The settings live in the environment (jupyter/, installed by `make` and environment.yml), not in
`make lab`'s command line, so this starts JupyterLab with no course flags at all: only a port, a
token and no browser (and --allow-root where the tests run as root), with empty user folders so
that nothing but the environment's own configuration counts. Every Python process it starts
runs an audit hook (Python's `sys.addaudithook`, through a sitecustomize on PYTHONPATH) that
writes down every network connection and name lookup; Chromium loads JupyterLab and lesson 01
and records every request. Nothing may leave 127.0.0.1.
"""

import json
import os
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest

from rnn_lesson.course.paths import ROOT
from test_jupyterlab import CHROMIUM, CHROMIUM_ARGS, free_port, require_browser, wait_for_server

pytestmark = pytest.mark.slow
LOOPBACK = ("127.0.0.1", "::1", "localhost", "0.0.0.0")
TOKEN = "offline-test-token"

AUDIT = textwrap.dedent("""
    # Written by tests/test_offline_lab.py: record every connection and name lookup this process makes.
    import os, sys

    def _record(event, args, _log=os.environ["RNN_LESSON_NETWORK_LOG"]):
        if event == "socket.connect" and isinstance(args[1], tuple):
            target = str(args[1][0])
        elif event == "socket.getaddrinfo":
            target = str(args[0])
        else:
            return
        with open(_log, "a") as log:
            log.write(f"{os.getpid()} {event} {target}\\n")

    sys.addaudithook(_record)
""")


@pytest.fixture(scope="module")
def plain_lab(tmp_path_factory):
    base = tmp_path_factory.mktemp("plain-lab")
    (base / "hook").mkdir()
    (base / "hook" / "sitecustomize.py").write_text(AUDIT)
    network_log = base / "network.log"
    env = dict(os.environ, PYTHONPATH=str(base / "hook"), RNN_LESSON_NETWORK_LOG=str(network_log),
               JUPYTER_CONFIG_DIR=str(base / "config"), JUPYTER_RUNTIME_DIR=str(base / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(base / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"))
    port = free_port()
    command = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--port={port}",
               f"--IdentityProvider.token={TOKEN}"] + (["--allow-root"] if os.geteuid() == 0 else [])
    log = base / "lab.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for_server(port, TOKEN, server, log)
        yield f"http://127.0.0.1:{port}", network_log, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def outside_requests(network_log: Path) -> list[str]:
    lines = network_log.read_text().splitlines() if network_log.exists() else []
    return [line for line in lines if line.split()[-1] not in LOOPBACK]


def test_the_environment_turns_news_updates_and_the_extension_manager_off(plain_lab):
    url, _, _ = plain_lab
    signed_in = {"Authorization": f"token {TOKEN}"}
    with urllib.request.urlopen(urllib.request.Request(f"{url}/lab", headers=signed_in), timeout=10) as response:
        page = response.read().decode()
    config = json.loads(page.split('id="jupyter-config-data" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert config["news"] == {"disabled": True}
    assert config["extensionManager"]["name"] == "read-only"


def test_no_request_leaves_127_0_0_1(plain_lab):
    require_browser()
    from playwright.sync_api import sync_playwright

    url, network_log, log = plain_lab
    requested = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{url}/lab/tree/notebooks/01_input_shaping.ipynb?token={TOKEN}&reset")
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
        page.wait_for_timeout(3000)  # time for anything JupyterLab fetches a moment after start
        browser.close()
    for endpoint in ("lab/api/news", "lab/api/update", "lab/api/extensions?query=widgets"):
        # what the page asks for when a learner's settings allow it: the server must not go out for them
        request = urllib.request.Request(f"{url}/{endpoint}", headers={"Authorization": f"token {TOKEN}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
    hosts = {urllib.request.urlparse(u).hostname for u in requested if u.startswith("http")}
    assert requested and hosts == {"127.0.0.1"}, sorted(hosts)
    assert outside_requests(network_log) == [], outside_requests(network_log)
    assert network_log.exists(), "the audit hook recorded nothing: it did not run"
    assert "[E " not in log.read_text(), log.read_text()[-2000:]
