"""The hazard board: counts per county and sector, and 重大事故隐患动态清零 against the campaigns' milestones.

A major hazard counts as open on a day when it was recorded on or before that day and not yet closed (销号) by
its end; dismissed ones (核实不属实) never count. Zero-clearing is met at a past milestone when none was open.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core import divisions
from yingji.core.clock import Clock, to_local
from yingji.hazards import policy
from yingji.hazards.models import Hazard
from yingji.hazards.schemas import BoardRead, BoardRow, Counts, MilestoneRead, MilestoneStatus, ZeroClearingRead
from yingji.ledger.schema import Campaign, campaigns
from yingji.registry import divisions as division_names
from yingji.registry.enums import EnterpriseSector
from yingji.rules.hazards import HazardGrade, HazardState, is_overdue


@dataclass(frozen=True)
class Fact:
    """The columns the board needs from one hazard."""

    division_code: str
    sector: EnterpriseSector | None
    state: HazardState
    grade: HazardGrade
    deadline: date | None
    recorded_on: date
    closed_on: date | None


def facts(db_session: Session, actor: Actor, division: str | None) -> list[Fact]:
    query = select(
        Hazard.division_code,
        Hazard.sector,
        Hazard.state,
        Hazard.grade,
        Hazard.deadline,
        Hazard.created_at,
        Hazard.closed_at,
    ).where(policy.scope(actor))
    if division is not None:
        query = query.where(Hazard.division_code.startswith(divisions.stem(division), autoescape=True))
    return [
        Fact(code, sector, state, grade, deadline, _day(created), _day(closed) if closed else None)
        for code, sector, state, grade, deadline, created, closed in db_session.execute(query)
    ]


def _day(moment: datetime) -> date:
    return to_local(moment).date()


def is_open(fact: Fact) -> bool:
    return fact.state not in (HazardState.CLOSED, HazardState.DISMISSED)


def open_major_on(found: list[Fact], day: date) -> int:
    return sum(
        1
        for f in found
        if f.grade is HazardGrade.MAJOR
        and f.state is not HazardState.DISMISSED
        and f.recorded_on <= day
        and (f.closed_on is None or f.closed_on > day)
    )


def _inside(campaign: Campaign, found: list[Fact]) -> list[Fact]:
    return [f for f in found if divisions.contains(campaign.division_code, f.division_code)]


def zero_clearing(campaign: Campaign, found: list[Fact], on: date) -> list[MilestoneRead]:
    """Each 动态清零 milestone: the open major hazards on its date (or today, before it) and whether it is met."""
    inside = _inside(campaign, found)
    rows = []
    for milestone in (m for m in campaign.milestones if m.kind == "zero_clearing"):
        as_of = min(milestone.due, on)
        count = open_major_on(inside, as_of)
        if milestone.due > on:
            status = MilestoneStatus.PENDING
        else:
            status = MilestoneStatus.MET if count == 0 else MilestoneStatus.MISSED
        rows.append(
            MilestoneRead(
                due=milestone.due,
                text=milestone.text,
                as_of=as_of,
                open_major=count,
                status=status,
                status_label=status.label,
                seed=milestone.seed,
            )
        )
    return rows


def campaigns_in_scope(actor: Actor) -> list[Campaign]:
    """Campaigns of the actor's jurisdiction: those it covers and the one its own division lies in."""
    if actor.organisation_id is not None:
        return []
    return [
        c
        for c in campaigns().values()
        if actor.covers_division(c.division_code)
        or (actor.division_code is not None and divisions.contains(c.division_code, actor.division_code))
    ]


def visible_campaigns(actor: Actor) -> list[Campaign]:
    """The zero-clearing (动态清零) campaigns in scope: the others are ledger programmes, not hazard-board sections."""
    return [c for c in campaigns_in_scope(actor) if any(m.kind == "zero_clearing" for m in c.milestones)]


COUNTS = ("total", "open", "overdue", "closed", "major_open")


def board(*, db_session: Session, clock: Clock, actor: Actor, division: str | None = None) -> BoardRead:
    on = to_local(clock.now()).date()
    found = facts(db_session, actor, division)
    campaign_facts = found if division is None else facts(db_session, actor, None)  # 清零 is campaign-wide
    groups: dict[tuple[str, EnterpriseSector], Counter[str]] = {}
    for f in found:
        key = (divisions.county_of(f.division_code), f.sector or EnterpriseSector.OTHER)
        counter = groups.setdefault(key, Counter())
        counter["total"] += 1
        counter["open"] += is_open(f)
        counter["overdue"] += is_overdue(f.state, f.deadline, on)
        counter["closed"] += f.state is HazardState.CLOSED
        counter["major_open"] += is_open(f) and f.grade is HazardGrade.MAJOR
    names = division_names.names(db_session, (k[0] for k in groups))
    rows = [
        BoardRow(
            division_code=code,
            division=names.get(code, code),
            sector=sector.value,
            sector_label=sector.label,
            **{k: counter[k] for k in COUNTS},
        )
        for (code, sector), counter in sorted(groups.items())
    ]
    return BoardRead(
        as_of=on,
        rows=rows,
        totals=Counts(**{k: sum(c[k] for c in groups.values()) for k in COUNTS}),
        zero_clearing=[
            ZeroClearingRead(
                campaign=c.id,
                title=c.title,
                milestones=zero_clearing(c, campaign_facts, on),
                open_major_now=open_major_on(_inside(c, campaign_facts), on),
            )
            for c in visible_campaigns(actor)
        ],
    )
