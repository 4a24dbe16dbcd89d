"""The demo dataset the run command loads: real divisions, the bodies named in the six plans, the rescue teams in
the seed annexes, and clearly marked synthetic enterprises, mines, ponds and resources (registry/demo/*.csv).
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.auth import service as auth_service
from yingji.auth.actor import SYSTEM as SYSTEM_ADMIN
from yingji.auth.actor import Actor
from yingji.auth.models import User
from yingji.auth.passwords import hash_password, random_password
from yingji.auth.roles import Role
from yingji.auth.schemas import UserCreate
from yingji.core.clock import Clock
from yingji.plans.loader import all_plans
from yingji.registry import service
from yingji.registry.divisions import load_divisions
from yingji.registry.enums import OrganisationKind
from yingji.registry.models import Division, Organisation
from yingji.registry.specs import BY_NAME, SPECS

DEMO_DIR = Path(__file__).parent / "demo"
GOVERNMENT_SUFFIXES = ("人民政府", "政府")


def is_loaded(db_session: Session) -> bool:
    return bool(db_session.scalar(select(func.count()).select_from(Organisation)))


def plan_bodies() -> list[dict[str, object]]:
    """Return the HQ offices and member units of every plan as organisation rows, placed in the plan's division."""
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for plan in all_plans().values():
        division = plan.metadata.jurisdiction
        for unit in plan.member_units.units:
            kind = (
                OrganisationKind.GOVERNMENT if unit.name.endswith(GOVERNMENT_SUFFIXES) else OrganisationKind.DEPARTMENT
            )
            rows.setdefault(
                (unit.name, division),
                {"name": unit.name, "kind": kind.value, "division_code": division, "duty_phone": unit.duty_phone},
            )
        office = plan.headquarters.office
        rows.setdefault(
            (office, division),
            {
                "name": office,
                "kind": OrganisationKind.DEPARTMENT.value,
                "division_code": division,
                "duty_phone": plan.metadata.duty_phone,
            },
        )
    return list(rows.values())


def local_bodies(db_session: Session) -> list[dict[str, object]]:
    """Return a 人民政府 for every city and county and an 应急管理局 for every county (the supervisors of mines)."""
    rows: list[dict[str, object]] = []
    names = _full_names(db_session)
    for division in db_session.scalars(select(Division).where(Division.level.in_(["city", "county"]))):
        rows.append(
            {
                "name": f"{division.name}人民政府",
                "kind": OrganisationKind.GOVERNMENT.value,
                "division_code": division.code,
            }
        )
        if division.level == "county":
            rows.append(
                {
                    "name": names[division.code],
                    "kind": OrganisationKind.DEPARTMENT.value,
                    "division_code": division.code,
                }
            )
    return rows


def _full_names(db_session: Session) -> dict[str, str]:
    """Return each county's emergency bureau by its official name, city first (鄂尔多斯市东胜区应急管理局)."""
    divisions = {d.code: d for d in db_session.scalars(select(Division))}
    return {
        code: f"{divisions[d.parent_code].name if d.parent_code else ''}{d.name}应急管理局"
        for code, d in divisions.items()
        if d.level == "county"
    }


def _csv_rows(name: str, bureaus: dict[str, str]) -> list[tuple[int, dict[str, str]]]:
    """Read a demo file; a site without a named supervisor gets its county's emergency bureau."""
    path = DEMO_DIR / f"{name}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(index + 2, row) for index, row in enumerate(csv.DictReader(handle))]
    for _line, row in rows:
        if "supervising" in row and not row["supervising"]:
            row["supervising"] = bureaus.get(row["division_code"][:6], "")
    return rows


def load(*, db_session: Session, clock: Clock, actor: Actor) -> dict[str, int]:
    """Load everything in dependency order; idempotent (rows are matched by name). The caller commits."""
    counts = {"divisions": load_divisions(db_session=db_session)}
    organisations = BY_NAME["organisations"]
    bodies = [(i + 1, row) for i, row in enumerate(local_bodies(db_session) + plan_bodies())]
    report = service.import_rows(
        db_session=db_session, clock=clock, actor=actor, spec=organisations, rows=bodies, source="plans"
    )
    counts["plan_bodies"] = report.created + report.updated
    bureaus = _full_names(db_session)
    for spec in SPECS:
        rows = _csv_rows(spec.name, bureaus)
        if rows:
            report = service.import_rows(
                db_session=db_session, clock=clock, actor=actor, spec=spec, rows=rows, source=f"demo/{spec.name}.csv"
            )
            counts[spec.name] = report.created + report.updated
    return counts


