"""评审认定, 工伤康复, 补贴测算 and 碳计量器具 pages: the administrative programmes (the Mayor's quality award, the
municipal heritage bearers) with their rounds, applications, panels, titles, the award's cultivation pool and the
two-way ratings; work-injury rehabilitation; the subsidy calculators; the carbon-metrology instrument registry.

Every page reads through the programme, rehab, subsidy and metrology services, so it sees exactly what the API
shows the same account (a record out of scope answers 404, a refused role 403). What the caller may do is asked of
the same access checks the services apply; the forms post to /api/programmes, /api/rehab, /api/subsidies and
/api/metrology from the browser (static/programmes.js).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock, local_today, to_local
from yingji.core.errors import InvalidInput
from yingji.core.paging import PageParams, Paging, paged, paginate, slice_list
from yingji.core.params import RowId
from yingji.deps import CurrentClock, DbSession
from yingji.metrology import service as metrology
from yingji.metrology.enums import CalibrationMethod, CalibrationResult, DueState, InstrumentAction
from yingji.metrology.settings import defaults as metrology_defaults
from yingji.programmes import access, cultivation, panels, policy, reads, rehab, service, titles
from yingji.programmes.models import Agreement, Alert, Application, AppState, Institution, TitleState
from yingji.programmes.policy import ApplicationAction, ProgrammeAction, RoundAction, TitleAction
from yingji.programmes.schema import Programme, StageActor, StageKind, Subject, programme, rehab_rules
from yingji.programmes.schemas import ApplicationFilters
from yingji.registry import service as registry
from yingji.registry.enums import OrganisationKind
from yingji.registry.models import Division, Organisation
from yingji.registry.specs import BY_NAME
from yingji.rules import subsidies as subsidy_rules
from yingji.subsidies import readings as subsidy_readings
from yingji.subsidies import service as subsidies
from yingji.web.common import TEMPLATES, Viewer, divisions_in_scope, guarded

router = APIRouter(include_in_schema=False)

PASS_LABELS = {
    StageKind.REVIEW: "通过",
    StageKind.PUBLICITY: "公示期满，进入下一环节",
    StageKind.PANEL: "评分完毕，进入下一环节",
    StageKind.CONFER: "公布（授予）",
}
PERSON_LABELS = {"birth_year": "出生年份", "ethnicity": "民族"}  # kept with a person's facts by the service
END_KINDS = (TitleState.HONORARY, TitleState.DECEASED, TitleState.WAIVED)
METROLOGY_SHOWS = {"all": "全部器具", "due": "即将到期及超期", "overdue": "超期未检或无记录"}
DECIDE = {ApplicationAction.PASS, ApplicationAction.RETURN, ApplicationAction.REJECT}
LIST = PageParams(limit=50)


def when(value: str | datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored instant (ISO text from a row snapshot, or a datetime) in Beijing time."""
    if value is None or value == "":
        return "—"
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return to_local(at if at.tzinfo else at.replace(tzinfo=UTC)).strftime(fmt)


TEMPLATES.filters["when"] = when


def offset(request: Request, key: str) -> PageParams:
    """The slice of a page's second or third list, from its own offset parameter (the pager's ``key``)."""
    raw = request.query_params.get(key) or "0"
    if not raw.isascii() or not raw.isdigit() or int(raw) > 10_000_000:
        raise InvalidInput(field=key, reason=f"{key}：须为非负整数")
    return PageParams(limit=LIST.limit, offset=int(raw))


@dataclass(frozen=True)
class FactField:
    """One declared fact an eligibility check reads: a yes/no or a figure, a requirement's or an exclusion's."""

    key: str
    label: str
    number: bool
    minimum: float | None
    exclusion: bool


@dataclass(frozen=True)
class EventField:
    """A kind of dated record a check looks back over (e.g. 较大及以上事故 in the last 3 years)."""

    kind: str
    label: str
    years: int | None


def fact_fields(prog: Programme) -> list[FactField]:
    found: dict[str, FactField] = {}

    def add(key: str, label: str, minimum: float | None, exclusion: bool) -> None:
        found.setdefault(key, FactField(key, label, minimum is not None, minimum, exclusion))

    for exclusion, checks in ((False, prog.requirements), (True, prog.exclusions)):
        for check in checks:
            if check.only_if is not None:
                add(check.only_if, f"适用此条：{check.label}", None, False)
            if check.fact is not None:
                add(check.fact, check.label, check.min, exclusion)
            for index, part in enumerate(check.any_of, 1):
                need = "是" if part.min is None else f"不少于 {part.min:g}"
                add(part.fact, f"{check.label}（条件{index}：{need}）", part.min, exclusion)
    return list(found.values())


