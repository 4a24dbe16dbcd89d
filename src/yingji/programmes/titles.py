"""What a conferred application becomes — the award or the status — and its afterlife: follow-up visits, revocation
within the programme's windows, a bearer's annual evaluations, the subsidy they decide, honorary status, death or
waiver, and whether the bearer may be recommended upward."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from yingji.audit.rows import record_change, snapshot
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.clock import Clock, local_today
from yingji.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from yingji.programmes import access, policy
from yingji.programmes.models import Application, Evaluation, Round, Title, TitleState, Visit
from yingji.programmes.schema import BearerRules, Programme, programme
from yingji.programmes.schemas import EndIn, EvaluationIn, PastTitleIn, RevokeIn, TitleFilters, VisitIn
from yingji.registry.models import Organisation
from yingji.rules import heritage
from yingji.rules import programmes as rules

_ENDED = {
    TitleState.DECEASED: "deceased",
    TitleState.WAIVED: "waived",
    TitleState.CANCELLED: "cancelled",
    TitleState.HONORARY: "honorary",
}


def confer(db_session: Session, clock: Clock, actor: Actor, prog: Programme, app: Application, on: date) -> Title:
    rnd = db_session.get(Round, app.round_id)
    assert rnd is not None
    birth = app.facts.get("birth_year")
    title = Title(
        application_id=app.id,
        programme_id=prog.id,
        round_number=rnd.number,
        subject_name=app.subject_name,
        organisation_id=app.organisation_id,
        person_key=app.person_key,
        division_code=app.division_code,
        category=app.category,
        item_name=app.item_name,
        birth_year=int(birth) if isinstance(birth, int | float) else None,
        conferred_on=on,
        state=TitleState.ACTIVE,
    )
    db_session.add(title)
    record_change(db_session, clock, actor.username, "programme.title.confer", title, None)
    if prog.follow_up is not None:
        for due in rules.visit_schedule(on, prog.follow_up.years, prog.follow_up.visits_per_year):
            db_session.add(Visit(title_id=title.id, due_on=due))
    return title


TITLE_ORDER = (Title.id,)


def titles_query(actor: Actor, programme_id: str | None = None, filters: TitleFilters | None = None) -> Select[Title]:
    """Titles in scope (one SQL filter with ``get_title``), filtered by state, division and round."""
    query = select(Title).where(policy.title_scope(actor))
    if programme_id is not None:
        query = query.where(Title.programme_id == programme_id)
    f = filters or TitleFilters()
    if f.state is not None:
        query = query.where(Title.state == f.state)
    if f.division is not None:
        query = query.where(Title.division_code.startswith(divisions.stem(f.division), autoescape=True))
    if f.round_number is not None:
        query = query.where(Title.round_number == f.round_number)
    return query


def titles(*, db_session: Session, actor: Actor, programme_id: str | None = None) -> list[Title]:
    return list(db_session.scalars(titles_query(actor, programme_id).order_by(*TITLE_ORDER)))


def get_title(db_session: Session, actor: Actor, title_id: int, *, lock: bool = False) -> tuple[Title, Programme]:
    query = select(Title).where(Title.id == title_id, policy.title_scope(actor))
    title = db_session.scalar(query.with_for_update() if lock else query)
    if title is None:
        raise NotFound(field="title_id", kind="获奖（认定）记录", key=str(title_id))
    return title, programme(title.programme_id)


def revoke(*, db_session: Session, clock: Clock, actor: Actor, title_id: int, data: RevokeIn) -> Title:
    """撤销称号 on one of the programme's grounds, inside that ground's window after the award."""
    title, prog = get_title(db_session, actor, title_id, lock=True)
    access.require_authority(actor, prog)
    ground = next((g for g in prog.revocation if g.code == data.ground), None)
    if ground is None:
        raise InvalidInput(
            field="ground",
            reason=f"ground：可选 {'、'.join(g.code for g in prog.revocation) or '（本项目无撤销事由）'}",
        )
    if title.state is not TitleState.ACTIVE:
        raise Conflict(reason=f"称号已{title.state.label}")
    if data.event_on > local_today(clock):
        raise InvalidInput(field="event_on", reason="event_on：事由发生日期不能晚于今天")
    basis = [access.basis(prog, ground.label, ground.seed, ground.quote)]
    if not rules.revocation_open(title.conferred_on, ground.within_years, data.event_on):
        window = f"获奖后{ground.within_years}年内" if ground.within_years else "获奖之后"
        raise RuleViolation(field="event_on", plan=prog.title, rule=f"“{ground.label}”须发生在{window}", basis=basis)
    before = snapshot(title)
    title.state, title.ended_on, title.end_ground, title.end_reason = (
        TitleState.REVOKED,
        local_today(clock),
        ground.code,
        data.reason,
    )
    record_change(db_session, clock, actor.username, "programme.title.revoke", title, before)
    return title


def _bearer(prog: Programme) -> BearerRules:
    if prog.bearer is None:
        raise RuleViolation(plan=prog.title, rule="本项目没有年度评估和传承人管理规定", basis=[])
    return prog.bearer


def end(*, db_session: Session, clock: Clock, actor: Actor, title_id: int, data: EndIn) -> Title:
    """荣誉传承人 (on the bearer's application, approved by the bureau), 去世, 自愿放弃."""
    title, prog = get_title(db_session, actor, title_id, lock=True)
    _bearer(prog)
    access.require_authority(actor, prog)
    allowed = {TitleState.ACTIVE} | ({TitleState.HONORARY} if data.kind != "honorary" else set())
    if title.state not in allowed:
        raise Conflict(reason=f"称号已{title.state.label}")
    if not title.conferred_on <= data.on <= local_today(clock):
        raise InvalidInput(field="on", reason="on：日期须在认定之后、不晚于今天")
    before = snapshot(title)
    title.state = TitleState(data.kind)
    title.ended_on, title.end_ground, title.end_reason = data.on, data.kind, data.reason
    if data.kind == "honorary" and title.birth_year is not None:
        title.age_at_end = data.on.year - title.birth_year
    record_change(db_session, clock, actor.username, f"programme.title.{data.kind}", title, before)
    return title


def _rules(bearer: BearerRules) -> heritage.BearerRules:
    return heritage.BearerRules(
        subsidy_grades=frozenset(g.label for g in bearer.grades if g.subsidy),
        unqualified=bearer.grade(bearer.unqualified).label,
        incapable=bearer.grade(bearer.incapable).label,
        disqualified=bearer.grade(bearer.disqualified).label,
        rectification_years=bearer.rectification_years.value,
        honorary_subsidy_age=bearer.honorary_subsidy_age.value,
        lookback_years=bearer.recommendation_lookback_years.value,
    )


def _history(db_session: Session, bearer: BearerRules, title: Title) -> heritage.History:
    labels = {g.code: g.label for g in bearer.grades}
    grades = {
        e.year: labels[e.grade] for e in db_session.scalars(select(Evaluation).where(Evaluation.title_id == title.id))
    }
    return heritage.History(
        recognised_year=title.conferred_on.year,
        grades=grades,
        ended=_ENDED.get(title.state),
        ended_year=title.ended_on.year if title.ended_on else None,
        age_in_end_year=title.age_at_end,
    )


def evaluate(*, db_session: Session, clock: Clock, actor: Actor, title_id: int, data: EvaluationIn) -> Evaluation:
    """Record a year's evaluation (by the bearer's county, or the city for bearers of municipal units)."""
    title, prog = get_title(db_session, actor, title_id, lock=True)
    bearer = _bearer(prog)
    actor.require(Permission.PROGRAMME_MANAGE)
    if not policy.evaluates(actor, prog, title):
        raise Forbidden(reason="评估由传承人所在旗县区或市非遗保护机构开展")
    grade = bearer.grade(data.grade)
    known = {c.code: c for c in bearer.automatic_unqualified}
    stray = [c for c in data.circumstances if c not in known]
    if stray:
        raise InvalidInput(field="circumstances", reason=f"circumstances：未知情形 {stray}")
    if data.circumstances and data.grade != bearer.unqualified:
        hit = [known[c] for c in data.circumstances]
        raise RuleViolation(
            field="grade",
            plan=prog.title,
            rule=f"有“{hit[0].label}”情形的，评估结果直接确定为不合格",
            basis=[access.basis(prog, c.label, c.seed, c.quote) for c in hit],
        )
    if title.state is not TitleState.ACTIVE:
        raise Conflict(reason=f"称号已{title.state.label}，不再评估")
    on = local_today(clock)
    if not title.conferred_on.year <= data.year <= on.year:
        raise InvalidInput(field="year", reason=f"year：评估年度须在 {title.conferred_on.year}–{on.year} 之间")
    if db_session.scalar(select(Evaluation.id).where(Evaluation.title_id == title.id, Evaluation.year == data.year)):
        raise Conflict(field="year", reason=f"{data.year}年度已有评估结果")
    history = _history(db_session, bearer, title)
    row = Evaluation(
        title_id=title.id,
        year=data.year,
        grade=data.grade,
        circumstances=list(data.circumstances),
        publicity_starts_on=on,
        publicity_ends_on=on + timedelta(days=bearer.evaluation_publicity.days),
        remarks=data.remarks,
        recorded_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(row)
    record_change(db_session, clock, actor.username, "programme.evaluation", row, None)
    change = heritage.status_after(_rules(bearer), history, data.year, grade.label)
    if change == "cancelled":
        before = snapshot(title)
        title.state, title.ended_on, title.end_ground = TitleState.CANCELLED, on, data.grade
        title.end_reason = f"{data.year}年度评估{grade.label}" + (
            "（整改后仍不合格）" if data.grade == bearer.unqualified else ""
        )
        record_change(db_session, clock, actor.username, "programme.title.cancel", title, before)
    return row


def standing(db_session: Session, title: Title, prog: Programme, year: int) -> dict[str, Any]:
    bearer = _bearer(prog)
    rules_ = _rules(bearer)
    history = _history(db_session, bearer, title)
    paid = heritage.subsidy(rules_, history, year)
    recommend = heritage.may_recommend(rules_, history, year, {None})
    cite = [
        access.basis(prog, "传习补助经费", bearer.subsidy.seed, bearer.subsidy.quote).as_dict(),
        access.basis(prog, "整改", bearer.rectification_years.seed, bearer.rectification_years.quote).as_dict(),
        access.basis(prog, "停发", bearer.stop_next_year.seed, bearer.stop_next_year.quote).as_dict(),
        access.basis(prog, "荣誉传承人", bearer.honorary_subsidy_age.seed, bearer.honorary_subsidy_age.quote).as_dict(),
    ]
    rec = bearer.recommendation_lookback_years
    return {
        "year": year,
        "subsidy": paid.value,
        "subsidy_reason": paid.reason,
        "in_rectification": heritage.in_rectification(rules_, history, year),
        "recommend": recommend.value,
        "recommend_reason": recommend.reason,
        "grades": {str(y): g for y, g in sorted(history.grades.items())},
        "basis": cite,
        "recommend_basis": [access.basis(prog, "推荐", rec.seed, rec.quote).as_dict()],
    }


def evaluations(db_session: Session, title_id: int) -> list[Evaluation]:
    return list(db_session.scalars(select(Evaluation).where(Evaluation.title_id == title_id).order_by(Evaluation.year)))


def visits(db_session: Session, title_id: int) -> list[Visit]:
    return list(db_session.scalars(select(Visit).where(Visit.title_id == title_id).order_by(Visit.due_on)))


def record_visit(*, db_session: Session, clock: Clock, actor: Actor, visit_id: int, data: VisitIn) -> Visit:
    visit = db_session.get(Visit, visit_id, with_for_update=True)
    if visit is None:
        raise NotFound(kind="寻访", key=str(visit_id))
    title, _ = get_title(db_session, actor, visit.title_id)
    actor.require(Permission.PROGRAMME_MANAGE)
    if visit.visited_on is not None:
        raise Conflict(reason="该次寻访已记录")
    if not title.conferred_on <= data.visited_on <= local_today(clock):
        raise InvalidInput(field="visited_on", reason="visited_on：寻访日期须在获奖之后、不晚于今天")
    before = snapshot(visit)
    visit.visited_on, visit.visitor, visit.notes = data.visited_on, actor.username, data.notes
    record_change(db_session, clock, actor.username, "programme.visit", visit, before)
    return visit


def record_past(*, db_session: Session, clock: Clock, actor: Actor, prog: Programme, data: PastTitleIn) -> Title:
    """登记往届获奖（认定）: the authority records a title conferred before the platform, from its own files."""
    access.require_authority(actor, prog)
    if data.conferred_on > local_today(clock):
        raise InvalidInput(field="conferred_on", reason="conferred_on：授予日期不能晚于今天")
    if prog.subject == "enterprise":
        org = db_session.get(Organisation, data.organisation_id) if data.organisation_id is not None else None
        if org is None:
            raise InvalidInput(field="organisation_id", reason="organisation_id：须指明获奖企业")
        subject = {"subject_name": org.name, "organisation_id": org.id, "division_code": org.division_code}
    else:
        if data.subject_name is None or data.division_code is None or data.id_number is None:
            raise InvalidInput(field="subject_name", reason="subject_name：须填写姓名、公民身份号码和所在旗县区")
        key = access.person_key(data.id_number)
        subject = {"subject_name": data.subject_name, "person_key": key, "division_code": data.division_code}
    title = Title(
        programme_id=prog.id,
        round_number=data.round_number,
        category=data.category,
        item_name=data.item_name,
        birth_year=data.birth_year,
        conferred_on=data.conferred_on,
        state=TitleState.ACTIVE,
        **subject,
    )
    db_session.add(title)
    record_change(db_session, clock, actor.username, "programme.title.past", title, None)
    return title
