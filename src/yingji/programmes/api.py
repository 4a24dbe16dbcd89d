"""/api/programmes (the quality award, heritage bearers and any programme in data/) and /api/rehab."""

from __future__ import annotations

import random
from typing import Any

from fastapi import APIRouter, Response
from pydantic import Field

from yingji.audit.rows import snapshot
from yingji.core import xlsx
from yingji.core.clock import local_today
from yingji.core.params import RowId, Year
from yingji.core.schemas import YingjiModel
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.programmes import access, exports, panels, rehab, service, titles
from yingji.programmes import schemas as s
from yingji.programmes.schema import programme, rehab_rules

router = APIRouter(prefix="/api/programmes", tags=["评审认定事项"])
rehab_router = APIRouter(prefix="/api/rehab", tags=["工伤康复"])


class CheckIn(YingjiModel):
    facts: dict[s.Key, s.Fact] = Field(default_factory=dict, max_length=40)
    events: list[s.EventIn] = Field(default_factory=list, max_length=100)


class NoteIn(YingjiModel):
    reason: s.Text


# --- programmes ---------------------------------------------------------------------------------------------------


@router.get("")
def list_programmes(actor: CurrentActor) -> list[dict[str, Any]]:
    """可见的评审认定项目及其环节、材料、条件（均附种子原文出处）。"""
    return [p.model_dump() for p in service.visible_programmes(actor)]


# --- rounds -------------------------------------------------------------------------------------------------------


@router.get("/rounds")
def list_rounds(db_session: DbSession, actor: CurrentActor, programme_id: str | None = None) -> list[dict[str, Any]]:
    return [
        service.round_dict(r) for r in service.rounds(db_session=db_session, actor=actor, programme_id=programme_id)
    ]


