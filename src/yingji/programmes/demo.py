"""Demo programme data in 包头: an open round of the quality award with one application at the county review, a first
batch of heritage bearers with the expert pool, and a rehabilitation institution with this year's agreement — all
synthetic (“（演示）”) and all made through the real services, so history and audit exist."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.auth.actor import SYSTEM, Actor
from yingji.auth.roles import Role
from yingji.core.clock import Clock, to_local
from yingji.programmes import panels, rehab, service
from yingji.programmes.models import Round
from yingji.programmes.schemas import ApplicationIn, PoolMemberIn, RoundIn
from yingji.registry import service as registry
from yingji.registry.specs import BY_NAME

CITY = Actor(username="demo:baotou_quality", role=Role.CITY_OFFICER, division_code="150200")
FIRM = "包头稀土测试新材料有限公司（演示）"
EXPERTS = (
    ("民族医药专家甲（演示）", "传统医药"),
    ("民族医药专家乙（演示）", "传统医药"),
    ("工艺美术专家（演示）", "传统技艺"),
)


def _save(db_session: Session, clock: Clock, entity: str, **values: object) -> int:
    spec = BY_NAME[entity]
    row = registry.save(db_session=db_session, clock=clock, actor=SYSTEM, spec=spec, data=spec.schema(**values))
    return int(row.id)  # type: ignore[attr-defined]


def load(*, db_session: Session, clock: Clock) -> int:
    """Load once: nothing when a round exists. Returns the number of rounds added."""
    if db_session.scalar(select(func.count()).select_from(Round)):
        return 0
    today = to_local(clock.now()).date()
    firm = _save(
        db_session, clock, "organisations", name=FIRM, kind="enterprise", division_code="150203", is_synthetic=True
    )
    award = service.open_round(
        db_session=db_session,
        clock=clock,
        actor=CITY,
        data=RoundIn(
            programme="baotou-quality-award",
            number=1,
            title=f"{today.year}年度包头市市长质量奖（演示）",
            approval_ref="市政府专题会议纪要（演示）",
            approved_on=today,
            notice_on=today,
            apply_until=date(today.year + 1, 3, 31),
        ),
    )
    applicant = Actor(
        username="demo:firm", role=Role.ENTERPRISE_REPORTER, organisation_id=firm, organisation_division="150203"
    )
    facts: dict[str, bool | float] = {
        "registered_locally": True,
        "operating_years": 12,
        "chief_quality_officer": True,
        "excellence_years": 4,
        "industry_leader": True,
        "outstanding_results": True,
        "policy_noncompliant": False,
        "licences_missing": False,
        "credit_listed": False,
    }
    service.submit(
        db_session=db_session,
        clock=clock,
        actor=applicant,
        data=ApplicationIn(
            round_id=award.id,
            organisation_id=firm,
            facts=facts,
            materials=["application_form", "self_assessment", "proofs", "secrets_declaration"],
        ),
    )
    service.open_round(
        db_session=db_session,
        clock=clock,
        actor=CITY,
        data=RoundIn(
            programme="baotou-ich-bearers",
            number=1,
            title="第一批包头市级非遗代表性传承人认定（演示）",
            approval_ref="包文旅广电局通知（演示）",
            approved_on=today,
            notice_on=today,
            apply_until=date(today.year + 1, 3, 31),
        ),
    )
    for name, category in EXPERTS:
        expert = _save(
            db_session, clock, "experts", name=name, division_code="150200", specialties=[category], is_synthetic=True
        )
        panels.add_pool_member(
            db_session=db_session,
            clock=clock,
            actor=CITY,
            pool="ich",
            owner_division="150200",
            owner="包头市文化旅游广电局",
            data=PoolMemberIn(expert_id=expert, categories=[category], appointed_on=today),
            term_years=None,
            required=[],
        )
    hospital = rehab.add_institution(
        db_session=db_session,
        clock=clock,
        actor=CITY,
        data=rehab.InstitutionIn(
            name="包头市康复医院（演示）",
            kind="康复医院",
            division_code="150203",
            conditions=["licensed", "premises", "transport", "compliance"],
            night_rehab=True,
        ),
    )
    rehab.sign(
        db_session=db_session,
        clock=clock,
        actor=CITY,
        institution_id=hospital.id,
        data=rehab.AgreementIn(year=today.year, signed_on=date(today.year, 1, 2)),
    )
    return 2
