"""Migrations run up, down and up again on both engines, build exactly the models' schema, and stand alone."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import yingji.models  # noqa: F401 - registers every table on Base.metadata
from yingji.audit import service as audit
from yingji.db import migrate
from yingji.db.base import Base
from yingji.db.session import make_engine

pytestmark = pytest.mark.db
VERSIONS = migrate.MIGRATIONS / "versions"


def test_downgrade_and_upgrade_round_trip(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    assert "audit_log" not in inspect(engine).get_table_names()
    migrate.upgrade(engine)
    assert {"audit_log", "holiday_schedule_day"} <= set(inspect(engine).get_table_names())


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    """`alembic check`: autogenerate finds nothing to add, drop or alter (types and server defaults included)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        assert compare_metadata(context, Base.metadata) == []


@pytest.mark.parametrize("path", sorted(VERSIONS.glob("*.py")), ids=lambda p: p.name[:4])
def test_a_revision_imports_no_application_code(path: Path) -> None:
    """A revision is frozen: what it needs (types, hashes, trigger helpers) is written inside it, so a later change
    to the application cannot change what an old revision does."""
    imported: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported.append(node.module or "")
    assert [m for m in imported if m == "yingji" or m.startswith("yingji.")] == []


def test_audit_entries_from_before_the_chain_verify_after_it(engine: Engine) -> None:
    """0002 chains the entries 0001 wrote with its own frozen copy of the hash; the live verifier agrees."""
    migrate.downgrade(engine, "0001")
    try:
        log = sa.table(  # as the application wrote it then: UTC, and on SQLite without a zone
            "audit_log",
            sa.column("at", sa.DateTime(timezone=True)),
            *(sa.column(c) for c in ("actor", "action", "target_kind", "target_key")),
            sa.column("detail", sa.JSON),
        )
        with engine.begin() as connection:
            connection.execute(
                sa.insert(log),
                [
                    {
                        "at": datetime(2026, 11, 23, 8, i, 30, 123456, tzinfo=UTC),
                        "actor": "cli:root",
                        "action": "calendar.load",
                        "target_kind": "holiday_schedule",
                        "target_key": str(2026 + i),
                        "detail": {"天数": i},
                    }
                    for i in range(3)
                ],
            )
        migrate.upgrade(engine)
        with Session(engine) as db_session:
            result = audit.verify(db_session=db_session)
        assert result.entries == 3 and result.problems == ()
    finally:  # the log is append-only: leave the shared database empty again
        migrate.downgrade(engine, "base")
        migrate.upgrade(engine)


def test_division_columns_widen_on_sqlite_with_rows_and_keys_kept(tmp_path: Path) -> None:
    """0019 rebuilds referenced tables (division, organisation, app_user) on SQLite; rows and keys survive."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    migrate.upgrade(engine, "0014")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO division (code, name, level, parent_code) VALUES ('150600', '鄂尔多斯市', 'city', NULL), "
            "('150602', '东胜区', 'county', '150600'), ('150602001001', '某社区', 'community', '150602')"
        )
        connection.exec_driver_sql(
            "INSERT INTO organisation (id, name, kind, division_code, is_synthetic) "
            "VALUES (7, '某煤矿公司', 'enterprise', '150602', 0)"
        )
        connection.exec_driver_sql(
            "INSERT INTO app_user (id, username, display_name, password_hash, role, division_code, organisation_id, "
            "is_active, created_at) VALUES (3, 'u', '用户', 'x', 'enterprise', NULL, 7, 1, '2026-11-23 08:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO api_token (user_id, name, token_hash, created_at) "
            "VALUES (3, '网关', 'h', '2026-11-23 08:00:00')"
        )
    migrate.upgrade(engine)
    columns = {c["name"]: c["type"] for c in inspect(engine).get_columns("division")}
    assert columns["code"].length == columns["parent_code"].length == 12  # type: ignore[attr-defined]
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM division").scalar() == 3
        assert connection.exec_driver_sql("SELECT name FROM organisation WHERE division_code = '150602'").scalar()
        assert connection.exec_driver_sql("SELECT user_id FROM api_token").scalar() == 3
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # enforcement is back on
        with pytest.raises(IntegrityError):
            connection.exec_driver_sql(
                "INSERT INTO organisation (name, kind, division_code, is_synthetic) VALUES ('无处', 'enterprise', "
                "'999999', 0)"
            )
    engine.dispose()


def test_minute_rows_convert_to_blocks_and_back(engine: Engine) -> None:
    """0045 packs reading_minute's rows into blocks (and each point's newest reading); its downgrade unpacks them."""
    from yingji.monitoring import readings

    columns = ("point_id", "minute", "n", "vmin", "vmax", "vsum", "last_ms", "last_value")
    day = 29_400_000 // 1440  # two days, points in two blocks
    rows = [
        (point, minute, 2, -1.5, point / 7, 0.25 * minute, minute * 60_000 + point, point * 0.5)
        for point in (5, 127, 128, 300)
        for minute in (day * 1440 + 3, day * 1440 + 1500)
        if (point, minute) != (300, day * 1440 + 1500)
    ]
    migrate.downgrade(engine, "0044")
    try:
        with engine.begin() as connection:
            for d in (day, day + 1) if engine.dialect.name == "postgresql" else ():  # 0041's day partitions
                connection.execute(
                    sa.text(
                        f"CREATE TABLE reading_minute_d{d} PARTITION OF reading_minute "
                        f"FOR VALUES FROM ({d * 1440}) TO ({(d + 1) * 1440})"
                    )
                )
            connection.execute(
                sa.text(
                    f"INSERT INTO reading_minute ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
                ),
                [dict(zip(columns, row, strict=True)) for row in rows],
            )
        migrate.upgrade(engine)
        with Session(engine) as db_session:
            stored = readings.minutes(db_session)
            assert sorted(zip(*(stored[c].tolist() for c in columns), strict=True)) == sorted(rows)
            newest = readings.latest(db_session)
            assert newest["point_id"].tolist() == [5, 127, 128, 300]
            assert newest["last_ms"].tolist() == [(day * 1440 + 1500) * 60_000 + p for p in (5, 127, 128)] + [
                (day * 1440 + 3) * 60_000 + 300
            ]
        migrate.downgrade(engine, "0044")
        with engine.connect() as connection:
            back = connection.execute(sa.text(f"SELECT {', '.join(columns)} FROM reading_minute")).all()
        assert sorted(tuple(row) for row in back) == sorted(rows)
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM reading_minute"))
    finally:
        migrate.upgrade(engine)
