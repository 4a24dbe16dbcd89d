"""The key-enterprise pollutant and carbon ledger (003#L20 “建立煤电、煤化工等重点行业企业污染物和碳排放管理台账”; 2026
“建立以重点企业信息台账为基础的污染物和碳排放协同管理机制”): one row per enterprise and year, yearly totals, the change
against 2023 over the same enterprises, and the facilities' mean efficiency carried into the pilot's KPI."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.audit.rows import record_change, snapshot
from yingji.auth.actor import Actor
from yingji.core.clock import Clock, to_local
from yingji.core.errors import Forbidden, InvalidInput, InvalidState, NotFound
from yingji.core.paging import PageParams, paginate
from yingji.emissions import policy
from yingji.emissions.models import EmissionEntry
from yingji.emissions.schemas import EntryIn, LedgerSummary, ToTargetsRead, YearSummary
from yingji.ledger import service as ledger
from yingji.ledger.models import Target
from yingji.ledger.service import ValueIn
from yingji.registry.enums import OrganisationKind
from yingji.registry.models import Organisation

BASE_YEAR = 2023  # the pilot's base for the cuts and the efficiency (“相较2023年”)
EFFICIENCY_TARGET = "重点企业环保设施运行效率"  # the KPI rows (by name in the targets' data) the mean is carried into
FIELDS = ("sector", "nox_t", "vocs_t", "co2_t", "facility_efficiency_pct", "source")
CENT = Decimal("0.01")


def _enterprise(db_session: Session, organisation_id: int) -> Organisation:
    org = db_session.get(Organisation, organisation_id)
    if org is None or org.kind is not OrganisationKind.ENTERPRISE:
        raise InvalidInput(field="organisation_id", reason="须为登记的企业", subcode="emissions.enterprise.unknown")
    return org


def _check(actor: Actor, clock: Clock, org: Organisation, year: int) -> None:
    if not policy.may_enter(actor, org.id, org.division_code):
        raise Forbidden(reason="只能填报本企业或本辖区企业的台账", subcode="emissions.entry.party")
    if year > to_local(clock.now()).year:
        raise InvalidInput(field="year", reason="不能填报未来年度", subcode="emissions.entry.future")


def create(*, db_session: Session, clock: Clock, actor: Actor, data: EntryIn) -> EmissionEntry:
    org = _enterprise(db_session, data.organisation_id)
    _check(actor, clock, org, data.year)
    taken = db_session.scalars(
        select(EmissionEntry.id).where(EmissionEntry.organisation_id == org.id, EmissionEntry.year == data.year)
    ).first()
    if taken is not None:
        raise InvalidState(reason=f"{org.name}{data.year}年度台账已填报，请更正", subcode="emissions.entry.exists")
    row = EmissionEntry(
        organisation_id=org.id,
        division_code=org.division_code,
        year=data.year,
        recorded_by=actor.username,
        recorded_at=clock.now(),
        **{f: getattr(data, f) for f in FIELDS},
    )
    db_session.add(row)
    record_change(db_session, clock, actor.username, "emissions.entry.create", row, None)
    return row


def visible(db_session: Session, actor: Actor, entry_id: int) -> EmissionEntry:
    row = db_session.scalars(select(EmissionEntry).where(EmissionEntry.id == entry_id, policy.scope(actor))).first()
    if row is None:
        raise NotFound(kind="台账", key=entry_id)
    return row


def correct(*, db_session: Session, clock: Clock, actor: Actor, entry_id: int, data: EntryIn) -> EmissionEntry:
    """A correction keeps the enterprise and year; the previous figures stay in the audit log."""
    row = visible(db_session, actor, entry_id)
    if (data.organisation_id, data.year) != (row.organisation_id, row.year):
        raise InvalidInput(field="year", reason="更正不能改变企业和年度", subcode="emissions.entry.key")
    _check(actor, clock, _enterprise(db_session, row.organisation_id), row.year)
    before = snapshot(row)
    for field in FIELDS:
        setattr(row, field, getattr(data, field))
    row.recorded_by = actor.username
    row.recorded_at = clock.now()
    record_change(db_session, clock, actor.username, "emissions.entry.correct", row, before)
    return row


def page(*, db_session: Session, actor: Actor, params: PageParams) -> tuple[Sequence[EmissionEntry], int]:
    query = select(EmissionEntry).where(policy.scope(actor))
    return paginate(db_session, query, params, order_by=[EmissionEntry.year.desc(), EmissionEntry.id])


def _mean(values: Sequence[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP) if values else None


def summary(*, db_session: Session, actor: Actor) -> LedgerSummary:
    rows = db_session.scalars(select(EmissionEntry).where(policy.scope(actor))).all()
    by_year: dict[int, dict[int, EmissionEntry]] = defaultdict(dict)
    for row in rows:
        by_year[row.year][row.organisation_id] = row
    base = by_year.get(BASE_YEAR, {})
    years = []
    for year in sorted(by_year, reverse=True):
        now = by_year[year]
        both = sorted(set(now) & set(base)) if year != BASE_YEAR else []
        then_eff = [base[o].facility_efficiency_pct for o in both]
        now_eff = [now[o].facility_efficiency_pct for o in both]
        mean_then, mean_now = _mean(then_eff), _mean(now_eff)
        change = None
        if mean_then and mean_now is not None:
            change = ((mean_now / mean_then - 1) * 100).quantize(CENT, ROUND_HALF_UP)
        years.append(
            YearSummary(
                year=year,
                enterprises=len(now),
                nox_t=sum((r.nox_t for r in now.values()), Decimal(0)),
                vocs_t=sum((r.vocs_t for r in now.values()), Decimal(0)),
                co2_t=sum((r.co2_t for r in now.values()), Decimal(0)),
                mean_efficiency_pct=_mean([r.facility_efficiency_pct for r in now.values()]),
                compared=len(both),
                nox_cut_vs_2023_t=sum((base[o].nox_t - now[o].nox_t for o in both), Decimal(0)) if both else None,
                vocs_cut_vs_2023_t=sum((base[o].vocs_t - now[o].vocs_t for o in both), Decimal(0)) if both else None,
                efficiency_change_vs_2023_pct=change,
            )
        )
    return LedgerSummary(
        years=years,
        note="较2023年的变化只比较两年均有台账的企业（同口径）；运行效率的变化为平均效率的相对变化。",
    )


def to_targets(*, db_session: Session, clock: Clock, actor: Actor, year: int) -> ToTargetsRead:
    """The year's mean facility efficiency of the key enterprises, entered as the value of the pilot's KPI rows that
    measure it (the rows whose baseline..target years hold the year), with the ledger as the stated source."""
    targets = [
        t
        for t in db_session.scalars(select(Target).where(Target.name == EFFICIENCY_TARGET).order_by(Target.id))
        if (t.baseline_year or t.target_year) <= year <= t.target_year and policy.may_total(actor, t.division_code)
    ]
    if not targets:
        raise Forbidden(reason="本账号没有可计入的指标", subcode="emissions.targets.none")
    rows = db_session.scalars(select(EmissionEntry).where(EmissionEntry.year == year, policy.scope(actor))).all()
    mean = _mean([r.facility_efficiency_pct for r in rows])
    if mean is None:
        raise InvalidState(reason=f"{year}年度尚无台账", subcode="emissions.targets.empty")
    source = f"重点企业污染物和碳排放台账（{len(rows)}家企业平均）"
    for target in targets:
        ledger.record_value(
            db_session=db_session,
            clock=clock,
            actor=actor,
            target_id=target.id,
            data=ValueIn(year=year, value=float(mean), source=source),
        )
    return ToTargetsRead(year=year, value=mean, targets=[f"{t.name}（{t.target_year}年）" for t in targets])
