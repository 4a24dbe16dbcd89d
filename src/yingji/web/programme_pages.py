"""评审认定, 工伤康复, 补贴测算 and 碳计量器具 pages: the administrative programmes (the Mayor's quality award, the
municipal heritage bearers) with their rounds, applications, panels and titles; work-injury rehabilitation; the
subsidy calculators; the carbon-metrology instrument registry.

Every page reads through the programme, rehab, subsidy and metrology services, so it sees exactly what the API
shows the same account (a record out of scope answers 404, a refused role 403). What the caller may do is asked of
the same access checks the services apply; the forms post to /api/programmes, /api/rehab, /api/subsidies and
/api/metrology from the browser (static/programmes.js).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
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
from yingji.core.errors import InvalidInput, YingjiError
from yingji.core.paging import PageParams, Paging, paged
from yingji.core.params import RowId
from yingji.deps import CurrentClock, DbSession
from yingji.metrology import service as metrology
from yingji.metrology.enums import CalibrationMethod, CalibrationResult, DueState, InstrumentAction
from yingji.metrology.settings import defaults as metrology_defaults
from yingji.programmes import access, panels, rehab, service, titles
from yingji.programmes.models import APP_STATE_LABELS, Application, AppState, Recusal, TitleState
from yingji.programmes.schema import Programme, Stage, rehab_rules
from yingji.registry import service as registry
from yingji.registry.models import Division
from yingji.registry.specs import BY_NAME
from yingji.rules import subsidies as subsidy_rules
from yingji.subsidies import service as subsidies
from yingji.web.common import TEMPLATES, Viewer, divisions_in_scope, guarded

router = APIRouter(include_in_schema=False)

ACTION_LABELS = {
    "submit": "申报",
    "pass": "通过",
    "return": "退回修改",
    "reject": "不予通过",
    "resubmit": "重新报送",
    "select": "入选",
    "not_selected": "未入选",
    "withdraw": "撤回",
    "objection": "登记异议",
    "objection_resolved": "异议复核",
    "disqualify": "异议成立，取消资格",
    "confer": "公布授予",
}
KIND_LABELS = {
    "submit": "申报",
    "review": "审查",
    "publicity": "公示",
    "panel": "专家评审",
    "select": "名单决定",
    "confer": "公布",
}
ACTOR_LABELS = {"applicant": "申报人", "county": "旗县区主管部门", "city": "市主管部门", "expert": "专家组"}
PASS_LABELS = {
    "review": "通过",
    "publicity": "公示期满，进入下一环节",
    "panel": "评分完毕，进入下一环节",
    "confer": "公布（授予）",
}
PERSON_LABELS = {"birth_year": "出生年份", "ethnicity": "民族"}  # kept with a person's facts by the service
OBJECTION_LABELS = {"open": "待复核", "upheld": "异议成立", "dismissed": "异议不成立"}
END_LABELS = {"honorary": "荣誉传承人", "deceased": "去世", "waived": "自愿放弃"}
CASE_LABELS = {"proposed": "待备案或评估", "approved": "已批准康复", "refused": "不予康复", "ended": "康复结束"}
GATE_LABELS = {"filing": "经办机构备案", "expert": "康复专家库成员评估", "none": "无前置程序"}
ASSESSMENT_LABELS = {"passed": "考核通过", "failed": "考核未通过"}
WARNING_LABELS = {"daily_limit": "单日费用超限", "case_limit": "累计费用超限", "duplicate": "重复上传"}
GRADE_LABELS = {g.value: f"{g.value} 级" for g in subsidy_rules.Grade}
METROLOGY_SHOWS = {"all": "全部器具", "due": "即将到期及超期", "overdue": "超期未检或无记录"}


def when(value: str | datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored instant (ISO text from a row snapshot, or a datetime) in Beijing time."""
    if value is None or value == "":
        return "—"
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return to_local(at if at.tzinfo else at.replace(tzinfo=UTC)).strftime(fmt)


TEMPLATES.filters["when"] = when


def _may(check: Callable[[], object]) -> bool:
    """Whether a service's own access check lets the caller through (the page offers the action only then)."""
    try:
        check()
    except YingjiError:
        return False
    return True


def is_authority(actor: Actor, prog: Programme) -> bool:
    return _may(lambda: access.require_authority(actor, prog))


