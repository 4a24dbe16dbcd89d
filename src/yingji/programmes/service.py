"""Rounds and applications of a programme: submission with materials and eligibility checked, every step taken by
the person the programme names for it, notice periods that cannot be cut short, objections, the winners' limit —
each step appended to the application's history and the audit log, each refusal citing its rule."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from yingji.audit.rows import record_change, snapshot
from yingji.auth.actor import Actor
from yingji.calendars.service import work_calendar
from yingji.core import divisions
from yingji.core.clock import Clock, local_today
from yingji.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from yingji.programmes import access, panels, policy, titles
from yingji.programmes.models import (
    Application,
    ApplicationEvent,
    AppState,
    Objection,
    ObjectionState,
    Round,
    Title,
    TitleState,
)
from yingji.programmes.schema import Programme, Stage, programme, programmes
from yingji.programmes.schemas import (
    ApplicationFilters,
    ApplicationIn,
    EventIn,
    ObjectionIn,
    ResolveIn,
    ResubmitIn,
    RoundFilters,
    RoundIn,
    SelectIn,
)
from yingji.registry.models import Division, Organisation
from yingji.rules import programmes as rules
from yingji.rules.basis import Basis


def violation(programme: Programme, rule: str, basis: list[Basis], field: str | None = None) -> RuleViolation:
    return RuleViolation(field=field, plan=programme.title, rule=rule, basis=basis)


def require_reader(actor: Actor) -> None:
    if not policy.reads(actor):
        raise Forbidden(reason="角色无评审认定事项的权限")


def visible_programmes(actor: Actor) -> list[Programme]:
    require_reader(actor)
    return [p for p in programmes().values() if access.overlaps(actor, p.division_code)]


# --- rounds -------------------------------------------------------------------------------------------------------


def open_round(*, db_session: Session, clock: Clock, actor: Actor, data: RoundIn) -> Round:
    """启动评审、发布通知: a round exists once its implementation plan is approved and its notice published."""
    prog = programme(data.programme)
    access.require_authority(actor, prog)
    taken = db_session.scalar(select(Round).where(Round.programme_id == prog.id, Round.number == data.number))
    if taken is not None:
        raise Conflict(field="number", reason=f"第{data.number}届（批）已登记")
    check_cadence(db_session, prog, data.number, data.notice_on)
    row = Round(
        programme_id=prog.id,
        number=data.number,
        title=data.title,
        division_code=prog.division_code,
        approval_ref=data.approval_ref,
        approved_on=data.approved_on,
        notice_on=data.notice_on,
        apply_until=data.apply_until,
        created_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(row)
    record_change(db_session, clock, actor.username, "programme.round.open", row, None)
    return row


def round_starts(db_session: Session, programme_ids: set[str]) -> dict[str, list[tuple[int, date]]]:
    """Every round's number and notice day per programme, in number order (the cadence is counted between them)."""
    found: dict[str, list[tuple[int, date]]] = {p: [] for p in programme_ids}
    query = select(Round.programme_id, Round.number, Round.notice_on).where(Round.programme_id.in_(programme_ids))
    for programme_id, number, notice_on in db_session.execute(query.order_by(Round.programme_id, Round.number)):
        found[programme_id].append((number, notice_on))
    return found


def check_cadence(db_session: Session, prog: Programme, number: int, notice_on: date) -> None:
    """每2—4年组织开展一批: a round whose notice is less than the minimum after the round before it (or before the
    round after it, when an earlier one is entered late) is refused; a late one is only flagged (reads)."""
    rule = prog.cadence
    if rule is None:
        return
    starts = round_starts(db_session, {prog.id})[prog.id]
    before = [(n, on) for n, on in starts if n < number]
    after = [(n, on) for n, on in starts if n > number]
    basis = [access.basis(prog, "认定周期", rule.seed, rule.quote)]
    if before:
        found = rules.cadence(before[-1][1], notice_on, rule.min_years, rule.max_years)
        if found.status is rules.CadenceStatus.TOO_SOON and found.earliest is not None:
            raise RuleViolation(
                field="notice_on",
                subcode="programmes.round.too_soon",
                plan=prog.title,
                rule=f"与第{before[-1][0]}批（申报通知 {before[-1][1].isoformat()}）相隔不足{rule.min_years}年，"
                f"{found.earliest.isoformat()} 起方可发布本批通知",
                basis=basis,
            )
    if after and rules.cadence(notice_on, after[0][1], rule.min_years, rule.max_years).status is (
        rules.CadenceStatus.TOO_SOON
    ):
        raise RuleViolation(
            field="notice_on",
            subcode="programmes.round.too_soon",
            plan=prog.title,
            rule=f"与第{after[0][0]}批（申报通知 {after[0][1].isoformat()}）相隔不足{rule.min_years}年",
            basis=basis,
        )


