"""后期处置 records (issue 26 item 2; 003#L6 §5): the verified loss account (5.3, after the response has ended — the
basis of relief), relief and after-care (5.4, 5.1 对口支援), and requisitioned property, which must be returned or,
destroyed or lost, compensated (5.5). The same records serve the accident plans' 善后处置."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.audit.rows import record_change, snapshot
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock, local_today, to_local
from yingji.core.errors import Forbidden, InvalidInput, InvalidState, NotFound
from yingji.core.paging import PageParams, paginate
from yingji.incidents import policy, service, timeline
from yingji.incidents.enums import AftermathKind, AftermathStatus, ReliefCategory, TimelineKind
from yingji.incidents.models import Aftermath, Incident, ResponseRecord
from yingji.incidents.policy import IncidentAction
from yingji.incidents.schemas import (
    AftermathFilters,
    AftermathIn,
    AftermathLine,
    AftermathRead,
    RequisitionIn,
    SettleIn,
    VerificationIn,
)

AMOUNT = "incident.aftermath.settle.amount"
VERIFICATION_FIELDS = {
    "deaths": ("死亡", "人"),
    "missing": ("失踪", "人"),
    "injured": ("受伤", "人"),
    "affected_people": ("受灾人口", "人"),
    "relocated_people": ("紧急转移安置", "人"),
    "houses_collapsed": ("倒塌房屋", "间"),
    "houses_damaged": ("损坏房屋", "间"),
    "crop_hectares": ("农作物受灾面积", "公顷"),
    "direct_loss_10k_yuan": ("直接经济损失", "万元"),
}


def _responses(db_session: Session, incident: Incident) -> Sequence[ResponseRecord]:
    return db_session.scalars(select(ResponseRecord).where(ResponseRecord.incident_id == incident.id)).all()


def _check_dates(clock: Clock, incident: Incident, field: str, day: Any) -> None:
    if day > local_today(clock):
        raise InvalidInput(field=field, reason="日期不能晚于今天", subcode="incident.aftermath.date.future")
    if day < to_local(incident.occurred_at).date():
        raise InvalidInput(field=field, reason="日期不能早于事件发生日期", subcode="incident.aftermath.date.early")


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe details: amounts as strings (exact), dates as ISO text."""
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}


def record(*, db_session: Session, clock: Clock, actor: Actor, incident_id: int, data: AftermathIn) -> Aftermath:
    """Record a post-event entry: relief and requisitions once a response has started, the loss account once one
    has ended (5.3 应急处置结束后); 409 otherwise, 403 for those who do not command."""
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    if not actor.has(Permission.INCIDENTS_COMMAND):
        raise Forbidden(reason="只有指挥和值班人员可以记录后期处置", subcode="incident.aftermath.role")
    actions = policy.incident_actions(actor, incident, {}, receivable=False, responses=_responses(db_session, incident))
    if isinstance(data, VerificationIn):
        if IncidentAction.VERIFY_LOSSES not in actions:
            raise InvalidState(
                reason="灾情核定在应急处置结束后进行（预案的后期处置）",
                subcode="incident.aftermath.verification.before_end",
            )
    elif IncidentAction.RECORD_AFTERMATH not in actions:
        raise InvalidState(reason="尚未启动应急响应", subcode="incident.aftermath.no_response")
    if not isinstance(data, VerificationIn):
        _check_dates(clock, incident, "on", data.on)
    details = _plain(data.model_dump(mode="json", exclude={"kind", "body"}))
    row = Aftermath(
        incident_id=incident.id,
        kind=AftermathKind(data.kind),
        status=AftermathStatus.HELD if isinstance(data, RequisitionIn) else AftermathStatus.RECORDED,
        body=data.body,
        details=details,
        recorded_by=actor.username,
        recorded_at=clock.now(),
        settlement=None,
        settled_by=None,
        settled_at=None,
    )
    db_session.add(row)
    record_change(db_session, clock, actor.username, "incident.aftermath.record", row, None)
    text = summary(row)
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind=TimelineKind.AFTERMATH_RECORDED,
        summary=f"{row.kind.label}：{text}",
        data={"aftermath_id": row.id},
    )
    return row


