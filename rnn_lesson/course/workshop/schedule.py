"""The instructor guide's schedules as data: minutes per block, in order, for the room's pace.

instructor/GUIDE.md shows each schedule as a table (clock, minutes, what); a test checks that its
tables and these agree, so change both together. A block with a lesson number is that lesson's
time; the others are welcome, breaks, lunch and the wrap-up. `start_time` reads the instructor's
`--started HH:MM` for the room (room/server.py, room/hub.py).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import datetime, timezone


@dataclass(frozen=True)
class Block:
    """One row of a schedule: how long it lasts, which lesson it is ("" for none) and what happens."""

    minutes: int
    lesson: str
    what: str


SCHEDULES: dict[str, tuple[Block, ...]] = {
    "workshop": (Block(10, "", "welcome"), Block(30, "01", "Shaping"), Block(40, "02", "The RNN layer"),
                 Block(10, "", "break"), Block(40, "03", "Training"), Block(15, "04", "Prediction"),
                 Block(5, "", "wrap-up")),
    "short": (Block(5, "", "welcome"), Block(20, "01", "Shaping"), Block(30, "02", "The RNN layer"),
              Block(25, "03", "Training"), Block(10, "04", "Prediction and wrap-up")),
    "day": (Block(15, "", "welcome"), Block(35, "01", "Shaping"), Block(45, "02", "The RNN layer"),
            Block(15, "", "break"), Block(45, "03", "Training"), Block(35, "04", "Prediction"),
            Block(60, "", "lunch"), Block(40, "05", "Beyond the plain RNN"), Block(50, "06", "Predict at every step"),
            Block(15, "", "break"), Block(45, "07", "Your own sequences"), Block(20, "", "wrap-up")),
}
GUIDE_HEADINGS = {"workshop": "Schedule: 2.5-hour workshop", "short": "Schedule: 90-minute cut",
                  "day": "Schedule: a full day (lessons 01–07)"}
GUIDE_START = {"workshop": "0:00", "short": "0:00", "day": "9:00"}  # the clock of each table's first row


def lesson_times(name: str) -> list[dict]:
    """The lessons of a schedule with their minutes from the start: [{"number": "01", "start": 10, "end": 40}, ...]."""
    if name not in SCHEDULES:
        raise ValueError(f"schedule: expected one of {', '.join(SCHEDULES)}, got {name!r}")
    times, start = [], 0
    for block in SCHEDULES[name]:
        if block.lesson:
            times.append({"number": block.lesson, "start": start, "end": start + block.minutes})
        start += block.minutes
    return times


def start_time(hh_mm: str) -> datetime:
    """Today at HH:MM, this machine's local time, in UTC: the instructor's --started."""
    try:
        clock = datetime.strptime(hh_mm, "%H:%M").time()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected the time the workshop started as HH:MM, e.g. 09:30; got {hh_mm!r}")
    return datetime.combine(datetime.now().date(), clock).astimezone(timezone.utc)