def get_round(db_session: Session, actor: Actor, round_id: int) -> tuple[Round, Programme]:
    require_reader(actor)
    row = db_session.scalar(select(Round).where(Round.id == round_id, policy.round_scope(actor)))
    if row is None:
        raise NotFound(field="round_id", kind="评审届次", key=str(round_id))
    return row, programme(row.programme_id)


ROUND_ORDER = (Round.programme_id, Round.number.desc(), Round.id)


def rounds_query(actor: Actor, filters: RoundFilters | None = None) -> Select[Round]:
    """Rounds in scope, filtered by programme, open or closed, and the year of the notice."""
    require_reader(actor)
    query = select(Round).where(policy.round_scope(actor))
    if filters is None:
        return query
    if filters.programme_id is not None:
        query = query.where(Round.programme_id == filters.programme_id)
    if filters.open is not None:
        query = query.where(Round.closed_on.is_(None) if filters.open else Round.closed_on.is_not(None))
    if filters.year is not None:
        query = query.where(Round.notice_on.between(date(filters.year, 1, 1), date(filters.year, 12, 31)))
    return query


def close_round(*, db_session: Session, clock: Clock, actor: Actor, round_id: int) -> Round:
    """当届评审工作结束: only when no application is still under way; the round's panels are dissolved with it."""
    row, prog = get_round(db_session, actor, round_id)
    access.require_authority(actor, prog)
    if row.closed_on is not None:
        raise Conflict(reason="本届已结束")
    pending = db_session.scalar(
        select(func.count()).where(
            Application.round_id == row.id, Application.state.in_([AppState.ACTIVE, AppState.RETURNED])
        )
    )
    if pending:
        raise violation(prog, f"尚有{pending}件申报未办结，不能结束本届", [])
    before = snapshot(row)
    row.closed_on = local_today(clock)
    record_change(db_session, clock, actor.username, "programme.round.close", row, before)
    return row


# --- applications -------------------------------------------------------------------------------------------------


def _mask(id_number: str) -> str:
    return f"{id_number[:6]}********{id_number[-4:]}"


def _events(items: list[EventIn]) -> list[list[Any]]:
    return [[e.kind, e.on.isoformat(), e.note] for e in items]


def _dated(app: Application) -> list[tuple[str, date]]:
    return [(kind, date.fromisoformat(on)) for kind, on, *_ in app.events]


def check_submission(prog: Programme, app: Application, on: date) -> None:
    """Materials complete and every requirement met, no exclusion present (undeclared counts as not shown)."""
    missing = [m for m in prog.materials if m.code not in app.materials]
    if missing:
        raise violation(
            prog,
            "申报材料不全：" + "、".join(m.label for m in missing),
            [access.basis(prog, m.label, m.seed, m.quote) for m in missing],
            field="materials",
        )
    found = rules.eligibility(prog.requirements, prog.exclusions, app.facts, _dated(app), on)
    if not found.eligible:
        unmet = found.unmet
        raise violation(
            prog,
            "不符合申报条件：" + "；".join(f"{f.label}" + (f"（{f.detail}）" if f.detail else "") for f in unmet),
            [access.basis(prog, f.label, f.seed, f.quote) for f in unmet],
            field="facts",
        )


