"""The HTTP server bench/monitoring starts for its ingest row: the platform's app under uvicorn on 127.0.0.1.

Run by the bench, not by hand: ``python -m bench.monitoring_server --url URL --port PORT --start-ms MS``.

Two things differ from ``yingji serve``, both for the stream the bench replays minutes of in seconds: the server's
clock follows the stream (1 s after the newest reading decoded, as the in-process full-path row sets it), so
minutes close as they would live; and two bench routes: ``POST /bench/ready`` loads the engine (a million points take
tens of seconds, not part of the measure) and ``POST /bench/flush`` closes the last minutes as the worker's round
would. No background worker runs.
"""

from __future__ import annotations

import argparse
import threading
from datetime import UTC, datetime
from typing import Any

import uvicorn
from fastapi import FastAPI

from yingji.app import create_app
from yingji.db.session import make_engine
from yingji.monitoring import ingest, readings
from yingji.monitoring.engine import MonitoringEngine
from yingji.rules.thresholds import warm_up


class FollowingClock:
    """Now is 1 s after the newest reading decoded so far (never earlier than the start)."""

    def __init__(self, start_ms: int) -> None:
        self.at_ms = start_ms
        self._lock = threading.Lock()

    def follow(self, newest_ms: int) -> None:
        with self._lock:
            self.at_ms = max(self.at_ms, newest_ms + 1000)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.at_ms / 1000, tz=UTC)


def build(url: str, start_ms: int) -> FastAPI:
    clock = FollowingClock(start_ms)
    app = create_app(make_engine(url), clock=clock)
    decode = ingest.decode

    def following(raw: Any) -> ingest.Batch:
        batch = decode(raw)
        clock.follow(int(batch.time_ms.max()))
        return batch

    setattr(ingest, "decode", following)  # noqa: B010 - the API module calls ingest.decode through the module
    monitor: MonitoringEngine = app.state.monitor

    @app.post("/bench/ready")
    def ready() -> dict[str, int]:
        with app.state.sessionmaker() as db_session, monitor.locked():
            layout = monitor.ensure_current(db_session, clock.at_ms)
            db_session.commit()
        return {"points": int(layout.first.size)}

    @app.post("/bench/flush")
    def flush(now_ms: int) -> dict[str, int]:
        with app.state.sessionmaker() as db_session, monitor.locked():
            held = monitor.minutes.flush(db_session, now_ms=now_ms)
            db_session.commit()
            monitor.minutes.adopt(held)
        return {"held": monitor.minutes.readings_held()}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--start-ms", type=int, required=True)
    args = parser.parse_args()
    warm_up()
    readings.warm_up()
    uvicorn.run(build(args.url, args.start_ms), host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
