"""Search the records a person looks up by name, each kind through its own domain's scope filter.

Every kind asks the filter its domain's lists and single reads use (``incidents.policy.scope``,
``registry.policy.scope``, ``auth.policy.user_scope`` …), so a hit is exactly a record the caller could open; a kind
whose permission the caller lacks (the scope function refuses) is not searched. Text is matched with SQL LIKE,
wildcards escaped (``%`` and ``_`` match themselves), case-insensitively; each kind returns at most ``limit`` hits.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from yingji.auth import policy as auth_policy
from yingji.auth.actor import Actor
from yingji.auth.models import User
from yingji.auth.roles import Permission
from yingji.core.clock import to_local
from yingji.core.errors import Forbidden
from yingji.hazards import policy as hazard_policy
from yingji.hazards.models import Hazard
from yingji.incidents import policy as incident_policy
from yingji.incidents.models import Incident
from yingji.plan_registry import policy as plan_policy
from yingji.plan_registry.models import PlanRecord
from yingji.registry import policy as registry_policy
from yingji.registry.models import Division, Mine, Organisation
from yingji.registry.specs import BY_NAME
from yingji.rules.levels import WarningLevel
from yingji.search.schemas import DEFAULT_PER_KIND, SearchGroup, SearchHit, SearchKind, SearchRead
from yingji.warnings import policy as warning_policy
from yingji.warnings.models import EarlyWarning

Rows = Select[*tuple[Any, ...]]  # a kind's query: its entity, and for some a name beside it


@dataclass(frozen=True)
class _Found:
    """A hit before division codes are put into words."""

    id: int
    title: str
    parts: tuple[str | None, ...]  # the subtitle's pieces; a division code is written as ``@code``
    url: str | None


def _like(q: str, *columns: Any) -> ColumnElement[bool]:
    return or_(*(column.icontains(q, autoescape=True) for column in columns))


def _where(code: str | None) -> str | None:
    return None if code is None else f"@{code}"


def _incidents(actor: Actor, q: str, _pages: Collection[str]) -> tuple[Rows, Callable[[Any], _Found]]:
    query = select(Incident).where(incident_policy.scope(actor), _like(q, Incident.title))
    query = query.order_by(Incident.occurred_at.desc(), Incident.id.desc())

    def hit(row: Any) -> _Found:
        i: Incident = row[0]
        when = to_local(i.occurred_at).strftime("%Y-%m-%d %H:%M")
        return _Found(i.id, i.title, (_where(i.division_code), i.status.label, when), f"/console/incidents/{i.id}")

    return query, hit


def _warnings(actor: Actor, q: str, _pages: Collection[str]) -> tuple[Rows, Callable[[Any], _Found]]:
    query = select(EarlyWarning).where(warning_policy.scope(actor), _like(q, EarlyWarning.title))
    query = query.order_by(EarlyWarning.created_at.desc(), EarlyWarning.id.desc())

    def hit(row: Any) -> _Found:
        w: EarlyWarning = row[0]
        colour = f"{WarningLevel(w.level).label}预警"
        parts = (colour, w.status.label, _where(w.division_code), "演练" if w.is_exercise else None)
        return _Found(w.id, w.title, parts, f"/console/warnings/{w.id}")

    return query, hit


def _organisations(actor: Actor, q: str, _pages: Collection[str]) -> tuple[Rows, Callable[[Any], _Found]]:
    spec = BY_NAME["organisations"]
    actor.require(registry_policy.read_permission(spec))
    query = select(Organisation).where(
        registry_policy.scope(actor, spec), _like(q, Organisation.name, Organisation.credit_code)
    )
    query = query.order_by(Organisation.name, Organisation.id)

    def hit(row: Any) -> _Found:
        o: Organisation = row[0]
        parts = (o.kind.label, _where(o.division_code), o.credit_code)
        return _Found(o.id, o.name, parts, f"/console/records/organisations/{o.id}")

    return query, hit


def _mines(actor: Actor, q: str, _pages: Collection[str]) -> tuple[Rows, Callable[[Any], _Found]]:
    spec = BY_NAME["mines"]
    actor.require(registry_policy.read_permission(spec))
    query = select(Mine, Organisation.name).join(Organisation, Mine.enterprise_id == Organisation.id)
    query = query.where(registry_policy.scope(actor, spec), _like(q, Mine.name)).order_by(Mine.name, Mine.id)

    def hit(row: Any) -> _Found:
        m: Mine = row[0]
        parts = (m.kind.label, m.status.label, row[1], _where(m.division_code))
        return _Found(m.id, m.name, parts, f"/console/records/mines/{m.id}")

    return query, hit


def _hazards(actor: Actor, q: str, pages: Collection[str]) -> tuple[Rows, Callable[[Any], _Found]]:
    query = select(Hazard, Organisation.name).join(Organisation, Hazard.organisation_id == Organisation.id)
    query = query.where(hazard_policy.scope(actor), _like(q, Hazard.description, Hazard.place, Hazard.category))
    query = query.order_by(Hazard.found_on.desc(), Hazard.id.desc())

    def hit(row: Any) -> _Found:
        h: Hazard = row[0]
        title = f"{row[1]} · {h.place}"
        parts = (f"{h.grade.label}隐患", h.state.label, h.category, _where(h.division_code))
        url = (
            f"/console/hazards/{h.id}"
            if "/console/hazards" in pages
            else f"/console/hazards?organisation_id={h.organisation_id}"
        )
        return _Found(h.id, title, parts, url)

    return query, hit


def _plans(actor: Actor, q: str, pages: Collection[str]) -> tuple[Rows, Callable[[Any], _Found]]:
    columns = (PlanRecord.title, PlanRecord.doc_no, PlanRecord.holder_name)
    query = select(PlanRecord).where(plan_policy.scope(actor), _like(q, *columns))
    query = query.order_by(PlanRecord.issued_on.desc(), PlanRecord.id.desc())

    def hit(row: Any) -> _Found:
        p: PlanRecord = row[0]
        parts = (p.plan_type.label, p.holder_name, p.doc_no, _where(p.division_code))
        url = f"/console/plans/{p.id}" if "/console/plans" in pages else f"/console/plans?division={p.division_code}"
        return _Found(p.id, p.title, parts, url)

    return query, hit


def _people(actor: Actor, q: str, _pages: Collection[str]) -> tuple[Rows, Callable[[Any], _Found]]:
    actor.require(Permission.USERS_MANAGE)  # accounts are the administrators' to look up
    query = select(User, Organisation.name).outerjoin(Organisation, User.organisation_id == Organisation.id)
    query = query.where(auth_policy.user_scope(actor), _like(q, User.username, User.display_name))
    query = query.order_by(User.username, User.id)

    def hit(row: Any) -> _Found:
        u: User = row[0]
        parts = (u.username, u.role.label, row[1], _where(u.division_code), None if u.is_active else "已停用")
        return _Found(u.id, u.display_name, parts, None)  # the console has no account page yet

    return query, hit


KINDS: dict[SearchKind, Callable[[Actor, str, Collection[str]], tuple[Rows, Callable[[Any], _Found]]]] = {
    SearchKind.INCIDENT: _incidents,
    SearchKind.WARNING: _warnings,
    SearchKind.ORGANISATION: _organisations,
    SearchKind.MINE: _mines,
    SearchKind.HAZARD: _hazards,
    SearchKind.PLAN: _plans,
    SearchKind.PERSON: _people,
}


def _division_names(db_session: Session, found: Iterable[_Found]) -> dict[str, str]:
    codes = {part[1:] for f in found for part in f.parts if part and part.startswith("@")}
    if not codes:
        return {}
    rows = db_session.execute(select(Division.code, Division.name).where(Division.code.in_(codes))).all()
    return {code: name for code, name in rows}


def search(
    *,
    db_session: Session,
    actor: Actor,
    q: str,
    limit: int = DEFAULT_PER_KIND,
    detail_pages: Collection[str] = (),
) -> SearchRead:
    """Up to ``limit`` hits per kind the caller may read. ``detail_pages`` names the console lists that have a page
    per record (``/console/hazards`` → ``/console/hazards/{id}``); without one a hit opens the list it is in."""
    q = q.strip()
    searched: list[SearchKind] = []
    found: dict[SearchKind, tuple[list[_Found], bool]] = {}
    for kind, build in KINDS.items():
        try:
            query, hit = build(actor, q, detail_pages)
        except Forbidden:  # the caller does not read this kind at all
            continue
        searched.append(kind)
        rows = db_session.execute(query.limit(limit + 1)).all()
        if rows:
            found[kind] = ([hit(row) for row in rows[:limit]], len(rows) > limit)
    names = _division_names(db_session, (f for hits, _ in found.values() for f in hits))

    def words(part: str) -> str:
        return names.get(part[1:], part[1:]) if part.startswith("@") else part

    groups = [
        SearchGroup(
            kind=kind,
            kind_label=kind.label,
            more=more,
            hits=[
                SearchHit(
                    kind=kind,
                    kind_label=kind.label,
                    id=f.id,
                    title=f.title,
                    subtitle=" · ".join(words(p) for p in f.parts if p),
                    url=f.url,
                )
                for f in hits
            ],
        )
        for kind, (hits, more) in found.items()
    ]
    return SearchRead(q=q, limit=limit, groups=groups, searched=searched)
