"""The programmes' yearly targets in the ledger, computed from the registry — never typed in.

Each (target, year) becomes a ledger target ``<target id>.<year>`` (a full-coverage goal is 100 %); ``sync`` counts
the registry and appends the year's value to the ledger when it changed, source “物业登记数据自动计算”.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.core import divisions
from yingji.core.clock import Clock, to_local
from yingji.ledger.models import Target, TargetValue
from yingji.property.duties import streets_with_meeting
from yingji.property.models import Committee, Compound, CountyProfile, CreditResult, Management, PropertyCompany
from yingji.property.schema import Programme, TargetMeasure, YearValue, all_programmes
from yingji.property.service import require
from yingji.registry.enums import DivisionLevel
from yingji.registry.models import Division
from yingji.rules.property import at_least

SOURCE = "物业登记数据自动计算"

CompoundTest = Callable[[Compound], bool]
COMPOUND_COUNTS: dict[str, CompoundTest] = {
    "compounds": lambda c: True,
    "eligible_compounds": lambda c: c.committee_eligible,
    "compounds_with_committee": lambda c: c.committee is not Committee.NONE,
    "compounds_with_property_service": lambda c: c.management is not Management.NONE,
    "professionally_managed_compounds": lambda c: c.management is Management.PROFESSIONAL,
    "new_compounds": lambda c: c.is_new,
    "professionally_managed_new_compounds": lambda c: c.is_new and c.management is Management.PROFESSIONAL,
    "old_compounds": lambda c: c.is_old,
    "old_compounds_with_property_service": lambda c: c.is_old and c.management is not Management.NONE,
    "red_property_compounds": lambda c: c.red_property,
    "compounds_with_public_income": lambda c: c.has_public_income,
    "compounds_with_separate_income_account": lambda c: c.has_public_income and c.separate_income_account,
    "grade_two_or_above_projects": lambda c: c.service_grade is not None and c.service_grade <= 2,
    "region_excellent_projects": lambda c: c.region_excellent,
}
COMPOUND_SUMS: dict[str, Callable[[Compound], int]] = {
    "new_compound_fixed_parking_spaces": lambda c: c.fixed_parking_spaces if c.is_new else 0,
    "new_compound_spaces_with_charging": lambda c: c.spaces_with_charging if c.is_new else 0,
    "committee_members": lambda c: c.committee_members or 0,
    "committee_party_members": lambda c: c.committee_party_members or 0,
}
COMPANY_SUMS = (
    "staff",
    "staff_pre_job_trained",
    "professional_post_staff",
    "professional_post_staff_continuing_educated",
)


class Counter:
    """Counts the registry's quantities under one or more division prefixes, as of the end of ``year``."""

    def __init__(self, db_session: Session, prefixes: list[str], year: int) -> None:
        self.db, self.prefixes, self.year = db_session, prefixes, year
        self._compounds: list[Compound] | None = None
        self._by_level: dict[DivisionLevel, list[str]] = {}

    def _under(self, code: str) -> bool:
        return any(code.startswith(p) for p in self.prefixes)

    def compounds(self) -> list[Compound]:
        if self._compounds is None:
            self._compounds = [c for c in self.db.scalars(select(Compound)) if self._under(c.division_code)]
        return self._compounds

    def count(self, quantity: str, within: str | None = None) -> float:
        """The quantity; a compound count ``within`` another counts only compounds in both (a share's numerator
        never counts compounds outside its denominator, e.g. committees of compounds not eligible for one)."""
        if quantity in COMPOUND_COUNTS:
            outer = COMPOUND_COUNTS.get(within or "compounds", COMPOUND_COUNTS["compounds"])
            inner = COMPOUND_COUNTS[quantity]

            def test(c: Compound) -> bool:
                return inner(c) and outer(c)

            if quantity == "compounds_with_committee":  # a committee counts from the day it was formed
                end = date(self.year, 12, 31)
                return sum(
                    1
                    for c in self.compounds()
                    if test(c) and (c.committee_formed_on is None or c.committee_formed_on <= end)
                )
            return sum(1 for c in self.compounds() if test(c))
        if quantity in COMPOUND_SUMS:
            return sum(COMPOUND_SUMS[quantity](c) for c in self.compounds())
        if quantity in COMPANY_SUMS:
            return float(sum(int(getattr(c, quantity)) for c in self._companies))
        if quantity == "aa_or_above_companies":
            return self._aa_companies()
        if quantity == "counties":
            return len(self._divisions(DivisionLevel.COUNTY))
        if quantity == "counties_with_industry_party_committee":
            end = date(self.year, 12, 31)
            counties = set(self._divisions(DivisionLevel.COUNTY))
            rows = self.db.scalars(select(CountyProfile).where(CountyProfile.industry_party_committee_on <= end))
            return sum(1 for r in rows if r.division_code in counties)
        if quantity == "streets":
            return len(self._divisions(DivisionLevel.TOWN))
        if quantity == "streets_with_joint_meeting":
            return sum(streets_with_meeting(self.db, p) for p in self.prefixes)
        raise ValueError(f"unknown quantity {quantity}")

    @cached_property
    def _companies(self) -> list[PropertyCompany]:
        return [c for c in self.db.scalars(select(PropertyCompany)) if self._under(c.division_code)]

    def _divisions(self, level: DivisionLevel) -> list[str]:
        if level not in self._by_level:
            codes = self.db.scalars(select(Division.code).where(Division.level == level))
            self._by_level[level] = [c for c in codes if self._under(c)]
        return self._by_level[level]

    def _aa_companies(self) -> int:
        """Companies whose latest result published for a year up to ``year`` is AA or above."""
        latest: dict[int, CreditResult] = {}
        query = select(CreditResult).where(CreditResult.year <= self.year).order_by(CreditResult.year)
        for row in self.db.scalars(query):
            latest[row.company_id] = row
        ours = {c.id for c in self._companies}
        return sum(1 for cid, r in latest.items() if cid in ours and at_least(r.grade, "AA"))


