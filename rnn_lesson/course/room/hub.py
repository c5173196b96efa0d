"""A room hosted by JupyterHub: the hub starts it as a service (deploy/jupyterhub/jupyterhub_config.py).

    python -m rnn_lesson.course.room.hub [--db room.sqlite3] [--schedule workshop] [--started HH:MM]

The same room as `python -m rnn_lesson room` (server.py), with the hub's sign-in in place of the join code
and the dashboard token:
- learners' kernels send their events with their own hub token (the room client sends $JUPYTERHUB_API_TOKEN
  when RNN_LESSON_ROOM carries no code); the room asks the hub whose token it is (HubAuth.user_for_token), and
  takes events from any hub user. No join code.
- the dashboard (/services/room/) is for the hub's admins: a browser signs in through the hub (OAuth, HubOAuth);
  a token in `Authorization: token ...` works too. A learner, signed in or with their token, gets 403.
Where to listen, the URL prefix and the room's own credentials come from the hub (JUPYTERHUB_SERVICE_URL,
JUPYTERHUB_SERVICE_PREFIX, JUPYTERHUB_API_TOKEN, JUPYTERHUB_API_URL, JUPYTERHUB_CLIENT_ID), which sets them for
the services it starts. Needs the `jupyterhub` package (pip install jupyterhub).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.web
from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated

from rnn_lesson.course.room import server, store, summary
from rnn_lesson.course.room.events import MAX_BODY

FROM_THE_HUB = ("JUPYTERHUB_SERVICE_URL", "JUPYTERHUB_SERVICE_PREFIX", "JUPYTERHUB_API_TOKEN", "JUPYTERHUB_API_URL",
                "JUPYTERHUB_CLIENT_ID")


async def hub_learner(handler: tornado.web.RequestHandler) -> bool:
    """A learner may send events when their bearer credential is a token the hub knows for one of its users."""
    token = server.bearer(handler)
    user = await HubOAuth.instance().user_for_token(token, sync=False) if token else None
    return user is not None and user.get("kind") == "user"


class HubAdmins(HubOAuthenticated):
    """The dashboard's check in a hosted room, in place of the token: a hub admin with access to this service.
    A browser without a sign-in goes through the hub's OAuth (and comes back signed in); an API client gets 401.
    The page's own requests (api/summary) are signed in by cookie, which the hub's rules accept only with its
    anti-forgery token: the page sends the _xsrf cookie back as an X-XSRFToken header (dashboard.js)."""

    async def prepare(self) -> None:
        user = await self.hub_auth.get_user(self, sync=False)
        if user is None and self.page:
            return self.redirect(self.get_login_url())
        if user is None:
            return self.refuse(401, f"expected a hub admin's sign-in: open {self.hub_auth.base_url} in a browser "
                                    "signed in to the hub, or send an admin's hub token (Authorization: token ...)")
        if not (user.get("admin") and self.hub_auth.check_scopes(self.hub_auth.access_scopes, user)):
            return self.refuse(403, f"{user['name']!r} is not an admin of this hub (or the token has no access to "
                                    "the room); the dashboard is for the hub's admins: c.Authenticator.admin_users")
        if self.page:
            self.xsrf_token  # noqa: B018 (sets the _xsrf cookie for the page's requests, or renews it)


class HubPage(HubAdmins, server.PageHandler):
    """The dashboard page, for hub admins."""


class HubData(HubAdmins, server.DataHandler):
    """api/summary, export.csv and export.json, for hub admins."""


def make_hub_app(db: Path, prefix: str, schedule: str, started: datetime, cookie_secret: str) -> tornado.web.Application:
    """The room's app under the hub's `prefix` (e.g. /services/room/), with the hub's checks and OAuth callback."""
    unused = secrets.token_urlsafe(32)  # no join code, no dashboard token: the hub's sign-in stands for both
    app = server.make_app(db, "", unused, schedule, started, learner_auth=hub_learner, prefix=prefix, page=HubPage,
                          data=HubData)
    app.add_handlers(r".*", [(f"{prefix}oauth_callback", HubOAuthCallbackHandler)])
    app.settings["cookie_secret"] = cookie_secret  # HubOAuth keeps the admin's sign-in in a signed cookie
    return app


def parser() -> argparse.ArgumentParser:
    hub = argparse.ArgumentParser(prog="python -m rnn_lesson.course.room.hub", description="Serve the room as a "
                                  "JupyterHub service; the hub starts it (deploy/jupyterhub/jupyterhub_config.py).")
    server.add_room_options(hub)
    return hub


def main(argv: list[str]) -> int:
    """Serve the room where the hub says, until the hub stops it."""
    args = parser().parse_args(argv)
    missing = [name for name in FROM_THE_HUB if not os.environ.get(name)]
    if missing:
        print(f"not started: expected JupyterHub to start this as its service, which sets {', '.join(missing)}; "
              "add the room to c.JupyterHub.services (deploy/jupyterhub/jupyterhub_config.py). On laptops without "
              "a hub: python -m rnn_lesson room")
        return 2
    address = urlsplit(os.environ["JUPYTERHUB_SERVICE_URL"])
    prefix = "/" + os.environ["JUPYTERHUB_SERVICE_PREFIX"].strip("/") + "/"
    db = Path(args.db).expanduser().resolve()
    try:
        held, started, schedule = store.serve(db, args.started, args.schedule)  # `held`: kept while the room serves
    except store.NotARoomFile as error:
        print(f"not started: {error}")
        return 1
    cookie_secret = store.setting(db, "hub_cookie_secret", secrets.token_hex(32))  # admins stay signed in on restart
    summary.course_items()  # read the lessons' items now rather than on the dashboard's first request
    app = make_hub_app(db, prefix, schedule, started, cookie_secret)
    http = tornado.httpserver.HTTPServer(app, max_body_size=4 * MAX_BODY, idle_connection_timeout=120, body_timeout=30)
    http.listen(address.port or 80, address.hostname or "127.0.0.1")
    server.serve_until_stopped(db, f"Room serving JupyterHub at {address.geturl()}{prefix} (events kept in {db}; "
                                   f"schedule {schedule}). Hub admins open the dashboard at the hub's {prefix}; "
                                   "learners' kernels join through RNN_LESSON_ROOM.")
    held.release()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
