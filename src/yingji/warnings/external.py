"""Other agencies' warnings in (issue 26 item 3): take CAP alerts (one, or an Atom feed of them) from the
meteorological, natural-resources and earthquake bodies, keep each once, let an Update or Cancel mark what it
replaces, tell the officers whose jurisdiction an alert names, and read them back scoped like our own warnings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, exists, false, literal, or_, select, true
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.clock import Clock
from yingji.core.errors import Forbidden, InvalidInput, NotFound
from yingji.core.paging import PageParams, paginate
from yingji.inbox import service as inbox
from yingji.inbox.models import NoticeKind
from yingji.registry import divisions as registry_divisions
from yingji.registry.models import Division
from yingji.rules.levels import WarningLevel
from yingji.warnings import policy
from yingji.warnings.cap import CapError
from yingji.warnings.external_cap import ExternalAlert, read_document
from yingji.warnings.models import ExternalState, ExternalWarning, ExternalWarningArea
from yingji.warnings.schemas import (
    ExternalAreaRead,
    ExternalFilters,
    ExternalImportRead,
    ExternalSkipped,
    ExternalWarningRead,
)

KEPT_STATUSES = ("Actual", "Exercise")  # Test, System and Draft messages are not warnings to act on
CATEGORY_LABELS = {
    "Geo": "地质/地震",
    "Met": "气象",
    "Safety": "安全",
    "Security": "治安",
    "Rescue": "救援",
    "Fire": "火灾",
    "Health": "卫生",
    "Env": "环境",
    "Transport": "交通",
    "Infra": "基础设施",
    "CBRNE": "危化/核生化",
    "Other": "其他",
}
SEVERITY_LABELS = {"Extreme": "特别严重", "Severe": "严重", "Moderate": "较重", "Minor": "一般", "Unknown": "不明"}
URGENCY_LABELS = {"Immediate": "立即", "Expected": "即将", "Future": "未来", "Past": "已过", "Unknown": "不明"}
CERTAINTY_LABELS = {
    "Observed": "已发生",
    "Likely": "很可能",
    "Possible": "可能",
    "Unlikely": "不太可能",
    "Unknown": "不明",
}
MSG_TYPE_LABELS = {"Alert": "首发", "Update": "更新", "Cancel": "取消"}
DIVISION_CODE_LENGTHS = (6, 9, 12)


def _known_divisions(db_session: Session, alert: ExternalAlert) -> list[str]:
    """The geocodes (any scheme) that are division codes we know, in the order sent."""
    wanted = [
        value
        for area in alert.areas
        for _scheme, value in area.geocodes
        if value.isdigit() and len(value) in DIVISION_CODE_LENGTHS
    ]
    if not wanted:
        return []
    known = set(db_session.scalars(select(Division.code).where(Division.code.in_(wanted))))
    return list(dict.fromkeys(code for code in wanted if code in known))


def _skip(position: int, alert: ExternalAlert | None, problem: str) -> ExternalSkipped:
    return ExternalSkipped(position=position, identifier=alert.identifier if alert else None, problem=problem)


def _store(db_session: Session, now: datetime, alert: ExternalAlert, source: str, codes: list[str]) -> ExternalWarning:
    row = ExternalWarning(
        sender=alert.sender[:200],
        identifier=alert.identifier[:200],
        sent=alert.sent,
        status=alert.status,
        msg_type=alert.msg_type,
        state=ExternalState.CANCELLED if alert.msg_type == "Cancel" else ExternalState.IN_FORCE,
        references=[
            {"sender": r.sender, "identifier": r.identifier, "sent": r.sent.isoformat()} for r in alert.references
        ],
        categories=list(alert.categories),
        event=alert.event[:200] if alert.event else None,
        urgency=alert.urgency,
        severity=alert.severity,
        certainty=alert.certainty,
        level=alert.level,
        sender_name=alert.sender_name[:200] if alert.sender_name else None,
        headline=alert.headline[:500] if alert.headline else None,
        description=alert.description,
        instruction=alert.instruction,
        effective=alert.effective,
        expires=alert.expires,
        division_codes=codes,
        areas=[
            {
                "description": a.description,
                "geocodes": [f"{scheme}:{value}" for scheme, value in a.geocodes],
                "polygons": [list(map(list, ring)) for ring in a.polygons],
                "circles": [list(c) for c in a.circles],
            }
            for a in alert.areas
        ],
        source=source[:200],
        received_at=now,
    )
    db_session.add(row)
    db_session.flush()
    db_session.add_all(
        ExternalWarningArea(warning_id=row.id, division_code=code, stem=divisions.stem(code) if code else "")
        for code in codes or [""]
    )
    return row


def import_document(
    *, db_session: Session, clock: Clock, actor: Actor, content: bytes, source: str
) -> ExternalImportRead:
    """Keep every new alert of the document once (sender + identifier); an Update or Cancel marks the alerts it
    references as replaced or cancelled; the rest of a feed goes in when one entry is refused."""
    if not policy.may_manage(actor):
        raise Forbidden(reason="只有预警发布部门的账号可以导入外部预警", subcode="warnings.external.import.role")
    try:
        entries = read_document(content)
    except CapError as err:
        raise InvalidInput(field="body", reason=f"不是可读的 CAP 1.2 预警或 Atom 订阅：{err}") from None
    now = clock.now()
    accepted: list[int] = []
    skipped: list[ExternalSkipped] = []
    counts = {"duplicates": 0, "updated": 0, "cancelled": 0}
    changes: list[audit.Change] = []
    for entry in entries:
        alert = entry.alert
        if alert is None:
            skipped.append(_skip(entry.position, None, entry.problem or "无法读取"))
            continue
        if alert.status not in KEPT_STATUSES or alert.msg_type not in MSG_TYPE_LABELS:
            skipped.append(_skip(entry.position, alert, f"{alert.status}/{alert.msg_type} 消息不是待处置的预警"))
            continue
        if alert.scope != "Public":
            skipped.append(_skip(entry.position, alert, "非公开（Restricted/Private）预警不导入"))
            continue
        known = db_session.scalar(
            select(ExternalWarning.id).where(
                ExternalWarning.sender == alert.sender[:200], ExternalWarning.identifier == alert.identifier[:200]
            )
        )
        if known is not None:
            counts["duplicates"] += 1
            continue
        codes = _known_divisions(db_session, alert)
        row = _store(db_session, now, alert, source, codes)
        for ref in alert.references:
            earlier = db_session.scalars(
                select(ExternalWarning).where(
                    ExternalWarning.sender == ref.sender, ExternalWarning.identifier == ref.identifier
                )
            ).first()
            if earlier is None or earlier.state is not ExternalState.IN_FORCE:
                continue
            earlier.replaced_by_id = row.id
            if alert.msg_type == "Cancel":
                earlier.state = ExternalState.CANCELLED
                counts["cancelled"] += 1
            else:
                earlier.state = ExternalState.UPDATED
                counts["updated"] += 1
        accepted.append(row.id)
        changes.append(
            audit.Change(
                "warnings.external.import",
                "external_warning",
                str(row.id),
                {"source": source, "sender": alert.sender, "identifier": alert.identifier},
                None,
                {"event": alert.event, "level": alert.level, "msg_type": alert.msg_type, "divisions": codes},
            )
        )
        _tell(db_session, now, row)
    db_session.flush()
    audit.record_many(db_session=db_session, clock=clock, actor=actor.username, changes=changes)
    return ExternalImportRead(accepted=accepted, skipped=skipped, **counts)


def _tell(db_session: Session, now: datetime, row: ExternalWarning) -> None:
    """Officers whose jurisdiction the alert names hear of it (an alert naming no division we know goes to no inbox:
    it is on the register and the map)."""
    if not row.division_codes or row.state is not ExternalState.IN_FORCE:
        return
    label = _level_label(row.level)
    inbox.post(
        db_session,
        now=now,
        user_ids=inbox.officers_overlapping(db_session, row.division_codes, Permission.WARNINGS_MANAGE),
        kind=NoticeKind.WARNING,
        key=f"external-warning-{row.id}",
        title=f"外部预警：{row.sender_name or row.sender}{row.event or ''}{label or ''}"[:200],
        body=row.headline or row.description or "",
        url=f"/console/warnings/external/{row.id}",
        division_code=row.division_codes[0],
    )


# --- reads ----------------------------------------------------------------------------------------------------------


def scope(actor: Actor) -> ColumnElement[bool]:
    """The one filter for external alerts: public alerts over the caller's jurisdiction (or naming none we know)."""
    actor.require(Permission.PLANS_READ)
    if actor.is_unlimited:
        return true()
    if actor.organisation_id is not None:
        place = divisions.city_of(actor.organisation_division) if actor.organisation_division else None
    else:
        place = actor.division_code
    if place is None:
        return false()
    overlaps = or_(
        ExternalWarningArea.stem.startswith(divisions.stem(place), autoescape=True),
        literal(place).startswith(ExternalWarningArea.stem),
    )
    return exists().where(ExternalWarningArea.warning_id == ExternalWarning.id, overlaps)


