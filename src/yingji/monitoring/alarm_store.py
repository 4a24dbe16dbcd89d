"""Engine transitions → alarm rows, set-based: one lookup of the open alarms a batch touches, bulk inserts, and one
flood check per site, so an alarm flood (a power failure silencing a whole mine) costs O(transitions), not O(n²).

An alarm is *open* while active or unacknowledged; a raise of a condition whose alarm is still open re-activates that
alarm instead of creating another (no duplicates from a value hovering around its threshold).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yingji.core.text import span_words
from yingji.monitoring.models import Alarm, AlarmCondition, AlarmEvent, AlarmGroup, Severity
from yingji.monitoring.policy import policy

ENGINE_ACTOR = "engine"
CHUNK = 500  # keys per IN (…) list: well inside every driver's parameter limit


@dataclass(frozen=True)
class AlarmChange:
    """One engine transition, resolved to its point and rule."""

    point_id: int
    rule_id: str
    condition: AlarmCondition
    before: int
    after: int
    value: float | None
    at: datetime
    level_name: str
    site_key: str
    enterprise_id: int
    division_code: str
    severity: int = Severity.ALARM.rank  # Severity.rank of ``after``

    @property
    def key(self) -> str:
        return open_key(self.point_id, self.rule_id, self.condition)


def open_key(point_id: int, rule_id: str, condition: AlarmCondition) -> str:
    return f"{point_id}:{rule_id}:{condition.value}"


def event_row(alarm_id: int, at: datetime, kind: str, actor: str = ENGINE_ACTOR, **extra: Any) -> dict[str, Any]:
    return {"alarm_id": alarm_id, "at": at, "kind": kind, "actor": actor} | {
        name: extra.get(name) for name in ("level", "value", "text", "detail")
    }


def add_event(
    db_session: Session, alarm: Alarm, at: datetime, kind: str, actor: str = ENGINE_ACTOR, **extra: Any
) -> None:
    db_session.add(AlarmEvent(**event_row(alarm.id, at, kind, actor, **extra)))


def close(alarm: Alarm | NewAlarm, at: datetime) -> None:
    """Cleared and acknowledged: free the open key so the next raise opens a new alarm."""
    alarm.open_key, alarm.closed_at, alarm.shelved_until = None, at, None


def _open_alarms(db_session: Session, keys: Iterable[str]) -> dict[str, Alarm]:
    ordered = sorted(keys)
    found: dict[str, Alarm] = {}
    for start in range(0, len(ordered), CHUNK):
        query = select(Alarm).where(Alarm.open_key.in_(ordered[start : start + CHUNK])).order_by(Alarm.open_key)
        # locked: a person acknowledging one of these alarms meanwhile waits for this batch, not overwritten by it
        rows = db_session.scalars(query.with_for_update().execution_options(populate_existing=True))
        found.update({alarm.open_key: alarm for alarm in rows if alarm.open_key})
    return found


@dataclass
class NewAlarm:
    """An alarm raised in this batch, inserted with one statement after the batch (ORM objects cost ~0.2 ms each)."""

    open_key: str | None
    point_id: int
    rule_id: str
    condition: AlarmCondition
    site_key: str
    enterprise_id: int
    division_code: str
    level: int
    peak_level: int
    level_name: str
    severity: int
    value: float | None
    raised_at: datetime
    active_since: datetime
    active: bool = True
    cleared_at: datetime | None = None
    raise_count: int = 1
    escalation_step: int = 0
    closed_at: datetime | None = None
    shelved_until: datetime | None = None
    id: int = 0
    key: str = ""  # the open key it was raised under (``open_key`` is None once closed in the same call)
    run: int = 0  # the run of ``apply_change_runs`` that raised it

    @classmethod
    def of(cls, change: AlarmChange, run: int = 0) -> NewAlarm:
        return cls(
            open_key=change.key,
            point_id=change.point_id,
            rule_id=change.rule_id,
            condition=change.condition,
            site_key=change.site_key,
            enterprise_id=change.enterprise_id,
            division_code=change.division_code,
            level=change.after,
            peak_level=change.after,
            level_name=change.level_name,
            severity=change.severity,
            value=change.value,
            raised_at=change.at,
            active_since=change.at,
            key=change.key,
            run=run,
        )

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in COLUMNS}


COLUMNS = tuple(f.name for f in fields(NewAlarm) if f.name not in ("id", "key", "run"))
ALARMS = cast(Table, Alarm.__table__)  # Core tables: the ORM's bulk machinery costs more than the inserts themselves
EVENTS = cast(Table, AlarmEvent.__table__)
NEXT_IDS = text("SELECT nextval(pg_get_serial_sequence('alarm', 'id')) FROM generate_series(1, :n)")


def _set_level(alarm: Alarm | NewAlarm, change: AlarmChange) -> None:
    alarm.level, alarm.level_name, alarm.value = change.after, change.level_name, change.value
    alarm.severity = change.severity
    alarm.peak_level = max(alarm.peak_level, change.after)


def _reactivate(alarm: Alarm | NewAlarm, change: AlarmChange) -> None:
    """A new rise of a cleared condition: escalation starts again from the first rung."""
    alarm.active, alarm.cleared_at, alarm.active_since, alarm.escalation_step = True, None, change.at, 0
    alarm.raise_count += 1
    _set_level(alarm, change)


def apply_changes(db_session: Session, changes: Sequence[AlarmChange]) -> list[int]:
    """Persist transitions in the caller's transaction; returns the ids of the alarms touched."""
    return apply_change_runs(db_session, [changes])