def event_fields(prog: Programme) -> list[EventField]:
    return [EventField(c.event, c.label, c.within_years) for c in (*prog.requirements, *prog.exclusions) if c.event]


def _shown(value: Any) -> str:
    if value is None:
        return "未申明"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def programme_form(prog: Programme) -> dict[str, Any]:
    """What the apply, resubmit and self-check forms ask for."""
    return {
        "facts": fact_fields(prog),
        "events": event_fields(prog),
        "materials": [(m.code, m.label) for m in prog.materials],
    }


def stage_counts(prog: Programme, counted: Mapping[tuple[str, AppState], int]) -> list[tuple[str, int]]:
    """Applications under way by stage (in the programme's order), then those returned or finished."""
    active = {stage: n for (stage, state), n in counted.items() if state is AppState.ACTIVE}
    others: Counter[AppState] = Counter()
    for (_, state), n in counted.items():
        if state is not AppState.ACTIVE:
            others[state] += n
    rows = [(s.label, active[s.code]) for s in prog.stages if active.get(s.code)]
    return rows + [(state.label, others[state]) for state in AppState if others[state]]


# --- 评审认定 overview ---------------------------------------------------------------------------------------------


def overview_context(
    db_session: Session, clock: Clock, actor: Actor, paging: PageParams, mine_at: PageParams, titles_at: PageParams
) -> dict[str, Any]:
    progs = service.visible_programmes(actor)  # 403 without any programme permission
    on = local_today(clock)
    by_id = {p.id: p for p in progs}
    found, total = paginate(db_session, service.rounds_query(actor), paging, order_by=service.ROUND_ORDER)
    counted = service.stage_counts(db_session, actor, [r.id for r in found])
    rounds = paged(
        [
            {"round": r, "counts": stage_counts(by_id[r.programme_id], counted.get(r.id, {}))}
            for r in reads.rounds(db_session, actor, found, on)
        ],
        total,
        paging,
    )
    if actor.organisation_id is not None or (
        actor.has(Permission.PROGRAMME_SCORE) and not actor.has(Permission.PROGRAMME_MANAGE)
    ):
        heading = "本单位的申报" if actor.organisation_id is not None else "分配给我评审的申报"
        query = service.applications_query(db_session, actor)
        rows, count = paginate(db_session, query, mine_at, order_by=[Application.id])
        mine = paged(reads.applications(db_session, actor, rows, on), count, mine_at)
    else:
        heading = "待我办理"
        active = service.applications_query(db_session, actor, ApplicationFilters(state=AppState.ACTIVE))
        pending = reads.applications(db_session, actor, db_session.scalars(active.order_by(Application.id)).all(), on)
        mine = slice_list([a for a in pending if DECIDE & set(a.allowed_actions)], mine_at)
    found_titles, titles_total = paginate(
        db_session, titles.titles_query(actor), titles_at, order_by=titles.TITLE_ORDER
    )
    shown = reads.programmes(db_session, actor, progs, on)
    return {
        "programmes": shown,
        "rounds": rounds,
        "mine_heading": heading,
        "mine": mine,
        "titles": paged(reads.titles_of(db_session, actor, found_titles), titles_total, titles_at),
        "authority_of": [p for p in shown if ProgrammeAction.OPEN_ROUND in p.allowed_actions],
        "today": on.isoformat(),
    }


# --- a round ------------------------------------------------------------------------------------------------------


def _experts(db_session: Session, actor: Actor) -> list[Any]:
    """The registry's experts the caller may read (to appoint to a panel or add to a pool)."""
    if not actor.has(Permission.RESOURCES_READ):
        return []
    return registry.every(db_session=db_session, actor=actor, spec=BY_NAME["experts"])


def counties(db_session: Session, actor: Actor, prog: Programme) -> list[tuple[str, str]]:
    """The programme's counties (旗县区) the caller covers: where a person's application may be entered."""
    query = select(Division.code, Division.name).where(
        Division.code.startswith(prog.division_code[:4], autoescape=True), func.length(Division.code) == 6
    )
    rows = db_session.execute(query.order_by(Division.code)).all()
    return [(code, name) for code, name in rows if access.is_county(code) and actor.covers_division(code)]


