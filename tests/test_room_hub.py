"""The room hosted by JupyterHub (deploy/jupyterhub/): the hub from that config, on loopback with its proxy
(configurable-http-proxy) and the shared-password sign-in; three learners sign in, start their servers and run
lesson 01's checks and quiz in a kernel there; the room, a hub-managed service, shows them to the admin, who signs
in through the hub (OAuth); no learner can read the dashboard. Slow; everything stops in a finally."""

import asyncio
import http.cookiejar
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rnn_lesson.course.paths import ROOT

pytestmark = pytest.mark.slow

CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
LOCAL_PROXY = ROOT / ".node" / "node_modules" / ".bin" / "configurable-http-proxy"  # .ci/run installs it there
LEARNERS = ("ann", "ben", "cat")
PASSWORD, ADMIN_PASSWORD = "learners-pass-1", "the-instructor-pass-" + "x" * 20
DRIVER = "test-driver-" + uuid.uuid4().hex  # the test's own hub service token: starts servers, makes tokens
SIGNED_IN = (200, "/hub/home")  # where the login form leads once the password is right
MUST_RUN = bool(os.environ.get("CI")) or os.environ.get("RNN_LESSON_HUB_TEST") == "required"
SETUP = ("import os\nfrom rnn_lesson import load_dataset\nfrom rnn_lesson.course.exercises import lesson01 as ex\n"
         "from rnn_lesson.course.quiz import show_quiz\nx, y = load_dataset()\nquiz = show_quiz('01_input_shaping')\n"
         "question = quiz.views[0]  # (L, N, H_in) without batch_first: the answer is (10, 1000, 5)\n")
WORK = {  # lesson 01's first exercise and first quiz question, as each learner answers them
    "ann": "ex.q1.check(x)\nex.q1.check(x.transpose(0, 1))\nquestion.input.value = '(10, 1000, 5)'\nquestion.check()\n",
    "ben": "ex.q1.check(x.view(10, 1000, 5))\nquestion.input.value = '(1000, 10, 5)'\nquestion.check()\n",
    "cat": "ex.q1.check(x.permute(1, 0, 2))\n",
}
EXPECTED = {"ex.q1": (2, 1, 0),  # solved by ann and cat, tried by ben
            "01-layout-default": (1, 1, 1)}  # ann right, ben wrong, cat never answered


