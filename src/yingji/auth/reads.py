"""Account read models: role labels, division and enterprise names (one lookup each per page), allowed actions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth import policy
from yingji.auth.actor import Actor
from yingji.auth.models import User
from yingji.auth.roles import Permission
from yingji.auth.schemas import AccountRead, MeRead, UserRead
from yingji.registry import divisions
from yingji.registry.enums import OrganisationKind
from yingji.registry.models import Organisation


def _enterprises(db_session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {
        i: name
        for i, name in db_session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids)))
    }


def users(db_session: Session, found: Sequence[User]) -> list[UserRead]:
    places = divisions.names(db_session, (u.division_code for u in found if u.division_code))
    firms = _enterprises(db_session, {u.organisation_id for u in found if u.organisation_id is not None})
    return [
        UserRead(
            username=u.username,
            display_name=u.display_name,
            role=u.role,
            role_label=u.role.label,
            division_code=u.division_code,
            division_name=places.get(u.division_code) if u.division_code else None,
            organisation_id=u.organisation_id,
            organisation_name=firms.get(u.organisation_id) if u.organisation_id is not None else None,
            is_active=u.is_active,
        )
        for u in found
    ]


def user(db_session: Session, found: User) -> UserRead:
    return users(db_session, [found])[0]


def accounts(db_session: Session, actor: Actor, found: Sequence[User]) -> list[AccountRead]:
    """Accounts as their managers see them, with the caller's allowed actions."""
    return [
        AccountRead(**read.model_dump(), allowed_actions=policy.account_actions(actor, row))
        for read, row in zip(users(db_session, found), found, strict=True)
    ]


def me(db_session: Session, actor: Actor) -> MeRead:
    place = divisions.names(db_session, [actor.division_code] if actor.division_code else [])
    firm = _enterprises(db_session, {actor.organisation_id} if actor.organisation_id is not None else set())
    return MeRead(
        username=actor.username,
        role=actor.role,
        role_label=actor.role.label,
        division_code=actor.division_code,
        division_name=place.get(actor.division_code) if actor.division_code else None,
        organisation_id=actor.organisation_id,
        organisation_name=firm.get(actor.organisation_id) if actor.organisation_id is not None else None,
        permissions=[p for p in Permission if actor.has(p)],
    )


def signatures(db_session: Session, usernames: Iterable[str]) -> dict[str, tuple[str, str]]:
    """username → (the person's name, the unit they sign for) on official paper: an enterprise account's
    enterprise; an officer's registered emergency-management bureau of its division, else the division and role
    (no bureau name is invented). Unknown accounts (system) are left out."""
    found = list(db_session.scalars(select(User).where(User.username.in_(set(usernames)))))
    places = divisions.full_names(db_session, (u.division_code for u in found if u.division_code))
    firms = _enterprises(db_session, {u.organisation_id for u in found if u.organisation_id is not None})
    codes = {u.division_code for u in found if u.division_code and u.organisation_id is None}
    bureaus: dict[str, str] = {}
    if codes:
        query = select(Organisation.division_code, Organisation.name).where(
            Organisation.division_code.in_(codes),
            Organisation.kind == OrganisationKind.DEPARTMENT,
            Organisation.name.endswith("应急管理局"),
        )
        for code, name in db_session.execute(query.order_by(Organisation.id.desc())):
            bureaus[code] = name
    out: dict[str, tuple[str, str]] = {}
    for u in found:
        if u.organisation_id is not None:
            unit = firms.get(u.organisation_id, "")
        elif u.division_code:
            unit = bureaus.get(u.division_code) or f"{places.get(u.division_code, u.division_code)}（{u.role.label}）"
        else:
            unit = u.role.label
        out[u.username] = (u.display_name, unit)
    return out
