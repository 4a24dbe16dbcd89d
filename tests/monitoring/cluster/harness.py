"""Running cluster workers as real processes and waiting on the lease table (shared by the test and bench)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, text

T = TypeVar("T")


@dataclass
class WorkerProcess:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def signal(self, sig: signal.Signals) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]


def start_worker(
    name: str,
    nats_urls: list[str],
    database_url: str,
    workdir: Path,
    *,
    lease_s: float,
    replicas: int,
    rules: Path,
    snapshot_s: float = 1.0,
) -> WorkerProcess:
    log = workdir / f"{name}.log"
    env = os.environ | {"YINGJI_THRESHOLD_RULES": str(rules), "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable,
        "-m",
        "yingji.monitoring.cluster.worker",
        "--nats",
        ",".join(nats_urls),
        "--database",
        database_url,
        "--name",
        name,
        "--lease",
        str(lease_s),
        "--snapshot",
        str(snapshot_s),
        "--replicas",
        str(replicas),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    return WorkerProcess(name, process, log)


def wait_for(what: str, check: Callable[[], T | None], deadline_s: float, every_s: float = 0.1) -> T:
    """Poll ``check`` until it returns something other than None/False; fail naming ``what`` past the deadline."""
    until = time.monotonic() + deadline_s
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > until:
            raise AssertionError(f"timed out after {deadline_s:.0f} s waiting for {what}")
        time.sleep(every_s)


def owners(db: Engine) -> dict[int, tuple[str | None, int, int]]:
    """partition → (owner, epoch, committed sequence) for leases not expired."""
    with db.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT partition, owner, epoch, committed_seq FROM monitoring_partition_lease"
                " WHERE expires_at > clock_timestamp()"
            )
        ).all()
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def committed(db: Engine) -> dict[int, int]:
    with db.connect() as connection:
        rows = connection.execute(text("SELECT partition, committed_seq FROM monitoring_partition_lease")).all()
    return {row[0]: row[1] for row in rows}
