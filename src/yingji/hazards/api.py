"""/api/hazards: report, confirm, 五落实, submit, accept/reject, attachments, checklists and the board."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from yingji.core.divisions import CODE_PATTERN
from yingji.core.errors import NotFound
from yingji.core.http import read_bounded
from yingji.core.params import RowId
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.hazards import board as hazard_board
from yingji.hazards import service
from yingji.hazards.schema import ConfirmIn, HazardIn, RectificationIn, StepIn, checklists
from yingji.rules.hazards import HazardAction, HazardGrade, HazardState

router = APIRouter(prefix="/api/hazards", tags=["隐患排查治理"])
Division = Annotated[str | None, Query(pattern=CODE_PATTERN)]


@router.get("")
def list_hazards(
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    state: HazardState | None = None,
    grade: HazardGrade | None = None,
    division: Division = None,
    overdue: bool = False,
) -> list[dict[str, Any]]:
    """管辖范围内的隐患清单（企业账号：本企业），可按状态、等级、区划、逾期筛选。"""
    return service.list_(
        db_session=db_session,
        clock=clock,
        actor=actor,
        state=state,
        grade=grade,
        division=division,
        overdue_only=overdue,
    )


@router.get("/checklists")
def list_checklists() -> list[dict[str, Any]]:
    """重大事故隐患判定标准（煤矿、金属非金属矿山、工贸），每条注明出处与核实程度（A 已核实，B/C 未核实）。"""
    return [c.model_dump(mode="json") | {"verified": c.verified} for c in checklists().values()]


@router.get("/board")
def board(db_session: DbSession, clock: CurrentClock, actor: CurrentActor, division: Division = None) -> dict[str, Any]:
    """看板：按区划、行业统计在办、逾期、已销号隐患，重大隐患动态清零对照节点。"""
    return hazard_board.board(db_session=db_session, clock=clock, actor=actor, division=division)


@router.post("", status_code=201)
def report_hazard(body: HazardIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> dict[str, Any]:
    with transaction(db_session):
        hazard = service.report(db_session=db_session, clock=clock, actor=actor, data=body)
    return service.detail(db_session=db_session, clock=clock, actor=actor, hazard_id=hazard.id)


@router.get("/{hazard_id}")
def get_hazard(hazard_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> dict[str, Any]:
    return service.detail(db_session=db_session, clock=clock, actor=actor, hazard_id=hazard_id)


@router.post("/{hazard_id}/confirm")
def confirm(
    hazard_id: RowId, body: ConfirmIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """确认隐患（监管部门可同时改定等级）。"""
    with transaction(db_session):
        service.confirm(db_session=db_session, clock=clock, actor=actor, hazard_id=hazard_id, data=body)
    return service.detail(db_session=db_session, clock=clock, actor=actor, hazard_id=hazard_id)


@router.post("/{hazard_id}/rectification")
def rectify(
    hazard_id: RowId, body: RectificationIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """落实整改“五落实”：责任人、措施、资金、时限、预案，缺一不可。"""
    with transaction(db_session):
        service.rectify(db_session=db_session, clock=clock, actor=actor, hazard_id=hazard_id, data=body)
    return service.detail(db_session=db_session, clock=clock, actor=actor, hazard_id=hazard_id)


@router.post("/{hazard_id}/attachments", status_code=201)
async def add_attachment(
    hazard_id: RowId,
    filename: Annotated[str, Query(min_length=1, max_length=200)],
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> dict[str, Any]:
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
        return {"id": row.id, "filename": row.filename, "size": row.size, "sha256": row.sha256}


@router.get("/{hazard_id}/attachments/{attachment_id}")
def get_attachment(hazard_id: RowId, attachment_id: RowId, db_session: DbSession, actor: CurrentActor) -> Response:
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
@router.post("/{hazard_id}/{step}")
def take_step(
    hazard_id: RowId,
    step: str,
    body: StepIn,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
) -> dict[str, Any]:
    """dismiss 核实不属实 · submit 申请验收 · accept 验收销号（仅监管部门） · reject 验收不合格退回整改。"""
    action = STEPS.get(step)
    if action is None:
        raise NotFound(kind="操作", key=step)
    with transaction(db_session):
        service.step(db_session=db_session, clock=clock, actor=actor, hazard_id=hazard_id, action=action, data=body)
    return service.detail(db_session=db_session, clock=clock, actor=actor, hazard_id=hazard_id)
