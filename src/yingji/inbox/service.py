"""Post notifications to the accounts an event concerns, and read and mark an account's own inbox.

Who an event concerns is the caller's business (each domain knows its parties); this module only resolves
"the officers whose jurisdiction holds this place" and keeps one row per (account, event).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.models import User
from yingji.auth.roles import ROLE_PERMISSIONS, Permission
from yingji.core import divisions
from yingji.core.errors import NotFound
from yingji.core.paging import PageParams
from yingji.inbox.models import Notice, NoticeKind
from yingji.inbox.schemas import NoticeRead, NoticesRead


def _officers(db_session: Session, permission: Permission) -> list[tuple[int, str]]:
    roles = [role for role, granted in ROLE_PERMISSIONS.items() if permission in granted]
    rows = db_session.execute(
        select(User.id, User.division_code).where(
            User.is_active.is_(True),
            User.organisation_id.is_(None),
            User.division_code.is_not(None),
            User.role.in_(roles),
        )
    )
    return [(uid, code) for uid, code in rows if code is not None]


def officers_over(db_session: Session, division_code: str, permission: Permission) -> list[int]:
    """Active government accounts with ``permission`` whose jurisdiction holds the place (county, city, region)."""
    return [uid for uid, code in _officers(db_session, permission) if divisions.contains(code, division_code)]


def officers_overlapping(db_session: Session, codes: Iterable[str], permission: Permission) -> list[int]:
    """Accounts whose jurisdiction overlaps an area either way: a city-wide warning concerns each county too."""
    areas = list(codes)
    return [
        uid
        for uid, code in _officers(db_session, permission)
        if any(divisions.contains(code, area) or divisions.contains(area, code) for area in areas)
    ]


def enterprise_accounts(db_session: Session, organisation_id: int) -> list[int]:
    rows = db_session.scalars(select(User.id).where(User.is_active.is_(True), User.organisation_id == organisation_id))
    return list(rows)


def post(
    db_session: Session,
    *,
    now: datetime,
    user_ids: Iterable[int],
    kind: NoticeKind,
    key: str,
    title: str,
    body: str,
    url: str | None,
    division_code: str | None = None,
) -> int:
    """Add the notice to each account's inbox once (an event already posted to an account is skipped)."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return 0
    seen = set(db_session.scalars(select(Notice.user_id).where(Notice.key == key, Notice.user_id.in_(wanted))))
    rows = [
        {
            "user_id": uid,
            "kind": kind,
            "key": key,
            "title": title[:200],
            "body": body,
            "url": url,
            "division_code": division_code,
            "created_at": now,
            "read_at": None,
        }
        for uid in wanted
        if uid not in seen
    ]
    if rows:
        db_session.execute(insert(Notice), rows)
    return len(rows)


def _own(actor: Actor) -> int:
    if actor.user_id is None:  # the system actor and CLI have no inbox
        raise NotFound(kind="通知", key="")
    return actor.user_id


def unread(db_session: Session, actor: Actor) -> int:
    if actor.user_id is None:
        return 0
    query = select(func.count()).where(Notice.user_id == actor.user_id, Notice.read_at.is_(None))
    return db_session.scalar(query) or 0


def page(db_session: Session, actor: Actor, params: PageParams, *, unread_only: bool = False) -> NoticesRead:
    owner = _own(actor)
    query = select(Notice).where(Notice.user_id == owner)
    if unread_only:
        query = query.where(Notice.read_at.is_(None))
    total = db_session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db_session.scalars(
        query.order_by(Notice.created_at.desc(), Notice.id.desc()).limit(params.limit).offset(params.offset)
    )
    return NoticesRead(
        items=[
            NoticeRead(
                id=n.id,
                kind=n.kind,
                kind_label=n.kind.label,
                title=n.title,
                body=n.body,
                url=n.url,
                created_at=n.created_at,
                read=n.read_at is not None,
            )
            for n in rows
        ],
        total=total,
        limit=params.limit,
        offset=params.offset,
        unread=unread(db_session, actor),
    )


def mark_read(db_session: Session, actor: Actor, now: datetime, notice_id: int | None = None) -> int:
    """Mark one notice (or all of the account's) read; another account's notice is not found."""
    owner = _own(actor)
    query = update(Notice).where(Notice.user_id == owner, Notice.read_at.is_(None))
    if notice_id is not None:
        exists = db_session.scalar(select(Notice.id).where(Notice.id == notice_id, Notice.user_id == owner))
        if exists is None:
            raise NotFound(kind="通知", key=str(notice_id))
        query = query.where(Notice.id == notice_id)
    result = db_session.execute(query.values(read_at=now))
    return int(getattr(result, "rowcount", 0) or 0)