def _check_subject(db_session: Session, prog: Programme, rnd: Round, app: Application) -> None:
    """One application per subject and round, the re-application gap, and one title per person."""
    same = (
        Application.organisation_id == app.organisation_id
        if app.organisation_id is not None
        else Application.person_key == app.person_key
    )
    dup = db_session.scalar(
        select(Application.id).where(
            Application.round_id == rnd.id, same, Application.state.in_([AppState.ACTIVE, AppState.RETURNED])
        )
    )
    if dup is not None:
        raise Conflict(reason=f"本届已有该申报人的申报（编号{dup}）")
    held = select(Title).where(Title.programme_id == prog.id)
    held = held.where(
        Title.organisation_id == app.organisation_id
        if app.organisation_id is not None
        else Title.person_key == app.person_key
    )
    for title in db_session.scalars(held):
        gap = prog.reapply_gap_rounds
        if gap is not None and not rules.rounds_gap_ok(title.round_number, rnd.number, gap.count):
            raise violation(
                prog,
                f"第{title.round_number}届获奖，须间隔{gap.count}届，"
                f"第{title.round_number + gap.count + 1}届起方可再次申报",
                [access.basis(prog, "再次申报间隔", gap.seed, gap.quote)],
            )
        one = prog.one_title_per_person
        if one is not None and title.state in (TitleState.ACTIVE, TitleState.HONORARY):
            raise violation(
                prog,
                f"已获“{title.item_name}”{prog.title}，不得申报另一项",
                [access.basis(prog, "一人一项", one.seed, one.quote)],
            )


def _subject(db_session: Session, actor: Actor, prog: Programme, data: ApplicationIn) -> dict[str, Any]:
    if prog.subject == "enterprise":
        if data.organisation_id is None:
            raise InvalidInput(field="organisation_id", reason="organisation_id：须指明申报企业")
        org = db_session.get(Organisation, data.organisation_id)
        if org is None or not actor.covers_record(division_code=org.division_code, organisation_id=org.id):
            raise NotFound(field="organisation_id", kind="企业", key=str(data.organisation_id))
        return {"subject_name": org.name, "organisation_id": org.id, "division_code": org.division_code}
    if data.person is None or data.subject_name is None or data.division_code is None:
        raise InvalidInput(field="person", reason="person：个人申报须填写姓名、公民身份号码、出生年份和所在旗县区")
    if db_session.get(Division, data.division_code) is None:
        raise InvalidInput(field="division_code", reason=f"division_code：行政区划代码「{data.division_code}」不存在")
    return {
        "subject_name": data.subject_name,
        "person_key": access.person_key(data.person.id_number),
        "person_label": _mask(data.person.id_number),
        "division_code": data.division_code,
    }


def submit(*, db_session: Session, clock: Clock, actor: Actor, data: ApplicationIn) -> Application:
    rnd, prog = get_round(db_session, actor, data.round_id)
    on = local_today(clock)
    first = prog.stages[0]
    subject = _subject(db_session, actor, prog, data)
    if not divisions.contains(prog.division_code, subject["division_code"]):
        raise violation(prog, f"申报人须在{prog.division_code}辖区内", [access.stage_basis(prog, first)])
    access.require_stage_actor(
        actor, prog, first, division_code=subject["division_code"], organisation_id=subject.get("organisation_id")
    )
    if rnd.closed_on is not None or not rnd.notice_on <= on <= rnd.apply_until:
        raise violation(
            prog,
            f"不在本届申报期内（{rnd.notice_on.isoformat()} 至 {rnd.apply_until.isoformat()}）",
            [access.stage_basis(prog, first)],
            field="round_id",
        )
    if prog.categories and data.category not in prog.categories:
        raise InvalidInput(
            field="category", reason=f"category：{prog.category_label}须为：{'、'.join(prog.categories)}"
        )
    birth = {"birth_year": data.person.birth_year, "ethnicity": data.person.ethnicity} if data.person else {}
    app = Application(
        round_id=rnd.id,
        programme_id=prog.id,
        category=data.category,
        item_name=data.item_name,
        facts={**data.facts, **birth},
        events=_events(data.events),
        materials=sorted(set(data.materials)),
        stage=first.code,
        state=AppState.ACTIVE,
        stage_entered_on=on,
        scores={},
        submitted_by=actor.username,
        created_at=clock.now(),
        updated_at=clock.now(),
        **subject,
    )
    check_submission(prog, app, on)
    _check_subject(db_session, prog, rnd, app)
    db_session.add(app)
    db_session.flush()
    _move(
        db_session,
        clock,
        actor,
        prog,
        app,
        "submit",
        prog.next_stage(first.code),
        None,
        [access.stage_basis(prog, first)],
    )
    return app


