"""The room under a workshop's load, on loopback: 40 learners sending 20 events each, all at once, one
request per event (as a kernel sends them while a lesson runs). Nothing may be lost or counted twice;
the latencies are printed (run with -s to see them) and bounded generously. Stops by itself: every
request has a timeout and the whole run a deadline."""

import json
import statistics
import threading
import time
import uuid

from test_room_server import CODE, TOKEN, batch, event, post, read, running_room

LEARNERS, EVENTS_EACH, DEADLINE_S = 40, 20, 60


def run_all(jobs: list, deadline: float) -> None:
    """Run each job in its own thread, released together; fail if any is still running at the deadline."""
    start = threading.Barrier(len(jobs))
    threads = [threading.Thread(target=lambda job=job: (start.wait(timeout=30), job()), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.1, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "the load did not finish within the deadline"


def test_forty_learners_sending_at_once_lose_nothing(tmp_path):
    deadline = time.monotonic() + DEADLINE_S
    learners = [uuid.uuid4().hex for _ in range(LEARNERS)]
    sent = {lid: [event(f"ex.q{1 + n % 3}", "correct" if n % 4 == 3 else "incorrect") for n in range(EVENTS_EACH)]
            for lid in learners}
    latencies, answers, lock = [], [], threading.Lock()

    def learner(lid: str) -> None:
        for index, one in enumerate(sent[lid]):
            began = time.perf_counter()
            status, _, body = post(url, batch([one], f"learner-{learners.index(lid)}", lid))
            with lock:
                latencies.append(time.perf_counter() - began)
                answers.append((status, json.loads(body)))

    def resend(lid: str) -> None:
        status, _, body = post(url, batch(sent[lid], f"learner-{learners.index(lid)}", lid))
        with lock:
            answers.append((status, json.loads(body)))

    with running_room(tmp_path / "room.sqlite3", "--code", CODE, "--token", TOKEN) as (url, _):
        began = time.perf_counter()
        run_all([lambda lid=lid: learner(lid) for lid in learners], deadline)
        wall = time.perf_counter() - began
        assert answers == [(200, {"stored": 1, "duplicates": 0})] * (LEARNERS * EVENTS_EACH)
        answers.clear()
        run_all([lambda lid=lid: resend(lid) for lid in learners], deadline)  # every kernel re-sends all at once
        assert answers == [(200, {"stored": 0, "duplicates": EVENTS_EACH})] * LEARNERS
        summary_began = time.perf_counter()
        numbers = json.loads(read(url)[2])
        summary_s = time.perf_counter() - summary_began
        rows = read(url, "/export.csv")[2].splitlines()

    assert len(rows) == 1 + LEARNERS * EVENTS_EACH
    assert {row.split(",")[-1] for row in rows[1:]} == {e["event_id"] for events in sent.values() for e in events}
    assert numbers["room"]["learners"] == LEARNERS
    exercises = {i["item"]: i for i in numbers["lessons"][0]["items"] if i["kind"] == "exercise"}
    assert (exercises["ex.q3"]["solved"], exercises["ex.q1"]["solved"], exercises["ex.q1"]["tried"]) == (
        LEARNERS, LEARNERS, 0)  # event 3 (ex.q1), 11 (ex.q3), ... are the correct ones
    p50, p95 = statistics.median(latencies), statistics.quantiles(latencies, n=20)[-1]
    print(f"\nroom load: {LEARNERS} learners x {EVENTS_EACH} events, one request each, all at once: "
          f"{len(latencies)} requests in {wall:.2f} s ({len(latencies) / wall:.0f}/s); "
          f"latency p50 {p50 * 1000:.1f} ms, "
          f"p95 {p95 * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms; summary of {len(rows) - 1} events "
          f"{summary_s * 1000:.0f} ms")
    assert p95 < 5.0
