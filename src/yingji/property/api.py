"""/api/property: the compound registry, complaints (public form and officers' loop), credit, duties, targets."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select

from yingji.auth.roles import Permission
from yingji.core import divisions, xlsx
from yingji.core.clock import to_local
from yingji.core.http import read_bounded, read_model
from yingji.core.params import RowId, Year
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, CurrentSettings, DbSession, client_address
from yingji.property import complaints, credit, duties, service, settings, survey, targets
from yingji.property import schemas as s
from yingji.property.models import CreditMethod
from yingji.property.schema import all_programmes
from yingji.registry.models import Division
from yingji.throttle import service as throttle

router = APIRouter(prefix="/api/property", tags=["物业服务监管"])
PUBLIC_BODY_LIMIT = 16 * 1024
SURVEY_LIMIT = 8 * 1024 * 1024
Month = Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


# --- registry ---------------------------------------------------------------------------------------------------


@router.get("/companies")
def list_companies(db_session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    return [service.snapshot(c) for c in service.companies(db_session=db_session, actor=actor)]


@router.post("/companies", status_code=201)
def save_company(body: s.CompanyIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> dict[str, Any]:
    """登记物业服务企业（同一统一社会信用代码再次提交即为修改）。"""
    with transaction(db_session):
        return service.snapshot(service.save_company(db_session=db_session, clock=clock, actor=actor, data=body))


@router.get("/companies/{company_id}")
def get_company(company_id: RowId, db_session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    row = service.company(db_session, actor, company_id)
    out = service.snapshot(row)
    out["results"] = [
        credit.as_dict(r) for r in credit.results(db_session=db_session, actor=actor) if r.company_id == row.id
    ]
    out["compounds"] = [c.id for c in service.compounds(db_session=db_session, actor=actor, company_id=row.id)]
    return out


@router.get("/companies/{company_id}/standing")
def standing(
    company_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock, year: Year | None = None
) -> dict[str, Any]:
    """企业当年可否参加评优、能否享受“以奖代补”（依据最近一次公布的信用评价结果与名单规则）。"""
    return credit.standing(db_session, actor, company_id, year or to_local(clock.now()).year)


@router.get("/compounds")
def list_compounds(
    db_session: DbSession, actor: CurrentActor, division: str | None = None, company_id: RowId | None = None
) -> list[dict[str, Any]]:
    rows = service.compounds(db_session=db_session, actor=actor, division_code=division, company_id=company_id)
    names = service.company_names(db_session, {r.company_id for r in rows})
    return [service.compound_dict(r, names.get(r.company_id or 0)) for r in rows]


@router.post("/compounds", status_code=201)
def save_compound(
    body: s.CompoundIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """登记小区（同一社区内同名即为修改）。"""
    with transaction(db_session):
        row = service.save_compound(db_session=db_session, clock=clock, actor=actor, data=body)
        return service.compound_dict(row, body.company)


@router.get("/compounds/{compound_id}")
def get_compound(compound_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock) -> dict[str, Any]:
    row = service.compound(db_session, actor, compound_id)
    out = service.compound_dict(row, service.company_names(db_session, {row.company_id}).get(row.company_id or 0))
    today = to_local(clock.now()).date()
    out["contracts"] = [
        {**service.snapshot(c), "filing_state": service.filing_state(c, today)}
        for c in service.contracts(db_session=db_session, actor=actor, compound_id=row.id)
    ]
    latest = service.latest_disclosure(db_session, [row.id]).get(row.id)
    out["disclosure"] = service.snapshot(latest) if latest else None
    return out


@router.get("/survey")
def survey_columns(db_session: DbSession, actor: CurrentActor, programme: str | None = None) -> dict[str, Any]:
    """统计表的列（附件1各项及新增统计项目）。"""
    service.require(actor)
    found, form = survey.survey_of(programme)
    return {
        "programme": found.id,
        "title": form.title,
        "columns": [{"key": c.key, "label": c.label, "type": c.type} for c in survey.columns(db_session, found, form)],
    }


@router.post("/survey/items", status_code=201)
def add_survey_item(
    body: s.SurveyItemIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """增加统计项目（可增不可删）。"""
    with transaction(db_session):
        return service.snapshot(service.add_survey_item(db_session=db_session, clock=clock, actor=actor, data=body))


@router.post("/survey/import")
async def import_survey(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    filename: str = "survey.csv",
    programme: str | None = None,
) -> dict[str, Any]:
    """导入统计表（请求体为 CSV 或 xlsx 文件内容，≤ 8 MB）；任一行不合格则全部不导入，并列出行号和字段。"""
    content = await read_bounded(request, SURVEY_LIMIT, "统计表文件")

    def work() -> dict[str, Any]:
        with transaction(db_session):
            report = survey.import_survey(
                db_session=db_session,
                clock=clock,
                actor=actor,
                programme_id=programme,
                content=content,
                filename=filename,
            )
            return report.as_dict()

    return await run_in_threadpool(work)


@router.get("/survey/export.xlsx")
def export_survey(db_session: DbSession, actor: CurrentActor, programme: str | None = None) -> Response:
    """导出统计表（本辖区全部小区，含合计行）。"""
    return xlsx.response(survey.export(db_session, actor, programme), "物业管理基本情况统计表")


@router.get("/contracts")
def list_contracts(db_session: DbSession, actor: CurrentActor, clock: CurrentClock) -> list[dict[str, Any]]:
    today = to_local(clock.now()).date()
    return [
        {**service.snapshot(c), "filing_state": service.filing_state(c, today)}
        for c in service.contracts(db_session=db_session, actor=actor)
    ]


@router.post("/contracts", status_code=201)
def add_contract(body: s.ContractIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> dict[str, Any]:
    """登记物业服务合同；备案期限按方案（东胜区2024年底前）或平台默认（签订后30日）。"""
    with transaction(db_session):
        return service.snapshot(service.save_contract(db_session=db_session, clock=clock, actor=actor, data=body))


@router.post("/contracts/{contract_id}/filing")
def file_contract(
    contract_id: RowId, body: s.FilingIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        row = service.file_contract(db_session=db_session, clock=clock, actor=actor, contract_id=contract_id, data=body)
        return {**service.snapshot(row), "filing_state": service.filing_state(row, to_local(clock.now()).date())}


@router.get("/fund-requests")
def list_fund_requests(db_session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    return [service.snapshot(r) for r in service.fund_requests(db_session=db_session, actor=actor)]


@router.post("/fund-requests", status_code=201)
def request_fund(
    body: s.FundRequestIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        return service.snapshot(service.request_fund(db_session=db_session, clock=clock, actor=actor, data=body))


@router.post("/fund-requests/{request_id}/decision")
def decide_fund(
    request_id: RowId, body: s.DecisionIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        row = service.decide_fund(db_session=db_session, clock=clock, actor=actor, request_id=request_id, data=body)
        return service.snapshot(row)


@router.put("/counties/{division_code}")
def save_county(
    division_code: str, body: s.CountyIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """旗县区物业行业党委成立情况（“物业行业党委覆盖”指标据此计算）。"""
    with transaction(db_session):
        row = service.save_county(
            db_session=db_session, clock=clock, actor=actor, division_code=division_code, data=body
        )
        return service.snapshot(row)


@router.post("/disclosure-checks", status_code=201)
def check_disclosure(
    body: s.DisclosureIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """“12+N”信息公开检查。"""
    with transaction(db_session):
        return service.snapshot(service.check_disclosure(db_session=db_session, clock=clock, actor=actor, data=body))


# --- complaints: public ----------------------------------------------------------------------------------------


@router.get("/public/categories")
def categories() -> list[str]:
    return [c.name for c in settings.defaults().complaints.categories]


@router.get("/public/compounds")
def public_compounds(
    db_session: DbSession, division: Annotated[str, Query(pattern=r"^\d{9}(\d{3})?$")]
) -> list[dict[str, Any]]:
    """某街道或社区的小区名称（供业主选择，不含其他信息）。"""
    return complaints.public_compounds(db_session, division)


@router.get("/public/places")
def public_places(db_session: DbSession) -> list[dict[str, str]]:
    """可提交诉求的街道和社区（在已载入方案的范围内）。"""
    prefixes = [divisions.stem(p.division_code) for p in all_programmes().values()]
    rows = db_session.execute(
        select(Division.code, Division.name, Division.parent_code).where(Division.level.in_(["town", "community"]))
    ).all()
    return [
        {"code": c, "name": n, "parent": p or ""}
        for c, n, p in sorted(rows)
        if any(c.startswith(prefix) for prefix in prefixes)
    ]


@router.post("/public/complaints", status_code=201)
async def file_public(
    request: Request, db_session: DbSession, clock: CurrentClock, app_settings: CurrentSettings
) -> dict[str, Any]:
    """业主提交诉求（无需登录）。返回诉求编号和查询码（只显示这一次），凭二者查询、确认或要求重办。
    同一来源、同一小区在一定时间内的网上提交次数有上限（超出答 429，并给出 Retry-After）。"""
    body = await read_model(request, complaints.ComplaintIn, PUBLIC_BODY_LIMIT, "诉求内容")
    address = client_address(request)

    def work() -> dict[str, Any]:
        with transaction(db_session):
            throttle.admit(
                db_session,
                form="complaint",
                address=address,
                target=str(body.compound_id),
                limits=throttle.form_limits(app_settings),
                now=clock.now(),
                what="小区",
            )
            row, code = complaints.file(db_session=db_session, clock=clock, data=body, channel="web")
            return {
                "number": row.number,
                "code": code,
                **complaints.as_dict(db_session, row, officer=None, now=clock.now()),
            }

    return await run_in_threadpool(work)


@router.post("/public/complaints/{number}/view")
def view_public(number: str, body: complaints.OwnerCode, db_session: DbSession, clock: CurrentClock) -> dict[str, Any]:
    """业主凭编号和查询码查看自己的诉求（编号或查询码不符一律答“未找到”）。"""
    row = complaints.owner_find(db_session, number, body.code)
    return complaints.as_dict(db_session, row, officer=None, now=clock.now())


@router.post("/public/complaints/{number}/action")
def owner_action(number: str, body: complaints.OwnerIn, db_session: DbSession, clock: CurrentClock) -> dict[str, Any]:
    """业主确认办结（confirm）或不满意要求重办（reopen，须说明原因）。"""
    with transaction(db_session):
        row = complaints.owner_act(db_session=db_session, clock=clock, number=number, data=body)
        return complaints.as_dict(db_session, row, officer=None, now=clock.now())


@router.get("/public/credit/{year}")
def public_credit(year: Year, db_session: DbSession) -> list[dict[str, Any]]:
    """向社会公布的物业服务企业信用等级和红黑榜。"""
    return credit.public_results(db_session, year)


# --- complaints: officers --------------------------------------------------------------------------------------


@router.get("/complaints")
def list_complaints(
    db_session: DbSession,
    actor: CurrentActor,
    clock: CurrentClock,
    state: Annotated[str | None, Query(pattern=r"^(open|responded|resolved|closed|reopened)$")] = None,
    mine: bool = False,
    overdue: bool = False,
) -> list[dict[str, Any]]:
    """辖区小区的诉求；mine=true 只列本级办理的；overdue=true 只列升级过或超时督办的。"""
    rows = complaints.listing(db_session=db_session, actor=actor, state=state, mine=mine, overdue_only=overdue)
    return [complaints.as_dict(db_session, r, officer=actor, now=clock.now(), with_events=False) for r in rows]


@router.post("/complaints", status_code=201)
def file_hotline(
    body: complaints.HotlineIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """热线登记诉求（受理人员可直接按事权定级）；返回的查询码由受理人员告知业主。"""
    with transaction(db_session):
        row, code = complaints.file(db_session=db_session, clock=clock, data=body, channel="hotline", actor=actor)
        return {"code": code, **complaints.as_dict(db_session, row, officer=actor, now=clock.now())}


@router.get("/complaints/{complaint_id}")
def get_complaint(
    complaint_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock
) -> dict[str, Any]:
    row = complaints.get(db_session, actor, complaint_id)
    return complaints.as_dict(db_session, row, officer=actor, now=clock.now())


@router.post("/complaints/{complaint_id}/respond")
def respond(
    complaint_id: RowId, body: complaints.RespondIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        row = complaints.respond(db_session=db_session, clock=clock, actor=actor, complaint_id=complaint_id, data=body)
        return complaints.as_dict(db_session, row, officer=actor, now=clock.now())


@router.post("/complaints/{complaint_id}/resolve")
def resolve(
    complaint_id: RowId, body: complaints.ResolveIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        row = complaints.resolve(db_session=db_session, clock=clock, actor=actor, complaint_id=complaint_id, data=body)
        return complaints.as_dict(db_session, row, officer=actor, now=clock.now())


@router.post("/complaints/{complaint_id}/reroute")
def reroute(
    complaint_id: RowId, body: complaints.RerouteIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        row = complaints.reroute(db_session=db_session, clock=clock, actor=actor, complaint_id=complaint_id, data=body)
        return complaints.as_dict(db_session, row, officer=actor, now=clock.now())


@router.get("/analysis/monthly")
def monthly(month: Month, db_session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """当月各小区、各企业诉求率（每百户诉求件数）与重点小区。"""
    return complaints.monthly(db_session=db_session, actor=actor, month=month)


@router.get("/analysis/monthly.xlsx")
def monthly_xlsx(month: Month, db_session: DbSession, actor: CurrentActor) -> Response:
    report = complaints.monthly(db_session=db_session, actor=actor, month=month)
    names = service.company_names(db_session, {r["company_id"] for r in report["companies"]})
    by_compound = [
        [
            r["compound"],
            r["division_code"],
            r["households"],
            r["complaints"],
            r["unaccepted"],
            r["rate"],
            "是" if r["key"] else "",
        ]
        for r in report["compounds"]
    ]
    by_company = [
        [names.get(r["company_id"], ""), r["households"], r["complaints"], r["rate"], r["key_compounds"]]
        for r in report["companies"]
    ]
    content = service.workbook(
        [
            ("小区", ["小区", "区划代码", "户数", "诉求件数", "未受理", "诉求率（件/百户）", "重点小区"], by_compound),
            ("企业", ["物业服务企业", "服务户数", "诉求件数", "诉求率（件/百户）", "重点小区数"], by_company),
        ]
    )
    return xlsx.response(content, f"物业诉求月度分析-{month}")


# --- credit, duties, targets -----------------------------------------------------------------------------------


@router.get("/credit/methods")
def methods(db_session: DbSession, actor: CurrentActor, clock: CurrentClock) -> list[dict[str, Any]]:
    service.require(actor)
    with transaction(db_session):
        credit.ensure_default_method(db_session=db_session, clock=clock)
    return [service.snapshot(m) for m in db_session.scalars(select(CreditMethod).order_by(CreditMethod.id))]


@router.post("/credit/methods", status_code=201)
def add_method(
    body: credit.MethodIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """发布新的信用评价方法版本（权重、等级线、红黑榜条件）；已有版本不可修改。"""
    with transaction(db_session):
        return service.snapshot(credit.add_method(db_session=db_session, clock=clock, actor=actor, data=body))


@router.post("/credit/events", status_code=201)
def add_event(body: credit.EventIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> dict[str, Any]:
    with transaction(db_session):
        return service.snapshot(credit.add_event(db_session=db_session, clock=clock, actor=actor, data=body))


@router.get("/credit/companies/{company_id}/{year}")
def preview(
    company_id: RowId, year: Year, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    """某企业某年度按现行方法的得分（未公布前的预览）和当年信用事件。"""
    service.company(db_session, actor, company_id)
    credit.require_bureau(actor)  # events carry other streets' findings
    with transaction(db_session):
        result, method = credit.evaluate(db_session, clock, company_id, year)
    return {
        "company_id": company_id,
        "year": year,
        "method": method.version,
        "score": result.score,
        "grade": result.grade,
        "roster": result.roster,
        "contributions": result.contributions,
        "events": [service.snapshot(e) for e in credit.year_events(db_session, company_id, year)],
    }


@router.post("/credit/publish")
def publish(body: s.YearIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> list[dict[str, Any]]:
    """公布年度信用评价结果和红黑榜（本辖区尚未公布的企业）。"""
    with transaction(db_session):
        return [
            credit.as_dict(r) for r in credit.publish(db_session=db_session, clock=clock, actor=actor, year=body.year)
        ]


@router.get("/credit/results")
def results(db_session: DbSession, actor: CurrentActor, year: Year | None = None) -> list[dict[str, Any]]:
    return [credit.as_dict(r) for r in credit.results(db_session=db_session, actor=actor, year=year)]


@router.get("/duties")
def list_duties(
    db_session: DbSession, actor: CurrentActor, clock: CurrentClock, period: str | None = None
) -> list[dict[str, Any]]:
    """各街道的季度联合执法检查和联席会议任务及完成情况。"""
    service.require(actor)
    with transaction(db_session):
        duties.ensure(db_session=db_session, clock=clock)
    return duties.listing(db_session=db_session, actor=actor, today=to_local(clock.now()).date(), period=period)


@router.post("/duties/{duty_id}/records", status_code=201)
def hold_duty(
    duty_id: RowId, body: duties.DutyRecordIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> dict[str, Any]:
    with transaction(db_session):
        return service.snapshot(
            duties.hold(db_session=db_session, clock=clock, actor=actor, duty_id=duty_id, data=body)
        )


@router.get("/targets")
def list_targets(
    db_session: DbSession, actor: CurrentActor, clock: CurrentClock, year: Year | None = None
) -> list[dict[str, Any]]:
    """两份方案的年度目标与按登记数据计算的当前值（本辖区可见的方案）。"""
    return targets.visible(db_session, actor, year or to_local(clock.now()).year)


@router.post("/targets/sync")
def sync_targets(db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> dict[str, int]:
    """把按登记数据计算的本年度值写入督办台账（值有变化时追加一条；旗县区以上住房主管部门）。"""
    service.require(actor)
    actor.require(Permission.LEDGER_WRITE)
    credit.require_bureau(actor)
    with transaction(db_session):
        return {
            "loaded": targets.load(db_session=db_session, clock=clock, actor=actor),
            "values": targets.sync(db_session=db_session, clock=clock, actor=actor),
        }
