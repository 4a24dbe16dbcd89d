"""The demo dataset loads on both engines: real bodies and teams, clearly marked synthetic sites, demo accounts."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth import service as auth_service
from yingji.auth.actor import SYSTEM
from yingji.registry import demo
from yingji.registry.models import Mine, Organisation, RescueTeam

pytestmark = pytest.mark.db


@pytest.fixture
def loaded(db_session: Session) -> dict[str, int]:
    return demo.load(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM)


def test_demo_loads_every_file(loaded: dict[str, int]) -> None:
    assert loaded["divisions"] == 144
    for entity in (
        "organisations",
        "rescue_teams",
        "mines",
        "tailings_ponds",
        "hazard_sources",
        "experts",
        "depots",
        "materials",
        "shelters",
        "transport",
    ):
        assert loaded[entity] > 0, entity


def test_real_annex_teams_are_not_marked_synthetic(db_session: Session, loaded: dict[str, int]) -> None:
    """Baotou plans 附件4 (000#L1044-1045)."""
    team = db_session.scalars(select(RescueTeam).where(RescueTeam.name == "包头鑫达矿山救护中队")).one()
    assert not team.is_synthetic and team.phone == "18504921319"


def test_synthetic_rows_say_so(db_session: Session, loaded: dict[str, int]) -> None:
    mines = db_session.scalars(select(Mine)).all()
    assert all(m.is_synthetic and m.name.endswith("（演示）") for m in mines)
    assert all(m.supervising_org_id is not None for m in mines)
    producing = [m for m in mines if m.status.value == "producing"]
    assert all(m.contracted_team_id is not None for m in producing)


def test_plan_member_units_are_organisations(db_session: Session, loaded: dict[str, int]) -> None:
    names = set(db_session.scalars(select(Organisation.name)))
    assert {"包头市应急管理局（矿山安全监管局）", "包头市消防救援支队", "鄂尔多斯市东胜区应急管理局"} <= names


def test_demo_accounts_get_a_fresh_random_password(db_session: Session, loaded: dict[str, int]) -> None:
    password, created = demo.ensure_demo_users(db_session=db_session, clock=factories.CLOCK)
    assert "admin" in created and len(password) >= 12
    token, _session, user = auth_service.login(
        db_session=db_session, clock=factories.CLOCK, username="dongsheng_duty", password=password
    )
    assert token and user.division_code == "150602"
    again, created_again = demo.ensure_demo_users(db_session=db_session, clock=factories.CLOCK)
    assert created_again == [] and again != password
