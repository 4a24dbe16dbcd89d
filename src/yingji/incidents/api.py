"""/api/incidents: reports, assessments, clocks, responses, tasks, end, release, dispatch, timeline and record."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from yingji.auth.roles import Permission
from yingji.core import printing, xlsx
from yingji.core.clock import local_today
from yingji.core.divisions import CODE_PATTERN
from yingji.core.errors import InvalidState
from yingji.core.http import read_bounded
from yingji.core.paging import Page, Paging, every, page_of, paged
from yingji.core.params import RowId
from yingji.db.session import end_reading, transaction
from yingji.deps import CurrentActor, CurrentClock, CurrentSettings, DbSession
from yingji.incidents import (
    aftermath,
    alerts,
    command,
    documents,
    exports,
    photos,
    reads,
    record,
    service,
    suggest,
    timeline,
    weather,
)
from yingji.incidents.enums import AccidentSector
from yingji.incidents.models import Incident
from yingji.incidents.policy import IncidentAction
from yingji.incidents.schemas import (
    Acknowledge,
    AdjustResponse,
    AftermathFilters,
    AftermathIn,
    AftermathRead,
    ConfirmCondition,
    DecidersNotified,
    DispatchIn,
    DispatchRead,
    DispatchSuggestionRead,
    EndConditionRead,
    EndResponse,
    FollowUpReport,
    Handover,
    IncidentFilters,
    IncidentRead,
    IncidentSummary,
    InitialReport,
    InitialRequirements,
    ObligationAck,
    PhotoRead,
    PlanOverride,
    ReleaseIn,
    ReportFilters,
    ReportRead,
    RescuersInZone,
    ResponseRead,
    ResponseStarted,
    SettleIn,
    StartResponse,
    SuggestionFilters,
    TaskFilters,
    TaskRead,
    TaskUpdate,
    TimelineEventRead,
    TimelineFilters,
)

router = APIRouter(prefix="/api/incidents", tags=["事件与响应"])


@router.post("", status_code=201, response_model=IncidentRead)
def report_initial(
    body: InitialReport, response: Response, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> IncidentRead:
    """初报：登记事件，按事发地和事故类别确定适用预案，逐一研判并开始计算报告时限。重复提交返回同一记录（200）。"""
    with transaction(db_session):
        incident, created = service.report_initial(db_session=db_session, clock=clock, actor=actor, report=body)
        if not created:
            response.status_code = 200
        return reads.read(db_session, clock, actor, incident)


@router.post("/from-warning/{warning_id}", status_code=201, response_model=IncidentRead)
def open_weather_event(
    warning_id: RowId, response: Response, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> IncidentRead:
    """气象灾害转入应急处置：已发布的气象灾害预警登记为事件（行业“气象灾害”，适用该预警的预案），由预案规定的
    机关决定响应级别；成员单位职责生成任务；降级或解除后按预案限时报告。再次提交返回同一事件（200）。"""
    with transaction(db_session):
        incident, created = weather.open_from_warning(
            db_session=db_session, clock=clock, actor=actor, warning_id=warning_id
        )
        if not created:
            response.status_code = 200
        return reads.read(db_session, clock, actor, incident)


@router.get("/initial-requirements", response_model=InitialRequirements)
def initial_requirements(
    division_code: Annotated[str, Query(pattern=CODE_PATTERN, description="事发地行政区划")],
    sector: AccidentSector,
    actor: CurrentActor,
) -> InitialRequirements:
    """初报前：按事发地和行业将适用的预案，以及它们要求初报包含的内容（表单据此标注必填项）。"""
    actor.require(Permission.INCIDENTS_REPORT)
    return service.initial_requirements(division_code, sector)


@router.get("", response_model=Page[IncidentSummary])
def list_incidents(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[IncidentFilters, Query()],
) -> Page[IncidentSummary]:
    """管辖范围内的事件（按事发时间新的在前，分页），可按状态、行政区划、类别、事发时间筛选，含迟报计数。"""
    found, total = service.list_(db_session=db_session, actor=actor, params=paging, filters=filters)
    return paged(reads.summaries(db_session, clock, found), total, paging)


@router.get("/export.xlsx", response_class=Response, responses=xlsx.RESPONSES)
def export_incidents(
    db_session: DbSession, clock: CurrentClock, actor: CurrentActor, filters: Annotated[IncidentFilters, Query()]
) -> Response:
    """事故登记（电子表格，筛选同列表，最多一万条）。"""
    found, _ = every(lambda params: service.list_(db_session=db_session, actor=actor, params=params, filters=filters))
    today = local_today(clock)
    return xlsx.response(exports.workbook(reads.summaries(db_session, clock, found), today), f"事故-{today}")


@router.get("/{incident_id}", response_model=IncidentRead)
def get_incident(incident_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> IncidentRead:
    """事件详情：事实、各预案研判及依据、报告时限（迟报）、响应，以及本账号可执行的操作。"""
    return reads.read(
        db_session, clock, actor, service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    )


@router.post("/{incident_id}/reports", status_code=201, response_model=IncidentRead)
def report_follow_up(
    incident_id: RowId,
    body: FollowUpReport,
    response: Response,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> IncidentRead:
    """续报或终报；伤亡变化时重新研判，等级上升时提出升级建议。"""
    with transaction(db_session):
        row, created = service.report_follow_up(
            db_session=db_session, clock=clock, actor=actor, incident_id=incident_id, report=body
        )
        if not created:
            response.status_code = 200
        return reads.read(db_session, clock, actor, db_session.get_one(Incident, row.incident_id))


@router.put("/{incident_id}/plans", response_model=IncidentRead)
def override_plans(
    incident_id: RowId, body: PlanOverride, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> IncidentRead:
    """改变适用预案（须说明理由）。"""
    with transaction(db_session):
        incident = service.override_plans(
            db_session=db_session, clock=clock, actor=actor, incident_id=incident_id, override=body
        )
        return reads.read(db_session, clock, actor, incident)


@router.post("/{incident_id}/notify-decider", response_model=DecidersNotified)
def notify_decider(
    incident_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> DecidersNotified:
    """通知决定机关：本账号不能启动响应时，请预案规定的决定机关研判（短信至其值班电话，并通知辖区值班账号）。"""
    with transaction(db_session):
        incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
        actor.require(Permission.INCIDENTS_COMMAND)
        if IncidentAction.NOTIFY_DECIDER not in reads.read(db_session, clock, actor, incident).allowed_actions:
            raise InvalidState(
                reason="本账号可直接启动响应，或事件已结束：无需通知决定机关", subcode="incident.notify_decider.state"
            )
        incident = service.lock(db_session, incident)
        return DecidersNotified(reached=alerts.notify_deciders(db_session, clock, incident, actor.username))


@router.post("/{incident_id}/obligations/{obligation_id}/ack", response_model=ObligationAck)
def acknowledge(
    incident_id: RowId,
    obligation_id: RowId,
    body: Acknowledge,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> ObligationAck:
    """接报登记：由接收机关（或其上级代为）登记报告实际送达的时间和接报人；接收机关不在本平台时由报送机关登记。
    送达晚于时限的标为迟报。"""
    with transaction(db_session):
        row = service.acknowledge(
            db_session=db_session,
            clock=clock,
            actor=actor,
            incident_id=incident_id,
            obligation_id=obligation_id,
            receipt=body,
        )
        return reads.ack(row, clock.now())


@router.post("/{incident_id}/responses", status_code=201, response_model=ResponseStarted)
def start_response(
    incident_id: RowId, body: StartResponse, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> ResponseStarted:
    """启动应急响应（仅预案规定的决定机关）：成立指挥部、需要时成立现场指挥部，按预案生成任务。"""
    with transaction(db_session):
        row = command.start(db_session=db_session, clock=clock, actor=actor, incident_id=incident_id, data=body)
        return ResponseStarted(id=row.id, level=row.level, has_onsite_hq=row.has_onsite_hq, decided_by=row.decided_by)


@router.post("/{incident_id}/responses/{response_id}/adjust", response_model=ResponseRead)
def adjust_response(
    incident_id: RowId,
    response_id: RowId,
    body: AdjustResponse,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> ResponseRead:
    """调整响应级别（须说明理由）。"""
    with transaction(db_session):
        row = command.adjust(
            db_session=db_session, clock=clock, actor=actor, incident_id=incident_id, response_id=response_id, data=body
        )
        return reads.response(actor, row)


@router.post("/{incident_id}/responses/{response_id}/end-conditions", status_code=201, response_model=EndConditionRead)
def confirm_condition(
    incident_id: RowId,
    response_id: RowId,
    body: ConfirmCondition,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> EndConditionRead:
    """确认一项应急结束条件。"""
    with transaction(db_session):
        row = command.confirm_condition(
            db_session=db_session,
            clock=clock,
            actor=actor,
            incident_id=incident_id,
            response_id=response_id,
            condition=body.condition,
        )
        return reads.end_condition(row)


@router.post("/{incident_id}/responses/{response_id}/end", response_model=ResponseRead)
def end_response(
    incident_id: RowId,
    response_id: RowId,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    body: EndResponse | None = None,
) -> ResponseRead:
    """宣布应急响应结束（谁启动谁终止；全部结束条件须已确认；尚有报告未登记或任务未完成时须说明理由），
    并开启后期处置义务。"""
    with transaction(db_session):
        row = command.end(
            db_session=db_session,
            clock=clock,
            actor=actor,
            incident_id=incident_id,
            response_id=response_id,
            reason=body.reason if body else None,
        )
        return reads.response(actor, row)


@router.get("/{incident_id}/tasks", response_model=Page[TaskRead])
def list_tasks(
    incident_id: RowId,
    db_session: DbSession,
    actor: CurrentActor,
    clock: CurrentClock,
    paging: Paging,
    filters: Annotated[TaskFilters, Query()],
) -> Page[TaskRead]:
    """按预案生成的任务（按生成先后，分页）：责任单位、承办人、完成时限、来源、状态；可按工作组、状态、响应筛选。"""
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    rows, total = service.tasks_page(db_session=db_session, incident=incident, params=paging, filters=filters)
    return paged(reads.tasks(db_session, actor, rows, clock.now()), total, paging)


@router.patch("/{incident_id}/tasks/{task_id}", response_model=TaskRead)
def update_task(
    incident_id: RowId,
    task_id: RowId,
    body: TaskUpdate,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> TaskRead:
    """更新任务：状态、备注、承办人、完成时限（只改所送字段；承办人或时限送 null 即清除）。"""
    with transaction(db_session):
        task = command.update_task(
            db_session=db_session, clock=clock, actor=actor, incident_id=incident_id, task_id=task_id, data=body
        )
        return reads.tasks(db_session, actor, [task], clock.now())[0]


@router.post("/{incident_id}/rescuers", status_code=201, response_model=TimelineEventRead)
def rescuers(
    incident_id: RowId, body: RescuersInZone, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> TimelineEventRead:
    """登记进入危险区域的救援人员数（答复记入时间线的这一条）。"""
    with transaction(db_session):
        event = command.record_rescuers(
            db_session=db_session, clock=clock, actor=actor, incident_id=incident_id, data=body
        )
        return reads.event(event)


@router.post("/{incident_id}/handover", status_code=201, response_model=TimelineEventRead)
def handover(
    incident_id: RowId, body: Handover, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> TimelineEventRead:
    """登记指挥权移交（如 事故发生单位 → 现场指挥部）。"""
    with transaction(db_session):
        event = command.handover(db_session=db_session, clock=clock, actor=actor, incident_id=incident_id, data=body)
        return reads.event(event)


@router.post("/{incident_id}/releases", status_code=201, response_model=TimelineEventRead)
def release(
    incident_id: RowId, body: ReleaseIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> TimelineEventRead:
    """信息发布：须由预案为该等级规定的发布机关进行。"""
    with transaction(db_session):
        event = command.release(db_session=db_session, clock=clock, actor=actor, incident_id=incident_id, data=body)
        return reads.event(event)


SUGGESTIONS_MAX = 200  # the nearest-resource search ranks at most this many


@router.get("/{incident_id}/dispatch/suggestions", response_model=Page[DispatchSuggestionRead])
def dispatch_suggestions(
    incident_id: RowId,
    request: Request,
    db_session: DbSession,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[SuggestionFilters, Query()],
) -> Page[DispatchSuggestionRead]:
    """建议调派（分页）：矿山事故先列协议救护队，再按距离列出专业矿山救护队；也可查专家（按专业）、物资储备库等。
    按距离排序的前 200 条（total 不超过 200）。"""
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    index = request.app.state.resource_index.get(db_session)
    hits = suggest.suggestions(
        db_session=db_session,
        actor=actor,
        index=index,
        incident=incident,
        kind=filters.kind,
        specialty=filters.specialty,
        limit=SUGGESTIONS_MAX,
    )
    shown = hits[paging.offset : paging.offset + paging.limit]
    return paged(reads.suggestions(db_session, actor, incident, shown), len(hits), paging)


@router.post("/{incident_id}/dispatches", status_code=201, response_model=DispatchRead)
def dispatch(
    incident_id: RowId, body: DispatchIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> DispatchRead:
    """登记调派的资源；调派记入时间线。"""
    with transaction(db_session):
        row = command.dispatch(db_session=db_session, clock=clock, actor=actor, incident_id=incident_id, data=body)
        return reads.dispatch(row)


@router.get("/{incident_id}/reports", response_model=Page[ReportRead])
def list_reports(
    incident_id: RowId,
    db_session: DbSession,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[ReportFilters, Query()],
) -> Page[ReportRead]:
    """全部信息报告（初报、续报、终报，按提交先后，分页）的内容与伤亡数字。"""
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    rows, total = service.reports_page(db_session=db_session, incident=incident, params=paging, filters=filters)
    return page_of(rows, total, paging, reads.report)


@router.get("/{incident_id}/timeline", response_model=Page[TimelineEventRead])
def get_timeline(
    incident_id: RowId,
    db_session: DbSession,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[TimelineFilters, Query()],
) -> Page[TimelineEventRead]:
    """时间线（按顺序，只增不改，分页），可按事项类别筛选；逐页读取可作为 JSON 导出归档。"""
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    rows, total = timeline.page(db_session=db_session, incident=incident, params=paging, filters=filters)
    return page_of(rows, total, paging, reads.event)


Appendix = Annotated[bool, Query(description="附上研判依据（条款、原文、出处）")]


@router.get("/{incident_id}/record", response_class=Response, responses=printing.DOCUMENT_RESPONSES)
def printable_record(
    incident_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor, appendix: Appendix = False
) -> Response:
    """可打印的中文应急处置记录（HTML，浏览器可另存为 PDF 归档）；纸面不出现代码和出处，appendix=1 附研判依据。"""
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    html = record.render(db_session=db_session, incident=incident, clock=clock, appendix=appendix)
    return printing.answer(html, "html", f"incident-{incident.id}-record", chromium=None)


@router.get("/{incident_id}/record.pdf", response_class=Response, responses=printing.DOCUMENT_RESPONSES)
def record_pdf(
    incident_id: RowId,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    settings: CurrentSettings,
    appendix: Appendix = False,
) -> Response:
    """应急处置记录（PDF，由服务器上的 Chromium 打印，中文字体）。"""
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    html = record.render(db_session=db_session, incident=incident, clock=clock, appendix=appendix)
    end_reading(db_session)  # printing takes seconds: hold no transaction meanwhile
    return printing.answer(html, "pdf", f"incident-{incident.id}-record", chromium=settings.chromium)


@router.get(
    "/{incident_id}/reports/{report_id}/express.{fmt}",
    response_class=Response,
    responses=printing.DOCUMENT_RESPONSES,
)
def express_report(
    incident_id: RowId,
    report_id: RowId,
    fmt: Literal["html", "pdf"],
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    settings: CurrentSettings,
    appendix: Appendix = False,
) -> Response:
    """事故信息快报（初报、续报、终报各一份）：HTML 或 PDF；签发人留空由签发时填写，appendix=1 附研判依据。"""
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    report = documents.report_of(db_session, incident, report_id)
    html = documents.express(db_session=db_session, incident=incident, report=report, clock=clock, appendix=appendix)
    end_reading(db_session)
    return printing.answer(html, fmt, f"incident-{incident.id}-report-{report.id}", chromium=settings.chromium)


@router.post("/{incident_id}/photos", status_code=201, response_model=PhotoRead)
async def add_photo(
    incident_id: RowId,
    report_key: Annotated[str, Query(min_length=1, max_length=80, description="该报告提交时的 client_key")],
    filename: Annotated[str, Query(min_length=1, max_length=200)],
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> PhotoRead:
    """为本人提交的续报、终报附现场照片（请求体为图片内容，Content-Type 为 image/jpeg、image/png 或 image/webp，
    ≤10 MB，每份报告至多 6 张）；照片记入时间线。"""
    data = await read_bounded(request, photos.MAX_PHOTO_BYTES, "照片")
    content_type = request.headers.get("content-type", "").split(";")[0].strip()

    def work() -> PhotoRead:
        with transaction(db_session):
            row = photos.attach(
                db_session=db_session,
                clock=clock,
                actor=actor,
                incident_id=incident_id,
                report_key=report_key,
                filename=filename,
                content_type=content_type,
                data=data,
            )
            return photos.read(row)

    return await run_in_threadpool(work)


@router.get(
    "/{incident_id}/photos/{photo_id}",
    response_class=Response,
    responses={200: {"content": {t: {} for t in photos.PHOTO_TYPES}, "description": "照片原文件"}},
)
def get_photo(incident_id: RowId, photo_id: RowId, db_session: DbSession, actor: CurrentActor) -> Response:
    """现场照片（原文件）。"""
    row = photos.get(db_session=db_session, actor=actor, incident_id=incident_id, photo_id=photo_id)
    disposition = f"inline; filename*=UTF-8''{quote(row.filename, safe='')}"
    headers = {"Content-Disposition": disposition, "Cache-Control": "private, max-age=3600"}
    return Response(row.data, media_type=row.content_type, headers=headers)


# --- 后期处置 --------------------------------------------------------------------------------------------------------


@router.get("/{incident_id}/aftermath", response_model=Page[AftermathRead])
def list_aftermath(
    incident_id: RowId,
    db_session: DbSession,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[AftermathFilters, Query()],
) -> Page[AftermathRead]:
    """后期处置记录：灾情核定、救助与善后、征用与归还（待归还的征用在前，其余新的在前）。"""
    rows, total = aftermath.page(
        db_session=db_session, actor=actor, incident_id=incident_id, params=paging, filters=filters
    )
    return paged([aftermath.read(actor, r) for r in rows], total, paging)


@router.post("/{incident_id}/aftermath", status_code=201, response_model=AftermathRead)
def record_aftermath(
    incident_id: RowId, body: AftermathIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> AftermathRead:
    """记录灾情核定（应急处置结束后，5.3）、救助与善后（5.4）或征用（5.5，待归还或补偿）。"""
    with transaction(db_session):
        row = aftermath.record(db_session=db_session, clock=clock, actor=actor, incident_id=incident_id, data=body)
        return aftermath.read(actor, row)


@router.post("/{incident_id}/aftermath/{aftermath_id}/settle", response_model=AftermathRead)
def settle_aftermath(
    incident_id: RowId,
    aftermath_id: RowId,
    body: SettleIn,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> AftermathRead:
    """登记征用财产已归还，或毁损、灭失已补偿（写明金额）；每项只登记一次。"""
    with transaction(db_session):
        row = aftermath.settle(
            db_session=db_session,
            clock=clock,
            actor=actor,
            incident_id=incident_id,
            aftermath_id=aftermath_id,
            data=body,
        )
        return aftermath.read(actor, row)
