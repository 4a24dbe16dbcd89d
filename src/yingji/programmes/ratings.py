"""双向监督反馈评价机制 (包府办发〔2025〕57号 第二十九条, 000#L169): the applicant rates the discipline of each
evaluator who scored its application, each evaluator rates the applicant's; the authority alone sees the averages.
A rating is kept as given (append-only), one per application, panel seat and direction, only while the round's
panels exist, and never enters a score: the scoring rules stay as they are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.audit.rows import record_change
from yingji.auth.actor import Actor
from yingji.core.clock import Clock
from yingji.core.errors import Conflict, Forbidden, InvalidInput, InvalidState, RuleViolation
from yingji.programmes import access, service
from yingji.programmes.models import Application, PanelMember, PanelRow, Rating, RatingDirection, Round, Score
from yingji.programmes.schema import Programme, TwoWayRating
from yingji.programmes.schemas import RatingIn
from yingji.rules.basis import Basis


def rule_of(prog: Programme) -> TwoWayRating:
    if prog.two_way_rating is None:
        raise RuleViolation(
            subcode="programmes.rating.none",
            plan=prog.title,
            rule="本项目未建立评审人员和申报单位双向评价机制",
            basis=[],
        )
    return prog.two_way_rating


def basis(prog: Programme) -> list[Basis]:
    rule = rule_of(prog)
    return [access.basis(prog, "双向监督反馈评价", rule.seed, rule.quote)]


@dataclass(frozen=True)
class Seat:
    member: PanelMember
    panel_code: str


def _seats(db_session: Session, round_id: int) -> list[Seat]:
    rows = db_session.execute(
        select(PanelMember, PanelRow.panel_code)
        .join(PanelRow, PanelRow.id == PanelMember.panel_id)
        .where(PanelRow.round_id == round_id)
        .order_by(PanelMember.id)
    )
    return [Seat(member, code) for member, code in rows]


def _scored(db_session: Session, app_id: int) -> set[int]:
    return set(db_session.scalars(select(Score.member_id).where(Score.application_id == app_id)))


def _rated(db_session: Session, app_id: int, direction: RatingDirection) -> set[int]:
    query = select(Rating.member_id).where(Rating.application_id == app_id, Rating.direction == direction)
    return set(db_session.scalars(query))


def _is_applicant(actor: Actor, app: Application) -> bool:
    return actor.organisation_id is not None and actor.organisation_id == app.organisation_id


def rateable(
    db_session: Session, actor: Actor, app: Application, prog: Programme
) -> list[tuple[Seat, RatingDirection]]:
    """The seats the caller may still rate on this application: the applicant each evaluator who scored it, an
    evaluator the applicant once per own seat that scored it; nothing once the round is over."""
    if prog.two_way_rating is None:
        return []
    rnd = db_session.get(Round, app.round_id)
    if rnd is None or rnd.closed_on is not None:
        return []
    scored = _scored(db_session, app.id)
    seats = [s for s in _seats(db_session, app.round_id) if s.member.id in scored]
    if _is_applicant(actor, app):
        done = _rated(db_session, app.id, RatingDirection.OF_EVALUATOR)
        return [(s, RatingDirection.OF_EVALUATOR) for s in seats if s.member.id not in done]
    if actor.organisation_id is None:
        done = _rated(db_session, app.id, RatingDirection.OF_APPLICANT)
        own = [s for s in seats if s.member.username == actor.username and s.member.id not in done]
        return [(s, RatingDirection.OF_APPLICANT) for s in own]
    return []


def rate(*, db_session: Session, clock: Clock, actor: Actor, app_id: int, data: RatingIn) -> tuple[Rating, Programme]:
    """Record one rating: the applicant of an evaluator who scored it, or an evaluator of the applicant it scored."""
    app, prog = service.get_application(db_session, actor, app_id, lock=True)  # 404 out of scope
    rule = rule_of(prog)
    cited = basis(prog)
    applicant = _is_applicant(actor, app)
    seats = _seats(db_session, app.round_id)
    mine = [s for s in seats if s.member.username == actor.username] if actor.organisation_id is None else []
    if not applicant and not mine:
        raise Forbidden(
            subcode="programmes.rating.not_party", reason="双向评价由申报单位和评审人员相互进行", basis=cited
        )
    if not rule.scale.min <= data.score <= rule.scale.max:
        raise InvalidInput(field="score", reason=f"score：评价须为 {rule.scale.min}—{rule.scale.max} 的整数")
    rnd = db_session.get(Round, app.round_id)
    if rnd is None or rnd.closed_on is not None:
        raise InvalidState(
            field="round_id", subcode="programmes.rating.round_closed", reason="本届评审已结束，评审专家组已撤销"
        )
    scored = _scored(db_session, app.id)
    if applicant:
        direction = RatingDirection.OF_EVALUATOR
        if data.member_id is None:
            raise InvalidInput(field="member_id", reason="member_id：须指明所评价的评审人员")
        seat = next((s for s in seats if s.member.id == data.member_id), None)
        if seat is None:
            raise InvalidInput(field="member_id", reason="member_id：不是本届评审人员")
        if seat.member.id not in scored:
            raise InvalidState(
                subcode="programmes.rating.not_evaluated", reason=f"{seat.member.name}尚未评审本单位，不能评价"
            )
    else:
        direction = RatingDirection.OF_APPLICANT
        if data.misconduct:
            raise InvalidInput(field="misconduct", reason="misconduct：只在申报单位评价评审人员时填写")
        evaluated = [s for s in mine if s.member.id in scored]
        if data.member_id is not None:
            evaluated = [s for s in evaluated if s.member.id == data.member_id]
            if not any(s.member.id == data.member_id for s in mine):
                raise InvalidInput(field="member_id", reason="member_id：不是本人在本届的评审席位")
        if not evaluated:
            raise InvalidState(subcode="programmes.rating.not_evaluated", reason="尚未评审该申报，不能评价申报单位")
        done = _rated(db_session, app.id, direction)
        seat = next((s for s in evaluated if s.member.id not in done), evaluated[0])
    taken = db_session.scalar(
        select(Rating.id).where(
            Rating.application_id == app.id, Rating.member_id == seat.member.id, Rating.direction == direction
        )
    )
    if taken is not None:
        raise Conflict(subcode="programmes.rating.exists", reason="已评价，评价不能修改")
    row = Rating(
        round_id=app.round_id,
        application_id=app.id,
        member_id=seat.member.id,
        direction=direction,
        score=data.score,
        misconduct=data.misconduct,
        remarks=data.remarks,
        rated_by=actor.username,
        at=clock.now(),
    )
    db_session.add(row)
    record_change(db_session, clock, actor.username, "programme.rating", row, None)
    return row, prog


def given(db_session: Session, actor: Actor, app_id: int) -> list[Rating]:
    """The ratings the caller gave on an application (the others' stay with the authority)."""
    query = select(Rating).where(Rating.application_id == app_id, Rating.rated_by == actor.username)
    return list(db_session.scalars(query.order_by(Rating.id)))


@dataclass(frozen=True)
class Tally:
    count: int
    average: float | None
    misconduct: int


def _tally(scores: list[tuple[int, bool]]) -> Tally:
    if not scores:
        return Tally(0, None, 0)
    return Tally(len(scores), round(sum(s for s, _ in scores) / len(scores), 2), sum(m for _, m in scores))


@dataclass(frozen=True)
class Summary:
    evaluators: list[tuple[Seat, Tally, Tally]]  # this round's, and the expert's over every round of the programme
    applicants: list[tuple[Application, Tally]]


def summary(db_session: Session, actor: Actor, round_id: int) -> tuple[Round, Programme, Summary]:
    """The authority's view of a round's ratings; 403 for anyone else."""
    rnd, prog = service.get_round(db_session, actor, round_id)
    rule_of(prog)
    access.require_authority(actor, prog)
    seats = _seats(db_session, rnd.id)
    of_evaluator: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    of_applicant: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for row in db_session.scalars(select(Rating).where(Rating.round_id == rnd.id)):
        target = (
            of_evaluator[row.member_id]
            if row.direction is RatingDirection.OF_EVALUATOR
            else of_applicant[row.application_id]
        )
        target.append((row.score, row.misconduct))
    experts = {s.member.expert_id for s in seats}
    overall: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    history = (
        select(PanelMember.expert_id, Rating.score, Rating.misconduct)
        .join(Rating, Rating.member_id == PanelMember.id)
        .join(Round, Round.id == Rating.round_id)
        .where(
            PanelMember.expert_id.in_(experts),
            Rating.direction == RatingDirection.OF_EVALUATOR,
            Round.programme_id == prog.id,
        )
    )
    for expert_id, score, misconduct in db_session.execute(history):
        overall[expert_id].append((score, misconduct))
    apps = list(
        db_session.scalars(select(Application).where(Application.id.in_(of_applicant)).order_by(Application.id))
    )
    return (
        rnd,
        prog,
        Summary(
            evaluators=[(s, _tally(of_evaluator[s.member.id]), _tally(overall[s.member.expert_id])) for s in seats],
            applicants=[(a, _tally(of_applicant[a.id])) for a in apps],
        ),
    )