def _in_force(now: datetime) -> ColumnElement[bool]:
    return (ExternalWarning.state == ExternalState.IN_FORCE) & (
        ExternalWarning.expires.is_(None) | (ExternalWarning.expires > now)
    )


def list_(
    *, db_session: Session, clock: Clock, actor: Actor, params: PageParams, filters: ExternalFilters
) -> tuple[list[ExternalWarning], int]:
    query = select(ExternalWarning).where(scope(actor))
    if filters.in_force:
        query = query.where(_in_force(clock.now()))
    if filters.q:
        query = query.where(
            or_(
                ExternalWarning.event.contains(filters.q, autoescape=True),
                ExternalWarning.headline.contains(filters.q, autoescape=True),
                ExternalWarning.sender_name.contains(filters.q, autoescape=True),
            )
        )
    return paginate(db_session, query, params, order_by=[ExternalWarning.sent.desc(), ExternalWarning.id.desc()])


def in_force(*, db_session: Session, clock: Clock, actor: Actor) -> list[ExternalWarning]:
    """Every alert in force in scope (the map; bounded by what is in force)."""
    query = select(ExternalWarning).where(scope(actor), _in_force(clock.now()))
    return list(db_session.scalars(query.order_by(ExternalWarning.sent.desc()).limit(500)))


