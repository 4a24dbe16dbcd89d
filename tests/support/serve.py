"""`yingji serve` as a child process on a free loopback port with its own data directory (embedded SQLite), for
tests that need the real server: the browser tests and the MQTT start-up tests. Always stopped by the context."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    url: str
    env: dict[str, str]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serve(data_dir: Path, log: Path, *options: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    """Start the server (terminated, then killed if it lingers, when the block ends); ``env`` adds or overrides
    variables (e.g. YINGJI_DATABASE_URL for a database other than the data directory's SQLite file)."""
    port = free_port()
    env = os.environ | {"XDG_DATA_HOME": str(data_dir), "YINGJI_DATABASE_URL": ""} | (env or {})
    command = [sys.executable, "-m", "yingji", "serve", "--host", "127.0.0.1", "--port", str(port), *options]
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        yield Served(process, f"http://127.0.0.1:{port}", env, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
