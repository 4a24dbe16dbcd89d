"""Who may do what on an incident (issue 21 item 11), on SQLite and PostgreSQL: receipts of reports belong to the
receiving body (or its superior, recorded as such) with the time actually received and who took it; an enterprise
files only where its unit or mine is; end conditions are the responding HQ's; no invented evaluation recipient."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests import factories
from tests.factories.incidents import T0, actor, initial
from yingji.auth.actor import SYSTEM, Actor
from yingji.auth.roles import Role
from yingji.core.clock import FixedClock
from yingji.core.errors import Forbidden, InvalidInput, YingjiError
from yingji.incidents import command, service
from yingji.incidents.enums import ObligationKind
from yingji.incidents.models import Incident, Obligation
from yingji.incidents.schemas import Acknowledge, StartResponse
from yingji.plans.loader import all_plans

pytestmark = pytest.mark.db

JIUYUAN = actor(Role.COUNTY_OFFICER, "150207", "jiuyuan_duty")  # 九原区: the mine's county
BAOTOU = actor(Role.CITY_OFFICER, "150200", "baotou_duty")
BAOTOU_COMMANDER = actor(Role.HQ_COMMANDER, "150200", "baotou_commander")
BAOTOU_EXPERT = actor(Role.EXPERT, "150200", "baotou_expert")
DONGSHENG = actor(Role.COUNTY_OFFICER, "150602", "dongsheng_duty")
DONGSHENG_COMMANDER = actor(Role.HQ_COMMANDER, "150602", "dongsheng_commander")
ORDOS = actor(Role.CITY_OFFICER, "150600", "ordos_duty")
ORDOS_COMMANDER = actor(Role.HQ_COMMANDER, "150600", "ordos_commander")
ENTERPRISE = "enterprise"  # the incident's own enterprise account, built per test (its id is the row's)

COUNTY_BUREAU = "事发地旗县级应急管理局（矿山安全监管局）"
CITY_BUREAU = "包头市应急管理局（矿山安全监管局）"


UNDONE_OK = "余下报告与任务转入后期处置"  # tasks stay open in these cases: ending them says why


def clock() -> FixedClock:
    return FixedClock(factories.CLOCK.now())


def mine_incident(db_session: Session, c: FixedClock) -> tuple[Incident, Actor]:
    """九原区: 1 dead + 2 trapped at 甲矿一号井 → 较大 under the Baotou non-coal plan (000#L721), filed by the mine."""
    company = factories.enterprise(db_session, "甲矿业公司", "150207")
    factories.mine(db_session, "甲矿一号井", "甲矿业公司", "150207")
    reporter = Actor(
        username="jia", role=Role.ENTERPRISE_REPORTER, organisation_id=company.id, organisation_division="150207"
    )
    incident, _ = service.report_initial(
        db_session=db_session, clock=c, actor=reporter, report=initial(mine="甲矿一号井")
    )
    return incident, reporter


def hop(db_session: Session, incident: Incident, sender: str, recipient: str) -> Obligation:
    found = [
        o
        for o in service.obligations(db_session=db_session, incident=incident)
        if o.from_body == sender and o.to_body == recipient and o.withdrawn_at is None
    ]
    assert len(found) == 1, [
        (o.from_body, o.to_body) for o in service.obligations(db_session=db_session, incident=incident)
    ]
    return found[0]


def receipt(at: object = None, by: str = "张接报") -> Acknowledge:
    return Acknowledge.model_validate({"received_at": at or T0 + timedelta(minutes=2), "received_by": by})


RECEIPTS = [  # (sender, recipient, who records, capacity or None when refused) — Baotou non-coal 4.1
    pytest.param(
        "矿山负责人", COUNTY_BUREAU, JIUYUAN, "receiver", id="000#L520 the county bureau confirms its own receipt"
    ),
    pytest.param(
        "矿山负责人", COUNTY_BUREAU, BAOTOU, "superior", id="000#L520 the city, the county's superior, recorded as such"
    ),
    pytest.param("矿山负责人", COUNTY_BUREAU, ENTERPRISE, None, id="000#L520 the sending mine cannot confirm"),
    pytest.param("矿山负责人", COUNTY_BUREAU, BAOTOU_EXPERT, None, id="000#L520 an expert cannot confirm"),
    pytest.param("矿山负责人", COUNTY_BUREAU, SYSTEM, None, id="000#L520 the administrator is no receiving body"),
    pytest.param(COUNTY_BUREAU, CITY_BUREAU, BAOTOU, "receiver", id="000#L522 the city bureau confirms"),
    pytest.param(COUNTY_BUREAU, CITY_BUREAU, BAOTOU_COMMANDER, "receiver", id="000#L522 or the city's commander"),
    pytest.param(COUNTY_BUREAU, CITY_BUREAU, JIUYUAN, None, id="000#L522 the sending county cannot mark it reported"),
    pytest.param("事故现场有关人员", "矿山负责人", ENTERPRISE, "receiver", id="000#L520 the mine's manager receives"),
    pytest.param("事故现场有关人员", "矿山负责人", JIUYUAN, "superior", id="000#L520 the supervising county for it"),
    pytest.param(
        "矿山负责人", "国家矿山安全监察局内蒙古局", ENTERPRISE, "sender", id="000#L520 no account for the state bureau"
    ),
    pytest.param(
        "矿山负责人", "国家矿山安全监察局内蒙古局", JIUYUAN, "sender_superior", id="000#L520 or the mine's county"
    ),
    pytest.param("矿山负责人", "国家矿山安全监察局内蒙古局", BAOTOU, None, id="000#L520 not the city"),
    pytest.param("包头市人民政府", "内蒙古自治区人民政府", BAOTOU, "sender", id="000#L522 the city registers it"),
    pytest.param("包头市人民政府", "内蒙古自治区人民政府", JIUYUAN, None, id="000#L522 not a county"),
]


@pytest.mark.parametrize(("sender", "recipient", "who", "capacity"), RECEIPTS)
def test_a_receipt_belongs_to_the_receiving_body(
    db_session: Session, divisions: int, sender: str, recipient: str, who: Actor | str, capacity: str | None
) -> None:
    c = clock()
    incident, reporter = mine_incident(db_session, c)
    account = reporter if who == ENTERPRISE else who
    assert isinstance(account, Actor)
    obligation = hop(db_session, incident, sender, recipient)
    c.advance(minutes=10)
    if capacity is None:
        with pytest.raises(Forbidden):
            service.acknowledge(
                db_session=db_session,
                clock=c,
                actor=account,
                incident_id=incident.id,
                obligation_id=obligation.id,
                receipt=receipt(),
            )
        assert obligation.acknowledged_at is None
        return
    met = service.acknowledge(
        db_session=db_session,
        clock=c,
        actor=account,
        incident_id=incident.id,
        obligation_id=obligation.id,
        receipt=receipt(),
    )
    assert met.acknowledged_as == capacity and met.acknowledged_by == account.username
    assert (met.received_at, met.received_by, met.acknowledged_at) == (T0 + timedelta(minutes=2), "张接报", c.now())


RECEIVED_AT = [  # (minutes after the accident the report arrived, recorded at +90 min; late?) — 60 min, 000#L520
    pytest.param(30, False, id="000#L520 received in time, recorded late: not 迟报"),
    pytest.param(61, True, id="000#L520 received after 1 hour: 迟报"),
]


@pytest.mark.parametrize(("arrived", "late"), RECEIVED_AT)
def test_lateness_is_judged_on_the_time_received(db_session: Session, divisions: int, arrived: int, late: bool) -> None:
    c = clock()
    incident, _ = mine_incident(db_session, c)
    obligation = hop(db_session, incident, "矿山负责人", COUNTY_BUREAU)
    c.advance(minutes=90)
    met = service.acknowledge(
        db_session=db_session,
        clock=c,
        actor=JIUYUAN,
        incident_id=incident.id,
        obligation_id=obligation.id,
        receipt=receipt(T0 + timedelta(minutes=arrived)),
    )
    assert service.is_late(met, c.now()) is late
    late_hops = service.late_counts(db_session=db_session, incident_ids=[incident.id], now=c.now())[incident.id]
    open_late = sum(
        1 for o in service.obligations(db_session=db_session, incident=incident) if service.is_late(o, c.now())
    )
    assert late_hops == open_late  # the SQL count agrees with is_late


@pytest.mark.parametrize(
    ("received_at", "field"),
    [
        pytest.param(lambda now: now + timedelta(minutes=1), "received_at", id="later than now"),
        pytest.param(lambda now: T0 - timedelta(minutes=1), "received_at", id="before the accident"),
    ],
)
def test_the_time_received_is_entered_and_never_later_than_now(
    db_session: Session, divisions: int, received_at: object, field: str
) -> None:
    c = clock()
    incident, _ = mine_incident(db_session, c)
    obligation = hop(db_session, incident, "矿山负责人", COUNTY_BUREAU)
    assert callable(received_at)
    with pytest.raises(InvalidInput) as refused:
        service.acknowledge(
            db_session=db_session,
            clock=c,
            actor=JIUYUAN,
            incident_id=incident.id,
            obligation_id=obligation.id,
            receipt=receipt(received_at(c.now())),
        )
    assert refused.value.field == field and obligation.acknowledged_at is None


FILING_PLACES = [  # (who files, the place, outcome) — the place decides the plans (000#L520 事故发生地旗县级)
    pytest.param(ENTERPRISE, "150207", None, id="000#L520 the enterprise in its own county"),
    pytest.param(ENTERPRISE, "150206", "invalid_input", id="000#L520 the enterprise in another county of its city"),
    pytest.param(ENTERPRISE, "150205", None, id="000#L520 the enterprise where its other mine is"),
    pytest.param(BAOTOU, "150206", None, id="000#L520 a city officer may place the unit's accident in the city"),
]


@pytest.mark.parametrize(("who", "place", "code"), FILING_PLACES)
def test_an_enterprise_files_only_where_its_unit_or_mine_is(
    db_session: Session, divisions: int, who: Actor | str, place: str, code: str | None
) -> None:
    c = clock()
    company = factories.enterprise(db_session, "甲矿业公司", "150207")
    factories.mine(db_session, "甲矿二号井", "甲矿业公司", "150205")  # 石拐区
    reporter = Actor(
        username="jia", role=Role.ENTERPRISE_REPORTER, organisation_id=company.id, organisation_division="150207"
    )
    account = reporter if who == ENTERPRISE else who
    assert isinstance(account, Actor)
    report = initial(unit="甲矿业公司", division_code=place)
    if code is None:
        incident, _ = service.report_initial(db_session=db_session, clock=c, actor=account, report=report)
        assert incident.division_code == place and incident.enterprise_id == company.id
        return
    with pytest.raises(YingjiError) as refused:
        service.report_initial(db_session=db_session, clock=c, actor=account, report=report)
    assert refused.value.code == code and refused.value.field == "division_code"


def start_response(db_session: Session, c: FixedClock, plan_id: str) -> tuple[Incident, int]:
    if plan_id == "dongsheng-2024":  # Ⅳ: the district HQ (001#L2828 area)
        report = initial(division_code="150602", deaths=1, trapped=0, client_key="report-ds-09")
        incident, _ = service.report_initial(db_session=db_session, clock=c, actor=DONGSHENG, report=report)
        starter, level = DONGSHENG_COMMANDER, 4
    else:  # 较大 → 三级 by the city bureau (000#L422)
        incident, _ = service.report_initial(db_session=db_session, clock=c, actor=JIUYUAN, report=initial())
        starter, level = BAOTOU, 3
    response = command.start(
        db_session=db_session,
        clock=c,
        actor=starter,
        incident_id=incident.id,
        data=StartResponse(plan_id=plan_id, level=level),
    )
    return incident, response.id


END_CONDITIONS = [  # (plan, who confirms, allowed) — confirmations are the responding HQ's
    pytest.param("baotou-noncoal-2025", BAOTOU, True, id="000#L590 the city HQ's office (city duty officer)"),
    pytest.param("baotou-noncoal-2025", BAOTOU_COMMANDER, True, id="000#L590 the city commander"),
    pytest.param("baotou-noncoal-2025", JIUYUAN, False, id="000#L590 a county account cannot confirm the city's"),
    pytest.param("dongsheng-2024", DONGSHENG, True, id="001#L3510 the district HQ's office"),
    pytest.param("dongsheng-2024", DONGSHENG_COMMANDER, True, id="001#L3510 the district commander"),
    pytest.param("dongsheng-2024", ORDOS, False, id="001#L3510 the city duty officer cannot confirm the district's"),
    pytest.param("dongsheng-2024", ORDOS_COMMANDER, False, id="001#L3510 nor the city commander"),
]


@pytest.mark.parametrize(("plan_id", "who", "allowed"), END_CONDITIONS)
def test_end_conditions_are_confirmed_by_the_responding_hq(
    db_session: Session, divisions: int, plan_id: str, who: Actor, allowed: bool
) -> None:
    c = clock()
    incident, response_id = start_response(db_session, c, plan_id)
    condition = all_plans()[plan_id].end_conditions.all_of[0]

    def confirm() -> object:
        return command.confirm_condition(
            db_session=db_session,
            clock=c,
            actor=who,
            incident_id=incident.id,
            response_id=response_id,
            condition=condition,
        )

    if allowed:
        assert confirm() is not None
        return
    with pytest.raises(Forbidden) as refused:
        confirm()
    assert {b.seed for b in refused.value.basis} & {"000#L590", "001#L3510", "001#L3506"}


EVALUATION_RECIPIENTS = [  # the recipient of the 总结评估报告 is the plan's, or none
    pytest.param("baotou-noncoal-2025", "上一级指挥部、上一级人民政府", id="000#L616 上一级指挥部或上一级人民政府"),
    pytest.param("dongsheng-2024", "", id="001#L3606 the district plan names no recipient"),
]


@pytest.mark.parametrize(("plan_id", "recipient"), EVALUATION_RECIPIENTS)
def test_the_evaluation_report_goes_only_where_the_plan_says(
    db_session: Session, divisions: int, plan_id: str, recipient: str
) -> None:
    c = clock()
    incident, response_id = start_response(db_session, c, plan_id)
    starter = DONGSHENG_COMMANDER if plan_id == "dongsheng-2024" else BAOTOU
    for condition in all_plans()[plan_id].end_conditions.all_of:
        command.confirm_condition(
            db_session=db_session,
            clock=c,
            actor=starter,
            incident_id=incident.id,
            response_id=response_id,
            condition=condition,
        )
    c.advance(hours=5)
    command.end(
        db_session=db_session,
        clock=c,
        actor=starter,
        incident_id=incident.id,
        response_id=response_id,
        reason=UNDONE_OK,
    )
    (evaluation,) = [
        o
        for o in service.obligations(db_session=db_session, incident=incident)
        if o.kind is ObligationKind.EVALUATION_REPORT
    ]
    assert evaluation.to_body == recipient
    assert "上一级人民政府" not in evaluation.to_body or plan_id != "dongsheng-2024"
    c.advance(days=2)
    done = service.acknowledge(  # no recipient on this platform (or none named): the HQ that owes it registers it
        db_session=db_session,
        clock=c,
        actor=starter,
        incident_id=incident.id,
        obligation_id=evaluation.id,
        receipt=receipt(c.now() - timedelta(hours=1), by="评估报告接收人"),
    )
    assert done.acknowledged_as == "sender"
