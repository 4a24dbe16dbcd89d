"""Expert pools and a round's panels: appointed or drawn at random from the pool, checked against the programme's
composition rule for the categories of the round's candidates; recusal of conflicted members; one score per member
and application, and the panel's result once every member who has not recused has scored."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from yingji.audit.rows import record_change
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock, to_local
from yingji.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from yingji.programmes import access
from yingji.programmes.models import Application, AppState, PanelMember, PanelRow, PoolMember, Recusal, Round, Score
from yingji.programmes.schema import Panel, Programme, programmes
from yingji.programmes.schemas import DrawIn, MemberIn, PanelIn, PoolMemberIn, RecusalIn, ScoreIn
from yingji.registry.models import Expert
from yingji.rules import programmes as rules


def composition(panel: Panel) -> rules.Composition:
    return rules.Composition(
        min_members=panel.min_members,
        odd=panel.odd,
        leader_required=panel.leader_required,
        per_category_min=panel.per_category_min,
        category_minimums={c.category: c.min_members for c in panel.category_minimums},
    )


def round_categories(db_session: Session, rnd: Round) -> set[str]:
    rows = db_session.scalars(
        select(Application.category).where(Application.round_id == rnd.id, Application.state == AppState.ACTIVE)
    )
    return {c for c in rows if c}


def _panel_basis(prog: Programme, panel: Panel) -> list[Any]:
    return [access.basis(prog, panel.label, panel.seed, panel.quote)]


def _check_new(db_session: Session, rnd: Round, prog: Programme, code: str) -> Panel:
    panel = prog.panel(code)
    if rnd.closed_on is not None:
        raise RuleViolation(plan=prog.title, rule="本届已结束，评审专家组已撤销", basis=_panel_basis(prog, panel))
    taken = db_session.scalar(select(PanelRow.id).where(PanelRow.round_id == rnd.id, PanelRow.panel_code == code))
    if taken is not None:
        raise Conflict(field="panel", reason=f"本届“{panel.label}”已组建")
    return panel


def _store(
    db_session: Session,
    clock: Clock,
    actor: Actor,
    rnd: Round,
    panel: Panel,
    chosen: Sequence[tuple[Expert, MemberIn | None, PoolMember | None]],
    pool_size: int | None,
) -> PanelRow:
    row = PanelRow(
        round_id=rnd.id,
        panel_code=panel.code,
        method=panel.draw,
        formed_by=actor.username,
        formed_at=clock.now(),
        pool_size=pool_size,
    )
    db_session.add(row)
    db_session.flush()
    names = {
        a.id: a.subject_name for a in db_session.scalars(select(Application).where(Application.round_id == rnd.id))
    }
    for expert, given, pooled in chosen:
        member = PanelMember(
            panel_id=row.id,
            expert_id=expert.id,
            name=expert.name,
            username=(given.username if given else None) or (pooled.username if pooled else None),
            leader=bool(given and given.leader),
            categories=list(pooled.categories if pooled else expert.specialties or []),
        )
        db_session.add(member)
        db_session.flush()
        for app_id, subject in names.items():
            if expert.unit_name and expert.unit_name == subject:  # the applicant is the expert's own unit
                db_session.add(
                    Recusal(
                        member_id=member.id,
                        application_id=app_id,
                        reason="专家所在单位即申报单位，自动回避",
                        recorded_by="system",
                        at=clock.now(),
                    )
                )
    record_change(db_session, clock, actor.username, "programme.panel.form", row, None)
    return row


def form(*, db_session: Session, clock: Clock, actor: Actor, rnd: Round, prog: Programme, data: PanelIn) -> PanelRow:
    """组建专家组 (appointed): the given experts, checked against the composition rule."""
    access.require_authority(actor, prog)
    panel = _check_new(db_session, rnd, prog, data.panel)
    if panel.draw == "random":
        raise RuleViolation(plan=prog.title, rule=f"“{panel.label}”须从专家库随机抽选", basis=_panel_basis(prog, panel))
    experts = {
        e.id: e for e in db_session.scalars(select(Expert).where(Expert.id.in_([m.expert_id for m in data.members])))
    }
    unknown = [m.expert_id for m in data.members if m.expert_id not in experts]
    if unknown:
        raise InvalidInput(field="members", reason=f"members：专家 {unknown} 不存在")
    members = [
        rules.Member(
            expert_id=m.expert_id, categories=frozenset(experts[m.expert_id].specialties or []), leader=m.leader
        )
        for m in data.members
    ]
    faults = rules.composition_faults(composition(panel), members, round_categories(db_session, rnd))
    if faults:
        raise RuleViolation(
            field="members",
            plan=prog.title,
            rule=f"{panel.label}：{'；'.join(faults)}",
            basis=_panel_basis(prog, panel),
        )
    return _store(db_session, clock, actor, rnd, panel, [(experts[m.expert_id], m, None) for m in data.members], None)


def draw(
    *, db_session: Session, clock: Clock, actor: Actor, rnd: Round, prog: Programme, data: DrawIn, rng: random.Random
) -> PanelRow:
    """随机抽选: each category's minimum first, then up to the size, odd where required; the pool's size is kept."""
    access.require_authority(actor, prog)
    panel = _check_new(db_session, rnd, prog, data.panel)
    if panel.draw != "random" or panel.pool is None:
        raise RuleViolation(
            plan=prog.title, rule=f"“{panel.label}”由主管部门指定，不随机抽选", basis=_panel_basis(prog, panel)
        )
    on = to_local(clock.now()).date()
    pooled = [p for p in db_session.scalars(select(PoolMember).where(PoolMember.pool == panel.pool)) if in_term(p, on)]
    members = [rules.Member(expert_id=p.expert_id, categories=frozenset(p.categories)) for p in pooled]
    try:
        chosen = rules.draw(composition(panel), members, round_categories(db_session, rnd), set(data.exclude), rng)
    except ValueError as err:
        raise RuleViolation(
            field="panel", plan=prog.title, rule=f"{panel.label}：{err}", basis=_panel_basis(prog, panel)
        ) from err
    by_id = {p.expert_id: p for p in pooled}
    experts = {e.id: e for e in db_session.scalars(select(Expert).where(Expert.id.in_(by_id)))}
    picked = [(experts[m.expert_id], None, by_id[m.expert_id]) for m in chosen]
    return _store(db_session, clock, actor, rnd, panel, picked, len(pooled))


def in_term(member: PoolMember, on: date) -> bool:
    return member.appointed_on <= on and (member.term_ends_on is None or on <= member.term_ends_on)


def panels_of(db_session: Session, round_id: int) -> list[tuple[PanelRow, list[PanelMember]]]:
    rows = list(db_session.scalars(select(PanelRow).where(PanelRow.round_id == round_id).order_by(PanelRow.id)))
    members: dict[int, list[PanelMember]] = {r.id: [] for r in rows}
    query = select(PanelMember).where(PanelMember.panel_id.in_(members)).order_by(PanelMember.id)
    for member in db_session.scalars(query):
        members[member.panel_id].append(member)
    return [(r, members[r.id]) for r in rows]


def _member_for(db_session: Session, actor: Actor, app: Application, panel_code: str) -> PanelMember:
    member = db_session.scalar(
        select(PanelMember)
        .join(PanelRow, PanelRow.id == PanelMember.panel_id)
        .where(
            PanelRow.round_id == app.round_id, PanelRow.panel_code == panel_code, PanelMember.username == actor.username
        )
    )
    if member is None:
        raise Forbidden(reason="不是本环节专家组成员")
    return member


def recuse(
    *, db_session: Session, clock: Clock, actor: Actor, app: Application, prog: Programme, data: RecusalIn
) -> Recusal:
    """回避: the member declares a conflict (or the authority records it) before scoring."""
    stage = prog.stage(app.stage)
    if stage.kind != "panel" or stage.panel is None:
        raise RuleViolation(plan=prog.title, rule=f"申报不在专家评审环节（现为“{stage.label}”）", basis=[])
    member = _member_for(db_session, actor, app, stage.panel)
    if db_session.scalar(select(Score.id).where(Score.member_id == member.id, Score.application_id == app.id)):
        raise Conflict(reason="已评分，不能再申请回避；请主管部门处理")
    if db_session.scalar(select(Recusal.id).where(Recusal.member_id == member.id, Recusal.application_id == app.id)):
        raise Conflict(reason="已回避")
    row = Recusal(
        member_id=member.id, application_id=app.id, reason=data.reason, recorded_by=actor.username, at=clock.now()
    )
    db_session.add(row)
    record_change(db_session, clock, actor.username, "programme.recusal", row, None)
    return row


def score(
    *, db_session: Session, clock: Clock, actor: Actor, app: Application, prog: Programme, data: ScoreIn
) -> Score:
    actor.require(Permission.PROGRAMME_SCORE)
    stage = prog.stage(app.stage)
    if app.state is not AppState.ACTIVE or stage.kind != "panel" or stage.panel is None:
        raise RuleViolation(plan=prog.title, rule=f"申报不在专家评审环节（现为“{stage.label}”）", basis=[])
    member = _member_for(db_session, actor, app, stage.panel)
    panel = prog.panel(stage.panel)
    if db_session.scalar(select(Recusal.id).where(Recusal.member_id == member.id, Recusal.application_id == app.id)):
        basis = [access.basis(prog, "回避", panel.recusal.seed, panel.recusal.quote)] if panel.recusal else []
        raise RuleViolation(plan=prog.title, rule="已回避的专家不得评分", basis=basis)
    if db_session.scalar(select(Score.id).where(Score.member_id == member.id, Score.application_id == app.id)):
        raise Conflict(reason="已评分")
    row = Score(member_id=member.id, application_id=app.id, score=data.score, opinion=data.opinion, at=clock.now())
    db_session.add(row)
    record_change(db_session, clock, actor.username, "programme.score", row, None)
    return row


@dataclass(frozen=True)
class Result:
    mean: float | None
    missing: list[str]


def result(db_session: Session, round_id: int, panel: Panel, app_id: int) -> Result:
    row = db_session.scalar(select(PanelRow).where(PanelRow.round_id == round_id, PanelRow.panel_code == panel.code))
    if row is None:
        return Result(None, [f"本届尚未组建{panel.label}"])
    members = list(db_session.scalars(select(PanelMember).where(PanelMember.panel_id == row.id)))
    recused = set(db_session.scalars(select(Recusal.member_id).where(Recusal.application_id == app_id)))
    scores = {s.member_id: s.score for s in db_session.scalars(select(Score).where(Score.application_id == app_id))}
    voting = [m for m in members if m.id not in recused]
    if not voting:
        return Result(None, ["全部成员已回避，须另行组建"])
    missing = [m.name for m in voting if m.id not in scores]
    if missing:
        return Result(None, missing)
    return Result(round(sum(float(scores[m.id]) for m in voting) / len(voting), 2), [])


def scores_of(db_session: Session, actor: Actor, app_id: int) -> list[tuple[Score, str]]:
    """The panel scores of an application with the member's name: all of them for officers, an expert's own only
    (scoring is independent), none for the applicant."""
    if actor.organisation_id is not None:
        return []
    rows = db_session.execute(
        select(Score, PanelMember.name, PanelMember.username)
        .join(PanelMember, PanelMember.id == Score.member_id)
        .where(Score.application_id == app_id)
        .order_by(Score.id)
    )
    own_only = not actor.has(Permission.PROGRAMME_MANAGE)
    return [(s, name) for s, name, username in rows if not own_only or username == actor.username]


# --- pools --------------------------------------------------------------------------------------------------------


def pool_owner(pool: str) -> Programme:
    for prog in programmes().values():
        if any(p.pool == pool for p in prog.panels):
            return prog
    raise NotFound(field="pool", kind="专家库", key=pool)


def add_pool_member(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    pool: str,
    owner_division: str,
    owner: str,
    data: PoolMemberIn,
    term_years: int | None,
    required: list[str],
) -> PoolMember:
    actor.require(Permission.PROGRAMME_MANAGE)
    if not (actor.is_unlimited or actor.division_code == owner_division):
        raise Forbidden(reason=f"专家库由{owner}管理")
    expert = db_session.get(Expert, data.expert_id)
    if expert is None:
        raise InvalidInput(field="expert_id", reason=f"expert_id：专家 {data.expert_id} 不存在")
    lacking = [q for q in required if q not in data.qualifications]
    if lacking:
        raise InvalidInput(field="qualifications", reason=f"qualifications：入库专家须具备 {'、'.join(lacking)}")
    if db_session.scalar(select(PoolMember.id).where(PoolMember.pool == pool, PoolMember.expert_id == expert.id)):
        raise Conflict(field="expert_id", reason="该专家已在库中")
    row = PoolMember(
        pool=pool,
        expert_id=expert.id,
        username=data.username,
        categories=list(data.categories),
        qualifications=list(data.qualifications),
        appointed_on=data.appointed_on,
        term_ends_on=rules.years_after(data.appointed_on, term_years) if term_years else None,
        created_at=clock.now(),
    )
    db_session.add(row)
    record_change(db_session, clock, actor.username, "programme.pool.add", row, None)
    return row


POOL_ORDER = (PoolMember.id,)


def pool_query(pool: str) -> Select[PoolMember]:
    return select(PoolMember).where(PoolMember.pool == pool)


def experts_of(db_session: Session, ids: set[int]) -> dict[int, Expert]:
    return {e.id: e for e in db_session.scalars(select(Expert).where(Expert.id.in_(ids)))} if ids else {}


def pool_members(db_session: Session, pool: str) -> list[PoolMember]:
    """A pool's members in full (a panel's draw form lists them)."""
    return list(db_session.scalars(pool_query(pool).order_by(*POOL_ORDER)))
