"""The room view: during a workshop, learners' kernels send their checks and quiz answers to the
instructor's machine, and a dashboard shows where the room is stuck.

- `client.py`   `join_room(...)`, `leave_room()`: a learner joins (opt-in), and the other lessons' kernels with them
- `sender.py`   the background thread that sends a joined kernel's answers, retrying while the room is away
- `events.py`   what a learner's kernel may send, checked strictly (pure)
- `store.py`    the instructor's SQLite file: learners and events, each event stored once
- `summary.py`  the dashboard's numbers from the events, and the CSV/JSON exports (pure)
- `server.py`   `python -m rnn_lesson room`: the Tornado app (events in, dashboard out)
- `merge.py`    `python -m rnn_lesson room merge exports/*.json`: the same view from progress exports
- `hub.py`      the room as a JupyterHub service (deploy/jupyterhub/): the hub's sign-in instead of code and token

Learner modules never import this package; the course's progress store only calls its listeners.
"""

from rnn_lesson.course.room.client import join_room, leave_room

__all__ = ["join_room", "leave_room"]