DEMO_USERS = (
    ("admin", "系统管理员", Role.ADMIN, None),
    ("baotou_duty", "包头市值班员", Role.CITY_OFFICER, "150200"),
    ("ordos_duty", "鄂尔多斯市值班员", Role.CITY_OFFICER, "150600"),
    ("dongsheng_duty", "东胜区值班员", Role.COUNTY_OFFICER, "150602"),
    ("hangjin_duty", "杭锦旗值班员", Role.COUNTY_OFFICER, "150625"),
    ("baotou_commander", "包头市指挥员", Role.HQ_COMMANDER, "150200"),
    ("ordos_commander", "鄂尔多斯市指挥员", Role.HQ_COMMANDER, "150600"),
    ("dongsheng_commander", "东胜区指挥员", Role.HQ_COMMANDER, "150602"),
    ("ordos_met", "鄂尔多斯市气象局值班员", Role.MET_OFFICER, "150600"),
    ("jiaotong_street", "东胜区交通街道工作人员", Role.GRASSROOTS_OFFICER, "150602001"),
    ("jinxiu_community", "交通街道锦秀社区工作人员", Role.GRASSROOTS_OFFICER, "150602001002"),
    (
        "hangjin_edu",
        "杭锦旗教育体育局填报员",
        Role.UNIT_REPORTER,
        "杭锦旗教育体育局",
    ),  # a unit: its name, not a division
)


def ensure_demo_users(*, db_session: Session, clock: Clock) -> tuple[str, list[str]]:
    """Create the demo accounts with one fresh random password (never a fixed default); returns it once."""
    from yingji.duties.service import ensure_units

    ensure_units(db_session=db_session, clock=clock)  # the departments the unit accounts report for
    password = random_password(username for username, *_ in DEMO_USERS)
    hashed = ""  # made once, when the first account is created
    created = []
    for username, display_name, role, place in DEMO_USERS:
        if db_session.scalars(select(User).where(User.username == username)).first() is None:
            unit = role is Role.UNIT_REPORTER
            hashed = hashed or hash_password(password)
            data = UserCreate(
                username=username,
                display_name=display_name,
                password=password,
                role=role,
                division_code=None if unit else place,
                organisation=place if unit else None,
            )
            auth_service.create_user(db_session=db_session, clock=clock, actor=SYSTEM_ADMIN, data=data, hashed=hashed)
            created.append(username)
    return password, created


def issue_demo_warnings(*, db_session: Session, clock: Clock) -> list[int]:
    """One warning in force of each kind, issued by the bodies the plans name (a city for yellow, the city's
    meteorological bureau for the weather warning)."""
    from yingji.warnings import service as warnings
    from yingji.warnings.models import EarlyWarning
    from yingji.warnings.schemas import WarningDraft

    if db_session.scalar(select(func.count()).select_from(EarlyWarning)):
        return []  # already has warnings: never add demo ones on top

    baotou = Actor(username="demo:baotou_duty", role=Role.CITY_OFFICER, division_code="150200")
    ordos_met = Actor(username="demo:ordos_met", role=Role.MET_OFFICER, division_code="150600")
    drafts = [
        (
            baotou,
            WarningDraft.model_validate(
                {
                    "kind": "accident",
                    "plan_id": "baotou-noncoal-2025",
                    "level": 3,
                    "category": "尾矿库溃坝",
                    "title": "白云鄂博矿区尾矿库坝体渗流异常黄色预警（演示）",
                    "division_codes": ["150206"],
                    "fields": {
                        "可能影响范围": "尾矿库下游2公里内",
                        "警示事项": "坝体浸润线接近黄色预警值",
                        "事态发展": "连续降雨，浸润线仍在上升",
                        "相关措施": "撤离下游人员，加密巡查，备足抢险物资",
                        "咨询电话": "0472-0000000",
                    },
                }
            ),
        ),
        (
            ordos_met,
            WarningDraft.model_validate(
                {
                    "kind": "meteorological",
                    "plan_id": "ordos-weather-2024",
                    "level": 3,
                    "hazard": "rainstorm",
                    "category": "暴雨",
                    "title": "鄂尔多斯市暴雨黄色预警（演示）",
                    "division_codes": ["150600"],
                    "fields": {
                        "起始时间": "未来24小时",
                        "可能影响范围": "东胜区、康巴什区、伊金霍洛旗",
                        "预警时效": "24小时",
                    },
                }
            ),
        ),
    ]
    issued = []
    for who, draft in drafts:
        warning = warnings.create(db_session=db_session, clock=clock, actor=who, data=draft)
        issued.append(warnings.issue(db_session=db_session, clock=clock, actor=who, warning_id=warning.id).id)
    return issued
