"""Who sees which rounds, applications, titles and rehabilitation records, and what the caller may do to one now.

Lists and single reads use the same SQL scope filter per entity; the actions a read model offers are asked of the
very checks the write path raises from (``access.require_*``), so the console offers only what the API accepts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.policy import allowed
from yingji.auth.roles import Permission
from yingji.core.errors import YingjiError
from yingji.core.labels import LabelledEnum
from yingji.programmes import access
from yingji.programmes.models import (
    Agreement,
    Alert,
    Application,
    AppState,
    CaseState,
    Cultivation,
    CultivationState,
    Institution,
    Objection,
    ObjectionState,
    PanelMember,
    PanelRow,
    Recusal,
    RehabCase,
    Round,
    Title,
    TitleState,
)
from yingji.programmes.schema import Programme, Stage, StageKind, programmes
from yingji.rules import programmes as rules


class ProgrammeAction(LabelledEnum):
    OPEN_ROUND = "open_round", "启动评审（登记一届）"
    RECORD_TITLE = "record_title", "登记往届获奖（认定）"


class RoundAction(LabelledEnum):
    APPLY = "apply", "申报"
    FORM_PANEL = "form_panel", "组建专家组"
    SELECT = "select", "决定名单"
    CLOSE = "close", "结束本届"


class ApplicationAction(LabelledEnum):
    PASS = "pass", "通过"
    RETURN = "return", "退回修改"
    REJECT = "reject", "不予通过"
    RESUBMIT = "resubmit", "重新报送"
    WITHDRAW = "withdraw", "撤回"
    OBJECT = "object", "登记异议"
    SCORE = "score", "评分"
    RECUSE = "recuse", "回避"
    RATE = "rate", "双向评价"


class CultivationAction(LabelledEnum):
    DECIDE = "decide", "决定是否纳入"
    SUPPORT = "support", "记录培训或指导帮扶"


class ObjectionAction(LabelledEnum):
    RESOLVE = "resolve", "复核"


class TitleAction(LabelledEnum):
    REVOKE = "revoke", "撤销称号"
    END = "end", "荣誉传承人、去世或放弃"
    EVALUATE = "evaluate", "年度评估"
    VISIT = "visit", "记录寻访"


class InstitutionAction(LabelledEnum):
    SIGN = "sign", "签订协议"


class AgreementAction(LabelledEnum):
    ASSESS = "assess", "记录考核"


class CaseAction(LabelledEnum):
    GATE = "gate", "备案或评估"
    END = "end", "结束康复"
    CLAIM = "claim", "上传费用"


class AlertAction(LabelledEnum):
    CLOSE = "close", "关闭预警"


def _may(check: Callable[[], object]) -> bool:
    """Whether the write path's own check lets the caller through."""
    try:
        check()
    except YingjiError:
        return False
    return True


# --- programmes -----------------------------------------------------------------------------------------------------


def reads(actor: Actor) -> bool:
    """Any programme permission: applicant, officer or expert."""
    return any(
        actor.has(p) for p in (Permission.PROGRAMME_APPLY, Permission.PROGRAMME_MANAGE, Permission.PROGRAMME_SCORE)
    )


def visible_ids(actor: Actor) -> list[str]:
    """The programmes whose area meets the caller's jurisdiction."""
    return [p.id for p in programmes().values() if access.overlaps(actor, p.division_code)]


def is_authority(actor: Actor, prog: Programme, stage: Stage | None = None) -> bool:
    return _may(lambda: access.require_authority(actor, prog, stage))


def is_stage_actor(actor: Actor, prog: Programme, stage: Stage, *, division_code: str, org: int | None) -> bool:
    return _may(
        lambda: access.require_stage_actor(actor, prog, stage, division_code=division_code, organisation_id=org)
    )


def may_start(actor: Actor, prog: Programme) -> bool:
    """The caller acts at the first stage (an enterprise for itself, a county office for a person)."""
    division = actor.division_code or prog.division_code
    return is_stage_actor(actor, prog, prog.stages[0], division_code=division, org=actor.organisation_id)


def programme_actions(actor: Actor, prog: Programme) -> list[ProgrammeAction]:
    authority = is_authority(actor, prog)
    return allowed(actor, Permission.PROGRAMME_MANAGE, [(action, authority) for action in ProgrammeAction])