def hub_missing() -> str | None:
    """Why the hub can't start here, or None: JupyterHub (the test extra) and its proxy (npm) are needed."""
    if importlib.util.find_spec("jupyterhub") is None:
        return "jupyterhub is not installed (pip install -e '.[test]')"
    if not (LOCAL_PROXY.exists() or shutil.which("configurable-http-proxy")):
        return (f"configurable-http-proxy not found (npm install --prefix {ROOT / '.node'} "
                "configurable-http-proxy@5.1.0, as .ci/run does)")
    return None


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class Client:
    """One person's HTTP client for the hub: their own cookies (a browser), redirects followed."""

    def __init__(self, base: str):
        self.base, self.jar = base, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                                  urllib.request.HTTPCookieProcessor(self.jar))

    def call(self, path: str, method: str = "GET", body: dict | None = None, token: str | None = None,
             form: dict | None = None, headers: dict | None = None) -> tuple[int, str, bytes]:
        """(status, final URL, body) for one request; an HTTP error status is returned, not raised."""
        data = json.dumps(body).encode() if body is not None else urllib.parse.urlencode(form).encode() if form else None
        headers = {**(headers or {}), **({"Authorization": f"token {token}"} if token else {})}
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        try:
            with self.opener.open(request, timeout=60) as reply:
                return reply.status, reply.url, reply.read()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read()

    def sign_in(self, name: str, password: str) -> tuple[int, str]:
        """The hub's login form, as a browser fills it in (with its _xsrf field): the status and path it ends on."""
        page = self.call("/hub/login")[2].decode()
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
        status, url, _ = self.call("/hub/login?next=%2Fhub%2Fhome", "POST",
                                   form={"username": name, "password": password, "_xsrf": xsrf})
        return status, urllib.parse.urlsplit(url).path


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """The hub from deploy/jupyterhub/jupyterhub_config.py, with the test's ports, users and service token."""
    if reason := hub_missing():
        if MUST_RUN:
            pytest.fail(f"CI must run the JupyterHub test, but {reason}")
        pytest.skip(reason)
    import psutil  # ipykernel's dependency: finds every process the hub started, to stop them all

    folder = tmp_path_factory.mktemp("hub")
    public, hub_api, proxy_api, room = free_ports(4)
    (folder / "test_config.py").write_text(f"""
c = get_config()
load_subconfig({str(CONFIG)!r})
c.JupyterHub.bind_url = "http://127.0.0.1:{public}"
c.JupyterHub.hub_port = {hub_api}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api}"
c.Authenticator.allow_all = False
c.Authenticator.allowed_users = {set(LEARNERS)!r}
c.Spawner.start_timeout = 120
c.Spawner.args = {["--allow-root"] if os.getuid() == 0 else []!r}  # CI's containers run as root
c.JupyterHub.services.append({{"name": "test-driver", "api_token": {DRIVER!r}}})
c.JupyterHub.load_roles = [{{"name": "test-driver", "scopes": ["admin:users", "admin:servers", "tokens"],
                            "services": ["test-driver"]}}]
""")
    env = {**os.environ, "RNN_LESSON_HUB_PASSWORD": PASSWORD, "RNN_LESSON_HUB_ADMIN_PASSWORD": ADMIN_PASSWORD,
           "RNN_LESSON_ROOM_PORT": str(room)}  # the config finds the proxy in .node/ or on PATH
    log = folder / "hub.log"
    with open(log, "wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(folder / "test_config.py")],
                                   cwd=folder, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{public}"
        wait_for(lambda: Client(base).call("/services/room/api/summary")[0] == 401, process, log, "the hub and room")
        yield base, folder, log
    finally:
        try:  # what the hub started: its proxy, the room, the learners' servers and their kernels
            started = psutil.Process(process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            started = []
        try:
            os.killpg(process.pid, signal.SIGTERM)  # the hub stops the learners' servers and the room, then itself
            process.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        for child in started:  # anything the hub left running (servers and kernels have sessions of their own)
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass
        print("The hub's log, last lines (pytest shows them when a test fails):\n" + log.read_text(errors="replace")[-6000:])


def wait_for(ready, process: subprocess.Popen, log: Path, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if ready():
                return
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            pytest.fail(f"{what} did not start in {seconds} s:\n" + log.read_text(errors="replace")[-3000:])
        time.sleep(0.3)


def api(base: str, path: str, method: str = "GET", body: dict | None = None, token: str = DRIVER) -> dict:
    status, _, reply = Client(base).call(path, method, body if body is not None else {} if method == "POST" else None,
                                         token)
    assert status < 300, f"{method} {path}: expected success, got {status}: {reply[:500]!r}"
    return json.loads(reply) if reply else {}


async def run_in_kernel(base: str, user: str, token: str, code: str) -> str:
    """Start a kernel in `user`'s server (REST), run `code` over its websocket, return what it printed and
    displayed; fail with the traceback if it raised."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    kernel = api(base, f"/user/{user}/api/kernels", "POST", {"name": "python3"}, token)["id"]
    url = base.replace("http", "ws", 1) + f"/user/{user}/api/kernels/{kernel}/channels"
    socket_ = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"}),
                                      max_message_size=64 * 2**20)
    msg_id = uuid.uuid4().hex
    socket_.write_message(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": user, "session": uuid.uuid4().hex,
                   "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}}))
    printed, finished, done = [], set(), asyncio.get_running_loop().time() + 120
    try:
        while finished != {"reply", "idle"}:  # the shell's reply and the output's end may come in either order
            raw = await asyncio.wait_for(socket_.read_message(), done - asyncio.get_running_loop().time())
            assert raw is not None, f"{user}'s kernel closed its websocket:\n" + "".join(printed)
            message = json.loads(raw)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                printed.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                printed.append(content["data"].get("text/plain", "") + "\n")
            elif kind == "error":
                pytest.fail(f"{user}'s kernel raised:\n" + "\n".join(content["traceback"]) + "\n" + "".join(printed))
            elif kind == "execute_reply":
                assert content["status"] == "ok", f"{user}'s kernel: {content}\n" + "".join(printed)
                finished.add("reply")
            elif kind == "status" and content["execution_state"] == "idle":
                finished.add("idle")
        return "".join(printed)
    finally:
        socket_.close()


def start_server(base: str, name: str, tries: int = 3) -> None:
    """Start `name`'s server, as "Start My Server" does. The spawner picks a free port and the server binds it a
    moment later; on a busy machine another process can take it first ("The port ... is already in use"), the server
    exits and the hub answers 500. A learner clicks again; so does this, at most `tries` times in all."""
    for attempt in range(1, tries + 1):
        status, _, reply = Client(base).call(f"/hub/api/users/{name}/server", "POST", {}, DRIVER)
        if status < 300 or attempt == tries:
            assert status < 300, f"POST /hub/api/users/{name}/server: expected success, got {status}: {reply[:500]!r}"
            return
        deadline = time.monotonic() + 30
        while api(base, f"/hub/api/users/{name}").get("pending"):  # the failed start is cleaned up first
            assert time.monotonic() < deadline, f"{name}'s failed start was still pending after 30 s"
            time.sleep(0.5)


def learner_works(base: str, name: str) -> tuple[str, str]:
    """`name` signs in, starts their server and does lesson 01's work there: (what the kernel printed, its token)."""
    assert Client(base).sign_in(name, PASSWORD) == SIGNED_IN, f"{name} could not sign in with the learners' password"
    start_server(base, name)
    deadline = time.monotonic() + 120
    while not api(base, f"/hub/api/users/{name}").get("servers", {}).get("", {}).get("ready"):
        assert time.monotonic() < deadline, f"{name}'s server was not ready in 120 s"
        time.sleep(0.5)
    token = api(base, f"/hub/api/users/{name}/tokens", "POST", {"expires_in": 900, "note": "test_room_hub"})["token"]
    code = SETUP + WORK[name] + "print('kernel token:', os.environ['JUPYTERHUB_API_TOKEN'])\n"
    return asyncio.run(run_in_kernel(base, name, token, code)), token


def summary_when(admin: Client, ready, seconds: float = 30) -> dict:
    """The room's /api/summary, read as the admin, once `ready(summary)` holds (events arrive in the background)."""
    deadline = time.monotonic() + seconds
    while True:
        status, _, body = admin.call("/services/room/api/summary")
        assert status == 200, f"the admin could not read the summary: {status} {body[:300]!r}"
        numbers = json.loads(body)
        if ready(numbers) or time.monotonic() > deadline:
            return numbers
        time.sleep(0.5)


def counts(numbers: dict) -> dict:
    """Lesson 01's first exercise and quiz question in the room's summary: how many solved, tried, not started."""
    lesson = next(l for l in numbers["lessons"] if l["notebook"] == "01_input_shaping")
    return {i["item"]: (i["solved"], i["tried"], i["not_started"]) for i in lesson["items"] if i["item"] in EXPECTED}


def test_three_learners_on_the_hub_show_in_the_room_and_only_the_admin_sees_it(hub):
    base, folder, _ = hub
    assert Client(base).sign_in("ann", "not-the-password")[0] == 403, "a wrong password must be refused"
    assert Client(base).sign_in("teacher", PASSWORD)[0] == 403, "the admin must need the admin password"
    with ThreadPoolExecutor(len(LEARNERS)) as pool:
        done = dict(zip(LEARNERS, pool.map(lambda name: learner_works(base, name), LEARNERS)))
    for name, (printed, _) in done.items():
        assert f"to the room at http://127.0.0.1:" in printed and f"as {name!r} (RNN_LESSON_ROOM is set)" in printed
        assert "did not accept" not in printed and "not reachable" not in printed, printed
        assert (folder / "homes" / name / "rnn-lesson" / "notebooks" / "01_input_shaping.ipynb").exists()

    admin = Client(base)
    assert admin.sign_in("teacher", ADMIN_PASSWORD) == SIGNED_IN
    status, url, page = admin.call("/services/room/")  # OAuth through the hub, then back signed in
    assert status == 200 and url == f"{base}/services/room/" and b"<html" in page.lower(), (status, url)
    numbers = summary_when(admin, lambda n: counts(n) == EXPECTED)  # events arrive in the background
    assert numbers["room"]["learners"] == 3, numbers["room"]
    assert counts(numbers) == EXPECTED
    assert any("scrambled" in m["message"] for m in numbers["misconceptions"]), numbers["misconceptions"]
    # The page's own request, as a browser sends it: the sign-in cookie counts only with the _xsrf token beside it
    fetch = {"Sec-Fetch-Mode": "cors", "Sec-Fetch-Site": "same-origin"}
    assert admin.call("/services/room/api/summary", headers=fetch)[0] == 401
    xsrf = next(cookie.value for cookie in admin.jar if cookie.name == "_xsrf" and cookie.path == "/services/room/")
    assert admin.call("/services/room/api/summary", headers={**fetch, "X-XSRFToken": xsrf})[0] == 200
    teacher = api(base, "/hub/api/users/teacher/tokens", "POST", {"expires_in": 900, "note": "test_room_hub"})["token"]
    assert Client(base).call("/services/room/api/summary", token=teacher)[0] == 200  # an admin's token, no browser
    export = json.loads(admin.call("/services/room/export.json")[2])
    assert sorted(l["name"] for l in export["learners"]) == list(LEARNERS)  # their hub user names
    assert len(export["events"]) == 6  # ann 3, ben 2, cat 1: each counted once

    printed, user_token = done["ann"]
    kernel_token = re.search(r"kernel token: (\S+)", printed).group(1)
    for token in (user_token, kernel_token):  # a learner's own hub token, and the one their kernel has
        status, _, body = Client(base).call("/services/room/api/summary", token=token)
        assert status == 403 and b"not an admin" in body, (status, body[:300])
        assert Client(base).call("/services/room/export.json", token=token)[0] == 403
    learner = Client(base)
    assert learner.sign_in("ben", PASSWORD) == SIGNED_IN
    status, _, body = learner.call("/services/room/")  # signed in to the hub, sent through its OAuth
    assert status == 403 and b"Room view" not in body, (status, body[:300])
    assert learner.call("/services/room/api/summary")[0] == 401
    assert Client(base).call("/services/room/api/summary")[0] == 401
    for credential in ("Bearer not-a-hub-token", ""):  # events need a hub user's token
        request = urllib.request.Request(f"{base}/services/room/api/events", b'{"learner": {}, "events": []}',
                                         {"Authorization": credential, "Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30)
        assert refused.value.code == 401


@pytest.mark.browser
def test_the_admin_watches_the_dashboard_in_chromium_after_signing_in_to_the_hub(hub, chromium):
    """The page itself, as the instructor opens it: the hub's login form, then /services/room/ through the hub's
    OAuth; the page's requests for api/summary carry the hub's anti-forgery token, so it goes live."""
    base, _, _ = hub
    admin = Client(base)
    assert admin.sign_in("teacher", ADMIN_PASSWORD) == SIGNED_IN
    assert admin.call("/services/room/")[0] == 200
    learners = json.loads(admin.call("/services/room/api/summary")[2])["room"]["learners"]
    from playwright.sync_api import expect

    page = chromium.new_page()
    try:
        page.goto(f"{base}/hub/login?next=%2Fservices%2Froom%2F")
        page.fill("#username_input", "teacher")
        page.fill("#password_input", ADMIN_PASSWORD)
        page.click("#login_submit")
        page.wait_for_url(f"{base}/services/room/", timeout=30_000)
        expect(page.locator("#status")).to_contain_text("Live", timeout=15_000)  # (the page's CSP forbids eval)
        assert page.text_content("#learners") == str(learners) and page.locator("#offline").is_hidden()
    finally:
        page.close()
