"""Networking feeds: registration, taking a file in (HTTP, drop folder, CLI), the drop-folder poll and the
stopped-feed warning. A file is parsed and adapted record by record; its report is stored and answered."""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission, Role
from yingji.config import Settings
from yingji.core.clock import Clock
from yingji.core.errors import Conflict, Forbidden, InvalidInput
from yingji.core.paging import Page, PageParams, paged, paginate
from yingji.db.session import transaction
from yingji.monitoring.cluster.edge import EdgeRunner
from yingji.monitoring.engine import MonitoringEngine
from yingji.monitoring.networking import adapter
from yingji.monitoring.networking.models import (
    FileSource,
    NetworkingFeed,
    NetworkingFeedEvent,
    NetworkingFile,
)
from yingji.monitoring.networking.parser import MAX_FILE_BYTES, FileParser
from yingji.monitoring.networking.profile import FileType, profile_by_id
from yingji.monitoring.networking.schemas import (
    FeedFilters,
    FeedIn,
    FeedRead,
    ImportReport,
    RejectRead,
)
from yingji.registry import divisions
from yingji.registry.models import Mine, Organisation
from yingji.rules.levels import WarningLevel
from yingji.rules.networking import stale_grade

logger = logging.getLogger(__name__)
STALE_CYCLES = 3  # no file for 3 declared cycles: the feed has stopped (YINGJI_NETWORKING_STALE_CYCLES)
SETTLE_S = 2.0  # a drop file younger than this may still be arriving over FTP/SFTP
PARTIAL = (".tmp", ".part", ".filepart", ".report.json")
ORDER = {kind: n for n, kind in enumerate(FileType)}  # definitions first, the mine's alarms last
DONE, REJECTED = "done", "rejected"


@dataclass(frozen=True)
class Inputs:
    """Where profiles and drop files live and when a feed counts as stopped (from Settings)."""

    profiles_dir: Path | None = None
    drop: Path | None = None
    stale_cycles: int = STALE_CYCLES
    settle_s: float = SETTLE_S


def inputs(settings: Settings) -> Inputs:
    return Inputs(
        profiles_dir=settings.networking_profiles,
        drop=settings.networking_drop,
        stale_cycles=settings.networking_stale_cycles,
    )


# --- feeds ----------------------------------------------------------------------------------------------------------


def register_feed(
    *, db_session: Session, clock: Clock, actor: Actor, data: FeedIn, inputs: Inputs = Inputs()
) -> NetworkingFeed:
    """Create or update a mine's feed (by mine); audited. The profile must exist (422)."""
    actor.require(Permission.REGISTRY_WRITE)
    profile = profile_by_id(data.profile, inputs.profiles_dir)
    mine = db_session.scalars(select(Mine).where(Mine.name == data.mine)).first()
    if mine is None or not actor.covers_record(division_code=mine.division_code, organisation_id=mine.enterprise_id):
        raise InvalidInput(field="mine", reason=f"未找到矿山「{data.mine}」（或不在管辖范围内）")
    taken = db_session.scalars(select(NetworkingFeed).where(NetworkingFeed.code == data.code)).first()
    if taken is not None and taken.mine_id != mine.id:
        raise Conflict(reason=f"联网编码「{data.code}」已用于其他矿山", subcode="monitoring.networking.code_taken")
    feed = db_session.scalars(select(NetworkingFeed).where(NetworkingFeed.mine_id == mine.id)).first()
    before = _describe(feed) if feed is not None else None
    if feed is None:
        feed = NetworkingFeed(mine_id=mine.id, registered_at=clock.now())
    feed.code, feed.profile = data.code, profile.id
    feed.cycle_s = data.cycle_s or profile.cycle_s
    feed.enterprise_id, feed.division_code = mine.enterprise_id, mine.division_code
    db_session.add(feed)
    db_session.flush()
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action=f"monitoring.networking.feed.{'create' if before is None else 'update'}",
        target_kind="networking_feed",
        target_key=str(feed.id),
        before=before,
        after=_describe(feed),
    )
    return feed


def _describe(feed: NetworkingFeed) -> dict[str, Any]:
    return {"mine_id": feed.mine_id, "code": feed.code, "profile": feed.profile, "cycle_s": feed.cycle_s}


def feed_by_code(db_session: Session, code: str) -> NetworkingFeed | None:
    return db_session.scalars(select(NetworkingFeed).where(NetworkingFeed.code == code)).first()


def feed_actor(feed: NetworkingFeed) -> Actor:
    """Who a drop-folder or CLI file acts as: the mine enterprise's transmission box, like its gateway."""
    return Actor(username=f"networking:{feed.code}", role=Role.ENTERPRISE_REPORTER, organisation_id=feed.enterprise_id)


