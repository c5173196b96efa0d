"""JupyterHub for the rnn-lesson course: each learner gets JupyterLab on their own copy of the lessons, with the
course's environment, and their checks and quiz answers go to the room, which the hub runs as a service.
The instructor, a hub admin, watches the room at /services/room/. See README.md beside this file.

Run from an empty folder, which then holds the hub's files (jupyterhub.sqlite, jupyterhub_cookie_secret), the room's
(room.sqlite3) and the learners' folders (homes/NAME):

    RNN_LESSON_HUB_PASSWORD=... RNN_LESSON_HUB_ADMIN_PASSWORD=... \\
        /path/to/rnn-lesson/.venv/bin/jupyterhub -f /path/to/rnn-lesson/deploy/jupyterhub/jupyterhub_config.py

As written it is for trying on one machine: every learner's server runs as the hub's own Unix user (no isolation),
with one shared password. The comments marked "Production" say what to change for a real room.
"""

import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub defines get_config when it reads this file)

COURSE = Path(__file__).resolve().parents[2]  # this file is deploy/jupyterhub/ in the course folder
BIN = Path(sys.executable).parent  # the hub runs from the course's .venv, and so do learners' servers and kernels
HERE = Path.cwd()  # the folder the hub was started from: its files, the room's and the learners' folders
ROOM_PORT = int(os.environ.get("RNN_LESSON_ROOM_PORT", "8765"))  # another one if 8765 is taken on this machine
ROOM_URL = f"http://127.0.0.1:{ROOM_PORT}"

# The hub: local only. Production: listen on the network behind HTTPS, e.g. c.JupyterHub.bind_url =
# "https://0.0.0.0:443" with c.JupyterHub.ssl_cert and ssl_key, or behind a reverse proxy (nginx, Caddy) that does TLS.
c.JupyterHub.bind_url = "http://127.0.0.1:8000"
LOCAL_PROXY = COURSE / ".node" / "node_modules" / ".bin" / "configurable-http-proxy"
if LOCAL_PROXY.exists():  # installed without sudo: npm install --prefix .node configurable-http-proxy (README.md)
    c.ConfigurableHTTPProxy.command = [str(LOCAL_PROXY)]

# Who may sign in. To try it: JupyterHub's shared-password sign-in, one password for the learners (any user name)
# and another, of at least 32 characters, for the admins below. Production: your institution's sign-in, e.g.
# oauthenticator's GitHubOAuthenticator or GenericOAuthenticator (OpenID Connect), ldapauthenticator, or
# NativeAuthenticator (learners sign up, an admin approves); and c.Authenticator.allowed_users (or the
# authenticator's allowed groups or organisations) in place of allow_all.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ.get("RNN_LESSON_HUB_PASSWORD")
c.SharedPasswordAuthenticator.admin_password = os.environ.get("RNN_LESSON_HUB_ADMIN_PASSWORD")
if not (c.SharedPasswordAuthenticator.user_password and c.SharedPasswordAuthenticator.admin_password):
    sys.exit("not started: set RNN_LESSON_HUB_PASSWORD (the learners' password, 8 characters or more) and "
             "RNN_LESSON_HUB_ADMIN_PASSWORD (the instructor's, 32 or more), or configure another authenticator")
c.Authenticator.allow_all = True  # with the shared password, any user name; production: allowed users or groups
c.Authenticator.admin_users = {"teacher"}  # the instructor's hub user name: admins open the room's dashboard

# Each learner's server. To try it: SimpleLocalProcessSpawner, every server a process of the hub's Unix user, in
# homes/NAME here. Production: SystemdSpawner (one machine; each learner a Unix user with memory and CPU limits),
# DockerSpawner (a container per learner from an image with this course installed), or KubeSpawner (Zero to
# JupyterHub, for rooms larger than one machine). Give each learner 2 GB of memory (torch) and a core or two.
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = str(HERE / "homes" / "{username}")
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]  # the course's environment: its Python, torch, JupyterLab
c.Spawner.http_timeout = 60


LESSONS = ("notebooks/*.ipynb", "notebooks/*.md", "data/*.md")  # the lessons, the cheat sheet, the data cards


def copy_lessons(spawner) -> None:
    """Each learner works in their own copy of the lessons, in their home folder: a file is copied when it is
    missing, never over one that is there. Their edits and outputs survive a restart, no learner writes over
    another's notebook, and the course folder stays as shipped. To start a lesson afresh, a learner renames their
    copy and restarts their server (File > Hub Control Panel). Production: a hook like this one for your spawner
    (SystemdSpawner: into the learner's home, owned by them), or an image with the notebooks (DockerSpawner)."""
    home = Path(spawner.home_dir) / "rnn-lesson"
    for pattern in LESSONS:
        for source in sorted(COURSE.glob(pattern)):
            target = home / source.relative_to(COURSE)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)


c.Spawner.pre_spawn_hook = copy_lessons
c.Spawner.notebook_dir = "~/rnn-lesson"
c.Spawner.default_url = "/lab/tree/notebooks/01_input_shaping.ipynb"  # JupyterLab, opening the first lesson
# Learners' kernels join the room on their first check or quiz answer, with their hub token and hub user name
# (no join code). The room is reached directly: servers here run on this machine. Production, with servers in
# containers or on other machines: an address of the room they can reach, e.g. the hub's public URL +
# /services/room (through the hub's proxy).
c.Spawner.environment = {"RNN_LESSON_ROOM": f"{ROOM_URL}/services/room"}

# The room, a service the hub starts and stops. It needs no role: it identifies a learner by asking the hub
# whose token came with their events (each token may identify its owner), and admins sign in through the hub
# (OAuth; the admin role's access:services lets them in, learners' roles do not).
c.JupyterHub.services = [{
    "name": "room",
    "url": ROOM_URL,
    "command": [sys.executable, "-m", "rnn_lesson.course.room.hub", "--db", str(HERE / "room.sqlite3")],
    "oauth_no_confirm": True,  # admins go straight to the dashboard, without the hub's "authorize" page
    "display": True,  # listed in the hub's Services menu, for those who may open it
}]
