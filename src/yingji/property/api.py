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
from yingji.core.paging import Filters, Page, Paging, paged, paginate, slice_list
from yingji.core.params import RowId, Year
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, CurrentSettings, DbSession, client_address
from yingji.property import complaints, credit, duties, reads, service, settings, survey, targets, training
from yingji.property import schemas as s
from yingji.property.models import CreditMethod, FundRequest, PropertyCompany
from yingji.property.schema import all_programmes
from yingji.registry.models import Division
from yingji.registry.service import ImportReport
from yingji.throttle import service as throttle

router = APIRouter(prefix="/api/property", tags=["物业服务监管"])
PUBLIC_BODY_LIMIT = 16 * 1024
SURVEY_LIMIT = 8 * 1024 * 1024
Month = Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
XLSX: dict[int | str, dict[str, Any]] = {
    200: {"description": "xlsx 文件", "content": {xlsx.MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}
}


class CompoundFilters(Filters):
    division: Annotated[str | None, Query(pattern=r"^\d{6}(\d{3}(\d{3})?)?$")] = None
    company_id: RowId | None = None


def _import_read(report: ImportReport) -> s.ImportRead:
    return s.ImportRead.model_validate(report.as_dict())


# --- registry ---------------------------------------------------------------------------------------------------


@router.get("/companies", response_model=Page[s.CompanyRead])
def list_companies(db_session: DbSession, actor: CurrentActor, paging: Paging) -> Page[s.CompanyRead]:
    """辖区内注册或服务辖区小区的物业服务企业（按名称）。"""
    rows, total = paginate(
        db_session, service.companies_query(actor), paging, order_by=[PropertyCompany.name, PropertyCompany.id]
    )
    return paged(reads.companies(db_session, rows), total, paging)


@router.post("/companies", status_code=201, response_model=s.CompanyRead)
def save_company(body: s.CompanyIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> s.CompanyRead:
    """登记物业服务企业（同一统一社会信用代码再次提交即为修改）。"""
    with transaction(db_session):
        row = service.save_company(db_session=db_session, clock=clock, actor=actor, data=body)
        return reads.companies(db_session, [row])[0]


@router.get("/companies/{company_id}", response_model=s.CompanyDetail)
def get_company(company_id: RowId, db_session: DbSession, actor: CurrentActor) -> s.CompanyDetail:
    row = service.company(db_session, actor, company_id)
    results = credit.results(db_session=db_session, actor=actor, company_id=row.id)
    served = service.compounds(db_session=db_session, actor=actor, company_id=row.id)
    return reads.company_detail(db_session, row, results, served)


@router.get("/companies/{company_id}/standing", response_model=s.StandingRead)
def standing(
    company_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock, year: Year | None = None
) -> s.StandingRead:
    """企业当年可否参加评优、能否享受“以奖代补”（依据最近一次公布的信用评价结果与名单规则）。"""
    found = credit.standing(db_session, actor, company_id, year or to_local(clock.now()).year)
    name = service.company_names(db_session, {company_id}).get(company_id, "")
    return s.StandingRead(**found, company_name=name)


@router.get("/compounds", response_model=Page[s.CompoundRead])
def list_compounds(
    db_session: DbSession, actor: CurrentActor, paging: Paging, filters: Annotated[CompoundFilters, Query()]
) -> Page[s.CompoundRead]:
    """辖区的小区（按所在社区、名称）；可按街道或社区、物业服务企业筛选。"""
    query = service.compounds_query(actor, filters.division, filters.company_id)
    rows, total = paginate(db_session, query, paging, order_by=service.COMPOUND_ORDER)
    return paged(reads.compounds(db_session, actor, rows), total, paging)


@router.post("/compounds", status_code=201, response_model=s.CompoundRead)
def save_compound(
    body: s.CompoundIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.CompoundRead:
    """登记小区（同一社区内同名即为修改）。"""
    with transaction(db_session):
        row = service.save_compound(db_session=db_session, clock=clock, actor=actor, data=body)
        return reads.compounds(db_session, actor, [row])[0]


@router.get("/compounds/{compound_id}", response_model=s.CompoundDetail)
def get_compound(
    compound_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock
) -> s.CompoundDetail:
    row = service.compound(db_session, actor, compound_id)
    contracts = service.contracts(db_session=db_session, actor=actor, compound_id=row.id)
    return reads.compound_detail(db_session, actor, row, contracts, to_local(clock.now()).date())


@router.get("/survey", response_model=s.SurveyRead)
def survey_columns(db_session: DbSession, actor: CurrentActor, programme: str | None = None) -> s.SurveyRead:
    """统计表的列（附件1各项及新增统计项目）。"""
    service.require(actor)
    found, form = survey.survey_of(programme)
    return s.SurveyRead(
        programme=found.id,
        title=form.title,
        columns=[
            s.SurveyColumnRead(key=c.key, label=c.label, type=c.type) for c in survey.columns(db_session, found, form)
        ],
    )


@router.post("/survey/items", status_code=201, response_model=s.SurveyItemRead)
def add_survey_item(
    body: s.SurveyItemIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.SurveyItemRead:
    """增加统计项目（可增不可删）。"""
    with transaction(db_session):
        row = service.add_survey_item(db_session=db_session, clock=clock, actor=actor, data=body)
        return s.SurveyItemRead(**service.snapshot(row))


@router.post("/survey/import", response_model=s.ImportRead)
async def import_survey(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: CurrentActor,
    filename: str = "survey.csv",
    programme: str | None = None,
) -> s.ImportRead:
    """导入统计表（请求体为 CSV 或 xlsx 文件内容，≤ 8 MB）；任一行不合格则全部不导入，并列出行号和字段。"""
    content = await read_bounded(request, SURVEY_LIMIT, "统计表文件")

    def work() -> s.ImportRead:
        rows = survey.check_survey(
            db_session=db_session, actor=actor, programme_id=programme, content=content, filename=filename
        )
        with transaction(db_session):  # the write lock only for the writes, not while the file is read and checked
            return _import_read(survey.write_survey(db_session=db_session, clock=clock, actor=actor, rows=rows))

    return await run_in_threadpool(work)


@router.get("/survey/export.xlsx", response_class=Response, responses=XLSX)
def export_survey(db_session: DbSession, actor: CurrentActor, programme: str | None = None) -> Response:
    """导出统计表（本辖区全部小区，含合计行）。"""
    return xlsx.response(survey.export(db_session, actor, programme), "物业管理基本情况统计表")


@router.get("/contracts", response_model=Page[s.ContractRead])
def list_contracts(
    db_session: DbSession, actor: CurrentActor, clock: CurrentClock, paging: Paging, compound_id: RowId | None = None
) -> Page[s.ContractRead]:
    """辖区小区的物业服务合同（按备案期限）。"""
    query = service.contracts_query(actor, compound_id)
    rows, total = paginate(db_session, query, paging, order_by=service.CONTRACT_ORDER)
    return paged(reads.contracts(db_session, rows, to_local(clock.now()).date()), total, paging)


@router.post("/contracts", status_code=201, response_model=s.ContractRead)
def add_contract(body: s.ContractIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> s.ContractRead:
    """登记物业服务合同；备案期限按方案（东胜区2024年底前）或平台默认（签订后30日）。"""
    with transaction(db_session):
        row = service.save_contract(db_session=db_session, clock=clock, actor=actor, data=body)
        return reads.contracts(db_session, [row], to_local(clock.now()).date())[0]


@router.post("/contracts/{contract_id}/filing", response_model=s.ContractRead)
def file_contract(
    contract_id: RowId, body: s.FilingIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.ContractRead:
    with transaction(db_session):
        row = service.file_contract(db_session=db_session, clock=clock, actor=actor, contract_id=contract_id, data=body)
        return reads.contracts(db_session, [row], to_local(clock.now()).date())[0]


@router.get("/fund-requests", response_model=Page[s.FundRequestRead])
def list_fund_requests(db_session: DbSession, actor: CurrentActor, paging: Paging) -> Page[s.FundRequestRead]:
    rows, total = paginate(db_session, service.fund_requests_query(actor), paging, order_by=[FundRequest.id])
    return paged(reads.fund_requests(db_session, rows), total, paging)


@router.post("/fund-requests", status_code=201, response_model=s.FundRequestRead)
def request_fund(
    body: s.FundRequestIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.FundRequestRead:
    with transaction(db_session):
        row = service.request_fund(db_session=db_session, clock=clock, actor=actor, data=body)
        return reads.fund_requests(db_session, [row])[0]


@router.post("/fund-requests/{request_id}/decision", response_model=s.FundRequestRead)
def decide_fund(
    request_id: RowId, body: s.DecisionIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.FundRequestRead:
    with transaction(db_session):
        row = service.decide_fund(db_session=db_session, clock=clock, actor=actor, request_id=request_id, data=body)
        return reads.fund_requests(db_session, [row])[0]


@router.put("/counties/{division_code}", response_model=s.CountyRead)
def save_county(
    division_code: str, body: s.CountyIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.CountyRead:
    """旗县区物业行业党委成立情况（“物业行业党委覆盖”指标据此计算）。"""
    with transaction(db_session):
        row = service.save_county(
            db_session=db_session, clock=clock, actor=actor, division_code=division_code, data=body
        )
        return reads.county(db_session, row)


@router.post("/disclosure-checks", status_code=201, response_model=s.DisclosureRead)
def check_disclosure(
    body: s.DisclosureIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.DisclosureRead:
    """“12+N”信息公开检查。"""
    with transaction(db_session):
        row = service.check_disclosure(db_session=db_session, clock=clock, actor=actor, data=body)
        return reads.disclosures(db_session, [row])[0]


# --- complaints: public ----------------------------------------------------------------------------------------


@router.get("/public/categories", response_model=Page[str])
def categories(paging: Paging) -> Page[str]:
    """诉求类别。"""
    return slice_list([c.name for c in settings.defaults().complaints.categories], paging)


@router.get("/public/compounds", response_model=Page[s.PublicCompoundRead])
def public_compounds(
    db_session: DbSession, paging: Paging, division: Annotated[str, Query(pattern=r"^\d{9}(\d{3})?$")]
) -> Page[s.PublicCompoundRead]:
    """某街道或社区的小区名称（供业主选择，不含其他信息）。"""
    rows = [s.PublicCompoundRead(**r) for r in complaints.public_compounds(db_session, division)]
    return slice_list(rows, paging)


@router.get("/public/places", response_model=Page[s.PublicPlaceRead])
def public_places(db_session: DbSession, paging: Paging) -> Page[s.PublicPlaceRead]:
    """可提交诉求的街道和社区（在已载入方案的范围内）。"""
    prefixes = [divisions.stem(p.division_code) for p in all_programmes().values()]
    rows = db_session.execute(
        select(Division.code, Division.name, Division.parent_code).where(Division.level.in_(["town", "community"]))
    ).all()
    places = [
        s.PublicPlaceRead(code=c, name=n, parent=p or "")
        for c, n, p in sorted(rows)
        if any(c.startswith(prefix) for prefix in prefixes)
    ]
    return slice_list(places, paging)


@router.post("/public/complaints", status_code=201, response_model=s.OwnerFiled)
async def file_public(
    request: Request, db_session: DbSession, clock: CurrentClock, app_settings: CurrentSettings
) -> s.OwnerFiled:
    """业主提交诉求（无需登录）。返回诉求编号和查询码（只显示这一次），凭二者查询、确认或要求重办。
    同一来源、同一小区在一定时间内的网上提交次数有上限（超出答 429，并给出 Retry-After）。"""
    body = await read_model(request, complaints.ComplaintIn, PUBLIC_BODY_LIMIT, "诉求内容")
    address = client_address(request)

    def work() -> s.OwnerFiled:
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
            return s.OwnerFiled(**reads.owner_complaint(db_session, row, clock.now()).model_dump(), code=code)

    return await run_in_threadpool(work)


@router.post("/public/complaints/{number}/view", response_model=s.OwnerComplaintRead)
def view_public(
    number: str, body: complaints.OwnerCode, db_session: DbSession, clock: CurrentClock
) -> s.OwnerComplaintRead:
    """业主凭编号和查询码查看自己的诉求（编号或查询码不符一律答“未找到”）。"""
    row = complaints.owner_find(db_session, number, body.code)
    return reads.owner_complaint(db_session, row, clock.now())


@router.post("/public/complaints/{number}/action", response_model=s.OwnerComplaintRead)
def owner_action(
    number: str, body: complaints.OwnerIn, db_session: DbSession, clock: CurrentClock
) -> s.OwnerComplaintRead:
    """业主确认办结（confirm）或不满意要求重办（reopen，须说明原因）。"""
    with transaction(db_session):
        row = complaints.owner_act(db_session=db_session, clock=clock, number=number, data=body)
        return reads.owner_complaint(db_session, row, clock.now())


@router.get("/public/credit/{year}", response_model=Page[s.PublicCreditRead])
def public_credit(year: Year, db_session: DbSession, paging: Paging) -> Page[s.PublicCreditRead]:
    """向社会公布的物业服务企业信用等级和红黑榜。"""
    return slice_list([s.PublicCreditRead(**r) for r in credit.public_results(db_session, year)], paging)


# --- complaints: officers --------------------------------------------------------------------------------------


@router.get("/complaints", response_model=Page[s.ComplaintRead])
def list_complaints(
    db_session: DbSession,
    actor: CurrentActor,
    clock: CurrentClock,
    paging: Paging,
    filters: Annotated[complaints.ComplaintFilters, Query()],
) -> Page[s.ComplaintRead]:
    """辖区小区的诉求（新的在前）；mine=true 只列本级办理的；overdue=true 只列升级过或超时督办的。"""
    rows, total = complaints.page(db_session=db_session, actor=actor, filters=filters, params=paging)
    return paged(reads.complaints_for(db_session, actor, rows, clock.now()), total, paging)


@router.post("/complaints", status_code=201, response_model=s.HotlineFiled)
def file_hotline(
    body: complaints.HotlineIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.HotlineFiled:
    """热线登记诉求（受理人员可直接按事权定级）；返回的查询码由受理人员告知业主。"""
    with transaction(db_session):
        row, code = complaints.file(db_session=db_session, clock=clock, data=body, channel="hotline", actor=actor)
        return s.HotlineFiled(**reads.complaint(db_session, actor, row, clock.now()).model_dump(), code=code)


@router.get("/complaints/{complaint_id}", response_model=s.ComplaintRead)
def get_complaint(
    complaint_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock
) -> s.ComplaintRead:
    row = complaints.get(db_session, actor, complaint_id)
    return reads.complaint(db_session, actor, row, clock.now())


@router.post("/complaints/{complaint_id}/respond", response_model=s.ComplaintRead)
def respond(
    complaint_id: RowId, body: complaints.RespondIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.ComplaintRead:
    with transaction(db_session):
        row = complaints.respond(db_session=db_session, clock=clock, actor=actor, complaint_id=complaint_id, data=body)
        return reads.complaint(db_session, actor, row, clock.now())


@router.post("/complaints/{complaint_id}/resolve", response_model=s.ComplaintRead)
def resolve(
    complaint_id: RowId, body: complaints.ResolveIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.ComplaintRead:
    with transaction(db_session):
        row = complaints.resolve(db_session=db_session, clock=clock, actor=actor, complaint_id=complaint_id, data=body)
        return reads.complaint(db_session, actor, row, clock.now())


@router.post("/complaints/{complaint_id}/reroute", response_model=s.ComplaintRead)
def reroute(
    complaint_id: RowId, body: complaints.RerouteIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.ComplaintRead:
    with transaction(db_session):
        row = complaints.reroute(db_session=db_session, clock=clock, actor=actor, complaint_id=complaint_id, data=body)
        return reads.complaint(db_session, actor, row, clock.now())


@router.get("/analysis/monthly", response_model=s.MonthlyRead)
def monthly(month: Month, db_session: DbSession, actor: CurrentActor) -> s.MonthlyRead:
    """当月各小区、各企业诉求率（每百户诉求件数）与重点小区。"""
    return reads.monthly(db_session, complaints.monthly(db_session=db_session, actor=actor, month=month))


@router.get("/analysis/monthly.xlsx", response_class=Response, responses=XLSX)
def monthly_xlsx(month: Month, db_session: DbSession, actor: CurrentActor) -> Response:
    report = reads.monthly(db_session, complaints.monthly(db_session=db_session, actor=actor, month=month))
    by_compound = [
        [r.compound, r.division_name, r.households, r.complaints, r.unaccepted, r.rate, "是" if r.key else ""]
        for r in report.compounds
    ]
    by_company = [[r.company_name, r.households, r.complaints, r.rate, r.key_compounds] for r in report.companies]
    content = service.workbook(
        [
            (
                "小区",
                ["小区", "所在街道社区", "户数", "诉求件数", "未受理", "诉求率（件/百户）", "重点小区"],
                by_compound,
            ),
            ("企业", ["物业服务企业", "服务户数", "诉求件数", "诉求率（件/百户）", "重点小区数"], by_company),
        ]
    )
    return xlsx.response(content, f"物业诉求月度分析-{month}")


# --- credit, duties, targets -----------------------------------------------------------------------------------


@router.get("/credit/methods", response_model=Page[s.CreditMethodRead])
def methods(
    db_session: DbSession, actor: CurrentActor, clock: CurrentClock, paging: Paging
) -> Page[s.CreditMethodRead]:
    service.require(actor)
    with transaction(db_session):
        credit.ensure_default_method(db_session=db_session, clock=clock)
    rows, total = paginate(db_session, select(CreditMethod), paging, order_by=[CreditMethod.id])
    return paged([s.CreditMethodRead(**service.snapshot(m)) for m in rows], total, paging)


@router.post("/credit/methods", status_code=201, response_model=s.CreditMethodRead)
def add_method(
    body: credit.MethodIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.CreditMethodRead:
    """发布新的信用评价方法版本（权重、等级线、红黑榜条件）；已有版本不可修改。"""
    with transaction(db_session):
        row = credit.add_method(db_session=db_session, clock=clock, actor=actor, data=body)
        return s.CreditMethodRead(**service.snapshot(row))


@router.post("/credit/events", status_code=201, response_model=s.CreditEventRead)
def add_event(
    body: credit.EventIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.CreditEventRead:
    with transaction(db_session):
        return reads.credit_events([credit.add_event(db_session=db_session, clock=clock, actor=actor, data=body)])[0]


@router.get("/credit/companies/{company_id}/{year}", response_model=s.PreviewRead)
def preview(
    company_id: RowId, year: Year, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.PreviewRead:
    """某企业某年度按现行方法的得分（未公布前的预览）和当年信用事件。"""
    subject = service.company(db_session, actor, company_id)
    credit.require_bureau(actor)  # events carry other streets' findings
    with transaction(db_session):
        result, method = credit.evaluate(db_session, clock, company_id, year)
    return s.PreviewRead(
        company_id=company_id,
        company_name=subject.name,
        year=year,
        method=method.version,
        score=result.score,
        grade=result.grade,
        roster=result.roster,
        contributions=result.contributions,
        events=reads.credit_events(credit.year_events(db_session, company_id, year)),
    )


@router.post("/credit/publish", response_model=list[s.CreditResultRead])
def publish(
    body: s.YearIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> list[s.CreditResultRead]:
    """公布年度信用评价结果和红黑榜（本辖区尚未公布的企业）。"""
    with transaction(db_session):
        rows = credit.publish(db_session=db_session, clock=clock, actor=actor, year=body.year)
        return reads.credit_results(db_session, rows)


@router.get("/credit/results", response_model=Page[s.CreditResultRead])
def results(
    db_session: DbSession,
    actor: CurrentActor,
    paging: Paging,
    year: Year | None = None,
    company_id: RowId | None = None,
) -> Page[s.CreditResultRead]:
    """已公布的信用评价结果（新年度在前、分高在前）。"""
    rows, total = paginate(
        db_session, credit.results_query(actor, year, company_id), paging, order_by=credit.RESULT_ORDER
    )
    return paged(reads.credit_results(db_session, rows), total, paging)


@router.get("/duties", response_model=Page[s.DutyRead])
def list_duties(
    db_session: DbSession, actor: CurrentActor, clock: CurrentClock, paging: Paging, period: str | None = None
) -> Page[s.DutyRead]:
    """各街道的季度联合执法检查和联席会议任务及完成情况。"""
    service.require(actor)
    with transaction(db_session):
        duties.ensure(db_session=db_session, clock=clock)
    rows = duties.listing(db_session=db_session, actor=actor, today=to_local(clock.now()).date(), period=period)
    return slice_list(reads.duties(rows), paging)


@router.get("/committee-trainings", response_model=Page[training.TrainingRow])
def committee_trainings(
    db_session: DbSession, clock: CurrentClock, actor: CurrentActor, paging: Paging, year: Year | None = None
) -> Page[training.TrainingRow]:
    """业委会培训：辖区内已组建业委会（物管会）的小区本年度培训次数与每年不少于2次的要求（000#L262），未达的在前。"""
    return slice_list(training.compliance(db_session=db_session, clock=clock, actor=actor, year=year), paging)


@router.post("/compounds/{compound_id}/trainings", status_code=201, response_model=list[training.TrainingRow])
def add_training(
    compound_id: RowId, body: training.TrainingIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> list[training.TrainingRow]:
    """登记业委会开展的一次培训（街道、社区或旗县区住建部门）；答复该小区本年度的完成情况。"""
    with transaction(db_session):
        row = training.add(db_session=db_session, clock=clock, actor=actor, compound_id=compound_id, data=body)
    found = training.compliance(db_session=db_session, clock=clock, actor=actor, year=row.held_on.year)
    return [r for r in found if r.compound_id == compound_id]


@router.post("/duties/{duty_id}/records", status_code=201, response_model=s.DutyRecordRead)
def hold_duty(
    duty_id: RowId, body: duties.DutyRecordIn, db_session: DbSession, clock: CurrentClock, actor: CurrentActor
) -> s.DutyRecordRead:
    with transaction(db_session):
        row = duties.hold(db_session=db_session, clock=clock, actor=actor, duty_id=duty_id, data=body)
        return s.DutyRecordRead(**service.snapshot(row))


@router.get("/targets", response_model=Page[s.ProgrammeTargets])
def list_targets(
    db_session: DbSession, actor: CurrentActor, clock: CurrentClock, paging: Paging, year: Year | None = None
) -> Page[s.ProgrammeTargets]:
    """两份方案的年度目标与按登记数据计算的当前值（本辖区可见的方案）。"""
    found = targets.visible(db_session, actor, year or to_local(clock.now()).year)
    return slice_list([s.ProgrammeTargets.model_validate(p) for p in found], paging)


@router.post("/targets/sync", response_model=s.SyncRead)
def sync_targets(db_session: DbSession, clock: CurrentClock, actor: CurrentActor) -> s.SyncRead:
    """把按登记数据计算的本年度值写入督办台账（值有变化时追加一条；旗县区以上住房主管部门）。"""
    service.require(actor)
    actor.require(Permission.LEDGER_WRITE)
    credit.require_bureau(actor)
    with transaction(db_session):
        return s.SyncRead(
            loaded=targets.load(db_session=db_session, clock=clock, actor=actor),
            values=targets.sync(db_session=db_session, clock=clock, actor=actor),
        )
