"""/api/hazards: report, confirm, 五落实, extension, submit, accept/reject, re-open, attachments, checklists, the
ladder and the board."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from yingji.core import xlsx
from yingji.core.clock import local_today
from yingji.core.divisions import CODE_PATTERN
from yingji.core.errors import NotFound
from yingji.core.http import read_bounded
from yingji.core.paging import Page, Paging, paged, slice_list
from yingji.core.params import RowId
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.hazards import board as hazard_board
from yingji.hazards import reads, service
from yingji.hazards.schema import (
    ConfirmIn,
    ExtensionIn,
    HazardIn,
    RectificationIn,
    ReopenIn,
    StepIn,
    checklists,
    ladder,
)
from yingji.hazards.schemas import (
    AttachmentRead,
    BoardRead,
    ChecklistRead,
    HazardDetail,
    HazardFilters,
    HazardRead,
    LadderRungRead,
)
from yingji.rules.hazards import HazardAction

router = APIRouter(prefix="/api/hazards", tags=["隐患排查治理"])
Division = Annotated[str | None, Query(pattern=CODE_PATTERN)]
ATTACHMENT_CONTENT: dict[str, dict[str, Any]] = {t: {} for t in service.ATTACHMENT_TYPES}
EXPORT_HEADER = (
    "编号",
    "企业",
    "矿山",
    "区划",
    "行业",
    "地点",
    "类别",
    "来源",
    "等级",
    "状态",
    "发现日期",
    "整改时限",
    "时限依据",
    "是否逾期",
    "已采取的督办措施",
    "曾认定虚假整改",
    "从宽或处罚",
)


@router.get("", response_model=Page[HazardRead])
def list_hazards(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[HazardFilters, Query()],
) -> Page[HazardRead]:
    """管辖范围内的隐患清单（企业账号：本企业；新的在前，分页），可按状态、等级、来源、区划、企业、逾期、发现日期筛选。"""
    found, total = service.list_(db_session=db_session, clock=clock, actor=actor, params=paging, filters=filters)
    return paged(reads.read_all(db_session, actor, found, local_today(clock)), total, paging)


@router.get("/export.xlsx", response_class=Response, responses=xlsx.RESPONSES)
def export_hazards(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    filters: Annotated[HazardFilters, Query()],
) -> Response:
    """导出隐患清单（电子表格）：与清单相同的范围、筛选和排序，全部条目（超过 5000 条须先筛选）。"""
    found = service.export_rows(db_session=db_session, clock=clock, actor=actor, filters=filters)
    rows = [
        (
            h.id,
            h.enterprise,
            h.mine_name,
            h.division_name,
            h.sector_label,
            h.place,
            h.category,
            h.channel_label,
            h.grade_label,
            h.state_label,
            h.found_on,
            h.deadline,
            h.deadline_basis_label,
            "逾期" if h.overdue else "",
            "、".join(h.escalation),
            "是" if h.fake_rectification else "",
            h.liability_label,
        )
        for h in reads.read_all(db_session, actor, found, local_today(clock))
    ]
    content = xlsx.workbook([("隐患清单", EXPORT_HEADER, rows)])
    return xlsx.response(content, f"隐患清单-{local_today(clock):%Y%m%d}")


@router.get("/checklists", response_model=Page[ChecklistRead])
def list_checklists(paging: Paging) -> Page[ChecklistRead]:
    """重大事故隐患判定标准（煤矿、金属非金属矿山、工贸），每条注明出处与核实程度（A 已核实，B/C 未核实）。"""
    rows = [ChecklistRead(**c.model_dump(), verified=c.verified) for c in checklists().values()]
    return slice_list(rows, paging)


@router.get("/ladder", response_model=Page[LadderRungRead])
def list_ladder(paging: Paging) -> Page[LadderRungRead]:
    """逾期督办阶梯：函告 → 通报 → 约谈 → 曝光（种子 004#L734、L5937 的顺序）；天数为平台默认值，可由管理部门配置。"""
    rows = [
        LadderRungRead(
            action=r.action,
            label=r.label,
            after_days=r.after_days,
            seed=r.seed,
            days_seed=r.days_seed,
            days_are_default=r.days_seed is None,
            days_label="平台默认值（种子未规定天数）" if r.days_seed is None else f"种子规定（{r.days_seed}）",
        )
        for r in ladder()
    ]
    return slice_list(rows, paging)


@router.get("/board", response_model=BoardRead)
def board(db_session: DbSession, clock: CurrentClock, actor: CurrentActor, division: Division = None) -> BoardRead:
    """看板：按区划、行业统计在办、逾期、已销号隐患，重大隐患动态清零对照节点。"""
    return hazard_board.board(db_session=db_session, clock=clock, actor=actor, division=division)


def _detail(db_session: DbSession, clock: CurrentClock, actor: CurrentActor, hazard_id: RowId) -> HazardDetail:
    hazard = service.visible(db_session, actor, hazard_id)
    return reads.detail(db_session, actor, hazard, local_today(clock))


