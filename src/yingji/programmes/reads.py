"""Programme and rehabilitation read models from rows: names beside codes (one lookup per page), labels of enums and
stages, and the caller's allowed actions from ``policy``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.audit.rows import snapshot
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.programmes import access, cultivation, panels, policy, ratings, rehab, service, titles
from yingji.programmes.models import (
    Agreement,
    Alert,
    Application,
    ApplicationEvent,
    AppState,
    AssessmentResult,
    Claim,
    Cultivation,
    CultivationSupport,
    Evaluation,
    Institution,
    MonitorRule,
    Objection,
    PanelMember,
    PanelMethod,
    PanelRow,
    PoolMember,
    Rating,
    Recusal,
    RehabCase,
    Round,
    Score,
    Step,
    Title,
    TitleState,
    Visit,
)
from yingji.programmes.schema import Programme, StageKind, programme, rehab_rules
from yingji.programmes.schemas import (
    AgreementRead,
    AlertRead,
    ApplicantRatingRead,
    ApplicationDetail,
    ApplicationRead,
    BasisRead,
    CadenceRead,
    CaseRead,
    CheckRead,
    ClaimRead,
    CultivationRead,
    EvaluationRead,
    EvaluatorRatingRead,
    FindingRead,
    InstitutionRead,
    ObjectionRead,
    PanelMemberRead,
    PanelRead,
    PoolApplicantRead,
    PoolMemberRead,
    ProgrammeRead,
    RateableRead,
    RatingRead,
    RatingSummaryRead,
    RecusalRead,
    RoundDetail,
    RoundRead,
    ScoreRead,
    StageRead,
    StandingRead,
    StepRead,
    SupportRead,
    TitleDetail,
    TitleRead,
    VisitRead,
)
from yingji.registry import divisions
from yingji.rules import programmes as rules


def _label(kind: type[Any], value: str | None) -> str | None:
    """The label of a stored code, the code itself for one the enum does not know (an older row)."""
    if value is None:
        return None
    try:
        return str(kind(value).label)
    except ValueError:
        return value


# --- programmes -----------------------------------------------------------------------------------------------------


def _years_months(start: date, end: date) -> str:
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return f"{months // 12}年{months % 12}个月" if months % 12 else f"{months // 12}年"


def _cadence_basis(prog: Programme) -> list[BasisRead]:
    rule = prog.cadence
    assert rule is not None
    return [BasisRead(**access.basis(prog, "认定周期", rule.seed, rule.quote).as_dict())]


def round_cadence(prog: Programme, number: int, notice_on: date, starts: Sequence[tuple[int, date]]) -> CadenceRead:
    """A round against the round before it: first, within the cadence, or later than its maximum (flagged)."""
    rule = prog.cadence
    assert rule is not None
    before = [(n, on) for n, on in starts if n < number]
    previous_number, previous_on = before[-1] if before else (None, None)
    found = rules.cadence(previous_on, notice_on, rule.min_years, rule.max_years)
    span = f"每{rule.min_years}—{rule.max_years}年一批"
    if previous_on is None:
        summary = "平台上无上一批记录"
    else:
        gap = f"距第{previous_number}批（{previous_on.isoformat()}）{_years_months(previous_on, notice_on)}"
        summary = {
            rules.CadenceStatus.DUE: f"{gap}，符合{span}",
            rules.CadenceStatus.OVERDUE: f"{gap}，超过{rule.max_years}年（应于 {found.latest} 前开展），逾期",
            rules.CadenceStatus.TOO_SOON: f"{gap}，不足{rule.min_years}年",
        }[found.status]
    return CadenceRead(
        status=found.status,
        status_label=found.status.label,
        summary=summary,
        previous_number=previous_number,
        previous_on=previous_on,
        earliest=found.earliest,
        latest=found.latest,
        overdue=found.status is rules.CadenceStatus.OVERDUE,
        basis=_cadence_basis(prog),
    )


NEXT_LABELS = {
    rules.CadenceStatus.FIRST: "尚无批次记录",
    rules.CadenceStatus.TOO_SOON: "下一批尚未到期",
    rules.CadenceStatus.DUE: "可开展下一批",
    rules.CadenceStatus.OVERDUE: "下一批逾期未开展",
}


def next_round(prog: Programme, starts: Sequence[tuple[int, date]], on: date) -> CadenceRead:
    """Where the programme stands today: when its next round may and must start, and whether it is overdue."""
    rule = prog.cadence
    assert rule is not None
    last = max(starts, key=lambda s: s[1], default=None)
    found = rules.cadence(last[1] if last else None, on, rule.min_years, rule.max_years)
    if last is None or found.earliest is None or found.latest is None:
        summary = f"平台上尚无批次记录；认定工作每{rule.min_years}—{rule.max_years}年开展一批"
    else:
        summary = (
            f"上一批为第{last[0]}批（申报通知 {last[1].isoformat()}）；下一批"
            + {
                rules.CadenceStatus.TOO_SOON: f"可于 {found.earliest} 至 {found.latest} 开展",
                rules.CadenceStatus.DUE: f"已可开展，应于 {found.latest} 前开展",
                rules.CadenceStatus.OVERDUE: f"应于 {found.latest} 前开展，已逾期",
            }[found.status]
        )
    return CadenceRead(
        status=found.status,
        status_label=NEXT_LABELS[found.status],
        summary=summary,
        previous_number=last[0] if last else None,
        previous_on=last[1] if last else None,
        earliest=found.earliest,
        latest=found.latest,
        overdue=found.status is rules.CadenceStatus.OVERDUE,
        basis=_cadence_basis(prog),
    )


def programmes(db_session: Session, actor: Actor, progs: Sequence[Programme], on: date) -> list[ProgrammeRead]:
    names = divisions.names(db_session, {p.division_code for p in progs})
    cadenced = {p.id for p in progs if p.cadence is not None}
    starts = service.round_starts(db_session, cadenced) if cadenced else {}
    return [
        ProgrammeRead(
            **p.model_dump(exclude={"stages"}),
            stages=[StageRead(**s.model_dump(), kind_label=s.kind.label, actor_label=s.actor.label) for s in p.stages],
            division_name=names.get(p.division_code, p.division_code),
            subject_label=p.subject.label,
            cadence_state=next_round(p, starts[p.id], on) if p.id in starts else None,
            allowed_actions=policy.programme_actions(actor, p),
        )
        for p in progs
    ]


def check(found: rules.Eligibility) -> CheckRead:
    return CheckRead(
        eligible=found.eligible,
        requirements=[FindingRead(**f.as_dict()) for f in found.requirements],
        exclusions=[FindingRead(**f.as_dict()) for f in found.exclusions],
    )


def _status(row: Round, on: date) -> str:
    if row.closed_on is not None:
        return "已结束"
    return "受理申报中" if policy.accepting(row, on) else ("评审中" if on > row.apply_until else "尚未开始受理")


def rounds(db_session: Session, actor: Actor, rows: Sequence[Round], on: date) -> list[RoundRead]:
    names = divisions.names(db_session, {r.division_code for r in rows})
    cadenced = {r.programme_id for r in rows if programme(r.programme_id).cadence is not None}
    starts = service.round_starts(db_session, cadenced) if cadenced else {}
    return [
        RoundRead(
            **snapshot(r),
            programme_title=programme(r.programme_id).title,
            division_name=names.get(r.division_code, r.division_code),
            accepting=policy.accepting(r, on),
            status_label=_status(r, on),
            cadence=round_cadence(programme(r.programme_id), r.number, r.notice_on, starts[r.programme_id])
            if r.programme_id in starts
            else None,
            allowed_actions=policy.round_actions(actor, r, on),
        )
        for r in rows
    ]


def panels_of(prog: Programme, formed: Sequence[tuple[PanelRow, Sequence[PanelMember]]]) -> list[PanelRead]:
    labels = {p.code: p.label for p in prog.panels}
    return [
        PanelRead(
            **snapshot(row),
            panel_label=labels.get(row.panel_code, row.panel_code),
            method_label=_label(PanelMethod, row.method) or row.method,
            members=[PanelMemberRead(**snapshot(m)) for m in members],
        )
        for row, members in formed
    ]


def round_detail(db_session: Session, actor: Actor, row: Round, on: date) -> RoundDetail:
    """A round with every application of it in the caller's scope (a round has tens of them), its panels, and the
    cultivation pool's members against it (applied or not)."""
    prog = programme(row.programme_id)
    apps = service.applications(db_session=db_session, actor=actor, round_id=row.id)
    return RoundDetail(
        **rounds(db_session, actor, [row], on)[0].model_dump(),
        applications=applications(db_session, actor, apps, on),
        panels=panels_of(prog, panels.panels_of(db_session, row.id)),
        pool=pool_against(db_session, actor, prog, apps),
    )


