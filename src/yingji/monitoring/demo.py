"""Demo measurement points and gateway accounts for the synthetic demo mines and ponds (data/demo_points.yaml)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth import service as auth_service
from yingji.auth.actor import SYSTEM
from yingji.auth.models import User
from yingji.auth.passwords import random_password
from yingji.auth.roles import Role
from yingji.auth.schemas import UserCreate
from yingji.core import yamlfile
from yingji.core.clock import Clock
from yingji.core.schemas import YingjiModel
from yingji.monitoring import points
from yingji.monitoring.models import MonitorPoint
from yingji.monitoring.schema import SensorKind
from yingji.registry.enums import MineKind, MineStatus, PondStatus
from yingji.registry.models import Mine, Organisation, TailingsPond

TEMPLATE_FILE = Path(__file__).parent / "data" / "demo_points.yaml"


class DemoPoint(YingjiModel):
    """A template point and the shape of its normal readings (baseline, diurnal amplitude, noise)."""

    code: Annotated[str, Field(pattern=r"^[A-Z0-9-]{2,20}$")]
    name: str
    kind: SensorKind
    location_class: str | None = None
    design: dict[str, float] | None = None
    clear_margin: float = 0.0
    polling_s: int = 30
    baseline: float
    amplitude: float
    noise: float


class DemoTemplate(YingjiModel):
    coal_underground: list[DemoPoint]
    pond: list[DemoPoint]


@cache
def template() -> DemoTemplate:
    return DemoTemplate.model_validate(yamlfile.read(TEMPLATE_FILE))


def demo_sites(db_session: Session) -> tuple[list[Mine], list[TailingsPond]]:
    """Synthetic producing underground coal mines and operating ponds: the ones that get sensors."""
    mines = db_session.scalars(
        select(Mine)
        .where(Mine.is_synthetic.is_(True), Mine.kind == MineKind.COAL_UNDERGROUND, Mine.status == MineStatus.PRODUCING)
        .order_by(Mine.id)
    )
    ponds = db_session.scalars(
        select(TailingsPond)
        .where(TailingsPond.is_synthetic.is_(True), TailingsPond.status == PondStatus.OPERATING)
        .order_by(TailingsPond.id)
    )
    return list(mines), list(ponds)


def site_code(site: Mine | TailingsPond, code: str) -> str:
    return f"{'M' if isinstance(site, Mine) else 'P'}{site.id}-{code}"


def load_points(*, db_session: Session, clock: Clock) -> int:
    """Register the template's points at every demo site that has none yet; returns how many were created."""
    created = 0
    mines, ponds = demo_sites(db_session)
    sites: list[tuple[Mine | TailingsPond, list[DemoPoint]]] = [(m, template().coal_underground) for m in mines]
    sites += [(p, template().pond) for p in ponds]
    for site, rows in sites:
        for row in rows:
            code = site_code(site, row.code)
            exists = select(MonitorPoint.id).where(
                MonitorPoint.enterprise_id == site.enterprise_id, MonitorPoint.code == code
            )
            if db_session.scalars(exists).first() is not None:
                continue
            data = points.PointIn(
                code=code,
                name=row.name,
                kind=row.kind,
                mine=site.name if isinstance(site, Mine) else None,
                pond=site.name if isinstance(site, TailingsPond) else None,
                location_class=row.location_class,
                design=row.design,
                clear_margin=row.clear_margin,
                polling_s=row.polling_s,
            )
            points.save(db_session=db_session, clock=clock, actor=SYSTEM, data=data)
            created += 1
    return created


def gateway_tokens(*, db_session: Session, clock: Clock) -> dict[int, str]:
    """One gateway account per enterprise with demo points, and a fresh API token for each (enterprise id → token)."""
    owners = db_session.scalars(select(MonitorPoint.enterprise_id).distinct().order_by(MonitorPoint.enterprise_id))
    tokens: dict[int, str] = {}
    for enterprise_id in owners:
        username = f"gateway-{enterprise_id}"
        if db_session.scalars(select(User).where(User.username == username)).first() is None:
            organisation = db_session.get(Organisation, enterprise_id)
            assert organisation is not None
            data = UserCreate(
                username=username,
                display_name=f"{organisation.name}监测网关",
                password=random_password([username]),  # never used: gateways authenticate with tokens
                role=Role.ENTERPRISE_REPORTER,
                organisation=organisation.name,
            )
            auth_service.create_user(db_session=db_session, clock=clock, actor=SYSTEM, data=data)
        auth_service.revoke_tokens(db_session=db_session, clock=clock, actor=SYSTEM, username=username)  # last run's
        tokens[enterprise_id] = auth_service.create_api_token(
            db_session=db_session, clock=clock, actor=SYSTEM, username=username, name="simulate"
        )
    return tokens
