"""The instrument registry on the database: register and edit instruments, record calibrations, list what is due.

鄂府发〔2024〕64号 asks for a platform that tracks the verification and calibration results of the enterprises'
carbon measuring instruments (003#L2, 四（三）10) with all instruments of 10 coal-chemical enterprises on it (003#L2,
附件2 2025年 11). Reads are limited to the caller's jurisdiction (enterprise accounts: their own enterprise) and an
out-of-scope read is 404; writes need ``registry.write`` and an out-of-scope write is 403. Every change is audited
with before/after in the caller's transaction; calibration records are append-only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from yingji.audit.rows import record_change, snapshot
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.clock import Clock, local_today
from yingji.core.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound, OutOfJurisdiction
from yingji.core.paging import PageParams, paginate
from yingji.metrology import policy, rules
from yingji.metrology.enums import DueState, InstrumentStatus
from yingji.metrology.models import Calibration, Instrument
from yingji.metrology.schemas import (
    CalibrationIn,
    CalibrationRead,
    InstrumentDetail,
    InstrumentIn,
    InstrumentRead,
    InstrumentUpdate,
    OrganisationTallyRead,
    OverdueReportRead,
)
from yingji.metrology.settings import defaults
from yingji.registry import divisions as division_names
from yingji.registry.enums import OrganisationKind
from yingji.registry.models import Organisation


def _audit(
    db_session: Session, clock: Clock, actor: Actor, action: str, row: Instrument | Calibration, before: Any
) -> None:
    record_change(db_session, clock, actor.username, action, row, before)


# --- scope ----------------------------------------------------------------------------------------------------------


def visible(db_session: Session, actor: Actor, instrument_id: int) -> Instrument:
    """Return an instrument the caller may read; a missing or hidden one is the same 404."""
    actor.require(Permission.REGISTRY_READ)
    row = db_session.scalars(select(Instrument).where(Instrument.id == instrument_id, policy.scope(actor))).first()
    if row is None:
        raise NotFound(kind="计量器具", key=str(instrument_id))
    return row


def writable(db_session: Session, actor: Actor, instrument_id: int) -> Instrument:
    """Return an instrument the caller may change, locked for the transaction; another's is 403."""
    actor.require(Permission.REGISTRY_WRITE)
    row = db_session.get(Instrument, instrument_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound(kind="计量器具", key=str(instrument_id))
    if not policy.covers(actor, row):
        if actor.organisation_id is not None:
            raise Forbidden(reason="企业账号只能登记和修改本企业的计量器具")
        raise OutOfJurisdiction(field="instrument_id", division=row.division_code)
    return row


def enterprise_for(db_session: Session, actor: Actor, organisation_id: int | None) -> Organisation:
    """Return the enterprise an instrument is registered to: an enterprise account's own, or one in scope."""
    if actor.organisation_id is not None:
        if organisation_id not in (None, actor.organisation_id):
            raise Forbidden(reason="企业账号只能登记本企业的计量器具")
        organisation_id = actor.organisation_id
    if organisation_id is None:
        raise InvalidInput(field="organisation_id", reason="organisation_id：须指明器具所属企业")
    org = db_session.get(Organisation, organisation_id)
    if org is None:
        raise InvalidInput(field="organisation_id", reason=f"organisation_id：没有编号为 {organisation_id} 的单位")
    if not actor.covers_record(division_code=org.division_code, organisation_id=org.id):
        raise OutOfJurisdiction(field="organisation_id", division=org.division_code)
    if org.kind is not OrganisationKind.ENTERPRISE:
        raise InvalidInput(field="organisation_id", reason=f"organisation_id：「{org.name}」不是企业")
    return org


def find(db_session: Session, organisation_id: int, serial_no: str) -> Instrument | None:
    query = select(Instrument).where(Instrument.organisation_id == organisation_id, Instrument.serial_no == serial_no)
    return db_session.scalars(query).first()


def _unique_serial(db_session: Session, organisation_id: int, serial_no: str, own_id: int | None = None) -> None:
    existing = find(db_session, organisation_id, serial_no)
    if existing is not None and existing.id != own_id:
        raise Conflict(field="serial_no", reason=f"本企业已登记出厂编号为「{serial_no}」的器具（#{existing.id}）")


# --- changes --------------------------------------------------------------------------------------------------------


def create(*, db_session: Session, clock: Clock, actor: Actor, data: InstrumentIn) -> Instrument:
    """Register an instrument of an enterprise; it has no valid calibration until one is recorded."""
    actor.require(Permission.REGISTRY_WRITE)
    org = enterprise_for(db_session, actor, data.organisation_id)
    if data.status is InstrumentStatus.SCRAPPED:
        raise InvalidInput(field="status", reason="status：新登记的器具不能为报废")
    _unique_serial(db_session, org.id, data.serial_no)
    now = clock.now()
    row = Instrument(
        **data.model_dump(exclude={"organisation_id"}),
        organisation_id=org.id,
        division_code=org.division_code,
        last_calibrated_on=None,
        last_result=None,
        next_due_on=None,
        created_at=now,
        updated_at=now,
    )
    db_session.add(row)
    _audit(db_session, clock, actor, "metrology.instrument.create", row, None)
    return row


def update(
    *, db_session: Session, clock: Clock, actor: Actor, instrument_id: int, data: InstrumentUpdate
) -> Instrument:
    """Change an instrument's particulars or status; a new interval moves the current due date with it."""
    row = writable(db_session, actor, instrument_id)
    changes = data.model_dump(exclude_unset=True)
    if not policy.changeable(row):
        raise InvalidState(subcode="metrology.instrument.update.scrapped", reason="已报废的计量器具不能再修改")
    wanted = changes.get("status")
    if wanted is not None:
        refusal = rules.status_change_refusal(row.status, wanted, row.last_result)
        if refusal is not None:
            raise InvalidInput(field="status", reason=f"status：{refusal}")
    if "serial_no" in changes:
        _unique_serial(db_session, row.organisation_id, changes["serial_no"], own_id=row.id)
    before = snapshot(row)
    for key, value in changes.items():
        setattr(row, key, value)
    if row.last_calibrated_on is not None and row.last_result is not None:
        row.next_due_on = rules.next_due(row.last_calibrated_on, row.interval_months, row.last_result)
    row.updated_at = clock.now()
    _audit(db_session, clock, actor, "metrology.instrument.update", row, before)
    return row


def future_date_problem(data: CalibrationIn, today: date) -> str | None:
    """A result dated after today is refused (checked again when a file is read, before anything is written)."""
    return "检定校准日期不能晚于今天" if data.calibrated_on > today else None


def record_calibration(
    *, db_session: Session, clock: Clock, actor: Actor, instrument_id: int, data: CalibrationIn
) -> Calibration:
    """Append a verification or calibration result; 不合格 suspends the instrument (停用) until one passes."""
    instrument = writable(db_session, actor, instrument_id)
    if not policy.changeable(instrument):
        raise InvalidState(
            subcode="metrology.calibration.record.scrapped", reason="已报废的计量器具不能再登记检定校准结果"
        )
    future = future_date_problem(data, local_today(clock))
    if future:
        raise InvalidInput(field="calibrated_on", reason=f"calibrated_on：{future}")
    latest = instrument.last_calibrated_on
    if latest is not None and data.calibrated_on < latest:
        raise InvalidInput(
            field="calibrated_on", reason=f"calibrated_on：不能早于最近一次检定校准日期 {latest}（按时间顺序登记）"
        )
    duplicate = db_session.scalar(
        select(Calibration.id).where(
            Calibration.instrument_id == instrument.id, Calibration.certificate_no == data.certificate_no
        )
    )
    if duplicate is not None:
        raise Conflict(field="certificate_no", reason=f"该器具已登记证书编号「{data.certificate_no}」")
    before = snapshot(instrument)
    due = rules.next_due(data.calibrated_on, instrument.interval_months, data.result)
    now = clock.now()
    record = Calibration(
        instrument_id=instrument.id,
        calibrated_on=data.calibrated_on,
        method=data.method,
        body=data.body,
        certificate_no=data.certificate_no,
        result=data.result,
        interval_months=instrument.interval_months,
        next_due_on=due,
        note=data.note,
        recorded_by=actor.username,
        recorded_at=now,
    )
    db_session.add(record)
    instrument.status = rules.status_after(instrument.status, instrument.last_result, data.result)
    instrument.last_calibrated_on, instrument.last_result, instrument.next_due_on = data.calibrated_on, data.result, due
    instrument.updated_at = now
    _audit(db_session, clock, actor, "metrology.calibration.record", record, None)
    _audit(db_session, clock, actor, "metrology.instrument.calibrated", instrument, before)
    return record


# --- reads ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Filters:
    """List filters; due_within and overdue look only at instruments in use (停用、报废 are not due)."""

    organisation_id: int | None = None
    division: str | None = None
    status: InstrumentStatus | None = None
    kind: str | None = None
    q: str | None = None  # name or serial number contains
    carbon_only: bool = False
    due_within: int | None = None  # next due on or before today + N days, overdue and never calibrated included
    overdue: bool = False  # no valid calibration today: past the due date, or never calibrated


def _query(actor: Actor, filters: Filters, on: date) -> Select[Instrument, str]:
    query = (
        select(Instrument, Organisation.name)
        .join(Organisation, Organisation.id == Instrument.organisation_id)
        .where(policy.scope(actor))
    )
    if filters.organisation_id is not None:
        query = query.where(Instrument.organisation_id == filters.organisation_id)
    if filters.division is not None:
        query = query.where(Instrument.division_code.startswith(divisions.stem(filters.division), autoescape=True))
    if filters.status is not None:
        query = query.where(Instrument.status == filters.status)
    if filters.kind is not None:
        query = query.where(Instrument.kind == filters.kind)
    if filters.q is not None:
        query = query.where(
            or_(
                Instrument.name.contains(filters.q, autoescape=True),
                Instrument.serial_no.contains(filters.q, autoescape=True),
            )
        )
    if filters.carbon_only:
        query = query.where(Instrument.for_carbon_accounting.is_(True))
    if filters.overdue:
        query = query.where(
            Instrument.status == InstrumentStatus.IN_USE,
            or_(Instrument.next_due_on.is_(None), Instrument.next_due_on < on),
        )
    if filters.due_within is not None:
        query = query.where(
            Instrument.status == InstrumentStatus.IN_USE,
            or_(Instrument.next_due_on.is_(None), Instrument.next_due_on <= on + timedelta(days=filters.due_within)),
        )
    return query


def _order(filters: Filters) -> list[Any]:
    """By id; due lists soonest first (never calibrated before any date), then by id."""
    if filters.overdue or filters.due_within is not None:
        return [Instrument.next_due_on.is_not(None), Instrument.next_due_on, Instrument.id]
    return [Instrument.id]


def read_all(
    db_session: Session, actor: Actor, rows: Sequence[tuple[Instrument, str]], on: date
) -> list[InstrumentRead]:
    """Instruments (each with its enterprise's name) as read models, their due state on ``on``."""
    places = division_names.names(db_session, (i.division_code for i, _ in rows))
    soon = defaults().due_soon_days
    found = []
    for row, organisation in rows:
        state = rules.due_state(row.status, row.next_due_on, on, soon)
        found.append(
            InstrumentRead(
                id=row.id,
                organisation_id=row.organisation_id,
                organisation=organisation,
                division_code=row.division_code,
                division_name=places.get(row.division_code, row.division_code),
                name=row.name,
                kind=row.kind,
                quantity=row.quantity,
                serial_no=row.serial_no,
                model=row.model,
                manufacturer=row.manufacturer,
                measuring_range=row.measuring_range,
                accuracy_class=row.accuracy_class,
                location=row.location,
                source_stream=row.source_stream,
                for_carbon_accounting=row.for_carbon_accounting,
                interval_months=row.interval_months,
                status=row.status,
                status_label=row.status.label,
                last_calibrated_on=row.last_calibrated_on,
                last_result=row.last_result,
                last_result_label=row.last_result.label if row.last_result else None,
                next_due_on=row.next_due_on,
                days_to_due=(row.next_due_on - on).days if row.next_due_on else None,
                due_state=state,
                due_label=state.label,
                allowed_actions=policy.actions(actor, row),
            )
        )
    return found


def list_(
    *, db_session: Session, clock: Clock, actor: Actor, filters: Filters, params: PageParams | None = None
) -> tuple[list[InstrumentRead], int]:
    """The instruments in the caller's scope that pass the filters (one page, or all without ``params``), by id —
    due lists soonest first — and how many there are."""
    actor.require(Permission.REGISTRY_READ)
    on = local_today(clock)
    query = _query(actor, filters, on)
    if params is None:
        rows = [(i, name) for i, name in db_session.execute(query.order_by(*_order(filters)))]
        return read_all(db_session, actor, rows, on), len(rows)
    total = db_session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    page = db_session.execute(query.order_by(*_order(filters)).limit(params.limit).offset(params.offset))
    return read_all(db_session, actor, [(i, name) for i, name in page], on), total


def calibration_read(row: Calibration) -> CalibrationRead:
    return CalibrationRead(
        id=row.id,
        instrument_id=row.instrument_id,
        calibrated_on=row.calibrated_on,
        method=row.method,
        method_label=row.method.label,
        body=row.body,
        certificate_no=row.certificate_no,
        result=row.result,
        result_label=row.result.label,
        interval_months=row.interval_months,
        next_due_on=row.next_due_on,
        note=row.note,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )


def _calibrations_query(instrument_id: int) -> Select[Calibration]:
    return select(Calibration).where(Calibration.instrument_id == instrument_id)


def calibrations(
    *, db_session: Session, actor: Actor, instrument_id: int, params: PageParams
) -> tuple[list[Calibration], int]:
    """One page of an instrument's calibrations, oldest first."""
    visible(db_session, actor, instrument_id)
    order = [Calibration.calibrated_on, Calibration.id]
    return paginate(db_session, _calibrations_query(instrument_id), params, order_by=order)


def detail(*, db_session: Session, clock: Clock, actor: Actor, instrument_id: int) -> InstrumentDetail:
    row = visible(db_session, actor, instrument_id)
    org = db_session.get(Organisation, row.organisation_id)
    query = _calibrations_query(instrument_id).order_by(Calibration.calibrated_on, Calibration.id)
    history = [calibration_read(c) for c in db_session.scalars(query)]
    read = read_all(db_session, actor, [(row, org.name if org else "")], local_today(clock))[0]
    return InstrumentDetail(**read.model_dump(), calibrations=history)


def overdue_report(*, db_session: Session, clock: Clock, actor: Actor, filters: Filters) -> OverdueReportRead:
    """Return the instruments in use without a valid calibration, and per enterprise the count in each due state."""
    everything, _ = list_(db_session=db_session, clock=clock, actor=actor, filters=filters)
    late = sorted(
        (r for r in everything if r.due_state in (DueState.OVERDUE, DueState.UNCALIBRATED)), key=_soonest_first
    )
    per_org: dict[int, list[InstrumentRead]] = {}
    for row in everything:
        per_org.setdefault(row.organisation_id, []).append(row)
    organisations = [
        OrganisationTallyRead(
            organisation_id=org_id,
            organisation=rows[0].organisation,
            division_code=rows[0].division_code,
            division_name=rows[0].division_name,
            total=len(rows),
            for_carbon_accounting=sum(r.for_carbon_accounting for r in rows),
            status={s: sum(r.status is s for r in rows) for s in InstrumentStatus},
            due={d: sum(r.due_state is d for r in rows) for d in DueState},
        )
        for org_id, rows in per_org.items()
    ]
    organisations.sort(key=lambda o: (o.division_code, o.organisation))
    return OverdueReportRead(
        as_of=local_today(clock),
        due_soon_days=defaults().due_soon_days,
        instruments=late,
        organisations=organisations,
    )


def _soonest_first(row: InstrumentRead) -> tuple[date, int]:
    return row.next_due_on or date.min, row.id