def get_application(
    db_session: Session, actor: Actor, app_id: int, *, lock: bool = False
) -> tuple[Application, Programme]:
    require_reader(actor)
    query = select(Application).where(Application.id == app_id, policy.application_scope(db_session, actor))
    app = db_session.scalar(query.with_for_update() if lock else query)
    if app is None:
        raise NotFound(field="application_id", kind="申报", key=str(app_id))
    return app, programme(app.programme_id)


def applications_query(
    db_session: Session, actor: Actor, filters: ApplicationFilters | None = None
) -> Select[Application]:
    """Applications in scope (one SQL filter with ``get_application``), filtered as a list asks."""
    require_reader(actor)
    f = filters or ApplicationFilters()
    query = select(Application).where(policy.application_scope(db_session, actor, f.round_id))
    if f.round_id is not None:
        query = query.where(Application.round_id == f.round_id)
    if f.programme_id is not None:
        query = query.where(Application.programme_id == f.programme_id)
    if f.state is not None:
        query = query.where(Application.state == f.state)
    if f.stage is not None:
        query = query.where(Application.stage == f.stage)
    if f.division is not None:
        query = query.where(Application.division_code.startswith(divisions.stem(f.division), autoescape=True))
    return query


def applications(
    *, db_session: Session, actor: Actor, round_id: int | None = None, programme_id: str | None = None
) -> list[Application]:
    """Every application in scope of a round or programme (a round's page, its export, the overview's counts)."""
    filters = ApplicationFilters(round_id=round_id, programme_id=programme_id)
    return list(db_session.scalars(applications_query(db_session, actor, filters).order_by(Application.id)))


def stage_counts(db_session: Session, actor: Actor, round_ids: list[int]) -> dict[int, dict[tuple[str, AppState], int]]:
    """Applications in scope per round, by stage and state (one grouped query for a page of rounds)."""
    scoped = applications_query(db_session, actor).where(Application.round_id.in_(round_ids)).subquery()
    query = select(scoped.c.round_id, scoped.c.stage, scoped.c.state, func.count()).group_by(
        scoped.c.round_id, scoped.c.stage, scoped.c.state
    )
    found: dict[int, dict[tuple[str, AppState], int]] = {}
    for round_id, stage, state, count in db_session.execute(query):
        found.setdefault(round_id, {})[(stage, AppState(state))] = count
    return found


def _enter(db_session: Session, prog: Programme, app: Application, stage: Stage, on: date) -> None:
    app.stage, app.stage_entered_on = stage.code, on
    app.period_ends_on, app.period_estimated = None, False
    if stage.timer is not None:
        calendar = work_calendar(db_session=db_session)
        app.period_ends_on, app.period_estimated = rules.period_end(on, stage.timer.days, stage.timer.unit, calendar)


def _move(
    db_session: Session,
    clock: Clock,
    actor: Actor,
    prog: Programme,
    app: Application,
    action: str,
    to: Stage | None,
    reason: str | None,
    basis: list[Basis],
    state: AppState | None = None,
    before: dict[str, Any] | None = None,
) -> None:
    """Apply a step: the new stage (or state), one history row and one audit entry, in the caller's transaction."""
    from_stage = app.stage
    if to is not None:
        _enter(db_session, prog, app, to, local_today(clock))
    if state is not None:
        app.state = state
    app.updated_at = clock.now()
    seq = (
        db_session.scalar(select(func.max(ApplicationEvent.seq)).where(ApplicationEvent.application_id == app.id)) or 0
    ) + 1
    db_session.add(
        ApplicationEvent(
            application_id=app.id,
            seq=seq,
            at=clock.now(),
            actor=actor.username,
            action=action,
            from_stage=from_stage,
            to_stage=to.code if to else None,
            reason=reason,
            basis=[b.as_dict() for b in basis],
        )
    )
    record_change(db_session, clock, actor.username, f"programme.application.{action}", app, before)