@router.post("", status_code=201, response_model=HazardDetail)
def report_hazard(body: HazardIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> HazardDetail:
    """上报隐患（企业自查或监管检查发现）；重大事故隐患同时通知企业主要负责人和监管部门。"""
    with transaction(db_session):
        hazard = service.report(db_session=db_session, clock=clock, actor=actor, data=body)
    return _detail(db_session, clock, actor, hazard.id)


@router.get("/{hazard_id}", response_model=HazardDetail)
def get_hazard(hazard_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> HazardDetail:
    """一条隐患：判定依据、五落实、处理经过、附件，以及本账号现在可执行的步骤。"""
    return _detail(db_session, clock, actor, hazard_id)


@router.post("/{hazard_id}/confirm", response_model=HazardDetail)
def confirm(
    hazard_id: RowId, body: ConfirmIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> HazardDetail:
    """确认隐患（监管部门可同时改定等级）。"""
    with transaction(db_session):
        service.confirm(db_session=db_session, clock=clock, actor=actor, hazard_id=hazard_id, data=body)
    return _detail(db_session, clock, actor, hazard_id)


@router.post("/{hazard_id}/rectification", response_model=HazardDetail)
def rectify(
    hazard_id: RowId, body: RectificationIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> HazardDetail:
    """落实整改“五落实”：责任人、措施、资金、时限、预案，缺一不可。"""
    with transaction(db_session):
        service.rectify(db_session=db_session, clock=clock, actor=actor, hazard_id=hazard_id, data=body)
    return _detail(db_session, clock, actor, hazard_id)


@router.post("/{hazard_id}/extension", response_model=HazardDetail)
def decide_extension(
    hazard_id: RowId, body: ExtensionIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> HazardDetail:
    """审批一般隐患的延期整改申请（仅监管部门）：同意则采用申请的时限，不同意须写明理由。"""
    with transaction(db_session):
        service.extend(db_session=db_session, clock=clock, actor=actor, hazard_id=hazard_id, data=body)
    return _detail(db_session, clock, actor, hazard_id)


@router.post("/{hazard_id}/reopen", response_model=HazardDetail)
def reopen(
    hazard_id: RowId, body: ReopenIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> HazardDetail:
    """已销号隐患核查未整改：认定虚假整改（纸面整改、整改不到位），重新整改，记录验收销号人等责任（仅监管部门）。"""
    with transaction(db_session):
        service.reopen(db_session=db_session, clock=clock, actor=actor, hazard_id=hazard_id, data=body)
    return _detail(db_session, clock, actor, hazard_id)


@router.post("/{hazard_id}/attachments", status_code=201, response_model=AttachmentRead)
async def add_attachment(
    hazard_id: RowId,
    filename: Annotated[str, Query(min_length=1, max_length=200)],
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> AttachmentRead:
    """上传照片或文件（请求体为文件内容，Content-Type 为 image/jpeg、image/png 或 application/pdf，≤10 MB）。"""
    data = await read_bounded(request, service.MAX_ATTACHMENT_BYTES, "附件")
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    with transaction(db_session):
        row = service.attach(
            db_session=db_session,
            clock=clock,
            actor=actor,
            hazard_id=hazard_id,
            filename=filename,
            content_type=content_type,
            data=data,
        )
        return reads.attachment(row)


@router.get(
    "/{hazard_id}/attachments/{attachment_id}",
    response_class=Response,
    responses={200: {"content": ATTACHMENT_CONTENT, "description": "附件原文件"}},
)
def get_attachment(hazard_id: RowId, attachment_id: RowId, db_session: DbSession, actor: CurrentActor) -> Response:
    """下载附件（原文件）。"""
    row = service.attachment(db_session=db_session, actor=actor, hazard_id=hazard_id, attachment_id=attachment_id)
    disposition = f"attachment; filename*=UTF-8''{quote(row.filename, safe='')}"
    return Response(row.data, media_type=row.content_type, headers={"Content-Disposition": disposition})


STEPS = {
    "dismiss": HazardAction.DISMISS,
    "submit": HazardAction.SUBMIT,
    "accept": HazardAction.ACCEPT,
    "reject": HazardAction.REJECT,
}


# last: the generic step route must not shadow /attachments
@router.post("/{hazard_id}/{step}", response_model=HazardDetail)
def take_step(
    hazard_id: RowId,
    step: str,
    body: StepIn,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> HazardDetail:
    """dismiss 核实不属实 · submit 申请验收 · accept 验收销号（仅监管部门） · reject 验收不合格退回整改。"""
    action = STEPS.get(step)
    if action is None:
        raise NotFound(kind="操作", key=step)
    with transaction(db_session):
        service.step(db_session=db_session, clock=clock, actor=actor, hazard_id=hazard_id, action=action, data=body)
    return _detail(db_session, clock, actor, hazard_id)
