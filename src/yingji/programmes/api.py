"""/api/programmes (the quality award, heritage bearers and any programme in data/) and /api/rehab."""

from __future__ import annotations

import random
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import Field

from yingji.core import xlsx
from yingji.core.clock import local_today
from yingji.core.paging import Page, Paging, paged, paginate, slice_list
from yingji.core.params import RowId, Year
from yingji.core.schemas import YingjiModel
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.programmes import access, cultivation, exports, panels, ratings, reads, rehab, service, titles
from yingji.programmes import schemas as s
from yingji.programmes.models import Agreement, Alert, Application, Cultivation, Institution
from yingji.programmes.schema import RehabRules, programme, rehab_rules
from yingji.registry import divisions

router = APIRouter(prefix="/api/programmes", tags=["评审认定事项"])
rehab_router = APIRouter(prefix="/api/rehab", tags=["工伤康复"])
XLSX: dict[int | str, dict[str, Any]] = {
    200: {"description": "xlsx 文件", "content": {xlsx.MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}
}


class CheckIn(YingjiModel):
    facts: dict[s.Key, s.Fact] = Field(default_factory=dict, max_length=40)
    events: list[s.EventIn] = Field(default_factory=list, max_length=100)


class NoteIn(YingjiModel):
    reason: s.Text


# --- programmes ---------------------------------------------------------------------------------------------------


@router.get("", response_model=Page[s.ProgrammeRead])
def list_programmes(
    db_session: DbSession, actor: CurrentActor, clock: CurrentClock, paging: Paging
) -> Page[s.ProgrammeRead]:
    """可见的评审认定项目及其环节、材料、条件（均附种子原文出处），有认定周期的附下一批的期间与是否逾期。"""
    progs = service.visible_programmes(actor)
    return slice_list(reads.programmes(db_session, actor, progs, local_today(clock)), paging)


# --- rounds -------------------------------------------------------------------------------------------------------


@router.get("/rounds", response_model=Page[s.RoundRead])
def list_rounds(
    db_session: DbSession,
    actor: CurrentActor,
    clock: CurrentClock,
    paging: Paging,
    filters: Annotated[s.RoundFilters, Query()],
) -> Page[s.RoundRead]:
    """届（批）次：按项目、是否结束、通知年度筛选；按项目、届次（新届在前）排序。"""
    rows, total = paginate(db_session, service.rounds_query(actor, filters), paging, order_by=service.ROUND_ORDER)
    return paged(reads.rounds(db_session, actor, rows, local_today(clock)), total, paging)


@router.post("/rounds", status_code=201, response_model=s.RoundRead)
def open_round(body: s.RoundIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> s.RoundRead:
    """启动评审并发布通知（登记实施方案批准文号、通知日期和申报截止日）。"""
    with transaction(db_session):
        row = service.open_round(db_session=db_session, clock=clock, actor=actor, data=body)
        db_session.flush()
        return reads.rounds(db_session, actor, [row], local_today(clock))[0]


@router.get("/rounds/{round_id}", response_model=s.RoundDetail)
def get_round(round_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock) -> s.RoundDetail:
    row, _ = service.get_round(db_session, actor, round_id)
    return reads.round_detail(db_session, actor, row, local_today(clock))


@router.post("/rounds/{round_id}/close", response_model=s.RoundRead)
def close_round(round_id: RowId, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> s.RoundRead:
    with transaction(db_session):
        row = service.close_round(db_session=db_session, clock=clock, actor=actor, round_id=round_id)
        return reads.rounds(db_session, actor, [row], local_today(clock))[0]


@router.post("/rounds/{round_id}/select", response_model=list[s.ApplicationRead])
def select_winners(
    round_id: RowId, body: s.SelectIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> list[s.ApplicationRead]:
    """决定本届名单：入选者进入公示，其余为未入选；不超过项目规定的名额。"""
    with transaction(db_session):
        rows = service.select_winners(db_session=db_session, clock=clock, actor=actor, round_id=round_id, data=body)
        return reads.applications(db_session, actor, rows, local_today(clock))


@router.post("/rounds/{round_id}/panels", status_code=201, response_model=s.PanelRead)
def form_panel(
    round_id: RowId, body: s.PanelIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.PanelRead:
    """组建（指定）专家组，按组成规则检查。"""
    with transaction(db_session):
        rnd, prog = service.get_round(db_session, actor, round_id)
        row = panels.form(db_session=db_session, clock=clock, actor=actor, rnd=rnd, prog=prog, data=body)
        formed = [(p, members) for p, members in panels.panels_of(db_session, rnd.id) if p.id == row.id]
        return reads.panels_of(prog, formed)[0]


@router.post("/rounds/{round_id}/draw", status_code=201, response_model=s.PanelRead)
def draw_panel(
    round_id: RowId, body: s.DrawIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.PanelRead:
    """从专家库随机抽选专家组（系统随机源），按组成规则检查。"""
    with transaction(db_session):
        rnd, prog = service.get_round(db_session, actor, round_id)
        rng = random.SystemRandom()
        row = panels.draw(db_session=db_session, clock=clock, actor=actor, rnd=rnd, prog=prog, data=body, rng=rng)
        formed = [(p, members) for p, members in panels.panels_of(db_session, rnd.id) if p.id == row.id]
        return reads.panels_of(prog, formed)[0]


@router.get("/rounds/{round_id}/export.xlsx", response_class=Response, responses=XLSX)
def export_round(round_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock) -> Response:
    """本届申报名单（电子表格）。"""
    row, prog = service.get_round(db_session, actor, round_id)
    apps = service.applications(db_session=db_session, actor=actor, round_id=row.id)
    names = divisions.names(db_session, {a.division_code for a in apps})
    return xlsx.response(exports.round_workbook(prog, row, apps, local_today(clock), names), f"{row.title}")


# --- applications -------------------------------------------------------------------------------------------------


@router.get("/applications", response_model=Page[s.ApplicationRead])
def list_applications(
    db_session: DbSession,
    actor: CurrentActor,
    clock: CurrentClock,
    paging: Paging,
    filters: Annotated[s.ApplicationFilters, Query()],
) -> Page[s.ApplicationRead]:
    """申报：按项目、届次、状态、环节、区划筛选，按编号排序。"""
    query = service.applications_query(db_session, actor, filters)
    rows, total = paginate(db_session, query, paging, order_by=[Application.id])
    return paged(reads.applications(db_session, actor, rows, local_today(clock)), total, paging)


@router.post("/applications", status_code=201, response_model=s.ApplicationRead)
def submit(body: s.ApplicationIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> s.ApplicationRead:
    """申报：材料齐全、符合条件、无不得申报情形时受理，进入下一环节。"""
    with transaction(db_session):
        app = service.submit(db_session=db_session, clock=clock, actor=actor, data=body)
        return reads.applications(db_session, actor, [app], local_today(clock))[0]


@router.get("/applications/{app_id}", response_model=s.ApplicationDetail)
def get_application(
    app_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock
) -> s.ApplicationDetail:
    app, _ = service.get_application(db_session, actor, app_id)
    return reads.application_detail(db_session, actor, app, local_today(clock))


@router.post("/applications/{app_id}/advance", response_model=s.ApplicationRead)
def advance(
    app_id: RowId, body: s.AdvanceIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.ApplicationRead:
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
        return reads.applications(db_session, actor, [app], local_today(clock))[0]


@router.post("/applications/{app_id}/resubmit", response_model=s.ApplicationRead)
def resubmit(
    app_id: RowId, body: s.ResubmitIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.ApplicationRead:
    with transaction(db_session):
        app = service.resubmit(db_session=db_session, clock=clock, actor=actor, app_id=app_id, data=body)
        return reads.applications(db_session, actor, [app], local_today(clock))[0]


@router.post("/applications/{app_id}/withdraw", response_model=s.ApplicationRead)
def withdraw(
    app_id: RowId, body: NoteIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.ApplicationRead:
    with transaction(db_session):
        app = service.withdraw(db_session=db_session, clock=clock, actor=actor, app_id=app_id, reason=body.reason)
        return reads.applications(db_session, actor, [app], local_today(clock))[0]


@router.post("/applications/{app_id}/objections", status_code=201, response_model=s.ObjectionRead)
def file_objection(
    app_id: RowId, body: s.ObjectionIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.ObjectionRead:
    """登记公示期间收到的异议。"""
    with transaction(db_session):
        row = service.file_objection(db_session=db_session, clock=clock, actor=actor, app_id=app_id, data=body)
        db_session.flush()
        prog = programme(service.get_application(db_session, actor, app_id)[0].programme_id)
        return reads.objections(actor, prog, [row], local_today(clock))[0]


@router.post("/objections/{objection_id}/resolve", response_model=s.ObjectionRead)
def resolve_objection(
    objection_id: RowId, body: s.ResolveIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.ObjectionRead:
    """复核异议并书面答复；异议成立则取消资格。"""
    with transaction(db_session):
        row = service.resolve_objection(
            db_session=db_session, clock=clock, actor=actor, objection_id=objection_id, data=body
        )
        prog = programme(service.get_application(db_session, actor, row.application_id)[0].programme_id)
        return reads.objections(actor, prog, [row], local_today(clock))[0]


@router.post("/applications/{app_id}/scores", status_code=201, response_model=s.ScoreRead)
def score(
    app_id: RowId, body: s.ScoreIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.ScoreRead:
    """专家评分（百分制）及评审意见。"""
    with transaction(db_session):
        app, prog = service.get_application(db_session, actor, app_id, lock=True)
        row = panels.score(db_session=db_session, clock=clock, actor=actor, app=app, prog=prog, data=body)
        db_session.flush()
        return next(r for r in reads.scores(panels.scores_of(db_session, actor, app.id)) if r.id == row.id)


@router.post("/applications/{app_id}/ratings", status_code=201, response_model=s.RatingRead)
def rate(
    app_id: RowId, body: s.RatingIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.RatingRead:
    """双向评价：申报单位评价已评审本单位的评审人员的纪律执行情况，评审人员评价申报单位守纪情况（不计入评分，不能修改）。"""
    with transaction(db_session):
        row, prog = ratings.rate(db_session=db_session, clock=clock, actor=actor, app_id=app_id, data=body)
        db_session.flush()
        return reads.ratings_read(db_session, prog, [row])[0]


@router.get("/rounds/{round_id}/ratings", response_model=s.RatingSummaryRead)
def rating_summary(round_id: RowId, db_session: DbSession, actor: CurrentActor) -> s.RatingSummaryRead:
    """本届双向评价汇总（仅主管部门）：各评审人员所受评价的平均及其历届平均，各申报单位所受评价的平均。"""
    return reads.rating_summary(db_session, actor, round_id)


@router.post("/applications/{app_id}/recusals", status_code=201, response_model=s.RecusalRead)
def recuse(
    app_id: RowId, body: NoteIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.RecusalRead:
    """专家申明与申报人有利害关系，主动回避。"""
    with transaction(db_session):
        app, prog = service.get_application(db_session, actor, app_id, lock=True)
        data = s.RecusalIn(application_id=app.id, reason=body.reason)
        row = panels.recuse(db_session=db_session, clock=clock, actor=actor, app=app, prog=prog, data=data)
        db_session.flush()
        return reads.recusal(row)


@router.get("/{programme_id}", response_model=s.ProgrammeRead)
def get_programme(
    programme_id: str, db_session: DbSession, actor: CurrentActor, clock: CurrentClock
) -> s.ProgrammeRead:
    service.require_reader(actor)
    prog = programme(programme_id)
    access.require_visible(actor, prog)
    return reads.programmes(db_session, actor, [prog], local_today(clock))[0]


@router.post("/{programme_id}/check", response_model=s.CheckRead)
def check(programme_id: str, body: CheckIn, actor: CurrentActor, clock: CurrentClock) -> s.CheckRead:
    """申报前自查：按申报人填写的情况逐条对照申报条件和不得申报情形。"""
    found = service.eligibility_preview(
        actor=actor, programme_id=programme_id, facts=body.facts, events=body.events, on=local_today(clock)
    )
    return reads.check(found)


@router.get("/{programme_id}/titles", response_model=Page[s.TitleRead])
def list_titles(
    programme_id: str,
    db_session: DbSession,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[s.TitleFilters, Query()],
) -> Page[s.TitleRead]:
    """获奖单位、认定的传承人：按状态、区划、届次筛选，按编号排序。"""
    programme(programme_id)
    query = titles.titles_query(actor, programme_id, filters)
    rows, total = paginate(db_session, query, paging, order_by=titles.TITLE_ORDER)
    return paged(reads.titles_of(db_session, actor, rows), total, paging)


@router.get("/{programme_id}/cultivation", response_model=Page[s.CultivationRead])
def list_cultivation(
    programme_id: str,
    db_session: DbSession,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[s.CultivationFilters, Query()],
) -> Page[s.CultivationRead]:
    """培育库：成员及待纳入的申请、推荐（入库方式、推荐单位、理由、年度、所受培训和指导帮扶），按年度（新在前）排序。"""
    service.require_reader(actor)
    query = cultivation.query(actor, programme_id, filters)
    rows, total = paginate(db_session, query, paging, order_by=cultivation.ORDER)
    return paged(reads.cultivations(db_session, actor, rows), total, paging)


@router.post("/{programme_id}/cultivation", status_code=201, response_model=s.CultivationRead)
def file_cultivation(
    programme_id: str, body: s.CultivationIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.CultivationRead:
    """申请或推荐入培育库：企业自行申报、旗县区推荐、部门推荐（由主管部门登记）；主管部门登记的即纳入。"""
    with transaction(db_session):
        row = cultivation.file(db_session=db_session, clock=clock, actor=actor, programme_id=programme_id, data=body)
        db_session.flush()
        return reads.cultivations(db_session, actor, [row])[0]


# --- pools and titles ---------------------------------------------------------------------------------------------


@router.get("/pools/{pool}", response_model=Page[s.PoolMemberRead])
def list_pool(
    pool: str, db_session: DbSession, actor: CurrentActor, clock: CurrentClock, paging: Paging
) -> Page[s.PoolMemberRead]:
    """专家库成员（按入库顺序）。"""
    service.require_reader(actor)
    if pool != rehab_rules().pool.code:
        access.require_visible(actor, panels.pool_owner(pool))
    rows, total = paginate(db_session, panels.pool_query(pool), paging, order_by=panels.POOL_ORDER)
    return paged(reads.pool(db_session, rows, local_today(clock)), total, paging)


@router.post("/pools/{pool}", status_code=201, response_model=s.PoolMemberRead)
def add_to_pool(
    pool: str, body: s.PoolMemberIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.PoolMemberRead:
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
        db_session.flush()
        return reads.pool(db_session, [row], local_today(clock))[0]


@router.post("/{programme_id}/titles", status_code=201, response_model=s.TitleRead)
def record_past_title(
    programme_id: str, body: s.PastTitleIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.TitleRead:
    """登记往届获奖（认定）记录（用于再次申报间隔、撤销期限和年度评估）。"""
    prog = programme(programme_id)
    with transaction(db_session):
        row = titles.record_past(db_session=db_session, clock=clock, actor=actor, prog=prog, data=body)
        db_session.flush()
        return reads.titles_of(db_session, actor, [row])[0]


@router.get("/titles/{title_id}", response_model=s.TitleDetail)
def get_title(title_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock) -> s.TitleDetail:
    title, _ = titles.get_title(db_session, actor, title_id)
    on = local_today(clock)
    return reads.title_detail(db_session, actor, title, on.year, on)


@router.get("/titles/{title_id}/standing", response_model=s.StandingRead)
def standing(
    title_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock, year: Year | None = None
) -> s.StandingRead:
    """某年度是否发放传习补助经费、是否在整改期、可否向上推荐。"""
    title, prog = titles.get_title(db_session, actor, title_id)
    return reads.standing(titles.standing(db_session, title, prog, year or local_today(clock).year))


@router.post("/titles/{title_id}/revoke", response_model=s.TitleRead)
def revoke(
    title_id: RowId, body: s.RevokeIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.TitleRead:
    with transaction(db_session):
        row = titles.revoke(db_session=db_session, clock=clock, actor=actor, title_id=title_id, data=body)
        return reads.titles_of(db_session, actor, [row])[0]


@router.post("/titles/{title_id}/end", response_model=s.TitleRead)
def end_title(
    title_id: RowId, body: s.EndIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.TitleRead:
    """荣誉传承人、去世、自愿放弃。"""
    with transaction(db_session):
        row = titles.end(db_session=db_session, clock=clock, actor=actor, title_id=title_id, data=body)
        return reads.titles_of(db_session, actor, [row])[0]


@router.post("/titles/{title_id}/evaluations", status_code=201, response_model=s.EvaluatedRead)
def evaluate(
    title_id: RowId, body: s.EvaluationIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.EvaluatedRead:
    """年度传承活动评估结果。"""
    with transaction(db_session):
        row = titles.evaluate(db_session=db_session, clock=clock, actor=actor, title_id=title_id, data=body)
        db_session.flush()
        title, prog = titles.get_title(db_session, actor, title_id)
        return s.EvaluatedRead(
            evaluation=reads.evaluations(prog, [row])[0], title=reads.titles_of(db_session, actor, [title])[0]
        )


@router.post("/visits/{visit_id}", response_model=s.VisitRead)
def record_visit(
    visit_id: RowId, body: s.VisitIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.VisitRead:
    with transaction(db_session):
        row = titles.record_visit(db_session=db_session, clock=clock, actor=actor, visit_id=visit_id, data=body)
        return reads.visits([row], local_today(clock))[0]


# --- work-injury rehabilitation -----------------------------------------------------------------------------------


@rehab_router.get("/rules", response_model=RehabRules)
def rehab_rules_view(actor: CurrentActor) -> RehabRules:
    """工伤康复管理办法：协议机构条件、康复模式、不予支付项目、费用监测标准（均附原文出处）。"""
    rehab.require(actor)
    return rehab_rules()


@rehab_router.get("/institutions", response_model=Page[s.InstitutionRead])
def list_institutions(
    db_session: DbSession,
    actor: CurrentActor,
    paging: Paging,
    filters: Annotated[s.InstitutionFilters, Query()],
) -> Page[s.InstitutionRead]:
    """辖区内的协议机构及其历年协议（按名称）。"""
    query = rehab.institutions_query(actor, filters)
    rows, total = paginate(db_session, query, paging, order_by=[Institution.name, Institution.id])
    return paged(reads.institutions(db_session, actor, rows), total, paging)


@rehab_router.post("/institutions", status_code=201, response_model=s.InstitutionRead)
def add_institution(
    body: rehab.InstitutionIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.InstitutionRead:
    with transaction(db_session):
        row = rehab.add_institution(db_session=db_session, clock=clock, actor=actor, data=body)
        db_session.flush()
        return reads.institutions(db_session, actor, [row])[0]


@rehab_router.post("/institutions/{institution_id}/agreements", status_code=201, response_model=s.AgreementRead)
def sign(
    institution_id: RowId, body: rehab.AgreementIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.AgreementRead:
    """签订年度康复服务协议（上一年度考核通过方可续签）。"""
    with transaction(db_session):
        row = rehab.sign(db_session=db_session, clock=clock, actor=actor, institution_id=institution_id, data=body)
        db_session.flush()
        return _agreement(db_session, actor, row)


def _agreement(db_session: DbSession, actor: CurrentActor, row: Agreement) -> s.AgreementRead:
    institution = db_session.get(Institution, row.institution_id)
    assert institution is not None
    return reads.agreements(actor, institution, [row])[0]


@rehab_router.post("/agreements/{agreement_id}/assessment", response_model=s.AgreementRead)
def assess(
    agreement_id: RowId, body: rehab.AssessmentIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.AgreementRead:
    with transaction(db_session):
        row = rehab.assess(db_session=db_session, clock=clock, actor=actor, agreement_id=agreement_id, data=body)
        return _agreement(db_session, actor, row)


@rehab_router.get("/pool", response_model=Page[s.PoolMemberRead])
def rehab_pool(
    db_session: DbSession, actor: CurrentActor, clock: CurrentClock, paging: Paging
) -> Page[s.PoolMemberRead]:
    """工伤康复专家库成员及聘期（按入库顺序）。"""
    rehab.require(actor)
    query = panels.pool_query(rehab_rules().pool.code)
    rows, total = paginate(db_session, query, paging, order_by=panels.POOL_ORDER)
    return paged(reads.pool(db_session, rows, local_today(clock)), total, paging)


@rehab_router.post("/pool", status_code=201, response_model=s.PoolMemberRead)
def add_rehab_expert(
    body: s.PoolMemberIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.PoolMemberRead:
    """工伤康复专家入库（须具备全部聘任条件，聘期3年）。"""
    with transaction(db_session):
        row = rehab.add_pool_member(db_session=db_session, clock=clock, actor=actor, data=body)
        db_session.flush()
        return reads.pool(db_session, [row], local_today(clock))[0]


@rehab_router.get("/cases", response_model=Page[s.CaseRead])
def list_cases(
    db_session: DbSession, actor: CurrentActor, paging: Paging, filters: Annotated[s.CaseFilters, Query()]
) -> Page[s.CaseRead]:
    """康复病例：按状态、区划、协议机构、康复模式筛选，按编号排序。"""
    rows, total = paginate(db_session, rehab.cases_query(actor, filters), paging, order_by=rehab.CASE_ORDER)
    return paged(reads.cases(db_session, actor, rows), total, paging)


@rehab_router.post("/cases", status_code=201, response_model=s.CaseRead)
def open_case(body: rehab.CaseIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> s.CaseRead:
    with transaction(db_session):
        case = rehab.open_case(db_session=db_session, clock=clock, actor=actor, data=body)
        db_session.flush()
        return reads.cases(db_session, actor, [case])[0]


@rehab_router.get("/cases/{case_id}", response_model=s.CaseRead)
def get_case(case_id: RowId, db_session: DbSession, actor: CurrentActor) -> s.CaseRead:
    return reads.cases(db_session, actor, [rehab.get_case(db_session, actor, case_id)])[0]


@rehab_router.post("/cases/{case_id}/gate", response_model=s.CaseRead)
def pass_gate(
    case_id: RowId, body: rehab.GateIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.CaseRead:
    """经办机构备案或康复专家评估（按康复模式）。"""
    with transaction(db_session):
        case = rehab.pass_gate(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
        return reads.cases(db_session, actor, [case])[0]


@rehab_router.post("/cases/{case_id}/end", response_model=s.CaseRead)
def end_case(
    case_id: RowId, body: rehab.EndCaseIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.CaseRead:
    with transaction(db_session):
        case = rehab.end_case(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
        return reads.cases(db_session, actor, [case])[0]


@rehab_router.post("/cases/{case_id}/claims", status_code=201, response_model=s.ClaimResult)
def add_claim(
    case_id: RowId, body: rehab.ClaimIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.ClaimResult:
    """上传一笔康复费用：判定基金是否支付，并按监测规则预警。"""
    with transaction(db_session):
        claim, raised = rehab.add_claim(db_session=db_session, clock=clock, actor=actor, case_id=case_id, data=body)
        return s.ClaimResult(claim=reads.claims([claim])[0], alerts=reads.alerts(db_session, actor, raised))


@rehab_router.get("/alerts", response_model=Page[s.AlertRead])
def list_alerts(
    db_session: DbSession, actor: CurrentActor, paging: Paging, filters: Annotated[s.AlertFilters, Query()]
) -> Page[s.AlertRead]:
    """费用监测预警：默认只列未关闭的（all=true 含已关闭），新预警在前。"""
    query = rehab.alerts_query(actor, filters)
    rows, total = paginate(db_session, query, paging, order_by=[Alert.id.desc()])
    return paged(reads.alerts(db_session, actor, rows), total, paging)


@rehab_router.post("/alerts/{alert_id}/close", response_model=s.AlertRead)
def close_alert(
    alert_id: RowId, body: NoteIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.AlertRead:
    with transaction(db_session):
        row = rehab.close_alert(db_session=db_session, clock=clock, actor=actor, alert_id=alert_id, note=body.reason)
        return reads.alerts(db_session, actor, [row])[0]


# --- the cultivation pool -------------------------------------------------------------------------------------------


def _entry(db_session: DbSession, actor: CurrentActor, row: Cultivation) -> s.CultivationRead:
    db_session.flush()
    return reads.cultivations(db_session, actor, [row])[0]


@router.post("/cultivation/{entry_id}/decide", response_model=s.CultivationRead)
def decide_cultivation(
    entry_id: RowId, body: s.DecideIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.CultivationRead:
    """主管部门决定是否纳入培育库（只对待纳入的申请、推荐）。"""
    with transaction(db_session):
        row = cultivation.decide(db_session=db_session, clock=clock, actor=actor, entry_id=entry_id, data=body)
        return _entry(db_session, actor, row)


@router.post("/cultivation/{entry_id}/support", status_code=201, response_model=s.CultivationRead)
def support_cultivation(
    entry_id: RowId, body: s.SupportIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.CultivationRead:
    """记录对培育库成员的免费卓越绩效管理培训或指导帮扶（主管部门或所在旗县区主管部门）。"""
    with transaction(db_session):
        cultivation.support(db_session=db_session, clock=clock, actor=actor, entry_id=entry_id, data=body)
        row, _ = cultivation.get(db_session, actor, entry_id)
        return _entry(db_session, actor, row)