def resubmit(*, db_session: Session, clock: Clock, actor: Actor, app_id: int, data: ResubmitIn) -> Application:
    """退回修改后重新报送: the submit stage's actor, checked again from the start."""
    app, prog = get_application(db_session, actor, app_id, lock=True)
    first = prog.stages[0]
    access.require_stage_actor(actor, prog, first, division_code=app.division_code, organisation_id=app.organisation_id)
    if app.state is not AppState.RETURNED:
        raise violation(prog, "只有退回修改的申报可以重新报送", [access.stage_basis(prog, first)])
    before = snapshot(app)
    keep = {k: v for k, v in app.facts.items() if k in ("birth_year", "ethnicity")}
    app.facts, app.events, app.materials = {**data.facts, **keep}, _events(data.events), sorted(set(data.materials))
    check_submission(prog, app, local_today(clock))
    _move(
        db_session,
        clock,
        actor,
        prog,
        app,
        "resubmit",
        prog.next_stage(first.code),
        None,
        [access.stage_basis(prog, first)],
        state=AppState.ACTIVE,
        before=before,
    )
    return app


def _require_active(prog: Programme, app: Application, expected: str | None) -> Stage:
    stage = prog.stage(app.stage)
    if app.state is not AppState.ACTIVE:
        raise violation(prog, f"申报已{app.state.label}，不能再办理", [])
    if expected is not None and expected != app.stage:
        raise Conflict(reason=f"申报已在“{stage.label}”环节（不是 {expected}）")
    return stage


def advance(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    app_id: int,
    outcome: str,
    reason: str | None,
    expected_stage: str | None = None,
) -> Application:
    """Take the current stage's decision: pass to the next stage, return for revision, or reject."""
    app, prog = get_application(db_session, actor, app_id, lock=True)
    stage = _require_active(prog, app, expected_stage)
    access.require_stage_actor(actor, prog, stage, division_code=app.division_code, organisation_id=app.organisation_id)
    basis = [access.stage_basis(prog, stage)]
    on = local_today(clock)
    if stage.kind == "select":
        raise violation(prog, f"“{stage.label}”须对本届全部候选一并决定", basis)
    if outcome != "pass" and stage.kind not in ("review", "panel"):
        raise violation(prog, f"“{stage.label}”环节不能退回或不予通过", basis)
    if outcome == "return" and not stage.can_return:
        raise violation(prog, f"“{stage.label}”环节不能退回修改", basis)
    before = snapshot(app)
    if stage.kind == "publicity":
        _check_period_over(db_session, prog, app, stage, on)
    if stage.kind == "panel" and stage.panel is not None:
        result = panels.result(db_session, app.round_id, prog.panel(stage.panel), app.id)
        if result.missing:
            raise violation(prog, f"专家尚未全部评分：{'、'.join(result.missing)}", basis)
        app.scores = {**app.scores, stage.score or stage.code: result.mean}
        app.composite = composite(prog, app.scores)
    if stage.kind == "confer":
        titles.confer(db_session, clock, actor, prog, app, on)
        _move(
            db_session, clock, actor, prog, app, "confer", None, reason, basis, state=AppState.CONFERRED, before=before
        )
        return app
    if outcome == "reject":
        _move(
            db_session, clock, actor, prog, app, "reject", None, reason, basis, state=AppState.REJECTED, before=before
        )
    elif outcome == "return":
        _move(
            db_session,
            clock,
            actor,
            prog,
            app,
            "return",
            prog.stages[0],
            reason,
            basis,
            state=AppState.RETURNED,
            before=before,
        )
    else:
        _move(db_session, clock, actor, prog, app, "pass", prog.next_stage(stage.code), reason, basis, before=before)
    return app


def composite(prog: Programme, scores: dict[str, Any]) -> float | None:
    """综合评分: weighted by the programme's weights where it has them, else the mean of the panel scores."""
    values = {k: float(v) for k, v in scores.items() if v is not None}
    if not values:
        return None
    if prog.score_weights and all(k in values for k in prog.score_weights):
        return round(sum(values[k] * w for k, w in prog.score_weights.items()) / sum(prog.score_weights.values()), 2)
    return round(sum(values.values()) / len(values), 2)


