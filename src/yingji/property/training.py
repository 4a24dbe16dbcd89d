"""业委会培训 (000#L262 “业委会每年开展不少于2次培训，街道（苏木乡镇）强化全过程监管”): each compound with a
committee owes the programme's yearly number of trainings; the street or community records them and sees who is
behind."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core.clock import Clock, local_today
from yingji.core.errors import InvalidInput, InvalidState
from yingji.core.schemas import YingjiModel
from yingji.property import policy, settings
from yingji.property.models import Committee, CommitteeTraining, Compound
from yingji.property.schema import Recurring
from yingji.property.service import compound, record, require
from yingji.registry import divisions

ACTIVITY = "committee_training"


class TrainingIn(YingjiModel):
    held_on: date
    topic: Annotated[str, Field(min_length=2, max_length=200, description="培训内容")]
    attendees: Annotated[int, Field(ge=1, le=1000, description="参加人数")]


class TrainingRow(YingjiModel):
    """A compound's committee and its trainings this year against the programme's minimum."""

    compound_id: int
    compound_name: str
    division_name: str
    committee_label: str
    year: int
    held: int
    required: int
    status_label: str = Field(description="本年度完成情况（中文）")
    behind: bool = Field(description="年度已过而未达次数，或下半年仍未开展")
    seed: str


def _rule(division_code: str) -> Recurring | None:
    programme = settings.programme_for(division_code)
    return next((r for r in programme.rules if isinstance(r, Recurring) and r.activity == ACTIVITY), None)


def add(*, db_session: Session, clock: Clock, actor: Actor, compound_id: int, data: TrainingIn) -> CommitteeTraining:
    """Only a committee's trainings are recorded (a compound without one owes none); the day is this year or last
    and not in the future."""
    found = compound(db_session, actor, compound_id)
    require(actor, found.division_code)
    if found.committee is Committee.NONE:
        raise InvalidState(reason=f"{found.name}尚未组建业委会或物管会", subcode="property.training.no_committee")
    if _rule(found.division_code) is None:
        raise InvalidState(reason="本地物业方案未规定业委会培训", subcode="property.training.no_rule")
    today = local_today(clock)
    if data.held_on > today or data.held_on.year < today.year - 1:
        raise InvalidInput(field="held_on", reason="培训日期须在上一年度至今天之间", subcode="property.training.date")
    row = CommitteeTraining(
        compound_id=found.id,
        held_on=data.held_on,
        topic=data.topic,
        attendees=data.attendees,
        recorded_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(row)
    record(db_session, clock, actor, "property.training.add", row, None)
    return row


def compliance(*, db_session: Session, clock: Clock, actor: Actor, year: int | None = None) -> list[TrainingRow]:
    """Every compound with a committee in the caller's scope: the year's trainings against the minimum, those behind
    first (a past year short of it, or the second half of this year without any)."""
    require(actor)
    today = local_today(clock)
    year = year or today.year
    compounds = db_session.scalars(
        select(Compound).where(policy.compound_scope(actor), Compound.committee != Committee.NONE)
    ).all()
    query = (
        select(CommitteeTraining.compound_id, func.count())
        .where(
            CommitteeTraining.compound_id.in_([c.id for c in compounds] or [-1]),
            CommitteeTraining.held_on >= date(year, 1, 1),
            CommitteeTraining.held_on <= date(year, 12, 31),
        )
        .group_by(CommitteeTraining.compound_id)
    )
    counts = {compound_id: n for compound_id, n in db_session.execute(query)}
    places = divisions.names(db_session, (c.division_code for c in compounds))
    rows = []
    for c in compounds:
        rule = _rule(c.division_code)
        if rule is None:
            continue
        held = int(counts.get(c.id, 0))
        over = year < today.year
        behind = held < rule.min_times and (over or (year == today.year and today.month > 6 and held == 0))
        if held >= rule.min_times:
            status = f"已开展 {held} 次，达到每年不少于 {rule.min_times} 次"
        elif over:
            status = f"全年仅开展 {held} 次，未达到每年不少于 {rule.min_times} 次"
        else:
            status = f"已开展 {held} 次，年底前还需 {rule.min_times - held} 次"
        rows.append(
            TrainingRow(
                compound_id=c.id,
                compound_name=c.name,
                division_name=places.get(c.division_code, c.division_code),
                committee_label=c.committee.label,
                year=year,
                held=held,
                required=rule.min_times,
                status_label=status,
                behind=behind,
                seed=rule.seed,
            )
        )
    rows.sort(key=lambda r: (not r.behind, r.held, r.compound_name))
    return rows