def round_context(db_session: Session, clock: Clock, actor: Actor, round_id: int, paging: PageParams) -> dict[str, Any]:
    rnd, prog = service.get_round(db_session, actor, round_id)  # 404 out of scope
    on = local_today(clock)
    shown = reads.rounds(db_session, actor, [rnd], on)[0]
    query = service.applications_query(db_session, actor, ApplicationFilters(round_id=rnd.id))
    rows, total = paginate(db_session, query, paging, order_by=[Application.id])
    formed = reads.panels_of(prog, panels.panels_of(db_session, rnd.id))
    done = {p.panel_code for p in formed}
    to_form = [p for p in prog.panels if p.code not in done] if RoundAction.FORM_PANEL in shown.allowed_actions else []
    chooser = next((s for s in prog.stages if s.kind is StageKind.SELECT), None)
    candidates: list[Any] = []
    if chooser is not None and RoundAction.SELECT in shown.allowed_actions:
        waiting = ApplicationFilters(round_id=rnd.id, stage=chooser.code, state=AppState.ACTIVE)
        listed = db_session.scalars(service.applications_query(db_session, actor, waiting).order_by(Application.id))
        candidates = reads.applications(db_session, actor, listed.all(), on)
    may_start = RoundAction.APPLY in shown.allowed_actions
    person_divisions: list[tuple[str, str]] = []
    if may_start and prog.subject is Subject.PERSON:
        person_divisions = counties(db_session, actor, prog)
    open_states = [AppState.ACTIVE, AppState.RETURNED]
    own = service.applications_query(db_session, actor, ApplicationFilters(round_id=rnd.id))
    own = own.where(Application.state.in_(open_states))
    return {
        "round": shown,
        "programme": prog,
        "apps": paged(reads.applications(db_session, actor, rows, on), total, paging),
        "counts": stage_counts(prog, service.stage_counts(db_session, actor, [rnd.id]).get(rnd.id, {})),
        "score_stages": [(s.score, s.label) for s in prog.stages if s.score],
        "panels": formed,
        "to_form": to_form,
        "experts": _experts(db_session, actor) if any(p.draw == "appointed" for p in to_form) else [],
        "pools": {
            p.pool: reads.pool(db_session, panels.pool_members(db_session, p.pool), on) for p in to_form if p.pool
        },
        "chooser": chooser if RoundAction.SELECT in shown.allowed_actions else None,
        "candidates": candidates,
        "may_apply": may_start
        and prog.subject is Subject.ENTERPRISE
        and db_session.scalar(select(func.count()).select_from(own.subquery())) == 0,  # one a round (own)
        "person_divisions": person_divisions,
        "form": programme_form(prog),
        "organisation_id": actor.organisation_id,
        "may_close": RoundAction.CLOSE in shown.allowed_actions,
        "pool_rows": reads.pool_against(
            db_session, actor, prog, service.applications(db_session=db_session, actor=actor, round_id=rnd.id)
        )
        if prog.cultivation is not None and actor.organisation_id is None
        else None,
        "rating_summary": reads.rating_summary(db_session, actor, rnd.id)
        if prog.two_way_rating is not None and policy.is_authority(actor, prog)
        else None,
    }


# --- an application -----------------------------------------------------------------------------------------------