@router.post("/rounds", status_code=201)
def open_round(body: s.RoundIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> dict[str, Any]:
    """启动评审并发布通知（登记实施方案批准文号、通知日期和申报截止日）。"""
    with transaction(db_session):
        return service.round_dict(service.open_round(db_session=db_session, clock=clock, actor=actor, data=body))


@router.get("/rounds/{round_id}")
def get_round(round_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock) -> dict[str, Any]:
    row, _ = service.get_round(db_session, actor, round_id)
    out = service.round_dict(row)
    on = local_today(clock)
    apps = service.applications(db_session=db_session, actor=actor, round_id=row.id)
    out["applications"] = [service.as_dict(a, on) for a in apps]
    out["panels"] = panels.panels_of(db_session, row.id)
    return out


@router.post("/rounds/{round_id}/close")
def close_round(round_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> dict[str, Any]:
    with transaction(db_session):
        return service.round_dict(
            service.close_round(db_session=db_session, clock=clock, actor=actor, round_id=round_id)
        )


@router.post("/rounds/{round_id}/select")
def select_winners(
    round_id: RowId, body: s.SelectIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> list[dict[str, Any]]:
    """决定本届名单：入选者进入公示，其余为未入选；不超过项目规定的名额。"""
    with transaction(db_session):
        rows = service.select_winners(db_session=db_session, clock=clock, actor=actor, round_id=round_id, data=body)
        on = local_today(clock)
        return [service.as_dict(a, on) for a in rows]


@router.post("/rounds/{round_id}/panels", status_code=201)
def form_panel(
    round_id: RowId, body: s.PanelIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """组建（指定）专家组，按组成规则检查。"""
    with transaction(db_session):
        rnd, prog = service.get_round(db_session, actor, round_id)
        row = panels.form(db_session=db_session, clock=clock, actor=actor, rnd=rnd, prog=prog, data=body)
        return next(p for p in panels.panels_of(db_session, rnd.id) if p["id"] == row.id)


@router.post("/rounds/{round_id}/draw", status_code=201)
def draw_panel(
    round_id: RowId, body: s.DrawIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """从专家库随机抽选专家组（系统随机源），按组成规则检查。"""
    with transaction(db_session):
        rnd, prog = service.get_round(db_session, actor, round_id)
        rng = random.SystemRandom()
        row = panels.draw(db_session=db_session, clock=clock, actor=actor, rnd=rnd, prog=prog, data=body, rng=rng)
        return next(p for p in panels.panels_of(db_session, rnd.id) if p["id"] == row.id)


@router.get("/rounds/{round_id}/export.xlsx")
def export_round(round_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock) -> Response:
    row, prog = service.get_round(db_session, actor, round_id)
    apps = service.applications(db_session=db_session, actor=actor, round_id=row.id)
    return xlsx.response(exports.round_workbook(prog, row, apps, local_today(clock)), f"{row.title}")


# --- applications -------------------------------------------------------------------------------------------------


@router.get("/applications")
def list_applications(
    db_session: DbSession, actor: CurrentActor, clock: CurrentClock, round_id: RowId | None = None
) -> list[dict[str, Any]]:
    on = local_today(clock)
    return [service.as_dict(a, on) for a in service.applications(db_session=db_session, actor=actor, round_id=round_id)]


@router.post("/applications", status_code=201)
def submit(body: s.ApplicationIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> dict[str, Any]:
    """申报：材料齐全、符合条件、无不得申报情形时受理，进入下一环节。"""
    with transaction(db_session):
        app = service.submit(db_session=db_session, clock=clock, actor=actor, data=body)
        return service.as_dict(app, local_today(clock))


@router.get("/applications/{app_id}")
def get_application(app_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock) -> dict[str, Any]:
    app, _ = service.get_application(db_session, actor, app_id)
    on = local_today(clock)
    out = service.as_dict(app, on)
    out["history"] = service.history(db_session, app.id)
    out["objections"] = [service.objection_dict(o, on) for o in service.objections(db_session, app.id)]
    out["scores_detail"] = panels.scores_of(db_session, actor, app.id)
    return out


@router.post("/applications/{app_id}/advance")
def advance(
    app_id: RowId, body: s.AdvanceIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """办理当前环节：通过、退回修改或不予通过（由该环节规定的办理人）。"""
    with transaction(db_session):
        app = service.advance(
            db_session=db_session,
            clock=clock,
            actor=actor,
            app_id=app_id,
            outcome=body.outcome,
            reason=body.reason,
            expected_stage=body.expected_stage,
        )
        return service.as_dict(app, local_today(clock))


@router.post("/applications/{app_id}/resubmit")
def resubmit(
    app_id: RowId, body: s.ResubmitIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        app = service.resubmit(db_session=db_session, clock=clock, actor=actor, app_id=app_id, data=body)
        return service.as_dict(app, local_today(clock))


@router.post("/applications/{app_id}/withdraw")
def withdraw(
    app_id: RowId, body: NoteIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        app = service.withdraw(db_session=db_session, clock=clock, actor=actor, app_id=app_id, reason=body.reason)
        return service.as_dict(app, local_today(clock))


@router.post("/applications/{app_id}/objections", status_code=201)
def file_objection(
    app_id: RowId, body: s.ObjectionIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """登记公示期间收到的异议。"""
    with transaction(db_session):
        row = service.file_objection(db_session=db_session, clock=clock, actor=actor, app_id=app_id, data=body)
        return service.objection_dict(row, local_today(clock))


@router.post("/objections/{objection_id}/resolve")
def resolve_objection(
    objection_id: RowId, body: s.ResolveIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """复核异议并书面答复；异议成立则取消资格。"""
    with transaction(db_session):
        row = service.resolve_objection(
            db_session=db_session, clock=clock, actor=actor, objection_id=objection_id, data=body
        )
        return service.objection_dict(row, local_today(clock))


@router.post("/applications/{app_id}/scores", status_code=201)
def score(
    app_id: RowId, body: s.ScoreIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """专家评分（百分制）及评审意见。"""
    with transaction(db_session):
        app, prog = service.get_application(db_session, actor, app_id, lock=True)
        row = panels.score(db_session=db_session, clock=clock, actor=actor, app=app, prog=prog, data=body)
        return {"id": row.id, "application_id": app.id, "score": str(row.score)}


@router.post("/applications/{app_id}/recusals", status_code=201)
def recuse(
    app_id: RowId, body: NoteIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """专家申明与申报人有利害关系，主动回避。"""
    with transaction(db_session):
        app, prog = service.get_application(db_session, actor, app_id, lock=True)
        data = s.RecusalIn(application_id=app.id, reason=body.reason)
        row = panels.recuse(db_session=db_session, clock=clock, actor=actor, app=app, prog=prog, data=data)
        return {"id": row.id, "application_id": app.id}


@router.get("/{programme_id}")
def get_programme(programme_id: str, actor: CurrentActor) -> dict[str, Any]:
    service.require_reader(actor)
    prog = programme(programme_id)
    access.require_visible(actor, prog)
    return prog.model_dump()


@router.post("/{programme_id}/check")
def check(programme_id: str, body: CheckIn, actor: CurrentActor, clock: CurrentClock) -> dict[str, Any]:
    """申报前自查：按申报人填写的情况逐条对照申报条件和不得申报情形。"""
    return service.eligibility_preview(
        actor=actor, programme_id=programme_id, facts=body.facts, events=body.events, on=local_today(clock)
    )


@router.get("/{programme_id}/titles")
def list_titles(programme_id: str, db_session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    programme(programme_id)
    return [titles.title_dict(t) for t in titles.titles(db_session=db_session, actor=actor, programme_id=programme_id)]


# --- pools and titles ---------------------------------------------------------------------------------------------


@router.get("/pools/{pool}")
def list_pool(pool: str, db_session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    service.require_reader(actor)
    if pool != rehab_rules().pool.code:
        access.require_visible(actor, panels.pool_owner(pool))
    return panels.pool_members(db_session, pool)


@router.post("/pools/{pool}", status_code=201)
def add_to_pool(
    pool: str, body: s.PoolMemberIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """专家入库（非遗保护专家库等）。工伤康复专家库见 /api/rehab/pool。"""
    owner = panels.pool_owner(pool)
    with transaction(db_session):
        row = panels.add_pool_member(
            db_session=db_session,
            clock=clock,
            actor=actor,
            pool=pool,
            owner_division=owner.division_code,
            owner=owner.authority,
            data=body,
            term_years=None,
            required=[],
        )
        return {"id": row.id, "pool": row.pool, "expert_id": row.expert_id}


@router.post("/{programme_id}/titles", status_code=201)
def record_past_title(
    programme_id: str, body: s.PastTitleIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """登记往届获奖（认定）记录（用于再次申报间隔、撤销期限和年度评估）。"""
    prog = programme(programme_id)
    with transaction(db_session):
        return titles.title_dict(
            titles.record_past(db_session=db_session, clock=clock, actor=actor, prog=prog, data=body)
        )


@router.get("/titles/{title_id}")
def get_title(title_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock) -> dict[str, Any]:
    title, prog = titles.get_title(db_session, actor, title_id)
    out = titles.title_dict(title)
    out["visits"] = titles.visits(db_session, title.id)
    out["evaluations"] = titles.evaluations(db_session, title.id)
    if prog.bearer is not None:
        out["standing"] = titles.standing(db_session, title, prog, local_today(clock).year)
    return out


@router.get("/titles/{title_id}/standing")
def standing(
    title_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock, year: Year | None = None
) -> dict[str, Any]:
    """某年度是否发放传习补助经费、是否在整改期、可否向上推荐。"""
    title, prog = titles.get_title(db_session, actor, title_id)
    return titles.standing(db_session, title, prog, year or local_today(clock).year)


@router.post("/titles/{title_id}/revoke")
def revoke(
    title_id: RowId, body: s.RevokeIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        return titles.title_dict(
            titles.revoke(db_session=db_session, clock=clock, actor=actor, title_id=title_id, data=body)
        )


@router.post("/titles/{title_id}/end")
def end_title(
    title_id: RowId, body: s.EndIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """荣誉传承人、去世、自愿放弃。"""
    with transaction(db_session):
        return titles.title_dict(
            titles.end(db_session=db_session, clock=clock, actor=actor, title_id=title_id, data=body)
        )


@router.post("/titles/{title_id}/evaluations", status_code=201)
def evaluate(
    title_id: RowId, body: s.EvaluationIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """年度传承活动评估结果。"""
    with transaction(db_session):
        row = titles.evaluate(db_session=db_session, clock=clock, actor=actor, title_id=title_id, data=body)
        title, _ = titles.get_title(db_session, actor, title_id)
        return {"evaluation": {"id": row.id, "year": row.year, "grade": row.grade}, "title": titles.title_dict(title)}


@router.post("/visits/{visit_id}")
def record_visit(
    visit_id: RowId, body: s.VisitIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        row = titles.record_visit(db_session=db_session, clock=clock, actor=actor, visit_id=visit_id, data=body)
        return {"id": row.id, "visited_on": row.visited_on.isoformat() if row.visited_on else None}


# --- work-injury rehabilitation -----------------------------------------------------------------------------------


@rehab_router.get("/rules")
def rehab_rules_view(actor: CurrentActor) -> dict[str, Any]:
    rehab.require(actor)
    return rehab_rules().model_dump()


@rehab_router.get("/institutions")
def list_institutions(db_session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    return rehab.institutions(db_session, actor)


@rehab_router.post("/institutions", status_code=201)
def add_institution(
    body: rehab.InstitutionIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        return snapshot(rehab.add_institution(db_session=db_session, clock=clock, actor=actor, data=body))


@rehab_router.post("/institutions/{institution_id}/agreements", status_code=201)
def sign(
    institution_id: RowId, body: rehab.AgreementIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """签订年度康复服务协议（上一年度考核通过方可续签）。"""
    with transaction(db_session):
        row = rehab.sign(db_session=db_session, clock=clock, actor=actor, institution_id=institution_id, data=body)
        return snapshot(row)


@rehab_router.post("/agreements/{agreement_id}/assessment")
def assess(
    agreement_id: RowId, body: rehab.AssessmentIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        row = rehab.assess(db_session=db_session, clock=clock, actor=actor, agreement_id=agreement_id, data=body)
        return snapshot(row)


@rehab_router.get("/pool")
def rehab_pool(db_session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    rehab.require(actor)
    return panels.pool_members(db_session, rehab_rules().pool.code)


@rehab_router.post("/pool", status_code=201)
def add_rehab_expert(
    body: s.PoolMemberIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """工伤康复专家入库（须具备全部聘任条件，聘期3年）。"""
    with transaction(db_session):
        row = rehab.add_pool_member(db_session=db_session, clock=clock, actor=actor, data=body)
        return snapshot(row)


@rehab_router.get("/cases")
def list_cases(db_session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    return [rehab.case_dict(db_session, c) for c in rehab.cases(db_session, actor)]


@rehab_router.post("/cases", status_code=201)
def open_case(body: rehab.CaseIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> dict[str, Any]:
    with transaction(db_session):
        case = rehab.open_case(db_session=db_session, clock=clock, actor=actor, data=body)
        return rehab.case_dict(db_session, case)


@rehab_router.get("/cases/{case_id}")
def get_case(case_id: RowId, db_session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    return rehab.case_dict(db_session, rehab.get_case(db_session, actor, case_id))


@rehab_router.post("/cases/{case_id}/gate")
def pass_gate(
    case_id: RowId, body: rehab.GateIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """经办机构备案或康复专家评估（按康复模式）。"""
    with transaction(db_session):
        case = rehab.pass_gate(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
        return rehab.case_dict(db_session, case)


@rehab_router.post("/cases/{case_id}/end")
def end_case(
    case_id: RowId, body: rehab.EndCaseIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        case = rehab.end_case(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
        return rehab.case_dict(db_session, case)


@rehab_router.post("/cases/{case_id}/claims", status_code=201)
def add_claim(
    case_id: RowId, body: rehab.ClaimIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """上传一笔康复费用：判定基金是否支付，并按监测规则预警。"""
    with transaction(db_session):
        claim, raised = rehab.add_claim(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
        return {"claim": snapshot(claim), "alerts": [snapshot(a) for a in raised]}


@rehab_router.get("/alerts")
def list_alerts(db_session: DbSession, actor: CurrentActor, all: bool = False) -> list[dict[str, Any]]:
    return rehab.alerts(db_session, actor, open_only=not all)


@rehab_router.post("/alerts/{alert_id}/close")
def close_alert(
    alert_id: RowId, body: NoteIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        row = rehab.close_alert(db_session=db_session, clock=clock, actor=actor, alert_id=alert_id, note=body.reason)
        return snapshot(row)