# --- the cultivation pool and the two-way ratings -------------------------------------------------------------------


def supports(prog: Programme, rows: Sequence[CultivationSupport]) -> list[SupportRead]:
    kinds = {s.code: s.label for s in prog.cultivation.support} if prog.cultivation else {}
    return [SupportRead(**snapshot(s), kind_label=kinds.get(s.kind, s.kind)) for s in rows]


def cultivations(db_session: Session, actor: Actor, rows: Sequence[Cultivation]) -> list[CultivationRead]:
    names = divisions.names(db_session, {c.division_code for c in rows})
    given = cultivation.supports_of(db_session, {c.id for c in rows})
    out = []
    for c in rows:
        prog = programme(c.programme_id)
        routes = {r.code: r.label for r in cultivation.pool_of(prog).routes}
        out.append(
            CultivationRead(
                **snapshot(c),
                programme_title=prog.title,
                division_name=names.get(c.division_code, c.division_code),
                route_label=routes.get(c.route, c.route),
                state_label=c.state.label,
                support=supports(prog, given[c.id]),
                allowed_actions=policy.cultivation_actions(actor, prog, c),
            )
        )
    return out


def pool_against(
    db_session: Session, actor: Actor, prog: Programme, apps: Sequence[Application]
) -> list[PoolApplicantRead]:
    """培育库成员 in the caller's scope and whether each has applied in this round (申报动员)."""
    if prog.cultivation is None:
        return []
    members = cultivation.members(db_session, actor, prog)
    applied = {a.organisation_id: a.id for a in apps if a.state is not AppState.WITHDRAWN}
    names = divisions.names(db_session, {m.division_code for m in members})
    routes = {r.code: r.label for r in prog.cultivation.routes}
    return [
        PoolApplicantRead(
            cultivation_id=m.id,
            organisation_id=m.organisation_id,
            subject_name=m.subject_name,
            division_name=names.get(m.division_code, m.division_code),
            route_label=routes.get(m.route, m.route),
            recommender=m.recommender,
            year=m.year,
            application_id=applied.get(m.organisation_id),
        )
        for m in members
    ]