def may_act(actor: Actor, prog: Programme, stage: Stage, app: Application) -> bool:
    """Whether the caller is the person the programme names for this stage of this application."""
    return _may(
        lambda: access.require_stage_actor(
            actor, prog, stage, division_code=app.division_code, organisation_id=app.organisation_id
        )
    )


def may_advance(actor: Actor, prog: Programme, app: Application) -> bool:
    stage = prog.stage(app.stage)
    return app.state is AppState.ACTIVE and stage.kind != "select" and may_act(actor, prog, stage, app)


def may_start(actor: Actor, prog: Programme) -> bool:
    """Whether the caller acts at the first stage (an enterprise for itself, a county office for a person)."""
    first = prog.stages[0]
    return _may(
        lambda: access.require_stage_actor(
            actor,
            prog,
            first,
            division_code=actor.division_code or prog.division_code,
            organisation_id=actor.organisation_id,
        )
    )


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


def stage_counts(prog: Programme, apps: list[Application]) -> list[tuple[str, int]]:
    """Applications under way by stage (in the programme's order), then those returned or finished."""
    active = Counter(a.stage for a in apps if a.state is AppState.ACTIVE)
    others: Counter[AppState] = Counter(a.state for a in apps if a.state is not AppState.ACTIVE)
    rows = [(s.label, active[s.code]) for s in prog.stages if active[s.code]]
    return rows + [(APP_STATE_LABELS[state], others[state]) for state in AppState if others[state]]


# --- 评审认定 overview ---------------------------------------------------------------------------------------------