def settle(
    *, db_session: Session, clock: Clock, actor: Actor, incident_id: int, aftermath_id: int, data: SettleIn
) -> Aftermath:
    """A requisitioned item returned, or compensated when destroyed or lost (5.5) — once."""
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    row = _get(db_session, incident, aftermath_id)
    if row.kind is not AftermathKind.REQUISITION:
        raise InvalidState(reason="只有征用记录需要归还或补偿", subcode="incident.aftermath.settle.kind")
    if not actor.has(Permission.INCIDENTS_COMMAND):
        raise Forbidden(reason="只有指挥和值班人员可以登记归还或补偿", subcode="incident.aftermath.role")
    if row.status is not AftermathStatus.HELD:
        raise InvalidState(reason=f"该征用已{row.status.label}", subcode="incident.aftermath.settle.done")
    if data.outcome == "compensated" and not data.compensation_yuan:
        raise InvalidInput(
            field="compensation_yuan",
            reason="毁损、灭失的征用财产须写明补偿金额",
            subcode="incident.aftermath.settle.amount",
        )
    if data.outcome == "returned" and data.compensation_yuan:
        raise InvalidInput(
            field="compensation_yuan",
            reason="已归还的征用财产不登记补偿金额",
            subcode="incident.aftermath.settle.amount",
        )
    _check_dates(clock, incident, "on", data.on)
    if data.on.isoformat() < row.details["on"]:
        raise InvalidInput(field="on", reason="归还或补偿日期不能早于征用日期", subcode="incident.aftermath.date.early")
    before = snapshot(row)
    row.status = AftermathStatus.RETURNED if data.outcome == "returned" else AftermathStatus.COMPENSATED
    row.settlement = _plain(data.model_dump(mode="json"))
    row.settled_by = actor.username
    row.settled_at = clock.now()
    record_change(db_session, clock, actor.username, "incident.aftermath.settle", row, before)
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind=TimelineKind.AFTERMATH_SETTLED,
        summary=f"{row.details['item']}（{row.details['owner']}）{row.status.label}",
        data={"aftermath_id": row.id},
    )
    return row


def _get(db_session: Session, incident: Incident, aftermath_id: int) -> Aftermath:
    row = db_session.get(Aftermath, aftermath_id)
    if row is None or row.incident_id != incident.id:
        raise NotFound(field="aftermath_id", kind="后期处置记录", key=aftermath_id)
    return row


def page(
    *, db_session: Session, actor: Actor, incident_id: int, params: PageParams, filters: AftermathFilters
) -> tuple[Sequence[Aftermath], int]:
    """The incident's records: requisitions still held first (they are owed), then newest first."""
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    query = select(Aftermath).where(Aftermath.incident_id == incident.id)
    if filters.kind is not None:
        query = query.where(Aftermath.kind == filters.kind)
    if filters.status is not None:
        query = query.where(Aftermath.status == filters.status)
    held_first = (Aftermath.status != AftermathStatus.HELD).asc()
    return paginate(db_session, query, params, order_by=(held_first, Aftermath.id.desc()))


def get(*, db_session: Session, actor: Actor, incident_id: int, aftermath_id: int) -> Aftermath:
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    return _get(db_session, incident, aftermath_id)


def summary(row: Aftermath) -> str:
    d = row.details
    if row.kind is AftermathKind.VERIFICATION:
        shown = [f"{label}{d[k]}{unit}" for k, (label, unit) in VERIFICATION_FIELDS.items() if _nonzero(d.get(k))]
        return f"{row.body}核定：" + ("，".join(shown) or "无人员伤亡和财产损失")
    if row.kind is AftermathKind.RELIEF:
        amount = f"，{d['amount_yuan']}元" if d.get("amount_yuan") else ""
        people = f"，{d['beneficiaries']}人" if d.get("beneficiaries") is not None else ""
        return f"{row.body}{ReliefCategory(d['category']).label}：{d['content'][:60]}{people}{amount}"
    return f"{row.body}征用{d['owner']}的{d['item']}（{d['on']}）"


def _nonzero(value: object) -> bool:
    return value not in (None, 0, "0", "0.00", "0.0")


def lines(row: Aftermath) -> list[AftermathLine]:
    d = row.details
    out: list[AftermathLine] = []
    if row.kind is AftermathKind.VERIFICATION:
        out = [AftermathLine(label=label, text=f"{d[k]}{unit}") for k, (label, unit) in VERIFICATION_FIELDS.items()]
    elif row.kind is AftermathKind.RELIEF:
        out = [
            AftermathLine(label="类别", text=ReliefCategory(d["category"]).label),
            AftermathLine(label="内容", text=d["content"]),
            AftermathLine(label="日期", text=d["on"]),
        ]
        if d.get("beneficiaries") is not None:
            out.append(AftermathLine(label="受助人数", text=f"{d['beneficiaries']}人"))
        if d.get("amount_yuan"):
            out.append(AftermathLine(label="金额", text=f"{d['amount_yuan']}元"))
    else:
        out = [
            AftermathLine(label="征用财产", text=d["item"]),
            AftermathLine(label="被征用人", text=d["owner"]),
            AftermathLine(label="征用日期", text=d["on"]),
        ]
        if row.settlement:
            s = row.settlement
            paid = f"，补偿{s['compensation_yuan']}元" if s.get("compensation_yuan") else ""
            out.append(AftermathLine(label=row.status.label, text=f"{s['on']}{paid}"))
    if d.get("note"):
        out.append(AftermathLine(label="说明", text=d["note"]))
    return out


def read(actor: Actor, row: Aftermath) -> AftermathRead:
    return AftermathRead(
        id=row.id,
        kind=row.kind,
        kind_label=row.kind.label,
        status=row.status,
        status_label=row.status.label,
        body=row.body,
        summary=summary(row),
        lines=lines(row),
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        settled_by=row.settled_by,
        settled_at=row.settled_at,
        allowed_actions=policy.aftermath_actions(actor, row),
    )