def _check_period_over(db_session: Session, prog: Programme, app: Application, stage: Stage, on: date) -> None:
    assert stage.timer is not None and app.period_ends_on is not None
    basis = [access.basis(prog, stage.label, stage.timer.seed, stage.timer.quote)]
    if not rules.period_over(app.period_ends_on, on):
        unit = "个工作日" if stage.timer.unit == "working" else "日"
        raise violation(
            prog, f"{stage.label}不少于{stage.timer.days}{unit}，{app.period_ends_on.isoformat()} 期满后方可继续", basis
        )
    open_count = db_session.scalar(
        select(func.count()).where(
            Objection.application_id == app.id, Objection.stage == stage.code, Objection.state == ObjectionState.OPEN
        )
    )
    if open_count:
        raise violation(prog, f"公示期间有{open_count}件异议待复核", basis)


def select_winners(
    *, db_session: Session, clock: Clock, actor: Actor, round_id: int, data: SelectIn
) -> list[Application]:
    """The authority decides a round's list at its select stage: the winners go on, the rest are not selected."""
    rnd, prog = get_round(db_session, actor, round_id)
    stage = next((s for s in prog.stages if s.kind == "select"), None)
    if stage is None:
        raise violation(prog, "本项目没有名单决定环节", [])
    access.require_authority(actor, prog, stage)
    basis = [access.stage_basis(prog, stage)]
    candidates = list(
        db_session.scalars(
            select(Application)
            .where(
                Application.round_id == rnd.id, Application.stage == stage.code, Application.state == AppState.ACTIVE
            )
            .with_for_update()
        )
    )
    if not candidates:
        raise violation(prog, f"本届没有处于“{stage.label}”环节的申报", basis)
    ids = {a.id for a in candidates}
    stray = [i for i in data.winners if i not in ids]
    if stray or len(set(data.winners)) != len(data.winners):
        raise InvalidInput(field="winners", reason=f"winners：{stray or '重复'} 不是本环节的候选申报")
    limit = prog.max_awards
    if limit is not None:
        order = [s.code for s in prog.stages]
        later = set(order[order.index(stage.code) + 1 :])
        already = (
            db_session.scalar(
                select(func.count()).where(
                    Application.round_id == rnd.id,
                    Application.stage.in_(later),
                    Application.state.in_([AppState.ACTIVE, AppState.CONFERRED]),
                )
            )
            or 0
        )
        lbasis = [access.basis(prog, "授奖总数", limit.seed, limit.quote)]
        if already + len(data.winners) > limit.count:
            raise violation(
                prog, f"每届不超过{limit.count}个（已有{already}个，本次{len(data.winners)}个）", lbasis, "winners"
            )
        if not data.winners and not limit.vacancy_allowed:
            raise violation(prog, "本项目不能空缺", lbasis, "winners")
    chosen = set(data.winners)
    for app in sorted(candidates, key=lambda a: a.id):
        before = snapshot(app)
        if app.id in chosen:
            _move(
                db_session,
                clock,
                actor,
                prog,
                app,
                "select",
                prog.next_stage(stage.code),
                data.reason,
                basis,
                before=before,
            )
        else:
            _move(
                db_session,
                clock,
                actor,
                prog,
                app,
                "not_selected",
                None,
                data.reason,
                basis,
                state=AppState.NOT_SELECTED,
                before=before,
            )
    return candidates


def withdraw(*, db_session: Session, clock: Clock, actor: Actor, app_id: int, reason: str) -> Application:
    app, prog = get_application(db_session, actor, app_id, lock=True)
    first = prog.stages[0]
    access.require_stage_actor(actor, prog, first, division_code=app.division_code, organisation_id=app.organisation_id)
    if app.state not in (AppState.ACTIVE, AppState.RETURNED):
        raise violation(prog, f"申报已{app.state.label}，不能撤回", [])
    before = snapshot(app)
    _move(db_session, clock, actor, prog, app, "withdraw", None, reason, [], state=AppState.WITHDRAWN, before=before)
    return app


# --- objections ---------------------------------------------------------------------------------------------------