def _panel_labels(prog: Programme) -> dict[str, str]:
    return {p.code: p.label for p in prog.panels}


def _scale(prog: Programme) -> dict[int, str]:
    return prog.two_way_rating.scale.labels if prog.two_way_rating else {}


def ratings_read(db_session: Session, prog: Programme, rows: Sequence[Rating]) -> list[RatingRead]:
    ids = {r.member_id for r in rows}
    query = (
        select(PanelMember.id, PanelMember.name, PanelRow.panel_code)
        .join(PanelRow, PanelRow.id == PanelMember.panel_id)
        .where(PanelMember.id.in_(ids))
    )
    seats = {m: (name, code) for m, name, code in db_session.execute(query)} if ids else {}
    labels, scale = _panel_labels(prog), _scale(prog)
    out = []
    for r in rows:
        name, code = seats.get(r.member_id, ("", ""))
        out.append(
            RatingRead(
                **snapshot(r),
                member_name=name,
                panel_label=labels.get(code, code),
                direction_label=r.direction.label,
                score_label=scale.get(r.score, str(r.score)),
            )
        )
    return out


def rateable(db_session: Session, actor: Actor, app: Application, prog: Programme) -> list[RateableRead]:
    labels = _panel_labels(prog)
    return [
        RateableRead(
            member_id=seat.member.id,
            member_name=seat.member.name,
            panel_label=labels.get(seat.panel_code, seat.panel_code),
            direction=direction,
            direction_label=direction.label,
        )
        for seat, direction in ratings.rateable(db_session, actor, app, prog)
    ]