def application_context(db_session: Session, clock: Clock, actor: Actor, app_id: int) -> dict[str, Any]:
    app, prog = service.get_application(db_session, actor, app_id)  # 404 out of scope
    rnd, _ = service.get_round(db_session, actor, app.round_id)
    on = local_today(clock)
    stage = prog.stage(app.stage)
    shown = reads.application_detail(db_session, actor, app, on)
    actions = set(shown.allowed_actions)
    seat = reads.seats(db_session, actor, [app]).get(app.id)
    missing: list[str] = []
    if ApplicationAction.PASS in actions and stage.kind is StageKind.PANEL and stage.panel is not None:
        missing = panels.result(db_session, app.round_id, prog.panel(stage.panel), app.id).missing
    applicant_side = policy.is_stage_actor(
        actor, prog, prog.stages[0], division_code=app.division_code, org=app.organisation_id
    )
    facts = fact_fields(prog)
    known = {f.key for f in facts}
    decides = DECIDE & actions
    return {
        "app": shown,
        "round": reads.rounds(db_session, actor, [rnd], on)[0],
        "programme": prog,
        "stage": stage,
        "stages": prog.stages,
        "history": shown.history,
        "objections": shown.objections,
        "scores": shown.scores_detail,
        "score_stages": [(s.score, s.label) for s in prog.stages if s.score],
        "facts": [(f.label, _shown(app.facts.get(f.key))) for f in facts]
        + [(PERSON_LABELS.get(key, key), _shown(value)) for key, value in app.facts.items() if key not in known],
        "events": app.events,
        "event_labels": {e.kind: e.label for e in event_fields(prog)},
        "materials": [(m.label, m.code in app.materials) for m in prog.materials],
        "advance": bool(decides),
        "waiting": app.state is AppState.ACTIVE
        and stage.kind is StageKind.PUBLICITY
        and not shown.period_over
        and policy.is_stage_actor(actor, prog, stage, division_code=app.division_code, org=app.organisation_id),
        "outcomes": [a.value for a in ApplicationAction if a in decides],
        "pass_label": PASS_LABELS.get(stage.kind, "通过"),
        "missing": missing,
        "may_object": ApplicationAction.OBJECT in actions,
        "member": seat,
        "may_score": ApplicationAction.SCORE in actions,
        "may_recuse": ApplicationAction.RECUSE in actions,
        "may_resubmit": ApplicationAction.RESUBMIT in actions,
        "may_withdraw": ApplicationAction.WITHDRAW in actions,
        "self_check": applicant_side,
        "form": programme_form(prog),
        "declared": app.facts,
        "chosen": set(app.materials),
        "dated": {kind: on_ for kind, on_, *_ in app.events},
        "today": on.isoformat(),
        "cultivated": shown.cultivation,
        "rateable": shown.rateable,
        "ratings_given": shown.ratings_given,
        "rating_rule": prog.two_way_rating,
        "rating_scale": prog.two_way_rating.scale.labels if prog.two_way_rating else {},
        "applicant_side": applicant_side,
    }


# --- the cultivation pool ------------------------------------------------------------------------------------------

MAX_CHOICES = 300  # enterprises offered in one select (a county has tens, the city a few hundred)


def cultivation_context(
    db_session: Session, clock: Clock, actor: Actor, programme_id: str, paging: PageParams
) -> dict[str, Any]:
    service.require_reader(actor)  # 403 without any programme permission
    query = cultivation.query(actor, programme_id)  # 404 for a programme without a pool or out of sight
    prog = programme(programme_id)
    pool = cultivation.pool_of(prog)
    rows, total = paginate(db_session, query, paging, order_by=cultivation.ORDER)
    authority = policy.is_authority(actor, prog)
    routes = []
    choices: list[tuple[int, str]] = []
    if authority or (actor.organisation_id is None and access.is_county(actor.division_code)):
        enterprises = select(Organisation.id, Organisation.name).where(
            Organisation.kind == OrganisationKind.ENTERPRISE,
            Organisation.division_code.startswith(prog.division_code[:4], autoescape=True),
            actor.division_filter(Organisation.division_code),
        )
        choices = [(i, n) for i, n in db_session.execute(enterprises.order_by(Organisation.name).limit(MAX_CHOICES))]
        routes = [r for r in pool.routes if authority or r.by is StageActor.COUNTY]
        routes.sort(key=lambda r: r.by is not StageActor.CITY)  # the authority mostly records departments' picks
    elif actor.organisation_id is not None and actor.has(Permission.PROGRAMME_APPLY):
        own = db_session.get(Organisation, actor.organisation_id)
        held = cultivation.entry_of(db_session, actor, prog, actor.organisation_id)
        if own is not None and held is None:
            choices = [(own.id, own.name)]
            routes = [r for r in pool.routes if r.by is StageActor.APPLICANT]
    return {
        "programme": prog,
        "pool": pool,
        "entries": paged(reads.cultivations(db_session, actor, rows), total, paging),
        "routes": routes,
        "choices": choices,
        "authority": authority,
        "today": local_today(clock).isoformat(),
    }


# --- a title ------------------------------------------------------------------------------------------------------


def _year(raw: str | None, on: date) -> int:
    if raw is None or raw == "":
        return on.year
    if not raw.isascii() or not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise InvalidInput(field="year", reason="year：须为 2000–2100 之间的年份")
    return int(raw)


