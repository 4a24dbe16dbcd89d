"""Two coal-chemical enterprises in 达拉特旗 and one in 准格尔旗, with accounts at each level, as actors and as HTTP
headers; instruments are created through the service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests import factories
from yingji.audit.models import AuditEntry
from yingji.auth.actor import Actor
from yingji.auth.roles import Role
from yingji.metrology import service
from yingji.metrology.enums import CalibrationMethod, CalibrationResult
from yingji.metrology.models import Calibration, Instrument
from yingji.metrology.schemas import CalibrationIn, InstrumentIn

DALATE, ZHUNGEER = "150621", "150622"
TODAY = date(2026, 11, 23)  # factories.CLOCK in Asia/Shanghai


@dataclass(frozen=True)
class Site:
    dalate_a: int  # 达拉特旗, enterprise A
    dalate_b: int  # 达拉特旗, enterprise B
    zhungeer: int  # 准格尔旗
    actors: dict[str, Actor]


def instrument_body(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "气化炉原料煤皮带秤",
        "kind": "衡器",
        "quantity": "原料煤质量",
        "serial_no": "BS-001",
        "model": "ICS-20",
        "manufacturer": "示例衡器有限公司",
        "measuring_range": "0–500 t/h",
        "accuracy_class": "0.5级",
        "location": "气化装置原料煤输送线",
        "source_stream": "气化炉原料煤",
        "for_carbon_accounting": True,
        "interval_months": 12,
    }
    return body | extra


def calibration_body(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "calibrated_on": "2026-01-31",
        "method": "verification",
        "body": "鄂尔多斯市检验检测中心",
        "certificate_no": "JD-2026-0001",
        "result": "pass",
    }
    return body | extra


def make_instrument(db_session: Session, actor: Actor, organisation_id: int | None, **extra: Any) -> Instrument:
    data = InstrumentIn(**instrument_body(organisation_id=organisation_id, **extra))
    return service.create(db_session=db_session, clock=factories.CLOCK, actor=actor, data=data)


def calibrate(
    db_session: Session,
    actor: Actor,
    instrument: Instrument,
    on: date,
    result: CalibrationResult = CalibrationResult.PASS,
    certificate_no: str | None = None,
) -> Calibration:
    data = CalibrationIn(
        calibrated_on=on,
        method=CalibrationMethod.VERIFICATION,
        body="鄂尔多斯市检验检测中心",
        certificate_no=certificate_no or f"JD-{on.isoformat()}-{result.value}",
        result=result,
    )
    return service.record_calibration(
        db_session=db_session, clock=factories.CLOCK, actor=actor, instrument_id=instrument.id, data=data
    )


def counts(db_session: Session) -> tuple[int, int, int]:
    """(instruments, calibrations, audit entries): what an error must leave unchanged."""
    return (
        db_session.scalar(select(func.count()).select_from(Instrument)) or 0,
        db_session.scalar(select(func.count()).select_from(Calibration)) or 0,
        db_session.scalar(select(func.count()).select_from(AuditEntry)) or 0,
    )


@pytest.fixture
def site(db_session: Session, divisions: int) -> Site:
    a = factories.enterprise(db_session, "内蒙古示例煤化工有限公司", DALATE, sector="hazardous_chemicals")
    b = factories.enterprise(db_session, "达拉特旗示例甲醇有限公司", DALATE, sector="hazardous_chemicals")
    z = factories.enterprise(db_session, "准格尔旗示例煤制烯烃有限公司", ZHUNGEER, sector="hazardous_chemicals")
    factories.save(db_session, "organisations", name="达拉特旗市场监督管理局", kind="department", division_code=DALATE)

    def company(org: Any, name: str) -> Actor:
        return Actor(username=name, role=Role.ENTERPRISE_REPORTER, organisation_id=org.id, organisation_division=DALATE)

    actors = {
        "city": Actor(username="ordos", role=Role.CITY_OFFICER, division_code="150600"),
        "dalate": Actor(username="dalate", role=Role.COUNTY_OFFICER, division_code=DALATE),
        "zhungeer": Actor(username="zhungeer", role=Role.COUNTY_OFFICER, division_code=ZHUNGEER),
        "a": company(a, "company_a"),
        "b": company(b, "company_b"),
        "expert": Actor(username="expert", role=Role.EXPERT, division_code=DALATE),
    }
    return Site(dalate_a=a.id, dalate_b=b.id, zhungeer=z.id, actors=actors)


@pytest.fixture
def headers(site: Site, db_session: Session) -> dict[str, dict[str, str]]:
    """An account (and its Authorization header) per actor of the site."""
    made = {}
    for key, actor in site.actors.items():
        factories.user(
            db_session, actor.username, actor.role, division=actor.division_code, organisation_id=actor.organisation_id
        )
        made[key] = {"Authorization": f"Bearer {factories.token_for(db_session, actor.username)}"}
    return made