def rating_summary(db_session: Session, actor: Actor, round_id: int) -> RatingSummaryRead:
    rnd, prog, found = ratings.summary(db_session, actor, round_id)
    labels = _panel_labels(prog)
    return RatingSummaryRead(
        round_id=rnd.id,
        scale=_scale(prog),
        evaluators=[
            EvaluatorRatingRead(
                member_id=seat.member.id,
                expert_id=seat.member.expert_id,
                name=seat.member.name,
                panel_label=labels.get(seat.panel_code, seat.panel_code),
                count=here.count,
                average=here.average,
                misconduct_reports=here.misconduct,
                overall_count=every.count,
                overall_average=every.average,
            )
            for seat, here, every in found.evaluators
        ],
        applicants=[
            ApplicantRatingRead(application_id=a.id, subject_name=a.subject_name, count=t.count, average=t.average)
            for a, t in found.applicants
        ],
        basis=[BasisRead(**b.as_dict()) for b in ratings.basis(prog)],
    )


def seats(db_session: Session, actor: Actor, apps: Sequence[Application]) -> dict[int, policy.Seat]:
    """The caller's seat on the panel of each application's current stage (experts only), in three queries."""
    if not apps or not actor.has(Permission.PROGRAMME_SCORE):
        return {}
    query = (
        select(PanelMember.id, PanelRow.round_id, PanelRow.panel_code)
        .join(PanelRow, PanelRow.id == PanelMember.panel_id)
        .where(PanelMember.username == actor.username, PanelRow.round_id.in_({a.round_id for a in apps}))
    )
    held = {(round_id, code): member for member, round_id, code in db_session.execute(query)}
    if not held:
        return {}
    members, ids = set(held.values()), {a.id for a in apps}
    by_score = select(Score.member_id, Score.application_id).where(
        Score.member_id.in_(members), Score.application_id.in_(ids)
    )
    by_recusal = select(Recusal.member_id, Recusal.application_id).where(
        Recusal.member_id.in_(members), Recusal.application_id.in_(ids)
    )
    scored = {(m, a) for m, a in db_session.execute(by_score)}
    recused = {(m, a) for m, a in db_session.execute(by_recusal)}
    found = {}
    for app in apps:
        stage = programme(app.programme_id).stage(app.stage)
        member = held.get((app.round_id, stage.panel or "")) if stage.kind is StageKind.PANEL else None
        if member is not None:
            found[app.id] = policy.Seat(member, (member, app.id) in scored, (member, app.id) in recused)
    return found


def applications(db_session: Session, actor: Actor, rows: Sequence[Application], on: date) -> list[ApplicationRead]:
    names = divisions.names(db_session, {a.division_code for a in rows})
    held = seats(db_session, actor, rows)
    out = []
    for app in rows:
        prog = programme(app.programme_id)
        stage = prog.stage(app.stage)
        data = snapshot(app)
        data.pop("person_key", None)
        out.append(
            ApplicationRead(
                **data,
                programme_title=prog.title,
                division_name=names.get(app.division_code, app.division_code),
                stage_label=stage.label,
                stage_kind=stage.kind,
                stage_kind_label=stage.kind.label,
                stage_actor=stage.actor,
                stage_actor_label=stage.actor.label,
                state_label=app.state.label,
                period_over=app.period_ends_on is not None and rules.period_over(app.period_ends_on, on),
                allowed_actions=policy.application_actions(actor, prog, app, on, held.get(app.id)),
            )
        )
    return out


def steps(prog: Programme, rows: Sequence[ApplicationEvent]) -> list[StepRead]:
    labels = {s.code: s.label for s in prog.stages}
    return [
        StepRead(
            **snapshot(h),
            action_label=_label(Step, h.action) or h.action,
            from_label=labels.get(h.from_stage, h.from_stage) if h.from_stage else None,
            to_label=labels.get(h.to_stage, h.to_stage) if h.to_stage else None,
        )
        for h in rows
    ]


def objections(actor: Actor, prog: Programme, rows: Sequence[Objection], on: date) -> list[ObjectionRead]:
    return [
        ObjectionRead(
            **snapshot(o),
            state_label=o.state.label,
            reply_overdue=o.state.value == "open" and o.reply_due is not None and on > o.reply_due,
            allowed_actions=policy.objection_actions(actor, prog, o),
        )
        for o in rows
    ]


def scores(rows: Sequence[tuple[Score, str]]) -> list[ScoreRead]:
    return [ScoreRead(**snapshot(s), member=name) for s, name in rows]


def recusal(row: Recusal) -> RecusalRead:
    return RecusalRead(
        id=row.id, member_id=row.member_id, application_id=row.application_id, reason=row.reason, at=row.at
    )


