"""Load the bundled division list (GB/T 2260 plus statistical town codes; see data/divisions.SOURCE.md)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session

from yingji.core.divisions import city_of, county_of, stem
from yingji.registry.enums import DivisionLevel
from yingji.registry.models import Division
from yingji.registry.schemas import DivisionFilters

DIVISIONS_CSV = Path(__file__).parent / "data" / "divisions.csv"


def load_divisions(*, db_session: Session, path: Path = DIVISIONS_CSV) -> int:
    """Insert or rename divisions from the CSV (parents first); returns the number of rows read. One query reads
    what is there and one multi-row insert adds the rest: every demo, CLI load and many tests start with this."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    existing = dict(db_session.execute(select(Division.code, Division.name)).tuples().all())
    new = [
        {
            "code": r["code"],
            "name": r["name"],
            "level": DivisionLevel(r["level"]),
            "parent_code": r["parent_code"] or None,
        }
        for r in sorted(rows, key=lambda r: (len(r["code"]), r["code"]))
        if r["code"] not in existing
    ]
    if new:
        db_session.execute(insert(Division), new)
    for row in rows:
        if row["code"] in existing and existing[row["code"]] != row["name"]:
            division = db_session.get(Division, row["code"])
            assert division is not None
            division.name = row["name"]
    return len(rows)


def names(db_session: Session, codes: Iterable[str]) -> dict[str, str]:
    """code → name for the divisions a read model shows (one query; unknown codes are left out)."""
    wanted = set(codes)
    if not wanted:
        return {}
    rows = db_session.execute(select(Division.code, Division.name).where(Division.code.in_(wanted))).all()
    return {code: name for code, name in rows}


def place_names(db_session: Session, codes: Iterable[str]) -> dict[str, str]:
    """code → “街道 · 社区” (or the street alone) for the division code of a place (a compound)."""
    wanted = set(codes)
    found = names(db_session, wanted | {c[:9] for c in wanted})

    def label(code: str) -> str:
        street = found.get(code[:9], code[:9])
        return street if len(code) <= 9 else f"{street} · {found.get(code, code)}"

    return {code: label(code) for code in wanted}


def listing(filters: DivisionFilters) -> Select[Division]:
    """The divisions a list asks for (no scope: the division table is public reference data), unordered."""
    query = select(Division)
    if filters.parent is not None:
        query = query.where(Division.parent_code == filters.parent)
    if filters.within is not None:
        query = query.where(Division.code.startswith(stem(filters.within), autoescape=True))
    if filters.level is not None:
        query = query.where(Division.level == filters.level)
    if filters.q is not None:
        query = query.where(Division.name.contains(filters.q, autoescape=True))
    return query


def full_names(db_session: Session, codes: Iterable[str]) -> dict[str, str]:
    """code → the name as official paper writes it, from the city down (150207 → 包头市九原区)."""
    wanted = set(codes)
    chains = {code: list(dict.fromkeys((city_of(code), county_of(code), code))) for code in wanted}
    found = names(db_session, (c for chain in chains.values() for c in chain))
    return {code: "".join(found[c] for c in chain if c in found) or code for code, chain in chains.items()}
