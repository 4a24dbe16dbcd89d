"""Migrations run up, down and up again on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect

from yingji.db import migrate

pytestmark = pytest.mark.db


def test_downgrade_and_upgrade_round_trip(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    assert "audit_log" not in inspect(engine).get_table_names()
    migrate.upgrade(engine)
    assert {"audit_log", "holiday_schedule_day"} <= set(inspect(engine).get_table_names())
