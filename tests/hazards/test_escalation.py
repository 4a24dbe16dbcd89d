"""The overdue ladder with a clock moved by hand: each rung once, on its day, notified, and stopped by submission."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from yingji.auth.actor import SYSTEM, Actor
from yingji.auth.roles import Role
from yingji.core.clock import FixedClock, local_today
from yingji.core.errors import InvalidInput
from yingji.db.outbox import OutboxItem
from yingji.hazards import reads, service
from yingji.hazards.models import Channel
from yingji.hazards.schema import ConfirmIn, HazardIn, RectificationIn, StepIn, ladder
from yingji.inbox.models import Notice
from yingji.rules.hazards import HazardAction

pytestmark = pytest.mark.db


def _rungs(db_session: Session, clock: FixedClock) -> list[str]:
    return [e.action for e in service.escalate_overdue(db_session=db_session, clock=clock, actor=SYSTEM)]


def test_ladder_takes_each_rung_once_on_its_day(db_session: Session, divisions: int) -> None:
    owner = factories.enterprise(
        db_session, "杭锦旗逾期测试化工有限公司", "150625", sector="hazardous_chemicals", principal_phone="13900000002"
    )
    enterprise = Actor(
        username="chem", role=Role.ENTERPRISE_REPORTER, organisation_id=owner.id, organisation_division="150625"
    )
    officer = Actor(username="hj", role=Role.COUNTY_OFFICER, division_code="150625")
    supervisor = factories.user(db_session, "hj_supervisor", Role.COUNTY_OFFICER, division="150625")
    elsewhere = factories.user(db_session, "ds_supervisor", Role.COUNTY_OFFICER, division="150602")
    clock = FixedClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # 10:00 Beijing
    hazard = service.report(
        db_session=db_session,
        clock=clock,
        actor=enterprise,
        data=HazardIn(
            channel=Channel.SELF_CHECK,
            place="储罐区",
            description="储罐液位计失效",
            category="设备设施",
            found_on=date(2026, 11, 23),
        ),
    )
    service.confirm(db_session=db_session, clock=clock, actor=officer, hazard_id=hazard.id, data=ConfirmIn())
    service.rectify(
        db_session=db_session,
        clock=clock,
        actor=enterprise,
        hazard_id=hazard.id,
        data=RectificationIn(
            responsible="赵工",
            measures="更换液位计",
            funds_yuan=Decimal("12000"),
            deadline=date(2026, 11, 30),
            contingency_plan="人工巡检每2小时一次",
        ),
    )
    steps = ladder()
    assert [s.after_days for s in steps] == [1, 7, 15, 30]
    clock.advance(days=7)  # 2026-11-30: the deadline day itself is not overdue
    assert _rungs(db_session, clock) == []
    clock.advance(days=1)  # 12-01: one day late
    assert _rungs(db_session, clock) == ["letter"]
    assert _rungs(db_session, clock) == []  # a rung is taken once
    clock.advance(days=16)  # 12-17: 17 days late — 通报 and 约谈 are both due now
    assert _rungs(db_session, clock) == ["circular", "summons"]
    sms = db_session.scalars(select(OutboxItem.key).where(OutboxItem.recipient == "13900000002")).all()
    assert sorted(sms) == sorted(f"hazard-{hazard.id}-{r}" for r in ("letter", "summons"))  # one per round
    # the supervisors over the place find each rung in their inbox; another county's do not
    notices = db_session.scalars(select(Notice.key).where(Notice.user_id == supervisor.id)).all()
    assert sorted(notices) == sorted(f"hazard-{hazard.id}-{r}" for r in ("letter", "summons"))
    assert db_session.scalars(select(Notice).where(Notice.user_id == elsewhere.id)).all() == []
    service.step(
        db_session=db_session,
        clock=clock,
        actor=enterprise,
        hazard_id=hazard.id,
        action=HazardAction.SUBMIT,
        data=StepIn(),
    )
    clock.advance(days=30)
    assert _rungs(db_session, clock) == []  # awaiting acceptance: the enterprise has done its part
    no_deadline = StepIn(note="仍未更换")
    with pytest.raises(InvalidInput) as refused:
        service.step(
            db_session=db_session,
            clock=clock,
            actor=officer,
            hazard_id=hazard.id,
            action=HazardAction.REJECT,
            data=no_deadline,
        )
    assert refused.value.field == "deadline"
    service.step(
        db_session=db_session,
        clock=clock,
        actor=officer,
        hazard_id=hazard.id,
        action=HazardAction.REJECT,
        data=StepIn(note="仍未更换", deadline=date(2027, 1, 31)),  # on 2027-01-16, with a new deadline
    )
    assert _rungs(db_session, clock) == []  # the ladder starts afresh from the new deadline
    clock.advance(days=30)  # 2027-02-15: 15 days past it
    assert _rungs(db_session, clock) == ["letter", "circular", "summons"]
    hazard = service.visible(db_session, officer, hazard.id)
    detail = reads.detail(db_session, officer, hazard, local_today(clock))
    assert detail.escalation == [s.label for s in steps[:3]] and detail.overdue is True
