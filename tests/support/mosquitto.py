"""Start a throwaway Mosquitto MQTT broker on 127.0.0.1 from the Debian binary, for the test session only."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BINARY = Path("/usr/sbin/mosquitto")


@dataclass
class Broker:
    process: subprocess.Popen[bytes]
    port: int
    workdir: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)


def start() -> Broker:
    """Run mosquitto on a free loopback port with anonymous access and no persistence; raises if it cannot."""
    if not BINARY.exists():
        raise FileNotFoundError(BINARY)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    workdir = Path(tempfile.mkdtemp(prefix="yingji-mqtt-"))
    config = workdir / "mosquitto.conf"
    config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n", encoding="utf-8")
    process = subprocess.Popen([str(BINARY), "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise OSError(f"mosquitto exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return Broker(process, port, workdir)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise OSError("mosquitto did not start listening within 15 s")