def round_scope(actor: Actor) -> ColumnElement[bool]:
    """The one SQL filter for round lists and single reads: rounds of the programmes the caller sees."""
    return Round.programme_id.in_(visible_ids(actor))


def accepting(rnd: Round, on: date) -> bool:
    return rnd.closed_on is None and rnd.notice_on <= on <= rnd.apply_until


def round_actions(actor: Actor, rnd: Round, on: date) -> list[RoundAction]:
    prog = programmes()[rnd.programme_id]
    authority = is_authority(actor, prog) and rnd.closed_on is None
    chooser = any(s.kind is StageKind.SELECT for s in prog.stages)
    return [
        action
        for action, ok in (
            (RoundAction.APPLY, accepting(rnd, on) and may_start(actor, prog)),
            (RoundAction.FORM_PANEL, authority and bool(prog.panels)),
            (RoundAction.SELECT, authority and chooser),
            (RoundAction.CLOSE, authority),
        )
        if ok
    ]


def application_scope(db_session: Session, actor: Actor, round_id: int | None = None) -> ColumnElement[bool]:
    """The one SQL filter for application lists and single reads: an enterprise its own, an officer its
    jurisdiction's, an expert those of its panels it has not recused from."""
    if actor.organisation_id is not None:
        if not actor.has(Permission.PROGRAMME_APPLY):
            return false()
        return Application.organisation_id == actor.organisation_id
    if actor.has(Permission.PROGRAMME_MANAGE):
        return actor.division_filter(Application.division_code)
    if actor.has(Permission.PROGRAMME_SCORE):
        return Application.id.in_(assigned_applications(db_session, actor.username, round_id))
    return false()


def assigned_applications(db_session: Session, username: str, round_id: int | None = None) -> set[int]:
    """Applications an expert may read (of one round, or of all): on one of its panels and not recused from every
    seat the expert holds in that round."""
    query = (
        select(PanelMember.id, PanelRow.round_id)
        .join(PanelRow, PanelRow.id == PanelMember.panel_id)
        .where(PanelMember.username == username)
    )
    if round_id is not None:
        query = query.where(PanelRow.round_id == round_id)
    rows = list(db_session.execute(query))
    if not rows:
        return set()
    seats = Counter(r for _, r in rows)
    members = [m for m, _ in rows]
    recused = Counter(db_session.scalars(select(Recusal.application_id).where(Recusal.member_id.in_(members))))
    apps = db_session.execute(select(Application.id, Application.round_id).where(Application.round_id.in_(seats)))
    return {a for a, r in apps if recused[a] < seats[r]}


@dataclass(frozen=True)
class Seat:
    """The caller's seat on the panel of an application's current stage, and what it has done there."""

    member_id: int
    scored: bool
    recused: bool


def application_actions(
    actor: Actor, prog: Programme, app: Application, on: date, seat: Seat | None = None
) -> list[ApplicationAction]:
    stage = prog.stage(app.stage)
    first = prog.stages[0]
    division, org = app.division_code, app.organisation_id
    active = app.state is AppState.ACTIVE
    decides = (
        active
        and stage.kind is not StageKind.SELECT
        and is_stage_actor(actor, prog, stage, division_code=division, org=org)
    )
    judged = stage.kind in (StageKind.REVIEW, StageKind.PANEL)
    period_over = app.period_ends_on is None or rules.period_over(app.period_ends_on, on)
    applicant = is_stage_actor(actor, prog, first, division_code=division, org=org)
    free_seat = active and seat is not None and not seat.scored and not seat.recused
    publicity = stage.kind is StageKind.PUBLICITY and stage.objections is not None
    return [
        action
        for action, ok in (
            (ApplicationAction.PASS, decides and (stage.kind is not StageKind.PUBLICITY or period_over)),
            (ApplicationAction.RETURN, decides and judged and stage.can_return),
            (ApplicationAction.REJECT, decides and judged),
            (ApplicationAction.RESUBMIT, app.state is AppState.RETURNED and applicant),
            (ApplicationAction.WITHDRAW, app.state in (AppState.ACTIVE, AppState.RETURNED) and applicant),
            (ApplicationAction.OBJECT, active and publicity and is_authority(actor, prog, stage)),
            (ApplicationAction.SCORE, free_seat and actor.has(Permission.PROGRAMME_SCORE)),
            (ApplicationAction.RECUSE, free_seat),
        )
        if ok
    ]


