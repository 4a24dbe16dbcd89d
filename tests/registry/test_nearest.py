"""Nearest resources: distance order, the contracted team first, type and specialty filters, ties, scope."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.actor import SYSTEM, Actor
from yingji.auth.roles import Role
from yingji.core.errors import InvalidInput, NotFound
from yingji.registry.enums import ResourceKind, TeamKind
from yingji.registry.nearest import ResourceIndex, load_index, nearest

pytestmark = pytest.mark.db

# 东胜区 (150602) around 109.98E 39.82N; 杭锦旗 (150625) 108.74E 39.83N; 包头 九原区 (150207) 109.97E 40.6N.
SITE = (109.98, 39.82)


@pytest.fixture
def placed(db_session: Session, divisions: int) -> ResourceIndex:
    factories.team(db_session, "近处救护队", "150602", 109.99, 39.83)  # ≈1.4 km
    factories.team(db_session, "远处救护队", "150625", 108.74, 39.83)  # ≈106 km
    factories.team(db_session, "东胜消防救援大队", "150602", 109.985, 39.825, kind="fire")
    factories.team(db_session, "包头救护队", "150207", 109.97, 40.60)  # ≈87 km, another city
    factories.save(
        db_session, "experts", name="王工", specialties="尾矿库、爆破", division_code="150602", lon=109.97, lat=39.80
    )
    factories.save(
        db_session,
        "shelters",
        name="东胜体育场",
        kind="outdoor",
        capacity=20000,
        division_code="150602",
        lon=109.98,
        lat=39.821,
    )
    factories.enterprise(db_session, "甲矿业公司", "150602")
    return load_index(db_session)


def names(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [h.name for h in hits]


def test_ranked_by_distance_with_estimates(db_session: Session, placed: ResourceIndex) -> None:
    hits = nearest(
        db_session=db_session,
        actor=SYSTEM,
        index=placed,
        lon=SITE[0],
        lat=SITE[1],
        kind=ResourceKind.RESCUE_TEAM,
        limit=10,
    )
    assert names(hits) == ["东胜消防救援大队", "近处救护队", "包头救护队", "远处救护队"]
    far = hits[-1]
    assert 100 < far.distance_km < 112
    assert far.travel_minutes == round(far.distance_km * 1.35)  # 60 km/h after the road factor


def test_contracted_team_comes_first(db_session: Session, placed: ResourceIndex) -> None:
    mine = factories.mine(db_session, "甲矿一号井", "甲矿业公司", "150602", contracted_team="远处救护队")
    index = load_index(db_session)
    hits = nearest(
        db_session=db_session,
        actor=SYSTEM,
        index=index,
        lon=SITE[0],
        lat=SITE[1],
        kind=ResourceKind.RESCUE_TEAM,
        mine_id=mine.id,
        limit=3,
    )
    assert names(hits) == ["远处救护队", "东胜消防救援大队", "近处救护队"]
    assert [h.is_contracted for h in hits] == [True, False, False]


def test_underground_non_coal_needs_mine_rescue_teams(db_session: Session, placed: ResourceIndex) -> None:
    hits = nearest(
        db_session=db_session, actor=SYSTEM, index=placed, lon=SITE[0], lat=SITE[1], team_kind=TeamKind.MINE_RESCUE
    )
    assert "东胜消防救援大队" not in names(hits)
    assert names(hits)[0] == "近处救护队"


def test_specialty_filter(db_session: Session, placed: ResourceIndex) -> None:
    hits = nearest(db_session=db_session, actor=SYSTEM, index=placed, lon=SITE[0], lat=SITE[1], specialty="尾矿库")
    assert names(hits) == ["王工"]
    assert nearest(db_session=db_session, actor=SYSTEM, index=placed, lon=SITE[0], lat=SITE[1], specialty="通风") == []


def test_ties_break_by_id(db_session: Session, divisions: int) -> None:
    factories.team(db_session, "乙队", "150602", 110.0, 39.9)
    factories.team(db_session, "甲队", "150602", 110.0, 39.9)
    hits = nearest(db_session=db_session, actor=SYSTEM, index=load_index(db_session), lon=110.0, lat=39.8)
    assert names(hits) == ["乙队", "甲队"]


def test_scope_limits_what_an_officer_sees(db_session: Session, placed: ResourceIndex) -> None:
    hangjin = Actor(username="h", role=Role.COUNTY_OFFICER, division_code="150625")
    assert names(nearest(db_session=db_session, actor=hangjin, index=placed, lon=SITE[0], lat=SITE[1])) == [
        "远处救护队"
    ]
    ordos = Actor(username="o", role=Role.CITY_OFFICER, division_code="150600")
    assert "包头救护队" not in names(
        nearest(db_session=db_session, actor=ordos, index=placed, lon=SITE[0], lat=SITE[1])
    )


def test_enterprise_user_sees_its_citys_resources(db_session: Session, placed: ResourceIndex) -> None:
    company = factories.enterprise(db_session, "乙矿业公司", "150625")
    reporter = Actor(
        username="e", role=Role.ENTERPRISE_REPORTER, organisation_id=company.id, organisation_division="150625"
    )
    seen = names(nearest(db_session=db_session, actor=reporter, index=placed, lon=SITE[0], lat=SITE[1]))
    assert "近处救护队" in seen and "包头救护队" not in seen


@pytest.mark.parametrize(("lon", "lat", "limit", "field"), [(200.0, 39.0, 5, "lon"), (109.9, 39.8, 0, "limit")])
def test_bad_queries(
    db_session: Session, placed: ResourceIndex, lon: float, lat: float, limit: int, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        nearest(db_session=db_session, actor=SYSTEM, index=placed, lon=lon, lat=lat, limit=limit)
    assert caught.value.field == field


def test_other_enterprises_mine_is_hidden(db_session: Session, placed: ResourceIndex) -> None:
    mine = factories.mine(db_session, "甲矿一号井", "甲矿业公司", "150602")
    other = factories.enterprise(db_session, "乙矿业公司", "150602")
    reporter = Actor(
        username="e", role=Role.ENTERPRISE_REPORTER, organisation_id=other.id, organisation_division="150602"
    )
    with pytest.raises(NotFound):
        nearest(db_session=db_session, actor=reporter, index=placed, lon=SITE[0], lat=SITE[1], mine_id=mine.id)
