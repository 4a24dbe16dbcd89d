"""Builders for incident tests: reports from the seed scenarios, accounts of each level of government."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.actor import Actor
from yingji.auth.roles import Role
from yingji.incidents.schemas import FollowUpReport, InitialReport

T0 = factories.CLOCK.now() - timedelta(minutes=5)  # the accident happened five minutes before "now"


def initial(**changes: Any) -> InitialReport:
    values: dict[str, Any] = {
        "client_key": "report-0001",
        "title": "某矿透水事故",
        "division_code": "150207",
        "sector": "non_coal_mine",
        "accident_type": "透水",
        "place": "井下-120米水平",
        "occurred_at": T0,
        "source": "企业电话报告",
        "course": "井下掘进工作面发生透水",
        "scene": "企业救护队已下井搜救",
        "impact": "影响一个采区",
        "measures": "撤出井下其余人员，启动企业预案",
        "deaths": 1,
        "serious_injuries": 0,
        "direct_loss_yuan": 2_000_000,
        "trapped": 2,
    }
    return InitialReport.model_validate(values | changes)


def follow_up(key: str, **changes: Any) -> FollowUpReport:
    values: dict[str, Any] = {"client_key": key, "deaths": 0, "serious_injuries": 0, "direct_loss_yuan": 0}
    return FollowUpReport.model_validate(values | changes)


def actor(role: Role, division: str, name: str | None = None) -> Actor:
    return Actor(username=name or f"{role.value}@{division}", role=role, division_code=division)


def account(db_session: Session, role: Role, division: str, name: str) -> Actor:
    user = factories.user(db_session, name, role, division=division)
    return Actor(username=name, role=role, division_code=division, user_id=user.id)


def jiuyuan_people(db_session: Session) -> dict[str, dict[str, str]]:
    """九原区 with a mine and its contracted team, and bearer headers for each level of government and an outsider."""
    team = factories.team(db_session, "九原矿山救护队", "150207", 109.95, 40.58)
    factories.enterprise(db_session, "甲矿业公司", "150207")
    factories.mine(db_session, "甲矿一号井", "甲矿业公司", "150207", lon=109.9, lat=40.6, contracted_team=team.name)
    return {
        "county": factories.bearer(db_session, "jiuyuan_duty", Role.COUNTY_OFFICER, "150207"),
        "city": factories.bearer(db_session, "baotou_duty", Role.CITY_OFFICER, "150200"),
        "commander": factories.bearer(db_session, "baotou_commander", Role.HQ_COMMANDER, "150200"),
        "other": factories.bearer(db_session, "dongsheng_duty", Role.COUNTY_OFFICER, "150602"),
        "expert": factories.bearer(db_session, "expert", Role.EXPERT, "150200"),
    }
