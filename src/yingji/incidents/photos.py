"""Site photos carried by a 续报: the submitter attaches them to their own report (named by the client key it was
sent with, which the phone form already holds), bounded in size and number, the type checked by the file's leading
bytes; each is recorded on the timeline so the room shows it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock
from yingji.core.errors import Forbidden, InvalidInput, InvalidState, NotFound
from yingji.incidents import service, timeline
from yingji.incidents.enums import TimelineKind
from yingji.incidents.models import Incident, Report, ReportPhoto
from yingji.incidents.schemas import PhotoRead

MAX_PHOTO_BYTES = 10 * 1024 * 1024  # a phone camera's JPEG is 2–6 MB; the page scales larger ones down first
MAX_PHOTOS_PER_REPORT = 6
PHOTO_TYPES = {"image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",), "image/webp": (b"RIFF",)}


def _sniffed(content_type: str, data: bytes) -> bool:
    """The declared type is what the leading bytes say (WebP: RIFF, then WEBP at byte 8)."""
    starts = PHOTO_TYPES.get(content_type, ())
    if not any(data.startswith(s) for s in starts):
        return False
    return content_type != "image/webp" or data[8:12] == b"WEBP"


def attach(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    incident_id: int,
    report_key: str,
    filename: str,
    content_type: str,
    data: bytes,
) -> ReportPhoto:
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    if not actor.has(Permission.INCIDENTS_REPORT):
        raise Forbidden(subcode="incident.photo.role", reason="该角色不能提交事故报告，也不能附照片")
    report = db_session.scalars(
        select(Report).where(
            Report.incident_id == incident.id,
            Report.submitted_by == actor.username,
            Report.client_key == report_key,
        )
    ).first()
    if report is None:  # only the submitter's own report: another's key is not found
        raise NotFound(kind="报告", key=report_key)
    name = filename.strip()
    if not name or len(name) > 200 or any(c in name for c in "/\\\0"):
        raise InvalidInput(field="filename", reason="filename：文件名须为 1–200 个字符且不含路径")
    if content_type not in PHOTO_TYPES:
        raise InvalidInput(field="content_type", reason=f"content_type：照片只接受 {'、'.join(PHOTO_TYPES)}")
    if not data or len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput(field="body", reason=f"照片须为 1 字节至 {MAX_PHOTO_BYTES // 1048576} MiB")
    if not _sniffed(content_type, data):
        raise InvalidInput(field="body", reason=f"文件内容不是 {content_type} 图片")
    incident = service.lock(db_session, incident)  # counted and numbered under the incident's lock
    count = db_session.scalar(select(func.count()).where(ReportPhoto.report_id == report.id)) or 0
    if count >= MAX_PHOTOS_PER_REPORT:
        raise InvalidState(
            field="report_key",
            subcode="incident.photo.too_many",
            reason=f"每份报告最多附 {MAX_PHOTOS_PER_REPORT} 张照片",
        )
    digest = hashlib.sha256(data).hexdigest()
    row = ReportPhoto(
        incident_id=incident.id,
        report_id=report.id,
        filename=name,
        content_type=content_type,
        size=len(data),
        sha256=digest,
        data=data,
        uploaded_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(row)
    db_session.flush()
    timeline.record_event(
        db_session=db_session,
        clock=clock,
        incident=incident,
        actor=actor.username,
        kind=TimelineKind.REPORT_PHOTO.value,
        summary=f"{report.kind.label}附现场照片：{name}（{max(1, len(data) // 1024)} KB）",
        data={"report_id": report.id, "photo_id": row.id, "sha256": digest},
    )
    return row


def of_incident(db_session: Session, incident: Incident) -> list[ReportPhoto]:
    """The incident's photos in the order they came, without their bytes."""
    query = (
        select(ReportPhoto)
        .options(defer(ReportPhoto.data))
        .where(ReportPhoto.incident_id == incident.id)
        .order_by(ReportPhoto.id)
    )
    return list(db_session.scalars(query))


def get(*, db_session: Session, actor: Actor, incident_id: int, photo_id: int) -> ReportPhoto:
    incident = service.get(db_session=db_session, actor=actor, incident_id=incident_id)
    row = db_session.get(ReportPhoto, photo_id)
    if row is None or row.incident_id != incident.id:
        raise NotFound(kind="照片", key=str(photo_id))
    return row


def read(row: ReportPhoto) -> PhotoRead:
    return PhotoRead(
        id=row.id,
        report_id=row.report_id,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        uploaded_by=row.uploaded_by,
        created_at=row.created_at,
        url=f"/api/incidents/{row.incident_id}/photos/{row.id}",
    )


def read_all(rows: Sequence[ReportPhoto]) -> list[PhotoRead]:
    return [read(r) for r in rows]
