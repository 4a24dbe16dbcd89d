"""GET /api/audit and /api/audit/verify: the log and its chain check, for administrators."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from yingji.audit import anchor, keys, service
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.errors import Forbidden
from yingji.deps import DbSession, require


def _unlimited(actor: Annotated[Actor, Depends(require(Permission.AUDIT_READ))]) -> Actor:
    # Entries are not divided by jurisdiction, so only an administrator without a division limit reads them.
    if not actor.is_unlimited:
        raise Forbidden(reason="审计日志仅限不受区划限制的系统管理员查阅")
    return actor


router = APIRouter(prefix="/api/audit", tags=["审计"], dependencies=[Depends(_unlimited)])


@router.get("")
def list_entries(
    db_session: DbSession,
    target_kind: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """最近的审计条目（新的在前）。"""
    return [
        {
            "seq": e.seq,
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "target_kind": e.target_kind,
            "target_key": e.target_key,
            "before": e.before,
            "after": e.after,
            "hash": e.hash,
            "key_id": e.key_id,
        }
        for e in service.list_(db_session=db_session, target_kind=target_kind, limit=limit)
    ]


@router.get("/verify")
def verify(db_session: DbSession) -> dict[str, Any]:
    """校验签名哈希链并与检查点比对：被修改、伪造或删除的条目与回滚会列在 problems 中。"""
    result = service.verify(db_session=db_session, key_file=keys.default_path(), checkpoint_file=anchor.default_path())
    return {
        "ok": result.ok,
        "entries": result.entries,
        "problems": list(result.problems),
        "keyed_from": result.keyed_from,
        "checkpoint": result.checkpoint,
        "notes": list(result.notes),
    }