def measure(counter: Counter, how: TargetMeasure) -> float | None:
    """The measure's value: a count, or a share in % (None when the denominator is empty)."""
    if how.kind == "count":
        assert how.of is not None
        return counter.count(how.of)
    assert how.numerator is not None and how.denominator is not None
    denominator = counter.count(how.denominator)
    if denominator == 0:
        return None
    return round(counter.count(how.numerator, within=how.denominator) * 100 / denominator, 2)


def _prefixes(programme: Programme, goal: YearValue) -> list[str]:
    codes = goal.within_codes or [programme.division_code]
    return [divisions.stem(code) for code in codes]


def code_of(target_id: str, year: int) -> str:
    return f"{target_id}.{year}"


def load(*, db_session: Session, clock: Clock, actor: Actor) -> int:
    """Put each programme target's yearly goal into the ledger (idempotent); returns rows added."""
    have = {(p, c) for p, c in db_session.execute(select(Target.programme, Target.code)).all()}
    added = 0
    for programme in all_programmes().values():
        for target in programme.targets:
            for goal in target.values:
                code = code_of(target.id, goal.year)
                if (programme.id, code) in have:
                    continue
                scope = f"（{'、'.join(goal.within)}）" if goal.within else ""
                db_session.add(
                    Target(
                        programme=programme.id,
                        code=code,
                        name=f"{target.name}{scope}",
                        unit=target.unit,
                        kind=None,
                        direction=target.direction,
                        baseline_year=None,
                        baseline_value=None,
                        change_percent=None,
                        target_value=100.0 if goal.full else goal.value,
                        target_year=goal.year,
                        division_code=programme.division_code,
                        seed=goal.seed,
                        created_at=clock.now(),
                    )
                )
                added += 1
    if added:
        _audit(db_session, clock, actor, "load", rows=str(added))
    return added


def compute(db_session: Session, programme: Programme, year: int) -> list[dict[str, Any]]:
    """Every target of a programme with its goal for ``year`` (where set) and the value the registry gives now."""
    out = []
    counters: dict[tuple[str, ...], Counter] = {}  # one registry read per distinct area, not per target
    for target in programme.targets:
        goal = next((v for v in target.values if v.year == year), None)
        reach = goal or target.values[-1]
        prefixes = tuple(_prefixes(programme, reach))
        counter = counters.setdefault(prefixes, Counter(db_session, list(prefixes), year))
        value = measure(counter, target.measure)
        out.append(
            {
                "target": target.id,
                "name": target.name,
                "unit": target.unit,
                "year": year,
                "goal": (100.0 if goal.full else goal.value) if goal else None,
                "full": bool(goal and goal.full),
                "within": list(reach.within),
                "value": value,
                "met": None if goal is None or value is None else value >= (100.0 if goal.full else goal.value or 0),
                "seed": goal.seed if goal else target.seed,
            }
        )
    return out


def visible(db_session: Session, actor: Actor, year: int) -> list[dict[str, Any]]:
    """The targets of each programme the caller covers or works inside (a street sees its district's), computed."""
    require(actor)
    out = []
    for programme in all_programmes().values():
        inside = actor.division_code is not None and divisions.contains(programme.division_code, actor.division_code)
        if actor.covers_division(programme.division_code) or inside:
            rows = compute(db_session, programme, year)
            out.append({"programme": programme.id, "title": programme.title, "doc_no": programme.doc_no, "rows": rows})
    return out


def sync(*, db_session: Session, clock: Clock, actor: Actor) -> int:
    """Append this year's computed value to each of this year's ledger targets whose value changed."""
    year = to_local(clock.now()).year
    targets = {(t.programme, t.code): t for t in db_session.scalars(select(Target))}
    latest: dict[int, float] = {}
    for row in db_session.scalars(select(TargetValue).where(TargetValue.year == year).order_by(TargetValue.id)):
        latest[row.target_id] = row.value
    written = 0
    for programme in all_programmes().values():
        for computed in compute(db_session, programme, year):
            target = targets.get((programme.id, code_of(computed["target"], year)))
            if target is None or computed["value"] is None or latest.get(target.id) == computed["value"]:
                continue
            db_session.add(
                TargetValue(
                    target_id=target.id,
                    year=year,
                    value=computed["value"],
                    source=SOURCE,
                    actor=actor.username,
                    created_at=clock.now(),
                )
            )
            written += 1
    if written:
        _audit(db_session, clock, actor, "sync", values=str(written), year=str(year))
    return written


def _audit(db_session: Session, clock: Clock, actor: Actor, step: str, **detail: str) -> None:
    db_session.flush()
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action=f"property.targets.{step}",
        target_kind="ledger",
        target_key="property",
        detail=detail,
    )
