"""`yingji incidents list|show` and `yingji worker --once` against a fresh SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from tests.factories.incidents import initial
from yingji.auth.actor import SYSTEM
from yingji.config import Settings
from yingji.core.clock import SystemClock
from yingji.db import migrate
from yingji.db.session import make_engine, make_sessionmaker, transaction
from yingji.incidents import service
from yingji.registry.divisions import load_divisions


def run(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"XDG_DATA_HOME": str(data), "YINGJI_DATABASE_URL": ""}
    return subprocess.run(
        [sys.executable, "-m", "yingji", *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_list_show_and_worker(tmp_path: Path) -> None:
    url = Settings(data_dir=tmp_path / "yingji").resolved_database_url()
    engine = make_engine(url)
    migrate.upgrade(engine)
    with make_sessionmaker(engine)() as db_session, transaction(db_session):
        load_divisions(db_session=db_session)
        report = initial(occurred_at=SystemClock().now() - timedelta(hours=5))
        incident, _ = service.report_initial(db_session=db_session, clock=SystemClock(), actor=SYSTEM, report=report)
    engine.dispose()
    worker = run("worker", "--once", data=tmp_path)
    assert worker.returncode == 0, worker.stderr
    assert "标记迟报" in worker.stdout and "标记迟报 0 项" not in worker.stdout
    listed = run("incidents", "list", data=tmp_path)
    assert "某矿透水事故" in listed.stdout and "迟报" in listed.stdout
    shown = json.loads(run("incidents", "show", str(incident.id), data=tmp_path).stdout)
    assert shown["assessments"][0]["grade"] == 3
    missing = run("incidents", "show", "9999", data=tmp_path)
    assert missing.returncode == 2 and json.loads(missing.stderr)["error"]["code"] == "not_found"