def title_context(db_session: Session, clock: Clock, actor: Actor, title_id: int, year: str | None) -> dict[str, Any]:
    title, prog = titles.get_title(db_session, actor, title_id)  # 404 out of scope
    on = local_today(clock)
    shown_year = _year(year, on)
    bearer = prog.bearer
    shown = reads.title_detail(db_session, actor, title, shown_year, on)
    actions = set(shown.allowed_actions)
    ends = TitleAction.END in actions
    return {
        "title": shown,
        "programme": prog,
        "visits": shown.visits,
        "evaluations": shown.evaluations,
        "standing": shown.standing,
        "year": shown_year,
        "grades": {g.code: g.label for g in bearer.grades} if bearer else {},
        "circumstances": [(c.code, c.label) for c in bearer.automatic_unqualified] if bearer else [],
        "may_visit": TitleAction.VISIT in actions,
        "may_evaluate": TitleAction.EVALUATE in actions,
        "grounds": prog.revocation if TitleAction.REVOKE in actions else [],
        "ends": [k for k in END_KINDS if k is not TitleState.HONORARY or title.state is TitleState.ACTIVE]
        if ends
        else [],
        "today": on.isoformat(),
    }


# --- 工伤康复 ---------------------------------------------------------------------------------------------------


def rehab_context(
    db_session: Session,
    clock: Clock,
    actor: Actor,
    paging: PageParams,
    alerts_at: PageParams,
    institutions_at: PageParams,
    pool_at: PageParams,
) -> dict[str, Any]:
    rehab.require(actor)  # 403 for enterprise, expert and read-only accounts
    rules_ = rehab_rules()
    on = local_today(clock)
    found, total = paginate(db_session, rehab.cases_query(actor), paging, order_by=rehab.CASE_ORDER)
    places, places_total = paginate(
        db_session, rehab.institutions_query(actor), institutions_at, order_by=[Institution.name, Institution.id]
    )
    raised, raised_total = paginate(db_session, rehab.alerts_query(actor), alerts_at, order_by=[Alert.id.desc()])
    pooled, pool_total = paginate(db_session, panels.pool_query(rules_.pool.code), pool_at, order_by=panels.POOL_ORDER)
    signed = (
        select(Institution)
        .join(Agreement, Agreement.institution_id == Institution.id)
        .where(policy.institution_scope(actor), Agreement.year == on.year)
        .order_by(Institution.name, Institution.id)
    )
    serving = [p for p in reads.pool(db_session, panels.pool_members(db_session, rules_.pool.code), on) if p.in_term]
    city = actor.is_unlimited or actor.division_code == rules_.division_code
    return {
        "rules": rules_,
        "cases": paged(reads.cases(db_session, actor, found), total, paging),
        "institutions": paged(reads.institutions(db_session, actor, places), places_total, institutions_at),
        "alerts": paged(reads.alerts(db_session, actor, raised), raised_total, alerts_at),
        "pool": paged(reads.pool(db_session, pooled, on), pool_total, pool_at),
        "signed_this_year": list(db_session.scalars(signed)),
        "serving": serving,
        "modes": {m.code: m for m in rules_.modes},
        "categories": {c.code: c.label for c in rules_.claim_categories},
        "may_pool": city,
        "experts": _experts(db_session, actor) if city else [],
        "divisions": divisions_in_scope(db_session, actor),
        "today": on.isoformat(),
        "year": on.year,
    }


# --- 补贴测算 -----------------------------------------------------------------------------------------------------


def subsidies_context() -> dict[str, Any]:
    return {
        "calculators": subsidies.catalogue(),
        "licence_kinds": {k.value: v for k, v in subsidy_rules.LICENCE_KIND_LABELS.items()},
        "works": {k.value: v for k, v in subsidy_rules.WORK_LABELS.items()},
        "grade_labels": {g.value: f"{g.value} 级" for g in subsidy_rules.Grade},
        "main_kinds": {
            k.value: subsidy_rules.BUILDING_LABELS[k]
            for k in (subsidy_rules.BuildingKind.STOREYED, subsidy_rules.BuildingKind.BUNGALOW)
        },
        "land_uses": {k.value: subsidy_rules.LAND_LABELS[k] for k in subsidy_rules.LandUse},
        "tenures": {k.value: subsidy_rules.LAND_LABELS[k] for k in subsidy_rules.Tenure},
    }