def upload_feed(db_session: Session, actor: Actor, code: str) -> NetworkingFeed:
    """The feed an HTTP upload names: a gateway of the mine's own enterprise only (else 403)."""
    actor.require(Permission.MONITORING_INGEST)
    if actor.organisation_id is None:
        raise Forbidden(reason="联网文件只能由企业网关账号上传", subcode="monitoring.networking.not_gateway")
    feed = feed_by_code(db_session, code)
    if feed is None or feed.enterprise_id != actor.organisation_id:
        raise InvalidInput(
            field="mine", reason=f"联网编码「{code[:40]}」未在本企业登记", subcode="monitoring.networking.unknown_feed"
        )
    return feed


# --- taking a file in -----------------------------------------------------------------------------------------------


def import_bytes(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    engine: MonitoringEngine,
    feed: NetworkingFeed,
    data: bytes,
    name: str,
    source: FileSource,
    inputs: Inputs = Inputs(),
    edge: EdgeRunner | None = None,
) -> ImportReport:
    """Parse and adapt one file, store its report, and update the feed (a file with any accepted record ends a
    stopped-feed warning). ``edge``: this process is a cluster edge, the readings go to the stream."""
    profile = profile_by_id(feed.profile, inputs.profiles_dir)
    parser = FileParser(data, profile, name[:200])
    outcome = adapter.Adapter(db_session, clock, actor, engine, feed, profile, parser, edge=edge).run()
    accepted = parser.accepted - outcome.refused
    now = clock.now()
    with transaction(db_session):
        row = NetworkingFile(
            feed_id=feed.id,
            name=name[:200],
            source=source,
            actor=actor.username[:64],
            received_at=now,
            size=len(data),
            encoding=parser.encoding or "-",
            file_types=parser.batches,
            records=parser.accepted + parser.rejected - outcome.refused,  # the adapter refuses parsed records
            accepted=accepted,
            rejected=parser.rejected,
            report={},
        )
        fields: dict[str, Any] = dict(
            file=name[:200],
            feed=feed.code,
            encoding=row.encoding,
            file_types=parser.batches,
            records=row.records,
            accepted=accepted,
            rejected_count=parser.rejected,
            rejected=[RejectRead(**reject.as_dict()) for reject in parser.rejects],
            warnings=parser.warnings,
            **adapter.describe(outcome),
        )
        row.report = ImportReport(file_id=None, **fields).model_dump(mode="json", exclude={"file_id"})
        db_session.add(row)
        current = db_session.get(NetworkingFeed, feed.id, with_for_update=True, populate_existing=True)
        assert current is not None
        current.last_file_at = now if current.last_file_at is None else max(now, current.last_file_at)
        if outcome.last_data_at is not None and (
            current.last_data_at is None or outcome.last_data_at > current.last_data_at
        ):
            current.last_data_at = outcome.last_data_at
        if accepted > 0 and current.grade is not None:
            silent = now - (current.stale_since or now)
            _event(db_session, current, now, "cleared", None, f"联网文件恢复（中断约 {_minutes(silent)} 分钟）")
            current.grade, current.stale_since = None, None
        db_session.flush()
        return ImportReport(file_id=row.id, **fields)


def _minutes(span: timedelta) -> int:
    return max(0, round(span.total_seconds() / 60))


def _event(db_session: Session, feed: NetworkingFeed, at: datetime, kind: str, grade: int | None, text: str) -> None:
    db_session.add(NetworkingFeedEvent(feed_id=feed.id, at=at, kind=kind, grade=grade, text=text))


# --- the drop folder ------------------------------------------------------------------------------------------------


def _drop_files(folder: Path, now: float, settle_s: float) -> list[Path]:
    found = [
        path
        for path in folder.iterdir()
        if path.is_file()
        and not path.name.startswith(".")
        and not path.name.lower().endswith(PARTIAL)
        and now - path.stat().st_mtime >= settle_s
    ]
    return sorted(found, key=lambda path: (_order(path.name), path.name))


def _order(name: str) -> int:
    upper = name.upper()
    return min((n for kind, n in ORDER.items() if kind.value in upper), default=len(ORDER))


