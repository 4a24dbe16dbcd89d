"""Load the bundled division list (GB/T 2260 plus statistical town codes; see data/divisions.SOURCE.md)."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy.orm import Session

from yingji.registry.enums import DivisionLevel
from yingji.registry.models import Division

DIVISIONS_CSV = Path(__file__).parent / "data" / "divisions.csv"


def load_divisions(*, db_session: Session, path: Path = DIVISIONS_CSV) -> int:
    """Insert or rename divisions from the CSV (parents first); returns the number of rows read."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in sorted(rows, key=lambda r: (len(r["code"]), r["code"])):
        existing = db_session.get(Division, row["code"])
        if existing is None:
            db_session.add(
                Division(
                    code=row["code"],
                    name=row["name"],
                    level=DivisionLevel(row["level"]),
                    parent_code=row["parent_code"] or None,
                )
            )
            db_session.flush()
        else:
            existing.name = row["name"]
    return len(rows)