def get(*, db_session: Session, actor: Actor, warning_id: int) -> ExternalWarning:
    found = db_session.scalars(select(ExternalWarning).where(ExternalWarning.id == warning_id, scope(actor))).first()
    if found is None:
        raise NotFound(kind="外部预警", key=str(warning_id))
    return found


def _level_label(level: int | None) -> str | None:
    return None if level is None else f"{WarningLevel(level).label}预警"


def reads(db_session: Session, clock: Clock, rows: list[ExternalWarning]) -> list[ExternalWarningRead]:
    now = clock.now()
    codes = sorted({c for r in rows for c in r.division_codes})
    names = registry_divisions.names(db_session, codes) if codes else {}
    return [
        ExternalWarningRead(
            id=r.id,
            sender=r.sender,
            sender_name=r.sender_name or r.sender,
            event=r.event,
            categories=list(r.categories),
            category_labels=[CATEGORY_LABELS.get(c, c) for c in r.categories],
            level=r.level,
            level_label=_level_label(r.level),
            severity_label=SEVERITY_LABELS.get(r.severity or ""),
            urgency_label=URGENCY_LABELS.get(r.urgency or ""),
            certainty_label=CERTAINTY_LABELS.get(r.certainty or ""),
            headline=r.headline,
            description=r.description,
            instruction=r.instruction,
            sent=r.sent,
            effective=r.effective,
            expires=r.expires,
            msg_type_label=MSG_TYPE_LABELS.get(r.msg_type, r.msg_type),
            is_exercise=r.status == "Exercise",
            state=r.state.value,
            state_label=r.state.label if r.expires is None or r.expires > now else "已过期",
            in_force=r.state is ExternalState.IN_FORCE and (r.expires is None or r.expires > now),
            division_codes=list(r.division_codes),
            division_names=[names.get(c, c) for c in r.division_codes],
            areas=[
                ExternalAreaRead(
                    description=a["description"],
                    geocodes=list(a["geocodes"]),
                    polygons=len(a["polygons"]),
                    circles=[list(c) for c in a["circles"]],
                )
                for a in r.areas
            ],
            replaced_by_id=r.replaced_by_id,
            received_at=r.received_at,
            source=r.source,
        )
        for r in rows
    ]
