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
from yingji.warnings.models import EarlyWarning

pytestmark = pytest.mark.db


def test_demo_dataset_loads_real_and_marked_synthetic_rows(db_session: Session) -> None:
    """One load per engine (it is the slowest fixture), checked from several sides."""
    loaded = demo.load(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM)
    assert loaded["divisions"] == 381
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
    # Baotou plans 附件4 (000#L1044-1045): a real team, not marked synthetic.
    team = db_session.scalars(select(RescueTeam).where(RescueTeam.name == "包头鑫达矿山救护中队")).one()
    assert not team.is_synthetic and team.phone == "18504921319"
    mines = db_session.scalars(select(Mine)).all()
    assert all(m.is_synthetic and m.name.endswith("（演示）") for m in mines)
    assert all(m.supervising_org_id is not None for m in mines)
    assert all(m.contracted_team_id is not None for m in mines if m.status.value == "producing")
    names = set(db_session.scalars(select(Organisation.name)))
    assert {"包头市应急管理局（矿山安全监管局）", "包头市消防救援支队", "鄂尔多斯市东胜区应急管理局"} <= names
    again = demo.load(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM)
    assert again["mines"] == loaded["mines"]  # matched by name: updated, not duplicated
    assert len(db_session.scalars(select(Mine)).all()) == len(mines)


def test_demo_accounts_get_a_fresh_random_password(db_session: Session, divisions: int) -> None:
    password, created = demo.ensure_demo_users(db_session=db_session, clock=factories.CLOCK)
    assert "admin" in created and len(password) >= 12
    token, _session, user = auth_service.login(
        db_session=db_session, clock=factories.CLOCK, username="dongsheng_duty", password=password
    )
    assert token and user.division_code == "150602"
    again, created_again = demo.ensure_demo_users(db_session=db_session, clock=factories.CLOCK)
    assert created_again == [] and again != password


def test_demo_warnings_one_of_each_kind(db_session: Session) -> None:
    demo.load(db_session=db_session, clock=factories.CLOCK, actor=SYSTEM)
    ids = demo.issue_demo_warnings(db_session=db_session, clock=factories.CLOCK)
    kinds = {db_session.get_one(EarlyWarning, i).kind.value for i in ids}
    assert kinds == {"accident", "meteorological"}