# --- 碳计量器具 ---------------------------------------------------------------------------------------------------


def metrology_context(
    db_session: Session, clock: Clock, actor: Actor, show: str | None, paging: PageParams
) -> dict[str, Any]:
    chosen = show or "all"
    if chosen not in METROLOGY_SHOWS:
        raise InvalidInput(field="show", reason=f"show：须为 {'、'.join(METROLOGY_SHOWS)}")
    settings = metrology_defaults()
    filters = metrology.Filters(
        overdue=chosen == "overdue", due_within=settings.due_soon_days if chosen == "due" else None
    )
    rows, total = metrology.list_(db_session=db_session, clock=clock, actor=actor, filters=filters, params=paging)
    report = metrology.overdue_report(db_session=db_session, clock=clock, actor=actor, filters=metrology.Filters())
    return {
        "rows": paged(rows, total, paging),
        "organisations": report.organisations,
        "late_count": len(report.instruments),
        "show": chosen,
        "shows": METROLOGY_SHOWS,
        "due_states": list(DueState),
        "methods": CalibrationMethod.labels(),
        "results": CalibrationResult.labels(),
        "calibrate": InstrumentAction.CALIBRATE,
        "due_soon_days": settings.due_soon_days,
        "basis": settings.basis,
        "today": local_today(clock).isoformat(),
    }


# --- routes -------------------------------------------------------------------------------------------------------


@router.get("/console/programmes", response_class=HTMLResponse)
def overview(
    request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer, paging: Paging
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        mine, held = offset(request, "mine_offset"), offset(request, "titles_offset")
        return overview_context(db_session, clock, actor, paging, mine, held)

    return guarded(request, actor, clock, "programmes.html", build)


@router.get("/console/programmes/rounds/{round_id}", response_class=HTMLResponse)
def round_page(
    round_id: RowId, request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer, paging: Paging
) -> HTMLResponse:
    return guarded(
        request,
        actor,
        clock,
        "programmes_round.html",
        lambda: round_context(db_session, clock, actor, round_id, paging),
    )


@router.get("/console/programmes/applications/{app_id}", response_class=HTMLResponse)
def application_page(
    app_id: RowId, request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer
) -> HTMLResponse:
    return guarded(
        request,
        actor,
        clock,
        "programmes_application.html",
        lambda: application_context(db_session, clock, actor, app_id),
    )


@router.get("/console/programmes/{programme_id}/cultivation", response_class=HTMLResponse)
def cultivation_page(
    programme_id: str, request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer, paging: Paging
) -> HTMLResponse:
    return guarded(
        request,
        actor,
        clock,
        "programmes_cultivation.html",
        lambda: cultivation_context(db_session, clock, actor, programme_id, paging),
    )


@router.get("/console/programmes/titles/{title_id}", response_class=HTMLResponse)
def title_page(
    title_id: RowId, request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer
) -> HTMLResponse:
    year = request.query_params.get("year")
    return guarded(
        request,
        actor,
        clock,
        "programmes_title.html",
        lambda: title_context(db_session, clock, actor, title_id, year),
    )


@router.get("/console/rehab", response_class=HTMLResponse)
def rehab_page(
    request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer, paging: Paging
) -> HTMLResponse:
    def build() -> dict[str, Any]:
        at = {key: offset(request, key) for key in ("alerts_offset", "institutions_offset", "pool_offset")}
        return rehab_context(
            db_session, clock, actor, paging, at["alerts_offset"], at["institutions_offset"], at["pool_offset"]
        )

    return guarded(request, actor, clock, "programmes_rehab.html", build)


@router.get("/console/subsidies", response_class=HTMLResponse)
def subsidies_page(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    def build() -> dict[str, Any]:
        found = subsidy_readings.reads(db_session, actor)
        in_force = next((q.in_force_label for q in found if q.question == "setback_area"), "")
        return subsidies_context() | {"readings": found, "setback_reading": in_force}

    return guarded(request, actor, clock, "programmes_subsidies.html", build)


@router.get("/console/metrology", response_class=HTMLResponse)
def metrology_page(
    request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer, paging: Paging
) -> HTMLResponse:
    show = request.query_params.get("show")
    return guarded(
        request,
        actor,
        clock,
        "programmes_metrology.html",
        lambda: metrology_context(db_session, clock, actor, show, paging),
    )
