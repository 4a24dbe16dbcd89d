"""/api/warnings: drafts and proposals, issue, adjust, lift, reject; CAP XML, messages, deliveries, Atom feed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from yingji.auth.roles import Permission
from yingji.core.errors import InvalidInput, NotFound
from yingji.db import outbox
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.plans import loader
from yingji.rules import weather_thresholds
from yingji.rules.levels import WarningLevel
from yingji.rules.meteorological import network_sms_required, signer_for
from yingji.warnings import cap, service
from yingji.warnings.models import EarlyWarning, WarningStatus
from yingji.warnings.schemas import (
    WarningChange,
    WarningCompletion,
    WarningDecision,
    WarningDraft,
    WeatherAssessment,
)

router = APIRouter(prefix="/api/warnings", tags=["预警"])
CAP_TYPE = "application/cap+xml; charset=utf-8"


def read(warning: EarlyWarning) -> dict[str, Any]:
    return {
        "id": warning.id,
        "kind": warning.kind.value,
        "plan_id": warning.plan_id,
        "hazard": warning.hazard,
        "category": warning.category,
        "level": warning.level,
        "colour": WarningLevel(warning.level).label,
        "status": warning.status.value,
        "title": warning.title,
        "division_codes": warning.division_codes,
        "fields": warning.fields,
        "is_exercise": warning.is_exercise,
        "issuer_body": warning.issuer_body,
        "issued_at": warning.issued_at,
        "lifted_at": warning.lifted_at,
        "source": warning.source,
    }


@router.get("")
def list_warnings(
    db_session: DbSession, actor: CurrentActor, status: WarningStatus | None = None
) -> list[dict[str, Any]]:
    """管辖范围内的预警（可按状态筛选）。"""
    return [read(w) for w in service.list_(db_session=db_session, actor=actor, status=status)]


@router.get("/feed.atom", response_class=Response)
def feed(db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> Response:
    """生效中预警的 Atom 订阅源（每条链接到其 CAP 报文）。"""
    now = clock.now()
    active = [
        w
        for w in service.list_(db_session=db_session, actor=actor, status=WarningStatus.ISSUED)
        if w.expires_at is None or w.expires_at > now
    ]
    # The feed links the messages actually published (the latest of each warning), parsed back from their XML.
    messages = [
        cap.parse(published[-1].xml.encode("utf-8"))
        for w in active
        if (published := service.messages(db_session=db_session, warning=w))
    ]
    body = cap.atom_feed(
        messages,
        feed_id="urn:yingji:warnings",
        title="应急预警（生效中）",
        updated=clock.now(),
        link="/api/warnings/cap",
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.post("/weather/assess")
def assess_weather(body: WeatherAssessment, actor: CurrentActor) -> dict[str, Any]:
    """按气象灾害预案 8.2 标准由监测/预报数据判定各灾种预警级别、综合级别、签发人和是否须全网短信。"""
    actor.require(Permission.PLANS_READ)
    plan = loader.get(body.plan_id)
    if plan.meteorological is None:
        raise InvalidInput(field="plan_id", reason="plan_id：不是气象灾害预案")
    weather = plan.meteorological
    observations = [
        weather_thresholds.HazardObservation(
            hazard=o.hazard, on=o.on, samples=o.samples, stations=o.stations, confirmed=frozenset(o.confirmed)
        )
        for o in body.observations
    ]
    per_hazard = weather_thresholds.levels_for(weather, observations, plan_id=plan.id)
    combined = weather_thresholds.combined_level_for(weather, observations, plan_id=plan.id)
    level = combined.value
    return {
        "hazards": {
            hazard: {
                "level": None if d.value is None else int(d.value),
                "colour": None if d.value is None else d.value.label,
                "provisional": d.provisional,
                "network_sms": network_sms_required(weather, hazard, plan_id=plan.id).value,
                "notes": list(d.notes),
                "basis": [b.as_dict() for b in d.basis],
            }
            for hazard, d in per_hazard.items()
        },
        "level": None if level is None else int(level),
        "signed_by": None if level is None else signer_for(weather, level, plan_id=plan.id).value,
        "notes": list(combined.notes),
        "basis": [b.as_dict() for b in combined.basis],
    }


@router.get("/cap/{identifier}.xml", response_class=Response)
def cap_by_identifier(identifier: str, db_session: DbSession, actor: CurrentActor) -> Response:
    """按标识符取 CAP 1.2 报文。"""
    for warning in service.list_(db_session=db_session, actor=actor):
        for message in service.messages(db_session=db_session, warning=warning):
            if message.identifier == identifier:
                return Response(message.xml, media_type=CAP_TYPE)
    raise NotFound(kind="预警报文", key=identifier)


@router.post("", status_code=201)
def draft(body: WarningDraft, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> dict[str, Any]:
    """起草预警（按预案检查必备内容）。"""
    with transaction(db_session):
        return read(service.create(db_session=db_session, clock=clock, actor=actor, data=body))


@router.post("/proposals", status_code=201)
def propose(body: WarningDraft, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> dict[str, Any]:
    """其他模块（监测报警、事故报告）提出预警建议，由有权机关审定后发布或否决。"""
    with transaction(db_session):
        return read(service.create(db_session=db_session, clock=clock, actor=actor, data=body, proposed=True))


@router.get("/{warning_id}")
def get_warning(warning_id: int, db_session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    warning = service.get(db_session=db_session, actor=actor, warning_id=warning_id)
    return read(warning) | {
        "messages": [
            {
                "msg_type": m.msg_type,
                "identifier": m.identifier,
                "sent": m.sent,
                "level": m.level,
                "references": m.references,
                "reason": m.reason,
            }
            for m in service.messages(db_session=db_session, warning=warning)
        ],
        "tasks": [
            {"id": t.id, "level": t.level, "owner_unit": t.owner_unit, "title": t.title, "done": t.done}
            for t in service.tasks(db_session=db_session, warning=warning)
        ],
        "deliveries": [
            {
                "id": d.id,
                "key": d.key,
                "channel": d.channel,
                "recipient": d.recipient,
                "status": d.status.value,
                "attempts": d.attempts,
                "last_error": d.last_error,
            }
            for d in service.deliveries(db_session=db_session, warning=warning)
        ]
        if service.may_manage(actor)  # recipients (webhook URLs, addresses) are for the issuing side only
        else [],
    }


@router.post("/{warning_id}/issue")
def issue(
    warning_id: int,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    body: WarningCompletion | None = None,
) -> dict[str, Any]:
    """发布（仅预案规定的发布机关）：可同时补全建议中缺少的内容；进入预警期，生成预警行动任务，经各渠道推送。"""
    with transaction(db_session):
        fields = {} if body is None else body.fields
        return read(
            service.issue(db_session=db_session, clock=clock, actor=actor, warning_id=warning_id, fields=fields)
        )


@router.post("/{warning_id}/adjust")
def adjust(
    warning_id: int, body: WarningChange, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """调整级别或内容（仅发布机关），发布 Update 报文。"""
    with transaction(db_session):
        return read(service.adjust(db_session=db_session, clock=clock, actor=actor, warning_id=warning_id, change=body))


@router.post("/{warning_id}/lift")
def lift(
    warning_id: int, body: WarningDecision, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """解除（谁发布谁解除），发布 Cancel 报文。"""
    with transaction(db_session):
        return read(
            service.lift(db_session=db_session, clock=clock, actor=actor, warning_id=warning_id, reason=body.reason)
        )


@router.post("/{warning_id}/reject")
def reject(
    warning_id: int, body: WarningDecision, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """否决预警建议。"""
    with transaction(db_session):
        return read(
            service.reject(db_session=db_session, clock=clock, actor=actor, warning_id=warning_id, reason=body.reason)
        )


@router.get("/{warning_id}/cap", response_class=Response)
def latest_cap(warning_id: int, db_session: DbSession, actor: CurrentActor) -> Response:
    """最新一条 CAP 1.2 报文。"""
    warning = service.get(db_session=db_session, actor=actor, warning_id=warning_id)
    published = service.messages(db_session=db_session, warning=warning)
    if not published:
        raise NotFound(kind="预警报文", key=str(warning_id))
    return Response(published[-1].xml, media_type=CAP_TYPE)


@router.post("/deliveries/{item_id}/ack")
def acknowledge_delivery(item_id: int, token: str, db_session: DbSession, clock: CurrentClock) -> dict[str, str]:
    """接收方回执：凭推送内容中的 ack_token 确认收到（无需登录；令牌错误与记录不存在同样返回 404）。"""
    with transaction(db_session):
        item = outbox.acknowledge(db_session=db_session, item_id=item_id, token=token, now=clock.now())
        if item is None or item.topic != "warning":
            raise NotFound(kind="推送记录", key=str(item_id))
        return {"status": item.status.value}
