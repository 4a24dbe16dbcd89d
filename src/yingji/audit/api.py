"""GET /api/audit and /api/audit/verify: the log and its chain check, for administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from yingji.audit import anchor, keys, service
from yingji.audit.models import AuditEntry
from yingji.audit.schemas import AuditEntryRead, AuditFilters, VerificationRead
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.errors import Forbidden
from yingji.core.paging import Page, Paging, page_of, paginate
from yingji.deps import DbSession, require


def _unlimited(actor: Annotated[Actor, Depends(require(Permission.AUDIT_READ))]) -> Actor:
    # Entries are not divided by jurisdiction, so only an administrator without a division limit reads them.
    if not actor.is_unlimited:
        raise Forbidden(subcode="audit.read.not_unlimited", reason="审计日志仅限不受区划限制的系统管理员查阅")
    return actor


router = APIRouter(prefix="/api/audit", tags=["审计"], dependencies=[Depends(_unlimited)])


def _read(entry: AuditEntry) -> AuditEntryRead:
    return AuditEntryRead.model_validate(entry, from_attributes=True)


@router.get("", response_model=Page[AuditEntryRead])
def list_entries(
    db_session: DbSession, paging: Paging, filters: Annotated[AuditFilters, Query()]
) -> Page[AuditEntryRead]:
    """审计条目（新的在前，分页），可按对象、操作账号、操作（前缀）和时间段筛选。"""
    query = select(AuditEntry).where(*filters.clauses())
    found, total = paginate(db_session, query, paging, order_by=[AuditEntry.seq.desc()])
    return page_of(found, total, paging, _read)


@router.get("/verify", response_model=VerificationRead)
def verify(db_session: DbSession) -> VerificationRead:
    """校验签名哈希链并与检查点比对：被修改、伪造或删除的条目与回滚会列在 problems 中。"""
    result = service.verify(db_session=db_session, key_file=keys.default_path(), checkpoint_file=anchor.default_path())
    return VerificationRead(
        ok=result.ok,
        entries=result.entries,
        problems=list(result.problems),
        keyed_from=result.keyed_from,
        checkpoint=result.checkpoint,
        notes=list(result.notes),
    )
