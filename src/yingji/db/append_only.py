"""Migration helper: triggers that make a table append-only (UPDATE and DELETE refused) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable

from alembic import op


def create(tables: Iterable[str]) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in tables:
        if postgres:
            op.execute(
                f"CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$ BEGIN "
                f"RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            )
        else:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )


def drop(tables: Iterable[str]) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in tables:
        if postgres:
            op.execute(f"DROP TRIGGER {table}_no_change ON {table}")
            op.execute(f"DROP FUNCTION {table}_append_only()")
        else:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{verb}")
