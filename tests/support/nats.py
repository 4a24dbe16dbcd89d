"""Start throwaway nats-server nodes (JetStream, store in a temporary directory) on 127.0.0.1 from the Debian binary:
one node, or a three-node cluster whose nodes can be killed one by one."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BINARY = Path("/usr/sbin/nats-server")


def required() -> bool:
    """scripts/test and CI install nats-server: there a missing binary fails the tests instead of skipping them."""
    return os.environ.get("YINGJI_REQUIRE_NATS") == "1" or os.environ.get("CI") == "true"


def skip_unless_installed() -> None:
    if not BINARY.exists():
        if required():
            raise FileNotFoundError(f"{BINARY} is required for this run (apt-get install nats-server)")
        import pytest

        pytest.skip("nats-server not installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Node:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    command: list[str]
    log: Path

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def restart(self) -> None:
        """Start the node again on its store (as a supervisor would after a crash); it catches up by itself."""
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.command, stdout=out, stderr=subprocess.STDOUT)


@dataclass
class Cluster:
    nodes: list[Node]
    workdir: Path
    alive: dict[str, Node] = field(default_factory=dict)

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    def node(self, name: str) -> Node:
        return next(node for node in self.nodes if node.name == name)

    def stop(self) -> None:
        for node in self.nodes:
            if node.process.poll() is None:
                node.process.terminate()
        for node in self.nodes:
            try:
                node.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                node.process.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)


def start(size: int = 3, deadline_s: float = 30.0) -> Cluster:
    """``size`` nodes (1 or 3) listening on free loopback ports; returns once every node accepts connections
    (JetStream's own leader election is awaited by whoever creates the stream)."""
    if not BINARY.exists():
        raise FileNotFoundError(BINARY)
    workdir = Path(tempfile.mkdtemp(prefix="yingji-nats-"))
    ports = [(_free_port(), _free_port()) for _ in range(size)]
    routes = ", ".join(f"nats-route://127.0.0.1:{route}" for _, route in ports)
    nodes: list[Node] = []
    for n, (port, route) in enumerate(ports, start=1):
        name = f"n{n}"
        store = workdir / name
        store.mkdir()
        config = workdir / f"{name}.conf"
        lines = [
            f"server_name: {name}",
            f"listen: 127.0.0.1:{port}",
            f'jetstream {{ store_dir: "{store}", max_memory_store: 64MB, max_file_store: 2GB }}',
        ]
        if size > 1:
            lines.append(f"cluster {{ name: yingji, listen: 127.0.0.1:{route}, routes: [{routes}] }}")
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        log = workdir / f"{name}.log"
        command = [str(BINARY), "-c", str(config)]
        with log.open("wb") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        nodes.append(Node(name, port, process, command, log))
    cluster = Cluster(nodes, workdir)
    until = time.monotonic() + deadline_s
    for node in nodes:
        while True:
            if node.process.poll() is not None:
                cluster.stop()
                raise OSError(f"nats-server {node.name} exited with {node.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", node.port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > until:
                    cluster.stop()
                    raise OSError("nats-server did not start listening in time") from None
                time.sleep(0.05)
    return cluster