RUN_ALARMS = 2000  # new alarms in one call above which its runs are written one by one (keeps the IN lists short)


def apply_change_runs(db_session: Session, runs: Sequence[Sequence[AlarmChange]]) -> list[int]:
    """Persist several batches of transitions (a cluster partition's records, in stream order) with the statements of
    one: one lookup, one insert, one events insert. The outcome is the one of ``apply_changes`` called run by run —
    an alarm raised by an earlier run is handled as the stored alarm it would then be, and floods are grouped run by
    run, each run seeing only the alarms of the runs up to it. Returns the ids of the alarms touched."""
    runs = [run for run in runs if run]
    if not runs:
        return []
    if len(runs) > 1 and sum(c.before == 0 and c.after > 0 for run in runs for c in run) > RUN_ALARMS:
        # a flood across many runs: run by run, so no statement carries thousands of ids
        return sorted({alarm_id for run in runs for alarm_id in apply_change_runs(db_session, [run])})
    open_by_key: dict[str, Alarm | NewAlarm] = dict(
        _open_alarms(db_session, {change.key for run in runs for change in run})
    )
    created: list[NewAlarm] = []
    history: list[tuple[Alarm | NewAlarm, AlarmChange, str, dict[str, Any]]] = []
    for number, run in enumerate(runs):
        for change in run:
            alarm = open_by_key.get(change.key)
            if change.before == 0 and change.after > 0:
                if alarm is None:
                    alarm = open_by_key[change.key] = NewAlarm.of(change, number)
                    created.append(alarm)
                    kind = "raised"
                else:
                    _reactivate(alarm, change)
                    kind = "reactivated"
            elif alarm is None:
                continue  # a clear for an alarm closed meanwhile (acknowledged and closed by a person)
            elif change.after == 0:
                silent = alarm.condition is AlarmCondition.OFFLINE
                extra = {"text": f"无数据报警持续 {span_words(change.at - alarm.active_since)}后恢复"} if silent else {}
                alarm.active, alarm.level, alarm.cleared_at, alarm.value = False, 0, change.at, change.value
                alarm.severity = Severity.CLEARED.rank
                # a sensor heard again needs nobody's acknowledgement: its silence is over and recorded (an alarm
                # raised by an earlier run is a stored one here, as it would be run by run)
                stored = isinstance(alarm, Alarm) or alarm.run < number
                if stored and (silent or (isinstance(alarm, Alarm) and alarm.acked_at is not None)):
                    close(alarm, change.at)
                    del open_by_key[change.key]
                kind = "cleared"
                history.append((alarm, change, kind, extra))
                continue
            else:
                _set_level(alarm, change)
                kind = "level"
            history.append((alarm, change, kind, {}))
    fresh = _insert(db_session, created)
    db_session.flush()
    events = [
        event_row(alarm.id, change.at, kind, level=change.after, value=change.value, **extra)
        for alarm, change, kind, extra in history
    ]
    db_session.execute(insert(AlarmEvent), events)
    _group_floods(db_session, fresh)
    return sorted({alarm.id for alarm, _, _, _ in history})


def _insert(db_session: Session, created: list[NewAlarm]) -> list[NewAlarm]:
    """Insert new alarms with one statement returning their ids in order; if another process opened one of the same
    keys meanwhile, fall back to one at a time and merge each loser into the winner's alarm. Returns those
    inserted."""
    if not created:
        return []
    try:
        with db_session.begin_nested():
            if db_session.get_bind().dialect.name == "postgresql":
                # ids drawn first, then a plain executemany: one short statement the driver prepares once and
                # pipelines (a multi-row INSERT … RETURNING is a new long text per batch size, which psycopg parses
                # in Python every time — a quarter of a worker's time under load)
                ids = sorted(db_session.execute(NEXT_IDS, {"n": len(created)}).scalars())
                db_session.execute(
                    insert(ALARMS), [alarm.row() | {"id": i} for alarm, i in zip(created, ids, strict=True)]
                )
            else:
                statement = insert(ALARMS).returning(ALARMS.c.id, sort_by_parameter_order=True)
                ids = list(db_session.execute(statement, [alarm.row() for alarm in created]).scalars())
        for alarm, alarm_id in zip(created, ids, strict=True):
            alarm.id = alarm_id
        return created
    except IntegrityError:
        pass
    inserted: list[NewAlarm] = []
    for alarm in created:
        try:
            with db_session.begin_nested():
                alarm.id = db_session.execute(insert(ALARMS).returning(ALARMS.c.id), [alarm.row()]).scalar_one()
            inserted.append(alarm)
        except IntegrityError:
            winner = _open_alarms(db_session, [alarm.key]).get(alarm.key)
            if winner is None:
                raise
            # the loser's state is this batch's last word on the condition (it may have cleared again)
            winner.active, winner.cleared_at, winner.active_since = alarm.active, alarm.cleared_at, alarm.active_since
            winner.raise_count += 1
            winner.level, winner.level_name, winner.value = alarm.level, alarm.level_name, alarm.value
            winner.severity = alarm.severity
            winner.peak_level = max(winner.peak_level, alarm.peak_level)
            db_session.flush()
            alarm.id = winner.id  # its history joins the winner's
    return inserted


