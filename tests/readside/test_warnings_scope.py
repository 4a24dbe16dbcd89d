"""Warnings are scoped in SQL before paging: a county sees all its own however many others exist (issue 20)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.roles import Role
from yingji.core.divisions import stem
from yingji.warnings.models import EarlyWarning, WarningArea, WarningKind, WarningStatus

pytestmark = pytest.mark.db
AT = datetime(2026, 11, 1, tzinfo=UTC)


def _bulk(db_session: Session, division: str, count: int, title: str) -> None:
    rows = [
        {
            "kind": WarningKind.ACCIDENT,
            "plan_id": "baotou-noncoal-2025",
            "category": "尾矿库溃坝",
            "level": 4,
            "status": WarningStatus.ISSUED,
            "title": f"{title}{n}",
            "division_code": division,
            "division_codes": [division],
            "fields": {},
            "is_exercise": False,
            "issuer_body": "演示",
            "issued_at": AT,
            "created_by": "test",
            "created_at": AT,
        }
        for n in range(count)
    ]
    ids = db_session.scalars(insert(EarlyWarning).returning(EarlyWarning.id), rows).all()
    db_session.execute(
        insert(WarningArea), [{"warning_id": i, "division_code": division, "stem": stem(division)} for i in ids]
    )
    db_session.flush()


def test_county_sees_all_its_warnings_beyond_500_foreign(
    client: TestClient, db_session: Session, divisions: int
) -> None:
    county = factories.bearer(db_session, "baiyun_duty", Role.COUNTY_OFFICER, "150206")
    _bulk(db_session, "150206", 3, "白云鄂博预警")  # older: created first
    _bulk(db_session, "150602", 520, "东胜区预警")  # newer, elsewhere
    page = client.get("/api/warnings", params={"limit": 500}, headers=county).json()
    assert page["total"] == 3
    assert sorted(w["title"] for w in page["items"]) == ["白云鄂博预警0", "白云鄂博预警1", "白云鄂博预警2"]
    assert page["items"][0]["areas"] == [{"code": "150206", "name": "白云鄂博矿区"}]
    assert page["items"][0]["status_label"] == "已发布" and page["items"][0]["colour"] == "蓝色"


def test_city_wide_warning_is_seen_by_its_counties_and_pages_are_stable(
    client: TestClient, db_session: Session, divisions: int
) -> None:
    county = factories.bearer(db_session, "baiyun_duty", Role.COUNTY_OFFICER, "150206")
    other_city = factories.bearer(db_session, "ordos_duty", Role.CITY_OFFICER, "150600")
    _bulk(db_session, "150200", 1, "包头市预警")
    _bulk(db_session, "150206", 5, "白云鄂博预警")
    first = client.get("/api/warnings", params={"limit": 4}, headers=county).json()
    second = client.get("/api/warnings", params={"limit": 4, "offset": 4}, headers=county).json()
    assert first["total"] == second["total"] == 6
    titles = [w["title"] for w in first["items"] + second["items"]]
    assert len(titles) == len(set(titles)) == 6 and "包头市预警0" in titles
    assert client.get("/api/warnings", headers=other_city).json()["total"] == 0


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"level": 9}, {"status": "x"}])
def test_bad_paging_and_filters_are_422(
    client: TestClient, db_session: Session, divisions: int, params: dict[str, object]
) -> None:
    county = factories.bearer(db_session, "baiyun_duty", Role.COUNTY_OFFICER, "150206")
    assert client.get("/api/warnings", params=params, headers=county).status_code == 422
