"""/api/warnings: drafts and proposals, issue, adjust, lift, reject; CAP XML, messages, deliveries, Atom feed."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from yingji.assess.schemas import BasisRead
from yingji.auth.roles import Permission
from yingji.core import printing, xlsx
from yingji.core.clock import local_today
from yingji.core.errors import InvalidInput, NotFound
from yingji.core.paging import Page, Paging, every, paged
from yingji.core.params import RowId
from yingji.db import outbox
from yingji.db.session import end_reading, transaction
from yingji.deps import CurrentActor, CurrentClock, CurrentSettings, DbSession
from yingji.plans import loader
from yingji.rules import weather_thresholds
from yingji.rules.meteorological import hazard, network_sms_required, signer_for
from yingji.warnings import cap, documents, exports, reads, service
from yingji.warnings.schemas import (
    DeliveryReceipt,
    HazardLevelRead,
    WarningChange,
    WarningCompletion,
    WarningDecision,
    WarningDetail,
    WarningDraft,
    WarningFilters,
    WarningRead,
    WeatherAssessment,
    WeatherAssessmentRead,
)

router = APIRouter(prefix="/api/warnings", tags=["预警"])
CAP_TYPE = "application/cap+xml; charset=utf-8"


@router.get("", response_model=Page[WarningRead])
def list_warnings(
    db_session: DbSession, actor: CurrentActor, paging: Paging, filters: Annotated[WarningFilters, Query()]
) -> Page[WarningRead]:
    """管辖范围内的预警（新的在前，分页），可按状态、级别、类别、发布时间筛选。"""
    found, total = service.list_(db_session=db_session, actor=actor, params=paging, filters=filters)
    return paged(reads.read_all(db_session, actor, found), total, paging)


@router.get("/export.xlsx", response_class=Response, responses=xlsx.RESPONSES)
def export_warnings(
    db_session: DbSession, clock: CurrentClock, actor: CurrentActor, filters: Annotated[WarningFilters, Query()]
) -> Response:
    """预警登记（电子表格，筛选同列表，最多一万条）。"""
    found, _ = every(lambda params: service.list_(db_session=db_session, actor=actor, params=params, filters=filters))
    today = local_today(clock)
    return xlsx.response(exports.workbook(reads.read_all(db_session, actor, found), today), f"预警-{today}")


@router.get("/feed.atom", response_class=Response)
def feed(db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> Response:
    """生效中预警的 Atom 订阅源（每条链接到其 CAP 报文）。"""
    active = service.in_force(db_session=db_session, actor=actor, now=clock.now())
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


@router.post("/weather/assess", response_model=WeatherAssessmentRead)
def assess_weather(body: WeatherAssessment, actor: CurrentActor) -> WeatherAssessmentRead:
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
    return WeatherAssessmentRead(
        hazards={
            hazard_id: HazardLevelRead(
                hazard=hazard_id,
                hazard_name=hazard(weather, hazard_id).name,
                level=None if d.value is None else int(d.value),
                colour=None if d.value is None else d.value.label,
                provisional=d.provisional,
                network_sms=network_sms_required(weather, hazard_id, plan_id=plan.id).value,
                notes=list(d.notes),
                basis=[BasisRead(**b.as_dict()) for b in d.basis],
            )
            for hazard_id, d in per_hazard.items()
        },
        level=None if level is None else int(level),
        colour=None if level is None else level.label,
        signed_by=None if level is None else signer_for(weather, level, plan_id=plan.id).value,
        notes=list(combined.notes),
        basis=[BasisRead(**b.as_dict()) for b in combined.basis],
    )


@router.get("/cap/{identifier}.xml", response_class=Response)
def cap_by_identifier(identifier: str, db_session: DbSession, actor: CurrentActor) -> Response:
    """按标识符取 CAP 1.2 报文。"""
    message = service.message_by_identifier(db_session=db_session, actor=actor, identifier=identifier)
    if message is None:
        raise NotFound(kind="预警报文", key=identifier)
    return Response(message.xml, media_type=CAP_TYPE)


@router.post("", status_code=201, response_model=WarningRead)
def draft(body: WarningDraft, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> WarningRead:
    """起草预警（按预案检查必备内容）。"""
    with transaction(db_session):
        return reads.read(db_session, actor, service.create(db_session=db_session, clock=clock, actor=actor, data=body))


@router.post("/proposals", status_code=201, response_model=WarningRead)
def propose(body: WarningDraft, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> WarningRead:
    """其他模块（监测报警、事故报告）提出预警建议，由有权机关审定后发布或否决。"""
    with transaction(db_session):
        created = service.create(db_session=db_session, clock=clock, actor=actor, data=body, proposed=True)
        return reads.read(db_session, actor, created)


@router.get("/{warning_id}", response_model=WarningDetail)
def get_warning(warning_id: RowId, db_session: DbSession, actor: CurrentActor) -> WarningDetail:
    """一条预警：内容、CAP 报文、预警行动任务、推送记录（仅发布方），以及本账号可执行的操作。"""
    warning = service.get(db_session=db_session, actor=actor, warning_id=warning_id)
    return reads.detail(db_session, actor, warning)


@router.post("/{warning_id}/issue", response_model=WarningRead)
def issue(
    warning_id: RowId,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    body: WarningCompletion | None = None,
) -> WarningRead:
    """发布（仅预案规定的发布机关）：可同时补全建议中缺少的内容；进入预警期，生成预警行动任务，经各渠道推送。"""
    with transaction(db_session):
        fields = {} if body is None else body.fields
        return reads.read(
            db_session,
            actor,
            service.issue(db_session=db_session, clock=clock, actor=actor, warning_id=warning_id, fields=fields),
        )


@router.post("/{warning_id}/adjust", response_model=WarningRead)
def adjust(
    warning_id: RowId, body: WarningChange, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> WarningRead:
    """调整级别或内容（仅发布机关），发布 Update 报文。"""
    with transaction(db_session):
        return reads.read(
            db_session,
            actor,
            service.adjust(db_session=db_session, clock=clock, actor=actor, warning_id=warning_id, change=body),
        )


@router.post("/{warning_id}/lift", response_model=WarningRead)
def lift(
    warning_id: RowId, body: WarningDecision, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> WarningRead:
    """解除（谁发布谁解除），发布 Cancel 报文。"""
    with transaction(db_session):
        return reads.read(
            db_session,
            actor,
            service.lift(db_session=db_session, clock=clock, actor=actor, warning_id=warning_id, reason=body.reason),
        )


@router.post("/{warning_id}/reject", response_model=WarningRead)
def reject(
    warning_id: RowId, body: WarningDecision, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> WarningRead:
    """否决预警建议。"""
    with transaction(db_session):
        return reads.read(
            db_session,
            actor,
            service.reject(db_session=db_session, clock=clock, actor=actor, warning_id=warning_id, reason=body.reason),
        )


@router.get("/{warning_id}/cap", response_class=Response)
def latest_cap(warning_id: RowId, db_session: DbSession, actor: CurrentActor) -> Response:
    """最新一条 CAP 1.2 报文。"""
    warning = service.get(db_session=db_session, actor=actor, warning_id=warning_id)
    published = service.messages(db_session=db_session, warning=warning)
    if not published:
        raise NotFound(kind="预警报文", key=str(warning_id))
    return Response(published[-1].xml, media_type=CAP_TYPE)


@router.get("/{warning_id}/sheet.{fmt}", response_class=Response, responses=printing.DOCUMENT_RESPONSES)
def issue_sheet(
    warning_id: RowId,
    fmt: Literal["html", "pdf"],
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    settings: CurrentSettings,
    appendix: Annotated[bool, Query(description="附上发布依据（条款、原文、出处）")] = False,
) -> Response:
    """预警信息发布单（已发布或已解除的预警）：HTML 或 PDF；签发人留空由签发时填写，appendix=1 附发布依据。"""
    warning = service.get(db_session=db_session, actor=actor, warning_id=warning_id)
    html = documents.sheet(db_session=db_session, warning=warning, clock=clock, appendix=appendix)
    end_reading(db_session)  # printing takes seconds: hold no transaction meanwhile
    return printing.answer(html, fmt, f"warning-{warning.id}-sheet", chromium=settings.chromium)


@router.post("/deliveries/{item_id}/ack", response_model=DeliveryReceipt)
def acknowledge_delivery(item_id: int, token: str, db_session: DbSession, clock: CurrentClock) -> DeliveryReceipt:
    """接收方回执：凭推送内容中的 ack_token 确认收到（无需登录；令牌错误与记录不存在同样返回 404）。"""
    # Not RowId: an id beyond 2^63 must answer exactly like an unknown id or a wrong token (outbox.acknowledge).
    with transaction(db_session):
        item = outbox.acknowledge(db_session=db_session, item_id=item_id, token=token, now=clock.now())
        if item is None or item.topic != "warning":
            raise NotFound(kind="推送记录", key=str(item_id))
        return DeliveryReceipt(status=item.status)