def file_objection(*, db_session: Session, clock: Clock, actor: Actor, app_id: int, data: ObjectionIn) -> Objection:
    """Record an objection received during a notice; late, anonymous or (where required) oral ones are refused."""
    app, prog = get_application(db_session, actor, app_id, lock=True)
    stage = _require_active(prog, app, None)
    access.require_authority(actor, prog, stage)
    rule = stage.objections
    if rule is None or stage.timer is None or app.period_ends_on is None:
        raise violation(prog, f"“{stage.label}”环节不受理异议", [access.stage_basis(prog, stage)])
    basis = [access.basis(prog, "异议", rule.seed, rule.quote)]
    received = data.received_on or local_today(clock)
    if received > local_today(clock):
        raise InvalidInput(field="received_on", reason="received_on：收到日期不能晚于今天")
    if not app.stage_entered_on <= received <= app.period_ends_on:
        raise violation(
            prog,
            f"异议须在公示期间（{app.stage_entered_on.isoformat()} 至 {app.period_ends_on.isoformat()}）提出",
            basis,
            "received_on",
        )
    if rule.written_real_name and (not data.written or data.contact is None):
        raise violation(prog, "异议须以书面形式实名提出（写明姓名和联系方式）", basis, "written")
    reply_due = None
    if rule.reply_within_days is not None:
        reply_due, _ = rules.period_end(
            received, rule.reply_within_days, rule.reply_unit, work_calendar(db_session=db_session)
        )
    row = Objection(
        application_id=app.id,
        stage=stage.code,
        received_on=received,
        objector=data.objector,
        contact=data.contact,
        written=data.written,
        content=data.content,
        reply_due=reply_due,
        state=ObjectionState.OPEN,
        recorded_by=actor.username,
    )
    db_session.add(row)
    record_change(db_session, clock, actor.username, "programme.objection.file", row, None)
    _move(db_session, clock, actor, prog, app, "objection", None, data.content[:200], basis, before=snapshot(app))
    return row


def resolve_objection(
    *, db_session: Session, clock: Clock, actor: Actor, objection_id: int, data: ResolveIn
) -> Objection:
    """复核: an upheld objection disqualifies the application; a late reply is recorded as late, not refused."""
    row = db_session.get(Objection, objection_id, with_for_update=True)
    if row is None:
        raise NotFound(kind="异议", key=str(objection_id))
    app, prog = get_application(db_session, actor, row.application_id, lock=True)
    stage = prog.stage(row.stage)
    access.require_authority(actor, prog, stage)
    if row.state is not ObjectionState.OPEN:
        raise Conflict(reason="该异议已复核")
    before = snapshot(row)
    on = local_today(clock)
    row.state = ObjectionState.UPHELD if data.upheld else ObjectionState.DISMISSED
    row.reply, row.replied_on, row.replied_by = data.reply, on, actor.username
    record_change(db_session, clock, actor.username, "programme.objection.resolve", row, before)
    rule = stage.objections
    basis = [access.basis(prog, "异议复核", rule.seed, rule.quote)] if rule else []
    late = row.reply_due is not None and on > row.reply_due
    note = f"{'异议成立' if data.upheld else '异议不成立'}：{data.reply}" + ("（答复超过期限）" if late else "")
    if data.upheld and app.state is AppState.ACTIVE:
        _move(
            db_session,
            clock,
            actor,
            prog,
            app,
            "disqualify",
            None,
            note,
            basis,
            state=AppState.DISQUALIFIED,
            before=snapshot(app),
        )
    else:
        _move(db_session, clock, actor, prog, app, "objection_resolved", None, note, basis, before=snapshot(app))
    return row


def objections(db_session: Session, app_id: int) -> list[Objection]:
    return list(db_session.scalars(select(Objection).where(Objection.application_id == app_id).order_by(Objection.id)))


# --- views --------------------------------------------------------------------------------------------------------


def history(db_session: Session, app_id: int) -> list[ApplicationEvent]:
    query = select(ApplicationEvent).where(ApplicationEvent.application_id == app_id).order_by(ApplicationEvent.seq)
    return list(db_session.scalars(query))


def eligibility_preview(
    *, actor: Actor, programme_id: str, facts: dict[str, Any], events: list[EventIn], on: date
) -> rules.Eligibility:
    """What an applicant's declared facts would meet (the self-check before applying)."""
    require_reader(actor)
    prog = programme(programme_id)
    access.require_visible(actor, prog)
    return rules.eligibility(prog.requirements, prog.exclusions, facts, [(e.kind, e.on) for e in events], on)