def overview_context(db_session: Session, clock: Clock, actor: Actor) -> dict[str, Any]:
    progs = service.visible_programmes(actor)  # 403 without any programme permission
    on = local_today(clock)
    by_id = {p.id: p for p in progs}
    apps = service.applications(db_session=db_session, actor=actor)
    per_round: dict[int, list[Application]] = {}
    for app in apps:
        per_round.setdefault(app.round_id, []).append(app)
    rounds = [
        {
            **service.round_dict(r),
            "counts": stage_counts(by_id[r.programme_id], per_round.get(r.id, [])),
            "accepting": r.closed_on is None and r.notice_on <= on <= r.apply_until,
        }
        for r in service.rounds(db_session=db_session, actor=actor)
    ]
    if actor.organisation_id is not None:
        heading, mine = "本单位的申报", apps
    elif actor.has(Permission.PROGRAMME_SCORE) and not actor.has(Permission.PROGRAMME_MANAGE):
        heading, mine = "分配给我评审的申报", apps
    else:
        heading, mine = "待我办理", [a for a in apps if may_advance(actor, by_id[a.programme_id], a)]
    return {
        "programmes": progs,
        "rounds": rounds,
        "mine_heading": heading,
        "mine": [service.as_dict(a, on) for a in mine],
        "titles": [titles.title_dict(t) for t in titles.titles(db_session=db_session, actor=actor)],
        "authority_of": [p for p in progs if is_authority(actor, p)],
        "kind_labels": KIND_LABELS,
        "actor_labels": ACTOR_LABELS,
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


def round_context(db_session: Session, clock: Clock, actor: Actor, round_id: int) -> dict[str, Any]:
    rnd, prog = service.get_round(db_session, actor, round_id)  # 404 out of scope
    on = local_today(clock)
    apps = service.applications(db_session=db_session, actor=actor, round_id=rnd.id)
    authority = is_authority(actor, prog)
    formed = panels.panels_of(db_session, rnd.id)
    done = {p["panel_code"] for p in formed}
    to_form = [p for p in prog.panels if p.code not in done] if authority and rnd.closed_on is None else []
    chooser = next((s for s in prog.stages if s.kind == "select"), None)
    candidates = [a for a in apps if chooser is not None and a.stage == chooser.code and a.state is AppState.ACTIVE]
    accepting = rnd.closed_on is None and rnd.notice_on <= on <= rnd.apply_until
    person_divisions: list[tuple[str, str]] = []
    if accepting and prog.subject == "person" and may_start(actor, prog):
        person_divisions = counties(db_session, actor, prog)
    return {
        "round": service.round_dict(rnd),
        "programme": prog,
        "apps": [service.as_dict(a, on) for a in apps],
        "counts": stage_counts(prog, apps),
        "score_stages": [(s.score, s.label) for s in prog.stages if s.score],
        "panels": formed,
        "panel_labels": {p.code: p.label for p in prog.panels},
        "authority": authority,
        "to_form": to_form,
        "experts": _experts(db_session, actor) if any(p.draw == "appointed" for p in to_form) else [],
        "pools": {p.pool: panels.pool_members(db_session, p.pool) for p in to_form if p.pool},
        "chooser": chooser if authority else None,
        "candidates": [service.as_dict(a, on) for a in candidates],
        "accepting": accepting,
        "may_apply": accepting
        and prog.subject == "enterprise"
        and may_start(actor, prog)
        and not any(a.state in (AppState.ACTIVE, AppState.RETURNED) for a in apps),  # one a round (enterprise: own)
        "person_divisions": person_divisions,
        "form": programme_form(prog),
        "organisation_id": actor.organisation_id,
        "may_close": authority and rnd.closed_on is None,
    }


# --- an application -----------------------------------------------------------------------------------------------


def _member(db_session: Session, actor: Actor, app: Application, stage: Stage) -> dict[str, Any] | None:
    """The caller's seat on the panel of the application's current stage, if any."""
    if stage.kind != "panel" or not actor.has(Permission.PROGRAMME_SCORE):
        return None
    for panel in panels.panels_of(db_session, app.round_id):
        if panel["panel_code"] == stage.panel:
            return next((m for m in panel["members"] if m["username"] == actor.username), None)
    return None


def application_context(db_session: Session, clock: Clock, actor: Actor, app_id: int) -> dict[str, Any]:
    app, prog = service.get_application(db_session, actor, app_id)  # 404 out of scope
    rnd, _ = service.get_round(db_session, actor, app.round_id)
    on = local_today(clock)
    stage = prog.stage(app.stage)
    labels = {s.code: s.label for s in prog.stages}
    history = [
        {
            **h,
            "action_label": ACTION_LABELS.get(h["action"], h["action"]),
            "from_label": labels.get(h["from_stage"] or "", h["from_stage"]),
            "to_label": labels.get(h["to_stage"] or "", h["to_stage"]),
        }
        for h in service.history(db_session, app.id)
    ]
    scores = panels.scores_of(db_session, actor, app.id)
    authority = is_authority(actor, prog)
    advance = may_advance(actor, prog, app)
    outcomes = ["pass"]
    if stage.kind in ("review", "panel"):
        outcomes += (["return"] if stage.can_return else []) + ["reject"]
    missing: list[str] = []
    if advance and stage.kind == "panel" and stage.panel is not None:
        missing = panels.result(db_session, app.round_id, prog.panel(stage.panel), app.id).missing
    member = _member(db_session, actor, app, stage) if app.state is AppState.ACTIVE else None
    recused = member is not None and (
        db_session.scalar(select(Recusal.id).where(Recusal.member_id == member["id"], Recusal.application_id == app.id))
        is not None
    )
    scored = member is not None and any(s["member_id"] == member["id"] for s in scores)
    applicant_side = may_act(actor, prog, prog.stages[0], app)
    facts = fact_fields(prog)
    known = {f.key for f in facts}
    return {
        "app": service.as_dict(app, on),
        "round": service.round_dict(rnd),
        "programme": prog,
        "stage": stage,
        "stages": prog.stages,
        "history": history,
        "objections": [service.objection_dict(o, on) for o in service.objections(db_session, app.id)],
        "objection_labels": OBJECTION_LABELS,
        "scores": scores,
        "score_stages": [(s.score, s.label) for s in prog.stages if s.score],
        "facts": [(f.label, _shown(app.facts.get(f.key))) for f in facts]
        + [(PERSON_LABELS.get(key, key), _shown(value)) for key, value in app.facts.items() if key not in known],
        "events": app.events,
        "event_labels": {e.kind: e.label for e in event_fields(prog)},
        "materials": [(m.label, m.code in app.materials) for m in prog.materials],
        "advance": advance,
        "outcomes": outcomes,
        "pass_label": PASS_LABELS.get(stage.kind, "通过"),
        "missing": missing,
        "may_object": app.state is AppState.ACTIVE
        and stage.kind == "publicity"
        and stage.objections is not None
        and authority,
        "may_resolve": authority,
        "member": member,
        "recused": recused,
        "scored": scored,
        "may_resubmit": app.state is AppState.RETURNED and applicant_side,
        "may_withdraw": app.state in (AppState.ACTIVE, AppState.RETURNED) and applicant_side,
        "self_check": applicant_side,
        "form": programme_form(prog),
        "declared": app.facts,
        "chosen": set(app.materials),
        "dated": {kind: on_ for kind, on_, *_ in app.events},
        "kind_labels": KIND_LABELS,
        "actor_labels": ACTOR_LABELS,
        "today": on.isoformat(),
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
    authority = is_authority(actor, prog)
    manages = actor.has(Permission.PROGRAMME_MANAGE) and actor.organisation_id is None
    active = title.state is TitleState.ACTIVE
    evaluates = (
        bearer is not None
        and active
        and manages
        and (actor.covers_division(title.division_code) or actor.division_code == prog.division_code)
    )
    visits = [
        {**v, "late": v["visited_on"] is None and v["due_on"] < on.isoformat()}
        for v in titles.visits(db_session, title.id)
    ]
    ends = bearer is not None and authority and title.state in (TitleState.ACTIVE, TitleState.HONORARY)
    grades = {g.code: g.label for g in bearer.grades} if bearer else {}
    return {
        "title": titles.title_dict(title),
        "programme": prog,
        "visits": visits,
        "evaluations": titles.evaluations(db_session, title.id),
        "standing": titles.standing(db_session, title, prog, shown_year) if bearer else None,
        "year": shown_year,
        "grades": grades,
        "circumstances": [(c.code, c.label) for c in bearer.automatic_unqualified] if bearer else [],
        "may_visit": manages,
        "may_evaluate": evaluates,
        "grounds": prog.revocation if authority and active else [],
        "ends": END_LABELS if ends else {},
        "state_active": active,
        "today": on.isoformat(),
    }


# --- 工伤康复 ---------------------------------------------------------------------------------------------------


def rehab_context(db_session: Session, clock: Clock, actor: Actor) -> dict[str, Any]:
    rehab.require(actor)  # 403 for enterprise, expert and read-only accounts
    rules_ = rehab_rules()
    on = local_today(clock)
    found = rehab.institutions(db_session, actor)
    pool = panels.pool_members(db_session, rules_.pool.code)
    city = actor.is_unlimited or actor.division_code == rules_.division_code
    cases = [rehab.case_dict(db_session, c) for c in rehab.cases(db_session, actor)]
    day = on.isoformat()
    serving = [p for p in pool if p["appointed_on"] <= day and (p["term_ends_on"] or "9999") >= day]
    return {
        "rules": rules_,
        "institutions": found,
        "institution_names": {i["id"]: i["name"] for i in found},
        "signed_this_year": [i for i in found if any(a["year"] == on.year for a in i["agreements"])],
        "pool": [{**p, "in_term": p in serving} for p in pool],
        "serving": serving,
        "cases": cases,
        "alerts": rehab.alerts(db_session, actor, open_only=True),
        "modes": {m.code: m for m in rules_.modes},
        "categories": {c.code: c.label for c in rules_.claim_categories},
        "refusals": {n.code: n.label for n in rules_.non_payable},
        "warning_labels": WARNING_LABELS | {n.code: "不予支付" for n in rules_.non_payable},
        "case_labels": CASE_LABELS,
        "gate_labels": GATE_LABELS,
        "assessment_labels": ASSESSMENT_LABELS,
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
        "grade_labels": GRADE_LABELS,
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
def overview(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    return guarded(request, actor, clock, "programmes.html", lambda: overview_context(db_session, clock, actor))


@router.get("/console/programmes/rounds/{round_id}", response_class=HTMLResponse)
def round_page(
    round_id: RowId, request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer
) -> HTMLResponse:
    return guarded(
        request, actor, clock, "programmes_round.html", lambda: round_context(db_session, clock, actor, round_id)
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
def rehab_page(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    return guarded(request, actor, clock, "programmes_rehab.html", lambda: rehab_context(db_session, clock, actor))


@router.get("/console/subsidies", response_class=HTMLResponse)
def subsidies_page(request: Request, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    return guarded(request, actor, clock, "programmes_subsidies.html", subsidies_context)


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