def application_detail(db_session: Session, actor: Actor, app: Application, on: date) -> ApplicationDetail:
    prog = programme(app.programme_id)
    entry = cultivation.entry_of(db_session, actor, prog, app.organisation_id)
    shown = applications(db_session, actor, [app], on)[0]
    may_rate = rateable(db_session, actor, app, prog)
    if may_rate:
        shown = shown.model_copy(update={"allowed_actions": [*shown.allowed_actions, policy.ApplicationAction.RATE]})
    return ApplicationDetail(
        **shown.model_dump(),
        history=steps(prog, service.history(db_session, app.id)),
        objections=objections(actor, prog, service.objections(db_session, app.id), on),
        scores_detail=scores(panels.scores_of(db_session, actor, app.id)),
        ratings_given=ratings_read(db_session, prog, ratings.given(db_session, actor, app.id)),
        rateable=may_rate,
        cultivation=cultivations(db_session, actor, [entry])[0] if entry else None,
    )


def pool(db_session: Session, rows: Sequence[PoolMember], on: date) -> list[PoolMemberRead]:
    experts = panels.experts_of(db_session, {p.expert_id for p in rows})
    rules_ = rehab_rules()
    qualifications = {q.code: q.label for q in rules_.pool.qualifications} if rows else {}
    out = []
    for p in rows:
        expert = experts.get(p.expert_id)
        out.append(
            PoolMemberRead(
                **snapshot(p),
                name=expert.name if expert else str(p.expert_id),
                unit_name=expert.unit_name if expert else None,
                qualification_labels=[qualifications.get(q, q) for q in p.qualifications],
                in_term=panels.in_term(p, on),
            )
        )
    return out


# --- titles ---------------------------------------------------------------------------------------------------------


def _end_ground(prog: Programme, title: Title) -> str | None:
    ground = title.end_ground
    if ground is None:
        return None
    revoked = {g.code: g.label for g in prog.revocation}
    grades = {g.code: f"评估{g.label}" for g in prog.bearer.grades} if prog.bearer else {}
    if ground in revoked:
        return revoked[ground]
    if ground in grades:
        return grades[ground]
    return _label(TitleState, ground)


def titles_of(db_session: Session, actor: Actor, rows: Sequence[Title]) -> list[TitleRead]:
    names = divisions.names(db_session, {t.division_code for t in rows})
    out = []
    for t in rows:
        prog = programme(t.programme_id)
        data = snapshot(t)
        data.pop("person_key", None)
        out.append(
            TitleRead(
                **data,
                programme_title=prog.title,
                division_name=names.get(t.division_code, t.division_code),
                state_label=t.state.label,
                end_ground_label=_end_ground(prog, t),
                allowed_actions=policy.title_actions(actor, prog, t),
            )
        )
    return out


def visits(rows: Sequence[Visit], on: date) -> list[VisitRead]:
    return [VisitRead(**snapshot(v), late=v.visited_on is None and v.due_on < on) for v in rows]


def evaluations(prog: Programme, rows: Sequence[Evaluation]) -> list[EvaluationRead]:
    bearer = prog.bearer
    grades = {g.code: g.label for g in bearer.grades} if bearer else {}
    found = {c.code: c.label for c in bearer.automatic_unqualified} if bearer else {}
    return [
        EvaluationRead(
            **snapshot(e),
            grade_label=grades.get(e.grade, e.grade),
            circumstance_labels=[found.get(c, c) for c in e.circumstances],
        )
        for e in rows
    ]


def standing(found: dict[str, Any]) -> StandingRead:
    return StandingRead.model_validate(found)


def title_detail(db_session: Session, actor: Actor, title: Title, year: int, on: date) -> TitleDetail:
    prog = programme(title.programme_id)
    return TitleDetail(
        **titles_of(db_session, actor, [title])[0].model_dump(),
        visits=visits(titles.visits(db_session, title.id), on),
        evaluations=evaluations(prog, titles.evaluations(db_session, title.id)),
        standing=standing(titles.standing(db_session, title, prog, year)) if prog.bearer else None,
    )


# --- work-injury rehabilitation -------------------------------------------------------------------------------------


