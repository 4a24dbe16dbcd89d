"""Demo hazards on the synthetic Hangjin enterprises — a major one overdue (so the ladder runs), a closed general
one and a fresh inspection finding — taken through the real service, so events, audit and notifications exist."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Role
from yingji.core.clock import Clock, FixedClock, to_local
from yingji.hazards import service
from yingji.hazards.models import Channel, Hazard
from yingji.hazards.schema import ConfirmIn, HazardIn, RectificationIn, StepIn
from yingji.registry.models import Organisation
from yingji.rules.hazards import HazardAction

OFFICER = Actor(username="hangjin_duty", role=Role.COUNTY_OFFICER, division_code="150625")
COAL = "杭锦旗祥和能源有限公司（演示）"
CHEMICAL = "内蒙古杭锦氯碱化工有限公司（演示）"


def _enterprise(db_session: Session, name: str) -> tuple[Organisation, Actor] | None:
    org = db_session.scalars(select(Organisation).where(Organisation.name == name)).first()
    if org is None:
        return None
    actor = Actor(
        username="demo_enterprise",
        role=Role.ENTERPRISE_REPORTER,
        organisation_id=org.id,
        organisation_division=org.division_code,
    )
    return org, actor


def load(*, db_session: Session, clock: Clock) -> int:
    """Three hazards, once (nothing when hazards exist or the demo enterprises are missing)."""
    if db_session.scalar(select(func.count()).select_from(Hazard)):
        return 0
    coal, chemical = _enterprise(db_session, COAL), _enterprise(db_session, CHEMICAL)
    if coal is None or chemical is None:
        return 0
    today = to_local(clock.now()).date()
    past = FixedClock(clock.now() - timedelta(days=40))  # the overdue one was planned 40 days ago
    _, coal_actor = coal
    chem_org, chem_actor = chemical

    def found(days_ago: int) -> date:
        return today - timedelta(days=days_ago)

    major = service.report(
        db_session=db_session,
        clock=past,
        actor=coal_actor,
        data=HazardIn(
            channel=Channel.SELF_CHECK,
            place="11采区回风上山",
            description="采区通风设施不完善，局部风量不足（演示）",
            category="通风",
            criteria=["coal-05"],
            found_on=found(41),
        ),
    )
    service.confirm(db_session=db_session, clock=past, actor=OFFICER, hazard_id=major.id, data=ConfirmIn())
    service.rectify(
        db_session=db_session,
        clock=past,
        actor=coal_actor,
        hazard_id=major.id,
        data=RectificationIn(
            responsible="通风副总",
            measures="增设调节风窗，重新测风",
            funds_yuan=Decimal("120000"),
            deadline=found(25),
            contingency_plan="整改期间该采区限员作业，加密瓦斯巡检",
        ),
    )
    general = service.report(
        db_session=db_session,
        clock=clock,
        actor=chem_actor,
        data=HazardIn(
            channel=Channel.SELF_CHECK,
            place="氯气液化工段",
            description="应急喷淋装置水压不足（演示）",
            category="设备设施",
            found_on=found(3),
        ),
    )
    service.confirm(db_session=db_session, clock=clock, actor=chem_actor, hazard_id=general.id, data=ConfirmIn())
    service.rectify(
        db_session=db_session,
        clock=clock,
        actor=chem_actor,
        hazard_id=general.id,
        data=RectificationIn(
            responsible="设备主管",
            measures="更换增压泵",
            funds_yuan=Decimal("8000"),
            deadline=found(3) + timedelta(days=7),  # a general hazard's week (004#L4254)
            contingency_plan="配备移动洗眼器",
        ),
    )
    service.step(
        db_session=db_session,
        clock=clock,
        actor=chem_actor,
        hazard_id=general.id,
        action=HazardAction.SUBMIT,
        data=StepIn(note="已更换增压泵"),
    )
    service.step(
        db_session=db_session,
        clock=clock,
        actor=OFFICER,
        hazard_id=general.id,
        action=HazardAction.ACCEPT,
        data=StepIn(note="现场验收合格"),
    )
    service.report(
        db_session=db_session,
        clock=clock,
        actor=OFFICER,
        data=HazardIn(
            channel=Channel.INSPECTION,
            organisation_id=chem_org.id,
            place="液氯储罐区",
            description="有毒气体报警仪未定期检定（演示）",
            category="监测报警",
            found_on=found(1),
        ),
    )
    return 3
