"""Demo property data on real communities of 东胜区 and 昆都仑区: synthetic companies and compounds marked “（演示）”,
contracts (one filing overdue), complaints in several states, credit events and last year's published results —
all through the real services, so audit, events and the computed targets exist."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Role
from yingji.core.clock import Clock, FixedClock, to_local
from yingji.property import complaints, credit, duties, service, targets
from yingji.property.models import Committee, Compound, Management, PropertyCompany
from yingji.property.schemas import CompanyIn, CompoundIn, ContractIn, CountyIn, FilingIn

DONGSHENG = Actor(username="demo:dongsheng_housing", role=Role.COUNTY_OFFICER, division_code="150602")
KUNDULUN = Actor(username="demo:kundulun_housing", role=Role.COUNTY_OFFICER, division_code="150203")
BAOTOU = Actor(username="demo:baotou_housing", role=Role.CITY_OFFICER, division_code="150200")

COMPANIES = (
    # name, credit code (synthetic), division, party members, branch, staff, trained, professional, educated
    ("鄂尔多斯市安泰物业服务有限公司（演示）", "91150602MA0DEM01XA", "150602", 5, True, 120, 120, 30, 24),
    ("东胜区城和物业管理有限公司（演示）", "91150602MA0DEM02XA", "150602", 2, False, 60, 55, 12, 7),
    ("包头市鹿城物业服务有限公司（演示）", "91150203MA0DEM03XA", "150203", 8, True, 300, 300, 70, 60),
    ("包头市钢苑物业管理有限公司（演示）", "91150203MA0DEM04XA", "150203", 3, True, 90, 80, 20, 13),
)
# name, community code, buildings, households, year built, new, old, management, company index, committee, red
COMPOUNDS = (
    ("锦秀苑小区（演示）", "150602001002", 12, 860, 2012, False, False, "professional", 0, "owners", True),
    ("航空家园（演示）", "150602001003", 8, 540, 2019, True, False, "professional", 0, "owners", True),
    ("新村老旧小区（演示）", "150602001004", 6, 310, 1998, False, True, "quasi", None, "management", False),
    ("育才小区（演示）", "150602002001", 10, 720, 2008, False, False, "professional", 1, "none", False),
    ("民生花园（演示）", "150602002002", 4, 200, 1995, False, True, "none", None, "none", False),
    ("文苑名居（演示）", "150602003004", 15, 1100, 2021, True, False, "professional", 1, "owners", True),
    ("友谊十九街坊小区（演示）", "150203012023", 20, 1600, 1985, False, True, "professional", 3, "owners", False),
    ("保利花园（演示）", "150203012027", 18, 1450, 2016, False, False, "professional", 2, "owners", True),
    ("阳光春天小区（演示）", "150203007014", 9, 650, 2020, True, False, "professional", 2, "owners", False),
    ("团结十号街坊（演示）", "150203008019", 7, 480, 1990, False, True, "quasi", None, "management", False),
)


def load(*, db_session: Session, clock: Clock) -> int:
    """Load once: nothing when a company already exists. Returns the number of compounds added."""
    if db_session.scalar(select(func.count()).select_from(PropertyCompany)):
        return 0
    today = to_local(clock.now()).date()
    last_year = today.year - 1
    made = []
    for name, code, division, party, branch, staff, trained, prof, educated in COMPANIES:
        actor = DONGSHENG if division == "150602" else KUNDULUN
        data = CompanyIn(
            name=name,
            credit_code=code,
            division_code=division,
            party_members=party,
            party_branch=branch,
            staff=staff,
            staff_pre_job_trained=trained,
            professional_post_staff=prof,
            professional_post_staff_continuing_educated=educated,
        )
        made.append(service.save_company(db_session=db_session, clock=clock, actor=actor, data=data))
    places = []
    for name, code, buildings, households, built, new, old, management, index, committee, red in COMPOUNDS:
        actor = DONGSHENG if code.startswith("150602") else KUNDULUN
        place_data = CompoundIn(
            name=name,
            division_code=code,
            buildings=buildings,
            households=households,
            year_built=built,
            is_new=new,
            is_old=old,
            management=Management(management),
            company=made[index].name if index is not None else None,
            committee=Committee(committee),
            committee_formed_on=date(built + 2, 6, 1) if committee != "none" else None,
            committee_members=7 if committee != "none" else None,
            committee_party_members=4 if committee != "none" else None,
            red_property=red,
            service_grade=2 if management == "professional" else None,
            has_public_income=index is not None,
            separate_income_account=index is not None and red,
            fixed_parking_spaces=households // 2 if new else 0,
            spaces_with_charging=households // 2 if new else 0,
            fee_standard=Decimal("1.20") if management == "professional" else Decimal("0.50"),
        )
        places.append(service.save_compound(db_session=db_session, clock=clock, actor=actor, data=place_data))
    for index, place in enumerate(places):
        if place.company_id is None:
            continue
        actor = DONGSHENG if place.division_code.startswith("150602") else KUNDULUN
        owner = next(c for c in made if c.id == place.company_id)
        signed = today - timedelta(days=45 if index % 2 else 10)  # every other one past its 30 days
        contract = service.save_contract(
            db_session=db_session,
            clock=clock,
            actor=actor,
            data=ContractIn(
                compound_id=place.id,
                company=owner.name,
                signed_on=signed,
                starts_on=signed,
                ends_on=signed + timedelta(days=3 * 365),
                fee_standard=place.fee_standard or Decimal(1),
            ),
        )
        if index % 3 == 0:
            service.file_contract(
                db_session=db_session,
                clock=clock,
                actor=actor,
                contract_id=contract.id,
                data=FilingIn(filed_on=signed + timedelta(days=5)),
            )
    service.save_county(
        db_session=db_session,
        clock=clock,
        actor=KUNDULUN,
        division_code="150203",
        data=CountyIn(industry_party_committee_on=date(last_year, 9, 1)),
    )
    _complaints(db_session, clock, places)
    _credit(db_session, clock, made, last_year)
    duties.ensure(db_session=db_session, clock=clock)
    targets.load(db_session=db_session, clock=clock, actor=BAOTOU)
    targets.sync(db_session=db_session, clock=clock, actor=BAOTOU)
    return len(places)


def _complaints(db_session: Session, clock: Clock, places: list[Compound]) -> None:
    """Three complaints: one just filed, one answered and awaiting the owner, one overdue and escalated."""
    filed_at = clock.now() - timedelta(days=12)
    early = FixedClock(filed_at)
    late, _ = complaints.file(
        db_session=db_session,
        clock=early,
        channel="web",
        data=complaints.ComplaintIn(
            compound_id=places[3].id,
            category="电梯故障",
            content="3号楼电梯停运一周仍未修复（演示）",
            owner_phone="13800000001",
        ),
    )
    answered, _ = complaints.file(
        db_session=db_session,
        clock=clock,
        channel="hotline",
        data=complaints.ComplaintIn(
            compound_id=places[0].id,
            category="环境卫生",
            content="垃圾清运不及时，楼道堆放杂物（演示）",
            owner_phone="13800000002",
        ),
    )
    handler = Actor(username="demo:community", role=Role.GRASSROOTS_OFFICER, division_code=answered.handler_division)
    complaints.respond(
        db_session=db_session,
        clock=clock,
        actor=handler,
        complaint_id=answered.id,
        data=complaints.RespondIn(note="已联系业主，安排物业当日清理（演示）"),
    )
    complaints.resolve(
        db_session=db_session,
        clock=clock,
        actor=handler,
        complaint_id=answered.id,
        data=complaints.ResolveIn(answer="杂物已清理，垃圾改为每日清运两次（演示）", substantiated=True),
    )
    complaints.file(
        db_session=db_session,
        clock=clock,
        channel="web",
        data=complaints.ComplaintIn(
            compound_id=places[7].id,
            category="停车秩序",
            content="小区内车辆乱停占用消防通道（演示）",
            owner_phone="13800000003",
        ),
    )
    complaints.sweep(db_session=db_session, clock=clock)  # the twelve-day-old one has run out of time
    assert late.escalations >= 1


def _credit(db_session: Session, clock: Clock, made: list[PropertyCompany], year: int) -> None:
    """Last year's events and published results, so the grades, lists and the AA target have data."""
    events = (
        (0, "contract_performance", 10, "合同履约良好，业主满意度测评优秀（演示）"),
        (0, "street_community_opinion", 8, "街道、社区评价优秀（演示）"),
        (1, "daily_inspection", -15, "日常检查发现消防通道长期堵塞（演示）"),
        (1, "administrative_penalty", -10, "因未按规定公示收费标准受到行政处罚（演示）"),
        (2, "contract_performance", 6, "合同履约良好（演示）"),
        (3, "complaint_handling", -3, "投诉处理超时（演示）"),
    )
    past = FixedClock(clock.now().replace(year=year, month=12, day=1))
    for index, kind, points, note in events:
        company = made[index]
        actor = DONGSHENG if company.division_code == "150602" else KUNDULUN
        credit.add_event(
            db_session=db_session,
            clock=past,
            actor=actor,
            data=credit.EventIn(company_id=company.id, on=date(year, 11, 20), input=kind, points=points, note=note),
        )
    for actor in (DONGSHENG, KUNDULUN):
        credit.publish(db_session=db_session, clock=clock, actor=actor, year=year)