def cultivation_actions(actor: Actor, prog: Programme, row: Cultivation) -> list[CultivationAction]:
    """The authority decides a pending entry; it or the member's county office records support to a member."""
    authority = is_authority(actor, prog)
    county = (
        actor.has(Permission.PROGRAMME_MANAGE)
        and actor.organisation_id is None
        and access.is_county(actor.division_code)
        and actor.covers_division(row.division_code)
    )
    return [
        action
        for action, ok in (
            (CultivationAction.DECIDE, authority and row.state is CultivationState.PENDING),
            (CultivationAction.SUPPORT, (authority or county) and row.state is CultivationState.ADMITTED),
        )
        if ok
    ]


def objection_actions(actor: Actor, prog: Programme, row: Objection) -> list[ObjectionAction]:
    ok = row.state is ObjectionState.OPEN and is_authority(actor, prog, prog.stage(row.stage))
    return [ObjectionAction.RESOLVE] if ok else []


def title_scope(actor: Actor) -> ColumnElement[bool]:
    """The one SQL filter for title lists and single reads: an enterprise its own, an officer its jurisdiction's."""
    if actor.organisation_id is None and not actor.has(Permission.PROGRAMME_MANAGE):
        return false()
    return actor.record_filter(Title.division_code, Title.organisation_id)


def evaluates(actor: Actor, prog: Programme, title: Title) -> bool:
    """Evaluations are the bearer's county's or the city's (the write path's own check)."""
    return (
        actor.has(Permission.PROGRAMME_MANAGE)
        and actor.organisation_id is None
        and (actor.covers_division(title.division_code) or actor.division_code == prog.division_code)
    )


def title_actions(actor: Actor, prog: Programme, title: Title) -> list[TitleAction]:
    authority = is_authority(actor, prog)
    bearer = prog.bearer is not None
    active = title.state is TitleState.ACTIVE
    officer = actor.has(Permission.PROGRAMME_MANAGE) and actor.organisation_id is None
    return [
        action
        for action, ok in (
            (TitleAction.REVOKE, authority and active and bool(prog.revocation)),
            (TitleAction.END, bearer and authority and title.state in (TitleState.ACTIVE, TitleState.HONORARY)),
            (TitleAction.EVALUATE, bearer and active and evaluates(actor, prog, title)),
            (TitleAction.VISIT, officer and prog.follow_up is not None),
        )
        if ok
    ]


# --- work-injury rehabilitation -------------------------------------------------------------------------------------


def handles_rehab(actor: Actor, division_code: str | None = None) -> bool:
    """The social-insurance agency: an officer (not an enterprise) of the area."""
    return (
        actor.has(Permission.PROGRAMME_MANAGE)
        and actor.organisation_id is None
        and (division_code is None or actor.covers_division(division_code))
    )


def institution_scope(actor: Actor) -> ColumnElement[bool]:
    return actor.division_filter(Institution.division_code)


def case_scope(actor: Actor) -> ColumnElement[bool]:
    return actor.division_filter(RehabCase.division_code)


def alert_scope(actor: Actor) -> ColumnElement[bool]:
    return Alert.case_id.in_(select(RehabCase.id).where(case_scope(actor)))


def institution_actions(actor: Actor, row: Institution) -> list[InstitutionAction]:
    return [InstitutionAction.SIGN] if handles_rehab(actor, row.division_code) else []


def agreement_actions(actor: Actor, row: Agreement, institution: Institution) -> list[AgreementAction]:
    ok = row.assessment is None and handles_rehab(actor, institution.division_code)
    return [AgreementAction.ASSESS] if ok else []


def case_actions(actor: Actor, row: RehabCase) -> list[CaseAction]:
    mine = handles_rehab(actor, row.division_code)
    return [
        action
        for action, ok in (
            (CaseAction.GATE, row.state is CaseState.PROPOSED),
            (CaseAction.END, row.state is CaseState.APPROVED),
            (CaseAction.CLAIM, True),  # a claim after the end is recorded and refused payment, never blocked
        )
        if mine and ok
    ]


def alert_actions(actor: Actor, row: Alert, division_code: str) -> list[AlertAction]:
    return [AlertAction.CLOSE] if row.closed_by is None and handles_rehab(actor, division_code) else []