def _move(path: Path, folder: Path, report: dict[str, Any]) -> Path:
    """Move a processed file into ``folder`` (a name taken already gets a suffix) with its report beside it."""
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    n = 1
    while target.exists():
        target = folder / f"{path.stem}.{n}{path.suffix}"
        n += 1
    os.replace(path, target)
    target.with_name(target.name + ".report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return target


def poll_drop(
    *,
    makers: sessionmaker[Session],
    clock: Clock,
    engine: MonitoringEngine,
    inputs: Inputs,
    edge: EdgeRunner | None = None,
) -> list[dict[str, Any]]:
    """Take every settled file under ``<drop>/<feed code>/``; each goes to done/ (any record accepted, or nothing
    refused) or rejected/, with its report. Files of an unregistered folder are rejected likewise. On a cluster edge
    (``edge``) the readings are published to the stream; the rest is written here as in the single process."""
    drop = inputs.drop
    if drop is None or not drop.is_dir():
        return []
    reports: list[dict[str, Any]] = []
    now = time.time()
    for folder in sorted(p for p in drop.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = _drop_files(folder, now, inputs.settle_s)
        if not files:
            continue
        with makers() as db_session:
            feed = feed_by_code(db_session, folder.name)
        for path in files:
            report = _take(makers, clock, engine, feed, path, inputs, edge)
            accepted = report.get("accepted", 0) > 0 or report.get("rejected_count", 1) == 0
            _move(path, folder / (DONE if accepted else REJECTED), report)
            reports.append(report)
    return reports


def _take(
    makers: sessionmaker[Session],
    clock: Clock,
    engine: MonitoringEngine,
    feed: NetworkingFeed | None,
    path: Path,
    inputs: Inputs,
    edge: EdgeRunner | None = None,
) -> dict[str, Any]:
    def refused(reason: str) -> dict[str, Any]:
        reject = {"file": path.name, "line": 0, "record": 0, "file_type": None, "field": "(文件)", "reason": reason}
        return {"file": path.name, "accepted": 0, "rejected_count": 1, "rejected": [reject]}

    if feed is None:
        return refused(f"目录「{path.parent.name}」不是已登记的矿井联网编码")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return refused(f"文件超过 {MAX_FILE_BYTES // 1048576} MB，请分文件传输")
    try:
        with makers() as db_session:
            report = import_bytes(
                db_session=db_session,
                clock=clock,
                actor=feed_actor(feed),
                engine=engine,
                feed=feed,
                data=path.read_bytes(),
                name=path.name,
                source=FileSource.DROP,
                inputs=inputs,
                edge=edge,
            )
        return report.model_dump(mode="json")
    except InvalidInput as err:  # the feed's profile went missing: the file waits in rejected/ with the reason
        return refused(err.render())


# --- stopped feeds --------------------------------------------------------------------------------------------------


def check_feeds(*, db_session: Session, clock: Clock, cycles: int = STALE_CYCLES) -> int:
    """Raise or grade up the stopped-feed warning of every feed silent for ``cycles`` declared cycles; returns how
    many feeds changed. It ends when a file with an accepted record arrives (``import_bytes``)."""
    now = clock.now()
    changed = 0
    with transaction(db_session):
        for feed in db_session.scalars(select(NetworkingFeed).order_by(NetworkingFeed.id).with_for_update()):
            heard = feed.last_file_at or feed.registered_at
            grade = stale_grade((now - heard).total_seconds(), feed.cycle_s, cycles)
            if grade is None or (feed.grade is not None and grade.value >= feed.grade):
                continue
            silent = _minutes(now - heard)
            if feed.grade is None:
                feed.stale_since = heard + timedelta(seconds=feed.cycle_s * cycles)
                _event(db_session, feed, now, "raised", grade.value, f"联网文件中断：{silent} 分钟未收到文件")
            else:
                _event(db_session, feed, now, "graded", grade.value, f"联网文件中断 {silent} 分钟，升为{grade.label}")
            feed.grade = grade.value
            changed += 1
    return changed


# --- read side ------------------------------------------------------------------------------------------------------


def feeds_page(*, db_session: Session, actor: Actor, params: PageParams, filters: FeedFilters) -> Page[FeedRead]:
    query = select(NetworkingFeed).where(
        actor.record_filter(NetworkingFeed.division_code, NetworkingFeed.enterprise_id)
    )
    if filters.stale is not None:
        query = query.where(NetworkingFeed.grade.is_not(None) if filters.stale else NetworkingFeed.grade.is_(None))
    found, total = paginate(db_session, query, params, order_by=[NetworkingFeed.grade.is_(None), NetworkingFeed.id])
    return paged(feed_reads(db_session, found), total, params)


def feed_reads(db_session: Session, found: list[NetworkingFeed]) -> list[FeedRead]:
    mines = {m.id: m.name for m in db_session.scalars(select(Mine).where(Mine.id.in_({f.mine_id for f in found})))}
    owners = {
        o.id: o.name
        for o in db_session.scalars(select(Organisation).where(Organisation.id.in_({f.enterprise_id for f in found})))
    }
    places = divisions.names(db_session, {f.division_code for f in found})
    rows: list[FeedRead] = []
    for feed in found:
        try:
            profile = profile_by_id(feed.profile)
            profile_name, verified = profile.name, profile.verified
        except InvalidInput:  # a province profile no longer installed
            profile_name, verified = feed.profile, False
        level = WarningLevel(feed.grade) if feed.grade is not None else None
        rows.append(
            FeedRead(
                id=feed.id,
                code=feed.code,
                mine_id=feed.mine_id,
                mine_name=mines.get(feed.mine_id, ""),
                enterprise_id=feed.enterprise_id,
                enterprise_name=owners.get(feed.enterprise_id, ""),
                division_code=feed.division_code,
                division_name=places.get(feed.division_code, feed.division_code),
                profile=feed.profile,
                profile_name=profile_name,
                profile_verified=verified,
                cycle_s=feed.cycle_s,
                registered_at=feed.registered_at,
                last_file_at=feed.last_file_at,
                last_data_at=feed.last_data_at,
                stale=level is not None,
                stale_since=feed.stale_since,
                grade=feed.grade,
                grade_label=f"{level.label}预警" if level is not None else "正常",
                state_label="联网中断" if level is not None else "联网正常",
            )
        )
    return rows
