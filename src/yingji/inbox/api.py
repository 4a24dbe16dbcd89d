"""/api/inbox: the caller's own notifications (never another account's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from yingji.core.paging import Paging
from yingji.core.params import RowId
from yingji.db.session import transaction
from yingji.deps import CurrentActor, CurrentClock, DbSession
from yingji.inbox import service
from yingji.inbox.schemas import MarkedRead, NoticesRead

router = APIRouter(prefix="/api/inbox", tags=["站内通知"])


@router.get("", response_model=NoticesRead)
def list_notices(
    db_session: DbSession,
    actor: CurrentActor,
    paging: Paging,
    unread: Annotated[bool, Query(description="只看未读")] = False,
) -> NoticesRead:
    """本账号的通知（新的在前，分页），含未读数。"""
    return service.page(db_session, actor, paging, unread_only=unread)


@router.post("/{notice_id}/read", response_model=MarkedRead)
def read_one(notice_id: RowId, db_session: DbSession, actor: CurrentActor, clock: CurrentClock) -> MarkedRead:
    with transaction(db_session):
        return MarkedRead(marked=service.mark_read(db_session, actor, clock.now(), notice_id))


@router.post("/read-all", response_model=MarkedRead)
def read_all(db_session: DbSession, actor: CurrentActor, clock: CurrentClock) -> MarkedRead:
    with transaction(db_session):
        return MarkedRead(marked=service.mark_read(db_session, actor, clock.now()))