def agreements(actor: Actor, institution: Institution, rows: Sequence[Agreement]) -> list[AgreementRead]:
    return [
        AgreementRead(
            **snapshot(a),
            assessment_label=_label(AssessmentResult, a.assessment),
            allowed_actions=policy.agreement_actions(actor, a, institution),
        )
        for a in rows
    ]


def institutions(db_session: Session, actor: Actor, rows: Sequence[Institution]) -> list[InstitutionRead]:
    names = divisions.names(db_session, {i.division_code for i in rows})
    signed = rehab.agreements_of(db_session, {i.id for i in rows})
    conditions = {c.code: c.label for c in rehab_rules().conditions}
    return [
        InstitutionRead(
            **snapshot(i),
            division_name=names.get(i.division_code, i.division_code),
            condition_labels=[conditions.get(c, c) for c in i.conditions],
            agreements=agreements(actor, i, signed[i.id]),
            allowed_actions=policy.institution_actions(actor, i),
        )
        for i in rows
    ]


def claims(rows: Sequence[Claim]) -> list[ClaimRead]:
    rules_ = rehab_rules()
    categories = {c.code: c.label for c in rules_.claim_categories}
    refusals = {n.code: n.label for n in rules_.non_payable}
    return [
        ClaimRead(
            **snapshot(c),
            category_label=categories.get(c.category, c.category),
            refusal_label=refusals.get(c.refusal, c.refusal) if c.refusal else None,
        )
        for c in rows
    ]


def _rule_label(rule: str, refusals: dict[str, str]) -> str:
    if rule in refusals:
        return f"不予支付：{refusals[rule]}"
    return _label(MonitorRule, rule) or rule


def alerts(db_session: Session, actor: Actor, rows: Sequence[Alert]) -> list[AlertRead]:
    ids = {a.case_id for a in rows}
    cases = {c.id: c for c in db_session.scalars(select(RehabCase).where(RehabCase.id.in_(ids)))} if ids else {}
    names = divisions.names(db_session, {c.division_code for c in cases.values()})
    refusals = {n.code: n.label for n in rehab_rules().non_payable}
    out = []
    for a in rows:
        case = cases[a.case_id]
        out.append(
            AlertRead(
                **snapshot(a),
                worker_name=case.worker_name,
                division_code=case.division_code,
                division_name=names.get(case.division_code, case.division_code),
                rule_label=_rule_label(a.rule, refusals),
                allowed_actions=policy.alert_actions(actor, a, case.division_code),
            )
        )
    return out


def cases(db_session: Session, actor: Actor, rows: Sequence[RehabCase]) -> list[CaseRead]:
    """A page of cases with their claims and alerts, names of places, institutions and evaluators (few queries)."""
    ids = {c.id for c in rows}
    billed = rehab.claims_of(db_session, ids)
    raised = rehab.alerts_of(db_session, ids)
    names = divisions.names(db_session, {c.division_code for c in rows})
    query = select(Institution.id, Institution.name).where(Institution.id.in_({c.institution_id for c in rows}))
    places = {i: name for i, name in db_session.execute(query)}
    evaluators = {c.evaluated_by for c in rows if c.evaluated_by is not None}
    members = {m.id: m for m in db_session.scalars(select(PoolMember).where(PoolMember.id.in_(evaluators)))}
    experts = panels.experts_of(db_session, {m.expert_id for m in members.values()})
    rules_ = rehab_rules()
    every = [a for c in rows for a in raised[c.id]]
    shown = {read.id: read for read in alerts(db_session, actor, every)}
    out = []
    for c in rows:
        mode = rules_.mode(c.mode)
        data = snapshot(c)
        data.pop("person_key", None)
        member = members.get(c.evaluated_by or 0)
        expert = experts.get(member.expert_id) if member else None
        out.append(
            CaseRead(
                **data,
                division_name=names.get(c.division_code, c.division_code),
                mode_label=mode.label,
                gate=mode.gate,
                gate_label=mode.gate.label,
                institution_name=places.get(c.institution_id, str(c.institution_id)),
                state_label=c.state.label,
                evaluator_name=expert.name if expert else None,
                claims=claims(billed[c.id]),
                total=sum((x.amount for x in billed[c.id]), Decimal(0)),
                payable=sum((x.payable for x in billed[c.id]), Decimal(0)),
                alerts=[shown[a.id] for a in raised[c.id]],
                allowed_actions=policy.case_actions(actor, c),
            )
        )
    return out