@dataclass
class _Seen:
    """An alarm of a flooding site as the flood check sees it: run None for one stored before this call."""

    id: int
    raised_at: datetime
    group_id: int | None
    run: int | None


def _group_floods(db_session: Session, raised: list[NewAlarm]) -> None:
    """Group a site's alarms while it floods: more than ``begins_above`` raised within the window; the flood ends when
    fewer than ``ends_below`` came in the last window (anchor-systems.md#L302).

    Decided run by run (``NewAlarm.run``), each run seeing the alarms stored before the call and those of the runs up
    to it, exactly as calls run by run would; but read with one query of the site's alarms and one of its groups over
    all the runs' windows, and written with one update per group and one insert of the events."""
    if not raised:
        return
    rules = policy().flood
    window = timedelta(minutes=rules.window_min)
    latest: dict[str, dict[int, datetime]] = {}  # site → run → its newest raise
    for alarm in raised:
        runs = latest.setdefault(alarm.site_key, {})
        runs[alarm.run] = max(runs.get(alarm.run, alarm.raised_at), alarm.raised_at)
    run_of = {alarm.id: alarm.run for alarm in raised}
    joined: dict[int, list[int]] = {}  # group id → alarms joining it
    events: list[dict[str, Any]] = []
    for site_key, runs in latest.items():
        low, high = min(runs.values()) - window, max(runs.values())
        seen = [
            _Seen(alarm_id, raised_at, group_id, run_of.get(alarm_id))
            for alarm_id, raised_at, group_id in db_session.execute(
                select(ALARMS.c.id, ALARMS.c.raised_at, ALARMS.c.group_id).where(
                    ALARMS.c.site_key == site_key, ALARMS.c.raised_at > low, ALARMS.c.raised_at <= high
                )
            )
        ]
        groups = list(
            db_session.scalars(
                select(AlarmGroup).where(AlarmGroup.site_key == site_key, AlarmGroup.last_joined_at > low)
            )
        )
        for run in sorted(runs):
            at = runs[run]
            since = at - window
            in_window = [a for a in seen if (a.run is None or a.run <= run) and since < a.raised_at <= at]
            count = len(in_window)
            open_groups = [g for g in groups if g.last_joined_at > since]
            group = max(open_groups, key=lambda g: g.id) if open_groups else None
            if group is not None and count < rules.ends_below:
                group = None
            if group is None and count <= rules.begins_above:
                continue
            if group is None:
                group = AlarmGroup(site_key=site_key, opened_at=at, last_joined_at=at, size=0)
                db_session.add(group)
                db_session.flush()
                groups.append(group)
            joining = [a for a in in_window if a.group_id is None]
            if not joining:
                continue
            for a in joining:
                a.group_id = group.id
            joined.setdefault(group.id, []).extend(a.id for a in joining)
            events += [event_row(a.id, at, "grouped", detail={"group_id": group.id}) for a in joining]
            group.size += len(joining)
            group.last_joined_at = at
    for group_id, alarm_ids in joined.items():
        for start in range(0, len(alarm_ids), CHUNK):
            db_session.execute(
                update(Alarm).where(Alarm.id.in_(alarm_ids[start : start + CHUNK])).values(group_id=group_id),
                execution_options={"synchronize_session": False},  # loaded alarms are re-read with populate_existing
            )
    if events:
        db_session.execute(insert(EVENTS), events)


def withdraw_alarms(db_session: Session, point_id: int, at: datetime, reason: str, *, all_conditions: bool) -> int:
    """Close a point's open alarms when its rules change or it is taken out of service: they no longer describe
    anything the engine will clear. Offline/stuck alarms stay unless the point itself is retired."""
    conditions = list(AlarmCondition) if all_conditions else [AlarmCondition.LEVEL, AlarmCondition.RATE]
    query = select(Alarm).where(
        Alarm.point_id == point_id, Alarm.open_key.is_not(None), Alarm.condition.in_(conditions)
    )
    withdrawn = list(db_session.scalars(query.with_for_update()))
    for alarm in withdrawn:
        if alarm.active:
            alarm.active, alarm.level, alarm.cleared_at = False, 0, at
            alarm.severity = Severity.CLEARED.rank
        close(alarm, at)
        add_event(db_session, alarm, at, "withdrawn", ENGINE_ACTOR, text=reason)
    db_session.flush()
    return len(withdrawn)
