"""End-to-end incident scenarios from the plans, on SQLite and PostgreSQL (service level; HTTP in test_api)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests import factories
from tests.factories.incidents import T0, actor, follow_up, initial
from yingji.auth.actor import Actor
from yingji.auth.roles import Role
from yingji.core.clock import FixedClock
from yingji.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from yingji.db import migrate
from yingji.db.session import make_engine, make_sessionmaker, transaction
from yingji.incidents import command, service, timeline
from yingji.incidents.clocks import check_clocks
from yingji.incidents.enums import IncidentStatus, ObligationKind, TaskSource
from yingji.incidents.models import Incident, Obligation, Task
from yingji.incidents.schemas import (
    Acknowledge,
    AdjustResponse,
    FollowUpReport,
    PlanOverride,
    ReleaseIn,
    StartResponse,
)
from yingji.plans.loader import all_plans
from yingji.registry.divisions import load_divisions
from yingji.worker import Worker

pytestmark = pytest.mark.db

BAOTOU_OFFICER = actor(Role.CITY_OFFICER, "150200", "baotou_duty")
BAOTOU_COMMANDER = actor(Role.HQ_COMMANDER, "150200", "baotou_commander")
JIUYUAN_OFFICER = actor(Role.COUNTY_OFFICER, "150207", "jiuyuan_duty")
DONGSHENG_OFFICER = actor(Role.COUNTY_OFFICER, "150602", "dongsheng_duty")
DONGSHENG_COMMANDER = actor(Role.HQ_COMMANDER, "150602", "dongsheng_commander")
ORDOS_COMMANDER = actor(Role.HQ_COMMANDER, "150600", "ordos_commander")


UNDONE_OK = "余下报告与任务转入后期处置"  # tasks stay open in these cases: ending them says why


def clock() -> FixedClock:
    return FixedClock(factories.CLOCK.now())


def hop(db_session: Session, incident: Incident, to: str, form: str = "any") -> Obligation:
    found = [
        o for o in service.obligations(db_session=db_session, incident=incident) if o.to_body == to and o.form == form
    ]
    assert len(found) == 1, [(o.to_body, o.form) for o in service.obligations(db_session=db_session, incident=incident)]
    return found[0]


def test_baotou_non_coal_one_dead_two_trapped(db_session: Session, divisions: int) -> None:
    """包头非煤: 1 dead + 2 trapped count as 3 deaths → 较大 (000#L713, L721) → 三级 by the city bureau (L422)."""
    c = clock()
    incident, created = service.report_initial(db_session=db_session, clock=c, actor=JIUYUAN_OFFICER, report=initial())
    assert created and incident.plan_ids == ["baotou-noncoal-2025"]
    (assessment,) = service.assessments(db_session=db_session, incident=incident)
    assert (assessment.grade, assessment.response_level) == (3, 3)
    assert assessment.decided_by == "包头市应急管理局（矿山安全监管局）"
    assert {"000#L713", "000#L721", "000#L422"} <= {b["seed"] for b in assessment.basis}
    # The mine head must report within 1 h to the county bureau and, at once, to the NMSA Inner Mongolia office (L520).
    nmsa = hop(db_session, incident, "国家矿山安全监察局内蒙古局")
    assert nmsa.due_at == T0 + timedelta(minutes=60)
    region = hop(db_session, incident, "内蒙古自治区应急管理厅")  # 较大 goes up to the region (Decree 493 第十条)
    assert region.due_at == T0 + timedelta(minutes=180)
    window = next(
        o
        for o in service.obligations(db_session=db_session, incident=incident)
        if o.kind is ObligationKind.SUPPLEMENTARY_WINDOW
    )
    assert window.due_at == T0 + timedelta(days=30)
    with pytest.raises(Forbidden):  # a county officer is not the city bureau
        command.start(
            db_session=db_session,
            clock=c,
            actor=JIUYUAN_OFFICER,
            incident_id=incident.id,
            data=StartResponse(plan_id="baotou-noncoal-2025", level=3),
        )
    response = command.start(
        db_session=db_session,
        clock=c,
        actor=BAOTOU_OFFICER,
        incident_id=incident.id,
        data=StartResponse(plan_id="baotou-noncoal-2025", level=3),
    )
    assert response.has_onsite_hq  # 三级: 副总指挥带队成立现场指挥部 (000#L550)
    tasks = db_session.scalars(select(Task).where(Task.response_id == response.id)).all()
    sources = {t.source for t in tasks}
    assert sources == {TaskSource.LEVEL_ACTION, TaskSource.MEMBER_DUTY, TaskSource.WORKING_GROUP}
    groups = {t.group_name for t in tasks if t.group_name}
    assert {"抢险救援组", "医疗救护组", "事故调查组"} <= groups
    assert incident.status is IncidentStatus.RESPONDING
    with pytest.raises(NotFound):
        service.get(db_session=db_session, actor=DONGSHENG_OFFICER, incident_id=incident.id)


def test_baotou_coal_escalates_from_two_to_four_deaths(db_session: Session, divisions: int) -> None:
    """包头煤矿: 2 deaths → 一般 (000#L1498), 4 deaths → 较大; the rise is proposed on the timeline."""
    c = clock()
    report = initial(sector="coal_mine", deaths=2, trapped=0, title="某煤矿顶板事故", accident_type="冒顶片帮")
    incident, _ = service.report_initial(db_session=db_session, clock=c, actor=BAOTOU_OFFICER, report=report)
    assert incident.plan_ids == ["baotou-coal-2025"]
    first = service.assessments(db_session=db_session, incident=incident)[0]
    assert (first.grade, first.response_level) == (4, 4)
    assert not [
        o
        for o in service.obligations(db_session=db_session, incident=incident)
        if o.to_body == "内蒙古自治区应急管理厅"
    ]
    c.advance(minutes=40)
    service.report_follow_up(
        db_session=db_session,
        clock=c,
        actor=BAOTOU_OFFICER,
        incident_id=incident.id,
        report=follow_up("report-0002", deaths=4),
    )
    latest = service.assessments(db_session=db_session, incident=incident)[0]
    assert (latest.grade, latest.response_level) == (3, 3)
    kinds = [e.kind for e in timeline.events(db_session=db_session, incident=incident)]
    assert "escalation.proposed" in kinds
    assert hop(db_session, incident, "内蒙古自治区应急管理厅").due_at is not None  # opened by the rise


def test_dongsheng_late_phone_report(db_session: Session, divisions: int) -> None:
    """东胜区: both the district plan and the Ordos non-coal plan apply; phone within 30 min (001#L2705)."""
    c = clock()
    report = initial(division_code="150602", occurred_at=c.now(), deaths=0, trapped=1, client_key="report-ds-01")
    incident, _ = service.report_initial(db_session=db_session, clock=c, actor=DONGSHENG_OFFICER, report=report)
    assert incident.plan_ids == ["dongsheng-2024", "ordos-noncoal-2024"]
    by_plan = {a.plan_id: a for a in service.assessments(db_session=db_session, incident=incident)}
    assert by_plan["dongsheng-2024"].response_level == 4
    assert by_plan["ordos-noncoal-2024"].in_scope is False  # 一般: the banner handles it (003#L16 适用范围)
    phone = hop(db_session, incident, "东胜区应急管理局", form="phone")
    assert phone.due_at == c.now() + timedelta(minutes=30)
    c.advance(minutes=31)
    assert check_clocks(db_session=db_session, clock=c) >= 1
    assert phone.overdue_flagged_at == c.now()
    assert check_clocks(db_session=db_session, clock=c) == 0  # flagged once
    met = service.acknowledge(
        db_session=db_session,
        clock=c,
        actor=DONGSHENG_OFFICER,
        incident_id=incident.id,
        obligation_id=phone.id,
        receipt=Acknowledge(received_at=c.now(), received_by="东胜区值班员", note="电话已报"),
    )
    assert service.is_late(met, c.now())
    summaries = [e.summary for e in timeline.events(db_session=db_session, incident=incident)]
    assert any("迟报" in s for s in summaries)


def test_wrong_bodies_cannot_start_or_end(db_session: Session, divisions: int) -> None:
    """Dongsheng Ⅳ is decided by the district HQ (001 D6.7); 谁启动谁终止 (end only by that body)."""
    c = clock()
    report = initial(division_code="150602", deaths=1, trapped=0, client_key="report-ds-02")
    incident, _ = service.report_initial(db_session=db_session, clock=c, actor=DONGSHENG_OFFICER, report=report)
    start = StartResponse(plan_id="dongsheng-2024", level=4)
    for wrong in (DONGSHENG_OFFICER, ORDOS_COMMANDER):
        with pytest.raises(Forbidden):
            command.start(db_session=db_session, clock=c, actor=wrong, incident_id=incident.id, data=start)
    response = command.start(
        db_session=db_session, clock=c, actor=DONGSHENG_COMMANDER, incident_id=incident.id, data=start
    )
    with pytest.raises(Forbidden) as refused:
        command.end(
            db_session=db_session,
            clock=c,
            actor=ORDOS_COMMANDER,
            incident_id=incident.id,
            response_id=response.id,
            reason=UNDONE_OK,
        )
    assert "谁启动谁终止" in refused.value.render()
    with pytest.raises(RuleViolation) as early:
        command.end(
            db_session=db_session,
            clock=c,
            actor=DONGSHENG_COMMANDER,
            incident_id=incident.id,
            response_id=response.id,
            reason=UNDONE_OK,
        )
    plan = all_plans()["dongsheng-2024"]
    assert len(early.value.params["details"]) == len(plan.end_conditions.all_of)  # type: ignore[arg-type]
    for condition in plan.end_conditions.all_of:
        command.confirm_condition(
            db_session=db_session,
            clock=c,
            actor=DONGSHENG_OFFICER,
            incident_id=incident.id,
            response_id=response.id,
            condition=condition,
        )
    c.advance(hours=6)
    ended = command.end(
        db_session=db_session,
        clock=c,
        actor=DONGSHENG_COMMANDER,
        incident_id=incident.id,
        response_id=response.id,
        reason=UNDONE_OK,
    )
    assert ended.ended_at == c.now()
    assert incident.status is IncidentStatus.ENDED
    post = [
        o
        for o in service.obligations(db_session=db_session, incident=incident)
        if o.kind in (ObligationKind.EVALUATION_REPORT, ObligationKind.POST_EVENT)
    ]
    assert post and all(o.due_at is None for o in post)  # Dongsheng sets no day count: 及时


def test_upgrade_needs_a_reason_and_the_higher_decider(db_session: Session, divisions: int) -> None:
    c = clock()
    incident, _ = service.report_initial(db_session=db_session, clock=c, actor=BAOTOU_OFFICER, report=initial())
    with pytest.raises(InvalidInput) as no_reason:
        command.start(
            db_session=db_session,
            clock=c,
            actor=BAOTOU_COMMANDER,
            incident_id=incident.id,
            data=StartResponse(plan_id="baotou-noncoal-2025", level=2),
        )
    assert no_reason.value.field == "reason"
    response = command.start(
        db_session=db_session,
        clock=c,
        actor=BAOTOU_OFFICER,
        incident_id=incident.id,
        data=StartResponse(plan_id="baotou-noncoal-2025", level=3),
    )
    with pytest.raises(Forbidden):  # 二级 is decided by the city government (000#L422): the duty officer cannot
        command.adjust(
            db_session=db_session,
            clock=c,
            actor=BAOTOU_OFFICER,
            incident_id=incident.id,
            response_id=response.id,
            data=AdjustResponse(level=2, reason="舆情热点，报批提级"),
        )
    raised = command.adjust(
        db_session=db_session,
        clock=c,
        actor=BAOTOU_COMMANDER,
        incident_id=incident.id,
        response_id=response.id,
        data=AdjustResponse(level=2, reason="舆情热点，报批提级"),
    )
    assert raised.level == 2


def test_duplicate_submission_returns_the_same_record(db_session: Session, divisions: int) -> None:
    c = clock()
    first, created = service.report_initial(db_session=db_session, clock=c, actor=BAOTOU_OFFICER, report=initial())
    again, created_again = service.report_initial(
        db_session=db_session, clock=c, actor=BAOTOU_OFFICER, report=initial()
    )
    assert created and not created_again and again.id == first.id
    with pytest.raises(Conflict):  # the same key with another body is not a repeat
        service.report_initial(db_session=db_session, clock=c, actor=BAOTOU_OFFICER, report=initial(title="另一事故"))
    other, created_other = service.report_initial(
        db_session=db_session, clock=c, actor=JIUYUAN_OFFICER, report=initial()
    )
    assert created_other and other.id != first.id  # keys belong to their submitter: no blocking, no leaking
    assert db_session.scalar(select(func.count()).select_from(Incident)) == 2


def test_initial_report_needs_what_the_plans_require(db_session: Session, divisions: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.report_initial(
            db_session=db_session,
            clock=clock(),
            actor=BAOTOU_OFFICER,
            report=initial(scene=None, direct_loss_yuan=None, impact=None),
        )
    details = caught.value.params["details"]
    assert isinstance(details, list)
    fields = {d["field"] for d in details}
    assert {"scene", "impact_or_loss"} <= fields


def test_clocks_survive_a_restart(tmp_path: Path) -> None:
    """Obligations are rows: a new process finds and flags what fell due while it was down."""
    url = f"sqlite:///{tmp_path / 'restart.sqlite3'}"
    first = make_engine(url)
    migrate.upgrade(first)
    c = clock()
    with make_sessionmaker(first)() as db_session, transaction(db_session):
        load_divisions(db_session=db_session)
        service.report_initial(db_session=db_session, clock=c, actor=BAOTOU_OFFICER, report=initial())
    first.dispose()  # the process stops
    c.advance(hours=4)
    second = make_engine(url)
    flagged, _sent, _failed = Worker(make_sessionmaker(second), c, interval=1).run_once()
    assert flagged >= 4
    with make_sessionmaker(second)() as db_session:
        late = db_session.scalars(select(Obligation).where(Obligation.overdue_flagged_at.is_not(None))).all()
        assert {o.to_body for o in late} >= {"国家矿山安全监察局内蒙古局", "包头市应急管理局（矿山安全监管局）"}
    second.dispose()


def test_a_follow_up_keeps_counts_it_does_not_state(db_session: Session, divisions: int) -> None:
    c = clock()
    incident, _ = service.report_initial(db_session=db_session, clock=c, actor=BAOTOU_OFFICER, report=initial())
    service.report_follow_up(
        db_session=db_session,
        clock=c,
        actor=BAOTOU_OFFICER,
        incident_id=incident.id,
        report=FollowUpReport.model_validate({"client_key": "report-0003", "trapped": 1}),
    )
    assert (incident.facts["deaths"], incident.facts["trapped"]) == (1, 1)
    assert service.assessments(db_session=db_session, incident=incident)[0].grade == 4  # 1 dead + 1 trapped: 一般


def test_dongsheng_final_report_needs_the_plans_contents(db_session: Session, divisions: int) -> None:
    """东胜区 总结报告: 事发原因、经验教训、整改措施… (001#L2749-2753)."""
    c = clock()
    report = initial(division_code="150602", deaths=1, trapped=0, client_key="report-ds-03")
    incident, _ = service.report_initial(db_session=db_session, clock=c, actor=DONGSHENG_OFFICER, report=report)
    with pytest.raises(InvalidInput) as caught:
        service.report_follow_up(
            db_session=db_session,
            clock=c,
            actor=DONGSHENG_OFFICER,
            incident_id=incident.id,
            report=FollowUpReport.model_validate({"client_key": "report-ds-04", "kind": "final"}),
        )
    assert str(caught.value.field).startswith("content.")


def test_immediate_hops_are_tracked_without_an_invented_deadline(db_session: Session, divisions: int) -> None:
    c = clock()
    incident, _ = service.report_initial(db_session=db_session, clock=c, actor=BAOTOU_OFFICER, report=initial())
    first = hop(db_session, incident, "矿山负责人")
    assert first.due_at is None and first.window_minutes is None
    c.advance(days=1)
    assert not service.is_late(first, c.now())


def test_release_is_made_by_the_body_the_plan_names(db_session: Session, divisions: int) -> None:
    """Ordos non-coal: 一般 → 事发地旗区人民政府; sensitive 一般 → 市委宣传部 (003#L16 四（五）)."""
    c = clock()
    report = initial(division_code="150602", deaths=1, trapped=0, client_key="report-ds-05")
    incident, _ = service.report_initial(db_session=db_session, clock=c, actor=DONGSHENG_OFFICER, report=report)
    text = ReleaseIn(plan_id="ordos-noncoal-2024", text="事故基本情况通报")
    with pytest.raises(Forbidden):
        command.release(db_session=db_session, clock=c, actor=ORDOS_COMMANDER, incident_id=incident.id, data=text)
    command.release(db_session=db_session, clock=c, actor=DONGSHENG_COMMANDER, incident_id=incident.id, data=text)
    service.report_follow_up(
        db_session=db_session,
        clock=c,
        actor=DONGSHENG_OFFICER,
        incident_id=incident.id,
        report=follow_up("report-ds-06", deaths=1, conditions=["sensitive"]),
    )
    with pytest.raises(Forbidden):
        command.release(db_session=db_session, clock=c, actor=DONGSHENG_COMMANDER, incident_id=incident.id, data=text)
    command.release(db_session=db_session, clock=c, actor=ORDOS_COMMANDER, incident_id=incident.id, data=text)


def test_the_timeline_is_append_only(db_session: Session, divisions: int) -> None:
    incident, _ = service.report_initial(db_session=db_session, clock=clock(), actor=BAOTOU_OFFICER, report=initial())
    db_session.flush()
    for statement in ("UPDATE incident_event SET summary = '改写'", "DELETE FROM incident_event"):
        with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
            db_session.execute(text(statement))
    assert len(timeline.events(db_session=db_session, incident=incident)) >= 2


# --- review findings: each would have let the wrong body act or a clock lie ----------------------------------------


def test_a_lower_body_cannot_downgrade_or_end_a_higher_bodys_response(db_session: Session, divisions: int) -> None:
    """包头非煤 二级 is decided by the city government (000#L422); the duty officer decides only 三级/四级."""
    c = clock()
    incident, _ = service.report_initial(db_session=db_session, clock=c, actor=BAOTOU_OFFICER, report=initial())
    response = command.start(
        db_session=db_session,
        clock=c,
        actor=BAOTOU_COMMANDER,
        incident_id=incident.id,
        data=StartResponse(plan_id="baotou-noncoal-2025", level=2, reason="舆情热点"),
    )
    with pytest.raises(Forbidden):
        command.adjust(
            db_session=db_session,
            clock=c,
            actor=BAOTOU_OFFICER,
            incident_id=incident.id,
            response_id=response.id,
            data=AdjustResponse(level=4, reason="情况好转"),
        )
    for condition in all_plans()["baotou-noncoal-2025"].end_conditions.all_of:
        command.confirm_condition(
            db_session=db_session,
            clock=c,
            actor=BAOTOU_OFFICER,
            incident_id=incident.id,
            response_id=response.id,
            condition=condition,
        )
    with pytest.raises(Forbidden):
        command.end(
            db_session=db_session,
            clock=c,
            actor=BAOTOU_OFFICER,
            incident_id=incident.id,
            response_id=response.id,
            reason=UNDONE_OK,
        )
    with pytest.raises(InvalidInput):
        command.adjust(
            db_session=db_session,
            clock=c,
            actor=BAOTOU_COMMANDER,
            incident_id=incident.id,
            response_id=response.id,
            data=AdjustResponse(level=2, reason="级别保持不变"),
        )
    command.end(
        db_session=db_session,
        clock=c,
        actor=BAOTOU_COMMANDER,
        incident_id=incident.id,
        response_id=response.id,
        reason=UNDONE_OK,
    )
    again = command.start(
        db_session=db_session,
        clock=c,
        actor=BAOTOU_OFFICER,
        incident_id=incident.id,
        data=StartResponse(plan_id="baotou-noncoal-2025", level=3),
    )
    for condition in all_plans()["baotou-noncoal-2025"].end_conditions.all_of:
        command.confirm_condition(
            db_session=db_session,
            clock=c,
            actor=BAOTOU_OFFICER,
            incident_id=incident.id,
            response_id=again.id,
            condition=condition,
        )
    command.end(
        db_session=db_session,
        clock=c,
        actor=BAOTOU_OFFICER,
        incident_id=incident.id,
        response_id=again.id,
        reason=UNDONE_OK,
    )


def test_raising_a_level_opens_its_actions(db_session: Session, divisions: int) -> None:
    c = clock()
    incident, _ = service.report_initial(
        db_session=db_session, clock=c, actor=BAOTOU_OFFICER, report=initial(deaths=1, trapped=0)
    )
    response = command.start(
        db_session=db_session,
        clock=c,
        actor=BAOTOU_OFFICER,
        incident_id=incident.id,
        data=StartResponse(plan_id="baotou-noncoal-2025", level=4),
    )
    assert not response.has_onsite_hq
    count = len(db_session.scalars(select(Task).where(Task.response_id == response.id)).all())
    command.adjust(
        db_session=db_session,
        clock=c,
        actor=BAOTOU_OFFICER,
        incident_id=incident.id,
        response_id=response.id,
        data=AdjustResponse(level=3, reason="被困人员增加"),
    )
    tasks = db_session.scalars(select(Task).where(Task.response_id == response.id)).all()
    assert response.has_onsite_hq and len(tasks) > count
    assert any(t.source is TaskSource.WORKING_GROUP for t in tasks)


def test_plan_override_is_bounded(db_session: Session, divisions: int) -> None:
    c = clock()
    incident, _ = service.report_initial(db_session=db_session, clock=c, actor=JIUYUAN_OFFICER, report=initial())
    cases = [
        (JIUYUAN_OFFICER, ["baotou-coal-2025"], Forbidden),  # changing the city's plan is the city's call
        (BAOTOU_OFFICER, ["baotou-noncoal-2025", "ordos-noncoal-2024"], InvalidInput),  # not this place
        (BAOTOU_OFFICER, ["baotou-noncoal-2025", "baotou-coal-2025"], InvalidInput),  # two city plans
        (actor(Role.EXPERT, "150200"), ["baotou-coal-2025"], Forbidden),
    ]
    for who, plan_ids, error in cases:
        with pytest.raises(error):
            service.override_plans(
                db_session=db_session,
                clock=c,
                actor=who,
                incident_id=incident.id,
                override=PlanOverride(plan_ids=plan_ids, reason="核实为煤矿事故"),
            )
    service.override_plans(
        db_session=db_session,
        clock=c,
        actor=BAOTOU_OFFICER,
        incident_id=incident.id,
        override=PlanOverride(plan_ids=["baotou-coal-2025"], reason="核实为煤矿事故"),
    )
    old = [
        o for o in service.obligations(db_session=db_session, incident=incident) if o.plan_id == "baotou-noncoal-2025"
    ]
    assert old and all(o.withdrawn_at is not None or o.acknowledged_at is not None for o in old)
    c.advance(hours=6)
    check_clocks(db_session=db_session, clock=c)
    assert all(o.overdue_flagged_at is None for o in old)


def test_read_only_and_enterprise_limits(db_session: Session, divisions: int) -> None:
    c = clock()
    with pytest.raises(Forbidden):
        service.report_initial(db_session=db_session, clock=c, actor=actor(Role.EXPERT, "150200"), report=initial())
    company = factories.enterprise(db_session, "甲矿业公司", "150207")
    factories.mine(db_session, "甲矿一号井", "甲矿业公司", "150207")
    reporter = Actor(
        username="jia", role=Role.ENTERPRISE_REPORTER, organisation_id=company.id, organisation_division="150207"
    )
    with pytest.raises(Forbidden):  # social impact and conditions are the officers' judgement
        service.report_initial(
            db_session=db_session, clock=c, actor=reporter, report=initial(mine="甲矿一号井", conditions=["sensitive"])
        )
    with pytest.raises(InvalidInput):  # the place is where the mine is
        service.report_initial(
            db_session=db_session, clock=c, actor=reporter, report=initial(mine="甲矿一号井", division_code="150202")
        )
    incident, _ = service.report_initial(
        db_session=db_session, clock=c, actor=reporter, report=initial(mine="甲矿一号井")
    )
    to_county = hop(db_session, incident, "事发地旗县级应急管理局（矿山安全监管局）")
    with pytest.raises(Forbidden):  # receipt is confirmed by the receiving duty officer
        service.acknowledge(
            db_session=db_session,
            clock=c,
            actor=reporter,
            incident_id=incident.id,
            obligation_id=to_county.id,
            receipt=Acknowledge(received_at=c.now(), received_by="甲矿"),
        )


def test_clocks_cannot_be_pushed_into_the_future(db_session: Session, divisions: int) -> None:
    c = clock()
    with pytest.raises(InvalidInput) as future:
        service.report_initial(
            db_session=db_session, clock=c, actor=BAOTOU_OFFICER, report=initial(known_at=c.now() + timedelta(days=365))
        )
    assert future.value.field == "known_at"
    incident, _ = service.report_initial(
        db_session=db_session, clock=c, actor=BAOTOU_OFFICER, report=initial(known_at=c.now() + timedelta(minutes=3))
    )
    assert incident.known_at == c.now()  # within the skew, but never later than the platform heard of it


def test_grade_changes_move_the_clocks(db_session: Session, divisions: int) -> None:
    """A rise found hours later starts new hops from that report; a fall withdraws hops no longer required."""
    c = clock()
    incident, _ = service.report_initial(
        db_session=db_session, clock=c, actor=BAOTOU_OFFICER, report=initial(sector="coal_mine", deaths=2, trapped=0)
    )
    c.advance(hours=5)
    service.report_follow_up(
        db_session=db_session,
        clock=c,
        actor=BAOTOU_OFFICER,
        incident_id=incident.id,
        report=follow_up("report-0011", deaths=4),
    )
    region = hop(db_session, incident, "内蒙古自治区应急管理厅")
    assert region.due_at is not None and region.due_at > c.now()
    service.report_follow_up(
        db_session=db_session,
        clock=c,
        actor=BAOTOU_OFFICER,
        incident_id=incident.id,
        report=follow_up("report-0012", deaths=2),
    )
    assert region.withdrawn_at == c.now()
    assert not service.is_late(region, c.now() + timedelta(days=1))


def test_more_people_trapped_at_the_same_grade_proposes_a_higher_level(db_session: Session, divisions: int) -> None:
    """Dongsheng: 1 → 12 trapped keeps 一般 but moves Ⅳ → Ⅱ (001 D6.7)."""
    c = clock()
    report = initial(division_code="150602", deaths=0, trapped=1, client_key="report-ds-07")
    incident, _ = service.report_initial(db_session=db_session, clock=c, actor=DONGSHENG_OFFICER, report=report)
    service.report_follow_up(
        db_session=db_session,
        clock=c,
        actor=DONGSHENG_OFFICER,
        incident_id=incident.id,
        report=follow_up("report-ds-08", trapped=12),
    )
    proposals = [
        e for e in timeline.events(db_session=db_session, incident=incident) if e.kind == "escalation.proposed"
    ]
    assert {e.data["plan_id"] for e in proposals} >= {"dongsheng-2024"}
